//! The rewrite stage of `dedup`: between finding pairs and clustering.
//!
//! Spot-signature candidates not already kept by the core are aligned and
//! kept as `rewrite` pairs when the alignment passes; kept `partial` pairs
//! whose alignment passes become `rewrite` too. Every kept pair is aligned
//! once for its edits, and every copy pair (not `partial`) gets a likely
//! source. Pairs are aligned in chunks of consecutive first documents with a
//! per-chunk token cache, so the copies of one story are tokenized once per
//! chunk rather than once per pair; tokens are not kept between stages.

use crate::corpus::Document;
use crate::dedup::{self, Pair, Relation, Sketch};
use crate::progress::Progress;
use crate::rewrite::{
    self, AlignInput, Aligner, Edit, EditOp, PreparedWords, RewriteConfig, Side, SpotSigner,
    Substitution, WordEdit, WordFrequencies,
};
use crate::text::Tokens;
use rayon::prelude::*;
use std::cell::RefCell;
use std::cmp::Ordering;
use std::collections::HashMap;

/// What the rewrite wing adds to a kept pair.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PairDetail {
    /// Alignment similarity (Dice share of aligned words).
    pub similarity: f64,
    /// Index of the likely source document, for copy relations (not
    /// `partial`) when dates or replaced words tell.
    pub source: Option<u32>,
    /// The edits turning `a` into `b`, without their texts (slice the
    /// documents' texts with [`EditSpans::edit`]): a corpus of near-copies has
    /// millions of edits.
    pub edits: Vec<EditSpans>,
}

/// An [`Edit`] without its texts: byte ranges into the two documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EditSpans {
    /// What changed.
    pub op: EditOp,
    /// Byte range in document `a`.
    pub a: [u32; 2],
    /// Byte range in document `b`.
    pub b: [u32; 2],
}

impl EditSpans {
    fn of(edit: &WordEdit, a: &AlignInput, b: &AlignInput) -> EditSpans {
        let narrow = |r: [usize; 2]| r.map(|x| u32::try_from(x).unwrap_or(u32::MAX));
        let (a_range, b_range) = edit.byte_ranges(a, b);
        EditSpans {
            op: edit.op,
            a: narrow(a_range),
            b: narrow(b_range),
        }
    }

    /// The full edit, with its texts sliced from the two documents' texts.
    pub fn edit(&self, a_text: &str, b_text: &str) -> Edit {
        let (a, b) = (self.a.map(|x| x as usize), self.b.map(|x| x as usize));
        Edit {
            op: self.op,
            a,
            b,
            a_text: a_text.get(a[0]..a[1]).unwrap_or("").to_owned(),
            b_text: b_text.get(b[0]..b[1]).unwrap_or("").to_owned(),
            a_words: [0, 0],
            b_words: [0, 0],
        }
    }

    /// The texts of the edit's two ranges.
    pub fn texts<'t>(&self, a_text: &'t str, b_text: &'t str) -> (&'t str, &'t str) {
        (
            a_text
                .get(self.a[0] as usize..self.a[1] as usize)
                .unwrap_or(""),
            b_text
                .get(self.b[0] as usize..self.b[1] as usize)
                .unwrap_or(""),
        )
    }
}

/// Counts of the rewrite stage.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct RewriteStats {
    /// Spot-signature candidate pairs not already kept by the core channels.
    pub candidates: u64,
    /// Pairs aligned (kept pairs and new candidates).
    pub aligned: u64,
    /// Pairs linked as rewrites (new pairs plus partial pairs upgraded).
    pub rewrites: u64,
    /// Pairs whose source came from dates.
    pub source_by_date: u64,
    /// Pairs whose source came from word commonness.
    pub source_by_words: u64,
}

/// Band keys of one document's spot signature (empty for a document without spots).
pub fn spot_keys(
    tokens: &Tokens,
    text: &str,
    config: &RewriteConfig,
    signature: &mut Vec<u32>,
) -> Vec<u64> {
    let params = dedup::LshParams::with_bands(config.num_bands, config.num_perm);
    // One signer per thread, kept across documents: its donor table is
    // computed once and its buffers are reused.
    thread_local! {
        static SIGNER: RefCell<Option<SpotSigner>> = const { RefCell::new(None) };
    }
    SIGNER.with(|signer| {
        let mut signer = signer.borrow_mut();
        let signer = match signer.as_mut() {
            Some(signer) if signer.fits(config) => signer,
            _ => signer.insert(SpotSigner::new(config)),
        };
        signer.sign(tokens, text, &config.function_words, config, signature);
    });
    let mut keys = Vec::new();
    if signature.first().is_some_and(|&v| v != u32::MAX) {
        dedup::band_keys(signature, &params, &mut keys);
    }
    keys
}

