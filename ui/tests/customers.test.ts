import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';

import type { ReceptionView } from '../src/lib/bindings/ReceptionView';
import { addDays, todayIso } from '../src/lib/format';
import { ageOn, registrationErrors, type RegistrationForm } from '../src/services/leisure/lib/registration';
import { desk, resetDesk } from './desk';

vi.mock('../src/lib/ipc', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/lib/ipc')>();
  return { ...(await import('./desk')).withDesk(real) };
});

const { default: RegisterCustomer } = await import('../src/services/leisure/screens/RegisterCustomer.svelte');
const { default: Reception } = await import('../src/services/leisure/screens/Reception.svelte');
const { router } = await import('../src/lib/router.svelte');

const TODAY = '2026-12-01';

function form(extra: Partial<RegistrationForm> = {}): RegistrationForm {
  return {
    centreId: 1,
    firstName: 'Ewan',
    lastName: 'Grant',
    dob: { day: '15', month: '6', year: '1990' },
    address: '4 Moss Street, Elgin',
    postcode: 'IV30 1LT',
    email: '',
    phone: '',
    emergencyContact: '',
    concession: 'none',
    evidence: '',
    reviewDue: { day: '', month: '', year: '' },
    marketing: false,
    ...extra,
  };
}

describe('the registration checks', () => {
  it('accept a good registration and refuse each bad field with its own words', () => {
    expect(registrationErrors(form(), TODAY)).toEqual({});
    const cases: [Partial<RegistrationForm>, keyof RegistrationForm, string][] = [
      [{ dob: { day: '2', month: '12', year: '2026' } }, 'dob', 'Date of birth must be today or in the past'],
      [{ dob: { day: '30', month: '11', year: '1905' } }, 'dob', 'Date of birth must be within the last 120 years'],
      [{ dob: { day: '31', month: '2', year: '1990' } }, 'dob', 'Date of birth must be a real date'],
      [{ firstName: ' ' }, 'firstName', 'Enter the first name'],
      [{ address: '' }, 'address', 'Enter the address'],
      [{ postcode: 'ELGIN' }, 'postcode', 'Enter a real postcode, like IV30 1BX'],
      [{ email: 'ewan@' }, 'email', 'Enter an email address in the correct format, like name@example.com'],
      [{ phone: '123' }, 'phone', 'Enter a telephone number, like 01343 563 000 or 07700 900 982'],
      [
        { dob: { day: '1', month: '1', year: '2015' } },
        'emergencyContact',
        'Enter an emergency contact for a customer under 16',
      ],
      [{ concession: 'budget' }, 'evidence', 'Enter the evidence you have seen'],
      [
        { concession: 'student', evidence: 'Matriculation card', reviewDue: { day: '1', month: '12', year: '2026' } },
        'reviewDue',
        'Review date must be in the future',
      ],
    ];
    for (const [change, field, message] of cases) {
      expect(registrationErrors(form(change), TODAY)[field]?.message, field).toBe(message);
    }
    expect(ageOn('2010-12-02', TODAY)).toBe(15);
    expect(ageOn('2010-12-01', TODAY)).toBe(16);
  });
});

const CENTRES = [{ id: 1, name: 'Moray Leisure Centre', town: 'Elgin' }];
const MATCH = {
  customer_id: 20,
  first_name: 'Ewan',
  last_name: 'Grant',
  date_of_birth: '1990-06-15',
  postcode: 'AB10 1AB',
  membership_no: 'MLC0000140',
  why: 'same name and date of birth',
};

async function fill(user: ReturnType<typeof userEvent.setup>, dob = ['15', '6', '1990']): Promise<void> {
  await user.type(screen.getByTestId('reg-first-name'), 'Ewan');
  await user.type(screen.getByTestId('reg-last-name'), 'Grant');
  await user.type(screen.getByTestId('reg-dob-day'), dob[0]!);
  await user.type(screen.getByTestId('reg-dob-month'), dob[1]!);
  await user.type(screen.getByTestId('reg-dob-year'), dob[2]!);
  await user.type(screen.getByTestId('reg-address'), '4 Moss Street, Elgin');
  await user.type(screen.getByTestId('reg-postcode'), 'IV30 1LT');
}

