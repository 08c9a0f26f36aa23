//! The containment channel: candidate pairs from shared anchor shingles.
//!
//! MinHash LSH finds pairs of high Jaccard, but a copy trimmed to its first
//! paragraphs, or a wire story quoted inside a longer article, has low Jaccard
//! with its source while most of its shingles are contained in it. Anchors are
//! the shingles whose hash falls below `u64::MAX / ANCHOR_RATE`: a content-defined
//! sample, so two documents sharing a run of text share the anchors in that run
//! whatever the text around it. Because shingle sets are sorted, a document's
//! anchors are simply a prefix of its shingles.

use super::Sketch;
use rayon::prelude::*;

/// One shingle in this many is an anchor.
pub(crate) const ANCHOR_RATE: u64 = 4;

/// Anchors shared by more documents than this are boilerplate-like phrases and
/// are skipped: they would cost quadratic work and link unrelated stories.
/// Widely syndicated copies of one story are still found by LSH.
pub(crate) const MAX_ANCHOR_POSTING: usize = 50;

const ANCHOR_BOUND: u64 = u64::MAX / ANCHOR_RATE;

const _: () = assert!(ANCHOR_RATE.is_power_of_two() && ANCHOR_RATE > 1);

/// Anchors are below `2^(64 - log2 ANCHOR_RATE)`; their top 32 bits of
/// entropy make the key they are indexed by. Keys of two different anchors
/// collide rarely, and a collision only adds a candidate that verification
/// rejects.
const KEY_SHIFT: u32 = 32 - ANCHOR_RATE.trailing_zeros();

/// Postings are partitioned by the top bits of their key, so that each
/// partition sorts in cache and partitions are processed in parallel.
const PARTITION_BITS: u32 = 8;
const NUM_PARTITIONS: usize = 1 << PARTITION_BITS;

/// Documents per unit of parallel work when collecting postings.
const DOC_CHUNK: usize = 2048;

/// Candidate pairs are counted in this many buckets of first documents.
const NUM_PAIR_BUCKETS: usize = 64;

fn anchors(sketch: &Sketch) -> &[u64] {
    let end = sketch.shingles.partition_point(|&h| h < ANCHOR_BOUND);
    &sketch.shingles[..end]
}

fn anchor_key(anchor: u64) -> u32 {
    (anchor >> KEY_SHIFT) as u32
}

/// A posting packed in one word: the anchor key above the document index,
/// so sorting postings groups them by anchor, documents in order.
fn posting(key: u32, doc: u32) -> u64 {
    (u64::from(key) << 32) | u64::from(doc)
}

fn posting_key(posting: u64) -> u32 {
    (posting >> 32) as u32
}

/// Every anchor of a corpus with the documents it occurs in.
///
/// Invariants: `partitions[p]` holds exactly the postings whose key has top
/// bits `p`, sorted (by key, then document); `common` is sorted and holds
/// exactly the keys of more than 50 documents (`MAX_ANCHOR_POSTING`).
#[derive(Debug, Default)]
pub struct AnchorIndex {
    partitions: Vec<Vec<u64>>,
    common: Vec<u32>,
}

