//! Dangling openings: a story or paragraph that starts on a pronoun or a
//! definite description pointing back to something the text before it
//! never introduced.

use super::stitched::topic_key;
use crate::doc::{
    Analysis, PooledCounter, ANAPHOR, AUXILIARY, CLOSED, FINITE_VERB, GENERIC_NEWS, MODAL,
    PREPOSITION, REFERENT, REFERENT_ORGANISATION, REFERENT_PERSON, REFERENT_THING,
};
use crate::{flag, Category, Flag};

/// A story that opens on a pronoun or on "The official, who ..." points back
/// to something that is not there.
/// Returns true when it flagged the opening.
pub(super) fn dangling_start(analysis: &Analysis<'_>, flags: &mut Vec<Flag>) -> bool {
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
pub(super) fn dangling_paragraphs(
    analysis: &Analysis<'_>,
    opened_dangling: bool,
    flags: &mut Vec<Flag>,
) {
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
