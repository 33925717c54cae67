// The call in progress: which account the caller is about, who they are and the check they
// passed. A change needs a passed check by the same agent on the same account within 60 minutes
// (the server refuses it otherwise); the desk keeps the check's id here so every change carries
// it, and the screens send the agent back to the check once it has run out.
import { onForgetRecords } from '../../../lib/stores/records';
import type { AccountMatch, Caller, CheckOutcome } from '../types';

/** As desk-domain's identity::CHECK_VALID_FOR. */
export const CHECK_VALID_MINUTES = 60;

export interface PassedCheck {
  accountId: number;
  checkId: string;
  caller: Caller;
  /** When it passed (this desk's clock). */
  at: number;
}

export class CallState {
  /** The account picked from the search (restricted view). */
  account = $state<AccountMatch | null>(null);
  passed = $state<PassedCheck | null>(null);
  /** Answers to start a change with (an SPD from the day a partner moved out). */
  prefill = $state<{ accountId: number; kind: string; answers: Record<string, string> } | null>(null);

  pick(account: AccountMatch): void {
    if (this.account?.id !== account.id) this.passed = null;
    this.account = account;
  }

  checked(accountId: number, caller: Caller, outcome: CheckOutcome, now = Date.now()): void {
    this.passed = outcome.passed ? { accountId, checkId: outcome.check_id, caller, at: now } : null;
  }

  /** The passed check that still lets this agent change this account, if any. */
  checkFor(accountId: number, now = Date.now()): PassedCheck | null {
    const p = this.passed;
    if (!p || p.accountId !== accountId) return null;
    return now - p.at <= CHECK_VALID_MINUTES * 60_000 ? p : null;
  }

  /** The call ended: nothing about it stays on screen. */
  end(): void {
    this.account = null;
    this.passed = null;
    this.prefill = null;
  }
}

export const call = new CallState();
onForgetRecords(() => call.end());
