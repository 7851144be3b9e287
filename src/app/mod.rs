//! The application core: actions, state, the pure `update`, and the command vocabulary.

pub mod action;
pub mod command;
pub mod commands;
pub mod headless;
pub mod input;
pub mod lineedit;
pub mod query;
pub mod refresh;
pub mod rows;
pub mod run;
pub mod state;
pub mod update;
pub mod worker;

#[cfg(test)]
mod update_tests;
