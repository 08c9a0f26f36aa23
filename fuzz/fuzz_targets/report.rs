//! The scan pipeline and its writers on a small corpus of arbitrary texts
//! (the input cut at NUL bytes into at most eight texts, written as a JSONL
//! file): `run_scan` (read, near-duplicates, rewrites, quality pass) and
//! `write_scan` (documents, pairs, clusters, rejected, substitutions, keep,
//! drop, summary, report.html) into a scratch directory. The first byte
//! picks the shingle length and kind, whether rewrites are on and the
//! report's text budget (small budgets cut texts in the page).
//!
//! Asserts: no panic; every output line is valid JSON; documents.jsonl has
//! one line per document, with valid flag spans whose text is the span's;
//! pairs.jsonl names known ids and its edits' spans are valid with
//! `a_text`/`b_text` the slices; clusters name known ids; summary.json
//! says `read == accepted + rejected`; report.html is a whole page.
#![no_main]

use copydesk::corpus::Input;
use copydesk::dedup::ShingleKind;
use copydesk::pipeline::{run_dedup, ScanConfig, ScanRun, StatsSource};
use copydesk::progress::NoProgress;
use copydesk::quality::{Checker, Lexicon, QualityConfig};
use copydesk::report::html::ReportLimits;
use copydesk::report::scan::{write_scan, ScanOutputs};
use copydesk::text::tokenize;
use copydesk_fuzz::{assert_span, split_texts};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

fn scratch_dir() -> &'static tempfile::TempDir {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let shm = Path::new("/dev/shm");
        if shm.is_dir() {
            tempfile::tempdir_in(shm).unwrap()
        } else {
            tempfile::tempdir().unwrap()
        }
    })
}

fn checker() -> &'static Checker {
    static CHECKER: OnceLock<Checker> = OnceLock::new();
    CHECKER.get_or_init(|| Checker::new(QualityConfig::default(), &Lexicon::builtin()).unwrap())
}

fn json_lines(path: &Path) -> Vec<Value> {
    let content =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    content
        .lines()
        .map(|line| {
            serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("{}: invalid JSON line {line:?}: {e}", path.display()))
        })
        .collect()
}

fn span_of(value: &Value) -> (usize, usize) {
    let pair = value.as_array().expect("span is an array");
    (
        pair[0].as_u64().unwrap() as usize,
        pair[1].as_u64().unwrap() as usize,
    )
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let texts = split_texts(rest, 8);
    let dir = scratch_dir().path();
    let input = dir.join("corpus.jsonl");
    let mut jsonl = String::new();
    for (i, text) in texts.iter().enumerate() {
        let record = serde_json::json!({"id": format!("d{i}"), "text": text});
        jsonl.push_str(&record.to_string());
        jsonl.push('\n');
    }
    std::fs::write(&input, &jsonl).unwrap();
    let mut config = ScanConfig::default();
    config.dedup.read.keep_raw = true;
    config.dedup.dedup.ngram = 1 + (mode % 5) as usize;
    config.dedup.dedup.shingle = if mode & 0x08 != 0 {
        ShingleKind::Chars
    } else {
        ShingleKind::Words
    };
    config.dedup.rewrites = mode & 0x10 == 0;
    let limits = ReportLimits {
        max_text_bytes: if mode & 0x20 != 0 {
            5000
        } else {
            1 + (mode >> 6) as usize * 40
        },
        ..ReportLimits::default()
    };
    // `run_scan` compiles the quality lexicon on every call (half a second
    // under the fuzzer's instrumentation): the scan is put together from
    // `run_dedup` and one checker compiled once, as `run_scan` does it
    // without corpus statistics.
    let dedup =
        run_dedup(&[Input::Path(input.clone())], &config.dedup, &NoProgress).expect("dedup");
    let checker = checker();
    let quality = dedup
        .corpus
        .documents
        .iter()
        .map(|doc| checker.check(&doc.text, &tokenize(&doc.text)))
        .collect();
    let run = ScanRun {
        dedup,
        quality,
        stats_source: StatsSource::None,
    };
    let out = dir.join("out");
    std::fs::create_dir_all(&out).unwrap();
    let (keep, drop) = (dir.join("keep.jsonl"), dir.join("drop.jsonl"));
    let outputs = ScanOutputs {
        keep: Some(&keep),
        drop: Some(&drop),
        min_quality: 0.5,
        limits,
        format: Default::default(),
    };
    write_scan(&run, &out, &outputs).expect("write_scan");

    let text_of: HashMap<String, &str> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| (format!("d{i}"), t.as_str()))
        .collect();
    let documents = json_lines(&out.join("documents.jsonl"));
    assert_eq!(documents.len(), texts.len(), "documents.jsonl lines");
    for (i, line) in documents.iter().enumerate() {
        let id = line["id"].as_str().unwrap();
        assert_eq!(id, format!("d{i}"));
        let text = text_of[id];
        for flag in line["flags"].as_array().unwrap() {
            let (start, end) = (
                flag["start"].as_u64().unwrap() as usize,
                flag["end"].as_u64().unwrap() as usize,
            );
            assert_span(text, start, end, &format!("{id}: flag {flag}"));
            let shown = flag["text"].as_str().unwrap();
            assert!(
                text[start..end].starts_with(shown),
                "{id}: flag text {flag}"
            );
        }
        for score in ["quality", "spin", "incoherence"] {
            let value = line["scores"][score].as_f64().unwrap();
            assert!((0.0..=1.0).contains(&value), "{id}: {score} {value}");
        }
        if let Some(rep) = line["duplicate_of"].as_str() {
            assert!(text_of.contains_key(rep));
        }
    }
    for pair in json_lines(&out.join("pairs.jsonl")) {
        let (a, b) = (pair["a"].as_str().unwrap(), pair["b"].as_str().unwrap());
        let (a_text, b_text) = (text_of[a], text_of[b]);
        for edit in pair["edits"].as_array().map(Vec::as_slice).unwrap_or(&[]) {
            let (a_start, a_end) = span_of(&edit["a"]);
            let (b_start, b_end) = span_of(&edit["b"]);
            assert_span(a_text, a_start, a_end, &format!("{a}: edit {edit}"));
            assert_span(b_text, b_start, b_end, &format!("{b}: edit {edit}"));
            assert_eq!(
                edit["a_text"].as_str().unwrap(),
                &a_text[a_start..a_end],
                "edit {edit}"
            );
            assert_eq!(
                edit["b_text"].as_str().unwrap(),
                &b_text[b_start..b_end],
                "edit {edit}"
            );
        }
    }
    for cluster in json_lines(&out.join("clusters.jsonl")) {
        for member in cluster["members"].as_array().unwrap() {
            assert!(text_of.contains_key(member.as_str().unwrap()));
        }
    }
    assert!(json_lines(&out.join("rejected.jsonl")).is_empty());
    if config.dedup.rewrites {
        json_lines(&out.join("substitutions.jsonl"));
    }
    json_lines(&keep);
    json_lines(&drop);
    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(
        summary["read"],
        summary["accepted"].as_u64().unwrap() + summary["rejected"].as_u64().unwrap()
    );
    assert_eq!(summary["accepted"].as_u64().unwrap() as usize, texts.len());
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        html.starts_with("<!DOCTYPE html>") || html.starts_with("<!doctype html>"),
        "report.html start"
    );
    assert!(html.trim_end().ends_with("</html>"), "report.html end");
});
