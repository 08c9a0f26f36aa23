//! The rewrite stage of `dedup`: between finding pairs and clustering.
//!
//! Spot-signature candidates not already kept by the core are aligned and
//! kept as `rewrite` pairs when the alignment passes; kept `partial` pairs
//! whose alignment passes become `rewrite` too. Every kept pair is aligned
//! once for its edits, and every copy pair (not `partial`) gets a likely
//! source. Documents are not cut into words again: signing kept every
//! document's words as hashes and start offsets ([`CorpusWords`], 12 bytes a
//! word: some 160 MB on a 79 MB corpus, which saves a second pass of the
//! tokenizer over the corpus, about a fifth of this stage's work). Pairs are
//! aligned in chunks of consecutive first documents; each worker keeps the
//! aligner's buffers from chunk to chunk, and the likely source by word
//! commonness is decided while a pair's words are at hand, so what
//! stays per pair is its edits' byte ranges.

use super::Signed;
use crate::corpus::Document;
use crate::dedup::{self, Pair, Relation};
use crate::progress::Progress;
use crate::rewrite::{
    self, AlignInput, Aligner, Edit, EditOp, RewriteConfig, Side, SpotSigner, Substitution,
    WordEdit, WordFrequencies,
};
use crate::text::{self, WordStarts};
use rayon::prelude::*;
use std::cell::RefCell;
use std::cmp::Ordering;

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

impl PairDetail {
    /// The same alignment read from the other side (`b` against `a`): ranges
    /// swap, and inserts become deletes and deletes inserts.
    pub fn turn_around(&mut self) {
        for edit in &mut self.edits {
            (edit.a, edit.b) = (edit.b, edit.a);
            edit.op = match edit.op {
                EditOp::Replace => EditOp::Replace,
                EditOp::Insert => EditOp::Delete,
                EditOp::Delete => EditOp::Insert,
            };
        }
    }
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

/// The words of every document of a corpus ([`WordStarts`]: hashes and
/// start offsets, 12 bytes a word), kept from signing so that the rewrite
/// stage aligns without cutting any document into words a second time.
///
/// Invariant: every chunk but the last holds `chunk_len` documents, chunk
/// `c` starting at document `c * chunk_len`, as the signing workers filled
/// them.
#[derive(Debug, Clone, Default)]
pub struct CorpusWords {
    chunk_len: usize,
    chunks: Vec<ChunkWords>,
}

impl CorpusWords {
    /// The words of a corpus from its chunks, each of `chunk_len` documents
    /// but the last.
    pub fn new(chunk_len: usize, chunks: Vec<ChunkWords>) -> CorpusWords {
        CorpusWords {
            chunk_len: chunk_len.max(1),
            chunks,
        }
    }

    /// The alignment input of document `index`, whose text is `text` (no
    /// words for a document not held).
    pub fn input<'t>(&'t self, index: u32, text: &'t str) -> AlignInput<'t> {
        let index = index as usize;
        let (words, numbers) = self
            .chunks
            .get(index / self.chunk_len)
            .map_or((WordStarts::default(), 0), |chunk| {
                chunk.document(index % self.chunk_len)
            });
        AlignInput::with_numbers(text, words, numbers)
    }
}

/// The words of consecutive documents, one after another in two arrays.
///
/// Invariant: `bounds` starts with 0 and has one more entry than the chunk
/// has documents; document `i`'s words are `bounds[i]..bounds[i + 1]`.
#[derive(Debug, Clone)]
pub struct ChunkWords {
    hashes: Vec<u64>,
    starts: Vec<u32>,
    bounds: Vec<u32>,
    /// Each document's count of numbers, taken while its text is at hand.
    numbers: Vec<u32>,
    scratch: String,
}

impl ChunkWords {
    /// An empty chunk with room for the words of about `text_bytes` bytes
    /// of text.
    pub fn with_capacity(text_bytes: usize) -> ChunkWords {
        // News text runs at about six bytes a word: room for 1.5 times that.
        let words = text_bytes / 4;
        ChunkWords {
            hashes: Vec::with_capacity(words),
            starts: Vec::with_capacity(words),
            bounds: vec![0],
            numbers: Vec::new(),
            scratch: String::new(),
        }
    }

