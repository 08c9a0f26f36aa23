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

use crate::{EditOp, Relation};
use copydesk_text::{self as text, HashKeyedSet};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{self, Write};
use xxhash_rust::xxh3::xxh3_64;

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

/// The text of the page's script element, exactly as hashed for the policy.
const SCRIPT_ELEMENT: &str = concat!("\n", include_str!("html/report.js"));

/// Nothing may be fetched, and the only script that may run is the page's
/// own (allowed by its hash): were document text ever to slip past escaping,
/// an injected `<script>` or `onerror` handler would still not run.
fn content_security_policy() -> String {
    format!(
        "default-src 'none'; script-src 'sha256-{}'; style-src 'unsafe-inline'; \
         img-src data:; base-uri 'none'; form-action 'none'",
        base64(&sha256(SCRIPT_ELEMENT.as_bytes()))
    )
}

/// SHA-256 (FIPS 180-4), for the script hash of the security policy: one
/// small input per page, so a plain implementation is enough.
fn sha256(message: &[u8]) -> [u8; 32] {
    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2,
    ];
    let mut state: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    let mut padded = message.to_vec();
    padded.push(0x80);
    while padded.len() % 64 != 56 {
        padded.push(0);
    }
    padded.extend_from_slice(&((message.len() as u64).wrapping_mul(8)).to_be_bytes());
    for block in padded.chunks_exact(64) {
        let mut w = [0u32; 64];
        for (i, word) in block.chunks_exact(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut h] = state;
        for i in 0..64 {
            let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
            let choice = (e & f) ^ (!e & g);
            let t1 = h
                .wrapping_add(s1)
                .wrapping_add(choice)
                .wrapping_add(K[i])
                .wrapping_add(w[i]);
            let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
            let majority = (a & b) ^ (a & c) ^ (b & c);
            let t2 = s0.wrapping_add(majority);
            h = g;
            g = f;
            f = e;
            e = d.wrapping_add(t1);
            d = c;
            c = b;
            b = a;
            a = t1.wrapping_add(t2);
        }
        for (slot, value) in state.iter_mut().zip([a, b, c, d, e, f, g, h]) {
            *slot = slot.wrapping_add(value);
        }
    }
    let mut digest = [0u8; 32];
    for (bytes, word) in digest.chunks_exact_mut(4).zip(state) {
        bytes.copy_from_slice(&word.to_be_bytes());
    }
    digest
}

/// Standard base64 with padding.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut encoded = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let triple = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &byte)| acc | (byte as u32) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                encoded.push(ALPHABET[(triple >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                encoded.push('=');
            }
        }
    }
    encoded
}

fn subtitle(input: &ReportInput) -> String {
    let documents = input.documents.len();
    let inputs = match input.summary.inputs.len() {
        0 => String::new(),
        1 => format!(" from {}", input.summary.inputs[0]),
        n => format!(" from {n} inputs"),
    };
    format!(
        "{} document{}{inputs}",
        group_digits(documents as u64),
        plural(documents as u64)
    )
}

fn plural(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// `1234567` → `1,234,567`.
fn group_digits(n: u64) -> String {
    let digits = n.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

/// Escape text for HTML element content and quoted attribute values.
pub fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            _ => escaped.push(c),
        }
    }
    escaped
}

/// Make serialized JSON safe inside `<script type="application/json">`: no
/// `<`, `>` or `&` can close the element or open a comment, and U+2028/U+2029
/// (line terminators to older JavaScript parsers) are escaped too. Outside
/// strings JSON has none of these characters, so `\uXXXX` escapes keep the
/// document equal to the one serialized.
pub fn script_safe_json(json: &str) -> String {
    let mut safe = String::with_capacity(json.len() + json.len() / 64);
    for c in json.chars() {
        match c {
            '<' => safe.push_str("\\u003c"),
            '>' => safe.push_str("\\u003e"),
            '&' => safe.push_str("\\u0026"),
            '\u{2028}' => safe.push_str("\\u2028"),
            '\u{2029}' => safe.push_str("\\u2029"),
            _ => safe.push(c),
        }
    }
    safe
}

/// Convert UTF-8 byte offsets into `text` to UTF-16 code-unit offsets (how
/// JavaScript indexes strings). An offset inside a multi-byte character maps
/// to the start of that character; one past the end maps to the end, so bad
/// spans never panic and never split a character.
pub fn utf16_offsets(text: &str, byte_offsets: &[usize]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..byte_offsets.len()).collect();
    order.sort_by_key(|&i| byte_offsets[i]);
    let mut converted = vec![0; byte_offsets.len()];
    let mut chars = text.char_indices().peekable();
    let mut units = 0;
    for i in order {
        let target = byte_offsets[i];
        while let Some(&(start, c)) = chars.peek() {
            if start + c.len_utf8() > target {
                break;
            }
            units += c.len_utf16();
            chars.next();
        }
        converted[i] = units;
    }
    converted
}

/// The largest character boundary at or below `max_bytes`, moved back to the
/// last whitespace when one is near, so a cut text ends on a whole word.
fn cut_point(text: &str, max_bytes: usize) -> usize {
    if text.len() <= max_bytes {
        return text.len();
    }
    let end = text::floor_char_boundary(text, max_bytes);
    const WORD_SLACK: usize = 80;
    // Both ends of the searched window on character boundaries: 80 bytes
    // back from a boundary is inside a character in most non-Latin text.
    let floor = text::floor_char_boundary(text, end.saturating_sub(WORD_SLACK));
    match text[floor..end].rfind(char::is_whitespace) {
        Some(space) if floor + space > 0 => floor + space,
        _ => end,
    }
}

// ---------------------------------------------------------------------------
// The JSON blob the page script draws from. Offsets in it are UTF-16 code
// units into the inlined (possibly cut) text.

#[derive(Serialize)]
struct PageData<'a> {
    docs: Vec<DocData<'a>>,
    pairs: Vec<PairData>,
    clusters: Vec<ClusterData>,
    flagged: Vec<usize>,
    relations: Vec<&'a str>,
    categories: Vec<&'a str>,
    totals: Totals,
    files: FilesData,
    limits: LimitsData,
}

#[derive(Serialize)]
struct DocData<'a> {
    id: &'a str,
    text: &'a str,
    /// Full text length in UTF-16 units when the text was cut, else null.
    cut_from: Option<usize>,
    cluster: Option<u64>,
    dup: Option<&'a str>,
    rel: Option<&'a str>,
    scores: Option<[f64; 3]>,
    flags: Vec<FlagData<'a>>,
}

#[derive(Serialize)]
struct FlagData<'a> {
    rule: &'a str,
    cat: &'a str,
    /// UTF-16 span in the inlined text; null when it lies beyond the cut or
    /// the flag is about the whole document.
    span: Option<[usize; 2]>,
    /// A document-level flag: listed, not highlighted.
    whole: bool,
    text: &'a str,
    msg: &'a str,
    score: f64,
}

