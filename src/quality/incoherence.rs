//! Incoherence: leaked page furniture (datestamps, bylines, captions, links),
//! dangling references at the start of a story, paragraphs stitched in from
//! another story, truncated endings and repeated sentences.

use super::doc::{Analysis, PooledCounter, ANAPHOR, CLOSED, GENERIC_NEWS};
use super::lexicon::{FurnitureCategory, FurniturePattern};
use super::{flag, Category, Flag, NgramModel, QualityConfig};
use crate::error::{Error, Result};
use crate::text::HashKeyed;
use regex::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};

/// Page-furniture patterns, compiled: a regex set decides in one pass which
/// patterns can match, and only those run to find spans.
pub struct FurnitureMatcher {
    set: Option<RegexSet>,
    patterns: Vec<(Regex, FurniturePattern)>,
}

impl FurnitureMatcher {
    /// Compile `patterns` in multi-line mode.
    pub fn new(patterns: &[FurniturePattern]) -> Result<FurnitureMatcher> {
        let compile_error = |p: &FurniturePattern, e: regex::Error| Error::DataFile {
            path: p.source.path.clone(),
            line: p.source.line,
            message: format!("bad regular expression: {e}"),
        };
        let mut compiled = Vec::with_capacity(patterns.len());
        for p in patterns {
            let regex = RegexBuilder::new(&p.pattern)
                .multi_line(true)
                .build()
                .map_err(|e| compile_error(p, e))?;
            compiled.push((regex, p.clone()));
        }
        let set = if patterns.is_empty() {
            None
        } else {
            Some(
                RegexSetBuilder::new(patterns.iter().map(|p| p.pattern.as_str()))
                    .multi_line(true)
                    .build()
                    .map_err(|e| {
                        Error::Config(format!("cannot compile furniture patterns: {e}"))
                    })?,
            )
        };
        Ok(FurnitureMatcher {
            set,
            patterns: compiled,
        })
    }

    /// Flag every furniture match in the document.
    pub fn check(&self, analysis: &Analysis<'_>, flags: &mut Vec<Flag>) {
        let Some(set) = &self.set else { return };
        let text = analysis.text;
        let matched = set.matches(text);
        if !matched.matched_any() {
            return;
        }
        for index in matched.iter() {
            let (regex, pattern) = &self.patterns[index];
            for found in regex.find_iter(text) {
                let (mut start, mut end) = (found.start(), found.end());
                // Report the visible text, not surrounding spaces.
                let inner = &text[start..end];
                start += inner.len() - inner.trim_start().len();
                end -= inner.len() - inner.trim_end().len();
                if start >= end {
                    continue;
                }
                let category = match pattern.category {
                    FurnitureCategory::Metadata => Category::Metadata,
                    FurnitureCategory::Boilerplate => Category::Boilerplate,
                };
                flags.push(flag(
                    text,
                    &pattern.rule,
                    category,
                    (start, end),
                    format!(
                        "page furniture ({}) leaked into the article text",
                        pattern.rule.replace('_', " ")
                    ),
                    0.8,
                ));
            }
        }
    }
}

/// Run the structural incoherence rules.
///
/// With `reference` counts, shared words are weighted by how specific they
/// are (a shared name counts, a shared "increase" hardly).
pub fn check(
    analysis: &Analysis<'_>,
    config: &QualityConfig,
    reference: Option<&NgramModel>,
    flags: &mut Vec<Flag>,
) {
    dangling_start(analysis, flags);
    stitched_paragraphs(analysis, config, reference, flags);
    truncated_ending(analysis, flags);
    repeated_sentences(analysis, config, flags);
}

/// A story that opens on a pronoun or on "The official, who ..." points back
/// to something that is not there.
fn dangling_start(analysis: &Analysis<'_>, flags: &mut Vec<Flag>) {
    let Some(first) = analysis.sentences.first() else {
        return;
    };
    if first.len() < 4 {
        return;
    }
    let i = first.first;
    let toks = &analysis.tokens.tokens;
    let word = analysis.word(i);
    let subject_pronoun = matches!(word, "he" | "she" | "they" | "his" | "her" | "their");
    if subject_pronoun && analysis.classes[i] & ANAPHOR != 0 && analysis.is_capitalized(i) {
        flags.push(flag(
            analysis.text,
            "dangling_pronoun",
            Category::Incoherence,
            (toks[i].start as usize, toks[i].end as usize),
            format!(
                "the story opens with \"{}\", which has nothing before it to refer to",
                analysis.original(i)
            ),
            0.6,
        ));
        return;
    }
    // "The official, who ..." / "The company, which ...".
    if word == "the" && first.len() >= 4 {
        let noun = i + 1;
        let relative = i + 2;
        if analysis.is_lower_alpha(noun)
            && analysis.gap_after(noun).trim_start().starts_with(',')
            && matches!(analysis.word(relative), "who" | "which" | "whose")
        {
            flags.push(flag(
                analysis.text,
                "dangling_reference",
                Category::Incoherence,
                (toks[i].start as usize, toks[relative].end as usize),
                format!(
                    "the story opens with \"the {}, {}\" as if it had been introduced before",
                    analysis.original(noun),
                    analysis.original(relative)
                ),
                0.6,
            ));
        }
    }
}

/// A content word's key for overlap: its first five letters after a crude
/// suffix strip, so that "bus" and "buses", "export" and "exporters" count as
/// shared.
fn topic_key(word: &str) -> u64 {
    let word = word.trim_end_matches("'s");
    let stem = ["ing", "es", "ed", "s"]
        .iter()
        .find_map(|suffix| word.strip_suffix(suffix).filter(|stem| stem.len() >= 3))
        .unwrap_or(word);
    let word = stem;
    let end = crate::text::floor_char_boundary(word, 5);
    xxhash_rust::xxh3::xxh3_64(&word.as_bytes()[..end])
}

