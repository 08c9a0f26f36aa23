//! Page furniture judged block by block: a logistic model over shallow
//! features of each line of text and of the lines around it, for the
//! navigation entries, share prompts, timestamps, bylines, captions and
//! related headlines that no fixed pattern lists.
//!
//! Two stages, as in jusText's context pass: the first judges a line on its
//! own (length, stop words, sentence shape, title case, figures, dates and
//! times, separators, web prompts, whether a furniture pattern matched); the
//! second adds the first stage's probabilities of the two lines before and
//! after, so a short line between navigation entries is navigation too and a
//! short line between paragraphs of prose is most likely a subheading. The
//! weights are data (`data/quality/furniture_weights.tsv`, fitted by
//! `scripts/fit_furniture.py`).

use super::doc::{Analysis, AUXILIARY, CLOSED, FINITE_VERB, MODAL};
use super::{flag, Category, Flag};
use copydesk_common::{Error, Result};
use copydesk_text::HashKeyed;
use std::path::Path;

const WEIGHTS: &str = include_str!("../../../data/quality/furniture_weights.tsv");

/// Features of one line on its own, in the order of the weight vectors.
/// Names are those of `data/quality/furniture_weights.tsv`.
pub const OWN_FEATURES: &[&str] = &[
    "bias",
    "log_words",
    "log_chars",
    "few_words",
    "stopword_share",
    "capital_start",
    "terminal_punct",
    "has_verb",
    "title_share",
    "caps_share",
    "digit_share",
    "date",
    "time",
    "symbol_share",
    "prompt_share",
    "ellipsis_end",
    "colon_end",
    "pattern_any",
    "pattern_cover",
    "first_line",
    "last_line",
    "before_prose",
    "after_prose",
    "prev_prose",
    "next_prose",
    "log_prose_distance",
    "topic_share",
    "no_topic_words",
];

/// Features the second stage adds: the first stage's probabilities of the
/// neighbouring lines (0 where there is none) and whether there is none.
pub const CONTEXT_FEATURES: &[&str] = &[
    "prev_p", "next_p", "prev2_p", "next2_p", "no_prev", "no_next",
];

const N_OWN: usize = 28;
/// Second-stage vector: own features, those of the line before and of the
/// line after (all 0 where there is none), then [`CONTEXT_FEATURES`].
const N_ALL: usize = 3 * N_OWN + 6;

/// Weights of the two stages and the flagging threshold.
#[derive(Debug, Clone, PartialEq)]
pub struct FurnitureWeights {
    /// First stage: one weight per [`OWN_FEATURES`] entry.
    pub own: Vec<f64>,
    /// Second stage: one weight per [`OWN_FEATURES`] then [`CONTEXT_FEATURES`] entry.
    pub context: Vec<f64>,
    /// A line whose second-stage probability reaches this is flagged.
    pub threshold: f64,
}

/// Position of a feature in the second-stage vector: `NAME`, `prev:NAME`
/// and `next:NAME` for the own features of the line and its neighbours, or
/// a [`CONTEXT_FEATURES`] name.
fn feature_index(name: &str) -> Option<usize> {
    let own = |n: &str| OWN_FEATURES.iter().position(|&f| f == n);
    if let Some(n) = name.strip_prefix("prev:") {
        own(n).map(|i| N_OWN + i)
    } else if let Some(n) = name.strip_prefix("next:") {
        own(n).map(|i| 2 * N_OWN + i)
    } else if let Some(i) = own(name) {
        Some(i)
    } else {
        CONTEXT_FEATURES
            .iter()
            .position(|&f| f == name)
            .map(|i| 3 * N_OWN + i)
    }
}

/// The name of second-stage feature `index`, as the weights file writes it.
pub fn feature_name(index: usize) -> String {
    match index / N_OWN {
        0 => OWN_FEATURES[index].to_owned(),
        1 => format!("prev:{}", OWN_FEATURES[index - N_OWN]),
        2 => format!("next:{}", OWN_FEATURES[index - 2 * N_OWN]),
        _ => CONTEXT_FEATURES[index - 3 * N_OWN].to_owned(),
    }
}

impl FurnitureWeights {
    /// The weights shipped in `data/quality/furniture_weights.tsv`.
    pub fn builtin() -> FurnitureWeights {
        // The embedded file is part of the build and covered by tests.
        FurnitureWeights::parse(Path::new("builtin:furniture_weights.tsv"), WEIGHTS)
            .expect("built-in furniture weights parse")
    }

