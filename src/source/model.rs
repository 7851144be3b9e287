//! Domain types shared by every source and the UI; independent of any AWS SDK type.

use crate::name::Name;
use serde::Serialize;
use std::fmt;

/// Seconds since the Unix epoch. Every timestamp in the domain uses it.
pub type Epoch = i64;

/// A 12-digit AWS account id.
pub type AccountId = String;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Account {
    pub id: AccountId,
    pub label: String,
    /// The account the console runs in (the OAM sink owner); it is not a source account.
    pub monitoring: bool,
}

/// Who the console is talking as, shown in the header.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Identity {
    pub account_id: AccountId,
    pub arn: String,
    pub region: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum EndpointStatus {
    OutOfService,
    Creating,
    Updating,
    SystemUpdating,
    RollingBack,
    InService,
    Deleting,
    Failed,
    /// Seen only through metrics; SageMaker was not asked (or could not be).
    Unknown,
}

impl EndpointStatus {
    /// SageMaker's own spelling, used in the UI and the JSON snapshot.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OutOfService => "OutOfService",
            Self::Creating => "Creating",
            Self::Updating => "Updating",
            Self::SystemUpdating => "SystemUpdating",
            Self::RollingBack => "RollingBack",
            Self::InService => "InService",
            Self::Deleting => "Deleting",
            Self::Failed => "Failed",
            Self::Unknown => "Unknown",
        }
    }
}

impl fmt::Display for EndpointStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub account_id: AccountId,
    pub name: String,
    pub status: EndpointStatus,
    pub variants: Vec<String>,
    /// Model Monitor schedules attached to the endpoint (names); the model-quality series
    /// carry the first one as their `MonitoringSchedule` dimension.
    pub monitoring_schedules: Vec<String>,
    /// The model-quality namespace as CloudWatch spells it for this endpoint, when discovery
    /// found one; `None` means the catalogue's spelling.
    pub model_quality_namespace: Option<String>,
    /// Where the model-quality series (accuracy, auc, f2, precision, recall) come from.
    /// `None`: Model Monitor's, keyed by the first of `monitoring_schedules`. `Some`: a custom
    /// source from the config's `[[quality_metrics]]`, keyed by the endpoint's name alone,
    /// with or without Model Monitor schedules (its columns, charts and alarms then read the
    /// custom series; a monitor pane has no schedule of its to show or run, and can say
    /// "quality metrics are custom (NAMESPACE)").
    pub quality: Option<CustomQuality>,
    /// The AWS region it runs in (`Region`).
    pub region: Region,
}

/// What an endpoint is made of now (DescribeEndpoint, then DescribeEndpointConfig of each
/// config it names): the names CloudTrail's CreateEndpointConfig and CreateModel events carry,
/// so that "what changed" can match them exactly.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EndpointMakeup {
    /// The config it runs.
    pub config: String,
    /// The config an update in progress is deploying (DescribeEndpoint's
    /// PendingDeploymentSummary), when one is.
    pub pending_config: Option<String>,
    /// The models of those configs' variants (shadow variants included), each once.
    pub models: Vec<String>,
    /// When the endpoint last changed (DescribeEndpoint's LastModifiedTime).
    pub last_modified: Option<Epoch>,
}

impl EndpointMakeup {
    /// Its configs and models by name: the running config first.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.config.as_str())
            .chain(self.pending_config.as_deref())
            .chain(self.models.iter().map(String::as_str))
            .filter(|n| !n.is_empty())
    }
}

/// A custom source of model-quality metrics: a team's own job publishes the catalogue's
/// quality metric names to CloudWatch, one series per endpoint (Model Monitor is closed to
/// new customers).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CustomQuality {
    /// Exactly as configured (CloudWatch namespaces are case-sensitive). The config refuses
    /// control characters in it, so it is safe to draw as it is; it is not sanitised, since
    /// every request for the series must name it exactly.
    pub namespace: String,
    /// The dimension whose value is the endpoint's name (the series' only dimension).
    pub endpoint_dimension: String,
    /// Seconds; the period the job publishes at and the console asks for.
    pub period: u32,
}

impl Endpoint {
    pub fn key(&self) -> EndpointKey {
        EndpointKey {
            account_id: self.account_id.clone(),
            name: self.name.clone(),
            region: self.region.clone(),
        }
    }
}

