//! The embedded, deterministic demo organisation.
