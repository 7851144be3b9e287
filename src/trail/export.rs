//! Export of the trail's loaded result rows to a file: CSV (RFC 4180, safe to open in a
//! spreadsheet) or JSON lines (one object per row). Every cell is sanitised: the files hold
//! no control characters, so they are as safe to `cat` as the screen is.
//!
//! Choices:
//! - Newlines, tabs and carriage returns inside a cell are control characters: `sanitize::clean`
//!   turns them into spaces (other control characters into U+FFFD) in both formats. A cell is
//!   then always one line, and the CSV quoting only ever deals with `,` and `"`.
//! - CSV injection (OWASP): a cell that starts with `=`, `+`, `-`, `@`, tab or CR is prefixed
//!   with `'` so a spreadsheet shows it as text instead of evaluating it; so is one whose first
//!   non-space character is one of the first four (some spreadsheets skip leading spaces).
//!   A negative number then reads `'-5`: the price OWASP accepts for safety. Column names are
//!   cells too (raw SQL chooses them).
//! - SQL NULL is an empty CSV cell (indistinguishable from an empty string, as CSV has no
//!   NULL) and JSON `null`.

use crate::source::model::Epoch;
use std::io::{self, Write};
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    JsonLines,
    /// A plain log: each row's cells joined by two spaces, no header (saved tails).
    Text,
    /// A Markdown document, one row per line (the incident tape's post-mortem draft).
    Markdown,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::JsonLines => "jsonl",
            Self::Text => "log",
            Self::Markdown => "md",
        }
    }

    /// The format a file name asks for: `.csv`, or `.jsonl`/`.ndjson`/`.json`.
    pub fn for_path(path: &Path) -> Option<Self> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(Self::Csv),
            "jsonl" | "ndjson" | "json" => Some(Self::JsonLines),
            _ => None,
        }
    }
}

/// `sagewatch-trail-20250102-030405.csv` (`what` is `trail`, `logs`), from a time in epoch
/// seconds, in UTC (a file name that does not depend on the bastion's time zone).
pub fn default_file_name(what: &str, format: Format, now: Epoch) -> String {
    let ext = format.extension();
    match chrono::DateTime::from_timestamp(now, 0) {
        Some(t) => format!("sagewatch-{what}-{}.{ext}", t.format("%Y%m%d-%H%M%S")),
        None => format!("sagewatch-{what}-{now}.{ext}"),
    }
}

/// Writes each row as one line, its cells sanitised and joined by two spaces; the number of
/// rows written.
pub fn write_text<R: AsRef<[Option<C>]>, C: AsRef<str>>(
    out: &mut impl Write,
    rows: impl IntoIterator<Item = R>,
) -> io::Result<usize> {
    let mut n = 0;
    for row in rows {
        let mut line = String::new();
        for (i, cell) in row.as_ref().iter().enumerate() {
            if i > 0 {
                line.push_str("  ");
            }
            line.push_str(&crate::sanitize::clean(cell_text(cell)));
        }
        line.push('\n');
        out.write_all(line.as_bytes())?;
        n += 1;
    }
    Ok(n)
}

/// A cell's text; NULL's is empty.
fn cell_text(cell: &Option<impl AsRef<str>>) -> &str {
    cell.as_ref().map_or("", AsRef::as_ref)
}

