// The fake desk's council-tax contact centre: a few accounts in Moray's offices, the caller's
// identity check (match or no match per item, never the held value), and each change taken with
// a reference made here and an estimate from Moray's 2026/27 indicative Band D. Development only
// (see fakeDesk.ts): it answers in the shapes the desk engine does.
import type { AccountPage } from '../lib/bindings/AccountPage';
import type { AccountSearch } from '../lib/bindings/AccountSearch';
import type { AccountSummary } from '../lib/bindings/AccountSummary';
import type { ChangeInput } from '../lib/bindings/ChangeInput';
import type { ChangeReceipt } from '../lib/bindings/ChangeReceipt';
import type { Charges } from '../lib/bindings/Charges';
import type { CheckInput } from '../lib/bindings/CheckInput';
import type { CheckOutcome } from '../lib/bindings/CheckOutcome';
import type { CouncilTaxBand } from '../lib/bindings/CouncilTaxBand';
import type { Estimate } from '../lib/bindings/Estimate';
import type { Instalments } from '../lib/bindings/Instalments';
import type { ItemResult } from '../lib/bindings/ItemResult';
import type { RequestView } from '../lib/bindings/RequestView';
import { todayIso } from '../lib/format';

interface HeldAccount {
  summary: AccountSummary;
  dates_of_birth: string[];
  phone: string | null;
  email: string | null;
  single_person_discount: boolean;
  paperless: boolean;
  direct_debit: boolean;
  bank_last_four: string | null;
  last_instalment: number | null;
  liability_start: string;
}

interface HeldCheck {
  id: string;
  account_id: number;
  at: number;
  passed: boolean;
}

type Problem = { code: string; message: string };

const ALPHABET = '23456789ABCDEFGHJKLMNPQRSTVWXYZ';
const BAND_360THS: Record<CouncilTaxBand, number> = { A: 240, B: 280, C: 320, D: 360, E: 473, F: 585, G: 705, H: 882 };
const WATER_9THS: Record<CouncilTaxBand, number> = { A: 6, B: 7, C: 8, D: 9, E: 11, F: 13, G: 15, H: 18 };
// Moray 2026/27: Band D the council's indicative +10% on £1,573.76 (not published); water and
// waste water 2025/26's (assets/config/council-tax-charges.csv).
const BAND_D = 173_114;
const WATER_D = 27_792;
const WASTE_D = 32_247;
const HOUR = 3_600_000;

const squash = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/['’‘`]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');

function account(
  id: number,
  band: CouncilTaxBand,
  address: string,
  postcode: string,
  people: Array<[string, string]>,
  extra: Partial<HeldAccount> = {},
): HeldAccount {
  return {
    summary: {
      id,
      reference: `MC${String(100_000 + id * 13).padStart(8, '0')}`,
      address,
      postcode,
      uprn: String(990_000_000_000 + id * 19),
      band,
      liable_names: people.map(([n]) => n),
    },
    dates_of_birth: people.map(([, d]) => d),
    phone: '07700 900417',
    email: null,
    single_person_discount: people.length === 1,
    paperless: false,
    direct_debit: true,
    bank_last_four: '7781',
    last_instalment: 17_311,
    liability_start: '2014-08-01',
    ...extra,
  };
}

function charges(band: CouncilTaxBand, discountPercent: number): Charges {
  const keep = (p: number) => Math.round((p * (100 - discountPercent)) / 100);
  return {
    council_tax: keep(Math.round((BAND_D * BAND_360THS[band]) / 360)),
    water: keep(Math.round((WATER_D * WATER_9THS[band]) / 9)),
    waste_water: keep(Math.round((WASTE_D * WATER_9THS[band]) / 9)),
  };
}

const total = (c: Charges): number => c.council_tax + c.water + c.waste_water;

export class FakeCouncilTax {
  accounts: HeldAccount[] = [
    account(1, 'D', '3 Tolbooth Street, Forres', 'IV36 1PH', [["Pàdraig O'Brien", '1970-03-14']]),
    account(2, 'B', '12 Mac Donald Place, Elgin', 'IV30 4BX', [
      ['Mòrag MacDonald', '1981-06-02'],
      ['Iain Ross', '1979-01-30'],
    ]),
    account(3, 'C', 'Flat 2, 9 High Street, Elgin', 'IV30 1AB', [['Catrìona Rose', '1968-11-02']], {
      email: 'catriona.rose@example.org',
      paperless: true,
      direct_debit: false,
      bank_last_four: null,
    }),
    account(4, 'E', '27 Seaview Road, Buckie', 'AB56 1QT', [
      ['Euan Grant', '1975-12-24'],
      ['Ann Grant', '1977-04-09'],
    ]),
  ];
  checks: HeldCheck[] = [];
  requests = new Map<number, RequestView[]>();
  staffId = 1;

