//! Orders that decide ties: the representative preference of each document,
//! and the id order documents are indexed in while copies are found.

use super::{PairDetail, Prefer};
use crate::corpus;
use crate::dedup;
use rayon::prelude::*;

/// Added to the rank of a document found to be the spun side of a rewrite:
/// above every rank [`ranks`] gives (those fit in 32 bits).
pub(super) const SPUN_RANK: u64 = 1 << 40;

/// Representative preference per document: lower ranks win, ties go to the
/// earlier document. `Prefer::First` ranks by index (the pipeline gives
/// input positions instead), and `Prefer::Quality` gives the ranks of
/// `Prefer::Longest` (the pipeline adds a quality rank to them).
pub fn ranks(documents: &[corpus::Document], num_words: &[u32], prefer: Prefer) -> Vec<u64> {
    match prefer {
        Prefer::Longest | Prefer::Quality => {
            num_words.iter().map(|&w| u64::from(u32::MAX - w)).collect()
        }
        Prefer::First => (0..documents.len() as u64).collect(),
        Prefer::Earliest => {
            let mut order: Vec<u32> = (0..documents.len() as u32).collect();
            // Stable sort keeps index order among equal dates.
            order.sort_by(|&a, &b| {
                let (da, db) = (&documents[a as usize].date, &documents[b as usize].date);
                match (da, db) {
                    (Some(x), Some(y)) => x.cmp(y),
                    (Some(_), None) => std::cmp::Ordering::Less,
                    (None, Some(_)) => std::cmp::Ordering::Greater,
                    (None, None) => std::cmp::Ordering::Equal,
                }
            });
            let mut rank = vec![0u64; documents.len()];
            for (position, &doc) in order.iter().enumerate() {
                rank[doc as usize] = position as u64;
            }
            rank
        }
    }
}

/// Decimals of the quality scores that `--prefer quality` and the clean
/// corpus compare: those `documents.jsonl` shows.
pub const QUALITY_DIGITS: i32 = 4;

/// A quality score as `--prefer quality` compares it: rounded to
/// [`QUALITY_DIGITS`] decimals, higher first.
pub(crate) fn quality_key(quality: f64) -> u64 {
    let scale = 10f64.powi(QUALITY_DIGITS);
    (quality.clamp(0.0, 1.0) * scale).round() as u64
}

/// The part of a representative rank that `--prefer quality` adds: in the
/// bits from [`dedup::PRIMARY_RANK_SHIFT`] up, so that quality comes before
/// every other rule; a better quality gives a lower rank.
pub(crate) fn quality_rank(quality: f64) -> u64 {
    let best = quality_key(1.0);
    (best - quality_key(quality).min(best)) << dedup::PRIMARY_RANK_SHIFT
}

/// The order documents are indexed in while copies are found: by id (as
/// bytes), so that everything decided by index (ties, bucket heads, which
/// side of a pair is aligned against which, cluster numbers) depends on the
/// set of records, not on the order they were read in.
///
/// Invariant: `input_of` is a permutation of `0..n`, `input_of[i]` the input
/// position of the document of id rank `i`.
pub(super) struct IdOrder {
    input_of: Vec<u32>,
    identity: bool,
}

impl IdOrder {
    pub(super) fn of(documents: &[corpus::Document]) -> IdOrder {
        let identity = documents
            .windows(2)
            .all(|w| w[0].id.as_bytes() <= w[1].id.as_bytes());
        let mut input_of: Vec<u32> = (0..documents.len() as u32).collect();
        if !identity {
            // Stable: equal ids (possible only through the library) keep input order.
            input_of.par_sort_by(|&a, &b| {
                documents[a as usize]
                    .id
                    .as_bytes()
                    .cmp(documents[b as usize].id.as_bytes())
            });
        }
        IdOrder { input_of, identity }
    }

    /// Input position of the document at `index` in id order.
    pub(super) fn input(&self, index: u32) -> u32 {
        self.input_of[index as usize]
    }

    /// Items in input order → in id order, in place.
    pub(super) fn to_ids<T>(&self, items: &mut [T]) {
        if self.identity {
            return;
        }
        let mut to = vec![0u32; self.input_of.len()];
        for (index, &input) in self.input_of.iter().enumerate() {
            to[input as usize] = index as u32;
        }
        scatter(items, to);
    }

    /// Items in id order → in input order, in place.
    pub(super) fn to_input<T>(&self, items: &mut [T]) {
        if !self.identity {
            scatter(items, self.input_of.clone());
        }
    }

