//! Path checks: what a path names once links and `..` are resolved, and
//! whether a directory may be replaced by a new set, which it may only when
//! everything in it is a file of a copydesk set (by name, or listed in its
//! marker), a temporary file a killed run left, or a name the caller allows.

use super::{read_marker, write_error, SET_FILE_NAMES};
use copydesk_common::{Error, Result};
use std::ffi::OsString;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// `path` with symbolic links and `.`/`..` resolved; for a path that does not
/// exist yet, its resolved parent joined with its name. Two paths resolve
/// alike exactly when they name the same place.
pub fn resolve(path: &Path) -> io::Result<PathBuf> {
    match fs::canonicalize(path) {
        Ok(resolved) => Ok(resolved),
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            let Some(name) = path.file_name() else {
                return Err(error);
            };
            Ok(resolve(parent_of(path))?.join(name))
        }
        Err(error) => Err(error),
    }
}

/// The directory holding `path`: its parent, or `.` for a bare name.
pub(crate) fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// `dir` exists and is a directory; the error says which of the two fails.
pub(super) fn require_directory(dir: &Path) -> io::Result<()> {
    match fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => Ok(()),
        Ok(_) => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} is not a directory", dir.display()),
        )),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!("directory {} does not exist", dir.display()),
        )),
        Err(e) => Err(e),
    }
}

/// Fail unless every entry of `target` belongs to a copydesk set or is in `allowed`.
pub(super) fn check_foreign(given: &Path, target: &Path, allowed: &[OsString]) -> Result<()> {
    let listed = read_marker(target).map(|m| m.files).unwrap_or_default();
    let entries = fs::read_dir(target).map_err(write_error(given))?;
    for entry in entries {
        let entry = entry.map_err(write_error(given))?;
        let name = entry.file_name();
        let text = name.to_string_lossy();
        let is_file = entry.file_type().is_ok_and(|t| !t.is_dir());
        // Temporary files a killed run left when it staged its files inside
        // the directory itself.
        let old_temp = text.starts_with(".copydesk-") && text.ends_with(".tmp");
        let ours = SET_FILE_NAMES.contains(&&*text)
            || listed.iter().any(|f| *f == text)
            || allowed.contains(&name)
            || old_temp;
        if !(ours && is_file) {
            return Err(Error::ForeignOutputFile {
                dir: given.to_path_buf(),
                file: given.join(&name),
            });
        }
    }
    Ok(())
}
