//! Behaviour of `update`, driven by actions alone: no terminal, no network, no clock.

use super::action::*;
use super::command::Command;
use super::state::*;
use super::testkit::*;
use super::update::{init, update};
use crate::app::refresh::REREAD_PERIODS;
use crate::config::keymap::Keymap;
use crate::config::theme::Theme;
use crate::source::metrics::{self, MetricId};
use crate::source::model::*;
use crate::source::{SeriesRequest, SourceError, SourceKind};
use std::sync::Arc;

#[test]
fn init_asks_for_identity_fleet_and_alarms() {
    let mut s = State::new(
        SourceKind::Demo,
        T0,
        Theme::default(),
        Arc::new(Keymap::default()),
    );
    let commands = init(&mut s);
    assert!(commands.contains(&Command::LoadIdentity));
    assert!(commands.contains(&Command::LoadFleet));
    assert!(commands.contains(&Command::LoadAlarms));
    // No endpoints known yet: no series can be asked for.
    assert!(
        !commands
            .iter()
            .any(|c| matches!(c, Command::LoadSeries { .. }))
    );
}

#[test]
fn commands_scope_switch_and_complain() {
    let mut s = state();
    update(&mut s, Action::Run("account prod".into()));
    assert_eq!(s.views.fleet.rows.len(), 2);
    assert_eq!(s.scope.as_deref(), Some("111111111111"));
    update(&mut s, Action::Run("account all".into()));
    assert_eq!(s.views.fleet.rows.len(), 4);
    update(&mut s, Action::Run("alarms".into()));
    assert_eq!(s.view, View::Alarms);
    update(&mut s, Action::Run("endpoint fraud-detector".into()));
    assert_eq!(
        s.view,
        View::Alarms,
        "ambiguous across accounts: not opened"
    );
    assert_eq!(s.flash.as_ref().unwrap().level, FlashLevel::Error);
    update(&mut s, Action::Run("endpoint churn".into()));
    assert_eq!(s.view, View::Endpoint);
    update(&mut s, Action::Run("nonsense".into()));
    assert!(s.flash.as_ref().unwrap().text.contains("unknown command"));
    update(&mut s, Action::Run("q".into()));
    assert!(s.should_quit);
}

#[test]
fn the_command_line_completes_and_keeps_history() {
    let mut s = state();
    update(&mut s, Action::OpenCommand);
    for c in "acc".chars() {
        update(&mut s, Action::Input(InputKey::Char(c)));
    }
    assert_eq!(s.completions, ["account"]);
    update(&mut s, Action::Input(InputKey::Tab));
    update(&mut s, Action::Input(InputKey::Char('p')));
    assert_eq!(s.completions, ["prod"]);
    update(&mut s, Action::Input(InputKey::Tab));
    match &s.prompt {
        Prompt::Command(l) => assert_eq!(l.text(), "account prod"),
        p => panic!("{p:?}"),
    }
    update(&mut s, Action::Input(InputKey::Enter));
    assert_eq!(s.scope.as_deref(), Some("111111111111"));
    assert_eq!(s.command_history, ["account prod"]);
}

#[test]
fn refresh_asks_only_for_what_is_new() {
    let mut s = state();
    let all = s.endpoints.clone();
    load_last_hour(&mut s, &all);
    // Within the minute nothing new can have closed: asking would pay for the same minute.
    let out = update(&mut s, Action::Tick(T0 + 30));
    assert!(requests_of(&out, SeriesPurpose::Fleet, 60).is_empty());
    assert!(
        !out.commands.contains(&Command::LoadFleet),
        "the endpoint list reloads each minute"
    );
    let out = update(&mut s, Action::Tick(T0 + 60));
    let minute = series_commands(&out)
        .into_iter()
        .find(|r| r.keys[0].period == 60)
        .cloned();
    let minute = minute.expect("1-minute series are due once a minute has closed");
    assert_eq!(
        minute.start,
        T0 - 60 - REREAD_PERIODS * 60,
        "from the newest slot held (less the re-read tail), not the whole hour"
    );

    // Hourly series whose current hour already has a point are not asked for again.
    let e = s.endpoints[0].clone();
    let current_hour = SeriesData {
        key: metrics::series_keys(&e, MetricId::Accuracy).remove(0),
        points: vec![(T0, 0.9)],
        status: SeriesStatus::Complete,
    };
    update(&mut s, loaded(Loaded::Series(Ok(vec![current_hour]))));
    // The next hourly poll.
    let out = update(
        &mut s,
        Action::Tick(T0 + crate::app::refresh::HOURLY_POLL_SECS),
    );
    let hourly = series_commands(&out)
        .into_iter()
        .find(|r| r.keys[0].period == 3600)
        .cloned()
        .unwrap();
    assert!(
        !hourly
            .keys
            .iter()
            .any(|k| k.dimension("Endpoint") == Some(e.name.as_str())
                && k.account_id == e.account_id
                && k.metric == "accuracy")
    );
    assert_eq!(hourly.keys.len(), 4 * 3 - 1);
}

