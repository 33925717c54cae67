// The contact centre in a real window, signed in as demo.contact against a real council server
// holding the demo council's 45,000 council-tax accounts: a caller found by their account
// reference (Enter on the single match), checked (date of birth and postcode, typed as the
// caller says them), then a change taken on its question pages, checked with the caller and
// confirmed with its reference and the charge estimate. One app launch per journey; each key
// screen is captured to docs/screenshots and scanned by axe-core (no serious or critical
// violations). The caller's answers come from the server's subject-access report of the
// account (`desk-server audit --person ct:ID --json`), as the real caller knows them.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';

import { serverBehindLink } from './lib/stack.mjs';
import { capture, go, signIn, tid, waitUntilSynced } from './lib/ui.mjs';
import { Key, Session } from './lib/webdriver.mjs';
import { headingFocused, journeyEnv, noViolations, pad } from './lib/journey.mjs';

const { DRIVER, APP, SERVER_BIN, WORK, SHOTS } = journeyEnv();
const USER = 'demo.contact';
const PASSWORD = 'Demo-Contact-2017';
/** The reference a caller is read: CT-, then 5 and 5 of the alphabet without 0/O, 1/I or U. */
const REFERENCE = /^CT-[2-9A-HJ-NP-TV-Z]{5}-[2-9A-HJ-NP-TV-Z]{5}$/;

/** A date as the caller says it and the agent types it: 27/03/1987. */
const spoken = (iso) => iso.split('-').reverse().join('/');
/** `days` from today on this machine's calendar, as the desk counts it. */
const fromToday = (days) => {
  const d = new Date();
  d.setDate(d.getDate() + days);
  return { day: String(d.getDate()), month: String(d.getMonth() + 1), year: String(d.getFullYear()), iso: `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` };
};

