//! `sagewatch snapshot [--json]`: the fleet and its alarms, printed once, for scripts and
//! status lines. It drives the same `update` as the console, without a terminal.

use crate::app::action::Action;
use crate::app::command::Command;
use crate::app::query;
use crate::app::query::watched_account;
use crate::app::refresh;
use crate::app::state::State;
use crate::app::update::update;
use crate::app::worker::{execute, execute_parts};
use crate::source::FleetSource;
use crate::source::metrics::METRICS;
use crate::source::model::{AlarmState, Endpoint, Epoch};
use crate::source::monitor::ScheduleRun;
use crate::source::mute::{MuteRule, MuteState, MuteStatus, Muted, Mutes};
use crate::views::studio::calls::StudioCall;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Serialize)]
pub struct Snapshot {
    pub generated_at: String,
    pub mode: &'static str,
    pub monitoring_account: AccountRef,
    pub accounts: Vec<AccountRow>,
    pub endpoints: Vec<EndpointRow>,
    pub alarms: Vec<AlarmRow>,
    /// SageMaker Studio per account (`AccountStudio::snapshot`); empty when the source
    /// does not read Studio.
    pub studio: Vec<serde_json::Value>,
    /// Every alarm mute rule, its state computed at `generated_at`; read for `--json` only.
    pub mute_rules: Vec<MuteRuleRow>,
    /// What could not be fetched: the rest of the snapshot is partial where these say so.
    pub errors: Vec<String>,
    /// What this snapshot asked CloudWatch for (GetMetricData bills per metric requested).
    pub usage: Usage,
}

#[derive(Debug, Serialize)]
pub struct Usage {
    pub get_metric_data_calls: u32,
    pub metrics_requested: u64,
    /// Attempts AWS throttled in the last five minutes, by the account whose calls it
    /// limited (only accounts throttled).
    pub throttled_last_5m: std::collections::BTreeMap<String, u32>,
    /// The same by region, then account, when several regions are read.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub throttled_last_5m_by_region: BTreeMap<String, BTreeMap<String, u32>>,
}

#[derive(Debug, Serialize)]
pub struct AccountRef {
    pub id: String,
    pub label: String,
}

#[derive(Debug, Serialize)]
pub struct AccountRow {
    pub id: String,
    pub label: String,
    pub endpoints: usize,
    pub alarms_in_alarm: usize,
}

#[derive(Debug, Serialize)]
pub struct EndpointRow {
    pub account_id: String,
    pub account_label: String,
    pub region: crate::source::model::Region,
    pub name: String,
    pub status: &'static str,
    pub stale: bool,
    /// Newest value per CloudWatch metric name, combined across variants (worst variant for
    /// utilisation and quality, sum for traffic). Metrics with no data are absent.
    pub latest: BTreeMap<&'static str, f64>,
    /// Metrics GetMetricData did not answer in full, with its status code (`Forbidden`,
    /// `PartialData`, `InternalError`); absent when every series was complete.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub series_status: BTreeMap<&'static str, &'static str>,
    /// Its Model Monitor schedules and their last completed runs.
    pub monitoring: Vec<MonitoringRow>,
}

#[derive(Debug, Serialize)]
pub struct MonitoringRow {
    pub schedule: String,
    #[serde(rename = "type")]
    pub monitoring_type: String,
    pub status: &'static str,
    pub last_run: Option<LastRunRow>,
}

#[derive(Debug, Serialize)]
pub struct LastRunRow {
    pub status: &'static str,
    pub scheduled_at: String,
    /// `null` when its report could not be read.
    pub violations: Option<usize>,
}

#[derive(Debug, Serialize)]
pub struct AlarmRow {
    /// The account whose endpoint the alarm watches.
    pub account_id: String,
    /// The account the alarm itself lives in (the monitoring account for cross-account alarms).
    pub alarm_account_id: String,
    /// The region it lives in (its metric's).
    pub region: crate::source::model::Region,
    pub name: String,
    pub state: AlarmState,
    pub reason: String,
    pub since: String,
    pub metric: Option<String>,
    pub endpoint: Option<String>,
    pub threshold: Option<f64>,
    pub actions_enabled: bool,
    /// Until when an active mute rule mutes it (`null`: none does, or its actions are off).
    pub muted_until: Option<String>,
    /// The same instant, for text.
    #[serde(skip)]
    pub muted_until_at: Option<Epoch>,
    /// That rule's name.
    pub muted_by_rule: Option<String>,
    /// Its actions are off (DisableAlarmActions) until someone unmutes it.
    pub muted_indefinitely: bool,
}

