//! The rest of a source, across regions: health, writes, Model Monitor, jobs, logs, Studio
//! and mute rules. A call about one thing goes to its region; a listing is every region's.

use super::{Regions, fan};
use crate::source::jobs::{JobsSource, ProcessingJob};
use crate::source::logs::{
    EventsPage, InsightsQuery, InsightsResults, LiveError, LiveSession, LogTarget, LogsSource,
};
use crate::source::model::*;
use crate::source::monitor::{
    Baseline, Execution, ExecutionPage, Leftover, MonitorSource, MonitoringAlert, ScheduleRun,
    ViolationReport,
};
use crate::source::mute::{MuteRule, MuteSource};
use crate::source::studio::{AccountStudio, StudioSource};
use crate::source::write::{Write, WriteReceipt, Writer};
use crate::source::{SourceError, SourceHealth};
use async_trait::async_trait;

/// Each region's health; with several regions, each problem and notice names its region.
/// Usage adds up: GetMetricData is billed per region, and the limits are per region too.
pub fn health(regions: &Regions) -> SourceHealth {
    if let [one] = regions.regions.as_slice() {
        return one.source.health();
    }
    let mut out = SourceHealth::default();
    for r in &regions.regions {
        let h = r.source.health();
        out.problems
            .extend(h.problems.into_iter().map(|e| in_region(e, &r.region)));
        out.failing_minutes.extend(h.failing_minutes);
        out.notices
            .extend(h.notices.into_iter().map(|n| format!("{}: {n}", r.region)));
        out.clock_skew_secs = out.clock_skew_secs.or(h.clock_skew_secs);
        out.throttled_recently += h.throttled_recently;
        if !h.throttled_by_account.is_empty() {
            let throttled = (r.region.to_string(), h.throttled_by_account.clone());
            out.throttled_by_region.push(throttled);
        }
        for (account, n) in h.throttled_by_account {
            match out
                .throttled_by_account
                .iter_mut()
                .find(|(a, _)| *a == account)
            {
                Some((_, total)) => *total += n,
                None => out.throttled_by_account.push((account, n)),
            }
        }
        out.metric_data_calls_last_hour += h.metric_data_calls_last_hour;
        out.metrics_requested_last_hour += h.metrics_requested_last_hour;
    }
    out
}

/// The failing call, named with its region (`us-east-1 ListMetrics 111111111111`).
fn in_region(mut e: SourceError, region: &Region) -> SourceError {
    let (SourceError::AccessDenied { call, .. }
    | SourceError::Throttled { call }
    | SourceError::Network { call, .. }
    | SourceError::Credentials { call, .. }
    | SourceError::Other { call, .. }) = &mut e;
    *call = format!("{region} {call}");
    e
}

/// What `read` answers of one region's part (its Model Monitor, jobs, mute rules), or
/// nothing when that region's source has no such part.
async fn or_nothing<'a, P: ?Sized, T: Default>(
    part: Option<&'a P>,
    read: impl FnOnce(&'a P) -> futures::future::BoxFuture<'a, Result<T, SourceError>>,
) -> Result<T, SourceError> {
    match part {
        Some(p) => read(p).await,
        None => Ok(T::default()),
    }
}

fn missing(region: &Region, what: &str) -> SourceError {
    SourceError::Other {
        call: format!("{what} {region}"),
        detail: "not read in this region".into(),
    }
}

impl Regions {
    fn monitor_in(&self, region: &Region) -> Result<(&Region, &dyn MonitorSource), SourceError> {
        let r = self.of(region);
        let m = r
            .source
            .monitor()
            .ok_or_else(|| missing(&r.region, "Model Monitor"))?;
        Ok((&r.region, m))
    }

    fn logs_in(&self, region: &Region) -> Result<&dyn LogsSource, SourceError> {
        let r = self.of(region);
        r.source
            .logs()
            .ok_or_else(|| missing(&r.region, "CloudWatch Logs"))
    }
}

#[async_trait]
impl Writer for Regions {
    /// Sent to the region the request names: an alarm's, a schedule's.
    async fn write(&self, request: &Write) -> Result<WriteReceipt, SourceError> {
        let r = self.of(request.region());
        let writer = r
            .source
            .writer()
            .ok_or_else(|| missing(&r.region, "writes"))?;
        writer.write(request).await
    }
}

#[async_trait]
impl MonitorSource for Regions {
    async fn executions(
        &self,
        endpoint: &EndpointKey,
        schedule: Option<&str>,
        page: Option<&str>,
    ) -> Result<ExecutionPage, SourceError> {
        let (region, m) = self.monitor_in(&endpoint.region)?;
        let mut found = m.executions(endpoint, schedule, page).await?;
        found.executions.set_region(region);
        Ok(found)
    }

    async fn violations(&self, execution: &Execution) -> Result<ViolationReport, SourceError> {
        self.monitor_in(&execution.region)?
            .1
            .violations(execution)
            .await
    }

    async fn baseline(
        &self,
        schedule: &MonitoringSchedule,
    ) -> Result<Option<Baseline>, SourceError> {
        self.monitor_in(&schedule.region)?
            .1
            .baseline(schedule)
            .await
    }

