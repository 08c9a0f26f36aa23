//! copydesk: find copies, syndicated wire stories, spun rewrites and incoherent
//! text in news corpora.
//!
//! Data flows one way, one crate per stage: [`corpus`] reads records, [`text`]
//! tokenizes them with byte offsets kept, [`sketch`] signs them, [`dedup`]
//! finds near-duplicates, [`rewrite`] links spun copies, [`quality`] flags
//! spun or broken text (with the shipped [`reference`](mod@reference) resources), and
//! [`report`] writes the results. [`pipeline`] is the only module that knows
//! every stage; the stage crates do not know each other beyond that order.
#![deny(missing_docs)]

pub mod pipeline;
pub mod report;

pub use copydesk_common as error;
pub use copydesk_common::progress;
pub use copydesk_corpus as corpus;
pub use copydesk_dedup as dedup;
pub use copydesk_quality as quality;
pub use copydesk_reference as reference;
pub use copydesk_rewrite as rewrite;
pub use copydesk_sketch as sketch;
pub use copydesk_text as text;

pub use copydesk_common::{Error, Location, RejectReason, Result};
