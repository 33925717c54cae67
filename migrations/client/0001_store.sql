-- Council Desk local store, first shape.
-- Replica tables are written ONLY by applying pulled pages; the desk's own changes live in the
-- outbox and the pending overlay until the server's answer and the pulled effects arrive.

-- Small facts about this store: device_id (made once), server_url.
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- One row. The cursor and synced_version are only ever changed in the transaction that applies
-- the page they came with; next_seq only in the transaction that writes the outbox row.
CREATE TABLE sync_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    cursor TEXT,
    -- The replica holds every change of our scope up to this change-log position.
    synced_version INTEGER NOT NULL DEFAULT 0,
    -- The last page said more was waiting.
    pull_has_more INTEGER NOT NULL DEFAULT 0,
    server_head INTEGER NOT NULL DEFAULT 0,
    next_seq INTEGER NOT NULL DEFAULT 1,
    -- device_last_seq as last heard from the server; NULL before first contact.
    server_last_seq INTEGER,
    last_synced_at TEXT,
    buckets TEXT
) STRICT;
INSERT INTO sync_state (id) VALUES (1);

CREATE TABLE centres (
    id TEXT PRIMARY KEY,
    bucket TEXT NOT NULL,
    version INTEGER NOT NULL,
    data TEXT NOT NULL
) STRICT;

CREATE TABLE activities (
    id TEXT PRIMARY KEY,
    bucket TEXT NOT NULL,
    version INTEGER NOT NULL,
    data TEXT NOT NULL
) STRICT;

CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    bucket TEXT NOT NULL,
    version INTEGER NOT NULL,
    data TEXT NOT NULL,
    centre_id INTEGER GENERATED ALWAYS AS (json_extract(data, '$.centre_id')) VIRTUAL,
    activity_id INTEGER GENERATED ALWAYS AS (json_extract(data, '$.activity_id')) VIRTUAL,
    starts_at TEXT GENERATED ALWAYS AS (json_extract(data, '$.starts_at')) VIRTUAL
) STRICT;
CREATE INDEX sessions_by_centre_time ON sessions (centre_id, starts_at);
CREATE INDEX sessions_by_activity_time ON sessions (activity_id, starts_at);

CREATE TABLE bookings (
    id TEXT PRIMARY KEY,
    bucket TEXT NOT NULL,
    version INTEGER NOT NULL,
    data TEXT NOT NULL,
    session_id INTEGER GENERATED ALWAYS AS (json_extract(data, '$.session_id')) VIRTUAL,
    customer_id INTEGER GENERATED ALWAYS AS (json_extract(data, '$.customer_id')) VIRTUAL
) STRICT;
CREATE INDEX bookings_by_session ON bookings (session_id);
CREATE INDEX bookings_by_customer ON bookings (customer_id);

