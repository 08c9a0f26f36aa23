//! The `copydesk` command: a thin layer over [`copydesk::pipeline`].

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Find copies, syndicated wire stories, spun rewrites and incoherent text in news corpora.
#[derive(Debug, Parser)]
#[command(name = "copydesk", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Scan(scan::ScanArgs),
    Dedup(dedup::DedupArgs),
    Check(check::CheckArgs),
    Fit(fit::FitArgs),
    Compare(compare::CompareArgs),
}

fn main() -> ExitCode {
    // Usage errors exit with code 2 from inside `parse`.
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Scan(args) => args.run(),
        Command::Dedup(args) => args.run(),
        Command::Check(args) => args.run(),
        Command::Fit(args) => args.run(),
        Command::Compare(args) => args.run(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("copydesk: error: {}", error_message(&error));
            ExitCode::from(exit_code(&error))
        }
    }
}

pub mod check;
pub mod compare;
pub mod dedup;
pub mod fit;
mod outputs;
pub mod scan;

use clap::ValueEnum;
use copydesk::corpus::Corpus;
use copydesk::progress::Progress;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Duration;

/// A mistake in how the command was called (exit code 2), as opposed to a
/// failure while running it (exit code 1).
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// Exit code for an error returned by a subcommand.
pub fn exit_code(error: &anyhow::Error) -> u8 {
    if error.downcast_ref::<UsageError>().is_some() {
        2
    } else {
        1
    }
}

/// The error and its causes on one line. Library errors already include their
/// source in their message, so a cause already said is not repeated.
pub fn error_message(error: &anyhow::Error) -> String {
    let mut message = String::new();
    for cause in error.chain() {
        let text = cause.to_string();
        if message.contains(&text) {
            continue;
        }
        if !message.is_empty() {
            message.push_str(": ");
        }
        message.push_str(&text);
    }
    // The library knows no flags; the flag that would have found the
    // documents is the binary's to name.
    if let Some(copydesk::Error::NoDocuments {
        recursive: false, ..
    }) = error.downcast_ref()
    {
        message.push_str("; --recursive reads subdirectories");
    }
    message
}

/// When to colour what is printed on standard output (`--color`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless `NO_COLOR` is set to a non-empty value.
    Auto,
    /// Always, even into a file or pipe.
    Always,
    /// Never.
    Never,
}

impl ColorChoice {
    /// Whether to colour standard output. `NO_COLOR` (<https://no-color.org>)
    /// overrides only `auto`: an explicit `--color always` wins.
    pub fn enabled(self) -> bool {
        self.decide(
            std::io::stdout().is_terminal(),
            std::env::var_os("NO_COLOR").as_deref(),
        )
    }

    fn decide(self, is_terminal: bool, no_color: Option<&std::ffi::OsStr>) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => is_terminal && no_color.map_or(true, |v| v.is_empty()),
        }
    }
}

/// Name on standard error each directory entry the read left out (the
/// library returns them, the binary tells them), unless `quiet`.
pub fn warn_skipped(corpus: &Corpus, quiet: bool) {
    if quiet {
        return;
    }
    for skipped in &corpus.skipped {
        eprintln!(
            "copydesk: warning: skipped {}: {}",
            skipped.path.display(),
            skipped.reason
        );
    }
}

/// One progress bar per stage on standard error; nothing when it is not a terminal.
pub struct Bars {
    current: Mutex<Option<ProgressBar>>,
}

impl Bars {
    /// Bars when standard error is a terminal and the user did not ask for quiet.
    pub fn for_stderr(quiet: bool) -> Option<Bars> {
        (!quiet && std::io::stderr().is_terminal()).then(|| Bars {
            current: Mutex::new(None),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<ProgressBar>> {
        // A panic elsewhere must not turn progress display into a second panic.
        self.current.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Progress for Bars {
    fn start(&self, stage: &str, total: Option<u64>) {
        let mut current = self.lock();
        if let Some(bar) = current.take() {
            bar.finish_and_clear();
        }
        let target = ProgressDrawTarget::stderr();
        let bar = match total {
            Some(total) => {
                let units = if stage == "read" {
                    "{bytes}/{total_bytes}"
                } else {
                    "{human_pos}/{human_len}"
                };
                let template =
                    format!("{{prefix:>8}} [{{bar:40}}] {units} {{elapsed}} eta {{eta}}");
                let bar = ProgressBar::with_draw_target(Some(total), target);
                if let Ok(style) = ProgressStyle::with_template(&template) {
                    bar.set_style(style.progress_chars("=> "));
                }
                bar
            }
            None => {
                let bar = ProgressBar::with_draw_target(None, target);
                if let Ok(style) = ProgressStyle::with_template("{prefix:>8} {spinner} {elapsed}") {
                    bar.set_style(style);
                }
                bar.enable_steady_tick(Duration::from_millis(120));
                bar
            }
        };
        bar.set_prefix(stage.to_owned());
        *current = Some(bar);
    }

    fn advance(&self, amount: u64) {
        if let Some(bar) = self.lock().as_ref() {
            bar.inc(amount);
        }
    }

    fn finish(&self) {
        if let Some(bar) = self.lock().take() {
            bar.finish_and_clear();
        }
    }
}

/// Parse a number in (0, 1].
pub fn fraction(text: &str) -> Result<f64, String> {
    let value: f64 = text
        .parse()
        .map_err(|_| format!("{text:?} is not a number"))?;
    if value > 0.0 && value <= 1.0 {
        Ok(value)
    } else {
        Err(format!("{value} is not in (0, 1]"))
    }
}

/// Parse a whole number of at least 1.
pub fn positive(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(0) => Err("must be at least 1".to_owned()),
        Ok(value) => Ok(value),
        Err(_) => Err(format!("{text:?} is not a whole number")),
    }
}

/// Seconds with a precision that suits their size.
pub fn seconds(duration: Duration) -> String {
    let s = duration.as_secs_f64();
    if s < 10.0 {
        format!("{s:.2}s")
    } else {
        format!("{s:.1}s")
    }
}

#[cfg(test)]
mod tests {
    use super::ColorChoice;
    use std::ffi::OsStr;

    #[test]
    fn no_color_turns_auto_off_but_not_always() {
        let set = Some(OsStr::new("1"));
        assert!(ColorChoice::Auto.decide(true, None));
        assert!(!ColorChoice::Auto.decide(true, set));
        assert!(ColorChoice::Auto.decide(true, Some(OsStr::new(""))));
        assert!(!ColorChoice::Auto.decide(false, None));
        assert!(ColorChoice::Always.decide(false, set));
        assert!(!ColorChoice::Never.decide(true, None));
    }
}

/// `--format`: how documents, pairs and clusters are written.
#[derive(Debug, Clone, Copy, Default, clap::ValueEnum)]
pub(crate) enum FormatArg {
    /// documents.jsonl, pairs.jsonl, clusters.jsonl.
    #[default]
    Jsonl,
    /// documents.parquet, pairs.parquet, clusters.parquet, same columns
    /// (nested fields as lists and structs).
    Parquet,
}

impl From<FormatArg> for copydesk::report::TableFormat {
    fn from(format: FormatArg) -> Self {
        match format {
            FormatArg::Jsonl => copydesk::report::TableFormat::Jsonl,
            FormatArg::Parquet => copydesk::report::TableFormat::Parquet,
        }
    }
}
