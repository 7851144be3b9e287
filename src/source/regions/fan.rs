//! Asking every region at once, and a series request of its keys' regions.

use super::Regions;
use crate::source::model::*;
use crate::source::{FleetSource, SeriesRequest, SourceError};
use std::future::Future;

/// What `read` answers in each region, read at once: the regions that answered, in order.
/// A region that fails is on the status bar (its source's health, named by region in
/// `Regions::health`) and the others go on; when every region fails, that is the answer.
pub async fn every_region<'s, T, F, Fut>(
    regions: &'s Regions,
    read: F,
) -> Result<Vec<(&'s Region, T)>, SourceError>
where
    F: Fn(&'s dyn FleetSource) -> Fut,
    Fut: Future<Output = Result<T, SourceError>>,
{
    let answers = futures::future::join_all(regions.regions.iter().map(|r| {
        let answer = read(r.source.as_ref());
        async move { answer.await.map(|t| vec![(&r.region, t)]) }
    }))
    .await;
    crate::source::partial(answers)
}

/// Every region's answer, each item tagged with its region.
pub async fn tagged<'s, T, F, Fut>(regions: &'s Regions, read: F) -> Result<Vec<T>, SourceError>
where
    T: InRegion,
    F: Fn(&'s dyn FleetSource) -> Fut,
    Fut: Future<Output = Result<Vec<T>, SourceError>>,
{
    let answers = every_region(regions, read).await?;
    let tagged = answers.into_iter().flat_map(|(region, mut items)| {
        items.set_region(region);
        items
    });
    Ok(tagged.collect())
}

/// Each key asked of its own region. A region that fails answers its keys with no points
/// and the status of the failure (as one account does within a region), so the others'
/// series stay live; only when every region fails is the request an error.
pub async fn series(
    regions: &Regions,
    request: &SeriesRequest,
) -> Result<Vec<SeriesData>, SourceError> {
    // One region: the request as it is, not a copy of its keys.
    if let [one] = regions.regions.as_slice() {
        return one.source.series(request).await;
    }
    let parts = regions.regions.iter().map(|r| {
        let home = std::ptr::eq(r, regions.home());
        // A key that names no region (or one not watched) is the home region's.
        let mine = |k: &&SeriesKey| {
            k.region == r.region || (home && !regions.names().any(|n| n == &k.region))
        };
        let keys: std::sync::Arc<[SeriesKey]> = request.keys.iter().filter(mine).cloned().collect();
        async move {
            if keys.is_empty() {
                return (keys, Ok(Vec::new()));
            }
            let part = SeriesRequest {
                keys: std::sync::Arc::clone(&keys),
                ..request.clone()
            };
            let answer = r.source.series(&part).await;
            (keys, answer)
        }
    });
    let answers = futures::future::join_all(parts).await;
    let asked = answers.iter().filter(|(keys, _)| !keys.is_empty()).count();
    let failed = answers.iter().filter(|(_, a)| a.is_err()).count();
    let mut out = Vec::with_capacity(request.keys.len());
    for (keys, answer) in answers {
        match answer {
            Ok(data) => out.extend(data),
            Err(e) if failed == asked => return Err(e),
            Err(e) => out.extend(keys.iter().map(|key| SeriesData {
                key: key.clone(),
                points: Vec::new(),
                status: status_of(&e),
            })),
        }
    }
    Ok(out)
}

fn status_of(e: &SourceError) -> SeriesStatus {
    match e {
        SourceError::AccessDenied { .. } | SourceError::Credentials { .. } => {
            SeriesStatus::Forbidden
        }
        _ => SeriesStatus::InternalError,
    }
}
