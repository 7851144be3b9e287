//! CloudWatch alarms as the console's `Alarm`s, each linked to the endpoint its metric names.

use crate::name::Name;
use crate::source::model::Dimensions;
use crate::source::model::{
    AccountId, Alarm, AlarmHistoryItem, AlarmKind, AlarmSettings, AlarmState, Comparison,
    EndpointKey, HistoryItemType, Region, SeriesKey, Stat,
};
use aws_sdk_cloudwatch::types::{
    self as cw, ComparisonOperator, CompositeAlarm, MetricAlarm, StateValue, Statistic,
};

fn state(v: Option<&StateValue>) -> AlarmState {
    match v {
        Some(StateValue::Alarm) => AlarmState::Alarm,
        Some(StateValue::Ok) => AlarmState::Ok,
        _ => AlarmState::InsufficientData,
    }
}

fn stat(statistic: Option<&str>) -> Stat {
    // Extended statistics (p99, ...) are charted as the average: the threshold line
    // stays honest, only the plotted statistic differs.
    statistic.and_then(Stat::parse).unwrap_or(Stat::Average)
}

/// Anomaly-detection operators have no fixed threshold: `None`.
fn comparison(op: Option<&ComparisonOperator>) -> Option<Comparison> {
    match op? {
        ComparisonOperator::GreaterThanOrEqualToThreshold => {
            Some(Comparison::GreaterThanOrEqualToThreshold)
        }
        ComparisonOperator::GreaterThanThreshold => Some(Comparison::GreaterThanThreshold),
        ComparisonOperator::LessThanThreshold => Some(Comparison::LessThanThreshold),
        ComparisonOperator::LessThanOrEqualToThreshold => {
            Some(Comparison::LessThanOrEqualToThreshold)
        }
        _ => None,
    }
}

/// CloudWatch dimensions as owned, name-sorted pairs (the order `SeriesKey` keeps).
pub fn dimensions(dims: &[cw::Dimension]) -> Dimensions {
    let out: Vec<(Name, Name)> = dims
        .iter()
        .map(|d| {
            (
                Name::new(d.name().unwrap_or_default()),
                Name::new(d.value().unwrap_or_default()),
            )
        })
        .collect();
    crate::name::dimensions(out)
}

/// The series an alarm watches: its single metric, or, for the `Metrics[]` form used by
/// cross-account alarms, the metric of the query it returns (else the first metric queried).
fn watched_series(owner: &str, a: &MetricAlarm) -> Option<SeriesKey> {
    if let Some(metric) = a.metric_name() {
        return Some(SeriesKey {
            account_id: Name::new(owner),
            namespace: Name::new(a.namespace().unwrap_or_default()),
            metric: Name::new(metric),
            dimensions: dimensions(a.dimensions()),
            stat: stat(a.statistic().map(Statistic::as_str)),
            period: a.period().unwrap_or(60).max(1) as u32,
            region: Region::default(),
        });
    }
    let queries = a.metrics();
    let returned = queries
        .iter()
        .find(|q| q.return_data() == Some(true) && q.metric_stat().is_some());
    let q = returned.or_else(|| queries.iter().find(|q| q.metric_stat().is_some()))?;
    let ms = q.metric_stat()?;
    let metric = ms.metric()?;
    Some(SeriesKey {
        account_id: Name::new(q.account_id().unwrap_or(owner)),
        namespace: Name::new(metric.namespace().unwrap_or_default()),
        metric: Name::new(metric.metric_name().unwrap_or_default()),
        dimensions: dimensions(metric.dimensions()),
        stat: stat(ms.stat()),
        period: ms.period().unwrap_or(60).max(1) as u32,
        region: Region::default(),
    })
}

fn endpoint_of(series: &SeriesKey) -> Option<EndpointKey> {
    crate::source::metrics::endpoint_name_of(series).map(|name| EndpointKey {
        account_id: series.account_id.to_string(),
        name: name.to_owned(),
        region: series.region.clone(),
    })
}

fn since(
    transitioned: Option<&aws_smithy_types::DateTime>,
    updated: Option<&aws_smithy_types::DateTime>,
) -> i64 {
    transitioned.or(updated).map(|t| t.secs()).unwrap_or(0)
}

