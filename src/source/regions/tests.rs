use super::*;
use crate::source::alarm_write::AlarmWrite;
use crate::source::write::{Write, WriteReceipt, Writer};
use futures::executor::block_on;
use std::sync::{Arc, Mutex};

/// A region with one endpoint, `fail`ing every read when told to, and recording the writes
/// it is sent.
struct Fake {
    endpoint: &'static str,
    fail: bool,
    written: Arc<Mutex<Vec<Write>>>,
}

fn fake(endpoint: &'static str, fail: bool) -> Fake {
    Fake {
        endpoint,
        fail,
        written: Arc::default(),
    }
}

impl Fake {
    fn answer<T>(&self, t: T) -> Result<T, SourceError> {
        match self.fail {
            true => Err(SourceError::Network {
                call: "ListMetrics".into(),
                detail: "timed out".into(),
            }),
            false => Ok(t),
        }
    }
}

#[async_trait]
impl FleetSource for Fake {
    fn kind(&self) -> SourceKind {
        SourceKind::Aws
    }
    async fn identity(&self) -> Result<Identity, SourceError> {
        Ok(Identity::default())
    }
    async fn accounts(&self) -> Result<Vec<Account>, SourceError> {
        self.answer(Vec::new())
    }
    async fn endpoints(&self) -> Result<Vec<Endpoint>, SourceError> {
        self.answer(vec![Endpoint {
            account_id: "111111111111".into(),
            name: self.endpoint.into(),
            status: EndpointStatus::InService,
            variants: vec!["AllTraffic".into()],
            monitoring_schedules: Vec::new(),
            model_quality_namespace: None,
            quality: None,
            region: Region::default(),
        }])
    }
    async fn series(&self, request: &SeriesRequest) -> Result<Vec<SeriesData>, SourceError> {
        let answer = request.keys.iter().map(|key| SeriesData {
            key: key.clone(),
            points: vec![(request.end, 1.0)],
            status: SeriesStatus::Complete,
        });
        self.answer(answer.collect())
    }
    async fn alarms(&self) -> Result<Vec<Alarm>, SourceError> {
        self.answer(Vec::new())
    }
    async fn alarm_history(&self, _: &str, _: &str) -> Result<Vec<AlarmHistoryItem>, SourceError> {
        self.answer(Vec::new())
    }
    async fn monitoring_schedules(
        &self,
        _: &EndpointKey,
    ) -> Result<Vec<MonitoringSchedule>, SourceError> {
        self.answer(Vec::new())
    }
    fn writer(&self) -> Option<&dyn Writer> {
        Some(self)
    }
    /// A failing region's calls are failing, and AWS throttles it.
    fn health(&self) -> SourceHealth {
        let mut h = SourceHealth::default();
        if self.fail {
            h.problems.push(self.answer(()).unwrap_err());
            h.failing_minutes.push(3);
            h.throttled_by_account.push(("111111111111".into(), 2));
            h.throttled_recently = 2;
        }
        h.metrics_requested_last_hour = 100;
        h
    }
}

#[async_trait]
impl Writer for Fake {
    async fn write(&self, request: &Write) -> Result<WriteReceipt, SourceError> {
        self.written.lock().unwrap().push(request.clone());
        Ok(WriteReceipt::default())
    }
}

fn two(eu: Fake, us: Fake) -> Regions {
    Regions::new(vec![
        RegionSource {
            region: "eu-west-1".into(),
            source: Box::new(eu),
        },
        RegionSource {
            region: "us-east-1".into(),
            source: Box::new(us),
        },
    ])
}

#[test]
fn each_answer_names_its_region_and_each_write_goes_to_its_own() {
    let (eu, us) = (fake("fraud", false), fake("ltv", false));
    let (to_eu, to_us) = (Arc::clone(&eu.written), Arc::clone(&us.written));
    let written = || (to_eu.lock().unwrap().len(), to_us.lock().unwrap().len());
    let regions = two(eu, us);
    let endpoints = block_on(regions.endpoints()).unwrap();
    let seen: Vec<(&str, &str)> = (endpoints.iter())
        .map(|e| (e.name.as_str(), e.region.as_str()))
        .collect();
    assert_eq!(seen, [("fraud", "eu-west-1"), ("ltv", "us-east-1")]);

    let delete = |region: &str| {
        Write::Alarm(AlarmWrite::DeleteAlarms {
            account_id: "100000000000".into(),
            ids: vec!["ltv-cpu-high".into()],
            region: region.into(),
        })
    };
    let writer = regions.writer().unwrap();
    block_on(writer.write(&delete("us-east-1"))).unwrap();
    assert_eq!(written(), (0, 1));
    // A request that names no region is the home region's.
    block_on(writer.write(&delete(""))).unwrap();
    assert_eq!(written(), (1, 1));
}

#[test]
fn a_failing_region_marks_only_its_own_series_and_the_other_goes_on() {
    let regions = two(fake("fraud", false), fake("ltv", true));
    let endpoints = block_on(regions.endpoints()).unwrap();
    assert_eq!(endpoints.len(), 1, "us-east-1 failed: {endpoints:?}");
    let key = |name: &str, region: &str| {
        SeriesKey::new(
            "111111111111",
            "ns",
            "CPUUtilization",
            &[("E", name)],
            Stat::Average,
            60,
        )
        .in_region(&region.into())
    };
    let request = SeriesRequest {
        keys: vec![key("fraud", "eu-west-1"), key("ltv", "us-east-1")].into(),
        start: 0,
        end: 60,
    };
    let data = block_on(regions.series(&request)).unwrap();
    let status: Vec<(&str, SeriesStatus, usize)> = (data.iter())
        .map(|d| (d.key.region.as_str(), d.status, d.points.len()))
        .collect();
    assert_eq!(
        status,
        [
            ("eu-west-1", SeriesStatus::Complete, 1),
            ("us-east-1", SeriesStatus::InternalError, 0)
        ]
    );
    // Every region failing is the answer.
    let down = two(fake("fraud", true), fake("ltv", true));
    assert!(block_on(down.series(&request)).is_err());
    assert!(block_on(down.endpoints()).is_err());
}

#[test]
fn health_names_the_failing_region_and_counts_throttling_by_region() {
    let regions = two(fake("fraud", false), fake("ltv", true));
    let h = regions.health();
    let said: Vec<String> = h.problems.iter().map(ToString::to_string).collect();
    assert_eq!(said, ["us-east-1 ListMetrics: network: timed out"]);
    assert_eq!(h.failing_minutes, [3]);
    assert_eq!(h.throttled_by_account, [("111111111111".to_owned(), 2)]);
    let by_region = [("us-east-1".to_owned(), vec![("111111111111".to_owned(), 2)])];
    assert_eq!(h.throttled_by_region, by_region);
    // Usage adds up across regions.
    assert_eq!(h.metrics_requested_last_hour, 200);
}
