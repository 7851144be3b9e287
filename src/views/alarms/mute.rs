//! `M` and `U` on the alarms view: mute for a while (a mute rule that ends by itself),
//! indefinitely (actions off), and unmute (whatever mutes it: actions off, a rule of its
//! own, or its place in a shared rule). Each request is shown whole before it is sent.

use super::actions::{all_lines, count, per_region, targets};
use crate::app::action::Action;
use crate::app::outcome::{Outcome, flash};
use crate::app::state::{FlashLevel, State};
use crate::overlays::confirm::Confirm;
use crate::overlays::form::{Form, FormValues};
use crate::overlays::{self, Overlay};
use crate::sanitize::clean;
use crate::source::alarm_write::AlarmWrite;
use crate::source::mute::length::{self, MuteLength};
use crate::source::mute::plan::{self, AlarmRef};
use crate::source::mute::when;
use crate::views::View;

/// The form's fields, by key: what `form_submitted` tells this form from the alarm editor by.
pub const LENGTH: &str = "mute_for";
const REASON: &str = "reason";

/// `M`: asks how long (and why) for the marked alarms, else the selected one.
pub fn open(state: &mut State) -> Outcome {
    let alarms: Vec<AlarmRef> = targets(state)
        .iter()
        .map(|a| (a.account_id.clone(), a.id.clone()))
        .collect();
    if alarms.is_empty() {
        return Outcome::default();
    }
    if state.readonly {
        flash(state, crate::app::write::READ_ONLY, FlashLevel::Error);
        return Outcome::redraw();
    }
    let title = format!("mute {}", count(alarms.len()));
    let form = Form::new(&title, View::Alarms, to_this_view)
        .text(LENGTH, "for (or until, UTC)", length::DEFAULT)
        .required()
        .validate(|t| MuteLength::parse(t, wall_clock()).map(|_| ()))
        .text(REASON, "reason", "")
        .validate(crate::source::alarm_write::check_description);
    // The form's preview and note belong to the alarm editor: none here.
    state.views.alarms.draft = None;
    state.views.alarms.muting = alarms;
    overlays::open(state, Overlay::Form(form));
    Outcome::redraw()
}

/// Typing is checked against the wall clock (a validator has no state); what is sent is
/// checked again against the console's clock when the form is submitted.
pub(super) fn wall_clock() -> i64 {
    use crate::clock::Clock;
    crate::clock::SystemClock.now()
}

pub(super) fn to_this_view(values: FormValues) -> Action {
    Action::FormSubmitted {
        view: View::Alarms,
        values,
    }
}

/// The form was submitted: the requests, to be confirmed with `y`.
pub fn submitted(state: &mut State, values: FormValues) -> Outcome {
    let alarms = std::mem::take(&mut state.views.alarms.muting);
    let now = state.now;
    let length = match MuteLength::parse(values.text(LENGTH).unwrap_or(""), now) {
        Ok(l) => l,
        Err(e) => {
            flash(state, format!("mute: {e}"), FlashLevel::Error);
            return Outcome::redraw();
        }
    };
    if alarms.is_empty() {
        return Outcome::default();
    }
    let reason = values.text(REASON).unwrap_or("").trim().to_owned();
    let writes = per_region(state, &alarms, |_, refs| {
        plan::mute(refs, length, &reason, now)
    });
    let how = match length.end(now) {
        Some(end) => format!(
            "for {} (until {} UTC)",
            when::span(end - now),
            when::clock_time(end, now)
        ),
        None => "indefinitely (until someone unmutes)".to_owned(),
    };
    let title = format!(
        "mute {} {how}: {}",
        count(alarms.len()),
        writes.first().map_or("", |w| w.operation())
    );
    let mut lines = all_lines(state, &writes);
    if length == MuteLength::Indefinitely {
        lines.push(String::new());
        lines.push(
            "actions stay off until someone unmutes: a mute for a while ends by itself".into(),
        );
    }
    confirm(state, &title, lines, writes)
}

