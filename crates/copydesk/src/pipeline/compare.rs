//! `compare`: two documents aligned word by word, with the verdict and the
//! likely source the `dedup` rewrite stage would give the pair.

use crate::corpus::Corpus;
use crate::rewrite::{self, Alignment, RewriteConfig, Side, WordFrequencies};
use crate::text::{tokenize, Tokens};
use std::cmp::Ordering;

/// One side of a comparison.
#[derive(Debug, Clone, Copy)]
pub struct CompareSide<'t> {
    /// The document's text.
    pub text: &'t str,
    /// Its date, compared as a string (ISO 8601 sorts right), if known.
    pub date: Option<&'t str>,
}

/// Two documents aligned.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// The tokens of each side, which the edits' word ranges index.
    pub tokens: [Tokens; 2],
    /// The word alignment of `a` against `b` with every edit.
    pub alignment: Alignment,
    /// Whether the alignment passes as a rewrite.
    pub rewrite: bool,
    /// The likely source: by the replaced words' commonness in the corpus
    /// when there are corpus counts, else by dates; `None` when neither tells.
    pub source: Option<Side>,
}

/// Align `a` with `b`; `frequencies` are the corpus word counts the source
/// direction is judged by (see [`corpus_frequencies`]), if any.
pub fn compare(
    a: CompareSide,
    b: CompareSide,
    frequencies: Option<&WordFrequencies>,
    config: &RewriteConfig,
) -> Comparison {
    let tokens = [tokenize(a.text), tokenize(b.text)];
    let alignment = rewrite::align(a.text, &tokens[0], b.text, &tokens[1], config);
    let date_order = match (a.date, b.date) {
        (Some(x), Some(y)) if x != y => Some(x.cmp(y)),
        _ => None,
    };
    let source = frequencies
        .and_then(|f| rewrite::source(&alignment, &tokens[0], &tokens[1], date_order, f))
        .or(match date_order {
            Some(Ordering::Less) => Some(Side::A),
            Some(_) => Some(Side::B),
            None => None,
        });
    Comparison {
        rewrite: config.accepts(&alignment),
        tokens,
        alignment,
        source,
    }
}

/// The word counts of a corpus, as the rewrite stage counts them while
/// signing.
pub fn corpus_frequencies(corpus: &Corpus) -> WordFrequencies {
    let mut frequencies = WordFrequencies::new();
    for document in &corpus.documents {
        frequencies.add(&tokenize(&document.text));
    }
    frequencies
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_earlier_date_is_the_source_without_corpus_counts() {
        let a = "The minister said on Monday that the new bridge would open in May.";
        let b = "The minister stated on Monday that the new bridge would open in May.";
        let side = |text, date| CompareSide {
            text,
            date: Some(date),
        };
        let config = RewriteConfig::default();
        let later_a = compare(side(a, "2024-03-02"), side(b, "2024-03-01"), None, &config);
        assert_eq!(later_a.source, Some(Side::B));
        let earlier_a = compare(side(a, "2024-03-01"), side(b, "2024-03-02"), None, &config);
        assert_eq!(earlier_a.source, Some(Side::A));
        assert_eq!(earlier_a.alignment.edits.len(), 1);
        let undated = CompareSide {
            text: a,
            date: None,
        };
        assert_eq!(compare(undated, undated, None, &config).source, None);
    }
}
