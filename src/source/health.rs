//! What a source knows about its own calls: which ones are failing (per call and
//! account, so one denied account does not hide the others), how much GetMetricData is being
//! asked for, and whether AWS is throttling. Read by the console after every command.

use super::SourceError;
use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const HOUR: Duration = Duration::from_secs(3600);
/// Throttling is shown on the status bar while it happened this recently.
const THROTTLE_MEMORY: Duration = Duration::from_secs(120);
/// Each account's throttled attempts are counted over this long (the accounts pane, the
/// snapshot's `usage`).
const THROTTLE_WINDOW: Duration = Duration::from_secs(300);

#[derive(Debug, Default)]
struct Inner {
    /// GetMetricData calls in the last hour: when, and how many queries each carried.
    metric_data: VecDeque<(Instant, u32)>,
    /// Attempts AWS answered with a throttling error (the SDK retried them with back-off),
    /// and the account whose client was throttled.
    throttled: VecDeque<(Instant, String)>,
    /// The last error of each call that is failing now, by call name, and since when it has
    /// been failing (what it last answered is still on screen, that old).
    problems: BTreeMap<String, (SourceError, Instant)>,
    /// Things the user should know that are not failures (a topology chosen by fall-back).
    notices: Vec<String>,
    /// How far this host's clock is ahead of AWS's, from the last response's `Date` header.
    clock_skew: Option<i64>,
}

/// The source's own view of its calls, copied into the console's state after each command.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceHealth {
    /// Calls failing now (one per call and account); the rest of the data is still live.
    pub problems: Vec<SourceError>,
    /// Whole minutes each of `problems` has been failing, in the same order.
    pub failing_minutes: Vec<u64>,
    /// Things worth knowing that are not failures: shown when nothing is failing.
    pub notices: Vec<String>,
    /// Seconds this host's clock is ahead of AWS's (negative: behind); `None` before the first
    /// response.
    pub clock_skew_secs: Option<i64>,
    /// Attempts AWS throttled in the last two minutes (retried by the SDK with back-off).
    pub throttled_recently: u32,
    /// Attempts AWS throttled in the last five minutes, per account whose client was
    /// throttled (the caller CloudWatch limits), in account order; only accounts throttled.
    pub throttled_by_account: Vec<(String, u32)>,
    /// The same, per region, when several are read (`source::regions`): `throttled_by_account`
    /// is then their sum per account.
    pub throttled_by_region: Vec<(String, Vec<(String, u32)>)>,
    pub metric_data_calls_last_hour: u32,
    /// Queries sent to GetMetricData in the last hour: CloudWatch bills per metric requested.
    pub metrics_requested_last_hour: u64,
}

/// Dollars per 1,000 metrics requested with GetMetricData (public price, us-east-1).
pub const USD_PER_1000_METRICS: f64 = 0.01;

impl SourceHealth {
    /// What the last hour of GetMetricData cost, which at a steady refresh is the cost per hour.
    pub fn usd_per_hour(&self) -> f64 {
        self.metrics_requested_last_hour as f64 / 1000.0 * USD_PER_1000_METRICS
    }
}

#[derive(Debug, Clone, Default)]
pub struct Health {
    inner: Arc<Mutex<Inner>>,
}

