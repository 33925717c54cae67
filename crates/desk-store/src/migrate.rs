//! Append-only, numbered schema migrations, described once (as [`Step`]s over the table
//! descriptions), rendered for the database at hand and recorded with a checksum of the
//! rendering, so a changed already-applied migration is refused instead of silently diverging.

use sha2::{Digest, Sha256};

use crate::StoreError;
use crate::schema::{self, Dialect, Step};
use crate::tables;

/// One numbered migration: its steps, described once and rendered for each dialect.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    pub version: u32,
    /// The name it is recorded under (the name of the file it was written in at first).
    pub name: &'static str,
    pub steps: &'static [Step],
}

impl Migration {
    /// The script for one dialect.
    pub fn sql(&self, dialect: Dialect) -> String {
        self.steps.iter().map(|s| schema::render(s, dialect)).collect()
    }

    /// What is recorded of the script once applied: any later change to it is refused.
    pub fn checksum(&self, dialect: Dialect) -> String {
        hex(&Sha256::digest(self.sql(dialect).as_bytes()))
    }
}

/// The server's migrations, append-only. Add a new one at the end; never edit one.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "0001_init.sql",
        steps: tables::INIT,
    },
    Migration {
        version: 2,
        name: "0002_refresh_tokens.sql",
        steps: tables::REFRESH,
    },
    Migration {
        version: 3,
        name: "0003_audit.sql",
        steps: tables::AUDIT,
    },
    Migration {
        version: 4,
        name: "0004_sign_in_locks.sql",
        steps: tables::SIGN_IN,
    },
    Migration {
        version: 5,
        name: "0005_session_end.sql",
        steps: tables::SESSION_END,
    },
    Migration {
        version: 6,
        name: "0006_customer_notes.sql",
        steps: tables::CUSTOMER_NOTES_STEPS,
    },
    Migration {
        version: 7,
        name: "0007_receipt_envelope.sql",
        steps: tables::RECEIPT_ENVELOPE,
    },
    Migration {
        version: 8,
        name: "0008_school.sql",
        steps: tables::SCHOOL_STEPS,
    },
    Migration {
        version: 9,
        name: "0009_school_settings.sql",
        steps: tables::SCHOOL_SETTINGS_STEPS,
    },
    Migration {
        version: 10,
        name: "0010_council_tax.sql",
        steps: tables::COUNCIL_TAX_STEPS,
    },
    Migration {
        version: 11,
        name: "0011_ct_exports.sql",
        steps: tables::CT_EXPORT_STEPS,
    },
    Migration {
        version: 12,
        name: "0012_leisure_money.sql",
        steps: tables::LEISURE_MONEY_STEPS,
    },
    Migration {
        version: 13,
        name: "0013_cash_counts.sql",
        steps: tables::CASH_COUNT_STEPS,
    },
    Migration {
        version: 14,
        name: "0014_customer_desk.sql",
        steps: tables::CUSTOMER_DESK_STEPS,
    },
    Migration {
        version: 15,
        name: "0015_leisure_sessions.sql",
        steps: tables::LEISURE_SESSION_STEPS,
    },
    Migration {
        version: 16,
        name: "0016_spaces.sql",
        steps: tables::SPACE_STEPS,
    },
];

/// Both backends run the one list; the names stay for the callers that asked per backend.
pub const SQLITE: &[Migration] = MIGRATIONS;
pub const POSTGRES: &[Migration] = MIGRATIONS;

