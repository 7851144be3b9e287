//! Screen snapshots of the demo organisation (fixed seed, fixed clock) at 80x24 and 160x48:
//! what a user sees, through the console's own update path.

use ratatui::{Terminal, backend::TestBackend};
use sagewatch::app::action::Action;
use sagewatch::app::headless;
use sagewatch::app::state::State;
use sagewatch::app::update::init;
use sagewatch::clock::{FixedClock, SharedClock};
use sagewatch::config::{Env, Overrides, load};
use sagewatch::source::demo::{DemoConfig, DemoSource};
use sagewatch::source::{FleetSource, SourceKind};
use std::sync::Arc;

const START: i64 = 1_795_687_200; // 2026-11-26T10:00:00Z
/// Five minutes in: the prod fraud-detector's accuracy alarm has just fired.
const NOW: i64 = START + 300;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        // The logs view's polls wait out their backoff.
        .enable_time()
        .build()
        .unwrap()
}

fn console(size: (u16, u16)) -> (DemoSource, State) {
    let clock: SharedClock = Arc::new(FixedClock::new(NOW));
    let source = DemoSource::new(
        DemoConfig {
            seed: 7,
            start: START,
            scale: None,
        },
        clock,
    );
    let settings = load(&Overrides::default(), &Env::default()).unwrap();
    let mut state = State::new(
        SourceKind::Demo,
        NOW,
        settings.theme,
        Arc::new(settings.keymap),
    );
    state.themes = Arc::new(settings.themes);
    state.size = size;
    state.views.studio.available = source.studio().is_some();
    let commands = init(&mut state);
    runtime().block_on(headless::settle(&source, &mut state, commands));
    (source, state)
}

fn act(source: &dyn FleetSource, state: &mut State, actions: &[Action]) {
    let rt = runtime();
    for a in actions {
        rt.block_on(headless::apply(source, state, a.clone()));
    }
}