impl AlarmRow {
    /// An alarm as scripts see it (its strings already sanitised on the way in), muted as
    /// `mutes` says at `now`.
    pub fn muted(a: &crate::source::model::Alarm, mutes: &Mutes, now: Epoch) -> Self {
        let mut row = Self::of(a);
        if let Some(Muted::Until { until, rule }) = mutes.of(a, now) {
            // A rule active by CloudWatch's word whose schedule cannot be read: no end known.
            let known = Some(until).filter(|&t| t != Epoch::MAX);
            row.muted_until = known.map(rfc3339);
            row.muted_until_at = known;
            row.muted_by_rule = Some(crate::sanitize::clean(&rule.name).into_owned());
        }
        row
    }

    /// An alarm as scripts see it, without its mute rules.
    pub fn of(a: &crate::source::model::Alarm) -> Self {
        AlarmRow {
            account_id: watched_account(a).to_owned(),
            alarm_account_id: a.account_id.clone(),
            region: a.region.clone(),
            name: a.name.clone(),
            state: a.state,
            reason: a.reason.clone(),
            since: rfc3339(a.state_since),
            metric: a.metric_name().map(str::to_owned),
            endpoint: a.endpoint.as_ref().map(|e| e.name.clone()),
            threshold: a.threshold().map(|t| t.1),
            actions_enabled: a.actions_enabled,
            muted_until: None,
            muted_until_at: None,
            muted_by_rule: None,
            muted_indefinitely: !a.actions_enabled,
        }
    }
}

/// A mute rule as scripts see it (`alarm mutes --json`, the snapshot's `mute_rules`): its
/// state computed at `now`, every string cleaned.
#[derive(Debug, Serialize)]
pub struct MuteRuleRow {
    pub account_id: String,
    pub region: String,
    pub name: String,
    pub description: String,
    /// ACTIVE, SCHEDULED or EXPIRED, as its schedule says at `now`.
    pub state: &'static str,
    pub targets: Vec<String>,
    pub expression: String,
    pub duration: String,
    pub timezone: Option<String>,
    pub start: Option<String>,
    pub expire: Option<String>,
    pub active_until: Option<String>,
    pub next_activation: Option<String>,
}

impl MuteRuleRow {
    pub fn of(r: &MuteRule, now: Epoch) -> Self {
        let clean = |s: &str| crate::sanitize::clean(s).into_owned();
        let state = r.state_at(now);
        let (active_until, next_activation) = match state {
            MuteState::Active { until } => (Some(until), None),
            MuteState::Scheduled { next } => (None, next),
            MuteState::Expired => (None, None),
        };
        Self {
            account_id: clean(&r.account_id),
            region: r.region.to_string(),
            name: clean(&r.name),
            description: clean(&r.description),
            state: MuteStatus::from(state).as_str(),
            targets: r.targets.iter().map(|t| clean(t)).collect(),
            expression: clean(&r.expression),
            duration: clean(&r.duration),
            timezone: r.timezone.as_deref().map(clean),
            start: r.start.map(rfc3339),
            expire: r.expire.map(rfc3339),
            // `Epoch::MAX`: no end known (a rule whose schedule cannot be read).
            active_until: active_until.filter(|&t| t != Epoch::MAX).map(rfc3339),
            next_activation: next_activation.map(rfc3339),
        }
    }
}

/// Every mute rule, when the source reads them (none when it does not); a failed read is
/// one more error, and the alarms are then said unmuted by rules.
pub async fn read_mute_rules(source: &dyn FleetSource, errors: &mut Vec<String>) -> Vec<MuteRule> {
    let Some(mutes) = source.mutes() else {
        return Vec::new();
    };
    match mutes.mute_rules().await {
        Ok(rules) => rules,
        Err(e) => {
            errors.push(crate::sanitize::clean(&e.to_string()).into_owned());
            Vec::new()
        }
    }
}

