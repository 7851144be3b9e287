//! `sagewatch trail "FILTER"` (or `--sql`): one CloudTrail search on Athena from a shell.
//! The filter becomes the same partition-pruned SELECT as in the console (`--print-sql`
//! shows it without running it); progress and cost go to stderr as lines (stderr may be a
//! file), rows to stdout as a text table or JSON lines.
//!
//! Exit codes: 0 done, 1 Athena failed the query or a call failed, 2 bad filter, usage or
//! configuration (nothing sent), 130 interrupted (Ctrl-C: the query is cancelled).

use super::{Exit, clean};
use crate::cli::TrailArgs;
use crate::source::FleetSource;
use crate::source::model::Epoch;
use crate::source::trail::{QueryState, ResultPage, Search, TrailQuery, TrailSettings};
use crate::trail::filter::{self, FilterError};
use crate::trail::range;
use crate::trail::raw::{self, RawCheck};
use crate::trail::run::{self, Outcome, Progress, Report};
use crate::trail::sql;
use crate::writes::audit::inert_json;
use serde_json::{Map, Value};
use std::future::Future;
use std::io::{self, Write};
use std::ops::ControlFlow;
use std::time::Duration;
use unicode_width::UnicodeWidthChar;

/// Ctrl-C: the shell's convention, 128 + SIGINT.
pub const INTERRUPTED: u8 = 130;

/// The widest a table cell is drawn; longer cells are cut with `…` (JSON has them whole).
pub const MAX_CELL: usize = 48;

/// What an AWS configuration without `[trail]` is told.
pub const NO_TRAIL: &str = "no CloudTrail table is configured: add a [trail] section to \
    config.toml (catalog, database, table, workgroup, output_location, partitions, \
    reuse_minutes; docs/configuration.md, \"CloudTrail\"); docs/aws-setup.md, \"The CloudTrail \
    table\", has its CREATE TABLE";

/// A query ready to run (or print), and how many rows to show of it.
struct Prepared {
    query: TrailQuery,
    max_rows: usize,
    /// Why it needed --yes (raw SQL not shown to be partition-pruned, or a range wider
    /// than `max_range_days`): said before it runs.
    warning: Option<String>,
}

/// Runs `sagewatch trail`. `settings` are the config's `[trail]` (table, layout, limit);
/// `now` is the clock the time range counts from; `interrupt` resolves on Ctrl-C.
pub async fn run(
    source: &dyn FleetSource,
    settings: &TrailSettings,
    args: TrailArgs,
    now: Epoch,
    interrupt: impl Future<Output = ()>,
) -> Exit {
    let prepared = match prepare(source, settings, &args, now).await {
        Ok(p) => p,
        Err(e) => return e,
    };
    if args.print_sql {
        // A closed stdout is the reader's choice, not a failure.
        let _ = writeln!(io::stdout(), "{}", clean(&prepared.query.sql));
        return Exit::done();
    }
    let Some(trail) = source.trail() else {
        return Exit::usage(NO_TRAIL);
    };
    if let Some(w) = &prepared.warning {
        eprintln!("sagewatch: warning: {}", clean(w));
    }
    let mut printer = Printer::new(args.json, io::stdout().lock(), io::stderr());
    let outcome = run::drive(
        trail,
        &prepared.query,
        Some(prepared.max_rows),
        interrupt,
        &mut printer,
    )
    .await;
    printer.finish(&outcome, prepared.max_rows)
}

/// Everything checked before a call that costs money: the filter (or raw SQL), the time
/// range, the accounts; then the statement.
async fn prepare(
    source: &dyn FleetSource,
    settings: &TrailSettings,
    args: &TrailArgs,
    now: Epoch,
) -> Result<Prepared, Exit> {
    let limit = args.max_rows.unwrap_or(settings.limit);
    let max_rows = limit as usize;
    let token = run::request_token();
    if let Some(sql) = &args.sql {
        let check = raw::check(sql);
        if let RawCheck::Refused { reason } = check {
            return Err(Exit::usage(reason));
        }
        let warning = range::sql_confirmation(&check, sql, settings.max_range_days);
        confirmed_or_refused(args, warning.as_deref())?;
        return Ok(Prepared {
            query: TrailQuery {
                sql: sql.clone(),
                search: Search::Raw,
                token,
            },
            max_rows,
            warning,
        });
    }
    let text = args.filter.as_deref().unwrap_or("");
    let filter = filter::parse(text).map_err(|e| Exit::usage(filter_error(text, &e)))?;
    let (from, to) = filter.range(now);
    if from > to {
        return Err(Exit::usage(
            "bad filter: since is after until: expected an earlier since",
        ));
    }
    let warning = range::filter_excess(from, to, settings.max_range_days);
    confirmed_or_refused(args, warning.as_deref())?;
    let accounts = account_ids(source, &filter.accounts).await?;
    let mut table = settings.table();
    table.limit = limit;
    let sql = sql::select(&table, &filter, &accounts, from, to);
    Ok(Prepared {
        query: TrailQuery {
            sql,
            search: Search::Filter {
                filter: Box::new(filter),
                accounts,
                from,
                to,
                limit,
            },
            token,
        },
        max_rows,
        warning,
    })
}

