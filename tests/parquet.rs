//! Parquet inputs and outputs: a Parquet copy of a JSONL corpus gives the same
//! results, `--keep`/`--drop` named `.parquet` write Parquet (the input's rows
//! as they were for Parquet input), and bad Parquet files are clear errors.
//! The Parquet fixtures are made here from the JSONL ones with the crate.

mod common;

use arrow_array::{ArrayRef, Int64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use common::*;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;
use std::sync::Arc;

const NEWS: &str = "fixtures/news.jsonl";

/// Write `jsonl` as Parquet at `parquet`, the schema inferred from the
/// records, `rows_per_group` rows to a row group.
fn jsonl_to_parquet(jsonl: &Path, parquet: &Path, rows_per_group: usize) {
    let open = || BufReader::new(File::open(jsonl).unwrap());
    let (schema, _) = arrow_json::reader::infer_json_schema(open(), None).unwrap();
    let schema = Arc::new(schema);
    let reader = arrow_json::ReaderBuilder::new(schema.clone())
        .build(open())
        .unwrap();
    let properties = WriterProperties::builder()
        .set_max_row_group_size(rows_per_group)
        .build();
    let mut writer =
        ArrowWriter::try_new(File::create(parquet).unwrap(), schema, Some(properties)).unwrap();
    for batch in reader {
        writer.write(&batch.unwrap()).unwrap();
    }
    writer.close().unwrap();
}

fn write_batch(path: &Path, batch: &RecordBatch) {
    let mut writer =
        ArrowWriter::try_new(File::create(path).unwrap(), batch.schema(), None).unwrap();
    writer.write(batch).unwrap();
    writer.close().unwrap();
}

/// Every row of a Parquet file, as JSON lines, and its schema.
fn read_parquet(path: &Path) -> (Arc<Schema>, Vec<serde_json::Value>) {
    let builder = ParquetRecordBatchReaderBuilder::try_new(File::open(path).unwrap()).unwrap();
    let schema = builder.schema().clone();
    let mut json = Vec::new();
    let mut writer = arrow_json::LineDelimitedWriter::new(&mut json);
    for batch in builder.build().unwrap() {
        writer.write(&batch.unwrap()).unwrap();
    }
    writer.finish().unwrap();
    let rows = String::from_utf8(json)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    (schema, rows)
}

fn ids(rows: &[serde_json::Value]) -> Vec<String> {
    rows.iter()
        .map(|row| row["id"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn a_parquet_copy_gives_byte_identical_results() {
    let dir = temp_dir();
    let parquet = dir.path().join("news.parquet");
    // Row groups of 5 rows: records of a batch span several groups.
    jsonl_to_parquet(Path::new(NEWS), &parquet, 5);
    let (from_jsonl, from_parquet) = (dir.path().join("jsonl"), dir.path().join("parquet"));
    let carry = ["--carry", "source,title"];
    dedup_ok(&[NEWS], &from_jsonl, &carry);
    dedup_ok(&[parquet.to_str().unwrap()], &from_parquet, &carry);
    for name in ["documents.jsonl", "pairs.jsonl", "clusters.jsonl"] {
        let expected = std::fs::read(from_jsonl.join(name)).unwrap();
        assert!(!expected.is_empty(), "{name}");
        assert_eq!(
            std::fs::read(from_parquet.join(name)).unwrap(),
            expected,
            "{name} differs"
        );
    }
}

#[test]
fn keep_parquet_copies_the_input_rows_as_they_were() {
    let dir = temp_dir();
    let parquet = dir.path().join("news.parquet");
    jsonl_to_parquet(Path::new(NEWS), &parquet, 4);
    let (keep_jsonl, keep_parquet) = (
        dir.path().join("keep.jsonl"),
        dir.path().join("keep.parquet"),
    );
    dedup_ok(
        &[NEWS],
        &dir.path().join("a"),
        &["--keep", keep_jsonl.to_str().unwrap()],
    );
    dedup_ok(
        &[parquet.to_str().unwrap()],
        &dir.path().join("b"),
        &["--keep", keep_parquet.to_str().unwrap()],
    );
    let kept = read_jsonl(&keep_jsonl);
    let (input_schema, input_rows) = read_parquet(&parquet);
    let (schema, rows) = read_parquet(&keep_parquet);
    assert_eq!(schema.fields(), input_schema.fields());
    assert!(rows.len() < input_rows.len() && !rows.is_empty());
    assert_eq!(ids(&rows), ids(&kept));
    let expected: Vec<_> = input_rows
        .into_iter()
        .filter(|row| ids(&kept).contains(&row["id"].as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(rows, expected);
}

#[test]
fn keep_parquet_from_jsonl_has_id_text_date_and_carried_columns_as_strings() {
    let dir = temp_dir();
    let keep = dir.path().join("keep.parquet");
    dedup_ok(
        &[NEWS],
        &dir.path().join("out"),
        &["--keep", keep.to_str().unwrap(), "--carry", "title"],
    );
    let (schema, rows) = read_parquet(&keep);
    let columns: Vec<(&str, &DataType)> = schema
        .fields()
        .iter()
        .map(|f| (f.name().as_str(), f.data_type()))
        .collect();
    assert_eq!(
        columns,
        [
            ("id", &DataType::Utf8),
            ("text", &DataType::Utf8),
            ("date", &DataType::Utf8),
            ("title", &DataType::Utf8)
        ]
    );
    let keep_jsonl = dir.path().join("keep.jsonl");
    dedup_ok(
        &[NEWS],
        &dir.path().join("out"),
        &["--keep", keep_jsonl.to_str().unwrap()],
    );
    assert_eq!(ids(&rows), ids(&read_jsonl(&keep_jsonl)));
    assert_eq!(
        rows[0]["text"].as_str().unwrap(),
        fixture_text(&ids(&rows)[0])
    );
}

#[test]
fn scan_drop_parquet_has_the_rows_and_the_reasons() {
    let dir = temp_dir();
    let parquet = dir.path().join("news.parquet");
    jsonl_to_parquet(Path::new(NEWS), &parquet, 100);
    let (drop_jsonl, drop_parquet) = (
        dir.path().join("drop.jsonl"),
        dir.path().join("drop.parquet"),
    );
    for (out, drop) in [("a", &drop_jsonl), ("b", &drop_parquet)] {
        run_ok(
            "scan",
            &[parquet.to_str().unwrap()],
            &dir.path().join(out),
            &["--drop", drop.to_str().unwrap()],
        );
    }
    let dropped = read_jsonl(&drop_jsonl);
    assert!(dropped
        .iter()
        .all(|line| line["row_group"] == 0 && line["line"].is_u64()));
    let (schema, rows) = read_parquet(&drop_parquet);
    assert!(schema.field_with_name("title").is_ok());
    assert_eq!(ids(&rows), ids(&dropped));
    for (row, line) in rows.iter().zip(&dropped) {
        assert_eq!(row["copydesk_reasons"], line["reasons"]);
        assert_eq!(row["copydesk_duplicate_of"], line["duplicate_of"]);
    }
}

#[test]
fn directories_pick_up_parquet_files_and_outputs_may_not_replace_them() {
    let dir = temp_dir();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    jsonl_to_parquet(Path::new(NEWS), &input.join("news.parquet"), 100);
    let out = dir.path().join("out");
    dedup_ok(&[input.to_str().unwrap()], &out, &[]);
    assert_eq!(read_jsonl(&out.join("documents.jsonl")).len(), 18);
    for keep in [input.join("news.parquet"), input.join("kept.parquet")] {
        let output = dedup(
            &[input.to_str().unwrap()],
            &out,
            &["--keep", keep.to_str().unwrap()],
        );
        assert_eq!(output.status.code(), Some(2), "{keep:?}");
    }
}

fn strings(values: &[&str]) -> ArrayRef {
    Arc::new(StringArray::from(values.to_vec()))
}

#[test]
fn a_file_without_the_text_column_names_the_file() {
    let dir = temp_dir();
    let path = dir.path().join("no-text.parquet");
    let batch =
        RecordBatch::try_from_iter([("id", strings(&["a"])), ("body", strings(&["x"]))]).unwrap();
    write_batch(&path, &batch);
    let stderr = dedup_fails(&[path.to_str().unwrap()], &dir.path().join("out"), &[]);
    assert!(
        stderr.contains("no-text.parquet") && stderr.contains("\"text\""),
        "{stderr}"
    );
    // The column named by --text-field is read instead.
    dedup_ok(
        &[path.to_str().unwrap()],
        &dir.path().join("out"),
        &["--text-field", "body"],
    );
}

#[test]
fn a_non_string_text_column_names_the_file_and_the_type() {
    let dir = temp_dir();
    let path = dir.path().join("numbers.parquet");
    let numbers: ArrayRef = Arc::new(Int64Array::from(vec![1, 2]));
    let batch =
        RecordBatch::try_from_iter([("id", strings(&["a", "b"])), ("text", numbers)]).unwrap();
    write_batch(&path, &batch);
    let stderr = dedup_fails(&[path.to_str().unwrap()], &dir.path().join("out"), &[]);
    assert!(
        stderr.contains("numbers.parquet")
            && stderr.contains("Int64")
            && stderr.contains("not a string"),
        "{stderr}"
    );
}

#[test]
fn truncated_and_garbage_files_are_errors_naming_the_file() {
    let dir = temp_dir();
    let good = dir.path().join("good.parquet");
    jsonl_to_parquet(Path::new(NEWS), &good, 5);
    let bytes = std::fs::read(&good).unwrap();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("truncated.parquet", bytes[..bytes.len() / 2].to_vec()),
        (
            "garbage.parquet",
            b"this is not a parquet file at all".repeat(10),
        ),
        ("empty.parquet", Vec::new()),
        ("headless.parquet", bytes[4..].to_vec()),
    ];
    for (name, content) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, content).unwrap();
        let stderr = dedup_fails(&[path.to_str().unwrap()], &dir.path().join("out"), &[]);
        assert!(stderr.contains(name), "{name}: {stderr}");
    }
}

#[test]
fn corrupt_pages_are_errors_naming_the_row_group() {
    let dir = temp_dir();
    let good = dir.path().join("good.parquet");
    jsonl_to_parquet(Path::new(NEWS), &good, 5);
    let bytes = std::fs::read(&good).unwrap();
    // Overwrite a stretch in the data pages, before the footer.
    for start in [8, bytes.len() / 4, bytes.len() / 3] {
        let mut corrupt = bytes.clone();
        for byte in &mut corrupt[start..start + 64] {
            *byte = 0xff;
        }
        let path = dir.path().join("corrupt.parquet");
        std::fs::write(&path, corrupt).unwrap();
        let output = dedup(&[path.to_str().unwrap()], &dir.path().join("out"), &[]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.contains("panicked"), "{stderr}");
        if !output.status.success() {
            assert_eq!(output.status.code(), Some(1), "{stderr}");
            assert!(
                stderr.contains("corrupt.parquet") && stderr.contains("row group"),
                "{stderr}"
            );
        }
    }
}

#[test]
fn null_texts_are_rejected_by_row_and_row_group() {
    let dir = temp_dir();
    let path = dir.path().join("nulls.parquet");
    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Utf8, false),
        Field::new("text", DataType::Utf8, true),
    ]));
    let texts: ArrayRef = Arc::new(StringArray::from(vec![Some("one text"), None]));
    let batch = RecordBatch::try_new(schema, vec![strings(&["a", "b"]), texts]).unwrap();
    write_batch(&path, &batch);
    let stderr = dedup_fails(&[path.to_str().unwrap()], &dir.path().join("out"), &[]);
    assert!(
        stderr.contains("nulls.parquet: row 2 (row group 0)"),
        "{stderr}"
    );
    let out = dir.path().join("out");
    dedup_ok(&[path.to_str().unwrap()], &out, &["--skip-invalid"]);
    let rejected = read_jsonl(&out.join("rejected.jsonl"));
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0]["line"], 2);
    assert_eq!(rejected[0]["row_group"], 0);
    assert_eq!(rejected[0]["reason"], "missing_field");
}

