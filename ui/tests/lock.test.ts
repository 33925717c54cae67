import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';

import type { DeskLocked } from '../src/lib/bindings/DeskLocked';
import type { SyncStatus } from '../src/lib/bindings/SyncStatus';

import { desk, resetDesk } from './desk';

vi.mock('../src/lib/ipc', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/lib/ipc')>();
  return { ...(await import('./desk')).withDesk(real), onSyncStatus: vi.fn(), onDeskLocked: vi.fn() };
});

const ipc = await import('../src/lib/ipc');
const { auth } = await import('../src/lib/stores/auth.svelte');
const { sync } = await import('../src/lib/stores/sync.svelte');
const { timetable } = await import('../src/services/leisure/stores/timetable.svelte');
const { attention } = await import('../src/services/core/stores/attention.svelte');
const { default: App } = await import('../src/App.svelte');
const { default: LockScreen } = await import('../src/services/core/screens/LockScreen.svelte');
const f = await import('./fixtures');

let lockedEvent: (payload: DeskLocked) => void = () => {};
let statusEvent: (status: SyncStatus) => void = () => {};

const SECOND = { ...f.leisureStaff, id: 6, username: 'morven.ross', display_name: 'Morven Ross', sites: ['leisure:2'] };

beforeEach(() => {
  auth.staff = null;
  auth.info = null;
  auth.locked = null;
  auth.ready = false;
  auth.notice = null;
  auth.startError = null;
  sync.status = null;
  timetable.reset();
  attention.reset();
  window.location.hash = '';
  desk.app_info.mockReset().mockResolvedValue(f.appInfo());
  desk.sync_status.mockReset().mockResolvedValue(f.status());
  vi.mocked(ipc.onSyncStatus).mockReset().mockImplementation(async (cb) => {
    statusEvent = cb;
    return () => {};
  });
  vi.mocked(ipc.onDeskLocked).mockReset().mockImplementation(async (cb) => {
    lockedEvent = cb;
    return () => {};
  });
  desk.set_server_url.mockReset().mockResolvedValue(null);
  desk.sign_in.mockReset();
  desk.sign_out.mockReset().mockResolvedValue(null);
  desk.lock.mockReset().mockResolvedValue(null);
  desk.unlock.mockReset().mockResolvedValue(f.leisureStaff);
  desk.switch_user.mockReset().mockResolvedValue(SECOND);
  desk.touch.mockReset().mockResolvedValue(null);
  desk.centres.mockReset().mockResolvedValue(f.centres);
  desk.timetable.mockReset().mockResolvedValue(f.day);
  desk.session.mockReset().mockResolvedValue(
    f.detail(f.day[2]!, [f.booking('b-1', "Mòrag O'Neill", 'booked')]),
  );
  desk.needs_attention.mockReset().mockResolvedValue([f.attentionItem]);
});

