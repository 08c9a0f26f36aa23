//! The word aligner on two texts (cut at the first NUL byte): every edit's
//! byte ranges are in bounds and on character boundaries, `a_text` and
//! `b_text` are those slices, edits are ordered and well formed (insertions
//! empty in `a`, deletions empty in `b`, replacements of one to three words, or of a name
//! phrase of up to eight),
//! counts and similarity are consistent, and the pipeline's path
//! ([`Aligner`] over [`PreparedWords`]) gives the same edits as [`align`].
//! The first byte picks the largest gap aligned by dynamic programming, so
//! small gaps exercise the anchor splitting.
#![no_main]

use copydesk::rewrite::{align, AlignInput, Aligner, EditOp, PreparedWords, RewriteConfig};
use copydesk::text::tokenize;
use copydesk_fuzz::{assert_span, assert_unit, text_of};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let (a, b) = match rest.iter().position(|&byte| byte == 0) {
        Some(i) => (text_of(&rest[..i]), text_of(&rest[i + 1..])),
        None => {
            let half = rest.len() / 2;
            (text_of(&rest[..half]), text_of(&rest[half..]))
        }
    };
    let config = RewriteConfig {
        max_gap_cells: match mode % 4 {
            0 => RewriteConfig::default().max_gap_cells,
            1 => 1,
            2 => 16,
            _ => 256,
        },
        ..RewriteConfig::default()
    };
    let (a_tokens, b_tokens) = (tokenize(&a), tokenize(&b));
    let alignment = align(&a, &a_tokens, &b, &b_tokens, &config);
    assert_eq!(alignment.a_words as usize, a_tokens.len());
    assert_eq!(alignment.b_words as usize, b_tokens.len());
    assert!(alignment.matched_words <= alignment.a_words.min(alignment.b_words));
    assert!(alignment.matched_numbers <= alignment.numbers);
    assert_unit(alignment.similarity, "similarity");
    assert_unit(alignment.number_agreement(), "number agreement");
    let (mut a_end, mut b_end) = (0, 0);
    let (mut a_word_end, mut b_word_end) = (0, 0);
    for (i, edit) in alignment.edits.iter().enumerate() {
        let what = format!("edit {i} {edit:?}");
        assert_span(&a, edit.a[0], edit.a[1], &format!("{what}: a"));
        assert_span(&b, edit.b[0], edit.b[1], &format!("{what}: b"));
        assert_eq!(edit.a_text, a[edit.a[0]..edit.a[1]], "{what}: a_text");
        assert_eq!(edit.b_text, b[edit.b[0]..edit.b[1]], "{what}: b_text");
        assert!(
            edit.a[0] >= a_end && edit.b[0] >= b_end,
            "{what}: out of order"
        );
        (a_end, b_end) = (edit.a[1], edit.b[1]);
        let [a_from, a_to] = edit.a_words.map(|w| w as usize);
        let [b_from, b_to] = edit.b_words.map(|w| w as usize);
        assert!(a_from <= a_to && a_to <= a_tokens.len(), "{what}: a words");
        assert!(b_from <= b_to && b_to <= b_tokens.len(), "{what}: b words");
        assert!(
            a_from >= a_word_end && b_from >= b_word_end,
            "{what}: words out of order"
        );
        (a_word_end, b_word_end) = (a_to, b_to);
        let (a_count, b_count) = (a_to - a_from, b_to - b_from);
        match edit.op {
            EditOp::Insert => assert!(
                a_count == 0 && b_count > 0 && edit.a[0] == edit.a[1],
                "{what}"
            ),
            EditOp::Delete => assert!(
                b_count == 0 && a_count > 0 && edit.b[0] == edit.b[1],
                "{what}"
            ),
            // One to three words a side, or a name phrase of up to eight
            // words swapped ("U.S." for "United States of America"; the
            // aligner's MAX_NAME_WORDS).
            EditOp::Replace => assert!(
                (1..=8).contains(&a_count) && (1..=8).contains(&b_count),
                "{what}"
            ),
        }
        // A non-empty range runs from its first word's start to its last word's end.
        if a_count > 0 {
            assert_eq!(
                edit.a[0], a_tokens.tokens[a_from].start as usize,
                "{what}: a start"
            );
            assert_eq!(
                edit.a[1],
                a_tokens.tokens[a_to - 1].end as usize,
                "{what}: a end"
            );
        }
        if b_count > 0 {
            assert_eq!(
                edit.b[0], b_tokens.tokens[b_from].start as usize,
                "{what}: b start"
            );
            assert_eq!(
                edit.b[1],
                b_tokens.tokens[b_to - 1].end as usize,
                "{what}: b end"
            );
        }
    }
    // The pipeline's path: prepared words, a reused aligner, word edits.
    let (mut a_words, mut b_words) = (PreparedWords::default(), PreparedWords::default());
    a_words.prepare(&a);
    b_words.prepare(&b);
    let mut aligner = Aligner::new();
    let (mut warm_a, mut warm_b) = (PreparedWords::default(), PreparedWords::default());
    warm_a.prepare("An earlier pair, to leave the buffers full.");
    warm_b.prepare("An earlier text pair leaves buffers full.");
    aligner.align(
        warm_a.input("An earlier pair, to leave the buffers full."),
        warm_b.input("An earlier text pair leaves buffers full."),
        &config,
    );
    let (a_input, b_input) = (a_words.input(&a), b_words.input(&b));
    let fast = aligner.align(a_input, b_input, &config);
    assert_eq!(fast.matched_words, alignment.matched_words);
    assert_eq!(fast.numbers, alignment.numbers);
    assert_eq!(fast.matched_numbers, alignment.matched_numbers);
    let edits = aligner.word_edits();
    assert_eq!(
        edits.len(),
        alignment.edits.len(),
        "Aligner and align differ"
    );
    for (word_edit, edit) in edits.iter().zip(&alignment.edits) {
        assert_eq!(word_edit.op, edit.op);
        assert_eq!(word_edit.a_words, edit.a_words);
        assert_eq!(word_edit.b_words, edit.b_words);
        assert_eq!(word_edit.byte_ranges(&a_input, &b_input), (edit.a, edit.b));
    }
    let _ = AlignInput::new(&a, a_words.words());
});
