//! Mute rules in the console: badges, `U` over rules, `:mutes` and its keys, `:mute window`.

use crate::app::action::{Action, InputKey, Loaded};
use crate::app::command::Command;
use crate::app::state::State;
use crate::app::update::update;
use crate::overlays::Overlay;
use crate::source::alarm_write::AlarmWrite;
use crate::source::model::Epoch;
use crate::source::mute::{MuteRule, MuteStatus};
use crate::ui::fixture::{self, MONITORING, screen_text};
use crate::views::View;

fn rule(name: &str, expression: &str, duration: &str, targets: &[&str]) -> MuteRule {
    MuteRule {
        account_id: MONITORING.into(),
        id: name.into(),
        name: name.into(),
        description: "deploy of the fraud model".into(),
        targets: targets.iter().map(|s| s.to_string()).collect(),
        expression: expression.into(),
        duration: duration.into(),
        timezone: None,
        start: None,
        expire: None,
        status: MuteStatus::Active,
        updated: None,
        region: fixture::REGION.into(),
    }
}

fn at(t: Epoch) -> String {
    crate::source::mute::when::Expression::at(t)
}

/// The alarms screen with `rules` read, the way a read of the source brings them in.
fn with_rules(rules: Vec<MuteRule>) -> State {
    let mut s = fixture::in_view(View::Alarms);
    s.size = (120, 30);
    update(
        &mut s,
        Action::Loaded(Box::new(Loaded::MuteRules(Ok(rules)))),
    );
    s
}

/// The id of the `nth` alarm on screen whose name no other alarm of its account has (the
/// fixture names alarms alike in several accounts, as organisations do).
fn alarm_id(s: &State, nth: usize) -> String {
    let unique = |i: &usize| {
        let a = &s.alarms[*i];
        s.alarms
            .iter()
            .filter(|b| b.account_id == a.account_id && b.id == a.id)
            .count()
            == 1
            && a.account_id == MONITORING
            && a.actions_enabled
    };
    let i = s
        .views
        .alarms
        .rows
        .iter()
        .copied()
        .filter(unique)
        .nth(nth)
        .unwrap();
    s.alarms[i].id.clone()
}

fn select(s: &mut State, id: &str) {
    let rows = &s.views.alarms.rows;
    s.views.alarms.selected = rows.iter().position(|&i| s.alarms[i].id == id).unwrap();
}

fn name_of(s: &State, id: &str) -> String {
    s.alarms.iter().find(|a| a.id == id).unwrap().name.clone()
}

fn row_of<'a>(screen: &'a str, name: &str) -> &'a str {
    screen
        .lines()
        .find(|l| l.contains(name))
        .unwrap_or_default()
}

use super::tests::{answer, writes};

#[test]
fn an_alarm_muted_by_a_rule_shows_its_time_left_until_the_window_ends_by_itself() {
    let s0 = fixture::in_view(View::Alarms);
    let (now, target) = (s0.now, alarm_id(&s0, 0));
    let mut s = with_rules(vec![rule("deploy", &at(now - 600), "PT1H", &[&target])]);
    let name = name_of(&s, &target);
    assert!(
        row_of(&screen_text(&s), &name).contains("⊘ 50m"),
        "{}",
        screen_text(&s)
    );
    // The fleet counts it as silent in its account.
    assert_eq!(
        s.alarm_index.muted_by_account.values().sum::<usize>(),
        1 + muted_for_good(&s)
    );

    // The demo's clock (or the wall's) passes the end: no key, no read, and it is unmuted.
    update(&mut s, Action::Tick(now + 3600));
    let screen = screen_text(&s);
    assert!(!row_of(&screen, &name).contains('⊘'), "{screen}");
    assert_eq!(
        s.alarm_index.muted_by_account.values().sum::<usize>(),
        muted_for_good(&s)
    );
}

fn muted_for_good(s: &State) -> usize {
    s.alarms.iter().filter(|a| !a.actions_enabled).count()
}

