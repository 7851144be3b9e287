//! The write path in the console, from key to command: forms and confirmations, identifiers
//! kept exactly as AWS returned them, read-only refusals, and what a write's outcome does.

use crate::app::action::{Action, InputKey, Loaded};
use crate::app::command::Command;
use crate::app::state::State;
use crate::app::update::update;
use crate::overlays::Overlay;
use crate::source::SourceError;
use crate::source::alarm_write::AlarmWrite;
use crate::source::write::WriteReceipt;
use crate::ui::fixture::{self, MONITORING, PROD};
use crate::views::View;
use crate::writes::{Refusal, WriteOutcome};

fn input(s: &mut State, k: InputKey) -> Vec<Command> {
    update(s, Action::Input(k)).commands
}

/// A key pressed once the dialog on top has waited its moment (a person reading it).
pub(super) fn answer(s: &mut State, k: InputKey) -> Vec<Command> {
    crate::overlays::confirm::moment_passes(s);
    input(s, k)
}

fn typed(s: &mut State, text: &str) {
    for c in text.chars() {
        input(s, InputKey::Char(c));
    }
}

/// Moves the form's cursor to `key`.
fn focus(s: &mut State, key: &str) {
    for _ in 0..40 {
        match s.overlays.last() {
            Some(Overlay::Form(f)) if f.fields[f.focus].key == key => return,
            Some(Overlay::Form(_)) => {
                input(s, InputKey::Tab);
            }
            _ => panic!("no form open"),
        }
    }
    panic!("no field {key}");
}

fn set_field(s: &mut State, key: &str, text: &str) {
    focus(s, key);
    input(s, InputKey::ClearLine);
    typed(s, text);
}

pub(super) fn writes(commands: &[Command]) -> Vec<&AlarmWrite> {
    commands
        .iter()
        .filter_map(|c| match c {
            Command::Write { request, .. } => request.as_alarm(),
            _ => None,
        })
        .collect()
}

/// The status bar's message now.
fn flashed(s: &State) -> &str {
    s.flash.as_ref().map_or("", |f| f.text.as_str())
}

fn top_is_confirm(s: &State) -> bool {
    matches!(s.overlays.last(), Some(Overlay::Confirm(_)))
}

fn form_messages(s: &State) -> Vec<(String, String)> {
    let Some(Overlay::Form(f)) = s.overlays.last() else {
        return Vec::new();
    };
    f.fields
        .iter()
        .zip(f.messages())
        .filter_map(|(field, m)| Some((field.key.to_owned(), m?)))
        .collect()
}

/// An alarm whose name holds a bidi override: drawn cleaned, requested exactly.
fn with_hostile_alarm() -> (State, String) {
    let mut s = fixture::in_view(View::Alarms);
    let raw = "fraud\u{202e}-acc".to_owned();
    s.alarms[0].id = raw.clone();
    s.alarms[0].name = crate::sanitize::clean(&raw).into_owned();
    crate::app::data::rebuild_alarm_index(&mut s);
    crate::views::alarms::rows::rebuild(&mut s);
    let at = s
        .views
        .alarms
        .rows
        .iter()
        .position(|&i| s.alarms[i].id == raw)
        .unwrap();
    s.views.alarms.selected = at;
    (s, raw)
}

#[test]
fn mute_sends_the_name_as_aws_returned_it_only_after_y() {
    let (mut s, raw) = with_hostile_alarm();
    update(&mut s, Action::MuteAlarm);
    assert!(
        matches!(s.overlays.last(), Some(Overlay::Form(_))),
        "M asks how long first"
    );
    // The form's default: 4 hours.
    assert!(writes(&input(&mut s, InputKey::Enter)).is_empty());
    assert!(top_is_confirm(&s));
    assert!(
        writes(&answer(&mut s, InputKey::Enter)).is_empty(),
        "Enter is not y"
    );
    let sent = answer(&mut s, InputKey::Char('y'));
    let w = writes(&sent);
    let [AlarmWrite::PutMuteRule(put)] = w.as_slice() else {
        panic!("{w:?}");
    };
    assert_eq!(put.account_id, MONITORING);
    assert_eq!(put.targets, [raw]);
    assert_eq!(
        put.expression,
        crate::source::mute::when::Expression::at(s.now)
    );
    let secs = crate::source::mute::when::parse_duration(&put.duration).unwrap();
    assert!(
        (4 * 3600..4 * 3600 + 60).contains(&secs),
        "{}",
        put.duration
    );
}

