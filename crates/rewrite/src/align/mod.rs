//! Word alignment of two documents.
//!
//! Near-copies take a linear greedy pass that resynchronizes after each
//! mismatch. Otherwise common prefix and suffix are matched first, and the
//! middle is split at anchors: words that occur exactly once in each side's
//! range, kept in increasing order on both sides (the longest increasing
//! subsequence, as in patience diff). Ranges between anchors are split again
//! the same way until they are small enough for a word-level edit distance, so
//! the cost stays near linear in the documents' length. The edit script is
//! then cut into edits: replacements of one to three words by one to three
//! words, insertions and deletions.
//!
//! A pipeline aligning many pairs cuts each document into words once (hashes
//! and start offsets, [`AlignInput`]; [`PreparedWords`] for one document at a
//! time) and aligns with one reused [`Aligner`], which keeps its buffers
//! between pairs and yields edits as word ranges ([`WordEdit`]).

mod anchors;
mod edits;
mod script;
#[cfg(test)]
mod tests;
mod values;

pub(crate) use values::is_value_word;

use super::{Edit, EditOp, RewriteConfig};
use copydesk_text::{self as text, Tokens, WordStarts};
use edits::{edits_from_script, Side};
use script::{edit_script, Script, ScriptWork};

/// The alignment of two documents `a` and `b`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Alignment {
    /// The edits turning `a` into `b`, in text order.
    pub edits: Vec<Edit>,
    /// Words in `a`.
    pub a_words: u32,
    /// Words in `b`.
    pub b_words: u32,
    /// Words aligned to an equal word.
    pub matched_words: u32,
    /// Numbers in `a` plus numbers in `b`, plus value words (months,
    /// weekdays, magnitudes) not aligned to the same word.
    pub numbers: u32,
    /// Numbers aligned to an equal number (counted on both sides).
    pub matched_numbers: u32,
    /// Dice similarity of the aligned word sequences:
    /// `2 · matched / (a_words + b_words)`, 1 for two empty documents.
    pub similarity: f64,
}

impl Alignment {
    /// Share of the two documents' numbers aligned to an equal number; 1 when
    /// neither has a number.
    pub fn number_agreement(&self) -> f64 {
        if self.numbers == 0 {
            1.0
        } else {
            self.matched_numbers as f64 / self.numbers as f64
        }
    }
}

/// One edit of an alignment as word ranges (token indices): what an
/// [`Aligner`] yields, so that a caller keeping only byte ranges allocates
/// nothing per edit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WordEdit {
    /// What changed.
    pub op: EditOp,
    /// Word range in `a`.
    pub a_words: [u32; 2],
    /// Word range in `b`.
    pub b_words: [u32; 2],
}

impl WordEdit {
    /// The edit's byte ranges in the texts of `a` and `b` (an empty range
    /// sits where the next word starts, or at the end of the text).
    pub fn byte_ranges(&self, a: &AlignInput, b: &AlignInput) -> ([usize; 2], [usize; 2]) {
        (byte_range(a, self.a_words), byte_range(b, self.b_words))
    }

    fn to_edit(self, a: &AlignInput, b: &AlignInput, with_texts: bool) -> Edit {
        let (a_range, b_range) = self.byte_ranges(a, b);
        let slice = |text: &str, range: [usize; 2]| {
            if with_texts {
                text.get(range[0]..range[1]).unwrap_or("").to_owned()
            } else {
                String::new()
            }
        };
        Edit {
            op: self.op,
            a: a_range,
            b: b_range,
            a_text: slice(a.text, a_range),
            b_text: slice(b.text, b_range),
            a_words: self.a_words,
            b_words: self.b_words,
        }
    }
}

fn byte_range(input: &AlignInput, words: [u32; 2]) -> [usize; 2] {
    let (lo, hi) = (words[0] as usize, words[1] as usize);
    if lo < hi {
        let last = input.starts[hi - 1] as usize;
        [input.starts[lo] as usize, text::word_end(input.text, last)]
    } else {
        // An empty range sits where the next word starts (or at the end).
        let at = input
            .starts
            .get(lo)
            .map_or(input.text.len(), |&start| start as usize);
        [at, at]
    }
}

/// A document as the alignment reads it: its text, its words (hashes and
/// start offsets, [`WordStarts`]) and its count of numbers. Made by
/// [`AlignInput::new`] or [`PreparedWords::input`].
#[derive(Debug, Clone, Copy)]
pub struct AlignInput<'t> {
    text: &'t str,
    hashes: &'t [u64],
    starts: &'t [u32],
    numbers: u32,
}

impl<'t> AlignInput<'t> {
    /// The alignment's view of `text`, whose words are `words`.
    pub fn new(text: &'t str, words: WordStarts<'t>) -> AlignInput<'t> {
        AlignInput::with_numbers(text, words, count_numbers(text, words.starts))
    }

    /// [`new`](Self::new) with the document's count of numbers given
    /// ([`count_numbers`]), for a caller that counted them once while the
    /// text was at hand.
    pub fn with_numbers(text: &'t str, words: WordStarts<'t>, numbers: u32) -> AlignInput<'t> {
        AlignInput {
            text,
            hashes: words.hashes,
            starts: words.starts,
            numbers,
        }
    }

    /// The document's words.
    pub fn words(&self) -> WordStarts<'t> {
        WordStarts {
            hashes: self.hashes,
            starts: self.starts,
        }
    }
}

/// A document's words prepared for every pair it is in: their hashes and
/// start offsets and the count of numbers. Reusable:
/// [`prepare`](Self::prepare) keeps the allocations.
#[derive(Debug, Clone, Default)]
pub struct PreparedWords {
    hashes: Vec<u64>,
    starts: Vec<u32>,
    numbers: u32,
    scratch: String,
}