/// Endpoint names are unique per account and region, not across them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EndpointKey {
    pub account_id: AccountId,
    pub name: String,
    pub region: Region,
}

/// An AWS region (`eu-west-1`), interned: every endpoint, alarm and series carries one.
/// Empty only where a source reads a single region and nobody has said which (a test's
/// source on mocked clients); the sources the console runs on always name it.
pub type Region = Name;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Stat {
    Average,
    Sum,
    Maximum,
    Minimum,
    SampleCount,
}

impl Stat {
    pub const ALL: [Stat; 5] = [
        Self::Average,
        Self::Sum,
        Self::Maximum,
        Self::Minimum,
        Self::SampleCount,
    ];

    /// CloudWatch's spelling back to a `Stat`; `None` for anything else (`p99`).
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Average => "Average",
            Self::Sum => "Sum",
            Self::Maximum => "Maximum",
            Self::Minimum => "Minimum",
            Self::SampleCount => "SampleCount",
        }
    }
}

/// Identifies one CloudWatch series exactly as GetMetricData would ask for it. Its text is
/// interned (`Name`): a fleet holds tens of thousands of keys (the store, requests, answers,
/// alarm indexes) made of a few strings per endpoint, and a clone allocates nothing.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SeriesKey {
    pub account_id: Name,
    pub namespace: Name,
    pub metric: Name,
    /// Sorted by name so that equal dimension sets compare equal.
    pub dimensions: Dimensions,
    pub stat: Stat,
    pub period: u32,
    /// CloudWatch is regional: the same metric in two regions is two series.
    pub region: Region,
}

pub use crate::name::Dimensions;

impl SeriesKey {
    pub fn new(
        account_id: &str,
        namespace: &str,
        metric: &str,
        dimensions: &[(&str, &str)],
        stat: Stat,
        period: u32,
    ) -> Self {
        let dimensions: Vec<(Name, Name)> = dimensions
            .iter()
            .map(|(k, v)| (Name::new(k), Name::new(v)))
            .collect();
        Self {
            account_id: Name::new(account_id),
            namespace: Name::new(namespace),
            metric: Name::new(metric),
            dimensions: crate::name::dimensions(dimensions),
            stat,
            period,
            region: Region::default(),
        }
    }

    /// The same series, in `region`.
    pub fn in_region(mut self, region: &Region) -> Self {
        self.region = region.clone();
        self
    }

    pub fn dimension(&self, name: &str) -> Option<&str> {
        self.dimensions
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Points returned by a source for one series: `(timestamp, value)` in ascending time.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesData {
    pub key: SeriesKey,
    pub points: Vec<(Epoch, f64)>,
    pub status: SeriesStatus,
}

/// GetMetricData's per-query status code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SeriesStatus {
    #[default]
    Complete,
    PartialData,
    Forbidden,
    InternalError,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum AlarmState {
    /// Ordered first so that sorting by state puts ALARM on top.
    #[serde(rename = "ALARM")]
    Alarm,
    #[serde(rename = "INSUFFICIENT_DATA")]
    InsufficientData,
    #[serde(rename = "OK")]
    Ok,
}

impl AlarmState {
    /// CloudWatch's own spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Alarm => "ALARM",
            Self::InsufficientData => "INSUFFICIENT_DATA",
            Self::Ok => "OK",
        }
    }
}

impl fmt::Display for AlarmState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Comparison {
    GreaterThanOrEqualToThreshold,
    GreaterThanThreshold,
    LessThanThreshold,
    LessThanOrEqualToThreshold,
}

