//! Leisure: centres, their activities, two weeks of class sessions, and the leisure customers.

use chrono::{Days, NaiveDate, NaiveDateTime, NaiveTime};
use desk_domain::{Activity, ActivityKind, Centre, Customer, Session};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::draw::*;
use crate::names::*;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Space {
    MainPool,
    TeachingPool,
    Studio,
    SpinStudio,
    SportsHall,
}

struct CentrePlan {
    name: &'static str,
    town: &'static str,
    /// Outward postcodes of the centre's customers, the first most common.
    outward: &'static [&'static str],
    /// Share of the 30,000 customers whose home centre this is, in percent.
    customer_share: u32,
    /// Class sessions a day, Monday to Friday and at weekends. Summed over the week these make
    /// 1,496 sessions: the "about 1,500 a week" the brief asks for, exactly, whatever the seed.
    weekday_sessions: usize,
    weekend_sessions: usize,
    spaces: &'static [(&'static str, Space)],
    /// Bookable non-class activities: pitches, rooms, courts.
    other: &'static [(&'static str, ActivityKind)],
}

const PITCHES: [(&str, ActivityKind); 3] = [
    ("3G Pitch (whole)", ActivityKind::Pitch),
    ("3G Pitch (half A)", ActivityKind::Pitch),
    ("3G Pitch (half B)", ActivityKind::Pitch),
];

const CENTRES: [CentrePlan; 8] = [
    CentrePlan {
        name: "Elgin Thistle Leisure Centre",
        town: "Elgin",
        outward: &["IV30"],
        customer_share: 33,
        weekday_sessions: 60,
        weekend_sessions: 34,
        spaces: &[
            ("Main Pool", Space::MainPool),
            ("Teaching Pool", Space::TeachingPool),
            ("Studio 1", Space::Studio),
            ("Studio 2", Space::Studio),
            ("Spin Studio", Space::SpinStudio),
            ("Sports Hall", Space::SportsHall),
        ],
        other: &[
            PITCHES[0],
            PITCHES[1],
            PITCHES[2],
            ("Grass Pitch", ActivityKind::Pitch),
            ("Badminton Court", ActivityKind::Activity),
            ("Squash Court", ActivityKind::Activity),
            ("Public Swim", ActivityKind::Activity),
            ("Meeting Room", ActivityKind::Room),
            ("Function Suite", ActivityKind::Room),
        ],
    },
    CentrePlan {
        name: "Forres Mosset Pool and Fitness",
        town: "Forres",
        outward: &["IV36"],
        customer_share: 14,
        weekday_sessions: 34,
        weekend_sessions: 20,
        spaces: &[
            ("Main Pool", Space::MainPool),
            ("Studio", Space::Studio),
            ("Spin Studio", Space::SpinStudio),
            ("Sports Hall", Space::SportsHall),
        ],
        other: &[
            PITCHES[0],
            PITCHES[1],
            PITCHES[2],
            ("Badminton Court", ActivityKind::Activity),
            ("Public Swim", ActivityKind::Activity),
            ("Community Room", ActivityKind::Room),
        ],
    },
    CentrePlan {
        name: "Buckie Seaward Leisure Centre",
        town: "Buckie",
        outward: &["AB56"],
        customer_share: 13,
        weekday_sessions: 34,
        weekend_sessions: 20,
        spaces: &[
            ("Main Pool", Space::MainPool),
            ("Teaching Pool", Space::TeachingPool),
            ("Studio", Space::Studio),
            ("Sports Hall", Space::SportsHall),
        ],
        other: &[
            ("Badminton Court", ActivityKind::Activity),
            ("Squash Court", ActivityKind::Activity),
            ("Public Swim", ActivityKind::Activity),
            ("Meeting Room", ActivityKind::Room),
        ],
    },
    CentrePlan {
        name: "Keith Isla Sports Centre",
        town: "Keith",
        outward: &["AB55"],
        customer_share: 9,
        weekday_sessions: 26,
        weekend_sessions: 14,
        spaces: &[
            ("Pool", Space::MainPool),
            ("Studio", Space::Studio),
            ("Sports Hall", Space::SportsHall),
        ],
        other: &[
            PITCHES[0],
            PITCHES[1],
            PITCHES[2],
            ("Badminton Court", ActivityKind::Activity),
            ("Public Swim", ActivityKind::Activity),
        ],
    },
    CentrePlan {
        name: "Lossiemouth Covesea Sports Centre",
        town: "Lossiemouth",
        outward: &["IV31"],
        customer_share: 10,
        weekday_sessions: 26,
        weekend_sessions: 14,
        spaces: &[
            ("Pool", Space::MainPool),
            ("Studio", Space::Studio),
            ("Spin Studio", Space::SpinStudio),
            ("Sports Hall", Space::SportsHall),
        ],
        other: &[
            ("Badminton Court", ActivityKind::Activity),
            ("Public Swim", ActivityKind::Activity),
            ("Community Room", ActivityKind::Room),
        ],
    },
    CentrePlan {
        name: "Speyside Aberlour Leisure Centre",
        town: "Aberlour",
        outward: &["AB38", "AB37"],
        customer_share: 7,
        weekday_sessions: 22,
        weekend_sessions: 12,
        spaces: &[
            ("Pool", Space::MainPool),
            ("Studio", Space::Studio),
            ("Sports Hall", Space::SportsHall),
        ],
        other: &[
            ("Badminton Court", ActivityKind::Activity),
            ("Public Swim", ActivityKind::Activity),
        ],
    },
    CentrePlan {
        name: "Fochabers Lennox Sports Hall",
        town: "Fochabers",
        outward: &["IV32", "IV30"],
        customer_share: 7,
        weekday_sessions: 20,
        weekend_sessions: 12,
        spaces: &[("Studio", Space::Studio), ("Sports Hall", Space::SportsHall)],
        other: &[
            PITCHES[0],
            PITCHES[1],
            PITCHES[2],
            ("Badminton Court", ActivityKind::Activity),
            ("Meeting Room", ActivityKind::Room),
        ],
    },
    CentrePlan {
        name: "Dufftown Clocktower Sports Centre",
        town: "Dufftown",
        outward: &["AB55"],
        customer_share: 7,
        weekday_sessions: 22,
        weekend_sessions: 12,
        spaces: &[
            ("Studio", Space::Studio),
            ("Spin Studio", Space::SpinStudio),
            ("Sports Hall", Space::SportsHall),
        ],
        other: &[
            ("Badminton Court", ActivityKind::Activity),
            ("Squash Court", ActivityKind::Activity),
        ],
    },
];