#[test]
fn ticks_redraw_only_when_the_screen_can_change() {
    let mut s = state();
    update(&mut s, loaded(Loaded::Alarms(Ok(vec![]))));
    update(&mut s, loaded(Loaded::Series(Ok(vec![]))));
    assert!(!update(&mut s, Action::Tick(T0 + 1)).redraw);
    assert!(!update(&mut s, Action::Tick(T0 + 2)).redraw);
    assert!(
        update(&mut s, Action::Tick(T0 + 60)).redraw,
        "the minute changed"
    );
}

#[test]
fn errors_are_flashed_and_remembered_for_the_stale_marker() {
    let mut s = state();
    update(
        &mut s,
        loaded(Loaded::Alarms(Err(SourceError::AccessDenied {
            call: "DescribeAlarms".into(),
            action: "cloudwatch:DescribeAlarms".into(),
        }))),
    );
    let (_, text) = s.freshness.last_error.clone().unwrap();
    assert!(text.contains("cloudwatch:DescribeAlarms"));
    assert_eq!(s.flash.as_ref().unwrap().level, FlashLevel::Error);
}

#[test]
fn hostile_strings_are_cleaned_on_the_way_in() {
    let mut s = State::new(
        SourceKind::Demo,
        T0,
        Theme::default(),
        Arc::new(Keymap::default()),
    );
    let (mut accounts, mut endpoints) = fleet();
    accounts[0].label = "evil\u{1b}]0;pwned\u{7}".into();
    endpoints[0].name = "ep\u{9b}2J".into();
    update(&mut s, loaded(Loaded::Fleet(Ok((accounts, endpoints)))));
    assert!(
        s.accounts
            .iter()
            .all(|a| !a.label.chars().any(char::is_control))
    );
    assert!(
        s.endpoints
            .iter()
            .all(|e| !e.name.chars().any(char::is_control))
    );
}

#[test]
fn endpoints_that_disappear_take_their_series_with_them() {
    let mut s = state();
    let e = s.endpoints[0].clone();
    let data = vec![minute_points(&s, &e, MetricId::Cpu, T0 - 600, T0 - 60)];
    update(&mut s, loaded(Loaded::Series(Ok(data))));
    assert_eq!(s.store.len(), 1);
    let (accounts, mut endpoints) = fleet();
    endpoints.retain(|x| x.key() != e.key());
    update(&mut s, loaded(Loaded::Fleet(Ok((accounts, endpoints)))));
    assert!(s.store.is_empty());
}

#[test]
fn command_history_is_bounded() {
    let mut s = state();
    for i in 0..150 {
        update(&mut s, Action::OpenCommand);
        for c in format!("filter x{i}").chars() {
            update(&mut s, Action::Input(InputKey::Char(c)));
        }
        update(&mut s, Action::Input(InputKey::Enter));
    }
    assert_eq!(s.command_history.len(), 100);
    assert_eq!(
        s.command_history.last().map(String::as_str),
        Some("filter x149")
    );
}

#[test]
fn a_silent_series_does_not_widen_everyone_elses_refresh() {
    let mut s = state();
    // Every endpoint but the last has its CPU, memory and disk; the last has nothing yet.
    let with_data: Vec<Endpoint> = s.endpoints[..3].to_vec();
    load_last_hour(&mut s, &with_data);
    // The first backfill ran when the fleet loaded (T0); the next is due a minute later.
    let out = update(&mut s, Action::Tick(T0 + 61));
    let fleet = requests_of(&out, SeriesPurpose::Fleet, 60);
    assert_eq!(fleet.len(), 1);
    assert_eq!(fleet[0].keys.len(), 9);
    assert_eq!(
        fleet[0].start,
        T0 - 60 - REREAD_PERIODS * 60,
        "incremental despite the silent endpoint"
    );
    let backfill = requests_of(&out, SeriesPurpose::Backfill, 60);
    assert_eq!(backfill.len(), 1);
    assert_eq!(
        backfill[0].keys.len(),
        3,
        "only the silent endpoint's series"
    );
    assert_eq!(backfill[0].start, T0 + 60 - 3600, "aligned to the minute");
    // Within the minute, the silent series are not asked for again.
    let out = update(&mut s, Action::Tick(T0 + 75));
    assert!(!out.commands.iter().any(|c| matches!(
        c,
        Command::LoadSeries {
            purpose: SeriesPurpose::Backfill,
            ..
        }
    )));
}

#[test]
fn a_backfill_goes_out_even_when_a_late_tick_parts_it_from_the_minute_refresh() {
    // Nothing ever arrives: every series stays silent, so a backfill is due every minute.
    let mut s = state();
    let mut sent = Vec::new();
    for t in T0 + 1..=T0 + 400 {
        // One tick comes late: the minute refreshes now fall a second after the backfills.
        if t == T0 + 10 {
            continue;
        }
        let out = update(&mut s, Action::Tick(t));
        if !requests_of(&out, SeriesPurpose::Backfill, 60).is_empty() {
            sent.push(t - T0);
        }
    }
    assert_eq!(
        sent,
        [60, 120, 180, 240, 300, 360],
        "backfills at +{sent:?} s"
    );
}

