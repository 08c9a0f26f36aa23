//! Exact verification of candidate pairs.
use super::{DedupConfig, Overlap, Relation, Sketch};

/// Exact Jaccard and containment of two shingle sets.
pub fn verify(a: &Sketch, b: &Sketch) -> Overlap {
    let _ = (a, b);
    todo!()
}

/// The relation a verified pair qualifies for, if any.
pub fn classify(
    a: &Sketch,
    b: &Sketch,
    overlap: &Overlap,
    config: &DedupConfig,
) -> Option<Relation> {
    let _ = (a, b, overlap, config);
    todo!()
}
