import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';

import { desk } from './desk';

vi.mock('../src/lib/ipc', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/lib/ipc')>();
  return { ...(await import('./desk')).withDesk(real) };
});

const { default: CustomerNotes } = await import('../src/services/leisure/screens/CustomerNotes.svelte');
const f = await import('./fixtures');

const older = f.note('n-1', 'Prefers the 07:00 swim.', '2026-11-20T09:15:00Z');
const newer = f.note('n-2', 'Asked about\nthe family pass.', '2026-11-28T16:40:00Z');

beforeEach(() => {
  // Given oldest first: the screen still shows the newest first.
  desk.customer_notes.mockReset().mockResolvedValue([older, newer]);
  desk.add_note.mockReset();
});

async function shown(): Promise<void> {
  render(CustomerNotes, { id: 101 });
  await screen.findByTestId('notes-list');
}

const texts = (): string[] => screen.getAllByTestId('note-item-text').map((p) => p.textContent ?? '');

describe('customer notes', () => {
  it("lists the customer's notes newest first, with when each was added", async () => {
    await shown();
    expect(desk.customer_notes).toHaveBeenCalledWith({ customerId: 101 });
    expect(screen.getByRole('heading', { level: 1, name: 'Customer notes' })).toHaveAttribute('tabindex', '-1');
    expect(screen.getByTestId('customer-notes')).toHaveAttribute('data-customer-id', '101');
    expect(screen.getAllByTestId('note-item').map((li) => li.dataset.noteId)).toEqual(['n-2', 'n-1']);
    expect(texts()).toEqual(['Asked about\nthe family pass.', 'Prefers the 07:00 swim.']);
    const when = within(screen.getAllByTestId('note-item')[1]!).getByTestId('note-item-when');
    expect(when).toHaveAttribute('datetime', '2026-11-20T09:15:00Z');
    expect(when.textContent).toMatch(/^20 Nov \d{2}:\d{2}$/);
  });

  it('says so when there are no notes, and when they cannot be read', async () => {
    desk.customer_notes.mockResolvedValueOnce([]);
    const { unmount } = render(CustomerNotes, { id: 101 });
    expect(await screen.findByTestId('notes-empty')).toHaveTextContent("There are no notes on this customer's record.");
    unmount();
    desk.customer_notes.mockRejectedValueOnce({ code: 'not_found', message: 'There is no customer 101.' });
    render(CustomerNotes, { id: 101 });
    expect(await screen.findByTestId('notes-error')).toHaveTextContent('This record is not on this desk');
  });

  it('adds a note with the channel, then shows it at the top with focus on the list', async () => {
    await shown();
    const user = userEvent.setup();
    const added = f.note('n-3', 'Wants a call back about lessons.', '2026-11-30T10:00:00Z');
    desk.add_note.mockResolvedValue(added);
    await user.type(screen.getByTestId('note-text'), '  Wants a call back about lessons. ');
    await user.click(screen.getByTestId('note-channel-telephone'));
    desk.customer_notes.mockResolvedValue([added, newer, older]);
    await user.click(screen.getByTestId('note-submit'));
    expect(desk.add_note).toHaveBeenCalledWith({ customerId: 101, text: 'Wants a call back about lessons.', channel: 'telephone' });
    await vi.waitFor(() => expect(texts()[0]).toBe('Wants a call back about lessons.'));
    expect(screen.getByRole('heading', { level: 2, name: 'Notes' })).toHaveFocus();
    expect(screen.getByTestId('note-text')).toHaveValue('');
    expect(screen.getByTestId('note-added')).toHaveTextContent('pending until the server confirms it');
    expect(screen.queryByTestId('error-summary')).toBeNull();
  });

  it('adds the note with Ctrl+Enter from the text box', async () => {
    await shown();
    const user = userEvent.setup();
    desk.add_note.mockResolvedValue(f.note('n-4', 'Paid by card.', '2026-11-30T11:00:00Z'));
    await user.click(screen.getByTestId('note-channel-face-to-face'));
    await user.type(screen.getByTestId('note-text'), 'Paid by card.');
    await user.keyboard('{Control>}{Enter}{/Control}');
    expect(desk.add_note).toHaveBeenCalledWith({ customerId: 101, text: 'Paid by card.', channel: 'face-to-face' });
    // A plain Enter is a new line, not a submit.
    desk.add_note.mockClear();
    await user.type(screen.getByTestId('note-text'), 'one{Enter}two');
    expect(desk.add_note).not.toHaveBeenCalled();
    expect(screen.getByTestId('note-text')).toHaveValue('one\ntwo');
  });

  it.each([
    ['', 'Enter the note'],
    ['   ', 'Enter the note'],
    ['x'.repeat(501), 'Note must be 500 characters or fewer'],
    ['bell\u0007', 'Note must only include letters, numbers, spaces, line breaks and punctuation'],
  ])('refuses %j beside the field and in the summary, sending nothing', async (text, message) => {
    await shown();
    const user = userEvent.setup();
    await user.click(screen.getByTestId('note-channel-email'));
    if (text) {
      await user.click(screen.getByTestId('note-text'));
      await user.paste(text);
    }
    await user.click(screen.getByTestId('note-submit'));
    expect(desk.add_note).not.toHaveBeenCalled();
    expect(screen.getByTestId('note-text-error')).toHaveTextContent(`Error: ${message}`);
    expect(screen.getByTestId('note-text')).toHaveAttribute('aria-describedby', expect.stringContaining('note-text-error'));
    const summary = screen.getByTestId('error-summary');
    expect(within(summary).getByRole('link', { name: message })).toHaveAttribute('href', '#note-text');
    await vi.waitFor(() => expect(summary).toHaveFocus());
  });

  it('needs the channel too', async () => {
    await shown();
    const user = userEvent.setup();
    await user.type(screen.getByTestId('note-text'), 'Fine note');
    await user.click(screen.getByTestId('note-submit'));
    expect(desk.add_note).not.toHaveBeenCalled();
    expect(screen.getByTestId('note-channel-error')).toHaveTextContent('Select how the customer got in touch');
    expect(screen.queryByTestId('note-text-error')).toBeNull();
  });

  it.each([
    [{ code: 'invalid_input', message: 'The note must not contain control characters.' }, 'The note must not contain control characters.'],
    [{ code: 'invalid_note', message: 'A note must be 1 to 500 characters long (this one has 0).' }, 'A note must be 1 to 500 characters long'],
    [{ code: 'offline', message: 'connection refused' }, 'The server cannot be reached'],
  ])("shows the desk's refusal %j beside the field", async (error, shownText) => {
    await shown();
    const user = userEvent.setup();
    desk.add_note.mockRejectedValue(error);
    await user.type(screen.getByTestId('note-text'), 'A note');
    await user.click(screen.getByTestId('note-channel-telephone'));
    await user.click(screen.getByTestId('note-submit'));
    await vi.waitFor(() => expect(screen.getByTestId('note-text-error')).toHaveTextContent(shownText));
    expect(within(screen.getByTestId('error-summary')).getByRole('link')).toHaveTextContent(shownText);
    expect(screen.getByTestId('note-text')).toHaveValue('A note');
  });
});
