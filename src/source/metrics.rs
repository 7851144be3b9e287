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
    /// `Endpoint` + `MonitoringSchedule` (Model Monitor metrics).
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

/// The series keys of one metric of an endpoint: one per variant for instance and invocation
/// metrics, one per monitoring schedule (the first) for Model Monitor metrics.
pub fn series_keys(endpoint: &Endpoint, id: MetricId) -> Vec<SeriesKey> {
    let m = spec(id);
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
                    m.period,
                )
            })
            .collect(),
        DimensionStyle::EndpointSchedule => endpoint
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
                    m.period,
                )
            })
            .into_iter()
            .collect(),
    }
}

/// The endpoint a series belongs to, read from its dimensions.
pub fn endpoint_name_of(key: &SeriesKey) -> Option<&str> {
    key.dimension("EndpointName")
        .or_else(|| key.dimension("Endpoint"))
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
        };
        let cpu = series_keys(&e, MetricId::Cpu);
        assert_eq!(cpu.len(), 2);
        assert_eq!(cpu[1].dimension("VariantName"), Some("green"));
        let acc = series_keys(&e, MetricId::Accuracy);
        assert_eq!(acc.len(), 1);
        assert_eq!(acc[0].dimension("MonitoringSchedule"), Some("fraud-mq"));
        assert_eq!(endpoint_name_of(&acc[0]), Some("fraud"));
    }
}
