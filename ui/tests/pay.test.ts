import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';

import type { CashCountView } from '../src/lib/bindings/CashCountView';
import type { ReceiptView } from '../src/lib/bindings/ReceiptView';
import { desk, resetDesk } from './desk';

vi.mock('../src/lib/ipc', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/lib/ipc')>();
  return { ...(await import('./desk')).withDesk(real) };
});

const ipc = await import('../src/lib/ipc');
const { router } = await import('../src/lib/router.svelte');
const { default: BookCustomer } = await import('../src/services/leisure/screens/BookCustomer.svelte');
const { default: SessionDetail } = await import('../src/services/leisure/screens/SessionDetail.svelte');
const { parsePounds, pounds, tenderFor, emptyPayment, looksLikeCardNumber } = await import(
  '../src/services/leisure/lib/payment'
);
const f = await import('./fixtures');

const open = f.day[2]!; // Aqua Fit 10:00, 5 of 20

const receipt = (over: Partial<ReceiptView> = {}): ReceiptView => ({
  payment_id: 'p-1',
  booking_id: 'b-1',
  kind: 'payment',
  centre_name: 'Elgin Leisure Centre',
  activity_name: 'Aqua Fit',
  starts_at: open.session.starts_at,
  customer_name: "Mòrag O'Neill",
  membership_no: 'M0101',
  amount_pence: 600,
  tendered_pence: 1000,
  change_pence: 400,
  method: 'Cash',
  reason: 'Adult',
  desk: 'Desk 01a2b3c4',
  taken_at: '2026-12-01T09:41:00',
  staff_id: 3,
  pending: true,
  ...over,
});

beforeEach(() => {
  // The fixtures' sessions are on 2 December 2026: the desk's clock is the day before, so none
  // has started (a started one is not bookable); and no channel is remembered from a test before.
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-12-01T12:00:00'));
  window.localStorage.clear();
  resetDesk();
  desk.session.mockResolvedValue(f.detail(open, []));
  desk.find_customers.mockResolvedValue({ customers: f.customers, more: 0 });
  desk.price_for.mockResolvedValue({ session_id: 11, customer_id: 101, price_pence: 600, reason: 'Adult' });
  router.start();
});

async function chooseCustomer(): Promise<ReturnType<typeof userEvent.setup>> {
  render(BookCustomer, { id: 11 });
  await screen.findByTestId('booking-form');
  const user = userEvent.setup();
  await user.type(screen.getByTestId('customer-search'), 'mo');
  await user.keyboard('{ArrowDown}{Enter}');
  await screen.findByTestId('book-price');
  return user;
}

describe('money typed at the desk', () => {
  it('reads pounds as whole pence and refuses what is not money', () => {
    expect([parsePounds('6'), parsePounds('£6.5'), parsePounds(' 12.05 ')]).toEqual([600, 650, 1205]);
    for (const bad of ['', '-1', '6.505', 'six', '1,000', '.5']) expect(parsePounds(bad)).toBeNull();
    expect(pounds(1405)).toBe('£14.05');
  });

  it('never takes a card number as a slip reference', () => {
    expect(looksLikeCardNumber('4111 1111 1111 1111')).toBe(true);
    expect(looksLikeCardNumber('004512')).toBe(false);
    const { tender, errors } = tenderFor({ ...emptyPayment(), method: 'card', terminal: 'T1', reference: '4111111111111111' }, 600);
    expect(tender).toBeNull();
    expect(errors.reference).toMatch(/looks like a card number/);
  });
});

