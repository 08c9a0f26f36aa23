//! Drive the quality pass over JSONL on standard input (`id`, `text` per line)
//! and write one `documents.jsonl` line per document (`id`, `flags`, `scores`)
//! to standard output, in input order. Stand-in for `copydesk check` used by
//! scripts/eval_quality.py until the CLI has the subcommand.
//!
//! Options: `--model FILE` (reference counts), `--corpus-stats` (leave-one-out
//! counts of the input itself, in two passes as `copydesk check`: the second
//! without the documents that look spun), `--fit FILE` (write the input's counts as a
//! model and exit), `--lexicon FILE`, `--substitutions FILE`,
//! `--set NAME=VALUE` for stats thresholds (rare_word_count,
//! min_expected_pair, flag_surprise, spin_weight, spun_word_min_logit,
//! spun_document_evidence, ...).

use copydesk::quality::{Checker, Evidence, Lexicon, NgramModel, QualityConfig};
use copydesk::text::tokenize;
use rayon::prelude::*;
use std::io::{BufRead, Write};
use std::path::PathBuf;

#[derive(serde::Deserialize)]
struct Record {
    id: serde_json::Value,
    text: String,
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let mut model_path = None;
    let mut fit_path = None;
    let mut corpus_stats = false;
    let mut measure = false;
    let mut lexicon = Lexicon::builtin();
    let mut config = QualityConfig::default();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--model" => model_path = args.next().map(PathBuf::from),
            "--fit" => fit_path = args.next().map(PathBuf::from),
            "--corpus-stats" => corpus_stats = true,
            "--measure" => measure = true,
            "--lexicon" => lexicon.load_extra(&PathBuf::from(args.next().unwrap_or_default()))?,
            "--substitutions" => {
                lexicon.load_substitutions(&PathBuf::from(args.next().unwrap_or_default()), 2)?
            }
            "--set" => {
                let setting = args.next().unwrap_or_default();
                let (name, value) = setting.split_once('=').unwrap_or((&setting, ""));
                let value: f64 = value.parse()?;
                match name {
                    "rare_per_million_words" => config.stats.rare_per_million_words = value,
                    "evidence_prior_words" => config.stats.evidence_prior_words = value,
                    "min_expected_pair" => config.stats.min_expected_pair = value,
                    "flag_surprise" => config.stats.flag_surprise = value,
                    "spin_weight" => config.stats.spin_weight = value,
                    "stitched_min_topic_words" => config.stitched_min_topic_words = value as usize,
                    "stitched_min_probability" => config.stitched.min_probability = value,
                    "repeated_word_discount" => config.stats.repeated_word_discount = value,
                    "spun_word_min_logit" => config.stats.spun_word_min_logit = value,
                    "assumed_spin_share" => config.stats.assumed_spin_share = value,
                    "spun_document_evidence_with_substitutions" => {
                        config.stats.spun_document_evidence_with_substitutions = value
                    }
                    "spun_document_evidence" => config.stats.spun_document_evidence = value,
                    other => anyhow::bail!("unknown setting {other}"),
                }
            }
            other => anyhow::bail!("unknown argument {other}"),
        }
    }
    let stdin = std::io::stdin();
    let mut records = Vec::new();
    for line in stdin.lock().lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let record: Record = serde_json::from_str(&line)?;
        records.push(record);
    }
    let tokens: Vec<_> = records.par_iter().map(|r| tokenize(&r.text)).collect();
    if let Some(path) = fit_path {
        let mut model = NgramModel::new();
        for (record, tokens) in records.iter().zip(&tokens) {
            model.add(&record.text, tokens);
        }
        model.save(&path)?;
        return Ok(());
    }
    let mut checker = Checker::new(config, &lexicon)?;
    if let Some(path) = model_path {
        checker = checker.with_model(NgramModel::load(&path)?);
    }
    if measure {
        // CPU time of this thread, so that other work on a shared machine
        // does not count against the figure (Linux only).
        let cpu_ns = || -> f64 {
            std::fs::read_to_string("/proc/thread-self/schedstat")
                .ok()
                .and_then(|s| s.split_whitespace().next().and_then(|v| v.parse().ok()))
                .unwrap_or(f64::NAN)
        };
        let bytes: usize = records.iter().map(|r| r.text.len()).sum();
        let wall = std::time::Instant::now();
        let start = cpu_ns();
        let mut flags = 0usize;
        for (record, tokens) in records.iter().zip(&tokens) {
            flags += checker.check(&record.text, tokens).flags.len();
        }
        let cpu = (cpu_ns() - start) / 1e9;
        eprintln!(
            "{} documents, {:.1} MB, {flags} flags: {:.3} s CPU ({:.3} s wall) = {:.1} MB/s per core",
            records.len(),
            bytes as f64 / 1e6,
            cpu,
            wall.elapsed().as_secs_f64(),
            bytes as f64 / 1e6 / cpu
        );
        return Ok(());
    }
    let corpus = if corpus_stats {
        let mut model = NgramModel::new();
        for (record, tokens) in records.iter().zip(&tokens) {
            model.add(&record.text, tokens);
        }
        Some(model)
    } else {
        None
    };
    let results: Vec<_> = records
        .par_iter()
        .zip(&tokens)
        .map(|(record, tokens)| match &corpus {
            Some(model) => {
                checker.check_with(&record.text, tokens, Evidence::CorpusLeaveOneOut(model))
            }
            None => checker.check(&record.text, tokens),
        })
        .collect();
    let results = match &corpus {
        Some(model) => {
            // Second pass, as `copydesk check` does: the corpus without the
            // documents that look spun.
            let spun: Vec<bool> = results.iter().map(|r| checker.looks_spun(r)).collect();
            let mut removed = NgramModel::new();
            for ((record, tokens), &is_spun) in records.iter().zip(&tokens).zip(&spun) {
                if is_spun {
                    removed.add(&record.text, tokens);
                }
            }
            let mut trusted = model.clone();
            trusted.subtract(&removed);
            eprintln!(
                "two-pass: {} of {} documents left out of the counts",
                spun.iter().filter(|&&s| s).count(),
                spun.len()
            );
            records
                .par_iter()
                .zip(&tokens)
                .zip(&spun)
                .map(|((record, tokens), &is_spun)| {
                    if is_spun {
                        checker.check_with(&record.text, tokens, Evidence::Model(&trusted))
                    } else {
                        checker.check_with(
                            &record.text,
                            tokens,
                            Evidence::CorpusLeaveOneOut(&trusted),
                        )
                    }
                })
                .collect()
        }
        None => results,
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for (record, result) in records.iter().zip(results) {
        serde_json::to_writer(
            &mut out,
            &serde_json::json!({"id": record.id, "flags": result.flags, "scores": result.scores}),
        )?;
        out.write_all(b"\n")?;
    }
    Ok(())
}
