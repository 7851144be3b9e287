//! sagewatch: a keyboard-driven terminal console for SageMaker endpoints across AWS accounts.

pub mod app;
pub mod cli;
pub mod clock;
pub mod config;
pub mod files;
pub mod incident;
pub mod layout;
pub mod logging;
pub mod logs;
pub mod manual;
pub mod name;
pub mod overlays;
pub mod quiet_backend;
pub mod sanitize;
pub mod series;
pub mod shell;
pub mod snapshot;
pub mod source;
pub mod tape;
pub mod trail;
pub mod tui;
pub mod typed_path;
pub mod ui;
pub mod views;
pub mod vocabulary;
pub mod writes;
