//! Which document of a rewrite pair is the likely source.
//!
//! A spinner swaps common words for rarer synonyms ("said" for "stated",
//! "profit" for "gain" is the exception, not the rule), so when the dates do not
//! tell, the side whose replaced words are the more common in the corpus is
//! taken as the source.

use super::{Alignment, EditOp, WordEdit};
use copydesk_text::Tokens;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering as Atomic};

/// One side of a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// Document `a`.
    A,
    /// Document `b`.
    B,
}

/// Document frequencies of words in a corpus, by word hash.
///
/// Counting every word of a large corpus costs a hash-map update per word; a
/// pipeline that only needs the words of some replace edits can count just
/// those ([`WordFrequencies::only`]).
#[derive(Debug, Default)]
pub struct WordFrequencies {
    counts: HashMap<u64, u32>,
    documents: u64,
    restricted: bool,
    /// Occurrence counts by hash bucket, when built by [`WordFrequencies::table`].
    table: Vec<AtomicU32>,
}

impl WordFrequencies {
    /// No documents yet; every word will be counted.
    pub fn new() -> WordFrequencies {
        WordFrequencies::default()
    }

    /// Occurrence counts of every word in a table of `2^bits` buckets, filled
    /// from many threads at once ([`count_into`](Self::count_into) a local
    /// copy, [`add_counts`](Self::add_counts) to this one): no map, so a
    /// pipeline can count a whole corpus while it tokenizes it anyway. Words sharing a bucket add up,
    /// which at 2^20 buckets (a news vocabulary is some 10^5 words) leaves the
    /// common/rare ranking of words intact while the table stays in cache.
    /// Counts are occurrences, not documents.
    pub fn table(bits: u32) -> WordFrequencies {
        WordFrequencies {
            table: (0..1usize << bits.min(30))
                .map(|_| AtomicU32::new(0))
                .collect(),
            ..WordFrequencies::default()
        }
    }

    /// Count every word occurrence of a document into `local`, a plain
    /// per-thread copy of the table (resized on first use), to be added with
    /// [`add_counts`](Self::add_counts): atomic increments on a shared table
    /// make the threads fight over the cache lines of the common words.
    pub fn count_into(&self, hashes: &[u64], local: &mut Vec<u32>) {
        if self.table.is_empty() {
            return;
        }
        if local.len() != self.table.len() {
            local.clear();
            local.resize(self.table.len(), 0);
        }
        let mask = self.table.len() as u64 - 1;
        for &hash in hashes {
            let slot = &mut local[(hash & mask) as usize];
            *slot = slot.saturating_add(1);
        }
    }

    /// Add a per-thread table filled by [`count_into`](Self::count_into) to
    /// the shared one, and empty it.
    pub fn add_counts(&self, local: &mut [u32]) {
        if local.len() != self.table.len() {
            return;
        }
        for (shared, count) in self.table.iter().zip(local.iter_mut()) {
            if *count != 0 {
                shared.fetch_add(*count, Atomic::Relaxed);
                *count = 0;
            }
        }
    }

    /// No documents yet; only the words with these hashes will be counted.
    pub fn only(hashes: impl IntoIterator<Item = u64>) -> WordFrequencies {
        WordFrequencies {
            counts: hashes.into_iter().map(|hash| (hash, 0)).collect(),
            documents: 0,
            restricted: true,
            table: Vec::new(),
        }
    }

    /// An empty counter for the same words as this one (for counting a
    /// share of the corpus on another thread, then [`merge`](Self::merge)).
    pub fn empty_like(&self) -> WordFrequencies {
        WordFrequencies {
            counts: if self.restricted {
                self.counts.keys().map(|&hash| (hash, 0)).collect()
            } else {
                HashMap::new()
            },
            documents: 0,
            restricted: self.restricted,
            table: Vec::new(),
        }
    }

