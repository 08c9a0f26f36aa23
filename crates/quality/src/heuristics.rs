//! Training-data heuristics as document-level flags: the Gopher quality and
//! repetition rules (Rae et al. 2021), the C4 rules (Raffel et al. 2020) and
//! the FineWeb line rules (Penedo et al. 2024), each reported under the rule
//! name datatrove uses for it so results can be compared one to one.
//!
//! With the news thresholds, words are copydesk's word tokens (runs of
//! letters and digits) and every failing rule is reported. With
//! `decide_as_datatrove` (the `datatrove` thresholds), the `datatrove` module applies
//! the rules with datatrove's own semantics instead: its tokenizer, which
//! counts punctuation marks as words, and the first failing rule of each
//! filter.

mod datatrove;

use super::doc::{Analysis, PooledCounter};
use super::{flag, Category, Flag};

/// Thresholds of the training-data heuristics; `None` turns a rule off.
#[derive(Debug, Clone, serde::Serialize)]
pub struct HeuristicsConfig {
    /// Gopher: fewest words (`gopher_short_doc`).
    pub min_doc_words: Option<usize>,
    /// Gopher: most words (`gopher_long_doc`).
    pub max_doc_words: Option<usize>,
    /// Gopher: shortest mean word length (`gopher_below_avg_threshold`).
    pub min_avg_word_length: Option<f64>,
    /// Gopher: longest mean word length (`gopher_above_avg_threshold`).
    pub max_avg_word_length: Option<f64>,
    /// Gopher: most `#` or ellipses per word (`gopher_too_many_hashes`, `gopher_too_many_ellipsis`).
    pub max_symbol_word_ratio: Option<f64>,
    /// Gopher: most lines starting with a bullet (`gopher_too_many_bullets`).
    pub max_bullet_lines_ratio: Option<f64>,
    /// Gopher: most lines ending with an ellipsis (`gopher_too_many_end_ellipsis`).
    pub max_ellipsis_lines_ratio: Option<f64>,
    /// Gopher: least share of words with a letter (`gopher_below_alpha_threshold`).
    pub max_non_alpha_words_ratio: Option<f64>,
    /// Gopher: fewest stop words (`gopher_enough_stop_words`).
    pub min_stop_words: Option<usize>,
    /// Gopher's stop words.
    pub stop_words: Vec<String>,
    /// Gopher repetition: duplicate line share (`dup_line_frac`).
    pub dup_line_frac: Option<f64>,
    /// Gopher repetition: duplicate paragraph share (`dup_para_frac`).
    pub dup_para_frac: Option<f64>,
    /// Gopher repetition: characters in duplicate lines (`dup_line_char_frac`).
    pub dup_line_char_frac: Option<f64>,
    /// Gopher repetition: characters in duplicate paragraphs (`dup_para_char_frac`).
    pub dup_para_char_frac: Option<f64>,
    /// Gopher repetition: (n, max share of characters in the most frequent n-gram) (`top_{n}_gram`).
    pub top_n_grams: Vec<(usize, f64)>,
    /// Gopher repetition: (n, max share of characters in repeated n-grams) (`duplicated_{n}_n_grams`).
    pub dup_n_grams: Vec<(usize, f64)>,
    /// C4: fewest sentences in kept lines (`too_few_sentences`).
    pub c4_min_num_sentences: Option<usize>,
    /// C4: a line needs this many words to be kept when counting sentences.
    pub c4_min_words_per_line: usize,
    /// C4: "lorem ipsum" anywhere (`lorem_ipsum`).
    pub c4_filter_lorem_ipsum: bool,
    /// C4: a curly bracket anywhere (`curly_bracket`).
    pub c4_filter_curly_bracket: bool,
    /// C4: lines mentioning javascript (`line-filter-javascript`).
    pub c4_filter_javascript: bool,
    /// C4: lines with cookie or terms-of-use wording (`line-filter-policy`).
    pub c4_filter_policy: bool,
    /// FineWeb: least share of lines ending in punctuation (`line_punct_ratio`).
    pub line_punct_thr: Option<f64>,
    /// FineWeb: do not fail documents where no line ends in punctuation.
    pub line_punct_exclude_zero: bool,
    /// FineWeb: most share of short lines (`short_line_ratio`).
    pub short_line_thr: Option<f64>,
    /// FineWeb: a line of at most this many characters is short.
    pub short_line_length: usize,
    /// FineWeb: most share of characters in duplicated lines (`char_dup_ratio`).
    pub char_duplicates_ratio: Option<f64>,
    /// FineWeb: most newlines per word (`list_ratio`).
    pub new_line_ratio: Option<f64>,
    /// Decide document for document as datatrove's filters do (its words,
    /// line splitting and comparisons; one reason per filter) rather than
    /// with copydesk's words and every failing rule.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub decide_as_datatrove: bool,
}