#[test]
fn every_request_starts_and_ends_on_its_periods_boundaries() {
    // 10:37:13: a window from `now - 48h` would make CloudWatch stamp hourly points :37.
    let now = T0 + 37 * 60 + 13;
    let mut s = state_at(now);
    let out = update(&mut s, Action::Tick(now));
    let mut requests: Vec<SeriesRequest> = [true, false]
        .into_iter()
        .flat_map(|hourly| crate::app::refresh::fleet_requests(&s, hourly))
        .map(|(_, r)| r)
        .collect();
    requests.extend(series_commands(&out).into_iter().cloned());
    let out = update(&mut s, Action::Select);
    requests.extend(series_commands(&out).into_iter().cloned());
    assert!(requests.len() >= 4, "{requests:?}");
    for r in &requests {
        let p = i64::from(r.keys[0].period);
        assert_eq!(r.start % p, 0, "start of a {p}s request: {}", r.start % p);
        assert_eq!(r.end % p, 0, "end of a {p}s request");
        assert!(r.end >= now, "the period in progress is asked for");
    }
}

#[test]
fn late_points_are_read_again_and_the_store_takes_the_corrected_value() {
    let mut s = state();
    let e = s.endpoints[0].clone();
    let partial = minute_points(&s, &e, MetricId::Cpu, T0 - 600, T0 - 60);
    update(&mut s, loaded(Loaded::Series(Ok(vec![partial.clone()]))));
    let out = update(&mut s, Action::Tick(T0 + 61));
    let fleet = requests_of(&out, SeriesPurpose::Fleet, 60);
    assert!(
        fleet[0].start <= T0 - 60 - 2 * 60,
        "the last slots held are asked again"
    );
    let mut corrected = partial;
    corrected.points = vec![(T0 - 60, 75.0)];
    update(&mut s, loaded(Loaded::Series(Ok(vec![corrected.clone()]))));
    let held = s.store.get(&corrected.key).and_then(|x| x.latest());
    assert_eq!(held, Some((T0 - 60, 75.0)));
}

#[test]
fn off_screen_series_have_their_own_request_and_alarms_do_not_make_series_hot() {
    let mut s = state();
    // Two rows on screen: the other two endpoints are off screen.
    two_rows_on_screen(&mut s);
    let all = s.endpoints.clone();
    load_last_hour(&mut s, &all);
    // An alarm watches an off-screen endpoint's CPU: CloudWatch evaluates it, not us.
    let off = s.endpoints[s.views.fleet.rows[3]].clone();
    let watching = alarm("cpu", &off, MetricId::Cpu, AlarmState::Alarm, T0);
    update(&mut s, loaded(Loaded::Alarms(Ok(vec![watching]))));
    let out = update(&mut s, Action::Tick(T0 + 60));
    let hot = requests_of(&out, SeriesPurpose::Fleet, 60);
    assert_eq!(
        hot[0].keys.len(),
        6,
        "CPU, memory, disk of the two rows on screen"
    );
    assert!(!hot[0].keys.iter().any(|k| k.account_id == off.account_id
        && k.dimension("EndpointName") == Some(off.name.as_str())));
    // When the off-screen refresh is due, it is a request of its own: a slow on-screen
    // refresh still in flight (same key) cannot swallow it.
    let out = update(
        &mut s,
        Action::Tick(T0 + crate::app::refresh::COLD_SERIES_SECS),
    );
    let cold: Vec<&Command> = out
        .commands
        .iter()
        .filter(|c| {
            matches!(
                c,
                Command::LoadSeries {
                    purpose: SeriesPurpose::OffScreen,
                    ..
                }
            )
        })
        .collect();
    assert_eq!(cold.len(), 1);
    let hot_key = Command::LoadSeries {
        purpose: SeriesPurpose::Fleet,
        request: hot[0].clone(),
        replace: false,
    }
    .key();
    assert_ne!(cold[0].key(), hot_key);
}

#[test]
fn theme_switches_at_run_time_among_the_loaded_themes() {
    let mut s = state();
    let settings = crate::config::load(
        &crate::config::Overrides::default(),
        &crate::config::Env::default(),
    )
    .unwrap();
    s.theme = settings.theme.clone();
    s.themes = Arc::new(settings.themes);
    update(&mut s, Action::Run("theme light".into()));
    assert_eq!(s.theme.name, "light");
    assert_ne!(s.theme, settings.theme);
    update(&mut s, Action::Run("theme nosuch".into()));
    assert_eq!(s.theme.name, "light", "an unknown theme changes nothing");
    let flash = s.flash.clone().unwrap();
    assert_eq!(flash.level, FlashLevel::Error);
    assert!(
        flash.text.contains("colorblind"),
        "lists what exists: {}",
        flash.text
    );
    update(&mut s, Action::OpenCommand);
    for c in "theme h".chars() {
        update(&mut s, Action::Input(InputKey::Char(c)));
    }
    // Prefix matches first (Tab takes the first), then substring matches.
    assert_eq!(s.completions, ["high-contrast", "light"]);
}

