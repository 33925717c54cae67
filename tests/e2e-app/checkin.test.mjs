// Reception's check-in and waiting-list offers in a real window (issue 11 §3, §5), signed in as
// demo.leisure against a real council server holding the demo council (whose sessions have
// real booking rows, waiting lists and a few open offers). A customer booked into a session
// starting shortly is checked in by their scanned membership number (a keyboard-wedge scanner
// types the number and Enter); a customer with no booking for now gets a plain warning and is
// not checked in; the offers to phone list each customer's phone, and a declined offer moves
// on. Each screen is captured to docs/screenshots and scanned by axe-core (no serious or
// critical violations).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { SecondDesk, ServerProcess, freePort } from './lib/stack.mjs';
import { capture, go, signIn, tid, waitUntilSynced } from './lib/ui.mjs';
import { Key, Session } from './lib/webdriver.mjs';
import { headingFocused, isoDay, journeyEnv, noViolations, pad } from './lib/journey.mjs';

const { DRIVER, APP, SERVER_BIN, WORK, SHOTS } = journeyEnv();
const USER = 'demo.leisure';
const PASSWORD = 'Demo-Leisure-2017';
const SECOND_USER = 'e2e.checkin.second';
const SECOND_PASSWORD = 'Second-Checkin-E2E-2026';
const SESSION_NOW = 970001;

describe('Check-in and offers in a real window', { concurrency: false }, () => {
  let server;
  let ui;
  let booked;
  let unbooked;

  before(async () => {
    server = new ServerProcess({ bin: SERVER_BIN, dataDir: path.join(WORK, 'checkin-server'), port: await freePort(), log: 'inherit' });
    server.prepare({ secondUser: SECOND_USER, secondPassword: SECOND_PASSWORD });
    // A class at the demo's centre 1 (named as the demo names it) starting in 20 minutes:
    // check-in is open (from 30 minutes before, the demo centres' policy).
    const starts = new Date(Date.now() + 20 * 60_000);
    const csv = path.join(WORK, 'checkin-timetable.csv');
    writeFileSync(
      csv,
      'centre_id,centre_name,town,activity_id,activity_name,activity_kind,session_id,starts_at,duration_minutes,capacity,location,instructor\n' +
        `1,Elgin Thistle Leisure Centre,Elgin,9700,Aqua fit (E2E),class,${SESSION_NOW},${isoDay(starts)} ${pad(starts.getHours())}:${pad(starts.getMinutes())},60,20,Main pool,Iain Shand\n`,
    );
    server.run(['import-timetable', csv]);
    await server.start();

    // The second desk books a centre-1 customer with no other booking today into it.
    const second = new SecondDesk(server.url);
    await second.signIn(SECOND_USER, SECOND_PASSWORD);
    const rows = await second.pullAll();
    const today = isoDay(new Date());
    const day = new Map(rows.sessions.map((s) => [s.id, s.starts_at.slice(0, 10)]));
    const busy = new Set((rows.bookings ?? []).filter((b) => day.get(b.session_id) === today).map((b) => b.customer_id));
    const free = rows.customers.filter((c) => c.home_centre_id === 1 && !busy.has(c.id));
    [booked, unbooked] = free;
    assert.ok(booked && unbooked, 'two centre-1 customers with nothing booked today');
    const outcome = await second.bookPlace(SESSION_NOW, booked.id);
    assert.equal(outcome.status, 'applied', JSON.stringify(outcome));
    const offered = (rows.bookings ?? []).filter((b) => b.status === 'offered');
    assert.ok(offered.length > 0, 'the demo data holds open waiting-list offers');

    ui = await Session.start(DRIVER, APP, ['--data-dir', path.join(WORK, 'checkin-desk'), '--server-url', server.url]);
    await signIn(ui, { url: server.url, username: USER, password: PASSWORD });
    await waitUntilSynced(ui);
  });

  after(async () => {
    await ui?.end().catch(() => {});
    await server?.stop();
  });

  it('checks a customer in by their scanned membership number, and warns plainly of no booking', async () => {
    await go(ui, '#/check-in');
    await ui.waitFor(tid('check-in'));
    await headingFocused(ui);
    await noViolations(ui, 'check-in, empty');

    // The scanner: the number, then Enter. One customer, one booking for now: checked in.
    const input = await ui.waitFor(tid('check-in-text'));
    await input.click();
    await ui.keys(booked.membership_no, Key.Enter);
    const done = await ui.waitFor(`${tid('check-in-done')}[data-customer-id="${booked.id}"]`);
    assert.match(await done.text(), new RegExp(`${booked.first_name} ${booked.last_name} is checked in`));
    assert.match(await done.text(), /Aqua fit \(E2E\) at \d\d:\d\d, Main pool/);
    await ui.waitFor(`${tid('check-in-booking')}[data-attended="true"]`);
    await capture(ui, SHOTS, 'check-in');
    await noViolations(ui, 'check-in, confirmed');

    // Scanned again: already in, nothing checked in twice.
    await ui.keys(booked.membership_no, Key.Enter);
    await ui.waitUntil(
      `return document.querySelector('[data-testid="check-in-candidate"][data-customer-id="${booked.id}"]') !== null && document.querySelector('[data-testid="check-in-done"]') === null`,
      { what: 'the already checked-in customer listed without a new check-in' },
    );

    // A customer with no booking for now: a plain warning, and no check-in.
    await (await ui.find(tid('check-in-text'))).clear();
    await (await ui.find(tid('check-in-text'))).type(unbooked.membership_no);
    await ui.keys(Key.Enter);
    await ui.waitFor(`${tid('check-in-warning')}[data-kind="no_booking"]`);
    assert.equal(await ui.exec(`return document.querySelector('[data-testid="check-in-done"]') === null`), true);
    await capture(ui, SHOTS, 'check-in-no-booking');
    await noViolations(ui, 'check-in, no booking');
  });

  it('lists the waiting-list offers to phone with each phone, and a declined offer moves on', async () => {
    await go(ui, '#/offers');
    await ui.waitFor(tid('offers-table'));
    await headingFocused(ui);
    const before = await ui.exec(`return [...document.querySelectorAll('[data-testid="offer-row"]')].map((r) => r.dataset.bookingId)`);
    assert.ok(before.length > 0, 'offers to phone');
    await capture(ui, SHOTS, 'offers');
    await noViolations(ui, 'offers');
    await (await ui.find(`${tid('offer-row')}[data-booking-id="${before[0]}"] ${tid('offer-decline')}`)).click();
    await ui.waitFor(tid('offer-answered'));
    await ui.waitUntil(
      `return !document.querySelector('[data-testid="offer-row"][data-booking-id="${before[0]}"]')`,
      { what: 'the declined offer gone from the list' },
    );
    await headingFocused(ui);
    await noViolations(ui, 'offers, answered');
  });
});