#[test]
fn a_window_yet_to_open_says_when_and_actions_off_say_forever() {
    let s0 = fixture::in_view(View::Alarms);
    let target = alarm_id(&s0, 0);
    let mut s = with_rules(vec![rule("nightly", "cron(0 2 * * *)", "PT2H", &[&target])]);
    let name = name_of(&s, &target);
    let screen = screen_text(&s);
    assert!(row_of(&screen, &name).contains("⊘ at 02:00"), "{screen}");
    let off = s
        .alarms
        .iter()
        .find(|a| !a.actions_enabled)
        .unwrap()
        .name
        .clone();
    assert!(row_of(&screen, &off).contains("⊘ ∞"), "{screen}");
    // At 80 columns the sign stays, the time gives way to the names.
    s.size = (80, 24);
    let narrow = screen_text(&s);
    assert!(row_of(&narrow, &off[..12]).contains('⊘'), "{narrow}");
}

#[test]
fn muted_alarms_lists_those_silent_now_with_actions_off_for_good_first() {
    let s0 = fixture::in_view(View::Alarms);
    let (now, target) = (s0.now, alarm_id(&s0, 0));
    let mut s = with_rules(vec![
        rule("deploy", &at(now - 60), "PT1H", &[&target]),
        rule("nightly", "cron(0 2 * * *)", "PT2H", &[&alarm_id(&s0, 1)]),
    ]);
    update(&mut s, Action::Run("alarms muted".into()));
    let listed: Vec<(&str, bool)> = s
        .views
        .alarms
        .rows
        .iter()
        .map(|&i| (s.alarms[i].id.as_str(), s.alarms[i].actions_enabled))
        .collect();
    // The one off for good first, then the one a rule mutes now; the scheduled one is not
    // silent yet.
    assert_eq!(listed.len(), muted_for_good(&s) + 1, "{listed:?}");
    assert!(!listed[0].1);
    assert_eq!(listed.last().unwrap().0, target);
}

#[test]
fn unmute_deletes_a_rule_of_its_own_and_takes_the_alarm_out_of_a_shared_one() {
    let s0 = fixture::in_view(View::Alarms);
    let (now, a, b) = (s0.now, alarm_id(&s0, 0), alarm_id(&s0, 1));
    let mut s = with_rules(vec![
        rule("own", &at(now - 60), "PT1H", &[&a]),
        rule("shared", &at(now - 60), "PT1H", &[&a, &b]),
    ]);
    select(&mut s, &a);
    update(&mut s, Action::UnmuteAlarm);
    let Some(Overlay::Confirm(c)) = s.overlays.last() else {
        panic!("no confirmation: {:?}", s.overlays);
    };
    assert!(
        c.lines
            .iter()
            .any(|l| l.contains("goes on muting 1 other alarm")),
        "{:?}",
        c.lines
    );
    let sent = answer(&mut s, InputKey::Char('y'));
    let ops: Vec<&str> = writes(&sent).iter().map(|w| w.operation()).collect();
    assert_eq!(ops, ["DeleteAlarmMuteRule", "PutAlarmMuteRule"]);
    let AlarmWrite::PutMuteRule(put) = writes(&sent)[1] else {
        panic!()
    };
    assert_eq!(put.targets, [b]);
}

#[test]
fn unmuting_an_alarm_nothing_mutes_says_so_and_sends_nothing() {
    let mut s = with_rules(Vec::new());
    let out = update(&mut s, Action::UnmuteAlarm);
    assert!(out.commands.is_empty());
    assert!(s.overlays.is_empty());
    assert!(s.flash.as_ref().unwrap().text.contains("is not muted"));
}

#[test]
fn a_mute_rule_written_reads_the_rules_again_at_once() {
    let mut s = with_rules(Vec::new());
    let put = crate::source::mute::PutMuteRule::from_now(
        MONITORING.into(),
        vec!["x".into()],
        s.now,
        s.now + 3600,
        "",
    );
    let request = crate::source::write::Write::from(AlarmWrite::PutMuteRule(Box::new(put)));
    let out = update(
        &mut s,
        Action::Loaded(Box::new(Loaded::Written {
            request: Box::new(request),
            outcome: crate::writes::WriteOutcome::Done(Default::default()),
        })),
    );
    assert!(
        out.commands
            .contains(&Command::LoadMuteRules { reread: true }),
        "{:?}",
        out.commands
    );
}

