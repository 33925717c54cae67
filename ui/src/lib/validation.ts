// Checks made in the interface before anything is sent. Each returns the message shown beside
// the field (GOV.UK wording), or null when the value may be sent. Names with accents, apostrophes
// and hyphens are ordinary input and always pass; only length and control characters are limited,
// matching what the desk engine accepts.
import { calendarDate, isoDate, todayIso, type CalendarDate } from './format';

/** Longest text the desk engine accepts in a search or a name (characters). */
export const MAX_TEXT = 200;
/** Longest note when dismissing a Needs attention item (as the desk engine). */
export const MAX_NOTE = 500;
/** As the desk engine: longer passwords are refused before they are sent. */
export const MAX_PASSWORD = 200;
export const MAX_URL = 2000;

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

const length = (s: string): number => Array.from(s).length;

/** One key per form field: the field's element id, so the error summary can link to it. */
export type FieldErrors = Record<string, string>;

/** The server is this computer: 127.0.0.0/8, ::1 or localhost. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || host === '::1') return true;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return v4 !== null && Number(v4[1]) === 127;
}

/** Plain http:// to a server that is not this computer: passwords and personal data in clear. */
export function isPlainHttpToAnotherComputer(value: string): boolean {
  try {
    const url = new URL(value.trim());
    return url.protocol === 'http:' && !isLoopbackHost(url.hostname);
  } catch {
    return false;
  }
}

export const PLAIN_HTTP_REFUSED =
  'Server address must start with https:// (http:// is only for a server on this computer)';

/**
 * `plainHttpAllowed`: this machine's IT setting lets desks use http:// to another computer (the
 * desk checks again; the sign-in screen then warns instead).
 */
export function serverUrlError(value: string, plainHttpAllowed = false): string | null {
  const text = value.trim();
  if (text === '') return 'Enter the server address';
  if (length(text) > MAX_URL) return `Server address must be ${MAX_URL} characters or fewer`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'Enter the server address as a web address, like https://desk.council.example';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return 'Server address must start with http:// or https://';
  }
  if (url.hostname === '') return 'Enter the server address as a web address, like https://desk.council.example';
  if (!plainHttpAllowed && isPlainHttpToAnotherComputer(text)) return PLAIN_HTTP_REFUSED;
  return null;
}

export function usernameError(value: string): string | null {
  const text = value.trim();
  if (text === '') return 'Enter your username';
  if (length(text) > MAX_TEXT) return `Username must be ${MAX_TEXT} characters or fewer`;
  if (CONTROL.test(text)) return 'Username must only include letters, numbers and punctuation';
  return null;
}

export function passwordError(value: string): string | null {
  if (value === '') return 'Enter your password';
  if (length(value) > MAX_PASSWORD) return `Password must be ${MAX_PASSWORD} characters or fewer`;
  return null;
}

const DMY = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;
const YMD = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;

/** Whether the text is written as a date (dd/mm/yyyy or yyyy-mm-dd), real or not. */
export function looksLikeDate(text: string): boolean {
  return DMY.test(text.trim()) || YMD.test(text.trim());
}

/** A date of birth written dd/mm/yyyy or yyyy-mm-dd, as a real date, or null. */
export function parseDob(text: string): CalendarDate | null {
  const t = text.trim();
  let m = DMY.exec(t);
  if (m) return calendarDate(Number(m[3]), Number(m[2]), Number(m[1]));
  m = YMD.exec(t);
  if (m) return calendarDate(Number(m[1]), Number(m[2]), Number(m[3]));
  return null;
}

/**
 * The customer search box takes a name, a membership number or a date of birth. Empty is fine
 * while typing (nothing is searched); a date must be real and not in the future.
 */
export function customerSearchError(value: string, today: string = todayIso()): string | null {
  const text = value.trim();
  if (length(text) > MAX_TEXT) return `Search must be ${MAX_TEXT} characters or fewer`;
  if (CONTROL.test(text)) return 'Search must only include letters, numbers, spaces and punctuation';
  if (looksLikeDate(text)) {
    const dob = parseDob(text);
    if (!dob) return 'Date of birth must be a real date, like 27/03/1987';
    if (isoDate(dob) > today) return 'Date of birth must be today or in the past';
  }
  return null;
}

export function noteError(value: string): string | null {
  const text = value.trim();
  if (text === '') return 'Enter a note saying why this is being dismissed';
  if (length(text) > MAX_NOTE) return `Note must be ${MAX_NOTE} characters or fewer`;
  return null;
}

/** Control characters a customer note may not hold: line breaks and tabs are fine (as the desk engine). */
const NOTE_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/** A note on a customer's record: 1 to 500 characters, no control characters but line breaks and tabs. */
export function customerNoteError(value: string): string | null {
  const text = value.trim();
  if (text === '') return 'Enter the note';
  if (length(text) > MAX_NOTE) return `Note must be ${MAX_NOTE} characters or fewer`;
  if (NOTE_CONTROL.test(text)) return 'Note must only include letters, numbers, spaces, line breaks and punctuation';
  return null;
}

export interface DateFields {
  day: string;
  month: string;
  year: string;
}

export type DatePart = 'day' | 'month' | 'year';

/** GOV.UK date input checks: which part is wrong and what to say, or the date as `YYYY-MM-DD`. */
export function dateFieldsResult(
  fields: DateFields,
  what = 'Date',
): { ok: true; iso: string } | { ok: false; message: string; parts: DatePart[] } {
  const day = fields.day.trim();
  const month = fields.month.trim();
  const year = fields.year.trim();
  const missing = (['day', 'month', 'year'] as DatePart[]).filter((p) => ({ day, month, year })[p] === '');
  if (missing.length === 3) return { ok: false, message: `Enter the ${what.toLowerCase()}`, parts: missing };
  if (missing.length > 0) {
    return { ok: false, message: `${what} must include a ${missing.join(' and ')}`, parts: missing };
  }
  const numeric = /^\d+$/;
  const bad = (['day', 'month', 'year'] as DatePart[]).filter((p) => !numeric.test({ day, month, year }[p]));
  if (bad.length > 0 || year.length !== 4) {
    return {
      ok: false,
      message: `${what} must be a real date`,
      parts: bad.length > 0 ? bad : ['year'],
    };
  }
  const date = calendarDate(Number(year), Number(month), Number(day));
  if (!date) return { ok: false, message: `${what} must be a real date`, parts: ['day', 'month', 'year'] };
  return { ok: true, iso: isoDate(date) };
}
