//! One line of the tape: when, what kind, what it says, who did it from where, and where
//! `Enter` opens it.

use crate::sanitize::clean;
use crate::source::metrics::{MetricId, spec};
use crate::source::model::Epoch;
use serde::{Serialize, Serializer};

/// Longest text a line keeps: the tape is one line per event, and a summary or a reason
/// from AWS can run to kilobytes.
const MAX_TEXT: usize = 300;

/// Where a line came from. The order of the variants is the order of lines that share a
/// second: causes before what they cause (the console's write, then its trail record, then
/// the endpoint's status and scaling), evidence after (runs, quality, metrics, logs), and
/// the alarm last, since an alarm reacts to everything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A write made from this console (the audit log).
    Console,
    /// A change from CloudTrail.
    Trail,
    /// The endpoint's status (Updating, InService, Failed).
    Status,
    /// An Application Auto Scaling activity.
    Scaling,
    /// A Model Monitor run started or ended.
    Monitor,
    /// A model-quality point: a new value, or its baseline crossed.
    Quality,
    /// A step in an endpoint metric (CPU, memory, disk, latency, 5xx, invocations).
    Metric,
    /// A log error spike.
    Logs,
    /// An alarm's state transition.
    Alarm,
}

impl Kind {
    pub const ALL: [Kind; 9] = [
        Self::Console,
        Self::Trail,
        Self::Status,
        Self::Scaling,
        Self::Monitor,
        Self::Quality,
        Self::Metric,
        Self::Logs,
        Self::Alarm,
    ];

    /// The short label a line shows, the filter matches and the JSON carries.
    pub fn label(self) -> &'static str {
        match self {
            Self::Console => "console",
            Self::Trail => "trail",
            Self::Status => "status",
            Self::Scaling => "scaling",
            Self::Monitor => "monitor",
            Self::Quality => "quality",
            Self::Metric => "metric",
            Self::Logs => "logs",
            Self::Alarm => "alarm",
        }
    }
}

/// What a line means for the post-mortem's summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Someone or something changed the endpoint, its alarms or its monitoring.
    Change,
    /// Something went wrong: an alarm to ALARM, errors rising, a step, a quality breach.
    Symptom,
    /// Something went back to normal.
    Recovery,
    /// Context: a run started, a status on the way.
    Note,
}

/// Where `Enter` opens a line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "open", rename_all = "snake_case")]
pub enum Target {
    /// The trail event's detail (found by id on the day of its time).
    TrailEvent {
        event_id: String,
        #[serde(serialize_with = "rfc3339")]
        at: Epoch,
    },
    /// The monitor pane at a schedule's run.
    MonitorRun {
        account_id: String,
        schedule: String,
        #[serde(serialize_with = "rfc3339")]
        at: Epoch,
    },
    /// The endpoint's logs around a minute.
    Logs {
        #[serde(serialize_with = "rfc3339")]
        minute: Epoch,
    },
    /// The endpoint's chart at a time, on a metric when the line is about one.
    Chart {
        #[serde(serialize_with = "rfc3339")]
        at: Epoch,
        #[serde(serialize_with = "metric_name")]
        metric: Option<MetricId>,
    },
    /// An alarm, by its account and its exact name (the one requests use).
    Alarm { account_id: String, name: String },
    /// Nowhere: the line is all there is.
    Nothing,
}

/// One line of the tape. Every string in it is clean and one line (`Entry::new` and the
/// `with_` methods see to it), so it can be drawn or printed as it is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    #[serde(serialize_with = "rfc3339")]
    pub at: Epoch,
    pub kind: Kind,
    pub role: Role,
    pub text: String,
    /// The principal (a trail event's ARN, the console's caller).
    pub who: Option<String>,
    /// An IP address, a service, or `console`.
    #[serde(rename = "where")]
    pub from_where: Option<String>,
    /// The number the line is about: the value that crossed, a count, a step's new level.
    pub value: Option<f64>,
    pub target: Target,
}

impl Entry {
    /// A line saying `text` (cleaned and cut to one line).
    pub fn new(at: Epoch, kind: Kind, role: Role, text: &str, target: Target) -> Self {
        Self {
            at,
            kind,
            role,
            text: one_line(text),
            who: None,
            from_where: None,
            value: None,
            target,
        }
    }

    /// Who did it; an empty name is no name.
    pub fn with_who(mut self, who: Option<&str>) -> Self {
        self.who = present(who);
        self
    }

    /// From where; an empty place is no place.
    pub fn with_where(mut self, place: Option<&str>) -> Self {
        self.from_where = present(place);
        self
    }

    /// The number the line is about; NaN and infinities are no number.
    pub fn with_value(mut self, value: Option<f64>) -> Self {
        self.value = value.filter(|v| v.is_finite());
        self
    }
}

/// `s` made safe and one line: control characters replaced, line breaks made spaces, cut at
/// `MAX_TEXT` characters with an ellipsis.
pub fn one_line(s: &str) -> String {
    let s = clean(s.trim());
    match s.char_indices().nth(MAX_TEXT) {
        Some((cut, _)) => format!("{}…", &s[..cut]),
        None => s.into_owned(),
    }
}

fn present(s: Option<&str>) -> Option<String> {
    s.map(str::trim).filter(|s| !s.is_empty()).map(one_line)
}

/// The set of kinds a user hid (a key toggles one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Kinds(u16);

impl Kinds {
    pub const NONE: Kinds = Kinds(0);

    pub fn contains(self, kind: Kind) -> bool {
        self.0 & bit(kind) != 0
    }

    pub fn toggle(&mut self, kind: Kind) {
        self.0 ^= bit(kind);
    }
}

fn bit(kind: Kind) -> u16 {
    1 << kind as u16
}

/// Times as the JSON interfaces print them: `2026-11-29T10:00:00Z`.
fn rfc3339<S: Serializer>(t: &Epoch, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&crate::snapshot::rfc3339(*t))
}

/// A metric by CloudWatch's name (`CPUUtilization`), as the snapshot names it.
fn metric_name<S: Serializer>(m: &Option<MetricId>, s: S) -> Result<S::Ok, S::Error> {
    match m {
        Some(id) => s.serialize_str(spec(*id).name),
        None => s.serialize_none(),
    }
}
