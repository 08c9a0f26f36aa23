//! Reading records: JSONL (plain, gzip, zstd), plain-text files, directories and
//! standard input, each record tagged with the file and line it came from.
//!
//! JSONL lines are parsed in parallel in batches, but documents come out in
//! input order whatever the thread count. A line holding only whitespace is not
//! a record and is skipped. Invalid records either stop the read with an
//! [`Error::InvalidRecord`] naming file and line, or, with
//! [`ReadOptions::skip_invalid`], are listed in [`Corpus::rejected`] so that
//! `records_read == documents.len() + rejected.len()` always holds.

use crate::error::{Error, Location, RejectReason, Result};
use crate::progress::Progress;
use crate::text::HashKeyed;
use rayon::prelude::*;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use std::collections::HashMap;
use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender};
use xxhash_rust::xxh3::xxh3_64;

/// Which JSON fields hold what, and how to treat bad records.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Field holding the document id (string or integer). Default `id`.
    pub id_field: String,
    /// Field holding the document text (string). Default `text`.
    pub text_field: String,
    /// Field holding a publication date, compared as a string (ISO 8601 sorts right). Default `date`.
    pub date_field: String,
    /// Further fields copied into [`Document::carry`] for the outputs.
    pub carry_fields: Vec<String>,
    /// Record invalid lines in [`Corpus::rejected`] instead of failing.
    pub skip_invalid: bool,
    /// Keep each record's original line in [`Document::raw`] (needed to write a kept corpus).
    pub keep_raw: bool,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            id_field: "id".into(),
            text_field: "text".into(),
            date_field: "date".into(),
            carry_fields: Vec::new(),
            skip_invalid: false,
            keep_raw: false,
        }
    }
}

/// One accepted input document.
#[derive(Debug, Clone)]
pub struct Document {
    /// Unique id (for a text file, its file name).
    pub id: String,
    /// The original text, untouched.
    pub text: String,
    /// The date field when present.
    pub date: Option<String>,
    /// Where the record was read.
    pub location: Location,
    /// The original JSONL line, when [`ReadOptions::keep_raw`] is set and the input is JSONL.
    pub raw: Option<String>,
    /// Values of [`ReadOptions::carry_fields`] found in the record.
    pub carry: Vec<(String, serde_json::Value)>,
}

/// A record that was not accepted, and why.
#[derive(Debug, Clone)]
pub struct Rejected {
    /// Where the record was.
    pub location: Location,
    /// Why it was rejected.
    pub reason: RejectReason,
}

/// Everything read from the inputs.
#[derive(Debug, Default)]
pub struct Corpus {
    /// Accepted documents in input order.
    pub documents: Vec<Document>,
    /// Rejected records in input order (empty unless invalid records are skipped).
    pub rejected: Vec<Rejected>,
    /// Records seen: always `documents.len() + rejected.len()`.
    pub records_read: u64,
    /// Bytes of input consumed (after decompression).
    pub bytes_read: u64,
}

/// One input as named by the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// Standard input, read as JSONL.
    Stdin,
    /// A file or a directory.
    Path(PathBuf),
}

impl Input {
    /// `-` means standard input; anything else is a path.
    pub fn parse(arg: &str) -> Input {
        if arg == "-" {
            Input::Stdin
        } else {
            Input::Path(PathBuf::from(arg))
        }
    }

