//! The alarms view's call: one alarm's state history, for the history pane.

use crate::source::model::{AccountId, AlarmHistoryItem};
use crate::source::{FleetSource, SourceError};

/// Its answers, read by the view (`views::loaded` hands them over).
pub use super::update::loaded;

#[derive(Debug, Clone, PartialEq)]
pub enum AlarmsCall {
    /// One alarm's state history. There is one history pane: a newer request replaces the
    /// one in flight.
    History {
        account_id: AccountId,
        /// The alarm's `id`, as AWS returned it.
        id: String,
        /// Asked while moving through alarms: wait a moment first, so that alarms passed
        /// on the way (their requests replaced before they leave) cost nothing.
        while_scrolling: bool,
    },
    /// Who turned alarms' actions off, and when: this console's audit log, read off the
    /// UI thread.
    TurnedOff,
    /// Who turned one alarm's actions off, and when: a search of the trail.
    WhoMuted {
        account_id: AccountId,
        id: String,
        trail: Box<crate::source::trail::TrailSettings>,
        window: crate::incident::Window,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum AlarmsLoaded {
    /// Unreadable or absent, the log knows nothing: an empty answer.
    TurnedOff(Vec<crate::source::mute::TurnedOff>),
    WhoMuted(Result<crate::source::mute::TurnedOff, SourceError>),
    History {
        account_id: AccountId,
        /// The alarm's `id`, as AWS returned it.
        id: String,
        result: Result<Vec<AlarmHistoryItem>, SourceError>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AlarmsKey {
    History,
    TurnedOff,
    /// One search per alarm: another alarm's pane does not replace it.
    WhoMuted(AccountId, String),
}

impl crate::views::Call for AlarmsCall {
    fn replaces_running(&self) -> bool {
        true
    }

    fn settles(&self) -> bool {
        matches!(
            self,
            Self::History {
                while_scrolling: true,
                ..
            }
        )
    }
}

impl AlarmsCall {
    pub fn key(&self) -> AlarmsKey {
        match self {
            Self::History { .. } => AlarmsKey::History,
            Self::TurnedOff => AlarmsKey::TurnedOff,
            Self::WhoMuted { account_id, id, .. } => {
                AlarmsKey::WhoMuted(account_id.clone(), id.clone())
            }
        }
    }

    pub async fn execute(self, source: &dyn FleetSource) -> AlarmsLoaded {
        match self {
            Self::History { account_id, id, .. } => {
                let result = source.alarm_history(&account_id, &id).await;
                AlarmsLoaded::History {
                    account_id,
                    id,
                    result,
                }
            }
            Self::TurnedOff => {
                let path = crate::writes::audit::AuditLog::from_env().map(|a| a.path().to_owned());
                let log = crate::incident::audit_text(path).await.unwrap_or_default();
                AlarmsLoaded::TurnedOff(crate::tape::audit::actions_turned_off(&log))
            }
            Self::WhoMuted {
                account_id,
                id,
                trail,
                window,
            } => {
                let found = super::who_muted::search(source, &trail, &account_id, &id, window);
                AlarmsLoaded::WhoMuted(found.await)
            }
        }
    }

    /// The answer when the call could not run at all.
    pub fn failed(self, detail: &str) -> AlarmsLoaded {
        match self {
            Self::History { account_id, id, .. } => AlarmsLoaded::History {
                account_id,
                id,
                result: Err(SourceError::Other {
                    call: "alarm history".into(),
                    detail: detail.into(),
                }),
            },
            Self::TurnedOff => AlarmsLoaded::TurnedOff(Vec::new()),
            Self::WhoMuted { .. } => AlarmsLoaded::WhoMuted(Err(SourceError::Other {
                call: "StartQueryExecution".into(),
                detail: detail.into(),
            })),
        }
    }
}

impl AlarmsLoaded {
    /// The error this answer carries, if the call failed.
    pub fn error(&self) -> Option<&SourceError> {
        match self {
            Self::History { result, .. } => result.as_ref().err(),
            Self::TurnedOff(_) => None,
            Self::WhoMuted(result) => result.as_ref().err(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::command::{Command, CommandKey};
    use crate::app::worker::Workers;
    use crate::source::unruly::Unruly;
    use crate::views::ViewKey;
    use std::sync::Arc;
    use tokio::sync::mpsc;

    #[tokio::test]
    async fn scrolling_past_alarms_with_the_history_open_asks_only_for_where_it_stops() {
        let source = Arc::new(Unruly::demo());
        let (tx, mut rx) = mpsc::unbounded_channel();
        let mut w = Workers::new(Arc::clone(&source) as Arc<dyn FleetSource>, tx);
        let history = |id: &str, while_scrolling| -> Command {
            AlarmsCall::History {
                account_id: "100000000000".into(),
                id: id.into(),
                while_scrolling,
            }
            .into()
        };
        w.dispatch(history("first", false));
        // A held arrow key: each alarm passed replaces the request of the one before.
        for id in ["a", "b", "c", "d", "e"] {
            w.dispatch(history(id, true));
        }
        let mut answers = Vec::new();
        while w.in_flight() > 0 {
            let done = rx.recv().await.expect("an answer");
            w.finished(&done);
            answers.push(done);
        }
        let asked = source.asked_history.lock().unwrap().clone();
        assert_eq!(asked.last().map(String::as_str), Some("e"), "{asked:?}");
        assert!(
            !asked
                .iter()
                .any(|a| ["a", "b", "c", "d"].contains(&a.as_str())),
            "alarms passed on the way cost no request: {asked:?}"
        );
        assert_eq!(
            answers.last().map(|d| d.key.clone()),
            Some(CommandKey::View(ViewKey::Alarms(AlarmsKey::History)))
        );
    }
}
