//! `copydesk scan`: one read, then near-duplicates and rewrites, then the
//! quality pass over the same corpus.

use super::check_run::{build_checker, check_corpus};
use super::dedup_run::dedup_corpus;
use super::{read_stage, CheckConfig, Config, DedupRun, Prefer};
use crate::corpus::{Corpus, Input};
use crate::error::Result;
use crate::progress::Progress;
use crate::quality::{Checker, StatsSource};
use copydesk_report::Timings;

/// Parameters of `copydesk scan`: near-duplicates and rewrites as in
/// [`run_dedup`](super::run_dedup), and the quality pass as in [`run_check`](super::run_check). Records are read as
/// `dedup.read` says; `check.read` is not used.
#[derive(Debug, Clone, Default)]
pub struct ScanConfig {
    /// Reading and near-duplicate detection.
    pub dedup: Config,
    /// The quality pass.
    pub check: CheckConfig,
}

/// Results of `copydesk scan`: the dedup results and the quality of each document.
#[derive(Debug)]
pub struct ScanRun {
    /// Near-duplicates, rewrites, clusters (and the corpus, read once).
    pub dedup: DedupRun,
    /// Quality of each accepted document, parallel to `dedup.corpus.documents`.
    pub quality: Vec<crate::quality::DocQuality>,
    /// Where the collocation statistics came from.
    pub stats_source: StatsSource,
}

/// A scan keeps every pair's edits: its report shows each member's edits
/// against its representative, which the alignment cannot tell in advance.
const REPORT_EDITS: bool = true;

/// The whole job (`copydesk scan`): one read of the inputs, then
/// near-duplicates and rewrites, then the quality pass over the same corpus.
/// Token arrays are not kept from stage to stage: each stage tokenizes again
/// (about 390 MiB/s per core), where keeping them would hold five times the
/// corpus's size in memory (24 bytes per word plus the normalized text).
///
/// Progress stages: those of [`run_dedup`](super::run_dedup), then `count` and `check`.
pub fn run_scan(inputs: &[Input], config: &ScanConfig, progress: &dyn Progress) -> Result<ScanRun> {
    config.dedup.validate()?;
    let checker = build_checker(&config.check)?;
    let mut timings = Timings::default();
    let corpus = read_stage(inputs, &config.dedup.read, progress, &mut timings)?;
    scan_corpus(corpus, inputs, config, &checker, timings, progress)
}

/// [`run_scan`] over a corpus already in memory ([`corpus::from_records`](crate::corpus::from_records)).
pub fn run_scan_on(
    corpus: Corpus,
    source: &str,
    config: &ScanConfig,
    progress: &dyn Progress,
) -> Result<ScanRun> {
    config.dedup.validate()?;
    let checker = build_checker(&config.check)?;
    let inputs = [Input::Path(source.into())];
    let timings = Timings::default();
    scan_corpus(corpus, &inputs, config, &checker, timings, progress)
}

/// The scan of a corpus already read: quality and near-duplicates, in the
/// order [`Prefer`] needs; `checker` is the quality checker.
fn scan_corpus(
    corpus: Corpus,
    inputs: &[Input],
    config: &ScanConfig,
    checker: &Checker,
    mut timings: Timings,
    progress: &dyn Progress,
) -> Result<ScanRun> {
    if config.dedup.prefer == Prefer::Quality {
        // Representatives by quality: the quality pass comes first, with no
        // clusters yet, so copies are told apart by their content alone.
        let (quality, stats_source) = check_corpus(
            &corpus,
            checker,
            &config.check,
            None,
            progress,
            &mut timings,
        );
        let scores: Vec<f64> = quality.iter().map(|q| q.scores.quality).collect();
        let dedup = dedup_corpus(
            corpus,
            inputs,
            &config.dedup,
            timings,
            progress,
            Some(&scores),
            REPORT_EDITS,
        )?;
        return Ok(ScanRun {
            dedup,
            quality,
            stats_source,
        });
    }
    let mut dedup = dedup_corpus(
        corpus,
        inputs,
        &config.dedup,
        timings,
        progress,
        None,
        REPORT_EDITS,
    )?;
    let clusters: Vec<Option<u32>> = dedup.documents.iter().map(|d| d.cluster).collect();
    let (quality, stats_source) = check_corpus(
        &dedup.corpus,
        checker,
        &config.check,
        Some(&clusters),
        progress,
        &mut dedup.timings,
    );
    Ok(ScanRun {
        dedup,
        quality,
        stats_source,
    })
}
