//! How a run's outputs replace the previous run's as one set.
//!
//! The files of an output directory are written into a fresh hidden sibling,
//! `.NAME.copydesk-ID` (same parent, so the same file system), and that
//! directory is swapped with the output directory in one `renameat2(2)` call
//! with `RENAME_EXCHANGE`; the previous set, now under the hidden name, is
//! then deleted. Whatever stops the process, the output directory's name
//! points at one complete set: the old one before the swap, the new one after.
//! Where the exchange is not available (not Linux, or a file system without
//! it), the directory is moved aside and the new one renamed in its place; a
//! kill between the two renames leaves the name absent, and the next run moves
//! the old set back before anything else.
//!
//! Files outside the directory (`--keep`, `--drop`, a model) are written to a
//! hidden temporary file next to their destination and renamed over it right
//! after the swap. The set's marker, `.copydesk-run.json`, lists the files of
//! the set and those pending renames, so a run that finds a marker listing a
//! temporary file that still exists finishes that rename (the swap it belongs
//! to has happened).
//!
//! A run holds an advisory lock (`flock(2)`) on its staging directory and on
//! its temporary files, which the kernel releases when the process ends,
//! however it ends; leftovers are whatever matches the hidden names and is not
//! locked, and each run removes them before it starts writing.

use copydesk_common::Error;
use serde::{Deserialize, Serialize};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

mod hidden;
mod hooks;
mod loose;
mod os;
mod output_dir;
mod paths;
mod recover;
#[cfg(test)]
mod tests;

pub use crate::names::{MARKER, SET_FILE_NAMES};
pub use paths::resolve;

pub(crate) use hooks::fault;
pub(crate) use loose::LooseFile;
pub(crate) use output_dir::OutputDir;
pub(crate) use paths::parent_of;

/// Between a destination's name and the run id in hidden staging names.
const INFIX: &str = ".copydesk-";

/// Suffix of the old set moved aside when the exchange is not available.
const ASIDE: &str = ".old";

/// What the marker records.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Marker {
    copydesk_version: String,
    run: String,
    /// Files of the set, by name inside the output directory.
    files: Vec<String>,
    /// Files of the set outside the directory, each renamed from `temp` to
    /// `path` once the directory has been swapped in.
    outside: Vec<Outside>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Outside {
    path: PathBuf,
    temp: PathBuf,
}

fn write_error(path: &Path) -> impl Fn(io::Error) -> Error + '_ {
    move |source| Error::Write {
        path: path.to_path_buf(),
        source,
    }
}

fn read_marker(dir: &Path) -> Option<Marker> {
    let text = fs::read(dir.join(MARKER)).ok()?;
    serde_json::from_slice(&text).ok()
}
