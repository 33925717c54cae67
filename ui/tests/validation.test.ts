import { describe, expect, it } from 'vitest';

import {
  customerSearchError,
  dateFieldsResult,
  noteError,
  passwordError,
  serverUrlError,
  PLAIN_HTTP_REFUSED,
  isPlainHttpToAnotherComputer,
  usernameError,
} from '../src/lib/validation';

const long = (n: number, ch = 'a'): string => ch.repeat(n);

describe('server address', () => {
  it('must be given', () => {
    expect(serverUrlError('')).toBe('Enter the server address');
    expect(serverUrlError('   ')).toBe('Enter the server address');
  });

  it('must be a web address', () => {
    expect(serverUrlError('desk.council')).toMatch(/as a web address/);
    expect(serverUrlError('not a url')).toMatch(/as a web address/);
    expect(serverUrlError('http//missing-colon')).toMatch(/as a web address/);
  });

  it('must be http or https', () => {
    expect(serverUrlError('ftp://desk.council.example')).toBe('Server address must start with http:// or https://');
    expect(serverUrlError('file:///etc/passwd')).toBe('Server address must start with http:// or https://');
    expect(serverUrlError('javascript:alert(1)')).toBe('Server address must start with http:// or https://');
  });

  it('refuses plain http to another computer unless this machine allows it', () => {
    for (const remote of ['http://desk.council.example', 'http://10.1.2.3:8640', 'http://[fe80::1]/', 'http://128.0.0.1']) {
      expect(serverUrlError(remote)).toBe(PLAIN_HTTP_REFUSED);
      expect(serverUrlError(remote, true)).toBeNull();
    }
    for (const local of ['http://127.0.0.1:8640', 'http://127.9.9.9', 'http://[::1]:8640', 'http://localhost:8640']) {
      expect(serverUrlError(local)).toBeNull();
    }
    expect(isPlainHttpToAnotherComputer('https://desk.council.example')).toBe(false);
    expect(isPlainHttpToAnotherComputer('http://desk.council.example')).toBe(true);
  });

  it('accepts http and https addresses with ports and paths', () => {
    expect(serverUrlError('https://desk.council.example')).toBeNull();
    expect(serverUrlError('http://127.0.0.1:8640')).toBeNull();
    expect(serverUrlError('  https://desk.council.example/api/  ')).toBeNull();
  });
});

describe('username and password', () => {
  it('are required', () => {
    expect(usernameError('')).toBe('Enter your username');
    expect(passwordError('')).toBe('Enter your password');
  });

  it('refuses a 300-character username with a limit message', () => {
    expect(usernameError(long(300))).toBe('Username must be 200 characters or fewer');
    expect(usernameError(long(200))).toBeNull();
  });

  it('accepts accents and apostrophes', () => {
    expect(usernameError("mòrag.o'neill")).toBeNull();
    expect(usernameError('seònaid.nic-a-phì')).toBeNull();
  });

  it('counts characters, not UTF-16 units', () => {
    expect(usernameError(long(200, '𝒜'))).toBeNull();
  });

  it('refuses control characters', () => {
    expect(usernameError('bad\u0000name')).toMatch(/letters, numbers and punctuation/);
  });

  it('refuses a password longer than the desk accepts', () => {
    expect(passwordError(long(201))).toBe('Password must be 200 characters or fewer');
    expect(passwordError(' spaces count ')).toBeNull();
  });
});

describe('customer search text', () => {
  const today = '2026-12-02';

  it('accepts names with accents, apostrophes and hyphens', () => {
    expect(customerSearchError("Mòrag O'Neill", today)).toBeNull();
    expect(customerSearchError('Seònaid Nic a’ Phì', today)).toBeNull();
    expect(customerSearchError('Anne-Marie', today)).toBeNull();
  });

  it('refuses 300-character text', () => {
    expect(customerSearchError(long(300), today)).toBe('Search must be 200 characters or fewer');
  });

  it('refuses a date of birth in the future', () => {
    expect(customerSearchError('03/12/2026', today)).toBe('Date of birth must be today or in the past');
    expect(customerSearchError('2030-01-01', today)).toBe('Date of birth must be today or in the past');
  });

  it('accepts a date of birth today or earlier, in either form', () => {
    expect(customerSearchError('02/12/2026', today)).toBeNull();
    expect(customerSearchError('27/03/1987', today)).toBeNull();
    expect(customerSearchError('1987-03-27', today)).toBeNull();
  });

  it('refuses a date that does not exist', () => {
    expect(customerSearchError('31/02/1990', today)).toBe('Date of birth must be a real date, like 27/03/1987');
    expect(customerSearchError('1990-13-01', today)).toMatch(/real date/);
  });

  it('takes membership numbers and empty text as they are', () => {
    expect(customerSearchError('M0012345', today)).toBeNull();
    expect(customerSearchError('', today)).toBeNull();
  });
});

describe('dismiss note', () => {
  it('is required and limited to 500 characters', () => {
    expect(noteError('  ')).toBe('Enter a note saying why this is being dismissed');
    expect(noteError(long(501))).toBe('Note must be 500 characters or fewer');
    expect(noteError("Phoned Mòrag O'Neill")).toBeNull();
  });
});

describe('date input', () => {
  it('needs every part', () => {
    expect(dateFieldsResult({ day: '', month: '', year: '' })).toEqual({
      ok: false,
      message: 'Enter the date',
      parts: ['day', 'month', 'year'],
    });
    expect(dateFieldsResult({ day: '2', month: '', year: '2026' })).toEqual({
      ok: false,
      message: 'Date must include a month',
      parts: ['month'],
    });
  });

  it('refuses dates that do not exist and non-numbers', () => {
    expect(dateFieldsResult({ day: '30', month: '2', year: '2026' })).toMatchObject({ ok: false, message: 'Date must be a real date' });
    expect(dateFieldsResult({ day: 'x', month: '2', year: '2026' })).toMatchObject({ ok: false, parts: ['day'] });
    expect(dateFieldsResult({ day: '1', month: '2', year: '26' })).toMatchObject({ ok: false, parts: ['year'] });
  });

  it('gives a real date as YYYY-MM-DD', () => {
    expect(dateFieldsResult({ day: '2', month: '12', year: '2026' })).toEqual({ ok: true, iso: '2026-12-02' });
    expect(dateFieldsResult({ day: '29', month: '2', year: '2028' })).toEqual({ ok: true, iso: '2028-02-29' });
  });
});
