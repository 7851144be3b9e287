//! The views' own calls, nested by owner as gitui nests its internal events: a `ViewCall`
//! carries one view's call to the workers, its `ViewLoaded` answer goes straight back to
//! that view. Each view's `calls` module says how its calls run, fail and are keyed; this
//! is the one list of them.

use super::{alarms, endpoint, fleet, jobs, logs, monitor, studio, tape, trail};
use crate::app::action::{Action, Loaded};
use crate::app::command::{Command, Lane};
use crate::app::outcome::Outcome;
use crate::app::state::State;
use crate::source::{FleetSource, SourceError};

pub use alarms::calls::{AlarmsCall, AlarmsLoaded};
pub use endpoint::calls::{EndpointCall, EndpointLoaded};
pub use jobs::calls::{JobsCall, JobsLoaded};
pub use logs::calls::{LogsCall, LogsLoaded};
pub use monitor::calls::{MonitorCall, MonitorLoaded};
pub use studio::calls::{StudioCall, StudioLoaded};
pub use tape::calls::{TapeCall, TapeLoaded};
pub use trail::calls::{TrailCall, TrailLoaded};

#[derive(Debug, Clone, PartialEq)]
pub enum ViewCall {
    Fleet(fleet::calls::FleetCall),
    Endpoint(endpoint::calls::EndpointCall),
    Alarms(alarms::calls::AlarmsCall),
    Monitor(monitor::calls::MonitorCall),
    Trail(trail::calls::TrailCall),
    Logs(logs::calls::LogsCall),
    Studio(studio::calls::StudioCall),
    Jobs(jobs::calls::JobsCall),
    Tape(tape::calls::TapeCall),
}

#[derive(Debug, Clone, PartialEq)]
pub enum ViewLoaded {
    Fleet(fleet::calls::FleetLoaded),
    Endpoint(endpoint::calls::EndpointLoaded),
    Alarms(alarms::calls::AlarmsLoaded),
    Monitor(monitor::calls::MonitorLoaded),
    Trail(trail::calls::TrailLoaded),
    Logs(logs::calls::LogsLoaded),
    Studio(studio::calls::StudioLoaded),
    Jobs(jobs::calls::JobsLoaded),
    Tape(tape::calls::TapeLoaded),
}

/// Two calls with the same key are the same work (`app::command::CommandKey`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ViewKey {
    Fleet(fleet::calls::FleetKey),
    Endpoint(endpoint::calls::EndpointCallKey),
    Alarms(alarms::calls::AlarmsKey),
    Monitor(monitor::calls::MonitorKey),
    Trail(trail::calls::TrailKey),
    Logs(logs::calls::LogsKey),
    Studio(studio::calls::StudioKey),
    Jobs(jobs::calls::JobsKey),
    Tape(tape::calls::TapeKey),
}

/// How the workers treat a view's call; the defaults fit a plain read.
pub trait Call {
    fn lane(&self) -> Lane {
        Lane::Read
    }

    /// It cancels and replaces different work of the same key in flight.
    fn replaces_running(&self) -> bool {
        false
    }

    /// Asked because something just changed: the same read in flight may predate the
    /// change, so it is replaced, not trusted.
    fn rereads_after_change(&self) -> bool {
        false
    }

    /// Asked while the user moves: sent after `app::command::SETTLE`, unless replaced.
    fn settles(&self) -> bool {
        false
    }

    /// The token an in-order start is known by (`Command::start_token`).
    fn start_token(&self) -> Option<&str> {
        None
    }
}

impl ViewCall {
    fn call(&self) -> &dyn Call {
        match self {
            Self::Fleet(c) => c,
            Self::Endpoint(c) => c,
            Self::Alarms(c) => c,
            Self::Monitor(c) => c,
            Self::Trail(c) => c,
            Self::Logs(c) => c,
            Self::Studio(c) => c,
            Self::Jobs(c) => c,
            Self::Tape(c) => c,
        }
    }

    pub fn lane(&self) -> Lane {
        self.call().lane()
    }

    pub fn replaces_running(&self) -> bool {
        self.call().replaces_running()
    }

    pub fn rereads_after_change(&self) -> bool {
        self.call().rereads_after_change()
    }

    pub fn settles(&self) -> bool {
        self.call().settles()
    }

    pub fn start_token(&self) -> Option<&str> {
        self.call().start_token()
    }

    pub fn key(&self) -> ViewKey {
        match self {
            Self::Fleet(c) => ViewKey::Fleet(c.key()),
            Self::Endpoint(c) => ViewKey::Endpoint(c.key()),
            Self::Alarms(c) => ViewKey::Alarms(c.key()),
            Self::Monitor(c) => ViewKey::Monitor(c.key()),
            Self::Trail(c) => ViewKey::Trail(c.key()),
            Self::Logs(c) => ViewKey::Logs(c.key()),
            Self::Studio(c) => ViewKey::Studio(c.key()),
            Self::Jobs(c) => ViewKey::Jobs(c.key()),
            Self::Tape(c) => ViewKey::Tape(c.key()),
        }
    }

    pub async fn execute(self, source: &dyn FleetSource) -> ViewLoaded {
        match self {
            Self::Fleet(c) => ViewLoaded::Fleet(c.execute(source).await),
            Self::Endpoint(c) => ViewLoaded::Endpoint(c.execute(source).await),
            Self::Alarms(c) => ViewLoaded::Alarms(c.execute(source).await),
            Self::Monitor(c) => ViewLoaded::Monitor(c.execute(source).await),
            Self::Trail(c) => ViewLoaded::Trail(c.execute(source).await),
            Self::Logs(c) => ViewLoaded::Logs(c.execute(source).await),
            Self::Studio(c) => ViewLoaded::Studio(c.execute(source).await),
            Self::Jobs(c) => ViewLoaded::Jobs(c.execute(source).await),
            Self::Tape(c) => ViewLoaded::Tape(c.execute(source).await),
        }
    }

