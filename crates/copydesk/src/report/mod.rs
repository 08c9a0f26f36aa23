//! The pipeline's results as output rows: `documents`, `pairs`, `clusters`,
//! `substitutions` and `rejected` in JSON Lines ([`jsonl`] for dedup,
//! [`check`] for the quality pass, [`scan`] for both and the report), and
//! the same tables in Parquet ([`tables`], `--format parquet`), and the
//! clean corpus in Parquet ([`parquet`]).
//!
//! The writing itself (file names, all-or-nothing output sets, the HTML
//! report) is the `copydesk-report` crate, re-exported here.

pub mod check;
pub mod jsonl;
pub mod parquet;
mod rows;
pub mod scan;
pub mod tables;

pub use rows::write_rejected;
pub(crate) use rows::{edit_op_row, relation_row};
pub(crate) use rows::{no_dir, RoundedScores};

pub use copydesk_report::{
    commit, html, json, names, round, EditOp, OutputFile, Relation, StageJob, StagedOutputs,
    TableFormat, Timings,
};
