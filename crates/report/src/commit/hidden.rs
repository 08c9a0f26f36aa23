//! The hidden names a run stages under, `.NAME.copydesk-ID` plus a suffix,
//! and the test for them: a name is taken for a run's only when its id is
//! one [`run_id`] could have made, so that no other file is mistaken for a
//! leftover.

use super::INFIX;
use std::ffi::{OsStr, OsString};

pub(super) fn hidden_name(name: &OsStr, id: &str, suffix: &str) -> OsString {
    let mut hidden = OsString::from(".");
    hidden.push(name);
    hidden.push(INFIX);
    hidden.push(id);
    hidden.push(suffix);
    hidden
}

/// Whether `entry` is one of the hidden names made for `name`.
pub(super) fn is_hidden_for(entry: &OsStr, name: &OsStr, suffix: &str) -> bool {
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
pub(super) fn run_id() -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commit::ASIDE;

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
