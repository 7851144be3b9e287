//! The catalogue of SageMaker metrics the console knows how to show, and how an endpoint's
//! series keys are built from it.

use super::model::{Endpoint, SeriesKey, Stat};

pub const NS_INSTANCE: &str = "/aws/sagemaker/Endpoints";
pub const NS_INVOCATION: &str = "AWS/SageMaker";
pub const NS_MODEL_QUALITY: &str = "aws/sagemaker/Endpoints/model-metrics";

/// Every metric the console charts. The order is the order of the detail screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MetricId {
    Accuracy,
    Auc,
    F2,
    Precision,
    Recall,
    Cpu,
    Memory,
    Disk,
    Invocations,
    ModelLatency,
    Errors5xx,
}

/// How the dimensions of a metric name its endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DimensionStyle {
    /// `EndpointName` + `VariantName` (instance and invocation metrics).
    EndpointVariant,
    /// Model quality: `Endpoint` + `MonitoringSchedule` in Model Monitor's namespace, or, for
    /// an endpoint with a custom source (`Endpoint::quality`), that source's one dimension.
    EndpointSchedule,
}

/// Colour bands for a metric with no alarm on it: a value is good, a warning, or bad.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Levels {
    pub warn: f64,
    pub bad: f64,
    /// True when lower values are worse (accuracy), false when higher are (memory).
    pub lower_is_worse: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MetricSpec {
    pub id: MetricId,
    pub namespace: &'static str,
    /// CloudWatch's own metric name (also the key in the JSON snapshot).
    pub name: &'static str,
    /// Short column title.
    pub short: &'static str,
    pub unit: &'static str,
    pub stat: Stat,
    pub period: u32,
    pub dimensions: DimensionStyle,
    pub levels: Option<Levels>,
}

const QUALITY_LEVELS: Option<Levels> = Some(Levels {
    warn: 0.85,
    bad: 0.75,
    lower_is_worse: true,
});
const UTILISATION_LEVELS: Option<Levels> = Some(Levels {
    warn: 75.0,
    bad: 90.0,
    lower_is_worse: false,
});

const fn quality(id: MetricId, name: &'static str, short: &'static str) -> MetricSpec {
    MetricSpec {
        id,
        namespace: NS_MODEL_QUALITY,
        name,
        short,
        unit: "",
        stat: Stat::Average,
        period: 3600,
        dimensions: DimensionStyle::EndpointSchedule,
        levels: QUALITY_LEVELS,
    }
}

pub const METRICS: [MetricSpec; 11] = [
    quality(MetricId::Accuracy, "accuracy", "ACC"),
    quality(MetricId::Auc, "auc", "AUC"),
    quality(MetricId::F2, "f2", "F2"),
    quality(MetricId::Precision, "precision", "PREC"),
    quality(MetricId::Recall, "recall", "RECALL"),
    MetricSpec {
        id: MetricId::Cpu,
        namespace: NS_INSTANCE,
        name: "CPUUtilization",
        short: "CPU",
        // CloudWatch sums CPU over cores (0-400% on 4 cores): labelled, not normalised.
        unit: "% Σcores",
        stat: Stat::Average,
        period: 60,
        dimensions: DimensionStyle::EndpointVariant,
        levels: None,
    },
    MetricSpec {
        id: MetricId::Memory,
        namespace: NS_INSTANCE,
        name: "MemoryUtilization",
        short: "MEM",
        unit: "%",
        stat: Stat::Average,
        period: 60,
        dimensions: DimensionStyle::EndpointVariant,
        levels: UTILISATION_LEVELS,
    },
    MetricSpec {
        id: MetricId::Disk,
        namespace: NS_INSTANCE,
        name: "DiskUtilization",
        short: "DISK",
        unit: "%",
        stat: Stat::Average,
        period: 60,
        dimensions: DimensionStyle::EndpointVariant,
        levels: UTILISATION_LEVELS,
    },
    MetricSpec {
        id: MetricId::Invocations,
        namespace: NS_INVOCATION,
        name: "Invocations",
        short: "INV",
        unit: "/min",
        stat: Stat::Sum,
        period: 60,
        dimensions: DimensionStyle::EndpointVariant,
        levels: None,
    },
    MetricSpec {
        id: MetricId::ModelLatency,
        namespace: NS_INVOCATION,
        name: "ModelLatency",
        short: "LAT",
        // SageMaker reports latency in microseconds.
        unit: "µs",
        stat: Stat::Average,
        period: 60,
        dimensions: DimensionStyle::EndpointVariant,
        levels: None,
    },
    MetricSpec {
        id: MetricId::Errors5xx,
        namespace: NS_INVOCATION,
        name: "Invocation5XXErrors",
        short: "5XX",
        unit: "/min",
        stat: Stat::Sum,
        period: 60,
        dimensions: DimensionStyle::EndpointVariant,
        levels: None,
    },
];

