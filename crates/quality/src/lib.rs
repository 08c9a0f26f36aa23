//! The quality pass: flags spun, broken and incoherent text in one document,
//! each flag with a byte span into the original text, a category and a score.
//!
//! Signal families, one file each: [`spin`] (formal names, tortured phrases,
//! out-of-register words, a/an mismatches), [`grammar`] (pronoun + adjective,
//! determiner + verb, doubled function words, verbless sentences),
//! [`incoherence`] (page furniture, dangling references, stitched paragraphs,
//! truncated endings, repeated sentences), [`heuristics`] (the Gopher, C4 and
//! FineWeb rules under datatrove's names) and [`stats`] (collocations rare in a
//! reference model or in the rest of the corpus).
//!
//! A [`Checker`] compiles its [`Lexicon`] once (one Aho-Corasick automaton for
//! every phrase, a regex set for page furniture, a hash map of closed-class
//! words) and is then shared by all threads: [`Checker::check`] needs no corpus
//! and no network.

pub mod boilerplate;
pub mod corpus;
pub mod datatrove_tokens;
mod doc;
pub mod furniture;
pub mod grammar;
pub mod heuristics;
pub mod incoherence;
pub mod lexicon;
pub use copydesk_reference as reference;
pub mod spin;
pub mod stats;

pub use boilerplate::BoilerplateConfig;
pub use copydesk_reference::{Reference, ReferenceStats};
pub use corpus::{check_corpus, count_texts, CorpusDocuments, CorpusQuality, StatsSource};
pub use furniture::FurnitureWeights;
pub use heuristics::HeuristicsConfig;
pub use lexicon::{Lexicon, PhraseEntry, PhraseKind, WordClass};
pub use stats::{NgramModel, SpinWordWeights, StatsConfig};

use copydesk_common::Result;
use copydesk_text::{HashKeyed, Tokens};
use doc::Analysis;

/// What kind of problem a flag reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Words or phrases an article spinner produces.
    Spin,
    /// A sentence broken by a dropped or swapped word.
    Grammar,
    /// Text that does not hang together: dangling references, stitched or truncated text.
    Incoherence,
    /// Page metadata leaked into the text: datestamps, bylines, credits.
    Metadata,
    /// Site chrome leaked into the text: captions, links, share buttons.
    Boilerplate,
    /// Repeated sentences or n-grams.
    Repetition,
    /// A document-level training-data heuristic (Gopher, C4, FineWeb).
    Heuristic,
}

impl Category {
    /// The snake_case name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Spin => "spin",
            Category::Grammar => "grammar",
            Category::Incoherence => "incoherence",
            Category::Metadata => "metadata",
            Category::Boilerplate => "boilerplate",
            Category::Repetition => "repetition",
            Category::Heuristic => "heuristic",
        }
    }
}

/// One problem found in a document.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Flag {
    /// Name of the rule that fired (datatrove's name for the training-data heuristics).
    pub rule: String,
    /// What kind of problem it is.
    pub category: Category,
    /// UTF-8 byte offset of the start of the span in the original text.
    pub start: usize,
    /// UTF-8 byte offset one past the end of the span.
    pub end: usize,
    /// The flagged text (the original bytes of the span, cut to 200 bytes for document-level flags).
    pub text: String,
    /// Why it was flagged, for a reader.
    pub message: String,
    /// Confidence in (0, 1].
    pub score: f64,
}

/// Document-level scores, each in [0, 1].
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Scores {
    /// 1 = clean, lower = more and stronger flags per word.
    pub quality: f64,
    /// How likely the document is spun.
    pub spin: f64,
    /// How likely the document is incoherent (furniture, stitched, truncated, repeated).
    pub incoherence: f64,
}

/// The result of checking one document.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DocQuality {
    /// Flags in order of their start offset.
    pub flags: Vec<Flag>,
    /// Document-level scores.
    pub scores: Scores,
}

/// Parameters of the quality pass.
#[derive(Debug, Clone, serde::Serialize)]
pub struct QualityConfig {
    /// Training-data heuristics (Gopher, C4, FineWeb) thresholds.
    pub heuristics: HeuristicsConfig,
    /// Collocation statistics thresholds (used with a model or corpus statistics).
    pub stats: StatsConfig,
    /// A paragraph needs at least this many distinct topical words to be judged stitched.
    pub stitched_min_topic_words: usize,
    /// The stitched-paragraph model: weights of its cohesion features and the
    /// probability at which a paragraph is flagged.
    pub stitched: incoherence::StitchedWeights,
    /// Shortest run of words reported as repeated.
    pub repeated_min_words: usize,
    /// Corpus-level boilerplate (lines recurring across unrelated documents).
    pub boilerplate: BoilerplateConfig,
    /// Flags with a score below this are dropped.
    pub min_flag_score: f64,
}