    fn display(&self) -> String {
        match self {
            Input::Stdin => "-".to_owned(),
            Input::Path(p) => p.display().to_string(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Jsonl,
    Text,
}

/// The files an input stands for, with their formats; a directory expands to
/// its `.txt`, `.jsonl`, `.jsonl.gz` and `.jsonl.zst` files in name order.
fn expand(input: &Input) -> Result<Vec<(Input, Format)>> {
    let path = match input {
        Input::Stdin => return Ok(vec![(Input::Stdin, Format::Jsonl)]),
        Input::Path(p) => p,
    };
    let meta = std::fs::metadata(path).map_err(|source| Error::Read {
        path: path.clone(),
        source,
    })?;
    if !meta.is_dir() {
        return Ok(vec![(input.clone(), format_of(path))]);
    }
    let entries = std::fs::read_dir(path).map_err(|source| Error::Read {
        path: path.clone(),
        source,
    })?;
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| Error::Read {
            path: path.clone(),
            source,
        })?;
        let p = entry.path();
        if !p.is_file() {
            continue;
        }
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if read_from_directory(name) {
            files.push(p);
        }
    }
    files.sort();
    Ok(files
        .into_iter()
        .map(|p| {
            let format = format_of(&p);
            (Input::Path(p), format)
        })
        .collect())
}

/// Whether a file of this name is read when its directory is an input.
pub fn read_from_directory(name: &str) -> bool {
    let known = [".txt", ".jsonl", ".ndjson", ".jsonl.gz", ".jsonl.zst"];
    known.iter().any(|ext| name.ends_with(ext))
}

fn format_of(path: &Path) -> Format {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name.ends_with(".txt") || name.ends_with(".txt.gz") || name.ends_with(".txt.zst") {
        Format::Text
    } else {
        Format::Jsonl
    }
}

/// Wrap a reader in a decompressor chosen by its magic bytes (gzip, zstd or none).
fn decompressing<'a>(
    mut reader: Box<dyn Read + Send + 'a>,
) -> io::Result<Box<dyn Read + Send + 'a>> {
    let mut magic = [0u8; 4];
    let mut filled = 0;
    while filled < magic.len() {
        let n = reader.read(&mut magic[filled..])?;
        if n == 0 {
            break;
        }
        filled += n;
    }
    let head = io::Cursor::new(magic[..filled].to_vec());
    let whole: Box<dyn Read + Send + 'a> = Box::new(head.chain(reader));
    if filled >= 2 && magic[0] == 0x1f && magic[1] == 0x8b {
        Ok(Box::new(flate2::read::MultiGzDecoder::new(whole)))
    } else if filled == 4 && magic == [0x28, 0xb5, 0x2f, 0xfd] {
        Ok(Box::new(zstd::stream::read::Decoder::new(whole)?))
    } else {
        Ok(whole)
    }
}

/// Counts bytes as they come off the file, before decompression, so progress
/// matches [`input_size`] whatever the compression.
struct Counted<'a, R> {
    inner: R,
    progress: &'a dyn Progress,
}

impl<R: Read> Read for Counted<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.advance(n as u64);
        Ok(n)
    }
}

fn open<'a>(input: &Input, progress: &'a dyn Progress) -> Result<Box<dyn Read + Send + 'a>> {
    let path = PathBuf::from(input.display());
    let raw: Box<dyn Read + Send> = match input {
        Input::Stdin => Box::new(io::stdin()),
        Input::Path(p) => Box::new(File::open(p).map_err(|source| Error::Read {
            path: p.clone(),
            source,
        })?),
    };
    let counted = Box::new(Counted {
        inner: raw,
        progress,
    });
    decompressing(counted).map_err(|source| Error::Read { path, source })
}

/// Total size in bytes of the inputs that are regular files (for progress bars);
/// stdin and unreadable paths count as zero.
pub fn input_size(inputs: &[Input]) -> u64 {
    inputs
        .iter()
        .filter_map(|i| expand(i).ok())
        .flatten()
        .filter_map(|(i, _)| match i {
            Input::Path(p) => std::fs::metadata(p).ok().map(|m| m.len()),
            Input::Stdin => None,
        })
        .sum()
}