/// The six series the fleet table draws as sparklines, in column order.
pub const FLEET_COLUMNS: [MetricId; 6] = [
    MetricId::Accuracy,
    MetricId::Auc,
    MetricId::F2,
    MetricId::Cpu,
    MetricId::Memory,
    MetricId::Disk,
];

pub fn spec(id: MetricId) -> &'static MetricSpec {
    // METRICS is indexed in MetricId order; the unit test below keeps it so.
    &METRICS[id as usize]
}

pub fn spec_by_name(namespace: &str, name: &str) -> Option<&'static MetricSpec> {
    METRICS
        .iter()
        .find(|m| m.name == name && same_namespace(m.namespace, namespace))
}

/// CloudWatch namespaces are case-sensitive, but SageMaker's are spelled several ways in the
/// wild (case, leading slash): discovery keeps the spelling found, the catalogue matches any.
pub fn same_namespace(a: &str, b: &str) -> bool {
    a.trim_start_matches('/')
        .eq_ignore_ascii_case(b.trim_start_matches('/'))
}

/// The namespace a metric of this endpoint is read from: the discovered spelling for Model
/// Monitor metrics, the catalogue's otherwise.
pub fn namespace_for<'a>(endpoint: &'a Endpoint, m: &'a MetricSpec) -> &'a str {
    match &endpoint.model_quality_namespace {
        Some(ns) if m.namespace == NS_MODEL_QUALITY => ns,
        _ => m.namespace,
    }
}

/// The period of the series of metric `id` of this endpoint (`series_keys` keys them with
/// it): a custom quality source's own, else the catalogue's.
pub fn period_for(endpoint: &Endpoint, id: MetricId) -> u32 {
    let m = spec(id);
    match &endpoint.quality {
        Some(q) if m.dimensions == DimensionStyle::EndpointSchedule => q.period,
        _ => m.period,
    }
}

/// The series keys of one metric of an endpoint: one per variant for instance and invocation
/// metrics; for model quality, one per monitoring schedule (the first), or the one series of
/// the endpoint's custom source (which needs no schedule).
pub fn series_keys(endpoint: &Endpoint, id: MetricId) -> Vec<SeriesKey> {
    let (m, period) = (spec(id), period_for(endpoint, id));
    match m.dimensions {
        DimensionStyle::EndpointVariant => endpoint
            .variants
            .iter()
            .map(|variant| {
                SeriesKey::new(
                    &endpoint.account_id,
                    m.namespace,
                    m.name,
                    &[("EndpointName", &endpoint.name), ("VariantName", variant)],
                    m.stat,
                    period,
                )
                .in_region(&endpoint.region)
            })
            .collect(),
        DimensionStyle::EndpointSchedule => match &endpoint.quality {
            Some(q) => vec![
                SeriesKey::new(
                    &endpoint.account_id,
                    &q.namespace,
                    m.name,
                    &[(&q.endpoint_dimension, &endpoint.name)],
                    m.stat,
                    period,
                )
                .in_region(&endpoint.region),
            ],
            None => endpoint
                .monitoring_schedules
                .first()
                .map(|schedule| {
                    SeriesKey::new(
                        &endpoint.account_id,
                        namespace_for(endpoint, m),
                        m.name,
                        &[
                            ("Endpoint", &endpoint.name),
                            ("MonitoringSchedule", schedule),
                        ],
                        m.stat,
                        period,
                    )
                    .in_region(&endpoint.region)
                })
                .into_iter()
                .collect(),
        },
    }
}

