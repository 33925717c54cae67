//! Account search over the replica (migration 0013): a reference, a name, an address or
//! postcode, or a UPRN, as a caller gives it and an agent types it — accents, apostrophes and
//! spaces ignored (`AB30 1AA` = `ab301aa`, `O'Brien` = `obrien`, `Pàdraig` = `padraig`). The
//! index is written where accounts are applied from a pulled page, so a search compares
//! indexed words and never reads an account's JSON but for the rows it shows.

use desk_domain::CtAccount;
use rusqlite::{Connection, params};

/// More words than this are not one address or name; the rest are ignored.
const MAX_TERMS: usize = 6;

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | '‘' | '`')
}

/// Letters and digits only, lowercase: "Mac Donald" → "macdonald", "AB30 1AA" → "ab301aa".
/// Accents stay (the tokenizer folds them, in the index and in the query alike).
fn squashed(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The text with apostrophes removed inside words, so O'Brien is indexed as one word, `obrien`.
fn without_apostrophes(text: &str) -> String {
    text.chars().filter(|c| !is_apostrophe(*c)).collect()
}

/// The `names` column: each liable name without apostrophes, its surname (every word after the
/// first) squashed, and the whole name squashed.
fn names_column(account: &CtAccount) -> String {
    let mut out = Vec::new();
    for p in &account.liable {
        out.push(without_apostrophes(&p.name));
        let mut words = p.name.split_whitespace();
        words.next();
        let surname: String = words.collect::<Vec<_>>().join(" ");
        if !surname.is_empty() {
            out.push(squashed(&surname));
        }
        out.push(squashed(&p.name));
    }
    out.join(" ")
}

/// The `keys` column: reference, postcode and UPRN, each as one word.
fn keys_column(account: &CtAccount) -> String {
    format!(
        "{} {} {}",
        squashed(account.reference.as_str()),
        squashed(&account.postcode),
        squashed(account.uprn.as_str())
    )
}

/// Postcode, then street, then the house number zero-padded (so 9 comes before 10), then id.
fn sort_key(account: &CtAccount) -> String {
    let address = account.address.to_lowercase();
    let number: String = address
        .split(|c: char| !c.is_ascii_digit())
        .find(|s| !s.is_empty())
        .unwrap_or("")
        .to_owned();
    let street: String = address
        .chars()
        .filter(|c| !c.is_ascii_digit())
        .collect::<String>()
        .trim_start_matches([' ', ','])
        .to_owned();
    format!(
        "{}\u{1f}{street}\u{1f}{number:0>6}\u{1f}{:012}",
        squashed(&account.postcode),
        account.id
    )
}

/// Indexes one ct_accounts row (by its rowid) from the JSON already parsed for the change. A
/// row that is not an account (a damaged page) is left out of the index rather than failing
/// the pull.
pub(crate) fn index_account(conn: &Connection, rowid: i64, id: &str, data: &serde_json::Value) -> rusqlite::Result<()> {
    let Ok(account) = serde_json::from_value::<CtAccount>(data.clone()) else {
        tracing::warn!(
            id,
            "a pulled council-tax account could not be read; it is not searchable"
        );
        return Ok(());
    };
    conn.prepare_cached("INSERT INTO ct_accounts_fts (rowid, names, address, keys) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![
            rowid,
            names_column(&account),
            format!("{} {}", without_apostrophes(&account.address), account.postcode),
            keys_column(&account)
        ])?;
    conn.prepare_cached(
        "INSERT INTO ct_account_order (rowid, sort_key, account_id) VALUES (?1, ?2, ?3)
         ON CONFLICT (rowid) DO UPDATE SET sort_key = excluded.sort_key, account_id = excluded.account_id",
    )?
    .execute(params![rowid, sort_key(&account), account.id])?;
    Ok(())
}

/// The words of a search: apostrophes dropped inside a word (O'Brien → obrien), any other
/// punctuation or space splitting words, lowercase; at most [`MAX_TERMS`].
pub fn terms(text: &str) -> Vec<String> {
    let folded = without_apostrophes(text);
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(MAX_TERMS)
        .map(str::to_lowercase)
        .collect()
}

/// One word of the query: by prefix, but a single letter or digit only whole (a house number
/// `1` is not every number starting with 1, and a one-character prefix scans the whole index).
fn word(term: &str) -> String {
    if term.chars().count() == 1 {
        format!("\"{term}\"")
    } else {
        format!("\"{term}\"*")
    }
}