describe('book and pay', () => {
  it('shows the price and why, takes cash, and shows the change on the receipt', async () => {
    desk.book_and_pay.mockResolvedValue(receipt());
    const user = await chooseCustomer();
    expect(desk.price_for).toHaveBeenCalledWith({ sessionId: 11, customerId: 101 });
    expect(screen.getByTestId('book-price')).toHaveTextContent('£6.00 — Adult');
    await user.click(screen.getByTestId('pay-method-cash'));
    await user.type(screen.getByTestId('pay-tendered'), '10');
    await user.click(screen.getByTestId('channel-face-to-face'));
    expect(screen.getByTestId('book-submit')).toHaveTextContent('Book and record payment');
    await user.click(screen.getByTestId('book-submit'));
    expect(desk.book_and_pay).toHaveBeenCalledWith({
      sessionId: 11,
      customerId: 101,
      pricePence: 600,
      tender: expect.objectContaining({ method: 'cash', tendered_pence: 1000, terminal: null }),
      channel: 'face-to-face',
    });
    expect(desk.book_place).not.toHaveBeenCalled();
    expect(await screen.findByTestId('receipt-change-panel')).toHaveTextContent('Change to give: £4.00');
    expect(screen.getByTestId('receipt-heading')).toHaveFocus();
    expect(screen.getByTestId('receipt-amount')).toHaveTextContent('£6.00 — Adult');
    expect(screen.getByTestId('receipt-pending')).toBeInTheDocument();
    const print = vi.spyOn(window, 'print').mockImplementation(() => {});
    await user.click(screen.getByTestId('receipt-print'));
    expect(print).toHaveBeenCalledOnce();
  });

  it('says beside the field when the cash is short, and sends nothing', async () => {
    const user = await chooseCustomer();
    await user.click(screen.getByTestId('pay-method-cash'));
    await user.type(screen.getByTestId('pay-tendered'), '5.99');
    await user.click(screen.getByTestId('channel-telephone'));
    await user.click(screen.getByTestId('book-submit'));
    expect(screen.getByTestId('pay-tendered-error')).toHaveTextContent('at least the price, £6.00');
    expect(screen.getByTestId('error-summary')).toHaveFocus();
    expect(desk.book_and_pay).not.toHaveBeenCalled();
  });

  it('puts the desk’s voucher refusal beside the voucher code', async () => {
    desk.book_and_pay.mockRejectedValue(
      new ipc.IpcError({ code: 'voucher_refused', message: 'Voucher OLD5 expired on 2026-11-01.' }),
    );
    const user = await chooseCustomer();
    await user.click(screen.getByTestId('pay-method-voucher'));
    await user.type(screen.getByTestId('pay-voucher'), 'old5');
    await user.click(screen.getByTestId('channel-face-to-face'));
    await user.click(screen.getByTestId('book-submit'));
    expect(desk.book_and_pay).toHaveBeenCalledWith(
      expect.objectContaining({ tender: expect.objectContaining({ method: 'voucher', voucher_code: 'OLD5' }) }),
    );
    expect(await screen.findByTestId('pay-voucher-error')).toHaveTextContent('expired');
  });

  it('books without payment when the receptionist chooses to pay later, or there is no price list', async () => {
    desk.book_place.mockResolvedValue(f.booking('b-1', "Mòrag O'Neill", 'booked', true));
    const user = await chooseCustomer();
    await user.click(screen.getByTestId('channel-telephone'));
    expect(screen.getByTestId('book-submit')).toHaveTextContent('Book place');
    await user.click(screen.getByTestId('book-submit'));
    expect(desk.book_place).toHaveBeenCalledWith({ sessionId: 11, customerId: 101, channel: 'telephone' });
    expect(desk.book_and_pay).not.toHaveBeenCalled();
  });

  it('books a member’s included place as a place: nothing to hand over, no payment step', async () => {
    desk.price_for.mockResolvedValue({ session_id: 11, customer_id: 101, price_pence: 0, reason: 'FitLife member: included' });
    const user = await chooseCustomer();
    expect(screen.queryByTestId('pay-method-cash')).toBeNull();
    await user.click(screen.getByTestId('channel-face-to-face'));
    expect(screen.getByTestId('book-submit')).toHaveTextContent('Book place');
    await user.click(screen.getByTestId('book-submit'));
    expect(desk.book_place).toHaveBeenCalledWith({ sessionId: 11, customerId: 101, channel: 'face-to-face' });
    expect(desk.book_and_pay).not.toHaveBeenCalled();
  });
});

