//! Normalization and word tokenization with byte offsets into the original text.
//!
//! A word token is a maximal run of alphanumeric characters, with an apostrophe
//! allowed between two alphanumerics ("don't", "O'Neill"). Everything else is
//! punctuation or space and is skipped, which is what makes shingles blind to
//! punctuation. Each token's normalized form is Unicode NFKC, lower-cased, with
//! every apostrophe variant (’ ‘ ʼ ′) turned into `'`; the token keeps the byte
//! range of its original spelling so later stages can report spans.
//!
//! Invariant of [`Tokens`]: tokens are in text order, their original ranges do
//! not overlap, and `tokens[i].norm` indexes into [`Tokens::norm`].

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;
use unicode_normalization::UnicodeNormalization;
use xxhash_rust::xxh3::xxh3_64;

/// One word of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// Byte offset of the first byte of the word in the original text.
    pub start: u32,
    /// Byte offset one past the last byte of the word in the original text.
    pub end: u32,
    /// Byte offset of the normalized form in [`Tokens::norm`].
    pub norm_start: u32,
    /// End of the normalized form in [`Tokens::norm`].
    pub norm_end: u32,
    /// xxh3 hash of the normalized form: equal words have equal hashes.
    pub hash: u64,
}

impl Token {
    /// The byte range of the word in the original text.
    pub fn span(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// The words of one document, normalized, with their original offsets.
#[derive(Debug, Clone, Default)]
pub struct Tokens {
    /// All normalized words concatenated without separators.
    pub norm: String,
    /// The tokens in text order.
    pub tokens: Vec<Token>,
}

impl Tokens {
    /// Number of words.
    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    /// True when the document has no words.
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// The normalized form of word `index`.
    pub fn word(&self, index: usize) -> &str {
        let token = &self.tokens[index];
        &self.norm[token.norm_start as usize..token.norm_end as usize]
    }

    /// Iterator over the normalized words.
    pub fn words(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.tokens
            .iter()
            .map(move |t| &self.norm[t.norm_start as usize..t.norm_end as usize])
    }

    /// Each word's hash and start offset (see [`WordStarts`]), as
    /// [`push_word_starts`] gives them.
    pub fn hashes_and_starts(&self) -> (Vec<u64>, Vec<u32>) {
        self.tokens.iter().map(|t| (t.hash, t.start)).unzip()
    }

    /// The normalized words joined by single spaces: the text that character
    /// shingles are cut from.
    pub fn joined(&self) -> String {
        let mut out = String::with_capacity(self.norm.len() + self.tokens.len());
        for (i, word) in self.words().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(word);
        }
        out
    }
}

/// A hasher for keys that are xxh3 hashes already (word hashes, id hashes):
/// they pass through, which saves hashing them a second time on hot paths.
#[derive(Debug, Default, Clone, Copy)]
pub struct PassThroughHasher(u64);

impl Hasher for PassThroughHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Only u64 keys are meant; fold anything else all the same.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}

/// A map keyed by xxh3 hashes (see [`PassThroughHasher`]).
pub type HashKeyed<V> = HashMap<u64, V, BuildHasherDefault<PassThroughHasher>>;

/// A set of xxh3 hashes (see [`PassThroughHasher`]).
pub type HashKeyedSet = HashSet<u64, BuildHasherDefault<PassThroughHasher>>;

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}' | '\u{2032}')
}

/// Tokenize `text` into normalized words with byte offsets.
///
/// Texts longer than 4 GiB are cut at 4 GiB: offsets are stored as `u32` to keep
/// the token array small on the hot path.
pub fn tokenize(text: &str) -> Tokens {
    let mut out = Tokens {
        norm: String::with_capacity(text.len()),
        tokens: Vec::with_capacity(text.len() / 5),
    };
    tokenize_into(text, &mut out);
    out
}

