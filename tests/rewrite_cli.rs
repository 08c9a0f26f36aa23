//! CLI tests of the rewrite wing on fixtures/rewrite/: fictional articles
//! written for copydesk and copies spun from them by scripts/spinner.py.

mod common;

use common::{cluster_sets, copydesk, dedup_ok, fixture, fixtures, read_jsonl, summary};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

fn texts() -> BTreeMap<String, String> {
    read_jsonl(&fixtures().join("rewrite/corpus.jsonl"))
        .into_iter()
        .map(|d| {
            (
                d["id"].as_str().unwrap().to_owned(),
                d["text"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn set(ids: &[&str]) -> BTreeSet<String> {
    ids.iter().map(|s| s.to_string()).collect()
}

#[test]
fn spun_copies_join_their_source_and_the_same_topic_story_stays_apart() {
    let dir = tempfile::tempdir().unwrap();
    dedup_ok(
        &[&fixture("rewrite/corpus.jsonl")],
        dir.path(),
        &["--quiet"],
    );
    let clusters = cluster_sets(dir.path());
    let expected: BTreeSet<BTreeSet<String>> = [
        set(&["harbour", "harbour-spun30", "harbour-spun50"]),
        set(&["orchard", "orchard-spun50"]),
        set(&["library", "library-spun15"]),
    ]
    .into_iter()
    .collect();
    assert_eq!(clusters, expected);

    let pairs = read_jsonl(&dir.path().join("pairs.jsonl"));
    assert!(pairs
        .iter()
        .all(|p| p["a"] != "harbour-rival" && p["b"] != "harbour-rival"
            || p["relation"] == "partial"));
    // The 50% copies are beyond the core's shingles: linked as rewrites.
    let relation = |a: &str, b: &str| {
        pairs
            .iter()
            .find(|p| p["a"] == a && p["b"] == b)
            .map(|p| p["relation"].as_str().unwrap().to_owned())
    };
    assert_eq!(
        relation("harbour", "harbour-spun50").as_deref(),
        Some("rewrite")
    );
    assert_eq!(
        relation("orchard", "orchard-spun50").as_deref(),
        Some("rewrite")
    );
    // Sources: dates when both have one (library), otherwise word commonness.
    for (a, b) in [
        ("harbour", "harbour-spun30"),
        ("harbour", "harbour-spun50"),
        ("orchard", "orchard-spun50"),
        ("library", "library-spun15"),
    ] {
        let pair = pairs.iter().find(|p| p["a"] == a && p["b"] == b).unwrap();
        assert_eq!(pair["source"], a, "{a} {b}");
        assert!(pair["similarity"].as_f64().unwrap() > 0.5);
    }
    let stats = &summary(dir.path())["rewrite_stats"];
    assert!(stats["rewrites"].as_u64().unwrap() >= 2);
    assert!(stats["source_by_date"].as_u64().unwrap() >= 1);
}

#[test]
fn every_kept_pair_carries_edits_whose_spans_slice_the_texts() {
    let dir = tempfile::tempdir().unwrap();
    dedup_ok(
        &[&fixture("rewrite/corpus.jsonl")],
        dir.path(),
        &["--quiet", "--edits", "all"],
    );
    let texts = texts();
    let pairs = read_jsonl(&dir.path().join("pairs.jsonl"));
    assert!(!pairs.is_empty());
    for pair in &pairs {
        let edits = pair["edits"].as_array().expect("edits on every pair");
        let (a, b) = (
            &texts[pair["a"].as_str().unwrap()],
            &texts[pair["b"].as_str().unwrap()],
        );
        for edit in edits {
            let span = |key: &str| -> (usize, usize) {
                let range = edit[key].as_array().unwrap();
                (
                    range[0].as_u64().unwrap() as usize,
                    range[1].as_u64().unwrap() as usize,
                )
            };
            let ((a0, a1), (b0, b1)) = (span("a"), span("b"));
            assert_eq!(&a[a0..a1], edit["a_text"].as_str().unwrap());
            assert_eq!(&b[b0..b1], edit["b_text"].as_str().unwrap());
            match edit["op"].as_str().unwrap() {
                "replace" => assert!(a0 < a1 && b0 < b1),
                "insert" => assert!(a0 == a1 && b0 < b1),
                "delete" => assert!(a0 < a1 && b0 == b1),
                other => panic!("unknown op {other}"),
            }
        }
    }
    let harbour = pairs
        .iter()
        .find(|p| p["a"] == "harbour" && p["b"] == "harbour-spun30")
        .unwrap();
    assert!(harbour["edits"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["op"] == "replace"
            && e["a_text"] == "Russia"
            && e["b_text"] == "Russian Federation"));
}

#[test]
fn edits_are_written_for_the_pairs_that_look_spun_unless_asked_otherwise() {
    // A source, its spun copy, and a copy that only lost its last sentences
    // (a trimmed wire copy: deletions, no swaps).
    let texts = texts();
    let source = &texts["harbour"];
    let cut = source[..source.len() * 3 / 4].rfind(". ").unwrap() + 1;
    let corpus = tempfile::tempdir().unwrap();
    let input = corpus.path().join("corpus.jsonl");
    let lines: Vec<String> = [
        ("harbour", source.as_str()),
        ("harbour-spun30", texts["harbour-spun30"].as_str()),
        ("harbour-trimmed", &source[..cut]),
    ]
    .iter()
    .map(|(id, text)| serde_json::json!({"id": id, "text": text}).to_string())
    .collect();
    std::fs::write(&input, lines.join("\n") + "\n").unwrap();
    let input = input.to_str().unwrap();
    let has_edits = |out: &std::path::Path, a: &str, b: &str| -> bool {
        let pairs = read_jsonl(&out.join("pairs.jsonl"));
        let pair = pairs
            .iter()
            .find(|p| p["a"] == a && p["b"] == b)
            .unwrap_or_else(|| panic!("no pair {a} {b} in {pairs:?}"));
        assert!(pair["similarity"].is_number(), "{pair}");
        pair.get("edits").is_some()
    };
    let mut runs = Vec::new();
    for (choice, spun, trimmed) in [
        (None, true, false),
        (Some("spun"), true, false),
        (Some("all"), true, true),
        (Some("none"), false, false),
    ] {
        let out = tempfile::tempdir().unwrap();
        let mut extra = vec!["--quiet"];
        extra.extend(choice.map(|c| ["--edits", c]).into_iter().flatten());
        dedup_ok(&[input], out.path(), &extra);
        assert_eq!(
            has_edits(out.path(), "harbour", "harbour-spun30"),
            spun,
            "{choice:?}"
        );
        assert_eq!(
            has_edits(out.path(), "harbour", "harbour-trimmed"),
            trimmed,
            "{choice:?}"
        );
        assert_eq!(
            summary(out.path())["parameters"]["edits"],
            choice.unwrap_or("spun"),
            "{choice:?}"
        );
        runs.push(out);
    }
    // Edits kept only where they are written change nothing else: the
    // clusters, relations and mined substitutions are those of `all`.
    let file = |out: &tempfile::TempDir, name: &str| std::fs::read(out.path().join(name)).unwrap();
    for run in &runs[1..] {
        for name in ["documents.jsonl", "clusters.jsonl", "substitutions.jsonl"] {
            assert_eq!(file(run, name), file(&runs[0], name), "{name}");
        }
    }
}

#[test]
fn pairs_hold_each_member_with_its_representative_unless_all_are_asked() {
    // Four copies of one article, each trimmed differently: one cluster,
    // six verified pairs, three members.
    let source = texts()["harbour"].clone();
    let sentences: Vec<&str> = source.split_inclusive(". ").collect();
    let n = sentences.len();
    let copies = [
        ("full", sentences.concat()),
        ("no-last", sentences[..n - 1].concat()),
        ("no-first", sentences[1..].concat()),
        ("no-ends", sentences[1..n - 1].concat()),
    ];
    let corpus = tempfile::tempdir().unwrap();
    let input = corpus.path().join("copies.jsonl");
    let lines: Vec<String> = copies
        .iter()
        .map(|(id, text)| serde_json::json!({"id": id, "text": text}).to_string())
        .collect();
    std::fs::write(&input, lines.join("\n") + "\n").unwrap();
    let input = input.to_str().unwrap();

    let out = tempfile::tempdir().unwrap();
    dedup_ok(&[input], out.path(), &["--quiet"]);
    let documents = read_jsonl(&out.path().join("documents.jsonl"));
    let rep = documents
        .iter()
        .find(|d| d["cluster"].is_number() && d["duplicate_of"].is_null())
        .expect("one representative")["id"]
        .clone();
    let pairs = read_jsonl(&out.path().join("pairs.jsonl"));
    assert_eq!(pairs.len(), 3, "{pairs:?}");
    for document in documents.iter().filter(|d| d["duplicate_of"] == rep) {
        let id = &document["id"];
        let row = pairs
            .iter()
            .find(|p| (p["a"] == *id && p["b"] == rep) || (p["b"] == *id && p["a"] == rep))
            .unwrap_or_else(|| panic!("no pair of {id} with {rep}"));
        assert_eq!(row["relation"], document["relation"], "{row}");
        assert!(row["jaccard"].as_f64().unwrap() > 0.5, "{row}");
    }
    assert_eq!(summary(out.path())["parameters"]["pairs"], "representative");
    assert_eq!(summary(out.path())["pairs"], 6);

    let all = tempfile::tempdir().unwrap();
    dedup_ok(&[input], all.path(), &["--quiet", "--pairs", "all"]);
    assert_eq!(read_jsonl(&all.path().join("pairs.jsonl")).len(), 6);
    assert_eq!(summary(all.path())["parameters"]["pairs"], "all");
    // The cluster and relations do not depend on what is written.
    assert_eq!(cluster_sets(out.path()), cluster_sets(all.path()));
}

#[test]
fn substitutions_are_mined_from_rewrite_pairs_and_sorted_by_count() {
    let dir = tempfile::tempdir().unwrap();
    dedup_ok(
        &[&fixture("rewrite/corpus.jsonl")],
        dir.path(),
        &["--quiet"],
    );
    let lines = read_jsonl(&dir.path().join("substitutions.jsonl"));
    assert!(!lines.is_empty());
    let counts: Vec<u64> = lines.iter().map(|l| l["count"].as_u64().unwrap()).collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]));
    let russia = lines
        .iter()
        .find(|l| l["from"] == "russia" && l["to"] == "russian federation")
        .expect("the formal-name swap is mined");
    let examples: Vec<Value> = russia["examples"].as_array().unwrap().clone();
    assert!(examples.contains(&serde_json::json!(["harbour", "harbour-spun30"])));
}

#[test]
fn no_rewrites_turns_the_wing_off() {
    let dir = tempfile::tempdir().unwrap();
    dedup_ok(
        &[&fixture("rewrite/corpus.jsonl")],
        dir.path(),
        &["--quiet", "--no-rewrites"],
    );
    assert!(!dir.path().join("substitutions.jsonl").exists());
    let pairs = read_jsonl(&dir.path().join("pairs.jsonl"));
    assert!(pairs
        .iter()
        .all(|p| p.get("edits").is_none() && p["relation"] != "rewrite"));
    let clusters = cluster_sets(dir.path());
    assert!(!clusters.iter().any(|c| c.contains("harbour-spun50")));
    assert_eq!(summary(dir.path())["parameters"]["rewrites"], false);
}

#[test]
fn compare_two_files_as_json() {
    let output = copydesk()
        .args([
            "compare",
            &fixture("rewrite/harbour.txt"),
            &fixture("rewrite/harbour-spun30.txt"),
            "--json",
        ])
        .output()
        .unwrap();
    assert!(output.status.success());
    let value: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(value["rewrite"], true);
    assert!(value["edits"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["a_text"] == "Russia" && e["b_text"] == "Russian Federation"));

    let output = copydesk()
        .args([
            "compare",
            &fixture("rewrite/harbour.txt"),
            &fixture("rewrite/harbour-rival.txt"),
            "--json",
        ])
        .output()
        .unwrap();
    let value: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        value["rewrite"], false,
        "same names and numbers, different story"
    );
}

#[test]
fn compare_ids_in_a_corpus_side_by_side() {
    let output = copydesk()
        .args([
            "compare",
            "orchard",
            "orchard-spun50",
            "--corpus",
            &fixture("rewrite/corpus.jsonl"),
            "--color",
            "always",
        ])
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.starts_with("orchard vs orchard-spun50: similarity"));
    assert!(text.contains("likely source orchard"));
    assert!(text.contains("\x1b[1;31m") && text.contains("\x1b[1;32m"));
    assert!(text.lines().skip(1).all(|l| l.contains(" │")));

    let output = copydesk()
        .args([
            "compare",
            "orchard",
            "nowhere",
            "--corpus",
            &fixture("rewrite/corpus.jsonl"),
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("nowhere"));
}
