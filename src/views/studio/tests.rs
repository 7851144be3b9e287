//! The studio view through the console's own update path: what opening reads, answers one
//! account at a time (a failed read keeps the last good one beside its reason), the refresh
//! cadence (on open, on `r`, every `REFRESH_SECS` while on screen, never off screen), the
//! apps' order and filter, and hostile answers.

use super::REFRESH_SECS;
use super::state::AppColumn;
use crate::app::action::{Action, Loaded};
use crate::app::command::Command;
use crate::app::state::{FlashLevel, State};
use crate::app::update::update;
use crate::source::studio::{AccountStudio, AppStatus};
use crate::ui::fixture::{self, MONITORING, PROD, STAGING, STUDIO_ACCOUNTS, TEST};
use crate::views::{StudioCall, StudioLoaded, View, ViewCall};

fn state() -> State {
    let mut s = fixture::state();
    s.size = (160, 48);
    s.views.studio.available = true;
    s
}

fn act(s: &mut State, a: Action) -> Vec<Command> {
    update(s, a).commands
}

fn studio_reads(cmds: &[Command]) -> Vec<String> {
    let mut ids: Vec<String> = cmds
        .iter()
        .filter_map(|c| match c {
            Command::View(ViewCall::Studio(StudioCall::Account(id))) => Some(id.clone()),
            _ => None,
        })
        .collect();
    ids.sort();
    ids
}

/// The demo's Studio of the fixture account `account`.
fn sample(account: &str) -> AccountStudio {
    let demo = STUDIO_ACCOUNTS
        .iter()
        .find(|(a, _)| *a == account)
        .map(|(_, d)| *d)
        .unwrap();
    let mut s = crate::source::demo::studio_sample(demo, fixture::NOW - 3600);
    s.account_id = account.into();
    s
}

fn answer(s: &mut State, studio: AccountStudio) {
    act(s, Action::from(StudioLoaded::Account(Box::new(studio))));
}

fn opened() -> State {
    let mut s = state();
    act(&mut s, Action::ShowStudio);
    for (account, _) in STUDIO_ACCOUNTS {
        answer(&mut s, sample(account));
    }
    s
}

fn screen(s: &State) -> String {
    crate::ui::tests::plain(&crate::ui::tests::render(s, 160, 48))
}

#[test]
fn opening_reads_every_account_in_scope_once() {
    let mut s = state();
    let cmds = act(&mut s, Action::ShowStudio);
    assert_eq!(s.view, View::Studio);
    let mut all = vec![MONITORING, PROD, STAGING, TEST];
    all.sort();
    assert_eq!(studio_reads(&cmds), all);
    // A second press while they are in flight asks for nothing more.
    s.view = View::Fleet;
    assert!(studio_reads(&act(&mut s, Action::ShowStudio)).is_empty());

    let mut scoped = state();
    scoped.scope = Some(PROD.into());
    let cmds = act(&mut scoped, Action::Run("studio".into()));
    assert_eq!(studio_reads(&cmds), [PROD]);
}

#[test]
fn without_a_studio_source_the_view_says_so() {
    let mut s = state();
    s.views.studio.available = false;
    let cmds = act(&mut s, Action::ShowStudio);
    assert!(cmds.is_empty());
    assert_eq!(s.view, View::Fleet);
    assert!(s.flash.as_ref().unwrap().text.contains("Studio"));
}

#[test]
fn an_account_without_a_role_says_why_in_its_row() {
    let s = opened();
    let text = screen(&s);
    let row = text
        .lines()
        .find(|l| l.contains("no role"))
        .unwrap_or_else(|| panic!("no row says why:\n{text}"));
    assert!(row.contains("test"), "{row}");
    assert!(row.contains("role_arn"), "{row}");
    assert!(s.overlays.is_empty(), "no dialog");
    assert!(text.contains("ml-platform-prod"), "{text}");
    assert!(text.contains("SSO"), "{text}");
    assert!(text.contains("vpc-0a1b2c3d4e5f60718"), "{text}");
}

#[test]
fn a_failed_read_keeps_the_last_good_answer_beside_its_reason() {
    let mut s = opened();
    let before = s.views.studio.held(PROD).unwrap().apps.len();
    answer(
        &mut s,
        AccountStudio::unreadable(PROD, "AccessDenied on ListApps: not authorized"),
    );
    let read = &s.views.studio.reads[PROD];
    assert_eq!(read.studio.as_ref().unwrap().apps.len(), before);
    assert!(read.problem.as_deref().unwrap().contains("AccessDenied"));
    let text = screen(&s);
    assert!(
        text.lines()
            .any(|l| l.contains("prod") && l.contains("as read") && l.contains("AccessDenied")),
        "{text}"
    );
    // The next good answer clears it.
    answer(&mut s, sample(PROD));
    assert!(s.views.studio.reads[PROD].problem.is_none());
}

