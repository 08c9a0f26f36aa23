//! Gopher's repetition rules (Rae et al. 2021): duplicate lines and
//! paragraphs, the most frequent n-grams and the characters in repeated
//! n-grams. The n-gram keys and the paragraph split are shared with
//! `datatrove`, which must cut and hash text the same way.

use super::{duplicates, whole, Counts, HeuristicsConfig};
use crate::doc::{Analysis, PooledCounter};
use crate::Flag;

pub(super) fn gopher_repetition(
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

pub(super) const NGRAM_SEED: u64 = 0xCBF2_9CE4_8422_2325;

pub(super) fn ngram_step(key: u64, hash: u64) -> u64 {
    (key ^ hash).wrapping_mul(0x100_0000_01B3).rotate_left(31)
}

pub(super) fn split_paragraphs(text: &str) -> Vec<&str> {
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
