// An in-memory stand-in for the desk engine, for looking at the interface in a browser without
// the Tauri shell (`npm run dev`, then open /preview.html). Development only: it is not part of
// the build the shell loads, and no test relies on it for behaviour of the real desk.
import type { AttentionItem } from '../lib/bindings/AttentionItem';
import type { BookingView } from '../lib/bindings/BookingView';
import type { CashCountView } from '../lib/bindings/CashCountView';
import type { CashUpView } from '../lib/bindings/CashUpView';
import type { Centre } from '../lib/bindings/Centre';
import type { CustomerNote } from '../lib/bindings/CustomerNote';
import type { CustomerView } from '../lib/bindings/CustomerView';
import { COMMANDS, type CommandName, type Requests, type Responses } from '../lib/bindings/commands';
import type { PriceQuote } from '../lib/bindings/PriceQuote';
import type { ReceiptView } from '../lib/bindings/ReceiptView';
import type { SessionView } from '../lib/bindings/SessionView';
import type { StaffProfile } from '../lib/bindings/StaffProfile';
import type { SyncStatus } from '../lib/bindings/SyncStatus';
import { todayIso } from '../lib/format';
import { FakeCouncilTax } from './fakeCouncilTax';
import { FakeCustomers } from './fakeCustomers';
import { FakeLeisureLife } from './fakeLeisureLife';
import { FakeSchool } from './fakeSchool';
import { FakeSpaces } from './fakeSpaces';

const FIRST = ['Mòrag', 'Seònaid', 'Eilidh', 'Calum', 'Ruairidh', 'Iain', 'Catrìona', 'Fiona', 'Hamish', 'Kirsty'];
const LAST = ["O'Neill", 'MacDonald', 'Nic a’ Phì', 'Stewart', 'Campbell', 'Robertson', 'Ross', 'Fraser', 'Murray', 'Grant'];
const ACTIVITIES = ['Aqua Fit', 'Spin', 'Yoga', 'Swimming lessons', 'Badminton', 'Pilates'];

export interface FakeDeskOptions {
  signedIn?: boolean;
  demo?: boolean;
  attention?: boolean;
  progress?: boolean;
}

// The desk engine's form-shape refusals for council-tax changes, by the field's code.
function ctName(name: string): void {
  const n = Array.from(name.trim()).length;
  if (n === 0 || n > 100) throw { code: 'invalid_name', message: `The name must be 1 to 100 characters long (${n} given).` };
}

function ctAddress(address: string): void {
  const n = Array.from(address.trim()).length;
  if (n === 0 || n > 300) throw { code: 'invalid_address', message: `The address must be 1 to 300 characters long (${n} given).` };
}

function ctPostcode(postcode: string): void {
  if (!/^[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2}$/.test(postcode.replace(/\s/g, '').toUpperCase())) {
    throw { code: 'invalid_postcode', message: `\`${postcode}\` is not a postcode, like IV30 1BX.` };
  }
}

function ctBorn(date: string): void {
  if (date > todayIso()) throw { code: 'invalid_date_of_birth', message: `The date of birth ${date} is in the future.` };
}

export class FakeDesk {
  staff: StaffProfile = {
    id: 1,
    username: 'demo.leisure',
    display_name: 'Ailsa Mackenzie',
    roles: ['leisure-desk'],
    sites: ['leisure:1'],
  };
  centres: Centre[] = [
    { id: 1, name: 'Riverside Leisure Centre', town: 'Perth' },
    { id: 2, name: 'Glen Pool', town: 'Crieff' },
  ];
  sessions: SessionView[] = [];
  customers: CustomerView[] = [];
  bookings: BookingView[] = [];
  notes: CustomerNote[] = [];
  receipts: ReceiptView[] = [];
  cashCounts: CashCountView[] = [];
  attention: AttentionItem[] = [];
  /** Forms half filled in, by form name, as the desk keeps them across the lock. */
  drafts = new Map<string, string>();
  status: SyncStatus;
  demo: boolean;
  listeners: Array<(s: SyncStatus) => void> = [];
  locked = false;
  school = new FakeSchool();
  councilTax = new FakeCouncilTax();
  customerDesk = new FakeCustomers();
  life: FakeLeisureLife;
  spaces = new FakeSpaces();

