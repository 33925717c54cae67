// Spaces and a club's block booking in a real window, signed in as demo.leisure (Elgin) against
// a real council server holding the demo data: the day's spaces with the junior club's Tuesday
// block on half 1 (the full pitch shows as held through it); a block form with bad input (ends
// before it starts, 200 weeks long) refused beside the fields; then a Tuesday block on the full
// pitch whose every date is listed before confirming — the club's dates clash through the
// linked half, the later ones are free — and the free dates booked; then a member of the public
// hires a badminton court for cash (more than the price, the change shown) and sees the printable
// receipt naming the court, then cancels it from the day view and is refunded in cash on a
// refund receipt. Each key screen is captured
// to docs/screenshots and scanned by axe-core (no serious or critical violations).
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';

import { serverBehindLink } from './lib/stack.mjs';
import { capture, go, signIn, tid, waitUntilSynced } from './lib/ui.mjs';
import { Session } from './lib/webdriver.mjs';
import { journeyEnv, noViolations, pad } from './lib/journey.mjs';

const { DRIVER, APP, SERVER_BIN, WORK, SHOTS } = journeyEnv();
const iso = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const plusDays = (d, n) => {
  const e = new Date(d);
  e.setDate(e.getDate() + n);
  return e;
};
/** The next Tuesday after today (the demo club's block is on this week's and the next 7). */
const nextTuesday = () => {
  const today = new Date();
  return plusDays(today, ((2 - today.getDay() + 7) % 7) || 7);
};