fn render(state: &State) -> String {
    let (w, h) = state.size;
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| sagewatch::ui::draw(state, f)).unwrap();
    let buffer = terminal.backend().buffer();
    (0..h)
        .map(|y| {
            let line: String = (0..w).map(|x| buffer[(x, y)].symbol()).collect();
            line.trim_end().to_owned()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn screens(size: (u16, u16)) -> [(String, String); 5] {
    let (source, mut state) = console(size);
    let fleet = render(&state);
    act(
        &source,
        &mut state,
        &[Action::Run("endpoint fraud-detector".into())],
    );
    let endpoint = render(&state);
    act(&source, &mut state, &[Action::ShowAlarms, Action::Select]);
    let alarms = render(&state);
    // The Model Monitor pane: the run that revealed the drift, its violations beside the
    // baseline's thresholds, and the accuracy alert.
    act(
        &source,
        &mut state,
        &[Action::Run("monitor fraud-detector".into())],
    );
    let monitor = render(&state);
    // Studio across the organisation: the account without a role says so in its row.
    act(&source, &mut state, &[Action::Run("studio".into())]);
    let studio = render(&state);
    let tag = format!("{}x{}", size.0, size.1);
    [
        (format!("fleet_{tag}"), fleet),
        (format!("endpoint_{tag}"), endpoint),
        (format!("alarms_{tag}"), alarms),
        (format!("monitor_{tag}"), monitor),
        (format!("studio_{tag}"), studio),
    ]
}

#[test]
fn demo_screens_80x24() {
    for (name, screen) in screens((80, 24)) {
        insta::assert_snapshot!(name, screen);
    }
}

#[test]
fn demo_screens_160x48() {
    for (name, screen) in screens((160, 48)) {
        insta::assert_snapshot!(name, screen);
    }
}

#[test]
fn the_incident_is_on_screen_five_minutes_in() {
    let (source, mut state) = console((160, 48));
    act(&source, &mut state, &[Action::ShowAlarms]);
    let alarms = render(&state);
    let first_alarm = alarms
        .lines()
        .find(|l| l.trim_start_matches('│').trim_start().starts_with("ALARM "))
        .unwrap_or_default();
    assert!(
        first_alarm.contains("prod-fraud-detector"),
        "the newest ALARM is listed first:\n{alarms}"
    );
}

/// The cells of a screen, one symbol per column (a wide character's second cell is blank).
fn cells(state: &State) -> Vec<Vec<String>> {
    let (w, h) = state.size;
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| sagewatch::ui::draw(state, f)).unwrap();
    let buffer = terminal.backend().buffer();
    (0..h)
        .map(|y| (0..w).map(|x| buffer[(x, y)].symbol().to_owned()).collect())
        .collect()
}

/// The text of each row under `header` in its column, read off the screen: the column runs
/// from the header's first cell to the cell before the next header (or the pane's border).
fn column_cells(screen: &[Vec<String>], header: &str) -> Vec<String> {
    let text = |line: &[String], from: usize, to: usize| -> String {
        line[from..to].concat().trim().to_owned()
    };
    // Pane titles (on a border line) may hold the same words: `· 1 in ALARM`.
    let found = screen.iter().enumerate().find_map(|(y, line)| {
        if line.iter().any(|c| c == "─") {
            return None;
        }
        let joined: Vec<&str> = line.iter().map(String::as_str).collect();
        (0..line.len()).find_map(|x| {
            let word: String = joined[x..].iter().take(header.len()).copied().collect();
            let before = x.checked_sub(1).map_or(" ", |b| joined[b]);
            let starts = word.starts_with(header) && (before == " " || before == "│");
            starts.then_some((y, x))
        })
    });
    let Some((y, x)) = found else {
        return Vec::new();
    };
    let header_line = &screen[y];
    // The column ends where the next header starts: after the label (and a sort arrow),
    // past the blanks.
    let mut end = x;
    while end < header_line.len() && !matches!(header_line[end].as_str(), " " | "│") {
        end += 1;
    }
    while end < header_line.len() && header_line[end] == " " {
        end += 1;
    }
    screen[y + 1..]
        .iter()
        .take_while(|line| !line[x].starts_with('╰') && !line[x].starts_with('─'))
        .map(|line| text(line, x, end.min(line.len())))
        .filter(|cell| !cell.is_empty())
        .collect()
}

/// Why the names under `header` cannot all be told apart, if they cannot.
fn not_apart(screen: &[Vec<String>], header: &str) -> Option<String> {
    let names = column_cells(screen, header);
    if names.is_empty() {
        return Some(format!("no {header} column on screen"));
    }
    let same = names
        .iter()
        .enumerate()
        .find(|(i, a)| names[i + 1..].contains(a))?;
    Some(format!("{header}: {:?} twice in {names:?}", same.1))
}

#[test]
fn every_listed_name_can_be_told_apart_at_80x24_and_120x40() {
    let mut failures = Vec::new();
    for size in [(80, 24), (120, 40)] {
        let (source, mut state) = console(size);
        let mut check = |state: &State, header: &str| {
            if let Some(why) = not_apart(&cells(state), header) {
                failures.push(format!("{}x{} {why}", size.0, size.1));
            }
        };
        check(&state, "ENDPOINT");
        act(&source, &mut state, &[Action::ShowAlarms]);
        check(&state, "ALARM");
        act(&source, &mut state, &[Action::Run("jobs".into())]);
        check(&state, "JOB");
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// The README's screenshot is the demo as drawn (seed 7, five minutes in, 160x16), so it
/// cannot go stale: `SAGEWATCH_BLESS=1 cargo test --test screens` rewrites it.
#[test]
fn the_readme_screenshot_is_the_demo_as_drawn() {
    let (_, state) = console((160, 16));
    let drawn = render(&state);
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md");
    let (begin, end) = (
        "<!-- screenshot: begin -->\n```text\n",
        "\n```\n<!-- screenshot: end -->",
    );
    let (Some(from), Some(to)) = (readme.find(begin), readme.find(end)) else {
        panic!("README.md has no {begin:?} ... {end:?} block");
    };
    let shown = &readme[from + begin.len()..to];
    if std::env::var("SAGEWATCH_BLESS").as_deref() == Ok("1") {
        let updated = format!("{}{drawn}{}", &readme[..from + begin.len()], &readme[to..]);
        std::fs::write(&path, updated).expect("write README.md");
        return;
    }
    assert!(
        shown == drawn,
        "README.md's screenshot is not what the demo draws: run `SAGEWATCH_BLESS=1 cargo test \
         --test screens the_readme` and commit it.\n{drawn}"
    );
}

/// The cells of a drawn screen (symbol and style).
fn buffer(state: &State) -> ratatui::buffer::Buffer {
    let (w, h) = state.size;
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| sagewatch::ui::draw(state, f)).unwrap();
    terminal.backend().buffer().clone()
}

/// The cells of `with` outside `area` that differ from `without`, as `(x, y) "was" -> "is"`.
fn drawn_outside(
    without: &ratatui::buffer::Buffer,
    with: &ratatui::buffer::Buffer,
    area: ratatui::layout::Rect,
) -> Vec<String> {
    let mut out = Vec::new();
    for y in with.area.top()..with.area.bottom() {
        for x in with.area.left()..with.area.right() {
            let p = ratatui::layout::Position::new(x, y);
            if area.contains(p) {
                continue;
            }
            let (a, b) = (&without[(x, y)], &with[(x, y)]);
            if a != b {
                out.push(format!("({x}, {y}) {:?} -> {:?}", a.symbol(), b.symbol()));
            }
        }
    }
    out
}

/// Every overlay (help, a confirmation, the alarm form with its preview) on every view at
/// three sizes draws inside its own area only: outside it, the screen is the view's as it
/// is without the overlay (no note over a border, no preview over a header).
#[test]
fn overlays_draw_only_inside_their_area_on_every_view_at_every_size() {
    use sagewatch::overlays::{self, Overlay, confirm::Confirm, help::Help};
    use sagewatch::views::View;
    let views = [
        ("fleet", View::Fleet),
        ("endpoint fraud-detector", View::Endpoint),
        ("alarms", View::Alarms),
        ("monitor fraud-detector", View::Monitor),
        ("trail", View::Trail),
        ("logs fraud-detector", View::Logs),
        ("studio", View::Studio),
        ("jobs", View::Jobs),
    ];
    let mut failures = Vec::new();
    for size in [(80, 24), (120, 40), (200, 60)] {
        let (source, mut state) = console(size);
        // Where alarms live, as `main` sets it: the form needs it to open.
        state.placement = source.placement();
        state.views.logs.available = source.logs().is_some();
        for (command, view) in views {
            act(&source, &mut state, &[Action::Run(command.into())]);
            assert_eq!(state.view, view, ":{command}");
            // The alarm form as `:alarm new` opens it, from this view.
            act(
                &source,
                &mut state,
                &[Action::Run("alarm new fraud-detector".into())],
            );
            let form = state.overlays.pop();
            assert!(
                matches!(form, Some(Overlay::Form(_))),
                ":alarm new opened no form: {:?}",
                state.flash
            );
            let mut lines: Vec<String> = (0..40)
                .map(|i| format!("    \"prod-fraud-detector-alarm-{i:02}\","))
                .collect();
            lines.insert(0, "operation  DeleteAlarms".into());
            let mut confirm = Confirm::new("Delete 40 alarms", lines, Action::Refresh);
            confirm.arm();
            let overlays = [
                ("help", Overlay::Help(Help::default())),
                ("confirm", Overlay::Confirm(confirm)),
                ("form", form.expect("form")),
            ];
            let without = buffer(&state);
            let body = sagewatch::layout::body(size);
            for (name, overlay) in overlays {
                let area = overlays::area(&state, &overlay, body);
                state.overlays.push(overlay);
                let with = buffer(&state);
                state.overlays.clear();
                let outside = drawn_outside(&without, &with, area);
                if !outside.is_empty() {
                    failures.push(format!(
                        "{}x{} {view:?} {name} in {area:?}: {} cells outside, first {:?}",
                        size.0,
                        size.1,
                        outside.len(),
                        &outside[..outside.len().min(3)]
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// The demo writes (it mutes, creates alarms, runs monitors): its identity claims no
/// read-only role, and READ-ONLY shows only when the console is read-only.
#[test]
fn the_demo_claims_read_only_only_when_it_is() {
    let (_, mut state) = console((160, 48));
    let screen = render(&state);
    let header = screen.lines().next().unwrap_or_default();
    assert!(!header.contains("ReadOnly"), "{header}");
    assert!(!screen.contains("READ-ONLY"), "{screen}");
    state.readonly = true;
    let screen = render(&state);
    let status = screen.lines().last().unwrap_or_default();
    assert!(status.contains("READ-ONLY"), "{status}");
}
