//! The alarms view's own state: the table's rows, selection, scroll and filter, and the
//! history pane of one alarm.

use crate::app::state::Loadable;
use crate::source::model::{AccountId, Alarm, AlarmHistoryItem};

/// The alarm whose history is open: the identifier its requests use, and the name drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryOf {
    pub account_id: AccountId,
    /// As AWS returned it (`Alarm::id`).
    pub id: String,
    /// Sanitised, for the pane's title.
    pub name: String,
}

impl HistoryOf {
    pub fn of(alarm: &Alarm) -> Self {
        Self {
            account_id: alarm.account_id.clone(),
            id: alarm.id.clone(),
            name: alarm.name.clone(),
        }
    }

    pub fn is(&self, account_id: &str, id: &str) -> bool {
        self.account_id == account_id && self.id == id
    }
}

#[derive(Debug, Clone, Default)]
pub struct AlarmsState {
    /// Indices into `State::alarms`, filtered and in display order (ALARM first).
    pub rows: Vec<usize>,
    pub selected: usize,
    pub offset: usize,
    pub filter: String,
    /// The alarm whose history pane is open.
    pub history_of: Option<HistoryOf>,
    pub history: Loadable<Vec<AlarmHistoryItem>>,
    pub history_scroll: usize,
    /// Alarms marked with `space` for mute, unmute or delete: (account, id as AWS has it).
    pub marks: std::collections::HashSet<(AccountId, String)>,
    /// `:mutes`: the table shows mute rules instead of alarms.
    pub rules: Option<super::rules::RulesMode>,
    /// This console's audit log was asked who turned actions off (once alarms are read).
    pub turned_off_asked: bool,
    /// Alarms whose muting the trail was asked about (once each).
    pub who_asked: std::collections::HashSet<(AccountId, String)>,
    /// The alarms the open mute form is for.
    pub muting: Vec<crate::source::mute::plan::AlarmRef>,
    /// What the open alarm form is about (its preview and its request are built from it).
    pub draft: Option<super::editor::Draft>,
    /// The preview's series last asked for, and when to ask for what is new in it.
    pub preview_asked: Option<(crate::source::model::SeriesKey, crate::source::model::Epoch)>,
}
