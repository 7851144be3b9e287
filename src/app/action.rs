//! `Action`: the vocabulary of everything that can happen. Those a key can be bound to are
//! the keymap's words (`vocabulary::Bindable`), one for one.

use crate::source::SourceError;
use crate::source::model::*;
use crate::source::monitor::ScheduleRun;
use crate::source::write::Write;
use crate::vocabulary::Bindable;

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    // ---- bindable: one for one with `vocabulary::Bindable`, documented there ----
    Quit,
    MoveUp,
    MoveDown,
    PageUp,
    PageDown,
    MoveTop,
    MoveBottom,
    Select,
    Back,
    FocusNext,
    ShowFleet,
    ShowAlarms,
    ShowMonitor,
    OpenCommand,
    OpenFilter,
    ToggleHelp,
    SortNext,
    SortReverse,
    RangeWider,
    RangeNarrower,
    PanBack,
    PanForward,
    ToggleMaximize,
    Refresh,
    NewAlarm,
    EditAlarm,
    MuteAlarm,
    UnmuteAlarm,
    DeleteAlarm,
    ToggleMark,
    RunMonitor,
    PauseSchedule,
    ResumeSchedule,
    ShowTrail,
    ShowChanges,
    EditQuery,
    CancelQuery,
    ColumnLeft,
    ColumnRight,
    CopyCell,
    ShowLogs,
    ToggleFollow,
    PauseTail,
    ToggleWrap,
    ToggleTimestamps,
    SaveLogs,
    ShowStudio,
    ShowJobs,
    ShowTape,

    // ---- not bindable: from the loop, the line editor and the workers ----
    /// The clock moved (epoch seconds): maybe refresh, maybe redraw.
    Tick(Epoch),
    Resize(u16, u16),
    /// A key typed while the command line or the filter is open.
    Input(InputKey),
    /// Text pasted into the terminal (bracketed paste): it goes into the line or field being
    /// edited, whole, and is never read as keys.
    Paste(String),
    /// The confirmation numbered so has been open a moment without keys: it takes them now.
    ConfirmArmed(u64),
    /// A `:` command, already parsed from the command line or given on start.
    Run(String),
    Loaded(Box<Loaded>),
    /// A form was submitted with these values: handed to the view that owns it
    /// (`ViewModule::form_submitted`), wherever it was opened.
    FormSubmitted {
        view: crate::views::View,
        values: crate::overlays::form::FormValues,
    },
    /// Confirmed writes: send them (unless read-only).
    Write(Vec<Write>),
    /// A request that is not a write (a costly search, say), confirmed: handed back to the
    /// view that asked (`ViewModule::confirmed`); `what` names the request in that view.
    Confirmed {
        view: crate::views::View,
        what: &'static str,
        text: String,
    },
}

impl Action {
    /// Actions that change something in AWS: disabled in read-only mode.
    pub fn mutates(&self) -> bool {
        matches!(self, Self::Write(_)) || self.bindable().is_some_and(Bindable::mutates)
    }

    /// Actions that move the selection, the focus or the view's window, or go in and out:
    /// the keys pressed most, and without thinking.
    pub fn navigates(&self) -> bool {
        self.bindable().is_some_and(Bindable::navigates)
    }
}

/// The bindable actions, one for one with `Bindable`: `From` fails to compile when a word
/// of the vocabulary has no action.
macro_rules! one_for_one {
    ($($name:ident),* $(,)?) => {
        impl From<Bindable> for Action {
            fn from(bindable: Bindable) -> Self {
                match bindable {
                    $(Bindable::$name => Self::$name,)*
                }
            }
        }

        impl Action {
            /// Its word in the keymap vocabulary, if a key can be bound to it.
            pub fn bindable(&self) -> Option<Bindable> {
                match self {
                    $(Self::$name => Some(Bindable::$name),)*
                    _ => None,
                }
            }
        }
    };
}

