//! Model Monitor reads in the endpoint's own account: executions (ListMonitoringExecutions),
//! the reports their processing jobs left in S3 (DescribeProcessingJob, then a capped
//! GetObject), the baseline a job definition names, monitoring alerts, and the fleet's last
//! run per schedule. OAM shares neither SageMaker nor S3, so every call needs the account's
//! own credentials.

use super::error::classify;
use super::sagemaker::{execution_status, schedule_status};
use super::{AccountClients, AwsSource, partial};
use crate::source::SourceError;
use crate::source::model::{
    EndpointKey, Epoch, ExecutionStatus, MonitoringSchedule, ScheduleStatus,
};
use crate::source::monitor::report::{self, REPORT_CAP, ReportError};
use crate::source::monitor::write::is_run_now_name;
use crate::source::monitor::{
    AlertStatus, Baseline, Execution, ExecutionPage, LastRun, Leftover, MonitorSource,
    MonitoringAlert, ScheduleRun, ViolationReport,
};
use async_trait::async_trait;
use aws_sdk_s3::operation::get_object::GetObjectError;
use aws_sdk_sagemaker::types::{
    self as sm, MonitoringAlertHistorySortKey, MonitoringExecutionSortKey, SortOrder,
};
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use futures::StreamExt;
use std::collections::HashMap;

/// Executions per page of the monitor pane.
const PAGE: i32 = 25;
/// How far back the fleet looks for a schedule's last run: a daily schedule's last run plus
/// slack for a late one.
const FLEET_LOOKBACK_SECS: i64 = 26 * 3600;
/// Pages of ListMonitoringExecutions the fleet reads per account (100 each): enough for
/// dozens of hourly schedules over the lookback; beyond it the oldest runs are missing.
const FLEET_PAGES: usize = 10;
/// Reports read at once per account when the fleet counts violations.
const FLEET_REPORT_READS: usize = 4;
/// The violation-count cache is cleared past this many entries (one per finished run):
/// a console left running for months must not grow without bound.
const COUNT_CACHE_MAX: usize = 10_000;

const VIOLATIONS_FILE: &str = "constraint_violations.json";

/// The message for an account the console has no credentials in.
pub(super) fn no_role(call: String, account_id: &str) -> SourceError {
    SourceError::Other {
        call,
        detail: format!(
            "OAM does not share SageMaker or S3: add role_arn for account {account_id} to the \
             config's [[accounts]]"
        ),
    }
}

/// The longest a report's body may take to arrive (at most 1 MiB).
const BODY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// The start of an object, at most `REPORT_CAP` bytes, and the object's full size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CappedObject {
    pub bytes: Vec<u8>,
    pub total: u64,
}

/// Reads at most `REPORT_CAP` bytes of `uri` (a ranged GetObject; the body is also cut at
/// the cap as it streams in, should a server ignore the range). `missing` says what a
/// missing key means for this file. `call` names the operation and account for messages.
pub async fn read_report(
    s3: &aws_sdk_s3::Client,
    call: &str,
    uri: &str,
    missing: &str,
) -> Result<CappedObject, SourceError> {
    let Some((bucket, key)) = report::split_s3_uri(uri) else {
        return Err(SourceError::Other {
            call: call.to_owned(),
            detail: format!("{uri:?} is not an s3:// URI"),
        });
    };
    let file = key.rsplit('/').next().unwrap_or(key);
    let sent = s3
        .get_object()
        .bucket(bucket)
        .key(key)
        .range(format!("bytes=0-{}", REPORT_CAP - 1))
        .send()
        .await;
    let out = match sent {
        Ok(out) => out,
        Err(e) => {
            return match e.as_service_error() {
                Some(GetObjectError::NoSuchKey(_)) => Err(SourceError::Other {
                    call: call.to_owned(),
                    detail: format!("no {file} at {uri}: {missing}"),
                }),
                // A range on an empty object: S3 answers 416 rather than no bytes.
                Some(s) if s.code() == Some("InvalidRange") => Ok(CappedObject {
                    bytes: Vec::new(),
                    total: 0,
                }),
                // S3 also answers AccessDenied for a missing key when s3:ListBucket is not
                // granted; the action named is the one that reads the report.
                _ => Err(classify(call, &format!("s3:GetObject on {uri}"), e)),
            };
        }
    };
    let total = out
        .content_range()
        .and_then(|r| r.rsplit_once('/'))
        .and_then(|(_, size)| size.trim().parse::<u64>().ok())
        .or_else(|| out.content_length().and_then(|n| u64::try_from(n).ok()))
        .unwrap_or(0);
    let mut body = out.body;
    let mut bytes =
        Vec::with_capacity(usize::try_from(total).unwrap_or(REPORT_CAP).min(REPORT_CAP));
    let mut more = false;
    // The SDK's operation timeout does not cover the body stream, and a trickling body can
    // pass its stalled-stream check: a hung read would hold its command's slot for good.
    let reading = async {
        loop {
            let chunk = body.try_next().await.map_err(|e| SourceError::Network {
                call: call.to_owned(),
                detail: format!("reading {uri}: {e}"),
            })?;
            let Some(chunk) = chunk else { break };
            let room = REPORT_CAP - bytes.len();
            bytes.extend_from_slice(&chunk[..chunk.len().min(room)]);
            if chunk.len() >= room {
                // The cap is reached: what follows is never read (the stream is dropped).
                more = chunk.len() > room;
                break;
            }
        }
        Ok::<(), SourceError>(())
    };
    match tokio::time::timeout(BODY_TIMEOUT, reading).await {
        Ok(result) => result?,
        Err(_) => {
            return Err(SourceError::Network {
                call: call.to_owned(),
                detail: format!(
                    "reading {uri}: the body did not arrive in {} s",
                    BODY_TIMEOUT.as_secs()
                ),
            });
        }
    }
    let read = bytes.len() as u64;
    let total = total.max(read).max(if more { read + 1 } else { 0 });
    Ok(CappedObject { bytes, total })
}

