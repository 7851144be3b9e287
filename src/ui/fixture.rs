//! A hand-built `State` for snapshot, property and render-speed tests: a monitoring account,
//! three source accounts, endpoints with deterministic series, alarms in every state.
//! Independent of the demo source so the UI tests do not move when the demo does.

use crate::app::action::Action;
use crate::app::lineedit::LineEdit;
use crate::app::state::*;
use crate::config::keymap::{Binding, KeyChord, Keymap};
use crate::config::theme::Theme;
use crate::series::SeriesStore;
use crate::source::SourceKind;
use crate::source::metrics::{self, METRICS, MetricId};
use crate::source::model::*;
use crate::vocabulary::Bindable;
use crossterm::event::{KeyCode, KeyModifiers};
use std::sync::Arc;

/// 25 Nov 2026 14:05 UTC.
pub const NOW: Epoch = 1_795_615_500;

pub const MONITORING: &str = "111122223333";
pub const PROD: &str = "210987654321";
pub const STAGING: &str = "345678901234";
pub const TEST: &str = "456789012345";
/// The region of every fixture endpoint and alarm.
pub const REGION: &str = "eu-west-1";

fn chord(c: &str) -> KeyChord {
    let (mods, rest) = match c.strip_prefix("C-") {
        Some(r) => (KeyModifiers::CONTROL, r),
        None => (KeyModifiers::NONE, c),
    };
    let code = match rest {
        "Enter" => KeyCode::Enter,
        "Esc" => KeyCode::Esc,
        "Tab" => KeyCode::Tab,
        "Down" => KeyCode::Down,
        "Up" => KeyCode::Up,
        "Space" => KeyCode::Char(' '),
        s => KeyCode::Char(s.chars().next().unwrap_or(' ')),
    };
    KeyChord::new(code, mods)
}

/// A vim-style keymap like the shipped default, written out so the tests do not depend on
/// the keymap files.
pub fn keymap() -> Keymap {
    let b = |keys: &[&str], action: Bindable, desc: &str, section: &str| Binding {
        keys: keys.iter().map(|k| chord(k)).collect(),
        action,
        desc: desc.into(),
        section: section.into(),
    };
    Keymap {
        name: "fixture".into(),
        bindings: vec![
            b(&["?"], Bindable::ToggleHelp, "toggle this help", "general"),
            b(&[":"], Bindable::OpenCommand, "command line", "general"),
            b(&["/"], Bindable::OpenFilter, "filter the table", "general"),
            b(&["q"], Bindable::Quit, "quit", "general"),
            b(&["C-c"], Bindable::Quit, "quit", "general"),
            b(&["r"], Bindable::Refresh, "refresh now", "general"),
            b(&["j"], Bindable::MoveDown, "down", "move"),
            b(&["Down"], Bindable::MoveDown, "down", "move"),
            b(&["k"], Bindable::MoveUp, "up", "move"),
            b(&["g", "g"], Bindable::MoveTop, "top", "move"),
            b(&["G"], Bindable::MoveBottom, "bottom", "move"),
            b(&["C-f"], Bindable::PageDown, "page down", "move"),
            b(&["C-b"], Bindable::PageUp, "page up", "move"),
            b(&["Enter"], Bindable::Select, "open", "move"),
            b(&["Esc"], Bindable::Back, "back", "move"),
            b(&["Tab"], Bindable::FocusNext, "next pane", "move"),
            b(&["1"], Bindable::ShowFleet, "fleet", "views"),
            b(&["2"], Bindable::ShowAlarms, "alarms", "views"),
            b(&["s"], Bindable::SortNext, "sort by next column", "fleet"),
            b(&["S"], Bindable::SortReverse, "reverse sort", "fleet"),
            b(&["-"], Bindable::RangeWider, "wider time range", "charts"),
            b(
                &["+"],
                Bindable::RangeNarrower,
                "narrower time range",
                "charts",
            ),
            b(&["h"], Bindable::PanBack, "earlier", "charts"),
            b(&["l"], Bindable::PanForward, "later", "charts"),
            b(&["z"], Bindable::ToggleMaximize, "maximise chart", "charts"),
            b(&["n"], Bindable::NewAlarm, "new alarm", "alarms"),
            b(&["e"], Bindable::EditAlarm, "edit alarm", "alarms"),
            b(&["Space"], Bindable::ToggleMark, "mark", "alarms"),
            b(&["M"], Bindable::MuteAlarm, "mute", "alarms"),
            b(&["U"], Bindable::UnmuteAlarm, "unmute", "alarms"),
            b(&["D"], Bindable::DeleteAlarm, "delete", "alarms"),
            b(&["4"], Bindable::ShowTrail, "CloudTrail", "views"),
            b(&["c"], Bindable::ShowChanges, "what changed", "trail"),
            b(&["i"], Bindable::EditQuery, "edit the query", "trail"),
            b(&["C-k"], Bindable::CancelQuery, "cancel the query", "trail"),
            b(&["y"], Bindable::CopyCell, "copy the cell", "trail"),
            b(&["L"], Bindable::ShowLogs, "logs", "views"),
            b(&["J"], Bindable::ShowJobs, "processing jobs", "views"),
            b(&["I"], Bindable::ShowTape, "incident tape", "views"),
            b(&["F"], Bindable::ToggleFollow, "follow", "logs"),
            b(&["C-p"], Bindable::PauseTail, "pause the tail", "logs"),
            b(&["W"], Bindable::ToggleWrap, "wrap", "logs"),
            b(&["T"], Bindable::ToggleTimestamps, "timestamps", "logs"),
            b(&["w"], Bindable::SaveLogs, "save", "logs"),
            b(&["6"], Bindable::ShowStudio, "studio", "views"),
        ],
    }
}

