//! What rewrite linking keeps of a pair: its similarity, likely source and
//! edits as byte ranges.

use crate::{AlignInput, Edit, EditOp, WordEdit};

/// What rewrite linking adds to a kept pair.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PairDetail {
    /// Alignment similarity (Dice share of aligned words).
    pub similarity: f64,
    /// Index of the likely source document, for copy relations (not
    /// `partial`) when dates or replaced words tell.
    pub source: Option<u32>,
    /// The edits turning `a` into `b`, without their texts (slice the
    /// documents' texts with [`EditSpans::edit`]): a corpus of near-copies has
    /// millions of edits.
    pub edits: Vec<EditSpans>,
}

impl PairDetail {
    /// The same alignment read from the other side (`b` against `a`): ranges
    /// swap, and inserts become deletes and deletes inserts.
    pub fn turn_around(&mut self) {
        for edit in &mut self.edits {
            (edit.a, edit.b) = (edit.b, edit.a);
            edit.op = match edit.op {
                EditOp::Replace => EditOp::Replace,
                EditOp::Insert => EditOp::Delete,
                EditOp::Delete => EditOp::Insert,
            };
        }
    }
}

/// An [`Edit`] without its texts: byte ranges into the two documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EditSpans {
    /// What changed.
    pub op: EditOp,
    /// Byte range in document `a`.
    pub a: [u32; 2],
    /// Byte range in document `b`.
    pub b: [u32; 2],
}

impl EditSpans {
    pub(super) fn of(edit: &WordEdit, a: &AlignInput, b: &AlignInput) -> EditSpans {
        let narrow = |r: [usize; 2]| r.map(|x| u32::try_from(x).unwrap_or(u32::MAX));
        let (a_range, b_range) = edit.byte_ranges(a, b);
        EditSpans {
            op: edit.op,
            a: narrow(a_range),
            b: narrow(b_range),
        }
    }

    /// The full edit, with its texts sliced from the two documents' texts.
    pub fn edit(&self, a_text: &str, b_text: &str) -> Edit {
        let (a, b) = (self.a.map(|x| x as usize), self.b.map(|x| x as usize));
        Edit {
            op: self.op,
            a,
            b,
            a_text: a_text.get(a[0]..a[1]).unwrap_or("").to_owned(),
            b_text: b_text.get(b[0]..b[1]).unwrap_or("").to_owned(),
            a_words: [0, 0],
            b_words: [0, 0],
        }
    }

    /// The texts of the edit's two ranges.
    pub fn texts<'t>(&self, a_text: &'t str, b_text: &'t str) -> (&'t str, &'t str) {
        (
            a_text
                .get(self.a[0] as usize..self.a[1] as usize)
                .unwrap_or(""),
            b_text
                .get(self.b[0] as usize..self.b[1] as usize)
                .unwrap_or(""),
        )
    }
}
