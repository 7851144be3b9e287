//! CloudTrail search through Athena: the filter language (`filter`) and the one SELECT it
//! becomes (`sql`), partition-pruned, limited, with every typed value kept inside an SQL
//! literal; the check of SQL the user wrote (`raw`); one query driven to its end (`run`).

pub mod filter;
pub mod raw;
pub mod run;
pub mod sql;