/// A run's `constraint_violations.json` at `uri`, parsed.
pub async fn read_violations(
    s3: &aws_sdk_s3::Client,
    call: &str,
    uri: &str,
) -> Result<ViolationReport, SourceError> {
    let object = read_report(s3, call, uri, "the run wrote none").await?;
    report::violations_from_bytes(uri, &object.bytes, object.total)
        .map_err(|e| unreadable(call, uri, e))
}

/// A baseline's `constraints.json` at `uri`, parsed.
pub async fn read_baseline(
    s3: &aws_sdk_s3::Client,
    call: &str,
    uri: &str,
) -> Result<Baseline, SourceError> {
    let object = read_report(s3, call, uri, "the baseline job wrote none").await?;
    report::baseline_from_bytes(uri, &object.bytes, object.total)
        .map_err(|e| unreadable(call, uri, e))
}

fn unreadable(call: &str, uri: &str, e: ReportError) -> SourceError {
    SourceError::Other {
        call: call.to_owned(),
        detail: format!("{uri}: {e}"),
    }
}

/// The S3 prefix a processing job wrote its results under: the output named like Model
/// Monitor's own when there are several, otherwise the first one that goes to S3.
fn output_prefix(outputs: &[sm::ProcessingOutput]) -> Option<&str> {
    fn uri(o: &sm::ProcessingOutput) -> Option<&str> {
        o.s3_output().and_then(|s| s.s3_uri())
    }
    outputs
        .iter()
        .find(|o| {
            matches!(o.output_name(), Some("result" | "monitoring_output")) && uri(o).is_some()
        })
        .or_else(|| outputs.iter().find(|o| uri(o).is_some()))
        .and_then(uri)
}

