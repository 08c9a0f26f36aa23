//! The `copydesk` command: a thin layer over [`copydesk::pipeline`].

mod cli;

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
    Scan(cli::scan::ScanArgs),
    Dedup(cli::dedup::DedupArgs),
    Check(cli::check::CheckArgs),
    Fit(cli::fit::FitArgs),
}

fn main() -> ExitCode {
    // Usage errors exit with code 2 from inside `parse`.
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Scan(args) => args.run(),
        Command::Dedup(args) => args.run(),
        Command::Check(args) => args.run(),
        Command::Fit(args) => args.run(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("copydesk: error: {}", cli::error_message(&error));
            ExitCode::from(cli::exit_code(&error))
        }
    }
}