/// Read every input in order.
///
/// Progress is reported in bytes of (compressed) input consumed.
pub fn read_inputs(
    inputs: &[Input],
    options: &ReadOptions,
    progress: &dyn Progress,
) -> Result<Corpus> {
    let mut corpus = Corpus::default();
    let mut seen_ids = SeenIds::default();
    for input in inputs {
        for (file, format) in expand(input)? {
            let name: std::sync::Arc<str> = file.display().into();
            match format {
                Format::Text => {
                    for record in read_text_file(&file, &name, &mut corpus, progress)? {
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
            }
        }
    }
    Ok(corpus)
}

/// The accepted document of each id, to reject duplicate ids.
///
/// Keyed by the id's xxh3 hash, so that accepting a record neither hashes
/// nor copies its id string more than once; the rare ids whose hash another
/// accepted id already holds go into `collided` by their full string.
#[derive(Default)]
struct SeenIds {
    by_hash: HashKeyed<usize>,
    collided: HashMap<String, usize>,
}

impl SeenIds {
    /// The index of the accepted document with this id.
    fn get(&self, id: &str, documents: &[Document]) -> Option<usize> {
        match self.by_hash.get(&xxh3_64(id.as_bytes())) {
            None => None,
            Some(&index) if documents[index].id == id => Some(index),
            Some(_) => self.collided.get(id).copied(),
        }
    }

    /// Record that `documents[index]` (not yet pushed) has this id, which
    /// [`get`](SeenIds::get) has just not found.
    fn insert(&mut self, id: &str, index: usize) {
        match self.by_hash.entry(xxh3_64(id.as_bytes())) {
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(index);
            }
            std::collections::hash_map::Entry::Occupied(_) => {
                self.collided.insert(id.to_owned(), index);
            }
        }
    }
}

fn accept(
    record: std::result::Result<Document, Rejected>,
    options: &ReadOptions,
    corpus: &mut Corpus,
    seen_ids: &mut SeenIds,
) -> Result<()> {
    corpus.records_read += 1;
    let rejected = match record {
        Ok(doc) => match seen_ids.get(&doc.id, &corpus.documents) {
            None => {
                seen_ids.insert(&doc.id, corpus.documents.len());
                corpus.documents.push(doc);
                return Ok(());
            }
            Some(first) => Rejected {
                reason: RejectReason::DuplicateId {
                    id: doc.id.clone(),
                    first: corpus.documents[first].location.clone(),
                },
                location: doc.location,
            },
        },
        Err(rejected) => rejected,
    };
    if options.skip_invalid {
        corpus.rejected.push(rejected);
        Ok(())
    } else {
        Err(Error::InvalidRecord {
            location: rejected.location,
            reason: rejected.reason,
        })
    }
}

type Record = std::result::Result<Document, Rejected>;

fn read_text_file(
    input: &Input,
    name: &std::sync::Arc<str>,
    corpus: &mut Corpus,
    progress: &dyn Progress,
) -> Result<Vec<Record>> {
    let mut bytes = Vec::new();
    open(input, progress)?
        .read_to_end(&mut bytes)
        .map_err(|source| Error::Read {
            path: PathBuf::from(&**name),
            source,
        })?;
    corpus.bytes_read += bytes.len() as u64;
    let id = match input {
        Input::Path(p) => p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| name.to_string()),
        Input::Stdin => "-".to_owned(),
    };
    let record = match String::from_utf8(bytes) {
        Ok(text) => Ok(Document {
            id,
            text,
            date: None,
            location: Location {
                file: name.clone(),
                line: 1,
            },
            raw: None,
            carry: Vec::new(),
        }),
        Err(err) => {
            let bad = err.utf8_error().valid_up_to();
            let bytes = err.as_bytes();
            let line = 1 + memchr::memchr_iter(b'\n', &bytes[..bad]).count() as u64;
            let line_start = memchr::memrchr(b'\n', &bytes[..bad]).map_or(0, |i| i + 1);
            Err(Rejected {
                location: Location {
                    file: name.clone(),
                    line,
                },
                reason: RejectReason::InvalidUtf8 {
                    byte: bad - line_start,
                },
            })
        }
    };
    Ok(vec![record])
}

const BATCH_BYTES: usize = 8 << 20;