#[test]
fn no_corruption_anywhere_in_the_file_panics() {
    use copydesk::corpus::{read_inputs, Input, ReadOptions};
    let dir = temp_dir();
    let good = dir.path().join("good.parquet");
    jsonl_to_parquet(Path::new(NEWS), &good, 5);
    let bytes = std::fs::read(&good).unwrap();
    let path = dir.path().join("corrupt.parquet");
    let input = [Input::Path(path.clone())];
    for start in (0..bytes.len()).step_by(37) {
        for value in [0x00, 0xff, 0x7f] {
            let mut corrupt = bytes.clone();
            let end = (start + 8).min(corrupt.len());
            corrupt[start..end].fill(value);
            std::fs::write(&path, &corrupt).unwrap();
            if let Err(error) = read_inputs(
                &input,
                &ReadOptions::default(),
                &copydesk::progress::NoProgress,
            ) {
                assert!(error.to_string().contains("corrupt.parquet"), "{error}");
            }
        }
    }
}

/// A JSON row with its null fields left out and every number as a float:
/// JSON Lines writes `null`s and integers where the Parquet rows, read back
/// through Arrow's JSON writer, leave nulls out and write `1.0`.
fn comparable(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, comparable(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(comparable).collect()),
        Value::Number(n) => serde_json::json!(n.as_f64().unwrap()),
        other => other,
    }
}

