//! The SQL of the generic surface, rendered for either dialect from the table descriptions, so
//! the two backends share one statement builder and differ only in how they bind and read.

use crate::StoreError;
use crate::rows::Cell;
use crate::schema::{ColType, Dialect, TableSpec};
use crate::tx::{Cond, Select};

/// A statement and its parameters in order, each with its column's type (PostgreSQL binds a
/// NULL by type, and some integer columns as 32 bits).
pub struct Statement {
    pub sql: String,
    pub params: Vec<(ColType, Cell)>,
}

struct Builder<'t> {
    dialect: Dialect,
    table: &'t TableSpec,
    params: Vec<(ColType, Cell)>,
}

impl Builder<'_> {
    fn param(&mut self, column: &str, cell: Cell) -> Result<String, StoreError> {
        let ty = crate::tx::column_type(self.table, column)?;
        self.params.push((ty, cell));
        let n = self.params.len();
        Ok(match (self.dialect, ty) {
            (Dialect::Sqlite, _) => format!("?{n}"),
            // Bound as text, stored as json.
            (Dialect::Postgres, ColType::Json) => format!("${n}::text::json"),
            (Dialect::Postgres, _) => format!("${n}"),
        })
    }

    fn conditions(&mut self, filter: &[Cond]) -> Result<String, StoreError> {
        if filter.is_empty() {
            return Ok(String::new());
        }
        let mut parts = Vec::with_capacity(filter.len());
        for c in filter {
            let col = c.column();
            parts.push(match c {
                Cond::Eq(_, v) => format!("{col} = {}", self.param(col, v.clone())?),
                Cond::Ne(_, v) => format!("{col} <> {}", self.param(col, v.clone())?),
                Cond::Lt(_, v) => format!("{col} < {}", self.param(col, v.clone())?),
                Cond::Le(_, v) => format!("{col} <= {}", self.param(col, v.clone())?),
                Cond::Gt(_, v) => format!("{col} > {}", self.param(col, v.clone())?),
                Cond::Ge(_, v) => format!("{col} >= {}", self.param(col, v.clone())?),
                Cond::IsNull(_) => format!("{col} IS NULL"),
                Cond::NotNull(_) => format!("{col} IS NOT NULL"),
            });
        }
        Ok(format!(" WHERE {}", parts.join(" AND ")))
    }

    fn done(self, sql: String) -> Statement {
        Statement {
            sql,
            params: self.params,
        }
    }
}

fn builder(dialect: Dialect, table: &TableSpec) -> Builder<'_> {
    Builder {
        dialect,
        table,
        params: Vec::new(),
    }
}

/// The column list read back for a row, in the table's order (JSON read as its text).
pub fn columns(dialect: Dialect, table: &TableSpec) -> String {
    let cols: Vec<String> = table
        .columns
        .iter()
        .map(|c| match (dialect, c.ty) {
            (Dialect::Postgres, ColType::Json) => format!("{0}::text AS {0}", c.name),
            _ => c.name.to_owned(),
        })
        .collect();
    cols.join(", ")
}

pub fn select(dialect: Dialect, table: &TableSpec, q: &Select<'_>) -> Result<Statement, StoreError> {
    let mut b = builder(dialect, table);
    let mut sql = format!("SELECT {} FROM {}", columns(dialect, table), table.name);
    sql.push_str(&b.conditions(q.filter)?);
    if !q.order.is_empty() {
        let order: Vec<String> = q
            .order
            .iter()
            .map(|o| match o.strip_prefix('-') {
                Some(col) => format!("{col} DESC"),
                None => o.to_string(),
            })
            .collect();
        sql.push_str(&format!(" ORDER BY {}", order.join(", ")));
    }
    if let Some(limit) = q.limit {
        sql.push_str(&format!(" LIMIT {limit}"));
    }
    if q.for_update && dialect == Dialect::Postgres {
        sql.push_str(" FOR UPDATE");
    }
    Ok(b.done(sql))
}

