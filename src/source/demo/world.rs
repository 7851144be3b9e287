//! The shape of the demo organisation: accounts, endpoints with their behaviour profiles, and
//! alarm definitions. Built once from the config; holds no data points (they are computed).

use super::HOUR;
use super::rng::{hash_str, mix, range};
use super::story::{
    ALARMS_CREATED_BEFORE_START, CREATING_ENDPOINT, INCIDENT_AFTER_START, INCIDENT_ENDPOINT, LEAK,
    LEAKING_ENDPOINT, UPDATE_BEFORE_START,
};
use crate::source::metrics::{self, DimensionStyle, MetricId};
use crate::source::model::*;
use Comparison::{GreaterThanThreshold as GreaterThan, LessThanThreshold as LessThan};
use MetricId::{Accuracy, Cpu, Errors5xx, Memory, ModelLatency};
use std::collections::HashMap;

pub const MONITORING_ACCOUNT: &str = "100000000000";
pub const MONITORING_LABEL: &str = "monitoring";
pub const REGION: &str = "eu-west-1";
/// The other region the demo watches: the test account (and every third generated one)
/// runs its endpoints there.
pub const OTHER_REGION: &str = "us-east-1";

/// The region of the `i`th source account's endpoints.
fn account_region(i: usize) -> &'static str {
    if i % 3 == 2 { OTHER_REGION } else { REGION }
}

/// The region account `id` runs its endpoints (and jobs) in; the monitoring account's is
/// `REGION`.
pub fn region_of_account(id: &str) -> &'static str {
    let hand_written = ACCOUNTS.iter().position(|a| a.0 == id);
    // Generated accounts follow the monitoring account: 100000000001 is the first.
    let generated = || id.parse::<u64>().ok()?.checked_sub(100_000_000_001);
    match hand_written.or_else(|| generated().map(|n| n as usize)) {
        Some(i) if id != MONITORING_ACCOUNT => account_region(i),
        _ => REGION,
    }
}
/// The console's own role in the demo: it writes (mutes, creates alarms, runs monitors), so its
/// name claims nothing it does not do; `--read-only` is what says READ-ONLY.
pub const IDENTITY_ARN: &str = "arn:aws:sts::100000000000:assumed-role/SagewatchOperator/demo";

/// The accuracy threshold of every accuracy alarm, and the Model Monitor constraint.
pub const ACCURACY_THRESHOLD: f64 = 0.85;
/// The demo's custom quality source: a team without Model Monitor publishes its endpoint's
/// accuracy, AUC, ... here itself (config `[[quality_metrics]]` on AWS).
pub const CUSTOM_QUALITY_NAMESPACE: &str = "MLTeam/ModelQuality";
/// The endpoints whose quality comes from `CUSTOM_QUALITY_NAMESPACE`: (account label, name).
const CUSTOM_QUALITY_ENDPOINTS: [(&str, &str); 1] = [("staging", "fraud-detector-stg")];

/// The deployment that starts the incident.
#[derive(Debug, Clone, Copy)]
pub struct Incident {
    pub update_at: Epoch,
    /// The hour bucket whose monitoring run first reports accuracy below the threshold.
    pub bucket: Epoch,
}

/// How an endpoint behaves; every field is drawn from its name's hash (not the seed), so the
/// organisation looks the same under every seed and only the noise changes.
#[derive(Debug, Clone)]
pub struct Profile {
    /// Creating endpoints publish nothing at all.
    pub has_data: bool,
    pub peak_rpm: f64,
    /// Shifts the daily cycle so endpoints do not peak in lockstep.
    pub phase: i64,
    pub cpu_idle: f64,
    pub cpu_peak: f64,
    pub latency_us: f64,
    pub mem_base: f64,
    pub mem_creep_per_hour: f64,
    pub restart_anchor: Epoch,
    pub restart_period: i64,
    pub disk_base: f64,
    pub disk_rise_per_hour: f64,
    pub disk_rotation_anchor: Epoch,
    pub accuracy: f64,
    pub auc: f64,
    pub precision: f64,
    pub recall: f64,
    /// Seconds into the hour at which the hourly Model Monitor run publishes its point.
    pub monitor_offset: i64,
    pub incident: Option<Incident>,
}

