//! Reading a council's own configuration files: CSV with a header line naming the columns (in
//! any order), and the cell formats the leisure configuration shares (dates, times, weekdays,
//! money in pounds). Errors name the line and the column, so whoever edits the file can fix it.

use chrono::{NaiveDate, NaiveTime, Weekday};

use crate::csv_line::split_csv;
use crate::values::Pence;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("the configuration is not valid JSON: {0}")]
    Json(String),
    #[error("line {line}: {reason}")]
    Csv { line: usize, reason: String },
    #[error("{what}: {reason}")]
    Invalid { what: String, reason: String },
}

impl ConfigError {
    pub(crate) fn invalid(what: impl Into<String>, reason: impl Into<String>) -> Self {
        ConfigError::Invalid {
            what: what.into(),
            reason: reason.into(),
        }
    }
}

pub(crate) fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, ConfigError> {
    serde_json::from_str(text).map_err(|e| ConfigError::Json(e.to_string()))
}

/// One data line of a CSV file, read by column name.
pub(crate) struct Row<'a> {
    pub line: usize,
    header: &'a [String],
    cells: Vec<String>,
}

impl Row<'_> {
    pub fn err(&self, col: &str, why: impl std::fmt::Display) -> ConfigError {
        ConfigError::Csv {
            line: self.line,
            reason: format!("`{col}`: {why}"),
        }
    }

    pub fn get(&self, col: &str) -> Result<&str, ConfigError> {
        self.header
            .iter()
            .position(|h| h == col)
            .map(|p| self.cells[p].trim())
            .ok_or(ConfigError::Csv {
                line: self.line,
                reason: format!("no `{col}` column"),
            })
    }

    /// A blank cell is `None`.
    pub fn opt(&self, col: &str) -> Result<Option<&str>, ConfigError> {
        self.get(col).map(|s| (!s.is_empty()).then_some(s))
    }

    pub fn parse<T: std::str::FromStr>(&self, col: &str) -> Result<T, ConfigError>
    where
        T::Err: std::fmt::Display,
    {
        self.get(col)?.parse::<T>().map_err(|e| self.err(col, e))
    }

    pub fn date(&self, col: &str) -> Result<NaiveDate, ConfigError> {
        parse_date(self.get(col)?).map_err(|e| self.err(col, e))
    }

    pub fn opt_date(&self, col: &str) -> Result<Option<NaiveDate>, ConfigError> {
        self.opt(col)?
            .map(|s| parse_date(s).map_err(|e| self.err(col, e)))
            .transpose()
    }

    pub fn time(&self, col: &str) -> Result<NaiveTime, ConfigError> {
        parse_time(self.get(col)?).map_err(|e| self.err(col, e))
    }

    pub fn money(&self, col: &str) -> Result<Pence, ConfigError> {
        self.parse::<Pence>(col)
    }
}

/// A CSV file's column names, and each data line's number and cells.
type Lines = (Vec<String>, Vec<(usize, Vec<String>)>);

/// The data lines of a CSV file under its header line; blank lines are skipped.
pub(crate) fn read_csv(text: &str) -> Result<Lines, ConfigError> {
    let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
    let (_, header) = lines.next().ok_or(ConfigError::Csv {
        line: 1,
        reason: "the file is empty".into(),
    })?;
    let header: Vec<String> = split_csv(header).into_iter().map(|h| h.trim().to_owned()).collect();
    let mut rows = Vec::new();
    for (i, line) in lines {
        let cells: Vec<String> = split_csv(line).into_iter().map(str::to_owned).collect();
        if cells.len() != header.len() {
            return Err(ConfigError::Csv {
                line: i + 1,
                reason: format!("{} cells for {} columns", cells.len(), header.len()),
            });
        }
        rows.push((i + 1, cells));
    }
    Ok((header, rows))
}

/// Runs `each` over every data line of `text`.
pub(crate) fn each_row<T>(
    text: &str,
    mut each: impl FnMut(&Row<'_>) -> Result<T, ConfigError>,
) -> Result<Vec<T>, ConfigError> {
    let (header, rows) = read_csv(text)?;
    rows.into_iter()
        .map(|(line, cells)| {
            each(&Row {
                line,
                header: &header,
                cells,
            })
        })
        .collect()
}

pub(crate) fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| format!("`{s}` is not a date like 2026-09-01"))
}

pub(crate) fn parse_time(s: &str) -> Result<NaiveTime, String> {
    NaiveTime::parse_from_str(s, "%H:%M").map_err(|_| format!("`{s}` is not a time like 19:00"))
}

/// Weekdays written `Mon-Fri`, `Sat;Sun` or `Mon;Wed-Fri` (no commas: they separate cells).
pub(crate) fn parse_days(s: &str) -> Result<Vec<Weekday>, String> {
    let day = |d: &str| {
        d.trim()
            .parse::<Weekday>()
            .map_err(|_| format!("`{d}` is not a weekday like Mon"))
    };
    let mut out = Vec::new();
    for part in s.split(';').filter(|p| !p.trim().is_empty()) {
        match part.split_once('-') {
            Some((a, b)) => {
                let (mut d, b) = (day(a)?, day(b)?);
                loop {
                    out.push(d);
                    if d == b {
                        break;
                    }
                    d = d.succ();
                }
            }
            None => out.push(day(part)?),
        }
    }
    if out.is_empty() {
        return Err(format!("`{s}` names no weekdays"));
    }
    Ok(out)
}
