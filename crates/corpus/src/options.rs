//! [`ReadOptions`]: which fields of a record hold the id, text, date and
//! carried values, and what to do with records that do not fit. By default
//! the fields are `id`, `text` and `date`, nothing is carried, and the first
//! bad record stops the read.

#[cfg(doc)]
use crate::document::{Corpus, Document};
#[cfg(doc)]
use crate::read::read_inputs;

/// Which JSON fields hold what, and how to treat bad records.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Field holding the document id (string or integer). Default `id`.
    pub id_field: String,
    /// Field holding the document text (string). Default `text`.
    pub text_field: String,
    /// Field holding a publication date, compared as a string (ISO 8601 sorts right). Default `date`.
    pub date_field: String,
    /// Further fields copied into [`Document::carry`] for the outputs.
    pub carry_fields: Vec<String>,
    /// Record invalid lines in [`Corpus::rejected`] instead of failing.
    pub skip_invalid: bool,
    /// Keep each record's original line in [`Document::raw`] (needed to write a kept corpus).
    pub keep_raw: bool,
    /// Read a directory's subdirectories too, in the order [`read_inputs`] documents.
    pub recursive: bool,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            id_field: "id".into(),
            text_field: "text".into(),
            date_field: "date".into(),
            carry_fields: Vec::new(),
            skip_invalid: false,
            keep_raw: false,
            recursive: false,
        }
    }
}
