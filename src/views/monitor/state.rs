//! The monitor view's own state: which endpoint, its schedules, runs and alerts as last
//! read, the report of the run being looked at, the run being followed, and the one-time
//! schedules runs now left.

use crate::app::state::{FlashLevel, Loadable};
use crate::source::model::{EndpointKey, Epoch, ExecutionStatus, MonitoringSchedule};
use crate::source::monitor::{
    Baseline, Execution, Leftover, MonitorWrite, MonitoringAlert, ViolationReport,
};

/// The pane with the cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Pane {
    #[default]
    Schedules,
    Runs,
    Report,
}

#[derive(Debug, Clone, Default)]
pub struct MonitorState {
    pub endpoint: Option<EndpointKey>,
    /// When the pane was last read (it is read on open and on `r`, never polled).
    pub read_at: Option<Epoch>,
    pub schedules: Loadable<Vec<MonitoringSchedule>>,
    /// Newest first, the pages read so far.
    pub runs: Loadable<Vec<Execution>>,
    /// Where the next older page starts.
    pub next_page: Option<String>,
    pub loading_more: bool,
    pub alerts: Loadable<Vec<MonitoringAlert>>,
    pub report: Option<Report>,
    /// Set when the pane is opened: its next read shows the newest finished run's report,
    /// not the one left on screen (a run may have ended since, the one that fired an alarm).
    pub newest_report: bool,
    pub focus: Pane,
    pub schedule_row: usize,
    pub run_row: usize,
    pub report_scroll: usize,
    /// A run started from the console, followed until it ends, wherever the user goes.
    pub follow: Option<Follow>,
    /// Where `Back` returns to.
    pub came_from: crate::views::View,
    /// The schedule the run-now form was opened on.
    pub run_from: Option<MonitoringSchedule>,
    /// One-time schedules of runs followed here, deleted once their run has ended.
    pub cleanups: Vec<Cleanup>,
    /// One-time schedules runs now left (earlier ones included), as last read.
    pub leftovers: Option<Vec<Leftover>>,
    /// They are read once at start.
    pub leftovers_asked: bool,
}

/// The delete of a followed run's one-time schedule, until its outcome is known.
#[derive(Debug, Clone)]
pub struct Cleanup {
    pub delete: MonitorWrite,
    /// The run whose report is read first; `None` once read (or when none is read).
    pub after_report: Option<Execution>,
    /// How the run ended, as the status bar said it: said again with the delete's outcome.
    pub said: (String, FlashLevel),
    /// When the run ended (the delete waits for the report this long at most).
    pub ended: Epoch,
    pub sent: bool,
}

/// One run's violations and its schedule's baseline.
#[derive(Debug, Clone)]
pub struct Report {
    pub run: Execution,
    pub violations: Loadable<ViolationReport>,
    pub baseline: Loadable<Option<Baseline>>,
}

/// A run started here, until it ends.
#[derive(Debug, Clone, PartialEq)]
pub struct Follow {
    pub endpoint: EndpointKey,
    /// The one-time schedule created for it.
    pub schedule: String,
    /// The schedule it copied (whose baseline its report is read against).
    pub from_schedule: String,
    pub started: Epoch,
    /// Its newest state (`None` until SageMaker lists it).
    pub status: Option<ExecutionStatus>,
    pub next_poll: Epoch,
    /// When a poll last answered (a run, or none yet): polls failing for long end it.
    pub last_answer: Epoch,
}

impl MonitorState {
    pub fn schedules(&self) -> &[MonitoringSchedule] {
        match &self.schedules {
            Loadable::Loaded(s) => s,
            _ => &[],
        }
    }

    pub fn runs(&self) -> &[Execution] {
        match &self.runs {
            Loadable::Loaded(r) => r,
            _ => &[],
        }
    }

    pub fn selected_schedule(&self) -> Option<&MonitoringSchedule> {
        self.schedules().get(self.schedule_row)
    }

    pub fn selected_run(&self) -> Option<&Execution> {
        self.runs().get(self.run_row)
    }
}