impl AnchorIndex {
    /// Index the anchors of every document.
    pub fn build(sketches: &[Sketch]) -> AnchorIndex {
        let per_chunk: Vec<Vec<Vec<u64>>> = sketches
            .par_chunks(DOC_CHUNK)
            .enumerate()
            .map(|(chunk_index, chunk)| {
                // Keys are uniform: each partition gets its share, with room.
                let num_anchors: usize = chunk.iter().map(|s| anchors(s).len()).sum();
                let share = num_anchors / NUM_PARTITIONS;
                let mut parts: Vec<Vec<u64>> = (0..NUM_PARTITIONS)
                    .map(|_| Vec::with_capacity(share + share / 4 + 8))
                    .collect();
                for (offset, sketch) in chunk.iter().enumerate() {
                    let doc = (chunk_index * DOC_CHUNK + offset) as u32;
                    for &anchor in anchors(sketch) {
                        let key = anchor_key(anchor);
                        parts[(key >> (32 - PARTITION_BITS)) as usize].push(posting(key, doc));
                    }
                }
                parts
            })
            .collect();
        let partitions: Vec<Vec<u64>> = (0..NUM_PARTITIONS)
            .into_par_iter()
            .map(|part| {
                let len = per_chunk.iter().map(|parts| parts[part].len()).sum();
                let mut postings = Vec::with_capacity(len);
                for parts in &per_chunk {
                    postings.extend_from_slice(&parts[part]);
                }
                postings.sort_unstable();
                postings
            })
            .collect();
        drop(per_chunk);
        // Few anchors are common, so a sorted list of them answers "is it
        // rare" in one binary search on the verification path.
        let common = partitions
            .par_iter()
            .map(|postings| {
                postings
                    .chunk_by(|x, y| posting_key(*x) == posting_key(*y))
                    .filter(|list| list.len() > MAX_ANCHOR_POSTING)
                    .map(|list| posting_key(list[0]))
                    .collect::<Vec<u32>>()
            })
            .collect::<Vec<_>>()
            .concat();
        AnchorIndex { partitions, common }
    }

    fn is_rare(&self, anchor: u64) -> bool {
        self.common.binary_search(&anchor_key(anchor)).is_err()
    }
}

/// Rare anchors of the smaller document needed before its overlap can be
/// judged on rare text alone.
const MIN_RARE_ANCHORS: usize = 4;

/// Whether the text two documents share is template boilerplate: phrases that
/// many documents hold ("the selling concession is ... while management and
/// underwriting combined pays"), while the smaller document's own words (its
/// rare anchors, held by at most [`MAX_ANCHOR_POSTING`] documents) are mostly
/// not in the other. Two wire items filled into one template share their
/// boilerplate and nothing else; a real excerpt shares its rare text too.
pub(crate) fn is_template_overlap(
    index: &AnchorIndex,
    a: &Sketch,
    b: &Sketch,
    containment_threshold: f64,
) -> bool {
    let (small, large) = if a.shingles.len() <= b.shingles.len() {
        (a, b)
    } else {
        (b, a)
    };
    if index.common.is_empty() {
        return false;
    }
    let large_anchors = anchors(large);
    let (mut rare, mut shared_rare) = (0usize, 0usize);
    for h in anchors(small).iter().filter(|&&h| index.is_rare(h)) {
        rare += 1;
        shared_rare += usize::from(large_anchors.binary_search(h).is_ok());
    }
    // Half the rare anchors a real excerpt at the threshold would share, as
    // for candidate generation.
    rare >= MIN_RARE_ANCHORS && (shared_rare as f64) < 0.5 * containment_threshold * rare as f64
}