    /// Read a weights file (`NAME<TAB>FIRST STAGE<TAB>SECOND STAGE` lines,
    /// `threshold<TAB>VALUE`, `#` comments); every feature must be given.
    pub fn parse(path: &Path, text: &str) -> Result<FurnitureWeights> {
        let mut weights = FurnitureWeights {
            own: vec![f64::NAN; N_OWN],
            context: vec![f64::NAN; N_ALL],
            threshold: f64::NAN,
        };
        for (line, content) in text.lines().enumerate() {
            let content = content.trim();
            if content.is_empty() || content.starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = content.split('\t').map(str::trim).collect();
            weights.set(path, line as u64 + 1, &fields)?;
        }
        let missing = (0..N_ALL)
            .find(|&i| weights.context[i].is_nan() || (i < N_OWN && weights.own[i].is_nan()));
        if let Some(i) = missing {
            return Err(Error::DataFile {
                path: path.to_path_buf(),
                line: 0,
                message: format!("no weight for feature {:?}", feature_name(i)),
            });
        }
        if weights.threshold.is_nan() {
            return Err(Error::DataFile {
                path: path.to_path_buf(),
                line: 0,
                message: "no threshold".into(),
            });
        }
        Ok(weights)
    }

    /// Set one entry from its fields: `[NAME, FIRST, SECOND]` (a context
    /// feature's first-stage weight must be 0) or `["threshold", VALUE]`.
    pub fn set(&mut self, path: &Path, line: u64, fields: &[&str]) -> Result<()> {
        let error = |message: String| Error::DataFile {
            path: path.to_path_buf(),
            line,
            message,
        };
        let number = |s: &str| {
            s.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| error(format!("not a number: {s:?}")))
        };
        match fields {
            ["threshold", value] => {
                let value = number(value)?;
                if !(0.0..=1.0).contains(&value) {
                    return Err(error(format!("threshold {value} is not in [0, 1]")));
                }
                self.threshold = value;
            }
            [name, first, second] => {
                let index = feature_index(name)
                    .ok_or_else(|| error(format!("unknown furniture feature {name:?}")))?;
                let (first, second) = (number(first)?, number(second)?);
                if index < N_OWN {
                    self.own[index] = first;
                } else if first != 0.0 {
                    return Err(error(format!(
                        "{name} is a context feature: its first-stage weight must be 0"
                    )));
                }
                self.context[index] = second;
            }
            _ => {
                return Err(error(
                    "expected NAME<TAB>FIRST STAGE<TAB>SECOND STAGE or threshold<TAB>VALUE".into(),
                ))
            }
        }
        Ok(())
    }
}

/// One line of the text and its features.
#[derive(Debug, Clone)]
pub struct Block {
    /// Byte span of the line, surrounding spaces excluded.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// The features of [`OWN_FEATURES`].
    pub own: [f64; N_OWN],
    /// A date, a time or a byline opening: the line says when or who.
    pub metadata_shape: bool,
    /// A table row of figures ("Shr 41 cts vs 33 cts"): never judged.
    pub figures_row: bool,
    /// The line's tokens.
    tokens: std::ops::Range<usize>,
}

fn is_month(word: &str) -> bool {
    matches!(
        word,
        "january"
            | "february"
            | "march"
            | "april"
            | "june"
            | "july"
            | "august"
            | "september"
            | "october"
            | "november"
            | "december"
            | "jan"
            | "feb"
            | "mar"
            | "apr"
            | "jun"
            | "jul"
            | "aug"
            | "sep"
            | "sept"
            | "oct"
            | "nov"
            | "dec"
    )
}

fn is_weekday(word: &str) -> bool {
    matches!(
        word,
        "monday"
            | "tuesday"
            | "wednesday"
            | "thursday"
            | "friday"
            | "saturday"
            | "sunday"
            | "mon"
            | "tue"
            | "tues"
            | "wed"
            | "thu"
            | "thur"
            | "thurs"
            | "fri"
            | "sat"
    )
}

fn is_clock_word(word: &str) -> bool {
    matches!(
        word,
        "am" | "pm"
            | "gmt"
            | "utc"
            | "bst"
            | "cet"
            | "cest"
            | "est"
            | "edt"
            | "et"
            | "pt"
            | "pst"
            | "pdt"
            | "ist"
            | "aest"
    )
}

