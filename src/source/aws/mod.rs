//! The live source: the AWS SDK for Rust, in one of two topologies that yield the same domain
//! model, so the UI cannot tell them apart.
//!
//! - **OAM**: the console runs in a CloudWatch monitoring account; linked accounts come from
//!   ListSinks/ListAttachedLinks and every CloudWatch read spans them (`IncludeLinkedAccounts`,
//!   `AccountId`).
//! - **Fan-out**: every account listed in the config is read with its own credentials (a role
//!   assumed through STS by the SDK's own provider, or a profile).
//!
//! Either way, an account with credentials of its own is also read for its alarms and
//! SageMaker status. Failures are per call and account (`Health`): one denied account does
//! not hide the others.

pub mod alarm_write;
pub mod alarms;
pub mod athena;
pub mod connect;
pub mod discovery;
pub mod error;
pub mod jobs;
pub mod logs;
pub mod metric_data;
pub mod monitor;
pub mod monitor_write;
pub mod mutes;
pub mod ranks;
pub mod readonly;
pub mod renew;
pub mod sagemaker;
pub mod scaling;
pub mod studio;
pub mod throttle;

use super::health::Health;
use super::model::*;
use super::{FleetSource, SeriesRequest, SourceError, SourceHealth, SourceKind, partial};
use crate::config::{AccountConfig, QualityMetricsConfig};
use async_trait::async_trait;
use aws_sdk_cloudwatch::types::{AlarmType, DimensionFilter, RecentlyActive, ScanBy};
use discovery::{Discovered, ListedMetric};
use error::classify;
use std::collections::HashMap;
use std::sync::Mutex;

pub use connect::{ConnectError, ConnectOptions, connect};

/// Clients acting in one account.
#[derive(Debug, Clone)]
pub struct AccountClients {
    pub cloudwatch: aws_sdk_cloudwatch::Client,
    pub sagemaker: aws_sdk_sagemaker::Client,
    /// Model Monitor reports (violations, baseline constraints).
    pub s3: aws_sdk_s3::Client,
    /// Endpoint variants' scaling activity (Application Auto Scaling).
    pub scaling: aws_sdk_applicationautoscaling::Client,
}

#[derive(Debug)]
pub enum Topology {
    /// Reads go through the monitoring account's sink; the sink ARN is found on first use.
    Oam {
        oam: aws_sdk_oam::Client,
        sink_arn: Mutex<Option<String>>,
    },
    Fanout,
}

#[derive(Debug)]
pub struct AwsSource {
    identity: Identity,
    topology: Topology,
    /// The account the console's own credentials are in (the monitoring account).
    home: AccountClients,
    /// Accounts with credentials of their own, by id (fan-out: every listed account).
    accounts: HashMap<AccountId, AccountClients>,
    /// The config's `[[accounts]]`: labels, exclusions, the order of fan-out accounts.
    settings: Vec<AccountConfig>,
    health: Health,
    /// What each account last answered, given again while that account's call fails: one
    /// failing account must not make its alarms (and their colours) or its endpoints (and
    /// their series history) vanish. The failing call is on the status bar meanwhile.
    last_known: Mutex<LastKnown>,
    /// Refuse every write (the clients refuse mutating operations too: `readonly`).
    readonly: bool,
    /// Violations counted in a finished run's report, by processing job ARN: a finished
    /// report never changes, so a fleet refresh reads each one once.
    violation_counts: Mutex<HashMap<String, usize>>,
    /// Finished processing jobs' descriptions (a finished job never changes).
    job_descriptions: jobs::DescribedJobs,
    /// The config's `[[quality_metrics]]`: namespaces listed besides SageMaker's, whose
    /// endpoints read their quality series there.
    quality_sources: Vec<CustomQuality>,
    /// CloudTrail search in the monitoring account, when the config has a `[trail]`.
    trail: Option<athena::AthenaTrail>,
    /// Endpoint and monitoring-job logs (CloudWatch Logs), when `connect` built them.
    logs: Option<logs::AwsLogs>,
    /// Studio domains' descriptions, described again only when a domain changes.
    studio_domains: studio::DomainCache,
    /// Failed Studio apps' reasons, each described once.
    studio_apps: studio::FailedApps,
    /// Alarm mute rules described, described again only when a rule changes.
    mute_rules: mutes::DescribedRules,
    /// One of several regions (`source::regions`): when every account fails, the last
    /// answers still stand in (`all_failed`), or the region's endpoints and alarms would
    /// leave the screen while the other regions' answers replace the console's.
    one_of_several: bool,
}

