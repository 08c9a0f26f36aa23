//! The clean corpus (`scan --keep`) keeps the best member of each cluster by
//! quality, `--prefer quality` picks representatives by quality in `scan` and
//! `dedup`, and band settings that cannot find copies are warned about.
//! Fixtures: `fixtures/keep/stories.jsonl` (see `fixtures/keep/generate.py`).

mod common;

use common::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

const STORIES: &str = "fixtures/keep/stories.jsonl";

fn kept_ids(path: &Path) -> Vec<String> {
    read_jsonl(path)
        .iter()
        .map(|record| record["id"].as_str().unwrap().to_owned())
        .collect()
}

fn scan_ok(out: &Path, extra: &[&str]) {
    run_ok("scan", &[STORIES], out, extra);
}

fn representative_by_cluster(out: &Path) -> BTreeMap<String, String> {
    read_jsonl(&out.join("clusters.jsonl"))
        .iter()
        .flat_map(|cluster| {
            let rep = cluster["representative"].as_str().unwrap().to_owned();
            cluster["members"]
                .as_array()
                .unwrap()
                .iter()
                .map(move |m| (m.as_str().unwrap().to_owned(), rep.clone()))
        })
        .collect()
}

#[test]
fn the_clean_corpus_keeps_a_clean_member_when_the_representative_is_furniture_laden() {
    let dir = temp_dir();
    let out = dir.path().join("out");
    let (keep, drop) = (dir.path().join("keep.jsonl"), dir.path().join("drop.jsonl"));
    scan_ok(
        &out,
        &[
            "--keep",
            keep.to_str().unwrap(),
            "--drop",
            drop.to_str().unwrap(),
        ],
    );
    // The representative is still the longest member, the furniture-laden one.
    assert_eq!(
        representative_by_cluster(&out)["depot-brief"],
        "depot-portal"
    );
    // But the story is kept, by its clean member; a story with no clean
    // member is not kept at all.
    assert_eq!(kept_ids(&keep), ["depot-brief", "market-hall"]);
    let dropped: BTreeMap<String, Value> = read_jsonl(&drop)
        .into_iter()
        .map(|line| (line["id"].as_str().unwrap().to_owned(), line))
        .collect();
    assert_eq!(
        dropped.keys().collect::<Vec<_>>(),
        ["depot-portal", "quarry-mirror", "quarry-site"]
    );
    let portal = &dropped["depot-portal"];
    assert_eq!(
        portal["reasons"],
        serde_json::json!(["duplicate", "low_quality"])
    );
    assert_eq!(portal["kept_instead"], "depot-brief");
    for id in ["quarry-mirror", "quarry-site"] {
        assert_eq!(dropped[id]["reasons"], serde_json::json!(["low_quality"]));
        assert_eq!(dropped[id]["kept_instead"], Value::Null);
    }
    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["quality"]["kept"], 2);
    assert_eq!(summary["quality"]["dropped_duplicates"], 1);
    assert_eq!(summary["quality"]["dropped_low_quality"], 3);
}

#[test]
fn prefer_quality_picks_the_clean_member_in_scan_and_dedup() {
    let dir = temp_dir();
    let scan_out = dir.path().join("scan");
    let keep = dir.path().join("keep.jsonl");
    scan_ok(
        &scan_out,
        &["--prefer", "quality", "--keep", keep.to_str().unwrap()],
    );
    assert_eq!(
        representative_by_cluster(&scan_out)["depot-portal"],
        "depot-brief"
    );
    assert_eq!(kept_ids(&keep), ["depot-brief", "market-hall"]);
    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(scan_out.join("summary.json")).unwrap())
            .unwrap();
    assert_eq!(summary["parameters"]["prefer"], "quality");

    // dedup has no quality pass: it scores the cluster members on their own.
    let dedup_out = dir.path().join("dedup");
    let dedup_keep = dir.path().join("dedup-keep.jsonl");
    dedup_ok(
        &[STORIES],
        &dedup_out,
        &[
            "--prefer",
            "quality",
            "--keep",
            dedup_keep.to_str().unwrap(),
        ],
    );
    let reps = representative_by_cluster(&dedup_out);
    assert_eq!(reps["depot-portal"], "depot-brief");
    // Equal quality: the longest, then the smaller id.
    assert_eq!(reps["quarry-site"], "quarry-mirror");
    assert_eq!(
        kept_ids(&dedup_keep),
        ["depot-brief", "quarry-mirror", "market-hall"]
    );
}

#[test]
fn band_settings_that_cannot_find_copies_are_warned_about() {
    let dir = temp_dir();
    let out = dir.path().join("out");
    let output = dedup_ok(&[STORIES], &out, &["--num-perm", "100", "--bands", "7"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("warning: LSH 7 bands x 14 rows") && stderr.contains("probability 0.0004"),
        "{stderr}"
    );
    // scan warns too; the default layout and a layout that finds pairs do not.
    let output = copydesk()
        .args([
            "scan",
            STORIES,
            "--num-perm",
            "100",
            "--bands",
            "7",
            "--out",
        ])
        .arg(dir.path().join("scan"))
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&output.stderr).contains("probability 0.0004"));
    for extra in [&[][..], &["--bands", "50"][..]] {
        let output = dedup_ok(&[STORIES], &out, extra);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.contains("warning"), "{extra:?}: {stderr}");
    }
}
