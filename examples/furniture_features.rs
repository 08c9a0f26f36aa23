//! Print the furniture model's features of every line of every document:
//! JSONL `{"id", "text"}` on standard input, one JSON object per line of
//! text on standard output, `{"id", "start", "end", "figures_row", "own"}`
//! (`own` in the order of `quality::furniture::OWN_FEATURES`, byte spans
//! into the text). `scripts/fit_furniture.py` fits the weights on these, so
//! the features are those the checker computes.
//!
//! `--names` prints the feature names (first-stage, then context) and exits.

use copydesk::quality::furniture::{CONTEXT_FEATURES, OWN_FEATURES};
use copydesk::quality::{Checker, Lexicon, QualityConfig};
use copydesk::text::tokenize;
use std::io::{BufRead, Write};

#[derive(serde::Deserialize)]
struct Record {
    id: serde_json::Value,
    text: String,
}

fn main() -> anyhow::Result<()> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if std::env::args().any(|a| a == "--names") {
        let names = serde_json::json!({"own": OWN_FEATURES, "context": CONTEXT_FEATURES});
        writeln!(out, "{names}")?;
        return Ok(());
    }
    let checker = Checker::new(QualityConfig::default(), &Lexicon::builtin())?;
    for line in std::io::stdin().lock().lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let record: Record = serde_json::from_str(&line)?;
        let tokens = tokenize(&record.text);
        for block in checker.furniture_blocks(&record.text, &tokens) {
            let row = serde_json::json!({
                "id": record.id,
                "start": block.start,
                "end": block.end,
                "figures_row": block.figures_row,
                "own": block.own,
            });
            writeln!(out, "{row}")?;
        }
    }
    Ok(())
}