/// A pair oriented for display: `left` is the cluster's representative.
#[derive(Serialize)]
struct PairData {
    left: usize,
    right: usize,
    jaccard: f64,
    /// [share of left in right, share of right in left].
    containment: [f64; 2],
    rel: String,
    similarity: Option<f64>,
    /// "left", "right" or null.
    source: Option<&'static str>,
    /// [op, left start, left end, right start, right end]; op 0 replace,
    /// 1 insert (only in right), 2 delete (only in left).
    edits: Vec<[usize; 5]>,
    /// Edits of the pair that lie beyond the inlined texts.
    edits_cut: usize,
}

#[derive(Serialize)]
struct ClusterData {
    id: u64,
    size: usize,
    rep: usize,
    members: Vec<MemberData>,
    more: usize,
}

#[derive(Serialize)]
struct MemberData {
    doc: usize,
    pair: Option<usize>,
}

#[derive(Serialize)]
struct Totals {
    documents: usize,
    clusters: usize,
    clusters_shown: usize,
    flagged: usize,
    flagged_shown: usize,
    pairs: usize,
}

#[derive(Serialize)]
struct FilesData {
    directory: String,
    documents: String,
    pairs: String,
    clusters: String,
}

#[derive(Serialize)]
struct LimitsData {
    max_text_bytes: usize,
}

/// Collects the documents the page needs, once each, in first-use order.
struct DocTable<'i, 'a> {
    input: &'i ReportInput<'a>,
    by_id: HashMap<&'a str, usize>,
    slots: HashMap<usize, usize>,
    /// Slots of ids named by clusters or pairs but absent from the documents.
    unknown: HashMap<&'a str, usize>,
    docs: Vec<DocData<'a>>,
    /// For each inlined doc: cut length in bytes of its text.
    cut_bytes: Vec<usize>,
}

impl<'i, 'a> DocTable<'i, 'a> {
    fn new(input: &'i ReportInput<'a>) -> Self {
        let mut by_id = HashMap::with_capacity(input.documents.len());
        for (index, document) in input.documents.iter().enumerate() {
            // Ids should be unique; if not, the first document keeps the id.
            by_id.entry(document.id).or_insert(index);
        }
        DocTable {
            input,
            by_id,
            slots: HashMap::new(),
            unknown: HashMap::new(),
            docs: Vec::new(),
            cut_bytes: Vec::new(),
        }
    }

    /// Slot of the document with `id` in the page's table, adding it on first
    /// use. A cluster or pair may name an id that is not among the documents
    /// (a caller's inconsistency); it then shows with an empty text.
    fn slot_of_id(&mut self, id: &'a str) -> usize {
        if let Some(&index) = self.by_id.get(id) {
            return self.slot(index);
        }
        if let Some(&slot) = self.unknown.get(id) {
            return slot;
        }
        let slot = self.docs.len();
        self.docs.push(DocData {
            id,
            text: "",
            cut_from: None,
            cluster: None,
            dup: None,
            rel: None,
            scores: None,
            flags: Vec::new(),
        });
        self.cut_bytes.push(0);
        self.unknown.insert(id, slot);
        slot
    }

    /// Display priority of a cluster member by its relation (stable sort key).
    fn relation_rank(&self, id: &str) -> u8 {
        let relation = self
            .by_id
            .get(id)
            .and_then(|&index| self.input.documents[index].relation);
        match relation {
            Some(Relation::Rewrite) => 0,
            Some(Relation::Excerpt) => 1,
            Some(Relation::Partial) => 2,
            Some(Relation::NearExact) => 3,
            Some(Relation::Exact) => 4,
            None => 5,
        }
    }

    fn slot(&mut self, index: usize) -> usize {
        if let Some(&slot) = self.slots.get(&index) {
            return slot;
        }
        let document = &self.input.documents[index];
        let cut = cut_point(document.text, self.input.limits.max_text_bytes);
        let text = &document.text[..cut];
        let cut_from = (cut < document.text.len()).then(|| utf16_len(document.text));

        let mut flags: Vec<&ReportFlag> = document.flags.iter().collect();
        flags.sort_by(|x, y| x.start.cmp(&y.start).then(x.end.cmp(&y.end)));
        let bounds: Vec<usize> = flags
            .iter()
            .flat_map(|f| [f.start.min(cut), f.end.min(cut)])
            .collect();
        let units = utf16_offsets(text, &bounds);
        let flags = flags
            .iter()
            .enumerate()
            .map(|(i, flag)| {
                let (start, end) = (units[2 * i], units[2 * i + 1]);
                let whole = covers_document(flag, document.text.len());
                let shown = !whole && flag.start < cut && flag.start <= flag.end;
                FlagData {
                    rule: flag.rule,
                    cat: flag.category,
                    span: shown.then_some([start, end]),
                    whole,
                    text: if whole {
                        ""
                    } else {
                        span_text(document.text, flag.start, flag.end)
                    },
                    msg: flag.message,
                    score: finite_or(flag.score, 0.0),
                }
            })
            .collect();
        let slot = self.docs.len();
        self.docs.push(DocData {
            id: document.id,
            text,
            cut_from,
            cluster: document.cluster,
            dup: document.duplicate_of,
            rel: document.relation.map(Relation::as_str),
            scores: document.scores.map(|s| {
                [
                    finite_or(s.quality, 1.0),
                    finite_or(s.spin, 0.0),
                    finite_or(s.incoherence, 0.0),
                ]
            }),
            flags,
        });
        self.cut_bytes.push(cut);
        self.slots.insert(index, slot);
        slot
    }
}

/// Document-level flags (training-data heuristics) span the whole text;
/// highlighting them would paint over every span flag, so they are listed instead.
fn covers_document(flag: &ReportFlag, text_len: usize) -> bool {
    let covered = flag.end.min(text_len).saturating_sub(flag.start);
    text_len > 0 && covered * 20 >= text_len * 19
}

fn finite_or(value: f64, fallback: f64) -> f64 {
    if value.is_finite() {
        value
    } else {
        fallback
    }
}

fn utf16_len(text: &str) -> usize {
    text.chars().map(char::len_utf16).sum()
}

/// The text of a span, or "" when the span is not a valid range of `text`.
fn span_text(text: &str, start: usize, end: usize) -> &str {
    text.get(start..end).unwrap_or("")
}

