//! Substitution mining: the spinner's habits, learned from rewrite pairs.
//!
//! Every replace edit of a rewrite pair is read from its source side to its
//! rewritten side ("said" → "stated") in normalized words, and counted across
//! the corpus. The quality pass uses the lexicon to flag the same swaps in
//! documents whose source is absent.
//!
//! Copies differ by more than a spinner's swaps: OCR noise and typos ("the" →
//! "tbe"), inflections, changed values and opposites ("rose" → "fell" when a
//! template is filled with another day's figures). Each swap is judged
//! against the shipped [`Reference`] and only synonym-like ones are kept, each
//! with its [`SubstitutionKind`].

use super::{Edit, EditOp, Side};
use copydesk_reference::{Reference, SubstitutionKind};
use copydesk_text::{tokenize_into, Tokens};
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};
use std::sync::OnceLock;

/// One aligned pair as mining needs it: the texts of its replace edits (the
/// words come from these texts, so the documents' tokens need not be kept).
#[derive(Debug, Clone)]
pub struct PairEdits<'a> {
    /// Ids of documents `a` and `b`.
    pub ids: [&'a str; 2],
    /// `(a_text, b_text)` of each replace edit.
    pub replacements: Vec<(&'a str, &'a str)>,
    /// The likely source; `a` is read as the source when unknown.
    pub source: Option<Side>,
}

impl<'a> PairEdits<'a> {
    /// From the edits of [`super::align`].
    pub fn from_edits(ids: [&'a str; 2], edits: &'a [Edit], source: Option<Side>) -> PairEdits<'a> {
        PairEdits {
            ids,
            replacements: edits
                .iter()
                .filter(|e| e.op == EditOp::Replace)
                .map(|e| (e.a_text.as_str(), e.b_text.as_str()))
                .collect(),
            source,
        }
    }
}

/// A word swap seen in rewrite pairs: one line of `substitutions.jsonl`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Substitution {
    /// Normalized words of the source side.
    pub from: String,
    /// Normalized words of the rewritten side.
    pub to: String,
    /// What the swap is.
    pub kind: SubstitutionKind,
    /// Number of replace edits seen with this swap.
    pub count: u64,
    /// Ids of pairs where it was seen, `[source, rewrite]`, in the order the
    /// pairs were given, at most the configured number.
    pub examples: Vec<[String; 2]>,
}

