// A form half filled in survives the idle lock: its fields are saved (a moment after each
// change) in the staff member's own encrypted store through the desk (`save_draft`), given back
// when the form shows again after the unlock (`draft`), and forgotten when it is submitted or
// left on purpose (`clear_draft`); the desk drops them all when the staff member signs out.
import * as ipc from './ipc';

/** How soon after the unlock a form may take its draft back: the screen shown at the unlock. */
const RESTORE_WINDOW_MS = 10_000;
let unlockedAt = -Infinity;

/** The desk was unlocked now (App.svelte): the screen it shows again gets its form back. */
export function noteUnlocked(now: number = Date.now()): void {
  unlockedAt = now;
}

/** A form showing now is the one the lock interrupted (else a draft is stale and dropped). */
export function restoresNow(now: number = Date.now()): boolean {
  return now - unlockedAt <= RESTORE_WINDOW_MS;
}

export class DraftKeeper<T extends object> {
  #timer: ReturnType<typeof setTimeout> | null = null;
  #pending: T | null = null;

  constructor(
    readonly form: string,
    readonly delayMs = 300,
  ) {}

  /**
   * The kept fields, if any (and readable), when the form shows again just after the unlock; a
   * draft found at any other time was left by a lock the staff member did not come back to,
   * and is forgotten.
   */
  async load(): Promise<T | null> {
    try {
      const text = await ipc.call('draft', { form: this.form });
      if (!text) return null;
      if (!restoresNow()) {
        await this.clear();
        return null;
      }
      const value: unknown = JSON.parse(text);
      return value && typeof value === 'object' ? (value as T) : null;
    } catch {
      return null;
    }
  }

  /** Saves `fields` a moment after the last change. */
  save(fields: T): void {
    this.#pending = fields;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.flush(), this.delayMs);
  }

  /** Saves what is waiting now. */
  async flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const fields = this.#pending;
    this.#pending = null;
    if (!fields) return;
    // The desk may have locked meanwhile: the draft saved before is what comes back.
    await ipc.call('save_draft', { form: this.form, data: JSON.stringify(fields) }).catch(() => undefined);
  }

  /** Forgets the draft (submitted, or left on purpose). */
  async clear(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#pending = null;
    await ipc.call('clear_draft', { form: this.form }).catch(() => undefined);
  }

  /** Stops a save that has not started (the form is going away). */
  cancel(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
