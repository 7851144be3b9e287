//! `Command`: side effects `update` asks for. Workers carry them out and answer with actions.

use super::action::{Loaded, SeriesPurpose};
use crate::source::SeriesRequest;
use crate::source::model::AccountId;
use crate::source::write::Write;
use crate::views::{ViewCall, ViewKey};
use std::borrow::Cow;
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    LoadIdentity,
    /// Accounts and endpoints.
    LoadFleet,
    LoadAlarms,
    /// The alarms of one account: in fan-out each account's arrive on their own.
    LoadAlarmsIn(AccountId),
    LoadSeries {
        purpose: SeriesPurpose,
        request: SeriesRequest,
        /// The user asked for this (a new range, a pan, `r`): it replaces work of the same
        /// key in flight. Periodic refreshes never replace, or a source slower than the
        /// refresh interval would have every answer cancelled by the next tick.
        replace: bool,
    },
    LoadFleetRuns,
    /// Every alarm mute rule, with its targets. `reread`: right after a mute or unmute,
    /// replacing a read in flight (which may have started before the write).
    LoadMuteRules {
        reread: bool,
    },
    /// The alarms of one account again, right after a write changed them: replaces a
    /// refresh of that account in flight (which may have started before the write).
    RereadAlarms(AccountId),
    /// A confirmed mutating request, sent through the gate (read-only, audit log). `seq`
    /// numbers the confirmations: no write is ever taken for another and dropped.
    Write {
        seq: u64,
        request: Box<Write>,
    },

    /// Text for the terminal's clipboard (OSC 52), written by the loop.
    Clipboard(String),
    /// Rows written to a file.
    Export(Box<Export>),
    /// Answers `Action::ConfirmArmed(serial)` after `after_ms`: the confirmation's wait
    /// before it takes keys (`overlays::confirm::ARMING_MS`).
    ArmConfirm {
        serial: u64,
        after_ms: u64,
    },
    /// A view's own call, nested by its owner: the view makes it and reads its answer
    /// (`Loaded::View`), the workers only run it.
    View(ViewCall),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    JsonLines,
    Text,
    Markdown,
}

/// Rows to write to a file: the path, or a name made from `now` in the current directory.
#[derive(Debug, Clone, PartialEq)]
pub struct Export {
    /// What is exported, in the default file name: `trail`, `logs`.
    pub what: &'static str,
    pub format: ExportFormat,
    pub path: Option<String>,
    pub now: crate::source::model::Epoch,
    pub columns: Vec<String>,
    pub rows: ExportRows,
    /// The rows there were when a filter chose `rows` among them (said with the outcome).
    pub of: Option<usize>,
}

/// Rows an export writes, read by the worker that writes them. A view that holds many rows
/// shares them (an `Arc` of what it holds) rather than copy them into the command: asking
/// for 100,000 rows costs `update` what asking for one does.
pub trait ExportSource: std::any::Any + Send + Sync + std::fmt::Debug {
    /// Rows there are.
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The rows in order, each one's cells (`None`: NULL).
    fn rows(&self) -> Box<dyn Iterator<Item = Vec<Option<Cow<'_, str>>>> + '_>;
}

/// Rows made for the export itself (the incident tape's draft: a few hundred lines).
impl ExportSource for Vec<Vec<Option<String>>> {
    fn len(&self) -> usize {
        self.len()
    }

    fn rows(&self) -> Box<dyn Iterator<Item = Vec<Option<Cow<'_, str>>>> + '_> {
        Box::new(
            self.iter()
                .map(|r| r.iter().map(|c| c.as_deref().map(Cow::Borrowed)).collect()),
        )
    }
}

/// The rows of an `Export`: cloning it clones a pointer.
#[derive(Debug, Clone)]
pub struct ExportRows(Arc<dyn ExportSource>);

impl ExportRows {
    pub fn new(source: impl ExportSource) -> Self {
        Self(Arc::new(source))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn rows(&self) -> impl Iterator<Item = Vec<Option<Cow<'_, str>>>> + '_ {
        self.0.rows()
    }

    /// What the rows are read from, for its owner to recognise (`Any::downcast_ref`).
    pub fn source(&self) -> &dyn std::any::Any {
        &*self.0
    }

    /// Every row, copied (for tests and small exports).
    pub fn to_vecs(&self) -> Vec<Vec<Option<String>>> {
        self.rows()
            .map(|r| r.into_iter().map(|c| c.map(Cow::into_owned)).collect())
            .collect()
    }
}

impl FromIterator<Vec<Option<String>>> for ExportRows {
    fn from_iter<I: IntoIterator<Item = Vec<Option<String>>>>(rows: I) -> Self {
        Self::new(rows.into_iter().collect::<Vec<_>>())
    }
}

/// The same rows: the same source, or rows of the same cells.
impl PartialEq for ExportRows {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
            || (self.len() == other.len() && self.rows().eq(other.rows()))
    }
}

/// Two commands with the same key are the same work: the second is dropped while the first
/// is in flight.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CommandKey {
    Identity,
    Fleet,
    Alarms,
    AlarmsIn(AccountId),
    /// Requests are grouped by period, so the period tells two fleet requests apart; a
    /// request of one account's series (fan-out) is apart from other accounts'.
    Series(SeriesPurpose, u32, Option<AccountId>),
    FleetRuns,
    MuteRules,
    /// One confirmed write, by its sequence number.
    Write(u64),
    Clipboard,
    Export,
    /// One confirmation's wait, by its serial.
    ArmConfirm(u64),
    View(ViewKey),
}

