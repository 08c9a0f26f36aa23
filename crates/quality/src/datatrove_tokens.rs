//! datatrove's English word tokenizer, reimplemented for `--heuristics
//! datatrove`: datatrove 0.10 tokenizes English with spaCy's blank `en`
//! pipeline (rule-based tokenizer plus the `sentencizer`), so punctuation marks
//! are words of their own, contractions split (`don't` -> `do`, `n't`) and
//! abbreviations in spaCy's exception list keep their period (`Inc.`).
//!
//! The Gopher, C4 and FineWeb rules count these words, so copydesk must cut
//! text where spaCy does to reach the same decisions. What is reproduced:
//! whitespace splitting, the exception table (`datatrove_exceptions.tsv`,
//! dumped from spaCy 3.8 by `scripts/eval_datatrove.py --write-exceptions`),
//! the English prefix, suffix and infix rules, URLs kept whole, and the
//! sentencizer. What is approximated: spaCy's letter classes (Unicode
//! lower/upper case here), its URL pattern (a scheme or `www.` here), and the
//! retokenizing pass that re-merges exceptions split by an infix (`Mr.Smith`).

use std::collections::HashMap;
use std::sync::OnceLock;

/// A token: its text (a slice of the input) and whether it is whitespace
/// (spaCy keeps runs of whitespace other than one space as tokens; datatrove
/// drops them from its words, but the sentencizer sees them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token<'t> {
    /// The token's text.
    pub text: &'t str,
    /// True for a whitespace token.
    pub is_space: bool,
}

/// The words of `text` as datatrove's `split_into_words` returns them for
/// English: spaCy's tokens with whitespace tokens dropped.
pub fn words(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    tokenize(text, &mut |token| {
        if !token.is_space {
            out.push(token.text);
        }
    });
    out
}

/// How many sentences datatrove's `split_into_sentences` finds in `text`
/// (spaCy's sentencizer: a sentence ends after `.`, `!`, `?` or a like mark,
/// once a token that is not punctuation follows).
pub fn sentence_count(text: &str) -> usize {
    let mut sentences = 0usize;
    let mut seen_end_mark = false;
    tokenize(text, &mut |token| {
        let is_end_mark = is_sentence_end_mark(token.text);
        if sentences == 0 {
            sentences = 1;
            seen_end_mark = is_end_mark;
        } else if seen_end_mark && !is_end_mark && !is_punctuation_token(token.text) {
            sentences += 1;
            seen_end_mark = false;
        } else if is_end_mark {
            seen_end_mark = true;
        }
    });
    sentences
}

/// Python's `str.isspace`, which spaCy splits on: Unicode white space and the
/// four ASCII separator controls.
pub fn is_python_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1C}'..='\u{1F}').contains(&c)
}

/// Every token of `text` in order, whitespace tokens included.
pub fn tokenize<'t>(text: &'t str, emit: &mut dyn FnMut(Token<'t>)) {
    let mut chunk_start: Option<usize> = None;
    let mut space_start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        if is_python_space(c) {
            if let Some(start) = chunk_start.take() {
                tokenize_chunk(&text[start..i], emit);
                // One space after a word belongs to that word.
                space_start = Some(if c == ' ' { i + 1 } else { i });
            } else if space_start.is_none() {
                space_start = Some(i);
            }
        } else {
            if let Some(start) = space_start.take() {
                if start < i {
                    emit(Token {
                        text: &text[start..i],
                        is_space: true,
                    });
                }
            }
            chunk_start.get_or_insert(i);
        }
    }
    if let Some(start) = chunk_start {
        tokenize_chunk(&text[start..], emit);
    } else if let Some(start) = space_start {
        if start < text.len() {
            emit(Token {
                text: &text[start..],
                is_space: true,
            });
        }
    }
}

fn word(text: &str) -> Token<'_> {
    Token {
        text,
        is_space: false,
    }
}

