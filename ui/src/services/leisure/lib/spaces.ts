// Pure helpers of the spaces screens: the day's slot grid with linked halves and quarters, and
// the checks the block form makes before it asks the desk.
import type { SpaceBookingView } from '../../../lib/bindings/SpaceBookingView';
import type { SpaceView } from '../../../lib/bindings/SpaceView';

/** `HH:MM` of a naive `YYYY-MM-DDTHH:MM:SS`. */
export const hhmm = (naive: string): string => naive.slice(11, 16);

/** Every space `id` is part of, nearest first (a quarter's half, then the full pitch). */
export function ancestors(spaces: readonly SpaceView[], id: number): number[] {
  const out: number[] = [];
  let at = spaces.find((s) => s.id === id)?.part_of ?? null;
  while (at !== null && !out.includes(at)) {
    out.push(at);
    at = spaces.find((s) => s.id === at)?.part_of ?? null;
  }
  return out;
}

/** Booking one space blocks the other when either is part of the other (or they are the same). */
export function linked(spaces: readonly SpaceView[], a: number, b: number): boolean {
  return a === b || ancestors(spaces, a).includes(b) || ancestors(spaces, b).includes(a);
}

/** How deep in its pitch or hall a space is (0 for a whole one), to indent its name. */
export const depth = (spaces: readonly SpaceView[], id: number): number => ancestors(spaces, id).length;

/** The day's slot start times, every `minutes` from the earliest opening to the latest closing. */
export function slots(spaces: readonly SpaceView[], minutes = 60): string[] {
  const open = spaces.map((s) => s.opens).filter((t): t is string => t !== null);
  const close = spaces.map((s) => s.closes).filter((t): t is string => t !== null);
  if (open.length === 0 || close.length === 0) return [];
  const toMin = (t: string): number => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
  const from = Math.min(...open.map(toMin));
  const to = Math.max(...close.map(toMin));
  const out: string[] = [];
  for (let m = from; m + minutes <= to; m += minutes) {
    out.push(`${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`);
  }
  return out;
}

export type Cell =
  | { kind: 'closed' }
  | { kind: 'free' }
  | { kind: 'booked'; booking: SpaceBookingView }
  /** Free itself, but a linked space (its half, its pitch, a quarter of it) is booked. */
  | { kind: 'held'; booking: SpaceBookingView };

/** What the grid shows for `space` in the slot starting `slot` (HH:MM) on the day. */
export function cell(
  spaces: readonly SpaceView[],
  bookings: readonly SpaceBookingView[],
  space: SpaceView,
  slot: string,
  minutes = 60,
): Cell {
  if (space.opens === null || space.closes === null) return { kind: 'closed' };
  const toMin = (t: string): number => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
  const from = toMin(slot);
  const to = from + minutes;
  if (from < toMin(space.opens) || to > toMin(space.closes)) return { kind: 'closed' };
  const overlapping = bookings.filter((b) => toMin(hhmm(b.starts)) < to && from < toMin(hhmm(b.ends)));
  const own = overlapping.find((b) => b.space_id === space.id);
  if (own) return { kind: 'booked', booking: own };
  const other = overlapping.find((b) => linked(spaces, b.space_id, space.id));
  return other ? { kind: 'held', booking: other } : { kind: 'free' };
}

export interface BlockFields {
  first: string;
  last: string;
  starts: string;
  ends: string;
  club: string;
}

/** Field errors of the block form, by field id, before the desk is asked (it checks again). */
export function blockErrors(f: BlockFields, maxWeeks: number | null): Record<string, string> {
  const errors: Record<string, string> = {};
  const iso = /^\d{4}-\d{2}-\d{2}$/;
  const time = /^\d{2}:\d{2}$/;
  if (!iso.test(f.first)) errors['block-first'] = 'Enter the first date';
  if (!iso.test(f.last)) errors['block-last'] = 'Enter the last date';
  else if (iso.test(f.first) && f.last < f.first) errors['block-last'] = 'The last date must be on or after the first';
  else if (maxWeeks !== null && iso.test(f.first)) {
    const weeks = Math.floor((Date.parse(f.last) - Date.parse(f.first)) / (7 * 86_400_000));
    if (weeks > maxWeeks) errors['block-last'] = `A block can run at most ${maxWeeks} weeks (this one is ${weeks})`;
  }
  if (!time.test(f.starts)) errors['block-starts'] = 'Enter the start time, like 19:00';
  if (!time.test(f.ends)) errors['block-ends'] = 'Enter the end time, like 21:00';
  else if (time.test(f.starts) && f.ends <= f.starts) errors['block-ends'] = 'The end time must be after the start time';
  if (f.club.trim() === '') errors['block-club'] = 'Enter the club the block is for';
  else if (f.club.trim().length > 80) errors['block-club'] = 'The club’s name must be 80 characters or fewer';
  return errors;
}
