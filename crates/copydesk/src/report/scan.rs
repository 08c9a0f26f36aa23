//! The `copydesk scan` outputs: everything `dedup` writes, with each document's
//! quality flags and scores in `documents.jsonl`, a self-contained
//! `report.html`, and optionally the clean corpus (`--keep`) and what was left
//! out of it with the reasons (`--drop`).

mod keep;
mod view;

pub(crate) use keep::{write_drop, write_drop_parquet, write_keep, write_keep_parquet};
pub(crate) use view::report_input;

use super::names;
use super::tables::{self, DocumentColumns};
use super::{html, jsonl, StageJob, StagedOutputs, TableFormat};
use crate::corpus::Document;
use crate::error::Result;
use crate::pipeline::{CleanCorpus, DocumentResult, ScanRun, Timings};
use crate::quality::DocQuality;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// What `scan` writes besides the output directory, and what goes where.
#[derive(Debug, Clone, Default)]
pub struct ScanOutputs<'a> {
    /// The clean corpus ([`CleanCorpus`]), original lines untouched.
    pub keep: Option<&'a Path>,
    /// Everything not kept, one line per document with the reasons.
    pub drop: Option<&'a Path>,
    /// Quality score below which a document is dropped from the clean corpus.
    pub min_quality: f64,
    /// How much the report inlines.
    pub limits: html::ReportLimits,
    /// How documents, pairs and clusters are written.
    pub format: TableFormat,
}

/// Write every scan output into `out_dir` (created if missing; its parent
/// must exist), and `--keep` and `--drop` where asked, as one set that
/// replaces the previous one (see [`super::commit`]). Returns the timings
/// with the `write` stage added.
pub fn write_scan(run: &ScanRun, out_dir: &Path, outputs: &ScanOutputs) -> Result<Timings> {
    let others: Vec<&Path> = outputs.keep.into_iter().chain(outputs.drop).collect();
    write_scan_to(run, StagedOutputs::in_dir(out_dir, &others)?, outputs)
}

/// [`write_scan`] into outputs prepared before the run with
/// [`StagedOutputs::in_dir`] (given `--keep` and `--drop` among its other files).
pub fn write_scan_to(
    run: &ScanRun,
    mut staged: StagedOutputs,
    outputs: &ScanOutputs,
) -> Result<Timings> {
    let started = Instant::now();
    let dedup = &run.dedup;
    let out_dir = &staged
        .dir()
        .map(Path::to_path_buf)
        .ok_or_else(super::no_dir)?;
    // In parallel, the biggest first, so that the others fill the other
    // threads meanwhile; committed in this order.
    let format = outputs.format;
    let mut jobs: Vec<(PathBuf, StageJob)> = vec![
        (
            out_dir.join(format.pairs()),
            Box::new(move |w| match format {
                TableFormat::Jsonl => jsonl::write_pairs(w, dedup),
                TableFormat::Parquet => jsonl::write_pairs_parquet(w, dedup),
            }),
        ),
        (
            out_dir.join(format.documents()),
            Box::new(move |w| match format {
                TableFormat::Jsonl => write_documents(w, run),
                TableFormat::Parquet => tables::write_parquet(
                    w,
                    tables::documents_schema(DocumentColumns::Scan),
                    Some(jsonl::carried(dedup)),
                    |w| jsonl::write_document_lines(w, dedup, |i| run.quality.get(i), false),
                ),
            }),
        ),
        (
            out_dir.join(names::REPORT),
            Box::new(move |w| {
                html::write_report(w, &report_input(run, out_dir, outputs.limits, format))
            }),
        ),
        (
            out_dir.join(format.clusters()),
            Box::new(move |w| match format {
                TableFormat::Jsonl => jsonl::write_clusters(w, dedup),
                TableFormat::Parquet => jsonl::write_clusters_parquet(w, dedup),
            }),
        ),
        (
            out_dir.join(names::REJECTED),
            Box::new(|w| super::write_rejected(w, &dedup.corpus.rejected)),
        ),
    ];
    if dedup.config.rewrites {
        jobs.push((
            out_dir.join(names::SUBSTITUTIONS),
            Box::new(|w| jsonl::write_substitutions(w, dedup)),
        ));
    }
    if let Some(keep) = outputs.keep {
        jobs.push((
            keep.to_path_buf(),
            Box::new(move |w| {
                if super::parquet::is_parquet(keep) {
                    write_keep_parquet(w, run, outputs.min_quality)
                } else {
                    write_keep(w, run, outputs.min_quality)
                }
            }),
        ));
    }
    if let Some(drop) = outputs.drop {
        jobs.push((
            drop.to_path_buf(),
            Box::new(move |w| {
                if super::parquet::is_parquet(drop) {
                    write_drop_parquet(w, run, outputs.min_quality)
                } else {
                    write_drop(w, run, outputs.min_quality)
                }
            }),
        ));
    }
    staged.stage_parallel(jobs)?;
    staged.commit_with_summary(
        &out_dir.join(names::SUMMARY),
        &dedup.timings,
        started,
        |w, timings| {
            serde_json::to_writer_pretty(&mut *w, &summary(run, timings, outputs))
                .map_err(Into::into)
        },
    )
}

