// End-to-end tests of the real, built Council Desk app in a real window (Xvfb), driven through
// tauri-driver and WebKitWebDriver. `./run` starts the display, D-Bus with an unlocked keyring
// and tauri-driver, then these tests; they start the council server themselves so they can stop
// and restart it.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import { Journal, ServerAudit, tamperWithAudit, unaudited } from './lib/audit.mjs';
import {
  bookingIs,
  customerSecrets,
  isLocked,
  leaks,
  pageCopies,
  personalDataShown,
  unlock,
  waitUnlocked,
} from './lib/lock.mjs';
import { Link, SecondDesk, ServerProcess, freePort } from './lib/stack.mjs';
import {
  bookFromSession,
  bookingCustomerIds,
  bookingIdOf,
  capture,
  customerResultIds,
  fullName,
  go,
  openSession,
  openSessionFromTimetable,
  openTimetable,
  seriousViolations,
  signIn,
  tid,
  waitForBooking,
  waitUntilSynced,
} from './lib/ui.mjs';
import { Key, Session } from './lib/webdriver.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

function required(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run these tests through tests/e2e-app/run`);
  return v;
}

const DRIVER = required('E2E_DRIVER_URL');
const APP = required('COUNCIL_DESK_APP');
const SERVER_BIN = required('DESK_SERVER_BIN');
const WORK = required('E2E_WORK_DIR');
const SHOTS = process.env.E2E_SCREENSHOT_DIR || path.join(here, '..', '..', 'docs', 'screenshots');

const DEMO_USER = 'demo.leisure';
const DEMO_PASSWORD = 'Demo-Leisure-2017';
const SECOND_USER = 'e2e.second.desk';
const SECOND_PASSWORD = 'Second-Desk-E2E-2026';
// A leisure-desk account for another centre only: the user the shared desk is switched to.
const OTHER_USER = 'e2e.other.centre';
const OTHER_PASSWORD = 'Other-Centre-E2E-2026';
const OTHER_CENTRE = 2;

/** The folder name of a staff member's store (the desk's hash of the user name). */
const storeFolder = (username) =>
  createHash('sha256').update(username.trim().toLowerCase()).digest().subarray(0, 16).toString('hex');

/** Local calendar date of a `NaiveDateTime` string, `YYYY-MM-DD`. */
const dayOf = (startsAt) => startsAt.slice(0, 10);
const todayLocal = () => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

describe('Council Desk in a real window', { concurrency: false }, () => {
  let server;
  let link;
  let second;
  let other;
  let ui;
  let plan;
  // What each step of the journeys showed or changed, checked against the server's audit store.
  const journal = new Journal();
  // The app's device id for each staff member (each store has its own), as the app reports it.
  const devices = {};

  const launch = (dataDir, extra = []) =>
    Session.start(DRIVER, APP, ['--data-dir', path.join(WORK, dataDir), '--server-url', link.url, ...extra]);

  /**
   * Notes the app's device id for the signed-in staff member, as `app_info` reports it: the
   * audit rows are then checked against the app's own word, never against themselves. The
   * same member's store keeps one id across restarts and locks.
   */
  const learnDevice = async (username) => {
    const info = await ui.invoke('app_info');
    assert.ok(info.ok, `app_info: ${JSON.stringify(info.error)}`);
    assert.match(info.value.device_id ?? '', /^[0-9a-f-]{36}$/, `app_info reports the device id for ${username}`);
    if (devices[username]) assert.equal(info.value.device_id, devices[username], `${username}'s device id stays the same`);
    devices[username] = info.value.device_id;
    return info.value;
  };

  /**
   * Writes down the customers the session's booking rows show now, as viewed by `username` in a
   * step that began at `since` (before the session was opened or changed).
   */
  const noteBookingsShown = async (step, username, since) =>
    journal.viewed(step, { username, customerIds: await bookingCustomerIds(ui), since, detail: 'bookings' });

  /**
   * Books from the session page and writes down the search results shown and the booking made,
   * all in this step's window. A booking left pending is answered by the server later: its
   * server row's window stays open until the test calls `journal.applied(id)`.
   */
  const book = async (step, username, customer, channel, { want = 'confirmed', status, sources, timeout } = {}) => {
    const since = new Date();
    const { shown } = await bookFromSession(ui, customer, channel);
    journal.viewed(`${step}: search results`, { username, customerIds: shown, since, detail: 'search result' });
    await waitForBooking(ui, fullName(customer), want, { status, timeout });
    const bookingId = await bookingIdOf(ui, fullName(customer));
    const applied = want === 'pending' ? 'later' : 'now';
    journal.changed(step, { username, bookingId, customerId: customer.id, command: 'book_place', sources, since, applied });
    await noteBookingsShown(`${step}: session bookings`, username, since);
    return bookingId;
  };

  before(async () => {
    mkdirSync(WORK, { recursive: true });
    server = new ServerProcess({
      bin: SERVER_BIN,
      dataDir: path.join(WORK, 'server'),
      port: await freePort(),
      log: 'inherit',
    });
    server.prepare({
      secondUser: SECOND_USER,
      secondPassword: SECOND_PASSWORD,
      staff: [
        {
          username: OTHER_USER,
          password: OTHER_PASSWORD,
          displayName: 'Other Centre (E2E)',
          roles: ['leisure-desk'],
          sites: [`leisure:${OTHER_CENTRE}`],
        },
      ],
    });
    await server.start();
    link = new Link(await freePort(), server.port);
    await link.up();

    // The second desk reads the timetable to choose sessions and customers for the journey.
    second = new SecondDesk(server.url);
    await second.signIn(SECOND_USER, SECOND_PASSWORD);
    const rows = await second.pullAll();
    const today = todayLocal();
    const sessions = rows.sessions
      .filter((s) => s.centre_id === 1 && !s.cancelled && dayOf(s.starts_at) > today)
      .sort((a, b) => a.starts_at.localeCompare(b.starts_at));
    const free = (s) => s.capacity - s.booked;
    let roomy;
    let nearlyFull;
    for (const day of [...new Set(sessions.map((s) => dayOf(s.starts_at)))]) {
      const onDay = sessions.filter((s) => dayOf(s.starts_at) === day);
      // Room for the five places the journeys book in it, and one more.
      roomy = onDay.find((s) => free(s) >= 6);
      nearlyFull = onDay.find((s) => s !== roomy && free(s) >= 1 && free(s) <= 4 && s.waiting === 0);
      if (roomy && nearlyFull) break;
    }
    assert.ok(roomy && nearlyFull, 'the demo timetable has a roomy and a nearly full session on one future day');
    // The demo's sessions have real booking rows: the journeys' customers are people not
    // already booked (or waiting) in the two sessions they book.
    const bookedIn = (sid) =>
      new Set((rows.bookings ?? []).filter((bk) => bk.session_id === sid && bk.status !== 'cancelled').map((bk) => bk.customer_id));
    const alreadyIn = new Set([...bookedIn(roomy.id), ...bookedIn(nearlyFull.id)]);
    const atCentre1 = rows.customers.filter((c) => c.home_centre_id === 1 && !alreadyIn.has(c.id));
    const customers = atCentre1.slice(0, 12);
    assert.equal(customers.length, 12, 'enough customers at centre 1');
    // Leave exactly one place in the nearly full session, taken by the second desk.
    for (let i = 0; free(nearlyFull) - i > 1; i++) {
      const outcome = await second.bookPlace(nearlyFull.id, customers[11 - i].id);
      assert.equal(outcome.status, 'applied', JSON.stringify(outcome));
    }

    // What the other centre's account may see, over HTTP with its own device id.
    other = new SecondDesk(server.url);
    await other.signIn(OTHER_USER, OTHER_PASSWORD);
    const otherRows = await other.pullAll();
    assert.deepEqual(
      otherRows.customers.filter((c) => c.home_centre_id !== OTHER_CENTRE).map((c) => c.id),
      [],
      'the other centre account is sent only its own centre’s customers',
    );
    // Customer X: at centre 1, with a name that as search words (each a prefix, all required,
    // as the desk searches) matches nobody at the other centre, so the other account's search
    // for X's name must come back empty because X is not on its desk, not by chance.
    const words = (text) => text.toLowerCase().replace(/['’‘]/g, '').split(/[^\p{L}\p{N}]+/u).filter(Boolean);
    // The desk searches contact details too (email, postcode, phone), so those count as well.
    const otherWords = otherRows.customers.map((c) =>
      words(`${c.first_name} ${c.last_name} ${c.membership_no} ${c.email ?? ''} ${c.postcode} ${c.phone ?? ''}`),
    );
    const matchesOther = (c) =>
      otherWords.some((ws) => words(fullName(c)).every((t) => ws.some((w) => w.startsWith(t))));
    const x = atCentre1.slice(12).find((c) => !matchesOther(c));
    assert.ok(x, 'a centre-1 customer whose name matches nobody at the other centre');
    const otherSession = otherRows.sessions
      .filter((s) => s.centre_id === OTHER_CENTRE && !s.cancelled && dayOf(s.starts_at) > today)
      .sort((a, b) => a.starts_at.localeCompare(b.starts_at))[0];
    assert.ok(otherSession, 'the other centre has a future session');
    const y = otherRows.customers[0];
    assert.ok(y, 'the other centre has customers');

    // A third centre-1 session with a few places left: the second desk fills it while A's
    // booking there is offline, so A's desk holds a refused booking in Needs attention when
    // the desk is switched to the other user.
    const w = customers[7];
    const third = sessions.find(
      (s) => s !== roomy && s !== nearlyFull && free(s) >= 1 && free(s) <= 8 && s.waiting === 0 && !bookedIn(s.id).has(w.id),
    );
    assert.ok(third, 'a third centre-1 session with 1 to 8 places left');
    const fillers = atCentre1
      .slice(12)
      .filter((c) => c.id !== x.id && !bookedIn(third.id).has(c.id))
      .slice(0, free(third));
    assert.equal(fillers.length, free(third), 'customers enough to fill the third session');

    plan = {
      day: dayOf(roomy.starts_at),
      roomy,
      nearlyFull,
      customers,
      // Every centre-1 customer, those the demo already booked in these sessions included.
      centre1: new Map(rows.customers.filter((c) => c.home_centre_id === 1).map((c) => [c.id, c])),
      centre1Sessions: sessions,
      x,
      y,
      w,
      third,
      fillers,
      otherSession,
    };

    ui = await launch('desk-1');
  });

  after(async () => {
    await ui?.end().catch(() => {});
    await link?.down();
    await server?.stop();
  });

  it('signs in, books online and sees it confirmed; books offline as Pending and sees it confirmed after the server returns; a place lost to a second desk ends in Needs attention and the waiting list', async () => {
    const [a, b, c, d] = plan.customers;

    // Sign in.
    await ui.waitFor(tid('sign-in-form'));
    await capture(ui, SHOTS, 'sign-in');
    assert.deepEqual(await seriousViolations(ui), [], 'sign-in: axe serious/critical violations');
    await signIn(ui, { url: link.url, username: DEMO_USER, password: DEMO_PASSWORD });
    await waitUntilSynced(ui);
    const info = await learnDevice(DEMO_USER);
    assert.equal(info.idle_lock_secs, 300, 'the idle lock defaults to 5 minutes');
    assert.equal(info.signed_in, true);
    assert.equal(info.locked_for, null);

    // Timetable and session detail.
    await openTimetable(ui, 1, plan.day);
    await capture(ui, SHOTS, 'timetable');
    assert.deepEqual(await seriousViolations(ui), [], 'timetable: axe serious/critical violations');
    const roomyOpened = new Date();
    await openSessionFromTimetable(ui, plan.roomy.id);
    await noteBookingsShown('roomy session opened', DEMO_USER, roomyOpened);
    await capture(ui, SHOTS, 'session-detail');
    assert.deepEqual(await seriousViolations(ui), [], 'session detail: axe serious/critical violations');

    // The booking form refuses an empty submit, beside the field and in the summary.
    await (await ui.waitFor(tid('session-book'))).click();
    await ui.waitFor(tid('booking-form'));
    await (await ui.find(tid('book-submit'))).click();
    await ui.waitFor(tid('error-summary'));
    await ui.waitFor(tid('customer-search-error'));
    await ui.waitFor(tid('channel-error'));
    await capture(ui, SHOTS, 'booking-form-error');
    assert.deepEqual(await seriousViolations(ui), [], 'booking form with errors: axe serious/critical violations');
    await openSession(ui, plan.roomy.id);

    // Online: booked, then confirmed by the server.
    await book('book A online', DEMO_USER, a, 'face-to-face', { status: 'booked' });

    // The server stops: the booking is kept as Pending.
    await link.down();
    await server.stop();
    const bBooking = await book('book B offline', DEMO_USER, b, 'telephone', { want: 'pending' });
    await ui.waitFor(`${tid('header-online')}[data-online="false"]`, { timeout: 60000 });
    const pending = await (await ui.find(tid('header-pending'))).attr('data-count');
    assert.ok(Number(pending) >= 1, `header shows pending changes (${pending})`);

    // The server returns: the pending booking is confirmed.
    await server.start();
    await link.up();
    await (await ui.find(tid('header-sync-now'))).click();
    await waitForBooking(ui, fullName(b), 'confirmed', { status: 'booked', timeout: 60000 });
    journal.applied(bBooking);
    assert.equal(await bookingIdOf(ui, fullName(b)), bBooking, 'the confirmed booking is the one made offline');

    // Offline again (the server is up for everyone else): book the last place of the nearly full session.
    const nearlyFullOpened = new Date();
    await openSession(ui, plan.nearlyFull.id);
    await ui.waitUntil(
      `const el = document.querySelector('[data-testid="session-places"]');
       return el && Number(el.dataset.capacity) - Number(el.dataset.booked) === 1;`,
      { what: 'the nearly full session shows one place left' },
    );
    await noteBookingsShown('nearly full session opened', DEMO_USER, nearlyFullOpened);
    await link.down();
    // Refused by the server later, so only the desk audits it.
    await book('book C offline, lost to the second desk', DEMO_USER, c, 'face-to-face', {
      want: 'pending',
      sources: ['desk'],
    });

    // Meanwhile a second desk takes that last place.
    const outcome = await second.bookPlace(plan.nearlyFull.id, d.id);
    assert.equal(outcome.status, 'applied', `second desk's booking: ${JSON.stringify(outcome)}`);

    // Back online: the first desk's booking is refused and waits in Needs attention.
    await link.up();
    await (await ui.find(tid('header-sync-now'))).click();
    await ui.waitFor(tid('header-attention'), {
      timeout: 60000,
      test: async (el) => Number(await el.attr('data-count')) >= 1,
    });
    await (await ui.find(tid('header-attention'))).click();
    const item = await ui.waitFor(`${tid('attention-item')}[data-code="session_full"]`);
    const entered = await (await item.find(tid('attention-entered'))).text();
    assert.ok(entered.includes(c.last_name), `what was entered names the customer: ${entered}`);
    const join = await item.find(`${tid('attention-alternative')}[data-kind="join_waiting_list"]`);
    await capture(ui, SHOTS, 'needs-attention');
    assert.deepEqual(await seriousViolations(ui), [], 'needs attention: axe serious/critical violations');

    // Take the waiting-list alternative: the customer is on the waiting list, confirmed.
    const alternativeTaken = new Date();
    await join.click();
    await ui.gone(`${tid('attention-item')}[data-code="session_full"]`);
    await openSession(ui, plan.nearlyFull.id);
    await (await ui.find(tid('header-sync-now'))).click();
    await waitForBooking(ui, fullName(c), 'confirmed', { status: 'waiting', timeout: 60000 });
    journal.changed('alternative taken: C joins the waiting list', {
      username: DEMO_USER,
      bookingId: await bookingIdOf(ui, fullName(c)),
      customerId: c.id,
      command: 'join_waiting_list',
      since: alternativeTaken,
    });
    await noteBookingsShown('nearly full session after the alternative', DEMO_USER, alternativeTaken);
  });

  it('books a place with the keyboard alone', async () => {
    const e = plan.customers[4];
    const since = new Date();
    await openTimetable(ui, 1, plan.day);
    await ui.exec('document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); return true;');

    /** Presses Tab until the focused element matches `css` (a bounded number of times). */
    const tabTo = async (css, limit = 250) => {
      for (let i = 0; i < limit; i++) {
        if (await ui.exec('return document.activeElement?.matches(arguments[0]) ?? false', css)) return;
        await ui.keys(Key.Tab);
      }
      throw new Error(`Tab never reached ${css} (focus is on ${await ui.activeName()})`);
    };

    await tabTo(`${tid('timetable-row')}[data-session-id="${plan.roomy.id}"] ${tid('timetable-session-link')}`);
    await ui.keys(Key.Enter);
    await ui.waitFor(`${tid('session-detail')}[data-session-id="${plan.roomy.id}"]`);
    await tabTo(tid('session-book'));
    await ui.keys(Key.Enter);
    await ui.waitFor(tid('booking-form'));
    await tabTo(tid('customer-search'));
    await ui.keys(e.membership_no);
    await ui.waitFor(`${tid('customer-result')}[data-customer-id="${e.id}"]`);
    journal.viewed('keyboard booking: search results', {
      username: DEMO_USER,
      customerIds: await customerResultIds(ui),
      since,
      detail: 'search result',
    });
    await ui.keys(Key.ArrowDown, Key.Enter);
    await ui.waitFor(`${tid('book-chosen')}[data-customer-id="${e.id}"]`);
    await tabTo(tid('channel-face-to-face'));
    await ui.keys(Key.Space);
    assert.equal(await ui.exec('return document.querySelector(arguments[0]).checked', tid('channel-face-to-face')), true);
    await tabTo(tid('book-submit'));
    await ui.keys(Key.Enter);
    await ui.waitFor(`${tid('session-detail')}[data-session-id="${plan.roomy.id}"]`);
    await waitForBooking(ui, fullName(e), 'confirmed', { status: 'booked', timeout: 60000 });
    journal.changed('keyboard booking', {
      username: DEMO_USER,
      bookingId: await bookingIdOf(ui, fullName(e)),
      customerId: e.id,
      command: 'book_place',
      since,
    });
  });

  it('keeps bad input beside the field and sends nothing', async () => {
    // What the desk's store holds (through the shell, which reads it: the store is encrypted)
    // and what the server's store holds, before and after.
    const deskState = async () => {
      const status = await ui.invoke('sync_status');
      const session = await ui.invoke('session', { id: plan.roomy.id });
      const attention = await ui.invoke('needs_attention');
      for (const r of [status, session, attention]) assert.ok(r.ok, JSON.stringify(r.error));
      return {
        pending: status.value.pending,
        bookings: session.value.bookings.map((bk) => `${bk.id} ${bk.status} ${bk.pending}`).sort(),
        attention: attention.value.map((item) => item.id).sort(),
      };
    };
    const serverStore = new ServerAudit(server);
    const serverState = () =>
      serverStore.sql(
        `SELECT (SELECT count(*) FROM bookings) AS bookings, (SELECT count(*) FROM receipts) AS receipts,
                (SELECT group_concat(hex(device_id) || ':' || last_seq) FROM (SELECT * FROM devices ORDER BY device_id)) AS devices`,
      )[0];
    await (await ui.find(tid('header-sync-now'))).click();
    await ui.waitFor(tid('header-pending'), { timeout: 60000, test: async (el) => Number(await el.attr('data-count')) === 0 });
    const deskBefore = await deskState();
    const serverBefore = serverState();
    assert.equal(deskBefore.pending, 0, 'nothing waits to be sent before the bad input');

    // Offline while the bad input is entered: anything recorded would stay in the desk's
    // outbox, where it can be seen, instead of leaving at once.
    await link.down();
    await go(ui, `#/sessions/${plan.roomy.id}/book`);
    await ui.waitFor(tid('booking-form'));
    const search = await ui.waitFor(tid('customer-search'));
    await search.type('x'.repeat(300));
    await ui.waitFor(tid('customer-search-error'));
    await (await ui.find(tid('book-submit'))).click();
    await ui.waitFor(tid('error-summary'));
    assert.deepEqual(await deskState(), deskBefore, 'the desk’s store recorded nothing for refused input');

    // Online again, after a whole sync that began once the link was up (anything recorded would
    // have been pushed by it): the server's store holds no new booking, receipt or seq.
    const upAt = Date.now();
    await link.up();
    const deadline = Date.now() + 60000;
    for (;;) {
      await (await ui.find(tid('header-sync-now'))).click();
      await sleep(1000);
      const status = await ui.invoke('sync_status');
      assert.ok(status.ok, JSON.stringify(status.error));
      if (Date.parse(status.value.last_synced_at ?? '') > upAt) break;
      assert.ok(Date.now() < deadline, `no sync after the link came back: ${JSON.stringify(status.value)}`);
    }
    assert.deepEqual(await deskState(), deskBefore, 'the desk’s store is unchanged after a sync');
    assert.deepEqual(serverState(), serverBefore, 'the server’s store received nothing');
  });

  it('locks itself after 3 idle seconds to a screen that holds no personal data, in the page or the desk; the password unlocks it and a booking made offline before the lock is still pending, then confirmed', async (t) => {
    // Offline, at the desk as it was: a booking that stays Pending across the restart and the lock.
    await link.down();
    const f = plan.customers[5];
    await openSession(ui, plan.roomy.id);
    const fBooking = await book('book F offline before the lock', DEMO_USER, f, 'telephone', { want: 'pending' });
    await ui.end();
    ui = null;

    // The desk again, locking after 3 idle seconds; signed in offline (the server is out of reach).
    ui = await launch('desk-1', ['--idle-lock-secs', '3']);
    await signIn(ui, { url: link.url, username: DEMO_USER, password: DEMO_PASSWORD });

    // Show the session's bookings, then a customer search that lists several people, and note
    // exactly what was on screen. The window sends at most one `touch` per 5 s, so with a 3 s
    // lock the desk may lock before the notes are taken: then unlock and show it all again.
    let onSession;
    let inSearch;
    let before;
    let shownSince;
    const showAll = async () => {
      shownSince = new Date();
      await openSession(ui, plan.roomy.id);
      await ui.waitUntil(bookingIs, { what: `${fullName(f)}'s booking is pending` }, fullName(f), 'pending', null);
      onSession = await personalDataShown(ui);
      await go(ui, `#/sessions/${plan.roomy.id}/book`);
      const search = await ui.waitFor(tid('customer-search'));
      await search.clear();
      await search.type(plan.customers[6].last_name.slice(0, 3));
      await ui.waitFor(tid('customer-result'));
      inSearch = await personalDataShown(ui);
      // Taken while the search shows: proof the leak checks below can fail.
      before = await pageCopies(ui);
    };
    let attempts = 0;
    for (let attempt = 1; ; attempt++) {
      attempts = attempt;
      if (await isLocked(ui)) await unlock(ui, DEMO_PASSWORD);
      const failed = await showAll().then(
        () => null,
        (e) => e,
      );
      const lockedNow = await isLocked(ui);
      if (failed && !lockedNow) throw failed;
      if (!lockedNow && inSearch.strings.every((t) => before.text.includes(t))) break;
      assert.ok(attempt < 4, 'the desk locked before the screens could be read, four times');
    }
    t.diagnostic(
      `screens read with the desk open at attempt ${attempts} (${onSession.strings.length + inSearch.strings.length} strings noted)`,
    );
    const quietFrom = Date.now();
    journal.viewed('session before the lock', {
      username: DEMO_USER,
      customerIds: onSession.customerIds,
      since: shownSince,
      detail: 'bookings',
    });
    journal.viewed('search before the lock', {
      username: DEMO_USER,
      customerIds: inSearch.customerIds,
      since: shownSince,
      detail: 'search result',
    });

    assert.ok(onSession.strings.includes(fullName(f)), `the session showed ${fullName(f)}: ${onSession.strings}`);
    assert.ok(inSearch.customerIds.length >= 1, 'the search showed customers');
    const shownIds = [...onSession.customerIds, ...inSearch.customerIds];
    const secrets = [
      ...onSession.strings,
      ...inSearch.strings,
      ...shownIds.flatMap((id) => customerSecrets(plan.centre1.get(id) ?? assert.fail(`customer ${id} is not at centre 1`))),
    ];
    assert.ok(inSearch.strings.length >= 3, `the search showed names and details: ${inSearch.strings}`);

    // No more input: the desk locks itself.
    await ui.waitFor(tid('lock-screen'), { timeout: 20000 });
    const lockedAfter = Date.now() - quietFrom;
    assert.ok(lockedAfter < 15000, `locked ${lockedAfter} ms after the last input`);
    t.diagnostic(`locked ${lockedAfter} ms after the screens were read`);
    assert.ok((await (await ui.find(tid('lock-username'))).text()).includes(DEMO_USER), 'the lock screen names whose desk it is');
    await capture(ui, SHOTS, 'lock-screen');
    assert.deepEqual(await seriousViolations(ui), [], 'lock screen: axe serious/critical violations');

    const assertNothingShown = async (when) => {
      assert.deepEqual(leaks(await pageCopies(ui), secrets), [], `${when}: personal data in the locked page`);
      const screens = await ui.exec(
        `return [...document.querySelectorAll(arguments[0])].map((e) => e.getAttribute('data-testid'));`,
        [
          'session-detail',
          'booking-form',
          'booking-row',
          'customer-result',
          'timetable-row',
          'header-staff',
          'header-attention',
          'header-pending',
          'attention-item',
        ]
          .map(tid)
          .join(', '),
      );
      assert.deepEqual(screens, [], `${when}: screens of the open desk are still in the page`);
    };
    await assertNothingShown('locked');
    const locked = await learnDevice(DEMO_USER);
    assert.equal(locked.locked_for, DEMO_USER, 'app_info says whose desk is locked');
    assert.equal(locked.idle_lock_secs, 3, 'app_info reports the idle lock given at launch');
    assert.equal(locked.signed_in, true);

    // The session's address shows only the lock screen.
    await go(ui, `#/sessions/${plan.roomy.id}`);
    await sleep(1500);
    await ui.waitFor(tid('lock-screen'));
    await assertNothingShown(`locked, at #/sessions/${plan.roomy.id}`);

    // The desk itself is locked, not just the window.
    for (const [command, args] of [
      ['search_customers', { text: f.last_name, limit: 10 }],
      ['session', { id: plan.roomy.id }],
      ['timetable', { centreId: 1, day: plan.day }],
      ['needs_attention', {}],
    ]) {
      const r = await ui.invoke(command, args);
      assert.equal(r.ok, false, `${command} on a locked desk answered ${JSON.stringify(r.value)?.slice(0, 300)}`);
      assert.equal(r.error?.code, 'locked', `${command} on a locked desk: ${JSON.stringify(r.error)}`);
      assert.equal(typeof r.error?.message, 'string');
    }

    // A wrong password is refused beside the field; the right one (offline: the server is out of
    // reach) opens the desk where it was, with the records back.
    await (await ui.find(tid('unlock-password'))).type('Not-The-Right-Password-1');
    await (await ui.find(tid('unlock-submit'))).click();
    await ui.waitFor(tid('unlock-password-error'));
    await ui.waitFor(tid('lock-screen'));
    await assertNothingShown('after a wrong password');
    await unlock(ui, DEMO_PASSWORD);
    const hash = await ui.exec('return window.location.hash;');
    assert.ok([`#/sessions/${plan.roomy.id}`, `#/sessions/${plan.roomy.id}/book`].includes(hash), `unlocked at ${hash}`);
    if (hash !== `#/sessions/${plan.roomy.id}`) await go(ui, `#/sessions/${plan.roomy.id}`);
    // The desk may lock again after 3 quiet seconds while the test watches: each wait unlocks it.
    await waitUnlocked(
      ui,
      DEMO_PASSWORD,
      `const names = arguments[0];
       const shown = [...document.querySelectorAll('[data-testid="booking-name"]')].map((e) => e.textContent.trim());
       return names.every((n) => shown.includes(n));`,
      { what: 'the session shows its bookings again' },
      onSession.strings,
    );
    await waitUnlocked(ui, DEMO_PASSWORD, bookingIs, { what: `${fullName(f)}'s booking is still pending` }, fullName(f), 'pending', null);
    assert.equal(await bookingIdOf(ui, fullName(f)), fBooking);

    // The server is back: the booking made before the lock is confirmed.
    const backAfterLock = new Date();
    await link.up();
    await waitUnlocked(
      ui,
      DEMO_PASSWORD,
      bookingIs,
      {
        timeout: 90000,
        what: `${fullName(f)}'s booking is confirmed`,
        poke: async () => (await ui.find(tid('header-sync-now'))).click(),
      },
      fullName(f),
      'confirmed',
      'booked',
    );
    journal.applied(fBooking);
    await noteBookingsShown('roomy session after the unlock', DEMO_USER, backAfterLock);

    // Someone working at the desk keeps it open: a key press every half second for more than
    // twice the idle time never meets the lock screen (the window touches the shell often
    // enough for a short lock too). Then quiet again: it locks.
    if (await isLocked(ui)) await unlock(ui, DEMO_PASSWORD);
    const busyFrom = Date.now();
    while (Date.now() - busyFrom < 7500) {
      await ui.keys(Key.Shift);
      assert.equal(await isLocked(ui), false, `locked ${Date.now() - busyFrom} ms into steady use`);
      await sleep(500);
    }
    await ui.waitFor(tid('lock-screen'), { timeout: 15000 });
  });

  it('switch user opens the other staff member’s own store, which shows none of the first user’s records; switching back finds the first user’s pending booking, which then syncs', async () => {
    const { x, y } = plan;
    await ui.end();
    ui = null;
    ui = await launch('desk-1');
    await signIn(ui, { url: link.url, username: DEMO_USER, password: DEMO_PASSWORD });
    await waitUntilSynced(ui);
    await learnDevice(DEMO_USER);

    // A's unfinished business: a booking made offline whose place the second desk takes, so
    // it comes back refused and waits in A's Needs attention.
    await link.down();
    await openSession(ui, plan.third.id);
    await book('A books W offline, lost to the second desk', DEMO_USER, plan.w, 'telephone', {
      want: 'pending',
      sources: ['desk'],
    });
    for (const filler of plan.fillers) {
      const outcome = await second.bookPlace(plan.third.id, filler.id);
      assert.equal(outcome.status, 'applied', `second desk fills the third session: ${JSON.stringify(outcome)}`);
    }
    await link.up();
    await (await ui.find(tid('header-sync-now'))).click();
    await ui.waitFor(tid('header-attention'), {
      timeout: 60000,
      test: async (el) => Number(await el.attr('data-count')) >= 1,
    });
    const aAttention = Number(await (await ui.find(tid('header-attention'))).attr('data-count'));

    // User A books customer X while offline: Pending, in A's store only.
    await link.down();
    const aOpens = new Date();
    await openSession(ui, plan.roomy.id);
    await noteBookingsShown('A opens the roomy session', DEMO_USER, aOpens);
    const xBooking = await book('A books X offline', DEMO_USER, x, 'face-to-face', { want: 'pending' });

    // A locks the desk; B signs in to a store of their own.
    await (await ui.find(tid('lock-now'))).click();
    await ui.waitFor(tid('lock-screen'));
    assert.deepEqual(leaks(await pageCopies(ui), customerSecrets(x)), [], 'X is not on the lock screen');
    await link.up();
    await (await ui.find(tid('lock-switch-user'))).click();
    await ui.waitFor(tid('sign-in-form'));
    await ui.waitFor(tid('sign-in-cancel'));
    await signIn(ui, { url: link.url, username: OTHER_USER, password: OTHER_PASSWORD });
    await waitUntilSynced(ui);
    const infoB = await learnDevice(OTHER_USER);
    assert.equal(infoB.locked_for, null);
    assert.ok((await (await ui.find(tid('header-staff'))).text()).includes('Other Centre'), 'B is signed in');

    // B cannot find X, by name or membership number, in the desk or in the window.
    for (const text of [fullName(x), x.membership_no]) {
      const r = await ui.invoke('search_customers', { text, limit: 50 });
      assert.ok(r.ok, `B's search for ${text}: ${JSON.stringify(r.error)}`);
      assert.deepEqual(r.value, [], `B's search for ${text} finds nothing`);
    }
    await go(ui, `#/sessions/${plan.otherSession.id}/book`);
    const search = await ui.waitFor(tid('customer-search'));
    await search.type(fullName(x));
    await ui.waitUntil(
      `return (document.querySelector('[data-testid="customer-results-count"]')?.textContent ?? '').includes('No customers match');`,
      { what: 'B’s search says no customers match' },
    );
    await sleep(1000);
    assert.equal((await ui.findAll(tid('customer-result'))).length, 0);

    // B's timetable has no centre-1 sessions; nothing of A's is pending or needs attention.
    const own = await ui.invoke('timetable', { centreId: OTHER_CENTRE, day: dayOf(plan.otherSession.starts_at) });
    assert.ok(own.ok && own.value.some((sv) => sv.session.id === plan.otherSession.id), `B's own timetable: ${JSON.stringify(own).slice(0, 300)}`);
    const timetable = await ui.invoke('timetable', { centreId: 1, day: plan.day });
    assert.ok(timetable.ok, `B's timetable for centre 1: ${JSON.stringify(timetable.error)}`);
    assert.deepEqual(timetable.value, [], 'B’s desk holds no centre-1 sessions');
    await go(ui, `#/timetable?centre=1&day=${plan.day}`);
    await sleep(1500);
    const centre1Ids = new Set(plan.centre1Sessions.map((s) => s.id));
    const rowsShown = await ui.exec(
      `return [...document.querySelectorAll('[data-testid="timetable-row"]')].map((r) => Number(r.dataset.sessionId));`,
    );
    assert.deepEqual(rowsShown.filter((id) => centre1Ids.has(id)), [], 'B’s timetable shows centre-1 sessions');
    assert.equal(Number(await (await ui.find(tid('header-pending'))).attr('data-count')), 0, 'B has no pending changes');
    const bAttention = Number(await (await ui.find(tid('header-attention'))).attr('data-count'));
    assert.equal(bAttention, 0, 'B has nothing needing attention');
    await go(ui, '#/attention');
    await ui.waitFor(tid('attention-empty'));
    const bText = await ui.exec('return document.body.innerText;');
    for (const cust of [...plan.customers.slice(0, 8), x]) {
      assert.ok(!bText.includes(fullName(cust)), `B's window shows ${fullName(cust)}`);
    }

    // B looks up one of their own centre's customers: a view by B, on B's own device id.
    const bSearches = new Date();
    await go(ui, `#/sessions/${plan.otherSession.id}/book`);
    const searchY = await ui.waitFor(tid('customer-search'));
    await searchY.clear();
    await searchY.type(y.membership_no);
    await ui.waitFor(`${tid('customer-result')}[data-customer-id="${y.id}"]`);
    journal.viewed('B searches their own centre', {
      username: OTHER_USER,
      customerIds: await customerResultIds(ui),
      since: bSearches,
      detail: 'search result',
    });

    // Two stores on this desk, one per staff member.
    const staffDir = path.join(WORK, 'desk-1', 'staff');
    assert.deepEqual(readdirSync(staffDir).sort(), [storeFolder(DEMO_USER), storeFolder(OTHER_USER)].sort());
    for (const u of [DEMO_USER, OTHER_USER]) {
      assert.ok(existsSync(path.join(staffDir, storeFolder(u), 'desk.db')), `${u}'s store file`);
    }

    // B's views reach the server before B's desk is locked (B's audit rows stay in B's store otherwise).
    const audit = new ServerAudit(server);
    const bId = audit.staffIds()[OTHER_USER];
    await ui.waitUntil(`return document.querySelector('[data-testid="header-sync-now"]') !== null;`);
    const deadline = Date.now() + 60000;
    while (!audit.personRows(y.id).some((r) => Number(r.staff_id) === bId && r.action === 'view')) {
      assert.ok(Date.now() < deadline, `B's view of customer ${y.id} never reached the server`);
      await (await ui.find(tid('header-sync-now'))).click().catch(() => {});
      await sleep(2000);
    }

    // The server never saw A's booking while A's desk was locked.
    const serverRows = await second.pullAll();
    assert.ok(Array.isArray(serverRows.bookings) && serverRows.bookings.length > 0, 'the server’s bookings were read');
    assert.ok(!serverRows.bookings.some((bk) => bk.id === xBooking), 'A’s pending booking left A’s store while it was locked');

    // Back to A, offline: the pending booking is still there; online again, it syncs.
    await (await ui.find(tid('lock-now'))).click();
    await ui.waitFor(tid('lock-screen'));
    assert.ok((await (await ui.find(tid('lock-username'))).text()).includes(OTHER_USER));
    assert.deepEqual(leaks(await pageCopies(ui), customerSecrets(y)), [], 'B’s customer is not on B’s lock screen');
    await link.down();
    await (await ui.find(tid('lock-switch-user'))).click();
    await signIn(ui, { url: link.url, username: DEMO_USER, password: DEMO_PASSWORD });
    await openSession(ui, plan.roomy.id);
    await waitForBooking(ui, fullName(x), 'pending');
    assert.equal(await bookingIdOf(ui, fullName(x)), xBooking);
    assert.ok(Number(await (await ui.find(tid('header-pending'))).attr('data-count')) >= 1, 'A’s change is waiting to send');
    assert.equal(
      Number(await (await ui.find(tid('header-attention'))).attr('data-count')),
      aAttention,
      'A’s Needs attention is as A left it',
    );
    const aBack = new Date();
    await link.up();
    await (await ui.find(tid('header-sync-now'))).click();
    await waitForBooking(ui, fullName(x), 'confirmed', { status: 'booked', timeout: 60000 });
    journal.applied(xBooking);
    await noteBookingsShown('A back on the roomy session', DEMO_USER, aBack);

    // A cancels X's place: a change audited at the desk and at the server.
    const aCancels = new Date();
    await (await ui.find(`${tid('booking-cancel')}[data-cancel-for="${xBooking}"]`)).click();
    await ui.waitFor(tid('cancel-confirm-panel'));
    await (await ui.find(tid('cancel-channel-telephone'))).click();
    await (await ui.find(tid('cancel-confirm'))).click();
    await ui.gone(`${tid('booking-row')}[data-booking-id="${xBooking}"]`);
    journal.changed('A cancels X', {
      username: DEMO_USER,
      bookingId: xBooking,
      customerId: x.id,
      command: 'cancel_place',
      since: aCancels,
      applied: 'later',
    });
    await (await ui.find(tid('header-sync-now'))).click();
    await ui.waitFor(tid('header-pending'), { timeout: 60000, test: async (el) => Number(await el.attr('data-count')) === 0 });
    journal.applied(xBooking);
  });

  it('every view and change of these journeys is in the server’s audit store with staff member, device, time and record', async (t) => {
    for (const s of second.sent.filter((s) => s.outcome.status === 'applied')) {
      journal.changed('second desk books', {
        username: SECOND_USER,
        device: second.deviceId,
        bookingId: s.bookingId,
        customerId: s.customerId,
        command: 'book_place',
        sources: ['server'],
        since: s.since,
        applied: s.answered,
      });
    }
    const audit = new ServerAudit(server);
    const staffIds = audit.staffIds();
    for (const u of [DEMO_USER, OTHER_USER, SECOND_USER]) assert.ok(Number.isInteger(staffIds[u]), `staff id of ${u}`);

    // A's desk uploads what it holds at its next sync; wait for it (asking for syncs).
    const deadline = Date.now() + 90000;
    let missing;
    for (;;) {
      const rowsByPerson = new Map(journal.personIds.map((id) => [id, audit.personRows(id)]));
      missing = unaudited(journal, rowsByPerson, { staffIds, devices, until: new Date() });
      if (missing.length === 0 || Date.now() > deadline) break;
      await (await ui.find(tid('header-sync-now'))).click().catch(() => {});
      await sleep(3000);
    }
    assert.deepEqual(missing, [], `journal steps missing from the audit store (of ${journal.entries.length})`);
    assert.ok(journal.entries.length >= 20, `the journeys audited enough to mean something: ${journal.entries.length}`);
    t.diagnostic(
      `${journal.entries.length} journal entries about ${journal.personIds.length} people found through ` +
        `${audit.hasJson ? 'desk-server audit --person ID --json' : 'the SQLite audit_log'}; app devices ${JSON.stringify(devices)}`,
    );
    for (const u of [DEMO_USER, OTHER_USER]) {
      assert.match(devices[u] ?? '', /^[0-9a-f-]{36}$/, `the app's device id for ${u}`);
      assert.notEqual(devices[u], second.deviceId);
    }
  });

  it('no endpoint changes or removes an audit row: PUT, PATCH and DELETE are refused with {code, message}, a re-upload keeps the stored row', async (t) => {
    // Nothing else writes to the store from here on.
    await ui.end();
    ui = null;
    const audit = new ServerAudit(server);
    const person = plan.customers[0].id;

    // An upload of a seq the server holds is answered as stored, never rewritten.
    const upload = (detail) =>
      second.call('POST', '/v1/audit', {
        device_id: second.deviceId,
        entries: [
          {
            seq: 1,
            at: new Date().toISOString(),
            action: 'view',
            record_kind: 'customer',
            record_id: String(person),
            person_id: person,
            detail,
          },
        ],
      });
    await upload('first upload by the E2E second desk');
    const rewrite = await upload('rewritten by the E2E second desk').then(
      (r) => ({ ok: true, r }),
      (e) => ({ ok: false, e: e.message }),
    );
    const held = audit.personRows(person).filter((r) => r.device_id === second.deviceId && r.source === 'desk');
    assert.deepEqual(
      held.map((r) => r.detail),
      ['first upload by the E2E second desk'],
      `the re-upload (${JSON.stringify(rewrite)}) left the stored row as it was`,
    );

    const snapshot = () => ({
      persons: [...journal.personIds, person].map((id) => audit.personText(id)),
      all: audit.allRows(),
    });
    const before = snapshot();
    assert.ok(before.all.length > 0);

    // Declared PUT/PATCH/DELETE operations (e.g. signing out) run with a token of their own.
    const tokenFor = async (declared) => {
      if (!declared) return second.token;
      const throwaway = new SecondDesk(server.url);
      await throwaway.signIn(SECOND_USER, SECOND_PASSWORD);
      return throwaway.token;
    };
    const answers = await tamperWithAudit(server.url, tokenFor);
    assert.ok(answers.some((a) => a.path === '/v1/audit' && a.method === 'DELETE'));
    t.diagnostic(`${answers.length} PUT/PATCH/DELETE calls, ${answers.filter((a) => a.declared).length} of them declared operations`);
    for (const a of answers) {
      const what = `${a.method} ${a.path} → ${a.status} ${a.body.slice(0, 200)}`;
      if (a.declared) {
        assert.ok(a.status < 500, what);
        continue;
      }
      assert.ok(a.status === 404 || a.status === 405, what);
      const body = JSON.parse(a.body);
      assert.equal(typeof body.code, 'string', what);
      assert.equal(typeof body.message, 'string', what);
    }

    const after = snapshot();
    assert.deepEqual(after.persons, before.persons, 'every person’s audit JSON is byte-identical');
    assert.deepEqual(after.all.slice(0, before.all.length), before.all, 'no stored audit row changed or went');
    assert.deepEqual(
      after.all.slice(before.all.length).filter((r) => r.person_id !== null),
      [],
      'no audit row about a person was added',
    );
  });
});

