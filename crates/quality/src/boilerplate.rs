//! Corpus-level boilerplate: a short line that recurs across documents that
//! are not copies of each other is site chrome ("All rights reserved.",
//! "Follow us on social media"), as CCNet and Gopher find it with line hashes.
//!
//! Wire copies of one story share whole paragraphs legitimately, so a line
//! counts only when it recurs in enough *unrelated* documents: documents in
//! different clusters (when the dedup clusters are known) whose other content
//! differs (no shared shingle in a bottom-k sketch of their 8-word shingles).

use super::{flag, Category, Flag};
use copydesk_text::{tokenize, HashKeyed};
use rayon::prelude::*;
use xxhash_rust::xxh3::xxh3_64;

/// The rule name of corpus-level boilerplate flags.
pub const REPEATED_BOILERPLATE: &str = "repeated_boilerplate";

/// Thresholds of the corpus-level boilerplate rule.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BoilerplateConfig {
    /// A line is chrome when it recurs in at least this many unrelated documents.
    pub min_documents: usize,
    /// Fewest words on a candidate line.
    pub min_words: usize,
    /// Most words on a candidate line.
    pub max_words: usize,
    /// Shingles kept per document to tell copies apart (bottom-k sketch).
    pub sketch_size: usize,
}

impl Default for BoilerplateConfig {
    fn default() -> Self {
        BoilerplateConfig {
            min_documents: 3,
            min_words: 2,
            max_words: 20,
            sketch_size: 16,
        }
    }
}

/// Shingle length of the sketches.
const SHINGLE: usize = 8;

/// A candidate line of one document: its key and byte span.
struct Line {
    key: u64,
    start: usize,
    end: usize,
}

fn is_figure(word: &str) -> bool {
    word.bytes().any(|b| b.is_ascii_digit())
}

fn mostly_figures(line: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    let figures = words.iter().filter(|w| is_figure(w)).count();
    !words.is_empty() && figures * 3 >= words.len()
}

/// Words that make a line a sentence of the story ("Terms were not
/// disclosed.") rather than chrome: news repeats such sentences by nature.
const STORY_VERBS: &[&str] = &[
    "is", "are", "was", "were", "be", "been", "has", "have", "had", "will", "would", "said",
    "says", "could", "may", "did",
];

fn candidate_lines(text: &str, config: &BoilerplateConfig) -> Vec<Line> {
    let mut lines: Vec<(usize, &str)> = Vec::new();
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        lines.push((offset, raw));
        offset += raw.len();
    }
    let mut out = Vec::new();
    for (index, &(offset, raw)) in lines.iter().enumerate() {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            continue;
        }
        let words = trimmed.split_whitespace().count();
        if words < config.min_words || words > config.max_words || mostly_figures(trimmed) {
            continue;
        }
        // A label in a table ("nine mths", "Record March 31") sits next to
        // rows of figures: it belongs to the table, not to the page.
        let neighbour_is_table = |i: Option<usize>| {
            i.and_then(|i| lines.get(i))
                .is_some_and(|(_, l)| !l.trim().is_empty() && mostly_figures(l))
        };
        if neighbour_is_table(index.checked_sub(1)) || neighbour_is_table(Some(index + 1)) {
            continue;
        }
        let normalized = copydesk_text::normalize(trimmed);
        let story_sentence = trimmed.ends_with('.')
            && normalized
                .split(|c: char| !c.is_alphanumeric())
                .any(|w| STORY_VERBS.contains(&w));
        if story_sentence {
            continue;
        }
        let key = xxh3_64(
            normalized
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .as_bytes(),
        );
        let start = offset + (raw.len() - raw.trim_start().len());
        out.push(Line {
            key,
            start,
            end: start + trimmed.len(),
        });
    }
    out
}

/// The smallest `size` hashes of the 8-word shingles of the document's
/// content, its candidate lines left out (shared chrome must not make two
/// stories look related), sorted.
fn sketch(text: &str, lines: &[Line], size: usize) -> Vec<u64> {
    let mut content = String::with_capacity(text.len());
    let mut at = 0;
    for line in lines {
        content.push_str(&text[at..line.start]);
        content.push('\n');
        at = line.end;
    }
    content.push_str(&text[at..]);
    // A document of short lines only is compared on all of its text.
    let tokens = match tokenize(&content) {
        t if t.len() >= SHINGLE => t,
        _ => tokenize(text),
    };
    let hashes: Vec<u64> = tokens.tokens.iter().map(|t| t.hash).collect();
    let mut shingles: Vec<u64> = if hashes.len() < SHINGLE {
        vec![hashes.iter().fold(0u64, |h, &w| h.rotate_left(7) ^ w)]
    } else {
        hashes
            .windows(SHINGLE)
            .map(|w| w.iter().fold(0u64, |h, &x| h.rotate_left(7) ^ x))
            .collect()
    };
    shingles.sort_unstable();
    shingles.dedup();
    shingles.truncate(size);
    shingles
}

fn share_a_hash(a: &[u64], b: &[u64]) -> bool {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => return true,
        }
    }
    false
}

