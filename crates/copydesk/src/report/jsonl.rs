//! The dedup outputs: `documents.jsonl`, `pairs.jsonl`, `clusters.jsonl`,
//! `rejected.jsonl`, `summary.json`, and the kept corpus.
//!
//! Documents are named by id, never by index. Lines are serialized straight
//! from borrowed data into a buffered writer: no intermediate JSON trees except
//! for the one-off summary.

use super::tables::{self, DocumentColumns};
use super::{edit_op_row, names, no_dir, relation_row, write_rejected, RoundedScores};
use super::{json, StageJob, StagedOutputs, TableFormat};
use crate::corpus::Document;
use crate::dedup::{DedupConfig, LinkStats};
use crate::error::Result;
use crate::pipeline::{round, Counts, DedupRun, DocumentResult, PairRow, RewriteStats, Timings};
use crate::quality::DocQuality;
use crate::rewrite::RewriteConfig;
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Decimals of similarity figures in the outputs.
const SIMILARITY_DIGITS: i32 = 4;

/// Write every dedup output into `out_dir` (created if missing; its parent
/// must exist), plus the kept corpus to `keep` when asked, as one set that
/// replaces the previous one (see [`super::commit`]); the tables in
/// `format`.
///
/// Returns the run's timings with the `write` stage added (the time of writing
/// everything but the summary, which reports it).
pub fn write_dedup(
    run: &DedupRun,
    out_dir: &Path,
    keep: Option<&Path>,
    format: TableFormat,
) -> Result<Timings> {
    let outputs = StagedOutputs::in_dir(out_dir, keep.as_slice())?;
    write_dedup_to(run, outputs, keep, format)
}

/// [`write_dedup`] into outputs prepared before the run with
/// [`StagedOutputs::in_dir`] (given `keep` among its other files).
pub fn write_dedup_to(
    run: &DedupRun,
    mut outputs: StagedOutputs,
    keep: Option<&Path>,
    format: TableFormat,
) -> Result<Timings> {
    let started = Instant::now();
    let out_dir = &outputs.dir().map(Path::to_path_buf).ok_or_else(no_dir)?;
    // The biggest first, so that the others fill the other threads meanwhile.
    let mut jobs: Vec<(PathBuf, StageJob)> = vec![
        (
            out_dir.join(format.pairs()),
            Box::new(move |w| match format {
                TableFormat::Jsonl => write_pairs(w, run),
                TableFormat::Parquet => write_pairs_parquet(w, run),
            }),
        ),
        (
            out_dir.join(format.documents()),
            Box::new(move |w| match format {
                TableFormat::Jsonl => write_documents(w, run),
                TableFormat::Parquet => tables::write_parquet(
                    w,
                    tables::documents_schema(DocumentColumns::Dedup),
                    Some(carried(run)),
                    |w| write_document_lines(w, run, |_| None, false),
                ),
            }),
        ),
        (
            out_dir.join(format.clusters()),
            Box::new(move |w| match format {
                TableFormat::Jsonl => write_clusters(w, run),
                TableFormat::Parquet => write_clusters_parquet(w, run),
            }),
        ),
        (
            out_dir.join(names::REJECTED),
            Box::new(|w| write_rejected(w, &run.corpus.rejected)),
        ),
    ];
    if run.config.rewrites {
        jobs.push((
            out_dir.join(names::SUBSTITUTIONS),
            Box::new(|w| write_substitutions(w, run)),
        ));
    }
    if let Some(keep) = keep {
        jobs.push((
            keep.to_path_buf(),
            Box::new(move |w| {
                if super::parquet::is_parquet(keep) {
                    let kept: Vec<&Document> = kept_documents(run).collect();
                    super::parquet::write_documents(w, &kept, &[])
                } else {
                    write_keep(w, run)
                }
            }),
        ));
    }
    outputs.stage_parallel(jobs)?;
    outputs.commit_with_summary(
        &out_dir.join(names::SUMMARY),
        &run.timings,
        started,
        |w, timings| {
            serde_json::to_writer_pretty(&mut *w, &summary(run, timings)).map_err(Into::into)
        },
    )
}

fn id_of(run: &DedupRun, index: u32) -> &str {
    &run.corpus.documents[index as usize].id
}

