//! The crate's entry points: [`read_inputs`] over files, directories and
//! standard input, [`input_size`] for progress bars, and [`from_records`]
//! over records already in memory. Documents come out in input order and a
//! repeated id is rejected, whatever the inputs' formats.

use crate::accept::{accept, SeenIds};
use crate::discover::{expand, Format, Input, DIRECTORY_EXTENSIONS};
use crate::document::{Corpus, Document, MemoryRecord, Rejected};
use crate::jsonl::read_jsonl;
use crate::options::ReadOptions;
use crate::parquet;
use crate::text::{read_text_file, text_id};
use copydesk_common::progress::Progress;
use copydesk_common::{Error, Location, RejectReason, Result};

/// Total size in bytes of the inputs that are regular files (for progress bars);
/// stdin and unreadable paths count as zero.
pub fn input_size(inputs: &[Input], options: &ReadOptions) -> u64 {
    inputs
        .iter()
        .filter_map(|i| expand(i, options.recursive).ok())
        .flat_map(|expansion| expansion.files)
        .filter_map(|(i, _)| match i {
            Input::Path(p) => std::fs::metadata(p).ok().map(|m| m.len()),
            Input::Stdin => None,
        })
        .sum()
}

/// Read every input in order.
///
/// A directory stands for its files ending in one of
/// [`DIRECTORY_EXTENSIONS`], in byte order of their names; with
/// [`ReadOptions::recursive`], its subdirectories too, depth first, each
/// where its name sorts among the files (the order of the files' relative
/// paths compared component by component), symbolic links to directories
/// followed but no directory read twice. Other files are ignored; FIFOs,
/// sockets, devices and broken symbolic links are listed in
/// [`Corpus::skipped`]. Files and `-` named as inputs are read whatever
/// their names.
///
/// Inputs that hold no record at all are an [`Error::NoDocuments`], unless
/// one of them is a file or standard input named as such: an empty file
/// given by name is an empty corpus.
///
/// Progress is reported in bytes of (compressed) input consumed.
pub fn read_inputs(
    inputs: &[Input],
    options: &ReadOptions,
    progress: &dyn Progress,
) -> Result<Corpus> {
    let mut corpus = Corpus::default();
    let mut seen_ids = SeenIds::default();
    let mut explicit = false;
    for input in inputs {
        let expansion = expand(input, options.recursive)?;
        explicit |= expansion.directory.is_none();
        corpus.skipped.extend(expansion.skipped);
        for (file, format) in expansion.files {
            let name: std::sync::Arc<str> = file.display().into();
            match format {
                Format::Text => {
                    let id = text_id(&file, expansion.directory.as_deref());
                    for record in read_text_file(&file, &name, id, &mut corpus, progress)? {
                        accept(record, options, &mut corpus, &mut seen_ids)?;
                    }
                }
                Format::Jsonl => {
                    let mut bytes_read = 0;
                    read_jsonl(
                        &file,
                        &name,
                        options,
                        progress,
                        &mut bytes_read,
                        &mut |records| {
                            corpus.documents.reserve(records.len());
                            seen_ids.by_hash.reserve(records.len());
                            records.into_iter().try_for_each(|record| {
                                accept(record, options, &mut corpus, &mut seen_ids)
                            })
                        },
                    )?;
                    corpus.bytes_read += bytes_read;
                }
                Format::Parquet => {
                    let bytes_read =
                        parquet::read_parquet(&file, &name, options, progress, &mut |records| {
                            corpus.documents.reserve(records.len());
                            records.into_iter().try_for_each(|record| {
                                accept(record, options, &mut corpus, &mut seen_ids)
                            })
                        })?;
                    corpus.bytes_read += bytes_read;
                }
            }
        }
    }
    if corpus.records_read == 0 && !explicit {
        return Err(Error::NoDocuments {
            inputs: inputs.iter().map(Input::display).collect(),
            extensions: &DIRECTORY_EXTENSIONS,
            recursive: options.recursive,
        });
    }
    Ok(corpus)
}

