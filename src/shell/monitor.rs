//! `sagewatch monitor ...`: the monitor pane for runbooks. `list` and `violations` read;
//! `run`, `pause` and `resume` go through the same requests, gate and confirmation rule as
//! the console (and `alarm`). `run --wait` follows the run, says how it ended in its exit
//! code (0 Completed, 4 CompletedWithViolations, 1 Failed or Stopped), and deletes its
//! one-time schedule; `cleanup` deletes those that runs now left.

use super::{DONE, Exit, FAILED, clean, send};
use crate::cli::{CleanupArgs, MonitorCommand, MonitorRunArgs, MonitorTarget, ScheduleArgs};
use crate::snapshot::rfc3339;
use crate::source::model::{EndpointKey, ExecutionStatus, Identity, InRegion, MonitoringSchedule};
use crate::source::monitor::write::run_now_name;
use crate::source::monitor::{Execution, Leftover, MonitorSource, MonitorWrite, RunNow, RunWindow};
use crate::source::write::Write;
use crate::source::{FleetSource, SourceError};
use crate::writes::Gate;
use crate::writes::audit::inert_json_pretty;
use serde_json::{Value, json};

/// `run --wait`: the run ended with violations.
pub const VIOLATIONS: u8 = 4;

pub async fn run(source: &dyn FleetSource, gate: &Gate, command: MonitorCommand) -> Exit {
    let identity = match source.identity().await {
        Ok(i) => i,
        Err(e) => return Exit::failed(e.to_string()),
    };
    let Some(monitor) = source.monitor() else {
        return Exit::failed("this source has no Model Monitor");
    };
    match command {
        MonitorCommand::List(t) => list(source, monitor, &t).await,
        MonitorCommand::Violations { target, run } => {
            violations(source, monitor, &target, run.as_deref().unwrap_or("latest")).await
        }
        MonitorCommand::Run(args) => run_now(source, monitor, gate, &identity, &args).await,
        MonitorCommand::Pause(args) => pause_or_resume(source, gate, &identity, args, true).await,
        MonitorCommand::Resume(args) => pause_or_resume(source, gate, &identity, args, false).await,
        MonitorCommand::Cleanup(args) => cleanup(source, monitor, gate, &identity, &args).await,
    }
}

/// The endpoint named, in the account named (id or label), as the fleet lists it.
async fn endpoint(source: &dyn FleetSource, t: &MonitorTarget) -> Result<EndpointKey, Exit> {
    let acct = super::account(source, &t.account).await?;
    let endpoints = source
        .endpoints()
        .await
        .map_err(|e| Exit::failed(e.to_string()))?;
    endpoints
        .iter()
        .find(|e| e.account_id == acct.id && e.name == t.endpoint)
        .map(crate::source::model::Endpoint::key)
        .ok_or_else(|| {
            Exit::usage(format!(
                "no endpoint {} in account {} ({})",
                clean(&t.endpoint),
                acct.id,
                clean(&acct.label)
            ))
        })
}

fn failed(e: &SourceError) -> Exit {
    Exit::failed(e.to_string())
}

fn schedule_json(s: &MonitoringSchedule) -> Value {
    json!({
        "name": s.name,
        "type": s.monitoring_type,
        "status": s.status.as_str(),
        "schedule_expression": s.schedule_expression,
        "job_definition": s.job_definition,
        "failure_reason": s.failure_reason,
        "last_run": s.last_execution.as_ref().map(|r| json!({
            "status": r.status.as_str(),
            "scheduled_at": rfc3339(r.scheduled_time),
            "failure_reason": r.failure_reason,
        })),
    })
}

fn run_json(r: &Execution) -> Value {
    json!({
        "schedule": r.schedule,
        "scheduled_at": rfc3339(r.scheduled_time),
        "status": r.status.as_str(),
        "duration_secs": r.created.zip(r.modified).map(|(c, m)| (m - c).max(0)),
        "failure_reason": r.failure_reason,
        "processing_job_arn": r.processing_job_arn,
    })
}

fn print_json(v: &Value) {
    println!("{}", inert_json_pretty(v));
}