/// Migrations 1 to 5 were first written as two hand-written SQL files each
/// (`migrations/server/{sqlite,postgres}/`). A database migrated then recorded those files'
/// checksums. Each is accepted for its version as long as that version still renders to what
/// it rendered when the files were retired (the second checksum), so an edit to an old step is
/// refused on old and new databases alike.
/// `(dialect, version, checksum of the retired file, checksum of the rendering that replaced it)`
pub const RETIRED_FILES: &[(Dialect, u32, &str, &str)] = &[
    (
        Dialect::Sqlite,
        1,
        "92d2552f9d919dd1c79048934c6d14a843fe3d63cbeb462b423372d0028a64ff",
        "2042e3d178cf21f08c90586c4d630750fa1ab41f01c77bc25dd2c52c7989b5e4",
    ),
    (
        Dialect::Sqlite,
        2,
        "43033feb9af502cc2226452fc550d31cc3f6f39ba5faecb3d57db71414e341c7",
        "bdeab38f0a2ebaa483082cee1ee336faa022e09cf88f04896d90fcdea9005396",
    ),
    (
        Dialect::Sqlite,
        3,
        "e46b3aec7d1973b113db5a97d3e86ce40b41d378e4ac2ccdffc4c7e8c251c6a5",
        "9de1048c6fd8038731a20e6c90c15c681207fb86bf19fb89e68d856ec1ff5e16",
    ),
    (
        Dialect::Sqlite,
        4,
        "eaa3d90f58970dd8905b27ca27af254be2bd2d50e315431a20e202417d97b70e",
        "38152e6be0651d44f6f50f2be6e4f36d38c3e732de698a9d845d95bba538fd79",
    ),
    (
        Dialect::Sqlite,
        5,
        "98774c3017df3295b3d9710a0633115c85b105268552db18e27ab887844a5f68",
        "4ad4922fbe9d4a76a770995fef0662fbe1d4452594ad9a37bcee67ebe3f826d0",
    ),
    (
        Dialect::Postgres,
        1,
        "1a586388fe6a3952da7ccf2c9ed5a41a7677139d04bfa77857e5bd48f243ee17",
        "29a5b735f0a586656eca0837f97642cba6f46b3c41094dfe733faf00d1d07575",
    ),
    (
        Dialect::Postgres,
        2,
        "f8383747e8687e1fa4d2d16b3e347b0cb58f014a874db29092612f99e61314bf",
        "59c6cdec2c8a9232f2c275f51fb40d8a634bf94f2a834cdad07a5b9e088bf7e1",
    ),
    (
        Dialect::Postgres,
        3,
        "a558ed55696e1f162ec389136709abf3ea6dd27d75b6254df2707de21b795485",
        "524c73b31012cf1c1245620b955cc5c9f4bc6ced468ac54a3cd861ea7b6dccec",
    ),
    (
        Dialect::Postgres,
        4,
        "f7e80bf353b757947c89f04b2efa4b0319cafa3fe5399a3ff832cd3a91ff7152",
        "1596e49d0bf565b8c58db6334070ec54aade1460bb1288e6b6084150c6f0be09",
    ),
    (
        Dialect::Postgres,
        5,
        "4ff8c461158eabb507a7cc298429c18162159249b36848468b9f94f9322d79da",
        "51b5ea69bf9078fc1a4ce507c822410ae233f9ed5c19c0a6f07e2885c6e48844",
    ),
];

/// Whether `recorded` is a checksum this build accepts for `m` on `dialect`.
fn accepted(m: &Migration, dialect: Dialect, recorded: &str) -> bool {
    let now = m.checksum(dialect);
    recorded == now
        || RETIRED_FILES
            .iter()
            .any(|(d, v, file, rendered)| *d == dialect && *v == m.version && *file == recorded && *rendered == now)
}

