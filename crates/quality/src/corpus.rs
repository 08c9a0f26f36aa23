//! The quality pass over a whole corpus: corpus-level boilerplate, then the
//! collocation statistics the checker judges against (a fitted model, or the
//! corpus's own counts with each document left out of its evidence), then
//! every document, and with corpus counts a second pass on counts that leave
//! out the documents that looked spun in the first.
//!
//! Results depend on the set of texts and their order only: documents are
//! checked in parallel, but each one's result depends on its own text and the
//! shared evidence, never on how work was divided.

use crate::boilerplate;
use crate::{Checker, DocQuality, Evidence, Flag, NgramModel};
use copydesk_common::progress::Progress;
use copydesk_text::{self as text, HashKeyed, Tokens};
use rayon::prelude::*;
use std::time::{Duration, Instant};
use xxhash_rust::xxh3::xxh3_64;

/// Documents per unit of parallel work: large enough to amortize the token
/// buffer and progress update, small enough to balance.
const CHUNK: usize = 64;

/// Where the collocation statistics of a check came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StatsSource {
    /// A reference model.
    Model,
    /// The checked corpus itself, leaving each document out.
    Corpus,
    /// None: the corpus is too small to say what is rare.
    None,
}

/// The documents of a corpus pass: texts and ids in the same order, and
/// optionally each document's dedup cluster (documents of one cluster do not
/// count as unrelated for corpus-level boilerplate).
#[derive(Debug, Clone, Copy)]
pub struct CorpusDocuments<'a> {
    /// The text of each document.
    pub texts: &'a [&'a str],
    /// The id of each document, parallel to `texts`.
    pub ids: &'a [&'a str],
    /// The dedup cluster of each document, parallel to `texts`, when known.
    pub clusters: Option<&'a [Option<u32>]>,
}

