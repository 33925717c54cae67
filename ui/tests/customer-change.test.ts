import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import type { CustomerChangesInput } from '../src/lib/bindings/CustomerChangesInput';
import type { ReceptionView } from '../src/lib/bindings/ReceptionView';
import { addDays, todayIso } from '../src/lib/format';
import { changeErrors, changesOf, formOf, type ChangeForm } from '../src/services/leisure/lib/customerChange';
import { desk, resetDesk } from './desk';

vi.mock('../src/lib/ipc', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/lib/ipc')>();
  return { ...(await import('./desk')).withDesk(real) };
});

const { default: ChangeCustomer } = await import('../src/services/leisure/screens/ChangeCustomer.svelte');
const { default: Reception } = await import('../src/services/leisure/screens/Reception.svelte');
const { router } = await import('../src/lib/router.svelte');
const { shortcuts } = await import('../src/lib/shortcuts.svelte');
const { flash } = await import('../src/lib/stores/flash.svelte');

const TODAY = '2026-12-01';

function view(extra: Partial<ReceptionView> = {}): ReceptionView {
  return {
    customer_id: 7,
    first_name: 'Mòrag',
    last_name: "O'Neill",
    date_of_birth: '1980-02-01',
    age: 46,
    membership_no: 'MLC0010042',
    home_centre: 'Moray Leisure Centre',
    email: 'morag@example.org',
    phone: '07700 900123',
    postcode: 'IV30 1AB',
    address: '2 Hay Street, Elgin',
    emergency_contact: null,
    marketing_consent: true,
    pending: false,
    membership: null,
    concession: { kind: 'Budget', evidence: 'JSA letter', review_due: '2027-01-10', lapsed: false, review_soon: false },
    messages: [],
    upcoming: [],
    past: [],
    payments: [],
    notes: [],
    price: null,
    ...extra,
  };
}

const NOTHING: CustomerChangesInput = {
  customer_id: 7,
  first_name: null,
  last_name: null,
  date_of_birth: null,
  address: null,
  postcode: null,
  email: null,
  phone: null,
  emergency_contact: null,
  concession: null,
  end_concession: false,
  marketing_consent: null,
};

describe('the change form’s request and checks', () => {
  const was = formOf(view());
  const edit = (extra: Partial<ChangeForm>): ChangeForm => ({ ...formOf(view()), ...extra });

  it('names only what changed, with blank removing a contact and “No concession” ending one', () => {
    const cases: [Partial<ChangeForm>, Partial<CustomerChangesInput>][] = [
      [{ phone: ' 01343 563000 ' }, { phone: '01343 563000' }],
      [{ email: '' }, { email: '' }],
      [{ email: 'MORAG@example.org' }, {}],
      [{ postcode: 'iv30 1ab' }, {}],
      [{ postcode: 'IV36 0BX', address: '9 High Street, Forres' }, { postcode: 'IV36 0BX', address: '9 High Street, Forres' }],
      [{ marketing: false }, { marketing_consent: false }],
      [{ concession: 'none' }, { end_concession: true }],
      [
        { evidence: 'Universal Credit statement', reviewDue: { day: '1', month: '6', year: '2027' } },
        { concession: { kind: 'budget', evidence: 'Universal Credit statement', review_due: '2027-06-01' } },
      ],
      [{ dob: { day: '2', month: '2', year: '1980' } }, { date_of_birth: '1980-02-02' }],
      [{ firstName: 'Morag' }, { first_name: 'Morag' }],
    ];
    for (const [change, want] of cases) {
      expect(changesOf(7, edit(change), was), JSON.stringify(change)).toEqual({ ...NOTHING, ...want });
    }
  });

  it('checks only the fields changed, by registration’s rules', () => {
    expect(changeErrors(edit({ phone: '123' }), was, TODAY).phone?.message).toBe(
      'Enter a telephone number, like 01343 563 000 or 07700 900 982',
    );
    expect(changeErrors(edit({ dob: { day: '2', month: '12', year: '2026' } }), was, TODAY).dob?.message).toBe(
      'Date of birth must be today or in the past',
    );
    expect(changeErrors(edit({ reviewDue: { day: '1', month: '12', year: '2026' } }), was, TODAY).reviewDue?.message).toBe(
      'Review date must be in the future',
    );
    // A child loaded from the council's system with no emergency contact or address: a new
    // phone number stands alone; a date of birth corrected asks for the contact.
    const child = formOf(view({ date_of_birth: '2016-03-03', address: null, concession: null }));
    expect(changeErrors({ ...child, phone: '01343 563000' }, child, TODAY)).toEqual({});
    expect(changeErrors({ ...child, dob: { day: '4', month: '3', year: '2016' } }, child, TODAY).emergencyContact?.message).toBe(
      'Enter an emergency contact for a customer under 16',
    );
  });
});

