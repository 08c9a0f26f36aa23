//! Throughput of the single-document quality signals (no model): the issue's
//! target is at least 20 MB/s per core. Runs over the first 2,000 articles of
//! ../shared/corpora/reuters21578.jsonl when it is there (read at run time,
//! never copied into the repo), else over the fixture articles.
//!
//! The `pathological` group checks one generated document at a time, each
//! made to have what the pass's steps scale with: a flag a word, one huge
//! word, hundreds of thousands of paragraphs or sentences, one sentence
//! repeated. Its `with_model` benches use a reference fitted on the news
//! texts above, which turns on the per-word statistics. They are timed in
//! CPU time of the benchmarking thread (on Linux), so their MiB/s are per
//! core even when other work shares the machine.

use copydesk::quality::{Checker, Lexicon, NgramModel, QualityConfig};
use copydesk::text::{tokenize, Tokens};
use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use std::path::Path;
use std::time::{Duration, Instant};

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

/// Generated documents, each a few MB or 10,000 words, none from a corpus.
fn pathological() -> Vec<(&'static str, String)> {
    const MB: usize = 1 << 20;
    // A keyword-stuffed page: the same few phrases, with link lines and
    // timestamps (page furniture) among them, 10,000 words.
    let mut stuffed = String::new();
    let phrases = [
        "Cheap watches, best cheap watches, cheap watches online.",
        "Buy cheap watches now: a cheap watch is an best gift of of all.",
        "Read more: cheap watches for men and cheap watches for women",
        "Updated 14:32 GMT cheap watches sale",
    ];
    let mut line = 0;
    while stuffed.split_whitespace().count() < 10_000 {
        stuffed.push_str(phrases[line % phrases.len()]);
        stuffed.push_str(if line % 3 == 2 { "\n\n" } else { "\n" });
        line += 1;
    }
    // One line, one word, no space.
    let huge_word: String = "harbourferry".repeat(2 * MB / 12);
    let tiny_paragraphs = "The vote passed.\n\n".repeat(2 * MB / 18);
    let repeated = "The council approved the new harbour budget on Monday evening. ".repeat(50_000);
    vec![
        ("a_a_a_2MB", "a ".repeat(MB)),
        ("keyword_stuffed_10k_words", stuffed),
        ("one_2MB_line_without_spaces", huge_word),
        ("tiny_paragraphs_2MB", tiny_paragraphs),
        ("one_sentence_50k_times", repeated),
    ]
}

/// CPU time this thread has run, in nanoseconds (Linux; `None` elsewhere).
fn thread_cpu_nanos() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    stat.split_whitespace().next()?.parse().ok()
}

/// Time `iters` runs of `run` in CPU time of this thread where the system
/// tells it, else in wall time: "per core" even on a machine shared with
/// other work, where wall time counts the waits for a core.
fn cpu_time(iters: u64, mut run: impl FnMut() -> usize) -> Duration {
    let (cpu, wall) = (thread_cpu_nanos(), Instant::now());
    for _ in 0..iters {
        black_box(run());
    }
    match (cpu, thread_cpu_nanos()) {
        (Some(before), Some(after)) => Duration::from_nanos(after - before),
        _ => wall.elapsed(),
    }
}

fn bench_pathological(c: &mut Criterion) {
    let lexicon = Lexicon::builtin();
    let checker = Checker::new(QualityConfig::default(), &lexicon).unwrap();
    let mut model = NgramModel::new();
    for text in corpus() {
        model.add(&text, &tokenize(&text));
    }
    let with_model = Checker::new(QualityConfig::default(), &lexicon)
        .unwrap()
        .with_model(model);
    let mut group = c.benchmark_group("pathological");
    group.sample_size(10);
    for (name, text) in pathological() {
        let tokens = tokenize(&text);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(name, |b| {
            b.iter_custom(|iters| cpu_time(iters, || checker.check(&text, &tokens).flags.len()))
        });
        group.bench_function(format!("{name}_with_model"), |b| {
            b.iter_custom(|iters| cpu_time(iters, || with_model.check(&text, &tokens).flags.len()))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_quality, bench_pathological);
criterion_main!(benches);
