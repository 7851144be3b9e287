//! Alarm writes as the console means them: create or overwrite a metric alarm, mute or
//! unmute alarms, delete alarms. A write is built whole before anything is sent, so the
//! confirmation, the audit log and `--json` all show the request exactly as it goes out
//! (`AlarmWrite::parameters`, in CloudWatch's own field names).
//!
//! Identifiers in a write are the ones AWS returned (`Alarm::id`), never the cleaned names
//! the screen draws: a cleaned name may be another alarm's.

use super::model::{AccountId, Comparison, SeriesKey};
use super::mute::PutMuteRule;
use serde_json::{Value, json};

/// CloudWatch's comparison operators, including the anomaly-band ones (which take a band
/// width in standard deviations instead of a threshold).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    GreaterThanOrEqualToThreshold,
    GreaterThanThreshold,
    LessThanThreshold,
    LessThanOrEqualToThreshold,
    LessThanLowerOrGreaterThanUpperThreshold,
    LessThanLowerThreshold,
    GreaterThanUpperThreshold,
}

impl Operator {
    pub const ALL: [Operator; 7] = [
        Self::GreaterThanThreshold,
        Self::GreaterThanOrEqualToThreshold,
        Self::LessThanThreshold,
        Self::LessThanOrEqualToThreshold,
        Self::LessThanLowerOrGreaterThanUpperThreshold,
        Self::LessThanLowerThreshold,
        Self::GreaterThanUpperThreshold,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::GreaterThanOrEqualToThreshold => "GreaterThanOrEqualToThreshold",
            Self::GreaterThanThreshold => "GreaterThanThreshold",
            Self::LessThanThreshold => "LessThanThreshold",
            Self::LessThanOrEqualToThreshold => "LessThanOrEqualToThreshold",
            Self::LessThanLowerOrGreaterThanUpperThreshold => {
                "LessThanLowerOrGreaterThanUpperThreshold"
            }
            Self::LessThanLowerThreshold => "LessThanLowerThreshold",
            Self::GreaterThanUpperThreshold => "GreaterThanUpperThreshold",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == s)
    }

    /// Compares with an anomaly-detection band rather than a fixed threshold.
    pub fn is_band(self) -> bool {
        self.comparison().is_none()
    }

    /// The fixed-threshold comparison, `None` for bands.
    pub fn comparison(self) -> Option<Comparison> {
        match self {
            Self::GreaterThanOrEqualToThreshold => Some(Comparison::GreaterThanOrEqualToThreshold),
            Self::GreaterThanThreshold => Some(Comparison::GreaterThanThreshold),
            Self::LessThanThreshold => Some(Comparison::LessThanThreshold),
            Self::LessThanOrEqualToThreshold => Some(Comparison::LessThanOrEqualToThreshold),
            _ => None,
        }
    }

    pub fn from_comparison(c: Comparison) -> Self {
        match c {
            Comparison::GreaterThanOrEqualToThreshold => Self::GreaterThanOrEqualToThreshold,
            Comparison::GreaterThanThreshold => Self::GreaterThanThreshold,
            Comparison::LessThanThreshold => Self::LessThanThreshold,
            Comparison::LessThanOrEqualToThreshold => Self::LessThanOrEqualToThreshold,
        }
    }

    /// Alarms on a value falling (`low`) or rising (`high`), for suggested names.
    pub fn direction(self) -> &'static str {
        match self {
            Self::LessThanThreshold | Self::LessThanOrEqualToThreshold => "low",
            Self::LessThanLowerThreshold => "low",
            Self::LessThanLowerOrGreaterThanUpperThreshold => "band",
            _ => "high",
        }
    }
}

/// `TreatMissingData`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MissingData {
    Missing,
    NotBreaching,
    Breaching,
    Ignore,
}

impl MissingData {
    pub const ALL: [MissingData; 4] = [
        Self::Missing,
        Self::NotBreaching,
        Self::Breaching,
        Self::Ignore,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Missing => "missing",
            Self::NotBreaching => "notBreaching",
            Self::Breaching => "breaching",
            Self::Ignore => "ignore",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == s)
    }
}

