// The audit trail of the E2E journeys: what each step showed or changed, written down as the
// tests run (`Journal`), and the council server's append-only audit store read back at the end
// (`ServerAudit`), through `desk-server audit --person ID --json` when the server has it, else
// straight from its SQLite file with the `sqlite3` command-line tool (read-only).
import { execFileSync } from 'node:child_process';
import path from 'node:path';

/**
 * One expected audit row each: who did what to which record, from which desk, and when. Every
 * entry carries its step's own time window, from `since` (taken by the test before the action
 * that shows or changes the record) to the moment the test noted it, so each step must be
 * matched by a row of its own and repeated views are checked one by one.
 */
export class Journal {
  constructor() {
    this.startedAt = new Date();
    this.entries = [];
  }

  /**
   * `username` was shown the customers `customerIds` at `device` (`'app'`: the app's own
   * device id for that user, as the app reports it; or a device id), in a step that began at
   * `since`. `detail` is a word the row's detail must hold (`search result`, `bookings`), which
   * tells the kinds of view apart.
   */
  viewed(step, { username, device = 'app', customerIds, since, detail }) {
    const window = stepWindow(step, since);
    for (const id of new Set(customerIds)) {
      if (!Number.isInteger(id) || id <= 0) throw new Error(`${step}: not a customer id: ${id}`);
      this.entries.push({
        step,
        action: 'view',
        username,
        device,
        recordKind: 'customer',
        recordId: String(id),
        personId: id,
        detail,
        ...window,
      });
    }
  }

  /**
   * `username` made a change to booking `bookingId` (about customer `customerId`) in a step
   * that began at `since`; `sources` says where it must be audited: `desk` (written by the desk
   * when recorded, uploaded later) and/or `server` (written by the server when it applied the
   * change). `command` (e.g. `cancel_place`) must appear in the row's detail, telling apart
   * changes to one booking. A change the server applies later (made offline) is written down
   * with `applied: 'later'`: its server row's window ends when the test calls `applied(id)`. A
   * change sent by the test itself gives the time of the server's answer: `applied: Date`.
   */
  changed(step, { username, device = 'app', bookingId, customerId, command, since, sources = ['desk', 'server'], applied = 'now' }) {
    if (!/^[0-9a-f-]{36}$/.test(bookingId ?? '')) throw new Error(`${step}: not a booking id: ${bookingId}`);
    const window = stepWindow(step, since);
    for (const source of sources) {
      this.entries.push({
        step,
        action: 'change',
        username,
        device,
        recordKind: 'booking',
        recordId: bookingId,
        personId: customerId,
        source,
        command,
        ...window,
        // Open until the test sees the server's answer; or when it was answered, if known.
        until: applied instanceof Date ? applied : source === 'server' && applied === 'later' ? null : window.until,
      });
    }
  }

  /** The test has seen the server's answer to the changes of `bookingId` written down so far. */
  applied(bookingId) {
    const now = new Date();
    for (const e of this.entries) {
      if (e.recordId === bookingId && e.source === 'server' && e.until === null) e.until = now;
    }
  }

  get personIds() {
    return [...new Set(this.entries.map((e) => e.personId))].sort((a, b) => a - b);
  }
}

function stepWindow(step, since) {
  if (!(since instanceof Date)) throw new Error(`${step}: the step's start time is missing`);
  return { since, until: new Date() };
}

/** Reads the council server's audit store (the server may be running). */
export class ServerAudit {
  constructor(server) {
    this.server = server;
    this.db = path.join(server.dataDir, 'council.db');
    let help = '';
    try {
      help = server.run(['audit', '--help']);
    } catch (e) {
      help = String(e.stdout ?? '');
    }
    // Helper C's `--json` output, once it exists; until then the SQLite file.
    this.hasJson = /--json\b/.test(help);
  }

  sql(query) {
    const out = execFileSync('sqlite3', ['-readonly', '-json', this.db, query], { encoding: 'utf8' });
    return out.trim() ? JSON.parse(out) : [];
  }

  /** Staff user name → id. */
  staffIds() {
    return Object.fromEntries(this.sql('SELECT id, username FROM staff').map((r) => [r.username, r.id]));
  }

  /** The person's audit JSON exactly as the admin tool prints it (or the SQLite rows as JSON). */
  personText(personId) {
    if (this.hasJson) return this.server.run(['audit', '--person', String(personId), '--json']);
    return JSON.stringify(this.sql(`SELECT * FROM audit_log WHERE person_id = ${Number(personId)} ORDER BY id`));
  }

  /** The person's accesses and changes, as rows with the store's field names. */
  personRows(personId) {
    if (!this.hasJson) {
      return this.sql(`SELECT * FROM audit_log WHERE person_id = ${Number(personId)} ORDER BY id`);
    }
    return normaliseReport(JSON.parse(this.personText(personId)), personId);
  }