/// A search with a `warning` (it may scan the whole trail, or covers more days than
/// `max_range_days`) runs only with --yes; printing it sends nothing.
fn confirmed_or_refused(args: &TrailArgs, warning: Option<&str>) -> Result<(), Exit> {
    match warning {
        Some(w) if !args.yes && !args.print_sql => Err(Exit::usage(format!(
            "{w}: add --yes to run it anyway (nothing was sent)"
        ))),
        _ => Ok(()),
    }
}

/// The filter's accounts as ids: a label or id the console knows, or any 12-digit id (the
/// trail may hold accounts the console does not watch).
async fn account_ids(source: &dyn FleetSource, wanted: &[String]) -> Result<Vec<String>, Exit> {
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let known = source
        .accounts()
        .await
        .map_err(|e| Exit::failed(e.to_string()))?;
    wanted
        .iter()
        .map(|w| {
            if let Some(a) = known.iter().find(|a| a.id == *w || a.label == *w) {
                Ok(a.id.clone())
            } else if w.len() == 12 && w.bytes().all(|b| b.is_ascii_digit()) {
                Ok(w.clone())
            } else {
                let labels: Vec<String> = known
                    .iter()
                    .map(|a| format!("{} ({})", clean(&a.label), a.id))
                    .collect();
                Err(Exit::usage(format!(
                    "bad filter: unknown account {}: expected a 12-digit id or one of {}",
                    clean(w),
                    labels.join(", ")
                )))
            }
        })
        .collect()
}

/// The filter, a caret line under the mistaken token, and what was expected:
///
/// ```text
/// bad filter: unknown key "colour": expected one of event, ...
///   event:X colour:red
///           ^^^^^^
/// ```
pub fn filter_error(text: &str, e: &FilterError) -> String {
    // `clean` replaces a character with one character: positions survive it.
    let shown = crate::sanitize::clean(text);
    let (mut before, mut under) = (0usize, 0usize);
    for ((i, _), c) in text.char_indices().zip(shown.chars()) {
        let w = c.width().unwrap_or(0);
        if i < e.start {
            before += w;
        } else if i < e.end {
            under += w;
        }
    }
    format!(
        "bad filter: {}\n  {shown}\n  {}{}",
        e.message,
        " ".repeat(before),
        "^".repeat(under.max(1))
    )
}