/// A metric alarm living in `owner`. Alarms on metrics no endpoint owns are kept too: they
/// show in the alarms view without an endpoint.
pub fn metric_alarm(owner: &AccountId, a: &MetricAlarm) -> Option<Alarm> {
    let name = a.alarm_name()?.to_owned();
    let series = watched_series(owner, a)?;
    let (comparison, threshold) = match comparison(a.comparison_operator()) {
        Some(c) => (c, a.threshold().unwrap_or(f64::NAN)),
        None => (Comparison::GreaterThanThreshold, f64::NAN),
    };
    Some(Alarm {
        account_id: owner.clone(),
        id: name.clone(),
        endpoint: endpoint_of(&series),
        kind: AlarmKind::Metric {
            series,
            comparison,
            threshold,
            evaluation_periods: a.evaluation_periods().unwrap_or(1).max(1) as u32,
            datapoints_to_alarm: a
                .datapoints_to_alarm()
                .or(a.evaluation_periods())
                .unwrap_or(1)
                .max(1) as u32,
        },
        state: state(a.state_value()),
        reason: a.state_reason().unwrap_or_default().to_owned(),
        state_since: since(
            a.state_transitioned_timestamp(),
            a.state_updated_timestamp(),
        ),
        name,
        actions_enabled: a.actions_enabled().unwrap_or(true),
        region: Region::default(),
        settings: AlarmSettings {
            operator: a
                .comparison_operator()
                .map(|o| o.as_str().to_owned())
                .unwrap_or_default(),
            treat_missing: a.treat_missing_data().unwrap_or_default().to_owned(),
            alarm_actions: a.alarm_actions().to_vec(),
            ok_actions: a.ok_actions().to_vec(),
            description: a.alarm_description().unwrap_or_default().to_owned(),
            band_width: band_width(a),
            raw_series: watched_series(owner, a),
            raw_description: a.alarm_description().unwrap_or_default().to_owned(),
            insufficient_data_actions: a.insufficient_data_actions().to_vec(),
            unit: a.unit().map(|u| u.as_str().to_owned()),
            not_editable: not_editable(a),
        },
    })
}

/// What the alarm form cannot send back unchanged: an edit would change what the alarm does.
fn not_editable(a: &MetricAlarm) -> Option<String> {
    if let Some(p) = a.extended_statistic() {
        return Some(format!("it uses the percentile statistic {p}"));
    }
    let queries = a.metrics();
    let band = a.threshold_metric_id().is_some();
    let math = queries.iter().any(|q| q.expression().is_some()) && !band;
    if math || queries.iter().filter(|q| q.metric_stat().is_some()).count() > 1 {
        return Some("it alarms on metric math".into());
    }
    None
}

/// The width of an anomaly band: the second argument of `ANOMALY_DETECTION_BAND(m1, 2)`.
fn band_width(a: &MetricAlarm) -> Option<f64> {
    let id = a.threshold_metric_id()?;
    let expression = a
        .metrics()
        .iter()
        .find(|q| q.id() == Some(id))?
        .expression()?;
    let args = expression.split_once('(')?.1.trim_end_matches(')');
    args.split(',').nth(1)?.trim().parse().ok()
}

pub fn composite_alarm(owner: &AccountId, a: &CompositeAlarm) -> Option<Alarm> {
    Some(Alarm {
        account_id: owner.clone(),
        id: a.alarm_name()?.to_owned(),
        name: a.alarm_name()?.to_owned(),
        kind: AlarmKind::Composite {
            rule: a.alarm_rule().unwrap_or_default().to_owned(),
        },
        state: state(a.state_value()),
        reason: a.state_reason().unwrap_or_default().to_owned(),
        state_since: since(
            a.state_transitioned_timestamp(),
            a.state_updated_timestamp(),
        ),
        endpoint: None,
        actions_enabled: a.actions_enabled().unwrap_or(true),
        region: Region::default(),
        settings: AlarmSettings {
            alarm_actions: a.alarm_actions().to_vec(),
            ok_actions: a.ok_actions().to_vec(),
            description: a.alarm_description().unwrap_or_default().to_owned(),
            ..AlarmSettings::default()
        },
    })
}

