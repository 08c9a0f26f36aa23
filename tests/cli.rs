//! Integration tests of the `copydesk` command on the fixtures in `fixtures/`
//! (see `fixtures/generate.py` for what each fixture document is).

mod common;

use common::*;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The syndicated stories of the fixtures: each set must end up in one cluster.
const STORIES: [&[&str]; 4] = [
    &["bridge-courier", "bridge-wire", "bridge-trimmed"],
    &["frost-gazette", "frost-reprint", "frost-excerpt"],
    &["robot-brief", "robot-brief-portal", "robot-feature"],
    &["ferry-herald", "ferry-wire", "ferry-strike-blog.txt"],
];

/// Fixture documents that are copies of nothing: distinct articles on the same
/// topics as the stories, unrelated articles and an empty one.
const UNIQUE: [&str; 6] = [
    "bridge-fenwick",
    "frost-vineyard",
    "ferry-timetable",
    "chess-team",
    "museum-reopens",
    "empty-notice",
];

/// The article made of the bridge story followed by the ferry story.
const COMPOSITE: &str = "coast-roundup";

fn cluster_number(docs: &BTreeMap<String, Value>, id: &str) -> Option<u64> {
    let doc = docs
        .get(id)
        .unwrap_or_else(|| panic!("{id} missing from documents.jsonl"));
    doc["cluster"].as_u64()
}

/// Representative id of each cluster number, from clusters.jsonl.
fn representatives(out: &Path) -> BTreeMap<u64, String> {
    read_jsonl(&out.join("clusters.jsonl"))
        .iter()
        .map(|c| {
            (
                c["cluster"].as_u64().expect("cluster number"),
                c["representative"]
                    .as_str()
                    .expect("representative id")
                    .to_owned(),
            )
        })
        .collect()
}

fn representative_of(out: &Path, id: &str) -> String {
    let docs = documents_by_id(out);
    let number = cluster_number(&docs, id).unwrap_or_else(|| panic!("{id} is not clustered"));
    representatives(out)[&number].clone()
}

#[test]
fn fixtures_cluster_by_story() {
    let dir = temp_dir();
    let out = dir.path().join("out");
    dedup_ok(&["fixtures/"], &out, &[]);
    let docs = documents_by_id(&out);

    for story in STORIES {
        let numbers: BTreeSet<Option<u64>> =
            story.iter().map(|id| cluster_number(&docs, id)).collect();
        assert_eq!(
            numbers.len(),
            1,
            "{story:?} should share one cluster, got {numbers:?}"
        );
        assert!(
            numbers.iter().all(Option::is_some),
            "{story:?} should be clustered"
        );
    }
    for id in UNIQUE {
        assert_eq!(
            cluster_number(&docs, id),
            None,
            "{id} is a distinct article and must not be clustered"
        );
    }

    // Every cluster is one story, at most joined by the composite article.
    let clusters = cluster_sets(&out);
    assert_eq!(clusters.len(), STORIES.len(), "clusters: {clusters:?}");
    for cluster in &clusters {
        let mut members = cluster.clone();
        members.remove(COMPOSITE);
        assert!(
            STORIES.iter().any(|story| {
                let story: BTreeSet<String> = story.iter().map(|s| s.to_string()).collect();
                story == members
            }),
            "cluster {cluster:?} is not one story"
        );
    }
}

#[test]
fn composite_article_does_not_merge_two_stories() {
    let dir = temp_dir();
    let out = dir.path().join("out");
    dedup_ok(&["fixtures/"], &out, &[]);
    let docs = documents_by_id(&out);
    let bridge = cluster_number(&docs, "bridge-courier");
    let ferry = cluster_number(&docs, "ferry-herald");
    assert!(bridge.is_some() && ferry.is_some());
    assert_ne!(bridge, ferry, "the composite article merged two stories");

    // The overlap with both stories is still reported as pairs.
    let pairs = read_jsonl(&out.join("pairs.jsonl"));
    let linked_to = |prefix: &str| {
        pairs.iter().any(|p| {
            let (a, b) = (p["a"].as_str().unwrap(), p["b"].as_str().unwrap());
            (a == COMPOSITE && b.starts_with(prefix)) || (b == COMPOSITE && a.starts_with(prefix))
        })
    };
    assert!(
        linked_to("bridge-"),
        "no pair links the composite to the bridge story"
    );
    assert!(
        linked_to("ferry-"),
        "no pair links the composite to the ferry story"
    );
}

#[test]
fn relations_and_representatives() {
    let dir = temp_dir();
    let first = dir.path().join("first");
    dedup_ok(&["fixtures/news.jsonl"], &first, &["--prefer", "first"]);
    let docs = documents_by_id(&first);
    let relation = |id: &str| docs[id]["relation"].as_str().map(str::to_owned);
    assert_eq!(relation("robot-brief-portal").as_deref(), Some("exact"));
    assert_eq!(relation("frost-reprint").as_deref(), Some("near_exact"));
    assert_eq!(relation("bridge-wire").as_deref(), Some("near_exact"));
    assert_eq!(relation("bridge-trimmed").as_deref(), Some("excerpt"));
    assert_eq!(relation("frost-excerpt").as_deref(), Some("excerpt"));
    assert_eq!(relation("robot-feature").as_deref(), Some("excerpt"));
    assert_eq!(representative_of(&first, "robot-feature"), "robot-brief");
    assert_eq!(representative_of(&first, "frost-excerpt"), "frost-gazette");

    let longest = dir.path().join("longest");
    dedup_ok(&["fixtures/news.jsonl"], &longest, &[]);
    assert_eq!(representative_of(&longest, "robot-brief"), "robot-feature");
    assert_eq!(
        representative_of(&longest, "frost-reprint"),
        "frost-gazette"
    );

    let earliest = dir.path().join("earliest");
    dedup_ok(&["fixtures/"], &earliest, &["--prefer", "earliest"]);
    assert_eq!(representative_of(&earliest, "robot-feature"), "robot-brief");
    assert_eq!(
        representative_of(&earliest, "bridge-courier"),
        "bridge-wire"
    );
    // Same date as ferry-wire but read first; the blog post has no date and comes last.
    assert_eq!(representative_of(&earliest, "ferry-wire"), "ferry-herald");
}

