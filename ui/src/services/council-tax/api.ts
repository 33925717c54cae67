// The council-tax screens' one way to the desk. Every call goes through `ipc.call`, so errors
// arrive as `IpcError {code, message}`.
import * as ipc from '../../lib/ipc';
import type { ChangeKind } from './changes/kinds';
import type { AccountPage, AccountSearch, ChangeInput, ChangeReceipt, CheckInput, CheckOutcome } from './types';

// Until the contract's entries exist the names are not in `CommandName`; this keeps one cast.
type Loose = (name: string, req?: unknown) => Promise<unknown>;
const call = <T>(name: string, req?: unknown): Promise<T> => (ipc.call as unknown as Loose)(name, req) as Promise<T>;

/** How many accounts a search lists; the rest are counted. */
export const SEARCH_LIMIT = 20;

export function searchAccounts(text: string): Promise<AccountSearch> {
  return call('ct_search_accounts', { text, limit: SEARCH_LIMIT });
}

/** The account: its summary always, the rest only with this agent's passed check. */
export function accountPage(accountId: number): Promise<AccountPage> {
  return call('ct_account_page', { accountId });
}

export function recordCheck(check: CheckInput): Promise<CheckOutcome> {
  return call('ct_record_check', { check });
}

/** One change: the envelope (account, passed check, effective date) and its own fields. */
export function takeChange(kind: ChangeKind, change: ChangeInput, fields: Record<string, unknown>): Promise<ChangeReceipt> {
  return call(`ct_${kind}`, { input: { change, ...fields } });
}
