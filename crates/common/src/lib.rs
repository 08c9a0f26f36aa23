//! What every copydesk stage shares: the library's [`Error`] (each variant
//! names what failed and where), the [`Location`] of a record in its input,
//! the reasons a record is rejected, and the [`progress`] hooks a front end
//! draws.
#![deny(missing_docs)]

mod error;
pub mod progress;

pub use error::{Error, Location, RejectReason, Result};
