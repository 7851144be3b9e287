//! The alarms view's own state: the table's rows, selection, scroll and filter, and the
//! history pane of one alarm.

use crate::app::state::Loadable;
use crate::source::model::{AccountId, AlarmHistoryItem};

#[derive(Debug, Clone, Default)]
pub struct AlarmsState {
    /// Indices into `State::alarms`, filtered and in display order (ALARM first).
    pub rows: Vec<usize>,
    pub selected: usize,
    pub offset: usize,
    pub filter: String,
    /// The alarm whose history pane is open.
    pub history_of: Option<(AccountId, String)>,
    pub history: Loadable<Vec<AlarmHistoryItem>>,
    pub history_scroll: usize,
}
