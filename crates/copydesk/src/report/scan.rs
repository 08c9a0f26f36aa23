//! The `copydesk scan` outputs: everything `dedup` writes, with each document's
//! quality flags and scores in `documents.jsonl`, a self-contained
//! `report.html`, and optionally the clean corpus (`--keep`) and what was left
//! out of it with the reasons (`--drop`).

use super::tables::{self, DocumentColumns};
use super::{edit_op_row, names, relation_row};
use super::{html, jsonl, StageJob, StagedOutputs, TableFormat};
use crate::corpus::Document;
use crate::error::Result;
use crate::pipeline::{quality_key, round, DocumentResult, ScanRun, Timings};
use crate::quality::{DocQuality, Flag, EMPTY_TEXT};
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
        .ok_or_else(jsonl::no_dir)?;
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
            Box::new(|w| jsonl::write_rejected(w, &dedup.corpus.rejected)),
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

/// What goes into the clean corpus (`--keep`): every unique document whose
/// quality is at least `min_quality`, and of each cluster its best member by
/// quality (scores compared to [`QUALITY_DIGITS`](crate::pipeline::QUALITY_DIGITS) decimals, ties in the
/// order of the representative preference, [`Cluster::by_preference`](crate::dedup::Cluster::by_preference)) when
/// that one reaches `min_quality`; nothing of a cluster none of whose members
/// does.
#[derive(Debug, Clone)]
pub struct CleanCorpus {
    kept: Vec<bool>,
    /// The kept member of each cluster, by cluster number.
    cluster_kept: Vec<Option<u32>>,
    min_quality: f64,
}

impl CleanCorpus {
    /// Choose the clean corpus of a scan.
    pub fn new(run: &ScanRun, min_quality: f64) -> CleanCorpus {
        let quality = |doc: u32| run.quality[doc as usize].scores.quality;
        let mut kept: Vec<bool> = run
            .dedup
            .documents
            .iter()
            .zip(&run.quality)
            .map(|(result, q)| {
                result.cluster.is_none() && q.scores.quality >= min_quality && !is_empty(q)
            })
            .collect();
        let cluster_kept: Vec<Option<u32>> = run
            .dedup
            .clusters
            .iter()
            .map(|cluster| {
                let candidates = match cluster.by_preference.is_empty() {
                    true => &cluster.members,
                    false => &cluster.by_preference,
                };
                let mut best: Option<(u64, u32)> = None;
                for &doc in candidates
                    .iter()
                    .filter(|&&doc| quality(doc) >= min_quality)
                {
                    let key = quality_key(quality(doc));
                    match best {
                        Some((best_key, _)) if key <= best_key => {}
                        _ => best = Some((key, doc)),
                    }
                }
                best.map(|(_, doc)| doc)
            })
            .collect();
        for &doc in cluster_kept.iter().flatten() {
            kept[doc as usize] = true;
        }
        CleanCorpus {
            kept,
            cluster_kept,
            min_quality,
        }
    }

    /// Whether the document at `index` goes into the clean corpus.
    pub fn is_kept(&self, index: usize) -> bool {
        self.kept[index]
    }

    /// Number of documents kept.
    pub fn len(&self) -> usize {
        self.kept.iter().filter(|&&kept| kept).count()
    }

    /// True when nothing is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The member of the document's cluster kept in its place, if another is.
    pub fn kept_instead(&self, index: usize, result: &DocumentResult) -> Option<u32> {
        let kept = self.cluster_kept[result.cluster? as usize]?;
        (kept as usize != index).then_some(kept)
    }

    /// Why a document is left out: `duplicate` when another member of its
    /// cluster is kept, `low_quality` when its quality is below the bar;
    /// empty when it is kept.
    fn drop_reasons(
        &self,
        index: usize,
        result: &DocumentResult,
        quality: &DocQuality,
    ) -> Vec<&'static str> {
        let mut reasons = Vec::new();
        if self.kept[index] {
            return reasons;
        }
        if self.kept_instead(index, result).is_some() {
            reasons.push("duplicate");
        }
        if quality.scores.quality < self.min_quality || is_empty(quality) {
            reasons.push("low_quality");
        }
        reasons
    }
}

/// An empty text has quality 0, but `--min-quality 0` must not keep it.
fn is_empty(quality: &DocQuality) -> bool {
    quality.flags.iter().any(|f| f.rule == EMPTY_TEXT)
}

/// The clean corpus ([`CleanCorpus`]) in input order, as it came in.
pub fn write_keep(w: &mut impl Write, run: &ScanRun, min_quality: f64) -> io::Result<()> {
    kept_documents(run, min_quality).try_for_each(|document| jsonl::write_original(w, document))
}

fn kept_documents(run: &ScanRun, min_quality: f64) -> impl Iterator<Item = &Document> {
    let clean = CleanCorpus::new(run, min_quality);
    documents(run)
        .enumerate()
        .filter(move |(index, _)| clean.is_kept(*index))
        .map(|(_, (document, _, _))| document)
}

