//! Schools, pupils and their contacts.

use chrono::{Datelike, NaiveDate};
use desk_domain::{Contact, Pupil, School, SchoolKind};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::draw::*;
use crate::names::*;

struct SchoolPlan {
    name: &'static str,
    town: &'static str,
    kind: SchoolKind,
    /// Usual roll; each seed varies it by up to ±8%.
    roll: u32,
    /// Registration houses of a secondary (`2R1` is S2, house R, group 1).
    houses: &'static str,
}

const fn primary(name: &'static str, town: &'static str, roll: u32) -> SchoolPlan {
    SchoolPlan {
        name,
        town,
        kind: SchoolKind::Primary,
        roll,
        houses: "",
    }
}

const fn secondary(name: &'static str, town: &'static str, roll: u32, houses: &'static str) -> SchoolPlan {
    SchoolPlan {
        name,
        town,
        kind: SchoolKind::Secondary,
        roll,
        houses,
    }
}

/// 42 primaries and 8 secondaries; the rolls add up to 13,100 pupils.
const SCHOOLS: [SchoolPlan; 50] = [
    secondary("Elgin Rowanbank Academy", "Elgin", 1100, "RGB"),
    secondary("Elgin Heatherlea High School", "Elgin", 950, "LMS"),
    secondary("Forres Mosset Academy", "Forres", 900, "CDF"),
    secondary("Buckie Seaward High School", "Buckie", 800, "HNW"),
    secondary("Keith Isla Grammar School", "Keith", 550, "ABK"),
    secondary("Lossiemouth Covesea High School", "Lossiemouth", 650, "RGB"),
    secondary("Speyside Glenbrae Academy", "Aberlour", 450, "SCT"),
    secondary("Fochabers Lennox High School", "Fochabers", 600, "GLM"),
    primary("Elgin Birchwood Primary School", "Elgin", 420),
    primary("Elgin Larchfield Primary School", "Elgin", 380),
    primary("Elgin Whinhill Primary School", "Elgin", 350),
    primary("Elgin Corsemoor Primary School", "Elgin", 300),
    primary("Elgin Thistlebank Primary School", "Elgin", 260),
    primary("Elgin Gowanlea Primary School", "Elgin", 240),
    primary("Elgin Hazelden Primary School", "Elgin", 220),
    primary("St Eunan's RC Primary School", "Elgin", 190),
    primary("Forres Braeburn Primary School", "Forres", 330),
    primary("Forres Fernlea Primary School", "Forres", 280),
    primary("Forres Alderbank Primary School", "Forres", 220),
    primary("Forres Heronfield Primary School", "Forres", 180),
    primary("Buckie Sandpiper Primary School", "Buckie", 300),
    primary("Buckie Gannet Brae Primary School", "Buckie", 250),
    primary("Buckie Selkie Primary School", "Buckie", 200),
    primary("Buckie Curlew Primary School", "Buckie", 150),
    primary("Keith Lapwing Primary School", "Keith", 260),
    primary("Keith Mossbank Primary School", "Keith", 180),
    primary("Lossiemouth Osprey Primary School", "Lossiemouth", 280),
    primary("Lossiemouth Dunlin Primary School", "Lossiemouth", 200),
    primary("Fochabers Juniper Primary School", "Fochabers", 210),
    primary("Aberlour Cairnlea Primary School", "Aberlour", 110),
    primary("Dufftown Kestrel Primary School", "Dufftown", 130),
    primary("Burghead Harbourside Primary School", "Burghead", 120),
    primary("Hopeman Wrenfield Primary School", "Hopeman", 140),
    primary("Rothes Glenview Primary School", "Rothes", 110),
    primary("Lhanbryde Otterburn Primary School", "Lhanbryde", 160),
    primary("Mosstodloch Bracken Primary School", "Mosstodloch", 130),
    primary("Portknockie Bowfiddle Primary School", "Portknockie", 70),
    primary("Cullen Lochanside Primary School", "Cullen", 90),
    primary("Findochty Smithyhill Primary School", "Findochty", 60),
    primary("Portgordon Pinefield Primary School", "Portgordon", 50),
    primary("Kinloss Auchenlea Primary School", "Kinloss", 170),
    primary("Dallas Drumbain Primary School", "Dallas", 25),
    primary("Archiestown Tarrybrae Primary School", "Archiestown", 30),
    primary("Craigellachie Balnacraig Primary School", "Craigellachie", 35),
    primary("Tomintoul Knockandhu Primary School", "Tomintoul", 40),
    primary("Findhorn Dunes Primary School", "Findhorn", 45),
    primary("Garmouth Kilnburn Primary School", "Garmouth", 70),
    primary("Newmill Craigview Primary School", "Newmill", 40),
    primary("Alves Bogmoor Primary School", "Alves", 55),
    primary("Mulben Juniper Brae Primary School", "Mulben", 20),
];

/// Stage names in order: index 0 is P1, index 12 is S6.
#[rustfmt::skip]
pub(crate) const STAGES: [&str; 13] = [
    "P1", "P2", "P3", "P4", "P5", "P6", "P7", "S1", "S2", "S3", "S4", "S5", "S6",
];

/// The Scottish school year `day` falls in, by the calendar year it starts (in August).
pub fn school_year_start(day: NaiveDate) -> i32 {
    if day.month() >= 8 { day.year() } else { day.year() - 1 }
}

