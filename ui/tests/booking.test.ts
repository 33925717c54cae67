import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';

import { desk, resetDesk } from './desk';

vi.mock('../src/lib/ipc', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/lib/ipc')>();
  return { ...(await import('./desk')).withDesk(real) };
});

const ipc = await import('../src/lib/ipc');
const { router } = await import('../src/lib/router.svelte');
const { flash } = await import('../src/lib/stores/flash.svelte');
const { default: BookCustomer } = await import('../src/services/leisure/screens/BookCustomer.svelte');
const f = await import('./fixtures');

const open = f.day[2]!; // Aqua Fit 10:00, 5 of 20
const full = f.day[1]!; // Aqua Fit 09:00, 20 of 20

beforeEach(() => {
  // The fixtures' sessions are on 2 December 2026: the desk's clock is the day before, so none
  // has started (a started one is not bookable); and no channel is remembered from a test before.
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-12-01T12:00:00'));
  window.localStorage.clear();
  desk.session.mockReset().mockResolvedValue(f.detail(open, []));
  desk.find_customers.mockReset().mockResolvedValue({ customers: f.customers, more: 0 });
  desk.book_place.mockReset();
  desk.join_waiting_list.mockReset();
  flash.clear();
  router.start();
});

async function ready(id = 11): Promise<ReturnType<typeof userEvent.setup>> {
  render(BookCustomer, { id });
  await screen.findByTestId('booking-form');
  return userEvent.setup();
}

