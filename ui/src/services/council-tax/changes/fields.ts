// Checks made on the question pages before anything is sent, in GOV.UK words. They follow the
// desk-domain rules (council_tax/rules.rs, identity.rs) so the agent hears about a slip while
// the caller is still on the line; the desk and the server check again.
import { addDays } from '../../../lib/format';

/** As rules.rs. */
export const MAX_NAME = 100;
export const MAX_ADDRESS = 300;
export const MAX_TEXT = 500;
export const MAX_EMAIL = 254;
/** A change may take effect at most this many days ahead (desk-domain MAX_DAYS_AHEAD). */
export const MAX_DAYS_AHEAD = 60;
/** Further back than this, the change is accepted and flagged for a supervisor (REVIEW_AFTER_MONTHS). */
export const REVIEW_AFTER_MONTHS = 6;

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
const CONTROL_OR_BREAK = /[\u0000-\u001f\u007f-\u009f]/;
const chars = (s: string): number => Array.from(s).length;

export function searchTextError(text: string): string | null {
  if (chars(text) > 200) return 'Search must be 200 characters or fewer';
  if (CONTROL_OR_BREAK.test(text)) return 'Search must only include letters, numbers, spaces and punctuation';
  return null;
}

/** A person's name: 1 to 100 characters, any letters, accents, apostrophes and hyphens. */
export function nameError(value: string, what = 'Name'): string | null {
  const t = value.trim();
  if (t === '') return `Enter the ${what.toLowerCase()}`;
  if (chars(t) > MAX_NAME) return `${what} must be ${MAX_NAME} characters or fewer`;
  if (CONTROL_OR_BREAK.test(t)) return `${what} must only include letters, spaces, hyphens and apostrophes`;
  return null;
}

export function addressError(value: string, what = 'Address'): string | null {
  const t = value.trim();
  if (t === '') return `Enter the ${what.toLowerCase()}`;
  if (chars(t) > MAX_ADDRESS) return `${what} must be ${MAX_ADDRESS} characters or fewer`;
  if (CONTROL.test(t)) return `${what} must only include letters, numbers, spaces, line breaks and punctuation`;
  return null;
}

export function textError(value: string, what: string, max = MAX_TEXT): string | null {
  const t = value.trim();
  if (t === '') return `Enter the ${what.toLowerCase()}`;
  if (chars(t) > max) return `${what} must be ${max} characters or fewer`;
  if (CONTROL.test(t)) return `${what} must only include letters, numbers, spaces and punctuation`;
  return null;
}

/** A UK postcode's shape, as identity.rs normalise_postcode: `AB30 1AA` = `ab301aa`. */
export function normalisePostcode(value: string): string | null {
  const t = value.replace(/\s+/g, '').toUpperCase();
  if (!/^[A-Z0-9]{5,7}$/.test(t)) return null;
  const outward = t.slice(0, -3);
  const inward = t.slice(-3);
  if (!/^\d[A-Z]{2}$/.test(inward)) return null;
  if (!/^[A-Z]/.test(outward) || !/\d/.test(outward)) return null;
  return t;
}

export function postcodeError(value: string): string | null {
  if (value.trim() === '') return 'Enter the postcode';
  return normalisePostcode(value) ? null : 'Enter a real postcode, like IV30 1BX';
}

/** A Unique Property Reference Number: digits only, up to 12. */
export function uprnError(value: string): string | null {
  const t = value.trim();
  if (t === '') return null;
  if (!/^\d+$/.test(t)) return 'UPRN must only include numbers';
  if (t.length > 12) return 'UPRN must be 12 digits or fewer';
  return null;
}

export function emailError(value: string): string | null {
  const t = value.trim();
  if (t === '') return 'Enter the email address';
  if (chars(t) > MAX_EMAIL) return `Email address must be ${MAX_EMAIL} characters or fewer`;
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(t)) return 'Enter an email address in the correct format, like name@example.com';
  return null;
}

/** Sort code: 6 digits, spaces and hyphens allowed (`12-34-56`). */
export function sortCodeError(value: string): string | null {
  const t = value.replace(/[\s-]/g, '');
  if (t === '') return 'Enter the sort code';
  if (!/^\d+$/.test(t)) return 'Sort code must only include numbers, like 30 94 57';
  if (t.length !== 6) return 'Sort code must be 6 digits long';
  return null;
}

/** A UK bank account number: eight digits, spaces allowed (as desk-domain rules.rs). */
export function bankAccountError(value: string): string | null {
  const t = value.replace(/\s/g, '');
  if (t === '') return 'Enter the account number';
  if (!/^\d+$/.test(t)) return 'Account number must only include numbers';
  if (t.length !== 8) return 'Account number must be 8 digits long';
  return null;
}

/** The effective date's rules that refuse: within 60 days ahead, not before liability starts. */
export function effectiveError(iso: string, today: string, liableFrom: string | null): string | null {
  if (iso > addDays(today, MAX_DAYS_AHEAD)) return `The date must be no more than ${MAX_DAYS_AHEAD} days from today`;
  if (liableFrom && iso < liableFrom) return 'The date must be on or after the day the account’s liability started';
  return null;
}

/** The same day `n` months earlier (the month's last day when it has no such day). */
export function monthsBefore(iso: string, n: number): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  let year = y;
  let month = m - n;
  while (month < 1) {
    month += 12;
    year -= 1;
  }
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/** Back-dated more than 6 months: taken, and flagged for a supervisor's review. */
export function needsReview(iso: string, today: string): boolean {
  return iso < monthsBefore(today, REVIEW_AFTER_MONTHS);
}

/** A date of birth: today or earlier. */
export function dobError(iso: string, today: string, adult = true): string | null {
  if (iso > today) return 'Date of birth must be today or in the past';
  if (iso < addDays(today, -120 * 366)) return 'Date of birth must be a real date of birth';
  if (adult && iso > monthsBefore(today, 18 * 12)) return 'They must be 18 or over to be counted as an adult';
  return null;
}

/** Pence as the caller hears it: `£1,573.76`, `−£12.40`. */
export function money(pence: number): string {
  const sign = pence < 0 ? '−' : '';
  const abs = Math.abs(pence);
  return `${sign}£${Math.floor(abs / 100).toLocaleString('en-GB')}.${String(abs % 100).padStart(2, '0')}`;
}
