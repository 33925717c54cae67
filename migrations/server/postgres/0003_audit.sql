-- Append-only audit store: who saw or changed which record about whom, from the server itself
-- (source 'server': changes, sign-ins) and uploaded by desks (source 'desk', with the desk's
-- gapless per-device seq). No path updates or deletes a row; the triggers refuse it outright.
CREATE TABLE audit_log (
    id          BIGSERIAL PRIMARY KEY,
    at          TIMESTAMPTZ NOT NULL,
    staff_id    BIGINT REFERENCES staff(id),
    device_id   UUID,
    action      TEXT NOT NULL,
    record_kind TEXT,
    record_id   TEXT,
    person_id   BIGINT,
    detail      TEXT NOT NULL,
    source      TEXT NOT NULL CHECK (source IN ('server', 'desk')),
    device_seq  BIGINT,
    UNIQUE (device_id, device_seq)
);
CREATE INDEX audit_log_person ON audit_log(person_id);
CREATE INDEX audit_log_record ON audit_log(record_kind, record_id);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END
$$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