struct ClassPlan {
    name: &'static str,
    spaces: &'static [Space],
    durations: &'static [u32],
    /// Hours (of the `HH:30` hour slots) the class may start in, inclusive.
    hours: (u32, u32),
    /// Children's classes run after school on weekdays and in the daytime at weekends.
    junior: bool,
    capacity: (u32, u32),
}

const CLASSES: &[ClassPlan] = &[
    ClassPlan {
        name: "Aqua Fit",
        spaces: &[Space::MainPool],
        durations: &[45],
        hours: (6, 20),
        junior: false,
        capacity: (15, 30),
    },
    ClassPlan {
        name: "Aqua Natal",
        spaces: &[Space::MainPool, Space::TeachingPool],
        durations: &[45],
        hours: (9, 19),
        junior: false,
        capacity: (8, 16),
    },
    ClassPlan {
        name: "Parent & Toddler Swim",
        spaces: &[Space::TeachingPool, Space::MainPool],
        durations: &[30],
        hours: (9, 15),
        junior: false,
        capacity: (10, 20),
    },
    ClassPlan {
        name: "Junior Swim Lessons",
        spaces: &[Space::TeachingPool, Space::MainPool],
        durations: &[30, 45],
        hours: (8, 18),
        junior: true,
        capacity: (8, 12),
    },
    ClassPlan {
        name: "Adult Swim Lessons",
        spaces: &[Space::TeachingPool],
        durations: &[45],
        hours: (6, 20),
        junior: false,
        capacity: (8, 12),
    },
    ClassPlan {
        name: "Spin",
        spaces: &[Space::SpinStudio],
        durations: &[45, 60],
        hours: (6, 20),
        junior: false,
        capacity: (10, 20),
    },
    ClassPlan {
        name: "Spin Express",
        spaces: &[Space::SpinStudio],
        durations: &[30],
        hours: (6, 13),
        junior: false,
        capacity: (10, 20),
    },
    ClassPlan {
        name: "Pilates",
        spaces: &[Space::Studio],
        durations: &[45, 60],
        hours: (8, 20),
        junior: false,
        capacity: (10, 20),
    },
    ClassPlan {
        name: "Yoga",
        spaces: &[Space::Studio],
        durations: &[60],
        hours: (7, 20),
        junior: false,
        capacity: (10, 25),
    },
    ClassPlan {
        name: "Zumba",
        spaces: &[Space::Studio, Space::SportsHall],
        durations: &[45, 60],
        hours: (9, 20),
        junior: false,
        capacity: (15, 30),
    },
    ClassPlan {
        name: "Boxfit",
        spaces: &[Space::Studio, Space::SportsHall],
        durations: &[45],
        hours: (6, 20),
        junior: false,
        capacity: (12, 24),
    },
    ClassPlan {
        name: "Circuits",
        spaces: &[Space::SportsHall, Space::Studio],
        durations: &[45],
        hours: (6, 20),
        junior: false,
        capacity: (12, 30),
    },
    ClassPlan {
        name: "Body Conditioning",
        spaces: &[Space::Studio],
        durations: &[45, 60],
        hours: (9, 20),
        junior: false,
        capacity: (10, 20),
    },
    ClassPlan {
        name: "Legs, Bums & Tums",
        spaces: &[Space::Studio],
        durations: &[45],
        hours: (9, 20),
        junior: false,
        capacity: (12, 25),
    },
    ClassPlan {
        name: "Chair-Based Exercise",
        spaces: &[Space::Studio, Space::SportsHall],
        durations: &[45],
        hours: (10, 15),
        junior: false,
        capacity: (8, 16),
    },
    ClassPlan {
        name: "Tai Chi",
        spaces: &[Space::Studio],
        durations: &[60],
        hours: (9, 19),
        junior: false,
        capacity: (8, 18),
    },
    ClassPlan {
        name: "Walking Netball",
        spaces: &[Space::SportsHall],
        durations: &[60],
        hours: (9, 20),
        junior: false,
        capacity: (12, 20),
    },
    ClassPlan {
        name: "Junior Gymnastics",
        spaces: &[Space::SportsHall],
        durations: &[60],
        hours: (8, 17),
        junior: true,
        capacity: (12, 24),
    },
    ClassPlan {
        name: "Junior Badminton Coaching",
        spaces: &[Space::SportsHall],
        durations: &[60],
        hours: (8, 17),
        junior: true,
        capacity: (8, 16),
    },
];

