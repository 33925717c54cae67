-- The reception desk's speed of hand (issue 11 §6).
--
-- 1. Customers are found by phone, email, postcode and membership number (digits alone too), not
--    only by name: the search index gains a `contact` column (email, postcode and phone as
--    written, word by word) and a `keys` column (each identifier squashed to one token: the
--    membership number, its digits, its digits without leading zeros, the phone's digits in
--    national and international form, the postcode without its space), which also ranks an exact
--    identifier first. The index is made again empty; the desk fills it from the replica when it
--    opens the store (`replica::index_unindexed`, as for pupils and accounts: the keys are
--    computed in Rust), since `customer_order` is emptied with it.
DROP TABLE customers_fts;
CREATE VIRTUAL TABLE customers_fts USING fts5 (
    first_name, last_name, apostrophe_key, membership_no, contact, keys,
    content = '', contentless_delete = 1,
    tokenize = "unicode61 remove_diacritics 2",
    prefix = '3'
);
DELETE FROM customer_order;

-- 2. A form half filled in when the desk locks is kept here, in the staff member's own
--    encrypted store, and given back after the unlock; cleared when the form is submitted and
--    when the staff member signs out. One row per form (`book:<session id>`), its fields as JSON.
CREATE TABLE form_drafts (
    form TEXT PRIMARY KEY,
    data TEXT NOT NULL,
    saved_at TEXT NOT NULL
) STRICT;
