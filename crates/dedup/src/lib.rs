//! Near-duplicate detection: shingles → MinHash signatures → LSH band keys →
//! candidate edges → verified pairs → clusters.
//!
//! Each stage is a pure function over per-document data so that the stages can
//! be sharded by an external engine: [`Signer::sign`] (shingles, signature and
//! its band keys) is per document, [`candidate_pairs`] is a group-by on band
//! keys, [`verify`] is per pair, and [`cluster`] is connected components over
//! kept pairs.

use anchors::is_template_overlap;
use copydesk_text::Tokens;

/// How a pair of documents (or a member and its representative) relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
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

/// What shingles are cut from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ShingleKind {
    /// Word n-grams over normalized word tokens.
    Words,
    /// Character n-grams over the normalized words joined by single spaces (for OCR-noisy text).
    Chars,
}

/// Parameters of near-duplicate detection.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DedupConfig {
    /// Word or character shingles.
    pub shingle: ShingleKind,
    /// Shingle length in words or characters.
    pub ngram: usize,
    /// Number of MinHash values per signature (permutations or bins).
    pub num_perm: usize,
    /// How signatures are computed.
    pub minhash: MinHashScheme,
    /// Seed of the MinHash permutations.
    pub seed: u64,
    /// Jaccard at or above which a pair is `near_exact`; also the LSH design threshold.
    pub jaccard_threshold: f64,
    /// Containment (share of the smaller document's shingles found in the other) at or above which a pair is an `excerpt`.
    pub containment_threshold: f64,
    /// Whether pairs are also found and kept by containment (`excerpt` and
    /// `partial`, through the anchor channel). Off, only Jaccard links
    /// documents: the classic MinHash-LSH pipeline of other tools, which
    /// misses trimmed copies and excerpts.
    pub containment: bool,
    /// Override of the number of LSH bands (rows per band = `num_perm / num_bands`).
    pub num_bands: Option<usize>,
}

/// Everything later stages need of one document: its shingle set and the
/// LSH band keys of its MinHash signature (the signature serves only the
/// keys, and 16 keys take a quarter of the memory of 128 values).
///
/// Invariant: `band_keys` is empty exactly when `shingles` is (a document
/// without shingles joins no bucket), and otherwise holds one key per band of
/// the [`Signer`]'s layout.
#[derive(Debug, Clone, Default)]
pub struct Sketch {
    /// Hash of the whole normalized word sequence: equal keys mean an exact copy.
    pub exact_key: u64,
    /// Sorted, deduplicated shingle hashes.
    pub shingles: Vec<u64>,
    /// One key per LSH band of the MinHash signature.
    pub band_keys: Vec<u64>,
}

/// Exact overlap of two shingle sets.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Overlap {
    /// |A ∩ B| / |A ∪ B|.
    pub jaccard: f64,
    /// [|A ∩ B| / |A|, |A ∩ B| / |B|].
    pub containment: [f64; 2],
}

/// A verified pair of documents, by index into the corpus.
#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    /// Lower document index.
    pub a: u32,
    /// Higher document index.
    pub b: u32,
    /// Exact shingle overlap.
    pub overlap: Overlap,
    /// How they relate.
    pub relation: Relation,
}

/// Clusters of two or more documents.
#[derive(Debug, Clone, Default)]
pub struct Clustering {
    /// Cluster number of each document (`None` for a unique document).
    pub cluster_of: Vec<Option<u32>>,
    /// Clusters in order of their lowest member index; members in index
    /// order (in a `DedupRun` of the copydesk pipeline, where documents
    /// were indexed by id: by smallest member id, members by id).
    pub clusters: Vec<Cluster>,
}

/// One cluster.
#[derive(Debug, Clone)]
pub struct Cluster {
    /// The document that stands for the cluster.
    pub representative: u32,
    /// All members (including the representative) in index order at
    /// clustering time: by id in a `DedupRun` of the copydesk pipeline.
    pub members: Vec<u32>,
    /// The same members from the most to the least preferred as
    /// representative: `by_preference[0]` is `representative`.
    pub by_preference: Vec<u32>,
}

