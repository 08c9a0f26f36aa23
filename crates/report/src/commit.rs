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

use copydesk_common::{Error, Result};
use serde::{Deserialize, Serialize};
use std::ffi::{OsStr, OsString};
use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

pub use crate::names::{MARKER, SET_FILE_NAMES};

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

fn write_error(path: &Path) -> impl Fn(io::Error) -> Error + '_ {
    move |source| Error::Write {
        path: path.to_path_buf(),
        source,
    }
}

fn hidden_name(name: &OsStr, id: &str, suffix: &str) -> OsString {
    let mut hidden = OsString::from(".");
    hidden.push(name);
    hidden.push(INFIX);
    hidden.push(id);
    hidden.push(suffix);
    hidden
}

/// Whether `entry` is one of the hidden names made for `name`.
fn is_hidden_for(entry: &OsStr, name: &OsStr, suffix: &str) -> bool {
    let mut prefix = OsString::from(".");
    prefix.push(name);
    prefix.push(INFIX);
    let (Some(entry), Some(prefix)) = (entry.to_str(), prefix.to_str()) else {
        return false;
    };
    // The id is exactly what `run_id` makes, so that `a`'s names are never
    // taken for those of a neighbour called `a.copydesk-x`.
    entry
        .strip_prefix(prefix)
        .and_then(|rest| rest.strip_suffix(suffix))
        .is_some_and(|id| id.len() == 16 && id.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A fresh id for the staging names of one run.
fn run_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u32(std::process::id());
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    hasher.write_u128(now);
    format!("{:016x}", hasher.finish())
}

/// Stop the process at a named step of the commit when the tests ask for it
/// (`COPYDESK_FAULT_AT=step`), to check what a kill at that instant leaves.
#[cfg(any(test, feature = "fault-injection"))]
pub(crate) fn fault(step: &str) {
    if std::env::var_os("COPYDESK_FAULT_AT").is_some_and(|at| at == step) {
        // SIGKILL, as a user or the OOM killer would send it: no unwinding,
        // no destructors, no core file.
        #[cfg(unix)]
        // SAFETY: kill takes plain integers.
        unsafe {
            libc::kill(libc::getpid(), libc::SIGKILL);
        }
        std::process::abort();
    }
}

#[cfg(not(any(test, feature = "fault-injection")))]
#[inline(always)]
pub(crate) fn fault(_step: &str) {}

/// Whether the tests asked for the two-rename swap (`COPYDESK_NO_EXCHANGE`).
#[cfg(any(test, feature = "fault-injection"))]
fn exchange_disabled() -> bool {
    std::env::var_os("COPYDESK_NO_EXCHANGE").is_some()
}

#[cfg(not(any(test, feature = "fault-injection")))]
fn exchange_disabled() -> bool {
    false
}

/// Take the advisory lock of `file` without waiting; false when another
/// process holds it. A file system without locks counts as unlocked.
#[cfg(unix)]
fn try_lock(file: &File) -> bool {
    use std::os::unix::io::AsRawFd;
    // SAFETY: flock only reads the descriptor, which `file` keeps open.
    let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    rc == 0 || io::Error::last_os_error().raw_os_error() != Some(libc::EWOULDBLOCK)
}

#[cfg(not(unix))]
fn try_lock(_file: &File) -> bool {
    true
}

/// Whether a leftover at `path` is free to remove: it exists and no live run
/// holds its lock.
fn unlocked(path: &Path) -> bool {
    File::open(path).is_ok_and(|file| try_lock(&file))
}

#[cfg(target_os = "linux")]
fn c_path(path: &Path) -> io::Result<std::ffi::CString> {
    use std::os::unix::ffi::OsStrExt;
    std::ffi::CString::new(path.as_os_str().as_bytes())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "path contains a NUL byte"))
}

/// `renameat2(from, to, flags)`; `None` when the kernel or the file system
/// does not have the flag.
#[cfg(target_os = "linux")]
fn renameat2(from: &Path, to: &Path, flags: libc::c_uint) -> Option<io::Result<()>> {
    let (from, to) = match (c_path(from), c_path(to)) {
        (Ok(from), Ok(to)) => (from, to),
        (Err(e), _) | (_, Err(e)) => return Some(Err(e)),
    };
    // SAFETY: both paths are NUL-terminated strings that outlive the call.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            from.as_ptr(),
            libc::AT_FDCWD,
            to.as_ptr(),
            flags,
        )
    };
    if rc == 0 {
        return Some(Ok(()));
    }
    let error = io::Error::last_os_error();
    match error.raw_os_error() {
        Some(libc::EINVAL | libc::ENOSYS | libc::EOPNOTSUPP) => None,
        _ => Some(Err(error)),
    }
}

/// Swap two existing directories in one step; `None` when not available.
fn exchange(a: &Path, b: &Path) -> Option<io::Result<()>> {
    if exchange_disabled() {
        return None;
    }
    #[cfg(target_os = "linux")]
    {
        renameat2(a, b, libc::RENAME_EXCHANGE)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (a, b);
        None
    }
}

