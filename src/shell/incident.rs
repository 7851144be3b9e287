//! `sagewatch incident ENDPOINT|ALARM`: the endpoint's incident tape, printed once: an
//! aligned table, a Markdown post-mortem draft (`--markdown`) or JSON (`--json`). Every
//! source is read concurrently; what each scanned and cost goes to stderr, with the sources
//! that could not be read.
//!
//! Exit codes: 0 every source read, 1 some source could not be read (the tape is printed
//! without it), 2 bad usage or configuration (nothing read).

use super::{Exit, FAILED, aligned, clean};
use crate::cli::IncidentArgs;
use crate::incident::{Reads, Subject, Window, read};
use crate::source::FleetSource;
use crate::source::model::{Alarm, Endpoint, EndpointKey, Epoch};
use crate::source::trail::{TrailSettings, price_usd};
use crate::trail::filter::When;
use futures::FutureExt;
use std::future::Future;
use std::io::Write;

/// Insights' price: $0.005 per GB scanned.
const INSIGHTS_USD_PER_GB: f64 = 0.005;

/// Where the tape is read from besides the source.
#[derive(Debug, Clone, Copy)]
pub struct Setting<'a> {
    /// The config's `[trail]`, if any.
    pub trail: Option<&'a TrailSettings>,
    /// The audit log the console writes: its entries about the endpoint are on the tape.
    pub audit: Option<&'a std::path::Path>,
    /// The clock the window counts back from.
    pub now: Epoch,
}

/// Runs `sagewatch incident`; `interrupt` resolving stops the queries still running.
pub async fn run(
    source: &dyn FleetSource,
    setting: Setting<'_>,
    args: IncidentArgs,
    out: &mut (dyn Write + Send),
    err: &mut (dyn Write + Send),
    interrupt: impl Future<Output = ()> + Send + 'static,
) -> Exit {
    let Setting { trail, audit, now } = setting;
    let subject = match subject(source, &args).await {
        Ok(s) => s,
        Err(e) => return e,
    };
    let window = match args.since {
        Some(When::Ago(secs)) => Window {
            from: now - secs,
            to: now,
        },
        Some(When::At(t)) => Window { from: t, to: now },
        None => Window::around(&subject, now),
    };
    if window.from >= window.to || window.to - window.from > crate::incident::MAX_WINDOW_SECS {
        return Exit::usage("--since: expected a start in the last 7 days");
    }
    let cancel = interrupt.boxed().shared();
    let reads = gather(source, trail, audit, &subject, window, cancel.clone()).await;
    if cancel.peek().is_some() {
        return Exit {
            code: super::trail::INTERRUPTED,
            message: Some("interrupted: the queries still running were stopped".into()),
        };
    }
    let tape = reads.tape(&subject, window);
    let name = format!(
        "{} ({})",
        subject.endpoint.name, subject.endpoint.account_id
    );
    let printed = if args.json {
        crate::tape::json(&tape, &name, (window.from, window.to))
    } else if args.markdown {
        crate::tape::markdown(&tape, &name, (window.from, window.to))
    } else {
        text(&tape)
    };
    let failed = report(&reads, err);
    if let Err(e) = out.write_all(printed.as_bytes()).and_then(|()| out.flush())
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        return Exit::failed(format!("cannot write the tape: {e}"));
    }
    if failed {
        return Exit {
            code: FAILED,
            message: Some("some sources could not be read: the tape is without them".into()),
        };
    }
    Exit::done()
}

/// The endpoint named, or the endpoint of the alarm named, with the alarms on it.
async fn subject(source: &dyn FleetSource, args: &IncidentArgs) -> Result<Subject, Exit> {
    let account = match &args.account {
        Some(wanted) => Some(super::account(source, wanted).await?.id),
        None => None,
    };
    let failed = |e: crate::source::SourceError| Exit::failed(e.to_string());
    let endpoints = source.endpoints().await.map_err(failed)?;
    let alarms = source.alarms().await.map_err(failed)?;
    let key = named(&endpoints, &alarms, &args.target, account.as_deref())?;
    let endpoint = endpoints
        .into_iter()
        .find(|e| e.key() == key)
        .ok_or_else(|| {
            Exit::failed(format!(
                "the alarm's endpoint {} is not among the endpoints read",
                clean(&key.name)
            ))
        })?;
    let alarms = alarms
        .into_iter()
        .filter(|a| a.endpoint.as_ref() == Some(&key))
        .collect();
    // The console's region: the trail's search reads its partitions only.
    let region = source.identity().await.ok().map(|i| i.region);
    Ok(Subject {
        endpoint,
        alarms,
        region,
    })
}

/// The endpoint `wanted` names: an alarm's (first), else an endpoint's, within `account`
/// when one is given; a name that is neither, or is in several accounts, says so.
fn named(
    endpoints: &[Endpoint],
    alarms: &[Alarm],
    wanted: &str,
    account: Option<&str>,
) -> Result<EndpointKey, Exit> {
    let in_account = |id: &str| account.is_none_or(|a| a == id);
    let named_alarms: Vec<&Alarm> = alarms
        .iter()
        .filter(|a| a.name == wanted && (in_account(&a.account_id) || endpoint_in(a, &in_account)))
        .collect();
    let several = |what: &str| {
        Exit::usage(format!(
            "{what} {} is in several accounts: add --account",
            clean(wanted)
        ))
    };
    match named_alarms.as_slice() {
        [alarm] => {
            return alarm.endpoint.clone().ok_or_else(|| {
                Exit::usage(format!(
                    "alarm {} watches no endpoint: name an endpoint",
                    clean(wanted)
                ))
            });
        }
        [_, _, ..] => return Err(several("alarm")),
        [] => {}
    }
    let found: Vec<&Endpoint> = endpoints
        .iter()
        .filter(|e| e.name == wanted && in_account(&e.account_id))
        .collect();
    match found.as_slice() {
        [e] => Ok(e.key()),
        [] => Err(Exit::usage(format!(
            "no endpoint or alarm named {}{}",
            clean(wanted),
            account.map_or(String::new(), |a| format!(" in account {a}"))
        ))),
        _ => Err(several("endpoint")),
    }
}