#[test]
fn mutes_lists_every_rule_whole_and_changes_or_deletes_one_after_a_confirmation() {
    let s0 = fixture::in_view(View::Alarms);
    let (now, a) = (s0.now, alarm_id(&s0, 0));
    let mut s = with_rules(vec![
        rule("old", &at(now - 7200), "PT1H", &[&a]),
        rule("deploy", &at(now - 600), "PT1H", &[&a, "made-elsewhere"]),
        rule("nightly", "cron(0 2 * * *)", "PT2H", &[&a]),
    ]);
    update(&mut s, Action::Run("mutes".into()));
    let screen = screen_text(&s);
    let order: Vec<usize> = ["deploy", "nightly", "old"]
        .iter()
        .map(|n| {
            screen
                .find(&format!(" {n} "))
                .unwrap_or_else(|| panic!("{n}: {screen}"))
        })
        .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "active, scheduled, ended: {screen}"
    );
    assert!(row_of(&screen, "deploy").contains("ACTIVE"), "{screen}");
    assert!(
        row_of(&screen, "nightly").contains("daily at 02:00 for 2h"),
        "{screen}"
    );
    assert!(row_of(&screen, "old").contains("ENDED"), "{screen}");

    // Enter: the rule whole, with the target no alarm read knows.
    update(&mut s, Action::Select);
    let screen = screen_text(&s);
    assert!(
        screen.contains("made-elsewhere  (not among the alarms read)"),
        "{screen}"
    );
    assert!(screen.contains("deploy of the fraud model"), "{screen}");

    // e: a new end for the one-time rule is a longer window from when it opened.
    update(&mut s, Action::EditAlarm);
    let Some(Overlay::Form(_)) = s.overlays.last() else {
        panic!("no form: {:?}", s.overlays);
    };
    for _ in 0..2 {
        update(&mut s, Action::Input(InputKey::Backspace));
    }
    for c in "3h".chars() {
        update(&mut s, Action::Input(InputKey::Char(c)));
    }
    update(&mut s, Action::Input(InputKey::Enter));
    let sent = answer(&mut s, InputKey::Char('y'));
    let [AlarmWrite::PutMuteRule(put)] = writes(&sent).as_slice() else {
        panic!("{sent:?}");
    };
    assert_eq!(put.name, "deploy");
    assert_eq!(put.targets, [a.as_str(), "made-elsewhere"]);
    // Opened 10 minutes ago, ends 3 hours from now.
    assert_eq!(put.duration, "PT3H10M");

    // D: deleted only once its name is typed.
    update(&mut s, Action::DeleteAlarm);
    crate::overlays::confirm::moment_passes(&mut s);
    assert!(writes(&update(&mut s, Action::Input(InputKey::Char('y'))).commands).is_empty());
    update(&mut s, Action::Input(InputKey::Backspace));
    let mut sent = Vec::new();
    for c in "deploy".chars() {
        sent.extend(update(&mut s, Action::Input(InputKey::Char(c))).commands);
    }
    sent.extend(update(&mut s, Action::Input(InputKey::Enter)).commands);
    assert_eq!(
        writes(&sent),
        [&AlarmWrite::DeleteMuteRule {
            account_id: MONITORING.into(),
            name: "deploy".into(),
            region: Default::default(),
        }]
    );
    // Esc: back to the alarms.
    update(&mut s, Action::Back);
    update(&mut s, Action::Back);
    assert!(s.views.alarms.rules.is_none());
}

#[test]
fn a_maintenance_window_mutes_the_endpoints_alarms_every_night() {
    let mut s = with_rules(Vec::new());
    // The fleet's selected endpoint.
    update(&mut s, Action::Run("fleet".into()));
    let endpoint = crate::views::selected_endpoint(&s).unwrap();
    let watching: Vec<String> = s
        .alarms
        .iter()
        .filter(|a| a.endpoint.as_ref() == Some(&endpoint))
        .map(|a| a.id.clone())
        .collect();
    assert!(!watching.is_empty());
    update(
        &mut s,
        Action::Run("mute window nightly-etl cron(0 2 * * MON-FRI) 2h Europe/Paris".into()),
    );
    let sent = answer(&mut s, InputKey::Char('y'));
    let [AlarmWrite::PutMuteRule(put)] = writes(&sent).as_slice() else {
        panic!("{sent:?} {:?}", s.flash);
    };
    assert_eq!(put.name, "nightly-etl");
    assert_eq!(put.expression, "cron(0 2 * * MON-FRI)");
    assert_eq!(put.duration, "PT2H");
    assert_eq!(put.timezone.as_deref(), Some("Europe/Paris"));
    let mut targets = put.targets.clone();
    targets.sort();
    let mut want = watching;
    want.sort();
    assert_eq!(targets, want);
}

