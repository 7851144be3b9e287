//! Series through GetMetricData: at most 500 queries per call (CloudWatch's limit, and the
//! unit it bills by), `NextToken` paging, per-series status codes kept.

use super::error::classify;
use crate::source::SourceError;
use crate::source::health::Health;
use crate::source::model::{Epoch, SeriesData, SeriesKey, SeriesStatus};
use aws_sdk_cloudwatch::Client;
use aws_sdk_cloudwatch::types::{
    Dimension, Metric, MetricDataQuery, MetricStat, ScanBy, StatusCode,
};
use aws_smithy_types::DateTime;
use futures::StreamExt;
use std::collections::HashMap;

/// CloudWatch accepts at most this many queries in one GetMetricData call.
pub const MAX_QUERIES_PER_CALL: usize = 500;
/// Calls of one request in flight at once: enough to hide latency, few enough not to be
/// throttled by a burst.
pub const CONCURRENT_CALLS: usize = 4;

/// One query of a call. `with_account` sets `AccountId` (monitoring-account reads through OAM);
/// in fan-out mode the client is already in the series' account.
pub fn query(id: String, key: &SeriesKey, with_account: bool) -> MetricDataQuery {
    let metric = Metric::builder()
        .namespace(&key.namespace)
        .metric_name(&key.metric)
        .set_dimensions(Some(
            key.dimensions
                .iter()
                .map(|(name, value)| Dimension::builder().name(name).value(value).build())
                .collect(),
        ))
        .build();
    MetricDataQuery::builder()
        .id(id)
        .metric_stat(
            MetricStat::builder()
                .metric(metric)
                .period(key.period as i32)
                .stat(key.stat.as_str())
                .build(),
        )
        .return_data(true)
        .set_account_id(with_account.then(|| key.account_id.to_string()))
        .build()
}

fn status_of(code: Option<&StatusCode>) -> SeriesStatus {
    match code {
        Some(StatusCode::Forbidden) => SeriesStatus::Forbidden,
        Some(StatusCode::InternalError) => SeriesStatus::InternalError,
        Some(StatusCode::PartialData) => SeriesStatus::PartialData,
        _ => SeriesStatus::Complete,
    }
}

/// A failure status sticks across pages; otherwise the last page's status is the series'.
fn merge_status(held: SeriesStatus, page: SeriesStatus) -> SeriesStatus {
    match held {
        SeriesStatus::Forbidden | SeriesStatus::InternalError => held,
        _ => page,
    }
}

/// What every GetMetricData call of one request shares.
pub struct Fetch<'a> {
    pub client: &'a Client,
    pub start: Epoch,
    pub end: Epoch,
    /// Set `AccountId` on each query (reads through OAM).
    pub with_account: bool,
    /// How failures and the status bar name this call ("GetMetricData 111111111111").
    pub call: &'a str,
    pub health: &'a Health,
}

/// What a request's calls returned: every key's points within `[start, end]`, ascending, one
/// entry per key in `keys` order, and the error of the calls that failed (their series come
/// back empty, with an error status, and the others keep what they got).
#[derive(Debug)]
pub struct Fetched {
    pub series: Vec<SeriesData>,
    pub failed: Option<SourceError>,
    /// Every call failed: nothing in `series` is news.
    pub all_failed: bool,
}

pub async fn fetch(f: &Fetch<'_>, keys: &[SeriesKey]) -> Fetched {
    // Collected first: a lazy `map` closure in the stream's type trips the `Send` check of
    // the async trait.
    let mut calls = Vec::new();
    for chunk in keys.chunks(MAX_QUERIES_PER_CALL) {
        calls.push(fetch_call(f, chunk));
    }
    let results: Vec<Result<Vec<SeriesData>, SourceError>> = futures::stream::iter(calls)
        .buffered(CONCURRENT_CALLS)
        .collect()
        .await;
    let mut out = Fetched {
        series: Vec::with_capacity(keys.len()),
        failed: None,
        all_failed: !results.is_empty(),
    };
    for (chunk, result) in keys.chunks(MAX_QUERIES_PER_CALL).zip(results) {
        match result {
            Ok(series) => {
                out.all_failed = false;
                out.series.extend(series);
            }
            // One batch failing after its retries must not throw away the others' answers
            // (and make the next refresh pay for all of them again).
            Err(e) => {
                let status = match e {
                    SourceError::AccessDenied { .. } | SourceError::Credentials { .. } => {
                        SeriesStatus::Forbidden
                    }
                    _ => SeriesStatus::InternalError,
                };
                out.series.extend(chunk.iter().map(|key| SeriesData {
                    key: key.clone(),
                    points: Vec::new(),
                    status,
                }));
                out.failed.get_or_insert(e);
            }
        }
    }
    out
}

/// One GetMetricData call (of at most 500 queries), following `NextToken` to the end.
async fn fetch_call(f: &Fetch<'_>, keys: &[SeriesKey]) -> Result<Vec<SeriesData>, SourceError> {
    debug_assert!(keys.len() <= MAX_QUERIES_PER_CALL);
    // CloudWatch rejects an empty window.
    let (start, end) = (f.start, f.end.max(f.start + 1));
    let queries: Vec<MetricDataQuery> = keys
        .iter()
        .enumerate()
        .map(|(i, key)| query(format!("q{i}"), key, f.with_account))
        .collect();
    let mut points: Vec<Vec<(Epoch, f64)>> = vec![Vec::new(); keys.len()];
    let mut status = vec![SeriesStatus::Complete; keys.len()];
    let mut next_token: Option<String> = None;
    loop {
        f.health.record_metric_data_call(keys.len());
        let page = f
            .client
            .get_metric_data()
            .set_metric_data_queries(Some(queries.clone()))
            .start_time(DateTime::from_secs(start))
            .end_time(DateTime::from_secs(end))
            .scan_by(ScanBy::TimestampAscending)
            .set_next_token(next_token.take())
            .send()
            .await
            .map_err(|e| classify(f.call, "cloudwatch:GetMetricData", e))?;
        for result in page.metric_data_results() {
            let Some(i) = result
                .id()
                .and_then(|id| id.strip_prefix('q'))
                .and_then(|n| n.parse::<usize>().ok())
                .filter(|&i| i < keys.len())
            else {
                continue;
            };
            status[i] = merge_status(status[i], status_of(result.status_code()));
            points[i].extend(
                result
                    .timestamps()
                    .iter()
                    .zip(result.values())
                    .map(|(t, v)| (t.secs(), *v)),
            );
        }
        match page.next_token() {
            Some(token) if !token.is_empty() => next_token = Some(token.to_owned()),
            _ => break,
        }
    }
    Ok(keys
        .iter()
        .zip(points)
        .zip(status)
        .map(|((key, mut points), status)| {
            points.sort_by_key(|(t, _)| *t);
            points.dedup_by_key(|(t, _)| *t);
            SeriesData {
                key: key.clone(),
                points,
                status,
            }
        })
        .collect())
}

/// Groups keys by account, keeping each group's original order.
pub fn by_account(keys: &[SeriesKey]) -> Vec<(&str, Vec<SeriesKey>)> {
    let mut groups: HashMap<&str, Vec<SeriesKey>> = HashMap::new();
    let mut order = Vec::new();
    for k in keys {
        let entry = groups.entry(k.account_id.as_str()).or_insert_with(|| {
            order.push(k.account_id.as_str());
            Vec::new()
        });
        entry.push(k.clone());
    }
    order
        .into_iter()
        .map(|a| (a, groups.remove(a).unwrap_or_default()))
        .collect()
}