#[test]
fn a_clock_that_steps_back_does_not_postpone_refreshes() {
    let mut s = state();
    update(&mut s, Action::Tick(T0 + 100));
    // NTP steps the host's clock an hour back.
    let back = T0 + 100 - 3600;
    let mut alarms_at = None;
    for t in back..back + 30 {
        let out = update(&mut s, Action::Tick(t));
        if out.commands.contains(&Command::LoadAlarms) {
            alarms_at = Some(t - back);
            break;
        }
    }
    let after = alarms_at.expect("alarms refreshed within 30 s of the step, not an hour later");
    assert!(after <= 11, "{after} s after the step");
    assert!(
        matches!(
            crate::app::query::freshness(&s),
            crate::app::query::DataFreshness::Fresh | crate::app::query::DataFreshness::Loading
        ),
        "a step back is not staleness"
    );
}

#[test]
fn a_host_clock_ahead_of_aws_is_corrected_by_the_measured_skew() {
    let mut s = state();
    let all = s.endpoints.clone();
    load_last_hour(&mut s, &all);
    // The bastion's clock is ten minutes fast; AWS's Date headers say so.
    let health = crate::source::SourceHealth {
        clock_skew_secs: Some(600),
        ..Default::default()
    };
    update(&mut s, loaded(Loaded::Health(health)));
    update(&mut s, Action::Tick(T0 + 600 + 30));
    assert_eq!(s.now, T0 + 30, "the console runs on AWS's clock");
    let e = &s.endpoints[0];
    assert!(
        !crate::app::query::endpoint_liveness(&s.store, e, s.now).is_stale(),
        "a row with last minute's point is not stale because the host's clock is fast"
    );
    // A skew within the Date header's resolution changes nothing.
    assert_eq!(crate::app::data::clock_correction(0, Some(3)), 0);
    // Once on, a reading just under 10 s does not switch it off (no flip-flop).
    assert_eq!(crate::app::data::clock_correction(0, Some(9)), 0);
    assert_eq!(crate::app::data::clock_correction(11, Some(9)), 9);
    assert_eq!(crate::app::data::clock_correction(11, Some(4)), 0);
}

#[test]
fn rows_scrolled_onto_the_screen_are_brought_up_to_date_at_once() {
    let mut s = state();
    two_rows_on_screen(&mut s);
    let all = s.endpoints.clone();
    load_last_hour(&mut s, &all);
    // Ten minutes on: the rows off screen were last refreshed long ago.
    update(&mut s, Action::Tick(T0 + 600));
    let out = update(&mut s, Action::MoveBottom);
    let caught_up: Vec<&SeriesRequest> = out
        .commands
        .iter()
        .filter_map(|c| match c {
            Command::LoadSeries {
                purpose: SeriesPurpose::ScrolledIn,
                request,
                replace: true,
            } => Some(request),
            _ => None,
        })
        .collect();
    assert_eq!(caught_up.len(), 1, "{:?}", out.commands);
    let shown: Vec<&Endpoint> = s.views.fleet.rows[s.views.fleet.offset..]
        .iter()
        .map(|&i| &s.endpoints[i])
        .collect();
    assert_eq!(
        caught_up[0].keys.len(),
        2 * 3,
        "CPU, memory and disk of the two rows now shown"
    );
    assert!(caught_up[0].keys.iter().all(|k| {
        shown.iter().any(|e| {
            k.dimension("EndpointName") == Some(e.name.as_str()) && k.account_id == e.account_id
        })
    }));
    // Moving within the screen brings nothing new on: no request.
    let out = update(&mut s, Action::MoveUp);
    assert!(out.commands.is_empty(), "{:?}", out.commands);
}

#[test]
fn an_alarm_refresh_that_changes_nothing_rebuilds_nothing() {
    let mut s = state();
    let e = s.endpoints[0].clone();
    let alarms = vec![alarm(
        "cpu-high",
        &e,
        MetricId::Cpu,
        AlarmState::Alarm,
        T0 - 600,
    )];
    update(&mut s, loaded(Loaded::Alarms(Ok(alarms.clone()))));
    assert_eq!(
        s.alarm_index.in_alarm_by_account.get(&e.account_id),
        Some(&1)
    );
    // A mark only a rebuild would wipe out.
    s.alarm_index
        .in_alarm_by_account
        .insert("untouched".into(), 9);
    update(&mut s, Action::Tick(T0 + 10));
    update(&mut s, loaded(Loaded::Alarms(Ok(alarms.clone()))));
    assert_eq!(s.alarm_index.in_alarm_by_account.get("untouched"), Some(&9));
    assert_eq!(
        s.freshness.alarms_ok_at,
        Some(T0 + 10),
        "the answer still counts as fresh"
    );
    // One account's answer, the same: nothing rebuilt either.
    let result = Ok(alarms.clone());
    update(
        &mut s,
        loaded(Loaded::AlarmsIn {
            account_id: alarms[0].account_id.clone(),
            result,
        }),
    );
    assert_eq!(s.alarm_index.in_alarm_by_account.get("untouched"), Some(&9));
    // A change is taken in whole.
    let mut moved = alarms;
    moved[0].state = AlarmState::Ok;
    update(&mut s, loaded(Loaded::Alarms(Ok(moved))));
    assert_eq!(s.alarm_index.in_alarm_by_account.get("untouched"), None);
    assert_eq!(s.alarm_index.in_alarm_by_account.get(&e.account_id), None);
}