mod anchors;
mod cluster;
mod shingle;
mod verify;

pub use anchors::{anchor_candidates, AnchorIndex};
pub use cluster::{cluster, cluster_ranked, member_relations, PRIMARY_RANK_SHIFT};
pub use copydesk_sketch::{
    band_keys, candidate_pairs, LinkStats, LshParams, MinHashScheme, MinHasher,
};
pub use shingle::shingles;
pub use verify::{classify, verify};

use copydesk_common::progress::Progress;
use rayon::prelude::*;

/// Seed of [`Sketch::exact_key`], apart from the shingle seed so a document
/// of exactly `ngram` words does not have its one shingle as exact key.
const EXACT_KEY_SEED: u64 = 0x4558_4143_544b_4559;

/// Signs documents: shingles, a MinHash signature and the signature's LSH
/// band keys, which the sketch keeps. Made once per run
/// ([`DedupConfig::signer`]), shared by every worker.
#[derive(Debug, Clone)]
pub struct Signer {
    hasher: MinHasher,
    params: LshParams,
}

impl Signer {
    /// A signer hashing with `hasher` into the band layout `params`.
    pub fn new(hasher: MinHasher, params: LshParams) -> Signer {
        Signer { hasher, params }
    }

    /// The band layout of the sketches' keys.
    pub fn params(&self) -> LshParams {
        self.params
    }

    /// Shingle and sign one document.
    pub fn sign(&self, tokens: &Tokens, config: &DedupConfig) -> Sketch {
        let mut sketch = Sketch::default();
        shingles(tokens, config, &mut sketch.shingles);
        sketch.exact_key =
            copydesk_sketch::sequence_hash(EXACT_KEY_SEED, tokens.tokens.iter().map(|t| t.hash));
        self.add_band_keys(&mut sketch);
        sketch
    }

    /// Shingle and sign one document given by its word hashes
    /// ([`copydesk_text::word_hashes_into`]): the same sketch as
    /// [`sign`](Self::sign) gives for word shingles, without tokens. Word
    /// shingles whatever `config.shingle` says (character shingles need the
    /// text).
    pub fn sign_word_hashes(&self, word_hashes: &[u64], config: &DedupConfig) -> Sketch {
        let mut sketch = Sketch::default();
        shingle::word_shingles_of_hashes(word_hashes, config.ngram, &mut sketch.shingles);
        sketch.exact_key =
            copydesk_sketch::sequence_hash(EXACT_KEY_SEED, word_hashes.iter().copied());
        self.add_band_keys(&mut sketch);
        sketch
    }

    fn add_band_keys(&self, sketch: &mut Sketch) {
        if sketch.shingles.is_empty() {
            return;
        }
        // The signature lives only until its keys are made.
        let mut signature = Vec::with_capacity(self.hasher.num_perm());
        self.hasher.signature(&sketch.shingles, &mut signature);
        band_keys(&signature, &self.params, &mut sketch.band_keys);
        sketch.band_keys.shrink_to_fit();
    }
}

impl DedupConfig {
    /// The signature hasher of this configuration.
    pub fn hasher(&self) -> MinHasher {
        MinHasher::with_scheme(self.minhash, self.num_perm, self.seed)
    }

    /// The signer of this configuration: its hasher and its LSH layout.
    pub fn signer(&self) -> Signer {
        Signer::new(self.hasher(), self.lsh_params())
    }

    /// The LSH layout: `num_bands` when set, otherwise the optimum for the Jaccard threshold.
    pub fn lsh_params(&self) -> LshParams {
        match self.num_bands {
            Some(num_bands) => LshParams::with_bands(num_bands, self.num_perm),
            None => LshParams::optimal(self.jaccard_threshold, self.num_perm),
        }
    }

