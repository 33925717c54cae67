//! The desk's local SQLite store. Every connection is opened by [`open`], so the SQLCipher key
//! (kept in the OS keyring, see [`crate::keys`]) and the settings that make the outbox durable
//! (WAL, `synchronous=FULL`) are set in one place.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, params};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the local store at {path}: {source}")]
    Open { path: String, source: rusqlite::Error },
    #[error("local store: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error(
        "migration {version} ({name}) was changed after it was applied to this store \
         (recorded checksum {recorded}, embedded {embedded}); migrations are append-only"
    )]
    EditedMigration {
        version: u32,
        name: String,
        recorded: String,
        embedded: String,
    },
    /// The file is encrypted with another key, or with one and none was given, or is not a
    /// store at all. Nothing in it can be read.
    #[error(
        "the local store at {path} cannot be read with the key given (it is encrypted with another key, \
         or is not a Council Desk store)"
    )]
    WrongKey { path: String },
    #[error("this store has migration {version}, which this version of Council Desk does not know; use a newer one")]
    NewerStore { version: u32 },
}

/// One embedded migration, `migrations/client/NNNN_name.sql`.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    pub version: u32,
    pub name: &'static str,
    pub sql: &'static str,
}

/// Append-only: add new files at the end; never edit one that has shipped.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "store",
        sql: include_str!("../../../migrations/client/0001_store.sql"),
    },
    Migration {
        version: 2,
        name: "customer_name_order",
        sql: include_str!("../../../migrations/client/0002_customer_name_order.sql"),
    },
    Migration {
        version: 3,
        name: "customer_search_slim",
        sql: include_str!("../../../migrations/client/0003_customer_search_slim.sql"),
    },
    Migration {
        version: 4,
        name: "customer_search_prefix3",
        sql: include_str!("../../../migrations/client/0004_customer_search_prefix3.sql"),
    },
    Migration {
        version: 5,
        name: "customer_index_by_apply",
        sql: include_str!("../../../migrations/client/0005_customer_index_by_apply.sql"),
    },
    Migration {
        version: 6,
        name: "audit_log",
        sql: include_str!("../../../migrations/client/0006_audit_log.sql"),
    },
    Migration {
        version: 7,
        name: "generic_overlay",
        sql: include_str!("../../../migrations/client/0007_generic_overlay.sql"),
    },
    Migration {
        version: 8,
        name: "audit_set_aside",
        sql: include_str!("../../../migrations/client/0008_audit_set_aside.sql"),
    },
    Migration {
        version: 9,
        name: "pupil_search",
        sql: include_str!("../../../migrations/client/0009_pupil_search.sql"),
    },
    Migration {
        version: 10,
        name: "school_office",
        sql: include_str!("../../../migrations/client/0010_school_office.sql"),
    },
    Migration {
        version: 11,
        name: "school_settings",
        sql: include_str!("../../../migrations/client/0011_school_settings.sql"),
    },
    Migration {
        version: 12,
        name: "council_tax",
        sql: include_str!("../../../migrations/client/0012_council_tax.sql"),
    },
    Migration {
        version: 13,
        name: "ct_account_search",
        sql: include_str!("../../../migrations/client/0013_ct_account_search.sql"),
    },
    Migration {
        version: 14,
        name: "leisure_money",
        sql: include_str!("../../../migrations/client/0014_leisure_money.sql"),
    },
    Migration {
        version: 15,
        name: "cash_counts",
        sql: include_str!("../../../migrations/client/0015_cash_counts.sql"),
    },
    Migration {
        version: 16,
        name: "customer_desk",
        sql: include_str!("../../../migrations/client/0016_customer_desk.sql"),
    },
    Migration {
        version: 17,
        name: "leisure_sessions",
        sql: include_str!("../../../migrations/client/0017_leisure_sessions.sql"),
    },
    Migration {
        version: 18,
        name: "spaces",
        sql: include_str!("../../../migrations/client/0018_spaces.sql"),
    },
    Migration {
        version: 19,
        name: "customer_contact_search_and_drafts",
        sql: include_str!("../../../migrations/client/0019_customer_contact_search_and_drafts.sql"),
    },
];

/// A SQLCipher key: 32 random bytes, made once per staff store and kept in the OS keyring.
/// Used as a raw key (no passphrase derivation), so opening costs no key stretching; the
/// bytes are wiped when the key is dropped.
#[derive(Clone, zeroize::ZeroizeOnDrop)]
pub struct StoreKey([u8; 32]);

