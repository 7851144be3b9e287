//! Runs `Command`s on tokio tasks and sends their results back as actions. The UI loop never
//! awaits the network: it only reads the channel. A view's own calls are run as they say
//! (`Command::lane`, `Command::pause`); what they do is theirs (`views::ViewCall`).

use super::action::{Action, Loaded};
use super::command::{Command, CommandKey, Lane};
use crate::source::FleetSource;
use crate::writes::{Gate, Refusal, WriteOutcome};
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;

/// A finished command: its key and generation free the slot, its action goes to `update`.
#[derive(Debug)]
pub struct Done {
    pub key: CommandKey,
    /// Which dispatch of `key` this is: a result of work that was replaced meanwhile must
    /// not free the slot of the work that replaced it.
    pub generation: u64,
    /// How it ran: an answer of the ordered queue or of a stream frees no read slot.
    pub lane: Lane,
    /// Parts of the same command follow (`Command::into_parts`): the slot stays held.
    pub more: bool,
    pub action: Action,
}

/// `execute_guarded` part by part (`Command::into_parts`): each part's result goes to `each`
/// before the next part is asked for, with whether more parts follow.
pub async fn execute_parts(
    source: &dyn FleetSource,
    gate: Option<&Gate>,
    command: Command,
    mut each: impl FnMut(Action, bool),
) {
    let mut parts = command.into_parts().peekable();
    while let Some(part) = parts.next() {
        let action = execute_guarded(source, gate, part).await;
        each(action, parts.peek().is_some());
    }
}

/// Carries out one command against a source. Shared by the interactive loop (on tasks) and
/// the snapshot command (inline).
pub async fn execute(source: &dyn FleetSource, gate: Option<&Gate>, command: Command) -> Action {
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
        Command::LoadAlarmsIn(account_id) | Command::RereadAlarms(account_id) => {
            let result = source.alarms_in(&account_id).await;
            Loaded::AlarmsIn { account_id, result }
        }
        Command::LoadSeries { request, .. } => Loaded::Series(source.series(&request).await),
        Command::LoadFleetRuns => Loaded::FleetRuns(match source.monitor() {
            Some(m) => m.fleet_runs().await,
            None => Ok(Vec::new()),
        }),
        Command::LoadMuteRules { .. } => Loaded::MuteRules(match source.mutes() {
            Some(m) => m.mute_rules().await,
            None => Ok(Vec::new()),
        }),
        Command::Export(job) => super::export::execute(*job).await,
        // The terminal's clipboard is written by the interactive loop, which owns the
        // terminal; run inline there is none.
        Command::Clipboard(_) => Loaded::Exported(Err(
            "the clipboard is written by the interactive console".into(),
        )),
        // Not a call: the wait itself is the task's pause (`Command::pause`). Run inline
        // (`headless`, the tests' consoles), the moment has passed at once.
        Command::ArmConfirm { serial, .. } => return Action::ConfirmArmed(serial),
        Command::Write { request, .. } => {
            let outcome = match gate {
                Some(gate) => gate.perform(source.writer(), &request).await,
                None => WriteOutcome::Refused(Refusal::Unsupported),
            };
            Loaded::Written { request, outcome }
        }
        Command::View(call) => Loaded::View(call.execute(source).await),
    };
    tracing::debug!(command = %label, micros = began.elapsed().as_micros() as u64, "command done");
    Action::Loaded(Box::new(loaded))
}

/// `execute`, with a panic inside the source turned into an error result: the slot of the
/// command must be freed and the console must go on, whatever a source does.
pub async fn execute_guarded(
    source: &dyn FleetSource,
    gate: Option<&Gate>,
    command: Command,
) -> Action {
    use futures::FutureExt;
    let fallback = command.clone();
    match std::panic::AssertUnwindSafe(execute(source, gate, command))
        .catch_unwind()
        .await
    {
        Ok(action) => action,
        Err(_) => failed(
            fallback,
            "internal error: the source panicked (see the log)",
        ),
    }
}

