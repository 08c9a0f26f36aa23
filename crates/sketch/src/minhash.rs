//! MinHash signatures of a set of 64-bit shingle hashes, by one of two schemes.
//!
//! * [`MinHashScheme::OnePermutation`] (default): one-permutation hashing with
//!   optimal densification (Li, Owen & Zhang 2012; Shrivastava 2017). Each
//!   shingle is mixed once and lands in one of `num_perm` bins, keeping the
//!   bin's minimum; an empty bin borrows the value of a filled bin chosen by a
//!   hash of the bin number and the attempt. Two documents agree on a bin with
//!   probability equal to their Jaccard similarity, as with classic MinHash,
//!   at a cost linear in shingles plus bins instead of their product.
//! * [`MinHashScheme::Permutations`]: classic MinHash, permutation `i` maps a
//!   shingle hash `x` to `(a_i · x + b_i) >> 32` (mod 2^64), Dietzfelbinger's
//!   multiply-shift scheme: 2-universal, one multiply and one add per
//!   permutation, no rehash of strings. The inner loop runs over permutations
//!   with the shingle fixed, a layout the compiler vectorizes.

/// How signatures are computed; both estimate Jaccard without bias.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MinHashScheme {
    /// One hash per shingle into `num_perm` bins, empty bins densified.
    #[default]
    OnePermutation,
    /// `num_perm` multiply-shift permutations per shingle.
    Permutations,
}

/// Precomputed parameters of one scheme for one seed.
///
/// Invariant: `multipliers.len() == offsets.len() == num_perm`, every
/// multiplier odd (the one-permutation scheme uses neither but keeps their
/// length as its number of bins).
#[derive(Debug, Clone)]
pub struct MinHasher {
    scheme: MinHashScheme,
    /// Seed of the one-permutation bins.
    bin_seed: u64,
    /// Odd multiplier of the one-permutation bins.
    bin_multiplier: u64,
    /// One-permutation densification: the first [`DONOR_TABLE_ATTEMPTS`]
    /// donor bins of every bin, bin-major (empty for the other scheme).
    donors: DonorTable,
    /// For at most [`MAX_NARROW_BINS`] one-permutation bins: row `bin` holds,
    /// for every bin `j`, the first attempt at which `j` comes up as the
    /// donor of `bin` ([`NEVER`] past the probing cap), bin-major. The first
    /// filled donor of a bin is then the filled `j` of least attempt, found
    /// in as many steps as there are filled bins. Built at the first
    /// signature that needs it (some 100,000 hashes for 128 bins), so a
    /// hasher made for one document does not pay for it.
    first_attempts: std::sync::OnceLock<Vec<u16>>,
    multipliers: Vec<u64>,
    offsets: Vec<u64>,
}

/// In [`MinHasher::first_attempts`], a bin that never comes up within the
/// probing cap.
const NEVER: u16 = u16::MAX;

/// Filled bins up to which an untabled donor is looked up in
/// `first_attempts` rather than probed: probing takes about
/// `num_bins / filled` hashes, the lookup one step per filled bin.
const FEW_FILLED: u32 = 32;

/// The probing cap: attempts at most `PROBE_CAP_PER_BIN * num_bins`.
const PROBE_CAP_PER_BIN: u64 = 64;

/// [`MinHasher::first_attempts`] for `num_bins` bins.
fn first_attempts(bin_seed: u64, num_bins: usize) -> Vec<u16> {
    let mut table = vec![NEVER; num_bins * num_bins];
    for (bin, row) in table.chunks_exact_mut(num_bins.max(1)).enumerate() {
        let mut unseen = num_bins;
        for attempt in 1..=PROBE_CAP_PER_BIN * num_bins as u64 {
            let donor = donor_bin(bin_seed, bin, attempt, num_bins);
            if row[donor] == NEVER {
                // The cap (64 x 256) fits below NEVER.
                row[donor] = attempt as u16;
                unseen -= 1;
                if unseen == 0 {
                    break;
                }
            }
        }
    }
    table
}

/// splitmix64: a tiny seeded generator, so the permutations depend only on the seed.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Most bins a one-permutation signature has (the validated `num_perm` maximum).
const MAX_BINS: usize = 4096;