#[test]
fn indefinitely_keeps_actions_off_and_says_it_does_not_end() {
    let (mut s, raw) = with_hostile_alarm();
    update(&mut s, Action::MuteAlarm);
    set_field(&mut s, "mute_for", "indefinitely");
    input(&mut s, InputKey::Enter);
    let Some(Overlay::Confirm(c)) = s.overlays.last() else {
        panic!("no confirmation: {:?}", s.overlays);
    };
    assert!(c.title.contains("DisableAlarmActions"), "{}", c.title);
    assert!(c.lines.iter().any(|l| l.contains("until someone unmutes")));
    let sent = answer(&mut s, InputKey::Char('y'));
    assert_eq!(
        writes(&sent),
        [&AlarmWrite::SetActions {
            account_id: MONITORING.into(),
            ids: vec![raw],
            enabled: false,
            region: crate::ui::fixture::REGION.into(),
        }]
    );
}

#[test]
fn a_length_the_form_cannot_read_is_said_under_it_and_sends_nothing() {
    let mut s = fixture::in_view(View::Alarms);
    update(&mut s, Action::MuteAlarm);
    set_field(&mut s, "mute_for", "until lunch");
    assert!(writes(&input(&mut s, InputKey::Enter)).is_empty());
    let messages = form_messages(&s);
    assert!(
        messages
            .iter()
            .any(|(k, m)| k == "mute_for" && m.contains("until Monday 09:00")),
        "{messages:?}"
    );
    assert!(!top_is_confirm(&s));
}

#[test]
fn delete_asks_for_a_phrase_that_can_be_typed_and_sends_the_raw_name() {
    let (mut s, raw) = with_hostile_alarm();
    update(&mut s, Action::DeleteAlarm);
    crate::overlays::confirm::moment_passes(&mut s);
    typed(&mut s, "y");
    assert!(
        writes(&input(&mut s, InputKey::Enter)).is_empty(),
        "y is not the name"
    );
    // Its drawn name cannot be typed back (a replacement character): the count is asked for.
    input(&mut s, InputKey::ClearLine);
    typed(&mut s, &crate::sanitize::clean(&raw));
    assert!(writes(&input(&mut s, InputKey::Enter)).is_empty());
    input(&mut s, InputKey::ClearLine);
    typed(&mut s, "delete 1 alarm");
    let sent = input(&mut s, InputKey::Enter);
    assert_eq!(
        writes(&sent),
        [&AlarmWrite::DeleteAlarms {
            account_id: MONITORING.into(),
            ids: vec![raw],
            region: crate::ui::fixture::REGION.into(),
        }]
    );
}

#[test]
fn marked_alarms_are_muted_together_one_request_per_account() {
    let mut s = fixture::in_view(View::Alarms);
    // Three alarms marked: two living in the monitoring account, one in prod.
    let rows = s.views.alarms.rows.clone();
    let (a, b, c) = (rows[0], rows[2], rows[3]);
    s.alarms[c].account_id = PROD.into();
    for i in [a, b, c] {
        let key = (s.alarms[i].account_id.clone(), s.alarms[i].id.clone());
        s.views.alarms.marks.insert(key);
        s.alarms[i].actions_enabled = false;
    }
    update(&mut s, Action::UnmuteAlarm);
    let sent = answer(&mut s, InputKey::Char('y'));
    let mut got: Vec<(String, Vec<String>)> = writes(&sent)
        .iter()
        .map(|w| match w {
            AlarmWrite::SetActions {
                account_id,
                ids,
                enabled: true,
                ..
            } => {
                let mut ids = ids.clone();
                ids.sort();
                (account_id.clone(), ids)
            }
            other => panic!("{other:?}"),
        })
        .collect();
    got.sort();
    let mut monitoring = vec![s.alarms[a].id.clone(), s.alarms[b].id.clone()];
    monitoring.sort();
    let mut want = vec![
        (MONITORING.to_owned(), monitoring),
        (PROD.to_owned(), vec![s.alarms[c].id.clone()]),
    ];
    want.sort();
    assert_eq!(got, want);
}

