// One typed function per Tauri command of the shell (see the IPC contract). Every rejection is
// turned into an `IpcError` carrying the `{code, message}` the shell sent, so screens decide what
// to show by `code` and never by matching message text.
import { invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';

import type { AppInfo } from './bindings/AppInfo';
import type { AttentionItem } from './bindings/AttentionItem';
import type { BookingView } from './bindings/BookingView';
import type { Centre } from './bindings/Centre';
import type { Channel } from './bindings/Channel';
import type { CustomerView } from './bindings/CustomerView';
import type { CommandName } from './bindings/commands';
import type { DeskLocked } from './bindings/DeskLocked';
import type { ErrorBody } from './bindings/ErrorBody';
import type { SessionDetail } from './bindings/SessionDetail';
import type { SessionView } from './bindings/SessionView';
import type { StaffProfile } from './bindings/StaffProfile';
import type { SyncReport } from './bindings/SyncReport';
import type { SyncStatus } from './bindings/SyncStatus';

/** The name of the event the shell emits whenever the desk's sync status changes. */
export const SYNC_STATUS_EVENT = 'sync-status';
/** The name of the event the shell emits when the desk locks (idle, or asked to). */
export const DESK_LOCKED_EVENT = 'desk-locked';

/** Codes that mean the desk answered no command because it is locked or nobody is signed in. */
export type SessionEndCode = 'locked' | 'signed_out';

let onSessionEnd: ((code: SessionEndCode) => void) | null = null;

/**
 * Called whenever any command is refused with `locked` or `signed_out`, so the app can show the
 * lock or sign-in screen even if the `desk-locked` event was missed.
 */
export function setSessionEndHandler(handler: ((code: SessionEndCode) => void) | null): void {
  onSessionEnd = handler;
}

export class IpcError extends Error {
  readonly code: string;

  constructor(body: ErrorBody) {
    super(body.message);
    this.name = 'IpcError';
    this.code = body.code;
  }

  get body(): ErrorBody {
    return { code: this.code, message: this.message };
  }
}

/**
 * What crossed IPC as an error, as an `ErrorBody`. The shell always sends `{code, message}`;
 * Tauri itself rejects with a bare string when a command is unknown or its arguments do not
 * deserialize, which becomes code `ipc`.
 */
export function toErrorBody(error: unknown): ErrorBody {
  if (error instanceof IpcError) return error.body;
  if (typeof error === 'object' && error !== null) {
    const { code, message } = error as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && typeof message === 'string') return { code, message };
    if (typeof message === 'string') return { code: 'ipc', message };
  }
  if (typeof error === 'string') return { code: 'ipc', message: error };
  return { code: 'ipc', message: 'The desk did not answer as expected.' };
}

async function call<T>(command: CommandName, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (error) {
    const body = toErrorBody(error);
    if ((body.code === 'locked' || body.code === 'signed_out') && onSessionEnd) onSessionEnd(body.code);
    throw new IpcError(body);
  }
}

export const appInfo = (): Promise<AppInfo> => call('app_info');
export const setServerUrl = (url: string): Promise<null> => call('set_server_url', { url });
export const signIn = (username: string, password: string): Promise<StaffProfile> =>
  call('sign_in', { username, password });
export const signOut = (): Promise<null> => call('sign_out');
export const lock = (): Promise<null> => call('lock');
export const unlock = (password: string): Promise<StaffProfile> => call('unlock', { password });
export const switchUser = (username: string, password: string): Promise<StaffProfile> =>
  call('switch_user', { username, password });
/** The member of staff used the window (keys, pointer, wheel); throttled by the caller. */
export const touch = (): Promise<null> => call('touch');
export const syncStatus = (): Promise<SyncStatus> => call('sync_status');
export const syncNow = (): Promise<SyncReport> => call('sync_now');
export const centres = (): Promise<Centre[]> => call('centres');
/** `day` is a calendar date, `YYYY-MM-DD`. */
export const timetable = (centreId: number, day: string): Promise<SessionView[]> =>
  call('timetable', { centreId, day });
export const session = (id: number): Promise<SessionDetail> => call('session', { id });
export const searchCustomers = (text: string, limit: number): Promise<CustomerView[]> =>
  call('search_customers', { text, limit });
export const bookPlace = (sessionId: number, customerId: number, channel: Channel): Promise<BookingView> =>
  call('book_place', { sessionId, customerId, channel });
export const joinWaitingList = (sessionId: number, customerId: number, channel: Channel): Promise<BookingView> =>
  call('join_waiting_list', { sessionId, customerId, channel });
export const cancelPlace = (bookingId: string, channel: Channel): Promise<null> =>
  call('cancel_place', { bookingId, channel });
export const needsAttention = (): Promise<AttentionItem[]> => call('needs_attention');
export const takeAlternative = (itemId: string, alternative: number): Promise<BookingView> =>
  call('take_alternative', { itemId, alternative });
export const dismissAttention = (itemId: string, note: string): Promise<null> =>
  call('dismiss_attention', { itemId, note });

/** Calls `handler` with every `desk-locked` event until the returned function is called. */
export function onDeskLocked(handler: (locked: DeskLocked) => void): Promise<UnlistenFn> {
  return listen<DeskLocked>(DESK_LOCKED_EVENT, (event) => handler(event.payload));
}

/** Calls `handler` with every `sync-status` event until the returned function is called. */
export function onSyncStatus(handler: (status: SyncStatus) => void): Promise<UnlistenFn> {
  return listen<SyncStatus>(SYNC_STATUS_EVENT, (event) => handler(event.payload));
}