#[test]
fn series_off_every_page_keep_their_latest_value_and_get_their_window_back_when_paged() {
    let mut s = state();
    two_rows_on_screen(&mut s);
    let all = s.endpoints.clone();
    load_last_hour(&mut s, &all);
    let cpu = |s: &State, row: usize| {
        let e = &s.endpoints[s.views.fleet.rows[row]];
        metrics::series_keys(e, MetricId::Cpu).remove(0)
    };
    let held = |s: &State, key: &SeriesKey| s.store.get(key).map(|x| (x.capacity(), x.latest()));
    let (top, bottom) = (cpu(&s, 0), cpu(&s, s.views.fleet.rows.len() - 1));
    assert!(
        held(&s, &top).unwrap().0 >= 60,
        "a row on the page keeps its sparkline"
    );
    assert_eq!(
        held(&s, &bottom),
        Some((1, Some((T0 - 60, 50.0)))),
        "a row off every page keeps its latest value only (sorts and counts need no more)"
    );
    let out = update(&mut s, Action::MoveBottom);
    assert_eq!(
        held(&s, &top).map(|(cap, _)| cap),
        Some(1),
        "the row that left the page gave its points back"
    );
    // The row paged in is asked for its whole window, not from its latest point.
    let asked = requests_of(&out, SeriesPurpose::ScrolledIn, 60);
    let request = asked
        .iter()
        .find(|r| r.keys.contains(&bottom))
        .expect("asked");
    assert_eq!(request.start, T0 - 3600);
    let answer = minute_points(
        &s,
        &s.endpoints[s.views.fleet.rows[s.views.fleet.rows.len() - 1]].clone(),
        MetricId::Cpu,
        T0 - 3600,
        T0 - 60,
    );
    update(&mut s, loaded(Loaded::Series(Ok(vec![answer]))));
    let series = s.store.get(&bottom).unwrap();
    assert!(
        series.capacity() >= 60 && series.len() == 60,
        "{}",
        series.len()
    );
}

#[test]
fn an_hourly_point_is_not_looked_for_long_before_the_minute_it_landed_last_hour() {
    let mut s = state();
    let e = s.endpoints[0].clone();
    let key = metrics::series_keys(&e, MetricId::Accuracy).remove(0);
    let asked = |s: &State| {
        crate::app::refresh::fleet_requests(s, true)
            .iter()
            .any(|(_, r)| r.keys.contains(&key))
    };
    let answer = |points: Vec<(Epoch, f64)>| {
        loaded(Loaded::Series(Ok(vec![SeriesData {
            key: key.clone(),
            points,
            status: SeriesStatus::Complete,
        }])))
    };
    // Looked for at :32 and not there yet; seen at :37.
    update(&mut s, Action::Tick(T0 + 32 * 60));
    update(&mut s, answer(vec![(T0 - 3600, 0.91)]));
    assert!(!s.hourly_arrival.contains_key(&key));
    update(&mut s, Action::Tick(T0 + 37 * 60));
    update(&mut s, answer(vec![(T0 - 3600, 0.91), (T0, 0.9)]));
    assert_eq!(s.hourly_arrival.get(&key), Some(&(37 * 60)));
    assert!(!asked(&s), "this hour's point is held");
    // Next hour: not at :05, nor at :30; from one poll before :37 on, yes.
    for (minute, want) in [(5, false), (30, false), (33, true), (45, true)] {
        update(&mut s, Action::Tick(T0 + 3600 + minute * 60));
        assert_eq!(asked(&s), want, "at :{minute:02}");
    }
    // A point first seen when the console started (never looked for before it landed)
    // says nothing about when it lands: the next hour is polled from the start.
    let mut s = state();
    update(&mut s, Action::Tick(T0 + 50 * 60));
    let other = metrics::series_keys(&s.endpoints[1].clone(), MetricId::Accuracy).remove(0);
    update(
        &mut s,
        loaded(Loaded::Series(Ok(vec![SeriesData {
            key: other.clone(),
            points: vec![(T0 - 3600, 0.9), (T0, 0.9)],
            status: SeriesStatus::Complete,
        }]))),
    );
    assert!(!s.hourly_arrival.contains_key(&other));
}

