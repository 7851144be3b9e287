//! Marks, delete and edit on the alarms view: the selected alarm, or every marked one
//! (`space`), one request per account they live in, each shown whole before it is sent.
//! Mute and unmute are `mute.rs`.

use super::{editor, selected_alarm};
use crate::app::action::Action;
use crate::app::outcome::{Outcome, flash};
use crate::app::state::{FlashLevel, State};
use crate::overlays::confirm::Confirm;
use crate::overlays::{self, Overlay};
use crate::source::alarm_write::AlarmWrite;
use crate::source::model::{Alarm, InRegion, Region};
use crate::source::mute::plan::{self, AlarmRef};

/// Marks or unmarks the selected alarm and moves to the next one.
pub fn toggle_mark(state: &mut State) -> Outcome {
    let Some(a) = selected_alarm(state) else {
        return Outcome::default();
    };
    let key = (a.account_id.clone(), a.id.clone());
    let marks = &mut state.views.alarms.marks;
    if !marks.remove(&key) {
        marks.insert(key);
    }
    let v = &mut state.views.alarms;
    v.selected = (v.selected + 1).min(v.rows.len().saturating_sub(1));
    super::update::fix_offset(state);
    Outcome::redraw()
}

/// What `plan` asks for each region's alarms apart, each request sent to that region:
/// CloudWatch is regional, and an alarm (or a mute rule) is changed where it lives.
pub(super) fn per_region<T: InRegion>(
    state: &State,
    alarms: &[AlarmRef],
    plan: impl Fn(&Region, &[AlarmRef]) -> Vec<T>,
) -> Vec<T> {
    let region_of = |(account, id): &AlarmRef| {
        let alarm = (state.alarms.iter()).find(|a| &a.account_id == account && &a.id == id);
        alarm.map(|a| a.region.clone()).unwrap_or_default()
    };
    let mut by_region: std::collections::BTreeMap<Region, Vec<AlarmRef>> = Default::default();
    for a in alarms {
        by_region.entry(region_of(a)).or_default().push(a.clone());
    }
    let planned = by_region.into_iter().flat_map(|(region, refs)| {
        let mut requests = plan(&region, &refs);
        requests.set_region(&region);
        requests
    });
    planned.collect()
}

/// The marked alarms (filtered out of the table or not: the confirmation lists them all),
/// else the selected one. An alarm is its name in its account: listed twice, it is still one
/// target.
pub(super) fn targets(state: &State) -> Vec<&Alarm> {
    let marks = &state.views.alarms.marks;
    let mut seen = std::collections::HashSet::new();
    let marked: Vec<&Alarm> = state
        .alarms
        .iter()
        .filter(|a| marks.contains(&(a.account_id.clone(), a.id.clone())))
        .filter(|a| seen.insert((a.account_id.as_str(), a.id.as_str())))
        .collect();
    if marked.is_empty() {
        selected_alarm(state).into_iter().collect()
    } else {
        marked
    }
}

/// `D`: DeleteAlarms behind the danger confirmation (the alarm's name, or `delete N alarms`,
/// typed out).
pub fn delete(state: &mut State) -> Outcome {
    let alarms = targets(state);
    // The name as drawn, unless drawing changed it (a name with a control character cannot
    // be typed back): then the count, like several alarms.
    let phrase = match alarms.as_slice() {
        [] => return Outcome::default(),
        [one] if one.id == one.name => one.name.clone(),
        many => format!("delete {}", count(many.len())),
    };
    let refs: Vec<AlarmRef> = alarms
        .iter()
        .map(|a| (a.account_id.clone(), a.id.clone()))
        .collect();
    let writes: Vec<AlarmWrite> = per_region(state, &refs, |_, refs| {
        let by_account = plan::by_account(refs).into_iter();
        by_account
            .map(|(account_id, ids)| AlarmWrite::DeleteAlarms {
                account_id,
                ids,
                region: Region::default(),
            })
            .collect()
    });
    let title = format!("delete {}: DeleteAlarms", count(alarms.len()));
    let lines = all_lines(state, &writes);
    let confirm = Confirm::new(&title, lines, Action::Write(into_writes(writes))).danger(&phrase);
    overlays::open(state, Overlay::Confirm(confirm));
    Outcome::redraw()
}

/// `e`: the selected alarm in the form, prefilled.
pub fn edit(state: &mut State) -> Outcome {
    match selected_alarm(state).cloned() {
        Some(a) => editor::open_edit(state, &a),
        None => Outcome::default(),
    }
}

/// `n`: a new alarm like the selected one.
pub fn new_like(state: &mut State) -> Outcome {
    match selected_alarm(state).cloned() {
        Some(a) => editor::open_like(state, &a),
        None => {
            flash(
                state,
                "select an alarm to copy, or open an endpoint's chart and press n",
                FlashLevel::Error,
            );
            Outcome::redraw()
        }
    }
}

pub(super) fn count(n: usize) -> String {
    if n == 1 {
        "1 alarm".into()
    } else {
        format!("{n} alarms")
    }
}

pub(super) fn all_lines(state: &State, writes: &[AlarmWrite]) -> Vec<String> {
    let mut lines = Vec::new();
    for (i, w) in writes.iter().enumerate() {
        if i > 0 {
            lines.push(String::new());
        }
        lines.extend(request_header(state, w));
        lines.extend(request_lines(w));
    }
    lines
}

/// Account, region and operation of a request, as the confirmation heads it.
pub fn request_header(state: &State, w: &AlarmWrite) -> Vec<String> {
    crate::overlays::confirm::request_header(state, w.account_id(), w.operation())
}

pub fn request_lines(w: &AlarmWrite) -> Vec<String> {
    crate::overlays::confirm::request_lines(&w.parameters())
}

fn into_writes(writes: Vec<AlarmWrite>) -> Vec<crate::source::write::Write> {
    writes.into_iter().map(Into::into).collect()
}
