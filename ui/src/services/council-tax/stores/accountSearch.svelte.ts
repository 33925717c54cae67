// Account search as the agent types: the desk's local index answers; only the answer to the
// newest text is kept.
import type { ErrorBody } from '../../../lib/bindings/ErrorBody';
import { toErrorBody } from '../../../lib/ipc';
import { searchAccounts } from '../api';
import type { AccountSummary } from '../types';
import { searchTextError } from '../changes/fields';

/** Fewer characters match too much to help (a postcode district is three). */
export const MIN_ACCOUNT_SEARCH = 3;

export class AccountSearchState {
  results = $state<AccountSummary[]>([]);
  more = $state(0);
  answered = $state('');
  inputError = $state<string | null>(null);
  error = $state<ErrorBody | null>(null);
  searching = $state(false);
  #request = 0;

  async search(text: string): Promise<void> {
    const request = ++this.#request;
    this.error = null;
    const trimmed = text.trim();
    this.inputError = searchTextError(trimmed);
    if (this.inputError !== null || Array.from(trimmed).length < MIN_ACCOUNT_SEARCH) {
      this.results = [];
      this.more = 0;
      this.answered = '';
      this.searching = false;
      return;
    }
    this.searching = true;
    try {
      const found = await searchAccounts(trimmed);
      if (request !== this.#request) return;
      this.results = found.accounts;
      this.more = found.more;
      this.answered = trimmed;
    } catch (error) {
      if (request !== this.#request) return;
      this.results = [];
      this.more = 0;
      this.error = toErrorBody(error);
    } finally {
      if (request === this.#request) this.searching = false;
    }
  }
}
