//! The `desk-server` binary: subcommands, password handling, all-or-nothing timetable import,
//! idempotent demo data, and `serve` answering on the address it prints.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_desk-server");

fn run(args: &[&str], password: Option<&str>) -> std::process::Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args).env("RUST_LOG", "warn").env_remove("DESK_STAFF_PASSWORD");
    if let Some(p) = password {
        cmd.env("DESK_STAFF_PASSWORD", p);
    }
    cmd.stdin(Stdio::null()).output().expect("desk-server runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn store(dir: &std::path::Path) -> std::sync::Arc<dyn desk_server::Store> {
    desk_server::open_store(&desk_server::StoreConfig::Sqlite {
        path: dir.join("council.db"),
    })
    .unwrap()
}

#[test]
fn help_lists_every_subcommand() {
    let out = run(&["--help"], None);
    assert!(out.status.success());
    let help = text(&out.stdout);
    for sub in [
        "serve",
        "migrate",
        "add-staff",
        "disable-staff",
        "enable-staff",
        "reset-password",
        "set-access",
        "audit",
        "import-timetable",
        "demo-data",
    ] {
        assert!(help.contains(sub), "--help lists {sub}:\n{help}");
    }
}

#[test]
fn add_staff_takes_the_password_from_the_environment_and_refuses_short_ones() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let args = [
        "add-staff",
        "--data-dir",
        d,
        "--username",
        "morag",
        "--display-name",
        "Morag MacLeod",
        "--role",
        "leisure-desk",
        "--site",
        "leisure:1",
    ];
    let short = run(&args, Some("too short"));
    assert!(!short.status.success());
    assert!(text(&short.stderr).contains("at least 12"), "{}", text(&short.stderr));
    assert!(store(dir.path()).staff_by_username("morag").unwrap().is_none());

    let ok = run(&args, Some("a long enough passphrase"));
    assert!(ok.status.success(), "{}", text(&ok.stderr));
    let staff = store(dir.path()).staff_by_username("morag").unwrap().unwrap();
    assert!(staff.password_hash.starts_with("$argon2id$"));
    assert!(desk_server::auth::verify_password(
        &staff.password_hash,
        "a long enough passphrase"
    ));

    let again = run(&args, Some("a long enough passphrase"));
    assert!(!again.status.success(), "a taken username is refused");
    let bad_role = run(
        &[
            "add-staff",
            "--data-dir",
            d,
            "--username",
            "x",
            "--display-name",
            "X",
            "--role",
            "wizard",
        ],
        Some("a long enough passphrase"),
    );
    assert!(!bad_role.status.success());
}

#[test]
fn import_timetable_reports_every_bad_line_and_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let bad = run(
        &[
            "import-timetable",
            "--data-dir",
            d,
            fixtures.join("timetable-bad.csv").to_str().unwrap(),
        ],
        None,
    );
    assert!(!bad.status.success());
    let stderr = text(&bad.stderr);
    for line in [3, 4, 6, 7, 8, 9, 10, 11, 12] {
        assert!(
            stderr.contains(&format!("line {line}: ")),
            "line {line} reported:\n{stderr}"
        );
    }
    assert!(!stderr.contains("line 2: "), "good lines are not reported");
    assert_eq!(store(dir.path()).count("sessions").unwrap(), 0);

    let good = run(
        &[
            "import-timetable",
            "--data-dir",
            d,
            fixtures.join("timetable-good.csv").to_str().unwrap(),
        ],
        None,
    );
    assert!(good.status.success(), "{}", text(&good.stderr));
    assert!(text(&good.stdout).contains("14 session(s)"));
    assert_eq!(store(dir.path()).count("sessions").unwrap(), 14);
}

#[test]
fn demo_data_loads_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let first = run(&["demo-data", "--data-dir", d], None);
    assert!(first.status.success(), "{}", text(&first.stderr));
    let s = store(dir.path());
    let (customers, head) = (s.count("customers").unwrap(), s.head().unwrap());
    assert!(customers >= 30_000);
    assert!(s.count("ct_accounts").unwrap() >= 45_000);
    drop(s);
    let second = run(&["demo-data", "--data-dir", d], None);
    assert!(second.status.success(), "{}", text(&second.stderr));
    let s = store(dir.path());
    assert_eq!(
        (s.count("customers").unwrap(), s.head().unwrap()),
        (customers, head),
        "no second load"
    );
}

