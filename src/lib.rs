//! checkride: find the ways your staging cluster lies about production.
//!
//! Data flows one way: `collect` → `normalize` → `model` → `diff` → `rules` → `report`.
//! `settings` resolves a command's flags once; `pipeline` is the one entry point that runs
//! load → pair → diff → judge for every command.

pub mod cli;
pub mod clock;
pub mod collect;
pub mod diff;
pub mod error;
pub mod escape;
#[doc(hidden)]
pub mod fuzzing;
pub mod jobs;
pub mod model;
pub mod normalize;
pub mod pipeline;
pub mod report;
pub(crate) mod retry;
pub mod rules;
pub mod serve;
pub mod settings;
mod stage;

pub use clock::now_rfc3339;
pub use error::{Error, Result};