impl<'a> PageData<'a> {
    fn build<'i>(input: &'i ReportInput<'a>) -> PageData<'a> {
        let limits = input.limits;
        let mut table = DocTable::new(input);

        // Largest clusters first; ties by cluster number so output is stable.
        let mut cluster_order: Vec<&ReportCluster> = input.clusters.iter().collect();
        cluster_order.sort_by(|x, y| {
            cluster_size(y)
                .cmp(&cluster_size(x))
                .then(x.cluster.cmp(&y.cluster))
        });

        // The shown members of the shown clusters, best to show first:
        // rewrites and excerpts have the most to show, exact copies the least.
        let shown: Vec<(&ReportCluster, Vec<&str>)> = cluster_order
            .iter()
            .take(limits.max_clusters)
            .map(|&cluster| {
                let mut others: Vec<&str> = cluster
                    .members
                    .iter()
                    .copied()
                    .filter(|&m| m != cluster.representative)
                    .collect();
                others.sort_by_key(|&id| table.relation_rank(id));
                (cluster, others)
            })
            .collect();
        let pair_index = pair_index(input, &shown, limits.max_members_per_cluster);

        let mut pairs = Vec::new();
        let mut clusters = Vec::new();
        for (cluster, others) in shown {
            let rep = table.slot_of_id(cluster.representative);
            let mut members = Vec::new();
            for &member in others.iter().take(limits.max_members_per_cluster) {
                let doc = table.slot_of_id(member);
                let pair = pair_index
                    .get(&(cluster.representative, member))
                    .map(|&index| {
                        pairs.push(orient_pair(&input.pairs[index], rep, doc, &table));
                        pairs.len() - 1
                    });
                members.push(MemberData { doc, pair });
            }
            clusters.push(ClusterData {
                id: cluster.cluster,
                size: cluster_size(cluster),
                rep,
                more: others.len().saturating_sub(members.len()),
                members,
            });
        }

        // Worst first: lowest quality, then most flags, then input order.
        let mut flagged_order: Vec<usize> = (0..input.documents.len())
            .filter(|&i| !input.documents[i].flags.is_empty())
            .collect();
        let quality = |i: usize| {
            input.documents[i]
                .scores
                .map_or(1.0, |s| finite_or(s.quality, 1.0))
        };
        flagged_order.sort_by(|&x, &y| {
            quality(x)
                .total_cmp(&quality(y))
                .then(
                    input.documents[y]
                        .flags
                        .len()
                        .cmp(&input.documents[x].flags.len()),
                )
                .then(x.cmp(&y))
        });
        let flagged_total = flagged_order.len();
        let flagged: Vec<usize> = flagged_order
            .into_iter()
            .take(limits.max_flagged)
            .map(|i| table.slot(i))
            .collect();

        let relations: BTreeSet<&str> = input
            .documents
            .iter()
            .filter_map(|d| d.relation)
            .chain(input.pairs.iter().map(|p| p.relation))
            .map(Relation::as_str)
            .collect();
        let categories: BTreeSet<&str> = input
            .documents
            .iter()
            .flat_map(|d| d.flags.iter().map(|f| f.category))
            .collect();

        PageData {
            totals: Totals {
                documents: input.documents.len(),
                clusters: input.clusters.len(),
                clusters_shown: clusters.len(),
                flagged: flagged_total,
                flagged_shown: flagged.len(),
                pairs: input.pairs.len(),
            },
            docs: table.docs,
            pairs,
            clusters,
            flagged,
            relations: relations.into_iter().collect(),
            categories: categories.into_iter().collect(),
            files: FilesData {
                directory: input.files.directory.clone(),
                documents: input.files.documents.clone(),
                pairs: input.files.pairs.clone(),
                clusters: input.files.clusters.clone(),
            },
            limits: LimitsData {
                max_text_bytes: limits.max_text_bytes,
            },
        }
    }
}

fn cluster_size(cluster: &ReportCluster) -> usize {
    let listed = cluster.members.len();
    if cluster.members.contains(&cluster.representative) {
        listed
    } else {
        listed + 1
    }
}

/// The first pair (in input order, either way round) of each shown member
/// with its cluster's representative. Only those are looked up, among a
/// hundred thousand pairs or more: each pair's ids are hashed once (xxh3)
/// and looked up by that hash among the shown documents' ids, and only a
/// pair of two shown documents is looked up by its ids.
fn pair_index<'a>(
    input: &ReportInput<'a>,
    shown: &[(&ReportCluster<'a>, Vec<&'a str>)],
    max_members: usize,
) -> HashMap<(&'a str, &'a str), usize> {
    let mut wanted: HashMap<(&str, &str), Option<usize>> = HashMap::new();
    let mut shown_ids = HashKeyedSet::default();
    for (cluster, others) in shown {
        shown_ids.insert(xxh3_64(cluster.representative.as_bytes()));
        for &member in others.iter().take(max_members) {
            shown_ids.insert(xxh3_64(member.as_bytes()));
            wanted.insert((cluster.representative, member), None);
        }
    }
    let is_shown = |id: &str| shown_ids.contains(&xxh3_64(id.as_bytes()));
    for (index, pair) in input.pairs.iter().enumerate() {
        if !(is_shown(pair.a) && is_shown(pair.b)) {
            continue;
        }
        for key in [(pair.a, pair.b), (pair.b, pair.a)] {
            if let Some(slot @ None) = wanted.get_mut(&key) {
                *slot = Some(index);
            }
        }
    }
    wanted
        .into_iter()
        .filter_map(|(key, index)| Some((key, index?)))
        .collect()
}

/// Turn a pair into display form with the representative (`left`) first:
/// when the representative is the pair's `b`, sides swap and so do inserts
/// and deletes. Spans are clipped to the inlined texts and converted to UTF-16.
fn orient_pair(pair: &ReportPair, left: usize, right: usize, table: &DocTable) -> PairData {
    let left_id = table.docs[left].id;
    let swapped = pair.a != left_id;
    let (left_text, right_text) = (table.docs[left].text, table.docs[right].text);
    let (left_cut, right_cut) = (table.cut_bytes[left], table.cut_bytes[right]);

    let mut kept = Vec::new();
    let mut edits_cut = 0;
    for edit in &pair.edits {
        let (mut op, mut on_left, mut on_right) = match edit.op {
            EditOp::Insert => (1, edit.a, edit.b),
            EditOp::Delete => (2, edit.a, edit.b),
            EditOp::Replace => (0, edit.a, edit.b),
        };
        if swapped {
            std::mem::swap(&mut on_left, &mut on_right);
            op = match op {
                1 => 2,
                2 => 1,
                other => other,
            };
        }
        let valid = |span: [usize; 2], cut: usize| span[0] <= span[1] && span[1] <= cut;
        if valid(on_left, left_cut) && valid(on_right, right_cut) {
            kept.push((op, on_left, on_right));
        } else {
            edits_cut += 1;
        }
    }
    let left_bounds: Vec<usize> = kept.iter().flat_map(|e| e.1).collect();
    let right_bounds: Vec<usize> = kept.iter().flat_map(|e| e.2).collect();
    let left_units = utf16_offsets(left_text, &left_bounds);
    let right_units = utf16_offsets(right_text, &right_bounds);
    let edits = (0..kept.len())
        .map(|i| {
            [
                kept[i].0,
                left_units[2 * i],
                left_units[2 * i + 1],
                right_units[2 * i],
                right_units[2 * i + 1],
            ]
        })
        .collect();

    let containment = if swapped {
        [pair.containment[1], pair.containment[0]]
    } else {
        pair.containment
    };
    let source = pair.source.map(|id| {
        if id == left_id {
            "left"
        } else if id == table.docs[right].id {
            "right"
        } else {
            ""
        }
    });
    PairData {
        left,
        right,
        jaccard: finite_or(pair.jaccard, 0.0),
        containment: containment.map(|c| finite_or(c, 0.0)),
        rel: pair.relation.as_str().to_string(),
        similarity: pair.similarity.filter(|s| s.is_finite()),
        source: source.filter(|s| !s.is_empty()),
        edits,
        edits_cut,
    }
}

