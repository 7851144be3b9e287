//! The views: one module per screen, each owning its state, its `update` for the actions it
//! handles, its `draw`, its key hints and its `:` commands. `REGISTRY` is the only list of
//! them; the router (`app::update`) and the frame (`ui::draw`) reach a view through it.
//!
//! Adding a view: a folder here with a `ViewModule`, its variant in `View`, its line in
//! `module`, and its state's field in `ViewStates`. A view that calls the source has a
//! `calls.rs` (its call, answer and key enums) and its line in each list of `calls`.

pub mod alarms;
mod calls;
pub mod cursor;
pub mod endpoint;
pub mod fleet;
pub mod jobs;
pub mod logs;
pub mod monitor;
pub mod studio;
pub mod tape;
pub mod trail;

use crate::app::action::Action;
use crate::app::command::Command;
use crate::app::commands::CommandSpec;
use crate::app::outcome::Outcome;
use crate::app::state::State;
use crate::overlays::form::{Form, FormValues};
use crate::source::jobs::ProcessingJob;
use crate::source::model::{Alarm, EndpointKey, MonitoringSchedule, SeriesKey};
use crate::source::monitor::Execution;
use crate::source::write::Write;
use crate::writes::WriteOutcome;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

pub use calls::{
    AlarmsCall, AlarmsLoaded, Call, EndpointCall, EndpointLoaded, JobsCall, JobsLoaded, LogsCall,
    LogsLoaded, MonitorCall, MonitorLoaded, StudioCall, StudioLoaded, TapeCall, TapeLoaded,
    TrailCall, TrailLoaded, ViewCall, ViewKey, ViewLoaded, loaded,
};

/// Which view is on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum View {
    #[default]
    Fleet,
    Endpoint,
    Alarms,
    Monitor,
    Trail,
    Logs,
    Studio,
    Jobs,
    Tape,
}

impl View {
    /// Every view, in the order of the header's tabs.
    pub const ALL: [View; 9] = [
        View::Fleet,
        View::Endpoint,
        View::Alarms,
        View::Monitor,
        View::Trail,
        View::Logs,
        View::Studio,
        View::Jobs,
        View::Tape,
    ];

    pub fn title(self) -> &'static str {
        module(self).title()
    }
}

/// Each view's own state, held in `State::views`.
#[derive(Debug, Clone)]
pub struct ViewStates {
    pub fleet: fleet::FleetState,
    pub endpoint: endpoint::EndpointState,
    pub alarms: alarms::AlarmsState,
    pub monitor: monitor::MonitorState,
    pub trail: trail::TrailState,
    pub logs: logs::LogsState,
    pub studio: studio::StudioState,
    pub jobs: jobs::JobsState,
    pub tape: tape::TapeState,
}

impl Default for ViewStates {
    fn default() -> Self {
        Self {
            fleet: Default::default(),
            endpoint: Default::default(),
            alarms: Default::default(),
            monitor: Default::default(),
            trail: Default::default(),
            logs: Default::default(),
            studio: Default::default(),
            jobs: jobs::JobsState::new(),
            tape: Default::default(),
        }
    }
}

/// The registry: the module behind each view.
pub fn module(view: View) -> &'static dyn ViewModule {
    match view {
        View::Fleet => &fleet::Fleet,
        View::Endpoint => &endpoint::Endpoint,
        View::Alarms => &alarms::Alarms,
        View::Monitor => &monitor::Monitor,
        View::Trail => &trail::Trail,
        View::Logs => &logs::Logs,
        View::Studio => &studio::Studio,
        View::Jobs => &jobs::Jobs,
        View::Tape => &tape::Tape,
    }
}

/// An endpoint named on the `:` line, within the account scope: a name in several accounts
/// is ambiguous. `Err` says why none was found, cleaned for the status bar.
pub fn endpoint_named(
    state: &State,
    wanted: &str,
) -> Result<crate::source::model::EndpointKey, String> {
    let mut found = state
        .endpoints
        .iter()
        .filter(|e| e.name == wanted)
        .filter(|e| state.in_scope(&e.account_id, &e.region));
    let wanted = crate::sanitize::clean(wanted);
    match (found.next(), found.next()) {
        (Some(e), None) => Ok(e.key()),
        (Some(_), Some(_)) => Err(format!(
            "{wanted} exists in several accounts: :account first"
        )),
        (None, _) => Err(format!("no endpoint {wanted:?}")),
    }
}

/// Data rows of the main table of `view` on a terminal of `size`: what `update` pages by and
/// keeps the selection within, and what `draw` fills.
pub fn table_rows(view: View, size: (u16, u16)) -> usize {
    module(view).table_rows(size)
}

/// Every view module, in `View::ALL` order.
pub fn all() -> impl Iterator<Item = &'static dyn ViewModule> {
    View::ALL.into_iter().map(module)
}

/// The view an action opens from anywhere (`ViewModule::opens`), if any.
pub fn opener(action: &Action) -> Option<&'static dyn ViewModule> {
    all().find(|m| m.opens().contains(action))
}

