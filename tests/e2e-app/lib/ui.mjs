// Steps a member of staff takes in the real app, and the checks every key screen gets:
// a PNG capture and an axe-core accessibility scan.
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const tid = (id) => `[data-testid="${id}"]`;

/** Runs axe-core in the page and returns the serious and critical violations. */
export async function seriousViolations(ui) {
  const injected = await ui.exec('return typeof window.axe !== "undefined"');
  if (!injected) await ui.exec(AXE_SOURCE + '\nreturn true;');
  const violations = await ui.execAsync(`
    const done = arguments[arguments.length - 1];
    window.axe.run(document, { resultTypes: ['violations'] }).then(
      (r) => done(r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
        targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }))),
      (e) => done([{ id: 'axe-failed', impact: 'critical', help: String(e), targets: [] }]));
  `);
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Saves a PNG of the window as `<dir>/<name>.png` (after the caller has waited for content). */
export async function capture(ui, dir, name) {
  mkdirSync(dir, { recursive: true });
  // WebKit can hand back the previous frame right after a change: let it paint twice first.
  await ui.execAsync(
    'const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));',
  );
  const png = await ui.screenshot();
  if (png.subarray(1, 4).toString() !== 'PNG') throw new Error(`screenshot ${name} is not a PNG`);
  writeFileSync(path.join(dir, `${name}.png`), png);
  return png;
}

export async function go(ui, hash) {
  await ui.exec('window.location.hash = arguments[0]; return true;', hash);
}

export async function signIn(ui, { url, username, password }) {
  await ui.waitFor(tid('sign-in-form'));
  const server = await ui.find(tid('sign-in-server'));
  await server.clear();
  await server.type(url);
  const user = await ui.find(tid('sign-in-username'));
  await user.clear();
  await user.type(username);
  await (await ui.find(tid('sign-in-password'))).type(password);
  await (await ui.find(tid('sign-in-submit'))).click();
  await ui.waitFor(tid('header-staff'), { timeout: 30000 });
}

/** Waits for the first pull to finish: online, a last-synced time, no progress bar. */
export async function waitUntilSynced(ui) {
  await ui.waitFor(`${tid('header-online')}[data-online="true"]`, { timeout: 60000 });
  await ui.waitUntil(
    `const synced = document.querySelector('[data-testid="header-last-synced"]')?.textContent ?? '';
     return synced.includes('Last synced') && document.querySelector('[data-testid="sync-progress"]') === null;`,
    { timeout: 180000, what: 'the first sync has finished' },
  );
}

export async function openTimetable(ui, centreId, day) {
  await go(ui, `#/timetable?centre=${centreId}&day=${day}`);
  await ui.waitFor(`${tid('timetable-day')}[data-day="${day}"]`);
  await ui.waitFor(`${tid('timetable-centre')}`);
  await ui.waitFor(tid('timetable-row'));
}

export async function openSessionFromTimetable(ui, sessionId) {
  const link = await ui.waitFor(`${tid('timetable-row')}[data-session-id="${sessionId}"] ${tid('timetable-session-link')}`);
  await link.click();
  await ui.waitFor(`${tid('session-detail')}[data-session-id="${sessionId}"]`);
}

export async function openSession(ui, sessionId) {
  await go(ui, `#/sessions/${sessionId}`);
  await ui.waitFor(`${tid('session-detail')}[data-session-id="${sessionId}"]`);
}

/** The customer ids of the search results on screen now. */
export function customerResultIds(ui) {
  return ui.exec(
    `return [...document.querySelectorAll('[data-testid="customer-result"]')].map((r) => Number(r.dataset.customerId));`,
  );
}

/** The customer ids of the session's booking rows on screen now. */
export function bookingCustomerIds(ui) {
  return ui.exec(
    `return [...document.querySelectorAll('[data-testid="booking-row"]')].map((r) => Number(r.dataset.customerId));`,
  );
}

/** The booking id of `name`'s row in the session's bookings (null when there is none). */
export function bookingIdOf(ui, name) {
  return ui.exec(
    `const row = [...document.querySelectorAll('[data-testid="booking-row"]')]
       .find((r) => r.querySelector('[data-testid="booking-name"]')?.textContent.trim() === arguments[0]);
     return row ? row.dataset.bookingId : null;`,
    name,
  );
}

/**
 * From a session's page: search by membership number, choose the customer, pick the channel,
 * submit. Returns the customer ids the search showed when the customer appeared.
 */
export async function bookFromSession(ui, customer, channel = 'face-to-face') {
  await (await ui.waitFor(tid('session-book'))).click();
  await ui.waitFor(tid('booking-form'));
  const search = await ui.waitFor(tid('customer-search'));
  await search.type(customer.membership_no);
  const result = await ui.waitFor(`${tid('customer-result')}[data-customer-id="${customer.id}"]`);
  const shown = await customerResultIds(ui);
  await result.click();
  await ui.waitFor(`${tid('book-chosen')}[data-customer-id="${customer.id}"]`);
  await (await ui.find(tid(`channel-${channel}`))).click();
  await (await ui.find(tid('book-submit'))).click();
  await ui.waitFor(tid('session-detail'));
  return { shown };
}

export const fullName = (c) => `${c.first_name} ${c.last_name}`;

/**
 * Waits for `name`'s row in the session's bookings to be in `want` ('pending' or 'confirmed')
 * and to show `status` text (e.g. 'Booked', 'Waiting') when given.
 */
export async function waitForBooking(ui, name, want, { status, timeout = 30000 } = {}) {
  await ui.waitUntil(
    `const [name, want, status] = arguments;
     const row = [...document.querySelectorAll('[data-testid="booking-row"]')]
       .find((r) => r.querySelector('[data-testid="booking-name"]')?.textContent.trim() === name);
     if (!row) return false;
     const pending = row.querySelector('[data-testid="badge-pending"]') !== null;
     if (want === 'pending' ? !pending : pending) return false;
     if (status) {
       const text = row.querySelector('[data-testid="booking-status"]')?.textContent ?? '';
       if (!text.toLowerCase().includes(status.toLowerCase())) return false;
     }
     return true;`,
    { timeout, what: `${name}'s booking is ${want}${status ? ` (${status})` : ''}` },
    name,
    want,
    status ?? null,
  );
}
