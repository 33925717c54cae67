// The school office in a real window, signed in as demo.school against a real council server
// holding the demo council (its register marks the demo week's absences): the 08:40 call, the
// unexplained-absence worklist and the pupil page. One app launch per journey; each key screen
// is captured to docs/screenshots and scanned by axe-core (no serious or critical violations).
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { serverBehindLink } from './lib/stack.mjs';
import { capture, go, signIn, tid, waitUntilSynced } from './lib/ui.mjs';
import { Key, Session } from './lib/webdriver.mjs';
import { headingFocused, journeyEnv, noViolations } from './lib/journey.mjs';

const { DRIVER, APP, SERVER_BIN, WORK, SHOTS } = journeyEnv();
const USER = 'demo.school';
const PASSWORD = 'Demo-School-2017';

describe('The school office in a real window', { concurrency: false }, () => {
  let server;
  let link;
  let ui;

  /** Launches the app on the journey's own store, signs in as demo.school and waits for the pull. */
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

  /** Focus is on the screen's heading after it changes. */

  /** From the search box: types the pupil's name, Enter on the single match, the call form. */
  const recordCall = async (pupil) => {
    const search = await ui.waitFor(tid('pupil-search'));
    await search.type(`${pupil.first_name} ${pupil.last_name} ${pupil.class}`);
    await ui.waitFor(tid('pupil-result'));
    const results = await ui.findAll(tid('pupil-result'));
    if (results.length > 1) await ui.keys(Key.ArrowDown);
    await ui.keys(Key.Enter);
    await ui.waitFor(tid('call-form'));
    await headingFocused(ui);
    await (await ui.find('#code-LC-ILL')).click();
    await (await ui.find(tid('reason'))).type('Temperature, probably off tomorrow too');
    await (await ui.find(tid('call-continue'))).click();
    await ui.waitFor(tid('check-answers'));
    await headingFocused(ui);
  };

  before(async () => {
    const second = { secondUser: 'e2e.school.second', secondPassword: 'Second-School-E2E-2026' };
    ({ server, link } = await serverBehindLink({ bin: SERVER_BIN, work: WORK, name: 'school', ...second }));
  });

  after(async () => {
    await ui?.end().catch(() => {});
    await link?.down();
    await server?.stop();
  });

  it('the 08:40 call: Today, the pupil found by name, the call taken, checked and confirmed with its openings', async () => {
    await start('school-call');
    await go(ui, '#/school');
    await ui.waitFor(tid('today-unexplained-left'));
    await capture(ui, SHOTS, 'school-today');
    await noViolations(ui, 'school today');

    const [school] = await call('schools');
    const list = await call('worklist', { schoolId: school.id, date: null });
    assert.ok(list.length > 0, 'the demo register has unexplained absences today');
    const pupil = list[0].pupil;

    await (await ui.find(tid('today-record'))).click();
    await ui.waitFor(tid('pupil-search'));
    await headingFocused(ui);
    await recordCall(pupil);
    await capture(ui, SHOTS, 'record-absence-check');
    await noViolations(ui, 'check the absence');
    await (await ui.find(tid('record-submit'))).click();
    await ui.waitFor(tid('record-confirmation'));
    const openings = await ui.findAll(tid('recorded-opening'));
    assert.ok(openings.length >= 1, 'the confirmation lists the openings recorded');
    await capture(ui, SHOTS, 'record-absence-confirmation');
    await noViolations(ui, 'absence recorded');

    const after = await call('worklist', { schoolId: school.id, date: null });
    assert.ok(!after.some((e) => e.pupil.id === pupil.id), 'the pupil left the worklist');
    await ui.end();
    ui = null;
  });

  it('the worklist: an attempt in two key presses, then the explanation takes the pupil off the list', async () => {
    await start('school-worklist');
    await go(ui, '#/school/worklist');
    const first = await ui.waitFor(tid('worklist-entry'));
    await headingFocused(ui);
    const left = (await ui.findAll(tid('worklist-entry'))).length;
    const pupilId = Number(await first.attr('data-pupil-id'));
    await ui.exec(`document.querySelector('[data-testid="worklist-keys"]').focus(); return true;`);
    await ui.keys('1', 'n');
    await ui.waitUntil(
      `return [...document.querySelectorAll('[data-pupil-id="${pupilId}"] [data-testid="worklist-attempt"]')].length === 1`,
      { what: 'the attempt is listed' },
    );
    await capture(ui, SHOTS, 'worklist');
    await noViolations(ui, 'worklist');

    const page = await call('pupil_page', { pupilId });
    await (await ui.find(`[data-pupil-id="${pupilId}"] ${tid('worklist-explained')}`)).click();
    await ui.waitFor(tid('call-form'));
    await (await ui.find('#code-LC-ILL')).click();
    await (await ui.find(tid('call-continue'))).click();
    await (await ui.waitFor(tid('record-submit'))).click();
    await ui.waitFor(tid('record-confirmation'));
    await go(ui, '#/school/worklist');
    await ui.waitUntil(
      `return document.querySelector('[data-testid="worklist-left"], [data-testid="worklist-empty"]') !== null
        && document.querySelector('[data-testid="worklist-entry"][data-pupil-id="${pupilId}"]') === null`,
      {
        what: `${page.pupil.first_name} leaves the worklist`,
      },
    );
    const now = (await ui.findAll(tid('worklist-entry'))).length;
    assert.equal(now, left - 1, 'one pupil fewer on the list');
    await ui.end();
    ui = null;
  });

  it('the pupil page: contacts in calling order, attendance with its chart and table, the audit of views', async () => {
    await start('school-pupil');
    const [school] = await call('schools');
    const list = await call('worklist', { schoolId: school.id, date: null });
    const pupilId = list[0]?.pupil.id ?? (await call('search_pupils', { text: 'a', limit: 1 }))[0].id;
    await go(ui, `#/school/pupils/${pupilId}`);
    await ui.waitFor(tid('pupil-name'));
    await headingFocused(ui);
    await ui.waitFor(tid('attendance-chart'));
    const priorities = await ui.exec(
      `return [...document.querySelectorAll('[data-testid="pupil-contact"] td:first-child')].map((td) => Number(td.textContent))`,
    );
    assert.deepEqual(priorities, [...priorities].sort((a, b) => a - b), 'contacts in calling order');
    await (await ui.find(`${tid('attendance-table-details')} summary`)).click();
    await ui.waitFor(tid('attendance-table'));
    assert.ok((await ui.findAll(tid('pupil-viewing'))).length >= 1, 'this view is listed');
    await capture(ui, SHOTS, 'pupil-page');
    await noViolations(ui, 'pupil page');
    await ui.end();
    ui = null;
  });
});
