//! Stitched paragraphs: a paragraph whose words the rest of the story, its
//! lead and its neighbours do not share, judged by a logistic model over
//! lexical cohesion ([`StitchedWeights`]).

use crate::doc::{Analysis, PooledCounter, CLOSED, GENERIC_NEWS};
use crate::{flag, Category, Flag, NgramModel, QualityConfig};

/// A content word's key for overlap: its first five letters after a crude
/// suffix strip, so that "bus" and "buses", "export" and "exporters" count as
/// shared.
pub(super) fn topic_key(word: &str) -> u64 {
    // A loop of strip_suffix, not trim_end_matches: a string pattern builds
    // a substring searcher on every call, and this runs once per word.
    let mut word = word;
    while let Some(stem) = word.strip_suffix("'s") {
        word = stem;
    }
    let stem = ["ing", "es", "ed", "s"]
        .iter()
        .find_map(|suffix| word.strip_suffix(suffix).filter(|stem| stem.len() >= 3))
        .unwrap_or(word);
    let word = stem;
    let end = copydesk_text::floor_char_boundary(word, 5);
    xxhash_rust::xxh3::xxh3_64(&word.as_bytes()[..end])
}

fn is_topic_word(analysis: &Analysis<'_>, i: usize) -> bool {
    let word = analysis.word(i);
    word.len() >= 3 && analysis.classes[i] & (CLOSED | GENERIC_NEWS) == 0 && !analysis.has_digit[i]
}

/// What decides whether a paragraph was stitched in: its lexical cohesion
/// with the rest of the story, with the lead and with its neighbours, words
/// weighted by how rare they are.
#[derive(Debug, Clone, Copy, Default)]
struct Cohesion {
    /// Distinct topical words of the paragraph.
    words: usize,
    /// Share of the paragraph's word weight found elsewhere in the story.
    rest: f64,
    /// Share of its word weight found in the first paragraph (the lead).
    lead: f64,
    /// How much better the neighbours hang together with each other than with
    /// this paragraph (TextTiling's depth: a dip in similarity).
    depth: f64,
    /// Distinct names (capitalized words inside a sentence) in the paragraph.
    names: usize,
    /// Of those, how many the rest of the story never uses.
    new_names: usize,
    /// `rest` minus its mean over the story's other judged paragraphs: a
    /// stitched paragraph stands out from its own story, however loosely
    /// that story hangs together.
    rest_relative: f64,
    /// `lead` minus its mean over the other judged paragraphs.
    lead_relative: f64,
}

impl Cohesion {
    /// Log-odds that the paragraph was stitched in (weights fitted on the
    /// TUNE part of `scripts/eval_incoherence.py`).
    fn log_odds(&self, weights: &StitchedWeights) -> f64 {
        let new_name_share = if self.names == 0 {
            0.0
        } else {
            self.new_names as f64 / self.names as f64
        };
        weights.bias
            + weights.rest * self.rest
            + weights.lead * self.lead
            + weights.depth * self.depth
            + weights.new_names * new_name_share
            + weights.shared_names * (self.names - self.new_names).min(3) as f64
            + weights.words * (self.words as f64).ln()
            + weights.rest_relative * self.rest_relative
            + weights.lead_relative * self.lead_relative
    }
}

/// Weights of the stitched-paragraph model (see [`QualityConfig::stitched`]).
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct StitchedWeights {
    /// Intercept of the log-odds.
    pub bias: f64,
    /// Per unit of the weighted share of the paragraph's words used elsewhere in the story.
    pub rest: f64,
    /// Per unit of the weighted share found in the lead paragraph.
    pub lead: f64,
    /// Per unit of the TextTiling depth (neighbours' similarity to each
    /// other minus their mean similarity to the paragraph).
    pub depth: f64,
    /// Per unit of the share of the paragraph's names the story never uses elsewhere.
    pub new_names: f64,
    /// Per name shared with the rest of the story (at most three count).
    pub shared_names: f64,
    /// Per unit of the log of the number of distinct topical words.
    pub words: f64,
    /// Per unit of `rest` above the story's other paragraphs' mean.
    pub rest_relative: f64,
    /// Per unit of `lead` above the story's other paragraphs' mean.
    pub lead_relative: f64,
    /// A paragraph is flagged when its probability reaches this.
    pub min_probability: f64,
    /// The same without reference statistics (and then only with at least
    /// twice `stitched_min_topic_words` topical words).
    pub min_probability_without_reference: f64,
}

