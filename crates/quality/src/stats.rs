//! Collocation statistics: word and word-pair counts learned from trusted
//! text (`copydesk fit`), or taken from the corpus being checked with each
//! document's own counts left out. A spinner's synonyms are words the
//! reference rarely uses, or common words in pairs the reference never
//! writes ("charge per unit", "troupe stated"): no lexicon lists those.

use super::doc::{Analysis, PooledCounter, CLOSED};
use super::{flag, Category, Flag, SpanIndex};
use copydesk_common::{Error, Result};
use copydesk_text::HashKeyed;
use copydesk_text::Tokens;
use std::io::{BufRead, Write};
use std::path::Path;

const MAGIC: &str = "copydesk-ngram-model 1";

/// Word and adjacent-word-pair counts of a reference text collection.
///
/// Words are keyed by the xxh3 hash of their normalized form (as in
/// [`copydesk_text::Token::hash`]), pairs by a combination of the two hashes, so
/// the model stores no text.
#[derive(Debug, Clone, Default)]
pub struct NgramModel {
    words: HashKeyed<u32>,
    pairs: HashKeyed<u32>,
    total_words: u64,
    documents: u64,
}

/// Weights of the per-word spin model: a logistic regression on counts of the
/// word and of its pairs with its left and right neighbours, fitted by
/// `scripts/fit_spin_weights.py` on the dev quarter of Reuters-21578 (words
/// a thesaurus spinner put in, against the words of clean and spun articles
/// that it left alone). Counts are rescaled to a reference of
/// [`SpinWordWeights::fitted_reference_words`] words first, so a smaller or
/// larger reference reads on the same scale.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SpinWordWeights {
    /// Constant term of the log-odds.
    pub intercept: f64,
    /// Per nat of `ln(count + 0.5)` of the word: common words are seldom synonyms.
    pub log_count: f64,
    /// When the word has a left neighbour in the same phrase.
    pub left_joined: f64,
    /// Per nat of `ln(count + 0.5)` of the pair with the left neighbour.
    pub left_log_pair: f64,
    /// Per nat of the left pair's association, `ln((pair + 0.5) / (expected + 0.5))`.
    pub left_association: f64,
    /// When the word has a right neighbour in the same phrase.
    pub right_joined: f64,
    /// Per nat of `ln(count + 0.5)` of the pair with the right neighbour.
    pub right_log_pair: f64,
    /// Per nat of the right pair's association.
    pub right_association: f64,
    /// When the word occurs more than once in the document (its topic, not a spinner's pick).
    pub repeated: f64,
    /// Log-odds of a word being a spinner's in the fitting data (the prior the
    /// model's output is compared with).
    pub prior_logit: f64,
    /// Reference size the weights were fitted at.
    pub fitted_reference_words: f64,
}

impl Default for SpinWordWeights {
    fn default() -> Self {
        SpinWordWeights {
            intercept: 0.4095,
            log_count: -0.4037,
            left_joined: 0.4644,
            left_log_pair: -0.0612,
            left_association: -0.4869,
            right_joined: 0.3580,
            right_log_pair: -0.0356,
            right_association: -0.5510,
            repeated: -0.3136,
            prior_logit: -1.1828,
            fitted_reference_words: 1_317_067.0,
        }
    }
}

