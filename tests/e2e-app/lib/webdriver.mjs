// A small W3C WebDriver client: just the endpoints these tests use, over Node's fetch, talking
// to tauri-driver (which forwards to WebKitWebDriver, which drives the real app's webview).
import { setTimeout as sleep } from 'node:timers/promises';

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';
// The W3C key, or whatever single key the remote end used for an element reference.
const ref = (v) => v[ELEMENT] ?? v.ELEMENT ?? Object.values(v)[0];

export class WebDriverError extends Error {
  constructor(method, path, status, value) {
    super(`${method} ${path} → ${status}: ${value?.error ?? ''} ${value?.message ?? JSON.stringify(value)}`);
    this.status = status;
    this.error = value?.error;
  }
}

async function request(base, method, path, body) {
  const res = await fetch(base + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    throw new WebDriverError(method, path, res.status, { message: text });
  }
  if (!res.ok) throw new WebDriverError(method, path, res.status, json.value);
  return json.value;
}

/** Keys of the WebDriver key table, for `keys()`. */
export const Key = {
  Tab: '\uE004',
  Enter: '\uE007',
  Space: '\uE00D',
  Escape: '\uE00C',
  Backspace: '\uE003',
  ArrowUp: '\uE013',
  ArrowDown: '\uE015',
  ArrowLeft: '\uE012',
  ArrowRight: '\uE014',
  Shift: '\uE008',
};

export class Session {
  constructor(base, id) {
    this.base = base;
    this.id = id;
  }

  /** Starts the app: tauri-driver launches `application` with `args`. */
  static async start(base, application, args = []) {
    const value = await request(base, 'POST', '/session', {
      capabilities: { alwaysMatch: { 'tauri:options': { application, args } } },
    });
    return new Session(base, value.sessionId);
  }

  cmd(method, path, body) {
    return request(this.base, method, `/session/${this.id}${path}`, body);
  }

  async end() {
    await this.cmd('DELETE', '');
  }

  /** Runs `script` (a function body; `arguments` holds `args`) in the page. */
  exec(script, ...args) {
    return this.cmd('POST', '/execute/sync', { script, args });
  }

  /** Runs `script`, which must call `arguments[arguments.length - 1](result)` when done. */
  execAsync(script, ...args) {
    return this.cmd('POST', '/execute/async', { script, args });
  }

  async find(css) {
    const v = await this.cmd('POST', '/element', { using: 'css selector', value: css });
    return new Element(this, ref(v));
  }

  async findAll(css) {
    const v = await this.cmd('POST', '/elements', { using: 'css selector', value: css });
    return v.map((e) => new Element(this, ref(e)));
  }

  /** Waits until `css` matches a displayed element (and `test(el)` holds, if given). */
  async waitFor(css, { timeout = 15000, test } = {}) {
    const deadline = Date.now() + timeout;
    let last;
    while (Date.now() < deadline) {
      try {
        for (const el of await this.findAll(css)) {
          if ((await el.displayed()) && (!test || (await test(el)))) return el;
        }
      } catch (e) {
        last = e;
      }
      await sleep(100);
    }
    const page = await this.exec('return document.body ? document.body.innerText.slice(0, 2000) : ""').catch(() => '');
    throw new Error(`timed out after ${timeout} ms waiting for ${css}${last ? ` (${last.message})` : ''}\npage:\n${page}`);
  }

  /** Waits until the page-side predicate (a function body returning a boolean) holds. */
  async waitUntil(script, { timeout = 15000, what = script } = {}, ...args) {
    const deadline = Date.now() + timeout;
    while (Date.now() < deadline) {
      if (await this.exec(script, ...args).catch(() => false)) return;
      await sleep(100);
    }
    const page = await this.exec('return document.body ? document.body.innerText.slice(0, 2000) : ""').catch(() => '');
    throw new Error(`timed out after ${timeout} ms waiting until ${what}\npage:\n${page}`);
  }

  async gone(css, { timeout = 15000 } = {}) {
    await this.waitUntil(`return document.querySelector(arguments[0]) === null`, { timeout, what: `${css} is gone` }, css);
  }

  /** The page source as WebDriver serialises it (the DOM as it is now, not the file loaded). */
  source() {
    return this.cmd('GET', '/source');
  }

  /**
   * Calls a shell command straight through Tauri's IPC, as the page could: `{ ok: true, value }`
   * or `{ ok: false, error }` with the rejection as sent (`{code, message}` from the shell).
   */
  invoke(command, args = {}) {
    return this.execAsync(
      `const [command, args, done] = arguments;
       window.__TAURI_INTERNALS__.invoke(command, args).then(
         (value) => done({ ok: true, value: value ?? null }),
         (error) => done({ ok: false, error: error ?? null }));`,
      command,
      args,
    );
  }

  /** A PNG of the window as a Buffer. */
  async screenshot() {
    return Buffer.from(await this.cmd('GET', '/screenshot'), 'base64');
  }

  /** Presses and releases each key in turn (WebDriver actions), into whatever has focus. */
  async keys(...keys) {
    const actions = [];
    for (const k of keys) {
      for (const ch of k.length === 1 ? [k] : [...k]) {
        actions.push({ type: 'keyDown', value: ch }, { type: 'keyUp', value: ch });
      }
    }
    await this.cmd('POST', '/actions', { actions: [{ type: 'key', id: 'keyboard', actions }] });
    await this.cmd('DELETE', '/actions');
  }

  /** The `data-testid` (or tag and id) of the focused element. */
  activeName() {
    return this.exec(
      `const a = document.activeElement; if (!a) return null;
       return a.getAttribute('data-testid') || (a.tagName.toLowerCase() + (a.id ? '#' + a.id : ''));`,
    );
  }
}

export class Element {
  constructor(session, id) {
    this.s = session;
    this.id = id;
  }
  cmd(method, path, body) {
    return this.s.cmd(method, `/element/${this.id}${path}`, body);
  }
  /**
   * Clicks the element as a person would: brought to the middle of the window first. WebKit's
   * driver clicks an element lying on the window's bottom edge at a point its scrollbar takes,
   * and the click is lost.
   */
  async click() {
    await this.s.exec("arguments[0].scrollIntoView({ block: 'center', inline: 'nearest' }); return true;", { [ELEMENT]: this.id });
    return this.cmd('POST', '/click', {});
  }
  clear() {
    return this.cmd('POST', '/clear', {});
  }
  type(text) {
    return this.cmd('POST', '/value', { text });
  }
  text() {
    return this.cmd('GET', '/text');
  }
  attr(name) {
    return this.cmd('GET', `/attribute/${name}`);
  }
  displayed() {
    return this.cmd('GET', '/displayed');
  }
  async find(css) {
    const v = await this.cmd('POST', '/element', { using: 'css selector', value: css });
    return new Element(this.s, ref(v));
  }
  async findAll(css) {
    const v = await this.cmd('POST', '/elements', { using: 'css selector', value: css });
    return v.map((e) => new Element(this.s, ref(e)));
  }
}
