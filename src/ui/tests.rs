//! Screen snapshots of the fixture organisation and a property test over terminal sizes.

use super::fixture;
use super::*;
use crate::app::action::Action;
use crate::app::state::{Prompt, State};
use crate::overlays::{Overlay, help::Help};
use crate::views::View;
use proptest::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

/// Draws `state` on a `w` x `h` test terminal and returns the buffer.
pub fn render(state: &State, w: u16, h: u16) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test backend");
    terminal.draw(|f| draw(state, f)).expect("draw");
    terminal.backend().buffer().clone()
}

/// The buffer as plain text, one line per row, trailing blanks trimmed.
pub fn plain(buf: &Buffer) -> String {
    let area = buf.area;
    let mut out = String::new();
    for y in area.top()..area.bottom() {
        let line: String = (area.left()..area.right())
            .map(|x| buf[(x, y)].symbol())
            .collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// `state` with the help overlay on top at `scroll` (or as it was).
fn with_help(mut state: State, scroll: Option<usize>) -> State {
    state
        .overlays
        .extend(scroll.map(|scroll| Overlay::Help(Help { scroll })));
    state
}

fn snap(state: &State, w: u16, h: u16) -> String {
    plain(&render(state, w, h))
}

macro_rules! screens {
    ($($name:ident: $state:expr;)*) => {$(
        #[test]
        fn $name() {
            let state = $state;
            insta::assert_snapshot!(concat!(stringify!($name), "_80x24"), snap(&state, 80, 24));
            insta::assert_snapshot!(concat!(stringify!($name), "_160x48"), snap(&state, 160, 48));
        }
    )*};
}

screens! {
    fleet: fixture::in_view(View::Fleet);
    endpoint: fixture::in_view(View::Endpoint);
    alarms: fixture::in_view(View::Alarms);
    alarm_history: fixture::with_history();
    help: with_help(fixture::state(), Some(0));
    command_line: fixture::with_prompt();
    confirm: fixture::with_confirm(false);
    confirm_danger: fixture::with_confirm(true);
    form: fixture::with_form();
    alarm_form: fixture::with_alarm_form();
    alarm_mute_form: fixture::with_mute_form();
    alarm_mute_confirm: fixture::with_alarm_action(Action::MuteAlarm);
    alarm_delete_confirm: fixture::with_alarm_action(Action::DeleteAlarm);
    trail_results: fixture::with_trail(fixture::TrailStage::Results);
    trail_running: fixture::with_trail(fixture::TrailStage::Running);
    trail_detail: fixture::with_trail(fixture::TrailStage::Detail);
    trail_error: fixture::with_trail(fixture::TrailStage::Error);
    trail_failed: fixture::with_trail(fixture::TrailStage::Failed);
    logs_insights: fixture::with_logs(fixture::LogsStage::Insights);
    logs_running: fixture::with_logs(fixture::LogsStage::Running);
    logs_detail: fixture::with_logs(fixture::LogsStage::Detail);
    logs_tail: fixture::with_logs(fixture::LogsStage::Tail);
    logs_tail_held: fixture::with_logs(fixture::LogsStage::TailHeld);
    studio_apps: fixture::with_studio(fixture::StudioStage::Apps);
    studio_filtered: fixture::with_studio(fixture::StudioStage::Filtered);
    jobs: fixture::with_jobs(fixture::JobsStage::List);
    jobs_detail: fixture::with_jobs(fixture::JobsStage::Detail);
}

#[test]
fn maximized_chart_fills_the_body() {
    let mut s = fixture::in_view(View::Endpoint);
    s.views.endpoint.maximized = true;
    s.views.endpoint.selected_chart = 7;
    let text = snap(&s, 100, 30);
    assert!(text.contains("DiskUtilization"), "{text}");
    assert!(!text.contains("accuracy"), "other charts drawn:\n{text}");
}

#[test]
fn table_rows_match_what_is_drawn() {
    let s = fixture::scaled(2, 50);
    for (w, h) in [(80, 24), (160, 48), (200, 60), (40, 6)] {
        let n = crate::views::table_rows(View::Fleet, (w, h));
        let text = snap(&s, w, h);
        let drawn = text.lines().filter(|l| l.contains("model-")).count();
        assert_eq!(drawn, n, "at {w}x{h}");
    }
    assert_eq!(crate::views::table_rows(View::Endpoint, (80, 24)), 0);
    assert_eq!(crate::views::table_rows(View::Alarms, (80, 24)), 24 - 2 - 3);
}

#[test]
fn a_confirmation_just_opened_says_it_is_not_taking_keys_yet() {
    let mut s = fixture::in_view(View::Alarms);
    crate::app::update::update(&mut s, Action::DeleteAlarm);
    let waiting = snap(&s, 80, 24);
    assert!(
        waiting.contains("wait… keys are ignored; Esc cancels"),
        "{waiting}"
    );
    assert!(!waiting.contains("to confirm"), "{waiting}");
    crate::overlays::confirm::moment_passes(&mut s);
    let armed = snap(&s, 80, 24);
    assert!(armed.contains("to confirm"), "{armed}");
}

#[test]
fn the_prompt_places_the_cursor_after_the_text() {
    let s = fixture::with_prompt();
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("test backend");
    terminal.draw(|f| draw(&s, f)).expect("draw");
    let pos = terminal.get_cursor_position().expect("cursor");
    assert_eq!((pos.x, pos.y), (3, 23));
    let text = plain(terminal.backend().buffer());
    assert!(text.lines().last().unwrap_or_default().starts_with(":ra"));
    assert!(matches!(s.prompt, Prompt::Command(_)));
}

#[test]
fn stale_data_is_marked_in_the_status_bar() {
    let mut s = fixture::state();
    let text = snap(&s, 120, 10);
    assert!(!text.lines().last().unwrap_or_default().contains("STALE"));
    s.now += 10 * 60;
    let text = snap(&s, 120, 10);
    assert!(
        text.lines()
            .last()
            .unwrap_or_default()
            .contains("STALE 10m"),
        "{text}"
    );
}

#[test]
fn a_quality_value_older_than_its_alarms_change_is_marked_not_coloured_as_current() {
    let mut s = fixture::state();
    let row = |text: &str| {
        text.lines()
            .find(|l| l.contains("prod") && l.contains(" fraud-detector "))
            .unwrap_or_default()
            .to_owned()
    };
    // The accuracy alarm fired on the point the fleet holds: drawn as it is.
    let text = snap(&s, 160, 20);
    assert!(!row(&text).contains("~"), "{text}");
    // It fired on a point newer than the newest held: the value drawn is older than what
    // the alarm evaluated.
    let newest = s
        .store
        .iter()
        .filter(|(k, _)| k.metric == "accuracy" && k.period >= 3600)
        .filter_map(|(_, series)| series.latest().map(|(ts, _)| ts))
        .max()
        .unwrap();
    let alarm = s
        .alarms
        .iter_mut()
        .find(|a| {
            a.metric_name() == Some("accuracy")
                && a.state == crate::source::model::AlarmState::Alarm
        })
        .unwrap();
    let point = chrono::DateTime::from_timestamp(newest + 3600, 0)
        .unwrap()
        .format("%d/%m/%y %H:%M:%S");
    alarm.reason = format!(
        "Threshold Crossed: 1 datapoint [0.771 ({point})] was less than the threshold (0.85)."
    );
    alarm.state_since = newest + 3600 + 300;
    s.now = alarm.state_since + 30;
    let text = snap(&s, 160, 20);
    let line = row(&text);
    let mark = format!("{}0.", "~");
    assert!(line.contains(&mark), "{line}");
    // Its colour is not the alarm's good or bad: muted until the newer point is read.
    let buf = render(&s, 160, 20);
    let y = (0..20u16)
        .find(|&y| {
            let l: String = (0..160u16).map(|x| buf[(x, y)].symbol()).collect();
            l.contains(" fraud-detector ") && l.contains(&mark)
        })
        .unwrap();
    let l: Vec<&str> = (0..160u16).map(|x| buf[(x, y)].symbol()).collect();
    let x = l.iter().position(|c| *c == "~").unwrap() as u16;
    assert_eq!(buf[(x + 1, y)].style().fg, s.theme.muted.fg);
}

#[test]
fn narrow_fleet_drops_sparklines_right_to_left_then_the_pane() {
    let s = fixture::state();
    let wide = snap(&s, 200, 20);
    assert!(wide.contains("DISK") && wide.contains("accounts"));
    let mid = snap(&s, 100, 20);
    assert!(
        mid.contains("ACC") && !mid.contains("DISK") && mid.contains("accounts"),
        "{mid}"
    );
    let narrow = snap(&s, 50, 20);
    assert!(
        !narrow.contains("accounts") && narrow.contains("ENDPOINT"),
        "{narrow}"
    );
}

fn any_view() -> impl Strategy<Value = View> {
    prop_oneof![
        Just(View::Fleet),
        Just(View::Endpoint),
        Just(View::Alarms),
        Just(View::Trail),
        Just(View::Jobs)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn any_size_renders(
        w in 1u16..=400,
        h in 1u16..=120,
        view in any_view(),
        help in any::<bool>(),
        prompt in any::<bool>(),
        history in any::<bool>(),
        maximized in any::<bool>(),
        // Positions `update` should keep in range, but must not crash the frame if it doesn't.
        offset in 0usize..20,
        cursor in 0usize..20,
        chart in 0usize..20,
        empty in any::<bool>(),
        dialog in 0u8..4,
    ) {
        let mut s = match dialog {
            1 => fixture::with_confirm(false),
            2 => fixture::with_confirm(true),
            3 => fixture::with_form(),
            _ if history => fixture::with_history(),
            _ => fixture::state(),
        };
        s.view = view;
        if view == View::Trail {
            let stage = [
                fixture::TrailStage::Results,
                fixture::TrailStage::Detail,
                fixture::TrailStage::Error,
                fixture::TrailStage::Running,
            ][cursor % 4];
            s.views.trail = fixture::with_trail(stage).views.trail;
            s.views.trail.row = cursor * 3;
            s.views.trail.offset = offset;
            s.views.trail.column = chart;
            if let Some(d) = s.views.trail.detail.as_mut() {
                d.scroll = offset;
            }
            if empty {
                s.views.trail.results = Default::default();
            }
        }
        if view == View::Studio {
            let stage = [fixture::StudioStage::Apps, fixture::StudioStage::Filtered][cursor % 2];
            s.views.studio = fixture::with_studio(stage).views.studio;
            // Positions out of range must not crash the frame.
            s.views.studio.app_row = cursor * 3;
            s.views.studio.app_offset = offset;
            s.views.studio.account_offset = offset;
            if empty {
                s.views.studio.rows.clear();
                s.views.studio.reads.clear();
            }
        }
        if view == View::Logs {
            let stage = [
                fixture::LogsStage::Insights,
                fixture::LogsStage::Detail,
                fixture::LogsStage::Running,
                fixture::LogsStage::Tail,
                fixture::LogsStage::TailHeld,
            ][cursor % 5];
            s.views.logs = fixture::with_logs(stage).views.logs;
            // Positions out of range must not crash the frame.
            s.views.logs.insights.row = cursor * 3;
            s.views.logs.insights.offset = offset;
            s.views.logs.insights.column = chart;
            s.views.logs.tail.from_end = offset * 7;
            s.views.logs.tail.wrap = maximized;
            s.views.logs.tail.timestamps = !history;
            if empty {
                s.views.logs.insights.rows = Default::default();
                s.views.logs.insights.shown = (0..3).collect();
                s.views.logs.tail.buffer = crate::logs::tail::TailBuffer::new(10);
            }
        }
        if view == View::Jobs {
            s.views.jobs = fixture::with_jobs(fixture::JobsStage::List).views.jobs;
            s.store = fixture::with_jobs(fixture::JobsStage::List).store;
            // Positions out of range must not crash the frame.
            s.views.jobs.selected = cursor * 2;
            s.views.jobs.offset = offset;
            s.views.jobs.detail = maximized;
            if empty {
                s.views.jobs.rows.clear();
            }
        }
        let mut s = with_help(s, help.then_some(offset * 5));
        s.views.endpoint.maximized = maximized;
        s.views.fleet.offset = offset;
        s.views.fleet.selected = cursor;
        s.views.fleet.account_cursor = cursor;
        s.views.alarms.offset = offset;
        s.views.alarms.selected = cursor;
        s.views.alarms.history_scroll = offset;
        s.views.endpoint.selected_chart = chart;
        s.views.endpoint.pan = offset as i64 * 3600;
        if empty {
            s.views.fleet.rows.clear();
            s.views.alarms.rows.clear();
            s.store = Default::default();
            s.views.endpoint.endpoint = None;
        }
        if prompt {
            let p = fixture::with_prompt();
            s.prompt = p.prompt;
            s.completions = p.completions;
        }
        let buf = render(&s, w, h);
        prop_assert_eq!(buf.area.width, w);
        let n = crate::views::table_rows(view, (w, h));
        prop_assert!(n <= usize::from(h));
    }
}

/// Strings in `State` are sanitised by the sources; this checks that nothing the UI adds or
/// passes through can still put a control character into a cell if one slipped past.
#[test]
fn control_characters_never_reach_the_screen() {
    use crate::app::state::{Flash, FlashLevel, Loadable};
    let evil = "\u{1b}[31mx\u{7}\u{9b}2J\r\n\u{0}é";
    let mut s = fixture::with_history();
    for a in &mut s.accounts {
        a.label.push_str(evil);
    }
    for e in &mut s.endpoints {
        e.name.push_str(evil);
        e.variants.iter_mut().for_each(|v| v.push_str(evil));
    }
    for a in &mut s.alarms {
        a.name.push_str(evil);
        a.reason.push_str(evil);
    }
    if let Loadable::Loaded(items) = &mut s.views.alarms.history {
        items.iter_mut().for_each(|i| i.summary.push_str(evil));
    }
    if let Some(id) = &mut s.identity {
        id.arn.push_str(evil);
        id.region.push_str(evil);
    }
    s.flash = Some(Flash {
        text: evil.into(),
        level: FlashLevel::Error,
        until: s.now + 10,
    });
    s.completions = vec![evil.into()];
    s.prompt = Prompt::Command(crate::app::lineedit::LineEdit::with_text(evil));
    s.views.fleet.filter = evil.into();
    // Dialogs show requests and form values built from AWS strings.
    fn submitted(_: crate::overlays::form::FormValues) -> crate::app::action::Action {
        crate::app::action::Action::Refresh
    }
    let form = crate::overlays::form::Form::new(evil, View::Endpoint, submitted)
        .text("name", evil, evil)
        .with_preview();
    let confirm = crate::overlays::confirm::Confirm::new(
        evil,
        vec![evil.into()],
        crate::app::action::Action::Refresh,
    )
    .danger(evil);
    let mut confirm = confirm;
    confirm.arm();
    s.overlays = vec![Overlay::Form(form), Overlay::Confirm(confirm)];
    // The trail's own strings: what was typed, a mistake's message, column names, the
    // detail's fields and the history (rows are cleaned as they are stored).
    s.views.trail = fixture::with_trail(fixture::TrailStage::Detail).views.trail;
    s.views.trail.text.push_str(evil);
    s.views.trail.error = Some((0, 3, evil.into()));
    s.views
        .trail
        .results
        .columns
        .iter_mut()
        .for_each(|c| c.push_str(evil));
    if let Some(d) = s.views.trail.detail.as_mut() {
        d.event_id.push_str(evil);
        if let Loadable::Loaded(fields) = &mut d.fields {
            for (_, value) in fields.iter_mut() {
                if let Some(v) = value {
                    v.push_str(evil);
                }
            }
        }
    }
    for h in &mut s.views.trail.history {
        h.text.push_str(evil);
    }
    // The logs' own strings: the query typed, the context's label, column names, cells and
    // the tail's notice and pattern (lines are made safe as they arrive; here they are not).
    s.views.logs = fixture::with_logs(fixture::LogsStage::Detail).views.logs;
    s.views.logs.insights.text.push_str(evil);
    s.views.logs.insights.filter.push_str(evil);
    s.views
        .logs
        .insights
        .columns
        .iter_mut()
        .for_each(|c| c.push_str(evil));
    std::sync::Arc::make_mut(&mut s.views.logs.insights.rows)
        .iter_mut()
        .flatten()
        .for_each(|c| c.push_str(evil));
    if let Some(c) = s.views.logs.context.as_mut() {
        c.label.push_str(evil);
        c.target.groups[0].push_str(evil);
    }
    s.views.logs.tail.buffer.push_update(
        [crate::logs::tail::TailLine {
            timestamp_ms: 0,
            stream: evil.into(),
            text: evil.into(),
        }],
        false,
    );
    s.views.logs.tail.notice = Some(evil.into());
    s.views.logs.tail.pattern = Some(evil.into());
    s.views.logs.tail.mode = Some(crate::logs::follow::TailMode::Polling { why: evil.into() });
    // Studio's strings (cleaned as they arrive; here they are not) and the typed filter.
    s.views.studio = fixture::with_studio(fixture::StudioStage::Filtered)
        .views
        .studio;
    s.views.studio.filter.push_str(evil);
    for read in s.views.studio.reads.values_mut() {
        read.problem = Some(evil.into());
        if let Some(studio) = read.studio.as_mut() {
            for d in &mut studio.domains {
                d.name.push_str(evil);
                d.status.push_str(evil);
                d.auth_mode.push_str(evil);
            }
            for app in &mut studio.apps {
                app.name.push_str(evil);
                app.app_type.push_str(evil);
                app.instance_type = Some(evil.into());
            }
        }
    }
    s.views.studio.rows = s
        .views
        .studio
        .reads
        .iter()
        .flat_map(|(id, r)| {
            let n = r.studio.as_ref().map_or(0, |st| st.apps.len());
            (0..n).map(move |app| crate::views::studio::AppRef {
                account_id: id.clone(),
                app,
            })
        })
        .collect();
    // The jobs' strings (cleaned as they arrive; here they are not), the failed one open.
    let jobs = fixture::with_jobs(fixture::JobsStage::Detail);
    s.views.jobs = jobs.views.jobs;
    for a in s.views.jobs.accounts.values_mut() {
        for j in &mut a.jobs {
            j.name.push_str(evil);
            j.schedule.iter_mut().for_each(|x| x.push_str(evil));
            j.instance_type.iter_mut().for_each(|x| x.push_str(evil));
            j.failure_reason = Some(format!("{evil}reason{evil}"));
            j.status = crate::source::jobs::JobStatus::Other(evil.into());
        }
        a.error.iter_mut().for_each(|e| e.push_str(evil));
    }
    s.views.jobs.filter.push_str(evil);
    for view in View::ALL {
        s.view = view;
        s.views.endpoint.endpoint = Some(s.endpoints[0].key());
        for help in [None, Some(0)] {
            let s = with_help(s.clone(), help);
            let buf = render(&s, 160, 48);
            for cell in buf.content() {
                assert!(
                    !cell.symbol().chars().any(char::is_control),
                    "{view:?}: control character {:?} in a cell",
                    cell.symbol()
                );
            }
        }
    }
}

#[test]
fn readonly_and_flash_show_in_the_status_bar() {
    use crate::app::state::{Flash, FlashLevel};
    let mut s = fixture::state();
    s.readonly = true;
    s.flash = Some(Flash {
        text: "ListMetrics: access denied".into(),
        level: FlashLevel::Error,
        until: s.now + 5,
    });
    let buf = render(&s, 120, 10);
    let last = plain(&buf).lines().last().unwrap_or_default().to_owned();
    assert!(
        last.contains("READ-ONLY") && last.contains("access denied"),
        "{last}"
    );
    // An error flash is drawn in the theme's `bad` colour.
    let x = last
        .find("ListMetrics")
        .map(|i| last[..i].chars().count())
        .unwrap_or(0);
    assert_eq!(buf[(x as u16, 9)].fg, s.theme.bad.fg.unwrap_or_default());
    // An expired flash is gone.
    s.now += 6;
    let text = plain(&render(&s, 120, 10));
    assert!(!text.contains("access denied"));
}

/// Finds `needle` on screen and returns the style of its first cell.
fn style_of(buf: &Buffer, needle: &str) -> Option<ratatui::style::Style> {
    let text = plain(buf);
    text.lines().enumerate().find_map(|(y, line)| {
        let x = line.find(needle).map(|i| line[..i].chars().count())?;
        Some(buf[(x as u16, y as u16)].style())
    })
}

#[test]
fn fleet_values_are_coloured_by_alarm_and_levels() {
    let s = fixture::state();
    let buf = render(&s, 160, 48);
    let fg = |needle: &str| style_of(&buf, needle).and_then(|st| st.fg);
    // Accuracy 0.771 breaches its alarm (< 0.85): bad. Memory 83.4 is above the default
    // warn level, but an alarm watches it (> 90) and the alarm decides: good.
    assert_eq!(fg("0.771"), s.theme.bad.fg);
    assert_eq!(fg("83.4"), s.theme.good.fg);
    assert_eq!(fg("93.0"), s.theme.bad.fg);
    assert_eq!(fg("0.945"), s.theme.good.fg);
    // A row without fresh 1-minute data says how stale it is, in the stale style.
    assert_eq!(fg("STALE 8m"), s.theme.stale.fg);
    assert_eq!(
        fg("Failed"),
        None,
        "a stale row shows staleness instead of its status"
    );
    assert_eq!(fg("Updating"), s.theme.warn.fg);
}

#[test]
fn a_notice_shows_while_nothing_fails_and_a_failure_wins() {
    let mut s = fixture::state();
    s.source_health.notices = vec!["fan-out: this account has no OAM sink in this region".into()];
    let last = |s: &State| {
        plain(&render(s, 160, 10))
            .lines()
            .last()
            .unwrap_or_default()
            .to_owned()
    };
    assert!(
        last(&s).contains("ⓘ fan-out: this account has no OAM sink"),
        "{}",
        last(&s)
    );
    s.source_health.problems = vec![crate::source::SourceError::Throttled {
        call: "GetMetricData 111111111111".into(),
    }];
    let line = last(&s);
    assert!(
        line.contains("⚠ GetMetricData") && !line.contains("ⓘ"),
        "{line}"
    );
}

#[test]
fn read_only_strikes_changing_keys_through_in_the_key_bar_and_marks_them_in_help() {
    use crate::overlays::help::{Row, rows};
    use ratatui::style::Modifier;
    let mut s = fixture::in_view(View::Alarms);
    let live = style_of(&render(&s, 200, 40), "M mute").expect("the mute hint");
    assert!(!live.add_modifier.contains(Modifier::CROSSED_OUT));
    assert!(rows(&s).iter().all(|r| !matches!(r, Row::Disabled(..))));
    s.readonly = true;
    let off = style_of(&render(&s, 200, 40), "M mute").expect("the mute hint");
    assert!(off.add_modifier.contains(Modifier::CROSSED_OUT));
    let disabled: Vec<&str> = rows(&s)
        .iter()
        .filter_map(|r| match r {
            Row::Disabled(_, desc, _) => Some(*desc),
            _ => None,
        })
        .collect();
    for d in ["new alarm", "edit alarm", "mute", "unmute", "delete"] {
        assert!(disabled.contains(&d), "{d} in {disabled:?}");
    }
    assert!(
        !disabled.contains(&"mark"),
        "marking changes nothing in AWS"
    );
    // The alarms view's own keys come first in its help.
    let help = plain(&render(&with_help(s, Some(0)), 160, 48));
    assert!(help.contains("(read-only)"), "{help}");
}

/// The help box's lines (inside its border) as drawn, whitespace runs made one space.
fn help_text(state: &State, w: u16) -> Vec<String> {
    // Tall enough that nothing scrolls: the width is what is checked.
    let shown = with_help(state.clone(), Some(0));
    let text = plain(&render(&shown, w, 400));
    let lines: Vec<&str> = text.lines().collect();
    let top = lines
        .iter()
        .position(|l| l.contains("╭ help "))
        .expect("help on screen");
    let start = lines[top].find("╭ help ").unwrap();
    let left = lines[top][..start].chars().count();
    lines[top + 1..]
        .iter()
        .take_while(|l| l.chars().nth(left) != Some('╰'))
        .map(|l| {
            let inside: String = l.chars().skip(left + 1).collect();
            let inside = inside.split('│').next().unwrap_or_default();
            inside.split_whitespace().collect::<Vec<_>>().join(" ")
        })
        .collect()
}

/// At 80 columns and wider, every key and every description of help can be read whole (a
/// long one wraps under itself), and the box uses the width it has.
#[test]
fn help_reads_whole_at_80_columns_and_wider() {
    use crate::overlays::help::{Row, rows};
    let state = fixture::in_view(View::Fleet);
    for w in [80u16, 120, 200] {
        let lines = help_text(&state, w);
        let all = lines.join(" ");
        for row in rows(&state) {
            let (Row::Entry(keys, desc, _) | Row::Disabled(keys, desc, _)) = row else {
                continue;
            };
            let desc = desc.split_whitespace().collect::<Vec<_>>().join(" ");
            let whole = format!("{keys} {desc}");
            assert!(
                all.contains(&whole),
                "at {w}: {whole:?} is not whole in\n{lines:#?}"
            );
        }
        let text = plain(&render(&with_help(state.clone(), Some(0)), w, 400));
        let top = text.lines().find(|l| l.contains("╭ help ")).unwrap();
        let from = top.split("╭ help ").next().unwrap().chars().count();
        let width = top.chars().skip(from).take_while(|&c| c != '╮').count() + 1;
        assert!(width > 58, "at {w} the box is {width} wide");
    }
}

/// Help opens at the view on screen: its own keys and commands first, then the rest.
#[test]
fn help_opens_at_the_current_views_section() {
    let state = fixture::in_view(View::Alarms);
    let lines = help_text(&state, 120);
    assert_eq!(lines[0], "alarms (this view)", "{lines:#?}");
    let first = lines
        .iter()
        .position(|l| l.is_empty())
        .unwrap_or(lines.len());
    let section = &lines[..first];
    for key in ["M mute", "D delete", "Space mark", ":alarms"] {
        assert!(
            section.iter().any(|l| l.starts_with(key)),
            "{key:?} in the first section: {section:#?}"
        );
    }
    // Then the rest, each key once.
    let rest = &lines[first..];
    assert!(
        rest.iter().any(|l| l.starts_with("j, Down down")),
        "{rest:#?}"
    );
    assert!(!rest.iter().any(|l| l.starts_with("M mute")), "{rest:#?}");
    let fleet = help_text(&fixture::in_view(View::Fleet), 120);
    assert_eq!(fleet[0], "fleet (this view)");
    assert!(
        fleet[1..]
            .iter()
            .take_while(|l| !l.is_empty())
            .any(|l| l.starts_with("s sort by next column"))
    );
}

/// Studio's fix hint for an account it cannot read is read whole at every width: the NOTE
/// column cuts it, the line under the accounts does not.
#[test]
fn studio_fix_hint_reads_whole_under_the_accounts() {
    let state = fixture::with_studio(fixture::StudioStage::Apps);
    // The demo's account behind the fixture's test account.
    let hint = "test: no role: OAM does not share SageMaker; add role_arn to [[accounts]] id = \
                \"333333333333\"";
    for (w, h) in [(80, 24), (120, 40), (160, 48)] {
        let text = plain(&render(&state, w, h));
        let flat = text
            .replace('│', " ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(flat.contains(hint), "at {w}x{h}:\n{text}");
    }
}

/// Alarms scoped to an account say the scope in their title, and count that account's
/// alarms in ALARM only.
#[test]
fn scoped_alarms_say_their_scope() {
    let mut s = fixture::in_view(View::Alarms);
    crate::app::update::update(&mut s, Action::Run("account staging".into()));
    assert_eq!(s.view, View::Alarms);
    let text = plain(&render(&s, 160, 48));
    let title = text.lines().find(|l| l.contains("╭ alarms ")).unwrap();
    assert!(title.contains("· staging "), "{title}");
    let in_alarm = s
        .views
        .alarms
        .rows
        .iter()
        .filter(|&&i| s.alarms[i].state == crate::source::model::AlarmState::Alarm)
        .count();
    if in_alarm > 0 {
        assert!(title.contains(&format!("· {in_alarm} in ALARM")), "{title}");
    } else {
        assert!(!title.contains("in ALARM"), "{title}");
    }
}

/// An alarm's reason, which its table row cuts, reads whole above its history at any width.
#[test]
fn an_alarms_reason_reads_whole_above_its_history() {
    let mut state = fixture::with_history();
    let of = state.views.alarms.history_of.clone().unwrap();
    let reason = "Threshold Crossed: 1 out of the last 1 datapoints [0.781 (26/11/26 10:00:00)] \
                  was less than the threshold (0.85) (minimum 1 datapoint for OK -> ALARM \
                  transition).";
    let alarm = state
        .alarms
        .iter_mut()
        .find(|a| of.is(&a.account_id, &a.id))
        .unwrap();
    alarm.reason = reason.into();
    for (w, h) in [(80, 24), (120, 40), (160, 48)] {
        let text = plain(&render(&state, w, h));
        // The history pane: the rows below its title, from its left border on.
        let lines: Vec<&str> = text.lines().collect();
        let top = lines.iter().position(|l| l.contains("╭ history")).unwrap();
        let at = lines[top].find("╭ history").unwrap();
        let x = lines[top][..at].chars().count();
        let pane: Vec<String> = lines[top + 1..]
            .iter()
            .map(|l| l.chars().skip(x).collect::<String>().replace('│', " "))
            .collect();
        let flat = pane
            .join(" ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(flat.contains(reason), "at {w}x{h}:\n{text}");
    }
}

/// A failed run's reason, which the runs table cuts, reads whole in the report pane.
#[test]
fn a_failed_runs_reason_reads_whole_in_the_report() {
    use crate::source::model::ExecutionStatus;
    use crate::source::monitor::Execution;
    use crate::views::monitor::Report;
    let reason = "ClientError: no captured data under s3://sagemaker-eu-west-1-210987654321/fraud-detector/datacapture for this window: is data capture on?";
    let mut s = fixture::in_view(View::Monitor);
    s.views.monitor.report = Some(Report {
        run: Execution {
            account_id: "210987654321".into(),
            schedule: "fraud-detector-mq".into(),
            scheduled_time: fixture::NOW - 3600,
            created: None,
            modified: None,
            status: ExecutionStatus::Failed,
            failure_reason: Some(reason.into()),
            processing_job_arn: None,
            monitoring_type: None,
            region: Default::default(),
        },
        violations: crate::app::state::Loadable::Failed(
            "the run is Failed: it wrote no report".into(),
        ),
        baseline: crate::app::state::Loadable::NotRequested,
    });
    for (w, h) in [(80, 24), (160, 48)] {
        let text = plain(&render(&s, w, h));
        let flat = text
            .replace('│', " ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            flat.contains("failed: ClientError: no captured data"),
            "at {w}x{h}:\n{text}"
        );
        assert!(flat.contains("is data capture on?"), "at {w}x{h}:\n{text}");
    }
}

/// An account whose calls AWS throttled in the last five minutes says how many, in the
/// accounts pane, and the snapshot's usage says it by account.
#[test]
fn a_throttled_account_says_so_in_the_accounts_pane_and_the_snapshot() {
    let mut s = fixture::state();
    let prod = s
        .accounts
        .iter()
        .find(|a| a.label == "prod")
        .unwrap()
        .id
        .clone();
    let plain_before = plain(&render(&s, 160, 48));
    assert!(!plain_before.contains('↯'));
    s.source_health.throttled_by_account = vec![(prod.clone(), 7)];
    let screen = plain(&render(&s, 160, 48));
    let row = screen
        .lines()
        .find(|l| l.starts_with("│ prod "))
        .unwrap_or_else(|| panic!("{screen}"));
    assert!(row.contains("↯7"), "{row}");
    let json = serde_json::to_value(crate::snapshot::build(&s, Vec::new())).unwrap();
    assert_eq!(json["usage"]["throttled_last_5m"][&prod], 7);
}
