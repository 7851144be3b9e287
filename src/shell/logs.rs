//! `sagewatch logs`: an endpoint's, a monitoring job's or any log group's logs from a shell.
//! The lines of a time window (FilterLogEvents, every page), an Insights query's results
//! (polled with backoff, stopped on Ctrl-C), or a live tail (`--follow`: restarted, polling
//! where live tail cannot be used). Lines and rows go to stdout as text or JSON lines;
//! progress, modes and notices to stderr. Every line is cleaned again as it is printed,
//! whatever the source did.
//!
//! Exit codes: 0 done, 1 CloudWatch Logs failed a call or the query, 2 bad usage or
//! configuration (nothing sent), 130 interrupted (a running query is stopped first).

use super::trail::{INTERRUPTED, MAX_CELL, cut, json_keys, json_line};
use super::{Exit, clean};
use crate::cli::LogsArgs;
use crate::logs::follow::{self, FollowEvent, FollowOptions, TailMode};
use crate::logs::groups::{
    PROCESSING_JOBS_GROUP, endpoint_group, endpoint_query, job_query, job_stream_prefix,
};
use crate::logs::line::iso_millis;
use crate::logs::run::{self, Ended};
use crate::source::FleetSource;
use crate::source::logs::{
    InsightsQuery, InsightsResults, InsightsState, InsightsStats, LogEvent, LogTarget, LogsSource,
};
use crate::trail::filter::When;
use crate::writes::audit::inert_json;
use serde_json::Value;
use std::future::Future;
use std::io::{self, Write};
use std::time::Duration;
use unicode_width::UnicodeWidthChar;

/// How far back a window goes without `--since`.
pub const DEFAULT_SINCE_SECS: i64 = 3_600;
/// Lines (or rows) printed at most without `--max-lines` (not for `--follow`).
pub const DEFAULT_MAX_LINES: usize = 10_000;

/// What is printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// FilterLogEvents over the window, every page.
    Events,
    /// An Insights query over the window.
    Insights { query: String },
    /// A live tail until interrupted.
    Follow,
}

/// A checked `sagewatch logs`: nothing in it needs checking again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub target: LogTarget,
    pub mode: Mode,
    /// The window's start, epoch ms (where `--follow` polls from when it must poll).
    pub start_ms: i64,
    /// The window's end, epoch ms (now).
    pub end_ms: i64,
    /// Lines or rows printed at most (`None`: no bound).
    pub max_lines: Option<usize>,
    pub json: bool,
}

/// Runs `sagewatch logs`. `now_ms` is the clock (the demo's may be simulated); `interrupt`
/// resolves on Ctrl-C, SIGTERM or SIGHUP.
pub async fn run(
    source: &dyn FleetSource,
    args: LogsArgs,
    now_ms: &(dyn Fn() -> i64 + Send + Sync),
    interrupt: impl Future<Output = ()>,
) -> Exit {
    // Everything the flags alone can refuse is refused before anything is asked.
    let mut plan = match plan(&args, now_ms()) {
        Ok(p) => p,
        Err(e) => return e,
    };
    plan.target.account_id = match super::account(source, &args.account).await {
        Ok(a) => a.id,
        Err(e) => return e,
    };
    let Some(logs) = source.logs() else {
        return Exit::usage(format!(
            "logs cannot be read from the {} source in this build",
            source.kind().as_str()
        ));
    };
    // Not locked: the tail's emitter must be Send; buffered, and flushed after each batch.
    let mut out = io::BufWriter::new(io::stdout());
    let mut err = io::stderr();
    drive(logs, &plan, now_ms, &mut out, &mut err, interrupt).await
}

/// The flags as a plan, the account left empty (resolved through the source later).
pub fn plan(args: &LogsArgs, now_ms: i64) -> Result<Plan, Exit> {
    let (groups, stream_prefix, default_query) =
        match (&args.endpoint, &args.monitoring_job, &args.group) {
            (Some(endpoint), None, None) => {
                if !sagemaker_name(endpoint) {
                    return Err(Exit::usage(format!(
                        "--endpoint: expected an endpoint name (letters, digits and hyphens, up to \
                     63), not {:?}",
                        clean(endpoint)
                    )));
                }
                (
                    vec![endpoint_group(endpoint)],
                    None,
                    endpoint_query().to_owned(),
                )
            }
            (None, Some(job), None) => {
                // The name goes into a regex of the query: refused, never escaped.
                let Some(query) = job_query(job) else {
                    return Err(Exit::usage(format!(
                        "--monitoring-job: expected a processing job name (letters, digits and \
                     hyphens, up to 63), not {:?}",
                        clean(job)
                    )));
                };
                (
                    vec![PROCESSING_JOBS_GROUP.to_owned()],
                    Some(job_stream_prefix(job)),
                    query,
                )
            }
            (None, None, Some(group)) => {
                if !log_group_name(group) {
                    return Err(Exit::usage(format!(
                        "--group: expected a log group name (letters, digits and _ - / . #, up to \
                     512), not {:?}",
                        clean(group)
                    )));
                }
                (vec![group.clone()], None, endpoint_query().to_owned())
            }
            _ => {
                return Err(Exit::usage(
                    "expected exactly one of --endpoint, --monitoring-job or --group",
                ));
            }
        };
    let mode = if args.follow {
        if args.query.is_some() || args.insights {
            return Err(Exit::usage(
                "--follow prints lines as they come: it cannot run an Insights query (drop \
                 --query or --insights)",
            ));
        }
        Mode::Follow
    } else if let Some(query) = &args.query {
        if query.trim().is_empty() {
            return Err(Exit::usage(
                "--query: expected an Insights query, not nothing",
            ));
        }
        Mode::Insights {
            query: match &stream_prefix {
                // Insights has no stream-prefix parameter: the job's own streams are a
                // filter ahead of the query (the name was checked to need no escaping).
                Some(_) => format!(
                    "filter @logStream like /^{}\\// | {query}",
                    args.monitoring_job.as_deref().unwrap_or_default()
                ),
                None => query.clone(),
            },
        }
    } else if args.insights {
        Mode::Insights {
            query: default_query,
        }
    } else {
        Mode::Events
    };
    let start_ms = match args.since {
        Some(When::Ago(secs)) => now_ms - secs * 1000,
        Some(When::At(t)) => t * 1000,
        // A tail starts now (the live tail by nature; polling too, to agree with it).
        None if mode == Mode::Follow => now_ms,
        None => now_ms - DEFAULT_SINCE_SECS * 1000,
    };
    if start_ms > now_ms {
        return Err(Exit::usage(
            "--since: expected a time in the past, not one still to come",
        ));
    }
    let max_lines = match (args.max_lines, &mode) {
        (Some(n), _) => Some(n as usize),
        (None, Mode::Follow) => None,
        (None, _) => Some(DEFAULT_MAX_LINES),
    };
    Ok(Plan {
        target: LogTarget {
            account_id: String::new(),
            groups,
            stream_prefix,
            // The console's own region: the shell reads one (`--region`).
            region: Default::default(),
        },
        mode,
        start_ms,
        end_ms: now_ms,
        max_lines,
        json: args.json,
    })
}