/// PutMetricAlarm: a new alarm, or an existing one overwritten whole (`edit`).
#[derive(Debug, Clone, PartialEq)]
pub struct PutAlarm {
    /// The account the alarm lives in (and the request goes to).
    pub alarm_account: AccountId,
    /// Exactly as it will be sent; for an edit, the alarm's name as AWS returned it.
    pub name: String,
    /// The watched metric: its account, namespace, name, dimensions, statistic and period.
    pub series: SeriesKey,
    pub operator: Operator,
    /// The threshold, or for a band the band's width in standard deviations.
    pub threshold: f64,
    pub evaluation_periods: u32,
    pub datapoints_to_alarm: u32,
    pub missing: MissingData,
    /// Sent as is: PutMetricAlarm without it would turn a muted alarm's actions back on.
    pub actions_enabled: bool,
    pub alarm_actions: Vec<String>,
    pub ok_actions: Vec<String>,
    /// Kept as they were by an edit (the form does not show them).
    pub insufficient_data_actions: Vec<String>,
    pub unit: Option<String>,
    pub description: String,
    /// Ignored by AWS when an alarm is overwritten, so an edit sends none.
    pub tags: Vec<(String, String)>,
    /// Overwrites the alarm of this name (said in the confirmation).
    pub edit: bool,
}

impl PutAlarm {
    /// The `Metrics[]` form: needed when the alarm lives in another account than its metric
    /// (a cross-account alarm in the monitoring account) and for anomaly bands.
    pub fn uses_metrics_form(&self) -> bool {
        self.alarm_account != self.series.account_id || self.operator.is_band()
    }
}

/// One mutating request.
#[derive(Debug, Clone, PartialEq)]
pub enum AlarmWrite {
    Put(Box<PutAlarm>),
    /// EnableAlarmActions (`enabled`) or DisableAlarmActions on alarms of one account.
    SetActions {
        account_id: AccountId,
        /// As AWS returned them.
        ids: Vec<String>,
        enabled: bool,
        /// The region they live in: the request goes there.
        region: crate::source::model::Region,
    },
    DeleteAlarms {
        account_id: AccountId,
        ids: Vec<String>,
        /// The region they live in: the request goes there.
        region: crate::source::model::Region,
    },
    /// PutAlarmMuteRule: a mute with an end (or a maintenance window), created or changed.
    PutMuteRule(Box<PutMuteRule>),
    /// DeleteAlarmMuteRule: the rule's alarms are no longer muted by it.
    DeleteMuteRule {
        account_id: AccountId,
        /// The rule's name as AWS returned it.
        name: String,
        /// The region they live in: the request goes there.
        region: crate::source::model::Region,
    },
}

impl AlarmWrite {
    /// The API operation, as CloudWatch names it.
    pub fn operation(&self) -> &'static str {
        match self {
            Self::Put(_) => "PutMetricAlarm",
            Self::SetActions { enabled: true, .. } => "EnableAlarmActions",
            Self::SetActions { enabled: false, .. } => "DisableAlarmActions",
            Self::DeleteAlarms { .. } => "DeleteAlarms",
            Self::PutMuteRule(_) => "PutAlarmMuteRule",
            Self::DeleteMuteRule { .. } => "DeleteAlarmMuteRule",
        }
    }

    /// The IAM action the call needs, named when AWS denies it.
    pub fn iam_action(&self) -> String {
        format!("cloudwatch:{}", self.operation())
    }

    /// The account the request is sent to.
    pub fn account_id(&self) -> &str {
        match self {
            Self::Put(p) => &p.alarm_account,
            Self::SetActions { account_id, .. }
            | Self::DeleteAlarms { account_id, .. }
            | Self::DeleteMuteRule { account_id, .. } => account_id,
            Self::PutMuteRule(p) => &p.account_id,
        }
    }

    /// What the request changes, as AWS names it: alarms, or a mute rule.
    pub fn alarm_ids(&self) -> Vec<&str> {
        match self {
            Self::Put(p) => vec![p.name.as_str()],
            Self::SetActions { ids, .. } | Self::DeleteAlarms { ids, .. } => {
                ids.iter().map(String::as_str).collect()
            }
            Self::PutMuteRule(p) => vec![p.name.as_str()],
            Self::DeleteMuteRule { name, .. } => vec![name.as_str()],
        }
    }

    /// The request's parameters as they are sent, in CloudWatch's field names.
    pub fn parameters(&self) -> Value {
        match self {
            Self::Put(p) => put_parameters(p),
            Self::SetActions { ids, .. } | Self::DeleteAlarms { ids, .. } => {
                json!({ "AlarmNames": ids })
            }
            Self::PutMuteRule(p) => p.parameters(),
            Self::DeleteMuteRule { name, .. } => json!({ "AlarmMuteRuleName": name }),
        }
    }
}

