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
    let symbols = symbols(tokens, text, function_words, config);
    let length = config.spot_length.max(1);
    let mut out: Vec<u64> = if symbols.len() < length {
        if symbols.is_empty() {
            Vec::new()
        } else {
            vec![symbols
                .iter()
                .fold(length as u64, |state, &s| mix(state, s))]
        }
    } else {
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
    };
    out.sort_unstable();
    out.dedup();
    out
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
    fn short_and_empty_documents() {
        assert!(spots_of("").is_empty());
        assert_eq!(spots_of("Hello there").len(), 1);
    }
}
