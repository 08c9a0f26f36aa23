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
pub mod scan;
pub mod tables;

pub use copydesk_report::{
    commit, html, json, names, round, EditOp, OutputFile, Relation, StageJob, StagedOutputs,
    TableFormat, Timings,
};

/// A pair's relation as the outputs name it.
pub fn relation_row(relation: crate::dedup::Relation) -> Relation {
    match relation {
        crate::dedup::Relation::Exact => Relation::Exact,
        crate::dedup::Relation::NearExact => Relation::NearExact,
        crate::dedup::Relation::Excerpt => Relation::Excerpt,
        crate::dedup::Relation::Rewrite => Relation::Rewrite,
        crate::dedup::Relation::Partial => Relation::Partial,
    }
}

/// An edit's kind as the outputs name it.
pub fn edit_op_row(op: crate::rewrite::EditOp) -> EditOp {
    match op {
        crate::rewrite::EditOp::Replace => EditOp::Replace,
        crate::rewrite::EditOp::Insert => EditOp::Insert,
        crate::rewrite::EditOp::Delete => EditOp::Delete,
    }
}