fn dimensions_json(series: &SeriesKey) -> Value {
    Value::Array(
        series
            .dimensions
            .iter()
            .map(|(k, v)| json!({ "Name": k, "Value": v }))
            .collect(),
    )
}

/// The id of the queried metric in the `Metrics[]` form, and of the band expression.
pub const METRIC_ID: &str = "m1";
pub const BAND_ID: &str = "ad1";

/// The band expression of an anomaly alarm of `width` standard deviations.
pub fn band_expression(width: f64) -> String {
    format!("ANOMALY_DETECTION_BAND({METRIC_ID}, {width})")
}

fn put_parameters(p: &PutAlarm) -> Value {
    let mut v = serde_json::Map::new();
    v.insert("AlarmName".into(), json!(p.name));
    if !p.description.is_empty() {
        v.insert("AlarmDescription".into(), json!(p.description));
    }
    v.insert("ActionsEnabled".into(), json!(p.actions_enabled));
    v.insert("AlarmActions".into(), json!(p.alarm_actions));
    v.insert("OKActions".into(), json!(p.ok_actions));
    if !p.insufficient_data_actions.is_empty() {
        v.insert(
            "InsufficientDataActions".into(),
            json!(p.insufficient_data_actions),
        );
    }
    if let Some(unit) = &p.unit {
        v.insert("Unit".into(), json!(unit));
    }
    if p.uses_metrics_form() {
        let mut metric = json!({
            "Id": METRIC_ID,
            "MetricStat": {
                "Metric": {
                    "Namespace": p.series.namespace,
                    "MetricName": p.series.metric,
                    "Dimensions": dimensions_json(&p.series),
                },
                "Period": p.series.period,
                "Stat": p.series.stat.as_str(),
            },
            "ReturnData": true,
        });
        if p.alarm_account != p.series.account_id {
            metric["AccountId"] = json!(p.series.account_id);
        }
        let mut metrics = vec![metric];
        if p.operator.is_band() {
            metrics.push(json!({
                "Id": BAND_ID,
                "Expression": band_expression(p.threshold),
                "ReturnData": true,
            }));
            v.insert("ThresholdMetricId".into(), json!(BAND_ID));
        }
        v.insert("Metrics".into(), Value::Array(metrics));
    } else {
        v.insert("Namespace".into(), json!(p.series.namespace));
        v.insert("MetricName".into(), json!(p.series.metric));
        v.insert("Dimensions".into(), dimensions_json(&p.series));
        v.insert("Statistic".into(), json!(p.series.stat.as_str()));
        v.insert("Period".into(), json!(p.series.period));
    }
    if !p.operator.is_band() {
        v.insert("Threshold".into(), json!(p.threshold));
    }
    v.insert("ComparisonOperator".into(), json!(p.operator.as_str()));
    v.insert("EvaluationPeriods".into(), json!(p.evaluation_periods));
    v.insert("DatapointsToAlarm".into(), json!(p.datapoints_to_alarm));
    v.insert("TreatMissingData".into(), json!(p.missing.as_str()));
    if !p.tags.is_empty() && !p.edit {
        let tags: Vec<Value> = p
            .tags
            .iter()
            .map(|(k, v)| json!({ "Key": k, "Value": v }))
            .collect();
        v.insert("Tags".into(), Value::Array(tags));
    }
    Value::Object(v)
}

/// Which accounts an alarm on a metric can live in.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Placement {
    /// The account the console runs in.
    pub monitoring: AccountId,
    /// CloudWatch cross-account observability: the monitoring account sees source metrics
    /// and can alarm on them with the `Metrics[]` form.
    pub oam: bool,
    /// Accounts the console holds credentials for (a role or a profile).
    pub credentialed: Vec<AccountId>,
    /// SageMaker can be changed in every account without a role (the demo organisation).
    pub acts_everywhere: bool,
}

impl Placement {
    /// Whether SageMaker (Model Monitor) can be changed in `account`: it needs credentials
    /// in that very account, since OAM shares no SageMaker.
    pub fn can_act_in(&self, account: &str) -> bool {
        self.acts_everywhere
            || account == self.monitoring
            || self.credentialed.iter().any(|a| a == account)
    }