/// The job name of a processing job ARN (`arn:aws:sagemaker:REGION:ACCOUNT:processing-job/NAME`).
fn job_name(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

fn epoch(t: Option<&aws_smithy_types::DateTime>) -> Option<Epoch> {
    t.map(|t| t.secs())
}

fn execution(account_id: &str, s: &sm::MonitoringExecutionSummary) -> Execution {
    Execution {
        account_id: account_id.to_owned(),
        schedule: s.monitoring_schedule_name().unwrap_or_default().to_owned(),
        scheduled_time: epoch(s.scheduled_time()).unwrap_or(0),
        created: epoch(s.creation_time()),
        modified: epoch(s.last_modified_time()),
        status: execution_status(s.monitoring_execution_status()),
        failure_reason: s.failure_reason().map(str::to_owned),
        processing_job_arn: s.processing_job_arn().map(str::to_owned),
        monitoring_type: s.monitoring_type().map(|t| t.as_str().to_owned()),
        region: Default::default(),
    }
}

fn alert_status(s: Option<&sm::MonitoringAlertStatus>) -> AlertStatus {
    match s {
        Some(sm::MonitoringAlertStatus::InAlert) => AlertStatus::InAlert,
        _ => AlertStatus::Ok,
    }
}

/// The one-time schedules of one account that runs now made, each described for its run's
/// status (a run-now name is listed by SageMaker's own `NameContains`, so an account with
/// hundreds of real schedules costs one page).
async fn account_leftovers(
    account_id: &str,
    sm: &aws_sdk_sagemaker::Client,
) -> Result<Vec<Leftover>, SourceError> {
    let call = format!("ListMonitoringSchedules {account_id}");
    let mut pages = sm
        .list_monitoring_schedules()
        .name_contains("-now-")
        .max_results(100)
        .into_paginator()
        .send();
    let mut listed = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify(&call, "sagemaker:ListMonitoringSchedules", e))?;
        for s in page.monitoring_schedule_summaries() {
            let Some(name) = s.monitoring_schedule_name().filter(|n| is_run_now_name(n)) else {
                continue;
            };
            let created = epoch(s.creation_time());
            listed.push((
                name.to_owned(),
                s.endpoint_name().map(str::to_owned),
                created,
            ));
        }
    }
    let call = format!("DescribeMonitoringSchedule {account_id}");
    let mut out = Vec::with_capacity(listed.len());
    for (name, endpoint, created) in listed {
        // Deleted meanwhile (by another console): nothing is left.
        let Some(d) = super::sagemaker::monitoring_schedule(sm, account_id, &name, &call).await?
        else {
            continue;
        };
        let run = d.last_execution.as_ref().map(|x| x.status);
        out.push(Leftover {
            account_id: account_id.to_owned(),
            endpoint: endpoint.unwrap_or(d.endpoint),
            schedule: name,
            created,
            run,
            ended: run.is_some_and(ExecutionStatus::is_finished)
                || d.status == ScheduleStatus::Failed,
            region: Default::default(),
        });
    }
    Ok(out)
}

/// Errors that mean "this schedule has no alerts" rather than a failure: alerts exist for
/// some monitoring types only, and SageMaker may answer the others with a validation error.
fn no_alerts<E: ProvideErrorMetadata>(e: &E) -> bool {
    matches!(
        e.code(),
        Some("ValidationException" | "ResourceNotFound" | "ResourceNotFoundException")
    )
}

impl AwsSource {
    /// The accounts whose Model Monitor is read: those with credentials, not excluded.
    fn monitored_accounts(&self) -> Vec<(&str, &AccountClients)> {
        let mut accounts = self.credentialed();
        accounts.retain(|(id, _)| !self.excluded(id));
        accounts
    }

    fn monitor_clients(
        &self,
        account_id: &str,
        call: &str,
    ) -> Result<&AccountClients, SourceError> {
        self.clients_for(account_id)
            .ok_or_else(|| no_role(call.to_owned(), account_id))
    }

    fn violation_count(&self, arn: &str) -> Option<usize> {
        let counts = self
            .violation_counts
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        counts.get(arn).copied()
    }

    fn remember_count(&self, arn: &str, count: usize) {
        let mut counts = self
            .violation_counts
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if counts.len() >= COUNT_CACHE_MAX {
            counts.clear();
        }
        counts.insert(arn.to_owned(), count);
    }

    /// The violations count of a completed run: 0 without violations, else from its report
    /// (remembered by processing job: a finished report never changes); `None` when the
    /// report cannot be read.
    async fn count_violations(&self, run: &Execution) -> Option<usize> {
        if run.status == ExecutionStatus::Completed {
            return Some(0);
        }
        let arn = run.processing_job_arn.as_deref()?;
        if let Some(n) = self.violation_count(arn) {
            return Some(n);
        }
        match self.violations(run).await {
            Ok(r) => {
                self.remember_count(arn, r.violations.len());
                Some(r.violations.len())
            }
            Err(e) => {
                tracing::warn!(error = %e, "a monitoring report could not be counted");
                None
            }
        }
    }