/// The endpoint a series belongs to, read from SageMaker's own dimensions (`EndpointName`,
/// `Endpoint`). A custom quality source names its endpoint with a dimension of the user's
/// choosing, which the key alone cannot tell: code that maps keys back to endpoints asks
/// `names_endpoint` of the endpoints its dimension values name (`State::endpoint_of_series`).
pub fn endpoint_name_of(key: &SeriesKey) -> Option<&str> {
    key.dimension("EndpointName")
        .or_else(|| key.dimension("Endpoint"))
}

/// Whether `key` is a series of `endpoint` by account and dimensions: in the endpoint's custom
/// quality namespace, its configured dimension must carry the endpoint's name; anywhere else,
/// SageMaker's own dimensions must (`endpoint_name_of`).
///
/// Why not a registry of custom dimension names: each endpoint already carries its source
/// (`Endpoint::quality`), so whoever holds the endpoints holds the registry, with no global
/// and nothing to keep in step with the config. Candidates are found by the key's dimension
/// values (an endpoint's name is one of them), then confirmed here.
pub fn names_endpoint(endpoint: &Endpoint, key: &SeriesKey) -> bool {
    if key.account_id != endpoint.account_id {
        return false;
    }
    let name = match &endpoint.quality {
        Some(q) if key.namespace == q.namespace => key.dimension(&q.endpoint_dimension),
        _ => endpoint_name_of(key),
    };
    name == Some(endpoint.name.as_str())
}

/// The catalogue entry of a series of `endpoint`: in its custom quality namespace, the
/// quality metric of that name; elsewhere, by namespace and name (`spec_by_name`).
pub fn spec_for(endpoint: &Endpoint, key: &SeriesKey) -> Option<&'static MetricSpec> {
    match &endpoint.quality {
        Some(q) if key.namespace == q.namespace => METRICS
            .iter()
            .find(|m| m.dimensions == DimensionStyle::EndpointSchedule && m.name == key.metric),
        _ => spec_by_name(&key.namespace, &key.metric),
    }
}