/// `s` cleaned, cut to at most `width` display columns with `…`.
pub fn cut(s: &str, width: usize) -> String {
    let s = crate::sanitize::clean(s);
    let total: usize = s.chars().map(|c| c.width().unwrap_or(0)).sum();
    if total <= width {
        return s.into_owned();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

fn display_width(s: &str) -> usize {
    s.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// Column widths: the widest of the header and the cells (cleaned), at most `MAX_CELL`.
pub fn widths(columns: &[String], rows: &[Vec<Option<String>>]) -> Vec<usize> {
    let n = rows
        .iter()
        .map(Vec::len)
        .chain([columns.len()])
        .max()
        .unwrap_or(0);
    (0..n)
        .map(|i| {
            let header = columns
                .get(i)
                .map_or(0, |c| display_width(&cut(c, MAX_CELL)));
            rows.iter()
                .filter_map(|r| r.get(i).and_then(Option::as_deref))
                .map(|c| display_width(&cut(c, MAX_CELL)))
                .chain([header, 1])
                .max()
                .unwrap_or(1)
        })
        .collect()
}

/// One line of the table: cells cut to their column's width, padded, two spaces apart.
/// NULL is an empty cell.
pub fn table_line<'a>(
    cells: impl IntoIterator<Item = Option<&'a str>>,
    widths: &[usize],
) -> String {
    let mut line = String::new();
    for (i, (cell, w)) in cells.into_iter().zip(widths).enumerate() {
        if i > 0 {
            line.push_str("  ");
        }
        let c = cut(cell.unwrap_or(""), *w);
        let pad = w.saturating_sub(display_width(&c));
        line.push_str(&c);
        line.push_str(&" ".repeat(pad));
    }
    line.trim_end().to_owned()
}

/// Keys for a row's object: the column names, a repeated name numbered (`arn`, `arn_2`),
/// a column without a name called by its position.
pub fn json_keys(columns: &[String], n: usize) -> Vec<String> {
    let mut keys: Vec<String> = Vec::with_capacity(n);
    for i in 0..n.max(columns.len()) {
        let base = columns
            .get(i)
            .filter(|c| !c.is_empty())
            .cloned()
            .unwrap_or_else(|| format!("_col{i}"));
        let mut key = base.clone();
        let mut k = 2;
        while keys.contains(&key) {
            key = format!("{base}_{k}");
            k += 1;
        }
        keys.push(key);
    }
    keys
}

/// One JSON line: the row as an object keyed by `keys`, NULL as null, every character a
/// terminal would act on escaped.
pub fn json_line(keys: &[String], row: &[Option<String>]) -> String {
    let mut object = Map::new();
    for (i, key) in keys.iter().enumerate() {
        let v = row
            .get(i)
            .cloned()
            .flatten()
            .map_or(Value::Null, Value::String);
        object.insert(key.clone(), v);
    }
    inert_json(&Value::Object(object))
}

/// Megabytes and dollars as the progress lines say them.
fn cost(p: &Progress) -> String {
    if p.reused {
        return "results reused: nothing scanned".into();
    }
    let price = if p.price_usd < 0.01 {
        format!("{:.5}", p.price_usd)
    } else {
        format!("{:.2}", p.price_usd)
    };
    format!(
        "scanned {:.1} MB, ${price}",
        p.scanned_bytes as f64 / 1_000_000.0
    )
}

/// A progress line: state, elapsed, scanned, price.
pub fn progress_line(p: &Progress) -> String {
    format!(
        "trail: {:<9} {:>6.1} s  {}",
        p.state.as_str(),
        p.elapsed.as_secs_f64(),
        cost(p)
    )
}

/// How often an unchanged state is said again (so a long scan is seen to be alive).
const SAY_AGAIN: Duration = Duration::from_secs(30);

/// The shell's `Report`: progress lines to `err`, rows to `out`.
pub struct Printer<O: Write, E: Write> {
    json: bool,
    out: O,
    err: E,
    columns: Vec<String>,
    widths: Vec<usize>,
    keys: Vec<String>,
    first: bool,
    last: Option<(QueryState, u64, Duration)>,
    /// Writing the rows failed: the reader is gone (a closed pipe) or the disk is full.
    write_error: Option<io::Error>,
}

impl<O: Write, E: Write> Printer<O, E> {
    pub fn new(json: bool, out: O, err: E) -> Self {
        Self {
            json,
            out,
            err,
            columns: Vec::new(),
            widths: Vec::new(),
            keys: Vec::new(),
            first: true,
            last: None,
            write_error: None,
        }
    }

    fn write_rows(&mut self, page: &ResultPage) -> io::Result<()> {
        if self.first {
            self.first = false;
            self.columns = page.columns.clone();
            let n = page.rows.iter().map(Vec::len).max().unwrap_or(0);
            self.keys = json_keys(&self.columns, n);
            // Widths from the first page (up to 1,000 rows): later pages stream under them.
            self.widths = widths(&self.keys_or_columns(), &page.rows);
            if !self.json {
                let header = self.keys_or_columns();
                let line = table_line(header.iter().map(|c| Some(c.as_str())), &self.widths);
                writeln!(self.out, "{line}")?;
            }
        }
        for row in &page.rows {
            let line = if self.json {
                json_line(&self.keys, row)
            } else {
                table_line(row.iter().map(Option::as_deref), &self.widths)
            };
            writeln!(self.out, "{line}")?;
        }
        self.out.flush()
    }

    /// The header: the columns as labelled, positions for unnamed ones.
    fn keys_or_columns(&self) -> Vec<String> {
        (0..self.keys.len())
            .map(|i| {
                self.columns
                    .get(i)
                    .filter(|c| !c.is_empty())
                    .cloned()
                    .unwrap_or_else(|| self.keys[i].clone())
            })
            .collect()
    }

    /// What the run ended with, said on stderr, as an exit.
    pub fn finish(mut self, outcome: &Outcome, max_rows: usize) -> Exit {
        match outcome {
            Outcome::Succeeded { rows, .. } => {
                if let Some(e) = self.write_error.take() {
                    if e.kind() == io::ErrorKind::BrokenPipe {
                        // `| head`: the reader had what it wanted.
                        return Exit::done();
                    }
                    return Exit::failed(format!("cannot write the rows: {e}"));
                }
                let more = if *rows == max_rows {
                    " (the most asked for: --max-rows shows more)"
                } else {
                    ""
                };
                let _ = writeln!(
                    self.err,
                    "trail: {rows} row{}{more}",
                    if *rows == 1 { "" } else { "s" }
                );
                Exit::done()
            }
            Outcome::Failed { reason } => {
                Exit::failed(format!("Athena: the query failed: {reason}"))
            }
            Outcome::Cancelled { stop_failed } => Exit {
                code: INTERRUPTED,
                message: Some(match stop_failed {
                    None => "interrupted: the query was cancelled".into(),
                    Some(e) => format!(
                        "interrupted, but the query could not be cancelled ({e}): it may still \
                         be running"
                    ),
                }),
            },
            Outcome::Error(e) => Exit::failed(e.to_string()),
        }
    }
}

impl<O: Write, E: Write> Report for Printer<O, E> {
    fn started(&mut self, id: &str) {
        let _ = writeln!(self.err, "trail: query {}", clean(id));
    }

    fn progress(&mut self, p: &Progress) {
        let say = match self.last {
            None => true,
            Some((state, bytes, at)) => {
                state != p.state
                    || bytes != p.scanned_bytes
                    || p.elapsed.saturating_sub(at) >= SAY_AGAIN
            }
        };
        if say {
            self.last = Some((p.state, p.scanned_bytes, p.elapsed));
            let _ = writeln!(self.err, "{}", progress_line(p));
        }
    }

    fn page(&mut self, page: ResultPage) -> ControlFlow<()> {
        match self.write_rows(&page) {
            Ok(()) => ControlFlow::Continue(()),
            Err(e) => {
                self.write_error = Some(e);
                ControlFlow::Break(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::trail::QueryStatus;

    fn page(columns: &[&str], rows: &[&[Option<&str>]]) -> ResultPage {
        ResultPage {
            columns: columns.iter().map(|c| (*c).to_owned()).collect(),
            rows: rows
                .iter()
                .map(|r| r.iter().map(|c| c.map(str::to_owned)).collect())
                .collect(),
            next: None,
        }
    }

    fn printed(json: bool, pages: Vec<ResultPage>) -> String {
        let mut out = Vec::new();
        let mut p = Printer::new(json, &mut out, io::sink());
        for pg in pages {
            assert!(p.page(pg).is_continue());
        }
        drop(p);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn the_table_is_as_wide_as_its_cells_and_cuts_the_widest() {
        let long = "arn:aws:sts::111111111111:assumed-role/deployer-role-with-a-long-name/ci";
        let text = printed(
            false,
            vec![
                page(
                    &["eventtime", "arn", "eventname"],
                    &[
                        &[
                            Some("2026-11-29T08:00:00Z"),
                            Some(long),
                            Some("UpdateEndpoint"),
                        ],
                        &[
                            Some("2026-11-29T07:00:00Z"),
                            None,
                            Some("CreateEndpointConfig"),
                        ],
                    ],
                ),
                page(
                    &[],
                    &[&[Some("2026-11-28T07:00:00Z"), Some("alice"), Some("X")]],
                ),
            ],
        );
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 4, "{text}");
        assert_eq!(
            lines[0].split_whitespace().collect::<Vec<_>>(),
            ["eventtime", "arn", "eventname"]
        );
        // The first column is as wide as its widest cell, then two spaces.
        assert_eq!(lines[0].find("arn"), Some("2026-11-29T08:00:00Z  ".len()));
        // The long ARN is cut at the widest cell with an ellipsis.
        let arn = lines[1].split("  ").nth(1).unwrap();
        assert_eq!(display_width(arn), MAX_CELL);
        assert!(arn.ends_with('…') && long.starts_with(arn.trim_end_matches('…')));
        // NULL is an empty cell; the columns line up on every page.
        let at = lines[0].find("eventname").unwrap();
        let column = |l: &str| l.chars().skip(at).collect::<String>();
        assert_eq!(column(lines[1]), "UpdateEndpoint");
        assert_eq!(column(lines[2]), "CreateEndpointConfig");
        assert_eq!(column(lines[3]), "X");
    }

    #[test]
    fn json_lines_key_rows_by_column_and_keep_null() {
        let text = printed(
            true,
            vec![page(
                &["eventname", "errorcode", "arn", "arn"],
                &[&[Some("UpdateEndpoint"), None, Some("a"), Some("b")]],
            )],
        );
        let v: Value = serde_json::from_str(text.trim()).unwrap();
        assert_eq!(v["eventname"], "UpdateEndpoint");
        assert!(v["errorcode"].is_null());
        assert_eq!(v["arn"], "a");
        assert_eq!(v["arn_2"], "b");
        assert_eq!(text.lines().count(), 1);
    }

    #[test]
    fn hostile_cells_reach_no_terminal() {
        let evil = "x\u{1b}]0;pwned\u{7}\u{1b}[2J\u{9b}31m\u{202e}y\nz";
        for json in [false, true] {
            let text = printed(json, vec![page(&[evil], &[&[Some(evil)]])]);
            assert!(
                !text
                    .chars()
                    .any(|c| c != '\n' && crate::sanitize::needs_replacing(c)),
                "{text:?}"
            );
            assert_eq!(text.lines().count(), if json { 1 } else { 2 }, "{text:?}");
        }
        // JSON keeps the value exactly (escaped, not replaced).
        let text = printed(true, vec![page(&["c"], &[&[Some(evil)]])]);
        let v: Value = serde_json::from_str(text.trim()).unwrap();
        assert_eq!(v["c"], evil);
    }

    #[test]
    fn cells_are_cut_by_display_width() {
        assert_eq!(cut("short", 10), "short");
        assert_eq!(cut("abcdefghij", 5), "abcd…");
        // Wide characters count twice.
        let c = cut("日本語のテキスト", 7);
        assert!(display_width(&c) <= 7 && c.ends_with('…'), "{c}");
    }

    #[test]
    fn a_filter_mistake_is_underlined() {
        let text = "event:X colour:red";
        let e = filter::parse(text).unwrap_err();
        let msg = filter_error(text, &e);
        let lines: Vec<&str> = msg.lines().collect();
        assert!(lines[0].starts_with("bad filter: unknown key"), "{msg}");
        assert_eq!(lines[1], "  event:X colour:red");
        assert_eq!(lines[2], "          ^^^^^^");
        // Columns, not bytes: a wide character before the mistake.
        let text = "user:日本 since:soon";
        let e = filter::parse(text).unwrap_err();
        let msg = filter_error(text, &e);
        let lines: Vec<&str> = msg.lines().collect();
        assert_eq!(lines[2], format!("  {}^^^^", " ".repeat(16)), "{msg}");
    }

    #[test]
    fn progress_says_state_time_scan_and_price() {
        let p = Progress {
            state: QueryState::Running,
            elapsed: Duration::from_millis(2500),
            scanned_bytes: 123_400_000,
            price_usd: crate::source::trail::price_usd(123_400_000),
            reused: false,
        };
        assert_eq!(
            progress_line(&p),
            "trail: RUNNING      2.5 s  scanned 123.4 MB, $0.00062"
        );
    }

    #[test]
    fn the_outcome_is_the_exit_code() {
        let exit = |o: Outcome| Printer::new(false, io::sink(), io::sink()).finish(&o, 500);
        let status = QueryStatus {
            state: QueryState::Succeeded,
            reason: None,
            scanned_bytes: 0,
            total_millis: None,
            reused: false,
            statement_type: None,
        };
        assert_eq!(exit(Outcome::Succeeded { rows: 3, status }).code, 0);
        let failed = exit(Outcome::Failed {
            reason: "SYNTAX_ERROR".into(),
        });
        assert_eq!(failed.code, 1);
        assert!(failed.message.unwrap().contains("SYNTAX_ERROR"));
        assert_eq!(
            exit(Outcome::Cancelled { stop_failed: None }).code,
            INTERRUPTED
        );
        let e = crate::source::SourceError::Throttled { call: "x".into() };
        assert_eq!(exit(Outcome::Error(e)).code, 1);
    }
}
