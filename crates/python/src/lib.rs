//! The `copydesk._native` extension module: the Rust pipeline behind the
//! `copydesk` Python package (`python/copydesk`). Arrow data comes in
//! through the C stream interface; other rows as Python values. Results go
//! out as the JSON Lines rows the CLI writes, which the package reads into
//! `pyarrow.Table`s.

mod arrow;
mod options;

use copydesk::corpus::{self, MemoryRecord};
use copydesk::pipeline::{self, CheckRun, DedupRun, ScanRun};
use copydesk::progress::NoProgress;
use copydesk::quality::{Checker as QualityChecker, Lexicon, QualityConfig};
use copydesk::report;
use copydesk::RejectReason;
use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString};
use std::path::PathBuf;

pub(crate) fn error(err: copydesk::Error) -> PyErr {
    PyValueError::new_err(err.to_string())
}

fn io_error(err: std::io::Error) -> PyErr {
    PyOSError::new_err(err.to_string())
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

/// The rows of a call, read while the GIL is held and turned into records
/// once it is released.
enum Rows {
    /// Batches of an Arrow stream: id, text and optionally date columns.
    Arrow(Vec<arrow_array::RecordBatch>),
    /// Rows read from Python values.
    Values(Vec<Result<MemoryRecord, RejectReason>>),
}

impl Rows {
    /// `data` is an object with `__arrow_c_stream__` (its columns id, text
    /// and optionally date, all strings), or a sequence of `(id, text,
    /// date)` tuples of Python values (`None` where a field is missing).
    fn read(data: &Bound<'_, PyAny>, names: &arrow::ColumnNames) -> PyResult<Rows> {
        if data.hasattr("__arrow_c_stream__")? {
            return Ok(Rows::Arrow(arrow::import_stream(data)?));
        }
        let mut out = Vec::new();
        for row in data.try_iter()? {
            let (id, text, date): (Bound<PyAny>, Bound<PyAny>, Bound<PyAny>) = row?.extract()?;
            out.push(value_record(&id, &text, &date, names)?);
        }
        Ok(Rows::Values(out))
    }

    fn into_records(
        self,
        names: &arrow::ColumnNames,
    ) -> Result<Vec<Result<MemoryRecord, RejectReason>>, String> {
        match self {
            Rows::Arrow(batches) => arrow::records(&batches, names),
            Rows::Values(records) => Ok(records),
        }
    }
}

/// A row of Python values as the JSON Lines reader would take it: the id
/// as its `str()`, the text only if it is a string.
fn value_record(
    id: &Bound<'_, PyAny>,
    text: &Bound<'_, PyAny>,
    date: &Bound<'_, PyAny>,
    names: &arrow::ColumnNames,
) -> PyResult<Result<MemoryRecord, RejectReason>> {
    if id.is_none() {
        return Ok(Err(RejectReason::MissingField(names.id.clone())));
    }
    if text.is_none() {
        return Ok(Err(RejectReason::MissingField(names.text.clone())));
    }
    let Ok(text) = text.downcast::<PyString>() else {
        return Ok(Err(RejectReason::WrongType {
            field: names.text.clone(),
            expected: "a string",
        }));
    };
    let date = if date.is_none() {
        None
    } else {
        Some(date.str()?.to_cow()?.into_owned())
    };
    Ok(Ok((
        id.str()?.to_cow()?.into_owned(),
        text.to_cow()?.into_owned(),
        date,
    )))
}

/// Read `data`, build the corpus and run `stage` on it with the GIL
/// released, in a pool of `threads` workers when given.
fn run<T: Send>(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    names: arrow::ColumnNames,
    source: &str,
    options: &options::Options,
    stage: impl FnOnce(corpus::Corpus) -> copydesk::Result<T> + Send,
) -> PyResult<T> {
    let rows = Rows::read(data, &names)?;
    let read = options.read();
    let work = move || -> PyResult<T> {
        let records = rows.into_records(&names).map_err(PyValueError::new_err)?;
        let corpus = corpus::from_records(source, records, &read).map_err(error)?;
        stage(corpus).map_err(error)
    };
    match options.threads {
        Some(threads) => {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .map_err(|err| PyOSError::new_err(format!("cannot start worker threads: {err}")))?;
            py.allow_threads(|| pool.install(work))
        }
        None => py.allow_threads(work),
    }
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
        rows(py, |w| report::write_rejected(w, &self.run.corpus.rejected))
    }

    /// `summary.json`, as a JSON string.
    fn summary_json(&self) -> String {
        report::check::summary(&self.run, &self.run.timings).to_string()
    }

    /// Write the same files as `copydesk check --out OUT_DIR --format FORMAT`,
    /// all or nothing.
    #[pyo3(signature = (out_dir, format = "jsonl"))]
    fn write(&self, py: Python<'_>, out_dir: PathBuf, format: &str) -> PyResult<()> {
        let format = table_format(format)?;
        py.allow_threads(|| report::check::write_check(&self.run, &out_dir, format))
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
        rows(py, |w| report::write_rejected(w, &self.run.corpus.rejected))
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

    /// Write the same files as `copydesk dedup --out OUT_DIR --format FORMAT`,
    /// all or nothing.
    #[pyo3(signature = (out_dir, format = "jsonl"))]
    fn write(&self, py: Python<'_>, out_dir: PathBuf, format: &str) -> PyResult<()> {
        let format = table_format(format)?;
        py.allow_threads(|| report::jsonl::write_dedup(&self.run, &out_dir, None, format))
            .map(|_| ())
            .map_err(error)
    }
}

/// The result of a scan: near-duplicates and the quality pass together.
#[pyclass(frozen, module = "copydesk._native")]
struct ScanResult {
    run: ScanRun,
    /// `--min-quality`: the bar of the clean corpus.
    min_quality: f64,
    /// `--report-clusters`, `--report-flagged`.
    limits: report::html::ReportLimits,
}

#[pymethods]
impl ScanResult {
    /// `documents.jsonl` of `copydesk scan` (relations, flags and scores).
    fn documents_jsonl<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        rows(py, |w| report::scan::write_documents(w, &self.run))
    }

    /// `pairs.jsonl`.
    fn pairs_jsonl<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        rows(py, |w| report::jsonl::write_pairs(w, &self.run.dedup))
    }

    /// `clusters.jsonl`.
    fn clusters_jsonl<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        rows(py, |w| report::jsonl::write_clusters(w, &self.run.dedup))
    }

    /// `substitutions.jsonl`.
    fn substitutions_jsonl<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        rows(py, |w| {
            report::jsonl::write_substitutions(w, &self.run.dedup)
        })
    }

    /// `rejected.jsonl`.
    fn rejected_jsonl<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        rows(py, |w| {
            report::write_rejected(w, &self.run.dedup.corpus.rejected)
        })
    }

    /// The ids of the clean corpus (`--keep`): one document per cluster,
    /// quality at least `min_quality`, in input order.
    fn kept_ids(&self) -> Vec<String> {
        let clean = copydesk::pipeline::CleanCorpus::new(&self.run, self.min_quality);
        (self.run.dedup.corpus.documents.iter().enumerate())
            .filter(|(index, _)| clean.is_kept(*index))
            .map(|(_, document)| document.id.clone())
            .collect()
    }

    /// `summary.json` of the scan, as a JSON string.
    fn summary_json(&self) -> String {
        let summary = report::scan::summary(&self.run, &self.run.dedup.timings, &self.outputs());
        serde_json::to_string(&summary).unwrap_or_default()
    }

    /// Write the files of `copydesk scan --out OUT_DIR --format FORMAT`,
    /// report included.
    #[pyo3(signature = (out_dir, format = "jsonl"))]
    fn write(&self, py: Python<'_>, out_dir: PathBuf, format: &str) -> PyResult<()> {
        let outputs = report::scan::ScanOutputs {
            format: table_format(format)?,
            ..self.outputs()
        };
        py.allow_threads(|| report::scan::write_scan(&self.run, &out_dir, &outputs))
            .map(|_| ())
            .map_err(error)
    }
}