/// The quality metrics a custom source is expected to publish: the catalogue's CloudWatch
/// names (`accuracy`, `auc`, `f2`, `precision`, `recall`).
pub fn quality_metric_names() -> impl Iterator<Item = &'static str> {
    METRICS
        .iter()
        .filter(|m| m.dimensions == DimensionStyle::EndpointSchedule)
        .map(|m| m.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_is_indexed_by_metric_id() {
        for (i, m) in METRICS.iter().enumerate() {
            assert_eq!(m.id as usize, i, "{} is out of place", m.name);
        }
    }

    #[test]
    fn keys_follow_dimension_style() {
        let e = Endpoint {
            account_id: "111111111111".into(),
            name: "fraud".into(),
            status: super::super::model::EndpointStatus::InService,
            variants: vec!["blue".into(), "green".into()],
            monitoring_schedules: vec!["fraud-mq".into()],
            model_quality_namespace: None,
            quality: None,
            region: Default::default(),
        };
        let cpu = series_keys(&e, MetricId::Cpu);
        assert_eq!(cpu.len(), 2);
        assert_eq!(cpu[1].dimension("VariantName"), Some("green"));
        let acc = series_keys(&e, MetricId::Accuracy);
        assert_eq!(acc.len(), 1);
        assert_eq!(acc[0].dimension("MonitoringSchedule"), Some("fraud-mq"));
        assert_eq!(endpoint_name_of(&acc[0]), Some("fraud"));
        assert!(names_endpoint(&e, &acc[0]) && names_endpoint(&e, &cpu[0]));
    }

    fn custom(period: u32) -> Endpoint {
        Endpoint {
            account_id: "111111111111".into(),
            name: "fraud".into(),
            status: super::super::model::EndpointStatus::InService,
            variants: vec!["AllTraffic".into()],
            // A schedule too: the custom source still wins for the quality series.
            monitoring_schedules: vec!["fraud-dq".into()],
            model_quality_namespace: None,
            quality: Some(super::super::model::CustomQuality {
                namespace: "MLTeam/ModelQuality".into(),
                endpoint_dimension: "model_endpoint".into(),
                period,
            }),
            region: Default::default(),
        }
    }

    /// A custom quality source's period for its quality metrics; the catalogue's otherwise
    /// (what `fleet_keys` filters by before any key is made).
    #[test]
    fn period_for_is_the_custom_sources_for_quality_only() {
        let mut plain = custom(300);
        plain.quality = None;
        assert_eq!(period_for(&custom(300), MetricId::Accuracy), 300);
        assert_eq!(period_for(&custom(86_400), MetricId::Recall), 86_400);
        assert_eq!(
            period_for(&custom(300), MetricId::Cpu),
            spec(MetricId::Cpu).period
        );
        assert_eq!(period_for(&plain, MetricId::Accuracy), 3600);
        assert_eq!(period_for(&plain, MetricId::Cpu), 60);
    }

    #[test]
    fn a_custom_source_keys_quality_by_its_namespace_dimension_and_period() {
        let e = custom(300);
        for id in [
            MetricId::Accuracy,
            MetricId::Auc,
            MetricId::F2,
            MetricId::Precision,
            MetricId::Recall,
        ] {
            let keys = series_keys(&e, id);
            assert_eq!(
                keys,
                [SeriesKey::new(
                    "111111111111",
                    "MLTeam/ModelQuality",
                    spec(id).name,
                    &[("model_endpoint", "fraud")],
                    Stat::Average,
                    300,
                )]
            );
            assert_eq!(spec_for(&e, &keys[0]).map(|m| m.id), Some(id));
            // The key alone does not say which dimension names the endpoint...
            assert_eq!(endpoint_name_of(&keys[0]), None);
            // ...the endpoint does.
            assert!(names_endpoint(&e, &keys[0]));
        }
        // Instance metrics are untouched.
        let cpu = series_keys(&e, MetricId::Cpu);
        assert_eq!(cpu[0].namespace, NS_INSTANCE);
        assert!(names_endpoint(&e, &cpu[0]));
        assert_eq!(spec_for(&e, &cpu[0]).map(|m| m.id), Some(MetricId::Cpu));
        // No schedule is needed.
        let mut bare = custom(3600);
        bare.monitoring_schedules.clear();
        assert_eq!(series_keys(&bare, MetricId::Auc)[0].period, 3600);
    }

    #[test]
    fn a_custom_key_names_only_its_own_endpoint() {
        let e = custom(3600);
        let key = series_keys(&e, MetricId::Accuracy).remove(0);
        let mut other_account = e.clone();
        other_account.account_id = "222222222222".into();
        assert!(!names_endpoint(&other_account, &key));
        let mut other_name = e.clone();
        other_name.name = "churn".into();
        assert!(!names_endpoint(&other_name, &key));
        // Same namespace, another dimension: not this endpoint's series.
        let mut wrong_dim = key.clone();
        wrong_dim.dimensions = vec![("Model".into(), "fraud".into())].into();
        assert!(!names_endpoint(&e, &wrong_dim));
        // Without a custom source, the namespace is nobody's catalogue.
        let mut plain = e.clone();
        plain.quality = None;
        assert!(!names_endpoint(&plain, &key));
        assert_eq!(spec_for(&plain, &key), None);
        // A metric the catalogue does not know, in the custom namespace.
        let mut unknown = key.clone();
        unknown.metric = "f1".into();
        assert_eq!(spec_for(&e, &unknown), None);
        assert_eq!(
            quality_metric_names().collect::<Vec<_>>(),
            ["accuracy", "auc", "f2", "precision", "recall"]
        );
    }
}