describe('the lock screen', () => {
  it('names whose desk it is, says the idle policy and puts focus in the password field', async () => {
    render(LockScreen, { username: 'ailsa.mackenzie', idleLockSecs: 300, unlock: vi.fn() });
    expect(screen.getByRole('heading', { level: 1, name: 'This desk is locked' })).toBeInTheDocument();
    expect(screen.getByTestId('lock-username')).toHaveTextContent('ailsa.mackenzie');
    expect(screen.getByTestId('lock-screen')).toHaveTextContent('Locked for ailsa.mackenzie');
    expect(screen.getByTestId('lock-policy')).toHaveTextContent('Council Desk locks after 5 minutes without use.');
    expect(screen.getByLabelText('Password')).toHaveAttribute('type', 'password');
    await vi.waitFor(() => expect(screen.getByTestId('unlock-password')).toHaveFocus());
  });

  it('refuses an empty password beside the field and in the summary, without asking the desk', async () => {
    const unlock = vi.fn();
    render(LockScreen, { username: 'ailsa.mackenzie', idleLockSecs: 60, unlock });
    const user = userEvent.setup();
    await user.click(screen.getByTestId('unlock-submit'));
    expect(screen.getByTestId('unlock-password-error')).toHaveTextContent('Enter your password');
    expect(screen.getByTestId('error-summary')).toHaveTextContent('Enter your password');
    expect(screen.getByTestId('error-summary')).toHaveFocus();
    expect(unlock).not.toHaveBeenCalled();
  });

  it('shows a wrong password beside the field and in the summary, and clears the field', async () => {
    const unlock = vi.fn().mockRejectedValue(new ipc.IpcError({ code: 'bad_credentials', message: 'No.' }));
    render(LockScreen, { username: 'ailsa.mackenzie', idleLockSecs: 300, unlock });
    const user = userEvent.setup();
    await user.type(screen.getByTestId('unlock-password'), 'wrong password');
    await user.click(screen.getByTestId('unlock-submit'));
    expect(unlock).toHaveBeenCalledWith('wrong password');
    expect(await screen.findByTestId('unlock-password-error')).toHaveTextContent('The password is not right');
    expect(screen.getByTestId('error-summary')).toHaveTextContent('The password is not right');
    expect(screen.getByLabelText('Password')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByTestId('unlock-password')).toHaveValue('');
    await user.click(screen.getByRole('link', { name: 'The password is not right. Check it and try again' }));
    expect(screen.getByTestId('unlock-password')).toHaveFocus();
  });

  it('switch user opens the sign-in form, and Cancel comes back to the lock screen', async () => {
    render(LockScreen, { username: 'ailsa.mackenzie', idleLockSecs: 300, unlock: vi.fn() });
    const user = userEvent.setup();
    await user.click(screen.getByTestId('lock-switch-user'));
    expect(screen.getByTestId('sign-in-form')).toBeInTheDocument();
    expect(screen.getByRole('heading', { level: 1, name: 'Switch user' })).toBeInTheDocument();
    expect(screen.getByTestId('sign-in-username')).toHaveValue('');
    await user.click(screen.getByTestId('sign-in-cancel'));
    expect(screen.getByTestId('unlock-form')).toBeInTheDocument();
    await vi.waitFor(() => expect(screen.getByTestId('unlock-password')).toHaveFocus());
  });
});

