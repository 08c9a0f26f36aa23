//! Exact verification of candidate pairs on their shingle sets.

use super::{DedupConfig, Overlap, Relation, Sketch};

/// A pair must share at least this many shingles to be an excerpt or a partial
/// overlap: a few shared five-word phrases are common between unrelated stories.
pub(crate) const MIN_SHARED_SHINGLES: usize = 10;

/// Share of the smaller side below which an overlap is not worth reporting.
pub(crate) const PARTIAL_FLOOR: f64 = 0.2;

/// Size of the intersection of two sorted, deduplicated slices.
pub(crate) fn intersection_size(a: &[u64], b: &[u64]) -> usize {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if small.is_empty() {
        return 0;
    }
    // Galloping pays when one side is much larger (an excerpt against a long article).
    if large.len() / small.len() >= 16 {
        let mut count = 0;
        let mut rest = large;
        for x in small {
            match rest.binary_search(x) {
                Ok(i) => {
                    count += 1;
                    rest = &rest[i + 1..];
                }
                Err(i) => rest = &rest[i..],
            }
        }
        return count;
    }
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2, checked just above.
            return unsafe { merge_count_avx2(small, large) };
        }
    }
    merge_count(small, large, 0, 0)
}

/// Branch-free merge count of two sorted, deduplicated slices from positions `i` and `j`.
fn merge_count(a: &[u64], b: &[u64], mut i: usize, mut j: usize) -> usize {
    let mut count = 0;
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i], b[j]);
        count += usize::from(x == y);
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    count
}

/// Merge count four elements at a time (Schlegel, Willhalm & Lehner's block
/// intersection): each block of `a` is compared with all four rotations of
/// the current block of `b`, and the block with the smaller maximum moves on.
/// Every common element is counted once, when the two blocks holding it meet;
/// the tails are merged one element at a time.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn merge_count_avx2(a: &[u64], b: &[u64]) -> usize {
    use std::arch::x86_64::*;
    let (mut i, mut j, mut count) = (0usize, 0usize, 0u32);
    while i + 4 <= a.len() && j + 4 <= b.len() {
        // SAFETY: both blocks are in bounds (checked by the loop condition);
        // unaligned loads.
        let (block_a, block_b) = unsafe {
            (
                _mm256_loadu_si256(a.as_ptr().add(i).cast()),
                _mm256_loadu_si256(b.as_ptr().add(j).cast()),
            )
        };
        let rotated_1 = _mm256_permute4x64_epi64::<0b00_11_10_01>(block_b);
        let rotated_2 = _mm256_permute4x64_epi64::<0b01_00_11_10>(block_b);
        let rotated_3 = _mm256_permute4x64_epi64::<0b10_01_00_11>(block_b);
        let equal = _mm256_or_si256(
            _mm256_or_si256(
                _mm256_cmpeq_epi64(block_a, block_b),
                _mm256_cmpeq_epi64(block_a, rotated_1),
            ),
            _mm256_or_si256(
                _mm256_cmpeq_epi64(block_a, rotated_2),
                _mm256_cmpeq_epi64(block_a, rotated_3),
            ),
        );
        count += (_mm256_movemask_pd(_mm256_castsi256_pd(equal)) as u32).count_ones();
        let (max_a, max_b) = (a[i + 3], b[j + 3]);
        i += 4 * usize::from(max_a <= max_b);
        j += 4 * usize::from(max_b <= max_a);
    }
    count as usize + merge_count(a, b, i, j)
}

/// Exact Jaccard and containment of two shingle sets (all zero when either is empty).
pub fn verify(a: &Sketch, b: &Sketch) -> Overlap {
    let shared = intersection_size(&a.shingles, &b.shingles);
    overlap_from_counts(shared, a.shingles.len(), b.shingles.len())
}

pub(super) fn overlap_from_counts(shared: usize, len_a: usize, len_b: usize) -> Overlap {
    if len_a == 0 || len_b == 0 {
        return Overlap {
            jaccard: 0.0,
            containment: [0.0, 0.0],
        };
    }
    let shared_f = shared as f64;
    Overlap {
        jaccard: shared_f / (len_a + len_b - shared) as f64,
        containment: [shared_f / len_a as f64, shared_f / len_b as f64],
    }
}

