//! The Gopher, C4 and FineWeb rules with datatrove's exact semantics, for
//! `--heuristics datatrove`: its words (spaCy's English tokens, see
//! [`crate::datatrove_tokens`]), Python's line splitting and string
//! lengths in code points, its comparisons (`<` or `<=` as each filter has
//! them), and only the first failing rule of each filter, as datatrove
//! reports one reason per dropped document.

use super::c4::{c4_removed_line, C4LineRule, POLICY_SUBSTRINGS};
use super::gopher_repetition::{ngram_step, split_paragraphs, NGRAM_SEED};
use super::{char_count, duplicates, whole, HeuristicsConfig};
use crate::datatrove_tokens::{self, is_python_space};
use crate::doc::Analysis;
use crate::Flag;
use std::collections::{HashMap, HashSet};

/// datatrove's `TERMINAL_PUNCTUATION`: FineWeb's line endings.
const TERMINAL_PUNCTUATION: &str = "!.?\u{589}\u{61D}\u{61E}\u{61F}\u{6D4}\u{700}\u{701}\u{702}\u{7F9}\u{837}\u{839}\u{83D}\u{83E}\u{964}\u{965}\u{104A}\u{104B}\u{1362}\u{1367}\u{1368}\u{166E}\u{1735}\u{1736}\u{17D4}\u{17D5}\u{17D6}\u{17D9}\u{17DA}\u{1803}\u{1809}\u{1944}\u{1945}\u{1AA8}\u{1AA9}\u{1AAA}\u{1AAB}\u{1B5A}\u{1B5B}\u{1B5E}\u{1B5F}\u{1B7D}\u{1B7E}\u{1C3B}\u{1C3C}\u{1C7E}\u{1C7F}\u{203C}\u{203D}\u{2047}\u{2048}\u{2049}\u{2E2E}\u{2E3C}\u{2E53}\u{2E54}\u{3002}\u{A4FF}\u{A60E}\u{A60F}\u{A6F3}\u{A6F7}\u{A876}\u{A877}\u{A8CE}\u{A8CF}\u{A92F}\u{A9C8}\u{A9C9}\u{AA5D}\u{AA5E}\u{AA5F}\u{AAF0}\u{AAF1}\u{ABEB}\u{FE52}\u{FE56}\u{FE57}\u{FF01}\u{FF0E}\u{FF1F}\u{FF61}\u{10A56}\u{10A57}\u{10F55}\u{10F56}\u{10F57}\u{10F58}\u{10F59}\u{10F86}\u{10F87}\u{10F88}\u{10F89}\u{11047}\u{11048}\u{110BE}\u{110BF}\u{110C0}\u{110C1}\u{11141}\u{11142}\u{11143}\u{111C5}\u{111C6}\u{111CD}\u{111DE}\u{111DF}\u{11238}\u{11239}\u{1123B}\u{1123C}\u{112A9}\u{1144B}\u{1144C}\u{115C2}\u{115C3}\u{115C9}\u{115CA}\u{115CB}\u{115CC}\u{115CD}\u{115CE}\u{115CF}\u{115D0}\u{115D1}\u{115D2}\u{115D3}\u{115D4}\u{115D5}\u{115D6}\u{115D7}\u{11641}\u{11642}\u{1173C}\u{1173D}\u{1173E}\u{11944}\u{11946}\u{11A42}\u{11A43}\u{11A9B}\u{11A9C}\u{11C41}\u{11C42}\u{11EF7}\u{11EF8}\u{11F43}\u{11F44}\u{16A6E}\u{16A6F}\u{16AF5}\u{16B37}\u{16B38}\u{16B44}\u{16E98}\u{1BC9F}\u{1DA88}";
/// The rest of datatrove's `PUNCTUATION_SET` (with control characters).
const OTHER_PUNCTUATION: &str = "\u{0}\u{1}\u{2}\u{3}\u{4}\u{5}\u{6}\u{7}\u{8}\u{B}\u{C}\u{D}\u{E}\u{F}\u{10}\u{11}\u{12}\u{13}\u{14}\u{15}\u{16}\u{17}\u{18}\u{19}\u{1A}\u{1B}\u{1C}\u{1D}\u{1E}\u{1F}\"#$%&'()*+,-/:;<=>@[\\]^_`{|}~\u{7F}\u{80}\u{81}\u{82}\u{83}\u{84}\u{85}\u{86}\u{87}\u{88}\u{89}\u{8A}\u{8B}\u{8C}\u{8D}\u{8E}\u{8F}\u{90}\u{91}\u{92}\u{93}\u{94}\u{95}\u{96}\u{97}\u{98}\u{99}\u{9A}\u{9B}\u{9C}\u{9D}\u{9E}\u{9F}\u{AB}\u{B4}\u{BB}\u{2013}\u{2014}\u{2019}\u{201C}\u{201D}\u{201E}\u{2026}\u{2236}\u{2501}\u{25BA}\u{3001}\u{3008}\u{3009}\u{300A}\u{300B}\u{300C}\u{300D}\u{3010}\u{3011}\u{FF05}\u{FF08}\u{FF09}\u{FF0C}\u{FF11}\u{FF1A}\u{FF1B}\u{FF5E}";
/// C4 drops lines with a word longer than this.
const C4_MAX_WORD_LENGTH: usize = 1000;