    /// Every schedule of one account with its last completed run.
    async fn account_runs(
        &self,
        account_id: &str,
        clients: &AccountClients,
    ) -> Result<Vec<ScheduleRun>, SourceError> {
        let sm = &clients.sagemaker;
        let call = format!("ListMonitoringSchedules {account_id}");
        let mut pages = sm
            .list_monitoring_schedules()
            .max_results(100)
            .into_paginator()
            .send();
        let mut schedules = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| classify(&call, "sagemaker:ListMonitoringSchedules", e))?;
            // One-time runs started from here are not schedules of their own: counted, they
            // would count the same drift twice and pile up in every snapshot.
            schedules.extend(
                page.monitoring_schedule_summaries()
                    .iter()
                    .filter(|s| !s.monitoring_schedule_name().is_some_and(is_run_now_name))
                    .cloned(),
            );
        }
        if schedules.is_empty() {
            return Ok(Vec::new());
        }

        let call = format!("ListMonitoringExecutions {account_id}");
        let after = chrono::Utc::now().timestamp() - FLEET_LOOKBACK_SECS;
        let mut pages = sm
            .list_monitoring_executions()
            .scheduled_time_after(aws_smithy_types::DateTime::from_secs(after))
            .sort_by(MonitoringExecutionSortKey::ScheduledTime)
            .sort_order(SortOrder::Descending)
            .max_results(100)
            .into_paginator()
            .send();
        // Newest first: the first completed run seen of a schedule is its last.
        let mut last: HashMap<String, Execution> = HashMap::new();
        let mut read = 0;
        while let Some(page) = pages.next().await {
            let page =
                page.map_err(|e| classify(&call, "sagemaker:ListMonitoringExecutions", e))?;
            for s in page.monitoring_execution_summaries() {
                let x = execution(account_id, s);
                if x.status.is_completed() && !last.contains_key(&x.schedule) {
                    last.insert(x.schedule.clone(), x);
                }
            }
            read += 1;
            if read >= FLEET_PAGES {
                break;
            }
        }

        let runs = futures::stream::iter(schedules)
            .map(|s| {
                let run = s
                    .monitoring_schedule_name()
                    .and_then(|n| last.get(n))
                    .cloned();
                async move {
                    let last_run = match run {
                        Some(x) => Some(LastRun {
                            status: x.status,
                            scheduled_at: x.scheduled_time,
                            violations: self.count_violations(&x).await,
                        }),
                        None => None,
                    };
                    ScheduleRun {
                        account_id: account_id.to_owned(),
                        endpoint: s.endpoint_name().unwrap_or_default().to_owned(),
                        schedule: s.monitoring_schedule_name().unwrap_or_default().to_owned(),
                        monitoring_type: s
                            .monitoring_type()
                            .map(|t| t.as_str().to_owned())
                            .unwrap_or_default(),
                        status: schedule_status(s.monitoring_schedule_status()),
                        last_run,
                        region: Default::default(),
                    }
                }
            })
            .buffered(FLEET_REPORT_READS)
            .collect()
            .await;
        Ok(runs)
    }

    /// The S3 URI of a baseline's `constraints.json`, from the schedule's job definition.
    async fn baseline_uri(
        &self,
        sm: &aws_sdk_sagemaker::Client,
        account_id: &str,
        monitoring_type: &str,
        job: &str,
    ) -> Result<Option<String>, SourceError> {
        let operation = format!("Describe{monitoring_type}JobDefinition");
        let call = format!("{operation} {account_id}");
        let action = format!("sagemaker:{operation}");
        let uri = match monitoring_type {
            "ModelQuality" => sm
                .describe_model_quality_job_definition()
                .job_definition_name(job)
                .send()
                .await
                .map_err(|e| classify(&call, &action, e))?
                .model_quality_baseline_config()
                .and_then(|c| c.constraints_resource())
                .and_then(|r| r.s3_uri())
                .map(str::to_owned),
            "DataQuality" => sm
                .describe_data_quality_job_definition()
                .job_definition_name(job)
                .send()
                .await
                .map_err(|e| classify(&call, &action, e))?
                .data_quality_baseline_config()
                .and_then(|c| c.constraints_resource())
                .and_then(|r| r.s3_uri())
                .map(str::to_owned),
            "ModelBias" => sm
                .describe_model_bias_job_definition()
                .job_definition_name(job)
                .send()
                .await
                .map_err(|e| classify(&call, &action, e))?
                .model_bias_baseline_config()
                .and_then(|c| c.constraints_resource())
                .and_then(|r| r.s3_uri())
                .map(str::to_owned),
            "ModelExplainability" => sm
                .describe_model_explainability_job_definition()
                .job_definition_name(job)
                .send()
                .await
                .map_err(|e| classify(&call, &action, e))?
                .model_explainability_baseline_config()
                .and_then(|c| c.constraints_resource())
                .and_then(|r| r.s3_uri())
                .map(str::to_owned),
            // A type this version does not know names no baseline it can find.
            _ => None,
        };
        Ok(uri.filter(|u| !u.is_empty()))
    }
}

