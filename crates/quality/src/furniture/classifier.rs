//! The two-stage model: the first stage's probabilities feed the second
//! stage's context, the second decides, and the features that pushed a line
//! furthest from typical prose explain the flag.

use super::blocks::{blocks, is_prose, Block};
use super::weights::{feature_name, FurnitureWeights, N_ALL, N_OWN};
use crate::doc::Analysis;
use crate::{flag, Category, Flag};

fn logistic(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

fn dot(weights: &[f64], features: &[f64]) -> f64 {
    weights.iter().zip(features).map(|(w, x)| w * x).sum()
}

/// Second-stage feature vectors of every block: its own features, its
/// neighbours', and the first stage's probabilities around it.
pub fn context_vectors(blocks: &[Block], weights: &FurnitureWeights) -> Vec<[f64; N_ALL]> {
    let first: Vec<f64> = blocks
        .iter()
        .map(|b| logistic(dot(&weights.own, &b.own)))
        .collect();
    let at = |i: Option<usize>| i.and_then(|i| first.get(i)).copied();
    (0..blocks.len())
        .map(|i| {
            let mut x = [0.0; N_ALL];
            x[..N_OWN].copy_from_slice(&blocks[i].own);
            if let Some(prev) = i.checked_sub(1) {
                x[N_OWN..2 * N_OWN].copy_from_slice(&blocks[prev].own);
            }
            if let Some(next) = blocks.get(i + 1) {
                x[2 * N_OWN..3 * N_OWN].copy_from_slice(&next.own);
            }
            let c = 3 * N_OWN;
            let prev = at(i.checked_sub(1));
            let next = at(Some(i + 1));
            x[c] = prev.unwrap_or(0.0);
            x[c + 1] = next.unwrap_or(0.0);
            x[c + 2] = at(i.checked_sub(2)).unwrap_or(0.0);
            x[c + 3] = at(Some(i + 2)).unwrap_or(0.0);
            x[c + 4] = f64::from(u8::from(prev.is_none()));
            x[c + 5] = f64::from(u8::from(next.is_none()));
            x
        })
        .collect()
}

/// What a typical line of prose has, for explaining a decision: a feature
/// counts toward "furniture" by how far it is from this value, times its
/// weight.
const PROSE_OWN: [f64; N_OWN] = [
    1.0, 3.3, 4.9, 0.0, 0.45, 1.0, 1.0, 1.0, 0.15, 0.0, 0.03, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
    0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 0.7, 0.5, 0.0,
];
const PROSE_CONTEXT: [f64; 6] = [0.1, 0.1, 0.1, 0.1, 0.0, 0.0];

fn prose_value(index: usize) -> f64 {
    if index < 3 * N_OWN {
        PROSE_OWN[index % N_OWN]
    } else {
        PROSE_CONTEXT[index - 3 * N_OWN]
    }
}

fn describe(index: usize, x: &[f64; N_ALL]) -> String {
    match index / N_OWN {
        1 => return "after a line like it".into(),
        2 => return "before a line like it".into(),
        _ => {}
    }
    match feature_name(index).as_str() {
        "log_words" | "log_chars" | "few_words" => {
            let words = (x[1].exp() - 1.0).round() as usize;
            format!("{words} word{}", if words == 1 { "" } else { "s" })
        }
        "stopword_share" => "few stop words".into(),
        "capital_start" => "no capital at the start".into(),
        "terminal_punct" => "no closing punctuation".into(),
        "has_verb" => "no verb".into(),
        "title_share" => "title case".into(),
        "caps_share" => "capitals".into(),
        "digit_share" => "figures".into(),
        "date" => "a date".into(),
        "time" => "a time of day".into(),
        "symbol_share" => "separators (| › » ©)".into(),
        "prompt_share" => "web prompts (share, print, email, subscribe ...)".into(),
        "ellipsis_end" => "ends in an ellipsis".into(),
        "colon_end" => "ends in a colon".into(),
        "pattern_any" | "pattern_cover" => "a furniture pattern".into(),
        "first_line" => "first line".into(),
        "last_line" => "last line".into(),
        "before_prose" => "above the article's prose".into(),
        "after_prose" => "below the article's prose".into(),
        "prev_prose" => "not after a paragraph of prose".into(),
        "next_prose" => "not before a paragraph of prose".into(),
        "log_prose_distance" => "far from the article's prose".into(),
        "topic_share" => "words the article's prose does not use".into(),
        "no_topic_words" => "no topical words".into(),
        "prev_p" | "prev2_p" => "after furniture lines".into(),
        "next_p" | "next2_p" => "before furniture lines".into(),
        "no_prev" => "at the top".into(),
        "no_next" => "at the bottom".into(),
        other => other.replace('_', " "),
    }
}

/// Judge every line and flag those the model calls furniture.
///
/// Lines a furniture pattern already covers for the most part keep the
/// pattern's flag, which names the kind.
pub fn check(
    analysis: &Analysis<'_>,
    weights: &FurnitureWeights,
    furniture: &[Flag],
    flags: &mut Vec<Flag>,
) {
    let blocks = blocks(analysis, furniture);
    if blocks.len() < 2 {
        // A one-line document is an article or a headline, not a page.
        return;
    }
    let vectors = context_vectors(&blocks, weights);
    for (block, x) in blocks.iter().zip(&vectors) {
        if block.figures_row || block.own[18] >= 0.5 {
            continue;
        }
        let prose = is_prose(&block.own);
        // A paragraph of prose that opens on a furniture pattern is an
        // article paragraph with a glued prefix: the pattern flags the prefix.
        if prose && block.own[17] > 0.0 {
            continue;
        }
        // Context alone does not make prose furniture: its own shape must too.
        if prose && logistic(dot(&weights.own, &block.own)) < 0.9 {
            continue;
        }
        let p = logistic(dot(&weights.context, x));
        if p < weights.threshold {
            continue;
        }
        let mut reasons: Vec<(f64, String)> = Vec::new();
        for i in 1..N_ALL {
            let contribution = weights.context[i] * (x[i] - prose_value(i));
            if contribution > 0.3 {
                let reason = describe(i, x);
                if !reasons.iter().any(|(_, r)| *r == reason) {
                    reasons.push((contribution, reason));
                }
            }
        }
        reasons.sort_by(|a, b| b.0.total_cmp(&a.0));
        let why: Vec<&str> = reasons.iter().take(4).map(|(_, r)| r.as_str()).collect();
        let (category, kind) = if block.metadata_shape {
            (Category::Metadata, "page metadata")
        } else {
            (Category::Boilerplate, "site chrome")
        };
        flags.push(flag(
            analysis.text,
            "furniture_block",
            category,
            (block.start, block.end),
            format!(
                "a line of {kind}, not article text (p = {p:.2}): {}",
                if why.is_empty() {
                    "its shape as a whole".to_owned()
                } else {
                    why.join(", ")
                }
            ),
            (p * 100.0).round() / 100.0,
        ));
    }
}
