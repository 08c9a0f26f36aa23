//! The view model the page's script draws from: the selection of clusters,
//! pairs and flagged documents under [`ReportLimits`](super::ReportLimits),
//! each document inlined once, every offset in UTF-16 code units.

use super::strings::{cut_point, utf16_offsets};
use super::{ReportCluster, ReportFlag, ReportInput, ReportPair};
use crate::{EditOp, Relation};
use copydesk_text::HashKeyedSet;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};
use xxhash_rust::xxh3::xxh3_64;
#[derive(Serialize)]
pub(super) struct PageData<'a> {
    pub(super) docs: Vec<DocData<'a>>,
    pub(super) pairs: Vec<PairData>,
    pub(super) clusters: Vec<ClusterData>,
    pub(super) flagged: Vec<usize>,
    pub(super) relations: Vec<&'a str>,
    pub(super) categories: Vec<&'a str>,
    pub(super) totals: Totals,
    pub(super) files: FilesData,
    pub(super) limits: LimitsData,
}

#[derive(Serialize)]
pub(super) struct DocData<'a> {
    pub(super) id: &'a str,
    pub(super) text: &'a str,
    /// Full text length in UTF-16 units when the text was cut, else null.
    pub(super) cut_from: Option<usize>,
    pub(super) cluster: Option<u64>,
    pub(super) dup: Option<&'a str>,
    pub(super) rel: Option<&'a str>,
    pub(super) scores: Option<[f64; 3]>,
    pub(super) flags: Vec<FlagData<'a>>,
}

#[derive(Serialize)]
pub(super) struct FlagData<'a> {
    pub(super) rule: &'a str,
    pub(super) cat: &'a str,
    /// UTF-16 span in the inlined text; null when it lies beyond the cut or
    /// the flag is about the whole document.
    pub(super) span: Option<[usize; 2]>,
    /// A document-level flag: listed, not highlighted.
    pub(super) whole: bool,
    pub(super) text: &'a str,
    pub(super) msg: &'a str,
    pub(super) score: f64,
}

/// A pair oriented for display: `left` is the cluster's representative.
#[derive(Serialize)]
pub(super) struct PairData {
    pub(super) left: usize,
    pub(super) right: usize,
    pub(super) jaccard: f64,
    /// [share of left in right, share of right in left].
    pub(super) containment: [f64; 2],
    pub(super) rel: String,
    pub(super) similarity: Option<f64>,
    /// "left", "right" or null.
    pub(super) source: Option<&'static str>,
    /// [op, left start, left end, right start, right end]; op 0 replace,
    /// 1 insert (only in right), 2 delete (only in left).
    pub(super) edits: Vec<[usize; 5]>,
    /// Edits of the pair that lie beyond the inlined texts.
    pub(super) edits_cut: usize,
}

#[derive(Serialize)]
pub(super) struct ClusterData {
    pub(super) id: u64,
    pub(super) size: usize,
    pub(super) rep: usize,
    pub(super) members: Vec<MemberData>,
    pub(super) more: usize,
}

#[derive(Serialize)]
pub(super) struct MemberData {
    pub(super) doc: usize,
    pub(super) pair: Option<usize>,
}

#[derive(Serialize)]
pub(super) struct Totals {
    pub(super) documents: usize,
    pub(super) clusters: usize,
    pub(super) clusters_shown: usize,
    pub(super) flagged: usize,
    pub(super) flagged_shown: usize,
    pub(super) pairs: usize,
}

#[derive(Serialize)]
pub(super) struct FilesData {
    pub(super) directory: String,
    pub(super) documents: String,
    pub(super) pairs: String,
    pub(super) clusters: String,
}

#[derive(Serialize)]
pub(super) struct LimitsData {
    pub(super) max_text_bytes: usize,
}

/// Collects the documents the page needs, once each, in first-use order.
pub(super) struct DocTable<'i, 'a> {
    pub(super) input: &'i ReportInput<'a>,
    pub(super) by_id: HashMap<&'a str, usize>,
    pub(super) slots: HashMap<usize, usize>,
    /// Slots of ids named by clusters or pairs but absent from the documents.
    pub(super) unknown: HashMap<&'a str, usize>,
    pub(super) docs: Vec<DocData<'a>>,
    /// For each inlined doc: cut length in bytes of its text.
    pub(super) cut_bytes: Vec<usize>,
}

