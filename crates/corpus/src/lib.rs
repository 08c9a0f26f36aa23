//! Reading records: JSONL (plain, gzip, zstd), Parquet, plain-text files,
//! directories and standard input, each record tagged with the file and line
//! (for Parquet, row and row group) it came from.
//!
//! JSONL lines are parsed in parallel in batches, but documents come out in
//! input order whatever the thread count. A line holding only whitespace is not
//! a record and is skipped. Invalid records either stop the read with an
//! [`Error::InvalidRecord`] naming file and line, or, with
//! [`ReadOptions::skip_invalid`], are listed in [`Corpus::rejected`] so that
//! `records_read == documents.len() + rejected.len()` always holds.

use copydesk_common::progress::Progress;
use copydesk_common::{Error, Location, RejectReason, Result};
use copydesk_text::HashKeyed;
use rayon::prelude::*;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use std::collections::HashMap;
use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender};
use xxhash_rust::xxh3::xxh3_64;

pub mod parquet;

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
    /// Read a directory's subdirectories too, in the order [`read_inputs`] documents.
    pub recursive: bool,
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
            recursive: false,
        }
    }
}

/// One accepted input document.
#[derive(Debug, Clone)]
pub struct Document {
    /// Unique id (for a text file, its file name, or its path relative to
    /// the directory input it was found in).
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
    /// Entries of input directories that were not read, in the order met.
    pub skipped: Vec<Skipped>,
}

/// An entry of an input directory that is neither a document file nor a
/// directory to read, and is left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The entry, as the directory input's path joined with its name.
    pub path: PathBuf,
    /// Why it was not read.
    pub reason: SkipReason,
}

/// Why a directory entry was not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipReason {
    /// A FIFO, a socket or a device: reading one could block or never end.
    Special(&'static str),
    /// A symbolic link to nothing.
    BrokenLink,
    /// A directory already read through another path (a symbolic link
    /// into its own ancestors, or a second link to one directory).
    AlreadyRead,
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::Special(kind) => write!(f, "{kind}, not a regular file"),
            SkipReason::BrokenLink => f.write_str("broken symbolic link"),
            SkipReason::AlreadyRead => f.write_str("directory already read through another path"),
        }
    }
}

/// The name endings of the files a directory input is read for: text files,
/// and JSON Lines under the names found in the field (`.json` holding JSON
/// Lines is the Hugging Face and datatrove convention), plain or compressed,
/// and Parquet.
pub const DIRECTORY_EXTENSIONS: [&str; 11] = [
    ".txt",
    ".jsonl",
    ".jsonl.gz",
    ".jsonl.zst",
    ".ndjson",
    ".ndjson.gz",
    ".ndjson.zst",
    ".json",
    ".json.gz",
    ".json.zst",
    ".parquet",
];

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
    Parquet,
}

/// The files an input stands for, with their formats.
struct Expansion {
    files: Vec<(Input, Format)>,
    /// Directory entries left out.
    skipped: Vec<Skipped>,
    /// The directory the files were found in; `None` for a file or
    /// standard input named as such.
    directory: Option<PathBuf>,
}

