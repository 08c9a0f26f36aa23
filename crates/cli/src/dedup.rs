//! `copydesk dedup`: near-duplicates and syndicated copies.

use super::outputs::Plan;
use super::{fraction, positive, seconds, Bars, UsageError};
use anyhow::Context;
use clap::{Args, ValueEnum};
use copydesk::corpus::{Input, ReadOptions};
use copydesk::dedup::{DedupConfig, MinHashScheme, ShingleKind};
use copydesk::error::Error;
use copydesk::pipeline::{self, Config, DedupRun, EditsOutput, PairsOutput, Prefer, Timings};
use copydesk::progress::{NoProgress, Progress};
use copydesk::report::jsonl;
use copydesk::report::names;
use copydesk::rewrite::{FunctionWords, RewriteConfig};
use std::path::{Path, PathBuf};

/// Find exact copies, near-duplicates and syndicated copies.
#[derive(Debug, Args)]
#[command(after_help = "Exit codes: 0 success, 1 bad input or I/O error, 2 usage error.")]
pub struct DedupArgs {
    /// JSONL files (also .ndjson, .json; .gz, .zst), Parquet files (.parquet;
    /// the id, text, date and carried columns are read), .txt files (one
    /// document each), directories of them, or - for JSONL on standard input.
    #[arg(required = true, value_name = "INPUT")]
    pub(super) inputs: Vec<String>,

    /// Output directory (created if missing; its parent must exist). Its
    /// contents are replaced as a whole.
    #[arg(long, value_name = "DIR")]
    pub(super) out: PathBuf,

    /// JSON field holding the document id (string or integer).
    #[arg(long, default_value = "id", value_name = "FIELD")]
    id_field: String,

    /// JSON field holding the document text.
    #[arg(long, default_value = "text", value_name = "FIELD")]
    text_field: String,

    /// JSON field holding the publication date (compared as text; ISO 8601 sorts right).
    #[arg(long, default_value = "date", value_name = "FIELD")]
    date_field: String,

    /// Comma-separated fields copied from each record into documents.jsonl.
    #[arg(long, value_delimiter = ',', value_name = "FIELDS")]
    carry: Vec<String>,

    /// Shingle length, in words or characters.
    #[arg(long, value_parser = positive, default_value_t = DedupConfig::default().ngram)]
    ngram: usize,

    /// What shingles are cut from: words, or characters (for OCR-noisy text).
    #[arg(long, value_enum, default_value_t = ShingleArg::from(DedupConfig::default().shingle))]
    shingle: ShingleArg,

    /// Number of MinHash values per signature (bins or permutations).
    #[arg(long, value_parser = positive, default_value_t = DedupConfig::default().num_perm)]
    num_perm: usize,

    /// How signatures are computed: one hash per shingle into --num-perm bins
    /// with densification, or --num-perm multiply-shift permutations per shingle.
    #[arg(long, value_enum, default_value_t = MinHashArg::from(DedupConfig::default().minhash))]
    minhash: MinHashArg,

    /// Seed of the MinHash permutations.
    #[arg(long, default_value_t = DedupConfig::default().seed)]
    seed: u64,

    /// Jaccard similarity at or above which two documents are near-exact copies.
    #[arg(long, value_parser = fraction, default_value_t = DedupConfig::default().jaccard_threshold)]
    threshold: f64,

    /// Share of a document's shingles found in another at or above which it is an excerpt of it.
    #[arg(long, value_parser = fraction, default_value_t = DedupConfig::default().containment_threshold)]
    containment: f64,

    /// Link documents by Jaccard only: no containment channel, no `excerpt`
    /// or `partial` pairs (the classic MinHash-LSH pipeline; misses trimmed
    /// copies and excerpts).
    #[arg(long, conflicts_with = "containment")]
    no_containment: bool,

    /// Number of LSH bands (default: chosen from --threshold and --num-perm).
    #[arg(long, value_parser = positive)]
    bands: Option<usize>,

    /// Which cluster member becomes the representative: the longest, the
    /// earliest date, the first read (the one choice that depends on input
    /// order), or the best quality score (ties to the longest).
    #[arg(long, value_enum, default_value_t = PreferArg::Longest)]
    prefer: PreferArg,

    /// Which pairs get their edits (the word alignment) in the pairs table:
    /// all, the spun ones (rewrite pairs and copies with several word swaps;
    /// the default: elsewhere the edits are most of the output and say only
    /// what was trimmed), or none.
    #[arg(long, value_enum, default_value_t = EditsArg::Spun)]
    edits: EditsArg,

    /// Which pairs the pairs table holds: each clustered document with its
    /// representative, and the partial pairs that kept stories apart (the
    /// default: linear in the corpus), or every verified pair (a cluster of
    /// n copies has up to n(n-1)/2).
    #[arg(long, value_enum, default_value_t = PairsArg::Representative)]
    pairs: PairsArg,

    /// Also write the deduplicated corpus (unique documents and representatives,
    /// original lines untouched) to this file; compressed when named .gz or
    /// .zst, Parquet when named .parquet (the input's rows and columns as they
    /// were for Parquet input; id, text, date and carried fields as strings
    /// otherwise).
    #[arg(long, value_name = "FILE")]
    pub(super) keep: Option<PathBuf>,

