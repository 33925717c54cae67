//! Leisure commands with fresh booking ids, and the mutation envelopes a desk would send.

use chrono::Utc;
use desk_domain::leisure::{self, BookPlace, CancelPlace, JoinWaitingList};
use desk_domain::{Channel, Command, Mutation};
use uuid::Uuid;

/// `cmd` as mutation `seq` of `device_id`, face to face.
pub fn envelope(device_id: Uuid, seq: u64, cmd: &Command) -> Mutation {
    let (name, args_version, args) = cmd.to_envelope_parts();
    Mutation {
        mutation_id: Uuid::now_v7(),
        device_id,
        seq,
        name: name.into(),
        args_version,
        args,
        base_cursor: None,
        created_at: Utc::now(),
        channel: Channel::FaceToFace,
    }
}

pub fn book(session_id: i64, customer_id: i64) -> Command {
    Command::from(BookPlace {
        booking_id: Uuid::now_v7(),
        session_id,
        customer_id,
    })
}

pub fn join_waiting(session_id: i64, customer_id: i64) -> Command {
    Command::from(JoinWaitingList {
        booking_id: Uuid::now_v7(),
        session_id,
        customer_id,
    })
}

pub fn cancel(booking_id: Uuid) -> Command {
    Command::from(CancelPlace { booking_id })
}

/// The booking a command makes or cancels.
pub fn booking_id(cmd: &Command) -> Uuid {
    let Command::Leisure(c) = cmd else {
        panic!("{} names no booking", cmd.name());
    };
    match c {
        leisure::Command::BookPlace(a) => a.booking_id,
        leisure::Command::JoinWaitingList(a) => a.booking_id,
        leisure::Command::CancelPlace(a) => a.booking_id,
        leisure::Command::BookAndPay(a) => a.booking_id,
        leisure::Command::CancelWithRefund(a) => a.booking_id,
        leisure::Command::WaiveNoShow(a) => a.booking_id,
        leisure::Command::AcceptOffer(a) => a.booking_id,
        leisure::Command::DeclineOffer(a) => a.booking_id,
        leisure::Command::CheckIn(a) => a.booking_id.expect("a check-in naming its booking"),
        leisure::Command::MarkNoShows(a) => panic!("marking session {} names several bookings", a.session_id),
        leisure::Command::BookSpace(a) => a.booking_id,
        leisure::Command::CancelSpace(a) => a.booking_id,
        other => panic!("{} names no booking", other.name()),
    }
}