    /// Where an alarm on a metric of `metric_account` can live, the default first: the
    /// monitoring account through OAM, else the metric's own account through its role.
    pub fn homes(&self, metric_account: &str) -> Vec<AccountId> {
        if metric_account == self.monitoring {
            return vec![self.monitoring.clone()];
        }
        let mut out = Vec::new();
        if self.oam {
            out.push(self.monitoring.clone());
        }
        if self.credentialed.iter().any(|a| a == metric_account) {
            out.push(metric_account.to_owned());
        }
        out
    }
}

// ---- validation, shared by the form and the shell subcommands ----

/// CloudWatch's limit on alarm names.
pub const MAX_NAME_CHARS: usize = 255;
pub const MAX_DESCRIPTION_CHARS: usize = 1024;
/// AWS's limit on actions of each kind.
pub const MAX_ACTIONS: usize = 5;

pub fn check_name(name: &str) -> Result<(), String> {
    if name.trim().is_empty() {
        return Err("an alarm name is required".into());
    }
    let chars = name.chars().count();
    if chars > MAX_NAME_CHARS {
        return Err(format!(
            "at most {MAX_NAME_CHARS} characters (this is {chars})"
        ));
    }
    // A hidden character would make a name that draws like another one, and that cannot be
    // typed back to delete it.
    if let Some(hidden) = crate::sanitize::first_hidden(name) {
        return Err(format!(
            "only visible characters: {hidden} (no tabs, newlines, escapes, bidi or zero-width characters)"
        ));
    }
    Ok(())
}

pub fn check_description(text: &str) -> Result<(), String> {
    let chars = text.chars().count();
    if chars > MAX_DESCRIPTION_CHARS {
        return Err(format!("at most {MAX_DESCRIPTION_CHARS} characters"));
    }
    if let Some(hidden) = crate::sanitize::first_hidden(text) {
        return Err(format!("only visible characters: {hidden}"));
    }
    Ok(())
}

/// 10, 30, or a multiple of 60 seconds.
pub fn check_period(secs: f64) -> Result<u32, String> {
    let ok = secs.fract() == 0.0
        && secs > 0.0
        && secs <= 86_400.0
        && (secs == 10.0 || secs == 30.0 || secs % 60.0 == 0.0);
    if ok {
        Ok(secs as u32)
    } else {
        Err("10, 30, or a multiple of 60 seconds (up to 86400)".into())
    }
}

/// CloudWatch bounds how far back an alarm looks: one day for periods under an hour, seven
/// days for hourly and longer.
pub fn check_window(period: u32, evaluation_periods: u32) -> Result<(), String> {
    let limit: u64 = if period >= 3600 { 7 * 86_400 } else { 86_400 };
    let window = u64::from(period) * u64::from(evaluation_periods);
    if window > limit {
        let max = limit / u64::from(period.max(1));
        return Err(format!(
            "at most {max} periods of {period} s (evaluation looks back at most {} days)",
            limit / 86_400
        ));
    }
    Ok(())
}

pub fn check_datapoints(datapoints: u32, evaluation_periods: u32) -> Result<(), String> {
    if datapoints == 0 || datapoints > evaluation_periods {
        return Err(format!(
            "from 1 to the evaluation periods ({evaluation_periods})"
        ));
    }
    Ok(())
}

/// An SNS topic ARN in `region` (alarms cannot act across regions).
pub fn check_topic_arn(arn: &str, region: &str) -> Result<(), String> {
    let parts: Vec<&str> = arn.split(':').collect();
    let shape = parts.len() == 6
        && parts[0] == "arn"
        && matches!(parts[1], "aws" | "aws-cn" | "aws-us-gov")
        && parts[2] == "sns"
        && parts[4].len() == 12
        && parts[4].bytes().all(|b| b.is_ascii_digit())
        && !parts[5].is_empty()
        && parts[5]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !shape {
        return Err(format!(
            "an SNS topic ARN: arn:aws:sns:{region}:ACCOUNT:TOPIC (got {})",
            crate::sanitize::clean(arn)
        ));
    }
    if parts[3] != region {
        return Err(format!(
            "the topic is in {}, the alarm in {region}: alarms act only in their own region",
            crate::sanitize::clean(parts[3])
        ));
    }
    Ok(())
}

/// A comma- or space-separated list of topic ARNs.
pub fn parse_topics(text: &str, region: &str) -> Result<Vec<String>, String> {
    parse_actions(text, region, &[])
}