/// Classes called off in the two weeks.
pub(crate) const CANCELLED_SESSIONS: usize = 6;

/// Classes start in hour slots `HH:30`, from 06:30 to 20:30; the longest runs 60 minutes, so the
/// last ends at 21:30.
const FIRST_HOUR: u32 = 6;
const LAST_HOUR: u32 = 20;

/// How much a centre wants a class in this hour: busy before work, mid-morning and after work.
/// Weekends open 08:30 to 18:30 only.
fn hour_weight(hour: u32, weekend: bool) -> u32 {
    if weekend {
        return match hour {
            8..=11 => 5,
            12..=15 => 3,
            16..=18 => 2,
            _ => 0,
        };
    }
    match hour {
        6..=8 => 3,
        9..=11 => 4,
        12 => 3,
        13..=15 => 2,
        16..=19 => 5,
        _ => 2,
    }
}

fn class_fits(class: &ClassPlan, space: Space, hour: u32, weekend: bool) -> bool {
    let junior_hours = if weekend { (8, 15) } else { (15, 17) };
    let (from, to) = if class.junior {
        (class.hours.0.max(junior_hours.0), class.hours.1.min(junior_hours.1))
    } else {
        class.hours
    };
    class.spaces.contains(&space) && (from..=to).contains(&hour)
}

/// One weekly slot of a centre's timetable: the same class at the same time every week.
struct Slot {
    centre: usize,
    weekday: u32,
    hour: u32,
    space: usize,
    class: usize,
    minute: u32,
    duration: u32,
    capacity: u32,
    instructor: usize,
    /// How popular the slot is, in percent of capacity that usually books (can exceed 100).
    demand: u32,
}

