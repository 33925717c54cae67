-- The council-tax contact centre's synced records (issue 10; desk_domain::council_tax::records),
-- each in its account's council-tax office bucket. Replica tables as every other: written only
-- by applying pulled pages. The rules and the account page read them by account.
-- A Direct Debit request holds only the last four digits of the bank account: the full details
-- go to the server in the command and never come back (docs/adding-a-service.md).

CREATE TABLE ct_change_requests (
    id TEXT PRIMARY KEY,
    bucket TEXT NOT NULL,
    version INTEGER NOT NULL,
    data TEXT NOT NULL,
    account_id INTEGER GENERATED ALWAYS AS (json_extract(data, '$.account_id')) VIRTUAL,
    reference TEXT GENERATED ALWAYS AS (json_extract(data, '$.reference')) VIRTUAL
) STRICT;
CREATE INDEX ct_change_requests_by_account ON ct_change_requests (account_id);
CREATE INDEX ct_change_requests_by_reference ON ct_change_requests (reference);

CREATE TABLE ct_identity_checks (
    id TEXT PRIMARY KEY,
    bucket TEXT NOT NULL,
    version INTEGER NOT NULL,
    data TEXT NOT NULL,
    account_id INTEGER GENERATED ALWAYS AS (json_extract(data, '$.account_id')) VIRTUAL
) STRICT;
CREATE INDEX ct_identity_checks_by_account ON ct_identity_checks (account_id);

CREATE TABLE ct_lock_clearances (
    id TEXT PRIMARY KEY,
    bucket TEXT NOT NULL,
    version INTEGER NOT NULL,
    data TEXT NOT NULL,
    account_id INTEGER GENERATED ALWAYS AS (json_extract(data, '$.account_id')) VIRTUAL
) STRICT;
CREATE INDEX ct_lock_clearances_by_account ON ct_lock_clearances (account_id);

-- This desk's pending council-tax records by account: the rules read them so.
CREATE INDEX overlay_ct_by_account ON overlay_records (tbl, json_extract(data, '$.account_id'));
