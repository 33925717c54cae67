-- Pupil search for the school office (issue 9): a name or class typed, or a name heard over the
-- phone. Kept in step by the code that applies pulled pupils (as the customer index is since
-- 0005), because the sound-alike keys are computed in Rust, not SQL:
-- * first_name, last_name, class: prefixes, accents folded by the tokenizer;
-- * squashed: each name with its spaces, apostrophes and hyphens removed, so "oneill" finds
--   O'Neill and "macdonald" finds Mac Donald (the query joins adjacent words the other way);
-- * sounds: each name's sound-alike key (desk_client::school::phonetic), matched whole.
-- Pupils already pulled are indexed by store::migrate once these tables exist.
CREATE VIRTUAL TABLE pupils_fts USING fts5 (
    first_name, last_name, squashed, class, sounds,
    content = '', contentless_delete = 1,
    tokenize = "unicode61 remove_diacritics 2",
    prefix = '2 3'
);

-- Sort keys, by the pupils row's rowid (as the index is): results are listed by surname, then
-- first name, without reading each match's JSON.
CREATE TABLE pupil_order (
    rowid INTEGER PRIMARY KEY,
    last_name TEXT NOT NULL,
    first_name TEXT NOT NULL,
    pupil_id INTEGER NOT NULL
) STRICT;

-- The pupil page lists who viewed the pupil: the audit log read by record, newest first.
CREATE INDEX audit_log_by_record ON audit_log (record_kind, record_id, seq);
