//! spaCy's tokenizer exceptions: texts it cuts into fixed pieces (`don't`,
//! `Inc.`, `U.S.`), dumped from spaCy into `datatrove_exceptions.tsv` and
//! parsed once on first use.

use std::collections::HashMap;
use std::sync::OnceLock;

/// Byte lengths of the pieces spaCy cuts an exception into, keyed by its text.
fn exceptions() -> &'static HashMap<&'static str, Vec<usize>> {
    static TABLE: OnceLock<HashMap<&'static str, Vec<usize>>> = OnceLock::new();
    TABLE.get_or_init(|| {
        include_str!("../datatrove_exceptions.tsv")
            .lines()
            .filter_map(|line| {
                let (key, pieces) = line.split_once('\t')?;
                Some((key, pieces.split(' ').map(str::len).collect()))
            })
            .collect()
    })
}

pub(super) fn exception(text: &str) -> Option<&'static [usize]> {
    exceptions().get(text).map(Vec::as_slice)
}
