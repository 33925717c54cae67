// Taking payment at the leisure desk: the ways to pay, money typed in pounds read as whole pence
// (never a float), and the checks the form makes beside each field before the desk's own.
import type { TenderInput } from '../../../lib/bindings/TenderInput';

export type PayMethod = 'later' | 'cash' | 'card' | 'voucher' | 'complimentary' | 'on_account';

export const PAY_METHODS: Array<{ value: PayMethod; label: string }> = [
  { value: 'later', label: 'Pay later (book only)' },
  { value: 'cash', label: 'Cash' },
  { value: 'card', label: 'Card (terminal)' },
  { value: 'voucher', label: 'Voucher' },
  { value: 'complimentary', label: 'Complimentary (supervisor)' },
  { value: 'on_account', label: 'On account' },
];

/** `£12.50`, `12.5` or `12` as pence; null when it is not an amount of money. */
export function parsePounds(text: string): number | null {
  const m = /^£?\s*(\d{1,6})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0') || '0');
}

/** Pence as pounds: `£6.00`. */
export function pounds(pence: number): string {
  const sign = pence < 0 ? '-' : '';
  const p = Math.abs(pence);
  return `${sign}£${Math.floor(p / 100)}.${String(p % 100).padStart(2, '0')}`;
}

/** 13 to 19 digits passing the Luhn check: a card number, which the desk must never keep. */
export function looksLikeCardNumber(text: string): boolean {
  const digits = text.replace(/[\s-]/g, '');
  if (!/^\d{13,19}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

export interface PaymentFields {
  method: PayMethod;
  tendered: string;
  terminal: string;
  reference: string;
  voucherCode: string;
  reason: string;
  supervisor: string;
  account: string;
}

/** The fields typed into (every one but the method). */
export type TextField = Exclude<keyof PaymentFields, 'method'>;

/** Each typed field's element id, for its label and the error summary's link. */
export const PAY_FIELD_IDS: Record<TextField, string> = {
  tendered: 'pay-tendered',
  terminal: 'pay-terminal',
  reference: 'pay-reference',
  voucherCode: 'pay-voucher',
  reason: 'pay-reason',
  supervisor: 'pay-supervisor',
  account: 'pay-account',
};

export const emptyPayment = (): PaymentFields => ({
  method: 'later',
  tendered: '',
  terminal: '',
  reference: '',
  voucherCode: '',
  reason: '',
  supervisor: '',
  account: '',
});

export type PaymentErrors = Partial<Record<keyof PaymentFields, string>>;

/** The tender to send for `price` pence, or the errors to show beside the fields. */
export function tenderFor(f: PaymentFields, price: number): { tender: TenderInput | null; errors: PaymentErrors } {
  const errors: PaymentErrors = {};
  const base: TenderInput = {
    method: f.method,
    tendered_pence: null,
    terminal: null,
    reference: null,
    voucher_code: null,
    reason: null,
    supervisor_id: null,
    account: null,
  };
  const need = (field: keyof PaymentFields, message: string): string | null => {
    const v = String(f[field]).trim();
    if (v === '') errors[field] = message;
    else if (v.length > 200) errors[field] = 'Use 200 characters or fewer';
    return v === '' ? null : v;
  };
  switch (f.method) {
    case 'later':
      return { tender: null, errors };
    case 'cash': {
      const pence = parsePounds(f.tendered);
      if (f.tendered.trim() === '') errors.tendered = 'Enter the cash handed over';
      else if (pence === null) errors.tendered = 'Enter the cash as an amount of money, like 10 or 10.50';
      else if (pence < price) errors.tendered = `The cash handed over must be at least the price, ${pounds(price)}`;
      base.tendered_pence = pence;
      break;
    }
    case 'card':
      base.terminal = need('terminal', 'Enter the card terminal');
      base.reference = need('reference', "Enter the reference printed on the terminal's slip");
      if (base.reference && looksLikeCardNumber(base.reference)) {
        errors.reference = "That looks like a card number: enter only the slip's reference";
      }
      break;
    case 'voucher':
      base.voucher_code = need('voucherCode', 'Enter the voucher code')?.toUpperCase() ?? null;
      break;
    case 'complimentary': {
      base.reason = need('reason', 'Enter why the place is complimentary');
      const id = Number(f.supervisor.trim());
      if (f.supervisor.trim() === '') errors.supervisor = 'Enter the staff number of the supervisor allowing it';
      else if (!Number.isInteger(id) || id <= 0) errors.supervisor = 'Enter the staff number as a whole number';
      else base.supervisor_id = id;
      break;
    }
    case 'on_account':
      base.account = need('account', "Enter the club's account");
      break;
  }
  return { tender: Object.keys(errors).length === 0 ? base : null, errors };
}