/// Candidate pairs `(a, b)`, `a < b`, sorted, whose shared anchors suggest that
/// the smaller document may be contained in the other at `containment_threshold`.
pub fn anchor_candidates(
    index: &AnchorIndex,
    sketches: &[Sketch],
    containment_threshold: f64,
) -> Vec<(u32, u32)> {
    let num_docs = sketches.len();
    let bucket_docs = num_docs.div_ceil(NUM_PAIR_BUCKETS).max(1);
    // Every pair of documents sharing a usable anchor, once per shared anchor,
    // bucketed by first document. Lists are read in posting order (sequential
    // memory), which is what makes this pass cheap.
    let emitted: Vec<Vec<Vec<u64>>> = index
        .partitions
        .par_iter()
        .fold(
            || vec![Vec::new(); NUM_PAIR_BUCKETS],
            |mut buckets: Vec<Vec<u64>>, postings| {
                let lists = postings.chunk_by(|x, y| posting_key(*x) == posting_key(*y));
                for list in lists.filter(|l| l.len() >= 2 && l.len() <= MAX_ANCHOR_POSTING) {
                    for (i, &first) in list.iter().enumerate() {
                        let a = first as u32;
                        let bucket = &mut buckets[a as usize / bucket_docs];
                        for &second in &list[i + 1..] {
                            let b = second as u32;
                            // Two anchors of one document can share a key.
                            if b != a {
                                bucket.push(posting(a, b));
                            }
                        }
                    }
                }
                buckets
            },
        )
        .collect();
    let num_anchors: Vec<usize> = sketches.par_iter().map(|s| anchors(s).len()).collect();
    let needed = |a: usize, b: usize| -> usize {
        let fewer = num_anchors[a].min(num_anchors[b]);
        ((0.5 * containment_threshold * fewer as f64).ceil() as usize).max(2)
    };
    // Count shared anchors per pair; buckets cover increasing ranges of first
    // documents, so the concatenation comes out sorted. Within a bucket, a
    // counting sort by first document leaves each document's partners in a
    // short run that sorts in cache.
    (0..NUM_PAIR_BUCKETS)
        .into_par_iter()
        .map(|bucket| {
            let first_doc = bucket * bucket_docs;
            let mut starts = vec![0u32; bucket_docs + 1];
            for key in emitted.iter().flat_map(|buckets| &buckets[bucket]) {
                starts[(key >> 32) as usize - first_doc + 1] += 1;
            }
            for i in 1..starts.len() {
                starts[i] += starts[i - 1];
            }
            let mut cursor = starts.clone();
            let mut partners = vec![0u32; starts[bucket_docs] as usize];
            for &key in emitted.iter().flat_map(|buckets| &buckets[bucket]) {
                let slot = &mut cursor[(key >> 32) as usize - first_doc];
                partners[*slot as usize] = key as u32;
                *slot += 1;
            }
            let mut pairs = Vec::new();
            for offset in 0..bucket_docs {
                let run = &mut partners[starts[offset] as usize..starts[offset + 1] as usize];
                if run.is_empty() {
                    continue;
                }
                run.sort_unstable();
                let a = first_doc + offset;
                for shared in run.chunk_by(|x, y| x == y) {
                    if shared.len() >= needed(a, shared[0] as usize) {
                        pairs.push((a as u32, shared[0]));
                    }
                }
            }
            pairs
        })
        .collect::<Vec<_>>()
        .concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sketch(range: std::ops::Range<u64>) -> Sketch {
        let mut shingles: Vec<u64> = range
            .map(|i| xxhash_rust::xxh3::xxh3_64(&i.to_le_bytes()))
            .collect();
        shingles.sort_unstable();
        Sketch {
            exact_key: 0,
            shingles,
            band_keys: Vec::new(),
        }
    }

    #[test]
    fn shared_boilerplate_is_a_template_overlap_and_shared_story_text_is_not() {
        // Sixty items filled into one template: boilerplate 0..60, each its own 40 words.
        let mut sketches: Vec<Sketch> = (0..60u64)
            .map(|i| {
                let mut s = sketch(0..60);
                s.shingles
                    .extend(sketch(10_000 + 100 * i..10_040 + 100 * i).shingles);
                s.shingles.sort_unstable();
                s
            })
            .collect();
        // An excerpt of item 0: its own text and a little boilerplate.
        let mut excerpt = sketch(10_000..10_030);
        excerpt.shingles.extend(sketch(0..10).shingles);
        excerpt.shingles.sort_unstable();
        sketches.push(excerpt);
        let index = AnchorIndex::build(&sketches);
        assert!(is_template_overlap(&index, &sketches[0], &sketches[1], 0.3));
        assert!(!is_template_overlap(
            &index,
            &sketches[0],
            &sketches[60],
            0.3
        ));
    }

    #[test]
    fn an_excerpt_is_a_candidate_and_a_stranger_is_not() {
        let sketches = vec![sketch(0..1000), sketch(200..400), sketch(5000..5300)];
        let pairs = anchor_candidates(&AnchorIndex::build(&sketches), &sketches, 0.5);
        assert_eq!(pairs, vec![(0, 1)]);
    }
}
