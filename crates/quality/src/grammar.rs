//! Grammar breaks left by dropped or swapped words, found with closed-class
//! lists and suffix rules: a subject pronoun straight before an adjective
//! ("she concerned the plan would fail"), a determiner before a finite verb
//! ("the was"), a doubled function word ("of of"), and a long sentence with no
//! verb at all.

use super::doc::{
    Analysis, Segment, ARTICLE, AUXILIARY, COPULA_ADJECTIVE, FINITE_VERB, FUNCTION, MODAL, SUBJECT,
};
use super::{flag, Category, Flag};

/// Adjectives of the copula list that are also ordinary verbs: after a
/// pronoun they are broken only when a noun phrase follows directly
/// ("she concerned the plan"), not before a preposition ("they worried about").
const VERB_LIKE_ADJECTIVES: &[&str] = &[
    "concerned",
    "worried",
    "pleased",
    "disappointed",
    "satisfied",
    "dissatisfied",
    "convinced",
    "determined",
    "upset",
    "content",
];

/// Auxiliaries and verbs that cannot follow an article (nouns that share the
/// spelling, like "will", "can", "may", "must", are left out).
const NOT_AFTER_ARTICLE: &[&str] = &[
    "is", "are", "was", "were", "has", "have", "had", "does", "did", "am", "would", "could",
    "should", "might", "shall", "said", "says", "told", "tells", "rose", "went", "came", "took",
    "gave", "knew", "became", "began", "seems", "seemed", "declined",
];

/// Function words that are correctly doubled in ordinary prose ("that that", "had had").
const DOUBLE_OK: &[&str] = &[
    "that", "had", "is", "do", "very", "it", "her", "you", "this",
];

fn adjective_by_suffix(word: &str) -> bool {
    word.len() > 5 && (word.ends_with("ous") || word.ends_with("ful") || word.ends_with("ible"))
}

/// Run the grammar rules over `analysis`.
pub fn check(analysis: &Analysis<'_>, flags: &mut Vec<Flag>) {
    let toks = &analysis.tokens.tokens;
    // A run of one doubled word ("a a a a") is one flag, not one per word:
    // a keyword-stuffed page would otherwise carry a flag for every word.
    let mut run_end = 0;
    for sentence in &analysis.sentences {
        for i in sentence.first..sentence.end {
            if i < run_end {
                continue;
            }
            let class = analysis.classes[i];
            let tight = i + 1 < sentence.end && analysis.gap_after(i).trim().is_empty();
            if !tight {
                continue;
            }
            let next = i + 1;
            let next_word = analysis.word(next);
            // Subject pronoun + adjective + noun phrase: the copula was dropped.
            if class & SUBJECT != 0 && analysis.is_lower_alpha(next) {
                let next_class = analysis.classes[next];
                let adjective =
                    next_class & COPULA_ADJECTIVE != 0 || adjective_by_suffix(next_word);
                if adjective {
                    let verb_like = VERB_LIKE_ADJECTIVES.contains(&next_word);
                    let after = next + 1;
                    let noun_phrase_follows = after < sentence.end
                        && analysis.gap_after(next).trim().is_empty()
                        && (analysis.classes[after] & (ARTICLE | SUBJECT) != 0
                            || (!verb_like && analysis.word(after) == "that"));
                    let broken = if verb_like {
                        noun_phrase_follows
                    } else {
                        after >= sentence.end || analysis.classes[after] & (AUXILIARY | MODAL) == 0
                    };
                    if broken {
                        let end = if after < sentence.end && noun_phrase_follows {
                            toks[after].end
                        } else {
                            toks[next].end
                        };
                        flags.push(flag(
                            analysis.text,
                            "pronoun_adjective",
                            Category::Grammar,
                            (toks[i].start as usize, end as usize),
                            format!(
                                "\"{} {}\": a verb (\"is\", \"was\") seems to be missing",
                                analysis.original(i),
                                analysis.original(next)
                            ),
                            0.7,
                        ));
                        continue;
                    }
                }
            }
            // Determiner + finite verb.
            if class & ARTICLE != 0
                && analysis.is_lower_alpha(next)
                && NOT_AFTER_ARTICLE.contains(&next_word)
                && (analysis.is_lower_alpha(i) || i == sentence.first)
            {
                flags.push(flag(
                    analysis.text,
                    "determiner_verb",
                    Category::Grammar,
                    (toks[i].start as usize, toks[next].end as usize),
                    format!(
                        "\"{} {}\": a determiner followed by a verb; a noun was likely dropped",
                        analysis.original(i),
                        analysis.original(next)
                    ),
                    0.7,
                ));
                continue;
            }
            // Doubled function word, or two articles in a row.
            let word = analysis.word(i);
            let doubled = word == next_word && class & FUNCTION != 0 && !DOUBLE_OK.contains(&word);
            let two_articles = matches!(word, "the" | "a" | "an")
                && matches!(next_word, "the" | "a" | "an")
                && word != next_word;
            if doubled || two_articles {
                let mut last = next;
                if doubled {
                    while last + 1 < sentence.end
                        && analysis.gap_after(last).trim().is_empty()
                        && analysis.word(last + 1) == word
                    {
                        last += 1;
                    }
                }
                let message = if last > next {
                    format!(
                        "\"{}\" {} times in a row: repeated function word",
                        analysis.original(i),
                        last - i + 1
                    )
                } else {
                    format!(
                        "\"{} {}\": doubled function word",
                        analysis.original(i),
                        analysis.original(next)
                    )
                };
                flags.push(flag(
                    analysis.text,
                    "doubled_function_word",
                    Category::Grammar,
                    (toks[i].start as usize, toks[last].end as usize),
                    message,
                    0.6,
                ));
                // The run's last word may still start another rule ("a a was").
                run_end = last;
            }
        }
        no_verb(analysis, sentence, flags);
    }
}

fn could_be_verb(word: &str, class: u16) -> bool {
    class & (AUXILIARY | MODAL | FINITE_VERB) != 0
        || word.ends_with("ed")
        || word.ends_with("ing")
        || word.ends_with("en")
        || word.ends_with('s')
        || word.ends_with("'s")
        || word.ends_with("n't")
}

/// A full sentence (ending in a period, of ordinary words) with nothing that
/// could be a verb.
fn no_verb(analysis: &Analysis<'_>, sentence: &Segment, flags: &mut Vec<Flag>) {
    const MIN_WORDS: usize = 7;
    if sentence.len() < MIN_WORDS {
        return;
    }
    let text = analysis.text;
    let closing = &text[analysis.tokens.tokens[sentence.end - 1].end as usize..sentence.end_byte];
    if !closing.contains(['.', '!', '?']) {
        return;
    }
    let mut lower = 0usize;
    for i in sentence.first..sentence.end {
        let word = analysis.word(i);
        if could_be_verb(word, analysis.classes[i]) {
            return;
        }
        if analysis.is_lower_alpha(i) {
            lower += 1;
        }
    }
    // Tables, headings and lists of names are verbless by nature.
    if lower * 2 < sentence.len() {
        return;
    }
    flags.push(flag(
        text,
        "no_verb",
        Category::Grammar,
        (sentence.start_byte, sentence.end_byte),
        "sentence without any verb: a verb was likely dropped or swapped for a noun".to_owned(),
        0.5,
    ));
}
