//! A large fleet sorted by a metric (`State::ranks_fleet`): the rows on screen have their
//! series, the others are placed by Metrics Insights rankings, one per region (and account,
//! under `:account`), of the highest or lowest values of the sorted metric. A row neither
//! on screen nor ranked sorts after the ranked ones, by name, as a row without data does.

use super::calls::{FleetCall, FleetLoaded};
use super::{FleetColumn, rows, update};
use crate::app::command::Command;
use crate::app::outcome::Outcome;
use crate::app::refresh;
use crate::app::state::State;
use crate::source::metrics::{self, DimensionStyle, FLEET_COLUMNS, MetricId};
use crate::source::model::{EndpointKey, Epoch, Region};
use crate::source::ranks::{self, MAX_METRICS, RankQuery, Ranking};

/// Rankings are asked this often while the fleet is sorted by a metric: as often as the
/// series of off-screen rows were read before a fleet grew past the threshold. A new sort,
/// order or scope asks at once.
pub const RANKS_SECS: i64 = refresh::COLD_SERIES_SECS;

#[derive(Debug, Clone, Default)]
pub struct Ranks {
    /// The metric and order (lowest first) the rankings are of.
    pub of: Option<(MetricId, bool)>,
    /// Each region's last ranking.
    pub by_region: Vec<(Region, Ranking)>,
    /// The last ranking that failed, for the title (the status bar names the call).
    pub failed: bool,
    pub due_at: Epoch,
}

/// The metric and order to rank by now, if the fleet is large and sorted by a metric.
fn wanted(state: &State) -> Option<(MetricId, bool)> {
    let FleetColumn::Metric(i) = state.views.fleet.sort else {
        return None;
    };
    let metric = FLEET_COLUMNS[i.min(FLEET_COLUMNS.len() - 1)];
    state
        .ranks_fleet()
        .then_some((metric, !state.views.fleet.descending))
}

/// The rankings due now: one per region in scope.
pub fn due(state: &mut State) -> Vec<Command> {
    let Some(of) = wanted(state) else {
        // Not (or no longer) a large fleet sorted by a metric: no ranking is held, so the
        // title (`note`) reads what is held instead of counting the fleet every frame.
        if state.views.fleet.ranks.of.is_some() {
            state.views.fleet.ranks = Ranks::default();
        }
        return Vec::new();
    };
    let ranks = &mut state.views.fleet.ranks;
    if ranks.of != Some(of) {
        *ranks = Ranks {
            of: Some(of),
            ..Ranks::default()
        };
    }
    if state.now < ranks.due_at {
        return Vec::new();
    }
    ranks.due_at = state.now + RANKS_SECS;
    let (metric, lowest_first) = of;
    let (start, end) = ranks::window(metric, state.now);
    let in_scope = |r: &&Region| state.region_scope.as_ref().is_none_or(|s| s == *r);
    (state.regions.iter().filter(in_scope))
        .map(|region| {
            let query = RankQuery {
                region: region.clone(),
                account: state.scope.clone(),
                metric,
                lowest_first,
                start,
                end,
                analysed: analysed(state, region, metric),
            };
            FleetCall::Rank(query).into()
        })
        .collect()
}

/// The metrics a ranking of `region` analyses, as the endpoints listed count them (one per
/// variant, or per schedule), at most `MAX_METRICS`: what the query is billed as.
fn analysed(state: &State, region: &Region, metric: MetricId) -> u32 {
    let per_endpoint = |e: &crate::source::model::Endpoint| match metrics::spec(metric).dimensions {
        DimensionStyle::EndpointVariant => e.variants.len(),
        DimensionStyle::EndpointSchedule => {
            usize::from(e.quality.is_none() && !e.monitoring_schedules.is_empty())
        }
    };
    let n: usize = (state.endpoints.iter())
        .filter(|e| &e.region == region && state.in_scope(&e.account_id, &e.region))
        .map(per_endpoint)
        .sum();
    n.min(MAX_METRICS as usize) as u32
}

/// A ranking landed: it places the rows off screen; rows it brings onto the screen are
/// read at once (`catching_up`).
pub fn loaded(state: &mut State, loaded: FleetLoaded) -> Outcome {
    let FleetLoaded::Rank { query, result } = loaded;
    let ranks = &mut state.views.fleet.ranks;
    // The sort changed since it was asked: another ranking is on its way.
    if ranks.of != Some((query.metric, query.lowest_first)) {
        return Outcome::default();
    }
    // The first ranking of a sort keeps the cursor where it is (the top, usually): the
    // rows were just sorted by a key, and the table must not jump a moment later to where
    // the selected endpoint landed. Later rankings follow the endpoint, as a sort does.
    let first = ranks.by_region.is_empty();
    match result {
        Ok(ranking) => {
            ranks.failed = false;
            match ranks.by_region.iter_mut().find(|(r, _)| *r == query.region) {
                Some((_, held)) => *held = ranking,
                None => ranks.by_region.push((query.region, ranking)),
            }
        }
        // The failing call is on the status bar (the source's health); the last rankings
        // keep the order meanwhile.
        Err(e) => {
            tracing::warn!(error = %e, "a Metrics Insights ranking failed");
            ranks.failed = true;
            return Outcome::redraw();
        }
    }
    update::catching_up(state, |s| {
        let (selected, offset) = (s.views.fleet.selected, s.views.fleet.offset);
        rows::rebuild(s);
        let f = &mut s.views.fleet;
        if first {
            f.selected = selected.min(f.rows.len().saturating_sub(1));
            f.offset = offset.min(f.selected);
        }
        Outcome::redraw()
    })
}

/// The ranked value of each endpoint ranked by `metric`, by index into
/// `State::endpoints`: what places the rows whose series are not held.
pub fn values(state: &State, metric: MetricId) -> rustc_hash::FxHashMap<usize, (Epoch, f32)> {
    let ranks = &state.views.fleet.ranks;
    let mut out = rustc_hash::FxHashMap::default();
    if ranks.of.map(|(m, _)| m) != Some(metric) {
        return out;
    }
    for (region, ranking) in &ranks.by_region {
        for r in &ranking.ranked {
            let key = EndpointKey {
                account_id: r.account_id.clone(),
                name: r.endpoint.clone(),
                region: region.clone(),
            };
            if let Some(i) = state.endpoint_index_of(&key) {
                out.insert(i, (r.at, r.value));
            }
        }
    }
    out
}

/// What the table's title says of the rankings: how many rows they place, and what
/// Metrics Insights left out. `None` when the fleet is not ranked.
pub fn note(state: &State) -> Option<String> {
    let ranks = &state.views.fleet.ranks;
    let (metric, _) = ranks.of?;
    let short = metrics::spec(metric).short;
    if ranks.failed && ranks.by_region.is_empty() {
        return Some(format!("· {short} ranking failed "));
    }
    let placed: usize = ranks.by_region.iter().map(|(_, r)| r.ranked.len()).sum();
    let cut = |f: fn(&Ranking) -> bool| ranks.by_region.iter().any(|(_, r)| f(r));
    let mut note = format!("· {short} ranked {placed} ");
    if cut(|r| r.cut.metrics) {
        note.push_str("of first 10k metrics ");
    }
    Some(note)
}
