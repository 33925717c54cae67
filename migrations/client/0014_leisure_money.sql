-- The leisure desk's prices, entitlements, vouchers and payments (issue 11 §2;
-- desk_domain::leisure::records), each in its centre's bucket. Replica tables as every other:
-- written only by applying pulled pages. Generated columns are the fields the desk looks
-- records up by (a booking's payments, a day's takings for the cash-up).

CREATE TABLE leisure_settings (
    id TEXT PRIMARY KEY,
    bucket TEXT NOT NULL,
    version INTEGER NOT NULL,
    data TEXT NOT NULL
) STRICT;

CREATE TABLE entitlements (
    id TEXT PRIMARY KEY,
    bucket TEXT NOT NULL,
    version INTEGER NOT NULL,
    data TEXT NOT NULL
) STRICT;

CREATE TABLE vouchers (
    id TEXT PRIMARY KEY,
    bucket TEXT NOT NULL,
    version INTEGER NOT NULL,
    data TEXT NOT NULL
) STRICT;

CREATE TABLE payments (
    id TEXT PRIMARY KEY,
    bucket TEXT NOT NULL,
    version INTEGER NOT NULL,
    data TEXT NOT NULL,
    booking_id TEXT GENERATED ALWAYS AS (json_extract(data, '$.booking_id')) VIRTUAL,
    centre_id INTEGER GENERATED ALWAYS AS (json_extract(data, '$.centre_id')) VIRTUAL,
    at TEXT GENERATED ALWAYS AS (json_extract(data, '$.at')) VIRTUAL
) STRICT;
CREATE INDEX payments_by_booking ON payments (booking_id);
CREATE INDEX payments_by_day ON payments (centre_id, at);
