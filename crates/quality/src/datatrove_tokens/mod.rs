//! datatrove's English word tokenizer, reimplemented for `--heuristics
//! datatrove`: datatrove 0.10 tokenizes English with spaCy's blank `en`
//! pipeline (rule-based tokenizer plus the `sentencizer`), so punctuation marks
//! are words of their own, contractions split (`don't` -> `do`, `n't`) and
//! abbreviations in spaCy's exception list keep their period (`Inc.`).
//!
//! The Gopher, C4 and FineWeb rules count these words, so copydesk must cut
//! text where spaCy does to reach the same decisions. What is reproduced:
//! whitespace splitting, the exception table (`datatrove_exceptions.tsv`,
//! dumped from spaCy 3.8 by `scripts/eval_datatrove.py --write-exceptions`),
//! the English prefix, suffix and infix rules, URLs kept whole, and the
//! sentencizer. What is approximated: spaCy's letter classes (Unicode
//! lower/upper case here), its URL pattern (a scheme or `www.` here), and the
//! retokenizing pass that re-merges exceptions split by an infix (`Mr.Smith`).
//!
//! One step of spaCy's pipeline per file: the exception table
//! (`exceptions`), the prefix and suffix split (`affixes`), the infix split
//! (`infixes`), the character classes those patterns are written in
//! (`chars`), and the sentencizer (`sentences`). The whitespace split and
//! the pass that re-merges exceptions are here.

mod affixes;
mod chars;
mod exceptions;
mod infixes;
mod sentences;

pub use sentences::sentence_count;

use affixes::split_chunk;
use exceptions::exception;

/// A token: its text (a slice of the input) and whether it is whitespace
/// (spaCy keeps runs of whitespace other than one space as tokens; datatrove
/// drops them from its words, but the sentencizer sees them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token<'t> {
    /// The token's text.
    pub text: &'t str,
    /// True for a whitespace token.
    pub is_space: bool,
}

/// The words of `text` as datatrove's `split_into_words` returns them for
/// English: spaCy's tokens with whitespace tokens dropped.
pub fn words(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    tokenize(text, &mut |token| {
        if !token.is_space {
            out.push(token.text);
        }
    });
    out
}

/// Python's `str.isspace`, which spaCy splits on: Unicode white space and the
/// four ASCII separator controls.
pub fn is_python_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1C}'..='\u{1F}').contains(&c)
}

/// Every token of `text` in order, whitespace tokens included.
pub fn tokenize<'t>(text: &'t str, emit: &mut dyn FnMut(Token<'t>)) {
    let mut chunk_start: Option<usize> = None;
    let mut space_start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        if is_python_space(c) {
            if let Some(start) = chunk_start.take() {
                tokenize_chunk(&text[start..i], emit);
                // One space after a word belongs to that word.
                space_start = Some(if c == ' ' { i + 1 } else { i });
            } else if space_start.is_none() {
                space_start = Some(i);
            }
        } else {
            if let Some(start) = space_start.take() {
                if start < i {
                    emit(Token {
                        text: &text[start..i],
                        is_space: true,
                    });
                }
            }
            chunk_start.get_or_insert(i);
        }
    }
    if let Some(start) = chunk_start {
        tokenize_chunk(&text[start..], emit);
    } else if let Some(start) = space_start {
        if start < text.len() {
            emit(Token {
                text: &text[start..],
                is_space: true,
            });
        }
    }
}

fn word(text: &str) -> Token<'_> {
    Token {
        text,
        is_space: false,
    }
}