/// SageMaker's names: letters, digits and hyphens, 1 to 63.
fn sagemaker_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 63
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// CloudWatch Logs' group names: `[.\-_/#A-Za-z0-9]+`, 1 to 512.
fn log_group_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 512
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-/#".contains(&b))
}

/// Runs a plan on `source`, lines to `out`, progress to `err`, until done or `interrupt`.
pub async fn drive(
    source: &dyn LogsSource,
    plan: &Plan,
    now_ms: &(dyn Fn() -> i64 + Send + Sync),
    out: &mut (dyn Write + Send),
    err: &mut (dyn Write + Send),
    interrupt: impl Future<Output = ()>,
) -> Exit {
    match &plan.mode {
        Mode::Events => events(source, plan, out, err, interrupt).await,
        Mode::Insights { query } => insights(source, plan, query, out, err, interrupt).await,
        Mode::Follow => tail(source, plan, now_ms, out, err, interrupt).await,
    }
}

/// A line as text: time, stream, message, two spaces apart. Cleaned here again: a source
/// that filled an event without `LogEvent::new` still cannot reach the terminal.
pub fn text_line(e: &LogEvent) -> String {
    format!(
        "{}  {}  {}",
        iso_millis(e.timestamp_ms),
        clean(&e.stream),
        clean(&e.message)
    )
}

/// A line as JSON: `{"timestamp":…,"timestamp_ms":…,"stream":…,"message":…}`, every
/// character a terminal would act on escaped.
pub fn json_event(e: &LogEvent) -> String {
    let text = |s: &str| inert_json(&Value::String(s.to_owned()));
    format!(
        "{{\"timestamp\":{},\"timestamp_ms\":{},\"stream\":{},\"message\":{}}}",
        text(&iso_millis(e.timestamp_ms)),
        e.timestamp_ms,
        text(&e.stream),
        text(&e.message)
    )
}

fn event_line(json: bool, e: &LogEvent) -> String {
    if json { json_event(e) } else { text_line(e) }
}

/// What a failed write of stdout ends with: a closed pipe (`| head`) is the reader's choice.
fn write_failed(e: &io::Error) -> Exit {
    if e.kind() == io::ErrorKind::BrokenPipe {
        Exit::done()
    } else {
        Exit::failed(format!("cannot write the lines: {e}"))
    }
}

fn interrupted(out: &mut (dyn Write + Send), message: impl Into<String>) -> Exit {
    let _ = out.flush();
    Exit {
        code: INTERRUPTED,
        message: Some(message.into()),
    }
}

fn plural(n: usize, one: &str) -> String {
    format!("{n} {one}{}", if n == 1 { "" } else { "s" })
}

/// FilterLogEvents over the window, page by page as they come, up to `max_lines`.
async fn events(
    source: &dyn LogsSource,
    plan: &Plan,
    out: &mut (dyn Write + Send),
    err: &mut (dyn Write + Send),
    interrupt: impl Future<Output = ()>,
) -> Exit {
    let mut interrupt = std::pin::pin!(interrupt);
    let max = plan.max_lines.unwrap_or(usize::MAX);
    let mut next: Option<String> = None;
    let mut printed = 0usize;
    loop {
        let answer = tokio::select! {
            biased;
            () = &mut interrupt => return interrupted(out, "interrupted"),
            r = source.filter_events(
                &plan.target,
                None,
                plan.start_ms,
                Some(plan.end_ms),
                next.as_deref(),
            ) => r,
        };
        let page = match answer {
            Ok(p) => p,
            Err(e) => {
                let _ = out.flush();
                return Exit::failed(e.to_string());
            }
        };
        let room = max - printed;
        let cut = page.events.len() > room;
        for e in page.events.iter().take(room) {
            if let Err(e) = writeln!(out, "{}", event_line(plan.json, e)) {
                return write_failed(&e);
            }
        }
        printed += page.events.len().min(room);
        if let Err(e) = out.flush() {
            return write_failed(&e);
        }
        // The same token twice would read the same page forever.
        let more = page.next.filter(|n| next.as_ref() != Some(n));
        if cut || (printed >= max && more.is_some()) {
            let _ = writeln!(
                err,
                "logs: stopped at {} (--max-lines): the window holds more; narrow --since or \
                 raise --max-lines",
                plural(max, "line")
            );
            return Exit::done();
        }
        match more {
            Some(n) => next = Some(n),
            None => break,
        }
    }
    let _ = writeln!(err, "logs: {}", plural(printed, "line"));
    Exit::done()
}

