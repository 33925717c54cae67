//! The council server's tables, described once. The same descriptions drive the DDL (rendered
//! for each dialect by [`render`]) and the generic row access of both backends, so a column is
//! named and typed in one place.

/// A column's type, as the server means it; each dialect stores it its own way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColType {
    /// A 64-bit id the database hands out (`INTEGER PRIMARY KEY` / `BIGSERIAL`).
    Serial,
    Int,
    /// A 32-bit integer where PostgreSQL holds `INTEGER` rather than `BIGINT`.
    Int32,
    Text,
    Bool,
    Date,
    /// Council wall-clock time, no zone.
    Timestamp,
    /// An instant (UTC).
    TimestampTz,
    Uuid,
    Blob,
    /// JSON text; a `json` column on PostgreSQL.
    Json,
}

/// A literal default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lit {
    Int(i64),
    Bool(bool),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    pub ty: ColType,
    pub nullable: bool,
    pub default: Option<Lit>,
    pub unique: bool,
    /// `table(column)` this one refers to.
    pub references: Option<&'static str>,
    /// A portable SQL condition, e.g. `capacity >= 0`.
    pub check: Option<&'static str>,
}

/// A `NOT NULL` column with nothing else to it; the methods below add the rest.
pub const fn col(name: &'static str, ty: ColType) -> Column {
    Column {
        name,
        ty,
        nullable: false,
        default: None,
        unique: false,
        references: None,
        check: None,
    }
}

impl Column {
    pub const fn null(self) -> Column {
        Column { nullable: true, ..self }
    }
    pub const fn default(self, lit: Lit) -> Column {
        Column {
            default: Some(lit),
            ..self
        }
    }
    pub const fn unique(self) -> Column {
        Column { unique: true, ..self }
    }
    pub const fn references(self, target: &'static str) -> Column {
        Column {
            references: Some(target),
            ..self
        }
    }
    pub const fn check(self, condition: &'static str) -> Column {
        Column {
            check: Some(condition),
            ..self
        }
    }
}

/// One table: its columns in stored order (columns added by later migrations last), its key,
/// and its multi-column unique constraints.
#[derive(Debug)]
pub struct TableSpec {
    pub name: &'static str,
    pub key: &'static [&'static str],
    pub columns: &'static [Column],
    pub unique: &'static [&'static [&'static str]],
    /// SQLite only: store the rows in the key's b-tree (the key is the only lookup path).
    pub without_rowid: bool,
}

impl TableSpec {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The position of a column in [`columns`](Self::columns).
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    /// The database-assigned id column, if the table has one.
    pub fn serial(&self) -> Option<&Column> {
        self.columns.iter().find(|c| c.ty == ColType::Serial)
    }
}

/// The two SQL dialects the server runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// One schema change, rendered for either dialect.
#[derive(Debug)]
pub enum Step {
    /// Creates the table with its columns, leaving out those a later migration adds.
    Create {
        table: &'static TableSpec,
        added_later: &'static [&'static str],
    },
    AddColumn {
        table: &'static TableSpec,
        column: &'static str,
    },
    Index {
        name: &'static str,
        table: &'static str,
        columns: &'static [&'static str],
    },
    /// Refuses every update and delete of the table's rows (and, where there is one, truncate).
    AppendOnly { table: &'static str, message: &'static str },
    /// A statement both dialects read the same way (seed rows).
    Sql(&'static str),
}

fn type_name(ty: ColType, d: Dialect) -> &'static str {
    use ColType::*;
    match d {
        Dialect::Sqlite => match ty {
            Serial | Int | Int32 | Bool => "INTEGER",
            Text | Date | Timestamp | TimestampTz | Uuid | Json => "TEXT",
            Blob => "BLOB",
        },
        Dialect::Postgres => match ty {
            Serial => "BIGSERIAL",
            Int => "BIGINT",
            Int32 => "INTEGER",
            Text => "TEXT",
            Bool => "BOOLEAN",
            Date => "DATE",
            Timestamp => "TIMESTAMP",
            TimestampTz => "TIMESTAMPTZ",
            Uuid => "UUID",
            Blob => "BYTEA",
            Json => "JSON",
        },
    }
}

fn literal(lit: Lit, d: Dialect) -> String {
    match (lit, d) {
        (Lit::Int(i), _) => i.to_string(),
        (Lit::Bool(b), Dialect::Sqlite) => i64::from(b).to_string(),
        (Lit::Bool(b), Dialect::Postgres) => if b { "TRUE" } else { "FALSE" }.to_owned(),
    }
}

