//! Accepting records into a [`Corpus`], one at a time in input order: a
//! document whose id an earlier document already has is rejected, naming
//! where the first was, and every rejected record either stops the read or,
//! with [`ReadOptions::skip_invalid`], is kept in [`Corpus::rejected`].

use crate::document::{Corpus, Document, Rejected};
use crate::options::ReadOptions;
use copydesk_common::{Error, RejectReason, Result};
use copydesk_text::HashKeyed;
use std::collections::HashMap;
use xxhash_rust::xxh3::xxh3_64;

/// The accepted document of each id, to reject duplicate ids.
///
/// Keyed by the id's xxh3 hash, so that accepting a record neither hashes
/// nor copies its id string more than once; the rare ids whose hash another
/// accepted id already holds go into `collided` by their full string.
#[derive(Default)]
pub(crate) struct SeenIds {
    pub(crate) by_hash: HashKeyed<usize>,
    collided: HashMap<String, usize>,
}

impl SeenIds {
    /// The index of the accepted document with this id.
    fn get(&self, id: &str, documents: &[Document]) -> Option<usize> {
        match self.by_hash.get(&xxh3_64(id.as_bytes())) {
            None => None,
            Some(&index) if documents[index].id == id => Some(index),
            Some(_) => self.collided.get(id).copied(),
        }
    }

    /// Record that `documents[index]` (not yet pushed) has this id, which
    /// [`get`](SeenIds::get) has just not found.
    fn insert(&mut self, id: &str, index: usize) {
        match self.by_hash.entry(xxh3_64(id.as_bytes())) {
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(index);
            }
            std::collections::hash_map::Entry::Occupied(_) => {
                self.collided.insert(id.to_owned(), index);
            }
        }
    }
}

pub(crate) fn accept(
    record: std::result::Result<Document, Rejected>,
    options: &ReadOptions,
    corpus: &mut Corpus,
    seen_ids: &mut SeenIds,
) -> Result<()> {
    corpus.records_read += 1;
    let rejected = match record {
        Ok(doc) => match seen_ids.get(&doc.id, &corpus.documents) {
            None => {
                seen_ids.insert(&doc.id, corpus.documents.len());
                corpus.documents.push(doc);
                return Ok(());
            }
            Some(first) => Rejected {
                reason: RejectReason::DuplicateId {
                    id: doc.id.clone(),
                    first: corpus.documents[first].location.clone(),
                },
                location: doc.location,
            },
        },
        Err(rejected) => rejected,
    };
    if options.skip_invalid {
        corpus.rejected.push(rejected);
        Ok(())
    } else {
        Err(Error::InvalidRecord {
            location: rejected.location,
            reason: rejected.reason,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use copydesk_common::Location;

    #[test]
    fn ids_whose_hashes_collide_are_told_apart() {
        let doc = |id: &str| Document {
            id: id.to_owned(),
            text: String::new(),
            date: None,
            location: Location {
                file: "t".into(),
                line: 1,
                row_group: None,
            },
            raw: None,
            carry: Vec::new(),
        };
        let mut documents = vec![doc("a")];
        let mut seen = SeenIds::default();
        seen.insert("a", 0);
        // Make "b" collide with "a", as a real xxh3 collision would.
        seen.by_hash.insert(xxh3_64(b"b"), 0);
        assert_eq!(seen.get("a", &documents), Some(0));
        assert_eq!(seen.get("b", &documents), None);
        seen.insert("b", 1);
        documents.push(doc("b"));
        assert_eq!(seen.get("b", &documents), Some(1));
        assert_eq!(seen.get("c", &documents), None);
    }
}
