//! Alarm writes through the SDK: PutMetricAlarm (the single-metric form, or `Metrics[]` for
//! a cross-account or anomaly-band alarm), Enable/DisableAlarmActions and DeleteAlarms, each
//! sent with the credentials of the account the alarm lives in.

use super::AwsSource;
use super::error::classify;
use crate::source::SourceError;
use crate::source::alarm_write::{AlarmWrite, BAND_ID, METRIC_ID, PutAlarm, band_expression};
use crate::source::mute::PutMuteRule;
use crate::source::write::{Write, WriteReceipt, Writer};
use async_trait::async_trait;
use aws_sdk_cloudwatch::operation::RequestId;
use aws_sdk_cloudwatch::types::{
    ComparisonOperator, Dimension, Metric, MetricDataQuery, MetricStat, MuteTargets, Rule,
    Schedule, Statistic, Tag,
};

fn dimensions(p: &PutAlarm) -> Vec<Dimension> {
    p.series
        .dimensions
        .iter()
        .map(|(k, v)| Dimension::builder().name(k).value(v).build())
        .collect()
}

/// The `Metrics[]` of a cross-account or band alarm: the metric (with its account when it
/// is another's), and for a band the band expression the threshold is taken from.
fn metric_queries(p: &PutAlarm) -> Vec<MetricDataQuery> {
    let metric = Metric::builder()
        .namespace(&p.series.namespace)
        .metric_name(&p.series.metric)
        .set_dimensions(Some(dimensions(p)))
        .build();
    let stat = MetricStat::builder()
        .metric(metric)
        .period(p.series.period as i32)
        .stat(p.series.stat.as_str())
        .build();
    let mut query = MetricDataQuery::builder()
        .id(METRIC_ID)
        .metric_stat(stat)
        .return_data(true);
    if p.alarm_account != p.series.account_id {
        query = query.account_id(&p.series.account_id);
    }
    let mut out = vec![query.build()];
    if p.operator.is_band() {
        out.push(
            MetricDataQuery::builder()
                .id(BAND_ID)
                .expression(band_expression(p.threshold))
                .return_data(true)
                .build(),
        );
    }
    out
}

pub(super) fn request_id(id: Option<&str>) -> WriteReceipt {
    WriteReceipt {
        request_id: id.map(str::to_owned),
    }
}

impl AwsSource {
    async fn put_alarm(&self, p: &PutAlarm) -> Result<WriteReceipt, SourceError> {
        let call = format!("PutMetricAlarm {}", p.alarm_account);
        let cw = &self.write_clients(&p.alarm_account, &call)?.cloudwatch;
        let mut req = cw
            .put_metric_alarm()
            .alarm_name(&p.name)
            .actions_enabled(p.actions_enabled)
            .set_alarm_actions(Some(p.alarm_actions.clone()))
            .set_ok_actions(Some(p.ok_actions.clone()))
            .set_insufficient_data_actions(Some(p.insufficient_data_actions.clone()))
            .comparison_operator(ComparisonOperator::from(p.operator.as_str()))
            .evaluation_periods(p.evaluation_periods as i32)
            .datapoints_to_alarm(p.datapoints_to_alarm as i32)
            .treat_missing_data(p.missing.as_str());
        if !p.description.is_empty() {
            req = req.alarm_description(&p.description);
        }
        if let Some(unit) = &p.unit {
            req = req.unit(aws_sdk_cloudwatch::types::StandardUnit::from(unit.as_str()));
        }
        if p.uses_metrics_form() {
            req = req.set_metrics(Some(metric_queries(p)));
            if p.operator.is_band() {
                req = req.threshold_metric_id(BAND_ID);
            }
        } else {
            req = req
                .namespace(&p.series.namespace)
                .metric_name(&p.series.metric)
                .set_dimensions(Some(dimensions(p)))
                .statistic(Statistic::from(p.series.stat.as_str()))
                .period(p.series.period as i32);
        }
        if !p.operator.is_band() {
            req = req.threshold(p.threshold);
        }
        if !p.edit {
            for (k, v) in &p.tags {
                req = req.tags(Tag::builder().key(k).value(v).build());
            }
        }
        let out = req
            .send()
            .await
            .map_err(|e| classify(&call, "cloudwatch:PutMetricAlarm", e))?;
        Ok(request_id(out.request_id()))
    }

