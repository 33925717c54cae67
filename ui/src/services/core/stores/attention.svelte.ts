// The rejected actions waiting for someone to deal with them.
import type { AbsenceView } from '../../../lib/bindings/AbsenceView';
import type { AttentionItem } from '../../../lib/bindings/AttentionItem';
import type { BookingView } from '../../../lib/bindings/BookingView';
import type { ErrorBody } from '../../../lib/bindings/ErrorBody';
import type { SpaceBookingView } from '../../../lib/bindings/SpaceBookingView';
import * as ipc from '../../../lib/ipc';
import { toErrorBody } from '../../../lib/ipc';
import { onForgetRecords } from '../../../lib/stores/records';

export class AttentionState {
  items = $state<AttentionItem[]>([]);
  loaded = $state(false);
  loading = $state(false);
  error = $state<ErrorBody | null>(null);
  #request = 0;

  async load(): Promise<void> {
    const request = ++this.#request;
    this.loading = true;
    try {
      const items = await ipc.call('needs_attention');
      if (request !== this.#request) return;
      this.items = items;
      this.error = null;
      this.loaded = true;
    } catch (error) {
      if (request !== this.#request) return;
      this.error = toErrorBody(error);
    } finally {
      if (request === this.#request) this.loading = false;
    }
  }

  /** Forgets every item (the desk locked or signed out); an answer in flight is dropped. */
  reset(): void {
    this.#request += 1;
    this.items = [];
    this.loaded = false;
    this.loading = false;
    this.error = null;
  }

  /** Takes the server's alternative number `index` for the item; the item then leaves the list. */
  async take(itemId: string, index: number): Promise<BookingView> {
    const booking = await ipc.call('take_alternative', { itemId, alternative: index });
    this.items = this.items.filter((i) => i.id !== itemId);
    void this.load();
    return booking;
  }

  /** Takes a school alternative ("add my note to it", "replace it"); the item then leaves the list. */
  async takeForAbsence(itemId: string, index: number): Promise<AbsenceView> {
    const absence = await ipc.call('take_absence_alternative', { itemId, alternative: index });
    this.items = this.items.filter((i) => i.id !== itemId);
    void this.load();
    return absence;
  }

  /** Takes the space or slot offered for a refused space booking; the item then leaves the list. */
  async takeForSpace(itemId: string, index: number): Promise<SpaceBookingView> {
    const booking = await ipc.call('take_space_alternative', { itemId, alternative: index });
    this.items = this.items.filter((i) => i.id !== itemId);
    void this.load();
    return booking;
  }

  async dismiss(itemId: string, note: string): Promise<void> {
    await ipc.call('dismiss_attention', { itemId, note });
    this.items = this.items.filter((i) => i.id !== itemId);
    void this.load();
  }
}

export const attention = new AttentionState();
onForgetRecords(() => attention.reset());
