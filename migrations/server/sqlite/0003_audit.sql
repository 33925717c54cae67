-- Append-only audit store: who saw or changed which record about whom, from the server itself
-- (source 'server': changes, sign-ins) and uploaded by desks (source 'desk', with the desk's
-- gapless per-device seq). No path updates or deletes a row; the triggers refuse it outright.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    staff_id    INTEGER REFERENCES staff(id),
    device_id   TEXT,
    action      TEXT NOT NULL,
    record_kind TEXT,
    record_id   TEXT,
    person_id   INTEGER,
    detail      TEXT NOT NULL,
    source      TEXT NOT NULL CHECK (source IN ('server', 'desk')),
    device_seq  INTEGER,
    UNIQUE (device_id, device_seq)
);
CREATE INDEX audit_log_person ON audit_log(person_id);
CREATE INDEX audit_log_record ON audit_log(record_kind, record_id);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