/// The last successful answer of each account's per-account calls.
#[derive(Debug, Default)]
struct LastKnown {
    alarms: HashMap<AccountId, Vec<Alarm>>,
    listed: HashMap<AccountId, Vec<ListedMetric>>,
    statuses: HashMap<AccountId, Vec<(String, EndpointStatus)>>,
    mutes: HashMap<AccountId, Vec<crate::source::mute::MuteRule>>,
}

/// One ListMetrics query of discovery.
#[derive(Debug, Clone, Copy)]
struct Listing<'a> {
    namespace: Option<&'a str>,
    metric: Option<&'a str>,
    /// Dimension names the metrics must have (any value).
    dimension_names: &'a [&'a str],
    /// Only metrics with datapoints in the last 3 hours.
    recent: bool,
    /// Through OAM, only this source account's metrics (`OwningAccount`).
    owner: Option<&'a str>,
}

/// Instance and invocation metrics name every live endpoint and its variants; a metric with
/// datapoints in the last 3 hours is what "live" means. Model Monitor metrics (hourly or
/// daily) are listed over CloudWatch's full two weeks and found by dimension, whatever their
/// namespace is spelled. Custom quality sources (`AwsSource::quality_sources`) are listed
/// the same way, by their namespace and endpoint dimension.
const LISTINGS: [Listing<'static>; 3] = [
    Listing {
        namespace: Some(crate::source::metrics::NS_INSTANCE),
        metric: Some("CPUUtilization"),
        dimension_names: &[],
        recent: true,
        owner: None,
    },
    Listing {
        namespace: Some(crate::source::metrics::NS_INVOCATION),
        metric: Some("Invocations"),
        dimension_names: &[],
        recent: true,
        owner: None,
    },
    Listing {
        namespace: None,
        metric: None,
        dimension_names: &["Endpoint", "MonitoringSchedule"],
        recent: false,
        owner: None,
    },
];

impl Topology {
    /// OAM through this client; the sink is looked up on first use.
    pub fn oam(client: aws_sdk_oam::Client) -> Self {
        Self::Oam {
            oam: client,
            sink_arn: Mutex::new(None),
        }
    }
}

impl AwsSource {
    /// A source on clients built elsewhere (`connect` builds them from the SDK chain; tests
    /// build them on aws-smithy-mocks).
    pub fn from_clients(
        identity: Identity,
        topology: Topology,
        home: AccountClients,
        accounts: HashMap<AccountId, AccountClients>,
        settings: Vec<AccountConfig>,
        health: Health,
    ) -> Self {
        Self {
            identity,
            topology,
            home,
            accounts,
            settings,
            health,
            last_known: Mutex::default(),
            readonly: false,
            violation_counts: Mutex::default(),
            job_descriptions: jobs::DescribedJobs::default(),
            quality_sources: Vec::new(),
            trail: None,
            logs: None,
            studio_domains: studio::DomainCache::default(),
            studio_apps: studio::FailedApps::default(),
            mute_rules: mutes::DescribedRules::default(),
            one_of_several: false,
        }
    }

    /// This region is one of several read together (`connect`, `source::regions`).
    pub fn one_of_several_regions(mut self, several: bool) -> Self {
        self.one_of_several = several;
        self
    }

    /// Also lists these custom quality sources; their endpoints read quality series there.
    pub fn with_quality_sources(mut self, sources: &[QualityMetricsConfig]) -> Self {
        self.quality_sources = sources
            .iter()
            .map(|q| CustomQuality {
                namespace: q.namespace.clone(),
                endpoint_dimension: q.endpoint_dimension.clone(),
                period: q.period,
            })
            .collect();
        self
    }

