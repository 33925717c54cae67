import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';

import { desk, resetDesk } from './desk';

vi.mock('../src/lib/ipc', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/lib/ipc')>();
  return { ...(await import('./desk')).withDesk(real) };
});

const ipc = await import('../src/lib/ipc');
const { attention } = await import('../src/services/core/stores/attention.svelte');
const { flash } = await import('../src/lib/stores/flash.svelte');
const { default: NeedsAttention } = await import('../src/services/core/screens/NeedsAttention.svelte');
const f = await import('./fixtures');

beforeEach(() => {
  desk.needs_attention.mockReset().mockResolvedValueOnce([f.attentionItem]).mockResolvedValue([]);
  desk.take_alternative.mockReset();
  desk.dismiss_attention.mockReset();
  attention.items = [];
  attention.loaded = false;
  flash.clear();
});

async function shown(): Promise<HTMLElement> {
  render(NeedsAttention);
  return screen.findByTestId('attention-item');
}

describe('needs attention', () => {
  it('shows the reason in plain words, what was entered and the alternatives', async () => {
    const item = await shown();
    expect(within(item).getByTestId('attention-reason')).toHaveTextContent('The session was full');
    expect(within(item).getByTestId('attention-message')).toHaveTextContent('all 20 places were taken');
    expect(within(item).getByTestId('attention-entered')).toHaveTextContent("Book Mòrag O'Neill into Aqua Fit 09:00 Wed 2 Dec");
    expect(within(item).getByText('Telephone')).toBeInTheDocument();
    const buttons = within(item).getAllByTestId('attention-alternative');
    expect(buttons.map((b) => b.textContent?.trim())).toEqual([
      'Join the waiting list',
      'Book Aqua Fit at 09:00 Thu 3 Dec (3 places)',
    ]);
  });

  it.each([0, 1])('alternative %i calls take_alternative with its index', async (index) => {
    desk.take_alternative.mockResolvedValue(f.booking('b-9', "Mòrag O'Neill", index === 0 ? 'waiting' : 'booked', true));
    const item = await shown();
    const user = userEvent.setup();
    await user.click(within(item).getAllByTestId('attention-alternative')[index]!);
    expect(desk.take_alternative).toHaveBeenCalledWith({ itemId: f.attentionItem.id, alternative: index });
    expect(desk.dismiss_attention).not.toHaveBeenCalled();
    await vi.waitFor(() => expect(screen.queryByTestId('attention-item')).toBeNull());
    expect(flash.message?.heading).toBe(index === 0 ? "Mòrag O'Neill is on the waiting list" : "Mòrag O'Neill is booked");
  });

  it('needs a note to dismiss, beside the field and in the summary', async () => {
    const item = await shown();
    const user = userEvent.setup();
    await user.click(within(item).getByTestId('attention-dismiss'));
    expect(within(item).getByTestId('attention-note-error')).toHaveTextContent('Enter a note');
    expect(screen.getByTestId('error-summary')).toHaveTextContent('Enter a note');
    expect(desk.dismiss_attention).not.toHaveBeenCalled();
    await user.click(within(item).getByTestId('attention-note'));
    await user.paste('x'.repeat(501));
    await user.click(within(item).getByTestId('attention-dismiss'));
    expect(within(item).getByTestId('attention-note-error')).toHaveTextContent('500 characters or fewer');
    expect(desk.dismiss_attention).not.toHaveBeenCalled();
  });

  it('dismisses with the note', async () => {
    desk.dismiss_attention.mockResolvedValue(null);
    const item = await shown();
    const user = userEvent.setup();
    await user.type(within(item).getByTestId('attention-note'), "  Phoned Mòrag O'Neill, booked Friday instead ");
    await user.click(within(item).getByTestId('attention-dismiss'));
    expect(desk.dismiss_attention).toHaveBeenCalledWith({
      itemId: f.attentionItem.id,
      note: "Phoned Mòrag O'Neill, booked Friday instead",
    });
    expect(desk.take_alternative).not.toHaveBeenCalled();
    await vi.waitFor(() => expect(screen.getByTestId('attention-empty')).toBeInTheDocument());
  });

  it('says when nothing needs attention', async () => {
    desk.needs_attention.mockReset().mockResolvedValue([]);
    render(NeedsAttention);
    expect(await screen.findByTestId('attention-empty')).toHaveTextContent('Nothing needs attention');
  });
});
