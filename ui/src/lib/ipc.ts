// The window's side of the IPC contract: one generic `call`, typed by the `Requests` and
// `Responses` maps generated from the shell's one list of commands (src-tauri/src/commands.rs),
// so a new command needs no code here. Every rejection is turned into an `IpcError` carrying the
// `{code, message}` the shell sent, so screens decide what to show by `code` and never by
// matching message text.
import { invoke, type InvokeArgs } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';

import type { CommandName, Requests, Responses } from './bindings/commands';
import type { DeskLocked } from './bindings/DeskLocked';
import type { ErrorBody } from './bindings/ErrorBody';
import type { SyncStatus } from './bindings/SyncStatus';

export type { CommandName, Requests, Responses };

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

/** What `call` takes after the command's name: nothing for a command without arguments. */
export type CallArgs<K extends CommandName> = Requests[K] extends void ? [] : [req: Requests[K]];

/**
 * Invokes a shell command: `call('timetable', { centreId: 1, day: '2026-12-02' })`. The request's
 * fields are the command's arguments (camelCase, as Tauri expects them).
 */
export async function call<K extends CommandName>(name: K, ...args: CallArgs<K>): Promise<Responses[K]> {
  try {
    return await invoke<Responses[K]>(name, args[0] as InvokeArgs | undefined);
  } catch (error) {
    const body = toErrorBody(error);
    if ((body.code === 'locked' || body.code === 'signed_out') && onSessionEnd) onSessionEnd(body.code);
    throw new IpcError(body);
  }
}

/** Calls `handler` with every `desk-locked` event until the returned function is called. */
export function onDeskLocked(handler: (locked: DeskLocked) => void): Promise<UnlistenFn> {
  return listen<DeskLocked>(DESK_LOCKED_EVENT, (event) => handler(event.payload));
}

/** Calls `handler` with every `sync-status` event until the returned function is called. */
export function onSyncStatus(handler: (status: SyncStatus) => void): Promise<UnlistenFn> {
  return listen<SyncStatus>(SYNC_STATUS_EVENT, (event) => handler(event.payload));
}