/// Inserts the named cells; a clash with a key or unique column inserts nothing and returns
/// no row. The one column returned is the serial id, or 0.
pub fn insert(dialect: Dialect, table: &TableSpec, cells: &[(&'static str, Cell)]) -> Result<Statement, StoreError> {
    let mut b = builder(dialect, table);
    let mut names = Vec::with_capacity(cells.len());
    let mut values = Vec::with_capacity(cells.len());
    for (name, cell) in cells {
        names.push(*name);
        values.push(b.param(name, cell.clone())?);
    }
    let returning = table.serial().map_or("0", |c| c.name);
    let sql = format!(
        "INSERT INTO {} ({}) VALUES ({}) ON CONFLICT DO NOTHING RETURNING {returning}",
        table.name,
        names.join(", "),
        values.join(", ")
    );
    Ok(b.done(sql))
}

/// Inserts or replaces one whole row by key.
pub fn upsert(dialect: Dialect, table: &TableSpec, row: &[Cell]) -> Result<Statement, StoreError> {
    if row.len() != table.columns.len() {
        return Err(StoreError::Invalid(format!(
            "{}: {} cells for {} columns",
            table.name,
            row.len(),
            table.columns.len()
        )));
    }
    let mut b = builder(dialect, table);
    let mut values = Vec::with_capacity(row.len());
    for (c, cell) in table.columns.iter().zip(row) {
        values.push(b.param(c.name, cell.clone())?);
    }
    let sql = format!(
        "INSERT INTO {} ({}) VALUES ({}) ON CONFLICT ({}) {}",
        table.name,
        table.columns.iter().map(|c| c.name).collect::<Vec<_>>().join(", "),
        values.join(", "),
        table.key.join(", "),
        on_conflict_update(table)
    );
    Ok(b.done(sql))
}

/// `DO UPDATE SET` every column outside the key from the row offered.
pub fn on_conflict_update(table: &TableSpec) -> String {
    let updates: Vec<String> = table
        .columns
        .iter()
        .filter(|c| !table.key.contains(&c.name))
        .map(|c| format!("{0} = excluded.{0}", c.name))
        .collect();
    if updates.is_empty() {
        "DO NOTHING".to_owned()
    } else {
        format!("DO UPDATE SET {}", updates.join(", "))
    }
}

pub fn update(
    dialect: Dialect,
    table: &TableSpec,
    filter: &[Cond],
    set: &[(&'static str, Cell)],
) -> Result<Statement, StoreError> {
    let mut b = builder(dialect, table);
    let mut sets = Vec::with_capacity(set.len());
    for (name, cell) in set {
        sets.push(format!("{name} = {}", b.param(name, cell.clone())?));
    }
    let mut sql = format!("UPDATE {} SET {}", table.name, sets.join(", "));
    sql.push_str(&b.conditions(filter)?);
    Ok(b.done(sql))
}

pub fn delete(dialect: Dialect, table: &TableSpec, filter: &[Cond]) -> Result<Statement, StoreError> {
    let mut b = builder(dialect, table);
    let mut sql = format!("DELETE FROM {}", table.name);
    sql.push_str(&b.conditions(filter)?);
    Ok(b.done(sql))
}

/// The capacity-checked place's one read (the hot path of a push, so one round trip): the
/// session's columns, locked, then whether the customer exists, whether the booking id is
/// taken, and the customer's live (booked or waiting) status in the session, if any.
/// Parameters: session id, customer id, booking id.
pub fn place_facts(dialect: Dialect) -> String {
    let (p1, p2, p3, lock) = match dialect {
        Dialect::Sqlite => ("?1", "?2", "?3", ""),
        Dialect::Postgres => ("$1", "$2", "$3", " FOR UPDATE OF sessions"),
    };
    format!(
        "SELECT {},
                EXISTS (SELECT 1 FROM customers WHERE id = {p2}),
                EXISTS (SELECT 1 FROM bookings WHERE id = {p3}),
                (SELECT status FROM bookings b WHERE b.session_id = {p1} AND b.customer_id = {p2}
                 AND b.status <> 'cancelled' ORDER BY b.status LIMIT 1)
         FROM sessions WHERE id = {p1}{lock}",
        columns(dialect, &crate::tables::SESSIONS)
    )
}

pub fn count(table: &TableSpec) -> String {
    format!("SELECT COUNT(*) FROM {}", table.name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tables::{BOOKINGS, CT_ACCOUNTS, SYNC_ROWS};

    #[test]
    fn a_select_renders_placeholders_order_and_lock_per_dialect() {
        let filter = [
            Cond::Eq("session_id", Cell::Int(1)),
            Cond::Eq("status", Cell::Text("waiting".into())),
        ];
        let q = Select {
            filter: &filter,
            order: &["-waiting_position", "created_at"],
            limit: Some(1),
            for_update: true,
        };
        let pg = select(Dialect::Postgres, &BOOKINGS, &q).unwrap();
        assert!(
            pg.sql.ends_with(
                "WHERE session_id = $1 AND status = $2 ORDER BY waiting_position DESC, created_at LIMIT 1 FOR UPDATE"
            ),
            "{}",
            pg.sql
        );
        assert_eq!(pg.params.len(), 2);
        let lite = select(Dialect::Sqlite, &BOOKINGS, &q).unwrap();
        assert!(lite.sql.contains("session_id = ?1 AND status = ?2"), "{}", lite.sql);
        assert!(!lite.sql.contains("FOR UPDATE"));
    }

    #[test]
    fn json_is_bound_and_read_as_text_on_postgres() {
        let pg = select(Dialect::Postgres, &SYNC_ROWS, &Select::default()).unwrap();
        assert!(pg.sql.contains("data::text AS data"), "{}", pg.sql);
        let row = vec![Cell::Int(1); CT_ACCOUNTS.columns.len()];
        let up = upsert(Dialect::Postgres, &CT_ACCOUNTS, &row).unwrap();
        assert!(up.sql.contains("$8::text::json"), "{}", up.sql);
        assert!(
            up.sql
                .contains("ON CONFLICT (id) DO UPDATE SET reference = excluded.reference")
        );
    }

    #[test]
    fn an_unknown_column_is_refused() {
        let filter = [Cond::Eq("nope", Cell::Int(1))];
        assert!(delete(Dialect::Sqlite, &BOOKINGS, &filter).is_err());
    }
}
