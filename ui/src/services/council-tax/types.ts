// The shapes the council-tax screens work with. Until the desk's contract for the service is
// generated (src-tauri/src/commands.rs → lib/bindings), these are written from desk-domain's
// council_tax module (identity.rs, command.rs, records.rs, estimate.rs); `api.ts` is the one
// place that turns them into IPC calls.

export type Band = 'A' | 'B' | 'C' | 'D' | 'E' | 'F' | 'G' | 'H';

/** What the agent may see before the caller passes the check: enough to pick the account. */
export interface AccountMatch {
  id: number;
  reference: string;
  address: string;
  postcode: string;
  uprn: string;
  liable_names: string[];
}

export interface AccountSearch {
  accounts: AccountMatch[];
  /** How many more match than are listed (0 when the list is whole). */
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

export interface CheckOutcome {
  check_id: string;
  passed: boolean;
  items: { item: Item; outcome: Outcome }[];
  /** Failed checks on this account today, this one included. */
  failed_today: number;
  /** Phone changes to the account wait for a supervisor. */
  locked: boolean;
}

export type RequestStatus = 'received' | 'exported' | 'processed' | 'queried' | 'rejected';

export interface RequestView {
  id: string;
  reference: string;
  /** The command's wire name: `council_tax.move_out`. */
  kind: string;
  effective: string;
  status: RequestStatus;
  status_message: string | null;
  needs_review: boolean;
  /** Not yet accepted by the server. */
  pending: boolean;
  received_at: string;
}

export interface Viewing {
  at: string;
  staff_name: string;
  detail: string;
}

/** The account page, once the caller has passed the check. */
export interface AccountPage {
  id: number;
  reference: string;
  address: string;
  postcode: string;
  uprn: string;
  band: Band;
  liable: { name: string; date_of_birth: string }[];
  liable_from: string | null;
  single_person_discount: boolean;
  /** Other discounts and disregards in words. */
  discounts: string[];
  /** "Direct Debit, account ending 1234" or "No Direct Debit": never the whole number. */
  payment: string;
  paperless: boolean;
  requests: RequestView[];
  viewed: Viewing[];
  locked: boolean;
}

/** Pence; negative for a credit. */
export type Pence = number;

export interface EstimatePart {
  from: string;
  until: string;
  days: number;
  charged_total: Pence;
  label: string;
}

export interface ChargeEstimate {
  year_label: string;
  days_in_year: number;
  before_total: Pence;
  after_total: Pence;
  difference: Pence;
  before_parts: EstimatePart[];
  after_parts: EstimatePart[];
  /** The instalments left after the change, if it leaves any. */
  instalments_after: { date: string; amount: Pence }[];
  at_once: Pence;
}

/** A change as taken: its reference (made on the desk, so it works offline) and the estimate. */
export interface ChangeTaken {
  request: RequestView;
  estimate: ChargeEstimate | null;
}
