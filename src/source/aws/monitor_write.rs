//! Model Monitor writes in the endpoint's own account, through its configured role: a
//! one-time `NOW` schedule copying an existing schedule's job definition, Stop/Start, and
//! the one-time schedule's delete once its run has ended.

use super::AwsSource;
use super::alarm_write::request_id;
use super::error::classify;
use crate::source::SourceError;
use crate::source::monitor::{MonitorWrite, RunNow};
use crate::source::write::WriteReceipt;
use aws_sdk_sagemaker::operation::RequestId;
use aws_sdk_sagemaker::types::{MonitoringScheduleConfig, MonitoringType, ScheduleConfig};

impl AwsSource {
    pub(super) async fn write_monitor(
        &self,
        request: &MonitorWrite,
    ) -> Result<WriteReceipt, SourceError> {
        let call = format!("{} {}", request.operation(), request.account_id());
        if let Err(detail) = request.validate() {
            return Err(SourceError::Other { call, detail });
        }
        let sm = &self.write_clients(request.account_id(), &call)?.sagemaker;
        let action = request.iam_action();
        match request {
            MonitorWrite::RunNow(r) => {
                let out = sm
                    .create_monitoring_schedule()
                    .monitoring_schedule_name(&r.name)
                    .monitoring_schedule_config(run_now_config(r))
                    .send()
                    .await
                    .map_err(|e| classify(&call, &action, e))?;
                Ok(request_id(out.request_id()))
            }
            MonitorWrite::Pause { schedule, .. } => {
                let out = sm
                    .stop_monitoring_schedule()
                    .monitoring_schedule_name(schedule)
                    .send()
                    .await
                    .map_err(|e| classify(&call, &action, e))?;
                Ok(request_id(out.request_id()))
            }
            MonitorWrite::Resume { schedule, .. } => {
                let out = sm
                    .start_monitoring_schedule()
                    .monitoring_schedule_name(schedule)
                    .send()
                    .await
                    .map_err(|e| classify(&call, &action, e))?;
                Ok(request_id(out.request_id()))
            }
            MonitorWrite::Delete { schedule, .. } => {
                let out = sm
                    .delete_monitoring_schedule()
                    .monitoring_schedule_name(schedule)
                    .send()
                    .await
                    .map_err(|e| classify(&call, &action, e))?;
                Ok(request_id(out.request_id()))
            }
        }
    }
}

fn run_now_config(r: &RunNow) -> MonitoringScheduleConfig {
    let schedule = ScheduleConfig::builder()
        .schedule_expression("NOW")
        .data_analysis_start_time(r.window.start_offset())
        .data_analysis_end_time(r.window.end_offset())
        .build();
    MonitoringScheduleConfig::builder()
        .schedule_config(schedule)
        .monitoring_job_definition_name(&r.job_definition)
        .monitoring_type(MonitoringType::from(r.monitoring_type.as_str()))
        .build()
}
