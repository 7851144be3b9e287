//! The monitor view (in progress).
use crate::app::command::Command;
use crate::app::state::State;
use crate::source::monitor::MonitorWrite;
use crate::writes::WriteOutcome;

pub fn written(state: &mut State, request: &MonitorWrite, outcome: &WriteOutcome) -> Vec<Command> {
    let _ = (state, request, outcome);
    Vec::new()
}
