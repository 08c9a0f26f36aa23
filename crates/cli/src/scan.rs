//! `copydesk scan`: the whole job in one run — near-duplicates, rewrites and
//! the quality pass over one read of the corpus, with a report for people.

use super::check::QualityArgs;
use super::dedup::{print_lsh, print_summary, warn_weak_lsh, DedupArgs};
use super::{seconds, Bars, UsageError};
use anyhow::Context;
use clap::Args;
use copydesk::error::Error;
use copydesk::pipeline::{self, ScanConfig};
use copydesk::progress::{NoProgress, Progress};
use copydesk::report::html::ReportLimits;
use copydesk::report::names;
use copydesk::report::scan::{self, ScanOutputs};
use std::path::PathBuf;

/// Find copies and rewrites, flag spun and broken text, and write a report.
#[derive(Debug, Args)]
#[command(
    after_help = "Writes documents.jsonl (dedup and quality fields), pairs.jsonl, clusters.jsonl, \
rejected.jsonl, summary.json and report.html into --out (the first three as .parquet with \
--format parquet). With --keep, the clean corpus: unique \
documents whose quality is at least --min-quality and the best member of each cluster by quality \
(ties by --prefer) when it reaches --min-quality, original lines untouched. \
Exit codes: 0 success, 1 bad input or I/O error, 2 usage error."
)]
pub struct ScanArgs {
    #[command(flatten)]
    dedup: DedupArgs,

    #[command(flatten)]
    quality: QualityArgs,

    /// Write what is left out of the clean corpus (duplicates, low quality) to
    /// this file, one JSON line per document with the reasons; compressed
    /// when named .gz or .zst. Named .parquet, the dropped rows as --keep
    /// writes kept ones, with copydesk_reasons, copydesk_duplicate_of,
    /// copydesk_kept_instead and copydesk_quality columns.
    #[arg(long, value_name = "FILE")]
    drop: Option<PathBuf>,

    /// Quality score (0 to 1, 1 = clean) below which a document is left out of the clean corpus.
    #[arg(long, default_value_t = 0.5, value_parser = unit_interval)]
    min_quality: f64,

    /// Clusters shown in report.html (largest first; all are in clusters.jsonl).
    #[arg(long, default_value_t = ReportLimits::default().max_clusters, value_name = "N")]
    report_clusters: usize,

    /// Flagged documents shown in report.html (lowest quality first; all are in documents.jsonl).
    #[arg(long, default_value_t = ReportLimits::default().max_flagged, value_name = "N")]
    report_flagged: usize,
}

fn unit_interval(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(value) if (0.0..=1.0).contains(&value) => Ok(value),
        Ok(value) => Err(format!("{value} is not in [0, 1]")),
        Err(_) => Err(format!("{text:?} is not a number")),
    }
}

impl ScanArgs {
    /// Run the subcommand.
    pub fn run(self) -> anyhow::Result<()> {
        // DedupArgs already keeps raw lines when --keep is given.
        let dedup = self.dedup.config()?;
        if let Err(Error::Config(message)) = dedup.validate() {
            return Err(UsageError(message).into());
        }
        let config = ScanConfig {
            check: self.quality.config(dedup.read.clone()),
            dedup,
        };
        if let Some(threads) = self.dedup.threads {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build_global()
                .context("cannot start worker threads")?;
        }
        if self.dedup.verbose {
            print_lsh(&config.dedup);
        }
        if !self.dedup.quiet {
            warn_weak_lsh(&config.dedup);
        }
        let out = &self.dedup.out;
        let mut plan = self.dedup.plan();
        plan.data.extend(self.quality.data_files());
        plan.files
            .extend(self.drop.iter().map(|path| ("--drop", path.as_path())));
        let staged = plan.prepare()?;
        let inputs: Vec<_> = self
            .dedup
            .inputs
            .iter()
            .map(|arg| copydesk::corpus::Input::parse(arg))
            .collect();
        let bars = Bars::for_stderr(self.dedup.quiet);
        let progress: &dyn Progress = match &bars {
            Some(bars) => bars,
            None => &NoProgress,
        };
        let run = pipeline::run_scan(&inputs, &config, progress)?;
        super::warn_skipped(&run.dedup.corpus, self.dedup.quiet);
        let outputs = ScanOutputs {
            keep: self.dedup.keep.as_deref(),
            drop: self.drop.as_deref(),
            min_quality: self.min_quality,
            limits: ReportLimits {
                max_clusters: self.report_clusters,
                max_flagged: self.report_flagged,
                ..ReportLimits::default()
            },
            format: self.dedup.format.into(),
        };
        let timings = scan::write_scan_to(&run, staged, &outputs)?;
        if !self.dedup.quiet {
            print_summary(&run.dedup, &timings, out, None);
            let flagged = run.quality.iter().filter(|q| !q.flags.is_empty()).count();
            eprintln!(
                "copydesk: {flagged} of {} documents flagged; report in {} ({})",
                run.quality.len(),
                out.join(names::REPORT).display(),
                seconds(timings.total())
            );
            if let Some(keep) = &self.dedup.keep {
                let kept = copydesk::pipeline::CleanCorpus::new(&run, self.min_quality).len();
                eprintln!("copydesk: kept {kept} documents in {}", keep.display());
            }
        }
        // As in dedup: the process ends here, and freeing every document,
        // pair, edit and flag one by one would cost a noticeable share of a
        // large run.
        std::mem::forget(run);
        Ok(())
    }
}