/// The FTS5 expression: every word (in any column, any order) in one of the readings of what
/// was typed — the words as typed, two neighbours joined ("mac donald" for MacDonald, "ab30 1aa"
/// for AB301AA), or all of them joined ("mc 1000 0012" for MC10000012).
pub fn match_expression(terms: &[String]) -> String {
    let mut readings: Vec<Vec<String>> = vec![terms.to_vec()];
    for i in 0..terms.len().saturating_sub(1) {
        let mut joined: Vec<String> = terms[..i].to_vec();
        joined.push(format!("{}{}", terms[i], terms[i + 1]));
        joined.extend_from_slice(&terms[i + 2..]);
        readings.push(joined);
    }
    if terms.len() > 2 {
        readings.push(vec![terms.concat()]);
    }
    readings
        .iter()
        .map(|ts| format!("({})", ts.iter().map(|t| word(t)).collect::<Vec<_>>().join(" AND ")))
        .collect::<Vec<_>>()
        .join(" OR ")
}

/// Up to `limit` accounts matching `text` in the index's order, and how many more match.
pub fn search(conn: &Connection, text: &str, limit: u32) -> rusqlite::Result<(Vec<CtAccount>, u32)> {
    let terms = terms(text);
    if terms.is_empty() {
        return Ok((Vec::new(), 0));
    }
    let expr = match_expression(&terms);
    let total: u32 = conn
        .prepare_cached("SELECT count(*) FROM ct_accounts_fts WHERE ct_accounts_fts MATCH ?1")?
        .query_row([&expr], |r| r.get(0))?;
    let found: Vec<CtAccount> = conn
        .prepare_cached(
            "SELECT a.data FROM ct_account_order o JOIN ct_accounts a ON a.rowid = o.rowid
             WHERE o.rowid IN (
                 SELECT o2.rowid FROM ct_accounts_fts f JOIN ct_account_order o2 ON o2.rowid = f.rowid
                 WHERE ct_accounts_fts MATCH ?1
                 ORDER BY o2.sort_key LIMIT ?2)
             ORDER BY o.sort_key",
        )?
        .query_map(params![expr, limit], |r| r.get::<_, String>(0))?
        .map(|row| {
            row.and_then(|data| {
                serde_json::from_str(&data)
                    .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))
            })
        })
        .collect::<rusqlite::Result<_>>()?;
    let shown = u32::try_from(found.len()).unwrap_or(u32::MAX);
    Ok((found, total.saturating_sub(shown)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{replica, store};
    use desk_domain::{Change, ChangeOp};

    /// An account as the server sends it (JSON, so fields added later default as they do).
    fn account(id: i64, reference: &str, address: &str, postcode: &str, names: &[&str]) -> serde_json::Value {
        serde_json::json!({
            "id": id,
            "reference": reference,
            "office_id": 1,
            "band": "C",
            "address": address,
            "postcode": postcode,
            "uprn": format!("9900000000{id:02}"),
            "liable": names.iter().map(|n| serde_json::json!({"name": n, "date_of_birth": "1970-03-14"})).collect::<Vec<_>>(),
            "phone": "07700 900417",
            "email": "someone@example.org",
            "single_person_discount": false,
            "direct_debit": true,
            "paperless": false,
        })
    }

    fn change(data: &serde_json::Value, version: u64) -> Change {
        Change {
            table: "ct_accounts".into(),
            id: data["id"].to_string(),
            bucket: "counciltax:office:1".into(),
            version,
            op: ChangeOp::Upsert,
            data: Some(data.clone()),
        }
    }

    fn found(conn: &Connection, text: &str) -> Vec<i64> {
        search(conn, text, 10).unwrap().0.into_iter().map(|a| a.id).collect()
    }

    fn store() -> (tempfile::TempDir, Connection) {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = store::open(&dir.path().join("desk.db"), None).unwrap();
        store::migrate(&mut conn).unwrap();
        (dir, conn)
    }

    #[test]
    fn words_become_terms_and_readings_join_them() {
        assert_eq!(terms("O'Brien, AB30 1AA"), vec!["obrien", "ab30", "1aa"]);
        assert_eq!(terms("Pàdraig"), vec!["pàdraig"]);
        assert_eq!(terms("\" OR * NEAR("), vec!["or", "near"]);
        assert_eq!(terms("a b c d e f g h").len(), MAX_TERMS);
        let e = match_expression(&terms("mc 0010 0004"));
        assert!(e.contains("\"mc00100004\"*"), "{e}");
        assert!(e.contains("\"mc0010\"*"), "{e}");
        assert_eq!(
            match_expression(&terms("1 high")),
            "(\"1\" AND \"high\"*) OR (\"1high\"*)"
        );
    }

    #[test]
    fn accounts_are_found_however_the_caller_gives_them() {
        let (_dir, conn) = store();
        let accounts = [
            account(
                1,
                "MC00100004",
                "3 Tolbooth Street, Forres",
                "AB30 1AA",
                &["Pàdraig O'Brien"],
            ),
            account(
                2,
                "MC00100017",
                "12 Mac Donald Place, Elgin",
                "IV30 4BX",
                &["Mòrag MacDonald", "Iain Ross"],
            ),
            account(
                3,
                "MC00100020",
                "Flat 2, 9 High Street, Elgin",
                "IV30 1AB",
                &["Ann Mac Leod"],
            ),
        ];
        for a in &accounts {
            replica::apply_change(&conn, &change(a, 1)).unwrap();
        }
        // Postcodes with or without the space, any case.
        assert_eq!(found(&conn, "AB30 1AA"), vec![1]);
        assert_eq!(found(&conn, "ab301aa"), vec![1]);
        assert_eq!(found(&conn, "iv30"), vec![3, 2], "by postcode, then street");
        // Names: apostrophes and accents ignored, spaces either way.
        for typed in ["O'Brien", "obrien", "Pàdraig", "padraig obrien", "PADRAIG O’BRIEN"] {
            assert_eq!(found(&conn, typed), vec![1], "{typed}");
        }
        assert_eq!(found(&conn, "macdonald"), vec![2]);
        assert_eq!(found(&conn, "mac leod"), vec![3]);
        assert_eq!(found(&conn, "macleod"), vec![3]);
        assert_eq!(found(&conn, "iain ross"), vec![2]);
        // References and UPRNs, however they are spaced.
        assert_eq!(found(&conn, "MC00100017"), vec![2]);
        assert_eq!(found(&conn, "mc 0010 0017"), vec![2]);
        assert_eq!(found(&conn, "990000000003"), vec![3]);
        // Address words in any order; a house number is a whole word.
        assert_eq!(found(&conn, "tolbooth forres"), vec![1]);
        assert_eq!(found(&conn, "9 high street"), vec![3]);
        assert!(found(&conn, "1 high street").is_empty());
        assert!(found(&conn, "zzz").is_empty());
        assert!(found(&conn, " ' ").is_empty());
    }

    #[test]
    fn a_page_says_how_many_more_match_and_the_index_follows_the_replica() {
        let (_dir, conn) = store();
        for id in 1..=7 {
            let a = account(
                id,
                &format!("MC001000{id:02}"),
                &format!("{id} Seaview Road, Buckie"),
                "AB56 1QT",
                &["Euan Rose"],
            );
            replica::apply_change(&conn, &change(&a, 1)).unwrap();
        }
        let (page, more) = search(&conn, "rose", 5).unwrap();
        assert_eq!(page.iter().map(|a| a.id).collect::<Vec<_>>(), vec![1, 2, 3, 4, 5]);
        assert_eq!(more, 2);
        // A renamed account is found by its new name only; a deleted one not at all.
        let renamed = account(7, "MC00100007", "7 Seaview Road, Buckie", "AB56 1QT", &["Euan Grant"]);
        replica::apply_change(&conn, &change(&renamed, 2)).unwrap();
        assert_eq!(search(&conn, "rose", 10).unwrap().0.len(), 6);
        assert_eq!(found(&conn, "grant"), vec![7]);
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
        assert!(found(&conn, "rose").is_empty());
    }

    #[test]
    fn accounts_pulled_before_the_search_existed_are_indexed_by_the_migration_step() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = store::open(&dir.path().join("desk.db"), None).unwrap();
        store::migrate_with(&mut conn, &store::MIGRATIONS[..11]).unwrap();
        let a = account(
            9,
            "MC00100009",
            "1 Harbour Street, Cullen",
            "AB56 4SQ",
            &["Seònaid Innes"],
        );
        conn.execute(
            "INSERT INTO ct_accounts (id, bucket, version, data) VALUES ('9', 'counciltax:office:3', 1, ?1)",
            [a.to_string()],
        )
        .unwrap();
        store::migrate(&mut conn).unwrap();
        assert_eq!(found(&conn, "seonaid"), vec![9]);
        store::migrate(&mut conn).unwrap();
        let n: i64 = conn
            .query_row("SELECT count(*) FROM ct_account_order", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 1, "nothing indexed twice");
    }
}