/// Donor attempts per bin precomputed: with half the bins filled, eight
/// attempts fail with probability 1/256.
const DONOR_TABLE_ATTEMPTS: usize = 8;

/// The tabled donor bins, as narrow as the bin numbers allow.
#[derive(Debug, Clone)]
enum DonorTable {
    /// At most 256 bins: one byte per donor, so that the AVX2 densification
    /// looks up 32 donors (four bins) per load. Padded with zeros to a
    /// multiple of [`DONOR_GROUP_BYTES`]; the padding belongs to no bin.
    Narrow(Vec<u8>),
    /// More than 256 bins.
    Wide(Vec<u16>),
}

/// Donor bytes the AVX2 densification reads per load: four bins' worth.
const DONOR_GROUP_BYTES: usize = 32;

/// Most bins the narrow donor table (and the AVX2 densification) serves.
const MAX_NARROW_BINS: usize = 256;

/// Which bins hold at least one shingle, bit `bin % 64` of word `bin / 64`.
type FilledBins = [u64; MAX_BINS / 64];

#[inline(always)]
fn is_filled(filled: &[u64], bin: usize) -> bool {
    filled[bin / 64] & (1 << (bin % 64)) != 0
}

/// splitmix64's finalizer: spreads a 64-bit value over all bits.
#[inline(always)]
fn spread(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The bin of a mixed hash among `num_bins` (multiply-high: no modulo bias
/// worth speaking of, no division).
#[inline(always)]
fn bin_of(hash: u64, num_bins: usize) -> usize {
    (((hash >> 32) * num_bins as u64) >> 32) as usize
}

/// The densification probe sequence: a hash of (bin, attempt).
fn donor_bin(bin_seed: u64, bin: usize, attempt: u64, num_bins: usize) -> usize {
    bin_of(spread(bin_seed ^ ((bin as u64) << 32) ^ attempt), num_bins)
}

/// The first [`DONOR_TABLE_ATTEMPTS`] donors of every bin, bin-major.
fn tabled_donors(bin_seed: u64, num_bins: usize) -> impl Iterator<Item = usize> {
    (0..num_bins).flat_map(move |bin| {
        (1..=DONOR_TABLE_ATTEMPTS as u64)
            .map(move |attempt| donor_bin(bin_seed, bin, attempt, num_bins))
    })
}

impl DonorTable {
    fn new(bin_seed: u64, num_bins: usize) -> DonorTable {
        if num_bins <= MAX_NARROW_BINS {
            // Donors are below num_bins <= 256: the narrowing is lossless.
            let mut donors: Vec<u8> = tabled_donors(bin_seed, num_bins)
                .map(|donor| donor as u8)
                .collect();
            donors.resize(donors.len().next_multiple_of(DONOR_GROUP_BYTES), 0);
            DonorTable::Narrow(donors)
        } else {
            // Donors are below num_bins <= MAX_BINS = 4096: lossless too.
            DonorTable::Wide(
                tabled_donors(bin_seed, num_bins)
                    .map(|donor| donor as u16)
                    .collect(),
            )
        }
    }
}

impl MinHasher {
    /// Classic MinHash: `num_perm` permutations derived from `seed`.
    pub fn new(num_perm: usize, seed: u64) -> MinHasher {
        MinHasher::with_scheme(MinHashScheme::Permutations, num_perm, seed)
    }

    /// `num_perm` signature values by `scheme`, derived from `seed`.
    pub fn with_scheme(scheme: MinHashScheme, num_perm: usize, seed: u64) -> MinHasher {
        let mut state = seed;
        let mut multipliers = Vec::with_capacity(num_perm);
        let mut offsets = Vec::with_capacity(num_perm);
        for _ in 0..num_perm {
            multipliers.push(splitmix64(&mut state) | 1);
            offsets.push(splitmix64(&mut state));
        }
        let bin_seed = spread(seed ^ 0x5851_f42d_4c95_7f2d);
        let num_bins = num_perm.min(MAX_BINS);
        let donors = match scheme {
            MinHashScheme::Permutations => DonorTable::Wide(Vec::new()),
            MinHashScheme::OnePermutation => DonorTable::new(bin_seed, num_bins),
        };
        MinHasher {
            scheme,
            bin_seed,
            bin_multiplier: spread(bin_seed) | 1,
            donors,
            first_attempts: std::sync::OnceLock::new(),
            multipliers,
            offsets,
        }
    }

    /// The scheme this hasher computes.
    pub fn scheme(&self) -> MinHashScheme {
        self.scheme
    }

    /// Number of permutations.
    pub fn num_perm(&self) -> usize {
        self.multipliers.len()
    }

    /// The signature of a set of shingle hashes; all `u32::MAX` for an empty set.
    pub fn signature(&self, shingles: &[u64], out: &mut Vec<u32>) {
        out.clear();
        out.resize(self.num_perm(), u32::MAX);
        if self.scheme == MinHashScheme::OnePermutation {
            self.signature_one_permutation(shingles, out);
            return;
        }
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

    fn signature_one_permutation(&self, shingles: &[u64], out: &mut [u32]) {
        let num_bins = out.len().min(MAX_BINS);
        if num_bins == 0 || shingles.is_empty() {
            return;
        }
        let out = &mut out[..num_bins];
        if let [shingle] = shingles {
            // One shingle (a document shorter than a shingle and one more
            // word) fills one bin, and every empty bin's probing ends there:
            // about `num_bins` attempts for each of them, a quadratic cost
            // that made a corpus of one-word documents forty times slower to
            // sign than news. The probing could only differ by giving up,
            // which its cap of 64 × `num_bins` attempts makes a chance of
            // about e^-64 per bin.
            let (_, value) = self.bin_and_value(*shingle, num_bins);
            out.fill(value);
            return;
        }
        // Borrow from a filled bin chosen by a hash of (bin, attempt), so
        // empty bins borrow independently of each other: borrowing from the
        // next bin to the right would make neighbouring bins equal and whole
        // LSH bands collide for short documents. Both documents of a pair
        // walk the same sequence, which keeps agreement probability = Jaccard.
        match &self.donors {
            DonorTable::Narrow(donors) => {
                #[cfg(target_arch = "x86_64")]
                {
                    if std::arch::is_x86_feature_detected!("avx2") {
                        // SAFETY: the CPU supports AVX2, checked just above.
                        unsafe { self.signature_narrow_avx2(shingles, donors, out) };
                        return;
                    }
                }
                let filled = self.fill_bins(shingles, out);
                self.densify_scalar(donors, &filled, out);
            }
            DonorTable::Wide(donors) => {
                let filled = self.fill_bins(shingles, out);
                self.densify_scalar(donors, &filled, out);
            }
        }
    }

    /// The bin of a shingle among `num_bins` and its value there.
    #[inline(always)]
    fn bin_and_value(&self, shingle: u64, num_bins: usize) -> (usize, u32) {
        // Shingle hashes are xxh3 outputs, uniform over 64 bits, so one
        // seeded odd multiply is mixing enough: the product's high half
        // picks the bin, its low half (a bijection of the key's low half)
        // is the value.
        let hash = (shingle ^ self.bin_seed).wrapping_mul(self.bin_multiplier);
        (bin_of(hash, num_bins), hash as u32)
    }

    /// Keeps each bin's minimum value in `out` (one bin per slot) and
    /// returns which bins got one.
    fn fill_bins(&self, shingles: &[u64], out: &mut [u32]) -> FilledBins {
        let num_bins = out.len();
        let mut filled = [0u64; MAX_BINS / 64];
        for &shingle in shingles {
            let (bin, value) = self.bin_and_value(shingle, num_bins);
            // Without a branch: whether a shingle lowers its bin's minimum
            // is a coin toss once the bin is filled.
            out[bin] = out[bin].min(value);
            filled[bin / 64] |= 1 << (bin % 64);
        }
        filled
    }

    /// [`Self::fill_bins`] then [`Self::densify_avx2`] for at most 256 bins.
    /// Filled bins are marked one byte each, plain stores: or-ing bits into
    /// the two words of 128 bins chains every shingle to the previous one
    /// through memory. The bitmap is then read off the marks 32 at a time.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn signature_narrow_avx2(&self, shingles: &[u64], donors: &[u8], out: &mut [u32]) {
        use std::arch::x86_64::*;
        let num_bins = out.len();
        let mut marks = [0u8; MAX_NARROW_BINS];
        for &shingle in shingles {
            let (bin, value) = self.bin_and_value(shingle, num_bins);
            out[bin] = out[bin].min(value);
            marks[bin] = 1;
        }
        let mut filled = [0u64; MAX_NARROW_BINS / 64];
        for (word, marks) in filled.iter_mut().zip(marks.chunks_exact(64)) {
            // SAFETY: `marks` is a 64-byte slice (chunks_exact); two
            // unaligned 32-byte loads.
            let (low, high) = unsafe {
                (
                    _mm256_loadu_si256(marks.as_ptr().cast()),
                    _mm256_loadu_si256(marks.as_ptr().add(32).cast()),
                )
            };
            let zero = _mm256_setzero_si256();
            let empty_low = _mm256_movemask_epi8(_mm256_cmpeq_epi8(low, zero)) as u32;
            let empty_high = _mm256_movemask_epi8(_mm256_cmpeq_epi8(high, zero)) as u32;
            *word = !(u64::from(empty_low) | (u64::from(empty_high) << 32));
        }
        // SAFETY: the CPU supports AVX2 (this function's precondition).
        unsafe { self.densify_avx2(donors, &filled, out) };
    }

    /// Every empty bin of `out` (one bin per slot) takes the value of its
    /// first filled donor, tabled ones tested one at a time: the reference
    /// the AVX2 path must match.
    fn densify_scalar<Donor: Copy + Into<usize>>(
        &self,
        donors: &[Donor],
        filled: &[u64],
        out: &mut [u32],
    ) {
        let num_bins = out.len();
        for bin in 0..num_bins {
            if is_filled(filled, bin) {
                continue;
            }
            // The tabled attempts without branches (which filled donor comes
            // first is a coin toss the branch predictor always loses).
            let tabled = &donors[bin * DONOR_TABLE_ATTEMPTS..(bin + 1) * DONOR_TABLE_ATTEMPTS];
            let mut chosen = usize::MAX;
            for &donor in tabled.iter().rev() {
                let donor: usize = donor.into();
                chosen = if is_filled(filled, donor) {
                    donor
                } else {
                    chosen
                };
            }
            if chosen == usize::MAX {
                chosen = self.untabled_donor(bin, filled, num_bins);
            }
            out[bin] = out[chosen];
        }
    }

    /// [`Self::densify_scalar`] with the tabled donors of four bins tested
    /// per instruction: `pshufb` looks each donor's byte up in the filled
    /// bitmap (two 16-byte halves, picked by the donor's top bit) and its bit
    /// in a table of single-bit masks. Then only the empty bins are visited,
    /// each taking the donor at the first set bit of its eight results.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn densify_avx2(&self, donors: &[u8], filled: &[u64], out: &mut [u32]) {
        use std::arch::x86_64::*;
        let num_bins = out.len();
        let few_filled = filled.iter().map(|word| word.count_ones()).sum::<u32>() <= FEW_FILLED;
        // Bytes 0..16 of the bitmap (bins 0..128) and 16..32 (bins 128..256),
        // each in both lanes: `pshufb` indexes within a lane.
        let bitmap_low =
            _mm256_broadcastsi128_si256(_mm_set_epi64x(filled[1] as i64, filled[0] as i64));
        let bitmap_high =
            _mm256_broadcastsi128_si256(_mm_set_epi64x(filled[3] as i64, filled[2] as i64));
        let bit_masks = _mm256_setr_epi8(
            1, 2, 4, 8, 16, 32, 64, -128, 0, 0, 0, 0, 0, 0, 0, 0, //
            1, 2, 4, 8, 16, 32, 64, -128, 0, 0, 0, 0, 0, 0, 0, 0,
        );
        let low_nibble = _mm256_set1_epi8(0x0f);
        let low_three = _mm256_set1_epi8(7);
        // Bit `attempt` of `tabled_hits[bin]` is set when tabled donor
        // `attempt` of `bin` is filled.
        let mut tabled_hits = [0u8; MAX_NARROW_BINS];
        let groups = num_bins.div_ceil(4);
        for (hits, group) in tabled_hits
            .chunks_exact_mut(4)
            .zip(donors.chunks_exact(DONOR_GROUP_BYTES))
            .take(groups)
        {
            // SAFETY: `group` is a 32-byte slice (chunks_exact); unaligned load.
            let donor = unsafe { _mm256_loadu_si256(group.as_ptr().cast()) };
            // Byte index = donor >> 3 within its half: a 16-bit shift drags
            // the neighbouring byte's bits into bits 5..8, masked away.
            let byte_index = _mm256_and_si256(_mm256_srli_epi16::<3>(donor), low_nibble);
            let byte = _mm256_blendv_epi8(
                _mm256_shuffle_epi8(bitmap_low, byte_index),
                _mm256_shuffle_epi8(bitmap_high, byte_index),
                donor,
            );
            let bit = _mm256_shuffle_epi8(bit_masks, _mm256_and_si256(donor, low_three));
            let hit = _mm256_cmpeq_epi8(_mm256_and_si256(byte, bit), bit);
            hits.copy_from_slice(&_mm256_movemask_epi8(hit).to_le_bytes());
        }
        for (word_index, &word) in filled.iter().enumerate().take(num_bins.div_ceil(64)) {
            let bins_in_word = num_bins - word_index * 64;
            let mut empty = if bins_in_word >= 64 {
                !word
            } else {
                !word & ((1u64 << bins_in_word) - 1)
            };
            while empty != 0 {
                let bin = word_index * 64 + empty.trailing_zeros() as usize;
                empty &= empty - 1;
                let hits = tabled_hits[bin];
                let chosen = if hits != 0 {
                    usize::from(donors[bin * DONOR_TABLE_ATTEMPTS + hits.trailing_zeros() as usize])
                } else if few_filled {
                    self.first_filled_donor(bin, filled, num_bins)
                } else {
                    self.untabled_donor(bin, filled, num_bins)
                };
                out[bin] = out[chosen];
            }
        }
    }

    /// [`Self::untabled_donor`] from `first_attempts`: no tabled donor of
    /// `bin` is filled, so every filled bin comes up past the tabled
    /// attempts, and the first to come up is the filled bin of least attempt
    /// (attempts name one donor each: no ties).
    fn first_filled_donor(&self, bin: usize, filled: &[u64], num_bins: usize) -> usize {
        // Only the AVX2 path (at most MAX_NARROW_BINS bins) gets here.
        let table = self
            .first_attempts
            .get_or_init(|| first_attempts(self.bin_seed, num_bins));
        let row = &table[bin * num_bins..(bin + 1) * num_bins];
        let mut best = (NEVER, bin);
        for (word_index, &word) in filled.iter().enumerate().take(num_bins.div_ceil(64)) {
            let mut bits = word;
            while bits != 0 {
                let donor = word_index * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                if donor < num_bins && row[donor] < best.0 {
                    best = (row[donor], donor);
                }
            }
        }
        best.1
    }

    /// The first filled donor of `bin` past the tabled ones, or `bin` itself
    /// (which leaves it `u32::MAX`) if none turns up.
    #[cold]
    fn untabled_donor(&self, bin: usize, filled: &[u64], num_bins: usize) -> usize {
        // At least one bin is filled, so the expected number of attempts is
        // at most num_bins; the cap only guards a pathological hash.
        (DONOR_TABLE_ATTEMPTS as u64 + 1..=PROBE_CAP_PER_BIN * num_bins as u64)
            .map(|attempt| self.donor(bin, attempt, num_bins))
            .find(|&donor| is_filled(filled, donor))
            .unwrap_or(bin)
    }

    /// The bin that empty `bin` borrows from at `attempt` (1-based); the
    /// first [`DONOR_TABLE_ATTEMPTS`] are tabled in `donors`.
    fn donor(&self, bin: usize, attempt: u64, num_bins: usize) -> usize {
        donor_bin(self.bin_seed, bin, attempt, num_bins)
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
        for scheme in [MinHashScheme::OnePermutation, MinHashScheme::Permutations] {
            let mut sig = Vec::new();
            MinHasher::with_scheme(scheme, 16, 1).signature(&[], &mut sig);
            assert_eq!(sig, vec![u32::MAX; 16]);
        }
    }

    #[test]
    fn one_permutation_fills_every_bin_of_a_short_document() {
        let mut sig = Vec::new();
        let hasher = MinHasher::with_scheme(MinHashScheme::OnePermutation, 128, 3);
        hasher.signature(&set(0..5), &mut sig);
        let values: std::collections::BTreeSet<u32> = sig.iter().copied().collect();
        // Five shingles, 128 bins: every bin holds one of at most five values.
        assert!(values.len() <= 5, "{values:?}");
        assert!(!values.contains(&u32::MAX));
        // Borrowing is spread out: neighbouring bins are not all equal.
        assert!(sig.windows(2).any(|w| w[0] != w[1]));
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
            for scheme in [MinHashScheme::OnePermutation, MinHashScheme::Permutations] {
                let hasher = MinHasher::with_scheme(scheme, 256, seed);
                let (mut sa, mut sb) = (Vec::new(), Vec::new());
                hasher.signature(&a, &mut sa);
                hasher.signature(&b, &mut sb);
                let estimate = estimate_jaccard(&sa, &sb);
                prop_assert!((estimate - exact).abs() < 0.13, "{scheme:?}: estimate {estimate} exact {exact}");
            }
        }
    }

    #[test]
    fn few_shingles_take_the_donors_probing_finds() {
        // Few filled bins are where the first-attempt lookup replaces probing.
        let mut state = 0x0123_4567_89ab_cdefu64;
        for (num_bins, seed) in [(128, 42), (256, 7), (100, 1), (64, 9)] {
            let hasher = MinHasher::with_scheme(MinHashScheme::OnePermutation, num_bins, seed);
            let wide_donors: Vec<u16> = tabled_donors(hasher.bin_seed, num_bins)
                .map(|donor| u16::try_from(donor).unwrap())
                .collect();
            for count in (2..=40).chain([64, 100]) {
                let shingles: Vec<u64> = (0..count).map(|_| splitmix64(&mut state)).collect();
                let mut signature = Vec::new();
                hasher.signature(&shingles, &mut signature);
                let mut probed = vec![u32::MAX; num_bins];
                let filled = hasher.fill_bins(&shingles, &mut probed);
                hasher.densify_scalar(&wide_donors, &filled, &mut probed);
                assert_eq!(signature, probed, "{num_bins} bins, {count} shingles");
            }
        }
    }

    #[test]
    fn one_shingle_fills_every_bin_as_probing_does() {
        for (num_bins, seed) in [(128, 42), (256, 7), (100, 1), (1, 3)] {
            let hasher = MinHasher::with_scheme(MinHashScheme::OnePermutation, num_bins, seed);
            let wide_donors: Vec<u16> = tabled_donors(hasher.bin_seed, num_bins)
                .map(|donor| u16::try_from(donor).unwrap())
                .collect();
            for shingle in [0u64, 1, 0x9e37_79b9_7f4a_7c15, u64::MAX] {
                let mut signature = Vec::new();
                hasher.signature(&[shingle], &mut signature);
                let mut probed = vec![u32::MAX; num_bins];
                let filled = hasher.fill_bins(&[shingle], &mut probed);
                hasher.densify_scalar(&wide_donors, &filled, &mut probed);
                assert_eq!(signature, probed);
                assert!(signature.iter().all(|&v| v == signature[0]));
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 1024, rng_seed: proptest::test_runner::RngSeed::Fixed(20261128), ..ProptestConfig::default() })]
        /// Whatever path `signature` takes (AVX2 on byte donors where the
        /// CPU has it), it matches the scalar loop over a 16-bit donor table.
        /// Few shingles in many bins exercise the untabled fallback.
        #[test]
        fn densification_matches_the_scalar_reference(
            shingles in prop::collection::vec(any::<u64>(), 0..400),
            num_bins in prop::sample::select(vec![1usize, 7, 64, 100, 128, 129, 256]),
            seed in any::<u64>(),
        ) {
            let hasher = MinHasher::with_scheme(MinHashScheme::OnePermutation, num_bins, seed);
            let mut signature = Vec::new();
            hasher.signature(&shingles, &mut signature);
            let wide_donors: Vec<u16> = tabled_donors(hasher.bin_seed, num_bins)
                .map(|donor| u16::try_from(donor).unwrap())
                .collect();
            let mut reference = vec![u32::MAX; num_bins];
            if !shingles.is_empty() {
                let filled = hasher.fill_bins(&shingles, &mut reference);
                hasher.densify_scalar(&wide_donors, &filled, &mut reference);
            }
            prop_assert_eq!(signature, reference);
        }
    }
}