impl HeuristicsConfig {
    /// The published defaults, as in datatrove.
    pub fn datatrove() -> HeuristicsConfig {
        HeuristicsConfig {
            min_doc_words: Some(50),
            max_doc_words: Some(100_000),
            min_avg_word_length: Some(3.0),
            max_avg_word_length: Some(10.0),
            max_symbol_word_ratio: Some(0.1),
            max_bullet_lines_ratio: Some(0.9),
            max_ellipsis_lines_ratio: Some(0.3),
            max_non_alpha_words_ratio: Some(0.8),
            min_stop_words: Some(2),
            stop_words: ["the", "be", "to", "of", "and", "that", "have", "with"]
                .map(String::from)
                .to_vec(),
            dup_line_frac: Some(0.3),
            dup_para_frac: Some(0.3),
            dup_line_char_frac: Some(0.2),
            dup_para_char_frac: Some(0.2),
            top_n_grams: vec![(2, 0.2), (3, 0.18), (4, 0.16)],
            dup_n_grams: vec![
                (5, 0.15),
                (6, 0.14),
                (7, 0.13),
                (8, 0.12),
                (9, 0.11),
                (10, 0.10),
            ],
            c4_min_num_sentences: Some(5),
            c4_min_words_per_line: 3,
            c4_filter_lorem_ipsum: true,
            c4_filter_curly_bracket: true,
            c4_filter_javascript: true,
            c4_filter_policy: true,
            line_punct_thr: Some(0.12),
            line_punct_exclude_zero: false,
            short_line_thr: Some(0.67),
            short_line_length: 30,
            char_duplicates_ratio: Some(0.01),
            new_line_ratio: Some(0.3),
            decide_as_datatrove: true,
        }
    }

    /// Defaults tuned on wire copy (see docs/quality.md for the measurements):
    /// news briefs are short and earnings tables are lists of figures, which
    /// the web-text defaults would flag on every other wire story.
    pub fn news() -> HeuristicsConfig {
        HeuristicsConfig {
            // Results briefs ("Shr 10 cts vs 5 cts / Net ...") run 20-50 words.
            min_doc_words: Some(20),
            // Tables of figures: short tokens and many numbers.
            min_avg_word_length: Some(2.4),
            max_non_alpha_words_ratio: Some(0.4),
            // Tables and one-line briefs have no stop words, no sentence
            // ending a line, and mostly short lines: all normal on a wire.
            min_stop_words: None,
            c4_min_num_sentences: None,
            line_punct_thr: None,
            short_line_thr: None,
            decide_as_datatrove: false,
            ..HeuristicsConfig::datatrove()
        }
    }
}

fn whole(analysis: &Analysis<'_>, rule: &str, message: String, flags: &mut Vec<Flag>) {
    flags.push(flag(
        analysis.text,
        rule,
        Category::Heuristic,
        (0, analysis.text.len()),
        message,
        0.5,
    ));
}

/// Run every enabled heuristic.
pub fn check(analysis: &Analysis<'_>, config: &HeuristicsConfig, flags: &mut Vec<Flag>) {
    if analysis.text.trim().is_empty() {
        return;
    }
    if config.decide_as_datatrove {
        datatrove::check(analysis, config, flags);
        return;
    }
    let counts = Counts::of(analysis);
    gopher_quality(analysis, config, &counts, flags);
    gopher_repetition(analysis, config, &counts, flags);
    c4(analysis, config, flags);
    fineweb(analysis, config, &counts, flags);
}

/// Character counts shared by the rules (ASCII text, the common case, is counted in bytes).
struct Counts {
    /// Characters of the text.
    text_chars: usize,
    /// Characters of each word.
    word_lengths: Vec<usize>,
}

