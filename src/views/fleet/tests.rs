//! The fleet's flows, driven through `update`: rows by account, movement, the filter.

use crate::app::action::*;
use crate::app::state::*;
use crate::app::testkit::*;
use crate::app::update::{Outcome, update};
use crate::config::keymap::Keymap;
use crate::config::theme::Theme;
use crate::source::SourceKind;
use std::sync::Arc;

#[test]
fn a_loaded_fleet_lists_rows_by_account_and_asks_for_their_series() {
    let mut s = State::new(
        SourceKind::Demo,
        T0,
        Theme::default(),
        Arc::new(Keymap::default()),
    );
    let out = update(&mut s, loaded(Loaded::Fleet(Ok(fleet()))));
    assert_eq!(
        s.accounts[0].label, "monitoring",
        "monitoring account first"
    );
    let names: Vec<String> = s
        .views
        .fleet
        .rows
        .iter()
        .map(|&i| {
            format!(
                "{}/{}",
                s.account_label(&s.endpoints[i].account_id),
                s.endpoints[i].name
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            "prod/churn",
            "prod/fraud-detector",
            "staging/fraud-detector",
            "staging/image-tagger"
        ]
    );
    let requests = series_commands(&out);
    assert_eq!(requests.len(), 2, "one 1-minute and one hourly request");
    let minute = requests.iter().find(|r| r.keys[0].period == 60).unwrap();
    // CPU, memory, disk of 4 endpoints with one variant each.
    assert_eq!(minute.keys.len(), 12);
    assert_eq!(minute.start, T0 - 3600);
}

#[test]
fn movement_is_clamped_and_keeps_the_selection_visible() {
    let mut s = state();
    // The smallest height whose table shows fewer rows than there are endpoints.
    two_rows_on_screen(&mut s);
    update(&mut s, Action::MoveUp);
    assert_eq!(s.views.fleet.selected, 0);
    update(&mut s, Action::MoveBottom);
    assert_eq!(s.views.fleet.selected, 3);
    assert_eq!(s.views.fleet.offset, 2, "the last two rows are on screen");
    update(&mut s, Action::PageUp);
    assert_eq!((s.views.fleet.selected, s.views.fleet.offset), (1, 1));
    update(&mut s, Action::MoveTop);
    assert_eq!((s.views.fleet.selected, s.views.fleet.offset), (0, 0));
}

#[test]
fn the_filter_narrows_live_and_escape_drops_it() {
    let mut s = state();
    update(&mut s, Action::OpenFilter);
    for c in "fraud".chars() {
        update(&mut s, Action::Input(InputKey::Char(c)));
    }
    assert_eq!(s.views.fleet.rows.len(), 2);
    // The label matches too.
    update(&mut s, Action::Input(InputKey::ClearLine));
    for c in "stag".chars() {
        update(&mut s, Action::Input(InputKey::Char(c)));
    }
    assert_eq!(s.views.fleet.rows.len(), 2);
    update(&mut s, Action::Input(InputKey::Enter));
    assert_eq!(s.prompt, Prompt::None);
    assert_eq!(s.views.fleet.filter, "stag");
    update(&mut s, Action::Back);
    assert_eq!(s.views.fleet.rows.len(), 4);
}

#[test]
fn a_sort_command_sorts_by_the_metric_column_named() {
    let mut s = state();
    update(&mut s, Action::Run("sort cpu desc".into()));
    assert_eq!(s.views.fleet.sort, super::FleetColumn::Metric(3));
    assert!(s.views.fleet.descending);
}

/// A fleet above `metrics_insights_above` (3 of the fixture's 4 endpoints), two rows on
/// screen, on a source that ranks.
fn large() -> State {
    let mut s = state();
    s.ranks_available = true;
    s.metrics_insights_above = 3;
    two_rows_on_screen(&mut s);
    s
}

/// The endpoints (account, name) the series commands among `commands` ask for.
fn asked_endpoints(commands: &[crate::app::command::Command]) -> Vec<(String, String)> {
    use crate::app::command::Command;
    let mut out: Vec<(String, String)> = commands
        .iter()
        .filter_map(|c| match c {
            Command::LoadSeries { request, .. } => Some(request.keys.to_vec()),
            _ => None,
        })
        .flatten()
        .filter_map(|k| {
            let name = k.dimension("EndpointName").or(k.dimension("Endpoint"))?;
            Some((k.account_id.to_string(), name.to_owned()))
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

fn pair(a: &str, n: &str) -> (String, String) {
    (a.to_owned(), n.to_owned())
}

#[test]
fn a_large_fleet_reads_the_series_of_the_rows_on_screen_only() {
    let mut s = large();
    crate::app::refresh::make_all_due(&mut s);
    let due = crate::app::refresh::due(&mut s);
    assert_eq!(
        asked_endpoints(&due),
        [
            pair("111111111111", "churn"),
            pair("111111111111", "fraud-detector")
        ],
        "the two rows on screen, none of the others"
    );
    // At or below the threshold, every endpoint's series are read.
    s.metrics_insights_above = 4;
    crate::app::refresh::make_all_due(&mut s);
    let due = crate::app::refresh::due(&mut s);
    assert_eq!(asked_endpoints(&due).len(), 4);
}

/// The outcome of the last key: its ranking is the one wanted.
fn sort_by_cpu_descending(s: &mut State) -> Outcome {
    while s.views.fleet.sort != super::FleetColumn::Metric(3) {
        update(s, Action::SortNext);
    }
    assert_eq!(
        crate::source::metrics::FLEET_COLUMNS[3],
        crate::source::metrics::MetricId::Cpu
    );
    update(s, Action::SortReverse)
}

fn rank_queries(out: &Outcome) -> Vec<crate::source::ranks::RankQuery> {
    use super::calls::FleetCall;
    (out.commands.iter())
        .filter_map(|c| match FleetCall::of(c)? {
            FleetCall::Rank(q) => Some(q.clone()),
        })
        .collect()
}

#[test]
fn sorting_a_large_fleet_by_a_metric_ranks_it_at_once_and_places_the_rows_off_screen() {
    use super::calls::FleetLoaded;
    use crate::source::metrics::MetricId;
    use crate::source::ranks::{RankCut, Ranked, Ranking};
    let mut s = large();
    let out = sort_by_cpu_descending(&mut s);
    let queries = rank_queries(&out);
    assert_eq!(queries.len(), 1, "one region: {queries:?}");
    let q = &queries[0];
    assert_eq!(
        (q.metric, q.lowest_first, q.account.clone()),
        (MetricId::Cpu, false, None)
    );
    assert_eq!(q.analysed, 4, "one variant each");
    assert_eq!(
        (q.start, q.end),
        crate::source::ranks::window(MetricId::Cpu, T0)
    );
    // Asked at once, not again until its cadence.
    assert!(rank_queries(&Outcome::with(crate::app::refresh::due(&mut s))).is_empty());

    let ranked = |account: &str, endpoint: &str, value: f32| Ranked {
        account_id: account.into(),
        endpoint: endpoint.into(),
        at: T0 - 60,
        value,
    };
    let ranking = Ranking {
        ranked: vec![
            ranked("222222222222", "image-tagger", 90.0),
            ranked("222222222222", "fraud-detector", 80.0),
        ],
        cut: RankCut::default(),
    };
    let out = update(
        &mut s,
        FleetLoaded::Rank {
            query: q.clone(),
            result: Ok(ranking.clone()),
        }
        .into(),
    );
    let names: Vec<String> = (s.views.fleet.rows.iter())
        .map(|&i| format!("{}/{}", s.endpoints[i].account_id, s.endpoints[i].name))
        .collect();
    assert_eq!(
        names[..2],
        ["222222222222/image-tagger", "222222222222/fraud-detector"],
        "the highest ranked first; the unranked after"
    );
    assert_eq!(
        (s.views.fleet.selected, s.views.fleet.offset),
        (0, 0),
        "the cursor stays on top: it does not follow the endpoint the ranking moved"
    );
    // The rows the ranking brought onto the screen are read at once.
    assert_eq!(
        asked_endpoints(&out.commands),
        [
            pair("222222222222", "fraud-detector"),
            pair("222222222222", "image-tagger")
        ]
    );
    assert!(
        super::ranks::note(&s).is_some_and(|n| n.contains("CPU ranked 2")),
        "{:?}",
        super::ranks::note(&s)
    );

    // An answer for the order before is dropped: the ascending ranking is on its way.
    let out = update(&mut s, Action::SortReverse);
    assert!(rank_queries(&out)[0].lowest_first);
    update(
        &mut s,
        FleetLoaded::Rank {
            query: q.clone(),
            result: Ok(ranking),
        }
        .into(),
    );
    assert!(s.views.fleet.ranks.by_region.is_empty());
}

#[test]
fn rows_a_typed_filter_passed_on_the_way_are_still_read_when_its_request_is_replaced() {
    let mut s = large();
    update(&mut s, Action::OpenFilter);
    // "t": staging's fraud-detector comes on screen beside prod's; neither has series yet.
    let out = update(&mut s, Action::Input(InputKey::Char('t')));
    assert_eq!(
        asked_endpoints(&out.commands),
        [
            pair("111111111111", "fraud-detector"),
            pair("222222222222", "fraud-detector")
        ]
    );
    // "ta": image-tagger comes on screen too. Its request replaces the one before, which
    // was not answered: it asks for both.
    let out = update(&mut s, Action::Input(InputKey::Char('a')));
    assert_eq!(
        asked_endpoints(&out.commands),
        [
            pair("222222222222", "fraud-detector"),
            pair("222222222222", "image-tagger")
        ]
    );
}

#[test]
fn sorting_through_columns_pays_for_the_last_ranking_only() {
    use crate::app::command::{Command, SETTLE};
    let mut s = large();
    let out = sort_by_cpu_descending(&mut s);
    let desc = Command::from(super::calls::FleetCall::Rank(rank_queries(&out)[0].clone()));
    let out = update(&mut s, Action::SortReverse);
    let asc = Command::from(super::calls::FleetCall::Rank(rank_queries(&out)[0].clone()));
    // The same work: the second replaces the first, waiting or running, after a pause in
    // which a third would replace it.
    assert_eq!(desc.key(), asc.key());
    assert!(asc.replaces_running());
    assert_eq!(asc.pause(), Some(SETTLE));
}
