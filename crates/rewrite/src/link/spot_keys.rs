//! The band keys of the spot signatures, chunked as the signing workers fill
//! them and read band by band as the LSH buckets them.

use crate::{RewriteConfig, SpotSigner};
use copydesk_sketch::{band_keys, sort_keyed_into, BandLinks, LshParams};
use copydesk_text::WordStarts;
use rayon::prelude::*;
use std::cell::RefCell;

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

    /// Every band's buckets as chains, bucketed in parallel.
    pub fn band_links(&self) -> Vec<BandLinks> {
        let documents = self.len();
        // Each worker reuses its entry and sort buffers from band to band.
        (0..self.num_bands)
            .into_par_iter()
            .map_init(
                || (Vec::new(), Vec::new(), Vec::new()),
                |(entries, counts, sorted), band| {
                    self.band_into(band, entries);
                    sort_keyed_into(entries, counts, sorted);
                    BandLinks::from_sorted(sorted, documents)
                },
            )
            .collect()
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
    let params = LshParams::with_bands(config.num_bands, config.num_perm);
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
        band_keys(signature, &params, keys);
    }
}
