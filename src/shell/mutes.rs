//! `sagewatch alarm mute|unmute|mutes`: mutes that end by themselves (a one-time mute rule
//! from now), or indefinitely (actions off); unmuting whatever mutes an alarm; and the list
//! of rules. The requests are `mute::plan`'s, as the console's `M` and `u` build them, and
//! each passes the gate like every other write.

use super::{Exit, account, aligned, clean, entry_json, exit_of, outcome_of, report, resolve};
use crate::cli::{AlarmsArgs, MuteArgs};
use crate::snapshot::{MuteRuleRow, rfc3339};
use crate::source::FleetSource;
use crate::source::alarm_write::AlarmWrite;
use crate::source::model::{Alarm, Epoch, Identity};
use crate::source::mute::length::MuteLength;
use crate::source::mute::plan::{self, AlarmRef};
use crate::source::mute::when::{clock_time, span};
use crate::source::mute::{MuteRule, MuteState};
use crate::source::write::Write;
use crate::writes::audit::inert_json_pretty;
use crate::writes::{Gate, WriteOutcome};

const HOW_LONG: &str = "how long to mute: --for 2h (30m, 1h30m, 2d: a mute rule that ends by \
     itself), --until 18:00 (UTC; \"Monday 09:00\", \"2026-12-24 18:00\") or --indefinitely \
     (actions off until someone unmutes: DisableAlarmActions)";

/// The length `args` ask for, each flag parsed as the `M` form parses what is typed.
fn length(args: &MuteArgs, now: Epoch) -> Result<MuteLength, Exit> {
    match (&args.for_, &args.until, args.indefinitely) {
        (Some(text), None, false) => match MuteLength::parse(text, now) {
            Ok(l @ MuteLength::For(_)) => Ok(l),
            Ok(_) => Err(Exit::usage(format!(
                "--for: a span such as 30m, 2h or 2d, not {:?}",
                clean(text)
            ))),
            Err(e) => Err(Exit::usage(format!("--for: {e}"))),
        },
        (None, Some(text), false) => MuteLength::parse(&format!("until {text}"), now)
            .map_err(|e| Exit::usage(format!("--until: {e}"))),
        (None, None, true) => Ok(MuteLength::Indefinitely),
        _ => Err(Exit::usage(format!("say {HOW_LONG}"))),
    }
}

/// The alarms `args` name, each in the account it lives in (`resolve`).
async fn named(source: &dyn FleetSource, args: &AlarmsArgs) -> Result<Vec<Alarm>, Exit> {
    let acct = account(source, &args.account).await?;
    resolve(source, &acct, &args.names).await
}

pub(crate) async fn mute(
    source: &dyn FleetSource,
    gate: &Gate,
    identity: &Identity,
    args: MuteArgs,
    now: Epoch,
) -> Exit {
    // Cheap checks first: a typo costs no AWS call.
    let length = match length(&args, now) {
        Ok(l) => l,
        Err(e) => return e,
    };
    let alarms = match named(source, &args.alarms).await {
        Ok(a) => a,
        Err(e) => return e,
    };
    let refs: Vec<AlarmRef> = alarms.into_iter().map(|a| (a.account_id, a.id)).collect();
    let writes = plan::mute(&refs, length, &args.reason, now);
    for w in &writes {
        if let AlarmWrite::PutMuteRule(p) = w
            && let Err(e) = p.validate()
        {
            return Exit::usage(e);
        }
    }
    let end = length.end(now);
    let sent = writes.into_iter().map(|w| (Write::from(w), None)).collect();
    let flags = (args.alarms.yes, args.alarms.json);
    send_each(source, gate, identity, sent, flags, end).await
}

/// Each request through the gate in turn, confirmed (or `--yes`) one by one: their
/// `{request, outcome}` (an array when there are several) with `--json`, else a line each.
/// A note goes with a request whose rule goes on muting other alarms.
async fn send_each(
    source: &dyn FleetSource,
    gate: &Gate,
    identity: &Identity,
    requests: Vec<(Write, Option<String>)>,
    (yes, json_out): (bool, bool),
    end: Option<Epoch>,
) -> Exit {
    let single = requests.len() == 1;
    let mut entries = Vec::new();
    let mut exit = Exit::done();
    for (request, note) in requests {
        if let Some(note) = &note
            && (!yes || !json_out)
        {
            eprintln!("sagewatch: {note}");
        }
        let outcome = match outcome_of(source, gate, identity, &request, yes).await {
            Ok(o) => o,
            Err(declined) => {
                exit = worse(exit, declined);
                break;
            }
        };
        let done = matches!(outcome, WriteOutcome::Done(_));
        if json_out {
            let mut entry = entry_json(identity, &request, &outcome);
            if let Some(note) = note {
                entry["note"] = serde_json::Value::String(note);
            }
            entries.push(entry);
            exit = worse(exit, exit_of(&outcome));
            continue;
        }
        let muted: Vec<String> = match &request {
            Write::Alarm(AlarmWrite::PutMuteRule(p)) => {
                p.targets.iter().map(|t| clean(t)).collect()
            }
            _ => Vec::new(),
        };
        exit = worse(exit, report(identity, &request, outcome, false));
        if let (true, Some(end), false) = (done, end, muted.is_empty()) {
            println!("  mutes {} until {}", muted.join(", "), rfc3339(end));
        }
    }
    if json_out && !entries.is_empty() {
        let value = if single {
            entries.remove(0)
        } else {
            serde_json::Value::Array(entries)
        };
        println!("{}", inert_json_pretty(&value));
    }
    exit
}

