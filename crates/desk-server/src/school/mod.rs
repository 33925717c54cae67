//! The school office's server tasks: importing attendance codes, calendars and registers
//! (each file all or nothing, every bad row reported as `line N: …`), and exporting absence
//! records for the school's MIS, each revision once.

pub(crate) mod api;
pub(crate) mod csv_file;
pub mod export;
pub mod parse;
pub mod settings;

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::{DateTime, Utc};
use desk_domain::school::{AttendanceCode, RegistrationMark, SchoolDay};
use desk_domain::values::Opening;
use desk_domain::{Bucket, Pupil, School, table};
use desk_store::Cond;

use crate::StoreError;
use crate::rows::Cell;
use crate::store::{EntityBatch, Store};
use crate::timetable_csv::RowError;

#[derive(Debug, thiserror::Error)]
pub enum SchoolImportError {
    /// Every bad row, by line; nothing was stored.
    #[error("{} bad row(s); nothing was imported", .0.len())]
    Rows(Vec<RowError>),
    /// The file names a school the caller does not work at; nothing was stored.
    #[error("school {0} is outside the caller's sites")]
    OutOfScope(i64),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn records<T: for<'de> serde::Deserialize<'de>>(
    store: &dyn Store,
    table: &str,
    filter: &[Cond],
) -> Result<Vec<T>, StoreError> {
    store
        .records(table, filter)?
        .into_iter()
        .map(|v| T::deserialize(v).map_err(|e| StoreError::Corrupt(format!("a {table} row that is not a record: {e}"))))
        .collect()
}

/// Imports the council's attendance codes into every school's bucket; returns the codes and
/// the schools. Codes already held and missing from the file stay (retire a code by giving it
/// a `valid_to`, so records made with it still read).
pub fn import_attendance_codes(store: &dyn Store, bytes: &[u8]) -> Result<(usize, usize), SchoolImportError> {
    let rows = parse::codes(bytes).map_err(SchoolImportError::Rows)?;
    let schools: Vec<School> = records(store, table::SCHOOLS, &[])?;
    if schools.is_empty() {
        return Err(SchoolImportError::Rows(vec![RowError {
            line: 1,
            message: "the server holds no schools yet, so there is nowhere to put the codes".to_owned(),
        }]));
    }
    let attendance_codes: Vec<AttendanceCode> = schools
        .iter()
        .flat_map(|s| rows.iter().map(|r| r.for_school(s.id)))
        .collect();
    store.load(&EntityBatch {
        attendance_codes,
        ..EntityBatch::default()
    })?;
    Ok((rows.len(), schools.len()))
}

/// Imports school calendars; returns the days and the school years they make.
pub fn import_calendar(store: &dyn Store, bytes: &[u8]) -> Result<(usize, usize), SchoolImportError> {
    let calendar = parse::calendar(bytes).map_err(SchoolImportError::Rows)?;
    let known: HashSet<i64> = records::<School>(store, table::SCHOOLS, &[])?
        .iter()
        .map(|s| s.id)
        .collect();
    let unknown: Vec<RowError> = calendar
        .schools
        .iter()
        .filter(|(id, _)| !known.contains(id))
        .map(|(id, line)| RowError {
            line: *line,
            message: format!("there is no school {id}"),
        })
        .collect();
    if !unknown.is_empty() {
        return Err(SchoolImportError::Rows(unknown));
    }
    let summary = (calendar.days.len(), calendar.years.len());
    store.load(&EntityBatch {
        school_years: calendar.years,
        school_days: calendar.days,
        ..EntityBatch::default()
    })?;
    Ok(summary)
}

/// What a register import changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RegisterSummary {
    /// Pupils marked absent.
    pub absent: usize,
    /// Earlier marks the file no longer holds (corrected in the MIS), now cleared.
    pub cleared: usize,
}

/// Imports registration marks: each school, date and opening the file names gets exactly the
/// file's absent pupils. Every pupil must be on that school's roll that day.
pub fn import_register(
    store: &dyn Store,
    bytes: &[u8],
    imported_at: DateTime<Utc>,
) -> Result<RegisterSummary, SchoolImportError> {
    import_register_within(store, bytes, imported_at, None)
}

