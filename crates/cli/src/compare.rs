//! `copydesk compare A B`: two documents aligned word by word, side by side
//! in the terminal with the replaced words coloured, or as JSON edits.

use super::{ColorChoice, UsageError};
use anyhow::Context;
use clap::Args;
use copydesk::corpus::{self, Input, ReadOptions};
use copydesk::pipeline::{self, CompareSide, Comparison};
use copydesk::progress::NoProgress;
use copydesk::rewrite::{Alignment, Edit, EditOp, RewriteConfig, Side, WordFrequencies};
use copydesk::text::Tokens;
use std::io::Write;

/// Align two documents and show every edit.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The first document: a text file, or an id with --corpus.
    a: String,

    /// The second document: a text file, or an id with --corpus.
    b: String,

    /// Read A and B as ids of documents in this corpus (JSONL, .jsonl.gz, .jsonl.zst,
    /// a directory of .txt files); its word frequencies and dates also tell the likely source.
    #[arg(long, value_name = "FILE")]
    corpus: Option<String>,

    /// Field holding document ids in the corpus.
    #[arg(long, default_value = "id", value_name = "NAME")]
    id_field: String,

    /// Field holding document text in the corpus.
    #[arg(long, default_value = "text", value_name = "NAME")]
    text_field: String,

    /// Print the alignment as JSON (similarity, verdict, source, edits) instead of the side-by-side view.
    #[arg(long)]
    json: bool,

    /// Colour the replaced words: `auto` on a terminal unless NO_COLOR is set.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,

    /// Width of the side-by-side view in columns.
    #[arg(long, default_value_t = 120, value_name = "N")]
    width: usize,
}

struct Doc {
    name: String,
    text: String,
    date: Option<String>,
}

impl Doc {
    fn side(&self) -> CompareSide<'_> {
        CompareSide {
            text: &self.text,
            date: self.date.as_deref(),
        }
    }
}

impl CompareArgs {
    fn load(&self) -> anyhow::Result<(Doc, Doc, Option<WordFrequencies>)> {
        let Some(corpus_path) = &self.corpus else {
            let read = |name: &str| -> anyhow::Result<Doc> {
                let text =
                    std::fs::read_to_string(name).with_context(|| format!("cannot read {name}"))?;
                Ok(Doc {
                    name: name.to_owned(),
                    text,
                    date: None,
                })
            };
            return Ok((read(&self.a)?, read(&self.b)?, None));
        };
        let options = ReadOptions {
            id_field: self.id_field.clone(),
            text_field: self.text_field.clone(),
            skip_invalid: true,
            ..ReadOptions::default()
        };
        let corpus = corpus::read_inputs(&[Input::parse(corpus_path)], &options, &NoProgress)?;
        super::warn_skipped(&corpus, false);
        let find = |id: &str| -> anyhow::Result<Doc> {
            let doc = corpus
                .documents
                .iter()
                .find(|d| d.id == id)
                .ok_or_else(|| {
                    UsageError(format!("no document with id {id:?} in {corpus_path}"))
                })?;
            Ok(Doc {
                name: doc.id.clone(),
                text: doc.text.clone(),
                date: doc.date.clone(),
            })
        };
        let (a, b) = (find(&self.a)?, find(&self.b)?);
        Ok((a, b, Some(pipeline::corpus_frequencies(&corpus))))
    }

