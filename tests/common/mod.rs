//! Helpers for the CLI integration tests: running the binary and reading its outputs.

#![allow(dead_code)]

use assert_cmd::Command;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The repository's fixtures directory.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// A fixture path relative to the repository root, as a user would type it.
pub fn fixture(name: &str) -> String {
    format!("fixtures/{name}")
}

/// The text of a record of `fixtures/news.jsonl`.
pub fn fixture_text(id: &str) -> String {
    read_jsonl(&fixtures().join("news.jsonl"))
        .into_iter()
        .find(|r| r["id"] == id)
        .and_then(|r| r["text"].as_str().map(str::to_owned))
        .unwrap_or_else(|| panic!("no fixture {id}"))
}

/// The copydesk binary, run from the repository root.
pub fn copydesk() -> Command {
    let mut cmd = Command::cargo_bin("copydesk").expect("copydesk binary is built");
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

/// Run `copydesk SUBCOMMAND INPUTS --out OUT EXTRA`.
pub fn run(subcommand: &str, inputs: &[&str], out: &Path, extra: &[&str]) -> std::process::Output {
    copydesk()
        .arg(subcommand)
        .args(inputs)
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .expect("copydesk runs")
}

/// Run `copydesk dedup INPUTS --out OUT EXTRA`.
pub fn dedup(inputs: &[&str], out: &Path, extra: &[&str]) -> std::process::Output {
    run("dedup", inputs, out, extra)
}

/// `copydesk SUBCOMMAND INPUTS --out OUT EXTRA`, asserting success.
pub fn run_ok(
    subcommand: &str,
    inputs: &[&str],
    out: &Path,
    extra: &[&str],
) -> std::process::Output {
    let output = run(subcommand, inputs, out, extra);
    assert!(
        output.status.success(),
        "copydesk {subcommand} {inputs:?} {extra:?} failed with {:?}:\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// `copydesk dedup INPUTS --out OUT EXTRA`, asserting success.
pub fn dedup_ok(inputs: &[&str], out: &Path, extra: &[&str]) -> std::process::Output {
    run_ok("dedup", inputs, out, extra)
}

/// `copydesk dedup INPUTS --out OUT EXTRA`, asserting exit code 1 and no panic;
/// returns standard error.
pub fn dedup_fails(inputs: &[&str], out: &Path, extra: &[&str]) -> String {
    let output = dedup(inputs, out, extra);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(
        output.status.code(),
        Some(1),
        "copydesk dedup {inputs:?} {extra:?}: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

/// Every line of a JSONL file, parsed.
pub fn read_jsonl(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    text.lines()
        .map(|line| {
            serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("{}: bad JSON line {line:?}: {e}", path.display()))
        })
        .collect()
}

/// `summary.json`, parsed.
pub fn summary(out: &Path) -> Value {
    let text = std::fs::read_to_string(out.join("summary.json")).expect("summary.json exists");
    serde_json::from_str(&text).expect("summary.json is JSON")
}

/// Clusters as sets of member ids: comparable across runs whatever the numbering.
pub fn cluster_sets(out: &Path) -> BTreeSet<BTreeSet<String>> {
    read_jsonl(&out.join("clusters.jsonl"))
        .iter()
        .map(|c| {
            c["members"]
                .as_array()
                .expect("members is an array")
                .iter()
                .map(|m| m.as_str().expect("member ids are strings").to_owned())
                .collect()
        })
        .collect()
}

/// documents.jsonl keyed by id.
pub fn documents_by_id(out: &Path) -> BTreeMap<String, Value> {
    read_jsonl(&out.join("documents.jsonl"))
        .into_iter()
        .map(|d| (d["id"].as_str().expect("id is a string").to_owned(), d))
        .collect()
}

/// Ids in documents.jsonl, in file order.
pub fn document_ids(out: &Path) -> Vec<String> {
    read_jsonl(&out.join("documents.jsonl"))
        .iter()
        .map(|d| d["id"].as_str().expect("id is a string").to_owned())
        .collect()
}

/// Names of the entries of `dir` (empty when it does not exist).
pub fn entries(dir: &Path) -> Vec<String> {
    match std::fs::read_dir(dir) {
        Ok(entries) => {
            let mut names: Vec<String> = entries
                .map(|e| {
                    e.expect("readable entry")
                        .file_name()
                        .to_string_lossy()
                        .into_owned()
                })
                .collect();
            names.sort();
            names
        }
        Err(_) => Vec::new(),
    }
}

/// Write gzip-compressed `bytes` to `path`.
pub fn write_gz(path: &Path, bytes: &[u8]) {
    use std::io::Write;
    let file = std::fs::File::create(path).expect("create .gz");
    let mut encoder = flate2::write::GzEncoder::new(file, flate2::Compression::default());
    encoder.write_all(bytes).expect("write .gz");
    encoder.finish().expect("finish .gz");
}

/// Write zstd-compressed `bytes` to `path`.
pub fn write_zst(path: &Path, bytes: &[u8]) {
    let compressed = zstd::encode_all(bytes, 3).expect("zstd compresses");
    std::fs::write(path, compressed).expect("write .zst");
}

/// A temporary directory removed at the end of the test.
pub fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temporary directory")
}