describe('one app instance at a time', () => {
  it('a second launch hands over to the running window and exits', async () => {
    const { spawn } = await import('node:child_process');
    const { setTimeout: sleep } = await import('node:timers/promises');
    const dataDir = path.join(WORK, 'single-instance');
    const first = spawn(APP, ['--data-dir', dataDir, '--server-url', 'http://127.0.0.1:9'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let firstLog = '';
    first.stderr.setEncoding('utf8');
    first.stderr.on('data', (chunk) => {
      firstLog += chunk;
    });
    try {
      await sleep(5000);
      assert.equal(first.exitCode, null, 'the first instance is running');
      // The second launch names an address of its own, so the first instance's record of the
      // hand-over can only come from this launch.
      const mark = `http://127.0.0.1:9/hand-over-${process.pid}-${Date.now()}`;
      const second = spawn(APP, ['--data-dir', dataDir, '--server-url', mark], { stdio: 'ignore' });
      const code = await Promise.race([
        new Promise((resolve) => second.once('exit', (c) => resolve(c))),
        sleep(15000).then(() => 'still running'),
      ]);
      if (code === 'still running') second.kill('SIGKILL');
      assert.equal(code, 0, 'the second instance exits at once');
      assert.equal(first.exitCode, null, 'the first instance keeps running');
      const deadline = Date.now() + 10000;
      // The log may be coloured: the escape codes go before matching.
      const handedOver = () =>
        firstLog
          .replace(/\x1b\[[0-9;]*m/g, '')
          .split('\n')
          .find((line) => line.includes('handed over to this window') && line.includes(mark));
      while (!handedOver() && Date.now() < deadline) await sleep(200);
      assert.ok(handedOver(), `the first instance received the hand-over of ${mark}; it logged:\n${firstLog.slice(-2000)}`);
      assert.match(handedOver(), /shown=true/, 'the first window came forward');
    } finally {
      first.kill('SIGTERM');
    }
  });
});
