import { beforeEach, describe, expect, it, vi } from 'vitest';

import type { SyncStatus } from '../src/lib/bindings/SyncStatus';

import { desk, resetDesk } from './desk';

vi.mock('../src/lib/ipc', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/lib/ipc')>();
  return { ...(await import('./desk')).withDesk(real), onSyncStatus: vi.fn() };
});

const ipc = await import('../src/lib/ipc');
const { TimetableState, ALL_ACTIVITIES } = await import('../src/services/leisure/stores/timetable.svelte');
const { CustomerSearch } = await import('../src/services/leisure/stores/customerSearch.svelte');
const { SyncState } = await import('../src/lib/stores/sync.svelte');
const { AttentionState } = await import('../src/services/core/stores/attention.svelte');
const f = await import('./fixtures');

beforeEach(() => {
  desk.timetable.mockReset();
  desk.find_customers.mockReset();
  desk.sync_status.mockReset();
  vi.mocked(ipc.onSyncStatus).mockReset();
  desk.needs_attention.mockReset();
  desk.take_alternative.mockReset();
  desk.dismiss_attention.mockReset();
});

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('timetable store', () => {
  it('sorts by start time and filters by activity', async () => {
    desk.timetable.mockResolvedValue(f.day);
    const t = new TimetableState();
    await t.show(1, '2026-12-02');
    expect(desk.timetable).toHaveBeenCalledWith({ centreId: 1, day: '2026-12-02' });
    expect(t.visible.map((s) => s.session.id)).toEqual([10, 11, 13, 12]);
    expect(t.activities).toEqual(['Aqua Fit', 'Spin', 'Yoga']);
    t.activity = 'Aqua Fit';
    expect(t.visible.map((s) => s.session.id)).toEqual([10, 11]);
    t.activity = ALL_ACTIVITIES;
    expect(t.visible).toHaveLength(4);
  });

  it('drops the filter when the new day has no such activity', async () => {
    desk.timetable.mockResolvedValueOnce(f.day).mockResolvedValueOnce([f.sessionView(20, 'Judo', '17:00', 1, 10)]);
    const t = new TimetableState();
    await t.show(1, '2026-12-02');
    t.activity = 'Yoga';
    await t.show(1, '2026-12-03');
    expect(t.activity).toBe(ALL_ACTIVITIES);
    expect(t.visible.map((s) => s.session.activity_name)).toEqual(['Judo']);
  });

  it('keeps the newest day when an older answer arrives late', async () => {
    const slow = deferred<typeof f.day>();
    desk.timetable.mockReturnValueOnce(slow.promise).mockResolvedValueOnce([f.sessionView(30, 'Spin', '07:00', 0, 10)]);
    const t = new TimetableState();
    const first = t.show(1, '2026-12-02');
    await t.show(1, '2026-12-03');
    slow.resolve(f.day);
    await first;
    expect(t.day).toBe('2026-12-03');
    expect(t.sessions.map((s) => s.session.id)).toEqual([30]);
  });

  it('keeps the error code when the desk refuses', async () => {
    desk.timetable.mockRejectedValue(new ipc.IpcError({ code: 'not_signed_in', message: 'Sign in.' }));
    const t = new TimetableState();
    await t.show(1, '2026-12-02');
    expect(t.error).toEqual({ code: 'not_signed_in', message: 'Sign in.' });
    expect(t.loading).toBe(false);
  });
});

describe('customer search store', () => {
  it('sends nothing for bad text and says why', async () => {
    const s = new CustomerSearch();
    await s.search('x'.repeat(300));
    expect(s.inputError).toBe('Search must be 200 characters or fewer');
    await s.search('01/01/2999');
    expect(s.inputError).toBe('Date of birth must be today or in the past');
    await s.search('m');
    expect(s.inputError).toBeNull();
    expect(desk.find_customers).not.toHaveBeenCalled();
  });

  it('sends names with accents and apostrophes as typed, trimmed', async () => {
    desk.find_customers.mockResolvedValue({ customers: [f.customers[0]!], more: 0 });
    const s = new CustomerSearch();
    await s.search("  Mòrag O'Neill ");
    expect(desk.find_customers).toHaveBeenCalledWith({ text: "Mòrag O'Neill", limit: 20 });
    expect(s.results).toHaveLength(1);
  });

  it('shows only the answer to the newest text', async () => {
    const slow = deferred<{ customers: typeof f.customers; more: number }>();
    desk.find_customers
      .mockReturnValueOnce(slow.promise)
      .mockResolvedValueOnce({ customers: [f.customers[1]!], more: 0 });
    const s = new CustomerSearch();
    const first = s.search('mo');
    await s.search('morv');
    slow.resolve({ customers: f.customers, more: 0 });
    await first;
    expect(s.results.map((c) => c.id)).toEqual([102]);
    expect(s.answered).toBe('morv');
  });
});