/// Thresholds of the collocation rules.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StatsConfig {
    /// A word seen fewer times than this per million reference words counts as rare.
    pub rare_per_million_words: f64,
    /// Pairs whose expected count (from their words' frequencies) is below this
    /// are not judged by the surprise rules.
    pub min_expected_pair: f64,
    /// Per-word surprise (in nats) at or above which a word is flagged in any document.
    pub flag_surprise: f64,
    /// In a document that as a whole looks spun, a content word whose
    /// spin log-odds ([`SpinWordWeights`]) reach this is flagged `spun_word`.
    pub spun_word_min_logit: f64,
    /// Document spin evidence (before the exponential squashing) from which a
    /// document counts as spun for [`StatsConfig::spun_word_min_logit`].
    pub spun_document_evidence: f64,
    /// The same threshold on the evidence including mined substitutions
    /// (used when a substitution lexicon matched the document).
    pub spun_document_evidence_with_substitutions: f64,
    /// Weight of the mean per-word likelihood ratio in the document spin score.
    pub spin_weight: f64,
    /// Share of replaced words the document likelihood ratio is computed for
    /// (a light spin: the hardest case to tell from clean text).
    pub assumed_spin_share: f64,
    /// Pseudo-count of unsurprising words added to every document's mean.
    pub evidence_prior_words: f64,
    /// Fewest judged words for a document to get the lower per-word threshold.
    pub min_judged_words: usize,
    /// Factor on the rarity of a word that occurs more than once in the document.
    pub repeated_word_discount: f64,
    /// References smaller than this many words are too thin to judge by.
    pub min_reference_words: u64,
    /// Word counts are those of the reference plus those of this many times
    /// its size of everyday English (the shipped word frequencies): a small
    /// corpus has not seen "great" yet, and that is no sign of a spinner.
    pub english_prior_weight: f64,
    /// Reference size (words) at which the statistical evidence counts half
    /// of what a very large reference's would: the evidence is scaled by
    /// `words / (words + reliable_reference_words)`.
    pub reliable_reference_words: f64,
    /// The per-word spin model.
    pub weights: SpinWordWeights,
}