#[test]
fn without_containment_only_jaccard_links_documents() {
    let dir = temp_dir();
    let out = dir.path().join("out");
    dedup_ok(&["fixtures/news.jsonl"], &out, &["--no-containment"]);
    let docs = documents_by_id(&out);
    let relation = |id: &str| docs[id]["relation"].as_str().map(str::to_owned);
    // Copies of high Jaccard still cluster...
    assert_eq!(relation("robot-brief-portal").as_deref(), Some("exact"));
    assert_eq!(relation("frost-reprint").as_deref(), Some("near_exact"));
    // ...while the excerpt, which only containment sees, stays alone.
    assert_eq!(cluster_number(&docs, "frost-excerpt"), None);
    for line in std::fs::read_to_string(out.join("pairs.jsonl"))
        .unwrap()
        .lines()
    {
        let pair: Value = serde_json::from_str(line).unwrap();
        let relation = pair["relation"].as_str().unwrap();
        assert!(["exact", "near_exact"].contains(&relation), "{line}");
    }
    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["link_stats"]["anchor_candidates"], 0);
}

#[test]
fn outputs_are_consistent_with_each_other() {
    let dir = temp_dir();
    let out = dir.path().join("out");
    dedup_ok(&["fixtures/"], &out, &["--carry", "title,source"]);
    let documents = read_jsonl(&out.join("documents.jsonl"));
    let reps = representatives(&out);
    let ids: BTreeSet<&str> = documents
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    for doc in &documents {
        match doc["cluster"].as_u64() {
            None => {
                assert!(
                    doc["duplicate_of"].is_null() && doc["relation"].is_null(),
                    "{doc}"
                );
            }
            Some(number) => {
                let rep = &reps[&number];
                if doc["id"].as_str() == Some(rep.as_str()) {
                    assert!(
                        doc["duplicate_of"].is_null() && doc["relation"].is_null(),
                        "{doc}"
                    );
                } else {
                    assert_eq!(doc["duplicate_of"].as_str(), Some(rep.as_str()), "{doc}");
                    let relation = doc["relation"].as_str().expect("members have a relation");
                    assert!(
                        ["exact", "near_exact", "excerpt", "rewrite", "partial"]
                            .contains(&relation),
                        "{doc}"
                    );
                }
            }
        }
        let carried = doc["id"].as_str() == Some("ferry-strike-blog.txt")
            || (doc["title"].is_string() && doc["source"].is_string());
        assert!(carried, "carried fields missing: {doc}");
    }
    for pair in read_jsonl(&out.join("pairs.jsonl")) {
        assert!(ids.contains(pair["a"].as_str().unwrap()), "{pair}");
        assert!(ids.contains(pair["b"].as_str().unwrap()), "{pair}");
        let figures = [
            pair["jaccard"].as_f64().unwrap(),
            pair["containment"][0].as_f64().unwrap(),
            pair["containment"][1].as_f64().unwrap(),
        ];
        for x in figures {
            assert!((0.0..=1.0).contains(&x), "{pair}");
            assert!(
                ((x * 1e4).round() - x * 1e4).abs() < 1e-6,
                "not rounded: {pair}"
            );
        }
    }
    let summary = summary(&out);
    let n = |key: &str| {
        summary[key]
            .as_u64()
            .unwrap_or_else(|| panic!("summary.{key}"))
    };
    assert_eq!(n("read"), n("accepted") + n("rejected"));
    assert_eq!(n("accepted"), documents.len() as u64);
    assert_eq!(n("accepted"), n("unique") + n("clusters") + n("duplicates"));
    assert_eq!(n("clusters"), reps.len() as u64);
    let parameters = &summary["parameters"];
    for key in [
        "ngram",
        "num_perm",
        "seed",
        "jaccard_threshold",
        "containment_threshold",
    ] {
        assert!(parameters[key].is_number(), "summary.parameters.{key}");
    }
    assert!(parameters["num_bands"].is_null(), "no --bands override");
    let lsh = &parameters["lsh"];
    assert!(lsh["num_bands"].as_u64().unwrap() * lsh["rows_per_band"].as_u64().unwrap() <= 128);
    assert_eq!(lsh["bands_from"], "optimal");
    let probability = |i: usize| {
        lsh["detection_probability"][i]["probability"]
            .as_f64()
            .unwrap()
    };
    assert!(probability(0) > probability(1), "{lsh}");
    for stage in ["read", "sketch", "pairs", "cluster", "write", "total"] {
        assert!(
            summary["timings_seconds"][stage].is_number(),
            "timing of {stage}"
        );
    }
}

#[test]
fn every_document_once_in_input_order() {
    let dir = temp_dir();
    let out = dir.path().join("out");
    dedup_ok(
        &["fixtures/news.jsonl", "fixtures/ferry-strike-blog.txt"],
        &out,
        &[],
    );
    let mut expected: Vec<String> = read_jsonl(&fixtures().join("news.jsonl"))
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    expected.push("ferry-strike-blog.txt".into());
    assert_eq!(document_ids(&out), expected);
    assert_eq!(
        documents_by_id(&out)["empty-notice"]["cluster"],
        Value::Null,
        "an empty text is a document"
    );
}

