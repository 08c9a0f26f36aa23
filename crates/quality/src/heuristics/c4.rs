//! The C4 rules (Raffel et al. 2020): lorem ipsum, curly brackets, too few
//! sentences, and the javascript and policy lines C4 removes without
//! dropping the document.

use super::{whole, HeuristicsConfig};
use crate::doc::Analysis;
use crate::{flag, Category, Flag};

pub(super) const POLICY_SUBSTRINGS: &[&str] = &[
    "terms of use",
    "privacy policy",
    "cookie policy",
    "uses cookies",
    "use of cookies",
    "use cookies",
];

/// Every phrase the C4 rules look for, in one case-insensitive automaton.
fn c4_phrases() -> &'static aho_corasick::AhoCorasick {
    static PHRASES: std::sync::OnceLock<aho_corasick::AhoCorasick> = std::sync::OnceLock::new();
    PHRASES.get_or_init(|| {
        let mut phrases = vec!["lorem ipsum", "javascript"];
        phrases.extend_from_slice(POLICY_SUBSTRINGS);
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(phrases)
            .expect("fixed phrase list compiles")
    })
}

/// The lines C4 removes without dropping the document.
#[derive(Clone, Copy)]
pub(super) enum C4LineRule {
    Javascript,
    Policy,
}

pub(super) fn c4_removed_line(
    text: &str,
    rule: C4LineRule,
    span: (usize, usize),
    flags: &mut Vec<Flag>,
) {
    let (name, message) = match rule {
        C4LineRule::Javascript => (
            "line-filter-javascript",
            "line mentions javascript (C4 line filter)",
        ),
        C4LineRule::Policy => (
            "line-filter-policy",
            "cookie or terms-of-use line (C4 line filter)",
        ),
    };
    flags.push(flag(
        text,
        name,
        Category::Boilerplate,
        span,
        message.to_owned(),
        0.6,
    ));
}

pub(super) fn c4(analysis: &Analysis<'_>, config: &HeuristicsConfig, flags: &mut Vec<Flag>) {
    let text = analysis.text;
    if config.c4_filter_curly_bracket && text.contains('{') {
        whole(
            analysis,
            "curly_bracket",
            "the text contains a curly bracket".to_owned(),
            flags,
        );
    }
    // Most texts contain none of the phrases: skip the line loop unless
    // sentences must be counted.
    if config.c4_min_num_sentences.is_none() && !c4_phrases().is_match(text) {
        return;
    }
    let mut sentences = 0usize;
    let mut offset = 0usize;
    let mut lorem = false;
    for raw_line in text.split('\n') {
        let line_start = offset;
        offset += raw_line.len() + 1;
        let line = raw_line.trim();
        if line.is_empty() {
            continue;
        }
        let lower = line.to_lowercase();
        let lead = raw_line.len() - raw_line.trim_start().len();
        let span = (line_start + lead, line_start + lead + line.len());
        if config.c4_filter_lorem_ipsum && lower.contains("lorem ipsum") {
            lorem = true;
        }
        if config.c4_filter_javascript && lower.contains("javascript") {
            c4_removed_line(text, C4LineRule::Javascript, span, flags);
            continue;
        }
        if config.c4_filter_policy && POLICY_SUBSTRINGS.iter().any(|p| lower.contains(p)) {
            c4_removed_line(text, C4LineRule::Policy, span, flags);
            continue;
        }
        let terminal = line.ends_with(['.', '?', '!', '"', '\'']) && !line.ends_with("...");
        if !terminal || line.split_whitespace().count() < config.c4_min_words_per_line {
            continue;
        }
        // Sentences are in text order: those starting on the line are a
        // range, found by two binary searches rather than a scan per line.
        let starts_before =
            |byte: usize| analysis.sentences.partition_point(|s| s.start_byte < byte);
        sentences += (starts_before(span.1) - starts_before(span.0)).max(1);
    }
    if lorem {
        whole(
            analysis,
            "lorem_ipsum",
            "the text contains \"lorem ipsum\"".to_owned(),
            flags,
        );
    }
    if let Some(min) = config.c4_min_num_sentences {
        if sentences < min {
            whole(
                analysis,
                "too_few_sentences",
                format!("{sentences} sentences in lines C4 keeps, fewer than {min}"),
                flags,
            );
        }
    }
}