  constructor(options: FakeDeskOptions = {}) {
    this.demo = options.demo ?? true;
    const today = todayIso();
    let id = 1;
    for (const centre of this.centres) {
      for (let d = -1; d <= 7; d++) {
        const date = new Date(`${today}T00:00:00`);
        date.setDate(date.getDate() + d);
        const iso = todayIso(date);
        for (let i = 0; i < 8; i++) {
          const capacity = [12, 16, 20][i % 3]!;
          const booked = i === 1 ? capacity : (i * 5 + d * 3 + 20) % capacity;
          this.sessions.push({
            pending: false,
            session: {
              id,
              centre_id: centre.id,
              activity_id: centre.id * 100 + (i % ACTIVITIES.length),
              activity_name: ACTIVITIES[i % ACTIVITIES.length]!,
              starts_at: `${iso}T${String(7 + i * 2).padStart(2, '0')}:00:00`,
              duration_minutes: 45,
              capacity,
              booked,
              waiting: booked === capacity ? 2 : 0,
              location: i % 2 ? 'Studio 1' : 'Main pool',
              instructor: 'Iain Grant',
              cancelled: false,
            },
          });
          id++;
        }
      }
    }
    let cid = 1;
    for (const first of FIRST) {
      for (const last of LAST) {
        this.customers.push({
          id: cid,
          first_name: first,
          last_name: last,
          date_of_birth: `19${50 + (cid % 50)}-0${1 + (cid % 9)}-1${cid % 10}`,
          membership_no: `M${String(cid).padStart(6, '0')}`,
          postcode: `PH${1 + (cid % 9)} ${cid % 10}AB`,
        });
        cid++;
      }
    }
    this.life = new FakeLeisureLife(this.customers, this.sessions, this.bookings);
    if (options.attention ?? true) {
      const full = this.sessions.find((s) => s.session.booked === s.session.capacity)!.session;
      this.attention.push({
        id: '0193a0f0-0000-7000-8000-000000000001',
        name: 'leisure.book_place',
        summary: `Book Mòrag O'Neill into ${full.activity_name} ${full.starts_at.slice(11, 16)}`,
        args: { session_id: full.id, customer_id: 1 },
        channel: 'telephone',
        entered_at: new Date().toISOString(),
        code: 'session_full',
        message: `${full.activity_name} is full: all ${full.capacity} places were taken before this booking reached the server.`,
        alternatives: [
          { kind: 'join_waiting_list', session_id: full.id },
          {
            kind: 'book_session',
            session_id: full.id + 8,
            starts_at: this.sessions[full.id + 7]!.session.starts_at,
            activity_name: full.activity_name,
            spaces: 3,
          },
        ],
      });
    }
    this.status = {
      online: true,
      signed_in: options.signedIn === false ? null : this.staff,
      last_synced_at: new Date().toISOString(),
      pending: 0,
      needs_attention: this.attention.length,
      progress: options.progress ? { rows: 41250, total: 100000, percent: 41 } : null,
      last_error: null,
    };
  }