async fn list(source: &dyn FleetSource, monitor: &dyn MonitorSource, t: &MonitorTarget) -> Exit {
    let key = match endpoint(source, t).await {
        Ok(k) => k,
        Err(e) => return e,
    };
    let mut schedules = match source.monitoring_schedules(&key).await {
        Ok(s) => s,
        Err(e) => return failed(&e),
    };
    let mut page = match monitor.executions(&key, None, None).await {
        Ok(p) => p,
        Err(e) => return failed(&e),
    };
    crate::sanitize::Sanitize::sanitize(&mut schedules);
    crate::sanitize::Sanitize::sanitize(&mut page);
    if t.json {
        print_json(&json!({
            "account_id": key.account_id,
            "endpoint": key.name,
            "schedules": schedules.iter().map(schedule_json).collect::<Vec<_>>(),
            "runs": page.executions.iter().map(run_json).collect::<Vec<_>>(),
        }));
        return Exit::done();
    }
    print!("{}", list_text(&key.name, &schedules, &page.executions));
    Exit::done()
}

/// `monitor list` as text: the endpoint's schedules, a blank line, its runs newest first.
/// The endpoint's name is the one the user typed, matched exactly: cleaned like the rest.
fn list_text(endpoint: &str, schedules: &[MonitoringSchedule], runs: &[Execution]) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    if schedules.is_empty() {
        let _ = writeln!(out, "{} has no Model Monitor schedule", clean(endpoint));
    }
    for s in schedules {
        let last = s
            .last_execution
            .as_ref()
            .map_or("no run yet".to_owned(), |r| {
                format!("{} {}", r.status.as_str(), rfc3339(r.scheduled_time))
            });
        let _ = writeln!(
            out,
            "{:<44} {:<19} {:<9} {:<18} {}",
            s.name,
            s.monitoring_type,
            s.status.as_str(),
            s.schedule_expression.as_deref().unwrap_or("-"),
            last
        );
    }
    out.push('\n');
    for r in runs {
        let _ = writeln!(
            out,
            "{}  {:<44} {:<23} {}",
            rfc3339(r.scheduled_time),
            r.schedule,
            r.status.as_str(),
            r.failure_reason.as_deref().unwrap_or("")
        );
    }
    out
}

/// The run `which` names: `latest` (the newest finished), a schedule's newest finished, or
/// the processing job (name or ARN) that ran it.
async fn find_run(
    monitor: &dyn MonitorSource,
    key: &EndpointKey,
    which: &str,
) -> Result<Execution, Exit> {
    let mut page = None;
    // A run worth reading is recent: ten pages are 250 runs (days of hourly schedules).
    for _ in 0..10 {
        let p = monitor
            .executions(key, None, page.as_deref())
            .await
            .map_err(|e| failed(&e))?;
        let found = p.executions.into_iter().find(|r| {
            let job = r.processing_job_arn.as_deref().unwrap_or("");
            let by_name = which == "latest" || r.schedule == which;
            // Only a completed run has a report (a failed one wrote none).
            (by_name && r.status.is_completed())
                || (!job.is_empty() && (job == which || job.ends_with(&format!("/{which}"))))
        });
        if let Some(r) = found {
            return Ok(r);
        }
        match p.next {
            Some(next) => page = Some(next),
            None => break,
        }
    }
    Err(Exit::usage(format!(
        "no completed run {} of endpoint {} in its newest 250: expected latest, a schedule name \
         or a processing job",
        clean(which),
        clean(&key.name)
    )))
}

async fn violations(
    source: &dyn FleetSource,
    monitor: &dyn MonitorSource,
    t: &MonitorTarget,
    which: &str,
) -> Exit {
    let key = match endpoint(source, t).await {
        Ok(k) => k,
        Err(e) => return e,
    };
    let mut run = match find_run(monitor, &key, which).await {
        Ok(r) => r,
        Err(e) => return e,
    };
    let report = monitor.violations(&run).await;
    let schedule = source
        .monitoring_schedules(&key)
        .await
        .ok()
        .and_then(|all| all.into_iter().find(|s| s.name == run.schedule));
    let baseline = match &schedule {
        Some(s) => monitor.baseline(s).await.ok().flatten(),
        None => None,
    };
    crate::sanitize::Sanitize::sanitize(&mut run);
    let mut report = match report {
        Ok(r) => r,
        Err(e) => return failed(&e),
    };
    crate::sanitize::Sanitize::sanitize(&mut report);
    if let Some(b) = &baseline {
        crate::source::monitor::report::with_baseline(&mut report.violations, b);
    }
    if t.json {
        print_json(&json!({
            "run": run_json(&run),
            "report": report.uri,
            "cut_at_bytes": report.cut_at,
            "violations": report.violations.iter().map(|v| json!({
                "subject": v.subject,
                "check": v.check,
                "observed": v.observed,
                "threshold": v.threshold,
                "description": v.description,
            })).collect::<Vec<_>>(),
        }));
        return Exit::done();
    }
    println!(
        "run {} {} {}",
        run.schedule,
        rfc3339(run.scheduled_time),
        run.status.as_str()
    );
    println!("report {}", report.uri);
    if let Some(total) = report.cut_at {
        println!(
            "the report is {total} bytes: only the first {} were read",
            crate::source::monitor::REPORT_CAP
        );
    }
    if report.violations.is_empty() {
        println!("no violations");
    }
    let num = |v: Option<f64>| v.map_or("-".to_owned(), |v| format!("{v:.4}"));
    for v in &report.violations {
        println!(
            "{:<24} {:<22} {:>9} {:>9}  {}",
            v.subject,
            v.check,
            num(v.observed),
            num(v.threshold),
            v.description
        );
    }
    Exit::done()
}

