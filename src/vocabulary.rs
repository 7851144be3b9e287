//! The keymap vocabulary: every action a key can be bound to, named as the keymap files
//! name it (`action = "move_down"`). A leaf: the configuration reads it, the application
//! turns it into an `app::action::Action`.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Bindable {
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
    /// Mute the selected or marked alarms: for a while (PutAlarmMuteRule), or indefinitely
    /// (DisableAlarmActions). On `:mutes`, `e` and `D` change or delete a rule.
    MuteAlarm,
    /// End whatever mutes them (DeleteAlarmMuteRule, the rule without them, or
    /// EnableAlarmActions).
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
    /// The incident tape of the selected endpoint (an alarm's at its transition).
    ShowTape,
}

impl Bindable {
    /// Its word in keymap files: `move_top`.
    pub fn name(self) -> String {
        toml::Value::try_from(self)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default()
    }

    /// Actions that change something in AWS: disabled in read-only mode.
    pub fn mutates(self) -> bool {
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
        )
    }

    /// Actions that move the selection, the focus or the view's window, or go in and out:
    /// the keys pressed most, and without thinking.
    pub fn navigates(self) -> bool {
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