/// One line of `documents.jsonl`: the dedup fields, the quality fields when
/// the quality pass ran (`scan`), then the carried fields.
pub(crate) struct DocumentLine<'a> {
    pub(crate) run: &'a DedupRun,
    pub(crate) document: &'a Document,
    pub(crate) result: &'a DocumentResult,
    pub(crate) quality: Option<&'a DocQuality>,
    /// Whether the carried fields are in the line (the Parquet tables add
    /// them as columns of their own).
    pub(crate) carry: bool,
}

impl Serialize for DocumentLine<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let carry: &[_] = if self.carry {
            &self.document.carry
        } else {
            &[]
        };
        let mut map = serializer.serialize_map(Some(6 + carry.len()))?;
        map.serialize_entry("id", &self.document.id)?;
        map.serialize_entry("cluster", &self.result.cluster)?;
        map.serialize_entry(
            "duplicate_of",
            &self.result.duplicate_of.map(|rep| id_of(self.run, rep)),
        )?;
        map.serialize_entry("relation", &self.result.relation.map(relation_row))?;
        if let Some(quality) = self.quality {
            map.serialize_entry("flags", &quality.flags)?;
            map.serialize_entry("scores", &RoundedScores::from(&quality.scores))?;
        }
        serialize_carry(&mut map, carry)?;
        map.end()
    }
}

/// Add a record's carried fields to a documents.jsonl line.
pub(crate) fn serialize_carry<M: SerializeMap>(
    map: &mut M,
    carry: &[(String, serde_json::Value)],
) -> std::result::Result<(), M::Error> {
    for (i, (field, value)) in carry.iter().enumerate() {
        // A record repeating a key carries its first value only.
        if carry[..i].iter().all(|(earlier, _)| earlier != field) {
            map.serialize_entry(field, value)?;
        }
    }
    Ok(())
}

/// `documents.jsonl`: every accepted document once, in input order.
pub fn write_documents(w: &mut impl Write, run: &DedupRun) -> io::Result<()> {
    write_document_lines(w, run, |_| None, true)
}

/// The lines of `documents.jsonl`, with each document's quality (by index)
/// when the quality pass ran, and the carried fields when `carry`.
pub(crate) fn write_document_lines<'a>(
    w: &mut (impl Write + ?Sized),
    run: &'a DedupRun,
    quality: impl Fn(usize) -> Option<&'a DocQuality> + Sync,
    carry: bool,
) -> io::Result<()> {
    write_in_batches(w, run.corpus.documents.len(), 1024, 300, |out, index| {
        let line = DocumentLine {
            run,
            document: &run.corpus.documents[index],
            result: &run.documents[index],
            quality: quality(index),
            carry,
        };
        serde_json::to_writer(&mut *out, &line)?;
        out.push(b'\n');
        Ok(())
    })
}

/// The carried fields of a run's documents as Parquet columns.
pub(crate) fn carried(run: &DedupRun) -> tables::Appended<'_> {
    tables::carried_columns(&run.config.read.carry_fields, &run.corpus.documents)
}

/// `pairs.parquet`: the rows of [`write_pairs`].
pub(crate) fn write_pairs_parquet(w: impl Write + Send, run: &DedupRun) -> io::Result<()> {
    let schema = tables::pairs_schema(run.config.rewrites);
    tables::write_parquet(w, schema, None, |w| write_pairs(w, run))
}

/// `clusters.parquet`: the rows of [`write_clusters`].
pub(crate) fn write_clusters_parquet(w: impl Write + Send, run: &DedupRun) -> io::Result<()> {
    tables::write_parquet(w, tables::clusters_schema(), None, |w| {
        write_clusters(w, run)
    })
}

/// Pairs formatted at a time, handed from the formatting thread to the writer.
const PAIR_BATCH: usize = 1024;

/// `pairs.jsonl`: kept pairs in the order the pipeline holds them.
///
/// With rewrites on, a corpus of near-copies gives hundreds of megabytes of
/// edits: lines are written by hand (module `report::json`) rather than
/// through a generic serializer, and formatted in parallel batches on
/// threads of their own.
pub fn write_pairs(w: &mut (impl Write + ?Sized), run: &DedupRun) -> io::Result<()> {
    let rows = run.pair_rows();
    write_in_batches(w, rows.len(), PAIR_BATCH, 1024, |out, index| {
        match rows[index] {
            PairRow::Kept(index) => push_pair_line(out, run, index as usize),
            PairRow::Member(member) => push_member_line(out, run, member),
        }
        Ok(())
    })
}

