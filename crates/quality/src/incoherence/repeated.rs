//! Repeated runs of words: a sentence, or part of one, that the text
//! already said, found by hashing windows of words.

use crate::doc::{Analysis, PooledCounter};
use crate::{flag, Category, Flag, QualityConfig};
use copydesk_text::HashKeyed;

/// A run of words that appears twice: a repeated sentence or part of one.
/// Windows of words rather than whole sentences, so that a repeat glued to
/// other text ("... REUTER The government said ...") is still found.
pub(super) fn repeated_sentences(
    analysis: &Analysis<'_>,
    config: &QualityConfig,
    flags: &mut Vec<Flag>,
) {
    let window = config.repeated_min_words.max(2);
    let toks = &analysis.tokens.tokens;
    if toks.len() < 2 * window {
        return;
    }
    // Polynomial rolling hash of each window of `window` word hashes (one
    // multiply-add per position); windows mostly of figures (tables repeat
    // by nature) get no key.
    const BASE: u64 = 0x100_0000_01B3;
    let top_power = (1..window).fold(1u64, |p, _| p.wrapping_mul(BASE));
    let windows = toks.len() + 1 - window;
    let mut window_keys: Vec<Option<u64>> = Vec::with_capacity(windows);
    let mut rolling = 0u64;
    let mut figures = 0usize;
    let is_figure = |i: usize| analysis.has_digit[i];
    for i in 0..toks.len() {
        if i >= window {
            rolling = rolling.wrapping_sub(toks[i - window].hash.wrapping_mul(top_power));
            figures -= usize::from(is_figure(i - window));
        }
        rolling = rolling.wrapping_mul(BASE).wrapping_add(toks[i].hash);
        figures += usize::from(is_figure(i));
        if i + 1 >= window {
            let wordy = window - figures;
            window_keys.push((wordy * 2 >= window).then_some(rolling));
        }
    }
    let window_key = |start: usize| -> Option<u64> { window_keys[start] };
    // Most stories repeat nothing: counting the window keys says so cheaply.
    let mut counter = PooledCounter::default();
    counter.reset(windows);
    let mut any_repeat = false;
    for key in window_keys.iter().flatten() {
        any_repeat |= counter.add(*key) > 1;
    }
    if !any_repeat {
        return;
    }
    let mut first_seen: HashKeyed<usize> = HashKeyed::default();
    let mut repeated = vec![false; toks.len()];
    let mut source_of_run: Vec<Option<usize>> = vec![None; toks.len()];
    for start in 0..=toks.len() - window {
        let run = start..start + window;
        let Some(key) = window_key(start) else {
            continue;
        };
        match first_seen.get(&key) {
            Some(&first) if first + window <= start => {
                for i in run {
                    repeated[i] = true;
                    source_of_run[i].get_or_insert(first);
                }
            }
            Some(_) => {}
            None => {
                first_seen.insert(key, start);
            }
        }
    }
    // Line numbers of the sources without counting from the top of the
    // text for each run (a page repeating itself has thousands of runs).
    let mut lines = LineCounter::new(analysis.text);
    let mut i = 0;
    while i < toks.len() {
        if !repeated[i] {
            i += 1;
            continue;
        }
        let start = i;
        while i < toks.len() && repeated[i] {
            i += 1;
        }
        // A whole sentence said twice, or a long run: shorter shared phrases
        // ("pct of Americans said it was likely that") are how news repeats itself.
        // Sentences are in text order and do not overlap: those within the
        // run are the ones from the first starting in it, up to the first
        // ending after it.
        let from = analysis.sentences.partition_point(|s| s.first < start);
        let covers_sentence = analysis.sentences[from..]
            .iter()
            .take_while(|s| s.end <= i)
            .any(|s| s.len() >= window);
        if !covers_sentence && i - start < 2 * window {
            continue;
        }
        let first = source_of_run[start].unwrap_or(0);
        let words = i - start;
        flags.push(flag(
            analysis.text,
            "repeated_sentence",
            Category::Repetition,
            (toks[start].start as usize, toks[i - 1].end as usize),
            format!(
                "these {words} words already appear on line {}",
                lines.line_of(toks[first].start as usize)
            ),
            0.7,
        ));
    }
}

/// 1-based line numbers of byte offsets: the line breaks are found once, on
/// the first question, and each answer is a binary search among them.
pub(crate) struct LineCounter<'a> {
    text: &'a str,
    breaks: Option<Vec<usize>>,
}

impl<'a> LineCounter<'a> {
    pub(crate) fn new(text: &'a str) -> LineCounter<'a> {
        LineCounter { text, breaks: None }
    }

    /// The line of byte `offset`: one more than the line breaks before it.
    pub(crate) fn line_of(&mut self, offset: usize) -> usize {
        let text = self.text;
        let breaks = self
            .breaks
            .get_or_insert_with(|| memchr::memchr_iter(b'\n', text.as_bytes()).collect());
        breaks.partition_point(|&at| at < offset) + 1
    }
}
