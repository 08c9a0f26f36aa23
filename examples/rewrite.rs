//! Drive the rewrite wing directly, for evaluation and exploration.
//!
//! ```text
//! cargo run --example rewrite -- align A.txt B.txt        # edits and similarity as JSON
//! cargo run --example rewrite -- pairs < pairs.jsonl       # {"a": text, "b": text} per line
//! cargo run --example rewrite -- link corpus.jsonl         # candidate pairs of a corpus, aligned
//! ```
//!
//! `pairs` prints one JSON line per input line: alignment similarity, number
//! agreement, whether the pair is accepted as a rewrite, exact Jaccard of the
//! rewrite spots and of word 5-grams, and the edits. `link` finds candidates by
//! MinHash LSH over spots and prints every accepted pair with its edits and
//! likely source (`--all`: rejected candidates too). `--spot-length N`, `--min-anchors N`, `--keep-names`,
//! `--threshold X`, `--bands N` change the parameters.

use copydesk::dedup::{band_keys, candidate_pairs, LshParams};
use copydesk::rewrite::{self, RewriteConfig, Side, WordFrequencies};
use copydesk::text::{tokenize, Tokens};
use serde_json::{json, Value};
use std::io::{BufRead, Write};

fn word_shingles(tokens: &Tokens, n: usize) -> Vec<u64> {
    let hashes: Vec<u64> = tokens.tokens.iter().map(|t| t.hash).collect();
    let mut out: Vec<u64> = hashes
        .windows(n)
        .map(|w| {
            w.iter().fold(0u64, |s, &h| {
                (s ^ h).wrapping_mul(0x9fb2_1c65_1e98_df25).rotate_left(29)
            })
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

fn jaccard(a: &[u64], b: &[u64]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let (mut i, mut j, mut shared) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    shared as f64 / (a.len() + b.len() - shared) as f64
}

struct Options {
    config: RewriteConfig,
    /// Print rejected candidates too (with `"accepted": false`).
    show_all: bool,
    args: Vec<String>,
}

fn parse_options() -> Options {
    let mut config = RewriteConfig::default();
    let mut show_all = false;
    let mut args = Vec::new();
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().unwrap_or_default();
        match arg.as_str() {
            "--spot-length" => config.spot_length = value().parse().unwrap_or(config.spot_length),
            "--min-anchors" => config.min_spot_anchors = value().parse().unwrap_or(0),
            "--keep-names" => config.collapse_names = false,
            "--threshold" => config.similarity_threshold = value().parse().unwrap_or(0.5),
            "--numbers" => config.min_number_agreement = value().parse().unwrap_or(0.8),
            "--all" => {
                show_all = true;
            }
            "--bands" => config.num_bands = value().parse().unwrap_or(config.num_bands),
            "--num-perm" => config.num_perm = value().parse().unwrap_or(config.num_perm),
            _ => args.push(arg),
        }
    }
    Options {
        config,
        show_all,
        args,
    }
}

fn alignment_json(a: &str, ta: &Tokens, b: &str, tb: &Tokens, config: &RewriteConfig) -> Value {
    let alignment = rewrite::align(a, ta, b, tb, config);
    json!({
        "similarity": alignment.similarity,
        "number_agreement": alignment.number_agreement(),
        "accepted": config.accepts(&alignment),
        "edits": alignment.edits,
    })
}

fn main() {
    let options = parse_options();
    let config = &options.config;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match options.args.first().map(String::as_str) {
        Some("align") if options.args.len() == 3 => {
            let a = std::fs::read_to_string(&options.args[1]).expect("read A");
            let b = std::fs::read_to_string(&options.args[2]).expect("read B");
            let value = alignment_json(&a, &tokenize(&a), &b, &tokenize(&b), config);
            writeln!(out, "{}", serde_json::to_string_pretty(&value).unwrap()).unwrap();
        }
        Some("pairs") => {
            for line in std::io::stdin().lock().lines() {
                let line = line.expect("read stdin");
                let pair: Value = serde_json::from_str(&line).expect("JSON line");
                let a = pair["a"].as_str().unwrap_or("");
                let b = pair["b"].as_str().unwrap_or("");
                let (ta, tb) = (tokenize(a), tokenize(b));
                let mut value = alignment_json(a, &ta, b, &tb, config);
                let sa = rewrite::spots(&ta, a, &config.function_words, config);
                let sb = rewrite::spots(&tb, b, &config.function_words, config);
                value["spot_jaccard"] = json!(jaccard(&sa, &sb));
                value["word5_jaccard"] =
                    json!(jaccard(&word_shingles(&ta, 5), &word_shingles(&tb, 5)));
                writeln!(out, "{value}").unwrap();
            }
        }
        Some("link") if options.args.len() == 2 => link(&options, &options.args[1], &mut out),
        _ => {
            eprintln!(
                "usage: rewrite align A B | pairs < pairs.jsonl | link corpus.jsonl [options]"
            );
            std::process::exit(2);
        }
    }
}

fn link(options: &Options, path: &str, out: &mut impl Write) {
    let config = &options.config;
    let started = std::time::Instant::now();
    let file = std::fs::File::open(path).expect("open corpus");
    let mut ids = Vec::new();
    let mut texts = Vec::new();
    for line in std::io::BufReader::new(file).lines() {
        let record: Value = serde_json::from_str(&line.expect("read")).expect("JSON line");
        ids.push(record["id"].as_str().unwrap_or("").to_owned());
        texts.push(record["text"].as_str().unwrap_or("").to_owned());
    }
    let tokens: Vec<Tokens> = texts.iter().map(|t| tokenize(t)).collect();
    let mut frequencies = WordFrequencies::new();
    for t in &tokens {
        frequencies.add(t);
    }
    let params = LshParams::with_bands(config.num_bands, config.num_perm);
    let mut signature = Vec::new();
    let keys: Vec<Vec<u64>> = tokens
        .iter()
        .zip(&texts)
        .map(|(t, text)| {
            let mut keys = Vec::new();
            rewrite::sign(t, text, &config.function_words, config, &mut signature);
            if signature.first() != Some(&u32::MAX) {
                band_keys(&signature, &params, &mut keys);
            }
            keys
        })
        .collect();
    let (candidates, _) = candidate_pairs(&keys, params.num_bands);
    let signed = started.elapsed();
    let mut accepted = 0usize;
    for &(x, y) in &candidates {
        let (x, y) = (x as usize, y as usize);
        let alignment = rewrite::align(&texts[x], &tokens[x], &texts[y], &tokens[y], config);
        let accepts = config.accepts(&alignment);
        if !accepts && !options.show_all {
            continue;
        }
        accepted += usize::from(accepts);
        let source = rewrite::source(&alignment, &tokens[x], &tokens[y], None, &frequencies);
        let value = json!({
            "a": ids[x],
            "b": ids[y],
            "similarity": alignment.similarity,
            "number_agreement": alignment.number_agreement(),
            "accepted": accepts,
            "source": match source { Some(Side::A) => Value::from(ids[x].clone()), Some(Side::B) => Value::from(ids[y].clone()), None => Value::Null },
            "edits": alignment.edits,
        });
        writeln!(out, "{value}").unwrap();
    }
    eprintln!(
        "{} documents, {} candidates, {} accepted; sign+band {:.2?}, total {:.2?}",
        texts.len(),
        candidates.len(),
        accepted,
        signed,
        started.elapsed()
    );
}
