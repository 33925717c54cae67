-- The customer search index and sort keys are kept in step by the code that applies pulled
-- changes, from the row it already has in hand, instead of by triggers that parse the row's
-- JSON again for every column: measured at 100,000 customers, the triggers took more than
-- half of the time to apply a pulled customer. The index holds no copy of the text
-- (contentless, with deletes by rowid).
DROP TRIGGER customers_fts_insert;
DROP TRIGGER customers_fts_delete;
DROP TRIGGER customers_fts_update;
DROP TABLE customers_fts;
CREATE VIRTUAL TABLE customers_fts USING fts5 (
    first_name, last_name, apostrophe_key, membership_no,
    content = '', contentless_delete = 1,
    tokenize = "unicode61 remove_diacritics 2",
    prefix = '3'
);
INSERT INTO customers_fts (rowid, first_name, last_name, apostrophe_key, membership_no)
SELECT rowid, first_name, last_name, apostrophe_key, membership_no FROM customers;