/// What a backend offers the runner. `apply` runs the script and records it in one transaction.
pub trait MigrationTarget {
    fn dialect(&self) -> Dialect;
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
        if !accepted(m, target.dialect(), checksum) {
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

    #[test]
    fn the_list_is_gapless_and_every_migration_renders_for_both_dialects() {
        check_numbering(MIGRATIONS).unwrap();
        for m in MIGRATIONS {
            for d in [Dialect::Sqlite, Dialect::Postgres] {
                assert!(!m.sql(d).trim().is_empty(), "{} renders for {d:?}", m.name);
            }
        }
    }

    #[test]
    fn every_retired_file_is_pinned_to_the_rendering_that_replaced_it() {
        // An edit to an already-applied step changes its rendering: the pin then no longer
        // matches, and databases migrated from the old files refuse it as they would a new one.
        // Migrations written after the files were retired never had one.
        let last_retired = RETIRED_FILES.iter().map(|(_, v, _, _)| *v).max().unwrap();
        assert_eq!(last_retired, 5);
        for m in MIGRATIONS.iter().filter(|m| m.version <= last_retired) {
            for d in [Dialect::Sqlite, Dialect::Postgres] {
                let pins: Vec<_> = RETIRED_FILES
                    .iter()
                    .filter(|(pd, v, _, _)| *pd == d && *v == m.version)
                    .collect();
                assert_eq!(pins.len(), 1, "{} on {d:?} has one pin", m.name);
                assert_eq!(pins[0].3, m.checksum(d), "{} on {d:?} renders as when pinned", m.name);
                assert!(accepted(m, d, pins[0].2));
            }
        }
        assert!(!accepted(&MIGRATIONS[0], Dialect::Sqlite, "edited"));
        // A retired file's checksum is good only for its own version and dialect.
        assert!(!accepted(&MIGRATIONS[1], Dialect::Sqlite, RETIRED_FILES[0].2));
        assert!(!accepted(&MIGRATIONS[0], Dialect::Postgres, RETIRED_FILES[0].2));
    }

    #[test]
    fn every_column_is_created_exactly_once() {
        use std::collections::BTreeMap;
        let mut made: BTreeMap<(&str, &str), usize> = BTreeMap::new();
        for m in MIGRATIONS {
            for step in m.steps {
                match step {
                    Step::Create { table, added_later } => {
                        for c in table.columns.iter().filter(|c| !added_later.contains(&c.name)) {
                            *made.entry((table.name, c.name)).or_default() += 1;
                        }
                    }
                    Step::AddColumn { table, column } => *made.entry((table.name, column)).or_default() += 1,
                    _ => {}
                }
            }
        }
        for table in tables::ALL {
            for c in table.columns {
                assert_eq!(made.get(&(table.name, c.name)), Some(&1), "{}.{}", table.name, c.name);
            }
        }
        assert_eq!(made.len(), tables::ALL.iter().map(|t| t.columns.len()).sum::<usize>());
    }

    #[test]
    fn numbering_gaps_and_misnamed_files_are_refused() {
        let a = Migration {
            version: 1,
            name: "0001_a.sql",
            steps: &[],
        };
        let c = Migration {
            version: 3,
            name: "0003_c.sql",
            steps: &[],
        };
        assert!(check_numbering(&[a, c]).is_err());
        let misnamed = Migration {
            version: 2,
            name: "0005_b.sql",
            steps: &[],
        };
        assert!(check_numbering(&[a, misnamed]).is_err());
    }

    /// An in-memory target that records what was applied.
    struct Recorder(Vec<(u32, String)>, Vec<u32>);
    impl MigrationTarget for Recorder {
        fn dialect(&self) -> Dialect {
            Dialect::Sqlite
        }
        fn applied(&mut self) -> Result<Vec<(u32, String)>, StoreError> {
            Ok(self.0.clone())
        }
        fn apply(&mut self, m: &Migration) -> Result<(), StoreError> {
            self.0.push((m.version, m.checksum(Dialect::Sqlite)));
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
                steps: &[Step::Sql("CREATE TABLE a (x INT)")],
            },
            Migration {
                version: 2,
                name: "0002_b.sql",
                steps: &[Step::Sql("CREATE TABLE b (x INT)")],
            },
        ];
        let mut target = Recorder(Vec::new(), Vec::new());
        assert_eq!(run(&mut target, &list[..1]).unwrap(), 1);
        assert_eq!(run(&mut target, &list).unwrap(), 1);
        assert_eq!(run(&mut target, &list).unwrap(), 0);
        assert_eq!(target.1, vec![1, 2]);
        let mut changed = list;
        changed[0].steps = &[Step::Sql("CREATE TABLE a (x INT, y INT)")];
        let err = run(&mut target, &changed).unwrap_err();
        assert!(err.to_string().contains("changed after it was applied"), "{err}");
        assert!(
            run(&mut target, &list[..1]).is_err(),
            "unknown applied migration refused"
        );
    }
}
