// The preview's stand-in for a session's life at reception: check-in by membership number or
// name, the waiting-list offers to phone and their answers, no-shows and waivers, and what a
// customer owes. Development only, like the rest of the fake desk.
import type { BookingView } from '../lib/bindings/BookingView';
import type { ChargeView } from '../lib/bindings/ChargeView';
import type { CheckInCandidate } from '../lib/bindings/CheckInCandidate';
import type { CustomerView } from '../lib/bindings/CustomerView';
import type { OfferView } from '../lib/bindings/OfferView';
import type { SessionView } from '../lib/bindings/SessionView';

export class FakeLeisureLife {
  /** Customers with a booking for now (the first session starting within half an hour). */
  attended = new Set<string>();
  offers: OfferView[];
  charges: ChargeView[] = [];

  constructor(
    private readonly customers: CustomerView[],
    private readonly sessions: SessionView[],
    private readonly bookings: BookingView[],
  ) {
    const later = sessions.find((s) => s.session.booked === s.session.capacity)?.session ?? sessions[0]!.session;
    const until = new Date(Date.now() + 2 * 3600_000);
    const naive = `${until.getFullYear()}-${String(until.getMonth() + 1).padStart(2, '0')}-${String(until.getDate()).padStart(2, '0')}T${String(until.getHours()).padStart(2, '0')}:${String(until.getMinutes()).padStart(2, '0')}:00`;
    this.offers = customers.slice(10, 12).map((c, i) => ({
      booking_id: `0193a0f0-0000-7000-8000-00000000010${i}`,
      session_id: later.id,
      centre_id: later.centre_id,
      activity_name: later.activity_name,
      starts_at: later.starts_at,
      customer_id: c.id,
      customer_name: `${c.first_name} ${c.last_name}`,
      phone: i === 0 ? '01738 000 111' : null,
      offer_until: naive,
      pending: false,
    }));
    // Customer 3 owes a no-show fee.
    this.charges.push({
      id: '0193a0f0-0000-8000-8000-000000000301',
      customer_id: 3,
      centre_id: 1,
      booking_id: '0193a0f0-0000-7000-8000-000000000301',
      session_id: later.id,
      amount_pence: 300,
      status: 'due',
      reason: 'No-show 2 in 30 days: fee £3.00',
      pending: false,
    });
  }

  #now(): SessionView['session'] {
    return this.sessions[0]!.session;
  }

  candidate(c: CustomerView): CheckInCandidate {
    const s = this.#now();
    // Every fifth customer has no booking for now, to show the warning.
    const booked = c.id % 5 !== 0;
    const bookingId = `0193a0f0-0000-7000-8000-${String(c.id).padStart(12, '0')}`;
    const unpaid = this.charges.filter((x) => x.customer_id === c.id && x.status === 'due').reduce((n, x) => n + x.amount_pence, 0);
    const warnings = [
      ...(unpaid > 0 ? [{ kind: 'unpaid_fee', message: `Unpaid fees: £${(unpaid / 100).toFixed(2)}` }] : []),
      ...(booked ? [] : [{ kind: 'no_booking', message: 'No booking for now' }]),
    ];
    return {
      customer: c,
      bookings_now: booked
        ? [
            {
              booking_id: bookingId,
              session_id: s.id,
              activity_name: s.activity_name,
              location: s.location,
              starts_at: s.starts_at,
              attended: this.attended.has(bookingId),
              pending: this.attended.has(bookingId),
            },
          ]
        : [],
      warnings,
      unpaid_pence: unpaid,
    };
  }

  find(text: string): CheckInCandidate[] {
    const exact = this.customers.find((c) => c.membership_no.toUpperCase() === text.trim().toUpperCase());
    if (exact) return [this.candidate(exact)];
    const plain = (s: string): string => s.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase();
    const wanted = plain(text.trim());
    return this.customers
      .filter((c) => plain(`${c.first_name} ${c.last_name}`).includes(wanted))
      .slice(0, 10)
      .map((c) => this.candidate(c));
  }

  checkIn(customerId: number, bookingId: string | null): CheckInCandidate {
    const c = this.customers.find((x) => x.id === customerId);
    if (!c) throw { code: 'unknown_customer', message: `There is no customer ${customerId}.` };
    const before = this.candidate(c);
    const open = before.bookings_now.filter((b) => !b.attended && (bookingId === null || b.booking_id === bookingId));
    if (open.length === 0) {
      if (before.bookings_now.length > 0) {
        throw { code: 'already_checked_in', message: `${c.first_name} ${c.last_name} is already checked in.` };
      }
      throw {
        code: 'no_booking',
        message: `${c.first_name} ${c.last_name} has no booking for now. Book them into a session with space, or check the timetable for their booking.`,
      };
    }
    this.attended.add(open[0]!.booking_id);
    return this.candidate(c);
  }

  answer(bookingId: string, accept: boolean): BookingView {
    const offer = this.offers.find((o) => o.booking_id === bookingId);
    if (!offer) throw { code: 'no_offer', message: 'This customer has no open offer, so there is no offer to answer.' };
    this.offers = this.offers.filter((o) => o !== offer);
    return {
      id: bookingId,
      session_id: offer.session_id,
      customer_id: offer.customer_id,
      customer_name: offer.customer_name,
      status: accept ? 'booked' : 'cancelled',
      pending: true,
      life: null,
    };
  }

  markNoShows(ids: string[]): void {
    for (const b of this.bookings.filter((x) => ids.includes(x.id))) {
      b.life = { attended_at: null, no_show_at: new Date().toISOString(), no_show_waived: null, offer_until: null, offer_outcome: null };
      b.pending = true;
    }
  }

  waive(bookingId: string, reason: string): BookingView {
    const b = this.bookings.find((x) => x.id === bookingId);
    if (!b?.life?.no_show_at) throw { code: 'no_show_state', message: 'This booking is not a no-show, so there is nothing to waive.' };
    b.life = { ...b.life, no_show_waived: reason };
    return b;
  }
}
