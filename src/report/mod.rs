//! Output writers: JSON Lines and JSON files a user can act on ([`jsonl`] for
//! dedup, [`check`] for the quality pass).
//!
//! Outputs are all-or-nothing: every file is first written to a hidden
//! temporary file next to its destination ([`StagedOutputs`]) and renamed into
//! place only once all of them are complete, so a failed run leaves no partial
//! output behind.

pub mod check;
pub mod html;
mod json;
pub mod jsonl;
pub mod scan;

use crate::error::{Error, Result};
use crate::pipeline::Timings;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;
use tempfile::NamedTempFile;

/// Output files written to temporary files and moved into place together.
///
/// Dropping a `StagedOutputs` without [`commit`](StagedOutputs::commit)
/// deletes the temporary files.
#[derive(Debug, Default)]
pub struct StagedOutputs {
    staged: Vec<(NamedTempFile, PathBuf)>,
}

/// Buffer size of output writers: big enough that writes are few and large.
const WRITE_BUFFER: usize = 1 << 20;

impl StagedOutputs {
    /// No files staged yet.
    pub fn new() -> StagedOutputs {
        StagedOutputs::default()
    }

    /// Write the future content of `path` with `write`, into a temporary file in
    /// the same directory (so the final rename stays on one file system).
    pub fn stage<F>(&mut self, path: &Path, write: F) -> Result<()>
    where
        F: FnOnce(&mut BufWriter<&File>) -> std::io::Result<()>,
    {
        let staged = stage_file(path, write)?;
        self.staged.push(staged);
        Ok(())
    }

    /// Write several outputs at once, each into its own temporary file, in
    /// parallel; they are committed in the order given. Fails with the first
    /// failure in that order.
    pub fn stage_parallel(&mut self, jobs: Vec<(PathBuf, StageJob<'_>)>) -> Result<()> {
        use rayon::prelude::*;
        let staged: Vec<Result<(NamedTempFile, PathBuf)>> = jobs
            .into_par_iter()
            .map(|(path, write)| stage_file(&path, write))
            .collect();
        for file in staged {
            self.staged.push(file?);
        }
        Ok(())
    }

    /// Stage the summary last, with the `write` stage (from `started` until
    /// now) added to `timings`, then move every file into place; returns the
    /// timings the summary reports.
    pub fn commit_with_summary<F>(
        mut self,
        path: &Path,
        timings: &Timings,
        started: Instant,
        write_summary: F,
    ) -> Result<Timings>
    where
        F: FnOnce(&mut BufWriter<&File>, &Timings) -> std::io::Result<()>,
    {
        let mut timings = timings.clone();
        timings.record("write", started.elapsed());
        self.stage(path, |w| {
            write_summary(w, &timings)?;
            w.write_all(b"\n")
        })?;
        self.commit()?;
        Ok(timings)
    }

    /// Move every staged file to its destination, replacing what was there.
    pub fn commit(self) -> Result<()> {
        for (temp, path) in self.staged {
            temp.persist(&path).map_err(|e| Error::Write {
                path: path.clone(),
                source: e.error,
            })?;
        }
        Ok(())
    }
}

/// A writer of one output for [`StagedOutputs::stage_parallel`].
pub type StageJob<'a> = Box<dyn FnOnce(&mut BufWriter<&File>) -> std::io::Result<()> + Send + 'a>;

/// Write one output into a temporary file next to `path`.
fn stage_file<F>(path: &Path, write: F) -> Result<(NamedTempFile, PathBuf)>
where
    F: FnOnce(&mut BufWriter<&File>) -> std::io::Result<()>,
{
    let write_error = |source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".copydesk-").suffix(".tmp");
    // Outputs are ordinary files once renamed: readable as any new file (umask applies).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let temp = builder.tempfile_in(dir).map_err(write_error)?;
    {
        let mut out = BufWriter::with_capacity(WRITE_BUFFER, temp.as_file());
        write(&mut out).map_err(write_error)?;
        out.flush().map_err(write_error)?;
    }
    Ok((temp, path.to_path_buf()))
}
