//! The reports a monitoring run leaves in S3, parsed: `constraint_violations.json` (what
//! broke) and the baseline's `constraints.json` (every threshold). Both are data from a
//! bucket: read at most `REPORT_CAP` bytes, salvage the complete entries of a file cut
//! there, turn a malformed file into a message, and clean every string.

use crate::sanitize::Sanitize;
use serde::Deserialize;
use serde_json::Value;

/// The most of one report that is read (a real one is a few KB).
pub const REPORT_CAP: usize = 1024 * 1024;

/// One broken constraint.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    /// `metric_name` (model quality, bias) or `feature_name` (data quality).
    pub subject: String,
    /// `LessThanThreshold`, `baseline_drift_check`, ...
    pub check: String,
    /// The value the run observed, when the description states it.
    pub observed: Option<f64>,
    /// The threshold it broke, from the description or the baseline.
    pub threshold: Option<f64>,
    pub description: String,
}

/// A run's violations as read from its report.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ViolationReport {
    /// Where it was read (`s3://bucket/key`).
    pub uri: String,
    pub violations: Vec<Violation>,
    /// The report's full size when it was larger than `REPORT_CAP` and cut.
    pub cut_at: Option<u64>,
}

/// One threshold of the baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct Constraint {
    pub subject: String,
    /// The comparison (`LessThanThreshold`) or the check (`completeness`).
    pub check: String,
    pub threshold: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Baseline {
    pub uri: String,
    pub constraints: Vec<Constraint>,
    pub cut_at: Option<u64>,
}

/// Why a report could not be read as one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    #[error("{file} is not JSON: {detail}")]
    NotJson { file: &'static str, detail: String },
    #[error("{file} has no {field} list")]
    Shape {
        file: &'static str,
        field: &'static str,
    },
}

#[derive(Deserialize)]
struct RawViolation {
    #[serde(default)]
    metric_name: Option<String>,
    #[serde(default)]
    feature_name: Option<String>,
    #[serde(default)]
    constraint_check_type: Option<String>,
    #[serde(default)]
    description: Option<String>,
}

/// Parses `constraint_violations.json`. `cut` says the text stops at the cap: the complete
/// entries before the cut are kept.
pub fn parse_violations(text: &str, cut: bool) -> Result<Vec<Violation>, ReportError> {
    const FILE: &str = "constraint_violations.json";
    let raws: Vec<RawViolation> = if cut {
        salvage(text, "violations")
    } else {
        let v: Value = serde_json::from_str(text).map_err(|e| ReportError::NotJson {
            file: FILE,
            detail: e.to_string(),
        })?;
        let list = v
            .get("violations")
            .and_then(Value::as_array)
            .ok_or(ReportError::Shape {
                file: FILE,
                field: "violations",
            })?;
        list.iter()
            .filter_map(|x| serde_json::from_value(x.clone()).ok())
            .collect()
    };
    Ok(raws.into_iter().map(violation).collect())
}

fn violation(raw: RawViolation) -> Violation {
    let description = raw.description.unwrap_or_default();
    let mut v = Violation {
        subject: raw.metric_name.or(raw.feature_name).unwrap_or_default(),
        check: raw.constraint_check_type.unwrap_or_default(),
        observed: observed_in(&description),
        threshold: threshold_in(&description),
        description,
    };
    v.sanitize();
    v
}

/// The complete elements of the array under `field` in a JSON text cut short.
fn salvage<T: for<'de> Deserialize<'de>>(text: &str, field: &str) -> Vec<T> {
    let Some(at) = text.find(&format!("\"{field}\"")) else {
        return Vec::new();
    };
    let Some(open) = text[at..].find('[') else {
        return Vec::new();
    };
    let mut pos = at + open + 1;
    let mut out = Vec::new();
    loop {
        let rest = text[pos..].trim_start_matches(|c: char| c.is_whitespace() || c == ',');
        pos = text.len() - rest.len();
        if rest.is_empty() || rest.starts_with(']') {
            break;
        }
        let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<Value>();
        match stream.next() {
            Some(Ok(v)) => {
                pos += stream.byte_offset();
                if let Ok(item) = serde_json::from_value(v) {
                    out.push(item);
                }
            }
            // The entry the cut went through, or garbage: stop at what was whole.
            _ => break,
        }
    }
    out
}

