//! The timetable import file: one CSV that describes centres, their activities and the sessions
//! of those activities together, one session a row.
//!
//! The first row is a header naming these twelve columns (in any order, names case-insensitive):
//!
//! | column             | meaning                                                               |
//! |--------------------|-----------------------------------------------------------------------|
//! | `centre_id`        | the centre's id, a whole number ≥ 1                                   |
//! | `centre_name`      | the centre's name; the same on every row of that centre               |
//! | `town`             | the centre's town; the same on every row of that centre               |
//! | `activity_id`      | the activity's id, ≥ 1; an activity belongs to one centre only        |
//! | `activity_name`    | the activity's name; the same on every row of that activity           |
//! | `activity_kind`    | `class`, `pitch`, `room` or `activity`                                |
//! | `session_id`       | the session's id, ≥ 1, used once in the file                          |
//! | `starts_at`        | council local time, `YYYY-MM-DD HH:MM` (e.g. `2026-12-07 09:30`)      |
//! | `duration_minutes` | 1 to 600                                                              |
//! | `capacity`         | places, 1 to 500                                                      |
//! | `location`         | where in the centre (e.g. `Studio 1`); may be empty                   |
//! | `instructor`       | who leads it; may be empty                                            |
//!
//! Text is at most 200 characters and may not contain line breaks or other control characters.
//! Fields with commas or quotes are quoted the usual CSV way (`"Legs, Bums & Tums"`). A UTF-8
//! byte-order mark (as Excel writes) is allowed, and wholly empty rows are skipped. Imported
//! sessions start with nobody booked or waiting and are not cancelled.
//!
//! Every row is checked and every problem reported, each with its line in the file (the header
//! is line 1) and the column it concerns, so that a whole file can be corrected in one pass.
//! The caller imports either everything or, if there is any error, nothing.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fmt;

use chrono::NaiveDateTime;
use desk_domain::{Activity, ActivityKind, Centre, Session};

/// The header, in the order the example file and exports use.
pub const COLUMNS: [&str; 12] = [
    "centre_id",
    "centre_name",
    "town",
    "activity_id",
    "activity_name",
    "activity_kind",
    "session_id",
    "starts_at",
    "duration_minutes",
    "capacity",
    "location",
    "instructor",
];

/// Largest class, pitch or room booking a centre could really hold.
pub const MAX_CAPACITY: u32 = 500;
/// Ten hours: longer than any session, short enough to catch seconds typed as minutes.
pub const MAX_DURATION_MINUTES: u32 = 600;
/// Longest text in any column, in characters.
pub const MAX_TEXT_CHARS: usize = 200;

/// What a good file holds: centres and activities sorted by id, sessions in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TimetableImport {
    pub centres: Vec<Centre>,
    pub activities: Vec<Activity>,
    pub sessions: Vec<Session>,
}

/// One problem in the file. `line` is the 1-based line the row starts on (the header is 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for RowError {}

/// Reads a timetable file. Either every row is good and the whole timetable comes back, or
/// every problem found comes back, sorted by line.
pub fn parse(csv_text: &str) -> Result<TimetableImport, Vec<RowError>> {
    let text = csv_text.strip_prefix('\u{feff}').unwrap_or(csv_text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let expected = COLUMNS.join(",");

    let header = match records.next() {
        None => {
            return Err(vec![RowError {
                line: 1,
                message: format!("the file is empty; the first line must be the header: {expected}"),
            }]);
        }
        Some(Err(e)) => return Err(vec![csv_error(&e, 1)]),
        Some(Ok(header)) => header,
    };
    let columns = read_header(&header, &expected)?;

    let lines = LineStarts::new(text);
    let mut import = Import::default();
    let mut last_line = 1;
    for record in records {
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                import.errors.push(csv_error(&e, last_line + 1));
                continue;
            }
        };
        let line = record
            .position()
            .map_or(last_line + 1, |p| lines.line_of(text, p.byte()));
        last_line = line;
        if record.iter().all(str::is_empty) {
            continue;
        }
        import.row(line, &record, &columns);
    }

    if import.errors.is_empty() && import.sessions.is_empty() {
        import.errors.push(RowError {
            line: 1,
            message: "the file has a header but no sessions: nothing to import".to_owned(),
        });
    }
    if !import.errors.is_empty() {
        import.errors.sort_by_key(|e| e.line);
        return Err(import.errors);
    }
    let mut centres: Vec<Centre> = import.centres.into_values().map(|(c, _)| c).collect();
    centres.sort_by_key(|c| c.id);
    let mut activities: Vec<Activity> = import.activities.into_values().map(|(a, _)| a).collect();
    activities.sort_by_key(|a| a.id);
    Ok(TimetableImport {
        centres,
        activities,
        sessions: import.sessions,
    })
}

