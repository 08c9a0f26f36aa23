//! Lines of a document as the furniture model sees them: the split into
//! lines, and the features that depend on the rest of the page (where a line
//! stands relative to the prose, which of its words the prose uses).

use super::features::features;
use super::weights::N_OWN;
use crate::doc::{Analysis, CLOSED};
use crate::Flag;
use copydesk_text::HashKeyed;

/// One line of the text and its features.
#[derive(Debug, Clone)]
pub struct Block {
    /// Byte span of the line, surrounding spaces excluded.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// The features of [`OWN_FEATURES`](super::OWN_FEATURES).
    pub own: [f64; N_OWN],
    /// A date, a time or a byline opening: the line says when or who.
    pub metadata_shape: bool,
    /// A table row of figures ("Shr 41 cts vs 33 cts"): never judged.
    pub figures_row: bool,
    /// The line's tokens.
    pub(super) tokens: std::ops::Range<usize>,
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
pub(super) fn is_prose(own: &[f64; N_OWN]) -> bool {
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
