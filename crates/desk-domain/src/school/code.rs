//! Why the school service refuses a command; sent as the snake_case strings below.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Code {
    UnknownPupil,
    UnknownAbsence,
    UnknownContact,
    /// An id the desk made that already names a record (a repeat is a bug).
    DuplicateId,
    /// The pupil is not on the school's roll on the dates asked for.
    NotOnRoll,
    /// Another record already explains some of the openings; it is the alternative.
    OpeningsExplained,
    /// A date outside the school's year (or a school with no calendar for it).
    OutsideSchoolYear,
    /// More school days ahead than the office may record.
    TooFarAhead,
    /// The last opening comes before the first.
    EndBeforeStart,
    /// The range holds no opening of the school (a holiday, an in-service day, a weekend).
    NoOpenings,
    /// A code the office may not use, unknown, or not valid on the date.
    CodeNotAllowed,
    /// The code needs a reason note and none was given.
    NoteRequired,
    /// A note or reason that is too long or holds control characters.
    InvalidNote,
    /// Who called has no name.
    CallerNameMissing,
    AlreadyWithdrawn,
    /// Replacing another member of staff's record is for a supervisor.
    SupervisorOnly,
    /// Escalated before the configured number of unanswered attempts, not by choice.
    NotEnoughAttempts,
    /// `explained` without the absence to record, or an absence with another outcome.
    ExplanationMismatch,
    /// A late arrival or early leave at a time outside the school day.
    OutsideSchoolDay,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::UnknownPupil => "unknown_pupil",
            Code::UnknownAbsence => "unknown_absence",
            Code::UnknownContact => "unknown_contact",
            Code::DuplicateId => "duplicate_id",
            Code::NotOnRoll => "not_on_roll",
            Code::OpeningsExplained => "openings_explained",
            Code::OutsideSchoolYear => "outside_school_year",
            Code::TooFarAhead => "too_far_ahead",
            Code::EndBeforeStart => "end_before_start",
            Code::NoOpenings => "no_openings",
            Code::CodeNotAllowed => "code_not_allowed",
            Code::NoteRequired => "note_required",
            Code::InvalidNote => "invalid_note",
            Code::CallerNameMissing => "caller_name_missing",
            Code::AlreadyWithdrawn => "already_withdrawn",
            Code::SupervisorOnly => "supervisor_only",
            Code::NotEnoughAttempts => "not_enough_attempts",
            Code::ExplanationMismatch => "explanation_mismatch",
            Code::OutsideSchoolDay => "outside_school_day",
        }
    }

    pub fn is_missing_record(self) -> bool {
        matches!(self, Code::UnknownPupil | Code::UnknownAbsence | Code::UnknownContact)
    }
}

impl From<Code> for crate::refusal::Code {
    fn from(c: Code) -> Self {
        crate::refusal::Code::School(c)
    }
}
