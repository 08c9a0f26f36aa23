//! `copydesk check`: flag spun, broken and incoherent text, with spans.

use super::outputs::Plan;
use super::{positive, seconds, Bars, ColorChoice, UsageError};
use anyhow::Context;
use clap::Args;
use copydesk::corpus::{Input, ReadOptions};
use copydesk::pipeline::{self, CheckConfig, CheckRun};
use copydesk::progress::{NoProgress, Progress};
use copydesk::quality::{HeuristicsConfig, QualityConfig};
use copydesk::report::check as report;
use std::io::Write;
use std::path::PathBuf;

/// Flag spun text, grammar breaks, page furniture and incoherent fragments.
#[derive(Debug, Args)]
#[command(
    after_help = "Without --out, prints each flagged document's flags with their spans \
highlighted. Exit codes: 0 success, 1 bad input or I/O error, 2 usage error."
)]
pub struct CheckArgs {
    /// JSONL files (also .ndjson, .json; .gz, .zst), Parquet files (.parquet;
    /// the id, text, date and carried columns are read), .txt files (one
    /// document each), directories of them, or - for JSONL on standard input.
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<String>,

    /// Output directory for documents.jsonl, rejected.jsonl and summary.json
    /// (created if missing; its parent must exist). Its contents are replaced as a whole.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,

    /// How documents are written into the output directory: documents.jsonl,
    /// or documents.parquet with the same columns (flags as a list of structs).
    #[arg(long, value_enum, default_value_t = super::FormatArg::Jsonl)]
    format: super::FormatArg,

    /// JSON field holding the document id (string or integer).
    #[arg(long, default_value = "id", value_name = "FIELD")]
    id_field: String,

    /// JSON field holding the document text.
    #[arg(long, default_value = "text", value_name = "FIELD")]
    text_field: String,

    #[command(flatten)]
    quality: QualityArgs,

    /// Also read the subdirectories of directory inputs (depth first, names
    /// in byte order; symbolic links followed, no directory read twice).
    #[arg(long)]
    recursive: bool,

    /// List invalid records in rejected.jsonl and go on, instead of stopping.
    #[arg(long)]
    skip_invalid: bool,

    /// Worker threads (default: all cores).
    #[arg(long, value_parser = positive, value_name = "N")]
    threads: Option<usize>,

    /// Print nothing on standard error except errors.
    #[arg(long, short)]
    quiet: bool,

    /// Highlight flagged spans when printing them (without --out): `auto` on a
    /// terminal unless NO_COLOR is set.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

/// The quality-pass options shared by `check` and `scan`.
#[derive(Debug, Args)]
pub struct QualityArgs {
    /// Extra lexicon file (formal names, tortured phrases, out-of-register words,
    /// closed-class words, furniture patterns); repeatable.
    #[arg(long, value_name = "FILE")]
    lexicon: Vec<PathBuf>,

    /// Reference model written by `copydesk fit` (default: statistics of the
    /// checked corpus itself, each document left out of its own evidence).
    #[arg(long, value_name = "MODEL")]
    model: Option<PathBuf>,

    /// Without --model, use no statistics at all instead of the corpus's own counts.
    #[arg(long, conflicts_with = "model")]
    no_corpus_stats: bool,

    /// substitutions.jsonl mined from spun copies (`from`, `to`, `count`); repeatable.
    #[arg(long, value_name = "FILE")]
    substitutions: Vec<PathBuf>,

    /// Use a mined substitution only when seen at least this many times.
    #[arg(long, value_parser = positive, default_value_t = 2, value_name = "N")]
    min_substitution_count: usize,

    /// Training-data heuristic thresholds: `news` (tuned on wire copy) or
    /// `datatrove` (the published Gopher, C4 and FineWeb defaults).
    #[arg(long, default_value = "news", value_parser = ["news", "datatrove"])]
    heuristics: String,
}

impl QualityArgs {
    /// The data files these flags read, each with its flag.
    pub fn data_files(&self) -> Vec<(&'static str, &std::path::Path)> {
        let lexicons = self
            .lexicon
            .iter()
            .map(|path| ("--lexicon", path.as_path()));
        let model = self.model.iter().map(|path| ("--model", path.as_path()));
        let substitutions =
            (self.substitutions.iter()).map(|path| ("--substitutions", path.as_path()));
        lexicons.chain(model).chain(substitutions).collect()
    }

    /// The quality-pass configuration, reading records as `read` says.
    pub fn config(&self, read: ReadOptions) -> CheckConfig {
        let mut quality = QualityConfig::default();
        if self.heuristics == "datatrove" {
            quality.heuristics = HeuristicsConfig::datatrove();
        }
        CheckConfig {
            read,
            quality,
            lexicon_files: self.lexicon.clone(),
            substitution_files: self.substitutions.clone(),
            min_substitution_count: self.min_substitution_count as u64,
            model: self.model.clone(),
            no_corpus_stats: self.no_corpus_stats,
        }
    }
}

impl CheckArgs {
    fn config(&self) -> CheckConfig {
        self.quality.config(ReadOptions {
            id_field: self.id_field.clone(),
            text_field: self.text_field.clone(),
            skip_invalid: self.skip_invalid,
            recursive: self.recursive,
            ..ReadOptions::default()
        })
    }

