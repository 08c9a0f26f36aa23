//! Clusters: connected components over copy relations, with a guard against
//! composites.
//!
//! `Exact`, `Rewrite` and clear `NearExact` pairs (Jaccard above one half)
//! join clusters outright. A weak link (an `Excerpt`, or a near-exact pair at
//! or below one half) joins them only when, on both sides, the shared text
//! belongs to the story that document is already about. A document's story is
//! its best strong mate (the document it is a near-copy of); a document with no
//! mate but made mostly of two or more other stories (a composite) takes the
//! one covering most of it. So wire copy A extended with paragraphs of B, or an
//! article stitched from A and B, joins A's cluster while its link to B stays a
//! `Partial` pair, and A's and B's clusters do not merge; trimmed copies and
//! excerpts of A still join A.

use super::verify::{intersection_size, verify};
use super::{classify, Cluster, Clustering, DedupConfig, Overlap, Pair, Relation, Sketch};
use rayon::prelude::*;

/// Share of a document that weak links to two or more stories must cover
/// together for the document to count as a composite of those stories.
pub(crate) const COMPOSITE_COVERAGE: f64 = 0.8;

/// Share of a weak link's shared shingles that must also be in the document's
/// story for the link to join clusters. Text of two different stories shares
/// almost no five-word shingles, while an OCR-noisy or edited copy of the story
/// keeps only half of them, hence a low bar.
pub(crate) const STORY_SHARE: f64 = 0.25;

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
pub(crate) const OUTRIGHT_JACCARD: f64 = 0.5;

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

/// Bits of a rank below the part that comes before every other rule: a rank
/// at or above `1 << PRIMARY_RANK_SHIFT` (`--prefer quality` puts the quality
/// there) outranks the foreign-text rule of [`cluster`]; ranks below it (the
/// other preferences) come after that rule.
pub const PRIMARY_RANK_SHIFT: u32 = 48;

/// Connected components over copy relations. `rank[i]` orders documents as
/// representative candidates (lower is preferred, ties by index), after
/// members with no partial link to another cluster: a composite or extended
/// copy is not chosen while a plain copy of the story is there (unless the
/// rank says otherwise in its bits from [`PRIMARY_RANK_SHIFT`] up). Excerpt
/// pairs whose shared text lies outside the containing document's story are
/// downgraded to `Partial` in `pairs`.
///
/// Clusters are numbered in order of their lowest member index, members in
/// index order: a caller that indexes documents in an order of their own
/// (the pipeline uses id order) gets clusters that depend on nothing else.
pub fn cluster(pairs: &mut [Pair], sketches: &[Sketch], rank: &[u64]) -> Clustering {
    cluster_ranked(pairs, sketches, |_| rank.to_vec())
}