/// GetMetricData's own spelling of a status code.
fn status_name(s: crate::source::model::SeriesStatus) -> &'static str {
    use crate::source::model::SeriesStatus::*;
    match s {
        Complete => "Complete",
        PartialData => "PartialData",
        Forbidden => "Forbidden",
        InternalError => "InternalError",
    }
}

/// `2026-11-29T10:00:00Z`, as the JSON interfaces print times.
pub fn rfc3339(t: Epoch) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

/// f32 storage widens to f64 with binary noise (0.91 -> 0.9100000262): print what was stored.
pub fn tidy(v: f32) -> f64 {
    format!("{v}").parse().unwrap_or(f64::from(v))
}

/// Runs one command and feeds its result to `update`, remembering a failure.
pub async fn fetch(
    source: &dyn FleetSource,
    state: &mut State,
    errors: &mut Vec<String>,
    command: Command,
) {
    // Each part lands as it comes: the fleet's series are read in hundreds of parts, and
    // holding every answer until the last would double the snapshot's peak.
    execute_parts(source, None, command, |action, _| {
        apply(state, errors, [action])
    })
    .await;
}

/// What one command answers, part by part, not yet applied: so that reads which do not
/// depend on each other can be in flight together and still land in a fixed order.
async fn answers(source: &dyn FleetSource, command: Command) -> Vec<Action> {
    let mut out = Vec::new();
    execute_parts(source, None, command, |action, _| out.push(action)).await;
    out
}

/// Feeds answers to `update` in order, remembering each failure.
fn apply(state: &mut State, errors: &mut Vec<String>, answers: impl IntoIterator<Item = Action>) {
    for action in answers {
        if let Action::Loaded(loaded) = &action
            && let Some(err) = loaded.error()
        {
            errors.push(crate::sanitize::clean(&err.to_string()).into_owned());
        }
        update(state, action);
    }
}

/// Fetches everything once through `update`; returns the resulting state and what failed.
/// `json`: also read every account's Studio (the JSON's `studio` entries) and the mute rules
/// (its `muted_*` fields); the text shows neither, so it does not pay for them. Studio's
/// failures are in its entries, never in the errors: a status line must not turn red for a
/// view it does not show.
///
/// Once the fleet is listed, the reads that do not wait for each other are in flight
/// together (alarms, the schedules' runs, Studio, mute rules; the series wait for the runs,
/// which say when a quality point is due), and land in the order they are listed here, so
/// the state and the errors do not depend on which answered first. A slow account or
/// service then costs its own latency once, not on top of every other read's.
pub async fn collect(
    source: &dyn FleetSource,
    mut state: State,
    json: bool,
) -> anyhow::Result<(State, Vec<String>)> {
    let mut errors = Vec::new();
    // A snapshot reports every endpoint's values, however large the fleet: no ranking
    // stands in for a series (`State::ranks_fleet`).
    state.metrics_insights_above = 0;
    state.reads_once = true;
    for command in [Command::LoadIdentity, Command::LoadFleet] {
        fetch(source, &mut state, &mut errors, command).await;
    }
    if state.freshness.fleet_ok_at.is_none() {
        let why = state
            .freshness
            .last_error
            .map(|(_, e)| e)
            .unwrap_or_else(|| "no answer".into());
        anyhow::bail!("could not list the fleet: {why}");
    }
    let studio_reads = studio_calls(source, &state, json);
    let (_, studio, rules) = futures::join!(
        fleet_data(source, &mut state, &mut errors),
        futures::future::join_all(studio_reads),
        async {
            let mut unread = Vec::new();
            let rules = if json {
                read_mute_rules(source, &mut unread).await
            } else {
                Vec::new()
            };
            (rules, unread)
        },
    );
    let (rules, unread) = rules;
    errors.extend(unread);
    let health = source.health();
    // Calls that failed for one account while others answered (fan-out, access denied):
    // the snapshot is partial and must say so (once: a failed rule read is among them).
    for problem in &health.problems {
        let text = crate::sanitize::clean(&problem.to_string()).into_owned();
        if !errors.contains(&text) {
            errors.push(text);
        }
    }
    update(
        &mut state,
        Action::Loaded(Box::new(crate::app::action::Loaded::Health(health))),
    );
    for action in studio {
        update(&mut state, action);
    }
    state.mutes = Mutes::new(rules);
    Ok((state, errors))
}