/// Which lines a Gopher line rule counts.
type LineTest = fn(&str) -> bool;

/// A failing rule: its name and what was measured.
type Failure = (String, String);

pub(super) fn check(analysis: &Analysis<'_>, config: &HeuristicsConfig, flags: &mut Vec<Flag>) {
    let text = analysis.text;
    let words = datatrove_tokens::words(text);
    let text_chars = char_count(text);
    let failures = [
        gopher_quality(text, &words, config),
        gopher_repetition(text, text_chars, &words, config),
        c4(analysis, config, flags),
        fineweb(text, &words, config),
    ];
    for (rule, message) in failures.into_iter().flatten() {
        whole(analysis, &rule, message, flags);
    }
}

fn fail(rule: &str, message: String) -> Option<Failure> {
    Some((rule.to_owned(), message))
}

fn strip_python(text: &str) -> &str {
    text.trim_matches(is_python_space)
}

/// Python's `str.splitlines()`, each line with its byte offset.
fn python_lines(text: &str) -> Vec<(usize, &str)> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let breaks = matches!(
            c,
            '\n' | '\r'
                | '\u{B}'
                | '\u{C}'
                | '\u{1C}'
                | '\u{1D}'
                | '\u{1E}'
                | '\u{85}'
                | '\u{2028}'
                | '\u{2029}'
        );
        if !breaks {
            continue;
        }
        lines.push((start, &text[start..i]));
        start = i + c.len_utf8();
        if c == '\r' && chars.peek().is_some_and(|&(_, next)| next == '\n') {
            chars.next();
            start += 1;
        }
    }
    if start < text.len() {
        lines.push((start, &text[start..]));
    }
    lines
}

fn is_datatrove_punctuation(c: char) -> bool {
    TERMINAL_PUNCTUATION.contains(c) || OTHER_PUNCTUATION.contains(c)
}

/// The rule `value` breaks when below `bounds[0]` or above `bounds[1]`.
fn outside<T: PartialOrd + std::fmt::Display + Copy>(
    value: T,
    bounds: [Option<T>; 2],
    rules: [&str; 2],
    what: &str,
) -> Option<Failure> {
    let [min, max] = bounds;
    if let Some(min) = min.filter(|&min| value < min) {
        return fail(rules[0], format!("{value:.2} {what}, fewer than {min}"));
    }
    let max = max.filter(|&max| value > max)?;
    fail(rules[1], format!("{value:.2} {what}, more than {max}"))
}

