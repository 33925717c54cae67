// Who is signed in on this desk, and what the app is (demo or not, remembered server address).
import type { AppInfo } from '../bindings/AppInfo';
import type { ErrorBody } from '../bindings/ErrorBody';
import type { StaffProfile } from '../bindings/StaffProfile';
import * as ipc from '../ipc';
import { toErrorBody } from '../ipc';

export class SignInFailure extends Error {
  constructor(
    readonly stage: 'server-url' | 'sign-in',
    readonly body: ErrorBody,
  ) {
    super(body.message);
    this.name = 'SignInFailure';
  }
}

export class AuthState {
  info = $state<AppInfo | null>(null);
  staff = $state<StaffProfile | null>(null);
  /** Set once app_info and the first sync status have answered (or failed). */
  ready = $state(false);
  /** Why the app could not start talking to the desk engine, if it could not. */
  startError = $state<ErrorBody | null>(null);
  /** Shown on the sign-in screen after the desk signed the member of staff out. */
  notice = $state<string | null>(null);

  async start(): Promise<void> {
    try {
      this.info = await ipc.appInfo();
      const status = await ipc.syncStatus();
      this.staff = status.signed_in;
    } catch (error) {
      this.startError = toErrorBody(error);
    } finally {
      this.ready = true;
    }
  }

  /**
   * Points the desk at the server, then signs in. Throws `SignInFailure`: the desk's error and
   * which of the two steps it came from.
   */
  async signIn(serverUrl: string, username: string, password: string): Promise<StaffProfile> {
    try {
      await ipc.setServerUrl(serverUrl);
    } catch (error) {
      throw new SignInFailure('server-url', toErrorBody(error));
    }
    let staff: StaffProfile;
    try {
      staff = await ipc.signIn(username, password);
    } catch (error) {
      throw new SignInFailure('sign-in', toErrorBody(error));
    }
    this.staff = staff;
    this.notice = null;
    if (this.info) this.info = { ...this.info, server_url: serverUrl };
    return staff;
  }

  async signOut(): Promise<void> {
    await ipc.signOut();
    this.staff = null;
  }

  /** The desk lost the sign-in (token refused): back to the sign-in screen, saying why. */
  signedOutByDesk(): void {
    if (this.staff === null) return;
    this.staff = null;
    this.notice = 'You have been signed out. Sign in again to carry on.';
  }
}

export const auth = new AuthState();
