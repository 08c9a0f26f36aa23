//! Which document of a rewrite pair is the likely source.
//!
//! A spinner swaps common words for rarer synonyms ("said" for "stated",
//! "profit" for "gain" is the exception, not the rule), so when the dates do not
//! tell, the side whose replaced words are the more common in the corpus is
//! taken as the source.

use super::{Alignment, EditOp};
use crate::text::Tokens;
use std::cmp::Ordering;
use std::collections::HashMap;

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
#[derive(Debug, Clone, Default)]
pub struct WordFrequencies {
    counts: HashMap<u64, u32>,
    documents: u64,
}

impl WordFrequencies {
    /// No documents yet.
    pub fn new() -> WordFrequencies {
        WordFrequencies::default()
    }

    /// Count the distinct words of one document.
    pub fn add(&mut self, tokens: &Tokens) {
        let mut hashes: Vec<u64> = tokens.tokens.iter().map(|t| t.hash).collect();
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

    /// Number of documents containing the word with this hash.
    pub fn count(&self, hash: u64) -> u32 {
        self.counts.get(&hash).copied().unwrap_or(0)
    }

    /// Number of documents counted.
    pub fn documents(&self) -> u64 {
        self.documents
    }
}

/// Mean log document frequency of the words `range` of `tokens`.
fn commonness(tokens: &Tokens, range: [u32; 2], frequencies: &WordFrequencies) -> f64 {
    let words = &tokens.tokens[range[0] as usize..range[1] as usize];
    if words.is_empty() {
        return 0.0;
    }
    let total: f64 = words
        .iter()
        .map(|t| (1.0 + frequencies.count(t.hash) as f64).ln())
        .sum();
    total / words.len() as f64
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
    let mut balance = 0.0;
    for edit in alignment.edits.iter().filter(|e| e.op == EditOp::Replace) {
        if edit.a_words[1] as usize > a_tokens.len() || edit.b_words[1] as usize > b_tokens.len() {
            continue; // tokens of other documents: nothing to compare
        }
        balance += commonness(a_tokens, edit.a_words, frequencies)
            - commonness(b_tokens, edit.b_words, frequencies);
    }
    if balance > 1e-9 {
        Some(Side::A)
    } else if balance < -1e-9 {
        Some(Side::B)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rewrite::{align, RewriteConfig};
    use crate::text::tokenize;

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
        let same = align(a, &ta, a, &ta, &RewriteConfig::default());
        assert_eq!(
            source(&same, &ta, &ta, Some(Ordering::Equal), &frequencies),
            None
        );
    }
}
