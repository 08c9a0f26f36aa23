//! Whether a surprising word stands where one of its synonyms would sit
//! better: rare is not swapped, so a statistical flag needs a synonym that
//! the counts, or the reference's word pairs, show far more at home there.

use super::model::{pair_key, NgramModel};
use super::Surprise;
use crate::doc::{Analysis, CLOSED};

/// The pair count and ratio for a neighbour that is a function word: "the
/// issues" against "the matters" mostly says how common the noun is, so
/// only a lopsided count shows a swap.
const SWAP_MIN_CLOSED_PAIR_COUNT: u32 = 5;
const SWAP_MIN_CLOSED_PAIR_RATIO: f64 = 10.0;

/// Most Zipf frequency of a synonym that can show a swap.
const SWAP_MAX_SYNONYM_ZIPF: f32 = 6.0;

/// The same for the synonym's pair with a neighbour against the word's.
const SWAP_MIN_PAIR_RATIO: f64 = 3.0;

/// Fewest times a synonym's pair with a neighbour must be counted to show
/// it is the usual wording there.
const SWAP_MIN_PAIR_COUNT: u32 = 2;

/// Evidence that a spinner put surprise `s`'s word in place of a synonym:
/// a synonym (in the word's inflection) that the counts, or the
/// reference's word pairs, show far more at home there. Returns the
/// reason in words ("\"writer\" is counted 40 times more"), `None` without
/// such a synonym.
pub(super) fn likely_original(
    analysis: &Analysis<'_>,
    s: &Surprise,
    model: &NgramModel,
) -> Option<String> {
    let reference = crate::Reference::builtin();
    let toks = &analysis.tokens.tokens;
    let i = s.token;
    let word = analysis.word(i);
    let synonyms = reference.surface_synonyms(word);
    let neighbours = [
        s.pair_counts[0].map(|count| (toks[i - 1].hash, count)),
        s.pair_counts[1].map(|count| (toks[i + 1].hash, count)),
    ];
    let mut best: Option<(f64, String)> = None;
    for synonym in synonyms.iter().skip(1) {
        let synonym_hash = xxhash_rust::xxh3::xxh3_64(synonym.as_bytes());
        // Everyday words ("have", "do", "first") are a synonym of something
        // through some sense; being more frequent than the word is rarity,
        // not a swap: the evidence is the synonym's pairing with a neighbour.
        if reference.zipf(synonym).unwrap_or(0.0) > SWAP_MAX_SYNONYM_ZIPF {
            continue;
        }
        let mut strength = 0.0;
        let mut reason = String::new();
        for (side, neighbour) in neighbours.iter().enumerate() {
            let Some((neighbour_hash, own_pair)) = *neighbour else {
                continue;
            };
            let neighbour_index = if side == 0 { i - 1 } else { i + 1 };
            // "the issues" against "the matters" says how common the noun
            // is; "budget deficit" against "budget shortfall" is a pairing.
            let closed_neighbour = analysis.classes[neighbour_index] & CLOSED != 0;
            let (left, right) = if side == 0 {
                (neighbour_hash, synonym_hash)
            } else {
                (synonym_hash, neighbour_hash)
            };
            let pair = model.pair_count(pair_key(left, right));
            let neighbour_word = analysis.word(neighbour_index);
            let written = if side == 0 {
                format!("\"{neighbour_word} {synonym}\"")
            } else {
                format!("\"{synonym} {neighbour_word}\"")
            };
            let (least_pair, ratio) = if closed_neighbour {
                (SWAP_MIN_CLOSED_PAIR_COUNT, SWAP_MIN_CLOSED_PAIR_RATIO)
            } else {
                (SWAP_MIN_PAIR_COUNT, SWAP_MIN_PAIR_RATIO)
            };
            if pair >= least_pair {
                let pair_strength = f64::from(pair) / (own_pair + 1.0) / ratio;
                if pair_strength > strength {
                    strength = pair_strength;
                    reason = format!("{written} is counted {pair} times");
                }
            }
            let own_listed = reference
                .sequence_count_log10(
                    if side == 0 {
                        neighbour_hash
                    } else {
                        toks[i].hash
                    },
                    if side == 0 {
                        toks[i].hash
                    } else {
                        neighbour_hash
                    },
                )
                .is_some();
            if !own_listed && !closed_neighbour {
                if let Some(log10) = reference.sequence_count_log10(left, right) {
                    // A listed pair against an unlisted one: the word's pair is
                    // rarer than the listed threshold.
                    let listed_strength = f64::from(log10) / 70.0;
                    if listed_strength > strength {
                        strength = listed_strength;
                        reason = format!("{written} is a common pairing");
                    }
                }
            }
        }
        if strength >= 1.0 && best.as_ref().map_or(true, |(b, _)| strength > *b) {
            best = Some((strength, reason));
        }
    }
    best.map(|(_, reason)| reason)
}
