// What to tell the member of staff for an error from the desk, chosen by its `code` only: the
// message text from the server is shown as detail where it is written for people (refusals of
// leisure rules are), never parsed.
import type { ErrorBody } from './bindings/ErrorBody';
import { PLAIN_HTTP_REFUSED } from './validation';

export type SignInField = 'server-url' | 'username' | 'password';

/**
 * Where a failed sign-in is shown and with which words. `stage` says which step failed: storing
 * the server address (`set_server_url`) or signing in (`sign_in`).
 */
export function signInError(
  error: ErrorBody,
  stage: 'server-url' | 'sign-in' = 'sign-in',
): { field: SignInField; message: string } {
  if (error.code === 'invalid_input') {
    return stage === 'server-url'
      ? { field: 'server-url', message: 'Enter the server address as a web address, like https://desk.council.example' }
      : { field: 'username', message: error.message };
  }
  switch (error.code) {
    case 'plain_http_refused':
      return { field: 'server-url', message: PLAIN_HTTP_REFUSED };
    case 'bad_credentials':
      return { field: 'password', message: 'The username or password is not right. Check them and try again' };
    case 'account_disabled':
      return {
        field: 'username',
        message: 'This account has been disabled. Ask your supervisor or the IT service desk to turn it back on',
      };
    case 'offline':
      return {
        field: 'server-url',
        message: 'The server cannot be reached. Check the server address and the network connection, then try again',
      };
    case 'server_error':
      return {
        field: 'server-url',
        message: 'The server had a problem and could not sign you in. Try again in a few minutes',
      };
    case 'incompatible_server':
      return { field: 'server-url', message: 'The server at this address runs a version this desk cannot use' };
    case 'account_locked':
      return { field: 'username', message: accountLocked(error) };
    case 'too_many_attempts':
      return { field: 'password', message: TOO_MANY_ATTEMPTS };
    case 'online_sign_in_required':
      return { field: 'server-url', message: onlineSignInRequired(error) };
    case 'keyring_unavailable':
      return { field: 'password', message: KEYRING };
    default:
      return { field: 'password', message: `Sign-in did not work: ${error.message}` };
  }
}

const TOO_MANY_ATTEMPTS =
  'Too many wrong passwords have been entered at this desk. Connect to the council network and sign in again';
const KEYRING =
  'This computer’s password store (keyring) cannot be used, so the desk cannot be opened. Contact the IT service desk';

function accountLocked(error: ErrorBody): string {
  // The server's message says until when; it is written for staff.
  const detail = error.message.trim();
  return detail
    ? `This account is locked after too many wrong passwords. ${detail}`
    : 'This account is locked after too many wrong passwords. Try again in 15 minutes';
}

function onlineSignInRequired(error: ErrorBody): string {
  // The desk's message says when the last online sign-in was; it is written for staff.
  const detail = error.message.trim();
  return detail || 'This desk needs to reach the council server to check your password. Connect to the network and try again';
}

/** What to say beside the password on the lock screen when unlocking failed, by code. */
export function unlockError(error: ErrorBody): string {
  switch (error.code) {
    case 'bad_credentials':
      return 'The password is not right. Check it and try again';
    case 'invalid_input':
      return 'Enter your password';
    case 'too_many_attempts':
      return TOO_MANY_ATTEMPTS;
    case 'online_sign_in_required':
      return onlineSignInRequired(error);
    case 'account_locked':
      return accountLocked(error);
    case 'account_disabled':
      return 'This account has been disabled, and its records have been removed from this desk. Ask your supervisor or the IT service desk';
    case 'signed_out':
      return 'Nobody is signed in at this desk any more. Choose Switch user to sign in';
    case 'keyring_unavailable':
      return KEYRING;
    case 'offline':
    case 'server_error':
      return 'The server could not check your password. Try again in a few minutes';
    default:
      return `Unlocking did not work: ${error.message}`;
  }
}

/** A plain heading for why the server refused an action (Needs attention, failed bookings). */
export function refusalTitle(code: string): string {
  switch (code) {
    case 'session_full':
      return 'The session was full';
    case 'already_booked':
      return 'The customer already had a place';
    case 'already_waiting':
      return 'The customer was already on the waiting list';
    case 'places_available':
      return 'The session had places free, so there is no waiting list';
    case 'session_cancelled':
      return 'The session has been cancelled';
    case 'session_started':
      return 'The session had already started';
    case 'out_of_scope':
      return 'This centre is not one of your sites';
    case 'not_found':
      return 'The session, customer or booking no longer exists';
    case 'booking_not_found':
      return 'The booking no longer exists';
    case 'already_cancelled':
      return 'The booking was already cancelled';
    case 'possible_duplicate':
      return 'The customer may already be registered';
    case 'customer_id_taken':
      return 'Another desk registered a customer with the same number';
    case 'already_member':
      return 'The customer already had a membership';
    default:
      return 'The server did not accept this';
  }
}

/** Words for an error from any other desk action, by code. */
export function actionErrorMessage(error: ErrorBody): string {
  switch (error.code) {
    case 'not_signed_in':
      return 'You are not signed in. Sign in again to carry on';
    case 'signed_out':
      return 'Nobody is signed in at this desk. Sign in to carry on';
    case 'locked':
      return 'This desk is locked. Enter your password to unlock it';
    case 'offline':
      return 'The server cannot be reached. The desk will keep trying';
    case 'server_error':
      return 'The server had a problem. Try again in a few minutes';
    case 'not_found':
      return 'This record is not on this desk. It may have been removed';
    case 'ipc':
      return 'The desk did not answer as expected. Close and reopen Council Desk, then try again';
    default:
      // Rule refusals from desk-domain carry messages written for staff.
      return error.message;
  }
}
