//! `Enter` on a line: it opens where it lives (the trail event, the run in the monitor
//! pane, the logs at that minute, the chart, the alarm), through the registry: the view
//! that owns that kind of thing claims the line.

use crate::app::outcome::{Outcome, flash};
use crate::app::state::{FlashLevel, State};
use crate::tape::Target;

pub fn open(state: &mut State) -> Outcome {
    let t = &state.views.tape;
    let (Some(line), Some(subject)) = (t.selected_line(), &t.subject) else {
        return Outcome::default();
    };
    let target = line.target.clone();
    let endpoint = subject.endpoint.key();
    if target == Target::Nothing {
        flash(state, "this line is all there is", FlashLevel::Info);
        return Outcome::redraw();
    }
    let opened = crate::views::all().find_map(|m| m.open_target(state, &endpoint, &target));
    opened.unwrap_or_else(|| {
        flash(state, "nothing here opens that line", FlashLevel::Info);
        Outcome::redraw()
    })
}
