import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';

import type { BlockCheck } from '../src/lib/bindings/BlockCheck';
import type { ReceiptView } from '../src/lib/bindings/ReceiptView';
import type { SpaceBookingView } from '../src/lib/bindings/SpaceBookingView';
import type { SpacesDay } from '../src/lib/bindings/SpacesDay';
import type { SpaceView } from '../src/lib/bindings/SpaceView';
import { blockErrors, cell, linked, slots } from '../src/services/leisure/lib/spaces';
import { desk, resetDesk } from './desk';

vi.mock('../src/lib/ipc', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/lib/ipc')>();
  return { ...(await import('./desk')).withDesk(real) };
});

const { default: Spaces } = await import('../src/services/leisure/screens/Spaces.svelte');
const { default: BlockBooking } = await import('../src/services/leisure/screens/BlockBooking.svelte');
const { default: BookSpace } = await import('../src/services/leisure/screens/BookSpace.svelte');
const f = await import('./fixtures');

const space = (id: number, name: string, kind: string, part_of: number | null): SpaceView => ({
  id,
  name,
  kind,
  part_of,
  slot_minutes: 60,
  opens: '18:00:00',
  closes: '21:00:00',
});
const SPACES = [
  space(101, '3G pitch', '3G pitch', null),
  space(102, '3G pitch, half 1', '3G pitch half', 101),
  space(103, '3G pitch, half 2', '3G pitch half', 101),
  space(104, '3G pitch, quarter 1', '3G pitch quarter', 102),
  space(106, '3G pitch, quarter 3', '3G pitch quarter', 103),
];
const booking = (spaceId: number, from: string, to: string, holder: string): SpaceBookingView => ({
  id: `b-${spaceId}-${from}`,
  space_id: spaceId,
  space_name: SPACES.find((s) => s.id === spaceId)!.name,
  starts: `2026-12-08T${from}:00`,
  ends: `2026-12-08T${to}:00`,
  customer_id: 7,
  holder,
  club: holder,
  block_id: null,
  status: 'booked',
  price_pence: 6_000,
  price_reason: 'Adult (peak)',
  paid_at_desk: false,
  pending: false,
});
const DAY: SpacesDay = {
  centre_id: 1,
  day: '2026-12-08',
  spaces: SPACES,
  bookings: [booking(102, '18:00', '19:00', 'Forres Thistle juniors')],
  window: {
    days_ahead: 7,
    member_days_ahead: 14,
    release_time: '07:00:00',
    open_until: '2026-12-08',
    member_open_until: '2026-12-15',
    max_block_weeks: 52,
  },
};

beforeEach(() => {
  resetDesk();
  desk.spaces_day.mockResolvedValue(DAY);
});

describe('linked spaces on the day grid', () => {
  it('a half blocks its pitch and its quarters, not the other half or its quarter', () => {
    expect(linked(SPACES, 102, 101)).toBe(true);
    expect(linked(SPACES, 101, 104)).toBe(true);
    expect(linked(SPACES, 104, 102)).toBe(true);
    expect(linked(SPACES, 102, 103)).toBe(false);
    expect(linked(SPACES, 104, 106)).toBe(false);
    const at = (id: number, slot: string): string => cell(SPACES, DAY.bookings, SPACES.find((s) => s.id === id)!, slot).kind;
    expect(['18:00', '19:00'].map((s) => at(102, s))).toEqual(['booked', 'free']);
    expect([101, 103, 104, 106].map((id) => at(id, '18:00'))).toEqual(['held', 'free', 'held', 'free']);
    expect(slots(SPACES)).toEqual(['18:00', '19:00', '20:00']);
  });

  it('shows who holds each slot, what a linked booking holds, and the booking window', async () => {
    render(Spaces, { staff: f.leisureStaff, centreId: 1, day: '2026-12-08' });
    expect(await screen.findByTestId('spaces-grid')).toBeInTheDocument();
    expect(desk.spaces_day).toHaveBeenCalledWith({ centreId: 1, day: '2026-12-08' });
    expect(screen.getByTestId('cell-102-18:00')).toHaveTextContent('Forres Thistle juniors');
    expect(screen.getByTestId('cell-101-18:00')).toHaveTextContent('Held: 3G pitch, half 1');
    expect(screen.getByTestId('cell-104-18:00')).toHaveAttribute('data-kind', 'held');
    expect(screen.getByTestId('cell-103-18:00')).toHaveAttribute('data-kind', 'free');
    expect(screen.getByTestId('spaces-window')).toHaveTextContent('7 days ahead (14 for members), each new day at 07:00');
  });
});

