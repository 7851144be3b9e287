//! The demo's story as data (docs/demo.md tells it): who did what, when, to which resource,
//! and what the metrics, logs and trail then show. The world, trail, logs, Model Monitor and
//! series read their facts here, so they cannot tell different stories.

use super::{HOUR, MINUTE};
use crate::source::model::{EndpointMakeup, Epoch};

/// The prod fraud-detector's new model is deployed this long before `start`.
pub const UPDATE_BEFORE_START: i64 = 90 * MINUTE;
/// The monitoring run that reveals the drift completes this long after `start`.
pub const INCIDENT_AFTER_START: i64 = 240;
/// Alarms were created about two days before `start`, so their history has something to show.
pub const ALARMS_CREATED_BEFORE_START: i64 = 47 * HOUR;

/// The endpoint whose new model drifts, the one that leaks memory, and the one still being
/// created: (account label, name).
pub const INCIDENT_ENDPOINT: (&str, &str) = ("prod", "fraud-detector");
pub const LEAKING_ENDPOINT: (&str, &str) = ("staging", "churn-predictor-stg");
pub const CREATING_ENDPOINT: (&str, &str) = ("staging", "image-tagger");

/// The role deployments are made with.
pub const DEPLOYER_ROLE: &str = "ml-deployer";
/// Who deploys the drifting model (the role session and the source identity).
pub const INCIDENT_USER: &str = "alice";
/// The model version the incident deploys, and its endpoint config.
pub const INCIDENT_MODEL: &str = "fraud-detector-v43";
pub const INCIDENT_CONFIG: &str = "fraud-detector-config-v43";
/// Who muted the canary's noisy accuracy alarm for good, and when (before `start`).
pub const CANARY_MUTER: &str = "erin@example.com";
pub const CANARY_MUTED_BEFORE_START: i64 = 46 * HOUR;
/// Who muted the leaking endpoint's memory alarm.
pub const ON_CALL_ROLE: &str = "OnCall";
pub const ON_CALL_USER: &str = "dave@example.com";

/// After the update: 5xx (in the series) and 503s (in the logs) while the model loads.
pub const LOADING_SECS: i64 = 5 * MINUTE;
/// How long after the update the feature warnings and tracebacks reach their full rate.
pub const DRIFT_FULL_SECS: i64 = 3 * HOUR;
/// The feature the new model's client stopped sending, and the one it sends larger.
pub const MISSING_FEATURE: &str = "merchant_category";
pub const DRIFTING_FEATURE: &str = "transaction_amount";
/// How the drifting feature's distance from the baseline grows, hour by hour after the
/// update (Model Monitor's data-quality check), and the distance it is allowed.
pub const FEATURE_DRIFT: (f64, f64, f64) = (0.18, 0.02, 0.4);
pub const FEATURE_DRIFT_THRESHOLD: f64 = 0.1;

/// The drifting model's accuracy: the revealing run reports `revealed`, and it keeps
/// sliding by `per_hour` (to `floor`) while nobody acts; the hours before, it drifts toward
/// `above_threshold` over the threshold (0.868 one hour before, 0.899 two before).
pub struct AccuracyDrift {
    pub revealed: f64,
    pub per_hour: f64,
    pub floor: f64,
    pub above_threshold: f64,
}

pub const ACCURACY_DRIFT: AccuracyDrift = AccuracyDrift {
    revealed: 0.781,
    per_hour: 0.012,
    floor: 0.70,
    above_threshold: 0.018,
};
/// 5xx a minute while the new model loads: at least the first, up to the first plus the
/// second.
pub const LOADING_ERRORS: (f64, u64) = (12.0, 8);

/// The leak: restarted 30 h before start, creeping ~1.3 %/h from 52 %: over 90 % for the
/// last ~50 minutes before start, and it crossed once before in the previous cycle. Its
/// model server warns above 85 %.
pub struct Leak {
    pub restarted_before_start: i64,
    pub restart_period: i64,
    pub base: f64,
    pub per_hour: f64,
    pub warn_above: f64,
}

pub const LEAK: Leak = Leak {
    restarted_before_start: 30 * HOUR,
    restart_period: 36 * HOUR,
    base: 52.0,
    per_hour: 1.303,
    warn_above: 85.0,
};