/// Byte offsets where each line of the file begins. The csv reader's own line count leaves out
/// the blank lines it skips (and a record's byte offset points at the first of them), so a
/// record's line is counted here from its offset, past any blank lines.
struct LineStarts(Vec<u64>);

impl LineStarts {
    fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        for (i, b) in bytes.iter().enumerate() {
            // `\n`, `\r\n` and a lone `\r` each end a line, as they do for the csv reader.
            let ends_line = *b == b'\n' || (*b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
            if ends_line {
                starts.push(i as u64 + 1);
            }
        }
        LineStarts(starts)
    }

    /// The 1-based line of the first non-blank line at or after byte `offset`.
    fn line_of(&self, text: &str, offset: u64) -> usize {
        let from = usize::try_from(offset).unwrap_or(text.len()).min(text.len());
        let blank = text.as_bytes()[from..]
            .iter()
            .take_while(|b| matches!(b, b'\r' | b'\n'))
            .count();
        let offset = (from + blank) as u64;
        self.0.partition_point(|start| *start <= offset)
    }
}

fn csv_error(e: &csv::Error, fallback_line: usize) -> RowError {
    let line = e.position().map_or(fallback_line, |p| p.line() as usize);
    RowError {
        line,
        message: format!("the row cannot be read as CSV: {e}"),
    }
}

/// Where each of [`COLUMNS`] is in the file: `positions[i]` is the field index of `COLUMNS[i]`.
struct Columns {
    positions: [usize; COLUMNS.len()],
    width: usize,
}

impl Columns {
    fn get<'r>(&self, record: &'r csv::StringRecord, column: Col) -> &'r str {
        record.get(self.positions[column as usize]).unwrap_or("")
    }
}

/// Column names as indices into [`COLUMNS`].
#[derive(Clone, Copy)]
enum Col {
    CentreId,
    CentreName,
    Town,
    ActivityId,
    ActivityName,
    ActivityKind,
    SessionId,
    StartsAt,
    DurationMinutes,
    Capacity,
    Location,
    Instructor,
}

impl Col {
    fn name(self) -> &'static str {
        COLUMNS[self as usize]
    }
}

fn read_header(header: &csv::StringRecord, expected: &str) -> Result<Columns, Vec<RowError>> {
    let mut positions = [usize::MAX; COLUMNS.len()];
    let mut problems = Vec::new();
    for (i, name) in header.iter().enumerate() {
        let name = name.to_lowercase();
        match COLUMNS.iter().position(|c| *c == name) {
            Some(k) if positions[k] != usize::MAX => problems.push(format!("column `{name}` appears twice")),
            Some(k) => positions[k] = i,
            None if name.is_empty() => problems.push(format!("column {} has no name", i + 1)),
            None => problems.push(format!("unknown column `{name}`")),
        }
    }
    let missing: Vec<&str> = COLUMNS
        .iter()
        .zip(positions)
        .filter(|(_, p)| *p == usize::MAX)
        .map(|(c, _)| *c)
        .collect();
    if !missing.is_empty() {
        problems.push(format!("missing column(s) {}", missing.join(", ")));
    }
    if problems.is_empty() {
        return Ok(Columns {
            positions,
            width: header.len(),
        });
    }
    Err(vec![RowError {
        line: 1,
        message: format!("the header row is wrong: {}; expected: {expected}", problems.join("; ")),
    }])
}