    /// Pairs and their details from id indexes to input positions, `a`
    /// before `b` in input order (a pair turned around swaps its
    /// containments and the sides of its edits), sorted by `(a, b)`.
    pub(super) fn pairs_to_input(&self, pairs: &mut [dedup::Pair], details: &mut [PairDetail]) {
        if self.identity {
            return;
        }
        for (index, pair) in pairs.iter_mut().enumerate() {
            let (a, b) = (self.input(pair.a), self.input(pair.b));
            let mut detail = details.get_mut(index);
            if a < b {
                (pair.a, pair.b) = (a, b);
            } else {
                (pair.a, pair.b) = (b, a);
                pair.overlap.containment.swap(0, 1);
                if let Some(detail) = detail.as_deref_mut() {
                    detail.turn_around();
                }
            }
            if let Some(detail) = detail {
                detail.source = detail.source.map(|source| self.input(source));
            }
        }
        let mut sorted: Vec<u32> = (0..pairs.len() as u32).collect();
        sorted
            .par_sort_unstable_by_key(|&index| (pairs[index as usize].a, pairs[index as usize].b));
        let mut to = vec![0u32; sorted.len()];
        for (position, &index) in sorted.iter().enumerate() {
            to[index as usize] = position as u32;
        }
        if !details.is_empty() {
            scatter(details, to.clone());
        }
        scatter(pairs, to);
    }
}

/// Move `items[i]` to `items[to[i]]` for every `i`, in place (`to` is a
/// permutation): no second copy of the items, which for documents or pairs
/// with their edits would add tens of megabytes to the run's peak.
fn scatter<T>(items: &mut [T], mut to: Vec<u32>) {
    for index in 0..items.len() {
        while to[index] as usize != index {
            let target = to[index] as usize;
            items.swap(index, target);
            to.swap(index, target);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dedup::Relation;
    use crate::error::Location;

    fn doc(id: &str, date: Option<&str>) -> corpus::Document {
        corpus::Document {
            id: id.into(),
            text: String::new(),
            date: date.map(str::to_owned),
            location: Location {
                file: "t".into(),
                line: 1,
                row_group: None,
            },
            raw: None,
            carry: Vec::new(),
        }
    }

    #[test]
    fn earliest_puts_missing_dates_last_and_keeps_input_order_on_ties() {
        let docs = [
            doc("a", None),
            doc("b", Some("2020-02-01")),
            doc("c", Some("2019-12-31")),
            doc("d", Some("2020-02-01")),
        ];
        assert_eq!(ranks(&docs, &[0; 4], Prefer::Earliest), [3, 1, 0, 2]);
    }

    #[test]
    fn id_order_sorts_by_id_and_puts_everything_back() {
        let docs: Vec<corpus::Document> = ["m", "b", "z", "a", "ba"]
            .into_iter()
            .map(|id| doc(id, None))
            .collect();
        let order = IdOrder::of(&docs);
        let mut ids: Vec<String> = docs.iter().map(|d| d.id.clone()).collect();
        order.to_ids(&mut ids);
        assert_eq!(ids, ["a", "b", "ba", "m", "z"]);
        assert_eq!(order.input(0), 3);
        order.to_input(&mut ids);
        assert_eq!(ids, ["m", "b", "z", "a", "ba"]);
        // A pair of ids 0 and 1 ("a", "b") is at input positions 3 and 1:
        // turned around, with its containments and edits.
        let mut pairs = vec![
            dedup::Pair {
                a: 0,
                b: 1,
                overlap: dedup::Overlap {
                    jaccard: 0.5,
                    containment: [0.9, 0.6],
                },
                relation: Relation::Excerpt,
            },
            dedup::Pair {
                a: 3,
                b: 4,
                overlap: dedup::Overlap {
                    jaccard: 1.0,
                    containment: [1.0, 1.0],
                },
                relation: Relation::Exact,
            },
        ];
        let edit = |op, a: [u32; 2], b: [u32; 2]| crate::rewrite::link::EditSpans { op, a, b };
        let mut details = vec![
            PairDetail {
                similarity: 0.8,
                source: Some(0),
                edits: vec![
                    edit(crate::rewrite::EditOp::Delete, [0, 4], [0, 0]),
                    edit(crate::rewrite::EditOp::Replace, [5, 9], [1, 3]),
                ],
            },
            PairDetail::default(),
        ];
        order.pairs_to_input(&mut pairs, &mut details);
        assert_eq!(
            pairs.iter().map(|p| (p.a, p.b)).collect::<Vec<_>>(),
            [(0, 2), (1, 3)]
        );
        assert_eq!(pairs[1].overlap.containment, [0.6, 0.9]);
        assert_eq!(details[1].source, Some(3));
        assert_eq!(
            details[1].edits,
            [
                edit(crate::rewrite::EditOp::Insert, [0, 0], [0, 4]),
                edit(crate::rewrite::EditOp::Replace, [1, 3], [5, 9]),
            ]
        );
        assert_eq!(details[0], PairDetail::default());
    }

    #[test]
    fn longest_prefers_more_words() {
        let docs = [doc("a", None), doc("b", None)];
        let rank = ranks(&docs, &[10, 20], Prefer::Longest);
        assert!(rank[1] < rank[0]);
    }
}