#[test]
fn empty_texts_are_documents() {
    let dir = temp_dir();
    let input = dir.path().join("empty.jsonl");
    std::fs::write(
        &input,
        "{\"id\": \"a\", \"text\": \"\"}\n{\"id\": \"b\", \"text\": \"\"}\n{\"id\": \"c\", \"text\": \"...\"}\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    dedup_ok(&[input.to_str().unwrap()], &out, &[]);
    assert_eq!(document_ids(&out), ["a", "b", "c"]);
    assert_eq!(summary(&out)["accepted"], 3);
}

/// Each bad-input fixture: the file, the 1-based line of the bad record, its reason code.
const BAD_INPUTS: [(&str, u64, &str, &str); 5] = [
    ("bad/malformed.jsonl", 2, "malformed_json", "malformed JSON"),
    (
        "bad/missing-text.jsonl",
        3,
        "missing_field",
        "missing field \"text\"",
    ),
    (
        "bad/non-string-text.jsonl",
        2,
        "wrong_type",
        "\"text\" is not a string",
    ),
    ("bad/invalid-utf8.jsonl", 2, "invalid_utf8", "invalid UTF-8"),
    (
        "bad/duplicate-ids.jsonl",
        3,
        "duplicate_id",
        "duplicate id \"ok-1\"",
    ),
];

#[test]
fn bad_input_stops_with_file_and_line_and_leaves_no_output() {
    for (name, line, _, message) in BAD_INPUTS {
        let dir = temp_dir();
        let out = dir.path().join("out");
        let keep = dir.path().join("kept.jsonl");
        let keep = keep.to_str().unwrap();
        let stderr = dedup_fails(&[&fixture(name)], &out, &["--keep", keep]);
        let located = format!("copydesk: error: {}:{line}: ", fixture(name));
        assert!(
            stderr.contains(&located),
            "{name}: expected {located:?} in {stderr:?}"
        );
        assert!(
            stderr.contains(message),
            "{name}: expected {message:?} in {stderr:?}"
        );
        assert_eq!(
            entries(&out),
            Vec::<String>::new(),
            "{name}: output left behind"
        );
        assert_eq!(
            entries(dir.path()),
            Vec::<String>::new(),
            "{name}: files left behind"
        );
    }
}

#[test]
fn skip_invalid_lists_rejected_records() {
    for (name, line, reason, message) in BAD_INPUTS {
        let dir = temp_dir();
        let out = dir.path().join("out");
        let output = dedup_ok(&[&fixture(name)], &out, &["--skip-invalid"]);
        let rejected = read_jsonl(&out.join("rejected.jsonl"));
        assert_eq!(rejected.len(), 1, "{name}: {rejected:?}");
        assert_eq!(rejected[0]["file"], fixture(name).as_str(), "{name}");
        assert_eq!(rejected[0]["line"], line, "{name}");
        assert_eq!(rejected[0]["reason"], reason, "{name}");
        assert!(
            rejected[0]["message"].as_str().unwrap().contains(message),
            "{name}: {}",
            rejected[0]
        );
        let summary = summary(&out);
        assert_eq!(summary["read"], 3, "{name}");
        assert_eq!(summary["accepted"], 2, "{name}");
        assert_eq!(summary["rejected"], 1, "{name}");
        assert_eq!(document_ids(&out), ["ok-1", "ok-2"], "{name}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("1 rejected"), "{name}: {stderr}");
    }
}

#[test]
fn missing_input_file_is_an_error_even_when_skipping_invalid_records() {
    for extra in [&[][..], &["--skip-invalid"][..]] {
        let dir = temp_dir();
        let out = dir.path().join("out");
        let inputs = ["fixtures/news.jsonl", "fixtures/no-such-file.jsonl"];
        let stderr = dedup_fails(&inputs, &out, extra);
        assert!(
            stderr.contains("copydesk: error: cannot read fixtures/no-such-file.jsonl"),
            "{stderr}"
        );
        assert_eq!(entries(dir.path()), Vec::<String>::new());
    }
}

#[test]
fn failed_run_leaves_earlier_outputs_untouched() {
    let dir = temp_dir();
    let out = dir.path().join("out");
    dedup_ok(&["fixtures/news.jsonl"], &out, &[]);
    let before: Vec<(String, Vec<u8>)> = entries(&out)
        .into_iter()
        .map(|name| {
            let bytes = std::fs::read(out.join(&name)).unwrap();
            (name, bytes)
        })
        .collect();
    dedup_fails(&["fixtures/bad/malformed.jsonl"], &out, &[]);
    let after: Vec<(String, Vec<u8>)> = entries(&out)
        .into_iter()
        .map(|name| {
            let bytes = std::fs::read(out.join(&name)).unwrap();
            (name, bytes)
        })
        .collect();
    assert_eq!(before, after);
}

#[test]
fn compressed_directory_and_stdin_inputs_give_the_same_clusters() {
    let dir = temp_dir();
    let plain = std::fs::read(fixtures().join("news.jsonl")).unwrap();
    let reference = dir.path().join("reference");
    dedup_ok(&["fixtures/news.jsonl"], &reference, &[]);
    let expected = cluster_sets(&reference);
    assert!(!expected.is_empty());

    let gz = dir.path().join("news.jsonl.gz");
    write_gz(&gz, &plain);
    let zst = dir.path().join("news.jsonl.zst");
    write_zst(&zst, &plain);
    for input in [&gz, &zst] {
        let out = dir.path().join("out-compressed");
        dedup_ok(&[input.to_str().unwrap()], &out, &[]);
        assert_eq!(cluster_sets(&out), expected, "{}", input.display());
        let summary = summary(&out);
        assert_eq!(summary["accepted"], 18, "{}", input.display());
    }

    let stdin_out = dir.path().join("out-stdin");
    copydesk()
        .args(["dedup", "-", "--out"])
        .arg(&stdin_out)
        .write_stdin(plain.clone())
        .assert()
        .success();
    assert_eq!(cluster_sets(&stdin_out), expected);
    assert_eq!(read_jsonl(&stdin_out.join("documents.jsonl")).len(), 18);

    // A directory of text files: one document each, named by file name.
    let texts = dir.path().join("texts");
    std::fs::create_dir(&texts).unwrap();
    let blog = std::fs::read(fixtures().join("ferry-strike-blog.txt")).unwrap();
    std::fs::write(texts.join("a-blog.txt"), &blog).unwrap();
    std::fs::write(texts.join("b-blog-copy.txt"), &blog).unwrap();
    std::fs::write(
        texts.join("c-other.txt"),
        "Nothing to see here at all today.",
    )
    .unwrap();
    std::fs::write(texts.join("ignored.csv"), "not,an,input").unwrap();
    let dir_out = dir.path().join("out-dir");
    dedup_ok(&[texts.to_str().unwrap()], &dir_out, &[]);
    assert_eq!(
        document_ids(&dir_out),
        ["a-blog.txt", "b-blog-copy.txt", "c-other.txt"]
    );
    let copies: BTreeSet<String> = ["a-blog.txt", "b-blog-copy.txt"].map(String::from).into();
    assert_eq!(cluster_sets(&dir_out), BTreeSet::from([copies]));
}

#[test]
fn keep_writes_original_lines_untouched() {
    let dir = temp_dir();
    // Unusual but valid formatting that re-serializing would change.
    let lines = [
        r#"{"text": "The lighthouse keeper retired after forty years on the rock, and the town threw a party on the pier that went on well past midnight.",   "id":"keeper", "extra": {"n": 1.50, "s": "caf\u00e9"}}"#,
        r#"{ "id" : "keeper-copy" , "text" : "The lighthouse keeper retired after forty years on the rock, and the town threw a party on the pier that went on well past midnight." }"#,
        r#"{"id": 7, "text": "Completely unrelated: the bakery on Quay Street now sells rye bread on Sundays, after a petition signed by three hundred customers."}"#,
    ];
    let input = dir.path().join("in.jsonl");
    std::fs::write(&input, lines.join("\n") + "\n").unwrap();
    let text_input = dir.path().join("note.txt");
    std::fs::write(
        &text_input,
        "A plain text note about the harbour wall, \"quoted\".\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let keep = dir.path().join("kept.jsonl");
    dedup_ok(
        &[input.to_str().unwrap(), text_input.to_str().unwrap()],
        &out,
        &["--keep", keep.to_str().unwrap(), "--prefer", "first"],
    );
    let kept = std::fs::read_to_string(&keep).unwrap();
    let kept_lines: Vec<&str> = kept.lines().collect();
    assert_eq!(kept_lines.len(), 3, "{kept}");
    assert_eq!(kept_lines[0], lines[0]);
    assert_eq!(kept_lines[1], lines[2]);
    let note: Value = serde_json::from_str(kept_lines[2]).unwrap();
    assert_eq!(note["id"], "note.txt");
    assert_eq!(
        note["text"],
        "A plain text note about the harbour wall, \"quoted\".\n"
    );
    let summary = summary(&out);
    assert_eq!(
        summary["unique"].as_u64().unwrap() + summary["clusters"].as_u64().unwrap(),
        3
    );
}

#[test]
fn keep_on_fixtures_drops_exactly_the_duplicates() {
    let dir = temp_dir();
    let out = dir.path().join("out");
    let keep = dir.path().join("kept.jsonl");
    dedup_ok(
        &["fixtures/news.jsonl"],
        &out,
        &["--keep", keep.to_str().unwrap()],
    );
    let original: BTreeSet<String> = std::fs::read_to_string(fixtures().join("news.jsonl"))
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    let kept = std::fs::read_to_string(&keep).unwrap();
    let duplicates: BTreeSet<String> = read_jsonl(&out.join("documents.jsonl"))
        .iter()
        .filter(|d| !d["duplicate_of"].is_null())
        .map(|d| d["id"].as_str().unwrap().to_owned())
        .collect();
    let mut kept_ids = Vec::new();
    for line in kept.lines() {
        assert!(
            original.contains(line),
            "kept line is not an input line: {line}"
        );
        let record: Value = serde_json::from_str(line).unwrap();
        kept_ids.push(record["id"].as_str().unwrap().to_owned());
    }
    assert!(kept_ids.iter().all(|id| !duplicates.contains(id)));
    // The empty notice is a unique document with nothing in it: not kept.
    assert!(!kept_ids.iter().any(|id| id == "empty-notice"));
    assert_eq!(kept_ids.len() + duplicates.len() + 1, 18);
}

#[test]
fn clusters_do_not_depend_on_threads_or_input_order() {
    let dir = temp_dir();
    let one = dir.path().join("one");
    let two = dir.path().join("two");
    dedup_ok(&["fixtures/"], &one, &["--threads", "1"]);
    dedup_ok(&["fixtures/"], &two, &["--threads", "2"]);
    assert_eq!(cluster_sets(&one), cluster_sets(&two));
    for name in ["documents.jsonl", "pairs.jsonl", "clusters.jsonl"] {
        assert_eq!(
            std::fs::read(one.join(name)).unwrap(),
            std::fs::read(two.join(name)).unwrap(),
            "{name} differs between 1 and 2 threads"
        );
    }

    // The same records in reversed, then rotated, order.
    let text = std::fs::read_to_string(fixtures().join("news.jsonl")).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines.reverse();
    lines.rotate_left(5);
    let shuffled = dir.path().join("shuffled.jsonl");
    std::fs::write(&shuffled, lines.join("\n") + "\n").unwrap();
    let reordered = dir.path().join("reordered");
    dedup_ok(
        &[shuffled.to_str().unwrap(), "fixtures/ferry-strike-blog.txt"],
        &reordered,
        &[],
    );
    assert_eq!(cluster_sets(&reordered), cluster_sets(&one));
    // Not only the clusters: their numbers, members and representatives,
    // the mined substitutions and every document's line are the same.
    let same_records = dir.path().join("same-records");
    dedup_ok(
        &[
            fixtures().join("news.jsonl").to_str().unwrap(),
            "fixtures/ferry-strike-blog.txt",
        ],
        &same_records,
        &[],
    );
    for name in ["clusters.jsonl", "substitutions.jsonl"] {
        assert_eq!(
            std::fs::read_to_string(same_records.join(name)).unwrap(),
            std::fs::read_to_string(reordered.join(name)).unwrap(),
            "{name} depends on input order"
        );
    }
    let sorted_lines = |out: &Path| {
        let text = std::fs::read_to_string(out.join("documents.jsonl")).unwrap();
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        lines.sort();
        lines
    };
    assert_eq!(sorted_lines(&same_records), sorted_lines(&reordered));
}

#[test]
fn a_40_megabyte_document_works() {
    // Pseudo-random words from a small syllable alphabet, so most 5-grams are distinct.
    const SIZE: usize = 40 << 20;
    let syllables = [
        "ka", "lo", "mi", "ren", "tas", "vo", "di", "nul", "pe", "shi", "gor", "ba", "ut", "zem",
    ];
    let mut text = String::with_capacity(SIZE + 64);
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut words = 0u64;
    while text.len() < SIZE {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let mut bits = state >> 20;
        for _ in 0..1 + (bits % 3) {
            bits /= 3;
            text.push_str(syllables[(bits % syllables.len() as u64) as usize]);
            bits /= syllables.len() as u64;
        }
        words += 1;
        text.push_str(if words % 17 == 0 { ". " } else { " " });
    }
    let excerpt: String = text.chars().take(20_000).collect();
    let excerpt = &excerpt[..excerpt.rfind(' ').unwrap()];
    let dir = temp_dir();
    let input = dir.path().join("huge.jsonl");
    let mut body = serde_json::to_string(&serde_json::json!({"id": "huge", "text": text})).unwrap();
    body.push('\n');
    body.push_str(
        &serde_json::to_string(&serde_json::json!({"id": "excerpt", "text": excerpt})).unwrap(),
    );
    body.push('\n');
    drop(text);
    std::fs::write(&input, body).unwrap();
    let out = dir.path().join("out");
    dedup_ok(&[input.to_str().unwrap()], &out, &["--quiet"]);
    assert_eq!(document_ids(&out), ["huge", "excerpt"]);
    let docs = documents_by_id(&out);
    assert_eq!(docs["excerpt"]["duplicate_of"], "huge");
    assert_eq!(docs["excerpt"]["relation"], "excerpt");
}

#[test]
fn usage_errors_exit_with_2() {
    let dir = temp_dir();
    let out = dir.path().join("out");
    let out_arg = out.display().to_string();
    let standard = ["dedup", "fixtures/news.jsonl", "--out", &out_arg];
    let mut cases: Vec<Vec<&str>> = vec![
        vec!["dedup", "--out", &out_arg],
        vec!["dedup", "fixtures/news.jsonl"],
    ];
    let bad_flags: [&[&str]; 6] = [
        &["--no-such-flag"],
        &["--threshold", "1.5"],
        &["--num-perm", "0"],
        &["--bands", "500"],
        &["--prefer", "shortest"],
        &["--carry", "title,cluster"],
    ];
    for flags in bad_flags {
        cases.push(standard.iter().chain(flags).copied().collect());
    }
    for args in cases {
        let output = copydesk().args(&args).output().unwrap();
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(!out.exists(), "{args:?} created the output directory");
    }
}

#[test]
fn verbose_prints_lsh_choice_and_quiet_prints_nothing() {
    let dir = temp_dir();
    let output = dedup_ok(
        &["fixtures/news.jsonl"],
        &dir.path().join("v"),
        &["--verbose", "--threshold", "0.6", "--num-perm", "64"],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(" bands x "), "{stderr}");
    assert!(
        stderr.contains("at Jaccard 0.60") && stderr.contains("at 0.50"),
        "{stderr}"
    );
    assert!(
        stderr.contains("read 18 records: 18 accepted, 0 rejected"),
        "{stderr}"
    );

    let output = dedup_ok(
        &["fixtures/news.jsonl"],
        &dir.path().join("q"),
        &["--quiet"],
    );
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn bands_override_and_renamed_fields() {
    let dir = temp_dir();
    let input = dir.path().join("renamed.jsonl");
    let text = std::fs::read_to_string(fixtures().join("news.jsonl")).unwrap();
    let renamed: Vec<String> = text
        .lines()
        .map(|line| {
            let mut record: serde_json::Map<String, Value> = serde_json::from_str(line).unwrap();
            let id = record.remove("id").unwrap();
            let body = record.remove("text").unwrap();
            record.insert("url".into(), id);
            record.insert("body".into(), body);
            serde_json::to_string(&record).unwrap()
        })
        .collect();
    std::fs::write(&input, renamed.join("\n")).unwrap();
    let out = dir.path().join("out");
    dedup_ok(
        &[input.to_str().unwrap()],
        &out,
        &["--id-field", "url", "--text-field", "body", "--bands", "32"],
    );
    let reference = dir.path().join("reference");
    dedup_ok(&["fixtures/news.jsonl"], &reference, &[]);
    assert_eq!(cluster_sets(&out), cluster_sets(&reference));
    let parameters = &summary(&out)["parameters"];
    assert_eq!(parameters["num_bands"], 32);
    assert_eq!(parameters["lsh"]["num_bands"], 32);
    assert_eq!(parameters["lsh"]["rows_per_band"], 4);
    assert_eq!(parameters["lsh"]["bands_from"], "override");
}

#[test]
fn unusable_destinations_fail_early_and_create_nothing() {
    let dir = temp_dir();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "not a directory").unwrap();
    let stderr = dedup_fails(&["fixtures/news.jsonl"], &file, &[]);
    assert!(stderr.contains("is not a directory"), "{stderr}");

    let out = dir.path().join("out");
    let keep = dir.path().join("missing-dir").join("kept.jsonl");
    let keep_arg = keep.to_str().unwrap();
    let stderr = dedup_fails(&["fixtures/news.jsonl"], &out, &["--keep", keep_arg]);
    assert!(stderr.contains("does not exist"), "{stderr}");
    assert_eq!(entries(dir.path()), ["a-file"]);

    // The kept corpus may go into the output directory that the run creates.
    let keep = out.join("kept.jsonl");
    dedup_ok(
        &["fixtures/news.jsonl"],
        &out,
        &["--keep", keep.to_str().unwrap()],
    );
    assert!(keep.exists());
}

#[test]
fn hostile_input_is_rejected_or_accepted_but_never_panics() {
    let mut lines: Vec<Vec<u8>> = vec![
        b"\xef\xbb\xbf{\"id\": \"bom\", \"text\": \"a file that starts with a byte order mark\"}"
            .to_vec(),
        [&[b'['; 100_000][..], &[b']'; 100_000][..]].concat(),
        [
            &b"{\"id\": \"deep\", \"text\": \"x\", \"extra\": "[..],
            &[b'['; 100_000][..],
            &[b']'; 100_000][..],
            b"}",
        ]
        .concat(),
        b"{\"id\": \"nul\", \"text\": \"a\\u0000b\"}".to_vec(),
        b"{\"id\": \"surrogate\", \"text\": \"\\ud800 alone\"}".to_vec(),
        b"{\"id\": 1e400, \"text\": \"huge id\"}".to_vec(),
        b"{\"id\": -5, \"text\": \"negative id\"}".to_vec(),
        b"{\"id\": \"raw\x01control\", \"text\": \"x\"}".to_vec(),
        b"{\"id\": \"twice\", \"id\": \"again\", \"text\": \"repeated key\"}".to_vec(),
        b"\"just a string\"".to_vec(),
        b"null".to_vec(),
        "{\"id\": \"emoji\", \"text\": \"fine \u{1F600} and e\u{301}\"}"
            .as_bytes()
            .to_vec(),
        b"{\"id\": \"crlf\", \"text\": \"a Windows line\"}\r".to_vec(),
    ];
    // Bytes from a fixed linear congruential generator, newlines removed.
    let mut state: u32 = 12345;
    let noise: Vec<u8> = (0..4000)
        .map(|_| {
            state = state.wrapping_mul(1_103_515_245).wrapping_add(12345);
            match (state >> 16) as u8 {
                b'\n' => b' ',
                byte => byte,
            }
        })
        .collect();
    lines.push(noise);
    let dir = temp_dir();
    let input = dir.path().join("hostile.jsonl");
    let mut body = lines.join(&b'\n');
    body.push(b'\n');
    std::fs::write(&input, body).unwrap();
    let input = input.to_str().unwrap();

    let stderr = dedup_fails(&[input], &dir.path().join("strict"), &[]);
    assert!(
        stderr.contains("hostile.jsonl:2: malformed JSON"),
        "{stderr}"
    );

    let out = dir.path().join("out");
    dedup_ok(&[input], &out, &["--skip-invalid", "--carry", "extra"]);
    let summary = summary(&out);
    assert_eq!(summary["read"], lines.len() as u64);
    assert_eq!(
        summary["read"].as_u64(),
        Some(summary["accepted"].as_u64().unwrap() + summary["rejected"].as_u64().unwrap())
    );
    let ids = document_ids(&out);
    for id in ["bom", "nul", "-5", "again", "emoji", "crlf"] {
        assert!(ids.iter().any(|i| i == id), "{id} not accepted: {ids:?}");
    }
    let rejected = read_jsonl(&out.join("rejected.jsonl"));
    assert_eq!(rejected.len() + ids.len(), lines.len());
}

#[test]
fn character_shingles_see_through_ocr_noise() {
    let museum = fixture_text("museum-reopens");
    // Typical OCR confusions in every third word: m → rn, l → 1, e → c.
    let noisy: Vec<String> = museum
        .split(' ')
        .enumerate()
        .map(|(i, word)| {
            if i % 3 == 0 {
                word.replace('m', "rn")
                    .replace('l', "1")
                    .replacen('e', "c", 1)
            } else {
                word.to_owned()
            }
        })
        .collect();
    let dir = temp_dir();
    let input = dir.path().join("ocr.jsonl");
    let records = [
        serde_json::json!({"id": "museum", "text": museum}),
        serde_json::json!({"id": "museum-ocr", "text": noisy.join(" ")}),
    ];
    let body: Vec<String> = records.iter().map(|r| r.to_string()).collect();
    std::fs::write(&input, body.join("\n")).unwrap();
    let jaccard = |shingle: &str| {
        let out = dir.path().join(shingle);
        dedup_ok(
            &[input.to_str().unwrap()],
            &out,
            &[
                "--shingle",
                shingle,
                "--ngram",
                if shingle == "chars" { "7" } else { "5" },
            ],
        );
        let pairs = read_jsonl(&out.join("pairs.jsonl"));
        let relation = pairs
            .first()
            .map(|p| p["relation"].as_str().unwrap().to_owned());
        let jaccard = pairs
            .first()
            .map_or(0.0, |p| p["jaccard"].as_f64().unwrap());
        (jaccard, relation)
    };
    let (chars, relation) = jaccard("chars");
    let (words, _) = jaccard("words");
    assert_eq!(relation.as_deref(), Some("near_exact"), "Jaccard {chars}");
    assert!(chars > words, "chars {chars} vs words {words}");
}

#[test]
fn ten_thousand_copies_make_one_cluster_and_linear_pairs() {
    const COPIES: usize = 10_000;
    let chess = fixture_text("chess-team");
    let mut body = String::new();
    for copy in 0..COPIES {
        let record = serde_json::json!({"id": format!("copy-{copy}"), "text": chess});
        body.push_str(&record.to_string());
        body.push('\n');
    }
    let dir = temp_dir();
    let input = dir.path().join("copies.jsonl");
    std::fs::write(&input, body).unwrap();
    let out = dir.path().join("out");
    dedup_ok(&[input.to_str().unwrap()], &out, &["--quiet"]);
    let clusters = read_jsonl(&out.join("clusters.jsonl"));
    assert_eq!(clusters.len(), 1);
    assert_eq!(clusters[0]["size"], COPIES);
    let pairs = std::fs::read_to_string(out.join("pairs.jsonl")).unwrap();
    let num_pairs = pairs.lines().count();
    assert!(
        (COPIES - 1..=2 * COPIES).contains(&num_pairs),
        "{num_pairs} pairs for {COPIES} copies"
    );
}

/// Run `copydesk scan INPUTS --out OUT EXTRA`, asserting success.
fn scan_ok(inputs: &[&str], out: &Path, extra: &[&str]) {
    let output = copydesk()
        .arg("scan")
        .args(inputs)
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .expect("copydesk runs");
    assert!(
        output.status.success(),
        "copydesk scan failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn scan_writes_dedup_and_quality_fields_for_every_document_once() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    scan_ok(&[&fixture("news.jsonl")], &out, &[]);
    let input: Vec<String> = read_jsonl(&fixtures().join("news.jsonl"))
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    let docs = read_jsonl(&out.join("documents.jsonl"));
    let ids: Vec<String> = docs
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, input);
    for doc in &docs {
        for field in ["cluster", "duplicate_of", "relation", "flags", "scores"] {
            assert!(doc.get(field).is_some(), "{field} missing in {doc}");
        }
        let quality = doc["scores"]["quality"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&quality));
    }
    // Scan finds the same clusters as dedup.
    let dedup_out = dir.path().join("dedup");
    dedup_ok(&[&fixture("news.jsonl")], &dedup_out, &[]);
    assert_eq!(
        std::fs::read(out.join("clusters.jsonl")).unwrap(),
        std::fs::read(dedup_out.join("clusters.jsonl")).unwrap()
    );
    // The wire copy's reporting credits are page furniture, flagged with their span.
    let wire = docs.iter().find(|d| d["id"] == "bridge-wire").unwrap();
    let text = fixture_text("bridge-wire");
    let flag = wire["flags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "editor_credit")
        .expect("editor credit flagged");
    let (start, end) = (
        flag["start"].as_u64().unwrap() as usize,
        flag["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&text[start..end], flag["text"].as_str().unwrap());
    assert!(
        text[start..end].contains("Reporting by"),
        "{}",
        &text[start..end]
    );
    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(report.contains("bridge-wire"));
}

#[test]
fn scan_keep_and_drop_partition_the_corpus() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let keep = dir.path().join("keep.jsonl");
    let drop = dir.path().join("drop.jsonl");
    scan_ok(
        &[&fixture("news.jsonl")],
        &out,
        &[
            "--keep",
            keep.to_str().unwrap(),
            "--drop",
            drop.to_str().unwrap(),
            "--min-quality",
            "0.6",
        ],
    );
    let docs = read_jsonl(&out.join("documents.jsonl"));
    let kept: BTreeSet<String> = read_jsonl(&keep)
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    let dropped = read_jsonl(&drop);
    assert_eq!(kept.len() + dropped.len(), docs.len());
    // Of each cluster, its best member by quality is kept when it reaches
    // the bar (the representative when it is among the best); of a unique
    // document, itself when it does.
    let quality = |doc: &Value| doc["scores"]["quality"].as_f64().unwrap();
    let mut by_cluster: BTreeMap<u64, Vec<&Value>> = BTreeMap::new();
    for doc in &docs {
        if let Some(number) = doc["cluster"].as_u64() {
            by_cluster.entry(number).or_default().push(doc);
        }
    }
    let mut kept_of_cluster: BTreeMap<u64, String> = BTreeMap::new();
    for (number, members) in &by_cluster {
        let best = members.iter().map(|d| quality(d)).fold(0.0, f64::max);
        let kept_members: Vec<&&Value> = members
            .iter()
            .filter(|d| kept.contains(d["id"].as_str().unwrap()))
            .collect();
        if best < 0.6 {
            assert!(kept_members.is_empty(), "cluster {number}");
            continue;
        }
        assert_eq!(kept_members.len(), 1, "cluster {number}");
        assert_eq!(quality(kept_members[0]), best, "cluster {number}");
        let representative = members
            .iter()
            .find(|d| d["duplicate_of"].is_null())
            .unwrap();
        if quality(representative) == best {
            assert_eq!(kept_members[0]["id"], representative["id"]);
        }
        kept_of_cluster.insert(*number, kept_members[0]["id"].as_str().unwrap().to_owned());
    }
    for doc in &docs {
        let id = doc["id"].as_str().unwrap();
        let low = quality(doc) < 0.6;
        let duplicate = doc["cluster"]
            .as_u64()
            .and_then(|number| kept_of_cluster.get(&number))
            .is_some_and(|kept| kept != id);
        if doc["cluster"].is_null() {
            assert_eq!(kept.contains(id), !low, "{id}");
        }
        if let Some(line) = dropped.iter().find(|d| d["id"] == id) {
            let reasons: Vec<&str> = line["reasons"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r.as_str().unwrap())
                .collect();
            assert_eq!(reasons.contains(&"duplicate"), duplicate, "{id}");
            assert_eq!(reasons.contains(&"low_quality"), low, "{id}");
        }
    }
    // Kept lines are the original lines, byte for byte.
    let original = std::fs::read_to_string(fixtures().join("news.jsonl")).unwrap();
    for line in std::fs::read_to_string(&keep).unwrap().lines() {
        assert!(original.lines().any(|l| l == line));
    }
}

#[test]
fn scan_checks_a_single_text_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    scan_ok(&[&fixture("ferry-strike-blog.txt")], &out, &[]);
    let docs = read_jsonl(&out.join("documents.jsonl"));
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0]["id"], "ferry-strike-blog.txt");
    assert!(out.join("report.html").exists());
}

#[test]
fn spun_copies_link_to_their_source_which_represents_the_cluster() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    scan_ok(&[&fixture("rewrite/corpus.jsonl")], &out, &[]);
    let docs = read_jsonl(&out.join("documents.jsonl"));
    let rep_of = |id: &str| {
        let doc = docs.iter().find(|d| d["id"] == id).unwrap();
        doc["duplicate_of"].as_str().unwrap_or(id).to_owned()
    };
    for (spun, source) in [
        ("harbour-spun30", "harbour"),
        ("harbour-spun50", "harbour"),
        ("orchard-spun50", "orchard"),
        ("library-spun15", "library"),
    ] {
        assert_eq!(rep_of(spun), source, "{spun}");
    }
    // The rival story on the same topic (same names and numbers) stays apart.
    let rival = docs.iter().find(|d| d["id"] == "harbour-rival").unwrap();
    assert!(
        rival["cluster"].is_null()
            || rival["cluster"] != docs.iter().find(|d| d["id"] == "harbour").unwrap()["cluster"]
    );
}

