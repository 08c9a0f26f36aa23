//! Output files written aside and moved into place together.

use crate::commit::{self, LooseFile, OutputDir};
use crate::Timings;
use copydesk_common::{Error, Result};
use std::ffi::OsString;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Output files written aside and moved into place together at
/// [`commit`](StagedOutputs::commit).
///
/// Made with [`in_dir`](StagedOutputs::in_dir), the files of one output
/// directory form a set that replaces the directory's previous set as a
/// whole (see [`commit`]); files elsewhere are each replaced by a rename
/// right after. Dropping a `StagedOutputs` without committing deletes what it
/// wrote.
#[derive(Debug, Default)]
pub struct StagedOutputs {
    dir: Option<OutputDir>,
    /// Names written into the staging directory, in staging order.
    in_dir: Vec<OsString>,
    loose: Vec<LooseFile>,
}

/// Buffer size of output writers: big enough that writes are few and large.
const WRITE_BUFFER: usize = 1 << 20;

/// Where one staged output goes while it is written.
enum Slot {
    InDir(OsString),
    Loose(LooseFile),
}

impl StagedOutputs {
    /// Files that are each replaced by a rename, with no output directory.
    pub fn new() -> StagedOutputs {
        StagedOutputs::default()
    }

    /// A new set of outputs for the directory `dir`, and for the files
    /// `others` (inside `dir` or anywhere else) that the run will also write.
    ///
    /// Everything that can be checked before the work is checked here: `dir`
    /// is a directory or absent with its parent present, it holds only files
    /// of copydesk sets (else [`Error::ForeignOutputFile`]), and a staging
    /// directory can be created next to it and a temporary file next to each
    /// of `others`. What killed runs left is cleaned up first.
    pub fn in_dir(dir: &Path, others: &[&Path]) -> Result<StagedOutputs> {
        let resolved = commit::resolve(dir).ok();
        let allowed: Vec<OsString> = others
            .iter()
            .filter(|path| {
                let parent = commit::parent_of(path);
                parent == dir || resolved.is_some() && commit::resolve(parent).ok() == resolved
            })
            .filter_map(|path| path.file_name().map(|n| n.to_owned()))
            .collect();
        let dir = OutputDir::prepare(dir, &allowed)?;
        for path in others {
            if dir.name_of(path)?.is_none() {
                LooseFile::create(path)?;
            }
        }
        Ok(StagedOutputs {
            dir: Some(dir),
            ..StagedOutputs::default()
        })
    }

    /// The output directory, as named to [`in_dir`](StagedOutputs::in_dir).
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_ref().map(OutputDir::given)
    }

    /// Check before the work that `path` can be written: a temporary file can
    /// be created next to it.
    pub fn probe(path: &Path) -> Result<()> {
        LooseFile::create(path).map(drop)
    }

    fn slot(&mut self, path: &Path) -> Result<Slot> {
        if let Some(dir) = &self.dir {
            if let Some(name) = dir.name_of(path)? {
                return Ok(Slot::InDir(name));
            }
        }
        LooseFile::create(path).map(Slot::Loose)
    }

    fn open(&self, slot: &Slot) -> io::Result<File> {
        match slot {
            Slot::InDir(name) => {
                let dir = self
                    .dir
                    .as_ref()
                    .expect("in-directory slots come with a directory");
                File::create(dir.staged(name))
            }
            Slot::Loose(loose) => loose
                .file
                .as_ref()
                .expect("a loose file is open until persisted")
                .try_clone(),
        }
    }

    fn keep(&mut self, slot: Slot) {
        match slot {
            Slot::InDir(name) => self.in_dir.push(name),
            Slot::Loose(loose) => self.loose.push(loose),
        }
    }

    /// Write the future content of `path` with `write`: into the staging
    /// directory when `path` is in the output directory, else into a
    /// temporary file next to it (so the final rename stays on one file
    /// system). `.gz` and `.zst` names are compressed.
    pub fn stage<F>(&mut self, path: &Path, write: F) -> Result<()>
    where
        F: FnOnce(&mut BufWriter<OutputFile>) -> io::Result<()>,
    {
        let slot = self.slot(path)?;
        let file = self.open(&slot).map_err(write_error(path))?;
        write_file(path, file, write)?;
        self.keep(slot);
        Ok(())
    }

    /// Write several outputs at once, each as [`stage`](StagedOutputs::stage)
    /// does, in parallel. Fails with the first failure in the order given.
    pub fn stage_parallel(&mut self, jobs: Vec<(PathBuf, StageJob<'_>)>) -> Result<()> {
        use rayon::prelude::*;
        let mut slots = Vec::with_capacity(jobs.len());
        let mut work = Vec::with_capacity(jobs.len());
        for (path, job) in jobs {
            let slot = self.slot(&path)?;
            let file = self.open(&slot).map_err(write_error(&path))?;
            slots.push(slot);
            work.push((path, file, job));
        }
        let written: Vec<Result<()>> = work
            .into_par_iter()
            .map(|(path, file, job)| write_file(&path, file, job))
            .collect();
        for (slot, result) in slots.into_iter().zip(written) {
            result?;
            self.keep(slot);
        }
        Ok(())
    }

    /// Stage the summary last, with the `write` stage (from `started` until
    /// now) added to `timings`, then commit; returns the timings the summary
    /// reports.
    pub fn commit_with_summary<F>(
        mut self,
        path: &Path,
        timings: &Timings,
        started: Instant,
        write_summary: F,
    ) -> Result<Timings>
    where
        F: FnOnce(&mut BufWriter<OutputFile>, &Timings) -> io::Result<()>,
    {
        let mut timings = timings.clone();
        timings.record("write", started.elapsed());
        self.stage(path, |w| {
            write_summary(w, &timings)?;
            w.write_all(b"\n")
        })?;
        self.commit()?;
        Ok(timings)
    }

    /// Put every staged file in place, replacing what was there: the
    /// directory's set in one swap, then each file outside it by a rename.
    pub fn commit(mut self) -> Result<()> {
        commit::fault("staged");
        let loose = std::mem::take(&mut self.loose);
        match self.dir.take() {
            Some(dir) => dir.commit(&self.in_dir, loose),
            None => loose.into_iter().try_for_each(LooseFile::persist),
        }
    }
}