/// The alarms and the schedules' runs (in flight together), then every metric's series.
async fn fleet_data(source: &dyn FleetSource, state: &mut State, errors: &mut Vec<String>) {
    let (alarms, runs) = futures::join!(
        answers(source, Command::LoadAlarms),
        answers(source, Command::LoadFleetRuns)
    );
    apply(state, errors, alarms);
    apply(state, errors, runs);
    // A snapshot reports every metric, not only the console's sparkline columns.
    state.fleet_metrics = METRICS.iter().map(|m| m.id).collect();
    for hourly in [false, true] {
        for (purpose, request) in refresh::fleet_requests(state, hourly) {
            // Grown before the answers arrive, not while a part of them is held: the
            // 500-endpoint snapshot's peak was both tables beside a part's points.
            state.store.reserve(request.keys.len());
            let command = Command::LoadSeries {
                purpose,
                request,
                replace: false,
            };
            fetch(source, state, errors, command).await;
        }
    }
}

/// Every account's Studio read (none without a Studio source, or when not `wanted`): each
/// answer goes through `update` like the console's. An account that cannot be read says why
/// in its own entry: under OAM without a role that is the configuration, not a failure of
/// this run.
fn studio_calls<'s>(
    source: &'s dyn FleetSource,
    state: &State,
    wanted: bool,
) -> Vec<impl std::future::Future<Output = Action> + 's> {
    let accounts: Vec<_> = if wanted && source.studio().is_some() {
        state.accounts.iter().map(|a| a.id.clone()).collect()
    } else {
        Vec::new()
    };
    let call = move |id| execute(source, None, StudioCall::Account(id).into());
    accounts.into_iter().map(call).collect()
}

/// Reads every account's Studio at once, through `update`.
pub async fn read_studio(source: &dyn FleetSource, state: &mut State) {
    let reads = studio_calls(source, state, true);
    for action in futures::future::join_all(reads).await {
        update(state, action);
    }
}

/// The `studio` entries, in the accounts' order: what each account last answered.
pub fn studio_entries(state: &State) -> Vec<serde_json::Value> {
    state
        .accounts
        .iter()
        .filter_map(|a| crate::views::studio::reported(state, &a.id))
        .map(|s| s.snapshot())
        .collect()
}

/// What the store holds of one endpoint: its newest values, the series not answered in
/// full, and whether it is stale.
struct EndpointRead {
    latest: BTreeMap<&'static str, f64>,
    series_status: BTreeMap<&'static str, &'static str>,
    stale: bool,
}

/// Each metric's keys are built once (through `scratch`, which interns nothing anew) and
/// read for its value, its status and the endpoint's newest point.
fn endpoint_read(state: &State, e: &Endpoint, scratch: &mut query::KeyScratch) -> EndpointRead {
    let mut read = EndpointRead {
        latest: BTreeMap::new(),
        series_status: BTreeMap::new(),
        stale: false,
    };
    let mut newest_point = None;
    for m in METRICS.iter() {
        let keys = scratch.keys(e, m.id);
        if let Some((ts, v)) = query::metric_latest_of(&state.store, keys, m.id) {
            if query::SHOWS_LIVENESS.contains(&m.id) {
                newest_point = newest_point.max(Some(ts));
            }
            if !v.is_nan() {
                read.latest.insert(m.name, tidy(v));
            }
        }
        if let Some(status) = query::worst_status(&state.store, keys) {
            read.series_status.insert(m.name, status_name(status));
        }
    }
    read.stale = query::liveness(e, newest_point, state.now).is_stale();
    read
}

