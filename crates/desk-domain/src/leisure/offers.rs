//! Waiting-list offers as pure state transitions. When a place frees, the first person still
//! waiting is offered it and the place is held for them for the site's hold time (never past
//! the session's start); they accept or decline, and an offer that runs out passes to the next
//! person. Staff phone those offered (Stevenage: "first person notified … must book
//! themselves"; Gladstone fills places from the waiting list, DOMAIN-DETAIL §3.2, §3.4).

use chrono::{Duration, NaiveDateTime};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum State {
    Waiting,
    Offered { until: NaiveDateTime },
    Accepted,
    Declined,
    Expired,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub customer_id: i64,
    pub state: State,
}

/// What a transition did, for the records, the audit and the desk's list of offers to phone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "event")]
pub enum Event {
    Offered {
        customer_id: i64,
        until: NaiveDateTime,
    },
    Accepted {
        customer_id: i64,
    },
    Declined {
        customer_id: i64,
    },
    Expired {
        customer_id: i64,
    },
    /// Nobody is left waiting (or the session has started): the place stays free to book.
    PlaceFree,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OfferError {
    #[error("customer {0} has no open offer for this session")]
    NoOffer(i64),
    #[error("the offer to customer {customer_id} ran out at {until}")]
    RanOut { customer_id: i64, until: NaiveDateTime },
}

/// A session's waiting list in joining order, and how offers on it are held.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitingList {
    pub session_starts: NaiveDateTime,
    /// From the site policy ([`super::policy::SitePolicy::offer_hold_minutes`]).
    pub hold_minutes: u32,
    pub entries: Vec<Entry>,
}

impl WaitingList {
    /// Open offers: people offered a place not yet accepted, declined or run out.
    pub fn offered(&self) -> impl Iterator<Item = (i64, NaiveDateTime)> + '_ {
        self.entries.iter().filter_map(|e| match e.state {
            State::Offered { until } => Some((e.customer_id, until)),
            _ => None,
        })
    }

    /// A place freed at `now`: offered to the first person still waiting, held from now for the
    /// hold time, or up to the session's start if that is sooner.
    pub fn place_freed(mut self, now: NaiveDateTime) -> (Self, Vec<Event>) {
        let event = self.offer_next(now);
        (self, vec![event])
    }

    fn offer_next(&mut self, now: NaiveDateTime) -> Event {
        if now >= self.session_starts {
            return Event::PlaceFree;
        }
        let until = (now + Duration::minutes(i64::from(self.hold_minutes))).min(self.session_starts);
        match self.entries.iter_mut().find(|e| e.state == State::Waiting) {
            Some(e) => {
                e.state = State::Offered { until };
                Event::Offered {
                    customer_id: e.customer_id,
                    until,
                }
            }
            None => Event::PlaceFree,
        }
    }

    fn open_offer(&mut self, customer_id: i64) -> Result<(&mut Entry, NaiveDateTime), OfferError> {
        self.entries
            .iter_mut()
            .find_map(|e| match e.state {
                State::Offered { until } if e.customer_id == customer_id => Some((e, until)),
                _ => None,
            })
            .ok_or(OfferError::NoOffer(customer_id))
    }

    /// `customer_id` takes the place offered, if the offer has not run out (it holds up to and
    /// including its `until`).
    pub fn accept(mut self, customer_id: i64, now: NaiveDateTime) -> Result<(Self, Vec<Event>), OfferError> {
        let (entry, until) = self.open_offer(customer_id)?;
        if now > until {
            return Err(OfferError::RanOut { customer_id, until });
        }
        entry.state = State::Accepted;
        Ok((self, vec![Event::Accepted { customer_id }]))
    }

    /// `customer_id` turns the place down: it is offered to the next person.
    pub fn decline(mut self, customer_id: i64, now: NaiveDateTime) -> Result<(Self, Vec<Event>), OfferError> {
        let (entry, _) = self.open_offer(customer_id)?;
        entry.state = State::Declined;
        let next = self.offer_next(now);
        Ok((self, vec![Event::Declined { customer_id }, next]))
    }

    /// Every offer that ran out before `now` expires, and each place passes to the next person
    /// waiting, held from `now`: whoever is next gets the full hold, however late this runs.
    pub fn expire(mut self, now: NaiveDateTime) -> (Self, Vec<Event>) {
        let mut events = Vec::new();
        let ran_out: Vec<i64> = self
            .offered()
            .filter(|(_, until)| *until < now)
            .map(|(c, _)| c)
            .collect();
        for customer_id in ran_out {
            if let Some(e) = self.entries.iter_mut().find(|e| e.customer_id == customer_id) {
                e.state = State::Expired;
            }
            events.push(Event::Expired { customer_id });
            events.push(self.offer_next(now));
        }
        (self, events)
    }
}
