//! [`OutputDir`]: an output directory's new set, staged in a hidden sibling
//! and swapped in whole at the commit. Dropped before its commit, it removes
//! the staging directory and leaves the old set as it was.

use super::hidden::{hidden_name, run_id};
use super::hooks::fault;
use super::loose::LooseFile;
use super::os::{exchange, rename_new, try_lock};
use super::paths::{check_foreign, parent_of, require_directory, resolve};
use super::recover::{finish_pending, remove_leftovers, restore_aside};
#[cfg(doc)]
use super::SET_FILE_NAMES;
use super::{write_error, Marker, Outside, ASIDE, MARKER};
use copydesk_common::{Error, Result};
use std::ffi::{OsStr, OsString};
use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

/// The staging side of an output directory: where its new set is written
/// before it replaces the old one.
#[derive(Debug)]
pub(crate) struct OutputDir {
    /// The directory as the caller named it.
    given: PathBuf,
    /// The directory, resolved.
    target: PathBuf,
    /// The hidden sibling the new set is written into.
    staging: PathBuf,
    id: String,
    /// Held from creation to the end of the commit: leftovers are what no live
    /// run holds.
    _lock: Option<File>,
    committed: bool,
}

impl OutputDir {
    /// Check that `given` can take a new set of outputs and create the
    /// staging directory next to it, after cleaning up what killed runs left.
    ///
    /// `given` need not exist, but its parent must. When it exists it must be
    /// a directory on the same file system as its parent, holding nothing but
    /// files of copydesk sets (see [`SET_FILE_NAMES`]), files listed in its
    /// marker, and `allowed` names: anything else would be deleted with the
    /// old set, and fails with [`Error::ForeignOutputFile`].
    pub(crate) fn prepare(given: &Path, allowed: &[OsString]) -> Result<OutputDir> {
        let fail = write_error(given);
        let target = resolve(given).map_err(&fail)?;
        let (Some(parent), Some(name)) = (target.parent(), target.file_name()) else {
            return Err(fail(io::Error::new(
                io::ErrorKind::InvalidInput,
                "the root directory cannot be an output directory",
            )));
        };
        require_directory(parent).map_err(&fail)?;
        restore_aside(parent, name, &target);
        let mut permissions = None;
        match fs::symlink_metadata(&target) {
            Ok(meta) if meta.is_dir() => {
                permissions = Some(meta.permissions());
                #[cfg(unix)]
                {
                    use std::os::unix::fs::MetadataExt;
                    let parent_dev = fs::metadata(parent).map_err(&fail)?.dev();
                    if meta.dev() != parent_dev {
                        return Err(fail(io::Error::new(
                            io::ErrorKind::Unsupported,
                            "it is a mount point, and a set of outputs replaces its \
                             directory as a whole: name a directory inside it",
                        )));
                    }
                }
                finish_pending(&target);
                check_foreign(given, &target, allowed)?;
            }
            Ok(_) => {
                return Err(fail(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "it exists and is not a directory",
                )))
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(fail(e)),
        }
        remove_leftovers(parent, name);
        let id = run_id();
        let staging = parent.join(hidden_name(name, &id, ""));
        fs::create_dir(&staging).map_err(&fail)?;
        // The new set's directory takes the place of the old: it keeps its mode.
        if let Some(permissions) = permissions {
            let _ = fs::set_permissions(&staging, permissions);
        }
        let lock = File::open(&staging).ok().filter(try_lock);
        Ok(OutputDir {
            given: given.to_path_buf(),
            target,
            staging,
            id,
            _lock: lock,
            committed: false,
        })
    }

    /// The directory as the caller named it.
    pub(crate) fn given(&self) -> &Path {
        &self.given
    }

    /// The name of `path` inside this directory when `path` is directly in
    /// it; `None` when it is elsewhere.
    pub(crate) fn name_of(&self, path: &Path) -> Result<Option<OsString>> {
        let Some(name) = path.file_name() else {
            return Ok(None);
        };
        let parent = parent_of(path);
        if parent == self.given || resolve(parent).is_ok_and(|p| p == self.target) {
            return Ok(Some(name.to_owned()));
        }
        if resolve(path).is_ok_and(|p| p.starts_with(&self.target)) {
            return Err(Error::Write {
                path: path.to_path_buf(),
                source: io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!(
                        "only files directly in the output directory {} can be part of its set",
                        self.given.display()
                    ),
                ),
            });
        }
        Ok(None)
    }

    /// Where the file `name` of the new set is written.
    pub(crate) fn staged(&self, name: &OsStr) -> PathBuf {
        self.staging.join(name)
    }

    /// Put the new set in place of the old: write the marker, swap, rename
    /// the files outside the directory, delete the old set.
    pub(crate) fn commit(mut self, files: &[OsString], outside: Vec<LooseFile>) -> Result<()> {
        let marker = Marker {
            copydesk_version: env!("CARGO_PKG_VERSION").to_owned(),
            run: self.id.clone(),
            files: files
                .iter()
                .map(|f| f.to_string_lossy().into_owned())
                .collect(),
            outside: outside
                .iter()
                .filter_map(|loose| {
                    let dir = resolve(parent_of(&loose.dest)).ok()?;
                    Some(Outside {
                        path: dir.join(loose.dest.file_name()?),
                        temp: dir.join(loose.temp.file_name()?),
                    })
                })
                .collect(),
        };
        let marker_path = self.staging.join(MARKER);
        let text = serde_json::to_vec_pretty(&marker).map_err(io::Error::from);
        text.and_then(|text| fs::write(&marker_path, text))
            .map_err(write_error(&marker_path))?;
        fault("marker");
        let allowed: Vec<OsString> = files.to_vec();
        let fail = write_error(&self.given);
        let old_set = match fs::symlink_metadata(&self.target) {
            Ok(_) => {
                // Files may have appeared during the run.
                check_foreign(&self.given, &self.target, &allowed)?;
                match exchange(&self.staging, &self.target) {
                    Some(done) => {
                        done.map_err(&fail)?;
                        Some(self.staging.clone())
                    }
                    None => {
                        let aside = self.staging.with_file_name(hidden_name(
                            self.target.file_name().unwrap_or_default(),
                            &self.id,
                            ASIDE,
                        ));
                        fs::rename(&self.target, &aside).map_err(&fail)?;
                        fault("aside");
                        if let Err(e) = rename_new(&self.staging, &self.target) {
                            let _ = fs::rename(&aside, &self.target);
                            return Err(fail(e));
                        }
                        Some(aside)
                    }
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                rename_new(&self.staging, &self.target).map_err(&fail)?;
                None
            }
            Err(e) => return Err(fail(e)),
        };
        self.committed = true;
        fault("swapped");
        let mut renamed = Ok(());
        for loose in outside {
            if let Err(e) = loose.persist() {
                renamed = renamed.and(Err(e));
            }
            fault("outside");
        }
        if let Some(old) = old_set {
            remove_set(&old);
        }
        fault("committed");
        renamed
    }
}

impl Drop for OutputDir {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}

/// Delete a set that was swapped out, file by file.
fn remove_set(dir: &Path) {
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                let _ = fs::remove_dir_all(&path);
            } else {
                let _ = fs::remove_file(&path);
            }
            fault("removing");
        }
    }
    let _ = fs::remove_dir_all(dir);
}