struct Job {
    a: u32,
    b: u32,
    /// Index into the kept pairs, `None` for a new candidate.
    kept: Option<usize>,
}

struct Aligned {
    accepted: bool,
    similarity: f64,
    edits: Vec<EditSpans>,
    /// The side whose replaced words are the more common (the direction
    /// when dates do not tell).
    more_common: Option<Side>,
}

/// What one worker keeps from chunk to chunk: prepared documents (their
/// buffers reused) and the aligner's buffers, so a pair allocates only its
/// edit list.
#[derive(Default)]
struct ChunkAligner {
    prepared: Vec<PreparedWords>,
    /// Document index → slot in `prepared`, for the current chunk.
    slots: HashMap<u32, usize>,
    aligner: Aligner,
}

impl ChunkAligner {
    /// The slot of document `index`, prepared on first use in this chunk:
    /// copies of one story meet in several pairs of a chunk, and each is
    /// tokenized once per chunk.
    fn slot(&mut self, index: u32, documents: &[Document]) -> usize {
        let next = self.slots.len();
        let slot = *self.slots.entry(index).or_insert(next);
        if slot == next {
            if self.prepared.len() == slot {
                self.prepared.push(PreparedWords::default());
            }
            self.prepared[slot].prepare(&documents[index as usize].text);
        }
        slot
    }

