// The contact centre's screens over the fake desk's council-tax handlers (preview/fakeDesk.ts,
// answering as the desk's facade does): the account found and chosen with Enter, the caller
// checked (match / no match, never a held value), a move-out taken one question a page, checked
// and confirmed with its reference and the estimate; errors beside their fields and in the
// summary; focus on each new heading.
import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';

import { COMMANDS, type CommandName } from '../src/lib/bindings/commands';
import { FakeDesk } from '../src/preview/fakeDesk';
import { desk, resetDesk } from './desk';

vi.mock('../src/lib/ipc', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/lib/ipc')>();
  return { ...(await import('./desk')).withDesk(real) };
});

const { default: Search } = await import('../src/services/council-tax/screens/Search.svelte');
const { default: CheckCaller } = await import('../src/services/council-tax/screens/CheckCaller.svelte');
const { default: Account } = await import('../src/services/council-tax/screens/Account.svelte');
const { default: ChangeJourney } = await import('../src/services/council-tax/screens/ChangeJourney.svelte');
const { call } = await import('../src/services/council-tax/stores/call.svelte');
const { account } = await import('../src/services/council-tax/stores/account.svelte');

let fake: FakeDesk;
/** The last request the desk was sent for a command. */
const sent = (name: CommandName): Record<string, unknown> => (desk[name].mock.calls.at(-1) as unknown[])[0] as Record<string, unknown>;

/** The fake desk's account with two liable people, as its held data has them. */
const MACDONALD = { id: 2, reference: 'MC00100026', address: '12 Mac Donald Place, Elgin' };

/** Passes the check on an account through the fake desk, as the check screen would. */
function passCheck(accountId: number): string {
  const outcome = fake.councilTax.recordCheck({
    account_id: accountId,
    caller: { kind: 'liable_person', name: 'Mòrag MacDonald' },
    identified_by: 'account_reference',
    answers: [
      { item: 'date_of_birth', typed: '02/06/1981' },
      { item: 'postcode', typed: 'IV30 4BX' },
    ],
  });
  expect(outcome.passed).toBe(true);
  return outcome.check_id;
}

beforeEach(() => {
  resetDesk();
  fake = new FakeDesk();
  for (const name of COMMANDS) {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    (desk[name] as any).mockImplementation(async (req: unknown) => fake.handle(name, req ?? {}));
  }
  call.end();
  account.reset();
  window.location.hash = '';
});

const focusedHeading = async (name: RegExp | string) => {
  const h = await screen.findByRole('heading', { level: 1, name });
  await vi.waitFor(() => expect(h).toHaveFocus());
  return h;
};

describe('finding the account', () => {
  it('Enter chooses the only match; the list says how many more match when it is cut short', async () => {
    const user = userEvent.setup();
    // A district's worth of accounts: the desk lists 20 and counts the rest.
    const many = Array.from({ length: 20 }, (_, i) => ({ ...fake.councilTax.accounts[1]!.summary, id: 100 + i, reference: `MC002000${10 + i}` }));
    desk.search_ct_accounts.mockImplementation(async ({ text }) =>
      text.startsWith('IV3') ? { accounts: many, more: 14 } : fake.councilTax.search(text, 20),
    );
    render(Search);
    const box = screen.getByTestId('ct-search');
    await user.type(box, 'IV30');
    await vi.waitFor(() => expect(screen.getByTestId('ct-search-count')).toHaveTextContent('Showing 20 accounts. 14 more match'));
    // Several match: Enter alone asks for a choice.
    await user.keyboard('{Enter}');
    expect(await screen.findByTestId('ct-search-error')).toHaveTextContent('Choose the account from the results');
    await user.clear(box);
    await user.type(box, 'mc 0010 0026');
    await vi.waitFor(() => expect(screen.getAllByTestId('ct-search-result')).toHaveLength(1));
    // Only the address and the liable names before the check.
    expect(screen.getByTestId('ct-search-result')).toHaveTextContent('12 Mac Donald Place, Elgin, IV30 4BX');
    expect(screen.getByTestId('ct-search-result')).toHaveTextContent('Mòrag MacDonald and Iain Ross');
    expect(screen.getByTestId('ct-search-result')).not.toHaveTextContent('1981');
    await user.keyboard('{Enter}');
    expect(window.location.hash).toBe('#/council-tax/accounts/2/check');
    expect(call.account?.id).toBe(2);
  });
});

