//! A small hand-made report input: fictional articles written for this
//! project, with copies, a spun rewrite, non-ASCII text and hostile markup.
//! Shared by the browser test (`tests/browser.rs`) and the demo
//! (`examples/report_demo.rs`).
//!
//! Edits and flags are located by searching the texts, so their byte offsets
//! are real offsets, including after multi-byte characters.
#![allow(dead_code)]

use copydesk::report::html::{
    OutputFiles, ReportCluster, ReportDocument, ReportEdit, ReportFlag, ReportInput, ReportLimits,
    ReportPair, ReportScores, ReportSubstitution, ReportSummary,
};
use copydesk::report::{EditOp, Relation};

/// The relation named as in the outputs.
fn relation(name: &str) -> Relation {
    match name {
        "exact" => Relation::Exact,
        "near_exact" => Relation::NearExact,
        "excerpt" => Relation::Excerpt,
        "rewrite" => Relation::Rewrite,
        "partial" => Relation::Partial,
        _ => panic!("no relation {name:?}"),
    }
}

/// The edit kind named as in the outputs.
fn edit_op(name: &str) -> EditOp {
    match name {
        "replace" => EditOp::Replace,
        "insert" => EditOp::Insert,
        "delete" => EditOp::Delete,
        _ => panic!("no edit kind {name:?}"),
    }
}

/// Hostile markup planted in article text: must render as text, never run.
pub const HOSTILE_SCRIPT: &str = "<script>window.__pwned=1</script>";
/// Hostile markup planted in article text: must render as text, never run.
pub const HOSTILE_IMG: &str = "<img src=x onerror=\"window.__pwned=1\">";

const TRAM: &str =
    "Port Almsby council voted on Tuesday to extend the harbour tram line by four kilometres, \
linking the ferry terminal with the new hospital on Kestrel Hill.\n\n\
Councillors said the extension would cost 212 million crowns and take three years to build. \
Residents of the hill had worried that the route would cut through the old market, \
but engineers moved it two streets north after a public hearing in March.\n\n\
\"This is the line people asked for,\" said Mara Vinter, who chairs the transport committee. \
The opposition said the budget was too optimistic and asked for a yearly progress report.\n\n\
Work on the first section is expected to begin in the autumn, once the tender closes.";

const CAFE: &str =
    "Zürich — The Café Mëlange cooperative, which buys beans from growers near São Paulo, \
reported a profit of 1.4 million francs for the year, its first since 2019.\n\n\
The cooperative said stronger sales in Tōkyō (東京) and lower freight costs explained the result. \
Its director, Lea Brönnimann, warned that prices at origin remain volatile 📈 and that the harvest \
could be smaller than expected.\n\n\
Members will vote on a dividend at the annual meeting in June.";

const BRIDGE: &str =
    "The Hollin river bridge will close for repairs from Monday, the roads office said. \
Drivers were told to use the ring road, which adds about twenty minutes to a trip into town.\n\n\
Inspectors found cracks in two of the bridge's steel supports during a routine check last month. \
The repairs are expected to last six weeks.";