/// A progress line: state, elapsed, records matched and scanned, bytes scanned.
pub fn progress_line(state: InsightsState, stats: &InsightsStats, elapsed: Duration) -> String {
    format!(
        "insights: {:<9} {:>6.1} s  {:.0} records matched, {:.0} scanned, {:.1} MB",
        state.as_str(),
        elapsed.as_secs_f64(),
        stats.records_matched,
        stats.records_scanned,
        stats.bytes_scanned / 1_000_000.0
    )
}

/// StartQuery, GetQueryResults until it ends, then the rows.
async fn insights(
    source: &dyn LogsSource,
    plan: &Plan,
    query: &str,
    out: &mut (dyn Write + Send),
    err: &mut (dyn Write + Send),
    interrupt: impl Future<Output = ()>,
) -> Exit {
    let began = tokio::time::Instant::now();
    let q = InsightsQuery {
        target: plan.target.clone(),
        query: query.to_owned(),
        start: plan.start_ms.div_euclid(1000),
        // Rounded up: the window's last milliseconds are in it.
        end: plan.end_ms.div_euclid(1000) + i64::from(plan.end_ms.rem_euclid(1000) != 0),
    };
    let ended = {
        let err = std::sync::Mutex::new(&mut *err);
        let say = |line: String| {
            if let Ok(mut err) = err.lock() {
                let _ = writeln!(err, "{line}");
            }
        };
        run::drive(
            source,
            &q,
            interrupt,
            &mut |id| say(format!("insights: query {}", clean(id))),
            &mut |state, stats| say(progress_line(state, stats, began.elapsed())),
        )
        .await
    };
    match ended {
        Ended::Done(results) => print_results(&results, plan, out, err),
        Ended::Failed(why) => Exit::failed(why),
        Ended::Interrupted(None) => interrupted(out, "interrupted"),
        Ended::Interrupted(Some(Ok(()))) => interrupted(out, "interrupted: the query was stopped"),
        Ended::Interrupted(Some(Err(e))) => interrupted(
            out,
            format!(
                "interrupted, but the query could not be stopped ({e}): it may still be running"
            ),
        ),
    }
}

/// The rows of a finished query: an aligned table (the last column, usually `@message`,
/// whole) or JSON lines keyed by column.
fn print_results(
    results: &InsightsResults,
    plan: &Plan,
    out: &mut (dyn Write + Send),
    err: &mut (dyn Write + Send),
) -> Exit {
    let max = plan.max_lines.unwrap_or(usize::MAX);
    let shown = &results.rows[..results.rows.len().min(max)];
    let lines = if plan.json {
        let width = shown.iter().map(Vec::len).max().unwrap_or(0);
        let keys = json_keys(&results.columns, width);
        shown
            .iter()
            .map(|row| {
                let row: Vec<Option<String>> = row.iter().cloned().map(Some).collect();
                json_line(&keys, &row)
            })
            .collect()
    } else {
        table(&results.columns, shown)
    };
    for line in lines {
        if let Err(e) = writeln!(out, "{line}") {
            return write_failed(&e);
        }
    }
    if let Err(e) = out.flush() {
        return write_failed(&e);
    }
    let s = &results.stats;
    let cut = if shown.len() < results.rows.len() {
        format!(" of {} (--max-lines)", results.rows.len())
    } else {
        String::new()
    };
    let _ = writeln!(
        err,
        "insights: {}{cut}; {:.0} records matched, {:.0} scanned, {:.1} MB",
        plural(shown.len(), "row"),
        s.records_matched,
        s.records_scanned,
        s.bytes_scanned / 1_000_000.0
    );
    Exit::done()
}

fn width_of(s: &str) -> usize {
    s.chars().map(|c| c.width().unwrap_or(0)).sum()
}

/// The header and rows as aligned lines: every column but the last cut at `MAX_CELL`
/// columns, the last one whole; everything cleaned.
pub fn table(columns: &[String], rows: &[Vec<String>]) -> Vec<String> {
    if columns.is_empty() {
        return Vec::new();
    }
    let n = columns.len();
    let widths: Vec<usize> = (0..n - 1)
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .chain([&columns[i]])
                .map(|c| width_of(&cut(c, MAX_CELL)))
                .max()
                .unwrap_or(1)
                .max(1)
        })
        .collect();
    let line = |cells: &[String]| {
        let mut line = String::new();
        for (i, w) in widths.iter().enumerate() {
            let c = cut(cells.get(i).map_or("", String::as_str), *w);
            line.push_str(&c);
            line.push_str(&" ".repeat(w.saturating_sub(width_of(&c)) + 2));
        }
        line.push_str(&clean(cells.get(n - 1).map_or("", String::as_str)));
        line.trim_end().to_owned()
    };
    std::iter::once(line(columns))
        .chain(rows.iter().map(|r| line(r)))
        .collect()
}