describe('cancel with the refund the policy gives', () => {
  const booked = f.booking('b-1', "Mòrag O'Neill", 'booked', false);

  async function askToCancel(): Promise<ReturnType<typeof userEvent.setup>> {
    desk.session.mockResolvedValue(f.detail(open, [booked]));
    render(SessionDetail, { id: 11 });
    const user = userEvent.setup();
    await user.click(await screen.findByTestId('booking-cancel'));
    return user;
  }

  it('shows what goes back and how, then cancels with it', async () => {
    desk.refund_quote.mockResolvedValue({
      booking_id: 'b-1',
      unpaid: false,
      paid_pence: 600,
      refund_pence: 600,
      method: 'Card, terminal T1, slip 004512',
      reason: 'Cancelled before the cut-off (07:00 on 2 Dec): full refund',
    });
    desk.cancel_with_refund.mockResolvedValue({
      booking_id: 'b-1',
      refund: receipt({ kind: 'refund', method: 'Card, terminal T1, slip 004512', tendered_pence: 0, change_pence: 0 }),
      reason: 'Cancelled before the cut-off (07:00 on 2 Dec): full refund',
    });
    const user = await askToCancel();
    expect(await screen.findByTestId('cancel-refund')).toHaveTextContent('Refund £6.00 by Card, terminal T1');
    expect(screen.queryByTestId('cancel-waive')).toBeNull();
    await user.click(screen.getByTestId('cancel-channel-telephone'));
    await user.click(screen.getByTestId('cancel-confirm'));
    expect(desk.cancel_with_refund).toHaveBeenCalledWith({ bookingId: 'b-1', waiver: null, channel: 'telephone' });
    expect(desk.cancel_place).not.toHaveBeenCalled();
  });

  it('after the cut-off a waiver needs its reason, beside the field', async () => {
    desk.refund_quote.mockImplementation(async ({ waive }) => ({
      booking_id: 'b-1',
      unpaid: false,
      paid_pence: 600,
      refund_pence: waive ? 600 : 0,
      method: 'Cash',
      reason: waive ? 'Late cancellation waived: waived' : 'Cancelled after the cut-off (07:00 on 2 Dec): no refund',
    }));
    desk.cancel_with_refund.mockResolvedValue({ booking_id: 'b-1', refund: null, reason: 'x' });
    const user = await askToCancel();
    expect(await screen.findByTestId('cancel-refund')).toHaveTextContent('Refund £0.00 — Cancelled after the cut-off');
    await user.click(screen.getByTestId('cancel-waive'));
    expect(desk.refund_quote).toHaveBeenLastCalledWith({ bookingId: 'b-1', waive: true });
    await user.click(screen.getByTestId('cancel-channel-face-to-face'));
    await user.click(screen.getByTestId('cancel-confirm'));
    expect(screen.getByTestId('cancel-waiver-reason-error')).toHaveTextContent('Enter why the cut-off is waived');
    expect(desk.cancel_with_refund).not.toHaveBeenCalled();
    await user.type(screen.getByTestId('cancel-waiver-reason'), 'Instructor ill');
    await user.click(screen.getByTestId('cancel-confirm'));
    expect(desk.cancel_with_refund).toHaveBeenCalledWith({ bookingId: 'b-1', waiver: 'Instructor ill', channel: 'face-to-face' });
  });
});