/// The normalized words of an edit side, `None` when empty or holding a
/// number or a value word.
fn words(text: &str, tokens: &mut Tokens) -> Option<String> {
    tokenize_into(text, tokens);
    if tokens.is_empty() {
        return None;
    }
    let mut out = String::new();
    for word in tokens.words() {
        // Numbers, months and magnitudes are facts, not style: a changed
        // value is no spinner habit (it is two stories on one template).
        if word.starts_with(|c: char| c.is_numeric()) || super::align::is_value_word(word) {
            return None;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    Some(out)
}

/// Count and example pair ids of one swap while mining.
type Seen = (u64, Vec<[String; 2]>);

/// How mined swaps are judged.
#[derive(Debug, Clone, Copy)]
pub struct MineOptions<'r> {
    /// Most example pair ids kept per substitution.
    pub max_examples: usize,
    /// What swaps are judged against.
    pub reference: &'r Reference,
    /// Keep every swap, whatever its kind (for measuring the filter).
    pub all: bool,
}

/// Aggregate the replace edits of `pairs` into substitutions, sorted by count
/// (descending), then `from`, then `to`; swaps that are not synonym-like
/// ([`SubstitutionKind::is_spin`]) are left out unless `options.all`.
pub fn mine<'a>(
    pairs: impl IntoIterator<Item = PairEdits<'a>>,
    options: &MineOptions,
) -> Vec<Substitution> {
    let max_examples = options.max_examples;
    // Keyed by `from`, then `to`: looked up by borrowed words, so a swap
    // seen again allocates nothing.
    let mut seen: BTreeMap<String, BTreeMap<String, Seen>> = BTreeMap::new();
    let mut tokens = Tokens::default();
    let mut words = |text: &str| words(text, &mut tokens);
    for pair in pairs {
        let b_is_source = pair.source == Some(Side::B);
        for &(a_text, b_text) in &pair.replacements {
            let (Some(a_words), Some(b_words)) = (words(a_text), words(b_text)) else {
                continue;
            };
            if a_words == b_words {
                continue;
            }
            let (from, to, ids) = if b_is_source {
                (b_words, a_words, [pair.ids[1], pair.ids[0]])
            } else {
                (a_words, b_words, pair.ids)
            };
            let targets = match seen.get_mut(&from) {
                Some(targets) => targets,
                None => seen.entry(from).or_default(),
            };
            let entry = match targets.get_mut(&to) {
                Some(entry) => entry,
                None => targets.entry(to).or_insert((0, Vec::new())),
            };
            entry.0 += 1;
            if entry.1.len() < max_examples
                && !entry.1.iter().any(|[s, r]| s == ids[0] && r == ids[1])
            {
                entry.1.push([ids[0].to_owned(), ids[1].to_owned()]);
            }
        }
    }
    let entries: Vec<(String, String, u64, Vec<[String; 2]>)> = seen
        .into_iter()
        .flat_map(|(from, targets)| {
            targets
                .into_iter()
                .map(move |(to, (count, examples))| (from.clone(), to, count, examples))
        })
        .collect();
    // Judging a swap against the reference is the costly part, and each
    // entry is judged on its own: in parallel, the order kept.
    use rayon::prelude::*;
    let mut out: Vec<Substitution> = entries
        .into_par_iter()
        .filter_map(|(from, to, count, examples)| {
            let kind = classify_substitution(&from, &to, options.reference);
            (options.all || kind.is_spin()).then_some(Substitution {
                from,
                to,
                kind,
                count,
                examples,
            })
        })
        .collect();
    // The map is ordered by (from, to) already; a stable sort keeps that order among equal counts.
    out.sort_by_key(|s| std::cmp::Reverse(s.count));
    out
}

/// Common → formal name swaps of `data/quality/formal_names.tsv`, normalized
/// to words joined by spaces, each also as the words that differ once the
/// words both ends share are taken off ("russia" → "russian federation",
/// "korea" → "republic of korea").
fn formal_names() -> &'static HashSet<(String, String)> {
    static NAMES: OnceLock<HashSet<(String, String)>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let mut tokens = Tokens::default();
        let mut words = |text: &str| {
            tokenize_into(text, &mut tokens);
            tokens.words().map(str::to_owned).collect::<Vec<_>>()
        };
        let mut out = HashSet::new();
        for line in include_str!("../../../data/quality/formal_names.tsv").lines() {
            let Some((formal, common)) = line.split_once('\t') else {
                continue;
            };
            if line.starts_with('#') {
                continue;
            }
            let (mut c, mut f) = (words(common), words(formal));
            out.insert((c.join(" "), f.join(" ")));
            while c.len() > 1 && f.len() > 1 && c.last() == f.last() {
                c.pop();
                f.pop();
            }
            while c.len() > 1 && f.len() > 1 && c[0] == f[0] {
                c.remove(0);
                f.remove(0);
            }
            out.insert((c.join(" "), f.join(" ")));
        }
        out
    })
}

/// Runs of two words or more inside the formal names of
/// `data/quality/formal_names.tsv` ("republic of", "federal republic of"):
/// what the aligner leaves of a formal-name swap when the name's last word
/// is the same on both sides ("west germany" → "federal republic of germany"
/// gives "west" → "federal republic of").
fn formal_name_runs() -> &'static HashSet<String> {
    static RUNS: OnceLock<HashSet<String>> = OnceLock::new();
    RUNS.get_or_init(|| {
        let mut out = HashSet::new();
        for (_, formal) in formal_names() {
            let words: Vec<&str> = formal.split(' ').collect();
            for start in 0..words.len() {
                for end in start + 2..=words.len() {
                    out.insert(words[start..end].join(" "));
                }
            }
        }
        out
    })
}