/// Deterministic noise in [-1, 1] (splitmix64), so snapshots never change between runs.
fn noise(seed: u64, i: i64) -> f64 {
    let mut z = seed
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(i as u64)
        .wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
}

/// How an endpoint's data looks: which shapes to give it.
#[derive(Debug, Clone, Copy, Default)]
struct Shape {
    /// Accuracy drifting down over the last hours (the incident).
    drift: bool,
    /// 1-minute data stops this many minutes before now.
    silent_mins: i64,
    hot_memory: bool,
    full_disk: bool,
}

fn value(id: MetricId, seed: u64, ts: Epoch, shape: Shape) -> f64 {
    let n = noise(seed ^ id as u64, ts / 60);
    let day = ((ts % 86400) as f64 / 86400.0 * std::f64::consts::TAU).sin();
    let hours_ago = (NOW - ts) as f64 / 3600.0;
    match id {
        MetricId::Accuracy if shape.drift && hours_ago < 8.0 => {
            0.93 - 0.02 * (8.0 - hours_ago) + 0.004 * n
        }
        MetricId::Accuracy => 0.93 + 0.01 * n,
        MetricId::Auc => 0.95 + 0.008 * n,
        MetricId::F2 => 0.88 + 0.015 * n,
        MetricId::Precision => 0.90 + 0.01 * n,
        MetricId::Recall => 0.87 + 0.012 * n,
        MetricId::Cpu => 90.0 + 50.0 * day + 8.0 * n,
        MetricId::Memory if shape.hot_memory => 84.0 + 3.0 * n,
        MetricId::Memory => 52.0 + 4.0 * n - hours_ago * 0.05,
        MetricId::Disk if shape.full_disk => 93.0 + 0.5 * n,
        MetricId::Disk => 35.0 + 0.5 * n,
        MetricId::Invocations => 1200.0 + 600.0 * day + 100.0 * n,
        MetricId::ModelLatency => 45_000.0 + 9_000.0 * n.abs(),
        MetricId::Errors5xx => (n * 3.0).max(0.0).round(),
    }
}

/// Fills the store with `minute_hours` of 1-minute and 72 hours of hourly points for `e`.
fn fill(store: &mut SeriesStore, e: &Endpoint, seed: u64, shape: Shape, minute_hours: i64) {
    for spec in &METRICS {
        let period = i64::from(spec.period);
        let (span, end) = if period >= 3600 {
            (72 * 3600, NOW - NOW % 3600)
        } else {
            // CloudWatch publishes a minute or so late.
            (minute_hours * 3600, NOW - 60 - shape.silent_mins * 60)
        };
        for (k, key) in metrics::series_keys(e, spec.id).into_iter().enumerate() {
            let points = (0..=span / period)
                .map(|i| end - span + i * period)
                .map(|ts| (ts, value(spec.id, seed + k as u64 * 7, ts, shape)))
                .collect();
            let capacity = usize::try_from(span / period + 1).unwrap_or(1);
            store.ingest(
                SeriesData {
                    key,
                    points,
                    status: SeriesStatus::Complete,
                },
                capacity,
            );
        }
    }
}

fn endpoint(account: &str, name: &str, status: EndpointStatus, variants: &[&str]) -> Endpoint {
    Endpoint {
        account_id: account.into(),
        name: name.into(),
        status,
        variants: variants.iter().map(|v| (*v).to_owned()).collect(),
        monitoring_schedules: vec![format!("{name}-mq")],
        model_quality_namespace: None,
        quality: None,
        region: REGION.into(),
    }
}

fn metric_alarm(
    e: &Endpoint,
    id: MetricId,
    comparison: Comparison,
    threshold: f64,
    state: AlarmState,
    since_mins: i64,
    reason: &str,
) -> Alarm {
    let series = metrics::series_keys(e, id).remove(0);
    Alarm {
        account_id: MONITORING.into(),
        id: format!("{}-{}", e.name, metrics::spec(id).short.to_lowercase()),
        name: format!("{}-{}", e.name, metrics::spec(id).short.to_lowercase()),
        kind: AlarmKind::Metric {
            series,
            comparison,
            threshold,
            evaluation_periods: 3,
            datapoints_to_alarm: 2,
        },
        state,
        reason: reason.into(),
        state_since: NOW - since_mins * 60,
        endpoint: Some(e.key()),
        actions_enabled: true,
        settings: Default::default(),
        region: e.region.clone(),
    }
}

fn base(now: Epoch) -> State {
    let mut s = State::new(SourceKind::Demo, now, Theme::default(), Arc::new(keymap()));
    s.views.logs.available = true;
    s.identity = Some(Identity {
        account_id: MONITORING.into(),
        arn: format!("arn:aws:sts::{MONITORING}:assumed-role/OnCall/alice"),
        region: "eu-west-1".into(),
    });
    // OAM, with a role for prod: prod's alarms can live in either account.
    s.placement = crate::source::alarm_write::Placement {
        monitoring: MONITORING.into(),
        oam: true,
        credentialed: vec![PROD.into()],
        acts_everywhere: false,
    };
    s.accounts = vec![
        Account {
            id: MONITORING.into(),
            label: "monitoring".into(),
            monitoring: true,
        },
        Account {
            id: PROD.into(),
            label: "prod".into(),
            monitoring: false,
        },
        Account {
            id: STAGING.into(),
            label: "staging".into(),
            monitoring: false,
        },
        Account {
            id: TEST.into(),
            label: "test".into(),
            monitoring: false,
        },
    ];
    s.freshness = Freshness {
        fleet_ok_at: Some(now - 5),
        alarms_ok_at: Some(now - 5),
        series_ok_at: Some(now - 5),
        newest_point: Some(now - 60),
        last_error: None,
    };
    s
}