/// What the rows so far have established, and what was wrong with them.
#[derive(Default)]
struct Import {
    /// Each centre and activity with the line that first described it.
    centres: HashMap<i64, (Centre, usize)>,
    activities: HashMap<i64, (Activity, usize)>,
    session_lines: HashMap<i64, usize>,
    sessions: Vec<Session>,
    errors: Vec<RowError>,
}

impl Import {
    fn row(&mut self, line: usize, record: &csv::StringRecord, columns: &Columns) {
        if record.len() != columns.width {
            let message = if record.len() < columns.width {
                let found: Vec<&str> = (record.len()..columns.width)
                    .filter_map(|i| columns.positions.iter().position(|p| *p == i).map(|k| COLUMNS[k]))
                    .collect();
                format!(
                    "the row has {} values but the header has {}: missing {}",
                    record.len(),
                    columns.width,
                    found.join(", ")
                )
            } else {
                format!(
                    "the row has {} values but the header has {}; quote any value that contains a comma",
                    record.len(),
                    columns.width
                )
            };
            self.errors.push(RowError { line, message });
            return;
        }

        let errors_before = self.errors.len();
        let field = |col: Col| columns.get(record, col);
        let centre_id = self.id(line, Col::CentreId, field(Col::CentreId));
        let centre_name = self.text(line, Col::CentreName, field(Col::CentreName), true);
        let town = self.text(line, Col::Town, field(Col::Town), true);
        let activity_id = self.id(line, Col::ActivityId, field(Col::ActivityId));
        let activity_name = self.text(line, Col::ActivityName, field(Col::ActivityName), true);
        let kind = self.kind(line, field(Col::ActivityKind));
        let session_id = self.id(line, Col::SessionId, field(Col::SessionId));
        let starts_at = self.starts_at(line, field(Col::StartsAt));
        let duration = self.number(
            line,
            Col::DurationMinutes,
            field(Col::DurationMinutes),
            MAX_DURATION_MINUTES,
        );
        let capacity = self.number(line, Col::Capacity, field(Col::Capacity), MAX_CAPACITY);
        let location = self.text(line, Col::Location, field(Col::Location), false);
        let instructor = self.text(line, Col::Instructor, field(Col::Instructor), false);

        if let (Some(id), Some(name), Some(town)) = (centre_id, &centre_name, &town) {
            self.centre(
                line,
                Centre {
                    id,
                    name: name.clone(),
                    town: town.clone(),
                },
            );
        }
        if let (Some(id), Some(centre_id), Some(name), Some(kind)) = (activity_id, centre_id, &activity_name, kind) {
            self.activity(
                line,
                Activity {
                    id,
                    centre_id,
                    name: name.clone(),
                    kind,
                },
            );
        }
        if let Some(id) = session_id {
            match self.session_lines.entry(id) {
                Entry::Occupied(first) => self.errors.push(RowError {
                    line,
                    message: format!(
                        "session_id: {id} is already used on line {}; each session needs its own id",
                        first.get()
                    ),
                }),
                Entry::Vacant(v) => {
                    v.insert(line);
                }
            }
        }

        if self.errors.len() > errors_before {
            return;
        }
        // No new error on this row, so every field parsed.
        let (
            Some(id),
            Some(centre_id),
            Some(activity_id),
            Some(activity_name),
            Some(starts_at),
            Some(duration_minutes),
            Some(capacity),
            Some(location),
            Some(instructor),
        ) = (
            session_id,
            centre_id,
            activity_id,
            activity_name,
            starts_at,
            duration,
            capacity,
            location,
            instructor,
        )
        else {
            unreachable!("a field that failed to parse recorded an error");
        };
        self.sessions.push(Session {
            id,
            centre_id,
            activity_id,
            activity_name,
            starts_at,
            duration_minutes,
            capacity,
            booked: 0,
            waiting: 0,
            location,
            instructor,
            cancelled: false,
        });
    }

    fn error(&mut self, line: usize, col: Col, message: impl fmt::Display) {
        self.errors.push(RowError {
            line,
            message: format!("{}: {message}", col.name()),
        });
    }

