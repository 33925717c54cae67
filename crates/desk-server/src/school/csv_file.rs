//! Reading the school office's import files: bytes that must be UTF-8, a header naming the
//! columns (any order, case-insensitive), and rows reported by the line they start on.

use std::collections::HashMap;

use crate::timetable_csv::RowError;

/// A file's rows, each with its line, its fields found by column name.
pub(crate) struct CsvFile {
    pub rows: Vec<(usize, HashMap<&'static str, String>)>,
}

pub(crate) fn error(line: usize, message: impl Into<String>) -> RowError {
    RowError {
        line,
        message: message.into(),
    }
}

/// The line (1-based) byte `offset` falls on.
fn line_at(bytes: &[u8], offset: usize) -> usize {
    1 + bytes[..offset.min(bytes.len())].iter().filter(|b| **b == b'\n').count()
}

/// Reads `bytes` as a CSV file with exactly `columns` (a UTF-8 byte-order mark and blank rows
/// are allowed). Text that is not UTF-8 is refused with the line it is on, before anything
/// else: nothing of such a file is read.
pub(crate) fn read(bytes: &[u8], columns: &[&'static str]) -> Result<CsvFile, Vec<RowError>> {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let at = e.valid_up_to();
            return Err(vec![error(
                line_at(bytes, at),
                format!(
                    "the file is not UTF-8 text (byte 0x{:02X} at position {}); save it as CSV UTF-8 and import it again",
                    bytes[at],
                    at + 1
                ),
            )]);
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let expected = columns.join(",");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        None => {
            return Err(vec![error(
                1,
                format!("the file is empty; the first line must be the header: {expected}"),
            )]);
        }
        Some(Err(e)) => return Err(vec![error(1, format!("the header cannot be read as CSV: {e}"))]),
        Some(Ok(h)) => h,
    };
    let mut positions: Vec<Option<usize>> = vec![None; columns.len()];
    let mut problems = Vec::new();
    for (i, name) in header.iter().enumerate() {
        let name = name.to_lowercase();
        match columns.iter().position(|c| *c == name) {
            Some(k) if positions[k].is_some() => problems.push(format!("column `{name}` appears twice")),
            Some(k) => positions[k] = Some(i),
            None => problems.push(format!("unknown column `{name}`")),
        }
    }
    let missing: Vec<&str> = columns
        .iter()
        .zip(&positions)
        .filter(|(_, p)| p.is_none())
        .map(|(c, _)| *c)
        .collect();
    if !missing.is_empty() {
        problems.push(format!("missing column(s) {}", missing.join(", ")));
    }
    if !problems.is_empty() {
        return Err(vec![error(
            1,
            format!("the header row is wrong: {}; expected: {expected}", problems.join("; ")),
        )]);
    }
    let bytes = text.as_bytes();
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for record in records {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                errors.push(error(line, format!("the row cannot be read as CSV: {e}")));
                continue;
            }
        };
        if record.iter().all(str::is_empty) {
            continue;
        }
        let offset = record.position().map_or(0, |p| p.byte() as usize);
        // The reader's offset may point at blank lines before the row: skip them.
        let blank = bytes[offset.min(bytes.len())..]
            .iter()
            .take_while(|b| matches!(b, b'\r' | b'\n'))
            .count();
        let line = line_at(bytes, offset + blank);
        if record.len() != header.len() {
            errors.push(error(
                line,
                format!("the row has {} fields; the header has {}", record.len(), header.len()),
            ));
            continue;
        }
        let mut fields = HashMap::new();
        for (k, name) in columns.iter().enumerate() {
            let value = positions[k].and_then(|p| record.get(p)).unwrap_or("");
            if value.chars().any(char::is_control) {
                errors.push(error(line, format!("`{name}` holds a line break or control character")));
            }
            fields.insert(*name, value.to_owned());
        }
        rows.push((line, fields));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if rows.is_empty() {
        return Err(vec![error(1, "the file has a header but no rows: nothing to import")]);
    }
    Ok(CsvFile { rows })
}
