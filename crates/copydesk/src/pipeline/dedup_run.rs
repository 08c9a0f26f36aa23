//! `copydesk dedup`: sign, find pairs, link rewrites, cluster, mine.

use super::order::{quality_rank, ranks, IdOrder, SPUN_RANK};
use super::sign::{sign_all, Signed, SIGN_CHUNK};
use super::{
    input_names, read_stage, rewrites, Config, DedupRun, DocumentResult, EditsOutput, Prefer,
};
use crate::corpus::{self, Corpus, Input};
use crate::dedup;
use crate::error::Result;
use crate::progress::Progress;
use crate::quality::{Checker, Evidence, Lexicon, QualityConfig};
use crate::rewrite::WordFrequencies;
use crate::text::{self, Tokens};
use copydesk_report::Timings;
use rayon::prelude::*;
use std::time::{Duration, Instant};

/// Run near-duplicate detection over `inputs`.
///
/// Progress stages: `read` (bytes), `sketch` (documents), `pairs`, `cluster`.
pub fn run_dedup(inputs: &[Input], config: &Config, progress: &dyn Progress) -> Result<DedupRun> {
    config.validate()?;
    // Mining at the end needs the shipped reference, a fifth of a second of
    // one core to parse: parse it while the corpus is read and signed.
    if config.rewrites && config.rewrite.reference.is_none() {
        std::thread::spawn(|| {
            crate::quality::Reference::builtin();
        });
    }
    let mut timings = Timings::default();
    let corpus = read_stage(inputs, &config.read, progress, &mut timings)?;
    let all_edits = config.edits == EditsOutput::All;
    dedup_corpus(corpus, inputs, config, timings, progress, None, all_edits)
}

/// [`run_dedup`] over a corpus already in memory ([`corpus::from_records`](crate::corpus::from_records)).
pub fn run_dedup_on(
    corpus: Corpus,
    source: &str,
    config: &Config,
    progress: &dyn Progress,
) -> Result<DedupRun> {
    config.validate()?;
    let inputs = [Input::Path(source.into())];
    let all_edits = config.edits == EditsOutput::All;
    dedup_corpus(
        corpus,
        &inputs,
        config,
        Timings::default(),
        progress,
        None,
        all_edits,
    )
}

