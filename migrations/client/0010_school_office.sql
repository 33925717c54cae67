-- The school office's synced records (issue 9; desk_domain::school::records), each in its
-- school's bucket. Replica tables as every other: written only by applying pulled pages.
-- Generated columns are the fields the screens and the rules look records up by.

CREATE TABLE attendance_codes (
    id TEXT PRIMARY KEY,
    bucket TEXT NOT NULL,
    version INTEGER NOT NULL,
    data TEXT NOT NULL
) STRICT;

CREATE TABLE school_years (
    id TEXT PRIMARY KEY,
    bucket TEXT NOT NULL,
    version INTEGER NOT NULL,
    data TEXT NOT NULL
) STRICT;

CREATE TABLE school_days (
    id TEXT PRIMARY KEY,
    bucket TEXT NOT NULL,
    version INTEGER NOT NULL,
    data TEXT NOT NULL,
    school_id INTEGER GENERATED ALWAYS AS (json_extract(data, '$.school_id')) VIRTUAL,
    date TEXT GENERATED ALWAYS AS (json_extract(data, '$.date')) VIRTUAL
) STRICT;
CREATE INDEX school_days_by_date ON school_days (school_id, date);

CREATE TABLE registration_marks (
    id TEXT PRIMARY KEY,
    bucket TEXT NOT NULL,
    version INTEGER NOT NULL,
    data TEXT NOT NULL,
    school_id INTEGER GENERATED ALWAYS AS (json_extract(data, '$.school_id')) VIRTUAL,
    pupil_id INTEGER GENERATED ALWAYS AS (json_extract(data, '$.pupil_id')) VIRTUAL,
    date TEXT GENERATED ALWAYS AS (json_extract(data, '$.date')) VIRTUAL
) STRICT;
CREATE INDEX registration_marks_by_day ON registration_marks (school_id, date);
CREATE INDEX registration_marks_by_pupil ON registration_marks (pupil_id, date);

CREATE TABLE absences (
    id TEXT PRIMARY KEY,
    bucket TEXT NOT NULL,
    version INTEGER NOT NULL,
    data TEXT NOT NULL,
    school_id INTEGER GENERATED ALWAYS AS (json_extract(data, '$.school_id')) VIRTUAL,
    pupil_id INTEGER GENERATED ALWAYS AS (json_extract(data, '$.pupil_id')) VIRTUAL,
    first_date TEXT GENERATED ALWAYS AS (json_extract(data, '$.first_date')) VIRTUAL,
    last_date TEXT GENERATED ALWAYS AS (json_extract(data, '$.last_date')) VIRTUAL
) STRICT;
CREATE INDEX absences_by_pupil ON absences (pupil_id);
CREATE INDEX absences_by_school_span ON absences (school_id, last_date, first_date);

CREATE TABLE contact_attempts (
    id TEXT PRIMARY KEY,
    bucket TEXT NOT NULL,
    version INTEGER NOT NULL,
    data TEXT NOT NULL,
    school_id INTEGER GENERATED ALWAYS AS (json_extract(data, '$.school_id')) VIRTUAL,
    pupil_id INTEGER GENERATED ALWAYS AS (json_extract(data, '$.pupil_id')) VIRTUAL,
    date TEXT GENERATED ALWAYS AS (json_extract(data, '$.date')) VIRTUAL
) STRICT;
CREATE INDEX contact_attempts_by_pupil ON contact_attempts (pupil_id, date);
CREATE INDEX contact_attempts_by_day ON contact_attempts (school_id, date);

CREATE TABLE escalations (
    id TEXT PRIMARY KEY,
    bucket TEXT NOT NULL,
    version INTEGER NOT NULL,
    data TEXT NOT NULL,
    school_id INTEGER GENERATED ALWAYS AS (json_extract(data, '$.school_id')) VIRTUAL,
    pupil_id INTEGER GENERATED ALWAYS AS (json_extract(data, '$.pupil_id')) VIRTUAL,
    date TEXT GENERATED ALWAYS AS (json_extract(data, '$.date')) VIRTUAL
) STRICT;
CREATE INDEX escalations_by_day ON escalations (school_id, date);

-- This desk's pending school records (absences, attempts, escalations) by pupil, and by the
-- day of an attempt or escalation: the worklist and the pupil page read them so.
CREATE INDEX overlay_school_by_pupil ON overlay_records (tbl, json_extract(data, '$.pupil_id'));
