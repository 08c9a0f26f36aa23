//! The per-word statistical flags (`rare_word`, `rare_collocation`,
//! `spun_word`) raised from the surprises `measure` found, each only where a
//! likely original wording is known and no lexicon or grammar flag already
//! explains the word.

use super::swap::likely_original;
use super::{NgramModel, StatsConfig, Surprise};
use crate::doc::Analysis;
use crate::{flag, Category, Flag, SpanIndex};

/// Rule name of the per-word flags raised only in documents that look spun.
pub const SPUN_WORD: &str = "spun_word";

/// True for the rules of this module (per-word statistical flags).
pub fn is_surprise_rule(rule: &str) -> bool {
    matches!(rule, "rare_word" | "rare_collocation" | SPUN_WORD)
}

/// Flag the words whose surprise reaches [`StatsConfig::flag_surprise`]
/// (`rare_word`, `rare_collocation`), and, when the document as a whole
/// looks spun (`document_evidence` given), the words whose spin log-odds
/// reach [`StatsConfig::spun_word_min_logit`] (`spun_word`).
pub fn flag_surprises(
    analysis: &Analysis<'_>,
    surprises: &[Surprise],
    model: Option<&NgramModel>,
    config: &StatsConfig,
    document_evidence: Option<f64>,
    flags: &mut Vec<Flag>,
) {
    let toks = &analysis.tokens.tokens;
    // What already explains a word: the lexicon and grammar flags raised
    // before this pass, indexed once (a spun page can have a flag a word),
    // and the words this pass flags itself, each a whole token, which only
    // overlaps itself among tokens.
    let lexicon_and_grammar = SpanIndex::new(
        flags
            .iter()
            .filter(|f| matches!(f.category, Category::Spin | Category::Grammar))
            .map(|f| (f.start, f.end)),
    );
    let mut flagged_here = vec![false; toks.len()];
    for s in surprises {
        let surprise = s.total();
        let i = s.token;
        let span = (toks[i].start as usize, toks[i].end as usize);
        // Rare is not swapped: a flag needs a synonym that would sit better
        // in the word's place (technical words mostly have none).
        let original = || model.and_then(|model| likely_original(analysis, s, model));
        if surprise >= config.flag_surprise {
            let Some(original) = original() else {
                continue;
            };
            let by_rarity = s.rarity >= s.pair;
            let message = if by_rarity {
                format!(
                    "\"{}\" is rare in the reference ({:.0} times; surprise {:.2}) where {original}: likely a spinner's synonym",
                    analysis.original(i),
                    s.count,
                    surprise
                )
            } else {
                format!(
                    "\"{}\" sits in word pairs the reference almost never writes (surprise {:.2}) where {original}: likely a spinner's synonym",
                    analysis.original(i),
                    surprise
                )
            };
            flags.push(flag(
                analysis.text,
                if by_rarity {
                    "rare_word"
                } else {
                    "rare_collocation"
                },
                Category::Spin,
                span,
                message,
                (surprise / 8.0).clamp(0.3, 0.9),
            ));
            flagged_here[i] = true;
            continue;
        }
        let Some(evidence) = document_evidence else {
            continue;
        };
        if s.logit < config.spun_word_min_logit {
            continue;
        }
        // A lexicon or grammar flag on the word already says what is wrong.
        if flagged_here[i] || lexicon_and_grammar.overlaps(span.0, span.1) {
            continue;
        }
        let Some(original) = original() else {
            continue;
        };
        let pairs = |count: Option<f64>| match count {
            Some(c) => format!("{c}"),
            None => "-".to_owned(),
        };
        let probability = 1.0 / (1.0 + (-s.logit).exp());
        flags.push(flag(
            analysis.text,
            SPUN_WORD,
            Category::Spin,
            span,
            format!(
                "\"{}\": the document as a whole looks spun (spin evidence {:.2}), and this word is unusual here (reference: {:.0} times alone, {} / {} times with the word before / after) where {original}: likely a spinner's synonym",
                analysis.original(i),
                evidence,
                s.count,
                pairs(s.pair_counts[0]),
                pairs(s.pair_counts[1]),
            ),
            probability.clamp(0.2, 0.9),
        ));
        flagged_here[i] = true;
    }
}