one_for_one!(
    Quit,
    MoveUp,
    MoveDown,
    PageUp,
    PageDown,
    MoveTop,
    MoveBottom,
    Select,
    Back,
    FocusNext,
    ShowFleet,
    ShowAlarms,
    ShowMonitor,
    OpenCommand,
    OpenFilter,
    ToggleHelp,
    SortNext,
    SortReverse,
    RangeWider,
    RangeNarrower,
    PanBack,
    PanForward,
    ToggleMaximize,
    Refresh,
    NewAlarm,
    EditAlarm,
    MuteAlarm,
    UnmuteAlarm,
    DeleteAlarm,
    ToggleMark,
    RunMonitor,
    PauseSchedule,
    ResumeSchedule,
    ShowTrail,
    ShowChanges,
    EditQuery,
    CancelQuery,
    ColumnLeft,
    ColumnRight,
    CopyCell,
    ShowLogs,
    ToggleFollow,
    PauseTail,
    ToggleWrap,
    ToggleTimestamps,
    SaveLogs,
    ShowStudio,
    ShowJobs,
    ShowTape,
);

/// Keys the line editor understands, independent of crossterm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKey {
    Char(char),
    Backspace,
    Delete,
    Left,
    Right,
    Home,
    End,
    /// Complete the word under the cursor.
    Tab,
    Enter,
    Esc,
    /// Ctrl-U: clear the line.
    ClearLine,
    /// Ctrl-W: delete the word before the cursor.
    DeleteWord,
    /// The previous history entry on the `:` line; the previous field or line in a dialog.
    Up,
    /// The next history entry on the `:` line; the next field or line in a dialog.
    Down,
    /// Shift-Tab: the previous field of a form.
    BackTab,
    PageUp,
    PageDown,
}

/// Results of source calls, routed back as actions by the workers.
#[derive(Debug, Clone, PartialEq)]
pub enum Loaded {
    Identity(Result<Identity, SourceError>),
    Fleet(Result<(Vec<Account>, Vec<Endpoint>), SourceError>),
    Series(Result<Vec<SeriesData>, SourceError>),
    Alarms(Result<Vec<Alarm>, SourceError>),
    /// The alarms living in one account, which replace that account's only.
    AlarmsIn {
        account_id: AccountId,
        result: Result<Vec<Alarm>, SourceError>,
    },
    /// Every schedule's last completed run, for the fleet's violations column.
    FleetRuns(Result<Vec<ScheduleRun>, SourceError>),
    MuteRules(Result<Vec<crate::source::mute::MuteRule>, SourceError>),
    /// The source's view of its own calls (failing calls, throttling, usage), read after
    /// every command.
    Health(crate::source::SourceHealth),
    /// A file written for the user (an export): where, how many rows (and of how many, when
    /// a filter chose them), or why not.
    Exported(Result<(String, usize, Option<usize>), String>),
    /// A write went through the gate: done, failed or refused.
    Written {
        request: Box<Write>,
        outcome: crate::writes::WriteOutcome,
    },
    /// The answer to a view's own call (`Command::View`), handed to that view.
    View(crate::views::ViewLoaded),
}

impl Loaded {
    /// The error this result carries, if the call failed.
    pub fn error(&self) -> Option<&SourceError> {
        match self {
            Self::Identity(Err(e))
            | Self::Fleet(Err(e))
            | Self::Alarms(Err(e))
            | Self::AlarmsIn { result: Err(e), .. }
            | Self::Series(Err(e))
            | Self::FleetRuns(Err(e))
            | Self::MuteRules(Err(e)) => Some(e),
            Self::View(loaded) => loaded.error(),
            _ => None,
        }
    }

    /// The id an in-order start got (`Command::start_token`).
    pub fn started_id(&self) -> Option<&str> {
        match self {
            Self::View(loaded) => loaded.started_id(),
            _ => None,
        }
    }
}

/// Why a series request was made: it decides how many slots the store keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SeriesPurpose {
    /// Sparklines of every endpoint in the fleet table, from what is already held.
    Fleet,
    /// 1-minute fleet series whose rows are off screen: refreshed less often, and with a key
    /// of their own so an on-screen refresh in flight never swallows them.
    OffScreen,
    /// Rows scrolled onto the screen whose data is older than the on-screen cadence.
    ScrolledIn,
    /// The other metrics of a monitoring schedule whose probe metric just landed.
    Siblings,
    /// Fleet series that hold no data yet, over their whole window.
    Backfill,
    /// Full charts of the endpoint on the detail screen.
    Detail,
    /// Processing jobs' CPU, memory and disk, while the jobs view is shown.
    Jobs,
    /// The series an alarm watches, when CloudWatch has just changed its state: asked for
    /// at once so the screens show the value the alarm evaluated.
    AlarmChanged,
    /// The metric of an open alarm form, for its preview.
    Preview,
}
