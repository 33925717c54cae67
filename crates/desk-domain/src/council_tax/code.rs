//! Why the council-tax service refuses a command; sent as the snake_case strings below.

macro_rules! codes {
    ($($(#[$doc:meta])* $variant:ident = $s:literal),+ $(,)?) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code { $($(#[$doc])* $variant),+ }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $s),+ }
            }
        }
    };
}

codes! {
    UnknownAccount = "unknown_account",
    /// A request id that already names a request (the desk makes ids; a repeat is a bug).
    DuplicateRequest = "duplicate_request",
    /// The change carries no identity check, or one that does not exist.
    NoCheck = "no_check",
    /// The caller did not pass the check the change names.
    CheckFailed = "check_failed",
    /// The check was made by another member of staff.
    OtherAgentsCheck = "other_agents_check",
    /// The check is more than 60 minutes old.
    CheckExpired = "check_expired",
    /// The check was made on another account.
    OtherAccountsCheck = "other_accounts_check",
    /// Three failed checks on the account today: phone changes wait for a supervisor.
    AccountLocked = "account_locked",
    /// Only a supervisor may clear a lock.
    NotSupervisor = "not_supervisor",
    /// A check that names fewer than two further items, or one twice.
    TooFewItems = "too_few_items",
    EffectiveBeforeLiability = "effective_before_liability",
    /// More than 60 days ahead.
    EffectiveTooFarAhead = "effective_too_far_ahead",
    /// Nobody would be liable, and no new liable person or exemption is given.
    NobodyLiable = "nobody_liable",
    /// The change contradicts an earlier one (the reason is in the message).
    ContradictsEarlierChange = "contradicts_earlier_change",
    /// The person named is not (or no longer) on the account.
    UnknownPerson = "unknown_person",
    /// More than one adult is counted, so no single person discount.
    NotSinglePerson = "not_single_person",
    /// An exemption claimed after its time limit has run out.
    ExemptionTimeLimit = "exemption_time_limit",
    /// An exemption for an unoccupied home claimed while someone lives there.
    StillOccupied = "still_occupied",
    /// The account already has what the change asks for.
    NothingToChange = "nothing_to_change",
    InvalidName = "invalid_name",
    InvalidDateOfBirth = "invalid_date_of_birth",
    InvalidAddress = "invalid_address",
    InvalidPostcode = "invalid_postcode",
    InvalidEmail = "invalid_email",
    EmailsDiffer = "emails_differ",
    InvalidSortCode = "invalid_sort_code",
    InvalidBankAccount = "invalid_bank_account",
    InvalidPlan = "invalid_plan",
    InvalidReference = "invalid_reference",
    /// Free text that is too long or holds control characters.
    InvalidText = "invalid_text",
}

impl Code {
    pub fn is_missing_record(self) -> bool {
        matches!(self, Code::UnknownAccount)
    }
}

impl From<Code> for crate::refusal::Code {
    fn from(c: Code) -> Self {
        crate::refusal::Code::CouncilTax(c)
    }
}
