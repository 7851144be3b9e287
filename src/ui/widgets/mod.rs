//! Reusable drawing pieces with no knowledge of `State`.

pub mod chart;
pub mod pane;
pub mod sparkline;
pub mod table;