describe('Spaces and block bookings in a real window', { concurrency: false }, () => {
  let server;
  let link;
  let ui;

  /** Sets a `<select>` by its option's text, as a receptionist picks it. */
  const choose = (testId, text) =>
    ui.exec(
      `const s = document.querySelector('[data-testid="${testId}"]');
       const o = [...s.options].find((o) => o.text === arguments[0]);
       if (!o) return false;
       s.value = o.value; s.dispatchEvent(new Event('change', { bubbles: true }));
       return true;`,
      text,
    );

  const fill = async (testId, text) => {
    const box = await ui.find(tid(testId));
    await box.clear();
    await box.type(text);
  };

  before(async () => {
    const second = { secondUser: 'e2e.spaces.second', secondPassword: 'Second-Spaces-E2E-2026' };
    ({ server, link } = await serverBehindLink({ bin: SERVER_BIN, work: WORK, name: 'spaces', ...second }));
  });

  afterEach(async () => {
    await ui?.end().catch(() => {});
    ui = null;
  });

  after(async () => {
    await ui?.end().catch(() => {});
    await link?.down();
    await server?.stop();
  });

  it('lists every clashing date of a block before confirming, and books the free ones', async () => {
    ui = await Session.start(DRIVER, APP, ['--data-dir', path.join(WORK, 'spaces-desk'), '--server-url', link.url]);
    await signIn(ui, { url: link.url, username: 'demo.leisure', password: 'Demo-Leisure-2017' });
    await waitUntilSynced(ui);

    const tuesday = nextTuesday();
    await go(ui, `#/spaces?centre=1&day=${iso(tuesday)}`);
    await ui.waitFor(tid('spaces-grid'), { timeout: 30000 });
    // Half 1 (space 102) holds the junior club at 18:00; the full pitch (101) is held through it.
    await ui.waitFor(`${tid('cell-102-18:00')}[data-kind="booked"]`);
    assert.match(await (await ui.find(tid('cell-102-18:00'))).text(), /Forres Thistle juniors/);
    await ui.waitFor(`${tid('cell-101-18:00')}[data-kind="held"]`);
    await ui.waitFor(`${tid('cell-103-18:00')}[data-kind="free"]`);
    assert.match(await (await ui.find(tid('spaces-window'))).text(), /7 days ahead \(14 for members\)/);
    await capture(ui, SHOTS, 'spaces-day');
    await noViolations(ui, 'spaces day view');

    await (await ui.find(tid('spaces-block'))).click();
    await ui.waitFor(tid('block-form'));
    await ui.waitUntil(`return document.querySelector('[data-testid="block-space"]').options.length > 1`, { what: 'the spaces are listed' });
    assert.ok(await choose('block-space', '3G pitch'));
    await fill('block-first', iso(tuesday));
    // Bad input: ends before it starts, and 200 weeks long — refused beside the fields.
    await fill('block-last', iso(plusDays(tuesday, 200 * 7)));
    await fill('block-starts', '19:00');
    await fill('block-ends', '18:00');
    await fill('block-club', 'Elgin City walking football');
    await (await ui.find(tid('block-check'))).click();
    await ui.waitFor(tid('error-summary'));
    assert.match(await (await ui.find(tid('block-ends-error'))).text(), /end time must be after the start time/);
    assert.match(await (await ui.find(tid('block-last-error'))).text(), /at most 52 weeks \(this one is 200\)/);
    await capture(ui, SHOTS, 'spaces-block-bad-input');
    await noViolations(ui, 'block form with errors');

    // Tuesdays 18:00–19:00 for ten weeks on the full pitch.
    await fill('block-last', iso(plusDays(tuesday, 9 * 7)));
    await fill('block-starts', '18:00');
    await fill('block-ends', '19:00');
    await (await ui.find(tid('hirer-search'))).type('Mac');
    // The radio itself is drawn by GOV.UK's styles over a hidden input: its label is what a
    // person clicks.
    await (await ui.waitFor(`${tid('hirer-results')} label`, { timeout: 15000 })).click();
    await ui.waitUntil(`return document.querySelector('[data-testid="hirer-results"] input:checked') !== null`, {
      what: 'the club contact is chosen',
    });
    await (await ui.find(tid('block-check'))).click();
    await ui.waitFor(tid('block-dates'), { timeout: 15000 });
    const outcomes = await ui.exec(
      `return [...document.querySelectorAll('[data-testid^="block-date-"]')].map((r) => r.dataset.outcome)`,
    );
    assert.equal(outcomes.length, 10, 'every date of the block is listed');
    const clashes = outcomes.filter((o) => o === 'clash').length;
    const free = outcomes.filter((o) => o === 'free').length;
    assert.ok(clashes >= 6 && free >= 2, `the club's Tuesdays clash, the later ones are free: ${outcomes}`);
    const first = await (await ui.find(`${tid(`block-date-${iso(tuesday)}`)}`)).text();
    assert.match(first, /Forres Thistle juniors/);
    assert.match(first, /Free instead/);
    await capture(ui, SHOTS, 'spaces-block-clashes');
    await noViolations(ui, 'block booking with clashes');

    await (await ui.find(tid('block-confirm'))).click();
    await ui.waitFor(tid('block-booked'), { timeout: 15000 });
    assert.match(await (await ui.find(tid('block-booked'))).text(), new RegExp(`${free} dates booked`));
    await capture(ui, SHOTS, 'spaces-block-booked');
    await noViolations(ui, 'block booked');

    // A court hired for cash at the desk: the price with its reason, £50 handed over, the change
    // shown and the receipt naming the court.
    const day = iso(plusDays(new Date(), 1));
    await go(ui, `#/spaces/book?centre=1&day=${day}&space=113&hour=11`);
    await ui.waitFor(tid('space-book-form'), { timeout: 15000 });
    await ui.waitUntil(`return document.querySelector('[data-testid="space-choice"]').value !== ''`, { what: 'court 3 is chosen' });
    await (await ui.find(tid('hirer-search'))).type('Mac');
    await (await ui.waitFor(`${tid('hirer-results')} label`, { timeout: 15000 })).click();
    const price = await (await ui.waitFor(tid('space-price'), { timeout: 15000 })).text();
    assert.match(price, /£\d+\.\d\d — .*an hour/, 'the price is shown with its reason');
    const pence = Math.round(Number(/£(\d+\.\d\d)/.exec(price)[1]) * 100);
    assert.ok(pence > 0 && pence < 5000, `a court's hour costs less than £50: ${price}`);
    await (await ui.find(`label[for="pay-method-cash"]`)).click();
    await fill('pay-tendered', '50');
    await capture(ui, SHOTS, 'spaces-hire-cash');
    await noViolations(ui, 'space hire paid in cash');
    await (await ui.find(tid('space-book-submit'))).click();
    await ui.waitFor(tid('receipt'), { timeout: 15000 });
    const change = (5000 - pence) / 100;
    assert.match(await (await ui.find(tid('receipt-change-panel'))).text(), new RegExp(`Change to give: £${change.toFixed(2).replace('.', '\\.')}`));
    assert.match(await (await ui.find(tid('receipt-session'))).text(), /Hire of Badminton court 3, until 12:00/);
    assert.match(await (await ui.find(tid('receipt-method'))).text(), /Cash/);
    await ui.waitFor(tid('receipt-print'));
    await capture(ui, SHOTS, 'spaces-hire-receipt');
    await noViolations(ui, 'space hire receipt');

    // The hirer cancels the court from the day view: the desk says what goes back first — the
    // whole price in cash while the hire is more than the 24-hour cut-off ahead (a run after
    // 11:00 is inside it, so the receptionist waives the late charge with a reason, which also
    // gives it all back) — then the refund receipt.
    await go(ui, `#/spaces?centre=1&day=${day}`);
    const cancel = `${tid('cell-113-11:00')} a[data-testid^="space-cancel-"]`;
    await (await ui.waitFor(cancel, { timeout: 15000 })).click();
    await ui.waitFor(tid('space-cancel-told'), { timeout: 15000 });
    assert.match(await (await ui.find(tid('space-cancel-paid'))).text(), /Cash/);
    await ui.waitUntil(`return document.activeElement?.dataset.testid === 'space-cancel-heading'`, { what: 'the heading has focus' });
    const late = await ui.exec(`return document.querySelector('[data-testid="space-cancel-waive"]') !== null`);
    if (late) {
      await (await ui.find('label[for="space-cancel-waive"]')).click();
      await fill('space-cancel-waiver-reason', 'Court booked in error by the desk');
    } else {
      assert.match(await (await ui.find(tid('space-cancel-reason'))).text(), /before the cut-off.*full refund/);
    }
    const told = await (await ui.find(tid('space-cancel-told'))).text();
    assert.match(told, new RegExp(`£${(pence / 100).toFixed(2).replace('.', '\\.')} goes back, the way it was paid \\(cash\\)`));
    await (await ui.find('label[for="space-cancel-channel"]')).click();
    await capture(ui, SHOTS, 'spaces-cancel-confirm');
    await noViolations(ui, 'cancelling a space hire');
    await (await ui.find(tid('space-cancel-confirm'))).click();
    await ui.waitFor(tid('receipt'), { timeout: 15000 });
    assert.match(await (await ui.find(tid('receipt-heading'))).text(), /Refund receipt/);
    assert.match(await (await ui.find(tid('receipt-session'))).text(), /Hire of Badminton court 3, until 12:00/);
    assert.match(await (await ui.find(tid('receipt-method'))).text(), /Cash/);
    await capture(ui, SHOTS, 'spaces-cancel-refund');
    await noViolations(ui, 'space hire refund receipt');
    await (await ui.find(tid('receipt-back'))).click();
    await ui.waitFor(`${tid('cell-113-11:00')}[data-kind="free"]`, { timeout: 15000 });
  });
});
