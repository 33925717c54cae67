// Search as you type: every keystroke asks the desk (its local index answers in milliseconds)
// and only the answer to the newest text is kept. Text that fails the checks is not sent.
import type { CustomerView } from '../../../lib/bindings/CustomerView';
import type { ErrorBody } from '../../../lib/bindings/ErrorBody';
import * as ipc from '../../../lib/ipc';
import { toErrorBody } from '../../../lib/ipc';
import { customerSearchError } from '../../../lib/validation';

export const SEARCH_LIMIT = 20;
/** Shorter text matches too much to be useful. */
export const MIN_SEARCH_LENGTH = 2;

export class CustomerSearch {
  text = $state('');
  results = $state<CustomerView[]>([]);
  /** Text the current results answer. */
  answered = $state('');
  inputError = $state<string | null>(null);
  error = $state<ErrorBody | null>(null);
  searching = $state(false);
  #request = 0;

  async search(text: string): Promise<void> {
    this.text = text;
    const request = ++this.#request;
    this.error = null;
    this.inputError = customerSearchError(text);
    const trimmed = text.trim();
    if (this.inputError !== null || Array.from(trimmed).length < MIN_SEARCH_LENGTH) {
      this.results = [];
      this.answered = '';
      this.searching = false;
      return;
    }
    this.searching = true;
    try {
      const results = await ipc.call('search_customers', { text: trimmed, limit: SEARCH_LIMIT });
      if (request !== this.#request) return;
      this.results = results;
      this.answered = trimmed;
    } catch (error) {
      if (request !== this.#request) return;
      this.results = [];
      this.error = toErrorBody(error);
    } finally {
      if (request === this.#request) this.searching = false;
    }
  }

  clear(): void {
    this.#request += 1;
    this.text = '';
    this.results = [];
    this.answered = '';
    this.inputError = null;
    this.error = null;
    this.searching = false;
  }
}
