//! Which files an input stands for: a file or standard input stands for
//! itself; a directory for its files whose names end in one of
//! [`DIRECTORY_EXTENSIONS`], in byte order of their names, walked depth first
//! when recursive. FIFOs, sockets, devices, broken links and directories
//! already read are never opened and are reported as [`Skipped`]; other files
//! whose names do not fit are left out silently.

#[cfg(doc)]
use crate::read::read_inputs;
use copydesk_common::{Error, Result};
use std::fmt;
use std::path::{Path, PathBuf};

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
pub const DIRECTORY_EXTENSIONS: [&str; 13] = [
    ".txt",
    ".txt.gz",
    ".txt.zst",
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

    pub(crate) fn display(&self) -> String {
        match self {
            Input::Stdin => "-".to_owned(),
            Input::Path(p) => p.display().to_string(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Jsonl,
    Text,
    Parquet,
}

/// The files an input stands for, with their formats.
pub(crate) struct Expansion {
    pub(crate) files: Vec<(Input, Format)>,
    /// Directory entries left out.
    pub(crate) skipped: Vec<Skipped>,
    /// The directory the files were found in; `None` for a file or
    /// standard input named as such.
    pub(crate) directory: Option<PathBuf>,
}

/// What an input stands for: itself when it is a file or standard input; for
/// a directory, its files ending in one of [`DIRECTORY_EXTENSIONS`] in name
/// order, and with `recursive` its subdirectories' files, each directory
/// read where its name sorts (see [`read_inputs`]).
pub(crate) fn expand(input: &Input, recursive: bool) -> Result<Expansion> {
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