/// The schedule a run copies: the one named, else the endpoint's first recurring schedule
/// with a job definition.
fn pick_schedule(
    schedules: &[MonitoringSchedule],
    wanted: Option<&str>,
    endpoint: &str,
) -> Result<MonitoringSchedule, Exit> {
    let recurring = |s: &&MonitoringSchedule| s.schedule_expression.as_deref() != Some("NOW");
    let found = match wanted {
        Some(name) => schedules.iter().find(|s| s.name == name),
        None => schedules
            .iter()
            .filter(recurring)
            .find(|s| s.job_definition.is_some()),
    };
    let s = found.ok_or_else(|| {
        let names: Vec<String> = schedules.iter().map(|s| clean(&s.name)).collect();
        Exit::usage(match wanted {
            Some(name) => format!(
                "no schedule {} on endpoint {}: expected one of {}",
                clean(name),
                clean(endpoint),
                names.join(", ")
            ),
            None => format!(
                "endpoint {} has no schedule with a job definition to run",
                clean(endpoint)
            ),
        })
    })?;
    if s.job_definition.is_none() {
        return Err(Exit::usage(format!(
            "{} uses the older inline job definition: SageMaker can run only a named job \
             definition now",
            clean(&s.name)
        )));
    }
    Ok(s.clone())
}

async fn run_now(
    source: &dyn FleetSource,
    monitor: &dyn MonitorSource,
    gate: &Gate,
    identity: &Identity,
    args: &MonitorRunArgs,
) -> Exit {
    let window = match RunWindow::parse(&args.window) {
        Ok(w) => w,
        Err(e) => return Exit::usage(format!("--window: {e}")),
    };
    let key = match endpoint(source, &args.target).await {
        Ok(k) => k,
        Err(e) => return e,
    };
    if !source.placement().can_act_in(&key.account_id) {
        return Exit::usage(crate::source::monitor::no_role_message(&key.account_id));
    }
    let schedules = match source.monitoring_schedules(&key).await {
        Ok(s) => s,
        Err(e) => return failed(&e),
    };
    let from = match pick_schedule(&schedules, args.schedule.as_deref(), &key.name) {
        Ok(s) => s,
        Err(e) => return e,
    };
    let Some(job_definition) = from.job_definition.clone() else {
        return Exit::usage("the schedule has no job definition");
    };
    let now = chrono::Utc::now().timestamp();
    let write = MonitorWrite::RunNow(Box::new(RunNow {
        account_id: key.account_id.clone(),
        endpoint: key.name.clone(),
        name: run_now_name(&from.name, now),
        from_schedule: from.name.clone(),
        job_definition,
        monitoring_type: from.monitoring_type.clone(),
        window,
        region: key.region.clone(),
    }));
    if let Err(e) = write.validate() {
        return Exit::usage(e);
    }
    let name = write.schedule().to_owned();
    let write: crate::source::write::Write = write.into();
    if !args.wait {
        let exit = send(source, gate, identity, write, args.yes, args.target.json).await;
        if exit.code == DONE {
            eprintln!(
                "the one-time schedule {name} stays after its run: `sagewatch monitor cleanup \
                 --account {}` deletes it once the run has ended (--wait deletes it itself)",
                key.account_id
            );
        }
        return exit;
    }
    if !args.yes && !gate.readonly() {
        eprintln!(
            "with --wait, the one-time schedule is deleted (DeleteMonitoringSchedule) once its \
             run has ended"
        );
    }
    // With --wait, one answer at the end (one JSON object with --json), unless the request
    // never went out or failed.
    let outcome = match super::outcome_of(source, gate, identity, &write, args.yes).await {
        Ok(o) => o,
        Err(exit) => return exit,
    };
    if !outcome.is_done() {
        return super::report(identity, &write, outcome, args.target.json);
    }
    let request_id = match &outcome {
        crate::writes::WriteOutcome::Done(r) => r
            .request_id
            .as_deref()
            .map(|id| format!(" (request {})", clean(id)))
            .unwrap_or_default(),
        _ => String::new(),
    };
    if args.target.json {
        // A script interrupted while waiting still learns what was created.
        eprintln!(
            "{} {name} in {}: done{request_id}",
            write.operation(),
            key.account_id
        );
    } else {
        println!(
            "{} {name} in {}: done{request_id}",
            write.operation(),
            key.account_id
        );
    }
    let timeout = std::time::Duration::from_secs(u64::from(args.timeout) * 60);
    let ended = wait(source, &key, &name, timeout).await;
    let request = json!({
        "request": super::request_json(identity, &write),
        "outcome": outcome.to_json(),
    });
    let cleanup = Cleanup {
        source,
        gate,
        identity,
        delete: MonitorWrite::Delete {
            account_id: key.account_id.clone(),
            schedule: name,
            region: key.region.clone(),
        }
        .into(),
    };
    report_end(monitor, ended, request, cleanup, args.target.json).await
}

