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
/// index's `name_key` holds it) and other punctuation splitting words.
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

fn view(c: Customer) -> CustomerView {
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

/// Matches beyond which walking the name index in order (and stopping at the limit) beats
/// sorting every match.
const BROAD: i64 = 1_000;

/// Does the query match so many people that sorting them all would be slow? Counts at most
/// [`BROAD`] matches, so asking is cheap.
fn broad(conn: &Connection, fts: &str) -> rusqlite::Result<bool> {
    let n: i64 = conn
        .prepare_cached("SELECT count(*) FROM (SELECT 1 FROM customers_fts WHERE customers_fts MATCH ?1 LIMIT ?2)")?
        .query_row(params![fts, BROAD], |r| r.get(0))?;
    Ok(n >= BROAD)
}

/// Up to `limit` customers matching every term, by surname then first name.
pub fn search(conn: &Connection, text: &str, limit: u32) -> rusqlite::Result<Vec<CustomerView>> {
    let q = parse(text);
    let dob = q.date_of_birth.map(|d| d.format("%Y-%m-%d").to_string());
    let rows: Vec<String> = match (q.fts.is_empty(), dob) {
        (true, None) => Vec::new(),
        (true, Some(dob)) => conn
            .prepare_cached(
                "SELECT data FROM customers WHERE date_of_birth = ?1 ORDER BY last_name, first_name, id LIMIT ?2",
            )?
            .query_map(params![dob, limit], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?,
        (false, None) if broad(conn, &q.fts)? => conn
            .prepare_cached(
                "SELECT data FROM customers INDEXED BY customers_by_name
                 WHERE rowid IN (SELECT rowid FROM customers_fts WHERE customers_fts MATCH ?1)
                 ORDER BY last_name, first_name, id LIMIT ?2",
            )?
            .query_map(params![q.fts, limit], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?,
        (false, None) => conn
            .prepare_cached(
                "SELECT c.data FROM customers_fts f JOIN customers c ON c.rowid = f.rowid
                 WHERE customers_fts MATCH ?1 ORDER BY c.last_name, c.first_name, c.id LIMIT ?2",
            )?
            .query_map(params![q.fts, limit], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?,
        (false, Some(dob)) => conn
            .prepare_cached(
                "SELECT c.data FROM customers_fts f JOIN customers c ON c.rowid = f.rowid
                 WHERE customers_fts MATCH ?1 AND c.date_of_birth = ?2
                 ORDER BY c.last_name, c.first_name, c.id LIMIT ?3",
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
        hits.sort_by(|a, b| {
            (&a.last_name, &a.first_name, a.id.to_string()).cmp(&(&b.last_name, &b.first_name, b.id.to_string()))
        });
        hits.into_iter().take(limit).map(|c| c.id).collect()
    }

    #[test]
    fn broad_and_narrow_searches_both_list_by_surname_then_first_name() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = store::open(&dir.path().join("desk.db")).unwrap();
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

        let q = parse("mac");
        assert!(broad(&conn, &q.fts).unwrap(), "about 3/16 of 12,000 match `mac`");
        let got: Vec<i64> = search(&conn, "mac", 25).unwrap().into_iter().map(|c| c.id).collect();
        assert_eq!(got, expected(&people, "mac", 25));

        let q = parse("macaoidhach");
        assert!(!broad(&conn, &q.fts).unwrap());
        let got: Vec<i64> = search(&conn, "macaoidhach", 25)
            .unwrap()
            .into_iter()
            .map(|c| c.id)
            .collect();
        assert!(!got.is_empty());
        assert_eq!(got, expected(&people, "macaoidhach", 25));
    }
}
