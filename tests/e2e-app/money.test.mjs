// Money at the leisure desk in a real window, signed in as demo.leisure against a real council
// server holding the demo council: a place paid by card moved to another session (what it costs
// or gives back shown first, then recorded and taken by the server), a place booked and paid in
// cash through the booking form (change and receipt shown), and the end-of-day cash-up with the
// drawer counted short, its reason asked for beside the field and the count recorded.
// One app launch per journey; each key screen is captured to docs/screenshots and scanned by
// axe-core (no serious or critical violations).
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { serverBehindLink } from './lib/stack.mjs';
import { capture, go, signIn, tid, waitUntilSynced } from './lib/ui.mjs';
import { Key, Session } from './lib/webdriver.mjs';
import { headingFocused, isoDay, journeyEnv, noViolations, pounds } from './lib/journey.mjs';

const { DRIVER, APP, SERVER_BIN, WORK, SHOTS } = journeyEnv();
const USER = 'demo.leisure';
const PASSWORD = 'Demo-Leisure-2017';

describe('Money at the leisure desk in a real window', { concurrency: false }, () => {
  let server;
  let link;
  let ui;

  const start = async (dataDir) => {
    ui = await Session.start(DRIVER, APP, ['--data-dir', path.join(WORK, dataDir), '--server-url', link.url]);
    await signIn(ui, { url: link.url, username: USER, password: PASSWORD });
    await waitUntilSynced(ui);
  };

  const call = async (command, args) => {
    const r = await ui.invoke(command, args);
    assert.ok(r.ok, `${command}: ${JSON.stringify(r.error)}`);
    return r.value;
  };

  /** Syncs until the server has taken every change this desk made. */
  const allSent = async () => {
    const deadline = Date.now() + 60000;
    while (Date.now() < deadline) {
      await ui.invoke('sync_now');
      if ((await call('sync_status')).pending === 0) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error('the server did not take every change within a minute');
  };

  before(async () => {
    const second = { secondUser: 'e2e.money.second', secondPassword: 'Second-Money-E2E-2026' };
    ({ server, link } = await serverBehindLink({ bin: SERVER_BIN, work: WORK, name: 'money', ...second }));
  });

  after(async () => {
    await ui?.end().catch(() => {});
    await link?.down();
    await server?.stop();
  });

  it('moves a place paid by card to another session: the difference shown, the move recorded and taken by the server', async () => {
    await start('money-move');
    const tomorrow = new Date();
    tomorrow.setDate(tomorrow.getDate() + 1);
    const centre = (await call('centres'))[0];
    const sessions = (await call('timetable', { centreId: centre.id, day: isoDay(tomorrow) })).filter(
      (s) => !s.session.cancelled && s.session.booked + 1 < s.session.capacity,
    );
    assert.ok(sessions.length >= 2, 'two sessions with places tomorrow');
    const [from, to] = sessions;

    // A customer who pays (no membership): the first whose price is above nothing.
    let payer = null;
    for (const c of await call('search_customers', { text: 'mac', limit: 40 })) {
      const q = await call('price_for', { sessionId: from.session.id, customerId: c.id });
      if (q.price_pence > 0) {
        payer = { customer: c, price: q.price_pence };
        break;
      }
    }
    assert.ok(payer, 'a paying customer');
    const card = { method: 'card', tendered_pence: null, terminal: 'T1', reference: '004512', voucher_code: null, reason: null, supervisor_id: null, account: null };
    await call('book_and_pay', { sessionId: from.session.id, customerId: payer.customer.id, pricePence: payer.price, tender: card, channel: 'face-to-face' });

    await go(ui, `#/sessions/${from.session.id}/move`);
    await ui.waitFor(tid('move-form'));
    await headingFocused(ui);
    const name = `${payer.customer.first_name} ${payer.customer.last_name}`;
    await ui.exec(
      `const s = document.querySelector('[data-testid="move-booking"]');
       const o = [...s.options].find((x) => x.textContent.trim() === arguments[0]);
       s.value = o.value; s.dispatchEvent(new Event('change', { bubbles: true })); return true;`,
      name,
    );
    await ui.exec(
      `const s = document.querySelector('[data-testid="move-session"]');
       const o = [...s.options].find((x) => x.value === String(arguments[0]));
       s.value = o.value; s.dispatchEvent(new Event('change', { bubbles: true })); return true;`,
      to.session.id,
    );
    const quote = await (await ui.waitFor(tid('move-quote'))).text();
    assert.match(quote, /paid so far £\d+\.\d\d/);
    await capture(ui, SHOTS, 'leisure-move-place');
    await noViolations(ui, 'move a place');
    const pay = quote.match(/pays (£\d+\.\d\d) more/);
    if (pay) await (await ui.find(tid('move-tendered'))).type(pay[1].slice(1));
    await (await ui.find(tid('move-confirm'))).click();
    await ui.waitFor(tid('move-done'));
    await headingFocused(ui);
    await allSent();

    const after = await call('session', { id: to.session.id });
    assert.ok(
      after.bookings.some((b) => b.customer_name === name && b.status === 'booked' && !b.pending),
      'the place is in the new session, confirmed',
    );
    const before = await call('session', { id: from.session.id });
    assert.ok(!before.bookings.some((b) => b.customer_name === name), 'and no longer in the old one');
    await ui.end();
    ui = null;
  });

  it("cashes up the desk's drawer: expected cash, a short count asked to explain beside the field, the count recorded", async () => {
    await start('money-cash-up');
    const centre = (await call('centres'))[0];
    const sessions = (await call('timetable', { centreId: centre.id, day: isoDay(new Date(Date.now() + 86400000)) })).filter(
      (s) => !s.session.cancelled && s.session.booked + 1 < s.session.capacity,
    );
    // A paying customer (no membership), booked and paid in cash through the booking form as a
    // receptionist does it: their number typed, Enter on the one match, the price with its
    // reason shown, cash handed over, the change and the receipt shown.
    let payer = null;
    for (const c of await call('search_customers', { text: 'mac', limit: 40 })) {
      const q = await call('price_for', { sessionId: sessions[0].session.id, customerId: c.id });
      if (q.price_pence > 0) {
        payer = { customer: c, price: q.price_pence };
        break;
      }
    }
    assert.ok(payer, 'a paying customer');
    await go(ui, `#/sessions/${sessions[0].session.id}/book`);
    await ui.waitFor(tid('booking-form'));
    // The booking form puts focus in its search box, ready for the number.
    await ui.waitUntil("return document.activeElement?.dataset.testid === 'customer-search'", { what: 'focus in the search box' });
    const search = await ui.waitFor(tid('customer-search'));
    await search.type(payer.customer.membership_no);
    await ui.waitFor(`${tid('customer-result')}[data-customer-id="${payer.customer.id}"]`);
    await search.type(Key.Enter);
    await ui.waitFor(`${tid('book-chosen')}[data-customer-id="${payer.customer.id}"]`);
    const price = await (await ui.waitFor(tid('book-price'))).text();
    assert.ok(price.startsWith(pounds(payer.price)), `the price first, then why: ${price}`);
    await (await ui.find('label[for="pay-method-cash"]')).click();
    await (await ui.waitFor(tid('pay-tendered'))).type(pounds(payer.price + 400).slice(1));
    await (await ui.find(tid('channel-face-to-face'))).click();
    await capture(ui, SHOTS, 'leisure-book-cash');
    await noViolations(ui, 'book and take cash');
    await (await ui.find(tid('book-submit'))).click();
    await ui.waitFor(tid('receipt'));
    await headingFocused(ui);
    assert.match(await (await ui.find(tid('receipt-change'))).text(), /£4\.00/);
    assert.match(await (await ui.find(tid('receipt-amount'))).text(), new RegExp(pounds(payer.price).replace('.', '\\.')));
    await capture(ui, SHOTS, 'leisure-receipt-cash');
    await noViolations(ui, 'receipt');
    const taken = payer.price;

    await go(ui, `#/cash-up?centre=${centre.id}`);
    await ui.waitFor(tid('cashup-form'));
    await headingFocused(ui);
    await (await ui.find(tid('cashup-float'))).type('50');
    const short = 5000 + taken - 100;
    await (await ui.find(tid('cashup-counted'))).type(pounds(short).slice(1));
    await (await ui.find(tid('cashup-count'))).click();
    const diff = await (await ui.waitFor(tid('cashup-difference'))).text();
    assert.match(diff, /£1\.00 short/);
    await (await ui.find(tid('cashup-record'))).click();
    await ui.waitFor(tid('cashup-note-error'));
    await capture(ui, SHOTS, 'leisure-cash-up-reason');
    await noViolations(ui, 'cash-up, reason asked');
    await (await ui.find(tid('cashup-note'))).type('£1 coin given as change twice');
    await (await ui.find(tid('cashup-record'))).click();
    await ui.waitFor(tid('cashup-recorded'));
    const row = await (await ui.waitFor(tid('cashup-count-row'))).text();
    assert.match(row, /£1\.00 short/);
    await capture(ui, SHOTS, 'leisure-cash-up-recorded');
    await noViolations(ui, 'cash-up, count recorded');
    await allSent();
    await ui.end();
    ui = null;
  });
});
