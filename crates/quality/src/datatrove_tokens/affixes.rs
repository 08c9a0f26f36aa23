//! spaCy's English prefix and suffix rules, and the loop that cuts affixes
//! off a run of non-space text until an exception or nothing is left.

use super::chars::{is_icon, is_quote, CURRENCY_CHARS, CURRENCY_WORDS, PUNCT_CHARS, UNITS};
use super::exceptions::exception;
use super::infixes::split_infixes;
use super::{word, Token};

/// spaCy's `_split_affixes` and `_attach_tokens` on one run of non-space text.
pub(super) fn split_chunk<'t>(chunk: &'t str, emit: &mut dyn FnMut(Token<'t>)) {
    let mut prefixes: Vec<&'t str> = Vec::new();
    let mut suffixes: Vec<&'t str> = Vec::new();
    let mut rest = chunk;
    let mut last_len = 0;
    while !rest.is_empty() && rest.len() != last_len {
        if exception(rest).is_some() {
            break;
        }
        last_len = rest.len();
        let prefix_len = prefix_len(rest);
        if prefix_len != 0 {
            let without_prefix = &rest[prefix_len..];
            if !without_prefix.is_empty() && exception(without_prefix).is_some() {
                prefixes.push(&rest[..prefix_len]);
                rest = without_prefix;
                break;
            }
        }
        let suffix_len = suffix_len(&rest[prefix_len..]);
        let without_suffix = &rest[..rest.len() - suffix_len];
        if suffix_len != 0 && !without_suffix.is_empty() && exception(without_suffix).is_some() {
            suffixes.push(&rest[rest.len() - suffix_len..]);
            rest = without_suffix;
            break;
        }
        if prefix_len != 0 {
            prefixes.push(&rest[..prefix_len]);
        }
        if suffix_len != 0 {
            suffixes.push(&rest[rest.len() - suffix_len..]);
        }
        rest = &rest[prefix_len..rest.len() - suffix_len];
    }
    for prefix in prefixes {
        emit(word(prefix));
    }
    if !rest.is_empty() {
        if let Some(piece_lengths) = exception(rest) {
            let mut start = 0;
            for &len in piece_lengths {
                emit(word(&rest[start..start + len]));
                start += len;
            }
        } else if is_url(rest) {
            emit(word(rest));
        } else {
            split_infixes(rest, emit);
        }
    }
    for suffix in suffixes.into_iter().rev() {
        emit(word(suffix));
    }
}

fn is_url(text: &str) -> bool {
    let lower = text.get(..8).unwrap_or(text).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("www.")
}

/// Length in bytes of the prefix spaCy's English prefix pattern cuts off.
fn prefix_len(text: &str) -> usize {
    let mut chars = text.chars();
    let Some(first) = chars.next() else {
        return 0;
    };
    if text.starts_with("..") {
        return text.len() - text.trim_start_matches('.').len();
    }
    if let Some(currency) = CURRENCY_WORDS.iter().find(|w| text.starts_with(*w)) {
        return currency.len();
    }
    let single = match first {
        '+' => !chars.next().is_some_and(|c| c.is_ascii_digit()),
        '§' | '%' | '=' | '—' | '–' => true,
        c => PUNCT_CHARS.contains(c) || is_quote(c) || CURRENCY_CHARS.contains(c) || is_icon(c),
    };
    if single {
        first.len_utf8()
    } else {
        0
    }
}

/// Characters after which spaCy's suffix pattern cuts off a period:
/// `[0-9{al}{e}{p}(?:{q})]`, lower-case letters, digits, `%²-+`, punctuation
/// and quotes (and, through how the pattern is written, `|`).
fn period_may_follow(c: char) -> bool {
    c.is_ascii_digit()
        || c.is_lowercase()
        || "%²-+|".contains(c)
        || PUNCT_CHARS.contains(c)
        || is_quote(c)
}

/// Whether `tail` (the end of `text` from byte `at`) is one of the suffixes
/// spaCy's English suffix pattern matches there.
fn suffix_matches(text: &str, at: usize) -> bool {
    let tail = &text[at..];
    let before: Vec<char> = text[..at].chars().rev().take(2).collect();
    let after_digit = before.first().is_some_and(char::is_ascii_digit);
    let mut tail_chars = tail.chars();
    let single = match (tail_chars.next(), tail_chars.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    };
    if let Some(c) = single {
        if PUNCT_CHARS.contains(c) || is_quote(c) || is_icon(c) || c == '—' || c == '–' {
            return true;
        }
        if c == '+' && after_digit {
            return true;
        }
        if c == '.' {
            let after_degree =
                before.len() == 2 && before[1] == '°' && "FfCcKk".contains(before[0]);
            let after_two_capitals = before.len() == 2 && before.iter().all(|c| c.is_uppercase());
            return after_degree
                || after_two_capitals
                || before.first().is_some_and(|&c| period_may_follow(c));
        }
    }
    if tail == "……" || ["'s", "'S", "’s", "’S"].contains(&tail) {
        return true;
    }
    after_digit
        && (UNITS.contains(&tail)
            || CURRENCY_WORDS.contains(&tail)
            || single.is_some_and(|c| CURRENCY_CHARS.contains(c)))
}

/// Length in bytes of the suffix spaCy's English suffix pattern cuts off: the
/// leftmost position where one of its alternatives reaches the end.
fn suffix_len(text: &str) -> usize {
    let dots = text.len() - text.trim_end_matches('.').len();
    if dots >= 2 {
        return dots;
    }
    // No alternative but the run of periods is longer than four characters.
    let starts: Vec<usize> = text.char_indices().rev().take(4).map(|(i, _)| i).collect();
    starts
        .into_iter()
        .rev()
        .find(|&at| suffix_matches(text, at))
        .map_or(0, |at| text.len() - at)
}
