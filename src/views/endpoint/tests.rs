//! The endpoint screen's flows, driven through `update`: opening, range, pan, chart keys.

use crate::app::action::*;
use crate::app::command::Command;
use crate::app::state::*;
use crate::app::testkit::*;
use crate::app::update::update;
use crate::source::metrics::{self};
use crate::views::{EndpointCall, ViewCall};

#[test]
fn enter_opens_the_endpoint_and_asks_for_its_charts_and_monitoring() {
    let mut s = state();
    update(&mut s, Action::MoveDown);
    let out = update(&mut s, Action::Select);
    assert_eq!(s.view, View::Endpoint);
    assert_eq!(
        s.views.endpoint.endpoint.as_ref().unwrap().name,
        "fraud-detector"
    );
    let requests = series_commands(&out);
    let keys: usize = requests.iter().map(|r| r.keys.len()).sum();
    assert_eq!(
        keys,
        metrics::METRICS.len(),
        "every metric of a 1-variant endpoint"
    );
    let hourly = requests.iter().find(|r| r.keys[0].period == 3600).unwrap();
    assert_eq!(
        hourly.end - hourly.start,
        86400,
        "hourly charts show at least a day"
    );
    assert!(out.commands.iter().any(|c| matches!(
        c,
        Command::View(ViewCall::Endpoint(EndpointCall::Monitoring(_)))
    )));
    update(&mut s, Action::Back);
    assert_eq!(s.view, View::Fleet);
}

#[test]
fn range_and_pan_reload_the_detail_window() {
    let mut s = state();
    update(&mut s, Action::Select);
    let out = update(&mut s, Action::Run("range 3d".into()));
    let minute = series_commands(&out)
        .into_iter()
        .find(|r| r.keys[0].period == 60)
        .cloned()
        .unwrap();
    assert_eq!(minute.end - minute.start, 3 * 86400);
    let out = update(&mut s, Action::PanBack);
    let minute = series_commands(&out)
        .into_iter()
        .find(|r| r.keys[0].period == 60)
        .cloned()
        .unwrap();
    assert_eq!(minute.end, T0 - 3 * 86400 / 2);
    update(&mut s, Action::PanForward);
    update(&mut s, Action::PanForward);
    assert_eq!(s.views.endpoint.pan, 0, "panning stops at now");
}

#[test]
fn chart_keys_do_nothing_outside_the_endpoint_screen_and_pan_is_bounded() {
    let mut s = state();
    for a in [Action::PanBack, Action::RangeWider, Action::ToggleMaximize] {
        let out = update(&mut s, a);
        assert!(out.commands.is_empty());
    }
    assert_eq!(
        (
            s.views.endpoint.pan,
            s.views.endpoint.range,
            s.views.endpoint.maximized
        ),
        (0, 0, false)
    );
    update(&mut s, Action::Select);
    update(&mut s, Action::Run("range 3d".into()));
    for _ in 0..100 {
        update(&mut s, Action::PanBack);
    }
    assert!(
        s.views.endpoint.pan <= crate::views::endpoint::MAX_PAN_SECS,
        "pan {}",
        s.views.endpoint.pan
    );
    // Reopening an endpoint shows it up to now again.
    update(&mut s, Action::Back);
    update(&mut s, Action::Select);
    assert_eq!(s.views.endpoint.pan, 0);
}
