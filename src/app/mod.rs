//! The application core: actions, state, the pure `update`, and the command vocabulary.

pub mod action;
pub mod command;
pub mod lineedit;
pub mod query;
pub mod state;