fn char_count(text: &str) -> usize {
    if text.is_ascii() {
        text.len()
    } else {
        text.chars().count()
    }
}

impl Counts {
    fn of(analysis: &Analysis<'_>) -> Counts {
        Counts {
            text_chars: char_count(analysis.text),
            word_lengths: analysis.tokens.words().map(char_count).collect(),
        }
    }
}

fn gopher_quality(
    analysis: &Analysis<'_>,
    config: &HeuristicsConfig,
    counts: &Counts,
    flags: &mut Vec<Flag>,
) {
    let text = analysis.text;
    let words = analysis.tokens.len();
    if let Some(min) = config.min_doc_words {
        if words < min {
            whole(
                analysis,
                "gopher_short_doc",
                format!("{words} words, fewer than {min}"),
                flags,
            );
        }
    }
    if let Some(max) = config.max_doc_words {
        if words > max {
            whole(
                analysis,
                "gopher_long_doc",
                format!("{words} words, more than {max}"),
                flags,
            );
        }
    }
    if words == 0 {
        return;
    }
    let total_chars: usize = counts.word_lengths.iter().sum();
    let mean = total_chars as f64 / words as f64;
    if let Some(min) = config.min_avg_word_length {
        if mean < min {
            whole(
                analysis,
                "gopher_below_avg_threshold",
                format!("mean word length {mean:.2} below {min}"),
                flags,
            );
        }
    }
    if let Some(max) = config.max_avg_word_length {
        if mean > max {
            whole(
                analysis,
                "gopher_above_avg_threshold",
                format!("mean word length {mean:.2} above {max}"),
                flags,
            );
        }
    }
    if let Some(max) = config.max_symbol_word_ratio {
        let hashes = memchr::memchr_iter(b'#', text.as_bytes()).count() as f64 / words as f64;
        if hashes > max {
            whole(
                analysis,
                "gopher_too_many_hashes",
                format!("{hashes:.3} '#' per word, above {max}"),
                flags,
            );
        }
        let ellipses =
            (text.matches("...").count() + text.matches('…').count()) as f64 / words as f64;
        if ellipses > max {
            whole(
                analysis,
                "gopher_too_many_ellipsis",
                format!("{ellipses:.3} ellipses per word, above {max}"),
                flags,
            );
        }
    }
    let lines: Vec<&str> = text.lines().collect();
    let num_lines = lines.len().max(1) as f64;
    if let Some(max) = config.max_bullet_lines_ratio {
        let bullets = lines
            .iter()
            .filter(|l| {
                let l = l.trim_start();
                l.starts_with('•') || l.starts_with('-')
            })
            .count() as f64
            / num_lines;
        if bullets > max {
            whole(
                analysis,
                "gopher_too_many_bullets",
                format!("{:.0}% of lines start with a bullet", bullets * 100.0),
                flags,
            );
        }
    }
    if let Some(max) = config.max_ellipsis_lines_ratio {
        let ending = lines
            .iter()
            .filter(|l| {
                let l = l.trim_end();
                l.ends_with("...") || l.ends_with('…')
            })
            .count() as f64
            / num_lines;
        if ending > max {
            whole(
                analysis,
                "gopher_too_many_end_ellipsis",
                format!("{:.0}% of lines end with an ellipsis", ending * 100.0),
                flags,
            );
        }
    }
    if let Some(min) = config.max_non_alpha_words_ratio {
        let alpha = analysis
            .tokens
            .words()
            .filter(|w| {
                w.bytes().any(|b| b.is_ascii_alphabetic())
                    || (!w.is_ascii() && w.chars().any(char::is_alphabetic))
            })
            .count() as f64
            / words as f64;
        if alpha < min {
            whole(
                analysis,
                "gopher_below_alpha_threshold",
                format!(
                    "{:.0}% of words have a letter, below {:.0}%",
                    alpha * 100.0,
                    min * 100.0
                ),
                flags,
            );
        }
    }
    if let Some(min) = config.min_stop_words {
        let stop = analysis
            .tokens
            .words()
            .filter(|w| config.stop_words.iter().any(|s| s == w))
            .count();
        if stop < min {
            whole(
                analysis,
                "gopher_enough_stop_words",
                format!("{stop} stop words, fewer than {min}"),
                flags,
            );
        }
    }
}

