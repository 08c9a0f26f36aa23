//! The system calls a commit stands on: advisory locks (`flock(2)`), and on
//! Linux `renameat2(2)`, to swap two directories in one step or rename
//! without replacing. Where the system lacks one, the functions say so rather
//! than fail: without locks every file counts as unlocked, and without
//! `renameat2` the exchange is reported unavailable.

use super::hooks::exchange_disabled;
use std::fs::{self, File};
use std::io;
use std::path::Path;

/// Take the advisory lock of `file` without waiting; false when another
/// process holds it. A file system without locks counts as unlocked.
#[cfg(unix)]
pub(super) fn try_lock(file: &File) -> bool {
    use std::os::unix::io::AsRawFd;
    // SAFETY: flock only reads the descriptor, which `file` keeps open.
    let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    rc == 0 || io::Error::last_os_error().raw_os_error() != Some(libc::EWOULDBLOCK)
}

#[cfg(not(unix))]
pub(super) fn try_lock(_file: &File) -> bool {
    true
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
pub(super) fn exchange(a: &Path, b: &Path) -> Option<io::Result<()>> {
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
pub(super) fn rename_new(from: &Path, to: &Path) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    if let Some(done) = renameat2(from, to, libc::RENAME_NOREPLACE) {
        return done;
    }
    fs::rename(from, to)
}