    /// The schedule of that name in the first region that has one.
    async fn schedule(
        &self,
        account_id: &str,
        name: &str,
    ) -> Result<Option<MonitoringSchedule>, SourceError> {
        let found = fan::every_region(self, |s| {
            or_nothing(s.monitor(), move |m| m.schedule(account_id, name))
        })
        .await?;
        let first = found.into_iter().find_map(|(region, s)| Some((region, s?)));
        Ok(first.map(|(region, mut s)| {
            s.set_region(region);
            s
        }))
    }

    async fn alerts(
        &self,
        account_id: &str,
        schedule: &str,
    ) -> Result<Vec<MonitoringAlert>, SourceError> {
        let all = fan::every_region(self, |s| {
            or_nothing(s.monitor(), move |m| m.alerts(account_id, schedule))
        })
        .await?;
        Ok(all.into_iter().flat_map(|(_, a)| a).collect())
    }

    async fn fleet_runs(&self) -> Result<Vec<ScheduleRun>, SourceError> {
        fan::tagged(self, |s| or_nothing(s.monitor(), move |m| m.fleet_runs())).await
    }

    async fn leftovers(&self) -> Result<Vec<Leftover>, SourceError> {
        fan::tagged(self, |s| or_nothing(s.monitor(), move |m| m.leftovers())).await
    }
}

#[async_trait]
impl JobsSource for Regions {
    /// Every region's jobs of the account, newest first, at most `limit` in all.
    async fn processing_jobs(
        &self,
        account_id: &str,
        since: Epoch,
        limit: usize,
    ) -> Result<Vec<ProcessingJob>, SourceError> {
        let mut jobs = fan::tagged(self, |s| {
            or_nothing(s.jobs(), move |j| {
                j.processing_jobs(account_id, since, limit)
            })
        })
        .await?;
        jobs.sort_by_key(|j| std::cmp::Reverse(j.created));
        jobs.truncate(limit);
        Ok(jobs)
    }

    async fn job_metrics(&self, account_id: &str) -> Result<Vec<SeriesKey>, SourceError> {
        fan::tagged(self, |s| {
            or_nothing(s.jobs(), move |j| j.job_metrics(account_id))
        })
        .await
    }
}

#[async_trait]
impl LogsSource for Regions {
    async fn start_query(&self, query: &InsightsQuery) -> Result<String, SourceError> {
        self.logs_in(&query.target.region)?.start_query(query).await
    }

    async fn query_results(
        &self,
        target: &LogTarget,
        query_id: &str,
    ) -> Result<InsightsResults, SourceError> {
        let logs = self.logs_in(&target.region)?;
        logs.query_results(target, query_id).await
    }

    async fn stop_query(&self, target: &LogTarget, query_id: &str) -> Result<(), SourceError> {
        self.logs_in(&target.region)?
            .stop_query(target, query_id)
            .await
    }

    async fn filter_events(
        &self,
        target: &LogTarget,
        pattern: Option<&str>,
        start_ms: i64,
        end_ms: Option<i64>,
        next: Option<&str>,
    ) -> Result<EventsPage, SourceError> {
        let logs = self.logs_in(&target.region)?;
        logs.filter_events(target, pattern, start_ms, end_ms, next)
            .await
    }

    async fn live_tail(
        &self,
        target: &LogTarget,
        pattern: Option<&str>,
    ) -> Result<Box<dyn LiveSession>, LiveError> {
        let r = self.of(&target.region);
        match r.source.logs() {
            Some(logs) => logs.live_tail(target, pattern).await,
            None => Err(LiveError::Failed(missing(&r.region, "StartLiveTail"))),
        }
    }
}

#[async_trait]
impl StudioSource for Regions {
    /// The account's Studio in every region, as one: domains and apps side by side, counts
    /// added, a list failing in any region unknown.
    async fn account_studio(&self, account_id: &str) -> AccountStudio {
        let each = self.regions.iter().filter_map(|r| {
            let studio = r.source.studio()?;
            Some(async move { (&r.region, studio.account_studio(account_id).await) })
        });
        let answers = futures::future::join_all(each).await;
        let mut out: Option<AccountStudio> = None;
        for (region, mut s) in answers {
            s.unreadable = s.unreadable.map(|why| format!("{region}: {why}"));
            s.apps.iter_mut().for_each(|a| a.region = region.clone());
            let Some(all) = &mut out else {
                out = Some(s);
                continue;
            };
            all.domains.extend(s.domains);
            all.user_profiles += s.user_profiles;
            all.spaces += s.spaces;
            all.apps.extend(s.apps);
            all.unreadable = all.unreadable.take().or(s.unreadable);
            for list in s.failed {
                if !all.failed.contains(&list) {
                    all.failed.push(list);
                }
            }
            all.without_credentials |= s.without_credentials;
        }
        out.unwrap_or_else(|| AccountStudio::unreadable(account_id, "no Studio in any region"))
    }
}

#[async_trait]
impl MuteSource for Regions {
    async fn mute_rules(&self) -> Result<Vec<MuteRule>, SourceError> {
        fan::tagged(self, |s| or_nothing(s.mutes(), move |m| m.mute_rules())).await
    }
}
