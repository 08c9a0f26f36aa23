//! MinHash signatures by multiply-shift hashing of the 64-bit shingle hash.
//!
//! Permutation `i` maps a shingle hash `x` to `(a_i · x + b_i) >> 32` (mod 2^64),
//! Dietzfelbinger's multiply-shift scheme: 2-universal, one multiply and one add
//! per permutation, no rehash of strings. The inner loop runs over
//! permutations with the shingle fixed, a layout the compiler vectorizes.

/// Precomputed permutation parameters for one seed.
///
/// Invariant: `multipliers.len() == offsets.len() == num_perm`, every multiplier odd.
#[derive(Debug, Clone)]
pub struct MinHasher {
    multipliers: Vec<u64>,
    offsets: Vec<u64>,
}

/// splitmix64: a tiny seeded generator, so the permutations depend only on the seed.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl MinHasher {
    /// `num_perm` permutations derived from `seed`.
    pub fn new(num_perm: usize, seed: u64) -> MinHasher {
        let mut state = seed;
        let mut multipliers = Vec::with_capacity(num_perm);
        let mut offsets = Vec::with_capacity(num_perm);
        for _ in 0..num_perm {
            multipliers.push(splitmix64(&mut state) | 1);
            offsets.push(splitmix64(&mut state));
        }
        MinHasher {
            multipliers,
            offsets,
        }
    }

    /// Number of permutations.
    pub fn num_perm(&self) -> usize {
        self.multipliers.len()
    }

    /// The signature of a set of shingle hashes; all `u32::MAX` for an empty set.
    pub fn signature(&self, shingles: &[u64], out: &mut Vec<u32>) {
        out.clear();
        out.resize(self.num_perm(), u32::MAX);
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: the CPU supports AVX2, checked just above.
                unsafe { self.signature_avx2(shingles, out) };
                return;
            }
        }
        self.signature_portable(shingles, out);
    }

    /// The same loop compiled for AVX2: four permutations per instruction
    /// instead of two, the main cost of signing.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn signature_avx2(&self, shingles: &[u64], out: &mut [u32]) {
        self.signature_portable(shingles, out)
    }

    #[inline(always)]
    fn signature_portable(&self, shingles: &[u64], out: &mut [u32]) {
        for &shingle in shingles {
            // Folding to 32 bits lets the multiply use 32×64-bit lanes; the
            // scheme stays 2-universal over the folded key.
            let key = u64::from((shingle ^ (shingle >> 32)) as u32);
            for ((slot, &a), &b) in out.iter_mut().zip(&self.multipliers).zip(&self.offsets) {
                let value = (a.wrapping_mul(key).wrapping_add(b) >> 32) as u32;
                *slot = (*slot).min(value);
            }
        }
    }
}

/// The share of equal positions of two signatures: an unbiased estimate of Jaccard.
pub fn estimate_jaccard(a: &[u32], b: &[u32]) -> f64 {
    if a.is_empty() {
        return 0.0;
    }
    let equal = a.iter().zip(b).filter(|(x, y)| x == y).count();
    equal as f64 / a.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn set(range: std::ops::Range<u64>) -> Vec<u64> {
        // Spread the values as real shingle hashes would be.
        let mut v: Vec<u64> = range
            .map(|i| xxhash_rust::xxh3::xxh3_64(&i.to_le_bytes()))
            .collect();
        v.sort_unstable();
        v
    }

    #[test]
    fn same_seed_same_signature_and_different_seed_differs() {
        let shingles = set(0..50);
        let (mut a, mut b, mut c) = (Vec::new(), Vec::new(), Vec::new());
        MinHasher::new(64, 7).signature(&shingles, &mut a);
        MinHasher::new(64, 7).signature(&shingles, &mut b);
        MinHasher::new(64, 8).signature(&shingles, &mut c);
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn empty_set_signature_is_all_max() {
        let mut sig = Vec::new();
        MinHasher::new(16, 1).signature(&[], &mut sig);
        assert_eq!(sig, vec![u32::MAX; 16]);
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, rng_seed: proptest::test_runner::RngSeed::Fixed(20261128), ..ProptestConfig::default() })]
        /// With 256 permutations the estimate's standard error is at most
        /// 0.5/16 ≈ 0.031; 0.13 is more than four of them.
        #[test]
        fn estimate_is_close_to_exact_jaccard(shared in 0u64..300, only_a in 0u64..300, only_b in 0u64..300, seed in any::<u64>()) {
            prop_assume!(shared + only_a + only_b > 0);
            let a = set(0..shared + only_a);
            let mut b = set(0..shared);
            b.extend(set(10_000..10_000 + only_b));
            b.sort_unstable();
            let exact = shared as f64 / (shared + only_a + only_b) as f64;
            let hasher = MinHasher::new(256, seed);
            let (mut sa, mut sb) = (Vec::new(), Vec::new());
            hasher.signature(&a, &mut sa);
            hasher.signature(&b, &mut sb);
            let estimate = estimate_jaccard(&sa, &sb);
            prop_assert!((estimate - exact).abs() < 0.13, "estimate {estimate} exact {exact}");
        }
    }
}