impl Default for QualityConfig {
    fn default() -> Self {
        QualityConfig {
            heuristics: HeuristicsConfig::news(),
            stats: StatsConfig::default(),
            stitched_min_topic_words: 3,
            stitched: incoherence::StitchedWeights::default(),
            repeated_min_words: 8,
            boilerplate: BoilerplateConfig::default(),
            min_flag_score: 0.0,
        }
    }
}

/// The rule that flags a text holding nothing but whitespace.
pub const EMPTY_TEXT: &str = "empty_text";

/// True for an empty or whitespace-only text: still a document, but with
/// nothing in it to read or to train on.
pub fn is_empty_text(text: &str) -> bool {
    text.trim().is_empty()
}

/// The result for an empty or whitespace-only text: one [`EMPTY_TEXT`] flag
/// over the whole text, and quality 0, whatever else is configured.
fn empty_text(text: &str) -> DocQuality {
    let message = if text.is_empty() {
        "the text is empty"
    } else {
        "the text is only whitespace"
    };
    DocQuality {
        flags: vec![flag(
            text,
            EMPTY_TEXT,
            Category::Heuristic,
            (0, text.len()),
            message.to_owned(),
            1.0,
        )],
        scores: Scores {
            quality: 0.0,
            spin: 0.0,
            incoherence: 0.0,
        },
    }
}

/// Compiled lexicon and configuration; cheap to share across threads.
pub struct Checker {
    config: QualityConfig,
    classes: HashKeyed<u16>,
    phrases: spin::PhraseMatcher,
    furniture: incoherence::FurnitureMatcher,
    furniture_weights: Option<FurnitureWeights>,
    model: Option<NgramModel>,
}

