//! Writing a corpus (`--keep`, `--drop`) as Parquet.
//!
//! When every document written came from Parquet inputs of one schema, the
//! rows are copied as they were, every column of the input included: the
//! inputs are read again for them, only the rows written. Otherwise (JSON
//! Lines or text inputs, or Parquet inputs of different schemas) the schema
//! is derived from the records: `id`, `text`, `date` and the carried fields,
//! all strings (a carried value that is not a JSON string is written as its
//! JSON text), absent values null.

use crate::corpus::parquet::{decoding, open_parquet, parquet_error};
use crate::corpus::Document;
use arrow_array::builder::StringBuilder;
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{Field, Schema, SchemaRef};
use parquet::arrow::arrow_reader::{ParquetRecordBatchReaderBuilder, RowSelection, RowSelector};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;
use std::io::{self, Write};
use std::path::Path;
use std::sync::Arc;

/// Rows written at a time when the schema is derived.
const BATCH_ROWS: usize = 8192;

/// Whether an output of this name is written as Parquet.
pub(crate) fn is_parquet(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.ends_with(".parquet"))
}

fn other(error: impl ToString) -> io::Error {
    io::Error::other(error.to_string())
}

/// Columns appended to every row written, one value per document.
pub type ExtraColumns = Vec<(Field, ArrayRef)>;

/// Write `documents`, in this order, as one Parquet file, each row followed
/// by its values of `extra` (see the module for the schema).
pub fn write_documents(
    w: impl Write + Send,
    documents: &[&Document],
    extra: &[(Field, ArrayRef)],
) -> io::Result<()> {
    match copied_schema(documents).map_err(other)? {
        Some(input_schema) => copy_rows(w, documents, input_schema, extra),
        None => derive_rows(w, documents, extra),
    }
}

/// The schema of the Parquet inputs the documents came from, when they all
/// did and it is one schema.
fn copied_schema(documents: &[&Document]) -> crate::Result<Option<SchemaRef>> {
    let mut schema: Option<SchemaRef> = None;
    let mut last_file: Option<&str> = None;
    for document in documents {
        let location = &document.location;
        if location.row_group.is_none() {
            return Ok(None);
        }
        if last_file == Some(&*location.file) {
            continue;
        }
        last_file = Some(&location.file);
        let (_, metadata) = open_parquet(Path::new(&*location.file))?;
        let fields = metadata.schema().fields().clone();
        match &schema {
            None => schema = Some(Arc::new(Schema::new(fields))),
            Some(first) if first.fields() == &fields => {}
            Some(_) => return Ok(None),
        }
    }
    Ok(schema)
}

fn writer<W: Write + Send>(w: W, schema: SchemaRef) -> io::Result<ArrowWriter<W>> {
    let properties = WriterProperties::builder()
        .set_compression(Compression::ZSTD(ZstdLevel::default()))
        .build();
    ArrowWriter::try_new(w, schema, Some(properties)).map_err(other)
}

fn with_extra(schema: &Schema, extra: &[(Field, ArrayRef)]) -> io::Result<SchemaRef> {
    let mut fields: Vec<Field> = schema.fields().iter().map(|f| f.as_ref().clone()).collect();
    for (field, _) in extra {
        if fields.iter().any(|f| f.name() == field.name()) {
            return Err(other(format!(
                "the input already has a column {:?}, which this output adds",
                field.name()
            )));
        }
        fields.push(field.clone());
    }
    Ok(Arc::new(Schema::new(fields)))
}

/// One batch: `columns` followed by `extra` for the documents from `offset`.
fn batch(
    schema: &SchemaRef,
    mut columns: Vec<ArrayRef>,
    extra: &[(Field, ArrayRef)],
    offset: usize,
) -> io::Result<RecordBatch> {
    let rows = columns.first().map_or(0, |c| c.len());
    columns.extend(extra.iter().map(|(_, values)| values.slice(offset, rows)));
    RecordBatch::try_new(schema.clone(), columns).map_err(other)
}