#[test]
fn studio_is_read_on_open_on_r_and_every_interval_while_shown_only() {
    let mut s = state();
    let t0 = s.now;
    act(&mut s, Action::ShowStudio);
    for (account, _) in STUDIO_ACCOUNTS {
        answer(&mut s, sample(account));
    }
    // A minute later nothing is due.
    assert!(studio_reads(&act(&mut s, Action::Tick(t0 + 60))).is_empty());
    // After the interval, every account again.
    assert_eq!(
        studio_reads(&act(&mut s, Action::Tick(t0 + REFRESH_SECS))).len(),
        4
    );
    for (account, _) in STUDIO_ACCOUNTS {
        answer(&mut s, sample(account));
    }
    // Off screen, nothing is read however long it stays there.
    act(&mut s, Action::ShowFleet);
    assert!(studio_reads(&act(&mut s, Action::Tick(t0 + 10 * REFRESH_SECS))).is_empty());
    // Back on screen with old data: read at once.
    assert_eq!(studio_reads(&act(&mut s, Action::ShowStudio)).len(), 4);
    for (account, _) in STUDIO_ACCOUNTS {
        answer(&mut s, sample(account));
    }
    // `r`: now, whatever the interval says.
    assert_eq!(studio_reads(&act(&mut s, Action::Refresh)).len(), 4);
}

#[test]
fn a_partial_read_shows_what_answered_and_marks_the_rest_unknown() {
    let mut s = opened();
    // A policy written before Spaces existed: ListSpaces denied, the rest answered.
    let mut partial = sample(PROD);
    partial.spaces = 0;
    partial.failed = vec!["ListSpaces"];
    partial.unreadable = Some("AccessDenied on ListSpaces: not authorized".into());
    answer(&mut s, partial);
    let text = screen(&s);
    let row = text
        .lines()
        .find(|l| l.contains("│ prod "))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(row.contains('?'), "{row}");
    assert!(row.contains("AccessDenied on ListSpaces"), "{row}");
    assert!(
        !row.contains("as read"),
        "current figures, not an older read: {row}"
    );
    // Its Failed app is still first in the list.
    let first = super::rows::app(&s, &s.views.studio.rows[0]).unwrap();
    assert_eq!(first.0.account_id, PROD);
    // The snapshot says the same: spaces unknown, the reason kept.
    let entry = super::reported(&s, PROD).unwrap().snapshot();
    assert!(entry["spaces"].is_null(), "{entry}");
    assert_eq!(entry["user_profiles"], 7);
    assert!(entry["unreadable"].as_str().unwrap().contains("ListSpaces"));
}

#[test]
fn a_clock_stepped_back_moves_the_schedule_with_it() {
    let mut s = state();
    let t0 = s.now;
    act(&mut s, Action::ShowStudio);
    for (account, _) in STUDIO_ACCOUNTS {
        answer(&mut s, sample(account));
    }
    // NTP steps the clock back ten minutes: the next read is still one interval after the
    // last, not ten minutes more.
    let back = t0 - 600;
    assert!(studio_reads(&act(&mut s, Action::Tick(back))).is_empty());
    assert_eq!(
        studio_reads(&act(&mut s, Action::Tick(back + REFRESH_SECS))).len(),
        4
    );
}

#[test]
fn an_account_that_left_the_organisation_is_no_longer_shown() {
    let mut s = opened();
    let accounts: Vec<_> = s
        .accounts
        .iter()
        .filter(|a| a.id != PROD)
        .cloned()
        .collect();
    let endpoints = s.endpoints.clone();
    act(
        &mut s,
        Action::Loaded(Box::new(Loaded::Fleet(Ok((accounts, endpoints))))),
    );
    assert!(!s.views.studio.reads.contains_key(PROD));
    assert!(!screen(&s).contains("ml-platform-prod"));
}

#[test]
fn failed_then_idle_apps_come_first_and_deleted_ones_last() {
    let s = opened();
    let statuses: Vec<AppStatus> = s
        .views
        .studio
        .rows
        .iter()
        .map(|r| super::rows::app(&s, r).unwrap().1.status.clone())
        .collect();
    assert_eq!(statuses[..2], [AppStatus::Failed, AppStatus::Failed]);
    assert_eq!(statuses.last(), Some(&AppStatus::Deleted));
    let text = screen(&s);
    let flagged: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("⚠ idle spend"))
        .collect();
    // Billed instances beyond 8 hours; the free `system` JupyterServers are not flagged.
    assert_eq!(flagged.len(), 4, "{text}");
    assert!(flagged.iter().all(|l| !l.contains("system")), "{flagged:?}");
    assert!(text.contains("2 failed · 4 idle > 8h"), "{text}");
}

#[test]
fn the_idle_bound_comes_from_the_config() {
    let mut s = opened();
    s.studio_idle_hours = 48;
    let text = screen(&s);
    assert!(text.contains("2 failed · 2 idle > 48h"), "{text}");
}