/// The result a command reports when it could not run at all.
fn failed(command: Command, detail: &str) -> Action {
    let err = |call: &str| crate::source::SourceError::Other {
        call: call.into(),
        detail: detail.into(),
    };
    let loaded = match command {
        Command::LoadIdentity => Loaded::Identity(Err(err("identity"))),
        Command::LoadFleet => Loaded::Fleet(Err(err("fleet"))),
        Command::LoadAlarms => Loaded::Alarms(Err(err("alarms"))),
        Command::LoadAlarmsIn(account_id) | Command::RereadAlarms(account_id) => Loaded::AlarmsIn {
            account_id,
            result: Err(err("alarms")),
        },
        Command::LoadSeries { .. } => Loaded::Series(Err(err("series"))),
        Command::LoadFleetRuns => Loaded::FleetRuns(Err(err("monitoring runs"))),
        Command::LoadMuteRules { .. } => Loaded::MuteRules(Err(err("mute rules"))),
        Command::Export(_) | Command::Clipboard(_) => Loaded::Exported(Err(detail.into())),
        // A wait calls no source; had it failed, the dialog is armed all the same.
        Command::ArmConfirm { serial, .. } => return Action::ConfirmArmed(serial),
        // The gate may or may not have sent it: the audit log says which.
        Command::Write { request, .. } => Loaded::Written {
            outcome: WriteOutcome::Failed(err(request.operation())),
            request,
        },
        Command::View(call) => Loaded::View(call.failed(detail)),
    };
    Action::Loaded(Box::new(loaded))
}

/// The ids the ordered queue's starts got, by token (the newest few): a call that names a
/// start by its token (an Insights query let go of before its start answered) is resolved
/// with its id (`Command::resolve`).
#[derive(Default)]
struct Started(std::collections::VecDeque<(String, String)>);

impl Started {
    const KEPT: usize = 32;

    /// The id the start of `token` got, taken: it is acted on once.
    fn take(&mut self, token: &str) -> Option<String> {
        let at = self.0.iter().position(|(t, _)| t == token)?;
        self.0.remove(at).map(|(_, id)| id)
    }

    fn record(&mut self, token: Option<String>, action: &Action) {
        let (Some(token), Action::Loaded(loaded)) = (token, action) else {
            return;
        };
        if let Some(id) = loaded.started_id() {
            if self.0.len() == Self::KEPT {
                self.0.pop_front();
            }
            self.0.push_back((token, id.to_owned()));
        }
    }
}

/// In-flight commands, one per key: the same work is not started twice, and newer work of
/// the same kind (another detail range) replaces older work instead of queueing behind it.
pub struct Workers {
    source: Arc<dyn FleetSource>,
    /// Every write goes through it; without one, writes are refused.
    gate: Option<Arc<Gate>>,
    tx: UnboundedSender<Done>,
    in_flight: HashMap<CommandKey, InFlight>,
    next_generation: u64,
    /// Writes (and calls that must reach AWS like them) run one after another, in the
    /// order they were asked: a mute and the unmute typed after it must reach AWS in that
    /// order.
    writes: Option<WriteQueue>,
    /// Commands queued whose outcome has not come back yet.
    writes_pending: usize,
    /// Streams running (live tails), by key: each reports until it is stopped.
    streams: HashMap<CommandKey, JoinHandle<()>>,
}

/// The one task that runs the ordered queue.
struct WriteQueue {
    tx: UnboundedSender<(u64, Command)>,
    handle: JoinHandle<()>,
}

impl Workers {
    /// What the source says about its own calls now (cheap: counters behind a lock).
    pub fn source_health(&self) -> crate::source::SourceHealth {
        self.source.health()
    }
}

struct InFlight {
    command: Command,
    generation: u64,
    handle: JoinHandle<()>,
}

impl Workers {
    pub fn new(source: Arc<dyn FleetSource>, tx: UnboundedSender<Done>) -> Self {
        Self {
            source,
            gate: None,
            tx,
            in_flight: HashMap::new(),
            next_generation: 0,
            writes: None,
            writes_pending: 0,
            streams: HashMap::new(),
        }
    }

    /// Starts a stream on a task of its own: it reports many times (each report a `Done`
    /// of its key, which frees no slot) until the stop of the same key aborts it, which
    /// drops what it holds open (a live tail's session ends at AWS).
    fn start_stream(&mut self, command: Command) {
        let key = command.key();
        if let Some(old) = self.streams.remove(&key) {
            old.abort();
        }
        let Command::View(call) = command else {
            tracing::error!(?command, "only a view's call streams");
            return;
        };
        let source = Arc::clone(&self.source);
        let tx = self.tx.clone();
        let task_key = key.clone();
        let handle = tokio::spawn(async move {
            let send = move |loaded: crate::views::ViewLoaded| {
                tx.send(Done {
                    key: task_key.clone(),
                    generation: 0,
                    lane: Lane::StreamStart,
                    more: false,
                    action: Action::Loaded(Box::new(Loaded::View(loaded))),
                })
                .is_ok()
            };
            call.stream(source.as_ref(), &send).await;
        });
        self.streams.insert(key, handle);
    }