impl PreparedWords {
    /// Cut `text` into words, into this buffer.
    pub fn prepare(&mut self, text: &str) {
        self.hashes.clear();
        self.starts.clear();
        text::push_word_starts(text, &mut self.hashes, &mut self.starts, &mut self.scratch);
        self.numbers = count_numbers(text, &self.starts);
    }

    /// The words.
    pub fn words(&self) -> WordStarts<'_> {
        WordStarts {
            hashes: &self.hashes,
            starts: &self.starts,
        }
    }

    /// The alignment's view of the document; `text` must be the text this
    /// buffer was prepared from.
    pub fn input<'t>(&'t self, text: &'t str) -> AlignInput<'t> {
        AlignInput {
            text,
            hashes: &self.hashes,
            starts: &self.starts,
            numbers: self.numbers,
        }
    }
}

/// A number is a word whose first character is numeric (the words'
/// normalization keeps digits digits).
fn is_number(text: &str, start: u32) -> bool {
    let start = start as usize;
    match text.as_bytes().get(start) {
        // An ASCII character is numeric when it is a digit.
        Some(&byte) if byte < 0x80 => byte.is_ascii_digit(),
        Some(_) => text
            .get(start..)
            .is_some_and(|rest| rest.starts_with(char::is_numeric)),
        None => false,
    }
}

/// The number of words of `text` (starting at `starts`) that are numbers:
/// what number agreement counts.
pub fn count_numbers(text: &str, starts: &[u32]) -> u32 {
    starts
        .iter()
        .filter(|&&start| is_number(text, start))
        .count() as u32
}

/// Aligns pairs one after another, keeping its buffers (edit script, edit
/// distance table, work stack, edits) from one pair to the next.
#[derive(Debug, Default)]
pub struct Aligner {
    script: Script,
    work: ScriptWork,
    edits: Vec<WordEdit>,
}

impl Aligner {
    /// An aligner with empty buffers.
    pub fn new() -> Aligner {
        Aligner::default()
    }

    /// Align `a` with `b`. The returned alignment's `edits` is left empty: the
    /// edits are in [`word_edits`](Self::word_edits) until the next call.
    /// Never panics, whatever the texts.
    pub fn align(&mut self, a: AlignInput, b: AlignInput, config: &RewriteConfig) -> Alignment {
        edit_script(
            a.hashes,
            b.hashes,
            config.max_gap_cells.max(1),
            &mut self.script,
            &mut self.work,
        );
        let a_side = Side {
            input: a,
            function_words: &config.function_words,
        };
        let b_side = Side {
            input: b,
            function_words: &config.function_words,
        };
        let counts = edits_from_script(&self.script.runs, &a_side, &b_side, &mut self.edits);
        // Only numbers are counted over whole documents (once per document,
        // when it is prepared); a match aligns equal words, so the numbers of
        // `a` not consumed by an edit are the matched ones. Words that state a
        // value (months, weekdays, magnitudes) count against agreement when
        // they are not aligned to the same word: a spinner leaves them alone,
        // while two wire items filled into one template ("40 billion yen ...
        // May 6" against "40 mln dlr ... April 27") differ exactly there.
        let total = a.hashes.len() + b.hashes.len();
        Alignment {
            edits: Vec::new(),
            a_words: a.hashes.len() as u32,
            b_words: b.hashes.len() as u32,
            matched_words: counts.matched,
            numbers: a.numbers + b.numbers + counts.unmatched_values,
            matched_numbers: 2 * (a.numbers - counts.unmatched_a_numbers),
            similarity: if total == 0 {
                1.0
            } else {
                2.0 * counts.matched as f64 / total as f64
            },
        }
    }

    /// The edits of the last alignment, in text order.
    pub fn word_edits(&self) -> &[WordEdit] {
        &self.edits
    }
}

/// Align two documents. `a_tokens` and `b_tokens` must be the tokens of
/// `a_text` and `b_text`. Never panics, whatever the texts.
pub fn align(
    a_text: &str,
    a_tokens: &Tokens,
    b_text: &str,
    b_tokens: &Tokens,
    config: &RewriteConfig,
) -> Alignment {
    align_with(a_text, a_tokens, b_text, b_tokens, config, true)
}

/// [`align`] without copying the edits' texts: `a_text` and `b_text` of each
/// edit are left empty, for callers that keep only the byte ranges and slice
/// the documents later (a corpus of near-copies yields millions of edits).
pub fn align_spans(
    a_text: &str,
    a_tokens: &Tokens,
    b_text: &str,
    b_tokens: &Tokens,
    config: &RewriteConfig,
) -> Alignment {
    align_with(a_text, a_tokens, b_text, b_tokens, config, false)
}

fn align_with(
    a_text: &str,
    a_tokens: &Tokens,
    b_text: &str,
    b_tokens: &Tokens,
    config: &RewriteConfig,
    with_texts: bool,
) -> Alignment {
    let (a_hashes, a_starts) = a_tokens.hashes_and_starts();
    let (b_hashes, b_starts) = b_tokens.hashes_and_starts();
    let a = AlignInput::new(
        a_text,
        WordStarts {
            hashes: &a_hashes,
            starts: &a_starts,
        },
    );
    let b = AlignInput::new(
        b_text,
        WordStarts {
            hashes: &b_hashes,
            starts: &b_starts,
        },
    );
    let mut aligner = Aligner::new();
    let mut alignment = aligner.align(a, b, config);
    alignment.edits = aligner
        .edits
        .iter()
        .map(|edit| edit.to_edit(&a, &b, with_texts))
        .collect();
    alignment
}