/// One run of non-space text: spaCy's affix and infix split, then its
/// special-case pass, which re-merges an exception the split cut apart
/// (`Hudson, Mass.,` gives `Mass` `.` `,` first, then `Mass.` `,`).
fn tokenize_chunk<'t>(chunk: &'t str, emit: &mut dyn FnMut(Token<'t>)) {
    let mut pieces: Vec<&'t str> = Vec::new();
    split_chunk(chunk, &mut |token| pieces.push(token.text));
    let offset = |piece: &str| piece.as_ptr() as usize - chunk.as_ptr() as usize;
    let mut i = 0;
    while i < pieces.len() {
        let start = offset(pieces[i]);
        // Exceptions are short: a few pieces at most.
        let merged = (i + 1..pieces.len().min(i + 6)).rev().find_map(|last| {
            let end = offset(pieces[last]) + pieces[last].len();
            exception(&chunk[start..end]).map(|lengths| (last, end, lengths))
        });
        match merged {
            Some((last, end, lengths)) => {
                let mut at = start;
                for &len in lengths {
                    emit(word(&chunk[at..at + len]));
                    at += len;
                }
                debug_assert_eq!(at, end);
                i = last + 1;
            }
            None => {
                emit(word(pieces[i]));
                i += 1;
            }
        }
    }
}

/// spaCy's `_split_affixes` and `_attach_tokens` on one run of non-space text.
fn split_chunk<'t>(chunk: &'t str, emit: &mut dyn FnMut(Token<'t>)) {
    let mut prefixes: Vec<&'t str> = Vec::new();
    let mut suffixes: Vec<&'t str> = Vec::new();
    let mut rest = chunk;
    let mut last_len = 0;
    while !rest.is_empty() && rest.len() != last_len {
        if exception(rest).is_some() {
            break;
        }
        last_len = rest.len();
        let prefix_len = prefix_len(rest);
        if prefix_len != 0 {
            let without_prefix = &rest[prefix_len..];
            if !without_prefix.is_empty() && exception(without_prefix).is_some() {
                prefixes.push(&rest[..prefix_len]);
                rest = without_prefix;
                break;
            }
        }
        let suffix_len = suffix_len(&rest[prefix_len..]);
        let without_suffix = &rest[..rest.len() - suffix_len];
        if suffix_len != 0 && !without_suffix.is_empty() && exception(without_suffix).is_some() {
            suffixes.push(&rest[rest.len() - suffix_len..]);
            rest = without_suffix;
            break;
        }
        if prefix_len != 0 {
            prefixes.push(&rest[..prefix_len]);
        }
        if suffix_len != 0 {
            suffixes.push(&rest[rest.len() - suffix_len..]);
        }
        rest = &rest[prefix_len..rest.len() - suffix_len];
    }
    for prefix in prefixes {
        emit(word(prefix));
    }
    if !rest.is_empty() {
        if let Some(piece_lengths) = exception(rest) {
            let mut start = 0;
            for &len in piece_lengths {
                emit(word(&rest[start..start + len]));
                start += len;
            }
        } else if is_url(rest) {
            emit(word(rest));
        } else {
            split_infixes(rest, emit);
        }
    }
    for suffix in suffixes.into_iter().rev() {
        emit(word(suffix));
    }
}

/// Byte lengths of the pieces spaCy cuts an exception into, keyed by its text.
fn exceptions() -> &'static HashMap<&'static str, Vec<usize>> {
    static TABLE: OnceLock<HashMap<&'static str, Vec<usize>>> = OnceLock::new();
    TABLE.get_or_init(|| {
        include_str!("datatrove_exceptions.tsv")
            .lines()
            .filter_map(|line| {
                let (key, pieces) = line.split_once('\t')?;
                Some((key, pieces.split(' ').map(str::len).collect()))
            })
            .collect()
    })
}

fn exception(text: &str) -> Option<&'static [usize]> {
    exceptions().get(text).map(Vec::as_slice)
}

