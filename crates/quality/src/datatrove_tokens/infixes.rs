//! spaCy's English infix rules: ellipses, icons, operators between digits,
//! periods between sentences, commas and hyphens between letters.

use super::chars::{is_icon, is_quote, HYPHENS};
use super::{word, Token};

/// The infix spaCy's English infix pattern finds at byte `at`, as its length.
fn infix_at(text: &str, at: usize) -> Option<usize> {
    let rest = &text[at..];
    let c = rest.chars().next()?;
    let before = text[..at].chars().next_back();
    let next = rest[c.len_utf8()..].chars().next();
    if rest.starts_with("..") {
        return Some(rest.len() - rest.trim_start_matches('.').len());
    }
    if c == '…' || is_icon(c) {
        return Some(c.len_utf8());
    }
    let letter = |c: Option<char>| c.is_some_and(char::is_alphabetic);
    let between_digits = before.is_some_and(|b| b.is_ascii_digit())
        && "+-*^".contains(c)
        && next.is_some_and(|n| n.is_ascii_digit() || n == '-');
    let sentence_period = c == '.'
        && before.is_some_and(|b| b.is_lowercase() || is_quote(b))
        && next.is_some_and(|n| n.is_uppercase() || is_quote(n));
    let comma = c == ',' && letter(before) && letter(next);
    if between_digits || sentence_period || comma {
        return Some(c.len_utf8());
    }
    let after_word = letter(before) || before.is_some_and(|b| b.is_ascii_digit());
    if !after_word {
        return None;
    }
    for hyphen in HYPHENS {
        if let Some(after) = rest.strip_prefix(hyphen) {
            if letter(after.chars().next()) {
                return Some(hyphen.len());
            }
        }
    }
    (":<>=/".contains(c) && letter(next)).then_some(1)
}

/// spaCy's infix split: pieces between the infixes, and the infixes, except
/// that an infix at the very start stays with the text after it.
pub(super) fn split_infixes<'t>(text: &'t str, emit: &mut dyn FnMut(Token<'t>)) {
    let mut start = 0;
    let mut at = 0;
    while at < text.len() {
        let Some(len) = infix_at(text, at) else {
            at += text[at..].chars().next().map_or(1, char::len_utf8);
            continue;
        };
        if at != 0 {
            if at != start {
                emit(word(&text[start..at]));
            }
            emit(word(&text[at..at + len]));
            start = at + len;
        }
        at += len;
    }
    if start < text.len() {
        emit(word(&text[start..]));
    }
}
