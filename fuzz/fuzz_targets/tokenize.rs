//! Normalization and tokenization: every token is a non-empty, ordered,
//! in-bounds span on character boundaries; its normalized form is what the
//! slice tokenizes to alone, and the hash is that form's; the light paths
//! (word starts, word hashes, `word_end`) agree with the tokens.
#![no_main]

use copydesk::text::{self, Tokens};
use copydesk_fuzz::{assert_span, text_of};
use libfuzzer_sys::fuzz_target;
use xxhash_rust::xxh3::xxh3_64;

fuzz_target!(|data: &[u8]| {
    let text = text_of(data);
    let tokens = text::tokenize(&text);
    let mut previous_end = 0;
    for (i, token) in tokens.tokens.iter().enumerate() {
        let (start, end) = (token.start as usize, token.end as usize);
        assert_span(&text, start, end, "token");
        assert!(start < end, "empty token {i} at {start}");
        assert!(
            start >= previous_end,
            "token {i} at {start} overlaps the previous one ending at {previous_end}"
        );
        previous_end = end;
        assert_eq!(token.span(), start..end);
        let (norm_start, norm_end) = (token.norm_start as usize, token.norm_end as usize);
        assert_span(&tokens.norm, norm_start, norm_end, "normalized form");
        let word = tokens.word(i);
        assert_eq!(token.hash, xxh3_64(word.as_bytes()), "hash of token {i}");
        // The token's text is the slice, and alone it is one word with the
        // same normalized form.
        let slice = &text[start..end];
        let alone = text::tokenize(slice);
        assert_eq!(alone.len(), 1, "token {i} {slice:?} is not one word alone");
        assert_eq!(
            alone.word(0),
            word,
            "token {i} {slice:?} normalizes differently alone"
        );
        assert_eq!(text::word_end(&text, start), end, "word_end of token {i}");
    }
    // The light paths cut the same words.
    let mut hashes = Vec::new();
    let mut starts = Vec::new();
    let mut scratch = String::new();
    text::push_word_starts(&text, &mut hashes, &mut starts, &mut scratch);
    let (want_hashes, want_starts) = tokens.hashes_and_starts();
    assert_eq!(hashes, want_hashes, "push_word_starts hashes");
    assert_eq!(starts, want_starts, "push_word_starts starts");
    let words = text::WordStarts {
        hashes: &hashes,
        starts: &starts,
    };
    for (i, token) in tokens.tokens.iter().enumerate() {
        assert_eq!(words.span(&text, i), token.span(), "WordStarts::span {i}");
    }
    let mut only_hashes = Vec::new();
    text::word_hashes_into(&text, &mut only_hashes, &mut scratch);
    assert_eq!(only_hashes, want_hashes, "word_hashes_into");
    // Reusing a buffer gives the same tokens.
    let mut reused = Tokens::default();
    text::tokenize_into("Some earlier text, with words.", &mut reused);
    text::tokenize_into(&text, &mut reused);
    assert_eq!(reused.tokens, tokens.tokens);
    assert_eq!(reused.norm, tokens.norm);
    // word_end never panics, anywhere.
    // At most about 64 positions: a giant word would make this quadratic.
    for pos in (0..=text.len() + 1).step_by((text.len() / 64).max(7)) {
        let end = text::word_end(&text, pos);
        assert!(end >= pos && (end == pos || end <= text.len()));
    }
    let _ = text::normalize(&text);
});