#[test]
fn read_only_refuses_every_changing_key_and_command_before_any_dialog() {
    let mut s = fixture::in_view(View::Alarms);
    s.readonly = true;
    for a in [
        Action::NewAlarm,
        Action::EditAlarm,
        Action::MuteAlarm,
        Action::UnmuteAlarm,
        Action::DeleteAlarm,
    ] {
        s.flash = None;
        let out = update(&mut s, a);
        assert!(out.commands.is_empty());
        assert!(s.overlays.is_empty());
        assert!(flashed(&s).contains("read-only"));
    }
    for line in ["alarm new", "alarm mute", "alarm delete"] {
        s.flash = None;
        let out = update(&mut s, Action::Run(line.into()));
        assert!(out.commands.is_empty() && s.overlays.is_empty(), "{line}");
        assert!(flashed(&s).contains("read-only"), "{line}");
    }
    // A confirmed write that slipped through is refused where commands are made.
    let out = update(
        &mut s,
        Action::Write(vec![crate::source::write::Write::Alarm(
            AlarmWrite::DeleteAlarms {
                account_id: MONITORING.into(),
                ids: vec!["x".into()],
                region: Default::default(),
            },
        )]),
    );
    assert!(writes(&out.commands).is_empty());
}

#[test]
fn n_on_a_chart_opens_the_form_on_that_metric_checks_fields_and_confirms_the_exact_request() {
    let mut s = fixture::in_view(View::Endpoint);
    s.views.endpoint.selected_chart = 6; // MemoryUtilization
    update(&mut s, Action::NewAlarm);
    let Some(Overlay::Form(f)) = s.overlays.last() else {
        panic!("no form");
    };
    assert_eq!(f.owner, View::Alarms);
    let draft = s.views.alarms.draft.as_ref().unwrap();
    assert_eq!(draft.metrics[0].1.metric, "MemoryUtilization");
    // OAM with a role for prod: the monitoring account first, prod's own as the other.
    let homes: Vec<&str> = draft.homes.iter().map(|(_, h)| h.as_str()).collect();
    assert_eq!(homes, [MONITORING, PROD]);

    set_field(&mut s, "threshold", "8O");
    set_field(&mut s, "period", "45");
    set_field(&mut s, "evaluation_periods", "2");
    set_field(&mut s, "datapoints", "3");
    set_field(
        &mut s,
        "alarm_actions",
        "arn:aws:sns:us-east-1:123456789012:oncall",
    );
    // Over CloudWatch's 255 characters (control characters cannot even be typed).
    set_field(&mut s, "name", &"x".repeat(256));
    input(&mut s, InputKey::Enter);
    assert!(
        matches!(s.overlays.last(), Some(Overlay::Form(_))),
        "refused"
    );
    let m = form_messages(&s);
    let about = |k: &str| m.iter().any(|(key, _)| key == k);
    assert!(about("threshold") && about("name"), "{m:?}");
    // Field checks first; cross-field checks once every field is valid on its own.
    set_field(&mut s, "threshold", "80");
    set_field(&mut s, "name", "prod-fraud-memory-high");
    input(&mut s, InputKey::Enter);
    let m = form_messages(&s);
    let about = |k: &str| m.iter().any(|(key, _)| key == k);
    assert!(
        about("period") && about("datapoints") && about("alarm_actions"),
        "{m:?}"
    );
    let arn = m.iter().find(|(k, _)| k == "alarm_actions").unwrap();
    assert!(arn.1.contains("us-east-1"), "{arn:?}");

    set_field(&mut s, "period", "60");
    set_field(&mut s, "datapoints", "2");
    set_field(
        &mut s,
        "alarm_actions",
        &format!("arn:aws:sns:eu-west-1:{MONITORING}:oncall"),
    );
    input(&mut s, InputKey::Enter);
    let Some(Overlay::Confirm(c)) = s.overlays.last() else {
        panic!("no confirmation: {:?}", form_messages(&s));
    };
    let text = c.lines.join("\n");
    assert!(text.contains("PutMetricAlarm") && text.contains("eu-west-1"));
    assert!(text.contains("\"AccountId\": \"210987654321\""), "{text}");
    let sent = answer(&mut s, InputKey::Char('y'));
    let [AlarmWrite::Put(p)] = writes(&sent)[..] else {
        panic!("{sent:?}");
    };
    assert_eq!(p.alarm_account, MONITORING);
    assert_eq!(p.series.account_id, PROD);
    assert_eq!(p.series.metric, "MemoryUtilization");
    assert_eq!(
        (p.series.period, p.evaluation_periods, p.datapoints_to_alarm),
        (60, 2, 2)
    );
    assert!(p.uses_metrics_form());
    assert!(!p.edit);
}