fn id_of(run: &ScanRun, index: u32) -> &str {
    &run.dedup.corpus.documents[index as usize].id
}

fn documents(
    run: &ScanRun,
) -> impl Iterator<Item = (&Document, &DocumentResult, &DocQuality)> + '_ {
    run.dedup
        .corpus
        .documents
        .iter()
        .zip(&run.dedup.documents)
        .zip(&run.quality)
        .map(|((document, result), quality)| (document, result, quality))
}

/// `documents.jsonl`: every accepted document once, in input order, with its
/// dedup fields and its quality flags and scores.
pub fn write_documents(w: &mut impl Write, run: &ScanRun) -> io::Result<()> {
    jsonl::write_document_lines(w, &run.dedup, |i| run.quality.get(i), true)
}

/// `summary.json` of a scan: the dedup summary plus the quality pass.
#[derive(Serialize)]
pub struct ScanSummary<'a> {
    #[serde(flatten)]
    dedup: jsonl::Summary<'a>,
    quality: QualitySummary,
}

#[derive(Serialize)]
struct QualitySummary {
    flagged_documents: u64,
    flags: u64,
    flags_by_category: BTreeMap<&'static str, u64>,
    stats_source: crate::pipeline::StatsSource,
    min_quality: f64,
    kept: u64,
    dropped_duplicates: u64,
    dropped_low_quality: u64,
}

/// What `summary.json` of a scan holds, for these outputs (`min_quality`
/// decides the kept and dropped counts).
pub fn summary<'a>(
    run: &'a ScanRun,
    timings: &'a Timings,
    outputs: &ScanOutputs,
) -> ScanSummary<'a> {
    let mut flags_by_category = BTreeMap::new();
    let mut flags = 0;
    for flag in run.quality.iter().flat_map(|q| &q.flags) {
        *flags_by_category.entry(flag.category.as_str()).or_insert(0) += 1;
        flags += 1;
    }
    let (mut kept, mut dropped_duplicates, mut dropped_low_quality) = (0, 0, 0);
    let clean = CleanCorpus::new(run, outputs.min_quality);
    for (index, (_, result, quality)) in documents(run).enumerate() {
        let reasons = clean.drop_reasons(index, result, quality);
        kept += u64::from(reasons.is_empty());
        dropped_duplicates += u64::from(reasons.contains(&"duplicate"));
        dropped_low_quality += u64::from(reasons.contains(&"low_quality"));
    }
    ScanSummary {
        dedup: jsonl::summary(&run.dedup, timings),
        quality: QualitySummary {
            flagged_documents: run.quality.iter().filter(|q| !q.flags.is_empty()).count() as u64,
            flags,
            flags_by_category,
            stats_source: run.stats_source,
            min_quality: outputs.min_quality,
            kept,
            dropped_duplicates,
            dropped_low_quality,
        },
    }
}