#[test]
fn a_run_that_finishes_after_its_hour_still_brings_its_schedules_other_metrics() {
    let mut s = state();
    let e = s.endpoints[0].clone();
    let keys: Vec<SeriesKey> = [MetricId::Accuracy, MetricId::Auc, MetricId::F2]
        .map(|id| metrics::series_keys(&e, id).remove(0))
        .to_vec();
    let at = |key: &SeriesKey, ts: Epoch| SeriesData {
        key: key.clone(),
        points: vec![(ts, 0.9)],
        status: SeriesStatus::Complete,
    };
    // All three hold 09:00. At 11:05 the 10:00 run's point arrives for the probe only.
    update(
        &mut s,
        loaded(Loaded::Series(Ok(keys
            .iter()
            .map(|k| at(k, T0 - 3600))
            .collect()))),
    );
    update(&mut s, Action::Tick(T0 + 3600 + 300));
    let out = update(&mut s, loaded(Loaded::Series(Ok(vec![at(&keys[0], T0)]))));
    let siblings: usize = out
        .commands
        .iter()
        .filter_map(|c| match c {
            Command::LoadSeries {
                purpose: SeriesPurpose::Siblings,
                request,
                ..
            } => Some(request.keys.len()),
            _ => None,
        })
        .sum();
    assert_eq!(
        siblings, 2,
        "AUC and F2 of the late run: {:?}",
        out.commands
    );
    // And the next hourly poll asks for them too if that answer is lost.
    let asked: Vec<SeriesKey> = crate::app::refresh::fleet_requests(&s, true)
        .into_iter()
        .flat_map(|(_, r)| r.keys.to_vec())
        .collect();
    assert!(
        asked.contains(&keys[1]) && asked.contains(&keys[2]),
        "{asked:?}"
    );
}

#[test]
fn in_fan_out_each_account_is_asked_apart_so_a_slow_one_holds_up_only_itself() {
    let mut s = state();
    s.reads_accounts_apart = true;
    let all = s.endpoints.clone();
    load_last_hour(&mut s, &all);
    let out = update(&mut s, Action::Tick(T0 + 60));
    let minute: Vec<&Command> = out
        .commands
        .iter()
        .filter(|c| {
            matches!(c, Command::LoadSeries { purpose: SeriesPurpose::Fleet, request, .. }
                if request.keys[0].period == 60)
        })
        .collect();
    assert_eq!(minute.len(), 2, "one request per account: {minute:?}");
    let keys: Vec<_> = minute.iter().map(|c| c.key()).collect();
    assert_ne!(
        keys[0], keys[1],
        "a request in flight for one account never holds the other's"
    );
    for c in &minute {
        let Command::LoadSeries { request, .. } = c else {
            unreachable!()
        };
        assert!(
            request
                .keys
                .iter()
                .all(|k| k.account_id == request.keys[0].account_id)
        );
    }
}

#[test]
fn waiting_for_a_monitoring_run_costs_one_metric_per_schedule_then_the_rest_at_once() {
    let mut s = state();
    // Every schedule has last hour's accuracy, AUC and F2.
    let all = s.endpoints.clone();
    let hourly: Vec<SeriesData> = all
        .iter()
        .flat_map(|e| {
            [MetricId::Accuracy, MetricId::Auc, MetricId::F2].map(|id| SeriesData {
                key: metrics::series_keys(e, id).remove(0),
                points: vec![(T0 - 3600, 0.9)],
                status: SeriesStatus::Complete,
            })
        })
        .collect();
    update(&mut s, loaded(Loaded::Series(Ok(hourly))));
    let waiting = crate::app::refresh::fleet_requests(&s, true);
    let asked: usize = waiting.iter().map(|(_, r)| r.keys.len()).sum();
    assert_eq!(asked, 4, "one probe per schedule, not 4 x 3: {waiting:?}");

    // The first schedule's run lands: its other two metrics are asked for at once.
    let probe = waiting[0].1.keys[0].clone();
    update(&mut s, Action::Tick(T0 + 20 * 60));
    let landed = SeriesData {
        key: probe.clone(),
        points: vec![(T0, 0.8)],
        status: SeriesStatus::Complete,
    };
    let out = update(&mut s, loaded(Loaded::Series(Ok(vec![landed]))));
    let siblings: Vec<&SeriesRequest> = out
        .commands
        .iter()
        .filter_map(|c| match c {
            Command::LoadSeries {
                purpose: SeriesPurpose::Siblings,
                request,
                ..
            } => Some(request),
            _ => None,
        })
        .collect();
    assert_eq!(siblings.len(), 1, "{:?}", out.commands);
    assert_eq!(siblings[0].keys.len(), 2);
    assert!(
        siblings[0]
            .keys
            .iter()
            .all(|k| k.account_id == probe.account_id
                && k.dimensions == probe.dimensions
                && k.metric != probe.metric)
    );
}

