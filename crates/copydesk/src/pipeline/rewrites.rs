//! The rewrite stage of `dedup`: between finding pairs and clustering.
//!
//! Spot-signature candidates not already kept by the core are aligned and
//! kept as `rewrite` pairs when the alignment passes; kept `partial` pairs
//! whose alignment passes become `rewrite` too. Every kept pair is aligned
//! once for its edits ([`rewrite::link`] does both), and every copy pair (not
//! `partial`) gets a likely source: dates first, word commonness for the
//! rest.

use super::Signed;
use crate::corpus::Document;
use crate::dedup::{self, Pair, Relation};
use crate::progress::Progress;
use crate::rewrite::link::{self, PairDetail};
use crate::rewrite::{self, EditOp, RewriteConfig, Side, Substitution, WordFrequencies};
use std::cmp::Ordering;

/// Counts of the rewrite stage.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct RewriteStats {
    /// Spot-signature candidate pairs not already kept by the core channels.
    pub candidates: u64,
    /// Pairs aligned (kept pairs and new candidates).
    pub aligned: u64,
    /// Pairs linked as rewrites (new pairs plus partial pairs upgraded).
    pub rewrites: u64,
    /// Pairs whose source came from dates.
    pub source_by_date: u64,
    /// Pairs whose source came from word commonness.
    pub source_by_words: u64,
}

fn date_order(documents: &[Document], a: u32, b: u32) -> Option<Ordering> {
    let (da, db) = (&documents[a as usize].date, &documents[b as usize].date);
    match (da, db) {
        // Compared as strings, as the representative choice does (ISO 8601 sorts right).
        (Some(x), Some(y)) if x != y => Some(x.cmp(y)),
        _ => None,
    }
}

/// Run the stage over what signing kept (sketches, spot keys, words):
/// `pairs` (sorted by `(a, b)`) gains the rewrite pairs and stays sorted; the
/// returned details are parallel to it. Every pair's edits are kept when
/// `all_edits`; otherwise only those of the pairs that look spun
/// ([`looks_spun`]): what the mined substitutions, the spun-side ordering and
/// the default outputs read.
pub(crate) fn link_rewrites(
    documents: &[Document],
    signed: &Signed,
    frequencies: &WordFrequencies,
    pairs: &mut Vec<Pair>,
    config: &RewriteConfig,
    all_edits: bool,
    progress: &dyn Progress,
) -> (Vec<PairDetail>, RewriteStats) {
    let mut stats = RewriteStats::default();
    let Signed {
        sketches,
        spot_keys,
        words,
        ..
    } = signed;
    let kept_pairs: Vec<(u32, u32)> = pairs.iter().map(|pair| (pair.a, pair.b)).collect();
    let jobs = link::jobs(spot_keys, &kept_pairs);
    drop(kept_pairs);
    stats.candidates = jobs.iter().filter(|job| job.kept.is_none()).count() as u64;
    stats.aligned = jobs.len() as u64;

    progress.start("rewrite", Some(jobs.len() as u64));
    let kept_relations: Vec<Relation> = pairs.iter().map(|pair| pair.relation).collect();
    let keep_edits = |job: &link::Job, accepted: bool, edits: &[rewrite::WordEdit]| {
        // The relation the pair ends with, as the merge below decides it (a
        // new candidate has edits only when accepted).
        let relation = match job.kept.map(|index| kept_relations[index]) {
            None => Relation::Rewrite,
            Some(Relation::Partial) if accepted => Relation::Rewrite,
            Some(relation) => relation,
        };
        all_edits || spun(relation, edits.iter().map(|edit| edit.op))
    };
    let aligned = link::align_jobs(
        &jobs,
        |doc| documents[doc as usize].text.as_str(),
        words,
        frequencies,
        config,
        &keep_edits,
        &|done| progress.advance(done),
    );
    progress.finish();

    // Merge in one pass: new rewrite pairs join the kept ones; partial pairs
    // that align become rewrites. Jobs hold every kept pair once, in `(a, b)`
    // order with the candidates, so the pairs come out in order. Every copy
    // relation (a near-exact pair may be a lightly spun copy too) gets its
    // direction: dates first, word commonness (the corpus counts made while
    // signing) for the rest.
    let kept = std::mem::take(pairs);
    pairs.reserve(kept.len() + 16);
    let mut details = Vec::with_capacity(kept.len() + 16);
    for (job, result) in jobs.iter().zip(aligned) {
        let pair = match job.kept {
            Some(index) => {
                let mut pair = kept[index].clone();
                if pair.relation == Relation::Partial && result.accepted {
                    pair.relation = Relation::Rewrite;
                    stats.rewrites += 1;
                }
                pair
            }
            None if result.accepted => {
                let (sa, sb) = (&sketches[job.a as usize], &sketches[job.b as usize]);
                stats.rewrites += 1;
                Pair {
                    a: job.a,
                    b: job.b,
                    overlap: dedup::verify(sa, sb),
                    relation: Relation::Rewrite,
                }
            }
            None => continue,
        };
        let source = match (pair.relation, date_order(documents, pair.a, pair.b)) {
            (Relation::Partial, _) => None,
            (_, Some(order)) => {
                stats.source_by_date += 1;
                Some(if order == Ordering::Less {
                    pair.a
                } else {
                    pair.b
                })
            }
            (_, None) => {
                let source = match result.more_common {
                    Some(Side::A) => Some(pair.a),
                    Some(Side::B) => Some(pair.b),
                    None => None,
                };
                stats.source_by_words += u64::from(source.is_some());
                source
            }
        };
        details.push(PairDetail {
            similarity: result.similarity,
            source,
            edits: result.edits,
        });
        pairs.push(pair);
    }
    (details, stats)
}