/// What an input stands for: itself when it is a file or standard input; for
/// a directory, its files ending in one of [`DIRECTORY_EXTENSIONS`] in name
/// order, and with `recursive` its subdirectories' files, each directory
/// read where its name sorts (see [`read_inputs`]).
fn expand(input: &Input, recursive: bool) -> Result<Expansion> {
    let path = match input {
        Input::Stdin => {
            return Ok(Expansion {
                files: vec![(Input::Stdin, Format::Jsonl)],
                skipped: Vec::new(),
                directory: None,
            })
        }
        Input::Path(p) => p,
    };
    let read_error = |source| Error::Read {
        path: path.clone(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(read_error)?;
    if !meta.is_dir() {
        return Ok(Expansion {
            files: vec![(input.clone(), format_of(path))],
            skipped: Vec::new(),
            directory: None,
        });
    }
    let mut walk = Walk {
        recursive,
        visited: std::collections::HashSet::new(),
        files: Vec::new(),
        skipped: Vec::new(),
    };
    if recursive {
        walk.visited
            .insert(std::fs::canonicalize(path).map_err(read_error)?);
    }
    walk.directory(path)?;
    Ok(Expansion {
        files: walk
            .files
            .into_iter()
            .map(|p| {
                let format = format_of(&p);
                (Input::Path(p), format)
            })
            .collect(),
        skipped: walk.skipped,
        directory: Some(path.clone()),
    })
}

/// A depth-first walk of a directory input, entries in byte order of their
/// names: the same order as sorting every file's relative path by its
/// components.
struct Walk {
    recursive: bool,
    /// Directories read so far, by canonical path: symbolic links to
    /// directories are followed, and this keeps a link to an ancestor from
    /// looping.
    visited: std::collections::HashSet<PathBuf>,
    files: Vec<PathBuf>,
    skipped: Vec<Skipped>,
}

impl Walk {
    fn directory(&mut self, dir: &Path) -> Result<()> {
        let read_error = |source| Error::Read {
            path: dir.to_path_buf(),
            source,
        };
        let mut entries = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(read_error)? {
            let entry = entry.map_err(read_error)?;
            let file_type = entry.file_type().map_err(read_error)?;
            entries.push((entry.file_name(), file_type));
        }
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        for (name, file_type) in entries {
            let path = dir.join(&name);
            let file_type = if file_type.is_symlink() {
                match std::fs::metadata(&path) {
                    Ok(target) => target.file_type(),
                    Err(_) => {
                        self.skip(path, SkipReason::BrokenLink);
                        continue;
                    }
                }
            } else {
                file_type
            };
            if file_type.is_dir() {
                if !self.recursive {
                    continue;
                }
                let canonical = std::fs::canonicalize(&path).map_err(|source| Error::Read {
                    path: path.clone(),
                    source,
                })?;
                if self.visited.insert(canonical) {
                    self.directory(&path)?;
                } else {
                    self.skip(path, SkipReason::AlreadyRead);
                }
            } else if file_type.is_file() {
                let name = name.to_string_lossy();
                if DIRECTORY_EXTENSIONS.iter().any(|ext| name.ends_with(ext)) {
                    self.files.push(path);
                }
            } else {
                self.skip(path, SkipReason::Special(special_kind(file_type)));
            }
        }
        Ok(())
    }

    fn skip(&mut self, path: PathBuf, reason: SkipReason) {
        self.skipped.push(Skipped { path, reason });
    }
}

#[cfg(unix)]
fn special_kind(file_type: std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if file_type.is_fifo() {
        "a FIFO"
    } else if file_type.is_socket() {
        "a socket"
    } else if file_type.is_block_device() || file_type.is_char_device() {
        "a device"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
fn special_kind(_: std::fs::FileType) -> &'static str {
    "a special file"
}

/// Whether a file of this name is read when its directory is an input.
pub fn read_from_directory(name: &str) -> bool {
    DIRECTORY_EXTENSIONS.iter().any(|ext| name.ends_with(ext))
}

fn format_of(path: &Path) -> Format {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name.ends_with(".txt") || name.ends_with(".txt.gz") || name.ends_with(".txt.zst") {
        Format::Text
    } else if name.ends_with(".parquet") {
        Format::Parquet
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

/// A record held in memory: `(id, text, date)`.
pub type MemoryRecord = (String, String, Option<String>);

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

/// A text file's id: its path relative to the directory input it was found
/// in, components joined by `/` (its file name when found at the top), or
/// its file name when it was named as an input itself.
fn text_id(file: &Input, directory: Option<&Path>) -> String {
    let path = match file {
        Input::Path(p) => p,
        Input::Stdin => return "-".to_owned(),
    };
    let relative = directory
        .and_then(|d| path.strip_prefix(d).ok())
        .filter(|r| !r.as_os_str().is_empty());
    match relative {
        Some(relative) => relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
        None => path
            .file_name()
            .map_or_else(|| file.display(), |n| n.to_string_lossy().into_owned()),
    }
}

fn read_text_file(
    input: &Input,
    name: &std::sync::Arc<str>,
    id: String,
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
    let record = match String::from_utf8(bytes) {
        Ok(text) => Ok(Document {
            id,
            text,
            date: None,
            location: Location {
                file: name.clone(),
                line: 1,
                row_group: None,
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
                    row_group: None,
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
        row_group: None,
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
        Some(FieldValue::Number) => match integer_as_written(line_text, &options.id_field) {
            Some(id) => id,
            None => {
                return Some(Err(reject(RejectReason::WrongType {
                    field: options.id_field.clone(),
                    expected: "a string or an integer",
                })))
            }
        },
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
        Some(FieldValue::Bad | FieldValue::Number) => {
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
    /// A number that is not a 64-bit integer: a float, or an integer too
    /// long for serde_json to hold without `arbitrary_precision`.
    Number,
    Bad,
}

/// The value of `field` in the record `line` when it is a JSON integer, as
/// its decimal text exactly as written.
///
/// Integer ids beyond 64 bits reach the record visitor as floats, their
/// digits lost. Rather than parse every number of every record with
/// arbitrary precision, the rare record whose id came out as a float is
/// parsed again here, keeping the id's raw token.
fn integer_as_written(line: &str, field: &str) -> Option<String> {
    struct RawField<'f>(&'f str);
    impl<'de> Visitor<'de> for RawField<'_> {
        type Value = Option<&'de serde_json::value::RawValue>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(
            self,
            mut map: A,
        ) -> std::result::Result<Self::Value, A::Error> {
            let mut raw = None;
            while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                if key == self.0 {
                    raw = Some(map.next_value()?);
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            Ok(raw)
        }
    }
    let mut de = serde_json::Deserializer::from_str(line);
    let token = de.deserialize_map(RawField(field)).ok()??.get();
    let digits = token.strip_prefix('-').unwrap_or(token);
    // The token parsed as a number, so digits alone make it an integer.
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then(|| token.to_owned())
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
        Ok(if self.allow_integer {
            FieldValue::Number
        } else {
            FieldValue::Bad
        })
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
                row_group: None,
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
    fn integer_ids_of_any_size_are_read_as_written() {
        let id = |line: &str| {
            parse(line)
                .unwrap()
                .map(|d| d.id)
                .map_err(|r| r.reason.code())
        };
        for written in [
            "123456789012345678901234567890",
            "-123456789012345678901234567890",
            "18446744073709551616",
            "-9223372036854775809",
            "-5",
            "0",
        ] {
            let line = format!(r#"{{"text": "x", "id" : {written} , "n": 1e400}}"#);
            assert_eq!(id(&line), Ok(written.to_owned()), "{line}");
        }
        // The last of repeated keys counts, as in the first parse.
        assert_eq!(
            id(r#"{"id": 1.5, "text": "x", "id": 123456789012345678901234567890}"#),
            Ok("123456789012345678901234567890".to_owned())
        );
        assert_eq!(
            id(r#"{"a": {"id": 1}, "id": 123456789012345678901234567890, "text": "x"}"#),
            Ok("123456789012345678901234567890".to_owned())
        );
        for float in [
            "1.5",
            "1e3",
            "1E3",
            "-0.5",
            "123456789012345678901234567890.0",
            "12e30",
        ] {
            let line = format!(r#"{{"id": {float}, "text": "x"}}"#);
            assert_eq!(id(&line), Err("wrong_type"), "{line}");
        }
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
        let input = [Input::Path(root.clone())];
        let flat = ReadOptions::default();
        assert_eq!(ids(&input, &flat).unwrap(), ["a.jsonl", "b", "top.txt"]);
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

    #[test]
    fn empty_text_is_a_document() {
        let doc = parse(r#"{"id": "a", "text": ""}"#).unwrap().unwrap();
        assert_eq!(doc.text, "");
    }
}
