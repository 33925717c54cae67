import { beforeEach, describe, expect, it, vi } from 'vitest';

import type { AbsenceInput } from '../src/lib/bindings/AbsenceInput';
import type { BlockInput } from '../src/lib/bindings/BlockInput';
import type { ChangeInput } from '../src/lib/bindings/ChangeInput';
import type { CheckInput } from '../src/lib/bindings/CheckInput';
import type { TenderInput } from '../src/lib/bindings/TenderInput';

const invoke = vi.fn();
const listen = vi.fn();
vi.mock('@tauri-apps/api/core', () => ({ invoke: (...args: unknown[]) => invoke(...args) }));
vi.mock('@tauri-apps/api/event', () => ({ listen: (...args: unknown[]) => listen(...args) }));

const ipc = await import('../src/lib/ipc');

/** Cash as the book-and-pay form sends it. */
const BLOCK: BlockInput = {
  space_id: 102,
  first: '2026-09-01',
  last: '2026-12-15',
  every: 'week',
  starts: '19:00:00',
  ends: '21:00:00',
  customer_id: 11,
  club: 'Forres Thistle juniors',
};
const CASH: TenderInput = {
  method: 'cash',
  tendered_pence: 1000,
  terminal: null,
  reference: null,
  voucher_code: null,
  reason: null,
  supervisor_id: null,
  account: null,
};

/** A call as the record-absence form sends it. */
const CALL: AbsenceInput = {
  pupil_id: 401,
  first: { date: '2026-12-01', half: 'AM' },
  last: { date: '2026-12-01', half: 'PM' },
  code: 'LC-ILL',
  reason: 'Temperature',
  caller: { contact_id: 4011, name: 'Catriona MacDonald', relationship: 'Mum' },
  called_at: '2026-12-01T08:40:00',
  expected_return: null,
  channel: 'phone',
};

const CHANGE: ChangeInput = { account_id: 1, check_id: 'c-1', effective: '2026-12-01' };
const CHECK: CheckInput = {
  account_id: 1,
  caller: { kind: 'third_party', name: 'Ann Grant', authority: 'power_of_attorney', seen: 'POA dated 3 May 2024' },
  identified_by: 'name_and_address',
  answers: [
    { item: 'postcode', typed: 'ab30 1aa' },
    { item: 'date_of_birth', typed: '14/03/1970' },
  ],
};

beforeEach(() => {
  invoke.mockReset();
  listen.mockReset();
});

