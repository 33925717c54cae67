import { describe, expect, it } from 'vitest';

import { actionErrorMessage, refusalTitle, signInError, unlockError } from '../src/lib/errors';

describe('sign-in errors are placed by code', () => {
  it('puts a wrong password beside the password', () => {
    expect(signInError({ code: 'bad_credentials', message: 'x' })).toEqual({
      field: 'password',
      message: 'The username or password is not right. Check them and try again',
    });
  });

  it('puts an unreachable or failing server beside the server address', () => {
    expect(signInError({ code: 'offline', message: 'x' }).field).toBe('server-url');
    expect(signInError({ code: 'offline', message: 'x' }).message).toMatch(/cannot be reached/);
    expect(signInError({ code: 'server_error', message: 'x' }).field).toBe('server-url');
  });

  it('puts a disabled account beside the username', () => {
    const shown = signInError({ code: 'account_disabled', message: 'x' });
    expect(shown.field).toBe('username');
    expect(shown.message).toMatch(/disabled/);
  });

  it('decides by code alone, whatever the message says', () => {
    const a = signInError({ code: 'bad_credentials', message: 'account disabled, server offline' });
    const b = signInError({ code: 'bad_credentials', message: '' });
    expect(a).toEqual(b);
    expect(signInError({ code: 'offline', message: 'wrong password' }).field).toBe('server-url');
  });

  it('separates a refused address from refused sign-in details', () => {
    expect(signInError({ code: 'invalid_input', message: 'bad url' }, 'server-url').field).toBe('server-url');
    expect(signInError({ code: 'invalid_input', message: 'The user name is too long.' }, 'sign-in')).toEqual({
      field: 'username',
      message: 'The user name is too long.',
    });
  });
});

describe('refusals', () => {
  it('have plain titles by code', () => {
    expect(refusalTitle('session_full')).toBe('The session was full');
    expect(refusalTitle('something_new')).toBe('The server did not accept this');
  });
});

describe('identity errors by code', () => {
  it('place lockouts and offline-unlock limits beside the right sign-in field', () => {
    expect(signInError({ code: 'account_locked', message: 'Try again after 10:42.' })).toEqual({
      field: 'username',
      message: 'This account is locked after too many wrong passwords. Try again after 10:42.',
    });
    expect(signInError({ code: 'too_many_attempts', message: 'x' }).field).toBe('password');
    expect(signInError({ code: 'too_many_attempts', message: 'x' }).message).toMatch(/Too many wrong passwords/);
    const online = signInError({ code: 'online_sign_in_required', message: 'Your last online sign-in was on 1 Nov.' });
    expect(online.field).toBe('server-url');
    expect(online.message).toBe('Your last online sign-in was on 1 Nov.');
    expect(signInError({ code: 'online_sign_in_required', message: '' }).message).toMatch(/needs to reach the council server/);
    expect(signInError({ code: 'keyring_unavailable', message: 'x' }).message).toMatch(/keyring/);
  });

  it('say what went wrong on the lock screen', () => {
    expect(unlockError({ code: 'bad_credentials', message: 'server words' })).toBe(
      'The password is not right. Check it and try again',
    );
    expect(unlockError({ code: 'too_many_attempts', message: 'x' })).toMatch(/Too many wrong passwords/);
    expect(unlockError({ code: 'online_sign_in_required', message: 'Offline unlock lasts 7 days.' })).toBe(
      'Offline unlock lasts 7 days.',
    );
    expect(unlockError({ code: 'account_locked', message: '' })).toMatch(/locked after too many wrong passwords/);
    expect(unlockError({ code: 'account_disabled', message: 'x' })).toMatch(/disabled/);
    expect(unlockError({ code: 'signed_out', message: 'x' })).toMatch(/Switch user/);
    expect(unlockError({ code: 'something_new', message: 'Detail.' })).toBe('Unlocking did not work: Detail.');
  });

  it('name a locked desk and a signed-out desk for any other action', () => {
    expect(actionErrorMessage({ code: 'locked', message: 'x' })).toMatch(/locked/);
    expect(actionErrorMessage({ code: 'signed_out', message: 'x' })).toMatch(/Nobody is signed in/);
  });
});