    fn id(&mut self, line: usize, col: Col, value: &str) -> Option<i64> {
        if value.is_empty() {
            self.error(line, col, "is empty; an id is a whole number of 1 or more");
            return None;
        }
        match value.parse::<i64>() {
            Ok(id) if id >= 1 => Some(id),
            Ok(_) => {
                self.error(line, col, format_args!("`{value}` is not allowed; an id is 1 or more"));
                None
            }
            Err(_) => {
                self.error(line, col, format_args!("`{value}` is not a whole number"));
                None
            }
        }
    }

    fn number(&mut self, line: usize, col: Col, value: &str, max: u32) -> Option<u32> {
        match value.parse::<u32>() {
            Ok(n) if (1..=max).contains(&n) => Some(n),
            Ok(n) => {
                self.error(
                    line,
                    col,
                    format_args!("{n} is out of range; it must be from 1 to {max}"),
                );
                None
            }
            Err(_) if value.is_empty() => {
                self.error(line, col, format_args!("is empty; give a whole number from 1 to {max}"));
                None
            }
            Err(_) => {
                self.error(
                    line,
                    col,
                    format_args!("`{value}` is not a whole number from 1 to {max}"),
                );
                None
            }
        }
    }

    fn text(&mut self, line: usize, col: Col, value: &str, required: bool) -> Option<String> {
        let chars = value.chars().count();
        if required && value.is_empty() {
            self.error(line, col, "is empty");
            None
        } else if chars > MAX_TEXT_CHARS {
            self.error(
                line,
                col,
                format_args!("is {chars} characters long; the most allowed is {MAX_TEXT_CHARS}"),
            );
            None
        } else if value.chars().any(char::is_control) {
            self.error(line, col, "contains a line break or other control character");
            None
        } else {
            Some(value.to_owned())
        }
    }

    fn kind(&mut self, line: usize, value: &str) -> Option<ActivityKind> {
        match value.to_lowercase().as_str() {
            "class" => Some(ActivityKind::Class),
            "pitch" => Some(ActivityKind::Pitch),
            "room" => Some(ActivityKind::Room),
            "activity" => Some(ActivityKind::Activity),
            _ => {
                self.error(
                    line,
                    Col::ActivityKind,
                    format_args!("`{value}` is not one of class, pitch, room, activity"),
                );
                None
            }
        }
    }

    fn starts_at(&mut self, line: usize, value: &str) -> Option<NaiveDateTime> {
        let parsed = NaiveDateTime::parse_from_str(value, "%Y-%m-%d %H:%M")
            .or_else(|_| NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M"));
        match parsed {
            Ok(at) => Some(at),
            Err(_) => {
                self.error(
                    line,
                    Col::StartsAt,
                    format_args!("`{value}` is not a date and time in the form YYYY-MM-DD HH:MM"),
                );
                None
            }
        }
    }

    /// A centre is described on every one of its rows; all of them must agree.
    fn centre(&mut self, line: usize, centre: Centre) {
        match self.centres.entry(centre.id) {
            Entry::Vacant(v) => {
                v.insert((centre, line));
            }
            Entry::Occupied(first) => {
                let (known, first_line) = first.get();
                let mut problems = Vec::new();
                if known.name != centre.name {
                    problems.push((Col::CentreName, "named", known.name.clone(), centre.name.clone()));
                }
                if known.town != centre.town {
                    problems.push((Col::Town, "in", known.town.clone(), centre.town.clone()));
                }
                let (id, first_line) = (centre.id, *first_line);
                for (col, verb, was, now) in problems {
                    self.error(
                        line,
                        col,
                        format_args!("centre {id} is {verb} `{was}` on line {first_line}, not `{now}`"),
                    );
                }
            }
        }
    }

    /// An activity belongs to one centre and keeps its name and kind on every row.
    fn activity(&mut self, line: usize, activity: Activity) {
        match self.activities.entry(activity.id) {
            Entry::Vacant(v) => {
                v.insert((activity, line));
            }
            Entry::Occupied(first) => {
                let (known, first_line) = first.get().clone();
                let id = activity.id;
                if known.centre_id != activity.centre_id {
                    self.error(
                        line,
                        Col::ActivityId,
                        format_args!(
                            "activity {id} is at centre {} on line {first_line}, not centre {}; the same activity \
                             at another centre needs its own activity_id",
                            known.centre_id, activity.centre_id
                        ),
                    );
                }
                if known.name != activity.name {
                    self.error(
                        line,
                        Col::ActivityName,
                        format_args!(
                            "activity {id} is named `{}` on line {first_line}, not `{}`",
                            known.name, activity.name
                        ),
                    );
                }
                if known.kind != activity.kind {
                    self.error(
                        line,
                        Col::ActivityKind,
                        format_args!(
                            "activity {id} is a {} on line {first_line}, not a {}",
                            kind_name(known.kind),
                            kind_name(activity.kind)
                        ),
                    );
                }
            }
        }
    }
}

fn kind_name(kind: ActivityKind) -> &'static str {
    match kind {
        ActivityKind::Class => "class",
        ActivityKind::Pitch => "pitch",
        ActivityKind::Room => "room",
        ActivityKind::Activity => "activity",
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    const HEADER: &str = "centre_id,centre_name,town,activity_id,activity_name,activity_kind,session_id,starts_at,\
                          duration_minutes,capacity,location,instructor";
    const GOOD_ROW: &str =
        "1,Elgin Thistle Leisure Centre,Elgin,10,Spin,class,100,2026-12-07 09:30,45,20,Spin Studio,Iain S.";

    /// A file of the header and `rows`; the first row is on line 2.
    fn file(rows: &[&str]) -> String {
        let mut text = String::from(HEADER);
        for row in rows {
            text.push('\n');
            text.push_str(row);
        }
        text.push('\n');
        text
    }

    fn errors(text: &str) -> Vec<RowError> {
        match parse(text) {
            Ok(import) => panic!("expected errors, parsed {} sessions", import.sessions.len()),
            Err(errors) => errors,
        }
    }

    fn at(d: u32, h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 12, d)
            .unwrap()
            .and_hms_opt(h, m, 0)
            .unwrap()
    }

