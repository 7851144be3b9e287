//! Reusable drawing pieces with no knowledge of `State`.

pub mod chart;
pub mod sparkline;