describe('customer search store: what the list leaves out', () => {
  it('keeps the count of matches past the list, and forgets it with the text', async () => {
    desk.find_customers.mockResolvedValue({ customers: f.customers, more: 140 });
    const s = new CustomerSearch();
    await s.search('sutherland');
    expect(s.results).toHaveLength(3);
    expect(s.more).toBe(140);
    await s.search('s');
    expect(s.more).toBe(0);
    expect(s.results).toEqual([]);
  });

  it('settles on the answer to the newest text (a scanner presses Enter before it arrives)', async () => {
    const slow = deferred<{ customers: typeof f.customers; more: number }>();
    desk.find_customers.mockReturnValueOnce(slow.promise);
    const s = new CustomerSearch();
    void s.search('MLC0000101');
    let settled = false;
    const waiting = s.settled().then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    slow.resolve({ customers: [f.customers[0]!], more: 0 });
    await waiting;
    expect(s.results.map((c) => c.id)).toEqual([f.customers[0]!.id]);
  });
});

describe('sync store', () => {
  it('takes the first status, then every event', async () => {
    let emit: (s: SyncStatus) => void = () => {};
    vi.mocked(ipc.onSyncStatus).mockImplementation(async (cb) => {
      emit = cb;
      return () => {};
    });
    desk.sync_status.mockResolvedValue(f.status({ pending: 1 }));
    const s = new SyncState();
    await s.start();
    expect(s.status?.pending).toBe(1);
    emit(f.status({ pending: 0, online: false }));
    expect(s.status?.online).toBe(false);
  });

  it('does not let the first answer overwrite a newer event', async () => {
    let emit: (s: SyncStatus) => void = () => {};
    const answer = deferred<SyncStatus>();
    vi.mocked(ipc.onSyncStatus).mockImplementation(async (cb) => {
      emit = cb;
      return () => {};
    });
    desk.sync_status.mockReturnValue(answer.promise);
    const s = new SyncState();
    const started = s.start();
    await Promise.resolve();
    await Promise.resolve();
    emit(f.status({ needs_attention: 2 }));
    answer.resolve(f.status({ needs_attention: 0 }));
    await started;
    expect(s.status?.needs_attention).toBe(2);
  });
});

describe('sync now', () => {
  it('shows why it failed until the desk is online again', async () => {
    let emit: (s: SyncStatus) => void = () => {};
    vi.mocked(ipc.onSyncStatus).mockImplementation(async (cb) => {
      emit = cb;
      return () => {};
    });
    desk.sync_status.mockResolvedValue(f.status({ online: false }));
    desk.sync_now.mockRejectedValueOnce(new ipc.IpcError({ code: 'offline', message: 'No route.' }));
    const s = new SyncState();
    await s.start();
    await s.syncNow();
    expect(s.error?.code).toBe('offline');
    expect(s.syncing).toBe(false);
    emit(f.status({ online: false }));
    expect(s.error?.code).toBe('offline');
    emit(f.status({ online: true }));
    expect(s.error).toBeNull();
  });
});

describe('needs attention store', () => {
  it('takes an alternative by index and drops the item', async () => {
    desk.needs_attention.mockResolvedValueOnce([f.attentionItem]).mockResolvedValue([]);
    desk.take_alternative.mockResolvedValue(f.booking('b-1', "Mòrag O'Neill", 'waiting', true));
    const a = new AttentionState();
    await a.load();
    expect(a.items).toHaveLength(1);
    await a.take(f.attentionItem.id, 0);
    expect(desk.take_alternative).toHaveBeenCalledWith({ itemId: f.attentionItem.id, alternative: 0 });
    expect(a.items).toHaveLength(0);
  });

  it('keeps the item when taking the alternative fails', async () => {
    desk.needs_attention.mockResolvedValue([f.attentionItem]);
    desk.take_alternative.mockRejectedValue(new ipc.IpcError({ code: 'session_full', message: 'Full.' }));
    const a = new AttentionState();
    await a.load();
    await expect(a.take(f.attentionItem.id, 1)).rejects.toMatchObject({ code: 'session_full' });
    expect(a.items).toHaveLength(1);
  });
});