impl Default for StatsConfig {
    fn default() -> Self {
        StatsConfig {
            rare_per_million_words: 16.0,
            min_expected_pair: 1.0,
            flag_surprise: 5.0,
            spun_word_min_logit: -1.0,
            spun_document_evidence: 0.4,
            spun_document_evidence_with_substitutions: 3.5,
            spin_weight: 2.0,
            assumed_spin_share: 0.05,
            min_reference_words: 10_000,
            english_prior_weight: 1.0,
            reliable_reference_words: 50_000.0,
            repeated_word_discount: 0.25,
            evidence_prior_words: 20.0,
            min_judged_words: 40,
            weights: SpinWordWeights::default(),
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
    words: PooledCounter,
    pairs: PooledCounter,
    total_words: u64,
}

impl DocCounts {
    pub(crate) fn of(analysis: &Analysis<'_>) -> DocCounts {
        let mut counts = DocCounts::default();
        // Sized once for the document: growing a table word by word costs
        // more than counting.
        counts.words.reset(analysis.tokens.len());
        counts.pairs.reset(analysis.tokens.len());
        visit(analysis.text, analysis.tokens, |word, pair| {
            counts.words.add(word);
            counts.total_words += 1;
            if let Some(pair) = pair {
                counts.pairs.add(pair);
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

    /// The counts of both models: the smaller one is added into the larger,
    /// which costs as many insertions as the smaller holds (for reducing
    /// models fitted in parallel).
    pub fn merged(self, other: NgramModel) -> NgramModel {
        let (mut larger, smaller) =
            if self.words.len() + self.pairs.len() >= other.words.len() + other.pairs.len() {
                (self, other)
            } else {
                (other, self)
            };
        larger.merge(&smaller);
        larger
    }

    /// Take another model's counts out of this one (counts never go below 0):
    /// the corpus without the documents it should not vouch for.
    pub fn subtract(&mut self, other: &NgramModel) {
        for (&k, &v) in &other.words {
            if let Some(c) = self.words.get_mut(&k) {
                *c = c.saturating_sub(v);
            }
        }
        for (&k, &v) in &other.pairs {
            if let Some(c) = self.pairs.get_mut(&k) {
                *c = c.saturating_sub(v);
            }
        }
        self.total_words = self.total_words.saturating_sub(other.total_words);
        self.documents = self.documents.saturating_sub(other.documents);
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

/// Rule name of the per-word flags raised only in documents that look spun.
pub const SPUN_WORD: &str = "spun_word";

/// True for the rules of this module (per-word statistical flags).
pub fn is_surprise_rule(rule: &str) -> bool {
    matches!(rule, "rare_word" | "rare_collocation" | SPUN_WORD)
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
    /// Log-odds that a spinner put the word there ([`SpinWordWeights`]).
    pub logit: f64,
    /// Times the reference pairs it with its left and right neighbours
    /// (`None` where punctuation or the sentence edge separates them).
    pub pair_counts: [Option<f64>; 2],
}

impl Surprise {
    /// Total surprise.
    pub fn total(&self) -> f64 {
        self.rarity + self.pair
    }
}

/// How many times a corpus of `words` words of everyday English holds the
/// word with hash `word_hash`, by the shipped word frequencies (0 for an
/// unlisted word).
fn english_count(english: &super::Reference, word_hash: u64, words: f64) -> f64 {
    if words <= 0.0 {
        return 0.0;
    }
    english
        .zipf_of_hash(word_hash)
        .map_or(0.0, |zipf| words * 10f64.powf(f64::from(zipf) - 9.0))
}

/// Statistics of two adjacent tokens in one phrase, shared by both words'
/// judgements: the pair's counts and the logarithms the spin model needs.
#[derive(Clone, Copy)]
struct GapStats {
    expected: f64,
    observed: f64,
    ln_pair: f64,
    ln_expected: f64,
    /// `ln(expected / (observed + 0.5))`, floored at 0 (0 when not judged).
    surprise: f64,
}

/// Score every content word against the reference; return the document's
/// statistical spin evidence and the per-word surprises. `analysis` must
/// hold the counts of `model` (`Analysis::count_in`).
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
    let toks = &analysis.tokens.tokens;
    let text = analysis.text;
    // Each token's count and each joined pair's statistics are looked up in
    // the (large, cache-cold) reference once per document: a content word's
    // neighbours are often content words that need the same figures.
    let mut word_counts = vec![f64::NAN; toks.len()];
    let english = super::Reference::builtin();
    let prior_words = config.english_prior_weight * total;
    let mut word_count = |i: usize| -> f64 {
        if word_counts[i].is_nan() {
            let c = analysis.reference_counts[i];
            let mine = own.map_or(0, |o| o.words.get(toks[i].hash));
            word_counts[i] = f64::from(c.saturating_sub(mine))
                + english_count(english, toks[i].hash, prior_words);
        }
        word_counts[i]
    };
    let rare_count = (config.rare_per_million_words * total / 1e6).max(1.0);
    // A rare word the story keeps using is its topic ("temporao" in a cocoa
    // report); a spinner's synonym is drawn afresh at each occurrence.
    let mut own_in_doc = PooledCounter::default();
    let in_doc = match own {
        Some(own) => &own.words,
        None => {
            own_in_doc.reset(toks.len());
            for token in toks {
                own_in_doc.add(token.hash);
            }
            &own_in_doc
        }
    };
    let mut surprises = Vec::new();
    let mut evidence_sum = 0.0;
    let weights = &config.weights;
    let rescale = weights.fitted_reference_words / total;
    let share = config.assumed_spin_share.clamp(1e-6, 0.5);
    let spin_odds = share / (1.0 - share);
    // Names, numbers and function words are not what spinners swap.
    let judged: Vec<bool> = (0..toks.len())
        .map(|i| {
            analysis.classes[i] & CLOSED == 0
                && analysis.is_lower_alpha(i)
                && analysis.word(i).len() >= 3
        })
        .collect();
    // The joined pairs next to a judged word, found first and looked up
    // together: in one tight loop the CPU overlaps the cache misses of many
    // lookups in the large pair table.
    let mut pair_lookups: Vec<(usize, u64)> = Vec::new();
    for sentence in &analysis.sentences {
        for left in sentence.first..sentence.end.saturating_sub(1) {
            let right = left + 1;
            if (judged[left] || judged[right])
                && joins(&text[toks[left].end as usize..toks[right].start as usize])
            {
                pair_lookups.push((left, pair_key(toks[left].hash, toks[right].hash)));
            }
        }
    }
    let reference_pairs: Vec<u32> = pair_lookups
        .iter()
        .map(|&(_, key)| model.pair_count(key))
        .collect();
    // gaps[left]: the pair of tokens `left` and `left + 1` when they are
    // joined and next to a judged word.
    let mut gaps: Vec<Option<GapStats>> = vec![None; toks.len()];
    for (&(left, key), &reference) in pair_lookups.iter().zip(&reference_pairs) {
        let mine = own.map_or(0, |o| o.pairs.get(key));
        let observed = f64::from(reference.saturating_sub(mine));
        let expected = word_count(left) * word_count(left + 1) / total;
        let surprise_ratio = expected / (observed + 0.5);
        gaps[left] = Some(GapStats {
            expected,
            observed,
            ln_pair: (observed * rescale + 0.5).ln(),
            ln_expected: (expected * rescale + 0.5).ln(),
            // Only pairs expected often enough are judged by their surprise.
            surprise: if expected >= config.min_expected_pair && surprise_ratio > 1.0 {
                surprise_ratio.ln()
            } else {
                0.0
            },
        });
    }
    for sentence in &analysis.sentences {
        for i in sentence.first..sentence.end {
            if !judged[i] {
                continue;
            }
            let count = word_count(i);
            let repeated = in_doc.get(toks[i].hash) > 1;
            // ln of a ratio at most 1 is at most 0, which the floor makes 0.
            let rarity_ratio = rare_count / (count + 0.5);
            let mut rarity = if rarity_ratio > 1.0 {
                rarity_ratio.ln()
            } else {
                0.0
            };
            if repeated {
                rarity *= config.repeated_word_discount;
            }
            let mut pair_surprise: f64 = 0.0;
            let mut logit = weights.intercept
                + weights.log_count * (count * rescale + 0.5).ln()
                + if repeated { weights.repeated } else { 0.0 };
            let mut pair_counts = [None, None];
            for (side, (left, right)) in [(i.checked_sub(1), i), (Some(i), i + 1)]
                .into_iter()
                .enumerate()
            {
                let Some(left) = left else { continue };
                if left < sentence.first || right >= sentence.end {
                    continue;
                }
                let Some(GapStats {
                    expected,
                    observed,
                    ln_pair,
                    ln_expected,
                    surprise,
                }) = gaps[left]
                else {
                    continue;
                };
                pair_counts[side] = Some(observed);
                let (joined, log_pair, association) = if side == 0 {
                    (
                        weights.left_joined,
                        weights.left_log_pair,
                        weights.left_association,
                    )
                } else {
                    (
                        weights.right_joined,
                        weights.right_log_pair,
                        weights.right_association,
                    )
                };
                logit += joined + log_pair * ln_pair + association * (ln_pair - ln_expected);
                if expected < config.min_expected_pair {
                    continue;
                }
                pair_surprise += surprise;
            }
            // Likelihood ratio of "a spinner replaced a share of the words"
            // against "clean" for this word, from the model's log-odds
            // against its prior; always positive, near 0 for a plain word.
            evidence_sum += (1.0 + spin_odds * (logit - weights.prior_logit).min(30.0).exp()).ln();
            surprises.push(Surprise {
                token: i,
                count,
                rarity,
                pair: pair_surprise,
                logit,
                pair_counts,
            });
        }
    }
    if surprises.is_empty() {
        return (0.0, surprises);
    }
    // Shrink toward "not spun": a short brief's mean rests on few words,
    // and a small reference has not seen most ordinary pairs yet.
    let reliability = total / (total + config.reliable_reference_words);
    let evidence = reliability * config.spin_weight * evidence_sum
        / (surprises.len() as f64 + config.evidence_prior_words);
    (evidence, surprises)
}

/// The pair count and ratio for a neighbour that is a function word: "the
/// issues" against "the matters" mostly says how common the noun is, so
/// only a lopsided count shows a swap.
const SWAP_MIN_CLOSED_PAIR_COUNT: u32 = 5;
const SWAP_MIN_CLOSED_PAIR_RATIO: f64 = 10.0;

/// Most Zipf frequency of a synonym that can show a swap.
const SWAP_MAX_SYNONYM_ZIPF: f32 = 6.0;

/// The same for the synonym's pair with a neighbour against the word's.
const SWAP_MIN_PAIR_RATIO: f64 = 3.0;

/// Fewest times a synonym's pair with a neighbour must be counted to show
/// it is the usual wording there.
const SWAP_MIN_PAIR_COUNT: u32 = 2;

/// Evidence that a spinner put surprise `s`'s word in place of a synonym:
/// a synonym (in the word's inflection) that the counts, or the
/// reference's word pairs, show far more at home there. Returns the
/// reason in words ("\"writer\" is counted 40 times more"), `None` without
/// such a synonym.
fn likely_original(analysis: &Analysis<'_>, s: &Surprise, model: &NgramModel) -> Option<String> {
    let reference = super::Reference::builtin();
    let toks = &analysis.tokens.tokens;
    let i = s.token;
    let word = analysis.word(i);
    let synonyms = reference.surface_synonyms(word);
    let neighbours = [
        s.pair_counts[0].map(|count| (toks[i - 1].hash, count)),
        s.pair_counts[1].map(|count| (toks[i + 1].hash, count)),
    ];
    let mut best: Option<(f64, String)> = None;
    for synonym in synonyms.iter().skip(1) {
        let synonym_hash = xxhash_rust::xxh3::xxh3_64(synonym.as_bytes());
        // Everyday words ("have", "do", "first") are a synonym of something
        // through some sense; being more frequent than the word is rarity,
        // not a swap: the evidence is the synonym's pairing with a neighbour.
        if reference.zipf(synonym).unwrap_or(0.0) > SWAP_MAX_SYNONYM_ZIPF {
            continue;
        }
        let mut strength = 0.0;
        let mut reason = String::new();
        for (side, neighbour) in neighbours.iter().enumerate() {
            let Some((neighbour_hash, own_pair)) = *neighbour else {
                continue;
            };
            let neighbour_index = if side == 0 { i - 1 } else { i + 1 };
            // "the issues" against "the matters" says how common the noun
            // is; "budget deficit" against "budget shortfall" is a pairing.
            let closed_neighbour = analysis.classes[neighbour_index] & CLOSED != 0;
            let (left, right) = if side == 0 {
                (neighbour_hash, synonym_hash)
            } else {
                (synonym_hash, neighbour_hash)
            };
            let pair = model.pair_count(pair_key(left, right));
            let neighbour_word = analysis.word(neighbour_index);
            let written = if side == 0 {
                format!("\"{neighbour_word} {synonym}\"")
            } else {
                format!("\"{synonym} {neighbour_word}\"")
            };
            let (least_pair, ratio) = if closed_neighbour {
                (SWAP_MIN_CLOSED_PAIR_COUNT, SWAP_MIN_CLOSED_PAIR_RATIO)
            } else {
                (SWAP_MIN_PAIR_COUNT, SWAP_MIN_PAIR_RATIO)
            };
            if pair >= least_pair {
                let pair_strength = f64::from(pair) / (own_pair + 1.0) / ratio;
                if pair_strength > strength {
                    strength = pair_strength;
                    reason = format!("{written} is counted {pair} times");
                }
            }
            let own_listed = reference
                .sequence_count_log10(
                    if side == 0 {
                        neighbour_hash
                    } else {
                        toks[i].hash
                    },
                    if side == 0 {
                        toks[i].hash
                    } else {
                        neighbour_hash
                    },
                )
                .is_some();
            if !own_listed && !closed_neighbour {
                if let Some(log10) = reference.sequence_count_log10(left, right) {
                    // A listed pair against an unlisted one: the word's pair is
                    // rarer than the listed threshold.
                    let listed_strength = f64::from(log10) / 70.0;
                    if listed_strength > strength {
                        strength = listed_strength;
                        reason = format!("{written} is a common pairing");
                    }
                }
            }
        }
        if strength >= 1.0 && best.as_ref().map_or(true, |(b, _)| strength > *b) {
            best = Some((strength, reason));
        }
    }
    best.map(|(_, reason)| reason)
}

/// Flag the words whose surprise reaches [`StatsConfig::flag_surprise`]
/// (`rare_word`, `rare_collocation`), and, when the document as a whole
/// looks spun (`document_evidence` given), the words whose spin log-odds
/// reach [`StatsConfig::spun_word_min_logit`] (`spun_word`).
pub fn flag_surprises(
    analysis: &Analysis<'_>,
    surprises: &[Surprise],
    model: Option<&NgramModel>,
    config: &StatsConfig,
    document_evidence: Option<f64>,
    flags: &mut Vec<Flag>,
) {
    let toks = &analysis.tokens.tokens;
    // What already explains a word: the lexicon and grammar flags raised
    // before this pass, indexed once (a spun page can have a flag a word),
    // and the words this pass flags itself, each a whole token, which only
    // overlaps itself among tokens.
    let lexicon_and_grammar = SpanIndex::new(
        flags
            .iter()
            .filter(|f| matches!(f.category, Category::Spin | Category::Grammar))
            .map(|f| (f.start, f.end)),
    );
    let mut flagged_here = vec![false; toks.len()];
    for s in surprises {
        let surprise = s.total();
        let i = s.token;
        let span = (toks[i].start as usize, toks[i].end as usize);
        // Rare is not swapped: a flag needs a synonym that would sit better
        // in the word's place (technical words mostly have none).
        let original = || model.and_then(|model| likely_original(analysis, s, model));
        if surprise >= config.flag_surprise {
            let Some(original) = original() else {
                continue;
            };
            let by_rarity = s.rarity >= s.pair;
            let message = if by_rarity {
                format!(
                    "\"{}\" is rare in the reference ({:.0} times; surprise {:.2}) where {original}: likely a spinner's synonym",
                    analysis.original(i),
                    s.count,
                    surprise
                )
            } else {
                format!(
                    "\"{}\" sits in word pairs the reference almost never writes (surprise {:.2}) where {original}: likely a spinner's synonym",
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
                span,
                message,
                (surprise / 8.0).clamp(0.3, 0.9),
            ));
            flagged_here[i] = true;
            continue;
        }
        let Some(evidence) = document_evidence else {
            continue;
        };
        if s.logit < config.spun_word_min_logit {
            continue;
        }
        // A lexicon or grammar flag on the word already says what is wrong.
        if flagged_here[i] || lexicon_and_grammar.overlaps(span.0, span.1) {
            continue;
        }
        let Some(original) = original() else {
            continue;
        };
        let pairs = |count: Option<f64>| match count {
            Some(c) => format!("{c}"),
            None => "-".to_owned(),
        };
        let probability = 1.0 / (1.0 + (-s.logit).exp());
        flags.push(flag(
            analysis.text,
            SPUN_WORD,
            Category::Spin,
            span,
            format!(
                "\"{}\": the document as a whole looks spun (spin evidence {:.2}), and this word is unusual here (reference: {:.0} times alone, {} / {} times with the word before / after) where {original}: likely a spinner's synonym",
                analysis.original(i),
                evidence,
                s.count,
                pairs(s.pair_counts[0]),
                pairs(s.pair_counts[1]),
            ),
            probability.clamp(0.2, 0.9),
        ));
        flagged_here[i] = true;
    }
}