/// `format=` of the `write` methods, as `--format` of the CLI.
fn table_format(name: &str) -> PyResult<report::TableFormat> {
    match name {
        "jsonl" => Ok(report::TableFormat::Jsonl),
        "parquet" => Ok(report::TableFormat::Parquet),
        _ => Err(pyo3::exceptions::PyValueError::new_err(format!(
            "format must be \"jsonl\" or \"parquet\", not {name:?}"
        ))),
    }
}

impl ScanResult {
    fn outputs(&self) -> report::scan::ScanOutputs<'static> {
        report::scan::ScanOutputs {
            min_quality: self.min_quality,
            limits: self.limits,
            ..Default::default()
        }
    }
}

/// Run `command` (`"check"`, `"dedup"` or `"scan"`, as the CLI's
/// subcommands) over `data` (see [`Rows::read`]) whose id and text columns
/// are named `columns`, with `options` named as the subcommand's flags.
#[pyfunction]
#[pyo3(signature = (command, data, source, columns, options))]
fn run_command(
    py: Python<'_>,
    command: &str,
    data: &Bound<'_, PyAny>,
    source: String,
    columns: (String, String),
    options: &Bound<'_, PyDict>,
) -> PyResult<PyObject> {
    let names = arrow::ColumnNames {
        id: columns.0,
        text: columns.1,
    };
    let command = match command {
        "check" => options::Command::Check,
        "dedup" => options::Command::Dedup,
        "scan" => options::Command::Scan,
        other => return Err(PyValueError::new_err(format!("no command {other:?}"))),
    };
    let options = options::Options::parse(options, command)?;
    let result = match command {
        options::Command::Check => {
            let config = options.check_config()?;
            let run = run(py, data, names, &source, &options, |corpus| {
                pipeline::run_check_on(corpus, &source, &config, &NoProgress)
            })?;
            Py::new(py, CheckResult { run })?.into_any()
        }
        options::Command::Dedup => {
            let config = options.dedup_config()?;
            let run = run(py, data, names, &source, &options, |corpus| {
                pipeline::run_dedup_on(corpus, &source, &config, &NoProgress)
            })?;
            Py::new(py, DedupResult { run })?.into_any()
        }
        options::Command::Scan => {
            let config = pipeline::ScanConfig {
                dedup: options.dedup_config()?,
                check: options.check_config()?,
            };
            let (min_quality, limits) = (options.min_quality()?, options.report_limits()?);
            let run = run(py, data, names, &source, &options, |corpus| {
                pipeline::run_scan_on(corpus, &source, &config, &NoProgress)
            })?;
            let result = ScanResult {
                run,
                min_quality,
                limits,
            };
            Py::new(py, result)?.into_any()
        }
    };
    Ok(result)
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
    m.add_class::<ScanResult>()?;
    m.add_class::<Checker>()?;
    m.add_function(wrap_pyfunction!(run_command, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
