//! CloudWatch alarm mute rules: a rule names up to 100 alarms of its account and region and
//! mutes their actions during a window, once (`at(...)`) or recurring (`cron(...)`), for a
//! duration. Unlike DisableAlarmActions it ends by itself, so a mute cannot be forgotten.
//!
//! Rules are read whole (ListAlarmMuteRules, then GetAlarmMuteRule for the targets) and their
//! windows computed here from the schedule, so time left counts down and a window opens and
//! closes on screen between reads.

pub mod length;
pub mod plan;
pub mod when;

use super::SourceError;
use super::model::{AccountId, Alarm, Epoch};
use async_trait::async_trait;
use serde_json::{Value, json};
use std::collections::HashMap;
use when::Expression;

/// CloudWatch's limit on one rule's targets.
pub const MAX_TARGETS: usize = 100;
/// The prefix of the rules the console creates (`M`, `alarm mute`), so they are recognised
/// in `:mutes` and by the person reading the AWS console.
pub const NAME_PREFIX: &str = "sagewatch-mute-";

/// The status CloudWatch last reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MuteStatus {
    Scheduled,
    Active,
    Expired,
}

impl MuteStatus {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "SCHEDULED" => Some(Self::Scheduled),
            "ACTIVE" => Some(Self::Active),
            "EXPIRED" => Some(Self::Expired),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Scheduled => "SCHEDULED",
            Self::Active => "ACTIVE",
            Self::Expired => "EXPIRED",
        }
    }
}

/// One rule as AWS holds it. Names and targets are AWS's own (requests use them); `name`
/// and `description` are the cleaned copies the screen draws.
#[derive(Debug, Clone, PartialEq)]
pub struct MuteRule {
    pub account_id: AccountId,
    /// The rule's name exactly as AWS returned it.
    pub id: String,
    /// `id`, cleaned for the screen.
    pub name: String,
    pub description: String,
    /// The muted alarms' names exactly as AWS returned them.
    pub targets: Vec<String>,
    pub expression: String,
    /// ISO 8601, as sent.
    pub duration: String,
    pub timezone: Option<String>,
    pub start: Option<Epoch>,
    pub expire: Option<Epoch>,
    /// What CloudWatch said when the rule was read; the window computed from the schedule
    /// is what the screen shows, this when the schedule cannot be read.
    pub status: MuteStatus,
    pub updated: Option<Epoch>,
    /// The region it lives in (its alarms').
    pub region: crate::source::model::Region,
}

/// Only what is drawn as is gets cleaned: `id`, `targets`, the description and the schedule
/// are sent back whole by an edit (`PutMuteRule::from_rule`), so they stay as AWS returned
/// them and are cleaned where they are drawn.
impl crate::sanitize::Sanitize for MuteRule {
    fn sanitize(&mut self) {
        self.account_id.sanitize();
        self.name.sanitize();
    }
}

/// Where a rule stands at a given instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MuteState {
    /// Muting now, until this instant.
    Active {
        until: Epoch,
    },
    /// Not muting yet; its next window opens then (`None`: not within a year, or unknown).
    Scheduled {
        next: Option<Epoch>,
    },
    Expired,
}

impl From<MuteState> for MuteStatus {
    /// The status CloudWatch would report for a rule in this state.
    fn from(state: MuteState) -> Self {
        match state {
            MuteState::Active { .. } => Self::Active,
            MuteState::Scheduled { .. } => Self::Scheduled,
            MuteState::Expired => Self::Expired,
        }
    }
}

impl MuteRule {
    pub fn is_recurring(&self) -> bool {
        self.expression.trim_start().starts_with("cron(")
    }

    pub fn mutes(&self, alarm_id: &str) -> bool {
        self.targets.iter().any(|t| t == alarm_id)
    }

