//! CloudTrail search through Athena, the pure part: the filter language (`filter`), the
//! filter of an endpoint's changes (`changes`), the one SELECT a filter becomes (`sql`),
//! partition-pruned, limited, with every typed value kept inside an SQL literal, the same
//! filter evaluated in memory (`matcher`, the demo's search), the check of SQL the user
//! wrote (`raw`, on Trino's own tokens: `trino`), the cost guard on a search's time range
//! (`range`), and the query's life from start to its last page for the shell (`run`); and
//! the view's kit: the query history kept across restarts (`history`), exports of the loaded
//! rows (`export`) and OSC 52 copies (`clipboard`).

pub mod changes;
pub mod clipboard;
pub mod export;
pub mod filter;
pub mod history;
pub mod matcher;
pub mod range;
pub mod raw;
pub mod run;
pub mod sql;
pub mod trino;

/// A principal's ARN as people say it: `assumed-role/ROLE/SESSION` reads `ROLE/SESSION`,
/// `user/NAME` stays whole, the account and partition are left out.
pub fn principal_short(arn: &str) -> &str {
    let tail = arn.rsplit(':').next().unwrap_or(arn);
    let parts: Vec<&str> = tail.rsplitn(3, '/').collect();
    match parts.as_slice() {
        [session, role, _] => &tail[tail.len() - session.len() - role.len() - 1..],
        _ => tail,
    }
}
