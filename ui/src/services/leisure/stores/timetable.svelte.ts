// One centre's sessions on one day, with the activity filter applied in the interface.
import type { Centre } from '../../../lib/bindings/Centre';
import type { ErrorBody } from '../../../lib/bindings/ErrorBody';
import type { SessionView } from '../../../lib/bindings/SessionView';
import * as ipc from '../../../lib/ipc';
import { toErrorBody } from '../../../lib/ipc';
import { onForgetRecords } from '../../../lib/stores/records';

export const ALL_ACTIVITIES = '';

/** The desk's local time as the sessions' start times are written: `YYYY-MM-DDTHH:MM:SS`. */
export function localNow(now: Date = new Date()): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return (
    `${String(now.getFullYear()).padStart(4, '0')}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}` +
    `T${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())}`
  );
}

/**
 * The session has started by `now` (local, as `localNow`): the desk refuses to book it (the
 * domain's `session_started`), so the timetable marks it and offers no booking.
 */
export function hasStarted(session: { starts_at: string }, now: string = localNow()): boolean {
  return session.starts_at.slice(0, 19) <= now;
}

/**
 * Where a session stands in the centre's booking window at `now`: `closed` (not even members
 * may book yet), `members` (members may, everyone else not yet) or `open`. The desk sends
 * `opens` only while the session is not yet open to everyone.
 */
export function windowState(
  view: { opens?: { members: string; everyone: string } | null },
  now: string = localNow(),
): 'closed' | 'members' | 'open' {
  const o = view.opens;
  if (!o) return 'open';
  if (now < o.members.slice(0, 19)) return 'closed';
  if (now < o.everyone.slice(0, 19)) return 'members';
  return 'open';
}

export class TimetableState {
  centres = $state<Centre[]>([]);
  centreId = $state<number | null>(null);
  day = $state<string>('');
  sessions = $state<SessionView[]>([]);
  activity = $state<string>(ALL_ACTIVITIES);
  loading = $state(false);
  error = $state<ErrorBody | null>(null);
  #request = 0;

  /** Activity names on this day, sorted, each once: the filter's options. */
  get activities(): string[] {
    return [...new Set(this.sessions.map((s) => s.session.activity_name))].sort((a, b) => a.localeCompare(b, 'en-GB'));
  }

  /** Sessions shown after the activity filter, in start time order. */
  get visible(): SessionView[] {
    const shown =
      this.activity === ALL_ACTIVITIES
        ? this.sessions
        : this.sessions.filter((s) => s.session.activity_name === this.activity);
    return [...shown].sort((a, b) => a.session.starts_at.localeCompare(b.session.starts_at) || a.session.id - b.session.id);
  }

  get centre(): Centre | null {
    return this.centres.find((c) => c.id === this.centreId) ?? null;
  }

  async loadCentres(): Promise<void> {
    try {
      this.centres = await ipc.call('centres');
    } catch (error) {
      this.error = toErrorBody(error);
    }
  }

  /** Shows `day` at `centreId`; an answer to an older request is dropped. */
  async show(centreId: number, day: string): Promise<void> {
    const request = ++this.#request;
    const changed = centreId !== this.centreId || day !== this.day;
    this.centreId = centreId;
    this.day = day;
    this.loading = true;
    this.error = null;
    if (changed) this.sessions = [];
    try {
      const sessions = await ipc.call('timetable', { centreId, day });
      if (request !== this.#request) return;
      this.sessions = sessions;
      if (this.activity !== ALL_ACTIVITIES && !this.activities.includes(this.activity)) {
        this.activity = ALL_ACTIVITIES;
      }
    } catch (error) {
      if (request !== this.#request) return;
      this.error = toErrorBody(error);
    } finally {
      if (request === this.#request) this.loading = false;
    }
  }

  /** Forgets everything loaded (the desk locked or signed out); an answer in flight is dropped. */
  reset(): void {
    this.#request += 1;
    this.centres = [];
    this.centreId = null;
    this.day = '';
    this.sessions = [];
    this.activity = ALL_ACTIVITIES;
    this.loading = false;
    this.error = null;
  }

  /** Reloads what is shown (after a sync brought new data). */
  async refresh(): Promise<void> {
    if (this.centreId !== null && this.day !== '') await this.show(this.centreId, this.day);
  }
}

export const timetable = new TimetableState();
onForgetRecords(() => timetable.reset());