  /** Every row of the store, in order. */
  allRows() {
    return this.sql('SELECT * FROM audit_log ORDER BY id');
  }
}

/**
 * The access list of `desk-server audit --person ID --json`, whatever it is called, with each
 * entry's fields named as in the store (`at`, `staff_id`, `device_id`, `action`, `record_kind`,
 * `record_id`, `person_id`, `source`).
 */
function normaliseReport(report, personId) {
  const list =
    (Array.isArray(report) && report) ||
    ['accesses', 'audit', 'trail', 'access', 'entries', 'events'].map((k) => report[k]).find(Array.isArray);
  if (!list) throw new Error(`audit --person ${personId} --json has no list of accesses: ${JSON.stringify(report).slice(0, 500)}`);
  return list.map((e) => ({
    ...e,
    staff_id: e.staff_id ?? e.staff?.id ?? null,
    staff_username: e.staff_username ?? e.username ?? e.staff?.username ?? null,
    device_id: e.device_id ?? e.device ?? null,
    person_id: e.person_id ?? personId,
  }));
}

/**
 * The journal's entries that the audit rows do not show with the right staff member, device,
 * record and time: each entry needs a row of its own inside its step's window (widened by
 * `SLACK_MS` for clock reading). Entries are matched in the order their windows end, each to
 * the earliest free row that fits (the usual greedy for points in intervals). `devices` maps a user name to the app's device id for them; an entry still
 * open (a change the test never saw the server answer) closes at `until`.
 */
export function unaudited(journal, rowsByPerson, { staffIds, devices, until }) {
  const missing = [];
  const used = new Set();
  const closes = (e) => (e.until ?? until).getTime();
  const entries = [...journal.entries].sort((a, b) => closes(a) - closes(b) || a.since - b.since);
  for (const e of entries) {
    const staffId = staffIds[e.username];
    const device = e.device === 'app' ? devices[e.username] : e.device;
    const rows = rowsByPerson.get(e.personId) ?? [];
    const sameRecord = rows.filter(
      (r) =>
        r.action === e.action &&
        r.record_kind === e.recordKind &&
        String(r.record_id) === e.recordId &&
        Number(r.person_id) === e.personId &&
        (!e.source || r.source === e.source) &&
        (!e.command || String(r.detail ?? '').includes(e.command)) &&
        (!e.detail || String(r.detail ?? '').includes(e.detail)),
    );
    const from = e.since.getTime() - SLACK_MS;
    const to = closes(e) + SLACK_MS;
    const fits = sameRecord
      .filter((r) => {
        const at = Date.parse(r.at);
        // The admin tool names the staff user too: it must be the same one.
        const named = r.staff_username == null || r.staff_username === e.username;
        return !used.has(r) && Number(r.staff_id) === staffId && named && r.device_id === device && at >= from && at <= to;
      })
      .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    if (fits.length > 0) {
      used.add(fits[0]);
      continue;
    }
    missing.push(
      `${e.step}: ${e.action}${e.command ? ` (${e.command})` : ''} ${e.recordKind} ${e.recordId} (person ${e.personId}${e.source ? `, ${e.source}` : ''}) ` +
        `by ${e.username} (staff ${staffId}) on ${device} between ${e.since.toISOString()} and ${new Date(closes(e)).toISOString()}; ` +
        `rows for that record: ${JSON.stringify(sameRecord.map((r) => ({ at: r.at, staff_id: r.staff_id, device_id: r.device_id, source: r.source, detail: r.detail, taken: used.has(r) }))).slice(0, 800)}`,
    );
  }
  return missing;
}

/** Clock reading on either side of a step's window: the store's timestamps and the test's. */
const SLACK_MS = 1000;

/**
 * Tries to change or remove audit rows through every endpoint with PUT, PATCH or DELETE: the
 * paths the server's OpenAPI document lists, `/v1/audit` and a row's would-be address. Returns
 * each answer as `{ method, path, declared, status, body }`; `declared` marks an operation the
 * document lists (its answer is checked by the caller, e.g. a sign-out).
 */
export async function tamperWithAudit(baseUrl, tokenFor) {
  const api = await (await fetch(`${baseUrl}/v1/openapi.json`)).json();
  const paths = new Set([...Object.keys(api.paths ?? {}), '/v1/audit', '/v1/audit/1', '/v1/audit/{id}']);
  const answers = [];
  for (const p of paths) {
    const concrete = p.replace(/\{[^}]+\}/g, '1');
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      const declared = Boolean(api.paths?.[p]?.[method.toLowerCase()]);
      const token = await tokenFor(declared);
      const res = await fetch(baseUrl + concrete, {
        method,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ id: 1, seq: 1, action: 'view', detail: 'rewritten by the E2E test', person_id: 1 }),
      });
      answers.push({ method, path: concrete, declared, status: res.status, body: await res.text() });
    }
  }
  return answers;
}
