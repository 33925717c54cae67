#![cfg(unix)]
//! Demo mode's embedded server: real SQLite store, real HTTP on loopback, the desk engine
//! signing in to the demo account with the password demo mode uses.

use std::os::unix::fs::MetadataExt;

use council_desk::demo::{DemoServer, USERNAME};
use desk_client::{Desk, DeskConfig};

const MARKER: &str = "demo-loaded-for-week";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_server_loads_once_then_reuses_its_store_and_the_demo_account_signs_in() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = DemoServer::start(dir.path())
        .await
        .expect("first start loads the demo data");
    let marker = std::fs::read_to_string(dir.path().join(MARKER)).expect("marker written after loading");
    let week = marker.lines().next().expect("week line").to_owned();

    let desk = Desk::open(DeskConfig {
        data_dir: dir.path().join("probe-desk"),
        server_url: server.url(),
    })
    .await
    .expect("desk opens");
    let staff = desk
        .sign_in(USERNAME, server.password())
        .await
        .expect("demo account signs in");
    assert_eq!(staff.username, USERNAME);
    let report = desk.sync_now().await.expect("first sync");
    assert!(report.pulled_rows > 1000, "the demo data reached the desk: {report:?}");
    let centres = desk.leisure().centres().await.expect("centres");
    assert_eq!(centres.len(), 1, "demo.leisure sees its own centre only: {centres:?}");
    server.stop().await;

    // Second start in the same week: the store is reused, not loaded again.
    let db = dir.path().join("server").join("council.db");
    let before = std::fs::metadata(&db).expect("server store").ino();
    let again = DemoServer::start(dir.path()).await.expect("second start");
    assert_eq!(std::fs::read_to_string(dir.path().join(MARKER)).unwrap(), marker);
    desk.set_server_url(&again.url()).await.expect("new port");
    desk.sign_in(USERNAME, again.password()).await.expect("signs in again");
    assert_eq!(
        std::fs::metadata(&db).unwrap().ino(),
        before,
        "the same store file, not a new one"
    );
    again.stop().await;

    // A store made for another week is made again for this one (the timetable shows this week).
    std::fs::write(
        dir.path().join(MARKER),
        format!("2001-01-01\n{}\n", again_password(&marker)),
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("desk")).unwrap();
    std::fs::write(dir.path().join("desk").join("stale"), b"old week").unwrap();
    let rebuilt = DemoServer::start(dir.path()).await.expect("rebuilds for this week");
    let now = std::fs::read_to_string(dir.path().join(MARKER)).unwrap();
    assert_eq!(now.lines().next(), Some(week.as_str()));
    assert!(
        !dir.path().join("desk").join("stale").exists(),
        "the old week's desk store went with it"
    );
    rebuilt.stop().await;
}

fn again_password(marker: &str) -> String {
    marker.lines().nth(1).unwrap_or_default().to_owned()
}