    /// Run the subcommand.
    pub fn run(self) -> anyhow::Result<()> {
        if self.skip_invalid && self.out.is_none() {
            return Err(UsageError(
                "--skip-invalid needs --out (rejected records go to rejected.jsonl)".into(),
            )
            .into());
        }
        if matches!(self.format, super::FormatArg::Parquet) && self.out.is_none() {
            return Err(UsageError(
                "--format parquet needs --out (standard output takes JSON Lines)".into(),
            )
            .into());
        }
        if let Some(threads) = self.threads {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build_global()
                .context("cannot start worker threads")?;
        }
        let plan = Plan {
            inputs: &self.inputs,
            data: self.quality.data_files(),
            dir: self.out.as_deref(),
            files: Vec::new(),
            recursive: self.recursive,
        };
        // Without --out nothing is written.
        let outputs = match self.out {
            Some(_) => Some(plan.prepare()?),
            None => {
                plan.check_only()?;
                None
            }
        };
        let config = self.config();
        let inputs: Vec<Input> = self.inputs.iter().map(|arg| Input::parse(arg)).collect();
        let bars = Bars::for_stderr(self.quiet);
        let progress: &dyn Progress = match &bars {
            Some(bars) => bars,
            None => &NoProgress,
        };
        let run = pipeline::run_check(&inputs, &config, progress)?;
        super::warn_skipped(&run.corpus, self.quiet);
        match (&self.out, outputs) {
            (Some(out), Some(outputs)) => {
                let timings = report::write_check_to(&run, outputs, self.format.into())?;
                if !self.quiet {
                    print_summary(&run);
                    eprintln!(
                        "copydesk: done in {}; results in {}",
                        seconds(timings.total()),
                        out.join(copydesk::report::TableFormat::from(self.format).documents())
                            .display()
                    );
                }
            }
            _ => {
                print_flags(&run, self.color).context("cannot write to standard output")?;
                if !self.quiet {
                    print_summary(&run);
                }
            }
        }
        Ok(())
    }
}

fn print_summary(run: &CheckRun) {
    let (by_category, _) = report::flag_counts(run);
    let flagged = run.results.iter().filter(|r| !r.flags.is_empty()).count();
    let categories: Vec<String> = by_category
        .iter()
        .map(|(c, n)| format!("{c} {n}"))
        .collect();
    eprintln!(
        "copydesk: checked {} documents ({} rejected): {} flagged{}{}",
        run.corpus.documents.len(),
        run.corpus.rejected.len(),
        flagged,
        if categories.is_empty() { "" } else { "; " },
        categories.join(", ")
    );
}

/// Each flagged document: a header with its scores, then each flag with its
/// line, the text around it and the span highlighted (bold red on a
/// terminal, between »« otherwise).
fn print_flags(run: &CheckRun, color: ColorChoice) -> std::io::Result<()> {
    let stdout = std::io::stdout();
    let color = color.enabled();
    let (open, close) = if color {
        ("\x1b[1;31m", "\x1b[0m")
    } else {
        ("»", "«")
    };
    let mut out = std::io::BufWriter::new(stdout.lock());
    for (document, result) in run.corpus.documents.iter().zip(&run.results) {
        if result.flags.is_empty() {
            continue;
        }
        writeln!(
            out,
            "== {} ({}): quality {:.2}, spin {:.2}, incoherence {:.2}",
            document.id,
            document.location,
            result.scores.quality,
            result.scores.spin,
            result.scores.incoherence
        )?;
        let text = &document.text;
        // Flags come in order of their start: line numbers are counted on
        // from the previous flag, not from the top of the text for each one.
        let (mut counted_to, mut line) = (0, 1);
        for flag in &result.flags {
            let at = flag.start.min(text.len());
            if at < counted_to {
                (counted_to, line) = (0, 1);
            }
            line += memchr::memchr_iter(b'\n', &text.as_bytes()[counted_to..at]).count();
            counted_to = at;
            writeln!(
                out,
                "  line {line} [{}] {}: {}",
                flag.category.as_str(),
                flag.rule,
                flag.message
            )?;
            if flag.start == 0 && flag.end == text.len() && text.len() > 120 {
                continue; // A whole-document heuristic: the message says it all.
            }
            let before = context_start(text, flag.start);
            let after = context_end(text, flag.end);
            let span_end = flag.end.min(flag.start + 300);
            let span_end = floor_boundary(text, span_end);
            writeln!(
                out,
                "      {}{open}{}{close}{}",
                one_line(&text[before..flag.start]),
                one_line(&text[flag.start..span_end]),
                one_line(&text[flag.end.max(span_end)..after])
            )?;
        }
    }
    out.flush()
}

fn floor_boundary(text: &str, index: usize) -> usize {
    copydesk::text::floor_char_boundary(text, index)
}

/// Where the context shown before a span starts: 50 bytes back, or the start
/// of its line when that is nearer. Only those 50 bytes are searched for the
/// line break: a one-line page of a million flags would otherwise search
/// back to its start for each.
fn context_start(text: &str, start: usize) -> usize {
    let window = floor_boundary(text, start.saturating_sub(50));
    match memchr::memrchr(b'\n', &text.as_bytes()[window..start]) {
        Some(newline) => window + newline + 1,
        None => window,
    }
}

/// Where the context shown after a span ends: 50 bytes on, or the end of
/// its line when that is nearer.
fn context_end(text: &str, end: usize) -> usize {
    let window = (end + 50).min(text.len());
    match memchr::memchr(b'\n', &text.as_bytes()[end..window]) {
        Some(newline) => end + newline,
        None => floor_boundary(text, window),
    }
}

fn one_line(text: &str) -> String {
    text.replace('\n', "⏎")
}
