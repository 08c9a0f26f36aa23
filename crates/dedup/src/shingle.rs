//! Shingles: word or character n-grams, hashed with xxh3.
//!
//! A document shorter than one shingle still gets one shingle (all its words or
//! characters), so that two short identical texts remain comparable; an empty
//! document gets none.

use super::{DedupConfig, ShingleKind};
use copydesk_sketch::sequence_hash;
use copydesk_text::Tokens;
use xxhash_rust::xxh3::xxh3_64;

/// Seed separating shingle hashes from word hashes, so a one-word document's
/// shingle never equals that word's hash used elsewhere.
const SHINGLE_SEED: u64 = 0x5348_494e_474c_4531;

/// Write the sorted, deduplicated shingle hashes of a document into `out`.
pub fn shingles(tokens: &Tokens, config: &DedupConfig, out: &mut Vec<u64>) {
    out.clear();
    match config.shingle {
        ShingleKind::Words => word_shingles(tokens, config.ngram.max(1), out),
        ShingleKind::Chars => char_shingles(&tokens.joined(), config.ngram.max(1), out),
    }
    out.sort_unstable();
    out.dedup();
}

fn word_shingles(tokens: &Tokens, ngram: usize, out: &mut Vec<u64>) {
    let tokens = &tokens.tokens;
    if tokens.is_empty() {
        return;
    }
    let width = ngram.min(tokens.len());
    out.reserve(tokens.len() + 1 - width);
    out.extend(
        tokens
            .windows(width)
            .map(|window| sequence_hash(SHINGLE_SEED, window.iter().map(|t| t.hash))),
    );
}

/// The sorted, deduplicated word shingles of a document given by its word
/// hashes alone (what [`shingles`] gives for word shingles).
pub fn word_shingles_of_hashes(word_hashes: &[u64], ngram: usize, out: &mut Vec<u64>) {
    out.clear();
    if !word_hashes.is_empty() {
        let width = ngram.max(1).min(word_hashes.len());
        out.reserve(word_hashes.len() + 1 - width);
        out.extend(
            word_hashes
                .windows(width)
                .map(|window| sequence_hash(SHINGLE_SEED, window.iter().copied())),
        );
    }
    out.sort_unstable();
    out.dedup();
}

fn char_shingles(joined: &str, ngram: usize, out: &mut Vec<u64>) {
    if joined.is_empty() {
        return;
    }
    // Byte offsets of char starts, plus the end, so each n-gram is one slice.
    let bounds: Vec<usize> = joined
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(joined.len()))
        .collect();
    let num_chars = bounds.len() - 1;
    let width = ngram.min(num_chars);
    out.reserve(num_chars + 1 - width);
    for start in 0..=num_chars - width {
        out.push(xxh3_64(
            &joined.as_bytes()[bounds[start]..bounds[start + width]],
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use copydesk_text::tokenize;

    fn word_config(ngram: usize) -> DedupConfig {
        DedupConfig {
            ngram,
            ..DedupConfig::default()
        }
    }

    fn shingle_set(text: &str, config: &DedupConfig) -> Vec<u64> {
        let mut out = Vec::new();
        shingles(&tokenize(text), config, &mut out);
        out
    }

    #[test]
    fn word_shingles_ignore_case_and_punctuation() {
        let config = word_config(3);
        let a = shingle_set("The cat, the hat; the bat.", &config);
        let b = shingle_set("the CAT the hat -- the bat", &config);
        assert_eq!(a, b);
        assert_eq!(a.len(), 4);
    }

    #[test]
    fn short_documents_get_one_shingle_and_empty_none() {
        let config = word_config(5);
        assert_eq!(shingle_set("two words", &config).len(), 1);
        assert!(shingle_set("  ...  ", &config).is_empty());
    }

    #[test]
    fn word_order_matters() {
        let config = word_config(2);
        assert_ne!(
            shingle_set("alpha beta gamma", &config),
            shingle_set("gamma beta alpha", &config)
        );
    }

    #[test]
    fn char_shingles_tolerate_a_typo() {
        let config = DedupConfig {
            shingle: ShingleKind::Chars,
            ngram: 4,
            ..DedupConfig::default()
        };
        let a = shingle_set("the government announced", &config);
        let b = shingle_set("the govemment announced", &config);
        let shared = a.iter().filter(|h| b.binary_search(h).is_ok()).count();
        assert!(shared * 10 >= a.len() * 6, "{shared} of {}", a.len());
    }
}
