//! A council's leisure prices and policies loaded with `desk-server leisure-settings`, on SQLite
//! and PostgreSQL: what is loaded prices the next booking, syncs to the centre's desks, keeps the
//! centre's other dated lists, and a bad file loads nothing.

mod common;

use common::*;
use desk_domain::leisure::BookAndPay;
use desk_domain::leisure::payment::Tender;
use desk_domain::leisure::records::LeisureSettings;
use desk_domain::values::Pence;
use desk_domain::{Command, Outcome};
use desk_server::Store;
use desk_server::leisure_settings::{LeisureSettingsError, load_leisure_settings};
use uuid::Uuid;

conformance!(
    loaded_prices_price_the_next_booking_and_reach_the_centres_desks,
    a_later_list_is_added_beside_the_earlier_one,
    a_bad_file_loads_nothing,
);

const PRICE_HEADER: &str = "council,centre_id,from,until,scheme,junior_below_age,concession_from_age,source,item,name,hours_label,days,hours_from,hours_to,adult,junior,concession,member";
const POLICY_HEADER: &str = "council,centre_id,from,until,activity_cutoff_minutes,space_cutoff_minutes,late_refund_percent,no_show_fee,no_show_strikes,no_show_period_days,no_show_block_days,offer_hold_minutes,max_block_weeks,member_days_ahead,days_ahead,release_time,check_in_opens_minutes,concession_warn_days,source";

/// Centre A's class at `adult` pounds, in a list from `from`.
fn price_file(from: &str, until: &str, adult: &str) -> String {
    format!(
        "{PRICE_HEADER}\nTest council,{CENTRE_A},{from},{until},FitLife,16,60,test figures,activity:{ACTIVITY_A},Aqua fit,,,,,{adult},3.00,1.50,casual\n"
    )
}

fn policy_file() -> String {
    format!(
        "{POLICY_HEADER}\nTest council,{CENTRE_A},2026-04-01,,180,1440,0,3.00,2,30,30,120,52,14,7,07:00,30,14,test figures\n"
    )
}

fn settings_of(store: &dyn Store, centre: i64) -> Option<LeisureSettings> {
    store
        .records("leisure_settings", &[])
        .unwrap()
        .into_iter()
        .map(|v| serde_json::from_value::<LeisureSettings>(v).unwrap())
        .find(|s| s.centre_id == centre)
}

fn book_and_pay(price: i64) -> Command {
    Command::from(BookAndPay {
        booking_id: Uuid::now_v7(),
        session_id: SESSION_FULLABLE,
        customer_id: 1,
        payment_id: Uuid::now_v7(),
        desk: "Front desk".into(),
        price: Pence(price),
        tender: Tender::Cash { tendered: Pence(2_000) },
    })
}

fn loaded_prices_price_the_next_booking_and_reach_the_centres_desks(backend: &str) {
    let (_db, store) = world_store(backend);
    let desk = quick_caller(&*store, "desk.a", CENTRE_A);
    let head = store.head().unwrap();
    let loaded = load_leisure_settings(
        &*store,
        Some(&price_file("2026-04-01", "", "7.25")),
        Some(&policy_file()),
    )
    .expect("a good pair of files loads");
    assert_eq!(loaded.len(), 1);

    // The server prices by the file: £6.00 (the example's price) is now a changed price.
    match outcome(&*store, &desk, 1, &book_and_pay(600)) {
        Outcome::Rejected { code, .. } => assert_eq!(code, "price_changed"),
        other => panic!("the old price was taken: {other:?}"),
    }
    assert_eq!(outcome(&*store, &desk, 2, &book_and_pay(725)), Outcome::Applied);

    let pulled = store
        .pull(&strs(&desk.buckets), head, 100, (desk.staff_id, desk.device_id), 0)
        .unwrap();
    assert!(
        pulled.rows.iter().any(|r| r.table == "leisure_settings"),
        "the centre's desks pull the settings"
    );
    let other = quick_caller(&*store, "desk.b", CENTRE_B);
    let theirs = store
        .pull(&strs(&other.buckets), head, 100, (other.staff_id, other.device_id), 0)
        .unwrap();
    assert!(
        theirs.rows.iter().all(|r| r.table != "leisure_settings"),
        "another centre's desk pulls none of centre A's settings"
    );
}

fn a_later_list_is_added_beside_the_earlier_one(backend: &str) {
    let (_db, store) = world_store(backend);
    load_leisure_settings(
        &*store,
        Some(&price_file("2026-04-01", "", "7.25")),
        Some(&policy_file()),
    )
    .unwrap();
    load_leisure_settings(&*store, Some(&price_file("2027-04-01", "", "7.50")), None).unwrap();
    let s = settings_of(&*store, CENTRE_A).unwrap();
    let spans: Vec<String> = s.prices.iter().map(|l| format!("{}..{:?}", l.from, l.until)).collect();
    assert_eq!(
        spans,
        ["2026-04-01..Some(2027-03-31)", "2027-04-01..None"],
        "both years kept, in order, the open-ended one ending the day before the new one"
    );
    assert_eq!(s.policies.len(), 1, "a price file alone leaves the policies");

    // The same start day replaces that list rather than adding a second.
    load_leisure_settings(&*store, Some(&price_file("2027-04-01", "", "7.75")), None).unwrap();
    let s = settings_of(&*store, CENTRE_A).unwrap();
    assert_eq!(s.prices.len(), 2);
    assert_eq!(s.prices[1].prices[0].adult, Pence(775));
}

fn a_bad_file_loads_nothing(backend: &str) {
    let (_db, store) = world_store(backend);
    load_leisure_settings(
        &*store,
        Some(&price_file("2026-04-01", "2027-03-31", "7.25")),
        Some(&policy_file()),
    )
    .unwrap();
    let before = settings_of(&*store, CENTRE_A);
    let head = store.head().unwrap();

    let bad_line = format!(
        "{}Test council,{CENTRE_A},2027-04-01,,FitLife,16,60,x,activity:{ACTIVITY_A},Aqua fit,,,,,seven,3.00,1.50,casual\n",
        price_file("2026-09-01", "", "7.00")
    );
    let cases: [(Option<String>, Option<String>, &str); 4] = [
        (Some(bad_line), None, "line 3"),
        (
            Some(price_file("2026-04-01", "", "7.25").replace(&format!(",{CENTRE_A},"), ",999,")),
            None,
            "no centre 999",
        ),
        // The held list runs to March 2027, so a list from June 2026 overlaps it.
        (Some(price_file("2026-06-01", "", "8.00")), None, "overlap"),
        (None, Some(policy_file().replace(",180,", ",soon,")), "line 2"),
    ];
    for (prices, policies, says) in cases {
        let err = load_leisure_settings(&*store, prices.as_deref(), policies.as_deref()).unwrap_err();
        assert!(err.to_string().contains(says), "{says}: {err}");
    }
    assert!(matches!(
        load_leisure_settings(&*store, None, None),
        Err(LeisureSettingsError::Nothing)
    ));
    assert_eq!(settings_of(&*store, CENTRE_A), before, "nothing changed");
    assert_eq!(store.head().unwrap(), head, "nothing was written");
}