/// The snapshot of what `state` holds, each alarm muted as the mute rules read say and the
/// rules listed.
pub fn build(state: &State, errors: Vec<String>) -> Snapshot {
    let monitoring = state.accounts.iter().find(|a| a.monitoring);
    let accounts = state
        .accounts
        .iter()
        .filter(|a| !a.monitoring)
        .map(|a| AccountRow {
            id: a.id.clone(),
            label: a.label.clone(),
            endpoints: state
                .endpoints
                .iter()
                .filter(|e| e.account_id == a.id)
                .count(),
            alarms_in_alarm: state
                .alarm_index
                .in_alarm_by_account
                .get(&a.id)
                .copied()
                .unwrap_or(0),
        })
        .collect();
    // Each endpoint's schedules, in the order they were read: one pass, not one per
    // endpoint (10,000 endpoints by 10,000 schedules was a sixth of the snapshot's time).
    let mut scratch = query::KeyScratch::default();
    let mut runs_of: HashMap<(&str, &str, &str), Vec<&ScheduleRun>> = HashMap::new();
    for r in &state.fleet_runs {
        let key = (
            r.account_id.as_str(),
            r.region.as_str(),
            r.endpoint.as_str(),
        );
        runs_of.entry(key).or_default().push(r);
    }
    let endpoints = state
        .views
        .fleet
        .rows
        .iter()
        .filter_map(|&i| state.endpoints.get(i))
        .map(|e| {
            let read = endpoint_read(state, e, &mut scratch);
            EndpointRow {
                account_id: e.account_id.clone(),
                account_label: state.account_label(&e.account_id).to_owned(),
                region: e.region.clone(),
                name: e.name.clone(),
                status: e.status.as_str(),
                stale: read.stale,
                latest: read.latest,
                series_status: read.series_status,
                monitoring: (runs_of.get(&(&*e.account_id, &*e.region, &*e.name)))
                    .into_iter()
                    .flatten()
                    .map(|r| MonitoringRow {
                        schedule: r.schedule.clone(),
                        monitoring_type: r.monitoring_type.clone(),
                        status: r.status.as_str(),
                        last_run: r.last_run.as_ref().map(|l| LastRunRow {
                            status: l.status.as_str(),
                            scheduled_at: rfc3339(l.scheduled_at),
                            violations: l.violations,
                        }),
                    })
                    .collect(),
            }
        })
        .collect();
    let mutes = &state.mutes;
    let alarms = state
        .views
        .alarms
        .rows
        .iter()
        .filter_map(|&i| state.alarms.get(i))
        .map(|a| AlarmRow::muted(a, mutes, state.now))
        .collect();
    Snapshot {
        generated_at: rfc3339(state.now),
        mode: state.source_kind.as_str(),
        monitoring_account: AccountRef {
            id: monitoring.map(|a| a.id.clone()).unwrap_or_default(),
            label: monitoring.map(|a| a.label.clone()).unwrap_or_default(),
        },
        accounts,
        endpoints,
        alarms,
        studio: studio_entries(state),
        mute_rules: mutes
            .rules()
            .iter()
            .map(|r| MuteRuleRow::of(r, state.now))
            .collect(),
        errors,
        usage: Usage {
            get_metric_data_calls: state.source_health.metric_data_calls_last_hour,
            metrics_requested: state.source_health.metrics_requested_last_hour,
            throttled_last_5m: state
                .source_health
                .throttled_by_account
                .iter()
                .cloned()
                .collect(),
            throttled_last_5m_by_region: (state.source_health.throttled_by_region.iter())
                .map(|(region, by)| (region.clone(), by.iter().cloned().collect()))
                .collect(),
        },
    }
}

fn pad(s: &str, w: usize) -> String {
    let n = s.chars().count();
    if n >= w {
        s.chars().take(w).collect()
    } else {
        format!("{s}{}", " ".repeat(w - n))
    }
}