/// A JSONL record with this id and a text of its own.
fn shard_record(id: &str) -> String {
    format!(
        "{{\"id\": \"{id}\", \"text\": \"The {id} shard holds this story about the harbour.\"}}\n"
    )
}

#[test]
fn inputs_with_no_document_are_an_error_naming_them() {
    let dir = temp_dir();
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let other = dir.path().join("other");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("data.csv"), "id,text\n1,x\n").unwrap();
    std::fs::write(other.join("README.md"), "# shards\n").unwrap();
    let out = dir.path().join("out");
    for inputs in [vec![&empty], vec![&other], vec![&empty, &other]] {
        let args: Vec<&str> = inputs.iter().map(|p| p.to_str().unwrap()).collect();
        let stderr = dedup_fails(&args, &out, &[]);
        for input in &args {
            assert!(stderr.contains(input), "{stderr}");
        }
        assert!(
            stderr.contains(".jsonl") && stderr.contains(".txt"),
            "{stderr}"
        );
        assert!(!out.exists());
        let check = copydesk()
            .arg("check")
            .args(&args)
            .output()
            .expect("copydesk runs");
        assert_eq!(check.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&check.stderr).contains("no records in"));
    }
    // An empty file named as such is an empty corpus, and so is empty stdin.
    let named = dir.path().join("named.jsonl");
    std::fs::write(&named, "").unwrap();
    dedup_ok(
        &[empty.to_str().unwrap(), named.to_str().unwrap()],
        &out,
        &[],
    );
    assert_eq!(summary(&out)["read"], 0);
    let stdin_out = dir.path().join("stdin-out");
    let output = copydesk()
        .args(["dedup", "-", "--out", stdin_out.to_str().unwrap()])
        .write_stdin("")
        .output()
        .unwrap();
    assert!(output.status.success());
    // A directory whose records are all rejected is not empty.
    std::fs::write(other.join("bad.jsonl"), "{\"id\": 1}\n").unwrap();
    let skip_out = dir.path().join("skip-out");
    dedup_ok(&[other.to_str().unwrap()], &skip_out, &["--skip-invalid"]);
    assert_eq!(summary(&skip_out)["rejected"], 1);
}

