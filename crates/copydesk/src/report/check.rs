//! The `copydesk check` outputs: `documents.jsonl` (`id`, `flags`, `scores`
//! per accepted document, input order), `rejected.jsonl` and `summary.json`.

use super::names;
use super::tables::{self, DocumentColumns};
use super::{no_dir, write_rejected, RoundedScores, StagedOutputs, TableFormat};
use crate::error::Result;
use crate::pipeline::{round, CheckRun, Timings};
use crate::quality::Flag;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::Path;
use std::time::Instant;

#[derive(Serialize)]
struct DocumentLine<'a> {
    id: &'a str,
    flags: &'a [Flag],
    scores: RoundedScores,
}

/// Write every check output into `out_dir` (created if missing; its parent
/// must exist) as one set that replaces the previous one (see
/// [`super::commit`]); the documents table in `format`.
pub fn write_check(run: &CheckRun, out_dir: &Path, format: TableFormat) -> Result<Timings> {
    write_check_to(run, StagedOutputs::in_dir(out_dir, &[])?, format)
}

/// [`write_check`] into outputs prepared before the run with [`StagedOutputs::in_dir`].
pub fn write_check_to(
    run: &CheckRun,
    mut outputs: StagedOutputs,
    format: TableFormat,
) -> Result<Timings> {
    let started = Instant::now();
    let out_dir = &outputs.dir().map(Path::to_path_buf).ok_or_else(no_dir)?;
    outputs.stage(&out_dir.join(format.documents()), |w| match format {
        TableFormat::Jsonl => write_documents(w, run),
        TableFormat::Parquet => tables::write_parquet(
            w,
            tables::documents_schema(DocumentColumns::Check),
            None,
            |w| write_documents(w, run),
        ),
    })?;
    outputs.stage(&out_dir.join(names::REJECTED), |w| {
        write_rejected(w, &run.corpus.rejected)
    })?;
    outputs.commit_with_summary(
        &out_dir.join(names::SUMMARY),
        &run.timings,
        started,
        |w, timings| {
            serde_json::to_writer_pretty(&mut *w, &summary(run, timings)).map_err(Into::into)
        },
    )
}

/// `documents.jsonl`: one line per accepted document, in input order.
pub fn write_documents(w: &mut (impl Write + ?Sized), run: &CheckRun) -> io::Result<()> {
    for (document, result) in run.corpus.documents.iter().zip(&run.results) {
        serde_json::to_writer(
            &mut *w,
            &DocumentLine {
                id: &document.id,
                flags: &result.flags,
                scores: RoundedScores::from(&result.scores),
            },
        )?;
        w.write_all(b"\n")?;
    }
    Ok(())
}

/// Flag counts by category and by rule, in name order.
pub fn flag_counts(run: &CheckRun) -> (BTreeMap<&'static str, u64>, BTreeMap<&str, u64>) {
    let mut by_category = BTreeMap::new();
    let mut by_rule = BTreeMap::new();
    for flag in run.results.iter().flat_map(|r| &r.flags) {
        *by_category.entry(flag.category.as_str()).or_default() += 1;
        *by_rule.entry(flag.rule.as_str()).or_default() += 1;
    }
    (by_category, by_rule)
}

/// The content of `summary.json`.
pub fn summary(run: &CheckRun, timings: &Timings) -> serde_json::Value {
    let (by_category, by_rule) = flag_counts(run);
    let flagged = run.results.iter().filter(|r| !r.flags.is_empty()).count();
    let read = run.corpus.records_read;
    serde_json::json!({
        "copydesk_version": env!("CARGO_PKG_VERSION"),
        "inputs": run.inputs,
        "read": read,
        "accepted": run.corpus.documents.len(),
        "rejected": run.corpus.rejected.len(),
        "flagged_documents": flagged,
        "flags_by_category": by_category,
        "flags_by_rule": by_rule,
        "stats_source": run.stats_source,
        "bytes_read": run.corpus.bytes_read,
        "parameters": {
            "id_field": run.config.read.id_field,
            "text_field": run.config.read.text_field,
            "skip_invalid": run.config.read.skip_invalid,
            "recursive": run.config.read.recursive,
            "lexicons": run.config.lexicon_files,
            "substitutions": run.config.substitution_files,
            "model": run.config.model,
            "quality": run.config.quality,
        },
        "timings_seconds": timings
            .stages()
            .iter()
            .map(|(stage, elapsed)| (stage.to_string(), round(elapsed.as_secs_f64(), 3)))
            .collect::<BTreeMap<_, _>>(),
    })
}