describe('registering a customer', () => {
  beforeEach(() => {
    resetDesk();
    desk.centres.mockResolvedValue(CENTRES);
  });

  it('shows a date of birth in the future beside the field and in the summary, and sends nothing', async () => {
    render(RegisterCustomer, { centreId: 1 });
    const user = userEvent.setup();
    const tomorrow = addDays(todayIso(), 1).split('-');
    await fill(user, [String(Number(tomorrow[2])), String(Number(tomorrow[1])), tomorrow[0]!]);
    await user.click(screen.getByTestId('register-submit'));
    expect(screen.getByTestId('reg-dob-error')).toHaveTextContent('Date of birth must be today or in the past');
    const summary = screen.getByTestId('error-summary');
    expect(summary).toHaveTextContent('Date of birth must be today or in the past');
    expect(summary).toHaveFocus();
    expect(desk.register_customer).not.toHaveBeenCalled();
  });

  it('asks "is this them?", then registers a new customer once the receptionist says no', async () => {
    desk.register_customer
      .mockResolvedValueOnce({ customer_id: null, matches: [MATCH] })
      .mockResolvedValueOnce({ customer_id: 4_503_599_627_370_573, matches: [] });
    const go = vi.spyOn(router, 'go').mockImplementation(() => {});
    render(RegisterCustomer, { centreId: 1 });
    const user = userEvent.setup();
    await fill(user);
    await user.click(screen.getByTestId('reg-marketing'));
    await user.click(screen.getByTestId('register-submit'));

    const heading = await screen.findByRole('heading', { level: 1, name: 'Is this them?' });
    expect(heading).toHaveFocus();
    expect(desk.register_customer).toHaveBeenLastCalledWith({
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
        concession: null,
        marketing_consent: true,
        not_them: [],
      },
      channel: 'face-to-face',
    });
    const row = screen.getByTestId('duplicate-row');
    expect(row).toHaveTextContent('same name and date of birth');
    expect(within(row).getByTestId('duplicate-choose')).toHaveAttribute('href', '#/customers/20');

    await user.click(screen.getByTestId('duplicate-new'));
    expect(desk.register_customer).toHaveBeenCalledTimes(2);
    expect(desk.register_customer.mock.calls[1]![0].customer.not_them).toEqual([20]);
    expect(go).toHaveBeenCalledWith({ name: 'customer', id: 4_503_599_627_370_573, sessionId: null });
    go.mockRestore();
  });

  it("shows the desk's refusal in its words", async () => {
    desk.register_customer.mockRejectedValue({
      code: 'invalid_input',
      message: 'Not registered: a customer under 16 needs an emergency contact.',
    });
    render(RegisterCustomer, { centreId: 1 });
    const user = userEvent.setup();
    await fill(user);
    await user.click(screen.getByTestId('register-submit'));
    expect(await screen.findByTestId('error-summary')).toHaveTextContent('needs an emergency contact');
  });
});

function reception(extra: Partial<ReceptionView> = {}): ReceptionView {
  return {
    customer_id: 7,
    first_name: 'Mòrag',
    last_name: "O'Neill",
    date_of_birth: '1980-02-01',
    age: 46,
    membership_no: 'MLC0010042',
    home_centre: 'Moray Leisure Centre',
    email: 'morag@example.org',
    phone: null,
    postcode: 'IV30 1AB',
    address: '2 Hay Street, Elgin',
    emergency_contact: null,
    marketing_consent: false,
    pending: false,
    membership: {
      plan: 'FitLife individual, monthly',
      status: 'expired',
      starts: '2026-10-01',
      paid_until: '2026-10-31',
      payer_name: 'Mòrag O\'Neill',
    },
    concession: { kind: 'Budget', evidence: 'JSA letter', review_due: '2026-12-10', lapsed: false, review_soon: true },
    messages: ['FitLife membership expired 31 Oct 2026: offer a renewal.'],
    upcoming: [
      {
        booking_id: 'b-1',
        session_id: 11,
        activity_name: 'Aqua Fit',
        starts_at: '2026-12-02T09:00:00',
        status: 'booked',
        pending: true,
      },
    ],
    past: [],
    payments: [
      {
        payment_id: 'p-1',
        at: '2026-11-20T10:00:00',
        kind: 'payment',
        method: 'Cash',
        amount_pence: 50,
        reason: 'Concession (Budget), review due 10 Dec 2026',
        pending: false,
      },
    ],
    notes: [],
    price: { session_id: 11, customer_id: 7, price_pence: 50, reason: 'Concession (Budget), review due 10 Dec 2026' },
    ...extra,
  };
}

