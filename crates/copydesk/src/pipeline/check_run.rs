//! `copydesk check` and `copydesk fit`: the quality pass over a corpus (run by
//! [`quality::check_corpus`]) and the counts of a reference model.

use super::{input_names, read_stage};
use crate::corpus::{Corpus, Input, ReadOptions};
use crate::error::Result;
use crate::progress::Progress;
use crate::quality::{
    self, Checker, CorpusDocuments, Lexicon, NgramModel, QualityConfig, StatsSource,
};
use copydesk_report::Timings;
use std::time::Instant;

/// Parameters of `copydesk check`: how records are read and how the quality
/// pass runs.
#[derive(Debug, Clone, Default)]
pub struct CheckConfig {
    /// How records are read.
    pub read: ReadOptions,
    /// Quality-pass thresholds.
    pub quality: QualityConfig,
    /// User lexicon files added to the built-in lexicon (`--lexicon`).
    pub lexicon_files: Vec<std::path::PathBuf>,
    /// Mined substitution lexicons (`--substitutions`).
    pub substitution_files: Vec<std::path::PathBuf>,
    /// A substitution must have been seen this many times to be used.
    pub min_substitution_count: u64,
    /// Reference model written by `copydesk fit` (`--model`); without one the
    /// corpus's own counts are used, each document left out of its evidence.
    pub model: Option<std::path::PathBuf>,
    /// Without a model, do not use the corpus's own counts either (lexicon and rules only).
    pub no_corpus_stats: bool,
}

/// Results of `copydesk check`.
#[derive(Debug)]
pub struct CheckRun {
    /// The configuration used.
    pub config: CheckConfig,
    /// Inputs as named by the user.
    pub inputs: Vec<String>,
    /// What was read (documents in input order).
    pub corpus: Corpus,
    /// Quality of each accepted document, parallel to `corpus.documents`.
    pub results: Vec<crate::quality::DocQuality>,
    /// Where the collocation statistics came from.
    pub stats_source: StatsSource,
    /// Time per stage.
    pub timings: Timings,
}

pub(super) fn build_checker(config: &CheckConfig) -> Result<Checker> {
    let mut lexicon = Lexicon::builtin();
    for path in &config.lexicon_files {
        lexicon.load_extra(path)?;
    }
    for path in &config.substitution_files {
        lexicon.load_substitutions(path, config.min_substitution_count)?;
    }
    let mut checker = Checker::new(config.quality.clone(), &lexicon)?;
    if let Some(path) = &config.model {
        checker = checker.with_model(NgramModel::load(path)?);
    }
    Ok(checker)
}

/// Run the quality pass over `inputs` (`copydesk check`).
///
/// Progress stages: `read` (bytes), `count` (documents, only without a model),
/// `check` (documents), and with corpus statistics `recheck` (documents: the
/// second pass, on counts without the documents that look spun).
pub fn run_check(
    inputs: &[Input],
    config: &CheckConfig,
    progress: &dyn Progress,
) -> Result<CheckRun> {
    let mut timings = Timings::default();
    let checker = build_checker(config)?;
    let corpus = read_stage(inputs, &config.read, progress, &mut timings)?;
    Ok(checked_run(
        corpus,
        input_names(inputs),
        &checker,
        config,
        progress,
        timings,
    ))
}

/// The quality pass of [`run_check`] and [`run_check_on`] over a corpus
/// already read, with the checker built before reading.
fn checked_run(
    corpus: Corpus,
    inputs: Vec<String>,
    checker: &Checker,
    config: &CheckConfig,
    progress: &dyn Progress,
    mut timings: Timings,
) -> CheckRun {
    let (results, stats_source) =
        check_corpus(&corpus, checker, config, None, progress, &mut timings);
    CheckRun {
        config: config.clone(),
        inputs,
        corpus,
        results,
        stats_source,
        timings,
    }
}

/// [`run_check`] over a corpus already in memory ([`corpus::from_records`](crate::corpus::from_records)).
pub fn run_check_on(
    corpus: Corpus,
    source: &str,
    config: &CheckConfig,
    progress: &dyn Progress,
) -> Result<CheckRun> {
    let checker = build_checker(config)?;
    Ok(checked_run(
        corpus,
        vec![source.to_owned()],
        &checker,
        config,
        progress,
        Timings::default(),
    ))
}
/// The quality pass over a corpus already read, its stages timed in
/// `timings`: corpus statistics first (unless the checker has a model or
/// they are turned off), then every document.
///
/// `clusters` (from `scan`) gives each document's dedup cluster: documents of
/// one cluster do not count as unrelated for corpus-level boilerplate.
pub(super) fn check_corpus(
    corpus: &Corpus,
    checker: &Checker,
    config: &CheckConfig,
    clusters: Option<&[Option<u32>]>,
    progress: &dyn Progress,
    timings: &mut Timings,
) -> (Vec<quality::DocQuality>, StatsSource) {
    let texts: Vec<&str> = corpus.documents.iter().map(|d| d.text.as_str()).collect();
    let ids: Vec<&str> = corpus.documents.iter().map(|d| d.id.as_str()).collect();
    let documents = CorpusDocuments {
        texts: &texts,
        ids: &ids,
        clusters,
    };
    let checked = quality::check_corpus(documents, checker, !config.no_corpus_stats, progress);
    for (stage, elapsed) in checked.timings {
        timings.record(stage, elapsed);
    }
    (checked.results, checked.stats_source)
}

/// Learn word and word-pair counts from trusted text (`copydesk fit`).
///
/// Progress stages: `read` (bytes), `count` (documents).
pub fn run_fit(
    inputs: &[Input],
    read: &ReadOptions,
    progress: &dyn Progress,
) -> Result<(Corpus, NgramModel, Timings)> {
    let mut timings = Timings::default();
    let corpus = read_stage(inputs, read, progress, &mut timings)?;
    let started = Instant::now();
    progress.start("count", Some(corpus.documents.len() as u64));
    let texts: Vec<&str> = corpus.documents.iter().map(|d| d.text.as_str()).collect();
    let model = quality::count_texts(&texts, |done| progress.advance(done));
    progress.finish();
    timings.record("count", started.elapsed());
    Ok((corpus, model, timings))
}
