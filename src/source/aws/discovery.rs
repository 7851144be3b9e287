//! Endpoints discovered from the metrics CloudWatch lists: instance and invocation metrics name
//! endpoints and variants, Model Monitor metrics name monitoring schedules. Namespaces are
//! recognised by shape, not spelling, because the docs disagree on it (`data-metrics`,
//! `Data-Metrics`, ...): the spelling found is the one used in later GetMetricData calls.
//! Custom quality sources (config `[[quality_metrics]]`) are matched by their exact namespace
//! and dimension: an endpoint publishing a catalogue quality metric there takes its quality
//! series from that source.

use crate::source::metrics::{self, NS_INSTANCE, NS_INVOCATION};
use crate::source::model::{AccountId, CustomQuality, Endpoint, EndpointStatus, Region};
use std::collections::BTreeMap;

/// One entry of a ListMetrics page, with the account that owns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedMetric {
    pub account_id: AccountId,
    pub namespace: String,
    pub metric: String,
    pub dimensions: Vec<(String, String)>,
}

impl ListedMetric {
    fn dimension(&self, name: &str) -> Option<&str> {
        self.dimensions
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What a SageMaker namespace holds, recognised case-insensitively.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum NamespaceKind {
    Instance,
    Invocation,
    ModelQuality,
    DataQuality,
    Bias,
    Explainability,
}

pub fn namespace_kind(namespace: &str) -> Option<NamespaceKind> {
    let ns = namespace.to_ascii_lowercase();
    if ns == NS_INSTANCE.to_ascii_lowercase() {
        return Some(NamespaceKind::Instance);
    }
    if ns == NS_INVOCATION.to_ascii_lowercase() {
        return Some(NamespaceKind::Invocation);
    }
    if !ns.contains("sagemaker") {
        return None;
    }
    [
        ("model-metrics", NamespaceKind::ModelQuality),
        ("data-metrics", NamespaceKind::DataQuality),
        ("bias-metrics", NamespaceKind::Bias),
        ("explainability-metrics", NamespaceKind::Explainability),
    ]
    .into_iter()
    .find(|(suffix, _)| ns.ends_with(suffix))
    .map(|(_, kind)| kind)
}

#[derive(Debug, Default)]
struct Building {
    variants: Vec<String>,
    /// (kind, schedule): model-quality schedules sort first, since the model-quality series
    /// are keyed by an endpoint's first schedule.
    schedules: Vec<(NamespaceKind, String)>,
    /// Spelling of the model-quality namespace as listed for this endpoint.
    model_quality_namespace: Option<String>,
    /// The custom quality source (index into `Discovered::sources`) this endpoint publishes
    /// to; the first configured wins when it publishes to several.
    quality: Option<usize>,
}

/// Endpoints grouped by owning account and name, in a stable order.
#[derive(Debug, Default)]
pub struct Discovered {
    endpoints: BTreeMap<(AccountId, String), Building>,
    status: BTreeMap<(AccountId, String), EndpointStatus>,
    /// The configured custom quality sources, in config order.
    sources: Vec<CustomQuality>,
}

impl Discovered {
    /// Discovery that also recognises these custom quality sources.
    pub fn with_quality_sources(sources: Vec<CustomQuality>) -> Self {
        Self {
            sources,
            ..Self::default()
        }
    }

    pub fn add(&mut self, metric: &ListedMetric) {
        if self.add_custom(metric) {
            return;
        }
        let Some(kind) = namespace_kind(&metric.namespace) else {
            return;
        };
        match kind {
            NamespaceKind::Instance | NamespaceKind::Invocation => {
                let (Some(name), Some(variant)) = (
                    metric.dimension("EndpointName"),
                    metric.dimension("VariantName"),
                ) else {
                    return;
                };
                let e = self.entry(&metric.account_id, name);
                if !e.variants.iter().any(|v| v == variant) {
                    e.variants.push(variant.to_owned());
                }
            }
            _ => {
                let (Some(name), Some(schedule)) = (
                    metric.dimension("Endpoint"),
                    metric.dimension("MonitoringSchedule"),
                ) else {
                    return;
                };
                let e = self.entry(&metric.account_id, name);
                // A one-time run's metrics are not the endpoint's recurring series.
                if crate::source::monitor::write::is_run_now_name(schedule) {
                    return;
                }
                if !e.schedules.iter().any(|(_, s)| s == schedule) {
                    e.schedules.push((kind, schedule.to_owned()));
                }
                if kind == NamespaceKind::ModelQuality && e.model_quality_namespace.is_none() {
                    e.model_quality_namespace = Some(metric.namespace.clone());
                }
            }
        }
    }

    /// A catalogue quality metric in a custom source's namespace, named by the source's
    /// dimension alone. A metric with more dimensions is another series than the one the
    /// console asks for (CloudWatch matches dimension sets exactly): it marks nothing.
    fn add_custom(&mut self, metric: &ListedMetric) -> bool {
        let Some((i, name)) = self.sources.iter().enumerate().find_map(|(i, q)| {
            if q.namespace != metric.namespace || metric.dimensions.len() != 1 {
                return None;
            }
            Some((i, metric.dimension(&q.endpoint_dimension)?))
        }) else {
            return false;
        };
        if metrics::quality_metric_names().any(|n| n == metric.metric) {
            let name = name.to_owned();
            let e = self.entry(&metric.account_id, &name);
            e.quality = Some(e.quality.map_or(i, |held| held.min(i)));
        }
        true
    }

    /// An endpoint SageMaker lists, with its status; it may have no metrics yet (Creating).
    pub fn add_status(&mut self, account_id: &str, name: &str, status: EndpointStatus) {
        self.status
            .insert((account_id.to_owned(), name.to_owned()), status);
    }

    fn entry(&mut self, account_id: &str, name: &str) -> &mut Building {
        self.endpoints
            .entry((account_id.to_owned(), name.to_owned()))
            .or_default()
    }

    /// Endpoints with their variants (sorted) and schedules (model quality first). Endpoints
    /// SageMaker listed but CloudWatch does not know yet are included with their status.
    pub fn into_endpoints(mut self) -> Vec<Endpoint> {
        let status = std::mem::take(&mut self.status);
        let sources = std::mem::take(&mut self.sources);
        for key in status.keys() {
            self.endpoints.entry(key.clone()).or_default();
        }
        self.endpoints
            .into_iter()
            .map(|((account_id, name), mut b)| {
                b.variants.sort();
                b.schedules.sort();
                let status = status
                    .get(&(account_id.clone(), name.clone()))
                    .copied()
                    .unwrap_or(EndpointStatus::Unknown);
                Endpoint {
                    account_id,
                    name,
                    status,
                    variants: b.variants,
                    monitoring_schedules: b.schedules.into_iter().map(|(_, s)| s).collect(),
                    model_quality_namespace: b.model_quality_namespace,
                    quality: b.quality.and_then(|i| sources.get(i).cloned()),
                    region: Region::default(),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(account: &str, ns: &str, metric: &str, dims: &[(&str, &str)]) -> ListedMetric {
        ListedMetric {
            account_id: account.into(),
            namespace: ns.into(),
            metric: metric.into(),
            dimensions: dims
                .iter()
                .map(|(k, v)| ((*k).into(), (*v).into()))
                .collect(),
        }
    }

    fn source(ns: &str, dim: &str, period: u32) -> CustomQuality {
        CustomQuality {
            namespace: ns.into(),
            endpoint_dimension: dim.into(),
            period,
        }
    }

    #[test]
    fn custom_quality_metrics_mark_their_endpoints() {
        let mut d = Discovered::with_quality_sources(vec![
            source("MLTeam/ModelQuality", "model_endpoint", 300),
            source("MLTeam/ModelQuality", "EndpointName", 3600),
        ]);
        let listed = [
            // Instance metrics and a custom source for the same endpoint.
            m(
                "111111111111",
                "/aws/sagemaker/Endpoints",
                "CPUUtilization",
                &[("EndpointName", "fraud"), ("VariantName", "AllTraffic")],
            ),
            m(
                "111111111111",
                "MLTeam/ModelQuality",
                "auc",
                &[("model_endpoint", "fraud")],
            ),
            // Both sources name `scorer`: the first configured wins, whatever the order.
            m(
                "111111111111",
                "MLTeam/ModelQuality",
                "accuracy",
                &[("EndpointName", "scorer")],
            ),
            m(
                "111111111111",
                "MLTeam/ModelQuality",
                "recall",
                &[("model_endpoint", "scorer")],
            ),
            // Only in the custom namespace, in another account: listed all the same.
            m(
                "222222222222",
                "MLTeam/ModelQuality",
                "f2",
                &[("EndpointName", "quiet")],
            ),
            // Not a catalogue name, more dimensions, or another namespace: nothing.
            m(
                "222222222222",
                "MLTeam/ModelQuality",
                "loss",
                &[("EndpointName", "lossy")],
            ),
            m(
                "222222222222",
                "MLTeam/ModelQuality",
                "accuracy",
                &[("EndpointName", "wide"), ("Version", "3")],
            ),
            m(
                "222222222222",
                "mlteam/modelquality",
                "accuracy",
                &[("EndpointName", "cased")],
            ),
        ];
        for l in &listed {
            d.add(l);
        }
        let e = d.into_endpoints();
        // account/name <- dimension@period of the source, if any.
        let seen: Vec<String> = e
            .iter()
            .map(|e| {
                let source = e
                    .quality
                    .as_ref()
                    .map(|q| format!(" <- {}@{}", q.endpoint_dimension, q.period));
                format!("{}/{}{}", e.account_id, e.name, source.unwrap_or_default())
            })
            .collect();
        assert_eq!(
            seen,
            [
                "111111111111/fraud <- model_endpoint@300",
                "111111111111/scorer <- model_endpoint@300",
                "222222222222/quiet <- EndpointName@3600",
            ]
        );
        assert_eq!(e[0].variants, ["AllTraffic"]);
        assert!(e[2].variants.is_empty() && e[2].monitoring_schedules.is_empty());
        assert_eq!(e[2].status, EndpointStatus::Unknown);
    }

    #[test]
    fn namespaces_are_recognised_by_shape_whatever_their_case() {
        use NamespaceKind::*;
        assert_eq!(namespace_kind("/aws/sagemaker/Endpoints"), Some(Instance));
        assert_eq!(namespace_kind("AWS/SageMaker"), Some(Invocation));
        assert_eq!(
            namespace_kind("aws/sagemaker/Endpoints/model-metrics"),
            Some(ModelQuality)
        );
        assert_eq!(
            namespace_kind("/aws/sagemaker/Endpoints/data-metrics"),
            Some(DataQuality)
        );
        assert_eq!(
            namespace_kind("aws/sagemaker/Endpoints/Data-Metrics"),
            Some(DataQuality)
        );
        assert_eq!(namespace_kind("AWS/EC2"), None);
        assert_eq!(namespace_kind("custom/model-metrics"), None);
    }

    #[test]
    fn metrics_group_into_endpoints_variants_and_schedules_per_account() {
        let mut d = Discovered::default();
        let listed = [
            m(
                "111111111111",
                "/aws/sagemaker/Endpoints",
                "CPUUtilization",
                &[("EndpointName", "fraud"), ("VariantName", "green")],
            ),
            m(
                "111111111111",
                "/aws/sagemaker/Endpoints",
                "CPUUtilization",
                &[("EndpointName", "fraud"), ("VariantName", "blue")],
            ),
            m(
                "111111111111",
                "AWS/SageMaker",
                "Invocations",
                &[("EndpointName", "fraud"), ("VariantName", "blue")],
            ),
            m(
                "111111111111",
                "aws/sagemaker/Endpoints/data-metrics",
                "feature_baseline_drift_age",
                &[
                    ("Endpoint", "fraud"),
                    ("Feature", "age"),
                    ("MonitoringSchedule", "fraud-dq"),
                ],
            ),
            m(
                "111111111111",
                "AWS/SageMaker/Endpoints/Model-Metrics",
                "accuracy",
                &[("Endpoint", "fraud"), ("MonitoringSchedule", "fraud-mq")],
            ),
            // Same name, other account: another endpoint.
            m(
                "222222222222",
                "/aws/sagemaker/Endpoints",
                "CPUUtilization",
                &[("EndpointName", "fraud"), ("VariantName", "AllTraffic")],
            ),
            // Not an endpoint metric.
            m(
                "222222222222",
                "/aws/sagemaker/Endpoints",
                "CPUUtilization",
                &[("Host", "algo-1")],
            ),
            m(
                "222222222222",
                "AWS/EC2",
                "CPUUtilization",
                &[("InstanceId", "i-1")],
            ),
        ];
        for l in &listed {
            d.add(l);
        }
        d.add_status("333333333333", "creating", EndpointStatus::Creating);
        let e = d.into_endpoints();
        assert_eq!(e.len(), 3);
        assert_eq!(
            (e[0].account_id.as_str(), e[0].name.as_str()),
            ("111111111111", "fraud")
        );
        assert_eq!(e[0].variants, ["blue", "green"]);
        assert_eq!(e[0].monitoring_schedules, ["fraud-mq", "fraud-dq"]);
        assert_eq!(
            e[0].model_quality_namespace.as_deref(),
            Some("AWS/SageMaker/Endpoints/Model-Metrics")
        );
        assert_eq!(e[0].status, EndpointStatus::Unknown);
        assert_eq!(e[1].variants, ["AllTraffic"]);
        assert_eq!(e[2].status, EndpointStatus::Creating);
        assert!(e[2].variants.is_empty());
    }
}
