//! Tokenize and sign: one parallel pass over the corpus that makes each
//! document's sketch and, with the rewrite wing, its spot-signature band keys,
//! its words and the corpus word counts.

use crate::corpus;
use crate::dedup::{self, DedupConfig, Sketch};
use crate::progress::Progress;
use crate::rewrite::link::{ChunkKeys, ChunkWords, CorpusWords, SpotKeys};
use crate::rewrite::{RewriteConfig, WordFrequencies};
use crate::text::{self, Tokens};
use rayon::prelude::*;

/// Documents per unit of parallel work when signing: large enough to amortize
/// the per-chunk token buffer and progress update, small enough to balance.
pub(super) const SIGN_CHUNK: usize = 64;

/// Word counts of one unit of parallel work, added to the shared table when
/// the unit ends (dropped).
struct LocalWordCounts<'a> {
    frequencies: &'a WordFrequencies,
    counts: Vec<u32>,
}

impl Drop for LocalWordCounts<'_> {
    fn drop(&mut self) {
        self.frequencies.add_counts(&mut self.counts);
    }
}

/// What [`sign_all`] gives, per document in input order.
pub(crate) struct Signed {
    /// The sketch of each document.
    pub sketches: Vec<Sketch>,
    /// The number of words of each document.
    pub num_words: Vec<u32>,
    /// The band keys of each document's spot signature (none without the
    /// rewrite wing).
    pub spot_keys: SpotKeys,
    /// The words of each document, kept for the rewrite wing's alignment
    /// (none without it).
    pub words: CorpusWords,
}

/// Cut every document into words and sign it, in parallel. Without the
/// rewrite wing only sketches and word counts stay, and words live in
/// buffers reused per chunk; with it (`rewrite` given), the band keys of the
/// spot signatures and every document's words (hashes and start offsets)
/// stay too, and the corpus word counts its direction needs are added to the
/// given table. Full tokens (normalized text) are made only for character
/// shingles, in one buffer reused per chunk.
pub(crate) fn sign_all(
    documents: &[corpus::Document],
    config: &DedupConfig,
    rewrite: Option<(&RewriteConfig, &WordFrequencies)>,
    progress: &dyn Progress,
) -> Signed {
    let signer = config.signer();
    let by_words = config.shingle == dedup::ShingleKind::Words;
    // Each unit of parallel work starts a fresh table of word counts (4 MB)
    // and adds it to the shared one at its end: few, long units.
    let min_chunks = documents
        .len()
        .div_ceil(SIGN_CHUNK * 4 * rayon::current_num_threads());
    type SignedChunk = (Vec<(Sketch, u32)>, ChunkKeys, Option<ChunkWords>);
    let chunks: Vec<SignedChunk> = documents
        .par_chunks(SIGN_CHUNK)
        .with_min_len(if rewrite.is_some() {
            min_chunks.max(1)
        } else {
            1
        })
        .map_init(
            || {
                rewrite.map(|(_, frequencies)| LocalWordCounts {
                    frequencies,
                    counts: Vec::new(),
                })
            },
            |local_counts, chunk| {
                let mut tokens = Tokens::default();
                let mut chunk_keys = ChunkKeys::default();
                let mut chunk_words = rewrite.map(|_| {
                    ChunkWords::with_capacity(chunk.iter().map(|doc| doc.text.len()).sum())
                });
                let (mut spot_signature, mut keys) = (Vec::new(), Vec::new());
                let (mut word_hashes, mut scratch) = (Vec::new(), String::new());
                let signed = chunk
                    .iter()
                    .map(|doc| {
                        let mut sketch_of_tokens = || {
                            text::tokenize_into(&doc.text, &mut tokens);
                            (signer.sign(&tokens, config), tokens.len())
                        };
                        let (Some((rewrite, _)), Some(local), Some(chunk_words)) =
                            (rewrite, local_counts.as_mut(), chunk_words.as_mut())
                        else {
                            let (sketch, num_words) = if by_words {
                                text::word_hashes_into(&doc.text, &mut word_hashes, &mut scratch);
                                let sketch = signer.sign_word_hashes(&word_hashes, config);
                                (sketch, word_hashes.len())
                            } else {
                                sketch_of_tokens()
                            };
                            return (sketch, u32::try_from(num_words).unwrap_or(u32::MAX));
                        };
                        let doc_words = chunk_words.push(&doc.text);
                        local
                            .frequencies
                            .count_into(doc_words.hashes, &mut local.counts);
                        chunk_keys.push(
                            doc_words,
                            &doc.text,
                            rewrite,
                            &mut keys,
                            &mut spot_signature,
                        );
                        let sketch = if by_words {
                            signer.sign_word_hashes(doc_words.hashes, config)
                        } else {
                            sketch_of_tokens().0
                        };
                        (sketch, u32::try_from(doc_words.len()).unwrap_or(u32::MAX))
                    })
                    .collect();
                progress.advance(chunk.len() as u64);
                (signed, chunk_keys, chunk_words)
            },
        )
        .collect();
    let mut sketches = Vec::with_capacity(documents.len());
    let mut num_words = Vec::with_capacity(documents.len());
    let mut keys = Vec::with_capacity(chunks.len());
    let mut words = Vec::new();
    for (signed, chunk_keys, chunk_words) in chunks {
        for (sketch, count) in signed {
            sketches.push(sketch);
            num_words.push(count);
        }
        keys.push(chunk_keys);
        words.extend(chunk_words);
    }
    let num_bands = rewrite.map_or(0, |(rewrite, _)| rewrite.num_bands);
    Signed {
        sketches,
        num_words,
        spot_keys: SpotKeys::new(num_bands, SIGN_CHUNK, keys),
        words: CorpusWords::new(SIGN_CHUNK, words),
    }
}