    #[test]
    fn a_good_file_parses_into_centres_activities_and_sessions() {
        let text = file(&[
            GOOD_ROW,
            "1,Elgin Thistle Leisure Centre,Elgin,11,\"Legs, Bums & Tums\",class,101,2026-12-07 10:30,60,25,\"Studio 1\",Seònaid O'Neill",
            "2,\"St Ninian's Hall, Hopeman\",Hopeman,20,Badminton Court,activity,102,2026-12-08T18:00,40,4,Hall,",
            "1,Elgin Thistle Leisure Centre,Elgin,10,Spin,CLASS,103,2026-12-09 06:30,45,20,Spin Studio,Ùisdean Mac an t-Sagairt",
        ]);
        let import = parse(&text).expect("good file");
        assert_eq!(
            import.centres,
            vec![
                Centre {
                    id: 1,
                    name: "Elgin Thistle Leisure Centre".into(),
                    town: "Elgin".into()
                },
                Centre {
                    id: 2,
                    name: "St Ninian's Hall, Hopeman".into(),
                    town: "Hopeman".into()
                },
            ]
        );
        let kinds: Vec<(i64, i64, &str, ActivityKind)> = import
            .activities
            .iter()
            .map(|a| (a.id, a.centre_id, a.name.as_str(), a.kind))
            .collect();
        assert_eq!(
            kinds,
            vec![
                (10, 1, "Spin", ActivityKind::Class),
                (11, 1, "Legs, Bums & Tums", ActivityKind::Class),
                (20, 2, "Badminton Court", ActivityKind::Activity),
            ]
        );
        assert_eq!(import.sessions.len(), 4);
        let s = &import.sessions[1];
        assert_eq!(
            *s,
            Session {
                id: 101,
                centre_id: 1,
                activity_id: 11,
                activity_name: "Legs, Bums & Tums".into(),
                starts_at: at(7, 10, 30),
                duration_minutes: 60,
                capacity: 25,
                booked: 0,
                waiting: 0,
                location: "Studio 1".into(),
                instructor: "Seònaid O'Neill".into(),
                cancelled: false,
            }
        );
        assert_eq!(import.sessions[2].starts_at, at(8, 18, 0));
        assert_eq!(import.sessions[2].instructor, "");
        assert_eq!(import.sessions[3].instructor, "Ùisdean Mac an t-Sagairt");
        assert!(
            import
                .sessions
                .iter()
                .all(|s| s.booked == 0 && s.waiting == 0 && !s.cancelled)
        );
    }