    /// Cut the next document's text into words, add them, and return them.
    pub fn push(&mut self, text: &str) -> WordStarts<'_> {
        let first = self.hashes.len();
        text::push_word_starts(text, &mut self.hashes, &mut self.starts, &mut self.scratch);
        // A chunk past 4 G words cannot be indexed: its later documents get none.
        let end = u32::try_from(self.hashes.len()).unwrap_or_else(|_| {
            self.hashes.truncate(first);
            self.starts.truncate(first);
            first as u32
        });
        self.bounds.push(end);
        let starts = &self.starts[first..];
        self.numbers.push(rewrite::count_numbers(text, starts));
        WordStarts {
            hashes: &self.hashes[first..],
            starts,
        }
    }

    /// The words of the chunk's document `index` and its count of numbers.
    fn document(&self, index: usize) -> (WordStarts<'_>, u32) {
        match (self.bounds.get(index), self.bounds.get(index + 1)) {
            (Some(&start), Some(&end)) => (
                WordStarts {
                    hashes: &self.hashes[start as usize..end as usize],
                    starts: &self.starts[start as usize..end as usize],
                },
                self.numbers.get(index).copied().unwrap_or(0),
            ),
            _ => (WordStarts::default(), 0),
        }
    }
}

/// The band keys of every document's spot signature: what the rewrite
/// channel's LSH buckets. Filled in parallel by chunks of consecutive
/// documents, each chunk's keys in one array, so a corpus costs a few
/// thousand allocations rather than one per document.
///
/// Invariant: every chunk but the last holds `chunk_len` documents; a
/// chunk's `keys` has `num_bands` slots per document, band-major once the
/// corpus is assembled (a chunk fills them document-major, [`SpotKeys::new`]
/// turns them), and a document without spots (`keyed` false) has zeros there
/// and joins no bucket.
#[derive(Debug, Clone, Default)]
pub struct SpotKeys {
    num_bands: usize,
    chunk_len: usize,
    chunks: Vec<ChunkKeys>,
}

/// The band keys of consecutive documents (see [`SpotKeys`]).
#[derive(Debug, Clone, Default)]
pub struct ChunkKeys {
    keys: Vec<u64>,
    keyed: Vec<bool>,
}

impl ChunkKeys {
    /// Sign the spots of the next document and add its band keys. `keys` is
    /// a buffer for them and `signature` one for the spot signature, both
    /// reused from document to document.
    pub fn push(
        &mut self,
        words: WordStarts,
        text: &str,
        config: &RewriteConfig,
        keys: &mut Vec<u64>,
        signature: &mut Vec<u32>,
    ) {
        spot_keys(words, text, config, signature, keys);
        self.keyed.push(!keys.is_empty());
        // Exactly `num_bands` slots, whatever the parameters: the layout
        // of the chunk depends on it.
        let first = self.keys.len();
        self.keys.resize(first + config.num_bands, 0);
        for (slot, &key) in self.keys[first..].iter_mut().zip(keys.iter()) {
            *slot = key;
        }
    }
}

impl SpotKeys {
    /// The keys of a corpus from its chunks, each of `chunk_len` documents
    /// but the last, with `num_bands` keys a document.
    pub fn new(num_bands: usize, chunk_len: usize, mut chunks: Vec<ChunkKeys>) -> SpotKeys {
        // Filled document by document, read band by band: each band's keys
        // of a chunk are made contiguous, so a band is read without touching
        // every other band's cache lines.
        chunks.par_iter_mut().for_each(|chunk| {
            let documents = chunk.keyed.len();
            let by_document = std::mem::take(&mut chunk.keys);
            chunk.keys = (0..num_bands * documents)
                .map(|slot| by_document[(slot % documents) * num_bands + slot / documents])
                .collect();
        });
        SpotKeys {
            num_bands,
            chunk_len,
            chunks,
        }
    }

    /// From each document's keys: `num_bands` of them, or none.
    pub fn from_documents(keys: &[Vec<u64>], num_bands: usize) -> SpotKeys {
        let mut chunk = ChunkKeys::default();
        for doc_keys in keys {
            let keyed = doc_keys.len() == num_bands && num_bands > 0;
            chunk.keyed.push(keyed);
            match keyed {
                true => chunk.keys.extend_from_slice(doc_keys),
                false => chunk.keys.resize(chunk.keys.len() + num_bands, 0),
            }
        }
        SpotKeys::new(num_bands, keys.len().max(1), vec![chunk])
    }

