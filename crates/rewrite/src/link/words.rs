//! The words of a corpus kept from signing, so that linking aligns without
//! cutting any document into words a second time.

use crate::AlignInput;
use copydesk_text::{push_word_starts, WordStarts};

/// The words of every document of a corpus ([`WordStarts`]: hashes and
/// start offsets, 12 bytes a word), kept from signing so that the rewrite
/// linking aligns without cutting any document into words a second time.
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
        push_word_starts(text, &mut self.hashes, &mut self.starts, &mut self.scratch);
        // A chunk past 4 G words cannot be indexed: its later documents get none.
        let end = u32::try_from(self.hashes.len()).unwrap_or_else(|_| {
            self.hashes.truncate(first);
            self.starts.truncate(first);
            first as u32
        });
        self.bounds.push(end);
        let starts = &self.starts[first..];
        self.numbers.push(crate::count_numbers(text, starts));
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
