//! Incoherence: leaked page furniture (datestamps, bylines, captions, links),
//! dangling references at the start of a story, paragraphs stitched in from
//! another story, truncated endings and repeated sentences.

use super::doc::{
    Analysis, PooledCounter, ANAPHOR, AUXILIARY, CLOSED, FINITE_VERB, GENERIC_NEWS, MODAL,
    PREPOSITION, REFERENT, REFERENT_ORGANISATION, REFERENT_PERSON, REFERENT_THING,
};
use super::lexicon::{FurnitureCategory, FurniturePattern};
use super::{flag, Category, Flag, NgramModel, QualityConfig};
use copydesk_common::{Error, Result};
use copydesk_text::HashKeyed;
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
    let opened_dangling = dangling_start(analysis, flags);
    dangling_paragraphs(analysis, opened_dangling, flags);
    stitched_paragraphs(analysis, config, reference, flags);
    truncated_ending(analysis, flags);
    repeated_sentences(analysis, config, flags);
}

/// A story that opens on a pronoun or on "The official, who ..." points back
/// to something that is not there.
/// Returns true when it flagged the opening.
fn dangling_start(analysis: &Analysis<'_>, flags: &mut Vec<Flag>) -> bool {
    let Some(first) = analysis.sentences.first() else {
        return false;
    };
    if first.len() < 4 {
        return false;
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
        return true;
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
            return true;
        }
    }
    false
}

/// The noun phrase of a paragraph that opens with "The ...": the index of
/// its head noun (a referent noun), of the relative pronoun after a comma
/// when there is one, or `None` when the phrase does not point back
/// ("The sale of its unit", "The dollar", "The Bank of Japan").
fn definite_opening(
    analysis: &Analysis<'_>,
    first: usize,
    end: usize,
) -> Option<(usize, Option<usize>)> {
    if analysis.word(first) != "the" || !analysis.is_capitalized(first) {
        return None;
    }
    let stop = CLOSED & !GENERIC_NEWS | FINITE_VERB | AUXILIARY | MODAL;
    let mut head = None;
    let mut j = first + 1;
    // Up to three modifiers and the noun: "The two men", "The central bank".
    while j < end && j <= first + 4 {
        if !analysis.is_lower_alpha(j)
            || (analysis.classes[j] & stop != 0 && analysis.classes[j] & REFERENT == 0)
        {
            break;
        }
        // "The kingdom's main buyers": the possessor anchors the phrase.
        if analysis.word(j).ends_with("'s") {
            return None;
        }
        head = Some(j);
        if !analysis.gap_after(j).trim().is_empty() {
            break;
        }
        j += 1;
    }
    let head = head?;
    if analysis.classes[head] & REFERENT == 0 {
        return None;
    }
    let next = head + 1;
    if next >= end {
        return None;
    }
    let gap = analysis.gap_after(head).trim();
    if gap.starts_with(',') {
        let relative = matches!(analysis.word(next), "who" | "which" | "whose").then_some(next);
        return Some((head, relative));
    }
    if !gap.is_empty() {
        return None;
    }
    // A phrase that says what it is about introduces its referent: "The sale
    // of its unit", "The offer that Acme made".
    if analysis.classes[next] & PREPOSITION != 0
        || matches!(analysis.word(next), "that" | "who" | "which")
    {
        return None;
    }
    Some((head, None))
}

/// Singular and plural of a head noun share a key: "men" is "man".
fn head_key(word: &str) -> u64 {
    let word = match word {
        "men" => "man",
        "women" => "woman",
        w => w,
    };
    topic_key(word)
}

