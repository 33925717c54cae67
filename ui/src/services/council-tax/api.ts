// The council-tax screens' one way to the desk: the shell's council-tax commands through
// `ipc.call`, so errors arrive as `IpcError {code, message}`.
import type { CommandName, Requests } from '../../lib/bindings/commands';
import * as ipc from '../../lib/ipc';
import type { ChangeKind } from './changes/kinds';
import type { AccountPage, AccountSearch, ChangeInput, ChangeReceipt, CheckInput, CheckOutcome } from './types';

/** How many accounts a search lists; the rest are counted. */
export const SEARCH_LIMIT = 20;

export function searchAccounts(text: string): Promise<AccountSearch> {
  return ipc.call('search_ct_accounts', { text, limit: SEARCH_LIMIT });
}

/** The account: its summary always, the rest only with this agent's passed check. */
export function accountPage(accountId: number): Promise<AccountPage> {
  return ipc.call('ct_account', { accountId });
}

export function recordCheck(check: CheckInput): Promise<CheckOutcome> {
  return ipc.call('ct_record_check', { check });
}

/** The commands that take a change: `ct_move_out`, `ct_paperless_sign_up`, … */
type ChangeCommand = Extract<CommandName, `ct_${string}`> & keyof { [K in CommandName as Requests[K] extends { change: ChangeInput } ? K : never]: true };

/** `forwarding_address` → `forwardingAddress`: a command's arguments as Tauri takes them. */
const camel = (key: string): string => key.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());

/**
 * One change: the envelope (account, passed check, effective date) and the change type's own
 * fields, named as desk-domain's command names them. The definitions in changes/ are checked
 * against each command's request by the tests (ct-fields.test.ts), since a definition builds
 * its fields from answers at run time.
 */
export function takeChange(kind: ChangeKind, change: ChangeInput, fields: Record<string, unknown>): Promise<ChangeReceipt> {
  const args = Object.fromEntries(Object.entries(fields).map(([k, v]) => [camel(k), v]));
  const name = `ct_${kind}` as ChangeCommand;
  return ipc.call(name, { change, ...args } as unknown as Requests[ChangeCommand]);
}

/** A supervisor lets phone changes to a locked account go ahead again, saying why. */
export function clearLock(accountId: number, note: string): Promise<AccountPage> {
  return ipc.call('ct_clear_lock', { accountId, note });
}
