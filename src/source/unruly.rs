//! A source for tests and benches: the demo organisation, made slow, failing or panicking on
//! demand, to prove the console copes with a source that misbehaves; it also counts the
//! series it is asked for, by period.

use super::demo::{DemoConfig, DemoSource};
use super::model::*;
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

    fn health(&self) -> SourceHealth {
        self.inner.health()
    }

    fn writer(&self) -> Option<&dyn super::write::Writer> {
        Some(self)
    }

    fn monitor(&self) -> Option<&dyn super::monitor::MonitorSource> {
        self.inner.monitor()
    }
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