/// Rename `from` to `to`, failing if `to` exists (where the kernel can tell).
fn rename_new(from: &Path, to: &Path) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    if let Some(done) = renameat2(from, to, libc::RENAME_NOREPLACE) {
        return done;
    }
    fs::rename(from, to)
}

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

/// Fail unless every entry of `target` belongs to a copydesk set or is in `allowed`.
fn check_foreign(given: &Path, target: &Path, allowed: &[OsString]) -> Result<()> {
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

fn read_marker(dir: &Path) -> Option<Marker> {
    let text = fs::read(dir.join(MARKER)).ok()?;
    serde_json::from_slice(&text).ok()
}

/// Finish the renames of files outside `target` that a killed run left
/// pending after its swap.
fn finish_pending(target: &Path) {
    let Some(marker) = read_marker(target) else {
        return;
    };
    for outside in marker.outside {
        let temp_is_ours = match (outside.temp.file_name(), outside.path.file_name()) {
            (Some(temp), Some(name)) => is_hidden_for(temp, name, ".tmp"),
            _ => false,
        };
        if temp_is_ours && outside.temp.parent() == outside.path.parent() && unlocked(&outside.temp)
        {
            let _ = fs::rename(&outside.temp, &outside.path);
        }
    }
}

/// Where the two-rename swap was cut between its renames, the output
/// directory is missing and its old set is aside: put it back.
fn restore_aside(parent: &Path, name: &OsStr, target: &Path) {
    if fs::symlink_metadata(target).is_ok() {
        return;
    }
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if is_hidden_for(&entry.file_name(), name, ASIDE) && unlocked(&path) {
            let _ = fs::rename(&path, target);
            return;
        }
    }
}

/// Remove staging directories and old sets of `name` that no live run holds.
fn remove_leftovers(parent: &Path, name: &OsStr) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let entry_name = entry.file_name();
        let leftover = (is_hidden_for(&entry_name, name, "")
            || is_hidden_for(&entry_name, name, ASIDE))
            && entry.file_type().is_ok_and(|t| t.is_dir());
        if leftover && unlocked(&path) {
            let _ = fs::remove_dir_all(&path);
        }
    }
}

/// A file outside the output directory, written to a temporary file next to
/// its destination and renamed over it at the commit.
#[derive(Debug)]
pub(crate) struct LooseFile {
    pub(crate) dest: PathBuf,
    pub(crate) temp: PathBuf,
    /// Open and locked while the run lives.
    pub(crate) file: Option<File>,
}