    /// Check ranges; the error names the offending parameter.
    pub fn validate(&self) -> copydesk_common::Result<()> {
        let fail = |msg: String| Err(copydesk_common::Error::Config(msg));
        if self.ngram == 0 {
            return fail("ngram must be at least 1".into());
        }
        if self.num_perm == 0 || self.num_perm > 4096 {
            return fail(format!(
                "num_perm must be in 1..=4096, got {}",
                self.num_perm
            ));
        }
        for (name, value) in [
            ("threshold", self.jaccard_threshold),
            ("containment", self.containment_threshold),
        ] {
            if !(0.0..=1.0).contains(&value) || value.is_nan() {
                return fail(format!("{name} must be within [0, 1], got {value}"));
            }
        }
        if let Some(num_bands) = self.num_bands {
            if num_bands == 0 || num_bands > self.num_perm {
                return fail(format!(
                    "bands must be in 1..={} (the number of permutations), got {num_bands}",
                    self.num_perm
                ));
            }
        }
        Ok(())
    }
}

/// Find and verify all near-duplicate pairs among `sketches`, from both
/// candidate channels: MinHash LSH (the sketches' band keys) for Jaccard and
/// shared anchors for containment. Pairs come out sorted by `(a, b)`.
pub fn find_pairs(
    sketches: &[Sketch],
    config: &DedupConfig,
    progress: &dyn Progress,
) -> (Vec<Pair>, LinkStats) {
    let keys: Vec<&[u64]> = sketches.iter().map(|s| s.band_keys.as_slice()).collect();
    let num_bands = keys.iter().map(|k| k.len()).max().unwrap_or(0);
    let (lsh, giant_buckets) = candidate_pairs(&keys, num_bands);
    drop(keys);
    let (anchor_index, anchored) = if config.containment {
        let index = AnchorIndex::build(sketches);
        let anchored = anchor_candidates(&index, sketches, config.containment_threshold);
        (index, anchored)
    } else {
        (AnchorIndex::default(), Vec::new())
    };
    let mut stats = LinkStats {
        lsh_candidates: lsh.len() as u64,
        giant_buckets,
        ..LinkStats::default()
    };
    let mut candidates = lsh;
    candidates.extend(anchored);
    candidates.par_sort_unstable();
    candidates.dedup();
    stats.anchor_candidates = candidates.len() as u64 - stats.lsh_candidates;
    progress.start("verify", Some(candidates.len() as u64));
    let pairs: Vec<Pair> = candidates
        .par_chunks(4096)
        .flat_map_iter(|chunk| {
            progress.advance(chunk.len() as u64);
            chunk.iter().filter_map(|&(a, b)| {
                let (sa, sb) = (&sketches[a as usize], &sketches[b as usize]);
                let overlap = verify(sa, sb);
                classify(sa, sb, &overlap, config).map(|relation| {
                    // Shared template boilerplate is an overlap, not a copy.
                    let relation = if relation == Relation::Excerpt
                        && is_template_overlap(&anchor_index, sa, sb, config.containment_threshold)
                    {
                        Relation::Partial
                    } else {
                        relation
                    };
                    Pair {
                        a,
                        b,
                        overlap,
                        relation,
                    }
                })
            })
        })
        .collect();
    progress.finish();
    stats.kept = pairs.len() as u64;
    (pairs, stats)
}