/// The small organisation every screen snapshot is drawn from.
pub fn state() -> State {
    let mut s = base(NOW);
    use EndpointStatus::*;
    let eps = [
        (
            endpoint(PROD, "fraud-detector", InService, &["blue", "green"]),
            Shape {
                drift: true,
                ..Default::default()
            },
        ),
        (
            endpoint(PROD, "churn-predictor", InService, &["AllTraffic"]),
            Shape {
                hot_memory: true,
                ..Default::default()
            },
        ),
        (
            endpoint(PROD, "recs-ranker", Updating, &["AllTraffic"]),
            Shape::default(),
        ),
        (
            endpoint(PROD, "search-embed", InService, &["AllTraffic"]),
            Shape {
                full_disk: true,
                ..Default::default()
            },
        ),
        (
            endpoint(STAGING, "fraud-detector", InService, &["AllTraffic"]),
            Shape::default(),
        ),
        (
            endpoint(STAGING, "churn-predictor", Failed, &["AllTraffic"]),
            Shape {
                silent_mins: 7,
                ..Default::default()
            },
        ),
        (
            endpoint(STAGING, "ltv-model", InService, &["AllTraffic"]),
            Shape::default(),
        ),
        (
            endpoint(TEST, "fraud-detector-canary", Creating, &["AllTraffic"]),
            Shape::default(),
        ),
    ];
    for (i, (e, shape)) in eps.iter().enumerate() {
        fill(&mut s.store, e, i as u64 * 101, *shape, 6);
    }
    s.set_endpoints(eps.into_iter().map(|(e, _)| e).collect());
    let e = |i: usize| &s.endpoints[i];
    use Comparison::*;
    s.alarms = vec![
        metric_alarm(e(0), MetricId::Accuracy, LessThanThreshold, 0.85, AlarmState::Alarm, 4,
            "Threshold Crossed: 2 out of the last 3 datapoints [0.781 (25/11/26 13:00:00), 0.802] were less than the threshold (0.85)."),
        metric_alarm(e(1), MetricId::Memory, GreaterThanThreshold, 90.0, AlarmState::Ok, 600,
            "Threshold Crossed: no datapoints were greater than the threshold (90.0)."),
        metric_alarm(e(3), MetricId::Disk, GreaterThanOrEqualToThreshold, 90.0, AlarmState::Alarm, 95,
            "Threshold Crossed: 3 datapoints [93.1, 93.4, 92.8] were greater than or equal to the threshold (90.0)."),
        metric_alarm(e(5), MetricId::Cpu, GreaterThanThreshold, 300.0, AlarmState::InsufficientData, 7,
            "Insufficient Data: 3 datapoints were unknown."),
        metric_alarm(e(4), MetricId::Accuracy, LessThanThreshold, 0.85, AlarmState::Ok, 2 * 1440,
            "Threshold Crossed: 3 datapoints were not less than the threshold (0.85)."),
        metric_alarm(e(6), MetricId::ModelLatency, GreaterThanThreshold, 200_000.0, AlarmState::Ok, 3000,
            "Threshold Crossed: no datapoints were greater than the threshold (200000.0)."),
        Alarm {
            account_id: MONITORING.into(),
            id: "prod-any-quality-drift".into(),
            name: "prod-any-quality-drift".into(),
            kind: AlarmKind::Composite { rule: "ALARM(fraud-detector-acc)".into() },
            state: AlarmState::Alarm,
            reason: "arn:aws:cloudwatch:eu-west-1:111122223333:alarm:fraud-detector-acc transitioned to ALARM".into(),
            state_since: NOW - 4 * 60,
            endpoint: None,
            actions_enabled: false,
            settings: Default::default(),
            region: REGION.into(),
        },
    ];
    s.alarms[5].actions_enabled = false;
    crate::app::data::rebuild_alarm_index(&mut s);
    s.views.fleet.rows = (0..s.endpoints.len()).collect();
    s.views.fleet.selected = 0;
    s.views.alarms.rows = alarm_order(&s.alarms);
    s.views.endpoint.endpoint = Some(s.endpoints[0].key());
    s.views.endpoint.range = 1;
    s.views.endpoint.monitoring = Loadable::Loaded(vec![MonitoringSchedule {
        account_id: PROD.into(),
        name: "fraud-detector-mq".into(),
        endpoint: "fraud-detector".into(),
        monitoring_type: "ModelQuality".into(),
        status: ScheduleStatus::Scheduled,
        last_execution: Some(MonitoringExecution {
            scheduled_time: NOW - 65 * 60,
            status: ExecutionStatus::CompletedWithViolations,
            failure_reason: None,
        }),
        schedule_expression: Some("cron(0 * ? * * *)".into()),
        job_definition: Some("fraud-detector-mq-job".into()),
        failure_reason: None,
        region: REGION.into(),
    }]);
    s
}

/// ALARM first, then by most recent change: the order `update` keeps.
fn alarm_order(alarms: &[Alarm]) -> Vec<usize> {
    let mut rows: Vec<usize> = (0..alarms.len()).collect();
    rows.sort_by_key(|&i| (alarms[i].state, -alarms[i].state_since));
    rows
}