/// The delete of a `--wait` run's one-time schedule, announced with the run: sent once the
/// run has ended and its report was read.
struct Cleanup<'a> {
    source: &'a dyn FleetSource,
    gate: &'a Gate,
    identity: &'a Identity,
    delete: Write,
}

impl Cleanup<'_> {
    /// Sends the delete; says a failure on stderr with how to delete it later.
    async fn send(self, json_out: bool) -> Value {
        let outcome = self.gate.perform(self.source.writer(), &self.delete).await;
        let (entry, exit) = super::reported_within(self.identity, &self.delete, outcome, json_out);
        if let Some(why) = exit.message {
            let name = clean(self.delete.names().first().copied().unwrap_or_default());
            let account = self.delete.account_id();
            eprintln!(
                "the one-time schedule {name} was not deleted ({why}): `sagewatch monitor \
                 cleanup --account {account}` deletes it later"
            );
        }
        entry
    }
}

/// How waiting for a run ended.
enum Waited {
    Ended(Execution, i64),
    ScheduleFailed(String),
    GaveUp(String),
}

/// Follows the run of one-time schedule `name` until it ends, its schedule fails, or it is
/// given up on (no run listed after 15 minutes, 10 failed polls in a row, `timeout`).
async fn wait(
    source: &dyn FleetSource,
    key: &EndpointKey,
    name: &str,
    timeout: std::time::Duration,
) -> Waited {
    use crate::views::monitor::calls::{Poll, poll_once};
    use crate::views::monitor::follow::{ERRORS_GIVE_UP_SECS, NO_RUN_GIVE_UP_SECS, poll_interval};
    let started = std::time::Instant::now();
    let mut last: Option<ExecutionStatus> = None;
    let mut last_answer = std::time::Instant::now();
    loop {
        let elapsed = started.elapsed().as_secs() as i64;
        match poll_once(source, key, name).await {
            Ok(Poll::Run(run)) => {
                let mut run = *run;
                last_answer = std::time::Instant::now();
                crate::sanitize::Sanitize::sanitize(&mut run);
                if last != Some(run.status) {
                    eprintln!(
                        "{}:{:02} {}",
                        elapsed / 60,
                        elapsed % 60,
                        run.status.as_str()
                    );
                    last = Some(run.status);
                }
                if run.status.is_finished() {
                    return Waited::Ended(run, elapsed);
                }
            }
            Ok(Poll::ScheduleFailed(reason)) => return Waited::ScheduleFailed(reason),
            // Only while no run was ever seen: an empty listing after one was is a blip.
            Ok(Poll::NotYet) if last.is_none() && elapsed > NO_RUN_GIVE_UP_SECS => {
                return Waited::GaveUp(format!(
                    "no run of {name} listed after {} minutes",
                    NO_RUN_GIVE_UP_SECS / 60
                ));
            }
            Ok(Poll::NotYet) => last_answer = std::time::Instant::now(),
            // A blip while waiting is said and retried; a call that keeps failing ends it.
            Err(e) => {
                eprintln!("{}", clean(&e.to_string()));
                if last_answer.elapsed().as_secs() as i64 > ERRORS_GIVE_UP_SECS {
                    return Waited::GaveUp(format!(
                        "polls failed for {} minutes: {e}",
                        ERRORS_GIVE_UP_SECS / 60
                    ));
                }
            }
        }
        if started.elapsed() >= timeout {
            return Waited::GaveUp(format!(
                "still running after --timeout {} minutes",
                timeout.as_secs() / 60
            ));
        }
        let pause = poll_interval(elapsed);
        tokio::time::sleep(std::time::Duration::from_secs(pause as u64)).await;
    }
}