/// One document of the fixture, owning its text.
pub struct FixtureDoc {
    pub id: String,
    pub text: String,
    pub cluster: Option<u64>,
    pub duplicate_of: Option<String>,
    pub relation: Option<&'static str>,
    pub flags: Vec<(&'static str, &'static str, usize, usize, &'static str, f64)>,
    pub scores: Option<ReportScores>,
}

/// An edit as (op, span in a, span in b), spans in bytes.
pub type FixtureEdit = (&'static str, [usize; 2], [usize; 2]);

/// One pair of the fixture.
pub struct FixturePair {
    pub a: String,
    pub b: String,
    pub jaccard: f64,
    pub containment: [f64; 2],
    pub relation: &'static str,
    pub similarity: Option<f64>,
    pub edits: Vec<FixtureEdit>,
    pub source: Option<String>,
}

/// Everything the fixture report shows, owned; [`Fixture::input`] borrows it.
pub struct Fixture {
    pub docs: Vec<FixtureDoc>,
    pub pairs: Vec<FixturePair>,
    pub clusters: Vec<(u64, String, Vec<String>)>,
    pub substitutions: Vec<(String, String, u64, Vec<String>)>,
    /// The replaced words of the spun café copy as the page must highlight
    /// them: (in the representative, in the copy).
    pub cafe_replacements: Vec<(String, String)>,
}

/// A copy of `source` with each `(from, to)` swapped once, in order, and the
/// replace edits that say so.
fn spin(source: &str, swaps: &[(&str, &str)]) -> (String, Vec<FixtureEdit>) {
    let mut copy = String::new();
    let mut edits = Vec::new();
    let mut read = 0;
    for (from, to) in swaps {
        let start = read
            + source[read..]
                .find(from)
                .unwrap_or_else(|| panic!("{from:?} not in the source after byte {read}"));
        copy.push_str(&source[read..start]);
        let at = copy.len();
        copy.push_str(to);
        edits.push(("replace", [start, start + from.len()], [at, at + to.len()]));
        read = start + from.len();
    }
    copy.push_str(&source[read..]);
    (copy, edits)
}

fn span(text: &str, needle: &str) -> (usize, usize) {
    let start = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in the text"));
    (start, start + needle.len())
}

fn scores(quality: f64, spin: f64, incoherence: f64) -> Option<ReportScores> {
    Some(ReportScores {
        quality,
        spin,
        incoherence,
    })
}

impl Fixture {
    /// Build the fixture.
    pub fn new() -> Fixture {
        let mut docs = Vec::new();
        let mut pairs = Vec::new();

        // Story 1: a wire story, a syndicated copy with dateline and footer,
        // a copy trimmed to its first paragraph, and a spun rewrite.
        docs.push(FixtureDoc {
            id: "wire-tram-001".into(),
            text: TRAM.into(),
            cluster: Some(0),
            duplicate_of: None,
            relation: None,
            flags: vec![],
            scores: scores(0.97, 0.02, 0.01),
        });
        let dateline = "PORT ALMSBY, May 6 (Harbour Wire) - ";
        let footer =
            "\n\nReporting by Ines Calder; editing by Tom Reyes. Read more: Harbour tram timeline";
        let syndicated = format!("{dateline}{TRAM}{footer}");
        let syndicated_flags = {
            let (s, e) = span(&syndicated, dateline.trim_end_matches(" - "));
            let (fs, fe) = span(&syndicated, "Read more: Harbour tram timeline");
            let (bs, be) = span(
                &syndicated,
                "Reporting by Ines Calder; editing by Tom Reyes.",
            );
            vec![
                (
                    "dateline_glued",
                    "metadata",
                    s,
                    e,
                    "A wire dateline is glued to the first sentence.",
                    0.7,
                ),
                (
                    "byline",
                    "metadata",
                    bs,
                    be,
                    "A byline or editing credit inside the article text.",
                    0.8,
                ),
                (
                    "related_link",
                    "boilerplate",
                    fs,
                    fe,
                    "Navigation text (\"Read more\") left in the article.",
                    0.9,
                ),
            ]
        };
        docs.push(FixtureDoc {
            id: "harbour-daily-88".into(),
            text: syndicated.clone(),
            cluster: Some(0),
            duplicate_of: Some("wire-tram-001".into()),
            relation: Some("near_exact"),
            flags: syndicated_flags,
            scores: scores(0.74, 0.03, 0.35),
        });
        pairs.push(FixturePair {
            a: "wire-tram-001".into(),
            b: "harbour-daily-88".into(),
            jaccard: 0.91,
            containment: [1.0, 0.91],
            relation: "near_exact",
            similarity: None,
            edits: vec![
                ("insert", [0, 0], [0, dateline.len()]),
                (
                    "insert",
                    [TRAM.len(), TRAM.len()],
                    [dateline.len() + TRAM.len(), syndicated.len()],
                ),
            ],
            source: None,
        });

        let first_paragraph = TRAM.split("\n\n").next().unwrap();
        docs.push(FixtureDoc {
            id: "almsby-brief-3".into(),
            text: first_paragraph.into(),
            cluster: Some(0),
            duplicate_of: Some("wire-tram-001".into()),
            relation: Some("excerpt"),
            flags: vec![],
            scores: scores(0.95, 0.0, 0.05),
        });
        pairs.push(FixturePair {
            a: "almsby-brief-3".into(),
            b: "wire-tram-001".into(),
            jaccard: 0.18,
            containment: [1.0, 0.18],
            relation: "excerpt",
            similarity: None,
            edits: vec![(
                "insert",
                [first_paragraph.len(), first_paragraph.len()],
                [first_paragraph.len(), TRAM.len()],
            )],
            source: None,
        });

        let tram_swaps = [
            ("voted", "balloted"),
            ("extend", "lengthen"),
            ("linking", "connecting"),
            ("said", "stated"),
            ("cost", "expense"),
            ("worried", "apprehensive"),
            ("moved", "shifted"),
            ("people asked for", "individuals requested"),
            ("budget", "spending plan"),
            ("expected", "anticipated"),
        ];
        let (spun_tram, tram_edits) = spin(TRAM, &tram_swaps);
        let spun_flags = {
            let (s, e) = span(&spun_tram, "individuals requested");
            let (s2, e2) = span(&spun_tram, "balloted");
            vec![
                ("thesaurus_swap", "spin", s, e, "Unusual wording for a quote: likely a synonym swap of \"people asked for\".", 0.8),
                ("register", "spin", s2, e2, "\"balloted\" is rare in news for a council vote; spinners use it for \"voted\".", 0.6),
            ]
        };
        docs.push(FixtureDoc {
            id: "content-farm-tram".into(),
            text: spun_tram,
            cluster: Some(0),
            duplicate_of: Some("wire-tram-001".into()),
            relation: Some("rewrite"),
            flags: spun_flags,
            scores: scores(0.41, 0.86, 0.1),
        });
        pairs.push(FixturePair {
            a: "wire-tram-001".into(),
            b: "content-farm-tram".into(),
            jaccard: 0.22,
            containment: [0.24, 0.25],
            relation: "rewrite",
            similarity: Some(0.83),
            edits: tram_edits,
            source: Some("wire-tram-001".into()),
        });

        // Story 2: non-ASCII text before and inside the replaced words.
        docs.push(FixtureDoc {
            id: "café-mëlange-zh".into(),
            text: CAFE.into(),
            cluster: Some(1),
            duplicate_of: None,
            relation: None,
            flags: vec![],
            scores: scores(0.96, 0.02, 0.02),
        });
        let cafe_swaps = [
            ("reported", "announced"),
            ("profit", "gain"),
            ("stronger", "more robust"),
            ("explained", "accounted for"),
            ("warned", "cautioned"),
            ("smaller", "tinier"),
        ];
        let (spun_cafe, cafe_edits) = spin(CAFE, &cafe_swaps);
        let cafe_flags = {
            let (s, e) = span(&spun_cafe, "tinier");
            let (s2, e2) = span(&spun_cafe, "more robust sales in Tōkyō (東京)");
            vec![
                (
                    "register",
                    "spin",
                    s,
                    e,
                    "\"tinier\" is out of the news register for a harvest.",
                    0.55,
                ),
                (
                    "thesaurus_swap",
                    "spin",
                    s2,
                    e2,
                    "\"more robust sales\" reads as a synonym swap of \"stronger sales\".",
                    0.65,
                ),
            ]
        };
        docs.push(FixtureDoc {
            id: "ストーリー-42".into(),
            text: spun_cafe,
            cluster: Some(1),
            duplicate_of: Some("café-mëlange-zh".into()),
            relation: Some("rewrite"),
            flags: cafe_flags,
            scores: scores(0.58, 0.71, 0.05),
        });
        pairs.push(FixturePair {
            a: "café-mëlange-zh".into(),
            b: "ストーリー-42".into(),
            jaccard: 0.31,
            containment: [0.33, 0.34],
            relation: "rewrite",
            similarity: Some(0.88),
            edits: cafe_edits,
            source: Some("café-mëlange-zh".into()),
        });
        let cafe_replacements = cafe_swaps
            .iter()
            .map(|(from, to)| (from.to_string(), to.to_string()))
            .collect();

        // Story 3: hostile markup in a scraped page, copied once.
        let hostile = format!(
            "{BRIDGE}\n\n{HOSTILE_SCRIPT} Share this story {HOSTILE_IMG}\n\nUpdated 14:32 GMT, 3 March"
        );
        let hostile_flags = {
            let (s, e) = span(&hostile, HOSTILE_SCRIPT);
            let (s2, e2) = span(&hostile, HOSTILE_IMG);
            let (s3, e3) = span(&hostile, "Updated 14:32 GMT, 3 March");
            vec![
                (
                    "markup_leak",
                    "boilerplate",
                    s,
                    e,
                    "Script markup <script> left in the text.",
                    0.95,
                ),
                (
                    "markup_leak",
                    "boilerplate",
                    s2,
                    e2,
                    "Image tag with an onerror=\"...\" handler left in the text.",
                    0.95,
                ),
                (
                    "updated_stamp",
                    "metadata",
                    s3,
                    e3,
                    "An \"Updated\" timestamp from the page.",
                    0.85,
                ),
                (
                    "gopher_symbol_ratio",
                    "heuristic",
                    0,
                    hostile.len(),
                    "Too many symbols for prose (gopher_quality).",
                    0.4,
                ),
            ]
        };
        docs.push(FixtureDoc {
            id: "scrape-bridge-<b>7</b>".into(),
            text: hostile.clone(),
            cluster: Some(2),
            duplicate_of: None,
            relation: None,
            flags: hostile_flags,
            scores: scores(0.22, 0.05, 0.62),
        });
        let bridge_swaps = [("close", "shut"), ("Drivers", "Motorists")];
        let (bridge_copy, bridge_edits) = spin(&hostile, &bridge_swaps);
        docs.push(FixtureDoc {
            id: "<img src=x onerror=\"window.__pwned=2\">".into(),
            text: bridge_copy,
            cluster: Some(2),
            duplicate_of: Some("scrape-bridge-<b>7</b>".into()),
            relation: Some("near_exact"),
            flags: vec![],
            scores: scores(0.3, 0.2, 0.5),
        });
        pairs.push(FixturePair {
            a: "scrape-bridge-<b>7</b>".into(),
            b: "<img src=x onerror=\"window.__pwned=2\">".into(),
            jaccard: 0.78,
            containment: [0.8, 0.8],
            relation: "near_exact",
            similarity: None,
            edits: bridge_edits,
            source: None,
        });

        // A clean unique document and a flagged one outside any cluster.
        docs.push(FixtureDoc {
            id: "weather-12".into(),
            text: "Light rain is forecast for the coast on Friday, with clearer skies inland by the evening.".into(),
            cluster: None,
            duplicate_of: None,
            relation: None,
            flags: vec![],
            scores: scores(0.99, 0.0, 0.0),
        });
        let broken = "She concerned the plan would fail. The official, who declined to be named, said talks would resume. \
The the ministry did not comment.";
        let broken_flags = {
            let (s, e) = span(broken, "She concerned the plan");
            let (s2, e2) = span(broken, "The official, who");
            let (s3, e3) = span(broken, "The the");
            vec![
                (
                    "pronoun_adjective_noun",
                    "grammar",
                    s,
                    e,
                    "A pronoun followed by an adjective where a verb should be: a dropped word?",
                    0.7,
                ),
                (
                    "dangling_reference",
                    "incoherence",
                    s2,
                    e2,
                    "\"The official\" refers to no one named before.",
                    0.6,
                ),
                (
                    "doubled_word",
                    "grammar",
                    s3,
                    e3,
                    "A doubled function word.",
                    0.9,
                ),
            ]
        };
        docs.push(FixtureDoc {
            id: "orphan-paragraph-5".into(),
            text: broken.into(),
            cluster: None,
            duplicate_of: None,
            relation: None,
            flags: broken_flags,
            scores: scores(0.35, 0.3, 0.7),
        });

        let clusters = vec![
            (
                0,
                "wire-tram-001".to_string(),
                vec![
                    "wire-tram-001".to_string(),
                    "harbour-daily-88".to_string(),
                    "almsby-brief-3".to_string(),
                    "content-farm-tram".to_string(),
                ],
            ),
            (
                1,
                "café-mëlange-zh".to_string(),
                vec!["café-mëlange-zh".to_string(), "ストーリー-42".to_string()],
            ),
            (
                2,
                "scrape-bridge-<b>7</b>".to_string(),
                vec![
                    "scrape-bridge-<b>7</b>".to_string(),
                    "<img src=x onerror=\"window.__pwned=2\">".to_string(),
                ],
            ),
        ];

        let mut substitutions: Vec<(String, String, u64, Vec<String>)> = tram_swaps
            .iter()
            .chain(cafe_swaps.iter())
            .enumerate()
            .map(|(i, (from, to))| {
                (
                    from.to_string(),
                    to.to_string(),
                    (60 - 3 * i) as u64,
                    vec!["wire-tram-001 → content-farm-tram".to_string()],
                )
            })
            .collect();
        substitutions.push((
            "<script>".into(),
            "</script><img src=x onerror=\"window.__pwned=3\">".into(),
            1,
            vec!["<b>hostile</b>".into()],
        ));

        Fixture {
            docs,
            pairs,
            clusters,
            substitutions,
            cafe_replacements,
        }
    }

    /// The report input, borrowing the fixture.
    pub fn input(&self) -> ReportInput<'_> {
        ReportInput {
            title: "copydesk report: fixture corpus".into(),
            documents: self
                .docs
                .iter()
                .map(|d| ReportDocument {
                    id: &d.id,
                    text: &d.text,
                    cluster: d.cluster,
                    duplicate_of: d.duplicate_of.as_deref(),
                    relation: d.relation.map(relation),
                    flags: d
                        .flags
                        .iter()
                        .map(|&(rule, category, start, end, message, score)| ReportFlag {
                            rule,
                            category,
                            start,
                            end,
                            message,
                            score,
                        })
                        .collect(),
                    scores: d.scores,
                })
                .collect(),
            pairs: self
                .pairs
                .iter()
                .map(|p| ReportPair {
                    a: &p.a,
                    b: &p.b,
                    jaccard: p.jaccard,
                    containment: p.containment,
                    relation: relation(p.relation),
                    similarity: p.similarity,
                    edits: p
                        .edits
                        .iter()
                        .map(|&(op, a, b)| ReportEdit {
                            op: edit_op(op),
                            a,
                            b,
                        })
                        .collect(),
                    source: p.source.as_deref(),
                })
                .collect(),
            clusters: self
                .clusters
                .iter()
                .map(|(cluster, representative, members)| ReportCluster {
                    cluster: *cluster,
                    representative,
                    members: members.iter().map(String::as_str).collect(),
                })
                .collect(),
            substitutions: self
                .substitutions
                .iter()
                .map(|(from, to, count, examples)| ReportSubstitution {
                    from,
                    to,
                    kind: "synonym",
                    count: *count,
                    examples: examples.clone(),
                })
                .collect(),
            summary: ReportSummary {
                inputs: vec!["fixtures/report-demo.jsonl".into()],
                counts: vec![
                    ("documents".into(), self.docs.len() as u64),
                    ("unique".into(), 5),
                    ("duplicates".into(), 5),
                    ("clusters".into(), self.clusters.len() as u64),
                    ("pairs".into(), self.pairs.len() as u64),
                ],
                parameters: vec![
                    ("ngram".into(), "5".into()),
                    ("num_perm".into(), "128".into()),
                    ("bands × rows".into(), "16 × 8".into()),
                    ("jaccard_threshold".into(), "0.5".into()),
                    ("containment_threshold".into(), "0.3".into()),
                ],
                timings: vec![
                    ("read".into(), 0.002),
                    ("sign".into(), 0.004),
                    ("pairs".into(), 0.001),
                    ("rewrites".into(), 0.003),
                    ("quality".into(), 0.002),
                ],
            },
            files: OutputFiles {
                directory: "out/".into(),
                ..OutputFiles::default()
            },
            limits: ReportLimits::default(),
        }
    }
}