#[async_trait]
impl MonitorSource for AwsSource {
    async fn executions(
        &self,
        endpoint: &EndpointKey,
        schedule: Option<&str>,
        page: Option<&str>,
    ) -> Result<ExecutionPage, SourceError> {
        let account_id = endpoint.account_id.as_str();
        let call = format!("ListMonitoringExecutions {account_id}");
        let clients = self.monitor_clients(account_id, &call)?;
        let out = clients
            .sagemaker
            .list_monitoring_executions()
            .endpoint_name(&endpoint.name)
            .set_monitoring_schedule_name(schedule.map(str::to_owned))
            .sort_by(MonitoringExecutionSortKey::ScheduledTime)
            .sort_order(SortOrder::Descending)
            .max_results(PAGE)
            .set_next_token(page.map(str::to_owned))
            .send()
            .await
            .map_err(|e| classify(&call, "sagemaker:ListMonitoringExecutions", e))?;
        Ok(ExecutionPage {
            executions: out
                .monitoring_execution_summaries()
                .iter()
                .map(|s| execution(account_id, s))
                .collect(),
            next: out
                .next_token()
                .filter(|t| !t.is_empty())
                .map(str::to_owned),
        })
    }

    async fn violations(&self, execution: &Execution) -> Result<ViolationReport, SourceError> {
        let account_id = execution.account_id.as_str();
        let call = format!("GetObject {account_id}");
        if !execution.status.is_completed() {
            let status = execution.status.as_str();
            let detail = if execution.status.is_finished() {
                format!("the run is {status}: it wrote no report")
            } else {
                format!("the run is {status}: it has no report yet")
            };
            return Err(SourceError::Other { call, detail });
        }
        let Some(arn) = execution.processing_job_arn.as_deref() else {
            return Err(SourceError::Other {
                call,
                detail: "the run names no processing job: there is no report to read".into(),
            });
        };
        let clients = self.monitor_clients(account_id, &call)?;
        let describe = format!("DescribeProcessingJob {account_id}");
        let job = clients
            .sagemaker
            .describe_processing_job()
            .processing_job_name(job_name(arn))
            .send()
            .await
            .map_err(|e| classify(&describe, "sagemaker:DescribeProcessingJob", e))?;
        let outputs = job
            .processing_output_config()
            .map(|c| c.outputs())
            .unwrap_or_default();
        let Some(prefix) = output_prefix(outputs) else {
            return Err(SourceError::Other {
                call: describe,
                detail: format!("processing job {} has no S3 output", job_name(arn)),
            });
        };
        let uri = report::report_key(prefix, VIOLATIONS_FILE);
        read_violations(&clients.s3, &call, &uri).await
    }

    async fn baseline(
        &self,
        schedule: &MonitoringSchedule,
    ) -> Result<Option<Baseline>, SourceError> {
        let Some(job) = schedule.job_definition.as_deref() else {
            return Ok(None);
        };
        let account_id = schedule.account_id.as_str();
        let call = format!("GetObject {account_id}");
        let clients = self.monitor_clients(account_id, &call)?;
        let uri = self
            .baseline_uri(
                &clients.sagemaker,
                account_id,
                &schedule.monitoring_type,
                job,
            )
            .await?;
        match uri {
            Some(uri) => read_baseline(&clients.s3, &call, &uri).await.map(Some),
            None => Ok(None),
        }
    }

    async fn schedule(
        &self,
        account_id: &str,
        name: &str,
    ) -> Result<Option<MonitoringSchedule>, SourceError> {
        let call = format!("DescribeMonitoringSchedule {account_id}");
        let clients = self.monitor_clients(account_id, &call)?;
        let result =
            super::sagemaker::monitoring_schedule(&clients.sagemaker, account_id, name, &call)
                .await;
        self.track(&call, result)
    }

