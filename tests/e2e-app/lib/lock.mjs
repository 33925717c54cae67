// The shared-desk lock as a member of staff meets it: what the window shows while the desk is
// locked, and whether any personal data that was on screen before the lock is still anywhere in
// the page (its text, the DOM WebDriver serialises, and the document's own outerHTML).
import { setTimeout as sleep } from 'node:timers/promises';

import { tid } from './ui.mjs';

/**
 * The personal data a screen shows now, as exact strings: every customer search result (name,
 * date of birth as written, membership number, postcode) and every booking's name. Also the ids
 * of the customers behind them, so the caller can add what the record holds but the screen does
 * not show (email, phone).
 */
export async function personalDataShown(ui) {
  return ui.exec(`
    const text = (el) => (el?.textContent ?? '').replace(/\\s+/g, ' ').trim();
    const strings = [];
    const customerIds = [];
    for (const r of document.querySelectorAll('[data-testid="customer-result"]')) {
      customerIds.push(Number(r.dataset.customerId));
      strings.push(text(r.querySelector('strong')));
      for (const part of text(r.querySelector('.desk-listbox__meta')).split('·')) {
        const value = part.trim().replace(/^(Born|Membership) /, '');
        if (value) strings.push(value);
      }
    }
    for (const r of document.querySelectorAll('[data-testid="booking-row"]')) {
      customerIds.push(Number(r.dataset.customerId));
      strings.push(text(r.querySelector('[data-testid="booking-name"]')));
    }
    return { strings: strings.filter((s) => s.length > 0), customerIds };`);
}

/** What a customer's record holds that must never be on a locked screen. */
export function customerSecrets(c) {
  return [`${c.first_name} ${c.last_name}`, c.membership_no, c.postcode, c.email, c.phone, c.date_of_birth].filter(
    (v) => typeof v === 'string' && v.length > 0,
  );
}

/** The page three ways: its visible text, WebDriver's page source, the document's outerHTML. */
export async function pageCopies(ui) {
  const [text, outer] = await ui.exec(
    'return [document.body ? document.body.innerText : "", document.documentElement.outerHTML];',
  );
  return { text, source: await ui.source(), outerHTML: outer };
}

/** Each secret found in any copy of the page, as `"secret" in where`. */
export function leaks(copies, secrets) {
  const found = [];
  for (const secret of new Set(secrets)) {
    for (const [where, body] of Object.entries(copies)) {
      if (body.includes(secret)) found.push(`${JSON.stringify(secret)} in ${where}`);
    }
  }
  return found;
}

/** True when the lock screen is what the window shows. */
export function isLocked(ui) {
  return ui.exec('return document.querySelector(arguments[0]) !== null', tid('lock-screen'));
}

/** Types the password on the lock screen and waits until the desk is open again. */
export async function unlock(ui, password) {
  const field = await ui.waitFor(tid('unlock-password'));
  await field.clear();
  await field.type(password);
  await (await ui.find(tid('unlock-submit'))).click();
  await ui.gone(tid('lock-screen'), { timeout: 30000 });
  await ui.waitFor(tid('header-staff'), { timeout: 30000 });
}

/**
 * Waits until the page-side `predicate` holds on a desk that may lock itself while the test
 * waits (a short idle lock): whenever the lock screen shows, it is unlocked with `password`.
 * `poke`, if given, runs every `pokeEvery` ms while the desk is open (e.g. a Sync now click).
 */
export async function waitUnlocked(
  ui,
  password,
  predicate,
  { timeout = 60000, what = predicate, poke, pokeEvery = 5000 } = {},
  ...args
) {
  const deadline = Date.now() + timeout;
  let poked = 0;
  while (Date.now() < deadline) {
    if (await isLocked(ui).catch(() => false)) {
      await unlock(ui, password);
      continue;
    }
    if (await ui.exec(predicate, ...args).catch(() => false)) return;
    if (poke && Date.now() - poked >= pokeEvery) {
      poked = Date.now();
      await poke().catch(() => {});
    }
    await sleep(150);
  }
  const page = await ui.exec('return document.body ? document.body.innerText.slice(0, 2000) : ""').catch(() => '');
  throw new Error(`timed out after ${timeout} ms waiting until ${what}\npage:\n${page}`);
}

/** The page-side predicate: `name`'s booking row is `want` ('pending' | 'confirmed') with `status`. */
export const bookingIs = `
  const [name, want, status] = arguments;
  const row = [...document.querySelectorAll('[data-testid="booking-row"]')]
    .find((r) => r.querySelector('[data-testid="booking-name"]')?.textContent.trim() === name);
  if (!row) return false;
  const pending = row.querySelector('[data-testid="badge-pending"]') !== null;
  if (want === 'pending' ? !pending : pending) return false;
  const statusText = (row.querySelector('[data-testid="booking-status"]')?.textContent ?? '').toLowerCase();
  if (status && !statusText.includes(status.toLowerCase())) return false;
  return true;`;
