//! Spin in a single document: formal state names, tortured phrases,
//! out-of-register words and mined substitutions (one Aho-Corasick pass over
//! the text), and two rules that need no list: tortured phrases found
//! through the shipped reference's synonym sets, and an article that no
//! longer fits the word after it ("a apprehensive", "an worry"), which is
//! what a spinner leaves when it swaps the word but not its article.

use super::doc::{Analysis, CLOSED};
use super::lexicon::{PhraseEntry, PhraseKind};
use super::{flag, Category, Flag, NgramModel};
use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use copydesk_common::{Error, Result};

/// A mined substitution is reported (with reference counts) only when the
/// replaced word is at least this many times more frequent than the spinner's.
const SUBSTITUTION_RARITY_RATIO: f64 = 8.0;

/// Rule name of flags from a mined substitution lexicon.
pub const MINED_SUBSTITUTION: &str = "mined_substitution";

/// Every lexicon phrase in one automaton.
pub struct PhraseMatcher {
    automaton: Option<AhoCorasick>,
    /// Entry of each automaton pattern.
    entries: Vec<PhraseEntry>,
    /// Word hashes of each entry's phrase and of its plain form, cut into
    /// words once here rather than at every match in every document.
    word_hashes: Vec<[Vec<u64>; 2]>,
}

fn word_hashes(phrase: &str) -> Vec<u64> {
    copydesk_text::tokenize(phrase)
        .tokens
        .iter()
        .map(|t| t.hash)
        .collect()
}

impl PhraseMatcher {
    /// Compile `phrases` (case-insensitive, leftmost-longest).
    pub fn new(phrases: &[PhraseEntry]) -> Result<PhraseMatcher> {
        let mut patterns = Vec::with_capacity(phrases.len());
        let mut entries = Vec::with_capacity(phrases.len());
        // A later entry for the same phrase (user lexicon, mined list) replaces an earlier one.
        let mut seen = std::collections::HashMap::new();
        for entry in phrases {
            let variants = if entry.phrase.contains('\'') {
                vec![entry.phrase.clone(), entry.phrase.replace('\'', "\u{2019}")]
            } else {
                vec![entry.phrase.clone()]
            };
            for variant in variants {
                let key = variant.to_lowercase();
                if let Some(&index) = seen.get(&key) {
                    entries[index] = entry.clone();
                } else {
                    seen.insert(key, entries.len());
                    patterns.push(variant);
                    entries.push(entry.clone());
                }
            }
        }
        let automaton = if patterns.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::LeftmostLongest)
                    .kind(Some(AhoCorasickKind::DFA))
                    .build(&patterns)
                    .map_err(|e| {
                        Error::Config(format!("cannot compile the phrase lexicon: {e}"))
                    })?,
            )
        };
        let word_hashes = entries
            .iter()
            .map(|entry| [word_hashes(&entry.phrase), word_hashes(&entry.plain)])
            .collect();
        Ok(PhraseMatcher {
            automaton,
            entries,
            word_hashes,
        })
    }
}

fn is_word_char_before(text: &str, pos: usize) -> bool {
    text[..pos]
        .chars()
        .next_back()
        .is_some_and(char::is_alphanumeric)
}

fn is_word_char_after(text: &str, pos: usize) -> bool {
    text[pos..]
        .chars()
        .next()
        .is_some_and(char::is_alphanumeric)
}

fn sentence_initial(text: &str, start: usize) -> bool {
    text[..start]
        .trim_end()
        .chars()
        .next_back()
        .map_or(true, |c| {
            matches!(c, '.' | '!' | '?' | '"' | '\n' | '\u{201C}' | ':')
        })
}

/// Index of the first token starting at or after `byte`.
fn token_at(analysis: &Analysis<'_>, byte: usize) -> usize {
    analysis
        .tokens
        .tokens
        .partition_point(|t| (t.start as usize) < byte)
}

