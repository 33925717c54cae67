-- Council-tax account search for the contact centre (issue 10 §1): a caller gives an account
-- reference, a name, an address or postcode, or a UPRN, however it is typed. Kept in step by
-- the code that applies pulled accounts (as the pupil index is since 0009), because the keys
-- are computed in Rust:
-- * names: every liable person's name, word by word, apostrophes removed (O'Brien → obrien),
--   with each name's surname and whole name squashed (Mac Donald → macdonald);
-- * address: the address and the postcode word by word, apostrophes removed;
-- * keys: the reference, the postcode and the UPRN each squashed to one word (AB30 1AA →
--   ab301aa, MC 1000 0012 → mc10000012).
-- Accents are folded by the tokenizer (Pàdraig = padraig). Accounts already pulled are indexed
-- by store::migrate once these tables exist.
CREATE VIRTUAL TABLE ct_accounts_fts USING fts5 (
    names, address, keys,
    content = '', contentless_delete = 1,
    tokenize = "unicode61 remove_diacritics 2",
    prefix = '2 3'
);

-- The order results are listed in, by the ct_accounts row's rowid (as the index is): by
-- postcode, then street, then house number, so the homes of one street read in order and the
-- match's JSON is read only for the rows shown.
CREATE TABLE ct_account_order (
    rowid INTEGER PRIMARY KEY,
    sort_key TEXT NOT NULL,
    account_id INTEGER NOT NULL
) STRICT;