    /// Number of documents.
    pub fn len(&self) -> usize {
        self.chunks.iter().map(|chunk| chunk.keyed.len()).sum()
    }

    /// True when there are no documents.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The `(key, document)` entries of one band, in document order, into
    /// `out` (replaced).
    fn band_into(&self, band: usize, out: &mut Vec<(u64, u32)>) {
        out.clear();
        for (number, chunk) in self.chunks.iter().enumerate() {
            let first = number * self.chunk_len;
            let documents = chunk.keyed.len();
            let keys = &chunk.keys[band * documents..(band + 1) * documents];
            for (index, (&key, _)) in keys
                .iter()
                .zip(&chunk.keyed)
                .enumerate()
                .filter(|(_, (_, &keyed))| keyed)
            {
                out.push((key, (first + index) as u32));
            }
        }
    }
}

/// The band keys of one document's spot signature into `keys` (left empty
/// for a document without spots).
fn spot_keys(
    words: WordStarts,
    text: &str,
    config: &RewriteConfig,
    signature: &mut Vec<u32>,
    keys: &mut Vec<u64>,
) {
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
        signer.sign(words, text, &config.function_words, config, signature);
    });
    keys.clear();
    if signature.first().is_some_and(|&v| v != u32::MAX) {
        dedup::band_keys(signature, &params, keys);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

/// Align one chunk of jobs with a worker's aligner, whose buffers are kept
/// from chunk to chunk, so a pair allocates only its edit list.
fn align_chunk(
    aligner: &mut Aligner,
    chunk: &[Job],
    documents: &[Document],
    words: &CorpusWords,
    frequencies: &WordFrequencies,
    config: &RewriteConfig,
) -> Vec<Aligned> {
    let mut out = Vec::with_capacity(chunk.len());
    for job in chunk {
        let a = words.input(job.a, &documents[job.a as usize].text);
        let b = words.input(job.b, &documents[job.b as usize].text);
        let alignment = aligner.align(a, b, config);
        let accepted = config.accepts(&alignment);
        let keep_edits = job.kept.is_some() || accepted;
        let edits = aligner.word_edits();
        out.push(Aligned {
            accepted,
            similarity: alignment.similarity,
            more_common: if keep_edits {
                rewrite::more_common_side(edits, a.words().hashes, b.words().hashes, frequencies)
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

/// One band of the spot signatures' LSH as links: each document's next
/// member of its bucket, buckets ordered by document, so the later members
/// of a document's bucket are the chain from it.
///
/// Invariant: `next[doc]` is [`NO_LINK`] for the last member of a bucket,
/// for a document alone in its bucket and for one without keys; a member of
/// a bucket larger than [`dedup::MAX_BUCKET_PAIRS_SIZE`] other than its head
/// is `quiet` (it pairs with the head only, from the head's chain).
struct BandLinks {
    next: Vec<u32>,
    /// One bit per document.
    quiet: Vec<u64>,
}

/// The end of a chain in [`BandLinks`].
const NO_LINK: u32 = u32::MAX;

impl BandLinks {
    /// The links of every band.
    fn all(keys: &SpotKeys) -> Vec<BandLinks> {
        let documents = keys.len();
        // Each worker reuses its entry and sort buffers from band to band.
        (0..keys.num_bands)
            .into_par_iter()
            .map_init(
                || (Vec::new(), Vec::new(), Vec::new()),
                |(entries, counts, sorted), band| {
                    keys.band_into(band, entries);
                    dedup::sort_keyed_into(entries, counts, sorted);
                    BandLinks::new(sorted, documents)
                },
            )
            .collect()
    }

    /// One band's links from its `(key, document)` entries sorted by key,
    /// then document.
    fn new(sorted: &[(u64, u32)], documents: usize) -> BandLinks {
        let mut next = vec![NO_LINK; documents];
        let mut quiet = vec![0u64; documents.div_ceil(64)];
        for bucket in sorted.chunk_by(|x, y| x.0 == y.0) {
            for link in bucket.windows(2) {
                next[link[0].1 as usize] = link[1].1;
            }
            if bucket.len() > dedup::MAX_BUCKET_PAIRS_SIZE {
                for &(_, doc) in &bucket[1..] {
                    quiet[doc as usize / 64] |= 1 << (doc % 64);
                }
            }
        }
        BandLinks { next, quiet }
    }

    /// Call `partner` with each document after `doc` that its bucket pairs
    /// it with, as [`dedup::candidate_pairs`] pairs them: all later members
    /// of a bucket of at most [`dedup::MAX_BUCKET_PAIRS_SIZE`], in a larger
    /// one all of them only when `doc` is the bucket's head.
    #[inline]
    fn partners_after(&self, doc: u32, mut partner: impl FnMut(u32)) {
        if self.quiet[doc as usize / 64] >> (doc % 64) & 1 == 1 {
            return;
        }
        let mut member = self.next[doc as usize];
        while member != NO_LINK {
            partner(member);
            member = self.next[member as usize];
        }
    }
}

/// Documents per unit of parallel work when listing the pairs to align.
const JOB_CHUNK: usize = 1024;

/// Every pair to align, sorted by `(a, b)`: the kept `pairs` (sorted by
/// `(a, b)`) and the spot-signature candidates not among them. The
/// candidates are those of [`dedup::candidate_pairs`] over the spot keys,
/// gathered per first document rather than sorted together: a corpus of
/// copies meets each pair in most of the bands, millions of repeats that a
/// global sort would order only to drop them. A worker drops the repeats as
/// it meets them, marking each partner with the document it was found for.
fn jobs(keys: &SpotKeys, pairs: &[Pair]) -> Vec<Job> {
    let bands = BandLinks::all(keys);
    let documents = keys.len().max(pairs.last().map_or(0, |p| p.a as usize + 1));
    let starts: Vec<usize> = (0..documents).step_by(JOB_CHUNK).collect();
    let per_chunk: Vec<Vec<Job>> = starts
        .par_iter()
        .map_init(
            || vec![NO_LINK; keys.len()],
            |found_for, &start| {
                let end = (start + JOB_CHUNK).min(documents);
                let mut kept = pairs.partition_point(|p| (p.a as usize) < start);
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
                    while kept < pairs.len() && pairs[kept].a == a {
                        let b = pairs[kept].b;
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

/// Run the stage over what signing kept (sketches, spot keys, words):
/// `pairs` (sorted by `(a, b)`) gains the rewrite pairs and stays sorted; the
/// returned details are parallel to it.
pub fn link_rewrites(
    documents: &[Document],
    signed: &Signed,
    frequencies: &WordFrequencies,
    pairs: &mut Vec<Pair>,
    config: &RewriteConfig,
    progress: &dyn Progress,
) -> (Vec<PairDetail>, RewriteStats) {
    let mut stats = RewriteStats::default();
    let Signed {
        sketches,
        spot_keys,
        words,
        ..
    } = signed;
    let jobs = jobs(spot_keys, pairs);
    stats.candidates = jobs.iter().filter(|job| job.kept.is_none()).count() as u64;
    stats.aligned = jobs.len() as u64;

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
    let chunks: Vec<&[Job]> = bounds.into_iter().map(|range| &jobs[range]).collect();
    progress.start("rewrite", Some(jobs.len() as u64));
    let aligned: Vec<Vec<Aligned>> = chunks
        .par_iter()
        .map_init(Aligner::new, |aligner, chunk| {
            let out = align_chunk(aligner, chunk, documents, words, frequencies, config);
            progress.advance(chunk.len() as u64);
            out
        })
        .collect();
    progress.finish();

    // Merge in one pass: new rewrite pairs join the kept ones; partial pairs
    // that align become rewrites. Jobs hold every kept pair once, in `(a, b)`
    // order with the candidates, so the pairs come out in order. Every copy
    // relation (a near-exact pair may be a lightly spun copy too) gets its
    // direction: dates first, word commonness (the corpus counts made while
    // signing) for the rest.
    let kept = std::mem::take(pairs);
    pairs.reserve(kept.len() + 16);
    let mut details = Vec::with_capacity(kept.len() + 16);
    for (job, result) in jobs.iter().zip(aligned.into_iter().flatten()) {
        let pair = match job.kept {
            Some(index) => {
                let mut pair = kept[index].clone();
                if pair.relation == Relation::Partial && result.accepted {
                    pair.relation = Relation::Rewrite;
                    stats.rewrites += 1;
                }
                pair
            }
            None if result.accepted => {
                let (sa, sb) = (&sketches[job.a as usize], &sketches[job.b as usize]);
                stats.rewrites += 1;
                Pair {
                    a: job.a,
                    b: job.b,
                    overlap: dedup::verify(sa, sb),
                    relation: Relation::Rewrite,
                }
            }
            None => continue,
        };
        let source = match (pair.relation, date_order(documents, pair.a, pair.b)) {
            (Relation::Partial, _) => None,
            (_, Some(order)) => {
                stats.source_by_date += 1;
                Some(if order == Ordering::Less {
                    pair.a
                } else {
                    pair.b
                })
            }
            (_, None) => {
                let source = match result.more_common {
                    Some(Side::A) => Some(pair.a),
                    Some(Side::B) => Some(pair.b),
                    None => None,
                };
                stats.source_by_words += u64::from(source.is_some());
                source
            }
        };
        details.push(PairDetail {
            similarity: result.similarity,
            source,
            edits: result.edits,
        });
        pairs.push(pair);
    }
    (details, stats)
}

/// Whether one side of a kept pair is a spun copy of the other: a `rewrite`
/// pair, or a copy pair that still shows a spinner's hand: several word
/// swaps, and more swaps than words dropped or added. Copies that only lost
/// words (trimmed, edited, OCR-damaged) show pseudo-swaps where both sides
/// dropped a different word at one place; they do not count. `partial` pairs
/// (overlap that is not a copy) never do.
pub(crate) fn looks_spun(pair: &Pair, detail: &PairDetail) -> bool {
    match pair.relation {
        Relation::Rewrite => true,
        Relation::Partial => false,
        _ => {
            let swaps = detail
                .edits
                .iter()
                .filter(|e| e.op == EditOp::Replace)
                .count();
            swaps >= MIN_SPUN_SWAPS && 2 * swaps >= detail.edits.len()
        }
    }
}

/// Word swaps a copy pair that is not a `rewrite` needs to look spun.
const MIN_SPUN_SWAPS: usize = 3;

/// The spin lexicon of a run: the replace edits of the pairs that look spun
/// (rewrite pairs, and copy pairs with three swaps or more that are at least
/// half of their edits): a copy spun lightly still shares enough shingles to
/// be a near-exact or excerpt pair, and its swaps are the same spinner's
/// habits. `partial` pairs (overlap that is not a copy) are left out.
pub fn substitutions(
    documents: &[Document],
    pairs: &[Pair],
    details: &[PairDetail],
    config: &RewriteConfig,
) -> Vec<Substitution> {
    let mined = pairs
        .iter()
        .zip(details)
        .filter(|(pair, detail)| looks_spun(pair, detail))
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
    let options = rewrite::MineOptions {
        max_examples: config.max_examples,
        reference: config
            .reference
            .as_deref()
            .unwrap_or_else(|| crate::quality::Reference::builtin()),
        all: config.all_substitutions,
    };
    rewrite::mine(mined, &options)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dedup::Overlap;

    /// The pairs to align as the stage listed them before gathering per
    /// document: all candidates sorted together, the kept ones left out,
    /// the rest merged with the kept pairs and sorted.
    fn jobs_by_global_sort(keys: &[Vec<u64>], num_bands: usize, pairs: &[Pair]) -> Vec<Job> {
        let (candidates, _) = dedup::candidate_pairs(keys, num_bands);
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
            let pairs: Vec<Pair> = kept
                .into_iter()
                .map(|(a, b)| Pair {
                    a,
                    b,
                    overlap: Overlap {
                        jaccard: 0.5,
                        containment: [0.5, 0.5],
                    },
                    relation: Relation::NearExact,
                })
                .collect();
            let expected = jobs_by_global_sort(&keys, num_bands, &pairs);
            assert!(expected.iter().any(|job| job.kept.is_none()) || documents == 0);
            let spot_keys = SpotKeys::from_documents(&keys, num_bands);
            assert_eq!(jobs(&spot_keys, &pairs), expected);
        }
    }
}
