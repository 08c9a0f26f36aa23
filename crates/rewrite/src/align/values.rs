//! Value words: months, weekdays and magnitudes, which a spinner leaves
//! alone and number agreement counts, told by their word hash.

use std::sync::OnceLock;
use xxhash_rust::xxh3::xxh3_64;

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
pub(super) fn is_value_hash(hash: u64) -> bool {
    let (filter, hashes) = value_words();
    // Most words fail the filter on one bit of their hash.
    filter[(hash >> 62) as usize] >> ((hash >> 56) & 63) & 1 == 1
        && hashes.binary_search(&hash).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_words_are_told_by_hash() {
        assert!(VALUE_WORDS.iter().all(|word| is_value_word(word)));
        for word in ["may", "said", "two", "percent", "monday's", "", "januar"] {
            assert!(!is_value_word(word), "{word}");
        }
    }
}