/// What [`check_corpus`] gives.
#[derive(Debug)]
pub struct CorpusQuality {
    /// The quality of each document, parallel to the texts.
    pub results: Vec<DocQuality>,
    /// Where the collocation statistics came from.
    pub stats_source: StatsSource,
    /// Time per stage, in the order run: `boilerplate`, then `count` (corpus
    /// counts only), `check`, and `recheck` (when it ran).
    pub timings: Vec<(&'static str, Duration)>,
}

/// Check every document of a corpus with `checker`. Without a model in the
/// checker, the corpus's own word and pair counts are the evidence unless
/// `use_corpus_stats` is false or the corpus has fewer words than the
/// configuration's `min_reference_words`.
///
/// Progress stages: `count` (documents, corpus counts only), `check`
/// (documents), and `recheck` (documents) when some document looked spun.
pub fn check_corpus(
    documents: CorpusDocuments,
    checker: &Checker,
    use_corpus_stats: bool,
    progress: &dyn Progress,
) -> CorpusQuality {
    let config = checker.config();
    let texts = documents.texts;
    let mut timings = Vec::new();
    let started = Instant::now();
    let corpus_flags = boilerplate::repeated_lines(
        texts,
        documents.ids,
        documents.clusters,
        &config.boilerplate,
    );
    timings.push(("boilerplate", started.elapsed()));
    let corpus_flags = &corpus_flags;
    let has_model = checker.model().is_some();
    let corpus_model = if has_model || !use_corpus_stats {
        None
    } else {
        let started = Instant::now();
        progress.start("count", Some(texts.len() as u64));
        let model = count_texts(texts, |done| progress.advance(done));
        progress.finish();
        timings.push(("count", started.elapsed()));
        (model.total_words() >= config.stats.min_reference_words).then_some(model)
    };
    let stats_source = match (&corpus_model, has_model) {
        (_, true) => StatsSource::Model,
        (Some(_), false) => StatsSource::Corpus,
        (None, false) => StatsSource::None,
    };

    let started = Instant::now();
    progress.start("check", Some(texts.len() as u64));
    let copy_of = first_copies(texts);
    // The first pass checks every document but the copies, which take their
    // original's result.
    let Some(mut model) = corpus_model else {
        let checked = check_texts(texts, checker, corpus_flags, progress, |index| {
            copy_of[index].is_none().then(|| match checker.model() {
                Some(model) => Evidence::Model(model),
                None => Evidence::None,
            })
        });
        let results = fill_copies(checked, &copy_of)
            .into_iter()
            .flatten()
            .collect();
        progress.finish();
        timings.push(("check", started.elapsed()));
        return CorpusQuality {
            results,
            stats_source,
            timings,
        };
    };
    let checked = check_texts(texts, checker, corpus_flags, progress, |index| {
        copy_of[index]
            .is_none()
            .then_some(Evidence::CorpusLeaveOneOut(&model))
    });
    let first: Vec<DocQuality> = fill_copies(checked, &copy_of)
        .into_iter()
        .flatten()
        .collect();
    // Second pass on the counts of the documents that do not look spun.
    let spun: Vec<bool> = first.iter().map(|r| checker.looks_spun(r)).collect();
    progress.finish();
    timings.push(("check", started.elapsed()));
    if !spun.contains(&true) {
        return CorpusQuality {
            results: first,
            stats_source,
            timings,
        };
    }
    let spun_texts: Vec<&str> = texts
        .iter()
        .zip(&spun)
        .filter_map(|(&text, &s)| s.then_some(text))
        .collect();
    let removed = count_texts(&spun_texts, |_| {});
    // The first pass is done with the full counts: they are reduced in place
    // rather than copied.
    model.subtract(&removed);
    let trusted = model;
    // Only documents at least a quarter of the way to looking spun are
    // checked again: taking the spun documents' words out of the counts moves
    // the others' evidence too little to matter, and checking every document
    // twice would double the cost of the pass.
    let recheck: Vec<bool> = first.iter().map(|r| checker.near_spun(r)).collect();
    let started = Instant::now();
    progress.start("recheck", Some(texts.len() as u64));
    let second = check_texts(texts, checker, corpus_flags, progress, |index| {
        (recheck[index] && copy_of[index].is_none()).then(|| {
            if spun[index] {
                Evidence::Model(&trusted)
            } else {
                Evidence::CorpusLeaveOneOut(&trusted)
            }
        })
    });
    let results = first
        .into_iter()
        .zip(fill_copies(second, &copy_of))
        .map(|(first, second)| second.unwrap_or(first))
        .collect();
    progress.finish();
    timings.push(("recheck", started.elapsed()));
    CorpusQuality {
        results,
        stats_source,
        timings,
    }
}

/// The word and pair counts of `texts` (what `copydesk fit` learns);
/// `advance` hears how many texts are done.
pub fn count_texts(texts: &[&str], advance: impl Fn(u64) + Sync) -> NgramModel {
    // One model per rayon task, not per chunk: merging a thousand chunk
    // models into the whole corpus's counts cost more than counting.
    texts
        .par_chunks(CHUNK)
        .fold(
            || (NgramModel::new(), Tokens::default()),
            |(mut model, mut tokens), chunk| {
                for &text in chunk {
                    text::tokenize_into(text, &mut tokens);
                    model.add(text, &tokens);
                }
                advance(chunk.len() as u64);
                (model, tokens)
            },
        )
        .map(|(model, _)| model)
        .reduce(NgramModel::new, NgramModel::merged)
}

/// For each text, the first earlier text exactly equal to it, if any. A
/// document's quality depends on its text and the evidence only, so a
/// byte-identical copy (common in scraped news) is checked once and takes its
/// original's result.
fn first_copies(texts: &[&str]) -> Vec<Option<u32>> {
    let hashes: Vec<u64> = texts
        .par_iter()
        .map(|text| xxh3_64(text.as_bytes()))
        .collect();
    let mut first: HashKeyed<u32> = HashKeyed::default();
    first.reserve(texts.len());
    hashes
        .iter()
        .enumerate()
        .map(|(index, &hash)| {
            let original = *first.entry(hash).or_insert(index as u32);
            // Equal hashes of different texts: the later one is checked on its own.
            (original as usize != index && texts[original as usize] == texts[index])
                .then_some(original)
        })
        .collect()
}

/// Give each copy (see [`first_copies`]) its original's result.
fn fill_copies(
    mut results: Vec<Option<DocQuality>>,
    copy_of: &[Option<u32>],
) -> Vec<Option<DocQuality>> {
    for (index, original) in copy_of.iter().enumerate() {
        if let Some(&original) = original.as_ref() {
            // The original comes first, so it is filled already.
            results[index] = results.get(original as usize).cloned().flatten();
        }
    }
    results
}

/// Check each text for which `evidence(index)` gives the evidence to use;
/// `None` (not checked) for the others.
fn check_texts<'m>(
    texts: &[&str],
    checker: &Checker,
    corpus_flags: &[Vec<Flag>],
    progress: &dyn Progress,
    evidence: impl Fn(usize) -> Option<Evidence<'m>> + Sync,
) -> Vec<Option<DocQuality>> {
    texts
        .par_chunks(CHUNK)
        .enumerate()
        .map(|(chunk_index, chunk)| {
            let mut tokens = Tokens::default();
            let checked: Vec<_> = chunk
                .iter()
                .enumerate()
                .map(|(i, &text)| {
                    let index = chunk_index * CHUNK + i;
                    let evidence = evidence(index)?;
                    text::tokenize_into(text, &mut tokens);
                    Some(checker.check_with_flags(
                        text,
                        &tokens,
                        evidence,
                        corpus_flags[index].clone(),
                    ))
                })
                .collect();
            progress.advance(chunk.len() as u64);
            checked
        })
        .flatten()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Lexicon, QualityConfig};
    use copydesk_common::progress::NoProgress;

    fn checker() -> Checker {
        Checker::new(QualityConfig::default(), &Lexicon::builtin()).unwrap()
    }

    #[test]
    fn copies_take_their_originals_result_and_order_is_kept() {
        let texts = [
            "The council met on Tuesday and approved the new budget for the schools.",
            "Print this article\n\nThe mayor said the plan would be ready by spring.",
            "The council met on Tuesday and approved the new budget for the schools.",
        ];
        let ids = ["a", "b", "c"];
        let documents = CorpusDocuments {
            texts: &texts,
            ids: &ids,
            clusters: None,
        };
        let checked = check_corpus(documents, &checker(), true, &NoProgress);
        assert_eq!(checked.results.len(), 3);
        // Three short texts are far below the words corpus counts need.
        assert_eq!(checked.stats_source, StatsSource::None);
        assert_eq!(checked.results[0].flags, checked.results[2].flags);
        let alone = checker().check(texts[1], &text::tokenize(texts[1]));
        assert_eq!(checked.results[1].flags, alone.flags);
        assert!(
            alone
                .flags
                .iter()
                .any(|flag| flag.category == crate::Category::Boilerplate),
            "{:?}",
            alone.flags
        );
        let stages: Vec<&str> = checked.timings.iter().map(|(name, _)| *name).collect();
        // Counted, then found too small to use.
        assert_eq!(stages, ["boilerplate", "count", "check"]);
    }

    #[test]
    fn first_copies_point_at_the_first_equal_text() {
        // Only exact bytes count: case and a trailing space make other texts.
        assert_eq!(
            first_copies(&["a b", "A b", "a b", "", "a b ", "", "a b"]),
            [None, None, Some(0), None, None, Some(3), Some(0)]
        );
    }
}
