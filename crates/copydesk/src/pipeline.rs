//! The whole job, stage by stage: read → tokenize and sign → find pairs →
//! link rewrites → cluster → (quality pass). This is the only module that
//! knows every stage; a caller picks a run ([`run_dedup`], [`run_check`],
//! [`run_scan`], [`run_fit`]) with a [`Config`] and hands the result to the
//! writers in [`crate::report`].
//!
//! Rewrite pairs are added to [`DedupRun::pairs`] before clustering (stage
//! `rewrite`, in [`rewrites`]), so a cluster may join copies and rewrites;
//! [`run_scan`] adds one [`crate::quality::DocQuality`] per document beside
//! the [`DocumentResult`]s of the dedup run.
//!
//! ```
//! use copydesk::corpus::Input;
//! use copydesk::pipeline::{run_dedup, Config};
//! use copydesk::progress::NoProgress;
//!
//! # std::env::set_current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).unwrap();
//! let config = Config::default();
//! let run = run_dedup(&[Input::parse("fixtures/news.jsonl")], &config, &NoProgress)?;
//! for (doc, result) in run.corpus.documents.iter().zip(&run.documents) {
//!     if let Some(rep) = result.duplicate_of {
//!         println!("{} copies {}", doc.id, run.corpus.documents[rep as usize].id);
//!     }
//! }
//! // The writers create the output directory (its parent must exist).
//! let tmp = tempfile::tempdir().expect("a temporary directory");
//! let out = tmp.path().join("out");
//! copydesk::report::jsonl::write_dedup(&run, &out, None, copydesk::report::TableFormat::Jsonl)?;
//! assert!(out.join("documents.jsonl").exists());
//! # Ok::<(), copydesk::Error>(())
//! ```

mod check_run;
mod clean;
mod compare;
mod dedup_run;
mod order;
pub mod rewrites;
mod scan_run;
mod sign;

pub use crate::quality::StatsSource;
pub use crate::rewrite::link::{EditSpans, PairDetail};
pub use check_run::{run_check, run_check_on, run_fit, CheckConfig, CheckRun};
pub use clean::CleanCorpus;
pub use compare::{compare, corpus_frequencies, CompareSide, Comparison};
pub use dedup_run::{run_dedup, run_dedup_on};
pub(crate) use order::quality_key;
pub use order::{ranks, QUALITY_DIGITS};
pub use rewrites::RewriteStats;
pub use scan_run::{run_scan, run_scan_on, ScanConfig, ScanRun};
pub(crate) use sign::Signed;

use crate::corpus::{self, Corpus, Input, ReadOptions};
use crate::dedup::{self, Cluster, DedupConfig, LinkStats, LshParams, Relation};
use crate::error::{Error, Result};
use crate::progress::Progress;
use crate::rewrite::{RewriteConfig, Substitution};
pub use copydesk_report::{round, Timings};
use std::time::Instant;

/// Which member of a cluster becomes its representative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Prefer {
    /// The document with the most words.
    #[default]
    Longest,
    /// The document whose date field sorts first; documents without a date come last.
    Earliest,
    /// The document read first: the one preference that depends on input
    /// order.
    First,
    /// The document of best quality (quality scores equal to four decimals
    /// tie), then the longest: `scan` uses its quality pass, `dedup` scores
    /// the clustered documents with the built-in lexicon and rules.
    Quality,
}

impl Prefer {
    /// The name used on the command line and in `summary.json`.
    pub fn name(self) -> &'static str {
        match self {
            Prefer::Longest => "longest",
            Prefer::Earliest => "earliest",
            Prefer::First => "first",
            Prefer::Quality => "quality",
        }
    }
}

/// Everything a run needs to know. Thread count is not here: the pipeline runs
/// on rayon's global pool, which the caller sizes.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// How records are read.
    pub read: ReadOptions,
    /// Near-duplicate detection parameters.
    pub dedup: DedupConfig,
    /// Representative choice.
    pub prefer: Prefer,
    /// Link spinner-style rewrites too, and align every kept pair for its
    /// edits (the rewrite wing; the CLI turns it on unless `--no-rewrites`).
    pub rewrites: bool,
    /// Parameters of the rewrite wing.
    pub rewrite: RewriteConfig,
    /// Which pairs' edits the outputs write (all are kept in the run, for
    /// the report and the mined substitutions).
    pub edits: EditsOutput,
    /// Which pairs the outputs write (all are kept in the run).
    pub pairs: PairsOutput,
}

