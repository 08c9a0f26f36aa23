//! What a read produces: accepted [`Document`]s, [`Rejected`] records and the
//! [`Corpus`] holding both in input order, with the counts that always add up
//! (`records_read == documents.len() + rejected.len()`).

use crate::discover::Skipped;
#[cfg(doc)]
use crate::options::ReadOptions;
use copydesk_common::{Location, RejectReason};

/// One accepted input document.
#[derive(Debug, Clone)]
pub struct Document {
    /// Unique id (for a text file, its file name, or its path relative to
    /// the directory input it was found in).
    pub id: String,
    /// The original text, untouched.
    pub text: String,
    /// The date field when present.
    pub date: Option<String>,
    /// Where the record was read.
    pub location: Location,
    /// The record as one JSON line when [`ReadOptions::keep_raw`] is set: the
    /// original line of a JSONL input, the row as Arrow writes it as JSON for
    /// a Parquet input; `None` for plain text.
    pub raw: Option<String>,
    /// Values of [`ReadOptions::carry_fields`] found in the record.
    pub carry: Vec<(String, serde_json::Value)>,
}

/// A record that was not accepted, and why.
#[derive(Debug, Clone)]
pub struct Rejected {
    /// Where the record was.
    pub location: Location,
    /// Why it was rejected.
    pub reason: RejectReason,
}

/// Everything read from the inputs.
#[derive(Debug, Default)]
pub struct Corpus {
    /// Accepted documents in input order.
    pub documents: Vec<Document>,
    /// Rejected records in input order (empty unless invalid records are skipped).
    pub rejected: Vec<Rejected>,
    /// Records seen: always `documents.len() + rejected.len()`.
    pub records_read: u64,
    /// Bytes of input consumed (after decompression).
    pub bytes_read: u64,
    /// Entries of input directories that were not read, in the order met.
    pub skipped: Vec<Skipped>,
}

/// A record held in memory: `(id, text, date)`.
pub type MemoryRecord = (String, String, Option<String>);

pub(crate) type Record = std::result::Result<Document, Rejected>;
