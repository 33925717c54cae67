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
  return call('search_ct_accounts', { text, limit: SEARCH_LIMIT });
}

/** The account: its summary always, the rest only with this agent's passed check. */
export function accountPage(accountId: number): Promise<AccountPage> {
  return call('ct_account', { accountId });
}

export function recordCheck(check: CheckInput): Promise<CheckOutcome> {
  return call('ct_record_check', { check });
}

/** `forwarding_address` → `forwardingAddress`: a command's arguments as Tauri takes them. */
const camel = (key: string): string => key.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());

/**
 * One change (`ct_move_out`, `ct_paperless_sign_up`, …): the envelope (account, passed check,
 * effective date) and the change type's own fields, named as desk-domain's command names them.
 */
export function takeChange(kind: ChangeKind, change: ChangeInput, fields: Record<string, unknown>): Promise<ChangeReceipt> {
  const args = Object.fromEntries(Object.entries(fields).map(([k, v]) => [camel(k), v]));
  return call(`ct_${kind}`, { change, ...args });
}
