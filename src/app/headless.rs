//! Drives `update` without a terminal: every command is executed inline until none is left.
//! The snapshot command and the screen tests use it, so they exercise the console's own path.

use super::action::Action;
use super::command::Command;
use super::state::State;
use super::update::update;
use super::worker::execute_parts;
use crate::source::FleetSource;

/// Upper bound on commands run by one settle: a loop bug fails loudly instead of hanging.
const MAX_COMMANDS: usize = 10_000;

/// Applies `action`, then runs the commands it causes (and theirs) until the state settles.
pub async fn apply(source: &dyn FleetSource, state: &mut State, action: Action) {
    let out = update(state, action);
    settle(source, state, out.commands).await;
}

pub async fn settle(source: &dyn FleetSource, state: &mut State, mut commands: Vec<Command>) {
    let mut run = 0;
    while let Some(command) = commands.pop() {
        run += 1;
        assert!(run <= MAX_COMMANDS, "update keeps asking for more commands");
        let mut caused = Vec::new();
        execute_parts(source, None, command, |action, _| {
            caused.extend(update(state, action).commands);
        })
        .await;
        commands.extend(caused);
    }
}