describe('locking in the app', () => {
  it('on desk-locked drops every record, hides the header and shows the lock screen; unlock returns to the route', async () => {
    window.location.hash = '#/sessions/11';
    render(App);
    expect(await screen.findByText("Mòrag O'Neill")).toBeInTheDocument();
    await vi.waitFor(() => expect(attention.items).toHaveLength(1));
    lockedEvent({ username: 'ailsa.mackenzie' });
    expect(await screen.findByTestId('lock-screen')).toBeInTheDocument();
    expect(screen.queryByTestId('identity-bar')).toBeNull();
    expect(screen.queryByTestId('service-navigation')).toBeNull();
    expect(screen.queryByTestId('session-detail')).toBeNull();
    expect(document.body).not.toHaveTextContent("Mòrag O'Neill");
    expect(document.body).not.toHaveTextContent('Ailsa Mackenzie');
    expect(document.body).not.toHaveTextContent('Needs attention');
    expect(attention.items).toEqual([]);
    expect(timetable.centres).toEqual([]);
    expect(timetable.sessions).toEqual([]);
    expect(sync.status).toBeNull();
    expect(auth.staff).toBeNull();
    expect(document.title).toBe('Desk locked – Council Desk');
    // A late status event does not bring the signed-in app back while locked.
    statusEvent(f.status());
    expect(screen.getByTestId('lock-screen')).toBeInTheDocument();

    desk.session.mockClear();
    const user = userEvent.setup();
    await user.type(screen.getByTestId('unlock-password'), 'right password');
    await user.click(screen.getByTestId('unlock-submit'));
    expect(desk.unlock).toHaveBeenCalledWith({ password: 'right password' });
    expect(await screen.findByTestId('session-detail')).toBeInTheDocument();
    expect(window.location.hash).toBe('#/sessions/11');
    expect(desk.session).toHaveBeenCalledWith({ id: 11 });
    expect(screen.queryByTestId('lock-screen')).toBeNull();
  });

  it('the header Lock button locks at once, before the event arrives', async () => {
    render(App);
    const user = userEvent.setup();
    await user.click(await screen.findByTestId('lock-now'));
    expect(desk.lock).toHaveBeenCalled();
    expect(await screen.findByTestId('lock-screen')).toBeInTheDocument();
    expect(screen.getByTestId('lock-username')).toHaveTextContent('ailsa.mackenzie');
  });

  it('starts on the lock screen when the desk is already locked', async () => {
    desk.app_info.mockResolvedValue(f.appInfo({ locked_for: 'ailsa.mackenzie', idle_lock_secs: 120 }));
    render(App);
    expect(await screen.findByTestId('lock-screen')).toBeInTheDocument();
    expect(screen.getByTestId('lock-policy')).toHaveTextContent('locks after 2 minutes without use');
    expect(desk.centres).not.toHaveBeenCalled();
    expect(desk.needs_attention).not.toHaveBeenCalled();
    expect(desk.timetable).not.toHaveBeenCalled();
  });

  it('switch user signs the other member in to their own desk and starts at home', async () => {
    desk.app_info.mockResolvedValue(f.appInfo({ locked_for: 'ailsa.mackenzie' }));
    desk.sync_status.mockResolvedValue(f.status({ signed_in: SECOND }));
    window.location.hash = '#/sessions/11';
    render(App);
    const user = userEvent.setup();
    await user.click(await screen.findByTestId('lock-switch-user'));
    await user.type(screen.getByTestId('sign-in-username'), 'morven.ross');
    await user.type(screen.getByTestId('sign-in-password'), 'her password');
    await user.click(screen.getByTestId('sign-in-submit'));
    expect(desk.switch_user).toHaveBeenCalledWith({ username: 'morven.ross', password: 'her password' });
    expect(desk.sign_in).not.toHaveBeenCalled();
    expect(await screen.findByTestId('header-staff')).toHaveTextContent('Morven Ross');
    expect(window.location.hash).toBe('#/');
  });

  it('a failed switch stays on the form with the error; cancel returns to the lock screen', async () => {
    desk.app_info.mockResolvedValue(f.appInfo({ locked_for: 'ailsa.mackenzie' }));
    desk.switch_user.mockRejectedValue(new ipc.IpcError({ code: 'bad_credentials', message: 'No.' }));
    render(App);
    const user = userEvent.setup();
    await user.click(await screen.findByTestId('lock-switch-user'));
    await user.type(screen.getByTestId('sign-in-username'), 'morven.ross');
    await user.type(screen.getByTestId('sign-in-password'), 'wrong');
    await user.click(screen.getByTestId('sign-in-submit'));
    expect(await screen.findByTestId('sign-in-password-error')).toHaveTextContent('not right');
    await user.click(screen.getByTestId('sign-in-cancel'));
    expect(screen.getByTestId('lock-username')).toHaveTextContent('ailsa.mackenzie');
  });

  it('a command refused as locked shows the lock screen even when the event was missed', async () => {
    render(App);
    await screen.findByTestId('identity-bar');
    desk.app_info.mockResolvedValue(f.appInfo({ locked_for: 'ailsa.mackenzie' }));
    desk.needs_attention.mockRejectedValue(new ipc.IpcError({ code: 'locked', message: 'Locked.' }));
    // The real ipc module calls the handler; the mocks here stand in for it.
    await auth.sessionEnded('locked');
    expect(await screen.findByTestId('lock-screen')).toBeInTheDocument();
  });

  it('tells the shell about use of the window, throttled, only while signed in and unlocked', async () => {
    render(App);
    await screen.findByTestId('identity-bar');
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'a' }));
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'b' }));
    expect(desk.touch).toHaveBeenCalledTimes(1);
    lockedEvent({ username: 'ailsa.mackenzie' });
    await screen.findByTestId('lock-screen');
    desk.touch.mockClear();
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 10_000);
      window.dispatchEvent(new Event('pointerdown'));
      expect(desk.touch).not.toHaveBeenCalled();
    } finally {
      vi.useRealTimers();
    }
  });
});
