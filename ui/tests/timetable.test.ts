import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { desk, resetDesk } from './desk';

vi.mock('../src/lib/ipc', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/lib/ipc')>();
  return { ...(await import('./desk')).withDesk(real) };
});

const ipc = await import('../src/lib/ipc');
const { timetable } = await import('../src/services/leisure/stores/timetable.svelte');
const { shortcuts } = await import('../src/lib/shortcuts.svelte');
const { router } = await import('../src/lib/router.svelte');
const { default: Timetable } = await import('../src/services/leisure/screens/Timetable.svelte');
const f = await import('./fixtures');

beforeEach(() => {
  desk.centres.mockReset().mockResolvedValue(f.centres);
  desk.timetable.mockReset().mockResolvedValue(f.day);
  timetable.centres = [];
  timetable.sessions = [];
  timetable.centreId = null;
  timetable.day = '';
  timetable.activity = '';
  window.location.hash = '';
});

const rows = (): HTMLElement[] => screen.queryAllByTestId('timetable-row');

describe('timetable screen', () => {
  it('shows the day at the staff member’s centre in time order with counts and badges', async () => {
    render(Timetable, { staff: f.leisureStaff, centreId: 1, day: '2026-12-02' });
    await vi.waitFor(() => expect(rows()).toHaveLength(4));
    expect(desk.timetable).toHaveBeenCalledWith({ centreId: 1, day: '2026-12-02' });
    expect(rows().map((r) => r.dataset.sessionId)).toEqual(['10', '11', '13', '12']);
    const full = rows()[0]!;
    expect(within(full).getByTestId('timetable-time')).toHaveTextContent('09:00 to 09:45');
    expect(within(full).getByTestId('timetable-booked')).toHaveTextContent('20 of 20');
    expect(within(full).getByTestId('timetable-waiting')).toHaveTextContent('2');
    expect(within(full).getByTestId('badge-full')).toHaveTextContent('Full');
    expect(within(rows()[1]!).queryByTestId('badge-full')).toBeNull();
    expect(within(rows()[1]!).getByTestId('badge-pending')).toHaveTextContent('Pending');
    expect(within(full).getByTestId('timetable-session-link')).toHaveAttribute('href', '#/sessions/10');
    expect(screen.getByTestId('timetable-day')).toHaveTextContent('Wednesday 2 December 2026');
  });

  it('defaults to the staff member’s own centre and today', async () => {
    render(Timetable, { staff: { ...f.leisureStaff, sites: ['leisure:2'] } });
    await vi.waitFor(() => expect(desk.timetable).toHaveBeenCalled());
    const [{ centreId: centre, day }] = desk.timetable.mock.calls[0]!;
    expect(centre).toBe(2);
    expect(day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('filters by activity', async () => {
    render(Timetable, { staff: f.leisureStaff, centreId: 1, day: '2026-12-02' });
    await vi.waitFor(() => expect(rows()).toHaveLength(4));
    const user = userEvent.setup();
    await user.selectOptions(screen.getByLabelText('Activity'), 'Aqua Fit');
    expect(rows().map((r) => r.dataset.sessionId)).toEqual(['10', '11']);
    await user.selectOptions(screen.getByLabelText('Activity'), 'All activities');
    expect(rows()).toHaveLength(4);
  });

  it('moves to the next and previous day through the address', async () => {
    router.start();
    render(Timetable, { staff: f.leisureStaff, centreId: 1, day: '2026-12-02' });
    await vi.waitFor(() => expect(rows()).toHaveLength(4));
    const user = userEvent.setup();
    await user.click(screen.getByTestId('timetable-next'));
    expect(router.current).toEqual({ name: 'timetable', centreId: 1, day: '2026-12-03' });
    await user.click(screen.getByTestId('timetable-prev'));
    expect(router.current).toEqual({ name: 'timetable', centreId: 1, day: '2026-12-01' });
  });

  it('checks a typed date beside the field and in the summary', async () => {
    router.start();
    render(Timetable, { staff: f.leisureStaff, centreId: 1, day: '2026-12-02' });
    await vi.waitFor(() => expect(rows()).toHaveLength(4));
    const user = userEvent.setup();
    const dateField = screen.getByTestId('timetable-date');
    expect(dateField).toHaveValue('2/12/2026');
    await user.clear(dateField);
    await user.type(dateField, '31/2/2026');
    await user.click(screen.getByTestId('timetable-show'));
    expect(screen.getByTestId('timetable-date-error')).toHaveTextContent('Date must be a real date');
    expect(screen.getByTestId('error-summary')).toHaveTextContent('Date must be a real date');
    expect(router.current).not.toMatchObject({ day: '2026-02-31' });
  });

  it('says when the day has no sessions', async () => {
    desk.timetable.mockResolvedValue([]);
    render(Timetable, { staff: f.leisureStaff, centreId: 1, day: '2026-12-25' });
    expect(await screen.findByTestId('timetable-empty')).toHaveTextContent(
      'No sessions at Riverside Leisure Centre on Friday 25 December 2026',
    );
  });
});

describe('timetable at the desk’s clock, and from the keyboard', () => {
  const keys = (event: KeyboardEvent): void => void shortcuts.handle(event);

  beforeEach(() => {
    // 10:30 on the fixtures' day: 09:00 and 10:00 have started, 11:00 and 18:00 have not.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-02T10:30:00'));
    window.addEventListener('keydown', keys);
  });

  afterEach(() => {
    window.removeEventListener('keydown', keys);
    vi.useRealTimers();
  });

  it('opens today at now: the sessions already started are folded away, marked and not bookable', async () => {
    router.start();
    render(Timetable, { staff: f.leisureStaff, centreId: 1, day: '2026-12-02' });
    await vi.waitFor(() => expect(rows()).toHaveLength(4));
    const shown = (): string[] => rows().filter((r) => !r.hidden).map((r) => r.dataset.sessionId!);
    expect(shown()).toEqual(['13', '12']);
    const user = userEvent.setup();
    await user.click(screen.getByTestId('timetable-show-earlier'));
    expect(shown()).toEqual(['10', '11', '13', '12']);
    const started = rows().filter((r) => r.dataset.past === 'true');
    expect(started.map((r) => r.dataset.sessionId)).toEqual(['10', '11']);
    for (const r of started) {
      expect(within(r).getByTestId('badge-started')).toHaveTextContent('Started');
      expect(within(r).queryByTestId('timetable-book')).toBeNull();
    }
    expect(within(rows()[2]!).getByTestId('timetable-book')).toHaveAttribute('href', '#/sessions/13/book');
  });

  it('↓ goes to the next session to start, ↓ again to the one after, and b books the one in focus', async () => {
    router.start();
    render(Timetable, { staff: f.leisureStaff, centreId: 1, day: '2026-12-02' });
    await vi.waitFor(() => expect(rows()).toHaveLength(4));
    const user = userEvent.setup();
    await user.keyboard('{ArrowDown}');
    expect(document.activeElement?.closest('tr')?.dataset.sessionId).toBe('13');
    await user.keyboard('j');
    expect(document.activeElement?.closest('tr')?.dataset.sessionId).toBe('12');
    await user.keyboard('b');
    expect(router.current).toEqual({ name: 'book', id: 12 });
  });

  it('[ and ] change the day, d goes to today, and keys typed in a field stay typing', async () => {
    router.start();
    render(Timetable, { staff: f.leisureStaff, centreId: 1, day: '2026-12-02' });
    await vi.waitFor(() => expect(rows()).toHaveLength(4));
    const user = userEvent.setup();
    await user.keyboard(']');
    expect(router.current).toEqual({ name: 'timetable', centreId: 1, day: '2026-12-03' });
    await user.keyboard('d');
    expect(router.current).toEqual({ name: 'timetable', centreId: 1, day: '2026-12-02' });
    await user.click(screen.getByTestId('timetable-date'));
    await user.keyboard('[[b');
    expect(router.current).toEqual({ name: 'timetable', centreId: 1, day: '2026-12-02' });
  });

  it('marks sessions beyond the booking window: not bookable before members may book, members only after', async () => {
    // At 10:30 on 2 Dec: 13 (Yoga) opens to members at 07:00 on 3 Dec; 12 (Spin) opened to
    // members at 07:00 on 1 Dec and opens to everyone at 07:00 on 8 Dec.
    desk.timetable.mockResolvedValue([
      f.sessionView(13, 'Yoga', '12:00', 3, 12),
      f.sessionView(12, 'Spin', '18:00', 10, 16),
    ].map((v) => ({
      ...v,
      opens:
        v.session.id === 13
          ? { members: '2026-12-03T07:00:00', everyone: '2026-12-10T07:00:00' }
          : { members: '2026-12-01T07:00:00', everyone: '2026-12-08T07:00:00' },
    })));
    render(Timetable, { staff: f.leisureStaff, centreId: 1, day: '2026-12-02' });
    await vi.waitFor(() => expect(rows()).toHaveLength(2));
    const [yoga, spin] = rows() as [HTMLElement, HTMLElement];
    expect(within(yoga).getByTestId('badge-not-open')).toHaveTextContent('Opens 07:00 Thu 3 Dec');
    expect(within(yoga).queryByTestId('timetable-book')).toBeNull();
    expect(within(spin).getByTestId('badge-members-only')).toHaveTextContent('Members only until 07:00 Tue 8 Dec');
    expect(within(spin).getByTestId('timetable-book')).toHaveAttribute('href', '#/sessions/12/book');
  });
});
