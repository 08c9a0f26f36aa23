//! Collocation statistics: word and word-pair counts learned from trusted
//! text (`copydesk fit`), or taken from the corpus being checked with each
//! document's own counts left out. A spinner's synonyms are words the
//! reference rarely uses, or common words in pairs the reference never
//! writes ("charge per unit", "troupe stated"): no lexicon lists those.

use super::doc::{Analysis, HashKeyed, CLOSED};
use super::{flag, Category, Flag};
use crate::error::{Error, Result};
use crate::text::Tokens;
use std::io::{BufRead, Write};
use std::path::Path;

const MAGIC: &str = "copydesk-ngram-model 1";

/// Word and adjacent-word-pair counts of a reference text collection.
///
/// Words are keyed by the xxh3 hash of their normalized form (as in
/// [`crate::text::Token::hash`]), pairs by a combination of the two hashes, so
/// the model stores no text.
#[derive(Debug, Clone, Default)]
pub struct NgramModel {
    words: HashKeyed<u32>,
    pairs: HashKeyed<u32>,
    total_words: u64,
    documents: u64,
}

/// Thresholds of the collocation rules.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StatsConfig {
    /// A word seen fewer times than this per million reference words counts as rare.
    pub rare_per_million_words: f64,
    /// Pairs whose expected count (from their words' frequencies) is below this are not judged.
    pub min_expected_pair: f64,
    /// Per-word surprise (in nats) at or above which a word is flagged in any document.
    pub flag_surprise: f64,
    /// Lower per-word threshold used once the document as a whole looks spun.
    pub flag_surprise_in_spun: f64,
    /// Document spin evidence (before the exponential squashing) from which a
    /// document counts as spun for [`StatsConfig::flag_surprise_in_spun`].
    pub spun_document_evidence: f64,
    /// The same threshold on the evidence including mined substitutions
    /// (used when a substitution lexicon matched the document).
    pub spun_document_evidence_with_substitutions: f64,
    /// Weight of the mean per-word surprise in the document spin score.
    pub spin_weight: f64,
    /// Pseudo-count of unsurprising words added to every document's mean surprise.
    pub evidence_prior_words: f64,
    /// Fewest judged words for a document to get the lower per-word threshold.
    pub min_judged_words: usize,
    /// Factor on the rarity of a word that occurs more than once in the document.
    pub repeated_word_discount: f64,
    /// References smaller than this many words are too thin to judge by.
    pub min_reference_words: u64,
}

impl Default for StatsConfig {
    fn default() -> Self {
        StatsConfig {
            rare_per_million_words: 16.0,
            min_expected_pair: 1.0,
            flag_surprise: 5.0,
            flag_surprise_in_spun: 0.3,
            spun_document_evidence: 1.9,
            spun_document_evidence_with_substitutions: 4.2,
            spin_weight: 4.0,
            min_reference_words: 10_000,
            repeated_word_discount: 0.25,
            evidence_prior_words: 20.0,
            min_judged_words: 40,
        }
    }
}

fn pair_key(left: u64, right: u64) -> u64 {
    (left.rotate_left(23) ^ right).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ left
}

/// True when the gap between two words keeps them in one phrase (no sentence
/// or clause punctuation, no line break).
fn joins(gap: &str) -> bool {
    !gap.bytes().any(|b| {
        matches!(
            b,
            b'.' | b'!' | b'?' | b';' | b':' | b'\n' | b'(' | b')' | b'"' | b','
        )
    })
}

/// Counts of one document, to take it out of corpus counts.
#[derive(Debug, Default)]
pub struct DocCounts {
    words: HashKeyed<u32>,
    pairs: HashKeyed<u32>,
    total_words: u64,
}

impl DocCounts {
    pub(crate) fn of(analysis: &Analysis<'_>) -> DocCounts {
        let mut counts = DocCounts::default();
        visit(analysis.text, analysis.tokens, |word, pair| {
            *counts.words.entry(word).or_default() += 1;
            counts.total_words += 1;
            if let Some(pair) = pair {
                *counts.pairs.entry(pair).or_default() += 1;
            }
        });
        counts
    }
}

/// Call `f(word_hash, pair_key_with_previous)` for every word.
fn visit(text: &str, tokens: &Tokens, mut f: impl FnMut(u64, Option<u64>)) {
    let toks = &tokens.tokens;
    for (i, token) in toks.iter().enumerate() {
        let pair = if i > 0 && joins(&text[toks[i - 1].end as usize..token.start as usize]) {
            Some(pair_key(toks[i - 1].hash, token.hash))
        } else {
            None
        };
        f(token.hash, pair);
    }
}

impl NgramModel {
    /// An empty model.
    pub fn new() -> NgramModel {
        NgramModel::default()
    }

