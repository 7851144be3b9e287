//! `:mutes`: every alarm mute rule (active first, then scheduled, then expired), a rule whole
//! on `Enter`, its end changed with `e`, deleted with `D`. A mode of the alarms view: `Esc`
//! goes back to the alarms.

use super::actions::count;
use super::layout::split;
use super::mute::{refuse, to_this_view, wall_clock};
use crate::app::action::Action;
use crate::app::outcome::{Outcome, flash};
use crate::app::query::watched_account;
use crate::app::state::{FlashLevel, State};
use crate::overlays::confirm::Confirm;
use crate::overlays::form::{Form, FormValues};
use crate::overlays::{self, Overlay};
use crate::sanitize::clean;
use crate::source::alarm_write::AlarmWrite;
use crate::source::model::Epoch;
use crate::source::mute::length::MuteLength;
use crate::source::mute::when::{self, Expression};
use crate::source::mute::{MuteRule, MuteState, PutMuteRule};
use crate::ui::text::{self, put_trunc};
use crate::ui::widgets::table::{Column, Cut, Table};
use crate::ui::widgets::{self, pane};
use crate::views::View;
use crate::views::cursor::{self, keep_visible, step};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;

/// Where the rules table stands.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RulesMode {
    pub selected: usize,
    pub offset: usize,
    /// The selected rule is shown whole beside (or under) the table.
    pub open: bool,
    /// The rule whose end the open form changes: (account, name as AWS has it).
    pub editing: Option<(String, String)>,
}

/// The form's field, by key: what `form_submitted` tells this form by.
pub const END: &str = "rule_end";

/// `:mutes`.
pub fn show(state: &mut State) -> Outcome {
    state.views.alarms.rules = Some(RulesMode::default());
    crate::app::navigate::show(state, View::Alarms)
}

/// The rules in the account scope, in the table's order: active (ending first), scheduled
/// (opening first), expired (newest first).
pub fn rows(state: &State) -> Vec<usize> {
    let now = state.now;
    let scope = state.scope.as_deref();
    let in_scope = |r: &MuteRule| {
        scope.is_none_or(|s| {
            r.account_id == s
                || state.alarms.iter().any(|a| {
                    a.account_id == r.account_id && r.mutes(&a.id) && watched_account(a) == s
                })
        })
    };
    let in_region = |r: &MuteRule| state.region_scope.as_ref().is_none_or(|s| *s == r.region);
    let rules = state.mutes.rules();
    let mut rows: Vec<(usize, (u8, Epoch))> = rules
        .iter()
        .enumerate()
        .filter(|(_, r)| in_scope(r) && in_region(r))
        .map(|(i, r)| {
            let key = match r.state_at(now) {
                MuteState::Active { until } => (0, until),
                MuteState::Scheduled { next } => (1, next.unwrap_or(Epoch::MAX)),
                MuteState::Expired => (2, -r.updated.unwrap_or(0)),
            };
            (i, key)
        })
        .collect();
    rows.sort_by(|a, b| {
        a.1.cmp(&b.1)
            .then_with(|| rules[a.0].name.cmp(&rules[b.0].name))
    });
    rows.into_iter().map(|(i, _)| i).collect()
}

fn selected_rule(state: &State) -> Option<&MuteRule> {
    let mode = state.views.alarms.rules.as_ref()?;
    let i = *rows(state).get(mode.selected)?;
    state.mutes.rules().get(i)
}

pub fn update(state: &mut State, action: Action) -> Outcome {
    let page = super::layout::page_rows(state).max(1);
    let len = rows(state).len();
    let Some(mode) = state.views.alarms.rules.as_mut() else {
        return Outcome::default();
    };
    if let Some(delta) = cursor::delta(&action, page) {
        mode.selected = step(mode.selected, delta, len);
        keep_visible(mode.selected, &mut mode.offset, page);
        return Outcome::redraw();
    }
    match action {
        Action::Select | Action::FocusNext => {
            mode.open = !mode.open;
            Outcome::redraw()
        }
        Action::Back if mode.open => {
            mode.open = false;
            Outcome::redraw()
        }
        Action::Back => {
            state.views.alarms.rules = None;
            Outcome::redraw()
        }
        Action::EditAlarm => edit_end(state),
        Action::DeleteAlarm => delete(state),
        _ => Outcome::default(),
    }
}