/// Where collocation statistics come from for one check.
#[derive(Clone, Copy)]
pub enum Evidence<'a> {
    /// No statistics: lexicon and rules only.
    None,
    /// A reference model fitted on trusted text.
    Model(&'a NgramModel),
    /// Counts of the corpus being checked, which include this document: its
    /// own counts are subtracted before use.
    CorpusLeaveOneOut(&'a NgramModel),
}

impl Checker {
    /// Compile `lexicon` under `config`.
    pub fn new(config: QualityConfig, lexicon: &Lexicon) -> Result<Checker> {
        let mut classes: HashKeyed<u16> = HashKeyed::default();
        for (class, word) in &lexicon.closed_class {
            let hash = xxhash_rust::xxh3::xxh3_64(word.as_bytes());
            *classes.entry(hash).or_default() |= class.bit();
        }
        // The reference resources are parsed here, once per process, rather
        // than in the first document's check.
        Reference::builtin().prepare_rewrites();
        Ok(Checker {
            config,
            classes,
            phrases: spin::PhraseMatcher::new(&lexicon.phrases)?,
            furniture: incoherence::FurnitureMatcher::new(&lexicon.furniture)?,
            furniture_weights: lexicon.furniture_weights.clone(),
            model: None,
        })
    }

    /// Use `model` as the reference for collocation statistics in [`Checker::check`].
    pub fn with_model(mut self, model: NgramModel) -> Checker {
        self.model = Some(model);
        self
    }

    /// The reference model, when one was given.
    pub fn model(&self) -> Option<&NgramModel> {
        self.model.as_ref()
    }

    /// The configuration in use.
    pub fn config(&self) -> &QualityConfig {
        &self.config
    }

    /// True when a result's spin score says the document as a whole looks
    /// spun (its spin evidence reached [`StatsConfig::spun_document_evidence`]).
    ///
    /// With corpus statistics, such documents are left out of the counts for
    /// a second pass: a spinner's favourite synonyms recur across its spun
    /// copies, and counted in they stop looking rare.
    pub fn looks_spun(&self, result: &DocQuality) -> bool {
        result.scores.spin >= 1.0 - (-self.config.stats.spun_document_evidence).exp()
    }

    /// True when a result's spin evidence is at least a quarter of what
    /// [`looks_spun`](Checker::looks_spun) asks: the documents a second
    /// corpus-statistics pass checks again.
    pub fn near_spun(&self, result: &DocQuality) -> bool {
        result.scores.spin >= 1.0 - (-0.25 * self.config.stats.spun_document_evidence).exp()
    }

    /// Check one document (`tokens` must be `copydesk_text::tokenize(text)`),
    /// using the reference model when one was given.
    pub fn check(&self, text: &str, tokens: &Tokens) -> DocQuality {
        let evidence = match &self.model {
            Some(model) => Evidence::Model(model),
            None => Evidence::None,
        };
        self.check_with(text, tokens, evidence)
    }

    /// The lines the furniture model judges in `text`, with their own
    /// features ([`furniture::OWN_FEATURES`]): what `scripts/fit_furniture.py`
    /// fits the weights on, computed by the code that uses them.
    pub fn furniture_blocks(&self, text: &str, tokens: &Tokens) -> Vec<furniture::Block> {
        let analysis = Analysis::new(text, tokens, &self.classes);
        let mut patterns = Vec::new();
        self.furniture.check(&analysis, &mut patterns);
        patterns.sort_by_key(|f| (f.start, f.end));
        furniture::blocks(&analysis, &patterns)
    }

    /// Check one document with explicit statistical evidence.
    pub fn check_with(&self, text: &str, tokens: &Tokens, evidence: Evidence<'_>) -> DocQuality {
        self.check_with_flags(text, tokens, evidence, Vec::new())
    }

    /// Check one document, adding `corpus_flags` found by a corpus-level
    /// pass over it (such as [`boilerplate::repeated_lines`]): they take part
    /// in the overlaps and scores like the document's own flags.
    pub fn check_with_flags(
        &self,
        text: &str,
        tokens: &Tokens,
        evidence: Evidence<'_>,
        corpus_flags: Vec<Flag>,
    ) -> DocQuality {
        if is_empty_text(text) {
            return empty_text(text);
        }
        let mut analysis = Analysis::new(text, tokens, &self.classes);
        let reference = match evidence {
            Evidence::None => None,
            Evidence::Model(model) | Evidence::CorpusLeaveOneOut(model) => Some(model),
        };
        if let Some(model) = reference {
            analysis.count_in(model);
        }
        let mut flags = corpus_flags;
        self.furniture.check(&analysis, &mut flags);
        if let Some(weights) = &self.furniture_weights {
            // The patterns' spans are features of the lines they fall on.
            let mut patterns = flags.clone();
            patterns.sort_by_key(|f| (f.start, f.end));
            furniture::check(&analysis, weights, &patterns, &mut flags);
        }
        spin::check(&analysis, &self.phrases, reference, &mut flags);
        grammar::check(&analysis, &mut flags);
        incoherence::check(&analysis, &self.config, reference, &mut flags);
        heuristics::check(&analysis, &self.config.heuristics, &mut flags);
        let (stats_evidence, surprises) = match evidence {
            Evidence::None => (0.0, Vec::new()),
            Evidence::Model(model) => stats::measure(&analysis, model, None, &self.config.stats),
            Evidence::CorpusLeaveOneOut(model) => {
                let own = stats::DocCounts::of(&analysis);
                stats::measure(&analysis, model, Some(&own), &self.config.stats)
            }
        };
        // Odd words are everywhere in real news; they are reported one by one
        // only where the document as a whole already looks spun.
        // The gate leaves mined substitutions out: a long mined list matches
        // ordinary words in every story.
        let evidence_before = spin_evidence(
            flags.iter().filter(|f| f.rule != spin::MINED_SUBSTITUTION),
            tokens.len(),
            stats_evidence,
        );
        let has_stats = !matches!(evidence, Evidence::None);
        let per_hundred_words = 100.0 / (tokens.len().max(50) as f64);
        let substitution_evidence: f64 = flags
            .iter()
            .filter(|f| f.rule == spin::MINED_SUBSTITUTION)
            .map(|f| f.score * per_hundred_words)
            .sum();
        // With mined substitutions the whole evidence separates better, on
        // its own (higher) scale.
        let looks_spun = (evidence_before >= self.config.stats.spun_document_evidence
            || (substitution_evidence > 0.0
                && evidence_before + substitution_evidence
                    >= self.config.stats.spun_document_evidence_with_substitutions))
            && (!has_stats || surprises.len() >= self.config.stats.min_judged_words);
        stats::flag_surprises(
            &analysis,
            &surprises,
            reference,
            &self.config.stats,
            looks_spun.then_some(evidence_before),
            &mut flags,
        );
        // Mined substitutions are mostly ordinary words ("stated", "costs"):
        // they count toward the document's spin score always, but are
        // reported one by one only where the document looks spun.
        let mut hidden_evidence = 0.0;
        if !looks_spun {
            flags.retain(|f| {
                let hide = f.rule == spin::MINED_SUBSTITUTION;
                if hide {
                    hidden_evidence += f.score * per_hundred_words;
                }
                !hide
            });
        }
        let stats_evidence = stats_evidence + hidden_evidence;
        flags.retain(|f| f.score >= self.config.min_flag_score);
        let mut flags = resolve_overlaps(flags);
        flags.sort_by(|a, b| {
            (a.start, a.end, a.category, &a.rule).cmp(&(b.start, b.end, b.category, &b.rule))
        });
        let scores = score(&flags, tokens.len(), stats_evidence);
        DocQuality { flags, scores }
    }
}

/// A page-furniture span explains whatever else fires inside it (a byline has
/// no verb, a caption dangles): keep the furniture flag only.
///
/// Two furniture patterns on one span ("Updated 14:32 GMT" is a timestamp
/// and a field label): keep the widest, first written. That is, a furniture
/// flag goes when another one holds its span and is wider or, on the same
/// span, comes earlier. Holding is transitive, so the flags that stay are
/// exactly those no other furniture flag holds that way, whichever order
/// they are looked at in: sorted by start, widest first, each is held iff an
/// earlier one in that order reaches at least as far. Then every other flag
/// (training-data heuristics aside) that overlaps a furniture span goes.
/// O(n log n) in the number of flags: a keyword-stuffed page has one flag a word.
fn resolve_overlaps(mut flags: Vec<Flag>) -> Vec<Flag> {
    let is_furniture = |f: &Flag| matches!(f.category, Category::Metadata | Category::Boilerplate);
    let mut furniture: Vec<usize> = (0..flags.len())
        .filter(|&i| is_furniture(&flags[i]))
        .collect();
    if furniture.is_empty() {
        return flags;
    }
    furniture.sort_unstable_by_key(|&i| (flags[i].start, std::cmp::Reverse(flags[i].end), i));
    let mut keep = vec![true; flags.len()];
    let mut reach: Option<usize> = None;
    for &i in &furniture {
        let end = flags[i].end;
        if reach.is_some_and(|reach| reach >= end) {
            keep[i] = false;
        }
        reach = Some(reach.map_or(end, |reach| reach.max(end)));
    }
    let kept = SpanIndex::new(
        furniture
            .iter()
            .filter(|&&i| keep[i])
            .map(|&i| (flags[i].start, flags[i].end)),
    );
    for (flag, keep) in flags.iter().zip(keep.iter_mut()) {
        let exempt = matches!(
            flag.category,
            Category::Metadata | Category::Boilerplate | Category::Heuristic
        );
        if !exempt && kept.overlaps(flag.start, flag.end) {
            *keep = false;
        }
    }
    let mut index = 0;
    flags.retain(|_| {
        index += 1;
        keep[index - 1]
    });
    flags
}

/// Byte spans, indexed to tell in O(log n) whether any of them overlaps a
/// given span (shares at least one byte position with it: `start < end'` and
/// `start' < end`): sorted by start, with the furthest end reached so far.
pub(crate) struct SpanIndex {
    starts: Vec<usize>,
    /// `reach[k]`: the largest end among the first `k + 1` spans by start.
    reach: Vec<usize>,
}

impl SpanIndex {
    pub(crate) fn new(spans: impl IntoIterator<Item = (usize, usize)>) -> SpanIndex {
        let mut spans: Vec<(usize, usize)> = spans.into_iter().collect();
        spans.sort_unstable();
        let mut furthest = 0;
        let reach = spans
            .iter()
            .map(|&(_, end)| {
                furthest = furthest.max(end);
                furthest
            })
            .collect();
        SpanIndex {
            starts: spans.into_iter().map(|(start, _)| start).collect(),
            reach,
        }
    }

    /// True when some span `(s, e)` has `s < end` and `start < e`.
    pub(crate) fn overlaps(&self, start: usize, end: usize) -> bool {
        let before_end = self.starts.partition_point(|&s| s < end);
        before_end > 0 && self.reach[before_end - 1] > start
    }
}

/// Spin evidence of a document: lexicon and grammar flags per hundred words
/// plus the statistical evidence. Per-word surprise flags are not counted
/// (the statistical evidence already holds them).
fn spin_evidence<'f>(
    flags: impl IntoIterator<Item = &'f Flag>,
    num_words: usize,
    stats_evidence: f64,
) -> f64 {
    // Per-word densities: a long article with one odd word is not as suspect as
    // a short one with the same word.
    let per_hundred_words = 100.0 / (num_words.max(50) as f64);
    let spin_mass: f64 = flags
        .into_iter()
        .filter(|f| matches!(f.category, Category::Spin | Category::Grammar))
        .filter(|f| !stats::is_surprise_rule(&f.rule))
        .map(|f| f.score)
        .sum();
    spin_mass * per_hundred_words + stats_evidence
}

