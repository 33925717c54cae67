// The registration form's checks, beside each field, before the desk checks the same rules
// again (desk_domain::leisure::registration). Messages follow the GOV.UK error message patterns.
import { todayIso } from '../../../lib/format';
import { dateFieldsResult, type DateFields, type DatePart } from '../../../lib/validation';

/** Under this age an emergency contact is needed (issue 11 §1; the desk's EMERGENCY_CONTACT_UNDER). */
export const EMERGENCY_CONTACT_UNDER = 16;
/** A date of birth more than this many years ago is a typing slip (the desk's MAX_AGE). */
export const MAX_AGE = 120;
/** Names, contacts and evidence: at most this many characters (the desk's MAX_FIELD). */
export const MAX_FIELD = 100;
export const MAX_ADDRESS = 200;

export type ConcessionChoice = 'none' | 'budget' | 'disabled' | 'carer' | 'student';

/** The concessions a desk records (Moray FitLife's kinds, DOMAIN.md), and none. */
export const CONCESSIONS: { value: ConcessionChoice; label: string; hint?: string }[] = [
  { value: 'none', label: 'No concession' },
  { value: 'budget', label: 'Budget', hint: 'Income Support, Jobseeker’s Allowance or a disability allowance' },
  { value: 'disabled', label: 'Disabled' },
  { value: 'carer', label: 'Carer' },
  { value: 'student', label: 'Student' },
];

export interface RegistrationForm {
  centreId: number | null;
  firstName: string;
  lastName: string;
  dob: DateFields;
  address: string;
  postcode: string;
  email: string;
  phone: string;
  emergencyContact: string;
  concession: ConcessionChoice;
  evidence: string;
  reviewDue: DateFields;
  marketing: boolean;
}

export interface FieldError {
  message: string;
  parts?: DatePart[];
}

export type RegistrationErrors = Partial<Record<keyof RegistrationForm, FieldError>>;

/** Whole years between `dobIso` and `onIso` (both `YYYY-MM-DD`). */
export function ageOn(dobIso: string, onIso: string): number {
  const [y1, m1, d1] = dobIso.split('-').map(Number) as [number, number, number];
  const [y2, m2, d2] = onIso.split('-').map(Number) as [number, number, number];
  let years = y2 - y1;
  if (m2 < m1 || (m2 === m1 && d2 < d1)) years -= 1;
  return Math.max(years, 0);
}

/** A UK postcode's shape, as the desk checks it: `IV30 1BX`, `ab101ab`. */
export function postcodeOk(text: string): boolean {
  return /^[A-Z][A-Z0-9]{1,3}[0-9][A-Z]{2}$/.test(text.replace(/\s/g, '').toUpperCase());
}

function textError(value: string, what: string, required: boolean, max = MAX_FIELD): FieldError | undefined {
  const t = value.trim();
  if (t === '') return required ? { message: `Enter ${what}` } : undefined;
  if (Array.from(t).length > max) return { message: `${what[0]!.toUpperCase()}${what.slice(1)} must be ${max} characters or fewer` };
  return undefined;
}

/** Every field's error (none: the form may be sent), as of `today`. */
export function registrationErrors(form: RegistrationForm, today: string = todayIso()): RegistrationErrors {
  const errors: RegistrationErrors = {};
  if (form.centreId === null) errors.centreId = { message: 'Select the customer’s home centre' };
  const first = textError(form.firstName, 'the first name', true);
  if (first) errors.firstName = first;
  const last = textError(form.lastName, 'the last name', true);
  if (last) errors.lastName = last;
  const dob = dateFieldsResult(form.dob, 'Date of birth');
  let age: number | null = null;
  if (!dob.ok) {
    errors.dob = { message: dob.message, parts: dob.parts };
  } else if (dob.iso > today) {
    errors.dob = { message: 'Date of birth must be today or in the past' };
  } else if (ageOn(dob.iso, today) > MAX_AGE) {
    errors.dob = { message: `Date of birth must be within the last ${MAX_AGE} years`, parts: ['year'] };
  } else {
    age = ageOn(dob.iso, today);
  }
  const address = textError(form.address, 'the address', true, MAX_ADDRESS);
  if (address) errors.address = address;
  if (form.postcode.trim() === '') errors.postcode = { message: 'Enter the postcode' };
  else if (!postcodeOk(form.postcode)) errors.postcode = { message: 'Enter a real postcode, like IV30 1BX' };
  const email = form.email.trim();
  if (email !== '' && !/^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/.test(email)) {
    errors.email = { message: 'Enter an email address in the correct format, like name@example.com' };
  }
  const phone = form.phone.trim();
  const digits = phone.replace(/\D/g, '').length;
  if (phone !== '' && (!/^[0-9 +\-()]+$/.test(phone) || digits < 10 || digits > 13)) {
    errors.phone = { message: 'Enter a telephone number, like 01343 563 000 or 07700 900 982' };
  }
  if (age !== null && age < EMERGENCY_CONTACT_UNDER) {
    const contact = textError(form.emergencyContact, 'an emergency contact for a customer under 16', true);
    if (contact) errors.emergencyContact = contact;
  } else {
    const contact = textError(form.emergencyContact, 'the emergency contact', false);
    if (contact) errors.emergencyContact = contact;
  }
  if (form.concession !== 'none') {
    const evidence = textError(form.evidence, 'the evidence you have seen', true);
    if (evidence) errors.evidence = evidence;
    const review = dateFieldsResult(form.reviewDue, 'Review date');
    if (!review.ok) errors.reviewDue = { message: review.message, parts: review.parts };
    else if (review.iso <= today) errors.reviewDue = { message: 'Review date must be in the future' };
  }
  return errors;
}

/** The date as `YYYY-MM-DD` (the form has been checked). */
export function isoOf(fields: DateFields): string {
  const r = dateFieldsResult(fields);
  if (!r.ok) throw new Error('the date was checked before sending');
  return r.iso;
}
