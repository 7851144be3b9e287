//! Where the console's data comes from: domain-level traits, implemented by the embedded demo
//! organisation (`demo`) and by the AWS SDK clients (`aws`). The UI never knows which.

pub mod alarm_write;
pub mod aws;
pub mod demo;
pub mod health;
pub mod jobs;
pub mod logs;
pub mod metrics;
pub mod model;
pub mod monitor;
pub mod mute;
pub mod ranks;
pub mod regions;
pub mod studio;
pub mod trail;
#[cfg(any(test, feature = "test-fixtures"))]
pub mod unruly;
pub mod write;

use crate::sanitize::Sanitize;
use async_trait::async_trait;
use model::*;

pub use health::SourceHealth;

/// Which kind of source the console talks to, shown in the status bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    Demo,
    Aws,
}

impl SourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Demo => "demo",
            Self::Aws => "aws",
        }
    }
}

/// A failed source call, with enough context for the status bar to say what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SourceError {
    #[error("{call}: access denied (needs {action})")]
    AccessDenied { call: String, action: String },
    #[error("{call}: throttled by AWS")]
    Throttled { call: String },
    #[error("{call}: network: {detail}")]
    Network { call: String, detail: String },
    /// The credentials themselves failed: expired, invalid, or a role that cannot be assumed.
    /// Retrying does not help; `fix` says what does.
    #[error("{call}: credentials: {detail}: {fix}")]
    Credentials {
        call: String,
        detail: String,
        fix: String,
    },
    #[error("{call}: {detail}")]
    Other { call: String, detail: String },
}

/// A GetMetricData-shaped request: many series over one time window. The keys are shared:
/// a fleet's request holds tens of thousands, and the worker keeps the command it runs (to
/// tell a duplicate, to report a panic) beside the copy the task runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeriesRequest {
    pub keys: std::sync::Arc<[SeriesKey]>,
    pub start: Epoch,
    pub end: Epoch,
}

/// Read access to the fleet: accounts, endpoints, series, alarms, Model Monitor.
#[async_trait]
pub trait FleetSource: Send + Sync {
    fn kind(&self) -> SourceKind;

    /// Who the console is (GetCallerIdentity) and in which region.
    async fn identity(&self) -> Result<Identity, SourceError>;

    /// The monitoring account first, then every linked source account.
    async fn accounts(&self) -> Result<Vec<Account>, SourceError>;

    async fn endpoints(&self) -> Result<Vec<Endpoint>, SourceError>;

    /// Points of each requested series within `[start, end]`; series with no data come back
    /// with no points rather than missing.
    async fn series(&self, request: &SeriesRequest) -> Result<Vec<SeriesData>, SourceError>;

    /// Metric and composite alarms of every account the console can read.
    async fn alarms(&self) -> Result<Vec<Alarm>, SourceError>;

    /// The alarms that live in one account (`reads_accounts_apart` sources ask this way).
    async fn alarms_in(&self, account_id: &str) -> Result<Vec<Alarm>, SourceError> {
        let all = self.alarms().await?;
        Ok(all
            .into_iter()
            .filter(|a| a.account_id == account_id)
            .collect())
    }

    /// Newest first.
    async fn alarm_history(
        &self,
        account_id: &str,
        alarm_name: &str,
    ) -> Result<Vec<AlarmHistoryItem>, SourceError>;

    async fn monitoring_schedules(
        &self,
        endpoint: &EndpointKey,
    ) -> Result<Vec<MonitoringSchedule>, SourceError>;

    /// The endpoint's config and models (DescribeEndpoint, DescribeEndpointConfig): read on
    /// demand, for "what changed".
    async fn endpoint_makeup(&self, endpoint: &EndpointKey) -> Result<EndpointMakeup, SourceError> {
        Err(SourceError::Other {
            call: format!("DescribeEndpoint {}", endpoint.name),
            detail: "this source does not read endpoint configs".into(),
        })
    }

    /// Whether each account is read with its own calls (fan-out): then the console asks for
    /// each account's series apart, so that a slow or hung account delays only itself.
    fn reads_accounts_apart(&self) -> bool {
        false
    }

    /// Failing calls, throttling and GetMetricData usage, read after every command.
    fn health(&self) -> SourceHealth {
        SourceHealth::default()
    }

    /// The write side, when the source can change alarms and Model Monitor schedules.
    fn writer(&self) -> Option<&dyn write::Writer> {
        None
    }

    /// Alarm mute rules, when the source can read them.
    fn mutes(&self) -> Option<&dyn mute::MuteSource> {
        None
    }

    /// Model Monitor beyond the schedules: executions, reports, alerts, the fleet's runs.
    fn monitor(&self) -> Option<&dyn monitor::MonitorSource> {
        None
    }

    /// CloudTrail search: `None` when the source has none (no `[trail]` in the config).
    fn trail(&self) -> Option<&dyn trail::TrailSource> {
        None
    }

    /// Endpoint and monitoring-job logs: Insights, FilterLogEvents, live tail.
    fn logs(&self) -> Option<&dyn logs::LogsSource> {
        None
    }

    /// SageMaker Studio (domains, user profiles, spaces, apps), one account at a time.
    fn studio(&self) -> Option<&dyn studio::StudioSource> {
        None
    }

    /// Processing jobs and their metrics' series.
    fn jobs(&self) -> Option<&dyn jobs::JobsSource> {
        None
    }

    /// Whether `rank` works: a large fleet then sorts its off-screen rows by Metrics
    /// Insights rankings instead of fetching their series (`metrics_insights_above`).
    fn ranks(&self) -> bool {
        false
    }

