//! The features of one line on its own: its length and shape, stop words
//! and verbs, capitals and figures, dates and times, separators and web
//! prompts, and how much of it a furniture pattern covers.

use super::blocks::Block;
use super::weights::N_OWN;
use crate::doc::{Analysis, AUXILIARY, CLOSED, FINITE_VERB, MODAL};

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

pub(super) fn features(
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