    /// Add one document's counts.
    pub fn add(&mut self, text: &str, tokens: &Tokens) {
        self.documents += 1;
        visit(text, tokens, |word, pair| {
            *self.words.entry(word).or_default() += 1;
            self.total_words += 1;
            if let Some(pair) = pair {
                *self.pairs.entry(pair).or_default() += 1;
            }
        });
    }

    /// Add another model's counts (for fitting in parallel shards).
    pub fn merge(&mut self, other: &NgramModel) {
        for (&k, &v) in &other.words {
            let c = self.words.entry(k).or_default();
            *c = c.saturating_add(v);
        }
        for (&k, &v) in &other.pairs {
            let c = self.pairs.entry(k).or_default();
            *c = c.saturating_add(v);
        }
        self.total_words += other.total_words;
        self.documents += other.documents;
    }

    /// Words counted.
    pub fn total_words(&self) -> u64 {
        self.total_words
    }

    /// Documents counted.
    pub fn documents(&self) -> u64 {
        self.documents
    }

    /// Times the word with this hash was seen.
    pub fn word_count(&self, hash: u64) -> u32 {
        self.words.get(&hash).copied().unwrap_or(0)
    }

    fn pair_count(&self, key: u64) -> u32 {
        self.pairs.get(&key).copied().unwrap_or(0)
    }

    /// Write the model as text: a header line, then `w HASH COUNT` and
    /// `p HASH COUNT` lines sorted by hash (so equal models give equal files).
    pub fn save(&self, path: &Path) -> Result<()> {
        let write_error = |source| Error::Write {
            path: path.to_path_buf(),
            source,
        };
        let file = std::fs::File::create(path).map_err(write_error)?;
        let mut out = std::io::BufWriter::new(file);
        self.write_to(&mut out).map_err(write_error)?;
        out.flush().map_err(write_error)
    }

    /// Serialize to any writer (see [`NgramModel::save`]).
    pub fn write_to(&self, out: &mut impl Write) -> std::io::Result<()> {
        writeln!(
            out,
            "{MAGIC} words={} pairs={} total_words={} documents={}",
            self.words.len(),
            self.pairs.len(),
            self.total_words,
            self.documents
        )?;
        for (tag, map) in [("w", &self.words), ("p", &self.pairs)] {
            let mut entries: Vec<(u64, u32)> = map.iter().map(|(&k, &v)| (k, v)).collect();
            entries.sort_unstable();
            for (key, count) in entries {
                writeln!(out, "{tag} {key:016x} {count}")?;
            }
        }
        Ok(())
    }

    /// Read a model written by [`NgramModel::save`]; errors name file and line.
    pub fn load(path: &Path) -> Result<NgramModel> {
        let file = std::fs::File::open(path).map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?;
        NgramModel::read_from(std::io::BufReader::new(file), path)
    }

    /// Parse a model from a reader; `path` names it in errors.
    pub fn read_from(reader: impl BufRead, path: &Path) -> Result<NgramModel> {
        let bad = |line: u64, message: String| Error::DataFile {
            path: path.to_path_buf(),
            line,
            message,
        };
        let mut model = NgramModel::default();
        for (index, line) in reader.lines().enumerate() {
            let number = index as u64 + 1;
            let line = line.map_err(|source| Error::Read {
                path: path.to_path_buf(),
                source,
            })?;
            if index == 0 {
                let Some(rest) = line.strip_prefix(MAGIC) else {
                    return Err(bad(number, "not a copydesk model (bad header)".to_owned()));
                };
                for field in rest.split_whitespace() {
                    match field.split_once('=') {
                        Some(("total_words", v)) => {
                            model.total_words = v
                                .parse()
                                .map_err(|_| bad(number, "bad total_words".into()))?
                        }
                        Some(("documents", v)) => {
                            model.documents =
                                v.parse().map_err(|_| bad(number, "bad documents".into()))?
                        }
                        _ => {}
                    }
                }
                continue;
            }
            let mut fields = line.split(' ');
            let (Some(tag), Some(key), Some(count), None) =
                (fields.next(), fields.next(), fields.next(), fields.next())
            else {
                return Err(bad(number, "expected `w|p HASH COUNT`".to_owned()));
            };
            let key =
                u64::from_str_radix(key, 16).map_err(|_| bad(number, "bad hash".to_owned()))?;
            let count: u32 = count
                .parse()
                .map_err(|_| bad(number, "bad count".to_owned()))?;
            match tag {
                "w" => model.words.insert(key, count),
                "p" => model.pairs.insert(key, count),
                _ => return Err(bad(number, format!("unknown entry tag {tag:?}"))),
            };
        }
        if model.total_words == 0 && !model.words.is_empty() {
            model.total_words = model.words.values().map(|&c| u64::from(c)).sum();
        }
        Ok(model)
    }
}

/// True for the rules of this module (per-word surprise flags).
pub fn is_surprise_rule(rule: &str) -> bool {
    matches!(rule, "rare_word" | "rare_collocation")
}

