// The preview's spaces: one centre's pitch (full, halves, quarters), hall with four courts and a
// studio, a club's Tuesday block, and the clash check the desk makes (linked spaces both ways).
// Development only, like the rest of the fake desk.
import type { Alternative } from '../lib/bindings/Alternative';
import type { BlockBooked } from '../lib/bindings/BlockBooked';
import type { BlockCheck } from '../lib/bindings/BlockCheck';
import type { BlockDate } from '../lib/bindings/BlockDate';
import type { BlockInput } from '../lib/bindings/BlockInput';
import type { CancelOutcome } from '../lib/bindings/CancelOutcome';
import type { ReceiptView } from '../lib/bindings/ReceiptView';
import type { SpaceCancelQuote } from '../lib/bindings/SpaceCancelQuote';
import type { SpaceBookingView } from '../lib/bindings/SpaceBookingView';
import type { SpacesDay } from '../lib/bindings/SpacesDay';
import type { SpaceView } from '../lib/bindings/SpaceView';
import { addDays, todayIso } from '../lib/format';
import { linked } from '../services/leisure/lib/spaces';

const space = (id: number, kind: string, name: string, part_of: number | null): SpaceView => ({
  id,
  kind,
  name,
  part_of,
  slot_minutes: 60,
  opens: '07:00:00',
  closes: '22:00:00',
});

export class FakeSpaces {
  spaces: SpaceView[] = [
    space(101, '3G pitch', '3G pitch', null),
    space(102, '3G pitch half', '3G pitch, half 1', 101),
    space(103, '3G pitch half', '3G pitch, half 2', 101),
    space(104, '3G pitch quarter', '3G pitch, quarter 1', 102),
    space(105, '3G pitch quarter', '3G pitch, quarter 2', 102),
    space(106, '3G pitch quarter', '3G pitch, quarter 3', 103),
    space(107, '3G pitch quarter', '3G pitch, quarter 4', 103),
    space(110, 'hall', 'Sports hall', null),
    space(111, 'court', 'Badminton court 1', 110),
    space(112, 'court', 'Badminton court 2', 110),
    space(113, 'court', 'Badminton court 3', 110),
    space(114, 'court', 'Badminton court 4', 110),
    space(120, 'studio', 'Studio', null),
  ];
  bookings: SpaceBookingView[] = [];
  #n = 0;

  constructor() {
    const today = todayIso();
    for (let w = 0; w < 8; w += 1) {
      this.#add(102, `${addDays(today, 1 + 7 * w)}T18:00:00`, `${addDays(today, 1 + 7 * w)}T19:00:00`, 'Forres Thistle juniors', false);
    }
    this.#add(111, `${addDays(today, 8)}T19:00:00`, `${addDays(today, 8)}T20:00:00`, 'Mòrag O’Neill', false);
  }