/// Tokenize into an existing buffer, reusing its allocations.
pub fn tokenize_into(text: &str, out: &mut Tokens) {
    out.norm.clear();
    out.tokens.clear();
    out.norm.reserve(text.len());
    scan_words(text, |found| {
        let norm_start = out.norm.len();
        let (start, end, hash) = match found {
            Word::Ascii { start, end, upper } => {
                let word = &text.as_bytes()[start..end];
                // SAFETY: only ASCII bytes are appended, so `norm` stays UTF-8.
                let norm = unsafe { out.norm.as_mut_vec() };
                // Most words are already lower case: hash them from the text
                // itself rather than from bytes just written.
                let hash = if upper {
                    norm.extend(word.iter().map(u8::to_ascii_lowercase));
                    xxh3_64(&norm[norm_start..])
                } else {
                    norm.extend_from_slice(word);
                    xxh3_64(word)
                };
                (start, end, hash)
            }
            Word::General { start, end, ascii } => {
                push_normalized(&text[start..end], ascii, &mut out.norm);
                (start, end, xxh3_64(&out.norm.as_bytes()[norm_start..]))
            }
        };
        out.tokens.push(Token {
            start: start as u32,
            end: end as u32,
            norm_start: norm_start as u32,
            norm_end: out.norm.len() as u32,
            hash,
        });
    });
}

/// The hash of every word of `text`, exactly the [`Token::hash`]es that
/// [`tokenize`] gives, without offsets or normalized forms: what signing for
/// near-duplicates needs, at less cost. `scratch` holds the normalized form
/// of words that are not plain lower-case ASCII.
pub fn word_hashes_into(text: &str, hashes: &mut Vec<u64>, scratch: &mut String) {
    hashes.clear();
    scan_hashes(text, scratch, |hash, _| hashes.push(hash));
}

/// The words of a document reduced to what matching and alignment read:
/// each word's hash (its [`Token::hash`]) and the byte offset where it starts
/// in the original text. A word's end is found again with [`word_end`]:
/// keeping 12 bytes a word instead of a [`Token`]'s 24 and no normalized
/// text is what lets a whole corpus's words stay in memory between stages.
///
/// Invariant: `hashes` and `starts` have the same length and the starts are
/// those of [`tokenize`]'s tokens, in order.
#[derive(Debug, Clone, Copy, Default)]
pub struct WordStarts<'a> {
    /// The hash of each word.
    pub hashes: &'a [u64],
    /// The byte offset of each word's first byte in the original text.
    pub starts: &'a [u32],
}

impl WordStarts<'_> {
    /// Number of words.
    pub fn len(&self) -> usize {
        self.hashes.len()
    }

    /// True when the document has no words.
    pub fn is_empty(&self) -> bool {
        self.hashes.is_empty()
    }

    /// The byte range of word `index` in `text`, the text these words were
    /// cut from.
    pub fn span(&self, text: &str, index: usize) -> Range<usize> {
        let start = self.starts[index] as usize;
        start..word_end(text, start)
    }
}

/// Append the hash and start offset of every word of `text` (see
/// [`WordStarts`]) to `hashes` and `starts`: [`tokenize`]'s hashes and
/// starts, without building tokens or normalized text.
pub fn push_word_starts(
    text: &str,
    hashes: &mut Vec<u64>,
    starts: &mut Vec<u32>,
    scratch: &mut String,
) {
    scan_hashes(text, scratch, |hash, start| {
        hashes.push(hash);
        starts.push(start as u32);
    });
}

/// Each word's hash and start offset, in order.
#[inline(always)]
fn scan_hashes(text: &str, scratch: &mut String, mut on_word: impl FnMut(u64, usize)) {
    scan_words(text, |found| match found {
        Word::Ascii {
            start,
            end,
            upper: false,
        } => on_word(xxh3_64(&text.as_bytes()[start..end]), start),
        Word::Ascii { start, end, .. } => {
            let word = &text.as_bytes()[start..end];
            let mut buffer = [0u8; 32];
            let hash = match buffer.get_mut(..word.len()) {
                Some(lower) => {
                    for (slot, &b) in lower.iter_mut().zip(word) {
                        *slot = b.to_ascii_lowercase();
                    }
                    xxh3_64(lower)
                }
                None => {
                    scratch.clear();
                    push_normalized(&text[start..end], true, scratch);
                    xxh3_64(scratch.as_bytes())
                }
            };
            on_word(hash, start);
        }
        Word::General { start, end, ascii } => {
            scratch.clear();
            push_normalized(&text[start..end], ascii, scratch);
            on_word(xxh3_64(scratch.as_bytes()), start);
        }
    });
}

