//! The edit script of two word sequences: the greedy pass for
//! near-copies, the split of gaps at anchors, and the weighted edit
//! distance between anchors, with the costs they share.

use super::anchors::AnchorTable;
use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Op {
    Match,
    Substitute,
    Insert,
    Delete,
}

/// `len` operations `op` in a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Run {
    pub(super) op: Op,
    pub(super) len: u32,
}

/// An edit script as runs of one operation: near-copies are long runs of
/// matches, which cost one step each to emit and to cut into edits.
#[derive(Debug, Default)]
pub(super) struct Script {
    pub(super) runs: Vec<Run>,
}

impl Script {
    fn clear(&mut self) {
        self.runs.clear();
    }

    fn push(&mut self, op: Op, len: usize) {
        if len == 0 {
            return;
        }
        let len = u32::try_from(len).unwrap_or(u32::MAX);
        match self.runs.last_mut() {
            Some(last) if last.op == op => last.len = last.len.saturating_add(len),
            _ => self.runs.push(Run { op, len }),
        }
    }
}

#[derive(Debug)]
enum Task {
    Range(Range<usize>, Range<usize>),
    Match,
}

/// Work buffers of [`edit_script`].
#[derive(Debug, Default)]
pub(super) struct ScriptWork {
    /// The edit distance table.
    table: Vec<u32>,
    /// The edit distance's script, built backwards.
    backwards: Vec<Op>,
    stack: Vec<Task>,
    anchors: AnchorTable,
}

/// Gaps up to this many cells (words × words) are aligned by edit distance
/// without looking for anchors.
const SMALL_GAP_CELLS: usize = 256;

/// Largest skip, in words on either side, the greedy pass resynchronizes over.
const GREEDY_REACH: usize = 4;

/// Every skip the greedy pass may take (words skipped in `a`, in `b`),
/// cheapest first, ties in the order `(skip_a, skip_b)`: the first that
/// resynchronizes is the cheapest that does.
const GREEDY_SKIPS: [(usize, usize); (GREEDY_REACH + 1) * (GREEDY_REACH + 1) - 1] = {
    let mut skips = [(0, 0); (GREEDY_REACH + 1) * (GREEDY_REACH + 1) - 1];
    let mut count = 0;
    let mut skip_a = 0;
    while skip_a <= GREEDY_REACH {
        let mut skip_b = 0;
        while skip_b <= GREEDY_REACH {
            if skip_a + skip_b > 0 {
                skips[count] = (skip_a, skip_b);
                count += 1;
            }
            skip_b += 1;
        }
        skip_a += 1;
    }
    // Insertion sort by cost, stable.
    let mut i = 1;
    while i < skips.len() {
        let mut j = i;
        while j > 0 && skip_cost(skips[j - 1]) > skip_cost(skips[j]) {
            let before = skips[j - 1];
            skips[j - 1] = skips[j];
            skips[j] = before;
            j -= 1;
        }
        i += 1;
    }
    skips
};

/// Cost of a greedy skip: substitutions and indels cost as in [`edit_distance`].
const fn skip_cost((skip_a, skip_b): (usize, usize)) -> u32 {
    let substituted = if skip_a < skip_b { skip_a } else { skip_b };
    let unpaired = skip_a + skip_b - 2 * substituted;
    substituted as u32 * SUBSTITUTE_COST + unpaired as u32 * INDEL_COST
}

/// Length of the common prefix of two word sequences.
fn common_prefix(a: &[u64], b: &[u64]) -> usize {
    let n = a.len().min(b.len());
    let mut k = 0;
    // Four words at a time without a branch per word: most of a near-copy
    // is one long match.
    while k + 4 <= n
        && (a[k] ^ b[k]) | (a[k + 1] ^ b[k + 1]) | (a[k + 2] ^ b[k + 2]) | (a[k + 3] ^ b[k + 3])
            == 0
    {
        k += 4;
    }
    while k < n && a[k] == b[k] {
        k += 1;
    }
    k
}