/// `e`: a form for the rule's new end. A one-time rule's window is made longer or shorter;
/// a recurring rule gets an expire date.
fn edit_end(state: &mut State) -> Outcome {
    let Some(rule) = selected_rule(state) else {
        return Outcome::default();
    };
    if state.readonly {
        flash(state, crate::app::write::READ_ONLY, FlashLevel::Error);
        return Outcome::redraw();
    }
    let key = (rule.account_id.clone(), rule.id.clone());
    let what = if rule.is_recurring() {
        "stops recurring after (UTC)"
    } else {
        "ends (from now, or until, UTC)"
    };
    let title = format!("change the end of {}", rule.name);
    let form = Form::new(&title, View::Alarms, to_this_view)
        .text(END, what, "1h")
        .required()
        .validate(|t| MuteLength::parse(t, wall_clock()).map(|_| ()));
    state.views.alarms.draft = None;
    if let Some(mode) = state.views.alarms.rules.as_mut() {
        mode.editing = Some(key);
    }
    overlays::open(state, Overlay::Form(form));
    Outcome::redraw()
}

/// The end form was submitted: the rule put back with its new end, to be confirmed.
pub fn end_submitted(state: &mut State, values: FormValues) -> Outcome {
    let now = state.now;
    let editing = state
        .views
        .alarms
        .rules
        .as_mut()
        .and_then(|m| m.editing.take());
    let Some(rule) = editing.and_then(|(account, id)| {
        state
            .mutes
            .rules()
            .iter()
            .find(|r| r.account_id == account && r.id == id)
            .cloned()
    }) else {
        return Outcome::default();
    };
    let end = match MuteLength::parse(values.text(END).unwrap_or(""), now) {
        Ok(l) => l.end(now),
        Err(e) => return refuse(state, e),
    };
    let Some(end) = end else {
        return refuse(
            state,
            "a rule ends at a time: to mute indefinitely, use M on the alarms".into(),
        );
    };
    let mut put = PutMuteRule::from_rule(&rule);
    let change = if rule.is_recurring() {
        put.expire = Some(end);
        format!("no window opens after {} UTC", text::day_hhmm(end))
    } else {
        let opened = Expression::parse(&rule.expression)
            .ok()
            .zip(when::zone(rule.timezone.as_deref()).ok())
            .and_then(|(e, tz)| e.last(&tz, now, when::MAX_DURATION).or(e.next(&tz, now)));
        let Some(opened) = opened else {
            return refuse(
                state,
                "this rule's window cannot be read: delete it with D".into(),
            );
        };
        put.duration = when::format_duration(end - opened);
        format!("its window ends at {} UTC", text::day_hhmm(end))
    };
    if let Err(e) = put.validate() {
        return refuse(state, e);
    }
    let write = AlarmWrite::PutMuteRule(Box::new(put));
    let mut lines = super::actions::all_lines(state, std::slice::from_ref(&write));
    lines.push(String::new());
    lines.push(format!(
        "{change}; it still mutes {}",
        count(rule.targets.len())
    ));
    let title = format!("change the end of {}: PutAlarmMuteRule", rule.name);
    let confirm = Confirm::new(&title, lines, Action::Write(vec![write.into()]));
    overlays::open(state, Overlay::Confirm(confirm));
    Outcome::redraw()
}