impl Default for StitchedWeights {
    fn default() -> Self {
        StitchedWeights {
            bias: -1.759,
            rest: -4.709,
            lead: -0.955,
            depth: 4.376,
            new_names: 0.914,
            shared_names: -0.21,
            words: -0.096,
            rest_relative: -1.862,
            lead_relative: -5.26,
            min_probability: 0.5,
            min_probability_without_reference: 0.9,
        }
    }
}

/// Weighted share of `keys` (sorted, with weights) found in any of `others`.
fn weighted_share(keys: &[(u64, f64)], others: &[&[(u64, f64)]]) -> f64 {
    let total: f64 = keys.iter().map(|k| k.1).sum();
    if total <= 0.0 {
        return 0.0;
    }
    let shared: f64 = keys
        .iter()
        .filter(|(key, _)| {
            others
                .iter()
                .any(|o| o.binary_search_by(|probe| probe.0.cmp(key)).is_ok())
        })
        .map(|k| k.1)
        .sum();
    shared / total
}

/// Cosine similarity of two weighted key sets.
fn similarity(a: &[(u64, f64)], b: &[(u64, f64)]) -> f64 {
    let norm = |s: &[(u64, f64)]| s.iter().map(|k| k.1 * k.1).sum::<f64>().sqrt();
    let (na, nb) = (norm(a), norm(b));
    if na <= 0.0 || nb <= 0.0 {
        return 0.0;
    }
    let (mut i, mut j, mut dot) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                dot += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    dot / (na * nb)
}

