//! The text format of an [`NgramModel`]: a header line, then one line per
//! word or pair count, sorted so that equal models give equal files. Errors
//! name the file and line.

use super::NgramModel;
use copydesk_common::{Error, Result};
use std::io::{BufRead, Write};
use std::path::Path;

const MAGIC: &str = "copydesk-ngram-model 1";

impl NgramModel {
    /// Write the model as text: a header line, then `w HASH COUNT` and
    /// `p HASH COUNT` lines sorted by hash (so equal models give equal files).
    pub fn save(&self, path: &Path) -> Result<()> {
        let write_error = |source| Error::Write {
            path: path.to_path_buf(),
            source,
        };
        let file = std::fs::File::create(path).map_err(write_error)?;
        let mut out = std::io::BufWriter::new(file);
        self.write_to(&mut out).map_err(write_error)?;
        out.flush().map_err(write_error)
    }

    /// Serialize to any writer (see [`NgramModel::save`]).
    pub fn write_to(&self, out: &mut impl Write) -> std::io::Result<()> {
        writeln!(
            out,
            "{MAGIC} words={} pairs={} total_words={} documents={}",
            self.words.len(),
            self.pairs.len(),
            self.total_words,
            self.documents
        )?;
        for (tag, map) in [("w", &self.words), ("p", &self.pairs)] {
            let mut entries: Vec<(u64, u32)> = map.iter().map(|(&k, &v)| (k, v)).collect();
            entries.sort_unstable();
            for (key, count) in entries {
                writeln!(out, "{tag} {key:016x} {count}")?;
            }
        }
        Ok(())
    }

    /// Read a model written by [`NgramModel::save`]; errors name file and line.
    pub fn load(path: &Path) -> Result<NgramModel> {
        let file = std::fs::File::open(path).map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?;
        NgramModel::read_from(std::io::BufReader::new(file), path)
    }

    /// Parse a model from a reader; `path` names it in errors.
    pub fn read_from(reader: impl BufRead, path: &Path) -> Result<NgramModel> {
        let bad = |line: u64, message: String| Error::DataFile {
            path: path.to_path_buf(),
            line,
            message,
        };
        let mut model = NgramModel::default();
        for (index, line) in reader.lines().enumerate() {
            let number = index as u64 + 1;
            let line = line.map_err(|source| Error::Read {
                path: path.to_path_buf(),
                source,
            })?;
            if index == 0 {
                let Some(rest) = line.strip_prefix(MAGIC) else {
                    return Err(bad(number, "not a copydesk model (bad header)".to_owned()));
                };
                for field in rest.split_whitespace() {
                    match field.split_once('=') {
                        Some(("total_words", v)) => {
                            model.total_words = v
                                .parse()
                                .map_err(|_| bad(number, "bad total_words".into()))?
                        }
                        Some(("documents", v)) => {
                            model.documents =
                                v.parse().map_err(|_| bad(number, "bad documents".into()))?
                        }
                        _ => {}
                    }
                }
                continue;
            }
            let mut fields = line.split(' ');
            let (Some(tag), Some(key), Some(count), None) =
                (fields.next(), fields.next(), fields.next(), fields.next())
            else {
                return Err(bad(number, "expected `w|p HASH COUNT`".to_owned()));
            };
            let key =
                u64::from_str_radix(key, 16).map_err(|_| bad(number, "bad hash".to_owned()))?;
            let count: u32 = count
                .parse()
                .map_err(|_| bad(number, "bad count".to_owned()))?;
            match tag {
                "w" => model.words.insert(key, count),
                "p" => model.pairs.insert(key, count),
                _ => return Err(bad(number, format!("unknown entry tag {tag:?}"))),
            };
        }
        if model.total_words == 0 && !model.words.is_empty() {
            model.total_words = model.words.values().map(|&c| u64::from(c)).sum();
        }
        Ok(model)
    }
}