#[derive(Debug, Clone)]
pub struct SimEndpoint {
    pub endpoint: Endpoint,
    pub account_label: String,
    pub profile: Profile,
    /// Traffic share of each variant, in `endpoint.variants` order.
    pub weights: Vec<f64>,
    /// Seed-dependent base of every noise hash of this endpoint.
    pub noise: u64,
}

/// A series resolved to the endpoint and metric that generate it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeriesRef {
    pub endpoint: usize,
    pub metric: MetricId,
    pub variant: usize,
}

#[derive(Debug, Clone)]
pub struct AlarmDef {
    pub name: String,
    pub created: Epoch,
    pub endpoint: EndpointKey,
    pub actions_enabled: bool,
    pub kind: AlarmKind,
    /// The series a metric alarm watches; None when it does not (yet) exist: the alarm
    /// never gets data.
    pub target: Option<SeriesRef>,
    /// A composite's children (`ALARM(child) OR ALARM(child) ...`), indices of metric alarms.
    pub children: Vec<usize>,
    /// Actions, description, missing-data treatment of alarms made in the console.
    pub settings: AlarmSettings,
}

#[derive(Debug)]
pub struct World {
    pub start: Epoch,
    pub accounts: Vec<Account>,
    pub endpoints: Vec<SimEndpoint>,
    pub alarms: Vec<AlarmDef>,
    /// account id -> endpoint name -> index; nested so lookups need no allocation.
    index: HashMap<String, HashMap<String, usize>>,
    alarm_index: HashMap<String, usize>,
}