    async fn set_actions(
        &self,
        account_id: &str,
        ids: &[String],
        enabled: bool,
    ) -> Result<WriteReceipt, SourceError> {
        let operation = if enabled {
            "EnableAlarmActions"
        } else {
            "DisableAlarmActions"
        };
        let call = format!("{operation} {account_id}");
        let cw = &self.write_clients(account_id, &call)?.cloudwatch;
        let action = format!("cloudwatch:{operation}");
        if enabled {
            let out = cw
                .enable_alarm_actions()
                .set_alarm_names(Some(ids.to_vec()))
                .send()
                .await
                .map_err(|e| classify(&call, &action, e))?;
            Ok(request_id(out.request_id()))
        } else {
            let out = cw
                .disable_alarm_actions()
                .set_alarm_names(Some(ids.to_vec()))
                .send()
                .await
                .map_err(|e| classify(&call, &action, e))?;
            Ok(request_id(out.request_id()))
        }
    }

    async fn delete_alarms(
        &self,
        account_id: &str,
        ids: &[String],
    ) -> Result<WriteReceipt, SourceError> {
        let call = format!("DeleteAlarms {account_id}");
        let cw = &self.write_clients(account_id, &call)?.cloudwatch;
        let out = cw
            .delete_alarms()
            .set_alarm_names(Some(ids.to_vec()))
            .send()
            .await
            .map_err(|e| classify(&call, "cloudwatch:DeleteAlarms", e))?;
        Ok(request_id(out.request_id()))
    }

    /// The clients acting in `account_id`, or why there are none.
    pub(super) fn write_clients(
        &self,
        account_id: &str,
        call: &str,
    ) -> Result<&super::AccountClients, SourceError> {
        if self.readonly {
            return Err(SourceError::Other {
                call: call.to_owned(),
                detail: "read-only: refused before it was sent".into(),
            });
        }
        self.clients_for(account_id)
            .ok_or_else(|| SourceError::Other {
                call: call.to_owned(),
                detail: format!(
                    "no credentials for account {account_id}: add its role_arn (or profile) to \
                     the config's [[accounts]]"
                ),
            })
    }
}

#[async_trait]
impl Writer for AwsSource {
    async fn write(&self, request: &Write) -> Result<WriteReceipt, SourceError> {
        match request {
            Write::Alarm(w) => self.write_alarm(w).await,
            Write::Monitor(w) => self.write_monitor(w).await,
        }
    }
}

impl AwsSource {
    async fn write_alarm(&self, request: &AlarmWrite) -> Result<WriteReceipt, SourceError> {
        match request {
            AlarmWrite::Put(p) => self.put_alarm(p).await,
            AlarmWrite::SetActions {
                account_id,
                ids,
                enabled,
                ..
            } => self.set_actions(account_id, ids, *enabled).await,
            AlarmWrite::DeleteAlarms {
                account_id, ids, ..
            } => self.delete_alarms(account_id, ids).await,
            AlarmWrite::PutMuteRule(p) => self.put_mute_rule(p).await,
            AlarmWrite::DeleteMuteRule {
                account_id, name, ..
            } => self.delete_mute_rule(account_id, name).await,
        }
    }

    /// PutAlarmMuteRule, in the account the muted alarms live in.
    async fn put_mute_rule(&self, p: &PutMuteRule) -> Result<WriteReceipt, SourceError> {
        let call = format!("PutAlarmMuteRule {} {}", p.account_id, p.name);
        let cw = &self.write_clients(&p.account_id, &call)?.cloudwatch;
        let schedule = Schedule::builder()
            .expression(&p.expression)
            .duration(&p.duration)
            .set_timezone(p.timezone.clone())
            .build();
        let date = |t: Option<i64>| t.map(aws_smithy_types::DateTime::from_secs);
        let out = cw
            .put_alarm_mute_rule()
            .name(&p.name)
            .set_description(Some(p.description.clone()).filter(|d| !d.is_empty()))
            .rule(Rule::builder().schedule(schedule).build())
            .mute_targets(
                MuteTargets::builder()
                    .set_alarm_names(Some(p.targets.clone()))
                    .build(),
            )
            .set_start_date(date(p.start))
            .set_expire_date(date(p.expire))
            .send()
            .await
            .map_err(|e| classify(&call, "cloudwatch:PutAlarmMuteRule", e))?;
        Ok(request_id(out.request_id()))
    }

    async fn delete_mute_rule(
        &self,
        account_id: &str,
        name: &str,
    ) -> Result<WriteReceipt, SourceError> {
        let call = format!("DeleteAlarmMuteRule {account_id} {name}");
        let cw = &self.write_clients(account_id, &call)?.cloudwatch;
        let out = cw
            .delete_alarm_mute_rule()
            .alarm_mute_rule_name(name)
            .send()
            .await
            .map_err(|e| classify(&call, "cloudwatch:DeleteAlarmMuteRule", e))?;
        Ok(request_id(out.request_id()))
    }
}
