-- Audit entries the council server set aside (text it does not store, such as a NUL): the
-- entry itself stays in audit_log as written; this records that the server holds only a marker
-- for it, and why, so the desk can report it. The upload moves on past them.
CREATE TABLE audit_set_aside (
    seq INTEGER PRIMARY KEY REFERENCES audit_log (seq),
    code TEXT NOT NULL,
    message TEXT NOT NULL,
    set_aside_at TEXT NOT NULL
) STRICT;