impl<'i, 'a> DocTable<'i, 'a> {
    fn new(input: &'i ReportInput<'a>) -> Self {
        let mut by_id = HashMap::with_capacity(input.documents.len());
        for (index, document) in input.documents.iter().enumerate() {
            // Ids should be unique; if not, the first document keeps the id.
            by_id.entry(document.id).or_insert(index);
        }
        DocTable {
            input,
            by_id,
            slots: HashMap::new(),
            unknown: HashMap::new(),
            docs: Vec::new(),
            cut_bytes: Vec::new(),
        }
    }

    /// Slot of the document with `id` in the page's table, adding it on first
    /// use. A cluster or pair may name an id that is not among the documents
    /// (a caller's inconsistency); it then shows with an empty text.
    fn slot_of_id(&mut self, id: &'a str) -> usize {
        if let Some(&index) = self.by_id.get(id) {
            return self.slot(index);
        }
        if let Some(&slot) = self.unknown.get(id) {
            return slot;
        }
        let slot = self.docs.len();
        self.docs.push(DocData {
            id,
            text: "",
            cut_from: None,
            cluster: None,
            dup: None,
            rel: None,
            scores: None,
            flags: Vec::new(),
        });
        self.cut_bytes.push(0);
        self.unknown.insert(id, slot);
        slot
    }

    /// Display priority of a cluster member by its relation (stable sort key).
    fn relation_rank(&self, id: &str) -> u8 {
        let relation = self
            .by_id
            .get(id)
            .and_then(|&index| self.input.documents[index].relation);
        match relation {
            Some(Relation::Rewrite) => 0,
            Some(Relation::Excerpt) => 1,
            Some(Relation::Partial) => 2,
            Some(Relation::NearExact) => 3,
            Some(Relation::Exact) => 4,
            None => 5,
        }
    }

    fn slot(&mut self, index: usize) -> usize {
        if let Some(&slot) = self.slots.get(&index) {
            return slot;
        }
        let document = &self.input.documents[index];
        let cut = cut_point(document.text, self.input.limits.max_text_bytes);
        let text = &document.text[..cut];
        let cut_from = (cut < document.text.len()).then(|| utf16_len(document.text));

        let mut flags: Vec<&ReportFlag> = document.flags.iter().collect();
        flags.sort_by(|x, y| x.start.cmp(&y.start).then(x.end.cmp(&y.end)));
        let bounds: Vec<usize> = flags
            .iter()
            .flat_map(|f| [f.start.min(cut), f.end.min(cut)])
            .collect();
        let units = utf16_offsets(text, &bounds);
        let flags = flags
            .iter()
            .enumerate()
            .map(|(i, flag)| {
                let (start, end) = (units[2 * i], units[2 * i + 1]);
                let whole = covers_document(flag, document.text.len());
                let shown = !whole && flag.start < cut && flag.start <= flag.end;
                FlagData {
                    rule: flag.rule,
                    cat: flag.category,
                    span: shown.then_some([start, end]),
                    whole,
                    text: if whole {
                        ""
                    } else {
                        span_text(document.text, flag.start, flag.end)
                    },
                    msg: flag.message,
                    score: finite_or(flag.score, 0.0),
                }
            })
            .collect();
        let slot = self.docs.len();
        self.docs.push(DocData {
            id: document.id,
            text,
            cut_from,
            cluster: document.cluster,
            dup: document.duplicate_of,
            rel: document.relation.map(Relation::as_str),
            scores: document.scores.map(|s| {
                [
                    finite_or(s.quality, 1.0),
                    finite_or(s.spin, 0.0),
                    finite_or(s.incoherence, 0.0),
                ]
            }),
            flags,
        });
        self.cut_bytes.push(cut);
        self.slots.insert(index, slot);
        slot
    }
}

/// Document-level flags (training-data heuristics) span the whole text;
/// highlighting them would paint over every span flag, so they are listed instead.
pub(super) fn covers_document(flag: &ReportFlag, text_len: usize) -> bool {
    let covered = flag.end.min(text_len).saturating_sub(flag.start);
    text_len > 0 && covered * 20 >= text_len * 19
}

pub(super) fn finite_or(value: f64, fallback: f64) -> f64 {
    if value.is_finite() {
        value
    } else {
        fallback
    }
}

