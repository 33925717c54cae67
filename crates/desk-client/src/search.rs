//! Customer search over the replica: name prefixes (accents and apostrophes folded), membership
//! numbers and dates of birth, through the FTS5 index kept in step with `customers`.

use chrono::NaiveDate;
use desk_domain::Customer;
use rusqlite::{Connection, params};

use crate::views::CustomerView;

/// What a search box's text asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// FTS5 MATCH expression, each term a quoted prefix; empty when only a date was given.
    pub fts: String,
    pub date_of_birth: Option<NaiveDate>,
}

fn parse_date(token: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(token, "%d/%m/%Y")
        .or_else(|_| NaiveDate::parse_from_str(token, "%Y-%m-%d"))
        .ok()
}

/// Splits the text into terms: a date (dd/mm/yyyy or yyyy-mm-dd) becomes a date-of-birth filter;
/// everything else becomes prefix terms, with apostrophes dropped (O'Neill → oneill, as the
/// index's `apostrophe_key` holds it) and other punctuation splitting words.
pub fn parse(text: &str) -> Query {
    let mut q = Query::default();
    let mut terms: Vec<String> = Vec::new();
    for token in text.split(|c: char| c.is_whitespace() || c == ',') {
        if token.is_empty() {
            continue;
        }
        if let Some(d) = parse_date(token) {
            q.date_of_birth = Some(d);
            continue;
        }
        let folded: String = token.chars().filter(|c| !matches!(c, '\'' | '’' | '‘')).collect();
        for word in folded.split(|c: char| !c.is_alphanumeric()) {
            if !word.is_empty() {
                terms.push(format!("\"{}\"*", word.to_lowercase()));
            }
        }
    }
    q.fts = terms.join(" AND ");
    q
}

pub(crate) fn view(c: Customer) -> CustomerView {
    CustomerView {
        id: c.id,
        first_name: c.first_name,
        last_name: c.last_name,
        date_of_birth: c.date_of_birth,
        membership_no: c.membership_no,
        postcode: c.postcode,
    }
}

fn decode(json: String) -> rusqlite::Result<CustomerView> {
    serde_json::from_str::<Customer>(&json)
        .map(view)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))
}