  #add(spaceId: number, starts: string, ends: string, holder: string, pending: boolean, blockId: string | null = null): SpaceBookingView {
    this.#n += 1;
    const b: SpaceBookingView = {
      id: `00000000-0000-7000-8000-${String(this.#n).padStart(12, '0')}`,
      space_id: spaceId,
      space_name: this.spaces.find((s) => s.id === spaceId)?.name ?? `space ${spaceId}`,
      starts,
      ends,
      customer_id: 1,
      holder,
      club: holder.includes('juniors') || blockId ? holder : null,
      block_id: blockId,
      status: 'booked',
      price_pence: 6_000,
      price_reason: 'Adult (peak)',
      paid_at_desk: false,
      pending,
    };
    this.bookings.push(b);
    return b;
  }

  #clashes(spaceId: number, starts: string, ends: string): SpaceBookingView[] {
    return this.bookings.filter(
      (b) => b.status === 'booked' && b.starts < ends && starts < b.ends && linked(this.spaces, b.space_id, spaceId),
    );
  }

  day(centreId: number, day: string): SpacesDay {
    const today = todayIso();
    return {
      centre_id: centreId,
      day,
      spaces: this.spaces,
      bookings: this.bookings.filter((b) => b.starts.startsWith(day) && b.status === 'booked'),
      window: {
        days_ahead: 7,
        member_days_ahead: 14,
        release_time: '07:00:00',
        open_until: addDays(today, 7),
        member_open_until: addDays(today, 14),
        max_block_weeks: 52,
      },
    };
  }

  book(spaceId: number, starts: string, ends: string, holder: string): SpaceBookingView {
    const clash = this.#clashes(spaceId, starts, ends)[0];
    if (clash) throw { code: 'space_taken', message: `Taken: ${clash.space_name} (${clash.holder}).` };
    return this.#add(spaceId, starts, ends, holder, true);
  }

  check(block: BlockInput): BlockCheck {
    if (block.ends <= block.starts) throw { code: 'invalid_input', message: 'Each booking must end after it starts.' };
    if (block.last < block.first) throw { code: 'invalid_input', message: `The last date (${block.last}) is before the first (${block.first}).` };
    const weeks = Math.floor((Date.parse(block.last) - Date.parse(block.first)) / (7 * 86_400_000));
    if (weeks > 52) throw { code: 'invalid_input', message: `A block booking of ${weeks} weeks is longer than this centre's limit of 52.` };
    const step = block.every === 'fortnight' ? 14 : 7;
    const dates: BlockDate[] = [];
    for (let d = block.first; d <= block.last; d = addDays(d, step)) {
      const starts = `${d}T${block.starts}`;
      const ends = `${d}T${block.ends}`;
      const clashes = this.#clashes(block.space_id, starts, ends);
      if (clashes.length === 0) {
        dates.push({ date: d, outcome: 'free', detail: '', alternatives: [] });
        continue;
      }
      const kind = this.spaces.find((s) => s.id === block.space_id)?.kind;
      const alternatives: Alternative[] = this.spaces
        .filter((s) => s.kind === kind && s.id !== block.space_id && this.#clashes(s.id, starts, ends).length === 0)
        .map((s) => ({ kind: 'book_space', space_id: s.id, space_name: s.name, starts, ends }));
      dates.push({
        date: d,
        outcome: 'clash',
        detail: `Taken: ${clashes.map((c) => `${c.space_name} ${c.starts.slice(11, 16)}–${c.ends.slice(11, 16)} (${c.holder})`).join('; ')}.`,
        alternatives,
      });
    }
    const count = (o: string): number => dates.filter((d) => d.outcome === o).length;
    return {
      space_name: this.spaces.find((s) => s.id === block.space_id)?.name ?? '',
      dates,
      free: count('free'),
      refused: count('clash') + count('not_bookable'),
      closed: count('closed'),
    };
  }

  bookBlock(block: BlockInput): BlockBooked {
    const checked = this.check(block);
    const blockId = `00000000-0000-7000-8000-b10c${String(this.#n).padStart(8, '0')}`;
    const booked = checked.dates
      .filter((d) => d.outcome === 'free')
      .map((d) => this.#add(block.space_id, `${d.date}T${block.starts}`, `${d.date}T${block.ends}`, block.club, true, blockId));
    return { block_id: blockId, booked, not_booked: checked.dates.filter((d) => d.outcome !== 'free' && d.outcome !== 'closed') };
  }

  cancel(bookingId: string): SpaceBookingView {
    const b = this.bookings.find((x) => x.id === bookingId);
    if (!b) throw { code: 'not_found', message: 'No such space booking.' };
    if (b.status === 'cancelled') throw { code: 'already_cancelled', message: 'This booking is already cancelled.' };
    b.status = 'cancelled';
    b.price_pence = 0;
    b.pending = true;
    return b;
  }

  /** The preview's cut-off, like the example policy's: 24 hours before the start. */
  cancelQuote(bookingId: string, paid: ReceiptView | null): SpaceCancelQuote {
    const b = this.bookings.find((x) => x.id === bookingId);
    if (!b) throw { code: 'not_found', message: 'No such space booking.' };
    if (b.status === 'cancelled') throw { code: 'already_cancelled', message: 'This booking is already cancelled.' };
    const price = paid?.amount_pence ?? b.price_pence;
    const late = Date.parse(b.starts) - Date.now() < 24 * 3_600_000;
    const waived: CancelOutcome = { refund_pence: paid ? price : 0, kept_pence: 0, reason: 'Late cancellation waived' };
    const outcome: CancelOutcome = !late
      ? paid
        ? { refund_pence: price, kept_pence: 0, reason: 'Cancelled before the cut-off (24 hours before): full refund' }
        : { refund_pence: 0, kept_pence: 0, reason: `Cancelled in time: nothing charged (was £${(price / 100).toFixed(2)})` }
      : paid
        ? { refund_pence: 0, kept_pence: price, reason: 'Cancelled after the cut-off (24 hours before): no refund' }
        : { refund_pence: 0, kept_pence: price, reason: 'Cancelled within 24 hours of the start: still charged' };
    return { booking: b, paid_by: paid ? paid.method : "Charged to the hirer's account", price_pence: price, outcome, waived: late ? waived : null };
  }
}
