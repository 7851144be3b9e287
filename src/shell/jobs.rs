//! `sagewatch jobs [--account A] [--since WHEN] [--json]`: the jobs view's list, printed
//! once: every processing job created since WHEN (default the last 24 hours, as the view)
//! in the accounts in scope, newest first, with its status, times, instance, schedule,
//! failure reason, and the peak CPU, memory and disk of its first host over its run within
//! the last 3 hours (the series the view's sparklines read; `-`/`null` for a job that ran
//! before them). The same calls and `update` as the view.
//!
//! Exit codes, as `studio`: 0 every account with credentials read (the ones without, under
//! OAM, are named on stderr: that is configuration), 1 the accounts could not be listed or a
//! call failed in some account (stderr says which and why; the rest is still printed), 2 bad
//! usage (an unknown account, a `--since` not in the past).

use super::{DONE, Exit, FAILED};
use crate::app::action::SeriesPurpose;
use crate::app::command::Command;
use crate::app::query::{coarse_duration, format_value};
use crate::app::state::State;
use crate::app::update::update;
use crate::app::worker::execute;
use crate::source::FleetSource;
use crate::source::jobs::{JOB_METRICS, ProcessingJob};
use crate::source::model::Epoch;
use crate::views::View;
use crate::views::jobs::calls::JobsCall;
use crate::views::jobs::{LIST_LIMIT, LIST_WINDOW, Row, in_scope, peak};
use std::io::Write as _;

/// What was asked: one account (id or label) or all, and since when.
#[derive(Debug, Clone)]
pub struct Ask<'a> {
    pub account: Option<&'a str>,
    pub since: Option<crate::trail::filter::When>,
}

/// Why an account's jobs or their series could not be read, and whether that is its
/// configuration (no credentials there) rather than a failure.
struct Unread {
    account_id: String,
    why: String,
    without_credentials: bool,
}

/// The accounts, then each account's jobs and their series, through the console's own
/// `update` as the jobs view reads them; the failed series reads' reasons.
pub async fn collect(
    source: &dyn FleetSource,
    mut state: State,
    ask: &Ask<'_>,
) -> Result<(State, Epoch, Vec<String>), Exit> {
    if source.jobs().is_none() {
        return Err(Exit::failed("this source does not list processing jobs"));
    }
    let now = state.now;
    let since = ask.since.map_or(now - LIST_WINDOW, |w| w.at(now));
    if since >= now {
        return Err(Exit::usage(
            "--since: expected a start in the past (6h, 2d, or a time like 2026-11-26T10:00:00Z)",
        ));
    }
    super::studio::read_accounts(source, &mut state)
        .await
        .map_err(|why| Exit::failed(super::clean(&why)))?;
    if let Some(wanted) = ask.account {
        state.scope = Some(super::named_account(&state.accounts, wanted)?.id);
    }
    // Whose SageMaker the console can read (the others are configuration, not failures),
    // and the view's own rules: its series are held only while it is the one shown.
    state.placement = source.placement();
    state.view = View::Jobs;
    let calls = in_scope(&state).into_iter().flat_map(|id| {
        [
            JobsCall::List {
                account_id: id.clone(),
                since,
                limit: LIST_LIMIT,
            },
            JobsCall::Metrics(id),
        ]
    });
    let answers = futures::future::join_all(calls.map(|c| execute(source, None, c.into()))).await;
    // The series of the jobs listed, as the view asks for them once both answers are in.
    let mut series = Vec::new();
    for action in answers {
        let out = update(&mut state, action);
        series.extend(out.commands.into_iter().filter(|c| {
            matches!(
                c,
                Command::LoadSeries {
                    purpose: SeriesPurpose::Jobs,
                    ..
                }
            )
        }));
    }
    let mut errors = Vec::new();
    for command in series {
        crate::snapshot::fetch(source, &mut state, &mut errors, command).await;
    }
    Ok((state, since, errors))
}

/// The jobs listed, in the view's order (newest first).
fn jobs(state: &State) -> Vec<&ProcessingJob> {
    let j = &state.views.jobs;
    j.rows
        .iter()
        .filter(|r| matches!(r, Row::Job { .. }))
        .filter_map(|r| j.job(r))
        .collect()
}

/// The accounts in scope whose jobs, or whose jobs' metrics, could not be read.
fn unread(state: &State) -> Vec<Unread> {
    let mut out = Vec::new();
    for id in in_scope(state) {
        let Some(a) = state.views.jobs.accounts.get(&id) else {
            continue;
        };
        let why = match (&a.error, &a.metrics_error) {
            (Some(e), _) => format!("jobs not read: {e}"),
            (None, Some(e)) => format!("CPU, memory, disk not read: {e}"),
            (None, None) if !a.answered => "no answer".to_owned(),
            (None, None) => continue,
        };
        out.push(Unread {
            without_credentials: !state.placement.can_act_in(&id),
            account_id: id,
            why,
        });
    }
    out
}