impl StoreKey {
    pub fn random() -> StoreKey {
        use rand::RngCore;
        let mut k = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut k);
        StoreKey(k)
    }

    pub fn from_bytes(bytes: [u8; 32]) -> StoreKey {
        StoreKey(bytes)
    }

    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Reads the 64 hex digits [`to_hex`](Self::to_hex) wrote; `None` for anything else.
    pub fn from_hex(text: &str) -> Option<StoreKey> {
        let text = text.trim();
        if text.len() != 64 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let mut k = [0u8; 32];
        for (i, byte) in k.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok()?;
        }
        Some(StoreKey(k))
    }
}

impl std::fmt::Debug for StoreKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StoreKey(..)")
    }
}

/// Opens (creating if missing) the store at `path` with the settings every desk connection
/// needs. This is the only place a connection is made. With a key the file is SQLCipher
/// encrypted (pages, WAL and journal); without one it is plain SQLite (demo and training
/// stores, the bench's baseline). A file that does not open with what was given is refused
/// with [`StoreError::WrongKey`] before anything is written to it.
pub fn open(path: &Path, key: Option<&StoreKey>) -> Result<Connection, StoreError> {
    let conn = Connection::open(path).map_err(|source| StoreError::Open {
        path: path.display().to_string(),
        source,
    })?;
    if let Some(key) = key {
        // First statement on the connection: SQLCipher derives nothing until the key is set.
        let hex = zeroize::Zeroizing::new(key.to_hex());
        let pragma = zeroize::Zeroizing::new(format!("PRAGMA key = \"x'{}'\";", hex.as_str()));
        conn.execute_batch(&pragma)?;
    }
    // The first read of the schema is where a wrong (or missing) key shows.
    if let Err(e) = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)) {
        return Err(match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase) => StoreError::WrongKey {
                path: path.display().to_string(),
            },
            _ => StoreError::Sql(e),
        });
    }
    conn.busy_timeout(Duration::from_secs(5))?;
    // journal_mode answers with a row, so it is read rather than executed.
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") && !mode.eq_ignore_ascii_case("memory") {
        tracing::warn!(mode, "local store is not in WAL mode");
    }
    // secure_delete FAST: content deleted or overwritten (an outbox row's bank details once the
    // server has them) is zeroed in the page where that costs no extra write, rather than left
    // in free space.
    conn.execute_batch(
        "PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;
         PRAGMA temp_store = MEMORY;
         PRAGMA secure_delete = FAST;",
    )?;
    Ok(conn)
}

/// Runs `f` with `synchronous=NORMAL` and puts `FULL` back afterwards, whatever happens.
///
/// For writes that can be fetched again: pulled pages (rows, cursor and receipts commit or
/// vanish together, and a re-pull or re-push brings them back, the server answering a replayed
/// mutation with its stored receipt). A process crash loses nothing in WAL mode either way; a
/// power cut may lose the last such commits, never half of one. Commands recorded at the desk
/// (the outbox) are never written this way: they exist nowhere else.
pub fn refetchable<T, E: From<rusqlite::Error>>(
    conn: &mut Connection,
    f: impl FnOnce(&mut Connection) -> Result<T, E>,
) -> Result<T, E> {
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    let result = f(conn);
    conn.pragma_update(None, "synchronous", "FULL")?;
    result
}

/// Makes sure the next commit is fully durable (`synchronous=FULL`), as every write of a
/// command recorded at the desk must be; costs no I/O.
pub fn durable(conn: &Connection) -> rusqlite::Result<()> {
    conn.pragma_update(None, "synchronous", "FULL")
}

/// Applies every embedded migration not yet recorded in the store.
pub fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    migrate_with(conn, MIGRATIONS)?;
    // Customers, pupils and accounts pulled before their searches (or a search's new shape)
    // existed get their index entries.
    crate::replica::index_unindexed(conn)?;
    Ok(())
}

