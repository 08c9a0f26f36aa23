//! The whole job, stage by stage: read → tokenize and sign → find pairs →
//! link rewrites → cluster → (quality pass). This is the only module that
//! knows every stage; a caller picks a run ([`run_dedup`], [`run_check`],
//! [`run_scan`], [`run_fit`]) with a [`Config`] and hands the result to the
//! writers in [`crate::report`].
//!
//! Rewrite pairs are added to [`DedupRun::pairs`] before clustering (stage
//! `rewrite`, in [`rewrites`]), so a cluster may join copies and rewrites;
//! [`run_scan`] adds one [`crate::quality::DocQuality`] per document beside
//! the [`DocumentResult`]s of the dedup run.
//!
//! ```
//! use copydesk::corpus::Input;
//! use copydesk::pipeline::{run_dedup, Config};
//! use copydesk::progress::NoProgress;
//!
//! # std::env::set_current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).unwrap();
//! let config = Config::default();
//! let run = run_dedup(&[Input::parse("fixtures/news.jsonl")], &config, &NoProgress)?;
//! for (doc, result) in run.corpus.documents.iter().zip(&run.documents) {
//!     if let Some(rep) = result.duplicate_of {
//!         println!("{} copies {}", doc.id, run.corpus.documents[rep as usize].id);
//!     }
//! }
//! // The writers create the output directory (its parent must exist).
//! let tmp = tempfile::tempdir().expect("a temporary directory");
//! let out = tmp.path().join("out");
//! copydesk::report::jsonl::write_dedup(&run, &out, None, copydesk::report::TableFormat::Jsonl)?;
//! assert!(out.join("documents.jsonl").exists());
//! # Ok::<(), copydesk::Error>(())
//! ```

pub mod rewrites;

pub use rewrites::{
    ChunkKeys, ChunkWords, CorpusWords, EditSpans, PairDetail, RewriteStats, SpotKeys,
};

use crate::corpus::{self, Corpus, Input, ReadOptions};
use crate::dedup::{self, Cluster, DedupConfig, LinkStats, LshParams, Relation, Sketch};
use crate::error::{Error, Result};
use crate::progress::Progress;
use crate::quality::{Checker, Evidence, Lexicon, NgramModel, QualityConfig};
use crate::rewrite::{RewriteConfig, Substitution, WordFrequencies};
use crate::text::{self, HashKeyed, Tokens};
pub use copydesk_report::{round, Timings};
use rayon::prelude::*;
use std::time::{Duration, Instant};
use xxhash_rust::xxh3::xxh3_64;

/// Which member of a cluster becomes its representative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Prefer {
    /// The document with the most words.
    #[default]
    Longest,
    /// The document whose date field sorts first; documents without a date come last.
    Earliest,
    /// The document read first: the one preference that depends on input
    /// order.
    First,
    /// The document of best quality (quality scores equal to four decimals
    /// tie), then the longest: `scan` uses its quality pass, `dedup` scores
    /// the clustered documents with the built-in lexicon and rules.
    Quality,
}

impl Prefer {
    /// The name used on the command line and in `summary.json`.
    pub fn name(self) -> &'static str {
        match self {
            Prefer::Longest => "longest",
            Prefer::Earliest => "earliest",
            Prefer::First => "first",
            Prefer::Quality => "quality",
        }
    }
}

/// Everything a run needs to know. Thread count is not here: the pipeline runs
/// on rayon's global pool, which the caller sizes.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// How records are read.
    pub read: ReadOptions,
    /// Near-duplicate detection parameters.
    pub dedup: DedupConfig,
    /// Representative choice.
    pub prefer: Prefer,
    /// Link spinner-style rewrites too, and align every kept pair for its
    /// edits (the rewrite wing; the CLI turns it on unless `--no-rewrites`).
    pub rewrites: bool,
    /// Parameters of the rewrite wing.
    pub rewrite: RewriteConfig,
}

impl Config {
    /// Check that parameters are in range and agree with each other.
    pub fn validate(&self) -> Result<()> {
        self.dedup.validate()?;
        let output_names = ["id", "cluster", "duplicate_of", "relation"];
        if let Some(field) = self
            .read
            .carry_fields
            .iter()
            .find(|f| output_names.contains(&f.as_str()))
        {
            return Err(Error::Config(format!(
                "cannot carry field {field:?}: documents.jsonl already has a field of that name"
            )));
        }
        if self.rewrites {
            self.rewrite.validate()?;
        }
        Ok(())
    }