describe('changing a customer’s details', () => {
  beforeEach(() => {
    resetDesk();
    flash.clear();
    desk.reception.mockResolvedValue(view());
  });

  it('is prefilled from the record, under a heading the app can focus', async () => {
    render(ChangeCustomer, { id: 7 });
    expect(await screen.findByTestId('change-form')).toBeInTheDocument();
    expect(desk.reception).toHaveBeenCalledWith({ customerId: 7, sessionId: null });
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent("Mòrag O'NeillChange details");
    expect(screen.getByRole('heading', { level: 1 })).toHaveAttribute('tabindex', '-1');
    expect(screen.getByTestId('chg-phone')).toHaveValue('07700 900123');
    expect(screen.getByTestId('chg-address')).toHaveValue('2 Hay Street, Elgin');
    expect(screen.getByTestId('chg-concession-budget')).toBeChecked();
    expect(screen.getByTestId('chg-evidence')).toHaveValue('JSA letter');
    expect(screen.getByTestId('chg-review-year')).toHaveValue('2027');
    expect(screen.getByTestId('chg-marketing')).toBeChecked();
  });

  it('shows a bad phone number beside the field and in the summary, and sends nothing', async () => {
    render(ChangeCustomer, { id: 7 });
    const user = userEvent.setup();
    const phone = await screen.findByTestId('chg-phone');
    await user.clear(phone);
    await user.type(phone, '999');
    await user.click(screen.getByTestId('change-submit'));
    expect(screen.getByText('Enter a telephone number, like 01343 563 000 or 07700 900 982', { selector: '.govuk-error-message' })).toBeInTheDocument();
    const summary = screen.getByTestId('error-summary');
    expect(summary).toHaveTextContent('Enter a telephone number');
    expect(summary).toHaveFocus();
    expect(desk.update_customer).not.toHaveBeenCalled();
  });

  it('sends only the phone and the re-proved concession, then goes back to the reception view', async () => {
    desk.update_customer.mockResolvedValue({ customer_id: 7, changed: ['phone', 'concession'] });
    const go = vi.spyOn(router, 'go').mockImplementation(() => {});
    render(ChangeCustomer, { id: 7 });
    const user = userEvent.setup();
    const phone = await screen.findByTestId('chg-phone');
    await user.clear(phone);
    await user.type(phone, '01343 563000');
    const evidence = screen.getByTestId('chg-evidence');
    await user.clear(evidence);
    await user.type(evidence, 'Universal Credit statement');
    const review = addDays(todayIso(), 90).split('-');
    for (const [part, value] of [['day', review[2]], ['month', review[1]], ['year', review[0]]] as const) {
      const box = screen.getByTestId(`chg-review-${part}`);
      await user.clear(box);
      await user.type(box, String(Number(value)));
    }
    await user.click(screen.getByTestId('change-submit'));
    expect(desk.update_customer).toHaveBeenCalledWith({
      changes: {
        ...NOTHING,
        phone: '01343 563000',
        concession: { kind: 'budget', evidence: 'Universal Credit statement', review_due: addDays(todayIso(), 90) },
      },
      channel: 'face-to-face',
    });
    expect(go).toHaveBeenCalledWith({ name: 'customer', id: 7, sessionId: null });
    expect(flash.message?.heading).toBe("Mòrag O'Neill’s details are changed");
    expect(flash.message?.body).toContain('Changed: phone, concession');
    go.mockRestore();
  });

  it('withdraws marketing consent with one untick', async () => {
    desk.update_customer.mockResolvedValue({ customer_id: 7, changed: ['marketing consent'] });
    const go = vi.spyOn(router, 'go').mockImplementation(() => {});
    render(ChangeCustomer, { id: 7 });
    const user = userEvent.setup();
    await user.click(await screen.findByTestId('chg-marketing'));
    await user.click(screen.getByTestId('change-submit'));
    expect(desk.update_customer).toHaveBeenCalledWith({
      changes: { ...NOTHING, marketing_consent: false },
      channel: 'face-to-face',
    });
    go.mockRestore();
  });

  it('shows the desk’s refusal in the summary and stays on the form', async () => {
    desk.update_customer.mockRejectedValue({ code: 'invalid_input', message: 'Nothing to save: the details are as they were.' });
    const go = vi.spyOn(router, 'go').mockImplementation(() => {});
    render(ChangeCustomer, { id: 7 });
    const user = userEvent.setup();
    await screen.findByTestId('change-form');
    await user.click(screen.getByTestId('change-submit'));
    expect(await screen.findByTestId('error-summary')).toHaveTextContent('Nothing to save');
    expect(go).not.toHaveBeenCalled();
    go.mockRestore();
  });
});