    /// Run the subcommand.
    pub fn run(self) -> anyhow::Result<()> {
        if self.width < 20 {
            return Err(UsageError("--width must be at least 20".into()).into());
        }
        let (a, b, frequencies) = self.load()?;
        let config = RewriteConfig::default();
        let Comparison {
            tokens: [ta, tb],
            alignment,
            rewrite,
            source,
        } = pipeline::compare(a.side(), b.side(), frequencies.as_ref(), &config);
        let source_name = source.map(|side| match side {
            Side::A => a.name.as_str(),
            Side::B => b.name.as_str(),
        });
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::new(stdout.lock());
        if self.json {
            let value = CompareJson {
                a: &a.name,
                b: &b.name,
                similarity: alignment.similarity,
                number_agreement: alignment.number_agreement(),
                rewrite,
                source: source_name,
                edits: &alignment.edits,
            };
            serde_json::to_writer_pretty(&mut out, &value)?;
            writeln!(out)?;
        } else {
            let color = self.color.enabled();
            let view = SideBySide {
                a: (&a.text, &ta),
                b: (&b.text, &tb),
                alignment: &alignment,
                column: (self.width - 3) / 2,
                color,
            };
            writeln!(
                out,
                "{} vs {}: similarity {:.3}, {} edits ({} replace, {} insert, {} delete); {}{}",
                a.name,
                b.name,
                alignment.similarity,
                alignment.edits.len(),
                count(&alignment, EditOp::Replace),
                count(&alignment, EditOp::Insert),
                count(&alignment, EditOp::Delete),
                if rewrite {
                    "a rewrite"
                } else {
                    "not a rewrite"
                },
                source_name
                    .map(|s| format!("; likely source {s}"))
                    .unwrap_or_default(),
            )?;
            view.write(&mut out)?;
        }
        out.flush()?;
        Ok(())
    }
}

/// The `--json` output.
#[derive(serde::Serialize)]
struct CompareJson<'a> {
    a: &'a str,
    b: &'a str,
    similarity: f64,
    number_agreement: f64,
    rewrite: bool,
    source: Option<&'a str>,
    edits: &'a [Edit],
}

fn count(alignment: &Alignment, op: EditOp) -> usize {
    alignment.edits.iter().filter(|e| e.op == op).count()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    Plain,
    Removed,
    Added,
}

/// A line of the view: pieces of text with their style, and its width in characters.
#[derive(Default)]
struct Line {
    pieces: Vec<(String, Style)>,
    width: usize,
}

struct SideBySide<'a> {
    a: (&'a str, &'a Tokens),
    b: (&'a str, &'a Tokens),
    alignment: &'a Alignment,
    column: usize,
    color: bool,
}

