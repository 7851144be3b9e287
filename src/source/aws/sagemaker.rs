//! SageMaker reads in an account the console has credentials for: endpoint status and Model
//! Monitor schedules with their last run.

use super::error::classify;
use crate::source::SourceError;
use crate::source::model::{
    EndpointMakeup, EndpointStatus, ExecutionStatus, MonitoringExecution, MonitoringSchedule,
    ScheduleStatus,
};
use aws_sdk_sagemaker::Client;
use aws_sdk_sagemaker::types::{self as sm};

pub fn endpoint_status(s: Option<&sm::EndpointStatus>) -> EndpointStatus {
    use sm::EndpointStatus as S;
    match s {
        Some(S::OutOfService) => EndpointStatus::OutOfService,
        Some(S::Creating) => EndpointStatus::Creating,
        Some(S::Updating) => EndpointStatus::Updating,
        Some(S::SystemUpdating) => EndpointStatus::SystemUpdating,
        Some(S::RollingBack) => EndpointStatus::RollingBack,
        Some(S::InService) => EndpointStatus::InService,
        Some(S::Deleting) => EndpointStatus::Deleting,
        Some(S::Failed) => EndpointStatus::Failed,
        _ => EndpointStatus::Unknown,
    }
}

/// Every endpoint of the account with its status (paged).
pub async fn list_endpoints(
    client: &Client,
    call: &str,
) -> Result<Vec<(String, EndpointStatus)>, SourceError> {
    let mut pages = client
        .list_endpoints()
        .max_results(100)
        .into_paginator()
        .send();
    let mut out = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify(call, "sagemaker:ListEndpoints", e))?;
        out.extend(page.endpoints().iter().map(|e| {
            (
                e.endpoint_name().unwrap_or_default().to_owned(),
                endpoint_status(e.endpoint_status()),
            )
        }));
    }
    Ok(out)
}

/// The endpoint's config (and the one an update is deploying) and the models of their
/// variants: DescribeEndpoint, then DescribeEndpointConfig of each config.
pub async fn endpoint_makeup(
    client: &Client,
    endpoint: &str,
    call: &str,
) -> Result<EndpointMakeup, SourceError> {
    let d = client
        .describe_endpoint()
        .endpoint_name(endpoint)
        .send()
        .await
        .map_err(|e| classify(call, "sagemaker:DescribeEndpoint", e))?;
    let mut makeup = EndpointMakeup {
        config: d.endpoint_config_name().unwrap_or_default().to_owned(),
        pending_config: d
            .pending_deployment_summary()
            .and_then(|p| p.endpoint_config_name())
            .map(str::to_owned),
        models: Vec::new(),
        last_modified: d.last_modified_time().map(|t| t.secs()),
    };
    let configs: Vec<String> = makeup.names().map(str::to_owned).collect();
    for config in configs {
        let c = client
            .describe_endpoint_config()
            .endpoint_config_name(&config)
            .send()
            .await
            .map_err(|e| classify(call, "sagemaker:DescribeEndpointConfig", e))?;
        let variants = c.production_variants().iter();
        for model in variants
            .chain(c.shadow_production_variants())
            .filter_map(|v| v.model_name())
        {
            if !makeup.models.iter().any(|m| m == model) {
                makeup.models.push(model.to_owned());
            }
        }
    }
    Ok(makeup)
}

pub(super) fn schedule_status(s: Option<&sm::ScheduleStatus>) -> ScheduleStatus {
    match s {
        Some(sm::ScheduleStatus::Failed) => ScheduleStatus::Failed,
        Some(sm::ScheduleStatus::Scheduled) => ScheduleStatus::Scheduled,
        Some(sm::ScheduleStatus::Stopped) => ScheduleStatus::Stopped,
        _ => ScheduleStatus::Pending,
    }
}

