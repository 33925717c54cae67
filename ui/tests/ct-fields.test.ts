// The council-tax question pages' own checks, with the bad input issue 10 §6 names: a future
// date of birth, an effective date before liability or too far ahead, a sort code with letters,
// mismatched emails, a 300-character name, a 13-digit UPRN and a postcode that is not one.
import { describe, expect, it } from 'vitest';

import {
  bankAccountError,
  dobError,
  effectiveError,
  emailError,
  money,
  monthsBefore,
  nameError,
  needsReview,
  normalisePostcode,
  postcodeError,
  sortCodeError,
  uprnError,
} from '../src/services/council-tax/changes/fields';
import type { CtMoveInRequest } from '../src/lib/bindings/CtMoveInRequest';
import type { CtMoveOutRequest } from '../src/lib/bindings/CtMoveOutRequest';
import type { CtMoveWithinRequest } from '../src/lib/bindings/CtMoveWithinRequest';
import type { CtAdultInRequest } from '../src/lib/bindings/CtAdultInRequest';
import type { CtAdultOutRequest } from '../src/lib/bindings/CtAdultOutRequest';
import type { CtApplySpdRequest } from '../src/lib/bindings/CtApplySpdRequest';
import type { CtRemoveSpdRequest } from '../src/lib/bindings/CtRemoveSpdRequest';
import type { CtDisregardRequest } from '../src/lib/bindings/CtDisregardRequest';
import type { CtClaimExemptionRequest } from '../src/lib/bindings/CtClaimExemptionRequest';
import type { CtDisabledReductionRequest } from '../src/lib/bindings/CtDisabledReductionRequest';
import type { CtChangeNameRequest } from '../src/lib/bindings/CtChangeNameRequest';
import type { CtCorrespondenceAddressRequest } from '../src/lib/bindings/CtCorrespondenceAddressRequest';
import type { CtPaperlessSignUpRequest } from '../src/lib/bindings/CtPaperlessSignUpRequest';
import type { CtPaperlessWithdrawalRequest } from '../src/lib/bindings/CtPaperlessWithdrawalRequest';
import type { CtDirectDebitRequest } from '../src/lib/bindings/CtDirectDebitRequest';
import type { CtCtrReferralRequest } from '../src/lib/bindings/CtCtrReferralRequest';
import { CHANGES, changeBySlug, kindLabel } from '../src/services/council-tax/changes/kinds';
import { asked, type Ctx } from '../src/services/council-tax/changes/model';

const TODAY = '2026-11-30';

describe('checks beside each field', () => {
  it('takes postcodes in any case and spacing, and refuses what is not one', () => {
    expect(normalisePostcode('ab30 1aa')).toBe('AB301AA');
    expect(normalisePostcode(' IV30   1BX ')).toBe('IV301BX');
    expect(postcodeError('AB30 1AA')).toBeNull();
    for (const bad of ['ELGIN', '12345', 'IV30 BX1', 'IV301BXX9']) expect(postcodeError(bad), bad).toBe('Enter a real postcode, like IV30 1BX');
    expect(postcodeError('  ')).toBe('Enter the postcode');
  });

  it('refuses a UPRN of 13 digits or with letters, and takes 12', () => {
    expect(uprnError('990000000123')).toBeNull();
    expect(uprnError('9900000001234')).toBe('UPRN must be 12 digits or fewer');
    expect(uprnError('99000A')).toBe('UPRN must only include numbers');
    expect(uprnError('')).toBeNull();
  });

  it('refuses a sort code with letters or the wrong length, and an account number that is not one', () => {
    expect(sortCodeError('30-94-57')).toBeNull();
    expect(sortCodeError('30 94 57')).toBeNull();
    expect(sortCodeError('30-9A-57')).toBe('Sort code must only include numbers, like 30 94 57');
    expect(sortCodeError('30945')).toBe('Sort code must be 6 digits long');
    expect(bankAccountError('12345678')).toBeNull();
    expect(bankAccountError('1234')).toBe('Account number must be 8 digits long');
    expect(bankAccountError('1234 5678')).toBeNull();
    expect(bankAccountError('1234567X')).toBe('Account number must only include numbers');
  });

  it('refuses a 300-character name and keeps accents and apostrophes', () => {
    expect(nameError("Mòrag O'Neill-Nic a’ Phì")).toBeNull();
    expect(nameError('A'.repeat(300))).toBe('Name must be 100 characters or fewer');
    expect(nameError('')).toBe('Enter the name');
  });

  it('refuses a date of birth in the future or under 18', () => {
    expect(dobError('2027-01-01', TODAY)).toBe('Date of birth must be today or in the past');
    expect(dobError('2010-01-01', TODAY)).toBe('They must be 18 or over to be counted as an adult');
    expect(dobError('1987-03-27', TODAY)).toBeNull();
    expect(dobError('2008-11-30', TODAY)).toBeNull();
  });

  it('keeps the effective date within 60 days ahead and on or after liability starts; flags more than 6 months back', () => {
    expect(effectiveError('2027-01-29', TODAY, null)).toBeNull();
    expect(effectiveError('2027-01-30', TODAY, null)).toBe('The date must be no more than 60 days from today');
    expect(effectiveError('2019-03-31', TODAY, '2019-04-01')).toBe('The date must be on or after the day the account’s liability started');
    expect(needsReview('2026-05-30', TODAY)).toBe(false);
    expect(needsReview('2026-05-29', TODAY)).toBe(true);
    expect(monthsBefore('2026-08-31', 6)).toBe('2026-02-28');
  });

  it('checks an email address', () => {
    expect(emailError('morag@example.org')).toBeNull();
    expect(emailError('morag.example.org')).toBe('Enter an email address in the correct format, like name@example.com');
  });

  it('says money as the caller hears it', () => {
    expect(money(157376)).toBe('£1,573.76');
    expect(money(-1240)).toBe('−£12.40');
    expect(money(5)).toBe('£0.05');
  });
});