/// `D`: DeleteAlarmMuteRule behind the typed name.
fn delete(state: &mut State) -> Outcome {
    let Some(rule) = selected_rule(state) else {
        return Outcome::default();
    };
    let write = AlarmWrite::DeleteMuteRule {
        account_id: rule.account_id.clone(),
        name: rule.id.clone(),
        region: Default::default(),
    };
    let mut lines = super::actions::all_lines(state, std::slice::from_ref(&write));
    lines.push(String::new());
    lines.push(format!(
        "{} no longer muted by it",
        count(rule.targets.len())
    ));
    // The name as drawn, unless drawing changed it: then a phrase that can be typed.
    let phrase = if rule.id == rule.name {
        rule.name.clone()
    } else {
        "delete the rule".to_owned()
    };
    let title = format!("delete mute rule {}: DeleteAlarmMuteRule", rule.name);
    let confirm = Confirm::new(&title, lines, Action::Write(vec![write.into()])).danger(&phrase);
    overlays::open(state, Overlay::Confirm(confirm));
    Outcome::redraw()
}

pub fn render(state: &State, buf: &mut Buffer, area: Rect) {
    let open = state.views.alarms.rules.as_ref().is_some_and(|m| m.open);
    if !open {
        render_table(state, buf, area, true);
        return;
    }
    let (table, mut detail) = split(area);
    // Stacked, the table needs only its rules: the rule whole takes the rest.
    let table = table.map(|mut t| {
        if t.y == detail.y {
            return t;
        }
        let want = (rows(state).len() as u16 + 3).min(t.height).max(5);
        let spare = t.height.saturating_sub(want);
        t.height -= spare;
        detail.y -= spare;
        detail.height += spare;
        t
    });
    if let Some(table) = table {
        render_table(state, buf, table, false);
    }
    render_rule(state, buf, detail);
}

/// `ACTIVE`, `SCHED`, `ENDED`, and when: `until 12:07`, `at 02:00`, `ended 10:07`.
fn when_cells(rule: &MuteRule, now: Epoch) -> (&'static str, String, String) {
    match rule.state_at(now) {
        MuteState::Active { until } if until == Epoch::MAX => {
            ("ACTIVE", "end not known".into(), "?".into())
        }
        MuteState::Active { until } => (
            "ACTIVE",
            format!("until {}", when::clock_time(until, now)),
            when::span(until - now),
        ),
        MuteState::Scheduled { next: Some(at) } => (
            "SCHED",
            format!("at {}", when::clock_time(at, now)),
            format!("in {}", when::span(at - now)),
        ),
        MuteState::Scheduled { next: None } => ("SCHED", "not within a year".into(), "-".into()),
        MuteState::Expired => ("ENDED", "-".into(), "-".into()),
    }
}

