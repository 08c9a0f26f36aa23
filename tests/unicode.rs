//! Non-Latin text through the whole `scan` job: Cyrillic, CJK, emoji,
//! combining marks and "£" in long documents, where every span the pipeline
//! computes (flags, edits, the report's cut) must land on a character.

mod common;

use common::{copydesk, documents_by_id, read_jsonl};
use copydesk::corpus::Input;
use copydesk::pipeline::{run_scan, ScanConfig};
use copydesk::progress::NoProgress;
use copydesk::report::scan::{write_scan, ScanOutputs};
use proptest::prelude::*;
use std::path::Path;

/// The fixture: a Russian news story with a Chinese paragraph, emoji, "£"
/// and a combining accent, and its wire copy; both are over 5,000 bytes, the
/// report's cut, with Cyrillic or Chinese letters (no space) around it.
const FIXTURE: &str = "fixtures/unicode/ferry-strike-ru.jsonl";

#[test]
fn scan_of_long_russian_and_chinese_text_writes_every_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let output = copydesk()
        .args(["scan", FIXTURE, "--out"])
        .arg(&out)
        .output()
        .expect("copydesk runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "exit {:?}: {stderr}",
        output.status.code()
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    for name in [
        "documents.jsonl",
        "pairs.jsonl",
        "clusters.jsonl",
        "summary.json",
        "report.html",
    ] {
        assert!(out.join(name).exists(), "{name} missing");
    }
    // The two are one cluster, so the report inlines both texts, cut.
    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(report.contains("ferry-strike-ru-wire"));
    let records = read_jsonl(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(FIXTURE)
            .as_path(),
    );
    for record in &records {
        let text = record["text"].as_str().unwrap();
        assert!(text.len() > 5000);
        let id = record["id"].as_str().unwrap();
        let documents = documents_by_id(&out);
        for flag in documents[id]["flags"].as_array().unwrap() {
            let (start, end) = (
                flag["start"].as_u64().unwrap() as usize,
                flag["end"].as_u64().unwrap() as usize,
            );
            assert!(text.is_char_boundary(start) && text.is_char_boundary(end));
            assert!(text[start..end].starts_with(flag["text"].as_str().unwrap()));
        }
    }
}

/// Pieces documents are made of: words of several scripts, emoji (one with a
/// variation selector, one a flag of two code points), combining marks,
/// punctuation, line breaks and page furniture.
const PIECES: &[&str] = &[
    "the",
    "a",
    "an",
    "of",
    "said",
    "council",
    "Harbour",
    "Updated 14:32 GMT",
    "By Anna Lee",
    "Read more:",
    "Russian Federation",
    "£12.5m",
    "паром",
    "Переправа",
    "остановлена",
    "Кречет",
    "渡轮",
    "已连续三天停航",
    "船公司",
    "。",
    "，",
    "😀",
    "🚢⚓",
    "❤\u{fe0f}",
    "🇬🇧",
    "e\u{301}",
    "Ко\u{301}вальская",
    "\u{301}",
    "ß",
    "İstanbul",
    "ǅ",
    "…",
    "—",
    "«",
    "»",
    ".",
    ",",
    "\"",
    "\n",
    "\n\n",
    " ",
    "  ",
    "\t",
];

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => proptest::sample::select(PIECES).prop_map(str::to_owned),
        // Any printable character now and then, of any script or plane.
        1 => "\\PC{1,3}",
    ]
}

/// A story, its repetitions, and a copy with some pieces swapped (so that
/// the pair has edits with multi-byte words on both sides).
fn story() -> impl Strategy<Value = (String, String)> {
    (
        proptest::collection::vec(piece(), 0..300),
        1usize..14,
        proptest::collection::vec((any::<proptest::sample::Index>(), piece()), 0..12),
    )
        .prop_map(|(mut pieces, repeat, swaps)| {
            let original = pieces.join(" ").repeat(repeat);
            if !pieces.is_empty() {
                for (index, replacement) in swaps {
                    let at = index.index(pieces.len());
                    pieces[at] = replacement;
                }
            }
            let copy = pieces.join(" ").repeat(repeat);
            (original, copy)
        })
}

