//! What the tests (and builds with the `fault-injection` feature) can ask of
//! a commit through the environment: stop dead at a named step, or do
//! without the exchange. In other builds neither reads the environment.

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
pub(super) fn exchange_disabled() -> bool {
    std::env::var_os("COPYDESK_NO_EXCHANGE").is_some()
}

#[cfg(not(any(test, feature = "fault-injection")))]
pub(super) fn exchange_disabled() -> bool {
    false
}
