-- Check-in, no-shows and waiting-list offers (issue 11 §3, §5): the booking fields arrive in
-- each booking's JSON (nothing to add to its table but a generated column the offers list and
-- check-in look bookings up by), and the customers' charges (no-show fees), in the session's
-- centre's bucket. Replica tables as every other: written only by applying pulled pages.

ALTER TABLE bookings ADD COLUMN status TEXT GENERATED ALWAYS AS (json_extract(data, '$.status')) VIRTUAL;
CREATE INDEX bookings_by_status ON bookings (status);

CREATE TABLE customer_charges (
    id TEXT PRIMARY KEY,
    bucket TEXT NOT NULL,
    version INTEGER NOT NULL,
    data TEXT NOT NULL,
    customer_id INTEGER GENERATED ALWAYS AS (json_extract(data, '$.customer_id')) VIRTUAL
) STRICT;
CREATE INDEX customer_charges_by_customer ON customer_charges (customer_id);