/// Rule of the furniture pattern for a wire dateline ("LONDON (Reuters) -").
const WIRE_DATELINE: &str = "wire_dateline";

/// Weight of [`corroboration`] in the spin evidence.
const CORROBORATION_WEIGHT: f64 = 0.6;

/// The independent kind of spin evidence a flag is, if any: a spinner
/// leaves several at once (a formal name, a tortured phrase, a broken
/// sentence, the wire's dateline it copied), clean news seldom more than one.
fn spin_family(flag: &Flag) -> Option<u8> {
    match flag.category {
        Category::Grammar => Some(0),
        Category::Metadata if flag.rule == WIRE_DATELINE => Some(1),
        Category::Spin if flag.rule.starts_with("formal_name") => Some(2),
        Category::Spin if flag.rule.starts_with("tortured_phrase") => Some(3),
        Category::Spin if stats::is_surprise_rule(&flag.rule) => Some(4),
        Category::Spin if flag.rule == spin::MINED_SUBSTITUTION => Some(5),
        Category::Spin => Some(6),
        _ => None,
    }
}

/// Spin evidence from independent kinds of evidence found together: when
/// two kinds or more are present, the sum of each kind's strongest flag
/// score. Zero with one kind alone, so one odd word or one formal name in
/// clean copy stays a low score.
fn corroboration(flags: &[Flag]) -> f64 {
    let mut strongest = [0.0f64; 7];
    for flag in flags {
        if let Some(family) = spin_family(flag) {
            let slot = &mut strongest[usize::from(family)];
            *slot = slot.max(flag.score);
        }
    }
    if strongest.iter().filter(|&&s| s > 0.0).count() < 2 {
        return 0.0;
    }
    CORROBORATION_WEIGHT * strongest.iter().sum::<f64>()
}

