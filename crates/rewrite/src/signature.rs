//! Substitution-robust shingles ("spots") of a document.
//!
//! Every word becomes a symbol: function words, numbers and names stand for
//! themselves, and each run of content words becomes one placeholder, so that a
//! synonym swap (one word for one, or one for two) leaves the symbol sequence
//! unchanged. Spots are the hashes of `spot_length` consecutive symbols; their
//! MinHash is what the rewrite channel bands, in the manner of DSpin's
//! immutables and SpotSigs' stopword-anchored spots.

use super::immutables::{classify, classify_word, in_name_phrase_of, FunctionWords, WordClass};
use super::RewriteConfig;
use copydesk_sketch::{MinHashScheme, MinHasher};
use copydesk_text::{Tokens, WordStarts};

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
    let hashes: Vec<u64> = tokens.tokens.iter().map(|token| token.hash).collect();
    let mut out = Vec::with_capacity(tokens.len());
    symbols_into(&hashes, &classes, config, &mut out);
    out
}

/// The symbol sequence of a document whose words have these hashes and
/// classes, into `out` (cleared first).
fn symbols_into(hashes: &[u64], classes: &[WordClass], config: &RewriteConfig, out: &mut Vec<u64>) {
    out.clear();
    let mut previous = None;
    for (index, (&hash, &class)) in hashes.iter().zip(classes).enumerate() {
        let symbol = match class {
            WordClass::Content => CONTENT_RUN,
            // "U.S." and "United States of America" are one name phrase each.
            _ if config.collapse_names && in_name_phrase_of(classes, index) => NAME_RUN,
            _ => hash,
        };
        let is_run = symbol == CONTENT_RUN || symbol == NAME_RUN;
        if is_run && previous == Some(symbol) {
            continue;
        }
        out.push(symbol);
        previous = Some(symbol);
    }
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
            config.min_spot_anchors == 0 || anchors(window) >= config.min_spot_anchors
        })
        .map(|window| window.iter().fold(length as u64, |state, &s| mix(state, s)))
        .collect()
}

/// MinHash signature of a spot set: the core's one-permutation hashing with
/// optimal densification ([`MinHashScheme::OnePermutation`]), each spot
/// hashed once into one of `num_perm` bins. Cost is linear in spots plus
/// bins, where per-permutation MinHash is their product: the rewrite channel
/// signs every document a second time, so this keeps it cheap. All
/// `u32::MAX` for an empty set.
pub fn signature(spots: &[u64], num_perm: usize, seed: u64, out: &mut Vec<u32>) {
    spot_hasher(num_perm, seed).signature(spots, out);
}

/// The core wing's one-permutation MinHash, seeded apart from the core's own
/// signatures.
fn spot_hasher(num_perm: usize, seed: u64) -> MinHasher {
    MinHasher::with_scheme(
        MinHashScheme::OnePermutation,
        num_perm,
        seed ^ 0x5851_f42d_4c95_7f2d,
    )
}

/// Spots and signature of one document in one call.
pub fn sign(
    tokens: &Tokens,
    text: &str,
    function_words: &FunctionWords,
    config: &RewriteConfig,
    out: &mut Vec<u32>,
) {
    let (hashes, starts) = tokens.hashes_and_starts();
    let words = WordStarts {
        hashes: &hashes,
        starts: &starts,
    };
    SpotSigner::new(config).sign(words, text, function_words, config, out);
}

/// Signs the spots of one document after another: what [`sign`] computes,
/// with its buffers kept between documents and the hasher (with its
/// densification table) made once.
#[derive(Debug, Clone)]
pub struct SpotSigner {
    num_perm: usize,
    seed: u64,
    hasher: MinHasher,
    classes: Vec<WordClass>,
    symbols: Vec<u64>,
    spots: Vec<u64>,
}

impl SpotSigner {
    /// A signer for `config`'s signature size and seed.
    pub fn new(config: &RewriteConfig) -> SpotSigner {
        SpotSigner {
            num_perm: config.num_perm,
            seed: config.seed,
            hasher: spot_hasher(config.num_perm, config.seed),
            classes: Vec::new(),
            symbols: Vec::new(),
            spots: Vec::new(),
        }
    }

    /// True when this signer was made for `config`'s signature size and seed.
    pub fn fits(&self, config: &RewriteConfig) -> bool {
        self.num_perm == config.num_perm && self.seed == config.seed
    }

