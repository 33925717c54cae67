//! The three school import files, each checked whole: every bad row is reported as
//! `line N: …` and a file with any bad row imports nothing.
//!
//! **Attendance codes** (`import-attendance-codes`), the council's list, copied to every school:
//!
//! | column | meaning |
//! |---|---|
//! | `code` | 1–12 letters, digits or `-`; a `local` code must hold a letter (never a bare number that could be taken for a SEEMiS code) |
//! | `label` | words staff choose from, 1–100 characters |
//! | `category` | `attendance`, `authorised`, `unauthorised`, `exclusion` or `not_counted` |
//! | `valid_from`, `valid_to` | `YYYY-MM-DD`; `valid_to` may be empty |
//! | `needs_note`, `office_may_use` | `yes` or `no` |
//! | `origin` | `seemis` (checked against the national list) or `local` |
//! | `source` | where the code and its category come from |
//!
//! **Calendar** (`import-calendar`): `school_id,from,to,kind,halves,label`, one range a row;
//! `kind` is `term`, `holiday`, `in_service` or `closure`; `halves` is `both`, `am`, `pm` or
//! `none` (a term day with no openings is refused). Weekends in a range are skipped. Rows apply
//! in file order, so list the terms first and then the holidays and in-service days inside them.
//! A school's year runs from the first to the last day the file gives it in that year (August to
//! July).
//!
//! **Register** (`import-register`): `school_id,pupil_ref,date,opening` — one row per pupil
//! absent at registration with no reason known (`pupil_ref` is the pupil's Council Desk id;
//! `opening` is `AM` or `PM`). The file is the whole register of each school, date and opening it
//! names: a pupil marked before and missing now has been corrected in the MIS. Each pupil must be
//! on that school's roll that day, and each opening one of the school's calendar.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use desk_domain::school::{AttendanceCode, Category, CodeOrigin, DayKind, SchoolDay, SchoolYear};
use desk_domain::values::{Half, Opening};

use super::csv_file::{error, read};
use crate::timetable_csv::RowError;

pub const CODE_COLUMNS: [&str; 9] = [
    "code",
    "label",
    "category",
    "valid_from",
    "valid_to",
    "needs_note",
    "office_may_use",
    "origin",
    "source",
];
pub const CALENDAR_COLUMNS: [&str; 6] = ["school_id", "from", "to", "kind", "halves", "label"];
pub const REGISTER_COLUMNS: [&str; 4] = ["school_id", "pupil_ref", "date", "opening"];

/// An attendance code as the file gives it, before it is copied to each school.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeRow {
    pub code: String,
    pub label: String,
    pub category: Category,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub needs_note: bool,
    pub office_may_use: bool,
    pub origin: CodeOrigin,
    pub source: String,
}

impl CodeRow {
    pub fn for_school(&self, school_id: i64) -> AttendanceCode {
        AttendanceCode {
            id: AttendanceCode::key(school_id, &self.code),
            school_id,
            code: self.code.clone(),
            label: self.label.clone(),
            category: self.category,
            valid_from: self.valid_from,
            valid_to: self.valid_to,
            needs_note: self.needs_note,
            office_may_use: self.office_may_use,
            origin: self.origin,
            source: self.source.clone(),
        }
    }
}

fn date(line: usize, column: &str, s: &str, errors: &mut Vec<RowError>) -> Option<NaiveDate> {
    match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            errors.push(error(line, format!("`{column}` `{s}` is not a date like 2026-08-19")));
            None
        }
    }
}

fn yes_no(line: usize, column: &str, s: &str, errors: &mut Vec<RowError>) -> Option<bool> {
    match s.to_ascii_lowercase().as_str() {
        "yes" | "true" | "y" => Some(true),
        "no" | "false" | "n" => Some(false),
        _ => {
            errors.push(error(line, format!("`{column}` must be yes or no, not `{s}`")));
            None
        }
    }
}

fn id(line: usize, column: &str, s: &str, errors: &mut Vec<RowError>) -> Option<i64> {
    match s.parse::<i64>() {
        Ok(n) if n >= 1 => Some(n),
        _ => {
            errors.push(error(
                line,
                format!("`{column}` `{s}` is not a whole number of 1 or more"),
            ));
            None
        }
    }
}

