import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';

import type { CheckInCandidate } from '../src/lib/bindings/CheckInCandidate';
import type { OfferView } from '../src/lib/bindings/OfferView';
import { desk, resetDesk } from './desk';

vi.mock('../src/lib/ipc', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/lib/ipc')>();
  return { ...(await import('./desk')).withDesk(real) };
});

const { default: CheckIn } = await import('../src/services/leisure/screens/CheckIn.svelte');
const { default: Offers } = await import('../src/services/leisure/screens/Offers.svelte');
const { default: SessionDetail } = await import('../src/services/leisure/screens/SessionDetail.svelte');
const f = await import('./fixtures');

function candidate(id: number, attended: boolean, extra: Partial<CheckInCandidate> = {}): CheckInCandidate {
  return {
    customer: {
      id,
      first_name: 'Mòrag',
      last_name: "O'Neill",
      date_of_birth: '1980-02-01',
      membership_no: `MLC000000${id}`,
      postcode: 'IV30 1AA',
    },
    bookings_now: [
      {
        booking_id: `b-${id}`,
        session_id: 11,
        activity_name: 'Aqua fit',
        location: 'Main pool',
        starts_at: '2026-12-02T10:00:00',
        attended,
        pending: attended,
      },
    ],
    warnings: [],
    unpaid_pence: 0,
    ...extra,
  };
}

beforeEach(() => {
  resetDesk();
});

describe('check-in', () => {
  it('puts focus on the heading, and a scanned number with Enter checks the one booking in at once', async () => {
    desk.check_in_find.mockResolvedValue([candidate(7, false)]);
    desk.check_in.mockResolvedValue(candidate(7, true));
    render(CheckIn);
    expect(screen.getByRole('heading', { level: 1, name: 'Check-in' })).toHaveFocus();
    const user = userEvent.setup();
    await user.type(screen.getByTestId('check-in-text'), 'MLC0000007{Enter}');
    expect(desk.check_in_find).toHaveBeenCalledWith({ text: 'MLC0000007' });
    expect(desk.check_in).toHaveBeenCalledWith({ customerId: 7, bookingId: 'b-7', channel: 'face-to-face' });
    const done = await screen.findByTestId('check-in-done');
    expect(done).toHaveTextContent("Mòrag O'Neill is checked in");
    expect(done).toHaveTextContent('Aqua fit at 10:00, Main pool');
    expect(screen.getByTestId('check-in-text')).toHaveValue('');
  });

  it('shows plain warnings and no automatic check-in when there is no booking for now', async () => {
    desk.check_in_find.mockResolvedValue([
      candidate(8, false, {
        bookings_now: [],
        unpaid_pence: 300,
        warnings: [
          { kind: 'membership_expired', message: 'Membership expired on 1 Nov 2026' },
          { kind: 'unpaid_fee', message: 'Unpaid fees: £3.00' },
          { kind: 'no_booking', message: 'No booking for now' },
        ],
      }),
    ]);
    render(CheckIn);
    const user = userEvent.setup();
    await user.type(screen.getByTestId('check-in-text'), 'MLC0000008{Enter}');
    await screen.findByTestId('check-in-candidate');
    expect(desk.check_in).not.toHaveBeenCalled();
    const kinds = screen.getAllByTestId('check-in-warning').map((w) => w.dataset.kind);
    expect(kinds).toEqual(['membership_expired', 'unpaid_fee', 'no_booking']);
    expect(screen.getByTestId('check-in-unpaid')).toHaveTextContent('Owes £3.00');
    expect(screen.getByRole('heading', { level: 2, name: 'Customer found' })).toHaveFocus();
  });

  it('puts an empty search, no match and a refusal beside the field', async () => {
    render(CheckIn);
    const user = userEvent.setup();
    await user.click(screen.getByTestId('check-in-find'));
    expect(screen.getByTestId('check-in-text-error')).toHaveTextContent('Type or scan a membership number');
    expect(desk.check_in_find).not.toHaveBeenCalled();
    desk.check_in_find.mockResolvedValue([]);
    await user.type(screen.getByTestId('check-in-text'), 'MLC9{Enter}');
    expect(await screen.findByTestId('check-in-text-error')).toHaveTextContent('Nobody matches “MLC9”');
    // Two matches by name: the receptionist picks the booking; a refusal goes beside the field.
    desk.check_in_find.mockResolvedValue([candidate(7, false), candidate(9, false)]);
    desk.check_in.mockRejectedValue({ code: 'already_checked_in', message: "Mòrag O'Neill is already checked in to Aqua fit at 10:00." });
    await user.clear(screen.getByTestId('check-in-text'));
    await user.type(screen.getByTestId('check-in-text'), 'morag{Enter}');
    expect(await screen.findAllByTestId('check-in-candidate')).toHaveLength(2);
    expect(desk.check_in).not.toHaveBeenCalled();
    await user.click(screen.getAllByTestId('check-in-booking-button')[1]!);
    expect(desk.check_in).toHaveBeenCalledWith({ customerId: 9, bookingId: 'b-9', channel: 'face-to-face' });
    expect(await screen.findByTestId('check-in-text-error')).toHaveTextContent('already checked in');
  });
});

