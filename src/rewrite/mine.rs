//! Substitution mining: the spinner's habits, learned from rewrite pairs.
//!
//! Every replace edit of a rewrite pair is read from its source side to its
//! rewritten side ("said" → "stated") in normalized words, and counted across
//! the corpus. The quality pass uses the lexicon to flag the same swaps in
//! documents whose source is absent.

use super::{Edit, EditOp, Side};
use crate::text::{tokenize_into, Tokens};
use serde::Serialize;
use std::collections::BTreeMap;

/// One aligned pair as mining needs it: the texts of its replace edits (the
/// words come from these texts, so the documents' tokens need not be kept).
#[derive(Debug, Clone)]
pub struct PairEdits<'a> {
    /// Ids of documents `a` and `b`.
    pub ids: [&'a str; 2],
    /// `(a_text, b_text)` of each replace edit.
    pub replacements: Vec<(&'a str, &'a str)>,
    /// The likely source; `a` is read as the source when unknown.
    pub source: Option<Side>,
}

impl<'a> PairEdits<'a> {
    /// From the edits of [`super::align`].
    pub fn from_edits(ids: [&'a str; 2], edits: &'a [Edit], source: Option<Side>) -> PairEdits<'a> {
        PairEdits {
            ids,
            replacements: edits
                .iter()
                .filter(|e| e.op == EditOp::Replace)
                .map(|e| (e.a_text.as_str(), e.b_text.as_str()))
                .collect(),
            source,
        }
    }
}

/// A word swap seen in rewrite pairs: one line of `substitutions.jsonl`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Substitution {
    /// Normalized words of the source side.
    pub from: String,
    /// Normalized words of the rewritten side.
    pub to: String,
    /// Number of replace edits seen with this swap.
    pub count: u64,
    /// Ids of pairs where it was seen, `[source, rewrite]`, in the order the
    /// pairs were given, at most the configured number.
    pub examples: Vec<[String; 2]>,
}

/// The normalized words of an edit side, `None` when empty or holding a
/// number or a value word.
fn words(text: &str, tokens: &mut Tokens) -> Option<String> {
    tokenize_into(text, tokens);
    if tokens.is_empty() {
        return None;
    }
    let mut out = String::new();
    for word in tokens.words() {
        // Numbers, months and magnitudes are facts, not style: a changed
        // value is no spinner habit (it is two stories on one template).
        if word.starts_with(|c: char| c.is_numeric()) || super::align::is_value_word(word) {
            return None;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    Some(out)
}

/// Count and example pair ids of one swap while mining.
type Seen = (u64, Vec<[String; 2]>);

/// Aggregate the replace edits of `pairs` into substitutions, sorted by count
/// (descending), then `from`, then `to`.
pub fn mine<'a>(
    pairs: impl IntoIterator<Item = PairEdits<'a>>,
    max_examples: usize,
) -> Vec<Substitution> {
    // Keyed by `from`, then `to`: looked up by borrowed words, so a swap
    // seen again allocates nothing.
    let mut seen: BTreeMap<String, BTreeMap<String, Seen>> = BTreeMap::new();
    let mut tokens = Tokens::default();
    let mut words = |text: &str| words(text, &mut tokens);
    for pair in pairs {
        let b_is_source = pair.source == Some(Side::B);
        for &(a_text, b_text) in &pair.replacements {
            let (Some(a_words), Some(b_words)) = (words(a_text), words(b_text)) else {
                continue;
            };
            if a_words == b_words {
                continue;
            }
            let (from, to, ids) = if b_is_source {
                (b_words, a_words, [pair.ids[1], pair.ids[0]])
            } else {
                (a_words, b_words, pair.ids)
            };
            let targets = match seen.get_mut(&from) {
                Some(targets) => targets,
                None => seen.entry(from).or_default(),
            };
            let entry = match targets.get_mut(&to) {
                Some(entry) => entry,
                None => targets.entry(to).or_insert((0, Vec::new())),
            };
            entry.0 += 1;
            if entry.1.len() < max_examples
                && !entry.1.iter().any(|[s, r]| s == ids[0] && r == ids[1])
            {
                entry.1.push([ids[0].to_owned(), ids[1].to_owned()]);
            }
        }
    }
    let mut out: Vec<Substitution> = seen
        .into_iter()
        .flat_map(|(from, targets)| {
            targets
                .into_iter()
                .map(move |(to, (count, examples))| Substitution {
                    from: from.clone(),
                    to,
                    count,
                    examples,
                })
        })
        .collect();
    // The map is ordered by (from, to) already; a stable sort keeps that order among equal counts.
    out.sort_by_key(|s| std::cmp::Reverse(s.count));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rewrite::{align, RewriteConfig};
    use crate::text::tokenize;

    #[test]
    fn swaps_are_counted_from_source_to_rewrite() {
        let config = RewriteConfig::default();
        let docs = [
            ("s1", "Officials said the harvest was poor in 1987."),
            ("r1", "Officials stated the crop was poor in 1988."),
            ("s2", "The minister said prices rose."),
            ("r2", "The minister stated prices ascended."),
        ];
        let tokens: Vec<_> = docs.iter().map(|(_, t)| tokenize(t)).collect();
        let first = align(docs[0].1, &tokens[0], docs[1].1, &tokens[1], &config);
        // Given reversed, with the source said to be b.
        let second = align(docs[3].1, &tokens[3], docs[2].1, &tokens[2], &config);
        let pairs = [
            PairEdits::from_edits(["s1", "r1"], &first.edits, None),
            PairEdits::from_edits(["r2", "s2"], &second.edits, Some(Side::B)),
        ];
        let mined = mine(pairs.clone(), 5);
        let got: Vec<(&str, &str, u64)> = mined
            .iter()
            .map(|s| (s.from.as_str(), s.to.as_str(), s.count))
            .collect();
        assert_eq!(
            got,
            [
                ("said", "stated", 2),
                ("harvest", "crop", 1),
                ("rose", "ascended", 1)
            ]
        );
        assert_eq!(
            mined[0].examples,
            [
                ["s1".to_owned(), "r1".to_owned()],
                ["s2".to_owned(), "r2".to_owned()]
            ]
        );
        assert_eq!(mine(pairs, 1)[0].examples.len(), 1);
    }
}
