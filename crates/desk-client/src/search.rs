//! Customer search over the replica: name prefixes (accents and apostrophes folded), membership
//! numbers (digits alone too), phone numbers, email addresses, postcodes and dates of birth,
//! through the FTS5 index kept in step with `customers`. An exact identifier (a card scanned,
//! a phone number typed whole) comes first; the rest by surname, and the number of matches not
//! shown is counted, so a desk never loses a customer past the end of the list unawares.

use chrono::NaiveDate;
use desk_domain::Customer;
use rusqlite::{Connection, params};

use crate::views::{CustomerMatches, CustomerView};

/// What a search box's text asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// FTS5 MATCH expression, each term a quoted prefix; empty when only a date was given.
    pub fts: String,
    pub date_of_birth: Option<NaiveDate>,
    /// The whole text squashed to one identifier (`MLC 021 9994`, `07712 345678`, `IV30 1AB`),
    /// when it looks like one: a customer whose `keys` hold it exactly is listed first.
    pub key: Option<String>,
}

fn parse_date(token: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(token, "%d/%m/%Y")
        .or_else(|_| NaiveDate::parse_from_str(token, "%Y-%m-%d"))
        .ok()
}

/// The identifiers a customer is found by exactly, each squashed to one lower-case token: the
/// membership number, its digits and those without leading zeros (`MLC0219994`, `0219994`,
/// `219994`), the phone's digits in national and international form (`07712345678`,
/// `447712345678`), the postcode without its space (`iv301ab`).
pub fn identifier_keys(membership_no: &str, phone: &str, postcode: &str) -> Vec<String> {
    let squash = |s: &str| -> String {
        s.chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    let digits = |s: &str| -> String { s.chars().filter(char::is_ascii_digit).collect() };
    let mut keys = vec![squash(membership_no)];
    let number = digits(membership_no);
    keys.push(number.trim_start_matches('0').to_owned());
    keys.push(number);
    let phone = digits(phone);
    if let Some(national) = phone.strip_prefix("44") {
        keys.push(format!("0{national}"));
    } else if let Some(rest) = phone.strip_prefix('0') {
        keys.push(format!("44{rest}"));
    }
    keys.push(phone);
    keys.push(squash(postcode));
    let mut seen = std::collections::HashSet::new();
    keys.retain(|k| !k.is_empty() && seen.insert(k.clone()));
    keys
}

/// The text as one identifier: letters and digits once spaces and a phone number's `+ - ( )`
/// are dropped, at least four of them and a digit among them; `None` otherwise (a name).
fn identifier(text: &str) -> Option<String> {
    let squashed: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '+' | '-' | '(' | ')'))
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let ok = squashed.len() >= 4
        && squashed.chars().all(|c| c.is_ascii_alphanumeric())
        && squashed.chars().any(|c| c.is_ascii_digit());
    ok.then_some(squashed)
}

/// Splits the text into terms: a date (dd/mm/yyyy or yyyy-mm-dd) becomes a date-of-birth filter;
/// everything else becomes prefix terms, with apostrophes dropped (O'Neill → oneill, as the
/// index's `apostrophe_key` holds it) and other punctuation splitting words. Text that reads as
/// one identifier written with spaces (`07712 345678`) also matches that identifier whole.
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
    if q.date_of_birth.is_none() {
        q.key = identifier(text);
    }
    q.fts = match &q.key {
        Some(key) if terms.len() > 1 => format!("({}) OR keys : \"{key}\"*", terms.join(" AND ")),
        _ => terms.join(" AND "),
    };
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
    Ok(find(conn, text, limit)?.customers)
}

