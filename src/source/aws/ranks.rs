//! Metrics Insights rankings (`source::ranks`) through GetMetricData: one query per call,
//! in the monitoring account under OAM (`AWS.AccountId` groups the linked accounts), in each
//! account under fan-out (each ranks its own, and the rankings are joined).

use super::error::classify;
use super::{AccountClients, AwsSource, Topology};
use crate::source::ranks::{self, MAX_SERIES, RankCut, RankQuery, Ranked, Ranking};
use crate::source::{SourceError, partial};
use aws_sdk_cloudwatch::types::{MessageData, MetricDataQuery, ScanBy};
use aws_smithy_types::DateTime;

/// CloudWatch's message codes for a query its limits cut (as the console and Grafana read
/// them): more than 500 series, more than 10,000 metrics.
const SERIES_CUT: &str = "MaxQueryResultsExceeded";
const METRICS_CUT: &str = "MaxMatchingResultsExceeded";

fn cut_of(messages: &[MessageData], cut: &mut RankCut) {
    for code in messages.iter().filter_map(|m| m.code()) {
        cut.series |= code == SERIES_CUT;
        cut.metrics |= code == METRICS_CUT;
    }
}

impl AwsSource {
    pub(super) async fn rank_fleet(&self, q: &RankQuery) -> Result<Ranking, SourceError> {
        // Billed by the metrics the query analyses, not by the series it returns.
        self.health.record_metric_data_call(q.analysed as usize);
        match &self.topology {
            Topology::Oam { .. } => self.rank_in(&self.home, &self.identity.account_id, q).await,
            Topology::Fanout => {
                let accounts = self.credentialed();
                let answers = futures::future::join_all(
                    (accounts.iter()).map(|(id, clients)| self.rank_in(clients, id, q)),
                )
                .await;
                let joined = partial(answers.into_iter().map(|r| r.map(|x| vec![x])).collect())?;
                Ok(join(joined, q))
            }
        }
    }

    /// One account's ranking (under OAM, the monitoring account's: every linked account's).
    async fn rank_in(
        &self,
        clients: &AccountClients,
        account_id: &str,
        q: &RankQuery,
    ) -> Result<Ranking, SourceError> {
        let call = format!("GetMetricData (Metrics Insights) {account_id}");
        let result = read(clients, &call, q).await;
        self.track(&call, result)
    }
}

async fn read(clients: &AccountClients, call: &str, q: &RankQuery) -> Result<Ranking, SourceError> {
    let query = MetricDataQuery::builder()
        .id("rank")
        .expression(ranks::expression(q))
        .period(ranks::period(q.metric) as i32)
        .return_data(true)
        .build();
    let mut out = Ranking::default();
    let (mut seen, mut warned) = (std::collections::HashSet::new(), false);
    let mut next_token: Option<String> = None;
    loop {
        let page = clients
            .cloudwatch
            .get_metric_data()
            .metric_data_queries(query.clone())
            .start_time(DateTime::from_secs(q.start))
            .end_time(DateTime::from_secs(q.end.max(q.start + 1)))
            .scan_by(ScanBy::TimestampDescending)
            .set_next_token(next_token.take())
            .send()
            .await
            .map_err(|e| classify(call, "cloudwatch:GetMetricData", e))?;
        cut_of(page.messages(), &mut out.cut);
        for result in page.metric_data_results() {
            cut_of(result.messages(), &mut out.cut);
            let Some((account_id, endpoint)) = result.label().and_then(ranks::parse_label) else {
                // Said once per call: a label this does not read would leave every row
                // unranked, and the log must say what CloudWatch sent.
                if !std::mem::replace(&mut warned, true) {
                    let label = crate::sanitize::clean(result.label().unwrap_or_default());
                    tracing::warn!(%label, "a Metrics Insights series whose label names no account and endpoint");
                }
                continue;
            };
            // Newest first (`TimestampDescending`): a later page of the same series holds
            // older points only.
            let newest = result.timestamps().iter().zip(result.values()).next();
            let Some((at, value)) = newest else {
                continue;
            };
            if seen.insert((account_id.clone(), endpoint.clone())) {
                out.ranked.push(Ranked {
                    account_id,
                    endpoint,
                    at: at.secs(),
                    value: *value as f32,
                });
            }
        }
        match page.next_token() {
            Some(token) if !token.is_empty() => next_token = Some(token.to_owned()),
            _ => break,
        }
    }
    Ok(out)
}

/// Each account's ranking joined into one: ordered by their newest values, the first 500,
/// and any account's cut kept.
fn join(parts: Vec<Ranking>, q: &RankQuery) -> Ranking {
    let mut cut = RankCut::default();
    let mut all = Vec::new();
    for p in parts {
        cut.series |= p.cut.series;
        cut.metrics |= p.cut.metrics;
        all.extend(p.ranked.into_iter().map(|r| {
            let v = r.value;
            (r, v)
        }));
    }
    let mut joined = ranks::rank(all, q, cut.metrics);
    joined.cut.series |= cut.series;
    debug_assert!(joined.ranked.len() <= MAX_SERIES as usize);
    joined
}