fn is_url(text: &str) -> bool {
    let lower = text.get(..8).unwrap_or(text).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("www.")
}

/// spaCy's `LIST_PUNCT` as single characters (its `……` is shadowed by `…`).
const PUNCT_CHARS: &str = "…,:;!?¿؟¡()[]{}<>_#*&。？！，、；：～·।،۔؛٪";
/// spaCy's `LIST_QUOTES`.
const QUOTE_CHARS: &str = "'\"”“`‘´’‚,„»«「」『』（）〔〕【】《》〈〉〈〉⟦⟧";
/// spaCy's single-character currency symbols.
const CURRENCY_CHARS: &str = "$£€¥฿₽﷼₴₠₡₢₣₤₥₦₧₨₩₪₫₭₮₯₰₱₲₳₵₶₷₸₹₺₻₼₾₿";
/// spaCy's multi-character currency symbols.
const CURRENCY_WORDS: [&str; 3] = ["US$", "C$", "A$"];
/// spaCy's `UNITS` that English text meets after a number (`5km`, `10%`).
const UNITS: &[&str] = &[
    "km", "km²", "km³", "m", "m²", "m³", "dm", "dm²", "dm³", "cm", "cm²", "cm³", "mm", "mm²",
    "mm³", "ha", "µm", "nm", "yd", "in", "ft", "kg", "g", "mg", "µg", "t", "lb", "oz", "m/s",
    "km/h", "kmh", "mph", "hPa", "Pa", "mbar", "mb", "MB", "kb", "KB", "gb", "GB", "tb", "TB", "T",
    "G", "M", "K", "%", "км", "км²", "км³", "м", "м²", "м³", "дм", "дм²", "дм³", "см", "см²",
    "см³", "мм", "мм²", "мм³", "нм", "кг", "г", "мг", "м/с", "км/ч", "кПа", "Па", "мбар", "Кб",
    "КБ", "кб", "Мб", "МБ", "мб", "Гб", "ГБ", "гб", "Тб", "ТБ", "тб",
];
/// spaCy's `HYPHENS`, in the order its infix pattern tries them.
const HYPHENS: [&str; 7] = ["-", "–", "—", "--", "---", "——", "~"];

