//! The clean corpus of a scan: which documents `--keep` writes, and why the
//! others are left out.

use super::{quality_key, DocumentResult, ScanRun};
use crate::quality::{DocQuality, EMPTY_TEXT};

/// What goes into the clean corpus (`--keep`): every unique document whose
/// quality is at least `min_quality`, and of each cluster its best member by
/// quality (scores compared to [`QUALITY_DIGITS`](super::QUALITY_DIGITS) decimals, ties in the
/// order of the representative preference, [`Cluster::by_preference`](crate::dedup::Cluster::by_preference)) when
/// that one reaches `min_quality`; nothing of a cluster none of whose members
/// does.
#[derive(Debug, Clone)]
pub struct CleanCorpus {
    kept: Vec<bool>,
    /// The kept member of each cluster, by cluster number.
    cluster_kept: Vec<Option<u32>>,
    min_quality: f64,
}

impl CleanCorpus {
    /// Choose the clean corpus of a scan.
    pub fn new(run: &ScanRun, min_quality: f64) -> CleanCorpus {
        let quality = |doc: u32| run.quality[doc as usize].scores.quality;
        let mut kept: Vec<bool> = run
            .dedup
            .documents
            .iter()
            .zip(&run.quality)
            .map(|(result, q)| {
                result.cluster.is_none() && q.scores.quality >= min_quality && !is_empty(q)
            })
            .collect();
        let cluster_kept: Vec<Option<u32>> = run
            .dedup
            .clusters
            .iter()
            .map(|cluster| {
                let candidates = match cluster.by_preference.is_empty() {
                    true => &cluster.members,
                    false => &cluster.by_preference,
                };
                let mut best: Option<(u64, u32)> = None;
                for &doc in candidates
                    .iter()
                    .filter(|&&doc| quality(doc) >= min_quality)
                {
                    let key = quality_key(quality(doc));
                    match best {
                        Some((best_key, _)) if key <= best_key => {}
                        _ => best = Some((key, doc)),
                    }
                }
                best.map(|(_, doc)| doc)
            })
            .collect();
        for &doc in cluster_kept.iter().flatten() {
            kept[doc as usize] = true;
        }
        CleanCorpus {
            kept,
            cluster_kept,
            min_quality,
        }
    }

    /// Whether the document at `index` goes into the clean corpus.
    pub fn is_kept(&self, index: usize) -> bool {
        self.kept[index]
    }

    /// Number of documents kept.
    pub fn len(&self) -> usize {
        self.kept.iter().filter(|&&kept| kept).count()
    }

    /// True when nothing is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The member of the document's cluster kept in its place, if another is.
    pub fn kept_instead(&self, index: usize, result: &DocumentResult) -> Option<u32> {
        let kept = self.cluster_kept[result.cluster? as usize]?;
        (kept as usize != index).then_some(kept)
    }

    /// Why a document is left out: `duplicate` when another member of its
    /// cluster is kept, `low_quality` when its quality is below the bar;
    /// empty when it is kept.
    pub(crate) fn drop_reasons(
        &self,
        index: usize,
        result: &DocumentResult,
        quality: &DocQuality,
    ) -> Vec<&'static str> {
        let mut reasons = Vec::new();
        if self.kept[index] {
            return reasons;
        }
        if self.kept_instead(index, result).is_some() {
            reasons.push("duplicate");
        }
        if quality.scores.quality < self.min_quality || is_empty(quality) {
            reasons.push("low_quality");
        }
        reasons
    }
}

/// An empty text has quality 0, but `--min-quality 0` must not keep it.
fn is_empty(quality: &DocQuality) -> bool {
    quality.flags.iter().any(|f| f.rule == EMPTY_TEXT)
}
