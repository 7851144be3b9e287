//! The live tail in the view: a session started when the tail pane is shown and stopped
//! when the view is left or the tail paused (a live tail is billed by the minute it is
//! open); its lines pushed into the bounded buffer; the window held still (new lines
//! counted) while the engineer reads back, or kept on the newest line while following.

use super::state::Pane;
use crate::app::command::{Command, TailOptions};
use crate::app::outcome::{Outcome, flash};
use crate::app::state::{FlashLevel, State};
use crate::logs::follow::FollowEvent;
use crate::logs::tail::TailLine;
use crate::sanitize::Sanitize;

/// A live tail starts empty: the newest lines of the last few minutes are shown first
/// (and polling, should live tail be refused, starts there).
const POLL_BACK_SECS: i64 = 300;
const BACKFILL_LINES: usize = 200;

/// Starts a session for the open context, unless one runs or the tail is paused.
pub fn start(state: &mut State) -> Vec<Command> {
    let Some(context) = &state.views.logs.context else {
        return Vec::new();
    };
    let target = context.target.clone();
    if state.views.logs.tail.session.is_some() || state.views.logs.tail.paused {
        return Vec::new();
    }
    let session = state.views.logs.next_number();
    let t = &mut state.views.logs.tail;
    t.session = Some(session);
    t.notice = None;
    vec![Command::LogsTailStart {
        session,
        target,
        options: TailOptions {
            pattern: t.pattern.clone(),
            since_ms: (state.now - POLL_BACK_SECS) * 1000,
            // Only into an empty pane: a session started again after a pause or a visit
            // elsewhere goes on from the lines held.
            backfill: if t.buffer.is_empty() {
                BACKFILL_LINES
            } else {
                0
            },
        },
    }]
}

/// Stops the session running, if any (the lines held stay).
pub fn stop(state: &mut State) -> Vec<Command> {
    let t = &mut state.views.logs.tail;
    t.mode = None;
    t.session
        .take()
        .map(|session| Command::LogsTailStop { session })
        .into_iter()
        .collect()
}

/// Back on the view: the tail runs again if it is the pane shown.
pub fn resume(state: &mut State) -> Vec<Command> {
    if state.view == crate::views::View::Logs && state.views.logs.pane == Pane::Tail {
        start(state)
    } else {
        Vec::new()
    }
}

/// `Ctrl-p`: stop the session (nothing streams, nothing is billed), or start it again.
pub fn toggle_pause(state: &mut State) -> Outcome {
    let t = &mut state.views.logs.tail;
    t.paused = !t.paused;
    if t.paused {
        flash(
            state,
            "live tail paused: the session is closed",
            FlashLevel::Info,
        );
        Outcome::with(stop(state))
    } else {
        // Opened again only where it is on screen (it is billed by the minute).
        let commands = resume(state);
        Outcome::with(commands)
    }
}

/// `F`: keep to the newest line, or hold still.
pub fn toggle_follow(state: &mut State) -> Outcome {
    let t = &mut state.views.logs.tail;
    t.follow = !t.follow;
    if t.follow {
        t.from_end = 0;
        t.unseen = 0;
    }
    Outcome::redraw()
}

/// Moves the window `delta` lines (negative: back); moving back stops following, reaching
/// the newest line follows again.
pub fn scroll(state: &mut State, delta: isize) -> Outcome {
    let t = &mut state.views.logs.tail;
    let max = t.buffer.len().saturating_sub(1);
    let from_end = if delta < 0 {
        t.from_end.saturating_add(delta.unsigned_abs()).min(max)
    } else {
        t.from_end.saturating_sub(delta as usize)
    };
    t.from_end = from_end;
    t.follow = from_end == 0;
    if t.follow {
        t.unseen = 0;
    }
    Outcome::redraw()
}

/// What a session reported. Reports of a session since stopped are dropped.
pub fn event(state: &mut State, session: u64, event: FollowEvent) -> Outcome {
    let t = &mut state.views.logs.tail;
    if t.session != Some(session) {
        return Outcome::default();
    }
    match event {
        FollowEvent::Mode(mut mode) => {
            if let crate::logs::follow::TailMode::Polling { why } = &mut mode {
                why.sanitize();
                t.notice = Some(format!(
                    "live tail unavailable ({why}): polling FilterLogEvents every 2 s"
                ));
            }
            t.mode = Some(mode);
        }
        FollowEvent::Lines { events, sampled } => {
            let n = events.len();
            t.buffer.push_update(
                events.into_iter().map(|mut e| {
                    // Made safe by `LogEvent::new`; a source that built it otherwise is
                    // cleaned here.
                    e.sanitize();
                    TailLine {
                        timestamp_ms: e.timestamp_ms,
                        stream: e.stream,
                        text: e.message,
                    }
                }),
                sampled,
            );
            if !t.follow {
                // The window holds still: its lines are further from the end now.
                t.from_end = (t.from_end + n).min(t.buffer.len().saturating_sub(1));
                t.unseen += n as u64;
            }
        }
        FollowEvent::Notice(mut text) => {
            text.sanitize();
            t.notice = Some(text);
        }
        FollowEvent::Stopped(mut why) => {
            why.sanitize();
            // The task has ended: nothing to stop; `:tail` or Ctrl-p twice tries again.
            t.session = None;
            t.mode = None;
            t.notice = Some(format!("stopped: {why}"));
            crate::app::outcome::flash(
                state,
                format!("live tail stopped: {why}"),
                FlashLevel::Error,
            );
        }
    }
    Outcome::redraw()
}

/// The lines shown: the `/` filter (case-insensitive, text or stream) applied.
pub fn matches(filter_lower: &str, line: &TailLine) -> bool {
    filter_lower.is_empty()
        || contains_ignore_case(&line.text, filter_lower)
        || contains_ignore_case(&line.stream, filter_lower)
}

fn contains_ignore_case(hay: &str, needle_lower: &str) -> bool {
    if hay.is_ascii() && needle_lower.is_ascii() {
        let (h, n) = (hay.as_bytes(), needle_lower.as_bytes());
        return n.len() <= h.len() && h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n));
    }
    hay.to_lowercase().contains(needle_lower)
}
