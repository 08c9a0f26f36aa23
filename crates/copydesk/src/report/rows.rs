//! What every run's outputs share: rejected records, rounded scores, and the
//! stages' relations and edit kinds under the names the outputs use.

use super::{round, EditOp, Relation};
use crate::corpus::Rejected;
use crate::quality::Scores;
use serde::Serialize;
use std::io::{self, Write};

/// A pair's relation as the outputs name it.
pub(crate) fn relation_row(relation: crate::dedup::Relation) -> Relation {
    match relation {
        crate::dedup::Relation::Exact => Relation::Exact,
        crate::dedup::Relation::NearExact => Relation::NearExact,
        crate::dedup::Relation::Excerpt => Relation::Excerpt,
        crate::dedup::Relation::Rewrite => Relation::Rewrite,
        crate::dedup::Relation::Partial => Relation::Partial,
    }
}

/// An edit's kind as the outputs name it.
pub(crate) fn edit_op_row(op: crate::rewrite::EditOp) -> EditOp {
    match op {
        crate::rewrite::EditOp::Replace => EditOp::Replace,
        crate::rewrite::EditOp::Insert => EditOp::Insert,
        crate::rewrite::EditOp::Delete => EditOp::Delete,
    }
}

/// Document scores rounded for the outputs.
#[derive(Serialize)]
pub(crate) struct RoundedScores {
    quality: f64,
    spin: f64,
    incoherence: f64,
}

impl From<&Scores> for RoundedScores {
    fn from(s: &Scores) -> RoundedScores {
        RoundedScores {
            quality: round(s.quality, 4),
            spin: round(s.spin, 4),
            incoherence: round(s.incoherence, 4),
        }
    }
}

#[derive(Serialize)]
struct RejectedLine<'a> {
    file: &'a str,
    line: u64,
    /// For Parquet inputs, where `line` is the row in the file.
    #[serde(skip_serializing_if = "Option::is_none")]
    row_group: Option<u32>,
    reason: &'static str,
    message: String,
}

/// `rejected.jsonl`: each rejected record's file, line, reason code and message.
pub fn write_rejected(w: &mut impl Write, rejected: &[Rejected]) -> io::Result<()> {
    for rejected in rejected {
        let line = RejectedLine {
            file: &rejected.location.file,
            line: rejected.location.line,
            row_group: rejected.location.row_group,
            reason: rejected.reason.code(),
            message: rejected.reason.to_string(),
        };
        serde_json::to_writer(&mut *w, &line)?;
        w.write_all(b"\n")?;
    }
    Ok(())
}

/// The error of writing outputs that were not staged in a directory.
pub(crate) fn no_dir() -> crate::Error {
    crate::Error::Config("the outputs were not made by StagedOutputs::in_dir".to_owned())
}