/// Up to `limit` customers matching every term, by surname then first name.
pub fn search(conn: &Connection, text: &str, limit: u32) -> rusqlite::Result<Vec<CustomerView>> {
    let q = parse(text);
    let dob = q.date_of_birth.map(|d| d.format("%Y-%m-%d").to_string());
    // Matches are ordered by the narrow sort-key table, and only the page shown reads JSON.
    let rows: Vec<String> = match (q.fts.is_empty(), dob) {
        (true, None) => Vec::new(),
        (true, Some(dob)) => conn
            .prepare_cached(
                "SELECT c.data FROM customers c JOIN customer_order o ON o.rowid = c.rowid
                 WHERE c.date_of_birth = ?1 ORDER BY o.last_name, o.first_name, o.customer_id LIMIT ?2",
            )?
            .query_map(params![dob, limit], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?,
        (false, None) => conn
            .prepare_cached(
                "SELECT c.data FROM customer_order o JOIN customers c ON c.rowid = o.rowid
                 WHERE o.rowid IN (
                     SELECT o2.rowid FROM customers_fts f JOIN customer_order o2 ON o2.rowid = f.rowid
                     WHERE customers_fts MATCH ?1
                     ORDER BY o2.last_name, o2.first_name, o2.customer_id LIMIT ?2)
                 ORDER BY o.last_name, o.first_name, o.customer_id",
            )?
            .query_map(params![q.fts, limit], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?,
        (false, Some(dob)) => conn
            .prepare_cached(
                "SELECT c.data FROM customers_fts f JOIN customers c ON c.rowid = f.rowid
                 JOIN customer_order o ON o.rowid = f.rowid
                 WHERE customers_fts MATCH ?1 AND c.date_of_birth = ?2
                 ORDER BY o.last_name, o.first_name, o.customer_id LIMIT ?3",
            )?
            .query_map(params![q.fts, dob, limit], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?,
    };
    rows.into_iter().map(decode).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_becomes_prefix_terms_and_a_date() {
        assert_eq!(parse("O'Neill").fts, "\"oneill\"*");
        assert_eq!(parse("  Seònaid   mac ").fts, "\"seònaid\"* AND \"mac\"*");
        assert_eq!(parse("smith-jones").fts, "\"smith\"* AND \"jones\"*");
        let q = parse("Morag 01/02/1980");
        assert_eq!(q.fts, "\"morag\"*");
        assert_eq!(q.date_of_birth, NaiveDate::from_ymd_opt(1980, 2, 1));
        assert_eq!(parse("1980-02-01").date_of_birth, NaiveDate::from_ymd_opt(1980, 2, 1));
        // Quotes and `*` are dropped and words are always quoted, so `OR` is a word, not an operator.
        assert_eq!(parse("\" OR * NEAR(").fts, "\"or\"* AND \"near\"*");
    }
}

#[cfg(test)]
mod ordering_tests {
    use super::*;
    use crate::{bench, replica, store};
    use desk_domain::{Change, ChangeOp};

    fn expected(people: &[Customer], starts: &str, limit: usize) -> Vec<i64> {
        let mut hits: Vec<&Customer> = people
            .iter()
            .filter(|c| c.last_name.to_lowercase().starts_with(starts))
            .collect();
        hits.sort_by(|a, b| (&a.last_name, &a.first_name, a.id).cmp(&(&b.last_name, &b.first_name, b.id)));
        hits.into_iter().take(limit).map(|c| c.id).collect()
    }

    #[test]
    fn many_and_few_matches_are_both_listed_by_surname_then_first_name() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = store::open(&dir.path().join("desk.db"), None).unwrap();
        store::migrate(&mut conn).unwrap();
        let people: Vec<Customer> = (1..=12_000).map(bench::fake_customer).collect();
        let tx = conn.transaction().unwrap();
        for c in &people {
            let change = Change {
                table: "customers".into(),
                id: c.id.to_string(),
                bucket: "leisure:site:1".into(),
                version: 1,
                op: ChangeOp::Upsert,
                data: Some(serde_json::to_value(c).unwrap()),
            };
            replica::apply_change(&tx, &change).unwrap();
        }
        tx.commit().unwrap();

        let got: Vec<i64> = search(&conn, "mac", 25).unwrap().into_iter().map(|c| c.id).collect();
        assert_eq!(got, expected(&people, "mac", 25));
        // Namesakes (the same first and last name) come in customer-number order.
        let got: Vec<i64> = search(&conn, "macaoidh", 100)
            .unwrap()
            .into_iter()
            .map(|c| c.id)
            .collect();
        assert_eq!(got, expected(&people, "macaoidh", 100));

        let got: Vec<i64> = search(&conn, "macaoidhach", 25)
            .unwrap()
            .into_iter()
            .map(|c| c.id)
            .collect();
        assert!(!got.is_empty());
        assert_eq!(got, expected(&people, "macaoidhach", 25));
    }
}

#[cfg(test)]
mod migration_tests {
    use super::*;
    use crate::{replica, store};
    use desk_domain::{Change, ChangeOp};

    #[test]
    fn a_reset_empties_the_index_too() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = store::open(&dir.path().join("desk.db"), None).unwrap();
        store::migrate(&mut conn).unwrap();
        let c = crate::bench::fake_customer(7);
        let change = Change {
            table: "customers".into(),
            id: "7".into(),
            bucket: "leisure:site:1".into(),
            version: 1,
            op: ChangeOp::Upsert,
            data: Some(serde_json::to_value(&c).unwrap()),
        };
        replica::apply_change(&conn, &change).unwrap();
        assert_eq!(search(&conn, &c.last_name, 5).unwrap().len(), 1);
        replica::purge(&conn).unwrap();
        assert!(search(&conn, &c.last_name, 5).unwrap().is_empty());
        let left: i64 = conn
            .query_row(
                "SELECT (SELECT count(*) FROM customer_order) + (SELECT count(*) FROM customers_fts)",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(left, 0);
        // Applied again after the reset, it is found again (rowids may be reused).
        replica::apply_change(&conn, &change).unwrap();
        assert_eq!(search(&conn, &c.last_name, 5).unwrap().len(), 1);
    }

    #[test]
    fn customers_pulled_before_the_search_migrations_are_found_after_them() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = store::open(&dir.path().join("desk.db"), None).unwrap();
        store::migrate_with(&mut conn, &store::MIGRATIONS[..2]).unwrap();
        let mut c = crate::bench::fake_customer(42);
        c.first_name = "Mòrag".into();
        c.last_name = "O'Neill".into();
        // Written as the apply code of that time did: a plain row; its triggers indexed it.
        conn.execute(
            "INSERT INTO customers (id, bucket, version, data) VALUES ('42', 'leisure:site:1', 1, ?1)",
            [serde_json::to_string(&c).unwrap()],
        )
        .unwrap();
        store::migrate(&mut conn).unwrap();
        // And the apply code of now keeps it in step.
        c.last_name = "O'Neill-Grant".into();
        let change = Change {
            table: "customers".into(),
            id: "42".into(),
            bucket: "leisure:site:1".into(),
            version: 2,
            op: ChangeOp::Upsert,
            data: Some(serde_json::to_value(&c).unwrap()),
        };
        replica::apply_change(&conn, &change).unwrap();
        for text in ["oneill", "morag", "neill", "M0000042", "one", "grant"] {
            let found = search(&conn, text, 5).unwrap();
            assert_eq!(found.len(), 1, "{text}");
            assert_eq!(found[0].id, 42);
        }
    }
}