/// The end of the word that starts at byte `start` of `text`, as
/// [`tokenize`] cuts it: for every token `t` of `text`,
/// `word_end(text, t.start) == t.end`. Never panics: a `start` past the text
/// or inside a character gives an empty word.
pub fn word_end(text: &str, start: usize) -> usize {
    let text = scannable(text);
    if !text.is_char_boundary(start) {
        return start;
    }
    word_end_from(text, start).0
}

/// The first 4 GiB of `text` (offsets are `u32`), cut at a character boundary.
fn scannable(text: &str) -> &str {
    if text.len() > u32::MAX as usize {
        &text[..floor_char_boundary(text, u32::MAX as usize)]
    } else {
        text
    }
}

/// The largest character boundary of `text` at or below `index`; the text's
/// length when `index` is past its end. Any offset computed by arithmetic
/// ("80 bytes back", "at most 200 bytes") goes through this (or
/// [`ceil_char_boundary`]) before it slices: slicing inside a multi-byte
/// character panics. (`str::floor_char_boundary` is newer than the crate's
/// minimum Rust.)
pub fn floor_char_boundary(text: &str, index: usize) -> usize {
    if index >= text.len() {
        return text.len();
    }
    let mut index = index;
    // At most three steps: a UTF-8 character is at most four bytes.
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

/// The smallest character boundary of `text` at or above `index`; the text's
/// length when `index` is past its end.
pub fn ceil_char_boundary(text: &str, index: usize) -> usize {
    if index >= text.len() {
        return text.len();
    }
    let mut index = index;
    while !text.is_char_boundary(index) {
        index += 1;
    }
    index
}

/// Scan a word from `pos`: alphanumerics, and an apostrophe only when an
/// alphanumeric follows. Returns its end and whether all its bytes are ASCII.
#[inline(always)]
fn word_end_from(text: &str, mut pos: usize) -> (usize, bool) {
    let bytes = text.as_bytes();
    let mut ascii = true;
    while pos < bytes.len() {
        let b = bytes[pos];
        if b < 0x80 {
            if ASCII_WORD[b as usize] {
                pos += 1;
                continue;
            }
            if b == b'\'' && next_is_alnum(text, pos + 1) {
                pos += 1;
                continue;
            }
            break;
        }
        let c = text[pos..].chars().next().unwrap_or(' ');
        if c.is_alphanumeric() || (is_apostrophe(c) && next_is_alnum(text, pos + c.len_utf8())) {
            ascii = false;
            pos += c.len_utf8();
            continue;
        }
        break;
    }
    (pos, ascii)
}

/// A word found by [`scan_words`], by byte range in the text.
enum Word {
    /// ASCII letters and digits only, ended by ASCII that is not an
    /// apostrophe (or by the end of the text); `upper` when any is upper case.
    Ascii {
        start: usize,
        end: usize,
        upper: bool,
    },
    /// Any other word; `ascii` when all its bytes are ASCII.
    General {
        start: usize,
        end: usize,
        ascii: bool,
    },
}

/// Find the words of `text` in order (the first 4 GiB: offsets are `u32`).
#[inline(always)]
fn scan_words(text: &str, mut on_word: impl FnMut(Word)) {
    let text = scannable(text);
    let bytes = text.as_bytes();
    let mut pos = 0usize;
    while pos < bytes.len() {
        // Skip to the start of the next word; the ASCII fast path avoids decoding.
        let b = bytes[pos];
        if b < 0x80 {
            if !ASCII_WORD[b as usize] {
                pos += 1;
                continue;
            }
            // Most words are plain ASCII letters and digits ended by an ASCII
            // space or punctuation. Anything else (an apostrophe, a non-ASCII
            // letter) takes the general path below from the word's start.
            let mut end = pos;
            let mut upper = false;
            while end < bytes.len() && bytes[end] < 0x80 && ASCII_WORD[bytes[end] as usize] {
                upper |= bytes[end].is_ascii_uppercase();
                end += 1;
            }
            if end == bytes.len() || (bytes[end] < 0x80 && bytes[end] != b'\'') {
                on_word(Word::Ascii {
                    start: pos,
                    end,
                    upper,
                });
                pos = end;
                continue;
            }
        } else {
            let c = text[pos..].chars().next().unwrap_or(' ');
            if !c.is_alphanumeric() {
                pos += c.len_utf8();
                continue;
            }
        }
        let start = pos;
        let (end, ascii) = word_end_from(text, start);
        pos = end;
        on_word(Word::General {
            start,
            end: pos,
            ascii,
        });
    }
}

/// Append the normalized form of one word: lower case, and for non-ASCII
/// words NFKC with every apostrophe variant as `'`.
fn push_normalized(word: &str, ascii: bool, out: &mut String) {
    let norm_start = out.len();
    if ascii {
        out.push_str(word);
        out[norm_start..].make_ascii_lowercase();
    } else {
        for c in word.nfkc() {
            if is_apostrophe(c) {
                out.push('\'');
            } else {
                out.extend(c.to_lowercase());
            }
        }
    }
}

/// ASCII bytes that belong to words: letters and digits.
const ASCII_WORD: [bool; 128] = {
    let mut table = [false; 128];
    let mut b = 0;
    while b < 128 {
        table[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    table
};

fn next_is_alnum(text: &str, pos: usize) -> bool {
    text.get(pos..)
        .and_then(|rest| rest.chars().next())
        .is_some_and(|c| c.is_alphanumeric())
}

/// Normalize a whole string the way words are normalized (NFKC, lower case,
/// apostrophes, and also quotes and dashes unified); used for exact-text keys
/// and for lexicon entries.
pub fn normalize(text: &str) -> String {
    // ASCII is its own NFKC form and holds none of the unified marks: the
    // result is its ASCII lower case, without a pass of the normalizer (most
    // text and nearly every reference entry).
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    normalize_unicode(text)
}

fn normalize_unicode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.nfkc() {
        match c {
            '\u{2018}' | '\u{2019}' | '\u{02BC}' | '\u{2032}' => out.push('\''),
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{00AB}' | '\u{00BB}' | '\u{2033}' => {
                out.push('"')
            }
            '\u{2010}'..='\u{2015}' | '\u{2212}' => out.push('-'),
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        tokenize(text).words().map(str::to_owned).collect()
    }

    #[test]
    fn punctuation_is_skipped_and_case_folded() {
        assert_eq!(
            words("The Minister said: \"No.\" -- U.S. rates rose 2.5%."),
            ["the", "minister", "said", "no", "u", "s", "rates", "rose", "2", "5"]
        );
    }

    #[test]
    fn ascii_is_normalized_as_the_full_pass_does() {
        // Every ASCII character, alone and in a run.
        let all: String = (0u8..128).map(char::from).collect();
        assert_eq!(normalize(&all), normalize_unicode(&all));
        for c in all.chars() {
            assert_eq!(normalize(&c.to_string()), normalize_unicode(&c.to_string()));
        }
        assert_eq!(normalize("The U.S. -- 'Quoted'"), "the u.s. -- 'quoted'");
        assert_eq!(normalize("Don\u{2019}t"), "don't");
    }

    #[test]
    fn apostrophes_are_unified_inside_words_only() {
        assert_eq!(
            words("don’t 'quoted' O'Neill’s"),
            ["don't", "quoted", "o'neill's"]
        );
        let a = tokenize("don’t");
        let b = tokenize("don't");
        assert_eq!(a.tokens[0].hash, b.tokens[0].hash);
    }

    #[test]
    fn char_boundaries_round_down_and_up() {
        let text = "a£中😀";
        // Boundaries: 0 a 1 £ 3 中 6 😀 10.
        let floors: Vec<usize> = (0..=12).map(|i| floor_char_boundary(text, i)).collect();
        assert_eq!(floors, [0, 1, 1, 3, 3, 3, 6, 6, 6, 6, 10, 10, 10]);
        let ceils: Vec<usize> = (0..=12).map(|i| ceil_char_boundary(text, i)).collect();
        assert_eq!(ceils, [0, 1, 3, 3, 6, 6, 6, 10, 10, 10, 10, 10, 10]);
        assert_eq!(floor_char_boundary("", 5), 0);
        assert_eq!(ceil_char_boundary("", 0), 0);
    }

    #[test]
    fn offsets_point_into_the_original() {
        let text = "« Ｆｕｌｌ » café—Straße";
        let tokens = tokenize(text);
        let originals: Vec<&str> = tokens.tokens.iter().map(|t| &text[t.span()]).collect();
        assert_eq!(originals, ["Ｆｕｌｌ", "café", "Straße"]);
        assert_eq!(tokens.word(0), "full");
        assert_eq!(tokens.word(2), "straße");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 256,
            rng_seed: proptest::test_runner::RngSeed::Fixed(3),
            ..proptest::prelude::ProptestConfig::default()
        })]
        /// The hash-only scan gives exactly the tokenizer's hashes, whatever
        /// mix of cases, apostrophes, accents, wide forms and long words.
        #[test]
        fn word_hashes_are_the_tokens_hashes(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "the", "The", "MINISTER", "said", " ", "  ", ", ", ".", "don't", "O\u{2019}Neill",
                    "'", "caf\u{e9}", "Stra\u{df}e", "\u{ff26}\u{ff55}\u{ff4c}\u{ff4c}", "2.5%", "\u{65e5}\u{672c}",
                    "-", "\n", "a", "Supercalifragilisticexpialidociously-LONG", "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJ",
                ]),
                0..40,
            ),
        ) {
            let text: String = parts.concat();
            let expected: Vec<u64> = tokenize(&text).tokens.iter().map(|t| t.hash).collect();
            let (mut hashes, mut scratch) = (Vec::new(), String::new());
            word_hashes_into(&text, &mut hashes, &mut scratch);
            proptest::prop_assert_eq!(&hashes, &expected);
            // The same hashes with the tokens' starts, and each word's end found again.
            let tokens = tokenize(&text);
            let (mut with_starts, mut starts) = (vec![7], vec![7]);
            push_word_starts(&text, &mut with_starts, &mut starts, &mut scratch);
            proptest::prop_assert_eq!(&with_starts[1..], &expected[..]);
            let words = WordStarts { hashes: &with_starts[1..], starts: &starts[1..] };
            for (index, token) in tokens.tokens.iter().enumerate() {
                proptest::prop_assert_eq!(words.starts[index], token.start);
                proptest::prop_assert_eq!(words.span(&text, index), token.span());
            }
        }
    }

    #[test]
    fn word_end_never_panics_off_a_word() {
        let text = "caf\u{e9} ok";
        assert_eq!(word_end(text, 0), 5);
        assert_eq!(word_end(text, 4), 4); // inside "é"
        assert_eq!(word_end(text, 5), 5); // a space
        assert_eq!(word_end(text, 6), 8);
        assert_eq!(word_end(text, 99), 99);
    }

    #[test]
    fn empty_and_symbol_only_texts_have_no_tokens() {
        assert!(tokenize("").is_empty());
        assert!(tokenize(" -- ... !!").is_empty());
    }

    #[test]
    fn normalize_unifies_quotes_and_dashes() {
        assert_eq!(normalize("“Hi” – ‘you’"), "\"hi\" - 'you'");
    }
}