/// What is selected in the view on screen, for the keys of other views that act on it.
pub fn selected(state: &State) -> Option<Selected<'_>> {
    module(state.view).selected(state)
}

/// The endpoint the view on screen is about, or has selected.
pub fn selected_endpoint(state: &State) -> Option<EndpointKey> {
    selected(state)?.endpoint()
}

/// What a view has selected (or is about), in words every view understands: the keys that
/// open another view from here (logs, monitor, changes, jobs, a new alarm) start from it.
#[derive(Debug, Clone)]
pub enum Selected<'a> {
    /// An endpoint: a fleet row, the endpoint on screen, the one whose logs are open.
    Endpoint(EndpointKey),
    /// One of an endpoint's charts, the series it draws first.
    Chart {
        endpoint: EndpointKey,
        series: Option<SeriesKey>,
    },
    Alarm(&'a Alarm),
    /// A monitoring run, in the monitor pane of `endpoint`.
    Run {
        run: &'a Execution,
        endpoint: Option<EndpointKey>,
    },
    /// A monitoring schedule, in the monitor pane of `endpoint`.
    Schedule {
        schedule: &'a MonitoringSchedule,
        endpoint: Option<EndpointKey>,
    },
    Job(&'a ProcessingJob),
}

impl Selected<'_> {
    /// The endpoint it belongs to, when it belongs to one.
    pub fn endpoint(&self) -> Option<EndpointKey> {
        match self {
            Selected::Endpoint(key) | Selected::Chart { endpoint: key, .. } => Some(key.clone()),
            Selected::Alarm(alarm) => alarm.endpoint.clone(),
            Selected::Run { endpoint, .. } | Selected::Schedule { endpoint, .. } => {
                endpoint.clone()
            }
            Selected::Job(_) => None,
        }
    }
}

/// Shared data that changed; views rebuild what they derive from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Accounts and endpoints were reloaded.
    Fleet,
    Alarms,
    Series,
    /// The account scope (`State::scope`) changed.
    Scope,
    /// The terminal was resized: pages hold a different number of rows.
    Resize,
}

/// What a view is. Only `title`, `hints`, `update` and `draw` are required; the rest are
/// hooks with a do-nothing default.
pub trait ViewModule: Sync {
    /// Its tab in the header.
    fn title(&self) -> &'static str;

