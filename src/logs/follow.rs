//! Following logs as they arrive, the same way for the console's tail pane and the shell's
//! `--follow`: a live tail session, started again when AWS ends it (3-hour limit) or the
//! network drops it; and where live tail cannot be used (no permission, an endpoint that
//! does not serve it), FilterLogEvents polled instead, deduplicated by event id, and said.

use crate::source::logs::{LiveError, LogEvent, LogTarget, LogsSource};
use std::collections::{HashSet, VecDeque};
use std::time::Duration;

/// How the tail is running now, for the pane's title and the shell's stderr.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TailMode {
    Live,
    /// Polling FilterLogEvents, and why live tail is not used.
    Polling {
        why: String,
    },
}

/// What following reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FollowEvent {
    Mode(TailMode),
    /// New lines, oldest first, made safe; `sampled` when AWS left some out.
    Lines {
        events: Vec<LogEvent>,
        sampled: bool,
    },
    /// Something worth a line on the status bar: a restarted session, a failing call.
    Notice(String),
    /// Following ended for good: the target cannot be followed as asked (no such log
    /// group, a filter pattern AWS refuses, no permission to poll either), and why.
    Stopped(String),
}

#[derive(Debug, Clone)]
pub struct FollowOptions {
    /// A CloudWatch Logs filter pattern (live tail's and FilterLogEvents' syntax).
    pub pattern: Option<String>,
    /// Polling starts reading here (epoch ms); the live tail starts at "now" by nature.
    pub since_ms: i64,
    /// Between two FilterLogEvents polls.
    pub poll_every: Duration,
    /// The longest pause before starting again after a failure (doubling from 1 s).
    pub retry_max: Duration,
    /// At most this many of the newest lines since `since_ms`, read with FilterLogEvents
    /// and shown before the live tail starts (a live tail begins empty); 0: none.
    pub backfill: usize,
}

impl Default for FollowOptions {
    fn default() -> Self {
        Self {
            pattern: None,
            since_ms: 0,
            poll_every: Duration::from_secs(2),
            retry_max: Duration::from_secs(30),
            backfill: 0,
        }
    }
}

/// Event ids remembered to drop what a poll reads twice (each poll reads again the last
/// minute, since events arrive late): a minute of a busy group's events.
const SEEN_IDS: usize = 40_000;
/// How late an event may arrive after its timestamp and still be read by polling.
const LATE_MS: i64 = 60_000;
/// A session that says nothing for this long is taken for a dead connection (AWS sends an
/// update about every second, empty ones included) and started again.
const SILENCE: Duration = Duration::from_secs(30);
/// A session that ends sooner than this without a line counts as a failure: reopening at
/// once would loop as fast as the network allows (an endpoint that closes every session).
const SHORT_SESSION: Duration = Duration::from_secs(10);
/// Pages read per poll; more waits for the next poll.
const PAGES_PER_POLL: usize = 10;

