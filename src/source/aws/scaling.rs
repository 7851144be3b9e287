//! Application Auto Scaling: the scaling activity of an endpoint's variants
//! (DescribeScalingActivities), read in the endpoint's own account (OAM shares none of it).

use super::error::classify;
use crate::sanitize::Sanitize;
use crate::source::SourceError;
use crate::source::model::{Epoch, ScalingActivity, ScalingStatus};
use aws_sdk_applicationautoscaling::Client;
use aws_sdk_applicationautoscaling::types::{
    self as aas, ScalableDimension, ScalingActivityStatusCode, ServiceNamespace,
};

/// The IAM action the read needs, named when it is denied.
pub const ACTION: &str = "application-autoscaling:DescribeScalingActivities";
/// The largest page DescribeScalingActivities gives.
const PAGE: i32 = 50;
/// Pages read per call at most: 500 of the account's SageMaker activities. A window that
/// holds more (hundreds of variants scaling all day) loses its oldest activities, not the
/// console's responsiveness.
pub const MAX_PAGES: usize = 10;

/// What a variant's scalable resource id starts with (`endpoint/NAME/variant/VARIANT`).
/// Endpoint names cannot hold `/`, so the prefix names one endpoint exactly.
fn resource_prefix(endpoint: &str) -> String {
    format!("endpoint/{endpoint}/variant/")
}

/// The activities of `endpoint`'s variants that started at or after `from`, newest first,
/// cleaned for the terminal. `call` names the operation and account for messages.
///
/// The account's SageMaker activities are asked for as a whole and picked by resource id,
/// rather than variant by variant: a variant removed during the window (a blue/green
/// deployment) still shows, and no DescribeEndpoint is needed to learn the variants.
pub async fn scaling_activities(
    client: &Client,
    endpoint: &str,
    from: Epoch,
    call: &str,
) -> Result<Vec<ScalingActivity>, SourceError> {
    let prefix = resource_prefix(endpoint);
    let mut pages = client
        .describe_scaling_activities()
        .service_namespace(ServiceNamespace::Sagemaker)
        .max_results(PAGE)
        .into_paginator()
        .send();
    let mut out = Vec::new();
    let mut read = 0;
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| {
            let mut e = classify(call, ACTION, e);
            e.sanitize();
            e
        })?;
        read += 1;
        let activities = page.scaling_activities();
        out.extend(
            activities
                .iter()
                .filter_map(|a| of_variant(a, &prefix))
                .filter(|a| a.at >= from),
        );
        // AWS lists the newest first (as its console and CLI show them; the API reference
        // does not promise it, hence the sort below): once a page ends before `from`, the
        // pages after it hold only older activities.
        let reached_from = activities.last().is_some_and(|a| started(a) < from);
        if reached_from || read >= MAX_PAGES {
            break;
        }
    }
    out.sort_by_key(|a| std::cmp::Reverse(a.at));
    Ok(out)
}

fn started(a: &aas::ScalingActivity) -> Epoch {
    a.start_time().secs()
}

/// The activity as the domain has it, when it scaled a variant of the endpoint whose
/// resource ids start with `prefix` (inference components and other endpoints are not).
fn of_variant(a: &aas::ScalingActivity, prefix: &str) -> Option<ScalingActivity> {
    let variant = a.resource_id().strip_prefix(prefix)?;
    if *a.scalable_dimension() != ScalableDimension::SageMakerVariantDesiredInstanceCount {
        return None;
    }
    let mut activity = ScalingActivity {
        at: started(a),
        ended: a.end_time().map(|t| t.secs()),
        status: status(a.status_code()),
        description: a.description().to_owned(),
        cause: a.cause().to_owned(),
        status_message: a
            .status_message()
            .filter(|m| !m.is_empty())
            .map(str::to_owned),
        variant: variant.to_owned(),
    };
    activity.sanitize();
    Some(activity)
}

/// A status added to the API later reads as pending: it has not (yet) said how it ended.
fn status(code: &ScalingActivityStatusCode) -> ScalingStatus {
    use ScalingActivityStatusCode as C;
    match code {
        C::InProgress => ScalingStatus::InProgress,
        C::Successful => ScalingStatus::Successful,
        C::Overridden => ScalingStatus::Overridden,
        C::Unfulfilled => ScalingStatus::Unfulfilled,
        C::Failed => ScalingStatus::Failed,
        _ => ScalingStatus::Pending,
    }
}