/// Whether one side of a kept pair is a spun copy of the other: a `rewrite`
/// pair, or a copy pair that still shows a spinner's hand: several word
/// swaps, and more swaps than words dropped or added. Copies that only lost
/// words (trimmed, edited, OCR-damaged) show pseudo-swaps where both sides
/// dropped a different word at one place; they do not count. `partial` pairs
/// (overlap that is not a copy) never do.
pub(crate) fn looks_spun(pair: &Pair, detail: &PairDetail) -> bool {
    spun(pair.relation, detail.edits.iter().map(|edit| edit.op))
}

/// [`looks_spun`] for a pair of `relation` whose edits are of kinds `ops`.
fn spun(relation: Relation, ops: impl Iterator<Item = EditOp>) -> bool {
    match relation {
        Relation::Rewrite => true,
        Relation::Partial => false,
        _ => {
            let (mut swaps, mut all) = (0, 0);
            for op in ops {
                swaps += usize::from(op == EditOp::Replace);
                all += 1;
            }
            swaps >= MIN_SPUN_SWAPS && 2 * swaps >= all
        }
    }
}

/// Word swaps a copy pair that is not a `rewrite` needs to look spun.
const MIN_SPUN_SWAPS: usize = 3;

/// The spin lexicon of a run: the replace edits of the pairs that look spun
/// (rewrite pairs, and copy pairs with three swaps or more that are at least
/// half of their edits): a copy spun lightly still shares enough shingles to
/// be a near-exact or excerpt pair, and its swaps are the same spinner's
/// habits. `partial` pairs (overlap that is not a copy) are left out.
pub fn substitutions(
    documents: &[Document],
    pairs: &[Pair],
    details: &[PairDetail],
    config: &RewriteConfig,
) -> Vec<Substitution> {
    let mined = pairs
        .iter()
        .zip(details)
        .filter(|(pair, detail)| looks_spun(pair, detail))
        .map(|(pair, detail)| {
            let (a, b) = (&documents[pair.a as usize], &documents[pair.b as usize]);
            rewrite::PairEdits {
                ids: [&a.id, &b.id],
                replacements: detail
                    .edits
                    .iter()
                    .filter(|e| e.op == EditOp::Replace)
                    .map(|e| e.texts(&a.text, &b.text))
                    .collect(),
                source: match detail.source {
                    Some(source) if source == pair.b => Some(Side::B),
                    Some(_) => Some(Side::A),
                    None => None,
                },
            }
        });
    let options = rewrite::MineOptions {
        max_examples: config.max_examples,
        reference: config
            .reference
            .as_deref()
            .unwrap_or_else(|| crate::quality::Reference::builtin()),
        all: config.all_substitutions,
    };
    rewrite::mine(mined, &options)
}
