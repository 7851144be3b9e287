//! The tape's reads, one per source, each an async call the view runs in its workers and the
//! shell runs in turn: what each costs is counted where it is spent.

use super::{AlarmHistory, CountedRun, ErrorCounts, Subject, Window};
use crate::logs::run::{self as insights_run, Ended};
use crate::source::logs::{InsightsQuery, LogTarget};
use crate::source::model::{
    Alarm, EndpointMakeup, Epoch, ExecutionStatus, ScalingActivity, SeriesData,
};
use crate::source::trail::{ResultPage, Search, TrailQuery, TrailSettings};
use crate::source::{FleetSource, SeriesRequest, SourceError};
use crate::trail::changes::{Resources, filter_text};
use crate::trail::run::{self as trail_run, Progress, Report};
use std::future::Future;
use std::ops::ControlFlow;

/// Pages of Model Monitor runs read at most: a schedule running hourly fills a page of
/// about a day, and a tape spans hours to days.
const RUN_PAGES: usize = 8;
/// Reports read for their violation counts at most: one S3 read each.
const REPORTS: usize = 6;
/// The Insights query of the endpoint's errors, a count per minute.
pub const ERRORS_QUERY: &str = "filter @message like /(?i)(error|exception|traceback)/ \
     | stats count(*) by bin(1m)";

/// Every alarm's history within the window: one DescribeAlarmHistory each.
pub async fn alarm_histories(
    source: &dyn FleetSource,
    subject: &Subject,
    window: Window,
) -> Vec<AlarmHistory> {
    let reads = subject.alarms.iter().map(|a| async move {
        // The exact name: requests never use the cleaned one.
        let history = source.alarm_history(&a.account_id, &a.id).await;
        let kept = history.map(|items| {
            items
                .into_iter()
                .filter(|h| window.holds(h.timestamp))
                .collect()
        });
        (a.clone(), kept)
    });
    futures::future::join_all(reads).await
}

/// The endpoint's config and models (and when it last changed), then the trail's search of
/// its changes with them: `None` for the search without a `[trail]` to search.
pub async fn makeup_and_changes(
    source: &dyn FleetSource,
    trail: Option<&TrailSettings>,
    subject: &Subject,
    window: Window,
    cancel: impl Future<Output = ()>,
) -> (
    Result<EndpointMakeup, SourceError>,
    Option<Result<Changes, SourceError>>,
) {
    let makeup = source.endpoint_makeup(&subject.endpoint.key()).await;
    let changes = match trail {
        Some(settings) => Some(
            changes(
                source,
                settings,
                subject,
                makeup.as_ref().ok(),
                window,
                cancel,
            )
            .await,
        ),
        None => None,
    };
    (makeup, changes)
}

/// The trail's rows on the endpoint's resources within the window, and what Athena scanned.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Changes {
    pub columns: Vec<String>,
    pub pages: Vec<ResultPage>,
    pub scanned_bytes: u64,
    /// The search as typed in the trail view, to open it there.
    pub filter: String,
}

/// One filtered search of the trail, pruned to the window and the endpoint's accounts.
async fn changes(
    source: &dyn FleetSource,
    settings: &TrailSettings,
    subject: &Subject,
    makeup: Option<&EndpointMakeup>,
    window: Window,
    cancel: impl Future<Output = ()>,
) -> Result<Changes, SourceError> {
    let key = subject.endpoint.key();
    let alarms: Vec<&Alarm> = subject.alarms.iter().collect();
    let text = filter_text(&Resources {
        endpoint: &key,
        makeup,
        schedules: &subject.endpoint.monitoring_schedules,
        alarms: &alarms,
        region: subject.region.as_deref(),
        from: window.from,
    });
    search(source, settings, text, window, cancel).await
}

/// One filtered search of the trail (the filter as typed in the trail view) over the window,
/// run to its end: every row, and what Athena scanned.
pub async fn search(
    source: &dyn FleetSource,
    settings: &TrailSettings,
    text: String,
    window: Window,
    cancel: impl Future<Output = ()>,
) -> Result<Changes, SourceError> {
    let call = "StartQueryExecution";
    let trail = source.trail().ok_or_else(|| SourceError::Other {
        call: call.into(),
        detail: "no CloudTrail search configured: add [trail] to config.toml".into(),
    })?;
    let filter = crate::trail::filter::parse(&text).map_err(|e| SourceError::Other {
        call: call.into(),
        detail: format!("the search's filter: {}", e.message),
    })?;
    let accounts = filter.accounts.clone();
    let table = settings.table();
    let sql = crate::trail::sql::select(&table, &filter, &accounts, window.from, window.to);
    let query = TrailQuery {
        sql,
        search: Search::Filter {
            filter: Box::new(filter),
            accounts,
            from: window.from,
            to: window.to,
            limit: table.limit,
        },
        token: trail_run::request_token(),
    };
    let mut report = Collect::default();
    let max = Some(table.limit as usize);
    match trail_run::drive(trail, &query, max, cancel, &mut report).await {
        trail_run::Outcome::Succeeded { status, .. } => Ok(Changes {
            columns: report.columns,
            pages: report.pages,
            scanned_bytes: status.scanned_bytes,
            filter: text,
        }),
        trail_run::Outcome::Failed { reason } => Err(SourceError::Other {
            call: "GetQueryExecution".into(),
            detail: reason,
        }),
        trail_run::Outcome::Cancelled { .. } => Err(SourceError::Other {
            call: "GetQueryExecution".into(),
            detail: "the query was cancelled".into(),
        }),
        trail_run::Outcome::Error(e) => Err(e),
    }
}

