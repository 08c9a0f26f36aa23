//! `copydesk fit`: learn word and word-pair counts from trusted text, for
//! `copydesk check --model`.

use super::outputs::Plan;
use super::{seconds, Bars, UsageError};
use clap::Args;
use copydesk::corpus::{Input, ReadOptions};
use copydesk::pipeline;
use copydesk::progress::{NoProgress, Progress};
use std::path::PathBuf;

/// Count words and word pairs of trusted news text into a reference model.
#[derive(Debug, Args)]
#[command(after_help = "Exit codes: 0 success, 1 bad input or I/O error, 2 usage error.")]
pub struct FitArgs {
    /// JSONL files (also .ndjson, .json; .gz, .zst), Parquet files, .txt files, directories of them, or - for standard input.
    #[arg(required = true, value_name = "CORPUS")]
    inputs: Vec<String>,

    /// Where to write the model, uncompressed: not a .gz or .zst name (`-o`
    /// and `--output` are the same option).
    #[arg(
        long = "out",
        short = 'o',
        visible_alias = "output",
        value_name = "MODEL"
    )]
    out: PathBuf,

    /// JSON field holding the document text.
    #[arg(long, default_value = "text", value_name = "FIELD")]
    text_field: String,

    /// JSON field holding the document id (string or integer).
    #[arg(long, default_value = "id", value_name = "FIELD")]
    id_field: String,

    /// Also read the subdirectories of directory inputs (depth first, names
    /// in byte order; symbolic links followed, no directory read twice).
    #[arg(long)]
    recursive: bool,

    /// Skip invalid records instead of stopping.
    #[arg(long)]
    skip_invalid: bool,

    /// Print nothing on standard error except errors.
    #[arg(long, short)]
    quiet: bool,
}

impl FitArgs {
    /// Run the subcommand.
    pub fn run(self) -> anyhow::Result<()> {
        let read = ReadOptions {
            id_field: self.id_field.clone(),
            text_field: self.text_field.clone(),
            skip_invalid: self.skip_invalid,
            recursive: self.recursive,
            ..ReadOptions::default()
        };
        let name = self.out.to_string_lossy();
        if name.ends_with(".gz") || name.ends_with(".zst") {
            return Err(UsageError(format!(
                "--out {name}: models are read uncompressed by --model; name it without .gz or .zst"
            ))
            .into());
        }
        let plan = Plan {
            inputs: &self.inputs,
            files: vec![("--out", self.out.as_path())],
            recursive: self.recursive,
            ..Plan::default()
        };
        let mut outputs = plan.prepare()?;
        let inputs: Vec<Input> = self.inputs.iter().map(|arg| Input::parse(arg)).collect();
        let bars = Bars::for_stderr(self.quiet);
        let progress: &dyn Progress = match &bars {
            Some(bars) => bars,
            None => &NoProgress,
        };
        let (corpus, model, timings) = pipeline::run_fit(&inputs, &read, progress)?;
        super::warn_skipped(&corpus, self.quiet);
        // Written next to the destination and renamed, so a failed write leaves no partial model.
        outputs.stage(&self.out, |w| model.write_to(w))?;
        outputs.commit()?;
        if !self.quiet {
            eprintln!(
                "copydesk: counted {} words of {} documents ({} rejected) in {}; model in {}",
                model.total_words(),
                corpus.documents.len(),
                corpus.rejected.len(),
                seconds(timings.total()),
                self.out.display()
            );
        }
        Ok(())
    }
}
