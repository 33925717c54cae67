//! The one CSV line splitter of the configuration loaders (council-tax charges, leisure price
//! lists and policies): configuration files are small and written by people, so a line is
//! split by hand rather than by a CSV crate the domain would otherwise not need.

/// Cells of one CSV line, trimmed; a cell in double quotes may hold commas.
pub(crate) fn split_csv(line: &str) -> Vec<&str> {
    let mut cells = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    for (i, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                cells.push(unquote(&line[start..i]));
                start = i + 1;
            }
            _ => {}
        }
    }
    cells.push(unquote(&line[start..]));
    cells
}

fn unquote(cell: &str) -> &str {
    let t = cell.trim();
    t.strip_prefix('"').and_then(|t| t.strip_suffix('"')).unwrap_or(t)
}

#[cfg(test)]
mod tests {
    use super::split_csv;

    #[test]
    fn quoted_cells_keep_their_commas_and_cells_are_trimmed() {
        assert_eq!(split_csv(" a , \"b, c\" ,"), vec!["a", "b, c", ""]);
        assert_eq!(split_csv(""), vec![""]);
    }
}
