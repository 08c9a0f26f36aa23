//! [`LooseFile`]: a file of a set that lives outside the output directory,
//! written to a hidden temporary file next to its destination and renamed
//! over it at the commit. Dropped before that, it removes the temporary file
//! and leaves the destination as it was.

use super::hidden::{hidden_name, is_hidden_for, run_id};
use super::os::try_lock;
use super::paths::{parent_of, require_directory};
use super::recover::unlocked;
use super::write_error;
use copydesk_common::Result;
use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

/// A file outside the output directory, written to a temporary file next to
/// its destination and renamed over it at the commit.
#[derive(Debug)]
pub(crate) struct LooseFile {
    pub(crate) dest: PathBuf,
    pub(crate) temp: PathBuf,
    /// Open and locked while the run lives.
    pub(crate) file: Option<File>,
}

impl LooseFile {
    /// Create the temporary file for `dest`, after removing those that
    /// killed runs left next to it.
    pub(crate) fn create(dest: &Path) -> Result<LooseFile> {
        let fail = write_error(dest);
        let Some(name) = dest.file_name() else {
            return Err(fail(io::Error::new(
                io::ErrorKind::InvalidInput,
                "not a file name",
            )));
        };
        let dir = parent_of(dest);
        // Other failures to read `dir` show when the file is created in it.
        match require_directory(dir) {
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::InvalidInput | io::ErrorKind::NotFound
                ) =>
            {
                return Err(fail(e))
            }
            _ => {}
        }
        if fs::metadata(dest).is_ok_and(|m| m.is_dir()) {
            return Err(fail(io::Error::new(
                io::ErrorKind::InvalidInput,
                "it is a directory, not a file",
            )));
        }
        if let Ok(entries) = fs::read_dir(dir) {
            for entry in entries.flatten() {
                let path = entry.path();
                if is_hidden_for(&entry.file_name(), name, ".tmp") && unlocked(&path) {
                    let _ = fs::remove_file(&path);
                }
            }
        }
        let temp = dir.join(hidden_name(name, &run_id(), ".tmp"));
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
            .map_err(&fail)?;
        try_lock(&file);
        Ok(LooseFile {
            dest: dest.to_path_buf(),
            temp,
            file: Some(file),
        })
    }

    /// Rename the temporary file over the destination.
    pub(crate) fn persist(mut self) -> Result<()> {
        fs::rename(&self.temp, &self.dest).map_err(write_error(&self.dest))?;
        self.file = None;
        Ok(())
    }
}

impl Drop for LooseFile {
    fn drop(&mut self) {
        if self.file.is_some() {
            let _ = fs::remove_file(&self.temp);
        }
    }
}