/// A paragraph after the first that opens with a definite description
/// pointing back ("The spokesman, who ...", "The offer", "The two men") to
/// something the text before it never mentions, or with "He"/"She" where no
/// person has been named.
fn dangling_paragraphs(analysis: &Analysis<'_>, opened_dangling: bool, flags: &mut Vec<Flag>) {
    if analysis.paragraphs.len() < 2 {
        return;
    }
    let toks = &analysis.tokens.tokens;
    // Keys of the words said so far; whether a name (a capitalized word
    // inside a sentence) has appeared, for "The company" and "He".
    let mut seen = PooledCounter::default();
    seen.reset(analysis.tokens.len());
    let mut names_before = 0usize;
    let mut things_before = 0usize;
    let mut sentence_starts = vec![false; analysis.tokens.len()];
    for sentence in &analysis.sentences {
        sentence_starts[sentence.first] = true;
    }
    for (p, paragraph) in analysis.paragraphs.iter().enumerate() {
        let (first, end) = (paragraph.first, paragraph.end);
        let is_story_start = p == 0;
        if !(is_story_start && opened_dangling) && end - first >= 4 {
            if let Some((head, relative)) = definite_opening(analysis, first, end) {
                let class = analysis.classes[head];
                let named = seen.get(head_key(analysis.word(head))) > 0;
                let organisation = class & REFERENT_ORGANISATION != 0 && names_before > 0;
                // "The transaction" after "agreed to acquire": any earlier
                // deal, offer or verb that makes one is its antecedent.
                let event = class & REFERENT_THING != 0 && things_before > 0;
                // A story may open on a unique organisation ("The finance
                // ministry said"), not on a person or thing nobody introduced.
                let unique_start =
                    is_story_start && relative.is_none() && class & REFERENT_PERSON == 0;
                if !named && !organisation && !event && !unique_start {
                    let last = relative.unwrap_or(head);
                    let phrase =
                        &analysis.text[toks[first].start as usize..toks[head].end as usize];
                    let kind = if class & REFERENT_PERSON != 0 {
                        "a person"
                    } else if class & REFERENT_ORGANISATION != 0 {
                        "an organisation"
                    } else {
                        "a thing or event"
                    };
                    let mut message = if is_story_start {
                        format!("the story opens with \"{phrase}\", {kind} introduced nowhere")
                    } else {
                        format!(
                            "paragraph opens with \"{phrase}\", but nothing before it mentions \"{}\"",
                            analysis.original(head)
                        )
                    };
                    if class & REFERENT_ORGANISATION != 0 {
                        message.push_str(" or names an organisation");
                    }
                    if relative.is_some() {
                        message.push_str("; the relative clause describes it as already known");
                    }
                    flags.push(flag(
                        analysis.text,
                        "dangling_reference",
                        Category::Incoherence,
                        (toks[first].start as usize, toks[last].end as usize),
                        message,
                        if relative.is_some() { 0.75 } else { 0.6 },
                    ));
                }
            } else if !is_story_start
                && names_before == 0
                && matches!(analysis.word(first), "he" | "she")
                && analysis.is_capitalized(first)
            {
                flags.push(flag(
                    analysis.text,
                    "dangling_pronoun",
                    Category::Incoherence,
                    (toks[first].start as usize, toks[first].end as usize),
                    format!(
                        "paragraph opens with \"{}\", but no person is named before it",
                        analysis.original(first)
                    ),
                    0.5,
                ));
            }
        }
        for (i, &starts_sentence) in sentence_starts.iter().enumerate().take(end).skip(first) {
            let word = analysis.word(i);
            if word.len() >= 3 && !analysis.has_digit[i] {
                seen.add(head_key(word));
            }
            things_before += usize::from(analysis.classes[i] & REFERENT_THING != 0);
            if !starts_sentence
                && analysis.is_capitalized(i)
                && analysis.classes[i] & CLOSED == 0
                && !analysis.has_digit[i]
            {
                names_before += 1;
            }
        }
    }
}

/// A content word's key for overlap: its first five letters after a crude
/// suffix strip, so that "bus" and "buses", "export" and "exporters" count as
/// shared.
fn topic_key(word: &str) -> u64 {
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
fn stitched_paragraphs(
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
