//! Scoring a document's content words against the reference counts: each
//! word's rarity, the surprise of its pairs with its neighbours and its spin
//! log-odds, and the document's statistical spin evidence. Flags are raised
//! from these scores in `flags`.

use super::model::{joins, pair_key, DocCounts, NgramModel};
use super::StatsConfig;
use crate::doc::{Analysis, PooledCounter, CLOSED};

/// One judged word: how unexpected it is in the reference.
#[derive(Debug, Clone, Copy)]
pub struct Surprise {
    /// Token index.
    pub token: usize,
    /// Times the word was seen in the reference (own counts removed).
    pub count: f64,
    /// Rarity of the word itself, in nats.
    pub rarity: f64,
    /// Surprise of its pairs with its neighbours, in nats.
    pub pair: f64,
    /// Log-odds that a spinner put the word there ([`SpinWordWeights`](super::SpinWordWeights)).
    pub logit: f64,
    /// Times the reference pairs it with its left and right neighbours
    /// (`None` where punctuation or the sentence edge separates them).
    pub pair_counts: [Option<f64>; 2],
}

impl Surprise {
    /// Total surprise.
    pub fn total(&self) -> f64 {
        self.rarity + self.pair
    }
}

/// How many times a corpus of `words` words of everyday English holds the
/// word with hash `word_hash`, by the shipped word frequencies (0 for an
/// unlisted word).
fn english_count(english: &crate::Reference, word_hash: u64, words: f64) -> f64 {
    if words <= 0.0 {
        return 0.0;
    }
    english
        .zipf_of_hash(word_hash)
        .map_or(0.0, |zipf| words * 10f64.powf(f64::from(zipf) - 9.0))
}

/// Statistics of two adjacent tokens in one phrase, shared by both words'
/// judgements: the pair's counts and the logarithms the spin model needs.
#[derive(Clone, Copy)]
struct GapStats {
    expected: f64,
    observed: f64,
    ln_pair: f64,
    ln_expected: f64,
    /// `ln(expected / (observed + 0.5))`, floored at 0 (0 when not judged).
    surprise: f64,
}

