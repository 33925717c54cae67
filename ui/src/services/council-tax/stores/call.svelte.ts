// The call in progress: which account the caller is about and who they are. Whether the agent
// may see the account and take changes is the desk's to say (the account page's open check: a
// passed check by this agent on this account within 60 minutes), not this store's.
import { onForgetRecords } from '../../../lib/stores/records';
import type { AccountSummary, Caller } from '../types';

export class CallState {
  /** The account picked from the search (what is shown before the check). */
  account = $state<AccountSummary | null>(null);
  /** Who is calling, once they have passed the check. */
  caller = $state<Caller | null>(null);
  /** Answers to start a change with (a single person discount from the day a partner left). */
  prefill = $state<{ accountId: number; kind: string; answers: Record<string, string> } | null>(null);

  pick(account: AccountSummary): void {
    if (this.account?.id !== account.id) this.caller = null;
    this.account = account;
  }

  passed(caller: Caller): void {
    this.caller = caller;
  }

  /** The call ended: nothing about it stays on screen. */
  end(): void {
    this.account = null;
    this.caller = null;
    this.prefill = null;
  }
}

export const call = new CallState();
onForgetRecords(() => call.end());
