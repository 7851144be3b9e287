//! `sagewatch alarm ...`: the console's alarm actions for runbooks. The same requests, the
//! same gate (read-only refusal, audit log) and the same confirmation rule (`--yes`, else a
//! `y` typed on a terminal; without a terminal it refuses) as the console.
//!
//! Exit codes: 0 done, 1 AWS refused or failed, 2 bad usage or configuration, 3 refused by
//! read-only. Everything from AWS that is printed is sanitised; `--json` escapes every
//! character a terminal would act on.

use crate::cli::{AlarmCommand, CreateArgs, NameArgs};
use crate::source::FleetSource;
use crate::source::alarm_write::{
    self as aw, AlarmWrite, MissingData, Operator, PutAlarm, check_datapoints, check_period,
    check_window, parse_tags, parse_topics,
};
use crate::source::metrics::{self, METRICS};
use crate::source::model::{Account, Alarm, AlarmState, Epoch, Identity, Stat};
use crate::source::mute::when::span;
use crate::source::write::Write;

pub mod incident;
pub mod jobs;
pub mod logs;
mod monitor;
mod mutes;
pub mod studio;
pub mod trail;
use crate::writes::audit::inert_json_pretty;
use crate::writes::{Gate, Refusal, WriteOutcome};
pub use incident::run as run_incident;
pub use jobs::run as run_jobs;
pub use logs::run as run_logs;
pub use monitor::run as run_monitor;
use serde_json::json;
use std::io::{BufRead, IsTerminal, Write as _};
pub use studio::run as run_studio;
pub use trail::run as run_trail;

pub const DONE: u8 = 0;
pub const FAILED: u8 = 1;
pub const USAGE: u8 = 2;
pub const READ_ONLY: u8 = 3;

/// What a subcommand ended with: its exit code and what to say on stderr.
#[derive(Debug)]
pub struct Exit {
    pub code: u8,
    pub message: Option<String>,
}

impl Exit {
    pub(crate) fn usage(message: impl Into<String>) -> Self {
        Self {
            code: USAGE,
            message: Some(message.into()),
        }
    }

    pub(crate) fn failed(message: impl Into<String>) -> Self {
        Self {
            code: FAILED,
            message: Some(message.into()),
        }
    }

    pub(crate) fn done() -> Self {
        Self {
            code: DONE,
            message: None,
        }
    }
}

pub(crate) fn clean(s: &str) -> String {
    crate::sanitize::clean(s).into_owned()
}

/// `now`: the source's clock (the demo's runs on its own), from which mutes start and
/// rules' windows are computed.
pub async fn run(source: &dyn FleetSource, gate: &Gate, command: AlarmCommand, now: Epoch) -> Exit {
    let identity = match source.identity().await {
        Ok(i) => i,
        Err(e) => return Exit::failed(e.to_string()),
    };
    match command {
        AlarmCommand::List {
            account,
            state,
            json,
        } => list(source, account.as_deref(), state.as_deref(), json, now).await,
        AlarmCommand::Create(args) => match create_request(source, &identity, &args).await {
            Ok(request) => send(source, gate, &identity, request.into(), args.yes, args.json).await,
            Err(e) => e,
        },
        AlarmCommand::Mute(args) => mutes::mute(source, gate, &identity, args, now).await,
        AlarmCommand::Unmute(args) => mutes::unmute(source, gate, &identity, args, now).await,
        AlarmCommand::Delete(args) => delete(source, gate, &identity, args).await,
        AlarmCommand::Mutes { account, json } => {
            mutes::list(source, account.as_deref(), json, now).await
        }
    }
}

/// An account named by id or label, among those the console sees.
pub(crate) async fn account(source: &dyn FleetSource, wanted: &str) -> Result<Account, Exit> {
    let accounts = source
        .accounts()
        .await
        .map_err(|e| Exit::failed(e.to_string()))?;
    named_account(&accounts, wanted)
}

/// The account `wanted` names (its id or label) among `accounts`; a usage error listing
/// them when none does.
pub(crate) fn named_account(accounts: &[Account], wanted: &str) -> Result<Account, Exit> {
    accounts
        .iter()
        .find(|a| a.id == wanted || a.label == wanted)
        .cloned()
        .ok_or_else(|| {
            let known: Vec<String> = accounts
                .iter()
                .map(|a| format!("{} ({})", a.id, clean(&a.label)))
                .collect();
            Exit::usage(format!(
                "unknown account {}: expected one of {}",
                clean(wanted),
                known.join(", ")
            ))
        })
}

