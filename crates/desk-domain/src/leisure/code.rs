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
    /// The centre has no price list (or no price for the activity) on the session's day.
    NoPriceList,
    /// The price the desk showed is not the price the rules give now (the price list changed).
    PriceChanged,
    /// Cash tendered below the price.
    TenderedShort,
    /// A payment the rules cannot take: no card reference (or a card number typed in its place),
    /// complimentary without a reason or a supervisor, on account without an account, bad text.
    InvalidPayment,
    /// A voucher unknown, expired, already used or worth less than the price.
    VoucherRefused,
    /// A payment id that already names a payment (the desk makes ids; a repeat is a bug).
    DuplicatePayment,
    /// The centre has no cancellation policy on the session's day.
    NoPolicy,
    /// A waiver without a reason (or one too long).
    InvalidWaiver,
    /// Everything paid for the booking has gone back already.
    AlreadyRefunded,
    /// A cash count the rules cannot take: no desk, a negative or future count, an unexplained
    /// difference, a bad reason.
    InvalidCount,
    /// The expected cash is not the figure the desk showed (a payment arrived since).
    CashChanged,
    /// A registration the rules cannot take: a field missing or malformed, a date of birth in
    /// the future or over 120 years ago, an under-16 without an emergency contact, a concession
    /// without its evidence and review date.
    InvalidRegistration,
    /// Customers on file who may be the person being registered, not yet confirmed "not them"
    /// (offered as alternatives: "is this them?").
    PossibleDuplicate,
    /// A desk-made customer id that already names a customer (two desks drew the same one).
    CustomerIdTaken,
    /// A membership the rules cannot sell: a start in the past, the wrong billing for the
    /// plan, an under-16 payer, a family that is not one.
    InvalidMembership,
    /// The customer already has a membership running on the start date.
    AlreadyMember,
    /// Check-in found no booking of the customer's for now.
    NoBooking,
    /// Check-in found several bookings for now: the desk names one.
    ChooseBooking,
    /// The booking is already checked in.
    AlreadyCheckedIn,
    /// The booking cannot be checked in or marked (cancelled, waiting, offered, another
    /// customer's, another session's, too early).
    NotCheckable,
    /// No-shows are marked only once the session has ended.
    SessionNotOver,
    /// The booking was already marked a no-show (or attended, or not marked at all to waive).
    NoShowState,
    /// A waiting-list offer that is not open (never made, taken, turned down, moved on).
    NoOffer,
    /// The offer's hold ran out; the place has passed (or will pass) to the next person.
    OfferRanOut,
    /// Advance booking is blocked after no-shows (the site's rule), until the date given.
    BookingBlocked,
    /// No such space at the centre.
    UnknownSpace,
    /// The space, or a space linked to it (a half, a quarter, the full pitch), is taken then.
    SpaceTaken,
    /// Outside opening hours, off the slot grid, on a closure day, ending before it starts, or
    /// already started.
    NotBookable,
    /// Before the booking window opens (or beyond a block's furthest date).
    NotYetOpen,
    /// A club name that is empty, too long or holds control characters.
    InvalidClub,
    /// A payment taken at the desk for a date of a club's block booking: blocks are charged to
    /// the club's account and invoiced.
    BlockOnAccount,
    /// A change to a customer's details the rules cannot take: no field named, or a field
    /// registration would refuse (the same rules, the same words).
    InvalidCustomerUpdate,
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
            Code::NoPriceList => "no_price_list",
            Code::PriceChanged => "price_changed",
            Code::TenderedShort => "tendered_short",
            Code::InvalidPayment => "invalid_payment",
            Code::VoucherRefused => "voucher_refused",
            Code::DuplicatePayment => "duplicate_payment",
            Code::NoPolicy => "no_policy",
            Code::InvalidWaiver => "invalid_waiver",
            Code::AlreadyRefunded => "already_refunded",
            Code::InvalidCount => "invalid_count",
            Code::CashChanged => "cash_changed",
            Code::InvalidRegistration => "invalid_registration",
            Code::PossibleDuplicate => "possible_duplicate",
            Code::CustomerIdTaken => "customer_id_taken",
            Code::InvalidMembership => "invalid_membership",
            Code::AlreadyMember => "already_member",
            Code::NoBooking => "no_booking",
            Code::ChooseBooking => "choose_booking",
            Code::AlreadyCheckedIn => "already_checked_in",
            Code::NotCheckable => "not_checkable",
            Code::SessionNotOver => "session_not_over",
            Code::NoShowState => "no_show_state",
            Code::NoOffer => "no_offer",
            Code::OfferRanOut => "offer_ran_out",
            Code::BookingBlocked => "booking_blocked",
            Code::UnknownSpace => "unknown_space",
            Code::SpaceTaken => "space_taken",
            Code::NotBookable => "not_bookable",
            Code::NotYetOpen => "not_yet_open",
            Code::InvalidClub => "invalid_club",
            Code::BlockOnAccount => "block_on_account",
            Code::InvalidCustomerUpdate => "invalid_customer_update",
        }
    }

    pub fn is_missing_record(self) -> bool {
        matches!(
            self,
            Code::UnknownSession | Code::UnknownCustomer | Code::UnknownBooking | Code::UnknownSpace
        )
    }
}

impl From<Code> for crate::refusal::Code {
    fn from(c: Code) -> Self {
        crate::refusal::Code::Leisure(c)
    }
}
