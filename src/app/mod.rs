//! The application core: actions, state, the routing `update`, shared data, refresh
//! scheduling, the `:` line, and the workers that carry commands out.

pub mod action;
pub mod command;
pub mod commands;
pub mod data;
pub mod export;
pub mod headless;
pub mod input;
pub mod lineedit;
pub mod navigate;
pub mod outcome;
pub mod paste;
pub mod prompt;
pub mod query;
pub mod refresh;
pub mod run;
pub mod state;
pub mod update;
pub mod worker;
pub mod write;

#[cfg(test)]
mod router_tests;
#[cfg(test)]
pub mod testkit;
#[cfg(test)]
mod truth_tests;
#[cfg(test)]
mod update_tests;
