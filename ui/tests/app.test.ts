import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';

import type { SyncStatus } from '../src/lib/bindings/SyncStatus';

import { desk, resetDesk } from './desk';

vi.mock('../src/lib/ipc', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/lib/ipc')>();
  return { ...(await import('./desk')).withDesk(real), onSyncStatus: vi.fn() };
});

const ipc = await import('../src/lib/ipc');
const { auth } = await import('../src/lib/stores/auth.svelte');
const { sync } = await import('../src/lib/stores/sync.svelte');
const { default: App } = await import('../src/App.svelte');
const f = await import('./fixtures');

let emit: (status: SyncStatus) => void = () => {};

function reset(): void {
  auth.staff = null;
  auth.info = null;
  auth.ready = false;
  auth.notice = null;
  auth.startError = null;
  sync.status = null;
}

beforeEach(() => {
  reset();
  window.location.hash = '';
  desk.app_info.mockReset().mockResolvedValue(f.appInfo());
  desk.sync_status.mockReset().mockResolvedValue(f.status());
  vi.mocked(ipc.onSyncStatus).mockReset().mockImplementation(async (cb) => {
    emit = cb;
    return () => {};
  });
  desk.sign_out.mockReset().mockResolvedValue(null);
  desk.centres.mockReset().mockResolvedValue(f.centres);
  desk.timetable.mockReset().mockResolvedValue(f.day);
  desk.needs_attention.mockReset().mockResolvedValue([]);
});

describe('the app', () => {
  it('in demo mode shows the banner and, already signed in, the timetable', async () => {
    render(App);
    expect(await screen.findByTestId('demo-banner')).toHaveTextContent('Demo data — not real people');
    expect(await screen.findByRole('heading', { level: 1, name: 'Leisure timetable' })).toBeInTheDocument();
    expect(screen.getAllByRole('heading', { level: 1 })).toHaveLength(1);
    expect(screen.getByRole('main')).toBeInTheDocument();
    expect(screen.getByTestId('header-staff')).toHaveTextContent('Ailsa Mackenzie');
  });

  it('without demo mode and without a sign-in shows the sign-in screen and no banner', async () => {
    desk.app_info.mockResolvedValue(
      f.appInfo({ demo: false, server_url: null, default_username: null, signed_in: false }),
    );
    desk.sync_status.mockResolvedValue(f.status({ signed_in: null }));
    render(App);
    expect(await screen.findByTestId('sign-in-form')).toBeInTheDocument();
    expect(screen.queryByTestId('demo-banner')).toBeNull();
    expect(screen.queryByTestId('identity-bar')).toBeNull();
    expect(document.title).toBe('Sign in – Council Desk');
  });

  it('follows a sign-in that arrives by event (demo sign-in after start)', async () => {
    desk.sync_status.mockResolvedValue(f.status({ signed_in: null }));
    render(App);
    await screen.findByTestId('sign-in-form');
    emit(f.status());
    expect(await screen.findByTestId('identity-bar')).toBeInTheDocument();
    expect(screen.queryByTestId('sign-in-form')).toBeNull();
  });

  it('goes back to sign-in, saying why, when the desk loses the sign-in', async () => {
    render(App);
    await screen.findByTestId('identity-bar');
    emit(f.status({ signed_in: null, last_error: { code: 'not_signed_in', message: 'x' } }));
    expect(await screen.findByTestId('sign-in-notice')).toHaveTextContent('You have been signed out');
  });

  it('updates the header counts from sync-status events', async () => {
    render(App);
    await screen.findByTestId('identity-bar');
    emit(f.status({ online: false, pending: 2, needs_attention: 1 }));
    await vi.waitFor(() => expect(screen.getByTestId('header-online')).toHaveTextContent('Offline'));
    expect(screen.getByTestId('header-pending')).toHaveAttribute('data-count', '2');
    expect(screen.getByTestId('header-attention')).toHaveAttribute('data-count', '1');
  });

  it('shows a school-office member no leisure screens', async () => {
    desk.app_info.mockResolvedValue(f.appInfo({ capabilities: f.otherCapabilities }));
    desk.sync_status.mockResolvedValue(
      f.status({ signed_in: { ...f.leisureStaff, roles: ['school-office'], sites: ['school:4'] } }),
    );
    window.location.hash = '#/timetable';
    render(App);
    expect(await screen.findByTestId('home-no-services')).toBeInTheDocument();
    expect(screen.queryByTestId('nav-timetable')).toBeNull();
    expect(desk.timetable).not.toHaveBeenCalled();
  });

  it('keeps focus on Next day while moving through days from the start screen', async () => {
    render(App);
    const user = userEvent.setup();
    const next = await screen.findByTestId('timetable-next');
    await user.click(next);
    await user.click(screen.getByTestId('timetable-next'));
    await vi.waitFor(() => expect(desk.timetable.mock.calls.length).toBeGreaterThanOrEqual(3));
    expect(screen.getByTestId('timetable-next')).toBe(next);
    expect(next).toHaveFocus();
  });

  it('lists the shortcuts on ?, closes the list on Esc, and a screen change puts focus on its new heading', async () => {
    desk.session.mockReset().mockResolvedValue(f.detail(f.day[2]!, []));
    render(App);
    const user = userEvent.setup();
    await screen.findAllByTestId('timetable-row');
    await user.keyboard('?');
    const help = await screen.findByTestId('shortcut-help');
    expect(help).toHaveTextContent('Book a customer into the session in focus');
    expect(help).toHaveTextContent('Go to Leisure timetable');
    expect(screen.getByRole('heading', { name: 'Keyboard shortcuts' })).toHaveFocus();
    await user.keyboard('{Escape}');
    expect(screen.queryByTestId('shortcut-help')).toBeNull();
    // Opening a session: focus moves to its heading once the session has loaded, never the page.
    await user.click(screen.getAllByTestId('timetable-session-link')[0]!);
    await vi.waitFor(() => expect(document.activeElement?.tagName).toBe('H1'));
    expect(document.activeElement).not.toBe(document.body);
    await vi.waitFor(() => expect(screen.getByTestId('screen-announcer').textContent).not.toBe(''));
  });

  it('signs out', async () => {
    render(App);
    const user = userEvent.setup();
    await user.click(await screen.findByTestId('header-sign-out'));
    expect(desk.sign_out).toHaveBeenCalled();
    expect(await screen.findByTestId('sign-in-form')).toBeInTheDocument();
  });

  it('says so when the desk engine does not answer at start', async () => {
    desk.app_info.mockRejectedValue('command app_info not found');
    render(App);
    expect(await screen.findByTestId('start-error')).toHaveTextContent('did not answer as expected');
  });
});
