//! Which logs a context means: an endpoint's group (`/aws/sagemaker/Endpoints/<name>`, streams
//! `<variant>/<instance-id>`) and a monitoring job's (`/aws/sagemaker/ProcessingJobs`, streams
//! prefixed with the job's name); their ARNs as a monitoring account names a source
//! account's groups (without the `:*` the live tail refuses); and the Insights query each
//! context starts with.

/// Where every processing job (Model Monitor's included) logs.
pub const PROCESSING_JOBS_GROUP: &str = "/aws/sagemaker/ProcessingJobs";

/// The log group of an endpoint.
pub fn endpoint_group(endpoint: &str) -> String {
    format!("/aws/sagemaker/Endpoints/{endpoint}")
}

/// A log group by ARN, as StartQuery's `logGroupIdentifiers` and StartLiveTail take them
/// from the monitoring account.
pub fn group_arn(region: &str, account_id: &str, group: &str) -> String {
    let partition = partition(region);
    format!("arn:{partition}:logs:{region}:{account_id}:log-group:{group}")
}

/// The ARN partition of a region: China and GovCloud have their own.
pub fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else if region.starts_with("us-iso-") {
        "aws-iso"
    } else if region.starts_with("us-isob-") {
        "aws-iso-b"
    } else {
        "aws"
    }
}

/// The stream prefix of a processing job's logs: its name (`<job>/algo-1-...`).
pub fn job_stream_prefix(job_name: &str) -> String {
    format!("{job_name}/")
}

/// The first query of an endpoint's logs: errors and warnings first, newest first.
pub fn endpoint_query() -> &'static str {
    "fields @timestamp, @logStream, @message \
     | filter @message like /(?i)(error|exception|traceback|warn)/ \
     | sort @timestamp desc \
     | limit 500"
}

/// The first query of a monitoring run's logs: its own streams, in order. Insights has no
/// stream-prefix parameter, so the prefix is a filter on `@logStream`; the job name is
/// SageMaker's (letters, digits, hyphens), so it needs no escaping inside the regex, and
/// anything else is refused rather than escaped.
pub fn job_query(job_name: &str) -> Option<String> {
    job_stream_filter(job_name).map(|only| {
        format!(
            "fields @timestamp, @logStream, @message \
             | {only} \
             | sort @timestamp asc \
             | limit 2000"
        )
    })
}

/// The Insights filter that keeps a processing job's own streams:
/// `filter @logStream like /^<job>\//`; `None` for a name outside SageMaker's alphabet.
pub fn job_stream_filter(job_name: &str) -> Option<String> {
    let valid = !job_name.is_empty()
        && job_name.len() <= 63
        && job_name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-');
    valid.then(|| format!("filter @logStream like /^{job_name}\\//"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_and_arns_are_named_as_sagemaker_and_logs_name_them() {
        assert_eq!(
            endpoint_group("fraud-detector"),
            "/aws/sagemaker/Endpoints/fraud-detector"
        );
        let arn = group_arn(
            "eu-west-1",
            "111111111111",
            &endpoint_group("fraud-detector"),
        );
        assert_eq!(
            arn,
            "arn:aws:logs:eu-west-1:111111111111:log-group:/aws/sagemaker/Endpoints/fraud-detector"
        );
        assert!(!arn.ends_with(":*"), "the live tail refuses a trailing :*");
        assert!(group_arn("cn-north-1", "1", "g").starts_with("arn:aws-cn:logs:cn-north-1:"));
        assert!(group_arn("us-gov-west-1", "1", "g").starts_with("arn:aws-us-gov:"));
        assert_eq!(
            job_stream_prefix("model-quality-2026"),
            "model-quality-2026/"
        );
    }

    #[test]
    fn a_job_query_takes_only_a_sagemaker_job_name() {
        let q = job_query("fraud-detector-mq-202611261000").unwrap();
        assert!(q.contains("/^fraud-detector-mq-202611261000\\//"), "{q}");
        for bad in ["", "a/b", "x|filter", "a b", "é", &"a".repeat(64)] {
            assert_eq!(job_query(bad), None, "{bad:?}");
        }
        assert!(endpoint_query().contains("sort @timestamp desc"));
    }
}