    /// The window at `now`, computed from the schedule, start and expire dates. A schedule
    /// this console cannot read falls back on CloudWatch's status with no times.
    pub fn state_at(&self, now: Epoch) -> MuteState {
        let parsed = (
            Expression::parse(&self.expression),
            when::parse_duration(&self.duration),
            when::zone(self.timezone.as_deref()),
        );
        let (Ok(expr), Ok(duration), Ok(tz)) = parsed else {
            return match self.status {
                MuteStatus::Active => MuteState::Active {
                    until: self.expire.unwrap_or(Epoch::MAX),
                },
                MuteStatus::Scheduled => MuteState::Scheduled { next: None },
                MuteStatus::Expired => MuteState::Expired,
            };
        };
        let expire = self.expire.unwrap_or(Epoch::MAX);
        if now >= expire {
            return MuteState::Expired;
        }
        let start = self.start.unwrap_or(Epoch::MIN);
        if let Some(opened) = expr.last(&tz, now, duration).filter(|&t| t >= start) {
            let until = (opened + duration).min(expire);
            if now < until {
                return MuteState::Active { until };
            }
        }
        match expr.next(&tz, now.max(start)).filter(|&t| t < expire) {
            Some(next) => MuteState::Scheduled { next: Some(next) },
            None if expr.is_recurring() => MuteState::Scheduled { next: None },
            None => MuteState::Expired,
        }
    }

    /// The schedule in words: `once at 2026-12-06 11:00 for 2h`, `daily at 02:00 for 4h
    /// (Europe/Paris)`.
    pub fn schedule_words(&self) -> String {
        schedule_words(&self.expression, &self.duration, self.timezone.as_deref())
    }
}

/// A schedule in words, cleaned for the screen: `daily at 02:00 for 2h (Europe/Paris)`.
pub fn schedule_words(expression: &str, duration: &str, timezone: Option<&str>) -> String {
    let when = Expression::parse(expression)
        .map(|e| e.words())
        .unwrap_or_else(|_| crate::sanitize::clean(expression).into_owned());
    let length = when::parse_duration(duration)
        .map(when::span)
        .unwrap_or_else(|_| crate::sanitize::clean(duration).into_owned());
    match timezone {
        Some(tz) => format!("{when} for {length} ({})", crate::sanitize::clean(tz)),
        None => format!("{when} for {length}"),
    }
}

/// How an alarm is muted at an instant, for the ⊘ column, the fleet and the snapshot.
#[derive(Debug, Clone, PartialEq)]
pub enum Muted<'r> {
    /// DisableAlarmActions: until someone unmutes it.
    Indefinitely,
    /// An active rule, until then.
    Until { until: Epoch, rule: &'r MuteRule },
    /// A rule whose next window opens then.
    Scheduled { at: Epoch, rule: &'r MuteRule },
}

impl Muted<'_> {
    /// `⊘ 1h12m`, `⊘ at 02:00`, `⊘ ∞`.
    pub fn badge(&self, now: Epoch) -> String {
        match self {
            Self::Indefinitely => "⊘ ∞".into(),
            // A rule whose schedule cannot be read, active by CloudWatch's word: no end known.
            Self::Until { until, .. } if *until == Epoch::MAX => "⊘ ?".into(),
            Self::Until { until, .. } => format!("⊘ {}", when::span(until - now)),
            Self::Scheduled { at, .. } => format!("⊘ at {}", when::clock_time(*at, now)),
        }
    }

    /// Whether actions are off now (a scheduled window is not yet).
    pub fn is_silent(&self) -> bool {
        !matches!(self, Self::Scheduled { .. })
    }

    pub fn rule(&self) -> Option<&MuteRule> {
        match self {
            Self::Indefinitely => None,
            Self::Until { rule, .. } | Self::Scheduled { rule, .. } => Some(rule),
        }
    }
}