#[derive(Default)]
struct Collect {
    columns: Vec<String>,
    pages: Vec<ResultPage>,
}

impl Report for Collect {
    fn progress(&mut self, _: &Progress) {}

    fn page(&mut self, page: ResultPage) -> ControlFlow<()> {
        if self.columns.is_empty() {
            self.columns = page.columns.clone();
        }
        self.pages.push(page);
        ControlFlow::Continue(())
    }
}

/// The endpoint's Model Monitor runs within the window, with the violations of the newest
/// runs that found some.
pub async fn runs(
    source: &dyn FleetSource,
    subject: &Subject,
    window: Window,
) -> Result<Vec<CountedRun>, SourceError> {
    let monitor = source.monitor().ok_or_else(|| SourceError::Other {
        call: "ListMonitoringExecutions".into(),
        detail: "this source has no Model Monitor".into(),
    })?;
    let key = subject.endpoint.key();
    let mut runs = Vec::new();
    let mut next: Option<String> = None;
    for _ in 0..RUN_PAGES {
        let page = monitor.executions(&key, None, next.as_deref()).await?;
        let older = page
            .executions
            .iter()
            .any(|e| e.scheduled_time < window.from);
        runs.extend(
            page.executions
                .into_iter()
                .filter(|e| window.holds(e.scheduled_time)),
        );
        next = page.next;
        if older || next.is_none() {
            break;
        }
    }
    let mut counted: Vec<CountedRun> = Vec::with_capacity(runs.len());
    let mut reports = 0;
    for run in runs {
        let count = if run.status == ExecutionStatus::CompletedWithViolations && reports < REPORTS {
            reports += 1;
            monitor
                .violations(&run)
                .await
                .ok()
                .map(|r| r.violations.len())
        } else {
            None
        };
        counted.push((run, count));
    }
    Ok(counted)
}

/// Errors per minute in the endpoint's log group over the window, and the bytes Insights
/// scanned.
pub async fn errors(
    source: &dyn FleetSource,
    subject: &Subject,
    window: Window,
    cancel: impl Future<Output = ()>,
) -> Result<ErrorCounts, SourceError> {
    let call = "StartQuery";
    let logs = source.logs().ok_or_else(|| SourceError::Other {
        call: call.into(),
        detail: "this source has no CloudWatch Logs".into(),
    })?;
    let q = InsightsQuery {
        target: LogTarget {
            account_id: subject.endpoint.account_id.clone(),
            groups: vec![crate::logs::groups::endpoint_group(&subject.endpoint.name)],
            stream_prefix: None,
            region: subject.endpoint.region.clone(),
        },
        query: ERRORS_QUERY.into(),
        start: window.from,
        end: window.to,
    };
    match insights_run::drive(logs, &q, cancel, &mut |_| {}, &mut |_, _| {}).await {
        Ended::Done(results) => {
            let bin = results.columns.iter().position(|c| c.starts_with("bin("));
            let count = results.columns.iter().position(|c| c == "count(*)");
            let (Some(bin), Some(count)) = (bin, count) else {
                return Ok(ErrorCounts {
                    per_minute: Vec::new(),
                    scanned_bytes: results.stats.bytes_scanned,
                });
            };
            let counts = results
                .rows
                .iter()
                .filter_map(|r| Some((insights_time(r.get(bin)?)?, r.get(count)?.parse().ok()?)))
                .collect();
            Ok(ErrorCounts {
                per_minute: counts,
                scanned_bytes: results.stats.bytes_scanned,
            })
        }
        Ended::Failed(why) => Err(SourceError::Other {
            call: "GetQueryResults".into(),
            detail: why,
        }),
        Ended::Interrupted(_) => Err(SourceError::Other {
            call: "GetQueryResults".into(),
            detail: "interrupted".into(),
        }),
    }
}

/// Insights' time (`2026-11-26 16:57:00.000`, UTC).
fn insights_time(s: &str) -> Option<Epoch> {
    let t = chrono::NaiveDateTime::parse_from_str(s.trim(), "%Y-%m-%d %H:%M:%S%.f").ok()?;
    Some(t.and_utc().timestamp())
}

/// The endpoint's series over the window: what the step rule and the quality rule read.
pub async fn series(
    source: &dyn FleetSource,
    subject: &Subject,
    window: Window,
) -> Result<Vec<SeriesData>, SourceError> {
    let keys = super::watched_series(&subject.endpoint);
    source
        .series(&SeriesRequest {
            keys: keys.into(),
            start: window.from,
            end: window.to,
        })
        .await
}

/// The variants' scaling activities since the window's start.
pub async fn scaling(
    source: &dyn FleetSource,
    subject: &Subject,
    window: Window,
) -> Result<Vec<ScalingActivity>, SourceError> {
    let found = source
        .scaling_activities(&subject.endpoint.key(), window.from)
        .await?;
    Ok(found.into_iter().filter(|a| a.at <= window.to).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insights_bins_are_read_as_utc() {
        assert_eq!(
            insights_time("2026-11-26 16:57:00.000"),
            Some(1_795_712_220)
        );
        assert_eq!(insights_time("16:57"), None);
    }
}