pub(crate) fn leisure(rng: &mut ChaCha8Rng, first_day: NaiveDate) -> (Vec<Centre>, Vec<Activity>, Vec<Session>) {
    let centres: Vec<Centre> = CENTRES
        .iter()
        .zip(1..)
        .map(|(plan, id)| Centre {
            id,
            name: plan.name.to_owned(),
            town: plan.town.to_owned(),
        })
        .collect();

    let instructors: Vec<Vec<String>> = CENTRES
        .iter()
        .map(|plan| {
            // Distinct names, so that a timetable never shows two different people as one.
            let mut names: Vec<String> = Vec::new();
            while names.len() < 4 + plan.spaces.len() * 2 {
                let g = gender(rng);
                let first = first_name(rng, g);
                let initial = surname(rng).chars().find(|c| c.is_uppercase()).unwrap_or('M');
                let name = format!("{first} {initial}.");
                if !names.contains(&name) {
                    names.push(name);
                }
            }
            names
        })
        .collect();

    let slots = weekly_timetable(rng, &instructors);

    // Activities: each centre's classes (those on its timetable, in class order), then its
    // pitches, rooms and courts.
    let mut activities = Vec::new();
    let mut class_activity = vec![vec![0i64; CLASSES.len()]; CENTRES.len()];
    for (c, plan) in CENTRES.iter().enumerate() {
        for (k, class) in CLASSES.iter().enumerate() {
            if slots.iter().any(|s| s.centre == c && s.class == k) {
                let id = activities.len() as i64 + 1;
                class_activity[c][k] = id;
                activities.push(Activity {
                    id,
                    centre_id: centres[c].id,
                    name: class.name.to_owned(),
                    kind: ActivityKind::Class,
                });
            }
        }
        for (name, kind) in plan.other {
            activities.push(Activity {
                id: activities.len() as i64 + 1,
                centre_id: centres[c].id,
                name: (*name).to_owned(),
                kind: *kind,
            });
        }
    }

    let mut sessions = Vec::with_capacity(slots.len() * 2);
    for week in 0..2u32 {
        for slot in &slots {
            let day = first_day + Days::new(u64::from(week * 7 + slot.weekday));
            let time = NaiveTime::from_hms_opt(slot.hour, slot.minute, 0).expect("valid time");
            // Next week's classes are less booked than this week's.
            let demand = if week == 0 { slot.demand } else { slot.demand * 4 / 5 };
            let fill = demand * rng.gen_range(70..=130u32) / 100;
            let booked = (slot.capacity * fill / 100).min(slot.capacity);
            let waiting = if booked == slot.capacity && chance(rng, 60) {
                rng.gen_range(1..=8u32)
            } else {
                0
            };
            sessions.push(Session {
                id: 0,
                centre_id: centres[slot.centre].id,
                activity_id: class_activity[slot.centre][slot.class],
                activity_name: CLASSES[slot.class].name.to_owned(),
                starts_at: NaiveDateTime::new(day, time),
                duration_minutes: slot.duration,
                capacity: slot.capacity,
                booked,
                waiting,
                location: CENTRES[slot.centre].spaces[slot.space].0.to_owned(),
                instructor: instructors[slot.centre][slot.instructor].clone(),
                cancelled: false,
            });
        }
    }
    sessions.sort_by(|a, b| {
        (a.starts_at.date(), a.centre_id, a.starts_at, &a.location).cmp(&(
            b.starts_at.date(),
            b.centre_id,
            b.starts_at,
            &b.location,
        ))
    });
    for (session, id) in sessions.iter_mut().zip(1..) {
        session.id = id;
    }

    // A handful of classes called off (instructor ill, pool plant failure): their places are
    // released, so nobody is booked or waiting.
    let mut cancelled = 0;
    while cancelled < CANCELLED_SESSIONS {
        let i = index(rng, sessions.len());
        let s = &mut sessions[i];
        if !s.cancelled {
            s.cancelled = true;
            s.booked = 0;
            s.waiting = 0;
            cancelled += 1;
        }
    }

    (centres, activities, sessions)
}

