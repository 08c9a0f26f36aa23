//! Collocation statistics: word and word-pair counts learned from trusted
//! text (`copydesk fit`), or taken from the corpus being checked with each
//! document's own counts left out. A spinner's synonyms are words the
//! reference rarely uses, or common words in pairs the reference never
//! writes ("charge per unit", "troupe stated"): no lexicon lists those.
//!
//! One step per file: the counts ([`NgramModel`], `model`) and their text
//! format (`model_file`), the thresholds and the per-word spin model
//! (`config`), scoring a document's words against the counts (`measure`),
//! the search for a synonym that would sit better where a word stands
//! (`swap`), and the flags raised from the scores (`flags`).

mod config;
mod flags;
mod measure;
mod model;
mod model_file;
mod swap;

pub use config::{SpinWordWeights, StatsConfig};
pub use flags::{flag_surprises, is_surprise_rule, SPUN_WORD};
pub use measure::{measure, Surprise};
pub use model::{DocCounts, NgramModel};
