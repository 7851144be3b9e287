//! A source for tests and benches: the demo organisation, made slow, failing or panicking on
//! demand, to prove the console copes with a source that misbehaves; it also counts the
//! series it is asked for, by period. With `hostile_mutes` it reads mute rules whose every
//! string carries terminal control, bidi and invisible characters.

use super::demo::{DemoConfig, DemoSource};
use super::model::*;
use super::mute::{MuteRule, MuteSource, MuteStatus};
use super::{FleetSource, SeriesRequest, SourceError, SourceHealth, SourceKind};
use crate::clock::FixedClock;
use async_trait::async_trait;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub struct Unruly {
    pub inner: DemoSource,
    /// Every series call takes this long.
    pub delay: Duration,
    pub panic_on_alarms: bool,
    pub fail_series: bool,
    /// Series asked for so far, by period in seconds.
    pub asked_by_period: Mutex<BTreeMap<u32, u64>>,
    /// Alarms whose history was asked for, in order.
    pub asked_history: Mutex<Vec<String>>,
    /// Mute rules are `hostile_mute_rules` over the demo's alarms, not the demo's own.
    pub hostile_mutes: bool,
    /// The alarms and the mute rules answer only once both have been asked for (a barrier
    /// of two): a reader that asks for one after the other's answer never gets either.
    pub rendezvous: Option<Arc<tokio::sync::Barrier>>,
}

impl Unruly {
    /// `inner`, behaving well.
    pub fn wrapping(inner: DemoSource) -> Self {
        Self {
            inner,
            delay: Duration::ZERO,
            panic_on_alarms: false,
            fail_series: false,
            asked_by_period: Mutex::default(),
            asked_history: Mutex::default(),
            hostile_mutes: false,
            rendezvous: None,
        }
    }

    async fn meet(&self) {
        if let Some(barrier) = &self.rendezvous {
            barrier.wait().await;
        }
    }

    /// The default demo organisation at 2026-11-26T10:00:00Z, behaving well.
    pub fn demo() -> Self {
        let start = 1_795_687_200;
        let inner = DemoSource::new(
            DemoConfig {
                seed: 1,
                start,
                scale: None,
            },
            Arc::new(FixedClock::new(start + 300)),
        );
        Self::wrapping(inner)
    }
}

#[async_trait]
impl FleetSource for Unruly {
    fn kind(&self) -> SourceKind {
        self.inner.kind()
    }

    async fn identity(&self) -> Result<Identity, SourceError> {
        self.inner.identity().await
    }

    async fn accounts(&self) -> Result<Vec<Account>, SourceError> {
        self.inner.accounts().await
    }

    async fn endpoints(&self) -> Result<Vec<Endpoint>, SourceError> {
        self.inner.endpoints().await
    }

    async fn series(&self, request: &SeriesRequest) -> Result<Vec<SeriesData>, SourceError> {
        if let Ok(mut asked) = self.asked_by_period.lock() {
            for k in request.keys.iter() {
                *asked.entry(k.period).or_default() += 1;
            }
        }
        if !self.delay.is_zero() {
            tokio::time::sleep(self.delay).await;
        }
        if self.fail_series {
            return Err(SourceError::AccessDenied {
                call: "GetMetricData".into(),
                action: "cloudwatch:GetMetricData".into(),
            });
        }
        self.inner.series(request).await
    }

    async fn alarms(&self) -> Result<Vec<Alarm>, SourceError> {
        assert!(!self.panic_on_alarms, "a bug in a source");
        self.meet().await;
        self.inner.alarms().await
    }

    async fn alarm_history(
        &self,
        account_id: &str,
        name: &str,
    ) -> Result<Vec<AlarmHistoryItem>, SourceError> {
        self.asked_history
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(name.to_owned());
        self.inner.alarm_history(account_id, name).await
    }

    async fn monitoring_schedules(
        &self,
        endpoint: &EndpointKey,
    ) -> Result<Vec<MonitoringSchedule>, SourceError> {
        self.inner.monitoring_schedules(endpoint).await
    }

