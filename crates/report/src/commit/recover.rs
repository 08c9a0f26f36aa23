//! Putting right what killed runs left, before a run writes anything: the
//! renames a swapped-in set still had pending are finished, an old set
//! moved aside is put back, and leftover staging directories and old sets
//! are removed. Only what no live run holds the lock of is touched.

use super::hidden::is_hidden_for;
use super::os::try_lock;
use super::{read_marker, ASIDE};
use std::ffi::OsStr;
use std::fs::{self, File};
use std::path::Path;

/// Whether a leftover at `path` is free to remove: it exists and no live run
/// holds its lock.
pub(super) fn unlocked(path: &Path) -> bool {
    File::open(path).is_ok_and(|file| try_lock(&file))
}

/// Finish the renames of files outside `target` that a killed run left
/// pending after its swap.
pub(super) fn finish_pending(target: &Path) {
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
pub(super) fn restore_aside(parent: &Path, name: &OsStr, target: &Path) {
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
pub(super) fn remove_leftovers(parent: &Path, name: &OsStr) {
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
