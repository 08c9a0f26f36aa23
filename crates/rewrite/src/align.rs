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

use super::immutables::{in_name_phrase, FunctionWords};
use super::{Edit, EditOp, RewriteConfig};
use copydesk_text::{self as text, Tokens, WordStarts};
use std::ops::Range;
use std::sync::OnceLock;
use xxhash_rust::xxh3::xxh3_64;

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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Match,
    Substitute,
    Insert,
    Delete,
}

/// `len` operations `op` in a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Run {
    op: Op,
    len: u32,
}

/// An edit script as runs of one operation: near-copies are long runs of
/// matches, which cost one step each to emit and to cut into edits.
#[derive(Debug, Default)]
struct Script {
    runs: Vec<Run>,
}

impl Script {
    fn clear(&mut self) {
        self.runs.clear();
    }

    fn push(&mut self, op: Op, len: usize) {
        if len == 0 {
            return;
        }
        let len = u32::try_from(len).unwrap_or(u32::MAX);
        match self.runs.last_mut() {
            Some(last) if last.op == op => last.len = last.len.saturating_add(len),
            _ => self.runs.push(Run { op, len }),
        }
    }
}

#[derive(Debug)]
enum Task {
    Range(Range<usize>, Range<usize>),
    Match,
}

/// Aligns pairs one after another, keeping its buffers (edit script, edit
/// distance table, work stack, edits) from one pair to the next.
#[derive(Debug, Default)]
pub struct Aligner {
    script: Script,
    work: ScriptWork,
    edits: Vec<WordEdit>,
}

/// Work buffers of [`edit_script`].
#[derive(Debug, Default)]
struct ScriptWork {
    /// The edit distance table.
    table: Vec<u32>,
    /// The edit distance's script, built backwards.
    backwards: Vec<Op>,
    stack: Vec<Task>,
    anchors: AnchorTable,
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

/// Words other than digits that state a value in news copy (months,
/// weekdays, magnitudes). Number words are left out: spinners swap them
/// ("two" for "deuce"), as they do words that are also common verbs or nouns
/// ("may", "sat", "sun", "wed").
const VALUE_WORDS: &[&str] = &[
    "april",
    "august",
    "billion",
    "bln",
    "december",
    "february",
    "friday",
    "january",
    "july",
    "june",
    "march",
    "million",
    "mln",
    "monday",
    "november",
    "october",
    "saturday",
    "september",
    "sunday",
    "thursday",
    "trillion",
    "tuesday",
    "wednesday",
];

/// Hashes of [`VALUE_WORDS`], sorted, and a 256-bit filter of their top
/// eight bits: words are told by hash everywhere in the alignment, which
/// saves comparing strings at every edit.
fn value_words() -> &'static ([u64; 4], Vec<u64>) {
    static VALUES: OnceLock<([u64; 4], Vec<u64>)> = OnceLock::new();
    VALUES.get_or_init(|| {
        let mut hashes: Vec<u64> = VALUE_WORDS
            .iter()
            .map(|word| xxh3_64(word.as_bytes()))
            .collect();
        hashes.sort_unstable();
        let mut filter = [0u64; 4];
        for &hash in &hashes {
            filter[(hash >> 62) as usize] |= 1 << ((hash >> 56) & 63);
        }
        (filter, hashes)
    })
}

/// A word that states a value: a month, a weekday or a magnitude.
pub(crate) fn is_value_word(word: &str) -> bool {
    is_value_hash(xxh3_64(word.as_bytes()))
}

