//! Opening an input as a stream of bytes: gzip and zstd are recognised by
//! their magic bytes whatever the file is called, and progress counts the
//! bytes as stored (compressed), as [`input_size`] does.

use crate::discover::Input;
#[cfg(doc)]
use crate::read::input_size;
use copydesk_common::progress::Progress;
use copydesk_common::{Error, Result};
use std::fs::File;
use std::io::{self, Read};
use std::path::PathBuf;

/// Wrap a reader in a decompressor chosen by its magic bytes (gzip, zstd or none).
fn decompressing<'a>(
    mut reader: Box<dyn Read + Send + 'a>,
) -> io::Result<Box<dyn Read + Send + 'a>> {
    let mut magic = [0u8; 4];
    let mut filled = 0;
    while filled < magic.len() {
        let n = reader.read(&mut magic[filled..])?;
        if n == 0 {
            break;
        }
        filled += n;
    }
    let head = io::Cursor::new(magic[..filled].to_vec());
    let whole: Box<dyn Read + Send + 'a> = Box::new(head.chain(reader));
    if filled >= 2 && magic[0] == 0x1f && magic[1] == 0x8b {
        Ok(Box::new(flate2::read::MultiGzDecoder::new(whole)))
    } else if filled == 4 && magic == [0x28, 0xb5, 0x2f, 0xfd] {
        Ok(Box::new(zstd::stream::read::Decoder::new(whole)?))
    } else {
        Ok(whole)
    }
}

/// Counts bytes as they come off the file, before decompression, so progress
/// matches [`input_size`] whatever the compression.
struct Counted<'a, R> {
    inner: R,
    progress: &'a dyn Progress,
}

impl<R: Read> Read for Counted<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.advance(n as u64);
        Ok(n)
    }
}

pub(crate) fn open<'a>(
    input: &Input,
    progress: &'a dyn Progress,
) -> Result<Box<dyn Read + Send + 'a>> {
    let path = PathBuf::from(input.display());
    let raw: Box<dyn Read + Send> = match input {
        Input::Stdin => Box::new(io::stdin()),
        Input::Path(p) => Box::new(File::open(p).map_err(|source| Error::Read {
            path: p.clone(),
            source,
        })?),
    };
    let counted = Box::new(Counted {
        inner: raw,
        progress,
    });
    decompressing(counted).map_err(|source| Error::Read { path, source })
}
