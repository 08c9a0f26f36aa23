//! copydesk: find copies, syndicated wire stories, spun rewrites and incoherent
//! text in news corpora.
//!
//! Data flows one way: [`corpus`] reads records, [`text`] tokenizes them with
//! byte offsets kept, [`dedup`] finds near-duplicates, [`rewrite`] links spun
//! copies, [`quality`] flags spun or broken text, and [`report`] writes the
//! results. [`pipeline`] is the only module that knows every stage.
#![deny(missing_docs)]

pub mod corpus;
pub mod dedup;
pub mod error;
pub mod pipeline;
pub mod progress;
pub mod quality;
pub mod report;
pub mod rewrite;
pub mod text;

pub use error::{Error, Location, RejectReason, Result};
