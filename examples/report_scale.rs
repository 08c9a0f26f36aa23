//! Write a report for a synthetic corpus of 100k documents (20k clusters of
//! five, edits on every pair, flags on a third of the documents) to check that
//! the page stays small and quick to open at that scale:
//! `cargo run --release --example report_scale -- [OUT.html] [DOCUMENTS]`.

use copydesk::report::html::{
    write_report, ReportCluster, ReportDocument, ReportEdit, ReportFlag, ReportInput, ReportPair,
    ReportScores, ReportSubstitution,
};
use copydesk::report::{EditOp, Relation};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::time::Instant;

const WORDS: [&str; 12] = [
    "council", "harbour", "minister", "said", "budget", "ferry", "strike", "market", "report",
    "Zürich", "growers", "tender",
];

/// A ~2 KB text that differs by document; word `i` of it starts at `starts[i]`.
fn text_for(seed: usize) -> (String, Vec<usize>) {
    let mut text = String::with_capacity(2200);
    let mut starts = Vec::new();
    let mut state = (seed as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    while text.len() < 2000 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        starts.push(text.len());
        text.push_str(WORDS[(state % WORDS.len() as u64) as usize]);
        text.push(if state % 17 == 0 { '.' } else { ' ' });
    }
    (text, starts)
}

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .unwrap_or_else(|| "target/report-scale.html".into());
    let count: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(100_000);

    let texts: Vec<(String, Vec<usize>)> = (0..count).map(text_for).collect();
    let ids: Vec<String> = (0..count).map(|i| format!("doc-{i:06}")).collect();
    let cluster_of = |i: usize| (i / 5 < count / 25).then_some((i / 5) as u64);
    let documents: Vec<ReportDocument> = (0..count)
        .map(|i| {
            let (text, starts) = &texts[i];
            let flags = if i % 3 == 0 {
                (0..6)
                    .map(|k| {
                        let w = starts[(k * 37 + i) % starts.len()];
                        ReportFlag {
                            rule: "thesaurus_swap",
                            category: ["spin", "grammar", "metadata"][k % 3],
                            start: w,
                            end: w + 5,
                            message: "synthetic flag",
                            score: 0.5,
                        }
                    })
                    .collect()
            } else {
                Vec::new()
            };
            let cluster = cluster_of(i);
            ReportDocument {
                id: &ids[i],
                text,
                cluster,
                duplicate_of: cluster
                    .filter(|_| i % 5 != 0)
                    .map(|_| ids[i - i % 5].as_str()),
                relation: cluster.filter(|_| i % 5 != 0).map(|_| Relation::Rewrite),
                flags,
                scores: Some(ReportScores {
                    quality: (i % 100) as f64 / 100.0,
                    spin: (i % 7) as f64 / 7.0,
                    incoherence: (i % 11) as f64 / 11.0,
                }),
            }
        })
        .collect();
    let mut pairs = Vec::new();
    let mut clusters = Vec::new();
    for c in 0..count / 25 {
        let rep = c * 5;
        for member in rep + 1..rep + 5 {
            let edits = (0..20)
                .map(|k| {
                    let a = texts[rep].1[k * 7 % texts[rep].1.len()];
                    let b = texts[member].1[k * 7 % texts[member].1.len()];
                    ReportEdit {
                        op: EditOp::Replace,
                        a: [a, a + 4],
                        b: [b, b + 4],
                    }
                })
                .collect();
            pairs.push(ReportPair {
                a: &ids[rep],
                b: &ids[member],
                jaccard: (member % 10) as f64 / 10.0,
                containment: [0.5, 0.5],
                relation: Relation::Rewrite,
                similarity: Some(0.8),
                edits,
                source: Some(&ids[rep]),
            });
        }
        clusters.push(ReportCluster {
            cluster: c as u64,
            representative: &ids[rep],
            members: (rep..rep + 5).map(|i| ids[i].as_str()).collect(),
        });
    }
    let substitutions = (0..5000)
        .map(|i| ReportSubstitution {
            from: WORDS[i % 12],
            to: WORDS[(i + 1) % 12],
            kind: "synonym",
            count: i as u64,
            examples: vec![],
        })
        .collect();
    let input = ReportInput {
        title: format!("synthetic corpus of {count} documents"),
        documents,
        pairs,
        clusters,
        substitutions,
        ..Default::default()
    };

    let started = Instant::now();
    let mut out = BufWriter::new(File::create(&path)?);
    write_report(&mut out, &input)?;
    out.flush()?;
    let elapsed = started.elapsed();
    let size = std::fs::metadata(&path)?.len();
    eprintln!(
        "wrote {path}: {count} documents, {} pairs, {} clusters; {:.1} MB in {:.2} s",
        input.pairs.len(),
        input.clusters.len(),
        size as f64 / 1e6,
        elapsed.as_secs_f64()
    );
    Ok(())
}
