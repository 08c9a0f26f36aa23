//! MinHash signatures.

/// Precomputed permutation parameters for a seed.
#[derive(Debug, Clone)]
pub struct MinHasher {
    num_perm: usize,
}

impl MinHasher {
    /// Permutations derived from `seed`.
    pub fn new(num_perm: usize, seed: u64) -> MinHasher {
        let _ = seed;
        MinHasher { num_perm }
    }

    /// Number of permutations.
    pub fn num_perm(&self) -> usize {
        self.num_perm
    }
}
