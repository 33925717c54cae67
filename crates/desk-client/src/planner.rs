//! The sync planner: from what the desk knows (a [`SyncDiff`]) to what to do next (a list of
//! [`Operation`]s). Pure, no I/O, so every case is a row in a table test.

use serde::{Deserialize, Serialize};

/// What the desk knows about its own outbox, its replica and the server, read in one go.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncDiff {
    /// Highest seq this desk has allocated (0 before its first command).
    pub local_last_seq: u64,
    /// Lowest and highest seq in the outbox with no receipt yet.
    pub unreceipted: Option<(u64, u64)>,
    /// `device_last_seq` as last heard from the server; `None` before first contact.
    pub server_last_seq: Option<u64>,
    /// Outbox rows with an `applied` receipt whose version the replica has already reached.
    pub settleable: u32,
    /// Highest receipt version still waiting for the replica to reach it.
    pub awaiting_version: Option<u64>,
    pub cursor: Option<String>,
    /// The replica holds every change in scope up to this change-log position.
    pub synced_version: u64,
    /// Newest change-log position heard of (from a pull or a poke).
    pub server_head: u64,
    /// The last page said more was waiting.
    pub pull_has_more: bool,
    /// Someone asked for a pull (sync now, a poke, the timer).
    pub pull_requested: bool,
    /// The scope the replica was pulled for is not the signed-in staff member's.
    pub scope_changed: bool,
    /// Largest push batch the server takes.
    pub max_push: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Operation {
    /// Drop every replica row and the cursor, to pull the new scope from the beginning.
    PurgeReplica,
    /// Remove outbox rows whose receipt the replica has caught up with.
    SettleReceipts { up_to_version: u64 },
    /// Push outbox rows `from_seq..=to_seq` (one request; at most `max_push` of them).
    Push { from_seq: u64, to_seq: u64 },
    /// The server is missing seqs this desk no longer holds: nothing can be pushed until
    /// someone looks at it. Reported, never retried blindly.
    SeqGap {
        server_last_seq: u64,
        first_unreceipted: u64,
    },
    /// The server has receipts for seqs this desk never made (its store was restored from an
    /// older copy, or another store took its device id): pushing would lose the new commands.
    /// Reported, never pushed.
    AheadOfDesk { server_last_seq: u64, local_last_seq: u64 },
    /// Pull pages from `cursor` until `has_more` is false.
    Pull { cursor: Option<String> },
}

pub fn plan(diff: &SyncDiff) -> Vec<Operation> {
    let mut ops = Vec::new();
    let mut cursor = diff.cursor.clone();
    let mut synced_version = diff.synced_version;
    if diff.scope_changed {
        ops.push(Operation::PurgeReplica);
        cursor = None;
        synced_version = 0;
    } else if diff.settleable > 0 {
        ops.push(Operation::SettleReceipts {
            up_to_version: synced_version,
        });
    }

    let mut need_pull = diff.pull_requested || diff.pull_has_more || cursor.is_none();
    if diff.server_head > synced_version || diff.awaiting_version.is_some_and(|v| v > synced_version) {
        need_pull = true;
    }

    if let Some(server) = diff.server_last_seq
        && server > diff.local_last_seq
    {
        ops.push(Operation::AheadOfDesk {
            server_last_seq: server,
            local_last_seq: diff.local_last_seq,
        });
        if need_pull {
            ops.push(Operation::Pull { cursor });
        }
        return ops;
    }

    if let Some((first, last)) = diff.unreceipted {
        // Seqs the server already has a receipt for come back with the next pull (ack_seq);
        // pushing starts after them.
        let from = match diff.server_last_seq {
            Some(server) if server + 1 < first => {
                ops.push(Operation::SeqGap {
                    server_last_seq: server,
                    first_unreceipted: first,
                });
                None
            }
            Some(server) => Some(first.max(server + 1)),
            None => Some(first),
        };
        if let Some(from) = from {
            if from > first {
                need_pull = true;
            }
            let batch = u64::from(diff.max_push.max(1));
            let mut start = from;
            while start <= last {
                let end = last.min(start + batch - 1);
                ops.push(Operation::Push {
                    from_seq: start,
                    to_seq: end,
                });
                start = end + 1;
            }
            if from <= last {
                need_pull = true;
            }
        }
    }

    if need_pull {
        ops.push(Operation::Pull { cursor });
    }
    ops
}

#[cfg(test)]
mod tests {
    use super::*;
    use Operation::*;

    fn base() -> SyncDiff {
        SyncDiff {
            cursor: Some("c10".into()),
            synced_version: 10,
            server_head: 10,
            max_push: 500,
            server_last_seq: Some(0),
            ..SyncDiff::default()
        }
    }

