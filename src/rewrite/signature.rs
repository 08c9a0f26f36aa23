//! Substitution-robust shingles ("spots") of a document.
//!
//! Every word becomes a symbol: function words, numbers and names stand for
//! themselves, and each run of content words becomes one placeholder, so that a
//! synonym swap (one word for one, or one for two) leaves the symbol sequence
//! unchanged. Spots are the hashes of `spot_length` consecutive symbols; their
//! MinHash is what the rewrite channel bands, in the manner of DSpin's
//! immutables and SpotSigs' stopword-anchored spots.

use super::immutables::{classify, name_phrase_words, FunctionWords, WordClass};
use super::RewriteConfig;
use crate::text::Tokens;

/// The placeholder for a run of content words (any fixed value; hashes of real
/// words are xxh3 values and collide with it with negligible probability).
const CONTENT_RUN: u64 = 0x9e37_79b9_7f4a_7c15;
/// The placeholder for a run of names when names are collapsed too.
const NAME_RUN: u64 = 0xc2b2_ae3d_27d4_eb4f;

/// The symbol sequence of a document.
pub fn symbols(
    tokens: &Tokens,
    text: &str,
    function_words: &FunctionWords,
    config: &RewriteConfig,
) -> Vec<u64> {
    let classes = classify(tokens, text, function_words);
    let in_name = name_phrase_words(&classes);
    let mut out = Vec::with_capacity(tokens.len());
    let mut previous = None;
    for ((token, &class), &in_name) in tokens.tokens.iter().zip(&classes).zip(&in_name) {
        let symbol = match class {
            WordClass::Content => CONTENT_RUN,
            // "U.S." and "United States of America" are one name phrase each.
            _ if in_name && config.collapse_names => NAME_RUN,
            _ => token.hash,
        };
        let is_run = symbol == CONTENT_RUN || symbol == NAME_RUN;
        if is_run && previous == Some(symbol) {
            continue;
        }
        out.push(symbol);
        previous = Some(symbol);
    }
    out
}

/// Mix a symbol into a running spot hash (order-sensitive; a 64-bit
/// multiply-rotate, enough to tell spots apart for MinHash).
fn mix(state: u64, symbol: u64) -> u64 {
    (state ^ symbol)
        .wrapping_mul(0x9fb2_1c65_1e98_df25)
        .rotate_left(29)
}

/// The sorted, deduplicated spot hashes of a document: what the rewrite
/// channel's MinHash signs. A document with fewer symbols than `spot_length`
/// gets one spot for its whole sequence (when it has any symbol).
pub fn spots(
    tokens: &Tokens,
    text: &str,
    function_words: &FunctionWords,
    config: &RewriteConfig,
) -> Vec<u64> {
    let mut out = spot_hashes(tokens, text, function_words, config);
    out.sort_unstable();
    out.dedup();
    out
}

/// The spot hashes in text order, repeats included (MinHash needs no more).
fn spot_hashes(
    tokens: &Tokens,
    text: &str,
    function_words: &FunctionWords,
    config: &RewriteConfig,
) -> Vec<u64> {
    let symbols = symbols(tokens, text, function_words, config);
    let length = config.spot_length.max(1);
    if symbols.len() < length {
        if symbols.is_empty() {
            return Vec::new();
        }
        return vec![symbols
            .iter()
            .fold(length as u64, |state, &s| mix(state, s))];
    }
    symbols
        .windows(length)
        .filter(|window| {
            // A spot of placeholders and function words only is common to
            // most of the corpus: it would make candidates of everything.
            config.min_spot_anchors == 0
                || window
                    .iter()
                    .filter(|&&s| s != CONTENT_RUN && s != NAME_RUN)
                    .count()
                    >= config.min_spot_anchors
        })
        .map(|window| window.iter().fold(length as u64, |state, &s| mix(state, s)))
        .collect()
}

