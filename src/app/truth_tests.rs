//! One truth on every screen: when CloudWatch changes an alarm's state, the series it
//! watches and the fleet's Model Monitor runs are read in the same refresh, so the fleet
//! row, the endpoint header and the alarm agree. On the demo, through the console's own
//! update path, with a fixed clock.

use crate::app::action::Action;
use crate::app::command::Command;
use crate::app::state::State;
use crate::app::update::{init, update};
use crate::app::worker::execute;
use crate::clock::{Clock, FixedClock};
use crate::config::{Env, Overrides, load};
use crate::source::demo::{DemoConfig, DemoSource};
use crate::source::metrics::{self, MetricId};
use crate::source::model::{AlarmState, Epoch};
use crate::source::{FleetSource, SourceKind};
use futures::executor::block_on;
use std::sync::Arc;

const START: Epoch = 1_795_687_200; // 2026-11-26T10:00:00Z
/// The demo's revealing Model Monitor run ends, and the accuracy alarm fires, then.
const REVEAL: Epoch = START + 240;
const ALARM: &str = "prod-fraud-detector-accuracy";

struct Console {
    source: DemoSource,
    clock: Arc<FixedClock>,
    state: State,
}

impl Console {
    fn at(now: Epoch) -> Self {
        let clock = Arc::new(FixedClock::new(now));
        let source = DemoSource::new(
            DemoConfig {
                seed: 7,
                start: START,
                scale: None,
            },
            clock.clone(),
        );
        let settings = load(&Overrides::default(), &Env::default()).unwrap();
        let mut state = State::new(
            SourceKind::Demo,
            now,
            settings.theme,
            Arc::new(settings.keymap),
        );
        state.size = (160, 48);
        state.placement = source.placement();
        let mut c = Self {
            source,
            clock,
            state,
        };
        let commands = init(&mut c.state);
        c.settle(commands);
        c
    }

    fn settle(&mut self, mut commands: Vec<Command>) {
        let mut n = 0;
        while let Some(command) = commands.pop() {
            n += 1;
            assert!(n < 10_000, "update keeps asking for more");
            let action = block_on(execute(&self.source, None, command));
            commands.extend(update(&mut self.state, action).commands);
        }
    }

    /// The clock moves `secs` and the console ticks (one refresh's worth of work).
    fn wait(&mut self, secs: i64) {
        let now = self.clock.now() + secs;
        self.clock.set(now);
        let out = update(&mut self.state, Action::Tick(now));
        self.settle(out.commands);
    }

    fn alarm_state(&self) -> Option<AlarmState> {
        self.state
            .alarms
            .iter()
            .find(|a| a.id == ALARM)
            .map(|a| a.state)
    }

    /// The value the fleet draws as fraud-detector's current accuracy.
    fn fleet_accuracy(&self) -> Option<f64> {
        let e = self
            .state
            .endpoints
            .iter()
            .find(|e| e.name == "fraud-detector")?;
        let key = metrics::series_keys(e, MetricId::Accuracy).remove(0);
        self.state
            .store
            .get(&key)?
            .latest()
            .map(|(_, v)| f64::from(v))
    }

    fn violations(&self) -> Option<usize> {
        let e = self
            .state
            .endpoints
            .iter()
            .find(|e| e.name == "fraud-detector")?;
        crate::app::query::violations_of(&self.state, &e.account_id, Some("fraud-detector"))
    }
}

/// The first number of a reason such as `Threshold Crossed: 1 datapoint [0.781 (...)] ...`.
fn reason_value(reason: &str) -> f64 {
    let from = reason.find('[').expect("a datapoint in the reason") + 1;
    let text: String = reason[from..]
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    text.parse().expect("a number")
}

#[test]
fn the_refresh_that_sees_the_alarm_fire_reads_its_series_and_the_runs_it_came_from() {
    let mut c = Console::at(REVEAL - 90);
    // Well before: the alarm is OK and the fleet draws a value above its threshold.
    assert_eq!(c.alarm_state(), Some(AlarmState::Ok));
    let before = c.fleet_accuracy().expect("accuracy held");
    let violations_before = c.violations();
    // The endpoint's charts are open: their header names each schedule's last run.
    let open = update(&mut c.state, Action::Run("endpoint fraud-detector".into()));
    c.settle(open.commands);
    let header_run = |c: &Console| match &c.state.views.endpoint.monitoring {
        crate::app::state::Loadable::Loaded(list) => list
            .iter()
            .find(|s| s.monitoring_type == "ModelQuality")
            .and_then(|s| s.last_execution.as_ref())
            .map(|x| (x.scheduled_time, x.status)),
        _ => None,
    };
    let header_before = header_run(&c).expect("the header names the last run");
    // Refresh by refresh (the console's own ticks) until the alarm is seen in ALARM.
    while c.alarm_state() != Some(AlarmState::Alarm) {
        assert!(c.clock.now() < REVEAL + 120, "the alarm never fired");
        c.wait(5);
    }
    // In that same refresh, the fleet holds the value the alarm evaluated ...
    let alarm = c.state.alarms.iter().find(|a| a.id == ALARM).unwrap();
    let evaluated = reason_value(&alarm.reason);
    let drawn = c.fleet_accuracy().unwrap();
    assert!(
        (drawn - evaluated).abs() < 0.001,
        "the fleet draws {drawn} (was {before}), the alarm evaluated {evaluated}: {}",
        alarm.reason
    );
    // ... and the runs' violations are those of the run that fired it: reading them again
    // now changes nothing.
    let now = c.violations();
    let fresh = block_on(execute(&c.source, None, Command::LoadFleetRuns));
    let _ = update(&mut c.state, fresh);
    assert_eq!(
        now,
        c.violations(),
        "the violations were read with the alarm"
    );
    assert_ne!(now, violations_before, "the revealing run found more");
    // The endpoint's header names the run that fired it.
    let header_after = header_run(&c).unwrap();
    // (It was still running when the charts were opened.)
    assert_ne!(header_after, header_before);
    assert_eq!(
        header_after.1,
        crate::source::model::ExecutionStatus::CompletedWithViolations
    );
}
