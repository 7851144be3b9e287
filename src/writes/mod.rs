//! The one way a mutating request leaves the console, for the UI and the shell alike:
//! refused in read-only mode, written to the audit log (intent, flushed) before it is sent,
//! sent by the source's writer, and its outcome written after. The source's writer refuses
//! in read-only mode too, and the AWS clients themselves refuse any mutating operation then
//! (`source::aws::readonly`): three layers, so no single slip sends a write.

pub mod audit;

use crate::source::SourceError;
use crate::source::model::Identity;
use crate::source::write::{Write, WriteReceipt, Writer};
use audit::AuditLog;
use serde_json::{Value, json};
use std::sync::atomic::{AtomicU64, Ordering};

/// Why a write was not sent at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error(
        "read-only: {operation} was not sent (sagewatch runs with --readonly or readonly = true)"
    )]
    ReadOnly { operation: &'static str },
    #[error("cannot write the audit log {path}: {error}; {operation} was not sent")]
    Audit {
        path: String,
        error: String,
        operation: &'static str,
    },
    #[error(
        "no audit log: set XDG_STATE_HOME or HOME so that {operation} can be recorded; it was \
         not sent"
    )]
    NoAuditLog { operation: &'static str },
    #[error("this source cannot change AWS")]
    Unsupported,
}

/// What became of a write.
#[derive(Debug, Clone, PartialEq)]
pub enum WriteOutcome {
    Done(WriteReceipt),
    /// AWS (or the network) refused it; the message names the IAM action when it is one.
    Failed(SourceError),
    /// Never sent.
    Refused(Refusal),
}

impl WriteOutcome {
    pub fn is_done(&self) -> bool {
        matches!(self, Self::Done(_))
    }

    /// The outcome as `--json` and the audit log report it.
    pub fn to_json(&self) -> Value {
        match self {
            Self::Done(r) => json!({ "result": "ok", "request_id": r.request_id }),
            Self::Failed(e) => json!({ "result": "error", "error": e.to_string() }),
            Self::Refused(r) => json!({ "result": "refused", "error": r.to_string() }),
        }
    }
}

/// Read-only mode, the audit log and who is asking: everything a write passes through.
#[derive(Debug)]
pub struct Gate {
    readonly: bool,
    audit: Option<AuditLog>,
    /// The caller's ARN and region, for the record.
    caller: Identity,
    next_id: AtomicU64,
}

impl Gate {
    pub fn new(readonly: bool, audit: Option<AuditLog>, caller: Identity) -> Self {
        Self {
            readonly,
            audit,
            caller,
            next_id: AtomicU64::new(0),
        }
    }

    pub fn readonly(&self) -> bool {
        self.readonly
    }

    pub fn audit_path(&self) -> Option<&std::path::Path> {
        self.audit.as_ref().map(AuditLog::path)
    }

    /// Pairs an intent with its outcome in the log: process, time and a counter.
    fn record_id(&self) -> String {
        let n = self.next_id.fetch_add(1, Ordering::Relaxed);
        let nanos = chrono::Utc::now().timestamp_nanos_opt().unwrap_or(0);
        format!("{}-{nanos:x}-{n}", std::process::id())
    }

    /// Sends `request` through `writer`, unless read-only or the intent cannot be recorded.
    pub async fn perform(&self, writer: Option<&dyn Writer>, request: &Write) -> WriteOutcome {
        let operation = request.operation();
        if self.readonly {
            return WriteOutcome::Refused(Refusal::ReadOnly { operation });
        }
        let Some(writer) = writer else {
            return WriteOutcome::Refused(Refusal::Unsupported);
        };
        let Some(audit) = &self.audit else {
            return WriteOutcome::Refused(Refusal::NoAuditLog { operation });
        };
        let id = self.record_id();
        let intent = json!({
            "time": now_rfc3339(),
            "id": id,
            "phase": "intent",
            "caller": self.caller.arn,
            "account": request.account_id(),
            "region": request.region_or(&self.caller.region),
            "operation": operation,
            "parameters": request.parameters(),
        });
        if let Err(e) = audit.append(&intent) {
            return WriteOutcome::Refused(Refusal::Audit {
                path: crate::sanitize::clean(&audit.path().display().to_string()).into_owned(),
                error: e.to_string(),
                operation,
            });
        }
        tracing::info!(operation, account = request.account_id(), "write sent");
        let outcome = match writer.write(request).await {
            Ok(receipt) => WriteOutcome::Done(receipt),
            Err(e) => WriteOutcome::Failed(e),
        };
        let mut record = json!({
            "time": now_rfc3339(),
            "id": id,
            "phase": "outcome",
            "account": request.account_id(),
            "operation": operation,
        });
        if let (Value::Object(r), Value::Object(o)) = (&mut record, outcome.to_json()) {
            r.extend(o);
        }
        // The call has happened: a log that fails now cannot undo it, only say so.
        if let Err(e) = audit.append(&record) {
            tracing::error!(error = %e, operation, "the outcome of a write could not be recorded");
        }
        outcome
    }
}

fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_trait::async_trait;
    use std::sync::Mutex;

    /// Counts what reaches it, and what the audit log held at that moment; fails when told to.
    #[derive(Default)]
    struct Recorder {
        sent: Mutex<Vec<&'static str>>,
        fail: bool,
        log: Option<std::path::PathBuf>,
        logged_before_the_call: Mutex<Vec<String>>,
    }

    #[async_trait]
    impl Writer for Recorder {
        async fn write(&self, request: &Write) -> Result<WriteReceipt, SourceError> {
            self.sent.lock().unwrap().push(request.operation());
            if let Some(log) = &self.log {
                *self.logged_before_the_call.lock().unwrap() = std::fs::read_to_string(log)
                    .unwrap_or_default()
                    .lines()
                    .map(str::to_owned)
                    .collect();
            }
            if self.fail {
                return Err(SourceError::AccessDenied {
                    call: "DeleteAlarms 1".into(),
                    action: "cloudwatch:DeleteAlarms".into(),
                });
            }
            Ok(WriteReceipt {
                request_id: Some("req-1".into()),
            })
        }
    }

    fn delete() -> Write {
        Write::Alarm(crate::source::alarm_write::AlarmWrite::DeleteAlarms {
            account_id: "111111111111".into(),
            ids: vec!["a".into()],
            region: Default::default(),
        })
    }

    fn caller() -> Identity {
        Identity {
            account_id: "100000000000".into(),
            arn: "arn:aws:sts::100000000000:assumed-role/oncall/me".into(),
            region: "eu-west-1".into(),
        }
    }

    fn temp_log(tag: &str) -> AuditLog {
        let dir = std::env::temp_dir().join(format!("sagewatch-gate-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        AuditLog::new(dir.join("audit.jsonl"))
    }

    fn lines(log: &AuditLog) -> Vec<Value> {
        std::fs::read_to_string(log.path())
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    #[tokio::test]
    async fn read_only_sends_nothing_and_records_nothing() {
        let w = Recorder::default();
        let log = temp_log("ro");
        let gate = Gate::new(true, Some(log.clone()), caller());
        let out = gate.perform(Some(&w), &delete()).await;
        assert!(matches!(
            out,
            WriteOutcome::Refused(Refusal::ReadOnly { .. })
        ));
        assert!(w.sent.lock().unwrap().is_empty());
        assert!(lines(&log).is_empty());
    }

    /// Issue 26: a write to another region than the caller's is recorded with its own.
    #[tokio::test]
    async fn the_record_names_the_region_the_write_goes_to() {
        let log = temp_log("region");
        let w = Recorder::default();
        let gate = Gate::new(false, Some(log.clone()), caller());
        let mut write = delete();
        crate::source::model::InRegion::set_region(
            match &mut write {
                Write::Alarm(a) => a,
                Write::Monitor(_) => unreachable!(),
            },
            &"us-east-1".into(),
        );
        assert!(gate.perform(Some(&w), &write).await.is_done());
        assert_eq!(lines(&log)[0]["region"], "us-east-1");
    }

    #[tokio::test]
    async fn the_intent_is_on_disk_before_the_call_and_the_outcome_after() {
        let log = temp_log("ok");
        let w = Recorder {
            log: Some(log.path().to_path_buf()),
            ..Default::default()
        };
        let gate = Gate::new(false, Some(log.clone()), caller());
        let out = gate.perform(Some(&w), &delete()).await;
        assert!(out.is_done());
        let l = lines(&log);
        assert_eq!(l.len(), 2);
        assert_eq!(l[0]["phase"], "intent");
        assert_eq!(l[0]["caller"], caller().arn);
        assert_eq!(l[0]["region"], "eu-west-1", "no region named: the caller's");
        assert_eq!(l[0]["account"], "111111111111");
        assert_eq!(l[0]["operation"], "DeleteAlarms");
        assert_eq!(l[0]["parameters"]["AlarmNames"][0], "a");
        assert_eq!(l[1]["phase"], "outcome");
        assert_eq!(l[1]["id"], l[0]["id"]);
        assert_eq!(l[1]["request_id"], "req-1");
        let before = w.logged_before_the_call.lock().unwrap().clone();
        assert_eq!(
            before.len(),
            1,
            "exactly the intent was on disk when the call ran"
        );
        assert!(before[0].contains("\"phase\":\"intent\""), "{before:?}");
    }

    #[tokio::test]
    async fn a_failed_call_is_recorded_with_its_error() {
        let w = Recorder {
            fail: true,
            ..Default::default()
        };
        let log = temp_log("fail");
        let gate = Gate::new(false, Some(log.clone()), caller());
        let out = gate.perform(Some(&w), &delete()).await;
        assert!(matches!(out, WriteOutcome::Failed(_)));
        let l = lines(&log);
        assert_eq!(l[1]["result"], "error");
        assert!(
            l[1]["error"]
                .as_str()
                .unwrap()
                .contains("cloudwatch:DeleteAlarms")
        );
    }

    #[tokio::test]
    async fn an_unwritable_log_refuses_the_write_and_names_the_path() {
        let w = Recorder::default();
        // A file where the log's directory should be.
        let blocker =
            std::env::temp_dir().join(format!("sagewatch-gate-blk-{}", std::process::id()));
        std::fs::write(&blocker, b"x").unwrap();
        let log = AuditLog::new(blocker.join("audit.jsonl"));
        let gate = Gate::new(false, Some(log), caller());
        let out = gate.perform(Some(&w), &delete()).await;
        let WriteOutcome::Refused(r @ Refusal::Audit { .. }) = out else {
            panic!("{out:?}");
        };
        assert!(r.to_string().contains(&blocker.display().to_string()));
        assert!(w.sent.lock().unwrap().is_empty(), "nothing may be sent");
        let _ = std::fs::remove_file(&blocker);
    }
}