/// Follows `target` until `emit` returns `false` (the receiver is gone) or the task is
/// dropped. `now_ms` is the clock (the demo's may be simulated).
pub async fn follow(
    source: &dyn LogsSource,
    target: &LogTarget,
    options: &FollowOptions,
    now_ms: &(dyn Fn() -> i64 + Send + Sync),
    emit: &mut (dyn FnMut(FollowEvent) -> bool + Send),
) {
    let pattern = options.pattern.as_deref();
    let mut seen = Seen::default();
    if options.backfill > 0 && !backfill(source, target, options, &mut seen, emit).await {
        return;
    }
    let mut failures = 0u32;
    let mut announced: Option<TailMode> = None;
    loop {
        match source.live_tail(target, pattern).await {
            Ok(mut session) => {
                if announced.as_ref() != Some(&TailMode::Live) {
                    announced = Some(TailMode::Live);
                    if !emit(FollowEvent::Mode(TailMode::Live)) {
                        return;
                    }
                }
                let opened = tokio::time::Instant::now();
                let mut delivered = false;
                let ended = loop {
                    let next = match tokio::time::timeout(SILENCE, session.next()).await {
                        Ok(next) => next,
                        Err(_) => Err(LiveError::Failed(crate::source::SourceError::Network {
                            call: "StartLiveTail".into(),
                            detail: format!("no update for {} s", SILENCE.as_secs()),
                        })),
                    };
                    match next {
                        Ok(Some(update)) => {
                            if update.events.is_empty() && !update.sampled {
                                continue;
                            }
                            failures = 0;
                            delivered = true;
                            let lines = FollowEvent::Lines {
                                events: update.events,
                                sampled: update.sampled,
                            };
                            if !emit(lines) {
                                return;
                            }
                        }
                        Ok(None) => break None,
                        Err(e) => break Some(e),
                    }
                };
                let short = !delivered && opened.elapsed() < SHORT_SESSION;
                let notice = match ended {
                    None => {
                        failures += u32::from(short);
                        "live tail: the session was closed; started again".to_string()
                    }
                    Some(LiveError::SessionTimeout) => {
                        failures += u32::from(short);
                        "live tail: AWS ended the session (3-hour limit); started again".into()
                    }
                    Some(LiveError::Unsupported(why)) => {
                        return poll(source, target, options, now_ms, emit, why, seen).await;
                    }
                    Some(LiveError::Fatal(e)) => {
                        emit(FollowEvent::Stopped(format!("live tail: {e}")));
                        return;
                    }
                    Some(LiveError::Failed(e)) => {
                        failures += 1;
                        format!("live tail: {e}; starting again")
                    }
                };
                if !emit(FollowEvent::Notice(notice)) {
                    return;
                }
                // Never reopened at once: one second at least, more after failures.
                let pause = if failures > 0 {
                    backoff(failures, options.retry_max)
                } else {
                    Duration::from_secs(1)
                };
                tokio::time::sleep(pause).await;
            }
            Err(LiveError::Unsupported(why)) => {
                return poll(source, target, options, now_ms, emit, why, seen).await;
            }
            Err(LiveError::Fatal(e)) => {
                emit(FollowEvent::Stopped(format!("live tail: {e}")));
                return;
            }
            Err(LiveError::SessionTimeout) => {
                failures += 1;
                tokio::time::sleep(backoff(failures, options.retry_max)).await;
            }
            Err(LiveError::Failed(e)) => {
                failures += 1;
                let pause = backoff(failures, options.retry_max);
                let notice = format!("live tail: {e}; trying again in {}s", pause.as_secs());
                if !emit(FollowEvent::Notice(notice)) {
                    return;
                }
                tokio::time::sleep(pause).await;
            }
        }
    }
}

/// The newest `options.backfill` lines since `options.since_ms`, emitted oldest first; their
/// ids are remembered, so that polling (should live tail be refused) does not repeat them.
/// `false` when the receiver is gone.
async fn backfill(
    source: &dyn LogsSource,
    target: &LogTarget,
    options: &FollowOptions,
    seen: &mut Seen,
    emit: &mut (dyn FnMut(FollowEvent) -> bool + Send),
) -> bool {
    let pattern = options.pattern.as_deref();
    let mut kept: VecDeque<LogEvent> = VecDeque::new();
    let mut next: Option<String> = None;
    for _ in 0..PAGES_PER_POLL {
        match source
            .filter_events(target, pattern, options.since_ms, None, next.as_deref())
            .await
        {
            Ok(page) => {
                for e in page.events {
                    if kept.len() == options.backfill {
                        kept.pop_front();
                    }
                    kept.push_back(e);
                }
                next = page.next;
                if next.is_none() {
                    break;
                }
            }
            Err(e) => {
                return emit(FollowEvent::Notice(format!(
                    "FilterLogEvents: {e}: no earlier lines"
                )));
            }
        }
    }
    let events: Vec<LogEvent> = kept.into_iter().filter(|e| seen.first_time(e)).collect();
    events.is_empty()
        || emit(FollowEvent::Lines {
            events,
            sampled: false,
        })
}

/// 1 s, 2 s, 4 s ... up to `max`.
fn backoff(failures: u32, max: Duration) -> Duration {
    Duration::from_secs(1u64 << failures.saturating_sub(1).min(6)).min(max)
}