fn gopher_quality(text: &str, words: &[&str], config: &HeuristicsConfig) -> Option<Failure> {
    let n_words = words.len();
    let content: Vec<&str> = words
        .iter()
        .copied()
        .filter(|w| w.chars().any(|c| !is_datatrove_punctuation(c)))
        .collect();
    let n_content = content.len();
    let bounds = [config.min_doc_words, config.max_doc_words];
    let rules = ["gopher_short_doc", "gopher_long_doc"];
    if let Some(failure) = outside(n_content, bounds, rules, "words") {
        return Some(failure);
    }
    // datatrove takes the mean of no words as NaN, which fails no comparison.
    if n_content > 0 {
        let mean = content.iter().map(|w| char_count(w)).sum::<usize>() as f64 / n_content as f64;
        let bounds = [config.min_avg_word_length, config.max_avg_word_length];
        let rules = ["gopher_below_avg_threshold", "gopher_above_avg_threshold"];
        if let Some(failure) = outside(mean, bounds, rules, "characters a word on average") {
            return Some(failure);
        }
    }
    let per_word = |count: usize| count as f64 / n_words.max(1) as f64;
    if let Some(max) = config.max_symbol_word_ratio {
        let hashes = per_word(text.matches('#').count());
        if hashes > max {
            return fail(
                "gopher_too_many_hashes",
                format!("{hashes:.3} '#' per word, above {max}"),
            );
        }
        let ellipses = per_word(text.matches("...").count() + text.matches('…').count());
        if ellipses > max {
            return fail(
                "gopher_too_many_ellipsis",
                format!("{ellipses:.3} ellipses per word, above {max}"),
            );
        }
    }
    let lines = python_lines(text);
    let bullet = |l: &str| {
        let l = l.trim_start_matches(is_python_space);
        l.starts_with('•') || l.starts_with('-')
    };
    let ellipsis = |l: &str| {
        let l = l.trim_end_matches(is_python_space);
        l.ends_with("...") || l.ends_with('…')
    };
    let line_rules: [(_, _, LineTest, _); 2] = [
        (
            config.max_bullet_lines_ratio,
            "gopher_too_many_bullets",
            bullet,
            "start with a bullet",
        ),
        (
            config.max_ellipsis_lines_ratio,
            "gopher_too_many_end_ellipsis",
            ellipsis,
            "end with an ellipsis",
        ),
    ];
    for (max, rule, matches, what) in line_rules {
        let count = lines.iter().filter(|(_, l)| matches(l)).count();
        if let Some(max) = max.filter(|&max| share(count, lines.len()) > max) {
            return fail(
                rule,
                format!("{count} of {} lines {what}, above {max}", lines.len()),
            );
        }
    }
    if let Some(min) = config.max_non_alpha_words_ratio {
        let alpha = per_word(
            words
                .iter()
                .filter(|w| w.chars().any(char::is_alphabetic))
                .count(),
        );
        if alpha < min {
            return fail(
                "gopher_below_alpha_threshold",
                format!(
                    "{:.0}% of words (punctuation marks included) have a letter, below {:.0}%",
                    alpha * 100.0,
                    min * 100.0
                ),
            );
        }
    }
    if let Some(min) = config.min_stop_words {
        // datatrove counts the distinct stop words present, case-sensitively.
        let present: HashSet<&str> = words
            .iter()
            .copied()
            .filter(|w| config.stop_words.iter().any(|s| s == w))
            .collect();
        if present.len() < min {
            return fail(
                "gopher_enough_stop_words",
                format!("{} distinct stop words, fewer than {min}", present.len()),
            );
        }
    }
    None
}

/// Python's `re.split("\n+", text)`: runs of newlines cut the text, and an
/// empty piece stays at either end.
fn newline_pieces(text: &str) -> Vec<&str> {
    let pieces: Vec<&str> = text.split('\n').collect();
    let last = pieces.len() - 1;
    pieces
        .iter()
        .enumerate()
        .filter(|&(i, piece)| !piece.is_empty() || i == 0 || i == last)
        .map(|(_, &piece)| piece)
        .collect()
}

fn share(part: usize, whole: usize) -> f64 {
    part as f64 / whole.max(1) as f64
}