    /// The endpoints of one region with the highest (or lowest) value of one metric, by
    /// one Metrics Insights query.
    async fn rank(&self, query: &ranks::RankQuery) -> Result<ranks::Ranking, SourceError> {
        Err(SourceError::Other {
            call: format!("GetMetricData (Metrics Insights) {}", query.region),
            detail: "this source cannot rank the fleet".into(),
        })
    }

    /// Which accounts an alarm can be made in.
    fn placement(&self) -> alarm_write::Placement {
        alarm_write::Placement::default()
    }

    /// The scaling activities of every variant of `endpoint` (Application Auto Scaling) that
    /// started at or after `from`, newest first. Paged, and bounded in pages: a busy account's
    /// oldest activities of the window may be missing.
    async fn scaling_activities(
        &self,
        endpoint: &EndpointKey,
        _from: Epoch,
    ) -> Result<Vec<ScalingActivity>, SourceError> {
        Err(SourceError::Other {
            call: format!("DescribeScalingActivities {}", endpoint.account_id),
            detail: "this source cannot read scaling activity".into(),
        })
    }
}

/// Keeps what succeeded; fails only when nothing did (then the console marks data stale).
/// Accounts within a region (`aws`), and regions (`regions`), are joined by this rule.
pub(crate) fn partial<T>(results: Vec<Result<Vec<T>, SourceError>>) -> Result<Vec<T>, SourceError> {
    let mut out = Vec::new();
    let mut first_error = None;
    let mut any_ok = results.is_empty();
    for r in results {
        match r {
            Ok(items) => {
                any_ok = true;
                out.extend(items);
            }
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    match (any_ok, first_error) {
        (false, Some(e)) => Err(e),
        _ => Ok(out),
    }
}

impl Sanitize for SourceError {
    fn sanitize(&mut self) {
        match self {
            Self::AccessDenied { call, action } => {
                call.sanitize();
                action.sanitize();
            }
            Self::Throttled { call } => call.sanitize(),
            Self::Network { call, detail } | Self::Other { call, detail } => {
                call.sanitize();
                detail.sanitize();
            }
            Self::Credentials { call, detail, fix } => {
                call.sanitize();
                detail.sanitize();
                fix.sanitize();
            }
        }
    }
}

impl Sanitize for SourceHealth {
    fn sanitize(&mut self) {
        self.problems.sanitize();
        self.notices.sanitize();
    }
}

impl Sanitize for Account {
    fn sanitize(&mut self) {
        self.id.sanitize();
        self.label.sanitize();
    }
}

impl Sanitize for Identity {
    fn sanitize(&mut self) {
        self.account_id.sanitize();
        self.arn.sanitize();
        self.region.sanitize();
    }
}

impl Sanitize for EndpointKey {
    fn sanitize(&mut self) {
        self.account_id.sanitize();
        self.name.sanitize();
    }
}

impl Sanitize for Endpoint {
    fn sanitize(&mut self) {
        self.account_id.sanitize();
        self.name.sanitize();
        self.variants.sanitize();
        self.monitoring_schedules.sanitize();
    }
}

impl Sanitize for SeriesKey {
    fn sanitize(&mut self) {
        self.account_id.sanitize();
        self.namespace.sanitize();
        self.metric.sanitize();
        let clean = |(k, v): &(crate::name::Name, crate::name::Name)| {
            let kept = |s: &str| matches!(crate::sanitize::clean(s), std::borrow::Cow::Borrowed(_));
            kept(k) && kept(v)
        };
        // Dimensions are shared: copied only when one of them needs cleaning.
        if !self.dimensions.iter().all(clean) {
            let mut dims = self.dimensions.to_vec();
            dims.sanitize();
            self.dimensions = crate::name::dimensions(dims);
        }
    }
}

impl Sanitize for Alarm {
    fn sanitize(&mut self) {
        self.account_id.sanitize();
        self.name.sanitize();
        self.reason.sanitize();
        self.endpoint.sanitize();
        match &mut self.kind {
            AlarmKind::Metric { series, .. } => series.sanitize(),
            AlarmKind::Composite { rule } => rule.sanitize(),
        }
        // Drawn in the edit form; `raw_series` is never drawn and stays exact.
        self.settings.operator.sanitize();
        self.settings.treat_missing.sanitize();
        self.settings.alarm_actions.sanitize();
        self.settings.ok_actions.sanitize();
        self.settings.description.sanitize();
        self.settings.not_editable.sanitize();
    }
}

impl Sanitize for AlarmHistoryItem {
    fn sanitize(&mut self) {
        self.summary.sanitize();
    }
}

impl Sanitize for EndpointMakeup {
    fn sanitize(&mut self) {
        self.config.sanitize();
        self.pending_config.sanitize();
        self.models.sanitize();
    }
}

impl Sanitize for MonitoringSchedule {
    fn sanitize(&mut self) {
        self.account_id.sanitize();
        self.name.sanitize();
        self.endpoint.sanitize();
        self.monitoring_type.sanitize();
        if let Some(e) = &mut self.last_execution {
            e.failure_reason.sanitize();
        }
        self.schedule_expression.sanitize();
        self.job_definition.sanitize();
        self.failure_reason.sanitize();
    }
}

impl Sanitize for ScalingActivity {
    fn sanitize(&mut self) {
        self.description.sanitize();
        self.cause.sanitize();
        self.status_message.sanitize();
        self.variant.sanitize();
    }
}