impl Health {
    fn with<T>(&self, f: impl FnOnce(&mut Inner) -> T) -> T {
        // A poisoned lock only means another thread panicked mid-update of counters.
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut inner)
    }

    pub fn record_metric_data_call(&self, queries: usize) {
        let now = Instant::now();
        self.with(|i| {
            i.metric_data.push_back((now, queries as u32));
            prune(&mut i.metric_data, now, HOUR, |(t, _)| *t);
        });
    }

    /// An attempt of a client acting in `account` was throttled.
    pub fn record_throttled(&self, account: &str) {
        let now = Instant::now();
        self.with(|i| {
            i.throttled.push_back((now, account.to_owned()));
            prune(&mut i.throttled, now, THROTTLE_WINDOW, |(t, _)| *t);
        });
    }

    /// Remembers the outcome of `call`: a failure replaces its previous one, a success clears it.
    pub fn outcome<T>(&self, call: &str, result: &Result<T, SourceError>) {
        self.with(|i| match result {
            Ok(_) => {
                i.problems.remove(call);
            }
            Err(e) => {
                let since = i.problems.get(call).map_or_else(Instant::now, |(_, s)| *s);
                i.problems.insert(call.to_owned(), (e.clone(), since));
            }
        });
    }

    /// AWS's clock (a response's `Date` header), for the skew of this host's clock.
    pub fn record_server_time(&self, server_epoch: i64) {
        let local = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        self.with(|i| i.clock_skew = Some(local - server_epoch));
    }

    /// Remembers something the status bar should say while nothing is failing.
    pub fn notice(&self, text: impl Into<String>) {
        let text = text.into();
        self.with(|i| {
            if !i.notices.contains(&text) {
                i.notices.push(text);
            }
        });
    }

    pub fn snapshot(&self) -> SourceHealth {
        let now = Instant::now();
        self.with(|i| {
            prune(&mut i.metric_data, now, HOUR, |(t, _)| *t);
            prune(&mut i.throttled, now, THROTTLE_WINDOW, |(t, _)| *t);
            let recent = |t: &Instant| now.duration_since(*t) <= THROTTLE_MEMORY;
            let mut by_account = BTreeMap::<&str, u32>::new();
            for (_, account) in &i.throttled {
                *by_account.entry(account).or_default() += 1;
            }
            SourceHealth {
                problems: i.problems.values().map(|(e, _)| e.clone()).collect(),
                failing_minutes: i
                    .problems
                    .values()
                    .map(|(_, since)| now.duration_since(*since).as_secs() / 60)
                    .collect(),
                notices: i.notices.clone(),
                clock_skew_secs: i.clock_skew,
                throttled_recently: i.throttled.iter().filter(|(t, _)| recent(t)).count() as u32,
                throttled_by_account: by_account
                    .into_iter()
                    .map(|(a, n)| (a.to_owned(), n))
                    .collect(),
                // One region's health: `source::regions` fills it in when there are several.
                throttled_by_region: Vec::new(),
                metric_data_calls_last_hour: i.metric_data.len() as u32,
                metrics_requested_last_hour: i.metric_data.iter().map(|(_, n)| u64::from(*n)).sum(),
            }
        })
    }
}

fn prune<T>(q: &mut VecDeque<T>, now: Instant, keep: Duration, at: impl Fn(&T) -> Instant) {
    while q.front().is_some_and(|x| now.duration_since(at(x)) > keep) {
        q.pop_front();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_success_clears_the_problem_of_its_call_only() {
        let h = Health::default();
        let denied = SourceError::AccessDenied {
            call: "ListMetrics 222222222222".into(),
            action: "cloudwatch:ListMetrics".into(),
        };
        h.outcome::<()>("ListMetrics 222222222222", &Err(denied.clone()));
        h.outcome::<()>("ListMetrics 333333333333", &Err(denied.clone()));
        h.outcome("ListMetrics 333333333333", &Ok(()));
        assert_eq!(h.snapshot().problems, vec![denied]);
    }

    #[test]
    fn a_call_failing_again_keeps_the_time_it_started_failing() {
        let h = Health::default();
        let err = SourceError::Throttled { call: "x".into() };
        h.outcome::<()>("x", &Err(err.clone()));
        let first = h.with(|i| i.problems["x"].1);
        h.outcome::<()>("x", &Err(err.clone()));
        assert_eq!(h.with(|i| i.problems["x"].1), first);
        assert_eq!(h.snapshot().failing_minutes, vec![0]);
        h.outcome("x", &Ok(()));
        h.outcome::<()>("x", &Err(err));
        assert!(
            h.with(|i| i.problems["x"].1) > first,
            "a new failure starts a new age"
        );
    }

    #[test]
    fn metric_data_usage_is_summed_over_calls() {
        let h = Health::default();
        h.record_metric_data_call(500);
        h.record_metric_data_call(200);
        let s = h.snapshot();
        assert_eq!(s.metric_data_calls_last_hour, 2);
        assert_eq!(s.metrics_requested_last_hour, 700);
    }
}