/// Who acts in an episode.
#[derive(Debug, Clone, Copy)]
pub enum Actor {
    /// A person's SSO session in the account.
    Engineer(&'static str),
    /// A person through `DEPLOYER_ROLE`, their name the session and the source identity.
    Deployer(&'static str),
    /// The account's CI role.
    Ci,
    /// `ON_CALL_ROLE`, as `ON_CALL_USER`.
    OnCall,
}

/// A model shipped to an endpoint: CreateModel 11 minutes before `at`, CreateEndpointConfig
/// 7 minutes before, then UpdateEndpoint (CreateEndpoint for `CREATING_ENDPOINT`) at `at`,
/// then a poll.
#[derive(Debug, Clone, Copy)]
pub struct Release {
    pub model: &'static str,
    pub config: &'static str,
    pub instance: &'static str,
    /// Refused with this quota message (and not polled).
    pub refused: Option<&'static str>,
}

#[derive(Debug, Clone, Copy)]
pub enum Act {
    /// AssumeRole into `DEPLOYER_ROLE` as this session, for an hour.
    AssumeDeployer(&'static str),
    Deploy(Release),
    /// DisableAlarmActions, from the monitoring account, on the endpoint's muted alarms.
    MuteAlarms,
    /// UpdateEndpointWeightsAndCapacities to two instances, refused to the on-call role.
    ScaleOut,
}

/// One thing someone did to an endpoint.
#[derive(Debug, Clone, Copy)]
pub struct Episode {
    /// Seconds from `start` (negative: before it).
    pub at: i64,
    /// The endpoint acted on: (account label, name).
    pub endpoint: (&'static str, &'static str),
    pub actor: Actor,
    pub act: Act,
}

const QUOTA: &str = "The account-level service limit 'ml.g5.xlarge for endpoint usage' is 0 \
     Instances, with current utilization of 0 Instances and a request delta of 2 Instances. \
     Please use AWS Service Quotas to request an increase for this quota.";

const V43: Release = Release {
    model: INCIDENT_MODEL,
    config: INCIDENT_CONFIG,
    instance: "ml.m5.xlarge",
    refused: None,
};

const IMAGE_TAGGER: Release = Release {
    model: "image-tagger-v1",
    config: "image-tagger-config-v1",
    instance: "ml.g5.xlarge",
    refused: Some(QUOTA),
};

/// The episodes, oldest first.
pub const EPISODES: [Episode; 8] = [
    // The canary is noisy by design: its owner turned its alarm's actions off, for good.
    Episode {
        at: -CANARY_MUTED_BEFORE_START,
        endpoint: ("test", "fraud-detector-canary"),
        actor: Actor::Engineer(CANARY_MUTER),
        act: Act::MuteAlarms,
    },
    Episode {
        at: -UPDATE_BEFORE_START - 26 * HOUR,
        endpoint: ("staging", "fraud-detector-stg"),
        actor: Actor::Ci,
        act: Act::Deploy(Release {
            model: "fraud-detector-stg-v43",
            config: "fraud-detector-stg-config-v43",
            instance: "ml.m5.large",
            ..V43
        }),
    },
    Episode {
        at: -UPDATE_BEFORE_START - 14 * MINUTE,
        endpoint: INCIDENT_ENDPOINT,
        actor: Actor::Engineer("alice@example.com"),
        act: Act::AssumeDeployer(INCIDENT_USER),
    },
    Episode {
        at: -UPDATE_BEFORE_START,
        endpoint: INCIDENT_ENDPOINT,
        actor: Actor::Deployer(INCIDENT_USER),
        act: Act::Deploy(V43),
    },
    Episode {
        at: -40 * MINUTE,
        endpoint: CREATING_ENDPOINT,
        actor: Actor::Deployer("bob"),
        act: Act::Deploy(IMAGE_TAGGER),
    },
    Episode {
        at: -35 * MINUTE,
        endpoint: LEAKING_ENDPOINT,
        actor: Actor::OnCall,
        act: Act::MuteAlarms,
    },
    Episode {
        at: -20 * MINUTE,
        endpoint: LEAKING_ENDPOINT,
        actor: Actor::OnCall,
        act: Act::ScaleOut,
    },
    Episode {
        at: -12 * MINUTE,
        endpoint: CREATING_ENDPOINT,
        actor: Actor::Deployer("bob"),
        act: Act::Deploy(Release {
            config: "image-tagger-config-v2",
            instance: "ml.g4dn.xlarge",
            refused: None,
            ..IMAGE_TAGGER
        }),
    },
];

/// When the drifting feature's distance is measured over hour `hour`, after an update at
/// `update_at`: the data-quality check's observation.
pub fn feature_drift(update_at: Epoch, hour: Epoch) -> f64 {
    let (base, per_hour, max) = FEATURE_DRIFT;
    let k = ((hour - update_at) / HOUR).max(0) as f64;
    (base + per_hour * k).min(max)
}

/// What an endpoint is made of at `now` (the demo's DescribeEndpoint and
/// DescribeEndpointConfig): its newest release deployed by then (a refused one changed
/// nothing), else the config and model it was made with before the story began.
pub fn makeup(start: Epoch, account_label: &str, name: &str, now: Epoch) -> EndpointMakeup {
    let released = EPISODES.iter().rev().find_map(|ep| match ep.act {
        Act::Deploy(r) if r.refused.is_none() && ep.endpoint == (account_label, name) => {
            Some((start + ep.at, r))
        }
        _ => None,
    });
    let (config, model, last_modified) = match released.filter(|(at, _)| *at <= now) {
        // InService by the deployer's poll (`trail::episode`), nine minutes on.
        Some((at, r)) => (
            r.config.to_owned(),
            r.model.to_owned(),
            Some(at + 9 * MINUTE),
        ),
        None => (format!("{name}-config"), format!("{name}-model"), None),
    };
    EndpointMakeup {
        config,
        pending_config: None,
        models: vec![model],
        last_modified,
    }
}
