//! The part of the Insights query language the demo evaluates (what the console's queries
//! use), each query evaluated over the generated lines when it starts; anything else is
//! refused saying what is evaluated.

use super::{Gen, Line, Selection};
use crate::logs::line::safe_line;
use crate::source::demo::query::{Run, Stage};
use crate::source::demo::utc;
use crate::source::logs::{InsightsResults, InsightsState, InsightsStats};
use crate::source::model::Epoch;
use std::borrow::Cow;

/// The longest window an Insights query scans (an older start is moved up to it): the
/// query is evaluated when it starts, and three days of a busy group are some 60,000 lines.
const MAX_QUERY_SECS: i64 = 3 * 86_400;
/// Insights' own bound on `limit`.
const MAX_LIMIT: usize = 10_000;

/// The fields a demo line has.
const FIELDS: [&str; 4] = ["@timestamp", "@message", "@logStream", "@log"];

/// What the demo evaluates, said when a query asks for more.
const EVALUATED: &str = "the demo evaluates: fields @timestamp, @message, @logStream, @log; \
     filter <field> like /regex/ (or \"text\"); sort @timestamp asc|desc; limit N; \
     stats count(*) [by bin(5m)]";

#[derive(Debug)]
enum Filter {
    Regex(regex_lite::Regex),
    Contains(String),
}