/// A stable checksum of a migration's text. FNV-1a: it detects edits, it is not a defence
/// against anyone who can already write the store.
pub fn checksum(sql: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in sql.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

pub(crate) fn migrate_with(conn: &mut Connection, migrations: &[Migration]) -> Result<(), StoreError> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            checksum TEXT NOT NULL,
            applied_at TEXT NOT NULL
        ) STRICT",
    )?;
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let newest: Option<u32> = tx.query_row("SELECT max(version) FROM schema_migrations", [], |r| r.get(0))?;
    if let Some(newest) = newest
        && !migrations.iter().any(|m| m.version == newest)
    {
        return Err(StoreError::NewerStore { version: newest });
    }
    for m in migrations {
        let embedded = checksum(m.sql);
        let recorded: Option<String> = tx
            .query_row(
                "SELECT checksum FROM schema_migrations WHERE version = ?1",
                [m.version],
                |r| r.get(0),
            )
            .optional()?;
        match recorded {
            Some(recorded) if recorded == embedded => {}
            Some(recorded) => {
                return Err(StoreError::EditedMigration {
                    version: m.version,
                    name: m.name.to_owned(),
                    recorded,
                    embedded,
                });
            }
            None => {
                tx.execute_batch(m.sql)?;
                tx.execute(
                    "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?1, ?2, ?3, ?4)",
                    params![m.version, m.name, embedded, chrono::Utc::now().to_rfc3339()],
                )?;
            }
        }
    }
    tx.commit()?;
    Ok(())
}

pub(crate) fn meta_get(conn: &Connection, key: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()
}

pub(crate) fn meta_set(conn: &Connection, key: &str, value: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_migrations_match_the_files_numbered_in_order() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../migrations/client");
        let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
            .expect("migrations/client exists")
            .map(|e| e.expect("readable entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "sql"))
            .map(|p| {
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                (name, std::fs::read_to_string(&p).unwrap())
            })
            .collect();
        files.sort();
        assert_eq!(
            files.len(),
            MIGRATIONS.len(),
            "every file in migrations/client must be embedded in store::MIGRATIONS, and only those"
        );
        for (i, ((file, text), m)) in files.iter().zip(MIGRATIONS).enumerate() {
            let want_version = u32::try_from(i + 1).unwrap();
            assert_eq!(m.version, want_version, "migrations are numbered 1, 2, 3… without gaps");
            assert_eq!(
                file,
                &format!("{:04}_{}.sql", m.version, m.name),
                "file name is NNNN_name.sql"
            );
            assert!(
                m.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "migration name {} is lower_snake_case",
                m.name
            );
            assert_eq!(text, m.sql, "embedded text of {file} is the file's text");
        }
    }

    #[test]
    fn migrating_twice_is_a_no_op_and_an_edited_applied_migration_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("desk.db");
        let mut conn = open(&path, None).unwrap();
        migrate(&mut conn).unwrap();
        migrate(&mut conn).unwrap();
        let n: i64 = conn
            .query_row("SELECT count(*) FROM schema_migrations", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, MIGRATIONS.len() as i64);

        let mut edited = MIGRATIONS.to_vec();
        edited[0] = Migration {
            version: 1,
            name: "store",
            sql: "CREATE TABLE sneaky (x INTEGER);",
        };
        let err = migrate_with(&mut conn, &edited).unwrap_err();
        assert!(matches!(err, StoreError::EditedMigration { version: 1, .. }), "{err}");
        let sneaky: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_master WHERE name = 'sneaky'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(sneaky, 0, "nothing of the refused migration ran");
    }

    #[test]
    fn a_store_from_a_newer_desk_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = open(&dir.path().join("desk.db"), None).unwrap();
        migrate(&mut conn).unwrap();
        conn.execute(
            "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (99, 'future', 'x', 'now')",
            [],
        )
        .unwrap();
        assert!(matches!(
            migrate(&mut conn).unwrap_err(),
            StoreError::NewerStore { version: 99 }
        ));
    }

    #[test]
    fn open_sets_the_durability_pragmas() {
        let dir = tempfile::tempdir().unwrap();
        let conn = open(&dir.path().join("desk.db"), None).unwrap();
        let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
        assert_eq!(mode, "wal");
        let sync: i64 = conn.query_row("PRAGMA synchronous", [], |r| r.get(0)).unwrap();
        assert_eq!(sync, 2, "synchronous = FULL");
        let fk: i64 = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0)).unwrap();
        assert_eq!(fk, 1);
    }
}

#[cfg(test)]
mod refetchable_tests {
    use super::*;

    #[test]
    fn full_durability_comes_back_even_when_the_write_fails() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = open(&dir.path().join("desk.db"), None).unwrap();
        let seen: i64 = refetchable(&mut conn, |c| {
            c.query_row("PRAGMA synchronous", [], |r| r.get::<_, i64>(0))
        })
        .unwrap();
        assert_eq!(seen, 1, "NORMAL inside");
        let failed: Result<(), rusqlite::Error> = refetchable(&mut conn, |c| c.execute_batch("NOT SQL"));
        assert!(failed.is_err());
        let after: i64 = conn.query_row("PRAGMA synchronous", [], |r| r.get(0)).unwrap();
        assert_eq!(after, 2, "FULL again for the outbox");
    }
}