// ---------------------------------------------------------------------------
// Static parts of the page.

fn write_overview(out: &mut impl Write, input: &ReportInput, data: &PageData) -> io::Result<()> {
    writeln!(
        out,
        "<section id=\"overview\" class=\"section\" aria-labelledby=\"overview-title\">\n<h2 id=\"overview-title\">Overview</h2>"
    )?;

    // Counts: what the run reported, then what the report can add itself.
    writeln!(out, "<div class=\"stats\">")?;
    let mut stats: Vec<(String, u64)> = input.summary.counts.clone();
    let has = |stats: &[(String, u64)], name: &str| stats.iter().any(|(n, _)| n == name);
    if !has(&stats, "documents") && !has(&stats, "accepted") {
        stats.insert(0, ("documents".into(), input.documents.len() as u64));
    }
    if !has(&stats, "clusters") {
        stats.push(("clusters".into(), input.clusters.len() as u64));
    }
    if !has(&stats, "pairs") {
        stats.push(("pairs".into(), input.pairs.len() as u64));
    }
    if !has(&stats, "flagged") {
        stats.push(("flagged".into(), data.totals.flagged as u64));
    }
    for (name, value) in &stats {
        writeln!(
            out,
            "<div class=\"stat\"><div class=\"stat-value\">{}</div><div class=\"stat-label\">{}</div></div>",
            group_digits(*value),
            escape_html(&name.replace('_', " "))
        )?;
    }
    writeln!(out, "</div>")?;

    writeln!(out, "<div class=\"charts\">")?;
    let jaccards: Vec<f64> = input.pairs.iter().map(|p| p.jaccard).collect();
    write_histogram(
        out,
        "Similarity of kept pairs",
        "Shingle Jaccard",
        "pairs",
        &jaccards,
        "hist-jaccard",
    )?;
    let qualities: Vec<f64> = input
        .documents
        .iter()
        .filter_map(|d| d.scores.map(|s| s.quality))
        .collect();
    write_histogram(
        out,
        "Quality of documents",
        "Quality score (1 = clean)",
        "documents",
        &qualities,
        "hist-quality",
    )?;
    writeln!(out, "</div>")?;

    writeln!(out, "<div class=\"panels\">")?;
    write_breakdowns(out, input)?;
    write_substitutions(out, input)?;
    writeln!(out, "</div>")?;

    write_run_details(out, input)?;

    let files = &input.files;
    let dir = escape_html(&files.directory);
    writeln!(
        out,
        "<p class=\"data-note\">This page shows a selection. The full data is in <code>{dir}</code>: \
         <code>{}</code> (every document with its flags and scores), <code>{}</code> (every pair with its edits), \
         <code>{}</code>, <code>{}</code> and <code>{}</code>.</p>\n</section>",
        escape_html(&files.documents),
        escape_html(&files.pairs),
        escape_html(&files.clusters),
        escape_html(&files.substitutions),
        escape_html(&files.summary)
    )
}

/// Number of histogram bins over [0, 1].
const BINS: usize = 20;

/// An inline SVG bar chart of `values` over [0, 1]; values outside are
/// clamped, non-finite values skipped.
fn write_histogram(
    out: &mut impl Write,
    title: &str,
    axis: &str,
    unit: &str,
    values: &[f64],
    id: &str,
) -> io::Result<()> {
    let mut counts = [0u64; BINS];
    for &value in values.iter().filter(|v| v.is_finite()) {
        let bin = ((value.clamp(0.0, 1.0) * BINS as f64) as usize).min(BINS - 1);
        counts[bin] += 1;
    }
    let total: u64 = counts.iter().sum();
    let (tick_step, num_ticks) = axis_ticks(counts.iter().copied().max().unwrap_or(0));
    let peak = tick_step.saturating_mul(num_ticks);
    writeln!(
        out,
        "<figure class=\"chart\" id=\"{id}\">\n<figcaption><span class=\"chart-title\">{}</span> <span class=\"chart-sub\">{} {}</span></figcaption>",
        escape_html(title),
        group_digits(total),
        escape_html(unit)
    )?;
    if total == 0 {
        return writeln!(
            out,
            "<p class=\"empty\">No {} to show.</p>\n</figure>",
            escape_html(unit)
        );
    }
    let (width, height) = (520.0, 190.0);
    let (left, right, top, bottom) = (44.0, 10.0, 12.0, 34.0);
    let plot_w = width - left - right;
    let plot_h = height - top - bottom;
    let bar_w = plot_w / BINS as f64;
    writeln!(
        out,
        "<svg viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{}: histogram of {} {}\">",
        escape_html(title),
        total,
        escape_html(unit)
    )?;
    for tick in 0..=num_ticks {
        let y = top + plot_h - plot_h * tick as f64 / num_ticks as f64;
        let value = tick.saturating_mul(tick_step);
        writeln!(
            out,
            "<line class=\"grid\" x1=\"{left}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/><text class=\"tick\" x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            width - right,
            left - 6.0,
            y + 4.0,
            compact_number(value)
        )?;
    }
    for (bin, &count) in counts.iter().enumerate() {
        let h = plot_h * count as f64 / peak as f64;
        let x = left + bin as f64 * bar_w;
        let low = bin as f64 / BINS as f64;
        let high = (bin + 1) as f64 / BINS as f64;
        writeln!(
            out,
            "<rect class=\"bar\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{h:.1}\"><title>{low:.2}–{high:.2}: {} {}</title></rect>",
            x + 1.0,
            top + plot_h - h,
            bar_w - 2.0,
            group_digits(count),
            escape_html(unit)
        )?;
    }
    for tick in 0..=4 {
        let x = left + plot_w * tick as f64 / 4.0;
        writeln!(
            out,
            "<text class=\"tick\" x=\"{x:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            top + plot_h + 16.0,
            ["0", "0.25", "0.5", "0.75", "1"][tick]
        )?;
    }
    writeln!(
        out,
        "<text class=\"axis\" x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n</svg>\n</figure>",
        left + plot_w / 2.0,
        height - 2.0,
        escape_html(axis)
    )
}