/// [`is_value_word`] for the word with this hash.
fn is_value_hash(hash: u64) -> bool {
    let (filter, hashes) = value_words();
    // Most words fail the filter on one bit of their hash.
    filter[(hash >> 62) as usize] >> ((hash >> 56) & 63) & 1 == 1
        && hashes.binary_search(&hash).is_ok()
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

/// Gaps up to this many cells (words × words) are aligned by edit distance
/// without looking for anchors.
const SMALL_GAP_CELLS: usize = 256;

/// Largest skip, in words on either side, the greedy pass resynchronizes over.
const GREEDY_REACH: usize = 4;

/// Every skip the greedy pass may take (words skipped in `a`, in `b`),
/// cheapest first, ties in the order `(skip_a, skip_b)`: the first that
/// resynchronizes is the cheapest that does.
const GREEDY_SKIPS: [(usize, usize); (GREEDY_REACH + 1) * (GREEDY_REACH + 1) - 1] = {
    let mut skips = [(0, 0); (GREEDY_REACH + 1) * (GREEDY_REACH + 1) - 1];
    let mut count = 0;
    let mut skip_a = 0;
    while skip_a <= GREEDY_REACH {
        let mut skip_b = 0;
        while skip_b <= GREEDY_REACH {
            if skip_a + skip_b > 0 {
                skips[count] = (skip_a, skip_b);
                count += 1;
            }
            skip_b += 1;
        }
        skip_a += 1;
    }
    // Insertion sort by cost, stable.
    let mut i = 1;
    while i < skips.len() {
        let mut j = i;
        while j > 0 && skip_cost(skips[j - 1]) > skip_cost(skips[j]) {
            let before = skips[j - 1];
            skips[j - 1] = skips[j];
            skips[j] = before;
            j -= 1;
        }
        i += 1;
    }
    skips
};

/// Cost of a greedy skip: substitutions and indels cost as in [`edit_distance`].
const fn skip_cost((skip_a, skip_b): (usize, usize)) -> u32 {
    let substituted = if skip_a < skip_b { skip_a } else { skip_b };
    let unpaired = skip_a + skip_b - 2 * substituted;
    substituted as u32 * SUBSTITUTE_COST + unpaired as u32 * INDEL_COST
}

/// Length of the common prefix of two word sequences.
fn common_prefix(a: &[u64], b: &[u64]) -> usize {
    let n = a.len().min(b.len());
    let mut k = 0;
    // Four words at a time without a branch per word: most of a near-copy
    // is one long match.
    while k + 4 <= n
        && (a[k] ^ b[k]) | (a[k + 1] ^ b[k + 1]) | (a[k + 2] ^ b[k + 2]) | (a[k + 3] ^ b[k + 3])
            == 0
    {
        k += 4;
    }
    while k < n && a[k] == b[k] {
        k += 1;
    }
    k
}

/// A linear pass for near-copies: walk both documents together and, at each
/// mismatch, skip the fewest words (up to [`GREEDY_REACH`] a side) after
/// which two words match again. Appends the script to `script` and returns
/// how many of its operations are not matches; `None` when it loses its way.
/// The script is valid but not always minimal, so it is only kept for
/// documents it finds nearly identical (see [`edit_script`]).
fn greedy_script(a: &[u64], b: &[u64], script: &mut Script) -> Option<usize> {
    let (mut i, mut j) = (0, 0);
    let mut changed = 0;
    let synced = |i: usize, j: usize| {
        a.get(i) == b.get(j)
            && (a.get(i + 1) == b.get(j + 1) || i + 1 >= a.len() || j + 1 >= b.len())
    };
    while i < a.len() && j < b.len() {
        let run = common_prefix(&a[i..], &b[j..]);
        if run > 0 {
            script.push(Op::Match, run);
            i += run;
            j += run;
            continue;
        }
        let &(skip_a, skip_b) = GREEDY_SKIPS.iter().find(|&&(skip_a, skip_b)| {
            i + skip_a <= a.len()
                && j + skip_b <= b.len()
                && ((i + skip_a == a.len() && j + skip_b == b.len())
                    || synced(i + skip_a, j + skip_b))
        })?;
        let substituted = skip_a.min(skip_b);
        script.push(Op::Substitute, substituted);
        script.push(Op::Delete, skip_a - substituted);
        script.push(Op::Insert, skip_b - substituted);
        changed += skip_a.max(skip_b);
        i += skip_a;
        j += skip_b;
    }
    script.push(Op::Delete, a.len() - i);
    script.push(Op::Insert, b.len() - j);
    Some(changed + (a.len() - i) + (b.len() - j))
}

/// The edit script turning `a` into `b`, into `script` (cleared first).
fn edit_script(
    a: &[u64],
    b: &[u64],
    max_gap_cells: usize,
    script: &mut Script,
    work: &mut ScriptWork,
) {
    // Near-copies (the bulk of the pairs a corpus of syndicated copies yields)
    // take the linear greedy pass when it leaves nearly everything matched:
    // at one edit in twenty words its skips are the edits a full alignment
    // would find.
    script.clear();
    if let Some(changed) = greedy_script(a, b, script) {
        if changed * 20 <= a.len() + b.len() {
            return;
        }
    }
    script.clear();
    // An explicit stack instead of recursion: a 40 MB document must not
    // overflow the call stack however its anchors fall.
    let stack = &mut work.stack;
    stack.clear();
    stack.push(Task::Range(0..a.len(), 0..b.len()));
    while let Some(task) = stack.pop() {
        let (ra, rb) = match task {
            Task::Match => {
                script.push(Op::Match, 1);
                continue;
            }
            Task::Range(ra, rb) => (ra, rb),
        };
        let prefix = common_prefix(&a[ra.clone()], &b[rb.clone()]);
        let (ra, rb) = (ra.start + prefix..ra.end, rb.start + prefix..rb.end);
        script.push(Op::Match, prefix);
        let suffix = ra
            .clone()
            .rev()
            .zip(rb.clone().rev())
            .take_while(|&(i, j)| a[i] == b[j])
            .count();
        let (ra, rb) = (ra.start..ra.end - suffix, rb.start..rb.end - suffix);
        // The suffix is emitted after the middle: push it first.
        for _ in 0..suffix {
            stack.push(Task::Match);
        }
        if ra.is_empty() || rb.is_empty() {
            script.push(Op::Delete, ra.len());
            script.push(Op::Insert, rb.len());
            continue;
        }
        let cells = ra.len().saturating_mul(rb.len());
        // Small gaps go straight to the edit distance; larger ones are split
        // at anchors first even when the table would fit, since near-copies
        // have a few scattered edits and anchors cut them into tiny gaps.
        if cells <= SMALL_GAP_CELLS.min(max_gap_cells) {
            edit_distance(&a[ra], &b[rb], &mut work.table, &mut work.backwards, script);
            continue;
        }
        let anchors = work.anchors.unique_anchors(a, b, ra.clone(), rb.clone());
        if anchors.is_empty() && cells <= max_gap_cells {
            edit_distance(&a[ra], &b[rb], &mut work.table, &mut work.backwards, script);
            continue;
        }
        if anchors.is_empty() {
            // Nothing to hold on to in a large gap: align it as one block
            // rather than spend quadratic time on text that does not match.
            let common = ra.len().min(rb.len());
            script.push(Op::Substitute, common);
            script.push(Op::Delete, ra.len() - common);
            script.push(Op::Insert, rb.len() - common);
            continue;
        }
        // Push in reverse so the ranges come off the stack in text order.
        let mut next = (ra.end, rb.end);
        for &(i, j) in anchors.iter().rev() {
            stack.push(Task::Range(i + 1..next.0, j + 1..next.1));
            stack.push(Task::Match);
            next = (i, j);
        }
        stack.push(Task::Range(ra.start..next.0, rb.start..next.1));
    }
}

/// Occurrences of one word in the two ranges of a gap.
#[derive(Debug, Clone, Copy, Default)]
struct AnchorSlot {
    /// The slot is in use when this is the table's current generation.
    generation: u32,
    hash: u64,
    count_a: u32,
    position_a: usize,
    count_b: u32,
    position_b: usize,
}

/// Finds the anchors of a gap: an open-addressing table from word hash to
/// occurrences, emptied by bumping a generation rather than by clearing, and
/// the buffers of the longest increasing chain, all kept from gap to gap.
#[derive(Debug, Default)]
struct AnchorTable {
    slots: Vec<AnchorSlot>,
    /// Slots in use minus one (a power of two minus one).
    mask: usize,
    generation: u32,
    /// The slot of each position of the gap's range in `a`.
    slot_of: Vec<usize>,
    pairs: Vec<(usize, usize)>,
    tails: Vec<usize>,
    parent: Vec<usize>,
    chain: Vec<(usize, usize)>,
}

impl AnchorTable {
    /// An empty table with room for `words` distinct words at half load.
    fn reset(&mut self, words: usize) {
        let capacity = (2 * words).next_power_of_two().max(16);
        if self.slots.len() < capacity || self.generation == u32::MAX {
            self.slots.clear();
            self.slots.resize(capacity, AnchorSlot::default());
            self.generation = 0;
        }
        // Only the first `capacity` slots are used: a small gap after a
        // large one probes a small, cached part of the table.
        self.mask = capacity - 1;
        self.generation += 1;
    }

    /// The slot of `hash`, or the empty slot where it goes (`generation`
    /// not current).
    fn slot(&mut self, hash: u64) -> &mut AnchorSlot {
        let index = self.slot_index(hash);
        &mut self.slots[index]
    }

    /// The index of [`slot`](Self::slot).
    fn slot_index(&self, hash: u64) -> usize {
        let mask = self.mask;
        // Word hashes are xxh3 values: their low bits are spread already.
        let mut index = hash as usize & mask;
        loop {
            let slot = &self.slots[index];
            if slot.generation != self.generation || slot.hash == hash {
                return index;
            }
            index = (index + 1) & mask;
        }
    }

    /// Positions of words that occur once in `a[ra]` and once in `b[rb]`,
    /// the longest chain increasing on both sides.
    fn unique_anchors(
        &mut self,
        a: &[u64],
        b: &[u64],
        ra: Range<usize>,
        rb: Range<usize>,
    ) -> &[(usize, usize)] {
        self.reset(ra.len());
        let generation = self.generation;
        self.slot_of.clear();
        for i in ra.clone() {
            let index = self.slot_index(a[i]);
            self.slot_of.push(index);
            let slot = &mut self.slots[index];
            if slot.generation != generation {
                *slot = AnchorSlot {
                    generation,
                    hash: a[i],
                    count_a: 0,
                    position_a: i,
                    count_b: 0,
                    position_b: 0,
                };
            }
            slot.count_a += 1;
        }
        for j in rb {
            let slot = self.slot(b[j]);
            if slot.generation == generation {
                slot.count_b += 1;
                slot.position_b = j;
            }
        }
        let mut pairs = std::mem::take(&mut self.pairs);
        pairs.clear();
        // Each position of `a` remembers its slot: no second probe.
        for (i, &index) in ra.zip(&self.slot_of) {
            let slot = &self.slots[index];
            if slot.count_a == 1 && slot.count_b == 1 && slot.position_a == i {
                pairs.push((i, slot.position_b));
            }
        }
        longest_increasing_into(&pairs, &mut self.tails, &mut self.parent, &mut self.chain);
        self.pairs = pairs;
        &self.chain
    }
}

/// Longest subsequence of `pairs` (increasing in `.0`) also increasing in `.1`
/// (patience sorting, O(k log k)).
#[cfg(test)]
fn longest_increasing(pairs: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut chain = Vec::new();
    longest_increasing_into(pairs, &mut Vec::new(), &mut Vec::new(), &mut chain);
    chain
}

/// [`longest_increasing`] into `chain`, with `tails` and `parent` as work buffers.
fn longest_increasing_into(
    pairs: &[(usize, usize)],
    tails: &mut Vec<usize>,
    parent: &mut Vec<usize>,
    chain: &mut Vec<(usize, usize)>,
) {
    // tails[length - 1]: index into pairs of the smallest tail of a chain of that length.
    tails.clear();
    parent.clear();
    parent.resize(pairs.len(), usize::MAX);
    for (index, &(_, j)) in pairs.iter().enumerate() {
        // Anchors of near-copies come mostly in order: extending the longest
        // chain needs no search.
        let length = match tails.last() {
            Some(&last) if pairs[last].1 < j => tails.len(),
            _ => tails.partition_point(|&t| pairs[t].1 < j),
        };
        if length > 0 {
            parent[index] = tails[length - 1];
        }
        if length == tails.len() {
            tails.push(index);
        } else {
            tails[length] = index;
        }
    }
    chain.clear();
    let mut at = tails.last().copied().unwrap_or(usize::MAX);
    while at != usize::MAX {
        chain.push(pairs[at]);
        at = parent[at];
    }
    chain.reverse();
}

/// Cost of inserting or deleting a word.
const INDEL_COST: u32 = 10;
/// Cost of substituting a word: less than a deletion plus an insertion, so a
/// one-for-one swap is a substitution, but more than one indel, so the script
/// never gives up a matching word (a shared number, a shared name) to
/// substitute its neighbours instead.
const SUBSTITUTE_COST: u32 = 19;

/// Word-level weighted edit distance; appends the script to `script`
/// (`table` and `backwards` are work buffers).
fn edit_distance(
    a: &[u64],
    b: &[u64],
    table: &mut Vec<u32>,
    backwards: &mut Vec<Op>,
    script: &mut Script,
) {
    let (n, m) = (a.len(), b.len());
    let width = m + 1;
    table.clear();
    table.resize((n + 1) * width, 0);
    for (j, cell) in table.iter_mut().take(m + 1).enumerate() {
        *cell = j as u32 * INDEL_COST;
    }
    let substitution = |x: u64, y: u64| if x == y { 0 } else { SUBSTITUTE_COST };
    for i in 1..=n {
        table[i * width] = i as u32 * INDEL_COST;
        for j in 1..=m {
            let diagonal = table[(i - 1) * width + j - 1] + substitution(a[i - 1], b[j - 1]);
            let up = table[(i - 1) * width + j] + INDEL_COST;
            let left = table[i * width + j - 1] + INDEL_COST;
            table[i * width + j] = diagonal.min(up).min(left);
        }
    }
    backwards.clear();
    let (mut i, mut j) = (n, m);
    while i > 0 || j > 0 {
        let here = table[i * width + j];
        if i > 0 && j > 0 {
            let same = a[i - 1] == b[j - 1];
            if table[(i - 1) * width + j - 1] + substitution(a[i - 1], b[j - 1]) == here {
                backwards.push(if same { Op::Match } else { Op::Substitute });
                i -= 1;
                j -= 1;
                continue;
            }
        }
        if i > 0 && table[(i - 1) * width + j] + INDEL_COST == here {
            backwards.push(Op::Delete);
            i -= 1;
        } else {
            backwards.push(Op::Insert);
            j -= 1;
        }
    }
    for &op in backwards.iter().rev() {
        script.push(op, 1);
    }
}

/// Largest number of words on one side of a replace edit.
const MAX_REPLACE_WORDS: u32 = 3;
/// Largest number of words on one side of a replaced name phrase
/// ("U.S." → "United States of America" is one edit).
const MAX_NAME_WORDS: u32 = 8;

#[derive(Debug, Clone, Copy)]
struct Pending {
    a: [u32; 2],
    b: [u32; 2],
    substitutions: u32,
}

impl Pending {
    fn a_len(&self) -> u32 {
        self.a[1] - self.a[0]
    }
    fn b_len(&self) -> u32 {
        self.b[1] - self.b[0]
    }
    /// Can `op` join this edit? Substitutions start a new edit unless the
    /// edit holds only insertions or deletions so far (so a one-for-two swap
    /// is one edit); replacements stay within three words a side; runs of
    /// pure insertions or deletions of one kind have no limit. A name phrase
    /// swapped for another (`continues_name`) stays one edit.
    fn accepts(&self, op: Op, continues_name: bool) -> bool {
        let (grow_a, grow_b) = match op {
            Op::Substitute => (1, 1),
            Op::Delete => (1, 0),
            Op::Insert => (0, 1),
            Op::Match => return false,
        };
        if continues_name {
            return self.a_len() + grow_a <= MAX_NAME_WORDS
                && self.b_len() + grow_b <= MAX_NAME_WORDS;
        }
        let pure = self.substitutions == 0;
        if op == Op::Substitute && !pure {
            return false;
        }
        if pure && op != Op::Substitute && (self.a_len() == 0 || self.b_len() == 0) {
            let same_kind =
                (op == Op::Delete && self.b_len() == 0) || (op == Op::Insert && self.a_len() == 0);
            if same_kind {
                return true;
            }
        }
        self.a_len() + grow_a <= MAX_REPLACE_WORDS && self.b_len() + grow_b <= MAX_REPLACE_WORDS
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

impl Pending {
    fn finish(self) -> WordEdit {
        WordEdit {
            op: match (self.a_len(), self.b_len()) {
                (0, _) => EditOp::Insert,
                (_, 0) => EditOp::Delete,
                _ => EditOp::Replace,
            },
            a_words: self.a,
            b_words: self.b,
        }
    }
}

struct Side<'t> {
    input: AlignInput<'t>,
    function_words: &'t FunctionWords,
}

impl Side<'_> {
    fn in_name(&self, index: u32) -> bool {
        in_name_phrase(
            self.input.words(),
            self.input.text,
            self.function_words,
            index as usize,
        )
    }

    fn is_number(&self, index: u32) -> bool {
        is_number(self.input.text, self.input.starts[index as usize])
    }

    fn is_value(&self, index: u32) -> u32 {
        u32::from(is_value_hash(self.input.hashes[index as usize]))
    }
}

/// What the alignment counts while cutting the script into edits.
#[derive(Debug, Clone, Copy, Default)]
struct ScriptCounts {
    /// Matched words.
    matched: u32,
    /// Numbers of `a` substituted or deleted.
    unmatched_a_numbers: u32,
    /// Value words, on both sides, substituted, deleted or inserted.
    unmatched_values: u32,
}

/// Cut the script into edits (into `edits`, cleared first) and count what
/// the similarity and the number agreement need, in one pass: value words
/// and numbers are looked at only where the texts differ, edits are few.
fn edits_from_script(runs: &[Run], a: &Side, b: &Side, edits: &mut Vec<WordEdit>) -> ScriptCounts {
    edits.clear();
    let mut counts = ScriptCounts::default();
    let (mut ia, mut ib) = (0u32, 0u32);
    let mut pending: Option<Pending> = None;
    for &Run { op, len } in runs {
        if op == Op::Match {
            if let Some(done) = pending.take() {
                edits.push(done.finish());
            }
            counts.matched += len;
            ia += len;
            ib += len;
            continue;
        }
        for _ in 0..len {
            pending = Some(extend_edit(op, pending, [ia, ib], a, b, &mut counts, edits));
            if op != Op::Insert {
                ia += 1;
            }
            if op != Op::Delete {
                ib += 1;
            }
        }
    }
    if let Some(done) = pending {
        edits.push(done.finish());
    }
    counts
}

/// Add one substitution, deletion or insertion at word `at` (of `a`, of `b`)
/// to the pending edit, or close that edit and start a new one; counts what
/// the op consumes.
fn extend_edit(
    op: Op,
    pending: Option<Pending>,
    at: [u32; 2],
    a: &Side,
    b: &Side,
    counts: &mut ScriptCounts,
    edits: &mut Vec<WordEdit>,
) -> Pending {
    let [ia, ib] = at;
    match op {
        Op::Substitute => {
            counts.unmatched_values += a.is_value(ia) + b.is_value(ib);
            counts.unmatched_a_numbers += u32::from(a.is_number(ia));
        }
        Op::Delete => {
            counts.unmatched_values += a.is_value(ia);
            counts.unmatched_a_numbers += u32::from(a.is_number(ia));
        }
        Op::Insert => counts.unmatched_values += b.is_value(ib),
        Op::Match => {}
    }
    // Whether the op joins the pending edit: by the name rule when it
    // continues a name phrase (on a side it consumes a word of, that word
    // and the edit's last word there are both in names), by the plain rules
    // otherwise. Telling names classifies words and their neighbours, so it
    // is done only where the two rules disagree.
    let joins = pending.is_some_and(|p| {
        let (plain, as_name) = (p.accepts(op, false), p.accepts(op, true));
        if plain == as_name {
            return plain;
        }
        let on_a = op != Op::Insert && p.a_len() > 0 && a.in_name(ia) && a.in_name(p.a[1] - 1);
        let on_b = op != Op::Delete && p.b_len() > 0 && b.in_name(ib) && b.in_name(p.b[1] - 1);
        if on_a || on_b {
            as_name
        } else {
            plain
        }
    });
    let current = match pending {
        Some(current) if joins => current,
        other => {
            if let Some(done) = other {
                edits.push(done.finish());
            }
            Pending {
                a: [ia, ia],
                b: [ib, ib],
                substitutions: 0,
            }
        }
    };
    let mut next = current;
    match op {
        Op::Substitute => {
            next.a[1] += 1;
            next.b[1] += 1;
            next.substitutions += 1;
        }
        Op::Delete => next.a[1] += 1,
        Op::Insert => next.b[1] += 1,
        Op::Match => {}
    }
    next
}

#[cfg(test)]
mod tests {
    use super::*;
    use copydesk_text::tokenize;
    use proptest::prelude::*;

    fn run(a: &str, b: &str) -> Alignment {
        align(a, &tokenize(a), b, &tokenize(b), &RewriteConfig::default())
    }

    /// Apply the edits to `a`'s words and return the resulting words.
    fn apply(a: &str, b: &str, alignment: &Alignment) -> Vec<String> {
        let (ta, tb) = (tokenize(a), tokenize(b));
        let mut out = Vec::new();
        let mut next = 0usize;
        for edit in &alignment.edits {
            let [lo, hi] = edit.a_words;
            out.extend((next..lo as usize).map(|i| ta.word(i).to_owned()));
            out.extend((edit.b_words[0]..edit.b_words[1]).map(|j| tb.word(j as usize).to_owned()));
            next = hi as usize;
        }
        out.extend((next..ta.len()).map(|i| ta.word(i).to_owned()));
        out
    }

    #[test]
    fn identical_documents_have_no_edits() {
        let text = "The central bank held its rate at 4.5 percent on Tuesday.";
        let alignment = run(text, text);
        assert!(alignment.edits.is_empty());
        assert_eq!(alignment.similarity, 1.0);
        assert_eq!(alignment.number_agreement(), 1.0);
    }

    #[test]
    fn synonym_swaps_become_replace_edits_with_spans() {
        let a = "Farmers were worried that the drought would cut the harvest in Russia.";
        let b =
            "Farmers were apprehensive that the drouth would cut the crop in Russian Federation.";
        let alignment = run(a, b);
        let got: Vec<(EditOp, &str, &str)> = alignment
            .edits
            .iter()
            .map(|e| (e.op, e.a_text.as_str(), e.b_text.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (EditOp::Replace, "worried", "apprehensive"),
                (EditOp::Replace, "drought", "drouth"),
                (EditOp::Replace, "harvest", "crop"),
                (EditOp::Replace, "Russia", "Russian Federation"),
            ]
        );
        for edit in &alignment.edits {
            assert_eq!(&a[edit.a[0]..edit.a[1]], edit.a_text);
            assert_eq!(&b[edit.b[0]..edit.b[1]], edit.b_text);
        }
        assert!(RewriteConfig::default().accepts(&alignment));
    }

    #[test]
    fn a_name_phrase_swap_is_one_edit() {
        let a = "Exports to the U.S. fell, the minister said.";
        let b = "Exports to the United States of America fell, the minister stated.";
        let got: Vec<(EditOp, String, String)> = run(a, b)
            .edits
            .into_iter()
            .map(|e| (e.op, e.a_text, e.b_text))
            .collect();
        assert_eq!(
            got,
            [
                (
                    EditOp::Replace,
                    "U.S".into(),
                    "United States of America".into()
                ),
                (EditOp::Replace, "said".into(), "stated".into()),
            ]
        );
    }

    #[test]
    fn dropped_word_is_a_delete_with_an_empty_range_at_the_next_word() {
        let a = "The company has said it will close the plant.";
        let b = "The company said it will close the plant.";
        let alignment = run(a, b);
        assert_eq!(alignment.edits.len(), 1);
        let edit = &alignment.edits[0];
        assert_eq!(edit.op, EditOp::Delete);
        assert_eq!(edit.a_text, "has");
        assert_eq!(edit.b, [12, 12]);
        assert_eq!(&b[12..16], "said");
    }

    #[test]
    fn long_insertions_stay_one_edit() {
        let a = "Prices rose. Exports fell.";
        let b = "Prices rose sharply in the first quarter of the year after a long winter. Exports fell.";
        let alignment = run(a, b);
        assert_eq!(alignment.edits.len(), 1);
        assert_eq!(alignment.edits[0].op, EditOp::Insert);
        assert_eq!(alignment.edits[0].a, [13, 13]);
    }

    #[test]
    fn distinct_stories_with_the_same_numbers_pattern_are_rejected() {
        let a = "Acme Corp said first quarter net profit rose to 12.5 mln dlrs from 10.1 mln dlrs a year earlier on sales of 140 mln dlrs.";
        let b = "Bolt Inc said first quarter net profit rose to 3.2 mln dlrs from 2.9 mln dlrs a year earlier on sales of 61 mln dlrs.";
        let alignment = run(a, b);
        assert!(alignment.similarity > 0.5);
        assert!(alignment.number_agreement() < 0.5);
        assert!(!RewriteConfig::default().accepts(&alignment));
    }

    #[test]
    fn template_fills_with_other_months_and_magnitudes_are_rejected() {
        let a = "The bank is issuing a 40 billion yen bond due May 6, priced at par, \
                 lead manager Acme Securities said on Tuesday.";
        let b = "The firm is issuing a 40 mln dlr bond due April 27, priced at par, \
                 lead manager Acme Securities said on Friday.";
        let alignment = run(a, b);
        assert!(alignment.similarity > 0.6, "{}", alignment.similarity);
        assert!(!RewriteConfig::default().accepts(&alignment));
        // A spinner's copy keeps the values and passes.
        let spun = "The bank is releasing a 40 billion yen bond due May 6, priced at par, \
                    lead manager Acme Securities stated on Tuesday.";
        assert!(RewriteConfig::default().accepts(&run(a, spun)));
    }

    #[test]
    fn large_gaps_are_split_at_unique_anchors() {
        // Long enough that the middle exceeds the DP budget and needs anchors.
        let words: Vec<String> = (0..3000).map(|i| format!("w{i}")).collect();
        let a = words.join(" ");
        let mut changed = words.clone();
        for i in (5..3000).step_by(7) {
            changed[i] = format!("x{i}");
        }
        let b = changed.join(" ");
        let alignment = run(&a, &b);
        assert_eq!(alignment.edits.len(), (5..3000).step_by(7).count());
        assert!(alignment.edits.iter().all(|e| e.op == EditOp::Replace));
        assert_eq!(
            apply(&a, &b, &alignment),
            tokenize(&b).words().collect::<Vec<_>>()
        );
    }

    #[test]
    fn greedy_skips_come_cheapest_first_then_in_order() {
        let mut expected: Vec<(usize, usize)> = (0..=GREEDY_REACH)
            .flat_map(|skip_a| (0..=GREEDY_REACH).map(move |skip_b| (skip_a, skip_b)))
            .filter(|&(skip_a, skip_b)| skip_a + skip_b > 0)
            .collect();
        expected.sort_by_key(|&skip| skip_cost(skip));
        assert_eq!(GREEDY_SKIPS.to_vec(), expected);
        assert_eq!(GREEDY_SKIPS[..3], [(0, 1), (1, 0), (1, 1)]);
    }

    #[test]
    fn common_prefix_of_word_sequences() {
        let a: Vec<u64> = (0..11).collect();
        for cut in 0..11 {
            let mut b = a.clone();
            b[cut] = 99;
            assert_eq!(common_prefix(&a, &b), cut);
            assert_eq!(common_prefix(&a[..cut], &b), cut);
        }
        assert_eq!(common_prefix(&a, &a), 11);
        assert_eq!(common_prefix(&[], &a), 0);
    }

    #[test]
    fn value_words_are_told_by_hash() {
        assert!(VALUE_WORDS.iter().all(|word| is_value_word(word)));
        for word in ["may", "said", "two", "percent", "monday's", "", "januar"] {
            assert!(!is_value_word(word), "{word}");
        }
    }

    #[test]
    fn a_reused_aligner_gives_what_a_fresh_one_gives() {
        let config = RewriteConfig::default();
        let words: Vec<String> = (0..3000).map(|i| format!("w{}", i % 1700)).collect();
        let long = words.join(" ");
        let mut changed = words.clone();
        for i in (3..3000).step_by(11) {
            changed[i] = format!("x{i}");
        }
        let long_changed = changed.join(" ");
        let texts = [
            (long.as_str(), long_changed.as_str()),
            (
                "The bank held its rate at 4.5 percent on Tuesday.",
                "The bank kept its rate at 4.5 pct on Tuesday.",
            ),
            (
                include_str!("../../../fixtures/rewrite/harbour.txt"),
                include_str!("../../../fixtures/rewrite/harbour-spun50.txt"),
            ),
            ("", "Only one side has words."),
            ("a b c d e f g h", "h g f e d c b a"),
        ];
        let mut aligner = Aligner::new();
        let (mut a_words, mut b_words) = (PreparedWords::default(), PreparedWords::default());
        for (a, b) in texts.iter().chain(texts.iter().rev()) {
            a_words.prepare(a);
            b_words.prepare(b);
            let (a_input, b_input) = (a_words.input(a), b_words.input(b));
            let reused = aligner.align(a_input, b_input, &config);
            let fresh = align_spans(a, &text::tokenize(a), b, &text::tokenize(b), &config);
            assert_eq!(
                Alignment {
                    edits: Vec::new(),
                    ..fresh.clone()
                },
                reused
            );
            let edits: Vec<Edit> = aligner
                .word_edits()
                .iter()
                .map(|edit| edit.to_edit(&a_input, &b_input, false))
                .collect();
            assert_eq!(edits, fresh.edits);
        }
    }

    #[test]
    fn longest_increasing_chain() {
        let pairs = [(0, 5), (1, 1), (2, 2), (3, 0), (4, 3), (5, 9), (6, 4)];
        assert_eq!(longest_increasing(&pairs), [(1, 1), (2, 2), (4, 3), (6, 4)]);
        assert!(longest_increasing(&[]).is_empty());
    }

    fn small_words() -> impl Strategy<Value = String> {
        // Few distinct words so that documents share and repeat words; some
        // non-ASCII to exercise byte offsets.
        prop::collection::vec(
            prop::sample::select(vec![
                "the", "of", "cat", "Café", "dog", "über", "7", "ran", "sat", "mat", "naïve",
            ]),
            0..60,
        )
        .prop_map(|words| words.join(" "))
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, rng_seed: proptest::test_runner::RngSeed::Fixed(3), ..ProptestConfig::default() })]

        #[test]
        fn edits_turn_a_into_b(a in small_words(), b in small_words(), cells in 1usize..64) {
            let config = RewriteConfig { max_gap_cells: cells, ..RewriteConfig::default() };
            let alignment = align(&a, &tokenize(&a), &b, &tokenize(&b), &config);
            let expected: Vec<String> = tokenize(&b).words().map(str::to_owned).collect();
            prop_assert_eq!(apply(&a, &b, &alignment), expected);
            for edit in &alignment.edits {
                // Replacements hold three words a side, name phrases eight.
                prop_assert!(edit.a_words[1] - edit.a_words[0] <= 8 || edit.op != EditOp::Replace);
                prop_assert!(edit.b_words[1] - edit.b_words[0] <= 8 || edit.op != EditOp::Replace);
            }
        }

        #[test]
        fn never_panics_and_spans_are_on_char_boundaries(a in "\\PC{0,80}", b in "\\PC{0,80}") {
            let alignment = run(&a, &b);
            prop_assert!((0.0..=1.0).contains(&alignment.similarity));
            for edit in &alignment.edits {
                prop_assert!(edit.a[0] <= edit.a[1] && edit.b[0] <= edit.b[1]);
                prop_assert!(a.is_char_boundary(edit.a[0]) && a.is_char_boundary(edit.a[1]));
                prop_assert!(b.is_char_boundary(edit.b[0]) && b.is_char_boundary(edit.b[1]));
                prop_assert_eq!(&a[edit.a[0]..edit.a[1]], edit.a_text.as_str());
                prop_assert_eq!(&b[edit.b[0]..edit.b[1]], edit.b_text.as_str());
            }
        }
    }
}
