//! Metrics Insights rankings: the endpoints of one region with the highest (or lowest) value
//! of one fleet metric, computed by CloudWatch in one query instead of fetched series by
//! series. A large fleet (`metrics_insights_above`) sorts its off-screen rows by them.
//!
//! One query per GetMetricData call, at most 10,000 metrics analysed and 500 series returned
//! (with `ORDER BY`, the 500 highest or lowest); `AWS.AccountId` in the grouping reads every
//! linked account from the monitoring account.

use super::metrics::{self, DimensionStyle, MetricId};
use super::model::{AccountId, Endpoint, Epoch, Region, SeriesKey};

/// Series a query returns at most (CloudWatch's limit, and the ranking's length).
pub const MAX_SERIES: u32 = 500;
/// Metrics a query analyses at most: beyond, CloudWatch ranks the first 10,000 it finds.
pub const MAX_METRICS: u32 = 10_000;

/// One ranking to compute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RankQuery {
    pub region: Region,
    /// One account only (`:account`): `WHERE AWS.AccountId = '...'`.
    pub account: Option<AccountId>,
    pub metric: MetricId,
    /// Lowest first (`ORDER BY ... ASC`), as the fleet's ascending sort lists them.
    pub lowest_first: bool,
    pub start: Epoch,
    pub end: Epoch,
    /// The metrics the query analyses, as the endpoints listed count them (at most
    /// `MAX_METRICS`): what it is billed as (`SourceHealth::metrics_requested_last_hour`).
    pub analysed: u32,
}

/// One endpoint's place in a ranking: its value in the newest period of the window.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranked {
    pub account_id: AccountId,
    pub endpoint: String,
    pub at: Epoch,
    pub value: f32,
}

/// What CloudWatch left out, from its messages (`MaxQueryResultsExceeded`,
/// `MaxMatchingResultsExceeded`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RankCut {
    /// More endpoints matched than `MAX_SERIES`: only the highest (lowest) came back.
    pub series: bool,
    /// More metrics matched than `MAX_METRICS`: only the first found were ranked.
    pub metrics: bool,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Ranking {
    /// In rank order: the highest first, or the lowest for `lowest_first`.
    pub ranked: Vec<Ranked>,
    pub cut: RankCut,
}

/// The aggregate a ranking orders by: the worst value, as the fleet combines variants
/// (`query::combine`): the lowest for quality, the highest for utilisation.
fn function(metric: MetricId) -> &'static str {
    match metrics::spec(metric).levels {
        Some(l) if l.lower_is_worse => "MIN",
        _ => "MAX",
    }
}

/// The dimension that names the endpoint, and the schema's full dimension list.
fn schema(metric: MetricId) -> (&'static str, [&'static str; 2]) {
    match metrics::spec(metric).dimensions {
        DimensionStyle::EndpointVariant => ("EndpointName", ["EndpointName", "VariantName"]),
        DimensionStyle::EndpointSchedule => ("Endpoint", ["Endpoint", "MonitoringSchedule"]),
    }
}

/// The Metrics Insights query of `q`. Every part comes from the catalogue, none from a user
/// or a source; names are double-quoted, as the query language wants for `/` and `-`.
pub fn expression(q: &RankQuery) -> String {
    let spec = metrics::spec(q.metric);
    let f = function(q.metric);
    let (endpoint, [d1, d2]) = schema(q.metric);
    let order = if q.lowest_first { "ASC" } else { "DESC" };
    // An account id is twelve digits: checked, it cannot leave its literal.
    let only = (q.account.as_deref().filter(|a| is_account(a)))
        .map(|a| format!(" WHERE AWS.AccountId = '{a}'"))
        .unwrap_or_default();
    format!(
        "SELECT {f}(\"{metric}\") FROM SCHEMA(\"{ns}\", {d1}, {d2}){only} \
         GROUP BY AWS.AccountId, {endpoint} ORDER BY {f}() {order} LIMIT {MAX_SERIES}",
        metric = spec.name,
        ns = spec.namespace,
    )
}

fn is_account(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|c| c.is_ascii_digit())
}

/// The period of the query's points: the metric's own.
pub fn period(metric: MetricId) -> u32 {
    metrics::spec(metric).period
}

/// The window a ranking reads, ending at `now`: the last few periods, so that a point
/// published late (a minute is up to a few minutes late; a Model Monitor run lands some
/// minutes into its hour) still counts, and the order is by recent values, not by a peak an
/// hour ago. Aligned to the period (CloudWatch starts its buckets at StartTime).
pub fn window(metric: MetricId, now: Epoch) -> (Epoch, Epoch) {
    let p = i64::from(period(metric));
    let periods = if p >= 3600 { 3 } else { 5 };
    let end = now.div_euclid(p) * p;
    (end - periods * p, end)
}