describe('the reception view', () => {
  beforeEach(() => {
    resetDesk();
    desk.centres.mockResolvedValue(CENTRES);
    desk.timetable.mockResolvedValue([]);
    desk.charges_of.mockResolvedValue([]);
  });

  it('shows an unpaid no-show fee, and none once it is waived or paid', async () => {
    const fee = (status: 'due' | 'paid' | 'waived', amount: number, reason: string) => ({
      id: `c-${reason}`,
      customer_id: 7,
      centre_id: 1,
      booking_id: 'b-1',
      session_id: 11,
      amount_pence: amount,
      status,
      reason,
      pending: false,
    });
    desk.reception.mockResolvedValue(reception());
    desk.charges_of.mockResolvedValue([fee('due', 300, 'No-show at Aqua Fit'), fee('waived', 300, 'Pool closed')]);
    render(Reception, { id: 7, sessionId: null });
    expect(await screen.findByTestId('reception-owed')).toHaveTextContent('Owes £3.00: No-show at Aqua Fit');
    expect(desk.charges_of).toHaveBeenCalledWith({ customerId: 7 });
  });

  it('shows the membership and its status, the concession, messages, bookings, payments and the price with its reason', async () => {
    desk.reception.mockResolvedValue(reception());
    render(Reception, { id: 7, sessionId: 11 });
    expect(await screen.findByTestId('reception')).toBeInTheDocument();
    expect(desk.reception).toHaveBeenCalledWith({ customerId: 7, sessionId: 11 });
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent("Mòrag O'Neill");
    expect(screen.getByTestId('reception-membership-status')).toHaveTextContent('Expired');
    expect(screen.getByTestId('reception-concession')).toHaveTextContent('JSA letter');
    expect(screen.getByTestId('reception-message')).toHaveTextContent('offer a renewal');
    expect(screen.getByTestId('reception-price')).toHaveTextContent('£0.50');
    expect(screen.getByTestId('reception-price-reason')).toHaveTextContent('Concession (Budget)');
    expect(screen.getByTestId('reception-upcoming')).toHaveTextContent('Aqua Fit');
    expect(screen.getByTestId('reception-upcoming')).toHaveTextContent('(pending)');
    expect(screen.getByTestId('reception-payments')).toHaveTextContent('£0.50');
  });

  it('sells a membership from its start date with who pays, and refuses a start in the past beside the field', async () => {
    desk.reception.mockResolvedValue(reception({ membership: null, messages: [] }));
    desk.sell_membership.mockResolvedValue('s-1');
    render(Reception, { id: 7, sessionId: null });
    await screen.findByTestId('reception');
    expect(screen.getByTestId('reception-no-membership')).toBeInTheDocument();
    const user = userEvent.setup();
    await user.click(screen.getByTestId('sell-open'));
    const year = screen.getByTestId('sell-starts-year');
    await user.clear(year);
    await user.type(year, '2020');
    await user.click(screen.getByTestId('sell-submit'));
    expect(screen.getByTestId('sell-starts-error')).toHaveTextContent('Start date must be today or in the future');
    expect(desk.sell_membership).not.toHaveBeenCalled();

    await user.clear(year);
    await user.type(year, String(new Date().getFullYear() + 1));
    await user.click(screen.getByLabelText('Annually'));
    await user.click(screen.getByTestId('sell-submit'));
    expect(desk.sell_membership).toHaveBeenCalledWith({
      membership: expect.objectContaining({ customer_id: 7, plan: 'individual', billing: 'annual', payer_id: 7, covers: [] }),
      channel: 'face-to-face',
    });
    expect(await screen.findByTestId('membership-sold')).toBeInTheDocument();
  });
});