/// [`import_register`] for a caller who may only send the registers of schools in `scope`
/// (`None`: any school, as the CLI on the server itself).
pub fn import_register_within(
    store: &dyn Store,
    bytes: &[u8],
    imported_at: DateTime<Utc>,
    scope: Option<&[Bucket]>,
) -> Result<RegisterSummary, SchoolImportError> {
    let rows = parse::register(bytes).map_err(SchoolImportError::Rows)?;
    let schools: BTreeSet<i64> = rows.iter().map(|r| r.school_id).collect();
    if let Some(scope) = scope
        && let Some(outside) = schools.iter().find(|s| !scope.contains(&Bucket::School(**s)))
    {
        return Err(SchoolImportError::OutOfScope(*outside));
    }
    let mut pupils: HashMap<i64, Pupil> = HashMap::new();
    for s in &schools {
        for p in records::<Pupil>(store, table::PUPILS, &[Cond::Eq("school_id", Cell::Int(*s))])? {
            pupils.insert(p.id, p);
        }
    }
    let mut errors = Vec::new();
    for r in &rows {
        match pupils.get(&r.pupil_id) {
            Some(p) if p.school_id == r.school_id && p.on_roll(r.opening.date) => {}
            Some(p) if p.school_id == r.school_id => errors.push(RowError {
                line: r.line,
                message: format!(
                    "pupil reference {} is not on the roll on {}",
                    r.pupil_id, r.opening.date
                ),
            }),
            _ => errors.push(RowError {
                line: r.line,
                message: format!(
                    "pupil reference {} is not a pupil of school {}",
                    r.pupil_id, r.school_id
                ),
            }),
        }
    }
    // A register is only taken at an opening of the school's calendar.
    let mut days: HashMap<(i64, chrono::NaiveDate), Option<SchoolDay>> = HashMap::new();
    for r in &rows {
        let key = (r.school_id, r.opening.date);
        if let std::collections::hash_map::Entry::Vacant(slot) = days.entry(key) {
            let id = SchoolDay::key(r.school_id, r.opening.date);
            slot.insert(records::<SchoolDay>(store, table::SCHOOL_DAYS, &[Cond::Eq("id", Cell::Text(id))])?.pop());
        }
        if !days[&key].as_ref().is_some_and(|d| d.has(r.opening.half)) {
            errors.push(RowError {
                line: r.line,
                message: format!("{} is not an opening of school {}'s calendar", r.opening, r.school_id),
            });
        }
    }
    errors.sort_by_key(|e| e.line);
    if !errors.is_empty() {
        return Err(SchoolImportError::Rows(errors));
    }
    let registers: BTreeSet<(i64, Opening)> = rows.iter().map(|r| (r.school_id, r.opening)).collect();
    let marked: HashSet<String> = rows
        .iter()
        .map(|r| RegistrationMark::key(r.pupil_id, r.opening))
        .collect();
    let mut marks: Vec<RegistrationMark> = rows
        .iter()
        .map(|r| RegistrationMark {
            id: RegistrationMark::key(r.pupil_id, r.opening),
            school_id: r.school_id,
            pupil_id: r.pupil_id,
            date: r.opening.date,
            half: r.opening.half,
            absent: true,
            imported_at,
        })
        .collect();
    let mut cleared = 0;
    let days: BTreeSet<(i64, chrono::NaiveDate)> = registers.iter().map(|(s, o)| (*s, o.date)).collect();
    for (school_id, date) in days {
        let held: Vec<RegistrationMark> = records(
            store,
            table::REGISTRATION_MARKS,
            &[
                Cond::Eq("school_id", Cell::Int(school_id)),
                Cond::Eq("date", Cell::Date(date)),
            ],
        )?;
        for mut m in held {
            if m.absent && registers.contains(&(school_id, m.opening())) && !marked.contains(&m.id) {
                m.absent = false;
                m.imported_at = imported_at;
                marks.push(m);
                cleared += 1;
            }
        }
    }
    let summary = RegisterSummary {
        absent: rows.len(),
        cleared,
    };
    store.load(&EntityBatch {
        registration_marks: marks,
        ..EntityBatch::default()
    })?;
    Ok(summary)
}

/// The default codes, parsed (the demo data loads them into every school).
pub fn default_codes() -> Vec<parse::CodeRow> {
    parse::codes(desk_fixtures::ATTENDANCE_CODES_CSV.as_bytes()).expect("the shipped code list is well formed")
}
