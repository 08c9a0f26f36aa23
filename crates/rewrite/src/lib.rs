//! Rewrites: link spun copies to their source and show every edit.
//!
//! Article spinners swap content words for thesaurus synonyms, common names for
//! formal ones, and drop small words; word n-gram MinHash loses such copies.
//! This wing finds them in three steps, each a pure function so the pipeline
//! can shard them:
//!
//! 1. [`spots`]: per document, shingles over the words a spinner leaves alone
//!    (function words, names, numbers) with each run of content words collapsed
//!    to one placeholder. Their MinHash, banded by LSH, is a second candidate
//!    channel next to the core's word shingles.
//! 2. [`align`]: per candidate pair, a word alignment anchored on words unique
//!    to both documents with dynamic programming between anchors, so its cost
//!    stays near linear in the documents' length. It yields the [`Edit`]s and a
//!    similarity; [`RewriteConfig::accepts`] decides whether the pair is a
//!    rewrite.
//! 3. [`source`] says which document of a pair is the likely source, and
//!    [`mine`] aggregates the replace edits of all rewrite pairs into a
//!    substitution lexicon.
//!
//! [`link`] runs the first two over a corpus: the pairs to align, then their
//! alignments.

use serde::Serialize;

mod align;
mod direction;
mod immutables;
pub mod link;
mod mine;
mod signature;

pub use align::{
    align, align_spans, count_numbers, AlignInput, Aligner, Alignment, PreparedWords, WordEdit,
};
pub use copydesk_reference::SubstitutionKind;
pub use direction::{more_common_side, source, ReplacedWords, Side, WordFrequencies};
pub use immutables::{
    classify, classify_one, classify_word, in_name_phrase, name_phrase_words, FunctionWords,
    WordClass, DEFAULT_FUNCTION_WORDS,
};
pub use mine::{classify_substitution, mine, MineOptions, PairEdits, Substitution};
pub use signature::{sign, signature, spots, symbols, SpotSigner};

/// Parameters of rewrite linking.
#[derive(Debug, Clone, Serialize)]
pub struct RewriteConfig {
    /// Symbols per spot (see [`spots`]).
    pub spot_length: usize,
    /// Spots with fewer immutable symbols (function words, names, numbers) than
    /// this are not signed: they are shared by most of the corpus.
    pub min_spot_anchors: usize,
    /// Collapse runs of names to one placeholder too (formal-name swaps then
    /// leave spots unchanged, at the cost of telling fewer articles apart).
    pub collapse_names: bool,
    /// Bins of the one-permutation MinHash signature of the spots.
    pub num_perm: usize,
    /// Seed of the spot signature's hash.
    pub seed: u64,
    /// LSH bands over the spot signature (rows per band = `num_perm / num_bands`).
    pub num_bands: usize,
    /// Alignment similarity at or above which a pair is a rewrite.
    pub similarity_threshold: f64,
    /// Share of the numbers of the two documents that must be aligned to each
    /// other for a rewrite: spinners leave numbers alone, distinct stories on
    /// the same topic do not share them.
    pub min_number_agreement: f64,
    /// Largest gap between anchors (words × words) aligned by dynamic
    /// programming; larger gaps are first split at anchors unique to the gap.
    pub max_gap_cells: usize,
    /// Most example pair ids kept per mined substitution.
    pub max_examples: usize,
    /// What mined swaps are judged against; `None` is the built-in
    /// [`copydesk_reference::Reference`].
    #[serde(skip)]
    pub reference: Option<std::sync::Arc<copydesk_reference::Reference>>,
    /// Keep every mined swap, whatever its kind, not only synonym-like ones.
    pub all_substitutions: bool,
    /// The function-word list.
    #[serde(skip)]
    pub function_words: FunctionWords,
}

impl Default for RewriteConfig {
    fn default() -> Self {
        RewriteConfig {
            // Measured by scripts/eval_rewrite.py on spun Reuters articles:
            // collapsing name phrases took candidate recall from 0.986 to
            // 0.996, five-symbol spots to 1.000 (six: 0.996, eight: 0.995).
            spot_length: 5,
            min_spot_anchors: 2,
            collapse_names: true,
            // 32 bands of 4 rows: a pair with spot Jaccard 0.5 (the lowest
            // seen for 50% spun copies) becomes a candidate with probability
            // 0.87, at 0.6 (their 5th percentile) 0.99, at 0.1 0.003.
            num_perm: 128,
            seed: 1,
            num_bands: 32,
            similarity_threshold: 0.5,
            min_number_agreement: 0.8,
            max_gap_cells: 16_384,
            max_examples: 5,
            reference: None,
            all_substitutions: false,
            function_words: FunctionWords::default(),
        }
    }
}

impl RewriteConfig {
    /// Check that parameters are in range and agree with each other.
    pub fn validate(&self) -> copydesk_common::Result<()> {
        let problem = if self.spot_length == 0 {
            Some("the rewrite spot length must be at least 1".to_owned())
        } else if self.num_perm == 0 || self.num_bands == 0 || self.num_bands > self.num_perm {
            Some(format!(
                "rewrite bands must be between 1 and the rewrite signature size ({}), got {}",
                self.num_perm, self.num_bands
            ))
        } else if !(0.0..=1.0).contains(&self.similarity_threshold) {
            Some(format!(
                "the rewrite similarity threshold must be in [0, 1], got {}",
                self.similarity_threshold
            ))
        } else if !(0.0..=1.0).contains(&self.min_number_agreement) {
            Some(format!(
                "the rewrite number agreement must be in [0, 1], got {}",
                self.min_number_agreement
            ))
        } else {
            None
        };
        match problem {
            Some(message) => Err(copydesk_common::Error::Config(message)),
            None => Ok(()),
        }
    }

    /// True when an alignment is good enough to call the pair a rewrite.
    pub fn accepts(&self, alignment: &Alignment) -> bool {
        alignment.similarity >= self.similarity_threshold
            && alignment.number_agreement() >= self.min_number_agreement
    }
}

/// The kind of an edit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EditOp {
    /// One to three words of `a` replaced by one to three words of `b`.
    Replace,
    /// Words of `b` absent from `a` (the `a` range is empty, at the place of the insertion).
    Insert,
    /// Words of `a` absent from `b` (the `b` range is empty, at the place of the deletion).
    Delete,
}

/// One difference between two aligned documents.
///
/// Ranges are UTF-8 byte offsets `[start, end)` into each document's original
/// text; `a_text` and `b_text` are those slices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edit {
    /// What changed.
    pub op: EditOp,
    /// Byte range in document `a`.
    pub a: [usize; 2],
    /// Byte range in document `b`.
    pub b: [usize; 2],
    /// The text of the range in `a`.
    pub a_text: String,
    /// The text of the range in `b`.
    pub b_text: String,
    /// Word range in `a` (token indices), for mining and direction.
    #[serde(skip)]
    pub a_words: [u32; 2],
    /// Word range in `b` (token indices).
    #[serde(skip)]
    pub b_words: [u32; 2],
}