    /// How documents, pairs and clusters are written into the output
    /// directory: JSON Lines, or Parquet files of the same columns
    /// (documents.parquet, pairs.parquet, clusters.parquet). The other
    /// outputs are JSON either way.
    #[arg(long, value_enum, default_value_t = super::FormatArg::Jsonl)]
    pub(super) format: super::FormatArg,

    /// Also read the subdirectories of directory inputs (depth first, names
    /// in byte order; symbolic links followed, no directory read twice).
    #[arg(long)]
    recursive: bool,

    /// List invalid records in rejected.jsonl and go on, instead of stopping.
    #[arg(long)]
    skip_invalid: bool,

    /// Worker threads (default: all cores).
    #[arg(long, value_parser = positive, value_name = "N")]
    pub(super) threads: Option<usize>,

    /// Print nothing on standard error except errors.
    #[arg(long, short, conflicts_with = "verbose")]
    pub(super) quiet: bool,

    /// Print the LSH parameters and their detection probabilities.
    #[arg(long, short)]
    pub(super) verbose: bool,

    /// Do not link spinner-style rewrites, and do not align pairs for their edits.
    #[arg(long)]
    no_rewrites: bool,

    /// Alignment similarity (share of aligned words) at or above which a pair is a rewrite.
    #[arg(long, value_parser = fraction, value_name = "X", default_value_t = RewriteConfig::default().similarity_threshold)]
    rewrite_similarity: f64,

    /// Function-word list for rewrite signatures (one word per line, `#` comments),
    /// replacing the built-in data/function_words.txt.
    #[arg(long, value_name = "FILE")]
    function_words: Option<PathBuf>,

    /// Reference resources (format of data/reference/english.tsv.gz) that mined
    /// substitutions are judged against, replacing the built-in ones.
    #[arg(long, value_name = "FILE")]
    reference: Option<PathBuf>,

