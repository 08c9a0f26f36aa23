//! Cutting an edit script into word edits (replacements, insertions,
//! deletions) and counting the matched words, numbers and value words
//! along the way.

use super::script::{Op, Run};
use super::values::is_value_hash;
use super::{is_number, AlignInput, WordEdit};
use crate::immutables::{in_name_phrase, FunctionWords};
use crate::EditOp;

/// Largest number of words on one side of a replace edit.
const MAX_REPLACE_WORDS: u32 = 3;
/// Largest number of words on one side of a replaced name phrase
/// ("U.S." → "United States of America" is one edit).
const MAX_NAME_WORDS: u32 = 8;

#[derive(Debug, Clone, Copy)]
struct Pending {
    a: [u32; 2],
    b: [u32; 2],
    substitutions: u32,
}

impl Pending {
    fn a_len(&self) -> u32 {
        self.a[1] - self.a[0]
    }
    fn b_len(&self) -> u32 {
        self.b[1] - self.b[0]
    }
    /// Can `op` join this edit? Substitutions start a new edit unless the
    /// edit holds only insertions or deletions so far (so a one-for-two swap
    /// is one edit); replacements stay within three words a side; runs of
    /// pure insertions or deletions of one kind have no limit. A name phrase
    /// swapped for another (`continues_name`) stays one edit.
    fn accepts(&self, op: Op, continues_name: bool) -> bool {
        let (grow_a, grow_b) = match op {
            Op::Substitute => (1, 1),
            Op::Delete => (1, 0),
            Op::Insert => (0, 1),
            Op::Match => return false,
        };
        if continues_name {
            return self.a_len() + grow_a <= MAX_NAME_WORDS
                && self.b_len() + grow_b <= MAX_NAME_WORDS;
        }
        let pure = self.substitutions == 0;
        if op == Op::Substitute && !pure {
            return false;
        }
        if pure && op != Op::Substitute && (self.a_len() == 0 || self.b_len() == 0) {
            let same_kind =
                (op == Op::Delete && self.b_len() == 0) || (op == Op::Insert && self.a_len() == 0);
            if same_kind {
                return true;
            }
        }
        self.a_len() + grow_a <= MAX_REPLACE_WORDS && self.b_len() + grow_b <= MAX_REPLACE_WORDS
    }
}

impl Pending {
    fn finish(self) -> WordEdit {
        WordEdit {
            op: match (self.a_len(), self.b_len()) {
                (0, _) => EditOp::Insert,
                (_, 0) => EditOp::Delete,
                _ => EditOp::Replace,
            },
            a_words: self.a,
            b_words: self.b,
        }
    }
}

pub(super) struct Side<'t> {
    pub(super) input: AlignInput<'t>,
    pub(super) function_words: &'t FunctionWords,
}

impl Side<'_> {
    fn in_name(&self, index: u32) -> bool {
        in_name_phrase(
            self.input.words(),
            self.input.text,
            self.function_words,
            index as usize,
        )
    }

    fn is_number(&self, index: u32) -> bool {
        is_number(self.input.text, self.input.starts[index as usize])
    }

    fn is_value(&self, index: u32) -> u32 {
        u32::from(is_value_hash(self.input.hashes[index as usize]))
    }
}

/// What the alignment counts while cutting the script into edits.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct ScriptCounts {
    /// Matched words.
    pub(super) matched: u32,
    /// Numbers of `a` substituted or deleted.
    pub(super) unmatched_a_numbers: u32,
    /// Value words, on both sides, substituted, deleted or inserted.
    pub(super) unmatched_values: u32,
}

/// Cut the script into edits (into `edits`, cleared first) and count what
/// the similarity and the number agreement need, in one pass: value words
/// and numbers are looked at only where the texts differ, edits are few.
pub(super) fn edits_from_script(
    runs: &[Run],
    a: &Side,
    b: &Side,
    edits: &mut Vec<WordEdit>,
) -> ScriptCounts {
    edits.clear();
    let mut counts = ScriptCounts::default();
    let (mut ia, mut ib) = (0u32, 0u32);
    let mut pending: Option<Pending> = None;
    for &Run { op, len } in runs {
        if op == Op::Match {
            if let Some(done) = pending.take() {
                edits.push(done.finish());
            }
            counts.matched += len;
            ia += len;
            ib += len;
            continue;
        }
        for _ in 0..len {
            pending = Some(extend_edit(op, pending, [ia, ib], a, b, &mut counts, edits));
            if op != Op::Insert {
                ia += 1;
            }
            if op != Op::Delete {
                ib += 1;
            }
        }
    }
    if let Some(done) = pending {
        edits.push(done.finish());
    }
    counts
}

/// Add one substitution, deletion or insertion at word `at` (of `a`, of `b`)
/// to the pending edit, or close that edit and start a new one; counts what
/// the op consumes.
fn extend_edit(
    op: Op,
    pending: Option<Pending>,
    at: [u32; 2],
    a: &Side,
    b: &Side,
    counts: &mut ScriptCounts,
    edits: &mut Vec<WordEdit>,
) -> Pending {
    let [ia, ib] = at;
    match op {
        Op::Substitute => {
            counts.unmatched_values += a.is_value(ia) + b.is_value(ib);
            counts.unmatched_a_numbers += u32::from(a.is_number(ia));
        }
        Op::Delete => {
            counts.unmatched_values += a.is_value(ia);
            counts.unmatched_a_numbers += u32::from(a.is_number(ia));
        }
        Op::Insert => counts.unmatched_values += b.is_value(ib),
        Op::Match => {}
    }
    // Whether the op joins the pending edit: by the name rule when it
    // continues a name phrase (on a side it consumes a word of, that word
    // and the edit's last word there are both in names), by the plain rules
    // otherwise. Telling names classifies words and their neighbours, so it
    // is done only where the two rules disagree.
    let joins = pending.is_some_and(|p| {
        let (plain, as_name) = (p.accepts(op, false), p.accepts(op, true));
        if plain == as_name {
            return plain;
        }
        let on_a = op != Op::Insert && p.a_len() > 0 && a.in_name(ia) && a.in_name(p.a[1] - 1);
        let on_b = op != Op::Delete && p.b_len() > 0 && b.in_name(ib) && b.in_name(p.b[1] - 1);
        if on_a || on_b {
            as_name
        } else {
            plain
        }
    });
    let current = match pending {
        Some(current) if joins => current,
        other => {
            if let Some(done) = other {
                edits.push(done.finish());
            }
            Pending {
                a: [ia, ia],
                b: [ib, ib],
                substitutions: 0,
            }
        }
    };
    let mut next = current;
    match op {
        Op::Substitute => {
            next.a[1] += 1;
            next.b[1] += 1;
            next.substitutions += 1;
        }
        Op::Delete => next.a[1] += 1,
        Op::Insert => next.b[1] += 1,
        Op::Match => {}
    }
    next
}