#[test]
fn json_shards_compressed_or_not_are_read_as_jsonl() {
    let dir = temp_dir();
    let shards = dir.path().join("shards");
    std::fs::create_dir(&shards).unwrap();
    std::fs::write(
        shards.join("train-00000-of-00003.json"),
        shard_record("s0") + &shard_record("s0b"),
    )
    .unwrap();
    write_gz(
        &shards.join("train-00001-of-00003.json.gz"),
        shard_record("s1").as_bytes(),
    );
    write_zst(
        &shards.join("train-00002-of-00003.json.zst"),
        shard_record("s2").as_bytes(),
    );
    write_gz(
        &shards.join("extra.ndjson.gz"),
        shard_record("nd").as_bytes(),
    );
    let out = dir.path().join("out");
    dedup_ok(&[shards.to_str().unwrap()], &out, &[]);
    assert_eq!(document_ids(&out), ["nd", "s0", "s0b", "s1", "s2"]);
}

#[test]
fn recursive_reads_nested_shards_in_path_order() {
    let dir = temp_dir();
    let root = dir.path().join("dataset");
    for (path, id) in [
        ("b.jsonl", "b"),
        ("a.jsonl", "a"),
        ("a/2.jsonl", "a/2"),
        ("a/10.jsonl", "a/10"),
        ("a/sub/x.json", "a/sub/x"),
        ("a-b/y.jsonl.gz", "a-b/y"),
    ] {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        if path.extension().is_some_and(|e| e == "gz") {
            write_gz(&path, shard_record(id).as_bytes());
        } else {
            std::fs::write(&path, shard_record(id)).unwrap();
        }
    }
    let input = root.to_str().unwrap();
    let flat = dir.path().join("flat");
    dedup_ok(&[input], &flat, &[]);
    assert_eq!(document_ids(&flat), ["a", "b"]);
    let nested = dir.path().join("nested");
    dedup_ok(&[input], &nested, &["--recursive"]);
    // Each directory where its name sorts in byte order: "a" < "a-b" < "a.jsonl".
    assert_eq!(
        document_ids(&nested),
        ["a/10", "a/2", "a/sub/x", "a-b/y", "a", "b"]
    );
    assert_eq!(summary(&nested)["parameters"]["recursive"], true);
    // A directory of directories holds no document unless read recursively.
    let outer = dir.path().join("outer");
    std::fs::create_dir_all(outer.join("inner")).unwrap();
    std::fs::write(outer.join("inner/one.jsonl"), shard_record("one")).unwrap();
    let stderr = dedup_fails(&[outer.to_str().unwrap()], &dir.path().join("x"), &[]);
    assert!(
        stderr.contains("(not in subdirectories); --recursive reads subdirectories"),
        "{stderr}"
    );
    dedup_ok(
        &[outer.to_str().unwrap()],
        &dir.path().join("y"),
        &["--recursive"],
    );
}

