//! The library's error type: every variant names what failed and where.

use std::fmt;
use std::path::PathBuf;

/// Where a record came from: the input's display name and its 1-based line,
/// or for a Parquet input its 1-based row in the file and the row group
/// holding it.
///
/// For a plain-text input (one file, one document) the line is 1.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Location {
    /// The input as the user named it (`-` for standard input); shared by
    /// every record of that input.
    pub file: std::sync::Arc<str>,
    /// 1-based line number of the record in that input; for Parquet, its
    /// 1-based row number in the file (counted across row groups).
    pub line: u64,
    /// For Parquet, the 0-based row group the row is in (the numbering of
    /// Parquet's own tools); `None` for line-based inputs.
    pub row_group: Option<u32>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.row_group {
            None => write!(f, "{}:{}", self.file, self.line),
            Some(group) => write!(f, "{}: row {} (row group {group})", self.file, self.line),
        }
    }
}

/// Why an input record was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RejectReason {
    /// The line is not a JSON object.
    MalformedJson(String),
    /// The line is not valid UTF-8; `byte` is the offset of the first bad byte in the line.
    InvalidUtf8 {
        /// Byte offset of the first invalid byte within the line.
        byte: usize,
    },
    /// A required field is absent.
    MissingField(String),
    /// A field has the wrong JSON type.
    WrongType {
        /// The field's name.
        field: String,
        /// What was expected, for example "a string".
        expected: &'static str,
    },
    /// Another record already used this id.
    DuplicateId {
        /// The id.
        id: String,
        /// Where it was first seen.
        first: Location,
    },
}

impl RejectReason {
    /// A short machine-readable code for the reason, used in `rejected.jsonl`.
    pub fn code(&self) -> &'static str {
        match self {
            RejectReason::MalformedJson(_) => "malformed_json",
            RejectReason::InvalidUtf8 { .. } => "invalid_utf8",
            RejectReason::MissingField(_) => "missing_field",
            RejectReason::WrongType { .. } => "wrong_type",
            RejectReason::DuplicateId { .. } => "duplicate_id",
        }
    }
}

impl fmt::Display for RejectReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RejectReason::MalformedJson(msg) => write!(f, "malformed JSON: {msg}"),
            RejectReason::InvalidUtf8 { byte } => {
                write!(f, "invalid UTF-8 at byte {byte} of the line")
            }
            RejectReason::MissingField(field) => write!(f, "missing field {field:?}"),
            RejectReason::WrongType { field, expected } => {
                write!(f, "field {field:?} is not {expected}")
            }
            RejectReason::DuplicateId { id, first } => {
                write!(f, "duplicate id {id:?} (first seen at {first})")
            }
        }
    }
}

/// Everything that can go wrong in the library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading an input failed.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The input as named by the user.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// An input record is invalid and invalid records are not being skipped.
    #[error("{location}: {reason}")]
    InvalidRecord {
        /// Where the record is.
        location: Location,
        /// What is wrong with it.
        reason: RejectReason,
    },
    /// The inputs hold no record at all: directories with no document file
    /// (or only empty ones), and no file named as such.
    #[error("{}", no_documents(inputs, extensions, *recursive))]
    NoDocuments {
        /// The inputs as named by the user.
        inputs: Vec<String>,
        /// The file name endings a directory is read for.
        extensions: &'static [&'static str],
        /// Whether subdirectories were read.
        recursive: bool,
    },
    /// Writing an output failed.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The output file.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// An output directory holds a file that no copydesk run wrote. A run
    /// replaces the directory's contents as a whole, which would delete it.
    #[error(
        "output directory {dir} holds {file}, which copydesk did not write; \
         a run replaces the whole directory, so name a new or empty one"
    )]
    ForeignOutputFile {
        /// The output directory.
        dir: PathBuf,
        /// The file found in it.
        file: PathBuf,
    },
    /// A Parquet input lacks a column the records need, or holds it with a
    /// type that cannot stand for it.
    #[error("{path}: {problem}")]
    ParquetColumn {
        /// The Parquet file.
        path: PathBuf,
        /// What is wrong, naming the column.
        problem: String,
    },
    /// A Parquet input could not be decoded: not Parquet, truncated or corrupt.
    #[error("cannot read {}{}: {message}", path.display(), row_group.map(|g| format!(" (row group {g})")).unwrap_or_default())]
    Parquet {
        /// The Parquet file.
        path: PathBuf,
        /// The row group being decoded, when the file's footer was read.
        row_group: Option<u32>,
        /// The decoder's message.
        message: String,
    },
    /// A parameter is out of range or parameters contradict each other.
    #[error("invalid configuration: {0}")]
    Config(String),
    /// A data file (lexicon, model, substitutions) could not be parsed.
    #[error("{path}:{line}: {message}")]
    DataFile {
        /// The data file.
        path: PathBuf,
        /// 1-based line of the problem (0 when the whole file is at fault).
        line: u64,
        /// What is wrong.
        message: String,
    },
}

fn no_documents(inputs: &[String], extensions: &[&str], recursive: bool) -> String {
    format!(
        "no records in {}: a directory is read for its files ending in {}{}",
        inputs.join(", "),
        extensions.join(", "),
        if recursive {
            ", in subdirectories too"
        } else {
            " (not in subdirectories)"
        }
    )
}

/// Shorthand for results of this library.
pub type Result<T, E = Error> = std::result::Result<T, E>;