    /// Bands × rows of the LSH index (see [`DedupConfig::lsh_params`]).
    pub fn lsh_params(&self) -> LshParams {
        self.dedup.lsh_params()
    }
}

/// Results for one accepted document, parallel to [`Corpus::documents`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DocumentResult {
    /// Number of word tokens.
    pub num_words: u32,
    /// Cluster number, `None` for a unique document.
    pub cluster: Option<u32>,
    /// Index of the cluster's representative, `None` for unique documents and for the representative itself.
    pub duplicate_of: Option<u32>,
    /// Relation to the representative, `None` when `duplicate_of` is `None`.
    pub relation: Option<Relation>,
}

/// Headline counts of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    /// Records seen (accepted + rejected).
    pub read: u64,
    /// Documents accepted.
    pub accepted: u64,
    /// Records rejected (only with `skip_invalid`).
    pub rejected: u64,
    /// Accepted documents in no cluster.
    pub unique: u64,
    /// Cluster members other than the representatives.
    pub duplicates: u64,
    /// Clusters of two or more documents.
    pub clusters: u64,
    /// Verified pairs kept.
    pub pairs: u64,
}

/// Everything a dedup run found, ready for the writers.
#[derive(Debug)]
pub struct DedupRun {
    /// The configuration the run used.
    pub config: Config,
    /// The inputs as the user named them (`-` for standard input).
    pub inputs: Vec<String>,
    /// What was read, including rejected records.
    pub corpus: Corpus,
    /// One result per accepted document, in input order.
    pub documents: Vec<DocumentResult>,
    /// Kept pairs, document indexes `a < b`.
    pub pairs: Vec<dedup::Pair>,
    /// Clusters of two or more documents; cluster `n` is `clusters[n]`.
    /// Clusters come in byte order of their smallest member id, members by
    /// id: they depend on the set of records, not on input order.
    pub clusters: Vec<Cluster>,
    /// Bands × rows used.
    pub lsh: LshParams,
    /// Candidate and kept pair counts.
    pub link_stats: LinkStats,
    /// What the rewrite wing adds to each pair, parallel to `pairs`; empty
    /// when rewrites are off.
    pub pair_details: Vec<PairDetail>,
    /// The spin lexicon mined from the rewrite pairs, most frequent first.
    pub substitutions: Vec<Substitution>,
    /// Counts of the rewrite stage, when it ran.
    pub rewrite_stats: Option<RewriteStats>,
    /// Time per stage.
    pub timings: Timings,
}

impl DedupRun {
    /// Headline counts; `read == accepted + rejected` and
    /// `accepted == unique + clusters + duplicates`.
    pub fn counts(&self) -> Counts {
        let accepted = self.documents.len() as u64;
        let clustered: u64 = self.clusters.iter().map(|c| c.members.len() as u64).sum();
        let clusters = self.clusters.len() as u64;
        Counts {
            read: self.corpus.records_read,
            accepted,
            rejected: self.corpus.rejected.len() as u64,
            unique: accepted - clustered,
            duplicates: clustered - clusters,
            clusters,
            pairs: self.pairs.len() as u64,
        }
    }
}

/// Documents per unit of parallel work when signing: large enough to amortize
/// the per-chunk token buffer and progress update, small enough to balance.
const SIGN_CHUNK: usize = 64;

/// Word counts of one unit of parallel work, added to the shared table when
/// the unit ends (dropped).
struct LocalWordCounts<'a> {
    frequencies: &'a WordFrequencies,
    counts: Vec<u32>,
}

impl Drop for LocalWordCounts<'_> {
    fn drop(&mut self) {
        self.frequencies.add_counts(&mut self.counts);
    }
}

/// What [`sign_all`] gives, per document in input order.
pub struct Signed {
    /// The sketch of each document.
    pub sketches: Vec<Sketch>,
    /// The number of words of each document.
    pub num_words: Vec<u32>,
    /// The band keys of each document's spot signature (none without the
    /// rewrite wing).
    pub spot_keys: SpotKeys,
    /// The words of each document, kept for the rewrite wing's alignment
    /// (none without it).
    pub words: CorpusWords,
}