/// splitmix64's finalizer: spreads a 64-bit value over all bits.
fn spread(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// MinHash signature of a spot set by one-permutation hashing with optimal
/// densification (Shrivastava, 2017): each spot is hashed once and lands in
/// one of `num_perm` bins, keeping the bin's minimum; an empty bin borrows the
/// value of a filled bin chosen by a hash of the bin number and the attempt,
/// so empty bins borrow independently of each other (borrowing from the next
/// bin to the right would make neighbouring bins equal and whole LSH bands
/// collide for short documents). Cost is linear in spots plus bins, where
/// per-permutation MinHash is their product: the rewrite channel signs every
/// document a second time, so this keeps it cheap. All `u32::MAX` for an
/// empty set.
pub fn signature(spots: &[u64], num_perm: usize, seed: u64, out: &mut Vec<u32>) {
    out.clear();
    out.resize(num_perm, u32::MAX);
    if num_perm == 0 || spots.is_empty() {
        return;
    }
    let mut filled = vec![false; num_perm];
    let seed = spread(seed ^ 0x5851_f42d_4c95_7f2d);
    let bin_of = |hash: u64| (((hash >> 32) * num_perm as u64) >> 32) as usize;
    for &spot in spots {
        let hash = spread(spot ^ seed);
        let bin = bin_of(hash);
        let value = hash as u32;
        if value <= out[bin] {
            out[bin] = value;
            filled[bin] = true;
        }
    }
    for bin in 0..num_perm {
        if filled[bin] {
            continue;
        }
        // At least one bin is filled, so the expected number of attempts is
        // at most num_perm; the cap only guards against a pathological hash.
        for attempt in 1..=64 * num_perm as u64 {
            let donor = bin_of(spread(seed ^ ((bin as u64) << 32) ^ attempt));
            if filled[donor] {
                out[bin] = out[donor];
                break;
            }
        }
    }
}

/// Spots and signature of one document in one call.
pub fn sign(
    tokens: &Tokens,
    text: &str,
    function_words: &FunctionWords,
    config: &RewriteConfig,
    out: &mut Vec<u32>,
) {
    let spots = spot_hashes(tokens, text, function_words, config);
    signature(&spots, config.num_perm, config.seed, out);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokenize;

    fn spots_of(text: &str) -> Vec<u64> {
        spots(
            &tokenize(text),
            text,
            &FunctionWords::default(),
            &RewriteConfig::default(),
        )
    }

    #[test]
    fn synonym_swaps_leave_spots_unchanged() {
        let source = "The minister said on Monday that the price of bread in Lyon would rise by 4 percent before the end of the year, and that bakers were worried about the cost of flour.";
        let spun = "The minister stated on Monday that the cost of breadstuff in Lyon would climb by 4 percent before the termination of the year, and that bread makers were apprehensive about the monetary value of flour.";
        assert_eq!(spots_of(source), spots_of(spun));
    }

    #[test]
    fn different_names_or_numbers_change_spots() {
        let one = "The minister said on Monday that the price of bread in Lyon would rise by 4 percent before the end of the year.";
        let two = "The minister said on Monday that the price of bread in Nantes would rise by 9 percent before the end of the year.";
        let (a, b) = (spots_of(one), spots_of(two));
        let shared = a.iter().filter(|s| b.binary_search(s).is_ok()).count();
        assert!(shared < a.len());
    }

    #[test]
    fn one_permutation_signature_estimates_jaccard() {
        let set =
            |range: std::ops::Range<u64>| -> Vec<u64> { range.map(|i| spread(i + 1)).collect() };
        let (a, b) = (set(0..300), set(100..400)); // Jaccard 200/400
        let (mut sa, mut sb) = (Vec::new(), Vec::new());
        signature(&a, 256, 9, &mut sa);
        signature(&b, 256, 9, &mut sb);
        let equal = sa.iter().zip(&sb).filter(|(x, y)| x == y).count() as f64 / 256.0;
        assert!((equal - 0.5).abs() < 0.12, "{equal}");
        signature(&a, 256, 9, &mut sb);
        assert_eq!(sa, sb);
        // Few spots, many bins: densified, every bin set.
        signature(&a[..3], 64, 9, &mut sa);
        assert!(
            sa.iter().all(|&v| v != u32::MAX) || sa.iter().filter(|&&v| v == u32::MAX).count() < 2
        );
        signature(&[], 8, 9, &mut sa);
        assert_eq!(sa, vec![u32::MAX; 8]);
    }

    #[test]
    fn short_and_empty_documents() {
        assert!(spots_of("").is_empty());
        assert_eq!(spots_of("Hello there").len(), 1);
    }
}
