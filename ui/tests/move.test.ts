import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';

import type { TransferQuote } from '../src/lib/bindings/TransferQuote';
import { desk, resetDesk } from './desk';

vi.mock('../src/lib/ipc', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/lib/ipc')>();
  return { ...(await import('./desk')).withDesk(real) };
});

const { default: MoveBooking } = await import('../src/services/leisure/screens/MoveBooking.svelte');
const f = await import('./fixtures');

const from = f.day[2]!; // Aqua Fit 10:00
const to = f.day[0]!; // Spin 18:00
const quote = (over: Partial<TransferQuote> = {}): TransferQuote => ({
  booking_id: 'b-1',
  session_id: to.session.id,
  price_pence: 750,
  reason: 'Adult',
  held_pence: 600,
  difference: 'pay',
  difference_pence: 150,
  refund_method: '',
  ...over,
});

beforeEach(() => {
  // The fixtures' sessions are on 2 December 2026; the desk's clock is the day before, so none
  // has started (a started session is not offered to move into).
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-12-01T12:00:00'));
  resetDesk();
  desk.session.mockResolvedValue(f.detail(from, [f.booking('b-1', "Mòrag O'Neill", 'booked')]));
  desk.timetable.mockResolvedValue(f.day);
});

describe('moving a place', () => {
  it('quotes the difference, asks for the cash beside the field, and moves the place', async () => {
    desk.transfer_quote.mockResolvedValue(quote());
    desk.transfer.mockResolvedValue({
      booking: { ...f.booking('b-2', "Mòrag O'Neill", 'booked', true), session_id: to.session.id },
      money: null,
    });
    render(MoveBooking, { id: from.session.id });
    expect(screen.getByTestId('move-heading')).toHaveFocus();
    const user = userEvent.setup();
    const target = await screen.findByTestId('move-session');
    expect(target).toHaveTextContent('18:00 Spin — 6 of 16 free');
    expect(target).not.toHaveTextContent('10:00 Aqua Fit');
    await user.selectOptions(target, String(to.session.id));
    expect(desk.transfer_quote).toHaveBeenLastCalledWith({ bookingId: 'b-1', sessionId: to.session.id, waive: false });
    expect(await screen.findByTestId('move-quote')).toHaveTextContent('The customer pays £1.50 more.');
    await user.click(screen.getByTestId('move-confirm'));
    expect(screen.getByTestId('move-tendered-error')).toHaveTextContent('Enter the cash handed over');
    expect(desk.transfer).not.toHaveBeenCalled();
    await user.type(screen.getByTestId('move-tendered'), '2');
    await user.click(screen.getByTestId('move-confirm'));
    expect(desk.transfer).toHaveBeenCalledWith({
      bookingId: 'b-1',
      sessionId: to.session.id,
      pricePence: 750,
      tender: expect.objectContaining({ method: 'cash', tendered_pence: 200 }),
      waiver: null,
      channel: 'face-to-face',
    });
    expect(await screen.findByTestId('move-done')).toHaveTextContent('Place moved');
  });

  it('shows the refusal beside the session, and a waiver needs its reason', async () => {
    desk.transfer_quote.mockRejectedValue({ code: 'session_started', message: 'The cut-off for moving this booking was 07:00.' });
    render(MoveBooking, { id: from.session.id });
    const user = userEvent.setup();
    await user.selectOptions(await screen.findByTestId('move-session'), String(to.session.id));
    expect(await screen.findByTestId('move-session-error')).toHaveTextContent('The cut-off for moving this booking was 07:00.');
    desk.transfer_quote.mockResolvedValue(quote({ difference: 'even', difference_pence: 0, price_pence: 600 }));
    await user.click(screen.getByTestId('move-waive'));
    expect(desk.transfer_quote).toHaveBeenLastCalledWith(expect.objectContaining({ waive: true }));
    await user.click(screen.getByTestId('move-confirm'));
    expect(await screen.findByText('Enter why the cut-off is waived', { selector: 'p' })).toBeInTheDocument();
    expect(desk.transfer).not.toHaveBeenCalled();
  });

  it('offers only sessions a place could be taken in now: not started, not beyond the booking window', async () => {
    vi.setSystemTime(new Date('2026-12-02T12:30:00'));
    desk.timetable.mockResolvedValue([
      ...f.day,
      { ...f.sessionView(14, 'Zumba', '19:00', 2, 20), opens: { members: '2026-12-02T13:00:00', everyone: '2026-12-03T07:00:00' } },
      { ...f.sessionView(15, 'Pilates', '20:00', 2, 20), opens: { members: '2026-12-02T07:00:00', everyone: '2026-12-03T07:00:00' } },
    ]);
    render(MoveBooking, { id: from.session.id });
    const target = await screen.findByTestId('move-session');
    const offered = [...target.querySelectorAll('option')].map((o) => o.value).filter((v) => v !== '');
    // 09:00 and 10:00 have started, 12:00 has started too; 14 is not yet open even to members.
    expect(offered).toEqual(['12', '15']);
  });
});

