// The audit trail of the E2E journeys: what each step showed or changed, written down as the
// tests run (`Journal`), and the council server's append-only audit store read back at the end
// (`ServerAudit`), through `desk-server audit --person ID --json` when the server has it, else
// straight from its SQLite file with the `sqlite3` command-line tool (read-only).
import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** One expected audit row: who did what to which record, from which desk, during the run. */
export class Journal {
  constructor() {
    this.startedAt = new Date();
    this.entries = [];
  }

  /**
   * `username` was shown the customers `customerIds` at `device` (`'app'`: the app's own
   * device id for that user, learned later; or a device id).
   */
  viewed(step, { username, device = 'app', customerIds }) {
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
      });
    }
  }

  /**
   * `username` made a change to booking `bookingId` (about customer `customerId`); `sources`
   * says where it must be audited: `desk` (written by the desk when recorded, uploaded later)
   * and/or `server` (written by the server when it applied the change). `command` (e.g.
   * `cancel_place`) must appear in the row's detail, telling apart changes to one booking.
   */
  changed(step, { username, device = 'app', bookingId, customerId, command, sources = ['desk', 'server'] }) {
    if (!/^[0-9a-f-]{36}$/.test(bookingId ?? '')) throw new Error(`${step}: not a booking id: ${bookingId}`);
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
      });
    }
  }

  get personIds() {
    return [...new Set(this.entries.map((e) => e.personId))].sort((a, b) => a - b);
  }
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
 * time (within the run) and record. `devices` maps a user name to the app's device id for them.
 */
export function unaudited(journal, rowsByPerson, { staffIds, devices, until }) {
  const from = journal.startedAt.getTime() - 2000;
  const to = until.getTime() + 2000;
  const missing = [];
  for (const e of journal.entries) {
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
        (!e.command || String(r.detail ?? '').includes(e.command)),
    );
    const ok = sameRecord.find((r) => {
      const at = Date.parse(r.at);
      // The admin tool names the staff user too: it must be the same one.
      const named = r.staff_username == null || r.staff_username === e.username;
      return Number(r.staff_id) === staffId && named && r.device_id === device && at >= from && at <= to;
    });
    if (!ok) {
      missing.push(
        `${e.step}: ${e.action}${e.command ? ` (${e.command})` : ''} ${e.recordKind} ${e.recordId} (person ${e.personId}${e.source ? `, ${e.source}` : ''}) ` +
          `by ${e.username} (staff ${staffId}) on ${device}; rows for that record: ${JSON.stringify(sameRecord).slice(0, 600)}`,
      );
    }
  }
  return missing;
}

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