fn column_sql(table: &TableSpec, c: &Column, d: Dialect) -> String {
    let mut out = format!("{} {}", c.name, type_name(c.ty, d));
    if table.key == [c.name] {
        out.push_str(" PRIMARY KEY");
    } else if !c.nullable {
        out.push_str(" NOT NULL");
    }
    if c.unique {
        out.push_str(" UNIQUE");
    }
    if let Some(lit) = c.default {
        out.push_str(&format!(" DEFAULT {}", literal(lit, d)));
    }
    if let Some(target) = c.references {
        out.push_str(&format!(" REFERENCES {target}"));
    }
    if let Some(check) = c.check {
        out.push_str(&format!(" CHECK ({check})"));
    }
    out
}

/// The SQL of one step, statements ending in `;`.
pub fn render(step: &Step, d: Dialect) -> String {
    match step {
        Step::Create { table, added_later } => {
            let mut parts: Vec<String> = table
                .columns
                .iter()
                .filter(|c| !added_later.contains(&c.name))
                .map(|c| column_sql(table, c, d))
                .collect();
            if table.key.len() > 1 {
                parts.push(format!("PRIMARY KEY ({})", table.key.join(", ")));
            }
            for u in table.unique {
                parts.push(format!("UNIQUE ({})", u.join(", ")));
            }
            let tail = if table.without_rowid && d == Dialect::Sqlite {
                " WITHOUT ROWID"
            } else {
                ""
            };
            format!("CREATE TABLE {} (\n    {}\n){tail};\n", table.name, parts.join(",\n    "))
        }
        Step::AddColumn { table, column } => {
            let c = table
                .column(column)
                .unwrap_or_else(|| panic!("{}.{column} is not described", table.name));
            format!("ALTER TABLE {} ADD COLUMN {};\n", table.name, column_sql(table, c, d))
        }
        Step::Index { name, table, columns } => {
            format!("CREATE INDEX {name} ON {table}({});\n", columns.join(", "))
        }
        Step::AppendOnly { table, message } => match d {
            Dialect::Sqlite => ["UPDATE", "DELETE"]
                .iter()
                .map(|what| {
                    format!(
                        "CREATE TRIGGER {table}_no_{} BEFORE {what} ON {table}\nBEGIN\n    SELECT RAISE(ABORT, '{message}');\nEND;\n",
                        what.to_lowercase()
                    )
                })
                .collect(),
            Dialect::Postgres => format!(
                "CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n    RAISE EXCEPTION '{message}';\nEND\n$$;\n\
                 CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table}\n    FOR EACH ROW EXECUTE FUNCTION {table}_append_only();\n\
                 CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}\n    FOR EACH STATEMENT EXECUTE FUNCTION {table}_append_only();\n"
            ),
        },
        Step::Sql(sql) => format!("{sql};\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tables::*;

    #[test]
    fn types_and_defaults_follow_the_dialect() {
        let step = Step::Create {
            table: &SESSIONS,
            added_later: &[],
        };
        let pg = render(&step, Dialect::Postgres);
        assert!(pg.contains("id BIGINT PRIMARY KEY,"), "{pg}");
        assert!(pg.contains("starts_at TIMESTAMP NOT NULL,"), "{pg}");
        assert!(
            pg.contains("booked BIGINT NOT NULL DEFAULT 0 CHECK (booked >= 0),"),
            "{pg}"
        );
        assert!(pg.contains("cancelled BOOLEAN NOT NULL DEFAULT FALSE"), "{pg}");
        let lite = render(&step, Dialect::Sqlite);
        assert!(lite.contains("id INTEGER PRIMARY KEY,"), "{lite}");
        assert!(lite.contains("starts_at TEXT NOT NULL,"), "{lite}");
        assert!(lite.contains("cancelled INTEGER NOT NULL DEFAULT 0"), "{lite}");
    }

    #[test]
    fn composite_keys_unique_pairs_and_rowid_tables() {
        let receipts = Step::Create {
            table: &RECEIPTS,
            added_later: &[],
        };
        assert!(render(&receipts, Dialect::Sqlite).ends_with(") WITHOUT ROWID;\n"));
        assert!(render(&receipts, Dialect::Postgres).contains("PRIMARY KEY (device_id, seq)\n);"));
        let audit = render(
            &Step::Create {
                table: &AUDIT_LOG,
                added_later: &[],
            },
            Dialect::Postgres,
        );
        assert!(audit.contains("id BIGSERIAL PRIMARY KEY,"), "{audit}");
        assert!(audit.contains("staff_id BIGINT REFERENCES staff(id),"), "{audit}");
        assert!(audit.contains("UNIQUE (device_id, device_seq)"), "{audit}");
    }

    #[test]
    fn a_column_added_later_is_left_out_of_the_create() {
        let create = render(
            &Step::Create {
                table: &ACCESS_TOKENS,
                added_later: &["family"],
            },
            Dialect::Postgres,
        );
        assert!(!create.contains("family"), "{create}");
        let add = render(
            &Step::AddColumn {
                table: &ACCESS_TOKENS,
                column: "family",
            },
            Dialect::Postgres,
        );
        assert_eq!(add, "ALTER TABLE access_tokens ADD COLUMN family UUID;\n");
    }
}