    fn stop_stream(&mut self, command: &Command) {
        if let Some(stream) = self.streams.remove(&command.key()) {
            stream.abort();
        }
    }

    /// Streams (live tails) running.
    pub fn tails_running(&self) -> usize {
        self.streams.values().filter(|h| !h.is_finished()).count()
    }

    /// Writes go through `gate`.
    pub fn with_gate(mut self, gate: Arc<Gate>) -> Self {
        self.gate = Some(gate);
        self
    }

    /// Queues a command behind the ones before it; never deduplicated, never replaced.
    fn queue_in_order(&mut self, command: Command) {
        self.next_generation += 1;
        let generation = self.next_generation;
        let queue = self.writes.get_or_insert_with(|| {
            let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(u64, Command)>();
            let (source, gate, done) =
                (Arc::clone(&self.source), self.gate.clone(), self.tx.clone());
            let handle = tokio::spawn(async move {
                let mut started = Started::default();
                while let Some((generation, command)) = rx.recv().await {
                    let key = command.key();
                    let token = command.start_token().map(str::to_owned);
                    let action = match command.resolve(&mut |token| started.take(token)) {
                        Ok(command) => {
                            execute_guarded(source.as_ref(), gate.as_deref(), command).await
                        }
                        Err(answer) => Action::Loaded(answer),
                    };
                    started.record(token, &action);
                    let _ = done.send(Done {
                        key,
                        generation,
                        lane: Lane::InOrder,
                        more: false,
                        action,
                    });
                }
            });
            WriteQueue { tx, handle }
        });
        if queue.tx.send((generation, command)).is_ok() {
            self.writes_pending += 1;
        }
    }

    pub fn dispatch(&mut self, command: Command) {
        match command.lane() {
            Lane::Read => self.start_read(command),
            Lane::InOrder => self.queue_in_order(command),
            Lane::StreamStart => self.start_stream(command),
            Lane::StreamStop => self.stop_stream(&command),
        }
    }

    fn start_read(&mut self, command: Command) {
        let key = command.key();
        if let Some(running) = self.in_flight.get(&key) {
            let same = running.command == command && !command.rereads_after_change();
            if same || !command.replaces_running() {
                // The running one will answer; the next refresh asks again from there.
                return;
            }
            running.handle.abort();
        }
        self.next_generation += 1;
        let generation = self.next_generation;
        let source = Arc::clone(&self.source);
        let gate = self.gate.clone();
        let tx = self.tx.clone();
        let task_key = key.clone();
        let task_command = command.clone();
        let pause = command.pause();
        let handle = tokio::spawn(async move {
            // Replaced during this pause (the next alarm passed), the task is aborted before
            // it has sent anything.
            if let Some(pause) = pause {
                tokio::time::sleep(pause).await;
            }
            let send = |action, more| {
                // The receiver is gone only when the console is quitting.
                let _ = tx.send(Done {
                    key: task_key.clone(),
                    generation,
                    lane: Lane::Read,
                    more,
                    action,
                });
            };
            execute_parts(source.as_ref(), gate.as_deref(), task_command, send).await;
        });
        self.in_flight.insert(
            key,
            InFlight {
                command,
                generation,
                handle,
            },
        );
    }

    /// Frees the slot of a finished command, unless newer work of the same key holds it.
    /// (The result itself is still applied by the caller: older, not wrong.)
    pub fn finished(&mut self, done: &Done) {
        match done.lane {
            Lane::InOrder => self.writes_pending = self.writes_pending.saturating_sub(1),
            Lane::StreamStart | Lane::StreamStop => {}
            Lane::Read if done.more => {}
            Lane::Read => {
                if self
                    .in_flight
                    .get(&done.key)
                    .is_some_and(|f| f.generation == done.generation)
                {
                    self.in_flight.remove(&done.key);
                }
            }
        }
    }

    pub fn in_flight(&self) -> usize {
        self.in_flight.len()
    }

    /// Writes in flight: sent, or queued to be.
    pub fn writes_in_flight(&self) -> usize {
        self.writes_pending
    }