/// Polls FilterLogEvents from `options.since_ms`, each poll from a little before the newest
/// event seen, dropping events already emitted by their id.
async fn poll(
    source: &dyn LogsSource,
    target: &LogTarget,
    options: &FollowOptions,
    now_ms: &(dyn Fn() -> i64 + Send + Sync),
    emit: &mut (dyn FnMut(FollowEvent) -> bool + Send),
    why: String,
    mut seen: Seen,
) {
    if !emit(FollowEvent::Mode(TailMode::Polling { why })) {
        return;
    }
    let pattern = options.pattern.as_deref();
    let mut from = options.since_ms;
    let mut failures = 0u32;
    // A scan cut by the page budget goes on from its token at the next poll (FilterLogEvents
    // may answer empty pages with a token while it scans many streams).
    let mut next: Option<String> = None;
    let mut began = now_ms();
    loop {
        if next.is_none() {
            began = now_ms();
        }
        let mut fresh: Vec<LogEvent> = Vec::new();
        let mut failed = None;
        for _ in 0..PAGES_PER_POLL {
            match source
                .filter_events(target, pattern, from, None, next.as_deref())
                .await
            {
                Ok(page) => {
                    fresh.extend(page.events.into_iter().filter(|e| seen.first_time(e)));
                    next = page.next;
                    if next.is_none() {
                        break;
                    }
                }
                Err(e) => {
                    failed = Some(e);
                    break;
                }
            }
        }
        // Everything up to `began` was read: the next scan need not go further back than
        // events arriving late could be (ids drop what is read again).
        if failed.is_none() && next.is_none() {
            from = from.max(began - LATE_MS);
        }
        if !fresh.is_empty() {
            fresh.sort_by_key(|e| e.timestamp_ms);
            let lines = FollowEvent::Lines {
                events: fresh,
                sampled: false,
            };
            if !emit(lines) {
                return;
            }
        }
        let pause = match failed {
            Some(e) if crate::source::logs::is_permanent(&e) => {
                emit(FollowEvent::Stopped(format!("FilterLogEvents: {e}")));
                return;
            }
            Some(e) => {
                next = None;
                failures += 1;
                let pause = backoff(failures, options.retry_max).max(options.poll_every);
                if !emit(FollowEvent::Notice(format!("FilterLogEvents: {e}"))) {
                    return;
                }
                pause
            }
            None => {
                failures = 0;
                options.poll_every
            }
        };
        tokio::time::sleep(pause).await;
    }
}

/// Ids already emitted, the oldest forgotten first. An event without an id (an emulator)
/// is known by its time, stream and text.
#[derive(Default)]
struct Seen {
    ids: HashSet<String>,
    order: VecDeque<String>,
}

