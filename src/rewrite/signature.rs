//! Substitution-robust shingles ("spots") of a document.
//!
//! Every word becomes a symbol: function words, numbers and names stand for
//! themselves, and each run of content words becomes one placeholder, so that a
//! synonym swap (one word for one, or one for two) leaves the symbol sequence
//! unchanged. Spots are the hashes of `spot_length` consecutive symbols; their
//! MinHash is what the rewrite channel bands, in the manner of DSpin's
//! immutables and SpotSigs' stopword-anchored spots.

use super::immutables::{classify, classify_one, in_name_phrase_of, FunctionWords, WordClass};
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
    let mut out = Vec::with_capacity(tokens.len());
    symbols_into(tokens, &classes, config, &mut out);
    out
}

/// The symbol sequence of a document whose words have these classes, into
/// `out` (cleared first).
fn symbols_into(
    tokens: &Tokens,
    classes: &[WordClass],
    config: &RewriteConfig,
    out: &mut Vec<u64>,
) {
    out.clear();
    let mut previous = None;
    for (index, (token, &class)) in tokens.tokens.iter().zip(classes).enumerate() {
        let symbol = match class {
            WordClass::Content => CONTENT_RUN,
            // "U.S." and "United States of America" are one name phrase each.
            _ if config.collapse_names && in_name_phrase_of(classes, index) => NAME_RUN,
            _ => token.hash,
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
    let bin_of = |hash: u64| bin_of(hash, num_perm);
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
    SpotSigner::new(config).sign(tokens, text, function_words, config, out);
}

/// Donors precomputed per empty bin; a bin that finds none of them filled
/// (a document with very few spots) goes on hashing attempts.
const PRECOMPUTED_DONORS: usize = 16;

/// Signs the spots of one document after another: what [`sign`] computes,
/// with its buffers kept between documents, the spots fed to the bins as they
/// are cut (no spot list), and the densification's donor bins looked up in a
/// table (they depend on the bin and the attempt only, not on the document).
#[derive(Debug, Clone)]
pub struct SpotSigner {
    num_perm: usize,
    /// The seed as the signature mixes it.
    seed: u64,
    /// `donors[bin * PRECOMPUTED_DONORS + attempt - 1]`: the bin that `bin`
    /// borrows from at `attempt` when that bin is filled.
    donors: Vec<u32>,
    classes: Vec<WordClass>,
    symbols: Vec<u64>,
    /// Bit `bin` set when the bin got a spot.
    filled: Vec<u64>,
}

impl SpotSigner {
    /// A signer for `config`'s signature size and seed.
    pub fn new(config: &RewriteConfig) -> SpotSigner {
        let num_perm = config.num_perm;
        let seed = spread(config.seed ^ 0x5851_f42d_4c95_7f2d);
        let donors = (0..num_perm)
            .flat_map(|bin| {
                (1..=PRECOMPUTED_DONORS as u64).map(move |attempt| {
                    bin_of(spread(seed ^ ((bin as u64) << 32) ^ attempt), num_perm) as u32
                })
            })
            .collect();
        SpotSigner {
            num_perm,
            seed,
            donors,
            classes: Vec::new(),
            symbols: Vec::new(),
            filled: Vec::new(),
        }
    }

    /// True when this signer was made for `config`'s signature size and seed.
    pub fn fits(&self, config: &RewriteConfig) -> bool {
        self.num_perm == config.num_perm && self.seed == spread(config.seed ^ 0x5851_f42d_4c95_7f2d)
    }

    /// The spot signature of a document into `out`, equal to what [`sign`]
    /// gives; `config` must be the one the signer was made for ([`fits`](Self::fits)).
    pub fn sign(
        &mut self,
        tokens: &Tokens,
        text: &str,
        function_words: &FunctionWords,
        config: &RewriteConfig,
        out: &mut Vec<u32>,
    ) {
        let num_perm = self.num_perm;
        out.clear();
        out.resize(num_perm, u32::MAX);
        self.filled.clear();
        self.filled.resize(num_perm.div_ceil(64), 0);
        if num_perm == 0 {
            return;
        }
        self.classes.clear();
        self.classes.extend(
            (0..tokens.len()).map(|index| classify_one(tokens, text, function_words, index)),
        );
        symbols_into(tokens, &self.classes, config, &mut self.symbols);

        let (seed, filled, out_bins) = (self.seed, &mut self.filled, &mut out[..]);
        let mut add = |spot: u64| {
            let hash = spread(spot ^ seed);
            let bin = bin_of(hash, num_perm);
            let value = hash as u32;
            if value <= out_bins[bin] {
                out_bins[bin] = value;
                filled[bin / 64] |= 1 << (bin % 64);
            }
        };
        let length = config.spot_length.max(1);
        let symbols = &self.symbols;
        if symbols.len() < length {
            if symbols.is_empty() {
                return;
            }
            add(symbols
                .iter()
                .fold(length as u64, |state, &s| mix(state, s)));
        } else {
            let mut spots = 0usize;
            // The anchors of the window, kept up to date as it slides.
            let is_anchor = |s: u64| usize::from(s != CONTENT_RUN && s != NAME_RUN);
            let mut window_anchors: usize =
                symbols[..length - 1].iter().map(|&s| is_anchor(s)).sum();
            for (first, window) in symbols.windows(length).enumerate() {
                window_anchors += is_anchor(window[length - 1]);
                if config.min_spot_anchors == 0 || window_anchors >= config.min_spot_anchors {
                    add(spot_hash(window));
                    spots += 1;
                }
                window_anchors -= is_anchor(symbols[first]);
            }
            if spots == 0 {
                return;
            }
        }
        self.densify(out);
    }

    /// Fill each empty bin from a filled one, as [`signature`] does.
    fn densify(&self, out: &mut [u32]) {
        let num_perm = self.num_perm;
        let filled = |bin: usize| self.filled[bin / 64] >> (bin % 64) & 1 == 1;
        for (word_index, &word) in self.filled.iter().enumerate() {
            // Only the empty bins, taken from the bitset a word at a time.
            let mut empty = !word;
            while empty != 0 {
                let bin = word_index * 64 + empty.trailing_zeros() as usize;
                empty &= empty - 1;
                if bin >= num_perm {
                    break;
                }
                let table = &self.donors[bin * PRECOMPUTED_DONORS..(bin + 1) * PRECOMPUTED_DONORS];
                if let Some(&donor) = table.iter().find(|&&donor| filled(donor as usize)) {
                    out[bin] = out[donor as usize];
                    continue;
                }
                for attempt in PRECOMPUTED_DONORS as u64 + 1..=64 * num_perm as u64 {
                    let donor =
                        bin_of(spread(self.seed ^ ((bin as u64) << 32) ^ attempt), num_perm);
                    if filled(donor) {
                        out[bin] = out[donor];
                        break;
                    }
                }
            }
        }
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

/// The bin of a spot hash among `num_perm` bins.
fn bin_of(hash: u64, num_perm: usize) -> usize {
    (((hash >> 32) * num_perm as u64) >> 32) as usize
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
    fn reused_signer_gives_the_signature_of_the_spots() {
        let function_words = FunctionWords::default();
        let texts = [
            "",
            "Hello",
            "Hello there",
            "-- !!",
            "The minister said on Monday that the price of bread in Lyon would rise.",
            include_str!("../../fixtures/rewrite/harbour.txt"),
            include_str!("../../fixtures/rewrite/harbour-spun50.txt"),
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
                let mut got = vec![7; 3];
                signer.sign(&tokens, text, &function_words, &config, &mut got);
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
