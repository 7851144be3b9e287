//! The tape as a post-mortem draft: a summary (first symptom, the change before it, time to
//! alarm, time to mitigation) and the timeline, in Markdown or JSON.

use super::assemble::Tape;
use super::entry::{Entry, Kind, Role};
use crate::app::query::coarse_duration;
use crate::sanitize::clean;
use crate::snapshot::rfc3339;
use crate::source::model::Epoch;
use serde::Serialize;

/// What the summary line says, as indices into the tape's lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Summary {
    /// The earliest symptom in the window.
    pub first_symptom: Option<usize>,
    /// The last change at or before the first symptom: the likeliest cause, which a
    /// post-mortem starts from.
    pub change_before: Option<usize>,
    /// The first alarm to go to ALARM at or after the first symptom.
    pub alarm: Option<usize>,
    /// The first change after that alarm (a write from the console, a change in the
    /// trail, a scaling activity): what was done about it.
    pub mitigation: Option<usize>,
}

/// The summary of the lines of `tape` inside `window` (`[from, to]`).
pub fn summary(tape: &Tape, window: (Epoch, Epoch)) -> Summary {
    let lines: Vec<(usize, &Entry)> = in_window(tape, window).collect();
    let first = |pred: &dyn Fn(&Entry) -> bool, from: Epoch| {
        lines
            .iter()
            .find(|(_, e)| e.at >= from && pred(e))
            .map(|&(i, _)| i)
    };
    let Some(symptom) = first(&|e| e.role == Role::Symptom, Epoch::MIN) else {
        return Summary::default();
    };
    let at = |i: usize| tape.entries()[i].at;
    let change_before = lines
        .iter()
        .rev()
        .find(|(_, e)| e.at <= at(symptom) && e.role == Role::Change)
        .map(|&(i, _)| i);
    let alarm = first(
        &|e| e.kind == Kind::Alarm && e.role == Role::Symptom,
        at(symptom),
    );
    let mitigation = alarm.and_then(|a| {
        lines
            .iter()
            .find(|&&(i, e)| i > a && e.role == Role::Change)
            .map(|&(i, _)| i)
    });
    Summary {
        first_symptom: Some(symptom),
        change_before,
        alarm,
        mitigation,
    }
}

fn in_window(tape: &Tape, (from, to): (Epoch, Epoch)) -> impl Iterator<Item = (usize, &Entry)> {
    tape.entries()
        .iter()
        .enumerate()
        .filter(move |(_, e)| e.at >= from && e.at <= to)
}

/// The summary in one sentence: `First symptom 16:57 (errors rose ...); 16m after the
/// change before it, 16:41 UpdateEndpoint by arn:...; alarm 6m after the symptom; ...`.
pub fn summary_line(tape: &Tape, s: &Summary) -> String {
    let line = |i: usize| &tape.entries()[i];
    let Some(symptom) = s.first_symptom.map(line) else {
        return "No symptom on the tape.".to_owned();
    };
    let mut parts = vec![format!(
        "First symptom {}: {}",
        crate::ui::text::hhmm(symptom.at),
        symptom.text
    )];
    parts.push(match s.change_before.map(line) {
        Some(c) => format!(
            "the change before it {} earlier, {}: {}{}",
            coarse_duration(symptom.at - c.at),
            crate::ui::text::hhmm(c.at),
            c.text,
            c.who.as_ref().map_or(String::new(), |w| format!(" by {w}"))
        ),
        None => "no change before it on the tape".to_owned(),
    });
    let Some(alarm) = s.alarm.map(line) else {
        parts.push("no alarm went off".to_owned());
        return parts.join("; ") + ".";
    };
    parts.push(format!(
        "time to alarm {} ({})",
        coarse_duration(alarm.at - symptom.at),
        alarm.text
    ));
    parts.push(match s.mitigation.map(line) {
        Some(m) => format!(
            "time to mitigation {} after the alarm ({})",
            coarse_duration(m.at - alarm.at),
            m.text
        ),
        None => "no mitigation on the tape".to_owned(),
    });
    parts.join("; ") + "."
}

/// The tape as a Markdown post-mortem draft: a title, the summary, then one table row per
/// line in `window`: time | kind | what | who | where.
pub fn markdown(tape: &Tape, endpoint: &str, window: (Epoch, Epoch)) -> String {
    let s = summary(tape, window);
    let mut out = format!("# Incident tape: {}\n\n", cell(endpoint));
    out.push_str(&format!(
        "{} to {}\n\n",
        rfc3339(window.0),
        rfc3339(window.1)
    ));
    out.push_str(&format!("{}\n\n", cell(&summary_line(tape, &s))));
    out.push_str("| time | kind | what | who | where |\n| --- | --- | --- | --- | --- |\n");
    for (_, e) in in_window(tape, window) {
        let opt = |o: &Option<String>| o.as_deref().map(cell).unwrap_or_default();
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            rfc3339(e.at),
            e.kind.label(),
            cell(&e.text),
            opt(&e.who),
            opt(&e.from_where),
        ));
    }
    out
}

/// Text made a Markdown table cell: one line, no control character, pipes escaped.
fn cell(text: &str) -> String {
    crate::manual::cell(&clean(text))
}

/// The JSON document, with stable field names and RFC 3339 times.
#[derive(Serialize)]
struct Document<'a> {
    endpoint: &'a str,
    from: String,
    to: String,
    summary: SummaryJson<'a>,
    entries: Vec<&'a Entry>,
}

#[derive(Serialize)]
struct SummaryJson<'a> {
    text: String,
    first_symptom: Option<&'a Entry>,
    change_before: Option<&'a Entry>,
    alarm: Option<&'a Entry>,
    mitigation: Option<&'a Entry>,
    /// Seconds from the first symptom to the alarm, and from the alarm to the mitigation.
    seconds_to_alarm: Option<i64>,
    seconds_to_mitigation: Option<i64>,
}

/// The tape as JSON: the endpoint, the window, the summary (its sentence, its lines and
/// durations in seconds) and every line in the window. Pretty-printed, and inert: every
/// character a terminal could act on is a `\uXXXX` escape (an alarm's exact name may hold
/// one).
pub fn json(tape: &Tape, endpoint: &str, window: (Epoch, Epoch)) -> String {
    let s = summary(tape, window);
    let line = |i: Option<usize>| i.map(|i| &tape.entries()[i]);
    let between = |a: Option<&Entry>, b: Option<&Entry>| Some(b?.at - a?.at);
    let doc = Document {
        endpoint,
        from: rfc3339(window.0),
        to: rfc3339(window.1),
        summary: SummaryJson {
            text: summary_line(tape, &s),
            first_symptom: line(s.first_symptom),
            change_before: line(s.change_before),
            alarm: line(s.alarm),
            mitigation: line(s.mitigation),
            seconds_to_alarm: between(line(s.first_symptom), line(s.alarm)),
            seconds_to_mitigation: between(line(s.alarm), line(s.mitigation)),
        },
        entries: in_window(tape, window).map(|(_, e)| e).collect(),
    };
    let value = serde_json::to_value(&doc).unwrap_or_default();
    crate::writes::audit::inert_json_pretty(&value)
}
