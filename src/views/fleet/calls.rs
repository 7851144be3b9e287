//! The fleet view's call: a Metrics Insights ranking of one region by the sorted metric,
//! for a fleet too large to fetch every series (`ranks`).

use crate::source::model::Region;
use crate::source::ranks::{RankQuery, Ranking};
use crate::source::{FleetSource, SourceError};

/// Its answers, read by the view (`views::loaded` hands them over).
pub use super::ranks::loaded;

#[derive(Debug, Clone, PartialEq)]
pub enum FleetCall {
    Rank(RankQuery),
}

#[derive(Debug, Clone, PartialEq)]
pub enum FleetLoaded {
    Rank {
        query: RankQuery,
        result: Result<Ranking, SourceError>,
    },
}

/// One ranking per region at a time: only the sort on screen is worth a query.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FleetKey {
    Rank(Region),
}

/// A query is billed by the metrics it analyses (10,000 in a large region): `s` pressed
/// through five columns must not pay for five. A ranking waits a moment (`SETTLE`), the
/// next sort's replaces it, waiting or running, and an answer for an older sort that
/// lands anyway is dropped (`ranks::loaded`).
impl crate::views::Call for FleetCall {
    fn replaces_running(&self) -> bool {
        true
    }

    fn settles(&self) -> bool {
        true
    }
}

impl FleetCall {
    pub fn key(&self) -> FleetKey {
        match self {
            Self::Rank(q) => FleetKey::Rank(q.region.clone()),
        }
    }

    pub async fn execute(self, source: &dyn FleetSource) -> FleetLoaded {
        match self {
            Self::Rank(query) => {
                let result = source.rank(&query).await;
                FleetLoaded::Rank { query, result }
            }
        }
    }

    /// The answer when the call could not run at all.
    pub fn failed(self, detail: &str) -> FleetLoaded {
        match self {
            Self::Rank(query) => FleetLoaded::Rank {
                result: Err(SourceError::Other {
                    call: format!("GetMetricData (Metrics Insights) {}", query.region),
                    detail: detail.into(),
                }),
                query,
            },
        }
    }
}