/// Flag, in each document, the lines that recur across at least
/// `min_documents` unrelated documents.
///
/// `ids` orders the documents for the choice of unrelated ones, so the result
/// does not depend on input order; `groups` (the dedup cluster of each
/// document, if known) marks documents of one cluster as related. Returns
/// one list of flags per document.
pub fn repeated_lines(
    texts: &[&str],
    ids: &[&str],
    groups: Option<&[Option<u32>]>,
    config: &BoilerplateConfig,
) -> Vec<Vec<Flag>> {
    let per_doc: Vec<Vec<Line>> = texts
        .par_iter()
        .map(|text| candidate_lines(text, config))
        .collect();
    // (line key, document) once per document.
    let mut occurrences: Vec<(u64, u32)> = per_doc
        .iter()
        .enumerate()
        .flat_map(|(doc, lines)| lines.iter().map(move |l| (l.key, doc as u32)))
        .collect();
    occurrences.sort_unstable();
    occurrences.dedup();
    let mut recurring: Vec<(u64, Vec<u32>)> = Vec::new();
    for run in occurrences.chunk_by(|a, b| a.0 == b.0) {
        if run.len() >= config.min_documents.max(1) {
            recurring.push((run[0].0, run.iter().map(|o| o.1).collect()));
        }
    }
    if recurring.is_empty() {
        return vec![Vec::new(); texts.len()];
    }
    // Sketches only for documents holding a recurring line.
    let mut needed: Vec<u32> = recurring.iter().flat_map(|r| r.1.iter().copied()).collect();
    needed.sort_unstable();
    needed.dedup();
    let sketches: HashKeyed<Vec<u64>> = needed
        .par_iter()
        .map(|&doc| {
            (
                u64::from(doc),
                sketch(
                    texts[doc as usize],
                    &per_doc[doc as usize],
                    config.sketch_size,
                ),
            )
        })
        .collect::<Vec<_>>()
        .into_iter()
        .collect();
    let order_key = |doc: u32| {
        (
            ids[doc as usize],
            xxh3_64(texts[doc as usize].as_bytes()),
            doc,
        )
    };
    let mut chrome: HashKeyed<usize> = HashKeyed::default();
    for (key, mut docs) in recurring {
        docs.sort_by_key(|&d| order_key(d));
        let mut picked: Vec<u32> = Vec::new();
        for &doc in &docs {
            let related = picked.iter().any(|&other| {
                let same_group = groups.is_some_and(|g| {
                    g[doc as usize].is_some() && g[doc as usize] == g[other as usize]
                });
                same_group || share_a_hash(&sketches[&u64::from(doc)], &sketches[&u64::from(other)])
            });
            if !related {
                picked.push(doc);
                if picked.len() >= config.min_documents {
                    break;
                }
            }
        }
        if picked.len() >= config.min_documents {
            chrome.insert(key, docs.len());
        }
    }
    per_doc
        .iter()
        .zip(texts)
        .map(|(lines, text)| {
            lines
                .iter()
                .filter_map(|line| {
                    let documents = *chrome.get(&line.key)?;
                    Some(flag(
                        text,
                        REPEATED_BOILERPLATE,
                        Category::Boilerplate,
                        (line.start, line.end),
                        format!(
                            "this line recurs in {documents} documents of the corpus, at least {} of them unrelated (not copies of each other): site chrome",
                            config.min_documents
                        ),
                        0.6,
                    ))
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn story(topic: &str, _n: usize) -> String {
        match topic {
            "harbour" => "Dunmore Water said on Tuesday it would build a second treatment plant on the river Tay to cope with rising demand from new housing in the valley.",
            "ferry" => "Ferry operator Northsound Lines plans to cut its winter timetable between Oban and the islands by a third after fuel costs doubled this autumn.",
            _ => "Councillors voted on Thursday to close two branch libraries in the spring and move their books to the new civic centre on Market Street.",
        }
        .to_owned()
    }

    #[test]
    fn a_line_in_three_unrelated_documents_is_flagged_and_copies_do_not_count() {
        let chrome = "Follow Example News on social media";
        let a = format!("{}\n\n{chrome}\n", story("harbour", 5));
        let b = format!("{}\n\n{chrome}\n", story("ferry", 5));
        let c = format!("{}\n\n{chrome}\n", story("council", 5));
        let copy = format!("{}\n\n{chrome}\n", story("harbour", 5));
        let texts = [a.as_str(), b.as_str(), c.as_str()];
        let flags = repeated_lines(
            &texts,
            &["a", "b", "c"],
            None,
            &BoilerplateConfig::default(),
        );
        for (text, flags) in texts.iter().zip(&flags) {
            assert_eq!(flags.len(), 1, "{flags:?}");
            assert_eq!(&text[flags[0].start..flags[0].end], chrome);
        }
        // Two stories and a copy of one: only two unrelated documents.
        let texts = [a.as_str(), b.as_str(), copy.as_str()];
        let flags = repeated_lines(
            &texts,
            &["a", "b", "a2"],
            None,
            &BoilerplateConfig::default(),
        );
        assert!(flags.iter().all(Vec::is_empty), "{flags:?}");
        // One cluster, known from dedup: related as well.
        let texts = [a.as_str(), b.as_str(), c.as_str()];
        let groups = [Some(0), Some(0), None];
        let flags = repeated_lines(
            &texts,
            &["a", "b", "c"],
            Some(&groups),
            &BoilerplateConfig::default(),
        );
        assert!(flags.iter().all(Vec::is_empty), "{flags:?}");
        // Input order does not matter.
        let texts = [c.as_str(), a.as_str(), b.as_str()];
        let flags = repeated_lines(
            &texts,
            &["c", "a", "b"],
            None,
            &BoilerplateConfig::default(),
        );
        assert!(flags.iter().all(|f| f.len() == 1));
    }

    #[test]
    fn story_sentences_and_table_labels_are_not_chrome() {
        let line = "Terms were not disclosed.";
        let table = "Nine mths\nShr 1.20 dlrs vs 1.10 dlrs\nNet 4.5 mln vs 4.1 mln";
        let texts: Vec<String> = ["harbour", "ferry", "council"]
            .iter()
            .map(|t| format!("{}\n\n{line}\n\n{table}\n", story(t, 5)))
            .collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let flags = repeated_lines(&refs, &["a", "b", "c"], None, &BoilerplateConfig::default());
        assert!(flags.iter().all(Vec::is_empty), "{flags:?}");
    }
}