/// A clustered document and its representative where they are not a kept
/// pair: their exact overlap and the member's relation, not aligned.
fn push_member_line(out: &mut Vec<u8>, run: &DedupRun, member: u32) {
    let result = &run.documents[member as usize];
    let (Some(rep), Some(relation), Some(overlap)) =
        (result.duplicate_of, result.relation, result.overlap)
    else {
        return;
    };
    let (a, b, containment) = if member < rep {
        (member, rep, overlap.containment)
    } else {
        (
            rep,
            member,
            [overlap.containment[1], overlap.containment[0]],
        )
    };
    push_pair_head(out, run, [a, b], overlap.jaccard, containment, relation);
    if run.config.rewrites {
        out.extend_from_slice(b",\"similarity\":null,\"source\":null");
    }
    out.extend_from_slice(b"}\n");
}

/// The opening of a `pairs` line up to its relation, the object left open.
fn push_pair_head(
    out: &mut Vec<u8>,
    run: &DedupRun,
    [a, b]: [u32; 2],
    jaccard: f64,
    containment: [f64; 2],
    relation: crate::dedup::Relation,
) {
    out.extend_from_slice(b"{\"a\":");
    json::push_str(out, id_of(run, a));
    out.extend_from_slice(b",\"b\":");
    json::push_str(out, id_of(run, b));
    out.extend_from_slice(b",\"jaccard\":");
    json::push_f64(out, round(jaccard, SIMILARITY_DIGITS));
    out.extend_from_slice(b",\"containment\":[");
    json::push_f64(out, round(containment[0], SIMILARITY_DIGITS));
    out.push(b',');
    json::push_f64(out, round(containment[1], SIMILARITY_DIGITS));
    out.extend_from_slice(b"],\"relation\":");
    json::push_str(out, relation_row(relation).as_str());
}

/// Write `count` lines, formatted by `push_line(out, index)` in batches of
/// `batch_len` on threads of their own (as many as the run's workers) while
/// this one writes the batches before them, in order (writing costs the
/// kernel about as much as formatting costs us). Plain threads, not the
/// rayon pool: the caller may be a pool thread, and waiting there for pool
/// work could wait forever on one thread. Memory holds a few batches of
/// output at most; `line_bytes` is the expected size of a line.
pub(crate) fn write_in_batches<F>(
    w: &mut (impl Write + ?Sized),
    count: usize,
    batch_len: usize,
    line_bytes: usize,
    push_line: F,
) -> io::Result<()>
where
    F: Fn(&mut Vec<u8>, usize) -> io::Result<()> + Sync,
{
    // As many formatting threads as the run has workers (`--threads`), each
    // taking every n-th batch; the caller writes the batches in order.
    let formatters = rayon::current_num_threads().clamp(1, 8);
    let batch_len = batch_len.max(1);
    let num_batches = count.div_ceil(batch_len);
    let push_line = &push_line;
    std::thread::scope(|scope| {
        let receivers: Vec<std::sync::mpsc::Receiver<io::Result<Vec<u8>>>> = (0..formatters)
            .map(|formatter| {
                let (sender, receiver) = std::sync::mpsc::sync_channel(2);
                scope.spawn(move || {
                    for number in (formatter..num_batches).step_by(formatters) {
                        let start = number * batch_len;
                        let batch = start..(start + batch_len).min(count);
                        let mut out = Vec::with_capacity(batch.len() * line_bytes);
                        let formatted = batch
                            .into_iter()
                            .try_for_each(|index| push_line(&mut out, index))
                            .map(|()| out);
                        // The writer stops receiving on an error: stop formatting.
                        if sender.send(formatted).is_err() {
                            break;
                        }
                    }
                });
                receiver
            })
            .collect();
        for number in 0..num_batches {
            match receivers[number % formatters].recv() {
                Ok(lines) => w.write_all(&lines?)?,
                Err(_) => break,
            }
        }
        Ok(())
    })
}

