// Speed of hand at the reception desk (issue 11 §6): Enter chooses the one customer found (a
// card scanner's number + Enter), the list says how many more matched, the channel starts on
// what the desk last used, a started session is refused before any form, and a half-done
// booking survives the idle lock.
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { desk, resetDesk } from './desk';

vi.mock('../src/lib/ipc', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/lib/ipc')>();
  return { ...(await import('./desk')).withDesk(real) };
});

const { router } = await import('../src/lib/router.svelte');
const { auth } = await import('../src/lib/stores/auth.svelte');
const { rememberChannel } = await import('../src/lib/stores/lastChannel');
const { noteUnlocked } = await import('../src/lib/drafts');
const { default: BookCustomer } = await import('../src/services/leisure/screens/BookCustomer.svelte');
const f = await import('./fixtures');

const open = f.day[2]!; // Aqua Fit 10:00 on 2 December 2026, 5 of 20
const [morag, morven] = [f.customers[0]!, f.customers[1]!];

beforeEach(() => {
  resetDesk();
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-12-01T12:00:00'));
  window.localStorage.clear();
  desk.session.mockResolvedValue(f.detail(open, []));
  desk.find_customers.mockResolvedValue({ customers: f.customers, more: 0 });
  desk.price_for.mockRejectedValue({ code: 'not_found', message: 'No price list.' });
  desk.draft.mockResolvedValue(null);
  desk.save_draft.mockResolvedValue(null);
  desk.clear_draft.mockResolvedValue(null);
  router.start();
});

afterEach(() => {
  vi.useRealTimers();
});

async function ready(id = 11): Promise<ReturnType<typeof userEvent.setup>> {
  render(BookCustomer, { id });
  await screen.findByTestId('booking-form');
  return userEvent.setup();
}

describe('choosing the customer from the keyboard', () => {
  it('chooses the one customer found on Enter (a card scanned), without an error, and moves on to the channel', async () => {
    desk.find_customers.mockResolvedValue({ customers: [morag], more: 0 });
    const user = await ready();
    await user.type(screen.getByTestId('customer-search'), 'M0001{Enter}');
    expect(await screen.findByTestId('book-chosen-name')).toHaveTextContent("Mòrag O'Neill");
    expect(screen.queryByTestId('error-summary')).toBeNull();
    expect(screen.queryByTestId('customer-search-error')).toBeNull();
    expect(desk.book_place).not.toHaveBeenCalled();
    // No channel remembered yet: the first channel is next.
    await vi.waitFor(() => expect(screen.getByTestId('channel-face-to-face')).toHaveFocus());
  });

  it('chooses the customer whose membership number is the text among several, digits alone too', async () => {
    const user = await ready();
    await user.type(screen.getByTestId('customer-search'), 'M0002{Enter}');
    expect(await screen.findByTestId('book-chosen-name')).toHaveTextContent('Morven Ross');
    await user.click(screen.getByTestId('book-change-customer'));
    await user.clear(screen.getByTestId('customer-search'));
    await user.type(screen.getByTestId('customer-search'), '0003{Enter}');
    expect(await screen.findByTestId('book-chosen-name')).toHaveTextContent('Moira Stewart');
  });

  it('opens the list on Enter when several match and none exactly, and submits nothing', async () => {
    const user = await ready();
    await user.type(screen.getByTestId('customer-search'), 'mo{Enter}');
    await vi.waitFor(() => expect(screen.getByRole('combobox')).toHaveAttribute('aria-expanded', 'true'));
    expect(screen.getByRole('combobox')).toHaveAttribute('aria-activedescendant', `customer-option-${morag.id}`);
    expect(screen.queryByTestId('error-summary')).toBeNull();
    await user.keyboard('{Enter}');
    expect(screen.getByTestId('book-chosen-name')).toHaveTextContent("Mòrag O'Neill");
  });

  it('waits for the answer when Enter comes before it, as from a scanner', async () => {
    let answer: (v: { customers: typeof f.customers; more: number }) => void = () => {};
    desk.find_customers.mockImplementation(() => new Promise((resolve) => (answer = resolve)));
    const user = await ready();
    await user.type(screen.getByTestId('customer-search'), 'M0002{Enter}');
    expect(screen.queryByTestId('book-chosen')).toBeNull();
    answer({ customers: [morven], more: 0 });
    expect(await screen.findByTestId('book-chosen-name')).toHaveTextContent('Morven Ross');
  });

  it('focuses the search box when the form shows', async () => {
    await ready();
    expect(screen.getByTestId('customer-search')).toHaveAttribute('data-autofocus');
  });
});

