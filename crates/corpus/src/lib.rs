//! Reading records: JSONL (plain, gzip, zstd), Parquet, plain-text files,
//! directories and standard input, each record tagged with the file and line
//! (for Parquet, row and row group) it came from.
//!
//! JSONL lines are parsed in parallel in batches, but documents come out in
//! input order whatever the thread count. A line holding only whitespace is not
//! a record and is skipped. Invalid records either stop the read with an
//! [`Error::InvalidRecord`] naming file and line, or, with
//! [`ReadOptions::skip_invalid`], are listed in [`Corpus::rejected`] so that
//! `records_read == documents.len() + rejected.len()` always holds.

#[cfg(doc)]
use copydesk_common::Error;

mod accept;
mod decompress;
mod discover;
mod document;
mod jsonl;
mod options;
pub mod parquet;
mod read;
mod record;
mod text;

pub use discover::{read_from_directory, Input, SkipReason, Skipped, DIRECTORY_EXTENSIONS};
pub use document::{Corpus, Document, MemoryRecord, Rejected};
pub use options::ReadOptions;
pub use read::{from_records, input_size, read_inputs};
