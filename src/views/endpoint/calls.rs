//! The endpoint view's call: the Model Monitor schedules of the endpoint shown.

use crate::source::model::{EndpointKey, MonitoringSchedule};
use crate::source::{FleetSource, SourceError};

/// Its answers, read by the view (`views::loaded` hands them over).
pub use super::update::loaded;

#[derive(Debug, Clone, PartialEq)]
pub enum EndpointCall {
    Monitoring(EndpointKey),
}

#[derive(Debug, Clone, PartialEq)]
pub enum EndpointLoaded {
    Monitoring {
        endpoint: EndpointKey,
        result: Result<Vec<MonitoringSchedule>, SourceError>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum EndpointCallKey {
    Monitoring(EndpointKey),
}

impl crate::views::Call for EndpointCall {}

impl EndpointCall {
    pub fn key(&self) -> EndpointCallKey {
        match self {
            Self::Monitoring(e) => EndpointCallKey::Monitoring(e.clone()),
        }
    }

    pub async fn execute(self, source: &dyn FleetSource) -> EndpointLoaded {
        match self {
            Self::Monitoring(endpoint) => {
                let result = source.monitoring_schedules(&endpoint).await;
                EndpointLoaded::Monitoring { endpoint, result }
            }
        }
    }

    /// The answer when the call could not run at all.
    pub fn failed(self, detail: &str) -> EndpointLoaded {
        match self {
            Self::Monitoring(endpoint) => EndpointLoaded::Monitoring {
                endpoint,
                result: Err(SourceError::Other {
                    call: "monitoring schedules".into(),
                    detail: detail.into(),
                }),
            },
        }
    }
}

impl EndpointLoaded {
    /// The error this answer carries, if the call failed.
    pub fn error(&self) -> Option<&SourceError> {
        match self {
            Self::Monitoring { result, .. } => result.as_ref().err(),
        }
    }
}