pub fn history_item(h: &cw::AlarmHistoryItem) -> AlarmHistoryItem {
    AlarmHistoryItem {
        timestamp: h.timestamp().map(|t| t.secs()).unwrap_or(0),
        item_type: match h.history_item_type() {
            Some(cw::HistoryItemType::ConfigurationUpdate) => HistoryItemType::ConfigurationUpdate,
            Some(cw::HistoryItemType::Action) => HistoryItemType::Action,
            _ => HistoryItemType::StateUpdate,
        },
        summary: h.history_summary().unwrap_or_default().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_cloudwatch::types::{Dimension, Metric, MetricDataQuery, MetricStat};

    fn dim(n: &str, v: &str) -> Dimension {
        Dimension::builder().name(n).value(v).build()
    }

    #[test]
    fn a_classic_metric_alarm_links_to_its_endpoint_in_its_own_account() {
        let a = MetricAlarm::builder()
            .alarm_name("fraud-accuracy")
            .namespace("aws/sagemaker/Endpoints/model-metrics")
            .metric_name("accuracy")
            .dimensions(dim("MonitoringSchedule", "fraud-mq"))
            .dimensions(dim("Endpoint", "fraud"))
            .statistic(Statistic::Average)
            .period(3600)
            .threshold(0.8)
            .comparison_operator(ComparisonOperator::LessThanThreshold)
            .state_value(StateValue::Alarm)
            .state_reason("Threshold Crossed")
            .build();
        let alarm = metric_alarm(&"111111111111".into(), &a).unwrap();
        assert_eq!(alarm.state, AlarmState::Alarm);
        assert_eq!(
            alarm.endpoint,
            Some(EndpointKey {
                account_id: "111111111111".into(),
                name: "fraud".into(),
                region: Default::default(),
            })
        );
        let s = alarm.series().unwrap();
        assert_eq!(s.dimensions[0].0, "Endpoint", "dimensions are sorted");
        assert_eq!(s.period, 3600);
        assert_eq!(
            alarm.threshold(),
            Some((Comparison::LessThanThreshold, 0.8))
        );
    }

    #[test]
    fn a_cross_account_alarm_watches_the_source_accounts_series() {
        let q = MetricDataQuery::builder()
            .id("m1")
            .account_id("222222222222")
            .return_data(true)
            .metric_stat(
                MetricStat::builder()
                    .metric(
                        Metric::builder()
                            .namespace("/aws/sagemaker/Endpoints")
                            .metric_name("MemoryUtilization")
                            .dimensions(dim("EndpointName", "churn"))
                            .dimensions(dim("VariantName", "AllTraffic"))
                            .build(),
                    )
                    .period(60)
                    .stat("Maximum")
                    .build(),
            )
            .build();
        let a = MetricAlarm::builder()
            .alarm_name("churn-memory")
            .metrics(q)
            .threshold(90.0)
            .comparison_operator(ComparisonOperator::GreaterThanThreshold)
            .state_value(StateValue::Ok)
            .build();
        let alarm = metric_alarm(&"100000000000".into(), &a).unwrap();
        assert_eq!(alarm.account_id, "100000000000");
        let s = alarm.series().unwrap();
        assert_eq!(s.account_id, "222222222222");
        assert_eq!(s.stat, Stat::Maximum);
        assert_eq!(alarm.endpoint.unwrap().account_id, "222222222222");
    }

    #[test]
    fn anomaly_band_alarms_have_no_threshold_line() {
        let a = MetricAlarm::builder()
            .alarm_name("band")
            .namespace("AWS/SageMaker")
            .metric_name("Invocations")
            .comparison_operator(ComparisonOperator::LessThanLowerOrGreaterThanUpperThreshold)
            .build();
        assert_eq!(metric_alarm(&"1".into(), &a).unwrap().threshold(), None);
    }

    #[test]
    fn alarms_the_form_cannot_send_back_unchanged_are_marked() {
        let p99 = MetricAlarm::builder()
            .alarm_name("latency-p99")
            .namespace("AWS/SageMaker")
            .metric_name("ModelLatency")
            .extended_statistic("p99")
            .threshold(1.0)
            .comparison_operator(ComparisonOperator::GreaterThanThreshold)
            .build();
        let a = metric_alarm(&"1".into(), &p99).unwrap();
        assert!(a.settings.not_editable.unwrap().contains("p99"));
        let m = |id: &str| {
            MetricDataQuery::builder()
                .id(id)
                .return_data(false)
                .metric_stat(
                    MetricStat::builder()
                        .metric(Metric::builder().namespace("n").metric_name(id).build())
                        .period(60)
                        .stat("Sum")
                        .build(),
                )
                .build()
        };
        let math = MetricAlarm::builder()
            .alarm_name("error-rate")
            .metrics(m("errors"))
            .metrics(m("calls"))
            .metrics(
                MetricDataQuery::builder()
                    .id("rate")
                    .expression("errors / calls")
                    .return_data(true)
                    .build(),
            )
            .threshold(0.05)
            .comparison_operator(ComparisonOperator::GreaterThanThreshold)
            .build();
        let a = metric_alarm(&"1".into(), &math).unwrap();
        assert!(a.settings.not_editable.unwrap().contains("metric math"));
        let plain = MetricAlarm::builder()
            .alarm_name("cpu")
            .namespace("n")
            .metric_name("CPUUtilization")
            .statistic(Statistic::Average)
            .alarm_description("two\nlines")
            .insufficient_data_actions("arn:aws:sns:eu-west-1:1:t")
            .build();
        let a = metric_alarm(&"1".into(), &plain).unwrap();
        assert_eq!(a.settings.not_editable, None);
        assert_eq!(a.settings.raw_description, "two\nlines");
        assert_eq!(a.settings.insufficient_data_actions.len(), 1);
    }
}
