// What every journey file takes from tests/e2e-app/run (the driver, the app, the server, the
// work directory, where screenshots go), and the small checks and formats they all use.
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { seriousViolations } from './ui.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

function required(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run these tests through tests/e2e-app/run`);
  return v;
}

/** The run's settings; `server: false` for a journey on the app's own demo server. */
export function journeyEnv({ server = true } = {}) {
  return {
    DRIVER: required('E2E_DRIVER_URL'),
    APP: required('COUNCIL_DESK_APP'),
    SERVER_BIN: server ? required('DESK_SERVER_BIN') : null,
    WORK: required('E2E_WORK_DIR'),
    SHOTS: process.env.E2E_SCREENSHOT_DIR || path.join(here, '..', '..', '..', 'docs', 'screenshots'),
  };
}

export const pad = (n) => String(n).padStart(2, '0');
/** `YYYY-MM-DD` on this machine's calendar, as the desk counts days. */
export const isoDay = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
/** Integer pence as the desk writes them: `£12.50`. */
export const pounds = (p) => `£${Math.floor(p / 100)}.${pad(p % 100)}`;

/** axe-core finds no serious or critical violation on the screen shown. */
export async function noViolations(ui, screen) {
  assert.deepEqual(await seriousViolations(ui), [], `${screen}: axe serious/critical violations`);
}

/** Every screen change moves focus to its heading. */
export const headingFocused = (ui) =>
  ui.waitUntil("return document.activeElement?.tagName === 'H1'", { what: 'focus on the heading' });
