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
use crate::source::model::{Alarm, Epoch};
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
    let failed = report(&reads, trail.is_some(), err);
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
    let in_account = |id: &str| account.as_deref().is_none_or(|a| a == id);
    let endpoints = source
        .endpoints()
        .await
        .map_err(|e| Exit::failed(e.to_string()))?;
    let alarms = source
        .alarms()
        .await
        .map_err(|e| Exit::failed(e.to_string()))?;
    let wanted = args.target.as_str();
    let named_alarms: Vec<&Alarm> = alarms
        .iter()
        .filter(|a| a.name == wanted && (in_account(&a.account_id) || endpoint_in(a, &in_account)))
        .collect();
    let key = match (named_alarms.as_slice(), &account) {
        ([alarm], _) => alarm.endpoint.clone().ok_or_else(|| {
            Exit::usage(format!(
                "alarm {} watches no endpoint: name an endpoint",
                clean(wanted)
            ))
        })?,
        ([_, _, ..], _) => {
            return Err(Exit::usage(format!(
                "alarm {} is in several accounts: add --account",
                clean(wanted)
            )));
        }
        ([], _) => {
            let found: Vec<_> = endpoints
                .iter()
                .filter(|e| e.name == wanted && in_account(&e.account_id))
                .collect();
            match found.as_slice() {
                [e] => e.key(),
                [] => {
                    return Err(Exit::usage(format!(
                        "no endpoint or alarm named {}{}",
                        clean(wanted),
                        account.map_or(String::new(), |a| format!(" in account {a}"))
                    )));
                }
                _ => {
                    return Err(Exit::usage(format!(
                        "endpoint {} is in several accounts: add --account",
                        clean(wanted)
                    )));
                }
            }
        }
    };
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
    let changes = async {
        let makeup = read::makeup(source, subject).await;
        let changes = match trail {
            Some(settings) => Some(
                read::changes(
                    source,
                    settings,
                    subject,
                    makeup.as_ref().ok(),
                    window,
                    cancel.clone(),
                )
                .await,
            ),
            None => None,
        };
        (makeup, changes)
    };
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
fn report(reads: &Reads, trail: bool, err: &mut (dyn Write + Send)) -> bool {
    let mut failed = false;
    let mut say = |what: &str, line: String| {
        let _ = writeln!(err, "{what}: {}", clean(&line));
    };
    if let Some(alarms) = &reads.alarms {
        let ok = alarms.iter().filter(|(_, h)| h.is_ok()).count();
        say("alarms", format!("{ok} of {} histories read", alarms.len()));
        for (alarm, history) in alarms {
            if let Err(e) = history {
                failed = true;
                say("alarms", format!("{}: {e}", alarm.name));
            }
        }
    }
    match (&reads.changes, trail) {
        (Some(Ok(c)), _) => {
            let rows: usize = c.pages.iter().map(|p| p.rows.len()).sum();
            say(
                "trail",
                format!(
                    "{rows} events, scanned {:.1} MB, ${:.5} ({})",
                    c.scanned_bytes as f64 / 1e6,
                    price_usd(c.scanned_bytes),
                    c.filter
                ),
            );
        }
        (Some(Err(e)), _) => {
            failed = true;
            say("trail", e.to_string());
        }
        (None, _) => say(
            "trail",
            "not searched: no [trail] in config.toml (docs/configuration.md)".into(),
        ),
    }
    if let Some(Err(e)) = &reads.makeup {
        say(
            "config",
            format!("not read, its changes are not searched: {e}"),
        );
    }
    let mut failure = |what: &str, result: Result<String, String>| match result {
        Ok(line) => say(what, line),
        Err(e) => {
            failed = true;
            say(what, e);
        }
    };
    if let Some(runs) = &reads.runs {
        failure(
            "monitor",
            runs.as_ref()
                .map(|r| format!("{} runs", r.len()))
                .map_err(ToString::to_string),
        );
    }
    if let Some(errors) = &reads.errors {
        failure(
            "logs",
            errors
                .as_ref()
                .map(|e| {
                    format!(
                        "{} minutes with errors, scanned {:.1} MB, ${:.5}",
                        e.per_minute.len(),
                        e.scanned_bytes / 1e6,
                        e.scanned_bytes / 1e9 * INSIGHTS_USD_PER_GB
                    )
                })
                .map_err(ToString::to_string),
        );
    }
    if let Some(series) = &reads.series {
        failure(
            "metrics",
            series
                .as_ref()
                .map(|s| format!("{} series", s.len()))
                .map_err(ToString::to_string),
        );
    }
    if let Some(scaling) = &reads.scaling {
        failure(
            "scaling",
            scaling
                .as_ref()
                .map(|s| format!("{} activities", s.len()))
                .map_err(ToString::to_string),
        );
    }
    failed
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
