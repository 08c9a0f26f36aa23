//! What a spinner leaves alone: function words, names and numbers.
//!
//! A thesaurus has synonyms for content words only, so the closed-class words
//! (written down in `data/function_words.txt`), names and numbers of a spun copy
//! are those of its source, in the same order. Names are told by their
//! capital: a capitalized word that does not open a sentence, or an acronym.

use copydesk_common::{Error, Result};
use copydesk_text::HashKeyedSet;
use copydesk_text::{self as text, Tokens, WordStarts};
use std::path::Path;
use xxhash_rust::xxh3::xxh3_64;

/// The default function-word list, written for this project.
pub const DEFAULT_FUNCTION_WORDS: &str = include_str!("../../../data/function_words.txt");

/// What kind of word a token is, as far as a spinner is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WordClass {
    /// A closed-class word from the function-word list.
    Function,
    /// A token that starts with a digit.
    Number,
    /// A capitalized word inside a sentence, or an acronym.
    Name,
    /// Anything else: what a spinner swaps for synonyms.
    Content,
}

impl WordClass {
    /// True for the classes a spinner does not touch.
    pub fn is_immutable(self) -> bool {
        self != WordClass::Content
    }
}

/// A set of function words, held as hashes of their normalized forms.
///
/// Every word of every document is looked up (to sign it and to align it):
/// the hashes sit in a small open-addressing table probed linearly from the
/// hash's low bits, at most a quarter full, so a lookup is one or two loads.
#[derive(Debug, Clone)]
pub struct FunctionWords {
    /// Power-of-two sized; [`EMPTY_SLOT`] marks a free slot.
    slots: Vec<u64>,
    /// Whether the word whose hash is [`EMPTY_SLOT`] is in the set.
    has_empty_hash: bool,
    len: usize,
}

/// The value of a free slot in [`FunctionWords`] (a word may hash to it;
/// that word is then flagged apart).
const EMPTY_SLOT: u64 = 0;

impl FunctionWords {
    fn from_hashes(hashes: HashKeyedSet) -> FunctionWords {
        let capacity = (4 * hashes.len()).next_power_of_two().max(16);
        let mut words = FunctionWords {
            slots: vec![EMPTY_SLOT; capacity],
            has_empty_hash: false,
            len: hashes.len(),
        };
        // Sorted, so that the table does not depend on the set's order.
        let mut sorted: Vec<u64> = hashes.into_iter().collect();
        sorted.sort_unstable();
        for hash in sorted {
            if hash == EMPTY_SLOT {
                words.has_empty_hash = true;
                continue;
            }
            let mask = capacity - 1;
            let mut index = hash as usize & mask;
            while words.slots[index] != EMPTY_SLOT {
                index = (index + 1) & mask;
            }
            words.slots[index] = hash;
        }
        words
    }
}

impl Default for FunctionWords {
    fn default() -> Self {
        // The embedded list is part of the build and tested to parse.
        FunctionWords::parse(DEFAULT_FUNCTION_WORDS, Path::new("data/function_words.txt"))
            .unwrap_or_else(|_| FunctionWords::from_hashes(HashKeyedSet::default()))
    }
}

