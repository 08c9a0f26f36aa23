//! The values output rows share, each named once: how two documents relate
//! and what a word edit does. The stages have their own types for these; the
//! pipeline maps them here, and the names written are these.

use serde::Serialize;

/// How a pair of documents (or a member and its representative) relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// The same words (the default, for rows built field by field).
    #[default]
    Exact,
    /// Jaccard at or above the threshold.
    NearExact,
    /// Most of the smaller document is in the other.
    Excerpt,
    /// A spun copy: words swapped, added or dropped.
    Rewrite,
    /// A part shared, less than an excerpt.
    Partial,
}

impl Relation {
    /// The name written in the outputs (`exact`, `near_exact`, `excerpt`,
    /// `rewrite`, `partial`).
    pub fn as_str(self) -> &'static str {
        match self {
            Relation::Exact => "exact",
            Relation::NearExact => "near_exact",
            Relation::Excerpt => "excerpt",
            Relation::Rewrite => "rewrite",
            Relation::Partial => "partial",
        }
    }
}

/// What one word edit of an aligned pair does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EditOp {
    /// Words of one document replaced by words of the other (the default).
    #[default]
    Replace,
    /// Words only in the second document.
    Insert,
    /// Words only in the first document.
    Delete,
}

impl EditOp {
    /// The name written in the outputs (`replace`, `insert`, `delete`).
    pub fn as_str(self) -> &'static str {
        match self {
            EditOp::Replace => "replace",
            EditOp::Insert => "insert",
            EditOp::Delete => "delete",
        }
    }
}