pub(super) fn execution_status(s: Option<&sm::ExecutionStatus>) -> ExecutionStatus {
    use sm::ExecutionStatus as S;
    match s {
        Some(S::Completed) => ExecutionStatus::Completed,
        Some(S::CompletedWithViolations) => ExecutionStatus::CompletedWithViolations,
        Some(S::InProgress) => ExecutionStatus::InProgress,
        Some(S::Failed) => ExecutionStatus::Failed,
        Some(S::Stopping) => ExecutionStatus::Stopping,
        Some(S::Stopped) => ExecutionStatus::Stopped,
        _ => ExecutionStatus::Pending,
    }
}

/// The endpoint's schedules, each described for its last run.
pub async fn monitoring_schedules(
    client: &Client,
    account_id: &str,
    endpoint: &str,
    call: &str,
) -> Result<Vec<MonitoringSchedule>, SourceError> {
    let mut pages = client
        .list_monitoring_schedules()
        .endpoint_name(endpoint)
        .into_paginator()
        .send();
    let mut names = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify(call, "sagemaker:ListMonitoringSchedules", e))?;
        names.extend(
            page.monitoring_schedule_summaries()
                .iter()
                .filter_map(|s| s.monitoring_schedule_name().map(str::to_owned)),
        );
    }
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        let d = client
            .describe_monitoring_schedule()
            .monitoring_schedule_name(&name)
            .send()
            .await
            .map_err(|e| classify(call, "sagemaker:DescribeMonitoringSchedule", e))?;
        out.push(described(account_id, name, Some(endpoint), &d));
    }
    Ok(out)
}

/// One schedule by name (its endpoint as SageMaker says); `None` when the account has no
/// schedule of that name.
pub async fn monitoring_schedule(
    client: &Client,
    account_id: &str,
    name: &str,
    call: &str,
) -> Result<Option<MonitoringSchedule>, SourceError> {
    match client
        .describe_monitoring_schedule()
        .monitoring_schedule_name(name)
        .send()
        .await
    {
        Ok(d) => Ok(Some(described(account_id, name.to_owned(), None, &d))),
        Err(e) if is_not_found(&e) => Ok(None),
        Err(e) => Err(classify(call, "sagemaker:DescribeMonitoringSchedule", e)),
    }
}

fn is_not_found<E: aws_sdk_sagemaker::error::ProvideErrorMetadata, R>(
    e: &aws_sdk_sagemaker::error::SdkError<E, R>,
) -> bool {
    e.as_service_error().is_some_and(|s| {
        matches!(
            s.code(),
            Some("ResourceNotFound" | "ResourceNotFoundException")
        )
    })
}

/// `endpoint`: the endpoint it was listed for, when it was (SageMaker's own field may be
/// absent).
fn described(
    account_id: &str,
    name: String,
    endpoint: Option<&str>,
    d: &aws_sdk_sagemaker::operation::describe_monitoring_schedule::DescribeMonitoringScheduleOutput,
) -> MonitoringSchedule {
    MonitoringSchedule {
        account_id: account_id.to_owned(),
        name,
        endpoint: d
            .endpoint_name()
            .or(endpoint)
            .unwrap_or_default()
            .to_owned(),
        monitoring_type: d
            .monitoring_type()
            .map(|t| t.as_str().to_owned())
            .unwrap_or_default(),
        status: schedule_status(d.monitoring_schedule_status()),
        last_execution: d
            .last_monitoring_execution_summary()
            .map(|e| MonitoringExecution {
                scheduled_time: e.scheduled_time().map(|t| t.secs()).unwrap_or(0),
                status: execution_status(e.monitoring_execution_status()),
                failure_reason: e.failure_reason().map(str::to_owned),
            }),
        schedule_expression: d
            .monitoring_schedule_config()
            .and_then(|c| c.schedule_config())
            .and_then(|s| s.schedule_expression())
            .map(str::to_owned),
        job_definition: d
            .monitoring_schedule_config()
            .and_then(|c| c.monitoring_job_definition_name())
            .map(str::to_owned),
        failure_reason: d.failure_reason().map(str::to_owned),
        region: Default::default(),
    }
}