    fn align_chunk(
        &mut self,
        chunk: &[Job],
        documents: &[Document],
        frequencies: &WordFrequencies,
        config: &RewriteConfig,
    ) -> Vec<Aligned> {
        self.slots.clear();
        let mut out = Vec::with_capacity(chunk.len());
        for job in chunk {
            let (a_slot, b_slot) = (self.slot(job.a, documents), self.slot(job.b, documents));
            let a = self.prepared[a_slot].input(&documents[job.a as usize].text);
            let b = self.prepared[b_slot].input(&documents[job.b as usize].text);
            let alignment = self.aligner.align(a, b, config);
            let accepted = config.accepts(&alignment);
            let keep_edits = job.kept.is_some() || accepted;
            let edits = self.aligner.word_edits();
            out.push(Aligned {
                accepted,
                similarity: alignment.similarity,
                more_common: if keep_edits {
                    rewrite::more_common_side(edits, a.tokens(), b.tokens(), frequencies)
                } else {
                    None
                },
                edits: if keep_edits {
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
}

/// Buckets (as a power of two) of the corpus word-frequency table.
pub const FREQUENCY_TABLE_BITS: u32 = 20;

/// Pairs aligned per unit of parallel work (a group of jobs sharing `a` is never split).
const ALIGN_CHUNK: usize = 256;

fn date_order(documents: &[Document], a: u32, b: u32) -> Option<Ordering> {
    let (da, db) = (&documents[a as usize].date, &documents[b as usize].date);
    match (da, db) {
        // Compared as strings, as the representative choice does (ISO 8601 sorts right).
        (Some(x), Some(y)) if x != y => Some(x.cmp(y)),
        _ => None,
    }
}

/// Run the stage: `pairs` (sorted by `(a, b)`) gains the rewrite pairs and
/// stays sorted; the returned details are parallel to it.
pub fn link_rewrites(
    documents: &[Document],
    sketches: &[Sketch],
    keys: &[Vec<u64>],
    frequencies: &WordFrequencies,
    pairs: &mut Vec<Pair>,
    config: &RewriteConfig,
    progress: &dyn Progress,
) -> (Vec<PairDetail>, RewriteStats) {
    let mut stats = RewriteStats::default();
    let (candidates, _) = dedup::candidate_pairs(keys, config.num_bands);
    let is_kept = |a: u32, b: u32| pairs.binary_search_by(|p| (p.a, p.b).cmp(&(a, b))).is_ok();
    let mut jobs: Vec<Job> = pairs
        .iter()
        .enumerate()
        .map(|(index, p)| Job {
            a: p.a,
            b: p.b,
            kept: Some(index),
        })
        .collect();
    for &(a, b) in &candidates {
        if !is_kept(a, b) {
            stats.candidates += 1;
            jobs.push(Job { a, b, kept: None });
        }
    }
    drop(candidates);
    jobs.par_sort_unstable_by_key(|job| (job.a, job.b));
    stats.aligned = jobs.len() as u64;

    // Chunks hold whole groups of one `a`, so `a` is tokenized once per group.
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
    let chunks: Vec<&[Job]> = bounds.into_iter().map(|range| &jobs[range]).collect();
    progress.start("rewrite", Some(jobs.len() as u64));
    let aligned: Vec<Aligned> = chunks
        .par_iter()
        .map_init(ChunkAligner::default, |work, chunk| {
            let out = work.align_chunk(chunk, documents, frequencies, config);
            progress.advance(chunk.len() as u64);
            out
        })
        .collect::<Vec<Vec<Aligned>>>()
        .into_iter()
        .flatten()
        .collect();
    progress.finish();

    // Merge: new rewrite pairs join the kept ones; partial pairs that align become rewrites.
    let mut merged: Vec<(Pair, Aligned)> = Vec::with_capacity(pairs.len());
    let mut kept_aligned: Vec<Option<Aligned>> = (0..pairs.len()).map(|_| None).collect();
    for (job, result) in jobs.iter().zip(aligned) {
        match job.kept {
            Some(index) => kept_aligned[index] = Some(result),
            None if result.accepted => {
                let (sa, sb) = (&sketches[job.a as usize], &sketches[job.b as usize]);
                let pair = Pair {
                    a: job.a,
                    b: job.b,
                    overlap: dedup::verify(sa, sb),
                    relation: Relation::Rewrite,
                };
                stats.rewrites += 1;
                merged.push((pair, result));
            }
            None => {}
        }
    }
    for (pair, result) in pairs.drain(..).zip(kept_aligned) {
        let Some(result) = result else { continue };
        let mut pair = pair;
        if pair.relation == Relation::Partial && result.accepted {
            pair.relation = Relation::Rewrite;
            stats.rewrites += 1;
        }
        merged.push((pair, result));
    }
    merged.par_sort_unstable_by_key(|(p, _)| (p.a, p.b));

    // Direction of every copy relation (a near-exact pair may be a lightly
    // spun copy too): dates first; word commonness (the corpus counts made
    // while signing) for the rest.
    let mut sources: Vec<Option<u32>> = vec![None; merged.len()];
    let mut by_words = Vec::new();
    for (index, (pair, _)) in merged.iter().enumerate() {
        if pair.relation == Relation::Partial {
            continue;
        }
        match date_order(documents, pair.a, pair.b) {
            Some(order) => {
                sources[index] = Some(if order == Ordering::Less {
                    pair.a
                } else {
                    pair.b
                });
                stats.source_by_date += 1;
            }
            None => by_words.push(index),
        }
    }
    for index in by_words {
        let (pair, result) = &merged[index];
        sources[index] = match result.more_common {
            Some(Side::A) => Some(pair.a),
            Some(Side::B) => Some(pair.b),
            None => None,
        };
        stats.source_by_words += u64::from(sources[index].is_some());
    }

    let mut details = Vec::with_capacity(merged.len());
    for ((pair, result), source) in merged.into_iter().zip(sources) {
        pairs.push(pair);
        details.push(PairDetail {
            similarity: result.similarity,
            source,
            edits: result.edits,
        });
    }
    (details, stats)
}

/// Whether a copy pair that is not a `rewrite` still shows a spinner's hand:
/// several word swaps, and more swaps than words dropped or added. Copies
/// that only lost words (trimmed, edited, OCR-damaged) show pseudo-swaps where
/// both sides dropped a different word at one place; they are not mined.
fn looks_spun(pair: &Pair, detail: &PairDetail) -> bool {
    if pair.relation == Relation::Partial {
        return false;
    }
    let swaps = detail
        .edits
        .iter()
        .filter(|e| e.op == EditOp::Replace)
        .count();
    swaps >= MIN_MINED_SWAPS && 2 * swaps >= detail.edits.len()
}

/// Word swaps a non-rewrite copy pair needs before its swaps are mined.
const MIN_MINED_SWAPS: usize = 3;

/// The spin lexicon of a run: the replace edits of its rewrite pairs, and of
/// the copy pairs that look spun ([`looks_spun`]): a copy spun lightly still
/// shares enough shingles to be a near-exact or excerpt pair, and its swaps
/// are the same spinner's habits. `partial` pairs (overlap that is not a copy)
/// are left out.
pub fn substitutions(
    documents: &[Document],
    pairs: &[Pair],
    details: &[PairDetail],
    config: &RewriteConfig,
) -> Vec<Substitution> {
    let mined = pairs
        .iter()
        .zip(details)
        .filter(|(pair, detail)| pair.relation == Relation::Rewrite || looks_spun(pair, detail))
        .map(|(pair, detail)| {
            let (a, b) = (&documents[pair.a as usize], &documents[pair.b as usize]);
            rewrite::PairEdits {
                ids: [&a.id, &b.id],
                replacements: detail
                    .edits
                    .iter()
                    .filter(|e| e.op == EditOp::Replace)
                    .map(|e| e.texts(&a.text, &b.text))
                    .collect(),
                source: match detail.source {
                    Some(source) if source == pair.b => Some(Side::B),
                    Some(_) => Some(Side::A),
                    None => None,
                },
            }
        });
    rewrite::mine(mined, config.max_examples)
}
