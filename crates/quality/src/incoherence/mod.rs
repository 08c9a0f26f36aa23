//! Incoherence: leaked page furniture (datestamps, bylines, captions, links),
//! dangling references at the start of a story, paragraphs stitched in from
//! another story, truncated endings and repeated sentences.
//!
//! One rule family per file: the furniture patterns (`patterns`), dangling
//! openings (`dangling`), stitched paragraphs (`stitched`), truncated
//! endings (`truncated`) and repeated runs of words (`repeated`). [`check`]
//! runs the others; the checker runs the patterns first, on their own,
//! because the furniture model reads their spans.

mod dangling;
mod patterns;
mod repeated;
mod stitched;
mod truncated;

pub use patterns::FurnitureMatcher;
pub use stitched::StitchedWeights;

use crate::doc::Analysis;
use crate::{Flag, NgramModel, QualityConfig};
use dangling::{dangling_paragraphs, dangling_start};
use repeated::repeated_sentences;
use stitched::stitched_paragraphs;
use truncated::truncated_ending;

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
