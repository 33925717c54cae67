#!/usr/bin/env node
// Accessibility and look check of the interface in WebKit (the engine the desktop app uses),
// over the fake desk of preview.html. Starts Vite, Xvfb (if no DISPLAY), WebKitWebDriver and
// MiniBrowser itself and stops them by process id. Runs axe-core on each screen and fails on any
// serious or critical violation; writes screenshots to ui/preview-shots/ (not committed).
// Usage: npm run a11y   (needs the webkit2gtk-driver and xvfb Debian packages)
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ui = join(dirname(fileURLToPath(import.meta.url)), '..');
const shots = join(ui, 'preview-shots');
const vitePort = 5199;
const driverPort = 4499;
const base = `http://127.0.0.1:${vitePort}/preview.html`;
const miniBrowser = process.env.MINIBROWSER ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
const children = [];

function start(cmd, args, env = {}) {
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr.on('data', (d) => process.env.VERBOSE && process.stderr.write(d));
  children.push(child);
  return child;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(url) {
  for (let i = 0; i < 100; i++) {
    try {
      const r = await fetch(url);
      if (r.status < 500) return;
    } catch {}
    await sleep(200);
  }
  throw new Error(`nothing answered at ${url}`);
}

async function wd(method, path, body) {
  const r = await fetch(`http://127.0.0.1:${driverPort}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await r.json();
  if (!r.ok) throw new Error(`${method} ${path}: ${JSON.stringify(json.value)}`);
  return json.value;
}

let session;
const exec = (script, args = []) => wd('POST', `/session/${session}/execute/async`, { script, args });
const sync = (script, args = []) => wd('POST', `/session/${session}/execute/sync`, { script, args });

async function until(testid, timeout = 5000) {
  const end = Date.now() + timeout;
  while (Date.now() < end) {
    if (await sync(`return !!document.querySelector('[data-testid="${testid}"]')`)) return;
    await sleep(100);
  }
  throw new Error(`no [data-testid=${testid}] on ${await sync('return location.href')}`);
}

const axeSource = readFileSync(join(ui, 'node_modules/axe-core/axe.min.js'), 'utf8');

async function check(name) {
  await sleep(300);
  const png = await wd('GET', `/session/${session}/screenshot`);
  writeFileSync(join(shots, `${name}.png`), Buffer.from(png, 'base64'));
  await sync(axeSource + '; return true;');
  let result = await exec(
    `const done = arguments[arguments.length - 1];
     axe.run(document, { resultTypes: ['violations'] }).then(r => done({ passes: r.passes.length, violations: r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5) })) }), e => done({ passes: 0, violations: [{ id: 'axe-error', impact: 'critical', help: String(e), nodes: [] }] }));`,
  );
  const passes = result.passes;
  result = result.violations;
  const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const minor = result.filter((v) => !bad.includes(v));
  console.log(`${bad.length === 0 && passes > 0 ? 'ok  ' : 'FAIL'} ${name}: ${bad.length} serious/critical, ${minor.length} other, ${passes} rules passed`);
  if (passes === 0) return 1;
  for (const v of result) console.log(`     [${v.impact}] ${v.id}: ${v.help} — ${v.nodes.join(', ')}`);
  return bad.length;
}

async function click(testid, index = 0) {
  await sync(`document.querySelectorAll('[data-testid="${testid}"]')[${index}].click(); return true;`);
}

const KEY = { Tab: '\uE004', Enter: '\uE007', Space: '\uE00D', ArrowDown: '\uE015' };

async function keys(...values) {
  const actions = [];
  for (const v of values) {
    for (const ch of Array.from(v)) actions.push({ type: 'keyDown', value: ch }, { type: 'keyUp', value: ch });
  }
  await wd('POST', `/session/${session}/actions`, { actions: [{ type: 'key', id: 'keyboard', actions }] });
  await sleep(60);
}

const focused = () => sync(`return document.activeElement && document.activeElement.dataset.testid || ''`);

async function tabTo(testid, max = 80) {
  for (let i = 0; i < max; i++) {
    if ((await focused()) === testid) return;
    await keys(KEY.Tab);
  }
  throw new Error(`Tab never reached ${testid}`);
}

// Book a place with the keyboard alone: Tab, Enter, arrows and Space; no clicks, no scripts.
async function keyboardJourney() {
  try {
    await wd('POST', `/session/${session}/url`, { url: `${base}?attention=0#/timetable` });
    await until('timetable-row');
    await tabTo('timetable-session-link');
    await keys(KEY.Enter);
    await until('session-detail');
    await tabTo('session-book');
    await keys(KEY.Enter);
    await until('booking-form');
    await tabTo('customer-search');
    await keys('mor');
    await until('customer-result');
    await keys(KEY.ArrowDown, KEY.Enter);
    await until('book-chosen');
    await tabTo('channel-face-to-face');
    await keys(KEY.Space);
    await tabTo('book-submit');
    await keys(KEY.Enter);
    await until('flash');
    console.log('ok   keyboard-only booking journey');
    return 0;
  } catch (e) {
    console.log(`FAIL keyboard-only booking journey: ${e.message}`);
    return 1;
  }
}

