// The customer at the leisure desk in a real window, signed in as demo.leisure against a real
// council server holding the demo council: a registration with a date of birth in the future is
// refused beside the field; the same person as a demo customer (same name and date of birth)
// gets the "Is this them?" step listing that customer; "No, register a new customer" registers
// them and opens their reception view, which settles once the server confirms. Each key screen
// is captured to docs/screenshots and scanned by axe-core (no serious or critical violations).
// Then their details are changed through the form (a new phone number, a concession with its
// review date), and again from the keyboard (the review brought within the warning days, which
// the reception view flags), and the server confirms both.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { serverBehindLink } from './lib/stack.mjs';
import { capture, go, signIn, tid, waitUntilSynced } from './lib/ui.mjs';
import { Session } from './lib/webdriver.mjs';
import { headingFocused, journeyEnv, noViolations } from './lib/journey.mjs';

const { DRIVER, APP, SERVER_BIN, WORK, SHOTS } = journeyEnv();
const USER = 'demo.leisure';
const PASSWORD = 'Demo-Leisure-2017';

describe('The customer at the leisure desk in a real window', { concurrency: false }, () => {
  let server;
  let link;
  let ui;

  const call = async (command, args) => {
    const r = await ui.invoke(command, args);
    assert.ok(r.ok, `${command}: ${JSON.stringify(r.error)}`);
    return r.value;
  };

  const typeInto = async (testid, text) => {
    const el = await ui.find(tid(testid));
    await el.clear();
    await el.type(text);
  };

  const typeDate = async (prefix, { day, month, year }) => {
    await typeInto(`${prefix}-day`, day);
    await typeInto(`${prefix}-month`, month);
    await typeInto(`${prefix}-year`, year);
  };

  before(async () => {
    const second = { secondUser: 'e2e.customers.second', secondPassword: 'Second-Customers-E2E-2026' };
    ({ server, link } = await serverBehindLink({ bin: SERVER_BIN, work: WORK, name: 'customers', ...second }));
  });

  after(async () => {
    await ui?.end().catch(() => {});
    await link?.down();
    await server?.stop();
  });

  it('registers a customer past a duplicate warning, then shows their reception view', async () => {
    ui = await Session.start(DRIVER, APP, ['--data-dir', path.join(WORK, 'customers-desk'), '--server-url', link.url]);
    await signIn(ui, { url: link.url, username: USER, password: PASSWORD });
    await waitUntilSynced(ui);

    // A demo customer of this desk's centre: the person the new registration looks like.
    const [existing] = await call('search_customers', { text: 'mac', limit: 1 });
    assert.ok(existing, 'the desk holds demo customers');
    const [year, month, day] = existing.date_of_birth.split('-');

    await go(ui, '#/customers/new');
    await ui.waitFor(tid('register-form'));
    await headingFocused(ui);
    await typeInto('reg-first-name', existing.first_name);
    await typeInto('reg-last-name', existing.last_name);
    const next = new Date();
    next.setDate(next.getDate() + 1);
    await typeDate('reg-dob', { day: String(next.getDate()), month: String(next.getMonth() + 1), year: String(next.getFullYear()) });
    await typeInto('reg-address', '12 Moss Street, Elgin');
    await typeInto('reg-postcode', existing.postcode);
    await (await ui.find(tid('register-submit'))).click();

    // Bad input: a date of birth in the future, beside the field and in the summary; nothing sent.
    await ui.waitFor(tid('reg-dob-error'));
    assert.match(await (await ui.find(tid('reg-dob-error'))).text(), /today or in the past/);
    assert.match(await (await ui.find(tid('error-summary'))).text(), /today or in the past/);
    await capture(ui, SHOTS, 'customer-register-error');
    await noViolations(ui, 'registration with a date of birth in the future');
    assert.equal((await call('sync_status')).pending, 0, 'nothing recorded');

    await typeDate('reg-dob', { day: String(Number(day)), month: String(Number(month)), year });
    await (await ui.find(tid('register-submit'))).click();
    await ui.waitFor(tid('duplicate-step'));
    await headingFocused(ui);
    const rows = await ui.exec(
      `return [...document.querySelectorAll('[data-testid="duplicate-row"]')].map((r) => [Number(r.dataset.customerId), r.textContent])`,
    );
    const mine = rows.find(([id]) => id === existing.id);
    assert.ok(mine, `the demo customer is offered: ${JSON.stringify(rows)}`);
    assert.match(mine[1], /same name and date of birth/);
    await capture(ui, SHOTS, 'customer-is-this-them');
    await noViolations(ui, 'is this them?');
    assert.equal((await call('sync_status')).pending, 0, 'nothing recorded before the answer');

    await (await ui.find(tid('duplicate-new'))).click();
    await ui.waitFor(tid('reception'));
    await headingFocused(ui);
    const id = Number(await ui.exec(`return document.querySelector('[data-testid="reception"]').dataset.customerId`));
    assert.ok(id >= 2 ** 52 && id < 2 ** 53, `a desk-made id: ${id}`);
    assert.notEqual(id, existing.id);
    assert.match(await (await ui.find('h1')).text(), new RegExp(existing.last_name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    await capture(ui, SHOTS, 'customer-reception');
    await noViolations(ui, 'reception view');

    // The server confirms it: the view settles (no longer pending) after a sync.
    let view = null;
    for (let i = 0; i < 10 && !(view && !view.pending); i++) {
      await call('sync_now');
      view = await call('reception', { customerId: id, sessionId: null });
    }
    assert.equal(view.pending, false, 'confirmed by the server');
    assert.equal(view.address, '12 Moss Street, Elgin');
    const report = JSON.parse(server.run(['audit', '--person', `customer:${id}`, '--json']));
    assert.ok(report.records.some((r) => r.table === 'customer_details'), 'the server holds the details');

    // Change details: a new phone number and a concession with its review date, through the
    // form from the reception view's link; then, from the keyboard (c), the review date brought
    // within the warning days, which the reception view flags.
    const isoIn = (days) => {
      const d = new Date();
      d.setDate(d.getDate() + days);
      return { day: String(d.getDate()), month: String(d.getMonth() + 1), year: String(d.getFullYear()) };
    };
    await go(ui, `#/customers/${id}`);
    await ui.waitFor(tid('reception'));
    await (await ui.find(tid('reception-change'))).click();
    await ui.waitFor(tid('change-form'));
    await headingFocused(ui);
    await typeInto('chg-phone', '07700 900456');
    await (await ui.find('label[for="chg-concession-budget"]')).click();
    await ui.waitFor(tid('chg-concession-details'));
    await typeInto('chg-evidence', 'Universal Credit statement');
    await typeDate('chg-review', isoIn(60));
    await capture(ui, SHOTS, 'customer-change-details');
    await noViolations(ui, 'change details');
    await (await ui.find(tid('change-submit'))).click();
    await ui.waitFor(tid('reception'));
    await headingFocused(ui);
    assert.match(await (await ui.find(tid('reception-details'))).text(), /07700 900456/);
    assert.match(await (await ui.find(tid('reception-concession'))).text(), /Universal Credit statement/);
    assert.equal(await ui.exec(`return document.querySelector('[data-testid="reception-review-soon"]')`), null);

    await ui.keys('c');
    await ui.waitFor(tid('change-form'));
    await headingFocused(ui);
    const soon = isoIn(7);
    await typeDate('chg-review', soon);
    await (await ui.find(tid('change-submit'))).click();
    await ui.waitFor(tid('reception-review-soon'));
    assert.match(await (await ui.find(tid('reception-review-soon'))).text(), /Concession review due/);
    await capture(ui, SHOTS, 'customer-changed-review-due');
    await noViolations(ui, 'reception view after a change');

    // Pushed and confirmed: the server holds the new phone number.
    let changed = null;
    for (let i = 0; i < 10 && (!changed || changed.pending > 0); i++) {
      await call('sync_now');
      changed = await call('sync_status');
    }
    assert.equal(changed.pending, 0, 'the changes are confirmed');
    assert.deepEqual(await call('needs_attention'), []);
    view = await call('reception', { customerId: id, sessionId: null });
    assert.equal(view.phone, '07700 900456');
    assert.equal(view.concession.review_soon, true);
    await ui.end();
    ui = null;
  });
});