/// A plain-text rendering for humans.
pub fn to_text(s: &Snapshot) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "sagewatch snapshot {} ({}), monitoring account {} {}",
        s.generated_at, s.mode, s.monitoring_account.label, s.monitoring_account.id
    );
    let _ = writeln!(out, "\nACCOUNTS");
    for a in &s.accounts {
        let _ = writeln!(
            out,
            "  {} {}  {:>4} endpoints  {:>3} in ALARM",
            pad(&a.label, 12),
            a.id,
            a.endpoints,
            a.alarms_in_alarm
        );
    }
    let _ = writeln!(out, "\nENDPOINTS");
    let cols = [
        "accuracy",
        "auc",
        "f2",
        "CPUUtilization",
        "MemoryUtilization",
        "DiskUtilization",
    ];
    // A REGION column only when the endpoints run in several, as on screen.
    let several =
        (s.endpoints.iter()).any(|e| s.endpoints.first().is_some_and(|f| f.region != e.region));
    let region = |r: &str| {
        if several {
            format!("{} ", pad(r, 14))
        } else {
            String::new()
        }
    };
    let _ = writeln!(
        out,
        "  {} {}{} {} ACC     AUC     F2      CPU     MEM     DISK    VIOL",
        pad("ACCOUNT", 12),
        region("REGION"),
        pad("ENDPOINT", 28),
        pad("STATUS", 14),
    );
    for e in &s.endpoints {
        let values: Vec<String> = cols
            .iter()
            .map(|c| {
                pad(
                    &e.latest
                        .get(c)
                        .map_or("-".into(), |v| query::format_value(*v as f32)),
                    7,
                )
            })
            .collect();
        let status = if e.stale {
            format!("{} STALE", e.status)
        } else {
            e.status.to_string()
        };
        // Violations in the last completed run of each schedule; `-` when none was read.
        let violations = e
            .monitoring
            .iter()
            .filter_map(|m| m.last_run.as_ref()?.violations)
            .reduce(|a, b| a + b)
            .map_or("-".to_owned(), |n| n.to_string());
        let _ = writeln!(
            out,
            "  {} {}{} {} {} {}",
            pad(&e.account_label, 12),
            region(&e.region),
            pad(&e.name, 28),
            pad(&status, 14),
            values.join(" "),
            violations
        );
    }
    for e in &s.errors {
        let _ = writeln!(out, "\nERROR {e}");
    }
    let _ = writeln!(out, "\nALARMS");
    for a in &s.alarms {
        let _ = writeln!(
            out,
            "  {} {} {} since {}  {}",
            pad(a.state.as_str(), 17),
            pad(&a.name, 40),
            pad(a.metric.as_deref().unwrap_or("composite"), 20),
            a.since,
            a.reason
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{keymap::Keymap, theme::Theme};
    use crate::source::SourceKind;
    use crate::source::unruly::Unruly;
    use std::sync::Arc;

    fn state() -> State {
        State::new(
            SourceKind::Demo,
            1_795_687_200 + 300,
            Theme::default(),
            Arc::new(Keymap::default()),
        )
    }

    fn run(source: &Unruly) -> (State, Vec<String>) {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(collect(source, state(), true))
            .unwrap()
    }

    /// The alarms and the mute rules answer only once both are asked for: read one after
    /// the other, neither would ever come (the timeout is for that hang, not a speed).
    #[test]
    fn reads_that_do_not_wait_for_each_other_are_in_flight_together() {
        let source = Unruly {
            rendezvous: Some(Arc::new(tokio::sync::Barrier::new(2))),
            ..Unruly::demo()
        };
        let read = async {
            let wait = std::time::Duration::from_secs(120);
            tokio::time::timeout(wait, collect(&source, state(), true)).await
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let (state, errors) = runtime
            .block_on(read)
            .expect("the alarms and the mute rules were read one after the other")
            .unwrap();
        assert!(errors.is_empty(), "{errors:?}");
        assert!(!state.alarms.is_empty());
        assert!(
            !state.mutes.rules().is_empty(),
            "the demo's mute rules were read"
        );
    }

    #[test]
    fn every_metric_is_reported_with_cloudwatch_names() {
        let (state, errors) = run(&Unruly::demo());
        assert!(errors.is_empty(), "{errors:?}");
        let snap = build(&state, errors);
        let fraud = snap
            .endpoints
            .iter()
            .find(|e| e.name == "fraud-detector")
            .unwrap();
        for m in &METRICS {
            assert!(fraud.latest.contains_key(m.name), "{} missing", m.name);
        }
        let json = serde_json::to_value(&snap).unwrap();
        assert_eq!(json["mode"], "demo");
        assert!(json["alarms"][0]["state"] == "ALARM", "ALARM first");
        let creating = snap
            .endpoints
            .iter()
            .find(|e| e.status == "Creating")
            .unwrap();
        assert!(
            !creating.stale,
            "a Creating endpoint is silent for a reason"
        );
    }

    fn rule(name: &str, targets: &[&str], expression: &str) -> MuteRule {
        MuteRule {
            account_id: "111".into(),
            id: name.into(),
            name: name.into(),
            description: String::new(),
            targets: targets.iter().map(|t| t.to_string()).collect(),
            expression: expression.into(),
            duration: "PT2H".into(),
            timezone: None,
            start: None,
            expire: None,
            status: MuteStatus::Scheduled,
            updated: None,
            region: Default::default(),
        }
    }

    /// 2026-11-26T10:00:00Z.
    const NOW: Epoch = 1_795_687_200;

    #[test]
    fn each_alarm_is_muted_as_mute_muted_says_through_the_index() {
        let rules = [
            rule("long", &["a", "b"], "at(2026-11-26T09:30)"),
            rule("short", &["a"], "at(2026-11-26T08:30)"),
            rule("later", &["c"], "cron(0 1 * * *)"),
            rule("elsewhere", &["d"], "at(2026-11-26T09:30)"),
        ];
        let mut other = rules[3].clone();
        other.account_id = "222".into();
        let rules = [&rules[..3], &[other]].concat();
        let index = Mutes::new(rules.clone());
        let alarm = |id: &str, on: bool| crate::source::model::Alarm {
            account_id: "111".into(),
            id: id.into(),
            name: id.into(),
            kind: crate::source::model::AlarmKind::Composite {
                rule: String::new(),
            },
            state: AlarmState::Ok,
            reason: String::new(),
            state_since: 0,
            endpoint: None,
            actions_enabled: on,
            settings: Default::default(),
            region: Default::default(),
        };
        for (id, on) in [
            ("a", true),
            ("b", true),
            ("c", true),
            ("d", true),
            ("a", false),
        ] {
            let a = alarm(id, on);
            assert_eq!(
                index.of(&a, NOW),
                crate::source::mute::muted(&a, &rules, NOW),
                "{id}"
            );
        }
        let row = AlarmRow::muted(&alarm("a", true), &index, NOW);
        assert_eq!(row.muted_until.as_deref(), Some("2026-11-26T11:30:00Z"));
        assert_eq!(row.muted_by_rule.as_deref(), Some("long"));
        assert!(!row.muted_indefinitely);
        // Scheduled is not muted yet; another account's rule does not mute it.
        for id in ["c", "d"] {
            let row = AlarmRow::muted(&alarm(id, true), &index, NOW);
            assert_eq!((row.muted_until, row.muted_by_rule), (None, None), "{id}");
        }
        let off = AlarmRow::muted(&alarm("a", false), &index, NOW);
        assert!(off.muted_indefinitely && off.muted_until.is_none());
    }

    #[test]
    fn a_rule_prints_no_control_character_and_its_times_in_utc() {
        let mut r = rule("r\u{1b}[2J", &["t\u{7}"], "cron(0 1 * * *)\u{1b}]0;x\u{7}");
        r.description = "d\u{9b}31m".into();
        r.timezone = Some("Europe/Paris\u{1b}".into());
        r.expire = Some(NOW + 86_400);
        let row = MuteRuleRow::of(&r, NOW);
        let json = serde_json::to_string(&row).unwrap();
        assert!(
            !json.contains("\\u001b") && !json.contains("\\u0007"),
            "{json}"
        );
        assert!(!json.chars().any(|c| c.is_control()), "{json}");
        assert_eq!(row.expire.as_deref(), Some("2026-11-27T10:00:00Z"));
        // Unreadable (the hostile expression): CloudWatch's status, no times.
        assert_eq!(row.state, "SCHEDULED");
        assert_eq!((row.active_until, row.next_activation), (None, None));
        let ok = MuteRuleRow::of(&rule("n", &["t"], "cron(0 1 * * *)"), NOW);
        assert_eq!(ok.next_activation.as_deref(), Some("2026-11-27T01:00:00Z"));
    }

    #[test]
    fn failed_calls_are_reported_not_hidden() {
        let source = Unruly {
            fail_series: true,
            ..Unruly::demo()
        };
        let (state, errors) = run(&source);
        assert!(!errors.is_empty());
        assert!(errors[0].contains("cloudwatch:GetMetricData"), "{errors:?}");
        let snap = build(&state, errors);
        let json = serde_json::to_value(&snap).unwrap();
        assert!(
            json["errors"][0]
                .as_str()
                .unwrap()
                .contains("GetMetricData")
        );
        assert!(snap.endpoints.iter().all(|e| e.latest.is_empty()));
    }
}