    /// Stops every read at once; the writes confirmed are still sent and awaited (up to
    /// `grace`), so that none is cut between its intent and its outcome in the audit log.
    pub async fn shutdown(&mut self, grace: std::time::Duration) {
        for (_, f) in self.in_flight.drain() {
            f.handle.abort();
        }
        for (_, stream) in self.streams.drain() {
            stream.abort();
        }
        if let Some(WriteQueue { tx, handle }) = self.writes.take() {
            // Closing the queue lets its task end once the last write is done.
            drop(tx);
            if tokio::time::timeout(grace, handle).await.is_err() {
                tracing::error!("a write did not finish before quitting: see the audit log");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FixedClock;
    use crate::source::SeriesRequest;
    use crate::source::demo::{DemoConfig, DemoSource};
    use crate::source::unruly::Unruly;
    use tokio::sync::mpsc;

    fn workers() -> (Workers, mpsc::UnboundedReceiver<Done>) {
        let clock = Arc::new(FixedClock::new(1_795_687_200));
        let source = DemoSource::new(
            DemoConfig {
                seed: 1,
                start: 1_795_687_200,
                scale: None,
            },
            clock,
        );
        let (tx, rx) = mpsc::unbounded_channel();
        (Workers::new(Arc::new(source), tx), rx)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_same_command_runs_again_once_the_first_is_done() {
        let (mut w, mut rx) = workers();
        for _ in 0..3 {
            w.dispatch(Command::LoadAlarms);
            // A duplicate while in flight is dropped.
            w.dispatch(Command::LoadAlarms);
            let done = rx.recv().await.expect("a result");
            w.finished(&done);
            assert_eq!(
                w.in_flight(),
                0,
                "the slot must be free once the result is in"
            );
        }
        assert!(rx.try_recv().is_err(), "duplicates were not run");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_large_series_request_answers_in_parts_and_holds_its_slot_until_the_last() {
        use crate::app::command::SERIES_PART;
        use crate::source::model::{SeriesKey, Stat};
        let (mut w, mut rx) = workers();
        let keys: Vec<SeriesKey> = (0..2 * SERIES_PART + 1)
            .map(|i| {
                let name = format!("e{i}");
                let dims = [("EndpointName", name.as_str())];
                SeriesKey::new(
                    "1",
                    "/aws/sagemaker/Endpoints",
                    "CPUUtilization",
                    &dims,
                    Stat::Average,
                    60,
                )
            })
            .collect();
        w.dispatch(Command::LoadSeries {
            purpose: crate::app::action::SeriesPurpose::Backfill,
            request: SeriesRequest {
                keys: keys.clone().into(),
                start: 0,
                end: 60,
            },
            replace: false,
        });
        let mut answered = Vec::new();
        loop {
            let done = rx.recv().await.expect("a part");
            w.finished(&done);
            let Action::Loaded(loaded) = done.action else {
                panic!("{:?}", done.action)
            };
            let Loaded::Series(Ok(part)) = *loaded else {
                panic!("{loaded:?}")
            };
            assert!(part.len() <= SERIES_PART, "a part holds {}", part.len());
            answered.extend(part.into_iter().map(|d| d.key));
            if !done.more {
                break;
            }
            assert_eq!(w.in_flight(), 1, "the slot is held while parts follow");
        }
        assert_eq!(w.in_flight(), 0);
        assert_eq!(answered, keys, "every key answered once, in order");
    }

    #[tokio::test]
    async fn replaced_work_does_not_free_the_slot_of_its_replacement() {
        let (mut w, mut rx) = workers();
        let series = |start| Command::LoadSeries {
            purpose: crate::app::action::SeriesPurpose::Detail,
            request: crate::source::SeriesRequest {
                keys: vec![].into(),
                start,
                end: start + 60,
            },
            replace: true,
        };
        w.dispatch(series(0));
        w.dispatch(series(60)); // a new range: replaces the first
        let key = series(0).key();
        // The first request's answer (generation 1), however late, frees nothing.
        w.finished(&Done {
            key: key.clone(),
            generation: 1,
            lane: Lane::Read,
            more: false,
            action: Action::Tick(0),
        });
        assert_eq!(w.in_flight(), 1, "the replacement lost its slot");
        // Its replacement's answer does.
        loop {
            let done = rx.recv().await.expect("a result");
            let last = done.generation == 2;
            w.finished(&done);
            if last {
                break;
            }
        }
        assert_eq!(w.in_flight(), 0);
    }

    fn unruly(delay_ms: u64, panic_on_alarms: bool) -> (Workers, mpsc::UnboundedReceiver<Done>) {
        let source = Unruly {
            delay: std::time::Duration::from_millis(delay_ms),
            panic_on_alarms,
            ..Unruly::demo()
        };
        let (tx, rx) = mpsc::unbounded_channel();
        (Workers::new(Arc::new(source), tx), rx)
    }

    fn periodic(start: i64) -> Command {
        Command::LoadSeries {
            purpose: crate::app::action::SeriesPurpose::Fleet,
            request: SeriesRequest {
                keys: vec![].into(),
                start,
                end: start + 60,
            },
            replace: false,
        }
    }

    #[tokio::test]
    async fn a_source_slower_than_the_refresh_still_delivers() {
        // Every tick asks again with a new window while the previous answer is on its way:
        // the running request must be left to finish, not cancelled by the next tick.
        let (mut w, mut rx) = unruly(50, false);
        let mut delivered = 0;
        for tick in 0..25 {
            w.dispatch(periodic(tick * 60));
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            while let Ok(done) = rx.try_recv() {
                delivered += 1;
                w.finished(&done);
            }
        }
        assert!(
            delivered >= 2,
            "{delivered} answers while ticking every 20 ms"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_panicking_source_yields_an_error_and_frees_its_slot() {
        let (mut w, mut rx) = unruly(0, true);
        for _ in 0..2 {
            w.dispatch(Command::LoadAlarms);
            let done = tokio::time::timeout(std::time::Duration::from_secs(5), rx.recv())
                .await
                .expect("a result, not silence")
                .expect("a result");
            assert!(
                matches!(&done.action, Action::Loaded(l) if matches!(**l, Loaded::Alarms(Err(_)))),
                "{:?}",
                done.action
            );
            w.finished(&done);
            assert_eq!(w.in_flight(), 0, "the slot is free for the next refresh");
        }
    }

    #[tokio::test]
    async fn quitting_aborts_reads_but_lets_a_write_in_flight_finish_and_be_recorded() {
        let (mut w, mut rx) = unruly(300, false);
        let dir = std::env::temp_dir().join(format!("sagewatch-quit-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let log = dir.join("audit.jsonl");
        let gate = crate::writes::Gate::new(
            false,
            Some(crate::writes::audit::AuditLog::new(log.clone())),
            Default::default(),
        );
        w = w.with_gate(Arc::new(gate));
        w.dispatch(periodic(1_795_687_200));
        w.dispatch(Command::Write {
            seq: 1,
            request: Box::new(
                crate::source::alarm_write::AlarmWrite::SetActions {
                    account_id: "100000000000".into(),
                    ids: vec!["prod-fraud-detector-accuracy".into()],
                    enabled: false,
                    region: Default::default(),
                }
                .into(),
            ),
        });
        // Unmute confirmed right after: never taken for the mute, and sent after it.
        w.dispatch(Command::Write {
            seq: 2,
            request: Box::new(
                crate::source::alarm_write::AlarmWrite::SetActions {
                    account_id: "100000000000".into(),
                    ids: vec!["prod-fraud-detector-accuracy".into()],
                    enabled: true,
                    region: Default::default(),
                }
                .into(),
            ),
        });
        assert_eq!(w.writes_in_flight(), 2);
        w.shutdown(std::time::Duration::from_secs(5)).await;
        let done: Vec<Done> = std::iter::from_fn(|| rx.try_recv().ok()).collect();
        assert_eq!(done.len(), 2, "only the writes answered");
        let sent: Vec<&str> = done
            .iter()
            .map(|d| match &d.action {
                Action::Loaded(l) => match l.as_ref() {
                    Loaded::Written { request, .. } => request.operation(),
                    _ => "",
                },
                _ => "",
            })
            .collect();
        assert_eq!(sent, ["DisableAlarmActions", "EnableAlarmActions"]);
        let lines = std::fs::read_to_string(&log).unwrap();
        let ops: Vec<String> = lines
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["operation"].to_string())
            .collect();
        assert_eq!(
            ops,
            [
                "\"DisableAlarmActions\"",
                "\"DisableAlarmActions\"",
                "\"EnableAlarmActions\"",
                "\"EnableAlarmActions\""
            ],
            "one after the other, each intent then its outcome"
        );
    }
}