fn endpoint_in(alarm: &Alarm, in_account: &impl Fn(&str) -> bool) -> bool {
    alarm
        .endpoint
        .as_ref()
        .is_some_and(|e| in_account(&e.account_id))
}

/// Every read, concurrently; the trail's search once the endpoint's config is known.
async fn gather(
    source: &dyn FleetSource,
    trail: Option<&TrailSettings>,
    audit: Option<&std::path::Path>,
    subject: &Subject,
    window: Window,
    cancel: futures::future::Shared<futures::future::BoxFuture<'static, ()>>,
) -> Reads {
    let changes = read::makeup_and_changes(source, trail, subject, window, cancel.clone());
    let ((makeup, changes), alarms, runs, errors, series, scaling) = futures::join!(
        changes,
        read::alarm_histories(source, subject, window),
        read::runs(source, subject, window),
        read::errors(source, subject, window, cancel.clone()),
        read::series(source, subject, window),
        read::scaling(source, subject, window),
    );
    Reads {
        alarms: Some(alarms),
        makeup: Some(makeup),
        changes,
        runs: Some(runs),
        errors: Some(errors),
        series: Some(series),
        scaling: Some(scaling),
        audit: crate::incident::audit_text(audit.map(ToOwned::to_owned)).await,
        // A shell sees the endpoint once: no change of status to have seen.
        seen: Vec::new(),
    }
}

/// What each source gave, scanned and cost, on stderr; whether one failed.
fn report(reads: &Reads, err: &mut (dyn Write + Send)) -> bool {
    let outcomes = outcomes(reads);
    for (what, outcome) in &outcomes {
        let (Ok(line) | Err(line)) = outcome;
        let _ = writeln!(err, "{what}: {}", clean(line));
    }
    outcomes.iter().any(|(_, outcome)| outcome.is_err())
}

/// Each source and what it gave (`Ok`) or why it could not (`Err`), in words.
fn outcomes(reads: &Reads) -> Vec<(&'static str, Result<String, String>)> {
    let mut out = Vec::new();
    if let Some(alarms) = &reads.alarms {
        let ok = alarms.iter().filter(|(_, h)| h.is_ok()).count();
        out.push((
            "alarms",
            Ok(format!("{ok} of {} histories read", alarms.len())),
        ));
        out.extend(alarms.iter().filter_map(|(alarm, history)| {
            let e = history.as_ref().err()?;
            Some(("alarms", Err(format!("{}: {e}", alarm.name))))
        }));
    }
    let trail = match &reads.changes {
        Some(Ok(c)) => Ok(trail_line(c)),
        Some(Err(e)) => Err(e.to_string()),
        None => Ok("not searched: no [trail] in config.toml (docs/configuration.md)".into()),
    };
    out.push(("trail", trail));
    if let Some(Err(e)) = &reads.makeup {
        out.push((
            "config",
            Ok(format!("not read, its changes are not searched: {e}")),
        ));
    }
    out.extend(gave("monitor", &reads.runs, |r| {
        format!("{} runs", r.len())
    }));
    out.extend(gave("logs", &reads.errors, |e| {
        format!(
            "{} minutes with errors, scanned {:.1} MB, ${:.5}",
            e.per_minute.len(),
            e.scanned_bytes / 1e6,
            e.scanned_bytes / 1e9 * INSIGHTS_USD_PER_GB
        )
    }));
    out.extend(gave("metrics", &reads.series, |s| {
        format!("{} series", s.len())
    }));
    out.extend(gave("scaling", &reads.scaling, |s| {
        format!("{} activities", s.len())
    }));
    out
}

fn trail_line(c: &crate::incident::Changes) -> String {
    let rows: usize = c.pages.iter().map(|p| p.rows.len()).sum();
    format!(
        "{rows} events, scanned {:.1} MB, ${:.5} ({})",
        c.scanned_bytes as f64 / 1e6,
        price_usd(c.scanned_bytes),
        c.filter
    )
}

/// A source's answer in words, when it was asked.
fn gave<T>(
    what: &'static str,
    answer: &Option<Result<T, crate::source::SourceError>>,
    line: impl Fn(&T) -> String,
) -> Option<(&'static str, Result<String, String>)> {
    let answer = answer.as_ref()?;
    Some((what, answer.as_ref().map(line).map_err(ToString::to_string)))
}

/// The tape as an aligned table: time, kind, who, where, what.
fn text(tape: &crate::tape::Tape) -> String {
    let mut rows = vec![[
        "TIME".to_owned(),
        "KIND".to_owned(),
        "WHO".to_owned(),
        "WHERE".to_owned(),
        "WHAT".to_owned(),
    ]];
    for e in tape.entries() {
        rows.push([
            crate::snapshot::rfc3339(e.at),
            e.kind.label().to_owned(),
            e.who.as_deref().map_or_else(
                || "-".into(),
                |w| crate::trail::principal_short(w).to_owned(),
            ),
            e.from_where.clone().unwrap_or_else(|| "-".into()),
            e.text.clone(),
        ]);
    }
    aligned(&rows)
}