#[derive(Debug)]
pub(super) struct Plan {
    fields: Vec<&'static str>,
    filters: Vec<(&'static str, Filter)>,
    descending: bool,
    limit: usize,
    /// `stats count(*)`, by bins of so many seconds (None: one row).
    stats: Option<Option<i64>>,
}

/// A row of results: (field, value).
type Row = Vec<(String, String)>;

/// A query's answer, computed when it starts (the window is then fixed).
#[derive(Debug)]
pub(super) struct Evaluated {
    rows: Vec<Row>,
    matched: u64,
    scanned: u64,
    bytes: u64,
}

/// Part of a query as a refusal shows it.
fn shown(text: &str) -> String {
    safe_line(text.as_bytes(), 80)
}

/// The refusal of `text`, a `what` the demo does not evaluate.
fn unsupported(what: &str, text: &str) -> String {
    format!("{what} {}: {EVALUATED}", shown(text))
}

/// The query's commands: split on `|` outside regex literals and quotes.
fn commands(query: &str) -> Result<Vec<&str>, String> {
    let mut out = Vec::new();
    let (mut start, mut open, mut escaped) = (0, None, false);
    for (at, c) in query.char_indices() {
        match (open, c) {
            _ if escaped => escaped = false,
            (Some(_), '\\') => escaped = true,
            (Some(delimiter), c) if c == delimiter => open = None,
            (None, '/' | '"') => open = Some(c),
            (None, '|') => {
                out.push(&query[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    if open.is_some() {
        return Err(format!("an unclosed regex or quote; {EVALUATED}"));
    }
    out.push(&query[start..]);
    let out = out.into_iter().map(str::trim);
    Ok(out.filter(|c| !c.is_empty()).collect())
}

fn field(name: &str) -> Result<&'static str, String> {
    let known = FIELDS.iter().find(|f| **f == name).copied();
    known.ok_or_else(|| format!("unknown field {}; {EVALUATED}", shown(name)))
}

pub(super) fn parse(query: &str) -> Result<Plan, String> {
    let mut plan = Plan {
        fields: Vec::new(),
        filters: Vec::new(),
        descending: true,
        limit: MAX_LIMIT,
        stats: None,
    };
    for cmd in commands(query)? {
        let (word, rest) = cmd.split_once(char::is_whitespace).unwrap_or((cmd, ""));
        let rest = rest.trim();
        match word {
            "fields" => {
                for f in rest.split(',').map(str::trim).filter(|f| !f.is_empty()) {
                    let f = field(f)?;
                    if !plan.fields.contains(&f) {
                        plan.fields.push(f);
                    }
                }
            }
            "filter" => plan.filters.push(filter(rest)?),
            "sort" => {
                let mut parts = rest.split_whitespace();
                if parts.next() != Some("@timestamp") {
                    return Err(unsupported("sort", rest));
                }
                plan.descending = match parts.next() {
                    None | Some("desc") => true,
                    Some("asc") => false,
                    Some(other) => return Err(unsupported("sort order", other)),
                };
            }
            "limit" => {
                let n = rest.parse().ok().filter(|n| (1..=MAX_LIMIT).contains(n));
                plan.limit = n.ok_or_else(|| format!("limit {}: 1 to {MAX_LIMIT}", shown(rest)))?;
            }
            "stats" => plan.stats = Some(count_by(rest)?),
            other => return Err(unsupported("the command", other)),
        }
    }
    if plan.fields.is_empty() {
        plan.fields = vec!["@timestamp", "@message"];
    }
    Ok(plan)
}

/// `<field> like /regex/` or `<field> like "text"` (`=~` for `like`).
fn filter(rest: &str) -> Result<(&'static str, Filter), String> {
    let mut parts = rest.splitn(3, char::is_whitespace);
    let (Some(name), Some(op), Some(value)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(unsupported("filter", rest));
    };
    let name = field(name)?;
    if op != "like" && op != "=~" {
        return Err(unsupported("filter operator", op));
    }
    let value = value.trim();
    let inside = |delimiter| value.strip_prefix(delimiter)?.strip_suffix(delimiter);
    let filter = if let Some(re) = inside('/') {
        // `\/` is the delimiter escaped, not part of the pattern.
        let re = re.replace("\\/", "/");
        let built = regex_lite::RegexBuilder::new(&re)
            .size_limit(1 << 20)
            .build();
        Filter::Regex(built.map_err(|e| format!("regex /{}/: {e}", shown(&re)))?)
    } else if let Some(text) = inside('"') {
        Filter::Contains(text.to_owned())
    } else {
        return Err(unsupported("filter value", value));
    };
    Ok((name, filter))
}

/// `count(*)`, alone (None) or `by bin(<n>s|m|h)` (its seconds).
fn count_by(rest: &str) -> Result<Option<i64>, String> {
    let compact: String = rest.split_whitespace().collect::<Vec<_>>().join(" ");
    if compact == "count(*)" {
        return Ok(None);
    }
    let spec = (compact.strip_prefix("count(*) by bin(")).and_then(|s| s.strip_suffix(')'));
    let spec = spec.ok_or_else(|| unsupported("stats", rest))?;
    let (n, unit) = spec.split_at(spec.char_indices().last().map_or(0, |(at, _)| at));
    let n = n.parse::<i64>();
    let n = n.map_err(|_| format!("bin({}): {EVALUATED}", shown(spec)))?;
    let secs = match unit {
        "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        _ => return Err(format!("bin({}): s, m or h", shown(spec))),
    };
    match secs {
        1..=86_400 => Ok(Some(secs)),
        _ => Err(format!("bin({}): 1 s to 1 day", shown(spec))),
    }
}

fn insights_time(ms: i64) -> String {
    utc(ms, "%Y-%m-%d %H:%M:%S%.3f")
}

pub(super) fn evaluate(
    generator: &Gen,
    sel: &Selection,
    plan: &Plan,
    start: Epoch,
    end: Epoch,
) -> Evaluated {
    let start = start.max(end - MAX_QUERY_SECS);
    let (lines, scanned) = generator.lines(sel, start * 1000, (end + 1) * 1000, &|_| true);
    let bytes = (lines.iter())
        .map(|l| (l.text.len() + l.stream.len()) as u64)
        .sum();
    let mut matched: Vec<&Line> = (lines.iter())
        .filter(|l| {
            plan.filters.iter().all(|(f, filter)| match filter {
                Filter::Regex(re) => re.is_match(&field_value(sel, l, f)),
                Filter::Contains(t) => field_value(sel, l, f).contains(t.as_str()),
            })
        })
        .collect();
    if plan.descending {
        matched.reverse();
    }
    let row = |l: &&Line| -> Row {
        let fields = plan.fields.iter();
        fields
            .map(|f| (f.to_string(), field_value(sel, l, f).into_owned()))
            .collect()
    };
    let rows = match plan.stats {
        Some(bin) => counted(&matched, bin, plan),
        None => matched.iter().take(plan.limit).map(row).collect(),
    };
    Evaluated {
        rows,
        matched: matched.len() as u64,
        scanned,
        bytes,
    }
}

/// Field `f` of a line.
fn field_value<'a>(sel: &Selection, l: &'a Line, f: &str) -> Cow<'a, str> {
    match f {
        "@timestamp" => insights_time(l.ms).into(),
        "@message" => l.text.as_str().into(),
        "@logStream" => (&*l.stream).into(),
        _ => format!("{}:{}", sel.account, sel.groups[l.group].1).into(),
    }
}

/// `stats count(*)`, in one row or by bins of `bin` seconds, in the plan's order.
fn counted(matched: &[&Line], bin: Option<i64>, plan: &Plan) -> Vec<Row> {
    let mut counts = std::collections::BTreeMap::<i64, u64>::new();
    for l in matched {
        let key = bin.map_or(0, |b| (l.ms / 1000).div_euclid(b) * b);
        *counts.entry(key).or_default() += 1;
    }
    let label = bin.map(|b| match b {
        b if b % 3600 == 0 => format!("bin({}h)", b / 3600),
        b if b % 60 == 0 => format!("bin({}m)", b / 60),
        b => format!("bin({b}s)"),
    });
    let row = |(t, n): (i64, u64)| -> Row {
        let bin = label.iter().map(|b| (b.clone(), insights_time(t * 1000)));
        bin.chain([("count(*)".to_owned(), n.to_string())])
            .collect()
    };
    // One row alone has no order.
    match plan.descending {
        true => counts.into_iter().rev().take(plan.limit).map(row).collect(),
        false => counts.into_iter().take(plan.limit).map(row).collect(),
    }
}

pub(super) fn insights_state(stage: Stage) -> InsightsState {
    match stage {
        Stage::Queued => InsightsState::Scheduled,
        Stage::Running => InsightsState::Running,
        Stage::Done => InsightsState::Complete,
        Stage::Failed => InsightsState::Failed,
        Stage::Cancelled => InsightsState::Cancelled,
    }
}

/// Insights' answer of a run, as far as it has come.
pub(super) fn results(run: &Run<Evaluated>) -> InsightsResults {
    let (stage, done) = run.stage();
    let state = Some(insights_state(stage));
    let ev = match &run.answer {
        Ok(ev) => ev,
        Err(reason) if stage == Stage::Failed => {
            let reason = [vec![("reason", reason.as_str())]];
            return InsightsResults::from_fields(state, InsightsStats::default(), reason);
        }
        Err(_) => {
            return InsightsResults {
                state,
                ..Default::default()
            };
        }
    };
    let part = |n: u64| (n as f64 * done).round();
    let stats = InsightsStats {
        records_matched: part(ev.matched),
        records_scanned: part(ev.scanned),
        bytes_scanned: part(ev.bytes),
    };
    let shown = (ev.rows.len() as f64 * done).ceil() as usize;
    let rows = ev.rows.iter().take(shown);
    let rows = rows.map(|r| r.iter().map(|(f, v)| (f.as_str(), v.as_str())).collect());
    InsightsResults::from_fields(state, stats, rows)
}