/// How `alarm` is muted at `now`, from its actions and the rules of its account: off for
/// good first, then the active window that ends last, then the scheduled one that opens
/// first. `rules` may be every rule, or those an index found for the alarm.
pub fn muted<'r>(
    alarm: &Alarm,
    rules: impl IntoIterator<Item = &'r MuteRule>,
    now: Epoch,
) -> Option<Muted<'r>> {
    if !alarm.actions_enabled {
        return Some(Muted::Indefinitely);
    }
    let mut active: Option<Muted<'r>> = None;
    let mut scheduled: Option<Muted<'r>> = None;
    let own = rules
        .into_iter()
        .filter(|r| r.account_id == alarm.account_id && r.mutes(&alarm.id));
    for rule in own {
        match rule.state_at(now) {
            MuteState::Active { until } => {
                if !matches!(active, Some(Muted::Until { until: u, .. }) if u >= until) {
                    active = Some(Muted::Until { until, rule });
                }
            }
            MuteState::Scheduled { next: Some(at) } => {
                if !matches!(scheduled, Some(Muted::Scheduled { at: a, .. }) if a <= at) {
                    scheduled = Some(Muted::Scheduled { at, rule });
                }
            }
            MuteState::Scheduled { next: None } | MuteState::Expired => {}
        }
    }
    active.or(scheduled)
}

/// Who turned an alarm's actions off, and when, as a record of it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TurnedOff {
    pub account_id: AccountId,
    /// The alarm's name as AWS has it.
    pub alarm: String,
    /// When; for `Known::Before`, the start of the search that found nothing.
    pub at: Epoch,
    /// The caller's ARN, as recorded.
    pub by: Option<String>,
    pub known: Known,
}

/// Where what is known of a mute comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Known {
    /// This console's audit log.
    AuditLog,
    /// A search of CloudTrail.
    Trail,
    /// A search of CloudTrail since `at` found no DisableAlarmActions: muted before then.
    Before,
}

/// Every rule held, and which rules name each alarm: a row on screen looks its rules up
/// instead of scanning every rule's targets. Also what is known of actions turned off.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Mutes {
    rules: Vec<MuteRule>,
    /// By account, then alarm name (a lookup borrows the row's strings).
    by_alarm: HashMap<AccountId, HashMap<String, Vec<usize>>>,
    /// `None` until the audit log has been read.
    turned_off: Option<HashMap<AccountId, HashMap<String, TurnedOff>>>,
}

impl Mutes {
    pub fn new(rules: Vec<MuteRule>) -> Self {
        let mut by_alarm: HashMap<AccountId, HashMap<String, Vec<usize>>> = HashMap::new();
        for (i, r) in rules.iter().enumerate() {
            let account = by_alarm.entry(r.account_id.clone()).or_default();
            for t in &r.targets {
                let at = account.entry(t.clone()).or_default();
                if !at.contains(&i) {
                    at.push(i);
                }
            }
        }
        Self {
            rules,
            by_alarm,
            turned_off: None,
        }
    }

    /// The same rules, with what `other` knows of actions turned off (a read of the rules
    /// does not forget what the audit log said).
    pub fn knowing(mut self, other: &Mutes) -> Self {
        self.turned_off = other.turned_off.clone();
        self
    }

    /// What a record says of actions turned off: the audit log's whole answer, or a trail
    /// search's about one alarm. A record replaces what was known of its alarm.
    pub fn learn_turned_off(&mut self, records: Vec<TurnedOff>) {
        let known = self.turned_off.get_or_insert_with(HashMap::new);
        for r in records {
            let account = known.entry(r.account_id.clone()).or_default();
            account.insert(r.alarm.clone(), r);
        }
    }

    /// Whether a record of actions turned off has been read (the audit log answered).
    pub fn turned_off_read(&self) -> bool {
        self.turned_off.is_some()
    }

    /// When and by whom this alarm's actions were turned off, when a record says.
    pub fn turned_off(&self, account_id: &str, alarm_id: &str) -> Option<&TurnedOff> {
        self.turned_off.as_ref()?.get(account_id)?.get(alarm_id)
    }

    pub fn rules(&self) -> &[MuteRule] {
        &self.rules
    }

    /// The rules naming this alarm of that account.
    pub fn naming(&self, account_id: &str, alarm_id: &str) -> impl Iterator<Item = &MuteRule> {
        self.by_alarm
            .get(account_id)
            .and_then(|a| a.get(alarm_id))
            .into_iter()
            .flatten()
            .filter_map(|&i| self.rules.get(i))
    }

