//! Records from an Arrow stream exported by pyarrow (the Arrow PyCapsule
//! interface): the string columns are read in place, each string copied once
//! into the document it becomes.

use arrow_array::ffi_stream::{ArrowArrayStreamReader, FFI_ArrowArrayStream};
use arrow_array::{Array, LargeStringArray, RecordBatch, StringArray, StringViewArray};
use copydesk::corpus::MemoryRecord;
use copydesk::RejectReason;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyCapsule;

/// The names the caller's columns have, for the reasons rows are rejected.
pub struct ColumnNames {
    pub id: String,
    pub text: String,
}

/// The batches of an object with `__arrow_c_stream__` (a `pyarrow.Table`,
/// `RecordBatchReader`, ...), imported without copying their buffers.
pub fn import_stream(data: &Bound<'_, PyAny>) -> PyResult<Vec<RecordBatch>> {
    let capsule = data.call_method0("__arrow_c_stream__")?;
    let capsule = capsule.downcast::<PyCapsule>()?;
    let named_stream = capsule
        .name()?
        .is_some_and(|name| name.to_bytes() == b"arrow_array_stream");
    if !named_stream {
        return Err(PyTypeError::new_err(
            "__arrow_c_stream__ did not return an arrow_array_stream capsule",
        ));
    }
    // SAFETY: a capsule named "arrow_array_stream" holds an
    // FFI_ArrowArrayStream (the Arrow PyCapsule interface); `from_raw` moves
    // it out and leaves a released stream behind, which is what the
    // interface asks of a consumer.
    let reader =
        unsafe { ArrowArrayStreamReader::from_raw(capsule.pointer() as *mut FFI_ArrowArrayStream) }
            .map_err(|err| PyValueError::new_err(format!("cannot read the Arrow stream: {err}")))?;
    reader
        .collect::<Result<Vec<_>, _>>()
        .map_err(|err| PyValueError::new_err(format!("cannot read the Arrow stream: {err}")))
}

/// A string column of any of Arrow's three layouts.
enum Strings<'a> {
    Utf8(&'a StringArray),
    LargeUtf8(&'a LargeStringArray),
    Utf8View(&'a StringViewArray),
}

impl<'a> Strings<'a> {
    fn of(array: &'a dyn Array, name: &str) -> Result<Strings<'a>, String> {
        let any = array.as_any();
        if let Some(a) = any.downcast_ref::<StringArray>() {
            Ok(Strings::Utf8(a))
        } else if let Some(a) = any.downcast_ref::<LargeStringArray>() {
            Ok(Strings::LargeUtf8(a))
        } else if let Some(a) = any.downcast_ref::<StringViewArray>() {
            Ok(Strings::Utf8View(a))
        } else {
            Err(format!(
                "column {name:?} is {}, not a string column",
                array.data_type()
            ))
        }
    }

    fn get(&self, row: usize) -> Option<&'a str> {
        match self {
            Strings::Utf8(a) => a.is_valid(row).then(|| a.value(row)),
            Strings::LargeUtf8(a) => a.is_valid(row).then(|| a.value(row)),
            Strings::Utf8View(a) => a.is_valid(row).then(|| a.value(row)),
        }
    }
}

/// The records of `batches`, whose columns are id, text and optionally a
/// date, in that order, all strings; a null id or text is a rejected row.
pub fn records(
    batches: &[RecordBatch],
    names: &ColumnNames,
) -> Result<Vec<Result<MemoryRecord, RejectReason>>, String> {
    let rows = batches.iter().map(RecordBatch::num_rows).sum();
    let mut out = Vec::with_capacity(rows);
    for batch in batches {
        if batch.num_columns() < 2 {
            return Err("the Arrow stream needs an id and a text column".to_owned());
        }
        let ids = Strings::of(batch.column(0), &names.id)?;
        let texts = Strings::of(batch.column(1), &names.text)?;
        let dates = match batch.columns().get(2) {
            Some(column) => Some(Strings::of(column, "date")?),
            None => None,
        };
        for row in 0..batch.num_rows() {
            let record = match (ids.get(row), texts.get(row)) {
                (None, _) => Err(RejectReason::MissingField(names.id.clone())),
                (_, None) => Err(RejectReason::MissingField(names.text.clone())),
                (Some(id), Some(text)) => Ok((
                    id.to_owned(),
                    text.to_owned(),
                    dates.as_ref().and_then(|d| d.get(row)).map(str::to_owned),
                )),
            };
            out.push(record);
        }
    }
    Ok(out)
}