/// Score every content word against the reference; return the document's
/// statistical spin evidence and the per-word surprises. `analysis` must
/// hold the counts of `model` (`Analysis::count_in`).
pub fn measure(
    analysis: &Analysis<'_>,
    model: &NgramModel,
    own: Option<&DocCounts>,
    config: &StatsConfig,
) -> (f64, Vec<Surprise>) {
    let own_words = own.map_or(0, |o| o.total_words);
    let total = model.total_words.saturating_sub(own_words) as f64;
    if total < config.min_reference_words as f64 {
        return (0.0, Vec::new());
    }
    let toks = &analysis.tokens.tokens;
    let text = analysis.text;
    // Each token's count and each joined pair's statistics are looked up in
    // the (large, cache-cold) reference once per document: a content word's
    // neighbours are often content words that need the same figures.
    let mut word_counts = vec![f64::NAN; toks.len()];
    let english = crate::Reference::builtin();
    let prior_words = config.english_prior_weight * total;
    let mut word_count = |i: usize| -> f64 {
        if word_counts[i].is_nan() {
            let c = analysis.reference_counts[i];
            let mine = own.map_or(0, |o| o.words.get(toks[i].hash));
            word_counts[i] = f64::from(c.saturating_sub(mine))
                + english_count(english, toks[i].hash, prior_words);
        }
        word_counts[i]
    };
    let rare_count = (config.rare_per_million_words * total / 1e6).max(1.0);
    // A rare word the story keeps using is its topic ("temporao" in a cocoa
    // report); a spinner's synonym is drawn afresh at each occurrence.
    let mut own_in_doc = PooledCounter::default();
    let in_doc = match own {
        Some(own) => &own.words,
        None => {
            own_in_doc.reset(toks.len());
            for token in toks {
                own_in_doc.add(token.hash);
            }
            &own_in_doc
        }
    };
    let mut surprises = Vec::new();
    let mut evidence_sum = 0.0;
    let weights = &config.weights;
    let rescale = weights.fitted_reference_words / total;
    let share = config.assumed_spin_share.clamp(1e-6, 0.5);
    let spin_odds = share / (1.0 - share);
    // Names, numbers and function words are not what spinners swap.
    let judged: Vec<bool> = (0..toks.len())
        .map(|i| {
            analysis.classes[i] & CLOSED == 0
                && analysis.is_lower_alpha(i)
                && analysis.word(i).len() >= 3
        })
        .collect();
    // The joined pairs next to a judged word, found first and looked up
    // together: in one tight loop the CPU overlaps the cache misses of many
    // lookups in the large pair table.
    let mut pair_lookups: Vec<(usize, u64)> = Vec::new();
    for sentence in &analysis.sentences {
        for left in sentence.first..sentence.end.saturating_sub(1) {
            let right = left + 1;
            if (judged[left] || judged[right])
                && joins(&text[toks[left].end as usize..toks[right].start as usize])
            {
                pair_lookups.push((left, pair_key(toks[left].hash, toks[right].hash)));
            }
        }
    }
    let reference_pairs: Vec<u32> = pair_lookups
        .iter()
        .map(|&(_, key)| model.pair_count(key))
        .collect();
    // gaps[left]: the pair of tokens `left` and `left + 1` when they are
    // joined and next to a judged word.
    let mut gaps: Vec<Option<GapStats>> = vec![None; toks.len()];
    for (&(left, key), &reference) in pair_lookups.iter().zip(&reference_pairs) {
        let mine = own.map_or(0, |o| o.pairs.get(key));
        let observed = f64::from(reference.saturating_sub(mine));
        let expected = word_count(left) * word_count(left + 1) / total;
        let surprise_ratio = expected / (observed + 0.5);
        gaps[left] = Some(GapStats {
            expected,
            observed,
            ln_pair: (observed * rescale + 0.5).ln(),
            ln_expected: (expected * rescale + 0.5).ln(),
            // Only pairs expected often enough are judged by their surprise.
            surprise: if expected >= config.min_expected_pair && surprise_ratio > 1.0 {
                surprise_ratio.ln()
            } else {
                0.0
            },
        });
    }
    for sentence in &analysis.sentences {
        for i in sentence.first..sentence.end {
            if !judged[i] {
                continue;
            }
            let count = word_count(i);
            let repeated = in_doc.get(toks[i].hash) > 1;
            // ln of a ratio at most 1 is at most 0, which the floor makes 0.
            let rarity_ratio = rare_count / (count + 0.5);
            let mut rarity = if rarity_ratio > 1.0 {
                rarity_ratio.ln()
            } else {
                0.0
            };
            if repeated {
                rarity *= config.repeated_word_discount;
            }
            let mut pair_surprise: f64 = 0.0;
            let mut logit = weights.intercept
                + weights.log_count * (count * rescale + 0.5).ln()
                + if repeated { weights.repeated } else { 0.0 };
            let mut pair_counts = [None, None];
            for (side, (left, right)) in [(i.checked_sub(1), i), (Some(i), i + 1)]
                .into_iter()
                .enumerate()
            {
                let Some(left) = left else { continue };
                if left < sentence.first || right >= sentence.end {
                    continue;
                }
                let Some(GapStats {
                    expected,
                    observed,
                    ln_pair,
                    ln_expected,
                    surprise,
                }) = gaps[left]
                else {
                    continue;
                };
                pair_counts[side] = Some(observed);
                let (joined, log_pair, association) = if side == 0 {
                    (
                        weights.left_joined,
                        weights.left_log_pair,
                        weights.left_association,
                    )
                } else {
                    (
                        weights.right_joined,
                        weights.right_log_pair,
                        weights.right_association,
                    )
                };
                logit += joined + log_pair * ln_pair + association * (ln_pair - ln_expected);
                if expected < config.min_expected_pair {
                    continue;
                }
                pair_surprise += surprise;
            }
            // Likelihood ratio of "a spinner replaced a share of the words"
            // against "clean" for this word, from the model's log-odds
            // against its prior; always positive, near 0 for a plain word.
            evidence_sum += (1.0 + spin_odds * (logit - weights.prior_logit).min(30.0).exp()).ln();
            surprises.push(Surprise {
                token: i,
                count,
                rarity,
                pair: pair_surprise,
                logit,
                pair_counts,
            });
        }
    }
    if surprises.is_empty() {
        return (0.0, surprises);
    }
    // Shrink toward "not spun": a short brief's mean rests on few words,
    // and a small reference has not seen most ordinary pairs yet.
    let reliability = total / (total + config.reliable_reference_words);
    let evidence = reliability * config.spin_weight * evidence_sum
        / (surprises.len() as f64 + config.evidence_prior_words);
    (evidence, surprises)
}
