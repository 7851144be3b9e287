//! Runs `Command`s on tokio tasks and sends their results back as actions. The UI loop never
//! awaits the network: it only reads the channel.

use super::action::{Action, Loaded};
use super::command::{Command, CommandKey};
use crate::source::FleetSource;
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;

/// A finished command: its key frees the slot, its action goes to `update`.
#[derive(Debug)]
pub struct Done {
    pub key: CommandKey,
    pub action: Action,
}

/// Carries out one command against a source. Shared by the interactive loop (on tasks) and
/// the snapshot command (inline).
pub async fn execute(source: &dyn FleetSource, command: Command) -> Action {
    let began = std::time::Instant::now();
    let label = format!("{:?}", command.key());
    let loaded = match command {
        Command::LoadIdentity => Loaded::Identity(source.identity().await),
        Command::LoadFleet => {
            let fleet = match source.accounts().await {
                Ok(accounts) => source.endpoints().await.map(|e| (accounts, e)),
                Err(e) => Err(e),
            };
            Loaded::Fleet(fleet)
        }
        Command::LoadAlarms => Loaded::Alarms(source.alarms().await),
        Command::LoadSeries { purpose, request } => Loaded::Series {
            purpose,
            result: source.series(&request).await,
        },
        Command::LoadAlarmHistory { account_id, name } => {
            let result = source.alarm_history(&account_id, &name).await;
            Loaded::AlarmHistory {
                account_id,
                name,
                result,
            }
        }
        Command::LoadMonitoring(endpoint) => {
            let result = source.monitoring_schedules(&endpoint).await;
            Loaded::Monitoring { endpoint, result }
        }
    };
    tracing::debug!(command = %label, micros = began.elapsed().as_micros() as u64, "command done");
    Action::Loaded(Box::new(loaded))
}

/// In-flight commands, one per key: the same work is not started twice, and newer work of
/// the same kind (another detail range) replaces older work instead of queueing behind it.
pub struct Workers {
    source: Arc<dyn FleetSource>,
    tx: UnboundedSender<Done>,
    in_flight: HashMap<CommandKey, (Command, JoinHandle<()>)>,
}

impl Workers {
    pub fn new(source: Arc<dyn FleetSource>, tx: UnboundedSender<Done>) -> Self {
        Self {
            source,
            tx,
            in_flight: HashMap::new(),
        }
    }

    pub fn dispatch(&mut self, command: Command) {
        let key = command.key();
        if let Some((running, handle)) = self.in_flight.get(&key) {
            if *running == command {
                return;
            }
            handle.abort();
        }
        let source = Arc::clone(&self.source);
        let tx = self.tx.clone();
        let task_key = key.clone();
        let task_command = command.clone();
        let handle = tokio::spawn(async move {
            let action = execute(source.as_ref(), task_command).await;
            // The receiver is gone only when the console is quitting.
            let _ = tx.send(Done {
                key: task_key,
                action,
            });
        });
        self.in_flight.insert(key, (command, handle));
    }

    /// Frees the slot of a finished command. A result of work that was replaced meanwhile
    /// arrives with the same key: it is still applied (it is not wrong, only older).
    pub fn finished(&mut self, key: &CommandKey) {
        if let Some((_, handle)) = self.in_flight.get(key)
            && handle.is_finished()
        {
            self.in_flight.remove(key);
        }
    }

    pub fn in_flight(&self) -> usize {
        self.in_flight.len()
    }

    pub fn abort_all(&mut self) {
        for (_, (_, handle)) in self.in_flight.drain() {
            handle.abort();
        }
    }
}