fn number(flag: &str, text: &str) -> Result<f64, Exit> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite())
        .ok_or_else(|| {
            Exit::usage(format!(
                "--{flag}: expected a number, not {:?}",
                clean(text)
            ))
        })
}

fn whole(flag: &str, text: &str) -> Result<u32, Exit> {
    let n = number(flag, text)?;
    if n.fract() != 0.0 || !(1.0..=10_080.0).contains(&n) {
        return Err(Exit::usage(format!(
            "--{flag}: expected a whole number from 1 to 10080, not {}",
            clean(text)
        )));
    }
    Ok(n as u32)
}

/// The PutMetricAlarm `args` ask for, every value checked before anything is sent.
async fn create_request(
    source: &dyn FleetSource,
    identity: &Identity,
    a: &CreateArgs,
) -> Result<AlarmWrite, Exit> {
    let usage = |flag: &str, e: String| Exit::usage(format!("--{flag}: {e}"));
    // Cheap checks first: a typo costs no AWS call.
    let threshold = number("threshold", &a.threshold)?;
    let evaluation_periods = whole("evaluation-periods", &a.evaluation_periods)?;
    let datapoints = match &a.datapoints {
        Some(d) => whole("datapoints", d)?,
        None => evaluation_periods,
    };
    check_datapoints(datapoints, evaluation_periods).map_err(|e| usage("datapoints", e))?;
    let missing = MissingData::parse(&a.missing).ok_or_else(|| {
        usage(
            "missing",
            "expected missing, notBreaching, breaching or ignore".into(),
        )
    })?;
    let alarm_actions =
        parse_topics(&a.actions.join(","), &identity.region).map_err(|e| usage("action", e))?;
    let ok_actions = parse_topics(&a.ok_actions.join(","), &identity.region)
        .map_err(|e| usage("ok-action", e))?;
    let tags = parse_tags(&a.tags.join(",")).map_err(|e| usage("tag", e))?;
    aw::check_description(&a.description).map_err(|e| usage("description", e))?;
    if let Some(name) = &a.name {
        aw::check_name(name).map_err(|e| usage("name", e))?;
    }
    let operator = match &a.comparison {
        Some(c) => Some(Operator::parse(c).ok_or_else(|| {
            let all: Vec<&str> = Operator::ALL.iter().map(|o| o.as_str()).collect();
            usage("comparison", format!("expected one of {}", all.join(", ")))
        })?),
        None => None,
    };
    let spec = METRICS.iter().find(|m| m.name == a.metric).ok_or_else(|| {
        let all: Vec<&str> = METRICS.iter().map(|m| m.name).collect();
        usage(
            "metric",
            format!(
                "unknown metric {}: expected one of {}",
                clean(&a.metric),
                all.join(", ")
            ),
        )
    })?;
    let stat = match &a.statistic {
        Some(s) => Stat::parse(s).ok_or_else(|| {
            usage(
                "statistic",
                "expected Average, Sum, Maximum, Minimum or SampleCount".into(),
            )
        })?,
        None => spec.stat,
    };
    let period = match &a.period {
        Some(p) => check_period(number("period", p)?).map_err(|e| usage("period", e))?,
        None => spec.period,
    };
    check_window(period, evaluation_periods).map_err(|e| usage("evaluation-periods", e))?;

    // Then what only AWS knows: the account, the endpoint, its series.
    let acct = account(source, &a.account).await?;
    let endpoints = source
        .endpoints()
        .await
        .map_err(|e| Exit::failed(e.to_string()))?;
    let endpoint = endpoints
        .iter()
        .find(|e| e.account_id == acct.id && e.name == a.endpoint)
        .ok_or_else(|| {
            Exit::usage(format!(
                "no endpoint {} in account {} ({})",
                clean(&a.endpoint),
                acct.id,
                clean(&acct.label)
            ))
        })?;
    let keys = metrics::series_keys(endpoint, spec.id);
    let mut series = match &a.variant {
        Some(v) => keys
            .iter()
            .find(|k| k.dimension("VariantName") == Some(v.as_str()))
            .cloned()
            .ok_or_else(|| {
                usage(
                    "variant",
                    format!(
                        "expected one of {}",
                        endpoint
                            .variants
                            .iter()
                            .map(|v| clean(v))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            })?,
        // One series per variant: an alarm watches one, and which one is not ours to guess
        // (on a blue/green endpoint the traffic moves between them).
        None if keys.len() > 1 => {
            return Err(usage(
                "variant",
                format!(
                    "{} has {} variants, and an alarm on {} watches one: pass --variant {}",
                    clean(&endpoint.name),
                    keys.len(),
                    spec.name,
                    keys.iter()
                        .filter_map(|k| k.dimension("VariantName"))
                        .map(clean)
                        .collect::<Vec<_>>()
                        .join("|")
                ),
            ));
        }
        None => keys.first().cloned().ok_or_else(|| {
            Exit::usage(format!(
                "{} has no {} series (no monitoring schedule or variant)",
                clean(&endpoint.name),
                spec.name
            ))
        })?,
    };
    let variant = series
        .dimension("VariantName")
        .filter(|_| endpoint.variants.len() > 1)
        .map(str::to_owned);
    series.stat = stat;
    series.period = period;
    let placement = source.placement();
    let homes = placement.homes(&series.account_id);
    let home = match &a.alarm_account {
        Some(want) => {
            let want = account(source, want).await?.id;
            homes.iter().find(|h| **h == want).cloned().ok_or_else(|| {
                usage(
                    "alarm-account",
                    format!(
                        "an alarm on {}'s metrics can live in {}",
                        acct.id,
                        if homes.is_empty() {
                            "no account: configure its role_arn".to_owned()
                        } else {
                            homes.join(" or ")
                        }
                    ),
                )
            })?
        }
        None => homes.first().cloned().ok_or_else(|| {
            Exit::usage(format!(
                "no account can hold an alarm on {}'s metrics: add a role_arn for it to the config",
                acct.id
            ))
        })?,
    };
    let operator = operator.unwrap_or(match spec.levels {
        Some(l) if l.lower_is_worse => Operator::LessThanThreshold,
        _ => Operator::GreaterThanThreshold,
    });
    if operator.is_band() && threshold <= 0.0 {
        return Err(usage(
            "threshold",
            "a band width above 0 standard deviations".into(),
        ));
    }
    let name = a.name.clone().unwrap_or_else(|| {
        aw::suggested_name(
            &acct.label,
            &endpoint.name,
            spec.name,
            variant.as_deref(),
            operator,
        )
    });
    Ok(AlarmWrite::Put(Box::new(PutAlarm {
        alarm_account: home,
        name,
        series,
        operator,
        threshold,
        evaluation_periods,
        datapoints_to_alarm: datapoints,
        missing,
        actions_enabled: true,
        alarm_actions,
        ok_actions,
        insufficient_data_actions: Vec::new(),
        unit: None,
        description: a.description.clone(),
        tags,
        edit: false,
    })))
}

/// delete: the alarm named exactly, in the account `--account` names (`resolve`), its name
/// typed back unless `--yes`.
async fn delete(
    source: &dyn FleetSource,
    gate: &Gate,
    identity: &Identity,
    args: NameArgs,
) -> Exit {
    let acct = match account(source, &args.account).await {
        Ok(a) => a,
        Err(e) => return e,
    };
    let (home, region) = match resolve(source, &acct, std::slice::from_ref(&args.name)).await {
        Ok(found) => found
            .into_iter()
            .map(|a| (a.account_id, a.region))
            .next()
            .unwrap_or_default(),
        Err(e) => return e,
    };
    let request = AlarmWrite::DeleteAlarms {
        account_id: home,
        ids: vec![args.name.clone()],
        region,
    }
    .into();
    let confirm = Confirm::TypeName(&args.name);
    match outcome_of_with(source, gate, identity, &request, args.yes, confirm).await {
        Ok(outcome) => report(identity, &request, outcome, args.json),
        Err(exit) => exit,
    }
}

/// The alarms `names` name exactly, each found in `wanted` (the account it lives in) or
/// among the alarms that watch `wanted`'s endpoints (as `alarm list --account` shows them);
/// which one it was is said on stderr when they differ. Two reads however many names.
pub(crate) async fn resolve(
    source: &dyn FleetSource,
    wanted: &Account,
    names: &[String],
) -> Result<Vec<Alarm>, Exit> {
    let here = source
        .alarms_in(&wanted.id)
        .await
        .map_err(|e| Exit::failed(e.to_string()))?;
    let mut all: Option<Vec<Alarm>> = None;
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        // The name as typed is the identifier: compared with AWS's own, never a cleaned copy.
        if let Some(a) = here.iter().find(|a| a.id == *name) {
            out.push(a.clone());
            continue;
        }
        if all.is_none() {
            all = Some(
                source
                    .alarms()
                    .await
                    .map_err(|e| Exit::failed(e.to_string()))?,
            );
        }
        let every = all.as_deref().unwrap_or_default();
        out.push(elsewhere(source, wanted, name, every).await?);
    }
    Ok(out)
}

/// The alarm `name` that watches an endpoint of `wanted` and lives in another account.
async fn elsewhere(
    source: &dyn FleetSource,
    wanted: &Account,
    name: &str,
    all: &[Alarm],
) -> Result<Alarm, Exit> {
    let named: Vec<&Alarm> = all.iter().filter(|a| a.id == name).collect();
    let watching: Vec<&&Alarm> = named
        .iter()
        .filter(|a| crate::app::query::watched_account(a) == wanted.id)
        .collect();
    match watching.as_slice() {
        [one] => {
            let home = one.account_id.clone();
            let home_label = account(source, &home)
                .await
                .map(|a| format!("{} ({})", a.id, clean(&a.label)))
                .unwrap_or_else(|_| home.clone());
            eprintln!(
                "sagewatch: {} watches an endpoint of {} ({}) and lives in {}: sending there",
                clean(name),
                wanted.id,
                clean(&wanted.label),
                home_label
            );
            Ok((**one).clone())
        }
        [] => {
            let elsewhere: Vec<String> = named.iter().map(|a| a.account_id.clone()).collect();
            let hint = if elsewhere.is_empty() {
                String::new()
            } else {
                format!(
                    "; an alarm of that name lives in {}: pass --account {}",
                    elsewhere.join(", "),
                    elsewhere[0]
                )
            };
            Err(Exit::usage(format!(
                "no alarm named {} in account {} ({}), nor watching its endpoints{}",
                clean(name),
                wanted.id,
                clean(&wanted.label),
                hint
            )))
        }
        several => Err(Exit::usage(format!(
            "{} alarms named {} watch endpoints of {} ({}): pass the account it lives in, one of {}",
            several.len(),
            clean(name),
            wanted.id,
            clean(&wanted.label),
            several
                .iter()
                .map(|a| a.account_id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

pub(crate) fn request_json(identity: &Identity, request: &Write) -> serde_json::Value {
    json!({
        "account": request.account_id(),
        "region": request.region_or(&identity.region),
        "operation": request.operation(),
        "parameters": request.parameters(),
    })
}

/// How a request is confirmed on a terminal: `y`, or (for what cannot be undone) the
/// resource's name typed back, as the console's danger dialog asks.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Confirm<'a> {
    Yes,
    TypeName(&'a str),
}

/// Asks on the terminal; without one, refuses (a runbook must say `--yes`).
fn confirmed(identity: &Identity, request: &Write, how: Confirm) -> Result<bool, Exit> {
    confirmed_all(identity, std::slice::from_ref(request), how)
}

/// Asks once for `requests` (of one operation), each shown whole; without a terminal,
/// refuses (a runbook must say `--yes`).
pub(crate) fn confirmed_all(
    identity: &Identity,
    requests: &[Write],
    how: Confirm,
) -> Result<bool, Exit> {
    if !std::io::stdin().is_terminal() {
        return Err(Exit::usage(
            "no terminal to confirm on: pass --yes to send without asking",
        ));
    }
    let Some(request) = requests.first() else {
        return Ok(false);
    };
    let mut err = std::io::stderr().lock();
    for r in requests {
        let _ = writeln!(err, "{}", inert_json_pretty(&request_json(identity, r)));
    }
    match how {
        Confirm::Yes if requests.len() > 1 => {
            let _ = write!(
                err,
                "send these {} {} requests now? [y/N] ",
                requests.len(),
                request.operation()
            );
        }
        Confirm::Yes => {
            let _ = write!(err, "send {} now? [y/N] ", request.operation());
        }
        Confirm::TypeName(name) => {
            let _ = write!(
                err,
                "{} cannot be undone: type the name ({}) to send it: ",
                request.operation(),
                clean(name)
            );
        }
    }
    let _ = err.flush();
    let mut answer = String::new();
    let _ = std::io::stdin().lock().read_line(&mut answer);
    let answer = answer.trim_end_matches(['\n', '\r']);
    Ok(match how {
        Confirm::Yes => matches!(answer.trim(), "y" | "Y" | "yes"),
        // As drawn, so a name holding a character the terminal cannot show can be typed.
        Confirm::TypeName(name) => crate::overlays::confirm::typed_matches(answer, &clean(name)),
    })
}

pub(crate) async fn send(
    source: &dyn FleetSource,
    gate: &Gate,
    identity: &Identity,
    request: Write,
    yes: bool,
    json_out: bool,
) -> Exit {
    match outcome_of(source, gate, identity, &request, yes).await {
        Ok(outcome) => report(identity, &request, outcome, json_out),
        Err(exit) => exit,
    }
}

/// Read-only refusal, confirmation, then the gate: what became of `request`, or why the
/// user was never asked (no terminal) or declined (`Err`: nothing was sent).
pub(crate) async fn outcome_of(
    source: &dyn FleetSource,
    gate: &Gate,
    identity: &Identity,
    request: &Write,
    yes: bool,
) -> Result<WriteOutcome, Exit> {
    outcome_of_with(source, gate, identity, request, yes, Confirm::Yes).await
}

/// `outcome_of`, confirmed the way `how` says.
pub(crate) async fn outcome_of_with(
    source: &dyn FleetSource,
    gate: &Gate,
    identity: &Identity,
    request: &Write,
    yes: bool,
    how: Confirm<'_>,
) -> Result<WriteOutcome, Exit> {
    // Read-only answers before any question is asked.
    if gate.readonly() {
        return Ok(WriteOutcome::Refused(Refusal::ReadOnly {
            operation: request.operation(),
        }));
    }
    if !yes {
        match confirmed(identity, request, how) {
            Ok(true) => {}
            // Nothing was sent: not an AWS failure (1), a request the user declined (2).
            Ok(false) => return Err(Exit::usage("not confirmed: nothing was sent")),
            Err(e) => return Err(e),
        }
    }
    Ok(gate.perform(source.writer(), request).await)
}

/// The exit code of a write's outcome.
pub(crate) fn code_of(outcome: &WriteOutcome) -> u8 {
    match outcome {
        WriteOutcome::Done(_) => DONE,
        WriteOutcome::Failed(_) => FAILED,
        WriteOutcome::Refused(Refusal::ReadOnly { .. }) => READ_ONLY,
        WriteOutcome::Refused(Refusal::Unsupported) => FAILED,
        WriteOutcome::Refused(_) => USAGE,
    }
}

pub(crate) fn report(
    identity: &Identity,
    request: &Write,
    outcome: WriteOutcome,
    json_out: bool,
) -> Exit {
    if json_out {
        println!(
            "{}",
            inert_json_pretty(&entry_json(identity, request, &outcome))
        );
    } else if let WriteOutcome::Done(r) = &outcome {
        let names: Vec<String> = request.names().iter().map(|n| clean(n)).collect();
        println!(
            "{} {} in {}: done{}",
            request.operation(),
            names.join(", "),
            clean(request.account_id()),
            r.request_id
                .as_deref()
                .map(|id| format!(" (request {})", clean(id)))
                .unwrap_or_default()
        );
    }
    exit_of(&outcome)
}

/// A write's `{request, outcome}`, as `--json` prints it.
pub(crate) fn entry_json(
    identity: &Identity,
    request: &Write,
    outcome: &WriteOutcome,
) -> serde_json::Value {
    json!({
        "request": request_json(identity, request),
        "outcome": outcome.to_json(),
    })
}

/// The exit of a write's outcome: its code, and what went wrong.
fn exit_of(outcome: &WriteOutcome) -> Exit {
    let message = match outcome {
        WriteOutcome::Done(_) => None,
        WriteOutcome::Failed(e) => Some(e.to_string()),
        WriteOutcome::Refused(r) => Some(r.to_string()),
    };
    Exit {
        code: code_of(outcome),
        message,
    }
}

/// A write that is one part of a larger answer (`monitor run --wait`'s cleanup, `monitor
/// cleanup`'s deletes): its `{request, outcome}` for that answer's JSON, the exit it makes,
/// and in text mode `report`'s line.
pub(crate) fn reported_within(
    identity: &Identity,
    request: &Write,
    outcome: WriteOutcome,
    json_out: bool,
) -> (serde_json::Value, Exit) {
    let entry = entry_json(identity, request, &outcome);
    let exit = if json_out {
        exit_of(&outcome)
    } else {
        report(identity, request, outcome, false)
    };
    (entry, exit)
}

async fn list(
    source: &dyn FleetSource,
    account_filter: Option<&str>,
    state: Option<&str>,
    json_out: bool,
    now: Epoch,
) -> Exit {
    let wanted_state = match state {
        None => None,
        Some("ALARM") => Some(AlarmState::Alarm),
        Some("OK") => Some(AlarmState::Ok),
        Some("INSUFFICIENT_DATA") => Some(AlarmState::InsufficientData),
        Some(other) => {
            return Exit::usage(format!(
                "--state: expected ALARM, OK or INSUFFICIENT_DATA, not {}",
                clean(other)
            ));
        }
    };
    let acct = match account_filter {
        Some(a) => match account(source, a).await {
            Ok(a) => Some(a),
            Err(e) => return e,
        },
        None => None,
    };
    let mut alarms = match source.alarms().await {
        Ok(a) => a,
        Err(e) => return Exit::failed(e.to_string()),
    };
    crate::sanitize::Sanitize::sanitize(&mut alarms);
    // The list is what was asked for: rules that cannot be read are said, not fatal.
    let mut unread = Vec::new();
    let rules = crate::snapshot::read_mute_rules(source, &mut unread).await;
    for e in &unread {
        eprintln!("sagewatch: mute rules not read, so no alarm shows one: {e}");
    }
    let mutes = crate::source::mute::Mutes::new(rules);
    let rows: Vec<crate::snapshot::AlarmRow> = alarms
        .iter()
        .map(|a| crate::snapshot::AlarmRow::muted(a, &mutes, now))
        // The same meaning as in mute, unmute and delete: the account the alarm lives in,
        // or the one whose endpoint it watches.
        .filter(|r| {
            acct.as_ref()
                .is_none_or(|a| r.account_id == a.id || r.alarm_account_id == a.id)
        })
        .filter(|r| wanted_state.is_none_or(|s| r.state == s))
        .collect();
    if json_out {
        match serde_json::to_value(&rows) {
            Ok(v) => println!("{}", inert_json_pretty(&v)),
            Err(e) => return Exit::failed(e.to_string()),
        }
    } else {
        let labels: Vec<Account> = source.accounts().await.unwrap_or_default();
        let named = |id: &str| match labels.iter().find(|a| a.id == id) {
            Some(a) => format!("{id} {}", clean(&a.label)),
            None => id.to_owned(),
        };
        let mut table = vec![[
            "STATE".to_owned(),
            "ACTIONS".to_owned(),
            "LIVES IN".to_owned(),
            "WATCHES".to_owned(),
            "NAME".to_owned(),
            "METRIC".to_owned(),
        ]];
        table.extend(rows.iter().map(|r| {
            [
                r.state.as_str().to_owned(),
                match (r.muted_until_at, r.muted_indefinitely) {
                    (_, true) => "muted".to_owned(),
                    (Some(until), false) => format!("muted {}", span(until - now)),
                    (None, false) => "on".to_owned(),
                },
                named(&r.alarm_account_id),
                named(&r.account_id),
                r.name.clone(),
                r.metric.clone().unwrap_or_else(|| "composite".to_owned()),
            ]
        }));
        print!("{}", aligned(&table));
    }
    Exit::done()
}

/// Rows as columns padded to their widest cell (by terminal width), two spaces apart; the
/// last column is not padded.
pub(crate) fn aligned<const N: usize>(rows: &[[String; N]]) -> String {
    use unicode_width::UnicodeWidthStr;
    let mut widths = [0usize; N];
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.width());
        }
    }
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if i + 1 < N {
                line.push_str(&" ".repeat(widths[i] - cell.width() + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