/// [`write_keep`] as Parquet (see [`super::parquet`] for the schema).
pub fn write_keep_parquet(w: impl Write + Send, run: &ScanRun, min_quality: f64) -> io::Result<()> {
    let kept: Vec<&Document> = kept_documents(run, min_quality).collect();
    super::parquet::write_documents(w, &kept, &[])
}

#[derive(Serialize)]
struct DropLine<'a> {
    id: &'a str,
    file: &'a str,
    line: u64,
    /// For Parquet inputs, where `line` is the row in the file.
    #[serde(skip_serializing_if = "Option::is_none")]
    row_group: Option<u32>,
    reasons: Vec<&'static str>,
    duplicate_of: Option<&'a str>,
    relation: Option<&'static str>,
    /// The member of its cluster kept in the clean corpus instead, if any.
    kept_instead: Option<&'a str>,
    quality: f64,
    /// The rules that fired, most frequent first: enough to see why quality is low.
    rules: Vec<(&'a str, usize)>,
}

/// Everything left out of the clean corpus, one line per document with the
/// reasons (`duplicate`, `low_quality`), in input order.
pub fn write_drop(w: &mut impl Write, run: &ScanRun, min_quality: f64) -> io::Result<()> {
    for (_, line) in dropped(run, min_quality) {
        serde_json::to_writer(&mut *w, &line)?;
        w.write_all(b"\n")?;
    }
    Ok(())
}

/// [`write_drop`] as Parquet: the dropped rows as [`write_keep_parquet`]
/// writes kept ones, followed by the columns `copydesk_reasons` (a list),
/// `copydesk_duplicate_of`, `copydesk_kept_instead` and `copydesk_quality`.
pub fn write_drop_parquet(w: impl Write + Send, run: &ScanRun, min_quality: f64) -> io::Result<()> {
    use arrow_array::builder::{Float64Builder, ListBuilder, StringBuilder};
    use arrow_array::{Array, ArrayRef};
    use arrow_schema::{DataType, Field};
    use std::sync::Arc;
    let dropped = dropped(run, min_quality);
    let mut reasons = ListBuilder::new(StringBuilder::new());
    let mut duplicate_of = StringBuilder::new();
    let mut kept_instead = StringBuilder::new();
    let mut quality = Float64Builder::new();
    for (_, line) in &dropped {
        for reason in &line.reasons {
            reasons.values().append_value(reason);
        }
        reasons.append(true);
        duplicate_of.append_option(line.duplicate_of);
        kept_instead.append_option(line.kept_instead);
        quality.append_value(line.quality);
    }
    let reasons = reasons.finish();
    let extra: Vec<(Field, ArrayRef)> = vec![
        (
            Field::new("copydesk_reasons", reasons.data_type().clone(), false),
            Arc::new(reasons),
        ),
        (
            Field::new("copydesk_duplicate_of", DataType::Utf8, true),
            Arc::new(duplicate_of.finish()),
        ),
        (
            Field::new("copydesk_kept_instead", DataType::Utf8, true),
            Arc::new(kept_instead.finish()),
        ),
        (
            Field::new("copydesk_quality", DataType::Float64, false),
            Arc::new(quality.finish()),
        ),
    ];
    let documents: Vec<&Document> = dropped.iter().map(|(document, _)| *document).collect();
    super::parquet::write_documents(w, &documents, &extra)
}

/// The documents left out of the clean corpus, in input order, each with
/// its line of the `--drop` output.
fn dropped(run: &ScanRun, min_quality: f64) -> Vec<(&Document, DropLine<'_>)> {
    let clean = CleanCorpus::new(run, min_quality);
    let mut dropped = Vec::new();
    for (index, (document, result, quality)) in documents(run).enumerate() {
        let reasons = clean.drop_reasons(index, result, quality);
        if reasons.is_empty() {
            continue;
        }
        let mut rules: BTreeMap<&str, usize> = BTreeMap::new();
        for flag in &quality.flags {
            *rules.entry(flag.rule.as_str()).or_default() += 1;
        }
        let mut rules: Vec<(&str, usize)> = rules.into_iter().collect();
        rules.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(y.0)));
        let line = DropLine {
            id: &document.id,
            file: &document.location.file,
            line: document.location.line,
            row_group: document.location.row_group,
            reasons,
            duplicate_of: result.duplicate_of.map(|rep| id_of(run, rep)),
            relation: result.relation.map(|r| relation_row(r).as_str()),
            kept_instead: clean
                .kept_instead(index, result)
                .map(|kept| id_of(run, kept)),
            quality: round(quality.scores.quality, 4),
            rules,
        };
        dropped.push((document, line));
    }
    dropped
}

