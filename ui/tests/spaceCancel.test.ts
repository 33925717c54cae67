import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';

import type { ReceiptView } from '../src/lib/bindings/ReceiptView';
import type { SpaceBookingView } from '../src/lib/bindings/SpaceBookingView';
import type { SpaceCancelQuote } from '../src/lib/bindings/SpaceCancelQuote';
import type { SpacesDay } from '../src/lib/bindings/SpacesDay';
import type { SpaceView } from '../src/lib/bindings/SpaceView';
import { hrefFor, parseHash } from '../src/lib/router.svelte';
import { desk, resetDesk } from './desk';

vi.mock('../src/lib/ipc', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/lib/ipc')>();
  return { ...(await import('./desk')).withDesk(real) };
});

const { default: Spaces } = await import('../src/services/leisure/screens/Spaces.svelte');
const { default: CancelSpace } = await import('../src/services/leisure/screens/CancelSpace.svelte');
const f = await import('./fixtures');

// Far ahead, so the hire has not started whenever the tests run.
const DAY_ISO = '2099-03-10';
const court = (id: number, name: string): SpaceView => ({
  id,
  name,
  kind: 'court',
  part_of: null,
  slot_minutes: 60,
  opens: '18:00:00',
  closes: '21:00:00',
});
const SPACES = [court(111, 'Badminton court 1'), court(112, 'Badminton court 2')];
const ID = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const hire = (over: Partial<SpaceBookingView> = {}): SpaceBookingView => ({
  id: ID,
  space_id: 111,
  space_name: 'Badminton court 1',
  starts: `${DAY_ISO}T19:00:00`,
  ends: `${DAY_ISO}T20:00:00`,
  customer_id: 7,
  holder: 'Mòrag O’Neill',
  club: null,
  block_id: null,
  status: 'booked',
  price_pence: 3_600,
  price_reason: 'Adult (peak) for 1 h at £36.00 an hour',
  paid_at_desk: true,
  pending: false,
  ...over,
});
const day = (bookings: SpaceBookingView[]): SpacesDay => ({ centre_id: 1, day: DAY_ISO, spaces: SPACES, bookings, window: null });

const IN_TIME: SpaceCancelQuote = {
  booking: hire(),
  paid_by: 'Cash',
  price_pence: 3_600,
  outcome: { refund_pence: 3_600, kept_pence: 0, reason: 'Cancelled before the cut-off (19:00 on 9 Mar): full refund' },
  waived: null,
};
const LATE: SpaceCancelQuote = {
  ...IN_TIME,
  outcome: { refund_pence: 0, kept_pence: 3_600, reason: 'Cancelled after the cut-off (19:00 on 9 Mar): no refund' },
  waived: { refund_pence: 3_600, kept_pence: 0, reason: 'Late cancellation waived: waived' },
};
const REFUND: ReceiptView = {
  payment_id: 'r-1',
  booking_id: ID,
  kind: 'refund',
  centre_name: 'Elgin Leisure Centre',
  activity_name: 'Hire of Badminton court 1, until 20:00',
  starts_at: `${DAY_ISO}T19:00:00`,
  customer_name: 'Mòrag O’Neill',
  membership_no: 'MLC0000101',
  amount_pence: 3_600,
  tendered_pence: 0,
  change_pence: 0,
  method: 'Cash',
  reason: 'Late cancellation waived: Court lights failed',
  desk: 'Desk 0a1b2c3d',
  taken_at: '2099-03-10T10:00:00',
  staff_id: 7,
  pending: true,
};

beforeEach(() => {
  resetDesk();
});

