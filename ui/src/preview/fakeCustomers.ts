// The preview desk's customers at the desk: registering (with the "is this them?" step), selling a
// membership and the reception view, in memory. Development only, like the rest of the preview.
import type { CustomerChanged } from '../lib/bindings/CustomerChanged';
import type { CustomerChangesInput } from '../lib/bindings/CustomerChangesInput';
import type { CustomerView } from '../lib/bindings/CustomerView';
import type { MembershipInput } from '../lib/bindings/MembershipInput';
import type { MembershipLine } from '../lib/bindings/MembershipLine';
import type { PriceQuote } from '../lib/bindings/PriceQuote';
import type { ReceptionView } from '../lib/bindings/ReceptionView';
import type { RegisterOutcome } from '../lib/bindings/RegisterOutcome';
import type { RegistrationInput } from '../lib/bindings/RegistrationInput';
import { addDays, todayIso } from '../lib/format';
import { ageOn, EMERGENCY_CONTACT_UNDER } from '../services/leisure/lib/registration';

const fold = (s: string): string =>
  s.normalize('NFD').replace(/\p{Diacritic}/gu, '').replace(/[^\p{L}\p{N}]/gu, '').toLowerCase();

export class FakeCustomers {
  details = new Map<number, RegistrationInput>();
  memberships = new Map<number, MembershipLine>();
  pending = new Set<number>();

  register(customers: CustomerView[], input: RegistrationInput): RegisterOutcome {
    if (input.date_of_birth > todayIso()) {
      throw { code: 'invalid_input', message: `Not registered: a date of birth in the future (${input.date_of_birth}) cannot be right.` };
    }
    if (ageOn(input.date_of_birth, todayIso()) < EMERGENCY_CONTACT_UNDER && !input.emergency_contact) {
      throw { code: 'invalid_input', message: 'Not registered: a customer under 16 needs an emergency contact.' };
    }
    const name = fold(input.first_name + input.last_name);
    const postcode = input.postcode.replace(/\s/g, '').toUpperCase();
    const matches = customers
      .filter((c) => !input.not_them.includes(c.id))
      .flatMap((c) => {
        if (fold(c.first_name + c.last_name) === name && c.date_of_birth === input.date_of_birth) {
          return [{ c, why: 'same name and date of birth' }];
        }
        if (fold(c.last_name) === fold(input.last_name) && c.postcode.replace(/\s/g, '') === postcode) {
          return [{ c, why: 'similar name at the same postcode' }];
        }
        return [];
      })
      .map(({ c, why }) => ({
        customer_id: c.id,
        first_name: c.first_name,
        last_name: c.last_name,
        date_of_birth: c.date_of_birth,
        postcode: c.postcode,
        membership_no: c.membership_no,
        why,
      }));
    if (matches.length > 0) return { customer_id: null, matches };
    const id = 2 ** 52 + Math.floor(Math.random() * 1_000_000);
    customers.push({
      id,
      first_name: input.first_name,
      last_name: input.last_name,
      date_of_birth: input.date_of_birth,
      membership_no: `D${id}`,
      postcode: input.postcode.toUpperCase(),
    });
    this.details.set(id, input);
    this.pending.add(id);
    return { customer_id: id, matches: [] };
  }

  sell(input: MembershipInput): string {
    if (input.starts < todayIso()) throw { code: 'invalid_membership', message: 'A membership cannot start in the past.' };
    const until = new Date(`${input.starts}T00:00:00`);
    until.setMonth(until.getMonth() + (input.billing === 'monthly' ? 1 : 12));
    until.setDate(until.getDate() - 1);
    this.memberships.set(input.customer_id, {
      plan: `FitLife ${input.plan}, ${input.billing}`,
      status: 'active',
      starts: input.starts,
      paid_until: todayIso(until),
      payer_name: null,
    });
    return crypto.randomUUID();
  }

  /** A change to a customer's details: only the fields given; a customer with none kept gets some. */
  update(customers: CustomerView[], input: CustomerChangesInput): CustomerChanged {
    const customer = customers.find((c) => c.id === input.customer_id);
    if (!customer) throw { code: 'not_found', message: `Customer ${input.customer_id} is not on this desk.` };
    if (input.date_of_birth !== null && input.date_of_birth > todayIso()) {
      throw { code: 'invalid_input', message: `Not changed: a date of birth in the future (${input.date_of_birth}) cannot be right.` };
    }
    if (input.concession !== null && input.concession.review_due <= todayIso()) {
      throw { code: 'invalid_input', message: 'Not changed: a concession needs the evidence seen and a review date after today.' };
    }
    const d: RegistrationInput = this.details.get(customer.id) ?? {
      home_centre_id: 1,
      first_name: customer.first_name,
      last_name: customer.last_name,
      date_of_birth: customer.date_of_birth,
      address: '',
      postcode: customer.postcode,
      email: null,
      phone: null,
      emergency_contact: null,
      concession: null,
      marketing_consent: false,
      not_them: [],
    };
    const changed: string[] = [];
    const set = <K extends keyof RegistrationInput>(key: K, value: RegistrationInput[K] | null, words: string, blankIsNull = false) => {
      if (value === null) return;
      const v = (blankIsNull && typeof value === 'string' && value.trim() === '' ? null : value) as RegistrationInput[K];
      if (JSON.stringify(d[key]) === JSON.stringify(v)) return;
      d[key] = v;
      changed.push(words);
    };
    set('first_name', input.first_name, 'first name');
    set('last_name', input.last_name, 'last name');
    set('date_of_birth', input.date_of_birth, 'date of birth');
    set('address', input.address, 'address');
    set('postcode', input.postcode?.toUpperCase() ?? null, 'postcode');
    set('email', input.email, 'email', true);
    set('phone', input.phone, 'phone', true);
    set('emergency_contact', input.emergency_contact, 'emergency contact', true);
    if (input.concession !== null || input.end_concession) set('concession', input.concession, 'concession');
    set('marketing_consent', input.marketing_consent, 'marketing consent');
    if (changed.length === 0) throw { code: 'invalid_input', message: 'Nothing to save: the details are as they were.' };
    this.details.set(customer.id, d);
    Object.assign(customer, {
      first_name: d.first_name,
      last_name: d.last_name,
      date_of_birth: d.date_of_birth,
      postcode: d.postcode,
    });
    return { customer_id: customer.id, changed };
  }

  reception(customer: CustomerView, centre: string, price: PriceQuote | null): ReceptionView {
    const d = this.details.get(customer.id);
    const age = ageOn(customer.date_of_birth, todayIso());
    return {
      customer_id: customer.id,
      first_name: customer.first_name,
      last_name: customer.last_name,
      date_of_birth: customer.date_of_birth,
      age,
      membership_no: customer.membership_no,
      home_centre: centre,
      email: d?.email ?? null,
      phone: d?.phone ?? null,
      postcode: customer.postcode,
      address: d?.address || null,
      emergency_contact: d?.emergency_contact ?? null,
      marketing_consent: d ? d.marketing_consent : null,
      pending: this.pending.has(customer.id),
      membership: this.memberships.get(customer.id) ?? null,
      concession: d?.concession
        ? {
            kind: d.concession.kind,
            evidence: d.concession.evidence,
            review_due: d.concession.review_due,
            lapsed: false,
            review_soon: d.concession.review_due <= addDays(todayIso(), 14),
          }
        : null,
      messages: this.pending.has(customer.id) ? ['Registered on this desk: not yet confirmed by the council server.'] : [],
      upcoming: [],
      past: [],
      payments: [],
      notes: [],
      price,
    };
  }
}