/// The rows of the documents read again from their Parquet inputs, file by
/// file in document order (a file's documents come in row order).
fn copy_rows<W: Write + Send>(
    w: W,
    documents: &[&Document],
    input_schema: SchemaRef,
    extra: &[(Field, ArrayRef)],
) -> io::Result<()> {
    let schema = with_extra(&input_schema, extra)?;
    let mut out = writer(w, schema.clone())?;
    let mut written = 0;
    for run in documents.chunk_by(|a, b| a.location.file == b.location.file) {
        let file = &run[0].location.file;
        let path = Path::new(&**file);
        let (reader_file, metadata) = open_parquet(path).map_err(other)?;
        // Rows to read, 0-based in the file, and the selection that skips
        // to each of them.
        let mut selectors = Vec::new();
        let mut next = 0;
        for document in run {
            let row = document.location.line - 1;
            if row < next {
                return Err(other(format!("{file}: rows to write are not in row order")));
            }
            selectors.push(RowSelector::skip((row - next) as usize));
            selectors.push(RowSelector::select(1));
            next = row + 1;
        }
        let failed = |e: String| parquet_error(path, None, e);
        let mut reader = decoding(path, None, || {
            ParquetRecordBatchReaderBuilder::new_with_metadata(reader_file, metadata)
                .with_row_selection(RowSelection::from(selectors))
                .with_batch_size(BATCH_ROWS)
                .build()
                .map_err(|e| failed(e.to_string()))
        })
        .map_err(other)?;
        let mut read = 0;
        while let Some(input_batch) = decoding(path, None, || {
            reader.next().transpose().map_err(|e| failed(e.to_string()))
        })
        .map_err(other)?
        {
            read += input_batch.num_rows();
            out.write(&batch(
                &schema,
                input_batch.columns().to_vec(),
                extra,
                written,
            )?)
            .map_err(other)?;
            written += input_batch.num_rows();
        }
        if read != run.len() {
            return Err(other(format!(
                "{file} changed since it was read: {} of its rows were found again, not {}",
                read,
                run.len()
            )));
        }
    }
    out.close().map(drop).map_err(other)
}

/// The documents as rows of the derived schema (see the module).
fn derive_rows<W: Write + Send>(
    w: W,
    documents: &[&Document],
    extra: &[(Field, ArrayRef)],
) -> io::Result<()> {
    let mut carried: Vec<&str> = Vec::new();
    for document in documents {
        for (field, _) in &document.carry {
            if !carried.contains(&field.as_str()) {
                carried.push(field);
            }
        }
    }
    let mut fields = vec![
        Field::new("id", arrow_schema::DataType::Utf8, false),
        Field::new("text", arrow_schema::DataType::Utf8, false),
        Field::new("date", arrow_schema::DataType::Utf8, true),
    ];
    for name in &carried {
        if fields.iter().any(|f| f.name() == name) {
            return Err(other(format!(
                "the carried field {name:?} has the name of a column of the output"
            )));
        }
        fields.push(Field::new(*name, arrow_schema::DataType::Utf8, true));
    }
    let schema = with_extra(&Schema::new(fields), extra)?;
    let mut out = writer(w, schema.clone())?;
    for (number, chunk) in documents.chunks(BATCH_ROWS).enumerate() {
        let mut ids = StringBuilder::new();
        let mut texts = StringBuilder::new();
        let mut dates = StringBuilder::new();
        let mut carry: Vec<StringBuilder> = carried.iter().map(|_| StringBuilder::new()).collect();
        for document in chunk {
            ids.append_value(&document.id);
            texts.append_value(&document.text);
            dates.append_option(document.date.as_deref());
            for (name, column) in carried.iter().zip(&mut carry) {
                // A record repeating a key carries its first value, as in documents.jsonl.
                match document.carry.iter().find(|(field, _)| field == name) {
                    Some((_, serde_json::Value::String(value))) => column.append_value(value),
                    Some((_, serde_json::Value::Null)) | None => column.append_null(),
                    Some((_, value)) => column.append_value(value.to_string()),
                }
            }
        }
        let mut columns: Vec<ArrayRef> = vec![
            Arc::new(ids.finish()),
            Arc::new(texts.finish()),
            Arc::new(dates.finish()),
        ];
        columns.extend(carry.iter_mut().map(|c| Arc::new(c.finish()) as ArrayRef));
        out.write(&batch(&schema, columns, extra, number * BATCH_ROWS)?)
            .map_err(other)?;
    }
    out.close().map(drop).map_err(other)
}
