//! Writing CSV (RFC 4180) for the exports an owner opens in a spreadsheet.
//!
//! - A cell holding a comma, a double quote, a carriage return or a line feed is quoted, its
//!   quotes doubled; any other cell is written as is.
//! - Rows end with CRLF, as RFC 4180 says and spreadsheets expect.
//! - Formula injection: a spreadsheet runs a cell starting with `=`, `+`, `-` or `@` (or a tab
//!   or carriage return before one) as a formula, so text a shopper or agent wrote could run in
//!   the owner's spreadsheet. Such a cell gets a leading `'`, which spreadsheets show as text
//!   (OWASP's advice). Values the export formats itself (numbers, dates) are [`Cell::Plain`] and
//!   never touched, so a negative figure stays a number.

/// One cell of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'a> {
    /// Text from anywhere: quoted and neutralised as needed.
    Text(&'a str),
    /// A value the export formatted itself (a number, a date), written as is.
    Plain(String),
    Empty,
}

impl Cell<'_> {
    /// A number, or an empty cell for `None`.
    pub fn number<T: ToString>(value: Option<T>) -> Cell<'static> {
        value.map_or(Cell::Empty, |value| Cell::Plain(value.to_string()))
    }
}

/// Characters that make a spreadsheet read a cell as a formula when they start it.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// One cell as written in a row.
fn cell(cell: &Cell) -> String {
    match cell {
        Cell::Empty => String::new(),
        Cell::Plain(number) => number.clone(),
        Cell::Text(text) => {
            let neutral = if text.starts_with(FORMULA_STARTS) { format!("'{text}") } else { (*text).to_owned() };
            if neutral.contains([',', '"', '\r', '\n']) {
                format!("\"{}\"", neutral.replace('"', "\"\""))
            } else {
                neutral
            }
        }
    }
}

/// One row, with its CRLF.
pub fn row(cells: &[Cell]) -> String {
    let mut line = cells.iter().map(cell).collect::<Vec<_>>().join(",");
    line.push_str("\r\n");
    line
}

/// A header row of plain names.
pub fn header(names: &[&str]) -> String {
    row(&names.iter().map(|name| Cell::Text(name)).collect::<Vec<_>>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_when_they_must_be() {
        let cases = [
            ("plain", "plain"),
            ("", ""),
            ("a,b", "\"a,b\""),
            ("say \"hi\"", "\"say \"\"hi\"\"\""),
            ("two\nlines", "\"two\nlines\""),
            ("cr\r", "\"cr\r\""),
            ("ünïcode ✓", "ünïcode ✓"),
            ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
            ("+1 555", "'+1 555"),
            ("-2+3", "'-2+3"),
            ("@cmd", "'@cmd"),
            ("\t=1", "'\t=1"),
            ("\r=1", "\"'\r=1\""),
            ("=HYPERLINK(\"http://x\",\"a\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"a\"\")\""),
            ("a=b", "a=b"),
            (" =1", " =1"),
        ];
        for (text, written) in cases {
            assert_eq!(cell(&Cell::Text(text)), written, "{text:?}");
        }
    }

    #[test]
    fn numbers_and_empty_cells_are_written_as_is() {
        let cases = [
            (Cell::number(Some(-3.5)), "-3.5"),
            (Cell::number(Some(42u64)), "42"),
            (Cell::number(None::<u64>), ""),
            (Cell::Empty, ""),
        ];
        for (given, written) in cases {
            assert_eq!(cell(&given), written, "{given:?}");
        }
    }

    #[test]
    fn rows_end_with_crlf() {
        let cases = [
            (vec![Cell::Text("a"), Cell::Plain("1".into()), Cell::Empty], "a,1,\r\n"),
            (vec![Cell::Text("x,y"), Cell::Text("\"")], "\"x,y\",\"\"\"\"\r\n"),
            (vec![], "\r\n"),
        ];
        for (cells, written) in cases {
            assert_eq!(row(&cells), written);
        }
        assert_eq!(header(&["id", "status"]), "id,status\r\n");
    }
}