/// Words of site chrome: what a page asks its reader to do, and where it
/// sends them.
fn is_prompt(word: &str) -> bool {
    matches!(
        word,
        "share"
            | "print"
            | "email"
            | "mail"
            | "subscribe"
            | "subscriber"
            | "subscribers"
            | "subscription"
            | "newsletter"
            | "newsletters"
            | "sign"
            | "login"
            | "log"
            | "register"
            | "click"
            | "tap"
            | "follow"
            | "comments"
            | "comment"
            | "facebook"
            | "twitter"
            | "linkedin"
            | "whatsapp"
            | "pinterest"
            | "reddit"
            | "instagram"
            | "youtube"
            | "rss"
            | "menu"
            | "search"
            | "home"
            | "advertisement"
            | "advertise"
            | "advertising"
            | "sponsored"
            | "cookie"
            | "cookies"
            | "privacy"
            | "terms"
            | "contact"
            | "related"
            | "trending"
            | "popular"
            | "topics"
            | "download"
            | "app"
            | "enlarge"
            | "gallery"
            | "photos"
            | "video"
            | "videos"
            | "copyright"
            | "reserved"
            | "rights"
            | "reply"
            | "bookmark"
            | "feedback"
            | "faq"
            | "careers"
            | "podcast"
            | "podcasts"
            | "watch"
            | "listen"
            | "loading"
    )
}

fn is_separator(c: char) -> bool {
    matches!(
        c,
        '|' | '›' | '»' | '«' | '©' | '•' | '·' | '→' | '>' | '/' | '@' | '#' | '®' | '™' | '▶'
    )
}

/// Split `analysis.text` into lines and compute each line's own features.
/// `furniture` holds the furniture-pattern flags already found (their spans
/// feed `pattern_any` and `pattern_cover`).
pub fn blocks(analysis: &Analysis<'_>, furniture: &[Flag]) -> Vec<Block> {
    let text = analysis.text;
    let toks = &analysis.tokens.tokens;
    let mut out = Vec::new();
    let mut t = 0usize; // first token not before the current line
    let mut f = 0usize; // first pattern flag not ending before the current line
    let mut offset = 0usize;
    for raw in text.split_inclusive('\n') {
        let line_start = offset;
        offset += raw.len();
        let trimmed_start = raw.len() - raw.trim_start().len();
        let start = line_start + trimmed_start;
        let end = line_start + raw.trim_end().len();
        if start >= end {
            continue;
        }
        while t < toks.len() && (toks[t].start as usize) < start {
            t += 1;
        }
        let first = t;
        while t < toks.len() && (toks[t].end as usize) <= end {
            t += 1;
        }
        let words = t - first;
        if words == 0 {
            continue;
        }
        while f < furniture.len() && furniture[f].end <= start {
            f += 1;
        }
        let mut covered = 0usize;
        let mut any = false;
        for p in furniture[f..].iter().take_while(|p| p.start < end) {
            let overlap = p.end.min(end).saturating_sub(p.start.max(start));
            if overlap > 0 {
                any = true;
                covered += overlap;
            }
        }
        let line = &text[start..end];
        out.push(features(
            analysis,
            (start, end),
            line,
            first..t,
            covered.min(end - start),
            any,
        ));
    }
    structure(&mut out);
    topics(analysis, &mut out);
    out
}

/// A topical word is a lower- or upper-case word outside the closed classes.
fn is_topical(analysis: &Analysis<'_>, i: usize) -> bool {
    analysis.classes[i] & CLOSED == 0 && !analysis.has_digit[i] && analysis.word(i).len() >= 3
}

/// Share of each line's topical words that the document's prose uses
/// elsewhere: a subheading names what the paragraphs are about, a menu entry
/// or another story's headline does not.
fn topics(analysis: &Analysis<'_>, blocks: &mut [Block]) {
    let mut counts: HashKeyed<u32> = HashKeyed::default();
    let toks = &analysis.tokens.tokens;
    for b in blocks.iter().filter(|b| is_prose(&b.own)) {
        for i in b.tokens.clone().filter(|&i| is_topical(analysis, i)) {
            *counts.entry(toks[i].hash).or_default() += 1;
        }
    }
    let mut own: HashKeyed<u32> = HashKeyed::default();
    for b in blocks.iter_mut() {
        let own_prose = is_prose(&b.own);
        own.clear();
        if own_prose {
            // A prose line's own words are in the counts: take them out.
            for i in b.tokens.clone().filter(|&i| is_topical(analysis, i)) {
                *own.entry(toks[i].hash).or_default() += 1;
            }
        }
        let mut topical = 0usize;
        let mut shared = 0usize;
        for i in b.tokens.clone().filter(|&i| is_topical(analysis, i)) {
            topical += 1;
            let count = counts.get(&toks[i].hash).copied().unwrap_or(0);
            if count > own.get(&toks[i].hash).copied().unwrap_or(0) {
                shared += 1;
            }
        }
        b.own[26] = if topical > 0 {
            shared as f64 / topical as f64
        } else {
            0.0
        };
        b.own[27] = f64::from(u8::from(topical == 0));
    }
}

