//! sagewatch: a keyboard-driven terminal console for SageMaker endpoints across AWS accounts.

pub mod app;
pub mod clock;
pub mod config;
pub mod sanitize;
pub mod series;
pub mod source;
pub mod ui;