/// Whether one side spells out the other's initials ("u s" → "united
/// states"): a name written in full, as spinners do.
fn is_acronym_expansion(a: &[&str], b: &[&str]) -> bool {
    let initials = |short: &[&str], long: &[&str]| {
        short.len() == long.len()
            && short.len() >= 2
            && short.iter().all(|w| w.chars().count() == 1)
            && short
                .iter()
                .zip(long)
                .all(|(s, l)| l.starts_with(s) && l.len() > 1)
    };
    initials(a, b) || initials(b, a)
}

/// OCR confusions read as one character, so that "govemment" is one edit
/// from "government" and "1ower" one from "lower".
fn ocr_folded(word: &str) -> Vec<char> {
    let folded = word
        .replace("rn", "m")
        .replace("cl", "d")
        .replace("vv", "w")
        .replace("li", "h");
    folded
        .chars()
        .map(|c| match c {
            '1' | 'i' | '|' => 'l',
            '0' => 'o',
            '5' => 's',
            'c' => 'e',
            _ => c,
        })
        .collect()
}

/// Whether two words are one typo or OCR error apart: a Damerau-Levenshtein
/// distance of 1 (on the words or on their OCR-folded forms), or 2 when both
/// have 6 characters or more (shorter words two edits apart are often
/// different words: "rose" and "rise" are one apart, "sold" and "said" two).
fn is_typo(a: &str, b: &str) -> bool {
    let distance = strsim::damerau_levenshtein(a, b);
    let shortest = a.chars().count().min(b.chars().count());
    if distance <= 1 || (distance == 2 && shortest >= 6) {
        return true;
    }
    let (fa, fb) = (ocr_folded(a), ocr_folded(b));
    fa == fb || strsim::generic_damerau_levenshtein(&fa, &fb) <= 1
}

/// Judge one word (or expression) swap.
fn classify_one(from: &str, to: &str, reference: &Reference) -> SubstitutionKind {
    // Lemmas in their own right first: "grouping" for "group" is a
    // thesaurus pick, "companies" for "company" an inflection.
    if reference.are_lemma_synonyms(from, to) {
        return SubstitutionKind::Synonym;
    }
    if reference.same_lemma(from, to) {
        return SubstitutionKind::Inflection;
    }
    // Before typos: "increased" and "decreased" are two letters apart.
    if reference.are_opposites(from, to) {
        return SubstitutionKind::Opposite;
    }
    // Before typos too: spelling variants and near spellings the reference
    // gives as synonyms ("privatised" → "privatized", "economic" →
    // "economical") are a thesaurus's picks.
    if reference.are_synonyms(from, to) {
        return SubstitutionKind::Synonym;
    }
    if !from.contains(' ') && !to.contains(' ') && is_typo(from, to) {
        return SubstitutionKind::Typo;
    }
    if from.contains(|c: char| c.is_ascii_digit()) || to.contains(|c: char| c.is_ascii_digit()) {
        return SubstitutionKind::Value;
    }
    if reference.is_value(from) || reference.is_value(to) {
        return SubstitutionKind::Value;
    }
    // One word of a multi-word synonym, the other cut off by the aligner
    // where it matched a word nearby ("profit" → "net income" mined as
    // "profit" → "income").
    if reference.is_part_of_synonym(from, to) || reference.is_part_of_synonym(to, from) {
        return SubstitutionKind::Synonym;
    }
    // Known to the reference: both English words (in the frequency list or
    // WordNet) and one of them a WordNet lemma, whose synonyms are then
    // known ("the" → "agency" is no thesaurus pick).
    if reference.is_word(from)
        && reference.is_word(to)
        && (reference.knows(from) || reference.knows(to))
    {
        return SubstitutionKind::Unrelated;
    }
    SubstitutionKind::Unknown
}

