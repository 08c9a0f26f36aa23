//! `report.html`: one self-contained page a person can open in any browser to
//! look at a run: an overview (counts, histograms, mined substitutions), the
//! clusters with each member side by side against its representative, and the
//! flagged documents with every flag highlighted in the text.
//!
//! The page is built from [`ReportInput`], a view model of plain strings and
//! numbers that borrows from whatever produced the results, so this module
//! depends on no other wing. Static parts (counts, histograms, tables) are
//! rendered here; the clusters and flagged documents are embedded as one JSON
//! blob and drawn by the page's script with `textContent`/`createElement`
//! only, so document text is never parsed as HTML.
//!
//! For big corpora the page inlines a capped selection ([`ReportLimits`]): the
//! largest clusters, the worst flagged documents, texts cut at a byte budget.
//! Histograms and counts cover everything. The page names the JSONL files
//! that hold the full data.
//!
//! Spans arrive as UTF-8 byte offsets into each document's original text; the
//! page's script indexes strings in UTF-16 code units, so every offset is
//! converted here ([`utf16_offsets`]).

mod csp;
mod markup;
mod model;
mod strings;
#[cfg(test)]
mod tests;

use crate::{EditOp, Relation};
use csp::{content_security_policy, SCRIPT_ELEMENT};
use markup::{
    subtitle, write_clusters_section, write_flagged_section, write_overview, write_toolbar,
};
use model::PageData;
use std::io::{self, Write};

pub use strings::{escape_html, script_safe_json, utf16_offsets};

const STYLE: &str = include_str!("html/report.css");

/// Everything the report shows. Fill it from a run's results; texts and ids
/// are borrowed, so building it copies no document text.
#[derive(Debug, Clone, Default)]
pub struct ReportInput<'a> {
    /// Page title, for example "copydesk report: news.jsonl".
    pub title: String,
    /// Every accepted document, in input order.
    pub documents: Vec<ReportDocument<'a>>,
    /// Every kept pair (from `pairs.jsonl`).
    pub pairs: Vec<ReportPair<'a>>,
    /// Every cluster of two or more documents (from `clusters.jsonl`).
    pub clusters: Vec<ReportCluster<'a>>,
    /// Mined substitutions; the report sorts them by count and shows the top ones.
    pub substitutions: Vec<ReportSubstitution<'a>>,
    /// Counts, parameters and timings of the run.
    pub summary: ReportSummary,
    /// Where the full data lives, named on the page.
    pub files: OutputFiles,
    /// How much of the data is inlined.
    pub limits: ReportLimits,
}

/// One document as the report sees it.
#[derive(Debug, Clone, Default)]
pub struct ReportDocument<'a> {
    /// The document's id.
    pub id: &'a str,
    /// Its original text; flag and edit spans are byte offsets into it.
    pub text: &'a str,
    /// Cluster number, if the document is in a cluster.
    pub cluster: Option<u64>,
    /// Id of the representative it copies, if it is a copy.
    pub duplicate_of: Option<&'a str>,
    /// Its relation to that representative (`exact`, `near_exact`, `excerpt`,
    /// `rewrite`, `partial`), or `None` for a unique document or a representative.
    pub relation: Option<Relation>,
    /// Quality flags, in any order.
    pub flags: Vec<ReportFlag<'a>>,
    /// Quality scores, when the quality pass ran.
    pub scores: Option<ReportScores>,
}

/// One quality flag on a span of a document.
#[derive(Debug, Clone, Default)]
pub struct ReportFlag<'a> {
    /// Rule name, for example `formal_name`.
    pub rule: &'a str,
    /// Category: `spin`, `grammar`, `incoherence`, `metadata`, `boilerplate`,
    /// `repetition` or `heuristic`.
    pub category: &'a str,
    /// Start of the span, a UTF-8 byte offset into the original text.
    pub start: usize,
    /// End of the span (exclusive), a UTF-8 byte offset into the original text.
    pub end: usize,
    /// Why the span is flagged, shown on hover.
    pub message: &'a str,
    /// Confidence of the flag in [0, 1].
    pub score: f64,
}

/// Document-level quality scores, each in [0, 1].
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ReportScores {
    /// 1 = clean.
    pub quality: f64,
    /// How likely the document is spun.
    pub spin: f64,
    /// How likely the document is incoherent.
    pub incoherence: f64,
}

/// One kept pair of documents.
#[derive(Debug, Clone, Default)]
pub struct ReportPair<'a> {
    /// Id of the first document; edit spans `a` point into its text.
    pub a: &'a str,
    /// Id of the second document; edit spans `b` point into its text.
    pub b: &'a str,
    /// Shingle Jaccard similarity.
    pub jaccard: f64,
    /// Containment: [share of a in b, share of b in a].
    pub containment: [f64; 2],
    /// Relation: `exact`, `near_exact`, `excerpt`, `rewrite` or `partial`.
    pub relation: Relation,
    /// Alignment similarity of a rewrite pair, when it was aligned.
    pub similarity: Option<f64>,
    /// Word-level edits turning a into b.
    pub edits: Vec<ReportEdit>,
    /// Id of the likely source document of a rewrite pair, when known.
    pub source: Option<&'a str>,
}

/// One edit of a pair: spans are UTF-8 byte offsets into each document's
/// original text, an empty range marking the position of an insert or delete.
#[derive(Debug, Clone, Default)]
pub struct ReportEdit {
    /// `replace`, `insert` (text only in b) or `delete` (text only in a).
    pub op: EditOp,
    /// [start, end) in document a.
    pub a: [usize; 2],
    /// [start, end) in document b.
    pub b: [usize; 2],
}