/// A line of running prose: long, with stop words and closing punctuation.
/// Article text is the stretch of the page such lines are in.
fn is_prose(own: &[f64; N_OWN]) -> bool {
    own[1] >= 13f64.ln() && own[4] >= 0.25 && own[6] == 1.0
}

/// Where each line stands relative to the document's prose lines, in two
/// linear passes.
fn structure(blocks: &mut [Block]) {
    let n = blocks.len();
    if n == 0 {
        return;
    }
    blocks[0].own[19] = 1.0;
    blocks[n - 1].own[20] = 1.0;
    let prose: Vec<bool> = blocks.iter().map(|b| is_prose(&b.own)).collect();
    // Distance to the nearest prose line before and after (exclusive).
    let mut before = vec![usize::MAX; n];
    let mut last = None;
    for i in 0..n {
        if let Some(j) = last {
            before[i] = i - j;
        }
        if prose[i] {
            last = Some(i);
        }
    }
    let mut after = vec![usize::MAX; n];
    let mut next = None;
    for i in (0..n).rev() {
        if let Some(j) = next {
            after[i] = j - i;
        }
        if prose[i] {
            next = Some(i);
        }
    }
    for i in 0..n {
        let own = &mut blocks[i].own;
        own[21] = f64::from(u8::from(before[i] == usize::MAX));
        own[22] = f64::from(u8::from(after[i] == usize::MAX));
        own[23] = f64::from(u8::from(before[i] == 1));
        own[24] = f64::from(u8::from(after[i] == 1));
        let distance = before[i].min(after[i]).min(n);
        own[25] = (1.0 + distance as f64).ln();
    }
}

fn features(
    analysis: &Analysis<'_>,
    (start, end): (usize, usize),
    line: &str,
    tokens: std::ops::Range<usize>,
    covered: usize,
    pattern_any: bool,
) -> Block {
    let words = tokens.len();
    let n = words as f64;
    let (chars, symbols) = line.chars().fold((0usize, 0usize), |(n, sep), c| {
        (n + 1, sep + usize::from(is_separator(c)))
    });
    let mut stop = 0usize;
    let mut verb = false;
    let mut capitalized = 0usize;
    let mut alphabetic_after_first = 0usize;
    let mut caps = 0usize;
    let mut digits = 0usize;
    let mut prompts = 0usize;
    let mut date = false;
    let mut time = false;
    let mut last_digit: Option<usize> = None;
    let mut last_month: Option<usize> = None;
    for i in tokens.clone() {
        let class = analysis.classes[i];
        let word = analysis.word(i);
        let original = analysis.original(i);
        if class & CLOSED != 0 {
            stop += 1;
        }
        if class & (FINITE_VERB | AUXILIARY | MODAL) != 0 {
            verb = true;
        }
        let has_digit = analysis.has_digit[i];
        let alphabetic = !has_digit && original.chars().any(char::is_alphabetic);
        let capital = alphabetic && analysis.is_capitalized(i);
        if i > tokens.start && alphabetic {
            alphabetic_after_first += 1;
            if capital {
                capitalized += 1;
            }
            // "-ed" words past the first: "prices jumped", "was arrested".
            if !verb && word.len() >= 5 && word.ends_with("ed") && analysis.is_lower_alpha(i) {
                verb = true;
            }
        }
        if capital && original.len() >= 2 && original.chars().all(|c| !c.is_lowercase()) {
            caps += 1;
        }
        if has_digit {
            digits += 1;
            if last_month.is_some_and(|m| i - m <= 2) {
                date = true;
            }
            last_digit = Some(i);
            let gap = analysis.gap_after(i);
            // "10:02"; "1.80" is a price, not a time.
            if gap == ":"
                && analysis.has_digit.get(i + 1).copied().unwrap_or(false)
                && analysis.original(i).len() <= 2
                && analysis.original(i + 1).len() == 2
                && i + 1 < tokens.end
            {
                time = true;
            }
            if gap == "/"
                && i + 2 < tokens.end
                && analysis.gap_after(i + 1) == "/"
                && analysis.has_digit[i + 1]
                && analysis.has_digit[i + 2]
            {
                date = true;
            }
        } else if is_month(word) {
            if last_digit.is_some_and(|d| i - d <= 2) {
                date = true;
            }
            last_month = Some(i);
        } else if is_weekday(word) && analysis.is_capitalized(i) {
            let gap = analysis.gap_after(i);
            if gap.starts_with(',') || gap.starts_with('.') {
                date = true;
            }
        } else if is_clock_word(word) && last_digit.is_some_and(|d| i - d <= 1) {
            time = true;
        }
        if is_prompt(word) {
            prompts += 1;
        }
    }
    let first_char = line.chars().next().unwrap_or(' ');
    let last_char = line.chars().next_back().unwrap_or(' ');
    let first_word = analysis.word(tokens.start);
    let byline = first_word == "by"
        && analysis.is_capitalized(tokens.start)
        && (3..=12).contains(&words)
        && analysis.is_capitalized(tokens.start + 1);
    let mut own = [0.0; N_OWN];
    own[0] = 1.0;
    own[1] = (1.0 + n).ln();
    own[2] = (1.0 + chars as f64).ln();
    own[3] = f64::from(u8::from(words <= 4));
    own[4] = stop as f64 / n;
    own[5] = f64::from(u8::from(first_char.is_uppercase()));
    own[6] = f64::from(u8::from(
        matches!(last_char, '.' | '!' | '?' | '"' | '”' | '’' | '\'') && !line.ends_with("..."),
    ));
    own[7] = f64::from(u8::from(verb));
    own[8] = if alphabetic_after_first > 0 {
        capitalized as f64 / alphabetic_after_first as f64
    } else {
        own[5]
    };
    own[9] = caps as f64 / n;
    own[10] = digits as f64 / n;
    own[11] = f64::from(u8::from(date));
    own[12] = f64::from(u8::from(time));
    own[13] = (symbols as f64 / n).min(1.0);
    own[14] = prompts as f64 / n;
    own[15] = f64::from(u8::from(line.ends_with("...") || line.ends_with('…')));
    own[16] = f64::from(u8::from(last_char == ':'));
    own[17] = f64::from(u8::from(pattern_any));
    own[18] = covered as f64 / (end - start) as f64;
    let figures_row = digits >= 2 && !date && !time && digits * 4 >= words;
    Block {
        start,
        end,
        own,
        metadata_shape: date || time || byline,
        figures_row,
        tokens,
    }
}