/// The Parquet table `name` of `parquet_out` holds the rows of the JSON
/// Lines table of `jsonl_out`, in order; returns its schema.
fn assert_same_rows(jsonl_out: &Path, parquet_out: &Path, name: &str) -> Arc<Schema> {
    let expected: Vec<_> = read_jsonl(&jsonl_out.join(format!("{name}.jsonl")))
        .into_iter()
        .map(comparable)
        .collect();
    let (schema, rows) = read_parquet(&parquet_out.join(format!("{name}.parquet")));
    let rows: Vec<_> = rows.into_iter().map(comparable).collect();
    assert_eq!(rows.len(), expected.len(), "{name}: row count");
    for (number, (row, line)) in rows.iter().zip(&expected).enumerate() {
        assert_eq!(row, line, "{name}: row {number}");
    }
    assert!(
        !parquet_out.join(format!("{name}.jsonl")).exists(),
        "{name}.jsonl written beside {name}.parquet"
    );
    schema
}

fn field_type<'a>(schema: &'a Schema, name: &str) -> &'a DataType {
    schema.field_with_name(name).unwrap().data_type()
}

#[test]
fn format_parquet_writes_the_scan_tables_with_the_jsonl_columns() {
    let dir = temp_dir();
    let (jsonl, parquet) = (dir.path().join("jsonl"), dir.path().join("parquet"));
    let carry = ["--carry", "source,title"];
    run_ok("scan", &[NEWS], &jsonl, &carry);
    run_ok(
        "scan",
        &[NEWS],
        &parquet,
        &[&carry[..], &["--format", "parquet"]].concat(),
    );
    let documents = assert_same_rows(&jsonl, &parquet, "documents");
    let pairs = assert_same_rows(&jsonl, &parquet, "pairs");
    let clusters = assert_same_rows(&jsonl, &parquet, "clusters");
    let names: Vec<&str> = documents
        .fields()
        .iter()
        .map(|f| f.name().as_str())
        .collect();
    assert_eq!(
        names,
        [
            "id",
            "cluster",
            "duplicate_of",
            "relation",
            "flags",
            "scores",
            "source",
            "title"
        ]
    );
    // Nested fields are lists and structs, not JSON text.
    let DataType::List(flag) = field_type(&documents, "flags") else {
        panic!("flags: {:?}", field_type(&documents, "flags"));
    };
    assert!(matches!(flag.data_type(), DataType::Struct(f) if f.len() == 7));
    assert!(matches!(
        field_type(&documents, "scores"),
        DataType::Struct(_)
    ));
    assert!(matches!(field_type(&pairs, "edits"), DataType::List(_)));
    assert!(matches!(
        field_type(&pairs, "containment"),
        DataType::List(_)
    ));
    assert_eq!(field_type(&pairs, "jaccard"), &DataType::Float64);
    assert!(matches!(
        field_type(&clusters, "members"),
        DataType::List(_)
    ));
    // The report sends its reader to the files that were written.
    let report = std::fs::read_to_string(parquet.join("report.html")).unwrap();
    assert!(report.contains("documents.parquet") && report.contains("pairs.parquet"));
    assert!(!report.contains("documents.jsonl") && !report.contains("pairs.jsonl"));
    // The rest of the set is the same as with JSON Lines.
    for name in [
        "rejected.jsonl",
        "substitutions.jsonl",
        "report.html",
        "summary.json",
    ] {
        assert!(parquet.join(name).is_file(), "{name}");
    }
}

