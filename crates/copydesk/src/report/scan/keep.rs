//! The clean corpus (`--keep`) as it came in, and what was left out of it
//! (`--drop`) with the reasons, as JSON Lines or Parquet.

use super::{documents, id_of};
use crate::corpus::Document;
use crate::pipeline::{round, CleanCorpus, ScanRun};
use crate::report::{jsonl, relation_row};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{self, Write};

/// The clean corpus ([`CleanCorpus`]) in input order, as it came in.
pub(crate) fn write_keep(w: &mut impl Write, run: &ScanRun, min_quality: f64) -> io::Result<()> {
    kept_documents(run, min_quality).try_for_each(|document| jsonl::write_original(w, document))
}

fn kept_documents(run: &ScanRun, min_quality: f64) -> impl Iterator<Item = &Document> {
    let clean = CleanCorpus::new(run, min_quality);
    documents(run)
        .enumerate()
        .filter(move |(index, _)| clean.is_kept(*index))
        .map(|(_, (document, _, _))| document)
}

/// [`write_keep`] as Parquet (see [`crate::report::parquet`] for the schema).
pub(crate) fn write_keep_parquet(
    w: impl Write + Send,
    run: &ScanRun,
    min_quality: f64,
) -> io::Result<()> {
    let kept: Vec<&Document> = kept_documents(run, min_quality).collect();
    crate::report::parquet::write_documents(w, &kept, &[])
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
pub(crate) fn write_drop(w: &mut impl Write, run: &ScanRun, min_quality: f64) -> io::Result<()> {
    for (_, line) in dropped(run, min_quality) {
        serde_json::to_writer(&mut *w, &line)?;
        w.write_all(b"\n")?;
    }
    Ok(())
}

/// [`write_drop`] as Parquet: the dropped rows as [`write_keep_parquet`]
/// writes kept ones, followed by the columns `copydesk_reasons` (a list),
/// `copydesk_duplicate_of`, `copydesk_kept_instead` and `copydesk_quality`.
pub(crate) fn write_drop_parquet(
    w: impl Write + Send,
    run: &ScanRun,
    min_quality: f64,
) -> io::Result<()> {
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
    crate::report::parquet::write_documents(w, &documents, &extra)
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