impl Default for DedupConfig {
    fn default() -> Self {
        DedupConfig {
            shingle: ShingleKind::Words,
            ngram: 5,
            num_perm: 128,
            minhash: MinHashScheme::OnePermutation,
            seed: 1,
            jaccard_threshold: 0.5,
            containment_threshold: 0.3,
            containment: true,
            num_bands: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use copydesk_common::progress::NoProgress;
    use copydesk_text::tokenize;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    /// Cluster texts end to end and return the clusters as sets of text labels.
    fn clusters_of(texts: &[(String, String)], threads: usize) -> BTreeSet<BTreeSet<String>> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let config = DedupConfig::default();
            let signer = config.signer();
            let sketches: Vec<Sketch> = texts
                .iter()
                .map(|(_, text)| signer.sign(&tokenize(text), &config))
                .collect();
            let (mut pairs, _) = find_pairs(&sketches, &config, &NoProgress);
            let rank: Vec<u64> = sketches
                .iter()
                .map(|s| u64::MAX - s.shingles.len() as u64)
                .collect();
            let clustering = cluster(&mut pairs, &sketches, &rank);
            clustering
                .clusters
                .iter()
                .map(|c| {
                    c.members
                        .iter()
                        .map(|&m| texts[m as usize].0.clone())
                        .collect()
                })
                .collect()
        })
    }

    /// A deterministic article of `len` words from a seed.
    fn article(seed: u64, len: usize) -> Vec<String> {
        let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                format!("w{}", state % 3000)
            })
            .collect()
    }

    #[test]
    fn signing_word_hashes_gives_the_tokens_sketch() {
        let config = DedupConfig::default();
        let signer = config.signer();
        for text in ["", "one", "Three words here", &article(4, 300).join(" ")] {
            let from_tokens = signer.sign(&tokenize(text), &config);
            let (mut hashes, mut scratch) = (Vec::new(), String::new());
            copydesk_text::word_hashes_into(text, &mut hashes, &mut scratch);
            let from_hashes = signer.sign_word_hashes(&hashes, &config);
            assert_eq!(from_hashes.shingles, from_tokens.shingles);
            assert_eq!(from_hashes.band_keys, from_tokens.band_keys);
            // One key a band, none without shingles (the empty text).
            let expected_keys = match from_tokens.shingles.is_empty() {
                true => 0,
                false => signer.params().num_bands,
            };
            assert_eq!(from_tokens.band_keys.len(), expected_keys, "{text:?}");
            assert_eq!(from_hashes.exact_key, from_tokens.exact_key);
        }
    }

    #[test]
    fn ten_thousand_copies_yield_linear_pairs() {
        let config = DedupConfig::default();
        let text = article(1, 120).join(" ");
        let sketch = config.signer().sign(&tokenize(&text), &config);
        let sketches = vec![sketch; 10_000];
        let (pairs, stats) = find_pairs(&sketches, &config, &NoProgress);
        assert_eq!(pairs.len(), 9_999);
        assert!(stats.giant_buckets > 0);
        assert!(pairs.iter().all(|p| p.relation == Relation::Exact));
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 24,
            rng_seed: proptest::test_runner::RngSeed::Fixed(7),
            ..ProptestConfig::default()
        })]
        /// Stories with copies (trimmed, edited, stitched together) cluster the
        /// same whatever the input order and the thread count.
        #[test]
        fn clusters_do_not_depend_on_order_or_threads(
            num_stories in 2usize..6,
            copies in proptest::collection::vec((0usize..6, 0u8..4, 0u64..1000), 1..14),
            shuffle_seed in any::<u64>(),
        ) {
            let stories: Vec<Vec<String>> =
                (0..num_stories).map(|s| article(s as u64 + 1, 80 + 20 * s)).collect();
            let mut texts: Vec<(String, String)> = stories
                .iter()
                .enumerate()
                .map(|(s, words)| (format!("story{s}"), words.join(" ")))
                .collect();
            for (i, &(story, kind, salt)) in copies.iter().enumerate() {
                let words = &stories[story % num_stories];
                let text = match kind {
                    0 => words[..words.len() / 2].join(" "),
                    1 => words
                        .iter()
                        .enumerate()
                        .filter(|(j, _)| (*j as u64 + salt) % 17 != 0)
                        .map(|(_, w)| w.as_str())
                        .collect::<Vec<_>>()
                        .join(" "),
                    2 => {
                        let other = &stories[(story + 1) % num_stories];
                        format!("{} {}", words.join(" "), other[..other.len() / 3].join(" "))
                    }
                    _ => words.join(" "),
                };
                texts.push((format!("copy{i}"), text));
            }
            let reference = clusters_of(&texts, 1);
            let mut shuffled = texts.clone();
            let mut state = shuffle_seed | 1;
            for i in (1..shuffled.len()).rev() {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                shuffled.swap(i, (state % (i as u64 + 1)) as usize);
            }
            prop_assert_eq!(&clusters_of(&shuffled, 2), &reference);
            prop_assert_eq!(&clusters_of(&texts, 2), &reference);
        }
    }
}