    #[test]
    fn a_byte_order_mark_crlf_line_ends_blank_rows_and_reordered_columns_are_accepted() {
        let text = "\u{feff}session_id,Centre_ID,centre_name,town,activity_id,activity_name,activity_kind,starts_at,\
                    duration_minutes,capacity,location,instructor\r\n\
                    7,3,Keith Isla Sports Centre,Keith,30,Yoga,class,2026-12-10 19:30,60,18,Studio,Màiri D'Arcy\r\n\
                    ,,,,,,,,,,,\r\n\
                    \r\n\
                    8,3,Keith Isla Sports Centre,Keith,30,Yoga,class,2026-12-11 19:30,60,18,Studio,Màiri D'Arcy\r\n";
        let import = parse(text).expect("good file");
        assert_eq!(import.sessions.iter().map(|s| s.id).collect::<Vec<_>>(), vec![7, 8]);
        assert_eq!(import.centres[0].name, "Keith Isla Sports Centre");
        assert_eq!(import.sessions[1].instructor, "Màiri D'Arcy");
    }

    #[test]
    fn line_numbers_count_blank_lines_and_every_kind_of_line_end() {
        for end in ["\n", "\r\n", "\r"] {
            let bad = GOOD_ROW.replace(",20,Spin", ",0,Spin").replace(",100,", ",101,");
            let text = [HEADER, GOOD_ROW, "", "", &bad, ""].join(end);
            let errs = errors(&text);
            assert_eq!(errs.len(), 1, "{end:?}: {errs:?}");
            assert_eq!(errs[0].line, 5, "{end:?}: {errs:?}");
        }
    }

