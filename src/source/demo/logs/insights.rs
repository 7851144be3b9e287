//! The part of the Insights query language the demo evaluates (what the console's queries
//! use), each query evaluated over the generated lines when it starts; anything else is
//! refused saying what is evaluated.

use super::{Gen, Selection};
use crate::logs::line::safe_line;
use crate::source::demo::query::{Run, Stage};
use crate::source::demo::{DAY, utc};
use crate::source::logs::{InsightsResults, InsightsState, InsightsStats};
use crate::source::model::Epoch;
use regex_lite::{Regex, RegexBuilder};
use std::borrow::Cow;

/// The longest window an Insights query scans (an older start is moved up to it): the
/// query is evaluated when it starts, and three days of a busy group are some 45,000 lines.
const MAX_QUERY_SECS: i64 = 3 * DAY;
/// Insights' own bound on `limit`.
const MAX_LIMIT: usize = 10_000;

/// The fields a demo line has.
const FIELDS: [&str; 3] = ["@timestamp", "@message", "@logStream"];

/// What the demo evaluates, said when a query asks for more.
const EVALUATED: &str = "the demo evaluates: fields @timestamp, @message, @logStream; \
     filter <field> like /regex/; sort @timestamp asc|desc; limit N; \
     stats count(*) by bin(5m)";

#[derive(Debug)]
pub(super) struct Plan {
    fields: Vec<&'static str>,
    filters: Vec<(&'static str, Regex)>,
    descending: bool,
    limit: usize,
    /// `stats count(*) by bin(…)`: the bins' seconds, and their column as written.
    stats: Option<(i64, String)>,
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

/// The query's commands: split on `|` outside regex literals (an unclosed one is refused
/// as its filter's value).
fn commands(query: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut start, mut in_regex, mut escaped) = (0, false, false);
    for (at, c) in query.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_regex => escaped = true,
            '/' => in_regex = !in_regex,
            '|' if !in_regex => {
                out.push(query[start..at].trim());
                start = at + 1;
            }
            _ => {}
        }
    }
    out.push(query[start..].trim());
    out.into_iter().filter(|c| !c.is_empty()).collect()
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
    for cmd in commands(query) {
        let (word, rest) = cmd.split_once(char::is_whitespace).unwrap_or((cmd, ""));
        let rest = rest.trim();
        match word {
            "fields" => {
                // A field named twice is one column (`InsightsResults::from_fields`).
                for f in rest.split(',') {
                    plan.fields.push(field(f.trim())?);
                }
            }
            "filter" => plan.filters.push(filter(rest)?),
            "sort" => {
                plan.descending = match rest.split_whitespace().collect::<Vec<_>>()[..] {
                    ["@timestamp"] | ["@timestamp", "desc"] => true,
                    ["@timestamp", "asc"] => false,
                    _ => return Err(unsupported("sort", rest)),
                }
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

/// `<field> like /regex/`.
fn filter(rest: &str) -> Result<(&'static str, Regex), String> {
    let [name, "like", value] = rest.splitn(3, char::is_whitespace).collect::<Vec<_>>()[..] else {
        return Err(unsupported("filter", rest));
    };
    let name = field(name)?;
    let value = value.trim();
    let re = value.strip_prefix('/').and_then(|v| v.strip_suffix('/'));
    // `\/` is the delimiter escaped, not part of the pattern.
    let re = re.ok_or_else(|| unsupported("filter value", value))?;
    let re = re.replace("\\/", "/");
    let built = RegexBuilder::new(&re).size_limit(1 << 20).build();
    let regex = built.map_err(|e| format!("regex /{}/: {e}", shown(&re)))?;
    Ok((name, regex))
}

/// `count(*) by bin(<n>s|m|h)`: its seconds, and its column.
fn count_by(rest: &str) -> Result<(i64, String), String> {
    let compact: String = rest.split_whitespace().collect::<Vec<_>>().join(" ");
    let spec = (compact.strip_prefix("count(*) by bin(")).and_then(|s| s.strip_suffix(')'));
    let spec = spec.ok_or_else(|| unsupported("stats", rest))?;
    let units = [("s", 1), ("m", 60), ("h", 3600)];
    let secs = units.into_iter().find_map(|(unit, secs)| {
        let n: i64 = spec.strip_suffix(unit)?.parse().ok()?;
        n.checked_mul(secs)
    });
    match secs {
        Some(secs @ 1..=86_400) => Ok((secs, format!("bin({spec})"))),
        _ => Err(format!("bin({}): 1 s to 1 day, in s, m or h", shown(spec))),
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
    let wanted = |ms, stream: &str, text: &str| {
        let mut filters = plan.filters.iter();
        filters.all(|(f, re)| re.is_match(&field_value(ms, stream, text, f)))
    };
    let (mut matched, scanned, bytes) =
        generator.lines(sel, start * 1000, (end + 1) * 1000, &wanted);
    if plan.descending {
        matched.reverse();
    }
    let rows = match &plan.stats {
        // `stats count(*)` by bins: the lines are in the plan's order, so a bin's are together.
        Some((bin, column)) => {
            let mut counts: Vec<(i64, u64)> = Vec::new();
            for e in &matched {
                let t = e.timestamp_ms.div_euclid(bin * 1000) * bin;
                match counts.last_mut() {
                    Some((at, n)) if *at == t => *n += 1,
                    _ => counts.push((t, 1)),
                }
            }
            let row = |(t, n): (i64, u64)| -> Row {
                let count = ("count(*)".to_owned(), n.to_string());
                vec![(column.to_owned(), insights_time(t * 1000)), count]
            };
            counts.into_iter().take(plan.limit).map(row).collect()
        }
        None => (matched.iter().take(plan.limit))
            .map(|l| {
                let value = |f: &&str| {
                    let v = field_value(l.timestamp_ms, &l.stream, &l.message, f);
                    (f.to_string(), v.into_owned())
                };
                plan.fields.iter().map(value).collect()
            })
            .collect(),
    };
    Evaluated {
        rows,
        matched: matched.len() as u64,
        scanned,
        bytes,
    }
}

/// Field `f` of the line at `ms` in `stream` reading `text`.
fn field_value<'a>(ms: i64, stream: &'a str, text: &'a str, f: &str) -> Cow<'a, str> {
    match f {
        "@timestamp" => insights_time(ms).into(),
        "@message" => text.into(),
        _ => stream.into(),
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
    let ev = match (&run.answer, stage) {
        (Ok(ev), _) => ev,
        // A failed query's one row is its reason; one still scheduled has none yet.
        (Err(reason), _) => {
            let reason = (stage == Stage::Failed).then(|| vec![("reason", reason.as_str())]);
            return InsightsResults::from_fields(state, InsightsStats::default(), reason);
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
