//! Fixtures for the flows driven through `update`: a small organisation, its state, and
//! readers of the commands an outcome holds. Shared by the router's tests and the views'.

#![allow(dead_code)]

use crate::app::action::*;
use crate::app::command::Command;
use crate::app::state::*;
use crate::app::update::{Outcome, update};
use crate::config::keymap::Keymap;
use crate::config::theme::Theme;
use crate::source::metrics::{self, MetricId};
use crate::source::model::*;
use crate::source::{SeriesRequest, SourceKind};
use std::sync::Arc;

pub const T0: Epoch = 1_795_687_200; // 2026-11-26T10:00:00Z

pub fn endpoint(account: &str, name: &str) -> Endpoint {
    Endpoint {
        account_id: account.into(),
        name: name.into(),
        status: EndpointStatus::InService,
        variants: vec!["AllTraffic".into()],
        monitoring_schedules: vec![format!("{name}-mq")],
        model_quality_namespace: None,
        quality: None,
        region: Default::default(),
    }
}

pub fn account(id: &str, label: &str, monitoring: bool) -> Account {
    Account {
        id: id.into(),
        label: label.into(),
        monitoring,
    }
}

pub fn alarm(name: &str, e: &Endpoint, metric: MetricId, state: AlarmState, since: Epoch) -> Alarm {
    Alarm {
        account_id: "100000000000".into(),
        id: name.into(),
        name: name.into(),
        kind: AlarmKind::Metric {
            series: metrics::series_keys(e, metric).remove(0),
            comparison: Comparison::LessThanThreshold,
            threshold: 0.85,
            evaluation_periods: 1,
            datapoints_to_alarm: 1,
        },
        state,
        reason: "Threshold Crossed".into(),
        state_since: since,
        endpoint: Some(e.key()),
        actions_enabled: true,
        settings: Default::default(),
        region: Default::default(),
    }
}

/// Resizes to the smallest terminal whose fleet table shows two rows (of the four endpoints).
pub fn two_rows_on_screen(s: &mut State) {
    let height = (3..40)
        .find(|h| crate::views::table_rows(View::Fleet, (120, *h)) == 2)
        .unwrap();
    update(s, Action::Resize(120, height));
}

/// The scroll of the help overlay while it is on top.
pub fn help_scroll(s: &State) -> Option<usize> {
    match s.overlays.last() {
        Some(crate::overlays::Overlay::Help(h)) => Some(h.scroll),
        _ => None,
    }
}

pub fn loaded(l: impl Into<Loaded>) -> Action {
    Action::Loaded(Box::new(l.into()))
}

pub fn fleet() -> (Vec<Account>, Vec<Endpoint>) {
    (
        vec![
            account("222222222222", "staging", false),
            account("100000000000", "monitoring", true),
            account("111111111111", "prod", false),
        ],
        vec![
            endpoint("111111111111", "fraud-detector"),
            endpoint("111111111111", "churn"),
            endpoint("222222222222", "fraud-detector"),
            endpoint("222222222222", "image-tagger"),
        ],
    )
}

pub fn state() -> State {
    let mut s = State::new(
        SourceKind::Demo,
        T0,
        Theme::default(),
        Arc::new(Keymap::default()),
    );
    s.size = (120, 40);
    update(&mut s, loaded(Loaded::Fleet(Ok(fleet()))));
    s
}

/// The series requests of one purpose and period among an outcome's commands.
pub fn requests_of(out: &Outcome, purpose: SeriesPurpose, period: u32) -> Vec<&SeriesRequest> {
    out.commands
        .iter()
        .filter_map(|c| match c {
            Command::LoadSeries {
                purpose: p,
                request,
                ..
            } if *p == purpose && request.keys[0].period == period => Some(request),
            _ => None,
        })
        .collect()
}

pub fn series_commands(out: &Outcome) -> Vec<&SeriesRequest> {
    out.commands
        .iter()
        .filter_map(|c| match c {
            Command::LoadSeries { request, .. } => Some(request),
            _ => None,
        })
        .collect()
}

pub fn minute_points(s: &State, e: &Endpoint, id: MetricId, from: Epoch, to: Epoch) -> SeriesData {
    let _ = s;
    SeriesData {
        key: metrics::series_keys(e, id).remove(0),
        points: (from..=to).step_by(60).map(|t| (t, 50.0)).collect(),
        status: SeriesStatus::Complete,
    }
}

/// Loads the last hour of CPU, memory and disk of `endpoints`, as a fleet refresh would.
pub fn load_last_hour(s: &mut State, endpoints: &[Endpoint]) {
    let data: Vec<SeriesData> = endpoints
        .iter()
        .flat_map(|e| {
            [MetricId::Cpu, MetricId::Memory, MetricId::Disk]
                .map(|id| minute_points(s, e, id, T0 - 3600, T0 - 60))
        })
        .collect();
    update(s, loaded(Loaded::Series(Ok(data))));
}

/// A fresh state whose fleet loads at `now`.
pub fn state_at(now: Epoch) -> State {
    let mut s = State::new(
        SourceKind::Demo,
        now,
        Theme::default(),
        Arc::new(Keymap::default()),
    );
    s.size = (120, 40);
    update(&mut s, loaded(Loaded::Fleet(Ok(fleet()))));
    s
}

/// `endpoint` with its quality from a custom source named by `model_endpoint`.
pub fn custom_endpoint(account: &str, name: &str, period: u32) -> Endpoint {
    Endpoint {
        monitoring_schedules: Vec::new(),
        quality: Some(CustomQuality {
            namespace: "MLTeam/ModelQuality".into(),
            endpoint_dimension: "model_endpoint".into(),
            period,
        }),
        ..endpoint(account, name)
    }
}

/// The fleet with two endpoints on custom sources: staging's fraud-detector every 300 s,
/// prod's churn hourly.
pub fn custom_state(now: Epoch) -> State {
    let mut s = State::new(
        SourceKind::Aws,
        now,
        Theme::default(),
        Arc::new(Keymap::default()),
    );
    s.size = (120, 40);
    let (accounts, mut endpoints) = fleet();
    endpoints[1] = custom_endpoint("111111111111", "churn", 3600);
    endpoints[2] = custom_endpoint("222222222222", "fraud-detector", 300);
    update(&mut s, loaded(Loaded::Fleet(Ok((accounts, endpoints)))));
    s
}
