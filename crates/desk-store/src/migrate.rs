//! Append-only, numbered schema migrations, embedded at compile time and recorded with a
//! checksum, so a changed already-applied file is refused instead of silently diverging.

use sha2::{Digest, Sha256};

use crate::StoreError;

#[derive(Debug, Clone, Copy)]
pub struct Migration {
    pub version: u32,
    pub name: &'static str,
    pub sql: &'static str,
}

impl Migration {
    pub fn checksum(&self) -> String {
        hex(&Sha256::digest(self.sql.as_bytes()))
    }
}

pub const SQLITE: &[Migration] = &[
    Migration {
        version: 1,
        name: "0001_init.sql",
        sql: include_str!("../../../migrations/server/sqlite/0001_init.sql"),
    },
    Migration {
        version: 2,
        name: "0002_refresh_tokens.sql",
        sql: include_str!("../../../migrations/server/sqlite/0002_refresh_tokens.sql"),
    },
    Migration {
        version: 3,
        name: "0003_audit.sql",
        sql: include_str!("../../../migrations/server/sqlite/0003_audit.sql"),
    },
    Migration {
        version: 4,
        name: "0004_sign_in_locks.sql",
        sql: include_str!("../../../migrations/server/sqlite/0004_sign_in_locks.sql"),
    },
    Migration {
        version: 5,
        name: "0005_session_end.sql",
        sql: include_str!("../../../migrations/server/sqlite/0005_session_end.sql"),
    },
];

pub const POSTGRES: &[Migration] = &[
    Migration {
        version: 1,
        name: "0001_init.sql",
        sql: include_str!("../../../migrations/server/postgres/0001_init.sql"),
    },
    Migration {
        version: 2,
        name: "0002_refresh_tokens.sql",
        sql: include_str!("../../../migrations/server/postgres/0002_refresh_tokens.sql"),
    },
    Migration {
        version: 3,
        name: "0003_audit.sql",
        sql: include_str!("../../../migrations/server/postgres/0003_audit.sql"),
    },
    Migration {
        version: 4,
        name: "0004_sign_in_locks.sql",
        sql: include_str!("../../../migrations/server/postgres/0004_sign_in_locks.sql"),
    },
    Migration {
        version: 5,
        name: "0005_session_end.sql",
        sql: include_str!("../../../migrations/server/postgres/0005_session_end.sql"),
    },
];

/// What a backend offers the runner. `apply` runs the script and records it in one transaction.
pub trait MigrationTarget {
    fn applied(&mut self) -> Result<Vec<(u32, String)>, StoreError>;
    fn apply(&mut self, m: &Migration) -> Result<(), StoreError>;
}

/// Versions must be 1, 2, 3… in order and each file named after its version.
pub fn check_numbering(list: &[Migration]) -> Result<(), StoreError> {
    for (i, m) in list.iter().enumerate() {
        let want = i as u32 + 1;
        let prefix = format!("{want:04}_");
        if m.version != want || !m.name.starts_with(&prefix) || !m.name.ends_with(".sql") {
            return Err(StoreError::Migration {
                version: m.version,
                name: m.name.to_owned(),
                reason: format!("expected migration number {want} named {prefix}….sql"),
            });
        }
    }
    Ok(())
}

/// Applies every migration not yet recorded, in order; refuses if a recorded one changed or the
/// database knows a migration this build does not.
pub fn run(target: &mut dyn MigrationTarget, list: &[Migration]) -> Result<usize, StoreError> {
    check_numbering(list)?;
    let applied = target.applied()?;
    for (version, checksum) in &applied {
        let Some(m) = list.iter().find(|m| m.version == *version) else {
            return Err(StoreError::Migration {
                version: *version,
                name: String::new(),
                reason: "the database has a migration this server does not know; is it older than the database?".into(),
            });
        };
        if m.checksum() != *checksum {
            return Err(StoreError::Migration {
                version: m.version,
                name: m.name.to_owned(),
                reason: "the file changed after it was applied; migrations are append-only, add a new one".into(),
            });
        }
    }
    let mut count = 0;
    for m in list.iter().filter(|m| !applied.iter().any(|(v, _)| *v == m.version)) {
        target.apply(m)?;
        count += 1;
    }
    Ok(count)
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files_on_disk(dir: &str) -> Vec<String> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../migrations/server")
            .join(dir);
        let mut names: Vec<String> = std::fs::read_dir(path)
            .expect("migrations directory")
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.ends_with(".sql"))
            .collect();
        names.sort();
        names
    }

    #[test]
    fn embedded_lists_are_gapless_and_match_the_files() {
        for (dir, list) in [("sqlite", SQLITE), ("postgres", POSTGRES)] {
            check_numbering(list).unwrap();
            let embedded: Vec<String> = list.iter().map(|m| m.name.to_owned()).collect();
            assert_eq!(
                files_on_disk(dir),
                embedded,
                "every file in migrations/server/{dir} is embedded"
            );
            for m in list {
                let on_disk = std::fs::read_to_string(
                    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                        .join("../../migrations/server")
                        .join(dir)
                        .join(m.name),
                )
                .unwrap();
                assert_eq!(on_disk, m.sql);
            }
        }
    }

    #[test]
    fn numbering_gaps_and_misnamed_files_are_refused() {
        let a = Migration {
            version: 1,
            name: "0001_a.sql",
            sql: "",
        };
        let c = Migration {
            version: 3,
            name: "0003_c.sql",
            sql: "",
        };
        assert!(check_numbering(&[a, c]).is_err());
        let misnamed = Migration {
            version: 2,
            name: "0005_b.sql",
            sql: "",
        };
        assert!(check_numbering(&[a, misnamed]).is_err());
    }

    /// An in-memory target that records what was applied.
    struct Recorder(Vec<(u32, String)>, Vec<u32>);
    impl MigrationTarget for Recorder {
        fn applied(&mut self) -> Result<Vec<(u32, String)>, StoreError> {
            Ok(self.0.clone())
        }
        fn apply(&mut self, m: &Migration) -> Result<(), StoreError> {
            self.0.push((m.version, m.checksum()));
            self.1.push(m.version);
            Ok(())
        }
    }

    #[test]
    fn applies_in_order_once_and_refuses_a_changed_file() {
        let list = [
            Migration {
                version: 1,
                name: "0001_a.sql",
                sql: "CREATE TABLE a (x INT);",
            },
            Migration {
                version: 2,
                name: "0002_b.sql",
                sql: "CREATE TABLE b (x INT);",
            },
        ];
        let mut target = Recorder(Vec::new(), Vec::new());
        assert_eq!(run(&mut target, &list[..1]).unwrap(), 1);
        assert_eq!(run(&mut target, &list).unwrap(), 1);
        assert_eq!(run(&mut target, &list).unwrap(), 0);
        assert_eq!(target.1, vec![1, 2]);
        let mut changed = list;
        changed[0].sql = "CREATE TABLE a (x INT, y INT);";
        let err = run(&mut target, &changed).unwrap_err();
        assert!(err.to_string().contains("changed after it was applied"), "{err}");
        assert!(
            run(&mut target, &list[..1]).is_err(),
            "unknown applied migration refused"
        );
    }
}
