//! The endpoint view's own state: which endpoint, the charts' time window, the selected
//! chart, and its Model Monitor schedules.

use crate::app::state::Loadable;
use crate::source::model::{EndpointKey, MonitoringSchedule};

/// Time ranges of the detail charts.
pub const RANGES: [(i64, &str); 5] = [
    (3600, "1h"),
    (3 * 3600, "3h"),
    (12 * 3600, "12h"),
    (86400, "1d"),
    (3 * 86400, "3d"),
];

/// How far back the charts can pan: CloudWatch's retention of 1-minute data.
pub const MAX_PAN_SECS: i64 = 15 * 86400;

#[derive(Debug, Clone, Default)]
pub struct EndpointState {
    pub endpoint: Option<EndpointKey>,
    /// Index into `RANGES`.
    pub range: usize,
    /// How far the window's right edge is before now, in seconds (panning).
    pub pan: i64,
    /// Index of the selected chart in the detail screen's chart list.
    pub selected_chart: usize,
    pub maximized: bool,
    pub monitoring: Loadable<Vec<MonitoringSchedule>>,
}

impl EndpointState {
    pub fn range_secs(&self) -> i64 {
        RANGES[self.range.min(RANGES.len() - 1)].0
    }

    pub fn range_label(&self) -> &'static str {
        RANGES[self.range.min(RANGES.len() - 1)].1
    }
}
