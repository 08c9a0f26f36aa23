//! Clusters: connected components over copy relations, with a guard against
//! composites.
//!
//! `Exact`, `Rewrite` and clear `NearExact` pairs (Jaccard above one half)
//! join clusters outright. An `Excerpt` pair, or a weaker near-exact one, joins
//! them only when the shared text belongs to the story the
//! containing document is already about: its best strong mate (the document it
//! is a near-copy of), or, when it has none, the excerpt that covers most of it.
//! So an article stitched from stories A and B, or wire copy A extended with
//! paragraphs of B, joins A's cluster while its link to B stays a `Partial`
//! pair, and A's and B's clusters do not merge.

use super::verify::{intersection_size, verify};
use super::{classify, Cluster, Clustering, DedupConfig, Pair, Relation, Sketch};

/// Share of an excerpt link's shared shingles that must also be in the
/// container's story for the link to join clusters.
pub const STORY_SHARE: f64 = 0.5;

/// Union-find with path halving and union by size.
#[derive(Debug, Clone)]
pub(super) struct UnionFind {
    parent: Vec<u32>,
    size: Vec<u32>,
}

impl UnionFind {
    pub(super) fn new(n: usize) -> UnionFind {
        UnionFind {
            parent: (0..n as u32).collect(),
            size: vec![1; n],
        }
    }

    pub(super) fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let grandparent = self.parent[self.parent[x as usize] as usize];
            self.parent[x as usize] = grandparent;
            x = grandparent;
        }
        x
    }

    pub(super) fn union(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return;
        }
        let (big, small) = if self.size[ra as usize] >= self.size[rb as usize] {
            (ra, rb)
        } else {
            (rb, ra)
        };
        self.parent[small as usize] = big;
        self.size[big as usize] += self.size[small as usize];
    }
}

/// Jaccard above which a near-exact pair joins clusters outright. Above one
/// half, a document cannot be that close to two disjoint stories at once; at or
/// below it (a balanced composite is at exactly one half with each of its
/// stories) the pair goes through the same story check as an excerpt.
pub const OUTRIGHT_JACCARD: f64 = 0.5;

fn joins_outright(pair: &Pair) -> bool {
    match pair.relation {
        Relation::Exact | Relation::Rewrite => true,
        Relation::NearExact => pair.overlap.jaccard > OUTRIGHT_JACCARD,
        Relation::Excerpt | Relation::Partial => false,
    }
}

fn needs_story_check(pair: &Pair) -> bool {
    matches!(pair.relation, Relation::Excerpt | Relation::NearExact) && !joins_outright(pair)
}