const ctx: Ctx = {
  today: TODAY,
  summary: { id: 7, reference: 'MC00100004', address: '12 Forsyth Street, Elgin', postcode: 'IV30 1AA', uprn: '990000000123', band: 'D', liable_names: ['Mòrag MacDonald'] },
  detail: {
    liable: [{ name: 'Mòrag MacDonald', date_of_birth: '1987-03-27' }],
    liability_start: '2019-04-01',
    single_person_discount: false,
    phone: null,
    email: null,
    paperless: false,
    payment: { direct_debit: false, bank_account: null, last_instalment: null },
    requests: [],
    viewed: [],
  },
};

describe('the change types', () => {
  it('each has its own address, its words and at least one question, each with something to say', () => {
    expect(new Set(CHANGES.map((c) => c.slug)).size).toBe(CHANGES.length);
    expect(CHANGES.length).toBe(16);
    for (const c of CHANGES) {
      expect(changeBySlug(c.slug)).toBe(c);
      expect(c.questions.length, c.kind).toBeGreaterThan(0);
      for (const q of c.questions) expect(q.say.length, `${c.kind} ${q.id}`).toBeGreaterThan(10);
    }
    expect(kindLabel('council_tax.move_out')).toBe('Moving out');
  });

  it('moving out asks who is liable next only as the questions say, and refuses "not known" when nobody stays', () => {
    const def = changeBySlug('move-out')!;
    const next = def.questions.find((q) => q.id === 'next')!;
    expect(next.check!({ next: 'unknown' }, ctx).next).toMatch(/Nobody else is liable/);
    expect(next.fields.find((f) => f.id === 'next_name')!.when!({ next: 'new_liable' })).toBe(true);
    const fields = def.fields(
      { person: 'Mòrag MacDonald', effective: '2026-11-27', forwarding_address: ' 1 High St, Nairn ', tenure: 'tenant', sale_or_tenancy_end: '', representative: 'landlord', representative_name: 'Grampian Lets', representative_contact: '01343 000000', next: 'new_liable', next_name: 'Iain Ross' },
      ctx,
    );
    expect(fields).toEqual({
      person: 'Mòrag MacDonald',
      forwarding_address: '1 High St, Nairn',
      tenure: 'tenant',
      sale_or_tenancy_end: null,
      representative: { kind: 'landlord', name: 'Grampian Lets', contact: '01343 000000' },
      next: { kind: 'new_liable', name: 'Iain Ross' },
    });
  });

  it('an exemption asks when its time limit runs from only where it has one', () => {
    const def = changeBySlug('exemption')!;
    expect(asked(def, { exemption: 'students_only' }, ctx).map((q) => q.id)).toEqual(['exemption', 'effective']);
    expect(asked(def, { exemption: 'unoccupied_unfurnished' }, ctx).map((q) => q.id)).toEqual(['exemption', 'since', 'effective']);
  });

  it('paperless sign-up sends both emails and the consent wording with its version, from today', () => {
    const def = changeBySlug('paperless')!;
    const email = def.questions[0]!;
    expect(email.check!({ email: 'a@b.org', email_again: 'a@b.com' }, ctx)).toEqual({ email_again: 'The email addresses do not match. Ask the caller to spell it again' });
    expect(email.check!({ email: 'A@b.org', email_again: 'a@B.org' }, ctx)).toEqual({});
    const fields = def.fields({ email: 'a@b.org', email_again: 'a@b.org', consent: 'yes' }, ctx);
    expect(fields.consent_version).toMatch(/\S/);
    expect(String(fields.consent_wording)).toMatch(/by email instead of by post/);
    expect(def.effective({}, ctx)).toBe(TODAY);
  });

  it('a Direct Debit sends the bank details as digits and the plan as numbers', () => {
    const def = changeBySlug('direct-debit')!;
    expect(def.fields({ account_holder: 'M MacDonald', sort_code: '30-94-57', account_number: '1234 5678', instalments: '10', day: '15' }, ctx)).toEqual({
      account_holder: 'M MacDonald',
      sort_code: '309457',
      account_number: '12345678',
      instalments: 10,
      day: 15,
    });
  });
});