pub(super) fn utf16_len(text: &str) -> usize {
    text.chars().map(char::len_utf16).sum()
}

/// The text of a span, or "" when the span is not a valid range of `text`.
pub(super) fn span_text(text: &str, start: usize, end: usize) -> &str {
    text.get(start..end).unwrap_or("")
}

impl<'a> PageData<'a> {
    pub(super) fn build<'i>(input: &'i ReportInput<'a>) -> PageData<'a> {
        let limits = input.limits;
        let mut table = DocTable::new(input);

        // Largest clusters first; ties by cluster number so output is stable.
        let mut cluster_order: Vec<&ReportCluster> = input.clusters.iter().collect();
        cluster_order.sort_by(|x, y| {
            cluster_size(y)
                .cmp(&cluster_size(x))
                .then(x.cluster.cmp(&y.cluster))
        });

        // The shown members of the shown clusters, best to show first:
        // rewrites and excerpts have the most to show, exact copies the least.
        let shown: Vec<(&ReportCluster, Vec<&str>)> = cluster_order
            .iter()
            .take(limits.max_clusters)
            .map(|&cluster| {
                let mut others: Vec<&str> = cluster
                    .members
                    .iter()
                    .copied()
                    .filter(|&m| m != cluster.representative)
                    .collect();
                others.sort_by_key(|&id| table.relation_rank(id));
                (cluster, others)
            })
            .collect();
        let pair_index = pair_index(input, &shown, limits.max_members_per_cluster);

        let mut pairs = Vec::new();
        let mut clusters = Vec::new();
        for (cluster, others) in shown {
            let rep = table.slot_of_id(cluster.representative);
            let mut members = Vec::new();
            for &member in others.iter().take(limits.max_members_per_cluster) {
                let doc = table.slot_of_id(member);
                let pair = pair_index
                    .get(&(cluster.representative, member))
                    .map(|&index| {
                        pairs.push(orient_pair(&input.pairs[index], rep, doc, &table));
                        pairs.len() - 1
                    });
                members.push(MemberData { doc, pair });
            }
            clusters.push(ClusterData {
                id: cluster.cluster,
                size: cluster_size(cluster),
                rep,
                more: others.len().saturating_sub(members.len()),
                members,
            });
        }

        // Worst first: lowest quality, then most flags, then input order.
        let mut flagged_order: Vec<usize> = (0..input.documents.len())
            .filter(|&i| !input.documents[i].flags.is_empty())
            .collect();
        let quality = |i: usize| {
            input.documents[i]
                .scores
                .map_or(1.0, |s| finite_or(s.quality, 1.0))
        };
        flagged_order.sort_by(|&x, &y| {
            quality(x)
                .total_cmp(&quality(y))
                .then(
                    input.documents[y]
                        .flags
                        .len()
                        .cmp(&input.documents[x].flags.len()),
                )
                .then(x.cmp(&y))
        });
        let flagged_total = flagged_order.len();
        let flagged: Vec<usize> = flagged_order
            .into_iter()
            .take(limits.max_flagged)
            .map(|i| table.slot(i))
            .collect();

        let relations: BTreeSet<&str> = input
            .documents
            .iter()
            .filter_map(|d| d.relation)
            .chain(input.pairs.iter().map(|p| p.relation))
            .map(Relation::as_str)
            .collect();
        let categories: BTreeSet<&str> = input
            .documents
            .iter()
            .flat_map(|d| d.flags.iter().map(|f| f.category))
            .collect();

        PageData {
            totals: Totals {
                documents: input.documents.len(),
                clusters: input.clusters.len(),
                clusters_shown: clusters.len(),
                flagged: flagged_total,
                flagged_shown: flagged.len(),
                pairs: input.pairs.len(),
            },
            docs: table.docs,
            pairs,
            clusters,
            flagged,
            relations: relations.into_iter().collect(),
            categories: categories.into_iter().collect(),
            files: FilesData {
                directory: input.files.directory.clone(),
                documents: input.files.documents.clone(),
                pairs: input.files.pairs.clone(),
                clusters: input.files.clusters.clone(),
            },
            limits: LimitsData {
                max_text_bytes: limits.max_text_bytes,
            },
        }
    }
}

