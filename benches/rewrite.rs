//! Hot paths of the rewrite wing: spot signatures per document and word
//! alignment per pair (near-identical copies, spun copies, long documents).
use copydesk::dedup::MinHasher;
use copydesk::rewrite::{self, Aligner, PreparedWords, RewriteConfig, SpotSigner};
use copydesk::text::tokenize;
use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

const SOURCE: &str = include_str!("../fixtures/rewrite/harbour.txt");
const SPUN: &str = include_str!("../fixtures/rewrite/harbour-spun50.txt");

/// The source with every twentieth word dropped, as a lightly edited copy.
fn lightly_edited(text: &str) -> String {
    text.split(' ')
        .enumerate()
        .filter(|(i, _)| i % 20 != 7)
        .map(|(_, w)| w)
        .collect::<Vec<_>>()
        .join(" ")
}

fn bench_spots(c: &mut Criterion) {
    let config = RewriteConfig::default();
    let hasher = MinHasher::new(128, 1);
    let tokens = tokenize(SOURCE);
    let mut group = c.benchmark_group("rewrite_sign");
    group.throughput(Throughput::Bytes(SOURCE.len() as u64));
    group.bench_function("spots", |b| {
        b.iter(|| rewrite::spots(black_box(&tokens), SOURCE, &config.function_words, &config))
    });
    let mut signature = Vec::new();
    group.bench_function("spots_and_minhash", |b| {
        b.iter(|| {
            let spots = rewrite::spots(black_box(&tokens), SOURCE, &config.function_words, &config);
            hasher.signature(&spots, &mut signature);
        })
    });
    // The pipeline's path: one signer reused over the words signing keeps,
    // spots fed straight to the bins.
    let mut signer = SpotSigner::new(&config);
    let mut prepared = PreparedWords::default();
    prepared.prepare(SOURCE);
    group.bench_function("signer", |b| {
        b.iter(|| {
            signer.sign(
                black_box(prepared.words()),
                SOURCE,
                &config.function_words,
                &config,
                &mut signature,
            )
        })
    });
    group.bench_function("spots_and_spot_signature", |b| {
        b.iter(|| {
            let spots = rewrite::spots(black_box(&tokens), SOURCE, &config.function_words, &config);
            rewrite::signature(&spots, config.num_perm, config.seed, &mut signature);
        })
    });
    group.finish();
}

fn bench_align(c: &mut Criterion) {
    let config = RewriteConfig::default();
    let edited = lightly_edited(SOURCE);
    let mut group = c.benchmark_group("rewrite_align");
    for (name, other) in [
        ("identical", SOURCE.to_owned()),
        ("edited", edited),
        ("spun50", SPUN.to_owned()),
    ] {
        let (ta, tb) = (tokenize(SOURCE), tokenize(&other));
        group.throughput(Throughput::Bytes((SOURCE.len() + other.len()) as u64));
        group.bench_function(name, |b| {
            b.iter(|| rewrite::align(SOURCE, black_box(&ta), &other, black_box(&tb), &config))
        });
    }
    // The pipeline's path: documents prepared once, one aligner reused, edits
    // kept as word ranges.
    let mut aligner = Aligner::new();
    let mut source = PreparedWords::default();
    source.prepare(SOURCE);
    for (name, other) in [
        ("prepared_identical", SOURCE.to_owned()),
        ("prepared_edited", lightly_edited(SOURCE)),
        ("prepared_spun50", SPUN.to_owned()),
    ] {
        let mut prepared = PreparedWords::default();
        prepared.prepare(&other);
        group.throughput(Throughput::Bytes((SOURCE.len() + other.len()) as u64));
        group.bench_function(name, |b| {
            b.iter(|| {
                let alignment = aligner.align(
                    black_box(source.input(SOURCE)),
                    black_box(prepared.input(&other)),
                    &config,
                );
                (alignment.similarity, aligner.word_edits().len())
            })
        });
    }
    group.throughput(Throughput::Bytes(SOURCE.len() as u64));
    group.bench_function("prepare", |b| b.iter(|| source.prepare(black_box(SOURCE))));
    // Cost against length: the spun pair repeated 1, 4 and 16 times.
    for copies in [1usize, 4, 16] {
        let (a, b) = (SOURCE.repeat(copies), SPUN.repeat(copies));
        let (ta, tb) = (tokenize(&a), tokenize(&b));
        group.throughput(Throughput::Bytes((a.len() + b.len()) as u64));
        group.bench_with_input(
            BenchmarkId::new("spun50_repeated", copies),
            &copies,
            |bench, _| {
                bench.iter(|| rewrite::align(&a, black_box(&ta), &b, black_box(&tb), &config))
            },
        );
    }
    group.finish();
}

criterion_group!(benches, bench_spots, bench_align);
criterion_main!(benches);