fn report_flag(flag: &Flag) -> html::ReportFlag<'_> {
    html::ReportFlag {
        rule: &flag.rule,
        category: flag.category.as_str(),
        start: flag.start,
        end: flag.end,
        message: &flag.message,
        score: flag.score,
    }
}

/// The report's view of a scan whose tables are written in `format`.
pub fn report_input<'a>(
    run: &'a ScanRun,
    out_dir: &Path,
    limits: html::ReportLimits,
    format: TableFormat,
) -> html::ReportInput<'a> {
    let dedup = &run.dedup;
    let documents = documents(run)
        .map(|(document, result, quality)| html::ReportDocument {
            id: &document.id,
            text: &document.text,
            cluster: result.cluster.map(u64::from),
            duplicate_of: result.duplicate_of.map(|rep| id_of(run, rep)),
            relation: result.relation.map(relation_row),
            flags: quality.flags.iter().map(report_flag).collect(),
            scores: Some(html::ReportScores {
                quality: quality.scores.quality,
                spin: quality.scores.spin,
                incoherence: quality.scores.incoherence,
            }),
        })
        .collect();
    let pairs = dedup
        .pairs
        .iter()
        .enumerate()
        .map(|(index, pair)| {
            let detail = dedup.pair_details.get(index);
            // The page shows the edits of a member against its cluster's
            // representative only: the other pairs' edits (most of some two
            // million) are left out rather than copied for nothing.
            let shown = |member: u32, other: u32| {
                dedup.documents[member as usize].duplicate_of == Some(other)
            };
            let detail_edits = detail.filter(|_| shown(pair.a, pair.b) || shown(pair.b, pair.a));
            html::ReportPair {
                a: id_of(run, pair.a),
                b: id_of(run, pair.b),
                jaccard: pair.overlap.jaccard,
                containment: pair.overlap.containment,
                relation: relation_row(pair.relation),
                similarity: detail.map(|d| d.similarity),
                edits: detail_edits
                    .map(|d| {
                        d.edits
                            .iter()
                            .map(|edit| html::ReportEdit {
                                op: edit_op_row(edit.op),
                                a: edit.a.map(|x| x as usize),
                                b: edit.b.map(|x| x as usize),
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                source: detail.and_then(|d| d.source).map(|doc| id_of(run, doc)),
            }
        })
        .collect();
    let substitutions = dedup
        .substitutions
        .iter()
        .map(|s| html::ReportSubstitution {
            from: &s.from,
            to: &s.to,
            kind: s.kind.as_str(),
            count: s.count,
            examples: s
                .examples
                .iter()
                .map(|[source, rewrite]| format!("{source} → {rewrite}"))
                .collect(),
        })
        .collect();
    let clusters = dedup
        .clusters
        .iter()
        .enumerate()
        .map(|(number, cluster)| html::ReportCluster {
            cluster: number as u64,
            representative: id_of(run, cluster.representative),
            members: cluster.members.iter().map(|&m| id_of(run, m)).collect(),
        })
        .collect();
    let counts = dedup.counts();
    let flagged = run.quality.iter().filter(|q| !q.flags.is_empty()).count() as u64;
    let title = match dedup.inputs.as_slice() {
        [one] => format!("copydesk report: {one}"),
        inputs => format!("copydesk report: {} inputs", inputs.len()),
    };
    let config = &dedup.config.dedup;
    html::ReportInput {
        title,
        documents,
        pairs,
        clusters,
        substitutions,
        summary: html::ReportSummary {
            inputs: dedup.inputs.clone(),
            counts: [
                ("documents", counts.accepted),
                ("rejected", counts.rejected),
                ("unique", counts.unique),
                ("duplicates", counts.duplicates),
                ("clusters", counts.clusters),
                ("pairs", counts.pairs),
                ("flagged", flagged),
            ]
            .into_iter()
            .map(|(name, value)| (name.to_owned(), value))
            .collect(),
            parameters: vec![
                ("ngram".into(), config.ngram.to_string()),
                ("num_perm".into(), config.num_perm.to_string()),
                (
                    "lsh".into(),
                    format!(
                        "{} bands x {} rows",
                        dedup.lsh.num_bands, dedup.lsh.rows_per_band
                    ),
                ),
                ("threshold".into(), config.jaccard_threshold.to_string()),
                (
                    "containment".into(),
                    config.containment_threshold.to_string(),
                ),
                ("rewrites".into(), dedup.config.rewrites.to_string()),
            ],
            timings: dedup
                .timings
                .stages()
                .iter()
                .map(|(stage, elapsed)| ((*stage).to_owned(), elapsed.as_secs_f64()))
                .collect(),
        },
        files: html::OutputFiles {
            directory: out_dir.display().to_string(),
            documents: format.documents().into(),
            pairs: format.pairs().into(),
            clusters: format.clusters().into(),
            ..html::OutputFiles::default()
        },
        limits,
    }
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