/// Up to `limit` customers matching every term: one whose identifier is the text exactly first,
/// then by surname and first name; `more` counts the matches not listed.
pub fn find(conn: &Connection, text: &str, limit: u32) -> rusqlite::Result<CustomerMatches> {
    let q = parse(text);
    let dob = q.date_of_birth.map(|d| d.format("%Y-%m-%d").to_string());
    // Matches are ordered by the narrow sort-key table, and only the page shown reads JSON.
    let (rows, total): (Vec<String>, i64) = match (q.fts.is_empty(), dob) {
        (true, None) => (Vec::new(), 0),
        (true, Some(dob)) => (
            conn.prepare_cached(
                "SELECT c.data FROM customers c JOIN customer_order o ON o.rowid = c.rowid
                 WHERE c.date_of_birth = ?1 ORDER BY o.last_name, o.first_name, o.customer_id LIMIT ?2",
            )?
            .query_map(params![dob, limit], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?,
            conn.prepare_cached("SELECT count(*) FROM customers WHERE date_of_birth = ?1")?
                .query_row([&dob], |r| r.get(0))?,
        ),
        (false, None) => {
            // The exact identifier's customers (a handful at most) come first, whatever their names.
            let mut rows: Vec<String> = match &q.key {
                Some(key) => conn
                    .prepare_cached(
                        "SELECT c.data FROM customers_fts f JOIN customers c ON c.rowid = f.rowid
                         JOIN customer_order o ON o.rowid = f.rowid
                         WHERE customers_fts MATCH ?1
                         ORDER BY o.last_name, o.first_name, o.customer_id LIMIT ?2",
                    )?
                    .query_map(params![format!("keys : \"{key}\""), limit], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?,
                None => Vec::new(),
            };
            let exact = rows.len();
            let by_name: Vec<String> = conn
                .prepare_cached(
                    "SELECT c.data FROM customer_order o JOIN customers c ON c.rowid = o.rowid
                     WHERE o.rowid IN (
                         SELECT o2.rowid FROM customers_fts f JOIN customer_order o2 ON o2.rowid = f.rowid
                         WHERE customers_fts MATCH ?1
                         ORDER BY o2.last_name, o2.first_name, o2.customer_id LIMIT ?2)
                     ORDER BY o.last_name, o.first_name, o.customer_id",
                )?
                .query_map(params![q.fts, limit], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for row in by_name {
                if rows.len() >= limit as usize {
                    break;
                }
                if !rows[..exact].contains(&row) {
                    rows.push(row);
                }
            }
            let total = conn
                .prepare_cached("SELECT count(*) FROM customers_fts WHERE customers_fts MATCH ?1")?
                .query_row([&q.fts], |r| r.get(0))?;
            (rows, total)
        }
        (false, Some(dob)) => (
            conn.prepare_cached(
                "SELECT c.data FROM customers_fts f JOIN customers c ON c.rowid = f.rowid
                 JOIN customer_order o ON o.rowid = f.rowid
                 WHERE customers_fts MATCH ?1 AND c.date_of_birth = ?2
                 ORDER BY o.last_name, o.first_name, o.customer_id LIMIT ?3",
            )?
            .query_map(params![q.fts, dob, limit], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?,
            conn.prepare_cached(
                "SELECT count(*) FROM customers_fts f JOIN customers c ON c.rowid = f.rowid
                 WHERE customers_fts MATCH ?1 AND c.date_of_birth = ?2",
            )?
            .query_row(params![q.fts, dob], |r| r.get(0))?,
        ),
    };
    let customers: Vec<CustomerView> = rows.into_iter().map(decode).collect::<rusqlite::Result<_>>()?;
    let shown = i64::try_from(customers.len()).unwrap_or(i64::MAX);
    let more = u32::try_from((total - shown).max(0)).unwrap_or(u32::MAX);
    Ok(CustomerMatches { customers, more })
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

#[cfg(test)]
mod contact_tests {
    use super::*;
    use crate::{replica, store};
    use desk_domain::{Change, ChangeOp};

    #[test]
    fn identifiers_are_squashed_in_every_form_a_desk_types_them() {
        assert_eq!(
            identifier_keys("MLC0219994", "07712 345678", "IV30 1AB"),
            [
                "mlc0219994",
                "219994",
                "0219994",
                "447712345678",
                "07712345678",
                "iv301ab"
            ]
        );
        assert_eq!(
            identifier_keys("M1", "+44 1343 234567", ""),
            ["m1", "1", "01343234567", "441343234567"]
        );
        let q = parse("07712 345678");
        assert_eq!(q.fts, "(\"07712\"* AND \"345678\"*) OR keys : \"07712345678\"*");
        assert_eq!(q.key.as_deref(), Some("07712345678"));
        // A name is not an identifier; a date of birth is a filter, not one either.
        assert_eq!(parse("Morag Ross").key, None);
        assert_eq!(parse("01/02/1980").key, None);
    }

    fn store_with(people: &[Customer]) -> (tempfile::TempDir, rusqlite::Connection) {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = store::open(&dir.path().join("desk.db"), None).unwrap();
        store::migrate(&mut conn).unwrap();
        for c in people {
            let change = Change {
                table: "customers".into(),
                id: c.id.to_string(),
                bucket: "leisure:site:1".into(),
                version: 1,
                op: ChangeOp::Upsert,
                data: Some(serde_json::to_value(c).unwrap()),
            };
            replica::apply_change(&conn, &change).unwrap();
        }
        (dir, conn)
    }

    #[test]
    fn phone_email_postcode_and_membership_digits_find_the_customer_and_an_exact_one_comes_first() {
        let mut people: Vec<Customer> = (1..=500).map(crate::bench::fake_customer).collect();
        people[41].membership_no = "MLC0000042".into();
        people[41].phone = Some("07712 345678".into());
        people[41].email = Some("kirsty.sutherland@example.org".into());
        people[41].postcode = "IV36 2QZ".into();
        let (_dir, conn) = store_with(&people);
        let ids = |text: &str| -> Vec<i64> { find(&conn, text, 20).unwrap().customers.iter().map(|c| c.id).collect() };
        for text in [
            "07712 345678",
            "07712345678",
            "+44 7712 345678",
            "kirsty.sutherland@example.org",
            "IV36 2QZ",
            "iv362qz",
            "MLC0000042",
        ] {
            assert_eq!(ids(text), [42], "{text}");
        }
        // Digits alone: 42 is the whole number of customer 42 and the start of others (M0000420…),
        // and the exact one is listed first whatever its name.
        let found = ids("42");
        assert_eq!(found.first(), Some(&42), "{found:?}");
        assert!(found.len() > 1, "{found:?}");
        assert_eq!(ids("0000042")[0], 42);
    }

    #[test]
    fn the_matches_past_the_limit_are_counted() {
        let people: Vec<Customer> = (1..=400).map(crate::bench::fake_customer).collect();
        let (_dir, conn) = store_with(&people);
        let surname = people[0].last_name.clone();
        let all = people
            .iter()
            .filter(|c| c.last_name.to_lowercase().starts_with(&surname.to_lowercase()))
            .count();
        assert!(all > 5, "{all} share the surname's start");
        let page = find(&conn, &surname, 5).unwrap();
        assert_eq!(page.customers.len(), 5);
        assert_eq!(page.more as usize, all - 5);
        let page = find(&conn, &surname, 100).unwrap();
        assert_eq!(
            (page.customers.len(), page.more),
            (all.min(100), u32::try_from(all.saturating_sub(100)).unwrap())
        );
        assert_eq!(find(&conn, "zzzz", 5).unwrap(), CustomerMatches::default());
    }
}
