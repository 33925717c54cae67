-- A school's own rules and attendance thresholds (desk_domain::school::SchoolSettings, `id` the
-- school's id), synced so the desk decides and flags as the server does.
CREATE TABLE school_settings (
    id TEXT PRIMARY KEY,
    bucket TEXT NOT NULL,
    version INTEGER NOT NULL,
    data TEXT NOT NULL
) STRICT;