/// `state()` showing `view`, for the snapshot of each screen.
pub fn in_view(view: View) -> State {
    let mut s = state();
    s.view = view;
    s
}

/// The alarms screen with the history of the first alarm open.
pub fn with_history() -> State {
    let mut s = in_view(View::Alarms);
    let a = &s.alarms[s.views.alarms.rows[0]];
    s.views.alarms.history_of = Some(crate::views::alarms::HistoryOf::of(a));
    s.views.alarms.history = Loadable::Loaded(vec![
        AlarmHistoryItem {
            timestamp: NOW - 4 * 60,
            item_type: HistoryItemType::StateUpdate,
            summary: "Alarm updated from OK to ALARM".into(),
        },
        AlarmHistoryItem {
            timestamp: NOW - 4 * 60,
            item_type: HistoryItemType::Action,
            summary: "Successfully executed action arn:aws:sns:eu-west-1:111122223333:oncall"
                .into(),
        },
        AlarmHistoryItem {
            timestamp: NOW - 26 * 3600,
            item_type: HistoryItemType::StateUpdate,
            summary: "Alarm updated from INSUFFICIENT_DATA to OK".into(),
        },
        AlarmHistoryItem {
            timestamp: NOW - 30 * 3600,
            item_type: HistoryItemType::ConfigurationUpdate,
            summary: "Alarm \"fraud-detector-acc\" created".into(),
        },
    ]);
    s
}

/// The command line open with completions showing.
pub fn with_prompt() -> State {
    let mut s = state();
    s.prompt = Prompt::Command(LineEdit::with_text("ra"));
    s.completions = vec!["range".into(), "refresh".into()];
    s
}

/// `accounts` source accounts of `per_account` endpoints each, with 3 hours of 1-minute and
/// 72 hours of hourly data per series: the render benchmark's fleet (`--demo-scale 10,50`).
pub fn scaled(accounts: usize, per_account: usize) -> State {
    let mut s = base(NOW);
    s.accounts.truncate(1);
    for a in 0..accounts {
        let id = format!("{:012}", 200_000_000_000u64 + a as u64 * 1_111);
        s.accounts.push(Account {
            id: id.clone(),
            label: format!("acct-{a:02}"),
            monitoring: false,
        });
        for n in 0..per_account {
            let e = endpoint(
                &id,
                &format!("model-{n:03}-endpoint"),
                EndpointStatus::InService,
                &["AllTraffic"],
            );
            let shape = Shape {
                drift: n % 7 == 0,
                hot_memory: n % 11 == 0,
                ..Default::default()
            };
            fill(&mut s.store, &e, (a * per_account + n) as u64, shape, 3);
            s.endpoints.push(e);
        }
    }
    let alarms: Vec<Alarm> = s
        .endpoints
        .iter()
        .step_by(3)
        .map(|e| {
            metric_alarm(
                e,
                MetricId::Accuracy,
                Comparison::LessThanThreshold,
                0.85,
                AlarmState::Ok,
                60,
                "ok",
            )
        })
        .collect();
    s.alarms = alarms;
    crate::app::data::rebuild_alarm_index(&mut s);
    let endpoints = std::mem::take(&mut s.endpoints);
    s.set_endpoints(endpoints);
    s.views.fleet.rows = (0..s.endpoints.len()).collect();
    s.views.alarms.rows = alarm_order(&s.alarms);
    s.size = (200, 60);
    s
}

/// The confirmation dialog a delete would open: a request longer than an 80x24 screen.
pub fn with_confirm(danger: bool) -> State {
    use crate::overlays::{Overlay, confirm::Confirm};
    let mut s = in_view(View::Alarms);
    let mut lines = vec![
        "operation  DeleteAlarms".to_string(),
        format!("account    {MONITORING} (monitoring)"),
        "region     eu-west-1".to_string(),
        String::new(),
        "request".to_string(),
        "{".to_string(),
        "  \"AlarmNames\": [".to_string(),
    ];
    lines.extend((0..30).map(|i| format!("    \"prod-fraud-detector-alarm-{i:02}\",")));
    lines.extend(["  ]".to_string(), "}".to_string()]);
    let dialog = Confirm::new("Delete 30 alarms", lines, Action::Refresh);
    let dialog = if danger {
        let mut d = dialog.danger("prod-fraud-detector-alarm-00");
        for c in "prod-fraud".chars() {
            d.typed.apply(crate::app::action::InputKey::Char(c), &[]);
        }
        d
    } else {
        dialog
    };
    let mut dialog = dialog;
    // As it is a moment after it opened: taking keys.
    dialog.arm();
    s.overlays.push(Overlay::Confirm(dialog));
    s
}

/// A form opened on the endpoint screen, with the preview beside it: a threshold typed, one
/// field edited into a mistake, and the cursor on the threshold.
pub fn with_form() -> State {
    use crate::app::action::InputKey;
    use crate::overlays::{Overlay, form::Form};
    fn submitted(_: crate::overlays::form::FormValues) -> Action {
        Action::Refresh
    }
    let mut s = in_view(View::Endpoint);
    let mut form = Form::new(
        "New alarm on fraud-detector accuracy",
        View::Endpoint,
        submitted,
    )
    .text("name", "Name", "prod-fraud-detector-accuracy-low")
    .required()
    .choice(
        "statistic",
        "Statistic",
        &["Average", "Minimum", "Maximum"],
        0,
    )
    .number("period", "Period (s)", Some(3600.0))
    .bounds(Some(10.0), None, true)
    .choice(
        "comparison",
        "Comparison",
        &["LessThanThreshold", "GreaterThanThreshold"],
        0,
    )
    .number("threshold", "Threshold", None)
    .required()
    .number("periods", "Evaluation periods", Some(1.0))
    .bounds(Some(1.0), None, true)
    .checkbox("enabled", "Actions enabled", true)
    .with_preview();
    let key = |f: &mut Form, k: InputKey| {
        f.update(Action::Input(k), ratatui::layout::Rect::default());
    };
    for _ in 0..5 {
        key(&mut form, InputKey::Tab);
    }
    for c in "0.5x".chars() {
        key(&mut form, InputKey::Char(c));
    }
    key(&mut form, InputKey::BackTab);
    for c in "0.85".chars() {
        key(&mut form, InputKey::Char(c));
    }
    s.views.endpoint.selected_chart = 0;
    s.overlays.push(Overlay::Form(form));
    s
}