#[test]
fn edit_keeps_the_name_and_the_muted_actions_and_says_it_overwrites() {
    let mut s = fixture::in_view(View::Alarms);
    // The selected alarm with its actions off.
    let i = s.views.alarms.rows[s.views.alarms.selected];
    s.alarms[i].actions_enabled = false;
    let id = s.alarms[i].id.clone();
    update(&mut s, Action::EditAlarm);
    assert!(matches!(s.overlays.last(), Some(Overlay::Form(_))));
    set_field(&mut s, "threshold", "0.8");
    input(&mut s, InputKey::Enter);
    let Some(Overlay::Confirm(c)) = s.overlays.last() else {
        panic!("no confirmation: {:?}", form_messages(&s));
    };
    assert!(c.lines.iter().any(|l| l.contains("overwrites")));
    let sent = answer(&mut s, InputKey::Char('y'));
    let [AlarmWrite::Put(p)] = writes(&sent)[..] else {
        panic!("{sent:?}");
    };
    assert_eq!(p.name, id);
    assert!(p.edit && !p.actions_enabled);
    assert_eq!(p.threshold, 0.8);
}

#[test]
fn a_done_write_rereads_its_account_at_once_and_a_failure_says_the_iam_action() {
    let mut s = fixture::in_view(View::Alarms);
    update(&mut s, Action::ToggleMark);
    let request = AlarmWrite::SetActions {
        account_id: PROD.into(),
        ids: vec!["a".into()],
        enabled: false,
        region: Default::default(),
    };
    let out = update(
        &mut s,
        Action::Loaded(Box::new(Loaded::Written {
            request: Box::new(request.clone().into()),
            outcome: WriteOutcome::Done(WriteReceipt {
                request_id: Some("r-1".into()),
            }),
        })),
    );
    // Actions turned off: the audit log is read again for since when and by whom.
    assert_eq!(
        out.commands,
        [
            Command::RereadAlarms(PROD.into()),
            crate::views::AlarmsCall::TurnedOff.into()
        ]
    );
    assert!(s.views.alarms.marks.is_empty(), "marks are spent");
    assert!(flashed(&s).contains("r-1"));

    let out = update(
        &mut s,
        Action::Loaded(Box::new(Loaded::Written {
            request: Box::new(request.clone().into()),
            outcome: WriteOutcome::Failed(SourceError::AccessDenied {
                call: format!("DisableAlarmActions {PROD}"),
                action: "cloudwatch:DisableAlarmActions".into(),
            }),
        })),
    );
    assert!(out.commands.is_empty());
    assert!(flashed(&s).contains("cloudwatch:DisableAlarmActions"));

    update(
        &mut s,
        Action::Loaded(Box::new(Loaded::Written {
            request: Box::new(request.into()),
            outcome: WriteOutcome::Refused(Refusal::Audit {
                path: "/state/sagewatch/audit.jsonl".into(),
                error: "Permission denied".into(),
                operation: "DisableAlarmActions",
            }),
        })),
    );
    assert!(flashed(&s).contains("/state/sagewatch/audit.jsonl"));
}

#[test]
fn alarm_new_works_from_the_fleet_and_names_an_endpoint() {
    let mut s = fixture::in_view(View::Fleet);
    update(&mut s, Action::Run("alarm new".into()));
    assert!(matches!(s.overlays.last(), Some(Overlay::Form(_))));
    s.overlays.clear();
    update(&mut s, Action::Run("alarm new churn-predictor".into()));
    let draft = s.views.alarms.draft.as_ref().unwrap();
    assert_eq!(
        crate::source::metrics::endpoint_name_of(&draft.metrics[0].1),
        Some("churn-predictor")
    );
    s.overlays.clear();
    update(&mut s, Action::Run("alarm new nope".into()));
    assert!(s.overlays.is_empty());
    assert!(flashed(&s).contains("no endpoint named nope"));
    update(&mut s, Action::Run("alarm frobnicate".into()));
    assert!(flashed(&s).contains("expected :alarm new"));
}