/// Connected components over copy relations. `rank[i]` orders documents as
/// representative candidates (lower is preferred, ties by index). Excerpt pairs
/// whose shared text lies outside the containing document's story are
/// downgraded to `Partial` in `pairs`.
pub fn cluster(pairs: &mut [Pair], sketches: &[Sketch], rank: &[u64]) -> Clustering {
    let num_docs = sketches.len();
    let mut components = UnionFind::new(num_docs);
    // Best strong mate of each document: highest Jaccard, ties to the lower index.
    let mut best_mate: Vec<Option<(f64, u32)>> = vec![None; num_docs];
    for pair in pairs.iter().filter(|p| joins_outright(p)) {
        components.union(pair.a, pair.b);
        for (doc, mate) in [(pair.a, pair.b), (pair.b, pair.a)] {
            let candidate = (pair.overlap.jaccard, mate);
            let better = match best_mate[doc as usize] {
                None => true,
                Some((jaccard, current)) => {
                    candidate.0 > jaccard || (candidate.0 == jaccard && mate < current)
                }
            };
            if better {
                best_mate[doc as usize] = Some(candidate);
            }
        }
    }

    // Excerpt links (and near-exact links too weak to join outright) grouped by
    // their container: the side less covered by the other (the one carrying
    // more text of its own).
    let mut excerpts: Vec<(u32, u32, f64, usize)> = pairs
        .iter()
        .enumerate()
        .filter(|(_, p)| needs_story_check(p))
        .map(|(index, p)| {
            let [a_in_b, b_in_a] = p.overlap.containment;
            if a_in_b < b_in_a || (a_in_b == b_in_a && p.a > p.b) {
                // a is less covered by b than b by a: a contains b.
                (p.a, p.b, a_in_b, index)
            } else {
                (p.b, p.a, b_in_a, index)
            }
        })
        .collect();
    // Per container, the child covering most of it first.
    excerpts.sort_by(|x, y| x.0.cmp(&y.0).then(y.2.total_cmp(&x.2)).then(x.1.cmp(&y.1)));
    let mut joins = Vec::new();
    let mut shared = Vec::new();
    for group in excerpts.chunk_by(|x, y| x.0 == y.0) {
        let container = group[0].0;
        let story = best_mate[container as usize]
            .map(|(_, mate)| mate)
            .unwrap_or(group[0].1);
        for &(_, child, _, index) in group {
            let in_story = child == story || components.find(child) == components.find(story) || {
                shared.clear();
                intersect_into(
                    &sketches[child as usize].shingles,
                    &sketches[container as usize].shingles,
                    &mut shared,
                );
                let in_story = intersection_size(&shared, &sketches[story as usize].shingles);
                in_story as f64 >= STORY_SHARE * shared.len() as f64
            };
            if in_story {
                joins.push((child, container));
            } else {
                pairs[index].relation = Relation::Partial;
            }
        }
    }
    for (a, b) in joins {
        components.union(a, b);
    }

    // Number clusters by their first member in input order.
    let mut cluster_of = vec![None; num_docs];
    let mut clusters: Vec<Cluster> = Vec::new();
    let mut number_of_root: std::collections::HashMap<u32, u32> = Default::default();
    let mut sizes = vec![0u32; num_docs];
    for doc in 0..num_docs as u32 {
        sizes[components.find(doc) as usize] += 1;
    }
    for doc in 0..num_docs as u32 {
        let root = components.find(doc);
        if sizes[root as usize] < 2 {
            continue;
        }
        let number = *number_of_root.entry(root).or_insert_with(|| {
            clusters.push(Cluster {
                representative: doc,
                members: Vec::new(),
            });
            (clusters.len() - 1) as u32
        });
        let cluster = &mut clusters[number as usize];
        cluster.members.push(doc);
        let current = cluster.representative;
        if (rank[doc as usize], doc) < (rank[current as usize], current) {
            cluster.representative = doc;
        }
        cluster_of[doc as usize] = Some(number);
    }
    Clustering {
        cluster_of,
        clusters,
    }
}

fn intersect_into(a: &[u64], b: &[u64], out: &mut Vec<u64>) {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
}

