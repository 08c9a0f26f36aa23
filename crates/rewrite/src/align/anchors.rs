//! Anchors of a gap: words that occur exactly once in each side's range,
//! found with a reusable hash table, and the longest chain of them
//! increasing on both sides.

use std::ops::Range;

/// Occurrences of one word in the two ranges of a gap.
#[derive(Debug, Clone, Copy, Default)]
struct AnchorSlot {
    /// The slot is in use when this is the table's current generation.
    generation: u32,
    hash: u64,
    count_a: u32,
    position_a: usize,
    count_b: u32,
    position_b: usize,
}

/// Finds the anchors of a gap: an open-addressing table from word hash to
/// occurrences, emptied by bumping a generation rather than by clearing, and
/// the buffers of the longest increasing chain, all kept from gap to gap.
#[derive(Debug, Default)]
pub(super) struct AnchorTable {
    slots: Vec<AnchorSlot>,
    /// Slots in use minus one (a power of two minus one).
    mask: usize,
    generation: u32,
    /// The slot of each position of the gap's range in `a`.
    slot_of: Vec<usize>,
    pairs: Vec<(usize, usize)>,
    tails: Vec<usize>,
    parent: Vec<usize>,
    chain: Vec<(usize, usize)>,
}

impl AnchorTable {
    /// An empty table with room for `words` distinct words at half load.
    fn reset(&mut self, words: usize) {
        let capacity = (2 * words).next_power_of_two().max(16);
        if self.slots.len() < capacity || self.generation == u32::MAX {
            self.slots.clear();
            self.slots.resize(capacity, AnchorSlot::default());
            self.generation = 0;
        }
        // Only the first `capacity` slots are used: a small gap after a
        // large one probes a small, cached part of the table.
        self.mask = capacity - 1;
        self.generation += 1;
    }

    /// The slot of `hash`, or the empty slot where it goes (`generation`
    /// not current).
    fn slot(&mut self, hash: u64) -> &mut AnchorSlot {
        let index = self.slot_index(hash);
        &mut self.slots[index]
    }

    /// The index of [`slot`](Self::slot).
    fn slot_index(&self, hash: u64) -> usize {
        let mask = self.mask;
        // Word hashes are xxh3 values: their low bits are spread already.
        let mut index = hash as usize & mask;
        loop {
            let slot = &self.slots[index];
            if slot.generation != self.generation || slot.hash == hash {
                return index;
            }
            index = (index + 1) & mask;
        }
    }

    /// Positions of words that occur once in `a[ra]` and once in `b[rb]`,
    /// the longest chain increasing on both sides.
    pub(super) fn unique_anchors(
        &mut self,
        a: &[u64],
        b: &[u64],
        ra: Range<usize>,
        rb: Range<usize>,
    ) -> &[(usize, usize)] {
        self.reset(ra.len());
        let generation = self.generation;
        self.slot_of.clear();
        for i in ra.clone() {
            let index = self.slot_index(a[i]);
            self.slot_of.push(index);
            let slot = &mut self.slots[index];
            if slot.generation != generation {
                *slot = AnchorSlot {
                    generation,
                    hash: a[i],
                    count_a: 0,
                    position_a: i,
                    count_b: 0,
                    position_b: 0,
                };
            }
            slot.count_a += 1;
        }
        for j in rb {
            let slot = self.slot(b[j]);
            if slot.generation == generation {
                slot.count_b += 1;
                slot.position_b = j;
            }
        }
        let mut pairs = std::mem::take(&mut self.pairs);
        pairs.clear();
        // Each position of `a` remembers its slot: no second probe.
        for (i, &index) in ra.zip(&self.slot_of) {
            let slot = &self.slots[index];
            if slot.count_a == 1 && slot.count_b == 1 && slot.position_a == i {
                pairs.push((i, slot.position_b));
            }
        }
        longest_increasing_into(&pairs, &mut self.tails, &mut self.parent, &mut self.chain);
        self.pairs = pairs;
        &self.chain
    }
}

/// Longest subsequence of `pairs` (increasing in `.0`) also increasing in `.1`
/// (patience sorting, O(k log k)).
#[cfg(test)]
fn longest_increasing(pairs: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut chain = Vec::new();
    longest_increasing_into(pairs, &mut Vec::new(), &mut Vec::new(), &mut chain);
    chain
}

/// [`longest_increasing`] into `chain`, with `tails` and `parent` as work buffers.
fn longest_increasing_into(
    pairs: &[(usize, usize)],
    tails: &mut Vec<usize>,
    parent: &mut Vec<usize>,
    chain: &mut Vec<(usize, usize)>,
) {
    // tails[length - 1]: index into pairs of the smallest tail of a chain of that length.
    tails.clear();
    parent.clear();
    parent.resize(pairs.len(), usize::MAX);
    for (index, &(_, j)) in pairs.iter().enumerate() {
        // Anchors of near-copies come mostly in order: extending the longest
        // chain needs no search.
        let length = match tails.last() {
            Some(&last) if pairs[last].1 < j => tails.len(),
            _ => tails.partition_point(|&t| pairs[t].1 < j),
        };
        if length > 0 {
            parent[index] = tails[length - 1];
        }
        if length == tails.len() {
            tails.push(index);
        } else {
            tails[length] = index;
        }
    }
    chain.clear();
    let mut at = tails.last().copied().unwrap_or(usize::MAX);
    while at != usize::MAX {
        chain.push(pairs[at]);
        at = parent[at];
    }
    chain.reverse();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_increasing_chain() {
        let pairs = [(0, 5), (1, 1), (2, 2), (3, 0), (4, 3), (5, 9), (6, 4)];
        assert_eq!(longest_increasing(&pairs), [(1, 1), (2, 2), (4, 3), (6, 4)]);
        assert!(longest_increasing(&[]).is_empty());
    }
}
