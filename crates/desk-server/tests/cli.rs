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

/// The store the binary wrote under `--data-dir dir`.
fn store(dir: &std::path::Path) -> std::sync::Arc<dyn desk_server::Store> {
    desk_testkit::TestDb::new(desk_testkit::Backend::Sqlite, dir).open()
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
        "import-attendance-codes",
        "import-calendar",
        "import-register",
        "export-attendance",
        "ct-export",
        "ct-import-status",
        "leisure-settings",
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
fn leisure_settings_reports_the_bad_line_and_loads_a_good_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    assert!(run(&["demo-data", "--data-dir", d], None).status.success());
    let header = "council,centre_id,from,until,activity_cutoff_minutes,space_cutoff_minutes,late_refund_percent,no_show_fee,no_show_strikes,no_show_period_days,no_show_block_days,offer_hold_minutes,max_block_weeks,member_days_ahead,days_ahead,release_time,check_in_opens_minutes,concession_warn_days,source";
    let file = dir.path().join("policies.csv");
    let settings = |store: &dyn desk_server::Store| store.records("leisure_settings", &[]).unwrap();
    let before = settings(&*store(dir.path()));

    std::fs::write(
        &file,
        format!("{header}\nMoray,1,2027-04-01,,three hours,1440,0,3.00,2,30,30,120,52,14,7,07:00,30,14,x\n"),
    )
    .unwrap();
    let bad = run(
        &[
            "leisure-settings",
            "--data-dir",
            d,
            "--policies",
            file.to_str().unwrap(),
        ],
        None,
    );
    assert!(!bad.status.success());
    assert!(text(&bad.stderr).contains("line 2"), "{}", text(&bad.stderr));
    assert_eq!(settings(&*store(dir.path())), before, "nothing loaded");

    std::fs::write(
        &file,
        format!("{header}\nMoray,1,2027-04-01,,240,1440,0,3.00,2,30,30,120,52,14,7,07:00,30,14,x\n"),
    )
    .unwrap();
    let good = run(
        &[
            "leisure-settings",
            "--data-dir",
            d,
            "--policies",
            file.to_str().unwrap(),
        ],
        None,
    );
    assert!(good.status.success(), "{}", text(&good.stderr));
    assert!(text(&good.stdout).contains("centre 1: "), "{}", text(&good.stdout));
    assert_ne!(settings(&*store(dir.path())), before);
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
    // The school office's reference data and records: every school's codes and calendar, the
    // year's absences so far and the demo week's registers.
    let codes = desk_fixtures::ATTENDANCE_CODES_CSV.lines().count() as u64 - 1;
    assert_eq!(s.count("attendance_codes").unwrap(), 50 * codes);
    assert_eq!(s.count("school_years").unwrap(), 50);
    assert!(s.count("school_days").unwrap() >= 50 * 190);
    assert!(s.count("registration_marks").unwrap() > 0);
    assert!(s.count("absences").unwrap() > 0);
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
    assert!(report.contains("Person customer:7"), "{report}");
    assert!(report.contains("Records held (2)"), "{report}");
    assert!(report.contains("customers 7: {"), "{report}");
    assert!(report.contains(&format!("bookings {booking}: {{")), "{report}");
    assert!(report.contains("Accesses and changes (2)"), "{report}");
    assert!(
        report.contains(&format!(" change booking {booking} server")),
        "{report}"
    );
    assert!(report.contains(" view customer 7 server by desk.a (staff "), "{report}");
    // Someone else's records are not in it.
    assert!(!report.contains("customers 8"), "{report}");
    let bad = run(&["audit", "--data-dir", d, "--person", "seven"], None);
    assert!(!bad.status.success());
}

/// The CLI's store arguments for a test database.
fn store_args(db: &common::TestDb) -> Vec<String> {
    match &db.config {
        desk_server::StoreConfig::Sqlite { path } => {
            vec!["--data-dir".into(), path.parent().unwrap().to_str().unwrap().into()]
        }
        desk_server::StoreConfig::Postgres { url } => vec!["--database".into(), url.clone()],
    }
}

fn audit_json(db: &common::TestDb, person: &str) -> serde_json::Value {
    let mut args = vec!["audit".to_owned(), "--person".into(), person.into(), "--json".into()];
    args.extend(store_args(db));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = run(&args, None);
    assert!(out.status.success(), "{person}: {}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{person}: not JSON ({e}): {}", text(&out.stdout)))
}