    /// Searches the trail with this (`None`: no trail view).
    pub fn with_trail(mut self, trail: Option<athena::AthenaTrail>) -> Self {
        self.trail = trail;
        self
    }

    /// Reads logs with this (`None`: no logs view).
    pub fn with_logs(mut self, logs: Option<logs::AwsLogs>) -> Self {
        self.logs = logs;
        self
    }

    /// Refuses every write here as well as in the clients.
    pub fn with_readonly(mut self, readonly: bool) -> Self {
        self.readonly = readonly;
        self
    }

    /// The region this source reads.
    pub fn region(&self) -> &str {
        &self.identity.region
    }

    fn label_of(&self, id: &str) -> Option<&str> {
        self.settings
            .iter()
            .find(|a| a.id == id)
            .and_then(|a| a.label.as_deref())
    }

    fn excluded(&self, id: &str) -> bool {
        self.settings.iter().any(|a| a.id == id && a.exclude)
    }

    fn clients_for(&self, account_id: &str) -> Option<&AccountClients> {
        if account_id == self.identity.account_id {
            Some(&self.home)
        } else {
            self.accounts.get(account_id)
        }
    }

    /// Every account read with its own credentials: home first, then the configured ones.
    fn credentialed(&self) -> Vec<(&str, &AccountClients)> {
        let mut out = vec![(self.identity.account_id.as_str(), &self.home)];
        for a in &self.settings {
            if let Some(c) = self.accounts.get(&a.id) {
                out.push((a.id.as_str(), c));
            }
        }
        out
    }