/// One judged word: how unexpected it is in the reference.
#[derive(Debug, Clone, Copy)]
pub struct Surprise {
    /// Token index.
    pub token: usize,
    /// Times the word was seen in the reference (own counts removed).
    pub count: f64,
    /// Rarity of the word itself, in nats.
    pub rarity: f64,
    /// Surprise of its pairs with its neighbours, in nats.
    pub pair: f64,
}

impl Surprise {
    /// Total surprise.
    pub fn total(&self) -> f64 {
        self.rarity + self.pair
    }
}

/// Score every content word against the reference; return the document's
/// statistical spin evidence and the per-word surprises.
pub fn measure(
    analysis: &Analysis<'_>,
    model: &NgramModel,
    own: Option<&DocCounts>,
    config: &StatsConfig,
) -> (f64, Vec<Surprise>) {
    let own_words = own.map_or(0, |o| o.total_words);
    let total = model.total_words.saturating_sub(own_words) as f64;
    if total < config.min_reference_words as f64 {
        return (0.0, Vec::new());
    }
    let word_count = |hash: u64| -> f64 {
        let c = model.word_count(hash);
        let mine = own.map_or(0, |o| o.words.get(&hash).copied().unwrap_or(0));
        f64::from(c.saturating_sub(mine))
    };
    let pair_count = |key: u64| -> f64 {
        let c = model.pair_count(key);
        let mine = own.map_or(0, |o| o.pairs.get(&key).copied().unwrap_or(0));
        f64::from(c.saturating_sub(mine))
    };
    let rare_count = (config.rare_per_million_words * total / 1e6).max(1.0);
    let toks = &analysis.tokens.tokens;
    let text = analysis.text;
    // A rare word the story keeps using is its topic ("temporao" in a cocoa
    // report); a spinner's synonym is drawn afresh at each occurrence.
    let mut in_doc: HashKeyed<u32> = HashKeyed::default();
    for token in toks {
        *in_doc.entry(token.hash).or_default() += 1;
    }
    let mut surprises = Vec::new();
    let mut surprise_sum = 0.0;
    for sentence in &analysis.sentences {
        for i in sentence.first..sentence.end {
            // Names, numbers and function words are not what spinners swap.
            if analysis.classes[i] & CLOSED != 0
                || !analysis.is_lower_alpha(i)
                || analysis.word(i).len() < 3
            {
                continue;
            }
            let count = word_count(toks[i].hash);
            let mut rarity = (rare_count / (count + 0.5)).ln().max(0.0);
            if in_doc.get(&toks[i].hash).copied().unwrap_or(0) > 1 {
                rarity *= config.repeated_word_discount;
            }
            let mut pair_surprise: f64 = 0.0;
            for (left, right) in [(i.checked_sub(1), i), (Some(i), i + 1)] {
                let Some(left) = left else { continue };
                if left < sentence.first || right >= sentence.end {
                    continue;
                }
                if !joins(&text[toks[left].end as usize..toks[right].start as usize]) {
                    continue;
                }
                let expected = word_count(toks[left].hash) * word_count(toks[right].hash) / total;
                if expected < config.min_expected_pair {
                    continue;
                }
                let observed = pair_count(pair_key(toks[left].hash, toks[right].hash));
                pair_surprise += (expected / (observed + 0.5)).ln().max(0.0);
            }
            let surprise = Surprise {
                token: i,
                count,
                rarity,
                pair: pair_surprise,
            };
            surprise_sum += surprise.total().min(8.0);
            surprises.push(surprise);
        }
    }
    if surprises.is_empty() {
        return (0.0, surprises);
    }
    // Shrink toward "not surprising": a short brief's mean rests on few words.
    let evidence =
        config.spin_weight * surprise_sum / (surprises.len() as f64 + config.evidence_prior_words);
    (evidence, surprises)
}

/// Flag the words whose surprise reaches `threshold`.
pub fn flag_surprises(
    analysis: &Analysis<'_>,
    surprises: &[Surprise],
    threshold: f64,
    flags: &mut Vec<Flag>,
) {
    let toks = &analysis.tokens.tokens;
    for s in surprises {
        let surprise = s.total();
        if surprise < threshold {
            continue;
        }
        let i = s.token;
        let by_rarity = s.rarity >= s.pair;
        let message = if by_rarity {
            format!(
                "\"{}\" is rare in the reference ({} times; surprise {:.2}): likely a spinner's synonym",
                analysis.original(i),
                s.count,
                surprise
            )
        } else {
            format!(
                "\"{}\" sits in word pairs the reference almost never writes (surprise {:.2}): likely a spinner's synonym",
                analysis.original(i),
                surprise
            )
        };
        flags.push(flag(
            analysis.text,
            if by_rarity {
                "rare_word"
            } else {
                "rare_collocation"
            },
            Category::Spin,
            (toks[i].start as usize, toks[i].end as usize),
            message,
            (surprise / 8.0).clamp(0.3, 0.9),
        ));
    }
}
