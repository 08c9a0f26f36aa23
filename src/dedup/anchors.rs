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
pub const ANCHOR_RATE: u64 = 4;

/// Anchors shared by more documents than this are boilerplate-like phrases and
/// are skipped: they would cost quadratic work and link unrelated stories.
/// Widely syndicated copies of one story are still found by LSH.
pub const MAX_ANCHOR_POSTING: usize = 50;

const ANCHOR_BOUND: u64 = u64::MAX / ANCHOR_RATE;

fn anchors(sketch: &Sketch) -> &[u64] {
    let end = sketch.shingles.partition_point(|&h| h < ANCHOR_BOUND);
    &sketch.shingles[..end]
}

/// Every anchor of a corpus with the documents it occurs in.
///
/// Invariants: `postings` is sorted by `(anchor, document)`; `common` holds
/// exactly the anchors of more than [`MAX_ANCHOR_POSTING`] documents.
#[derive(Debug, Default)]
pub struct AnchorIndex {
    postings: Vec<(u64, u32)>,
    common: std::collections::HashSet<u64>,
}

impl AnchorIndex {
    /// Index the anchors of every document.
    pub fn build(sketches: &[Sketch]) -> AnchorIndex {
        let mut postings: Vec<(u64, u32)> = sketches
            .par_iter()
            .enumerate()
            .flat_map_iter(|(doc, sketch)| anchors(sketch).iter().map(move |&h| (h, doc as u32)))
            .collect();
        postings.par_sort_unstable();
        // Few anchors are common, so a set of them answers "is it rare" in
        // one lookup on the verification path.
        let common = postings
            .chunk_by(|x, y| x.0 == y.0)
            .filter(|list| list.len() > MAX_ANCHOR_POSTING)
            .map(|list| list[0].0)
            .collect();
        AnchorIndex { postings, common }
    }

    fn is_rare(&self, anchor: u64) -> bool {
        !self.common.contains(&anchor)
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
pub fn is_template_overlap(
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
    let postings = &index.postings;
    // Posting lists worth following: shared by 2 to MAX_ANCHOR_POSTING documents.
    let lists: Vec<&[(u64, u32)]> = postings
        .chunk_by(|x, y| x.0 == y.0)
        .filter(|list| list.len() >= 2 && list.len() <= MAX_ANCHOR_POSTING)
        .collect();
    // The lists each document is on, by counting sort on the document.
    let mut offsets = vec![0u32; sketches.len() + 1];
    for list in &lists {
        for &(_, doc) in *list {
            offsets[doc as usize + 1] += 1;
        }
    }
    for i in 1..offsets.len() {
        offsets[i] += offsets[i - 1];
    }
    let mut cursor = offsets.clone();
    let mut lists_of_doc = vec![0u32; offsets[sketches.len()] as usize];
    for (index, list) in lists.iter().enumerate() {
        for &(_, doc) in *list {
            lists_of_doc[cursor[doc as usize] as usize] = index as u32;
            cursor[doc as usize] += 1;
        }
    }
    let num_anchors: Vec<usize> = sketches.par_iter().map(|s| anchors(s).len()).collect();
    // Require half the anchors that the threshold implies, for sampling noise,
    // and at least two: one shared five-word phrase is common between stories.
    let needed = |a: usize, b: usize| -> usize {
        let fewer = num_anchors[a].min(num_anchors[b]);
        ((0.5 * containment_threshold * fewer as f64).ceil() as usize).max(2)
    };
    (0..sketches.len())
        .into_par_iter()
        .map_init(Vec::<u32>::new, |later, doc| {
            // Documents after this one that share an anchor, once per shared anchor.
            later.clear();
            let own = &lists_of_doc[offsets[doc] as usize..offsets[doc + 1] as usize];
            for &list in own {
                let members = lists[list as usize];
                let after = members.partition_point(|&(_, other)| other as usize <= doc);
                later.extend(members[after..].iter().map(|&(_, other)| other));
            }
            later.sort_unstable();
            later
                .chunk_by(|x, y| x == y)
                .filter(|run| run.len() >= needed(doc, run[0] as usize))
                .map(|run| (doc as u32, run[0]))
                .collect::<Vec<_>>()
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