    fn last_known(&self) -> std::sync::MutexGuard<'_, LastKnown> {
        self.last_known.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// What `read` answers for each of `accounts`, read at once. When every account fails,
    /// that is the answer (`all_failed`: the console keeps what it shows and marks it
    /// stale); otherwise a failing account's last answer stands in for it.
    async fn every_account<'s, T, F, Fut>(
        &'s self,
        accounts: Vec<(&'s str, &'s AccountClients)>,
        read: F,
        slot: impl Fn(&mut LastKnown) -> &mut HashMap<AccountId, Vec<T>> + Copy,
    ) -> Result<Vec<T>, SourceError>
    where
        T: Clone,
        F: Fn(&'s str, &'s AccountClients) -> Fut,
        Fut: std::future::Future<Output = Result<Vec<T>, SourceError>>,
    {
        let answers = futures::future::join_all(accounts.into_iter().map(|(id, c)| {
            let answer = read(id, c);
            async move { (id, answer.await) }
        }))
        .await;
        if let Some(e) = self.all_failed(&answers, slot) {
            return Err(e);
        }
        let results: Vec<_> = answers
            .into_iter()
            .map(|(id, result)| self.or_last_known(id, result, slot))
            .collect();
        partial(results)
    }

    /// The error to answer when every account failed: the console then keeps what it
    /// shows, marked stale. Not when this is one of several regions and some account has a
    /// last answer: the regions' answers are joined, so an error would drop this region's
    /// things from the screen, and its last answers stand in instead (as a failing
    /// account's do within a region; the status bar names the failing calls).
    fn all_failed<T>(
        &self,
        answers: &[(&str, Result<Vec<T>, SourceError>)],
        slot: impl Fn(&mut LastKnown) -> &mut HashMap<AccountId, Vec<T>>,
    ) -> Option<SourceError> {
        if !answers.iter().all(|(_, r)| r.is_err()) {
            return None;
        }
        let held = || {
            let mut last = self.last_known();
            let held = slot(&mut last);
            answers.iter().any(|(id, _)| held.contains_key(*id))
        };
        if self.one_of_several && held() {
            return None;
        }
        answers.first().and_then(|(_, r)| r.as_ref().err().cloned())
    }

    /// An account's answer, remembered when it succeeded and given again when it failed.
    fn or_last_known<T: Clone>(
        &self,
        account_id: &str,
        result: Result<Vec<T>, SourceError>,
        slot: impl Fn(&mut LastKnown) -> &mut HashMap<AccountId, Vec<T>>,
    ) -> Result<Vec<T>, SourceError> {
        let mut last = self.last_known();
        let held = slot(&mut last);
        match result {
            Ok(items) => {
                held.insert(account_id.to_owned(), items.clone());
                Ok(items)
            }
            Err(e) => match held.get(account_id) {
                Some(items) => {
                    tracing::warn!(account_id, error = %e, "kept the last answer of a failing call");
                    Ok(items.clone())
                }
                None => Err(e),
            },
        }
    }

    fn home_account(&self) -> Account {
        Account {
            id: self.identity.account_id.clone(),
            label: self
                .label_of(&self.identity.account_id)
                .unwrap_or("monitoring")
                .to_owned(),
            monitoring: true,
        }
    }

    /// Remembers the outcome of a call for the status bar, then hands it back.
    fn track<T>(&self, call: &str, result: Result<T, SourceError>) -> Result<T, SourceError> {
        self.health.outcome(call, &result);
        result
    }

    async fn sink_arn(
        &self,
        oam: &aws_sdk_oam::Client,
        cached: &Mutex<Option<String>>,
    ) -> Result<String, SourceError> {
        if let Some(arn) = cached.lock().unwrap_or_else(|p| p.into_inner()).clone() {
            return Ok(arn);
        }
        let sinks = oam
            .list_sinks()
            .send()
            .await
            .map_err(|e| classify("ListSinks", "oam:ListSinks", e))?;
        let arn = sinks
            .items()
            .first()
            .and_then(|s| s.arn())
            .map(str::to_owned)
            .ok_or_else(|| SourceError::Other {
                call: "ListSinks".into(),
                detail: format!(
                    "account {} has no OAM sink: it is not a monitoring account (use topology = \"fanout\")",
                    self.identity.account_id
                ),
            })?;
        *cached.lock().unwrap_or_else(|p| p.into_inner()) = Some(arn.clone());
        Ok(arn)
    }

    async fn linked_accounts(
        &self,
        oam: &aws_sdk_oam::Client,
        sink: &Mutex<Option<String>>,
    ) -> Result<Vec<Account>, SourceError> {
        let sink_arn = self.sink_arn(oam, sink).await?;
        let mut pages = oam
            .list_attached_links()
            .sink_identifier(sink_arn)
            .max_results(1000)
            .into_paginator()
            .send();
        let mut out = Vec::new();
        while let Some(page) = pages.next().await {
            let page =
                page.map_err(|e| classify("ListAttachedLinks", "oam:ListAttachedLinks", e))?;
            for link in page.items() {
                let Some(id) = link.link_arn().and_then(account_of_arn) else {
                    continue;
                };
                let label = self.label_of(id).or(link.label()).unwrap_or(id).to_owned();
                out.push(Account {
                    id: id.to_owned(),
                    label,
                    monitoring: false,
                });
            }
        }
        Ok(out)
    }

    /// ListMetrics pages of one listing, in one account (or across linked ones).
    async fn list_metrics(
        &self,
        client: &aws_sdk_cloudwatch::Client,
        account_id: &str,
        listing: Listing<'_>,
        linked: bool,
    ) -> Result<Vec<ListedMetric>, SourceError> {
        let Listing {
            namespace,
            metric,
            dimension_names,
            recent,
            owner,
        } = listing;
        let call = format!("ListMetrics {account_id}");
        let mut pages = client
            .list_metrics()
            .set_namespace(namespace.map(str::to_owned))
            .set_metric_name(metric.map(str::to_owned))
            .set_dimensions(if dimension_names.is_empty() {
                None
            } else {
                Some(
                    dimension_names
                        .iter()
                        .map(|n| DimensionFilter::builder().name(*n).build())
                        .collect(),
                )
            })
            .set_recently_active(recent.then_some(RecentlyActive::Pt3H))
            .set_include_linked_accounts(linked.then_some(true))
            .set_owning_account(owner.filter(|_| linked).map(str::to_owned))
            .into_paginator()
            .send();
        let mut out = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| classify(&call, "cloudwatch:ListMetrics", e))?;
            let owners = page.owning_accounts();
            for (i, m) in page.metrics().iter().enumerate() {
                let owner = owners.get(i).map(String::as_str).unwrap_or(account_id);
                out.push(ListedMetric {
                    account_id: owner.to_owned(),
                    namespace: m.namespace().unwrap_or_default().to_owned(),
                    metric: m.metric_name().unwrap_or_default().to_owned(),
                    dimensions: (alarms::dimensions(m.dimensions()).iter())
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                        .collect(),
                });
            }
        }
        Ok(out)
    }

    /// Everything one account (or, in OAM, the linked fleet) says about its endpoints.
    async fn discover(
        &self,
        account_id: &str,
        clients: &AccountClients,
        linked: bool,
    ) -> Result<Vec<ListedMetric>, SourceError> {
        // Every metric of a custom namespace that has the endpoint dimension, over the full two
        // weeks (quality is published hourly or daily); the catalogue's names are picked out
        // by `Discovered`, since ListMetrics filters by one metric name at most.
        let custom_dimensions: Vec<[&str; 1]> = self
            .quality_sources
            .iter()
            .map(|q| [q.endpoint_dimension.as_str()])
            .collect();
        let custom = self
            .quality_sources
            .iter()
            .zip(&custom_dimensions)
            .map(|(q, dimension)| Listing {
                namespace: Some(&q.namespace),
                metric: None,
                dimension_names: dimension,
                recent: false,
                owner: None,
            });
        let lists = LISTINGS
            .into_iter()
            .chain(custom)
            .map(|l| self.list_metrics(&clients.cloudwatch, account_id, l, linked));
        let listed = futures::future::try_join_all(lists)
            .await
            .map(|pages| pages.into_iter().flatten().collect::<Vec<_>>());
        self.track(&format!("ListMetrics {account_id}"), listed)
    }

    async fn endpoint_status(
        &self,
        account_id: &str,
        clients: &AccountClients,
        into: &Mutex<Discovered>,
    ) {
        let call = format!("ListEndpoints {account_id}");
        let listed = sagemaker::list_endpoints(&clients.sagemaker, &call).await;
        let listed = self.track(&call, listed);
        // SageMaker is extra detail: when it fails, endpoints still show, with the last
        // status known (Unknown when there is none).
        if let Ok(listed) = self.or_last_known(account_id, listed, |l| &mut l.statuses) {
            let mut d = into.lock().unwrap_or_else(|p| p.into_inner());
            for (name, status) in listed {
                d.add_status(account_id, &name, status);
            }
        }
    }

    async fn alarms_of(
        &self,
        account_id: &str,
        clients: &AccountClients,
    ) -> Result<Vec<Alarm>, SourceError> {
        let call = format!("DescribeAlarms {account_id}");
        let mut pages = clients
            .cloudwatch
            .describe_alarms()
            .alarm_types(AlarmType::MetricAlarm)
            .alarm_types(AlarmType::CompositeAlarm)
            .max_records(100)
            .into_paginator()
            .send();
        let owner: AccountId = account_id.to_owned();
        let mut out = Vec::new();
        let result = async {
            while let Some(page) = pages.next().await {
                let page = page.map_err(|e| classify(&call, "cloudwatch:DescribeAlarms", e))?;
                out.extend(
                    page.metric_alarms()
                        .iter()
                        .filter_map(|a| alarms::metric_alarm(&owner, a)),
                );
                out.extend(
                    page.composite_alarms()
                        .iter()
                        .filter_map(|a| alarms::composite_alarm(&owner, a)),
                );
            }
            Ok(())
        }
        .await;
        self.track(&call, result)?;
        Ok(out)
    }

    /// Series of one account through that account's own credentials (fan-out), or across the
    /// fleet through the monitoring account (OAM).
    async fn series_in(
        &self,
        clients: &AccountClients,
        account_id: &str,
        keys: &[SeriesKey],
        request: &SeriesRequest,
        with_account: bool,
    ) -> Result<Vec<SeriesData>, SourceError> {
        let call = format!("GetMetricData {account_id}");
        let fetch = metric_data::Fetch {
            client: &clients.cloudwatch,
            start: request.start,
            end: request.end,
            with_account,
            call: &call,
            health: &self.health,
        };
        let fetched = metric_data::fetch(&fetch, keys).await;
        match fetched.failed {
            // Nothing came back: the request failed (the console keeps its data, marked stale).
            Some(e) if fetched.all_failed => self.track(&call, Err(e)),
            // Some batches failed: their series carry an error status, the rest are news,
            // and the status bar says which call is failing.
            Some(e) => {
                self.health.outcome::<()>(&call, &Err(e));
                Ok(fetched.series)
            }
            None => self.track(&call, Ok(fetched.series)),
        }
    }
}