/// One CSV field: sanitised, neutralised against formula injection, quoted when it holds a
/// `,` or a `"`.
pub fn csv_field(cell: &str) -> String {
    let neutralise = cell.starts_with(['=', '+', '-', '@', '\t', '\r'])
        || cell
            .trim_start_matches([' ', '\t', '\r', '\n'])
            .starts_with(['=', '+', '-', '@']);
    let mut text = crate::sanitize::clean(cell).into_owned();
    if neutralise {
        text.insert(0, '\'');
    }
    if text.contains([',', '"']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

fn csv_line<'c>(
    out: &mut impl Write,
    cells: impl Iterator<Item = Option<&'c str>>,
) -> io::Result<()> {
    let mut line = String::new();
    for (i, cell) in cells.enumerate() {
        if i > 0 {
            line.push(',');
        }
        line.push_str(&csv_field(cell.unwrap_or("")));
    }
    // RFC 4180 ends records with CRLF.
    line.push_str("\r\n");
    out.write_all(line.as_bytes())
}

/// Writes the header and the rows as CSV; the number of rows written.
pub fn write_csv<R: AsRef<[Option<C>]>, C: AsRef<str>>(
    out: &mut impl Write,
    columns: &[String],
    rows: impl IntoIterator<Item = R>,
) -> io::Result<usize> {
    csv_line(out, columns.iter().map(|c| Some(c.as_str())))?;
    let mut n = 0;
    for row in rows {
        csv_line(out, row.as_ref().iter().map(|c| Some(cell_text(c))))?;
        n += 1;
    }
    Ok(n)
}

/// The JSON keys: the column names, sanitised; a repeated name gets `_2`, `_3` (raw SQL may
/// select a column twice, and a JSON reader would keep only one of them).
fn json_keys(columns: &[String]) -> Vec<String> {
    let mut keys: Vec<String> = Vec::with_capacity(columns.len());
    for c in columns {
        let base = crate::sanitize::clean(c).into_owned();
        let mut key = base.clone();
        let mut n = 1;
        while keys.contains(&key) {
            n += 1;
            key = format!("{base}_{n}");
        }
        keys.push(key);
    }
    keys
}

fn json_string(s: &str) -> String {
    // Serialising a str cannot fail.
    serde_json::to_string(&crate::sanitize::clean(s)).unwrap_or_else(|_| "\"\"".into())
}

/// Writes one JSON object per row, keys in column order; the number of rows written. A
/// cell beyond the columns is keyed `column_N` (1-based); a missing cell is `null`.
pub fn write_json_lines<R: AsRef<[Option<C>]>, C: AsRef<str>>(
    out: &mut impl Write,
    columns: &[String],
    rows: impl IntoIterator<Item = R>,
) -> io::Result<usize> {
    let keys = json_keys(columns);
    let mut n = 0;
    for row in rows {
        let row = row.as_ref();
        let mut line = String::from("{");
        for i in 0..keys.len().max(row.len()) {
            if i > 0 {
                line.push(',');
            }
            match keys.get(i) {
                Some(k) => line.push_str(&json_string(k)),
                None => line.push_str(&json_string(&format!("column_{}", i + 1))),
            }
            line.push(':');
            match row.get(i) {
                Some(Some(v)) => line.push_str(&json_string(v.as_ref())),
                _ => line.push_str("null"),
            }
        }
        line.push_str("}\n");
        out.write_all(line.as_bytes())?;
        n += 1;
    }
    Ok(n)
}

/// Writes the rows to a new file at `path` (mode 0600: the rows name accounts and
/// principals); the number of rows written. An existing file is refused unless `overwrite`;
/// a symlink is always refused. A file left half-written by an error is removed.
pub fn export<R: AsRef<[Option<C>]>, C: AsRef<str>>(
    path: &Path,
    format: Format,
    overwrite: bool,
    columns: &[String],
    rows: impl IntoIterator<Item = R>,
) -> io::Result<usize> {
    let opened = if overwrite {
        crate::files::replace(path)
    } else {
        crate::files::create_new(path)
    };
    let file = opened.map_err(|e| {
        if e.kind() == io::ErrorKind::AlreadyExists {
            io::Error::new(
                io::ErrorKind::AlreadyExists,
                "the file exists, and an export never overwrites one: give another name",
            )
        } else {
            e
        }
    })?;
    let mut out = io::BufWriter::new(file);
    let written = match format {
        Format::Csv => write_csv(&mut out, columns, rows),
        Format::JsonLines => write_json_lines(&mut out, columns, rows),
        Format::Text | Format::Markdown => write_text(&mut out, rows),
    }
    .and_then(|n| out.flush().map(|()| n));
    if written.is_err() {
        let _ = std::fs::remove_file(path);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    fn row(cells: &[Option<&str>]) -> Vec<Option<String>> {
        cells.iter().map(|c| c.map(String::from)).collect()
    }

    fn csv(columns: &[String], rows: &[Vec<Option<String>>]) -> String {
        let mut out = Vec::new();
        let n = write_csv(&mut out, columns, rows.iter().map(Vec::as_slice)).unwrap();
        assert_eq!(n, rows.len());
        String::from_utf8(out).unwrap()
    }

    fn jsonl(columns: &[String], rows: &[Vec<Option<String>>]) -> String {
        let mut out = Vec::new();
        let n = write_json_lines(&mut out, columns, rows.iter().map(Vec::as_slice)).unwrap();
        assert_eq!(n, rows.len());
        String::from_utf8(out).unwrap()
    }

    struct TempDir(std::path::PathBuf);

    impl TempDir {
        fn new(name: &str) -> Self {
            let dir = std::env::temp_dir()
                .join(format!("sagewatch-export-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            Self(dir)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn a_saved_log_holds_one_line_per_row_and_no_control_character() {
        let evil = "a\u{1b}]52;c;Zm9v\u{7}\u{1b}[2J\u{9b}31m\u{202e}b\nc\r\td\u{2028}e";
        let rows: Vec<Vec<Option<String>>> = vec![
            vec![
                Some("2026-11-26T10:00:00.000Z".into()),
                Some(evil.into()),
                Some(evil.into()),
            ],
            vec![None, Some("blue/i-1".into()), Some("plain".into())],
        ];
        let mut out = Vec::new();
        let n = write_text(&mut out, rows.iter().map(|r| r.as_slice())).unwrap();
        assert_eq!(n, 2);
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.lines().count(), 2, "{text:?}");
        assert!(
            !text
                .chars()
                .any(|c| c != '\n' && crate::sanitize::needs_replacing(c)),
            "{text:?}"
        );
        assert!(text.ends_with("  blue/i-1  plain\n"), "{text:?}");
    }

    #[test]
    fn each_formula_prefix_is_neutralised() {
        for (cell, want) in [
            (
                "=HYPERLINK(\"http://x\")",
                "\"'=HYPERLINK(\"\"http://x\"\")\"",
            ),
            ("+1+1", "'+1+1"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "' =1"),
            ("\r=1", "' =1"),
            ("  =1", "'  =1"),
            ("a=1", "a=1"),
            ("CreateEndpoint", "CreateEndpoint"),
        ] {
            assert_eq!(csv_field(cell), want, "{cell:?}");
        }
    }

    #[test]
    fn commas_and_quotes_are_quoted_as_rfc_4180_says_and_newlines_become_spaces() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("{\"a\":1}"), "\"{\"\"a\"\":1}\"");
        assert_eq!(csv_field("line1\nline2"), "line1 line2");
        assert_eq!(csv_field("a,\r\nb"), "\"a,  b\"");
        let text = csv(
            &cols(&["eventname", "errorcode"]),
            &[
                row(&[Some("x,y"), None]),
                row(&[Some(""), Some("AccessDenied")]),
            ],
        );
        assert_eq!(text, "eventname,errorcode\r\n\"x,y\",\r\n,AccessDenied\r\n");
    }

    #[test]
    fn hostile_escape_sequences_never_reach_the_files() {
        let hostile = "a\u{1b}]52;c;ZXZpbA==\u{7}b\u{1b}[2J\u{9b}31m\u{202e}\u{0}";
        let columns = cols(&["col\u{1b}[1m", "b"]);
        let rows = [row(&[Some(hostile), Some(hostile)])];
        for text in [csv(&columns, &rows), jsonl(&columns, &rows)] {
            let bad: Vec<char> = text
                .chars()
                .filter(|&c| crate::sanitize::needs_replacing(c) && c != '\n' && c != '\r')
                .collect();
            assert!(bad.is_empty(), "{bad:?} in {text:?}");
            // JSON's own escapes must not bring them back either.
            assert!(
                !text.contains("\\u001b") && !text.contains("\\u0007"),
                "{text}"
            );
            assert!(text.contains("a\u{FFFD}]52;c;ZXZpbA=="), "{text}");
        }
        // The only control characters are the line ends.
        let text = csv(&columns, &rows);
        assert_eq!(text.matches("\r\n").count(), 2);
        assert_eq!(text.matches('\n').count(), 2);
    }

    #[test]
    fn json_lines_have_the_column_names_as_keys_in_order_and_null_for_null() {
        let text = jsonl(
            &cols(&["eventtime", "errorcode", "eventtime"]),
            &[
                row(&[Some("2025-01-02T03:04:05Z"), None, Some("dup")]),
                row(&[Some("=1"), Some("x\ny"), None, Some("extra")]),
                row(&[]),
            ],
        );
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            r#"{"eventtime":"2025-01-02T03:04:05Z","errorcode":null,"eventtime_2":"dup"}"#
        );
        // Not a spreadsheet: no neutralisation; the newline sanitised to a space.
        assert_eq!(
            lines[1],
            r#"{"eventtime":"=1","errorcode":"x y","eventtime_2":null,"column_4":"extra"}"#
        );
        assert_eq!(
            lines[2],
            r#"{"eventtime":null,"errorcode":null,"eventtime_2":null}"#
        );
        for l in lines {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            assert!(v.is_object());
        }
    }

    #[test]
    fn export_writes_a_new_file_and_refuses_to_overwrite_unless_told() {
        let dir = TempDir::new("overwrite");
        let path = dir.0.join("out.csv");
        let columns = cols(&["a"]);
        let rows = [row(&[Some("1")]), row(&[Some("2")])];
        let n = export(
            &path,
            Format::Csv,
            false,
            &columns,
            rows.iter().map(Vec::as_slice),
        )
        .unwrap();
        assert_eq!(n, 2);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "a\r\n1\r\n2\r\n");
        let e = export(
            &path,
            Format::Csv,
            false,
            &columns,
            rows[..1].iter().map(Vec::as_slice),
        )
        .unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::AlreadyExists);
        // Untouched.
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "a\r\n1\r\n2\r\n");
        let n = export(
            &path,
            Format::JsonLines,
            true,
            &columns,
            rows[..1].iter().map(Vec::as_slice),
        )
        .unwrap();
        assert_eq!(n, 1);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "{\"a\":\"1\"}\n");
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "{mode:o}");
    }

    #[test]
    fn export_refuses_a_symlink_even_when_overwriting() {
        let dir = TempDir::new("symlink");
        let target = dir.0.join("target");
        std::fs::write(&target, "keep").unwrap();
        let path = dir.0.join("out.csv");
        std::os::unix::fs::symlink(&target, &path).unwrap();
        for overwrite in [false, true] {
            let r = export(
                &path,
                Format::Csv,
                overwrite,
                &cols(&["a"]),
                std::iter::empty::<&[Option<String>]>(),
            );
            assert!(r.is_err(), "overwrite {overwrite}");
        }
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep");
        assert!(
            std::fs::symlink_metadata(&path)
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }

    #[test]
    fn export_refuses_a_fifo_without_blocking() {
        let dir = TempDir::new("fifo");
        let path = dir.0.join("out.csv");
        crate::files::tests::mkfifo(&path);
        for overwrite in [false, true] {
            let p = path.clone();
            let e = crate::files::tests::within_two_seconds(move || {
                export(
                    &p,
                    Format::Csv,
                    overwrite,
                    &cols(&["a"]),
                    std::iter::empty::<&[Option<String>]>(),
                )
            })
            .unwrap_err()
            .to_string();
            assert!(e.contains("is a FIFO"), "overwrite {overwrite}: {e}");
        }
    }

    #[test]
    fn default_names_carry_the_utc_time_and_the_format() {
        // 2025-01-02T03:04:05Z
        assert_eq!(
            default_file_name("trail", Format::Csv, 1_735_787_045),
            "sagewatch-trail-20250102-030405.csv"
        );
        assert_eq!(
            default_file_name("trail", Format::JsonLines, 0),
            "sagewatch-trail-19700101-000000.jsonl"
        );
        assert_eq!(
            default_file_name("trail", Format::Csv, i64::MAX),
            format!("sagewatch-trail-{}.csv", i64::MAX)
        );
    }

    #[test]
    fn the_format_follows_the_extension() {
        assert_eq!(Format::for_path(Path::new("x/a.CSV")), Some(Format::Csv));
        assert_eq!(
            Format::for_path(Path::new("a.jsonl")),
            Some(Format::JsonLines)
        );
        assert_eq!(
            Format::for_path(Path::new("a.ndjson")),
            Some(Format::JsonLines)
        );
        assert_eq!(Format::for_path(Path::new("a.txt")), None);
        assert_eq!(Format::for_path(Path::new("a")), None);
    }
}
