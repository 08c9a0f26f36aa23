//! Tests of whole alignments: edits, spans, similarity and number
//! agreement, and a reused [`Aligner`] against fresh ones.

use super::*;
use copydesk_text::tokenize;
use proptest::prelude::*;

fn run(a: &str, b: &str) -> Alignment {
    align(a, &tokenize(a), b, &tokenize(b), &RewriteConfig::default())
}

/// Apply the edits to `a`'s words and return the resulting words.
fn apply(a: &str, b: &str, alignment: &Alignment) -> Vec<String> {
    let (ta, tb) = (tokenize(a), tokenize(b));
    let mut out = Vec::new();
    let mut next = 0usize;
    for edit in &alignment.edits {
        let [lo, hi] = edit.a_words;
        out.extend((next..lo as usize).map(|i| ta.word(i).to_owned()));
        out.extend((edit.b_words[0]..edit.b_words[1]).map(|j| tb.word(j as usize).to_owned()));
        next = hi as usize;
    }
    out.extend((next..ta.len()).map(|i| ta.word(i).to_owned()));
    out
}

#[test]
fn identical_documents_have_no_edits() {
    let text = "The central bank held its rate at 4.5 percent on Tuesday.";
    let alignment = run(text, text);
    assert!(alignment.edits.is_empty());
    assert_eq!(alignment.similarity, 1.0);
    assert_eq!(alignment.number_agreement(), 1.0);
}

#[test]
fn synonym_swaps_become_replace_edits_with_spans() {
    let a = "Farmers were worried that the drought would cut the harvest in Russia.";
    let b = "Farmers were apprehensive that the drouth would cut the crop in Russian Federation.";
    let alignment = run(a, b);
    let got: Vec<(EditOp, &str, &str)> = alignment
        .edits
        .iter()
        .map(|e| (e.op, e.a_text.as_str(), e.b_text.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (EditOp::Replace, "worried", "apprehensive"),
            (EditOp::Replace, "drought", "drouth"),
            (EditOp::Replace, "harvest", "crop"),
            (EditOp::Replace, "Russia", "Russian Federation"),
        ]
    );
    for edit in &alignment.edits {
        assert_eq!(&a[edit.a[0]..edit.a[1]], edit.a_text);
        assert_eq!(&b[edit.b[0]..edit.b[1]], edit.b_text);
    }
    assert!(RewriteConfig::default().accepts(&alignment));
}

#[test]
fn a_name_phrase_swap_is_one_edit() {
    let a = "Exports to the U.S. fell, the minister said.";
    let b = "Exports to the United States of America fell, the minister stated.";
    let got: Vec<(EditOp, String, String)> = run(a, b)
        .edits
        .into_iter()
        .map(|e| (e.op, e.a_text, e.b_text))
        .collect();
    assert_eq!(
        got,
        [
            (
                EditOp::Replace,
                "U.S".into(),
                "United States of America".into()
            ),
            (EditOp::Replace, "said".into(), "stated".into()),
        ]
    );
}

#[test]
fn dropped_word_is_a_delete_with_an_empty_range_at_the_next_word() {
    let a = "The company has said it will close the plant.";
    let b = "The company said it will close the plant.";
    let alignment = run(a, b);
    assert_eq!(alignment.edits.len(), 1);
    let edit = &alignment.edits[0];
    assert_eq!(edit.op, EditOp::Delete);
    assert_eq!(edit.a_text, "has");
    assert_eq!(edit.b, [12, 12]);
    assert_eq!(&b[12..16], "said");
}

#[test]
fn long_insertions_stay_one_edit() {
    let a = "Prices rose. Exports fell.";
    let b =
        "Prices rose sharply in the first quarter of the year after a long winter. Exports fell.";
    let alignment = run(a, b);
    assert_eq!(alignment.edits.len(), 1);
    assert_eq!(alignment.edits[0].op, EditOp::Insert);
    assert_eq!(alignment.edits[0].a, [13, 13]);
}

#[test]
fn distinct_stories_with_the_same_numbers_pattern_are_rejected() {
    let a = "Acme Corp said first quarter net profit rose to 12.5 mln dlrs from 10.1 mln dlrs a year earlier on sales of 140 mln dlrs.";
    let b = "Bolt Inc said first quarter net profit rose to 3.2 mln dlrs from 2.9 mln dlrs a year earlier on sales of 61 mln dlrs.";
    let alignment = run(a, b);
    assert!(alignment.similarity > 0.5);
    assert!(alignment.number_agreement() < 0.5);
    assert!(!RewriteConfig::default().accepts(&alignment));
}

#[test]
fn template_fills_with_other_months_and_magnitudes_are_rejected() {
    let a = "The bank is issuing a 40 billion yen bond due May 6, priced at par, \
             lead manager Acme Securities said on Tuesday.";
    let b = "The firm is issuing a 40 mln dlr bond due April 27, priced at par, \
             lead manager Acme Securities said on Friday.";
    let alignment = run(a, b);
    assert!(alignment.similarity > 0.6, "{}", alignment.similarity);
    assert!(!RewriteConfig::default().accepts(&alignment));
    // A spinner's copy keeps the values and passes.
    let spun = "The bank is releasing a 40 billion yen bond due May 6, priced at par, \
                lead manager Acme Securities stated on Tuesday.";
    assert!(RewriteConfig::default().accepts(&run(a, spun)));
}

