//! Reading a JSON Lines input: one thread cuts the input into batches of
//! whole lines, up to 8 MiB unless a single line is longer, while the thread
//! pool parses the batch before. Records are handed on batch by batch in
//! input order, each located by its line number (blank lines count).

use crate::decompress::open;
use crate::discover::Input;
use crate::document::Record;
use crate::options::ReadOptions;
use crate::record::parse_line;
use copydesk_common::progress::Progress;
use copydesk_common::{Error, Result};
use rayon::prelude::*;
use std::io::{self, Read};
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, SyncSender};

const BATCH_BYTES: usize = 8 << 20;

/// Read a JSONL input, handing its records to `accept` batch by batch in
/// input order; `bytes_read` counts the (decompressed) bytes.
pub(crate) fn read_jsonl(
    input: &Input,
    name: &std::sync::Arc<str>,
    options: &ReadOptions,
    progress: &dyn Progress,
    bytes_read: &mut u64,
    accept: &mut (dyn FnMut(Vec<Record>) -> Result<()> + Send),
) -> Result<()> {
    let read_error = |source| Error::Read {
        path: PathBuf::from(&**name),
        source,
    };
    let reader = open(input, progress)?;
    // One thread reads and cuts batches at line ends while the pool parses
    // the previous batch: reading (a copy from the page cache, or
    // decompression) is serial, parsing is not.
    std::thread::scope(|scope| {
        let (batches, received) = std::sync::mpsc::sync_channel::<Vec<u8>>(1);
        // Parsed batches go back to the reader: fresh buffers would cost a
        // page fault per 4 KiB.
        let (recycle, recycled) = std::sync::mpsc::channel::<Vec<u8>>();
        let reading = scope.spawn(move || read_batches(reader, &batches, &recycled));
        let mut pending: Vec<Record> = Vec::new();
        let mut next_line: u64 = 1;
        for batch in received {
            let mut lines: Vec<(u64, &[u8])> = Vec::new();
            let mut start = 0;
            while start < batch.len() {
                let end = memchr::memchr(b'\n', &batch[start..]).map_or(batch.len(), |i| start + i);
                lines.push((next_line, &batch[start..end]));
                next_line += 1;
                start = end + 1;
            }
            *bytes_read += batch.len() as u64;
            // The previous batch is accepted (a serial pass: ids, order)
            // while this one is parsed.
            let previous = std::mem::take(&mut pending);
            let (accepted, parsed) = rayon::join(
                || accept(previous),
                || {
                    lines
                        .par_iter()
                        .map(|&(line, bytes)| parse_line(bytes, name, line, options))
                        .collect::<Vec<Option<Record>>>()
                },
            );
            accepted?;
            pending = parsed.into_iter().flatten().collect();
            drop(lines);
            // The reader may be done already; the buffer is then just freed.
            let _ = recycle.send(batch);
        }
        accept(pending)?;
        match reading.join() {
            Ok(result) => result.map_err(read_error),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

/// Send `reader`'s bytes in batches of whole lines (the last batch may end
/// without a newline); stops early when the receiver is gone.
fn read_batches(
    mut reader: impl Read,
    batches: &SyncSender<Vec<u8>>,
    recycled: &Receiver<Vec<u8>>,
) -> io::Result<()> {
    let mut buf = vec![0u8; BATCH_BYTES];
    let mut filled = 0;
    // Bytes to hold before cutting a batch; doubled while a single line is longer.
    let mut wanted = BATCH_BYTES;
    loop {
        let mut eof = false;
        while filled < wanted {
            if buf.len() < wanted {
                buf.resize(wanted, 0);
            }
            match reader.read(&mut buf[filled..wanted]) {
                Ok(0) => {
                    eof = true;
                    break;
                }
                Ok(n) => filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        let cut = if eof {
            filled
        } else {
            match memchr::memrchr(b'\n', &buf[..filled]) {
                Some(i) => i + 1,
                // A line longer than the batch: keep reading until it ends.
                None => {
                    wanted = filled.saturating_mul(2);
                    continue;
                }
            }
        };
        let mut next = recycled.try_recv().unwrap_or_default();
        next.resize(BATCH_BYTES.max(filled - cut), 0);
        next[..filled - cut].copy_from_slice(&buf[cut..filled]);
        buf.truncate(cut);
        if cut > 0 && batches.send(buf).is_err() {
            return Ok(());
        }
        if eof {
            return Ok(());
        }
        filled -= cut;
        buf = next;
        wanted = BATCH_BYTES;
    }
}