    /// The spot signature of a document into `out`, equal to what [`sign`]
    /// gives; `config` must be the one the signer was made for ([`fits`](Self::fits)).
    pub fn sign(
        &mut self,
        words: WordStarts,
        text: &str,
        function_words: &FunctionWords,
        config: &RewriteConfig,
        out: &mut Vec<u32>,
    ) {
        self.classes.clear();
        self.classes.extend(
            words
                .hashes
                .iter()
                .zip(words.starts)
                .map(|(&hash, &start)| classify_word(text, hash, start as usize, function_words)),
        );
        symbols_into(words.hashes, &self.classes, config, &mut self.symbols);
        self.spots.clear();
        let length = config.spot_length.max(1);
        let symbols = &self.symbols;
        if symbols.len() < length {
            if !symbols.is_empty() {
                self.spots.push(
                    symbols
                        .iter()
                        .fold(length as u64, |state, &s| mix(state, s)),
                );
            }
        } else {
            // The anchors of the window, kept up to date as it slides.
            let is_anchor = |s: u64| usize::from(s != CONTENT_RUN && s != NAME_RUN);
            let mut window_anchors: usize =
                symbols[..length - 1].iter().map(|&s| is_anchor(s)).sum();
            for (first, window) in symbols.windows(length).enumerate() {
                window_anchors += is_anchor(window[length - 1]);
                if config.min_spot_anchors == 0 || window_anchors >= config.min_spot_anchors {
                    self.spots.push(spot_hash(window));
                }
                window_anchors -= is_anchor(symbols[first]);
            }
        }
        self.hasher.signature(&self.spots, out);
    }
}

/// The hash of one spot: its symbols mixed in order. The default length
/// has its own unrolled path.
fn spot_hash(window: &[u64]) -> u64 {
    match <&[u64; 5]>::try_from(window) {
        Ok(&[s0, s1, s2, s3, s4]) => mix(mix(mix(mix(mix(5, s0), s1), s2), s3), s4),
        Err(_) => window
            .iter()
            .fold(window.len() as u64, |state, &s| mix(state, s)),
    }
}

/// Immutable symbols (function words, numbers, names) in a window of symbols.
fn anchors(window: &[u64]) -> usize {
    window
        .iter()
        .filter(|&&s| s != CONTENT_RUN && s != NAME_RUN)
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use copydesk_text::tokenize;

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
        let set = |range: std::ops::Range<u64>| -> Vec<u64> {
            range
                .map(|i| xxhash_rust::xxh3::xxh3_64(&i.to_le_bytes()))
                .collect()
        };
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
    fn reused_signer_gives_the_signature_of_the_spots() {
        let function_words = FunctionWords::default();
        let texts = [
            "",
            "Hello",
            "Hello there",
            "-- !!",
            "The minister said on Monday that the price of bread in Lyon would rise.",
            include_str!("../../../fixtures/rewrite/harbour.txt"),
            include_str!("../../../fixtures/rewrite/harbour-spun50.txt"),
            "A short one, of the kind that fills few bins: it is in the U.S. now.",
        ];
        for (num_perm, min_spot_anchors, spot_length) in [
            (128, 2, 5),
            (8, 2, 5),
            (256, 0, 5),
            (3, 5, 5),
            (128, 1, 3),
            (100, 2, 1),
        ] {
            let config = RewriteConfig {
                num_perm,
                min_spot_anchors,
                spot_length,
                ..RewriteConfig::default()
            };
            let mut signer = SpotSigner::new(&config);
            assert!(signer.fits(&config));
            for text in texts {
                let tokens = tokenize(text);
                let spots = spots(&tokens, text, &function_words, &config);
                let mut expected = Vec::new();
                signature(&spots, config.num_perm, config.seed, &mut expected);
                // The signer reads the words as the pipeline keeps them.
                let (mut hashes, mut starts) = (Vec::new(), Vec::new());
                copydesk_text::push_word_starts(text, &mut hashes, &mut starts, &mut String::new());
                let words = WordStarts {
                    hashes: &hashes,
                    starts: &starts,
                };
                let mut got = vec![7; 3];
                signer.sign(words, text, &function_words, &config, &mut got);
                assert_eq!(got, expected, "{num_perm} bins: {text:?}");
            }
        }
        let other_seed = RewriteConfig {
            seed: 2,
            ..RewriteConfig::default()
        };
        assert!(!SpotSigner::new(&RewriteConfig::default()).fits(&other_seed));
    }

    #[test]
    fn short_and_empty_documents() {
        assert!(spots_of("").is_empty());
        assert_eq!(spots_of("Hello there").len(), 1);
    }
}