    /// How `alarm` is muted at `now`: by its actions, or by a rule of its own region (a
    /// rule names alarms of its region only; the same name elsewhere is another alarm).
    pub fn of(&self, alarm: &Alarm, now: Epoch) -> Option<Muted<'_>> {
        let rules = self.naming(&alarm.account_id, &alarm.id);
        muted(alarm, rules.filter(|r| r.region == alarm.region), now)
    }

    /// `⊘ 1h12m`, `⊘ at 02:00`, `⊘ ∞`, or `⊘ ∞ 2d` when a record says since when.
    pub fn badge(&self, alarm: &Alarm, now: Epoch) -> Option<String> {
        let m = self.of(alarm, now)?;
        match (&m, self.turned_off(&alarm.account_id, &alarm.id)) {
            (Muted::Indefinitely, Some(t)) if t.known == Known::Before => {
                Some(format!("⊘ ∞ >{}", when::span(now - t.at)))
            }
            (Muted::Indefinitely, Some(t)) => Some(format!("⊘ ∞ {}", when::span(now - t.at))),
            _ => Some(m.badge(now)),
        }
    }

    /// In words, for an alarm's pane: how it is muted, since or until when, by whom.
    pub fn words(&self, alarm: &Alarm, now: Epoch) -> Option<String> {
        let m = self.of(alarm, now)?;
        Some(match (&m, self.turned_off(&alarm.account_id, &alarm.id)) {
            (Muted::Indefinitely, Some(t)) => {
                let by =
                    t.by.as_deref()
                        .map(crate::sanitize::clean)
                        .unwrap_or_default();
                let ago = when::span(now - t.at);
                match t.known {
                    Known::Before => format!(
                        "muted indefinitely (actions off) for over {ago}: the trail has no \
                         DisableAlarmActions on it since then"
                    ),
                    Known::AuditLog => format!(
                        "muted indefinitely (actions off) {ago} ago by {by} (this console's audit log)"
                    ),
                    Known::Trail => {
                        format!("muted indefinitely (actions off) {ago} ago by {by} (the trail)")
                    }
                }
            }
            (Muted::Indefinitely, None) => {
                "muted indefinitely (actions off), since unknown: c searches the trail for who"
                    .into()
            }
            (Muted::Until { until, rule }, _) if *until == Epoch::MAX => format!(
                "muted by rule {} (CloudWatch says ACTIVE; its schedule {} cannot be read here, \
                 so its end is not known)",
                rule.name,
                crate::sanitize::clean(&rule.expression)
            ),
            (Muted::Until { until, rule }, _) => format!(
                "muted by rule {} until {} UTC ({} left): {}",
                rule.name,
                when::clock_time(*until, now),
                when::span(until - now),
                crate::sanitize::clean(&rule.description)
            ),
            (Muted::Scheduled { at, rule }, _) => format!(
                "muted by rule {} from {} UTC ({})",
                rule.name,
                when::clock_time(*at, now),
                rule.schedule_words()
            ),
        })
    }
}

/// Reading mute rules.
#[async_trait]
pub trait MuteSource: Send + Sync {
    /// Every rule of every account whose alarms the console reads, expired ones included
    /// (CloudWatch keeps them until deleted), with their targets.
    async fn mute_rules(&self) -> Result<Vec<MuteRule>, SourceError>;
}

/// PutAlarmMuteRule: creates the rule, or overwrites the rule of that name whole.
#[derive(Debug, Clone, PartialEq)]
pub struct PutMuteRule {
    pub account_id: AccountId,
    pub name: String,
    pub description: String,
    pub expression: String,
    /// ISO 8601.
    pub duration: String,
    pub timezone: Option<String>,
    /// As AWS names them.
    pub targets: Vec<String>,
    pub start: Option<Epoch>,
    pub expire: Option<Epoch>,
    /// The region of its alarms: the rule is made there.
    pub region: crate::source::model::Region,
}

