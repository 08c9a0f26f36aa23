//! Truncated endings: text that stops in the middle of a sentence.

use crate::doc::{Analysis, ANAPHOR, CLOSED};
use crate::{flag, Category, Flag};

/// The text stops mid-sentence.
pub(super) fn truncated_ending(analysis: &Analysis<'_>, flags: &mut Vec<Flag>) {
    let Some(last) = analysis.sentences.last() else {
        return;
    };
    let toks = &analysis.tokens.tokens;
    let tail = analysis.text[toks[last.end - 1].end as usize..].trim_end();
    if tail.ends_with([
        '.', '!', '?', '"', '\'', ')', ']', ':', '\u{201D}', '\u{2019}', '>',
    ]) {
        return;
    }
    let last_word = last.end - 1;
    let words = last.len();
    let ends_on_comma = tail.ends_with([',', ';', '-', '\u{2013}', '\u{2014}']);
    let ends_on_function_word = analysis.classes[last_word] & (CLOSED & !ANAPHOR) != 0
        && analysis.is_lower_alpha(last_word);
    let digits = (last.first..last.end)
        .filter(|&i| analysis.word(i).bytes().any(|b| b.is_ascii_digit()))
        .count();
    let lower = (last.first..last.end)
        .filter(|&i| analysis.is_lower_alpha(i))
        .count();
    // A table row or heading ends without punctuation by design.
    let prose = words >= 4 && digits * 5 <= words && lower * 2 >= words;
    let score = if (ends_on_function_word || ends_on_comma) && words >= 2 && digits * 3 <= words {
        0.8
    } else if prose
        && !analysis
            .original(last_word)
            .chars()
            .all(|c| c.is_uppercase() || c.is_numeric())
    {
        0.5
    } else {
        return;
    };
    flags.push(flag(
        analysis.text,
        "truncated_ending",
        Category::Incoherence,
        (last.start_byte, analysis.text.trim_end().len()),
        "the text stops in the middle of a sentence".to_owned(),
        score,
    ));
}
