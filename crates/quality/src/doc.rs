//! Per-document structure shared by the rules: word classes, sentences and
//! paragraphs, all as token ranges with byte ranges into the original text.

use super::lexicon::WordClass;
use super::NgramModel;
use copydesk_text::{HashKeyed, Tokens};
use std::cell::RefCell;
use std::ops::{Deref, DerefMut};

pub const SUBJECT: u16 = 1 << WordClass::SubjectPronoun as u16;
pub const ANAPHOR: u16 = 1 << WordClass::Anaphor as u16;
pub const ARTICLE: u16 = 1 << WordClass::Article as u16;
pub const QUANTIFIER: u16 = 1 << WordClass::Quantifier as u16;
pub const PREPOSITION: u16 = 1 << WordClass::Preposition as u16;
pub const CONJUNCTION: u16 = 1 << WordClass::Conjunction as u16;
pub const AUXILIARY: u16 = 1 << WordClass::Auxiliary as u16;
pub const MODAL: u16 = 1 << WordClass::Modal as u16;
pub const FINITE_VERB: u16 = 1 << WordClass::FiniteVerb as u16;
pub const COPULA_ADJECTIVE: u16 = 1 << WordClass::CopulaAdjective as u16;
pub const FUNCTION: u16 = 1 << WordClass::Function as u16;
pub const GENERIC_NEWS: u16 = 1 << WordClass::GenericNews as u16;
pub const REFERENT_PERSON: u16 = 1 << WordClass::ReferentPerson as u16;
pub const REFERENT_ORGANISATION: u16 = 1 << WordClass::ReferentOrganisation as u16;
pub const REFERENT_THING: u16 = 1 << WordClass::ReferentThing as u16;
/// Nouns that, after "the", point back to something introduced before.
pub const REFERENT: u16 = REFERENT_PERSON | REFERENT_ORGANISATION | REFERENT_THING;
/// Any closed class: the word says little about the topic.
pub const CLOSED: u16 = SUBJECT
    | ANAPHOR
    | ARTICLE
    | QUANTIFIER
    | PREPOSITION
    | CONJUNCTION
    | AUXILIARY
    | MODAL
    | FUNCTION;

/// A run of tokens and the bytes it covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    /// First token.
    pub first: usize,
    /// One past the last token.
    pub end: usize,
    /// Byte offset of the first token's start.
    pub start_byte: usize,
    /// Byte offset of the end of the segment, including closing punctuation.
    pub end_byte: usize,
}

impl Segment {
    pub fn len(&self) -> usize {
        self.end - self.first
    }
}

/// Everything the rules need to know about one document.
pub struct Analysis<'a> {
    pub text: &'a str,
    pub tokens: &'a Tokens,
    /// Word-class mask of each token.
    pub classes: Vec<u16>,
    /// Whether each token's normalized form holds an ASCII digit (a figure).
    pub has_digit: Vec<bool>,
    /// Each token's count in the reference the statistics use (see
    /// [`Analysis::count_in`]); empty without a reference.
    pub reference_counts: Vec<u32>,
    pub sentences: Vec<Segment>,
    pub paragraphs: Vec<Segment>,
}

const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "st", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
    "oct", "nov", "dec", "gov", "sen", "rep", "gen", "col", "lt", "no", "vs", "jr", "sr", "prof",
    "approx", "est", "fig", "mt", "ft",
];