    /// Keep every mined substitution in substitutions.jsonl, typos, value
    /// swaps, opposites and unrelated words included (each with its kind).
    #[arg(long)]
    all_substitutions: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ShingleArg {
    Words,
    Chars,
}

impl From<ShingleKind> for ShingleArg {
    fn from(kind: ShingleKind) -> ShingleArg {
        match kind {
            ShingleKind::Words => ShingleArg::Words,
            ShingleKind::Chars => ShingleArg::Chars,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum MinHashArg {
    OnePermutation,
    Permutations,
}

impl From<MinHashScheme> for MinHashArg {
    fn from(scheme: MinHashScheme) -> MinHashArg {
        match scheme {
            MinHashScheme::OnePermutation => MinHashArg::OnePermutation,
            MinHashScheme::Permutations => MinHashArg::Permutations,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum PreferArg {
    Longest,
    Earliest,
    First,
    Quality,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum PairsArg {
    Representative,
    All,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum EditsArg {
    All,
    Spun,
    None,
}

impl DedupArgs {
    /// The pipeline configuration the flags describe.
    pub fn config(&self) -> anyhow::Result<Config> {
        let mut rewrite = RewriteConfig {
            similarity_threshold: self.rewrite_similarity,
            ..RewriteConfig::default()
        };
        if let Some(path) = &self.function_words {
            rewrite.function_words = FunctionWords::load(path)?;
        }
        if let Some(path) = &self.reference {
            rewrite.reference = Some(std::sync::Arc::new(copydesk::quality::Reference::load(
                path,
            )?));
        }
        rewrite.all_substitutions = self.all_substitutions;
        Ok(Config {
            read: ReadOptions {
                id_field: self.id_field.clone(),
                text_field: self.text_field.clone(),
                date_field: self.date_field.clone(),
                carry_fields: self
                    .carry
                    .iter()
                    .map(|f| f.trim().to_owned())
                    .filter(|f| !f.is_empty())
                    .collect(),
                skip_invalid: self.skip_invalid,
                recursive: self.recursive,
                keep_raw: self.keep.is_some(),
            },
            dedup: DedupConfig {
                shingle: match self.shingle {
                    ShingleArg::Words => ShingleKind::Words,
                    ShingleArg::Chars => ShingleKind::Chars,
                },
                ngram: self.ngram,
                num_perm: self.num_perm,
                minhash: match self.minhash {
                    MinHashArg::OnePermutation => MinHashScheme::OnePermutation,
                    MinHashArg::Permutations => MinHashScheme::Permutations,
                },
                seed: self.seed,
                jaccard_threshold: self.threshold,
                containment_threshold: self.containment,
                containment: !self.no_containment,
                num_bands: self.bands,
            },
            prefer: match self.prefer {
                PreferArg::Longest => Prefer::Longest,
                PreferArg::Earliest => Prefer::Earliest,
                PreferArg::First => Prefer::First,
                PreferArg::Quality => Prefer::Quality,
            },
            rewrites: !self.no_rewrites,
            rewrite,
            edits: match self.edits {
                EditsArg::All => EditsOutput::All,
                EditsArg::Spun => EditsOutput::Spun,
                EditsArg::None => EditsOutput::None,
            },
            pairs: match self.pairs {
                PairsArg::Representative => PairsOutput::Representative,
                PairsArg::All => PairsOutput::All,
            },
        })
    }

    /// Run the subcommand.
    pub fn run(self) -> anyhow::Result<()> {
        let config = self.config()?;
        if let Err(Error::Config(message)) = config.validate() {
            return Err(UsageError(message).into());
        }
        if let Some(threads) = self.threads {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build_global()
                .context("cannot start worker threads")?;
        }
        if self.verbose {
            print_lsh(&config);
        }
        if !self.quiet {
            warn_weak_lsh(&config);
        }
        let outputs = self.plan().prepare()?;
        let inputs: Vec<Input> = self.inputs.iter().map(|arg| Input::parse(arg)).collect();
        let bars = Bars::for_stderr(self.quiet);
        let progress: &dyn Progress = match &bars {
            Some(bars) => bars,
            None => &NoProgress,
        };
        let run = pipeline::run_dedup(&inputs, &config, progress)?;
        super::warn_skipped(&run.corpus, self.quiet);
        let timings =
            jsonl::write_dedup_to(&run, outputs, self.keep.as_deref(), self.format.into())?;
        if !self.quiet {
            print_summary(&run, &timings, &self.out, self.keep.as_deref());
        }
        // The process ends here: freeing every document, pair and edit one by
        // one would cost a noticeable share of a large run.
        std::mem::forget(run);
        Ok(())
    }
}

impl DedupArgs {
    /// What the run reads and writes: with `--keep`, and the data files of
    /// these flags.
    pub(super) fn plan(&self) -> Plan<'_> {
        Plan {
            inputs: &self.inputs,
            data: self
                .function_words
                .iter()
                .map(|path| ("--function-words", path.as_path()))
                .chain(
                    self.reference
                        .iter()
                        .map(|path| ("--reference", path.as_path())),
                )
                .collect(),
            dir: Some(&self.out),
            files: self
                .keep
                .iter()
                .map(|path| ("--keep", path.as_path()))
                .collect(),
            recursive: self.recursive,
        }
    }
}

pub(super) fn print_lsh(config: &Config) {
    let lsh = config.lsh_params();
    let threshold = config.dedup.jaccard_threshold;
    let below = (threshold - 0.1).max(0.0);
    let chosen = if config.dedup.num_bands.is_some() {
        "set by --bands".to_owned()
    } else {
        format!("optimal for Jaccard {threshold}")
    };
    eprintln!(
        "copydesk: LSH {} bands x {} rows of {} permutations ({chosen})",
        lsh.num_bands, lsh.rows_per_band, config.dedup.num_perm
    );
    eprintln!(
        "copydesk: detection probability {:.4} at Jaccard {threshold:.2}, {:.4} at {below:.2}",
        lsh.detection_probability(threshold),
        lsh.detection_probability(below),
    );
}

/// Detection probability at `--threshold` under which band settings are
/// warned about: most pairs at the threshold would never become candidates.
pub const WEAK_DETECTION: f64 = 0.5;

/// Warn when the LSH layout is unlikely to find pairs at the threshold
/// (`--num-perm 100 --bands 7` finds a pair of Jaccard 0.5 with probability
/// 0.0004), saying what it is.
pub(super) fn warn_weak_lsh(config: &Config) {
    let lsh = config.lsh_params();
    let threshold = config.dedup.jaccard_threshold;
    let probability = lsh.detection_probability(threshold);
    if probability < WEAK_DETECTION {
        eprintln!(
            "copydesk: warning: LSH {} bands x {} rows detects a pair at Jaccard {threshold:.2} \
             (--threshold) with probability {probability:.4}; most such copies will not be \
             found by LSH (more bands, fewer rows per band, or leave --bands unset)",
            lsh.num_bands, lsh.rows_per_band
        );
    }
}

pub(super) fn print_summary(run: &DedupRun, timings: &Timings, out: &Path, keep: Option<&Path>) {
    let counts = run.counts();
    let mut read = format!(
        "copydesk: read {} records: {} accepted, {} rejected",
        counts.read, counts.accepted, counts.rejected
    );
    if counts.rejected > 0 {
        read.push_str(&format!(
            " (listed in {})",
            out.join(names::REJECTED).display()
        ));
    }
    eprintln!("{read}");
    eprintln!(
        "copydesk: {} unique, {} clusters, {} duplicates, {} pairs",
        counts.unique, counts.clusters, counts.duplicates, counts.pairs
    );
    let stages: Vec<String> = timings
        .stages()
        .iter()
        .map(|(stage, elapsed)| format!("{stage} {}", seconds(*elapsed)))
        .collect();
    eprintln!(
        "copydesk: done in {} ({}); results in {}",
        seconds(timings.total()),
        stages.join(", "),
        out.display()
    );
    if let Some(keep) = keep {
        let kept = run
            .corpus
            .documents
            .iter()
            .zip(&run.documents)
            .filter(|(document, result)| jsonl::is_kept(document, result))
            .count();
        eprintln!("copydesk: kept {kept} documents in {}", keep.display());
    }
}