    /// Count the distinct words of one document.
    pub fn add(&mut self, tokens: &Tokens) {
        let mut hashes: Vec<u64> = tokens
            .tokens
            .iter()
            .map(|t| t.hash)
            .filter(|hash| !self.restricted || self.counts.contains_key(hash))
            .collect();
        hashes.sort_unstable();
        hashes.dedup();
        for hash in hashes {
            *self.counts.entry(hash).or_insert(0) += 1;
        }
        self.documents += 1;
    }

    /// Merge counts gathered elsewhere (for example on another thread).
    pub fn merge(&mut self, other: WordFrequencies) {
        for (hash, count) in other.counts {
            *self.counts.entry(hash).or_insert(0) += count;
        }
        self.documents += other.documents;
    }

    /// Number of documents containing the word with this hash (occurrences
    /// for a table).
    pub fn count(&self, hash: u64) -> u32 {
        if !self.table.is_empty() {
            let mask = self.table.len() as u64 - 1;
            return self.table[(hash & mask) as usize].load(Atomic::Relaxed);
        }
        self.counts.get(&hash).copied().unwrap_or(0)
    }

    /// Number of documents counted.
    pub fn documents(&self) -> u64 {
        self.documents
    }
}

/// Mean log document frequency of some words.
fn commonness(hashes: impl ExactSizeIterator<Item = u64>, frequencies: &WordFrequencies) -> f64 {
    let len = hashes.len();
    if len == 0 {
        return 0.0;
    }
    let total: f64 = hashes
        .map(|hash| ln_one_plus(frequencies.count(hash)))
        .sum();
    total / len as f64
}

/// Counts below this have their `ln(1 + count)` tabled.
const TABLED_COUNTS: usize = 4096;

/// `ln(1 + count)`, from a table for the small counts most words have (the
/// very values `ln` gives: the table is filled by it).
fn ln_one_plus(count: u32) -> f64 {
    static TABLE: std::sync::OnceLock<Vec<f64>> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        (0..TABLED_COUNTS)
            .map(|count| (1.0 + count as f64).ln())
            .collect()
    });
    match table.get(count as usize) {
        Some(&value) => value,
        None => (1.0 + f64::from(count)).ln(),
    }
}

/// The side a commonness balance (`a` minus `b`) points to, `None` on a tie.
fn side_of(balance: f64) -> Option<Side> {
    if balance > 1e-9 {
        Some(Side::A)
    } else if balance < -1e-9 {
        Some(Side::B)
    } else {
        None
    }
}

/// The side whose replaced words are the more common, straight from the word
/// edits of an [`Aligner`](super::Aligner) (what
/// [`ReplacedWords::more_common_side`] says, without keeping the words): a
/// pipeline that has its corpus counts before it aligns decides while the
/// tokens are at hand.
pub fn more_common_side(
    edits: &[WordEdit],
    a_hashes: &[u64],
    b_hashes: &[u64],
    frequencies: &WordFrequencies,
) -> Option<Side> {
    fn hashes(hashes: &[u64], range: [u32; 2]) -> Option<impl ExactSizeIterator<Item = u64> + '_> {
        let words = hashes.get(range[0] as usize..range[1] as usize)?;
        Some(words.iter().copied())
    }
    let balance: f64 = edits
        .iter()
        .filter(|e| e.op == EditOp::Replace)
        .filter_map(|e| Some((hashes(a_hashes, e.a_words)?, hashes(b_hashes, e.b_words)?)))
        .map(|(a, b)| commonness(a, frequencies) - commonness(b, frequencies))
        .sum();
    side_of(balance)
}

/// The words of each replace edit of an alignment, by hash: what direction by
/// word commonness needs, small enough to keep per pair while the corpus
/// frequencies of just these words are counted.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReplacedWords {
    edits: Vec<(Vec<u64>, Vec<u64>)>,
}