    /// Each kind of bad row, alone after a good row, is reported once on line 3 naming its column.
    #[test]
    fn each_kind_of_bad_row_is_reported_on_its_line() {
        let long = "x".repeat(201);
        let long_row =
            format!("1,Elgin Thistle Leisure Centre,Elgin,10,Spin,class,200,2026-12-07 11:30,45,20,{long},Iain S.");
        let cases: Vec<(String, &str)> = vec![
            (
                "1,Elgin Thistle Leisure Centre,Elgin,10,Spin,class,200,2026-12-07 11:30,45,20".into(),
                "missing location, instructor",
            ),
            (
                format!("{GOOD_ROW},extra"),
                "the row has 13 values but the header has 12",
            ),
            (
                "one,Elgin Thistle Leisure Centre,Elgin,10,Spin,class,200,2026-12-07 11:30,45,20,Spin Studio,".into(),
                "centre_id: `one` is not a whole number",
            ),
            (
                "1,Elgin Thistle Leisure Centre,Elgin,10.5,Spin,class,200,2026-12-07 11:30,45,20,Spin Studio,".into(),
                "activity_id: `10.5` is not a whole number",
            ),
            (
                "1,Elgin Thistle Leisure Centre,Elgin,10,Spin,class,-4,2026-12-07 11:30,45,20,Spin Studio,".into(),
                "session_id: `-4` is not allowed",
            ),
            (
                "1,Elgin Thistle Leisure Centre,Elgin,10,Spin,class,,2026-12-07 11:30,45,20,Spin Studio,".into(),
                "session_id: is empty",
            ),
            (
                "1,Elgin Thistle Leisure Centre,Elgin,10,Spin,gym,200,2026-12-07 11:30,45,20,Spin Studio,".into(),
                "activity_kind: `gym` is not one of class, pitch, room, activity",
            ),
            (
                "1,Elgin Thistle Leisure Centre,Elgin,10,Spin,class,200,07/12/2026 11:30,45,20,Spin Studio,".into(),
                "starts_at: `07/12/2026 11:30` is not a date and time in the form YYYY-MM-DD HH:MM",
            ),
            (
                "1,Elgin Thistle Leisure Centre,Elgin,10,Spin,class,200,2026-02-30 11:30,45,20,Spin Studio,".into(),
                "starts_at: `2026-02-30 11:30`",
            ),
            (
                "1,Elgin Thistle Leisure Centre,Elgin,10,Spin,class,200,2026-12-07 25:00,45,20,Spin Studio,".into(),
                "starts_at: `2026-12-07 25:00`",
            ),
            (
                "1,Elgin Thistle Leisure Centre,Elgin,10,Spin,class,200,2026-12-07 11:30,45,0,Spin Studio,".into(),
                "capacity: 0 is out of range; it must be from 1 to 500",
            ),
            (
                "1,Elgin Thistle Leisure Centre,Elgin,10,Spin,class,200,2026-12-07 11:30,45,501,Spin Studio,".into(),
                "capacity: 501 is out of range",
            ),
            (
                "1,Elgin Thistle Leisure Centre,Elgin,10,Spin,class,200,2026-12-07 11:30,45,twenty,Spin Studio,".into(),
                "capacity: `twenty` is not a whole number",
            ),
            (
                "1,Elgin Thistle Leisure Centre,Elgin,10,Spin,class,200,2026-12-07 11:30,0,20,Spin Studio,".into(),
                "duration_minutes: 0 is out of range; it must be from 1 to 600",
            ),
            (
                "1,Elgin Thistle Leisure Centre,Elgin,10,Spin,class,200,2026-12-07 11:30,601,20,Spin Studio,".into(),
                "duration_minutes: 601 is out of range",
            ),
            (
                "1,Elgin Thistle Leisure Centre,Elgin,10,Spin,class,100,2026-12-07 11:30,45,20,Spin Studio,".into(),
                "session_id: 100 is already used on line 2",
            ),
            (
                "1,Elgin Leisure Centre,Elgin,10,Spin,class,200,2026-12-07 11:30,45,20,Spin Studio,".into(),
                "centre_name: centre 1 is named `Elgin Thistle Leisure Centre` on line 2, not `Elgin Leisure Centre`",
            ),
            (
                "1,Elgin Thistle Leisure Centre,Forres,10,Spin,class,200,2026-12-07 11:30,45,20,Spin Studio,".into(),
                "town: centre 1 is in `Elgin` on line 2, not `Forres`",
            ),
            (
                "2,Forres Mosset Pool,Forres,10,Spin,class,200,2026-12-07 11:30,45,20,Spin Studio,".into(),
                "activity_id: activity 10 is at centre 1 on line 2, not centre 2",
            ),
            (
                "1,Elgin Thistle Leisure Centre,Elgin,10,Spinning,class,200,2026-12-07 11:30,45,20,Spin Studio,".into(),
                "activity_name: activity 10 is named `Spin` on line 2, not `Spinning`",
            ),
            (
                "1,Elgin Thistle Leisure Centre,Elgin,10,Spin,room,200,2026-12-07 11:30,45,20,Spin Studio,".into(),
                "activity_kind: activity 10 is a class on line 2, not a room",
            ),
            (
                "1,,Elgin,10,Spin,class,200,2026-12-07 11:30,45,20,Spin Studio,".into(),
                "centre_name: is empty",
            ),
            (
                "1,Elgin Thistle Leisure Centre,Elgin,10,,class,200,2026-12-07 11:30,45,20,Spin Studio,".into(),
                "activity_name: is empty",
            ),
            (long_row, "location: is 201 characters long; the most allowed is 200"),
            (
                "1,Elgin Thistle Leisure Centre,Elgin,10,Spin,class,200,2026-12-07 11:30,45,20,\"Spin\nStudio\","
                    .into(),
                "location: contains a line break",
            ),
        ];
        for (row, expected) in cases {
            let errs = errors(&file(&[GOOD_ROW, &row]));
            assert_eq!(errs.len(), 1, "{row}: {errs:?}");
            assert_eq!(errs[0].line, 3, "{row}: {errs:?}");
            assert!(
                errs[0].message.contains(expected),
                "{row}\n got: {}\nwant: {expected}",
                errs[0].message
            );
        }
    }