/// Customer 7, pupil 7 and council-tax account 7 are three different people: each report holds
/// only its own records and the accesses to them.
fn audit_covers_every_kind_of_person(backend: &str) {
    use common::*;
    use desk_domain::{Contact, CouncilTaxBand, CtAccount, LiablePerson, Pupil, School, SchoolKind};
    let db = db(backend);
    let s = open(&db);
    let dob = chrono::NaiveDate::from_ymd_opt(2015, 3, 9).unwrap();
    let pupil = |id: i64, first: &str| Pupil {
        id,
        school_id: 3,
        first_name: first.into(),
        last_name: "Mac an t-Sagairt".into(),
        date_of_birth: dob,
        stage: "P5".into(),
        class: "P5A".into(),
        on_roll_from: None,
        on_roll_to: None,
    };
    let contact = |id: i64, pupil_id: i64, name: &str| Contact {
        id,
        pupil_id,
        school_id: 3,
        name: name.into(),
        relationship: "Mother".into(),
        phone: "01343 000000".into(),
        email: None,
        priority: 1,
    };
    let ct = |id: i64, liable: &str| CtAccount {
        id,
        reference: format!("CT{id:08}").parse().unwrap(),
        office_id: 1,
        band: CouncilTaxBand::C,
        address: "1 High Street, Elgin".into(),
        postcode: "IV30 1AB".into(),
        uprn: format!("{id}").parse().unwrap(),
        liable: vec![LiablePerson {
            name: liable.into(),
            date_of_birth: chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap(),
        }],
        phone: None,
        email: None,
        single_person_discount: false,
        direct_debit: true,
        paperless: false,
        liability_start: None,
        last_instalment_pence: None,
        bank_last_four: Some("1234".into()),
    };
    let mut batch = world();
    batch.schools = vec![School {
        id: 3,
        name: "Seafield Primary".into(),
        kind: SchoolKind::Primary,
        town: "Elgin".into(),
    }];
    batch.pupils = vec![pupil(7, "Ùisdean"), pupil(8, "Eilidh")];
    batch.contacts = vec![
        contact(70, 7, "Catrìona Mac an t-Sagairt"),
        contact(71, 7, "Padraig Mac an t-Sagairt"),
        contact(80, 8, "Someone Else"),
    ];
    batch.ct_accounts = vec![ct(7, "Seumas Rothach"), ct(8, "Other Payer")];
    s.load(&batch).unwrap();
    let caller = leisure_caller(&*s, "desk.a", CENTRE_A);
    let cmd = book(SESSION_FULLABLE, 7);
    s.push(&caller, &[envelope(caller.device_id, 1, &cmd)], now()).unwrap();
    let booking = booking_id(&cmd).to_string();
    let view = |kind: &str, id: &str, person: Option<i64>, detail: &str| {
        s.append_audit(&desk_server::AuditEntry {
            record_kind: Some(kind.into()),
            record_id: Some(id.into()),
            person_id: person,
            source: "desk".into(),
            ..desk_server::AuditEntry::server(Some(caller.staff_id), Some(caller.device_id), "view", detail)
        })
        .unwrap();
    };
    view("customer", "7", Some(7), "customer search result");
    view("customer", "8", Some(8), "customer search result");
    view("pupil", "7", Some(7), "pupil record");
    // Found by the record it is about, although it names no person.
    view("contact", "71", None, "emergency contacts");
    view("pupil", "8", Some(8), "pupil record");
    view("ct_account", "7", Some(7), "account enquiry");
    view("ct_account", "8", Some(8), "account enquiry");

    let kinds = |v: &serde_json::Value, list: &str, field: &str| -> Vec<String> {
        v[list]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                format!(
                    "{} {}",
                    e[field].as_str().unwrap(),
                    e[if list == "records" { "id" } else { "record_id" }].as_str().unwrap()
                )
            })
            .collect()
    };

    let customer = audit_json(&db, "customer:7");
    assert_eq!(audit_json(&db, "7"), customer, "a bare number is a customer");
    assert_eq!(
        (
            customer["person"].as_str(),
            customer["kind"].as_str(),
            customer["id"].as_i64()
        ),
        (Some("customer:7"), Some("customer"), Some(7))
    );
    assert_eq!(
        kinds(&customer, "records", "table"),
        ["customers 7".to_owned(), format!("bookings {booking}")]
    );
    assert_eq!(customer["records"][0]["data"]["id"], 7);
    assert_eq!(customer["records"][1]["data"]["customer_id"], 7);
    let mut accessed = kinds(&customer, "accesses", "record_kind");
    accessed.sort();
    assert_eq!(accessed, [format!("booking {booking}"), "customer 7".to_owned()]);
    for a in customer["accesses"].as_array().unwrap() {
        assert_eq!(a["staff_id"], caller.staff_id);
        assert_eq!(a["staff_username"], "desk.a");
        assert_eq!(a["device_id"], caller.device_id.to_string());
        assert!(
            chrono::DateTime::parse_from_rfc3339(a["at"].as_str().unwrap()).is_ok(),
            "{a}"
        );
        assert_eq!(a["person_id"], 7);
    }
    let change = customer["accesses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["action"] == "change")
        .unwrap();
    assert_eq!(
        (change["source"].as_str(), change["record_kind"].as_str()),
        (Some("server"), Some("booking"))
    );
    let seen = customer["accesses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["action"] == "view")
        .unwrap();
    assert_eq!(seen["detail"], "customer search result");

    let pupil = audit_json(&db, "pupil:7");
    assert_eq!(pupil["kind"], "pupil");
    assert_eq!(
        kinds(&pupil, "records", "table"),
        ["pupils 7", "contacts 70", "contacts 71"]
    );
    assert_eq!(pupil["records"][0]["data"]["first_name"], "Ùisdean");
    assert_eq!(kinds(&pupil, "accesses", "record_kind"), ["pupil 7", "contact 71"]);

    let account = audit_json(&db, "ct:7");
    assert_eq!(account["kind"], "ct_account");
    assert_eq!(kinds(&account, "records", "table"), ["ct_accounts 7"]);
    assert_eq!(account["records"][0]["data"]["liable"][0]["name"], "Seumas Rothach");
    assert_eq!(kinds(&account, "accesses", "record_kind"), ["ct_account 7"]);
    assert_eq!(account["accesses"][0]["detail"], "account enquiry");

    let nobody = audit_json(&db, "pupil:9");
    assert!(nobody["records"].as_array().unwrap().is_empty());
    assert!(nobody["accesses"].as_array().unwrap().is_empty());

    // The text form names the person the same way.
    let mut args = vec!["audit".to_owned(), "--person".into(), "pupil:7".into()];
    args.extend(store_args(&db));
    let out = run(&args.iter().map(String::as_str).collect::<Vec<_>>(), None);
    let report = text(&out.stdout);
    assert!(report.contains("Person pupil:7"), "{report}");
    assert!(report.contains("contacts 71: {"), "{report}");
    assert!(report.contains(" view contact 71 desk by desk.a"), "{report}");
    assert!(!report.contains("Eilidh"), "{report}");

    for bad in ["seven", "school:7", "pupil:", "pupil:-1", "customer:0", "ct:7:1", ""] {
        let mut args = vec!["audit".to_owned(), "--person".into(), bad.into(), "--json".into()];
        args.extend(store_args(&db));
        let out = run(&args.iter().map(String::as_str).collect::<Vec<_>>(), None);
        assert!(!out.status.success(), "{bad:?} is refused");
        assert!(out.stdout.is_empty(), "{bad:?}: nothing printed");
        assert!(
            text(&out.stderr).contains("customer:ID"),
            "{bad:?}: {}",
            text(&out.stderr)
        );
    }
}

#[test]
fn sqlite_audit_covers_every_kind_of_person() {
    audit_covers_every_kind_of_person("sqlite");
}

#[test]
fn postgres_audit_covers_every_kind_of_person() {
    audit_covers_every_kind_of_person("postgres");
}

/// `audit --json` at the most verbose log level, on a database already migrated (so PostgreSQL
/// would answer the migration runner's `CREATE TABLE IF NOT EXISTS` with a NOTICE): standard
/// output is the JSON document alone, parsed whole; the logs are on standard error.
fn json_output_is_the_document_alone(backend: &str) {
    use common::*;
    let db = db(backend);
    let s = open(&db);
    s.load(&world()).unwrap();
    s.append_audit(&desk_server::AuditEntry {
        record_kind: Some("customer".into()),
        record_id: Some("7".into()),
        person_id: Some(7),
        ..desk_server::AuditEntry::server(None, None, "view", "search result")
    })
    .unwrap();
    drop(s);
    for first in ["migrate", "migrate"] {
        let mut args = vec![first.to_owned()];
        args.extend(store_args(&db));
        let out = run(&args.iter().map(String::as_str).collect::<Vec<_>>(), None);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let mut args = vec![
        "audit".to_owned(),
        "--person".into(),
        "customer:7".into(),
        "--json".into(),
    ];
    args.extend(store_args(&db));
    let out = Command::new(BIN)
        .args(&args)
        .env("RUST_LOG", "trace")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{backend}: standard output is not one JSON document ({e}):\n{}",
            text(&out.stdout)
        )
    });
    assert_eq!(doc["person"], "customer:7", "{doc}");
    assert_eq!(doc["accesses"][0]["detail"], "search result", "{doc}");
    let stdout = text(&out.stdout);
    assert!(
        !stdout.contains("NOTICE") && !stdout.contains("already exists"),
        "{stdout}"
    );
}