#[test]
fn apps_sort_by_the_chosen_column_and_filter_by_any_field() {
    let mut s = opened();
    act(&mut s, Action::SortNext);
    assert_eq!(s.views.studio.sort, AppColumn::Account);
    act(&mut s, Action::Run("studio age-".into()));
    assert_eq!(s.views.studio.sort, AppColumn::Age);
    assert!(s.views.studio.descending);
    let first = super::rows::app(&s, &s.views.studio.rows[0]).unwrap().1;
    let last = super::rows::app(&s, s.views.studio.rows.last().unwrap())
        .unwrap()
        .1;
    assert!(first.created > last.created, "newest first");

    // A word nobody sorts by changes nothing and says what it takes.
    act(&mut s, Action::Run("studio colour".into()));
    assert_eq!(s.views.studio.sort, AppColumn::Age);
    let flash = s.flash.as_ref().unwrap();
    assert_eq!(flash.level, FlashLevel::Error);
    assert!(flash.text.contains("instance"), "{}", flash.text);

    crate::views::module(View::Studio).set_filter(&mut s, "ML.G5");
    assert_eq!(s.views.studio.rows.len(), 2);
    crate::views::module(View::Studio).set_filter(&mut s, "space:");
    assert_eq!(s.views.studio.rows.len(), 3);
    // Esc clears the filter, then goes back.
    act(&mut s, Action::Back);
    assert_eq!((s.view, s.views.studio.rows.len()), (View::Studio, 12));
    act(&mut s, Action::Back);
    assert_eq!(s.view, View::Fleet);
}

#[test]
fn hostile_answers_arrive_clean() {
    let mut s = state();
    act(&mut s, Action::ShowStudio);
    let mut studio = sample(PROD);
    studio.domains[0].name = "evil\u{1b}[2J".into();
    studio.apps[0].name = "x\u{7}\u{9b}31m".into();
    studio.apps[0].status = AppStatus::parse("Restarting\u{1b}]0;pwned\u{7}");
    answer(&mut s, studio);
    let held = s.views.studio.held(PROD).unwrap();
    let texts = [
        held.domains[0].name.as_str(),
        held.apps[0].name.as_str(),
        held.apps[0].status.as_str(),
    ];
    for t in texts {
        assert!(!t.chars().any(|c| c.is_control()), "{t:?}");
    }
    answer(
        &mut s,
        AccountStudio::unreadable(STAGING, "denied\u{1b}[31m\r\nforged row"),
    );
    let why = s.views.studio.reads[STAGING].problem.as_deref().unwrap();
    assert!(!why.chars().any(|c| c.is_control()), "{why:?}");
}

#[test]
fn a_failed_app_says_why_under_the_table_and_an_unread_reason_keeps_its_row() {
    let mut s = opened();
    s.size = (80, 24);
    let small = |s: &State| crate::ui::tests::plain(&crate::ui::tests::render(s, 80, 24));
    // The first row is a Failed app: its reason, whole words, under the table.
    let first = super::rows::app(&s, &s.views.studio.rows[0])
        .unwrap()
        .1
        .clone();
    assert_eq!(first.status, AppStatus::Failed);
    let text = small(&s);
    let why = format!(
        "⚠ {} {} failed:",
        super::rows::owner_label(&first.owner),
        first.app_type
    );
    assert!(text.contains(&why), "{text}");
    assert!(
        text.contains("ResourceLimitExceeded") || text.contains("InsufficientCapacityError"),
        "{text}"
    );
    // Down to an app that did not fail: no reason shown, the table has the lines back.
    act(&mut s, Action::MoveDown);
    act(&mut s, Action::MoveDown);
    assert!(!small(&s).contains("failed:"), "{}", small(&s));
    // The filter finds the apps by their reason (the quota refused both).
    crate::views::module(View::Studio).set_filter(&mut s, "quota");
    assert_eq!(s.views.studio.rows.len(), 2);
    crate::views::module(View::Studio).set_filter(&mut s, "");

    // DescribeApp denied: the app is listed, Failed, with why its reason is missing; a
    // hostile reason arrives clean.
    let mut studio = sample(PROD);
    let failed = studio
        .apps
        .iter_mut()
        .find(|a| a.status == AppStatus::Failed)
        .unwrap();
    failed.failure_reason = None;
    failed.describe_error = Some("AccessDenied on DescribeApp\u{1b}[2J".into());
    answer(&mut s, studio);
    let held = s.views.studio.held(PROD).unwrap();
    let app = held
        .apps
        .iter()
        .find(|a| a.status == AppStatus::Failed)
        .unwrap();
    let note = app.why_failed().unwrap();
    assert!(!note.chars().any(|c| c.is_control()), "{note:?}");
    assert!(
        s.views
            .studio
            .rows
            .iter()
            .any(|r| { super::rows::app(&s, r).is_some_and(|(_, a)| a.describe_error.is_some()) }),
        "the row stays"
    );
    let i = s
        .views
        .studio
        .rows
        .iter()
        .position(|r| super::rows::app(&s, r).is_some_and(|(_, a)| a.describe_error.is_some()))
        .unwrap();
    s.views.studio.app_row = i;
    let text = small(&s);
    assert!(text.contains("reason not read: AccessDenied on"), "{text}");
}
