// Who is signed in on this desk, whether the desk is locked and for whom, and what the app is
// (demo or not, the server address for the next sign-in, the idle lock time).
import type { AppInfo } from '../bindings/AppInfo';
import type { Capability } from '../bindings/Capability';
import type { ErrorBody } from '../bindings/ErrorBody';
import type { StaffProfile } from '../bindings/StaffProfile';
import * as ipc from '../ipc';
import { toErrorBody } from '../ipc';
import { flash } from './flash.svelte';
import { forgetRegisteredRecords } from './records';
import { sync } from './sync.svelte';

export class SignInFailure extends Error {
  constructor(
    readonly stage: 'server-url' | 'sign-in',
    readonly body: ErrorBody,
  ) {
    super(body.message);
    this.name = 'SignInFailure';
  }
}

/** Drops every record the interface holds in memory: the desk locked or nobody is signed in. */
export function forgetRecords(): void {
  forgetRegisteredRecords();
  flash.clear();
  sync.reset();
}

export class AuthState {
  info = $state<AppInfo | null>(null);
  staff = $state<StaffProfile | null>(null);
  /** The user name the desk is locked for, while it is locked. */
  locked = $state<string | null>(null);
  /** Set once app_info and the first sync status have answered (or failed). */
  ready = $state(false);
  /** Why the app could not start talking to the desk engine, if it could not. */
  startError = $state<ErrorBody | null>(null);
  /** Shown on the sign-in screen after the desk signed the member of staff out. */
  notice = $state<string | null>(null);
  /** What the signed-in member of staff may do, as the desk reports it (never worked out here). */
  capabilities: readonly Capability[] = $derived(this.staff ? (this.info?.capabilities ?? []) : []);

  /** Whether the signed-in member of staff may do this (`null`: anyone signed in may). */
  can(capability: Capability | null): boolean {
    return capability === null ? this.staff !== null : this.capabilities.includes(capability);
  }

  /**
   * Asks the desk again what it knows (the capabilities change with who is signed in), keeping
   * `known`: what the command just done already settled. If the desk cannot say, what was known
   * stays, with `known` applied.
   */
  private async refreshInfo(known: Partial<AppInfo>): Promise<void> {
    try {
      this.info = { ...(await ipc.call('app_info')), ...known };
    } catch {
      if (this.info) this.info = { ...this.info, ...known };
    }
  }

  /**
   * The desk reports who is signed in (a sync status): a different member of staff than the one
   * shown brings their own capabilities, asked for before their screens are shown.
   */
  async follow(staff: StaffProfile): Promise<void> {
    if (this.staff?.username !== staff.username) {
      await this.refreshInfo({ signed_in: true, locked_for: null });
      if (this.locked !== null) return;
    }
    this.staff = staff;
  }

  async start(): Promise<void> {
    try {
      this.info = await ipc.call('app_info');
      if (this.info.locked_for !== null) {
        this.locked = this.info.locked_for;
      } else if (this.info.signed_in) {
        const status = await ipc.call('sync_status');
        this.staff = status.signed_in;
      }
    } catch (error) {
      this.startError = toErrorBody(error);
    } finally {
      this.ready = true;
    }
  }

  /**
   * Points the desk at the server, then signs in (or, from the lock screen, switches to another
   * member of staff's own desk). Throws `SignInFailure`: the desk's error and which of the two
   * steps it came from.
   */
  async signIn(
    serverUrl: string,
    username: string,
    password: string,
    mode: 'sign-in' | 'switch' = 'sign-in',
  ): Promise<StaffProfile> {
    try {
      await ipc.call('set_server_url', { url: serverUrl });
    } catch (error) {
      throw new SignInFailure('server-url', toErrorBody(error));
    }
    let staff: StaffProfile;
    try {
      staff =
        mode === 'switch'
          ? await ipc.call('switch_user', { username, password })
          : await ipc.call('sign_in', { username, password });
    } catch (error) {
      throw new SignInFailure('sign-in', toErrorBody(error));
    }
    forgetRecords();
    await this.refreshInfo({ server_url: serverUrl, signed_in: true, locked_for: null });
    this.staff = staff;
    this.locked = null;
    this.notice = null;
    void sync.refresh();
    return staff;
  }

  /** Unlocks with the password; throws the desk's `IpcError` when it refuses. */
  async unlock(password: string): Promise<StaffProfile> {
    const staff = await ipc.call('unlock', { password });
    await this.refreshInfo({ locked_for: null });
    this.staff = staff;
    this.locked = null;
    void sync.refresh();
    return staff;
  }

  /** Locks now; the screen changes at once, before the desk's `desk-locked` event arrives. */
  async lock(): Promise<void> {
    const username = this.staff?.username ?? this.locked ?? '';
    this.lockedByDesk(username);
    await ipc.call('lock');
  }

  /** The desk locked (idle, or asked to): show the lock screen and drop every record. */
  lockedByDesk(username: string): void {
    this.locked = username;
    this.staff = null;
    if (this.info) this.info = { ...this.info, locked_for: username };
    forgetRecords();
  }

  /**
   * A command was refused because the desk is locked (an event was missed) or nobody is signed
   * in any more: ask the desk which, and show that screen.
   */
  async sessionEnded(code: ipc.SessionEndCode): Promise<void> {
    if (code === 'locked' && this.locked !== null) return;
    if (code === 'signed_out' && this.staff === null && this.locked === null) return;
    try {
      const info = await ipc.call('app_info');
      this.info = info;
      if (info.locked_for !== null) this.lockedByDesk(info.locked_for);
      else if (!info.signed_in) this.signedOut();
    } catch {
      // The next command will say the same; nothing more to do here.
    }
  }

  async signOut(): Promise<void> {
    await ipc.call('sign_out');
    this.signedOut();
  }

  private signedOut(): void {
    this.staff = null;
    this.locked = null;
    if (this.info) this.info = { ...this.info, signed_in: false, locked_for: null };
    forgetRecords();
  }

  /** The desk lost the sign-in (token refused): back to the sign-in screen, saying why. */
  signedOutByDesk(): void {
    if (this.staff === null) return;
    this.staff = null;
    this.notice = 'You have been signed out. Sign in again to carry on.';
  }
}

export const auth = new AuthState();