/// [`cluster`] with ranks computed once the components are known: `rank`
/// gets each document's cluster number (`None` outside clusters) and gives
/// every document's rank, so a costly preference (quality scores) needs
/// computing for clustered documents only.
pub fn cluster_ranked(
    pairs: &mut [Pair],
    sketches: &[Sketch],
    rank: impl FnOnce(&[Option<u32>]) -> Vec<u64>,
) -> Clustering {
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

    // Each document's story: its best strong mate; or, when it has none but
    // weak links to two or more stories that together make up most of it (a
    // composite), the weak partner covering most of it. A document with
    // neither keeps no story and accepts every weak link: it is a source that
    // others quote.
    let weak: Vec<usize> = (0..pairs.len())
        .filter(|&i| needs_story_check(&pairs[i]))
        .collect();
    let mut story: Vec<Option<u32>> = best_mate.iter().map(|m| m.map(|(_, mate)| mate)).collect();
    let mut links: Vec<(u32, u32, f64)> = Vec::with_capacity(weak.len() * 2);
    for &i in &weak {
        let p = &pairs[i];
        links.push((p.a, p.b, p.overlap.containment[0]));
        links.push((p.b, p.a, p.overlap.containment[1]));
    }
    // Per document, partners by the share of the document they cover, largest first.
    // A total order (partners are distinct per document), so unstable is exact.
    links.sort_unstable_by(|x, y| x.0.cmp(&y.0).then(y.2.total_cmp(&x.2)).then(x.1.cmp(&y.1)));
    // Components do not change until the story checks are done, so a
    // snapshot of every root lets the checks run in parallel.
    let root: Vec<u32> = (0..num_docs as u32)
        .map(|doc| components.find(doc))
        .collect();
    let groups: Vec<&[(u32, u32, f64)]> = links.chunk_by(|x, y| x.0 == y.0).collect();
    let composites: Vec<(u32, u32)> = groups
        .par_iter()
        .map_init(Vec::new, |shared, group| {
            let doc = group[0].0;
            if story[doc as usize].is_some() {
                return None;
            }
            // A composite: the top partner and another story whose text in this
            // document lies outside the top partner's, together covering most of it.
            let (_, top, top_share) = group[0];
            let top_component = root[top as usize];
            group[1..]
                .iter()
                .any(|&(_, partner, share)| {
                    top_share + share >= COMPOSITE_COVERAGE
                        && root[partner as usize] != top_component
                        && !shares_story(sketches, doc, partner, top, shared)
                })
                .then_some((doc, top))
        })
        .flatten()
        .collect();
    for (doc, top) in composites {
        story[doc as usize] = Some(top);
    }
    let fits_story = |doc: u32, partner: u32, shared: &mut Vec<u64>| -> bool {
        let Some(home) = story[doc as usize] else {
            return true;
        };
        partner == home
            || root[partner as usize] == root[home as usize]
            || shares_story(sketches, doc, partner, home, shared)
    };
    let fits: Vec<bool> = weak
        .par_iter()
        .map_init(Vec::new, |shared, &i| {
            let (a, b) = (pairs[i].a, pairs[i].b);
            fits_story(a, b, shared) && fits_story(b, a, shared)
        })
        .collect();
    for (&i, fits) in weak.iter().zip(fits) {
        if fits {
            components.union(pairs[i].a, pairs[i].b);
        } else {
            pairs[i].relation = Relation::Partial;
        }
    }

    // A member carrying text of another story (a composite, an extended copy)
    // is a poor representative: prefer members without such partial links.
    let mut carries_foreign_text = vec![false; num_docs];
    for pair in pairs.iter().filter(|p| p.relation == Relation::Partial) {
        if components.find(pair.a) != components.find(pair.b) {
            carries_foreign_text[pair.a as usize] = true;
            carries_foreign_text[pair.b as usize] = true;
        }
    }
    // Number clusters by their first member in index order.
    let root: Vec<u32> = (0..num_docs as u32)
        .map(|doc| components.find(doc))
        .collect();
    let mut cluster_of = vec![None; num_docs];
    let mut clusters: Vec<Cluster> = Vec::new();
    let mut number_of_root = vec![u32::MAX; num_docs];
    let mut sizes = vec![0u32; num_docs];
    for &root in &root {
        sizes[root as usize] += 1;
    }
    for doc in 0..num_docs as u32 {
        let root = root[doc as usize] as usize;
        if sizes[root] < 2 {
            continue;
        }
        if number_of_root[root] == u32::MAX {
            number_of_root[root] = clusters.len() as u32;
            clusters.push(Cluster {
                representative: doc,
                members: Vec::with_capacity(sizes[root] as usize),
                by_preference: Vec::new(),
            });
        }
        let number = number_of_root[root];
        clusters[number as usize].members.push(doc);
        cluster_of[doc as usize] = Some(number);
    }
    let rank = rank(&cluster_of);
    let preference = |doc: u32| {
        let rank = rank[doc as usize];
        (
            rank >> PRIMARY_RANK_SHIFT,
            carries_foreign_text[doc as usize],
            rank,
            doc,
        )
    };
    for cluster in &mut clusters {
        let mut by_preference = cluster.members.clone();
        // Keys are distinct (they end with the document), so unstable is exact.
        by_preference.sort_unstable_by_key(|&doc| preference(doc));
        cluster.representative = by_preference[0];
        cluster.by_preference = by_preference;
    }
    Clustering {
        cluster_of,
        clusters,
    }
}