/// Document scores from flags; see docs/quality.md for the formulas.
fn score(flags: &[Flag], num_words: usize, stats_evidence: f64) -> Scores {
    let mut incoherence_mass = 0.0;
    let mut heuristic_mass = 0.0;
    for flag in flags {
        match flag.category {
            Category::Spin | Category::Grammar => {}
            Category::Incoherence
            | Category::Metadata
            | Category::Boilerplate
            | Category::Repetition => incoherence_mass += flag.score,
            Category::Heuristic => heuristic_mass += flag.score,
        }
    }
    let spin_evidence = spin_evidence(flags, num_words, stats_evidence) + corroboration(flags);
    let spin = 1.0 - (-spin_evidence).exp();
    // Incoherence does not dilute with length: one leaked byline is one problem.
    let incoherence = 1.0 - (-incoherence_mass).exp();
    let quality =
        ((-(spin_evidence + incoherence_mass * 0.5 + heuristic_mass)).exp()).clamp(0.0, 1.0);
    Scores {
        quality,
        spin: spin.clamp(0.0, 1.0),
        incoherence: incoherence.clamp(0.0, 1.0),
    }
}

/// Build a flag from a byte span of `text`.
pub(crate) fn flag(
    text: &str,
    rule: &str,
    category: Category,
    span: (usize, usize),
    message: String,
    score: f64,
) -> Flag {
    let (start, end) = span;
    let shown_end = copydesk_text::floor_char_boundary(text, end.min(start.saturating_add(200)));
    Flag {
        rule: rule.to_owned(),
        category,
        start,
        end,
        text: text.get(start..shown_end).unwrap_or("").to_owned(),
        message,
        score,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use copydesk_text::tokenize;

    fn checker() -> Checker {
        Checker::new(QualityConfig::default(), &Lexicon::builtin()).unwrap()
    }

    fn rules(text: &str) -> Vec<String> {
        checker()
            .check(text, &tokenize(text))
            .flags
            .into_iter()
            .map(|f| f.rule)
            .collect()
    }

    #[test]
    fn a_run_of_one_doubled_word_is_one_flag() {
        let text = "Shares of of of of the company rose. The the board met.";
        let result = checker().check(text, &tokenize(text));
        let doubled: Vec<&Flag> = result
            .flags
            .iter()
            .filter(|f| f.rule == "doubled_function_word")
            .collect();
        assert_eq!(doubled.len(), 2, "{doubled:?}");
        assert_eq!(doubled[0].text, "of of of of");
        assert!(
            doubled[0].message.contains("4 times"),
            "{}",
            doubled[0].message
        );
        assert_eq!(doubled[1].text, "The the");

        let stuffed = "a ".repeat(50_000);
        let result = checker().check(&stuffed, &tokenize(&stuffed));
        let doubled = result
            .flags
            .iter()
            .filter(|f| f.rule == "doubled_function_word")
            .count();
        assert!(doubled <= 2, "{doubled} flags for one run of one word");
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        let checker = checker();
        for text in [
            "",
            "   \n\n  ",
            "...",
            "a",
            "The",
            "Ｆｕｌｌ width «quotes» — and ünïcödé café.\n\nhe",
            "She concerned",
            "the the",
            &"word ".repeat(5000),
            "date 2019-03-02",
        ] {
            let result = checker.check(text, &tokenize(text));
            for flag in &result.flags {
                assert!(
                    flag.start <= flag.end && flag.end <= text.len(),
                    "{text:?}: {flag:?}"
                );
                assert!(text.is_char_boundary(flag.start) && text.is_char_boundary(flag.end));
            }
            for score in [
                result.scores.quality,
                result.scores.spin,
                result.scores.incoherence,
            ] {
                assert!(
                    (0.0..=1.0).contains(&score),
                    "{text:?}: {:?}",
                    result.scores
                );
            }
        }
    }

    #[test]
    fn empty_and_whitespace_texts_are_flagged_with_quality_zero() {
        let checker = checker();
        for text in ["", " ", "\n\n\t  \r\n", "\u{3000}\u{a0}"] {
            let tokens = tokenize(text);
            for result in [
                checker.check(text, &tokens),
                checker.check_with(text, &tokens, Evidence::None),
            ] {
                assert_eq!(result.flags.len(), 1, "{text:?}: {:?}", result.flags);
                let flag = &result.flags[0];
                assert_eq!(flag.rule, EMPTY_TEXT);
                assert_eq!(flag.category, Category::Heuristic);
                assert_eq!((flag.start, flag.end), (0, text.len()));
                assert!(!flag.message.is_empty());
                assert_eq!(result.scores.quality, 0.0, "{text:?}");
            }
        }
        assert!(!rules("...").contains(&EMPTY_TEXT.to_owned()));
    }

    #[test]
    fn article_rule_knows_sound_exceptions() {
        let clean = "The board named a European banker, a union leader and an hour-long review panel as part of a one-year plan.";
        assert!(
            !rules(clean).iter().any(|r| r == "article_mismatch"),
            "{:?}",
            rules(clean)
        );
        let spun = "The board named an banker to lead a independent review of the harbour accounts this spring.";
        assert_eq!(
            rules(spun)
                .iter()
                .filter(|r| *r == "article_mismatch")
                .count(),
            2
        );
    }

    #[test]
    fn pronoun_before_a_verb_use_is_not_flagged() {
        let text = "They worried about the cost of the new ferry service for months before the vote took place.";
        assert!(!rules(text).iter().any(|r| r == "pronoun_adjective"));
        let text = "They unable to agree on the cost of the new ferry service, the chairman told reporters.";
        assert!(rules(text).iter().any(|r| r == "pronoun_adjective"));
    }

    #[test]
    fn datatrove_defaults_flag_a_short_document() {
        let config = QualityConfig {
            heuristics: HeuristicsConfig::datatrove(),
            ..QualityConfig::default()
        };
        let checker = Checker::new(config, &Lexicon::builtin()).unwrap();
        let text = "Harbour Mills Inc said it expects higher results.\nShr 10 cts vs 5 cts\nNet 1.2 mln vs 800,000\nRevs 20 mln vs 18 mln\nAvg shrs 4.1 mln vs 3.9 mln";
        let result = checker.check(text, &tokenize(text));
        let fired: Vec<&str> = result.flags.iter().map(|f| f.rule.as_str()).collect();
        // One reason per filter, as datatrove gives: Gopher stops at the
        // short document, before its stop words.
        for rule in ["gopher_short_doc", "too_few_sentences", "short_line_ratio"] {
            assert!(fired.contains(&rule), "{rule} missing from {fired:?}");
        }
        assert!(result
            .flags
            .iter()
            .all(|f| f.category == Category::Heuristic));
        // The news defaults leave a results brief alone.
        assert!(rules(text).is_empty(), "{:?}", rules(text));
    }

    #[test]
    fn gopher_repetition_flags_repeated_lines() {
        let text = "Buy cheap watches now.\n".repeat(20);
        let rules = rules(&text);
        assert!(rules.iter().any(|r| r == "dup_line_frac"), "{rules:?}");
        assert!(rules.iter().any(|r| r == "top_2_gram"), "{rules:?}");
    }

    #[test]
    fn model_round_trips_and_leave_one_out_removes_own_counts() {
        let texts = [
            "The company said profit rose in the quarter.",
            "The company said sales fell in the quarter.",
        ];
        let mut model = NgramModel::new();
        for text in texts {
            model.add(text, &tokenize(text));
        }
        let mut bytes = Vec::new();
        model.write_to(&mut bytes).unwrap();
        let loaded = NgramModel::read_from(&bytes[..], std::path::Path::new("m.txt")).unwrap();
        let said = xxhash_rust::xxh3::xxh3_64(b"said");
        assert_eq!(loaded.word_count(said), 2);
        assert_eq!(loaded.total_words(), model.total_words());
        let err = NgramModel::read_from(
            &b"copydesk-ngram-model 1\nw zz 3\n"[..],
            std::path::Path::new("m.txt"),
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "m.txt:2: bad hash");
    }

    #[test]
    fn subtracting_a_document_takes_its_counts_out() {
        let kept = "The company said profit rose in the quarter.";
        let spun = "The troupe stated lucre ascended in the quarter.";
        let mut corpus = NgramModel::new();
        let mut removed = NgramModel::new();
        corpus.add(kept, &tokenize(kept));
        corpus.add(spun, &tokenize(spun));
        removed.add(spun, &tokenize(spun));
        corpus.subtract(&removed);
        let hash = |w: &str| xxhash_rust::xxh3::xxh3_64(w.as_bytes());
        assert_eq!(corpus.word_count(hash("troupe")), 0);
        assert_eq!(corpus.word_count(hash("quarter")), 1);
        assert_eq!(corpus.word_count(hash("said")), 1);
        assert_eq!(corpus.total_words(), 8);
        assert_eq!(corpus.documents(), 1);
    }

    #[test]
    fn swapped_words_are_flagged_against_a_model_and_rare_ones_alone_are_not() {
        // A reference where everyday words are common and "lucre" never appears.
        let reference =
            "The company said profit rose and sales rose in the quarter as demand grew. ";
        let mut model = NgramModel::new();
        for _ in 0..20000 {
            model.add(reference, &tokenize(reference));
        }
        let mut config = QualityConfig::default();
        config.stats.min_judged_words = 0;
        let checker = Checker::new(config, &Lexicon::builtin())
            .unwrap()
            .with_model(model);
        let clean = "The company said profit rose and sales rose in the quarter.";
        let spun = "The troupe stated lucre ascended and gross revenue waxed in the twelvemonth.";
        let clean_result = checker.check(clean, &tokenize(clean));
        let spun_result = checker.check(spun, &tokenize(spun));
        assert!(
            spun_result.scores.spin > clean_result.scores.spin + 0.5,
            "{:?} {:?}",
            clean_result.scores,
            spun_result.scores
        );
        assert!(
            !clean_result
                .flags
                .iter()
                .any(|f| f.category == Category::Spin),
            "{:?}",
            clean_result.flags
        );
        // One swap beside words the reference pairs with the original:
        // "company stated" where it writes "company said". The document gate
        // is opened so that the per-word rule is what is tested.
        let mut open_gate = checker.config().clone();
        open_gate.stats.spun_document_evidence = 0.0;
        let model = checker.model().cloned().unwrap();
        let checker = Checker::new(open_gate, &Lexicon::builtin())
            .unwrap()
            .with_model(model);
        let swapped = "The company stated profit rose and sales rose in the quarter.";
        let swapped_result = checker.check(swapped, &tokenize(swapped));
        let found = swapped_result
            .flags
            .iter()
            .find(|f| stats::is_surprise_rule(&f.rule) && f.text == "stated");
        assert!(
            found.is_some_and(|f| f.message.contains("said")),
            "{:?}",
            swapped_result.flags
        );
        // A rare word with no synonym the reference prefers in its place is
        // not a spinner's.
        let technical = "The company said profit rose and router sales rose in the quarter.";
        let technical_result = checker.check(technical, &tokenize(technical));
        assert!(
            !technical_result
                .flags
                .iter()
                .any(|f| stats::is_surprise_rule(&f.rule)),
            "{:?}",
            technical_result.flags
        );
    }

    /// `resolve_overlaps` as first written: every pair of flags compared.
    fn resolve_overlaps_pairwise(mut flags: Vec<Flag>) -> Vec<Flag> {
        let is_furniture =
            |f: &Flag| matches!(f.category, Category::Metadata | Category::Boilerplate);
        let mut keep = vec![true; flags.len()];
        for i in 0..flags.len() {
            for j in 0..flags.len() {
                if i == j || !keep[j] || !is_furniture(&flags[i]) || !is_furniture(&flags[j]) {
                    continue;
                }
                let (a, b) = (&flags[i], &flags[j]);
                let inside = b.start <= a.start && a.end <= b.end;
                let same = a.start == b.start && a.end == b.end;
                if inside && (!same || j < i) {
                    keep[i] = false;
                    break;
                }
            }
        }
        let mut index = 0;
        flags.retain(|_| {
            index += 1;
            keep[index - 1]
        });
        let furniture: Vec<(usize, usize)> = flags
            .iter()
            .filter(|f| is_furniture(f))
            .map(|f| (f.start, f.end))
            .collect();
        flags
            .into_iter()
            .filter(|f| {
                is_furniture(f)
                    || f.category == Category::Heuristic
                    || !furniture
                        .iter()
                        .any(|&(start, end)| f.start < end && start < f.end)
            })
            .collect()
    }

    /// Flags from (start, length, category number) triples.
    fn arbitrary_flags(spans: Vec<(usize, usize, u8)>) -> Vec<Flag> {
        spans
            .into_iter()
            .enumerate()
            .map(|(i, (start, len, category))| Flag {
                // The rule tells flags on one span apart in the comparison.
                rule: format!("rule{i}"),
                category: [
                    Category::Metadata,
                    Category::Boilerplate,
                    Category::Spin,
                    Category::Grammar,
                    Category::Heuristic,
                    Category::Incoherence,
                ][usize::from(category) % 6],
                start,
                end: start + len,
                text: String::new(),
                message: String::new(),
                score: 0.5,
            })
            .collect()
    }

    #[test]
    fn nested_and_equal_furniture_keeps_the_widest_first() {
        let flags = arbitrary_flags(vec![
            (5, 3, 0),  // inside the next one: dropped
            (4, 6, 1),  // widest: kept
            (4, 6, 0),  // same span, written later: dropped
            (12, 0, 1), // empty, alone: kept
            (6, 1, 2),  // spin inside furniture: dropped
            (0, 20, 4), // heuristic: kept
            (10, 2, 3), // grammar touching the end of furniture: kept
        ]);
        let rules: Vec<String> = resolve_overlaps(flags.clone())
            .into_iter()
            .map(|f| f.rule)
            .collect();
        assert_eq!(rules, ["rule1", "rule3", "rule5", "rule6"]);
        assert_eq!(
            resolve_overlaps_pairwise(flags.clone()),
            resolve_overlaps(flags)
        );
    }

    #[test]
    fn one_flag_a_word_resolves_in_one_pass() {
        // 200,000 overlapping flags, half of them furniture: the pairwise
        // comparison would make 4e10 comparisons.
        let spans = (0..200_000).map(|i| (i * 2, 3, (i % 4) as u8)).collect();
        let resolved = resolve_overlaps(arbitrary_flags(spans));
        // Spin and grammar flags overlap a furniture flag, all but the last
        // one; no furniture flag holds another.
        assert_eq!(resolved.len(), 100_001);
        assert!(resolved[..100_000]
            .iter()
            .all(|f| matches!(f.category, Category::Metadata | Category::Boilerplate)));
        assert_eq!(resolved[100_000].category, Category::Grammar);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 512,
            rng_seed: proptest::test_runner::RngSeed::Fixed(10),
            ..proptest::prelude::ProptestConfig::default()
        })]
        #[test]
        fn resolving_overlaps_matches_comparing_every_pair(
            spans in proptest::collection::vec((0usize..40, 0usize..12, 0u8..6), 0..60),
        ) {
            let flags = arbitrary_flags(spans);
            proptest::prop_assert_eq!(
                resolve_overlaps(flags.clone()),
                resolve_overlaps_pairwise(flags)
            );
        }

        #[test]
        fn span_index_finds_exactly_the_overlapping_spans(
            spans in proptest::collection::vec((0usize..40, 0usize..12), 0..40),
            query in (0usize..50, 0usize..12),
        ) {
            let spans: Vec<(usize, usize)> = spans.into_iter().map(|(s, l)| (s, s + l)).collect();
            let (start, end) = (query.0, query.0 + query.1);
            let index = SpanIndex::new(spans.iter().copied());
            let naive = spans.iter().any(|&(s, e)| s < end && start < e);
            proptest::prop_assert_eq!(index.overlaps(start, end), naive);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 64,
            rng_seed: proptest::test_runner::RngSeed::Fixed(4),
            ..proptest::prelude::ProptestConfig::default()
        })]
        #[test]
        fn any_text_gives_valid_spans_and_scores(
            text in "(\\PC|\n| |\\.|,|\"){0,300}",
            words in proptest::collection::vec("(the|a|an|of|he|she|said|date|By|Updated|Read more:|Russian Federation|[A-Za-z]{1,9}|[0-9]{1,4}|\n\n|\\.|,)", 0..120),
        ) {
            static SHARED: std::sync::OnceLock<(Checker, Checker, NgramModel)> = std::sync::OnceLock::new();
            let (checker, with_model, model) = SHARED.get_or_init(|| {
                let mut model = NgramModel::new();
                let reference = "The company said profit rose in the quarter. ".repeat(2000);
                model.add(&reference, &tokenize(&reference));
                let with_model = checker().with_model(model.clone());
                (checker(), with_model, model)
            });
            let joined = words.join(" ");
            for text in [text.as_str(), joined.as_str()] {
                let tokens = tokenize(text);
                for result in [
                    checker.check(text, &tokens),
                    with_model.check(text, &tokens),
                    checker.check_with(text, &tokens, Evidence::CorpusLeaveOneOut(model)),
                ] {
                    for flag in &result.flags {
                        proptest::prop_assert!(flag.start <= flag.end && flag.end <= text.len());
                        proptest::prop_assert!(text.is_char_boundary(flag.start) && text.is_char_boundary(flag.end));
                    }
                    for score in [result.scores.quality, result.scores.spin, result.scores.incoherence] {
                        proptest::prop_assert!((0.0..=1.0).contains(&score));
                    }
                }
            }
        }
    }
}
