#![cfg(unix)]
//! The shell without a window: demo mode's embedded server (real SQLite, real HTTP on
//! loopback), staff desks in the real OS keyring (run under `scripts/with-keyring`), the idle
//! lock, unlock, switch user and sign-out, and what every data command answers meanwhile.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use council_desk::{Launch, Shell, Window};
use desk_client::{StaffDeskConfig, SyncStatus};
use desk_domain::scope::Capability;

/// What the shell told the window.
#[derive(Default)]
struct Recorder {
    locked: Mutex<Vec<String>>,
    statuses: Mutex<Vec<SyncStatus>>,
}

impl Window for Recorder {
    fn sync_status(&self, status: &SyncStatus) {
        self.statuses.lock().unwrap().push(status.clone());
    }

    fn desk_locked(&self, username: &str) {
        self.locked.lock().unwrap().push(username.to_owned());
    }
}

fn launch(dir: &std::path::Path, idle_lock_secs: u64) -> Launch {
    Launch {
        demo: true,
        data_dir: Some(dir.to_owned()),
        server_url: None,
        idle_lock_secs,
    }
}

const SECOND_USER: &str = "demo.leisure2";
const SECOND_PASSWORD: &str = "Demo-Leisure2-2017";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_desk_locks_when_idle_unlocks_with_the_password_and_switches_to_another_staff_store() {
    let dir = tempfile::tempdir().expect("temp dir");
    let window = Arc::new(Recorder::default());
    let shell = Arc::new(Shell::new(launch(dir.path(), 1), dir.path().to_owned(), window.clone()));

    // Nobody signed in yet: data commands say so.
    shell.mark_started(Ok(()));
    assert_eq!(shell.desk().await.unwrap_err().code, "signed_out");
    let info = shell.app_info().await.unwrap();
    assert!(!info.signed_in);
    assert_eq!(info.locked_for, None);
    assert_eq!(info.idle_lock_secs, 1);
    assert!(info.capabilities.is_empty(), "nobody signed in may do nothing");
    assert_eq!(shell.lock().await.unwrap_err().code, "signed_out");
    assert_eq!(shell.unlock("anything").await.unwrap_err().code, "signed_out");

    // Demo mode: the embedded server, then demo.leisure in its own encrypted store.
    shell.start_demo().await.expect("demo starts and signs in");
    let store = StaffDeskConfig::new(dir.path().join("demo"), "http://unused").store_path("demo.leisure");
    assert!(store.exists(), "the demo account's store is at {}", store.display());
    assert!(
        !dir.path().join("demo").join("desk").exists(),
        "no shared unencrypted desk"
    );
    let info = shell.app_info().await.unwrap();
    assert!(info.signed_in);
    assert_eq!(info.locked_for, None);
    assert_eq!(info.default_username.as_deref(), Some("demo.leisure"));
    // The desk says what the leisure-desk role opens; the interface follows that alone.
    assert_eq!(
        info.capabilities,
        vec![Capability::LeisureBook, Capability::Attention],
        "demo.leisure's capabilities"
    );
    let desk = shell.desk().await.expect("signed in, unlocked");
    desk.sync_now().await.expect("first sync");
    let centres = desk.leisure().centres().await.expect("centres");
    assert_eq!(centres.len(), 1, "{centres:?}");
    let first_centre = centres[0].id;

    // The contract's notes commands, as their lines call the desk: a note shows at once, newest
    // first, and an empty or overlong one is refused with `invalid_input`.
    let customer = desk.leisure().search_customers("a", 1).await.expect("search")[0].id;
    let before = desk.leisure().customer_notes(customer).await.expect("notes").len();
    let first = desk
        .leisure()
        .add_note(customer, "  Prefers the 07:00 swim. ", desk_domain::Channel::Telephone)
        .await
        .expect("note added");
    assert_eq!(first.text, "Prefers the 07:00 swim.");
    let second = desk
        .leisure()
        .add_note(
            customer,
            "Asked about\nthe family pass.",
            desk_domain::Channel::FaceToFace,
        )
        .await
        .expect("note with a line break added");
    let notes = desk.leisure().customer_notes(customer).await.expect("notes");
    assert_eq!(notes.len(), before + 2);
    assert_eq!([notes[0].id, notes[1].id], [second.id, first.id], "newest first");
    for bad in ["   ", &"x".repeat(501), "bell\u{7}"] {
        let refused = desk
            .leisure()
            .add_note(customer, bad, desk_domain::Channel::Email)
            .await
            .unwrap_err();
        assert_eq!(refused.to_body().code, "invalid_input", "{bad:?}: {refused:?}");
    }

    // Activity keeps it open; a second without any locks it, and the window hears whose desk it is.
    shell.touch();
    assert!(!shell.lock_if_idle().await, "just used: not idle");
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert!(shell.lock_if_idle().await, "idle for longer than the idle time: locked");
    assert_eq!(*window.locked.lock().unwrap(), vec!["demo.leisure".to_owned()]);
    assert!(!shell.lock_if_idle().await, "a locked desk is not locked again");
    assert_eq!(shell.desk().await.unwrap_err().code, "locked");
    assert_eq!(
        desk.leisure().centres().await.unwrap_err().code(),
        "locked",
        "the store itself is closed"
    );
    let info = shell.app_info().await.unwrap();
    assert!(info.signed_in);
    assert_eq!(info.locked_for.as_deref(), Some("demo.leisure"));
    assert!(info.capabilities.is_empty(), "a locked desk offers nothing");

    // A wrong password keeps it locked; the right one opens the same store again.
    let wrong = shell.unlock("not-the-password").await.unwrap_err();
    assert_eq!(wrong.code, "bad_credentials", "{wrong:?}");
    assert_eq!(shell.desk().await.unwrap_err().code, "locked");
    let profile = shell.unlock("Demo-Leisure-2017").await.expect("unlocks");
    assert!(!shell.lock_if_idle().await, "unlocking counts as activity");
    assert_eq!(profile.username, "demo.leisure");
    let desk = shell.desk().await.expect("unlocked");
    assert_eq!(
        desk.leisure().centres().await.expect("centres again")[0].id,
        first_centre
    );

    // Lock on request, then switch user: the second member gets their own store and sees only
    // their own centre; the first store stays on disk, closed.
    shell.lock().await.expect("locks");
    assert_eq!(window.locked.lock().unwrap().len(), 2);
    let refused = shell.switch_user(SECOND_USER, "wrong-password-here").await.unwrap_err();
    assert_eq!(refused.code, "bad_credentials");
    assert_eq!(
        shell.app_info().await.unwrap().locked_for.as_deref(),
        Some("demo.leisure"),
        "a failed switch leaves the first desk, locked"
    );
    let second = shell.switch_user(SECOND_USER, SECOND_PASSWORD).await.expect("switches");
    assert_eq!(second.username, SECOND_USER);
    let second_store = StaffDeskConfig::new(dir.path().join("demo"), "http://unused").store_path(SECOND_USER);
    assert!(second_store.exists() && second_store != store);
    assert!(store.exists(), "the first member's store stays");
    let desk = shell.desk().await.expect("second desk open");
    desk.sync_now().await.expect("second desk syncs");
    let theirs = desk.leisure().centres().await.expect("centres");
    assert_eq!(theirs.len(), 1);
    assert_ne!(
        theirs[0].id, first_centre,
        "the second member sees their own centre only"
    );
    assert_eq!(shell.app_info().await.unwrap().locked_for, None);

    // The idle timer itself, as the app runs it: it locks the second desk on its own.
    let timer = tokio::spawn({
        let shell = shell.clone();
        async move { shell.watch_idle().await }
    });
    let announced = window.locked.lock().unwrap().len();
    let started = std::time::Instant::now();
    while window.locked.lock().unwrap().len() == announced {
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "the idle timer did not lock the desk"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "locked before the idle time had passed"
    );
    let last_locked = window.locked.lock().unwrap().last().cloned();
    assert_eq!(last_locked.as_deref(), Some(SECOND_USER));
    assert_eq!(shell.app_info().await.unwrap().locked_for.as_deref(), Some(SECOND_USER));
    timer.abort();
    shell.unlock(SECOND_PASSWORD).await.expect("unlocks");

    // Sign out: nobody is signed in; every data command says so.
    shell.sign_out().await.expect("signs out");
    assert_eq!(shell.desk().await.unwrap_err().code, "signed_out");
    assert!(!shell.app_info().await.unwrap().signed_in);
    assert_eq!(
        desk.leisure().centres().await.unwrap_err().code(),
        "locked",
        "the store was closed"
    );
    assert!(
        window.statuses.lock().unwrap().iter().any(|s| s.signed_in.is_some()),
        "the window heard the sync status"
    );
    assert!(
        second_store.exists(),
        "signing out keeps the store (and any pending changes)"
    );
    assert_eq!(shell.sign_out().await, Ok(()), "signing out twice is harmless");

    // The same member signs in again, online, to the same store.
    let back = shell
        .sign_in(SECOND_USER, SECOND_PASSWORD)
        .await
        .expect("signs in again");
    assert_eq!(back.username, SECOND_USER);
    assert_eq!(
        shell
            .desk()
            .await
            .expect("open")
            .leisure()
            .centres()
            .await
            .expect("centres"),
        theirs
    );
    shell.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_address_is_checked_and_remembered_in_settings_json() {
    let dir = tempfile::tempdir().expect("temp dir");
    let live = Launch {
        demo: false,
        data_dir: Some(dir.path().to_owned()),
        server_url: Some("http://127.0.0.1:9".to_owned()),
        idle_lock_secs: 300,
    };
    let shell = Shell::new(live.clone(), dir.path().to_owned(), Arc::new(Recorder::default()));
    shell.mark_started(Ok(()));
    assert_eq!(
        shell.app_info().await.unwrap().server_url.as_deref(),
        Some("http://127.0.0.1:9"),
        "the launch's address until one is chosen"
    );
    for bad in [
        "",
        "desk council",
        "ftp://desk.example",
        "http://",
        "https://desk.example/?q=1",
    ] {
        let e = shell.set_server_url(bad).await.unwrap_err();
        assert_eq!(e.code, "invalid_input", "{bad:?}: {e:?}");
    }
    assert!(
        !dir.path().join("settings.json").exists(),
        "nothing written for bad input"
    );
    shell
        .set_server_url(" https://desk.council.example ")
        .await
        .expect("good address");
    let text = std::fs::read_to_string(dir.path().join("settings.json")).expect("settings written");
    assert!(text.contains("https://desk.council.example/"), "{text}");

    // The next run starts with the remembered address.
    let again = Shell::new(live, dir.path().to_owned(), Arc::new(Recorder::default()));
    again.mark_started(Ok(()));
    assert_eq!(
        again.app_info().await.unwrap().server_url.as_deref(),
        Some("https://desk.council.example/")
    );
    // A first sign-in while the server cannot be reached needs the server (there is no
    // offline verifier yet); it leaves nobody signed in and no store behind.
    again.set_server_url("http://127.0.0.1:9").await.unwrap();
    let e = again.sign_in("someone", "a-long-enough-password").await.unwrap_err();
    assert_eq!(e.code, "online_sign_in_required", "{e:?}");
    assert_eq!(again.desk().await.unwrap_err().code, "signed_out");
    let store = StaffDeskConfig::new(dir.path(), "http://unused").store_path("someone");
    assert!(!store.exists(), "no store left at {}", store.display());
}
