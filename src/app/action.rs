//! `Action`: the vocabulary of everything that can happen. The serde names of the bindable
//! variants are the words of the keymap files (`action = "move_down"`).

use crate::source::SourceError;
use crate::source::model::*;
use crate::source::monitor::ScheduleRun;
use crate::source::write::Write;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    // ---- bindable: the keymap vocabulary ----
    /// Leave sagewatch.
    Quit,
    MoveUp,
    MoveDown,
    PageUp,
    PageDown,
    MoveTop,
    MoveBottom,
    /// Open what is selected: an endpoint's detail, an alarm's history, an account's fleet.
    Select,
    /// Close the overlay or go back one screen.
    Back,
    /// Move focus to the next pane of the screen.
    FocusNext,
    ShowFleet,
    ShowAlarms,
    /// The Model Monitor pane of the selected (or open) endpoint.
    ShowMonitor,
    /// Open the `:` command line.
    OpenCommand,
    /// Open the `/` filter for the current table.
    OpenFilter,
    ToggleHelp,
    /// Sort by the next column (ascending); `sort_reverse` flips the direction.
    SortNext,
    SortReverse,
    /// Widen the time range of the detail charts (zoom out).
    RangeWider,
    /// Narrow the time range of the detail charts (zoom in).
    RangeNarrower,
    /// Move the detail window back in time.
    PanBack,
    /// Move the detail window forward in time, up to now.
    PanForward,
    /// Show the selected chart alone, full size.
    ToggleMaximize,
    /// Ask every source for fresh data now.
    Refresh,
    /// Create an alarm: on the selected chart (endpoint), like the selected alarm (alarms).
    NewAlarm,
    /// Edit the selected alarm (PutMetricAlarm overwrites it, keeping its name).
    EditAlarm,
    /// Turn off the actions of the selected or marked alarms (DisableAlarmActions).
    MuteAlarm,
    /// Turn their actions back on (EnableAlarmActions).
    UnmuteAlarm,
    /// Delete the selected or marked alarms, after their name is typed.
    DeleteAlarm,
    /// Mark or unmark the selected row for mute, unmute or delete.
    ToggleMark,
    /// Run the selected Model Monitor schedule's job now, over a window (a one-time
    /// schedule, CreateMonitoringSchedule with `NOW`).
    RunMonitor,
    /// Pause the selected schedule (StopMonitoringSchedule).
    PauseSchedule,
    /// Resume it (StartMonitoringSchedule).
    ResumeSchedule,
    /// The CloudTrail search (Athena).
    ShowTrail,
    /// What changed on the selected alarm's or endpoint's resources before it fired: the
    /// trail, pre-filtered.
    ShowChanges,
    /// Edit the trail's filter (or SQL) on the command line.
    EditQuery,
    /// Cancel the trail query running (StopQueryExecution).
    CancelQuery,
    /// The trail table's previous column (the cell `copy_cell` copies).
    ColumnLeft,
    ColumnRight,
    /// Copy the selected cell to the clipboard of the terminal (OSC 52, works over SSH).
    CopyCell,
    /// The logs of the selected endpoint, monitoring run or alarm (Insights and live tail).
    ShowLogs,
    /// Keep the live tail on its newest line, or hold it where it is (new lines counted).
    ToggleFollow,
    /// Stop the live tail session (it stops streaming and billing), or start it again.
    PauseTail,
    /// Wrap long log lines, or cut them at the pane's edge.
    ToggleWrap,
    /// Show or hide each line's time and stream.
    ToggleTimestamps,
    /// Write the tail (or the Insights rows) to a file.
    SaveLogs,
    ShowStudio,
    /// The processing jobs: of the open endpoint's (or monitor pane's) schedules from
    /// there, else the list as it was left.
    ShowJobs,

    // ---- not bindable: from the loop, the line editor and the workers ----
    /// The clock moved (epoch seconds): maybe refresh, maybe redraw.
    #[serde(skip)]
    Tick(Epoch),
    #[serde(skip)]
    Resize(u16, u16),
    /// A key typed while the command line or the filter is open.
    #[serde(skip)]
    Input(InputKey),
    /// Text pasted into the terminal (bracketed paste): it goes into the line or field being
    /// edited, whole, and is never read as keys.
    #[serde(skip)]
    Paste(String),
    /// The confirmation numbered so has been open a moment without keys: it takes them now.
    #[serde(skip)]
    ConfirmArmed(u64),
    /// A `:` command, already parsed from the command line or given on start.
    #[serde(skip)]
    Run(String),
    #[serde(skip)]
    Loaded(Box<Loaded>),
    /// A form was submitted with these values: handed to the view that owns it
    /// (`ViewModule::form_submitted`), wherever it was opened.
    #[serde(skip)]
    FormSubmitted {
        view: crate::views::View,
        values: crate::overlays::form::FormValues,
    },
    /// Confirmed writes: send them (unless read-only).
    #[serde(skip)]
    Write(Vec<Write>),
    /// A request that is not a write (a costly search, say), confirmed: handed back to the
    /// view that asked (`ViewModule::confirmed`); `what` names the request in that view.
    #[serde(skip)]
    Confirmed {
        view: crate::views::View,
        what: &'static str,
        text: String,
    },
}

impl Action {
    /// Actions that change something in AWS: disabled in read-only mode.
    pub fn mutates(&self) -> bool {
        matches!(
            self,
            Self::NewAlarm
                | Self::EditAlarm
                | Self::MuteAlarm
                | Self::UnmuteAlarm
                | Self::DeleteAlarm
                | Self::RunMonitor
                | Self::PauseSchedule
                | Self::ResumeSchedule
                | Self::Write(_)
        )
    }

    /// Actions that move the selection, the focus or the view's window, or go in and out:
    /// the keys pressed most, and without thinking.
    pub fn navigates(&self) -> bool {
        matches!(
            self,
            Self::MoveUp
                | Self::MoveDown
                | Self::PageUp
                | Self::PageDown
                | Self::MoveTop
                | Self::MoveBottom
                | Self::Select
                | Self::Back
                | Self::FocusNext
                | Self::ColumnLeft
                | Self::ColumnRight
                | Self::PanBack
                | Self::PanForward
        )
    }
}

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
    /// The source's view of its own calls (failing calls, throttling, usage), read after
    /// every command.
    Health(crate::source::SourceHealth),
    /// A file written for the user (an export): where, how many rows, or why not.
    Exported(Result<(String, usize), String>),
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
            | Self::FleetRuns(Err(e)) => Some(e),
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
}
