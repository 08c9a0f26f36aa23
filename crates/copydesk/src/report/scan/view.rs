//! The report's view of a scan: documents with their flags, pairs with the
//! edits against each member's representative, clusters, substitutions and
//! the summary, as `report.html` takes them.

use super::{documents, id_of};
use crate::pipeline::ScanRun;
use crate::quality::Flag;
use crate::report::{edit_op_row, html, relation_row, TableFormat};
use std::path::Path;

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
pub(crate) fn report_input<'a>(
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