/// The observed value in a Model Monitor description: `Metric accuracy with 0.778 +/- 0.01
/// was LessThanThreshold '0.85'`, `Baseline drift distance: 0.25 exceeds threshold: 0.1`.
pub fn observed_in(description: &str) -> Option<f64> {
    number_after(description, "with ").or_else(|| number_after(description, "distance: "))
}

/// The threshold in a description: the quoted number, else the one after `threshold`.
pub fn threshold_in(description: &str) -> Option<f64> {
    let quoted = description
        .split('\'')
        .nth(1)
        .and_then(|q| q.trim().parse().ok());
    quoted
        .or_else(|| number_after(description, "threshold: "))
        .or_else(|| number_after(description, "threshold "))
}

fn number_after(text: &str, marker: &str) -> Option<f64> {
    let start = text.find(marker)? + marker.len();
    let rest = &text[start..];
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E')))
        .unwrap_or(rest.len());
    rest[..end].parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Parses a baseline `constraints.json`: model quality (`*_constraints: {metric: {threshold,
/// comparison_operator}}`) and data quality (`features: [{name, completeness}]` plus the
/// drift threshold of `monitoring_config`).
pub fn parse_constraints(text: &str, cut: bool) -> Result<Vec<Constraint>, ReportError> {
    const FILE: &str = "constraints.json";
    if cut {
        // A cut baseline keeps the features that were whole (model-quality baselines are
        // tiny and never reach the cap).
        let features: Vec<Value> = salvage(text, "features");
        return Ok(features.iter().filter_map(feature_constraint).collect());
    }
    let v: Value = serde_json::from_str(text).map_err(|e| ReportError::NotJson {
        file: FILE,
        detail: e.to_string(),
    })?;
    let Some(root) = v.as_object() else {
        return Err(ReportError::Shape {
            file: FILE,
            field: "constraints",
        });
    };
    let mut out = Vec::new();
    for (key, group) in root {
        if !key.ends_with("_constraints") {
            continue;
        }
        let Some(metrics) = group.as_object() else {
            continue;
        };
        for (metric, c) in metrics {
            out.push(Constraint {
                subject: metric.clone(),
                check: c
                    .get("comparison_operator")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                threshold: c.get("threshold").and_then(Value::as_f64),
            });
        }
    }
    if let Some(features) = root.get("features").and_then(Value::as_array) {
        out.extend(features.iter().filter_map(feature_constraint));
    }
    if let Some(t) = root
        .get("monitoring_config")
        .and_then(|m| m.get("distribution_constraints"))
        .and_then(|d| d.get("comparison_threshold"))
        .and_then(Value::as_f64)
    {
        out.push(Constraint {
            subject: EVERY_FEATURE.into(),
            check: "baseline_drift_check".into(),
            threshold: Some(t),
        });
    }
    out.sanitize();
    Ok(out)
}

fn feature_constraint(f: &Value) -> Option<Constraint> {
    let mut c = Constraint {
        subject: f.get("name")?.as_str()?.to_owned(),
        check: "completeness".into(),
        threshold: f.get("completeness").and_then(Value::as_f64),
    };
    c.sanitize();
    Some(c)
}

impl Sanitize for Violation {
    fn sanitize(&mut self) {
        self.subject.sanitize();
        self.check.sanitize();
        self.description.sanitize();
    }
}

impl Sanitize for Constraint {
    fn sanitize(&mut self) {
        self.subject.sanitize();
        self.check.sanitize();
    }
}

impl Sanitize for ViolationReport {
    fn sanitize(&mut self) {
        self.uri.sanitize();
        self.violations.sanitize();
    }
}

impl Sanitize for Baseline {
    fn sanitize(&mut self) {
        self.uri.sanitize();
        self.constraints.sanitize();
    }
}

/// A violations report from the bytes read (at most `REPORT_CAP`) of an object of
/// `total` bytes.
pub fn violations_from_bytes(
    uri: &str,
    bytes: &[u8],
    total: u64,
) -> Result<ViolationReport, ReportError> {
    let (text, cut) = capped_text(bytes, total);
    let mut report = ViolationReport {
        uri: uri.to_owned(),
        violations: parse_violations(&text, cut)?,
        cut_at: cut.then_some(total),
    };
    report.uri.sanitize();
    Ok(report)
}

/// A baseline from the bytes read of an object of `total` bytes.
pub fn baseline_from_bytes(uri: &str, bytes: &[u8], total: u64) -> Result<Baseline, ReportError> {
    let (text, cut) = capped_text(bytes, total);
    let mut baseline = Baseline {
        uri: uri.to_owned(),
        constraints: parse_constraints(&text, cut)?,
        cut_at: cut.then_some(total),
    };
    baseline.uri.sanitize();
    Ok(baseline)
}

/// The text of at most `REPORT_CAP` bytes, and whether the object was longer. Invalid
/// UTF-8 becomes U+FFFD rather than an error: the parser then says what is wrong.
fn capped_text(bytes: &[u8], total: u64) -> (String, bool) {
    let take = bytes.len().min(REPORT_CAP);
    let cut = total > take as u64 || bytes.len() > REPORT_CAP;
    (String::from_utf8_lossy(&bytes[..take]).into_owned(), cut)
}

/// `s3://bucket/key` split; `None` for anything else.
pub fn split_s3_uri(uri: &str) -> Option<(&str, &str)> {
    let rest = uri.strip_prefix("s3://")?;
    let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
    (!bucket.is_empty()).then_some((bucket, key))
}

/// The key of a report under a processing job's output prefix.
pub fn report_key(prefix: &str, file: &str) -> String {
    let prefix = prefix.trim_end_matches('/');
    if prefix.is_empty() {
        file.to_owned()
    } else {
        format!("{prefix}/{file}")
    }
}

/// What a data-quality baseline's drift threshold applies to.
pub const EVERY_FEATURE: &str = "every feature";

impl Constraint {
    /// Whether `v` broke this constraint: the same metric or feature and check, or a drift
    /// of any feature against the baseline's one drift threshold.
    pub fn broken_by(&self, v: &Violation) -> bool {
        self.check == v.check && (self.subject == v.subject || self.subject == EVERY_FEATURE)
    }
}

/// Fills in each violation's threshold from the baseline where its description had none.
pub fn with_baseline(violations: &mut [Violation], baseline: &Baseline) {
    for v in violations.iter_mut().filter(|v| v.threshold.is_none()) {
        v.threshold = baseline
            .constraints
            .iter()
            .find(|c| c.broken_by(v))
            .and_then(|c| c.threshold);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MODEL_QUALITY: &str = r#"{"violations":[{"constraint_check_type":"LessThanThreshold",
        "description":"Metric accuracy with 0.778 +/- 0.0021 was LessThanThreshold '0.85'",
        "metric_name":"accuracy"}]}"#;

    #[test]
    fn a_model_quality_violation_says_what_broke_and_by_how_much() {
        let v = parse_violations(MODEL_QUALITY, false).unwrap();
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].subject, "accuracy");
        assert_eq!(v[0].check, "LessThanThreshold");
        assert_eq!(v[0].observed, Some(0.778));
        assert_eq!(v[0].threshold, Some(0.85));
    }

    #[test]
    fn a_data_quality_violation_names_its_feature() {
        let text = r#"{"violations":[{"feature_name":"age","constraint_check_type":
            "baseline_drift_check","description":"Baseline drift distance: 0.25 exceeds threshold: 0.1"}]}"#;
        let v = parse_violations(text, false).unwrap();
        assert_eq!(v[0].subject, "age");
        assert_eq!(v[0].observed, Some(0.25));
        assert_eq!(v[0].threshold, Some(0.1));
    }

    #[test]
    fn a_malformed_report_is_a_message_not_a_panic() {
        let e = parse_violations("{\"violations\": [", false).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("constraint_violations.json is not JSON")
        );
        let e = parse_violations("{\"other\": 1}", false).unwrap_err();
        assert_eq!(
            e.to_string(),
            "constraint_violations.json has no violations list"
        );
        assert!(parse_violations("", false).is_err());
    }

    #[test]
    fn a_cut_report_keeps_its_whole_entries() {
        let one =
            r#"{"metric_name":"m","constraint_check_type":"LessThanThreshold","description":"x"}"#;
        let text = format!("{{\"violations\": [{one}, {one},\n {one}, {{\"metric_name\": \"cut");
        let v = parse_violations(&text, true).unwrap();
        assert_eq!(v.len(), 3);
    }

    #[test]
    fn hostile_strings_are_cleaned() {
        let text = "{\"violations\":[{\"metric_name\":\"acc\\u001b]52;c;x\\u0007\",\
                    \"constraint_check_type\":\"\\u009b2J\",\"description\":\"a\\u202eb\"}]}";
        let v = parse_violations(text, false).unwrap();
        for s in [&v[0].subject, &v[0].check, &v[0].description] {
            assert!(!s.chars().any(crate::sanitize::needs_replacing), "{s:?}");
        }
    }

    #[test]
    fn an_oversized_report_says_it_was_cut_and_keeps_what_was_whole() {
        let one =
            r#"{"metric_name":"m","constraint_check_type":"LessThanThreshold","description":"d"},"#;
        let mut text = String::from("{\"violations\": [");
        while text.len() < REPORT_CAP + 10_000 {
            text.push_str(one);
        }
        let r = violations_from_bytes("s3://b/k", text.as_bytes(), text.len() as u64).unwrap();
        assert_eq!(r.cut_at, Some(text.len() as u64));
        assert!(r.violations.len() > 10_000);
        assert!(r.violations.len() < text.len() / one.len());
    }

    #[test]
    fn s3_uris_split_into_bucket_and_key() {
        assert_eq!(split_s3_uri("s3://b/a/b/c"), Some(("b", "a/b/c")));
        assert_eq!(split_s3_uri("s3://b"), Some(("b", "")));
        assert_eq!(split_s3_uri("https://b/a"), None);
        assert_eq!(
            report_key("out/run/", "constraint_violations.json"),
            "out/run/constraint_violations.json"
        );
    }

    #[test]
    fn model_and_data_quality_baselines_give_every_threshold() {
        let mq = r#"{"version":0.0,"binary_classification_constraints":{
            "accuracy":{"threshold":0.85,"comparison_operator":"LessThanThreshold"},
            "f2":{"threshold":0.8,"comparison_operator":"LessThanThreshold"}}}"#;
        let c = parse_constraints(mq, false).unwrap();
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].subject, "accuracy");
        assert_eq!(c[0].threshold, Some(0.85));
        let dq = r#"{"features":[{"name":"age","inferred_type":"Integral","completeness":1.0}],
            "monitoring_config":{"distribution_constraints":{"comparison_threshold":0.1}}}"#;
        let c = parse_constraints(dq, false).unwrap();
        assert_eq!(c[0].subject, "age");
        assert_eq!(c[1].check, "baseline_drift_check");
        assert_eq!(c[1].threshold, Some(0.1));
    }

    #[test]
    fn a_violation_without_a_stated_threshold_takes_the_baselines() {
        let mut v = parse_violations(
            r#"{"violations":[{"metric_name":"f2","constraint_check_type":"LessThanThreshold","description":"below"}]}"#,
            false,
        )
        .unwrap();
        let b = Baseline {
            constraints: parse_constraints(
                r#"{"x_constraints":{"f2":{"threshold":0.8,"comparison_operator":"LessThanThreshold"}}}"#,
                false,
            )
            .unwrap(),
            ..Baseline::default()
        };
        with_baseline(&mut v, &b);
        assert_eq!(v[0].threshold, Some(0.8));
    }
}