    fn ranks(&self) -> bool {
        self.inner.ranks()
    }

    async fn rank(
        &self,
        query: &super::ranks::RankQuery,
    ) -> Result<super::ranks::Ranking, SourceError> {
        self.inner.rank(query).await
    }

    fn health(&self) -> SourceHealth {
        self.inner.health()
    }

    fn writer(&self) -> Option<&dyn super::write::Writer> {
        Some(self)
    }

    fn monitor(&self) -> Option<&dyn super::monitor::MonitorSource> {
        self.inner.monitor()
    }

    fn mutes(&self) -> Option<&dyn MuteSource> {
        if self.hostile_mutes || self.rendezvous.is_some() {
            Some(self)
        } else {
            self.inner.mutes()
        }
    }
}

#[async_trait]
impl MuteSource for Unruly {
    async fn mute_rules(&self) -> Result<Vec<MuteRule>, SourceError> {
        self.meet().await;
        match (self.hostile_mutes, self.inner.mutes()) {
            (true, _) => Ok(hostile_mute_rules(&self.inner.alarms().await?)),
            (false, Some(demo)) => demo.mute_rules().await,
            (false, None) => Ok(Vec::new()),
        }
    }
}

/// `s` followed by what a terminal would act on or draw as nothing: ESC sequences (clear
/// screen, set title, OSC 52 clipboard), BEL, C1 CSI, DEL, NUL, a bidi override, a
/// zero-width space, line breaks.
pub fn evil(s: &str) -> String {
    format!(
        "{s}\u{1b}[2J\u{1b}]0;pwned\u{7}\u{9b}31m\u{7f}\u{0}\u{1b}]52;c;aGk=\u{1b}\\\u{202e}\u{200b}\r\n"
    )
}

/// Three rules per account of `alarms`, each naming up to three of its alarms (as their ids
/// are) and one alarm that does not exist, every string hostile: one muting at any time
/// (hourly, for an hour), one scheduled far ahead, and one whose schedule cannot be read
/// (its status, ACTIVE, stands). Raw: as a source hands them over, before `Sanitize`.
pub fn hostile_mute_rules(alarms: &[Alarm]) -> Vec<MuteRule> {
    let mut accounts: Vec<&str> = Vec::new();
    for a in alarms {
        if !accounts.contains(&a.account_id.as_str()) {
            accounts.push(&a.account_id);
        }
    }
    let mut out = Vec::new();
    for account in accounts {
        let mut targets: Vec<String> = (alarms.iter())
            .filter(|a| a.account_id == account)
            .take(3)
            .map(|a| a.id.clone())
            .collect();
        targets.push(evil("ghost-alarm"));
        let rule = |name: &str, expression: String, duration: String, status| {
            let id = evil(name);
            MuteRule {
                account_id: account.to_owned(),
                name: id.clone(),
                id,
                description: evil("reason\nsecond line"),
                targets: targets.clone(),
                expression,
                duration,
                timezone: Some("Europe/Paris".into()),
                start: None,
                expire: None,
                status,
                updated: None,
                region: Default::default(),
            }
        };
        out.push(rule(
            "hourly",
            "cron(0 * * * *)".into(),
            "PT1H".into(),
            MuteStatus::Active,
        ));
        out.push(rule(
            "later",
            "at(2099-01-01T00:00)".into(),
            "PT2H".into(),
            MuteStatus::Scheduled,
        ));
        let mut unreadable = rule(
            "unreadable",
            evil("cron(0 2 * * *)"),
            evil("PT4H"),
            MuteStatus::Active,
        );
        unreadable.timezone = Some(evil("Europe/Paris"));
        out.push(unreadable);
    }
    out
}

/// Writes go to the demo, after `delay` like every series call.
#[async_trait]
impl super::write::Writer for Unruly {
    async fn write(
        &self,
        request: &super::write::Write,
    ) -> Result<super::write::WriteReceipt, SourceError> {
        tokio::time::sleep(self.delay).await;
        match self.inner.writer() {
            Some(w) => w.write(request).await,
            None => unreachable!("the demo writes"),
        }
    }
}