fn text(line: usize, column: &str, s: &str, max: usize, errors: &mut Vec<RowError>) -> Option<String> {
    let n = s.chars().count();
    if n == 0 || n > max {
        errors.push(error(
            line,
            format!("`{column}` must be 1 to {max} characters (it has {n})"),
        ));
        return None;
    }
    Some(s.to_owned())
}

/// Reads an attendance-code file.
pub fn codes(bytes: &[u8]) -> Result<Vec<CodeRow>, Vec<RowError>> {
    let file = read(bytes, &CODE_COLUMNS)?;
    let mut errors = Vec::new();
    let mut out = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (line, f) in &file.rows {
        let line = *line;
        let before = errors.len();
        let code = f["code"].to_uppercase();
        let shape_ok = (1..=12).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if !shape_ok {
            errors.push(error(
                line,
                format!("`code` `{}` must be 1 to 12 letters, digits or -", f["code"]),
            ));
        }
        if let Some(first) = seen.insert(code.clone(), line) {
            errors.push(error(line, format!("code `{code}` is already given on line {first}")));
        }
        let label = text(line, "label", &f["label"], 100, &mut errors);
        let category = Category::parse(&f["category"].to_lowercase());
        if category.is_none() {
            errors.push(error(
                line,
                format!(
                    "`category` `{}` must be attendance, authorised, unauthorised, exclusion or not_counted",
                    f["category"]
                ),
            ));
        }
        let valid_from = date(line, "valid_from", &f["valid_from"], &mut errors);
        let valid_to = if f["valid_to"].is_empty() {
            None
        } else {
            date(line, "valid_to", &f["valid_to"], &mut errors)
        };
        if let (Some(from), Some(to)) = (valid_from, valid_to)
            && to < from
        {
            errors.push(error(line, format!("`valid_to` {to} is before `valid_from` {from}")));
        }
        let needs_note = yes_no(line, "needs_note", &f["needs_note"], &mut errors);
        let office_may_use = yes_no(line, "office_may_use", &f["office_may_use"], &mut errors);
        let origin = match f["origin"].to_lowercase().as_str() {
            "seemis" => Some(CodeOrigin::Seemis),
            "local" => {
                if shape_ok && code.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
                    errors.push(error(
                        line,
                        format!("local code `{code}` must hold a letter, so it cannot be taken for a SEEMiS number"),
                    ));
                }
                Some(CodeOrigin::Local)
            }
            other => {
                errors.push(error(line, format!("`origin` must be seemis or local, not `{other}`")));
                None
            }
        };
        let source = text(line, "source", &f["source"], 300, &mut errors);
        if errors.len() > before {
            continue;
        }
        if let (
            Some(label),
            Some(category),
            Some(valid_from),
            Some(needs_note),
            Some(office_may_use),
            Some(origin),
            Some(source),
        ) = (label, category, valid_from, needs_note, office_may_use, origin, source)
        {
            out.push(CodeRow {
                code,
                label,
                category,
                valid_from,
                valid_to,
                needs_note,
                office_may_use,
                origin,
                source,
            });
        }
    }
    if errors.is_empty() { Ok(out) } else { Err(errors) }
}

/// A calendar file's days and the school years they make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    pub days: Vec<SchoolDay>,
    pub years: Vec<SchoolYear>,
    /// Each school the file names, with the first line naming it.
    pub schools: BTreeMap<i64, usize>,
}

/// The longest range one row may give: a school year.
const MAX_RANGE_DAYS: i64 = 366;