impl SideBySide<'_> {
    /// Paragraph blocks: pairs of byte ranges, cut where `a` starts a
    /// paragraph, at the matching place in `b`.
    fn blocks(&self) -> Vec<([usize; 2], [usize; 2])> {
        let (a_text, a_tokens) = self.a;
        let (b_text, b_tokens) = self.b;
        let mut cuts = vec![(0usize, 0usize)];
        let mut edits = self.alignment.edits.iter().peekable();
        let mut offset: i64 = 0; // b word index minus a word index outside edits
        for i in 1..a_tokens.len() {
            while let Some(edit) = edits.peek() {
                if edit.a_words[1] as usize <= i && edit.a_words[0] as usize <= i {
                    offset += i64::from(edit.b_words[1] - edit.b_words[0])
                        - i64::from(edit.a_words[1] - edit.a_words[0]);
                    edits.next();
                } else {
                    break;
                }
            }
            let inside = edits
                .peek()
                .is_some_and(|e| (e.a_words[0] as usize) < i && i < e.a_words[1] as usize);
            let gap =
                &a_text[a_tokens.tokens[i - 1].end as usize..a_tokens.tokens[i].start as usize];
            if inside || !gap.contains('\n') {
                continue;
            }
            let j = i as i64 + offset;
            if j <= 0 || j as usize >= b_tokens.len() {
                continue;
            }
            // Cut at the start of the line, so opening quotes stay with their paragraph.
            let line_start = |text: &str, tokens: &Tokens, k: usize| {
                let (end, start) = (
                    tokens.tokens[k - 1].end as usize,
                    tokens.tokens[k].start as usize,
                );
                text[end..start].rfind('\n').map_or(start, |n| end + n + 1)
            };
            let cut = (
                line_start(a_text, a_tokens, i),
                line_start(b_text, b_tokens, j as usize),
            );
            if cut.1 > cuts.last().map_or(0, |c| c.1) {
                cuts.push(cut);
            }
        }
        cuts.push((a_text.len(), b_text.len()));
        cuts.windows(2)
            .map(|w| ([w[0].0, w[1].0], [w[0].1, w[1].1]))
            .collect()
    }

    /// The styled pieces of `range` of one side.
    fn pieces(&self, side: Side, range: [usize; 2]) -> Vec<(String, Style)> {
        let text = match side {
            Side::A => self.a.0,
            Side::B => self.b.0,
        };
        let span = |e: &Edit| match side {
            Side::A => e.a,
            Side::B => e.b,
        };
        let style = match side {
            Side::A => Style::Removed,
            Side::B => Style::Added,
        };
        let mut out = Vec::new();
        let mut at = range[0];
        for edit in &self.alignment.edits {
            let [start, end] = span(edit);
            if end <= at || start >= range[1] || start == end {
                continue;
            }
            let (start, end) = (start.max(at), end.min(range[1]));
            out.push((text[at..start].to_owned(), Style::Plain));
            // Without colours the edits are marked with brackets.
            let marked = if self.color {
                text[start..end].to_owned()
            } else {
                format!("[{}]", &text[start..end])
            };
            out.push((marked, style));
            at = end;
        }
        out.push((text[at..range[1]].to_owned(), Style::Plain));
        out
    }

    /// Word-wrap styled pieces to the column width.
    fn wrap(&self, pieces: Vec<(String, Style)>) -> Vec<Line> {
        let mut lines = vec![Line::default()];
        for (text, style) in pieces {
            for (k, chunk) in text.split('\n').enumerate() {
                if k > 0 {
                    lines.push(Line::default());
                }
                for word in chunk.split_inclusive(' ') {
                    let width = word.chars().count();
                    let line = lines.last_mut().expect("never empty");
                    if line.width + width.min(self.column) > self.column && line.width > 0 {
                        lines.push(Line::default());
                    }
                    let line = lines.last_mut().expect("never empty");
                    // A word longer than the column is cut.
                    let shown: String = word.chars().take(self.column - line.width).collect();
                    line.width += shown.chars().count();
                    line.pieces.push((shown, style));
                }
            }
        }
        while lines.last().is_some_and(|l| l.width == 0) && lines.len() > 1 {
            lines.pop();
        }
        lines
    }

    fn paint(&self, out: &mut impl Write, line: Option<&Line>, pad: bool) -> std::io::Result<()> {
        let mut width = 0;
        if let Some(line) = line {
            for (text, style) in &line.pieces {
                let code = match style {
                    Style::Plain => None,
                    Style::Removed => Some("\x1b[1;31m"),
                    Style::Added => Some("\x1b[1;32m"),
                };
                match code {
                    Some(code) if self.color => write!(out, "{code}{text}\x1b[0m")?,
                    _ => write!(out, "{text}")?,
                }
                width += text.chars().count();
            }
        }
        if pad {
            write!(out, "{}", " ".repeat(self.column.saturating_sub(width)))?;
        }
        Ok(())
    }

    fn write(&self, out: &mut impl Write) -> std::io::Result<()> {
        for (k, (a_range, b_range)) in self.blocks().into_iter().enumerate() {
            if k > 0 {
                writeln!(out, "{} │", " ".repeat(self.column))?;
            }
            let left = self.wrap(self.pieces(Side::A, a_range));
            let right = self.wrap(self.pieces(Side::B, b_range));
            for row in 0..left.len().max(right.len()) {
                self.paint(out, left.get(row), true)?;
                write!(out, " │ ")?;
                self.paint(out, right.get(row), false)?;
                writeln!(out)?;
            }
        }
        Ok(())
    }
}