/// spaCy's `_other_symbols` (dingbats, emoji and other `So` characters).
const ICON_RANGES: &[(char, char)] = &[
    ('\u{00A6}', '\u{00A6}'),
    ('\u{00A9}', '\u{00A9}'),
    ('\u{00AE}', '\u{00AE}'),
    ('\u{00B0}', '\u{00B0}'),
    ('\u{0482}', '\u{0482}'),
    ('\u{058D}', '\u{058E}'),
    ('\u{060E}', '\u{060F}'),
    ('\u{06DE}', '\u{06DE}'),
    ('\u{06E9}', '\u{06E9}'),
    ('\u{06FD}', '\u{06FE}'),
    ('\u{07F6}', '\u{07F6}'),
    ('\u{09FA}', '\u{09FA}'),
    ('\u{0B70}', '\u{0B70}'),
    ('\u{0BF3}', '\u{0BF8}'),
    ('\u{0BFA}', '\u{0BFA}'),
    ('\u{0C7F}', '\u{0C7F}'),
    ('\u{0D4F}', '\u{0D4F}'),
    ('\u{0D79}', '\u{0D79}'),
    ('\u{0F01}', '\u{0F03}'),
    ('\u{0F13}', '\u{0F13}'),
    ('\u{0F15}', '\u{0F17}'),
    ('\u{0F1A}', '\u{0F1F}'),
    ('\u{0F34}', '\u{0F34}'),
    ('\u{0F36}', '\u{0F36}'),
    ('\u{0F38}', '\u{0F38}'),
    ('\u{0FBE}', '\u{0FC5}'),
    ('\u{0FC7}', '\u{0FCC}'),
    ('\u{0FCE}', '\u{0FCF}'),
    ('\u{0FD5}', '\u{0FD8}'),
    ('\u{109E}', '\u{109F}'),
    ('\u{1390}', '\u{1399}'),
    ('\u{1940}', '\u{1940}'),
    ('\u{19DE}', '\u{19FF}'),
    ('\u{1B61}', '\u{1B6A}'),
    ('\u{1B74}', '\u{1B7C}'),
    ('\u{2100}', '\u{2101}'),
    ('\u{2103}', '\u{2106}'),
    ('\u{2108}', '\u{2109}'),
    ('\u{2114}', '\u{2114}'),
    ('\u{2116}', '\u{2117}'),
    ('\u{211E}', '\u{2123}'),
    ('\u{2125}', '\u{2125}'),
    ('\u{2127}', '\u{2127}'),
    ('\u{2129}', '\u{2129}'),
    ('\u{212E}', '\u{212E}'),
    ('\u{213A}', '\u{213B}'),
    ('\u{214A}', '\u{214A}'),
    ('\u{214C}', '\u{214D}'),
    ('\u{214F}', '\u{214F}'),
    ('\u{218A}', '\u{218B}'),
    ('\u{2195}', '\u{2199}'),
    ('\u{219C}', '\u{219F}'),
    ('\u{21A1}', '\u{21A2}'),
    ('\u{21A4}', '\u{21A5}'),
    ('\u{21A7}', '\u{21AD}'),
    ('\u{21AF}', '\u{21CD}'),
    ('\u{21D0}', '\u{21D1}'),
    ('\u{21D3}', '\u{21D3}'),
    ('\u{21D5}', '\u{21F3}'),
    ('\u{2300}', '\u{2307}'),
    ('\u{230C}', '\u{231F}'),
    ('\u{2322}', '\u{2328}'),
    ('\u{232B}', '\u{237B}'),
    ('\u{237D}', '\u{239A}'),
    ('\u{23B4}', '\u{23DB}'),
    ('\u{23E2}', '\u{2426}'),
    ('\u{2440}', '\u{244A}'),
    ('\u{249C}', '\u{24E9}'),
    ('\u{2500}', '\u{25B6}'),
    ('\u{25B8}', '\u{25C0}'),
    ('\u{25C2}', '\u{25F7}'),
    ('\u{2600}', '\u{266E}'),
    ('\u{2670}', '\u{2767}'),
    ('\u{2794}', '\u{27BF}'),
    ('\u{2800}', '\u{28FF}'),
    ('\u{2B00}', '\u{2B2F}'),
    ('\u{2B45}', '\u{2B46}'),
    ('\u{2B4D}', '\u{2B73}'),
    ('\u{2B76}', '\u{2B95}'),
    ('\u{2B98}', '\u{2BC8}'),
    ('\u{2BCA}', '\u{2BFE}'),
    ('\u{2CE5}', '\u{2CEA}'),
    ('\u{2E80}', '\u{2E99}'),
    ('\u{2E9B}', '\u{2EF3}'),
    ('\u{2F00}', '\u{2FD5}'),
    ('\u{2FF0}', '\u{2FFB}'),
    ('\u{3004}', '\u{3004}'),
    ('\u{3012}', '\u{3013}'),
    ('\u{3020}', '\u{3020}'),
    ('\u{3036}', '\u{3037}'),
    ('\u{303E}', '\u{303F}'),
    ('\u{3190}', '\u{3191}'),
    ('\u{3196}', '\u{319F}'),
    ('\u{31C0}', '\u{31E3}'),
    ('\u{3200}', '\u{321E}'),
    ('\u{322A}', '\u{3247}'),
    ('\u{3250}', '\u{3250}'),
    ('\u{3260}', '\u{327F}'),
    ('\u{328A}', '\u{32B0}'),
    ('\u{32C0}', '\u{32FE}'),
    ('\u{3300}', '\u{33FF}'),
    ('\u{4DC0}', '\u{4DFF}'),
    ('\u{A490}', '\u{A4C6}'),
    ('\u{A828}', '\u{A82B}'),
    ('\u{A836}', '\u{A837}'),
    ('\u{A839}', '\u{A839}'),
    ('\u{AA77}', '\u{AA79}'),
    ('\u{FDFD}', '\u{FDFD}'),
    ('\u{FFE4}', '\u{FFE4}'),
    ('\u{FFE8}', '\u{FFE8}'),
    ('\u{FFED}', '\u{FFEE}'),
    ('\u{FFFC}', '\u{FFFD}'),
    ('\u{10137}', '\u{1013F}'),
    ('\u{10179}', '\u{10189}'),
    ('\u{1018C}', '\u{1018E}'),
    ('\u{10190}', '\u{1019B}'),
    ('\u{101A0}', '\u{101A0}'),
    ('\u{101D0}', '\u{101FC}'),
    ('\u{10877}', '\u{10878}'),
    ('\u{10AC8}', '\u{10AC8}'),
    ('\u{1173F}', '\u{1173F}'),
    ('\u{16B3C}', '\u{16B3F}'),
    ('\u{16B45}', '\u{16B45}'),
    ('\u{1BC9C}', '\u{1BC9C}'),
    ('\u{1D000}', '\u{1D0F5}'),
    ('\u{1D100}', '\u{1D126}'),
    ('\u{1D129}', '\u{1D164}'),
    ('\u{1D16A}', '\u{1D16C}'),
    ('\u{1D183}', '\u{1D184}'),
    ('\u{1D18C}', '\u{1D1A9}'),
    ('\u{1D1AE}', '\u{1D1E8}'),
    ('\u{1D200}', '\u{1D241}'),
    ('\u{1D245}', '\u{1D245}'),
    ('\u{1D300}', '\u{1D356}'),
    ('\u{1D800}', '\u{1D9FF}'),
    ('\u{1DA37}', '\u{1DA3A}'),
    ('\u{1DA6D}', '\u{1DA74}'),
    ('\u{1DA76}', '\u{1DA83}'),
    ('\u{1DA85}', '\u{1DA86}'),
    ('\u{1ECAC}', '\u{1ECAC}'),
    ('\u{1F000}', '\u{1F02B}'),
    ('\u{1F030}', '\u{1F093}'),
    ('\u{1F0A0}', '\u{1F0AE}'),
    ('\u{1F0B1}', '\u{1F0BF}'),
    ('\u{1F0C1}', '\u{1F0CF}'),
    ('\u{1F0D1}', '\u{1F0F5}'),
    ('\u{1F110}', '\u{1F16B}'),
    ('\u{1F170}', '\u{1F1AC}'),
    ('\u{1F1E6}', '\u{1F202}'),
    ('\u{1F210}', '\u{1F23B}'),
    ('\u{1F240}', '\u{1F248}'),
    ('\u{1F250}', '\u{1F251}'),
    ('\u{1F260}', '\u{1F265}'),
    ('\u{1F300}', '\u{1F3FA}'),
    ('\u{1F400}', '\u{1F6D4}'),
    ('\u{1F6E0}', '\u{1F6EC}'),
    ('\u{1F6F0}', '\u{1F6F9}'),
    ('\u{1F700}', '\u{1F773}'),
    ('\u{1F780}', '\u{1F7D8}'),
    ('\u{1F800}', '\u{1F80B}'),
    ('\u{1F810}', '\u{1F847}'),
    ('\u{1F850}', '\u{1F859}'),
    ('\u{1F860}', '\u{1F887}'),
    ('\u{1F890}', '\u{1F8AD}'),
    ('\u{1F900}', '\u{1F90B}'),
    ('\u{1F910}', '\u{1F93E}'),
    ('\u{1F940}', '\u{1F970}'),
    ('\u{1F973}', '\u{1F976}'),
    ('\u{1F97A}', '\u{1F97A}'),
    ('\u{1F97C}', '\u{1F9A2}'),
    ('\u{1F9B0}', '\u{1F9B9}'),
    ('\u{1F9C0}', '\u{1F9C2}'),
    ('\u{1F9D0}', '\u{1F9FF}'),
    ('\u{1FA60}', '\u{1FA6D}'),
];