/// (number of duplicate elements, characters in them), first occurrences excluded.
/// Equal items are found by their 64-bit xxh3: a collision would need two
/// different lines of one document to share a hash.
fn duplicates<'t>(items: impl Iterator<Item = &'t str>) -> (usize, usize, usize) {
    let mut seen = PooledCounter::default();
    seen.reset(64);
    let (mut count, mut dup, mut dup_chars) = (0, 0, 0);
    for item in items {
        count += 1;
        if seen.add(xxhash_rust::xxh3::xxh3_64(item.as_bytes())) > 1 {
            dup += 1;
            dup_chars += char_count(item);
        }
    }
    (count, dup, dup_chars)
}

fn gopher_repetition(
    analysis: &Analysis<'_>,
    config: &HeuristicsConfig,
    counts: &Counts,
    flags: &mut Vec<Flag>,
) {
    let text = analysis.text;
    let text_chars = counts.text_chars.max(1) as f64;
    let trimmed = text.trim();
    let paragraphs = split_paragraphs(trimmed);
    let (count, dup, dup_chars) = duplicates(paragraphs.iter().copied());
    if let Some(max) = config.dup_para_frac {
        if dup as f64 / count.max(1) as f64 > max {
            whole(
                analysis,
                "dup_para_frac",
                format!("{dup} of {count} paragraphs are duplicates"),
                flags,
            );
        }
    }
    if let Some(max) = config.dup_para_char_frac {
        if dup_chars as f64 / text_chars > max {
            whole(
                analysis,
                "dup_para_char_frac",
                format!(
                    "{:.0}% of characters in duplicate paragraphs",
                    dup_chars as f64 / text_chars * 100.0
                ),
                flags,
            );
        }
    }
    let lines = text.split('\n').filter(|l| !l.is_empty());
    let (count, dup, dup_chars) = duplicates(lines);
    if let Some(max) = config.dup_line_frac {
        if dup as f64 / count.max(1) as f64 > max {
            whole(
                analysis,
                "dup_line_frac",
                format!("{dup} of {count} lines are duplicates"),
                flags,
            );
        }
    }
    if let Some(max) = config.dup_line_char_frac {
        if dup_chars as f64 / text_chars > max {
            whole(
                analysis,
                "dup_line_char_frac",
                format!(
                    "{:.0}% of characters in duplicate lines",
                    dup_chars as f64 / text_chars * 100.0
                ),
                flags,
            );
        }
    }
    let toks = &analysis.tokens.tokens;
    let lengths = &counts.word_lengths;
    let max_n = config
        .top_n_grams
        .iter()
        .chain(&config.dup_n_grams)
        .map(|&(n, _)| n)
        .max()
        .unwrap_or(0)
        .min(toks.len());
    let max_top_n = config
        .top_n_grams
        .iter()
        .map(|&(n, _)| n)
        .max()
        .unwrap_or(0);
    // keys[start] is the key of the n-gram starting at `start`, extended by
    // one word per round: every n costs one step per position.
    let mut keys: Vec<u64> = vec![NGRAM_SEED; toks.len()];
    let mut counter = PooledCounter::default();
    let mut dup_n_grams_done = false;
    // An n-gram occurs at most as often as the (n-1)-gram it starts with:
    // where even the most frequent shorter n-gram, spread over the widest
    // window, cannot cover the threshold, counting cannot flag anything.
    let mut most_frequent_bound = u32::try_from(toks.len()).unwrap_or(u32::MAX);
    for n in 1..=max_n {
        if dup_n_grams_done && n > max_top_n {
            break;
        }
        let windows = toks.len() + 1 - n;
        keys.truncate(windows);
        for (start, key) in keys.iter_mut().enumerate() {
            *key = ngram_step(*key, toks[start + n - 1].hash);
        }
        for &(_, max) in config.top_n_grams.iter().filter(|&&(m, _)| m == n) {
            let widest = lengths
                .windows(n)
                .map(|window| window.iter().sum::<usize>())
                .max()
                .unwrap_or(0)
                + n
                - 1;
            if most_frequent_bound <= 1
                || f64::from(most_frequent_bound) * widest as f64 / text_chars <= max
            {
                continue;
            }
            counter.reset(windows);
            let mut best = (0u32, 0usize);
            for (start, &key) in keys.iter().enumerate() {
                let count = counter.add(key);
                if count > best.0 {
                    best = (count, start);
                }
            }
            most_frequent_bound = most_frequent_bound.min(best.0);
            let chars = lengths[best.1..best.1 + n].iter().sum::<usize>() + n - 1;
            let share = f64::from(best.0) * chars as f64 / text_chars;
            if best.0 > 1 && share > max {
                whole(
                    analysis,
                    &format!("top_{n}_gram"),
                    format!(
                        "the most frequent {n}-gram covers {:.0}% of the characters",
                        share * 100.0
                    ),
                    flags,
                );
            }
        }
        for &(_, max) in config.dup_n_grams.iter().filter(|&&(m, _)| m == n) {
            if dup_n_grams_done {
                continue;
            }
            // datatrove's find_all_duplicate: walk the text, skipping over each repeat.
            counter.reset(windows);
            let mut repeated_chars = 0usize;
            let mut start = 0;
            while start < windows {
                if counter.add(keys[start]) == 1 {
                    start += 1;
                } else {
                    repeated_chars += lengths[start..start + n].iter().sum::<usize>();
                    start += n;
                }
            }
            // A longer repeated n-gram contains a repeated shorter one.
            if repeated_chars == 0 {
                dup_n_grams_done = true;
                continue;
            }
            let share = repeated_chars as f64 / text_chars;
            if share > max {
                whole(
                    analysis,
                    &format!("duplicated_{n}_n_grams"),
                    format!("{:.0}% of characters in repeated {n}-grams", share * 100.0),
                    flags,
                );
            }
        }
    }
}

