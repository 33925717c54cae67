// The account page as the desk gives it once the caller has passed the check: loaded for the
// account page and each change's questions (who is liable, since when), and read again after a
// change or a sync.
import type { ErrorBody } from '../../../lib/bindings/ErrorBody';
import { toErrorBody } from '../../../lib/ipc';
import { onForgetRecords } from '../../../lib/stores/records';
import { accountPage } from '../api';
import type { AccountPage } from '../types';

export class AccountState {
  page = $state<AccountPage | null>(null);
  error = $state<ErrorBody | null>(null);
  loading = $state(false);
  /** Bumped by each sync, so the account page reads the request statuses again. */
  revision = $state(0);
  #request = 0;

  synced(): void {
    this.revision += 1;
  }

  async load(accountId: number): Promise<AccountPage | null> {
    const request = ++this.#request;
    this.loading = true;
    this.error = null;
    try {
      const page = await accountPage(accountId);
      if (request === this.#request) this.page = page;
      return page;
    } catch (e) {
      if (request === this.#request) {
        this.error = toErrorBody(e);
        this.page = null;
      }
      return null;
    } finally {
      if (request === this.#request) this.loading = false;
    }
  }

  /** The page held, if it is this account's. */
  for(accountId: number): AccountPage | null {
    return this.page?.summary.id === accountId ? this.page : null;
  }

  reset(): void {
    this.page = null;
    this.error = null;
  }
}

export const account = new AccountState();
onForgetRecords(() => account.reset());