/// A linear pass for near-copies: walk both documents together and, at each
/// mismatch, skip the fewest words (up to [`GREEDY_REACH`] a side) after
/// which two words match again. Appends the script to `script` and returns
/// how many of its operations are not matches; `None` when it loses its way.
/// The script is valid but not always minimal, so it is only kept for
/// documents it finds nearly identical (see [`edit_script`]).
fn greedy_script(a: &[u64], b: &[u64], script: &mut Script) -> Option<usize> {
    let (mut i, mut j) = (0, 0);
    let mut changed = 0;
    let synced = |i: usize, j: usize| {
        a.get(i) == b.get(j)
            && (a.get(i + 1) == b.get(j + 1) || i + 1 >= a.len() || j + 1 >= b.len())
    };
    while i < a.len() && j < b.len() {
        let run = common_prefix(&a[i..], &b[j..]);
        if run > 0 {
            script.push(Op::Match, run);
            i += run;
            j += run;
            continue;
        }
        let &(skip_a, skip_b) = GREEDY_SKIPS.iter().find(|&&(skip_a, skip_b)| {
            i + skip_a <= a.len()
                && j + skip_b <= b.len()
                && ((i + skip_a == a.len() && j + skip_b == b.len())
                    || synced(i + skip_a, j + skip_b))
        })?;
        let substituted = skip_a.min(skip_b);
        script.push(Op::Substitute, substituted);
        script.push(Op::Delete, skip_a - substituted);
        script.push(Op::Insert, skip_b - substituted);
        changed += skip_a.max(skip_b);
        i += skip_a;
        j += skip_b;
    }
    script.push(Op::Delete, a.len() - i);
    script.push(Op::Insert, b.len() - j);
    Some(changed + (a.len() - i) + (b.len() - j))
}

/// The edit script turning `a` into `b`, into `script` (cleared first).
pub(super) fn edit_script(
    a: &[u64],
    b: &[u64],
    max_gap_cells: usize,
    script: &mut Script,
    work: &mut ScriptWork,
) {
    // Near-copies (the bulk of the pairs a corpus of syndicated copies yields)
    // take the linear greedy pass when it leaves nearly everything matched:
    // at one edit in twenty words its skips are the edits a full alignment
    // would find.
    script.clear();
    if let Some(changed) = greedy_script(a, b, script) {
        if changed * 20 <= a.len() + b.len() {
            return;
        }
    }
    script.clear();
    // An explicit stack instead of recursion: a 40 MB document must not
    // overflow the call stack however its anchors fall.
    let stack = &mut work.stack;
    stack.clear();
    stack.push(Task::Range(0..a.len(), 0..b.len()));
    while let Some(task) = stack.pop() {
        let (ra, rb) = match task {
            Task::Match => {
                script.push(Op::Match, 1);
                continue;
            }
            Task::Range(ra, rb) => (ra, rb),
        };
        let prefix = common_prefix(&a[ra.clone()], &b[rb.clone()]);
        let (ra, rb) = (ra.start + prefix..ra.end, rb.start + prefix..rb.end);
        script.push(Op::Match, prefix);
        let suffix = ra
            .clone()
            .rev()
            .zip(rb.clone().rev())
            .take_while(|&(i, j)| a[i] == b[j])
            .count();
        let (ra, rb) = (ra.start..ra.end - suffix, rb.start..rb.end - suffix);
        // The suffix is emitted after the middle: push it first.
        for _ in 0..suffix {
            stack.push(Task::Match);
        }
        if ra.is_empty() || rb.is_empty() {
            script.push(Op::Delete, ra.len());
            script.push(Op::Insert, rb.len());
            continue;
        }
        let cells = ra.len().saturating_mul(rb.len());
        // Small gaps go straight to the edit distance; larger ones are split
        // at anchors first even when the table would fit, since near-copies
        // have a few scattered edits and anchors cut them into tiny gaps.
        if cells <= SMALL_GAP_CELLS.min(max_gap_cells) {
            edit_distance(&a[ra], &b[rb], &mut work.table, &mut work.backwards, script);
            continue;
        }
        let anchors = work.anchors.unique_anchors(a, b, ra.clone(), rb.clone());
        if anchors.is_empty() && cells <= max_gap_cells {
            edit_distance(&a[ra], &b[rb], &mut work.table, &mut work.backwards, script);
            continue;
        }
        if anchors.is_empty() {
            // Nothing to hold on to in a large gap: align it as one block
            // rather than spend quadratic time on text that does not match.
            let common = ra.len().min(rb.len());
            script.push(Op::Substitute, common);
            script.push(Op::Delete, ra.len() - common);
            script.push(Op::Insert, rb.len() - common);
            continue;
        }
        // Push in reverse so the ranges come off the stack in text order.
        let mut next = (ra.end, rb.end);
        for &(i, j) in anchors.iter().rev() {
            stack.push(Task::Range(i + 1..next.0, j + 1..next.1));
            stack.push(Task::Match);
            next = (i, j);
        }
        stack.push(Task::Range(ra.start..next.0, rb.start..next.1));
    }
}