/// How the workers run a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    /// On a task of its own, deduplicated by key; aborted when the console quits.
    Read,
    /// Behind the writes, in the order asked, and awaited when the console quits: a write,
    /// or a call that must reach AWS even then (stopping a query that bills).
    InOrder,
    /// Starts a call that answers many times until stopped (a live tail), by key.
    StreamStart,
    /// Stops the stream of the same key.
    StreamStop,
}

/// How long a request asked while the user moves waits before it is sent: long enough for
/// the next key of a held arrow to replace it, short enough not to be noticed.
pub const SETTLE: Duration = Duration::from_millis(250);

/// Series asked of a source at once. A fleet's request is run part by part, each answer
/// taken in (`update`) before the next part is asked for: the points of 60,000 series are
/// never all held at once, and the first rows fill before the last are read. A part is
/// as many GetMetricData calls (`MAX_QUERIES_PER_CALL` each) as the source has in flight at
/// once: a larger one holds more answers without asking sooner.
pub const SERIES_PART: usize = crate::source::aws::metric_data::CONCURRENT_CALLS
    * crate::source::aws::metric_data::MAX_QUERIES_PER_CALL;

impl Command {
    /// Whether this command should cancel and replace different work of the same key.
    pub fn replaces_running(&self) -> bool {
        match self {
            Self::LoadSeries { replace, .. } => *replace,
            Self::RereadAlarms(_) => true,
            Self::LoadMuteRules { reread } => *reread,
            Self::View(call) => call.replaces_running(),
            _ => false,
        }
    }

    /// A read asked for because something just changed (a write, a run that ended): the
    /// same read already in flight may have started before the change, so it is replaced,
    /// not trusted.
    pub fn rereads_after_change(&self) -> bool {
        match self {
            Self::RereadAlarms(_) => true,
            Self::LoadMuteRules { reread } => *reread,
            Self::View(call) => call.rereads_after_change(),
            _ => false,
        }
    }

    pub fn lane(&self) -> Lane {
        match self {
            Self::Write { .. } => Lane::InOrder,
            Self::View(call) => call.lane(),
            _ => Lane::Read,
        }
    }

    /// How long the task waits before it runs the command: nothing sent if it is replaced
    /// meanwhile.
    pub fn pause(&self) -> Option<Duration> {
        match self {
            // A confirmation takes keys only after this moment without any.
            Self::ArmConfirm { after_ms, .. } => Some(Duration::from_millis(*after_ms)),
            // Rows scrolling onto the screen: the next key's request replaces this one.
            Self::LoadSeries {
                purpose: SeriesPurpose::ScrolledIn,
                ..
            } => Some(SETTLE),
            Self::View(call) if call.settles() => Some(SETTLE),
            _ => None,
        }
    }

    /// The token an in-order start is known by until it answers: a later call may refer
    /// to it (`resolve`) before its id is known.
    pub fn start_token(&self) -> Option<&str> {
        match self {
            Self::View(call) => call.start_token(),
            _ => None,
        }
    }

    /// A call that names an earlier start by its token, given the id that start got
    /// (`id_of` takes it); `Err` is its answer when there is none to act on.
    pub fn resolve(
        self,
        id_of: &mut dyn FnMut(&str) -> Option<String>,
    ) -> Result<Command, Box<Loaded>> {
        match self {
            Self::View(call) => call
                .resolve(id_of)
                .map(Self::View)
                .map_err(|answer| Box::new(Loaded::View(*answer))),
            other => Ok(other),
        }
    }

    /// The command as the parts it runs in, made one at a time: a series request of more
    /// than `SERIES_PART` keys is several requests over the same window; anything else is
    /// one part.
    pub fn into_parts(self) -> impl Iterator<Item = Command> {
        let parts = match &self {
            Self::LoadSeries { request, .. } => request.keys.len().div_ceil(SERIES_PART).max(1),
            _ => 1,
        };
        let mut whole = Some(self);
        (0..parts).filter_map(move |i| {
            if parts == 1 {
                return whole.take();
            }
            let Some(Self::LoadSeries {
                purpose,
                request,
                replace,
            }) = &whole
            else {
                return None;
            };
            let keys =
                &request.keys[i * SERIES_PART..((i + 1) * SERIES_PART).min(request.keys.len())];
            Some(Self::LoadSeries {
                purpose: *purpose,
                request: SeriesRequest {
                    keys: keys.into(),
                    start: request.start,
                    end: request.end,
                },
                replace: *replace,
            })
        })
    }

    pub fn key(&self) -> CommandKey {
        match self {
            Self::LoadIdentity => CommandKey::Identity,
            Self::LoadFleet => CommandKey::Fleet,
            Self::LoadAlarms => CommandKey::Alarms,
            Self::LoadAlarmsIn(account) => CommandKey::AlarmsIn(account.clone()),
            Self::LoadSeries {
                purpose, request, ..
            } => {
                let first = request.keys.first();
                let account = first
                    .map(|k| &k.account_id)
                    .filter(|a| request.keys.iter().all(|k| &k.account_id == *a));
                CommandKey::Series(
                    *purpose,
                    first.map_or(0, |k| k.period),
                    account.map(String::from),
                )
            }
            Self::LoadFleetRuns => CommandKey::FleetRuns,
            Self::LoadMuteRules { .. } => CommandKey::MuteRules,
            Self::RereadAlarms(account) => CommandKey::AlarmsIn(account.clone()),
            Self::Write { seq, .. } => CommandKey::Write(*seq),
            Self::Clipboard(_) => CommandKey::Clipboard,
            Self::Export(_) => CommandKey::Export,
            Self::ArmConfirm { serial, .. } => CommandKey::ArmConfirm(*serial),
            Self::View(call) => CommandKey::View(call.key()),
        }
    }
}
