-- The drawers counted at the end of each day (leisure.record_cash_count; issue 11 §2), in
-- their centre's bucket: a replica table like every other, written only by applied pages.

CREATE TABLE cash_counts (
    id TEXT PRIMARY KEY,
    bucket TEXT NOT NULL,
    version INTEGER NOT NULL,
    data TEXT NOT NULL,
    centre_id INTEGER GENERATED ALWAYS AS (json_extract(data, '$.centre_id')) VIRTUAL,
    day TEXT GENERATED ALWAYS AS (json_extract(data, '$.day')) VIRTUAL
) STRICT;
CREATE INDEX cash_counts_by_day ON cash_counts (centre_id, day);