/// One line of `pairs.jsonl`: `a`, `b`, `jaccard`, `containment`,
/// `relation`, then with rewrites on `similarity`, `source` and `edits`
/// (`op`, `a`, `b`, `a_text`, `b_text`, texts sliced from the documents).
fn push_pair_line(out: &mut Vec<u8>, run: &DedupRun, index: usize) {
    let pair = &run.pairs[index];
    let overlap = &pair.overlap;
    push_pair_head(
        out,
        run,
        [pair.a, pair.b],
        overlap.jaccard,
        overlap.containment,
        pair.relation,
    );
    if let Some(detail) = run.pair_details.get(index) {
        out.extend_from_slice(b",\"similarity\":");
        json::push_f64(out, round(detail.similarity, SIMILARITY_DIGITS));
        out.extend_from_slice(b",\"source\":");
        json::push_opt_str(out, detail.source.map(|source| id_of(run, source)));
        if !run.config.edits.writes(pair, detail) {
            out.extend_from_slice(b"}\n");
            return;
        }
        out.extend_from_slice(b",\"edits\":[");
        let a_text = &run.corpus.documents[pair.a as usize].text;
        let b_text = &run.corpus.documents[pair.b as usize].text;
        for (number, span) in detail.edits.iter().enumerate() {
            if number > 0 {
                out.push(b',');
            }
            let (a_slice, b_slice) = span.texts(a_text, b_text);
            out.reserve(96 + a_slice.len() + b_slice.len());
            // An edit is formatted 2 million times in a large run: its
            // name needs no escaping.
            out.extend_from_slice(b"{\"op\":\"");
            out.extend_from_slice(edit_op_row(span.op).as_str().as_bytes());
            out.extend_from_slice(b"\",\"a\":[");
            json::push_u32(out, span.a[0]);
            out.push(b',');
            json::push_u32(out, span.a[1]);
            out.extend_from_slice(b"],\"b\":[");
            json::push_u32(out, span.b[0]);
            out.push(b',');
            json::push_u32(out, span.b[1]);
            out.extend_from_slice(b"],\"a_text\":");
            json::push_str(out, a_slice);
            out.extend_from_slice(b",\"b_text\":");
            json::push_str(out, b_slice);
            out.push(b'}');
        }
        out.push(b']');
    }
    out.extend_from_slice(b"}\n");
}

/// `substitutions.jsonl`: the spin lexicon, most frequent swap first.
pub fn write_substitutions(w: &mut impl Write, run: &DedupRun) -> io::Result<()> {
    for substitution in &run.substitutions {
        serde_json::to_writer(&mut *w, substitution)?;
        w.write_all(b"\n")?;
    }
    Ok(())
}

#[derive(Serialize)]
struct ClusterLine<'a> {
    cluster: usize,
    representative: &'a str,
    size: usize,
    members: Vec<&'a str>,
}

/// `clusters.jsonl`: one line per cluster, in the order of `run.clusters`
/// (by smallest member id), members in their order (by id).
pub fn write_clusters(w: &mut (impl Write + ?Sized), run: &DedupRun) -> io::Result<()> {
    for (number, cluster) in run.clusters.iter().enumerate() {
        let line = ClusterLine {
            cluster: number,
            representative: id_of(run, cluster.representative),
            size: cluster.members.len(),
            members: cluster.members.iter().map(|&m| id_of(run, m)).collect(),
        };
        serde_json::to_writer(&mut *w, &line)?;
        w.write_all(b"\n")?;
    }
    Ok(())
}

#[derive(Serialize)]
struct TextRecord<'a> {
    id: &'a str,
    text: &'a str,
}

/// Write a document as it came in: a JSONL record as its original line, byte
/// for byte; a document without one (a text file) as `{"id", "text"}`.
pub(crate) fn write_original(w: &mut impl Write, document: &Document) -> io::Result<()> {
    match &document.raw {
        Some(raw) => w.write_all(raw.as_bytes())?,
        None => serde_json::to_writer(
            &mut *w,
            &TextRecord {
                id: &document.id,
                text: &document.text,
            },
        )?,
    }
    w.write_all(b"\n")
}

/// Whether a document goes into the kept corpus: a unique document or a
/// representative, and not an empty or whitespace-only text.
pub fn is_kept(document: &Document, result: &DocumentResult) -> bool {
    result.duplicate_of.is_none() && !crate::quality::is_empty_text(&document.text)
}

/// The kept corpus ([`is_kept`]) in input order.
pub(crate) fn kept_documents(run: &DedupRun) -> impl Iterator<Item = &Document> {
    (run.corpus.documents.iter().zip(&run.documents))
        .filter(|(document, result)| is_kept(document, result))
        .map(|(document, _)| document)
}

/// The kept corpus ([`kept_documents`]) as it came in ([`write_original`]).
pub(crate) fn write_keep(w: &mut impl Write, run: &DedupRun) -> io::Result<()> {
    kept_documents(run).try_for_each(|document| write_original(w, document))
}

