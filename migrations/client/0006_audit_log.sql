-- The desk's append-only audit log: every view of a personal record and every change made at
-- this desk, written in the same transaction as the read or the change it records, and
-- uploaded to the server's audit store in seq order. No statement may change or remove a row:
-- the triggers refuse it, so seq stays gapless (rolled-back inserts take their number back).
CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    -- The staff member signed in when it happened (NULL before a first sign-in).
    staff_id INTEGER,
    action TEXT NOT NULL CHECK (action IN ('view', 'change')),
    -- customer, pupil, ct_account, session, booking
    record_kind TEXT NOT NULL,
    record_id TEXT NOT NULL,
    -- The person the record is about, where it is about one.
    person_id INTEGER,
    detail TEXT NOT NULL
) STRICT;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