const NGRAM_SEED: u64 = 0xCBF2_9CE4_8422_2325;

fn ngram_step(key: u64, hash: u64) -> u64 {
    (key ^ hash).wrapping_mul(0x100_0000_01B3).rotate_left(31)
}

fn split_paragraphs(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(found) = memchr::memchr(b'\n', &bytes[i..]) {
        let newline = i + found;
        if bytes.get(newline + 1) == Some(&b'\n') {
            out.push(&text[start..newline]);
            i = newline;
            while i < bytes.len() && bytes[i] == b'\n' {
                i += 1;
            }
            start = i;
        } else {
            i = newline + 1;
        }
    }
    out.push(&text[start..]);
    out
}

const POLICY_SUBSTRINGS: &[&str] = &[
    "terms of use",
    "privacy policy",
    "cookie policy",
    "uses cookies",
    "use of cookies",
    "use cookies",
];

/// Every phrase the C4 rules look for, in one case-insensitive automaton.
fn c4_phrases() -> &'static aho_corasick::AhoCorasick {
    static PHRASES: std::sync::OnceLock<aho_corasick::AhoCorasick> = std::sync::OnceLock::new();
    PHRASES.get_or_init(|| {
        let mut phrases = vec!["lorem ipsum", "javascript"];
        phrases.extend_from_slice(POLICY_SUBSTRINGS);
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(phrases)
            .expect("fixed phrase list compiles")
    })
}

/// The lines C4 removes without dropping the document.
#[derive(Clone, Copy)]
enum C4LineRule {
    Javascript,
    Policy,
}

fn c4_removed_line(text: &str, rule: C4LineRule, span: (usize, usize), flags: &mut Vec<Flag>) {
    let (name, message) = match rule {
        C4LineRule::Javascript => (
            "line-filter-javascript",
            "line mentions javascript (C4 line filter)",
        ),
        C4LineRule::Policy => (
            "line-filter-policy",
            "cookie or terms-of-use line (C4 line filter)",
        ),
    };
    flags.push(flag(
        text,
        name,
        Category::Boilerplate,
        span,
        message.to_owned(),
        0.6,
    ));
}