async fn report_end(
    monitor: &dyn MonitorSource,
    waited: Waited,
    mut request: Value,
    cleanup: Cleanup<'_>,
    json_out: bool,
) -> Exit {
    let (run, took) = match waited {
        Waited::Ended(run, took) => (run, took),
        // A schedule that failed has no run to wait for: it goes too.
        Waited::ScheduleFailed(reason) => {
            let message = format!("the one-time schedule failed: {}", clean(&reason));
            request["cleanup"] = cleanup.send(json_out).await;
            if json_out {
                request["run"] = Value::Null;
                request["error"] = json!(message);
                print_json(&request);
            }
            return Exit::failed(message);
        }
        // The run may still be going: its schedule stays for `monitor cleanup`.
        Waited::GaveUp(reason) => {
            let message = format!(
                "{}; the one-time schedule stays (sagewatch monitor list shows its runs; \
                 sagewatch monitor cleanup deletes it once its run has ended)",
                clean(&reason)
            );
            if json_out {
                request["run"] = Value::Null;
                request["error"] = json!(message);
                request["cleanup"] = Value::Null;
                print_json(&request);
            }
            return Exit::failed(message);
        }
    };
    let violations = if run.status == ExecutionStatus::CompletedWithViolations {
        monitor.violations(&run).await.ok().map(|mut r| {
            crate::sanitize::Sanitize::sanitize(&mut r);
            r.violations
        })
    } else {
        None
    };
    let code = match run.status {
        ExecutionStatus::Completed => DONE,
        ExecutionStatus::CompletedWithViolations => VIOLATIONS,
        _ => FAILED,
    };
    if !json_out {
        println!(
            "run {} {} after {}:{:02}",
            run.schedule,
            run.status.as_str(),
            took / 60,
            took % 60
        );
    }
    // The report has been read: the one-time schedule has done its work.
    request["cleanup"] = cleanup.send(json_out).await;
    if json_out {
        request["run"] = run_json(&run);
        request["violations"] = json!(violations.as_ref().map(|vs| vs
            .iter()
            .map(|x| json!({"subject": x.subject, "check": x.check, "observed": x.observed, "threshold": x.threshold}))
            .collect::<Vec<_>>()));
        print_json(&request);
    } else {
        for v in violations.iter().flatten() {
            println!(
                "  {} {} observed {} threshold {}",
                v.subject,
                v.check,
                v.observed.map_or("-".into(), |x| format!("{x:.4}")),
                v.threshold.map_or("-".into(), |x| format!("{x:.4}"))
            );
        }
    }
    Exit {
        code,
        message: run.failure_reason.clone(),
    }
}

