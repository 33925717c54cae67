// Pupil search as you type: the desk's local index answers in milliseconds; only the answer to
// the newest text is kept.
import type { ErrorBody } from '../../../lib/bindings/ErrorBody';
import type { PupilView } from '../../../lib/bindings/PupilView';
import * as ipc from '../../../lib/ipc';
import { toErrorBody } from '../../../lib/ipc';

export const PUPIL_SEARCH_LIMIT = 20;
/** One letter matches too much to help. */
export const MIN_PUPIL_SEARCH = 2;
const MAX_SEARCH = 200;

export class PupilSearch {
  text = $state('');
  results = $state<PupilView[]>([]);
  answered = $state('');
  inputError = $state<string | null>(null);
  error = $state<ErrorBody | null>(null);
  searching = $state(false);
  #request = 0;

  async search(text: string): Promise<void> {
    this.text = text;
    const request = ++this.#request;
    this.error = null;
    const trimmed = text.trim();
    this.inputError = Array.from(trimmed).length > MAX_SEARCH ? `Enter at most ${MAX_SEARCH} characters` : null;
    if (this.inputError !== null || Array.from(trimmed).length < MIN_PUPIL_SEARCH) {
      this.results = [];
      this.answered = '';
      this.searching = false;
      return;
    }
    this.searching = true;
    try {
      const results = await ipc.call('search_pupils', { text: trimmed, limit: PUPIL_SEARCH_LIMIT });
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
}