/// Cost of inserting or deleting a word.
const INDEL_COST: u32 = 10;
/// Cost of substituting a word: less than a deletion plus an insertion, so a
/// one-for-one swap is a substitution, but more than one indel, so the script
/// never gives up a matching word (a shared number, a shared name) to
/// substitute its neighbours instead.
const SUBSTITUTE_COST: u32 = 19;

/// Word-level weighted edit distance; appends the script to `script`
/// (`table` and `backwards` are work buffers).
fn edit_distance(
    a: &[u64],
    b: &[u64],
    table: &mut Vec<u32>,
    backwards: &mut Vec<Op>,
    script: &mut Script,
) {
    let (n, m) = (a.len(), b.len());
    let width = m + 1;
    table.clear();
    table.resize((n + 1) * width, 0);
    for (j, cell) in table.iter_mut().take(m + 1).enumerate() {
        *cell = j as u32 * INDEL_COST;
    }
    let substitution = |x: u64, y: u64| if x == y { 0 } else { SUBSTITUTE_COST };
    for i in 1..=n {
        table[i * width] = i as u32 * INDEL_COST;
        for j in 1..=m {
            let diagonal = table[(i - 1) * width + j - 1] + substitution(a[i - 1], b[j - 1]);
            let up = table[(i - 1) * width + j] + INDEL_COST;
            let left = table[i * width + j - 1] + INDEL_COST;
            table[i * width + j] = diagonal.min(up).min(left);
        }
    }
    backwards.clear();
    let (mut i, mut j) = (n, m);
    while i > 0 || j > 0 {
        let here = table[i * width + j];
        if i > 0 && j > 0 {
            let same = a[i - 1] == b[j - 1];
            if table[(i - 1) * width + j - 1] + substitution(a[i - 1], b[j - 1]) == here {
                backwards.push(if same { Op::Match } else { Op::Substitute });
                i -= 1;
                j -= 1;
                continue;
            }
        }
        if i > 0 && table[(i - 1) * width + j] + INDEL_COST == here {
            backwards.push(Op::Delete);
            i -= 1;
        } else {
            backwards.push(Op::Insert);
            j -= 1;
        }
    }
    for &op in backwards.iter().rev() {
        script.push(op, 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greedy_skips_come_cheapest_first_then_in_order() {
        let mut expected: Vec<(usize, usize)> = (0..=GREEDY_REACH)
            .flat_map(|skip_a| (0..=GREEDY_REACH).map(move |skip_b| (skip_a, skip_b)))
            .filter(|&(skip_a, skip_b)| skip_a + skip_b > 0)
            .collect();
        expected.sort_by_key(|&skip| skip_cost(skip));
        assert_eq!(GREEDY_SKIPS.to_vec(), expected);
        assert_eq!(GREEDY_SKIPS[..3], [(0, 1), (1, 0), (1, 1)]);
    }

    #[test]
    fn common_prefix_of_word_sequences() {
        let a: Vec<u64> = (0..11).collect();
        for cut in 0..11 {
            let mut b = a.clone();
            b[cut] = 99;
            assert_eq!(common_prefix(&a, &b), cut);
            assert_eq!(common_prefix(&a[..cut], &b), cut);
        }
        assert_eq!(common_prefix(&a, &a), 11);
        assert_eq!(common_prefix(&[], &a), 0);
    }
}