/// One cluster of copies.
#[derive(Debug, Clone, Default)]
pub struct ReportCluster<'a> {
    /// Cluster number, as in `clusters.jsonl`.
    pub cluster: u64,
    /// Id of the representative.
    pub representative: &'a str,
    /// Ids of all members (the representative may be listed or not).
    pub members: Vec<&'a str>,
}

/// One mined substitution of the spinner lexicon.
#[derive(Debug, Clone, Default)]
pub struct ReportSubstitution<'a> {
    /// The word(s) of the source.
    pub from: &'a str,
    /// The word(s) the spinner put instead.
    pub to: &'a str,
    /// What the swap is (`synonym`, `formal_name`, `unknown`, ...: see
    /// `SubstitutionKind` of the rewrite stage).
    pub kind: &'a str,
    /// How many times it was seen.
    pub count: u64,
    /// Example pairs or documents, as the user should read them.
    pub examples: Vec<String>,
}

/// Counts, parameters and timings of the run, shown as given.
#[derive(Debug, Clone, Default)]
pub struct ReportSummary {
    /// The inputs as the user named them.
    pub inputs: Vec<String>,
    /// Named counts in display order, for example ("documents", 1000).
    pub counts: Vec<(String, u64)>,
    /// Parameters used, already formatted, for example ("threshold", "0.5").
    pub parameters: Vec<(String, String)>,
    /// Seconds per stage, in stage order.
    pub timings: Vec<(String, f64)>,
}

/// The output folder and its files, named on the page as the place of the full data.
#[derive(Debug, Clone)]
pub struct OutputFiles {
    /// The output directory as the user named it.
    pub directory: String,
    /// Per-document results.
    pub documents: String,
    /// Kept pairs with their edits.
    pub pairs: String,
    /// Clusters.
    pub clusters: String,
    /// Mined substitutions.
    pub substitutions: String,
    /// Counts, parameters and timings.
    pub summary: String,
}

impl Default for OutputFiles {
    fn default() -> OutputFiles {
        OutputFiles {
            directory: ".".into(),
            documents: "documents.jsonl".into(),
            pairs: "pairs.jsonl".into(),
            clusters: "clusters.jsonl".into(),
            substitutions: "substitutions.jsonl".into(),
            summary: "summary.json".into(),
        }
    }
}

/// How much is inlined in the page: enough to look at, small enough that a
/// report of 100k documents still opens in a second or two. With the
/// defaults at most 2,400 texts of at most 5 KB are inlined, whatever the
/// corpus size (a synthetic 100k-document run gives a 3.5 MB page).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportLimits {
    /// The largest clusters shown.
    pub max_clusters: usize,
    /// Members shown per cluster besides the representative: rewrites first,
    /// then excerpts, partial, near-exact and exact copies, each in input order.
    pub max_members_per_cluster: usize,
    /// The worst flagged documents shown (lowest quality first).
    pub max_flagged: usize,
    /// Bytes of each document's text inlined; longer texts are cut at a word
    /// boundary and say so.
    pub max_text_bytes: usize,
    /// The most frequent substitutions listed.
    pub max_substitutions: usize,
}

impl Default for ReportLimits {
    fn default() -> ReportLimits {
        ReportLimits {
            max_clusters: 200,
            max_members_per_cluster: 10,
            max_flagged: 200,
            max_text_bytes: 5000,
            max_substitutions: 30,
        }
    }
}

/// Write the whole page.
pub fn write_report(out: &mut impl Write, input: &ReportInput) -> io::Result<()> {
    let data = PageData::build(input);
    let mut blob = serde_json::to_string(&data).map_err(io::Error::other)?;
    blob = script_safe_json(&blob);
    let title = if input.title.is_empty() {
        "copydesk report"
    } else {
        &input.title
    };

    write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n\
         <meta name=\"generator\" content=\"copydesk {}\">\n<title>{}</title>\n<style>\n{STYLE}</style>\n</head>\n",
        content_security_policy(),
        env!("CARGO_PKG_VERSION"),
        escape_html(title)
    )?;
    write!(
        out,
        "<body>\n<header class=\"masthead\">\n<div class=\"masthead-inner\">\n\
         <div class=\"brand\"><span class=\"brand-mark\" aria-hidden=\"true\">cd</span>copydesk</div>\n\
         <h1>{}</h1>\n<p class=\"subtitle\">{}</p>\n\
         <nav aria-label=\"Sections\"><a href=\"#overview\">Overview</a><a href=\"#clusters\">Clusters</a><a href=\"#flagged\">Flagged documents</a></nav>\n\
         </div>\n</header>\n<main>\n",
        escape_html(title),
        escape_html(&subtitle(input))
    )?;
    write_overview(out, input, &data)?;
    write_toolbar(out)?;
    write_clusters_section(out, input, &data)?;
    write_flagged_section(out, input, &data)?;
    write!(
        out,
        "</main>\n<footer class=\"footer\">Generated by copydesk {}. Self-contained page: nothing is loaded from the network.</footer>\n\
         <script type=\"application/json\" id=\"report-data\">{blob}</script>\n<script>{SCRIPT_ELEMENT}</script>\n</body>\n</html>\n",
        env!("CARGO_PKG_VERSION")
    )?;
    Ok(())
}