/// A writer of one output for [`StagedOutputs::stage_parallel`].
pub type StageJob<'a> = Box<dyn FnOnce(&mut BufWriter<OutputFile>) -> io::Result<()> + Send + 'a>;

fn write_error(path: &Path) -> impl Fn(io::Error) -> Error + '_ {
    move |source| Error::Write {
        path: path.to_path_buf(),
        source,
    }
}

/// A staged output file, compressed as its destination's name says.
pub struct OutputFile(Encoder);

enum Encoder {
    Plain(File),
    Gzip(flate2::write::GzEncoder<File>),
    Zstd(zstd::stream::write::Encoder<'static, File>),
}

impl OutputFile {
    /// `.gz` names get gzip, `.zst` names zstd, others plain bytes.
    fn for_destination(path: &Path, file: File) -> io::Result<OutputFile> {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        Ok(OutputFile(if name.ends_with(".gz") {
            Encoder::Gzip(flate2::write::GzEncoder::new(
                file,
                flate2::Compression::default(),
            ))
        } else if name.ends_with(".zst") {
            Encoder::Zstd(zstd::stream::write::Encoder::new(file, 0)?)
        } else {
            Encoder::Plain(file)
        }))
    }

    /// End the compressed stream.
    fn finish(self) -> io::Result<()> {
        match self.0 {
            Encoder::Plain(_) => Ok(()),
            Encoder::Gzip(gz) => gz.finish().map(drop),
            Encoder::Zstd(zstd) => zstd.finish().map(drop),
        }
    }
}

impl Write for OutputFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.0 {
            Encoder::Plain(file) => file.write(buf),
            Encoder::Gzip(gz) => gz.write(buf),
            Encoder::Zstd(zstd) => zstd.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match &mut self.0 {
            Encoder::Plain(file) => file.write_all(buf),
            Encoder::Gzip(gz) => gz.write_all(buf),
            Encoder::Zstd(zstd) => zstd.write_all(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.0 {
            Encoder::Plain(file) => file.flush(),
            Encoder::Gzip(gz) => gz.flush(),
            Encoder::Zstd(zstd) => zstd.flush(),
        }
    }
}

impl std::fmt::Debug for OutputFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OutputFile")
    }
}

/// Write one output into `file`, which stands for `path`.
fn write_file<F>(path: &Path, file: File, write: F) -> Result<()>
where
    F: FnOnce(&mut BufWriter<OutputFile>) -> io::Result<()>,
{
    let fail = write_error(path);
    let output = OutputFile::for_destination(path, file).map_err(&fail)?;
    let mut out = BufWriter::with_capacity(WRITE_BUFFER, output);
    write(&mut out).map_err(&fail)?;
    let output = out.into_inner().map_err(|e| fail(e.into_error()))?;
    output.finish().map_err(&fail)?;
    commit::fault("staging");
    Ok(())
}
