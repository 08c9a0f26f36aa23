//! The tables of a run (`documents`, `pairs`, `clusters`) as Parquet
//! (`--format parquet`), with the columns of their JSON Lines files.
//!
//! Each table has a fixed schema for a given configuration (the subcommand,
//! whether rewrites ran, the carried fields), whatever the data: a run that
//! flags nothing writes the same columns as one that flags everything, so a
//! pipeline can read every run's files as one dataset. Nested fields are
//! Arrow lists and structs; offsets and counts are unsigned integers,
//! similarities and scores doubles. Carried fields are strings (a value
//! that is not a JSON string is written as its JSON text), as in the
//! Parquet `--keep` of JSON Lines inputs.
//!
//! The rows are the JSON Lines writers' own lines, decoded against the
//! schema in batches (`arrow-json`, strict: a field the schema lacks is an
//! error, so the two formats cannot drift apart) and written as they come:
//! memory holds one batch, not the table.

use crate::corpus::Document;
use arrow_array::builder::StringBuilder;
use arrow_array::{ArrayRef, RecordBatch};
use arrow_json::reader::Decoder;
use arrow_schema::{DataType, Field, Fields, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;
use std::io::{self, Write};
use std::ops::Range;
use std::sync::Arc;

/// Rows decoded and written at a time.
const BATCH_ROWS: usize = 4096;

fn other(error: impl ToString) -> io::Error {
    io::Error::other(error.to_string())
}

fn list_of(item: DataType) -> DataType {
    DataType::List(Arc::new(Field::new("item", item, false)))
}

/// What a documents table holds besides `id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentColumns {
    /// `dedup`: `cluster`, `duplicate_of`, `relation`, then carried fields.
    Dedup,
    /// `scan`: the dedup columns, `flags` and `scores`, then carried fields.
    Scan,
    /// `check`: `flags` and `scores`.
    Check,
}

fn flag_struct() -> DataType {
    DataType::Struct(Fields::from(vec![
        Field::new("rule", DataType::Utf8, false),
        Field::new("category", DataType::Utf8, false),
        Field::new("start", DataType::UInt64, false),
        Field::new("end", DataType::UInt64, false),
        Field::new("text", DataType::Utf8, false),
        Field::new("message", DataType::Utf8, false),
        Field::new("score", DataType::Float64, false),
    ]))
}

fn scores_struct() -> DataType {
    DataType::Struct(Fields::from(vec![
        Field::new("quality", DataType::Float64, false),
        Field::new("spin", DataType::Float64, false),
        Field::new("incoherence", DataType::Float64, false),
    ]))
}

/// The columns of a documents table decoded from its JSON lines (carried
/// fields excluded: see [`carried_columns`]).
pub(crate) fn documents_schema(columns: DocumentColumns) -> Schema {
    let mut fields = vec![Field::new("id", DataType::Utf8, false)];
    if columns != DocumentColumns::Check {
        fields.extend([
            Field::new("cluster", DataType::UInt64, true),
            Field::new("duplicate_of", DataType::Utf8, true),
            Field::new("relation", DataType::Utf8, true),
        ]);
    }
    if columns != DocumentColumns::Dedup {
        fields.extend([
            Field::new("flags", list_of(flag_struct()), false),
            Field::new("scores", scores_struct(), false),
        ]);
    }
    Schema::new(fields)
}

/// The columns of the pairs table; `similarity`, `source` and `edits` only
/// when rewrites ran, as in `pairs.jsonl`.
pub(crate) fn pairs_schema(rewrites: bool) -> Schema {
    let mut fields = vec![
        Field::new("a", DataType::Utf8, false),
        Field::new("b", DataType::Utf8, false),
        Field::new("jaccard", DataType::Float64, false),
        Field::new("containment", list_of(DataType::Float64), false),
        Field::new("relation", DataType::Utf8, false),
    ];
    if rewrites {
        let edit = DataType::Struct(Fields::from(vec![
            Field::new("op", DataType::Utf8, false),
            Field::new("a", list_of(DataType::UInt32), false),
            Field::new("b", list_of(DataType::UInt32), false),
            Field::new("a_text", DataType::Utf8, false),
            Field::new("b_text", DataType::Utf8, false),
        ]));
        fields.extend([
            Field::new("similarity", DataType::Float64, true),
            Field::new("source", DataType::Utf8, true),
            Field::new("edits", list_of(edit), true),
        ]);
    }
    Schema::new(fields)
}

/// The columns of the clusters table.
pub(crate) fn clusters_schema() -> Schema {
    Schema::new(vec![
        Field::new("cluster", DataType::UInt64, false),
        Field::new("representative", DataType::Utf8, false),
        Field::new("size", DataType::UInt64, false),
        Field::new("members", list_of(DataType::Utf8), false),
    ])
}

/// Columns appended to decoded rows: their fields, and for a range of rows
/// (0-based in the table) their values.
pub struct Appended<'a> {
    fields: Vec<Field>,
    values: ColumnsOfRows<'a>,
}

/// The appended columns' values for a range of rows.
type ColumnsOfRows<'a> = Box<dyn Fn(Range<usize>) -> Vec<ArrayRef> + Send + 'a>;

