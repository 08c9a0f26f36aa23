//! The features' names and order, and the weights of both stages as read
//! from `data/quality/furniture_weights.tsv` (or a file in its format): a
//! file that leaves a feature out or names one this code does not compute
//! is refused, naming the feature.

use copydesk_common::{Error, Result};
use std::path::Path;

const WEIGHTS: &str = include_str!("../../../../data/quality/furniture_weights.tsv");

/// Features of one line on its own, in the order of the weight vectors.
/// Names are those of `data/quality/furniture_weights.tsv`.
pub const OWN_FEATURES: &[&str] = &[
    "bias",
    "log_words",
    "log_chars",
    "few_words",
    "stopword_share",
    "capital_start",
    "terminal_punct",
    "has_verb",
    "title_share",
    "caps_share",
    "digit_share",
    "date",
    "time",
    "symbol_share",
    "prompt_share",
    "ellipsis_end",
    "colon_end",
    "pattern_any",
    "pattern_cover",
    "first_line",
    "last_line",
    "before_prose",
    "after_prose",
    "prev_prose",
    "next_prose",
    "log_prose_distance",
    "topic_share",
    "no_topic_words",
];

/// Features the second stage adds: the first stage's probabilities of the
/// neighbouring lines (0 where there is none) and whether there is none.
pub const CONTEXT_FEATURES: &[&str] = &[
    "prev_p", "next_p", "prev2_p", "next2_p", "no_prev", "no_next",
];

pub(super) const N_OWN: usize = 28;
/// Second-stage vector: own features, those of the line before and of the
/// line after (all 0 where there is none), then [`CONTEXT_FEATURES`].
pub(super) const N_ALL: usize = 3 * N_OWN + 6;

/// Weights of the two stages and the flagging threshold.
#[derive(Debug, Clone, PartialEq)]
pub struct FurnitureWeights {
    /// First stage: one weight per [`OWN_FEATURES`] entry.
    pub own: Vec<f64>,
    /// Second stage: one weight per [`OWN_FEATURES`] then [`CONTEXT_FEATURES`] entry.
    pub context: Vec<f64>,
    /// A line whose second-stage probability reaches this is flagged.
    pub threshold: f64,
}

/// Position of a feature in the second-stage vector: `NAME`, `prev:NAME`
/// and `next:NAME` for the own features of the line and its neighbours, or
/// a [`CONTEXT_FEATURES`] name.
fn feature_index(name: &str) -> Option<usize> {
    let own = |n: &str| OWN_FEATURES.iter().position(|&f| f == n);
    if let Some(n) = name.strip_prefix("prev:") {
        own(n).map(|i| N_OWN + i)
    } else if let Some(n) = name.strip_prefix("next:") {
        own(n).map(|i| 2 * N_OWN + i)
    } else if let Some(i) = own(name) {
        Some(i)
    } else {
        CONTEXT_FEATURES
            .iter()
            .position(|&f| f == name)
            .map(|i| 3 * N_OWN + i)
    }
}

/// The name of second-stage feature `index`, as the weights file writes it.
pub fn feature_name(index: usize) -> String {
    match index / N_OWN {
        0 => OWN_FEATURES[index].to_owned(),
        1 => format!("prev:{}", OWN_FEATURES[index - N_OWN]),
        2 => format!("next:{}", OWN_FEATURES[index - 2 * N_OWN]),
        _ => CONTEXT_FEATURES[index - 3 * N_OWN].to_owned(),
    }
}

impl FurnitureWeights {
    /// The weights shipped in `data/quality/furniture_weights.tsv`.
    pub fn builtin() -> FurnitureWeights {
        // The embedded file is part of the build and covered by tests.
        FurnitureWeights::parse(Path::new("builtin:furniture_weights.tsv"), WEIGHTS)
            .expect("built-in furniture weights parse")
    }

    /// Read a weights file (`NAME<TAB>FIRST STAGE<TAB>SECOND STAGE` lines,
    /// `threshold<TAB>VALUE`, `#` comments); every feature must be given.
    pub fn parse(path: &Path, text: &str) -> Result<FurnitureWeights> {
        let mut weights = FurnitureWeights {
            own: vec![f64::NAN; N_OWN],
            context: vec![f64::NAN; N_ALL],
            threshold: f64::NAN,
        };
        for (line, content) in text.lines().enumerate() {
            let content = content.trim();
            if content.is_empty() || content.starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = content.split('\t').map(str::trim).collect();
            weights.set(path, line as u64 + 1, &fields)?;
        }
        let missing = (0..N_ALL)
            .find(|&i| weights.context[i].is_nan() || (i < N_OWN && weights.own[i].is_nan()));
        if let Some(i) = missing {
            return Err(Error::DataFile {
                path: path.to_path_buf(),
                line: 0,
                message: format!("no weight for feature {:?}", feature_name(i)),
            });
        }
        if weights.threshold.is_nan() {
            return Err(Error::DataFile {
                path: path.to_path_buf(),
                line: 0,
                message: "no threshold".into(),
            });
        }
        Ok(weights)
    }

    /// Set one entry from its fields: `[NAME, FIRST, SECOND]` (a context
    /// feature's first-stage weight must be 0) or `["threshold", VALUE]`.
    pub fn set(&mut self, path: &Path, line: u64, fields: &[&str]) -> Result<()> {
        let error = |message: String| Error::DataFile {
            path: path.to_path_buf(),
            line,
            message,
        };
        let number = |s: &str| {
            s.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| error(format!("not a number: {s:?}")))
        };
        match fields {
            ["threshold", value] => {
                let value = number(value)?;
                if !(0.0..=1.0).contains(&value) {
                    return Err(error(format!("threshold {value} is not in [0, 1]")));
                }
                self.threshold = value;
            }
            [name, first, second] => {
                let index = feature_index(name)
                    .ok_or_else(|| error(format!("unknown furniture feature {name:?}")))?;
                let (first, second) = (number(first)?, number(second)?);
                if index < N_OWN {
                    self.own[index] = first;
                } else if first != 0.0 {
                    return Err(error(format!(
                        "{name} is a context feature: its first-stage weight must be 0"
                    )));
                }
                self.context[index] = second;
            }
            _ => {
                return Err(error(
                    "expected NAME<TAB>FIRST STAGE<TAB>SECOND STAGE or threshold<TAB>VALUE".into(),
                ))
            }
        }
        Ok(())
    }
}