CREATE TABLE customers (
    id TEXT PRIMARY KEY,
    bucket TEXT NOT NULL,
    version INTEGER NOT NULL,
    data TEXT NOT NULL,
    first_name TEXT GENERATED ALWAYS AS (json_extract(data, '$.first_name')) VIRTUAL,
    last_name TEXT GENERATED ALWAYS AS (json_extract(data, '$.last_name')) VIRTUAL,
    -- Names with apostrophes removed, so "oneill" finds O'Neill as well as "o'neill" does.
    name_key TEXT GENERATED ALWAYS AS (
        replace(replace(replace(
            json_extract(data, '$.first_name') || ' ' || json_extract(data, '$.last_name'),
            '''', ''), '’', ''), '‘', '')
    ) VIRTUAL,
    membership_no TEXT GENERATED ALWAYS AS (json_extract(data, '$.membership_no')) VIRTUAL,
    date_of_birth TEXT GENERATED ALWAYS AS (json_extract(data, '$.date_of_birth')) VIRTUAL
) STRICT;
CREATE INDEX customers_by_dob ON customers (date_of_birth);
CREATE INDEX customers_by_membership ON customers (membership_no);

-- External-content index over the customers' names and membership numbers, kept in step by the
-- triggers below. remove_diacritics 2 makes "Seonaid" find "Seònaid".
CREATE VIRTUAL TABLE customers_fts USING fts5 (
    first_name, last_name, name_key, membership_no,
    content = 'customers', content_rowid = 'rowid',
    tokenize = "unicode61 remove_diacritics 2"
);
CREATE TRIGGER customers_fts_insert AFTER INSERT ON customers BEGIN
    INSERT INTO customers_fts (rowid, first_name, last_name, name_key, membership_no)
    VALUES (new.rowid, new.first_name, new.last_name, new.name_key, new.membership_no);
END;
CREATE TRIGGER customers_fts_delete AFTER DELETE ON customers BEGIN
    INSERT INTO customers_fts (customers_fts, rowid, first_name, last_name, name_key, membership_no)
    VALUES ('delete', old.rowid, old.first_name, old.last_name, old.name_key, old.membership_no);
END;
CREATE TRIGGER customers_fts_update AFTER UPDATE ON customers BEGIN
    INSERT INTO customers_fts (customers_fts, rowid, first_name, last_name, name_key, membership_no)
    VALUES ('delete', old.rowid, old.first_name, old.last_name, old.name_key, old.membership_no);
    INSERT INTO customers_fts (rowid, first_name, last_name, name_key, membership_no)
    VALUES (new.rowid, new.first_name, new.last_name, new.name_key, new.membership_no);
END;

CREATE TABLE schools (
    id TEXT PRIMARY KEY,
    bucket TEXT NOT NULL,
    version INTEGER NOT NULL,
    data TEXT NOT NULL
) STRICT;

CREATE TABLE pupils (
    id TEXT PRIMARY KEY,
    bucket TEXT NOT NULL,
    version INTEGER NOT NULL,
    data TEXT NOT NULL,
    school_id INTEGER GENERATED ALWAYS AS (json_extract(data, '$.school_id')) VIRTUAL
) STRICT;
CREATE INDEX pupils_by_school ON pupils (school_id);

CREATE TABLE contacts (
    id TEXT PRIMARY KEY,
    bucket TEXT NOT NULL,
    version INTEGER NOT NULL,
    data TEXT NOT NULL,
    pupil_id INTEGER GENERATED ALWAYS AS (json_extract(data, '$.pupil_id')) VIRTUAL
) STRICT;
CREATE INDEX contacts_by_pupil ON contacts (pupil_id);

CREATE TABLE ct_accounts (
    id TEXT PRIMARY KEY,
    bucket TEXT NOT NULL,
    version INTEGER NOT NULL,
    data TEXT NOT NULL,
    reference TEXT GENERATED ALWAYS AS (json_extract(data, '$.reference')) VIRTUAL
) STRICT;
CREATE INDEX ct_accounts_by_reference ON ct_accounts (reference);

-- Every mutation this desk recorded and the server has not yet settled, as the full envelope.
-- state: pending (no receipt yet), applied (receipt known; waiting for the pull to reach
-- receipt_version), deferred (accepted, waits on a back-office step).
CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY,
    mutation_id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    args_version INTEGER NOT NULL,
    args TEXT NOT NULL,
    base_cursor TEXT,
    created_at TEXT NOT NULL,
    channel TEXT NOT NULL,
    summary TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'applied', 'deferred')),
    receipt_version INTEGER,
    deferred_reason TEXT
) STRICT;
CREATE INDEX outbox_by_state ON outbox (state, seq);

-- Mutations the server refused, with everything entered and the alternatives offered. Kept
-- (resolved rows too, for the record) until someone takes an alternative or dismisses them.
CREATE TABLE attention (
    mutation_id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    name TEXT NOT NULL,
    args_version INTEGER NOT NULL,
    args TEXT NOT NULL,
    channel TEXT NOT NULL,
    entered_at TEXT NOT NULL,
    summary TEXT NOT NULL,
    code TEXT NOT NULL,
    message TEXT NOT NULL,
    alternatives TEXT NOT NULL,
    resolved_at TEXT,
    resolution TEXT,
    note TEXT
) STRICT;
CREATE INDEX attention_open ON attention (resolved_at, seq);

-- The pending overlay: this desk's still-unsettled changes, rebuilt from the outbox after each
-- pull. A row here shadows the replica booking with the same id.
CREATE TABLE overlay_bookings (
    id TEXT PRIMARY KEY,
    session_id INTEGER NOT NULL,
    customer_id INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('booked', 'waiting', 'cancelled')),
    waiting_position INTEGER NOT NULL,
    seq INTEGER NOT NULL
) STRICT;
CREATE INDEX overlay_bookings_by_session ON overlay_bookings (session_id);

CREATE TABLE overlay_sessions (
    session_id INTEGER PRIMARY KEY,
    booked_delta INTEGER NOT NULL DEFAULT 0,
    waiting_delta INTEGER NOT NULL DEFAULT 0
) STRICT;
