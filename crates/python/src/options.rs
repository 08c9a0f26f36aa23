//! The keyword options of `copydesk.dedup`, `check` and `scan`, named as the
//! CLI's flags (`--num-perm 128` is `num_perm=128`, `--no-rewrites` is
//! `rewrites=False`), turned into the library's configurations.

use copydesk::corpus::ReadOptions;
use copydesk::dedup::{DedupConfig, MinHashScheme, ShingleKind};
use copydesk::pipeline::{CheckConfig, Config, EditsOutput, PairsOutput, Prefer};
use copydesk::quality::{HeuristicsConfig, QualityConfig};
use copydesk::report::html::ReportLimits;
use copydesk::rewrite::{FunctionWords, RewriteConfig};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyString};
use std::path::PathBuf;

/// Which function the options were given to: each takes the options of its
/// CLI subcommand.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Dedup,
    Check,
    Scan,
}

const COMMON: &[&str] = &["skip_invalid", "threads"];
const DEDUP: &[&str] = &[
    "threshold",
    "containment",
    "ngram",
    "shingle",
    "num_perm",
    "minhash",
    "seed",
    "bands",
    "prefer",
    "edits",
    "pairs",
    "rewrites",
    "rewrite_similarity",
    "function_words",
    "reference",
    "all_substitutions",
];
const CHECK: &[&str] = &[
    "corpus_stats",
    "model",
    "lexicon",
    "substitutions",
    "min_substitution_count",
    "heuristics",
];
const SCAN: &[&str] = &["min_quality", "report_clusters", "report_flagged"];

/// Options as given, checked against the command's names.
pub struct Options<'py> {
    given: Bound<'py, PyDict>,
    /// Worker threads (`--threads`); the global pool when absent.
    pub threads: Option<usize>,
    /// `--skip-invalid`: bad rows go to `rejected` instead of failing the call.
    skip_invalid: bool,
}

impl<'py> Options<'py> {
    /// The options of `command`; a name it does not take is a `TypeError`
    /// listing those it does.
    pub fn parse(given: &Bound<'py, PyDict>, command: Command) -> PyResult<Options<'py>> {
        let mut known: Vec<&str> = COMMON.to_vec();
        if command != Command::Check {
            known.extend_from_slice(DEDUP);
        }
        if command != Command::Dedup {
            known.extend_from_slice(CHECK);
        }
        if command == Command::Scan {
            known.extend_from_slice(SCAN);
        }
        for key in given.keys() {
            let key: String = key.extract()?;
            if !known.contains(&key.as_str()) {
                known.sort_unstable();
                return Err(PyTypeError::new_err(format!(
                    "unknown option {key:?}; known: {}",
                    known.join(", ")
                )));
            }
        }
        let options = Options {
            given: given.clone(),
            threads: None,
            skip_invalid: false,
        };
        Ok(Options {
            threads: options.positive("threads")?,
            skip_invalid: options.flag("skip_invalid", false)?,
            ..options
        })
    }

    fn value<T: FromPyObject<'py>>(&self, name: &str, what: &str) -> PyResult<Option<T>> {
        match self.given.get_item(name)? {
            None => Ok(None),
            Some(value) if value.is_none() => Ok(None),
            Some(value) => value.extract().map(Some).map_err(|_| {
                PyTypeError::new_err(format!("option {name}: expected {what}, got {value}"))
            }),
        }
    }

    fn flag(&self, name: &str, default: bool) -> PyResult<bool> {
        match self.given.get_item(name)? {
            None => Ok(default),
            Some(value) if value.is_instance_of::<PyBool>() => value.extract(),
            Some(value) => Err(PyTypeError::new_err(format!(
                "option {name}: expected True or False, got {value}"
            ))),
        }
    }

    fn positive(&self, name: &str) -> PyResult<Option<usize>> {
        match self.value::<usize>(name, "a positive integer")? {
            Some(0) => Err(PyValueError::new_err(format!(
                "option {name}: must be positive"
            ))),
            other => Ok(other),
        }
    }

    fn fraction(&self, name: &str) -> PyResult<Option<f64>> {
        match self.value::<f64>(name, "a number")? {
            Some(x) if !(0.0..=1.0).contains(&x) => Err(PyValueError::new_err(format!(
                "option {name}: {x} is not in [0, 1]"
            ))),
            other => Ok(other),
        }
    }

    fn choice(&self, name: &str, choices: &[&str]) -> PyResult<Option<String>> {
        let value: Option<String> = self.value(name, "a string")?;
        match value {
            Some(v) if !choices.contains(&v.as_str()) => Err(PyValueError::new_err(format!(
                "option {name}: {v:?} is not one of {}",
                choices.join(", ")
            ))),
            other => Ok(other),
        }
    }

    /// One path or a list of them.
    fn paths(&self, name: &str) -> PyResult<Vec<PathBuf>> {
        match self.given.get_item(name)? {
            None => Ok(Vec::new()),
            Some(value) if value.is_none() => Ok(Vec::new()),
            Some(value) if value.is_instance_of::<PyString>() => Ok(vec![value.extract()?]),
            Some(value) => value.extract::<PathBuf>().map(|p| vec![p]).or_else(|_| {
                value.extract().map_err(|_| {
                    PyTypeError::new_err(format!(
                        "option {name}: expected a path or a list of paths, got {value}"
                    ))
                })
            }),
        }
    }

