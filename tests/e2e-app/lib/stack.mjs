// The real parts around the app under test: the council server as its own process (so a test can
// stop and restart it), a plain TCP forwarder between the app and the server (so a test can take
// the first desk offline while the server stays up for a second desk), and a second desk that
// talks the server's HTTP API with its own device id.
import { spawn, execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** A free TCP port on loopback (asked of the OS, then released). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url, { timeout = 20000, proc } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    if (proc && proc.exitCode !== null) throw new Error(`server exited with ${proc.exitCode} before answering`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
      last = new Error(`HTTP ${res.status}`);
    } catch (e) {
      last = e;
    }
    await sleep(100);
  }
  throw new Error(`${url} did not answer within ${timeout} ms: ${last?.message}`);
}

/** `desk-server` as a child process over a SQLite data dir, on a fixed loopback port. */
export class ServerProcess {
  constructor({ bin, dataDir, port, log }) {
    Object.assign(this, { bin, dataDir, port, log });
    this.proc = null;
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  /**
   * Loads the demo dataset and staff (once), adds a staff account for the second desk, and
   * any `staff` given as `{ username, password, displayName, roles: [...], sites: [...] }`.
   */
  prepare({ secondUser, secondPassword, staff = [] }) {
    this.run(['demo-data']);
    const accounts = [
      { username: secondUser, password: secondPassword, displayName: 'Second Desk (E2E)', roles: ['leisure-desk'], sites: ['leisure:1'] },
      ...staff,
    ];
    for (const a of accounts) {
      this.run(
        [
          'add-staff',
          '--username',
          a.username,
          '--display-name',
          a.displayName,
          ...a.roles.flatMap((r) => ['--role', r]),
          ...a.sites.flatMap((site) => ['--site', site]),
        ],
        { DESK_STAFF_PASSWORD: a.password },
      );
    }
  }

  /** Runs an admin subcommand of `desk-server` over this server's data dir; its standard output. */
  run(args, env = {}) {
    return execFileSync(this.bin, [...args, '--data-dir', this.dataDir], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
    });
  }

  async start() {
    this.proc = spawn(this.bin, ['serve', '--listen', `127.0.0.1:${this.port}`, '--data-dir', this.dataDir], {
      stdio: ['ignore', this.log ?? 'ignore', this.log ?? 'ignore'],
    });
    await waitForHttp(`${this.url}/v1/capabilities`, { proc: this.proc });
  }

  /** Stops the server by its process id and waits until it has gone. */
  async stop() {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGTERM');
    const killed = await Promise.race([exited.then(() => true), sleep(10000).then(() => false)]);
    if (!killed) {
      proc.kill('SIGKILL');
      await exited;
    }
    this.proc = null;
  }
}

/**
 * Forwards 127.0.0.1:`port` to the server. `down()` closes the listener and every open
 * connection, so the app sees the same refused connections as a real network outage.
 */
export class Link {
  constructor(port, upstreamPort) {
    this.port = port;
    this.upstreamPort = upstreamPort;
    this.sockets = new Set();
    this.server = null;
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  up() {
    if (this.server) return Promise.resolve();
    this.server = net.createServer((client) => {
      const upstream = net.connect(this.upstreamPort, '127.0.0.1');
      this.sockets.add(client);
      this.sockets.add(upstream);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(client);
        this.sockets.delete(upstream);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, '127.0.0.1', resolve);
    });
  }

  down() {
    const server = this.server;
    this.server = null;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    return server ? new Promise((resolve) => server.close(() => resolve())) : Promise.resolve();
  }
}

/** A second desk: its own device id, signing in and pushing over the server's HTTP API. */
export class SecondDesk {
  constructor(url) {
    this.url = url;
    this.deviceId = randomUUID();
    this.seq = 0;
    this.token = null;
    this.staff = null;
    this.sent = [];
  }

  async call(method, path, body, retried = false) {
    const res = await fetch(this.url + path, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    // An access token lasts 15 minutes: sign in again once and repeat the call.
    if (res.status === 401 && this.credentials && path !== '/v1/session' && !retried) {
      await this.signIn(...this.credentials);
      return this.call(method, path, body, true);
    }
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${json.code}: ${json.message}`);
    return json;
  }

  async signIn(username, password) {
    this.credentials = [username, password];
    const r = await this.call('POST', '/v1/session', { username, password, device_id: this.deviceId });
    this.token = r.access_token;
    this.staff = r.staff;
    return r.staff;
  }

  /** Every row this desk may see, by table, as the server's entity JSON. */
  async pullAll() {
    const tables = {};
    let cursor = null;
    for (;;) {
      const q = new URLSearchParams({ limit: '5000' });
      if (cursor) q.set('cursor', cursor);
      const page = await this.call('GET', `/v1/pull?${q}`);
      for (const c of page.changes) {
        const t = (tables[c.table] ??= new Map());
        if (c.op === 'upsert') t.set(c.id, c.data);
        else t.delete(c.id);
      }
      cursor = page.cursor;
      if (!page.has_more) return Object.fromEntries(Object.entries(tables).map(([k, v]) => [k, [...v.values()]]));
    }
  }

  /**
   * Books `customerId` into `sessionId`; returns the receipt's outcome. Every booking sent is
   * kept in `this.sent` (`{ bookingId, sessionId, customerId, outcome, since, answered }`, the
   * last two the times it was sent and answered) for the audit checks.
   */
  async bookPlace(sessionId, customerId) {
    const since = new Date();
    this.seq += 1;
    const bookingId = randomUUID();
    const r = await this.call('POST', '/v1/push', {
      device_id: this.deviceId,
      mutations: [
        {
          mutation_id: randomUUID(),
          device_id: this.deviceId,
          seq: this.seq,
          name: 'leisure.book_place',
          args_version: 1,
          args: { booking_id: bookingId, session_id: sessionId, customer_id: customerId },
          base_cursor: null,
          created_at: new Date().toISOString(),
          channel: 'telephone',
        },
      ],
    });
    const outcome = r.receipts[0].outcome;
    this.sent.push({ bookingId, sessionId, customerId, outcome, since, answered: new Date() });
    return outcome;
  }
}

/**
 * A journey file's council server, in `<work>/<name>-server` with a second member of staff,
 * started behind a Link the journey can take down: `{ server, link }`. Stop with
 * `link.down()` then `server.stop()`.
 */
export async function serverBehindLink({ bin, work, name, secondUser, secondPassword }) {
  const server = new ServerProcess({ bin, dataDir: path.join(work, `${name}-server`), port: await freePort(), log: 'inherit' });
  server.prepare({ secondUser, secondPassword });
  await server.start();
  const link = new Link(await freePort(), server.port);
  await link.up();
  return { server, link };
}