impl FunctionWords {
    /// Parse a list: one word per line, `#` comments, blank lines ignored.
    /// `path` names the list in errors.
    pub fn parse(list: &str, path: &Path) -> Result<FunctionWords> {
        let mut hashes = HashKeyedSet::default();
        for (index, line) in list.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let tokens = copydesk_text::tokenize(line);
            if tokens.len() != 1 || tokens.word(0).len() != line.len() {
                return Err(Error::DataFile {
                    path: path.to_path_buf(),
                    line: index as u64 + 1,
                    message: format!("{line:?} is not a single lower-case word"),
                });
            }
            hashes.insert(tokens.tokens[0].hash);
        }
        Ok(FunctionWords::from_hashes(hashes))
    }

    /// Read a list from a file.
    pub fn load(path: &Path) -> Result<FunctionWords> {
        let list = std::fs::read_to_string(path).map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?;
        FunctionWords::parse(&list, path)
    }

    /// True when the normalized word with this hash is a function word.
    #[inline]
    pub fn contains_hash(&self, hash: u64) -> bool {
        if hash == EMPTY_SLOT {
            return self.has_empty_hash;
        }
        let mask = self.slots.len() - 1;
        let mut index = hash as usize & mask;
        loop {
            // One branch a probe, and a predictable one (collisions are
            // rare in a table a quarter full): found or free ends the search.
            let slot = self.slots[index];
            let found = slot == hash;
            if found | (slot == EMPTY_SLOT) {
                return found;
            }
            index = (index + 1) & mask;
        }
    }

    /// True when `word` (normalized) is a function word.
    pub fn contains(&self, word: &str) -> bool {
        self.contains_hash(xxh3_64(word.as_bytes()))
    }

    /// Number of words in the list.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when the list is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// True when the word starting at byte `start` opens a sentence: nothing but
/// spaces, quotes and brackets since the start of the text or since a
/// sentence-ending mark or line break.
fn opens_sentence(text: &str, start: usize) -> bool {
    let bytes = text.as_bytes();
    let mut at = start.min(bytes.len());
    // Byte by byte while the text is ASCII (nearly always, a word or two
    // back); from the first other byte on, character by character.
    while at > 0 {
        let byte = bytes[at - 1];
        if byte >= 0x80 {
            return opens_sentence_chars(text, at);
        }
        match byte {
            b'.' => {
                let before = |back: usize| at.checked_sub(back).map(|i| bytes[i]);
                let (capital, previous) = (before(2), before(3));
                if capital.is_some_and(|c| c >= 0x80) || previous.is_some_and(|c| c >= 0x80) {
                    return opens_sentence_chars(text, at);
                }
                // A full stop after a single capital is an initial ("U.S.", "J. Smith").
                let initial = capital.is_some_and(|c| c.is_ascii_uppercase())
                    && !previous.is_some_and(|c| c.is_ascii_alphanumeric());
                return !initial;
            }
            b'!' | b'?' | b':' | b'\n' | b'\r' => return true,
            b' ' | b'\t' | 0x0B | 0x0C | b'"' | b'\'' | b'(' | b'[' | b'-' => at -= 1,
            _ => return false,
        }
    }
    true
}

/// [`opens_sentence`] for the text before byte `end`, character by character.
fn opens_sentence_chars(text: &str, end: usize) -> bool {
    let Some(before) = text.get(..end) else {
        return false;
    };
    let mut before = before.chars().rev();
    while let Some(c) = before.next() {
        match c {
            // A full stop after a single capital is an initial ("U.S.", "J. Smith").
            '.' => {
                let mut rest = before.clone();
                let initial = rest.next().is_some_and(char::is_uppercase)
                    && !rest.next().is_some_and(char::is_alphanumeric);
                return !initial;
            }
            '!' | '?' | ':' | '\n' | '\r' => return true,
            c if c.is_whitespace() => {}
            '"' | '\'' | '(' | '[' | '\u{201C}' | '\u{2018}' | '\u{00AB}' | '-' | '\u{2014}' => {}
            _ => return false,
        }
    }
    true
}

/// The class of every token of a document. `text` is the original text the
/// tokens were cut from (its capitals tell names).
pub fn classify(tokens: &Tokens, text: &str, function_words: &FunctionWords) -> Vec<WordClass> {
    (0..tokens.len())
        .map(|index| classify_one(tokens, text, function_words, index))
        .collect()
}

/// The class of token `index` alone (see [`classify`]).
#[inline]
pub fn classify_one(
    tokens: &Tokens,
    text: &str,
    function_words: &FunctionWords,
    index: usize,
) -> WordClass {
    let token = &tokens.tokens[index];
    classify_word(text, token.hash, token.start as usize, function_words)
}

