//! Where outputs go: one complete set per output directory, paths that would
//! replace inputs or each other refused, compression by extension, unusable
//! destinations found before the work.

mod common;

use common::{copydesk, entries, read_jsonl, temp_dir};
use std::io::Read;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// A small corpus written for these tests: three stories, each with a copy.
fn corpus(dir: &Path) -> String {
    let stories = [
        "The ferry to the northern islands was cancelled on Tuesday after the harbour master warned of gales reaching ninety kilometres an hour by the evening tide.",
        "Councillors voted to keep the old library open for another five years, reversing a plan to sell the building to a developer who wanted to turn it into flats.",
        "A beekeeper in the valley says her hives produced twice the usual honey this summer, which she puts down to the long flowering of the lime trees along the river.",
    ];
    let mut lines = Vec::new();
    for (i, story) in stories.iter().enumerate() {
        lines.push(serde_json::json!({"id": format!("story-{i}"), "text": story}).to_string());
        let copy = format!("{story} Reporting by the wire desk.");
        lines.push(serde_json::json!({"id": format!("copy-{i}"), "text": copy}).to_string());
    }
    let path = dir.join("corpus.jsonl");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path.to_str().unwrap().to_owned()
}

fn run(args: &[&str]) -> Output {
    copydesk().args(args).output().expect("copydesk runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn assert_ok(output: &Output) {
    assert!(output.status.success(), "{}", stderr(output));
}

const MARKER: &str = ".copydesk-run.json";

#[test]
fn dedup_into_a_scan_directory_leaves_nothing_of_the_scan() {
    let dir = temp_dir();
    let input = corpus(dir.path());
    let out = dir.path().join("out");
    let out_arg = out.to_str().unwrap();
    assert_ok(&run(&["scan", &input, "--out", out_arg, "-q"]));
    assert!(out.join("report.html").exists());
    assert!(out.join("substitutions.jsonl").exists());

    assert_ok(&run(&[
        "dedup",
        &input,
        "--out",
        out_arg,
        "--no-rewrites",
        "-q",
    ]));
    assert_eq!(
        entries(&out),
        [
            MARKER,
            "clusters.jsonl",
            "documents.jsonl",
            "pairs.jsonl",
            "rejected.jsonl",
            "summary.json"
        ]
    );
    // documents.jsonl is dedup's, without the quality fields of the scan.
    assert!(read_jsonl(&out.join("documents.jsonl"))
        .iter()
        .all(|d| d.get("scores").is_none()));

    // check after dedup: check's three files only.
    assert_ok(&run(&["check", &input, "--out", out_arg, "-q"]));
    assert_eq!(
        entries(&out),
        [MARKER, "documents.jsonl", "rejected.jsonl", "summary.json"]
    );
    assert_eq!(entries(dir.path()), ["corpus.jsonl", "out"]);
}

#[test]
fn leftovers_of_killed_runs_are_removed_by_the_next_run() {
    let dir = temp_dir();
    let input = corpus(dir.path());
    let out = dir.path().join("out");
    let keep = dir.path().join("kept.jsonl");
    std::fs::create_dir(&out).unwrap();
    // What killed runs leave: temporary files inside the directory, a
    // staging directory next to it, a temporary file next to the kept corpus.
    std::fs::write(out.join("documents.jsonl"), "old\n").unwrap();
    std::fs::write(out.join(".copydesk-AbC123.tmp"), "half a file").unwrap();
    let staging = dir.path().join(".out.copydesk-0123456789abcdef");
    std::fs::create_dir(&staging).unwrap();
    std::fs::write(staging.join("pairs.jsonl"), "half a file").unwrap();
    let temp = dir.path().join(".kept.jsonl.copydesk-fedcba9876543210.tmp");
    std::fs::write(&temp, "half a file").unwrap();

    let output = run(&[
        "dedup",
        &input,
        "--out",
        out.to_str().unwrap(),
        "--keep",
        keep.to_str().unwrap(),
        "-q",
    ]);
    assert_ok(&output);
    assert_eq!(entries(dir.path()), ["corpus.jsonl", "kept.jsonl", "out"]);
    assert!(!entries(&out).iter().any(|name| name.ends_with(".tmp")));
    assert_eq!(read_jsonl(&out.join("documents.jsonl")).len(), 6);
}

#[test]
fn a_directory_holding_other_files_is_refused_and_left_alone() {
    let dir = temp_dir();
    let input = corpus(dir.path());
    let out = dir.path().join("papers");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("draft.docx"), "my thesis").unwrap();
    let output = run(&["dedup", &input, "--out", out.to_str().unwrap(), "-q"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("draft.docx"),
        "{}",
        stderr(&output)
    );
    assert_eq!(entries(&out), ["draft.docx"]);
    assert_eq!(entries(dir.path()), ["corpus.jsonl", "papers"]);
}

/// Run `args` and expect a refusal naming `names`, with the input untouched
/// and nothing written.
fn assert_refused(dir: &Path, args: &[&str], names: &[&str]) {
    let before = entries(dir);
    let input = std::fs::read(dir.join("corpus.jsonl")).unwrap();
    let output = run(args);
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{args:?}: {message}");
    for name in names {
        assert!(message.contains(name), "{args:?}: {name} not in {message}");
    }
    assert_eq!(std::fs::read(dir.join("corpus.jsonl")).unwrap(), input);
    assert_eq!(entries(dir), before, "{args:?} wrote something");
}

#[test]
fn outputs_that_would_replace_inputs_or_each_other_are_refused() {
    let dir = temp_dir();
    let root = dir.path();
    let input = corpus(root);
    let out = root.join("out");
    let out = out.to_str().unwrap();
    let path = |name: &str| root.join(name).to_str().unwrap().to_owned();

    // --keep is the input, by name, through a symbolic link, or a hard link.
    assert_refused(
        root,
        &["dedup", &input, "--out", out, "--keep", &input],
        &[&input],
    );
    std::os::unix::fs::symlink(&input, root.join("link.jsonl")).unwrap();
    std::fs::hard_link(&input, root.join("hard.jsonl")).unwrap();
    for alias in ["link.jsonl", "hard.jsonl"] {
        let keep = path(alias);
        assert_refused(
            root,
            &["dedup", &input, "--out", out, "--keep", &keep],
            &[&keep, &input],
        );
    }
    // --keep and --drop are one file.
    let same = path("same.jsonl");
    assert_refused(
        root,
        &[
            "scan", &input, "--out", out, "--keep", &same, "--drop", &same,
        ],
        &["--keep", "--drop", &same],
    );
    // --keep would be replaced by a result file.
    let result = format!("{out}/summary.json");
    assert_refused(
        root,
        &["dedup", &input, "--out", out, "--keep", &result],
        &[&result, out],
    );
    // --keep goes into an input directory that reads its kind of file.
    let inputs = root.join("inputs");
    std::fs::create_dir(&inputs).unwrap();
    std::fs::copy(&input, inputs.join("a.jsonl")).unwrap();
    let inputs = inputs.to_str().unwrap();
    let keep = format!("{inputs}/kept.jsonl");
    assert_refused(
        root,
        &["dedup", inputs, "--out", out, "--keep", &keep],
        &[&keep, inputs],
    );
    // Read with its subdirectories, an input directory's nested files are
    // inputs too, and an output directory inside it would be read back.
    std::fs::create_dir(format!("{inputs}/nested")).unwrap();
    let nested_keep = format!("{inputs}/nested/kept.jsonl");
    assert_refused(
        root,
        &[
            "dedup",
            inputs,
            "--recursive",
            "--out",
            out,
            "--keep",
            &nested_keep,
        ],
        &[&nested_keep, inputs],
    );
    let nested_out = format!("{inputs}/nested/out");
    assert_refused(
        root,
        &["dedup", inputs, "--recursive", "--out", &nested_out],
        &[&nested_out, inputs],
    );
    assert_ok(&run(&["dedup", inputs, "--out", &nested_out, "-q"]));
    std::fs::remove_dir_all(&nested_out).unwrap();
    std::fs::remove_dir(format!("{inputs}/nested")).unwrap();
    // --out is an input directory, or holds an input.
    assert_refused(root, &["dedup", inputs, "--out", inputs], &[inputs]);
    assert_ok(&run(&["dedup", &input, "--out", out, "-q"]));
    let previous = format!("{out}/documents.jsonl");
    assert_refused(root, &["check", &previous, "--out", out], &[&previous, out]);
    // A model written over a corpus it is fitted on, or over a lexicon.
    assert_refused(root, &["fit", &input, "-o", &input], &[&input]);
    let lexicon = path("lexicon.txt");
    std::fs::write(&lexicon, "# empty\n").unwrap();
    let lexicon_before = std::fs::read(&lexicon).unwrap();
    assert_refused(
        root,
        &[
            "scan",
            &input,
            "--out",
            out,
            "--lexicon",
            &lexicon,
            "--keep",
            &lexicon,
        ],
        &[&lexicon],
    );
    assert_eq!(std::fs::read(&lexicon).unwrap(), lexicon_before);
}

fn gunzip(path: &Path) -> String {
    let mut text = String::new();
    flate2::read::MultiGzDecoder::new(std::fs::File::open(path).unwrap())
        .read_to_string(&mut text)
        .unwrap();
    text
}

fn unzstd(path: &Path) -> String {
    let bytes = zstd::decode_all(std::fs::File::open(path).unwrap()).unwrap();
    String::from_utf8(bytes).unwrap()
}

#[test]
fn keep_and_drop_are_compressed_by_extension_and_read_back() {
    let dir = temp_dir();
    let root = dir.path();
    let input = corpus(root);
    let file = |name: &str| root.join(name);
    let arg = |name: &str| root.join(name).to_str().unwrap().to_owned();
    let scan = |keep: &str, drop: &str, out: &str| {
        assert_ok(&run(&[
            "scan",
            &input,
            "--out",
            &arg(out),
            "--keep",
            &arg(keep),
            "--drop",
            &arg(drop),
            "-q",
        ]));
    };
    scan("kept.jsonl", "dropped.jsonl", "plain");
    scan("kept.jsonl.gz", "dropped.jsonl.zst", "packed");
    let kept = std::fs::read_to_string(file("kept.jsonl")).unwrap();
    let dropped = std::fs::read_to_string(file("dropped.jsonl")).unwrap();
    assert_eq!(kept.lines().count(), 3, "{kept}");
    assert_eq!(dropped.lines().count(), 3, "{dropped}");
    assert_eq!(gunzip(&file("kept.jsonl.gz")), kept);
    assert_eq!(unzstd(&file("dropped.jsonl.zst")), dropped);
    // gzip and zstd the other way round, with dedup's --keep.
    let out = arg("again");
    assert_ok(&run(&[
        "dedup",
        &input,
        "--out",
        &out,
        "--keep",
        &arg("k.jsonl.zst"),
        "-q",
    ]));
    assert_eq!(unzstd(&file("k.jsonl.zst")), kept);

    // The compressed kept corpus is an input like any other: all unique now.
    let reread = arg("reread");
    assert_ok(&run(&[
        "dedup",
        &arg("kept.jsonl.gz"),
        "--out",
        &reread,
        "-q",
    ]));
    let summary = common::summary(&file("reread"));
    assert_eq!(summary["accepted"], 3);
    assert_eq!(summary["clusters"], 0);

    // A model is read uncompressed, so it is never written compressed.
    let output = run(&["fit", &input, "-o", &arg("model.gz")]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(!file("model.gz").exists());
}

/// Run `args` with a standard input that never ends: a run that gets to its
/// work reads it forever, so finishing at all shows the error came first.
fn run_without_reaching_the_work(args: &[&str]) -> Output {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("copydesk"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("copydesk starts");
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(30) {
            child.kill().unwrap();
            panic!("{args:?} went on to read its input instead of failing first");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

#[test]
fn unwritable_destinations_fail_before_reading_the_input() {
    let dir = temp_dir();
    let root = dir.path();
    let file = root.join("a-file");
    std::fs::write(&file, "a regular file").unwrap();
    let under_file = file.join("out");
    let missing_parent = root.join("no-such-dir").join("out");
    let out = root.join("out");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["--out", under_file.to_str().unwrap()],
            "Not a directory",
        ),
        (
            vec!["--out", missing_parent.to_str().unwrap()],
            "does not exist",
        ),
        (vec!["--out", file.to_str().unwrap()], "not a directory"),
        (
            vec![
                "--out",
                out.to_str().unwrap(),
                "--keep",
                under_file.to_str().unwrap(),
            ],
            "is not a directory",
        ),
    ];
    for (flags, message) in cases {
        for command in ["dedup", "scan", "check"] {
            if command == "check" && flags.contains(&"--keep") {
                continue;
            }
            let mut args = vec![command, "-"];
            args.extend(&flags);
            let output = run_without_reaching_the_work(&args);
            assert_eq!(
                output.status.code(),
                Some(1),
                "{args:?}: {}",
                stderr(&output)
            );
            assert!(
                stderr(&output).contains(message),
                "{args:?}: {}",
                stderr(&output)
            );
            assert_eq!(entries(root), ["a-file"], "{args:?}");
        }
    }
    let model = under_file.join("model.txt");
    let output = run_without_reaching_the_work(&["fit", "-", "-o", model.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(entries(root), ["a-file"]);
}

/// Names of a scan's and of a dedup's set, with the marker.
fn set_names(command: &str) -> Vec<&'static str> {
    let mut names = vec![
        MARKER,
        "clusters.jsonl",
        "documents.jsonl",
        "pairs.jsonl",
        "rejected.jsonl",
    ];
    if command == "scan" {
        names.push("report.html");
    }
    names.extend(["substitutions.jsonl", "summary.json"]);
    names
}

#[test]
fn killing_the_process_at_any_moment_leaves_one_complete_set() {
    let dir = temp_dir();
    let root = dir.path();
    // Enough text for the run to take a while.
    let mut lines = Vec::new();
    for i in 0..1000 {
        let text = format!(
            "Report {i}: the harbour authority said {} ships docked, and {} left before the storm; \
             the mayor thanked crews for their patience during the long week.",
            i % 97,
            i % 13
        );
        lines.push(serde_json::json!({"id": i, "text": text}).to_string());
    }
    let input = root.join("big.jsonl");
    std::fs::write(&input, lines.join("\n") + "\n").unwrap();
    let input = input.to_str().unwrap();
    let out = root.join("out");
    let out_arg = out.to_str().unwrap();
    let command = |name: &str| {
        let mut command = Command::new(assert_cmd::cargo::cargo_bin("copydesk"));
        command
            .args([name, input, "--out", out_arg, "-q", "--threads", "2"])
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        command
    };
    let started = Instant::now();
    assert!(command("scan").status().unwrap().success());
    let scan_took = started.elapsed();
    let mut previous = "scan";
    // Most kills near the end of a run, where the outputs are written.
    for step in 0..12u32 {
        let next = if step % 2 == 0 { "dedup" } else { "scan" };
        let mut child = command(next).spawn().unwrap();
        std::thread::sleep(scan_took * (4 + step) / 12);
        let _ = child.kill(); // SIGKILL
        let finished = child.wait().unwrap().success();
        let names = entries(&out);
        let holds = |command: &str| names == set_names(command);
        assert!(
            holds(previous) || holds(next),
            "killed after {}/12 of a run: {names:?}",
            4 + step
        );
        let summary = common::summary(&out);
        assert_eq!(summary["accepted"], 1000);
        if finished || holds(next) {
            previous = next;
        }
        // Leftovers of the killed run are only hidden, and go at the next start.
        for name in entries(root) {
            assert!(
                ["big.jsonl", "out"].contains(&name.as_str()) || name.starts_with(".out.copydesk-"),
                "{name}"
            );
        }
    }
    assert!(command("dedup").status().unwrap().success());
    assert_eq!(entries(root), ["big.jsonl", "out"]);
}