/// Read a JSONL input, handing its records to `accept` batch by batch in
/// input order; `bytes_read` counts the (decompressed) bytes.
fn read_jsonl(
    input: &Input,
    name: &std::sync::Arc<str>,
    options: &ReadOptions,
    progress: &dyn Progress,
    bytes_read: &mut u64,
    accept: &mut (dyn FnMut(Vec<Record>) -> Result<()> + Send),
) -> Result<()> {
    let read_error = |source| Error::Read {
        path: PathBuf::from(&**name),
        source,
    };
    let reader = open(input, progress)?;
    // One thread reads and cuts batches at line ends while the pool parses
    // the previous batch: reading (a copy from the page cache, or
    // decompression) is serial, parsing is not.
    std::thread::scope(|scope| {
        let (batches, received) = std::sync::mpsc::sync_channel::<Vec<u8>>(1);
        // Parsed batches go back to the reader: fresh buffers would cost a
        // page fault per 4 KiB.
        let (recycle, recycled) = std::sync::mpsc::channel::<Vec<u8>>();
        let reading = scope.spawn(move || read_batches(reader, &batches, &recycled));
        let mut pending: Vec<Record> = Vec::new();
        let mut next_line: u64 = 1;
        for batch in received {
            let mut lines: Vec<(u64, &[u8])> = Vec::new();
            let mut start = 0;
            while start < batch.len() {
                let end = memchr::memchr(b'\n', &batch[start..]).map_or(batch.len(), |i| start + i);
                lines.push((next_line, &batch[start..end]));
                next_line += 1;
                start = end + 1;
            }
            *bytes_read += batch.len() as u64;
            // The previous batch is accepted (a serial pass: ids, order)
            // while this one is parsed.
            let previous = std::mem::take(&mut pending);
            let (accepted, parsed) = rayon::join(
                || accept(previous),
                || {
                    lines
                        .par_iter()
                        .map(|&(line, bytes)| parse_line(bytes, name, line, options))
                        .collect::<Vec<Option<Record>>>()
                },
            );
            accepted?;
            pending = parsed.into_iter().flatten().collect();
            drop(lines);
            // The reader may be done already; the buffer is then just freed.
            let _ = recycle.send(batch);
        }
        accept(pending)?;
        match reading.join() {
            Ok(result) => result.map_err(read_error),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

/// Send `reader`'s bytes in batches of whole lines (the last batch may end
/// without a newline); stops early when the receiver is gone.
fn read_batches(
    mut reader: impl Read,
    batches: &SyncSender<Vec<u8>>,
    recycled: &Receiver<Vec<u8>>,
) -> io::Result<()> {
    let mut buf = vec![0u8; BATCH_BYTES];
    let mut filled = 0;
    // Bytes to hold before cutting a batch; doubled while a single line is longer.
    let mut wanted = BATCH_BYTES;
    loop {
        let mut eof = false;
        while filled < wanted {
            if buf.len() < wanted {
                buf.resize(wanted, 0);
            }
            match reader.read(&mut buf[filled..wanted]) {
                Ok(0) => {
                    eof = true;
                    break;
                }
                Ok(n) => filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        let cut = if eof {
            filled
        } else {
            match memchr::memrchr(b'\n', &buf[..filled]) {
                Some(i) => i + 1,
                // A line longer than the batch: keep reading until it ends.
                None => {
                    wanted = filled.saturating_mul(2);
                    continue;
                }
            }
        };
        let mut next = recycled.try_recv().unwrap_or_default();
        next.resize(BATCH_BYTES.max(filled - cut), 0);
        next[..filled - cut].copy_from_slice(&buf[cut..filled]);
        buf.truncate(cut);
        if cut > 0 && batches.send(buf).is_err() {
            return Ok(());
        }
        if eof {
            return Ok(());
        }
        filled -= cut;
        buf = next;
        wanted = BATCH_BYTES;
    }
}

/// Parse one JSONL line; `None` for a blank line.
fn parse_line(
    bytes: &[u8],
    file: &std::sync::Arc<str>,
    line: u64,
    options: &ReadOptions,
) -> Option<Record> {
    let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
    // Editors on Windows start files with a byte order mark; it is not part of the record.
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return None;
    }
    let location = Location {
        file: file.clone(),
        line,
    };
    let reject = |reason| Rejected {
        location: location.clone(),
        reason,
    };
    let line_text = match std::str::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            return Some(Err(reject(RejectReason::InvalidUtf8 {
                byte: e.valid_up_to(),
            })))
        }
    };
    let mut de = serde_json::Deserializer::from_str(line_text);
    let fields = match (RecordSeed { options }).deserialize(&mut de) {
        Ok(fields) => fields,
        Err(e) => return Some(Err(reject(RejectReason::MalformedJson(e.to_string())))),
    };
    if let Err(e) = de.end() {
        return Some(Err(reject(RejectReason::MalformedJson(e.to_string()))));
    }
    let id = match fields.id {
        Some(FieldValue::Good(id)) => id,
        Some(FieldValue::Bad) => {
            return Some(Err(reject(RejectReason::WrongType {
                field: options.id_field.clone(),
                expected: "a string or an integer",
            })))
        }
        None => {
            return Some(Err(reject(RejectReason::MissingField(
                options.id_field.clone(),
            ))))
        }
    };
    let text = match fields.text {
        Some(FieldValue::Good(text)) => text,
        Some(FieldValue::Bad) => {
            return Some(Err(reject(RejectReason::WrongType {
                field: options.text_field.clone(),
                expected: "a string",
            })))
        }
        None => {
            return Some(Err(reject(RejectReason::MissingField(
                options.text_field.clone(),
            ))))
        }
    };
    Some(Ok(Document {
        id,
        text,
        date: fields.date,
        location,
        raw: options.keep_raw.then(|| line_text.to_owned()),
        carry: fields.carry,
    }))
}

enum FieldValue {
    Good(String),
    Bad,
}

struct Fields {
    id: Option<FieldValue>,
    text: Option<FieldValue>,
    date: Option<String>,
    carry: Vec<(String, serde_json::Value)>,
}

/// Deserializes a record object, keeping only the configured fields, without
/// building a full JSON tree.
struct RecordSeed<'a> {
    options: &'a ReadOptions,
}

enum Key {
    Id,
    Text,
    Date,
    Carry(usize),
    Other,
}

struct KeySeed<'a> {
    options: &'a ReadOptions,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Key;
    fn deserialize<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> std::result::Result<Key, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = Key;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a field name")
    }
    fn visit_str<E: serde::de::Error>(self, key: &str) -> std::result::Result<Key, E> {
        let o = self.options;
        Ok(if key == o.text_field {
            Key::Text
        } else if key == o.id_field {
            Key::Id
        } else if key == o.date_field {
            Key::Date
        } else if let Some(i) = o.carry_fields.iter().position(|f| f == key) {
            Key::Carry(i)
        } else {
            Key::Other
        })
    }
}