#[test]
fn format_parquet_writes_the_dedup_and_check_tables_with_the_jsonl_columns() {
    let dir = temp_dir();
    let out = |name: &str| dir.path().join(name);
    for (command, extra) in [
        ("dedup", &["--no-rewrites"][..]),
        ("dedup", &[]),
        ("check", &[]),
    ] {
        let (jsonl, parquet) = (out("jsonl"), out("parquet"));
        run_ok(command, &[NEWS], &jsonl, extra);
        run_ok(
            command,
            &[NEWS],
            &parquet,
            &[extra, &["--format", "parquet"]].concat(),
        );
        assert_same_rows(&jsonl, &parquet, "documents");
        if command == "dedup" {
            let pairs = assert_same_rows(&jsonl, &parquet, "pairs");
            assert_eq!(pairs.field_with_name("edits").is_ok(), extra.is_empty());
            assert_same_rows(&jsonl, &parquet, "clusters");
        }
    }
}

#[test]
fn format_parquet_tables_keep_their_columns_when_empty() {
    let dir = temp_dir();
    let input = dir.path().join("one.jsonl");
    std::fs::write(
        &input,
        "{\"id\": \"only\", \"text\": \"A single short story.\"}\n",
    )
    .unwrap();
    let (full, empty) = (dir.path().join("full"), dir.path().join("empty"));
    run_ok("scan", &[NEWS], &full, &["--format", "parquet"]);
    run_ok(
        "scan",
        &[input.to_str().unwrap()],
        &empty,
        &["--format", "parquet"],
    );
    for name in ["documents", "pairs", "clusters"] {
        let (schema, rows) = read_parquet(&empty.join(format!("{name}.parquet")));
        let (full_schema, full_rows) = read_parquet(&full.join(format!("{name}.parquet")));
        assert_eq!(schema.fields(), full_schema.fields(), "{name}");
        assert!(!full_rows.is_empty(), "{name}");
        assert_eq!(rows.len(), usize::from(name == "documents"), "{name}");
    }
}

#[test]
fn format_parquet_on_standard_output_is_a_usage_error() {
    let output = copydesk()
        .args(["check", NEWS, "--format", "parquet"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--format parquet needs --out"));
}