/// Reads a calendar file.
pub fn calendar(bytes: &[u8]) -> Result<Calendar, Vec<RowError>> {
    let file = read(bytes, &CALENDAR_COLUMNS)?;
    let mut errors = Vec::new();
    let mut days: BTreeMap<(i64, NaiveDate), SchoolDay> = BTreeMap::new();
    let mut schools = BTreeMap::new();
    for (line, f) in &file.rows {
        let line = *line;
        let before = errors.len();
        let school_id = id(line, "school_id", &f["school_id"], &mut errors);
        if let Some(s) = school_id {
            schools.entry(s).or_insert(line);
        }
        let from = date(line, "from", &f["from"], &mut errors);
        let to = date(line, "to", &f["to"], &mut errors);
        let kind = DayKind::parse(&f["kind"].to_lowercase());
        if kind.is_none() {
            errors.push(error(
                line,
                format!("`kind` `{}` must be term, holiday, in_service or closure", f["kind"]),
            ));
        }
        let halves = match f["halves"].to_lowercase().as_str() {
            "both" => Some((true, true)),
            "am" => Some((true, false)),
            "pm" => Some((false, true)),
            "none" => Some((false, false)),
            other => {
                errors.push(error(
                    line,
                    format!("`halves` must be both, am, pm or none, not `{other}`"),
                ));
                None
            }
        };
        let label = f["label"].clone();
        if label.chars().count() > 100 {
            errors.push(error(line, "`label` can be at most 100 characters"));
        }
        if let (Some(from), Some(to)) = (from, to) {
            if to < from {
                errors.push(error(line, format!("`to` {to} is before `from` {from}")));
            } else if (to - from).num_days() >= MAX_RANGE_DAYS {
                errors.push(error(line, format!("{from} to {to} is longer than a school year")));
            } else if SchoolYear::starting_year(from) != SchoolYear::starting_year(to) {
                errors.push(error(
                    line,
                    format!("{from} to {to} runs across two school years (they end on 31 July)"),
                ));
            }
        }
        if let (Some(kind), Some((am, pm))) = (kind, halves)
            && kind == DayKind::Term
            && !am
            && !pm
        {
            errors.push(error(
                line,
                "a term range must have at least one opening (halves both, am or pm)",
            ));
        }
        if errors.len() > before {
            continue;
        }
        let (Some(school_id), Some(from), Some(to), Some(kind), Some((am, pm))) = (school_id, from, to, kind, halves)
        else {
            continue;
        };
        // Openings are only ever on term days; other kinds keep their halves off.
        let (am, pm) = if kind == DayKind::Term {
            (am, pm)
        } else {
            (false, false)
        };
        let mut day = from;
        while day <= to {
            if day.weekday().num_days_from_monday() < 5 {
                days.insert(
                    (school_id, day),
                    SchoolDay {
                        id: SchoolDay::key(school_id, day),
                        school_id,
                        date: day,
                        kind,
                        am,
                        pm,
                        label: label.clone(),
                    },
                );
            }
            match day.succ_opt() {
                Some(next) => day = next,
                None => break,
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut years: BTreeMap<(i64, i32), (NaiveDate, NaiveDate)> = BTreeMap::new();
    for (school_id, date) in days.keys() {
        let span = years
            .entry((*school_id, SchoolYear::starting_year(*date)))
            .or_insert((*date, *date));
        span.0 = span.0.min(*date);
        span.1 = span.1.max(*date);
    }
    let years = years
        .into_iter()
        .map(|((school_id, start), (first_day, last_day))| SchoolYear {
            id: SchoolYear::key(school_id, first_day),
            school_id,
            label: format!("{start}/{:02}", (start + 1) % 100),
            first_day,
            last_day,
        })
        .collect();
    Ok(Calendar {
        days: days.into_values().collect(),
        years,
        schools,
    })
}

/// One register row: the pupil was absent at registration, no reason known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegisterRow {
    pub line: usize,
    pub school_id: i64,
    pub pupil_id: i64,
    pub opening: Opening,
}

/// Reads a register file. A pupil named twice for one opening is refused (the file came
/// from somewhere that joined two registers wrongly).
pub fn register(bytes: &[u8]) -> Result<Vec<RegisterRow>, Vec<RowError>> {
    let file = read(bytes, &REGISTER_COLUMNS)?;
    let mut errors = Vec::new();
    let mut out = Vec::new();
    let mut seen: HashMap<(i64, Opening), usize> = HashMap::new();
    for (line, f) in &file.rows {
        let line = *line;
        let school_id = id(line, "school_id", &f["school_id"], &mut errors);
        let pupil_id = id(line, "pupil_ref", &f["pupil_ref"], &mut errors);
        let day = date(line, "date", &f["date"], &mut errors);
        let half = match f["opening"].to_uppercase().as_str() {
            "AM" => Some(Half::Am),
            "PM" => Some(Half::Pm),
            other => {
                errors.push(error(line, format!("`opening` must be AM or PM, not `{other}`")));
                None
            }
        };
        let (Some(school_id), Some(pupil_id), Some(date), Some(half)) = (school_id, pupil_id, day, half) else {
            continue;
        };
        let opening = Opening { date, half };
        if let Some(first) = seen.insert((pupil_id, opening), line) {
            errors.push(error(
                line,
                format!("pupil reference {pupil_id} appears twice for {opening} (first on line {first})"),
            ));
            continue;
        }
        out.push(RegisterRow {
            line,
            school_id,
            pupil_id,
            opening,
        });
    }
    if errors.is_empty() { Ok(out) } else { Err(errors) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(e: Vec<RowError>) -> Vec<String> {
        e.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn headers_blank_lines_and_field_counts_are_reported_by_line() {
        let e = register(b"school,pupil_ref,date\n").unwrap_err();
        assert_eq!(
            lines(e),
            [
                "line 1: the header row is wrong: unknown column `school`; missing column(s) school_id, opening; expected: school_id,pupil_ref,date,opening"
            ]
        );
        assert_eq!(
            lines(register(b"").unwrap_err()),
            ["line 1: the file is empty; the first line must be the header: school_id,pupil_ref,date,opening"]
        );
        assert_eq!(
            lines(register(b"school_id,pupil_ref,date,opening\n").unwrap_err()),
            ["line 1: the file has a header but no rows: nothing to import"]
        );
        // A byte-order mark, blank lines and CRLF: the bad row is still named by its own line.
        let text = "\u{feff}School_ID,pupil_ref,date,opening\r\n\r\n4,401,2026-12-01,AM\r\n\r\n4,402,2026-12-01\r\n";
        assert_eq!(
            lines(register(text.as_bytes()).unwrap_err()),
            ["line 5: the row has 3 fields; the header has 4"]
        );
    }

    #[test]
    fn calendar_rows_override_in_order_and_make_school_years() {
        let text = "school_id,from,to,kind,halves,label\n\
                    4,2026-08-19,2027-06-30,term,both,\n\
                    4,2026-12-18,2026-12-18,term,am,Last day\n\
                    4,2026-12-21,2027-01-01,holiday,both,Christmas\n";
        let c = calendar(text.as_bytes()).unwrap();
        let day = |d: &str| c.days.iter().find(|x| x.date.to_string() == d).unwrap();
        assert!(day("2026-12-18").am && !day("2026-12-18").pm);
        // A holiday's halves are off whatever the row says.
        assert!(!day("2026-12-21").am && day("2026-12-21").kind == DayKind::Holiday);
        assert!(c.days.iter().all(|d| d.date.weekday().num_days_from_monday() < 5));
        assert_eq!(c.years.len(), 1);
        assert_eq!(
            (c.years[0].label.as_str(), c.years[0].id.as_str()),
            ("2026/27", "4:2026")
        );
        let across = "school_id,from,to,kind,halves,label\n4,2027-06-01,2027-08-20,term,both,\n4,2026-09-01,2026-09-01,term,none,\n";
        assert_eq!(
            lines(calendar(across.as_bytes()).unwrap_err()),
            [
                "line 2: 2027-06-01 to 2027-08-20 runs across two school years (they end on 31 July)",
                "line 3: a term range must have at least one opening (halves both, am or pm)",
            ]
        );
    }

    #[test]
    fn the_shipped_codes_are_well_formed_and_only_four_are_seemis() {
        let codes = codes(desk_fixtures::ATTENDANCE_CODES_CSV.as_bytes()).unwrap();
        let seemis: Vec<&str> = codes
            .iter()
            .filter(|c| c.origin == CodeOrigin::Seemis)
            .map(|c| c.code.as_str())
            .collect();
        assert_eq!(seemis, ["02", "10", "11", "12"]);
        assert!(
            codes
                .iter()
                .filter(|c| c.origin == CodeOrigin::Local)
                .all(|c| c.code.starts_with("LC-") && c.source.starts_with("LOCAL code"))
        );
        let category = |code: &str| codes.iter().find(|c| c.code == code).unwrap().category;
        assert_eq!(category("02"), Category::NotCounted);
        assert_eq!(category("11"), Category::Attendance);
        assert_eq!(category("LC-EXC"), Category::Exclusion);
        assert!(!codes.iter().find(|c| c.code == "LC-EXC").unwrap().office_may_use);
    }
}