    fn path(&self, name: &str) -> PyResult<Option<PathBuf>> {
        self.value(name, "a path")
    }

    /// How records are read: only `skip_invalid` applies to rows in memory.
    pub fn read(&self) -> ReadOptions {
        ReadOptions {
            skip_invalid: self.skip_invalid,
            ..ReadOptions::default()
        }
    }

    /// The configuration of `copydesk dedup` with these options.
    pub fn dedup_config(&self) -> PyResult<Config> {
        let defaults = DedupConfig::default();
        let mut rewrite = RewriteConfig::default();
        if let Some(value) = self.fraction("rewrite_similarity")? {
            rewrite.similarity_threshold = value;
        }
        if let Some(path) = self.path("function_words")? {
            rewrite.function_words = FunctionWords::load(&path).map_err(crate::error)?;
        }
        if let Some(path) = self.path("reference")? {
            let reference = copydesk::quality::Reference::load(&path).map_err(crate::error)?;
            rewrite.reference = Some(std::sync::Arc::new(reference));
        }
        rewrite.all_substitutions = self.flag("all_substitutions", false)?;
        // `containment=False` is `--no-containment`; a number is `--containment X`.
        let containment_off = self
            .given
            .get_item("containment")?
            .is_some_and(|v| v.is_instance_of::<PyBool>() && !v.is_truthy().unwrap_or(true));
        let containment_threshold = if containment_off {
            defaults.containment_threshold
        } else {
            self.fraction("containment")?
                .unwrap_or(defaults.containment_threshold)
        };
        let shingle = match self.choice("shingle", &["words", "chars"])?.as_deref() {
            Some("chars") => ShingleKind::Chars,
            Some(_) => ShingleKind::Words,
            None => defaults.shingle,
        };
        let minhash =
            match (self.choice("minhash", &["one-permutation", "permutations"])?).as_deref() {
                Some("permutations") => MinHashScheme::Permutations,
                Some(_) => MinHashScheme::OnePermutation,
                None => defaults.minhash,
            };
        let prefer = match (self.choice("prefer", &["longest", "earliest", "first", "quality"])?)
            .as_deref()
        {
            Some("earliest") => Prefer::Earliest,
            Some("first") => Prefer::First,
            Some("quality") => Prefer::Quality,
            _ => Prefer::Longest,
        };
        let pairs = match (self.choice("pairs", &["representative", "all"])?).as_deref() {
            Some("all") => PairsOutput::All,
            _ => PairsOutput::Representative,
        };
        let edits = match (self.choice("edits", &["all", "spun", "none"])?).as_deref() {
            Some("all") => EditsOutput::All,
            Some("none") => EditsOutput::None,
            _ => EditsOutput::Spun,
        };
        let config = Config {
            read: self.read(),
            dedup: DedupConfig {
                shingle,
                ngram: self.positive("ngram")?.unwrap_or(defaults.ngram),
                num_perm: self.positive("num_perm")?.unwrap_or(defaults.num_perm),
                minhash,
                seed: self.value("seed", "an integer")?.unwrap_or(defaults.seed),
                jaccard_threshold: (self.fraction("threshold")?)
                    .unwrap_or(defaults.jaccard_threshold),
                containment_threshold,
                containment: !containment_off,
                num_bands: self.positive("bands")?,
            },
            prefer,
            rewrites: self.flag("rewrites", true)?,
            rewrite,
            edits,
            pairs,
        };
        config.validate().map_err(crate::error)?;
        Ok(config)
    }

    /// The configuration of `copydesk check` with these options.
    pub fn check_config(&self) -> PyResult<CheckConfig> {
        let mut quality = QualityConfig::default();
        if self
            .choice("heuristics", &["news", "datatrove"])?
            .as_deref()
            == Some("datatrove")
        {
            quality.heuristics = HeuristicsConfig::datatrove();
        }
        let model = self.path("model")?;
        let corpus_stats = self.flag("corpus_stats", true)?;
        if model.is_some() && self.given.contains("corpus_stats")? {
            return Err(PyValueError::new_err(
                "options model and corpus_stats cannot be used together",
            ));
        }
        Ok(CheckConfig {
            read: self.read(),
            quality,
            lexicon_files: self.paths("lexicon")?,
            substitution_files: self.paths("substitutions")?,
            min_substitution_count: self.positive("min_substitution_count")?.unwrap_or(2) as u64,
            model,
            no_corpus_stats: !corpus_stats,
        })
    }

    /// `min_quality` (`--min-quality`, 0.5 unless given).
    pub fn min_quality(&self) -> PyResult<f64> {
        Ok(self.fraction("min_quality")?.unwrap_or(0.5))
    }

    /// What the report inlines (`--report-clusters`, `--report-flagged`).
    pub fn report_limits(&self) -> PyResult<ReportLimits> {
        let defaults = ReportLimits::default();
        Ok(ReportLimits {
            max_clusters: (self.value("report_clusters", "an integer")?)
                .unwrap_or(defaults.max_clusters),
            max_flagged: (self.value("report_flagged", "an integer")?)
                .unwrap_or(defaults.max_flagged),
            ..defaults
        })
    }
}
