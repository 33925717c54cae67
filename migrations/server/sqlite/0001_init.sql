-- Council server schema, SQLite. Times are ISO-8601 text (council wall clock for sessions,
-- UTC for created_at); every entity row is mirrored in sync_rows as the JSON desks pull.

CREATE TABLE staff (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    roles         TEXT NOT NULL,  -- JSON array of role names
    sites         TEXT NOT NULL,  -- JSON array of site names
    disabled      INTEGER NOT NULL DEFAULT 0
);

-- Only a SHA-256 of each bearer token is kept: a copy of this table signs nobody in.
CREATE TABLE access_tokens (
    token_hash BLOB PRIMARY KEY,
    staff_id   INTEGER NOT NULL REFERENCES staff(id),
    device_id  TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX access_tokens_expiry ON access_tokens(expires_at);

CREATE TABLE devices (
    device_id TEXT PRIMARY KEY,
    staff_id  INTEGER NOT NULL REFERENCES staff(id),
    last_seq  INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE receipts (
    device_id   TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    mutation_id TEXT NOT NULL,
    outcome     TEXT NOT NULL,  -- JSON of desk_domain::Outcome
    version     INTEGER NOT NULL,
    PRIMARY KEY (device_id, seq)
) WITHOUT ROWID;

CREATE TABLE centres (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    town TEXT NOT NULL
);

CREATE TABLE activities (
    id        INTEGER PRIMARY KEY,
    centre_id INTEGER NOT NULL REFERENCES centres(id),
    name      TEXT NOT NULL,
    kind      TEXT NOT NULL
);

CREATE TABLE sessions (
    id               INTEGER PRIMARY KEY,
    centre_id        INTEGER NOT NULL REFERENCES centres(id),
    activity_id      INTEGER NOT NULL REFERENCES activities(id),
    activity_name    TEXT NOT NULL,
    starts_at        TEXT NOT NULL,
    duration_minutes INTEGER NOT NULL,
    capacity         INTEGER NOT NULL CHECK (capacity >= 0),
    booked           INTEGER NOT NULL DEFAULT 0 CHECK (booked >= 0),
    waiting          INTEGER NOT NULL DEFAULT 0 CHECK (waiting >= 0),
    location         TEXT NOT NULL,
    instructor       TEXT NOT NULL,
    cancelled        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sessions_activity_time ON sessions(centre_id, activity_id, starts_at);

CREATE TABLE customers (
    id             INTEGER PRIMARY KEY,
    home_centre_id INTEGER NOT NULL,
    first_name     TEXT NOT NULL,
    last_name      TEXT NOT NULL,
    date_of_birth  TEXT NOT NULL,
    membership_no  TEXT NOT NULL,
    email          TEXT,
    phone          TEXT,
    postcode       TEXT NOT NULL,
    concession     INTEGER NOT NULL
);

CREATE TABLE bookings (
    id               TEXT PRIMARY KEY,
    session_id       INTEGER NOT NULL REFERENCES sessions(id),
    customer_id      INTEGER NOT NULL REFERENCES customers(id),
    centre_id        INTEGER NOT NULL,
    status           TEXT NOT NULL,
    waiting_position INTEGER NOT NULL,
    created_at       TEXT NOT NULL,
    staff_id         INTEGER NOT NULL,
    channel          TEXT NOT NULL
);
CREATE INDEX bookings_session_customer ON bookings(session_id, customer_id);

CREATE TABLE schools (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    town TEXT NOT NULL
);

CREATE TABLE pupils (
    id            INTEGER PRIMARY KEY,
    school_id     INTEGER NOT NULL REFERENCES schools(id),
    first_name    TEXT NOT NULL,
    last_name     TEXT NOT NULL,
    date_of_birth TEXT NOT NULL,
    stage         TEXT NOT NULL,
    class         TEXT NOT NULL
);

CREATE TABLE contacts (
    id           INTEGER PRIMARY KEY,
    pupil_id     INTEGER NOT NULL REFERENCES pupils(id),
    school_id    INTEGER NOT NULL,
    name         TEXT NOT NULL,
    relationship TEXT NOT NULL,
    phone        TEXT NOT NULL,
    email        TEXT,
    priority     INTEGER NOT NULL
);

CREATE TABLE ct_accounts (
    id                     INTEGER PRIMARY KEY,
    reference              TEXT NOT NULL UNIQUE,
    office_id              INTEGER NOT NULL,
    band                   TEXT NOT NULL,
    address                TEXT NOT NULL,
    postcode               TEXT NOT NULL,
    uprn                   TEXT NOT NULL,
    liable                 TEXT NOT NULL,  -- JSON array of liable people
    phone                  TEXT,
    email                  TEXT,
    single_person_discount INTEGER NOT NULL,
    direct_debit           INTEGER NOT NULL,
    paperless              INTEGER NOT NULL
);

-- The single change counter: every writing transaction moves it, so commit order is version
-- order and a reader paging by version never skips a row committed after it read.
CREATE TABLE sync_head (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO sync_head (id, version) VALUES (1, 0);

-- Each row's newest state, as desks pull it.
CREATE TABLE sync_rows (
    tbl     TEXT NOT NULL,
    id      TEXT NOT NULL,
    bucket  TEXT NOT NULL,
    version INTEGER NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    data    TEXT,
    PRIMARY KEY (tbl, id)
) WITHOUT ROWID;
CREATE INDEX sync_rows_bucket_version ON sync_rows(bucket, version);