/// One week of slots for every centre: a fixed number a day, placed in (space, hour) cells drawn
/// in proportion to how busy each hour is, each filled with a class that suits the space and time.
fn weekly_timetable(rng: &mut ChaCha8Rng, instructors: &[Vec<String>]) -> Vec<Slot> {
    let mut slots = Vec::new();
    for (c, plan) in CENTRES.iter().enumerate() {
        for weekday in 0..7u32 {
            let weekend = weekday >= 5;
            let wanted = if weekend {
                plan.weekend_sessions
            } else {
                plan.weekday_sessions
            };
            let mut cells: Vec<(usize, u32)> = Vec::new();
            let mut weights: Vec<u32> = Vec::new();
            for space in 0..plan.spaces.len() {
                for hour in FIRST_HOUR..=LAST_HOUR {
                    cells.push((space, hour));
                    weights.push(hour_weight(hour, weekend));
                }
            }
            // Which instructor already leads a class in which hour of this day.
            let mut busy = vec![[false; 24]; instructors[c].len()];
            for _ in 0..wanted {
                let i = weighted(rng, &weights);
                weights[i] = 0;
                let (space, hour) = cells[i];
                let kind = plan.spaces[space].1;
                let fitting: Vec<usize> = (0..CLASSES.len())
                    .filter(|&k| class_fits(&CLASSES[k], kind, hour, weekend))
                    .collect();
                let class = *pick(rng, &fitting);
                let plan_class = &CLASSES[class];
                let duration = *pick(rng, plan_class.durations);
                // A class shorter than the hour may start at :30 or :45 and still end in it.
                let minute = if duration <= 45 && chance(rng, 25) { 45 } else { 30 };
                let (lo, hi) = plan_class.capacity;
                let capacity = rng.gen_range(lo..=hi);
                // Roughly one slot in five is in such demand that it fills (and queues).
                let demand = if chance(rng, 20) {
                    rng.gen_range(110..=160u32)
                } else {
                    rng.gen_range(15..=90u32)
                };
                // A centre has more instructors than spaces, so someone is always free.
                let free: Vec<usize> = (0..busy.len()).filter(|&k| !busy[k][hour as usize]).collect();
                let instructor = *pick(rng, &free);
                busy[instructor][hour as usize] = true;
                slots.push(Slot {
                    centre: c,
                    weekday,
                    hour,
                    space,
                    class,
                    minute,
                    duration,
                    capacity,
                    instructor,
                    demand,
                });
            }
        }
    }
    slots
}

// ---------------------------------------------------------------------------------------------
// Leisure customers.

const CUSTOMER_COUNT: i64 = 30_000;

pub(crate) fn customers(rng: &mut ChaCha8Rng, first_day: NaiveDate) -> Vec<Customer> {
    customers_n(rng, first_day, CUSTOMER_COUNT)
}

/// `count` customers with ids `1..=count`, drawn as the demo's are.
pub(crate) fn customers_n(rng: &mut ChaCha8Rng, first_day: NaiveDate, count: i64) -> Vec<Customer> {
    let shares: Vec<u32> = CENTRES.iter().map(|c| c.customer_share).collect();
    let child_from = date(2006, 1, 1);
    let elder_to = date(1955, 12, 31);
    let concession_child = years_before(first_day, 16);
    let concession_elder = years_before(first_day, 66);
    (1..=count)
        .map(|id| {
            let centre = weighted(rng, &shares);
            let plan = &CENTRES[centre];
            let g = gender(rng);
            let first = first_name(rng, g);
            let last = surname(rng);
            let date_of_birth = match rng.gen_range(0..100u32) {
                0..=17 => day_between(rng, child_from, date(2020, 12, 31)),
                18..=29 => day_between(rng, date(1935, 1, 1), elder_to),
                _ => day_between(rng, date(1956, 1, 1), date(2005, 12, 31)),
            };
            // Concessions go mostly to children and pensioners.
            let concession_likely = date_of_birth > concession_child || date_of_birth <= concession_elder;
            let concession = chance(rng, if concession_likely { 45 } else { 10 });
            let outward = if plan.outward.len() > 1 && chance(rng, 30) {
                plan.outward[1]
            } else {
                plan.outward[0]
            };
            // Serial numbers rise with the id, each in its own band of 7, so they never repeat.
            let serial = 10_000 + (id - 1) * 7 + i64::from(rng.gen_range(0..7u32));
            Customer {
                id,
                home_centre_id: centre as i64 + 1,
                first_name: first.to_owned(),
                last_name: last.to_owned(),
                date_of_birth,
                membership_no: format!("MLC{serial:07}"),
                email: chance(rng, 80).then(|| email(rng, first, last)),
                phone: chance(rng, 85).then(|| mobile(rng)),
                postcode: postcode(rng, outward),
                concession,
            }
        })
        .collect()
}
