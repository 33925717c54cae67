//! The waiting-list offer chain: offer, accept, decline, run out, pass on.

use chrono::{Duration, NaiveDate, NaiveDateTime};

use crate::leisure::offers::{Entry, Event, OfferError, State, WaitingList};

fn at(h: u32, m: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 12, 8)
        .unwrap()
        .and_hms_opt(h, m, 0)
        .unwrap()
}

fn list(customers: &[i64]) -> WaitingList {
    WaitingList {
        session_starts: at(18, 0),
        hold_minutes: 120,
        entries: customers
            .iter()
            .map(|c| Entry {
                customer_id: *c,
                state: State::Waiting,
            })
            .collect(),
    }
}

fn states(l: &WaitingList) -> Vec<State> {
    l.entries.iter().map(|e| e.state).collect()
}

#[test]
fn a_freed_place_is_offered_to_the_first_waiting_and_held() {
    let (l, events) = list(&[7, 8, 9]).place_freed(at(10, 0));
    assert_eq!(
        events,
        vec![Event::Offered {
            customer_id: 7,
            until: at(12, 0)
        }]
    );
    assert_eq!(
        states(&l),
        vec![State::Offered { until: at(12, 0) }, State::Waiting, State::Waiting]
    );
    // A second place freed goes to the second person.
    let (l, events) = l.place_freed(at(10, 30));
    assert_eq!(
        events,
        vec![Event::Offered {
            customer_id: 8,
            until: at(12, 30)
        }]
    );
    assert_eq!(l.offered().count(), 2);
}

#[test]
fn the_hold_never_runs_past_the_start_and_nothing_is_offered_after_it() {
    let (_, events) = list(&[7]).place_freed(at(17, 0));
    assert_eq!(
        events,
        vec![Event::Offered {
            customer_id: 7,
            until: at(18, 0)
        }]
    );
    let (l, events) = list(&[7]).place_freed(at(18, 0));
    assert_eq!(events, vec![Event::PlaceFree]);
    assert_eq!(states(&l), vec![State::Waiting]);
    let (_, events) = list(&[]).place_freed(at(10, 0));
    assert_eq!(events, vec![Event::PlaceFree]);
}

#[test]
fn accept_within_the_hold_and_not_after() {
    let (l, _) = list(&[7, 8]).place_freed(at(10, 0));
    let (ok, events) = l.clone().accept(7, at(12, 0)).unwrap();
    assert_eq!(events, vec![Event::Accepted { customer_id: 7 }]);
    assert_eq!(states(&ok), vec![State::Accepted, State::Waiting]);
    assert_eq!(
        l.clone().accept(7, at(12, 1)),
        Err(OfferError::RanOut {
            customer_id: 7,
            until: at(12, 0)
        })
    );
    assert_eq!(
        l.clone().accept(8, at(10, 5)),
        Err(OfferError::NoOffer(8)),
        "8 was not offered"
    );
    assert_eq!(ok.accept(7, at(10, 6)), Err(OfferError::NoOffer(7)), "accepted once");
}

#[test]
fn a_decline_passes_the_place_on() {
    let (l, _) = list(&[7, 8]).place_freed(at(10, 0));
    let (l, events) = l.decline(7, at(11, 0)).unwrap();
    assert_eq!(
        events,
        vec![
            Event::Declined { customer_id: 7 },
            Event::Offered {
                customer_id: 8,
                until: at(13, 0)
            }
        ]
    );
    let (l, events) = l.decline(8, at(11, 30)).unwrap();
    assert_eq!(events, vec![Event::Declined { customer_id: 8 }, Event::PlaceFree]);
    assert_eq!(states(&l), vec![State::Declined, State::Declined]);
    assert_eq!(l.decline(8, at(11, 31)), Err(OfferError::NoOffer(8)));
}

#[test]
fn run_out_offers_chain_to_the_next_person() {
    let (l, _) = list(&[7, 8, 9]).place_freed(at(10, 0));
    // At the end of the hold the offer still stands.
    let (l, events) = l.expire(at(12, 0));
    assert_eq!(events, vec![]);
    // Noticed late, at 12:40: 8 still gets the full two hours from then.
    let (l, events) = l.expire(at(12, 40));
    assert_eq!(
        events,
        vec![
            Event::Expired { customer_id: 7 },
            Event::Offered {
                customer_id: 8,
                until: at(14, 40)
            }
        ]
    );
    let (l, events) = l.expire(at(14, 41));
    assert_eq!(
        events,
        vec![
            Event::Expired { customer_id: 8 },
            Event::Offered {
                customer_id: 9,
                until: at(16, 41)
            }
        ]
    );
    let (l, _) = l.accept(9, at(15, 0)).unwrap();
    assert_eq!(states(&l), vec![State::Expired, State::Expired, State::Accepted]);
}

#[test]
fn two_places_run_out_together_and_the_list_runs_dry() {
    let (l, _) = list(&[7, 8, 9]).place_freed(at(10, 0));
    let (l, _) = l.place_freed(at(10, 0));
    let (l, events) = l.expire(at(12, 0) + Duration::minutes(1));
    assert_eq!(
        events,
        vec![
            Event::Expired { customer_id: 7 },
            Event::Offered {
                customer_id: 9,
                until: at(14, 1)
            },
            Event::Expired { customer_id: 8 },
            Event::PlaceFree,
        ]
    );
    assert_eq!(l.offered().collect::<Vec<_>>(), vec![(9, at(14, 1))]);
}