impl Seen {
    fn first_time(&mut self, e: &LogEvent) -> bool {
        let id = match &e.event_id {
            Some(id) => id.clone(),
            None => format!("{}\u{1f}{}\u{1f}{}", e.timestamp_ms, e.stream, e.message),
        };
        if !self.ids.insert(id.clone()) {
            return false;
        }
        self.order.push_back(id);
        if self.order.len() > SEEN_IDS
            && let Some(old) = self.order.pop_front()
        {
            self.ids.remove(&old);
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceError;
    use crate::source::logs::*;
    use async_trait::async_trait;
    use std::sync::Mutex;

    /// A session's updates then how it ends, or the error of opening it.
    type Script = Result<Vec<Result<LiveUpdate, LiveError>>, LiveError>;

    /// A source scripted call by call.
    #[derive(Default)]
    struct Scripted {
        /// Each live_tail call takes the next: a session's updates then how it ends, or
        /// the error of opening it.
        sessions: Mutex<VecDeque<Script>>,
        /// Each filter_events call takes the next page.
        pages: Mutex<VecDeque<Result<EventsPage, SourceError>>>,
        filter_starts: Mutex<Vec<i64>>,
        /// Sessions whose script is over go silent instead of closing.
        hang_when_done: bool,
    }

    /// A session's script, then its end: closed, or silence (`hang`).
    struct Session {
        script: VecDeque<Result<LiveUpdate, LiveError>>,
        hang: bool,
    }

    #[async_trait]
    impl LiveSession for Session {
        async fn next(&mut self) -> Result<Option<LiveUpdate>, LiveError> {
            match self.script.pop_front() {
                Some(Ok(u)) => Ok(Some(u)),
                Some(Err(e)) => Err(e),
                None if self.hang => std::future::pending().await,
                None => Ok(None),
            }
        }
    }

    #[async_trait]
    impl LogsSource for Scripted {
        async fn start_query(&self, _: &InsightsQuery) -> Result<String, SourceError> {
            unreachable!()
        }
        async fn query_results(
            &self,
            _: &LogTarget,
            _: &str,
        ) -> Result<InsightsResults, SourceError> {
            unreachable!()
        }
        async fn stop_query(&self, _: &LogTarget, _: &str) -> Result<(), SourceError> {
            unreachable!()
        }
        async fn filter_events(
            &self,
            _: &LogTarget,
            _: Option<&str>,
            start_ms: i64,
            _: Option<i64>,
            _: Option<&str>,
        ) -> Result<EventsPage, SourceError> {
            self.filter_starts.lock().unwrap().push(start_ms);
            self.pages
                .lock()
                .unwrap()
                .pop_front()
                .unwrap_or(Ok(EventsPage::default()))
        }
        async fn live_tail(
            &self,
            _: &LogTarget,
            _: Option<&str>,
        ) -> Result<Box<dyn LiveSession>, LiveError> {
            match self.sessions.lock().unwrap().pop_front() {
                Some(Ok(updates)) => Ok(Box::new(Session {
                    script: updates.into(),
                    hang: self.hang_when_done,
                })),
                Some(Err(e)) => Err(e),
                None => Err(LiveError::Unsupported("script over".into())),
            }
        }
    }

    fn event(t: i64, id: &str) -> LogEvent {
        LogEvent::new(
            t,
            "AllTraffic/i-1",
            format!("line {t}").as_bytes(),
            Some(id),
        )
    }

    fn update(ts: &[i64], sampled: bool) -> Result<LiveUpdate, LiveError> {
        Ok(LiveUpdate {
            events: ts.iter().map(|t| event(*t, "")).collect(),
            sampled,
        })
    }

    fn target() -> LogTarget {
        LogTarget {
            account_id: "111111111111".into(),
            groups: vec!["/aws/sagemaker/Endpoints/x".into()],
            stream_prefix: None,
            region: Default::default(),
        }
    }

    /// Runs `follow` until `limit` events were emitted (or a poll stops it), with no real
    /// pauses (tokio's paused clock).
    async fn run(source: &Scripted, limit: usize) -> Vec<FollowEvent> {
        let mut seen = Vec::new();
        let options = FollowOptions {
            since_ms: 1_000,
            ..FollowOptions::default()
        };
        let mut emit = |e: FollowEvent| {
            seen.push(e);
            seen.len() < limit
        };
        follow(source, &target(), &options, &|| 20_000, &mut emit).await;
        seen
    }

    fn lines(events: &[FollowEvent]) -> Vec<i64> {
        events
            .iter()
            .filter_map(|e| match e {
                FollowEvent::Lines { events, .. } => Some(events.iter().map(|e| e.timestamp_ms)),
                _ => None,
            })
            .flatten()
            .collect()
    }

    #[tokio::test(start_paused = true)]
    async fn a_session_ended_by_aws_is_started_again_without_losing_the_mode() {
        let source = Scripted::default();
        source.sessions.lock().unwrap().extend([
            Ok(vec![update(&[1, 2], false), Err(LiveError::SessionTimeout)]),
            Ok(vec![update(&[3], true)]),
            Ok(vec![update(&[4], false)]),
        ]);
        let seen = run(&source, 7).await;
        assert_eq!(seen[0], FollowEvent::Mode(TailMode::Live));
        assert_eq!(lines(&seen), [1, 2, 3, 4]);
        assert!(
            seen.iter()
                .any(|e| matches!(e, FollowEvent::Notice(n) if n.contains("3-hour"))),
            "{seen:?}"
        );
        assert!(
            seen.iter()
                .any(|e| matches!(e, FollowEvent::Lines { sampled: true, .. }))
        );
        let modes = seen
            .iter()
            .filter(|e| matches!(e, FollowEvent::Mode(_)))
            .count();
        assert_eq!(modes, 1, "a restart is not a new mode: {seen:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_network_failure_is_retried_with_a_pause_and_said() {
        let source = Scripted::default();
        let network = SourceError::Network {
            call: "StartLiveTail".into(),
            detail: "connection reset".into(),
        };
        source.sessions.lock().unwrap().extend([
            Err(LiveError::Failed(network.clone())),
            Ok(vec![update(&[1], false), Err(LiveError::Failed(network))]),
            Ok(vec![update(&[2], false)]),
        ]);
        let began = tokio::time::Instant::now();
        let seen = run(&source, 6).await;
        assert_eq!(lines(&seen), [1, 2]);
        assert!(
            seen.iter()
                .any(|e| matches!(e, FollowEvent::Notice(n) if n.contains("connection reset"))),
            "{seen:?}"
        );
        assert!(began.elapsed() >= Duration::from_secs(2), "it paused");
    }

    #[tokio::test(start_paused = true)]
    async fn sessions_closed_at_once_are_reopened_with_growing_pauses_not_in_a_loop() {
        let source = Scripted::default();
        // An endpoint that closes every session at once (an emulator replaying nothing).
        source
            .sessions
            .lock()
            .unwrap()
            .extend((0..5).map(|_| Ok(Vec::new())));
        let began = tokio::time::Instant::now();
        let seen = run(&source, 6).await;
        assert_eq!(seen[0], FollowEvent::Mode(TailMode::Live));
        // 1 + 2 + 4 + 8 s between the five opens at least.
        assert!(
            began.elapsed() >= Duration::from_secs(15),
            "{:?}",
            began.elapsed()
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_silent_session_is_taken_for_a_dead_connection_and_started_again() {
        // A session that neither speaks nor ends (a half-open connection).
        let source = Scripted {
            hang_when_done: true,
            ..Scripted::default()
        };
        source.sessions.lock().unwrap().push_back(Ok(Vec::new()));
        let mut seen = Vec::new();
        let mut emit = |e: FollowEvent| {
            seen.push(e);
            seen.len() < 3
        };
        follow(
            &source,
            &target(),
            &FollowOptions::default(),
            &|| 0,
            &mut emit,
        )
        .await;
        assert!(
            matches!(&seen[1], FollowEvent::Notice(n) if n.contains("no update for 30 s")),
            "{seen:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_target_that_cannot_be_followed_stops_and_says_why() {
        let source = Scripted::default();
        source
            .sessions
            .lock()
            .unwrap()
            .push_back(Err(LiveError::Fatal(SourceError::Other {
                call: "StartLiveTail".into(),
                detail: "ResourceNotFoundException: the log group does not exist".into(),
            })));
        let seen = run(&source, 100).await;
        assert!(
            matches!(seen.as_slice(), [FollowEvent::Stopped(why)] if why.contains("does not exist")),
            "{seen:?}"
        );
        // Polling denied: it stops too, instead of asking forever.
        let source = Scripted::default();
        source
            .sessions
            .lock()
            .unwrap()
            .push_back(Err(LiveError::Unsupported("no".into())));
        source
            .pages
            .lock()
            .unwrap()
            .push_back(Err(SourceError::AccessDenied {
                call: "FilterLogEvents".into(),
                action: "logs:FilterLogEvents".into(),
            }));
        let seen = run(&source, 100).await;
        assert!(
            matches!(seen.last(), Some(FollowEvent::Stopped(_))),
            "{seen:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn the_newest_lines_since_are_shown_first_and_not_repeated_by_polling() {
        let source = Scripted::default();
        source
            .sessions
            .lock()
            .unwrap()
            .push_back(Err(LiveError::Unsupported("no".into())));
        source.pages.lock().unwrap().extend([
            // The backfill: three lines, of which the two newest are kept.
            Ok(EventsPage {
                events: vec![event(1_000, "a"), event(2_000, "b"), event(3_000, "c")],
                next: None,
            }),
            // The first poll reads them again, and one more.
            Ok(EventsPage {
                events: vec![event(2_000, "b"), event(3_000, "c"), event(4_000, "d")],
                next: None,
            }),
        ]);
        let mut seen = Vec::new();
        let options = FollowOptions {
            since_ms: 1_000,
            backfill: 2,
            ..FollowOptions::default()
        };
        let mut emit = |e: FollowEvent| {
            seen.push(e);
            seen.len() < 3
        };
        follow(&source, &target(), &options, &|| 20_000, &mut emit).await;
        assert!(matches!(&seen[0], FollowEvent::Lines { .. }), "{seen:?}");
        assert!(
            matches!(&seen[1], FollowEvent::Mode(TailMode::Polling { .. })),
            "{seen:?}"
        );
        assert_eq!(lines(&seen), [2_000, 3_000, 4_000]);
    }

    #[tokio::test(start_paused = true)]
    async fn without_live_tail_it_polls_and_drops_what_it_read_twice() {
        let source = Scripted::default();
        source
            .sessions
            .lock()
            .unwrap()
            .push_back(Err(LiveError::Unsupported(
                "AccessDenied: logs:StartLiveTail".into(),
            )));
        source.pages.lock().unwrap().extend([
            Ok(EventsPage {
                events: vec![event(10_000, "a"), event(11_000, "b")],
                next: Some("p2".into()),
            }),
            Ok(EventsPage {
                events: vec![event(12_000, "c")],
                next: None,
            }),
            // The next poll reads again from before the newest: b and c again, then d.
            Ok(EventsPage {
                events: vec![event(11_000, "b"), event(12_000, "c"), event(13_000, "d")],
                next: None,
            }),
        ]);
        let seen = run(&source, 3).await;
        assert_eq!(
            seen[0],
            FollowEvent::Mode(TailMode::Polling {
                why: "AccessDenied: logs:StartLiveTail".into()
            })
        );
        assert_eq!(lines(&seen), [10_000, 11_000, 12_000, 13_000]);
        let starts = source.filter_starts.lock().unwrap().clone();
        assert_eq!(starts[0], 1_000, "from `since`");
        assert_eq!(
            starts[2], 1_000,
            "the last minute read again: late events are found"
        );
    }
}