fn gopher_repetition(
    text: &str,
    text_chars: usize,
    words: &[&str],
    config: &HeuristicsConfig,
) -> Option<Failure> {
    // Paragraphs first, then lines, as datatrove checks them.
    let units = [
        (
            "para",
            "paragraphs",
            split_paragraphs(strip_python(text)),
            config.dup_para_frac,
            config.dup_para_char_frac,
        ),
        (
            "line",
            "lines",
            newline_pieces(text),
            config.dup_line_frac,
            config.dup_line_char_frac,
        ),
    ];
    for (unit, plural, pieces, max_frac, max_char_frac) in units {
        let (count, dup, dup_chars) = duplicates(pieces.into_iter());
        if let Some(max) = max_frac.filter(|&max| share(dup, count) > max) {
            return fail(
                &format!("dup_{unit}_frac"),
                format!("{dup} of {count} {plural} are duplicates, above {max}"),
            );
        }
        if let Some(max) = max_char_frac.filter(|&max| share(dup_chars, text_chars) > max) {
            return fail(
                &format!("dup_{unit}_char_frac"),
                format!(
                    "{dup_chars} of {text_chars} characters in duplicate {plural}, above {max}"
                ),
            );
        }
    }
    let hashes: Vec<u64> = words
        .iter()
        .map(|w| xxhash_rust::xxh3::xxh3_64(w.as_bytes()))
        .collect();
    let lengths: Vec<usize> = words.iter().map(|w| char_count(w)).collect();
    for &(n, max) in &config.top_n_grams {
        if n == 0 || words.len() < n {
            continue;
        }
        let chars = top_ngram_chars(&hashes, &lengths, n);
        if share(chars, text_chars) > max {
            let message = format!(
                "the most frequent {n}-gram covers {chars} of {text_chars} characters, above {max}"
            );
            return fail(&format!("top_{n}_gram"), message);
        }
    }
    for &(n, max) in &config.dup_n_grams {
        let chars = repeated_ngram_chars(words, n);
        if share(chars, text_chars) > max {
            return fail(
                &format!("duplicated_{n}_n_grams"),
                format!("{chars} of {text_chars} characters in repeated {n}-grams, above {max}"),
            );
        }
    }
    None
}

/// datatrove's `find_top_duplicate`: characters of the most frequent n-gram
/// (its words joined by spaces) times its count; between n-grams as frequent,
/// the one seen first, as Python's `Counter.most_common(1)` picks.
fn top_ngram_chars(hashes: &[u64], lengths: &[usize], n: usize) -> usize {
    let mut seen: HashMap<u64, (usize, usize)> = HashMap::new();
    for start in 0..=hashes.len() - n {
        let key = hashes[start..start + n]
            .iter()
            .fold(NGRAM_SEED, |key, &hash| ngram_step(key, hash));
        seen.entry(key).or_insert((0, start)).0 += 1;
    }
    let Some(&(count, first)) = seen
        .values()
        .max_by_key(|&&(count, first)| (count, std::cmp::Reverse(first)))
    else {
        return 0;
    };
    count * (lengths[first..first + n].iter().sum::<usize>() + n - 1)
}

/// datatrove's `find_all_duplicate`: walking the text, the characters of each
/// n-gram (words joined with nothing between them) seen before, skipping
/// over it.
fn repeated_ngram_chars(words: &[&str], n: usize) -> usize {
    if n == 0 || words.len() < n {
        return 0;
    }
    let mut seen = HashSet::new();
    let mut joined = String::new();
    let (mut repeated, mut start) = (0, 0);
    while start + n <= words.len() {
        joined.clear();
        words[start..start + n]
            .iter()
            .for_each(|w| joined.push_str(w));
        if seen.insert(joined.clone()) {
            start += 1;
        } else {
            repeated += char_count(&joined);
            start += n;
        }
    }
    repeated
}