    async fn alerts(
        &self,
        account_id: &str,
        schedule: &str,
    ) -> Result<Vec<MonitoringAlert>, SourceError> {
        let call = format!("ListMonitoringAlerts {account_id}");
        let sm = &self.monitor_clients(account_id, &call)?.sagemaker;
        let mut pages = sm
            .list_monitoring_alerts()
            .monitoring_schedule_name(schedule)
            .into_paginator()
            .send();
        let mut alerts = Vec::new();
        while let Some(page) = pages.next().await {
            let page = match page {
                Ok(p) => p,
                Err(e) if no_alerts(&e) => return Ok(Vec::new()),
                Err(e) => return Err(classify(&call, "sagemaker:ListMonitoringAlerts", e)),
            };
            alerts.extend(
                page.monitoring_alert_summaries()
                    .iter()
                    .map(|a| MonitoringAlert {
                        schedule: schedule.to_owned(),
                        name: a.monitoring_alert_name().unwrap_or_default().to_owned(),
                        status: alert_status(a.alert_status()),
                        datapoints_to_alert: a.datapoints_to_alert().unwrap_or(0),
                        evaluation_period: a.evaluation_period().unwrap_or(0),
                        modified: epoch(a.last_modified_time()),
                        history: Vec::new(),
                    }),
            );
        }
        if alerts.is_empty() {
            return Ok(alerts);
        }

        let call = format!("ListMonitoringAlertHistory {account_id}");
        // One page, newest first, is what an alert pane shows.
        let history = sm
            .list_monitoring_alert_history()
            .monitoring_schedule_name(schedule)
            .sort_by(MonitoringAlertHistorySortKey::CreationTime)
            .sort_order(SortOrder::Descending)
            .max_results(50)
            .send()
            .await;
        let history = match history {
            Ok(h) => h,
            Err(e) if no_alerts(&e) => return Ok(alerts),
            Err(e) => return Err(classify(&call, "sagemaker:ListMonitoringAlertHistory", e)),
        };
        for h in history.monitoring_alert_history() {
            let (Some(name), Some(at)) = (h.monitoring_alert_name(), epoch(h.creation_time()))
            else {
                continue;
            };
            if let Some(alert) = alerts.iter_mut().find(|a| a.name == name) {
                alert.history.push((at, alert_status(h.alert_status())));
            }
        }
        for a in &mut alerts {
            // Whatever order the service used, newest first.
            a.history.sort_by_key(|h| std::cmp::Reverse(h.0));
        }
        Ok(alerts)
    }

    async fn leftovers(&self) -> Result<Vec<Leftover>, SourceError> {
        let accounts = self.monitored_accounts();
        let answers = futures::future::join_all(accounts.into_iter().map(|(id, c)| async move {
            let found = account_leftovers(id, &c.sagemaker).await;
            self.track(&format!("ListMonitoringSchedules {id}"), found)
        }))
        .await;
        partial(answers)
    }

    async fn fleet_runs(&self) -> Result<Vec<ScheduleRun>, SourceError> {
        let accounts = self.monitored_accounts();
        let answers = futures::future::join_all(accounts.into_iter().map(|(id, c)| async move {
            let runs = self.account_runs(id, c).await;
            // Per account: one failing account is on the status bar, the others still show.
            self.track(&format!("Model Monitor {id}"), runs)
        }))
        .await;
        partial(answers)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn output(name: &str, uri: Option<&str>) -> sm::ProcessingOutput {
        sm::ProcessingOutput::builder()
            .output_name(name)
            .set_s3_output(uri.map(|u| {
                sm::ProcessingS3Output::builder()
                    .s3_uri(u)
                    .local_path("/opt/ml/processing/output")
                    .s3_upload_mode(sm::ProcessingS3UploadMode::EndOfJob)
                    .build()
            }))
            .build()
    }

    #[test]
    fn the_report_prefix_prefers_the_monitoring_output() {
        let outs = [
            output("other", Some("s3://b/other")),
            output("monitoring_output", Some("s3://b/mon")),
        ];
        assert_eq!(output_prefix(&outs), Some("s3://b/mon"));
        let outs = [output("result", None), output("x", Some("s3://b/x"))];
        assert_eq!(output_prefix(&outs), Some("s3://b/x"));
        assert_eq!(output_prefix(&[output("result", None)]), None);
    }

    #[test]
    fn a_job_name_is_the_last_segment_of_its_arn() {
        assert_eq!(
            job_name("arn:aws:sagemaker:eu-west-1:111111111111:processing-job/model-monitoring-1"),
            "model-monitoring-1"
        );
        assert_eq!(job_name("plain"), "plain");
    }
}