describe('checking the caller', () => {
  async function throughToItems(user: ReturnType<typeof userEvent.setup>) {
    render(CheckCaller, { id: MACDONALD.id });
    await focusedHeadingOrShown(/12 Mac Donald Place/);
    expect(screen.getByTestId('ct-summary')).not.toHaveTextContent('1981');
    await user.click(screen.getByTestId('ct-start-check'));
    await focusedHeading('Who is calling?');
    // Nothing chosen: the error beside the question and in the summary.
    await user.click(screen.getByTestId('ct-who-continue'));
    expect(await screen.findByTestId('ct-who-error')).toHaveTextContent('Select who is calling');
    expect(within(screen.getByTestId('error-summary')).getByRole('link', { name: 'Select who is calling' })).toBeInTheDocument();
    await user.click(screen.getAllByTestId('ct-who-liable')[0]!);
    await user.click(screen.getByTestId('ct-who-continue'));
    await focusedHeading('How did the caller identify the account?');
    await user.click(screen.getByTestId('ct-identified-reference'));
    await user.type(screen.getByTestId('ct-typed-reference'), 'MC00100013');
    await user.click(screen.getByTestId('ct-identify-continue'));
    expect(await screen.findByTestId('ct-typed-reference-error')).toHaveTextContent('not this account’s');
    await user.clear(screen.getByTestId('ct-typed-reference'));
    await user.type(screen.getByTestId('ct-typed-reference'), 'mc 0010 0026');
    await user.click(screen.getByTestId('ct-identify-continue'));
    await focusedHeading('Ask two further questions');
  }

  it('passes with two matching answers and opens the account', async () => {
    const user = userEvent.setup();
    await throughToItems(user);
    await user.click(screen.getByTestId('ct-check-submit'));
    expect(await screen.findByTestId('ct-items-error')).toHaveTextContent('Select two items');
    await user.click(screen.getByTestId('ct-item-date_of_birth'));
    await user.type(screen.getByTestId('ct-answer-date_of_birth'), '02/06/1981');
    await user.click(screen.getByTestId('ct-item-postcode'));
    await user.type(screen.getByTestId('ct-answer-postcode'), 'iv304bx');
    // Two chosen: the others wait.
    expect(screen.getByTestId('ct-item-phone')).toBeDisabled();
    await user.click(screen.getByTestId('ct-check-submit'));
    await focusedHeading('The caller passed the identity check');
    expect(sent('ct_record_check')).toEqual({
      check: {
        account_id: 2,
        caller: { kind: 'liable_person', name: 'Mòrag MacDonald' },
        identified_by: 'account_reference',
        answers: [
          { item: 'date_of_birth', typed: '02/06/1981' },
          { item: 'postcode', typed: 'iv304bx' },
        ],
      },
    });
    await user.click(screen.getByTestId('ct-to-account'));
    expect(window.location.hash).toBe('#/council-tax/accounts/2');
  });

  it('says no match without the held value, and stops phone changes at the third failure', async () => {
    const user = userEvent.setup();
    // Two failed checks already today on this account: this one is the third.
    for (let i = 0; i < 2; i++) {
      fake.councilTax.recordCheck({
        account_id: 2,
        caller: { kind: 'liable_person', name: 'Iain Ross' },
        identified_by: 'name_and_address',
        answers: [
          { item: 'phone', typed: '01343 000000' },
          { item: 'postcode', typed: 'AB56 1QT' },
        ],
      });
    }
    await throughToItems(user);
    await user.click(screen.getByTestId('ct-item-date_of_birth'));
    await user.type(screen.getByTestId('ct-answer-date_of_birth'), '01/01/1990');
    await user.click(screen.getByTestId('ct-item-phone'));
    await user.type(screen.getByTestId('ct-answer-phone'), '07700 900000');
    await user.click(screen.getByTestId('ct-check-submit'));
    await focusedHeading('The caller did not pass the identity check');
    const items = screen.getAllByTestId('ct-check-item');
    expect(items.map((li) => li.dataset.outcome)).toEqual(['no_match', 'no_match']);
    expect(document.body).not.toHaveTextContent('1981');
    expect(document.body).not.toHaveTextContent('900417');
    expect(screen.getByTestId('ct-locked')).toHaveTextContent('stopped until a supervisor clears them');
    expect(screen.queryByTestId('ct-to-account')).toBeNull();
  });
});