/// Judge a mined swap of normalized words. Sides of the same length are
/// judged word by word (adjacent swaps merge into one edit): any position
/// that is a typo, value or opposite makes the whole a non-spin swap, and it
/// is a synonym swap when every changed word is one. Sides of different
/// lengths are judged whole, then word against word for a typo or an
/// opposite inside ("business in" → "busiuess", "cent lower" → "higher").
pub fn classify_substitution(from: &str, to: &str, reference: &Reference) -> SubstitutionKind {
    if formal_names().contains(&(from.to_owned(), to.to_owned())) {
        return SubstitutionKind::FormalName;
    }
    let (a, b): (Vec<&str>, Vec<&str>) = (from.split(' ').collect(), to.split(' ').collect());
    // One side inside the other: the aligner cut a dropped word together
    // with its unchanged neighbour.
    let inside = |short: &[&str], long: &[&str]| {
        short.len() < long.len() && short.iter().all(|w| long.contains(w))
    };
    if inside(&a, &b) || inside(&b, &a) {
        return SubstitutionKind::Deletion;
    }
    // A word of one side that no English list knows and the other side does
    // not share is a misspelling ("neaarly", "prediict"), however the edit
    // around it was cut; a name the edit runs over is on both sides or is no
    // swap. Spinners take their words from a thesaurus.
    let non_word = |word: &&str, other: &[&str]| {
        word.chars().all(char::is_alphabetic) && !other.contains(word) && !reference.is_word(word)
    };
    if (!reference.knows(from) && a.iter().any(|w| non_word(w, &b)))
        || (!reference.knows(to) && b.iter().any(|w| non_word(w, &a)))
    {
        return SubstitutionKind::Typo;
    }
    if is_acronym_expansion(&a, &b)
        || (b.len() >= 2 && formal_name_runs().contains(to) && !to.contains(from))
    {
        return SubstitutionKind::FormalName;
    }
    if a.len() != b.len() || a.len() == 1 {
        let whole = classify_one(from, to, reference);
        if whole != SubstitutionKind::Unknown && whole != SubstitutionKind::Unrelated {
            return whole;
        }
        let mut inside = None;
        for x in &a {
            for y in &b {
                if x == y {
                    continue;
                }
                if reference.are_opposites(x, y) {
                    inside = Some(SubstitutionKind::Opposite);
                } else if inside.is_none() && !reference.are_synonyms(x, y) && is_typo(x, y) {
                    inside = Some(SubstitutionKind::Typo);
                }
            }
        }
        // An expression the reference does not know may still be a typo of
        // its source: "thegovernment" for "the government".
        if inside.is_none() && strsim::normalized_damerau_levenshtein(from, to) >= 0.85 {
            inside = Some(SubstitutionKind::Typo);
        }
        return inside.unwrap_or(if a.len() == b.len() {
            whole
        } else {
            SubstitutionKind::Unknown
        });
    }
    let kinds: Vec<SubstitutionKind> = a
        .iter()
        .zip(&b)
        .filter(|(x, y)| x != y)
        .map(|(x, y)| classify_one(x, y, reference))
        .collect();
    // A changed fact or a typo anywhere makes the swap no spinner's.
    for kind in [
        SubstitutionKind::Typo,
        SubstitutionKind::Value,
        SubstitutionKind::Opposite,
    ] {
        if kinds.contains(&kind) {
            return kind;
        }
    }
    for kind in [
        SubstitutionKind::Synonym,
        SubstitutionKind::Unrelated,
        SubstitutionKind::Inflection,
    ] {
        if kinds.iter().all(|&k| k == kind) {
            return kind;
        }
    }
    // Mixed: known words that are not synonyms one for one may be a swap
    // split differently ("went up" for "rose sharply").
    SubstitutionKind::Unknown
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{align, RewriteConfig};
    use copydesk_text::tokenize;

    #[test]
    fn swaps_are_counted_from_source_to_rewrite() {
        let config = RewriteConfig::default();
        let docs = [
            ("s1", "Officials said the harvest was poor in 1987."),
            ("r1", "Officials stated the crop was poor in 1988."),
            ("s2", "The minister said prices rose."),
            ("r2", "The minister stated prices ascended."),
        ];
        let tokens: Vec<_> = docs.iter().map(|(_, t)| tokenize(t)).collect();
        let first = align(docs[0].1, &tokens[0], docs[1].1, &tokens[1], &config);
        // Given reversed, with the source said to be b.
        let second = align(docs[3].1, &tokens[3], docs[2].1, &tokens[2], &config);
        let pairs = [
            PairEdits::from_edits(["s1", "r1"], &first.edits, None),
            PairEdits::from_edits(["r2", "s2"], &second.edits, Some(Side::B)),
        ];
        let options = MineOptions {
            max_examples: 5,
            reference: Reference::builtin(),
            all: false,
        };
        let mined = mine(pairs.clone(), &options);
        let got: Vec<(&str, &str, u64)> = mined
            .iter()
            .map(|s| (s.from.as_str(), s.to.as_str(), s.count))
            .collect();
        assert_eq!(
            got,
            [
                ("said", "stated", 2),
                ("harvest", "crop", 1),
                ("rose", "ascended", 1)
            ]
        );
        assert_eq!(
            mined[0].examples,
            [
                ["s1".to_owned(), "r1".to_owned()],
                ["s2".to_owned(), "r2".to_owned()]
            ]
        );
        assert!(mined.iter().all(|s| s.kind == SubstitutionKind::Synonym));
        let one = MineOptions {
            max_examples: 1,
            ..options
        };
        assert_eq!(mine(pairs, &one)[0].examples.len(), 1);
    }

    #[test]
    fn only_synonym_like_swaps_are_kept() {
        let reference = Reference::builtin();
        let kind = |from: &str, to: &str| classify_substitution(from, to, reference);
        use SubstitutionKind::*;
        for (from, to, expected) in [
            ("said", "stated", Synonym),
            ("purchase", "buy", Synonym),
            ("rose", "went up", Synonym),
            ("said the harvest", "stated the crop", Synonym),
            ("russia", "russian federation", FormalName),
            ("china", "people's republic of china", FormalName),
            ("the", "tbe", Typo),
            ("government", "govemment", Typo),
            ("modern", "modem", Typo),
            ("lower", "1ower", Typo),
            ("company", "cornpany", Typo),
            ("rose", "fell", Opposite),
            ("higher", "lower", Opposite),
            ("bought", "sold", Opposite),
            ("increased", "decreased", Opposite),
            ("tuesday", "wednesday", Value),
            ("three", "four", Value),
            ("northern", "southern", Opposite),
            ("rises", "rose", Inflection),
            ("company", "companies", Inflection),
            ("wheat", "parliament", Unrelated),
            ("said", "zorblax", Typo),
            ("and", "neaarly", Typo),
            ("said", "arrivillaga's", Unknown),
            ("tonnes", "ts", Synonym),
            ("profit", "income", Synonym),
            ("banks", "companies", Synonym),
            ("countries", "res publicas", Synonym),
            ("get the", "get", Deletion),
            ("the", "agency", Unrelated),
            ("prices rose", "prices fell", Opposite),
            ("the government", "tbe government", Typo),
            ("west", "federal republic of", FormalName),
            ("u k", "united kingdom", FormalName),
            ("group", "grouping", Synonym),
            ("privatised", "privatized", Synonym),
            ("quarter", "twenty five percent", Synonym),
            ("business in", "busiuess", Typo),
            ("cent lower", "higher", Opposite),
            ("said he", "stated", Unknown),
        ] {
            assert_eq!(kind(from, to), expected, "{from} -> {to}");
        }
        let pairs = [PairEdits {
            ids: ["s", "r"],
            replacements: vec![("said", "stated"), ("the", "tbe"), ("rose", "fell")],
            source: None,
        }];
        let options = MineOptions {
            max_examples: 5,
            reference,
            all: false,
        };
        let kept: Vec<(String, SubstitutionKind)> = mine(pairs.clone(), &options)
            .into_iter()
            .map(|s| (s.to, s.kind))
            .collect();
        assert_eq!(kept, [("stated".to_owned(), Synonym)]);
        let all = MineOptions {
            all: true,
            ..options
        };
        let kinds: Vec<SubstitutionKind> = mine(pairs, &all).into_iter().map(|s| s.kind).collect();
        assert_eq!(kinds, [Opposite, Synonym, Typo]);
    }
}