/// An endpoint of the hand-written world: its name, its variants with their traffic shares,
/// and its alarms by what they watch (`!`: actions disabled).
type Row = (&'static str, &'static [(&'static str, f64)], &'static str);

const ALL_TRAFFIC: &[(&str, f64)] = &[("AllTraffic", 1.0)];
/// prod fraud-detector's two variants: most traffic on blue, a fifth on green.
const BLUE_GREEN: &[(&str, f64)] = &[("blue", 0.8), ("green", 0.2)];

/// The hand-written part of the organisation: (id, label, endpoints).
const ACCOUNTS: [(&str, &str, &[Row]); 3] = [
    (
        "111111111111",
        "prod",
        &[
            ("fraud-detector", BLUE_GREEN, "accuracy 5xx"),
            ("churn-predictor", ALL_TRAFFIC, "accuracy"),
            ("credit-risk-scorer", ALL_TRAFFIC, "accuracy cpu-high"),
            (
                "recommender-v2",
                ALL_TRAFFIC,
                "accuracy memory-high latency-high",
            ),
        ],
    ),
    (
        "222222222222",
        "staging",
        &[
            ("fraud-detector-stg", ALL_TRAFFIC, "accuracy"),
            // A known leak in staging: someone muted it rather than fix it.
            ("churn-predictor-stg", ALL_TRAFFIC, "accuracy !memory-high"),
            ("image-tagger", ALL_TRAFFIC, "accuracy cpu-high"),
        ],
    ),
    (
        "333333333333",
        "test",
        &[
            // The canary is noisy by design; its owners muted the alarm.
            ("fraud-detector-canary", ALL_TRAFFIC, "!accuracy"),
            ("ltv-scorer", ALL_TRAFFIC, "accuracy cpu-high"),
        ],
    ),
];

/// Name stems of generated endpoints (`--demo-scale`).
const FAMILIES: &str = "fraud-detector churn-predictor credit-risk-scorer recommender ltv-scorer \
     search-ranker price-optimizer demand-forecaster spam-filter doc-classifier";

/// What an alarm watches: (name suffix, metric, comparison, threshold, evaluation periods,
/// datapoints to alarm).
type Watch = (&'static str, MetricId, Comparison, f64, u32, u32);
const WATCHES: [Watch; 5] = [
    ("accuracy", Accuracy, LessThan, ACCURACY_THRESHOLD, 1, 1),
    // 80 % of two vCPUs, which CloudWatch sums (0-200 %).
    ("cpu-high", Cpu, GreaterThan, 160.0, 3, 3),
    ("memory-high", Memory, GreaterThan, 90.0, 5, 5),
    // 300 ms, in the microseconds SageMaker reports.
    ("latency-high", ModelLatency, GreaterThan, 3e5, 3, 3),
    ("5xx", Errors5xx, GreaterThan, 10.0, 3, 2),
];

/// Composite alarms: (name, children by name).
const COMPOSITES: [(&str, [&str; 2]); 1] = [(
    "prod-fraud-detector-health",
    ["prod-fraud-detector-accuracy", "prod-fraud-detector-5xx"],
)];

/// How the endpoint `name` of account `label` behaves: drawn from its name's hash, then
/// the part it plays in the story.
fn profile(name_hash: u64, label: &str, name: &str, start: Epoch) -> Profile {
    let h = |salt: u64| mix(name_hash, salt);
    let accuracy = range(h(1), 0.90, 0.95);
    let precision = accuracy - range(h(2), 0.0, 0.03);
    let mut p = Profile {
        has_data: true,
        peak_rpm: range(h(3), 200.0, 3000.0).round(),
        phase: (range(h(4), -2.0, 2.0) * HOUR as f64) as i64,
        cpu_idle: range(h(5), 5.0, 15.0),
        cpu_peak: range(h(6), 40.0, 110.0),
        latency_us: range(h(7), 8_000.0, 60_000.0),
        mem_base: range(h(8), 35.0, 55.0),
        mem_creep_per_hour: range(h(9), 0.05, 0.25),
        restart_anchor: (range(h(10), 0.0, 96.0) * HOUR as f64) as i64,
        restart_period: (range(h(11), 48.0, 96.0) * HOUR as f64) as i64,
        disk_base: range(h(12), 15.0, 40.0),
        disk_rise_per_hour: range(h(13), 0.02, 0.08),
        disk_rotation_anchor: (range(h(14), 0.0, 168.0) * HOUR as f64) as i64,
        accuracy,
        auc: (accuracy + range(h(15), 0.02, 0.04)).min(0.99),
        precision,
        recall: accuracy - range(h(16), 0.02, 0.06),
        monitor_offset: (range(h(17), 5.0, 50.0) * 60.0) as i64,
        incident: None,
    };
    match (label, name) {
        // A new model drifts and trips its accuracy alarm after start.
        INCIDENT_ENDPOINT => {
            // The run that reveals the drift lands exactly at start + 240 s: its hour bucket
            // becomes visible at that instant, so the monitor offset is forced.
            let reveal = start + INCIDENT_AFTER_START;
            let bucket = reveal.div_euclid(HOUR) * HOUR;
            p.monitor_offset = reveal - bucket;
            p.accuracy = 0.93;
            p.incident = Some(Incident {
                update_at: start - UPDATE_BEFORE_START,
                bucket,
            });
        }
        // A memory leak: memory has crept over 90 % by start.
        LEAKING_ENDPOINT => {
            p.mem_base = LEAK.base;
            p.mem_creep_per_hour = LEAK.per_hour;
            p.restart_anchor = start - LEAK.restarted_before_start;
            p.restart_period = LEAK.restart_period;
        }
        // Still being created: no metrics, no schedule.
        CREATING_ENDPOINT => p.has_data = false,
        _ => {}
    }
    p
}

fn sim_endpoint(
    seed: u64,
    start: Epoch,
    account: &Account,
    (name, region): (&str, &str),
    variants: &[(&str, f64)],
) -> SimEndpoint {
    let name_hash = mix(hash_str(&account.id), hash_str(name));
    let profile = profile(name_hash, &account.label, name, start);
    let quality = CUSTOM_QUALITY_ENDPOINTS
        .contains(&(account.label.as_str(), name))
        .then(|| CustomQuality {
            namespace: CUSTOM_QUALITY_NAMESPACE.to_owned(),
            endpoint_dimension: "EndpointName".to_owned(),
            period: 3600,
        });
    // An endpoint with a custom quality source has no Model Monitor (`monitor::world_schedules`).
    let monitored = profile.has_data && quality.is_none();
    SimEndpoint {
        endpoint: Endpoint {
            account_id: account.id.clone(),
            name: name.to_owned(),
            status: if profile.has_data {
                EndpointStatus::InService
            } else {
                EndpointStatus::Creating
            },
            variants: variants.iter().map(|(v, _)| (*v).to_owned()).collect(),
            monitoring_schedules: monitored.then(|| schedule_name(name)).into_iter().collect(),
            model_quality_namespace: None,
            quality,
            region: region.into(),
        },
        account_label: account.label.clone(),
        profile,
        weights: variants.iter().map(|(_, w)| *w).collect(),
        noise: mix(seed, name_hash),
    }
}

/// The ARN of SageMaker resource `name` in `account`, of `kind` as an ARN spells it
/// (`endpoint-config`, `processing-job`).
pub fn sagemaker_arn(account: &str, kind: &str, name: &str) -> String {
    let region = region_of_account(account);
    format!("arn:aws:sagemaker:{region}:{account}:{kind}/{name}")
}

/// The ARN of alarm `name`: every demo alarm is the monitoring account's.
pub fn alarm_arn(name: &str) -> String {
    format!("arn:aws:cloudwatch:{REGION}:{MONITORING_ACCOUNT}:alarm:{name}")
}

pub fn schedule_name(endpoint: &str) -> String {
    format!("{endpoint}-model-quality")
}

impl World {
    /// `scale` = (source accounts, endpoints per account); None is the hand-written world.
    pub fn new(seed: u64, start: Epoch, scale: Option<(usize, usize)>) -> Self {
        let mut world = Self {
            start,
            accounts: vec![Account {
                id: MONITORING_ACCOUNT.to_owned(),
                label: MONITORING_LABEL.to_owned(),
                monitoring: true,
            }],
            endpoints: Vec::new(),
            alarms: Vec::new(),
            index: HashMap::new(),
            alarm_index: HashMap::new(),
        };
        let families: Vec<&str> = FAMILIES.split_whitespace().collect();
        // Each endpoint's alarms (as in `Row`): the hand-written ones first, then those of
        // generated endpoints: an accuracy alarm each, CPU on every fifth (kept cheap).
        let (mut written, mut generated) = (Vec::new(), Vec::new());
        for i in 0..scale.map_or(ACCOUNTS.len(), |(a, _)| a) {
            let (id, label, rows) = match ACCOUNTS.get(i) {
                Some(&(id, label, rows)) => (id.to_owned(), label.to_owned(), rows),
                // 100000000000 is the monitoring account; generated ones follow it.
                None => (
                    format!("{:012}", 100_000_000_000u64 + i as u64 + 1),
                    format!("acct-{:02}", i + 1),
                    &[][..],
                ),
            };
            let account = Account {
                id,
                label,
                monitoring: false,
            };
            let per_account = scale.map_or(rows.len(), |(_, e)| e);
            for &(name, variants, alarms) in rows.iter().take(per_account) {
                written.push((world.endpoints.len(), alarms));
                let at = (name, account_region(i));
                world.add_endpoint(sim_endpoint(seed, start, &account, at, variants));
            }
            for j in rows.len()..per_account {
                let name = format!("{}-{:03}", families[j % families.len()], j + 1);
                let alarms = ["accuracy cpu-high", "accuracy"][usize::from(j % 5 != 0)];
                generated.push((world.endpoints.len(), alarms));
                let at = (name.as_str(), account_region(i));
                world.add_endpoint(sim_endpoint(seed, start, &account, at, ALL_TRAFFIC));
            }
            world.accounts.push(account);
        }
        for (i, alarms) in written.into_iter().chain(generated) {
            for watch in alarms.split_whitespace() {
                let enabled = !watch.starts_with('!');
                if let Some(a) = world.metric_alarm(i, watch.trim_start_matches('!'), enabled) {
                    world.add_alarm(a);
                }
            }
        }
        world.add_composites();
        world
    }

    fn add_endpoint(&mut self, e: SimEndpoint) {
        let in_account = self.index.entry(e.endpoint.account_id.clone()).or_default();
        in_account.insert(e.endpoint.name.clone(), self.endpoints.len());
        self.endpoints.push(e);
    }

    fn add_alarm(&mut self, a: AlarmDef) {
        self.alarm_index.insert(a.name.clone(), self.alarms.len());
        self.alarms.push(a);
    }

    fn add_composites(&mut self) {
        for (name, children) in COMPOSITES {
            // Left out when a child is (a small `--demo-scale`).
            let idx: Option<Vec<usize>> = children.iter().map(|c| self.alarm_index(c)).collect();
            let Some(idx) = idx else { continue };
            let rule = children.map(|c| format!("ALARM(\"{c}\")")).join(" OR ");
            // Created after its children, as CloudWatch requires them to exist first.
            let created = idx.iter().map(|&c| self.alarms[c].created).max();
            self.add_alarm(AlarmDef {
                name: name.to_owned(),
                created: created.unwrap_or(0) + 600,
                endpoint: self.alarms[idx[0]].endpoint.clone(),
                actions_enabled: true,
                kind: AlarmKind::Composite { rule },
                target: None,
                children: idx,
                settings: AlarmSettings::default(),
            });
        }
    }

    /// Endpoint `i`'s alarm on what `suffix` names (`WATCHES`).
    fn metric_alarm(&self, i: usize, suffix: &str, actions_enabled: bool) -> Option<AlarmDef> {
        let e = &self.endpoints[i];
        let &(_, metric, comparison, threshold, periods, to_alarm) =
            WATCHES.iter().find(|w| w.0 == suffix)?;
        let name = format!("{}-{}-{}", e.account_label, e.endpoint.name, suffix);
        let first = |endpoint: &Endpoint| metrics::series_keys(endpoint, metric).into_iter().next();
        // No schedule yet (Creating): the alarm names the schedule it will have.
        let series = first(&e.endpoint).or_else(|| {
            first(&Endpoint {
                monitoring_schedules: vec![schedule_name(&e.endpoint.name)],
                ..e.endpoint.clone()
            })
        })?;
        let created =
            self.start - ALARMS_CREATED_BEFORE_START + (mix(hash_str(&name), 7) % 1200) as i64;
        Some(AlarmDef {
            target: self.resolve(&series),
            name,
            created,
            endpoint: e.endpoint.key(),
            actions_enabled,
            kind: AlarmKind::Metric {
                series,
                comparison,
                threshold,
                evaluation_periods: periods,
                datapoints_to_alarm: to_alarm,
            },
            children: Vec::new(),
            settings: AlarmSettings {
                alarm_actions: vec![format!("arn:aws:sns:{REGION}:{MONITORING_ACCOUNT}:oncall")],
                description: format!("{} {suffix}", e.endpoint.name),
                treat_missing: "missing".into(),
                ..AlarmSettings::default()
            },
        })
    }

    pub fn endpoint_index(&self, account_id: &str, name: &str) -> Option<usize> {
        self.index.get(account_id)?.get(name).copied()
    }

    /// The label of the account of `endpoint`, if the demo has that endpoint.
    pub fn account_label(&self, endpoint: &EndpointKey) -> Option<&str> {
        let i = self.endpoint_index(&endpoint.account_id, &endpoint.name)?;
        Some(&self.endpoints[i].account_label)
    }

    pub fn alarm_index(&self, name: &str) -> Option<usize> {
        self.alarm_index.get(name).copied()
    }

    /// Which generator answers for `key`, if any: the metric must be in the catalogue with its
    /// own stat and period (a custom source's period for its quality series), and the
    /// dimensions must name an existing endpoint (`metrics::names_endpoint`: whichever
    /// dimension its source names it by) and variant or schedule.
    pub fn resolve(&self, key: &SeriesKey) -> Option<SeriesRef> {
        let endpoint = key.dimensions.iter().find_map(|(_, value)| {
            let i = self.endpoint_index(&key.account_id, value)?;
            metrics::names_endpoint(&self.endpoints[i].endpoint, key).then_some(i)
        })?;
        let e = &self.endpoints[endpoint].endpoint;
        let spec = metrics::spec_for(e, key)?;
        if spec.stat != key.stat {
            return None;
        }
        let variant = match (spec.dimensions, &e.quality) {
            (DimensionStyle::EndpointSchedule, Some(q)) if key.namespace == q.namespace => {
                (q.period == key.period && key.dimensions.len() == 1).then_some(0)?
            }
            _ if spec.period != key.period || key.dimensions.len() != 2 => return None,
            (DimensionStyle::EndpointVariant, _) => {
                let v = key.dimension("VariantName")?;
                e.variants.iter().position(|x| x == v)?
            }
            (DimensionStyle::EndpointSchedule, _) => {
                let s = key.dimension("MonitoringSchedule")?;
                (e.monitoring_schedules.first()? == s).then_some(0)?
            }
        };
        Some(SeriesRef {
            endpoint,
            metric: spec.id,
            variant,
        })
    }
}