impl Comparison {
    pub fn breaches(self, value: f64, threshold: f64) -> bool {
        match self {
            Self::GreaterThanOrEqualToThreshold => value >= threshold,
            Self::GreaterThanThreshold => value > threshold,
            Self::LessThanThreshold => value < threshold,
            Self::LessThanOrEqualToThreshold => value <= threshold,
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            Self::GreaterThanOrEqualToThreshold => ">=",
            Self::GreaterThanThreshold => ">",
            Self::LessThanThreshold => "<",
            Self::LessThanOrEqualToThreshold => "<=",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum AlarmKind {
    Metric {
        series: SeriesKey,
        comparison: Comparison,
        threshold: f64,
        evaluation_periods: u32,
        datapoints_to_alarm: u32,
    },
    Composite {
        rule: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Alarm {
    /// The account the alarm lives in (monitoring account for cross-account alarms).
    pub account_id: AccountId,
    /// The name exactly as AWS returned it: every request about the alarm uses this one.
    /// Never drawn or printed (names may legally hold characters the sanitiser replaces,
    /// and two names may clean to the same text).
    pub id: String,
    /// The name as drawn: `id`, sanitised.
    pub name: String,
    pub kind: AlarmKind,
    pub state: AlarmState,
    pub reason: String,
    pub state_since: Epoch,
    /// The endpoint whose metric the alarm watches, when its dimensions name one.
    pub endpoint: Option<EndpointKey>,
    pub actions_enabled: bool,
    /// What an edit starts from: the parts of DescribeAlarms the table does not show.
    pub settings: AlarmSettings,
    /// The region it lives in: its history, edits and deletes go there.
    pub region: Region,
}

/// An alarm's configuration beyond what the table shows, so that an edit starts from what
/// AWS holds.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AlarmSettings {
    /// CloudWatch's spelling, anomaly-band operators included.
    pub operator: String,
    /// `TreatMissingData`; empty when AWS did not say (it then means `missing`).
    pub treat_missing: String,
    pub alarm_actions: Vec<String>,
    pub ok_actions: Vec<String>,
    pub description: String,
    /// The band width of an anomaly-band alarm, in standard deviations.
    pub band_width: Option<f64>,
    /// The watched series exactly as AWS returned it (the drawn one is cleaned): an edit
    /// must not rewrite a dimension value the sanitiser changed.
    pub raw_series: Option<SeriesKey>,
    /// The description exactly as AWS returned it (the drawn one is cleaned).
    pub raw_description: String,
    /// Sent back unchanged by an edit (the form does not show them).
    pub insufficient_data_actions: Vec<String>,
    pub unit: Option<String>,
    /// Why the form cannot edit this alarm without changing what it does (a percentile
    /// statistic, metric math): an edit is refused with this reason.
    pub not_editable: Option<String>,
}

impl Alarm {
    pub fn series(&self) -> Option<&SeriesKey> {
        match &self.kind {
            AlarmKind::Metric { series, .. } => Some(series),
            AlarmKind::Composite { .. } => None,
        }
    }

    /// The metric name for display; composite alarms have none.
    pub fn metric_name(&self) -> Option<&str> {
        self.series().map(|s| s.metric.as_str())
    }

    pub fn threshold(&self) -> Option<(Comparison, f64)> {
        match &self.kind {
            AlarmKind::Metric {
                comparison,
                threshold,
                ..
            } if threshold.is_finite() => Some((*comparison, *threshold)),
            // Anomaly-band alarms and composites have no threshold line.
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryItemType {
    StateUpdate,
    ConfigurationUpdate,
    Action,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AlarmHistoryItem {
    pub timestamp: Epoch,
    pub item_type: HistoryItemType,
    pub summary: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScheduleStatus {
    Pending,
    Failed,
    Scheduled,
    Stopped,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExecutionStatus {
    Pending,
    Completed,
    CompletedWithViolations,
    InProgress,
    Failed,
    Stopping,
    Stopped,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MonitoringExecution {
    pub scheduled_time: Epoch,
    pub status: ExecutionStatus,
    pub failure_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MonitoringSchedule {
    pub account_id: AccountId,
    pub name: String,
    pub endpoint: String,
    /// `ModelQuality`, `DataQuality`, `ModelBias`, `ModelExplainability`.
    pub monitoring_type: String,
    pub status: ScheduleStatus,
    pub last_execution: Option<MonitoringExecution>,
    /// `cron(0 * ? * * *)`, or `NOW` for a one-time run.
    pub schedule_expression: Option<String>,
    /// `MonitoringJobDefinitionName`: what a run now copies. `None` for the older inline
    /// form (`MonitoringJobDefinition`), which cannot be run now.
    pub job_definition: Option<String>,
    /// Why the schedule itself failed (not one of its runs).
    pub failure_reason: Option<String>,
    /// Its region (the endpoint's).
    pub region: crate::source::model::Region,
}

impl ScheduleStatus {
    /// SageMaker's own spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "Pending",
            Self::Failed => "Failed",
            Self::Scheduled => "Scheduled",
            Self::Stopped => "Stopped",
        }
    }
}

/// What became of one scaling activity (Application Auto Scaling's `StatusCode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum ScalingStatus {
    Pending,
    InProgress,
    Successful,
    /// Replaced by a newer activity before it finished.
    Overridden,
    /// Asked for, but the capacity could not be had (an instance limit, say).
    Unfulfilled,
    Failed,
}

impl ScalingStatus {
    /// Application Auto Scaling's own spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "Pending",
            Self::InProgress => "InProgress",
            Self::Successful => "Successful",
            Self::Overridden => "Overridden",
            Self::Unfulfilled => "Unfulfilled",
            Self::Failed => "Failed",
        }
    }
}

impl fmt::Display for ScalingStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One scaling activity of an endpoint variant: its instance count changed, or was asked to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScalingActivity {
    /// When it started.
    pub at: Epoch,
    /// When it ended; `None` while it is pending or in progress.
    pub ended: Option<Epoch>,
    pub status: ScalingStatus,
    /// What was done ("Setting desired instance count to 4.").
    pub description: String,
    /// Why: the alarm or schedule that asked, or the person who changed the capacity.
    pub cause: String,
    /// Why it failed or was not fulfilled, when AWS says.
    pub status_message: Option<String>,
    /// The production variant it scaled.
    pub variant: String,
}

/// What a single-region source says of everything it answers: the region it was read in.
/// The AWS source reads one region and names it on every endpoint, alarm, schedule, run and
/// job it returns, and on the series keys inside them; `source::regions` joins several.
pub trait InRegion {
    fn set_region(&mut self, region: &Region);
}

impl<T: InRegion> InRegion for Vec<T> {
    fn set_region(&mut self, region: &Region) {
        self.iter_mut().for_each(|t| t.set_region(region));
    }
}

impl<T: InRegion> InRegion for Option<T> {
    fn set_region(&mut self, region: &Region) {
        if let Some(t) = self {
            t.set_region(region);
        }
    }
}

macro_rules! in_region {
    ($($t:ty),*) => {$(
        impl InRegion for $t {
            fn set_region(&mut self, region: &Region) {
                self.region = region.clone();
            }
        }
    )*};
}
in_region!(
    Endpoint,
    EndpointKey,
    SeriesKey,
    MonitoringSchedule,
    crate::source::monitor::Execution,
    crate::source::monitor::ScheduleRun,
    crate::source::monitor::Leftover,
    crate::source::jobs::ProcessingJob
);

impl InRegion for Alarm {
    fn set_region(&mut self, region: &Region) {
        self.region = region.clone();
        self.endpoint.set_region(region);
        self.settings.raw_series.set_region(region);
        if let AlarmKind::Metric { series, .. } = &mut self.kind {
            series.set_region(region);
        }
    }
}

in_region!(
    crate::source::mute::MuteRule,
    crate::source::mute::PutMuteRule
);

/// A write goes to its subject's region.
impl InRegion for crate::source::alarm_write::AlarmWrite {
    fn set_region(&mut self, to: &Region) {
        use crate::source::alarm_write::AlarmWrite as W;
        match self {
            W::Put(p) => p.series.set_region(to),
            W::PutMuteRule(p) => p.set_region(to),
            W::SetActions { region, .. }
            | W::DeleteAlarms { region, .. }
            | W::DeleteMuteRule { region, .. } => *region = to.clone(),
        }
    }
}

impl InRegion for crate::source::monitor::MonitorWrite {
    fn set_region(&mut self, to: &Region) {
        use crate::source::monitor::MonitorWrite as W;
        match self {
            W::RunNow(r) => r.region = to.clone(),
            W::Pause { region, .. } | W::Resume { region, .. } | W::Delete { region, .. } => {
                *region = to.clone()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 60,000 keys sit in the series store at 10,000 endpoints, more in requests and alarm
    /// indexes: the region (issue 26) came in without making a key any bigger than it was.
    #[test]
    fn a_series_key_is_48_bytes() {
        assert_eq!(std::mem::size_of::<SeriesKey>(), 48);
    }
}