#[test]
fn the_muted_filter_keeps_only_alarms_whose_actions_are_off() {
    let mut s = fixture::in_view(View::Fleet);
    update(&mut s, Action::Run("alarms muted".into()));
    assert_eq!(s.view, View::Alarms);
    let rows: Vec<bool> = s
        .views
        .alarms
        .rows
        .iter()
        .map(|&i| s.alarms[i].actions_enabled)
        .collect();
    assert!(!rows.is_empty() && rows.iter().all(|e| !e), "{rows:?}");
}

#[test]
fn the_breach_note_follows_the_threshold_as_it_is_typed() {
    let mut s = fixture::in_view(View::Endpoint);
    s.views.endpoint.selected_chart = 0; // accuracy
    update(&mut s, Action::NewAlarm);
    let note = |s: &State| {
        let Some(Overlay::Form(f)) = s.overlays.last() else {
            panic!()
        };
        crate::views::alarms::preview::note(s, s.views.alarms.draft.as_ref().unwrap(), f).0
    };
    set_field(&mut s, "threshold", "0.5");
    assert!(note(&s).starts_with("0 of "), "{}", note(&s));
    set_field(&mut s, "threshold", "0.99");
    let all = note(&s);
    assert!(all.contains("would be in ALARM now"), "{all}");
    let n: Vec<&str> = all.split(' ').collect();
    assert_eq!(n[0], n[2], "every point breaches: {all}");
}

#[test]
fn the_suggested_name_follows_metric_and_comparison_until_typed_over() {
    let mut s = fixture::in_view(View::Endpoint);
    s.views.endpoint.selected_chart = 5; // CPUUtilization
    update(&mut s, Action::NewAlarm);
    let name = |s: &State| match s.overlays.last() {
        Some(Overlay::Form(f)) => f.value("name"),
        _ => None,
    };
    let text = |n: &str| Some(crate::overlays::form::Value::Text(n.to_owned()));
    // fraud-detector is blue/green: the alarm watches one variant, and its name says which.
    assert_eq!(
        name(&s),
        text("prod-fraud-detector-CPUUtilization-blue-high")
    );
    focus(&mut s, "comparison");
    input(&mut s, InputKey::Right); // GreaterThanOrEqualToThreshold
    input(&mut s, InputKey::Right); // LessThanThreshold
    assert_eq!(
        name(&s),
        text("prod-fraud-detector-CPUUtilization-blue-low")
    );
    focus(&mut s, "metric");
    input(&mut s, InputKey::Right);
    let next = name(&s);
    assert_ne!(next, text("prod-fraud-detector-CPUUtilization-blue-low"));
    set_field(&mut s, "name", "mine");
    focus(&mut s, "metric");
    input(&mut s, InputKey::Right);
    assert_eq!(name(&s), text("mine"), "a typed name stays");
}

#[test]
fn an_edit_sends_back_what_the_form_does_not_show_and_refuses_what_it_would_change() {
    let mut s = fixture::in_view(View::Alarms);
    let i = s.views.alarms.rows[s.views.alarms.selected];
    let lambda = "arn:aws:lambda:eu-west-1:111122223333:function:page-me".to_owned();
    let raw_description = "line one\nline two".to_owned();
    {
        let st = &mut s.alarms[i].settings;
        st.alarm_actions = vec![lambda.clone()];
        st.insufficient_data_actions = vec!["arn:aws:sns:eu-west-1:111122223333:quiet".into()];
        st.unit = Some("Percent".into());
        st.raw_description = raw_description.clone();
        st.description = crate::sanitize::clean(&raw_description).into_owned();
    }
    update(&mut s, Action::EditAlarm);
    input(&mut s, InputKey::Enter);
    assert!(
        top_is_confirm(&s),
        "a Lambda action it already had passes: {:?}",
        form_messages(&s)
    );
    let sent = answer(&mut s, InputKey::Char('y'));
    let [AlarmWrite::Put(p)] = writes(&sent)[..] else {
        panic!("{sent:?}");
    };
    assert_eq!(p.alarm_actions, [lambda]);
    assert_eq!(p.insufficient_data_actions.len(), 1);
    assert_eq!(p.unit.as_deref(), Some("Percent"));
    assert_eq!(p.description, raw_description, "sent as AWS holds it");

    // A percentile alarm is not offered: the form would turn it into an average.
    s.alarms[i].settings.not_editable = Some("it uses the percentile statistic p99".into());
    update(&mut s, Action::EditAlarm);
    assert!(s.overlays.is_empty());
    assert!(flashed(&s).contains("p99"));
}

