//! What an hour of watching a 500-endpoint fleet costs in GetMetricData, with the console's own
//! refresh logic (`update` + `refresh`) on a simulated clock, against two baselines computed
//! for the same series in the same run:
//! - naive: one GetMetricData call per series per refresh;
//! - batched: every series every refresh, 500 per call (no incremental or hot/cold logic).
//!
//! Deterministic (counts, not times). Run: `cargo bench --bench metric_cost`.
//!
//! `METRIC_COST_SCALE=100,100` watches 10,000 endpoints instead (above
//! `metrics_insights_above`: the rows on screen are read, the others ranked), and
//! `METRIC_COST_SORT=cpu` sorts the fleet by CPU, highest first (the rankings' queries are
//! billed by the metrics they analyse).

use sagewatch::app::action::Action;
use sagewatch::app::headless;
use sagewatch::app::state::State;
use sagewatch::app::update::init;
use sagewatch::clock::{FixedClock, SharedClock};
use sagewatch::config::{Env, Overrides, load};
use sagewatch::source::demo::{DemoConfig, DemoSource};
use sagewatch::source::unruly::Unruly;
use sagewatch::source::{FleetSource, SourceKind};
use std::sync::Arc;

/// 2026-11-26T10:00:00Z.
const START: i64 = 1_795_687_200;
const REFRESH_SECS: i64 = 10;

fn scale() -> (usize, usize) {
    let asked = std::env::var("METRIC_COST_SCALE").unwrap_or_else(|_| "10,50".into());
    let (a, e) = asked
        .split_once(',')
        .expect("METRIC_COST_SCALE=ACCOUNTS,ENDPOINTS");
    (a.trim().parse().unwrap(), e.trim().parse().unwrap())
}

fn main() {
    let clock = Arc::new(FixedClock::new(START));
    let shared: SharedClock = clock.clone();
    let source = Unruly::wrapping(DemoSource::new(
        DemoConfig {
            seed: 42,
            start: START,
            scale: Some(scale()),
        },
        shared,
    ));
    let settings = load(&Overrides::default(), &Env::default()).unwrap();
    let mut state = State::new(
        SourceKind::Demo,
        START,
        settings.theme,
        Arc::new(settings.keymap),
    );
    state.size = (200, 60);
    state.refresh_secs = REFRESH_SECS;
    state.ranks_available = source.ranks();
    state.metrics_insights_above = settings.config.metrics_insights_above as usize;
    let by_cpu = std::env::var("METRIC_COST_SORT").is_ok_and(|s| s == "cpu");
    if by_cpu {
        let cpu = sagewatch::source::metrics::FLEET_COLUMNS
            .iter()
            .position(|&m| m == sagewatch::source::metrics::MetricId::Cpu)
            .unwrap();
        state.views.fleet.sort = sagewatch::views::fleet::FleetColumn::Metric(cpu);
        state.views.fleet.descending = true;
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();

    let commands = init(&mut state);
    rt.block_on(headless::settle(&source, &mut state, commands));
    let first = source.health();
    // Every series of the fleet screen, for the baselines.
    let series: usize = state
        .endpoints
        .iter()
        .flat_map(|e| {
            state
                .fleet_metrics
                .iter()
                .map(move |&id| sagewatch::source::metrics::series_keys(e, id).len())
        })
        .sum();

    // One hour, ticking every second as the console does. Under `cargo test` (no `--bench`
    // argument, unoptimised build) five simulated minutes check that it still runs.
    let span: i64 = if std::env::args().any(|a| a == "--bench") {
        3600
    } else {
        300
    };
    for t in START + 1..=START + span {
        clock.set(t);
        rt.block_on(headless::apply(&source, &mut state, Action::Tick(t)));
    }
    let total = source.health();
    // A second hour shows the steady state: what was learned in the first (when each Model
    // Monitor schedule's point lands) pays off from the second on.
    let second_hour = (span == 3600).then(|| {
        for t in START + span + 1..=START + 2 * span {
            clock.set(t);
            rt.block_on(headless::apply(&source, &mut state, Action::Tick(t)));
        }
        let after = source.health();
        println!(
            "series asked for by period (both hours): {:?}",
            source.asked_by_period.lock().unwrap()
        );
        (
            after.metric_data_calls_last_hour - total.metric_data_calls_last_hour,
            after.metrics_requested_last_hour - total.metrics_requested_last_hour,
        )
    });
    println!(
        "series asked for by period (first load included): {:?}",
        source.asked_by_period.lock().unwrap()
    );
    let calls = total.metric_data_calls_last_hour - first.metric_data_calls_last_hour;
    let metrics = total.metrics_requested_last_hour - first.metrics_requested_last_hour;

    if span != 3600 {
        println!(
            "smoke run: {span} s simulated (run `cargo bench --bench metric_cost` for the hour)"
        );
    }
    let refreshes = (span / REFRESH_SECS) as u64;
    let naive = series as u64 * refreshes;
    let batched_calls = series.div_ceil(500) as u64 * refreshes;
    let batched_metrics = series as u64 * refreshes;
    println!(
        "fleet: {} endpoints, {series} series on the fleet screen (200x60, refresh {REFRESH_SECS} s){}{}",
        state.endpoints.len(),
        if state.ranks_fleet() {
            ", ranked by Metrics Insights off screen"
        } else {
            ""
        },
        if by_cpu { ", sorted by CPU" } else { "" },
    );
    println!(
        "first load:           {:>9} calls {:>11} metrics",
        first.metric_data_calls_last_hour, first.metrics_requested_last_hour
    );
    println!(
        "{:<22}{calls:>9} calls {metrics:>11} metrics  ${:.2}/h",
        format!("sagewatch, {span} s:"),
        metrics as f64 / 1000.0 * 0.01 * 3600.0 / span as f64
    );
    if let Some((calls, metrics)) = second_hour {
        println!(
            "{:<22}{calls:>9} calls {metrics:>11} metrics  ${:.2}/h",
            "sagewatch, 2nd hour:",
            metrics as f64 / 1000.0 * 0.01
        );
    }
    println!(
        "batched every series: {batched_calls:>9} calls {batched_metrics:>11} metrics  ${:.2}/h",
        batched_metrics as f64 / 1000.0 * 0.01 * 3600.0 / span as f64
    );
    println!(
        "naive (1 call/series):{naive:>9} calls {naive:>11} metrics  ${:.2}/h",
        naive as f64 / 1000.0 * 0.01 * 3600.0 / span as f64
    );
    println!(
        "ratio naive/sagewatch: calls {:.0}x, metrics {:.1}x",
        naive as f64 / calls.max(1) as f64,
        naive as f64 / metrics.max(1) as f64
    );
}
