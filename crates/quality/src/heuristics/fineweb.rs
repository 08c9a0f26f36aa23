//! FineWeb's line rules (Penedo et al. 2024): lines ending in punctuation,
//! short lines, characters in duplicated lines, line breaks per word.

use super::{char_count, duplicates, whole, Counts, HeuristicsConfig};
use crate::doc::Analysis;
use crate::Flag;

pub(super) fn fineweb(
    analysis: &Analysis<'_>,
    config: &HeuristicsConfig,
    counts: &Counts,
    flags: &mut Vec<Flag>,
) {
    let text = analysis.text;
    let lines: Vec<&str> = text.split('\n').collect();
    let num_lines = lines.len() as f64;
    if let Some(min) = config.line_punct_thr {
        let ratio = lines
            .iter()
            .filter(|l| l.ends_with(['.', '\'', '"', '!', '?']))
            .count() as f64
            / num_lines;
        if ratio <= min && !(ratio == 0.0 && config.line_punct_exclude_zero) {
            whole(
                analysis,
                "line_punct_ratio",
                format!("{:.0}% of lines end in punctuation", ratio * 100.0),
                flags,
            );
        }
    }
    if let Some(max) = config.short_line_thr {
        let ratio = lines
            .iter()
            .filter(|l| char_count(l) <= config.short_line_length)
            .count() as f64
            / num_lines;
        if ratio >= max {
            whole(
                analysis,
                "short_line_ratio",
                format!("{:.0}% of lines are short", ratio * 100.0),
                flags,
            );
        }
    }
    if let Some(max) = config.char_duplicates_ratio {
        let (_, _, dup_chars) = duplicates(lines.iter().copied().filter(|l| !l.trim().is_empty()));
        let newlines = memchr::memchr_iter(b'\n', text.as_bytes()).count();
        let chars = counts.text_chars.saturating_sub(newlines).max(1);
        let ratio = dup_chars as f64 / chars as f64;
        if ratio >= max && dup_chars > 0 {
            whole(
                analysis,
                "char_dup_ratio",
                format!("{:.1}% of characters in duplicated lines", ratio * 100.0),
                flags,
            );
        }
    }
    if let Some(max) = config.new_line_ratio {
        let ratio = memchr::memchr_iter(b'\n', text.as_bytes()).count() as f64
            / analysis.tokens.len().max(1) as f64;
        if ratio > max {
            whole(
                analysis,
                "list_ratio",
                format!("{ratio:.2} line breaks per word"),
                flags,
            );
        }
    }
}