/// The account id of an ARN (`arn:aws:oam:REGION:ACCOUNT:link/ID`).
pub fn account_of_arn(arn: &str) -> Option<&str> {
    arn.split(':')
        .nth(4)
        .filter(|a| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()))
}

/// Series that could not be read, returned empty with a status that says why.
fn unreadable(keys: Vec<SeriesKey>, err: &SourceError) -> impl Iterator<Item = SeriesData> + '_ {
    let status = match err {
        SourceError::AccessDenied { .. } | SourceError::Credentials { .. } => {
            SeriesStatus::Forbidden
        }
        _ => SeriesStatus::InternalError,
    };
    keys.into_iter().map(move |key| SeriesData {
        key,
        points: Vec::new(),
        status,
    })
}

#[async_trait]
impl FleetSource for AwsSource {
    fn kind(&self) -> SourceKind {
        SourceKind::Aws
    }

    async fn identity(&self) -> Result<Identity, SourceError> {
        Ok(self.identity.clone())
    }

    async fn accounts(&self) -> Result<Vec<Account>, SourceError> {
        let mut accounts = vec![self.home_account()];
        match &self.topology {
            Topology::Oam { oam, sink_arn } => {
                let linked = self.linked_accounts(oam, sink_arn).await;
                accounts.extend(self.track("ListAttachedLinks", linked)?);
            }
            Topology::Fanout => {
                accounts.extend(
                    self.settings
                        .iter()
                        .filter(|a| a.id != self.identity.account_id)
                        .map(|a| Account {
                            id: a.id.clone(),
                            label: a.label.clone().unwrap_or_else(|| a.id.clone()),
                            monitoring: false,
                        }),
                );
            }
        }
        accounts.retain(|a| !self.excluded(&a.id));
        Ok(accounts)
    }

