//! Shingles: word or character n-grams hashed with xxh3.
use super::DedupConfig;
use crate::text::Tokens;

/// Sorted, deduplicated shingle hashes of a document.
pub fn shingles(tokens: &Tokens, config: &DedupConfig, out: &mut Vec<u64>) {
    let _ = (tokens, config, out);
    todo!()
}
