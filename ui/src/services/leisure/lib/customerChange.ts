// Changing a customer's details: the form prefilled from the reception view, registration's
// checks beside each field the receptionist changed (the desk checks the same rules again,
// desk_domain::leisure::customer_update), and the request naming only what changed, so two
// desks changing different fields of one customer both stand.
import type { CustomerChangesInput } from '../../../lib/bindings/CustomerChangesInput';
import type { ReceptionView } from '../../../lib/bindings/ReceptionView';
import { todayIso } from '../../../lib/format';
import { dateFieldsResult, type DateFields } from '../../../lib/validation';
import { registrationErrors, type ConcessionChoice, type RegistrationErrors, type RegistrationForm } from './registration';

/** The registration form's fields, less the home centre (a change does not move a customer). */
export type ChangeForm = Omit<RegistrationForm, 'centreId'>;
export type ChangeErrors = Omit<RegistrationErrors, 'centreId'>;

const blank = (): DateFields => ({ day: '', month: '', year: '' });

function fieldsOf(iso: string): DateFields {
  const [year, month, day] = iso.split('-');
  return { day: String(Number(day)), month: String(Number(month)), year: year ?? '' };
}

const KINDS: ConcessionChoice[] = ['budget', 'disabled', 'carer', 'student'];

/** The form as the customer's record stands. */
export function formOf(view: ReceptionView): ChangeForm {
  const kind = view.concession?.kind.toLowerCase() as ConcessionChoice | undefined;
  return {
    firstName: view.first_name,
    lastName: view.last_name,
    dob: fieldsOf(view.date_of_birth),
    address: view.address ?? '',
    postcode: view.postcode,
    email: view.email ?? '',
    phone: view.phone ?? '',
    emergencyContact: view.emergency_contact ?? '',
    concession: kind && KINDS.includes(kind) ? kind : 'none',
    evidence: view.concession?.evidence ?? '',
    reviewDue: view.concession ? fieldsOf(view.concession.review_due) : blank(),
    marketing: view.marketing_consent ?? false,
  };
}

const iso = (d: DateFields): string | null => {
  const r = dateFieldsResult(d);
  return r.ok ? r.iso : null;
};
const same = (a: DateFields, b: DateFields) => iso(a) === iso(b) && iso(a) !== null;
const tidy = (s: string) => s.trim().replace(/\s+/g, ' ');
const postcode = (s: string) => s.replace(/\s/g, '').toUpperCase();

/** The parts of the form the receptionist changed from `was`, compared as the desk tidies them. */
export function changedFields(form: ChangeForm, was: ChangeForm): Set<keyof ChangeForm> {
  const out = new Set<keyof ChangeForm>();
  if (tidy(form.firstName) !== tidy(was.firstName)) out.add('firstName');
  if (tidy(form.lastName) !== tidy(was.lastName)) out.add('lastName');
  if (!same(form.dob, was.dob)) out.add('dob');
  if (form.address.trim() !== was.address.trim()) out.add('address');
  if (postcode(form.postcode) !== postcode(was.postcode)) out.add('postcode');
  if (form.email.trim().toLowerCase() !== was.email.trim().toLowerCase()) out.add('email');
  if (tidy(form.phone) !== tidy(was.phone)) out.add('phone');
  if (tidy(form.emergencyContact) !== tidy(was.emergencyContact)) out.add('emergencyContact');
  if (form.concession !== was.concession) out.add('concession');
  if (form.concession !== 'none') {
    if (form.evidence.trim() !== was.evidence.trim()) out.add('evidence');
    if (!same(form.reviewDue, was.reviewDue)) out.add('reviewDue');
  }
  if (form.marketing !== was.marketing) out.add('marketing');
  return out;
}

/**
 * Registration's errors for the fields changed (a record already off the rules, such as a child
 * loaded without an emergency contact, can still have its phone changed: the reception view
 * asks for the rest). A changed date of birth checks the emergency contact again; a changed
 * concession checks its evidence and review date.
 */
export function changeErrors(form: ChangeForm, was: ChangeForm, today: string = todayIso()): ChangeErrors {
  const changed = changedFields(form, was);
  const all = registrationErrors({ ...form, centreId: 0 }, today);
  const concession = changed.has('concession') || changed.has('evidence') || changed.has('reviewDue');
  const keep: Record<keyof ChangeErrors, boolean> = {
    firstName: changed.has('firstName'),
    lastName: changed.has('lastName'),
    dob: changed.has('dob'),
    // A customer loaded from the council's system may have no address kept: blank stays blank.
    address: changed.has('address'),
    postcode: changed.has('postcode'),
    email: changed.has('email'),
    phone: changed.has('phone'),
    emergencyContact: changed.has('emergencyContact') || changed.has('dob'),
    concession,
    evidence: concession,
    reviewDue: concession,
    marketing: changed.has('marketing'),
  };
  const out: ChangeErrors = {};
  for (const k of Object.keys(keep) as (keyof ChangeErrors)[]) {
    if (keep[k] && all[k]) out[k] = all[k];
  }
  return out;
}

/** The request: each field changed, `null` for the rest (the form has been checked). */
export function changesOf(customerId: number, form: ChangeForm, was: ChangeForm): CustomerChangesInput {
  const c = changedFields(form, was);
  const text = (k: keyof ChangeForm, v: string) => (c.has(k) ? v.trim() : null);
  const concessionChanged = c.has('concession') || c.has('evidence') || c.has('reviewDue');
  return {
    customer_id: customerId,
    first_name: text('firstName', form.firstName),
    last_name: text('lastName', form.lastName),
    date_of_birth: c.has('dob') ? iso(form.dob) : null,
    address: text('address', form.address),
    postcode: text('postcode', form.postcode),
    // Blank removes an email, a phone number or an emergency contact.
    email: text('email', form.email),
    phone: text('phone', form.phone),
    emergency_contact: text('emergencyContact', form.emergencyContact),
    concession:
      concessionChanged && form.concession !== 'none'
        ? { kind: form.concession, evidence: form.evidence.trim(), review_due: iso(form.reviewDue)! }
        : null,
    end_concession: concessionChanged && form.concession === 'none',
    marketing_consent: c.has('marketing') ? form.marketing : null,
  };
}