    async fn endpoints(&self) -> Result<Vec<Endpoint>, SourceError> {
        let answers: Vec<(&str, Result<Vec<ListedMetric>, SourceError>)> = match &self.topology {
            Topology::Oam { .. } => {
                let home = self.identity.account_id.as_str();
                vec![(home, self.discover(home, &self.home, true).await)]
            }
            Topology::Fanout => {
                futures::future::join_all(
                    self.credentialed()
                        .into_iter()
                        .map(|(id, c)| async move { (id, self.discover(id, c, false).await) }),
                )
                .await
            }
        };
        // Every account failing is the answer (the console keeps its list, marked stale);
        // otherwise a failing account's last listing stands in for it.
        if let Some(e) = self.all_failed(&answers, |l| &mut l.listed) {
            return Err(e);
        }
        let found = Mutex::new(Discovered::with_quality_sources(
            self.quality_sources.clone(),
        ));
        {
            let mut d = found.lock().unwrap_or_else(|p| p.into_inner());
            for (id, result) in answers {
                if let Ok(listed) = self.or_last_known(id, result, |l| &mut l.listed) {
                    listed.iter().for_each(|m| d.add(m));
                }
            }
        }
        futures::future::join_all(
            self.credentialed()
                .into_iter()
                .map(|(id, c)| self.endpoint_status(id, c, &found)),
        )
        .await;
        let mut endpoints = found
            .into_inner()
            .unwrap_or_else(|p| p.into_inner())
            .into_endpoints();
        endpoints.retain(|e| !self.excluded(&e.account_id));
        Ok(endpoints)
    }

