//! Criterion benches of the near-duplicate stages on a synthetic corpus.
//!
//! The corpus is generated from a fixed seed (no data files needed): 2,000
//! articles of ~170 words drawn from a 5,000-word Zipf-like vocabulary, plus a
//! copy of each with 3% of its words deleted, the shape of the perf corpus.

use copydesk::dedup::{
    anchor_candidates, band_keys, candidate_pairs, shingles, AnchorIndex, DedupConfig, LshParams,
    MinHashScheme, MinHasher, Sketch,
};
use copydesk::text::{tokenize, tokenize_into, Tokens};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

fn next(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

fn corpus() -> Vec<String> {
    let mut state = 0x2026_1128u64;
    let vocabulary: Vec<String> = (0..5000)
        .map(|i| {
            let len = 2 + (next(&mut state) % 9) as usize;
            let mut word: String = (0..len)
                .map(|_| (b'a' + (next(&mut state) % 26) as u8) as char)
                .collect();
            if i % 50 == 0 {
                word[..1].make_ascii_uppercase();
            }
            word
        })
        .collect();
    let mut docs = Vec::new();
    for _ in 0..2000 {
        let words: Vec<&str> = (0..170)
            .map(|_| {
                // Squaring a uniform draw skews towards frequent words.
                let u = (next(&mut state) % 10_000) as f64 / 10_000.0;
                vocabulary[(u * u * 5000.0) as usize].as_str()
            })
            .collect();
        let copy: Vec<&str> = words
            .iter()
            .copied()
            .filter(|_| next(&mut state) % 100 >= 3)
            .collect();
        docs.push(words.join(" ") + ".");
        docs.push(copy.join(" ") + ".");
    }
    docs
}

fn stages(c: &mut Criterion) {
    let docs = corpus();
    let bytes: u64 = docs.iter().map(|d| d.len() as u64).sum();
    let config = DedupConfig::default();
    let hasher = config.hasher();
    let signer = config.signer();
    let tokens: Vec<Tokens> = docs.iter().map(|d| tokenize(d)).collect();
    let shingle_sets: Vec<Vec<u64>> = tokens
        .iter()
        .map(|t| {
            let mut out = Vec::new();
            shingles(t, &config, &mut out);
            out
        })
        .collect();

    let mut group = c.benchmark_group("sketch");
    group.throughput(Throughput::Bytes(bytes));
    group.bench_function("tokenize", |b| {
        let mut buffer = Tokens::default();
        b.iter(|| {
            for doc in &docs {
                tokenize_into(doc, &mut buffer);
            }
        })
    });
    group.bench_function("shingle_5gram", |b| {
        let mut out = Vec::new();
        b.iter(|| {
            for t in &tokens {
                shingles(t, &config, &mut out);
            }
        })
    });
    for (scheme, num_perm) in [
        (MinHashScheme::OnePermutation, 128usize),
        (MinHashScheme::OnePermutation, 256),
        (MinHashScheme::Permutations, 128),
        (MinHashScheme::Permutations, 256),
    ] {
        let hasher = MinHasher::with_scheme(scheme, num_perm, 1);
        let name = format!("minhash_{scheme:?}");
        group.bench_with_input(BenchmarkId::new(name, num_perm), &num_perm, |b, _| {
            let mut signature = Vec::new();
            b.iter(|| {
                for set in &shingle_sets {
                    hasher.signature(set, &mut signature);
                }
            })
        });
    }
    group.bench_function("sign_end_to_end", |b| {
        b.iter(|| {
            for t in &tokens {
                std::hint::black_box(signer.sign(t, &config));
            }
        })
    });
    group.finish();

    // The rewrite wing's spot signatures: ~80 spots into 128 bins leave ~68
    // bins empty, so densification dominates signing.
    let mut state = 0x5eed_5bd7u64;
    let spot_sets: Vec<Vec<u64>> = (0..2000)
        .map(|_| (0..80).map(|_| next(&mut state)).collect())
        .collect();
    let mut group = c.benchmark_group("minhash_sparse");
    group.throughput(Throughput::Elements(spot_sets.len() as u64));
    let one_permutation_128 = MinHasher::with_scheme(MinHashScheme::OnePermutation, 128, 1);
    group.bench_function("one_permutation_80_into_128", |b| {
        let mut signature = Vec::new();
        b.iter(|| {
            for set in &spot_sets {
                one_permutation_128.signature(set, &mut signature);
            }
        })
    });
    group.finish();

    let sketches: Vec<Sketch> = tokens.iter().map(|t| signer.sign(t, &config)).collect();
    let signatures: Vec<Vec<u32>> = shingle_sets
        .iter()
        .map(|set| {
            let mut signature = Vec::new();
            hasher.signature(set, &mut signature);
            signature
        })
        .collect();
    let params = LshParams::with_bands(16, 128);
    let mut group = c.benchmark_group("lsh");
    group.throughput(Throughput::Elements(sketches.len() as u64));
    group.bench_function("band_keys_16x8", |b| {
        let mut keys = Vec::new();
        b.iter(|| {
            for signature in &signatures {
                band_keys(signature, &params, &mut keys);
            }
        })
    });
    let keys: Vec<Vec<u64>> = signatures
        .iter()
        .map(|signature| {
            let mut k = Vec::new();
            band_keys(signature, &params, &mut k);
            k
        })
        .collect();
    group.bench_function("candidate_pairs_16x8", |b| {
        b.iter(|| candidate_pairs(&keys, params.num_bands))
    });
    group.bench_function("anchor_candidates", |b| {
        b.iter(|| {
            let index = AnchorIndex::build(&sketches);
            anchor_candidates(&index, &sketches, config.containment_threshold)
        })
    });
    group.bench_function("optimal_params_128", |b| {
        b.iter(|| LshParams::optimal(0.5, 128))
    });
    group.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
