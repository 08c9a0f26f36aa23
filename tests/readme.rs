//! README's worked example is the real output of its quick-start command: the
//! command is read from README.md, run, and its printed summary and the
//! quoted output lines are compared with what README shows.

mod common;

use common::*;
use std::path::Path;

fn readme() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap()
}

/// The fenced blocks of `text` that follow the first occurrence of `after`.
fn blocks_after<'a>(text: &'a str, after: &str) -> Vec<&'a str> {
    let start = text
        .find(after)
        .unwrap_or_else(|| panic!("README lacks {after:?}"));
    let mut blocks = Vec::new();
    let mut rest = &text[start..];
    while let Some(open) = rest.find("```") {
        let body_start = open + rest[open..].find('\n').unwrap() + 1;
        let close = body_start + rest[body_start..].find("```").unwrap();
        blocks.push(&rest[body_start..close]);
        rest = &rest[close + 3..];
    }
    blocks
}

/// Durations vary from run to run; everything else must match.
fn mask_seconds(text: &str) -> String {
    let re = regex::Regex::new(r"\d+\.\d+s").unwrap();
    re.replace_all(text, "#s").into_owned()
}

#[test]
fn the_quick_start_prints_what_readme_shows() {
    let readme = readme();
    let command = blocks_after(&readme, "## Quick start")[0].trim();
    let args: Vec<&str> = command
        .strip_prefix("cargo run --release -- ")
        .unwrap_or_else(|| panic!("unexpected quick-start command {command:?}"))
        .split_whitespace()
        .collect();
    let out_at = args.iter().position(|&a| a == "--out").unwrap() + 1;
    let shown_out = args[out_at];
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let out_arg = format!("{}/", out.display());
    let mut run_args = args.clone();
    run_args[out_at] = &out_arg;
    let output = copydesk().args(&run_args).output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let printed = String::from_utf8(output.stderr)
        .unwrap()
        .replace(&out_arg, shown_out);
    let example = blocks_after(&readme, "The command above prints:");
    assert_eq!(
        mask_seconds(example[0].trim_end()),
        mask_seconds(printed.trim_end()),
        "README's printed example is out of date"
    );

    // The quoted line of documents.jsonl, byte for byte.
    let documents = std::fs::read_to_string(out.join("documents.jsonl")).unwrap();
    let quoted = example[1].trim();
    assert!(
        documents.lines().any(|line| line == quoted),
        "README quotes a documents.jsonl line the run does not write: {quoted}"
    );

    // The quoted edit of pairs.jsonl.
    let start = readme.find("`out/pairs.jsonl` shows every edit").unwrap();
    let edit = &readme[start..];
    let edit = &edit[edit.find("(`").unwrap() + 2..];
    let edit = &edit[..edit.find('`').unwrap()];
    let pairs = std::fs::read_to_string(out.join("pairs.jsonl")).unwrap();
    assert!(
        pairs.contains(edit),
        "README quotes an edit the run does not write: {edit}"
    );
}