/// A job's peak of each drawn metric (`JOB_METRICS` order), `None` where nothing is held.
fn peaks(state: &State, job: &ProcessingJob) -> [Option<f32>; 3] {
    JOB_METRICS.map(|m| peak(state, job, m).filter(|v| v.is_finite()))
}

/// What `--json` prints: a stable interface (docs/shell.md names every field).
pub fn to_json(state: &State, since: Epoch) -> serde_json::Value {
    let rfc3339 = crate::snapshot::rfc3339;
    let jobs: Vec<serde_json::Value> = jobs(state)
        .into_iter()
        .map(|job| {
            let peak: serde_json::Map<String, serde_json::Value> = JOB_METRICS
                .iter()
                .zip(peaks(state, job))
                .map(|(m, v)| ((*m).to_owned(), v.map(crate::snapshot::tidy).into()))
                .collect();
            serde_json::json!({
                "account_id": job.account_id,
                "account_label": state.account_label(&job.account_id),
                "region": job.region,
                "name": job.name,
                "status": job.status.as_str(),
                "started": rfc3339(job.created),
                "ended": job.ended.map(rfc3339),
                "took_seconds": job.duration(state.now),
                "instance_type": job.instance_type,
                "instance_count": job.instance_count,
                "schedule": job.schedule,
                "failure_reason": job.failure_reason,
                "peak": peak,
            })
        })
        .collect();
    let unread = unread(state);
    let accounts: Vec<serde_json::Value> = in_scope(state)
        .into_iter()
        .map(|id| {
            let held = state.views.jobs.accounts.get(&id);
            let listed = held.filter(|a| a.answered && a.error.is_none());
            let mut entry = serde_json::json!({
                "account_id": id,
                "label": state.account_label(&id),
                "jobs": listed.map(|a| a.jobs.len()),
            });
            if let Some(u) = unread.iter().find(|u| u.account_id == id) {
                entry["unreadable"] = u.why.as_str().into();
            }
            entry
        })
        .collect();
    serde_json::json!({
        "generated_at": rfc3339(state.now),
        "since": rfc3339(since),
        "accounts": accounts,
        "jobs": jobs,
    })
}

/// A table for humans, then a line for each account that could not be read.
pub fn to_text(state: &State, since: Epoch) -> String {
    let mut rows: Vec<[String; 11]> = vec![
        [
            "ACCOUNT",
            "JOB",
            "STATUS",
            "STARTED",
            "TOOK",
            "INSTANCE",
            "SCHEDULE",
            "CPU",
            "MEM",
            "DISK",
            "FAILURE REASON",
        ]
        .map(str::to_owned),
    ];
    let listed = jobs(state);
    for job in &listed {
        let [cpu, mem, disk] = peaks(state, job).map(|v| v.map_or("-".to_owned(), format_value));
        let instance = match (&job.instance_type, job.instance_count) {
            (Some(t), Some(n)) if n > 1 => format!("{t}×{n}"),
            (Some(t), _) => t.clone(),
            (None, _) => "?".to_owned(),
        };
        rows.push([
            state.account_label(&job.account_id).to_owned(),
            job.name.clone(),
            job.status.as_str().to_owned(),
            crate::ui::text::day_hhmm(job.created),
            coarse_duration(job.duration(state.now)),
            instance,
            job.schedule.clone().unwrap_or_else(|| "-".to_owned()),
            cpu,
            mem,
            disk,
            job.failure_reason.clone().unwrap_or_default(),
        ]);
    }
    let mut out = super::aligned(&rows);
    out.push_str(&format!(
        "\n{} job(s) created since {} UTC; CPU (summed over cores), MEM, DISK: the first \
         host's peak % over its run within the last 3 h\n",
        listed.len(),
        crate::ui::text::day_hhmm(since),
    ));
    for id in in_scope(state) {
        let full = state
            .views
            .jobs
            .accounts
            .get(&id)
            .is_some_and(|a| a.jobs.len() >= LIST_LIMIT);
        if full {
            out.push_str(&format!(
                "{}: its newest {LIST_LIMIT} jobs only\n",
                state.account_label(&id)
            ));
        }
    }
    for u in unread(state) {
        out.push_str(&format!(
            "{}: {}\n",
            state.account_label(&u.account_id),
            u.why
        ));
    }
    out
}