  #held(id: number): HeldAccount {
    const a = this.accounts.find((x) => x.summary.id === id);
    if (!a) throw { code: 'not_found', message: `Council-tax account ${id} is not on this desk.` } satisfies Problem;
    return a;
  }

  #open(id: number): HeldCheck | undefined {
    const now = Date.now();
    return this.checks
      .filter((c) => c.account_id === id && c.passed && now - c.at <= HOUR)
      .sort((a, b) => b.at - a.at)[0];
  }

  #locked(id: number): boolean {
    const today = todayIso();
    return this.checks.filter((c) => c.account_id === id && !c.passed && todayIso(new Date(c.at)) === today).length >= 3;
  }

  search(text: string, limit: number): AccountSearch {
    const words = text
      .replace(/['’‘`]/g, '')
      .split(/[^\p{L}\p{N}]+/u)
      .map(squash)
      .filter((w) => w !== '');
    if (words.length === 0) return { accounts: [], more: 0 };
    const joined = words.join('');
    const found = this.accounts
      .map((a) => a.summary)
      .filter((s) => {
        const hay = `${s.reference} ${s.address} ${s.postcode} ${s.uprn} ${s.liable_names.join(' ')}`;
        const tokens = hay.replace(/['’‘`]/g, '').split(/[^\p{L}\p{N}]+/u).map(squash);
        const keys = [squash(s.reference), squash(s.postcode), s.uprn, ...s.liable_names.map(squash)];
        return (
          words.every((w) => tokens.some((t) => t.startsWith(w))) || keys.some((k) => k.startsWith(joined))
        );
      });
    return { accounts: found.slice(0, limit), more: Math.max(0, found.length - limit) };
  }

  page(id: number): AccountPage {
    const a = this.#held(id);
    const check = this.#open(id);
    const viewed = [{ at: new Date().toISOString(), staff_id: this.staffId, staff_name: 'Ailsa Mackenzie', detail: 'council-tax account page' }];
    return {
      summary: a.summary,
      locked: this.#locked(id),
      check: check ? { check_id: check.id, valid_until: new Date(check.at + HOUR).toISOString().slice(0, 19) } : null,
      detail: check
        ? {
            liable: a.summary.liable_names.map((name, i) => ({ name, date_of_birth: a.dates_of_birth[i]! })),
            liability_start: a.liability_start,
            single_person_discount: a.single_person_discount,
            phone: a.phone,
            email: a.email,
            paperless: a.paperless,
            payment: {
              direct_debit: a.direct_debit,
              bank_account: a.bank_last_four ? `•••• ${a.bank_last_four}` : null,
              last_instalment: a.last_instalment,
            },
            requests: [...(this.requests.get(id) ?? [])].sort((x, y) => y.effective.localeCompare(x.effective)),
            viewed,
          }
        : null,
    };
  }

  clearLock(id: number): AccountPage {
    this.#held(id);
    this.checks = this.checks.filter((c) => c.account_id !== id || c.passed);
    return this.page(id);
  }

  recordCheck(input: CheckInput): CheckOutcome {
    const a = this.#held(input.account_id);
    const items = new Set(input.answers.map((x) => x.item));
    if (items.size < 2 || items.size !== input.answers.length) {
      throw { code: 'too_few_items', message: 'A check needs 2 different items beyond the account.' } satisfies Problem;
    }
    const results: ItemResult[] = input.answers.map((answer) => {
      const typed = answer.typed.trim();
      let match = false;
      switch (answer.item) {
        case 'date_of_birth': {
          const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(typed);
          const iso = m ? `${m[3]}-${m[2]!.padStart(2, '0')}-${m[1]!.padStart(2, '0')}` : typed;
          match = a.dates_of_birth.includes(iso);
          break;
        }
        case 'postcode':
          match = squash(typed) === squash(a.summary.postcode);
          break;
        case 'last_instalment':
          match = a.last_instalment !== null && Math.round(Number(typed.replace(/[£,]/g, '')) * 100) === a.last_instalment;
          break;
        case 'bank_last_four':
          match = a.bank_last_four !== null && typed.replace(/\s/g, '') === a.bank_last_four;
          break;
        case 'phone':
          match = a.phone !== null && typed.replace(/\D/g, '').replace(/^44/, '0') === a.phone.replace(/\D/g, '');
          break;
      }
      return { item: answer.item, outcome: match ? 'match' : 'no_match' };
    });
    const passed = results.every((r) => r.outcome === 'match');
    const check: HeldCheck = { id: crypto.randomUUID(), account_id: a.summary.id, at: Date.now(), passed };
    this.checks.push(check);
    return {
      check_id: check.id,
      account_id: a.summary.id,
      passed,
      items: results,
      valid_until: passed ? new Date(check.at + HOUR).toISOString().slice(0, 19) : null,
      locked: this.#locked(a.summary.id),
    };
  }

  /** A change taken: the shared rules a form's fields do not cover, then its receipt. */
  take(kind: string, title: string, change: ChangeInput, discountAfter?: number): ChangeReceipt {
    const a = this.#held(change.account_id);
    const check = this.#open(change.account_id);
    if (!check || check.id !== change.check_id) {
      throw { code: 'no_check', message: 'The caller has not been through the identity check for this change. Check them first.' } satisfies Problem;
    }
    if (change.effective < a.liability_start) {
      throw { code: 'effective_before_liability', message: `${change.effective} is before the account's liability started (${a.liability_start}).` } satisfies Problem;
    }
    const ahead = new Date(Date.now() + 60 * 86_400_000);
    if (change.effective > todayIso(ahead)) {
      throw { code: 'effective_too_far_ahead', message: `${change.effective} is more than 60 days ahead: ask the caller to call nearer the time.` } satisfies Problem;
    }
    const id = crypto.randomUUID();
    const chars = Array.from({ length: 10 }, () => ALPHABET[Math.floor(Math.random() * ALPHABET.length)]).join('');
    const request: RequestView = {
      id,
      reference: `CT-${chars.slice(0, 5)}-${chars.slice(5)}`,
      kind,
      title,
      effective: change.effective,
      status: 'received',
      status_message: null,
      needs_review: change.effective < todayIso(new Date(Date.now() - 183 * 86_400_000)),
      pending: true,
      received_at: new Date().toISOString(),
    };
    this.requests.set(a.summary.id, [...(this.requests.get(a.summary.id) ?? []), request]);
    return { request, estimate: this.#estimate(a, change.effective, discountAfter) };
  }

  #estimate(a: HeldAccount, effective: string, discountAfter?: number): ChangeReceipt['estimate'] {
    const yearStart = '2026-04-01';
    const yearEnd = '2027-03-31';
    if (effective < yearStart || effective > yearEnd) return null;
    const days = 365;
    const band = a.summary.band;
    const discountBefore = a.single_person_discount ? 25 : 0;
    const discount = discountAfter ?? discountBefore;
    const dayOf = (iso: string) => Math.round((Date.parse(`${iso}T00:00:00Z`) - Date.parse(`${yearStart}T00:00:00Z`)) / 86_400_000);
    const share = (p: number, from: number, to: number) => Math.round((p * to) / days) - Math.round((p * from) / days);
    const circumstances = (d: number) => ({
      band,
      disabled_reduction: false,
      discount: d === 25 ? ('single_person' as const) : d === 50 ? ('all_disregarded' as const) : d === 100 ? ('exempt' as const) : ('none' as const),
      occupancy: 'occupied' as const,
    });
    const part = (from: string, until: string, d: number) => {
      const annual = charges(band, d);
      const f = dayOf(from);
      const u = dayOf(until) + 1;
      const charged = { council_tax: share(annual.council_tax, f, u), water: share(annual.water, f, u), waste_water: share(annual.waste_water, f, u) };
      return { from, until, days: u - f, circumstances: circumstances(d), annual, charged };
    };
    const sum = (parts: Array<{ charged: Charges }>): Charges =>
      parts.reduce(
        (s, p) => ({ council_tax: s.council_tax + p.charged.council_tax, water: s.water + p.charged.water, waste_water: s.waste_water + p.charged.waste_water }),
        { council_tax: 0, water: 0, waste_water: 0 },
      );
    const beforeParts = [part(yearStart, yearEnd, discountBefore)];
    const dayBefore = todayIso(new Date(Date.parse(`${effective}T00:00:00Z`) - 86_400_000));
    const afterParts =
      discount === discountBefore || effective === yearStart
        ? [part(yearStart, yearEnd, discount)]
        : [part(yearStart, dayBefore, discountBefore), part(effective, yearEnd, discount)];
    const before: Estimate = { year_starts: yearStart, days_in_year: days, parts: beforeParts, total: sum(beforeParts) };
    const after: Estimate = { year_starts: yearStart, days_in_year: days, parts: afterParts, total: sum(afterParts) };
    const today = todayIso();
    const dates = Array.from({ length: 10 }, (_, k) => todayIso(new Date(Date.UTC(2026, 3 + k, 5))));
    const first = Math.round(total(before.total) / 10);
    const paid = dates.filter((d) => d <= today).length * first;
    const left = (e: Estimate): Instalments => {
      const due = dates.filter((d) => d > today);
      const balance = total(e.total) - paid;
      if (due.length === 0 || balance <= 0) return { dates: [], amounts: [], at_once: balance };
      const each = Math.floor(balance / due.length);
      return { dates: due, amounts: due.map((_, i) => (i === 0 ? balance - each * (due.length - 1) : each)), at_once: 0 };
    };
    return {
      year: '2026/27',
      estimate: {
        before,
        after,
        difference: total(after.total) - total(before.total),
        instalments_before: left(before),
        instalments_after: left(after),
      },
      paid_assumed: paid,
      notes: [
        'This is an estimate for 2026/27. The revenue system works out the bill, and the new bill confirms the amount and the instalments.',
        `Paid so far is taken as the instalments due by today: £${(paid / 100).toFixed(2)}.`,
        'The 2026/27 charges are not yet published: Band D is the council’s indicative +10% rise.',
      ],
    };
  }
}