describe('the reception view’s way in', () => {
  const keys = (event: KeyboardEvent): void => void shortcuts.handle(event);

  beforeEach(() => {
    resetDesk();
    desk.centres.mockResolvedValue([]);
    desk.charges_of.mockResolvedValue([]);
    window.addEventListener('keydown', keys);
  });

  afterEach(() => window.removeEventListener('keydown', keys));

  it('links to the form, and c opens it from the keyboard', async () => {
    desk.reception.mockResolvedValue(view());
    const go = vi.spyOn(router, 'go').mockImplementation(() => {});
    render(Reception, { id: 7, sessionId: null });
    expect(await screen.findByTestId('reception-change')).toHaveAttribute('href', '#/customers/7/edit');
    await userEvent.setup().keyboard('c');
    expect(go).toHaveBeenCalledWith({ name: 'customer-edit', id: 7 });
    go.mockRestore();
  });

  it('shows “Concession review due” only when the review is within the warning days', async () => {
    desk.reception.mockResolvedValue(view());
    const { unmount } = render(Reception, { id: 7, sessionId: null });
    expect(await screen.findByTestId('reception-review-due')).toHaveTextContent('10 January 2027');
    expect(screen.queryByTestId('reception-review-soon')).toBeNull();
    unmount();
    desk.reception.mockResolvedValue(
      view({ concession: { kind: 'Budget', evidence: 'JSA letter', review_due: '2026-12-10', lapsed: false, review_soon: true } }),
    );
    render(Reception, { id: 7, sessionId: null });
    expect(await screen.findByTestId('reception-review-soon')).toHaveTextContent('Concession review due');
  });
});

describe('the reception view’s shortcut', () => {
  it('goes with the screen: c does nothing once the reception view is left', async () => {
    resetDesk();
    desk.centres.mockResolvedValue([]);
    desk.charges_of.mockResolvedValue([]);
    desk.reception.mockResolvedValue(view());
    const { unmount } = render(Reception, { id: 7, sessionId: null });
    await screen.findByTestId('reception');
    expect(shortcuts.groups.map((g) => g.id)).toContain('reception');
    unmount();
    expect(shortcuts.groups.map((g) => g.id)).not.toContain('reception');
    const go = vi.spyOn(router, 'go').mockImplementation(() => {});
    expect(shortcuts.handle(new KeyboardEvent('keydown', { key: 'c' }))).toBe(false);
    expect(go).not.toHaveBeenCalled();
    go.mockRestore();
  });
});