  #emit(): void {
    this.status = { ...this.status, needs_attention: this.attention.length, pending: this.bookings.filter((b) => b.pending).length };
    for (const l of this.listeners) l(this.status);
  }

  #book(sessionId: number, customerId: number, waiting: boolean): BookingView {
    const view = this.sessions.find((s) => s.session.id === sessionId);
    const customer = this.customers.find((c) => c.id === customerId);
    if (!view || !customer) throw { code: 'not_found', message: 'No such session or customer.' };
    if (this.bookings.some((b) => b.session_id === sessionId && b.customer_id === customerId)) {
      throw { code: 'already_booked', message: 'This customer already has a place in this session.' };
    }
    const booking: BookingView = {
      id: crypto.randomUUID(),
      session_id: sessionId,
      customer_id: customerId,
      customer_name: `${customer.first_name} ${customer.last_name}`,
      status: waiting ? 'waiting' : 'booked',
      pending: true,
    };
    this.bookings.push(booking);
    if (waiting) view.session.waiting += 1;
    else view.session.booked += 1;
    view.pending = true;
    this.#emit();
    return booking;
  }

  /** The example price list: adult £6.00, junior (under 18) £3.60, concession 50p. */
  #price(sessionId: number, customerId: number): PriceQuote {
    const customer = this.customers.find((c) => c.id === customerId);
    if (!customer || !this.sessions.some((s) => s.session.id === sessionId)) {
      throw { code: 'not_found', message: 'No such session or customer.' };
    }
    const age = new Date().getFullYear() - Number(customer.date_of_birth.slice(0, 4));
    const [price_pence, reason] = customerId % 4 === 0
      ? [0, 'FitLife member: included']
      : age < 18
        ? [360, 'Junior (under 18)']
        : [600, 'Adult'];
    return { session_id: sessionId, customer_id: customerId, price_pence, reason };
  }

  /** Commands a locked desk still answers; every other one is refused with `locked`. */
  /** The fake's one store's device id, as `app_info` reports it. */
  static readonly DEVICE_ID = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';

  static readonly WHILE_LOCKED: readonly CommandName[] = ['app_info', 'lock', 'unlock', 'switch_user', 'set_server_url', 'touch'];

  /**
   * One answer per command of the generated contract, typed by its request and response: a
   * command added to the shell's list and not here fails `npm run check`.
   */
  readonly commands: { [K in CommandName]: (req: Requests[K]) => Responses[K] } = {
    app_info: () => {
      const open = this.status.signed_in !== null && !this.locked;
      return {
        demo: this.demo,
        version: '0.1.0-preview',
        server_url: 'http://127.0.0.1:8640',
        default_username: 'demo.leisure',
        idle_lock_secs: 300,
        plain_http_allowed: false,
        locked_for: this.locked ? this.staff.username : null,
        signed_in: this.status.signed_in !== null || this.locked,
        // The fake's one staff member is on the leisure desk; the real desk works this out in Rust.
        capabilities: open ? ['leisure.book', 'attention'] : [],
        device_id: this.status.signed_in !== null || this.locked ? FakeDesk.DEVICE_ID : null,
      };
    },
    lock: () => {
      this.locked = true;
      return null;
    },
    unlock: ({ password }) => {
      if (password !== 'password') throw { code: 'bad_credentials', message: 'Wrong password.' };
      this.locked = false;
      return this.staff;
    },
    switch_user: ({ password }) => {
      if (password !== 'password') throw { code: 'bad_credentials', message: 'Wrong username or password.' };
      this.locked = false;
      return this.staff;
    },
    touch: () => null,
    set_server_url: () => null,
    sign_in: ({ password }) => {
      if (password !== 'password') throw { code: 'bad_credentials', message: 'Wrong username or password.' };
      this.status = { ...this.status, signed_in: this.staff };
      this.#emit();
      return this.staff;
    },
    sign_out: () => {
      this.status = { ...this.status, signed_in: null };
      return null;
    },
    sync_status: () => this.status,
    sync_now: () => {
      for (const b of this.bookings) b.pending = false;
      for (const s of this.sessions) s.pending = false;
      this.status = { ...this.status, last_synced_at: new Date().toISOString() };
      this.#emit();
      return { pushed: 0, applied: 0, rejected: 0, pulled_rows: 0, pages: 1 };
    },
    centres: () => this.centres,
    timetable: ({ centreId, day }) =>
      this.sessions.filter((s) => s.session.centre_id === centreId && s.session.starts_at.startsWith(day)),
    session: ({ id }) => {
      const view = this.sessions.find((s) => s.session.id === id);
      if (!view) throw { code: 'not_found', message: 'No such session.' };
      return { session: view, bookings: this.bookings.filter((b) => b.session_id === id) };
    },
    search_customers: ({ text, limit }) => {
      const plain = (s: string): string => s.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase();
      const wanted = plain(text);
      return this.customers
        .filter((c) => plain(`${c.first_name} ${c.last_name} ${c.membership_no}`).includes(wanted))
        .slice(0, limit);
    },
    find_customers: ({ text, limit }) => {
      const plain = (s: string): string => s.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase();
      const wanted = plain(text);
      const all = this.customers.filter((c) =>
        plain(`${c.first_name} ${c.last_name} ${c.membership_no} ${c.postcode}`).includes(wanted),
      );
      return { customers: all.slice(0, limit), more: Math.max(0, all.length - limit) };
    },
    save_draft: ({ form, data }) => {
      this.drafts.set(form, data);
      return null;
    },
    draft: ({ form }) => this.drafts.get(form) ?? null,
    clear_draft: ({ form }) => {
      this.drafts.delete(form);
      return null;
    },
    book_place: ({ sessionId, customerId }) => this.#book(sessionId, customerId, false),
    join_waiting_list: ({ sessionId, customerId }) => this.#book(sessionId, customerId, true),
    cancel_place: ({ bookingId }) => {
      const b = this.bookings.find((x) => x.id === bookingId);
      if (!b) throw { code: 'not_found', message: 'No such booking.' };
      b.status = 'cancelled';
      this.#emit();
      return null;
    },
    needs_attention: () => this.attention,
    take_alternative: ({ itemId, alternative }) => {
      const item = this.attention.find((i) => i.id === itemId);
      const alt = item?.alternatives[alternative];
      if (!item || !alt || (alt.kind !== 'join_waiting_list' && alt.kind !== 'book_session')) {
        throw { code: 'not_found', message: 'No such item.' };
      }
      this.attention = this.attention.filter((i) => i !== item);
      return this.#book(alt.session_id, 1, alt.kind === 'join_waiting_list');
    },
    add_note: ({ customerId, text }) => {
      const customer = this.customers.find((c) => c.id === customerId);
      if (!customer) throw { code: 'not_found', message: `There is no customer ${customerId}.` };
      const trimmed = text.trim();
      if (trimmed === '') throw { code: 'invalid_input', message: 'Write the note before saving it.' };
      const chars = Array.from(text).length;
      if (chars > 500) throw { code: 'invalid_input', message: `The note must be at most 500 characters (it has ${chars}).` };
      if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/.test(text)) {
        throw { code: 'invalid_input', message: 'The note must not contain control characters.' };
      }
      const note: CustomerNote = {
        id: crypto.randomUUID(),
        customer_id: customerId,
        centre_id: 1,
        text: trimmed,
        created_at: new Date().toISOString(),
        staff_id: this.staff.id,
      };
      this.notes.push(note);
      return note;
    },
    customer_notes: ({ customerId }) =>
      this.notes.filter((n) => n.customer_id === customerId).sort((a, b) => b.created_at.localeCompare(a.created_at)),
    price_for: ({ sessionId, customerId }) => this.#price(sessionId, customerId),
    book_and_pay: ({ sessionId, customerId, pricePence, tender }) => {
      const quote = this.#price(sessionId, customerId);
      if (quote.price_pence !== pricePence) {
        throw { code: 'price_changed', message: `The price is now ${quote.price_pence}p (${quote.reason}).` };
      }
      const tendered = tender.method === 'cash' ? (tender.tendered_pence ?? 0) : pricePence;
      if (tendered < pricePence) {
        throw { code: 'tendered_short', message: 'The cash handed over is less than the price.' };
      }
      const booking = this.#book(sessionId, customerId, false);
      const view = this.sessions.find((s) => s.session.id === sessionId)!;
      const receipt: ReceiptView = {
        payment_id: crypto.randomUUID(),
        booking_id: booking.id,
        kind: 'payment',
        centre_name: this.centres.find((c) => c.id === view.session.centre_id)?.name ?? '',
        activity_name: view.session.activity_name,
        starts_at: view.session.starts_at,
        customer_name: booking.customer_name,
        membership_no: this.customers.find((c) => c.id === customerId)?.membership_no ?? '',
        amount_pence: pricePence,
        tendered_pence: tender.method === 'cash' ? tendered : 0,
        change_pence: tender.method === 'cash' ? tendered - pricePence : 0,
        method: tender.method === 'cash' ? 'Cash' : tender.method,
        reason: quote.reason,
        desk: 'Desk preview',
        taken_at: new Date().toISOString().slice(0, 19),
        staff_id: this.staff.id,
        pending: true,
      };
      this.receipts.push(receipt);
      return receipt;
    },
    refund_quote: ({ bookingId }) => {
      const paid = this.receipts.find((r) => r.booking_id === bookingId && r.kind === 'payment');
      return paid
        ? {
            booking_id: bookingId,
            unpaid: false,
            paid_pence: paid.amount_pence,
            refund_pence: paid.amount_pence,
            method: paid.method,
            reason: 'Cancelled before the cut-off: full refund',
          }
        : { booking_id: bookingId, unpaid: true, paid_pence: 0, refund_pence: 0, method: '', reason: 'Nothing was paid for this booking.' };
    },
    cancel_with_refund: ({ bookingId }) => {
      const b = this.bookings.find((x) => x.id === bookingId);
      if (!b) throw { code: 'not_found', message: 'No such booking.' };
      b.status = 'cancelled';
      const paid = this.receipts.find((r) => r.booking_id === bookingId && r.kind === 'payment');
      const refund: ReceiptView | null = paid
        ? { ...paid, payment_id: crypto.randomUUID(), kind: 'refund', tendered_pence: 0, change_pence: 0, reason: 'Cancelled before the cut-off: full refund' }
        : null;
      if (refund) this.receipts.push(refund);
      this.#emit();
      return { booking_id: bookingId, refund, reason: refund?.reason ?? 'Nothing was paid for this booking.' };
    },
    // The preview prices every session alike, so a move is even: nothing to pay or refund.
    transfer_quote: ({ bookingId, sessionId }) => {
      const paid = this.receipts.find((r) => r.booking_id === bookingId && r.kind === 'payment');
      const price = paid?.amount_pence ?? 0;
      return {
        booking_id: bookingId,
        session_id: sessionId,
        price_pence: price,
        reason: paid?.reason ?? 'Adult',
        held_pence: price,
        difference: 'even',
        difference_pence: 0,
        refund_method: '',
      };
    },
    transfer: ({ bookingId, sessionId }) => {
      const b = this.bookings.find((x) => x.id === bookingId);
      if (!b || b.status !== 'booked') throw { code: 'already_cancelled', message: 'Only a booked place can be moved.' };
      b.status = 'cancelled';
      const moved = { ...b, id: crypto.randomUUID(), session_id: sessionId, status: 'booked' as const, pending: true };
      this.bookings.push(moved);
      this.#emit();
      return { booking: moved, money: null };
    },
    cash_up: ({ centreId, day, thisDesk, floatPence, countedPence }) =>
      this.cashUp(centreId, day, thisDesk, floatPence, countedPence),
    record_cash_count: ({ centreId, day, floatPence, countedPence, note }) => {
      const view = this.cashUp(centreId, day, true, floatPence, countedPence);
      if (view.difference_pence !== 0 && !note?.trim()) {
        throw { code: 'invalid_count', message: 'The drawer is out: give a reason for the difference.' };
      }
      this.cashCounts.push({
        id: `count-${this.cashCounts.length + 1}`,
        desk: 'Desk preview',
        float_pence: floatPence,
        expected_pence: view.expected_cash_pence,
        counted_pence: countedPence,
        difference_pence: view.difference_pence ?? 0,
        note: note?.trim() || null,
        staff_id: 1,
        pending: true,
      });
      return this.cashUp(centreId, day, true, floatPence, countedPence);
    },
    register_customer: ({ customer }) => this.customerDesk.register(this.customers, customer),
    sell_membership: ({ membership }) => this.customerDesk.sell(membership),
    update_customer: ({ changes }) => this.customerDesk.update(this.customers, changes),
    reception: ({ customerId, sessionId }) => {
      const customer = this.customers.find((c) => c.id === customerId);
      if (!customer) throw { code: 'not_found', message: `Customer ${customerId} is not on this desk.` };
      const centre = this.centres[0]?.name ?? '';
      return this.customerDesk.reception(customer, centre, sessionId === null ? null : this.#price(sessionId, customerId));
    },
    check_in_find: ({ text }) => {
      if (text.trim() === '') throw { code: 'invalid_input', message: 'Type or scan a membership number, or type a name.' };
      return this.life.find(text);
    },
    check_in: ({ customerId, bookingId }) => this.life.checkIn(customerId, bookingId),
    mark_no_shows: ({ sessionId, bookingIds }) => {
      this.life.markNoShows(bookingIds);
      const view = this.sessions.find((s) => s.session.id === sessionId);
      if (!view) throw { code: 'not_found', message: 'No such session.' };
      return { session: view, bookings: this.bookings.filter((b) => b.session_id === sessionId) };
    },
    waive_no_show: ({ bookingId, reason }) => this.life.waive(bookingId, reason),
    offers: ({ centreId }) => this.life.offers.filter((o) => centreId === null || o.centre_id === centreId),
    accept_offer: ({ bookingId }) => this.life.answer(bookingId, true),
    decline_offer: ({ bookingId }) => this.life.answer(bookingId, false),
    charges_of: ({ customerId }) => this.life.charges.filter((c) => c.customer_id === customerId),
    receipt: ({ paymentId }) => {
      const r = this.receipts.find((x) => x.payment_id === paymentId);
      if (!r) throw { code: 'not_found', message: `Payment ${paymentId} is not on this desk.` };
      return r;
    },
    spaces_day: ({ centreId, day }) => this.spaces.day(centreId, day),
    book_space: ({ spaceId, starts, ends, club, customerId }) =>
      this.spaces.book(spaceId, starts, ends, club ?? this.customers.find((c) => c.id === customerId)?.first_name ?? 'Customer'),
    check_block: ({ block }) => this.spaces.check(block),
    book_block: ({ block }) => this.spaces.bookBlock(block),
    cancel_space: ({ bookingId }) => {
      const paid = this.receipts.find((r) => r.booking_id === bookingId && r.kind === 'payment');
      const booking = this.spaces.cancel(bookingId);
      const refund: ReceiptView | null = paid
        ? { ...paid, payment_id: crypto.randomUUID(), kind: 'refund', tendered_pence: 0, change_pence: 0, reason: 'Cancelled before the cut-off: full refund' }
        : null;
      if (refund) this.receipts.push(refund);
      return { booking, refund, reason: refund?.reason ?? 'Cancelled in time: nothing charged' };
    },
    space_cancel_quote: ({ bookingId }) => this.spaces.cancelQuote(bookingId, this.receipts.find((r) => r.booking_id === bookingId && r.kind === 'payment') ?? null),
    // The preview prices every hour of every space alike: £12.00 an hour.
    space_price: ({ spaceId, starts, ends, customerId }) => ({
      space_id: spaceId,
      customer_id: customerId,
      starts,
      ends,
      price_pence: Math.round(((Date.parse(ends) - Date.parse(starts)) / 3_600_000) * 1_200),
      reason: 'Adult for 1 h at £12.00 an hour (preview price)',
    }),
    hire_space: ({ spaceId, starts, ends, customerId, pricePence, tender }) => {
      const tendered = tender.method === 'cash' ? (tender.tendered_pence ?? 0) : pricePence;
      if (tendered < pricePence) throw { code: 'tendered_short', message: 'The cash handed over is less than the price.' };
      const customer = this.customers.find((c) => c.id === customerId);
      const booking = this.spaces.book(spaceId, starts, ends, customer ? `${customer.first_name} ${customer.last_name}` : 'Customer');
      booking.price_pence = pricePence;
      booking.paid_at_desk = true;
      const receipt: ReceiptView = {
        payment_id: crypto.randomUUID(),
        booking_id: booking.id,
        kind: 'payment',
        centre_name: this.centres[0]?.name ?? '',
        activity_name: `Hire of ${booking.space_name}, until ${ends.slice(11, 16)}`,
        starts_at: starts,
        customer_name: booking.holder,
        membership_no: customer?.membership_no ?? '',
        amount_pence: pricePence,
        tendered_pence: tender.method === 'cash' ? tendered : 0,
        change_pence: tender.method === 'cash' ? tendered - pricePence : 0,
        method: tender.method === 'cash' ? 'Cash' : tender.method,
        reason: 'Adult for 1 h at £12.00 an hour (preview price)',
        desk: 'Desk preview',
        taken_at: new Date().toISOString().slice(0, 19),
        staff_id: this.staff.id,
        pending: true,
      };
      this.receipts.push(receipt);
      return { booking, receipt };
    },
    take_space_alternative: ({ itemId }) => {
      this.attention = this.attention.filter((a) => a.id !== itemId);
      return this.spaces.book(112, `${todayIso()}T19:00:00`, `${todayIso()}T20:00:00`, 'Forres Badminton Club');
    },
    search_pupils: ({ text, limit }) => this.school.search(text, limit),
    pupil_page: ({ pupilId }) => {
      const pupil = this.school.pupil(pupilId);
      const weeks = Array.from({ length: 12 }, (_, i) => ({
        week_of: todayIso(new Date(Date.now() - (12 - i) * 7 * 86400000)),
        possible: 10,
        attended: 10 - ((i * 7 + pupilId) % 4),
        attendance_percent: (100 * (10 - ((i * 7 + pupilId) % 4))) / 10,
      }));
      const attended = weeks.reduce((n, w) => n + w.attended, 0);
      return {
        pupil,
        school_name: 'Elgin Birchwood Primary School',
        contacts: this.school.contacts.get(pupilId) ?? [],
        viewed: [{ at: new Date().toISOString(), staff_id: this.staff.id, staff_name: this.staff.display_name, detail: 'pupil page' }],
        absences: this.school.absences.filter((a) => a.pupil_id === pupilId),
        attendance: {
          year_label: '2026/27',
          year_to_date: {
            from: weeks[0]!.week_of,
            to: todayIso(),
            possible: 120,
            attended,
            authorised: 120 - attended,
            unauthorised: 0,
            exclusion: 0,
            attendance_percent: (100 * attended) / 120,
            authorised_percent: (100 * (120 - attended)) / 120,
            unauthorised_percent: 0,
            exclusion_percent: 0,
            flag: attended / 120 < 0.8 ? 'red' : attended / 120 < 0.9 ? 'flagged' : 'none',
          },
          weeks,
        },
      };
    },
    schools: () => [{ id: 4, name: 'Elgin Birchwood Primary School' }],
    school_today: ({ schoolId }) => ({
      school_id: schoolId,
      school_name: 'Elgin Birchwood Primary School',
      date: this.school.today,
      reported: this.school.absences.filter((a) => a.kind !== 'late' && a.called_at.startsWith(this.school.today)),
      unexplained_left: this.school.worklist().length,
      marked_absent: this.school.marked.length,
      late: this.school.absences.filter((a) => a.kind === 'late' && a.called_at.startsWith(this.school.today)),
      escalations: this.school.escalations,
    }),
    worklist: () => this.school.worklist(),
    class_lists: ({ schoolId }) => this.school.classLists(schoolId),
    call_form: ({ pupilId }) => ({
      pupil: this.school.pupil(pupilId),
      contacts: this.school.contacts.get(pupilId) ?? [],
      codes: this.school.codes,
      days: this.school.days,
      today: this.school.today,
    }),
    record_absence: ({ absence }) => this.school.record(absence),
    amend_absence: ({ absenceId, first, last, code, reason, expectedReturn, why }) =>
      this.school.amend(absenceId, first, last, code, reason, expectedReturn, why),
    withdraw_absence: ({ absenceId, reason }) => this.school.withdraw(absenceId, reason),
    record_late: ({ pupilId, date, arrivedAt, reason }) => this.school.late(pupilId, date, arrivedAt, reason),
    record_early_leave: ({ pupilId, date, leftAt, code, reason, collectedBy }) =>
      this.school.earlyLeave(pupilId, date, leftAt, code, reason, collectedBy),
    log_contact_attempt: ({ pupilId, contactId, method, outcome, note }) => {
      const contact = (this.school.contacts.get(pupilId) ?? []).find((c) => c.id === contactId);
      const attempt = {
        id: crypto.randomUUID(),
        contact_id: contactId,
        contact_name: contact?.name ?? 'Someone else',
        method,
        outcome,
        note,
        at: new Date().toISOString(),
        pending: true,
      };
      this.school.attempts.set(pupilId, [...(this.school.attempts.get(pupilId) ?? []), attempt]);
      return attempt;
    },
    escalate: ({ pupilId, to, note, byChoice }) => {
      const pupil = this.school.pupil(pupilId);
      const escalation = {
        id: crypto.randomUUID(),
        pupil_id: pupilId,
        pupil_name: `${pupil.first_name} ${pupil.last_name}`,
        class: pupil.class,
        to,
        note,
        unanswered_attempts: (this.school.attempts.get(pupilId) ?? []).length,
        by_choice: byChoice,
        at: new Date().toISOString(),
        pending: true,
      };
      this.school.escalations.push(escalation);
      return escalation;
    },
    take_absence_alternative: ({ itemId }) => {
      const item = this.attention.find((i) => i.id === itemId);
      const first = this.school.absences[0];
      if (!item || !first) throw { code: 'not_found', message: 'No such item.' };
      this.attention = this.attention.filter((i) => i !== item);
      this.#emit();
      return first;
    },
    search_ct_accounts: ({ text, limit }) => this.councilTax.search(text, limit),
    ct_account: ({ accountId }) => this.councilTax.page(accountId),
    ct_record_check: ({ check }) => this.councilTax.recordCheck(check),
    ct_clear_lock: ({ accountId }) => {
      if (!this.staff.roles.includes('supervisor')) {
        throw { code: 'not_supervisor', message: 'Only a supervisor can let changes to a locked account go ahead.' };
      }
      return this.councilTax.clearLock(accountId);
    },
    ct_move_in: ({ change, name, dateOfBirth }) => {
      ctName(name);
      ctBorn(dateOfBirth);
      return this.councilTax.take('council_tax.move_in', 'Moving in', change, 0);
    },
    ct_move_out: ({ change, person, forwardingAddress, next }) => {
      ctName(person);
      ctAddress(forwardingAddress);
      if (next.kind === 'new_liable') ctName(next.name);
      return this.councilTax.take('council_tax.move_out', 'Moving out', change);
    },
    ct_move_within: ({ change, person, newAddress, newPostcode }) => {
      ctName(person);
      ctAddress(newAddress);
      ctPostcode(newPostcode);
      return this.councilTax.take('council_tax.move_within', 'Moving within the area', change);
    },
    ct_adult_in: ({ change, name, dateOfBirth }) => {
      ctName(name);
      ctBorn(dateOfBirth);
      return this.councilTax.take('council_tax.adult_in', 'Another adult moving in', change, 0);
    },
    ct_adult_out: ({ change, name }) => {
      ctName(name);
      return this.councilTax.take('council_tax.adult_out', 'Another adult moving out', change);
    },
    ct_apply_spd: ({ change }) => this.councilTax.take('council_tax.apply_spd', 'Single person discount', change, 25),
    ct_remove_spd: ({ change }) =>
      this.councilTax.take('council_tax.remove_spd', 'End the single person discount', change, 0),
    ct_disregard: ({ change, person }) => {
      ctName(person);
      return this.councilTax.take('council_tax.disregard', 'Disregard', change);
    },
    ct_claim_exemption: ({ change }) => this.councilTax.take('council_tax.claim_exemption', 'Exemption claim', change, 100),
    ct_disabled_reduction: ({ change, person }) => {
      ctName(person);
      return this.councilTax.take('council_tax.disabled_reduction', 'Disabled band reduction', change);
    },
    ct_change_name: ({ change, person, newName }) => {
      ctName(person);
      ctName(newName);
      return this.councilTax.take('council_tax.change_name', 'Change of name', change);
    },
    ct_correspondence_address: ({ change, address, postcode }) => {
      ctAddress(address);
      ctPostcode(postcode);
      return this.councilTax.take('council_tax.correspondence_address', 'Correspondence address', change);
    },
    ct_paperless_sign_up: ({ change, email, emailAgain }) => {
      if (!/^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$/.test(email.trim())) {
        throw { code: 'invalid_email', message: `\`${email.trim()}\` is not an email address.` };
      }
      if (email.trim().toLowerCase() !== emailAgain.trim().toLowerCase()) {
        throw { code: 'emails_differ', message: 'The two email addresses differ: read it back to the caller and type it again.' };
      }
      return this.councilTax.take('council_tax.paperless_sign_up', 'Paperless billing', change);
    },
    ct_paperless_withdrawal: ({ change }) =>
      this.councilTax.take('council_tax.paperless_withdrawal', 'Back to paper bills', change),
    ct_direct_debit: ({ change, accountHolder, sortCode, accountNumber, instalments, day }) => {
      ctName(accountHolder);
      if (!/^\d{6}$/.test(sortCode.replace(/[-\s]/g, ''))) {
        throw { code: 'invalid_sort_code', message: 'A sort code is six digits, like 12-34-56.' };
      }
      if (!/^\d{8}$/.test(accountNumber.replace(/\s/g, ''))) {
        throw { code: 'invalid_bank_account', message: 'A bank account number is eight digits.' };
      }
      if (![10, 12].includes(instalments) || ![5, 15, 25].includes(day)) {
        throw { code: 'invalid_plan', message: 'Direct Debit is 10 or 12 monthly instalments on the 5th, 15th or 25th.' };
      }
      return this.councilTax.take('council_tax.direct_debit', 'Direct Debit', change);
    },
    ct_ctr_referral: ({ change }) =>
      this.councilTax.take('council_tax.ctr_referral', 'Council Tax Reduction referral', change),
    dismiss_attention: ({ itemId }) => {
      this.attention = this.attention.filter((i) => i.id !== itemId);
      this.#emit();
      return null;
    },
  };

  /** The day's cash-up from the receipts taken in the preview, as the desk's rule works it. */
  cashUp(centreId: number, day: string, thisDesk: boolean, floatPence: number, countedPence: number | null): CashUpView {
    const mine = this.receipts.filter((r) => r.taken_at.startsWith(day));
    const line = (name: string, rs: ReceiptView[]) => ({
      name,
      count: rs.length,
      taken_pence: rs.filter((r) => r.kind === 'payment').reduce((n, r) => n + r.amount_pence, 0),
      refunded_pence: rs.filter((r) => r.kind === 'refund').reduce((n, r) => n + r.amount_pence, 0),
    });
    const cash = line('Cash', mine.filter((r) => r.method === 'Cash'));
    const expected = floatPence + cash.taken_pence - cash.refunded_pence;
    const difference = countedPence === null ? null : countedPence - expected;
    return {
      centre_id: centreId,
      day,
      desk: thisDesk ? 'Desk preview' : null,
      float_pence: floatPence,
      cash,
      expected_cash_pence: expected,
      cards: [],
      vouchers: line('Vouchers', []),
      complimentary: 0,
      on_account: [],
      refunds: line('Refunds', mine.filter((r) => r.kind === 'refund')),
      pending: mine.filter((r) => r.pending).length,
      counted_pence: countedPence,
      difference_pence: difference,
      balance: difference === null ? null : difference === 0 ? 'balanced' : difference > 0 ? 'over' : 'short',
      counts: [...this.cashCounts],
    };
  }

  /** Answers one invoke, as the shell would: by the command's name, with its arguments. */
  handle(cmd: string, args: unknown): unknown {
    if (!(COMMANDS as readonly string[]).includes(cmd)) throw { code: 'ipc', message: `unknown command ${cmd}` };
    const name = cmd as CommandName;
    if (this.locked && !FakeDesk.WHILE_LOCKED.includes(name)) {
      throw { code: 'locked', message: 'This desk is locked. Enter your password to unlock it.' };
    }
    return (this.commands[name] as (req: unknown) => unknown)(args);
  }
}

