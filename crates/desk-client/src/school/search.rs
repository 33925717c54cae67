//! Pupil search over the replica (migration 0009): names and class by prefix, accents,
//! apostrophes and spaces ignored; then, to fill the page, names that sound like the words
//! heard (`phonetic::key`), marked as such. The index is written where pupils are applied.

use desk_domain::Pupil;
use rusqlite::{Connection, params};

use super::phonetic;
use super::views::PupilView;

/// More words than this are not names; the rest are ignored (each word adds alternatives).
const MAX_TERMS: usize = 5;

fn text<'a>(data: &'a serde_json::Value, field: &str) -> &'a str {
    data.get(field).and_then(serde_json::Value::as_str).unwrap_or("")
}

/// Every word of a name with its spaces, apostrophes and hyphens removed, for the `squashed`
/// column: "Mac Donald-Ross" → "macdonaldross".
fn squashed(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The sound-alike keys of every word of the names, space-separated, without repeats.
fn sounds(first: &str, last: &str) -> String {
    let mut keys: Vec<String> = Vec::new();
    let words = first
        .split(|c: char| c.is_whitespace() || c == '-')
        .chain(last.split(|c: char| c.is_whitespace() || c == '-'))
        .chain([last]);
    for w in words {
        let k = phonetic::key(w);
        if !k.is_empty() && !keys.contains(&k) {
            keys.push(k);
        }
    }
    keys.join(" ")
}

/// Indexes one pupils row (by its rowid) from the JSON already parsed for the change.
pub(crate) fn index_pupil(conn: &Connection, rowid: i64, id: &str, data: &serde_json::Value) -> rusqlite::Result<()> {
    let (first, last, class) = (text(data, "first_name"), text(data, "last_name"), text(data, "class"));
    conn.prepare_cached(
        "INSERT INTO pupils_fts (rowid, first_name, last_name, squashed, class, sounds)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        rowid,
        first,
        last,
        format!("{} {}", squashed(first), squashed(last)),
        class,
        sounds(first, last)
    ])?;
    conn.prepare_cached(
        "INSERT INTO pupil_order (rowid, last_name, first_name, pupil_id) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (rowid) DO UPDATE SET last_name = excluded.last_name, first_name = excluded.first_name,
             pupil_id = excluded.pupil_id",
    )?
    .execute(params![rowid, last, first, id.parse::<i64>().unwrap_or(0)])?;
    Ok(())
}

/// The words of a search: apostrophes dropped inside a word (O'Neill → oneill), other
/// punctuation splitting words, lowercase; at most [`MAX_TERMS`].
pub fn terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for token in text.split(|c: char| c.is_whitespace() || c == ',') {
        let folded: String = token.chars().filter(|c| !matches!(c, '\'' | '’' | '‘')).collect();
        for word in folded.split(|c: char| !c.is_alphanumeric()) {
            if !word.is_empty() && out.len() < MAX_TERMS {
                out.push(word.to_lowercase());
            }
        }
    }
    out
}

fn prefix(term: &str) -> String {
    format!("{{first_name last_name squashed class}} : \"{term}\"*")
}

/// The word lists a search may mean: every word as typed, or two neighbouring words joined
/// ("mac donald" for MacDonald; the squashed column gives the other way round).
fn readings(terms: &[String]) -> Vec<Vec<String>> {
    let mut out = vec![terms.to_vec()];
    for i in 0..terms.len().saturating_sub(1) {
        let mut joined: Vec<String> = terms[..i].to_vec();
        joined.push(format!("{}{}", terms[i], terms[i + 1]));
        joined.extend_from_slice(&terms[i + 2..]);
        out.push(joined);
    }
    out
}

fn any_reading(terms: &[String], word: impl Fn(&str) -> String) -> String {
    readings(terms)
        .iter()
        .map(|ts| format!("({})", ts.iter().map(|t| word(t)).collect::<Vec<_>>().join(" AND ")))
        .collect::<Vec<_>>()
        .join(" OR ")
}

/// The FTS5 expression for names and class by prefix, in any reading of the words.
pub fn exact_match(terms: &[String]) -> String {
    any_reading(terms, prefix)
}

