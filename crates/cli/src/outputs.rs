//! What a run writes, checked against what it reads and against itself
//! before any work: an output must never replace an input, another output or
//! a result file.

use super::UsageError;
use copydesk::corpus::read_from_directory;
use copydesk::error::Error;
use copydesk::report::commit::{resolve, SET_FILE_NAMES};
use copydesk::report::StagedOutputs;
use std::path::{Path, PathBuf};

/// Where a run reads and writes, each path with the flag that named it.
#[derive(Default)]
pub(super) struct Plan<'a> {
    /// The inputs as given (`-` for standard input).
    pub inputs: &'a [String],
    /// Data files read besides the inputs: (`--lexicon`, path), ...
    pub data: Vec<(&'static str, &'a Path)>,
    /// The output directory.
    pub dir: Option<&'a Path>,
    /// Output files named by path: (`--keep`, path), ...
    pub files: Vec<(&'static str, &'a Path)>,
    /// Input directories are read with their subdirectories (`--recursive`).
    pub recursive: bool,
}

/// A path and what identifies the place it names.
struct Place {
    /// How the user named it, for messages.
    shown: String,
    resolved: Option<PathBuf>,
    /// Device and inode when it exists: hard links and bind mounts are
    /// caught that resolved paths miss.
    inode: Option<(u64, u64)>,
}

impl Place {
    fn of(path: &Path, shown: String) -> Place {
        Place {
            shown,
            resolved: resolve(path).ok(),
            inode: inode(path),
        }
    }

    fn same(&self, other: &Place) -> bool {
        match (self.inode, other.inode) {
            (Some(a), Some(b)) => a == b,
            _ => self.resolved.is_some() && self.resolved == other.resolved,
        }
    }

    /// Whether this place is directly inside the directory `dir`.
    fn is_in(&self, dir: &Place) -> bool {
        let Some(parent) = self.resolved.as_deref().and_then(Path::parent) else {
            return false;
        };
        dir.same(&Place::of(parent, String::new()))
    }

    /// Whether this place is anywhere under `dir`.
    fn is_under(&self, dir: &Place) -> bool {
        let Some(resolved) = self.resolved.as_deref() else {
            return false;
        };
        resolved
            .ancestors()
            .skip(1)
            .any(|ancestor| dir.same(&Place::of(ancestor, String::new())))
    }

    fn name(&self) -> &str {
        self.resolved
            .as_deref()
            .and_then(Path::file_name)
            .and_then(|n| n.to_str())
            .unwrap_or("")
    }
}

#[cfg(unix)]
fn inode(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn inode(_path: &Path) -> Option<(u64, u64)> {
    None
}

fn clash(message: String) -> anyhow::Result<()> {
    Err(UsageError(message).into())
}

impl Plan<'_> {
    /// Refuse (usage error, exit 2) a plan whose outputs would replace one of
    /// its inputs, one another, or a result file; then check that the outputs
    /// can be written (see [`StagedOutputs::in_dir`]) and return them ready.
    pub fn prepare(&self) -> anyhow::Result<StagedOutputs> {
        self.check()?;
        let files: Vec<&Path> = self.files.iter().map(|(_, path)| *path).collect();
        let staged = match self.dir {
            Some(dir) => StagedOutputs::in_dir(dir, &files),
            None => files
                .iter()
                .try_for_each(|path| StagedOutputs::probe(path))
                .map(|()| StagedOutputs::new()),
        };
        staged.map_err(|error| match error {
            Error::ForeignOutputFile { .. } => UsageError(error.to_string()).into(),
            error => error.into(),
        })
    }

    /// The checks of [`Plan::prepare`] for a run that writes nothing.
    pub fn check_only(&self) -> anyhow::Result<()> {
        self.check()
    }

    fn check(&self) -> anyhow::Result<()> {
        let outputs: Vec<Place> = self
            .files
            .iter()
            .map(|(flag, path)| Place::of(path, format!("{flag} {}", path.display())))
            .collect();
        let dir = self
            .dir
            .map(|dir| Place::of(dir, format!("--out {}", dir.display())));
        for (i, output) in outputs.iter().enumerate() {
            if let Some(other) = outputs[..i].iter().find(|other| other.same(output)) {
                return clash(format!(
                    "{} and {} are the same file",
                    other.shown, output.shown
                ));
            }
            if let Some(dir) = &dir {
                if output.same(dir) {
                    return clash(format!(
                        "{} is the output directory {}",
                        output.shown, dir.shown
                    ));
                }
                if output.is_in(dir) && SET_FILE_NAMES.contains(&output.name()) {
                    return clash(format!(
                        "{} would be replaced by a result file of {}",
                        output.shown, dir.shown
                    ));
                }
            }
        }
        let mut read = Vec::new();
        let mut read_dirs = Vec::new();
        for input in self.inputs.iter().filter(|input| *input != "-") {
            let path = Path::new(input);
            let place = Place::of(path, format!("the input {input}"));
            if std::fs::metadata(path).is_ok_and(|m| m.is_dir()) {
                for entry in std::fs::read_dir(path).into_iter().flatten().flatten() {
                    let name = entry.file_name();
                    if name.to_str().is_some_and(read_from_directory) {
                        let shown = format!("the input {}", entry.path().display());
                        read.push(Place::of(&entry.path(), shown));
                    }
                }
                read_dirs.push(place);
            } else {
                read.push(place);
            }
        }
        for (flag, path) in &self.data {
            read.push(Place::of(
                path,
                format!("the {flag} file {}", path.display()),
            ));
        }
        for output in &outputs {
            if let Some(input) = read.iter().find(|input| input.same(output)) {
                return clash(format!("{} is {}", output.shown, input.shown));
            }
            if let Some(input_dir) = read_dirs.iter().find(|input_dir| {
                let inside = if self.recursive {
                    output.is_under(input_dir)
                } else {
                    output.is_in(input_dir)
                };
                inside && read_from_directory(output.name())
            }) {
                return clash(format!(
                    "{} is in the input directory {}, whose files of that kind are read",
                    output.shown,
                    input_dir.shown.trim_start_matches("the input ")
                ));
            }
        }
        if let Some(dir) = &dir {
            if let Some(input) = read.iter().chain(&read_dirs).find(|input| input.same(dir)) {
                return clash(format!("{} is {}", dir.shown, input.shown));
            }
            // Read recursively, an input directory would take in this run's
            // results on the next run.
            if let Some(input_dir) = read_dirs
                .iter()
                .find(|input_dir| self.recursive && dir.is_under(input_dir))
            {
                return clash(format!(
                    "{} is inside {}, which is read with its subdirectories",
                    dir.shown, input_dir.shown
                ));
            }
            let contents: Vec<Place> = self
                .dir
                .and_then(|dir| std::fs::read_dir(dir).ok())
                .into_iter()
                .flatten()
                .flatten()
                .map(|entry| Place::of(&entry.path(), String::new()))
                .collect();
            let inside =
                |input: &&Place| input.is_in(dir) || contents.iter().any(|entry| entry.same(input));
            if let Some(input) = read.iter().chain(&read_dirs).find(inside) {
                return clash(format!(
                    "{} is in {}, whose contents a run replaces",
                    input.shown, dir.shown
                ));
            }
        }
        Ok(())
    }
}
