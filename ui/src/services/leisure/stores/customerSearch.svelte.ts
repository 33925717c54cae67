// Search as you type: every keystroke asks the desk (its local index answers in milliseconds)
// and only the answer to the newest text is kept. Text that fails the checks is not sent. The
// desk says how many more matched than it listed, so the list never ends without saying so.
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
  /** Matches the desk did not list: the text needs narrowing to reach them. */
  more = $state(0);
  /** Text the current results answer. */
  answered = $state('');
  inputError = $state<string | null>(null);
  error = $state<ErrorBody | null>(null);
  searching = $state(false);
  #request = 0;
  #inFlight: Promise<void> = Promise.resolve();

  /** Waits for the answer to the newest text (a card scanner presses Enter as it finishes). */
  async settled(): Promise<void> {
    let last: Promise<void> | null = null;
    while (last !== this.#inFlight) {
      last = this.#inFlight;
      await last;
    }
  }

  search(text: string): Promise<void> {
    this.#inFlight = this.#search(text);
    return this.#inFlight;
  }

  async #search(text: string): Promise<void> {
    this.text = text;
    const request = ++this.#request;
    this.error = null;
    this.inputError = customerSearchError(text);
    const trimmed = text.trim();
    if (this.inputError !== null || Array.from(trimmed).length < MIN_SEARCH_LENGTH) {
      this.results = [];
      this.more = 0;
      this.answered = '';
      this.searching = false;
      return;
    }
    this.searching = true;
    try {
      const found = await ipc.call('find_customers', { text: trimmed, limit: SEARCH_LIMIT });
      if (request !== this.#request) return;
      this.results = found.customers;
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

  clear(): void {
    this.#request += 1;
    this.text = '';
    this.results = [];
    this.more = 0;
    this.answered = '';
    this.inputError = null;
    this.error = null;
    this.searching = false;
  }
}
