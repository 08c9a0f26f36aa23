//! Reading Parquet inputs: only the id, text, date and carried columns,
//! one row group at a time.
//!
//! Each batch of rows is turned into JSON Lines by Arrow's JSON writer and
//! parsed by the JSONL record parser: a Parquet record is then checked,
//! typed and carried exactly as the same record in JSONL would be (null
//! values count as absent fields), and a Parquet copy of a JSONL corpus
//! gives the same outputs.

use crate::document::Record;
use crate::record::parse_line;
use crate::{Input, ReadOptions};
use arrow_schema::DataType;
use copydesk_common::progress::Progress;
use copydesk_common::{Error, Result};
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
};
use parquet::arrow::ProjectionMask;
use rayon::prelude::*;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Rows decoded and parsed at a time.
const BATCH_ROWS: usize = 8192;

/// The footer of a Parquet file, read with its Arrow schema, or an
/// [`Error::Parquet`] naming the file.
pub fn open_parquet(path: &Path) -> Result<(File, ArrowReaderMetadata)> {
    let file = File::open(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let metadata = decoding(path, None, || {
        ArrowReaderMetadata::load(&file, ArrowReaderOptions::new())
            .map_err(|e| parquet_error(path, None, e))
    })?;
    Ok((file, metadata))
}

std::thread_local! {
    /// Set while this thread runs the Parquet decoder under [`decoding`].
    static DECODING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Run `decode`, which calls the Parquet decoder, turning a panic into an
/// [`Error::Parquet`] naming the file and row group.
///
/// The decoder still panics on some malformed files (out-of-range slices in
/// corrupt pages) where it should return an error; a bad input must not
/// bring the process down nor print a panic message. A panic hook, installed
/// once and otherwise deferring to the one before it, keeps quiet about
/// panics of threads inside this function.
pub fn decoding<T>(
    path: &Path,
    row_group: Option<usize>,
    decode: impl FnOnce() -> Result<T>,
) -> Result<T> {
    static QUIET_HOOK: std::sync::Once = std::sync::Once::new();
    QUIET_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !DECODING.with(std::cell::Cell::get) {
                previous(info);
            }
        }));
    });
    let was_decoding = DECODING.with(|flag| flag.replace(true));
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(decode));
    DECODING.with(|flag| flag.set(was_decoding));
    outcome.unwrap_or_else(|panic| {
        let message = panic
            .downcast_ref::<&str>()
            .map(|m| m.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(parquet_error(
            path,
            row_group,
            format!("malformed data ({message})"),
        ))
    })
}

/// An [`Error::Parquet`] for `path` (and the row group, when known).
pub fn parquet_error(path: &Path, row_group: Option<usize>, error: impl ToString) -> Error {
    Error::Parquet {
        path: path.to_path_buf(),
        row_group: row_group.map(|g| g as u32),
        message: error.to_string(),
    }
}

fn is_string(data_type: &DataType) -> bool {
    match data_type {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => true,
        DataType::Dictionary(_, values) => is_string(values),
        _ => false,
    }
}

/// Check that the file has the id and text columns with types that can
/// stand for them, and return the indices of the columns to read.
fn projection(
    path: &Path,
    metadata: &ArrowReaderMetadata,
    options: &ReadOptions,
) -> Result<Vec<usize>> {
    let schema = metadata.schema();
    let column_error = |problem: String| Error::ParquetColumn {
        path: path.to_path_buf(),
        problem,
    };
    let find = |name: &str| schema.fields().iter().position(|f| f.name() == name);
    // The index of a column that must be there, with a type it can stand for.
    let required = |name: &str, role: &str, accepts: fn(&DataType) -> bool, expected: &str| {
        let index = find(name)
            .ok_or_else(|| column_error(format!("no column {name:?} to read the {role} from")))?;
        let data_type = schema.field(index).data_type();
        if !accepts(data_type) {
            return Err(column_error(format!(
                "column {name:?} is {data_type}, not {expected}"
            )));
        }
        Ok(index)
    };
    let text = required(&options.text_field, "text", is_string, "a string")?;
    let id = required(
        &options.id_field,
        "id",
        |t| is_string(t) || t.is_integer(),
        "a string or an integer",
    )?;
    let mut columns = vec![id, text];
    columns.extend(find(&options.date_field));
    columns.extend(options.carry_fields.iter().filter_map(|name| find(name)));
    // Arrow's projection keeps the file's column order whatever the order
    // asked; JSON field order does not matter to the record parser.
    columns.sort_unstable();
    columns.dedup();
    Ok(columns)
}

/// Read a Parquet input, handing its records to `accept` batch by batch in
/// row order; returns the bytes of the row groups read, uncompressed.
/// Progress advances by each row group's compressed size.
pub(super) fn read_parquet(
    input: &Input,
    name: &Arc<str>,
    options: &ReadOptions,
    progress: &dyn Progress,
    accept: &mut dyn FnMut(Vec<Record>) -> Result<()>,
) -> Result<u64> {
    let path = match input {
        Input::Path(path) => path.clone(),
        Input::Stdin => PathBuf::from("-"),
    };
    let (file, metadata) = open_parquet(&path)?;
    let columns = projection(&path, &metadata, options)?;
    let mut rows_before: u64 = 0;
    let mut bytes_read = 0;
    for group in 0..metadata.metadata().num_row_groups() {
        let group_meta = metadata.metadata().row_group(group);
        let file = file.try_clone().map_err(|source| Error::Read {
            path: path.clone(),
            source,
        })?;
        let mask = ProjectionMask::roots(metadata.parquet_schema(), columns.iter().copied());
        let in_group = |e| parquet_error(&path, Some(group), e);
        let mut reader = decoding(&path, Some(group), || {
            ParquetRecordBatchReaderBuilder::new_with_metadata(file, metadata.clone())
                .with_projection(mask)
                .with_row_groups(vec![group])
                .with_batch_size(BATCH_ROWS)
                .build()
                .map_err(|e| in_group(e.to_string()))
        })?;
        let mut json = Vec::new();
        loop {
            json.clear();
            let next = decoding(&path, Some(group), || {
                let Some(batch) = reader.next() else {
                    return Ok(None);
                };
                let batch = batch.map_err(|e| in_group(e.to_string()))?;
                let mut writer = arrow_json::LineDelimitedWriter::new(&mut json);
                writer.write(&batch).map_err(|e| in_group(e.to_string()))?;
                writer.finish().map_err(|e| in_group(e.to_string()))?;
                Ok(Some(batch.num_rows()))
            })?;
            let Some(num_rows) = next else {
                break;
            };
            // The JSON writer escapes line breaks inside strings: one line per row.
            let lines: Vec<&[u8]> = json.split(|&b| b == b'\n').take(num_rows).collect();
            let first_row = rows_before + 1;
            let records: Vec<Record> = lines
                .par_iter()
                .enumerate()
                .filter_map(|(index, bytes)| {
                    let row = first_row + index as u64;
                    let mut record = parse_line(bytes, name, row, options)?;
                    let location = match &mut record {
                        Ok(document) => &mut document.location,
                        Err(rejected) => &mut rejected.location,
                    };
                    location.row_group = Some(group as u32);
                    Some(record)
                })
                .collect();
            rows_before += num_rows as u64;
            accept(records)?;
        }
        bytes_read += group_meta.total_byte_size().max(0) as u64;
        progress.advance(group_meta.compressed_size().max(0) as u64);
    }
    Ok(bytes_read)
}
