//! The part of the Insights query language the demo evaluates (what the console's queries
//! use), each query evaluated over the generated lines when it starts; anything else is
//! refused saying what is evaluated.

use super::{Gen, Selection};
use crate::logs::line::safe_line;
use crate::source::demo::query::Run;
use crate::source::demo::{DAY, utc};
use crate::source::logs::{InsightsResults, InsightsState, InsightsStats, LogEvent};
use crate::source::model::Epoch;
use crate::source::trail::QueryState;
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

#[derive(Debug, Default)]
pub(super) struct Plan {
    fields: Vec<&'static str>,
    filters: Vec<(&'static str, Regex)>,
    ascending: bool,
    limit: Option<usize>,
    /// `stats count(*) by bin(…)`: the bins' seconds, and their column as written.
    stats: Option<(i64, String)>,
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
    let re = Regex::new(r"(?:/(?:\\.|[^/\\])*/?|[^|/])+").expect("a valid regex");
    let commands = re.find_iter(query).map(|c| c.as_str().trim());
    commands.filter(|c| !c.is_empty()).collect()
}

fn field(name: &str) -> Result<&'static str, String> {
    let known = FIELDS.iter().find(|f| **f == name).copied();
    known.ok_or_else(|| format!("unknown field {}; {EVALUATED}", shown(name)))
}

pub(super) fn parse(query: &str) -> Result<Plan, String> {
    let mut plan = Plan::default();
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
                plan.ascending = match rest.split_whitespace().collect::<Vec<_>>()[..] {
                    ["@timestamp"] | ["@timestamp", "desc"] => false,
                    ["@timestamp", "asc"] => true,
                    _ => return Err(unsupported("sort", rest)),
                }
            }
            "limit" => {
                let n = rest.parse().ok().filter(|n| (1..=MAX_LIMIT).contains(n));
                let n = n.ok_or_else(|| format!("limit {}: 1 to {MAX_LIMIT}", shown(rest)))?;
                plan.limit = Some(n);
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

/// The query's complete answer, computed when it starts (the window is then fixed).
pub(super) fn evaluate(
    generator: &Gen,
    sel: &Selection,
    plan: &Plan,
    start: Epoch,
    end: Epoch,
) -> InsightsResults {
    let start = start.max(end - MAX_QUERY_SECS);
    let wanted = |ms, stream: &str, text: &str| {
        let mut filters = plan.filters.iter();
        filters.all(|(f, re)| re.is_match(&field_value(ms, stream, text, f)))
    };
    let (mut matched, scanned, bytes) =
        generator.lines(sel, start * 1000, (end + 1) * 1000, &wanted);
    if !plan.ascending {
        matched.reverse();
    }
    let bin_of = |e: &LogEvent, bin: i64| e.timestamp_ms.div_euclid(bin * 1000) * bin;
    let mut rows: Vec<Vec<(&str, String)>> = match &plan.stats {
        // `stats count(*)` by bins: the lines are in the plan's order, so a bin's are together.
        Some((bin, column)) => (matched.chunk_by(|a, b| bin_of(a, *bin) == bin_of(b, *bin)))
            .map(|b| {
                let at = insights_time(bin_of(&b[0], *bin) * 1000);
                vec![(column.as_str(), at), ("count(*)", b.len().to_string())]
            })
            .collect(),
        None => (matched.iter())
            .map(|l| {
                let value = |f| field_value(l.timestamp_ms, &l.stream, &l.message, f);
                plan.fields
                    .iter()
                    .map(|f| (*f, value(f).into_owned()))
                    .collect()
            })
            .collect(),
    };
    rows.truncate(plan.limit.unwrap_or(MAX_LIMIT));
    let stats = InsightsStats {
        records_matched: matched.len() as f64,
        records_scanned: scanned as f64,
        bytes_scanned: bytes as f64,
    };
    let rows = rows
        .iter()
        .map(|r| r.iter().map(|(f, v)| (*f, v.as_str())).collect());
    InsightsResults::from_fields(None, stats, rows)
}

/// Field `f` of the line at `ms` in `stream` reading `text`.
fn field_value<'a>(ms: i64, stream: &'a str, text: &'a str, f: &str) -> Cow<'a, str> {
    match f {
        "@timestamp" => insights_time(ms).into(),
        "@message" => text.into(),
        _ => stream.into(),
    }
}

pub(super) fn insights_state(stage: QueryState) -> InsightsState {
    use InsightsState::*;
    // In `QueryState`'s order.
    [Scheduled, Running, Complete, Failed, Cancelled][stage as usize]
}

/// Insights' answer of a run, as far as it has come.
pub(super) fn results(run: &mut Run<InsightsResults>) -> InsightsResults {
    let (stage, done) = run.stage();
    let state = Some(insights_state(stage));
    let all = match &run.answer {
        Ok(all) => all,
        // A failed query's one row is its reason; one still scheduled has none yet.
        Err(reason) => {
            let reason = (stage == QueryState::Failed).then(|| vec![("reason", reason.as_str())]);
            return InsightsResults::from_fields(state, InsightsStats::default(), reason);
        }
    };
    let mut shown = all.clone();
    shown.state = state;
    let s = &mut shown.stats;
    for n in [
        &mut s.records_matched,
        &mut s.records_scanned,
        &mut s.bytes_scanned,
    ] {
        *n = (*n * done).round();
    }
    shown
        .rows
        .truncate((all.rows.len() as f64 * done).ceil() as usize);
    // Columns come with the rows that name them.
    if shown.rows.is_empty() {
        shown.columns.clear();
    }
    shown
}