/** Each change command's own arguments, as the generated contract types them (the type check
 * fails when a request gains, loses or renames a field). */
type Keys<R> = { [K in Exclude<keyof R, 'change'>]: true };
const REQUEST_KEYS: Record<string, Record<string, true>> = {
  move_in: { name: true, dateOfBirth: true, tenure: true, previousAddress: true } satisfies Keys<CtMoveInRequest>,
  move_out: { person: true, forwardingAddress: true, tenure: true, saleOrTenancyEnd: true, representative: true, next: true } satisfies Keys<CtMoveOutRequest>,
  move_within: { person: true, newAddress: true, newPostcode: true, newUprn: true, next: true } satisfies Keys<CtMoveWithinRequest>,
  adult_in: { name: true, dateOfBirth: true } satisfies Keys<CtAdultInRequest>,
  adult_out: { name: true } satisfies Keys<CtAdultOutRequest>,
  apply_spd: {  } satisfies Keys<CtApplySpdRequest>,
  remove_spd: {  } satisfies Keys<CtRemoveSpdRequest>,
  disregard: { person: true, reason: true } satisfies Keys<CtDisregardRequest>,
  claim_exemption: { exemption: true, since: true } satisfies Keys<CtClaimExemptionRequest>,
  disabled_reduction: { person: true, feature: true } satisfies Keys<CtDisabledReductionRequest>,
  change_name: { person: true, newName: true } satisfies Keys<CtChangeNameRequest>,
  correspondence_address: { address: true, postcode: true } satisfies Keys<CtCorrespondenceAddressRequest>,
  paperless_sign_up: { email: true, emailAgain: true, consentWording: true, consentVersion: true } satisfies Keys<CtPaperlessSignUpRequest>,
  paperless_withdrawal: {  } satisfies Keys<CtPaperlessWithdrawalRequest>,
  direct_debit: { accountHolder: true, sortCode: true, accountNumber: true, instalments: true, day: true } satisfies Keys<CtDirectDebitRequest>,
  ctr_referral: { formSentBy: true } satisfies Keys<CtCtrReferralRequest>,
};

/** An answer to every question any change type asks. */
const EVERY_ANSWER = {
  person: 'Mòrag MacDonald', effective: '2026-11-27', forwarding_address: '1 High St, Nairn', tenure: 'owner', sale_or_tenancy_end: '',
  representative: 'none', next: 'unknown', name: 'Iain Ross', date_of_birth: '1979-01-30', previous_address: '', new_address: '2 Low St, Elgin',
  new_postcode: 'IV30 1AA', new_uprn: '', reason: 'carer', exemption: 'students_only', since: '', feature: 'A second bathroom', new_name: 'Mòrag Ross',
  address: '3 Mid St, Elgin', postcode: 'IV30 1AB', email: 'a@b.org', email_again: 'a@b.org', consent: 'yes', confirm: 'yes', alone: 'yes',
  account_holder: 'M MacDonald', sort_code: '309457', account_number: '12345678', instalments: '10', day: '5', form_sent_by: 'post',
};
const camel = (k: string): string => k.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());

describe('each change type sends what its command takes', () => {
  it('names every argument of its request, and nothing else', () => {
    expect(Object.keys(REQUEST_KEYS).sort()).toEqual(CHANGES.map((c) => c.kind).sort());
    for (const c of CHANGES) {
      const sentKeys = Object.keys(c.fields(EVERY_ANSWER, ctx)).map(camel).sort();
      expect(sentKeys, c.kind).toEqual(Object.keys(REQUEST_KEYS[c.kind]!).sort());
    }
  });
});
