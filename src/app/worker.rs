//! Runs `Command`s on tokio tasks and sends their results back as actions. The UI loop never
//! awaits the network: it only reads the channel.

use super::action::{Action, Loaded};
use super::command::{Command, CommandKey};
use crate::source::FleetSource;
use crate::source::studio::AccountStudio;
use crate::writes::{Gate, Refusal, WriteOutcome};
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;

/// How long a history asked while scrolling waits before it is sent: long enough for the
/// next key of a held arrow to replace it, short enough not to be noticed.
const HISTORY_SETTLE: std::time::Duration = std::time::Duration::from_millis(250);

/// A finished command: its key and generation free the slot, its action goes to `update`.
#[derive(Debug)]
pub struct Done {
    pub key: CommandKey,
    /// Which dispatch of `key` this is: a result of work that was replaced meanwhile must
    /// not free the slot of the work that replaced it.
    pub generation: u64,
    pub action: Action,
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
        Command::LoadAlarmsIn(account_id) => {
            let result = source.alarms_in(&account_id).await;
            Loaded::AlarmsIn { account_id, result }
        }
        Command::LoadSeries { request, .. } => Loaded::Series(source.series(&request).await),
        Command::LoadAlarmHistory { account_id, id, .. } => {
            let result = source.alarm_history(&account_id, &id).await;
            Loaded::AlarmHistory {
                account_id,
                id,
                result,
            }
        }
        Command::LoadMonitoring(endpoint) => {
            let result = source.monitoring_schedules(&endpoint).await;
            Loaded::Monitoring { endpoint, result }
        }
        Command::RereadAlarms(account_id) => {
            let result = source.alarms_in(&account_id).await;
            Loaded::AlarmsIn { account_id, result }
        }
        Command::LoadMonitor(endpoint) => super::monitor_calls::pane(source, endpoint).await,
        Command::LoadRuns { endpoint, page } => {
            let result = match source.monitor() {
                Some(m) => m
                    .executions(&endpoint, None, Some(&page))
                    .await
                    .map(Box::new),
                None => Err(super::monitor_calls::unsupported(
                    "ListMonitoringExecutions",
                )),
            };
            Loaded::Runs { endpoint, result }
        }
        Command::LoadReport { run, schedule } => {
            super::monitor_calls::report(source, run, schedule).await
        }
        Command::PollRun { endpoint, schedule } => {
            super::monitor_calls::poll(source, endpoint, schedule).await
        }
        Command::LoadFleetRuns => Loaded::FleetRuns(match source.monitor() {
            Some(m) => m.fleet_runs().await,
            None => Ok(Vec::new()),
        }),
        Command::LoadJobs {
            account_id,
            since,
            limit,
        } => {
            let result = match source.jobs() {
                Some(j) => j.processing_jobs(&account_id, since, limit).await,
                None => Err(no_jobs("ListProcessingJobs")),
            };
            Loaded::Jobs { account_id, result }
        }
        Command::LoadJobMetrics(account_id) => {
            let result = match source.jobs() {
                Some(j) => j.job_metrics(&account_id).await,
                None => Err(no_jobs("ListMetrics")),
            };
            Loaded::JobMetrics { account_id, result }
        }
        command @ (Command::TrailStart(_)
        | Command::TrailPoll { .. }
        | Command::TrailPage { .. }
        | Command::TrailCancel { .. }
        | Command::SaveTrailHistory { .. }
        | Command::Export(_)
        | Command::Clipboard(_)) => super::trail_calls::execute(source, command).await,
        command @ (Command::LogsQueryStart { .. }
        | Command::LogsQueryPoll { .. }
        | Command::LogsQueryStop { .. }
        | Command::LogsQueryAbandon { .. }
        | Command::LogsTailStart { .. }
        | Command::LogsTailStop { .. }) => super::logs_calls::execute(source, command).await,
        Command::LoadStudio(account_id) => Loaded::Studio(Box::new(match source.studio() {
            Some(studio) => studio.account_studio(&account_id).await,
            None => AccountStudio::unreadable(&account_id, "this source does not read Studio"),
        })),
        // Not a call: the wait itself is the task's pause (`Workers::dispatch`). Run inline
        // (`headless`, the tests' consoles), the moment has passed at once.
        Command::ArmConfirm { serial, .. } => return Action::ConfirmArmed(serial),
        Command::Write { request, .. } => {
            let outcome = match gate {
                Some(gate) => gate.perform(source.writer(), &request).await,
                None => WriteOutcome::Refused(Refusal::Unsupported),
            };
            Loaded::Written { request, outcome }
        }
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

/// A source without processing jobs (`FleetSource::jobs` is `None`).
fn no_jobs(call: &str) -> crate::source::SourceError {
    crate::source::SourceError::Other {
        call: call.into(),
        detail: "this source does not list processing jobs".into(),
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
        Command::LoadAlarmsIn(account_id) => Loaded::AlarmsIn {
            account_id,
            result: Err(err("alarms")),
        },
        Command::LoadSeries { .. } => Loaded::Series(Err(err("series"))),
        Command::LoadAlarmHistory { account_id, id, .. } => Loaded::AlarmHistory {
            account_id,
            id,
            result: Err(err("alarm history")),
        },
        Command::LoadMonitoring(endpoint) => Loaded::Monitoring {
            endpoint,
            result: Err(err("monitoring schedules")),
        },
        Command::RereadAlarms(account_id) => Loaded::AlarmsIn {
            account_id,
            result: Err(err("alarms")),
        },
        Command::LoadMonitor(endpoint) => {
            Loaded::Monitor(Box::new(crate::app::action::MonitorPane {
                endpoint,
                schedules: Err(err("monitoring schedules")),
                runs: Err(err("monitoring executions")),
                alerts: Err(err("monitoring alerts")),
            }))
        }
        Command::LoadRuns { endpoint, .. } => Loaded::Runs {
            endpoint,
            result: Err(err("monitoring executions")),
        },
        Command::LoadReport { run, .. } => {
            Loaded::Report(Box::new(crate::app::action::RunReport {
                run: *run,
                violations: Err(err("violations")),
                baseline: Err(err("baseline")),
            }))
        }
        Command::PollRun { schedule, .. } => Loaded::Polled {
            schedule,
            result: Err(err("monitoring executions")),
        },
        Command::LoadFleetRuns => Loaded::FleetRuns(Err(err("monitoring runs"))),
        Command::LoadJobs { account_id, .. } => Loaded::Jobs {
            account_id,
            result: Err(err("ListProcessingJobs")),
        },
        Command::LoadJobMetrics(account_id) => Loaded::JobMetrics {
            account_id,
            result: Err(err("ListMetrics")),
        },
        Command::TrailStart(q) => Loaded::TrailStarted {
            token: q.token,
            result: Err(err("StartQueryExecution")),
        },
        Command::TrailPoll { token, .. } => Loaded::TrailStatus {
            token,
            result: Err(err("GetQueryExecution")),
        },
        Command::TrailPage { token, .. } => Loaded::TrailPage {
            token,
            result: Err(err("GetQueryResults")),
        },
        Command::TrailCancel { .. } => Loaded::TrailCancelled {
            result: Err(err("StopQueryExecution")),
        },
        Command::SaveTrailHistory { .. } => Loaded::HistorySaved(Err(detail.into())),
        Command::Export(_) | Command::Clipboard(_) => Loaded::Exported(Err(detail.into())),
        Command::LogsQueryStart { token, .. } => Loaded::LogsQueryStarted {
            token,
            result: Err(err("StartQuery")),
        },
        Command::LogsQueryPoll { token, .. } => Loaded::LogsQueryResults {
            token,
            result: Err(err("GetQueryResults")),
        },
        Command::LogsQueryStop { .. } | Command::LogsQueryAbandon { .. } => {
            Loaded::LogsQueryStopped {
                result: Err(err("StopQuery")),
            }
        }
        Command::LogsTailStart { session, .. } | Command::LogsTailStop { session } => {
            Loaded::LogsTail {
                session,
                event: crate::logs::follow::FollowEvent::Notice(format!("live tail: {detail}")),
            }
        }
        Command::LoadStudio(account_id) => {
            Loaded::Studio(Box::new(AccountStudio::unreadable(&account_id, detail)))
        }
        // A wait calls no source; had it failed, the dialog is armed all the same.
        Command::ArmConfirm { serial, .. } => return Action::ConfirmArmed(serial),
        // The gate may or may not have sent it: the audit log says which.
        Command::Write { request, .. } => Loaded::Written {
            outcome: WriteOutcome::Failed(err(request.operation())),
            request,
        },
    };
    Action::Loaded(Box::new(loaded))
}

/// The ids the write queue's Insights starts got, by token (the newest few): a query let
/// go of before its start answered is stopped by its token.
#[derive(Default)]
struct StartedQueries(std::collections::VecDeque<(String, String)>);

impl StartedQueries {
    const KEPT: usize = 32;