#[test]
fn a_new_alarm_on_names_that_would_not_be_sent_exactly_is_refused() {
    let mut s = fixture::in_view(View::Endpoint);
    // A variant name the console holds cleaned (it had a control character).
    s.endpoints[0].variants[0] = "blue\u{FFFD}".into();
    let endpoints = std::mem::take(&mut s.endpoints);
    s.set_endpoints(endpoints);
    update(&mut s, Action::NewAlarm);
    assert!(s.overlays.is_empty());
    assert!(flashed(&s).contains("sagewatch alarm create"));
}

#[test]
fn n_on_an_alarm_copies_its_rule_under_a_new_name() {
    let mut s = fixture::in_view(View::Alarms);
    let i = s.views.alarms.rows[s.views.alarms.selected];
    update(&mut s, Action::NewAlarm);
    let Some(Overlay::Form(f)) = s.overlays.last() else {
        panic!("no form: {:?}", s.flash);
    };
    let Some((comparison, threshold)) = s.alarms[i].threshold() else {
        panic!("a metric alarm");
    };
    assert_eq!(f.valid_number("threshold"), Some(threshold));
    assert_eq!(
        f.value("comparison"),
        Some(crate::overlays::form::Value::Choice(
            crate::source::alarm_write::Operator::from_comparison(comparison)
                .as_str()
                .to_owned()
        ))
    );
    assert_ne!(
        f.value("name"),
        Some(crate::overlays::form::Value::Text(s.alarms[i].id.clone()))
    );
}

/// Feeds `text` as a terminal without bracketed paste delivers a paste: one key each, read
/// through the keymap whenever no line is open. Returns every command they caused.
fn keys_of_a_paste(s: &mut State, text: &str) -> Vec<Command> {
    use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
    let mut pending = crate::app::input::KeySequence::default();
    let mut commands = Vec::new();
    for c in text.chars() {
        let code = match c {
            '\n' => KeyCode::Enter,
            c => KeyCode::Char(c),
        };
        let event = Event::Key(KeyEvent::new(code, KeyModifiers::NONE));
        let keymap = std::sync::Arc::clone(&s.keymap);
        let action = crate::app::input::action_for(&event, s.takes_text(), &keymap, &mut pending);
        if let Some(action) = action {
            commands.extend(update(s, action).commands);
        }
    }
    commands
}

#[test]
fn a_paste_sent_as_keys_opens_the_mute_but_never_confirms_it() {
    // The review's reproduction: `2`, `/`, then `prod⏎My team owns this⏎y⏎` as keys.
    let mut s = fixture::in_view(View::Fleet);
    let sent = keys_of_a_paste(&mut s, "2/prod\nMy team owns this\ny\n");
    assert!(writes(&sent).is_empty(), "nothing sent: {sent:?}");
    // M opened the mute's form, and the rest of the burst went into how long: not a length,
    // so the form refused to submit.
    assert!(
        matches!(s.overlays.last(), Some(Overlay::Form(_))),
        "{:?}",
        s.overlays
    );
    assert!(!top_is_confirm(&s));
    // Typed deliberately, a length and y send the one mute.
    set_field(&mut s, "mute_for", "1h");
    input(&mut s, InputKey::Enter);
    let Some(Overlay::Confirm(c)) = s.overlays.last() else {
        panic!("no confirmation: {:?}", s.overlays);
    };
    assert!(!c.is_armed(), "a confirmation waits its moment");
    let sent = answer(&mut s, InputKey::Char('y'));
    assert_eq!(writes(&sent).len(), 1);
}

#[test]
fn a_bracketed_paste_is_filter_text_and_opens_nothing() {
    let mut s = fixture::in_view(View::Fleet);
    let mut sent = keys_of_a_paste(&mut s, "2/");
    sent.extend(update(&mut s, Action::Paste("prod\nMy team owns this\ny\n".into())).commands);
    assert!(writes(&sent).is_empty());
    assert!(s.overlays.is_empty(), "no mute opened: {:?}", s.overlays);
    assert_eq!(s.views.alarms.filter, "prod My team owns this y");
}

// Flows driven through `update` with the router's fixtures (`app::testkit`).
mod flows {
    use crate::app::action::*;
    use crate::app::command::Command;
    use crate::app::state::*;
    use crate::app::testkit::*;
    use crate::app::update::update;
    use crate::views::ViewCall;
    use crate::views::alarms::calls::{AlarmsCall, AlarmsLoaded};

