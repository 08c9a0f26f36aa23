//! Writing outputs people and pipelines can act on: one set of file
//! [`names`], all-or-nothing output sets ([`StagedOutputs`], [`commit`]),
//! JSON formatting for hot output lines ([`json`]), the self-contained HTML
//! report ([`html`], over its own row types) and run [`Timings`].
//!
//! Outputs are all-or-nothing and replace the previous run's as one set: a
//! failed or killed run leaves the outputs of the run before it, complete,
//! and nothing of its own. This crate knows no stage: the pipeline turns its
//! results into the rows written here.
#![deny(missing_docs)]

pub mod commit;
pub mod html;
pub mod json;
mod rows;
mod stage;

pub use rows::{EditOp, Relation};
pub use stage::{OutputFile, StageJob, StagedOutputs};

use std::time::Duration;

/// How the tables of a run (documents, pairs, clusters) are written. The
/// other outputs (rejected records, mined substitutions, the summary, the
/// report) are JSON whatever the format.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TableFormat {
    /// JSON Lines: `documents.jsonl`, `pairs.jsonl`, `clusters.jsonl`.
    #[default]
    Jsonl,
    /// Parquet with the same columns: `documents.parquet`, `pairs.parquet`,
    /// `clusters.parquet`.
    Parquet,
}

impl TableFormat {
    /// File name of the documents table.
    pub fn documents(self) -> &'static str {
        match self {
            TableFormat::Jsonl => names::DOCUMENTS,
            TableFormat::Parquet => names::DOCUMENTS_PARQUET,
        }
    }

    /// File name of the pairs table.
    pub fn pairs(self) -> &'static str {
        match self {
            TableFormat::Jsonl => names::PAIRS,
            TableFormat::Parquet => names::PAIRS_PARQUET,
        }
    }

    /// File name of the clusters table.
    pub fn clusters(self) -> &'static str {
        match self {
            TableFormat::Jsonl => names::CLUSTERS,
            TableFormat::Parquet => names::CLUSTERS_PARQUET,
        }
    }
}

/// File names inside an output directory, the same for every subcommand.
pub mod names {
    /// One line per accepted document.
    pub const DOCUMENTS: &str = "documents.jsonl";
    /// Kept pairs.
    pub const PAIRS: &str = "pairs.jsonl";
    /// Clusters of two or more documents.
    pub const CLUSTERS: &str = "clusters.jsonl";
    /// [`DOCUMENTS`] as Parquet (`--format parquet`).
    pub const DOCUMENTS_PARQUET: &str = "documents.parquet";
    /// [`PAIRS`] as Parquet.
    pub const PAIRS_PARQUET: &str = "pairs.parquet";
    /// [`CLUSTERS`] as Parquet.
    pub const CLUSTERS_PARQUET: &str = "clusters.parquet";
    /// Rejected records.
    pub const REJECTED: &str = "rejected.jsonl";
    /// Counts, parameters and timings.
    pub const SUMMARY: &str = "summary.json";
    /// The spin lexicon mined from rewrite pairs (written when rewrites are on).
    pub const SUBSTITUTIONS: &str = "substitutions.jsonl";
    /// The report for people.
    pub const REPORT: &str = "report.html";
    /// The marker of a set of outputs.
    pub const MARKER: &str = ".copydesk-run.json";

    /// Every name copydesk writes into an output directory, whatever the subcommand.
    pub const SET_FILE_NAMES: &[&str] = &[
        DOCUMENTS,
        PAIRS,
        CLUSTERS,
        DOCUMENTS_PARQUET,
        PAIRS_PARQUET,
        CLUSTERS_PARQUET,
        REJECTED,
        SUMMARY,
        SUBSTITUTIONS,
        REPORT,
        MARKER,
    ];
}

/// Wall-clock time of each stage, in the order the stages ran.
#[derive(Debug, Clone, Default)]
pub struct Timings {
    stages: Vec<(&'static str, Duration)>,
}

impl Timings {
    /// Add a stage's time (added to any time already recorded under that name).
    pub fn record(&mut self, stage: &'static str, elapsed: Duration) {
        match self.stages.iter_mut().find(|(s, _)| *s == stage) {
            Some((_, total)) => *total += elapsed,
            None => self.stages.push((stage, elapsed)),
        }
    }

    /// Stages and their times, in order.
    pub fn stages(&self) -> &[(&'static str, Duration)] {
        &self.stages
    }

    /// Time of all stages together.
    pub fn total(&self) -> Duration {
        self.stages.iter().map(|(_, d)| *d).sum()
    }
}

impl serde::Serialize for Timings {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.stages.len() + 1))?;
        for (stage, elapsed) in &self.stages {
            map.serialize_entry(stage, &round(elapsed.as_secs_f64(), 4))?;
        }
        map.serialize_entry("total", &round(self.total().as_secs_f64(), 4))?;
        map.end()
    }
}

/// Round to `digits` decimals, for output files that people read.
pub fn round(value: f64, digits: i32) -> f64 {
    let scale = 10f64.powi(digits);
    (value * scale).round() / scale
}