/// A corpus from records already in memory (a data frame, an Arrow table):
/// `(id, text, date)` in order, or why a row has none (a missing or
/// non-string field), located as row `n` (1-based) of `source`.
///
/// A row given as an error, and a repeated id, are rejected as in
/// [`read_inputs`]: kept in [`Corpus::rejected`] with
/// [`ReadOptions::skip_invalid`], an [`Error::InvalidRecord`] naming the row
/// otherwise.
pub fn from_records(
    source: &str,
    records: impl IntoIterator<Item = std::result::Result<MemoryRecord, RejectReason>>,
    options: &ReadOptions,
) -> Result<Corpus> {
    let name: std::sync::Arc<str> = source.into();
    let mut corpus = Corpus::default();
    let mut seen_ids = SeenIds::default();
    for (row, record) in records.into_iter().enumerate() {
        let location = Location {
            file: name.clone(),
            line: row as u64 + 1,
            row_group: None,
        };
        let record = match record {
            Ok((id, text, date)) => {
                corpus.bytes_read += text.len() as u64;
                Ok(Document {
                    id,
                    text,
                    date,
                    location,
                    raw: None,
                    carry: Vec::new(),
                })
            }
            Err(reason) => Err(Rejected { reason, location }),
        };
        accept(record, options, &mut corpus, &mut seen_ids)?;
    }
    Ok(corpus)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::{SkipReason, Skipped};
    use std::path::Path;

    #[test]
    fn records_in_memory_are_located_by_row_and_repeated_ids_rejected() {
        let rows = |ids: &[&str]| -> Vec<std::result::Result<MemoryRecord, RejectReason>> {
            ids.iter()
                .map(|id| Ok((id.to_string(), format!("text of {id}"), None)))
                .collect()
        };
        let corpus = from_records("<frame>", rows(&["a", "b"]), &ReadOptions::default()).unwrap();
        assert_eq!(corpus.documents.len(), 2);
        assert_eq!(corpus.documents[1].location.to_string(), "<frame>:2");
        assert_eq!(corpus.records_read, 2);
        let err = from_records("<frame>", rows(&["a", "b", "a"]), &ReadOptions::default())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("<frame>:3") && err.contains("duplicate id"),
            "{err}"
        );
        let skipping = ReadOptions {
            skip_invalid: true,
            ..ReadOptions::default()
        };
        let corpus = from_records("<frame>", rows(&["a", "b", "a"]), &skipping).unwrap();
        assert_eq!((corpus.documents.len(), corpus.rejected.len()), (2, 1));
        assert_eq!(corpus.records_read, 3);
        let mut with_missing = rows(&["a", "b"]);
        with_missing.insert(1, Err(RejectReason::MissingField("text".into())));
        let corpus = from_records("<frame>", with_missing, &skipping).unwrap();
        assert_eq!(corpus.documents[1].location.to_string(), "<frame>:3");
        assert_eq!(corpus.rejected[0].location.to_string(), "<frame>:2");
        assert_eq!(corpus.rejected[0].reason.code(), "missing_field");
    }

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn record(id: &str) -> String {
        format!("{{\"id\": \"{id}\", \"text\": \"x\"}}\n")
    }

    fn ids(inputs: &[Input], options: &ReadOptions) -> Result<Vec<String>> {
        let corpus = read_inputs(inputs, options, &copydesk_common::progress::NoProgress)?;
        Ok(corpus.documents.into_iter().map(|d| d.id).collect())
    }

    #[test]
    fn directories_are_read_in_path_order_recursively_when_asked() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("shards");
        // Sorted as whole strings, "a-b/y" < "a.jsonl" < "a/10.jsonl";
        // component by component, "a" < "a-b" < "a.jsonl".
        write(&root.join("b.jsonl"), &record("b"));
        write(&root.join("a.jsonl"), &record("a.jsonl"));
        write(&root.join("a/2.json"), &record("a/2"));
        write(&root.join("a/10.jsonl"), &record("a/10"));
        write(&root.join("a/sub/x.ndjson"), &record("a/sub/x"));
        write(&root.join("a-b/y.jsonl"), &record("a-b/y"));
        write(&root.join("a/notes.md"), "not a shard");
        // Text files are named by their path under the directory input, so
        // two subdirectories may each hold a note.txt.
        write(&root.join("a/note.txt"), "one note");
        write(&root.join("a-b/note.txt"), "another note");
        write(&root.join("top.txt"), "a note at the top");
        // Compressed text files are read from a directory as when named.
        let mut gzipped = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gzipped, b"a compressed note").unwrap();
        std::fs::write(root.join("c.txt.gz"), gzipped.finish().unwrap()).unwrap();
        let input = [Input::Path(root.clone())];
        let flat = ReadOptions::default();
        assert_eq!(
            ids(&input, &flat).unwrap(),
            ["a.jsonl", "b", "c.txt.gz", "top.txt"]
        );
        let recursive = ReadOptions {
            recursive: true,
            ..ReadOptions::default()
        };
        assert_eq!(
            ids(&input, &recursive).unwrap(),
            [
                "a/10",
                "a/2",
                "a/note.txt",
                "a/sub/x",
                "a-b/note.txt",
                "a-b/y",
                "a.jsonl",
                "b",
                "c.txt.gz",
                "top.txt"
            ]
        );
        // A text file named as an input is its file name.
        let named = [Input::Path(root.join("a-b/note.txt"))];
        assert_eq!(ids(&named, &flat).unwrap(), ["note.txt"]);
    }

    #[cfg(unix)]
    #[test]
    fn linked_directories_are_followed_once_and_broken_links_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("shards");
        write(&root.join("a/1.jsonl"), &record("1"));
        write(&dir.path().join("elsewhere/2.jsonl"), &record("2"));
        std::os::unix::fs::symlink("..", root.join("a/up")).unwrap();
        std::os::unix::fs::symlink("../elsewhere", root.join("b")).unwrap();
        std::os::unix::fs::symlink("missing.jsonl", root.join("gone.jsonl")).unwrap();
        let options = ReadOptions {
            recursive: true,
            ..ReadOptions::default()
        };
        let corpus = read_inputs(
            &[Input::Path(root.clone())],
            &options,
            &copydesk_common::progress::NoProgress,
        )
        .unwrap();
        let ids: Vec<&str> = corpus.documents.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["1", "2"]);
        assert_eq!(
            corpus.skipped,
            [
                Skipped {
                    path: root.join("a/up"),
                    reason: SkipReason::AlreadyRead
                },
                Skipped {
                    path: root.join("gone.jsonl"),
                    reason: SkipReason::BrokenLink
                },
            ]
        );
    }

    #[test]
    fn inputs_without_records_are_an_error_unless_a_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("empty");
        std::fs::create_dir(&empty).unwrap();
        let other = dir.path().join("other");
        write(&other.join("data.csv"), "id,text\n1,x\n");
        write(&other.join("blank.jsonl"), "\n");
        let options = ReadOptions::default();
        let err = ids(
            &[Input::Path(empty.clone()), Input::Path(other.clone())],
            &options,
        )
        .unwrap_err();
        assert!(matches!(&err, Error::NoDocuments { inputs, .. } if inputs.len() == 2));
        let message = err.to_string();
        assert!(message.contains(&empty.display().to_string()), "{message}");
        assert!(message.contains(".jsonl, "), "{message}");
        // A file named as such may be empty: that is an empty corpus.
        let named = dir.path().join("named.jsonl");
        write(&named, "");
        assert_eq!(
            ids(&[Input::Path(empty), Input::Path(named)], &options).unwrap(),
            Vec::<String>::new()
        );
        // Records that are all rejected are records.
        write(&other.join("bad.jsonl"), "{\"id\": 1}\n");
        let skipping = ReadOptions {
            skip_invalid: true,
            ..ReadOptions::default()
        };
        let corpus = read_inputs(
            &[Input::Path(other)],
            &skipping,
            &copydesk_common::progress::NoProgress,
        )
        .unwrap();
        assert_eq!((corpus.documents.len(), corpus.rejected.len()), (0, 1));
    }
}
