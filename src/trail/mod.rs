//! CloudTrail search through Athena, the pure part: the filter language (`filter`) and the
//! one SELECT it becomes (`sql`), partition-pruned, limited, with every typed value kept
//! inside an SQL literal. Groundwork of the trail view (not yet on screen).

pub mod filter;
pub mod matcher;
pub mod sql;