    #[test]
    fn every_bad_row_is_reported_not_just_the_first() {
        let text = file(&[
            GOOD_ROW,
            "1,Elgin Thistle Leisure Centre,Elgin,10,Spin,class,101,2026-12-07 11:30,45,0,Spin Studio,",
            GOOD_ROW.replace(",100,", ",102,").as_str(),
            "x,Elgin Thistle Leisure Centre,Elgin,10,Spin,yoga,103,tomorrow,45,20,Spin Studio,",
            "",
            "1,Elgin Thistle Leisure Centre,Elgin,10,Spin,class,100,2026-12-07 12:30,45,20,Spin Studio,",
        ]);
        let errs = errors(&text);
        let lines: Vec<usize> = errs.iter().map(|e| e.line).collect();
        // Line 5 has three problems, each reported; the blank line 6 is skipped.
        assert_eq!(lines, vec![3, 5, 5, 5, 7], "{errs:?}");
        assert!(errs[1].message.starts_with("centre_id:"));
        assert!(errs[2].message.starts_with("activity_kind:"));
        assert!(errs[3].message.starts_with("starts_at:"));
        assert_eq!(
            errs[4].to_string(),
            "line 7: session_id: 100 is already used on line 2; each session needs its own id"
        );
    }

    #[test]
    fn a_quoted_value_over_several_lines_keeps_later_line_numbers_right() {
        let text = file(&[
            "1,\"Elgin Thistle\nLeisure Centre\",Elgin,10,Spin,class,100,2026-12-07 09:30,45,20,Spin Studio,",
            "1,Elgin,Elgin,10,Spin,class,101,2026-12-07 09:30,45,0,Spin Studio,",
        ]);
        let errs = errors(&text);
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert_eq!((errs[0].line, errs[1].line), (2, 4), "{errs:?}");
        assert!(errs[0].message.starts_with("centre_name: contains a line break"));
        assert!(errs[1].message.starts_with("capacity:"));
    }

    #[test]
    fn a_wrong_or_missing_header_is_reported_on_line_one() {
        let errs = errors(&format!("{GOOD_ROW}\n{GOOD_ROW}\n"));
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].line, 1);
        assert!(errs[0].message.contains("unknown column `1`"), "{}", errs[0].message);
        assert!(errs[0].message.contains(&COLUMNS.join(",")));

        let errs = errors(&format!("{}\n{GOOD_ROW}\n", HEADER.replace("capacity", "places")));
        assert_eq!(errs.len(), 1);
        assert!(errs[0].message.contains("unknown column `places`"));
        assert!(errs[0].message.contains("missing column(s) capacity"));

        let errs = errors(&format!("{HEADER},town\n{GOOD_ROW},Elgin\n"));
        assert!(
            errs[0].message.contains("column `town` appears twice"),
            "{}",
            errs[0].message
        );

        let errs = errors("");
        assert_eq!(errs[0].line, 1);
        assert!(errs[0].message.starts_with("the file is empty"));

        let errs = errors("\u{feff}");
        assert!(errs[0].message.starts_with("the file is empty"));

        let errs = errors(&file(&[]));
        assert_eq!(errs[0].line, 1);
        assert!(errs[0].message.contains("no sessions"));
    }

    #[test]
    fn the_fixtures_and_the_example_parse_as_documented() {
        let good = parse(include_str!("../tests/fixtures/timetable-good.csv")).expect("good fixture");
        assert_eq!(
            (good.centres.len(), good.activities.len(), good.sessions.len()),
            (2, 8, 14)
        );
        assert!(good.activities.iter().any(|a| a.name == "Legs, Bums & Tums"));
        assert!(good.centres.iter().any(|c| c.name == "St Ninian's Hall, Hopeman"));
        assert!(good.sessions.iter().any(|s| s.instructor == "Seònaid O'Neill"));

        let bad = errors(include_str!("../tests/fixtures/timetable-bad.csv"));
        let lines: Vec<usize> = bad.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![3, 4, 6, 7, 8, 9, 10, 11, 12], "{bad:?}");

        let example = parse(include_str!("../../../assets/demo/timetable-example.csv")).expect("example");
        assert!(!example.sessions.is_empty());
    }
}
