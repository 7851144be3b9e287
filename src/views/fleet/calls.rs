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

/// A ranking of another metric or order is other work: a sort changed while one is in
/// flight is asked at once, and the older answer is dropped when it lands.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FleetKey {
    Rank {
        region: Region,
        metric: crate::source::metrics::MetricId,
        lowest_first: bool,
    },
}

impl crate::views::Call for FleetCall {}

impl FleetCall {
    pub fn key(&self) -> FleetKey {
        match self {
            Self::Rank(q) => FleetKey::Rank {
                region: q.region.clone(),
                metric: q.metric,
                lowest_first: q.lowest_first,
            },
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