/// `U`: ends whatever mutes the marked alarms (else the selected one).
pub fn unmute(state: &mut State) -> Outcome {
    let chosen = targets(state);
    if chosen.is_empty() {
        return Outcome::default();
    }
    let alarms: Vec<AlarmRef> = chosen
        .iter()
        .map(|a| (a.account_id.clone(), a.id.clone()))
        .collect();
    let off: Vec<AlarmRef> = chosen
        .iter()
        .filter(|a| !a.actions_enabled)
        .map(|a| (a.account_id.clone(), a.id.clone()))
        .collect();
    let steps = per_region(state, &alarms, |region, refs| {
        let rules: Vec<_> = (state.mutes.rules().iter())
            .filter(|r| &r.region == region)
            .cloned()
            .collect();
        plan::unmute(refs, &off, &rules, state.now)
    });
    if steps.is_empty() {
        let msg = match chosen.as_slice() {
            [one] => format!("{} is not muted", one.name),
            _ => "none of the marked alarms is muted".to_owned(),
        };
        flash(state, msg, FlashLevel::Info);
        return Outcome::redraw();
    }
    let mut lines = Vec::new();
    for (i, step) in steps.iter().enumerate() {
        if i > 0 {
            lines.push(String::new());
        }
        lines.extend(all_lines(state, std::slice::from_ref(&step.write)));
        if !step.keeps_muting.is_empty() {
            lines.push(format!(
                "the rule goes on muting {} other {}: {}",
                step.keeps_muting.len(),
                if step.keeps_muting.len() == 1 {
                    "alarm"
                } else {
                    "alarms"
                },
                step.keeps_muting
                    .iter()
                    .map(|t| clean(t))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    let title = format!("unmute {}", count(alarms.len()));
    let writes = steps.into_iter().map(|s| s.write).collect();
    confirm(state, &title, lines, writes)
}

fn confirm(state: &mut State, title: &str, lines: Vec<String>, writes: Vec<AlarmWrite>) -> Outcome {
    let writes = writes.into_iter().map(Into::into).collect();
    let confirm = Confirm::new(title, lines, Action::Write(writes));
    overlays::open(state, Overlay::Confirm(confirm));
    Outcome::redraw()
}

/// Once alarms are read and some have their actions off: ask the audit log since when.
pub fn due(state: &mut State) -> Vec<crate::app::command::Command> {
    let v = &state.views.alarms;
    if v.turned_off_asked || !state.alarms.iter().any(|a| !a.actions_enabled) {
        return Vec::new();
    }
    state.views.alarms.turned_off_asked = true;
    vec![super::calls::AlarmsCall::TurnedOff.into()]
}

/// What the audit log says of actions turned off: the status bar's `⊘N∞` counts the alarms
/// muted indefinitely for too long (or since before the log) from now on.
pub fn turned_off_loaded(
    state: &mut State,
    records: Vec<crate::source::mute::TurnedOff>,
) -> Outcome {
    state.mutes.learn_turned_off(records);
    crate::app::data::recount_muted(state);
    crate::app::data::changed(state, crate::views::Change::Alarms);
    Outcome::redraw()
}

/// An alarm muted indefinitely whose pane opens and which no record explains: one search of
/// the trail for who muted it (once per alarm, not while scrolling past, only with a trail).
pub fn ask_who_muted(
    state: &mut State,
    of: &super::HistoryOf,
    while_scrolling: bool,
) -> Option<crate::app::command::Command> {
    let alarm = state
        .alarms
        .iter()
        .find(|a| a.account_id == of.account_id && a.id == of.id)?;
    let unknown =
        !alarm.actions_enabled && state.mutes.turned_off(&of.account_id, &of.id).is_none();
    let key = (of.account_id.clone(), of.id.clone());
    if !unknown || while_scrolling || state.views.alarms.who_asked.contains(&key) {
        return None;
    }
    let trail = state.views.trail.settings().cloned()?;
    state.views.alarms.who_asked.insert(key);
    let hours = i64::from(state.muted_indefinitely_hours);
    let window = crate::incident::Window {
        from: state.now - hours * 3600,
        to: state.now,
    };
    Some(
        super::calls::AlarmsCall::WhoMuted {
            account_id: of.account_id.clone(),
            id: of.id.clone(),
            trail: Box::new(trail),
            window,
        }
        .into(),
    )
}

/// `:mute window NAME cron(...) DURATION [TZ]`: a recurring maintenance window over the
/// marked alarms, else the alarms of the endpoint selected (or on screen).
pub fn window(state: &mut State, arg: &str) -> Outcome {
    let spec = match WindowSpec::parse(arg) {
        Ok(s) => s,
        Err(e) => return refuse(state, format!("{e}; expected {WINDOW_USAGE}")),
    };
    if state.readonly {
        return refuse(state, crate::app::write::READ_ONLY.into());
    }
    let alarms: Vec<AlarmRef> = if state.views.alarms.marks.is_empty() {
        let Some(endpoint) = crate::views::selected_endpoint(state) else {
            return refuse(
                state,
                "mark alarms (space on the alarms screen) or select an endpoint first".into(),
            );
        };
        state
            .alarms
            .iter()
            .filter(|a| a.endpoint.as_ref() == Some(&endpoint))
            .map(|a| (a.account_id.clone(), a.id.clone()))
            .collect()
    } else {
        let mut marked: Vec<AlarmRef> = state.views.alarms.marks.iter().cloned().collect();
        marked.sort();
        marked
    };
    if alarms.is_empty() {
        return refuse(state, "no alarm watches this endpoint".into());
    }
    let puts = per_region(state, &alarms, |_, refs| {
        plan::by_account(refs)
            .into_iter()
            .map(|(account_id, targets)| window_rule(&spec, account_id, targets))
            .collect()
    });
    let mut writes = Vec::new();
    for put in puts {
        if let Err(e) = put.validate() {
            return refuse(state, e);
        }
        writes.push(AlarmWrite::PutMuteRule(Box::new(put)));
    }
    let mut lines = all_lines(state, &writes);
    lines.push(String::new());
    lines.push(format!(
        "mutes {} {}; a rule of this name in the same account is replaced",
        count(alarms.len()),
        crate::source::mute::schedule_words(
            &spec.expression,
            &spec.duration,
            spec.timezone.as_deref()
        )
    ));
    let title = format!("maintenance window {}: PutAlarmMuteRule", spec.name);
    confirm(state, &title, lines, writes)
}

pub(super) fn refuse(state: &mut State, why: String) -> Outcome {
    flash(state, why, FlashLevel::Error);
    Outcome::redraw()
}

pub const WINDOW_USAGE: &str = ":mute window NAME cron(MIN HOUR DAY MONTH WEEKDAY) DURATION [TIME-ZONE], e.g. :mute window nightly cron(0 2 * * *) 2h Europe/Paris";

/// What `:mute window` was given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WindowSpec {
    pub name: String,
    pub expression: String,
    /// ISO 8601.
    pub duration: String,
    pub timezone: Option<String>,
}

impl WindowSpec {
    pub fn parse(arg: &str) -> Result<Self, String> {
        let rest = arg
            .trim()
            .strip_prefix("window")
            .ok_or("the only :mute is a window")?
            .trim_start();
        let (name, rest) = rest.split_once(' ').ok_or("a name and a cron(...)")?;
        crate::source::mute::check_rule_name(name)?;
        let rest = rest.trim_start();
        if !rest.starts_with("cron(") {
            return Err("a cron(...) after the name".into());
        }
        let close = rest.find(')').ok_or("cron(...) is not closed")?;
        let expression = rest[..=close].to_owned();
        crate::source::mute::when::Expression::parse(&expression)?;
        let mut words = rest[close + 1..].split_whitespace();
        let length = words.next().ok_or("a duration after the cron(...)")?;
        let secs = match MuteLength::parse(length, 0) {
            Ok(MuteLength::For(secs)) => secs,
            _ => when::parse_duration(length).map_err(|_| {
                format!(
                    "a duration such as 2h, 90m or PT2H, not {:?}",
                    clean(length)
                )
            })?,
        };
        when::check_duration(secs)?;
        let timezone = words.next().map(str::to_owned);
        when::zone(timezone.as_deref())?;
        if let Some(extra) = words.next() {
            return Err(format!(
                "nothing after the time zone, not {:?}",
                clean(extra)
            ));
        }
        Ok(Self {
            name: name.to_owned(),
            expression,
            duration: when::format_duration(secs),
            timezone,
        })
    }
}

/// The mute rule of maintenance window `spec` for `targets`, alarms of `account_id`.
fn window_rule(
    spec: &WindowSpec,
    account_id: String,
    targets: Vec<String>,
) -> crate::source::mute::PutMuteRule {
    crate::source::mute::PutMuteRule {
        account_id,
        name: spec.name.clone(),
        description: format!("maintenance window {}", spec.name),
        expression: spec.expression.clone(),
        duration: spec.duration.clone(),
        timezone: spec.timezone.clone(),
        targets,
        start: None,
        expire: None,
        region: Default::default(),
    }
}
