import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';

import { desk, resetDesk } from './desk';

vi.mock('../src/lib/ipc', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/lib/ipc')>();
  return { ...(await import('./desk')).withDesk(real) };
});

const ipc = await import('../src/lib/ipc');
const { sync } = await import('../src/lib/stores/sync.svelte');
const { default: SessionDetail } = await import('../src/services/leisure/screens/SessionDetail.svelte');
const f = await import('./fixtures');

const bookings = [
  f.booking('b-1', "Mòrag O'Neill", 'booked', true),
  f.booking('b-2', 'Morven Ross', 'booked'),
  f.booking('b-3', 'Moira Stewart', 'waiting'),
];

beforeEach(() => {
  desk.session.mockReset().mockResolvedValue(f.detail(f.day[2]!, bookings));
  desk.cancel_place.mockReset().mockResolvedValue(null);
  sync.status = null;
});

async function shown(): Promise<HTMLElement[]> {
  render(SessionDetail, { id: 11 });
  await screen.findByTestId('session-detail');
  return screen.getAllByTestId('booking-row');
}

describe('session detail', () => {
  it('lists bookings with Pending for unconfirmed ones and waiting positions', async () => {
    const rows = await shown();
    expect(rows.map((r) => within(r).getByTestId('booking-name').textContent)).toEqual([
      "Mòrag O'Neill",
      'Morven Ross',
      'Moira Stewart',
    ]);
    expect(within(rows[0]!).getByTestId('badge-pending')).toBeInTheDocument();
    expect(within(rows[1]!).queryByTestId('badge-pending')).toBeNull();
    expect(within(rows[2]!).getByTestId('booking-status')).toHaveTextContent('Waiting list (1)');
    expect(screen.getByTestId('session-places')).toHaveTextContent('5 of 20 booked');
    expect(screen.getByTestId('session-book')).toHaveAttribute('href', '#/sessions/11/book');
  });

  it("links each booking to the customer's notes", async () => {
    const rows = await shown();
    for (const row of rows) {
      const link = within(row).getByTestId('booking-notes');
      expect(link).toHaveAttribute('href', `#/customers/${row.dataset.customerId}/notes`);
      expect(link).toHaveAccessibleName(`Notes on ${within(row).getByTestId('booking-name').textContent}'s record`);
    }
  });

  it('cancels only after the confirm step, with the channel', async () => {
    const rows = await shown();
    const user = userEvent.setup();
    await user.click(within(rows[1]!).getByTestId('booking-cancel'));
    const panel = screen.getByTestId('cancel-confirm-panel');
    expect(panel).toHaveTextContent("Cancel Morven Ross's place?");
    expect(desk.cancel_place).not.toHaveBeenCalled();
    await user.click(within(panel).getByTestId('cancel-confirm'));
    expect(screen.getByTestId('cancel-channel-error')).toHaveTextContent('Select how the customer asked to cancel');
    expect(desk.cancel_place).not.toHaveBeenCalled();
    await user.click(within(panel).getByTestId('cancel-channel-telephone'));
    await user.click(within(panel).getByTestId('cancel-confirm'));
    expect(desk.cancel_place).toHaveBeenCalledWith({ bookingId: 'b-2', channel: 'telephone' });
    await vi.waitFor(() => expect(screen.queryByTestId('cancel-confirm-panel')).toBeNull());
    expect(screen.getByRole('heading', { name: 'Bookings' })).toHaveFocus();
  });

  it('keeps the booking when the member of staff says no', async () => {
    const rows = await shown();
    const user = userEvent.setup();
    await user.click(within(rows[0]!).getByTestId('booking-cancel'));
    await user.click(screen.getByTestId('cancel-keep'));
    expect(screen.queryByTestId('cancel-confirm-panel')).toBeNull();
    expect(desk.cancel_place).not.toHaveBeenCalled();
    expect(within(rows[0]!).getByTestId('booking-cancel')).toHaveFocus();
  });

  it('shows the booking confirmed after a sync', async () => {
    await shown();
    desk.session.mockResolvedValue(
      f.detail({ ...f.day[2]!, pending: false }, [f.booking('b-1', "Mòrag O'Neill", 'booked', false)]),
    );
    sync.status = f.status({ last_synced_at: new Date().toISOString() });
    await vi.waitFor(() => expect(screen.getAllByTestId('booking-row')).toHaveLength(1));
    expect(screen.queryByTestId('badge-pending')).toBeNull();
  });
});