/// A round tick step (1, 2 or 5 times a power of ten) and the number of
/// ticks above zero, at most 5, whose top reaches `peak`.
fn axis_ticks(peak: u64) -> (u64, u64) {
    let peak = peak.max(1);
    let mut power = 1u64;
    loop {
        for factor in [1, 2, 5] {
            let step = factor * power;
            if step.saturating_mul(5) >= peak {
                return (step, peak.div_ceil(step));
            }
        }
        power = power.saturating_mul(10);
    }
}

/// `12345` → `12k`, for axis ticks.
fn compact_number(n: u64) -> String {
    match n {
        0..=9_999 => n.to_string(),
        10_000..=999_999 => format!("{}k", n / 1000),
        _ => format!("{:.1}M", n as f64 / 1e6),
    }
}

/// Documents per relation and flags per category, over every document.
fn write_breakdowns(out: &mut impl Write, input: &ReportInput) -> io::Result<()> {
    let mut relations: BTreeMap<&str, u64> = BTreeMap::new();
    let mut categories: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    for document in &input.documents {
        *relations
            .entry(document.relation.map_or("", Relation::as_str))
            .or_default() += 1;
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        for flag in &document.flags {
            let entry = categories.entry(flag.category).or_default();
            entry.0 += 1;
            if seen.insert(flag.category) {
                entry.1 += 1;
            }
        }
    }
    let total = input.documents.len().max(1) as f64;
    writeln!(
        out,
        "<div class=\"panel\">\n<h3>Documents by relation to their representative</h3>\n<table class=\"table\">\n<thead><tr><th scope=\"col\">Relation</th><th scope=\"col\" class=\"num\">Documents</th><th scope=\"col\" class=\"num\">Share</th></tr></thead>\n<tbody>"
    )?;
    for (relation, count) in &relations {
        let label = if relation.is_empty() {
            "unique or representative".to_string()
        } else {
            relation.replace('_', " ")
        };
        let class = if relation.is_empty() {
            "none"
        } else {
            relation
        };
        writeln!(
            out,
            "<tr><td><span class=\"chip rel-{}\">{}</span></td><td class=\"num\">{}</td><td class=\"num\">{:.1}%</td></tr>",
            escape_html(class),
            escape_html(&label),
            group_digits(*count),
            100.0 * *count as f64 / total
        )?;
    }
    writeln!(out, "</tbody>\n</table>")?;
    if categories.is_empty() {
        writeln!(out, "<p class=\"empty\">No quality flags.</p>")?;
    } else {
        writeln!(
            out,
            "<h3>Quality flags by category</h3>\n<table class=\"table\">\n<thead><tr><th scope=\"col\">Category</th><th scope=\"col\" class=\"num\">Flags</th><th scope=\"col\" class=\"num\">Documents</th></tr></thead>\n<tbody>"
        )?;
        for (category, (flags, documents)) in &categories {
            writeln!(
                out,
                "<tr><td><span class=\"chip cat-{0}\">{0}</span></td><td class=\"num\">{1}</td><td class=\"num\">{2}</td></tr>",
                escape_html(category),
                group_digits(*flags),
                group_digits(*documents)
            )?;
        }
        writeln!(out, "</tbody>\n</table>")?;
    }
    writeln!(out, "</div>")
}

fn write_substitutions(out: &mut impl Write, input: &ReportInput) -> io::Result<()> {
    let mut substitutions: Vec<&ReportSubstitution> = input.substitutions.iter().collect();
    substitutions.sort_by(|x, y| {
        y.count
            .cmp(&x.count)
            .then(x.from.cmp(y.from))
            .then(x.to.cmp(y.to))
    });
    let shown = substitutions.len().min(input.limits.max_substitutions);
    writeln!(
        out,
        "<div class=\"panel\" id=\"substitutions\">\n<h3>Most frequent mined substitutions</h3>"
    )?;
    if shown == 0 {
        return writeln!(
            out,
            "<p class=\"empty\">No substitutions were mined from rewrite pairs.</p>\n</div>"
        );
    }
    writeln!(
        out,
        "<table class=\"table subs\">\n<thead><tr><th scope=\"col\">Source word</th><th scope=\"col\" aria-label=\"becomes\"></th><th scope=\"col\">Spun word</th><th scope=\"col\">Kind</th><th scope=\"col\" class=\"num\">Count</th></tr></thead>\n<tbody>"
    )?;
    for substitution in &substitutions[..shown] {
        let examples = substitution
            .examples
            .iter()
            .take(5)
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(", ");
        let title = if examples.is_empty() {
            String::new()
        } else {
            format!(" title=\"examples: {}\"", escape_html(&examples))
        };
        writeln!(
            out,
            "<tr{title}><td><span class=\"word-from\">{}</span></td><td class=\"arrow\" aria-hidden=\"true\">→</td><td><span class=\"word-to\">{}</span></td><td class=\"kind\">{}</td><td class=\"num\">{}</td></tr>",
            escape_html(substitution.from),
            escape_html(substitution.to),
            escape_html(&substitution.kind.replace('_', " ")),
            group_digits(substitution.count)
        )?;
    }
    writeln!(out, "</tbody>\n</table>")?;
    if substitutions.len() > shown {
        writeln!(
            out,
            "<p class=\"note\">Top {shown} of {}; all are in <code>{}</code>.</p>",
            group_digits(substitutions.len() as u64),
            escape_html(&input.files.substitutions)
        )?;
    }
    writeln!(out, "</div>")
}

fn write_run_details(out: &mut impl Write, input: &ReportInput) -> io::Result<()> {
    let summary = &input.summary;
    if summary.parameters.is_empty() && summary.timings.is_empty() && summary.inputs.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "<details class=\"run-details\">\n<summary>Run details: inputs, parameters and timings</summary>\n<div class=\"run-grid\">"
    )?;
    if !summary.inputs.is_empty() {
        writeln!(out, "<div><h3>Inputs</h3><ul class=\"plain\">")?;
        for name in &summary.inputs {
            writeln!(out, "<li><code>{}</code></li>", escape_html(name))?;
        }
        writeln!(out, "</ul></div>")?;
    }
    if !summary.parameters.is_empty() {
        writeln!(
            out,
            "<div><h3>Parameters</h3><table class=\"table\"><tbody>"
        )?;
        for (name, value) in &summary.parameters {
            writeln!(
                out,
                "<tr><th scope=\"row\">{}</th><td><code>{}</code></td></tr>",
                escape_html(name),
                escape_html(value)
            )?;
        }
        writeln!(out, "</tbody></table></div>")?;
    }
    if !summary.timings.is_empty() {
        writeln!(
            out,
            "<div><h3>Time per stage</h3><table class=\"table\"><tbody>"
        )?;
        let total: f64 = summary.timings.iter().map(|(_, s)| s.max(0.0)).sum();
        for (stage, seconds) in &summary.timings {
            writeln!(
                out,
                "<tr><th scope=\"row\">{}</th><td class=\"num\">{seconds:.3} s</td></tr>",
                escape_html(stage)
            )?;
        }
        writeln!(
            out,
            "<tr class=\"total\"><th scope=\"row\">total</th><td class=\"num\">{total:.3} s</td></tr>\n</tbody></table></div>"
        )?;
    }
    writeln!(out, "</div>\n</details>")
}