async function focusedHeadingOrShown(name: RegExp) {
  return screen.findByRole('heading', { level: 1, name });
}

describe('the account page', () => {
  it('asks for the check first, then shows the detail with the payment masked and the changes', async () => {
    const before = render(Account, { id: 2 });
    expect(await screen.findByTestId('ct-needs-check')).toBeInTheDocument();
    expect(document.body).not.toHaveTextContent('1981');
    before.unmount();
    passCheck(2);
    call.passed({ kind: 'third_party', name: 'Ewan Grant', authority: 'power_of_attorney', seen: 'POA registered 3 May 2024' });
    render(Account, { id: 2 });
    expect(await screen.findByTestId('ct-account-payment')).toHaveTextContent('Direct Debit, account •••• 7781');
    expect(screen.getByTestId('ct-script')).toHaveTextContent('Calling: Ewan Grant, power of attorney (seen: POA registered 3 May 2024).');
    expect(screen.getByTestId('ct-account-liable')).toHaveTextContent('2 June 1981');
    expect(screen.getAllByTestId('ct-change-link')).toHaveLength(16);
    expect(screen.getByTestId('ct-requests-none')).toBeInTheDocument();
    // A sync brings the revenue system's statuses: the page reads the account again.
    const reads = desk.ct_account.mock.calls.length;
    account.synced();
    await vi.waitFor(() => expect(desk.ct_account.mock.calls.length).toBe(reads + 1));
  });
});

