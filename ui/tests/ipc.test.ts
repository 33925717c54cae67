import { beforeEach, describe, expect, it, vi } from 'vitest';

const invoke = vi.fn();
const listen = vi.fn();
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...args: unknown[]) => invoke(...args) }));
vi.mock('@tauri-apps/api/event', () => ({ listen: (...args: unknown[]) => listen(...args) }));

const ipc = await import('../src/lib/ipc');

beforeEach(() => {
  invoke.mockReset();
  listen.mockReset();
});

describe('command wrappers', () => {
  it('call each shell command by its snake_case name with camelCase arguments', async () => {
    invoke.mockResolvedValue(null);
    await ipc.appInfo();
    await ipc.setServerUrl('https://desk.example');
    await ipc.signIn('ailsa', 'pw');
    await ipc.signOut();
    await ipc.lock();
    await ipc.unlock('pw');
    await ipc.switchUser('morven', 'pw2');
    await ipc.touch();
    await ipc.syncStatus();
    await ipc.syncNow();
    await ipc.centres();
    await ipc.timetable(3, '2026-12-02');
    await ipc.session(7);
    await ipc.searchCustomers("O'Neill", 20);
    await ipc.bookPlace(7, 11, 'telephone');
    await ipc.joinWaitingList(7, 11, 'email');
    await ipc.cancelPlace('b-1', 'face-to-face');
    await ipc.needsAttention();
    await ipc.takeAlternative('m-1', 1);
    await ipc.dismissAttention('m-1', 'Phoned');
    expect(invoke.mock.calls).toEqual([
      ['app_info', undefined],
      ['set_server_url', { url: 'https://desk.example' }],
      ['sign_in', { username: 'ailsa', password: 'pw' }],
      ['sign_out', undefined],
      ['lock', undefined],
      ['unlock', { password: 'pw' }],
      ['switch_user', { username: 'morven', password: 'pw2' }],
      ['touch', undefined],
      ['sync_status', undefined],
      ['sync_now', undefined],
      ['centres', undefined],
      ['timetable', { centreId: 3, day: '2026-12-02' }],
      ['session', { id: 7 }],
      ['search_customers', { text: "O'Neill", limit: 20 }],
      ['book_place', { sessionId: 7, customerId: 11, channel: 'telephone' }],
      ['join_waiting_list', { sessionId: 7, customerId: 11, channel: 'email' }],
      ['cancel_place', { bookingId: 'b-1', channel: 'face-to-face' }],
      ['needs_attention', undefined],
      ['take_alternative', { itemId: 'm-1', alternative: 1 }],
      ['dismiss_attention', { itemId: 'm-1', note: 'Phoned' }],
    ]);
  });

  it('cover every command the shell answers, once each', async () => {
    const { COMMANDS } = await import('../src/lib/bindings/commands');
    invoke.mockResolvedValue(null);
    const calls: Array<() => Promise<unknown>> = [
      ipc.appInfo, () => ipc.setServerUrl('u'), () => ipc.signIn('a', 'b'), ipc.signOut, ipc.lock,
      () => ipc.unlock('p'), () => ipc.switchUser('a', 'b'), ipc.touch, ipc.syncStatus, ipc.syncNow,
      ipc.centres, () => ipc.timetable(1, '2026-12-02'), () => ipc.session(1), () => ipc.searchCustomers('ab', 1),
      () => ipc.bookPlace(1, 1, 'email'), () => ipc.joinWaitingList(1, 1, 'email'), () => ipc.cancelPlace('b', 'email'),
      ipc.needsAttention, () => ipc.takeAlternative('i', 0), () => ipc.dismissAttention('i', 'n'),
    ];
    for (const c of calls) await c();
    expect(invoke.mock.calls.map((c) => c[0]).sort()).toEqual([...COMMANDS].sort());
  });

  it('turn a {code, message} rejection into an IpcError with that code', async () => {
    invoke.mockRejectedValue({ code: 'bad_credentials', message: 'No.' });
    const error = await ipc.signIn('a', 'b').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ipc.IpcError);
    expect((error as InstanceType<typeof ipc.IpcError>).code).toBe('bad_credentials');
    expect((error as Error).message).toBe('No.');
  });

  it('turn a bare string rejection from Tauri into code ipc', async () => {
    invoke.mockRejectedValue('command sign_in not found');
    await expect(ipc.signIn('a', 'b')).rejects.toMatchObject({ code: 'ipc', message: 'command sign_in not found' });
  });

  it('tell the session-end handler when a command meets a locked desk or nobody signed in', async () => {
    const seen: string[] = [];
    ipc.setSessionEndHandler((code) => seen.push(code));
    try {
      invoke.mockRejectedValueOnce({ code: 'locked', message: 'This desk is locked.' });
      await expect(ipc.centres()).rejects.toMatchObject({ code: 'locked' });
      invoke.mockRejectedValueOnce({ code: 'signed_out', message: 'Nobody.' });
      await expect(ipc.needsAttention()).rejects.toMatchObject({ code: 'signed_out' });
      invoke.mockRejectedValueOnce({ code: 'bad_credentials', message: 'No.' });
      await expect(ipc.unlock('x')).rejects.toMatchObject({ code: 'bad_credentials' });
      expect(seen).toEqual(['locked', 'signed_out']);
    } finally {
      ipc.setSessionEndHandler(null);
    }
  });

  it('deliver desk-locked payloads to the handler', async () => {
    listen.mockImplementation(async (_name: string, cb: (e: { payload: unknown }) => void) => {
      cb({ payload: { username: 'ailsa.mackenzie' } });
      return () => {};
    });
    const seen: unknown[] = [];
    await ipc.onDeskLocked((l) => seen.push(l));
    expect(listen.mock.calls[0]?.[0]).toBe('desk-locked');
    expect(seen).toEqual([{ username: 'ailsa.mackenzie' }]);
  });

  it('deliver sync-status payloads to the handler', async () => {
    const unlisten = vi.fn();
    listen.mockImplementation(async (_name: string, cb: (e: { payload: unknown }) => void) => {
      cb({ payload: { online: true } });
      return unlisten;
    });
    const seen: unknown[] = [];
    const stop = await ipc.onSyncStatus((s) => seen.push(s));
    expect(listen.mock.calls[0]?.[0]).toBe('sync-status');
    expect(seen).toEqual([{ online: true }]);
    stop();
    expect(unlisten).toHaveBeenCalled();
  });
});
