// The shapes the council-tax screens work with, as the desk's council-tax facade gives them
// (desk-client council_tax/views.rs). Until its contract entries are generated into
// lib/bindings they are written out here; `api.ts` is the one place that calls the desk.

export type Band = 'A' | 'B' | 'C' | 'D' | 'E' | 'F' | 'G' | 'H';
export type Pence = number;

/** What the agent may see before the caller passes the check: enough to pick the account. */
export interface AccountSummary {
  id: number;
  reference: string;
  address: string;
  postcode: string;
  uprn: string;
  band: Band;
  liable_names: string[];
}

export interface AccountSearch {
  accounts: AccountSummary[];
  /** How many more match than are listed. */
  more: number;
}

export type Item = 'date_of_birth' | 'postcode' | 'last_instalment' | 'bank_last_four' | 'phone';
export type Authority = 'power_of_attorney' | 'appointee' | 'executor' | 'landlord' | 'agent';
export type Caller =
  | { kind: 'liable_person'; name: string }
  | { kind: 'third_party'; name: string; authority: Authority; seen: string };
export type Identified = 'account_reference' | 'name_and_address';
export interface Answer {
  item: Item;
  typed: string;
}
export type Outcome = 'match' | 'no_match';
export interface ItemResult {
  item: Item;
  outcome: Outcome;
}

export interface CheckInput {
  account_id: number;
  caller: Caller;
  identified_by: Identified;
  answers: Answer[];
}

export interface CheckOutcome {
  check_id: string;
  account_id: number;
  passed: boolean;
  items: ItemResult[];
  valid_until: string | null;
  /** This failure makes three today: phone changes wait for a supervisor. */
  locked: boolean;
}

export type RequestStatus = 'received' | 'exported' | 'processed' | 'queried' | 'rejected';

export interface RequestView {
  id: string;
  reference: string;
  kind: string;
  title: string;
  effective: string;
  status: RequestStatus;
  status_message: string | null;
  needs_review: boolean;
  pending: boolean;
  received_at: string;
}

export interface RecordViewing {
  at: string;
  staff_id: number | null;
  staff_name: string | null;
  detail: string;
}

export interface PaymentView {
  direct_debit: boolean;
  /** `•••• 7781`. */
  bank_account: string | null;
  last_instalment: Pence | null;
}

export interface AccountDetail {
  liable: { name: string; date_of_birth: string }[];
  liability_start: string | null;
  single_person_discount: boolean;
  phone: string | null;
  email: string | null;
  paperless: boolean;
  payment: PaymentView;
  requests: RequestView[];
  viewed: RecordViewing[];
}

export interface OpenCheck {
  check_id: string;
  valid_until: string;
}

export interface AccountPage {
  summary: AccountSummary;
  locked: boolean;
  check: OpenCheck | null;
  detail: AccountDetail | null;
}

export interface Charges {
  council_tax: Pence;
  water: Pence;
  waste_water: Pence;
}

export interface Circumstances {
  band: Band;
  disabled_reduction: boolean;
  discount: 'none' | 'single_person' | 'all_disregarded' | 'exempt';
  occupancy: 'occupied' | 'second_home' | 'empty_unfurnished' | 'empty_furnished' | 'long_term_empty';
}

export interface Part {
  from: string;
  until: string;
  days: number;
  circumstances: Circumstances;
  annual: Charges;
  charged: Charges;
}

export interface Estimate {
  year_starts: string;
  days_in_year: number;
  parts: Part[];
  total: Charges;
}

export interface Instalments {
  dates: string[];
  amounts: Pence[];
  at_once: Pence;
}

export interface ChangeEstimate {
  before: Estimate;
  after: Estimate;
  difference: Pence;
  instalments_before: Instalments;
  instalments_after: Instalments;
}

export interface EstimateView {
  year: string;
  estimate: ChangeEstimate;
  paid_assumed: Pence;
  notes: string[];
}

export interface ChangeInput {
  account_id: number;
  check_id: string;
  effective: string;
}

export interface ChangeReceipt {
  request: RequestView;
  estimate: EstimateView | null;
}
