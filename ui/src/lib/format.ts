// Dates and times as a receptionist reads them. Session times are council wall-clock times
// (`NaiveDateTime` on the Rust side, "2026-12-02T09:00:00"), so they are taken apart as text and
// never passed through a time zone; only `last_synced_at` is a real instant (UTC) and is shown in
// the desk's local time.
import type { Alternative } from './bindings/Alternative';
import type { Channel } from './bindings/Channel';

const DAYS_SHORT = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const DAYS_LONG = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS_SHORT = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTHS_LONG = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

const pad = (n: number): string => String(n).padStart(2, '0');

export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

/** A real calendar date from its parts, or null (31 February, month 13, year 0…). */
export function calendarDate(year: number, month: number, day: number): CalendarDate | null {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return null;
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1) return null;
  const probe = new Date(Date.UTC(year, month - 1, day));
  probe.setUTCFullYear(year);
  if (probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) return null;
  return { year, month, day };
}

/** `YYYY-MM-DD` → its parts, or null when it is not a real date. */
export function parseIsoDate(iso: string): CalendarDate | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return null;
  return calendarDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

export function isoDate(date: CalendarDate): string {
  return `${String(date.year).padStart(4, '0')}-${pad(date.month)}-${pad(date.day)}`;
}

/** Today on this desk's calendar, `YYYY-MM-DD`. */
export function todayIso(now: Date = new Date()): string {
  return isoDate({ year: now.getFullYear(), month: now.getMonth() + 1, day: now.getDate() });
}

function utcOf(d: CalendarDate): Date {
  const date = new Date(Date.UTC(d.year, d.month - 1, d.day));
  date.setUTCFullYear(d.year);
  return date;
}

export function addDays(iso: string, days: number): string {
  const d = parseIsoDate(iso);
  if (!d) throw new RangeError(`not a date: ${iso}`);
  const date = utcOf(d);
  date.setUTCDate(date.getUTCDate() + days);
  return isoDate({ year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() });
}

/** "Wed 2 Dec" */
export function dayShort(iso: string): string {
  const d = parseIsoDate(iso);
  if (!d) return iso;
  return `${DAYS_SHORT[utcOf(d).getUTCDay()]} ${d.day} ${MONTHS_SHORT[d.month - 1]}`;
}

/** "Wednesday 2 December 2026" */
export function dayLong(iso: string): string {
  const d = parseIsoDate(iso);
  if (!d) return iso;
  return `${DAYS_LONG[utcOf(d).getUTCDay()]} ${d.day} ${MONTHS_LONG[d.month - 1]} ${d.year}`;
}

/** "27 March 1987" for a date of birth. */
export function dateLong(iso: string): string {
  const d = parseIsoDate(iso);
  if (!d) return iso;
  return `${d.day} ${MONTHS_LONG[d.month - 1]} ${d.year}`;
}

/** The date part of a wall-clock date-time, `YYYY-MM-DD`. */
export function datePart(naive: string): string {
  return naive.slice(0, 10);
}

/** "09:00" from "2026-12-02T09:00:00". */
export function clockTime(naive: string): string {
  const m = /T(\d{2}):(\d{2})/.exec(naive);
  return m ? `${m[1]}:${m[2]}` : naive;
}

/** "09:45" for a session starting at 09:00 lasting 45 minutes (wraps past midnight). */
export function endTime(naive: string, durationMinutes: number): string {
  const m = /T(\d{2}):(\d{2})/.exec(naive);
  if (!m) return '';
  const total = (Number(m[1]) * 60 + Number(m[2]) + durationMinutes) % (24 * 60);
  return `${pad(Math.floor(total / 60))}:${pad(total % 60)}`;
}

/** "09:00 Wed 2 Dec" */
export function sessionWhen(naive: string): string {
  return `${clockTime(naive)} ${dayShort(datePart(naive))}`;
}

/** When the desk last synced, in its local time: "14:02" today, else "27 Nov 14:02". */
export function syncedAt(instant: string, now: Date = new Date()): string {
  const t = new Date(instant);
  if (Number.isNaN(t.getTime())) return instant;
  const time = `${pad(t.getHours())}:${pad(t.getMinutes())}`;
  const sameDay =
    t.getFullYear() === now.getFullYear() && t.getMonth() === now.getMonth() && t.getDate() === now.getDate();
  return sameDay ? time : `${t.getDate()} ${MONTHS_SHORT[t.getMonth()]} ${time}`;
}

export const CHANNEL_LABELS: Record<Channel, string> = {
  'face-to-face': 'Face to face',
  telephone: 'Telephone',
  email: 'Email',
  'assisted-digital': 'Assisted digital',
};

export const CHANNELS: Channel[] = ['face-to-face', 'telephone', 'email', 'assisted-digital'];

/** The words on the button that takes an alternative the server offered. */
export function alternativeLabel(alternative: Alternative): string {
  switch (alternative.kind) {
    case 'join_waiting_list':
      return 'Join the waiting list';
    case 'book_session': {
      const places = alternative.spaces === 1 ? '1 place' : `${alternative.spaces} places`;
      return `Book ${alternative.activity_name} at ${sessionWhen(alternative.starts_at)} (${places})`;
    }
    case 'add_to_absence':
      return 'Add my note to it';
    case 'replace_absence':
      return 'Replace it (supervisor)';
    case 'existing_customer':
      return `This is them: ${alternative.summary}`;
    case 'book_space':
      return `Book ${alternative.space_name} ${clockTime(alternative.starts)}–${clockTime(alternative.ends)} on ${dayShort(alternative.starts.slice(0, 10))}`;
  }
}

/** "1 change" / "3 changes" */
export function plural(n: number, one: string, many: string): string {
  return `${n.toLocaleString('en-GB')} ${n === 1 ? one : many}`;
}
