//! LSH banding: band keys per document, candidate pairs per bucket.
//!
//! A bucket is all documents sharing one band key. Small buckets yield every
//! pair; a bucket larger than [`MAX_BUCKET_PAIRS_SIZE`] links each member to the
//! bucket head instead, so 10,000 copies of one article yield 9,999 candidate
//! pairs rather than 50 million. The head is the bucket's lowest document index,
//! which keeps the output independent of thread count.

use super::{sequence_hash, LshParams};
use rayon::prelude::*;

/// Seed of band keys, so a band's key differs from a shingle hash of the same values.
const BAND_SEED: u64 = 0x4c53_4842_414e_4453;

/// Buckets up to this size yield all their pairs; larger ones are linked to their head.
pub const MAX_BUCKET_PAIRS_SIZE: usize = 32;

/// Counts from candidate generation and verification.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct LinkStats {
    /// Distinct candidate pairs from LSH buckets.
    pub lsh_candidates: u64,
    /// Distinct candidate pairs from shared anchors (containment channel) not already found by LSH.
    pub anchor_candidates: u64,
    /// Buckets larger than the all-pairs limit, linked to their head.
    pub giant_buckets: u64,
    /// Pairs kept after verification.
    pub kept: u64,
}

fn integrate(f: impl Fn(f64) -> f64, from: f64, to: f64) -> f64 {
    // Composite Simpson's rule; the integrands are smooth polynomials.
    const STEPS: usize = 200;
    let h = (to - from) / STEPS as f64;
    let mut sum = f(from) + f(to);
    for i in 1..STEPS {
        let weight = if i % 2 == 1 { 4.0 } else { 2.0 };
        sum += weight * f(from + i as f64 * h);
    }
    sum * h / 3.0
}

impl LshParams {
    /// Bands × rows (with `num_bands × rows_per_band ≤ num_perm`) minimizing the
    /// equally weighted false-positive area (below `threshold`) and
    /// false-negative area (above it) of the detection curve, as datasketch does.
    pub fn optimal(threshold: f64, num_perm: usize) -> LshParams {
        let threshold = threshold.clamp(0.0, 1.0);
        let mut best = LshParams {
            num_bands: 1,
            rows_per_band: num_perm.max(1),
        };
        let mut best_error = f64::INFINITY;
        for num_bands in 1..=num_perm {
            for rows_per_band in 1..=num_perm / num_bands {
                let params = LshParams {
                    num_bands,
                    rows_per_band,
                };
                let false_positive = integrate(|s| params.detection_probability(s), 0.0, threshold);
                let false_negative =
                    integrate(|s| 1.0 - params.detection_probability(s), threshold, 1.0);
                let error = 0.5 * false_positive + 0.5 * false_negative;
                if error < best_error {
                    best_error = error;
                    best = params;
                }
            }
        }
        best
    }

    /// Bands as given, rows filling the signature.
    pub fn with_bands(num_bands: usize, num_perm: usize) -> LshParams {
        let num_bands = num_bands.clamp(1, num_perm.max(1));
        LshParams {
            num_bands,
            rows_per_band: (num_perm / num_bands).max(1),
        }
    }

    /// Probability that a pair with this Jaccard shares at least one band.
    pub fn detection_probability(&self, jaccard: f64) -> f64 {
        1.0 - (1.0 - jaccard.powi(self.rows_per_band as i32)).powi(self.num_bands as i32)
    }
}

/// Write one key per band of `signature` into `out`; the band index seeds the
/// hash so equal rows in different bands do not collide.
pub fn band_keys(signature: &[u32], params: &LshParams, out: &mut Vec<u64>) {
    out.clear();
    let rows = params.rows_per_band;
    for band in 0..params.num_bands {
        let Some(values) = signature.get(band * rows..(band + 1) * rows) else {
            break;
        };
        out.push(sequence_hash(
            BAND_SEED ^ band as u64,
            values.iter().map(|&v| u64::from(v)),
        ));
    }
}

/// Distinct candidate pairs `(a, b)` with `a < b`, sorted, from the band keys of
/// each document (`keys[doc]` holds `num_bands` keys; an empty vector means the
/// document takes no part, as empty documents do).
pub fn candidate_pairs<K: AsRef<[u64]> + Sync>(
    keys: &[K],
    num_bands: usize,
) -> (Vec<(u32, u32)>, u64) {
    let per_band: Vec<(Vec<u64>, u64)> = (0..num_bands)
        .into_par_iter()
        .map(|band| {
            let bucketed = sorted_by_key(keys, band);
            let mut pairs = Vec::new();
            let mut giant = 0;
            for bucket in bucketed.chunk_by(|x, y| x.0 == y.0) {
                if bucket.len() < 2 {
                    continue;
                }
                if bucket.len() <= MAX_BUCKET_PAIRS_SIZE {
                    for (i, &(_, a)) in bucket.iter().enumerate() {
                        for &(_, b) in &bucket[i + 1..] {
                            pairs.push(pair_key(a, b));
                        }
                    }
                } else {
                    giant += 1;
                    let head = bucket[0].1;
                    pairs.extend(bucket[1..].iter().map(|&(_, b)| pair_key(head, b)));
                }
            }
            (pairs, giant)
        })
        .collect();
    let giant = per_band.iter().map(|(_, g)| g).sum();
    let mut all: Vec<u64> = per_band.into_iter().flat_map(|(p, _)| p).collect();
    all.par_sort_unstable();
    all.dedup();
    (all.into_iter().map(unpack).collect(), giant)
}