    use crate::source::metrics::MetricId;
    use crate::source::model::*;

    #[test]
    fn alarms_list_alarm_first_and_history_follows_the_selection() {
        let mut s = state();
        let e = s.endpoints[0].clone();
        let alarms = vec![
            alarm("a-ok", &e, MetricId::Accuracy, AlarmState::Ok, T0 - 100),
            alarm(
                "b-alarm-old",
                &e,
                MetricId::Cpu,
                AlarmState::Alarm,
                T0 - 500,
            ),
            alarm(
                "c-insufficient",
                &e,
                MetricId::Disk,
                AlarmState::InsufficientData,
                T0,
            ),
            alarm(
                "d-alarm-new",
                &e,
                MetricId::Memory,
                AlarmState::Alarm,
                T0 - 60,
            ),
        ];
        update(&mut s, loaded(Loaded::Alarms(Ok(alarms))));
        let order: Vec<&str> = s
            .views
            .alarms
            .rows
            .iter()
            .map(|&i| s.alarms[i].name.as_str())
            .collect();
        assert_eq!(
            order,
            ["d-alarm-new", "b-alarm-old", "c-insufficient", "a-ok"]
        );
        assert_eq!(
            s.alarm_index.in_alarm_by_account.get("111111111111"),
            Some(&2)
        );
        assert_eq!(s.worst_alarm(&e), Some(AlarmState::Alarm));

        update(&mut s, Action::ShowAlarms);
        let out = update(&mut s, Action::Select);
        assert_eq!(
            out.commands,
            [Command::View(ViewCall::Alarms(AlarmsCall::History {
                account_id: "100000000000".into(),
                id: "d-alarm-new".into(),
                while_scrolling: false,
            }))]
        );
        let out = update(&mut s, Action::MoveDown);
        assert!(
            matches!(&out.commands[..], [Command::View(ViewCall::Alarms(AlarmsCall::History { id, while_scrolling: true, .. }))] if id == "b-alarm-old")
        );
        // A late answer for the alarm no longer shown is ignored.
        update(
            &mut s,
            loaded(AlarmsLoaded::History {
                account_id: "100000000000".into(),
                id: "d-alarm-new".into(),
                result: Ok(vec![]),
            }),
        );
        assert_eq!(s.views.alarms.history, Loadable::Loading);
        // Enter again jumps to the alarm's endpoint.
        update(&mut s, Action::Select);
        assert_eq!(s.view, View::Endpoint);
        assert_eq!(s.views.endpoint.endpoint, Some(e.key()));
    }

    #[test]
    fn paging_scrolls_an_open_history_and_help_scroll_is_bounded() {
        let mut s = state();
        let e = s.endpoints[0].clone();
        update(
            &mut s,
            loaded(Loaded::Alarms(Ok(vec![alarm(
                "a",
                &e,
                MetricId::Accuracy,
                AlarmState::Alarm,
                T0,
            )]))),
        );
        update(&mut s, Action::ShowAlarms);
        update(&mut s, Action::Select);
        let items: Vec<AlarmHistoryItem> = (0..100)
            .map(|i| AlarmHistoryItem {
                timestamp: T0 - i * 60,
                item_type: HistoryItemType::StateUpdate,
                summary: format!("change {i}"),
            })
            .collect();
        update(
            &mut s,
            loaded(AlarmsLoaded::History {
                account_id: "100000000000".into(),
                id: "a".into(),
                result: Ok(items),
            }),
        );
        update(&mut s, Action::PageDown);
        assert!(s.views.alarms.history_scroll > 0);
        for _ in 0..50 {
            update(&mut s, Action::PageDown);
        }
        assert_eq!(s.views.alarms.history_scroll, 99, "stops at the last item");
        assert_eq!(
            s.views.alarms.selected, 0,
            "paging the history does not move the alarm"
        );

        update(&mut s, Action::ToggleHelp);
        for _ in 0..1000 {
            update(&mut s, Action::MoveDown);
        }
        let at_end = help_scroll(&s).unwrap();
        update(&mut s, Action::MoveUp);
        assert_eq!(
            help_scroll(&s),
            Some(at_end - 1),
            "one press up moves up from the end"
        );
        assert!(at_end < 1000);
    }
}