/// Run the lexicon and the article rule over `analysis`.
///
/// With `reference` counts, a mined substitution is only reported when the
/// spinner's word is much rarer than the word it replaced: a swap between two
/// everyday words ("cost" for "price") says nothing on its own.
pub fn check(
    analysis: &Analysis<'_>,
    matcher: &PhraseMatcher,
    reference: Option<&NgramModel>,
    flags: &mut Vec<Flag>,
) {
    let text = analysis.text;
    if let Some(automaton) = &matcher.automaton {
        for found in automaton.find_iter(text) {
            let (start, end) = (found.start(), found.end());
            if is_word_char_before(text, start) || is_word_char_after(text, end) {
                continue;
            }
            let entry = &matcher.entries[found.pattern().as_usize()];
            let [phrase_hashes, plain_hashes] = &matcher.word_hashes[found.pattern().as_usize()];
            let matched = &text[start..end];
            // Formal names are proper names: "the Gulf state of Qatar" is not "State of Qatar".
            if entry.kind == PhraseKind::FormalName
                && matched.replace('\u{2019}', "'") != entry.phrase
            {
                continue;
            }
            // A capitalized lexicon word inside a sentence is a name ("Bank Building Corp").
            if entry.kind != PhraseKind::FormalName
                && matched.starts_with(char::is_uppercase)
                && !sentence_initial(text, start)
            {
                continue;
            }
            let first = token_at(analysis, start);
            let after = token_at(analysis, end);
            match entry.kind {
                PhraseKind::FormalName => {
                    let has_article = first > 0 && analysis.word(first - 1) == "the";
                    let in_compound = after < analysis.tokens.len()
                        && analysis.gap_after(after - 1).trim().is_empty()
                        && analysis.is_lower_alpha(after)
                        && analysis.classes[after] & CLOSED == 0;
                    let (rule, score, how) = if in_compound {
                        ("formal_name_compound", 0.85, "used as a modifier")
                    } else if !has_article && !entry.phrase.to_lowercase().starts_with("the ") {
                        ("formal_name_no_article", 0.8, "without \"the\"")
                    } else {
                        ("formal_name", 0.4, "where news uses the common name")
                    };
                    flags.push(flag(
                        text,
                        rule,
                        Category::Spin,
                        (start, end),
                        format!("formal name {how}; news copy writes \"{}\"", entry.plain),
                        score,
                    ));
                }
                PhraseKind::TorturedPhrase => flags.push(flag(
                    text,
                    "tortured_phrase",
                    Category::Spin,
                    (start, end),
                    format!(
                        "tortured phrase: the usual expression is \"{}\"",
                        entry.plain
                    ),
                    0.9,
                )),
                PhraseKind::OutOfRegister => flags.push(flag(
                    text,
                    "out_of_register",
                    Category::Spin,
                    (start, end),
                    format!(
                        "word outside the news register; news copy writes \"{}\"",
                        entry.plain
                    ),
                    0.5,
                )),
                PhraseKind::Substitution => {
                    if let Some(model) = reference {
                        let count_of = |hashes: &[u64]| {
                            hashes
                                .iter()
                                .map(|&hash| model.word_count(hash))
                                .min()
                                .unwrap_or(0)
                        };
                        let spun = f64::from(count_of(phrase_hashes));
                        let plain = f64::from(count_of(plain_hashes));
                        if spun * SUBSTITUTION_RARITY_RATIO >= plain {
                            continue;
                        }
                    }
                    let score = (0.4 + 0.1 * (entry.count as f64).ln()).min(0.8);
                    flags.push(flag(
                        text,
                        MINED_SUBSTITUTION,
                        Category::Spin,
                        (start, end),
                        format!(
                            "spinner substitution seen {} time(s) for \"{}\"",
                            entry.count, entry.plain
                        ),
                        score,
                    ));
                }
            }
        }
    }
    derived_tortured_phrases(analysis, flags);
    article_mismatch(analysis, flags);
}

/// Rule name of tortured phrases found through the reference's synonym sets.
pub const TORTURED_PHRASE_DERIVED: &str = "tortured_phrase_derived";

