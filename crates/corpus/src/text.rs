//! Plain-text inputs: a whole file is one document, its id the file's path
//! under the directory input (or its name when named itself). A file that is
//! not UTF-8 is one rejected record, located at the line and byte where it
//! stops being UTF-8.

use crate::decompress::open;
use crate::discover::Input;
use crate::document::{Corpus, Document, Record, Rejected};
use copydesk_common::progress::Progress;
use copydesk_common::{Error, Location, RejectReason, Result};
use std::io::Read;
use std::path::{Path, PathBuf};

/// A text file's id: its path relative to the directory input it was found
/// in, components joined by `/` (its file name when found at the top), or
/// its file name when it was named as an input itself.
pub(crate) fn text_id(file: &Input, directory: Option<&Path>) -> String {
    let path = match file {
        Input::Path(p) => p,
        Input::Stdin => return "-".to_owned(),
    };
    let relative = directory
        .and_then(|d| path.strip_prefix(d).ok())
        .filter(|r| !r.as_os_str().is_empty());
    match relative {
        Some(relative) => relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
        None => path
            .file_name()
            .map_or_else(|| file.display(), |n| n.to_string_lossy().into_owned()),
    }
}

pub(crate) fn read_text_file(
    input: &Input,
    name: &std::sync::Arc<str>,
    id: String,
    corpus: &mut Corpus,
    progress: &dyn Progress,
) -> Result<Vec<Record>> {
    let mut bytes = Vec::new();
    open(input, progress)?
        .read_to_end(&mut bytes)
        .map_err(|source| Error::Read {
            path: PathBuf::from(&**name),
            source,
        })?;
    corpus.bytes_read += bytes.len() as u64;
    let record = match String::from_utf8(bytes) {
        Ok(text) => Ok(Document {
            id,
            text,
            date: None,
            location: Location {
                file: name.clone(),
                line: 1,
                row_group: None,
            },
            raw: None,
            carry: Vec::new(),
        }),
        Err(err) => {
            let bad = err.utf8_error().valid_up_to();
            let bytes = err.as_bytes();
            let line = 1 + memchr::memchr_iter(b'\n', &bytes[..bad]).count() as u64;
            let line_start = memchr::memrchr(b'\n', &bytes[..bad]).map_or(0, |i| i + 1);
            Err(Rejected {
                location: Location {
                    file: name.clone(),
                    line,
                    row_group: None,
                },
                reason: RejectReason::InvalidUtf8 {
                    byte: bad - line_start,
                },
            })
        }
    };
    Ok(vec![record])
}