/// The exit that says more: read-only over usage over failure over done; the first
/// message of its code.
fn worse(a: Exit, b: Exit) -> Exit {
    if b.code > a.code { b } else { a }
}

pub(crate) async fn unmute(
    source: &dyn FleetSource,
    gate: &Gate,
    identity: &Identity,
    args: AlarmsArgs,
    now: Epoch,
) -> Exit {
    let alarms = match named(source, &args).await {
        Ok(a) => a,
        Err(e) => return e,
    };
    // Rules that cannot be read cannot be ended: actions are still turned on, and the exit
    // says the alarm may still be muted.
    let mut unread = Vec::new();
    let rules = crate::snapshot::read_mute_rules(source, &mut unread).await;
    let refs: Vec<AlarmRef> = alarms
        .iter()
        .map(|a| (a.account_id.clone(), a.id.clone()))
        .collect();
    let off: Vec<AlarmRef> = alarms
        .iter()
        .filter(|a| !a.actions_enabled)
        .map(|a| (a.account_id.clone(), a.id.clone()))
        .collect();
    let live: Vec<&MuteRule> = rules
        .iter()
        .filter(|r| !matches!(r.state_at(now), MuteState::Expired))
        .collect();
    for (account_id, id) in &refs {
        let by_rule = live
            .iter()
            .any(|r| r.account_id == *account_id && r.mutes(id));
        if unread.is_empty() && !by_rule && !off.contains(&(account_id.clone(), id.clone())) {
            eprintln!(
                "sagewatch: {} in {account_id} is not muted: nothing to send for it",
                clean(id)
            );
        }
    }
    let plan = plan::unmute(&refs, &off, &rules, now);
    let requests = plan
        .into_iter()
        .map(|u| {
            let note = (!u.keeps_muting.is_empty()).then(|| {
                let write = &u.write;
                let rule = write.alarm_ids().first().map(|n| clean(n)).unwrap_or_default();
                let others: Vec<String> = u.keeps_muting.iter().map(|t| clean(t)).collect();
                format!(
                    "the rule {rule} goes on muting {} other alarm{}: {} ({} keeps it without the alarms unmuted)",
                    others.len(),
                    if others.len() == 1 { "" } else { "s" },
                    others.join(", "),
                    write.operation()
                )
            });
            (Write::from(u.write), note)
        })
        .collect();
    let flags = (args.yes, args.json);
    let exit = send_each(source, gate, identity, requests, flags, None).await;
    match unread.first() {
        Some(e) if exit.code == super::DONE => Exit::failed(format!(
            "mute rules could not be read, so none was ended: {e}"
        )),
        _ => exit,
    }
}

/// `alarm mutes`: every rule, active first, then scheduled, then expired.
pub(crate) async fn list(
    source: &dyn FleetSource,
    account_filter: Option<&str>,
    json_out: bool,
    now: Epoch,
) -> Exit {
    let Some(mutes) = source.mutes() else {
        return Exit::failed("this source does not read alarm mute rules");
    };
    let acct = match account_filter {
        Some(a) => match account(source, a).await {
            Ok(a) => Some(a),
            Err(e) => return e,
        },
        None => None,
    };
    let mut rules = match mutes.mute_rules().await {
        Ok(r) => r,
        Err(e) => return Exit::failed(e.to_string()),
    };
    if let Some(acct) = &acct {
        // As in `alarm list`: the rule's account, or alarms that watch its endpoints.
        let watching: Vec<AlarmRef> = match source.alarms().await {
            Ok(all) => all
                .iter()
                .filter(|a| crate::app::query::watched_account(a) == acct.id)
                .map(|a| (a.account_id.clone(), a.id.clone()))
                .collect(),
            Err(e) => return Exit::failed(e.to_string()),
        };
        rules.retain(|r| {
            r.account_id == acct.id
                || r.targets
                    .iter()
                    .any(|t| watching.contains(&(r.account_id.clone(), t.clone())))
        });
    }
    let rank = |r: &MuteRule| match r.state_at(now) {
        MuteState::Active { .. } => 0,
        MuteState::Scheduled { .. } => 1,
        MuteState::Expired => 2,
    };
    rules.sort_by_key(rank);
    let rows: Vec<MuteRuleRow> = rules.iter().map(|r| MuteRuleRow::of(r, now)).collect();
    if json_out {
        match serde_json::to_value(&rows) {
            Ok(v) => println!("{}", inert_json_pretty(&v)),
            Err(e) => return Exit::failed(e.to_string()),
        }
        return Exit::done();
    }
    let mut table = vec![
        [
            "STATE",
            "ACCOUNT",
            "NAME",
            "SCHEDULE",
            "UNTIL/NEXT",
            "LEFT",
            "TARGETS",
        ]
        .map(str::to_owned),
    ];
    table.extend(rules.iter().zip(&rows).map(|(r, row)| {
        let (when, left) = match r.state_at(now) {
            MuteState::Active { until } if until != Epoch::MAX => {
                (clock_time(until, now), span(until - now))
            }
            MuteState::Scheduled { next: Some(at) } => {
                (format!("at {}", clock_time(at, now)), "-".into())
            }
            _ => ("-".into(), "-".into()),
        };
        [
            row.state.to_owned(),
            row.account_id.clone(),
            row.name.clone(),
            r.schedule_words(),
            when,
            left,
            row.targets.join(", "),
        ]
    }));
    print!("{}", aligned(&table));
    Exit::done()
}
