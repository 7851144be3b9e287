//! Endpoint and monitoring-job logs, the pure part (groundwork of the logs view, issue 12):
//! which log groups and streams a context means and the Insights query it starts with
//! (`groups`), a log line made safe to show (`line`), and the live tail's bounded buffer
//! with its counts of dropped and sampled lines (`tail`); the filter pattern subset
//! evaluated locally (`pattern`); one Insights query driven to its end (`run`).

pub mod follow;
pub mod groups;
pub mod line;
pub mod pattern;
pub mod run;
pub mod tail;