/// The live tail until interrupted (or `max_lines`, or a closed stdout).
async fn tail(
    source: &dyn LogsSource,
    plan: &Plan,
    now_ms: &(dyn Fn() -> i64 + Send + Sync),
    out: &mut (dyn Write + Send),
    err: &mut (dyn Write + Send),
    interrupt: impl Future<Output = ()>,
) -> Exit {
    let max = plan.max_lines.unwrap_or(usize::MAX);
    let options = FollowOptions {
        pattern: None,
        since_ms: plan.start_ms,
        // `--since` given: the newest lines since then first, as `kubectl logs -f --since`.
        backfill: if plan.start_ms < now_ms() {
            DEFAULT_MAX_LINES.min(max)
        } else {
            0
        },
        ..FollowOptions::default()
    };
    let json = plan.json;
    let mut printed = 0usize;
    let mut sampled = 0usize;
    let mut write_error: Option<io::Error> = None;
    let mut stopped: Option<String> = None;
    let mut emit = |event: FollowEvent| -> bool {
        let say = match event {
            FollowEvent::Stopped(why) => {
                stopped = Some(clean(&why));
                return false;
            }
            FollowEvent::Mode(TailMode::Live) => "tail: live".to_owned(),
            FollowEvent::Mode(TailMode::Polling { why }) => {
                format!("tail: polling FilterLogEvents ({})", clean(&why))
            }
            FollowEvent::Notice(notice) => format!("tail: {}", clean(&notice)),
            FollowEvent::Lines {
                events,
                sampled: was_sampled,
            } => {
                if was_sampled {
                    sampled += 1;
                    if sampled == 1 {
                        let _ = writeln!(
                            err,
                            "tail: AWS is sampling the live tail (over 500 lines a second): \
                             some lines are left out"
                        );
                    }
                }
                let room = max - printed;
                for e in events.iter().take(room) {
                    if let Err(e) = writeln!(out, "{}", event_line(json, e)) {
                        write_error = Some(e);
                        return false;
                    }
                }
                printed += events.len().min(room);
                if let Err(e) = out.flush() {
                    write_error = Some(e);
                    return false;
                }
                return printed < max;
            }
        };
        let _ = writeln!(err, "{say}");
        true
    };
    let mut interrupt = std::pin::pin!(interrupt);
    let was_interrupted = tokio::select! {
        biased;
        () = &mut interrupt => true,
        () = follow::follow(source, &plan.target, &options, now_ms, &mut emit) => false,
    };
    let sampled_note = if sampled > 0 {
        format!(", {} sampled by AWS", plural(sampled, "update"))
    } else {
        String::new()
    };
    if was_interrupted {
        return interrupted(
            out,
            format!("interrupted: {}{sampled_note}", plural(printed, "line")),
        );
    }
    if let Some(e) = write_error {
        return write_failed(&e);
    }
    if let Some(why) = stopped {
        return Exit::failed(format!("tail: {why}"));
    }
    let _ = writeln!(
        err,
        "tail: stopped at {} (--max-lines){sampled_note}",
        plural(printed, "line")
    );
    Exit::done()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Commands};
    use crate::source::SourceError;
    use crate::source::logs::{EventsPage, LiveError, LiveSession, LiveUpdate};
    use async_trait::async_trait;
    use clap::Parser;
    use std::collections::VecDeque;
    use std::sync::Mutex;

    const NOW_MS: i64 = 1_795_687_200_000; // 2026-11-26T10:00:00Z

    /// A logs source playing a script, call by call, and remembering the calls.
    #[derive(Default)]
    struct Scripted {
        /// Each filter_events call takes the next (then empty pages).
        pages: Mutex<VecDeque<Result<EventsPage, SourceError>>>,
        /// Each query_results call takes the next; the last one repeats.
        results: Mutex<VecDeque<Result<InsightsResults, SourceError>>>,
        /// Each live_tail call takes the next session's updates, or its error (then
        /// `Unsupported`).
        sessions: Mutex<VecDeque<Result<Vec<LiveUpdate>, LiveError>>>,
        calls: Mutex<Vec<String>>,
        started: Mutex<Vec<InsightsQuery>>,
        targets: Mutex<Vec<LogTarget>>,
    }

    struct Session(VecDeque<LiveUpdate>);

    #[async_trait]
    impl LiveSession for Session {
        async fn next(&mut self) -> Result<Option<LiveUpdate>, LiveError> {
            Ok(self.0.pop_front())
        }
    }

    impl Scripted {
        fn call(&self, c: String) {
            self.calls.lock().unwrap().push(c);
        }

        fn calls(&self) -> Vec<String> {
            self.calls.lock().unwrap().clone()
        }
    }

    #[async_trait]
    impl LogsSource for Scripted {
        async fn start_query(&self, query: &InsightsQuery) -> Result<String, SourceError> {
            self.call("start".into());
            self.started.lock().unwrap().push(query.clone());
            Ok("q-1".into())
        }

        async fn query_results(
            &self,
            target: &LogTarget,
            query_id: &str,
        ) -> Result<InsightsResults, SourceError> {
            self.call(format!("results {query_id}"));
            self.targets.lock().unwrap().push(target.clone());
            let mut r = self.results.lock().unwrap();
            if r.len() > 1 {
                r.pop_front().unwrap()
            } else {
                r.front().cloned().unwrap()
            }
        }

        async fn stop_query(&self, _: &LogTarget, query_id: &str) -> Result<(), SourceError> {
            self.call(format!("stop {query_id}"));
            Ok(())
        }

        async fn filter_events(
            &self,
            target: &LogTarget,
            _: Option<&str>,
            start_ms: i64,
            end_ms: Option<i64>,
            next: Option<&str>,
        ) -> Result<EventsPage, SourceError> {
            self.call(format!(
                "filter {start_ms} {end_ms:?} {}",
                next.unwrap_or("-")
            ));
            self.targets.lock().unwrap().push(target.clone());
            self.pages
                .lock()
                .unwrap()
                .pop_front()
                .unwrap_or(Ok(EventsPage::default()))
        }

        async fn live_tail(
            &self,
            _: &LogTarget,
            _: Option<&str>,
        ) -> Result<Box<dyn LiveSession>, LiveError> {
            self.call("live".into());
            match self.sessions.lock().unwrap().pop_front() {
                Some(Ok(updates)) => Ok(Box::new(Session(updates.into()))),
                Some(Err(e)) => Err(e),
                None => Err(LiveError::Unsupported("script over".into())),
            }
        }
    }

    fn args(extra: &[&str]) -> LogsArgs {
        let cli = Cli::try_parse_from(
            ["sagewatch", "logs", "--account", "prod"]
                .iter()
                .chain(extra),
        )
        .unwrap();
        match cli.command {
            Some(Commands::Logs(a)) => a,
            other => panic!("{other:?}"),
        }
    }

    fn planned(extra: &[&str]) -> Plan {
        let mut p = plan(&args(extra), NOW_MS).unwrap();
        p.target.account_id = "111111111111".into();
        p
    }

    fn event(t: i64, stream: &str, message: &str, id: &str) -> LogEvent {
        LogEvent::new(t, stream, message.as_bytes(), Some(id))
    }

    fn page(events: Vec<LogEvent>, next: Option<&str>) -> Result<EventsPage, SourceError> {
        Ok(EventsPage {
            events,
            next: next.map(str::to_owned),
        })
    }

    fn results(state: InsightsState, matched: f64, rows: &[&[(&str, &str)]]) -> InsightsResults {
        InsightsResults::from_fields(
            Some(state),
            InsightsStats {
                records_matched: matched,
                records_scanned: matched * 10.0,
                bytes_scanned: 2_500_000.0,
            },
            rows.iter().map(|r| r.to_vec()),
        )
    }

    struct Ran {
        exit: Exit,
        out: String,
        err: String,
    }

    async fn ran(source: &Scripted, plan: &Plan, interrupt: impl Future<Output = ()>) -> Ran {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let exit = drive(source, plan, &|| NOW_MS, &mut out, &mut err, interrupt).await;
        Ran {
            exit,
            out: String::from_utf8(out).unwrap(),
            err: String::from_utf8(err).unwrap(),
        }
    }

    fn never() -> impl Future<Output = ()> {
        std::future::pending()
    }

    #[test]
    fn each_target_kind_names_its_group_stream_and_first_query() {
        let p = planned(&["--endpoint", "fraud-detector"]);
        assert_eq!(p.target.groups, ["/aws/sagemaker/Endpoints/fraud-detector"]);
        assert_eq!(p.target.stream_prefix, None);
        assert_eq!(p.mode, Mode::Events);
        assert_eq!(p.start_ms, NOW_MS - 3_600_000, "an hour by default");
        assert_eq!(p.end_ms, NOW_MS);
        assert_eq!(p.max_lines, Some(DEFAULT_MAX_LINES));

        let p = planned(&["--monitoring-job", "fd-mq-1", "--insights", "--since", "2d"]);
        assert_eq!(p.target.groups, [PROCESSING_JOBS_GROUP]);
        assert_eq!(p.target.stream_prefix.as_deref(), Some("fd-mq-1/"));
        assert_eq!(
            p.mode,
            Mode::Insights {
                query: job_query("fd-mq-1").unwrap()
            }
        );
        assert_eq!(p.start_ms, NOW_MS - 2 * 86_400_000);

        // A monitoring job's own query is narrowed to its streams.
        let p = planned(&["--monitoring-job", "fd-mq-1", "--query", "stats count(*)"]);
        assert_eq!(
            p.mode,
            Mode::Insights {
                query: "filter @logStream like /^fd-mq-1\\// | stats count(*)".into()
            }
        );

        let p = planned(&["--group", "/custom/app", "--follow", "--json"]);
        assert_eq!(p.target.groups, ["/custom/app"]);
        assert_eq!(p.mode, Mode::Follow);
        assert_eq!(p.start_ms, NOW_MS, "a tail starts now");
        assert_eq!(p.max_lines, None, "a tail has no bound of its own");
        assert!(p.json);

        let p = planned(&[
            "--group",
            "g",
            "--since",
            "2026-11-26T09:30:00Z",
            "--max-lines",
            "7",
        ]);
        assert_eq!(p.start_ms, NOW_MS - 1_800_000);
        assert_eq!(p.max_lines, Some(7));
    }

    #[test]
    fn bad_names_and_a_future_since_are_refused_before_anything_is_sent() {
        for extra in [
            &["--monitoring-job", "a/b"][..],
            &["--monitoring-job", "x|filter"],
            &["--endpoint", "a b"],
            &["--group", "g\u{1b}[2J"],
            &["--group", "g", "--since", "2026-11-27T00:00:00Z"],
            &["--endpoint", "e", "--query", "  "],
        ] {
            let e = plan(&args(extra), NOW_MS).unwrap_err();
            assert_eq!(e.code, crate::shell::USAGE, "{extra:?}");
            let m = e.message.unwrap();
            assert!(!m.contains('\u{1b}'), "{m:?}");
        }
        // clap refuses the rest: no target, two targets, a bad duration, a tail with a query.
        for extra in [
            &[][..],
            &["--endpoint", "e", "--group", "g"],
            &["--endpoint", "e", "--since", "soon"],
            &["--endpoint", "e", "--follow", "--query", "q"],
            &["--endpoint", "e", "--follow", "--insights"],
            &["--endpoint", "e", "--max-lines", "0"],
        ] {
            let r = Cli::try_parse_from(
                ["sagewatch", "logs", "--account", "prod"]
                    .iter()
                    .chain(extra),
            );
            assert!(r.is_err(), "{extra:?}");
        }
    }

    #[tokio::test]
    async fn every_page_of_the_window_is_printed_oldest_first() {
        let source = Scripted::default();
        source.pages.lock().unwrap().extend([
            page(
                vec![event(NOW_MS - 3000, "AllTraffic/i-1", "first", "a")],
                Some("t1"),
            ),
            // FilterLogEvents may answer a page with nothing and more to come.
            page(vec![], Some("t2")),
            page(
                vec![
                    event(NOW_MS - 2000, "AllTraffic/i-2", "second", "b"),
                    event(NOW_MS - 1877, "AllTraffic/i-1", "third", "c"),
                ],
                None,
            ),
        ]);
        let plan = planned(&["--endpoint", "fraud-detector"]);
        let r = ran(&source, &plan, never()).await;
        assert_eq!(r.exit.code, 0, "{:?}", r.exit);
        assert_eq!(
            r.out,
            "2026-11-26T09:59:57.000Z  AllTraffic/i-1  first\n\
             2026-11-26T09:59:58.000Z  AllTraffic/i-2  second\n\
             2026-11-26T09:59:58.123Z  AllTraffic/i-1  third\n"
        );
        let window = format!("filter {} Some({NOW_MS})", NOW_MS - 3_600_000);
        assert_eq!(
            source.calls(),
            [
                format!("{window} -"),
                format!("{window} t1"),
                format!("{window} t2")
            ]
        );
        assert!(r.err.contains("logs: 3 lines"), "{}", r.err);
        let target = &source.targets.lock().unwrap()[0];
        assert_eq!(target.account_id, "111111111111");
        assert_eq!(target.groups, ["/aws/sagemaker/Endpoints/fraud-detector"]);
    }

    #[tokio::test]
    async fn json_lines_carry_the_time_the_stream_and_the_message() {
        let source = Scripted::default();
        source.pages.lock().unwrap().push_back(page(
            vec![event(NOW_MS + 5, "job/algo-1", "say \"hi\"", "a")],
            None,
        ));
        let plan = planned(&["--monitoring-job", "job", "--json"]);
        let r = ran(&source, &plan, never()).await;
        assert_eq!(r.out.lines().count(), 1, "{}", r.out);
        assert!(
            r.out
                .starts_with("{\"timestamp\":\"2026-11-26T10:00:00.005Z\",\"timestamp_ms\":"),
            "{}",
            r.out
        );
        let v: Value = serde_json::from_str(&r.out).unwrap();
        assert_eq!(v["timestamp_ms"], NOW_MS + 5);
        assert_eq!(v["stream"], "job/algo-1");
        assert_eq!(v["message"], "say \"hi\"");
        let target = &source.targets.lock().unwrap()[0];
        assert_eq!(target.stream_prefix.as_deref(), Some("job/"));
    }

    #[tokio::test]
    async fn max_lines_cuts_the_window_and_says_so() {
        let source = Scripted::default();
        source.pages.lock().unwrap().extend([
            page(
                (0..3)
                    .map(|i| event(i, "s", &format!("l{i}"), ""))
                    .collect(),
                Some("t1"),
            ),
            page(
                (3..6)
                    .map(|i| event(i, "s", &format!("l{i}"), ""))
                    .collect(),
                Some("t2"),
            ),
        ]);
        let plan = planned(&["--endpoint", "e", "--max-lines", "4"]);
        let r = ran(&source, &plan, never()).await;
        assert_eq!(r.exit.code, 0);
        let messages: Vec<&str> = r
            .out
            .lines()
            .map(|l| l.rsplit("  ").next().unwrap())
            .collect();
        assert_eq!(messages, ["l0", "l1", "l2", "l3"]);
        assert!(
            r.err.contains("stopped at 4 lines (--max-lines)"),
            "{}",
            r.err
        );
        assert_eq!(source.calls().len(), 2, "no page read past the bound");
    }

    #[tokio::test]
    async fn a_failed_call_exits_1_with_the_error() {
        let source = Scripted::default();
        source
            .pages
            .lock()
            .unwrap()
            .push_back(Err(SourceError::AccessDenied {
                call: "FilterLogEvents".into(),
                action: "logs:FilterLogEvents".into(),
            }));
        let r = ran(&source, &planned(&["--endpoint", "e"]), never()).await;
        assert_eq!(r.exit.code, 1);
        assert!(r.exit.message.unwrap().contains("logs:FilterLogEvents"));
        assert!(r.out.is_empty());
    }

    #[tokio::test(start_paused = true)]
    async fn insights_is_polled_to_complete_with_its_progress_on_stderr() {
        let source = Scripted::default();
        source.results.lock().unwrap().extend([
            Ok(results(InsightsState::Scheduled, 0.0, &[])),
            Ok(results(InsightsState::Running, 1.0, &[])),
            Ok(results(InsightsState::Running, 1.0, &[])),
            Ok(results(
                InsightsState::Complete,
                2.0,
                &[
                    &[
                        ("@timestamp", "2026-11-26 09:59:00.000"),
                        ("@logStream", "AllTraffic/i-1"),
                        ("@message", "ERROR KeyError: 'merchant_risk'"),
                        ("@ptr", "p1"),
                    ],
                    &[
                        ("@timestamp", "2026-11-26 09:58:00.000"),
                        ("@logStream", "AllTraffic/i-22"),
                        ("@message", "WARN slow"),
                    ],
                ],
            )),
        ]);
        let plan = planned(&[
            "--endpoint",
            "fraud-detector",
            "--insights",
            "--since",
            "15m",
        ]);
        let r = ran(&source, &plan, never()).await;
        assert_eq!(r.exit.code, 0, "{:?}", r.exit);
        let started = source.started.lock().unwrap()[0].clone();
        assert_eq!(started.query, endpoint_query());
        assert_eq!(
            (started.start, started.end),
            (NOW_MS / 1000 - 900, NOW_MS / 1000)
        );
        assert_eq!(
            source.calls(),
            [
                "start",
                "results q-1",
                "results q-1",
                "results q-1",
                "results q-1"
            ]
        );
        // A line per change of state or statistics, not per poll.
        let progress: Vec<&str> = r.err.lines().filter(|l| l.contains(" s  ")).collect();
        assert_eq!(progress.len(), 3, "{}", r.err);
        assert!(progress[0].starts_with("insights: Scheduled"), "{}", r.err);
        assert!(progress[1].starts_with("insights: Running"), "{}", r.err);
        assert!(
            progress[2].starts_with("insights: Complete")
                && progress[2].contains("2 records matched, 20 scanned, 2.5 MB"),
            "{}",
            r.err
        );
        assert!(r.err.contains("insights: query q-1"), "{}", r.err);
        assert!(r.err.contains("insights: 2 rows;"), "{}", r.err);
        let lines: Vec<&str> = r.out.lines().collect();
        assert_eq!(lines.len(), 3, "{}", r.out);
        assert_eq!(
            lines[0],
            "@timestamp               @logStream       @message"
        );
        assert_eq!(
            lines[1],
            "2026-11-26 09:59:00.000  AllTraffic/i-1   ERROR KeyError: 'merchant_risk'"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn insights_json_keys_each_row_by_its_columns_up_to_max_lines() {
        let source = Scripted::default();
        source.results.lock().unwrap().push_back(Ok(results(
            InsightsState::Complete,
            1.0,
            &[
                &[("count(*)", "42"), ("bin(5m)", "2026-11-26 09:55:00.000")],
                &[("count(*)", "7"), ("bin(5m)", "2026-11-26 09:50:00.000")],
            ],
        )));
        let plan = planned(&[
            "--group",
            "g",
            "--query",
            "stats count(*) by bin(5m)",
            "--json",
            "--max-lines",
            "1",
        ]);
        let r = ran(&source, &plan, never()).await;
        assert_eq!(r.exit.code, 0);
        assert_eq!(r.out.lines().count(), 1, "{}", r.out);
        assert!(r.err.contains("1 row of 2 (--max-lines)"), "{}", r.err);
        let v: Value = serde_json::from_str(r.out.trim()).unwrap();
        assert_eq!(v["count(*)"], "42");
        assert_eq!(v["bin(5m)"], "2026-11-26 09:55:00.000");
    }

    #[tokio::test(start_paused = true)]
    async fn a_failed_or_timed_out_query_exits_1_with_the_reason() {
        for (state, says) in [
            (InsightsState::Failed, "failed"),
            (InsightsState::Timeout, "timed out"),
            (InsightsState::Cancelled, "cancelled"),
        ] {
            let source = Scripted::default();
            source.results.lock().unwrap().extend([
                Ok(results(InsightsState::Running, 0.0, &[])),
                Ok(results(state, 0.0, &[])),
            ]);
            let r = ran(
                &source,
                &planned(&["--endpoint", "e", "--insights"]),
                never(),
            )
            .await;
            assert_eq!(r.exit.code, 1, "{state:?}");
            assert!(r.exit.message.unwrap().contains(says), "{state:?}");
            assert!(r.out.is_empty());
            assert!(!source.calls().iter().any(|c| c.starts_with("stop")));
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_throttled_poll_is_retried_and_a_lasting_failure_stops_the_query() {
        let throttled = || {
            Err(SourceError::Throttled {
                call: "GetQueryResults".into(),
            })
        };
        let source = Scripted::default();
        source
            .results
            .lock()
            .unwrap()
            .extend([throttled(), Ok(results(InsightsState::Complete, 0.0, &[]))]);
        let r = ran(
            &source,
            &planned(&["--endpoint", "e", "--insights"]),
            never(),
        )
        .await;
        assert_eq!(r.exit.code, 0, "{:?}", r.exit);

        let source = Scripted::default();
        source.results.lock().unwrap().push_back(throttled());
        let r = ran(
            &source,
            &planned(&["--endpoint", "e", "--insights"]),
            never(),
        )
        .await;
        assert_eq!(r.exit.code, 1);
        let calls = source.calls();
        assert_eq!(calls.last().unwrap(), "stop q-1", "{calls:?}");
        assert_eq!(
            calls.iter().filter(|c| c.starts_with("results")).count(),
            crate::trail::run::TRANSIENT_RETRIES as usize + 1
        );
    }

    #[tokio::test(start_paused = true)]
    async fn an_interrupt_stops_the_running_query_and_exits_130() {
        let source = Scripted::default();
        source
            .results
            .lock()
            .unwrap()
            .push_back(Ok(results(InsightsState::Running, 0.0, &[])));
        let interrupt = tokio::time::sleep(Duration::from_secs(3));
        let r = ran(
            &source,
            &planned(&["--endpoint", "e", "--insights"]),
            interrupt,
        )
        .await;
        assert_eq!(r.exit.code, INTERRUPTED);
        assert!(r.exit.message.unwrap().contains("stopped"));
        let calls = source.calls();
        assert!(calls.iter().filter(|c| c.starts_with("results")).count() >= 1);
        assert_eq!(calls.last().unwrap(), "stop q-1", "{calls:?}");
        assert!(r.out.is_empty());
    }

    #[test]
    fn the_poll_delay_doubles_from_250_ms_to_5_s() {
        let d: Vec<u64> = (0..8)
            .map(|n| run::poll_delay(n).as_millis() as u64)
            .collect();
        assert_eq!(d, [250, 500, 1000, 2000, 4000, 5000, 5000, 5000]);
    }

    #[tokio::test(start_paused = true)]
    async fn follow_prints_live_lines_and_says_the_mode() {
        let source = Scripted::default();
        source.sessions.lock().unwrap().push_back(Ok(vec![
            LiveUpdate {
                events: vec![event(NOW_MS, "AllTraffic/i-1", "one", "")],
                sampled: false,
            },
            LiveUpdate {
                events: vec![event(NOW_MS + 1, "AllTraffic/i-1", "two", "")],
                sampled: true,
            },
        ]));
        let interrupt = tokio::time::sleep(Duration::from_secs(60));
        let r = ran(
            &source,
            &planned(&["--endpoint", "e", "--follow"]),
            interrupt,
        )
        .await;
        assert_eq!(r.exit.code, INTERRUPTED);
        assert_eq!(r.out.lines().count(), 2, "{}", r.out);
        assert!(r.out.lines().next().unwrap().ends_with("  one"));
        let err: Vec<&str> = r.err.lines().collect();
        assert_eq!(err[0], "tail: live", "{}", r.err);
        assert!(r.err.contains("sampling"), "{}", r.err);
        let message = r.exit.message.unwrap();
        assert!(message.contains("2 lines, 1 update sampled"), "{message}");
    }

    #[tokio::test(start_paused = true)]
    async fn follow_polls_where_live_tail_cannot_be_used_and_says_why() {
        let source = Scripted::default();
        source
            .sessions
            .lock()
            .unwrap()
            .push_back(Err(LiveError::Unsupported(
                "AccessDenied: logs:StartLiveTail".into(),
            )));
        source.pages.lock().unwrap().extend([
            page(vec![event(NOW_MS - 10, "s", "a", "1")], None),
            page(
                vec![
                    event(NOW_MS - 10, "s", "a", "1"),
                    event(NOW_MS, "s", "b", "2"),
                ],
                None,
            ),
            page(vec![event(NOW_MS + 9, "s", "c", "3")], None),
        ]);
        let plan = planned(&[
            "--endpoint",
            "e",
            "--follow",
            "--since",
            "5m",
            "--max-lines",
            "3",
        ]);
        let r = ran(&source, &plan, never()).await;
        assert_eq!(r.exit.code, 0, "{:?}", r.exit);
        let messages: Vec<&str> = r
            .out
            .lines()
            .map(|l| l.rsplit("  ").next().unwrap())
            .collect();
        assert_eq!(messages, ["a", "b", "c"], "read twice, printed once");
        assert!(
            r.err
                .starts_with("tail: polling FilterLogEvents (AccessDenied: logs:StartLiveTail)\n"),
            "{}",
            r.err
        );
        assert!(
            r.err.contains("stopped at 3 lines (--max-lines)"),
            "{}",
            r.err
        );
        let calls = source.calls();
        let at_since = format!("filter {} None -", NOW_MS - 300_000);
        assert_eq!(calls[0], at_since, "the lines since --since first");
        assert_eq!(calls[1], "live");
        assert_eq!(calls[2], at_since, "polling starts at --since");
    }

    /// A source that fills events itself, without `LogEvent::new`: escape sequences, C1,
    /// bidi overrides, newlines.
    #[tokio::test(start_paused = true)]
    async fn hostile_text_reaches_stdout_inert_on_every_path() {
        let evil = "x\u{1b}]52;c;Zm9v\u{7}\u{1b}[2J\u{9b}31m\u{202e}y\nz\r\u{2028}w";
        let raw = || LogEvent {
            timestamp_ms: NOW_MS,
            stream: evil.into(),
            message: evil.into(),
            event_id: None,
        };
        let inert = |text: &str, lines: usize| {
            assert!(
                !text
                    .chars()
                    .any(|c| c != '\n' && crate::sanitize::needs_replacing(c)),
                "{text:?}"
            );
            assert_eq!(text.lines().count(), lines, "{text:?}");
        };
        for json in [false, true] {
            let flag = if json { "--json" } else { "--since=1h" };
            // The window.
            let source = Scripted::default();
            source
                .pages
                .lock()
                .unwrap()
                .push_back(page(vec![raw(), raw()], None));
            let r = ran(&source, &planned(&["--endpoint", "e", flag]), never()).await;
            inert(&r.out, 2);
            // The tail.
            let source = Scripted::default();
            source
                .sessions
                .lock()
                .unwrap()
                .push_back(Ok(vec![LiveUpdate {
                    events: vec![raw()],
                    sampled: false,
                }]));
            let plan = planned(&["--endpoint", "e", "--follow", "--max-lines", "1", flag]);
            let r = ran(&source, &plan, never()).await;
            inert(&r.out, 1);
            // An Insights query's cells and column names, filled without `from_fields`.
            let source = Scripted::default();
            source
                .results
                .lock()
                .unwrap()
                .push_back(Ok(InsightsResults {
                    state: Some(InsightsState::Complete),
                    stats: InsightsStats::default(),
                    columns: vec![evil.into(), evil.into()],
                    rows: vec![vec![evil.into(), evil.into()]],
                }));
            let r = ran(
                &source,
                &planned(&["--endpoint", "e", "--insights", flag]),
                never(),
            )
            .await;
            inert(&r.out, if json { 1 } else { 2 });
            if json {
                // Escaped, not lost.
                let v: Value = serde_json::from_str(r.out.trim()).unwrap();
                assert_eq!(v[evil], evil);
            }
        }
        // Polling, and why live tail cannot be used: stderr is as clean as stdout.
        let source = Scripted::default();
        source
            .sessions
            .lock()
            .unwrap()
            .push_back(Err(LiveError::Unsupported(evil.into())));
        source
            .pages
            .lock()
            .unwrap()
            .push_back(page(vec![raw()], None));
        let plan = planned(&["--endpoint", "e", "--follow", "--max-lines", "1"]);
        let r = ran(&source, &plan, never()).await;
        inert(&r.out, 1);
        inert(&r.err, 2);
    }
}
