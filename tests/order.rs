//! The same records in any order, in one file or split over two, on one
//! thread or two, give the same results: byte-identical `clusters.jsonl` and
//! `substitutions.jsonl`, the same `documents.jsonl` lines (in input order),
//! the same representatives and the same pairs (each pair `a` before `b` in
//! input order, so compared here as unordered pairs).

use copydesk::corpus::Input;
use copydesk::pipeline::{run_dedup, Config, Prefer};
use copydesk::progress::NoProgress;
use proptest::prelude::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn fixture_lines(name: &str) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name);
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(str::to_owned)
        .collect()
}

fn record(id: &str, text: &str) -> String {
    serde_json::to_string(&serde_json::json!({"id": id, "text": text})).unwrap()
}

/// The fixtures' news and spun copies, plus what makes ties: byte-identical
/// copies under other ids (equal lengths, equal spun copies), and forty
/// copies of one story, more than an LSH bucket pairs in full.
fn records() -> Vec<String> {
    let mut lines = fixture_lines("news.jsonl");
    lines.extend(fixture_lines("rewrite/corpus.jsonl"));
    let mut extra = Vec::new();
    for line in &lines {
        let value: Value = serde_json::from_str(line).unwrap();
        let (id, text) = (
            value["id"].as_str().unwrap(),
            value["text"].as_str().unwrap(),
        );
        if id.contains("spun") || id == "harbour" || id == "bridge-courier" {
            extra.push(record(&format!("{id}-again"), text));
        }
        if id == "frost-gazette" {
            for copy in 0..40 {
                extra.push(record(&format!("frost-syndicated-{copy:02}"), text));
            }
        }
    }
    lines.extend(extra);
    lines
}

/// What a run wrote, in the form that must not depend on order.
#[derive(Debug, PartialEq)]
struct Results {
    clusters: String,
    substitutions: String,
    documents: Vec<String>,
    representatives: BTreeMap<String, String>,
    pairs: Vec<(String, String, String, String)>,
}

fn run(files: &[Vec<String>], threads: usize, prefer: Prefer, dir: &Path, name: &str) -> Results {
    let inputs: Vec<Input> = files
        .iter()
        .enumerate()
        .map(|(number, lines)| {
            let path: PathBuf = dir.join(format!("{name}-{number}.jsonl"));
            std::fs::write(&path, lines.join("\n") + "\n").unwrap();
            Input::Path(path)
        })
        .collect();
    let config = Config {
        rewrites: true,
        prefer,
        ..Config::default()
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let out = dir.join(format!("{name}-out"));
    std::fs::create_dir_all(&out).unwrap();
    pool.install(|| {
        let run = run_dedup(&inputs, &config, &NoProgress).unwrap();
        copydesk::report::jsonl::write_dedup(&run, &out, None, Default::default()).unwrap();
    });
    let read = |file: &str| std::fs::read_to_string(out.join(file)).unwrap();
    let mut documents: Vec<String> = read("documents.jsonl").lines().map(str::to_owned).collect();
    documents.sort();
    let mut representatives = BTreeMap::new();
    for line in read("documents.jsonl").lines() {
        let doc: Value = serde_json::from_str(line).unwrap();
        if let Some(rep) = doc["duplicate_of"].as_str() {
            representatives.insert(doc["id"].as_str().unwrap().to_owned(), rep.to_owned());
        }
    }
    let mut pairs: Vec<(String, String, String, String)> = read("pairs.jsonl")
        .lines()
        .map(|line| {
            let pair: Value = serde_json::from_str(line).unwrap();
            let (a, b) = (pair["a"].as_str().unwrap(), pair["b"].as_str().unwrap());
            let (low, high) = if a < b { (a, b) } else { (b, a) };
            (
                low.to_owned(),
                high.to_owned(),
                pair["relation"].as_str().unwrap().to_owned(),
                pair["source"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    pairs.sort();
    Results {
        clusters: read("clusters.jsonl"),
        substitutions: read("substitutions.jsonl"),
        documents,
        representatives,
        pairs,
    }
}

fn shuffled(lines: &[String], seed: u64) -> Vec<String> {
    let mut lines = lines.to_vec();
    let mut state = seed | 1;
    for i in (1..lines.len()).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        lines.swap(i, (state % (i as u64 + 1)) as usize);
    }
    lines
}

#[test]
fn the_fixture_corpus_makes_ties_and_substitutions() {
    let dir = tempfile::tempdir().unwrap();
    let results = run(&[records()], 2, Prefer::Longest, dir.path(), "plain");
    assert!(results.substitutions.lines().count() > 10);
    assert!(results.clusters.lines().count() >= 5);
    // The 40 syndicated copies and the gazette are one cluster.
    assert!(results.clusters.contains("frost-syndicated-39"));
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 6,
        rng_seed: proptest::test_runner::RngSeed::Fixed(11),
        ..ProptestConfig::default()
    })]
    #[test]
    fn results_do_not_depend_on_input_order_files_or_threads(
        seed in any::<u64>(),
        split in 1usize..100,
        prefer_earliest in any::<bool>(),
    ) {
        let prefer = if prefer_earliest { Prefer::Earliest } else { Prefer::Longest };
        let dir = tempfile::tempdir().unwrap();
        let lines = records();
        let reference = run(std::slice::from_ref(&lines), 1, prefer, dir.path(), "reference");
        let permuted = shuffled(&lines, seed);
        prop_assert_eq!(&run(std::slice::from_ref(&permuted), 2, prefer, dir.path(), "shuffled"), &reference);
        // Split into two files, read in both orders.
        let at = split * permuted.len() / 100;
        let (first, second) = (permuted[..at].to_vec(), permuted[at..].to_vec());
        prop_assert_eq!(
            &run(&[first.clone(), second.clone()], 2, prefer, dir.path(), "ab"),
            &reference
        );
        prop_assert_eq!(&run(&[second, first], 1, prefer, dir.path(), "ba"), &reference);
    }
}