#[test]
fn a_window_typed_wrong_says_what_was_expected_and_opens_nothing() {
    for bad in [
        "mute window nightly cron(0 2 * *) 2h",
        "mute window nightly 2h",
        "mute window nightly cron(0 2 * * *) 16d",
        "mute window nightly cron(0 2 * * *) 2h Mars/Base",
        "mute nightly",
    ] {
        let mut s = with_rules(Vec::new());
        update(&mut s, Action::Run("fleet".into()));
        let out = update(&mut s, Action::Run(bad.into()));
        assert!(out.commands.is_empty(), "{bad}");
        assert!(s.overlays.is_empty(), "{bad}");
        let said = s.flash.as_ref().map_or("", |f| f.text.as_str());
        assert!(
            said.contains("expected :mute window NAME cron("),
            "{bad}: {said}"
        );
    }
}

#[test]
fn read_only_refuses_the_mute_form_the_window_and_a_rules_change_before_any_dialog() {
    let s0 = fixture::in_view(View::Alarms);
    let (now, a) = (s0.now, alarm_id(&s0, 0));
    let mut s = with_rules(vec![rule("deploy", &at(now - 600), "PT1H", &[&a])]);
    s.readonly = true;
    update(&mut s, Action::MuteAlarm);
    assert!(s.overlays.is_empty());
    update(
        &mut s,
        Action::Run("mute window n cron(0 2 * * *) 2h".into()),
    );
    assert!(s.overlays.is_empty());
    update(&mut s, Action::Run("mutes".into()));
    update(&mut s, Action::EditAlarm);
    assert!(s.overlays.is_empty());
}

#[test]
fn a_mute_forgotten_for_a_day_is_flagged_on_the_status_bar_until_it_is_unmuted() {
    use crate::source::mute::TurnedOff;
    let mut s = with_rules(Vec::new());
    let off: Vec<(String, String)> = s
        .alarms
        .iter()
        .filter(|a| !a.actions_enabled)
        .map(|a| (a.account_id.clone(), a.id.clone()))
        .collect();
    assert!(off.len() >= 2, "the fixture mutes two alarms for good");
    // Nothing known yet: nothing flagged.
    assert!(!screen_text(&s).lines().last().unwrap().contains('∞'));
    let record = |(account_id, alarm): &(String, String), ago: Epoch| TurnedOff {
        account_id: account_id.clone(),
        alarm: alarm.clone(),
        at: s.now - ago,
        by: Some("arn:aws:sts::111122223333:assumed-role/OnCall/alice".into()),
        known: crate::source::mute::Known::AuditLog,
    };
    // One muted two days ago by alice, one two hours ago; none of the others is known.
    let records = vec![record(&off[0], 2 * 86_400), record(&off[1], 2 * 3600)];
    let loaded = crate::views::AlarmsLoaded::TurnedOff(records);
    update(
        &mut s,
        Action::Loaded(Box::new(Loaded::View(crate::views::ViewLoaded::Alarms(
            loaded,
        )))),
    );
    let unknown = off.len() - 2;
    let screen = screen_text(&s);
    let bar = screen.lines().last().unwrap();
    assert!(bar.contains(&format!("⊘{}∞", 1 + unknown)), "{bar}");
    let name = |i: usize| name_of(&s, &off[i].1);
    assert!(row_of(&screen, &name(0)).contains("⊘ ∞ 2d"), "{screen}");
    assert!(row_of(&screen, &name(1)).contains("⊘ ∞ 2h"), "{screen}");
    // The alarm's pane says by whom.
    select(&mut s, &off[0].1.clone());
    update(&mut s, Action::Select);
    assert!(
        screen_text(&s).contains("2d ago by arn:aws:sts::111122223333:assumed-role/OnCall/alice")
    );
    // A shorter bound flags the one muted two hours ago too.
    s.muted_indefinitely_hours = 1;
    crate::app::data::recount_muted(&mut s);
    assert_eq!(s.alarm_index.muted_forgotten, 2 + unknown);
}
