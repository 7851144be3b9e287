//! The tape through the console's own update path on the demo (its clock pinned 8 minutes
//! into the story): opened from the accuracy alarm, every source read through the workers'
//! own `execute`, each line opening where it lives.

use super::calls::TapeCall;
use crate::app::action::Action;
use crate::app::command::Command;
use crate::app::state::State;
use crate::app::update::{init, update};
use crate::app::worker::execute;
use crate::source::demo::DemoSource;
use crate::source::trail::{Search, TrailSettings};
use crate::tape::{Kind, Target};
use crate::views::{TrailCall, View, ViewCall};
use std::sync::Arc;

const START: i64 = 1_795_687_200; // 2026-11-26T10:00:00Z
const NOW: i64 = START + 480;

fn demo() -> DemoSource {
    DemoSource::pinned(7, START, NOW)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Runs `commands` and all they lead to, except the tape's (returned, to be run apart).
fn settle(
    s: &mut State,
    source: &DemoSource,
    rt: &tokio::runtime::Runtime,
    mut commands: Vec<Command>,
) {
    while let Some(c) = commands.pop() {
        let action = rt.block_on(execute(source, None, c));
        commands.extend(update(s, action).commands);
    }
}

/// The demo's console with its fleet and alarms read, on the alarms view.
fn console(source: &DemoSource, rt: &tokio::runtime::Runtime) -> State {
    let settings = crate::config::load(
        &crate::config::Overrides::default(),
        &crate::config::Env::default(),
    )
    .unwrap();
    let mut s = State::new(
        crate::source::SourceKind::Demo,
        NOW,
        settings.theme,
        Arc::new(settings.keymap),
    );
    s.size = (160, 48);
    s.views.trail.available = Some(Ok(TrailSettings::default()));
    s.views.logs.available = true;
    let commands = init(&mut s);
    settle(&mut s, source, rt, commands);
    crate::app::navigate::show(&mut s, View::Alarms);
    s
}

fn select_alarm(s: &mut State, name: &str) {
    let row = s
        .views
        .alarms
        .rows
        .iter()
        .position(|&i| s.alarms[i].name == name)
        .expect("the alarm is listed");
    s.views.alarms.selected = row;
}

fn tape_calls(commands: &[Command]) -> Vec<&TapeCall> {
    commands.iter().filter_map(TapeCall::of).collect()
}

/// `I` on the accuracy alarm, every source answered.
fn opened(source: &DemoSource, rt: &tokio::runtime::Runtime) -> State {
    let mut s = console(source, rt);
    select_alarm(&mut s, "prod-fraud-detector-accuracy");
    let out = update(&mut s, Action::ShowTape);
    assert_eq!(s.view, View::Tape);
    assert_eq!(tape_calls(&out.commands).len(), super::Part::ALL.len());
    settle(&mut s, source, rt, out.commands);
    assert!(
        s.views.tape.waiting.is_empty(),
        "{:?}",
        s.views.tape.waiting
    );
    s
}

fn select(s: &mut State, pred: impl Fn(&crate::tape::Entry) -> bool) {
    let t = &mut s.views.tape;
    t.selected = t
        .rows
        .iter()
        .position(|&i| pred(&t.tape.entries()[i]))
        .expect("such a line");
    t.anchor = None;
}

#[test]
fn from_the_alarm_the_tape_opens_at_its_transition_with_the_deploy_before_it() {
    let (source, rt) = (demo(), runtime());
    let s = opened(&source, &rt);
    let t = &s.views.tape;
    let line = t.selected_line().expect("a line is selected");
    assert_eq!(line.kind, Kind::Alarm);
    assert!(
        line.text
            .starts_with("prod-fraud-detector-accuracy OK → ALARM"),
        "{}",
        line.text
    );
    let lines = t.tape.entries();
    let update_at = lines
        .iter()
        .find(|l| l.text == "UpdateEndpoint")
        .expect("the deploy");
    assert!(
        update_at
            .who
            .as_deref()
            .unwrap_or("")
            .ends_with("ml-deployer/alice")
    );
    assert!(update_at.at < line.at);
    for kind in [
        Kind::Trail,
        Kind::Monitor,
        Kind::Logs,
        Kind::Alarm,
        Kind::Scaling,
    ] {
        assert!(lines.iter().any(|l| l.kind == kind), "no {kind:?} line");
    }
    let all = format!("{lines:?}");
    assert!(!all.contains("fraud-detector-stg") && !all.contains("canary"));
    // Drawn: the selected line reads whole enough to be known at 80x24, and at 160x48.
    for (w, h) in [(80, 24), (160, 48)] {
        let mut s = s.clone();
        s.size = (w, h);
        let screen = crate::ui::tests::plain(&crate::ui::tests::render(&s, w, h));
        assert!(
            screen.contains("prod-fraud-detector-accuracy OK → ALARM"),
            "{screen}"
        );
        assert!(screen.contains("tape · fraud-detector (prod)"), "{screen}");
    }
}

#[test]
fn enter_opens_the_trail_event_and_the_logs_at_that_minute() {
    let (source, rt) = (demo(), runtime());
    let mut s = opened(&source, &rt);
    select(&mut s, |l| l.text == "UpdateEndpoint");
    let Target::TrailEvent { event_id, .. } = s.views.tape.selected_line().unwrap().target.clone()
    else {
        panic!("a trail line opens its event")
    };
    let out = update(&mut s, Action::Select);
    assert_eq!(s.view, View::Trail);
    let started = out.commands.iter().find_map(|c| match c {
        Command::View(ViewCall::Trail(TrailCall::Start(q))) => Some(q.search.clone()),
        _ => None,
    });
    assert!(
        matches!(&started, Some(Search::Event { event_id: id, .. }) if *id == event_id),
        "{started:?}"
    );
    // Back to the tape, then the error spike: the endpoint's logs around its minute.
    update(&mut s, Action::Back);
    update(&mut s, Action::Back);
    assert_eq!(s.view, View::Tape);
    select(&mut s, |l| {
        l.kind == Kind::Logs && l.text.contains("errors rose")
    });
    let Target::Logs { minute } = s.views.tape.selected_line().unwrap().target else {
        panic!("a logs line opens the logs")
    };
    let out = update(&mut s, Action::Select);
    assert_eq!(s.view, View::Logs);
    assert!(!out.commands.is_empty(), "the logs' query starts");
    let logs = &s.views.logs;
    assert!(logs.insights.until.is_none_or(|u| u > minute));
    assert!(logs.insights.span_secs >= 5 * 60);
}

#[test]
fn space_hides_a_kind_esc_peels_filter_then_kinds_then_the_view() {
    let (source, rt) = (demo(), runtime());
    let mut s = opened(&source, &rt);
    let all = s.views.tape.rows.len();
    select(&mut s, |l| l.kind == Kind::Monitor);
    update(&mut s, Action::ToggleMark);
    let t = &s.views.tape;
    assert!(t.rows.len() < all);
    assert!(
        t.rows
            .iter()
            .all(|&i| t.tape.entries()[i].kind != Kind::Monitor)
    );
    crate::views::module(View::Tape).set_filter(&mut s, "alice");
    assert!(s.views.tape.rows.len() < all);
    update(&mut s, Action::Back);
    assert!(s.views.tape.filter.is_empty());
    update(&mut s, Action::Back);
    assert_eq!(s.views.tape.rows.len(), all, "every kind shown again");
    update(&mut s, Action::Back);
    assert_eq!(s.view, View::Alarms, "back where it was opened");
}

#[test]
fn answers_to_an_older_opening_are_dropped_and_wider_reads_again() {
    let (source, rt) = (demo(), runtime());
    let mut s = console(&source, &rt);
    select_alarm(&mut s, "prod-fraud-detector-accuracy");
    let first = update(&mut s, Action::ShowTape).commands;
    let window = s.views.tape.window.unwrap();
    let again = update(&mut s, Action::RangeWider).commands;
    let wider = s.views.tape.window.unwrap();
    assert!(wider.from < window.from && tape_calls(&again).len() == super::Part::ALL.len());
    // The first opening's answers arrive late: nothing of them is kept.
    settle(&mut s, &source, &rt, first);
    assert!(s.views.tape.tape.is_empty());
    assert_eq!(s.views.tape.waiting.len(), super::Part::ALL.len());
    settle(&mut s, &source, &rt, again);
    assert!(!s.views.tape.tape.is_empty());
}

#[test]
fn the_command_opens_by_alarm_or_endpoint_and_says_what_it_expected() {
    let (source, rt) = (demo(), runtime());
    let mut s = console(&source, &rt);
    let out = update(&mut s, Action::Run("tape fraud-detector 2d".into()));
    assert_eq!(s.view, View::Tape);
    let w = s.views.tape.window.unwrap();
    assert_eq!(w.to - w.from, 2 * 86_400);
    assert_eq!(tape_calls(&out.commands).len(), super::Part::ALL.len());
    for (line, said) in [
        ("tape nope", "no endpoint"),
        ("tape fraud-detector 9d", "within 7 days"),
        ("tape a b c", "expected :tape"),
    ] {
        let out = update(&mut s, Action::Run(line.into()));
        assert!(tape_calls(&out.commands).is_empty(), "{line}");
        let flash = s.flash.as_ref().map(|f| f.text.clone()).unwrap_or_default();
        assert!(flash.contains(said), "{line}: {flash}");
    }
}

#[test]
fn w_saves_the_post_mortem_draft_of_the_lines_shown() {
    let (source, rt) = (demo(), runtime());
    let mut s = opened(&source, &rt);
    crate::views::module(View::Tape).set_filter(&mut s, "alice");
    let out = update(&mut s, Action::SaveLogs);
    let Some(Command::Export(job)) = out.commands.first() else {
        panic!("{:?}", out.commands)
    };
    assert_eq!(job.format, crate::app::command::ExportFormat::Markdown);
    assert_eq!(
        job.path, None,
        "a new file named for its time, never over one"
    );
    let rows = job.rows.to_vecs();
    let text: Vec<&str> = rows.iter().filter_map(|r| r[0].as_deref()).collect();
    assert!(
        text[0].starts_with("# Incident tape: fraud-detector"),
        "{text:?}"
    );
    let table: Vec<&&str> = text.iter().filter(|l| l.starts_with("| 2026")).collect();
    assert!(
        !table.is_empty() && table.iter().all(|l| l.contains("alice")),
        "{table:?}"
    );
}

#[test]
fn a_status_change_the_console_saw_is_on_the_tape() {
    let (source, rt) = (demo(), runtime());
    let mut s = console(&source, &rt);
    let mut endpoints = s.endpoints.clone();
    let fraud = endpoints
        .iter_mut()
        .find(|e| e.name == "fraud-detector" && e.account_id == "111111111111")
        .unwrap();
    fraud.status = crate::source::model::EndpointStatus::Updating;
    let accounts = s.accounts.clone();
    update(&mut s, Action::Tick(NOW + 30));
    update(
        &mut s,
        Action::Loaded(Box::new(crate::app::action::Loaded::Fleet(Ok((
            accounts, endpoints,
        ))))),
    );
    select_alarm(&mut s, "prod-fraud-detector-accuracy");
    let out = update(&mut s, Action::ShowTape);
    settle(&mut s, &source, &rt, out.commands);
    let t = &s.views.tape;
    let seen = t.tape.entries().iter().find(|l| {
        l.kind == Kind::Status && l.at == NOW + 30 && l.text == "endpoint Updating (was InService)"
    });
    assert!(
        seen.is_some(),
        "{:#?}",
        t.tape
            .entries()
            .iter()
            .filter(|l| l.kind == Kind::Status)
            .collect::<Vec<_>>()
    );
}

#[test]
fn help_says_what_the_keys_do_here() {
    let (source, rt) = (demo(), runtime());
    let s = opened(&source, &rt);
    let rows = crate::overlays::help::rows(&s);
    let said = |text: &str| {
        rows.iter().any(
            |r| matches!(r, crate::overlays::help::Row::Entry(_, desc, _) if desc.contains(text)),
        )
    };
    assert!(said("Hide the selected line's kind"));
    assert!(said("Open the line where it lives"));
    assert!(
        !said("Mark the alarm for mute"),
        "the alarms' meaning of Space is not this view's"
    );
}
