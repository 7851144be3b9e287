//! "What changed before this alarm?": from an alarm or an endpoint, one key opens the trail
//! pre-filtered to write events on the endpoint's resources (the endpoint, its config and
//! models, its monitoring schedules, the alarms on it) in its account, from a few hours
//! before the alarm's last transition; the events found are marked on the endpoint's charts.

use super::calls::{MakeupRead, TrailCall};
use crate::app::outcome::{Outcome, flash};
use crate::app::state::{ChangeMarks, FlashLevel, State};
use crate::sanitize::Sanitize;
use crate::source::model::{Alarm, AlarmState, EndpointKey, EndpointMakeup, Epoch};
use crate::trail::changes::Resources;
use crate::views::{Selected, View};

pub use crate::trail::changes::{LEAD_SECS, MAX_WINDOW_SECS, QUIET_WINDOW_SECS};

/// The endpoint and the time the search starts from, from what is selected, never more
/// than `MAX_WINDOW_SECS` back.
fn context(state: &State) -> Option<(EndpointKey, Epoch)> {
    let (key, from) = selected(state)?;
    let from = if from <= 0 {
        state.now - QUIET_WINDOW_SECS
    } else {
        from
    };
    Some((key, from.max(state.now - MAX_WINDOW_SECS)))
}

fn selected(state: &State) -> Option<(EndpointKey, Epoch)> {
    let around = |state: &State, key: &EndpointKey| {
        // The most recent transition into ALARM of the alarms on it.
        state
            .alarms
            .iter()
            .filter(|a| a.endpoint.as_ref() == Some(key) && a.state == AlarmState::Alarm)
            .map(|a| a.state_since)
            .max()
            .map_or(state.now - QUIET_WINDOW_SECS, |t| t - LEAD_SECS)
    };
    if matches!(state.view, View::Studio | View::Jobs) {
        return None;
    }
    match crate::views::selected(state)? {
        Selected::Alarm(alarm) => {
            let key = alarm.endpoint.clone()?;
            Some((key, alarm.state_since - LEAD_SECS))
        }
        other => {
            let key = other.endpoint()?;
            let from = around(state, &key);
            Some((key, from))
        }
    }
}

/// The filter for the changes to `key` since `from`: to the endpoint, what it is made of
/// (`makeup`, when read), its monitoring schedules and the alarms on it.
pub fn filter_for(
    state: &State,
    key: &EndpointKey,
    from: Epoch,
    makeup: Option<&EndpointMakeup>,
) -> String {
    let schedules = state
        .endpoint(key)
        .map_or(&[][..], |e| e.monitoring_schedules.as_slice());
    let alarms: Vec<&Alarm> = state
        .alarms
        .iter()
        .filter(|a| a.endpoint.as_ref() == Some(key))
        .collect();
    crate::trail::changes::filter_text(&Resources {
        endpoint: key,
        makeup,
        schedules,
        alarms: &alarms,
        region: state.identity.as_ref().map(|i| i.region.as_str()),
        from,
    })
}

/// `c` and `:changes`: the trail view; once the selected endpoint's config and models are
/// read, the search of its changes.
pub fn open(state: &mut State) -> Outcome {
    let Some((key, from)) = context(state) else {
        flash(
            state,
            "no endpoint selected: pick an alarm on an endpoint, or an endpoint, then c",
            FlashLevel::Info,
        );
        return Outcome::redraw();
    };
    let show = super::update::show(state);
    if state.view != View::Trail {
        return show;
    }
    if state.views.trail.settings().is_none() {
        // Nothing to search: the search says what to configure.
        return show.and(search(state, &key, from, None));
    }
    state.views.trail.reading_makeup = Some((key.clone(), from));
    show.and(Outcome::with(vec![
        TrailCall::Makeup {
            endpoint: key,
            from,
        }
        .into(),
    ]))
}

/// The endpoint's config and models arrived (or could not be read): the search starts,
/// unless another search was started meanwhile.
pub fn makeup_read(state: &mut State, read: MakeupRead) -> Outcome {
    let MakeupRead {
        endpoint: key,
        from,
        result,
    } = read;
    if state.views.trail.reading_makeup.as_ref() != Some(&(key.clone(), from)) {
        return Outcome::default();
    }
    state.views.trail.reading_makeup = None;
    let makeup = match result {
        Ok(mut makeup) => {
            makeup.sanitize();
            Some(makeup)
        }
        Err(e) => {
            tracing::warn!(error = %e, "the endpoint's config and models");
            flash(
                state,
                format!(
                    "{}'s config and models not read ({e}): changes to them are not listed",
                    crate::sanitize::clean(&key.name)
                ),
                FlashLevel::Error,
            );
            None
        }
    };
    search(state, &key, from, makeup.as_ref())
}

/// Searches the changes to `key` since `from`; the charts mark what it finds.
fn search(
    state: &mut State,
    key: &EndpointKey,
    from: Epoch,
    makeup: Option<&EndpointMakeup>,
) -> Outcome {
    let text = filter_for(state, key, from, makeup);
    let before = state.views.trail.query.as_ref().map(|q| q.token.clone());
    let out = super::update::search(state, &text);
    // Marked only if this search started (a mistake or no [trail] starts none).
    let token = state.views.trail.query.as_ref().map(|q| q.token.clone());
    if token.is_some() && token != before {
        state.change_marks = ChangeMarks {
            endpoint: Some(key.clone()),
            token,
            events: Vec::new(),
        };
    }
    out
}

/// Rows of the search arrived: if it is the one whose events the charts mark, mark them.
pub fn rows_arrived(state: &mut State) {
    let t = &state.views.trail;
    let current = t.query.as_ref().map(|q| &q.token);
    if state.change_marks.token.as_ref() != current || current.is_none() {
        return;
    }
    let res = &t.results;
    let (Some(time), Some(event)) = (
        res.column_of(super::results::Shown::Time),
        res.column_of(super::results::Shown::Event),
    ) else {
        return;
    };
    state.change_marks.events = res
        .rows()
        .filter_map(|r| {
            let at = chrono::DateTime::parse_from_rfc3339(r.cell(time)?).ok()?;
            Some((at.timestamp(), r.cell(event).unwrap_or("").to_owned()))
        })
        .collect();
}