#[test]
fn large_gaps_are_split_at_unique_anchors() {
    // Long enough that the middle exceeds the DP budget and needs anchors.
    let words: Vec<String> = (0..3000).map(|i| format!("w{i}")).collect();
    let a = words.join(" ");
    let mut changed = words.clone();
    for i in (5..3000).step_by(7) {
        changed[i] = format!("x{i}");
    }
    let b = changed.join(" ");
    let alignment = run(&a, &b);
    assert_eq!(alignment.edits.len(), (5..3000).step_by(7).count());
    assert!(alignment.edits.iter().all(|e| e.op == EditOp::Replace));
    assert_eq!(
        apply(&a, &b, &alignment),
        tokenize(&b).words().collect::<Vec<_>>()
    );
}

#[test]
fn a_reused_aligner_gives_what_a_fresh_one_gives() {
    let config = RewriteConfig::default();
    let words: Vec<String> = (0..3000).map(|i| format!("w{}", i % 1700)).collect();
    let long = words.join(" ");
    let mut changed = words.clone();
    for i in (3..3000).step_by(11) {
        changed[i] = format!("x{i}");
    }
    let long_changed = changed.join(" ");
    let texts = [
        (long.as_str(), long_changed.as_str()),
        (
            "The bank held its rate at 4.5 percent on Tuesday.",
            "The bank kept its rate at 4.5 pct on Tuesday.",
        ),
        (
            include_str!("../../../../fixtures/rewrite/harbour.txt"),
            include_str!("../../../../fixtures/rewrite/harbour-spun50.txt"),
        ),
        ("", "Only one side has words."),
        ("a b c d e f g h", "h g f e d c b a"),
    ];
    let mut aligner = Aligner::new();
    let (mut a_words, mut b_words) = (PreparedWords::default(), PreparedWords::default());
    for (a, b) in texts.iter().chain(texts.iter().rev()) {
        a_words.prepare(a);
        b_words.prepare(b);
        let (a_input, b_input) = (a_words.input(a), b_words.input(b));
        let reused = aligner.align(a_input, b_input, &config);
        let fresh = align_spans(a, &text::tokenize(a), b, &text::tokenize(b), &config);
        assert_eq!(
            Alignment {
                edits: Vec::new(),
                ..fresh.clone()
            },
            reused
        );
        let edits: Vec<Edit> = aligner
            .word_edits()
            .iter()
            .map(|edit| edit.to_edit(&a_input, &b_input, false))
            .collect();
        assert_eq!(edits, fresh.edits);
    }
}

fn small_words() -> impl Strategy<Value = String> {
    // Few distinct words so that documents share and repeat words; some
    // non-ASCII to exercise byte offsets.
    prop::collection::vec(
        prop::sample::select(vec![
            "the", "of", "cat", "Café", "dog", "über", "7", "ran", "sat", "mat", "naïve",
        ]),
        0..60,
    )
    .prop_map(|words| words.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, rng_seed: proptest::test_runner::RngSeed::Fixed(3), ..ProptestConfig::default() })]

    #[test]
    fn edits_turn_a_into_b(a in small_words(), b in small_words(), cells in 1usize..64) {
        let config = RewriteConfig { max_gap_cells: cells, ..RewriteConfig::default() };
        let alignment = align(&a, &tokenize(&a), &b, &tokenize(&b), &config);
        let expected: Vec<String> = tokenize(&b).words().map(str::to_owned).collect();
        prop_assert_eq!(apply(&a, &b, &alignment), expected);
        for edit in &alignment.edits {
            // Replacements hold three words a side, name phrases eight.
            prop_assert!(edit.a_words[1] - edit.a_words[0] <= 8 || edit.op != EditOp::Replace);
            prop_assert!(edit.b_words[1] - edit.b_words[0] <= 8 || edit.op != EditOp::Replace);
        }
    }

    #[test]
    fn never_panics_and_spans_are_on_char_boundaries(a in "\\PC{0,80}", b in "\\PC{0,80}") {
        let alignment = run(&a, &b);
        prop_assert!((0.0..=1.0).contains(&alignment.similarity));
        for edit in &alignment.edits {
            prop_assert!(edit.a[0] <= edit.a[1] && edit.b[0] <= edit.b[1]);
            prop_assert!(a.is_char_boundary(edit.a[0]) && a.is_char_boundary(edit.a[1]));
            prop_assert!(b.is_char_boundary(edit.b[0]) && b.is_char_boundary(edit.b[1]));
            prop_assert_eq!(&a[edit.a[0]..edit.a[1]], edit.a_text.as_str());
            prop_assert_eq!(&b[edit.b[0]..edit.b[1]], edit.b_text.as_str());
        }
    }
}