pub(super) fn cluster_size(cluster: &ReportCluster) -> usize {
    let listed = cluster.members.len();
    if cluster.members.contains(&cluster.representative) {
        listed
    } else {
        listed + 1
    }
}

/// The first pair (in input order, either way round) of each shown member
/// with its cluster's representative. Only those are looked up, among a
/// hundred thousand pairs or more: each pair's ids are hashed once (xxh3)
/// and looked up by that hash among the shown documents' ids, and only a
/// pair of two shown documents is looked up by its ids.
pub(super) fn pair_index<'a>(
    input: &ReportInput<'a>,
    shown: &[(&ReportCluster<'a>, Vec<&'a str>)],
    max_members: usize,
) -> HashMap<(&'a str, &'a str), usize> {
    let mut wanted: HashMap<(&str, &str), Option<usize>> = HashMap::new();
    let mut shown_ids = HashKeyedSet::default();
    for (cluster, others) in shown {
        shown_ids.insert(xxh3_64(cluster.representative.as_bytes()));
        for &member in others.iter().take(max_members) {
            shown_ids.insert(xxh3_64(member.as_bytes()));
            wanted.insert((cluster.representative, member), None);
        }
    }
    let is_shown = |id: &str| shown_ids.contains(&xxh3_64(id.as_bytes()));
    for (index, pair) in input.pairs.iter().enumerate() {
        if !(is_shown(pair.a) && is_shown(pair.b)) {
            continue;
        }
        for key in [(pair.a, pair.b), (pair.b, pair.a)] {
            if let Some(slot @ None) = wanted.get_mut(&key) {
                *slot = Some(index);
            }
        }
    }
    wanted
        .into_iter()
        .filter_map(|(key, index)| Some((key, index?)))
        .collect()
}

/// Turn a pair into display form with the representative (`left`) first:
/// when the representative is the pair's `b`, sides swap and so do inserts
/// and deletes. Spans are clipped to the inlined texts and converted to UTF-16.
pub(super) fn orient_pair(
    pair: &ReportPair,
    left: usize,
    right: usize,
    table: &DocTable,
) -> PairData {
    let left_id = table.docs[left].id;
    let swapped = pair.a != left_id;
    let (left_text, right_text) = (table.docs[left].text, table.docs[right].text);
    let (left_cut, right_cut) = (table.cut_bytes[left], table.cut_bytes[right]);

    let mut kept = Vec::new();
    let mut edits_cut = 0;
    for edit in &pair.edits {
        let (mut op, mut on_left, mut on_right) = match edit.op {
            EditOp::Insert => (1, edit.a, edit.b),
            EditOp::Delete => (2, edit.a, edit.b),
            EditOp::Replace => (0, edit.a, edit.b),
        };
        if swapped {
            std::mem::swap(&mut on_left, &mut on_right);
            op = match op {
                1 => 2,
                2 => 1,
                other => other,
            };
        }
        let valid = |span: [usize; 2], cut: usize| span[0] <= span[1] && span[1] <= cut;
        if valid(on_left, left_cut) && valid(on_right, right_cut) {
            kept.push((op, on_left, on_right));
        } else {
            edits_cut += 1;
        }
    }
    let left_bounds: Vec<usize> = kept.iter().flat_map(|e| e.1).collect();
    let right_bounds: Vec<usize> = kept.iter().flat_map(|e| e.2).collect();
    let left_units = utf16_offsets(left_text, &left_bounds);
    let right_units = utf16_offsets(right_text, &right_bounds);
    let edits = (0..kept.len())
        .map(|i| {
            [
                kept[i].0,
                left_units[2 * i],
                left_units[2 * i + 1],
                right_units[2 * i],
                right_units[2 * i + 1],
            ]
        })
        .collect();

    let containment = if swapped {
        [pair.containment[1], pair.containment[0]]
    } else {
        pair.containment
    };
    let source = pair.source.map(|id| {
        if id == left_id {
            "left"
        } else if id == table.docs[right].id {
            "right"
        } else {
            ""
        }
    });
    PairData {
        left,
        right,
        jaccard: finite_or(pair.jaccard, 0.0),
        containment: containment.map(|c| finite_or(c, 0.0)),
        rel: pair.relation.as_str().to_string(),
        similarity: pair.similarity.filter(|s| s.is_finite()),
        source: source.filter(|s| !s.is_empty()),
        edits,
        edits_cut,
    }
}
