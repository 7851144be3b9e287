//! Every mutating request the console can make, whichever service it goes to, and the one
//! trait that sends them. `writes::Gate` is the only caller.

use super::SourceError;
use super::alarm_write::AlarmWrite;
use super::model::Region;
use super::monitor::MonitorWrite;
use async_trait::async_trait;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub enum Write {
    Alarm(AlarmWrite),
    Monitor(MonitorWrite),
}

impl From<AlarmWrite> for Write {
    fn from(w: AlarmWrite) -> Self {
        Self::Alarm(w)
    }
}

impl From<MonitorWrite> for Write {
    fn from(w: MonitorWrite) -> Self {
        Self::Monitor(w)
    }
}

impl Write {
    /// The API operation, as the service names it.
    pub fn operation(&self) -> &'static str {
        match self {
            Self::Alarm(w) => w.operation(),
            Self::Monitor(w) => w.operation(),
        }
    }

    /// The IAM action the call needs.
    pub fn iam_action(&self) -> String {
        match self {
            Self::Alarm(w) => w.iam_action(),
            Self::Monitor(w) => w.iam_action(),
        }
    }

    /// The account the request is sent to.
    pub fn account_id(&self) -> &str {
        match self {
            Self::Alarm(w) => w.account_id(),
            Self::Monitor(w) => w.account_id(),
        }
    }

    /// The parameters as they are sent, in the service's field names.
    pub fn parameters(&self) -> Value {
        match self {
            Self::Alarm(w) => w.parameters(),
            Self::Monitor(w) => w.parameters(),
        }
    }

    /// What it creates or changes, as AWS names it: alarms, or a schedule.
    pub fn names(&self) -> Vec<&str> {
        match self {
            Self::Alarm(w) => w.alarm_ids(),
            Self::Monitor(w) => vec![w.schedule()],
        }
    }

    pub fn as_alarm(&self) -> Option<&AlarmWrite> {
        match self {
            Self::Alarm(w) => Some(w),
            Self::Monitor(_) => None,
        }
    }

    pub fn as_monitor(&self) -> Option<&MonitorWrite> {
        match self {
            Self::Monitor(w) => Some(w),
            Self::Alarm(_) => None,
        }
    }
}

impl Write {
    /// The region the request is sent to, as the audit log and the shell say it: the one it
    /// names, else the home region (`home`), where a request that names none goes.
    pub fn region_or<'a>(&'a self, home: &'a str) -> &'a str {
        Some(self.region().as_str())
            .filter(|r| !r.is_empty())
            .unwrap_or(home)
    }

    /// The region the request names (empty: none, the home region's).
    pub fn region(&self) -> &Region {
        use crate::source::alarm_write::AlarmWrite as A;
        use crate::source::monitor::MonitorWrite as M;
        match self {
            Write::Alarm(A::Put(p)) => &p.series.region,
            Write::Alarm(A::PutMuteRule(p)) => &p.region,
            Write::Alarm(
                A::SetActions { region, .. }
                | A::DeleteAlarms { region, .. }
                | A::DeleteMuteRule { region, .. },
            ) => region,
            Write::Monitor(M::RunNow(r)) => &r.region,
            Write::Monitor(
                M::Pause { region, .. } | M::Resume { region, .. } | M::Delete { region, .. },
            ) => region,
        }
    }
}

/// What AWS answered a write with.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WriteReceipt {
    /// `x-amzn-RequestId`, for the audit log and for AWS support.
    pub request_id: Option<String>,
}

/// The write side of a source: one call per request, made with the credentials of the
/// account the request names. Implementations refuse every request in read-only mode
/// themselves, whatever the caller checked.
#[async_trait]
pub trait Writer: Send + Sync {
    async fn write(&self, request: &Write) -> Result<WriteReceipt, SourceError>;
}
