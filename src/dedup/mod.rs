//! Near-duplicate detection: shingles → MinHash signatures → LSH band keys →
//! candidate edges → verified pairs → clusters.
//!
//! Each stage is a pure function over per-document data so that the stages can
//! be sharded by an external engine: [`sign`] is per document, [`band_keys`] per
//! document, [`candidate_pairs`] is a group-by on band keys, [`verify`] is per
//! pair, and [`cluster`] is connected components over kept pairs.

use crate::text::Tokens;

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
    /// Number of MinHash permutations.
    pub num_perm: usize,
    /// Seed of the MinHash permutations.
    pub seed: u64,
    /// Jaccard at or above which a pair is `near_exact`; also the LSH design threshold.
    pub jaccard_threshold: f64,
    /// Containment (share of the smaller document's shingles found in the other) at or above which a pair is an `excerpt`.
    pub containment_threshold: f64,
    /// Override of the number of LSH bands (rows per band = `num_perm / num_bands`).
    pub num_bands: Option<usize>,
}

/// Everything later stages need of one document: its shingle set and signature.
#[derive(Debug, Clone, Default)]
pub struct Sketch {
    /// Hash of the whole normalized word sequence: equal keys mean an exact copy.
    pub exact_key: u64,
    /// Sorted, deduplicated shingle hashes.
    pub shingles: Vec<u64>,
    /// MinHash signature, `num_perm` values.
    pub signature: Vec<u32>,
}

/// Bands × rows of the LSH index.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct LshParams {
    /// Number of bands.
    pub num_bands: usize,
    /// Signature rows per band.
    pub rows_per_band: usize,
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
    /// Clusters in order of their first member; members in input order.
    pub clusters: Vec<Cluster>,
}

/// One cluster.
#[derive(Debug, Clone)]
pub struct Cluster {
    /// The document that stands for the cluster.
    pub representative: u32,
    /// All members (including the representative) in input order.
    pub members: Vec<u32>,
}

mod anchors;
mod cluster;
mod lsh;
mod minhash;
mod shingle;
mod verify;

pub use anchors::{anchor_candidates, ANCHOR_RATE, MAX_ANCHOR_POSTING};
pub use cluster::{cluster, member_relations, COMPOSITE_COVERAGE, OUTRIGHT_JACCARD, STORY_SHARE};
pub use lsh::{band_keys, candidate_pairs, LinkStats, MAX_BUCKET_PAIRS_SIZE};
pub use minhash::{estimate_jaccard, MinHasher};
pub use shingle::shingles;
pub use verify::{classify, intersection_size, verify, MIN_SHARED_SHINGLES, PARTIAL_FLOOR};

use crate::progress::Progress;
use rayon::prelude::*;

/// Shingle and sign one document.
pub fn sign(tokens: &Tokens, config: &DedupConfig, hasher: &MinHasher) -> Sketch {
    let mut sketch = Sketch::default();
    shingles(tokens, config, &mut sketch.shingles);
    hasher.signature(&sketch.shingles, &mut sketch.signature);
    let mut exact = xxhash_rust::xxh3::Xxh3::new();
    for token in &tokens.tokens {
        exact.update(&token.hash.to_le_bytes());
    }
    sketch.exact_key = exact.digest();
    sketch
}

impl DedupConfig {
    /// The LSH layout: `num_bands` when set, otherwise the optimum for the Jaccard threshold.
    pub fn lsh_params(&self) -> LshParams {
        match self.num_bands {
            Some(num_bands) => LshParams::with_bands(num_bands, self.num_perm),
            None => LshParams::optimal(self.jaccard_threshold, self.num_perm),
        }
    }

    /// Check ranges; the error names the offending parameter.
    pub fn validate(&self) -> crate::Result<()> {
        let fail = |msg: String| Err(crate::Error::Config(msg));
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
/// candidate channels: MinHash LSH for Jaccard and shared anchors for
/// containment. Pairs come out sorted by `(a, b)`.
pub fn find_pairs(
    sketches: &[Sketch],
    config: &DedupConfig,
    params: &LshParams,
    progress: &dyn Progress,
) -> (Vec<Pair>, LinkStats) {
    let keys: Vec<Vec<u64>> = sketches
        .par_iter()
        .map(|sketch| {
            let mut keys = Vec::new();
            if !sketch.shingles.is_empty() {
                band_keys(&sketch.signature, params, &mut keys);
            }
            keys
        })
        .collect();
    let (lsh, giant_buckets) = candidate_pairs(&keys, params.num_bands);
    drop(keys);
    let anchored = anchor_candidates(sketches, config.containment_threshold);
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
                classify(sa, sb, &overlap, config).map(|relation| Pair {
                    a,
                    b,
                    overlap,
                    relation,
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
            seed: 1,
            jaccard_threshold: 0.5,
            containment_threshold: 0.3,
            num_bands: None,
        }
    }
}