impl ReplacedWords {
    /// The replaced words of `alignment`, whose documents have these tokens.
    pub fn new(alignment: &Alignment, a_tokens: &Tokens, b_tokens: &Tokens) -> ReplacedWords {
        let hashes = |tokens: &Tokens, range: [u32; 2]| -> Option<Vec<u64>> {
            let words = tokens.tokens.get(range[0] as usize..range[1] as usize)?;
            Some(words.iter().map(|t| t.hash).collect())
        };
        let edits = alignment
            .edits
            .iter()
            .filter(|e| e.op == EditOp::Replace)
            .filter_map(|e| Some((hashes(a_tokens, e.a_words)?, hashes(b_tokens, e.b_words)?)))
            .collect();
        ReplacedWords { edits }
    }

    /// Every word hash involved, on both sides.
    pub fn hashes(&self) -> impl Iterator<Item = u64> + '_ {
        self.edits
            .iter()
            .flat_map(|(a, b)| a.iter().chain(b.iter()).copied())
    }

    /// The side whose replaced words are the more common, `None` on a tie.
    pub fn more_common_side(&self, frequencies: &WordFrequencies) -> Option<Side> {
        let balance: f64 = self
            .edits
            .iter()
            .map(|(a, b)| {
                commonness(a.iter().copied(), frequencies)
                    - commonness(b.iter().copied(), frequencies)
            })
            .sum();
        side_of(balance)
    }
}

/// The likely source of a rewrite pair: the earlier document when
/// `date_order` (a's date compared with b's) says so, otherwise the side whose
/// replaced words are the more common; `None` when nothing tells them apart.
pub fn source(
    alignment: &Alignment,
    a_tokens: &Tokens,
    b_tokens: &Tokens,
    date_order: Option<Ordering>,
    frequencies: &WordFrequencies,
) -> Option<Side> {
    match date_order {
        Some(Ordering::Less) => return Some(Side::A),
        Some(Ordering::Greater) => return Some(Side::B),
        _ => {}
    }
    ReplacedWords::new(alignment, a_tokens, b_tokens).more_common_side(frequencies)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{align, RewriteConfig};
    use copydesk_text::tokenize;

    #[test]
    fn dates_decide_first_then_word_commonness() {
        let corpus = [
            "Officials said the price of fuel rose.",
            "The price of bread rose, officials said.",
            "Prices rose again and officials said so.",
        ];
        let mut frequencies = WordFrequencies::new();
        for text in corpus {
            frequencies.add(&tokenize(text));
        }
        assert_eq!(frequencies.documents(), 3);
        let a = "Officials said the price of milk rose.";
        let b = "Functionaries stated the monetary value of milk ascended.";
        let (ta, tb) = (tokenize(a), tokenize(b));
        let alignment = align(a, &ta, b, &tb, &RewriteConfig::default());
        assert_eq!(
            source(&alignment, &ta, &tb, None, &frequencies),
            Some(Side::A)
        );
        let reversed = align(b, &tb, a, &ta, &RewriteConfig::default());
        assert_eq!(
            source(&reversed, &tb, &ta, None, &frequencies),
            Some(Side::B)
        );
        assert_eq!(
            source(&alignment, &ta, &tb, Some(Ordering::Greater), &frequencies),
            Some(Side::B)
        );
        // Counting only the words that matter gives the same answer.
        let replaced = ReplacedWords::new(&alignment, &ta, &tb);
        let mut restricted = WordFrequencies::only(replaced.hashes());
        for text in corpus {
            restricted.add(&tokenize(text));
        }
        assert_eq!(replaced.more_common_side(&restricted), Some(Side::A));
        assert_eq!(restricted.count(tokenize("stated").tokens[0].hash), 0);
        assert_eq!(restricted.count(tokenize("officials").tokens[0].hash), 3);
        let same = align(a, &ta, a, &ta, &RewriteConfig::default());
        assert_eq!(
            source(&same, &ta, &ta, Some(Ordering::Equal), &frequencies),
            None
        );
    }
}
