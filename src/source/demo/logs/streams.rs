//! The streams a target names and the lines they hold: a target's groups resolved against
//! the world, and their lines in a window generated on demand (`written`), oldest first.

use super::written::{Written, instance_minute, instances, job_lines};
use super::{MINUTE_MS, RETENTION_SECS, invalid, not_found};
use crate::clock::SharedClock;
use crate::logs::groups::{PROCESSING_JOBS_GROUP, group_arn};
use crate::sanitize::clean;
use crate::source::SourceError;
use crate::source::demo::monitor::{self, Runs};
use crate::source::demo::rng::hash_str;
use crate::source::demo::world::{REGION, World};
use crate::source::logs::{LogEvent, LogTarget};
use crate::source::model::Epoch;
use std::sync::{Arc, Mutex};

/// What generates lines: the world, the console's monitoring runs, the clock. Shared with
/// live tail sessions, which outlive the call that opened them.
#[derive(Debug, Clone)]
pub(super) struct Gen {
    pub world: Arc<World>,
    pub runs: Arc<Mutex<Runs>>,
    pub clock: SharedClock,
}

/// A log group of the target, resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Group {
    Endpoint(usize),
    Jobs,
}

/// A target resolved against the world.
#[derive(Debug, Clone)]
pub(super) struct Selection {
    pub account: String,
    /// Each group, and its name as asked for (for `@log`).
    pub groups: Vec<(Group, String)>,
    prefix: Option<String>,
}

/// One generated line.
#[derive(Debug, Clone)]
pub(super) struct Line {
    pub ms: i64,
    /// Index of its group in the selection.
    pub group: usize,
    pub stream: Arc<str>,
    /// Its place among the lines written with it (a minute's, a run's).
    seq: u32,
    pub text: String,
}

impl Line {
    pub fn event(&self) -> LogEvent {
        let stream_hash = hash_str(&self.stream);
        let id = format!("{:013}{stream_hash:016x}{:05}", self.ms, self.seq);
        LogEvent::new(self.ms, &self.stream, self.text.as_bytes(), Some(&id))
    }
}

impl Gen {
    pub fn now(&self) -> Epoch {
        self.clock.now()
    }

    /// The target's groups as the world has them; an unknown one is ResourceNotFound, as
    /// AWS answers.
    pub fn select(&self, call: &str, target: &LogTarget) -> Result<Selection, SourceError> {
        let account = target.account_id.as_str();
        if target.groups.is_empty() {
            return Err(invalid(call, "no log group"));
        }
        // An ARN of the account's group names the same group.
        let arn_prefix = group_arn(REGION, account, "");
        let group = |g: &String| {
            let name = g.strip_prefix(&arn_prefix).unwrap_or(g);
            let group = self.group(account, name).ok_or_else(|| {
                let (name, account) = (clean(name), clean(account));
                let detail =
                    format!("the specified log group does not exist: {name} in account {account}");
                not_found(call, detail)
            })?;
            Ok((group, name.to_owned()))
        };
        Ok(Selection {
            account: account.to_owned(),
            groups: target.groups.iter().map(group).collect::<Result<_, _>>()?,
            prefix: target.stream_prefix.clone(),
        })
    }

    /// The account's group `name`, if it has it.
    fn group(&self, account: &str, name: &str) -> Option<Group> {
        let world = &self.world;
        if name == PROCESSING_JOBS_GROUP {
            let has_runs = world.endpoints.iter().any(|e| {
                e.endpoint.account_id == account && !e.endpoint.monitoring_schedules.is_empty()
            });
            return has_runs.then_some(Group::Jobs);
        }
        let endpoint = name.strip_prefix("/aws/sagemaker/Endpoints/")?;
        let i = world.endpoint_index(account, endpoint)?;
        let has_data = world.endpoints[i].profile.has_data;
        has_data.then_some(Group::Endpoint(i))
    }

    /// The selection's lines with `from_ms <= ms < to_ms`, written before `now`, matching
    /// `keep`, oldest first (ties by stream, then order in the stream); and how many were
    /// scanned.
    pub fn lines(
        &self,
        sel: &Selection,
        from_ms: i64,
        to_ms: i64,
        keep: &dyn Fn(&str) -> bool,
    ) -> (Vec<Line>, u64) {
        let now = self.now();
        let to_ms = to_ms.min(now.saturating_mul(1000));
        let from_ms = from_ms.max((now - RETENTION_SECS).saturating_mul(1000));
        let (mut out, mut scanned) = (Vec::new(), 0);
        if to_ms <= from_ms {
            return (out, scanned);
        }
        let wanted = |stream: &str| sel.prefix.as_deref().is_none_or(|p| stream.starts_with(p));
        // Lines written together, in their order: those in the window are scanned, those
        // `keep` wants are kept.
        let mut gather = |group: usize, stream: &Arc<str>, written: Written| {
            let inside = written.0.into_iter().enumerate();
            for (seq, (ms, text)) in inside.filter(|(_, (ms, _))| (from_ms..to_ms).contains(ms)) {
                scanned += 1;
                if keep(&text) {
                    let (stream, seq) = (stream.clone(), seq as u32);
                    out.push(Line {
                        ms,
                        group,
                        stream,
                        seq,
                        text,
                    });
                }
            }
        };
        for (gi, (group, _)) in sel.groups.iter().enumerate() {
            match *group {
                Group::Endpoint(i) => {
                    let first = from_ms.div_euclid(MINUTE_MS) * 60;
                    for inst in instances(&self.world.endpoints[i]) {
                        if !wanted(&inst.name) {
                            continue;
                        }
                        let stream: Arc<str> = inst.name.as_str().into();
                        for m in (first..).step_by(60).take_while(|m| m * 1000 < to_ms) {
                            gather(gi, &stream, instance_minute(&self.world, i, &inst, m));
                        }
                    }
                }
                Group::Jobs => {
                    let (from, to) = (from_ms.div_euclid(1000), (to_ms - 1).div_euclid(1000));
                    let runs = {
                        let held = self.runs.lock().unwrap_or_else(|p| p.into_inner());
                        monitor::job_runs(&self.world, &held, &sel.account, from, to, now)
                    };
                    for run in runs {
                        let stream: Arc<str> = format!("{}/algo-1-{}", run.job, run.created).into();
                        if wanted(&stream) {
                            gather(gi, &stream, job_lines(&run));
                        }
                    }
                }
            }
        }
        out.sort_by(|a, b| {
            (a.ms, &a.stream, a.seq, a.group).cmp(&(b.ms, &b.stream, b.seq, b.group))
        });
        (out, scanned)
    }
}