    fn ranks(&self) -> bool {
        true
    }

    async fn rank(
        &self,
        query: &crate::source::ranks::RankQuery,
    ) -> Result<crate::source::ranks::Ranking, SourceError> {
        self.rank_fleet(query).await
    }

    async fn series(&self, request: &SeriesRequest) -> Result<Vec<SeriesData>, SourceError> {
        match &self.topology {
            Topology::Oam { .. } => {
                let id = self.identity.account_id.clone();
                self.series_in(&self.home, &id, &request.keys, request, true)
                    .await
            }
            Topology::Fanout => {
                let groups = metric_data::by_account(&request.keys);
                let calls = groups.into_iter().map(|(account, keys)| async move {
                    let Some(clients) = self.clients_for(account) else {
                        let err = SourceError::Other {
                            call: format!("GetMetricData {account}"),
                            detail: "no credentials configured for this account".into(),
                        };
                        return Ok(unreadable(keys, &err).collect());
                    };
                    match self
                        .series_in(clients, account, &keys, request, false)
                        .await
                    {
                        Ok(data) => Ok(data),
                        // A denied account (or one whose credentials fail) reads as
                        // Forbidden series; the rest stay live.
                        Err(
                            e
                            @ (SourceError::AccessDenied { .. } | SourceError::Credentials { .. }),
                        ) => Ok(unreadable(keys, &e).collect()),
                        Err(e) => Err(e),
                    }
                });
                partial(futures::future::join_all(calls).await)
            }
        }
    }

    async fn alarms(&self) -> Result<Vec<Alarm>, SourceError> {
        let read = |id, c| self.alarms_of(id, c);
        let mut alarms = self
            .every_account(self.credentialed(), read, |l| &mut l.alarms)
            .await?;
        alarms.retain(|a| !self.excluded(&a.account_id));
        Ok(alarms)
    }

    async fn alarms_in(&self, account_id: &str) -> Result<Vec<Alarm>, SourceError> {
        let Some(clients) = self.clients_for(account_id) else {
            return Ok(Vec::new());
        };
        if self.excluded(account_id) {
            return Ok(Vec::new());
        }
        // A failure is returned as it is: the console keeps this account's alarms meanwhile.
        self.alarms_of(account_id, clients).await
    }

