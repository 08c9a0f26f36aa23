//! Throughput of the single-document quality signals (no model): the issue's
//! target is at least 20 MB/s per core. Runs over the first 2,000 articles of
//! ../shared/corpora/reuters21578.jsonl when it is there (read at run time,
//! never copied into the repo), else over the fixture articles.

use copydesk::quality::{Checker, Lexicon, QualityConfig};
use copydesk::text::{tokenize, Tokens};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::path::Path;

fn corpus() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for candidate in [
        root.join("../shared/corpora/reuters21578.jsonl"),
        root.join("../../shared/corpora/reuters21578.jsonl"),
    ] {
        if let Ok(data) = std::fs::read_to_string(&candidate) {
            return data
                .lines()
                .take(2000)
                .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
                .filter_map(|v| v.get("text").and_then(|t| t.as_str()).map(str::to_owned))
                .collect();
        }
    }
    let dir = root.join("fixtures/quality");
    let mut texts: Vec<String> = std::fs::read_dir(&dir)
        .expect("fixtures/quality exists")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "txt"))
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .collect();
    texts.sort();
    texts
}

fn bench_quality(c: &mut Criterion) {
    let texts = corpus();
    let bytes: usize = texts.iter().map(String::len).sum();
    let tokens: Vec<Tokens> = texts.iter().map(|t| tokenize(t)).collect();
    let checker = Checker::new(QualityConfig::default(), &Lexicon::builtin()).unwrap();
    let mut group = c.benchmark_group("quality");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(10);
    group.bench_function("check_single_document_signals", |b| {
        b.iter(|| {
            let mut flags = 0usize;
            for (text, tokens) in texts.iter().zip(&tokens) {
                flags += checker.check(text, tokens).flags.len();
            }
            flags
        })
    });
    group.bench_function("tokenize_and_check", |b| {
        b.iter(|| {
            let mut flags = 0usize;
            for text in &texts {
                flags += checker.check(text, &tokenize(text)).flags.len();
            }
            flags
        })
    });
    group.finish();
}

criterion_group!(benches, bench_quality);
criterion_main!(benches);