/// The relation a verified pair qualifies for, if any: `Exact` for the same word
/// sequence, `NearExact` at or above the Jaccard threshold, `Excerpt` when the
/// smaller side is contained at or above the containment threshold, `Partial`
/// for a real but smaller overlap; `None` when the pair is not worth keeping.
/// With `config.containment` off, only `Exact` and `NearExact`.
pub fn classify(
    a: &Sketch,
    b: &Sketch,
    overlap: &Overlap,
    config: &DedupConfig,
) -> Option<Relation> {
    if a.shingles.is_empty() || b.shingles.is_empty() {
        return None;
    }
    if a.exact_key == b.exact_key && a.shingles == b.shingles {
        return Some(Relation::Exact);
    }
    if overlap.jaccard >= config.jaccard_threshold {
        return Some(Relation::NearExact);
    }
    if !config.containment {
        return None;
    }
    let shared = (overlap.containment[0] * a.shingles.len() as f64).round() as usize;
    if shared < MIN_SHARED_SHINGLES {
        return None;
    }
    let contained = overlap.containment[0].max(overlap.containment[1]);
    if contained >= config.containment_threshold {
        Some(Relation::Excerpt)
    } else if contained >= PARTIAL_FLOOR {
        Some(Relation::Partial)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sketch(shingles: &[u64]) -> Sketch {
        Sketch {
            exact_key: shingles.len() as u64,
            shingles: shingles.to_vec(),
            band_keys: Vec::new(),
        }
    }

    #[test]
    fn intersection_merge_and_gallop_agree() {
        let small: Vec<u64> = (0..40).map(|i| i * 7).collect();
        let large: Vec<u64> = (0..2000).map(|i| i * 3).collect();
        let naive = small.iter().filter(|x| large.contains(x)).count();
        assert_eq!(intersection_size(&small, &large), naive);
        assert_eq!(intersection_size(&large, &small), naive);
        assert_eq!(
            intersection_size(&small[..30], &large[..100]),
            naive.min(
                small[..30]
                    .iter()
                    .filter(|x| large[..100].contains(x))
                    .count()
            )
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 256,
            rng_seed: proptest::test_runner::RngSeed::Fixed(11),
            ..proptest::prelude::ProptestConfig::default()
        })]
        /// The block merge (AVX2 where the CPU has it) counts exactly what a
        /// set intersection counts, whatever the sizes and interleaving.
        #[test]
        fn intersection_counts_like_a_set(
            a in proptest::collection::btree_set(0u64..400, 0..120),
            b in proptest::collection::btree_set(0u64..400, 0..120),
        ) {
            let naive = a.intersection(&b).count();
            let (a, b): (Vec<u64>, Vec<u64>) = (a.into_iter().collect(), b.into_iter().collect());
            proptest::prop_assert_eq!(intersection_size(&a, &b), naive);
            proptest::prop_assert_eq!(intersection_size(&b, &a), naive);
            proptest::prop_assert_eq!(merge_count(&a, &b, 0, 0), naive);
        }
    }

    #[test]
    fn containment_is_per_side() {
        let a = sketch(&(0..20).collect::<Vec<_>>());
        let b = sketch(&(0..100).collect::<Vec<_>>());
        let overlap = verify(&a, &b);
        assert_eq!(overlap.containment, [1.0, 0.2]);
        assert!((overlap.jaccard - 0.2).abs() < 1e-12);
        let config = DedupConfig::default();
        assert_eq!(classify(&a, &b, &overlap, &config), Some(Relation::Excerpt));
    }

    #[test]
    fn tiny_overlaps_are_not_excerpts() {
        let a = sketch(&(0..5).collect::<Vec<_>>());
        let b = sketch(&(0..100).collect::<Vec<_>>());
        let overlap = verify(&a, &b);
        assert_eq!(classify(&a, &b, &overlap, &DedupConfig::default()), None);
    }

    #[test]
    fn empty_documents_relate_to_nothing() {
        let empty = sketch(&[]);
        let overlap = verify(&empty, &empty);
        assert_eq!(overlap.jaccard, 0.0);
        assert_eq!(
            classify(&empty, &empty, &overlap, &DedupConfig::default()),
            None
        );
    }
}