/// A paragraph that does not hang together with the story around it.
pub(super) fn stitched_paragraphs(
    analysis: &Analysis<'_>,
    config: &QualityConfig,
    reference: Option<&NgramModel>,
    flags: &mut Vec<Flag>,
) {
    let paragraphs = &analysis.paragraphs;
    if paragraphs.len() < 3 {
        return;
    }
    let reference = reference.filter(|m| m.total_words() >= config.stats.min_reference_words);
    let mut sentence_start = vec![false; analysis.tokens.len()];
    for sentence in &analysis.sentences {
        sentence_start[sentence.first] = true;
    }
    let is_name = |i: usize| !sentence_start[i] && analysis.is_capitalized(i);
    // How specific a word is: its inverse frequency in the reference; without
    // one, a name counts double.
    let weight = |i: usize| -> f64 {
        match reference {
            Some(model) => {
                let count = f64::from(analysis.reference_counts[i]);
                ((model.total_words() as f64 + 1.0) / (count + 1.0))
                    .ln()
                    .clamp(0.5, 14.0)
            }
            None if is_name(i) => 2.0,
            None => 1.0,
        }
    };
    // Each paragraph's distinct topical keys, sorted, with their weight.
    let mut keys_of: Vec<Vec<(u64, f64)>> = Vec::with_capacity(paragraphs.len());
    let mut doc_counts = PooledCounter::default();
    doc_counts.reset(analysis.tokens.len());
    let mut name_keys: Vec<Vec<u64>> = Vec::with_capacity(paragraphs.len());
    for paragraph in paragraphs {
        let mut keys: Vec<(u64, f64)> = (paragraph.first..paragraph.end)
            .filter(|&i| is_topic_word(analysis, i))
            .map(|i| (topic_key(analysis.word(i)).max(1), weight(i)))
            .collect();
        keys.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)));
        keys.dedup_by_key(|k| k.0);
        for k in &keys {
            doc_counts.add(k.0);
        }
        let mut names: Vec<u64> = (paragraph.first..paragraph.end)
            .filter(|&i| is_name(i) && is_topic_word(analysis, i))
            .map(|i| topic_key(analysis.word(i)).max(1))
            .collect();
        names.sort_unstable();
        names.dedup();
        name_keys.push(names);
        keys_of.push(keys);
    }
    let mut judged: Vec<(usize, Cohesion)> = Vec::new();
    for (p, paragraph) in paragraphs.iter().enumerate() {
        // Figures (results tables, their notes) are not prose to compare.
        let digits = (paragraph.first..paragraph.end)
            .filter(|&i| analysis.has_digit[i])
            .count();
        if digits * 5 > paragraph.len() || p == 0 {
            continue;
        }
        let keys = &keys_of[p];
        if keys.len() < config.stitched_min_topic_words {
            continue;
        }
        // The rest of the story must say enough to be compared with.
        let own_only = keys.iter().filter(|k| doc_counts.get(k.0) == 1).count();
        let rest_words = doc_counts.len() - own_only;
        if rest_words < 3 * config.stitched_min_topic_words {
            continue;
        }
        let total: f64 = keys.iter().map(|k| k.1).sum();
        let shared: f64 = keys
            .iter()
            .filter(|k| doc_counts.get(k.0) > 1)
            .map(|k| k.1)
            .sum();
        let before = &keys_of[p - 1];
        let after = keys_of.get(p + 1).map(Vec::as_slice);
        let depth = match after {
            Some(after) => {
                similarity(before, after)
                    - 0.5 * (similarity(before, keys) + similarity(keys, after))
            }
            None => 0.0,
        };
        let names = &name_keys[p];
        let new_names = names.iter().filter(|&&k| doc_counts.get(k) <= 1).count();
        let cohesion = Cohesion {
            words: keys.len(),
            rest: shared / total.max(f64::MIN_POSITIVE),
            lead: weighted_share(keys, &[&keys_of[0]]),
            depth,
            names: names.len(),
            new_names,
            rest_relative: 0.0,
            lead_relative: 0.0,
        };
        judged.push((p, cohesion));
    }
    let count = judged.len() as f64;
    let (rest_sum, lead_sum) = judged
        .iter()
        .fold((0.0, 0.0), |(r, l), (_, c)| (r + c.rest, l + c.lead));
    for (p, mut cohesion) in judged {
        let paragraph = &paragraphs[p];
        if count > 1.0 {
            cohesion.rest_relative = cohesion.rest - (rest_sum - cohesion.rest) / (count - 1.0);
            cohesion.lead_relative = cohesion.lead - (lead_sum - cohesion.lead) / (count - 1.0);
        }
        let z = cohesion.log_odds(&config.stitched);
        let probability = 1.0 / (1.0 + (-z).exp());
        // The weights were fitted with reference weights; without them a
        // short paragraph's shares move in big steps, so the bar is higher.
        let bar = if reference.is_some() {
            config.stitched.min_probability
        } else {
            config.stitched.min_probability_without_reference
        };
        let enough_words =
            reference.is_some() || cohesion.words >= 2 * config.stitched_min_topic_words;
        if probability < bar || !enough_words {
            continue;
        }
        flags.push(flag(
            analysis.text,
            "stitched_paragraph",
            Category::Incoherence,
            (paragraph.start_byte, paragraph.end_byte),
            format!(
                "paragraph hangs apart from the story (p = {probability:.2}): {:.0}% of its {} topical words' weight (rarer words count more) recurs in the rest of the story ({:+.0} points against the other paragraphs), {:.0}% in the lead; {} of its {} names are new; its neighbours resemble each other {:.2} more than they resemble it",
                (100.0 * cohesion.rest).max(0.0),
                cohesion.words,
                100.0 * cohesion.rest_relative,
                (100.0 * cohesion.lead).max(0.0),
                cohesion.new_names,
                cohesion.names,
                cohesion.depth
            ),
            probability.clamp(0.3, 0.9),
        ));
    }
}