    #[test]
    fn planner_table() {
        let cases: Vec<(&str, SyncDiff, Vec<Operation>)> = vec![
            ("idle: nothing to do", base(), vec![]),
            (
                "first run: pull from the beginning",
                SyncDiff {
                    cursor: None,
                    synced_version: 0,
                    server_head: 0,
                    server_last_seq: None,
                    ..base()
                },
                vec![Pull { cursor: None }],
            ),
            (
                "sync now pulls even when nothing is known to be new",
                SyncDiff {
                    pull_requested: true,
                    ..base()
                },
                vec![Pull {
                    cursor: Some("c10".into()),
                }],
            ),
            (
                "poke with a newer head pulls",
                SyncDiff {
                    server_head: 12,
                    ..base()
                },
                vec![Pull {
                    cursor: Some("c10".into()),
                }],
            ),
            (
                "a page said has_more: keep pulling",
                SyncDiff {
                    pull_has_more: true,
                    ..base()
                },
                vec![Pull {
                    cursor: Some("c10".into()),
                }],
            ),
            (
                "pending mutations are pushed, then pulled for their effects",
                SyncDiff {
                    local_last_seq: 3,
                    unreceipted: Some((1, 3)),
                    ..base()
                },
                vec![
                    Push { from_seq: 1, to_seq: 3 },
                    Pull {
                        cursor: Some("c10".into()),
                    },
                ],
            ),
            (
                "push is split into batches the server takes",
                SyncDiff {
                    local_last_seq: 1200,
                    unreceipted: Some((1, 1200)),
                    ..base()
                },
                vec![
                    Push {
                        from_seq: 1,
                        to_seq: 500,
                    },
                    Push {
                        from_seq: 501,
                        to_seq: 1000,
                    },
                    Push {
                        from_seq: 1001,
                        to_seq: 1200,
                    },
                    Pull {
                        cursor: Some("c10".into()),
                    },
                ],
            ),
            (
                "server already receipted some (response lost): push the rest, pull brings receipts",
                SyncDiff {
                    local_last_seq: 5,
                    unreceipted: Some((3, 5)),
                    server_last_seq: Some(4),
                    ..base()
                },
                vec![
                    Push { from_seq: 5, to_seq: 5 },
                    Pull {
                        cursor: Some("c10".into()),
                    },
                ],
            ),
            (
                "server receipted everything: only pull, for the receipts",
                SyncDiff {
                    local_last_seq: 5,
                    unreceipted: Some((3, 5)),
                    server_last_seq: Some(5),
                    ..base()
                },
                vec![Pull {
                    cursor: Some("c10".into()),
                }],
            ),
            (
                "before first contact the server's seq is unknown: push from the first",
                SyncDiff {
                    local_last_seq: 2,
                    unreceipted: Some((1, 2)),
                    server_last_seq: None,
                    ..base()
                },
                vec![
                    Push { from_seq: 1, to_seq: 2 },
                    Pull {
                        cursor: Some("c10".into()),
                    },
                ],
            ),
            (
                "server lost seqs this desk settled: report the gap, push nothing",
                SyncDiff {
                    local_last_seq: 9,
                    unreceipted: Some((8, 9)),
                    server_last_seq: Some(3),
                    ..base()
                },
                vec![SeqGap {
                    server_last_seq: 3,
                    first_unreceipted: 8,
                }],
            ),
            (
                "the server knows seqs this desk never made: report, push nothing, still pull",
                SyncDiff {
                    local_last_seq: 2,
                    unreceipted: Some((2, 2)),
                    server_last_seq: Some(7),
                    pull_requested: true,
                    ..base()
                },
                vec![
                    AheadOfDesk {
                        server_last_seq: 7,
                        local_last_seq: 2,
                    },
                    Pull {
                        cursor: Some("c10".into()),
                    },
                ],
            ),
            (
                "receipts the replica already reached are settled first",
                SyncDiff {
                    settleable: 2,
                    ..base()
                },
                vec![SettleReceipts { up_to_version: 10 }],
            ),
            (
                "an applied receipt beyond the replica needs a pull",
                SyncDiff {
                    awaiting_version: Some(14),
                    server_head: 14,
                    ..base()
                },
                vec![Pull {
                    cursor: Some("c10".into()),
                }],
            ),
            (
                "scope changed: purge, then pull from the beginning; pushes still go",
                SyncDiff {
                    scope_changed: true,
                    settleable: 1,
                    local_last_seq: 1,
                    unreceipted: Some((1, 1)),
                    ..base()
                },
                vec![PurgeReplica, Push { from_seq: 1, to_seq: 1 }, Pull { cursor: None }],
            ),
        ];
        for (name, diff, want) in cases {
            assert_eq!(plan(&diff), want, "case: {name}");
        }
    }
}