impl<'a> Analysis<'a> {
    pub fn new(text: &'a str, tokens: &'a Tokens, classes_of: &HashKeyed<u16>) -> Analysis<'a> {
        let classes: Vec<u16> = tokens
            .tokens
            .iter()
            .map(|t| classes_of.get(&t.hash).copied().unwrap_or(0))
            .collect();
        let has_digit: Vec<bool> = (0..tokens.len())
            .map(|i| tokens.word(i).bytes().any(|b| b.is_ascii_digit()))
            .collect();
        let mut sentences = Vec::new();
        let mut paragraphs = Vec::new();
        let toks = &tokens.tokens;
        let bytes = text.as_bytes();
        let mut sentence_first = 0usize;
        let mut paragraph_first = 0usize;
        for i in 0..toks.len() {
            let gap_start = toks[i].end as usize;
            let gap_end = if i + 1 < toks.len() {
                toks[i + 1].start as usize
            } else {
                text.len()
            };
            let gap = &bytes[gap_start..gap_end];
            let last = i + 1 == toks.len();
            let newlines = memchr::memchr_iter(b'\n', gap).count();
            let paragraph_break = last || newlines >= 2;
            let sentence_break = paragraph_break
                || newlines == 1
                || (has_terminal(gap)
                    && !is_abbreviation(tokens, text, i)
                    && next_starts_sentence(text, toks, i));
            if sentence_break {
                // The sentence owns its closing punctuation but not the space after it.
                let end_byte = gap_start + trailing_punct_len(gap);
                sentences.push(Segment {
                    first: sentence_first,
                    end: i + 1,
                    start_byte: toks[sentence_first].start as usize,
                    end_byte,
                });
                sentence_first = i + 1;
            }
            if paragraph_break {
                let end_byte = gap_start + trailing_punct_len(gap);
                paragraphs.push(Segment {
                    first: paragraph_first,
                    end: i + 1,
                    start_byte: toks[paragraph_first].start as usize,
                    end_byte,
                });
                paragraph_first = i + 1;
            }
        }
        Analysis {
            text,
            tokens,
            classes,
            has_digit,
            reference_counts: Vec::new(),
            sentences,
            paragraphs,
        }
    }

    /// Look every token up in `model` once: the rarity statistics and the
    /// stitched-paragraph weights both need these counts, and each lookup in
    /// a large model is a cache miss.
    pub fn count_in(&mut self, model: &NgramModel) {
        self.reference_counts = self
            .tokens
            .tokens
            .iter()
            .map(|t| model.word_count(t.hash))
            .collect();
    }

    /// The original spelling of token `i`.
    pub fn original(&self, i: usize) -> &'a str {
        &self.text[self.tokens.tokens[i].span()]
    }

    /// The normalized form of token `i`.
    pub fn word(&self, i: usize) -> &str {
        self.tokens.word(i)
    }

    /// The bytes between token `i` and the next one (or the end of the text).
    pub fn gap_after(&self, i: usize) -> &'a str {
        let toks = &self.tokens.tokens;
        let start = toks[i].end as usize;
        let end = toks
            .get(i + 1)
            .map_or(self.text.len(), |t| t.start as usize);
        &self.text[start..end]
    }

    /// True when token `i` starts with an upper-case letter in the original.
    pub fn is_capitalized(&self, i: usize) -> bool {
        self.original(i)
            .chars()
            .next()
            .is_some_and(char::is_uppercase)
    }

    /// True when token `i` is written in lower case letters only (no digits).
    pub fn is_lower_alpha(&self, i: usize) -> bool {
        self.original(i)
            .chars()
            .all(|c| c.is_lowercase() || c == '\'' || c == '’')
    }
}

fn has_terminal(gap: &[u8]) -> bool {
    gap.iter().any(|&b| matches!(b, b'.' | b'!' | b'?'))
        && gap.iter().any(|&b| b.is_ascii_whitespace())
}

fn trailing_punct_len(gap: &[u8]) -> usize {
    gap.iter()
        .take_while(|&&b| !b.is_ascii_whitespace())
        .count()
}

fn is_abbreviation(tokens: &Tokens, text: &str, i: usize) -> bool {
    let token = &tokens.tokens[i];
    let original = &text[token.span()];
    // "U.S. Treasury", "J. Smith": a single capital letter before the period.
    if original.len() == 1 && original.as_bytes()[0].is_ascii_uppercase() {
        return true;
    }
    let word = tokens.word(i);
    ABBREVIATIONS.contains(&word)
}

fn next_starts_sentence(text: &str, toks: &[copydesk_text::Token], i: usize) -> bool {
    match toks.get(i + 1) {
        None => true,
        Some(next) => text[next.span()]
            .chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c.is_numeric()),
    }
}

/// A small open-addressing multiset of hash keys, reused from document to
/// document: counting n-grams of one article this way is several times faster
/// than a general hash map or a sort. Slots carry the generation that wrote
/// them, so emptying the table is one increment, not a memset.
#[derive(Debug, Default)]
pub struct KeyCounter {
    /// (key, count, generation) per slot.
    slots: Vec<(u64, u32, u32)>,
    mask: usize,
    len: usize,
    generation: u32,
}

impl KeyCounter {
    /// Empty the counter and make room for `capacity` distinct keys.
    ///
    /// Only as many slots as `capacity` needs are used, even when the table
    /// is larger from an earlier, longer document: probes then stay in a
    /// small, cache-warm prefix.
    pub fn reset(&mut self, capacity: usize) {
        let size = (capacity * 2).next_power_of_two().max(16);
        if self.slots.len() < size || self.generation == u32::MAX {
            self.slots = vec![(0, 0, 0); size.max(self.slots.len())];
            self.generation = 0;
        }
        self.generation += 1;
        self.mask = size - 1;
        self.len = 0;
    }

    #[inline]
    fn slot_of(&self, key: u64) -> usize {
        (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) as usize & self.mask
    }

    /// Make room for one more key: the rare path of [`KeyCounter::add`],
    /// kept out of line so the common path inlines into the counting loops.
    #[cold]
    #[inline(never)]
    fn make_room(&mut self) {
        if self.generation == 0 {
            self.reset(8);
        } else {
            self.grow();
        }
    }

    fn grow(&mut self) {
        let live: Vec<(u64, u32)> = self.iter().collect();
        let size = ((self.mask + 1) * 2).max(16);
        if self.slots.len() < size || self.generation == u32::MAX {
            self.slots = vec![(0, 0, 0); size.max(self.slots.len())];
            self.generation = 0;
        }
        self.generation += 1;
        self.mask = size - 1;
        for (key, count) in live {
            let mut index = self.slot_of(key);
            while self.slots[index].2 == self.generation {
                index = (index + 1) & self.mask;
            }
            self.slots[index] = (key, count, self.generation);
        }
    }