describe('cash-up', () => {
  const staff = { id: 3, username: 'ailsa', display_name: 'Ailsa', roles: ['leisure-desk'], sites: ['leisure:1'] } as const;
  const line = (name: string, taken: number, refunded = 0, count = 1) => ({
    name,
    count,
    taken_pence: taken,
    refunded_pence: refunded,
  });
  const view = (counted: number | null) => ({
    centre_id: 1,
    day: '2026-12-01',
    desk: 'Desk 01a2b3c4',
    float_pence: 5000,
    cash: line('Cash', 1200, 600, 3),
    expected_cash_pence: 5600,
    cards: [line('T1', 2400)],
    vouchers: line('Vouchers', 600),
    complimentary: 1,
    on_account: [],
    refunds: line('Refunds', 0, 600),
    pending: 2,
    counted_pence: counted,
    difference_pence: counted === null ? null : counted - 5600,
    balance: counted === null ? null : counted < 5600 ? 'short' : counted > 5600 ? 'over' : 'balanced',
    counts: [] as CashCountView[],
  });

  it('shows the expected cash, card by terminal and refunds, and the difference once counted', async () => {
    const { default: CashUp } = await import('../src/services/leisure/screens/CashUp.svelte');
    desk.cash_up.mockImplementation(async ({ countedPence }) => view(countedPence));
    render(CashUp, { staff: { ...staff, roles: [...staff.roles], sites: [...staff.sites] }, centreId: 1 });
    expect(screen.getByTestId('cashup-heading')).toHaveFocus();
    expect(await screen.findByTestId('cashup-expected')).toHaveTextContent('£56.00 (float £50.00)');
    expect(screen.getByTestId('cashup-card')).toHaveTextContent('£24.00');
    expect(screen.getByTestId('cashup-refunds')).toHaveTextContent('£6.00 (1)');
    const user = userEvent.setup();
    await user.click(screen.getByTestId('cashup-count'));
    expect(screen.getByTestId('cashup-counted-error')).toHaveTextContent('Enter the cash counted in the drawer');
    await user.type(screen.getByTestId('cashup-float'), '50');
    await user.type(screen.getByTestId('cashup-counted'), '55.10');
    await user.click(screen.getByTestId('cashup-count'));
    expect(desk.cash_up).toHaveBeenLastCalledWith({ centreId: 1, day: expect.any(String), thisDesk: true, floatPence: 5000, countedPence: 5510 });
    expect(await screen.findByTestId('cashup-difference')).toHaveTextContent('£55.10: £0.90 short');
    await user.click(screen.getByTestId('cashup-centre'));
    expect(desk.cash_up).toHaveBeenLastCalledWith(expect.objectContaining({ thisDesk: false }));
  });

  it('records the count, asking why when the drawer is short', async () => {
    const { default: CashUp } = await import('../src/services/leisure/screens/CashUp.svelte');
    desk.cash_up.mockImplementation(async ({ countedPence }) => view(countedPence));
    const short: CashCountView = {
      id: 'k-1',
      desk: 'Desk 01a2b3c4',
      float_pence: 5000,
      expected_pence: 5600,
      counted_pence: 5510,
      difference_pence: -90,
      note: 'Change given twice',
      staff_id: 3,
      pending: true,
    };
    desk.record_cash_count.mockImplementation(async () => ({ ...view(5510), counts: [short] }));
    render(CashUp, { staff: { ...staff, roles: [...staff.roles], sites: [...staff.sites] }, centreId: 1 });
    const user = userEvent.setup();
    await user.type(screen.getByTestId('cashup-float'), '50');
    await user.type(screen.getByTestId('cashup-counted'), '55.10');
    await user.click(screen.getByTestId('cashup-count'));
    await user.click(await screen.findByTestId('cashup-record'));
    expect(screen.getByTestId('cashup-note-error')).toHaveTextContent('Enter why the drawer is over or short');
    expect(desk.record_cash_count).not.toHaveBeenCalled();
    await user.type(screen.getByTestId('cashup-note'), 'Change given twice');
    await user.click(screen.getByTestId('cashup-record'));
    expect(desk.record_cash_count).toHaveBeenCalledWith({
      centreId: 1,
      day: expect.any(String),
      floatPence: 5000,
      countedPence: 5510,
      note: 'Change given twice',
    });
    expect(await screen.findByTestId('cashup-recorded')).toHaveFocus();
    expect(screen.getByTestId('cashup-count-row')).toHaveTextContent('£0.90 short');
    expect(screen.getByTestId('cashup-count-row')).toHaveTextContent('(not yet sent)');
  });
});