/// One run of non-space text: spaCy's affix and infix split, then its
/// special-case pass, which re-merges an exception the split cut apart
/// (`Hudson, Mass.,` gives `Mass` `.` `,` first, then `Mass.` `,`).
fn tokenize_chunk<'t>(chunk: &'t str, emit: &mut dyn FnMut(Token<'t>)) {
    let mut pieces: Vec<&'t str> = Vec::new();
    split_chunk(chunk, &mut |token| pieces.push(token.text));
    let offset = |piece: &str| piece.as_ptr() as usize - chunk.as_ptr() as usize;
    let mut i = 0;
    while i < pieces.len() {
        let start = offset(pieces[i]);
        // Exceptions are short: a few pieces at most.
        let merged = (i + 1..pieces.len().min(i + 6)).rev().find_map(|last| {
            let end = offset(pieces[last]) + pieces[last].len();
            exception(&chunk[start..end]).map(|lengths| (last, end, lengths))
        });
        match merged {
            Some((last, end, lengths)) => {
                let mut at = start;
                for &len in lengths {
                    emit(word(&chunk[at..at + len]));
                    at += len;
                }
                debug_assert_eq!(at, end);
                i = last + 1;
            }
            None => {
                emit(word(pieces[i]));
                i += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn punctuation_marks_are_words() {
        assert_eq!(
            words("\"Shares rose,\" she said (sharply)."),
            ["\"", "Shares", "rose", ",", "\"", "she", "said", "(", "sharply", ")", "."]
        );
    }

    #[test]
    fn contractions_and_possessives_split() {
        assert_eq!(words("We don't know."), ["We", "do", "n't", "know", "."]);
        assert_eq!(words("The board's view"), ["The", "board", "'s", "view"]);
        assert_eq!(words("They can't"), ["They", "ca", "n't"]);
    }

    #[test]
    fn abbreviations_in_the_exception_list_keep_their_period() {
        assert_eq!(
            words("Acme Corp. and Widget Inc. agreed"),
            ["Acme", "Corp.", "and", "Widget", "Inc.", "agreed"]
        );
        assert_eq!(words("(U.S.)"), ["(", "U.S.", ")"]);
        // Not in the list: the period goes.
        assert_eq!(words("six oz."), ["six", "oz", "."]);
    }

    #[test]
    fn numbers_units_and_currency() {
        assert_eq!(
            words("$5.2 mln, up 3.5%"),
            ["$", "5.2", "mln", ",", "up", "3.5", "%"]
        );
        assert_eq!(
            words("1,000 5km 10-year"),
            ["1,000", "5", "km", "10", "-", "year"]
        );
        assert_eq!(words("1987."), ["1987", "."]);
    }

    #[test]
    fn infixes_split_hyphens_and_slashes_between_letters() {
        assert_eq!(words("well-known"), ["well", "-", "known"]);
        assert_eq!(words("km/h"), ["km", "/", "h"]);
        assert_eq!(words("mid-1980s"), ["mid-1980s"]);
        assert_eq!(words("U.S.-based"), ["U.S.-based"]);
        assert_eq!(words("end...start"), ["end", "...", "start"]);
        assert_eq!(words("wait..."), ["wait", "..."]);
    }

    #[test]
    fn urls_stay_whole_and_whitespace_is_not_a_word() {
        assert_eq!(
            words("see http://example.com/a/b now"),
            ["see", "http://example.com/a/b", "now"]
        );
        assert_eq!(words("  one\n\ntwo\t "), ["one", "two"]);
        assert!(words("").is_empty());
        assert!(words(" \n ").is_empty());
    }

    #[test]
    fn sentences_end_after_a_mark_once_a_word_follows() {
        assert_eq!(sentence_count("One. Two! Three?"), 3);
        assert_eq!(sentence_count("He said \"no.\" Then left."), 2);
        assert_eq!(sentence_count("Acme Inc. rose."), 1);
        assert_eq!(sentence_count("no mark at all"), 1);
        assert_eq!(sentence_count(""), 0);
    }

    #[test]
    fn an_exception_cut_by_an_infix_is_merged_again() {
        assert_eq!(
            words("Salem, Ore.,-based"),
            ["Salem", ",", "Ore.", ",-based"]
        );
        assert_eq!(sentence_count("Senator Smith (D-Ill.) said no."), 1);
    }

    #[test]
    fn odd_input_does_not_panic() {
        for text in [
            "...",
            "'",
            "\u{1F600}\u{1F600}",
            "a\u{301}.",
            "$",
            "+",
            "--",
            "é-",
            "—a—",
            "°F.",
        ] {
            let joined: String = words(text).concat();
            assert_eq!(joined, text.replace(char::is_whitespace, ""));
        }
    }
}