/// Cut every document into words and sign it, in parallel. Without the
/// rewrite wing only sketches and word counts stay, and words live in
/// buffers reused per chunk; with it (`rewrite` given), the band keys of the
/// spot signatures and every document's words (hashes and start offsets)
/// stay too, and the corpus word counts its direction needs are added to the
/// given table. Full tokens (normalized text) are made only for character
/// shingles, in one buffer reused per chunk.
pub fn sign_all(
    documents: &[corpus::Document],
    config: &DedupConfig,
    rewrite: Option<(&RewriteConfig, &WordFrequencies)>,
    progress: &dyn Progress,
) -> Signed {
    let signer = config.signer();
    let by_words = config.shingle == dedup::ShingleKind::Words;
    // Each unit of parallel work starts a fresh table of word counts (4 MB)
    // and adds it to the shared one at its end: few, long units.
    let min_chunks = documents
        .len()
        .div_ceil(SIGN_CHUNK * 4 * rayon::current_num_threads());
    type SignedChunk = (Vec<(Sketch, u32)>, ChunkKeys, Option<ChunkWords>);
    let chunks: Vec<SignedChunk> = documents
        .par_chunks(SIGN_CHUNK)
        .with_min_len(if rewrite.is_some() {
            min_chunks.max(1)
        } else {
            1
        })
        .map_init(
            || {
                rewrite.map(|(_, frequencies)| LocalWordCounts {
                    frequencies,
                    counts: Vec::new(),
                })
            },
            |local_counts, chunk| {
                let mut tokens = Tokens::default();
                let mut chunk_keys = ChunkKeys::default();
                let mut chunk_words = rewrite.map(|_| {
                    ChunkWords::with_capacity(chunk.iter().map(|doc| doc.text.len()).sum())
                });
                let (mut spot_signature, mut keys) = (Vec::new(), Vec::new());
                let (mut word_hashes, mut scratch) = (Vec::new(), String::new());
                let signed = chunk
                    .iter()
                    .map(|doc| {
                        let mut sketch_of_tokens = || {
                            text::tokenize_into(&doc.text, &mut tokens);
                            (signer.sign(&tokens, config), tokens.len())
                        };
                        let (Some((rewrite, _)), Some(local), Some(chunk_words)) =
                            (rewrite, local_counts.as_mut(), chunk_words.as_mut())
                        else {
                            let (sketch, num_words) = if by_words {
                                text::word_hashes_into(&doc.text, &mut word_hashes, &mut scratch);
                                let sketch = signer.sign_word_hashes(&word_hashes, config);
                                (sketch, word_hashes.len())
                            } else {
                                sketch_of_tokens()
                            };
                            return (sketch, u32::try_from(num_words).unwrap_or(u32::MAX));
                        };
                        let doc_words = chunk_words.push(&doc.text);
                        local
                            .frequencies
                            .count_into(doc_words.hashes, &mut local.counts);
                        chunk_keys.push(
                            doc_words,
                            &doc.text,
                            rewrite,
                            &mut keys,
                            &mut spot_signature,
                        );
                        let sketch = if by_words {
                            signer.sign_word_hashes(doc_words.hashes, config)
                        } else {
                            sketch_of_tokens().0
                        };
                        (sketch, u32::try_from(doc_words.len()).unwrap_or(u32::MAX))
                    })
                    .collect();
                progress.advance(chunk.len() as u64);
                (signed, chunk_keys, chunk_words)
            },
        )
        .collect();
    let mut sketches = Vec::with_capacity(documents.len());
    let mut num_words = Vec::with_capacity(documents.len());
    let mut keys = Vec::with_capacity(chunks.len());
    let mut words = Vec::new();
    for (signed, chunk_keys, chunk_words) in chunks {
        for (sketch, count) in signed {
            sketches.push(sketch);
            num_words.push(count);
        }
        keys.push(chunk_keys);
        words.extend(chunk_words);
    }
    let num_bands = rewrite.map_or(0, |(rewrite, _)| rewrite.num_bands);
    Signed {
        sketches,
        num_words,
        spot_keys: SpotKeys::new(num_bands, SIGN_CHUNK, keys),
        words: CorpusWords::new(SIGN_CHUNK, words),
    }
}

