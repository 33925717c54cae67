//! Why the leisure service refuses a command; sent as the snake_case strings below.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Code {
    UnknownSession,
    UnknownCustomer,
    UnknownBooking,
    /// A booking id that already names a booking (the desk makes ids; a repeat is a bug).
    DuplicateBooking,
    SessionFull,
    SessionCancelled,
    SessionStarted,
    AlreadyBooked,
    AlreadyWaiting,
    AlreadyCancelled,
    /// The waiting list is only for full sessions.
    PlacesAvailable,
    /// A note that is empty, too long or holds control characters.
    InvalidNote,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::UnknownSession => "unknown_session",
            Code::UnknownCustomer => "unknown_customer",
            Code::UnknownBooking => "unknown_booking",
            Code::DuplicateBooking => "duplicate_booking",
            Code::SessionFull => "session_full",
            Code::SessionCancelled => "session_cancelled",
            Code::SessionStarted => "session_started",
            Code::AlreadyBooked => "already_booked",
            Code::AlreadyWaiting => "already_waiting",
            Code::AlreadyCancelled => "already_cancelled",
            Code::PlacesAvailable => "places_available",
            Code::InvalidNote => "invalid_note",
        }
    }

    pub fn is_missing_record(self) -> bool {
        matches!(
            self,
            Code::UnknownSession | Code::UnknownCustomer | Code::UnknownBooking
        )
    }
}

impl From<Code> for crate::refusal::Code {
    fn from(c: Code) -> Self {
        crate::refusal::Code::Leisure(c)
    }
}
