//! The tape's calls: one read per source (`incident::read`), numbered by the opening that
//! asked, answered with a `TapeLoaded`.

use super::state::Part;
use crate::incident::{
    self, AlarmHistory, Changes, CountedRun, ErrorCounts, Subject, Window, read,
};
use crate::source::model::{EndpointMakeup, ScalingActivity, SeriesData};
use crate::source::trail::TrailSettings;
use crate::source::{FleetSource, SourceError};

#[derive(Debug, Clone, PartialEq)]
pub struct TapeCall {
    pub generation: u64,
    pub part: Part,
    pub subject: Box<Subject>,
    pub window: Window,
    /// The config's `[trail]`, for `Part::Changes`.
    pub trail: Option<TrailSettings>,
}

/// One source's answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    Alarms(Vec<AlarmHistory>),
    Changes {
        makeup: Result<EndpointMakeup, SourceError>,
        changes: Option<Result<Changes, SourceError>>,
    },
    Runs(Result<Vec<CountedRun>, SourceError>),
    Errors(Result<ErrorCounts, SourceError>),
    Series(Result<Vec<SeriesData>, SourceError>),
    Scaling(Result<Vec<ScalingActivity>, SourceError>),
    Audit(Option<String>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct TapeLoaded {
    pub generation: u64,
    pub part: Part,
    pub answer: Box<Answer>,
}

/// Each source's read is its own: a newer opening's replaces an older one's.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TapeKey(pub Part);

impl crate::views::Call for TapeCall {
    fn replaces_running(&self) -> bool {
        true
    }
}

impl TapeCall {
    pub fn key(&self) -> TapeKey {
        TapeKey(self.part)
    }

    pub async fn execute(self, source: &dyn FleetSource) -> TapeLoaded {
        let (subject, window) = (&*self.subject, self.window);
        let never = std::future::pending::<()>;
        let answer = match self.part {
            Part::Alarms => Answer::Alarms(read::alarm_histories(source, subject, window).await),
            Part::Changes => {
                let trail = self.trail.as_ref();
                let read = read::makeup_and_changes(source, trail, subject, window, never());
                let (makeup, changes) = read.await;
                Answer::Changes { makeup, changes }
            }
            Part::Runs => Answer::Runs(read::runs(source, subject, window).await),
            Part::Errors => Answer::Errors(read::errors(source, subject, window, never()).await),
            Part::Series => Answer::Series(read::series(source, subject, window).await),
            Part::Scaling => Answer::Scaling(read::scaling(source, subject, window).await),
            Part::Audit => {
                let path = crate::writes::audit::AuditLog::from_env().map(|a| a.path().to_owned());
                Answer::Audit(incident::audit_text(path).await)
            }
        };
        TapeLoaded {
            generation: self.generation,
            part: self.part,
            answer: Box::new(answer),
        }
    }

    /// The answer when the call could not run at all.
    pub fn failed(self, detail: &str) -> TapeLoaded {
        let err = || SourceError::Other {
            call: self.part.label().into(),
            detail: detail.into(),
        };
        let answer = match self.part {
            Part::Alarms => Answer::Alarms(Vec::new()),
            Part::Changes => Answer::Changes {
                makeup: Err(err()),
                changes: Some(Err(err())),
            },
            Part::Runs => Answer::Runs(Err(err())),
            Part::Errors => Answer::Errors(Err(err())),
            Part::Series => Answer::Series(Err(err())),
            Part::Scaling => Answer::Scaling(Err(err())),
            Part::Audit => Answer::Audit(None),
        };
        TapeLoaded {
            generation: self.generation,
            part: self.part,
            answer: Box::new(answer),
        }
    }
}