async function main() {
  mkdirSync(shots, { recursive: true });
  const env = {};
  if (!process.env.DISPLAY) {
    start('Xvfb', [':97', '-screen', '0', '1280x900x24', '-nolisten', 'tcp']);
    env.DISPLAY = ':97';
    await sleep(500);
  }
  start(join(ui, 'node_modules/.bin/vite'), ['--port', String(vitePort), '--strictPort', '--host', '127.0.0.1'], { cwd: ui });
  await waitFor(base);
  start('WebKitWebDriver', [`--port=${driverPort}`], env);
  await waitFor(`http://127.0.0.1:${driverPort}/status`);
  const created = await wd('POST', '/session', {
    capabilities: {
      alwaysMatch: {
        browserName: 'MiniBrowser',
        'webkitgtk:browserOptions': { binary: miniBrowser, args: ['--automation'] },
      },
    },
  });
  session = created.sessionId;
  await wd('POST', `/session/${session}/window/rect`, { width: 1280, height: 900 }).catch(() => {});
  let failures = 0;

  await wd('POST', `/session/${session}/url`, { url: `${base}?signedIn=0&attention=0` });
  await until('sign-in-form');
  failures += await check('sign-in');
  await click('sign-in-submit');
  await until('error-summary');
  failures += await check('sign-in-errors');

  await wd('POST', `/session/${session}/url`, { url: `${base}?progress=1#/timetable` });
  await until('timetable-row');
  failures += await check('timetable');

  await click('timetable-session-link', 1);
  await until('session-detail');
  failures += await check('session-detail');

  await click('session-book');
  await until('booking-form');
  await sync(`const i = document.getElementById('customer-search'); i.value = '01/01/2999'; i.dispatchEvent(new Event('input', { bubbles: true })); return true;`);
  await click('book-submit');
  await until('error-summary');
  failures += await check('booking-form-error');

  await sync(`const i = document.getElementById('customer-search'); i.value = 'mor'; i.dispatchEvent(new Event('input', { bubbles: true })); return true;`);
  await until('customer-result');
  failures += await check('booking-form-results');

  await wd('POST', `/session/${session}/url`, { url: `${base}#/customers/1/notes` });
  await until('note-form');
  await click('note-submit');
  await until('error-summary');
  failures += await check('customer-notes-errors');

  await wd('POST', `/session/${session}/url`, { url: `${base}#/attention` });
  await until('attention-item');
  failures += await check('needs-attention');

  failures += await keyboardJourney();

  await wd('DELETE', `/session/${session}`);
  return failures;
}

let code = 1;
try {
  code = (await main()) === 0 ? 0 : 1;
} catch (e) {
  console.error(e);
} finally {
  for (const c of children.reverse()) c.kill('SIGTERM');
}
process.exit(code);