/// Like `parse_topics`, but the actions in `kept` (an edited alarm's own: a Lambda, an EC2
/// action, an SSM incident) pass unchecked: the form only adds SNS topics.
pub fn parse_actions(text: &str, region: &str, kept: &[&str]) -> Result<Vec<String>, String> {
    let arns: Vec<String> = text
        .split([',', ' '])
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    if arns.len() > MAX_ACTIONS {
        return Err(format!("at most {MAX_ACTIONS} actions"));
    }
    for a in arns.iter().filter(|a| !kept.contains(&a.as_str())) {
        check_topic_arn(a, region)?;
    }
    Ok(arns)
}

/// `key=value` pairs separated by commas.
pub fn parse_tags(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for pair in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let Some((k, v)) = pair.split_once('=') else {
            return Err(format!("key=value pairs, comma-separated (got {pair:?})"));
        };
        let (k, v) = (k.trim(), v.trim());
        if k.is_empty() || k.chars().count() > 128 || v.chars().count() > 256 {
            return Err("tag keys 1-128 characters, values up to 256".into());
        }
        if let Some(hidden) = crate::sanitize::first_hidden(pair) {
            return Err(format!(
                "only visible characters in tags: {hidden} of tag {:?}",
                crate::sanitize::clean(pair)
            ));
        }
        out.push((k.to_owned(), v.to_owned()));
    }
    Ok(out)
}

