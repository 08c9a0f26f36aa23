//! Sketching sets of shingle hashes: MinHash signatures and their LSH band
//! keys, and the linking of documents that share a band key into candidate
//! pairs. Near-duplicate detection and rewrite linking both build on it.
//!
//! Every function here is per document ([`MinHasher`], [`band_keys`]) or a
//! group-by over band keys ([`candidate_pairs`]), so a cluster engine can
//! shard them; results do not depend on the thread count.
#![deny(missing_docs)]

mod links;
mod lsh;
mod minhash;

pub use links::BandLinks;
pub use lsh::{
    band_keys, candidate_pairs, sort_keyed, sort_keyed_into, LinkStats, MAX_BUCKET_PAIRS_SIZE,
};
pub use minhash::{estimate_jaccard, MinHashScheme, MinHasher};

/// Bands × rows of the LSH index.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct LshParams {
    /// Number of bands.
    pub num_bands: usize,
    /// Signature rows per band.
    pub rows_per_band: usize,
}

/// A hash of a sequence of word hashes. Word hashes are already uniform
/// 64-bit values, so a multiply-rotate chain finished by a full mixer is
/// enough, and much cheaper than rehashing their bytes with xxh3.
pub fn sequence_hash(seed: u64, hashes: impl Iterator<Item = u64>) -> u64 {
    let mut state = seed;
    for hash in hashes {
        state = (state.rotate_left(23) ^ hash).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
    // splitmix64's finalizer.
    state = (state ^ (state >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    state = (state ^ (state >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    state ^ (state >> 31)
}
