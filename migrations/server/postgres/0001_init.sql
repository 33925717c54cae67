-- Council server schema, PostgreSQL. Every entity row is mirrored in sync_rows as the JSON
-- desks pull.

CREATE TABLE staff (
    id            BIGSERIAL PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    roles         TEXT NOT NULL,  -- JSON array of role names
    sites         TEXT NOT NULL,  -- JSON array of site names
    disabled      BOOLEAN NOT NULL DEFAULT FALSE
);

-- Only a SHA-256 of each bearer token is kept: a copy of this table signs nobody in.
CREATE TABLE access_tokens (
    token_hash BYTEA PRIMARY KEY,
    staff_id   BIGINT NOT NULL REFERENCES staff(id),
    device_id  UUID NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX access_tokens_expiry ON access_tokens(expires_at);

CREATE TABLE devices (
    device_id UUID PRIMARY KEY,
    staff_id  BIGINT NOT NULL REFERENCES staff(id),
    last_seq  BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE receipts (
    device_id   UUID NOT NULL,
    seq         BIGINT NOT NULL,
    mutation_id UUID NOT NULL,
    outcome     TEXT NOT NULL,  -- JSON of desk_domain::Outcome
    version     BIGINT NOT NULL,
    PRIMARY KEY (device_id, seq)
);

CREATE TABLE centres (
    id   BIGINT PRIMARY KEY,
    name TEXT NOT NULL,
    town TEXT NOT NULL
);

CREATE TABLE activities (
    id        BIGINT PRIMARY KEY,
    centre_id BIGINT NOT NULL REFERENCES centres(id),
    name      TEXT NOT NULL,
    kind      TEXT NOT NULL
);

CREATE TABLE sessions (
    id               BIGINT PRIMARY KEY,
    centre_id        BIGINT NOT NULL REFERENCES centres(id),
    activity_id      BIGINT NOT NULL REFERENCES activities(id),
    activity_name    TEXT NOT NULL,
    starts_at        TIMESTAMP NOT NULL,
    duration_minutes BIGINT NOT NULL,
    capacity         BIGINT NOT NULL CHECK (capacity >= 0),
    booked           BIGINT NOT NULL DEFAULT 0 CHECK (booked >= 0),
    waiting          BIGINT NOT NULL DEFAULT 0 CHECK (waiting >= 0),
    location         TEXT NOT NULL,
    instructor       TEXT NOT NULL,
    cancelled        BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX sessions_activity_time ON sessions(centre_id, activity_id, starts_at);

CREATE TABLE customers (
    id             BIGINT PRIMARY KEY,
    home_centre_id BIGINT NOT NULL,
    first_name     TEXT NOT NULL,
    last_name      TEXT NOT NULL,
    date_of_birth  DATE NOT NULL,
    membership_no  TEXT NOT NULL,
    email          TEXT,
    phone          TEXT,
    postcode       TEXT NOT NULL,
    concession     BOOLEAN NOT NULL
);

CREATE TABLE bookings (
    id               UUID PRIMARY KEY,
    session_id       BIGINT NOT NULL REFERENCES sessions(id),
    customer_id      BIGINT NOT NULL REFERENCES customers(id),
    centre_id        BIGINT NOT NULL,
    status           TEXT NOT NULL,
    waiting_position BIGINT NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    staff_id         BIGINT NOT NULL,
    channel          TEXT NOT NULL
);
CREATE INDEX bookings_session_customer ON bookings(session_id, customer_id);

CREATE TABLE schools (
    id   BIGINT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    town TEXT NOT NULL
);

CREATE TABLE pupils (
    id            BIGINT PRIMARY KEY,
    school_id     BIGINT NOT NULL REFERENCES schools(id),
    first_name    TEXT NOT NULL,
    last_name     TEXT NOT NULL,
    date_of_birth DATE NOT NULL,
    stage         TEXT NOT NULL,
    class         TEXT NOT NULL
);

CREATE TABLE contacts (
    id           BIGINT PRIMARY KEY,
    pupil_id     BIGINT NOT NULL REFERENCES pupils(id),
    school_id    BIGINT NOT NULL,
    name         TEXT NOT NULL,
    relationship TEXT NOT NULL,
    phone        TEXT NOT NULL,
    email        TEXT,
    priority     BIGINT NOT NULL
);

CREATE TABLE ct_accounts (
    id                     BIGINT PRIMARY KEY,
    reference              TEXT NOT NULL UNIQUE,
    office_id              BIGINT NOT NULL,
    band                   TEXT NOT NULL,
    address                TEXT NOT NULL,
    postcode               TEXT NOT NULL,
    uprn                   TEXT NOT NULL,
    liable                 JSON NOT NULL,
    phone                  TEXT,
    email                  TEXT,
    single_person_discount BOOLEAN NOT NULL,
    direct_debit           BOOLEAN NOT NULL,
    paperless              BOOLEAN NOT NULL
);

-- The single change counter: every writing transaction locks and moves it, so writers are
-- serialised, commit order is version order, and a reader paging by version never skips a
-- row committed after it read.
CREATE TABLE sync_head (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO sync_head (id, version) VALUES (1, 0);

-- Each row's newest state, as desks pull it. `data` is JSON (kept as written, not re-encoded)
-- so pages are served without re-parsing.
CREATE TABLE sync_rows (
    tbl     TEXT NOT NULL,
    id      TEXT NOT NULL,
    bucket  TEXT NOT NULL,
    version BIGINT NOT NULL,
    deleted BOOLEAN NOT NULL DEFAULT FALSE,
    data    JSON,
    PRIMARY KEY (tbl, id)
);
CREATE INDEX sync_rows_bucket_version ON sync_rows(bucket, version);