describe('The contact centre in a real window', { concurrency: false }, () => {
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

  /** What the council holds for the account, as the caller would know it. */
  const held = (accountId) => {
    const report = JSON.parse(server.run(['audit', '--person', `ct:${accountId}`, '--json']));
    const record = report.records.find((r) => r.table === 'ct_accounts');
    assert.ok(record, `the server holds council-tax account ${accountId}`);
    return record.data;
  };

  /** Focus is on the screen's heading after it changes. */

  /** An account the desk holds whose liable people satisfy `want`, found by a postcode district search. */
  // Each journey takes its own account: the server keeps the changes of the journeys before.
  const used = new Set();
  const accountWhere = async (want, holds = () => true) => {
    for (const text of ['IV30', 'IV36', 'AB56', 'AB55', 'IV31']) {
      const found = await call('search_ct_accounts', { text, limit: 50 });
      for (const a of found.accounts) {
        if (used.has(a.id) || !want(a) || !holds(held(a.id))) continue;
        used.add(a.id);
        return a;
      }
    }
    throw new Error('no account on this desk fits the journey');
  };

  /** Search by reference, Enter on the single match, check the caller, open the account. */
  const checkCaller = async (account) => {
    await go(ui, '#/council-tax');
    const search = await ui.waitFor(tid('ct-search'));
    await search.type(account.reference.toLowerCase());
    await ui.waitUntil(
      `return document.querySelectorAll('[data-testid="ct-search-result"]').length === 1`,
      { what: 'the reference finds one account' },
    );
    await capture(ui, SHOTS, 'ct-search');
    await noViolations(ui, 'account search');
    await ui.keys(Key.Enter);
    await ui.waitFor(tid('ct-summary'));
    await headingFocused(ui);
    const summaryText = await (await ui.find(tid('ct-summary'))).text();
    const data = held(account.id);
    for (const p of data.liable) {
      assert.ok(!summaryText.includes(spoken(p.date_of_birth)), 'no date of birth before the check');
    }
    await capture(ui, SHOTS, 'ct-account-summary');
    await noViolations(ui, 'restricted account summary');

    await (await ui.find(tid('ct-start-check'))).click();
    await ui.waitFor(tid('ct-who-form'));
    await headingFocused(ui);
    await (await ui.find(tid('ct-who-liable'))).click();
    await (await ui.find(tid('ct-who-continue'))).click();
    await ui.waitFor(tid('ct-identify-form'));
    await headingFocused(ui);
    await (await ui.find(tid('ct-identified-reference'))).click();
    await (await ui.waitFor(tid('ct-typed-reference'))).type(account.reference);
    await (await ui.find(tid('ct-identify-continue'))).click();
    await ui.waitFor(tid('ct-items-form'));
    await headingFocused(ui);
    await (await ui.find(tid('ct-item-date_of_birth'))).click();
    await (await ui.waitFor(tid('ct-answer-date_of_birth'))).type(spoken(data.liable[0].date_of_birth));
    await (await ui.find(tid('ct-item-postcode'))).click();
    // As the caller says it: lower case, no space.
    await (await ui.waitFor(tid('ct-answer-postcode'))).type(data.postcode.replace(/\s/g, '').toLowerCase());
    await capture(ui, SHOTS, 'ct-identity-check');
    await noViolations(ui, 'identity check');
    await (await ui.find(tid('ct-check-submit'))).click();
    await ui.waitFor(tid('ct-check-passed'));
    await headingFocused(ui);
    const outcomes = await ui.exec(`return [...document.querySelectorAll('[data-testid="ct-check-item"]')].map((li) => li.dataset.outcome)`);
    assert.deepEqual(outcomes, ['match', 'match']);
    await (await ui.find(tid('ct-to-account'))).click();
    await ui.waitFor(`${tid('ct-account-heading')}[data-loaded="true"]`);
    await headingFocused(ui);
    return data;
  };

  /** Opens a change type from the account page. */
  const openChange = async (kind) => {
    await (await ui.find(`${tid('ct-change-link')}[data-kind="${kind}"]`)).click();
    await ui.waitFor(tid('question-form'));
    await headingFocused(ui);
  };

  const onQuestion = (id) => ui.waitFor(`${tid('question-form')}[data-question="${id}"]`);

  /** Continue, then wait for the next page's heading to take focus. */
  const next = async () => {
    await (await ui.find(tid('question-continue'))).click();
  };

  const typeDate = async (id, d) => {
    for (const part of ['day', 'month', 'year']) {
      const box = await ui.find(tid(`q-${id}-${part}`));
      await box.clear();
      await box.type(d[part]);
    }
  };

  const chooseOption = async (id, value) => (await ui.find(`${tid(`q-${id}-option`)}[data-value="${value}"]`)).click();

  /** Takes the change from check your answers and waits for the reference. */
  const takeAndConfirm = async (shot) => {
    await ui.waitFor(tid('ct-check-answers'));
    await headingFocused(ui);
    await capture(ui, SHOTS, `${shot}-check-answers`);
    await noViolations(ui, `${shot}: check your answers`);
    await (await ui.find(tid('ct-take'))).click();
    await ui.waitFor(tid('ct-confirmation'));
    await headingFocused(ui);
    const reference = (await (await ui.find(tid('ct-reference'))).text()).trim();
    assert.match(reference, REFERENCE);
    await ui.waitFor(tid('ct-estimate'));
    const label = await (await ui.find(tid('ct-estimate-label'))).text();
    assert.match(label, /estimate/i);
    assert.match(label, /bill will confirm/i);
    await capture(ui, SHOTS, `${shot}-confirmation`);
    await noViolations(ui, `${shot}: confirmation`);
    return reference;
  };

  /** The account page lists the request by its reference. */
  const listed = async (reference) => {
    await (await ui.find(tid('ct-back-to-account'))).click();
    await ui.waitFor(`${tid('ct-request')}[data-reference="${reference}"]`);
    await headingFocused(ui);
  };

  before(async () => {
    const second = { secondUser: 'e2e.ct.second', secondPassword: 'Second-Ct-E2E-2026' };
    ({ server, link } = await serverBehindLink({ bin: SERVER_BIN, work: WORK, name: 'ct', ...second }));
  });

  // A journey that fails ends its app too, so the next one can start its own.
  afterEach(async () => {
    await ui?.end().catch(() => {});
    ui = null;
  });

  after(async () => {
    await ui?.end().catch(() => {});
    await link?.down();
    await server?.stop();
  });

  it('moving out with a forwarding address: the caller checked, the questions one a page, the reference and the estimate', async () => {
    await start('ct-move-out');
    const account = await accountWhere((a) => a.liable_names.length === 2);
    await checkCaller(account);
    await capture(ui, SHOTS, 'ct-account');
    await noViolations(ui, 'account page');

    await openChange('move_out');
    await onQuestion('person');
    await chooseOption('person', account.liable_names[1]);
    await next();
    await onQuestion('effective');
    await headingFocused(ui);
    // A date too far ahead: the error beside the field and in the summary; nothing sent.
    await typeDate('effective', fromToday(90));
    await next();
    await ui.waitFor(tid('q-effective-error'));
    await ui.waitFor(tid('error-summary'));
    await capture(ui, SHOTS, 'ct-question-error');
    await noViolations(ui, 'question page with an error');
    await typeDate('effective', fromToday(-3));
    await next();
    await onQuestion('forwarding');
    await headingFocused(ui);
    await (await ui.find(tid('q-forwarding_address'))).type("Flat 2, 14 Seaview Road, Nairn IV12 4AB");
    await capture(ui, SHOTS, 'ct-move-out-question');
    await noViolations(ui, 'forwarding address question');
    await next();
    await onQuestion('tenure');
    await chooseOption('tenure', 'tenant');
    await next();
    await onQuestion('end');
    await next();
    await onQuestion('representative');
    await chooseOption('representative', 'none');
    await next();
    await onQuestion('next');
    await chooseOption('next', 'unknown');
    await next();
    const reference = await takeAndConfirm('ct-move-out');
    await listed(reference);
    await ui.end();
    ui = null;
  });

  it('single person discount after a partner leaves: the partner moves out, then the discount from the same day', async () => {
    await start('ct-spd');
    const account = await accountWhere((a) => a.liable_names.length === 2, (data) => !data.single_person_discount);
    await checkCaller(account);
    await openChange('move_out');
    await chooseOption('person', account.liable_names[1]);
    await next();
    await onQuestion('effective');
    const left = fromToday(-10);
    await typeDate('effective', left);
    await next();
    await onQuestion('forwarding');
    await (await ui.find(tid('q-forwarding_address'))).type('22 Harbour Street, Buckie AB56 1AA');
    await next();
    await onQuestion('tenure');
    await chooseOption('tenure', 'owner');
    await next();
    await onQuestion('end');
    await next();
    await onQuestion('representative');
    await chooseOption('representative', 'none');
    await next();
    await onQuestion('next');
    await chooseOption('next', 'unknown');
    await next();
    await ui.waitFor(tid('ct-check-answers'));
    await (await ui.find(tid('ct-take'))).click();
    await ui.waitFor(tid('ct-confirmation'));

    // Straight on to the discount, from the day the partner left.
    await (await ui.waitFor(tid('ct-next-spd'))).click();
    await onQuestion('alone');
    await headingFocused(ui);
    await capture(ui, SHOTS, 'ct-spd-question');
    await noViolations(ui, 'single person discount question');
    await chooseOption('alone', 'yes');
    await next();
    await onQuestion('effective');
    const day = await (await ui.find(tid('q-effective-day'))).attr('value');
    assert.equal(Number(day), Number(left.day), 'the date the partner left is filled in');
    await next();
    const reference = await takeAndConfirm('ct-spd');
    const difference = await (await ui.find(tid('ct-estimate-difference'))).text();
    assert.match(difference, /less/, 'the discount lowers the estimate');
    await listed(reference);
    await ui.end();
    ui = null;
  });

  it('paperless sign-up: the email typed twice, the consent read, its wording and version recorded', async () => {
    await start('ct-paperless');
    const account = await accountWhere((a) => a.liable_names.length >= 1, (data) => !data.paperless);
    await checkCaller(account);
    const page = await call('ct_account', { accountId: account.id });
    await openChange('paperless_sign_up');
    await onQuestion('email');
    await (await ui.find(tid('q-email'))).type('morag.oneill@example.org');
    await (await ui.find(tid('q-email_again'))).type('morag.oneil@example.org');
    await next();
    await ui.waitFor(tid('q-email_again-error'));
    const message = await (await ui.find(tid('q-email_again-error'))).text();
    assert.match(message, /do not match/);
    await capture(ui, SHOTS, 'ct-paperless-error');
    await noViolations(ui, 'paperless email mismatch');
    const again = await ui.find(tid('q-email_again'));
    await again.clear();
    await again.type('morag.oneill@example.org');
    await next();
    await onQuestion('consent');
    await headingFocused(ui);
    await ui.waitFor(tid('q-consent-wording'));
    // Keyboard only: Space ticks the box, Enter continues.
    await ui.exec(`document.querySelector('[data-testid="q-consent"]').focus(); return true;`);
    await ui.keys(Key.Space);
    await ui.keys(Key.Enter);
    const reference = await takeAndConfirm('ct-paperless');
    await listed(reference);
    assert.ok(page.detail, 'the account is open to the agent after the check');
    await ui.end();
    ui = null;
  });
});