    /// Current count of `key`.
    #[inline]
    pub fn get(&self, key: u64) -> u32 {
        if self.slots.is_empty() || self.generation == 0 {
            return 0;
        }
        let mut index = self.slot_of(key);
        loop {
            let slot = &self.slots[index];
            if slot.2 != self.generation {
                return 0;
            }
            if slot.0 == key {
                return slot.1;
            }
            index = (index + 1) & self.mask;
        }
    }

    /// Number of distinct keys.
    pub fn len(&self) -> usize {
        self.len
    }

    /// The (key, count) pairs, in slot order.
    pub fn iter(&self) -> impl Iterator<Item = (u64, u32)> + '_ {
        let generation = self.generation;
        self.slots
            .iter()
            .take(self.mask + 1)
            .filter(move |s| s.2 == generation && generation != 0)
            .map(|s| (s.0, s.1))
    }

    /// Count one more `key`; returns its count so far.
    #[inline]
    pub fn add(&mut self, key: u64) -> u32 {
        // Keep the table at most half full so probes stay short and always end.
        if self.generation == 0 || (self.len + 1) * 2 > self.mask + 1 {
            self.make_room();
        }
        let mut index = self.slot_of(key);
        loop {
            let generation = self.generation;
            let slot = &mut self.slots[index];
            if slot.2 != generation {
                *slot = (key, 1, generation);
                self.len += 1;
                return 1;
            }
            if slot.0 == key {
                slot.1 += 1;
                return slot.1;
            }
            index = (index + 1) & self.mask;
        }
    }
}

thread_local! {
    /// Key counters given back by finished documents on this thread.
    static SPARE_COUNTERS: RefCell<Vec<KeyCounter>> = const { RefCell::new(Vec::new()) };
}

/// Largest table (in slots) kept for reuse: one huge document should not
/// pin its memory for the rest of the run.
const MAX_SPARE_SLOTS: usize = 1 << 16;

/// Most spare counters kept per thread (a document uses a handful at once).
const MAX_SPARE_COUNTERS: usize = 8;

/// A [`KeyCounter`] taken from this thread's spares and given back when
/// dropped: documents reuse tables instead of allocating and zeroing new
/// ones. Call [`KeyCounter::reset`] before use, as with a kept counter.
#[derive(Debug)]
pub struct PooledCounter(KeyCounter);

impl Default for PooledCounter {
    fn default() -> Self {
        let spare = SPARE_COUNTERS
            .try_with(|spares| spares.borrow_mut().pop())
            .ok()
            .flatten();
        PooledCounter(spare.unwrap_or_default())
    }
}

impl Drop for PooledCounter {
    fn drop(&mut self) {
        if self.0.slots.len() > MAX_SPARE_SLOTS {
            return;
        }
        let counter = std::mem::take(&mut self.0);
        // During thread teardown the pool may be gone: the table is freed.
        let _ = SPARE_COUNTERS.try_with(|spares| {
            let mut spares = spares.borrow_mut();
            if spares.len() < MAX_SPARE_COUNTERS {
                spares.push(counter);
            }
        });
    }
}

impl Deref for PooledCounter {
    type Target = KeyCounter;
    fn deref(&self) -> &KeyCounter {
        &self.0
    }
}

impl DerefMut for PooledCounter {
    fn deref_mut(&mut self) -> &mut KeyCounter {
        &mut self.0
    }
}

#[cfg(test)]
mod tests {
    use super::{KeyCounter, PooledCounter};

    #[test]
    fn key_counter_counts_resets_and_grows() {
        let mut counter = KeyCounter::default();
        assert_eq!(counter.add(0), 1);
        assert_eq!(counter.add(0), 2);
        counter.reset(4);
        assert_eq!(counter.get(0), 0);
        for key in 0..1000u64 {
            counter.add(key * 7919);
            counter.add(key * 7919);
        }
        assert_eq!(counter.len(), 1000);
        assert!((0..1000u64).all(|k| counter.get(k * 7919) == 2));
        assert_eq!(counter.iter().count(), 1000);
        counter.reset(4);
        assert_eq!(counter.len(), 0);
        assert_eq!(counter.iter().count(), 0);
        assert_eq!(counter.get(7919), 0);
        // A large table reset for a few keys uses a small prefix, and grows again.
        counter.reset(4);
        for key in 0..100u64 {
            assert_eq!(counter.add(key), 1);
        }
        assert_eq!(counter.iter().count(), 100);
        assert!((0..100u64).all(|k| counter.get(k) == 1));
    }

    #[test]
    fn pooled_counters_come_back_empty_after_reset() {
        {
            let mut counter = PooledCounter::default();
            counter.reset(16);
            counter.add(42);
        }
        let mut counter = PooledCounter::default();
        counter.reset(16);
        assert_eq!(counter.get(42), 0);
        assert_eq!(counter.len(), 0);
        assert_eq!(counter.add(42), 1);
    }
}