describe('call', () => {
  /** A phone number changed and a concession ended, as the change form sends them. */
  const phoneChanged = {
    changes: {
      customer_id: 11,
      first_name: null,
      last_name: null,
      date_of_birth: null,
      address: null,
      postcode: null,
      email: null,
      phone: '07700 900456',
      emergency_contact: null,
      concession: null,
      end_concession: true,
      marketing_consent: false,
    },
    channel: 'face-to-face',
  } as const;

  it('invokes each shell command by its snake_case name with its camelCase request', async () => {
    invoke.mockResolvedValue(null);
    await ipc.call('app_info');
    await ipc.call('set_server_url', { url: 'https://desk.example' });
    await ipc.call('sign_in', { username: 'ailsa', password: 'pw' });
    await ipc.call('sign_out');
    await ipc.call('lock');
    await ipc.call('unlock', { password: 'pw' });
    await ipc.call('switch_user', { username: 'morven', password: 'pw2' });
    await ipc.call('touch');
    await ipc.call('sync_status');
    await ipc.call('sync_now');
    await ipc.call('centres');
    await ipc.call('timetable', { centreId: 3, day: '2026-12-02' });
    await ipc.call('session', { id: 7 });
    await ipc.call('search_customers', { text: "O'Neill", limit: 20 });
    await ipc.call('find_customers', { text: '07712 345678', limit: 20 });
    await ipc.call('save_draft', { form: 'book:7', data: '{"searchText":"mor"}' });
    await ipc.call('draft', { form: 'book:7' });
    await ipc.call('clear_draft', { form: 'book:7' });
    await ipc.call('book_place', { sessionId: 7, customerId: 11, channel: 'telephone' });
    await ipc.call('join_waiting_list', { sessionId: 7, customerId: 11, channel: 'email' });
    await ipc.call('cancel_place', { bookingId: 'b-1', channel: 'face-to-face' });
    await ipc.call('add_note', { customerId: 11, text: 'Prefers mornings', channel: 'telephone' });
    await ipc.call('customer_notes', { customerId: 11 });
    await ipc.call('price_for', { sessionId: 7, customerId: 11 });
    await ipc.call('book_and_pay', { sessionId: 7, customerId: 11, pricePence: 600, tender: CASH, channel: 'face-to-face' });
    await ipc.call('refund_quote', { bookingId: 'b-1', waive: false });
    await ipc.call('cancel_with_refund', { bookingId: 'b-1', waiver: 'Pool closed', channel: 'telephone' });
    await ipc.call('cash_up', { centreId: 1, day: '2026-12-01', thisDesk: true, floatPence: 5000, countedPence: null });
    await ipc.call('record_cash_count', { centreId: 1, day: '2026-12-01', floatPence: 5000, countedPence: 4900, note: 'Short' });
    await ipc.call('transfer_quote', { bookingId: 'b-1', sessionId: 8, waive: false });
    await ipc.call('transfer', { bookingId: 'b-1', sessionId: 8, pricePence: 600, tender: null, waiver: null, channel: 'telephone' });
    await ipc.call('receipt', { paymentId: 'p-1' });
    await ipc.call('register_customer', {
      customer: {
        home_centre_id: 1,
        first_name: 'Ewan',
        last_name: 'Grant',
        date_of_birth: '1990-06-15',
        address: '4 Moss Street, Elgin',
        postcode: 'IV30 1LT',
        email: null,
        phone: null,
        emergency_contact: null,
        concession: { kind: 'budget', evidence: 'JSA letter', review_due: '2027-06-01' },
        marketing_consent: false,
        not_them: [20],
      },
      channel: 'face-to-face',
    });
    await ipc.call('sell_membership', {
      membership: { customer_id: 11, plan: 'family', billing: 'monthly', starts: '2026-12-01', payer_id: 11, covers: [12] },
      channel: 'face-to-face',
    });
    await ipc.call('update_customer', phoneChanged);
    await ipc.call('reception', { customerId: 11, sessionId: 7 });
    await ipc.call('check_in_find', { text: 'MLC0000007' });
    await ipc.call('check_in', { customerId: 11, bookingId: null, channel: 'face-to-face' });
    await ipc.call('mark_no_shows', { sessionId: 7, bookingIds: ['b-1'], channel: 'face-to-face' });
    await ipc.call('waive_no_show', { bookingId: 'b-1', reason: 'Bus cancelled', channel: 'face-to-face' });
    await ipc.call('offers', { centreId: null });
    await ipc.call('accept_offer', { bookingId: 'b-1', channel: 'telephone' });
    await ipc.call('decline_offer', { bookingId: 'b-1', channel: 'telephone' });
    await ipc.call('charges_of', { customerId: 11 });
    await ipc.call('spaces_day', { centreId: 1, day: '2026-12-01' });
    await ipc.call('book_space', { spaceId: 102, starts: '2026-12-08T19:00:00', ends: '2026-12-08T20:00:00', customerId: 11, club: null, channel: 'telephone' });
    await ipc.call('check_block', { block: BLOCK });
    await ipc.call('book_block', { block: BLOCK, channel: 'face-to-face' });
    await ipc.call('cancel_space', { bookingId: 'sb-1', waiver: null, channel: 'telephone' });
    await ipc.call('space_cancel_quote', { bookingId: 'sb-1' });
    await ipc.call('space_price', { spaceId: 112, starts: '2026-12-08T19:00:00', ends: '2026-12-08T20:00:00', customerId: 11 });
    await ipc.call('hire_space', {
      spaceId: 112,
      starts: '2026-12-08T19:00:00',
      ends: '2026-12-08T20:00:00',
      customerId: 11,
      pricePence: 1_200,
      tender: CASH,
      channel: 'face-to-face',
    });
    await ipc.call('take_space_alternative', { itemId: 'm-1', alternative: 0 });
    await ipc.call('search_pupils', { text: 'eilidh mac', limit: 20 });
    await ipc.call('pupil_page', { pupilId: 401 });
    await ipc.call('schools');
    await ipc.call('school_today', { schoolId: 4, date: null });
    await ipc.call('worklist', { schoolId: 4, date: '2026-12-01' });
    await ipc.call('class_lists', { schoolId: 4, date: null });
    await ipc.call('call_form', { pupilId: 401 });
    await ipc.call('record_absence', { absence: CALL });
    await ipc.call('amend_absence', {
      absenceId: 'a-1',
      first: { date: '2026-12-01', half: 'AM' },
      last: { date: '2026-12-01', half: 'AM' },
      code: 'LC-ILL',
      reason: 'Morning only',
      expectedReturn: null,
      why: 'Mum rang back',
    });
    await ipc.call('withdraw_absence', { absenceId: 'a-1', reason: 'Wrong pupil' });
    await ipc.call('record_late', { pupilId: 403, date: '2026-12-01', arrivedAt: '09:05:00', reason: 'Bus late' });
    await ipc.call('record_early_leave', {
      pupilId: 403,
      date: '2026-12-01',
      leftAt: '11:30:00',
      code: 'LC-ILL',
      reason: 'Sick',
      collectedBy: { contact_id: null, name: 'Morag Grant', relationship: 'Aunt' },
    });
    await ipc.call('log_contact_attempt', {
      pupilId: 401,
      date: '2026-12-01',
      contactId: 4011,
      method: 'phone',
      outcome: 'no_answer',
      note: '',
      explanation: null,
    });
    await ipc.call('escalate', { pupilId: 401, date: '2026-12-01', to: 'head_teacher', note: '3 tries', byChoice: false });
    await ipc.call('take_absence_alternative', { itemId: 'm-2', alternative: 0 });
    await ipc.call('search_ct_accounts', { text: 'AB30 1AA', limit: 20 });
    await ipc.call('ct_account', { accountId: 1 });
    await ipc.call('ct_record_check', { check: CHECK });
    await ipc.call('ct_clear_lock', { accountId: 1, note: 'Caller verified in person' });
    await ipc.call('ct_move_in', { change: CHANGE, name: 'Euan Rose', dateOfBirth: '1980-02-01', tenure: 'tenant', previousAddress: null });
    await ipc.call('ct_move_out', { change: CHANGE, person: "Pàdraig O'Brien", forwardingAddress: '4 Harbour Street, Cullen', tenure: 'owner', saleOrTenancyEnd: '2026-11-28', representative: { kind: 'solicitor', name: 'Grant & Co', contact: '01343 550000' }, next: { kind: 'new_liable', name: 'Ann Grant' } });
    await ipc.call('ct_move_within', { change: CHANGE, person: "Pàdraig O'Brien", newAddress: '9 High Street, Elgin', newPostcode: 'IV30 1AB', newUprn: null, next: { kind: 'unknown' } });
    await ipc.call('ct_adult_in', { change: CHANGE, name: 'Iain Ross', dateOfBirth: '1979-01-30' });
    await ipc.call('ct_adult_out', { change: CHANGE, name: 'Iain Ross' });
    await ipc.call('ct_apply_spd', { change: CHANGE });
    await ipc.call('ct_remove_spd', { change: CHANGE });
    await ipc.call('ct_disregard', { change: CHANGE, person: 'Iain Ross', reason: 'full_time_student' });
    await ipc.call('ct_claim_exemption', { change: CHANGE, exemption: 'unoccupied_unfurnished', since: '2026-11-01' });
    await ipc.call('ct_disabled_reduction', { change: CHANGE, person: 'Iain Ross', feature: 'A room for a wheelchair' });
    await ipc.call('ct_change_name', { change: CHANGE, person: 'Mòrag MacDonald', newName: 'Mòrag Ross' });
    await ipc.call('ct_correspondence_address', { change: CHANGE, address: '4 Harbour Street, Cullen', postcode: 'AB56 4SQ' });
    await ipc.call('ct_paperless_sign_up', { change: CHANGE, email: 'a@example.org', emailAgain: 'a@example.org', consentWording: 'Bills by email', consentVersion: 'v1' });
    await ipc.call('ct_paperless_withdrawal', { change: CHANGE });
    await ipc.call('ct_direct_debit', { change: CHANGE, accountHolder: 'Iain Ross', sortCode: '12-34-56', accountNumber: '12345678', instalments: 10, day: 15 });
    await ipc.call('ct_ctr_referral', { change: CHANGE, formSentBy: 'post' });
    await ipc.call('needs_attention');
    await ipc.call('take_alternative', { itemId: 'm-1', alternative: 1 });
    await ipc.call('dismiss_attention', { itemId: 'm-1', note: 'Phoned' });
    expect(invoke.mock.calls).toEqual([
      ['app_info', undefined],
      ['set_server_url', { url: 'https://desk.example' }],
      ['sign_in', { username: 'ailsa', password: 'pw' }],
      ['sign_out', undefined],
      ['lock', undefined],
      ['unlock', { password: 'pw' }],
      ['switch_user', { username: 'morven', password: 'pw2' }],
      ['touch', undefined],
      ['sync_status', undefined],
      ['sync_now', undefined],
      ['centres', undefined],
      ['timetable', { centreId: 3, day: '2026-12-02' }],
      ['session', { id: 7 }],
      ['search_customers', { text: "O'Neill", limit: 20 }],
      ['find_customers', { text: '07712 345678', limit: 20 }],
      ['save_draft', { form: 'book:7', data: '{"searchText":"mor"}' }],
      ['draft', { form: 'book:7' }],
      ['clear_draft', { form: 'book:7' }],
      ['book_place', { sessionId: 7, customerId: 11, channel: 'telephone' }],
      ['join_waiting_list', { sessionId: 7, customerId: 11, channel: 'email' }],
      ['cancel_place', { bookingId: 'b-1', channel: 'face-to-face' }],
      ['add_note', { customerId: 11, text: 'Prefers mornings', channel: 'telephone' }],
      ['customer_notes', { customerId: 11 }],
      ['price_for', { sessionId: 7, customerId: 11 }],
      ['book_and_pay', { sessionId: 7, customerId: 11, pricePence: 600, tender: CASH, channel: 'face-to-face' }],
      ['refund_quote', { bookingId: 'b-1', waive: false }],
      ['cancel_with_refund', { bookingId: 'b-1', waiver: 'Pool closed', channel: 'telephone' }],
      ['cash_up', { centreId: 1, day: '2026-12-01', thisDesk: true, floatPence: 5000, countedPence: null }],
      ['record_cash_count', { centreId: 1, day: '2026-12-01', floatPence: 5000, countedPence: 4900, note: 'Short' }],
      ['transfer_quote', { bookingId: 'b-1', sessionId: 8, waive: false }],
      ['transfer', { bookingId: 'b-1', sessionId: 8, pricePence: 600, tender: null, waiver: null, channel: 'telephone' }],
      ['receipt', { paymentId: 'p-1' }],
      [
        'register_customer',
        {
          customer: {
            home_centre_id: 1,
            first_name: 'Ewan',
            last_name: 'Grant',
            date_of_birth: '1990-06-15',
            address: '4 Moss Street, Elgin',
            postcode: 'IV30 1LT',
            email: null,
            phone: null,
            emergency_contact: null,
            concession: { kind: 'budget', evidence: 'JSA letter', review_due: '2027-06-01' },
            marketing_consent: false,
            not_them: [20],
          },
          channel: 'face-to-face',
        },
      ],
      [
        'sell_membership',
        {
          membership: { customer_id: 11, plan: 'family', billing: 'monthly', starts: '2026-12-01', payer_id: 11, covers: [12] },
          channel: 'face-to-face',
        },
      ],
      [
        'update_customer',
        phoneChanged,
      ],
      ['reception', { customerId: 11, sessionId: 7 }],
      ['check_in_find', { text: 'MLC0000007' }],
      ['check_in', { customerId: 11, bookingId: null, channel: 'face-to-face' }],
      ['mark_no_shows', { sessionId: 7, bookingIds: ['b-1'], channel: 'face-to-face' }],
      ['waive_no_show', { bookingId: 'b-1', reason: 'Bus cancelled', channel: 'face-to-face' }],
      ['offers', { centreId: null }],
      ['accept_offer', { bookingId: 'b-1', channel: 'telephone' }],
      ['decline_offer', { bookingId: 'b-1', channel: 'telephone' }],
      ['charges_of', { customerId: 11 }],
      ['spaces_day', { centreId: 1, day: '2026-12-01' }],
      ['book_space', { spaceId: 102, starts: '2026-12-08T19:00:00', ends: '2026-12-08T20:00:00', customerId: 11, club: null, channel: 'telephone' }],
      ['check_block', { block: BLOCK }],
      ['book_block', { block: BLOCK, channel: 'face-to-face' }],
      ['cancel_space', { bookingId: 'sb-1', waiver: null, channel: 'telephone' }],
      ['space_cancel_quote', { bookingId: 'sb-1' }],
      ['space_price', { spaceId: 112, starts: '2026-12-08T19:00:00', ends: '2026-12-08T20:00:00', customerId: 11 }],
      [
        'hire_space',
        {
          spaceId: 112,
          starts: '2026-12-08T19:00:00',
          ends: '2026-12-08T20:00:00',
          customerId: 11,
          pricePence: 1_200,
          tender: CASH,
          channel: 'face-to-face',
        },
      ],
      ['take_space_alternative', { itemId: 'm-1', alternative: 0 }],
      ['search_pupils', { text: 'eilidh mac', limit: 20 }],
      ['pupil_page', { pupilId: 401 }],
      ['schools', undefined],
      ['school_today', { schoolId: 4, date: null }],
      ['worklist', { schoolId: 4, date: '2026-12-01' }],
      ['class_lists', { schoolId: 4, date: null }],
      ['call_form', { pupilId: 401 }],
      ['record_absence', { absence: CALL }],
      [
        'amend_absence',
        {
          absenceId: 'a-1',
          first: { date: '2026-12-01', half: 'AM' },
          last: { date: '2026-12-01', half: 'AM' },
          code: 'LC-ILL',
          reason: 'Morning only',
          expectedReturn: null,
          why: 'Mum rang back',
        },
      ],
      ['withdraw_absence', { absenceId: 'a-1', reason: 'Wrong pupil' }],
      ['record_late', { pupilId: 403, date: '2026-12-01', arrivedAt: '09:05:00', reason: 'Bus late' }],
      [
        'record_early_leave',
        {
          pupilId: 403,
          date: '2026-12-01',
          leftAt: '11:30:00',
          code: 'LC-ILL',
          reason: 'Sick',
          collectedBy: { contact_id: null, name: 'Morag Grant', relationship: 'Aunt' },
        },
      ],
      [
        'log_contact_attempt',
        { pupilId: 401, date: '2026-12-01', contactId: 4011, method: 'phone', outcome: 'no_answer', note: '', explanation: null },
      ],
      ['escalate', { pupilId: 401, date: '2026-12-01', to: 'head_teacher', note: '3 tries', byChoice: false }],
      ['take_absence_alternative', { itemId: 'm-2', alternative: 0 }],
      ['search_ct_accounts', { text: 'AB30 1AA', limit: 20 }],
      ['ct_account', { accountId: 1 }],
      ['ct_record_check', { check: CHECK }],
      ['ct_clear_lock', { accountId: 1, note: 'Caller verified in person' }],
      ['ct_move_in', { change: CHANGE, name: 'Euan Rose', dateOfBirth: '1980-02-01', tenure: 'tenant', previousAddress: null }],
      ['ct_move_out', { change: CHANGE, person: "Pàdraig O'Brien", forwardingAddress: '4 Harbour Street, Cullen', tenure: 'owner', saleOrTenancyEnd: '2026-11-28', representative: { kind: 'solicitor', name: 'Grant & Co', contact: '01343 550000' }, next: { kind: 'new_liable', name: 'Ann Grant' } }],
      ['ct_move_within', { change: CHANGE, person: "Pàdraig O'Brien", newAddress: '9 High Street, Elgin', newPostcode: 'IV30 1AB', newUprn: null, next: { kind: 'unknown' } }],
      ['ct_adult_in', { change: CHANGE, name: 'Iain Ross', dateOfBirth: '1979-01-30' }],
      ['ct_adult_out', { change: CHANGE, name: 'Iain Ross' }],
      ['ct_apply_spd', { change: CHANGE }],
      ['ct_remove_spd', { change: CHANGE }],
      ['ct_disregard', { change: CHANGE, person: 'Iain Ross', reason: 'full_time_student' }],
      ['ct_claim_exemption', { change: CHANGE, exemption: 'unoccupied_unfurnished', since: '2026-11-01' }],
      ['ct_disabled_reduction', { change: CHANGE, person: 'Iain Ross', feature: 'A room for a wheelchair' }],
      ['ct_change_name', { change: CHANGE, person: 'Mòrag MacDonald', newName: 'Mòrag Ross' }],
      ['ct_correspondence_address', { change: CHANGE, address: '4 Harbour Street, Cullen', postcode: 'AB56 4SQ' }],
      ['ct_paperless_sign_up', { change: CHANGE, email: 'a@example.org', emailAgain: 'a@example.org', consentWording: 'Bills by email', consentVersion: 'v1' }],
      ['ct_paperless_withdrawal', { change: CHANGE }],
      ['ct_direct_debit', { change: CHANGE, accountHolder: 'Iain Ross', sortCode: '12-34-56', accountNumber: '12345678', instalments: 10, day: 15 }],
      ['ct_ctr_referral', { change: CHANGE, formSentBy: 'post' }],
      ['needs_attention', undefined],
      ['take_alternative', { itemId: 'm-1', alternative: 1 }],
      ['dismiss_attention', { itemId: 'm-1', note: 'Phoned' }],
    ]);
  });

  it('covers every command the shell answers, once each', async () => {
    const { COMMANDS } = await import('../src/lib/bindings/commands');
    // The calls above name every command of the generated contract, so a new one is noticed here.
    expect([...COMMANDS].sort()).toEqual(
      [
        'app_info', 'set_server_url', 'sign_in', 'sign_out', 'lock', 'unlock', 'switch_user', 'touch',
        'sync_status', 'sync_now', 'centres', 'timetable', 'session', 'search_customers', 'find_customers', 'save_draft', 'draft', 'clear_draft', 'book_place',
        'join_waiting_list', 'cancel_place', 'add_note', 'customer_notes', 'price_for', 'book_and_pay', 'refund_quote',
        'cancel_with_refund', 'cash_up', 'record_cash_count', 'transfer_quote', 'transfer', 'receipt',
        'register_customer', 'sell_membership', 'update_customer', 'reception',
        'check_in_find', 'check_in', 'mark_no_shows', 'waive_no_show', 'offers', 'accept_offer', 'decline_offer', 'charges_of',
        'spaces_day', 'book_space', 'check_block', 'book_block', 'cancel_space', 'space_cancel_quote', 'take_space_alternative', 'space_price', 'hire_space',
        'search_pupils', 'pupil_page', 'schools',
        'school_today', 'worklist', 'class_lists', 'call_form', 'record_absence', 'amend_absence', 'withdraw_absence', 'record_late', 'record_early_leave',
        'log_contact_attempt', 'escalate',
        'take_absence_alternative', 'needs_attention', 'take_alternative', 'dismiss_attention',
        'search_ct_accounts', 'ct_account', 'ct_record_check', 'ct_clear_lock', 'ct_move_in', 'ct_move_out', 'ct_move_within',
        'ct_adult_in', 'ct_adult_out', 'ct_apply_spd', 'ct_remove_spd', 'ct_disregard', 'ct_claim_exemption',
        'ct_disabled_reduction', 'ct_change_name', 'ct_correspondence_address', 'ct_paperless_sign_up',
        'ct_paperless_withdrawal', 'ct_direct_debit', 'ct_ctr_referral',
      ].sort(),
    );
  });

  it('turn a {code, message} rejection into an IpcError with that code', async () => {
    invoke.mockRejectedValue({ code: 'bad_credentials', message: 'No.' });
    const error = await ipc.call('sign_in', { username: 'a', password: 'b' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ipc.IpcError);
    expect((error as InstanceType<typeof ipc.IpcError>).code).toBe('bad_credentials');
    expect((error as Error).message).toBe('No.');
  });

  it('turn a bare string rejection from Tauri into code ipc', async () => {
    invoke.mockRejectedValue('command sign_in not found');
    await expect(ipc.call('sign_in', { username: 'a', password: 'b' })).rejects.toMatchObject({ code: 'ipc', message: 'command sign_in not found' });
  });

  it('tell the session-end handler when a command meets a locked desk or nobody signed in', async () => {
    const seen: string[] = [];
    ipc.setSessionEndHandler((code) => seen.push(code));
    try {
      invoke.mockRejectedValueOnce({ code: 'locked', message: 'This desk is locked.' });
      await expect(ipc.call('centres')).rejects.toMatchObject({ code: 'locked' });
      invoke.mockRejectedValueOnce({ code: 'signed_out', message: 'Nobody.' });
      await expect(ipc.call('needs_attention')).rejects.toMatchObject({ code: 'signed_out' });
      invoke.mockRejectedValueOnce({ code: 'bad_credentials', message: 'No.' });
      await expect(ipc.call('unlock', { password: 'x' })).rejects.toMatchObject({ code: 'bad_credentials' });
      expect(seen).toEqual(['locked', 'signed_out']);
    } finally {
      ipc.setSessionEndHandler(null);
    }
  });

  it('deliver desk-locked payloads to the handler', async () => {
    listen.mockImplementation(async (_name: string, cb: (e: { payload: unknown }) => void) => {
      cb({ payload: { username: 'ailsa.mackenzie' } });
      return () => {};
    });
    const seen: unknown[] = [];
    await ipc.onDeskLocked((l) => seen.push(l));
    expect(listen.mock.calls[0]?.[0]).toBe('desk-locked');
    expect(seen).toEqual([{ username: 'ailsa.mackenzie' }]);
  });

  it('deliver sync-status payloads to the handler', async () => {
    const unlisten = vi.fn();
    listen.mockImplementation(async (_name: string, cb: (e: { payload: unknown }) => void) => {
      cb({ payload: { online: true } });
      return unlisten;
    });
    const seen: unknown[] = [];
    const stop = await ipc.onSyncStatus((s) => seen.push(s));
    expect(listen.mock.calls[0]?.[0]).toBe('sync-status');
    expect(seen).toEqual([{ online: true }]);
    stop();
    expect(unlisten).toHaveBeenCalled();
  });
});