/// Tortured phrases with no list: two adjacent lower-case content words that
/// are no expression themselves but map back through synonym sets onto a
/// common two-word expression of much more frequent words ("counterfeit
/// consciousness" → "artificial intelligence"). Spans the lexicon already
/// flags are left to it.
fn derived_tortured_phrases(analysis: &Analysis<'_>, flags: &mut Vec<Flag>) {
    let reference = super::Reference::builtin();
    let lexicon_spans: Vec<(usize, usize)> = flags
        .iter()
        .filter(|f| f.category == Category::Spin)
        .map(|f| (f.start, f.end))
        .collect();
    let toks = &analysis.tokens.tokens;
    for sentence in &analysis.sentences {
        for i in sentence.first..sentence.end.saturating_sub(1) {
            let next = i + 1;
            let usable = |k: usize| {
                analysis.classes[k] & CLOSED == 0
                    && !analysis.has_digit[k]
                    && analysis.word(k).len() >= 3
                    && analysis.is_lower_alpha(k)
            };
            if !usable(i) || !usable(next) || analysis.gap_after(i) != " " {
                continue;
            }
            let Some(original) = reference.tortured_original(
                analysis.word(i),
                toks[i].hash,
                analysis.word(next),
                toks[next].hash,
            ) else {
                continue;
            };
            let (start, end) = (toks[i].start as usize, toks[next].end as usize);
            if lexicon_spans.iter().any(|&(s, e)| s < end && start < e) {
                continue;
            }
            flags.push(flag(
                analysis.text,
                TORTURED_PHRASE_DERIVED,
                Category::Spin,
                (start, end),
                format!("tortured phrase; likely \"{original}\""),
                0.7,
            ));
        }
    }
}

/// Whether `word` (lower case) starts with a vowel sound, or `None` when
/// spelling cannot tell.
fn starts_with_vowel_sound(word: &str) -> Option<bool> {
    let first = word.chars().next()?;
    Some(match first {
        'a' | 'i' => true,
        'e' => !(word.starts_with("eu") || word.starts_with("ewe")),
        'o' => !(word.starts_with("one") || word.starts_with("once")),
        'u' => {
            if word.starts_with("uni") || word.starts_with("unan") {
                false
            } else if ["un", "up", "ul", "um", "ur", "ump", "ugl"]
                .iter()
                .any(|p| word.starts_with(p))
            {
                true
            } else {
                // "a usual", "a utility", "an utter": spelling does not tell.
                return None;
            }
        }
        'h' => {
            if ["hour", "honest", "honor", "honour", "heir", "herb"]
                .iter()
                .any(|p| word.starts_with(p))
            {
                return None;
            }
            false
        }
        'y' => {
            if word.starts_with("ytt") {
                return None;
            }
            false
        }
        c if c.is_ascii_lowercase() => false,
        _ => return None,
    })
}

fn article_mismatch(analysis: &Analysis<'_>, flags: &mut Vec<Flag>) {
    for sentence in &analysis.sentences {
        for i in sentence.first..sentence.end.saturating_sub(1) {
            let word = analysis.word(i);
            if word != "a" && word != "an" {
                continue;
            }
            let original = analysis.original(i);
            // A capital "A" inside a sentence is a letter ("Class A shares").
            if original.starts_with(|c: char| c.is_uppercase()) && i != sentence.first {
                continue;
            }
            if analysis.gap_after(i) != " " {
                continue;
            }
            let next = i + 1;
            let next_original = analysis.original(next);
            if next_original.len() < 2
                || next_original.chars().any(|c| c.is_numeric())
                || next_original.chars().filter(|c| c.is_uppercase()).count() > 1
            {
                continue;
            }
            let Some(vowel) = starts_with_vowel_sound(analysis.word(next)) else {
                continue;
            };
            let wrong = (word == "a" && vowel) || (word == "an" && !vowel);
            if wrong {
                let start = analysis.tokens.tokens[i].start as usize;
                let end = analysis.tokens.tokens[next].end as usize;
                flags.push(flag(
                    analysis.text,
                    "article_mismatch",
                    Category::Grammar,
                    (start, end),
                    format!(
                        "\"{original}\" does not fit \"{next_original}\": the word after it was likely swapped"
                    ),
                    0.6,
                ));
            }
        }
    }
}
