//! The record reader on arbitrary bytes, as a file of each kind: JSONL as
//! given (gzip or zstd when the bytes happen to start with their magic),
//! JSONL compressed with gzip or zstd here (so the fuzzer explores the
//! records through the decompressors), a `.txt` document, or the bytes
//! split into two JSONL files (ids shared across files). The first byte
//! picks the kind and the read options.
//!
//! Asserts: no panic; `records_read == accepted + rejected`; without
//! `skip_invalid` nothing is listed as rejected; every accepted and rejected
//! record's location names one of the files, in order, at a line the file
//! has, holding a record (not a blank line), and with `keep_raw` the raw line
//! is that line; accepted ids are unique; with records skipped, every
//! non-blank line is counted; `bytes_read` is the decompressed size.
#![no_main]

use copydesk::corpus::{read_inputs, Input, ReadOptions};
use copydesk::progress::NoProgress;
use copydesk::{Error, Location};
use libfuzzer_sys::fuzz_target;
use std::collections::HashSet;
use std::io::Write;
use std::path::PathBuf;
use std::sync::OnceLock;

fn scratch_dir() -> &'static tempfile::TempDir {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        // Memory-backed when available: a file is written every run.
        let shm = std::path::Path::new("/dev/shm");
        if shm.is_dir() {
            tempfile::tempdir_in(shm).unwrap()
        } else {
            tempfile::tempdir().unwrap()
        }
    })
}