async fn pause_or_resume(
    source: &dyn FleetSource,
    gate: &Gate,
    identity: &Identity,
    args: ScheduleArgs,
    pause: bool,
) -> Exit {
    let acct = match super::account(source, &args.account).await {
        Ok(a) => a,
        Err(e) => return e,
    };
    let mut write = if pause {
        MonitorWrite::Pause {
            account_id: acct.id.clone(),
            schedule: args.schedule.clone(),
            region: Default::default(),
        }
    } else {
        MonitorWrite::Resume {
            account_id: acct.id.clone(),
            schedule: args.schedule.clone(),
            region: Default::default(),
        }
    };
    if let Err(e) = write.validate() {
        return Exit::usage(e);
    }
    if !source.placement().can_act_in(&acct.id) {
        return Exit::usage(crate::source::monitor::no_role_message(&acct.id));
    }
    // An unknown schedule is a typo (2), not an AWS failure (1): said before anything is
    // sent, from one DescribeMonitoringSchedule in that account.
    // It also says the schedule's region, which the request is sent to.
    if let Some(monitor) = source.monitor() {
        match monitor.schedule(&acct.id, &args.schedule).await {
            Ok(Some(found)) => write.set_region(&found.region),
            Ok(None) => {
                return Exit::usage(format!(
                    "no monitoring schedule {} in account {} ({})",
                    clean(&args.schedule),
                    acct.id,
                    clean(&acct.label)
                ));
            }
            Err(e) => return failed(&e),
        }
    }
    send(source, gate, identity, write.into(), args.yes, args.json).await
}

/// `monitor cleanup`: the one-time schedules runs now left whose runs have ended, deleted
/// after one confirmation for all; running ones are named and left. Exit 0 when every
/// delete was done (or none was needed), 1 when one failed, 3 in read-only.
async fn cleanup(
    source: &dyn FleetSource,
    monitor: &dyn MonitorSource,
    gate: &Gate,
    identity: &Identity,
    args: &CleanupArgs,
) -> Exit {
    let account = match &args.account {
        Some(a) => match super::account(source, a).await {
            Ok(a) => Some(a.id),
            Err(e) => return e,
        },
        None => None,
    };
    let mut left = match monitor.leftovers().await {
        Ok(l) => l,
        Err(e) => return failed(&e),
    };
    crate::sanitize::Sanitize::sanitize(&mut left);
    left.retain(|l| account.as_ref().is_none_or(|a| *a == l.account_id));
    let (ended, running): (Vec<_>, Vec<_>) = left.into_iter().partition(|l| l.ended);
    let running_json: Vec<Value> = running.iter().map(leftover_json).collect();
    if !args.json {
        for l in &running {
            println!(
                "left: {} in {} (its run is {})",
                l.schedule,
                l.account_id,
                l.run.map_or("not listed yet", ExecutionStatus::as_str)
            );
        }
    }
    let deletes: Vec<Write> = ended
        .iter()
        .map(|l| {
            MonitorWrite::Delete {
                account_id: l.account_id.clone(),
                schedule: l.schedule.clone(),
                region: l.region.clone(),
            }
            .into()
        })
        .collect();
    if deletes.is_empty() {
        if args.json {
            print_json(&json!({ "deleted": [], "left": running_json }));
        } else {
            println!("no one-time schedule left by a run now has ended: nothing to delete");
        }
        return Exit {
            code: DONE,
            message: None,
        };
    }
    if !args.yes && !gate.readonly() {
        match super::confirmed_all(identity, &deletes, super::Confirm::Yes) {
            Ok(true) => {}
            Ok(false) => return Exit::usage("not confirmed: nothing was sent"),
            Err(e) => return e,
        }
    }
    let mut done = Vec::new();
    let (mut worst, mut first_error) = (DONE, None);
    for delete in &deletes {
        // The gate refuses in read-only before anything is recorded or sent.
        let outcome = gate.perform(source.writer(), delete).await;
        let (entry, exit) = super::reported_within(identity, delete, outcome, args.json);
        if let Some(why) = exit.message {
            let name = clean(delete.names().first().copied().unwrap_or_default());
            first_error.get_or_insert(format!("{name} was not deleted: {why}"));
        }
        worst = worst.max(exit.code);
        done.push(entry);
    }
    if args.json {
        print_json(&json!({ "deleted": done, "left": running_json }));
    }
    Exit {
        code: worst,
        message: first_error,
    }
}

fn leftover_json(l: &Leftover) -> Value {
    json!({
        "account": l.account_id,
        "endpoint": l.endpoint,
        "schedule": l.schedule,
        "created": l.created.map(rfc3339),
        "run": l.run.map(ExecutionStatus::as_str),
        "ended": l.ended,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_endpoint_without_schedules_is_named_without_its_control_characters() {
        let text = list_text("fraud\u{1b}]0;pwned\u{7}\u{200b}", &[], &[]);
        assert!(text.contains("has no Model Monitor schedule"), "{text}");
        assert!(
            !text
                .chars()
                .any(|c| c != '\n' && crate::sanitize::needs_replacing(c)),
            "{text:?}"
        );
    }
}