describe('cancelling a space hire from the day view', () => {
  it('offers Cancel for a hire not yet started, naming the space and time, and not for a cancelled or started one', async () => {
    const started = hire({ id: '0190a1b2-c3d4-7e5f-8a9b-000000000002', space_id: 112, space_name: 'Badminton court 2', starts: '2020-01-07T19:00:00', ends: '2020-01-07T20:00:00' });
    const cancelled = hire({ id: '0190a1b2-c3d4-7e5f-8a9b-000000000003', space_id: 112, starts: `${DAY_ISO}T18:00:00`, ends: `${DAY_ISO}T19:00:00`, status: 'cancelled' });
    // The grid places a booking by its hour; the started one is from long ago.
    desk.spaces_day.mockResolvedValue(day([hire(), cancelled, started]));
    render(Spaces, { staff: f.leisureStaff, centreId: 1, day: DAY_ISO });
    const link = await screen.findByRole('link', { name: 'Cancel Badminton court 1 at 19:00' });
    expect(link).toHaveAttribute('href', hrefFor({ name: 'space-cancel', bookingId: ID, centreId: 1 }));
    expect(parseHash(link.getAttribute('href')!)).toEqual({ name: 'space-cancel', bookingId: ID, centreId: 1 });
    expect(screen.queryByTestId(`space-cancel-${cancelled.id}`)).not.toBeInTheDocument();
    expect(screen.queryByTestId(`space-cancel-${started.id}`)).not.toBeInTheDocument();
    expect(screen.getByTestId('cell-112-19:00')).toHaveAttribute('data-kind', 'booked');
    expect(screen.getAllByRole('link', { name: /^Cancel/ })).toHaveLength(1);
  });

  it('says what cancelling gives back and why, focusing the heading, and says a block date is cancelled alone', async () => {
    desk.space_cancel_quote.mockResolvedValue(IN_TIME);
    render(CancelSpace, { bookingId: ID, centreId: 1 });
    const heading = await screen.findByTestId('space-cancel-heading');
    expect(await screen.findByTestId('space-cancel-told')).toHaveTextContent('£36.00 goes back, the way it was paid (cash).');
    expect(heading).toHaveFocus();
    expect(desk.space_cancel_quote).toHaveBeenCalledWith({ bookingId: ID });
    expect(screen.getByTestId('space-cancel-reason')).toHaveTextContent('Cancelled before the cut-off (19:00 on 9 Mar): full refund.');
    const summary = screen.getByTestId('space-cancel-summary');
    expect(within(summary).getByText('Mòrag O’Neill')).toBeInTheDocument();
    expect(screen.getByTestId('space-cancel-paid')).toHaveTextContent('£36.00: Cash');
    expect(screen.queryByTestId('space-cancel-waive')).not.toBeInTheDocument();
    expect(screen.queryByTestId('space-cancel-block')).not.toBeInTheDocument();
  });

  it('names one date of a block and an account charge kept after the cut-off', async () => {
    desk.space_cancel_quote.mockResolvedValue({
      booking: hire({ block_id: 'blk-1', club: 'Forres Thistle juniors', holder: 'Forres Thistle juniors', paid_at_desk: false }),
      paid_by: 'Charged to the hirer’s account',
      price_pence: 6_000,
      outcome: { refund_pence: 0, kept_pence: 6_000, reason: 'Cancelled within 24 hours of the start: £60.00 of £60.00 still charged' },
      waived: { refund_pence: 0, kept_pence: 0, reason: 'Late cancellation waived: waived (was £60.00)' },
    });
    render(CancelSpace, { bookingId: ID, centreId: 1 });
    expect(await screen.findByTestId('space-cancel-told')).toHaveTextContent('£60.00 of the £60.00 hire is still charged to the hirer\'s account.');
    expect(screen.getByTestId('space-cancel-block')).toHaveTextContent('Only this date is cancelled');
    expect(screen.getByTestId('space-cancel-confirm')).toHaveTextContent('Yes, cancel this date');
  });

  it('refuses a waiver without a reason beside the field and in the summary, sending nothing', async () => {
    desk.space_cancel_quote.mockResolvedValue(LATE);
    const user = userEvent.setup();
    render(CancelSpace, { bookingId: ID, centreId: 1 });
    expect(await screen.findByTestId('space-cancel-told')).toHaveTextContent('Nothing goes back: the £36.00 paid is kept.');
    const waive = screen.getByTestId('space-cancel-waive');
    expect(waive).toHaveAttribute('aria-expanded', 'false');
    await user.click(waive);
    expect(waive).toHaveAttribute('aria-expanded', 'true');
    expect(screen.getByTestId('space-cancel-told')).toHaveTextContent('£36.00 goes back, the way it was paid (cash).');
    await user.click(screen.getByTestId('space-cancel-channel-face-to-face'));
    await user.click(screen.getByTestId('space-cancel-confirm'));
    expect(await screen.findByTestId('space-cancel-waiver-reason-error')).toHaveTextContent('Enter why the late charge is waived');
    expect(screen.getByTestId('space-cancel-waiver-reason')).toHaveAttribute('aria-describedby', 'space-cancel-waiver-reason-error');
    expect(within(screen.getByTestId('error-summary')).getByRole('link', { name: 'Enter why the late charge is waived' })).toBeInTheDocument();
    expect(desk.cancel_space).not.toHaveBeenCalled();
  });

  it('cancels with the waiver and shows the refund receipt, with a way back to the day', async () => {
    desk.space_cancel_quote.mockResolvedValue(LATE);
    desk.cancel_space.mockResolvedValue({ booking: hire({ status: 'cancelled', pending: true }), refund: REFUND, reason: REFUND.reason });
    const user = userEvent.setup();
    render(CancelSpace, { bookingId: ID, centreId: 1 });
    await user.click(await screen.findByTestId('space-cancel-waive'));
    await user.type(screen.getByTestId('space-cancel-waiver-reason'), 'Court lights failed');
    await user.click(screen.getByTestId('space-cancel-channel-telephone'));
    await user.click(screen.getByTestId('space-cancel-confirm'));
    expect(desk.cancel_space).toHaveBeenCalledWith({ bookingId: ID, waiver: 'Court lights failed', channel: 'telephone' });
    expect(await screen.findByTestId('receipt-heading')).toHaveTextContent('Refund receipt');
    expect(screen.getByTestId('receipt-back')).toHaveTextContent('Back to the spaces');
  });

  it('confirms a cancel with nothing to give back in words, and says why a quote is refused', async () => {
    desk.space_cancel_quote.mockResolvedValue({ ...IN_TIME, booking: hire({ paid_at_desk: false }), paid_by: 'Charged to the hirer’s account', outcome: { refund_pence: 0, kept_pence: 0, reason: 'Cancelled in time: nothing charged (was £36.00)' } });
    desk.cancel_space.mockResolvedValue({ booking: hire({ status: 'cancelled', paid_at_desk: false }), refund: null, reason: 'Cancelled in time: nothing charged (was £36.00)' });
    const user = userEvent.setup();
    render(CancelSpace, { bookingId: ID, centreId: 1 });
    expect(await screen.findByTestId('space-cancel-told')).toHaveTextContent('Nothing is charged to the hirer\'s account');
    await user.click(screen.getByTestId('space-cancel-channel-face-to-face'));
    await user.click(screen.getByTestId('space-cancel-confirm'));
    expect(desk.cancel_space).toHaveBeenCalledWith({ bookingId: ID, waiver: null, channel: 'face-to-face' });
    expect(await screen.findByTestId('space-cancel-done-reason')).toHaveTextContent('Cancelled in time: nothing charged (was £36.00).');
  });

  it('says why when the hire cannot be cancelled', async () => {
    desk.space_cancel_quote.mockRejectedValue({ code: 'already_cancelled', message: 'This booking is already cancelled.' });
    render(CancelSpace, { bookingId: ID, centreId: 1 });
    expect(await screen.findByTestId('space-cancel-error')).toHaveTextContent('This booking is already cancelled.');
    expect(screen.queryByTestId('space-cancel-confirm')).not.toBeInTheDocument();
  });
});
