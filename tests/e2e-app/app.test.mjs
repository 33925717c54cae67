// End-to-end tests of the real, built Council Desk app in a real window (Xvfb), driven through
// tauri-driver and WebKitWebDriver. `./run` starts the display, D-Bus with an unlocked keyring
// and tauri-driver, then these tests; they start the council server themselves so they can stop
// and restart it.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import { Link, SecondDesk, ServerProcess, freePort } from './lib/stack.mjs';
import {
  bookFromSession,
  capture,
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
  let ui;
  let plan;

  before(async () => {
    mkdirSync(WORK, { recursive: true });
    server = new ServerProcess({
      bin: SERVER_BIN,
      dataDir: path.join(WORK, 'server'),
      port: await freePort(),
      log: 'inherit',
    });
    server.prepare({ secondUser: SECOND_USER, secondPassword: SECOND_PASSWORD });
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
      roomy = onDay.find((s) => free(s) >= 5);
      nearlyFull = onDay.find((s) => s !== roomy && free(s) >= 1 && free(s) <= 4 && s.waiting === 0);
      if (roomy && nearlyFull) break;
    }
    assert.ok(roomy && nearlyFull, 'the demo timetable has a roomy and a nearly full session on one future day');
    const customers = rows.customers.filter((c) => c.home_centre_id === 1).slice(0, 12);
    assert.equal(customers.length, 12, 'enough customers at centre 1');
    // Leave exactly one place in the nearly full session, taken by the second desk.
    for (let i = 0; free(nearlyFull) - i > 1; i++) {
      const outcome = await second.bookPlace(nearlyFull.id, customers[11 - i].id);
      assert.equal(outcome.status, 'applied', JSON.stringify(outcome));
    }
    plan = { day: dayOf(roomy.starts_at), roomy, nearlyFull, customers };

    ui = await Session.start(DRIVER, APP, ['--data-dir', path.join(WORK, 'desk-1'), '--server-url', link.url]);
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

    // Timetable and session detail.
    await openTimetable(ui, 1, plan.day);
    await capture(ui, SHOTS, 'timetable');
    assert.deepEqual(await seriousViolations(ui), [], 'timetable: axe serious/critical violations');
    await openSessionFromTimetable(ui, plan.roomy.id);
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
    await bookFromSession(ui, a);
    await waitForBooking(ui, fullName(a), 'confirmed', { status: 'booked' });

    // The server stops: the booking is kept as Pending.
    await link.down();
    await server.stop();
    await bookFromSession(ui, b, 'telephone');
    await waitForBooking(ui, fullName(b), 'pending');
    await ui.waitFor(`${tid('header-online')}[data-online="false"]`, { timeout: 60000 });
    const pending = await (await ui.find(tid('header-pending'))).attr('data-count');
    assert.ok(Number(pending) >= 1, `header shows pending changes (${pending})`);

    // The server returns: the pending booking is confirmed.
    await server.start();
    await link.up();
    await (await ui.find(tid('header-sync-now'))).click();
    await waitForBooking(ui, fullName(b), 'confirmed', { status: 'booked', timeout: 60000 });

    // Offline again (the server is up for everyone else): book the last place of the nearly full session.
    await openSession(ui, plan.nearlyFull.id);
    await ui.waitUntil(
      `const el = document.querySelector('[data-testid="session-places"]');
       return el && Number(el.dataset.capacity) - Number(el.dataset.booked) === 1;`,
      { what: 'the nearly full session shows one place left' },
    );
    await link.down();
    await bookFromSession(ui, c);
    await waitForBooking(ui, fullName(c), 'pending');

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
    await join.click();
    await ui.gone(`${tid('attention-item')}[data-code="session_full"]`);
    await openSession(ui, plan.nearlyFull.id);
    await (await ui.find(tid('header-sync-now'))).click();
    await waitForBooking(ui, fullName(c), 'confirmed', { status: 'waiting', timeout: 60000 });
  });

  it('books a place with the keyboard alone', async () => {
    const e = plan.customers[4];
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
    await ui.keys(Key.ArrowDown, Key.Enter);
    await ui.waitFor(`${tid('book-chosen')}[data-customer-id="${e.id}"]`);
    await tabTo(tid('channel-face-to-face'));
    await ui.keys(Key.Space);
    assert.equal(await ui.exec('return document.querySelector(arguments[0]).checked', tid('channel-face-to-face')), true);
    await tabTo(tid('book-submit'));
    await ui.keys(Key.Enter);
    await ui.waitFor(`${tid('session-detail')}[data-session-id="${plan.roomy.id}"]`);
    await waitForBooking(ui, fullName(e), 'confirmed', { status: 'booked', timeout: 60000 });
  });

  it('keeps bad input beside the field and sends nothing', async () => {
    await go(ui, `#/sessions/${plan.roomy.id}/book`);
    await ui.waitFor(tid('booking-form'));
    const search = await ui.waitFor(tid('customer-search'));
    await search.type('x'.repeat(300));
    await ui.waitFor(tid('customer-search-error'));
    await (await ui.find(tid('book-submit'))).click();
    await ui.waitFor(tid('error-summary'));
    // Nothing was recorded: no pending change appeared.
    const pending = await (await ui.find(tid('header-pending'))).attr('data-count');
    assert.equal(Number(pending), 0, 'no pending change after refused input');
  });
});

describe('one app instance at a time', () => {
  it('a second launch hands over to the running window and exits', async () => {
    const { spawn } = await import('node:child_process');
    const { setTimeout: sleep } = await import('node:timers/promises');
    const dataDir = path.join(WORK, 'single-instance');
    const first = spawn(APP, ['--data-dir', dataDir, '--server-url', 'http://127.0.0.1:9'], { stdio: 'ignore' });
    try {
      await sleep(5000);
      assert.equal(first.exitCode, null, 'the first instance is running');
      const second = spawn(APP, ['--data-dir', dataDir], { stdio: 'ignore' });
      const code = await Promise.race([
        new Promise((resolve) => second.once('exit', (c) => resolve(c))),
        sleep(15000).then(() => 'still running'),
      ]);
      if (code === 'still running') second.kill('SIGKILL');
      assert.equal(code, 0, 'the second instance exits at once');
      assert.equal(first.exitCode, null, 'the first instance keeps running');
    } finally {
      first.kill('SIGTERM');
    }
  });
});