/// The class of the word with this hash that starts at byte `start` of
/// `text` (see [`classify`]).
#[inline]
pub fn classify_word(
    text: &str,
    hash: u64,
    start: usize,
    function_words: &FunctionWords,
) -> WordClass {
    let bytes = text.as_bytes();
    // Most words start with a lower-case ASCII letter: neither a number nor
    // capitalized, so only the function-word list can tell.
    match bytes.get(start) {
        Some(first) if first.is_ascii_lowercase() => {
            return [WordClass::Content, WordClass::Function]
                [usize::from(function_words.contains_hash(hash))];
        }
        Some(first) if first.is_ascii_digit() => return WordClass::Number,
        Some(first) if first.is_ascii_uppercase() => {
            // A capitalized ASCII word, read byte by byte; one that goes on
            // past ASCII (an accent, an apostrophe) takes the general path.
            let mut end = start + 1;
            let mut lower = false;
            while let Some(byte) = bytes.get(end).filter(|b| b.is_ascii_alphanumeric()) {
                lower |= byte.is_ascii_lowercase();
                end += 1;
            }
            if !bytes.get(end).is_some_and(|&b| b >= 0x80 || b == b'\'') {
                let all_capitals = end - start >= 2 && !lower;
                return capitalized_class(text, hash, start, all_capitals, function_words);
            }
        }
        _ => {}
    }
    let original = text.get(start..text::word_end(text, start)).unwrap_or("");
    let first = original.chars().next().unwrap_or(' ');
    if first.is_numeric() {
        return WordClass::Number;
    }
    // Only a capitalized word can be a name or an acronym.
    if first.is_uppercase() {
        let all_capitals =
            original.chars().nth(1).is_some() && original.chars().all(|c| !c.is_lowercase());
        return capitalized_class(text, hash, start, all_capitals, function_words);
    }
    [WordClass::Content, WordClass::Function][usize::from(function_words.contains_hash(hash))]
}

/// The class of a capitalized word: an acronym (`all_capitals`) is a name,
/// as is a capitalized word that is no function word and does not open a
/// sentence.
fn capitalized_class(
    text: &str,
    hash: u64,
    start: usize,
    all_capitals: bool,
    function_words: &FunctionWords,
) -> WordClass {
    if all_capitals {
        WordClass::Name
    } else if function_words.contains_hash(hash) {
        WordClass::Function
    } else if opens_sentence(text, start) {
        WordClass::Content
    } else {
        WordClass::Name
    }
}

/// True when word `index` of a document belongs to a name phrase (see
/// [`name_phrase_words`]), classifying only the word and its neighbours.
/// `words` were cut from `text`.
pub fn in_name_phrase(
    words: WordStarts,
    text: &str,
    function_words: &FunctionWords,
    index: usize,
) -> bool {
    if index >= words.len() {
        return false;
    }
    let class = |i: usize| {
        classify_word(
            text,
            words.hashes[i],
            words.starts[i] as usize,
            function_words,
        )
    };
    match class(index) {
        WordClass::Name => true,
        WordClass::Function => {
            index > 0
                && index + 1 < words.len()
                && class(index - 1) == WordClass::Name
                && class(index + 1) == WordClass::Name
        }
        _ => false,
    }
}

/// True for each token that belongs to a name phrase: a name, or a function
/// word between two names ("Bank of England", "United States of America").
pub fn name_phrase_words(classes: &[WordClass]) -> Vec<bool> {
    (0..classes.len())
        .map(|i| in_name_phrase_of(classes, i))
        .collect()
}