/// Which pairs `pairs` holds. A cluster of `n` copies has up to
/// `n (n - 1) / 2` verified pairs; its members' relations to the
/// representative are `n - 1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PairsOutput {
    /// Every verified pair.
    All,
    /// For each clustered document, its pair with its representative (the
    /// verified pair when there is one, with its alignment; otherwise the
    /// exact overlap of the two, with its relation as in `documents`, not
    /// aligned), and every `partial` pair (the overlap that kept stories
    /// apart): linear in the corpus.
    #[default]
    Representative,
}

impl PairsOutput {
    /// The name used on the command line and in `summary.json`.
    pub fn name(self) -> &'static str {
        match self {
            PairsOutput::All => "all",
            PairsOutput::Representative => "representative",
        }
    }
}

/// One line of the `pairs` output: a kept pair, or a clustered document with
/// its representative where they are not a kept pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PairRow {
    /// The kept pair at this index of [`DedupRun::pairs`].
    Kept(u32),
    /// The document at this index, with its representative.
    Member(u32),
}

impl DedupRun {
    /// The lines `pairs` holds under [`Config::pairs`], in order of `(a, b)`
    /// (document indices, `a < b`).
    pub fn pair_rows(&self) -> Vec<PairRow> {
        if self.config.pairs == PairsOutput::All {
            return (0..self.pairs.len() as u32).map(PairRow::Kept).collect();
        }
        let is_representative_of =
            |member: u32, other: u32| self.documents[member as usize].duplicate_of == Some(other);
        let mut paired = vec![false; self.documents.len()];
        let mut rows: Vec<((u32, u32), PairRow)> = Vec::new();
        for (index, pair) in self.pairs.iter().enumerate() {
            let member = if is_representative_of(pair.a, pair.b) {
                Some(pair.a)
            } else if is_representative_of(pair.b, pair.a) {
                Some(pair.b)
            } else {
                None
            };
            if let Some(member) = member {
                paired[member as usize] = true;
            }
            if member.is_some() || pair.relation == Relation::Partial {
                rows.push(((pair.a, pair.b), PairRow::Kept(index as u32)));
            }
        }
        for (member, result) in self.documents.iter().enumerate() {
            if let (Some(rep), false) = (result.duplicate_of, paired[member]) {
                let member = member as u32;
                rows.push(((member.min(rep), member.max(rep)), PairRow::Member(member)));
            }
        }
        rows.sort_unstable_by_key(|&(key, _)| key);
        rows.into_iter().map(|(_, row)| row).collect()
    }
}

/// Which pairs of a run with rewrites get their edits written in `pairs`:
/// on a corpus of near-copies the edits are most of the output (94% of
/// `pairs.jsonl` on the perf corpus).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EditsOutput {
    /// Every aligned pair.
    All,
    /// The pairs where one side is a spun copy of the other: `rewrite`
    /// pairs, and copy pairs with at least three word swaps that are at
    /// least half of their edits (what the mined substitutions are built
    /// from). The other pairs have no `edits` field.
    #[default]
    Spun,
    /// None: no pair has an `edits` field.
    None,
}

impl EditsOutput {
    /// The name used on the command line and in `summary.json`.
    pub fn name(self) -> &'static str {
        match self {
            EditsOutput::All => "all",
            EditsOutput::Spun => "spun",
            EditsOutput::None => "none",
        }
    }

    /// Whether the edits of `pair` are written.
    pub fn writes(self, pair: &dedup::Pair, detail: &PairDetail) -> bool {
        match self {
            EditsOutput::All => true,
            EditsOutput::Spun => rewrites::looks_spun(pair, detail),
            EditsOutput::None => false,
        }
    }
}

impl Config {
    /// Check that parameters are in range and agree with each other.
    pub fn validate(&self) -> Result<()> {
        self.dedup.validate()?;
        let output_names = ["id", "cluster", "duplicate_of", "relation"];
        if let Some(field) = self
            .read
            .carry_fields
            .iter()
            .find(|f| output_names.contains(&f.as_str()))
        {
            return Err(Error::Config(format!(
                "cannot carry field {field:?}: documents.jsonl already has a field of that name"
            )));
        }
        if self.rewrites {
            self.rewrite.validate()?;
        }
        Ok(())
    }

