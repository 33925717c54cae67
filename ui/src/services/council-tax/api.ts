// The council-tax screens' one way to the desk. Every call goes through `ipc.call`, so errors
// arrive as `IpcError {code, message}` and tests answer them with the fake desk.
import * as ipc from '../../lib/ipc';
import type {
  AccountMatch,
  AccountPage,
  AccountSearch,
  Answer,
  Caller,
  ChangeTaken,
  CheckOutcome,
  Identified,
} from './types';
import type { ChangeKind } from './changes/kinds';

// Until the contract's entries exist the names are not in `CommandName`; this keeps one cast.
type Loose = (name: string, req?: unknown) => Promise<unknown>;
const call = <T>(name: string, req?: unknown): Promise<T> => (ipc.call as unknown as Loose)(name, req) as Promise<T>;

/** How many accounts a search lists; the rest are counted. */
export const SEARCH_LIMIT = 20;

export function searchAccounts(text: string): Promise<AccountSearch> {
  return call('ct_search', { text, limit: SEARCH_LIMIT });
}

export function accountSummary(accountId: number): Promise<AccountMatch> {
  return call('ct_account_summary', { accountId });
}

export function recordCheck(req: {
  accountId: number;
  caller: Caller;
  identifiedBy: Identified;
  answers: Answer[];
}): Promise<CheckOutcome> {
  return call('ct_record_check', req);
}

export function accountPage(accountId: number, checkId: string): Promise<AccountPage> {
  return call('ct_account', { accountId, checkId });
}

/** One change: its own fields with the account, the passed check and the effective date. */
export function takeChange(
  kind: ChangeKind,
  req: { accountId: number; checkId: string; effective: string; fields: Record<string, unknown> },
): Promise<ChangeTaken> {
  return call('ct_take_change', { kind, ...req });
}