/// The content of `summary.json`: counts first, then parameters and timings.
#[derive(Debug, Serialize)]
pub struct Summary<'a> {
    /// Version of copydesk that wrote the outputs.
    pub copydesk_version: &'static str,
    /// Inputs as named by the user.
    pub inputs: &'a [String],
    /// Headline counts, flattened into the top level.
    #[serde(flatten)]
    pub counts: Counts,
    /// Bytes of input read (after decompression).
    pub bytes_read: u64,
    /// Candidate and kept pair counts per channel.
    pub link_stats: &'a LinkStats,
    /// Every parameter of the run.
    pub parameters: Parameters<'a>,
    /// Counts of the rewrite stage, when it ran.
    pub rewrite_stats: Option<&'a RewriteStats>,
    /// Number of mined substitutions (lines of `substitutions.jsonl`).
    pub substitutions: usize,
    /// Seconds per stage and in total.
    pub timings_seconds: &'a Timings,
}

/// Parameters of a run as reported in `summary.json`.
#[derive(Debug, Serialize)]
pub struct Parameters<'a> {
    /// Field holding ids.
    pub id_field: &'a str,
    /// Field holding texts.
    pub text_field: &'a str,
    /// Field holding dates.
    pub date_field: &'a str,
    /// Fields carried into documents.jsonl.
    pub carry_fields: &'a [String],
    /// Whether invalid records were skipped.
    pub skip_invalid: bool,
    /// Whether subdirectories of directory inputs were read.
    pub recursive: bool,
    /// Detection parameters as given (`num_bands` is the override, null when derived).
    #[serde(flatten)]
    pub dedup: &'a DedupConfig,
    /// The LSH layout used.
    pub lsh: Lsh,
    /// Representative preference.
    pub prefer: &'static str,
    /// Whether rewrite linking was on.
    pub rewrites: bool,
    /// Rewrite-wing parameters, when it was on.
    pub rewrite: Option<&'a RewriteConfig>,
    /// Which pairs' edits `pairs` holds (`all`, `spun`, `none`), when
    /// rewrite linking was on.
    pub edits: Option<&'static str>,
    /// Which pairs `pairs` holds (`representative`, `all`).
    pub pairs: &'static str,
}

/// The LSH layout a run used.
#[derive(Debug, Serialize)]
pub struct Lsh {
    /// Number of bands.
    pub num_bands: usize,
    /// Signature rows per band.
    pub rows_per_band: usize,
    /// `optimal` (derived from the Jaccard threshold) or `override` (`--bands`).
    pub bands_from: &'static str,
    /// Probability that a pair becomes an LSH candidate, at the threshold and 0.1 below it.
    pub detection_probability: [Detection; 2],
}

/// LSH detection probability at one Jaccard similarity.
#[derive(Debug, Serialize)]
pub struct Detection {
    /// Jaccard similarity of the pair.
    pub jaccard: f64,
    /// Probability it becomes a candidate.
    pub probability: f64,
}

/// Build the summary of a run with the given timings.
pub fn summary<'a>(run: &'a DedupRun, timings: &'a Timings) -> Summary<'a> {
    let config = &run.config;
    let dedup = &config.dedup;
    let detection = |jaccard: f64| Detection {
        jaccard: round(jaccard, SIMILARITY_DIGITS),
        probability: round(run.lsh.detection_probability(jaccard), SIMILARITY_DIGITS),
    };
    Summary {
        copydesk_version: env!("CARGO_PKG_VERSION"),
        inputs: &run.inputs,
        counts: run.counts(),
        bytes_read: run.corpus.bytes_read,
        link_stats: &run.link_stats,
        parameters: Parameters {
            id_field: &config.read.id_field,
            text_field: &config.read.text_field,
            date_field: &config.read.date_field,
            carry_fields: &config.read.carry_fields,
            skip_invalid: config.read.skip_invalid,
            recursive: config.read.recursive,
            dedup,
            lsh: Lsh {
                num_bands: run.lsh.num_bands,
                rows_per_band: run.lsh.rows_per_band,
                bands_from: if dedup.num_bands.is_some() {
                    "override"
                } else {
                    "optimal"
                },
                detection_probability: [
                    detection(dedup.jaccard_threshold),
                    detection((dedup.jaccard_threshold - 0.1).max(0.0)),
                ],
            },
            prefer: config.prefer.name(),
            rewrites: config.rewrites,
            rewrite: config.rewrites.then_some(&config.rewrite),
            edits: config.rewrites.then(|| config.edits.name()),
            pairs: config.pairs.name(),
        },
        rewrite_stats: run.rewrite_stats.as_ref(),
        substitutions: run.substitutions.len(),
        timings_seconds: timings,
    }
}