/// A string, or for ids an integer; anything else is recorded as the wrong type.
struct StringValue {
    allow_integer: bool,
}

impl<'de> DeserializeSeed<'de> for StringValue {
    type Value = FieldValue;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<FieldValue, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StringValue {
    type Value = FieldValue;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E>(self, v: &str) -> std::result::Result<FieldValue, E> {
        Ok(FieldValue::Good(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> std::result::Result<FieldValue, E> {
        Ok(FieldValue::Good(v))
    }
    fn visit_u64<E>(self, v: u64) -> std::result::Result<FieldValue, E> {
        Ok(if self.allow_integer {
            FieldValue::Good(v.to_string())
        } else {
            FieldValue::Bad
        })
    }
    fn visit_i64<E>(self, v: i64) -> std::result::Result<FieldValue, E> {
        Ok(if self.allow_integer {
            FieldValue::Good(v.to_string())
        } else {
            FieldValue::Bad
        })
    }
    fn visit_f64<E>(self, _: f64) -> std::result::Result<FieldValue, E> {
        Ok(FieldValue::Bad)
    }
    fn visit_bool<E>(self, _: bool) -> std::result::Result<FieldValue, E> {
        Ok(FieldValue::Bad)
    }
    fn visit_unit<E>(self) -> std::result::Result<FieldValue, E> {
        Ok(FieldValue::Bad)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<FieldValue, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(FieldValue::Bad)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<FieldValue, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(FieldValue::Bad)
    }
}

impl<'de> DeserializeSeed<'de> for RecordSeed<'_> {
    type Value = Fields;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Fields, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RecordSeed<'_> {
    type Value = Fields;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Fields, A::Error> {
        let mut fields = Fields {
            id: None,
            text: None,
            date: None,
            carry: Vec::new(),
        };
        while let Some(key) = map.next_key_seed(KeySeed {
            options: self.options,
        })? {
            match key {
                Key::Id => {
                    fields.id = Some(map.next_value_seed(StringValue {
                        allow_integer: true,
                    })?)
                }
                Key::Text => {
                    fields.text = Some(map.next_value_seed(StringValue {
                        allow_integer: false,
                    })?)
                }
                Key::Date => {
                    fields.date = match map.next_value::<serde_json::Value>()? {
                        serde_json::Value::String(s) => Some(s),
                        serde_json::Value::Null => None,
                        other => Some(other.to_string()),
                    }
                }
                Key::Carry(i) => {
                    let value = map.next_value::<serde_json::Value>()?;
                    fields
                        .carry
                        .push((self.options.carry_fields[i].clone(), value));
                }
                Key::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(fields)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Option<Record> {
        parse_line(
            line.as_bytes(),
            &"t.jsonl".into(),
            7,
            &ReadOptions::default(),
        )
    }

    #[test]
    fn ids_whose_hashes_collide_are_told_apart() {
        let doc = |id: &str| Document {
            id: id.to_owned(),
            text: String::new(),
            date: None,
            location: Location {
                file: "t".into(),
                line: 1,
            },
            raw: None,
            carry: Vec::new(),
        };
        let mut documents = vec![doc("a")];
        let mut seen = SeenIds::default();
        seen.insert("a", 0);
        // Make "b" collide with "a", as a real xxh3 collision would.
        seen.by_hash.insert(xxh3_64(b"b"), 0);
        assert_eq!(seen.get("a", &documents), Some(0));
        assert_eq!(seen.get("b", &documents), None);
        seen.insert("b", 1);
        documents.push(doc("b"));
        assert_eq!(seen.get("b", &documents), Some(1));
        assert_eq!(seen.get("c", &documents), None);
    }

    #[test]
    fn parses_fields_and_ignores_others() {
        let doc =
            parse(r#"{"title": {"x": [1]}, "id": 12, "text": "a \"b\"", "date": "1987-03-02"}"#)
                .unwrap()
                .unwrap();
        assert_eq!(doc.id, "12");
        assert_eq!(doc.text, "a \"b\"");
        assert_eq!(doc.date.as_deref(), Some("1987-03-02"));
        assert_eq!(doc.location.to_string(), "t.jsonl:7");
    }

    #[test]
    fn blank_lines_are_not_records() {
        assert!(parse("   ").is_none());
        assert!(parse("").is_none());
    }

    #[test]
    fn bad_records_say_why() {
        let reason = |line: &str| parse(line).unwrap().unwrap_err().reason.code();
        assert_eq!(reason(r#"{"id": "a", "text": "x""#), "malformed_json");
        assert_eq!(
            reason(r#"{"id": "a", "text": "x"} trailing"#),
            "malformed_json"
        );
        assert_eq!(reason(r#"[1, 2]"#), "malformed_json");
        assert_eq!(reason(r#"{"id": "a"}"#), "missing_field");
        assert_eq!(reason(r#"{"text": "x"}"#), "missing_field");
        assert_eq!(reason(r#"{"id": "a", "text": 3}"#), "wrong_type");
        assert_eq!(reason(r#"{"id": "a", "text": null}"#), "wrong_type");
        assert_eq!(reason(r#"{"id": [1], "text": "x"}"#), "wrong_type");
    }

    #[test]
    fn invalid_utf8_is_rejected_with_its_offset() {
        let line = b"{\"id\": \"a\", \"text\": \"caf\xe9\"}";
        let rejected = parse_line(line, &"t.jsonl".into(), 1, &ReadOptions::default())
            .unwrap()
            .unwrap_err();
        assert_eq!(rejected.reason, RejectReason::InvalidUtf8 { byte: 24 });
    }

    #[test]
    fn a_byte_order_mark_is_not_part_of_the_record() {
        let line = "\u{feff}{\"id\": \"a\", \"text\": \"x\"}\r";
        let doc = parse(line).unwrap().unwrap();
        assert_eq!(doc.id, "a");
    }

    #[test]
    fn empty_text_is_a_document() {
        let doc = parse(r#"{"id": "a", "text": ""}"#).unwrap().unwrap();
        assert_eq!(doc.text, "");
    }
}
