//! Page-furniture patterns from the lexicon, compiled once per checker and
//! matched against each document.

use crate::doc::Analysis;
use crate::lexicon::{FurnitureCategory, FurniturePattern};
use crate::{flag, Category, Flag};
use copydesk_common::{Error, Result};
use regex::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};

/// Page-furniture patterns, compiled: a regex set decides in one pass which
/// patterns can match, and only those run to find spans.
pub struct FurnitureMatcher {
    set: Option<RegexSet>,
    patterns: Vec<(Regex, FurniturePattern)>,
}

impl FurnitureMatcher {
    /// Compile `patterns` in multi-line mode.
    pub fn new(patterns: &[FurniturePattern]) -> Result<FurnitureMatcher> {
        let compile_error = |p: &FurniturePattern, e: regex::Error| Error::DataFile {
            path: p.source.path.clone(),
            line: p.source.line,
            message: format!("bad regular expression: {e}"),
        };
        let mut compiled = Vec::with_capacity(patterns.len());
        for p in patterns {
            let regex = RegexBuilder::new(&p.pattern)
                .multi_line(true)
                .build()
                .map_err(|e| compile_error(p, e))?;
            compiled.push((regex, p.clone()));
        }
        let set = if patterns.is_empty() {
            None
        } else {
            Some(
                RegexSetBuilder::new(patterns.iter().map(|p| p.pattern.as_str()))
                    .multi_line(true)
                    .build()
                    .map_err(|e| {
                        Error::Config(format!("cannot compile furniture patterns: {e}"))
                    })?,
            )
        };
        Ok(FurnitureMatcher {
            set,
            patterns: compiled,
        })
    }

    /// Flag every furniture match in the document.
    pub fn check(&self, analysis: &Analysis<'_>, flags: &mut Vec<Flag>) {
        let Some(set) = &self.set else { return };
        let text = analysis.text;
        let matched = set.matches(text);
        if !matched.matched_any() {
            return;
        }
        for index in matched.iter() {
            let (regex, pattern) = &self.patterns[index];
            for found in regex.find_iter(text) {
                let (mut start, mut end) = (found.start(), found.end());
                // Report the visible text, not surrounding spaces.
                let inner = &text[start..end];
                start += inner.len() - inner.trim_start().len();
                end -= inner.len() - inner.trim_end().len();
                if start >= end {
                    continue;
                }
                let category = match pattern.category {
                    FurnitureCategory::Metadata => Category::Metadata,
                    FurnitureCategory::Boilerplate => Category::Boilerplate,
                };
                flags.push(flag(
                    text,
                    &pattern.rule,
                    category,
                    (start, end),
                    format!(
                        "page furniture ({}) leaked into the article text",
                        pattern.rule.replace('_', " ")
                    ),
                    0.8,
                ));
            }
        }
    }
}
