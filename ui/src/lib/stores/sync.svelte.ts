// The desk's sync status as the header shows it: first from `sync_status`, then from every
// `sync-status` event the shell emits.
import type { ErrorBody } from '../bindings/ErrorBody';
import type { SyncStatus } from '../bindings/SyncStatus';
import * as ipc from '../ipc';
import { toErrorBody } from '../ipc';

export class SyncState {
  status = $state<SyncStatus | null>(null);
  syncing = $state(false);
  error = $state<ErrorBody | null>(null);
  #events = 0;
  #listeners: Array<(status: SyncStatus) => void> = [];

  /** Starts listening; the returned function stops it. */
  async start(): Promise<() => void> {
    const unlisten = await ipc.onSyncStatus((status) => {
      this.#events += 1;
      this.#apply(status);
    });
    const before = this.#events;
    try {
      const status = await ipc.call('sync_status');
      // An event that arrived while we were asking is newer than this answer.
      if (this.#events === before) this.#apply(status);
    } catch (error) {
      this.error = toErrorBody(error);
    }
    return unlisten;
  }

  /** Called with every new status (after the store has it). */
  subscribe(listener: (status: SyncStatus) => void): () => void {
    this.#listeners.push(listener);
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== listener);
    };
  }

  /** Asks the desk for its status now (after an unlock the events may have been missed). */
  async refresh(): Promise<void> {
    try {
      const status = await ipc.call('sync_status');
      // An error from before the lock (say, `locked` itself) is no longer news.
      this.error = null;
      this.#apply(status);
    } catch (error) {
      this.error = toErrorBody(error);
    }
  }

  /** Forgets the status shown (the desk locked or signed out). */
  reset(): void {
    this.status = null;
    this.error = null;
  }

  async syncNow(): Promise<void> {
    if (this.syncing) return;
    this.syncing = true;
    this.error = null;
    try {
      await ipc.call('sync_now');
      this.#apply(await ipc.call('sync_status'));
    } catch (error) {
      this.error = toErrorBody(error);
    } finally {
      this.syncing = false;
    }
  }

  #apply(status: SyncStatus): void {
    this.status = status;
    // A failed "Sync now" stops being news once the desk reaches the server again.
    if (status.online && !this.syncing) this.error = null;
    for (const listener of this.#listeners) listener(status);
  }
}

export const sync = new SyncState();