#[test]
fn in_fan_out_each_accounts_alarms_arrive_on_their_own_and_replace_only_theirs() {
    let mut s = state();
    s.reads_accounts_apart = true;
    let out = update(&mut s, Action::Tick(T0 + 15));
    let asked: Vec<&str> = out
        .commands
        .iter()
        .filter_map(|c| match c {
            Command::LoadAlarmsIn(a) => Some(a.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(asked.len(), 3, "one per account: {:?}", out.commands);
    assert!(!out.commands.contains(&Command::LoadAlarms));
    let keys: std::collections::HashSet<_> = out.commands.iter().map(Command::key).collect();
    assert_eq!(
        keys.len(),
        out.commands.len(),
        "no account's request waits on another's"
    );

    let e = s.endpoints[0].clone();
    let in_account = |account: &str, name: &str| {
        let mut a = alarm(name, &e, MetricId::Cpu, AlarmState::Ok, T0);
        a.account_id = account.into();
        a
    };
    let alarms_in = |account: &str, alarms: Vec<Alarm>| {
        loaded(Loaded::AlarmsIn {
            account_id: account.into(),
            result: Ok(alarms),
        })
    };
    update(
        &mut s,
        alarms_in("111111111111", vec![in_account("111111111111", "prod-cpu")]),
    );
    update(
        &mut s,
        alarms_in("222222222222", vec![in_account("222222222222", "stg-cpu")]),
    );
    update(
        &mut s,
        alarms_in(
            "111111111111",
            vec![in_account("111111111111", "prod-cpu-2")],
        ),
    );
    let mut names: Vec<&str> = s.alarms.iter().map(|a| a.name.as_str()).collect();
    names.sort();
    assert_eq!(names, ["prod-cpu-2", "stg-cpu"]);
    // One account failing flashes nothing and marks nothing stale: it shows as a failing call.
    let out = update(
        &mut s,
        loaded(Loaded::AlarmsIn {
            account_id: "222222222222".into(),
            result: Err(SourceError::Throttled {
                call: "DescribeAlarms 222222222222".into(),
            }),
        }),
    );
    assert!(!out.redraw);
    assert_eq!(s.alarms.len(), 2);
    assert!(s.freshness.last_error.is_none());
}

#[test]
fn one_accounts_failing_series_in_fan_out_marks_nothing_stale() {
    let mut s = state();
    s.reads_accounts_apart = true;
    let out = update(
        &mut s,
        loaded(Loaded::Series(Err(SourceError::Network {
            call: "GetMetricData 222222222222".into(),
            detail: "timed out".into(),
        }))),
    );
    assert!(!out.redraw);
    assert!(s.freshness.last_error.is_none() && s.flash.is_none());
}

#[test]
fn series_are_stale_only_against_the_cadence_of_the_screen_shown() {
    use crate::app::query::{DataFreshness, freshness};
    let mut s = state();
    update(&mut s, loaded(Loaded::Series(Ok(vec![]))));
    update(&mut s, loaded(Loaded::Alarms(Ok(vec![]))));
    // Five minutes on, alarms refreshed all along, the last series refresh 5 minutes ago.
    update(&mut s, Action::Tick(T0 + 300));
    update(&mut s, loaded(Loaded::Alarms(Ok(vec![]))));
    assert!(
        matches!(freshness(&s), DataFreshness::Stale(_)),
        "the fleet refreshes each minute"
    );
    s.view = View::Alarms;
    assert_eq!(
        freshness(&s),
        DataFreshness::Fresh,
        "the alarms screen shows no live series"
    );
}

#[test]
fn a_custom_source_at_300_s_is_a_sub_hourly_series_asked_for_on_its_own_boundaries() {
    let now = T0 + 37 * 60 + 13;
    let mut s = custom_state(now);
    let stg = s.endpoints[s.endpoint_index["222222222222"]["fraud-detector"]].clone();
    let acc = metrics::series_keys(&stg, MetricId::Accuracy).remove(0);
    assert_eq!(acc.period, 300);
    assert!(!crate::app::refresh::is_hourly(acc.period));
    let requests: Vec<SeriesRequest> = [false, true]
        .into_iter()
        .flat_map(|hourly| crate::app::refresh::fleet_requests(&s, hourly))
        .map(|(_, r)| r)
        .collect();
    // Every request holds one period and starts and ends on its boundaries.
    for r in &requests {
        let p = r.keys[0].period;
        assert!(r.keys.iter().all(|k| k.period == p), "{r:?}");
        assert_eq!(r.start % i64::from(p), 0);
        assert_eq!(r.end % i64::from(p), 0);
    }
    let custom: Vec<&SeriesRequest> = requests
        .iter()
        .filter(|r| r.keys[0].period == 300)
        .collect();
    assert_eq!(custom.len(), 1, "{requests:?}");
    assert!(custom[0].keys.contains(&acc));
    assert!(
        custom[0]
            .keys
            .iter()
            .all(|k| k.namespace == "MLTeam/ModelQuality")
    );
    // Its answer is kept (the store finds the endpoint by the custom dimension) and shown.
    let data = SeriesData {
        key: acc.clone(),
        points: vec![(T0 + 25 * 60, 0.91), (T0 + 30 * 60, 0.9)],
        status: SeriesStatus::Complete,
    };
    update(&mut s, loaded(Loaded::Series(Ok(vec![data]))));
    let paged = crate::app::refresh::paged(&s);
    assert!(crate::app::refresh::capacity_for(&s, &paged, &acc) >= 12);
    assert_eq!(
        crate::app::query::metric_latest(&s.store, &stg, MetricId::Accuracy),
        Some((T0 + 30 * 60, 0.9))
    );
    // A fleet reload that drops the endpoint drops its series.
    let (accounts, mut endpoints) = fleet();
    endpoints.remove(2);
    update(&mut s, loaded(Loaded::Fleet(Ok((accounts, endpoints)))));
    assert!(s.store.get(&acc).is_none());
}

#[test]
fn an_hourly_custom_source_is_probed_and_its_alarms_find_their_endpoint() {
    let mut s = custom_state(T0 + 10 * 60);
    let churn = s.endpoints[s.endpoint_index["111111111111"]["churn"]].clone();
    let keys: Vec<SeriesKey> = [MetricId::Accuracy, MetricId::Auc, MetricId::F2]
        .into_iter()
        .map(|id| metrics::series_keys(&churn, id).remove(0))
        .collect();
    let hourly: Vec<SeriesData> = keys
        .iter()
        .map(|k| SeriesData {
            key: k.clone(),
            points: vec![(T0 - 3600, 0.9)],
            status: SeriesStatus::Complete,
        })
        .collect();
    update(&mut s, loaded(Loaded::Series(Ok(hourly))));
    // Waiting for this hour's point: one of the source's metrics is the probe.
    let waiting: Vec<SeriesKey> = crate::app::refresh::fleet_requests(&s, true)
        .into_iter()
        .flat_map(|(_, r)| r.keys.to_vec())
        .filter(|k| k.namespace == "MLTeam/ModelQuality")
        .collect();
    assert_eq!(waiting.len(), 1, "{waiting:?}");

    // An alarm on the custom series: AWS's answer names no endpoint (the dimension is not
    // SageMaker's); the console finds it, and the chart and the row get its threshold.
    let mut a = alarm(
        "churn-acc",
        &churn,
        MetricId::Accuracy,
        AlarmState::Alarm,
        T0,
    );
    a.endpoint = None;
    update(&mut s, loaded(Loaded::Alarms(Ok(vec![a]))));
    assert_eq!(s.alarms[0].endpoint, Some(churn.key()));
    assert_eq!(s.worst_alarm(&churn), Some(AlarmState::Alarm));
    assert_eq!(
        crate::app::query::thresholds(&s, &churn, MetricId::Accuracy),
        [(0.85, AlarmState::Alarm)]
    );
    // The same series name in another account is not churn's.
    let mut elsewhere = keys[0].clone();
    elsewhere.account_id = "222222222222".into();
    assert!(s.endpoint_of_series(&elsewhere).is_none());
    assert_eq!(
        s.endpoint_of_series(&keys[0]).map(|e| e.key()),
        Some(churn.key())
    );
}

/// Issue 26: multi-region deployments name their endpoints alike. The same name in two
/// regions of one account is two endpoints: each key finds its own, and each series its own.
#[test]
fn the_same_endpoint_name_in_two_regions_is_two_endpoints() {
    let mut s = State::new(
        SourceKind::Aws,
        T0,
        Theme::default(),
        Arc::new(Keymap::default()),
    );
    let endpoint = |region: &str, variant: &str| Endpoint {
        account_id: "111111111111".into(),
        name: "fraud-detector".into(),
        status: EndpointStatus::InService,
        variants: vec![variant.into()],
        monitoring_schedules: Vec::new(),
        model_quality_namespace: None,
        quality: None,
        region: region.into(),
    };
    s.set_endpoints(vec![
        endpoint("eu-west-1", "blue"),
        endpoint("us-east-1", "green"),
    ]);
    assert!(s.twin_names);
    assert_eq!(
        s.regions,
        [Region::from("eu-west-1"), Region::from("us-east-1")]
    );
    for (i, e) in s.endpoints.clone().iter().enumerate() {
        assert_eq!(s.endpoint(&e.key()).map(|f| &f.variants), Some(&e.variants));
        let key = metrics::series_keys(e, MetricId::Cpu).remove(0);
        assert_eq!(s.endpoint_index_of_series(&key), Some(i), "{key:?}");
    }
    // Each twin's alarms colour its own row only.
    let (eu, us) = (s.endpoints[0].clone(), s.endpoints[1].clone());
    let alarms = vec![
        alarm("eu-cpu", &eu, MetricId::Cpu, AlarmState::Ok, T0),
        alarm("us-cpu", &us, MetricId::Cpu, AlarmState::Alarm, T0),
    ];
    update(&mut s, loaded(Loaded::Alarms(Ok(alarms))));
    assert_eq!(s.worst_alarm(&eu), Some(AlarmState::Ok));
    assert_eq!(s.worst_alarm(&us), Some(AlarmState::Alarm));
    // `:region` scopes to one of them.
    s.region_scope = Some("us-east-1".into());
    assert!(s.in_scope("111111111111", &"us-east-1".into()));
    assert!(!s.in_scope("111111111111", &"eu-west-1".into()));
}
