//! Several regions as one source. CloudWatch, SageMaker, OAM and CloudWatch Logs are
//! regional: each region is read by a source of its own (its own clients, sink, rate
//! limiters, last-known answers and failure state), every answer is tagged with the region
//! it came from, and a request about one thing (a series, an endpoint, an alarm's write)
//! goes to that thing's region. A region that fails is said on the status bar; the others
//! go on, and its last endpoints and alarms stand in for it (each region's source keeps
//! them per account, `AwsSource::one_of_several_regions`: no second copy here).
//!
//! The first region is the home region: the trail (Athena in the monitoring account) is
//! read there, and a request that names no region (the shell's `--region`-less log group)
//! goes there.

mod fan;
mod parts;
#[cfg(test)]
mod tests;

use super::model::*;
use super::{FleetSource, SeriesRequest, SourceError, SourceHealth, SourceKind};
use async_trait::async_trait;

/// One region's source.
pub struct RegionSource {
    pub region: Region,
    pub source: Box<dyn FleetSource>,
}

pub struct Regions {
    /// The home region first.
    regions: Vec<RegionSource>,
}

impl Regions {
    /// `regions` must not be empty; the first is home.
    pub fn new(regions: Vec<RegionSource>) -> Self {
        assert!(!regions.is_empty(), "a source needs a region");
        Self { regions }
    }

    fn home(&self) -> &RegionSource {
        &self.regions[0]
    }

    /// The source of `region`; the home region's for a request that names none (or one
    /// that is not watched, which `connect` does not make).
    fn of(&self, region: &Region) -> &RegionSource {
        (self.regions.iter())
            .find(|r| &r.region == region)
            .unwrap_or(self.home())
    }

    pub fn names(&self) -> impl Iterator<Item = &Region> {
        self.regions.iter().map(|r| &r.region)
    }
}

#[async_trait]
impl FleetSource for Regions {
    fn kind(&self) -> SourceKind {
        self.home().source.kind()
    }

    /// The home region's: the header names it, and the shell builds ARNs in it.
    async fn identity(&self) -> Result<Identity, SourceError> {
        self.home().source.identity().await
    }

    /// Every region's accounts, each once, home's order first: an account linked in one
    /// region only is still an account.
    async fn accounts(&self) -> Result<Vec<Account>, SourceError> {
        let all = fan::every_region(self, |s| s.accounts()).await?;
        let mut out: Vec<Account> = Vec::new();
        for a in all.into_iter().flat_map(|(_, accounts)| accounts) {
            if !out.iter().any(|o| o.id == a.id) {
                out.push(a);
            }
        }
        Ok(out)
    }

    async fn endpoints(&self) -> Result<Vec<Endpoint>, SourceError> {
        fan::tagged(self, |s| s.endpoints()).await
    }

    async fn series(&self, request: &SeriesRequest) -> Result<Vec<SeriesData>, SourceError> {
        fan::series(self, request).await
    }

    async fn alarms(&self) -> Result<Vec<Alarm>, SourceError> {
        fan::tagged(self, |s| s.alarms()).await
    }

    async fn alarms_in(&self, account_id: &str) -> Result<Vec<Alarm>, SourceError> {
        fan::tagged(self, |s| s.alarms_in(account_id)).await
    }

    /// Asked of every region: an alarm's name is unique in its account and region, and the
    /// console asks by account and name. The regions it is not in answer nothing.
    async fn alarm_history(
        &self,
        account_id: &str,
        alarm_name: &str,
    ) -> Result<Vec<AlarmHistoryItem>, SourceError> {
        let all = fan::every_region(self, |s| s.alarm_history(account_id, alarm_name)).await?;
        let mut out: Vec<_> = all.into_iter().flat_map(|(_, items)| items).collect();
        out.sort_by_key(|h| std::cmp::Reverse(h.timestamp));
        Ok(out)
    }

    async fn monitoring_schedules(
        &self,
        endpoint: &EndpointKey,
    ) -> Result<Vec<MonitoringSchedule>, SourceError> {
        let r = self.of(&endpoint.region);
        let mut schedules = r.source.monitoring_schedules(endpoint).await?;
        schedules.set_region(&r.region);
        Ok(schedules)
    }

    async fn endpoint_makeup(&self, endpoint: &EndpointKey) -> Result<EndpointMakeup, SourceError> {
        self.of(&endpoint.region)
            .source
            .endpoint_makeup(endpoint)
            .await
    }

    async fn scaling_activities(
        &self,
        endpoint: &EndpointKey,
        from: Epoch,
    ) -> Result<Vec<ScalingActivity>, SourceError> {
        let r = self.of(&endpoint.region).source.as_ref();
        r.scaling_activities(endpoint, from).await
    }

    fn ranks(&self) -> bool {
        self.regions.iter().all(|r| r.source.ranks())
    }

    /// The ranking's own region ranks it: Metrics Insights reads one region.
    async fn rank(
        &self,
        query: &super::ranks::RankQuery,
    ) -> Result<super::ranks::Ranking, SourceError> {
        self.of(&query.region).source.rank(query).await
    }

    fn reads_accounts_apart(&self) -> bool {
        self.home().source.reads_accounts_apart()
    }

    fn health(&self) -> SourceHealth {
        parts::health(self)
    }

    fn writer(&self) -> Option<&dyn super::write::Writer> {
        self.home().source.writer().map(|_| self as _)
    }

    fn mutes(&self) -> Option<&dyn super::mute::MuteSource> {
        self.home().source.mutes().map(|_| self as _)
    }

    fn monitor(&self) -> Option<&dyn super::monitor::MonitorSource> {
        self.home().source.monitor().map(|_| self as _)
    }

    /// Athena, in the monitoring account's home region: the trail bucket holds every
    /// region's events.
    fn trail(&self) -> Option<&dyn super::trail::TrailSource> {
        self.home().source.trail()
    }

    fn logs(&self) -> Option<&dyn super::logs::LogsSource> {
        self.home().source.logs().map(|_| self as _)
    }

    fn studio(&self) -> Option<&dyn super::studio::StudioSource> {
        self.home().source.studio().map(|_| self as _)
    }

    fn jobs(&self) -> Option<&dyn super::jobs::JobsSource> {
        self.home().source.jobs().map(|_| self as _)
    }

    /// Where alarms can be made does not depend on the region: every region's source is
    /// built on the same accounts and credentials.
    fn placement(&self) -> super::alarm_write::Placement {
        self.home().source.placement()
    }
}