    /// The answer when the call could not run at all (the source panicked).
    pub fn failed(self, detail: &str) -> ViewLoaded {
        match self {
            Self::Fleet(c) => ViewLoaded::Fleet(c.failed(detail)),
            Self::Endpoint(c) => ViewLoaded::Endpoint(c.failed(detail)),
            Self::Alarms(c) => ViewLoaded::Alarms(c.failed(detail)),
            Self::Monitor(c) => ViewLoaded::Monitor(c.failed(detail)),
            Self::Trail(c) => ViewLoaded::Trail(c.failed(detail)),
            Self::Logs(c) => ViewLoaded::Logs(c.failed(detail)),
            Self::Studio(c) => ViewLoaded::Studio(c.failed(detail)),
            Self::Jobs(c) => ViewLoaded::Jobs(c.failed(detail)),
            Self::Tape(c) => ViewLoaded::Tape(c.failed(detail)),
        }
    }

    /// A call that names an earlier start by its token (`Command::resolve`).
    pub fn resolve(
        self,
        id_of: &mut dyn FnMut(&str) -> Option<String>,
    ) -> Result<ViewCall, Box<ViewLoaded>> {
        match self {
            Self::Logs(c) => (c.resolve(id_of).map(Self::Logs))
                .map_err(|answer| Box::new(ViewLoaded::Logs(answer))),
            other => Ok(other),
        }
    }

    /// Runs a call of `Lane::StreamStart`, each answer sent through `send`, until the task
    /// is aborted or nobody listens.
    pub async fn stream(
        self,
        source: &dyn FleetSource,
        send: &(dyn Fn(ViewLoaded) -> bool + Send + Sync),
    ) {
        match self {
            Self::Logs(c) => c.stream(source, &|l| send(ViewLoaded::Logs(l))).await,
            // Any other call answers once.
            other => {
                send(other.execute(source).await);
            }
        }
    }
}

impl ViewLoaded {
    /// The error this answer carries, if the call failed.
    pub fn error(&self) -> Option<&SourceError> {
        match self {
            Self::Endpoint(l) => l.error(),
            Self::Alarms(l) => l.error(),
            _ => None,
        }
    }

    /// The id an in-order start got (`Command::start_token`).
    pub fn started_id(&self) -> Option<&str> {
        match self {
            Self::Logs(l) => l.started_id(),
            _ => None,
        }
    }
}

/// Hands an answer to the view that made the call.
pub fn loaded(state: &mut State, loaded: ViewLoaded) -> Outcome {
    match loaded {
        ViewLoaded::Fleet(l) => fleet::calls::loaded(state, l),
        ViewLoaded::Endpoint(l) => endpoint::calls::loaded(state, l),
        ViewLoaded::Alarms(l) => alarms::calls::loaded(state, l),
        ViewLoaded::Monitor(l) => monitor::calls::loaded(state, l),
        ViewLoaded::Trail(l) => trail::calls::loaded(state, l),
        ViewLoaded::Logs(l) => logs::calls::loaded(state, l),
        ViewLoaded::Studio(l) => studio::calls::loaded(state, l),
        ViewLoaded::Jobs(l) => jobs::calls::loaded(state, l),
        ViewLoaded::Tape(l) => tape::loaded(state, l),
    }
}

/// A view's call and answer into the messages that carry them, and the call back out of a
/// command (`TrailCall::of`), for matching.
macro_rules! nested {
    ($view:ident, $call:ty, $loaded:ty) => {
        impl From<$call> for Command {
            fn from(call: $call) -> Self {
                Command::View(ViewCall::$view(call))
            }
        }

        impl From<$loaded> for Loaded {
            fn from(loaded: $loaded) -> Self {
                Loaded::View(ViewLoaded::$view(loaded))
            }
        }

        impl From<$loaded> for Action {
            fn from(loaded: $loaded) -> Self {
                Action::Loaded(Box::new(loaded.into()))
            }
        }

        impl $call {
            /// The call `command` carries, if it is one of this view's.
            pub fn of(command: &Command) -> Option<&Self> {
                match command {
                    Command::View(ViewCall::$view(call)) => Some(call),
                    _ => None,
                }
            }
        }
    };
}

nested!(Fleet, fleet::calls::FleetCall, fleet::calls::FleetLoaded);
nested!(
    Endpoint,
    endpoint::calls::EndpointCall,
    endpoint::calls::EndpointLoaded
);
nested!(
    Alarms,
    alarms::calls::AlarmsCall,
    alarms::calls::AlarmsLoaded
);
nested!(
    Monitor,
    monitor::calls::MonitorCall,
    monitor::calls::MonitorLoaded
);
nested!(Trail, trail::calls::TrailCall, trail::calls::TrailLoaded);
nested!(Logs, logs::calls::LogsCall, logs::calls::LogsLoaded);
nested!(
    Studio,
    studio::calls::StudioCall,
    studio::calls::StudioLoaded
);
nested!(Jobs, jobs::calls::JobsCall, jobs::calls::JobsLoaded);
nested!(Tape, tape::calls::TapeCall, tape::calls::TapeLoaded);