function offer(id: string, customerId: number, phone: string | null): OfferView {
  return {
    booking_id: id,
    session_id: 11,
    centre_id: 1,
    activity_name: 'Aqua fit',
    starts_at: '2026-12-02T10:00:00',
    customer_id: customerId,
    customer_name: `Customer ${customerId}`,
    phone,
    offer_until: '2026-12-01T14:30:00',
    pending: false,
  };
}

describe('offers to phone', () => {
  it('lists each offer with the phone and hold, and records an acceptance', async () => {
    desk.offers.mockResolvedValue([offer('o-1', 21, '01343 000021'), offer('o-2', 22, null)]);
    render(Offers);
    expect(screen.getByRole('heading', { level: 1, name: 'Waiting-list offers to phone' })).toHaveFocus();
    const rows = await screen.findAllByTestId('offer-row');
    expect(within(rows[0]!).getByTestId('offer-phone')).toHaveTextContent('01343 000021');
    expect(within(rows[1]!).getByTestId('offer-phone')).toHaveTextContent('No phone recorded');
    expect(within(rows[0]!).getByTestId('offer-until')).toHaveTextContent('14:30');
    desk.accept_offer.mockResolvedValue(f.booking('o-1', 'Customer 21', 'booked', true));
    desk.offers.mockResolvedValue([offer('o-2', 22, null)]);
    const user = userEvent.setup();
    await user.click(within(rows[0]!).getByTestId('offer-accept'));
    expect(desk.accept_offer).toHaveBeenCalledWith({ bookingId: 'o-1', channel: 'telephone' });
    expect(await screen.findByTestId('offer-answered')).toHaveTextContent('Customer 21 takes the place');
    expect(screen.getAllByTestId('offer-row')).toHaveLength(1);
  });

  it('puts a refusal beside the offer answered too late', async () => {
    desk.offers.mockResolvedValue([offer('o-1', 21, null)]);
    desk.decline_offer.mockRejectedValue({ code: 'no_offer', message: 'This customer was offered the place, but the offer ran out.' });
    render(Offers);
    const user = userEvent.setup();
    await user.click(within((await screen.findAllByTestId('offer-row'))[0]!).getByTestId('offer-decline'));
    expect(await screen.findByTestId('offer-error')).toHaveTextContent('the offer ran out');
  });
});

describe('no-shows on the session page', () => {
  it('marks the chosen unattended bookings of an ended session, and waives one with a reason', async () => {
    const ended = f.sessionView(11, 'Aqua fit', '10:00', 2, 20, { starts_at: '2020-01-01T10:00:00' });
    const came = { ...f.booking('b-1', 'Eilidh Ross', 'booked'), life: { attended_at: '2020-01-01T09:55:00Z', no_show_at: null, no_show_waived: null, offer_until: null, offer_outcome: null } };
    const missing = f.booking('b-2', 'Calum Grant', 'booked');
    desk.session.mockResolvedValue(f.detail(ended, [came, missing]));
    render(SessionDetail, { id: 11 });
    await screen.findByTestId('no-shows-form');
    expect(screen.getAllByTestId('booking-status')[0]).toHaveTextContent('Booked, checked in');
    expect(screen.getAllByTestId('no-show-choice')).toHaveLength(1);
    const user = userEvent.setup();
    await user.click(screen.getByTestId('no-shows-mark'));
    expect(screen.getByTestId('no-shows-error')).toHaveTextContent('Select who did not come');
    const marked = { ...missing, pending: true, life: { attended_at: null, no_show_at: '2020-01-01T11:00:00Z', no_show_waived: null, offer_until: null, offer_outcome: null } };
    desk.mark_no_shows.mockResolvedValue(f.detail(ended, [came, marked]));
    await user.click(screen.getByTestId('no-show-choice'));
    await user.click(screen.getByTestId('no-shows-mark'));
    expect(desk.mark_no_shows).toHaveBeenCalledWith({ sessionId: 11, bookingIds: ['b-2'], channel: 'face-to-face' });
    await vi.waitFor(() => expect(screen.getAllByTestId('booking-status')[1]).toHaveTextContent('No-show'));

    await user.click(screen.getByTestId('booking-waive'));
    await user.click(screen.getByTestId('waive-confirm'));
    expect(screen.getByTestId('waive-reason-error')).toHaveTextContent('Enter why the no-show is waived');
    desk.waive_no_show.mockResolvedValue(marked);
    await user.type(screen.getByTestId('waive-reason'), 'Bus cancelled');
    await user.click(screen.getByTestId('waive-confirm'));
    expect(desk.waive_no_show).toHaveBeenCalledWith({ bookingId: 'b-2', reason: 'Bus cancelled', channel: 'face-to-face' });
  });

  it('shows an offered place with its hold', async () => {
    const soon = f.sessionView(11, 'Aqua fit', '10:00', 20, 20, { starts_at: '2099-01-01T10:00:00' });
    const offered = { ...f.booking('b-3', 'Iain Fraser', 'offered'), life: { attended_at: null, no_show_at: null, no_show_waived: null, offer_until: '2099-01-01T08:00:00', offer_outcome: null } };
    desk.session.mockResolvedValue(f.detail(soon, [offered]));
    render(SessionDetail, { id: 11 });
    expect(await screen.findByTestId('booking-status')).toHaveTextContent('Offered until 08:00');
    expect(screen.queryByTestId('no-shows-form')).toBeNull();
  });
});
