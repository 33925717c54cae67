-- The pending overlay becomes the interpreter of every service's effects (desk_domain::Effect):
-- a record a pending command puts shadows the replica's copy, and the counts it changes are
-- added to the replica's. Both are rebuilt from the outbox after every pull, so the old
-- leisure-only tables are dropped without loss.
DROP TABLE overlay_bookings;
DROP TABLE overlay_sessions;

CREATE TABLE overlay_records (
    tbl TEXT NOT NULL,
    id TEXT NOT NULL,
    data TEXT NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (tbl, id)
) STRICT;
-- A service reads its pending records by the field its screens look them up by; one expression
-- index each keeps those reads from scanning every pending record (a busy desk offline holds
-- hundreds). The queries use exactly these expressions.
CREATE INDEX overlay_bookings_by_session ON overlay_records (tbl, json_extract(data, '$.session_id'));
CREATE INDEX overlay_notes_by_customer ON overlay_records (tbl, json_extract(data, '$.customer_id'));

CREATE TABLE overlay_counts (
    tbl TEXT NOT NULL,
    id TEXT NOT NULL,
    field TEXT NOT NULL,
    delta INTEGER NOT NULL,
    PRIMARY KEY (tbl, id, field)
) STRICT;

-- What the command decided when it was recorded, with the replica version each record had then,
-- so a command the server has applied is shown without asking the rules again and without
-- counting twice. NULL for commands recorded before this migration (they are decided again).
ALTER TABLE outbox ADD COLUMN effects TEXT;

-- Notes a receptionist keeps on a customer (leisure.add_note), synced like the customer.
CREATE TABLE customer_notes (
    id TEXT PRIMARY KEY,
    bucket TEXT NOT NULL,
    version INTEGER NOT NULL,
    data TEXT NOT NULL,
    customer_id INTEGER GENERATED ALWAYS AS (json_extract(data, '$.customer_id')) VIRTUAL
) STRICT;
CREATE INDEX customer_notes_by_customer ON customer_notes (customer_id);