describe('booking form', () => {
  it('searches as you type and lists results', async () => {
    const user = await ready();
    await user.type(screen.getByTestId('customer-search'), 'mo');
    expect(desk.find_customers).toHaveBeenLastCalledWith({ text: 'mo', limit: 20 });
    expect(screen.getAllByTestId('customer-result')).toHaveLength(3);
    expect(screen.getByTestId('customer-results-count')).toHaveTextContent('3 customers match');
    expect(screen.getByRole('combobox')).toHaveAttribute('aria-expanded', 'true');
  });

  it('lets the keyboard move through results and choose one', async () => {
    const user = await ready();
    const input = screen.getByTestId('customer-search');
    await user.type(input, 'mo');
    await user.keyboard('{ArrowDown}{ArrowDown}');
    const active = screen.getAllByTestId('customer-result')[1]!;
    expect(input).toHaveAttribute('aria-activedescendant', active.id);
    expect(active).toHaveAttribute('aria-selected', 'true');
    await user.keyboard('{ArrowUp}{ArrowUp}');
    expect(input).toHaveAttribute('aria-activedescendant', screen.getAllByTestId('customer-result')[2]!.id);
    await user.keyboard('{ArrowDown}{Enter}');
    expect(screen.getByTestId('book-chosen-name')).toHaveTextContent("Mòrag O'Neill");
    expect(desk.book_place).not.toHaveBeenCalled();
  });

  it('Escape closes the results', async () => {
    const user = await ready();
    await user.type(screen.getByTestId('customer-search'), 'mo');
    await user.keyboard('{Escape}');
    expect(screen.getByRole('combobox')).toHaveAttribute('aria-expanded', 'false');
    expect(screen.getByTestId('customer-results')).not.toBeVisible();
  });

  it('sends nothing without a customer and a channel, and says so beside each field', async () => {
    const user = await ready();
    await user.click(screen.getByTestId('book-submit'));
    expect(screen.getByTestId('customer-search-error')).toHaveTextContent(
      'Search for the customer by name, date of birth or membership number',
    );
    expect(screen.getByTestId('channel-error')).toHaveTextContent('Select how the customer got in touch');
    expect(screen.getByTestId('error-summary')).toHaveFocus();
    await user.type(screen.getByTestId('customer-search'), 'mo');
    await user.click(screen.getByTestId('book-submit'));
    expect(screen.getByTestId('customer-search-error')).toHaveTextContent('Select the customer from the search results');
    expect(desk.book_place).not.toHaveBeenCalled();
    expect(desk.join_waiting_list).not.toHaveBeenCalled();
  });

  it('refuses a future date of birth and 300-character text without searching', async () => {
    const user = await ready();
    const input = screen.getByTestId('customer-search');
    await user.type(input, '01/01/2999');
    expect(screen.getByTestId('customer-search-error')).toHaveTextContent('Date of birth must be today or in the past');
    await user.clear(input);
    await user.click(input);
    await user.paste('x'.repeat(300));
    expect(screen.getByTestId('customer-search-error')).toHaveTextContent('Search must be 200 characters or fewer');
    await user.click(screen.getByTestId('channel-telephone'));
    await user.click(screen.getByTestId('book-submit'));
    expect(screen.getByTestId('error-summary')).toHaveTextContent('Search must be 200 characters or fewer');
    expect(desk.find_customers).not.toHaveBeenCalledWith({ text: expect.stringMatching(/2999|x{300}/), limit: expect.anything() });
    expect(desk.book_place).not.toHaveBeenCalled();
  });

  it('books the chosen customer with the channel and shows Pending', async () => {
    desk.book_place.mockResolvedValue(f.booking('b-1', "Mòrag O'Neill", 'booked', true));
    const user = await ready();
    await user.type(screen.getByTestId('customer-search'), "Mòrag O'N");
    expect(desk.find_customers).toHaveBeenLastCalledWith({ text: "Mòrag O'N", limit: 20 });
    await user.click(screen.getAllByTestId('customer-result')[0]!);
    await user.click(screen.getByTestId('channel-telephone'));
    await user.click(screen.getByTestId('book-submit'));
    expect(desk.book_place).toHaveBeenCalledWith({ sessionId: 11, customerId: 101, channel: 'telephone' });
    expect(flash.message?.heading).toBe("Mòrag O'Neill is booked into Aqua Fit");
    expect(flash.message?.body).toMatch(/Pending until the server confirms/);
    expect(router.current).toEqual({ name: 'session', id: 11 });
  });

  it('puts a full session’s customer on the waiting list', async () => {
    desk.session.mockResolvedValue(f.detail(full, []));
    desk.join_waiting_list.mockResolvedValue(f.booking('b-2', 'Morven Ross', 'waiting', true));
    const user = await ready(10);
    expect(screen.getByTestId('book-full-note')).toHaveTextContent('All 20 places are taken');
    await user.type(screen.getByTestId('customer-search'), 'morv');
    await user.click(screen.getAllByTestId('customer-result')[1]!);
    await user.click(screen.getByTestId('channel-face-to-face'));
    await user.click(screen.getByTestId('book-submit'));
    expect(desk.join_waiting_list).toHaveBeenCalledWith({ sessionId: 10, customerId: 102, channel: 'face-to-face' });
    expect(desk.book_place).not.toHaveBeenCalled();
  });

  it('shows the desk’s refusal in the summary and beside the customer', async () => {
    desk.book_place.mockRejectedValue(
      new ipc.IpcError({ code: 'already_booked', message: 'This customer already has a place in Aqua Fit at 10:00.' }),
    );
    const user = await ready();
    await user.type(screen.getByTestId('customer-search'), 'mo');
    await user.click(screen.getAllByTestId('customer-result')[0]!);
    await user.click(screen.getByTestId('channel-email'));
    await user.click(screen.getByTestId('book-submit'));
    expect(await screen.findByTestId('error-summary')).toHaveTextContent('already has a place');
    expect(router.current).not.toEqual({ name: 'session', id: 11 });
  });

  it('says when a session beyond the booking window opens, with no form to fill in first', async () => {
    desk.session.mockResolvedValue({
      ...f.detail(open, []),
      session: { ...open, opens: { members: '2026-12-01T13:00:00', everyone: '2026-12-01T18:00:00' } },
    });
    render(BookCustomer, { id: 11 });
    expect(await screen.findByTestId('book-not-open')).toHaveTextContent(
      'open to members at 13:00 Tue 1 Dec and to everyone else at 18:00 Tue 1 Dec',
    );
    expect(screen.queryByTestId('booking-form')).toBeNull();
  });

  it('says a session is for members only until the window opens to everyone', async () => {
    desk.session.mockResolvedValue({
      ...f.detail(open, []),
      session: { ...open, opens: { members: '2026-12-01T07:00:00', everyone: '2026-12-01T18:00:00' } },
    });
    await ready();
    expect(screen.getByTestId('book-members-only')).toHaveTextContent('Only members can book this session until 18:00 Tue 1 Dec');
  });
});