/// Whether the text `doc` shares with `partner` is mostly also in `home`.
fn shares_story(
    sketches: &[Sketch],
    doc: u32,
    partner: u32,
    home: u32,
    shared: &mut Vec<u64>,
) -> bool {
    shared.clear();
    intersect_into(
        &sketches[doc as usize].shingles,
        &sketches[partner as usize].shingles,
        shared,
    );
    let in_home = intersection_size(shared, &sketches[home as usize].shingles);
    in_home as f64 >= STORY_SHARE * shared.len() as f64
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
/// itself and for documents in no cluster. Each comes with the exact overlap
/// of the member's shingles (first) with the representative's.
pub fn member_relations(
    clustering: &Clustering,
    sketches: &[Sketch],
    pairs: &[Pair],
    config: &DedupConfig,
) -> Vec<Option<(Relation, Overlap)>> {
    let mut joined_by_rewrite = vec![false; sketches.len()];
    for pair in pairs.iter().filter(|p| p.relation == Relation::Rewrite) {
        joined_by_rewrite[pair.a as usize] = true;
        joined_by_rewrite[pair.b as usize] = true;
    }
    let per_cluster: Vec<Vec<(usize, Relation, Overlap)>> = clustering
        .clusters
        .par_iter()
        .map(|cluster| {
            let rep = cluster.representative as usize;
            cluster
                .members
                .iter()
                .map(|&member| member as usize)
                .filter(|&member| member != rep)
                .map(|member| {
                    // Most members are paired with their representative
                    // already: reuse that pair's overlap.
                    let key = (member.min(rep) as u32, member.max(rep) as u32);
                    let overlap = match pairs.binary_search_by(|p| (p.a, p.b).cmp(&key)) {
                        Ok(index) => {
                            let overlap = pairs[index].overlap;
                            if member < rep {
                                overlap
                            } else {
                                Overlap {
                                    jaccard: overlap.jaccard,
                                    containment: [overlap.containment[1], overlap.containment[0]],
                                }
                            }
                        }
                        Err(_) => verify(&sketches[member], &sketches[rep]),
                    };
                    let direct = classify(&sketches[member], &sketches[rep], &overlap, config);
                    let relation = match direct {
                        Some(
                            relation @ (Relation::Exact | Relation::NearExact | Relation::Excerpt),
                        ) => relation,
                        _ if joined_by_rewrite[member] => Relation::Rewrite,
                        _ => Relation::Partial,
                    };
                    (member, relation, overlap)
                })
                .collect()
        })
        .collect();
    let mut relations = vec![None; sketches.len()];
    for (member, relation, overlap) in per_cluster.into_iter().flatten() {
        relations[member] = Some((relation, overlap));
    }
    relations
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Overlap;

    fn sketch(ranges: &[(u64, u64)]) -> Sketch {
        let mut shingles: Vec<u64> = ranges.iter().flat_map(|&(from, to)| from..to).collect();
        shingles.sort_unstable();
        shingles.dedup();
        Sketch {
            exact_key: shingles.iter().sum(),
            shingles,
            band_keys: Vec::new(),
        }
    }

    fn pairs_of(sketches: &[Sketch]) -> Vec<Pair> {
        pairs_at(sketches, DedupConfig::default().containment_threshold)
    }

    fn pairs_at(sketches: &[Sketch], containment_threshold: f64) -> Vec<Pair> {
        let config = DedupConfig {
            containment_threshold,
            ..DedupConfig::default()
        };
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
    fn a_short_story_padded_with_a_long_one_stays_with_the_short_one() {
        // 2 is story 0 plus a tenth of the long story 1: a third of 2 comes
        // from 1, which looks like an excerpt of 1 from 1's side.
        let sketches = vec![
            sketch(&[(0, 70)]),
            sketch(&[(1000, 1400)]),
            sketch(&[(0, 70), (1000, 1033)]),
        ];
        let mut pairs = pairs_at(&sketches, 0.3);
        let clustering = cluster(&mut pairs, &sketches, &[0; 3]);
        assert_eq!(groups(&clustering), vec![vec![0, 2]]);
    }

    #[test]
    fn two_disjoint_excerpts_of_an_uncopied_source_both_join_it() {
        let sketches = vec![
            sketch(&[(0, 300)]),
            sketch(&[(0, 100)]),
            sketch(&[(150, 250), (7000, 7040)]),
        ];
        let mut pairs = pairs_at(&sketches, 0.3);
        let clustering = cluster(&mut pairs, &sketches, &[0; 3]);
        assert_eq!(groups(&clustering), vec![vec![0, 1, 2]]);
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
        assert_eq!(relations[0].map(|r| r.0), Some(Relation::NearExact));
        assert_eq!(relations[2].map(|r| r.0), Some(Relation::Excerpt));
        // The overlap is read from the member's side.
        let (_, overlap) = relations[2].unwrap();
        assert_eq!(overlap, verify(&sketches[2], &sketches[1]));
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