    /// Bands × rows of the LSH index (see [`DedupConfig::lsh_params`]).
    pub fn lsh_params(&self) -> LshParams {
        self.dedup.lsh_params()
    }
}

/// Results for one accepted document, parallel to [`Corpus::documents`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DocumentResult {
    /// Number of word tokens.
    pub num_words: u32,
    /// Cluster number, `None` for a unique document.
    pub cluster: Option<u32>,
    /// Index of the cluster's representative, `None` for unique documents and for the representative itself.
    pub duplicate_of: Option<u32>,
    /// Relation to the representative, `None` when `duplicate_of` is `None`.
    pub relation: Option<Relation>,
    /// The exact shingle overlap with the representative (this document's
    /// containment first), `None` when `duplicate_of` is `None`.
    pub overlap: Option<dedup::Overlap>,
}

/// Headline counts of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    /// Records seen (accepted + rejected).
    pub read: u64,
    /// Documents accepted.
    pub accepted: u64,
    /// Records rejected (only with `skip_invalid`).
    pub rejected: u64,
    /// Accepted documents in no cluster.
    pub unique: u64,
    /// Cluster members other than the representatives.
    pub duplicates: u64,
    /// Clusters of two or more documents.
    pub clusters: u64,
    /// Verified pairs kept.
    pub pairs: u64,
}

/// Everything a dedup run found, ready for the writers.
#[derive(Debug)]
pub struct DedupRun {
    /// The configuration the run used.
    pub config: Config,
    /// The inputs as the user named them (`-` for standard input).
    pub inputs: Vec<String>,
    /// What was read, including rejected records.
    pub corpus: Corpus,
    /// One result per accepted document, in input order.
    pub documents: Vec<DocumentResult>,
    /// Kept pairs, document indexes `a < b`.
    pub pairs: Vec<dedup::Pair>,
    /// Clusters of two or more documents; cluster `n` is `clusters[n]`.
    /// Clusters come in byte order of their smallest member id, members by
    /// id: they depend on the set of records, not on input order.
    pub clusters: Vec<Cluster>,
    /// Bands × rows used.
    pub lsh: LshParams,
    /// Candidate and kept pair counts.
    pub link_stats: LinkStats,
    /// What the rewrite wing adds to each pair, parallel to `pairs`; empty
    /// when rewrites are off.
    pub pair_details: Vec<PairDetail>,
    /// The spin lexicon mined from the rewrite pairs, most frequent first.
    pub substitutions: Vec<Substitution>,
    /// Counts of the rewrite stage, when it ran.
    pub rewrite_stats: Option<RewriteStats>,
    /// Time per stage.
    pub timings: Timings,
}

impl DedupRun {
    /// Headline counts; `read == accepted + rejected` and
    /// `accepted == unique + clusters + duplicates`.
    pub fn counts(&self) -> Counts {
        let accepted = self.documents.len() as u64;
        let clustered: u64 = self.clusters.iter().map(|c| c.members.len() as u64).sum();
        let clusters = self.clusters.len() as u64;
        Counts {
            read: self.corpus.records_read,
            accepted,
            rejected: self.corpus.rejected.len() as u64,
            unique: accepted - clustered,
            duplicates: clustered - clusters,
            clusters,
            pairs: self.pairs.len() as u64,
        }
    }
}

pub(super) fn read_stage(
    inputs: &[Input],
    read: &ReadOptions,
    progress: &dyn Progress,
    timings: &mut Timings,
) -> Result<Corpus> {
    let started = Instant::now();
    progress.start(
        "read",
        Some(corpus::input_size(inputs, read)).filter(|&n| n > 0),
    );
    let corpus = corpus::read_inputs(inputs, read, progress);
    progress.finish();
    timings.record("read", started.elapsed());
    corpus
}

pub(super) fn input_names(inputs: &[Input]) -> Vec<String> {
    inputs
        .iter()
        .map(|input| match input {
            Input::Stdin => "-".to_owned(),
            Input::Path(path) => path.display().to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_parameters_are_reported() {
        let mut config = Config::default();
        config.dedup.jaccard_threshold = 1.5;
        assert!(config.validate().is_err());
        let mut config = Config::default();
        config.dedup.num_bands = Some(1000);
        assert!(config.validate().is_err());
        let mut config = Config::default();
        config.read.carry_fields = vec!["cluster".into()];
        assert!(config.validate().is_err());
        assert!(Config::default().validate().is_ok());
    }
}