/// The FTS5 expression for names that sound like the words: each word by prefix or by its key.
pub fn sounds_match(terms: &[String]) -> String {
    any_reading(terms, |t| {
        let k = phonetic::key(t);
        if k.is_empty() {
            format!("({})", prefix(t))
        } else {
            format!("({} OR sounds : \"{}\")", prefix(t), k.to_lowercase())
        }
    })
}

fn matches(conn: &Connection, expr: &str, limit: u32) -> rusqlite::Result<Vec<(i64, String)>> {
    conn.prepare_cached(
        "SELECT o.pupil_id, p.data FROM pupil_order o JOIN pupils p ON p.rowid = o.rowid
         WHERE o.rowid IN (
             SELECT o2.rowid FROM pupils_fts f JOIN pupil_order o2 ON o2.rowid = f.rowid
             WHERE pupils_fts MATCH ?1
             ORDER BY o2.last_name, o2.first_name, o2.pupil_id LIMIT ?2)
         ORDER BY o.last_name, o.first_name, o.pupil_id",
    )?
    .query_map(params![expr, limit], |r| Ok((r.get(0)?, r.get(1)?)))?
    .collect()
}

fn view(data: &str, sounds_like: bool) -> rusqlite::Result<PupilView> {
    let p: Pupil = serde_json::from_str(data)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))?;
    Ok(PupilView::of(p, sounds_like))
}