describe('the block-booking form', () => {
  it('refuses a block that ends before it starts, or runs 200 weeks, before asking the desk', () => {
    const ok = { first: '2026-09-01', last: '2026-12-15', starts: '19:00', ends: '21:00', club: 'Forres Thistle' };
    expect(blockErrors(ok, 52)).toEqual({});
    expect(blockErrors({ ...ok, ends: '18:00' }, 52)).toEqual({ 'block-ends': 'The end time must be after the start time' });
    expect(blockErrors({ ...ok, last: '2026-08-01' }, 52)['block-last']).toBe('The last date must be on or after the first');
    expect(blockErrors({ ...ok, last: '2030-07-30' }, 52)['block-last']).toBe('A block can run at most 52 weeks (this one is 204)');
    expect(blockErrors({ ...ok, club: ' ' }, 52)['block-club']).toBe('Enter the club the block is for');
  });

  it('lists every date with its clash and alternatives before booking the free ones', async () => {
    const checked: BlockCheck = {
      space_name: '3G pitch, half 1',
      free: 2,
      refused: 1,
      closed: 0,
      dates: [
        { date: '2026-12-01', outcome: 'free', detail: '', alternatives: [] },
        {
          date: '2026-12-08',
          outcome: 'clash',
          detail: 'Taken: 3G pitch, half 1 18:00–19:00 (Forres Thistle juniors).',
          alternatives: [{ kind: 'book_space', space_id: 103, space_name: '3G pitch, half 2', starts: '2026-12-08T18:00:00', ends: '2026-12-08T19:00:00' }],
        },
        { date: '2026-12-15', outcome: 'free', detail: '', alternatives: [] },
      ],
    };
    desk.check_block.mockResolvedValue(checked);
    desk.find_customers.mockResolvedValue({ customers: [f.customers[0]!], more: 0 });
    desk.book_block.mockResolvedValue({ block_id: 'blk', booked: [], not_booked: [checked.dates[1]!] });
    render(BlockBooking, { staff: f.leisureStaff, centreId: 1, day: '2026-12-01' });
    const user = userEvent.setup();
    await screen.findByRole('option', { name: '3G pitch, half 1' });
    await user.selectOptions(screen.getByTestId('block-space'), '3G pitch, half 1');
    await user.type(screen.getByTestId('block-last'), '2026-12-15');
    await user.type(screen.getByTestId('block-starts'), '18:00');
    await user.type(screen.getByTestId('block-ends'), '19:00');
    await user.type(screen.getByTestId('block-club'), 'Elgin City juniors');
    await user.type(screen.getByTestId('hirer-search'), 'Mòrag');
    await user.click(await screen.findByTestId('hirer-101'));
    await user.click(screen.getByTestId('block-check'));
    const clash = await screen.findByTestId('block-date-2026-12-08');
    expect(clash).toHaveAttribute('data-outcome', 'clash');
    expect(within(clash).getByText(/Forres Thistle juniors/)).toBeInTheDocument();
    expect(clash).toHaveTextContent('Free instead: Book 3G pitch, half 2 18:00–19:00');
    expect(screen.getByTestId('block-summary')).toHaveTextContent('2 free, 1 clashing');
    const sent = {
      space_id: 102,
      first: '2026-12-01',
      last: '2026-12-15',
      every: 'week',
      starts: '18:00:00',
      ends: '19:00:00',
      customer_id: 101,
      club: 'Elgin City juniors',
    };
    expect(desk.check_block).toHaveBeenCalledWith({ block: sent });
    await user.click(screen.getByTestId('block-confirm'));
    expect(desk.book_block).toHaveBeenCalledWith({ block: sent, channel: 'face-to-face' });
    expect(await screen.findByTestId('block-not-booked')).toHaveTextContent('Not booked:');
  });
});

