//! The incident tape, the pure part (issue 25): everything that happened to one endpoint,
//! as one time-ordered list of lines, built from what the sources already return. No UI, no
//! I/O, no async: the view, the shell's `incident` subcommand and the demo share it.
//!
//! - `entry`: the line (`Entry`: time, `Kind`, `Role`, clean one-line text, who, from
//!   where, a value, and the `Target` `Enter` opens), and `Kinds`, the set a user hid.
//! - One small module per source, each turning the project's types into lines:
//!   `alarms` (state transitions, composites included, with the value that crossed),
//!   `trail` (the trail search's result rows), `monitor` (runs started and ended, and the
//!   quality rule), `audit` (the console's own writes), `endpoint` (status changes and
//!   scaling activities), `steps` (the metric step rule) and `spikes` (the log error rule).
//! - `assemble`: the `Tape` (merged, ordered, exact duplicates dropped), what a filter
//!   shows, the line nearest a time.
//! - `postmortem`: the summary and the Markdown and JSON drafts.
//!
//! # Rules
//!
//! - **Order**: by time; lines of one second in `Kind` order (the console's write, the
//!   trail, status, scaling, monitor, quality, metric, logs, alarm: causes before what
//!   they cause, the alarm last); lines of one second and kind in the order given.
//!   Newest at the bottom.
//! - **Duplicates**: a line exactly equal to an earlier one is dropped.
//! - **Metric step** (`steps`): the median of the `n` points before a point against the
//!   median of the `n` from it differs by more than `k` MADs of the before-window and by
//!   the metric's minimum amount; one line per step, at its first point ("CPU rose from
//!   31% to 87% at 16:57"). `n`, `k` and the minimums per metric are in `steps::rule`,
//!   with why.
//! - **Log error spike** (`spikes`): a minute at three times its level (the median of the
//!   ten minutes before) and at least 5 more; it ends at the first of three quiet minutes
//!   in a row ("errors rose from 1/min to 42/min at 16:57", "errors fell back to 2/min").
//! - **Quality** (`monitor::quality_entries`): a point across its baseline from the point
//!   before (either way), else the first point of a new value (more than
//!   `QUALITY_EPSILON` from the point before, whatever the gap).
//! - **Summary** (`postmortem::summary`): the first symptom; the last change at or before
//!   it; the first alarm to ALARM from it on; the first change after that alarm.
//!
//! Every string is cleaned (`crate::sanitize`) on its way into a line; a `Target` keeps
//! names exactly as AWS gave them, since requests must use them.

pub mod alarms;
pub mod assemble;
pub mod audit;
pub mod endpoint;
pub mod entry;
pub mod monitor;
pub mod postmortem;
pub mod spikes;
pub mod steps;
pub mod trail;

pub use alarms::AlarmInput;
pub use assemble::Tape;
pub use endpoint::{ScalingInput, StatusInput};
pub use entry::{Entry, Kind, Kinds, Role, Target};
pub use monitor::{QualityInput, RunInput};
pub use postmortem::{Summary, json, markdown, summary};

#[cfg(test)]
mod tests;
