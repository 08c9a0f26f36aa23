//! Helpers shared by the fuzz targets: span checks and cutting fuzz input
//! into texts.

/// Assert that `start..end` is a valid byte range of `text`: ordered, in
/// bounds and on character boundaries. `what` names the span in the message.
#[track_caller]
pub fn assert_span(text: &str, start: usize, end: usize, what: &str) {
    assert!(
        start <= end && end <= text.len(),
        "{what}: span {start}..{end} out of bounds of a text of {} bytes",
        text.len()
    );
    assert!(
        text.is_char_boundary(start) && text.is_char_boundary(end),
        "{what}: span {start}..{end} not on character boundaries of {text:?}"
    );
}

/// The fuzz input as text: invalid UTF-8 replaced, so that every input is
/// used rather than thrown away.
pub fn text_of(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// Cut `data` into at most `max` texts at NUL bytes (NUL never occurs in
/// the seed texts, so the fuzzer learns it as the separator).
pub fn split_texts(data: &[u8], max: usize) -> Vec<String> {
    data.split(|&b| b == 0).take(max).map(text_of).collect()
}

/// Assert that a score is a finite number in [0, 1].
#[track_caller]
pub fn assert_unit(value: f64, what: &str) {
    assert!(
        value.is_finite() && (0.0..=1.0).contains(&value),
        "{what}: {value} is not in [0, 1]"
    );
}