describe('moving out, one question a page', () => {
  it('takes the move-out with its forwarding address and confirms the reference and the estimate', async () => {
    const user = userEvent.setup();
    const checkId = passCheck(2);
    render(ChangeJourney, { id: 2, slug: 'move-out' });
    await screen.findByRole('heading', { level: 1, name: 'Who is moving out?' });
    expect(screen.getByTestId('ct-script')).toHaveTextContent('Who is moving out of the property?');
    await user.click(screen.getByTestId('question-continue'));
    expect(await screen.findByTestId('q-person-error')).toHaveTextContent('Select the person');
    await user.click(screen.getAllByTestId('q-person-option')[1]!);
    // Enter on a radio continues, as in a text box.
    await user.keyboard('{Enter}');
    await focusedHeading('What date do they move out?');

    // Too far ahead, then not a real date: errors beside the date and in the summary.
    await user.type(screen.getByTestId('q-effective-day'), '1');
    await user.type(screen.getByTestId('q-effective-month'), '6');
    await user.type(screen.getByTestId('q-effective-year'), '2030');
    await user.click(screen.getByTestId('question-continue'));
    expect(await screen.findByTestId('q-effective-error')).toHaveTextContent('no more than 60 days from today');
    await vi.waitFor(() => expect(screen.getByTestId('error-summary')).toHaveFocus());
    await user.clear(screen.getByTestId('q-effective-day'));
    await user.type(screen.getByTestId('q-effective-day'), '31');
    await user.clear(screen.getByTestId('q-effective-month'));
    await user.type(screen.getByTestId('q-effective-month'), '2');
    await user.click(screen.getByTestId('question-continue'));
    expect(await screen.findByTestId('q-effective-error')).toHaveTextContent('must be a real date');
    const d = new Date(Date.now() - 3 * 86400000);
    for (const [part, v] of [['day', d.getDate()], ['month', d.getMonth() + 1], ['year', d.getFullYear()]] as const) {
      await user.clear(screen.getByTestId(`q-effective-${part}`));
      await user.type(screen.getByTestId(`q-effective-${part}`), String(v));
    }
    await user.click(screen.getByTestId('question-continue'));
    await focusedHeading('What is their forwarding address?');
    await user.click(screen.getByTestId('question-continue'));
    expect(await screen.findByTestId('q-forwarding_address-error')).toHaveTextContent('Enter the forwarding address');
    await user.type(screen.getByTestId('q-forwarding_address'), '2 Seaview Road, Nairn IV12 4AB');
    await user.click(screen.getByTestId('question-continue'));
    await focusedHeading('Did they own or rent the property?');
    await user.click(screen.getAllByTestId('q-tenure-option')[1]!);
    await user.click(screen.getByTestId('question-continue'));
    await focusedHeading(/date of entry of the sale/);
    await user.click(screen.getByTestId('question-continue'));
    await focusedHeading('Is a solicitor, agent or landlord handling it?');
    await user.click(screen.getAllByTestId('q-representative-option')[3]!);
    await user.click(screen.getByTestId('question-continue'));
    expect(await screen.findByTestId('q-representative_name-error')).toHaveTextContent('Enter their name or firm');
    await user.type(screen.getByTestId('q-representative_name'), 'Grampian Lets');
    await user.type(screen.getByTestId('q-representative_contact'), '01343 000000');
    await user.click(screen.getByTestId('question-continue'));
    await focusedHeading('Who will be liable for the property after they leave?');
    await user.click(screen.getAllByTestId('q-next-option')[0]!);
    await user.click(screen.getByTestId('question-continue'));

    await focusedHeading('Check the answers with the caller');
    expect(screen.getByTestId('ct-answer-forwarding_address')).toHaveTextContent('2 Seaview Road, Nairn IV12 4AB');
    expect(screen.getByTestId('ct-answer-tenure')).toHaveTextContent('Tenant');
    expect(screen.getByTestId('ct-answer-sale_or_tenancy_end')).toHaveTextContent('Not given');
    // Change one answer and come straight back.
    await user.click(screen.getByTestId('ct-change-tenure'));
    await focusedHeading('Did they own or rent the property?');
    await user.click(screen.getAllByTestId('q-tenure-option')[0]!);
    await user.click(screen.getByRole('button', { name: 'Save and go back to the answers' }));
    await focusedHeading('Check the answers with the caller');
    expect(screen.getByTestId('ct-answer-tenure')).toHaveTextContent('Owner');

    await user.click(screen.getByTestId('ct-take'));
    await focusedHeading('Change taken');
    expect(screen.getByTestId('ct-confirmation')).toHaveTextContent('Moving out');
    const moveOut = sent('ct_move_out');
    expect(moveOut).toMatchObject({
      change: { account_id: 2, check_id: checkId, effective: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) },
      person: 'Iain Ross',
      forwardingAddress: '2 Seaview Road, Nairn IV12 4AB',
      tenure: 'owner',
      saleOrTenancyEnd: null,
      representative: { kind: 'landlord', name: 'Grampian Lets', contact: '01343 000000' },
      next: { kind: 'unknown' },
    });
    expect(screen.getByTestId('ct-reference')).toHaveTextContent(/^CT-[2-9A-HJ-NP-TV-Z]{5}-[2-9A-HJ-NP-TV-Z]{5}$/);
    expect(screen.getByTestId('ct-estimate-label')).toHaveTextContent('This is an estimate. The new bill will confirm');
    expect(screen.getByTestId('ct-estimate-before')).toHaveTextContent(/^£\d,\d{3}\.\d{2}$/);
    expect(screen.getByTestId('ct-script')).toHaveTextContent(`Your reference is ${screen.getByTestId('ct-reference').textContent}`);
    // Straight on to the discount from the same day, the date filled in.
    await user.click(screen.getByTestId('ct-next-spd'));
    expect(call.prefill).toEqual({ accountId: 2, kind: 'apply_spd', answers: { effective: (moveOut.change as { effective: string }).effective } });
    // The account now lists the request by its reference, waiting to send.
    const reference = screen.getByTestId('ct-reference').textContent!.trim();
    expect((await fake.councilTax.page(2)).detail!.requests.map((r) => r.reference)).toContain(reference);
  });

  it('shows the desk’s refusal on check your answers and keeps the answers', async () => {
    const user = userEvent.setup();
    passCheck(2);
    desk.ct_apply_spd.mockRejectedValue({ code: 'contradicts_earlier_change', message: 'Mòrag MacDonald had already moved out on 1 October.' });
    render(ChangeJourney, { id: 2, slug: 'single-person-discount' });
    await screen.findByRole('heading', { level: 1, name: /only adult/ });
    await user.click(screen.getAllByTestId('q-alone-option')[0]!);
    await user.click(screen.getByTestId('question-continue'));
    await focusedHeading('From what date have they been the only adult?');
    const d = new Date();
    await user.type(screen.getByTestId('q-effective-day'), String(d.getDate()));
    await user.type(screen.getByTestId('q-effective-month'), String(d.getMonth() + 1));
    await user.type(screen.getByTestId('q-effective-year'), String(d.getFullYear()));
    await user.click(screen.getByTestId('question-continue'));
    await focusedHeading('Check the answers with the caller');
    await user.click(screen.getByTestId('ct-take'));
    expect(await screen.findByTestId('ct-take-error')).toHaveTextContent('had already moved out on 1 October');
    expect(screen.getByTestId('ct-answer-alone')).toHaveTextContent('Yes');
  });

  it('paperless: two emails that differ are refused beside the second; the consent must be given', async () => {
    const user = userEvent.setup();
    passCheck(2);
    render(ChangeJourney, { id: 2, slug: 'paperless' });
    await screen.findByRole('heading', { level: 1, name: 'What email address should bills go to?' });
    await user.type(screen.getByTestId('q-email'), 'morag@example.org');
    await user.type(screen.getByTestId('q-email_again'), 'morag@example.com');
    await user.click(screen.getByTestId('question-continue'));
    expect(await screen.findByTestId('q-email_again-error')).toHaveTextContent('The email addresses do not match');
    await user.clear(screen.getByTestId('q-email_again'));
    await user.type(screen.getByTestId('q-email_again'), 'morag@example.org');
    await user.click(screen.getByTestId('question-continue'));
    await focusedHeading('Read the paperless terms to the caller');
    expect(screen.getByTestId('q-consent-wording')).toHaveTextContent('sent by email instead of by post');
    await user.click(screen.getByTestId('question-continue'));
    expect(await screen.findByTestId('q-consent-error')).toHaveTextContent('Confirm the caller agrees');
    await user.click(screen.getByTestId('q-consent'));
    await user.click(screen.getByTestId('question-continue'));
    await focusedHeading('Check the answers with the caller');
    expect(screen.queryByTestId('ct-answer-email_again')).toBeNull();
    await user.click(screen.getByTestId('ct-take'));
    await focusedHeading('Change taken');
    expect(screen.getByTestId('ct-confirmation')).toHaveTextContent('Paperless billing: sign up');
    expect(sent('ct_paperless_sign_up')).toMatchObject({ email: 'morag@example.org', emailAgain: 'morag@example.org', consentVersion: 'e-billing-2026-1' });
  });
});

