//! Linking rewrites over a corpus: the pairs to align (the kept pairs of the
//! core and the spot-signature candidates), then their alignments.
//!
//! Two steps, each shardable: [`jobs`] lists every pair to align from the
//! spot keys' LSH ([`SpotKeys`]) and the kept pairs, gathered per first
//! document; [`align_jobs`] aligns them in chunks of consecutive first
//! documents, each worker keeping the aligner's buffers from chunk to chunk.
//! Documents are not cut into words again: signing kept every document's
//! words as hashes and start offsets ([`CorpusWords`], 12 bytes a word: some
//! 160 MB on a 79 MB corpus, which saves a second pass of the tokenizer, about
//! a fifth of this stage's work). The likely source by word commonness is
//! decided while a pair's words are at hand, so what stays per pair is its
//! edits' byte ranges.

mod detail;
mod spot_keys;
mod words;

pub use detail::{EditSpans, PairDetail};
pub use spot_keys::{ChunkKeys, SpotKeys};
pub use words::{ChunkWords, CorpusWords};

use crate::{Aligner, RewriteConfig, Side, WordEdit, WordFrequencies};
use rayon::prelude::*;

/// A pair to align.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Job {
    /// The first document (the lower index).
    pub a: u32,
    /// The second document.
    pub b: u32,
    /// Index into the kept pairs, `None` for a new candidate.
    pub kept: Option<usize>,
}

/// What aligning one [`Job`] found.
#[derive(Debug, Clone, PartialEq)]
pub struct AlignedPair {
    /// Whether the alignment passes as a rewrite ([`RewriteConfig::accepts`]).
    pub accepted: bool,
    /// Alignment similarity (Dice share of aligned words).
    pub similarity: f64,
    /// The edits turning `a` into `b`; kept only for kept pairs and accepted
    /// candidates (empty for the rest).
    pub edits: Vec<EditSpans>,
    /// The side whose replaced words are the more common (the direction
    /// when dates do not tell), for the pairs whose edits are kept.
    pub more_common: Option<Side>,
}

/// In [`jobs`]' scratch, a document not yet met as a partner of any.
const NOT_FOUND: u32 = u32::MAX;

/// Documents per unit of parallel work when listing the pairs to align.
const JOB_CHUNK: usize = 1024;

/// Every pair to align, sorted by `(a, b)`: the kept `pairs` (`(a, b)` with
/// `a < b`, sorted) and the spot-signature candidates not among them. The
/// candidates are those of [`copydesk_sketch::candidate_pairs`] over the spot keys,
/// gathered per first document rather than sorted together: a corpus of
/// copies meets each pair in most of the bands, millions of repeats that a
/// global sort would order only to drop them. A worker drops the repeats as
/// it meets them, marking each partner with the document it was found for.
pub fn jobs(keys: &SpotKeys, pairs: &[(u32, u32)]) -> Vec<Job> {
    let bands = keys.band_links();
    let documents = keys.len().max(pairs.last().map_or(0, |p| p.0 as usize + 1));
    let starts: Vec<usize> = (0..documents).step_by(JOB_CHUNK).collect();
    let per_chunk: Vec<Vec<Job>> = starts
        .par_iter()
        .map_init(
            || vec![NOT_FOUND; keys.len()],
            |found_for, &start| {
                let end = (start + JOB_CHUNK).min(documents);
                let mut kept = pairs.partition_point(|p| (p.0 as usize) < start);
                let mut partners = Vec::new();
                let mut out = Vec::new();
                for a in start as u32..end as u32 {
                    partners.clear();
                    for band in &bands {
                        band.partners_after(a, |b| {
                            let seen = &mut found_for[b as usize];
                            if *seen != a {
                                *seen = a;
                                partners.push(b);
                            }
                        });
                    }
                    partners.sort_unstable();
                    // Merge the kept pairs of `a` with its candidates, both in order of `b`.
                    let mut candidates = partners.iter().copied().peekable();
                    while kept < pairs.len() && pairs[kept].0 == a {
                        let b = pairs[kept].1;
                        while let Some(c) = candidates.next_if(|&c| c < b) {
                            out.push(Job {
                                a,
                                b: c,
                                kept: None,
                            });
                        }
                        candidates.next_if_eq(&b);
                        out.push(Job {
                            a,
                            b,
                            kept: Some(kept),
                        });
                        kept += 1;
                    }
                    out.extend(candidates.map(|b| Job { a, b, kept: None }));
                }
                out
            },
        )
        .collect();
    per_chunk.into_iter().flatten().collect()
}

/// Buckets (as a power of two) of a corpus word-frequency table
/// ([`WordFrequencies::table`]) fit for the direction of rewrite pairs.
pub const FREQUENCY_TABLE_BITS: u32 = 20;

/// Pairs aligned per unit of parallel work (a group of jobs sharing `a` is never split).
const ALIGN_CHUNK: usize = 256;

/// Whether a job's edits are kept, given whether its alignment was accepted
/// and its word edits (see [`align_jobs`]).
pub type KeepEdits<'k> = &'k (dyn Fn(&Job, bool, &[WordEdit]) -> bool + Sync);