/// Added to the rank of a document found to be the spun side of a rewrite:
/// above every rank [`ranks`] gives (those fit in 32 bits).
const SPUN_RANK: u64 = 1 << 40;

/// Representative preference per document: lower ranks win, ties go to the
/// earlier document. `Prefer::First` ranks by index (the pipeline gives
/// input positions instead), and `Prefer::Quality` gives the ranks of
/// `Prefer::Longest` (the pipeline adds [`quality_rank`] to them).
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
pub fn quality_key(quality: f64) -> u64 {
    let scale = 10f64.powi(QUALITY_DIGITS);
    (quality.clamp(0.0, 1.0) * scale).round() as u64
}

/// The part of a representative rank that `--prefer quality` adds: in the
/// bits from [`dedup::PRIMARY_RANK_SHIFT`] up, so that quality comes before
/// every other rule; a better quality gives a lower rank.
pub fn quality_rank(quality: f64) -> u64 {
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
struct IdOrder {
    input_of: Vec<u32>,
    identity: bool,
}

impl IdOrder {
    fn of(documents: &[corpus::Document]) -> IdOrder {
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
    fn input(&self, index: u32) -> u32 {
        self.input_of[index as usize]
    }

    /// Items in input order → in id order, in place.
    fn to_ids<T>(&self, items: &mut [T]) {
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
    fn to_input<T>(&self, items: &mut [T]) {
        if !self.identity {
            scatter(items, self.input_of.clone());
        }
    }

    /// Pairs and their details from id indexes to input positions, `a`
    /// before `b` in input order (a pair turned around swaps its
    /// containments and the sides of its edits), sorted by `(a, b)`.
    fn pairs_to_input(&self, pairs: &mut [dedup::Pair], details: &mut [PairDetail]) {
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
    dedup_corpus(corpus, inputs, config, timings, progress, None)
}

/// [`run_dedup`] over a corpus already in memory ([`corpus::from_records`]).
pub fn run_dedup_on(
    corpus: Corpus,
    source: &str,
    config: &Config,
    progress: &dyn Progress,
) -> Result<DedupRun> {
    config.validate()?;
    let inputs = [Input::Path(source.into())];
    dedup_corpus(corpus, &inputs, config, Timings::default(), progress, None)
}

/// Near-duplicate detection over a corpus already read; `timings` holds the
/// stages run so far, `quality` the quality score of each document (input
/// order) when the caller has them (`scan`; for `Prefer::Quality`).
///
/// Documents are indexed in id order from signing to mining (see
/// [`IdOrder`]) and put back in input order at the end.
fn dedup_corpus(
    mut corpus: Corpus,
    inputs: &[Input],
    config: &Config,
    mut timings: Timings,
    progress: &dyn Progress,
    quality: Option<&[f64]>,
) -> Result<DedupRun> {
    let started = Instant::now();
    let order = IdOrder::of(&corpus.documents);
    order.to_ids(&mut corpus.documents);
    progress.start("sketch", Some(corpus.documents.len() as u64));
    // Counted while tokenizing for the signatures: the rewrite wing's source
    // direction needs corpus word frequencies.
    let frequencies = if config.rewrites {
        WordFrequencies::table(rewrites::FREQUENCY_TABLE_BITS)
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
                doc.relation = relations.get(member as usize).copied().flatten();
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

/// Parameters of `copydesk check`: how records are read and how the quality
/// pass runs.
#[derive(Debug, Clone, Default)]
pub struct CheckConfig {
    /// How records are read.
    pub read: ReadOptions,
    /// Quality-pass thresholds.
    pub quality: QualityConfig,
    /// User lexicon files added to the built-in lexicon (`--lexicon`).
    pub lexicon_files: Vec<std::path::PathBuf>,
    /// Mined substitution lexicons (`--substitutions`).
    pub substitution_files: Vec<std::path::PathBuf>,
    /// A substitution must have been seen this many times to be used.
    pub min_substitution_count: u64,
    /// Reference model written by `copydesk fit` (`--model`); without one the
    /// corpus's own counts are used, each document left out of its evidence.
    pub model: Option<std::path::PathBuf>,
    /// Without a model, do not use the corpus's own counts either (lexicon and rules only).
    pub no_corpus_stats: bool,
}

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

/// Results of `copydesk check`.
#[derive(Debug)]
pub struct CheckRun {
    /// The configuration used.
    pub config: CheckConfig,
    /// Inputs as named by the user.
    pub inputs: Vec<String>,
    /// What was read (documents in input order).
    pub corpus: Corpus,
    /// Quality of each accepted document, parallel to `corpus.documents`.
    pub results: Vec<crate::quality::DocQuality>,
    /// Where the collocation statistics came from.
    pub stats_source: StatsSource,
    /// Time per stage.
    pub timings: Timings,
}

fn build_checker(config: &CheckConfig) -> Result<(Checker, bool)> {
    let mut lexicon = Lexicon::builtin();
    for path in &config.lexicon_files {
        lexicon.load_extra(path)?;
    }
    for path in &config.substitution_files {
        lexicon.load_substitutions(path, config.min_substitution_count)?;
    }
    let mut checker = Checker::new(config.quality.clone(), &lexicon)?;
    let has_model = if let Some(path) = &config.model {
        checker = checker.with_model(NgramModel::load(path)?);
        true
    } else {
        false
    };
    Ok((checker, has_model))
}

fn read_stage(
    inputs: &[Input],
    read: &ReadOptions,
    progress: &dyn Progress,
    timings: &mut Timings,
) -> Result<Corpus> {
    let started = Instant::now();
    progress.start(
        "read",
        Some(corpus::input_size(inputs, read)).filter(|&n| n > 0),
    );
    let corpus = corpus::read_inputs(inputs, read, progress);
    progress.finish();
    timings.record("read", started.elapsed());
    corpus
}

fn fit_documents(documents: &[corpus::Document], progress: &dyn Progress) -> NgramModel {
    count_documents(documents, |done| progress.advance(done))
}

/// The word and pair counts of `documents`; `advance` hears how many are done.
fn count_documents<D: std::borrow::Borrow<corpus::Document> + Sync>(
    documents: &[D],
    advance: impl Fn(u64) + Sync,
) -> NgramModel {
    // One model per rayon task, not per chunk: merging a thousand chunk
    // models into the whole corpus's counts cost more than counting.
    documents
        .par_chunks(SIGN_CHUNK)
        .fold(
            || (NgramModel::new(), Tokens::default()),
            |(mut model, mut tokens), chunk| {
                for doc in chunk {
                    let text = &doc.borrow().text;
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

/// Run the quality pass over `inputs` (`copydesk check`).
///
/// Progress stages: `read` (bytes), `count` (documents, only without a model),
/// `check` (documents), and with corpus statistics `recheck` (documents: the
/// second pass, on counts without the documents that look spun).
pub fn run_check(
    inputs: &[Input],
    config: &CheckConfig,
    progress: &dyn Progress,
) -> Result<CheckRun> {
    let mut timings = Timings::default();
    let (checker, has_model) = build_checker(config)?;
    let corpus = read_stage(inputs, &config.read, progress, &mut timings)?;
    Ok(checked_run(
        corpus,
        input_names(inputs),
        (&checker, has_model),
        config,
        progress,
        timings,
    ))
}

/// The quality pass of [`run_check`] and [`run_check_on`] over a corpus
/// already read, with the checker built before reading.
fn checked_run(
    corpus: Corpus,
    inputs: Vec<String>,
    (checker, has_model): (&Checker, bool),
    config: &CheckConfig,
    progress: &dyn Progress,
    mut timings: Timings,
) -> CheckRun {
    let (results, stats_source) = check_corpus(
        &corpus,
        checker,
        has_model,
        config,
        None,
        progress,
        &mut timings,
    );
    CheckRun {
        config: config.clone(),
        inputs,
        corpus,
        results,
        stats_source,
        timings,
    }
}

/// [`run_check`] over a corpus already in memory ([`corpus::from_records`]).
pub fn run_check_on(
    corpus: Corpus,
    source: &str,
    config: &CheckConfig,
    progress: &dyn Progress,
) -> Result<CheckRun> {
    let (checker, has_model) = build_checker(config)?;
    Ok(checked_run(
        corpus,
        vec![source.to_owned()],
        (&checker, has_model),
        config,
        progress,
        Timings::default(),
    ))
}

/// The quality pass over a corpus already read: corpus statistics first
/// (unless a model is given or they are turned off), then every document.
///
/// `clusters` (from `scan`) gives each document's dedup cluster: documents of
/// one cluster do not count as unrelated for corpus-level boilerplate.
fn check_corpus(
    corpus: &Corpus,
    checker: &Checker,
    has_model: bool,
    config: &CheckConfig,
    clusters: Option<&[Option<u32>]>,
    progress: &dyn Progress,
    timings: &mut Timings,
) -> (Vec<crate::quality::DocQuality>, StatsSource) {
    let started = Instant::now();
    let texts: Vec<&str> = corpus.documents.iter().map(|d| d.text.as_str()).collect();
    let ids: Vec<&str> = corpus.documents.iter().map(|d| d.id.as_str()).collect();
    let corpus_flags = crate::quality::boilerplate::repeated_lines(
        &texts,
        &ids,
        clusters,
        &config.quality.boilerplate,
    );
    timings.record("boilerplate", started.elapsed());
    let corpus_flags = &corpus_flags;
    let corpus_model = if has_model || config.no_corpus_stats {
        None
    } else {
        let started = Instant::now();
        progress.start("count", Some(corpus.documents.len() as u64));
        let model = fit_documents(&corpus.documents, progress);
        progress.finish();
        timings.record("count", started.elapsed());
        (model.total_words() >= config.quality.stats.min_reference_words).then_some(model)
    };
    let stats_source = match (&corpus_model, has_model) {
        (_, true) => StatsSource::Model,
        (Some(_), false) => StatsSource::Corpus,
        (None, false) => StatsSource::None,
    };

    let started = Instant::now();
    progress.start("check", Some(corpus.documents.len() as u64));
    let copy_of = first_copies(&corpus.documents);
    // The first pass checks every document but the copies, which take their
    // original's result.
    let results = match corpus_model {
        None => {
            let checked = check_documents(corpus, checker, corpus_flags, progress, |index| {
                copy_of[index].is_none().then(|| match checker.model() {
                    Some(model) => Evidence::Model(model),
                    None => Evidence::None,
                })
            });
            fill_copies(checked, &copy_of)
                .into_iter()
                .flatten()
                .collect()
        }
        Some(mut model) => {
            let checked = check_documents(corpus, checker, corpus_flags, progress, |index| {
                copy_of[index]
                    .is_none()
                    .then_some(Evidence::CorpusLeaveOneOut(&model))
            });
            let first: Vec<crate::quality::DocQuality> = fill_copies(checked, &copy_of)
                .into_iter()
                .flatten()
                .collect();
            // Second pass on the counts of the documents that do not look spun.
            let spun: Vec<bool> = first.iter().map(|r| checker.looks_spun(r)).collect();
            progress.finish();
            timings.record("check", started.elapsed());
            if !spun.contains(&true) {
                return (first, stats_source);
            }
            let spun_documents: Vec<&corpus::Document> = corpus
                .documents
                .iter()
                .zip(&spun)
                .filter_map(|(doc, &s)| s.then_some(doc))
                .collect();
            let removed = count_documents(&spun_documents, |_| {});
            // The first pass is done with the full counts: they are
            // reduced in place rather than copied.
            model.subtract(&removed);
            let trusted = model;
            // Only documents at least a quarter of the way to looking spun
            // are checked again: taking the spun documents' words out of the
            // counts moves the others' evidence too little to matter, and
            // checking every document twice would double the cost of the pass.
            let recheck: Vec<bool> = first.iter().map(|r| checker.near_spun(r)).collect();
            let started = Instant::now();
            progress.start("recheck", Some(corpus.documents.len() as u64));
            let second = check_documents(corpus, checker, corpus_flags, progress, |index| {
                (recheck[index] && copy_of[index].is_none()).then(|| {
                    if spun[index] {
                        Evidence::Model(&trusted)
                    } else {
                        Evidence::CorpusLeaveOneOut(&trusted)
                    }
                })
            });
            let second: Vec<crate::quality::DocQuality> = first
                .into_iter()
                .zip(fill_copies(second, &copy_of))
                .map(|(first, second)| second.unwrap_or(first))
                .collect();
            progress.finish();
            timings.record("recheck", started.elapsed());
            return (second, stats_source);
        }
    };
    progress.finish();
    timings.record("check", started.elapsed());
    (results, stats_source)
}

/// For each document, the first earlier document with exactly the same
/// text, if any. A document's quality depends on its text and the evidence
/// only, so a byte-identical copy (common in scraped news) is checked once
/// and takes its original's result.
fn first_copies(documents: &[corpus::Document]) -> Vec<Option<u32>> {
    let hashes: Vec<u64> = documents
        .par_iter()
        .map(|doc| xxh3_64(doc.text.as_bytes()))
        .collect();
    let mut first: HashKeyed<u32> = HashKeyed::default();
    first.reserve(documents.len());
    hashes
        .iter()
        .enumerate()
        .map(|(index, &hash)| {
            let original = *first.entry(hash).or_insert(index as u32);
            // Equal hashes of different texts: the later one is checked on its own.
            (original as usize != index
                && documents[original as usize].text == documents[index].text)
                .then_some(original)
        })
        .collect()
}

/// Give each copy (see [`first_copies`]) its original's result.
fn fill_copies(
    mut results: Vec<Option<crate::quality::DocQuality>>,
    copy_of: &[Option<u32>],
) -> Vec<Option<crate::quality::DocQuality>> {
    for (index, original) in copy_of.iter().enumerate() {
        if let Some(&original) = original.as_ref() {
            // The original comes first, so it is filled already.
            results[index] = results.get(original as usize).cloned().flatten();
        }
    }
    results
}

/// Check each document of `corpus` for which `evidence(index)` gives the
/// evidence to use; `None` (not checked) for the others.
fn check_documents<'m>(
    corpus: &Corpus,
    checker: &Checker,
    corpus_flags: &[Vec<crate::quality::Flag>],
    progress: &dyn Progress,
    evidence: impl Fn(usize) -> Option<Evidence<'m>> + Sync,
) -> Vec<Option<crate::quality::DocQuality>> {
    corpus
        .documents
        .par_chunks(SIGN_CHUNK)
        .enumerate()
        .map(|(chunk_index, chunk)| {
            let mut tokens = Tokens::default();
            let checked: Vec<_> = chunk
                .iter()
                .enumerate()
                .map(|(i, doc)| {
                    let index = chunk_index * SIGN_CHUNK + i;
                    let evidence = evidence(index)?;
                    text::tokenize_into(&doc.text, &mut tokens);
                    Some(checker.check_with_flags(
                        &doc.text,
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

/// Learn word and word-pair counts from trusted text (`copydesk fit`).
///
/// Progress stages: `read` (bytes), `count` (documents).
pub fn run_fit(
    inputs: &[Input],
    read: &ReadOptions,
    progress: &dyn Progress,
) -> Result<(Corpus, NgramModel, Timings)> {
    let mut timings = Timings::default();
    let corpus = read_stage(inputs, read, progress, &mut timings)?;
    let started = Instant::now();
    progress.start("count", Some(corpus.documents.len() as u64));
    let model = fit_documents(&corpus.documents, progress);
    progress.finish();
    timings.record("count", started.elapsed());
    Ok((corpus, model, timings))
}

fn input_names(inputs: &[Input]) -> Vec<String> {
    inputs
        .iter()
        .map(|input| match input {
            Input::Stdin => "-".to_owned(),
            Input::Path(path) => path.display().to_string(),
        })
        .collect()
}

/// Parameters of `copydesk scan`: near-duplicates and rewrites as in
/// [`run_dedup`], and the quality pass as in [`run_check`]. Records are read as
/// `dedup.read` says; `check.read` is not used.
#[derive(Debug, Clone, Default)]
pub struct ScanConfig {
    /// Reading and near-duplicate detection.
    pub dedup: Config,
    /// The quality pass.
    pub check: CheckConfig,
}

/// Results of `copydesk scan`: the dedup results and the quality of each document.
#[derive(Debug)]
pub struct ScanRun {
    /// Near-duplicates, rewrites, clusters (and the corpus, read once).
    pub dedup: DedupRun,
    /// Quality of each accepted document, parallel to `dedup.corpus.documents`.
    pub quality: Vec<crate::quality::DocQuality>,
    /// Where the collocation statistics came from.
    pub stats_source: StatsSource,
}

/// The whole job (`copydesk scan`): one read of the inputs, then
/// near-duplicates and rewrites, then the quality pass over the same corpus.
/// Token arrays are not kept from stage to stage: each stage tokenizes again
/// (about 390 MiB/s per core), where keeping them would hold five times the
/// corpus's size in memory (24 bytes per word plus the normalized text).
///
/// Progress stages: those of [`run_dedup`], then `count` and `check`.
pub fn run_scan(inputs: &[Input], config: &ScanConfig, progress: &dyn Progress) -> Result<ScanRun> {
    config.dedup.validate()?;
    let (checker, has_model) = build_checker(&config.check)?;
    let mut timings = Timings::default();
    let corpus = read_stage(inputs, &config.dedup.read, progress, &mut timings)?;
    scan_corpus(
        corpus,
        inputs,
        config,
        (&checker, has_model),
        timings,
        progress,
    )
}

/// [`run_scan`] over a corpus already in memory ([`corpus::from_records`]).
pub fn run_scan_on(
    corpus: Corpus,
    source: &str,
    config: &ScanConfig,
    progress: &dyn Progress,
) -> Result<ScanRun> {
    config.dedup.validate()?;
    let (checker, has_model) = build_checker(&config.check)?;
    let inputs = [Input::Path(source.into())];
    let timings = Timings::default();
    scan_corpus(
        corpus,
        &inputs,
        config,
        (&checker, has_model),
        timings,
        progress,
    )
}

/// The scan of a corpus already read: quality and near-duplicates, in the
/// order [`Prefer`] needs; `checker` is the quality checker and whether it
/// has a fitted model.
fn scan_corpus(
    corpus: Corpus,
    inputs: &[Input],
    config: &ScanConfig,
    (checker, has_model): (&Checker, bool),
    mut timings: Timings,
    progress: &dyn Progress,
) -> Result<ScanRun> {
    if config.dedup.prefer == Prefer::Quality {
        // Representatives by quality: the quality pass comes first, with no
        // clusters yet, so copies are told apart by their content alone.
        let (quality, stats_source) = check_corpus(
            &corpus,
            checker,
            has_model,
            &config.check,
            None,
            progress,
            &mut timings,
        );
        let scores: Vec<f64> = quality.iter().map(|q| q.scores.quality).collect();
        let dedup = dedup_corpus(
            corpus,
            inputs,
            &config.dedup,
            timings,
            progress,
            Some(&scores),
        )?;
        return Ok(ScanRun {
            dedup,
            quality,
            stats_source,
        });
    }
    let mut dedup = dedup_corpus(corpus, inputs, &config.dedup, timings, progress, None)?;
    let clusters: Vec<Option<u32>> = dedup.documents.iter().map(|d| d.cluster).collect();
    let (quality, stats_source) = check_corpus(
        &dedup.corpus,
        checker,
        has_model,
        &config.check,
        Some(&clusters),
        progress,
        &mut dedup.timings,
    );
    Ok(ScanRun {
        dedup,
        quality,
        stats_source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
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
        let edit = |op, a: [u32; 2], b: [u32; 2]| rewrites::EditSpans { op, a, b };
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

    #[test]
    fn byte_identical_texts_are_copies_of_the_first() {
        let with_text = |text: &str| corpus::Document {
            text: text.into(),
            ..doc("x", None)
        };
        let docs: Vec<corpus::Document> = ["a b", "A b", "a b", "", "a b ", "", "a b"]
            .into_iter()
            .map(with_text)
            .collect();
        // Only exact bytes count: case and a trailing space make other texts.
        assert_eq!(
            first_copies(&docs),
            [None, None, Some(0), None, None, Some(3), Some(0)]
        );
        let checker = Checker::new(QualityConfig::default(), &Lexicon::builtin()).unwrap();
        let text = "The council met on Tuesday. It approved the plan.";
        let checked = checker.check(text, &text::tokenize(text));
        let filled = fill_copies(
            vec![Some(checked.clone()), None, None],
            &[None, None, Some(0)],
        );
        assert_eq!(filled, [Some(checked.clone()), None, Some(checked)]);
    }

    #[test]
    fn invalid_parameters_are_reported() {
        let mut config = Config::default();
        config.dedup.jaccard_threshold = 1.5;
        assert!(config.validate().is_err());
        let mut config = Config::default();
        config.dedup.num_bands = Some(1000);
        assert!(config.validate().is_err());
        let mut config = Config::default();
        config.read.carry_fields = vec!["cluster".into()];
        assert!(config.validate().is_err());
        assert!(Config::default().validate().is_ok());
    }
}