/// `e` on an alarm whose series no screen holds (a latency or 5XX alarm, from the list):
/// the preview asks for the series itself, keeps it while the form is open, and counts it
/// over its own window, whatever the endpoint screen's range.
#[test]
fn the_preview_of_an_alarm_edited_from_the_list_reads_its_own_series() {
    use crate::app::action::SeriesPurpose;
    use crate::source::model::{SeriesData, SeriesStatus};
    let mut s = fixture::in_view(View::Alarms);
    // As the console holds it away from the endpoint screen: no detail-only series.
    crate::app::data::shrink_store(&mut s);
    let row = s
        .views
        .alarms
        .rows
        .iter()
        .position(|&i| {
            s.alarms[i]
                .series()
                .is_some_and(|k| k.metric == "ModelLatency")
        })
        .expect("a latency alarm");
    s.views.alarms.selected = row;
    let key = s.alarms[s.views.alarms.rows[row]].series().unwrap().clone();
    assert!(s.store.get(&key).is_none());
    // The endpoint screen's range is not the preview's.
    s.views.endpoint.range = 0;
    let out = update(&mut s, Action::EditAlarm);
    let asked: Vec<_> = out
        .commands
        .iter()
        .filter_map(|c| match c {
            Command::LoadSeries {
                purpose, request, ..
            } if *request.keys == [key.clone()] => Some((*purpose, request.start, request.end)),
            _ => None,
        })
        .collect();
    let [(SeriesPurpose::Preview, start, end)] = asked[..] else {
        panic!("the preview asks for its series: {:?}", out.commands);
    };
    assert!(end - start >= 3 * 3600, "three hours: {start}..{end}");
    let points: Vec<(i64, f64)> = (start..=end)
        .step_by(60)
        .map(|t| (t, if t > end - 600 { 400_000.0 } else { 100_000.0 }))
        .collect();
    update(
        &mut s,
        Action::Loaded(Box::new(Loaded::Series(Ok(vec![SeriesData {
            key: key.clone(),
            points,
            status: SeriesStatus::Complete,
        }])))),
    );
    crate::app::data::shrink_store(&mut s);
    assert!(s.store.get(&key).is_some(), "kept while the form is open");
    let Some(Overlay::Form(f)) = s.overlays.last() else {
        panic!("no form")
    };
    let note = crate::views::alarms::preview::note(&s, s.views.alarms.draft.as_ref().unwrap(), f).0;
    assert!(note.contains(" of 18"), "counted over three hours: {note}");
    // The same series is not asked for again within the minute.
    let next = s.now + 1;
    let again = update(&mut s, Action::Tick(next)).commands;
    assert!(
        !again.iter().any(
            |c| matches!(c, Command::LoadSeries { request, .. } if *request.keys == [key.clone()])
        ),
        "{again:?}"
    );
    // Closed: the store lets it go.
    input(&mut s, InputKey::Esc);
    crate::app::data::shrink_store(&mut s);
    assert!(s.store.get(&key).is_none());
}

/// Marks do not outlive the view: `Esc` drops them (after the filter, before leaving), and
/// so does leaving the view, each time saying how many were dropped.
#[test]
fn esc_and_leaving_the_view_drop_the_marks_and_say_so() {
    let mut s = fixture::in_view(View::Alarms);
    update(&mut s, Action::ToggleMark);
    update(&mut s, Action::ToggleMark);
    assert_eq!(s.views.alarms.marks.len(), 2);
    update(&mut s, Action::Back);
    assert_eq!(s.view, View::Alarms, "Esc drops the marks first");
    assert!(s.views.alarms.marks.is_empty());
    assert_eq!(flashed(&s), "2 marked alarms unmarked");
    update(&mut s, Action::ToggleMark);
    update(&mut s, Action::ShowFleet);
    assert_eq!(s.view, View::Fleet);
    assert!(s.views.alarms.marks.is_empty());
    assert_eq!(flashed(&s), "1 marked alarm unmarked");
    update(&mut s, Action::ShowAlarms);
    let text = crate::ui::tests::plain(&crate::ui::tests::render(&s, 160, 48));
    let title = text
        .lines()
        .find(|l| l.contains("╭ alarms "))
        .unwrap_or_default();
    assert!(!title.contains("marked"), "{title}");
    // With nothing marked, Esc leaves the view as before.
    update(&mut s, Action::Back);
    assert_eq!(s.view, View::Fleet);
}