#[test]
fn serve_prints_its_address_and_answers() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(BIN)
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--data-dir",
            dir.path().to_str().unwrap(),
        ])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line.trim().rsplit(' ').next().unwrap().to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{line}");
    let body = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            reqwest::get(format!("{url}/v1/capabilities"))
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        })
    })
    .join()
    .unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    let caps: desk_domain::Capabilities = serde_json::from_str(&body).unwrap();
    assert_eq!(caps.backend, "sqlite");
    assert!(dir.path().join("council.db").exists());
}

#[test]
fn account_admin_disables_enables_resets_and_sets_access() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let added = run(
        &[
            "add-staff",
            "--data-dir",
            d,
            "--username",
            "morag",
            "--display-name",
            "Morag MacLeod",
            "--role",
            "leisure-desk",
            "--site",
            "leisure:1",
            "--site",
            "leisure:2",
        ],
        Some("a long enough passphrase"),
    );
    assert!(added.status.success(), "{}", text(&added.stderr));
    for (weak, why) in [
        ("Password1234567", "\"password\""),
        ("moray council 2026", "\"council\""),
        ("Iain-2026-spring", "username"),
        ("qwerty123456", "common"),
    ] {
        let out = run(
            &[
                "add-staff",
                "--data-dir",
                d,
                "--username",
                "iain",
                "--display-name",
                "Iain",
                "--role",
                "trainer",
            ],
            Some(weak),
        );
        assert!(!out.status.success());
        assert!(text(&out.stderr).contains(why), "{weak}: {}", text(&out.stderr));
    }
    assert!(store(dir.path()).staff_by_username("iain").unwrap().is_none());

    let out = run(&["disable-staff", "--data-dir", d, "--username", "morag"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(store(dir.path()).staff_by_username("morag").unwrap().unwrap().disabled);
    let out = run(&["enable-staff", "--data-dir", d, "--username", "morag"], None);
    assert!(out.status.success());
    assert!(!store(dir.path()).staff_by_username("morag").unwrap().unwrap().disabled);
    let out = run(&["disable-staff", "--data-dir", d, "--username", "nobody"], None);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("no staff member `nobody`"),
        "{}",
        text(&out.stderr)
    );

    let out = run(
        &[
            "set-access",
            "--data-dir",
            d,
            "--username",
            "morag",
            "--role",
            "leisure-desk",
            "--site",
            "leisure:2",
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let staff = store(dir.path()).staff_by_username("morag").unwrap().unwrap();
    assert_eq!(staff.sites, vec![desk_domain::Site::leisure(2)]);
    assert_eq!(staff.roles, vec![desk_domain::Role::LeisureDesk]);

    let weak = run(
        &["reset-password", "--data-dir", d, "--username", "morag"],
        Some("short"),
    );
    assert!(!weak.status.success());
    let out = run(
        &["reset-password", "--data-dir", d, "--username", "morag"],
        Some("a new and longer phrase"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let staff = store(dir.path()).staff_by_username("morag").unwrap().unwrap();
    assert!(desk_server::auth::verify_password(
        &staff.password_hash,
        "a new and longer phrase"
    ));
    assert!(!desk_server::auth::verify_password(
        &staff.password_hash,
        "a long enough passphrase"
    ));
}

#[test]
fn audit_person_prints_records_and_accesses() {
    use common::*;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let booking = {
        let s = store(dir.path());
        s.load(&world()).unwrap();
        let caller = leisure_caller(&*s, "desk.a", CENTRE_A);
        let cmd = book(SESSION_FULLABLE, 7);
        let pushed = s.push(&caller, &[envelope(caller.device_id, 1, &cmd)], now()).unwrap();
        assert_eq!(pushed.receipts.len(), 1);
        s.append_audit(&desk_server::AuditEntry {
            record_kind: Some("customer".into()),
            record_id: Some("7".into()),
            person_id: Some(7),
            ..desk_server::AuditEntry::server(Some(caller.staff_id), Some(caller.device_id), "view", "search result")
        })
        .unwrap();
        booking_id(&cmd)
    };
    let out = run(&["audit", "--data-dir", d, "--person", "7"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    assert!(report.contains("Records held (2)"), "{report}");
    assert!(report.contains("customers 7: {"), "{report}");
    assert!(report.contains(&format!("bookings {booking}: {{")), "{report}");
    assert!(report.contains("Accesses and changes (2)"), "{report}");
    assert!(
        report.contains(&format!(" change booking {booking} server")),
        "{report}"
    );
    assert!(report.contains(" view customer 7 server"), "{report}");
    // Someone else's records are not in it.
    assert!(!report.contains("customers 8"), "{report}");
    let bad = run(&["audit", "--data-dir", d, "--person", "seven"], None);
    assert!(!bad.status.success());
}