/// The dates of birth of the pupils at stage `stage` (0 = P1 … 12 = S6) in the school year
/// starting in August of `year`. In Scotland a child starts P1 in the August after their
/// fourth birthday if they turn five by the end of the following February: the P1 class of
/// August 2026 was born from 1 March 2021 to 28 February 2022.
pub fn stage_birth_window(stage: usize, year: i32) -> (NaiveDate, NaiveDate) {
    let offset = i32::try_from(stage).expect("stage index is small");
    let from = date(year - 5 - offset, 3, 1);
    let to = date(year - 4 - offset, 3, 1)
        .pred_opt()
        .expect("not the first day of time");
    (from, to)
}

/// Contacts' relationships, with how often each comes first and which are women.
const RELATIONSHIPS: [(&str, u32, Option<Gender>); 10] = [
    ("Mum", 55, Some(Gender::Female)),
    ("Dad", 25, Some(Gender::Male)),
    ("Gran", 5, Some(Gender::Female)),
    ("Grandad", 2, Some(Gender::Male)),
    ("Carer", 4, None),
    ("Foster carer", 2, None),
    ("Aunt", 3, Some(Gender::Female)),
    ("Uncle", 1, Some(Gender::Male)),
    ("Stepmum", 1, Some(Gender::Female)),
    ("Stepdad", 2, Some(Gender::Male)),
];

pub(crate) fn schools(rng: &mut ChaCha8Rng, first_day: NaiveDate) -> (Vec<School>, Vec<Pupil>, Vec<Contact>) {
    let year = school_year_start(first_day);
    let mut schools = Vec::with_capacity(SCHOOLS.len());
    let mut pupils = Vec::with_capacity(14_000);
    let mut contacts = Vec::with_capacity(28_000);
    for (plan, school_id) in SCHOOLS.iter().zip(1i64..) {
        schools.push(School {
            id: school_id,
            name: plan.name.to_owned(),
            kind: plan.kind,
            town: plan.town.to_owned(),
        });
        let roll = plan.roll * rng.gen_range(92..=108u32) / 100;
        // Relative size of each year group, in percent: everyone stays to S4, fewer to S5, S6.
        let (stages, weights): (std::ops::Range<usize>, &[u32]) = match plan.kind {
            SchoolKind::Primary => (0..7, &[100; 7]),
            SchoolKind::Secondary => (7..13, &[100, 100, 100, 100, 80, 55]),
        };
        let weight_sum: u32 = weights.iter().sum();
        for (stage, weight) in stages.zip(weights) {
            let cohort = (roll * weight / weight_sum).max(1);
            let (born_from, born_to) = stage_birth_window(stage, year);
            let groups = cohort.div_ceil(match plan.kind {
                SchoolKind::Primary => 28,
                SchoolKind::Secondary => 25,
            });
            for n in 0..cohort {
                let group = (n % groups) as usize;
                let class = match plan.kind {
                    SchoolKind::Primary => {
                        format!(
                            "{}{}",
                            STAGES[stage],
                            char::from(b'A' + u8::try_from(group).unwrap_or(0))
                        )
                    }
                    SchoolKind::Secondary => {
                        let houses = plan.houses.as_bytes();
                        format!(
                            "{}{}{}",
                            stage - 6,
                            char::from(houses[group % houses.len()]),
                            group / houses.len() + 1
                        )
                    }
                };
                let g = gender(rng);
                let pupil = Pupil {
                    id: pupils.len() as i64 + 1,
                    school_id,
                    first_name: first_name(rng, g).to_owned(),
                    last_name: surname(rng).to_owned(),
                    date_of_birth: day_between(rng, born_from, born_to),
                    stage: STAGES[stage].to_owned(),
                    class,
                    on_roll_from: None,
                    on_roll_to: None,
                };
                pupil_contacts(rng, &pupil, &mut contacts);
                pupils.push(pupil);
            }
        }
    }
    (schools, pupils, contacts)
}

fn pupil_contacts(rng: &mut ChaCha8Rng, pupil: &Pupil, contacts: &mut Vec<Contact>) {
    let count = match rng.gen_range(0..100u32) {
        0..=24 => 1,
        25..=79 => 2,
        _ => 3,
    };
    let mut weights: Vec<u32> = RELATIONSHIPS.iter().map(|r| r.1).collect();
    for priority in 1..=count {
        let r = weighted(rng, &weights);
        weights[r] = 0;
        let (relationship, _, g) = RELATIONSHIPS[r];
        let g = g.unwrap_or_else(|| gender(rng));
        // Parents mostly share the pupil's surname; others often do not.
        let same_surname = chance(rng, if matches!(relationship, "Mum" | "Dad") { 75 } else { 40 });
        let last = if same_surname {
            pupil.last_name.as_str()
        } else {
            surname(rng)
        };
        let first = first_name(rng, g);
        contacts.push(Contact {
            id: contacts.len() as i64 + 1,
            pupil_id: pupil.id,
            school_id: pupil.school_id,
            name: format!("{first} {last}"),
            relationship: relationship.to_owned(),
            phone: mobile(rng),
            email: chance(rng, 55).then(|| email(rng, first, last)),
            priority,
        });
    }
}
