//! The demo staff accounts.

use desk_domain::{Role, Site};

use crate::DemoStaff;

/// The staff accounts demo mode creates, one or more for every role (the README lists them).
pub fn demo_staff() -> Vec<DemoStaff> {
    let account = |username: &str, display_name: &str, password: &str, roles: &[Role], sites: Vec<Site>| DemoStaff {
        username: username.to_owned(),
        display_name: display_name.to_owned(),
        password: password.to_owned(),
        roles: roles.to_vec(),
        sites,
    };
    vec![
        account(
            "demo.leisure",
            "Eilidh Grant (demo leisure desk, Elgin)",
            "Demo-Leisure-2017",
            &[Role::LeisureDesk],
            vec![Site::leisure(1)],
        ),
        account(
            "demo.leisure2",
            "Ruairidh O'Neill (demo leisure desk, Forres)",
            "Demo-Leisure2-2017",
            &[Role::LeisureDesk],
            vec![Site::leisure(2)],
        ),
        account(
            "demo.school",
            "Mòrag Innes (demo school office)",
            "Demo-School-2017",
            &[Role::SchoolOffice],
            vec![Site::school(1)],
        ),
        account(
            "demo.contact",
            "Pàdraig D'Arcy (demo contact centre)",
            "Demo-Contact-2017",
            &[Role::ContactCentre],
            vec![Site::office(1)],
        ),
        account(
            "demo.supervisor",
            "Seònaid MacAoidh (demo supervisor)",
            "Demo-Supervisor-2017",
            &[Role::Supervisor],
            (1..=8).map(Site::leisure).collect(),
        ),
        account(
            "demo.trainer",
            "Iain Shand (demo trainer)",
            "Demo-Trainer-2017",
            &[Role::Trainer],
            Vec::new(),
        ),
        account(
            "demo.admin",
            "Catrìona Geddes (demo administrator)",
            "Demo-Admin-2017",
            &[Role::Administrator],
            Vec::new(),
        ),
    ]
}