fn write_toolbar(out: &mut impl Write) -> io::Result<()> {
    writeln!(
        out,
        "<div class=\"toolbar\" id=\"filters\" role=\"search\">\n\
         <label class=\"field grow\"><span>Search id or text</span><input type=\"search\" id=\"filter-search\" placeholder=\"e.g. ferry or doc-17\" autocomplete=\"off\"></label>\n\
         <label class=\"field\"><span>Relation</span><select id=\"filter-relation\"><option value=\"\">any</option></select></label>\n\
         <label class=\"field\"><span>Flag category</span><select id=\"filter-category\"><option value=\"\">any</option></select></label>\n\
         <label class=\"field narrow\"><span>Min quality</span><input type=\"number\" id=\"filter-min-quality\" min=\"0\" max=\"1\" step=\"0.05\" placeholder=\"0\"></label>\n\
         <label class=\"field narrow\"><span>Max quality</span><input type=\"number\" id=\"filter-max-quality\" min=\"0\" max=\"1\" step=\"0.05\" placeholder=\"1\"></label>\n\
         <button type=\"button\" id=\"filter-reset\" class=\"button secondary\">Reset</button>\n\
         <p class=\"filter-status\" id=\"filter-status\" aria-live=\"polite\"></p>\n</div>"
    )
}

fn write_clusters_section(
    out: &mut impl Write,
    input: &ReportInput,
    data: &PageData,
) -> io::Result<()> {
    let totals = &data.totals;
    writeln!(
        out,
        "<section id=\"clusters\" class=\"section\" aria-labelledby=\"clusters-title\">\n<h2 id=\"clusters-title\">Clusters</h2>"
    )?;
    let scope = if totals.clusters_shown < totals.clusters {
        format!(
            "The {} largest of {} clusters are shown, each with up to {} members; all are in <code>{}</code>.",
            group_digits(totals.clusters_shown as u64),
            group_digits(totals.clusters as u64),
            input.limits.max_members_per_cluster,
            escape_html(&input.files.clusters)
        )
    } else {
        format!(
            "{} cluster{}, each shown with up to {} members.",
            group_digits(totals.clusters as u64),
            plural(totals.clusters as u64),
            input.limits.max_members_per_cluster
        )
    };
    writeln!(
        out,
        "<p class=\"note\">{scope} Each member is shown beside its cluster's representative; open a cluster to compare.</p>"
    )?;
    writeln!(
        out,
        "<div class=\"legend\" aria-label=\"Legend\"><span class=\"legend-title\">Legend</span>\
         <span><mark class=\"ed ed-replace\">replaced</mark> words swapped for others</span>\
         <span><mark class=\"ed ed-delete\">only in representative</mark> dropped in the copy</span>\
         <span><mark class=\"ed ed-insert\">only in copy</mark> added by the copy</span></div>"
    )?;
    writeln!(
        out,
        "<div id=\"cluster-list\" class=\"list\"></div>\n<button type=\"button\" class=\"button more\" id=\"more-clusters\" hidden>Show more clusters</button>\n</section>"
    )
}