describe('a locked account', () => {
  const failCheck = () =>
    fake.councilTax.recordCheck({
      account_id: 2,
      caller: { kind: 'liable_person', name: 'Mòrag MacDonald' },
      identified_by: 'account_reference',
      answers: [
        { item: 'date_of_birth', typed: '01/01/1990' },
        { item: 'postcode', typed: 'AB56 1QT' },
      ],
    });

  it('is cleared by a supervisor with a note; anyone else is told beside the note', async () => {
    const user = userEvent.setup();
    for (let i = 0; i < 3; i++) failCheck();
    render(Account, { id: 2 });
    expect(await screen.findByTestId('ct-account-locked')).toHaveTextContent('until a supervisor clears them');
    await user.click(within(screen.getByTestId('ct-clear-lock')).getByText('Supervisor: clear the lock'));

    await user.click(screen.getByTestId('ct-clear-lock-submit'));
    expect(await screen.findByTestId('ct-clear-lock-error')).toHaveTextContent('Say why the lock is cleared');
    expect(desk.ct_clear_lock).not.toHaveBeenCalled();

    // The fake's receptionist is no supervisor: the desk's refusal, beside the note.
    await user.type(screen.getByTestId('ct-clear-lock-note'), 'Caller confirmed identity in person at the office');
    await user.click(screen.getByTestId('ct-clear-lock-submit'));
    await vi.waitFor(() => expect(screen.getByTestId('ct-clear-lock-error')).toHaveTextContent('Only a supervisor'));
    expect(screen.getByTestId('ct-account-locked')).toBeInTheDocument();

    fake.staff.roles = [...fake.staff.roles, 'supervisor'];
    await user.click(screen.getByTestId('ct-clear-lock-submit'));
    expect(await screen.findByTestId('ct-lock-cleared')).toBeInTheDocument();
    expect(sent('ct_clear_lock')).toEqual({ accountId: 2, note: 'Caller confirmed identity in person at the office' });
    expect(screen.queryByTestId('ct-account-locked')).toBeNull();
  });
});