    /// `LogsQueryAbandon` becomes the StopQuery of its query, or nothing (its start failed,
    /// or was answered so long ago that the view has stopped it itself).
    fn resolve(&mut self, command: Command) -> Option<Command> {
        match command {
            Command::LogsQueryAbandon { token, target } => {
                let at = self.0.iter().position(|(t, _)| *t == token)?;
                let (_, id) = self.0.remove(at)?;
                Some(Command::LogsQueryStop { target, id })
            }
            other => Some(other),
        }
    }

    fn record(&mut self, token: Option<String>, action: &Action) {
        let (Some(token), Action::Loaded(loaded)) = (token, action) else {
            return;
        };
        if let Loaded::LogsQueryStarted { result: Ok(id), .. } = loaded.as_ref() {
            if self.0.len() == Self::KEPT {
                self.0.pop_front();
            }
            self.0.push_back((token, id.clone()));
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
    /// Writes run one after another, in the order they were confirmed: a mute and the
    /// unmute typed after it must reach AWS in that order.
    writes: Option<WriteQueue>,
    /// Writes confirmed whose outcome has not come back yet.
    writes_pending: usize,
    /// Live tails running, by session: each reports until it is stopped.
    tails: HashMap<u64, JoinHandle<()>>,
}

/// The one task that sends writes, fed in order.
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
            tails: HashMap::new(),
        }
    }