#[test]
fn sqlite_json_output_is_the_document_alone() {
    json_output_is_the_document_alone("sqlite");
}

#[test]
fn postgres_json_output_is_the_document_alone() {
    json_output_is_the_document_alone("postgres");
}

#[test]
fn school_imports_and_the_export_through_the_binary() {
    use desk_testkit::school::*;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let s = store(dir.path());
    let mut world = school_world(2026);
    world.attendance_codes.clear();
    s.load(&world).unwrap();
    let file = |name: &str, bytes: &[u8]| {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path.to_str().unwrap().to_owned()
    };

    let codes = file("codes.csv", desk_fixtures::ATTENDANCE_CODES_CSV.as_bytes());
    let out = run(&["import-attendance-codes", "--data-dir", d, &codes], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("into 2 school(s)"), "{}", text(&out.stdout));

    // A register with a duplicate pupil and a line that is not UTF-8: refused, line by line.
    let bad = file(
        "bad-register.csv",
        format!("school_id,pupil_ref,date,opening\n4,{PUPIL},2026-12-01,AM\n4,{PUPIL},2026-12-01,AM\n").as_bytes(),
    );
    let out = run(&["import-register", "--data-dir", d, &bad], None);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("line 3: pupil reference 401 appears twice"), "{err}");
    assert!(err.contains("nothing was imported"), "{err}");
    let latin1 = file(
        "latin1.csv",
        b"school_id,pupil_ref,date,opening\n4,401,2026-12-01,AM \xe9\n",
    );
    let out = run(&["import-register", "--data-dir", d, &latin1], None);
    assert!(
        text(&out.stderr).contains("line 2: the file is not UTF-8"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(s.count("registration_marks").unwrap(), 0);

    let good = file(
        "register.csv",
        format!("school_id,pupil_ref,date,opening\n4,{PUPIL},2026-12-01,AM\n").as_bytes(),
    );
    let out = run(&["import-register", "--data-dir", d, &good], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(s.count("registration_marks").unwrap(), 1);

    let calendar = file(
        "calendar.csv",
        b"school_id,from,to,kind,halves,label\n4,2027-08-18,2028-06-29,term,both,\n",
    );
    let out = run(&["import-calendar", "--data-dir", d, &calendar], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("in 1 school year(s)"),
        "{}",
        text(&out.stdout)
    );

    // An absence, exported once to a file; the second export holds only the header.
    let office = school_caller(&*s, "office.4", SCHOOL, false);
    let m = desk_testkit::envelope(
        office.device_id,
        1,
        &record_absence(PUPIL, "2026-12-01 AM", "2026-12-01 PM"),
    );
    let r = s.push(&office, &[m], school_morning()).unwrap();
    assert!(matches!(r.receipts[0].outcome, desk_domain::Outcome::Applied));
    drop(s);
    let csv = dir.path().join("export.csv");
    let export = |path: &std::path::Path| {
        run(
            &[
                "export-attendance",
                "--data-dir",
                d,
                "--school",
                "4",
                "--from",
                "2026-11-30",
                "--to",
                "2026-12-04",
                "--out",
                path.to_str().unwrap(),
            ],
            None,
        )
    };
    let out = export(&csv);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let written = std::fs::read_to_string(&csv).unwrap();
    assert!(written.starts_with("pupil_ref,date,opening,code,reason,"), "{written}");
    assert_eq!(written.lines().count(), 3, "{written}");
    assert!(
        written.contains("401,2026-12-01,AM,LC-ILL,Temperature,Catriona MacDonald,Mum,"),
        "{written}"
    );
    let again = dir.path().join("again.csv");
    assert!(export(&again).status.success());
    assert_eq!(std::fs::read_to_string(&again).unwrap().lines().count(), 1);
}