/// The account and endpoint a result's label names. CloudWatch labels a grouped series with
/// its group's values separated by spaces (`111111111111 fraud-detector`): an account id is
/// twelve digits and an endpoint name has no space, so either order reads.
pub fn parse_label(label: &str) -> Option<(AccountId, String)> {
    let mut parts = label.split_whitespace();
    let (a, b) = (parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    match (is_account(a), is_account(b)) {
        (true, false) => Some((a.to_owned(), b.to_owned())),
        (false, true) => Some((b.to_owned(), a.to_owned())),
        // Two twelve-digit values: the grouping's order, account first.
        (true, true) => Some((a.to_owned(), b.to_owned())),
        (false, false) => None,
    }
}

/// Ranks endpoints whose values are already known, as CloudWatch would: by the aggregate of
/// their window (`order`), the first `MAX_SERIES`, and says what was cut. The demo ranks
/// this way; each entry is (ranked endpoint, its window's aggregate).
pub fn rank(mut all: Vec<(Ranked, f32)>, q: &RankQuery, metrics_cut: bool) -> Ranking {
    all.retain(|(_, order)| !order.is_nan());
    all.sort_by(|(a, x), (b, y)| {
        let o = x.total_cmp(y);
        let o = if q.lowest_first { o } else { o.reverse() };
        o.then_with(|| (&a.account_id, &a.endpoint).cmp(&(&b.account_id, &b.endpoint)))
    });
    let series = all.len() > MAX_SERIES as usize;
    all.truncate(MAX_SERIES as usize);
    Ranking {
        ranked: all.into_iter().map(|(r, _)| r).collect(),
        cut: RankCut {
            series,
            metrics: metrics_cut,
        },
    }
}

/// Ranks the endpoints of the query's region by their series, read with `points`, as
/// CloudWatch ranks them: the worst value of the window orders them, the first
/// `MAX_METRICS` metrics found are analysed, and the newest period's worst value is each
/// one's value. For a source that has the series but no query engine (the demo).
pub fn rank_by_series<'a>(
    endpoints: impl Iterator<Item = &'a Endpoint>,
    q: &RankQuery,
    mut points: impl FnMut(&SeriesKey) -> Vec<(Epoch, f64)>,
) -> Ranking {
    let namespace = metrics::spec(q.metric).namespace;
    let lowest = function(q.metric) == "MIN";
    let worst = |a: f64, b: f64| if lowest { a.min(b) } else { a.max(b) };
    let (mut analysed, mut metrics_cut, mut all) = (0, false, Vec::new());
    let of_query = |e: &&Endpoint| {
        e.region == q.region && q.account.as_ref().is_none_or(|a| *a == e.account_id)
    };
    for e in endpoints.filter(of_query) {
        let keys = metrics::series_keys(e, q.metric);
        let keys: Vec<&SeriesKey> = keys.iter().filter(|k| k.namespace == namespace).collect();
        if analysed + keys.len() > MAX_METRICS as usize {
            metrics_cut = true;
            break;
        }
        analysed += keys.len();
        let series: Vec<Vec<(Epoch, f64)>> = keys.into_iter().map(&mut points).collect();
        let every = || series.iter().flatten();
        let Some(at) = every().map(|(t, _)| *t).max() else {
            continue;
        };
        let fold = |it: &mut dyn Iterator<Item = f64>| it.reduce(worst).unwrap_or(f64::NAN);
        let newest = fold(&mut every().filter(|(t, _)| *t == at).map(|(_, v)| *v));
        let order = fold(&mut every().map(|(_, v)| *v));
        let ranked = Ranked {
            account_id: e.account_id.clone(),
            endpoint: e.name.clone(),
            at,
            value: newest as f32,
        };
        all.push((ranked, order as f32));
    }
    rank(all, q, metrics_cut)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(metric: MetricId, lowest_first: bool) -> RankQuery {
        RankQuery {
            region: "eu-west-1".into(),
            account: None,
            metric,
            lowest_first,
            start: 0,
            end: 300,
            analysed: 10,
        }
    }

    #[test]
    fn the_query_groups_by_account_and_endpoint_and_orders_by_the_worst_value() {
        assert_eq!(
            expression(&query(MetricId::Cpu, false)),
            "SELECT MAX(\"CPUUtilization\") FROM SCHEMA(\"/aws/sagemaker/Endpoints\", \
             EndpointName, VariantName) GROUP BY AWS.AccountId, EndpointName \
             ORDER BY MAX() DESC LIMIT 500"
        );
        assert_eq!(
            expression(&query(MetricId::Accuracy, true)),
            "SELECT MIN(\"accuracy\") FROM SCHEMA(\"aws/sagemaker/Endpoints/model-metrics\", \
             Endpoint, MonitoringSchedule) GROUP BY AWS.AccountId, Endpoint \
             ORDER BY MIN() ASC LIMIT 500"
        );
    }

    #[test]
    fn one_account_is_a_where_clause_and_only_an_account_id_gets_in() {
        let mut q = query(MetricId::Disk, false);
        q.account = Some("111111111111".into());
        assert!(
            expression(&q).contains(
                "SCHEMA(\"/aws/sagemaker/Endpoints\", EndpointName, VariantName) \
                 WHERE AWS.AccountId = '111111111111' GROUP BY"
            ),
            "{}",
            expression(&q)
        );
        q.account = Some("1' OR '1'='1".into());
        assert!(!expression(&q).contains("WHERE"), "{}", expression(&q));
    }

    fn endpoint(i: usize, variants: usize) -> Endpoint {
        Endpoint {
            account_id: "111111111111".into(),
            name: format!("e{i:05}"),
            status: super::super::model::EndpointStatus::InService,
            variants: (0..variants).map(|v| format!("v{v}")).collect(),
            monitoring_schedules: Vec::new(),
            model_quality_namespace: None,
            quality: None,
            region: "eu-west-1".into(),
        }
    }

    #[test]
    fn ranking_by_series_analyses_the_first_10000_metrics_and_takes_each_endpoints_worst_variant() {
        // Two variants each: 5,001 endpoints are 10,002 metrics.
        let endpoints: Vec<Endpoint> = (0..5_001).map(|i| endpoint(i, 2)).collect();
        let value = |k: &SeriesKey| {
            let e: f64 = k.dimension("EndpointName").unwrap()[1..].parse().unwrap();
            let v = if k.dimension("VariantName") == Some("v1") {
                0.5
            } else {
                0.0
            };
            vec![(240, e + v), (300, e / 10.0 + v)]
        };
        let r = rank_by_series(endpoints.iter(), &query(MetricId::Cpu, false), value);
        assert_eq!(
            r.cut,
            RankCut {
                series: true,
                metrics: true
            }
        );
        assert_eq!(r.ranked.len(), 500);
        // e05000 was not analysed: the first 10,000 metrics are e00000 to e04999's.
        assert_eq!(r.ranked[0].endpoint, "e04999");
        assert_eq!((r.ranked[0].at, r.ranked[0].value), (300, 500.4));
        let other_region = rank_by_series(
            endpoints[..3].iter(),
            &RankQuery {
                region: "us-east-1".into(),
                ..query(MetricId::Cpu, false)
            },
            value,
        );
        assert!(other_region.ranked.is_empty());
    }

    #[test]
    fn a_label_names_the_account_and_the_endpoint_in_either_order() {
        let both = Some(("111111111111".to_owned(), "fraud-detector".to_owned()));
        assert_eq!(parse_label("111111111111 fraud-detector"), both);
        assert_eq!(parse_label("fraud-detector 111111111111"), both);
        assert_eq!(parse_label("fraud-detector"), None);
        assert_eq!(parse_label("a b c"), None);
        assert_eq!(parse_label("other words"), None);
    }

    #[test]
    fn the_window_is_whole_recent_periods() {
        assert_eq!(
            window(MetricId::Cpu, 10_000 * 60 + 17),
            (9_995 * 60, 10_000 * 60)
        );
        let hour = 3600;
        assert_eq!(
            window(MetricId::Accuracy, 100 * hour + 600),
            (97 * hour, 100 * hour)
        );
    }

    #[test]
    fn a_ranking_keeps_the_500_worst_and_says_it_cut() {
        let all: Vec<(Ranked, f32)> = (0..600)
            .map(|i| {
                let r = Ranked {
                    account_id: "111111111111".into(),
                    endpoint: format!("e{i:03}"),
                    at: 60,
                    value: i as f32,
                };
                (r, i as f32)
            })
            .collect();
        let top = rank(all.clone(), &query(MetricId::Cpu, false), false);
        assert_eq!(top.ranked.len(), 500);
        assert_eq!(top.ranked[0].endpoint, "e599");
        assert_eq!(top.ranked[499].endpoint, "e100");
        assert_eq!(
            top.cut,
            RankCut {
                series: true,
                metrics: false
            }
        );
        let bottom = rank(all[..10].to_vec(), &query(MetricId::Cpu, true), true);
        assert_eq!(bottom.ranked[0].endpoint, "e000");
        assert_eq!(
            bottom.cut,
            RankCut {
                series: false,
                metrics: true
            }
        );
    }
}