fn write_flagged_section(
    out: &mut impl Write,
    input: &ReportInput,
    data: &PageData,
) -> io::Result<()> {
    let totals = &data.totals;
    writeln!(
        out,
        "<section id=\"flagged\" class=\"section\" aria-labelledby=\"flagged-title\">\n<h2 id=\"flagged-title\">Flagged documents</h2>"
    )?;
    let scope = if totals.flagged_shown < totals.flagged {
        format!(
            "The {} lowest-quality of {} flagged documents are shown; every document's flags are in <code>{}</code>.",
            group_digits(totals.flagged_shown as u64),
            group_digits(totals.flagged as u64),
            escape_html(&input.files.documents)
        )
    } else {
        format!(
            "{} flagged document{}, lowest quality first.",
            group_digits(totals.flagged as u64),
            plural(totals.flagged as u64)
        )
    };
    writeln!(
        out,
        "<p class=\"note\">{scope} Hover over or focus a highlighted span to read why it is flagged.</p>"
    )?;
    write!(
        out,
        "<div class=\"legend\" aria-label=\"Flag categories\"><span class=\"legend-title\">Categories</span>"
    )?;
    for (category, meaning) in [
        ("spin", "synonym-swapped or tortured wording"),
        ("grammar", "dropped or swapped words"),
        ("incoherence", "dangling, stitched or cut text"),
        ("metadata", "datestamps, bylines, labels"),
        ("boilerplate", "page furniture, links"),
        ("repetition", "repeated text"),
        ("heuristic", "training-data rules"),
    ] {
        write!(
            out,
            "<span><mark class=\"fl cat-{category}\">{category}</mark> {meaning}</span>"
        )?;
    }
    writeln!(out, "</div>")?;
    writeln!(
        out,
        "<div id=\"flagged-list\" class=\"list\"></div>\n<button type=\"button\" class=\"button more\" id=\"more-flagged\" hidden>Show more documents</button>\n</section>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_html_escapes_markup_and_quotes() {
        assert_eq!(
            escape_html(r#"<img src=x onerror="a('b')">&"#),
            "&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;"
        );
        assert_eq!(escape_html("Zürich — 東京"), "Zürich — 東京");
    }

    #[test]
    fn script_safe_json_cannot_close_the_script_element() {
        let value = serde_json::json!({
            "text": "</script><script>alert(1)</script><!-- & \u{2028}\u{2029}"
        });
        let safe = script_safe_json(&value.to_string());
        for forbidden in ["<", ">", "&", "\u{2028}", "\u{2029}"] {
            assert!(!safe.contains(forbidden), "{forbidden:?} left in {safe}");
        }
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, value);
    }

    #[test]
    fn utf16_offsets_count_code_units_not_bytes() {
        // é: 2 bytes, 1 unit; 東: 3 bytes, 1 unit; 😀: 4 bytes, 2 units.
        let text = "aé東😀b";
        let bytes = [0, 1, 3, 6, 10, 11];
        assert_eq!(utf16_offsets(text, &bytes), vec![0, 1, 2, 3, 5, 6]);
        // Unsorted input keeps its order.
        assert_eq!(utf16_offsets(text, &[10, 0, 3]), vec![5, 0, 2]);
    }

    #[test]
    fn utf16_offsets_inside_a_character_or_past_the_end_do_not_panic() {
        let text = "é東";
        // 1 is inside é, 4 inside 東: both map to their character's start.
        assert_eq!(utf16_offsets(text, &[1, 4, 99]), vec![0, 1, 2]);
        assert_eq!(utf16_offsets("", &[0, 5]), vec![0, 0]);
    }

    #[test]
    fn utf16_offsets_agree_with_slicing_the_utf16_string() {
        let text = "Le ministre a déclaré «non» à Zürich 😀 hier.";
        let word = "Zürich";
        let start = text.find(word).unwrap();
        let units = utf16_offsets(text, &[start, start + word.len()]);
        let utf16: Vec<u16> = text.encode_utf16().collect();
        assert_eq!(
            String::from_utf16(&utf16[units[0]..units[1]]).unwrap(),
            word
        );
    }

    #[test]
    fn cut_point_stays_on_a_character_and_prefers_a_space() {
        let text = "ééé ééé";
        assert_eq!(cut_point(text, 100), text.len());
        let cut = cut_point(text, 9);
        assert!(text.is_char_boundary(cut));
        assert_eq!(&text[..cut], "ééé");
        assert_eq!(cut_point("ééé", 3), 2);
        assert_eq!(cut_point("ééé", 0), 0);
        // More than the word slack back from the cut, in text with no space
        // near it: the window searched for a space starts inside a character
        // unless it is moved to one.
        for text in [
            "港口董事会宣布了新计划。".repeat(40),
            "дом£😀x\u{301}".repeat(40),
        ] {
            for max_bytes in 0..=text.len() {
                let cut = cut_point(&text, max_bytes);
                assert!(
                    cut <= max_bytes && text.is_char_boundary(cut),
                    "{max_bytes}"
                );
            }
        }
    }

    #[test]
    fn cut_point_looks_back_for_a_space_from_a_character_boundary() {
        // Found by the report fuzzer: 80 bytes before a cut on a boundary of
        // three-byte characters is inside one, and slicing there panicked.
        let text = "€".repeat(100);
        let cut = cut_point(&text, 150);
        assert_eq!(cut, 150);
        let text = format!("{} {}", "€".repeat(30), "€".repeat(30));
        let cut = cut_point(&text, 150);
        assert_eq!(&text[..cut], "€".repeat(30));
    }

    #[test]
    fn axis_ticks_are_round_and_reach_the_peak() {
        assert_eq!(axis_ticks(0), (1, 1));
        assert_eq!(axis_ticks(1), (1, 1));
        assert_eq!(axis_ticks(4), (1, 4));
        assert_eq!(axis_ticks(7), (2, 4));
        assert_eq!(axis_ticks(10), (2, 5));
        assert_eq!(axis_ticks(12345), (5000, 3));
        assert!(axis_ticks(u64::MAX).1 <= 5);
    }

    #[test]
    fn sha256_and_base64_match_known_digests() {
        // FIPS 180-4 examples, and a two-block message.
        assert_eq!(
            base64(&sha256(b"")),
            "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
        );
        assert_eq!(
            base64(&sha256(b"abc")),
            "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="
        );
        assert_eq!(
            base64(&sha256(
                b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
            )),
            "JI1qYdIGOLjlwCaTDD5gOaM85Flk/yFn9uzt1BnbBsE="
        );
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
    }

    #[test]
    fn group_digits_groups_thousands() {
        assert_eq!(group_digits(0), "0");
        assert_eq!(group_digits(999), "999");
        assert_eq!(group_digits(1000), "1,000");
        assert_eq!(group_digits(1234567), "1,234,567");
    }

    fn sample() -> (String, String) {
        let source = "The minister said «the plan» would fail in Zürich.".to_string();
        let copy = "The secretary stated «the plan» would fail in Zürich.".to_string();
        (source, copy)
    }

    #[test]
    fn pairs_are_turned_to_put_the_representative_left() {
        let (source, copy) = sample();
        let (a_start, b_start) = (
            source.find("minister").unwrap(),
            copy.find("secretary").unwrap(),
        );
        let input = ReportInput {
            documents: vec![
                ReportDocument {
                    id: "copy",
                    text: &copy,
                    cluster: Some(0),
                    duplicate_of: Some("src"),
                    relation: Some(Relation::Rewrite),
                    ..Default::default()
                },
                ReportDocument {
                    id: "src",
                    text: &source,
                    cluster: Some(0),
                    ..Default::default()
                },
            ],
            // The pair names the copy first: the page must swap it.
            pairs: vec![ReportPair {
                a: "copy",
                b: "src",
                jaccard: 0.4,
                containment: [0.3, 0.6],
                relation: Relation::Rewrite,
                edits: vec![
                    ReportEdit {
                        op: EditOp::Replace,
                        a: [b_start, b_start + "secretary".len()],
                        b: [a_start, a_start + "minister".len()],
                    },
                    ReportEdit {
                        op: EditOp::Insert,
                        a: [0, 0],
                        b: [0, 4],
                    },
                ],
                source: Some("src"),
                similarity: Some(0.8),
            }],
            clusters: vec![ReportCluster {
                cluster: 0,
                representative: "src",
                members: vec!["src", "copy"],
            }],
            ..Default::default()
        };
        let data = PageData::build(&input);
        assert_eq!(data.clusters.len(), 1);
        let cluster = &data.clusters[0];
        assert_eq!(data.docs[cluster.rep].id, "src");
        assert_eq!(cluster.members.len(), 1);
        let pair = &data.pairs[cluster.members[0].pair.unwrap()];
        assert_eq!(data.docs[pair.left].id, "src");
        assert_eq!(pair.containment, [0.6, 0.3]);
        assert_eq!(pair.source, Some("left"));
        // Replace keeps its op with sides swapped; an insert into a becomes a
        // delete from the representative.
        assert_eq!(pair.edits[0], [0, 4, 12, 4, 13]);
        assert_eq!(pair.edits[1], [2, 0, 4, 0, 0]);
    }

    #[test]
    fn members_with_the_most_to_show_come_first() {
        let relations = [
            None,
            Some(Relation::Exact),
            Some(Relation::NearExact),
            Some(Relation::Rewrite),
            Some(Relation::Excerpt),
            Some(Relation::Exact),
        ];
        let ids = ["rep", "e1", "n", "r", "x", "e2"];
        let input = ReportInput {
            documents: ids
                .iter()
                .zip(relations)
                .map(|(&id, relation)| ReportDocument {
                    id,
                    relation,
                    ..Default::default()
                })
                .collect(),
            clusters: vec![ReportCluster {
                cluster: 0,
                representative: "rep",
                members: ids.to_vec(),
            }],
            ..Default::default()
        };
        let data = PageData::build(&input);
        let shown: Vec<&str> = data.clusters[0]
            .members
            .iter()
            .map(|m| data.docs[m.doc].id)
            .collect();
        assert_eq!(shown, vec!["r", "x", "n", "e1", "e2"]);
    }

    #[test]
    fn flags_get_utf16_spans_and_spans_beyond_the_cut_are_kept_without_one() {
        let text = "Zürich 😀 officials stated that. ".repeat(10);
        let word = "officials stated";
        let start = text.find(word).unwrap();
        let late = text.rfind(word).unwrap();
        let input = ReportInput {
            documents: vec![ReportDocument {
                id: "d",
                text: &text,
                flags: vec![
                    ReportFlag {
                        rule: "r",
                        category: "spin",
                        start,
                        end: start + word.len(),
                        message: "m",
                        score: 0.5,
                    },
                    ReportFlag {
                        rule: "r",
                        category: "spin",
                        start: late,
                        end: late + word.len(),
                        message: "m",
                        score: 0.5,
                    },
                    // Reversed and out of range: kept, never panics.
                    ReportFlag {
                        rule: "bad",
                        category: "grammar",
                        start: 9999,
                        end: 3,
                        message: "m",
                        score: f64::NAN,
                    },
                ],
                scores: Some(ReportScores {
                    quality: 0.2,
                    spin: 0.9,
                    incoherence: 0.1,
                }),
                ..Default::default()
            }],
            limits: ReportLimits {
                max_text_bytes: 60,
                ..Default::default()
            },
            ..Default::default()
        };
        let data = PageData::build(&input);
        let doc = &data.docs[data.flagged[0]];
        assert!(doc.text.len() <= 60);
        assert!(doc.cut_from.is_some());
        let utf16: Vec<u16> = doc.text.encode_utf16().collect();
        let span = doc.flags[0].span.unwrap();
        assert_eq!(String::from_utf16(&utf16[span[0]..span[1]]).unwrap(), word);
        assert_eq!(doc.flags[1].span, None);
        assert_eq!(doc.flags[1].text, word);
        assert_eq!(doc.flags[2].span, None);
        assert_eq!(doc.flags[2].score, 0.0);
    }

    #[test]
    fn report_escapes_document_text_everywhere() {
        let hostile = "<script>window.__pwned=1</script><img src=x onerror=\"window.__pwned=1\">";
        let input = ReportInput {
            title: "<b>title</b>".into(),
            documents: vec![ReportDocument {
                id: "<id>",
                text: hostile,
                flags: vec![ReportFlag {
                    rule: "<rule>",
                    category: "<cat>",
                    start: 0,
                    end: 8,
                    message: "</script>",
                    score: 1.0,
                }],
                ..Default::default()
            }],
            substitutions: vec![ReportSubstitution {
                from: "<from>",
                to: "</script>",
                kind: "formal_name",
                count: 1,
                examples: vec!["<ex>".into()],
            }],
            summary: ReportSummary {
                inputs: vec!["<in>".into()],
                parameters: vec![("<p>".into(), "<v>".into())],
                ..Default::default()
            },
            ..Default::default()
        };
        let mut page = Vec::new();
        write_report(&mut page, &input).unwrap();
        let page = String::from_utf8(page).unwrap();
        // The only script elements are the page's own two.
        assert_eq!(page.matches("<script").count(), 2);
        assert_eq!(page.matches("</script>").count(), 2);
        for raw in [
            "<img", "<b>", "<id>", "<rule>", "<cat>", "<from>", "<ex>", "<in>", "<p>", "<v>",
        ] {
            assert!(!page.contains(raw), "{raw} unescaped");
        }
        // Nothing is loaded from elsewhere.
        assert!(!page.contains("http://") && !page.contains("https://"));
    }

    #[test]
    fn inlined_data_stays_bounded_for_100k_documents() {
        let text = "word ".repeat(2000);
        let ids: Vec<String> = (0..100_000).map(|i| format!("d{i}")).collect();
        let documents = ids
            .iter()
            .map(|id| ReportDocument {
                id,
                text: &text,
                flags: vec![ReportFlag {
                    category: "spin",
                    start: 5,
                    end: 9,
                    ..Default::default()
                }],
                scores: Some(ReportScores::default()),
                ..Default::default()
            })
            .collect();
        let clusters = (0..10_000)
            .map(|c| ReportCluster {
                cluster: c as u64,
                representative: &ids[c * 10],
                members: ids[c * 10..c * 10 + 10]
                    .iter()
                    .map(String::as_str)
                    .collect(),
            })
            .collect();
        let input = ReportInput {
            documents,
            clusters,
            ..Default::default()
        };
        let limits = ReportLimits::default();
        let data = PageData::build(&input);
        let most_docs =
            limits.max_clusters * (limits.max_members_per_cluster + 1) + limits.max_flagged;
        assert!(
            data.docs.len() <= most_docs,
            "{} docs inlined",
            data.docs.len()
        );
        assert!(data
            .docs
            .iter()
            .all(|d| d.text.len() <= limits.max_text_bytes));
        assert_eq!(data.totals.flagged, 100_000);
        let mut page = Vec::new();
        write_report(&mut page, &input).unwrap();
        let budget = most_docs * (limits.max_text_bytes + 1000);
        assert!(page.len() < budget, "{} bytes", page.len());
    }

    #[test]
    fn report_is_deterministic_and_caps_what_it_inlines() {
        let texts: Vec<String> = (0..50).map(|i| format!("story {i} text")).collect();
        let ids: Vec<String> = (0..50).map(|i| format!("doc-{i}")).collect();
        let documents = (0..50)
            .map(|i| ReportDocument {
                id: &ids[i],
                text: &texts[i],
                flags: vec![ReportFlag {
                    category: "grammar",
                    end: 5,
                    ..Default::default()
                }],
                scores: Some(ReportScores {
                    quality: (i % 7) as f64 / 7.0,
                    ..Default::default()
                }),
                ..Default::default()
            })
            .collect();
        let clusters = (0..10)
            .map(|c| ReportCluster {
                cluster: c as u64,
                representative: &ids[c * 5],
                members: (c * 5..c * 5 + 1 + c % 5)
                    .map(|i| ids[i].as_str())
                    .collect(),
            })
            .collect();
        let input = ReportInput {
            documents,
            clusters,
            limits: ReportLimits {
                max_clusters: 3,
                max_members_per_cluster: 2,
                max_flagged: 4,
                ..Default::default()
            },
            ..Default::default()
        };
        let data = PageData::build(&input);
        assert_eq!(data.clusters.len(), 3);
        // Largest first (size 5 for clusters 4 and 9), ties by number.
        assert_eq!(
            data.clusters.iter().map(|c| c.id).collect::<Vec<_>>(),
            vec![4, 9, 3]
        );
        assert_eq!(data.clusters[0].members.len(), 2);
        assert_eq!(data.clusters[0].more, 2);
        assert_eq!(data.flagged.len(), 4);
        assert_eq!(data.totals.flagged, 50);
        let qualities: Vec<f64> = data
            .flagged
            .iter()
            .map(|&slot| data.docs[slot].scores.unwrap()[0])
            .collect();
        assert!(qualities.iter().all(|&q| q == 0.0));

        let mut first = Vec::new();
        let mut second = Vec::new();
        write_report(&mut first, &input).unwrap();
        write_report(&mut second, &input).unwrap();
        assert_eq!(first, second);
    }
}
