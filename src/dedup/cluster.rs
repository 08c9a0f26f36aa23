//! Clusters from kept pairs.
use super::{Clustering, DedupConfig, Pair, Relation, Sketch};

/// Connected components over copy relations. `rank[i]` orders candidates for
/// representative (lower is preferred, ties by index). Excerpt pairs that would
/// merge two different stories are downgraded to `Partial`.
pub fn cluster(pairs: &mut [Pair], num_docs: usize, rank: &[u64]) -> Clustering {
    let _ = (pairs, num_docs, rank);
    todo!()
}

/// Each document's relation to its cluster's representative.
pub fn member_relations(
    clustering: &Clustering,
    sketches: &[Sketch],
    pairs: &[Pair],
    config: &DedupConfig,
) -> Vec<Option<Relation>> {
    let _ = (clustering, sketches, pairs, config);
    todo!()
}