fn c4(analysis: &Analysis<'_>, config: &HeuristicsConfig, flags: &mut Vec<Flag>) {
    let text = analysis.text;
    if config.c4_filter_curly_bracket && text.contains('{') {
        whole(
            analysis,
            "curly_bracket",
            "the text contains a curly bracket".to_owned(),
            flags,
        );
    }
    // Most texts contain none of the phrases: skip the line loop unless
    // sentences must be counted.
    if config.c4_min_num_sentences.is_none() && !c4_phrases().is_match(text) {
        return;
    }
    let mut sentences = 0usize;
    let mut offset = 0usize;
    let mut lorem = false;
    for raw_line in text.split('\n') {
        let line_start = offset;
        offset += raw_line.len() + 1;
        let line = raw_line.trim();
        if line.is_empty() {
            continue;
        }
        let lower = line.to_lowercase();
        let lead = raw_line.len() - raw_line.trim_start().len();
        let span = (line_start + lead, line_start + lead + line.len());
        if config.c4_filter_lorem_ipsum && lower.contains("lorem ipsum") {
            lorem = true;
        }
        if config.c4_filter_javascript && lower.contains("javascript") {
            c4_removed_line(text, C4LineRule::Javascript, span, flags);
            continue;
        }
        if config.c4_filter_policy && POLICY_SUBSTRINGS.iter().any(|p| lower.contains(p)) {
            c4_removed_line(text, C4LineRule::Policy, span, flags);
            continue;
        }
        let terminal = line.ends_with(['.', '?', '!', '"', '\'']) && !line.ends_with("...");
        if !terminal || line.split_whitespace().count() < config.c4_min_words_per_line {
            continue;
        }
        // Sentences are in text order: those starting on the line are a
        // range, found by two binary searches rather than a scan per line.
        let starts_before =
            |byte: usize| analysis.sentences.partition_point(|s| s.start_byte < byte);
        sentences += (starts_before(span.1) - starts_before(span.0)).max(1);
    }
    if lorem {
        whole(
            analysis,
            "lorem_ipsum",
            "the text contains \"lorem ipsum\"".to_owned(),
            flags,
        );
    }
    if let Some(min) = config.c4_min_num_sentences {
        if sentences < min {
            whole(
                analysis,
                "too_few_sentences",
                format!("{sentences} sentences in lines C4 keeps, fewer than {min}"),
                flags,
            );
        }
    }
}

fn fineweb(
    analysis: &Analysis<'_>,
    config: &HeuristicsConfig,
    counts: &Counts,
    flags: &mut Vec<Flag>,
) {
    let text = analysis.text;
    let lines: Vec<&str> = text.split('\n').collect();
    let num_lines = lines.len() as f64;
    if let Some(min) = config.line_punct_thr {
        let ratio = lines
            .iter()
            .filter(|l| l.ends_with(['.', '\'', '"', '!', '?']))
            .count() as f64
            / num_lines;
        if ratio <= min && !(ratio == 0.0 && config.line_punct_exclude_zero) {
            whole(
                analysis,
                "line_punct_ratio",
                format!("{:.0}% of lines end in punctuation", ratio * 100.0),
                flags,
            );
        }
    }
    if let Some(max) = config.short_line_thr {
        let ratio = lines
            .iter()
            .filter(|l| char_count(l) <= config.short_line_length)
            .count() as f64
            / num_lines;
        if ratio >= max {
            whole(
                analysis,
                "short_line_ratio",
                format!("{:.0}% of lines are short", ratio * 100.0),
                flags,
            );
        }
    }
    if let Some(max) = config.char_duplicates_ratio {
        let (_, _, dup_chars) = duplicates(lines.iter().copied().filter(|l| !l.trim().is_empty()));
        let newlines = memchr::memchr_iter(b'\n', text.as_bytes()).count();
        let chars = counts.text_chars.saturating_sub(newlines).max(1);
        let ratio = dup_chars as f64 / chars as f64;
        if ratio >= max && dup_chars > 0 {
            whole(
                analysis,
                "char_dup_ratio",
                format!("{:.1}% of characters in duplicated lines", ratio * 100.0),
                flags,
            );
        }
    }
    if let Some(max) = config.new_line_ratio {
        let ratio = memchr::memchr_iter(b'\n', text.as_bytes()).count() as f64
            / analysis.tokens.len().max(1) as f64;
        if ratio > max {
            whole(
                analysis,
                "list_ratio",
                format!("{ratio:.2} line breaks per word"),
                flags,
            );
        }
    }
}