fn check_span(text: &str, start: usize, end: usize, shown: &str) -> Result<(), TestCaseError> {
    prop_assert!(
        start <= end && end <= text.len(),
        "{start}..{end} of {}",
        text.len()
    );
    prop_assert!(
        text.is_char_boundary(start) && text.is_char_boundary(end),
        "{start}..{end}"
    );
    prop_assert_eq!(shown, &text[start..end]);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 24,
        rng_seed: proptest::test_runner::RngSeed::Fixed(12),
        ..ProptestConfig::default()
    })]
    #[test]
    fn scan_of_any_unicode_corpus_keeps_every_span_on_characters(
        stories in proptest::collection::vec(story(), 1..4),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("corpus.jsonl");
        let mut texts = Vec::new();
        for (original, copy) in stories {
            texts.push(original);
            texts.push(copy);
        }
        let lines: Vec<String> = texts
            .iter()
            .enumerate()
            .map(|(i, text)| serde_json::json!({"id": format!("d{i}"), "text": text}).to_string())
            .collect();
        std::fs::write(&input, lines.join("\n") + "\n").unwrap();

        let mut config = ScanConfig::default();
        // Corpus statistics even for a corpus this small, so that the
        // statistical rules run too.
        config.check.quality.stats.min_reference_words = 50;
        config.check.quality.stats.min_judged_words = 0;
        let run = run_scan(&[Input::Path(input)], &config, &NoProgress).unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir_all(&out).unwrap();
        write_scan(&run, &out, &ScanOutputs::default()).unwrap();
        prop_assert!(out.join("report.html").exists());

        let documents = &run.dedup.corpus.documents;
        for (document, quality) in documents.iter().zip(&run.quality) {
            let text = &document.text;
            for flag in &quality.flags {
                // A flag shows at most 200 bytes of its span.
                let shown_end = flag.end.min(flag.start + 200);
                let shown_end = (0..=shown_end).rev().find(|&i| text.is_char_boundary(i)).unwrap();
                check_span(text, flag.start, flag.end, &text[flag.start..flag.end])?;
                check_span(text, flag.start, shown_end, &flag.text)?;
            }
        }
        for (pair, detail) in run.dedup.pairs.iter().zip(&run.dedup.pair_details) {
            let a = &documents[pair.a as usize].text;
            let b = &documents[pair.b as usize].text;
            for spans in &detail.edits {
                let edit = spans.edit(a, b);
                check_span(a, edit.a[0], edit.a[1], &edit.a_text)?;
                check_span(b, edit.b[0], edit.b[1], &edit.b_text)?;
            }
        }
        // The written texts are the slices too.
        for line in read_jsonl(&out.join("documents.jsonl")) {
            let index: usize = line["id"].as_str().unwrap()[1..].parse().unwrap();
            for flag in line["flags"].as_array().unwrap() {
                let (start, end) = (
                    flag["start"].as_u64().unwrap() as usize,
                    flag["end"].as_u64().unwrap() as usize,
                );
                let text = &texts[index];
                prop_assert!(text.is_char_boundary(start) && text.is_char_boundary(end));
                prop_assert!(text[start..end].starts_with(flag["text"].as_str().unwrap()));
            }
        }
        for line in read_jsonl(&out.join("pairs.jsonl")) {
            let side = |key: &str| texts[line[key].as_str().unwrap()[1..].parse::<usize>().unwrap()].as_str();
            let (a, b) = (side("a"), side("b"));
            for edit in line["edits"].as_array().into_iter().flatten() {
                for (text, range, shown) in [(a, &edit["a"], &edit["a_text"]), (b, &edit["b"], &edit["b_text"])] {
                    let start = range[0].as_u64().unwrap() as usize;
                    let end = range[1].as_u64().unwrap() as usize;
                    check_span(text, start, end, shown.as_str().unwrap())?;
                }
            }
        }
    }
}