/// The alarm form as `n` opens it on the endpoint screen's accuracy chart, the threshold
/// typed: the preview counts what it would have breached.
pub fn with_alarm_form() -> State {
    use crate::app::action::InputKey;
    let mut s = in_view(View::Endpoint);
    s.views.endpoint.selected_chart = 0;
    crate::app::update::update(&mut s, Action::NewAlarm);
    for _ in 0..6 {
        crate::app::update::update(&mut s, Action::Input(InputKey::Tab));
    }
    crate::app::update::update(&mut s, Action::Input(InputKey::ClearLine));
    for c in "0.9".chars() {
        crate::app::update::update(&mut s, Action::Input(InputKey::Char(c)));
    }
    s
}

/// The alarms screen with two alarms marked and `key` pressed (mute, delete).
pub fn with_alarm_action(key: Action) -> State {
    let mut s = in_view(View::Alarms);
    crate::app::update::update(&mut s, Action::ToggleMark);
    if key != Action::DeleteAlarm {
        crate::app::update::update(&mut s, Action::ToggleMark);
    }
    let mute = key == Action::MuteAlarm;
    crate::app::update::update(&mut s, key);
    if mute {
        // How long: the form's default (4 hours).
        crate::app::update::update(&mut s, Action::Input(crate::app::action::InputKey::Enter));
    }
    // As it is a moment after it opened: taking keys.
    crate::overlays::confirm::moment_passes(&mut s);
    s
}

/// `M` on two marked alarms: the form that asks how long and why.
pub fn with_mute_form() -> State {
    let mut s = in_view(View::Alarms);
    crate::app::update::update(&mut s, Action::ToggleMark);
    crate::app::update::update(&mut s, Action::ToggleMark);
    crate::app::update::update(&mut s, Action::MuteAlarm);
    s
}

/// What the trail screen shows in `with_trail`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrailStage {
    /// Results of a finished search.
    Results,
    /// A search running: its progress, no rows yet.
    Running,
    /// An event's detail open beside (or over) the results.
    Detail,
    /// A filter with a mistake.
    Error,
    /// Athena refused the query.
    Failed,
}

/// One synthetic CloudTrail row in the columns Athena labels a generated query's results
/// with; `i` varies it.
pub fn trail_row(i: usize) -> Vec<Option<String>> {
    const EVENTS: [&str; 6] = [
        "UpdateEndpoint",
        "CreateEndpointConfig",
        "DescribeEndpoint",
        "PutMetricAlarm",
        "ListMonitoringExecutions",
        "CreateModel",
    ];
    let t = NOW - (i as i64) * 37;
    let time = chrono::DateTime::from_timestamp(t, 0)
        .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default();
    let account = [PROD, STAGING, TEST][i % 3];
    vec![
        Some(time),
        Some(account.into()),
        Some(format!(
            "arn:aws:sts::{account}:assumed-role/{}",
            [
                "ml-deployer/alice",
                "sagewatch-readonly/oncall",
                "ci-pipeline/build-4711"
            ][i % 3]
        )),
        Some(EVENTS[i % EVENTS.len()].into()),
        Some(["sagemaker.amazonaws.com", "monitoring.amazonaws.com"][i % 2].into()),
        Some("eu-west-1".into()),
        (i % 11 == 5).then(|| "AccessDenied".to_owned()),
        Some(format!("10.0.{}.{}", i % 7, i % 250)),
        Some(format!("{:08x}-5c1e-4a8e-9f1b-{:012x}", i, i * 7919)),
    ]
}

/// The labels of `trail_row`'s columns.
pub fn trail_columns() -> Vec<String> {
    crate::trail::sql::COLUMNS
        .iter()
        .map(|c| c.rsplit('.').next().unwrap_or(c).to_owned())
        .collect()
}

/// `state()` on the trail screen with `rows` results of a search.
pub fn with_trail_rows(rows: usize) -> State {
    use crate::views::trail::{Phase, Query};
    let mut s = in_view(View::Trail);
    s.views.trail.available = Some(Ok(Default::default()));
    s.views.trail.text = "account:prod resource:fraud-detector readonly:false since:6h".into();
    s.views.trail.query = Some(Query {
        token: "sagewatch-0000000000000000-0000000000000000-00000001".into(),
        id: Some("3f1c2a9e-0d4b-4c35-8a55-1f0e2b7c9d10".into()),
        sql: String::new(),
        text: s.views.trail.text.clone(),
        mode: crate::views::trail::Mode::Filter,
        started: NOW - 7,
        finished: Some(NOW - 2),
        phase: Phase::Done,
        status: Some(crate::source::trail::QueryStatus {
            state: crate::source::trail::QueryState::Succeeded,
            reason: None,
            scanned_bytes: 187_400_000,
            total_millis: Some(4_800),
            reused: false,
            statement_type: Some("DML".into()),
        }),
        pages: 1,
        next_page: None,
        limit: None,
    });
    let columns = trail_columns();
    let mut page = Vec::with_capacity(1000);
    for i in 0..rows {
        page.push(trail_row(i));
        if page.len() == 1000 {
            s.views.trail.results.push_page(&columns, &page);
            page.clear();
        }
    }
    s.views.trail.results.push_page(&columns, &page);
    s.views.trail.history = vec![crate::trail::history::Entry {
        text: s.views.trail.text.clone(),
        raw: false,
        started: NOW - 7,
        rows: rows as u64,
        scanned_bytes: 187_400_000,
        reused: false,
        state: crate::source::trail::QueryState::Succeeded,
        reason: None,
    }];
    s
}

