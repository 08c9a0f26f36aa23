//! Output sets end to end, through [`StagedOutputs`] in child processes:
//! killed at any step of a commit, a run leaves one complete set in place
//! (or, between the two renames that stand in for the exchange, none), and
//! the next run's start brings back the last set swapped in and removes
//! every leftover; a directory holding foreign files is refused untouched.

use super::*;
use crate::StagedOutputs;
use copydesk_common::Result;
use std::io::Write;
use std::process::Command;

/// Set by the parent test for the child: the directory to write into.
const CHILD_ROOT: &str = "COPYDESK_TEST_COMMIT_ROOT";
const CHILD_TAG: &str = "COPYDESK_TEST_COMMIT_TAG";

/// Every step of a commit, in order.
const STEPS: &[&str] = &[
    "staging",
    "staged",
    "marker",
    "aside",
    "swapped",
    "outside",
    "removing",
    "committed",
];

/// The files of each run's set: the runs differ in which files they
/// write, so that a mixed directory shows.
fn set_of(tag: &str) -> Vec<&'static str> {
    let mut names = vec!["documents.jsonl", "pairs.jsonl", "summary.json"];
    names.push(match tag {
        "old" => "report.html",
        "new" => "substitutions.jsonl",
        _ => "clusters.jsonl",
    });
    names
}

fn content(tag: &str, name: &str) -> String {
    format!("{tag} {name}\n").repeat(1000)
}

/// What the child does: write the set of `tag` into `root/out`, with
/// `root/kept.jsonl` outside it; `start` only prepares, as a run's start
/// does, and stops there.
fn write_set(root: &Path, tag: &str) -> Result<()> {
    let dir = root.join("out");
    let keep = root.join("kept.jsonl");
    let mut outputs = StagedOutputs::in_dir(&dir, &[&keep])?;
    if tag == "start" {
        return Ok(());
    }
    let mut jobs: Vec<(PathBuf, crate::StageJob)> = Vec::new();
    for name in set_of(tag) {
        let text = content(tag, name);
        jobs.push((
            dir.join(name),
            Box::new(move |w| w.write_all(text.as_bytes())),
        ));
    }
    let kept = content(tag, "kept.jsonl");
    jobs.push((keep, Box::new(move |w| w.write_all(kept.as_bytes()))));
    outputs.stage_parallel(jobs)?;
    outputs.commit()
}

/// Runs only as the child of the test below.
#[test]
fn commit_child() {
    if let (Some(root), Some(tag)) = (std::env::var_os(CHILD_ROOT), std::env::var(CHILD_TAG).ok()) {
        write_set(Path::new(&root), &tag).expect("the child's commit");
    }
}

fn run_child(root: &Path, tag: &str, fault_at: Option<&str>, exchange: bool) -> bool {
    let mut child = Command::new(std::env::current_exe().unwrap());
    child
        .args(["commit::tests::commit_child", "--exact", "--test-threads=1"])
        .env(CHILD_ROOT, root)
        .env(CHILD_TAG, tag)
        .env_remove("COPYDESK_FAULT_AT")
        .env_remove("COPYDESK_NO_EXCHANGE");
    if let Some(step) = fault_at {
        child.env("COPYDESK_FAULT_AT", step);
    }
    if !exchange {
        child.env("COPYDESK_NO_EXCHANGE", "1");
    }
    child
        .output()
        .expect("the test binary runs")
        .status
        .success()
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// The run whose complete set `out` holds, and nothing else; `None` when
/// `out` is absent. Panics on anything mixed or partial.
fn set_in(out: &Path) -> Option<&'static str> {
    if !out.exists() {
        return None;
    }
    let names = entries(out);
    for tag in ["old", "new", "next"] {
        let mut expected: Vec<String> = set_of(tag).iter().map(|n| n.to_string()).collect();
        expected.push(MARKER.to_owned());
        expected.sort();
        if names == expected {
            for name in set_of(tag) {
                let text = fs::read_to_string(out.join(name)).unwrap();
                assert_eq!(text, content(tag, name), "{name} of a mixed set");
            }
            return Some(tag);
        }
    }
    panic!("not one complete set: {names:?}");
}

fn kept_of(root: &Path) -> &'static str {
    let text = fs::read_to_string(root.join("kept.jsonl")).unwrap();
    ["old", "new", "next"]
        .into_iter()
        .find(|tag| text == content(tag, "kept.jsonl"))
        .unwrap_or_else(|| panic!("kept.jsonl is partial: {} bytes", text.len()))
}

#[test]
fn a_kill_at_any_step_of_the_commit_leaves_one_complete_set() {
    for exchange in [true, false] {
        for &step in STEPS {
            let case = format!("step {step}, exchange {exchange}");
            let root = tempfile::tempdir().unwrap();
            let root = root.path();
            let out = root.join("out");
            assert!(run_child(root, "old", None, exchange), "{case}");
            assert_eq!(set_in(&out), Some("old"), "{case}");

            let finished = run_child(root, "new", Some(step), exchange);
            // The exchange has no step "aside".
            assert_eq!(finished, exchange && step == "aside", "{case}");
            match set_in(&out) {
                Some(_) => {}
                // Only between the two renames that stand in for the exchange.
                None => assert!(!exchange && step == "aside", "{case}: no output"),
            }
            let kept = kept_of(root);
            assert!(kept == "old" || kept == "new", "{case}");

            // The next run's start puts things right and cleans up.
            assert!(run_child(root, "start", None, exchange), "{case}");
            let set = set_in(&out).unwrap_or_else(|| panic!("{case}: no output"));
            let before_swap = ["staging", "staged", "marker", "aside"].contains(&step);
            let expected = if before_swap && !finished {
                "old"
            } else {
                "new"
            };
            assert_eq!(set, expected, "{case}");
            assert_eq!(kept_of(root), set, "{case}: kept.jsonl of another run");
            assert_eq!(entries(root), ["kept.jsonl", "out"], "{case}: leftovers");

            assert!(run_child(root, "next", None, exchange), "{case}");
            assert_eq!(set_in(&out), Some("next"), "{case}");
            assert_eq!(kept_of(root), "next", "{case}");
            assert_eq!(entries(root), ["kept.jsonl", "out"], "{case}: leftovers");
        }
    }
}

#[test]
fn writers_create_a_missing_output_directory() {
    let root = tempfile::tempdir().unwrap();
    write_set(root.path(), "new").unwrap();
    assert_eq!(set_in(&root.path().join("out")), Some("new"));
    assert_eq!(entries(root.path()), ["kept.jsonl", "out"]);
}

#[test]
fn a_directory_with_foreign_files_is_refused_and_left_alone() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("out");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("documents.jsonl"), "mine").unwrap();
    fs::write(out.join("notes.txt"), "mine too").unwrap();
    let error = write_set(root.path(), "new").unwrap_err();
    assert!(matches!(error, Error::ForeignOutputFile { .. }), "{error}");
    assert_eq!(entries(&out), ["documents.jsonl", "notes.txt"]);
    assert_eq!(entries(root.path()), ["out"]);
}