/// Align every job (as [`jobs`] lists them), `text(doc)` being the text of
/// document `doc` and `words` its words as signing kept them; the results
/// are parallel to `jobs`. The edits of a kept pair or an accepted candidate
/// are kept where `keep_edits` says so (a corpus of near-copies has millions
/// of edits that nobody reads); the likely source by word commonness is
/// judged on them either way. `advance` is called with the number of jobs
/// done as chunks finish. Results do not depend on the thread count.
pub fn align_jobs<'t, T>(
    jobs: &[Job],
    text: T,
    words: &CorpusWords,
    frequencies: &WordFrequencies,
    config: &RewriteConfig,
    keep_edits: KeepEdits,
    advance: &(dyn Fn(u64) + Sync),
) -> Vec<AlignedPair>
where
    T: Fn(u32) -> &'t str + Sync,
{
    // Chunks hold whole groups of one `a`, whose words stay in cache for the group.
    let mut bounds = Vec::new();
    let (mut chunk_start, mut group_start) = (0, 0);
    for group in jobs.chunk_by(|x, y| x.a == y.a) {
        if group_start + group.len() - chunk_start > ALIGN_CHUNK && group_start > chunk_start {
            bounds.push(chunk_start..group_start);
            chunk_start = group_start;
        }
        group_start += group.len();
    }
    if group_start > chunk_start {
        bounds.push(chunk_start..group_start);
    }
    let aligned: Vec<Vec<AlignedPair>> = bounds
        .into_par_iter()
        .map_init(Aligner::new, |aligner, range| {
            let chunk = &jobs[range];
            let out = align_chunk(
                aligner,
                chunk,
                &text,
                words,
                frequencies,
                config,
                keep_edits,
            );
            advance(chunk.len() as u64);
            out
        })
        .collect();
    aligned.into_iter().flatten().collect()
}

/// Align one chunk of jobs with a worker's aligner, whose buffers are kept
/// from chunk to chunk, so a pair allocates only its edit list.
fn align_chunk<'t>(
    aligner: &mut Aligner,
    chunk: &[Job],
    text: &impl Fn(u32) -> &'t str,
    words: &CorpusWords,
    frequencies: &WordFrequencies,
    config: &RewriteConfig,
    keep_edits_of: KeepEdits,
) -> Vec<AlignedPair> {
    let mut out = Vec::with_capacity(chunk.len());
    for job in chunk {
        let a = words.input(job.a, text(job.a));
        let b = words.input(job.b, text(job.b));
        let alignment = aligner.align(a, b, config);
        let accepted = config.accepts(&alignment);
        let keep_edits = job.kept.is_some() || accepted;
        let edits = aligner.word_edits();
        out.push(AlignedPair {
            accepted,
            similarity: alignment.similarity,
            more_common: if keep_edits {
                crate::more_common_side(edits, a.words().hashes, b.words().hashes, frequencies)
            } else {
                None
            },
            edits: if keep_edits && keep_edits_of(job, accepted, edits) {
                edits
                    .iter()
                    .map(|edit| EditSpans::of(edit, &a, &b))
                    .collect()
            } else {
                Vec::new()
            },
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pairs to align as the stage listed them before gathering per
    /// document: all candidates sorted together, the kept ones left out,
    /// the rest merged with the kept pairs and sorted.
    fn jobs_by_global_sort(keys: &[Vec<u64>], num_bands: usize, pairs: &[(u32, u32)]) -> Vec<Job> {
        let (candidates, _) = copydesk_sketch::candidate_pairs(keys, num_bands);
        let is_kept = |a: u32, b: u32| pairs.binary_search(&(a, b)).is_ok();
        let mut jobs: Vec<Job> = pairs
            .iter()
            .enumerate()
            .map(|(index, &(a, b))| Job {
                a,
                b,
                kept: Some(index),
            })
            .collect();
        jobs.extend(
            candidates
                .into_iter()
                .filter(|&(a, b)| !is_kept(a, b))
                .map(|(a, b)| Job { a, b, kept: None }),
        );
        jobs.sort_unstable_by_key(|job| (job.a, job.b));
        jobs
    }

    #[test]
    fn jobs_gathered_per_document_are_those_of_the_global_sort() {
        // A small xorshift: fixed, so the test is the same on every run.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move |bound: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % bound
        };
        for (documents, num_bands, key_range) in
            [(300, 4, 40), (200, 8, 3), (50, 2, 1000), (0, 4, 5)]
        {
            // Few key values: buckets collide, some beyond the giant size;
            // some documents have no keys.
            let keys: Vec<Vec<u64>> = (0..documents)
                .map(|_| {
                    if next(10) == 0 {
                        Vec::new()
                    } else {
                        // Spread over all bits, as band keys are, except
                        // in one case that leaves the top bits zero.
                        (0..num_bands)
                            .map(|_| {
                                let key = next(key_range);
                                if key_range == 40 {
                                    key
                                } else {
                                    key.wrapping_mul(0x9e37_79b9_7f4a_7c15)
                                }
                            })
                            .collect()
                    }
                })
                .collect();
            let mut kept: Vec<(u32, u32)> = (0..documents / 2)
                .map(|_| {
                    let a = next(documents.max(2) as u64 - 1) as u32;
                    (a, a + 1 + next(3) as u32)
                })
                .filter(|&(_, b)| (b as usize) < documents)
                .collect();
            kept.sort_unstable();
            kept.dedup();
            let pairs = kept;
            let expected = jobs_by_global_sort(&keys, num_bands, &pairs);
            assert!(expected.iter().any(|job| job.kept.is_none()) || documents == 0);
            let spot_keys = SpotKeys::from_documents(&keys, num_bands);
            assert_eq!(jobs(&spot_keys, &pairs), expected);
        }
    }
}
