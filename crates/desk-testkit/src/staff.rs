//! Staff for tests: one password for every test account, leisure-desk staff as demo-data rows
//! or stored straight away, and callers as the server's push and pull see them.

use desk_domain::{Bucket, Role, Site};
use desk_fixtures::DemoStaff;
use desk_server::{Caller, NewStaff, NewStaffRecord, Store};
use uuid::Uuid;

/// The password of every test account.
pub const PASSWORD: &str = "correct horse battery";

/// A leisure-desk member of staff at `centre`, with [`PASSWORD`], to load with a world.
pub fn leisure_staff(username: &str, display_name: &str, centre: i64) -> DemoStaff {
    DemoStaff {
        username: username.into(),
        display_name: display_name.into(),
        password: PASSWORD.into(),
        roles: vec![Role::LeisureDesk],
        sites: vec![Site::leisure(centre)],
    }
}

/// Stores a leisure-desk member of staff at `centre` with [`PASSWORD`] (hashed as for real);
/// returns their id.
pub fn add_leisure_staff(store: &dyn Store, username: &str, display_name: &str, centre: i64) -> i64 {
    let staff = leisure_staff(username, display_name, centre);
    desk_server::add_staff(store, NewStaff::from(&staff)).expect("staff added")
}

/// A leisure-desk member of staff at `centre` (stored, with a real password) and a device.
pub fn leisure_caller(store: &dyn Store, username: &str, centre: i64) -> Caller {
    let staff_id = add_leisure_staff(store, username, &format!("Staff {username}"), centre);
    caller(staff_id, centre)
}

/// A caller that skips password hashing (for tests with many staff).
pub fn quick_caller(store: &dyn Store, username: &str, centre: i64) -> Caller {
    let staff_id = store
        .insert_staff(&NewStaffRecord {
            username: username.into(),
            display_name: username.into(),
            password_hash: "!".into(),
            roles: vec![Role::LeisureDesk],
            sites: vec![Site::leisure(centre)],
        })
        .unwrap();
    caller(staff_id, centre)
}

fn caller(staff_id: i64, centre: i64) -> Caller {
    Caller {
        staff_id,
        device_id: Uuid::now_v7(),
        buckets: Bucket::scope(&[Role::LeisureDesk], &[Site::leisure(centre)]),
        supervises: Vec::new(),
    }
}