/// Every document's key of `band` with the document, sorted by key (then
/// document).
fn sorted_by_key<K: AsRef<[u64]>>(keys: &[K], band: usize) -> Vec<(u64, u32)> {
    sort_keyed(
        keys.iter()
            .enumerate()
            .filter_map(|(doc, k)| k.as_ref().get(band).map(|&key| (key, doc as u32)))
            .collect(),
    )
}

/// `(key, document)` entries sorted by key, then document. Keys are hashes
/// (band keys): a counting pass on their top bits puts the entries in order
/// of buckets of one or two, each then sorted on its own, in linear time
/// where a comparison sort of 100k entries per band was most of the LSH
/// stage. A bucket of many equal keys (a giant bucket) costs one sort of an
/// already sorted run.
pub fn sort_keyed(keyed: Vec<(u64, u32)>) -> Vec<(u64, u32)> {
    let mut sorted = Vec::new();
    sort_keyed_into(&keyed, &mut Vec::new(), &mut sorted);
    sorted
}

/// [`sort_keyed`] into `sorted` (replaced), with `counts` as scratch: a
/// caller sorting band after band reuses both, sparing the page faults of
/// fresh buffers for each band.
pub fn sort_keyed_into(keyed: &[(u64, u32)], counts: &mut Vec<u32>, sorted: &mut Vec<(u64, u32)>) {
    let bits = (usize::BITS - keyed.len().leading_zeros()).clamp(1, 24);
    let shift = 64 - bits;
    counts.clear();
    counts.resize((1 << bits) + 1, 0);
    for &(key, _) in keyed {
        counts[(key >> shift) as usize + 1] += 1;
    }
    for i in 1..counts.len() {
        counts[i] += counts[i - 1];
    }
    sorted.clear();
    sorted.resize(keyed.len(), (0, 0));
    for &entry in keyed {
        let slot = &mut counts[(entry.0 >> shift) as usize];
        sorted[*slot as usize] = entry;
        *slot += 1;
    }
    // After the scatter, bucket b spans counts[b - 1]..counts[b].
    let mut from = 0;
    for &to in &counts[..1 << bits] {
        let bucket = &mut sorted[from as usize..to as usize];
        if bucket.len() > 1 {
            bucket.sort_unstable();
        }
        from = to;
    }
}

pub(super) fn pair_key(a: u32, b: u32) -> u64 {
    let (low, high) = if a < b { (a, b) } else { (b, a) };
    (u64::from(low) << 32) | u64::from(high)
}

pub(super) fn unpack(key: u64) -> (u32, u32) {
    ((key >> 32) as u32, key as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorting_keyed_puts_equal_keys_together_in_document_order() {
        let keys = [u64::MAX, 7 << 60, 3, 7 << 60, u64::MAX, 3, 5 << 48, 7 << 60];
        let keyed: Vec<(u64, u32)> = keys
            .iter()
            .enumerate()
            .map(|(doc, &key)| (key, doc as u32))
            .collect();
        let grouped = sort_keyed(keyed.clone());
        let mut sorted = grouped.clone();
        sorted.sort_unstable();
        let mut expected = keyed;
        expected.sort_unstable();
        assert_eq!(sorted, expected);
        for (i, &(key, doc)) in grouped.iter().enumerate() {
            // A key's entries are one run, in document order.
            let run: Vec<u32> = grouped.iter().filter(|e| e.0 == key).map(|e| e.1).collect();
            let first = grouped.iter().position(|e| e.0 == key).unwrap();
            assert_eq!(
                grouped[first..first + run.len()]
                    .iter()
                    .map(|e| e.1)
                    .collect::<Vec<_>>(),
                run
            );
            assert!(run.windows(2).all(|w| w[0] < w[1]), "{i} {doc}");
        }
        assert!(sort_keyed(Vec::new()).is_empty());
    }

    #[test]
    fn optimal_params_for_the_usual_settings() {
        // datasketch picks 16 × 8 for threshold 0.5 at 128 permutations... or close;
        // what matters is that the curve is steep around the threshold.
        let params = LshParams::optimal(0.5, 128);
        assert!(params.num_bands * params.rows_per_band <= 128);
        assert!(params.detection_probability(0.8) > 0.99);
        assert!(params.detection_probability(0.2) < 0.1);
    }

    #[test]
    fn with_bands_fills_the_signature() {
        let params = LshParams::with_bands(16, 128);
        assert_eq!((params.num_bands, params.rows_per_band), (16, 8));
    }

    #[test]
    fn equal_signatures_share_every_band_and_differ_across_bands() {
        let params = LshParams::with_bands(4, 8);
        let signature: Vec<u32> = vec![1, 2, 1, 2, 1, 2, 1, 2];
        let mut keys = Vec::new();
        band_keys(&signature, &params, &mut keys);
        assert_eq!(keys.len(), 4);
        let distinct: std::collections::BTreeSet<_> = keys.iter().collect();
        assert_eq!(
            distinct.len(),
            4,
            "same rows in different bands must not collide"
        );
    }

    #[test]
    fn giant_buckets_link_to_their_head() {
        let n = 1000;
        let keys: Vec<Vec<u64>> = (0..n).map(|_| vec![42, 7]).collect();
        let (pairs, giant) = candidate_pairs(&keys, 2);
        assert_eq!(pairs.len(), n - 1);
        assert!(pairs.iter().all(|&(a, _)| a == 0));
        assert_eq!(giant, 2);
    }

    #[test]
    fn small_buckets_yield_all_pairs_once() {
        let keys = vec![vec![1, 9], vec![1, 9], vec![1, 5], vec![2, 5], vec![]];
        let (pairs, _) = candidate_pairs(&keys, 2);
        assert_eq!(pairs, vec![(0, 1), (0, 2), (1, 2), (2, 3)]);
    }
}
