//! Gopher's quality rules (Rae et al. 2021) on copydesk's words: document
//! length, mean word length, symbols, bullets and ellipses, words with a
//! letter, stop words.

use super::{whole, Counts, HeuristicsConfig};
use crate::doc::Analysis;
use crate::Flag;

pub(super) fn gopher_quality(
    analysis: &Analysis<'_>,
    config: &HeuristicsConfig,
    counts: &Counts,
    flags: &mut Vec<Flag>,
) {
    let text = analysis.text;
    let words = analysis.tokens.len();
    if let Some(min) = config.min_doc_words {
        if words < min {
            whole(
                analysis,
                "gopher_short_doc",
                format!("{words} words, fewer than {min}"),
                flags,
            );
        }
    }
    if let Some(max) = config.max_doc_words {
        if words > max {
            whole(
                analysis,
                "gopher_long_doc",
                format!("{words} words, more than {max}"),
                flags,
            );
        }
    }
    if words == 0 {
        return;
    }
    let total_chars: usize = counts.word_lengths.iter().sum();
    let mean = total_chars as f64 / words as f64;
    if let Some(min) = config.min_avg_word_length {
        if mean < min {
            whole(
                analysis,
                "gopher_below_avg_threshold",
                format!("mean word length {mean:.2} below {min}"),
                flags,
            );
        }
    }
    if let Some(max) = config.max_avg_word_length {
        if mean > max {
            whole(
                analysis,
                "gopher_above_avg_threshold",
                format!("mean word length {mean:.2} above {max}"),
                flags,
            );
        }
    }
    if let Some(max) = config.max_symbol_word_ratio {
        let hashes = memchr::memchr_iter(b'#', text.as_bytes()).count() as f64 / words as f64;
        if hashes > max {
            whole(
                analysis,
                "gopher_too_many_hashes",
                format!("{hashes:.3} '#' per word, above {max}"),
                flags,
            );
        }
        let ellipses =
            (text.matches("...").count() + text.matches('…').count()) as f64 / words as f64;
        if ellipses > max {
            whole(
                analysis,
                "gopher_too_many_ellipsis",
                format!("{ellipses:.3} ellipses per word, above {max}"),
                flags,
            );
        }
    }
    let lines: Vec<&str> = text.lines().collect();
    let num_lines = lines.len().max(1) as f64;
    if let Some(max) = config.max_bullet_lines_ratio {
        let bullets = lines
            .iter()
            .filter(|l| {
                let l = l.trim_start();
                l.starts_with('•') || l.starts_with('-')
            })
            .count() as f64
            / num_lines;
        if bullets > max {
            whole(
                analysis,
                "gopher_too_many_bullets",
                format!("{:.0}% of lines start with a bullet", bullets * 100.0),
                flags,
            );
        }
    }
    if let Some(max) = config.max_ellipsis_lines_ratio {
        let ending = lines
            .iter()
            .filter(|l| {
                let l = l.trim_end();
                l.ends_with("...") || l.ends_with('…')
            })
            .count() as f64
            / num_lines;
        if ending > max {
            whole(
                analysis,
                "gopher_too_many_end_ellipsis",
                format!("{:.0}% of lines end with an ellipsis", ending * 100.0),
                flags,
            );
        }
    }
    if let Some(min) = config.max_non_alpha_words_ratio {
        let alpha = analysis
            .tokens
            .words()
            .filter(|w| {
                w.bytes().any(|b| b.is_ascii_alphabetic())
                    || (!w.is_ascii() && w.chars().any(char::is_alphabetic))
            })
            .count() as f64
            / words as f64;
        if alpha < min {
            whole(
                analysis,
                "gopher_below_alpha_threshold",
                format!(
                    "{:.0}% of words have a letter, below {:.0}%",
                    alpha * 100.0,
                    min * 100.0
                ),
                flags,
            );
        }
    }
    if let Some(min) = config.min_stop_words {
        let stop = analysis
            .tokens
            .words()
            .filter(|w| config.stop_words.iter().any(|s| s == w))
            .count();
        if stop < min {
            whole(
                analysis,
                "gopher_enough_stop_words",
                format!("{stop} stop words, fewer than {min}"),
                flags,
            );
        }
    }
}
