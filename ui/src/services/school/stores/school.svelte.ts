// The school this office desk works for: the first school the desk holds (a school office's
// account reaches its own school). Screens wait for `load()` before asking for the day.
import type { ErrorBody } from '../../../lib/bindings/ErrorBody';
import type { SchoolView } from '../../../lib/bindings/SchoolView';
import * as ipc from '../../../lib/ipc';
import { toErrorBody } from '../../../lib/ipc';
import { onForgetRecords } from '../../../lib/stores/records';

export class SchoolState {
  schools = $state<SchoolView[]>([]);
  loaded = $state(false);
  error = $state<ErrorBody | null>(null);
  /** Bumped by each sync, so screens showing the day read it again. */
  revision = $state(0);

  get current(): SchoolView | null {
    return this.schools[0] ?? null;
  }

  async load(): Promise<SchoolView | null> {
    try {
      this.schools = await ipc.call('schools');
      this.error = null;
    } catch (error) {
      this.error = toErrorBody(error);
    } finally {
      this.loaded = true;
    }
    return this.current;
  }

  /** The school, read from the desk the first time a screen asks (and again after a sync
   * that finds none held yet). */
  async ensure(): Promise<SchoolView | null> {
    return this.loaded ? this.current : this.load();
  }

  /** A sync finished: screens read the day again, and a desk that held no school yet (the
   * start screen opens before the first pull lands) asks for the schools again. */
  synced(): void {
    if (!this.current) this.loaded = false;
    this.revision += 1;
  }

  reset(): void {
    this.schools = [];
    this.loaded = false;
    this.error = null;
  }
}

export const school = new SchoolState();
onForgetRecords(() => school.reset());