    async fn alarm_history(
        &self,
        account_id: &str,
        alarm_name: &str,
    ) -> Result<Vec<AlarmHistoryItem>, SourceError> {
        let call = format!("DescribeAlarmHistory {account_id}");
        let clients = self
            .clients_for(account_id)
            .ok_or_else(|| SourceError::Other {
                call: call.clone(),
                detail: "no credentials configured for this account".into(),
            })?;
        let mut pages = clients
            .cloudwatch
            .describe_alarm_history()
            .alarm_name(alarm_name)
            // Without AlarmTypes only metric alarms have a history; composites come back empty.
            .alarm_types(AlarmType::MetricAlarm)
            .alarm_types(AlarmType::CompositeAlarm)
            .scan_by(ScanBy::TimestampDescending)
            .max_records(100)
            .into_paginator()
            .send();
        let mut out = Vec::new();
        // The first pages hold the newest items; a history pane needs no more than these.
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| classify(&call, "cloudwatch:DescribeAlarmHistory", e))?;
            out.extend(page.alarm_history_items().iter().map(alarms::history_item));
            if out.len() >= 200 {
                break;
            }
        }
        out.sort_by_key(|h| std::cmp::Reverse(h.timestamp));
        Ok(out)
    }

    async fn monitoring_schedules(
        &self,
        endpoint: &EndpointKey,
    ) -> Result<Vec<MonitoringSchedule>, SourceError> {
        let call = format!("ListMonitoringSchedules {}", endpoint.account_id);
        let clients = self
            .clients_for(&endpoint.account_id)
            .ok_or_else(|| SourceError::Other {
                call: call.clone(),
                detail: "OAM does not share SageMaker: add role_arn for this account to the config"
                    .into(),
            })?;
        sagemaker::monitoring_schedules(
            &clients.sagemaker,
            &endpoint.account_id,
            &endpoint.name,
            &call,
        )
        .await
    }

    async fn endpoint_makeup(&self, endpoint: &EndpointKey) -> Result<EndpointMakeup, SourceError> {
        let call = format!("DescribeEndpoint {}", endpoint.account_id);
        let clients = self
            .clients_for(&endpoint.account_id)
            .ok_or_else(|| monitor::no_role(call.clone(), &endpoint.account_id))?;
        // Read on demand for one view: a failure is said there, not on the status bar.
        sagemaker::endpoint_makeup(&clients.sagemaker, &endpoint.name, &call).await
    }

    fn reads_accounts_apart(&self) -> bool {
        matches!(self.topology, Topology::Fanout)
    }

    fn health(&self) -> SourceHealth {
        self.health.snapshot()
    }

    fn writer(&self) -> Option<&dyn crate::source::write::Writer> {
        Some(self)
    }

    fn monitor(&self) -> Option<&dyn crate::source::monitor::MonitorSource> {
        Some(self)
    }

    fn trail(&self) -> Option<&dyn crate::source::trail::TrailSource> {
        self.trail
            .as_ref()
            .map(|t| t as &dyn crate::source::trail::TrailSource)
    }

    fn logs(&self) -> Option<&dyn crate::source::logs::LogsSource> {
        self.logs
            .as_ref()
            .map(|l| l as &dyn crate::source::logs::LogsSource)
    }

    fn studio(&self) -> Option<&dyn crate::source::studio::StudioSource> {
        Some(self)
    }

    fn jobs(&self) -> Option<&dyn crate::source::jobs::JobsSource> {
        Some(self)
    }

    fn mutes(&self) -> Option<&dyn crate::source::mute::MuteSource> {
        Some(self)
    }

    fn placement(&self) -> crate::source::alarm_write::Placement {
        crate::source::alarm_write::Placement {
            monitoring: self.identity.account_id.clone(),
            oam: matches!(self.topology, Topology::Oam { .. }),
            credentialed: self.accounts.keys().cloned().collect(),
            acts_everywhere: false,
        }
    }

    async fn scaling_activities(
        &self,
        endpoint: &EndpointKey,
        from: Epoch,
    ) -> Result<Vec<ScalingActivity>, SourceError> {
        let call = format!("DescribeScalingActivities {}", endpoint.account_id);
        let Some(clients) = self.clients_for(&endpoint.account_id) else {
            return Err(SourceError::Other {
                call,
                detail: "OAM does not share Application Auto Scaling: add role_arn for this \
                         account to the config"
                    .into(),
            });
        };
        let read = scaling::scaling_activities(&clients.scaling, &endpoint.name, from, &call).await;
        self.track(&call, read)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_account_of_a_link_arn_is_its_fifth_field() {
        assert_eq!(
            account_of_arn("arn:aws:oam:eu-west-1:111111111111:link/abc"),
            Some("111111111111")
        );
        assert_eq!(account_of_arn("arn:aws:oam:eu-west-1::link/abc"), None);
        assert_eq!(account_of_arn("garbage"), None);
    }

    #[test]
    fn partial_results_fail_only_when_nothing_succeeded() {
        let denied = SourceError::Throttled { call: "x".into() };
        assert_eq!(partial(vec![Ok(vec![1]), Err(denied.clone())]), Ok(vec![1]));
        assert_eq!(partial::<i32>(vec![Err(denied.clone())]), Err(denied));
        assert_eq!(partial::<i32>(vec![]), Ok(vec![]));
    }
}
