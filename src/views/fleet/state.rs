//! The fleet view's own state: focus, the accounts pane's cursor, the `/` filter, the sort,
//! and the table's rows, selection and scroll.

/// The columns of the fleet table, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FleetColumn {
    #[default]
    Account,
    Endpoint,
    Status,
    /// One of the six sparkline columns, by index into `metrics::FLEET_COLUMNS`.
    Metric(usize),
}

impl FleetColumn {
    pub fn all() -> Vec<FleetColumn> {
        let mut v = vec![Self::Account, Self::Endpoint, Self::Status];
        v.extend((0..crate::source::metrics::FLEET_COLUMNS.len()).map(Self::Metric));
        v
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FleetFocus {
    Accounts,
    #[default]
    Endpoints,
}

#[derive(Debug, Clone, Default)]
pub struct FleetState {
    pub focus: FleetFocus,
    /// Cursor in the accounts pane; 0 is "all accounts", i is `accounts[i - 1]`.
    pub account_cursor: usize,
    /// `/` filter: case-insensitive substring of account label or endpoint name.
    pub filter: String,
    pub sort: FleetColumn,
    pub descending: bool,
    /// Indices into `State::endpoints`, filtered and sorted: what the table lists.
    pub rows: Vec<usize>,
    /// Position in `rows`.
    pub selected: usize,
    /// First row drawn; kept by `update` so the selection stays visible.
    pub offset: usize,
    /// Metrics Insights rankings of the sorted metric, in a large fleet.
    pub ranks: super::ranks::Ranks,
}