    /// Actions worth a reminder in the status bar, with a one-word label, most useful first.
    fn hints(&self) -> &'static [(Action, &'static str)];

    /// The hints for the view as it is now (a view with modes says its mode's keys).
    fn hints_now(&self, state: &State) -> &'static [(Action, &'static str)] {
        let _ = state;
        self.hints()
    }

    /// The keymap section that holds this view's own keys (help lists it first, with the
    /// keys of the hint bar and the view's commands), if the keymap has one for it.
    fn help_section(&self) -> Option<&'static str> {
        None
    }

    /// Handles a key action while the view has the focus (global actions and overlays have
    /// had their turn).
    fn update(&self, state: &mut State, action: Action) -> Outcome;

    /// Draws the view into the body of the screen. Pure.
    fn draw(&self, state: &State, buf: &mut Buffer, area: Rect);

    /// Data rows its main table shows on a terminal of `size` (width, height), without
    /// panes that open and close (an alarm's history); 0 for a view without a table.
    fn table_rows(&self, size: (u16, u16)) -> usize {
        let _ = size;
        0
    }

    /// The `:` commands it owns.
    fn commands(&self) -> &'static [CommandSpec] {
        &[]
    }

    /// Runs one of its commands (`spec` is one of `commands()`), with the rest of the line.
    fn run(&self, state: &mut State, spec: &CommandSpec, arg: &str) -> Outcome {
        let _ = (state, spec, arg);
        Outcome::default()
    }

    /// Candidates for the argument of one of its commands, in no particular order.
    fn complete(&self, state: &State, spec: &CommandSpec) -> Vec<String> {
        let _ = (state, spec);
        Vec::new()
    }

    /// `Err` says why the view cannot be shown now.
    fn can_show(&self, state: &State) -> Result<(), &'static str> {
        let _ = state;
        Ok(())
    }

    /// The text of its `/` filter; `None` when it has nothing to filter.
    fn filter<'a>(&self, state: &'a State) -> Option<&'a str> {
        let _ = state;
        None
    }

    /// Applies a `/` filter typed (or `:filter`).
    fn set_filter(&self, state: &mut State, text: &str) {
        let _ = (state, text);
    }

    /// Shared data changed.
    fn data_changed(&self, state: &mut State, change: Change) {
        let _ = (state, change);
    }

    /// The view came on screen, by any way.
    fn entered(&self, state: &mut State) -> Vec<Command> {
        let _ = state;
        Vec::new()
    }

    /// The view left the screen: what it streams or scans unseen stops here.
    fn left(&self, state: &mut State) -> Vec<Command> {
        let _ = state;
        Vec::new()
    }

    /// Every tick, on screen or not: the calls whose time has come.
    fn due(&self, state: &mut State) -> Vec<Command> {
        let _ = state;
        Vec::new()
    }

    /// Actions that open this view from anywhere (`ShowTrail`...); `open` handles them.
    fn opens(&self) -> &'static [Action] {
        &[]
    }

    /// One of `opens()` was pressed, wherever: shows the view, from what is selected.
    fn open(&self, state: &mut State, action: Action) -> Outcome {
        let _ = (state, action);
        Outcome::default()
    }

    /// What a key does in this view, where the keymap's description (written for the views
    /// that share the key) would mislead; the help's section of the view says it.
    fn key_meaning(&self, action: Action) -> Option<&'static str> {
        let _ = action;
        None
    }

    /// Opens where an incident tape's line points (`tape::Target`: a trail event, a run, the
    /// logs at a minute, a chart, an alarm) when that is this view's; `None` leaves the line
    /// to another view.
    fn open_target(
        &self,
        state: &mut State,
        endpoint: &EndpointKey,
        target: &crate::tape::Target,
    ) -> Option<Outcome> {
        let _ = (state, endpoint, target);
        None
    }

    /// Shows the view about one endpoint (its charts, its monitor pane), for another view's
    /// key that opens it there.
    fn open_on(&self, state: &mut State, endpoint: EndpointKey) -> Outcome {
        let _ = (state, endpoint);
        Outcome::default()
    }

    /// The Model Monitor schedules it has read of `endpoint` (beyond those the fleet lists).
    fn schedules_read<'a>(
        &self,
        state: &'a State,
        endpoint: &EndpointKey,
    ) -> &'a [MonitoringSchedule] {
        let _ = (state, endpoint);
        &[]
    }

    /// What it has selected, or is about (`Selected`).
    fn selected<'a>(&self, state: &'a State) -> Option<Selected<'a>> {
        let _ = state;
        None
    }

    /// Its time-dependent figures move each second (a query's or run's elapsed time): the
    /// screen is redrawn every tick.
    fn ticking(&self, state: &State) -> bool {
        let _ = state;
        false
    }

    /// Endpoints (indexes in `state.endpoints`) on its page, shown now or behind another
    /// view: their series keep their sparklines' window. Any other endpoint's keep their
    /// latest value only (sorts, counts, the snapshot), so memory follows the pages, not
    /// the fleet.
    fn endpoints_paged(&self, state: &State) -> Vec<usize> {
        let _ = state;
        Vec::new()
    }

    /// Endpoints whose rows it shows now, by account and name: their 1-minute series are
    /// kept hot (refreshed each minute).
    fn endpoints_on_screen<'a>(
        &self,
        state: &'a State,
    ) -> rustc_hash::FxHashSet<(&'a str, &'a str)> {
        let _ = state;
        Default::default()
    }

    /// Slots the series store keeps for `key` for this view, when it shows that series in a
    /// way the fleet does not (a wider window, a series of its own); `None` otherwise.
    fn series_capacity(&self, state: &State, key: &SeriesKey) -> Option<usize> {
        let _ = (state, key);
        None
    }

    /// The series requests of its own due now (with the periodic loads, `refresh::due`).
    fn series_due(&self, state: &mut State) -> Vec<Command> {
        let _ = state;
        Vec::new()
    }

    /// A Model Monitor run of `endpoint` just ended: the quality series it shows of it,
    /// asked for now.
    fn quality_landed(&self, state: &State, endpoint: &EndpointKey) -> Vec<Command> {
        let _ = (state, endpoint);
        Vec::new()
    }

    /// A write went through the gate (done, failed or refused): what it changed that this
    /// view shows is read again.
    fn written(&self, state: &mut State, request: &Write, outcome: &WriteOutcome) -> Vec<Command> {
        let _ = (state, request, outcome);
        Vec::new()
    }

    /// The console is quitting: what must not go on running after it (queries, tails).
    fn on_quit(&self, state: &mut State) -> Vec<Command> {
        let _ = state;
        Vec::new()
    }

    /// `r` was pressed while the view is shown: it may change what the refresh asks for.
    fn refresh(&self, state: &mut State, commands: &mut Vec<Command>) {
        let _ = (state, commands);
    }

    /// A form this view owns was submitted (`Action::FormSubmitted`).
    fn form_submitted(&self, state: &mut State, values: FormValues) -> Outcome {
        let _ = (state, values);
        Outcome::default()
    }

    /// A request this view asked to confirm was confirmed (`Action::Confirmed`).
    fn confirmed(&self, state: &mut State, what: &'static str, text: String) -> Outcome {
        let _ = (state, what, text);
        Outcome::default()
    }

    /// Draws beside a form this view opened (`Form::preview`): what the form's values would
    /// do. Pure, like `draw`.
    fn draw_preview(&self, state: &State, form: &Form, buf: &mut Buffer, area: Rect) {
        let _ = (state, form, buf, area);
    }

    /// A line under a form this view opened, recomputed as it is typed; `true` draws it
    /// as a warning. Pure, like `draw`.
    fn form_note(&self, state: &State, form: &Form) -> Option<(String, bool)> {
        let _ = (state, form);
        None
    }
}
