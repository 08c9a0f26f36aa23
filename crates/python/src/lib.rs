//! The `copydesk._native` extension module: the Rust pipeline behind the
//! `copydesk` Python package (`python/copydesk`), which turns data frames and
//! Arrow tables into records and the JSON Lines rows written here into
//! `pyarrow.Table`s.

use copydesk::corpus::{self, ReadOptions};
use copydesk::pipeline::{self, CheckConfig, CheckRun, Config, DedupRun};
use copydesk::progress::NoProgress;
use copydesk::quality::{Checker as QualityChecker, Lexicon, QualityConfig};
use copydesk::report;
use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use std::path::PathBuf;

/// `(id, text, date)` rows in input order.
type Records = Vec<(String, String, Option<String>)>;

fn error(err: copydesk::Error) -> PyErr {
    PyValueError::new_err(err.to_string())
}

fn io_error(err: std::io::Error) -> PyErr {
    PyOSError::new_err(err.to_string())
}

fn read_options(skip_invalid: bool) -> ReadOptions {
    ReadOptions {
        skip_invalid,
        ..ReadOptions::default()
    }
}

/// Rows written by one of the report's JSON Lines writers, as Python bytes.
fn rows<'py>(
    py: Python<'py>,
    write: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>,
) -> PyResult<Bound<'py, PyBytes>> {
    let mut out = Vec::new();
    write(&mut out).map_err(io_error)?;
    Ok(PyBytes::new(py, &out))
}

/// The result of a quality pass over records.
#[pyclass(frozen, module = "copydesk._native")]
struct CheckResult {
    run: CheckRun,
}

#[pymethods]
impl CheckResult {
    /// `documents.jsonl` of `copydesk check`.
    fn documents_jsonl<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        rows(py, |w| report::check::write_documents(w, &self.run))
    }

    /// `rejected.jsonl`: records left out, with the reason.
    fn rejected_jsonl<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        rows(py, |w| {
            report::jsonl::write_rejected(w, &self.run.corpus.rejected)
        })
    }

    /// `summary.json`, as a JSON string.
    fn summary_json(&self) -> String {
        report::check::summary(&self.run, &self.run.timings).to_string()
    }

    /// Write the same files as `copydesk check --out OUT_DIR`, all or nothing.
    fn write(&self, py: Python<'_>, out_dir: PathBuf) -> PyResult<()> {
        py.allow_threads(|| report::check::write_check(&self.run, &out_dir))
            .map(|_| ())
            .map_err(error)
    }
}

/// The result of near-duplicate detection over records.
#[pyclass(frozen, module = "copydesk._native")]
struct DedupResult {
    run: DedupRun,
}

#[pymethods]
impl DedupResult {
    /// `documents.jsonl` of `copydesk dedup`.
    fn documents_jsonl<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        rows(py, |w| report::jsonl::write_documents(w, &self.run))
    }

    /// `pairs.jsonl`.
    fn pairs_jsonl<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        rows(py, |w| report::jsonl::write_pairs(w, &self.run))
    }

    /// `clusters.jsonl`.
    fn clusters_jsonl<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        rows(py, |w| report::jsonl::write_clusters(w, &self.run))
    }

    /// `substitutions.jsonl`.
    fn substitutions_jsonl<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        rows(py, |w| report::jsonl::write_substitutions(w, &self.run))
    }

    /// `rejected.jsonl`.
    fn rejected_jsonl<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        rows(py, |w| {
            report::jsonl::write_rejected(w, &self.run.corpus.rejected)
        })
    }

    /// The run's counts (records read, accepted, unique, clusters, ...) as JSON.
    fn counts_json(&self) -> String {
        serde_json::to_string(&self.run.counts()).unwrap_or_default()
    }

    /// `summary.json` (counts, parameters, timings), as a JSON string.
    fn summary_json(&self) -> String {
        serde_json::to_string(&report::jsonl::summary(&self.run, &self.run.timings))
            .unwrap_or_default()
    }

    /// Write the same files as `copydesk dedup --out OUT_DIR`, all or nothing.
    fn write(&self, py: Python<'_>, out_dir: PathBuf) -> PyResult<()> {
        py.allow_threads(|| report::jsonl::write_dedup(&self.run, &out_dir, None))
            .map(|_| ())
            .map_err(error)
    }
}

/// The quality pass over `records` with corpus statistics unless
/// `corpus_stats` is false (as `copydesk check`, `--no-corpus-stats`).
#[pyfunction]
#[pyo3(signature = (records, source, *, corpus_stats = true, skip_invalid = false))]
fn check(
    py: Python<'_>,
    records: Records,
    source: String,
    corpus_stats: bool,
    skip_invalid: bool,
) -> PyResult<CheckResult> {
    py.allow_threads(|| {
        let read = read_options(skip_invalid);
        let corpus = corpus::from_records(&source, records, &read)?;
        let config = CheckConfig {
            read,
            no_corpus_stats: !corpus_stats,
            ..CheckConfig::default()
        };
        pipeline::run_check_on(corpus, &source, &config, &NoProgress)
    })
    .map(|run| CheckResult { run })
    .map_err(error)
}

/// Near-duplicate detection (and rewrite linking unless `rewrites` is false)
/// over `records`, as `copydesk dedup` with its defaults.
#[pyfunction]
#[pyo3(signature = (records, source, *, threshold = None, containment = None, num_perm = None,
    ngram = None, seed = None, rewrites = true, skip_invalid = false))]
#[allow(clippy::too_many_arguments)]
fn dedup(
    py: Python<'_>,
    records: Records,
    source: String,
    threshold: Option<f64>,
    containment: Option<f64>,
    num_perm: Option<usize>,
    ngram: Option<usize>,
    seed: Option<u64>,
    rewrites: bool,
    skip_invalid: bool,
) -> PyResult<DedupResult> {
    py.allow_threads(|| {
        let read = read_options(skip_invalid);
        let corpus = corpus::from_records(&source, records, &read)?;
        let mut config = Config {
            read,
            rewrites,
            ..Config::default()
        };
        if let Some(value) = threshold {
            config.dedup.jaccard_threshold = value;
        }
        if let Some(value) = containment {
            config.dedup.containment_threshold = value;
        }
        if let Some(value) = num_perm {
            config.dedup.num_perm = value;
        }
        if let Some(value) = ngram {
            config.dedup.ngram = value;
        }
        if let Some(value) = seed {
            config.dedup.seed = value;
        }
        pipeline::run_dedup_on(corpus, &source, &config, &NoProgress)
    })
    .map(|run| DedupResult { run })
    .map_err(error)
}

/// Checks one text at a time with the built-in lexicon and reference, no
/// corpus statistics (for `datasets.map`).
#[pyclass(frozen, module = "copydesk._native")]
struct Checker {
    checker: QualityChecker,
}

#[pymethods]
impl Checker {
    #[new]
    fn new() -> PyResult<Checker> {
        let checker =
            QualityChecker::new(QualityConfig::default(), &Lexicon::builtin()).map_err(error)?;
        Ok(Checker { checker })
    }

    /// The flags and scores of `text`, as a JSON object string.
    fn check_json(&self, py: Python<'_>, text: &str) -> String {
        py.allow_threads(|| {
            let result = self.checker.check(text, &copydesk::text::tokenize(text));
            serde_json::to_string(&result).unwrap_or_default()
        })
    }
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<CheckResult>()?;
    m.add_class::<DedupResult>()?;
    m.add_class::<Checker>()?;
    m.add_function(wrap_pyfunction!(check, m)?)?;
    m.add_function(wrap_pyfunction!(dedup, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