/// `dir` exists and is a directory; the error says which of the two fails.
fn require_directory(dir: &Path) -> io::Result<()> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::StagedOutputs;
    use std::io::Write;
    use std::process::Command;

    /// Set by the parent test for the child: the directory to write into.
    const CHILD_ROOT: &str = "COPYDESK_TEST_COMMIT_ROOT";
    const CHILD_TAG: &str = "COPYDESK_TEST_COMMIT_TAG";

    /// Every step of a commit, in order.
    const STEPS: &[&str] = &[
        "staging",
        "staged",
        "marker",
        "aside",
        "swapped",
        "outside",
        "removing",
        "committed",
    ];

    /// The files of each run's set: the runs differ in which files they
    /// write, so that a mixed directory shows.
    fn set_of(tag: &str) -> Vec<&'static str> {
        let mut names = vec!["documents.jsonl", "pairs.jsonl", "summary.json"];
        names.push(match tag {
            "old" => "report.html",
            "new" => "substitutions.jsonl",
            _ => "clusters.jsonl",
        });
        names
    }

    fn content(tag: &str, name: &str) -> String {
        format!("{tag} {name}\n").repeat(1000)
    }

    /// What the child does: write the set of `tag` into `root/out`, with
    /// `root/kept.jsonl` outside it; `start` only prepares, as a run's start
    /// does, and stops there.
    fn write_set(root: &Path, tag: &str) -> Result<()> {
        let dir = root.join("out");
        let keep = root.join("kept.jsonl");
        let mut outputs = StagedOutputs::in_dir(&dir, &[&keep])?;
        if tag == "start" {
            return Ok(());
        }
        let mut jobs: Vec<(PathBuf, crate::StageJob)> = Vec::new();
        for name in set_of(tag) {
            let text = content(tag, name);
            jobs.push((
                dir.join(name),
                Box::new(move |w| w.write_all(text.as_bytes())),
            ));
        }
        let kept = content(tag, "kept.jsonl");
        jobs.push((keep, Box::new(move |w| w.write_all(kept.as_bytes()))));
        outputs.stage_parallel(jobs)?;
        outputs.commit()
    }

    /// Runs only as the child of the test below.
    #[test]
    fn commit_child() {
        if let (Some(root), Some(tag)) =
            (std::env::var_os(CHILD_ROOT), std::env::var(CHILD_TAG).ok())
        {
            write_set(Path::new(&root), &tag).expect("the child's commit");
        }
    }

    fn run_child(root: &Path, tag: &str, fault_at: Option<&str>, exchange: bool) -> bool {
        let mut child = Command::new(std::env::current_exe().unwrap());
        child
            .args(["commit::tests::commit_child", "--exact", "--test-threads=1"])
            .env(CHILD_ROOT, root)
            .env(CHILD_TAG, tag)
            .env_remove("COPYDESK_FAULT_AT")
            .env_remove("COPYDESK_NO_EXCHANGE");
        if let Some(step) = fault_at {
            child.env("COPYDESK_FAULT_AT", step);
        }
        if !exchange {
            child.env("COPYDESK_NO_EXCHANGE", "1");
        }
        child
            .output()
            .expect("the test binary runs")
            .status
            .success()
    }

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .map(|entries| {
                entries
                    .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    }

    /// The run whose complete set `out` holds, and nothing else; `None` when
    /// `out` is absent. Panics on anything mixed or partial.
    fn set_in(out: &Path) -> Option<&'static str> {
        if !out.exists() {
            return None;
        }
        let names = entries(out);
        for tag in ["old", "new", "next"] {
            let mut expected: Vec<String> = set_of(tag).iter().map(|n| n.to_string()).collect();
            expected.push(MARKER.to_owned());
            expected.sort();
            if names == expected {
                for name in set_of(tag) {
                    let text = fs::read_to_string(out.join(name)).unwrap();
                    assert_eq!(text, content(tag, name), "{name} of a mixed set");
                }
                return Some(tag);
            }
        }
        panic!("not one complete set: {names:?}");
    }

    fn kept_of(root: &Path) -> &'static str {
        let text = fs::read_to_string(root.join("kept.jsonl")).unwrap();
        ["old", "new", "next"]
            .into_iter()
            .find(|tag| text == content(tag, "kept.jsonl"))
            .unwrap_or_else(|| panic!("kept.jsonl is partial: {} bytes", text.len()))
    }

    #[test]
    fn a_kill_at_any_step_of_the_commit_leaves_one_complete_set() {
        for exchange in [true, false] {
            for &step in STEPS {
                let case = format!("step {step}, exchange {exchange}");
                let root = tempfile::tempdir().unwrap();
                let root = root.path();
                let out = root.join("out");
                assert!(run_child(root, "old", None, exchange), "{case}");
                assert_eq!(set_in(&out), Some("old"), "{case}");

                let finished = run_child(root, "new", Some(step), exchange);
                // The exchange has no step "aside".
                assert_eq!(finished, exchange && step == "aside", "{case}");
                match set_in(&out) {
                    Some(_) => {}
                    // Only between the two renames that stand in for the exchange.
                    None => assert!(!exchange && step == "aside", "{case}: no output"),
                }
                let kept = kept_of(root);
                assert!(kept == "old" || kept == "new", "{case}");

                // The next run's start puts things right and cleans up.
                assert!(run_child(root, "start", None, exchange), "{case}");
                let set = set_in(&out).unwrap_or_else(|| panic!("{case}: no output"));
                let before_swap = ["staging", "staged", "marker", "aside"].contains(&step);
                let expected = if before_swap && !finished {
                    "old"
                } else {
                    "new"
                };
                assert_eq!(set, expected, "{case}");
                assert_eq!(kept_of(root), set, "{case}: kept.jsonl of another run");
                assert_eq!(entries(root), ["kept.jsonl", "out"], "{case}: leftovers");

                assert!(run_child(root, "next", None, exchange), "{case}");
                assert_eq!(set_in(&out), Some("next"), "{case}");
                assert_eq!(kept_of(root), "next", "{case}");
                assert_eq!(entries(root), ["kept.jsonl", "out"], "{case}: leftovers");
            }
        }
    }

    #[test]
    fn writers_create_a_missing_output_directory() {
        let root = tempfile::tempdir().unwrap();
        write_set(root.path(), "new").unwrap();
        assert_eq!(set_in(&root.path().join("out")), Some("new"));
        assert_eq!(entries(root.path()), ["kept.jsonl", "out"]);
    }

    #[test]
    fn a_directory_with_foreign_files_is_refused_and_left_alone() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        fs::create_dir(&out).unwrap();
        fs::write(out.join("documents.jsonl"), "mine").unwrap();
        fs::write(out.join("notes.txt"), "mine too").unwrap();
        let error = write_set(root.path(), "new").unwrap_err();
        assert!(matches!(error, Error::ForeignOutputFile { .. }), "{error}");
        assert_eq!(entries(&out), ["documents.jsonl", "notes.txt"]);
        assert_eq!(entries(root.path()), ["out"]);
    }

    #[test]
    fn hidden_names_carry_exactly_one_run_id() {
        let name = OsStr::new("out");
        let id = run_id();
        assert!(is_hidden_for(&hidden_name(name, &id, ""), name, ""));
        assert!(is_hidden_for(&hidden_name(name, &id, ASIDE), name, ASIDE));
        // A neighbour whose name extends this one's is not taken for it.
        let neighbour = OsStr::new("out.copydesk-x");
        assert!(!is_hidden_for(&hidden_name(neighbour, &id, ""), name, ""));
        assert!(!is_hidden_for(
            OsStr::new(".out.copydesk-.tmp"),
            name,
            ".tmp"
        ));
    }
}
