// A council-tax desk for the screens' tests, answering the facade's commands with its views:
// search with "more", the account page opened only by a passed check, checks that match or not
// (and lock at the configured failure), each change taken with a reference and an estimate.
import { vi } from 'vitest';

import type { AccountSummary, ChangeEstimate, CheckInput, EstimateView } from '../src/services/council-tax/types';

const ALPHABET = '23456789ABCDEFGHJKLMNPQRSTVWXYZ';

const forsyth: AccountSummary = {
  id: 7,
  reference: 'MC00100004',
  address: '12 Forsyth Street, Elgin',
  postcode: 'IV30 1AA',
  uprn: '990000000123',
  band: 'D',
  liable_names: ['Mòrag MacDonald', 'Iain MacDonald'],
};
const others: AccountSummary[] = Array.from({ length: 33 }, (_, i) => ({
  id: 100 + i,
  reference: `MC0020${String(i).padStart(4, '0')}`,
  address: `${i + 1} High Street, Elgin`,
  postcode: 'IV30 2BB',
  uprn: String(990000000200 + i),
  band: 'B',
  liable_names: [`Calum Stewart ${i}`],
}));
const ACCOUNTS = [forsyth, ...others];

const plain = (s: string): string => s.normalize('NFD').replace(/\p{Diacritic}/gu, '').replace(/[^0-9a-z]/gi, '').toLowerCase();

/** Moray 2025/26, Band D with water and waste water (DOMAIN-DETAIL §2.1). */
const BAND_D = { council_tax: 157376, water: 27792, waste_water: 32247 };

function estimate(): EstimateView {
  const after = { council_tax: Math.round(BAND_D.council_tax * 0.75), water: Math.round(BAND_D.water * 0.75), waste_water: Math.round(BAND_D.waste_water * 0.75) };
  const sum = (c: typeof BAND_D): number => c.council_tax + c.water + c.waste_water;
  const circumstances = { band: 'D' as const, disabled_reduction: false, discount: 'none' as const, occupancy: 'occupied' as const };
  const e: ChangeEstimate = {
    before: { year_starts: '2026-04-01', days_in_year: 365, parts: [{ from: '2026-04-01', until: '2027-03-31', days: 365, circumstances, annual: BAND_D, charged: BAND_D }], total: BAND_D },
    after: { year_starts: '2026-04-01', days_in_year: 365, parts: [{ from: '2026-04-01', until: '2027-03-31', days: 365, circumstances: { ...circumstances, discount: 'single_person' }, annual: after, charged: after }], total: after },
    difference: sum(after) - sum(BAND_D),
    instalments_before: { dates: ['2026-12-15', '2027-01-15'], amounts: [20000, 20000], at_once: 0 },
    instalments_after: { dates: ['2026-12-15', '2027-01-15'], amounts: [10000, 10000], at_once: 0 },
  };
  return { year: '2026/27', estimate: e, paid_assumed: 150000, notes: ['Paid so far is taken as the instalments already due.'] };
}

export const ctDesk = {
  calls: {} as Record<string, unknown[]>,
  checkId: '0193a0f0-0000-7000-8000-00000000c4ec',
  open: new Set<number>(),
  failures: 0,
  failuresBeforeLock: 3,
  refuse: null as { code: string; message: string } | null,
  taken: 0,
  passCheck(accountId: number): void {
    this.open.add(accountId);
  },
  handle(name: string, req: unknown): unknown {
    (this.calls[name] ??= []).push(req);
    switch (name) {
      case 'search_ct_accounts': {
        const { text, limit } = req as { text: string; limit: number };
        const t = plain(text);
        const found = ACCOUNTS.filter((a) => plain(`${a.reference} ${a.address} ${a.postcode} ${a.uprn} ${a.liable_names.join(' ')}`).includes(t));
        return { accounts: found.slice(0, limit), more: Math.max(0, found.length - limit) };
      }
      case 'ct_account': {
        const { accountId } = req as { accountId: number };
        const summary = ACCOUNTS.find((a) => a.id === accountId);
        if (!summary) throw { code: 'not_found', message: 'No such account on this desk.' };
        const open = this.open.has(accountId);
        return {
          summary,
          locked: false,
          check: open ? { check_id: this.checkId, valid_until: '2026-11-30T23:59:00' } : null,
          detail: open
            ? {
                liable: [
                  { name: 'Mòrag MacDonald', date_of_birth: '1987-03-27' },
                  { name: 'Iain MacDonald', date_of_birth: '1985-11-02' },
                ],
                liability_start: '2019-04-01',
                single_person_discount: false,
                phone: '07700 900123',
                email: null,
                paperless: false,
                payment: { direct_debit: true, bank_account: '•••• 7781', last_instalment: 21742 },
                requests: [],
                viewed: [{ at: new Date().toISOString(), staff_id: 9, staff_name: 'Pàdraig D’Arcy', detail: 'council-tax account page' }],
              }
            : null,
        };
      }
      case 'ct_record_check': {
        const { check } = req as { check: CheckInput };
        const held: Record<string, (typed: string) => boolean> = {
          date_of_birth: (t) => t === '27/03/1987' || t === '1987-03-27',
          postcode: (t) => plain(t) === 'iv301aa',
          phone: (t) => plain(t) === '07700900123',
          last_instalment: (t) => t === '217.42',
          bank_last_four: (t) => t === '7781',
        };
        const items = check.answers.map((a) => ({ item: a.item, outcome: held[a.item]!(a.typed) ? 'match' : 'no_match' }));
        const passed = items.every((i) => i.outcome === 'match');
        if (passed) this.open.add(check.account_id);
        else this.failures += 1;
        return {
          check_id: this.checkId,
          account_id: check.account_id,
          passed,
          items,
          valid_until: passed ? '2026-11-30T23:59:00' : null,
          locked: !passed && this.failures >= this.failuresBeforeLock,
        };
      }
      default: {
        if (!name.startsWith('ct_')) throw { code: 'ipc', message: `no answer for ${name} in this test` };
        if (this.refuse) throw this.refuse;
        const input = req as { change: { effective: string } };
        this.taken += 1;
        const n = 0x1234567 * this.taken;
        const chars = Array.from({ length: 10 }, (_, i) => ALPHABET[Math.floor(n / 31 ** (i % 5)) % 31]).join('');
        return {
          request: {
            id: `0193a0f0-0000-7000-8000-${String(this.taken).padStart(12, '0')}`,
            reference: `CT-${chars.slice(0, 5)}-${chars.slice(5)}`,
            kind: `council_tax.${name.slice(3)}`,
            title: 'Moving out',
            effective: input.change.effective,
            status: 'received',
            status_message: null,
            needs_review: false,
            pending: true,
            received_at: new Date().toISOString(),
          },
          estimate: estimate(),
        };
      }
    }
  },
};

export function resetCtDesk(): void {
  ctDesk.calls = {};
  ctDesk.open = new Set();
  ctDesk.failures = 0;
  ctDesk.failuresBeforeLock = 3;
  ctDesk.refuse = null;
  ctDesk.taken = 0;
}

/** The real IPC module with `call` answered by the council-tax test desk. */
export function withCtDesk<T extends object>(real: T): T {
  const call = vi.fn(async (name: string, req?: unknown) => ctDesk.handle(name, req));
  return { ...real, call };
}
