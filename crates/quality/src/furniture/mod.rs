//! Page furniture judged block by block: a logistic model over shallow
//! features of each line of text and of the lines around it, for the
//! navigation entries, share prompts, timestamps, bylines, captions and
//! related headlines that no fixed pattern lists.
//!
//! Two stages, as in jusText's context pass: the first judges a line on its
//! own (length, stop words, sentence shape, title case, figures, dates and
//! times, separators, web prompts, whether a furniture pattern matched); the
//! second adds the first stage's probabilities of the two lines before and
//! after, so a short line between navigation entries is navigation too and a
//! short line between paragraphs of prose is most likely a subheading. The
//! weights are data (`data/quality/furniture_weights.tsv`, fitted by
//! `scripts/fit_furniture.py`).
//!
//! One step per file: the feature names and the weights file (`weights`),
//! a line's own features (`features`), the split into lines and the features
//! that depend on the other lines (`blocks`), and the two-stage model that
//! judges and explains each line (`classifier`).

mod blocks;
mod classifier;
mod features;
mod weights;

pub use blocks::{blocks, Block};
pub use classifier::{check, context_vectors};
pub use weights::{feature_name, FurnitureWeights, CONTEXT_FEATURES, OWN_FEATURES};