#[cfg(unix)]
#[test]
fn special_files_in_a_directory_are_skipped_with_a_warning() {
    let dir = temp_dir();
    let shards = dir.path().join("shards");
    std::fs::create_dir(&shards).unwrap();
    std::fs::write(shards.join("doc.jsonl"), shard_record("doc")).unwrap();
    std::os::unix::fs::symlink("gone.jsonl", shards.join("broken.jsonl")).unwrap();
    std::os::unix::fs::symlink("doc.jsonl", shards.join("linked.jsonl")).unwrap();
    std::fs::create_dir(shards.join("nested")).unwrap();
    std::os::unix::fs::symlink("..", shards.join("nested/loop")).unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(shards.join("pipe.jsonl"))
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
    let _socket = std::os::unix::net::UnixListener::bind(shards.join("sock.jsonl")).unwrap();
    let input = shards.to_str().unwrap();
    let out = dir.path().join("out");
    // A linked file is read like the file itself: its id repeats.
    let output = dedup_ok(&[input], &out, &["--skip-invalid", "--recursive"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    for (name, reason) in [
        ("broken.jsonl", "broken symbolic link"),
        ("pipe.jsonl", "a FIFO"),
        ("sock.jsonl", "a socket"),
        ("nested/loop", "directory already read"),
    ] {
        let path = shards.join(name);
        let line = format!("copydesk: warning: skipped {}: {reason}", path.display());
        assert!(stderr.contains(&line), "{line} not in:\n{stderr}");
    }
    assert_eq!(document_ids(&out), ["doc"]);
    assert_eq!(summary(&out)["rejected"], 1);
    // --quiet: errors only.
    let quiet = dedup_ok(
        &[input],
        &dir.path().join("quiet"),
        &["--skip-invalid", "--recursive", "-q"],
    );
    assert!(
        quiet.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&quiet.stderr)
    );
}

#[test]
fn empty_texts_are_flagged_and_left_out_of_the_clean_corpus() {
    let dir = temp_dir();
    let input = dir.path().join("in.jsonl");
    let story = "The harbour board approved a new ferry timetable on Tuesday after a long debate about winter crossings and the cost of fuel for the island route.";
    std::fs::write(
        &input,
        format!(
            "{{\"id\": \"story\", \"text\": \"{story}\"}}\n{{\"id\": \"empty\", \"text\": \"\"}}\n{{\"id\": \"blank\", \"text\": \" \\n\\t \"}}\n"
        ),
    )
    .unwrap();
    let input = input.to_str().unwrap();
    let keep = dir.path().join("kept.jsonl");
    let out = dir.path().join("dedup");
    let output = dedup_ok(&[input], &out, &["--keep", keep.to_str().unwrap()]);
    // Still documents, copies of nothing.
    assert_eq!(document_ids(&out), ["story", "empty", "blank"]);
    assert_eq!(summary(&out)["unique"], 3);
    let kept: Vec<Value> = read_jsonl(&keep);
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0]["id"], "story");
    assert!(String::from_utf8_lossy(&output.stderr).contains("kept 1 documents"));
    for min_quality in ["0.5", "0"] {
        let out = dir.path().join(format!("scan-{min_quality}"));
        let drop = dir.path().join(format!("drop-{min_quality}.jsonl"));
        scan_ok(
            &[input],
            &out,
            &[
                "--keep",
                keep.to_str().unwrap(),
                "--drop",
                drop.to_str().unwrap(),
                "--min-quality",
                min_quality,
            ],
        );
        let kept: Vec<Value> = read_jsonl(&keep);
        assert_eq!(kept.len(), 1, "--min-quality {min_quality}");
        assert_eq!(kept[0]["id"], "story");
        let dropped = read_jsonl(&drop);
        let dropped_ids: Vec<&str> = dropped.iter().map(|d| d["id"].as_str().unwrap()).collect();
        assert_eq!(dropped_ids, ["empty", "blank"]);
        for line in &dropped {
            assert_eq!(line["reasons"], serde_json::json!(["low_quality"]));
            assert_eq!(line["rules"], serde_json::json!([["empty_text", 1]]));
            assert_eq!(line["quality"], 0.0);
        }
        let docs = documents_by_id(&out);
        let flags = docs["blank"]["flags"].as_array().unwrap();
        assert_eq!(flags.len(), 1);
        assert_eq!(flags[0]["rule"], "empty_text");
        assert_eq!(flags[0]["category"], "heuristic");
        assert_eq!(
            (flags[0]["start"].as_u64(), flags[0]["end"].as_u64()),
            (Some(0), Some(4))
        );
        assert_eq!(docs["story"]["flags"], serde_json::json!([]));
        assert_eq!(summary(&out)["quality"]["kept"], 1);
    }
}