/// Up to `limit` pupils: those whose names or class start with the words typed, by surname then
/// first name; then, if the page has room, those whose names sound like them (`sounds_like`).
pub fn search(conn: &Connection, text: &str, limit: u32) -> rusqlite::Result<Vec<PupilView>> {
    let terms = terms(text);
    if terms.is_empty() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (id, data) in matches(conn, &exact_match(&terms), limit)? {
        seen.insert(id);
        out.push(view(&data, false)?);
    }
    let room = limit.saturating_sub(u32::try_from(out.len()).unwrap_or(u32::MAX));
    if room > 0 {
        // Asked for `limit`, not `room`: the exact matches are among these and are skipped.
        for (id, data) in matches(conn, &sounds_match(&terms), limit)? {
            if out.len() >= limit as usize {
                break;
            }
            if seen.insert(id) {
                out.push(view(&data, true)?);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_become_terms_and_neighbours_are_joined() {
        assert_eq!(terms("O'Neill, P4b"), vec!["oneill", "p4b"]);
        assert_eq!(terms("  mac   donald "), vec!["mac", "donald"]);
        assert_eq!(terms("\" OR * NEAR("), vec!["or", "near"]);
        assert_eq!(terms("a b c d e f g").len(), MAX_TERMS);
        let e = exact_match(&terms("eilidh mac donald"));
        assert_eq!(e.matches(" OR ").count(), 2, "{e}");
        assert!(e.contains("\"macdonald\"*"));
        assert!(e.contains("\"eilidhmac\"*"));
        let s = sounds_match(&terms("Kathryn"));
        assert!(s.contains("sounds : \"ktrn\""), "{s}");
    }

    #[test]
    fn squashed_and_sounds_cover_every_word() {
        assert_eq!(squashed("Mac Donald-Ross"), "macdonaldross");
        assert_eq!(squashed("O’Neill"), "oneill");
        assert_eq!(sounds("Eilidh", "MacDonald"), "AL MKTNLT");
        assert_eq!(sounds("Ann Marie", "Ross-Reid"), "AN MR RS RT RSRT");
    }
}

#[cfg(test)]
mod index_tests {
    use super::*;
    use crate::{replica, store};
    use desk_domain::{Change, ChangeOp};

    fn pupil(id: i64, first: &str, last: &str, class: &str) -> Pupil {
        Pupil {
            id,
            school_id: 4,
            first_name: first.into(),
            last_name: last.into(),
            date_of_birth: chrono::NaiveDate::from_ymd_opt(2017, 3, 1).unwrap(),
            stage: class[..2].into(),
            class: class.into(),
            on_roll_from: None,
            on_roll_to: None,
        }
    }

    fn change(p: &Pupil, version: u64) -> Change {
        Change {
            table: "pupils".into(),
            id: p.id.to_string(),
            bucket: "school:4".into(),
            version,
            op: ChangeOp::Upsert,
            data: Some(serde_json::to_value(p).unwrap()),
        }
    }

    fn found(conn: &Connection, text: &str) -> Vec<(i64, bool)> {
        search(conn, text, 20)
            .unwrap()
            .into_iter()
            .map(|p| (p.id, p.sounds_like))
            .collect()
    }

    #[test]
    fn names_and_classes_are_found_however_they_are_typed_or_heard() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = store::open(&dir.path().join("desk.db"), None).unwrap();
        store::migrate(&mut conn).unwrap();
        let pupils = [
            pupil(1, "Eilidh", "MacDonald", "P4B"),
            pupil(2, "Seònaid", "O'Neill", "P4B"),
            pupil(3, "Catherine", "Mac Leod", "P6A"),
            pupil(4, "Eilidh", "McDonald", "P7C"),
            pupil(5, "Stephen", "Smyth", "S1R2"),
        ];
        for p in &pupils {
            replica::apply_change(&conn, &change(p, 1)).unwrap();
        }
        // Prefixes, by surname then first name; accents and apostrophes ignored.
        assert_eq!(found(&conn, "eil"), vec![(1, false), (4, false)]);
        assert_eq!(found(&conn, "seonaid oneill"), vec![(2, false)]);
        assert_eq!(found(&conn, "o'neill"), vec![(2, false)]);
        // Spaces either way: "mac donald" finds MacDonald, "macleod" finds Mac Leod.
        assert_eq!(found(&conn, "eilidh mac donald"), vec![(1, false), (4, true)]);
        assert_eq!(found(&conn, "macleod"), vec![(3, false)]);
        // Class.
        assert_eq!(found(&conn, "p4b"), vec![(1, false), (2, false)]);
        assert_eq!(found(&conn, "eilidh p7"), vec![(4, false)]);
        // Sound-alike names after the prefix matches, marked.
        assert_eq!(found(&conn, "Kathryn"), vec![(3, true)]);
        assert_eq!(found(&conn, "steven smith"), vec![(5, true)]);
        assert_eq!(found(&conn, "Aylee"), vec![(1, true), (4, true)]);
        assert!(found(&conn, "zzz").is_empty());
        assert!(found(&conn, " ' ").is_empty());

        // A renamed pupil is found by the new name only; a deleted one not at all.
        let renamed = pupil(5, "Stephen", "Grant", "S1R2");
        replica::apply_change(&conn, &change(&renamed, 2)).unwrap();
        assert!(found(&conn, "smyth").is_empty());
        assert_eq!(found(&conn, "grant"), vec![(5, false)]);
        replica::apply_change(
            &conn,
            &Change {
                op: ChangeOp::Delete,
                data: None,
                ..change(&renamed, 3)
            },
        )
        .unwrap();
        assert!(found(&conn, "grant").is_empty());
        replica::purge(&conn).unwrap();
        assert!(found(&conn, "eilidh").is_empty());
    }

    #[test]
    fn pupils_pulled_before_the_search_existed_are_indexed_by_the_migration_step() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = store::open(&dir.path().join("desk.db"), None).unwrap();
        store::migrate_with(&mut conn, &store::MIGRATIONS[..7]).unwrap();
        let p = pupil(9, "Ruairidh", "MacAoidh", "P3A");
        conn.execute(
            "INSERT INTO pupils (id, bucket, version, data) VALUES ('9', 'school:4', 1, ?1)",
            [serde_json::to_string(&p).unwrap()],
        )
        .unwrap();
        store::migrate(&mut conn).unwrap();
        assert_eq!(found(&conn, "ruairidh"), vec![(9, false)]);
        // Rory is how Ruairidh is said in English: found as a sound-alike; Lewis is not.
        assert_eq!(found(&conn, "Rory"), vec![(9, true)]);
        assert!(found(&conn, "Lewis").is_empty());
        // Opened again: nothing indexed twice.
        store::migrate(&mut conn).unwrap();
        let n: i64 = conn
            .query_row("SELECT count(*) FROM pupil_order", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 1);
    }
}