describe('hiring a space and paying at the desk', () => {
  const QUOTE = {
    space_id: 104,
    customer_id: 101,
    starts: '2026-12-08T19:00:00',
    ends: '2026-12-08T20:00:00',
    price_pence: 3_600,
    reason: 'Adult (peak) for 1 h at £36.00 an hour',
  };
  const RECEIPT: ReceiptView = {
    payment_id: 'p-1',
    booking_id: 'sb-1',
    kind: 'payment',
    centre_name: 'Elgin Leisure Centre',
    activity_name: 'Hire of 3G pitch, quarter 1, until 20:00',
    starts_at: '2026-12-08T19:00:00',
    customer_name: 'Mòrag O’Neill',
    membership_no: 'MLC0000101',
    amount_pence: 3_600,
    tendered_pence: 5_000,
    change_pence: 1_400,
    method: 'Cash',
    reason: QUOTE.reason,
    desk: 'Desk 0a1b2c3d',
    taken_at: '2026-12-01T10:00:00',
    staff_id: 7,
    pending: true,
  };

  async function fillHire(user: ReturnType<typeof userEvent.setup>): Promise<void> {
    render(BookSpace, { staff: f.leisureStaff, centreId: 1, day: '2026-12-08', space: 104, hour: 19 });
    await screen.findByRole('option', { name: '3G pitch, quarter 1' });
    await user.type(screen.getByTestId('hirer-search'), 'Mòrag');
    await user.click(await screen.findByTestId('hirer-101'));
  }

  beforeEach(() => {
    desk.find_customers.mockResolvedValue({ customers: [f.customers[0]!], more: 0 });
    desk.space_price.mockResolvedValue(QUOTE);
  });

  it('shows the price with its reason, takes cash over the price and shows the receipt with the change', async () => {
    desk.hire_space.mockResolvedValue({ booking: { ...booking(104, '19:00', '20:00', 'Mòrag O’Neill'), paid_at_desk: true, pending: true }, receipt: RECEIPT });
    const user = userEvent.setup();
    await fillHire(user);
    expect(await screen.findByTestId('space-price')).toHaveTextContent('£36.00 — Adult (peak) for 1 h at £36.00 an hour');
    expect(desk.space_price).toHaveBeenCalledWith({ spaceId: 104, starts: '2026-12-08T19:00:00', ends: '2026-12-08T20:00:00', customerId: 101 });
    await user.click(screen.getByTestId('pay-method-cash'));
    await user.type(screen.getByTestId('pay-tendered'), '50');
    expect(screen.getByTestId('space-book-submit')).toHaveTextContent('Book and record payment');
    await user.click(screen.getByTestId('space-book-submit'));
    expect(desk.hire_space).toHaveBeenCalledWith({
      spaceId: 104,
      starts: '2026-12-08T19:00:00',
      ends: '2026-12-08T20:00:00',
      customerId: 101,
      pricePence: 3_600,
      tender: expect.objectContaining({ method: 'cash', tendered_pence: 5_000 }),
      channel: 'face-to-face',
    });
    expect(desk.book_space).not.toHaveBeenCalled();
    expect(await screen.findByTestId('receipt-change-panel')).toHaveTextContent('Change to give: £14.00');
    expect(screen.getByTestId('receipt-session')).toHaveTextContent('Hire of 3G pitch, quarter 1, until 20:00');
    expect(screen.getByTestId('receipt-back')).toHaveTextContent('Back to the spaces');
    expect(screen.getByTestId('space-hired')).toHaveTextContent('pending until the server confirms it');
  });

  it('puts errors beside the payment fields: cash short here, a used voucher from the desk', async () => {
    const user = userEvent.setup();
    await fillHire(user);
    await screen.findByTestId('space-price');
    await user.click(screen.getByTestId('pay-method-cash'));
    await user.type(screen.getByTestId('pay-tendered'), '20');
    await user.click(screen.getByTestId('space-book-submit'));
    expect(await screen.findByTestId('pay-tendered-error')).toHaveTextContent('at least the price, £36.00');
    expect(desk.hire_space).not.toHaveBeenCalled();
    desk.hire_space.mockRejectedValue({ code: 'voucher_refused', message: 'Voucher GIFT50 has already been used.' });
    await user.click(screen.getByTestId('pay-method-voucher'));
    await user.type(screen.getByTestId('pay-voucher'), 'gift50');
    await user.click(screen.getByTestId('space-book-submit'));
    expect(await screen.findByTestId('pay-voucher-error')).toHaveTextContent('already been used');
    expect(screen.queryByTestId('receipt')).not.toBeInTheDocument();
  });

  it('books a club’s hire to its account, and the account choice books without payment', async () => {
    desk.book_space.mockResolvedValue(booking(104, '19:00', '20:00', 'Elgin City juniors'));
    const user = userEvent.setup();
    await fillHire(user);
    await screen.findByTestId('space-price');
    await user.type(screen.getByTestId('space-club'), 'Elgin City juniors');
    expect(await screen.findByTestId('space-club-account')).toHaveTextContent('charged to its account');
    expect(screen.queryByTestId('pay-method-cash')).not.toBeInTheDocument();
    await user.click(screen.getByTestId('space-book-submit'));
    expect(desk.book_space).toHaveBeenCalledWith(expect.objectContaining({ spaceId: 104, club: 'Elgin City juniors', customerId: 101 }));
    expect(desk.hire_space).not.toHaveBeenCalled();
    expect(await screen.findByTestId('space-booked')).toHaveTextContent('to their account');
  });
});