/// Runs `sagewatch jobs`, printing to stdout; what went wrong goes in the exit's message.
pub async fn run(source: &dyn FleetSource, state: State, ask: Ask<'_>, json: bool) -> Exit {
    let (state, since, series_errors) = match collect(source, state, &ask).await {
        Ok(collected) => collected,
        Err(exit) => return exit,
    };
    let text = if json {
        crate::writes::audit::inert_json_pretty(&to_json(&state, since))
    } else {
        // Everything printed came through `Sanitize` on its way in; cleaned again here.
        to_text(&state, since)
            .lines()
            .map(|l| super::clean(l.trim_end()))
            .collect::<Vec<_>>()
            .join("\n")
    };
    // A reader that went away (`| head`) is not an error worth a panic.
    let _ = writeln!(std::io::stdout().lock(), "{text}");
    let (not_configured, failed): (Vec<Unread>, Vec<Unread>) = unread(&state)
        .into_iter()
        .partition(|u| u.without_credentials);
    let list = |accounts: &[Unread]| {
        accounts
            .iter()
            .map(|u| format!("{}: {}", state.account_label(&u.account_id), u.why))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let mut notes = Vec::new();
    if !not_configured.is_empty() {
        notes.push(format!(
            "no credentials for {} account(s): {}",
            not_configured.len(),
            list(&not_configured)
        ));
    }
    if !failed.is_empty() {
        notes.push(format!(
            "processing jobs could not be read in {} account(s): {}",
            failed.len(),
            list(&failed)
        ));
    }
    if let Some(first) = series_errors.first() {
        notes.push(format!(
            "CPU, memory and disk could not be read ({} call(s) failed): {first}",
            series_errors.len()
        ));
    }
    Exit {
        code: if failed.is_empty() && series_errors.is_empty() {
            DONE
        } else {
            FAILED
        },
        message: (!notes.is_empty()).then(|| super::clean(&notes.join("; "))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::demo::DemoSource;
    use crate::trail::filter::When;

    /// 10:00 UTC on the docs' day: the demo's pipeline has prepared data for two hours.
    const START: i64 = 1_795_687_200;

    fn demo() -> DemoSource {
        DemoSource::pinned(7, START, START)
    }

    fn fresh_state() -> State {
        crate::ui::fixture::console_with_defaults(crate::source::SourceKind::Demo, START, (80, 24))
    }

    fn all() -> Ask<'static> {
        Ask {
            account: None,
            since: None,
        }
    }

    async fn collected(ask: Ask<'_>) -> (State, Epoch) {
        let (state, since, errors) = collect(&demo(), fresh_state(), &ask)
            .await
            .expect("the demo lists its jobs");
        assert!(errors.is_empty(), "{errors:?}");
        (state, since)
    }

    #[tokio::test]
    async fn the_demo_s_jobs_are_the_view_s_with_peaks_from_its_series() {
        let (state, since) = collected(all()).await;
        assert_eq!(since, START - LIST_WINDOW);
        let json = to_json(&state, since);
        let jobs = json["jobs"].as_array().unwrap();
        assert!(jobs.len() > 10, "{}", jobs.len());
        // Exactly the source's jobs of the last day, every account.
        let mut expected = 0;
        for a in &state.accounts {
            expected += demo()
                .jobs()
                .unwrap()
                .processing_jobs(&a.id, since, LIST_LIMIT)
                .await
                .unwrap()
                .len();
        }
        assert_eq!(jobs.len(), expected);
        // Newest first.
        let started: Vec<&str> = jobs
            .iter()
            .map(|j| j["started"].as_str().unwrap())
            .collect();
        assert!(started.windows(2).all(|w| w[0] >= w[1]), "{started:?}");
        // A failed Model Monitor run has its reason; a pipeline step none.
        let failed = jobs
            .iter()
            .find(|j| j["status"] == "Failed")
            .expect("a failed run");
        assert!(
            failed["failure_reason"]
                .as_str()
                .is_some_and(|r| !r.is_empty())
        );
        assert!(jobs.iter().any(|j| j["schedule"].is_null()));
        assert!(jobs.iter().any(|j| j["schedule"].is_string()));
        // The running data preparation has peaks, read from the series the view draws.
        let prep = jobs
            .iter()
            .find(|j| {
                j["name"].as_str().unwrap().ends_with("PrepareTrainingData")
                    && j["status"] == "InProgress"
            })
            .expect("the pipeline's data preparation runs");
        assert_eq!(prep["ended"], serde_json::Value::Null);
        assert_eq!(prep["instance_count"], 2);
        for m in JOB_METRICS {
            let v = prep["peak"][m].as_f64();
            assert!(v.is_some_and(|v| v > 0.0), "{m}: {prep}");
        }
        let view_job = state
            .views
            .jobs
            .accounts
            .values()
            .flat_map(|a| &a.jobs)
            .find(|j| Some(j.name.as_str()) == prep["name"].as_str())
            .unwrap();
        let view_peak = peak(&state, view_job, "CPUUtilization").unwrap();
        assert_eq!(
            prep["peak"]["CPUUtilization"].as_f64(),
            Some(crate::snapshot::tidy(view_peak))
        );
        // A job older than the series' 3 hours has no peak, not 0.
        let old = jobs
            .iter()
            .find(|j| j["started"].as_str().unwrap() < "2026-11-26T06:00:00Z")
            .expect("a job of the early morning");
        assert!(old["peak"]["CPUUtilization"].is_null(), "{old}");

        let text = to_text(&state, since);
        let header = text.lines().next().unwrap();
        assert!(header.starts_with("ACCOUNT"), "{header}");
        assert!(header.contains("FAILURE REASON"), "{header}");
        assert!(text.contains("PrepareTrainingData"), "{text}");
        assert!(text.contains("ml.m5.4xlarge×2"), "{text}");
        assert!(
            text.contains(&format!("{} job(s) created since", jobs.len())),
            "{text}"
        );
    }

    #[tokio::test]
    async fn one_account_by_label_and_a_shorter_window() {
        let (state, since) = collected(Ask {
            account: Some("prod"),
            since: Some(When::Ago(3 * 3600)),
        })
        .await;
        assert_eq!(since, START - 3 * 3600);
        let json = to_json(&state, since);
        let jobs = json["jobs"].as_array().unwrap();
        assert!(!jobs.is_empty());
        assert!(jobs.iter().all(|j| j["account_label"] == "prod"), "{json}");
        // Created since, or still running from before (the one most worth a look).
        assert!(
            jobs.iter()
                .all(|j| j["started"].as_str().unwrap() >= "2026-11-26T07:00:00Z"
                    || j["status"] == "InProgress"),
            "{json}"
        );
        assert_eq!(json["accounts"].as_array().unwrap().len(), 1);
        assert_eq!(json["since"], "2026-11-26T07:00:00Z");
    }

    #[tokio::test]
    async fn an_unknown_account_or_a_start_to_come_is_bad_usage() {
        let exit = run(
            &demo(),
            fresh_state(),
            Ask {
                account: Some("nope"),
                since: None,
            },
            true,
        )
        .await;
        assert_eq!(exit.code, super::super::USAGE);
        let msg = exit.message.unwrap();
        assert!(
            msg.contains("unknown account nope: expected one of"),
            "{msg}"
        );
        let exit = run(
            &demo(),
            fresh_state(),
            Ask {
                account: None,
                since: Some(When::At(START + 60)),
            },
            true,
        )
        .await;
        assert_eq!(exit.code, super::super::USAGE);
        assert!(exit.message.unwrap().contains("--since"));
    }

    #[tokio::test]
    async fn hostile_names_and_reasons_are_printed_inert() {
        let (mut state, since) = collected(all()).await;
        let evil = ProcessingJob {
            account_id: "111111111111".into(),
            name: "job\u{1b}]52;c;cm0gLXJmIH4=\u{7}".into(),
            status: crate::source::jobs::JobStatus::parse("Failed"),
            created: START - 60,
            ended: Some(START - 30),
            failure_reason: Some("bad\u{1b}[2J\r\nforged line".into()),
            instance_type: Some("ml.m5\u{9b}31m".into()),
            instance_count: Some(1),
            schedule: Some("s\u{7}".into()),
            region: Default::default(),
        };
        let answer = crate::views::jobs::calls::JobsLoaded::List {
            account_id: "111111111111".into(),
            result: Ok(vec![evil]),
        };
        update(&mut state, crate::app::action::Action::from(answer));
        let text = to_text(&state, since);
        assert!(text.contains("forged line"), "{text}");
        let json = crate::writes::audit::inert_json_pretty(&to_json(&state, since));
        for out in [&text, &json] {
            let bad: Vec<char> = out
                .chars()
                .filter(|c| *c != '\n' && crate::sanitize::needs_replacing(*c))
                .collect();
            assert!(bad.is_empty(), "{bad:?} in {out}");
        }
    }

    #[tokio::test]
    async fn every_account_read_is_exit_0() {
        let exit = run(&demo(), fresh_state(), all(), true).await;
        assert_eq!(exit.code, DONE, "{:?}", exit.message);
        assert_eq!(exit.message, None);
    }
}