fn logistic(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

fn dot(weights: &[f64], features: &[f64]) -> f64 {
    weights.iter().zip(features).map(|(w, x)| w * x).sum()
}

/// Second-stage feature vectors of every block: its own features, its
/// neighbours', and the first stage's probabilities around it.
pub fn context_vectors(blocks: &[Block], weights: &FurnitureWeights) -> Vec<[f64; N_ALL]> {
    let first: Vec<f64> = blocks
        .iter()
        .map(|b| logistic(dot(&weights.own, &b.own)))
        .collect();
    let at = |i: Option<usize>| i.and_then(|i| first.get(i)).copied();
    (0..blocks.len())
        .map(|i| {
            let mut x = [0.0; N_ALL];
            x[..N_OWN].copy_from_slice(&blocks[i].own);
            if let Some(prev) = i.checked_sub(1) {
                x[N_OWN..2 * N_OWN].copy_from_slice(&blocks[prev].own);
            }
            if let Some(next) = blocks.get(i + 1) {
                x[2 * N_OWN..3 * N_OWN].copy_from_slice(&next.own);
            }
            let c = 3 * N_OWN;
            let prev = at(i.checked_sub(1));
            let next = at(Some(i + 1));
            x[c] = prev.unwrap_or(0.0);
            x[c + 1] = next.unwrap_or(0.0);
            x[c + 2] = at(i.checked_sub(2)).unwrap_or(0.0);
            x[c + 3] = at(Some(i + 2)).unwrap_or(0.0);
            x[c + 4] = f64::from(u8::from(prev.is_none()));
            x[c + 5] = f64::from(u8::from(next.is_none()));
            x
        })
        .collect()
}

/// What a typical line of prose has, for explaining a decision: a feature
/// counts toward "furniture" by how far it is from this value, times its
/// weight.
const PROSE_OWN: [f64; N_OWN] = [
    1.0, 3.3, 4.9, 0.0, 0.45, 1.0, 1.0, 1.0, 0.15, 0.0, 0.03, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
    0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 0.7, 0.5, 0.0,
];
const PROSE_CONTEXT: [f64; 6] = [0.1, 0.1, 0.1, 0.1, 0.0, 0.0];

fn prose_value(index: usize) -> f64 {
    if index < 3 * N_OWN {
        PROSE_OWN[index % N_OWN]
    } else {
        PROSE_CONTEXT[index - 3 * N_OWN]
    }
}

fn describe(index: usize, x: &[f64; N_ALL]) -> String {
    match index / N_OWN {
        1 => return "after a line like it".into(),
        2 => return "before a line like it".into(),
        _ => {}
    }
    match feature_name(index).as_str() {
        "log_words" | "log_chars" | "few_words" => {
            let words = (x[1].exp() - 1.0).round() as usize;
            format!("{words} word{}", if words == 1 { "" } else { "s" })
        }
        "stopword_share" => "few stop words".into(),
        "capital_start" => "no capital at the start".into(),
        "terminal_punct" => "no closing punctuation".into(),
        "has_verb" => "no verb".into(),
        "title_share" => "title case".into(),
        "caps_share" => "capitals".into(),
        "digit_share" => "figures".into(),
        "date" => "a date".into(),
        "time" => "a time of day".into(),
        "symbol_share" => "separators (| › » ©)".into(),
        "prompt_share" => "web prompts (share, print, email, subscribe ...)".into(),
        "ellipsis_end" => "ends in an ellipsis".into(),
        "colon_end" => "ends in a colon".into(),
        "pattern_any" | "pattern_cover" => "a furniture pattern".into(),
        "first_line" => "first line".into(),
        "last_line" => "last line".into(),
        "before_prose" => "above the article's prose".into(),
        "after_prose" => "below the article's prose".into(),
        "prev_prose" => "not after a paragraph of prose".into(),
        "next_prose" => "not before a paragraph of prose".into(),
        "log_prose_distance" => "far from the article's prose".into(),
        "topic_share" => "words the article's prose does not use".into(),
        "no_topic_words" => "no topical words".into(),
        "prev_p" | "prev2_p" => "after furniture lines".into(),
        "next_p" | "next2_p" => "before furniture lines".into(),
        "no_prev" => "at the top".into(),
        "no_next" => "at the bottom".into(),
        other => other.replace('_', " "),
    }
}

/// Judge every line and flag those the model calls furniture.
///
/// Lines a furniture pattern already covers for the most part keep the
/// pattern's flag, which names the kind.
pub fn check(
    analysis: &Analysis<'_>,
    weights: &FurnitureWeights,
    furniture: &[Flag],
    flags: &mut Vec<Flag>,
) {
    let blocks = blocks(analysis, furniture);
    if blocks.len() < 2 {
        // A one-line document is an article or a headline, not a page.
        return;
    }
    let vectors = context_vectors(&blocks, weights);
    for (block, x) in blocks.iter().zip(&vectors) {
        if block.figures_row || block.own[18] >= 0.5 {
            continue;
        }
        let prose = is_prose(&block.own);
        // A paragraph of prose that opens on a furniture pattern is an
        // article paragraph with a glued prefix: the pattern flags the prefix.
        if prose && block.own[17] > 0.0 {
            continue;
        }
        // Context alone does not make prose furniture: its own shape must too.
        if prose && logistic(dot(&weights.own, &block.own)) < 0.9 {
            continue;
        }
        let p = logistic(dot(&weights.context, x));
        if p < weights.threshold {
            continue;
        }
        let mut reasons: Vec<(f64, String)> = Vec::new();
        for i in 1..N_ALL {
            let contribution = weights.context[i] * (x[i] - prose_value(i));
            if contribution > 0.3 {
                let reason = describe(i, x);
                if !reasons.iter().any(|(_, r)| *r == reason) {
                    reasons.push((contribution, reason));
                }
            }
        }
        reasons.sort_by(|a, b| b.0.total_cmp(&a.0));
        let why: Vec<&str> = reasons.iter().take(4).map(|(_, r)| r.as_str()).collect();
        let (category, kind) = if block.metadata_shape {
            (Category::Metadata, "page metadata")
        } else {
            (Category::Boilerplate, "site chrome")
        };
        flags.push(flag(
            analysis.text,
            "furniture_block",
            category,
            (block.start, block.end),
            format!(
                "a line of {kind}, not article text (p = {p:.2}): {}",
                if why.is_empty() {
                    "its shape as a whole".to_owned()
                } else {
                    why.join(", ")
                }
            ),
            (p * 100.0).round() / 100.0,
        ));
    }
}