/// The trail screen at `stage`.
pub fn with_trail(stage: TrailStage) -> State {
    use crate::views::trail::{Detail, Phase};
    let mut s = with_trail_rows(40);
    match stage {
        TrailStage::Results => {}
        TrailStage::Running => {
            s.views.trail.results = Default::default();
            if let Some(q) = s.views.trail.query.as_mut() {
                q.phase = Phase::Running {
                    polls: 3,
                    errors: 0,
                };
                q.finished = None;
                if let Some(st) = q.status.as_mut() {
                    st.state = crate::source::trail::QueryState::Running;
                    st.scanned_bytes = 52_300_000;
                }
            }
        }
        TrailStage::Detail => {
            s.views.trail.row = 0;
            s.views.trail.detail = Some(Detail {
                event_id: "00000000-5c1e-4a8e-9f1b-000000000000".into(),
                query: None,
                fields: Loadable::Loaded(
                    [
                        ("eventtime", "2026-11-25T10:45:00Z"),
                        ("principal_arn", "arn:aws:sts::210987654321:assumed-role/ml-deployer/alice"),
                        ("identity_type", "AssumedRole"),
                        ("source_identity", "alice@example.com"),
                        ("useragent", "aws-cli/2.15.0"),
                        ("readonly", "false"),
                        (
                            "requestparameters",
                            r#"{"endpointName":"fraud-detector","endpointConfigName":"fraud-detector-v2"}"#,
                        ),
                        (
                            "responseelements",
                            r#"{"endpointArn":"arn:aws:sagemaker:eu-west-1:210987654321:endpoint/fraud-detector"}"#,
                        ),
                    ]
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), Some((*v).to_owned())))
                    .collect(),
                ),
                scroll: 0,
            });
        }
        TrailStage::Error => {
            s.views.trail.results = Default::default();
            s.views.trail.query = None;
            s.views.trail.text = "event:UpdateEndpoint since:yesterday".into();
            s.views.trail.error = Some((
                27,
                36,
                "since: expected a duration (2h, 30m, 3d) or a time (2026-11-20T10:00:00Z)".into(),
            ));
        }
        TrailStage::Failed => {
            s.views.trail.results = Default::default();
            if let Some(q) = s.views.trail.query.as_mut() {
                q.phase = Phase::Failed(
                    "TABLE_NOT_FOUND: line 1:130: Table 'awsdatacatalog.default.cloudtrail_logs' does not exist".into(),
                );
            }
        }
    }
    s
}

/// What the logs screen shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogsStage {
    /// Insights finished: errors first.
    Insights,
    /// Insights running, partial rows.
    Running,
    /// A row open whole.
    Detail,
    /// The live tail, following.
    Tail,
    /// The tail held (read back) with new lines below, wrapped, polling.
    TailHeld,
}

/// A log line of prod fraud-detector after its update.
pub fn log_line(i: usize) -> (i64, String, String) {
    let ms = (NOW - 600) * 1000 + i as i64 * 1_250;
    let stream = if i.is_multiple_of(3) {
        "green/i-0f3c9a1b2d4e5f607"
    } else {
        "blue/i-0a1b2c3d4e5f60718"
    };
    let text = match i % 7 {
        0 => format!("ERROR [model] KeyError: 'merchant_category' (request id r-{i:05})"),
        3 => format!("WARN feature 'merchant_category' missing from request r-{i:05}: imputing 0"),
        5 => "Traceback (most recent call last): File \"/opt/ml/code/inference.py\", line 88, in predict_fn features = [row[name] for name in FEATURES] KeyError: 'merchant_category'".into(),
        _ => format!("INFO 10.0.3.17 \"POST /invocations HTTP/1.1\" 200 latency_ms={} request_id=r-{i:05}", 18 + i % 11),
    };
    (ms, stream.into(), text)
}

