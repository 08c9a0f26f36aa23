//! Training-data heuristics as document-level flags: the Gopher quality and
//! repetition rules (Rae et al. 2021), the C4 rules (Raffel et al. 2020) and
//! the FineWeb line rules (Penedo et al. 2024), each reported under the rule
//! name datatrove uses for it so results can be compared one to one.
//!
//! With the news thresholds, words are copydesk's word tokens (runs of
//! letters and digits) and every failing rule is reported. With
//! `decide_as_datatrove` (the `datatrove` thresholds), the `datatrove` module applies
//! the rules with datatrove's own semantics instead: its tokenizer, which
//! counts punctuation marks as words, and the first failing rule of each
//! filter.
//!
//! One filter per file, as datatrove has them: `gopher_quality`,
//! `gopher_repetition`, `c4` and `fineweb`, with the thresholds in `config`.
//! The helpers here are shared by those rules and by `datatrove`.

mod c4;
mod config;
mod datatrove;
mod fineweb;
mod gopher_quality;
mod gopher_repetition;

pub use config::HeuristicsConfig;

use crate::doc::{Analysis, PooledCounter};
use crate::{flag, Category, Flag};
use c4::c4;
use fineweb::fineweb;
use gopher_quality::gopher_quality;
use gopher_repetition::gopher_repetition;

fn whole(analysis: &Analysis<'_>, rule: &str, message: String, flags: &mut Vec<Flag>) {
    flags.push(flag(
        analysis.text,
        rule,
        Category::Heuristic,
        (0, analysis.text.len()),
        message,
        0.5,
    ));
}

/// Run every enabled heuristic.
pub fn check(analysis: &Analysis<'_>, config: &HeuristicsConfig, flags: &mut Vec<Flag>) {
    if analysis.text.trim().is_empty() {
        return;
    }
    if config.decide_as_datatrove {
        datatrove::check(analysis, config, flags);
        return;
    }
    let counts = Counts::of(analysis);
    gopher_quality(analysis, config, &counts, flags);
    gopher_repetition(analysis, config, &counts, flags);
    c4(analysis, config, flags);
    fineweb(analysis, config, &counts, flags);
}

/// Character counts shared by the rules (ASCII text, the common case, is counted in bytes).
struct Counts {
    /// Characters of the text.
    text_chars: usize,
    /// Characters of each word.
    word_lengths: Vec<usize>,
}

fn char_count(text: &str) -> usize {
    if text.is_ascii() {
        text.len()
    } else {
        text.chars().count()
    }
}

impl Counts {
    fn of(analysis: &Analysis<'_>) -> Counts {
        Counts {
            text_chars: char_count(analysis.text),
            word_lengths: analysis.tokens.words().map(char_count).collect(),
        }
    }
}

/// (number of duplicate elements, characters in them), first occurrences excluded.
/// Equal items are found by their 64-bit xxh3: a collision would need two
/// different lines of one document to share a hash.
fn duplicates<'t>(items: impl Iterator<Item = &'t str>) -> (usize, usize, usize) {
    let mut seen = PooledCounter::default();
    seen.reset(64);
    let (mut count, mut dup, mut dup_chars) = (0, 0, 0);
    for item in items {
        count += 1;
        if seen.add(xxhash_rust::xxh3::xxh3_64(item.as_bytes())) > 1 {
            dup += 1;
            dup_chars += char_count(item);
        }
    }
    (count, dup, dup_chars)
}
