//! Thresholds of the collocation rules and the weights of the per-word spin
//! model, with the defaults they were fitted or tuned at.

/// Weights of the per-word spin model: a logistic regression on counts of the
/// word and of its pairs with its left and right neighbours, fitted by
/// `scripts/fit_spin_weights.py` on the dev quarter of Reuters-21578 (words
/// a thesaurus spinner put in, against the words of clean and spun articles
/// that it left alone). Counts are rescaled to a reference of
/// [`SpinWordWeights::fitted_reference_words`] words first, so a smaller or
/// larger reference reads on the same scale.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SpinWordWeights {
    /// Constant term of the log-odds.
    pub intercept: f64,
    /// Per nat of `ln(count + 0.5)` of the word: common words are seldom synonyms.
    pub log_count: f64,
    /// When the word has a left neighbour in the same phrase.
    pub left_joined: f64,
    /// Per nat of `ln(count + 0.5)` of the pair with the left neighbour.
    pub left_log_pair: f64,
    /// Per nat of the left pair's association, `ln((pair + 0.5) / (expected + 0.5))`.
    pub left_association: f64,
    /// When the word has a right neighbour in the same phrase.
    pub right_joined: f64,
    /// Per nat of `ln(count + 0.5)` of the pair with the right neighbour.
    pub right_log_pair: f64,
    /// Per nat of the right pair's association.
    pub right_association: f64,
    /// When the word occurs more than once in the document (its topic, not a spinner's pick).
    pub repeated: f64,
    /// Log-odds of a word being a spinner's in the fitting data (the prior the
    /// model's output is compared with).
    pub prior_logit: f64,
    /// Reference size the weights were fitted at.
    pub fitted_reference_words: f64,
}

impl Default for SpinWordWeights {
    fn default() -> Self {
        SpinWordWeights {
            intercept: 0.4095,
            log_count: -0.4037,
            left_joined: 0.4644,
            left_log_pair: -0.0612,
            left_association: -0.4869,
            right_joined: 0.3580,
            right_log_pair: -0.0356,
            right_association: -0.5510,
            repeated: -0.3136,
            prior_logit: -1.1828,
            fitted_reference_words: 1_317_067.0,
        }
    }
}

/// Thresholds of the collocation rules.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StatsConfig {
    /// A word seen fewer times than this per million reference words counts as rare.
    pub rare_per_million_words: f64,
    /// Pairs whose expected count (from their words' frequencies) is below this
    /// are not judged by the surprise rules.
    pub min_expected_pair: f64,
    /// Per-word surprise (in nats) at or above which a word is flagged in any document.
    pub flag_surprise: f64,
    /// In a document that as a whole looks spun, a content word whose
    /// spin log-odds ([`SpinWordWeights`]) reach this is flagged `spun_word`.
    pub spun_word_min_logit: f64,
    /// Document spin evidence (before the exponential squashing) from which a
    /// document counts as spun for [`StatsConfig::spun_word_min_logit`].
    pub spun_document_evidence: f64,
    /// The same threshold on the evidence including mined substitutions
    /// (used when a substitution lexicon matched the document).
    pub spun_document_evidence_with_substitutions: f64,
    /// Weight of the mean per-word likelihood ratio in the document spin score.
    pub spin_weight: f64,
    /// Share of replaced words the document likelihood ratio is computed for
    /// (a light spin: the hardest case to tell from clean text).
    pub assumed_spin_share: f64,
    /// Pseudo-count of unsurprising words added to every document's mean.
    pub evidence_prior_words: f64,
    /// Fewest judged words for a document to get the lower per-word threshold.
    pub min_judged_words: usize,
    /// Factor on the rarity of a word that occurs more than once in the document.
    pub repeated_word_discount: f64,
    /// References smaller than this many words are too thin to judge by.
    pub min_reference_words: u64,
    /// Word counts are those of the reference plus those of this many times
    /// its size of everyday English (the shipped word frequencies): a small
    /// corpus has not seen "great" yet, and that is no sign of a spinner.
    pub english_prior_weight: f64,
    /// Reference size (words) at which the statistical evidence counts half
    /// of what a very large reference's would: the evidence is scaled by
    /// `words / (words + reliable_reference_words)`.
    pub reliable_reference_words: f64,
    /// The per-word spin model.
    pub weights: SpinWordWeights,
}

impl Default for StatsConfig {
    fn default() -> Self {
        StatsConfig {
            rare_per_million_words: 16.0,
            min_expected_pair: 1.0,
            flag_surprise: 5.0,
            spun_word_min_logit: -1.0,
            spun_document_evidence: 0.4,
            spun_document_evidence_with_substitutions: 3.5,
            spin_weight: 2.0,
            assumed_spin_share: 0.05,
            min_reference_words: 10_000,
            english_prior_weight: 1.0,
            reliable_reference_words: 50_000.0,
            repeated_word_discount: 0.25,
            evidence_prior_words: 20.0,
            min_judged_words: 40,
            weights: SpinWordWeights::default(),
        }
    }
}
