//! The studio view's own state: each account's last answer, the panes' cursors, the apps'
//! order and filter, and the rows derived from them (rebuilt when any of them changes, never
//! per frame).

use crate::source::model::{AccountId, Epoch};
use crate::source::studio::AccountStudio;
use rustc_hash::FxHashMap as HashMap;

/// The pane with the cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Pane {
    Accounts,
    #[default]
    Apps,
}

/// A column the apps sort by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AppColumn {
    /// Failed first, then apps InService beyond the idle bound (oldest first), then the
    /// rest, oldest first: what needs a look comes first.
    #[default]
    Attention,
    Account,
    Domain,
    Owner,
    Type,
    Name,
    Status,
    Instance,
    Age,
}

impl AppColumn {
    pub const ALL: [AppColumn; 9] = [
        AppColumn::Attention,
        AppColumn::Account,
        AppColumn::Domain,
        AppColumn::Owner,
        AppColumn::Type,
        AppColumn::Name,
        AppColumn::Status,
        AppColumn::Instance,
        AppColumn::Age,
    ];

    pub fn name(self) -> &'static str {
        match self {
            AppColumn::Attention => "attention",
            AppColumn::Account => "account",
            AppColumn::Domain => "domain",
            AppColumn::Owner => "owner",
            AppColumn::Type => "type",
            AppColumn::Name => "app",
            AppColumn::Status => "status",
            AppColumn::Instance => "instance",
            AppColumn::Age => "age",
        }
    }
}

/// What one account last answered.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AccountRead {
    /// The last answer that could be read (kept while a newer read fails, so one failing
    /// refresh does not blank the row).
    pub studio: Option<AccountStudio>,
    /// Why the newest read failed; `None` when it succeeded.
    pub problem: Option<String>,
    /// When the newest answer arrived, failed or not.
    pub answered_at: Option<Epoch>,
    /// When the held `studio` was read.
    pub read_at: Option<Epoch>,
    pub loading: bool,
    /// The newest answer said the console holds no credentials there (configuration).
    pub without_credentials: bool,
}

/// An app row: the account it is in and its index among that account's apps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppRef {
    pub account_id: AccountId,
    pub app: usize,
}

#[derive(Debug, Clone, Default)]
pub struct StudioState {
    /// The source reads Studio (`FleetSource::studio`).
    pub available: bool,
    pub reads: HashMap<AccountId, AccountRead>,
    /// When every account in scope was last asked for: the view re-reads after
    /// `REFRESH_SECS`, and only while it is on screen.
    pub requested_at: Option<Epoch>,
    pub focus: Pane,
    pub sort: AppColumn,
    pub descending: bool,
    pub filter: String,
    /// The apps shown, in order (derived).
    pub rows: Vec<AppRef>,
    pub app_row: usize,
    pub app_offset: usize,
    pub account_offset: usize,
}

impl StudioState {
    pub fn held(&self, account_id: &str) -> Option<&AccountStudio> {
        self.reads.get(account_id)?.studio.as_ref()
    }

    pub fn selected(&self) -> Option<&AppRef> {
        self.rows.get(self.app_row)
    }
}