/// The logs screen of prod fraud-detector at `stage`.
pub fn with_logs(stage: LogsStage) -> State {
    use crate::logs::follow::TailMode;
    use crate::logs::tail::TailLine;
    use crate::source::logs::{InsightsQuery, InsightsState, InsightsStats};
    use crate::views::logs::{Pane, Phase, Run};
    let mut s = in_view(View::Logs);
    let key = EndpointKey {
        account_id: PROD.into(),
        name: "fraud-detector".into(),
        region: REGION.into(),
    };
    let context = crate::views::logs::open::endpoint(&key);
    let l = &mut s.views.logs;
    l.came_from = View::Fleet;
    l.insights.span_secs = 3600;
    l.insights.text = context.default_query.clone();
    let rows: Vec<Vec<String>> = (0..60)
        .map(log_line)
        .filter(|(_, _, t)| !t.starts_with("INFO"))
        .map(|(ms, stream, text)| {
            vec![
                crate::logs::line::iso_millis(ms)
                    .replace('T', " ")
                    .replace('Z', ""),
                stream,
                text,
            ]
        })
        .collect();
    l.insights.columns = vec!["@timestamp".into(), "@logStream".into(), "@message".into()];
    l.insights.shown = (0..rows.len()).collect();
    l.insights.rows = rows.into();
    l.insights.run = Some(Run {
        token: "logs-1".into(),
        id: Some("q-1".into()),
        query: InsightsQuery {
            target: context.target.clone(),
            query: context.default_query.clone(),
            start: NOW - 3600,
            end: NOW,
        },
        started: NOW - 4,
        finished: Some(NOW - 1),
        phase: Phase::Finished(InsightsState::Complete),
        stats: InsightsStats {
            records_matched: 26.0,
            records_scanned: 48_210.0,
            bytes_scanned: 12_400_000.0,
        },
    });
    l.context = Some(context);
    let t = &mut l.tail;
    t.session = Some(2);
    t.mode = Some(TailMode::Live);
    t.buffer.push_update(
        (0..120)
            .map(log_line)
            .map(|(timestamp_ms, stream, text)| TailLine {
                timestamp_ms,
                stream,
                text,
            }),
        false,
    );
    match stage {
        LogsStage::Insights => {}
        LogsStage::Running => {
            let i = &mut l.insights;
            std::sync::Arc::make_mut(&mut i.rows).truncate(4);
            i.shown.truncate(4);
            if let Some(r) = i.run.as_mut() {
                r.phase = Phase::Running {
                    polls: 2,
                    errors: 0,
                };
                r.finished = None;
                r.stats.records_scanned = 9_800.0;
                r.stats.records_matched = 4.0;
                r.stats.bytes_scanned = 2_100_000.0;
            }
        }
        LogsStage::Detail => {
            l.insights.row = 2;
            l.insights.detail = Some(2);
        }
        LogsStage::Tail => l.pane = Pane::Tail,
        LogsStage::TailHeld => {
            l.pane = Pane::Tail;
            t.follow = false;
            t.from_end = 30;
            t.unseen = 30;
            t.wrap = true;
            t.mode = Some(TailMode::Polling {
                why: "no logs:StartLiveTail permission".into(),
            });
            t.buffer.sampled_updates = 2;
            t.pattern = Some("?ERROR ?WARN".into());
        }
    }
    s
}

/// What the studio screen shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StudioStage {
    /// Every account answered: the apps in attention order.
    Apps,
    /// Filtered to GPU instances, the accounts pane in focus, one account's newest read
    /// failed after an earlier one succeeded, another still reading.
    Filtered,
}

/// The demo's Studio, one account at a time, in the fixture's accounts (its test account
/// has no role). `(fixture account, demo account)`.
pub const STUDIO_ACCOUNTS: [(&str, &str); 4] = [
    (MONITORING, "100000000000"),
    (PROD, "111111111111"),
    (STAGING, "222222222222"),
    (TEST, "333333333333"),
];

/// The studio screen at `stage`.
pub fn with_studio(stage: StudioStage) -> State {
    use crate::views::studio::calls::StudioLoaded;
    let mut s = in_view(View::Studio);
    s.views.studio.available = true;
    s.views.studio.requested_at = Some(NOW);
    for (account, demo) in STUDIO_ACCOUNTS {
        let mut studio = crate::source::demo::studio_sample(demo, NOW - 3600);
        studio.account_id = account.into();
        let _ =
            crate::views::studio::update_loaded(&mut s, StudioLoaded::Account(Box::new(studio)));
    }
    if stage == StudioStage::Filtered {
        let failing = crate::source::studio::AccountStudio::unreadable(
            STAGING,
            "ThrottlingException on ListApps: Rate exceeded",
        );
        let _ =
            crate::views::studio::update_loaded(&mut s, StudioLoaded::Account(Box::new(failing)));
        s.views
            .studio
            .reads
            .entry(MONITORING.into())
            .or_default()
            .loading = true;
        s.views.studio.focus = crate::views::studio::Pane::Accounts;
        crate::views::module(View::Studio).set_filter(&mut s, "ml.g");
    }
    s
}

/// What the jobs screen shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobsStage {
    /// The list: jobs of prod and test, staging unreadable.
    List,
    /// The failed job opened whole.
    Detail,
}

/// A processing job of the fixture organisation.
pub fn processing_job(
    account: &str,
    name: &str,
    status: &str,
    ago_mins: i64,
    took_mins: Option<i64>,
    schedule: Option<&str>,
) -> crate::source::jobs::ProcessingJob {
    let created = NOW - ago_mins * 60;
    crate::source::jobs::ProcessingJob {
        account_id: account.into(),
        name: name.into(),
        status: crate::source::jobs::JobStatus::parse(status),
        created,
        ended: took_mins.map(|m| created + m * 60),
        failure_reason: None,
        instance_type: Some("ml.m5.xlarge".into()),
        instance_count: Some(1),
        schedule: schedule.map(String::from),
        region: REGION.into(),
    }
}

