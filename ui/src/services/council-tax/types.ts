// The shapes the council-tax screens work with: the desk's council-tax views as generated from
// the shell's contract (src-tauri/src/commands.rs → lib/bindings), under the names the screens use.
export type { AccountDetail } from '../../lib/bindings/AccountDetail';
export type { AccountPage } from '../../lib/bindings/AccountPage';
export type { AccountSearch } from '../../lib/bindings/AccountSearch';
export type { AccountSummary } from '../../lib/bindings/AccountSummary';
export type { Answer } from '../../lib/bindings/Answer';
export type { Authority } from '../../lib/bindings/Authority';
export type { Caller } from '../../lib/bindings/Caller';
export type { ChangeEstimate } from '../../lib/bindings/ChangeEstimate';
export type { ChangeInput } from '../../lib/bindings/ChangeInput';
export type { ChangeReceipt } from '../../lib/bindings/ChangeReceipt';
export type { Charges } from '../../lib/bindings/Charges';
export type { CheckInput } from '../../lib/bindings/CheckInput';
export type { CheckOutcome } from '../../lib/bindings/CheckOutcome';
export type { CouncilTaxBand as Band } from '../../lib/bindings/CouncilTaxBand';
export type { EstimateView } from '../../lib/bindings/EstimateView';
export type { Identified } from '../../lib/bindings/Identified';
export type { Item } from '../../lib/bindings/Item';
export type { ItemResult } from '../../lib/bindings/ItemResult';
export type { Part } from '../../lib/bindings/Part';
export type { Pence } from '../../lib/bindings/Pence';
export type { RecordViewing } from '../../lib/bindings/RecordViewing';
export type { RequestStatus } from '../../lib/bindings/RequestStatus';
export type { RequestView } from '../../lib/bindings/RequestView';