    /// Starts a live tail on a task of its own: it reports many times (each report a
    /// `Done` keyed by its session, which frees no slot) until `LogsTailStop` aborts it,
    /// which drops its stream (and so ends the session at AWS).
    fn start_tail(&mut self, command: Command) {
        let Command::LogsTailStart {
            session,
            target,
            options,
        } = command
        else {
            return;
        };
        if let Some(old) = self.tails.remove(&session) {
            old.abort();
        }
        let source = Arc::clone(&self.source);
        let tx = self.tx.clone();
        let handle = tokio::spawn(async move {
            let send = move |loaded: super::action::Loaded| {
                tx.send(Done {
                    key: CommandKey::LogsTail(session),
                    generation: 0,
                    action: Action::Loaded(Box::new(loaded)),
                })
                .is_ok()
            };
            super::logs_calls::tail(source.as_ref(), session, target, options, &send).await;
        });
        self.tails.insert(session, handle);
    }

    /// Live tails running.
    pub fn tails_running(&self) -> usize {
        self.tails.values().filter(|h| !h.is_finished()).count()
    }

    /// Writes go through `gate`.
    pub fn with_gate(mut self, gate: Arc<Gate>) -> Self {
        self.gate = Some(gate);
        self
    }

    /// Queues a write behind the ones before it; never deduplicated, never replaced.
    fn queue_write(&mut self, command: Command) {
        self.next_generation += 1;
        let generation = self.next_generation;
        let queue = self.writes.get_or_insert_with(|| {
            let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(u64, Command)>();
            let (source, gate, done) =
                (Arc::clone(&self.source), self.gate.clone(), self.tx.clone());
            let handle = tokio::spawn(async move {
                let mut started = StartedQueries::default();
                while let Some((generation, command)) = rx.recv().await {
                    let key = command.key();
                    let command = started.resolve(command);
                    let token = match &command {
                        Some(Command::LogsQueryStart { token, .. }) => Some(token.clone()),
                        _ => None,
                    };
                    let action = match command {
                        Some(command) => {
                            execute_guarded(source.as_ref(), gate.as_deref(), command).await
                        }
                        None => {
                            Action::Loaded(Box::new(Loaded::LogsQueryStopped { result: Ok(()) }))
                        }
                    };
                    started.record(token, &action);
                    let _ = done.send(Done {
                        key,
                        generation,
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
        // A stop of a trail or Insights query goes with the writes: it must reach AWS even
        // when the console quits right after (the queue is awaited then; reads are
        // aborted). An Insights start too, so that a query started just before quitting
        // has its id by then, and is stopped (`LogsQueryAbandon`).
        if matches!(
            command,
            Command::Write { .. }
                | Command::TrailCancel { .. }
                | Command::LogsQueryStart { .. }
                | Command::LogsQueryStop { .. }
                | Command::LogsQueryAbandon { .. }
        ) {
            return self.queue_write(command);
        }
        match command {
            Command::LogsTailStart { .. } => return self.start_tail(command),
            Command::LogsTailStop { session } => {
                if let Some(tail) = self.tails.remove(&session) {
                    tail.abort();
                }
                return;
            }
            _ => {}
        }
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
        // Asked while the user moves (through alarms, or rows scrolling onto the screen):
        // replaced during the pause by the next key's request, nothing is sent.
        let settle = matches!(
            command,
            Command::LoadAlarmHistory {
                while_scrolling: true,
                ..
            } | Command::LoadSeries {
                purpose: crate::app::action::SeriesPurpose::ScrolledIn,
                ..
            }
        );
        let pause = match &command {
            // A confirmation takes keys only after this moment without any.
            Command::ArmConfirm { after_ms, .. } => {
                Some(std::time::Duration::from_millis(*after_ms))
            }
            _ if settle => Some(HISTORY_SETTLE),
            _ => None,
        };
        let handle = tokio::spawn(async move {
            // Replaced during this pause (the next alarm passed), the task is aborted before
            // it has sent anything.
            if let Some(pause) = pause {
                tokio::time::sleep(pause).await;
            }
            let action = execute_guarded(source.as_ref(), gate.as_deref(), task_command).await;
            // The receiver is gone only when the console is quitting.
            let _ = tx.send(Done {
                key: task_key,
                generation,
                action,
            });
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
        if matches!(
            done.key,
            CommandKey::Write(_)
                | CommandKey::TrailCancel(_)
                | CommandKey::LogsQueryStart(_)
                | CommandKey::LogsQueryStop(_)
        ) {
            self.writes_pending = self.writes_pending.saturating_sub(1);
            return;
        }
        if matches!(done.key, CommandKey::LogsTail(_)) {
            return;
        }
        if self
            .in_flight
            .get(&done.key)
            .is_some_and(|f| f.generation == done.generation)
        {
            self.in_flight.remove(&done.key);
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
        for (_, tail) in self.tails.drain() {
            tail.abort();
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

    #[tokio::test]
    async fn replaced_work_does_not_free_the_slot_of_its_replacement() {
        let (mut w, mut rx) = workers();
        let series = |start| Command::LoadSeries {
            purpose: crate::app::action::SeriesPurpose::Detail,
            request: crate::source::SeriesRequest {
                keys: vec![],
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

    #[tokio::test]
    async fn a_read_after_a_change_replaces_the_same_read_in_flight() {
        let (mut w, mut rx) = workers();
        let pane = || {
            Command::LoadMonitor(crate::source::model::EndpointKey {
                account_id: "111111111111".into(),
                name: "fraud-detector".into(),
            })
        };
        w.dispatch(pane());
        // Asked again after a write: the first read may predate it, so it is replaced.
        w.dispatch(pane());
        let done = loop {
            let done = rx.recv().await.expect("a result");
            if done.generation == 2 {
                break done;
            }
            w.finished(&done);
        };
        w.finished(&done);
        assert_eq!(w.in_flight(), 0);
        // A periodic duplicate is still dropped.
        w.dispatch(Command::LoadAlarms);
        w.dispatch(Command::LoadAlarms);
        let done = rx.recv().await.expect("a result");
        w.finished(&done);
        assert_eq!(done.generation, 3, "the second LoadAlarms never ran");
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
                keys: vec![],
                start,
                end: start + 60,
            },
            replace: false,
        }
    }

    #[tokio::test]
    async fn scrolling_past_alarms_with_the_history_open_asks_only_for_where_it_stops() {
        let source = Arc::new(Unruly::demo());
        let (tx, mut rx) = mpsc::unbounded_channel();
        let mut w = Workers::new(Arc::clone(&source) as Arc<dyn FleetSource>, tx);
        let history = |id: &str, while_scrolling| Command::LoadAlarmHistory {
            account_id: "100000000000".into(),
            id: id.into(),
            while_scrolling,
        };
        w.dispatch(history("first", false));
        // A held arrow key: each alarm passed replaces the request of the one before.
        for id in ["a", "b", "c", "d", "e"] {
            w.dispatch(history(id, true));
        }
        let mut answers = Vec::new();
        while w.in_flight() > 0 {
            let done = rx.recv().await.expect("an answer");
            w.finished(&done);
            answers.push(done);
        }
        let asked = source.asked_history.lock().unwrap().clone();
        assert_eq!(asked.last().map(String::as_str), Some("e"), "{asked:?}");
        assert!(
            !asked
                .iter()
                .any(|a| ["a", "b", "c", "d"].contains(&a.as_str())),
            "alarms passed on the way cost no request: {asked:?}"
        );
        assert_eq!(
            answers.last().map(|d| d.key.clone()),
            Some(CommandKey::AlarmHistory)
        );
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

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_insights_query_let_go_of_before_its_start_answered_is_stopped_on_quit() {
        use crate::source::logs::{InsightsQuery, InsightsState, LogTarget};
        let start = 1_795_687_200;
        let source = Arc::new(DemoSource::new(
            DemoConfig {
                seed: 1,
                start,
                scale: None,
            },
            Arc::new(FixedClock::new(start)),
        ));
        let (tx, mut rx) = mpsc::unbounded_channel();
        let mut w = Workers::new(Arc::clone(&source) as Arc<dyn FleetSource>, tx);
        let target = LogTarget {
            account_id: "111111111111".into(),
            groups: vec!["/aws/sagemaker/Endpoints/fraud-detector".into()],
            stream_prefix: None,
        };
        // Started, then the console quits before the answer is read.
        w.dispatch(Command::LogsQueryStart {
            token: "logs-1".into(),
            query: Box::new(InsightsQuery {
                target: target.clone(),
                query: crate::logs::groups::endpoint_query().into(),
                start: start - 600,
                end: start,
            }),
        });
        w.dispatch(Command::LogsQueryAbandon {
            token: "logs-1".into(),
            target: target.clone(),
        });
        w.shutdown(std::time::Duration::from_secs(10)).await;
        let done: Vec<Done> = std::iter::from_fn(|| rx.try_recv().ok()).collect();
        let id = done
            .iter()
            .find_map(|d| match &d.action {
                Action::Loaded(l) => match l.as_ref() {
                    Loaded::LogsQueryStarted { result: Ok(id), .. } => Some(id.clone()),
                    _ => None,
                },
                _ => None,
            })
            .expect("the start answered");
        let logs = source.logs().unwrap();
        let state = logs.query_results(&target, &id).await.unwrap().state;
        assert_eq!(
            state,
            Some(InsightsState::Cancelled),
            "stopped by its token"
        );
        assert_eq!(
            w.writes_in_flight(),
            2,
            "counted like writes until their answers are read"
        );
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