/// `<account label>-<endpoint>-<metric>[-<variant>]-<low|high>`, cut to CloudWatch's limit.
/// `variant` is given when the endpoint has several: an alarm watches one of them, and its
/// name should say which.
pub fn suggested_name(
    label: &str,
    endpoint: &str,
    metric: &str,
    variant: Option<&str>,
    operator: Operator,
) -> String {
    let variant = variant.map(|v| format!("-{v}")).unwrap_or_default();
    let name = format!(
        "{label}-{endpoint}-{metric}{variant}-{}",
        operator.direction()
    );
    crate::sanitize::clean(&name)
        .chars()
        .take(MAX_NAME_CHARS)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::model::Stat;

    fn put(alarm_account: &str, metric_account: &str) -> PutAlarm {
        PutAlarm {
            alarm_account: alarm_account.into(),
            name: "prod-fraud-accuracy-low".into(),
            series: SeriesKey::new(
                metric_account,
                "aws/sagemaker/Endpoints/model-metrics",
                "accuracy",
                &[("Endpoint", "fraud"), ("MonitoringSchedule", "fraud-mq")],
                Stat::Average,
                3600,
            ),
            operator: Operator::LessThanThreshold,
            threshold: 0.8,
            evaluation_periods: 3,
            datapoints_to_alarm: 2,
            missing: MissingData::NotBreaching,
            actions_enabled: true,
            alarm_actions: vec!["arn:aws:sns:eu-west-1:100000000000:oncall".into()],
            ok_actions: vec![],
            insufficient_data_actions: vec![],
            unit: None,
            description: String::new(),
            tags: vec![("team".into(), "ml".into())],
            edit: false,
        }
    }

    #[test]
    fn an_alarm_in_the_metrics_account_uses_the_plain_form() {
        let p = put("111111111111", "111111111111");
        let v = AlarmWrite::Put(Box::new(p)).parameters();
        assert_eq!(v["MetricName"], "accuracy");
        assert_eq!(v["Statistic"], "Average");
        assert_eq!(v["Period"], 3600);
        assert_eq!(v["Dimensions"][0]["Name"], "Endpoint");
        assert_eq!(v["Threshold"], 0.8);
        assert_eq!(v["Tags"][0]["Key"], "team");
        assert!(v.get("Metrics").is_none());
    }

    #[test]
    fn a_cross_account_alarm_uses_metrics_with_the_source_account_and_one_returned_query() {
        let p = put("100000000000", "111111111111");
        let v = AlarmWrite::Put(Box::new(p)).parameters();
        let metrics = v["Metrics"].as_array().unwrap();
        assert_eq!(metrics.len(), 1);
        assert_eq!(metrics[0]["AccountId"], "111111111111");
        assert_eq!(metrics[0]["ReturnData"], true);
        assert_eq!(metrics[0]["MetricStat"]["Stat"], "Average");
        // With Metrics[] none of the single-metric fields may be sent.
        for field in [
            "MetricName",
            "Namespace",
            "Dimensions",
            "Statistic",
            "Period",
        ] {
            assert!(v.get(field).is_none(), "{field} must not be sent");
        }
    }

    #[test]
    fn a_band_alarm_queries_the_band_and_has_no_threshold() {
        let mut p = put("111111111111", "111111111111");
        p.operator = Operator::LessThanLowerOrGreaterThanUpperThreshold;
        p.threshold = 2.0;
        let v = AlarmWrite::Put(Box::new(p)).parameters();
        assert_eq!(v["ThresholdMetricId"], BAND_ID);
        assert_eq!(
            v["Metrics"][1]["Expression"],
            "ANOMALY_DETECTION_BAND(m1, 2)"
        );
        assert!(v.get("Threshold").is_none());
    }

    #[test]
    fn an_edit_sends_no_tags_and_keeps_actions_enabled_as_they_were() {
        let mut p = put("111111111111", "111111111111");
        p.edit = true;
        p.actions_enabled = false;
        let v = AlarmWrite::Put(Box::new(p)).parameters();
        assert!(v.get("Tags").is_none());
        assert_eq!(v["ActionsEnabled"], false);
    }

    #[test]
    fn periods_names_arns_and_datapoints_are_checked() {
        assert!(check_period(10.0).is_ok() && check_period(30.0).is_ok());
        assert!(check_period(120.0).is_ok());
        assert!(check_period(45.0).is_err() && check_period(0.0).is_err());
        assert!(check_period(60.5).is_err());
        assert!(check_name(&"a".repeat(255)).is_ok());
        assert!(check_name(&"a".repeat(256)).is_err());
        assert!(check_name("evil\u{202e}name").is_err());
        // Zero-width and other invisible characters: `cpu\u{200B}high` draws as `cpuhigh`.
        for hidden in [
            "cpu\u{200b}high",
            "\u{feff}cpu",
            "cpu\u{2060}",
            "cpu\u{ad}high",
        ] {
            let e = check_name(hidden).unwrap_err();
            assert!(e.contains("invisible character"), "{e}");
        }
        assert!(check_description("owner\u{200d}team").is_err());
        assert!(check_name("tab\tname").is_err());
        assert!(check_name("  ").is_err());
        assert!(check_topic_arn("arn:aws:sns:eu-west-1:123456789012:oncall", "eu-west-1").is_ok());
        let other = check_topic_arn("arn:aws:sns:us-east-1:123456789012:oncall", "eu-west-1");
        assert!(other.unwrap_err().contains("us-east-1"));
        assert!(check_topic_arn("arn:aws:sqs:eu-west-1:123456789012:q", "eu-west-1").is_err());
        assert!(check_datapoints(3, 3).is_ok());
        assert!(check_datapoints(4, 3).is_err());
        assert!(check_window(60, 1440).is_ok());
        assert!(check_window(60, 1441).is_err());
        assert!(check_window(3600, 168).is_ok());
        assert_eq!(
            parse_tags("team=ml, env = prod").unwrap(),
            vec![("team".into(), "ml".into()), ("env".into(), "prod".into())]
        );
        assert!(parse_tags("team").is_err());
    }

    #[test]
    fn an_alarm_lives_in_the_monitoring_account_through_oam_or_in_its_own_through_a_role() {
        let p = Placement {
            monitoring: "100000000000".into(),
            oam: true,
            credentialed: vec!["111111111111".into()],
            acts_everywhere: false,
        };
        assert_eq!(
            p.homes("111111111111"),
            vec!["100000000000", "111111111111"]
        );
        assert_eq!(p.homes("222222222222"), vec!["100000000000"]);
        assert_eq!(p.homes("100000000000"), vec!["100000000000"]);
        let fanout = Placement { oam: false, ..p };
        assert_eq!(fanout.homes("111111111111"), vec!["111111111111"]);
        assert!(fanout.homes("222222222222").is_empty());
    }

    #[test]
    fn suggested_names_say_which_way_the_metric_goes() {
        assert_eq!(
            suggested_name(
                "prod",
                "fraud",
                "accuracy",
                None,
                Operator::LessThanThreshold
            ),
            "prod-fraud-accuracy-low"
        );
        assert_eq!(
            suggested_name(
                "prod",
                "fraud",
                "CPUUtilization",
                None,
                Operator::GreaterThanThreshold
            ),
            "prod-fraud-CPUUtilization-high"
        );
        assert_eq!(
            suggested_name(
                "prod",
                "fraud",
                "CPUUtilization",
                Some("green"),
                Operator::GreaterThanThreshold
            ),
            "prod-fraud-CPUUtilization-green-high"
        );
    }
}
