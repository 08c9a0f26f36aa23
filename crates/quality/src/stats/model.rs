//! The counts of an [`NgramModel`]: which words and adjacent word pairs a
//! text contributes, and how models are added, merged and subtracted. The
//! fields are visible to the rest of `stats`: the text format writes them,
//! and measuring a document reads them in its hot loop.

use crate::doc::{Analysis, PooledCounter};
use copydesk_text::HashKeyed;
use copydesk_text::Tokens;

/// Word and adjacent-word-pair counts of a reference text collection.
///
/// Words are keyed by the xxh3 hash of their normalized form (as in
/// [`copydesk_text::Token::hash`]), pairs by a combination of the two hashes, so
/// the model stores no text.
#[derive(Debug, Clone, Default)]
pub struct NgramModel {
    pub(super) words: HashKeyed<u32>,
    pub(super) pairs: HashKeyed<u32>,
    pub(super) total_words: u64,
    pub(super) documents: u64,
}

pub(super) fn pair_key(left: u64, right: u64) -> u64 {
    (left.rotate_left(23) ^ right).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ left
}

/// True when the gap between two words keeps them in one phrase (no sentence
/// or clause punctuation, no line break).
pub(super) fn joins(gap: &str) -> bool {
    !gap.bytes().any(|b| {
        matches!(
            b,
            b'.' | b'!' | b'?' | b';' | b':' | b'\n' | b'(' | b')' | b'"' | b','
        )
    })
}

/// Counts of one document, to take it out of corpus counts.
#[derive(Debug, Default)]
pub struct DocCounts {
    pub(super) words: PooledCounter,
    pub(super) pairs: PooledCounter,
    pub(super) total_words: u64,
}

impl DocCounts {
    pub(crate) fn of(analysis: &Analysis<'_>) -> DocCounts {
        let mut counts = DocCounts::default();
        // Sized once for the document: growing a table word by word costs
        // more than counting.
        counts.words.reset(analysis.tokens.len());
        counts.pairs.reset(analysis.tokens.len());
        visit(analysis.text, analysis.tokens, |word, pair| {
            counts.words.add(word);
            counts.total_words += 1;
            if let Some(pair) = pair {
                counts.pairs.add(pair);
            }
        });
        counts
    }
}

/// Call `f(word_hash, pair_key_with_previous)` for every word.
fn visit(text: &str, tokens: &Tokens, mut f: impl FnMut(u64, Option<u64>)) {
    let toks = &tokens.tokens;
    for (i, token) in toks.iter().enumerate() {
        let pair = if i > 0 && joins(&text[toks[i - 1].end as usize..token.start as usize]) {
            Some(pair_key(toks[i - 1].hash, token.hash))
        } else {
            None
        };
        f(token.hash, pair);
    }
}

impl NgramModel {
    /// An empty model.
    pub fn new() -> NgramModel {
        NgramModel::default()
    }

    /// Add one document's counts.
    pub fn add(&mut self, text: &str, tokens: &Tokens) {
        self.documents += 1;
        visit(text, tokens, |word, pair| {
            *self.words.entry(word).or_default() += 1;
            self.total_words += 1;
            if let Some(pair) = pair {
                *self.pairs.entry(pair).or_default() += 1;
            }
        });
    }

    /// Add another model's counts (for fitting in parallel shards).
    pub fn merge(&mut self, other: &NgramModel) {
        for (&k, &v) in &other.words {
            let c = self.words.entry(k).or_default();
            *c = c.saturating_add(v);
        }
        for (&k, &v) in &other.pairs {
            let c = self.pairs.entry(k).or_default();
            *c = c.saturating_add(v);
        }
        self.total_words += other.total_words;
        self.documents += other.documents;
    }

    /// The counts of both models: the smaller one is added into the larger,
    /// which costs as many insertions as the smaller holds (for reducing
    /// models fitted in parallel).
    pub fn merged(self, other: NgramModel) -> NgramModel {
        let (mut larger, smaller) =
            if self.words.len() + self.pairs.len() >= other.words.len() + other.pairs.len() {
                (self, other)
            } else {
                (other, self)
            };
        larger.merge(&smaller);
        larger
    }

    /// Take another model's counts out of this one (counts never go below 0):
    /// the corpus without the documents it should not vouch for.
    pub fn subtract(&mut self, other: &NgramModel) {
        for (&k, &v) in &other.words {
            if let Some(c) = self.words.get_mut(&k) {
                *c = c.saturating_sub(v);
            }
        }
        for (&k, &v) in &other.pairs {
            if let Some(c) = self.pairs.get_mut(&k) {
                *c = c.saturating_sub(v);
            }
        }
        self.total_words = self.total_words.saturating_sub(other.total_words);
        self.documents = self.documents.saturating_sub(other.documents);
    }

    /// Words counted.
    pub fn total_words(&self) -> u64 {
        self.total_words
    }

    /// Documents counted.
    pub fn documents(&self) -> u64 {
        self.documents
    }

    /// Times the word with this hash was seen.
    pub fn word_count(&self, hash: u64) -> u32 {
        self.words.get(&hash).copied().unwrap_or(0)
    }

    pub(super) fn pair_count(&self, key: u64) -> u32 {
        self.pairs.get(&key).copied().unwrap_or(0)
    }
}
