-- Spaces and their bookings (issue 11 §4; desk_domain::leisure::space_records), each in its
-- centre's bucket, so a desk checks clashes (a block booking's every date) offline. Replica
-- tables as every other: written only by applying pulled pages. Generated columns are what
-- the clash check and the day view look records up by: a centre's spaces, a centre's day.

CREATE TABLE spaces (
    id TEXT PRIMARY KEY,
    bucket TEXT NOT NULL,
    version INTEGER NOT NULL,
    data TEXT NOT NULL,
    centre_id INTEGER GENERATED ALWAYS AS (json_extract(data, '$.centre_id')) VIRTUAL
) STRICT;
CREATE INDEX spaces_by_centre ON spaces (centre_id);

CREATE TABLE space_bookings (
    id TEXT PRIMARY KEY,
    bucket TEXT NOT NULL,
    version INTEGER NOT NULL,
    data TEXT NOT NULL,
    centre_id INTEGER GENERATED ALWAYS AS (json_extract(data, '$.centre_id')) VIRTUAL,
    day TEXT GENERATED ALWAYS AS (json_extract(data, '$.day')) VIRTUAL
) STRICT;
CREATE INDEX space_bookings_by_day ON space_bookings (centre_id, day);

-- This desk's pending space bookings, found by the same day.
CREATE INDEX overlay_space_bookings_by_day ON overlay_records (tbl, json_extract(data, '$.centre_id'), json_extract(data, '$.day'));
