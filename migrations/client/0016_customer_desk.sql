-- The customer at the desk (issue 11 §1; desk_domain::leisure::customer_cmd): a registered
-- customer's details and the memberships sold at desks, each in the customer's centre's bucket,
-- written only by applying pulled pages like every replica table.

CREATE TABLE customer_details (
    id TEXT PRIMARY KEY,
    bucket TEXT NOT NULL,
    version INTEGER NOT NULL,
    data TEXT NOT NULL
) STRICT;

CREATE TABLE membership_sales (
    id TEXT PRIMARY KEY,
    bucket TEXT NOT NULL,
    version INTEGER NOT NULL,
    data TEXT NOT NULL,
    customer_id INTEGER GENERATED ALWAYS AS (json_extract(data, '$.customer_id')) VIRTUAL
) STRICT;
CREATE INDEX membership_sales_by_customer ON membership_sales (customer_id);

-- The duplicate check before a registration looks customers up by date of birth (indexed since
-- 0001), email and postcode, offline, over every customer of the desk's centres. Virtual
-- columns add no bytes to the rows and leave the rowid (the search index's key) alone.
ALTER TABLE customers ADD COLUMN email TEXT GENERATED ALWAYS AS (json_extract(data, '$.email')) VIRTUAL;
ALTER TABLE customers ADD COLUMN postcode TEXT GENERATED ALWAYS AS (json_extract(data, '$.postcode')) VIRTUAL;
CREATE INDEX customers_by_email ON customers (email);
CREATE INDEX customers_by_postcode ON customers (postcode);

-- The reception view lists a customer's payments.
ALTER TABLE payments ADD COLUMN customer_id INTEGER GENERATED ALWAYS AS (json_extract(data, '$.customer_id')) VIRTUAL;
CREATE INDEX payments_by_customer ON payments (customer_id);
