import { describe, expect, it } from 'vitest';

import { refusalTitle, signInError } from '../src/lib/errors';

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
