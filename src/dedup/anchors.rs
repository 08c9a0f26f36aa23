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
use std::collections::HashMap;

/// One shingle in this many is an anchor.
pub const ANCHOR_RATE: u64 = 8;

/// Anchors shared by more documents than this are boilerplate-like phrases and
/// are skipped: they would cost quadratic work and link unrelated stories.
/// Widely syndicated copies of one story are still found by LSH.
pub const MAX_ANCHOR_POSTING: usize = 50;

const ANCHOR_BOUND: u64 = u64::MAX / ANCHOR_RATE;

fn anchors(sketch: &Sketch) -> &[u64] {
    let end = sketch.shingles.partition_point(|&h| h < ANCHOR_BOUND);
    &sketch.shingles[..end]
}

/// Candidate pairs `(a, b)`, `a < b`, sorted, whose shared anchors suggest that
/// the smaller document may be contained in the other at `containment_threshold`.
pub fn anchor_candidates(sketches: &[Sketch], containment_threshold: f64) -> Vec<(u32, u32)> {
    let mut postings: Vec<(u64, u32)> = sketches
        .par_iter()
        .enumerate()
        .flat_map_iter(|(doc, sketch)| anchors(sketch).iter().map(move |&h| (h, doc as u32)))
        .collect();
    postings.par_sort_unstable();
    // Require half the anchors that the threshold implies, for sampling noise,
    // and at least two: one shared five-word phrase is common between stories.
    let needed = |anchors_a: usize, anchors_b: usize| -> u32 {
        let expected = containment_threshold * anchors_a.min(anchors_b) as f64;
        ((0.5 * expected).ceil() as u32).max(2)
    };
    let posting_of = |anchor: u64| -> &[(u64, u32)] {
        let start = postings.partition_point(|&(h, _)| h < anchor);
        let end = postings.partition_point(|&(h, _)| h <= anchor);
        &postings[start..end]
    };
    (0..sketches.len())
        .into_par_iter()
        .map_init(HashMap::<u32, u32>::new, |shared, doc| {
            shared.clear();
            let own = anchors(&sketches[doc]);
            for &anchor in own {
                let posting = posting_of(anchor);
                if posting.len() > MAX_ANCHOR_POSTING {
                    continue;
                }
                for &(_, other) in posting {
                    if other as usize > doc {
                        *shared.entry(other).or_insert(0) += 1;
                    }
                }
            }
            let mut found: Vec<(u32, u32)> = shared
                .iter()
                .filter(|&(&other, &count)| {
                    count >= needed(own.len(), anchors(&sketches[other as usize]).len())
                })
                .map(|(&other, _)| (doc as u32, other))
                .collect();
            found.sort_unstable();
            found
        })
        .flatten()
        .collect()
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
            signature: Vec::new(),
        }
    }

    #[test]
    fn an_excerpt_is_a_candidate_and_a_stranger_is_not() {
        let sketches = vec![sketch(0..1000), sketch(200..400), sketch(5000..5300)];
        let pairs = anchor_candidates(&sketches, 0.5);
        assert_eq!(pairs, vec![(0, 1)]);
    }
}