fn is_topic_word(analysis: &Analysis<'_>, i: usize) -> bool {
    let word = analysis.word(i);
    word.len() >= 3 && analysis.classes[i] & (CLOSED | GENERIC_NEWS) == 0 && !analysis.has_digit[i]
}

/// A paragraph that shares (almost) no topical word with the rest of the story.
fn stitched_paragraphs(
    analysis: &Analysis<'_>,
    config: &QualityConfig,
    reference: Option<&NgramModel>,
    flags: &mut Vec<Flag>,
) {
    if analysis.paragraphs.len() < 3 {
        return;
    }
    let reference = reference.filter(|m| m.total_words() >= config.stats.min_reference_words);
    let specificity = |i: usize| -> f64 {
        match reference {
            Some(model) => {
                let count = f64::from(analysis.reference_counts[i]);
                ((model.total_words() as f64 + 1.0) / (count + 1.0))
                    .ln()
                    .max(0.5)
            }
            None => 1.0,
        }
    };
    let mut doc_counts = PooledCounter::default();
    doc_counts.reset(analysis.tokens.len());
    let mut keys = vec![0u64; analysis.tokens.len()];
    for (i, slot) in keys.iter_mut().enumerate() {
        if is_topic_word(analysis, i) {
            let key = topic_key(analysis.word(i)).max(1);
            *slot = key;
            doc_counts.add(key);
        }
    }
    let mut paragraph_counts = PooledCounter::default();
    for paragraph in &analysis.paragraphs {
        // Figures (results tables, their notes) are not prose to compare.
        let digits = (paragraph.first..paragraph.end)
            .filter(|&i| analysis.has_digit[i])
            .count();
        if digits * 5 > paragraph.len() {
            continue;
        }
        paragraph_counts.reset(paragraph.len());
        for &key in &keys[paragraph.first..paragraph.end] {
            if key != 0 {
                paragraph_counts.add(key);
            }
        }
        let distinct = paragraph_counts.len();
        if distinct < config.stitched_min_topic_words {
            continue;
        }
        let shared = paragraph_counts
            .iter()
            .filter(|&(key, count)| doc_counts.get(key) > count)
            .count();
        // The rest of the story must say enough to be compared with.
        let rest = doc_counts.len() - (distinct - shared);
        if rest < 3 * config.stitched_min_topic_words {
            continue;
        }
        let share = match reference {
            None => shared as f64 / distinct as f64,
            Some(_) => {
                let (mut shared_weight, mut total_weight) = (0.0, 0.0);
                for (i, &key) in keys
                    .iter()
                    .enumerate()
                    .take(paragraph.end)
                    .skip(paragraph.first)
                {
                    if key == 0 {
                        continue;
                    }
                    let weight = specificity(i);
                    total_weight += weight;
                    if doc_counts.get(key) > paragraph_counts.get(key) {
                        shared_weight += weight;
                    }
                }
                shared_weight / total_weight.max(f64::MIN_POSITIVE)
            }
        };
        let limit = if reference.is_some() {
            config.stitched_max_shared_weighted
        } else {
            config.stitched_max_shared
        };
        if share <= limit {
            flags.push(flag(
                analysis.text,
                "stitched_paragraph",
                Category::Incoherence,
                (paragraph.start_byte, paragraph.end_byte),
                format!(
                    "paragraph shares {shared} of its {distinct} topical words with the rest of the story: likely stitched in from another story"
                ),
                0.6,
            ));
        }
    }
}

/// The text stops mid-sentence.
fn truncated_ending(analysis: &Analysis<'_>, flags: &mut Vec<Flag>) {
    let Some(last) = analysis.sentences.last() else {
        return;
    };
    let toks = &analysis.tokens.tokens;
    let tail = analysis.text[toks[last.end - 1].end as usize..].trim_end();
    if tail.ends_with([
        '.', '!', '?', '"', '\'', ')', ']', ':', '\u{201D}', '\u{2019}', '>',
    ]) {
        return;
    }
    let last_word = last.end - 1;
    let words = last.len();
    let ends_on_comma = tail.ends_with([',', ';', '-', '\u{2013}', '\u{2014}']);
    let ends_on_function_word = analysis.classes[last_word] & (CLOSED & !ANAPHOR) != 0
        && analysis.is_lower_alpha(last_word);
    let digits = (last.first..last.end)
        .filter(|&i| analysis.word(i).bytes().any(|b| b.is_ascii_digit()))
        .count();
    let lower = (last.first..last.end)
        .filter(|&i| analysis.is_lower_alpha(i))
        .count();
    // A table row or heading ends without punctuation by design.
    let prose = words >= 4 && digits * 5 <= words && lower * 2 >= words;
    let score = if (ends_on_function_word || ends_on_comma) && words >= 2 && digits * 3 <= words {
        0.8
    } else if prose
        && !analysis
            .original(last_word)
            .chars()
            .all(|c| c.is_uppercase() || c.is_numeric())
    {
        0.5
    } else {
        return;
    };
    flags.push(flag(
        analysis.text,
        "truncated_ending",
        Category::Incoherence,
        (last.start_byte, analysis.text.trim_end().len()),
        "the text stops in the middle of a sentence".to_owned(),
        score,
    ));
}

/// A run of words that appears twice: a repeated sentence or part of one.
/// Windows of words rather than whole sentences, so that a repeat glued to
/// other text ("... REUTER The government said ...") is still found.
fn repeated_sentences(analysis: &Analysis<'_>, config: &QualityConfig, flags: &mut Vec<Flag>) {
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