/// The carried fields `names` of `documents`, in this order, one string
/// column each (null when a document lacks the field).
pub(crate) fn carried_columns<'a>(names: &'a [String], documents: &'a [Document]) -> Appended<'a> {
    Appended {
        fields: (names.iter())
            .map(|name| Field::new(name, DataType::Utf8, true))
            .collect(),
        values: Box::new(move |rows| {
            names
                .iter()
                .map(|name| {
                    let mut column = StringBuilder::new();
                    for document in &documents[rows.clone()] {
                        // A record repeating a key carries its first value, as in documents.jsonl.
                        match document.carry.iter().find(|(field, _)| field == name) {
                            Some((_, serde_json::Value::String(value))) => {
                                column.append_value(value)
                            }
                            Some((_, serde_json::Value::Null)) | None => column.append_null(),
                            Some((_, value)) => column.append_value(value.to_string()),
                        }
                    }
                    Arc::new(column.finish()) as ArrayRef
                })
                .collect()
        }),
    }
}

/// Write the JSON lines that `lines` writes as one Parquet file of `schema`
/// (plus `appended`) into `w`.
pub(crate) fn write_parquet<W: Write + Send>(
    w: W,
    schema: Schema,
    appended: Option<Appended<'_>>,
    lines: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let decoder = arrow_json::ReaderBuilder::new(Arc::new(schema.clone()))
        .with_batch_size(BATCH_ROWS)
        .with_strict_mode(true)
        .build_decoder()
        .map_err(other)?;
    let mut fields: Vec<Field> = schema.fields().iter().map(|f| f.as_ref().clone()).collect();
    if let Some(appended) = &appended {
        for field in &appended.fields {
            if fields.iter().any(|f| f.name() == field.name()) {
                return Err(other(format!(
                    "the carried field {:?} has the name of a column of the output",
                    field.name()
                )));
            }
            fields.push(field.clone());
        }
    }
    let schema: SchemaRef = Arc::new(Schema::new(fields));
    let properties = WriterProperties::builder()
        .set_compression(Compression::ZSTD(ZstdLevel::default()))
        .build();
    let writer = ArrowWriter::try_new(w, schema.clone(), Some(properties)).map_err(other)?;
    let mut table = Table {
        decoder,
        writer,
        schema,
        appended,
        rows: 0,
    };
    lines(&mut table)?;
    table.write_batch()?;
    table.writer.close().map(drop).map_err(other)
}

/// JSON lines in, Parquet row groups out.
struct Table<'a, W: Write + Send> {
    decoder: Decoder,
    writer: ArrowWriter<W>,
    schema: SchemaRef,
    appended: Option<Appended<'a>>,
    /// Rows written so far.
    rows: usize,
}

impl<W: Write + Send> Table<'_, W> {
    /// Write the rows decoded so far, if any.
    fn write_batch(&mut self) -> io::Result<()> {
        let Some(decoded) = self.decoder.flush().map_err(other)? else {
            return Ok(());
        };
        let count = decoded.num_rows();
        let mut columns = decoded.columns().to_vec();
        if let Some(appended) = &self.appended {
            columns.extend((appended.values)(self.rows..self.rows + count));
        }
        let batch = RecordBatch::try_new(self.schema.clone(), columns).map_err(other)?;
        self.writer.write(&batch).map_err(other)?;
        self.rows += count;
        Ok(())
    }
}

impl<W: Write + Send> Write for Table<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut rest = buf;
        while !rest.is_empty() {
            let consumed = self.decoder.decode(rest).map_err(other)?;
            rest = &rest[consumed..];
            // The decoder stops short only when it holds a full batch.
            if !rest.is_empty() {
                self.write_batch()?;
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::cast::AsArray;
    use arrow_array::types::UInt64Type;
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

    #[test]
    fn rows_spanning_many_batches_and_writes_come_back_in_order() {
        let rows = BATCH_ROWS * 2 + 17;
        let mut parquet = tempfile::tempfile().unwrap();
        write_parquet(&mut parquet, clusters_schema(), None, |w| {
            for number in 0..rows {
                let line = format!(
                    "{{\"cluster\":{number},\"representative\":\"d{number}\",\"size\":2,\
                     \"members\":[\"d{number}\",\"e{number}\"]}}\n"
                );
                // Lines cut across writes, as a buffered writer hands them on.
                let (head, tail) = line.as_bytes().split_at(line.len() / 3);
                w.write_all(head)?;
                w.write_all(tail)?;
            }
            Ok(())
        })
        .unwrap();
        let reader = ParquetRecordBatchReaderBuilder::try_new(parquet)
            .unwrap()
            .build()
            .unwrap();
        let mut clusters = Vec::new();
        for batch in reader {
            let batch = batch.unwrap();
            clusters.extend(
                batch
                    .column(0)
                    .as_primitive::<UInt64Type>()
                    .values()
                    .to_vec(),
            );
        }
        assert_eq!(clusters, (0..rows as u64).collect::<Vec<_>>());
    }

    #[test]
    fn a_field_the_schema_lacks_is_an_error() {
        let mut parquet = Vec::new();
        let error = write_parquet(&mut parquet, clusters_schema(), None, |w| {
            w.write_all(
                b"{\"cluster\":0,\"representative\":\"a\",\"size\":1,\"members\":[],\"extra\":1}\n",
            )
        })
        .unwrap_err();
        assert!(error.to_string().contains("extra"), "{error}");
    }
}