/// C4's `remove_citations`: `[12]`, `[]`, `[edit]` and `[citation needed]` go.
fn remove_citations(line: &str) -> std::borrow::Cow<'_, str> {
    if !line.contains('[') {
        return line.into();
    }
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let digits = after.len() - after.trim_start_matches(|c: char| c.is_numeric()).len();
        let citation_len = if after[digits..].starts_with(']') {
            Some(digits + 1)
        } else {
            ["edit]", "citation needed]"]
                .iter()
                .find(|m| after.starts_with(*m))
                .map(|m| m.len())
        };
        match citation_len {
            Some(len) => rest = &after[len..],
            None => {
                out.push('[');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out.into()
}

fn c4(
    analysis: &Analysis<'_>,
    config: &HeuristicsConfig,
    flags: &mut Vec<Flag>,
) -> Option<Failure> {
    let text = analysis.text;
    let mut sentences = 0usize;
    for (line_start, raw_line) in python_lines(text) {
        let stripped = strip_python(raw_line);
        let lead = raw_line.len() - raw_line.trim_start_matches(is_python_space).len();
        let span = (line_start + lead, line_start + lead + stripped.len());
        let words = stripped.split(is_python_space).filter(|w| !w.is_empty());
        if words.clone().any(|w| char_count(w) > C4_MAX_WORD_LENGTH) {
            continue;
        }
        let line = remove_citations(stripped);
        let terminal = line.ends_with(['.', '?', '!', '"', '\'']) && !line.ends_with("...");
        if !terminal || words.count() < config.c4_min_words_per_line {
            continue;
        }
        let lower = line.to_lowercase();
        if config.c4_filter_lorem_ipsum && lower.contains("lorem ipsum") {
            return fail(
                "lorem_ipsum",
                "a kept line contains \"lorem ipsum\"".to_owned(),
            );
        }
        if config.c4_filter_javascript && lower.contains("javascript") {
            c4_removed_line(text, C4LineRule::Javascript, span, flags);
            continue;
        }
        if config.c4_filter_curly_bracket && line.contains('{') {
            return fail(
                "curly_bracket",
                "a kept line contains a curly bracket".to_owned(),
            );
        }
        if config.c4_filter_policy && POLICY_SUBSTRINGS.iter().any(|p| lower.contains(p)) {
            c4_removed_line(text, C4LineRule::Policy, span, flags);
            continue;
        }
        sentences += datatrove_tokens::sentence_count(&line);
    }
    match config.c4_min_num_sentences {
        Some(min) if sentences < min => fail(
            "too_few_sentences",
            format!("{sentences} sentences in lines C4 keeps, fewer than {min}"),
        ),
        _ => None,
    }
}

fn fineweb(text: &str, words: &[&str], config: &HeuristicsConfig) -> Option<Failure> {
    let lines: Vec<&str> = text
        .split('\n')
        .filter(|l| !strip_python(l).is_empty())
        .collect();
    let num_lines = lines.len();
    if let Some(min) = config.line_punct_thr {
        let ending = lines
            .iter()
            .filter(|l| {
                l.chars()
                    .next_back()
                    .is_some_and(|c| TERMINAL_PUNCTUATION.contains(c))
            })
            .count();
        let ratio = share(ending, num_lines);
        if ratio < min && !(ratio == 0.0 && config.line_punct_exclude_zero) {
            return fail(
                "line_punct_ratio",
                format!("{ending} of {num_lines} lines end in punctuation, below {min}"),
            );
        }
    }
    if let Some(max) = config.short_line_thr {
        let short = lines
            .iter()
            .filter(|l| char_count(l) <= config.short_line_length)
            .count();
        if share(short, num_lines) > max {
            return fail(
                "short_line_ratio",
                format!("{short} of {num_lines} lines are short, above {max}"),
            );
        }
    }
    if let Some(max) = config.char_duplicates_ratio {
        let (_, _, dup_chars) = duplicates(lines.iter().copied());
        let newlines = memchr::memchr_iter(b'\n', text.as_bytes()).count();
        let chars = char_count(text) - newlines;
        if share(dup_chars, chars) > max {
            return fail(
                "char_dup_ratio",
                format!("{dup_chars} of {chars} characters in duplicated lines, above {max}"),
            );
        }
    }
    if let Some(max) = config.new_line_ratio {
        let newlines = memchr::memchr_iter(b'\n', text.as_bytes()).count();
        let ratio = share(newlines, words.len());
        if ratio > max {
            return fail(
                "list_ratio",
                format!(
                    "{newlines} line breaks for {} words, above {max}",
                    words.len()
                ),
            );
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Checker, Lexicon, QualityConfig};
    use copydesk_text::tokenize;

    /// The document-level rules `--heuristics datatrove` reports for `text`.
    fn dropped_by(text: &str) -> Vec<String> {
        let config = QualityConfig {
            heuristics: HeuristicsConfig::datatrove(),
            ..QualityConfig::default()
        };
        let checker = Checker::new(config, &Lexicon::builtin()).expect("builtin lexicon");
        let result = checker.check(text, &tokenize(text));
        (result.flags.iter())
            .filter(|f| f.category == crate::Category::Heuristic)
            .map(|f| f.rule.clone())
            .collect()
    }

    /// A clean story: six sentences on their own lines, plenty of stop words.
    fn story() -> String {
        [
            "The harbour board said on Monday that the new ferry will run to the islands twice a day.",
            "It expects the service to carry about four hundred passengers a week during the summer.",
            "The board will review the timetable with the operator and the town council in the autumn.",
            "Fares have not been set, but the chairman said they would be close to those of the bus.",
            "A second vessel is being built at a yard in the north and should be ready next year.",
            "Local shops welcomed the plan and said that visitors had been asking for it for years.",
        ]
        .join("\n")
    }

    #[test]
    fn a_clean_story_passes_every_filter() {
        assert!(
            dropped_by(&story()).is_empty(),
            "{:?}",
            dropped_by(&story())
        );
    }

    #[test]
    fn punctuation_marks_count_against_the_alpha_share() {
        // 60 words with a letter, 20 marks: datatrove's share is 75% (< 80%),
        // while counting words alone it would be 100%.
        let text = "Alpha , beta ; gamma : ".repeat(20).trim_end().to_owned();
        let rules = dropped_by(&text);
        assert!(
            rules.contains(&"gopher_below_alpha_threshold".to_owned()),
            "{rules:?}"
        );
    }

    #[test]
    fn gopher_reports_only_its_first_failing_rule() {
        let rules = dropped_by("Shr 10 cts vs 5 cts");
        assert!(rules.contains(&"gopher_short_doc".to_owned()));
        assert!(
            !rules.contains(&"gopher_enough_stop_words".to_owned()),
            "{rules:?}"
        );
    }

    #[test]
    fn stop_words_are_distinct_and_case_sensitive() {
        // "The" and "the" over and over: one distinct stop word, not enough.
        // datatrove 0.10.1 drops this text with these four reasons.
        let text = format!(
            "{}The the the.",
            "Boats sailed early from every harbour along northern coasts ".repeat(8)
        );
        let mut rules = dropped_by(&text);
        rules.sort();
        assert_eq!(
            rules,
            [
                "gopher_enough_stop_words",
                "too_few_sentences",
                "top_3_gram"
            ]
        );
    }

    #[test]
    fn repeated_lines_drop_a_document() {
        let line = "Shares in the company rose sharply on Tuesday after the results.";
        let text = format!("{}{}", story(), format!("\n{line}").repeat(4));
        let mut rules = dropped_by(&text);
        rules.sort();
        // As datatrove 0.10.1 decides.
        assert_eq!(rules, ["char_dup_ratio", "dup_line_char_frac"]);
    }

    #[test]
    fn c4_counts_sentences_only_in_lines_it_keeps() {
        let lines: Vec<String> = story()
            .lines()
            .map(|l| l.trim_end_matches('.').to_owned())
            .collect();
        let rules = dropped_by(&lines.join("\n"));
        assert!(rules.contains(&"too_few_sentences".to_owned()), "{rules:?}");
        // A curly bracket on a line C4 drops anyway does not drop the document.
        let text = format!("{}\nconfig {{ x", story());
        assert!(!dropped_by(&text).contains(&"curly_bracket".to_owned()));
        let text = format!("{}\nThe value {{ x }} was set by the council.", story());
        assert!(dropped_by(&text).contains(&"curly_bracket".to_owned()));
    }

    #[test]
    fn fineweb_counts_short_lines_and_line_endings() {
        let text = format!(
            "{}\n{}",
            story(),
            "Results\nShr 10\nNet 12\nRevs 40\n".repeat(4)
        );
        let rules = dropped_by(&text);
        assert!(rules.contains(&"short_line_ratio".to_owned()), "{rules:?}");
        assert!(!rules.contains(&"line_punct_ratio".to_owned()), "{rules:?}");
    }

    #[test]
    fn python_line_splitting() {
        let lines: Vec<&str> = python_lines("a\r\nb\rc\u{2028}d\n")
            .into_iter()
            .map(|(_, l)| l)
            .collect();
        assert_eq!(lines, ["a", "b", "c", "d"]);
        assert_eq!(newline_pieces("\na\n\nb\n"), ["", "a", "b", ""]);
        assert_eq!(
            remove_citations("Rose [12] sharply [edit]. [x]"),
            "Rose  sharply . [x]"
        );
    }

    #[test]
    fn repeated_ngrams_are_counted_as_datatrove_walks_them() {
        let words = ["a", "b", "a", "b", "a", "b"];
        // "ab" at 0 is new, "ba" at 1 new, "ab" at 2 repeated (skip 2), "ab" at 4 repeated.
        assert_eq!(repeated_ngram_chars(&words, 2), 4);
        let hashes: Vec<u64> = words
            .iter()
            .map(|w| xxhash_rust::xxh3::xxh3_64(w.as_bytes()))
            .collect();
        // "a b" three times, 3 characters each.
        assert_eq!(top_ngram_chars(&hashes, &[1; 6], 2), 9);
    }
}