fn render_table(state: &State, buf: &mut Buffer, area: Rect, focused: bool) {
    let theme = &state.theme;
    let rows = rows(state);
    let Some(mode) = state.views.alarms.rules.as_ref() else {
        return;
    };
    let mut title = format!(" mute rules {} ", rows.len());
    if let Some(id) = state.scope.as_deref() {
        title.push_str(&format!("· {} ", state.account_label(id)));
    }
    if let Some(region) = &state.region_scope {
        title.push_str(&format!("· {region} "));
    }
    let border = if focused { theme.focus } else { theme.border };
    let inner = pane::render(buf, area, &Line::styled(title, border), border);
    if inner.is_empty() {
        return;
    }
    let rules = state.mutes.rules();
    let listed = || rows.iter().filter_map(|&i| rules.get(i));
    let name_w = listed()
        .map(|r| text::width(&r.name))
        .max()
        .unwrap_or(8)
        .clamp(8, 40);
    // A rule mutes alarms of its own region: with several, REGION tells two rules of one
    // name apart. Not on a narrow pane: the rule's name and its alarms come first.
    let region_w = if state.regions.len() > 1 && inner.width >= 100 {
        9
    } else {
        0
    };
    let columns = [
        Column::new("STATE").fixed(6),
        Column::new("ACCOUNT").width(4, 10).priority(2),
        Column::new("REGION").width(region_w, region_w).priority(3),
        // Generated names share their start: the middle goes, the time and digest stay.
        Column::new("RULE")
            .width(12, name_w.min(30))
            .cut(Cut::Middle),
        Column::new("ALARMS")
            .width(8, 30)
            .priority(1)
            .cut(Cut::Middle),
        Column::new("WHEN").width(11, 17).widen(2),
        Column::new("LEFT").fixed(9).right(),
        Column::new("SCHEDULE").rest(10).priority(4),
    ];
    let table = Table::new(&columns, inner);
    table.header(buf, theme.muted, None);
    if rows.is_empty() {
        let msg = if rules.is_empty() {
            "no mute rules (M on an alarm mutes it for a while)"
        } else {
            "no mute rule in this account or region"
        };
        widgets::table::empty_message(buf, inner, theme, msg);
    }
    let now = state.now;
    for (pos, y) in table.rows(mode.offset, rows.len()) {
        let Some(rule) = rows.get(pos).and_then(|&i| rules.get(i)) else {
            continue;
        };
        if pos == mode.selected {
            widgets::table::mark_selected(buf, table.line(y), theme, focused);
        }
        let (status, when_text, left) = when_cells(rule, now);
        let style = match status {
            "ACTIVE" => theme.warn,
            "SCHED" => theme.text,
            _ => theme.muted,
        };
        table.text(buf, 0, y, status, style);
        table.text(
            buf,
            1,
            y,
            state.account_label(&rule.account_id),
            theme.muted,
        );
        table.text(buf, 2, y, &rule.region, theme.muted);
        table.text(buf, 3, y, &rule.name, theme.text);
        table.text(buf, 4, y, &targets_cell(rule), theme.text);
        table.text(buf, 5, y, &when_text, theme.text);
        table.text(buf, 6, y, &left, theme.text);
        table.text(buf, 7, y, &rule.schedule_words(), theme.muted);
    }
}

/// `prod-fraud-5xx`, or `prod-fraud-5xx +2`.
fn targets_cell(rule: &MuteRule) -> String {
    match rule.targets.as_slice() {
        [] => "-".into(),
        [one] => clean(one).into_owned(),
        [first, rest @ ..] => format!("{} +{}", clean(first), rest.len()),
    }
}

/// The selected rule whole: what it mutes, when, why, and who can tell.
fn render_rule(state: &State, buf: &mut Buffer, area: Rect) {
    let theme = &state.theme;
    let Some(rule) = selected_rule(state) else {
        return;
    };
    let title = Line::styled(format!(" rule · {} ", rule.name), theme.focus);
    let inner = pane::render(buf, area, &title, theme.focus);
    if inner.is_empty() {
        return;
    }
    let now = state.now;
    let (status, when_text, left) = when_cells(rule, now);
    let date = |t: Option<Epoch>| t.map_or("-".to_owned(), text::day_hhmm);
    let mut lines = vec![
        format!("state     {status} {when_text} ({left})"),
        format!(
            "account   {} {}",
            state.account_label(&rule.account_id),
            rule.account_id
        ),
        format!("schedule  {}", rule.schedule_words()),
        format!(
            "          {} for {}",
            clean(&rule.expression),
            clean(&rule.duration)
        ),
        format!(
            "zone      {}",
            rule.timezone.as_deref().map_or("UTC".into(), clean)
        ),
        format!(
            "starts    {}   expires {}",
            date(rule.start),
            date(rule.expire)
        ),
        format!("reason    {}", clean(&rule.description)),
        format!("mutes     {}", count(rule.targets.len())),
    ];
    for t in &rule.targets {
        let known = state
            .alarms
            .iter()
            .any(|a| a.account_id == rule.account_id && a.id == *t);
        let note = if known {
            ""
        } else {
            "  (not among the alarms read)"
        };
        lines.push(format!("  {}{note}", clean(t)));
    }
    let w = inner.width.saturating_sub(1);
    for (y, line) in (inner.y..inner.bottom()).zip(lines.iter()) {
        put_trunc(buf, inner, inner.x + 1, y, line, w, theme.text);
    }
}