/// Near-duplicate detection over a corpus already read; `timings` holds the
/// stages run so far, `quality` the quality score of each document (input
/// order) when the caller has them (`scan`; for `Prefer::Quality`).
///
/// Documents are indexed in id order from signing to mining (see
/// [`IdOrder`]) and put back in input order at the end.
pub(super) fn dedup_corpus(
    mut corpus: Corpus,
    inputs: &[Input],
    config: &Config,
    mut timings: Timings,
    progress: &dyn Progress,
    quality: Option<&[f64]>,
    all_edits: bool,
) -> Result<DedupRun> {
    let started = Instant::now();
    let order = IdOrder::of(&corpus.documents);
    order.to_ids(&mut corpus.documents);
    progress.start("sketch", Some(corpus.documents.len() as u64));
    // Counted while tokenizing for the signatures: the rewrite wing's source
    // direction needs corpus word frequencies.
    let frequencies = if config.rewrites {
        WordFrequencies::table(crate::rewrite::link::FREQUENCY_TABLE_BITS)
    } else {
        WordFrequencies::new()
    };
    let rewrite = config.rewrites.then_some((&config.rewrite, &frequencies));
    let signed = sign_all(&corpus.documents, &config.dedup, rewrite, progress);
    progress.finish();
    timings.record("sketch", started.elapsed());

    let started = Instant::now();
    let lsh = config.lsh_params();
    progress.start("pairs", None);
    let (mut pairs, link_stats) = dedup::find_pairs(&signed.sketches, &config.dedup, progress);
    progress.finish();
    timings.record("pairs", started.elapsed());

    let (mut pair_details, rewrite_stats) = if config.rewrites {
        let started = Instant::now();
        let (details, stats) = rewrites::link_rewrites(
            &corpus.documents,
            &signed,
            &frequencies,
            &mut pairs,
            &config.rewrite,
            all_edits,
            progress,
        );
        timings.record("rewrite", started.elapsed());
        (details, Some(stats))
    } else {
        (Vec::new(), None)
    };
    let Signed {
        sketches,
        num_words,
        spot_keys,
        words,
    } = signed;
    drop((spot_keys, words, frequencies));

    let started = Instant::now();
    progress.start("cluster", None);
    let mut rank = ranks(&corpus.documents, &num_words, config.prefer);
    if config.prefer == Prefer::First {
        for (index, rank) in rank.iter_mut().enumerate() {
            *rank = u64::from(order.input(index as u32));
        }
    }
    // The spun side of a pair that looks spun is a poor representative
    // (spinners lengthen text, so "longest" would pick it): rank it after
    // every document not known to be spun.
    for (pair, detail) in pairs.iter().zip(&pair_details) {
        if let (true, Some(source)) = (rewrites::looks_spun(pair, detail), detail.source) {
            let spun = if source == pair.a { pair.b } else { pair.a };
            rank[spun as usize] |= SPUN_RANK;
        }
    }
    let checker_built = Instant::now();
    let member_checker = match (config.prefer, quality) {
        (Prefer::Quality, None) => {
            Some(Checker::new(QualityConfig::default(), &Lexicon::builtin())?)
        }
        _ => None,
    };
    let mut scoring = match member_checker {
        Some(_) => checker_built.elapsed(),
        None => Duration::ZERO,
    };
    let clustering = dedup::cluster_ranked(&mut pairs, &sketches, |cluster_of| {
        if config.prefer != Prefer::Quality {
            return rank;
        }
        let scored = Instant::now();
        let scores: Vec<f64> = match (quality, &member_checker) {
            (Some(quality), _) => (0..rank.len())
                .map(|index| quality[order.input(index as u32) as usize])
                .collect(),
            (None, Some(checker)) => member_quality(&corpus.documents, cluster_of, checker),
            (None, None) => vec![1.0; rank.len()],
        };
        scoring += scored.elapsed();
        rank.iter()
            .zip(scores)
            .map(|(&rank, score)| rank | quality_rank(score))
            .collect()
    });
    let relations = dedup::member_relations(&clustering, &sketches, &pairs, &config.dedup);
    // Freeing 100k shingle sets one by one is serial work nobody waits for:
    // a thread of its own does it while the results are assembled and written.
    std::thread::spawn(move || drop(sketches));
    let mut documents: Vec<DocumentResult> = num_words
        .iter()
        .map(|&num_words| DocumentResult {
            num_words,
            ..DocumentResult::default()
        })
        .collect();
    for (number, cluster) in clustering.clusters.iter().enumerate() {
        for &member in &cluster.members {
            let doc = &mut documents[member as usize];
            doc.cluster = Some(number as u32);
            if member != cluster.representative {
                doc.duplicate_of = Some(cluster.representative);
                let relation = relations.get(member as usize).copied().flatten();
                doc.relation = relation.map(|(relation, _)| relation);
                doc.overlap = relation.map(|(_, overlap)| overlap);
            }
        }
    }
    progress.finish();
    timings.record("cluster", started.elapsed().saturating_sub(scoring));
    if member_checker.is_some() {
        timings.record("score", scoring);
    }

    let substitutions = if config.rewrites {
        let started = Instant::now();
        let mined =
            rewrites::substitutions(&corpus.documents, &pairs, &pair_details, &config.rewrite);
        timings.record("mine", started.elapsed());
        mined
    } else {
        Vec::new()
    };

    // Back to input order: documents and their results, the indexes in
    // clusters and pairs. Clusters keep their numbers and their members'
    // order (id order).
    let started = Instant::now();
    order.to_input(&mut corpus.documents);
    for doc in &mut documents {
        doc.duplicate_of = doc.duplicate_of.map(|rep| order.input(rep));
    }
    order.to_input(&mut documents);
    let mut clusters = clustering.clusters;
    for cluster in &mut clusters {
        cluster.representative = order.input(cluster.representative);
        for member in cluster.members.iter_mut().chain(&mut cluster.by_preference) {
            *member = order.input(*member);
        }
    }
    order.pairs_to_input(&mut pairs, &mut pair_details);
    timings.record("cluster", started.elapsed());

    Ok(DedupRun {
        config: config.clone(),
        inputs: input_names(inputs),
        corpus,
        documents,
        pairs,
        clusters,
        lsh,
        link_stats,
        substitutions,
        pair_details,
        rewrite_stats,
        timings,
    })
}

/// Quality scores of the clustered documents (`cluster_of[i]` set) by the
/// single-document rules (no statistics), for `dedup --prefer quality`;
/// 1 for the others, which are not compared.
fn member_quality(
    documents: &[corpus::Document],
    cluster_of: &[Option<u32>],
    checker: &Checker,
) -> Vec<f64> {
    documents
        .par_chunks(SIGN_CHUNK)
        .zip(cluster_of.par_chunks(SIGN_CHUNK))
        .flat_map_iter(|(chunk, clusters)| {
            let mut tokens = Tokens::default();
            chunk
                .iter()
                .zip(clusters)
                .map(|(doc, cluster)| match cluster {
                    None => 1.0,
                    Some(_) => {
                        text::tokenize_into(&doc.text, &mut tokens);
                        let checked = checker.check_with(&doc.text, &tokens, Evidence::None);
                        checked.scores.quality
                    }
                })
                .collect::<Vec<f64>>()
        })
        .collect()
}