describe('what the list leaves out, and the channel', () => {
  it('says how many matched when the list stops short', async () => {
    desk.find_customers.mockResolvedValue({ customers: f.customers, more: 140 });
    const user = await ready();
    await user.type(screen.getByTestId('customer-search'), 'sutherland');
    expect(screen.getByTestId('customer-results-count')).toHaveTextContent(
      '143 customers match; the first 3 are listed. Add a first name, date of birth or postcode to find the others.',
    );
  });

  it('starts on the channel the desk last used, and Enter on the chosen customer books with it', async () => {
    rememberChannel('telephone');
    desk.find_customers.mockResolvedValue({ customers: [morag], more: 0 });
    desk.book_place.mockResolvedValue(f.booking('b-1', "Mòrag O'Neill", 'booked', true));
    const user = await ready();
    expect(screen.getByTestId('channel-telephone')).toBeChecked();
    await user.type(screen.getByTestId('customer-search'), 'M0001{Enter}');
    await vi.waitFor(() => expect(screen.getByTestId('book-submit')).toHaveFocus());
    await user.keyboard('{Enter}');
    expect(desk.book_place).toHaveBeenCalledWith({ sessionId: 11, customerId: morag.id, channel: 'telephone' });
    expect(window.localStorage.getItem('council-desk.last-channel')).toBe('telephone');
  });

  it('remembers the channel a booking used for the next form', async () => {
    desk.book_place.mockResolvedValue(f.booking('b-1', "Mòrag O'Neill", 'booked', true));
    const user = await ready();
    await user.type(screen.getByTestId('customer-search'), 'mo');
    await user.click(screen.getAllByTestId('customer-result')[0]!);
    await user.click(screen.getByTestId('channel-email'));
    await user.click(screen.getByTestId('book-submit'));
    expect(desk.book_place).toHaveBeenCalled();
    document.body.innerHTML = '';
    await ready();
    expect(screen.getByTestId('channel-email')).toBeChecked();
  });

  it('refuses a session that has started before any form is filled in', async () => {
    vi.setSystemTime(new Date('2026-12-02T10:05:00'));
    render(BookCustomer, { id: 11 });
    expect(await screen.findByTestId('book-started')).toHaveTextContent('nobody can be booked into it now');
    expect(screen.queryByTestId('booking-form')).toBeNull();
  });
});

describe('a half-done booking across the idle lock', () => {
  it('keeps what is entered in the desk, never a card number', async () => {
    const user = await ready();
    await user.type(screen.getByTestId('customer-search'), 'mo');
    await user.click(screen.getAllByTestId('customer-result')[1]!);
    await user.click(screen.getByTestId('channel-email'));
    await vi.waitFor(() =>
      expect(desk.save_draft).toHaveBeenLastCalledWith({
        form: 'book:11',
        data: JSON.stringify({ searchText: 'mo', customerId: morven.id, channel: 'email', pay: { method: 'later', tendered: '', terminal: '', reference: '', voucherCode: '', reason: '', supervisor: '', account: '' } }),
      }),
    );
    await user.click(screen.getByTestId('book-change-customer'));
    await user.clear(screen.getByTestId('customer-search'));
    await user.type(screen.getByTestId('customer-search'), '4111 1111 1111 1111');
    await vi.waitFor(() => expect(JSON.parse(desk.save_draft.mock.lastCall![0].data).searchText).toBe(''), { timeout: 3000 });
  });

  it('gives it back after the unlock, and forgets it once booked', async () => {
    desk.draft.mockResolvedValue(JSON.stringify({ searchText: 'mo', customerId: morven.id, channel: 'email', pay: {} }));
    noteUnlocked();
    desk.book_place.mockResolvedValue(f.booking('b-1', 'Morven Ross', 'booked', true));
    render(BookCustomer, { id: 11 });
    expect(await screen.findByTestId('draft-restored')).toBeInTheDocument();
    expect(desk.draft).toHaveBeenCalledWith({ form: 'book:11' });
    expect(await screen.findByTestId('book-chosen-name')).toHaveTextContent('Morven Ross');
    expect(screen.getByTestId('channel-email')).toBeChecked();
    await userEvent.setup().click(screen.getByTestId('book-submit'));
    expect(desk.book_place).toHaveBeenCalledWith({ sessionId: 11, customerId: morven.id, channel: 'email' });
    expect(desk.clear_draft).toHaveBeenCalledWith({ form: 'book:11' });
  });

  it('drops a draft found long after any unlock (a lock nobody came back to)', async () => {
    desk.draft.mockResolvedValue(JSON.stringify({ searchText: 'mo', customerId: morven.id, channel: 'email', pay: {} }));
    noteUnlocked(Date.now() - 60_000);
    render(BookCustomer, { id: 11 });
    await screen.findByTestId('booking-form');
    await vi.waitFor(() => expect(desk.clear_draft).toHaveBeenCalledWith({ form: 'book:11' }));
    expect(screen.queryByTestId('draft-restored')).toBeNull();
    expect(screen.getByTestId('customer-search')).toHaveValue('');
  });

  it('keeps it when the form goes because the desk locked, and forgets it when left on purpose', async () => {
    const { unmount } = render(BookCustomer, { id: 11 });
    await screen.findByTestId('booking-form');
    auth.locked = 'ailsa';
    unmount();
    expect(desk.clear_draft).not.toHaveBeenCalled();
    auth.locked = null;
    const again = render(BookCustomer, { id: 11 });
    await screen.findByTestId('booking-form');
    again.unmount();
    expect(desk.clear_draft).toHaveBeenCalledWith({ form: 'book:11' });
  });
});