#[test]
fn integer_ids_beyond_64_bits_are_read_as_written() {
    let dir = temp_dir();
    let input = dir.path().join("in.jsonl");
    let ids = [
        "123456789012345678901234567890",
        "-123456789012345678901234567890",
        "-42",
    ];
    let mut lines = String::new();
    for (i, id) in ids.iter().enumerate() {
        lines.push_str(&format!(
            "{{\"id\": {id}, \"text\": \"Story number {i} of the archive, about something else entirely.\"}}\n"
        ));
    }
    lines.push_str("{\"id\": 1.5, \"text\": \"a float id\"}\n");
    lines.push_str("{\"id\": 1e3, \"text\": \"an exponent id\"}\n");
    std::fs::write(&input, lines).unwrap();
    let out = dir.path().join("out");
    dedup_ok(&[input.to_str().unwrap()], &out, &["--skip-invalid"]);
    assert_eq!(document_ids(&out), ids);
    let rejected = read_jsonl(&out.join("rejected.jsonl"));
    let lines: Vec<(u64, &str)> = rejected
        .iter()
        .map(|r| (r["line"].as_u64().unwrap(), r["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(lines, [(4, "wrong_type"), (5, "wrong_type")]);
    // The same id written twice is a duplicate, found by its digits.
    std::fs::write(
        &input,
        format!(
            "{{\"id\": {0}, \"text\": \"a\"}}\n{{\"id\": {0}, \"text\": \"b\"}}\n",
            ids[0]
        ),
    )
    .unwrap();
    let stderr = dedup_fails(&[input.to_str().unwrap()], &dir.path().join("dup"), &[]);
    assert!(
        stderr.contains(&format!("duplicate id \"{}\"", ids[0])),
        "{stderr}"
    );
}