impl PutMuteRule {
    /// A one-time rule that mutes `targets` from now until `end`. The window opens at the
    /// start of the current minute (`at()` takes minutes), so the mute takes effect at once.
    /// A span asked in whole minutes (`2h`) is sent as asked (`PT2H`, ending up to a minute
    /// before now + 2 h); an end asked as a time (`until 18:00`) is kept exactly.
    pub fn from_now(
        account_id: AccountId,
        targets: Vec<String>,
        now: Epoch,
        end: Epoch,
        reason: &str,
    ) -> Self {
        let opens = now - now.rem_euclid(60);
        let asked = end - now;
        let duration = if asked % 60 == 0 { asked } else { end - opens };
        Self {
            name: rule_name(now, &targets),
            account_id,
            description: reason.to_owned(),
            expression: Expression::at(opens),
            duration: when::format_duration(duration),
            timezone: None,
            targets,
            start: None,
            expire: None,
            region: Default::default(),
        }
    }

    /// The same rule with its targets, schedule or dates changed: what `e` and unmuting one
    /// alarm of several send.
    pub fn from_rule(rule: &MuteRule) -> Self {
        Self {
            account_id: rule.account_id.clone(),
            name: rule.id.clone(),
            description: rule.description.clone(),
            expression: rule.expression.clone(),
            duration: rule.duration.clone(),
            timezone: rule.timezone.clone(),
            targets: rule.targets.clone(),
            start: rule.start,
            expire: rule.expire,
            region: rule.region.clone(),
        }
    }

    /// Everything CloudWatch would refuse, refused before anything is sent.
    pub fn validate(&self) -> Result<(), String> {
        check_rule_name(&self.name)?;
        super::alarm_write::check_description(&self.description)
            .map_err(|e| format!("reason: {e}"))?;
        Expression::parse(&self.expression)?;
        when::check_duration(when::parse_duration(&self.duration)?)?;
        when::zone(self.timezone.as_deref())?;
        match self.targets.len() {
            0 => return Err("a mute rule names at least one alarm".into()),
            n if n > MAX_TARGETS => {
                return Err(format!(
                    "a mute rule names at most {MAX_TARGETS} alarms ({n} here)"
                ));
            }
            _ => {}
        }
        if let (Some(s), Some(e)) = (self.start, self.expire)
            && e <= s
        {
            return Err("the expire date comes after the start date".into());
        }
        Ok(())
    }

    pub fn parameters(&self) -> Value {
        let mut schedule = json!({ "Expression": self.expression, "Duration": self.duration });
        if let Some(tz) = &self.timezone {
            schedule["Timezone"] = json!(tz);
        }
        let mut v = json!({
            "Name": self.name,
            "Rule": { "Schedule": schedule },
            "MuteTargets": { "AlarmNames": self.targets },
        });
        if !self.description.is_empty() {
            v["Description"] = json!(self.description);
        }
        if let Some(t) = self.start {
            v["StartDate"] = json!(iso(t));
        }
        if let Some(t) = self.expire {
            v["ExpireDate"] = json!(iso(t));
        }
        v
    }
}

pub fn iso(t: Epoch) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// `sagewatch-mute-20261206T1107-3f2a`: when, and a digest of the targets, so two people
/// muting in the same minute do not overwrite each other's rule.
pub fn rule_name(now: Epoch, targets: &[String]) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    targets.hash(&mut h);
    let stamp = chrono::DateTime::from_timestamp(now, 0)
        .unwrap_or_default()
        .format("%Y%m%dT%H%M%S");
    format!("{NAME_PREFIX}{stamp}-{:04x}", h.finish() & 0xffff)
}

/// A rule name: 1 to 255 visible characters. A rule another tool named is sent back with
/// its name as AWS returned it; one typed here must not hide a character.
pub fn check_rule_name(name: &str) -> Result<(), String> {
    let chars = name.chars().count();
    if name.trim().is_empty() || chars > 255 {
        return Err(format!("a rule name of 1 to 255 characters ({chars} here)"));
    }
    if let Some(hidden) = crate::sanitize::first_hidden(name) {
        return Err(format!("a rule name of visible characters only: {hidden}"));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