fn is_icon(c: char) -> bool {
    ICON_RANGES
        .binary_search_by(|&(low, high)| {
            if high < c {
                std::cmp::Ordering::Less
            } else if low > c {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

fn is_quote(c: char) -> bool {
    QUOTE_CHARS.contains(c)
}

/// Length in bytes of the prefix spaCy's English prefix pattern cuts off.
fn prefix_len(text: &str) -> usize {
    let mut chars = text.chars();
    let Some(first) = chars.next() else {
        return 0;
    };
    if text.starts_with("..") {
        return text.len() - text.trim_start_matches('.').len();
    }
    if let Some(currency) = CURRENCY_WORDS.iter().find(|w| text.starts_with(*w)) {
        return currency.len();
    }
    let single = match first {
        '+' => !chars.next().is_some_and(|c| c.is_ascii_digit()),
        '§' | '%' | '=' | '—' | '–' => true,
        c => PUNCT_CHARS.contains(c) || is_quote(c) || CURRENCY_CHARS.contains(c) || is_icon(c),
    };
    if single {
        first.len_utf8()
    } else {
        0
    }
}

/// Characters after which spaCy's suffix pattern cuts off a period:
/// `[0-9{al}{e}{p}(?:{q})]`, lower-case letters, digits, `%²-+`, punctuation
/// and quotes (and, through how the pattern is written, `|`).
fn period_may_follow(c: char) -> bool {
    c.is_ascii_digit()
        || c.is_lowercase()
        || "%²-+|".contains(c)
        || PUNCT_CHARS.contains(c)
        || is_quote(c)
}

/// Whether `tail` (the end of `text` from byte `at`) is one of the suffixes
/// spaCy's English suffix pattern matches there.
fn suffix_matches(text: &str, at: usize) -> bool {
    let tail = &text[at..];
    let before: Vec<char> = text[..at].chars().rev().take(2).collect();
    let after_digit = before.first().is_some_and(char::is_ascii_digit);
    let mut tail_chars = tail.chars();
    let single = match (tail_chars.next(), tail_chars.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    };
    if let Some(c) = single {
        if PUNCT_CHARS.contains(c) || is_quote(c) || is_icon(c) || c == '—' || c == '–' {
            return true;
        }
        if c == '+' && after_digit {
            return true;
        }
        if c == '.' {
            let after_degree =
                before.len() == 2 && before[1] == '°' && "FfCcKk".contains(before[0]);
            let after_two_capitals = before.len() == 2 && before.iter().all(|c| c.is_uppercase());
            return after_degree
                || after_two_capitals
                || before.first().is_some_and(|&c| period_may_follow(c));
        }
    }
    if tail == "……" || ["'s", "'S", "’s", "’S"].contains(&tail) {
        return true;
    }
    after_digit
        && (UNITS.contains(&tail)
            || CURRENCY_WORDS.contains(&tail)
            || single.is_some_and(|c| CURRENCY_CHARS.contains(c)))
}

/// Length in bytes of the suffix spaCy's English suffix pattern cuts off: the
/// leftmost position where one of its alternatives reaches the end.
fn suffix_len(text: &str) -> usize {
    let dots = text.len() - text.trim_end_matches('.').len();
    if dots >= 2 {
        return dots;
    }
    // No alternative but the run of periods is longer than four characters.
    let starts: Vec<usize> = text.char_indices().rev().take(4).map(|(i, _)| i).collect();
    starts
        .into_iter()
        .rev()
        .find(|&at| suffix_matches(text, at))
        .map_or(0, |at| text.len() - at)
}

/// The infix spaCy's English infix pattern finds at byte `at`, as its length.
fn infix_at(text: &str, at: usize) -> Option<usize> {
    let rest = &text[at..];
    let c = rest.chars().next()?;
    let before = text[..at].chars().next_back();
    let next = rest[c.len_utf8()..].chars().next();
    if rest.starts_with("..") {
        return Some(rest.len() - rest.trim_start_matches('.').len());
    }
    if c == '…' || is_icon(c) {
        return Some(c.len_utf8());
    }
    let letter = |c: Option<char>| c.is_some_and(char::is_alphabetic);
    let between_digits = before.is_some_and(|b| b.is_ascii_digit())
        && "+-*^".contains(c)
        && next.is_some_and(|n| n.is_ascii_digit() || n == '-');
    let sentence_period = c == '.'
        && before.is_some_and(|b| b.is_lowercase() || is_quote(b))
        && next.is_some_and(|n| n.is_uppercase() || is_quote(n));
    let comma = c == ',' && letter(before) && letter(next);
    if between_digits || sentence_period || comma {
        return Some(c.len_utf8());
    }
    let after_word = letter(before) || before.is_some_and(|b| b.is_ascii_digit());
    if !after_word {
        return None;
    }
    for hyphen in HYPHENS {
        if let Some(after) = rest.strip_prefix(hyphen) {
            if letter(after.chars().next()) {
                return Some(hyphen.len());
            }
        }
    }
    (":<>=/".contains(c) && letter(next)).then_some(1)
}

/// spaCy's infix split: pieces between the infixes, and the infixes, except
/// that an infix at the very start stays with the text after it.
fn split_infixes<'t>(text: &'t str, emit: &mut dyn FnMut(Token<'t>)) {
    let mut start = 0;
    let mut at = 0;
    while at < text.len() {
        let Some(len) = infix_at(text, at) else {
            at += text[at..].chars().next().map_or(1, char::len_utf8);
            continue;
        };
        if at != 0 {
            if at != start {
                emit(word(&text[start..at]));
            }
            emit(word(&text[at..at + len]));
            start = at + len;
        }
        at += len;
    }
    if start < text.len() {
        emit(word(&text[start..]));
    }
}

/// The sentencizer's end marks (spaCy's `Sentencizer.default_punct_chars`, the
/// ones news text meets).
fn is_sentence_end_mark(token: &str) -> bool {
    let mut chars = token.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => "!.?։؟۔܀܁܂߹।॥၊။።፧፨᙮᜵᜶᠃᠉᥄᥅‼‽⁇⁈⁉⸮⸼﹒﹖﹗！．？｡。".contains(c),
        _ => false,
    }
}

/// spaCy's `is_punct`: every character is Unicode punctuation (category P).
fn is_punctuation_token(token: &str) -> bool {
    !token.is_empty() && token.chars().all(is_unicode_punctuation)
}

fn is_unicode_punctuation(c: char) -> bool {
    if c.is_ascii() {
        // ASCII punctuation less the symbols (categories Sc, Sk, Sm).
        return c.is_ascii_punctuation() && !"$+<=>^`|~".contains(c);
    }
    matches!(c,
        '¡' | '§' | '«' | '¶' | '·' | '»' | '¿' | '\u{2010}'..='\u{2027}' | '\u{2030}'..='\u{2043}'
        | '\u{2045}'..='\u{2051}' | '\u{2053}'..='\u{205E}' | '\u{2E00}'..='\u{2E4F}'
        | '\u{3001}'..='\u{3003}' | '\u{3008}'..='\u{3011}' | '\u{3014}'..='\u{301F}'
        | '\u{FF01}'..='\u{FF03}' | '\u{FF05}'..='\u{FF0A}' | '\u{FF0C}'..='\u{FF0F}'
        | '\u{FF1A}' | '\u{FF1B}' | '\u{FF1F}' | '\u{FF20}' | '\u{FF3B}'..='\u{FF3D}' | '\u{FF3F}'
        | '\u{FF5B}' | '\u{FF5D}' | '\u{FF5F}'..='\u{FF65}' | '؟' | '،' | '۔' | '؛' | '٪' | '।' | '॥')
        && c != '\u{2044}'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn punctuation_marks_are_words() {
        assert_eq!(
            words("\"Shares rose,\" she said (sharply)."),
            ["\"", "Shares", "rose", ",", "\"", "she", "said", "(", "sharply", ")", "."]
        );
    }

    #[test]
    fn contractions_and_possessives_split() {
        assert_eq!(words("We don't know."), ["We", "do", "n't", "know", "."]);
        assert_eq!(words("The board's view"), ["The", "board", "'s", "view"]);
        assert_eq!(words("They can't"), ["They", "ca", "n't"]);
    }

    #[test]
    fn abbreviations_in_the_exception_list_keep_their_period() {
        assert_eq!(
            words("Acme Corp. and Widget Inc. agreed"),
            ["Acme", "Corp.", "and", "Widget", "Inc.", "agreed"]
        );
        assert_eq!(words("(U.S.)"), ["(", "U.S.", ")"]);
        // Not in the list: the period goes.
        assert_eq!(words("six oz."), ["six", "oz", "."]);
    }

    #[test]
    fn numbers_units_and_currency() {
        assert_eq!(
            words("$5.2 mln, up 3.5%"),
            ["$", "5.2", "mln", ",", "up", "3.5", "%"]
        );
        assert_eq!(
            words("1,000 5km 10-year"),
            ["1,000", "5", "km", "10", "-", "year"]
        );
        assert_eq!(words("1987."), ["1987", "."]);
    }

    #[test]
    fn infixes_split_hyphens_and_slashes_between_letters() {
        assert_eq!(words("well-known"), ["well", "-", "known"]);
        assert_eq!(words("km/h"), ["km", "/", "h"]);
        assert_eq!(words("mid-1980s"), ["mid-1980s"]);
        assert_eq!(words("U.S.-based"), ["U.S.-based"]);
        assert_eq!(words("end...start"), ["end", "...", "start"]);
        assert_eq!(words("wait..."), ["wait", "..."]);
    }

    #[test]
    fn urls_stay_whole_and_whitespace_is_not_a_word() {
        assert_eq!(
            words("see http://example.com/a/b now"),
            ["see", "http://example.com/a/b", "now"]
        );
        assert_eq!(words("  one\n\ntwo\t "), ["one", "two"]);
        assert!(words("").is_empty());
        assert!(words(" \n ").is_empty());
    }

    #[test]
    fn sentences_end_after_a_mark_once_a_word_follows() {
        assert_eq!(sentence_count("One. Two! Three?"), 3);
        assert_eq!(sentence_count("He said \"no.\" Then left."), 2);
        assert_eq!(sentence_count("Acme Inc. rose."), 1);
        assert_eq!(sentence_count("no mark at all"), 1);
        assert_eq!(sentence_count(""), 0);
    }

    #[test]
    fn an_exception_cut_by_an_infix_is_merged_again() {
        assert_eq!(
            words("Salem, Ore.,-based"),
            ["Salem", ",", "Ore.", ",-based"]
        );
        assert_eq!(sentence_count("Senator Smith (D-Ill.) said no."), 1);
    }

    #[test]
    fn odd_input_does_not_panic() {
        for text in [
            "...",
            "'",
            "\u{1F600}\u{1F600}",
            "a\u{301}.",
            "$",
            "+",
            "--",
            "é-",
            "—a—",
            "°F.",
        ] {
            let joined: String = words(text).concat();
            assert_eq!(joined, text.replace(char::is_whitespace, ""));
        }
    }
}
