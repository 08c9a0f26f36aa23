//! Integration tests of `copydesk check` and `copydesk fit` on fixtures
//! written for this project (fixtures/quality/, fixtures/news.jsonl,
//! fixtures/bad/).

mod common;

use common::*;

fn check(args: &[&str]) -> std::process::Output {
    copydesk()
        .arg("check")
        .args(args)
        .output()
        .expect("copydesk runs")
}

#[test]
fn out_writes_one_line_per_document_in_input_order() {
    let out = tempfile::tempdir().unwrap();
    let output = check(&[
        &fixture("news.jsonl"),
        &fixture("quality"),
        "--out",
        out.path().to_str().unwrap(),
        "--quiet",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let lines = read_jsonl(&out.path().join("documents.jsonl"));
    let news: Vec<String> = std::fs::read_to_string(fixtures().join("news.jsonl"))
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    let ids: Vec<&str> = lines.iter().map(|l| l["id"].as_str().unwrap()).collect();
    assert_eq!(
        &ids[..news.len()],
        news.iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .as_slice()
    );
    let quality_fixtures = std::fs::read_dir(fixtures().join("quality"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "txt")
        })
        .count();
    assert_eq!(ids.len(), news.len() + quality_fixtures, "{ids:?}");
    for line in &lines {
        let scores = &line["scores"];
        for key in ["quality", "spin", "incoherence"] {
            let v = scores[key].as_f64().unwrap();
            assert!((0.0..=1.0).contains(&v), "{line}");
        }
        for flag in line["flags"].as_array().unwrap() {
            assert!(flag["start"].as_u64().unwrap() <= flag["end"].as_u64().unwrap());
        }
    }
    let furniture = lines
        .iter()
        .find(|l| l["id"] == "incoherence_furniture.txt")
        .unwrap();
    assert!(furniture["flags"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule"] == "byline" && f["category"] == "metadata"));
    let summary = summary(out.path());
    assert_eq!(summary["accepted"].as_u64().unwrap() as usize, ids.len());
}

#[test]
fn without_out_prints_flags_with_highlighted_spans() {
    let output = check(&[&fixture("quality/grammar_breaks.txt")]);
    assert!(output.status.success());
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains("[grammar] pronoun_adjective"), "{stdout}");
    assert!(stdout.contains("»she concerned the«"), "{stdout}");
}

#[test]
fn bad_input_stops_with_file_and_line_and_leaves_no_output() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("results");
    let output = check(&[
        &fixture("bad/malformed.jsonl"),
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("fixtures/bad/malformed.jsonl:"), "{stderr}");
    assert!(!dir.join("documents.jsonl").exists());
    let output = check(&[
        &fixture("bad/malformed.jsonl"),
        "--out",
        dir.to_str().unwrap(),
        "--skip-invalid",
        "--quiet",
    ]);
    assert!(output.status.success());
    assert!(!read_jsonl(&dir.join("rejected.jsonl")).is_empty());
}

#[test]
fn lexicon_errors_name_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let lexicon = dir.path().join("extra.tsv");
    std::fs::write(
        &lexicon,
        "# mine\nformal_name\tKingdom of Fife\tFife\nnonsense line\n",
    )
    .unwrap();
    let output = check(&[
        &fixture("quality/clean_harbour.txt"),
        "--lexicon",
        lexicon.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("extra.tsv:3:"), "{stderr}");
}

#[test]
fn user_lexicon_and_substitutions_add_flags() {
    let dir = tempfile::tempdir().unwrap();
    let lexicon = dir.path().join("extra.tsv");
    std::fs::write(&lexicon, "out_of_register\tdredging\tdigging\n").unwrap();
    let subs = dir.path().join("substitutions.jsonl");
    std::fs::write(
        &subs,
        "{\"from\":\"harbour\",\"to\":\"seaport\",\"count\":3,\"examples\":[[\"a\",\"b\"]]}\n\
         {\"from\":\"said\",\"to\":\"stated\",\"count\":9,\"examples\":[]}\n\
         {\"from\":\"company\",\"to\":\"troupe\",\"count\":4,\"examples\":[]}\n\
         {\"from\":\"spring\",\"to\":\"springtime\",\"count\":5,\"examples\":[]}\n",
    )
    .unwrap();
    let text = dir.path().join("story.txt");
    std::fs::write(
        &text,
        "Dredging of the outer seaport will start in the springtime, the port troupe stated on Tuesday after a long debate.\n",
    )
    .unwrap();
    let without = check(&[
        text.to_str().unwrap(),
        "--lexicon",
        lexicon.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8(without.stdout).unwrap();
    assert!(stdout.contains("out_of_register"), "{stdout}");
    assert!(!stdout.contains("mined_substitution"), "{stdout}");
    let output = check(&[
        text.to_str().unwrap(),
        "--lexicon",
        lexicon.to_str().unwrap(),
        "--substitutions",
        subs.to_str().unwrap(),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(stdout.matches("mined_substitution").count(), 4, "{stdout}");
}

#[test]
fn fit_writes_a_model_that_check_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("news.model");
    let output = copydesk()
        .args([
            "fit",
            &fixture("news.jsonl"),
            "--out",
            model.to_str().unwrap(),
            "--quiet",
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = std::fs::read_to_string(&model).unwrap();
    assert!(text.starts_with("copydesk-ngram-model 1 "));
    let out = dir.path().join("out");
    let output = check(&[
        &fixture("quality"),
        "--model",
        model.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(summary(&out)["stats_source"], "model");
    std::fs::write(&model, "not a model\n").unwrap();
    let output = check(&[&fixture("quality"), "--model", model.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("news.model:1:"));
}

#[test]
fn fit_takes_out_like_every_command_and_keeps_its_old_spellings() {
    let dir = tempfile::tempdir().unwrap();
    for flag in ["--out", "-o", "--output"] {
        let model = dir.path().join(format!("model{flag}"));
        let output = copydesk()
            .args([
                "fit",
                &fixture("news.jsonl"),
                flag,
                model.to_str().unwrap(),
                "-q",
            ])
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{flag}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(model.is_file(), "{flag}");
    }
}

#[test]
fn check_highlights_spans_in_colour_only_when_asked_off_a_terminal() {
    let spun = fixture("quality/spin_tortured.txt");
    let plain = check(&[&spun, "-q"]);
    let plain = String::from_utf8(plain.stdout).unwrap();
    assert!(plain.contains('»') && !plain.contains("\x1b["), "{plain}");
    let always = copydesk()
        .args(["check", &spun, "-q", "--color", "always"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let always = String::from_utf8(always.stdout).unwrap();
    assert!(always.contains("\x1b[1;31m"), "{always}");
    let never = check(&[&spun, "-q", "--color", "never"]);
    assert!(!String::from_utf8(never.stdout).unwrap().contains("\x1b["));
}

#[test]
fn a_chrome_line_shared_by_three_unrelated_documents_is_repeated_boilerplate() {
    let line = "Follow Valley Courier on social media for the latest local news";
    let dir = fixtures().join("quality/incoherence/boilerplate");
    let run = |inputs: &[String]| {
        let out = tempfile::tempdir().unwrap();
        let mut args: Vec<&str> = inputs.iter().map(String::as_str).collect();
        args.extend(["--out", out.path().to_str().unwrap(), "--quiet"]);
        let output = check(&args);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        read_jsonl(&out.path().join("documents.jsonl"))
    };
    let documents = run(&[dir.to_str().unwrap().to_owned()]);
    assert_eq!(documents.len(), 3);
    for doc in &documents {
        let text = std::fs::read_to_string(dir.join(doc["id"].as_str().unwrap())).unwrap();
        let flags = doc["flags"].as_array().unwrap();
        assert_eq!(flags.len(), 1, "{doc}");
        let flag = &flags[0];
        assert_eq!(flag["rule"], "repeated_boilerplate");
        assert_eq!(flag["category"], "boilerplate");
        let (start, end) = (
            flag["start"].as_u64().unwrap() as usize,
            flag["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(&text[start..end], line);
    }
    // Two of the three: the line is not frequent enough to be chrome.
    let two = run(&[
        dir.join("ferry.txt").to_str().unwrap().to_owned(),
        dir.join("harbour.txt").to_str().unwrap().to_owned(),
    ]);
    assert!(two.iter().all(|d| !d["flags"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule"] == "repeated_boilerplate")));
}