/// One input file: its name, the bytes written, and the bytes the reader
/// should see after decompression (None when the fuzzer's own bytes may be
/// compressed data).
struct File {
    path: PathBuf,
    plain: Option<Vec<u8>>,
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

/// The JSONL lines of `plain` as the reader cuts them: 1-based line number
/// to the line's bytes, without `\r` and byte order mark; blank lines None.
fn lines(plain: &[u8]) -> Vec<Option<&[u8]>> {
    let mut out = Vec::new();
    let mut rest = plain;
    while !rest.is_empty() {
        let end = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
        let line = &rest[..end];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let line = line.strip_prefix(b"\xef\xbb\xbf").unwrap_or(line);
        out.push((!line.iter().all(u8::is_ascii_whitespace)).then_some(line));
        rest = rest.get(end + 1..).unwrap_or(&[]);
    }
    out
}

fn looks_compressed(data: &[u8]) -> bool {
    data.starts_with(&[0x1f, 0x8b]) || data.starts_with(&[0x28, 0xb5, 0x2f, 0xfd])
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, data)) = data.split_first() else {
        return;
    };
    let dir = scratch_dir().path();
    let kind = mode % 5;
    let options = ReadOptions {
        skip_invalid: mode & 0x08 == 0,
        keep_raw: mode & 0x10 != 0,
        carry_fields: if mode & 0x20 != 0 {
            vec!["source".into(), "text2".into()]
        } else {
            Vec::new()
        },
        ..ReadOptions::default()
    };
    let mut files: Vec<File> = Vec::new();
    let mut write = |name: &str, bytes: &[u8], plain: Option<Vec<u8>>| {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        files.push(File { path, plain });
    };
    let text_file = kind == 3;
    match kind {
        0 => write(
            "in.jsonl",
            data,
            (!looks_compressed(data)).then(|| data.to_vec()),
        ),
        1 => write("in.jsonl.gz", &gzip(data), Some(data.to_vec())),
        2 => write(
            "in.jsonl.zst",
            &zstd::bulk::compress(data, 1).unwrap(),
            Some(data.to_vec()),
        ),
        3 => write(
            "in.txt",
            data,
            (!looks_compressed(data)).then(|| data.to_vec()),
        ),
        _ => {
            let cut = data.iter().position(|&b| b == 0).unwrap_or(data.len() / 2);
            let (first, second) = (&data[..cut], data.get(cut + 1..).unwrap_or(&[]));
            write(
                "a.jsonl",
                first,
                (!looks_compressed(first)).then(|| first.to_vec()),
            );
            write(
                "b.jsonl",
                second,
                (!looks_compressed(second)).then(|| second.to_vec()),
            );
        }
    }
    let inputs: Vec<Input> = files.iter().map(|f| Input::Path(f.path.clone())).collect();
    let corpus = match read_inputs(&inputs, &options, &NoProgress) {
        Ok(corpus) => corpus,
        Err(Error::Read { .. }) => return, // corrupt compressed data
        Err(Error::InvalidRecord { location, .. }) => {
            assert!(!options.skip_invalid, "invalid record error while skipping");
            check_location(&files, &location, text_file, None);
            return;
        }
        Err(other) => panic!("unexpected error {other}"),
    };
    assert_eq!(
        corpus.records_read,
        (corpus.documents.len() + corpus.rejected.len()) as u64,
        "records_read != accepted + rejected"
    );
    if !options.skip_invalid {
        assert!(corpus.rejected.is_empty());
    }
    let mut ids = HashSet::new();
    for doc in &corpus.documents {
        assert!(
            ids.insert(doc.id.as_str()),
            "duplicate id {:?} accepted",
            doc.id
        );
        let raw = check_location(&files, &doc.location, text_file, Some(&doc.text));
        match (&doc.raw, raw) {
            (Some(kept), Some(line)) => {
                assert_eq!(kept.as_bytes(), line, "raw line of {}", doc.location)
            }
            (Some(_), None) => panic!("raw line kept for a text file"),
            (None, Some(_)) => assert!(!options.keep_raw, "raw line not kept"),
            (None, None) => {}
        }
        assert!(doc
            .carry
            .iter()
            .all(|(name, _)| options.carry_fields.contains(name)));
    }
    let mut previous: Option<&Location> = None;
    let mut all: Vec<&Location> = corpus
        .documents
        .iter()
        .map(|d| &d.location)
        .chain(corpus.rejected.iter().map(|r| &r.location))
        .collect();
    for r in &corpus.rejected {
        check_location(&files, &r.location, text_file, None);
    }
    // Every record is at its own place.
    let distinct: HashSet<(&str, u64)> = all.iter().map(|l| (&*l.file, l.line)).collect();
    assert_eq!(distinct.len(), all.len(), "two records at one location");
    // Accepted documents come in input order.
    for doc in &corpus.documents {
        if let Some(p) = previous {
            let order = |l: &Location| {
                (
                    files
                        .iter()
                        .position(|f| f.path.display().to_string() == *l.file),
                    l.line,
                )
            };
            assert!(order(p) < order(&doc.location), "documents out of order");
        }
        previous = Some(&doc.location);
    }
    all.clear();
    // With every plain text known, every record is counted and the bytes too.
    if files.iter().all(|f| f.plain.is_some()) {
        let plain_bytes: usize = files.iter().map(|f| f.plain.as_ref().unwrap().len()).sum();
        assert_eq!(corpus.bytes_read, plain_bytes as u64, "bytes_read");
        if options.skip_invalid {
            let expected: usize = if text_file {
                1
            } else {
                files
                    .iter()
                    .map(|f| lines(f.plain.as_ref().unwrap()).iter().flatten().count())
                    .sum()
            };
            assert_eq!(corpus.records_read, expected as u64, "records counted");
        }
    }
});

/// Assert that `location` is sane for these files; returns the JSONL line's
/// bytes when the file is JSONL and its plain text is known.
fn check_location<'f>(
    files: &'f [File],
    location: &Location,
    text_file: bool,
    text: Option<&str>,
) -> Option<&'f [u8]> {
    let file = files
        .iter()
        .find(|f| f.path.display().to_string() == *location.file)
        .unwrap_or_else(|| panic!("location {location} names no input"));
    assert!(location.line >= 1, "line 0 at {location}");
    let plain = file.plain.as_ref()?;
    if text_file {
        match text {
            Some(text) => {
                assert_eq!(location.line, 1, "a text file's document is on line 1");
                assert_eq!(text.as_bytes(), &plain[..], "text of a text file");
            }
            // Invalid UTF-8 is reported at the line of its first bad byte.
            None => {
                let lines = 1 + plain.iter().filter(|&&b| b == b'\n').count();
                assert!(
                    location.line as usize <= lines,
                    "{location}: the file has {lines} lines"
                );
            }
        }
        return None;
    }
    let lines = lines(plain);
    let line = lines
        .get(location.line as usize - 1)
        .unwrap_or_else(|| panic!("{location}: the file has {} lines", lines.len()));
    Some(line.unwrap_or_else(|| panic!("{location}: a record on a blank line")))
}
