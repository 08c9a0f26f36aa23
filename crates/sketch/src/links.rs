//! One LSH band as linked lists: each document points to the next member of
//! its bucket, so the candidates of a document are walked from it instead of
//! listed and sorted for the whole corpus.

/// One band's buckets as chains: each document's next member of its bucket,
/// buckets ordered by document, so the later members of a document's bucket
/// are the chain from it. Its pairs are those of [`candidate_pairs`] over the
/// same band.
///
/// Invariant: `next[doc]` is `NO_LINK` for the last member of a bucket, for a
/// document alone in its bucket and for one without keys; a member of a
/// bucket larger than [`MAX_BUCKET_PAIRS_SIZE`] other than its head is
/// `quiet` (it pairs with the head only, from the head's chain).
///
/// [`candidate_pairs`]: crate::candidate_pairs
/// [`MAX_BUCKET_PAIRS_SIZE`]: crate::MAX_BUCKET_PAIRS_SIZE
#[derive(Debug, Clone)]
pub struct BandLinks {
    next: Vec<u32>,
    /// One bit per document.
    quiet: Vec<u64>,
}

/// The end of a chain in [`BandLinks`].
const NO_LINK: u32 = u32::MAX;

impl BandLinks {
    /// One band's links from its `(key, document)` entries sorted by key,
    /// then document (as [`sort_keyed_into`](crate::sort_keyed_into) leaves
    /// them), over documents `0..documents`. Entries naming a document out of
    /// that range are ignored.
    pub fn from_sorted(sorted: &[(u64, u32)], documents: usize) -> BandLinks {
        let mut next = vec![NO_LINK; documents];
        let mut quiet = vec![0u64; documents.div_ceil(64)];
        let in_range = |doc: u32| (doc as usize) < documents;
        for bucket in sorted.chunk_by(|x, y| x.0 == y.0) {
            for link in bucket.windows(2) {
                if in_range(link[0].1) && in_range(link[1].1) {
                    next[link[0].1 as usize] = link[1].1;
                }
            }
            if bucket.len() > crate::MAX_BUCKET_PAIRS_SIZE {
                for &(_, doc) in bucket[1..].iter().filter(|e| in_range(e.1)) {
                    quiet[doc as usize / 64] |= 1 << (doc % 64);
                }
            }
        }
        BandLinks { next, quiet }
    }

    /// Call `partner` with each document after `doc` that its bucket pairs it
    /// with, as [`candidate_pairs`](crate::candidate_pairs) pairs them: all
    /// later members of a bucket of at most
    /// [`MAX_BUCKET_PAIRS_SIZE`](crate::MAX_BUCKET_PAIRS_SIZE), in a larger
    /// one all of them only when `doc` is the bucket's head. A document out
    /// of range has no partners.
    #[inline]
    pub fn partners_after(&self, doc: u32, mut partner: impl FnMut(u32)) {
        let index = doc as usize;
        if index >= self.next.len() || self.quiet[index / 64] >> (doc % 64) & 1 == 1 {
            return;
        }
        let mut member = self.next[index];
        while member != NO_LINK {
            partner(member);
            member = self.next[member as usize];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chains_yield_the_pairs_of_candidate_pairs() {
        // Bucket 7 is larger than the all-pairs limit: its head pairs with
        // every member, the others with nobody.
        let giant = crate::MAX_BUCKET_PAIRS_SIZE as u32 + 2;
        let mut keys: Vec<Vec<u64>> = (0..giant).map(|_| vec![7]).collect();
        keys.extend([vec![1], vec![2], vec![1], vec![]]);
        let documents = keys.len();
        let entries: Vec<(u64, u32)> = keys
            .iter()
            .enumerate()
            .filter_map(|(doc, k)| k.first().map(|&key| (key, doc as u32)))
            .collect();
        let links = BandLinks::from_sorted(&crate::sort_keyed(entries), documents);
        let mut walked = Vec::new();
        for a in 0..documents as u32 + 1 {
            links.partners_after(a, |b| walked.push((a, b)));
        }
        walked.sort_unstable();
        let (expected, _) = crate::candidate_pairs(&keys, 1);
        assert_eq!(walked, expected);
        assert_eq!(walked.len(), giant as usize - 1 + 1);
    }
}