/// Each document's relation to its cluster's representative: the relation
/// their shingles show directly when it is a copy relation, otherwise
/// `Rewrite` when the document joined through a rewrite link, otherwise
/// `Partial` (it joined through other members). `None` for the representative
/// itself and for documents in no cluster.
pub fn member_relations(
    clustering: &Clustering,
    sketches: &[Sketch],
    pairs: &[Pair],
    config: &DedupConfig,
) -> Vec<Option<Relation>> {
    let mut joined_by_rewrite = vec![false; sketches.len()];
    for pair in pairs.iter().filter(|p| p.relation == Relation::Rewrite) {
        joined_by_rewrite[pair.a as usize] = true;
        joined_by_rewrite[pair.b as usize] = true;
    }
    let mut relations = vec![None; sketches.len()];
    for cluster in &clustering.clusters {
        let rep = cluster.representative as usize;
        for &member in &cluster.members {
            let member = member as usize;
            if member == rep {
                continue;
            }
            let overlap = verify(&sketches[member], &sketches[rep]);
            let direct = classify(&sketches[member], &sketches[rep], &overlap, config);
            relations[member] = Some(match direct {
                Some(relation @ (Relation::Exact | Relation::NearExact | Relation::Excerpt)) => {
                    relation
                }
                _ if joined_by_rewrite[member] => Relation::Rewrite,
                _ => Relation::Partial,
            });
        }
    }
    relations
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dedup::Overlap;

    fn sketch(ranges: &[(u64, u64)]) -> Sketch {
        let mut shingles: Vec<u64> = ranges.iter().flat_map(|&(from, to)| from..to).collect();
        shingles.sort_unstable();
        shingles.dedup();
        Sketch {
            exact_key: shingles.iter().sum(),
            shingles,
            signature: Vec::new(),
        }
    }

    fn pairs_of(sketches: &[Sketch]) -> Vec<Pair> {
        let config = DedupConfig::default();
        let mut pairs = Vec::new();
        for a in 0..sketches.len() {
            for b in a + 1..sketches.len() {
                let overlap: Overlap = verify(&sketches[a], &sketches[b]);
                if let Some(relation) = classify(&sketches[a], &sketches[b], &overlap, &config) {
                    pairs.push(Pair {
                        a: a as u32,
                        b: b as u32,
                        overlap,
                        relation,
                    });
                }
            }
        }
        pairs
    }

    fn groups(clustering: &Clustering) -> Vec<Vec<u32>> {
        clustering
            .clusters
            .iter()
            .map(|c| c.members.clone())
            .collect()
    }

    #[test]
    fn a_composite_does_not_merge_two_stories() {
        // 0: story A, 1: story B, 2: A and B stitched together, 3: a copy of A.
        let sketches = vec![
            sketch(&[(0, 100)]),
            sketch(&[(1000, 1100)]),
            sketch(&[(0, 100), (1000, 1100)]),
            sketch(&[(0, 95)]),
        ];
        let mut pairs = pairs_of(&sketches);
        let clustering = cluster(&mut pairs, &sketches, &[0, 0, 0, 0]);
        assert_eq!(groups(&clustering), vec![vec![0, 2, 3]]);
        let b_to_composite = pairs.iter().find(|p| (p.a, p.b) == (1, 2)).unwrap();
        assert_eq!(b_to_composite.relation, Relation::Partial);
    }

    #[test]
    fn a_story_extended_with_paragraphs_of_another_stays_with_its_story() {
        // 2 is story 0 plus a third of story 1; 3 is a near copy of 1.
        let sketches = vec![
            sketch(&[(0, 100)]),
            sketch(&[(1000, 1060)]),
            sketch(&[(0, 100), (1000, 1040)]),
            sketch(&[(1000, 1058)]),
        ];
        let mut pairs = pairs_of(&sketches);
        let clustering = cluster(&mut pairs, &sketches, &[0; 4]);
        assert_eq!(groups(&clustering), vec![vec![0, 2], vec![1, 3]]);
    }

    #[test]
    fn trimmed_and_excerpted_copies_join_their_source() {
        // 0: source, 1: its wire copy, 2: trimmed to the top, 3: a middle excerpt.
        let sketches = vec![
            sketch(&[(0, 200)]),
            sketch(&[(0, 200), (5000, 5005)]),
            sketch(&[(0, 60)]),
            sketch(&[(80, 140), (9000, 9030)]),
        ];
        let mut pairs = pairs_of(&sketches);
        let rank: Vec<u64> = sketches
            .iter()
            .map(|s| u64::MAX - s.shingles.len() as u64)
            .collect();
        let clustering = cluster(&mut pairs, &sketches, &rank);
        assert_eq!(groups(&clustering), vec![vec![0, 1, 2, 3]]);
        assert_eq!(clustering.clusters[0].representative, 1);
        let relations = member_relations(&clustering, &sketches, &pairs, &DedupConfig::default());
        assert_eq!(relations[1], None);
        assert_eq!(relations[0], Some(Relation::NearExact));
        assert_eq!(relations[2], Some(Relation::Excerpt));
    }

    #[test]
    fn representative_follows_rank_then_index() {
        let sketches = vec![sketch(&[(0, 50)]), sketch(&[(0, 50)]), sketch(&[(0, 50)])];
        let mut pairs = pairs_of(&sketches);
        let clustering = cluster(&mut pairs, &sketches, &[5, 1, 1]);
        assert_eq!(clustering.clusters[0].representative, 1);
        assert_eq!(clustering.cluster_of, vec![Some(0), Some(0), Some(0)]);
    }
}
