//! Near-duplicate detection: shingles → MinHash signatures → LSH band keys →
//! candidate edges → verified pairs → clusters.
//!
//! Each stage is a pure function over per-document data so that the stages can
//! be sharded: `sign` is per document, `band_keys` per document, candidate
//! generation is a group-by on band keys, verification is per pair, and
//! clustering is connected components over kept pairs.
//!
//! (Interface stub: the implementation lands with the dedup wing.)

/// How a pair of documents (or a member and its representative) relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// Same normalized word sequence.
    Exact,
    /// Shingle Jaccard at or above the Jaccard threshold.
    NearExact,
    /// One document's shingles are contained in the other's (trimmed copy, excerpt, wire copy inside a longer piece).
    Excerpt,
    /// Linked by a spinner-style rewrite (found by the rewrite wing).
    Rewrite,
    /// Real overlap that is not a copy relation; never joins clusters.
    Partial,
}
