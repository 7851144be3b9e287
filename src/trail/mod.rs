//! CloudTrail search through Athena, the pure part: the filter language (`filter`) and the
//! one SELECT it becomes (`sql`), partition-pruned, limited, with every typed value kept
//! inside an SQL literal; and the view's kit: the query history kept across restarts
//! (`history`), exports of the loaded rows (`export`) and OSC 52 copies (`clipboard`).
//! Groundwork of the trail view (not yet on screen).

pub mod clipboard;
pub mod export;
pub mod filter;
pub mod history;
pub mod sql;