/// True when word `index` of a document whose words have these classes
/// belongs to a name phrase (see [`name_phrase_words`]).
pub(crate) fn in_name_phrase_of(classes: &[WordClass], index: usize) -> bool {
    match classes[index] {
        WordClass::Name => true,
        WordClass::Function => {
            index > 0
                && classes[index - 1] == WordClass::Name
                && classes.get(index + 1) == Some(&WordClass::Name)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use copydesk_text::tokenize;

    #[test]
    fn default_list_parses_and_holds_closed_classes() {
        let words = FunctionWords::parse(DEFAULT_FUNCTION_WORDS, Path::new("x")).unwrap();
        assert!(words.len() > 150);
        for w in ["the", "of", "would", "n't", "themselves", "between"] {
            assert!(words.contains(w), "{w}");
        }
        for w in ["said", "also", "profit", "worried"] {
            assert!(!words.contains(w), "{w}");
        }
        // Every listed word is found, whatever slot its hash probed to.
        let listed: std::collections::BTreeSet<&str> = DEFAULT_FUNCTION_WORDS
            .lines()
            .map(|line| line.split('#').next().unwrap_or("").trim())
            .filter(|line| !line.is_empty())
            .collect();
        assert_eq!(listed.len(), words.len());
        assert!(listed.iter().all(|w| words.contains(w)));
        let empty = FunctionWords::parse("# nothing\n", Path::new("x")).unwrap();
        assert!(empty.is_empty() && !empty.contains("the"));
    }

    #[test]
    fn bad_list_line_is_reported_with_its_line() {
        let err = FunctionWords::parse("the\n\ntwo words\n", Path::new("list.txt")).unwrap_err();
        assert!(err.to_string().starts_with("list.txt:3:"), "{err}");
    }

    /// The classification as first written, character by character: what
    /// the byte-level paths of [`classify_word`] must agree with.
    fn classify_by_chars(text: &str, hash: u64, start: usize, words: &FunctionWords) -> WordClass {
        let original = &text[start..text::word_end(text, start)];
        let first = original.chars().next().unwrap_or(' ');
        if first.is_numeric() {
            return WordClass::Number;
        }
        let capital = first.is_uppercase();
        if capital
            && original.chars().nth(1).is_some()
            && original.chars().all(|c| !c.is_lowercase())
        {
            return WordClass::Name;
        }
        if words.contains_hash(hash) {
            return WordClass::Function;
        }
        if capital && !opens_sentence_chars(text, start) {
            return WordClass::Name;
        }
        WordClass::Content
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 512,
            rng_seed: proptest::test_runner::RngSeed::Fixed(11),
            ..proptest::prelude::ProptestConfig::default()
        })]
        #[test]
        fn byte_paths_classify_as_the_character_path(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "The", "the", "U", ".", ". ", "S", "NEW", "York", "O'Neill", "\u{c9}cole", "\u{e9}t\u{e9}",
                    " ", "\n", "\"", "(", "-", "\u{2014}", "\u{a0}", "\u{201c}", "12", "\u{be}", "A1", "x",
                    "!", "?", ":", "'", "\u{c9}.", "a\u{c9}", "B.", "and", "Of", "\t", ",",
                ]),
                0..24,
            ),
        ) {
            let text: String = parts.concat();
            let words = FunctionWords::default();
            let tokens = tokenize(&text);
            for token in &tokens.tokens {
                let start = token.start as usize;
                proptest::prop_assert_eq!(
                    classify_word(&text, token.hash, start, &words),
                    classify_by_chars(&text, token.hash, start, &words),
                    "{:?} at {}", text, start
                );
            }
        }
    }

    #[test]
    fn names_numbers_and_sentence_openers() {
        let text = "Profits at Acme rose 12 pct, the U.S. firm said. Analysts in NEW YORK were \"Worried\" too.";
        let tokens = tokenize(text);
        let classes = classify(&tokens, text, &FunctionWords::default());
        let got: Vec<(&str, WordClass)> = tokens
            .tokens
            .iter()
            .zip(&classes)
            .map(|(t, &c)| (&text[t.span()], c))
            .collect();
        use WordClass::*;
        assert_eq!(
            got,
            [
                ("Profits", Content),
                ("at", Function),
                ("Acme", Name),
                ("rose", Content),
                ("12", Number),
                ("pct", Content),
                ("the", Function),
                ("U", Name),
                ("S", Name),
                ("firm", Content),
                ("said", Content),
                ("Analysts", Content),
                ("in", Function),
                ("NEW", Name),
                ("YORK", Name),
                ("were", Function),
                ("Worried", Name),
                ("too", Content),
            ]
        );
    }
}