/// The jobs screen at `stage`: prod's Model Monitor runs (one failed) and pipeline steps,
/// staging without a role, test's canary run; series for the jobs of the last three hours.
pub fn with_jobs(stage: JobsStage) -> State {
    use crate::source::jobs::{JOB_METRICS, ProcessingJob};
    use crate::views::jobs::AccountJobs;
    let mut s = in_view(View::Jobs);
    let mut failed = processing_job(
        PROD,
        "model-monitoring-202611251300-5f1e2d3c",
        "Failed",
        65,
        Some(14),
        Some("fraud-detector-mq"),
    );
    failed.failure_reason = Some(
        "ClientError: no captured data under s3://sagemaker-eu-west-1-210987654321/fraud-detector/datacapture for this window: is data capture on?"
            .into(),
    );
    let mut prep = processing_job(
        PROD,
        "pipelines-4c1d9e0a7b2f-PrepareTrainingData",
        "InProgress",
        130,
        None,
        None,
    );
    prep.instance_type = Some("ml.m5.4xlarge".into());
    prep.instance_count = Some(2);
    let prod: Vec<ProcessingJob> = vec![
        processing_job(
            PROD,
            "model-monitoring-202611251400-5f1e2d3c",
            "InProgress",
            4,
            None,
            Some("fraud-detector-mq"),
        ),
        processing_job(
            PROD,
            "model-monitoring-202611251400-9a8b7c6d",
            "Completed",
            4,
            Some(3),
            Some("churn-predictor-mq"),
        ),
        failed,
        prep,
        processing_job(
            PROD,
            "model-monitoring-202611251200-5f1e2d3c",
            "Completed",
            125,
            Some(12),
            Some("fraud-detector-mq"),
        ),
        processing_job(
            PROD,
            "pipelines-0b7e31f2c9d4-PreprocessFeatures",
            "Completed",
            300,
            Some(38),
            None,
        ),
        processing_job(
            PROD,
            "pipelines-e2a94c0d1f3b-EvaluateModel",
            "Stopped",
            500,
            Some(22),
            None,
        ),
    ];
    let test = vec![processing_job(
        TEST,
        "model-monitoring-202611251300-77aa01bc",
        "Completed",
        63,
        Some(9),
        Some("fraud-detector-canary-mq"),
    )];
    let j = &mut s.views.jobs;
    for (id, jobs) in [(PROD, prod), (TEST, test)] {
        let metrics = jobs
            .iter()
            .filter(|job| job.created > NOW - 3 * 3600)
            .flat_map(|job| {
                (1..=job.instance_count.unwrap_or(1)).flat_map(move |n| {
                    JOB_METRICS
                        .iter()
                        .map(move |m| job.series_key(m, &format!("algo-{n}")))
                })
            })
            .collect();
        j.accounts.insert(
            id.into(),
            AccountJobs {
                jobs,
                error: None,
                answered: true,
                metrics,
                metrics_error: None,
            },
        );
    }
    j.accounts.insert(
        STAGING.into(),
        AccountJobs {
            error: Some(format!(
                "ListProcessingJobs {STAGING}: no role for this account under OAM: add [accounts.\"{STAGING}\"] role_arn to the config"
            )),
            answered: true,
            ..Default::default()
        },
    );
    // Series: CPU busy, memory rising, the data preparation's disk filling; none before a
    // job's start or after its end.
    let all: Vec<ProcessingJob> = j.accounts.values().flat_map(|a| a.jobs.clone()).collect();
    for (k, job) in all.iter().enumerate() {
        let end = job.ended.unwrap_or(NOW - 60);
        for n in 1..=job.instance_count.unwrap_or(1) {
            for (m, metric) in JOB_METRICS.iter().enumerate() {
                let key = job.series_key(metric, &format!("algo-{n}"));
                let mut t = (job.created.max(NOW - 3 * 3600) / 60 + 1) * 60;
                let span = (end - job.created).max(60) as f64;
                let mut points = Vec::new();
                while t < end {
                    let frac = (t - job.created) as f64 / span;
                    let wobble = noise(k as u64 * 7 + u64::from(n) + m as u64, t);
                    let v = match m {
                        0 => 80.0 + 10.0 * wobble,
                        1 => 15.0 + 55.0 * frac + wobble,
                        _ if job.name.ends_with("PrepareTrainingData") => 6.0 + 70.0 * frac,
                        _ => 4.0 + 2.0 * frac,
                    };
                    points.push((t, v));
                    t += 60;
                }
                s.store.ingest(
                    SeriesData {
                        key,
                        points,
                        status: SeriesStatus::Complete,
                    },
                    181,
                );
            }
        }
    }
    crate::views::jobs::rebuild(&mut s);
    if stage == JobsStage::Detail {
        let failed = s
            .views
            .jobs
            .rows
            .iter()
            .position(|r| {
                s.views
                    .jobs
                    .job(r)
                    .is_some_and(|j| j.failure_reason.is_some())
            })
            .unwrap_or(0);
        s.views.jobs.selected = failed;
        s.views.jobs.detail = true;
    }
    s
}

/// The screen `state` draws at its size, as text: one line per row, every cell's symbol.
pub fn screen_text(state: &State) -> String {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    let (w, h) = state.size;
    // A test backend cannot fail.
    let Ok(mut terminal) = Terminal::new(TestBackend::new(w, h));
    let _ = terminal.draw(|f| crate::ui::draw(state, f));
    let buf = terminal.backend().buffer();
    (0..h)
        .map(|y| (0..w).map(|x| buf[(x, y)].symbol()).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

/// A console as `sagewatch` starts it with no config file and no flags (the shipped theme
/// and keys), reading `kind` at `now`, drawn at `size`.
pub fn console_with_defaults(kind: SourceKind, now: Epoch, size: (u16, u16)) -> State {
    let defaults = crate::config::Overrides::default();
    let Ok(settings) = crate::config::load(&defaults, &crate::config::Env::default()) else {
        panic!("the shipped defaults load");
    };
    let mut state = State::new(kind, now, settings.theme, Arc::new(settings.keymap));
    state.size = size;
    state
}
