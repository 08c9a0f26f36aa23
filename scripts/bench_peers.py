#!/usr/bin/env python3
"""Benchmark `copydesk dedup` against rensa and datasketch on the same corpus.

What it measures
----------------
On the perf corpus of make_perf_corpus.py (five copies of every Reuters-21578
article, each with ~3% of its words deleted: ~90k docs, ~80 MB JSONL) it runs,
each in its own subprocess, with the same parameters:

* copydesk: ``copydesk dedup CORPUS --out DIR --ngram 5 --num-perm 128
  --bands 16 --threshold T --seed S --no-rewrites --quiet``, then the same
  with ``--no-containment`` (the peers' pipeline exactly: LSH candidates
  verified by Jaccard, no containment channel; the "like for like" table), and
  with ``--with-rewrites`` a run without ``--no-rewrites``. End to end: the
  process reads the JSONL and writes its clusters. ``--threads N`` is passed
  through when given; otherwise copydesk uses its default.
* rensa (Rust MinHash with Python bindings) and datasketch (pure Python/numpy),
  in the identical Python pipeline below, run by the venv's interpreter:
    1. read the JSONL (id, text);
    2. tokens = lowercase, maximal runs of Unicode alphanumerics; shingles =
       word 5-grams joined by spaces (docs with < 5 tokens: one shingle of all
       tokens; docs with no token are left out of LSH and stay singletons);
    3. MinHash with 128 permutations and seed S:
       rensa: ``RMinHash.from_token_sets(batch, num_perm=128, seed=S)`` in
       batches of 2048 docs (its documented batch API, full-set R-MinHash, not
       the sampling "rho" pipeline);
       datasketch: ``MinHash(num_perm=128, seed=S, permutations=<shared>,
       scheme=<its default, affine32>)`` then ``update_batch([shingle.encode()
       ...])`` per doc (sharing the permutations avoids regenerating them per
       doc, as its docs advise; hashing is its default sha1_hash32);
    4. LSH with 16 bands x 8 rows: ``RMinHashLSH(T, 128, 16)`` with
       ``insert_many`` then ``query_all``; ``MinHashLSH(threshold=T,
       num_perm=128, params=(16, 8))`` with an insertion session then one
       ``query`` per doc;
    5. verification (``--peer-verify``, default ``exact``): a candidate pair
       becomes an edge only if the exact Jaccard of the two docs' shingle sets
       (Python sets of 64-bit shingle hashes kept from step 2) is >= T, i.e.
       the same "LSH candidates verified by exact Jaccard" pipeline as
       copydesk's Jaccard path. ``minhash`` uses the signatures' estimated
       Jaccard instead; ``none`` takes every LSH candidate;
    6. union-find over the edges; clusters of 2+ written as clusters.jsonl in
       copydesk's format.
  Note that copydesk additionally links pairs by containment (excerpt/partial
  relations) and, without --no-rewrites, by its rewrite detector; the peers
  only have the Jaccard rule, which the agreement columns make visible.

For each tool: wall seconds of the whole subprocess (interpreter start-up
included for the peers), peak RSS from ``/usr/bin/time -v`` (fallback:
``getrusage(RUSAGE_CHILDREN).ru_maxrss``), the speed ratio peer time /
copydesk time, the number of documents in clusters of 2+, and agreement with
the reference clustering (copydesk's ``--no-rewrites`` run; with
``--peers-only`` the first peer run):
  * pairwise precision / recall / F1 of co-clustered document pairs, with the
    reference as truth, computed from the cluster contingency table
    (TP = sum C(n_ij,2), predicted = sum C(a_i,2), reference = sum C(b_j,2));
  * |clustered(A) xor clustered(B)| / |clustered(A) or clustered(B)|, in %;
  * copy recall: share of the known pairs (two copies of the same article)
    that the tool co-clusters (precision against that grouping is not
    meaningful, as Reuters itself contains repeated stories).

With ``--exact-reference`` every tool is also scored (same pairwise P/R/F1)
against the exact answer to "which docs are connected by pairs of exact
shingle Jaccard >= T", computed without sampling by an inverted index. At 16
bands x 8 rows the LSH S-curve is centred near J = (1/16)^(1/8) = 0.71 while
two copies of an article have J ~ 0.63 on average, so any MinHash-LSH tool
misses many copy pairs; this table separates that from real disagreements.

The page cache is warmed by reading the corpus once before the first run.

Environment
-----------
A virtualenv (default ``target/bench-venv``) is created with ``python3 -m
venv`` and ``pip install rensa==0.5.0 datasketch==2.0.0`` when missing; the
installed versions are printed. The perf corpus is built with
make_perf_corpus.py when missing (``--quick``: the first 10% of articles,
``target/perf/perf-quick.jsonl``). Exits non-zero with a message when the
corpora directory is absent (and the corpus must be built) or a tool fails.

Usage
-----
    python3 scripts/bench_peers.py --quick                # smoke run, < 1 min
    python3 scripts/bench_peers.py --repeat 3 --json target/bench/results.json
    python3 scripts/bench_peers.py --peers-only --quick   # without copydesk
    python3 scripts/bench_peers.py --quick --exact-reference
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as C  # noqa: E402

PINS = {"rensa": "0.5.0", "datasketch": "2.0.0"}
DEFAULT_VENV = C.REPO_ROOT / "target" / "bench-venv"
FULL_CORPUS = C.REPO_ROOT / "target" / "perf" / "perf.jsonl"
QUICK_CORPUS = C.REPO_ROOT / "target" / "perf" / "perf-quick.jsonl"
DEFAULT_WORK = C.REPO_ROOT / "target" / "bench"
BATCH = 2048


# ==========================================================================
# peer pipelines (run inside the venv, in a subprocess: `--_peer NAME`)


def _peer_main(args) -> int:
    import random  # noqa: F401  (nothing random here; seeds go to the libraries)

    tm = {}
    t0 = time.perf_counter()
    ids, texts = [], []
    for r in C.read_jsonl(Path(args.input)):
        ids.append(str(r["id"]))
        texts.append(r.get("text") or "")
    tm["read"] = time.perf_counter() - t0
    n = len(ids)
    ngram, num_perm, bands, thr, seed = args.ngram, args.num_perm, args.bands, args.threshold, args.seed
    rows = num_perm // bands
    keep_sets = args.peer_verify == "exact"
    sets = [None] * n if keep_sets else None
    indexed = []  # doc numbers that have >= 1 shingle (LSH key = position in this list)
    sigs = []
    t_shingle = t_mh = 0.0

    if args._peer == "rensa":
        from rensa import RMinHash, RMinHashLSH

        for b0 in range(0, n, BATCH):
            ta = time.perf_counter()
            batch = []
            for i in range(b0, min(n, b0 + BATCH)):
                sh = C.shingle_strings(C.tokenize(texts[i]), ngram)
                if not sh:
                    continue
                if keep_sets:
                    sets[i] = frozenset(hash(s) for s in sh)
                indexed.append(i)
                batch.append(sh)
            tb = time.perf_counter()
            if batch:
                sigs.extend(RMinHash.from_token_sets(batch, num_perm=num_perm, seed=seed))
            t_shingle += tb - ta
            t_mh += time.perf_counter() - tb
        tm["tokenize_shingle"], tm["minhash"] = t_shingle, t_mh
        ta = time.perf_counter()
        lsh = RMinHashLSH(thr, num_perm, bands)
        lsh.insert_many(sigs, start_key=0)
        tm["lsh_insert"] = time.perf_counter() - ta
        ta = time.perf_counter()
        cands = lsh.query_all(sigs)
        tm["lsh_query"] = time.perf_counter() - ta
        est = lambda a, b: sigs[a].jaccard(sigs[b])  # noqa: E731
    elif args._peer == "datasketch":
        from datasketch import MinHash, MinHashLSH

        template = MinHash(num_perm=num_perm, seed=seed)
        perms, scheme = template.permutations, template.scheme
        for i in range(n):
            ta = time.perf_counter()
            sh = C.shingle_strings(C.tokenize(texts[i]), ngram)
            if not sh:
                t_shingle += time.perf_counter() - ta
                continue
            if keep_sets:
                sets[i] = frozenset(hash(s) for s in sh)
            enc = [s.encode("utf-8") for s in sh]
            tb = time.perf_counter()
            m = MinHash(num_perm=num_perm, seed=seed, permutations=perms, scheme=scheme)
            m.update_batch(enc)
            indexed.append(i)
            sigs.append(m)
            t_shingle += tb - ta
            t_mh += time.perf_counter() - tb
        tm["tokenize_shingle"], tm["minhash"] = t_shingle, t_mh
        ta = time.perf_counter()
        lsh = MinHashLSH(threshold=thr, num_perm=num_perm, params=(bands, rows))
        with lsh.insertion_session() as sess:
            for k, m in enumerate(sigs):
                sess.insert(k, m, check_duplication=False)
        tm["lsh_insert"] = time.perf_counter() - ta
        ta = time.perf_counter()
        cands = [lsh.query(m) for m in sigs]
        tm["lsh_query"] = time.perf_counter() - ta
        est = lambda a, b: sigs[a].jaccard(sigs[b])  # noqa: E731
    else:
        C.die(f"unknown peer {args._peer}")

    ta = time.perf_counter()
    uf = C.UnionFind(n)
    n_cand = n_edges = 0
    for k, ks in enumerate(cands):
        i = indexed[k]
        for k2 in ks:
            if k2 <= k:
                continue
            n_cand += 1
            j = indexed[k2]
            if args.peer_verify == "exact":
                a, b = sets[i], sets[j]
                inter = len(a & b)
                ok = inter / (len(a) + len(b) - inter) >= thr
            elif args.peer_verify == "minhash":
                ok = est(k, k2) >= thr
            else:
                ok = True
            if ok:
                n_edges += 1
                uf.union(i, j)
    tm["verify_union"] = time.perf_counter() - ta
    ta = time.perf_counter()
    groups = uf.groups(2)
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    C.write_jsonl(
        out / "clusters.jsonl",
        ({"cluster": c, "representative": ids[m[0]], "members": [ids[x] for x in m]} for c, m in enumerate(groups)),
    )
    tm["write"] = time.perf_counter() - ta
    tm["total_in_process"] = time.perf_counter() - t0
    stats = {
        "documents": n,
        "indexed": len(indexed),
        "candidate_pairs": n_cand,
        "verified_pairs": n_edges,
        "clusters": len(groups),
        "clustered_documents": sum(len(g) for g in groups),
        "timings": tm,
    }
    (out / "peer_stats.json").write_text(json.dumps(stats, indent=2))
    return 0


# ==========================================================================
# orchestration (system python)


def venv_python(venv: Path) -> Path:
    return venv / "bin" / "python"


def ensure_venv(venv: Path) -> dict:
    py = venv_python(venv)
    if not py.is_file():
        print(f"[venv] creating {venv}", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    check = "import importlib.metadata as m, json; print(json.dumps({p: m.version(p) for p in %r}))" % list(PINS)
    r = subprocess.run([str(py), "-c", check], capture_output=True, text=True)
    have = json.loads(r.stdout) if r.returncode == 0 else {}
    if have != PINS:
        specs = [f"{k}=={v}" for k, v in PINS.items()]
        print(f"[venv] pip install {' '.join(specs)}", flush=True)
        r2 = subprocess.run([str(py), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"] + specs)
        if r2.returncode != 0:
            C.die("pip install into the benchmark venv failed", 1)
        r = subprocess.run([str(py), "-c", check], capture_output=True, text=True, check=True)
        have = json.loads(r.stdout)
    extra = subprocess.run(
        [str(py), "-c", "import importlib.metadata as m, json; print(json.dumps({p: m.version(p) for p in ['numpy', 'scipy']}))"],
        capture_output=True, text=True,
    )
    if extra.returncode == 0:
        have = {**have, **json.loads(extra.stdout)}
    pyver = subprocess.run([str(py), "-c", "import sys; print(sys.version.split()[0])"], capture_output=True, text=True).stdout.strip()
    have["python"] = pyver
    print("[venv] " + ", ".join(f"{k} {v}" for k, v in have.items()), flush=True)
    return have


def ensure_corpus(args) -> Path:
    path = Path(args.corpus) if args.corpus else (QUICK_CORPUS if args.quick else FULL_CORPUS)
    if path.is_file() and not args.rebuild_corpus:
        return path
    cmd = [sys.executable, str(C.SCRIPTS_DIR / "make_perf_corpus.py"), "--out", str(path), "--seed", str(args.seed)]
    if args.corpora:
        cmd += ["--corpora", args.corpora]
    if args.quick:
        cmd += ["--fraction", "0.1"]
    print(f"[corpus] building {path}", flush=True)
    r = subprocess.run(cmd)
    if r.returncode != 0:
        sys.exit(r.returncode)
    return path


def warm_cache(path: Path) -> None:
    with open(path, "rb") as fh:
        while fh.read(1 << 22):
            pass


def copy_groups(ids):
    """id '<orig>-c<k>' -> orig (the known copy grouping of the perf corpus)."""
    out = {}
    for i in ids:
        base, sep, k = i.rpartition("-c")
        if sep and k.isdigit():
            out[i] = base
    return out


def run_copydesk(binary: Path, corpus: Path, out: Path, args, rewrites: bool, extra=()) -> dict:
    cmd = [str(binary), "dedup", str(corpus), "--out", str(out), "--ngram", str(args.ngram),
           "--num-perm", str(args.num_perm), "--bands", str(args.bands), "--threshold", str(args.threshold),
           "--seed", str(args.seed), "--quiet", *extra]
    if not rewrites:
        cmd.append("--no-rewrites")
    if args.threads:
        cmd += ["--threads", str(args.threads)]
    runs = []
    for k in range(args.repeat):
        if out.exists():
            import shutil

            shutil.rmtree(out)
        r = C.run_measured(cmd, log_path=out.parent / f"{out.name}.log")
        print(f"  run {k + 1}/{args.repeat}: {r['wall_s']:.2f}s, {r['peak_rss_mb']:.0f} MB, rc={r['returncode']}", flush=True)
        if r["returncode"] != 0:
            print(f"  copydesk failed (rc={r['returncode']}); log: {out.parent / (out.name + '.log')}", file=sys.stderr)
            return {"error": f"exit {r['returncode']}", "cmd": cmd}
        runs.append(r)
    walls = [r["wall_s"] for r in runs]
    ids, lab, _rel = C.read_copydesk_documents(out)
    summ = C.read_summary(out)
    return {
        "cmd": cmd,
        "wall_s": statistics.median(walls),
        "wall_s_min": min(walls),
        "wall_s_all": walls,
        "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
        "labels": lab,
        "ids": ids,
        "timings": summ.get("timings") or summ.get("timings_seconds"),
        "summary": summ,
    }


def run_peer(name: str, py: Path, corpus: Path, out: Path, args) -> dict:
    cmd = [str(py), str(Path(__file__).resolve()), "--_peer", name, "--input", str(corpus), "--out-dir", str(out),
           "--ngram", str(args.ngram), "--num-perm", str(args.num_perm), "--bands", str(args.bands),
           "--threshold", str(args.threshold), "--seed", str(args.seed), "--peer-verify", args.peer_verify]
    out.mkdir(parents=True, exist_ok=True)
    r = C.run_measured(cmd, log_path=out / "run.log")
    if r["returncode"] != 0:
        print(f"  {name} failed (rc={r['returncode']}); log: {out / 'run.log'}", file=sys.stderr)
        return {"error": f"exit {r['returncode']}", "cmd": cmd}
    stats = json.loads((out / "peer_stats.json").read_text())
    return {
        "cmd": cmd,
        "wall_s": r["wall_s"],
        "peak_rss_mb": r["peak_rss_mb"],
        "labels": C.read_clusters_jsonl(out / "clusters.jsonl"),
        "timings": stats["timings"],
        "peer_stats": stats,
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    C.add_corpora_arg(ap)
    ap.add_argument("--copydesk", default=None, help="copydesk binary (default: <repo_root>/target/release/copydesk, built with cargo if missing)")
    ap.add_argument("--corpus", default=None, help="perf corpus JSONL (default: target/perf/perf.jsonl, or perf-quick.jsonl with --quick; built if missing)")
    ap.add_argument("--rebuild-corpus", action="store_true", help="rebuild the perf corpus even if it exists")
    ap.add_argument("--venv", default=str(DEFAULT_VENV), help="virtualenv for the peers (default: %(default)s)")
    ap.add_argument("--workdir", default=str(DEFAULT_WORK), help="where tool outputs go (default: %(default)s)")
    ap.add_argument("--quick", action="store_true", help="smoke run on the first 10%% of the articles (~9k docs)")
    ap.add_argument("--peers-only", action="store_true", help="do not run copydesk (agreement is then against the first peer)")
    ap.add_argument("--skip-rensa", action="store_true", help="do not run rensa")
    ap.add_argument("--skip-datasketch", action="store_true", help="do not run datasketch")
    ap.add_argument("--with-rewrites", action="store_true", help="also time copydesk with rewrite detection on (its default)")
    ap.add_argument("--repeat", type=int, default=1, help="copydesk runs per configuration; the median wall time is used (default: %(default)s)")
    ap.add_argument("--threads", type=int, default=None, help="pass --threads N to copydesk (default: copydesk's own default)")
    ap.add_argument("--peer-verify", choices=["exact", "minhash", "none"], default="exact",
                    help="how the peers verify LSH candidates (default: %(default)s = exact shingle-set Jaccard >= threshold)")
    ap.add_argument("--ngram", type=int, default=5)
    ap.add_argument("--num-perm", type=int, default=128)
    ap.add_argument("--bands", type=int, default=16)
    ap.add_argument("--threshold", type=float, default=0.5)
    ap.add_argument("--seed", type=int, default=42, help="seed for the corpus, copydesk and the peers' MinHash (default: %(default)s)")
    ap.add_argument("--exact-reference", action="store_true",
                    help="also score every tool against the exact clustering (connected components of all pairs with "
                         "exact shingle Jaccard >= threshold, found with an inverted index; ~1-2 min on the full corpus)")
    ap.add_argument("--json", default=None, metavar="OUT", help="save the results as JSON")
    # internal: run one peer pipeline in this process
    ap.add_argument("--_peer", choices=["rensa", "datasketch"], help=argparse.SUPPRESS)
    ap.add_argument("--input", help=argparse.SUPPRESS)
    ap.add_argument("--out-dir", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args._peer:
        return _peer_main(args)
    if args.num_perm % args.bands:
        C.die("--num-perm must be a multiple of --bands")
    if args.repeat < 1:
        C.die("--repeat must be >= 1")

    C.resolve_reuters(args.corpora)  # exits with a message when the corpora are absent
    corpus = ensure_corpus(args)
    work = Path(args.workdir) / ("quick" if args.quick else "full")
    work.mkdir(parents=True, exist_ok=True)
    binary = None if args.peers_only else C.ensure_copydesk(args.copydesk)
    versions = {}
    peers = [p for p in ("rensa", "datasketch") if not getattr(args, "skip_" + p)]
    if peers:
        versions = ensure_venv(Path(args.venv))
    warm_cache(corpus)
    n_docs = sum(1 for _ in open(corpus, "rb"))
    print(f"[corpus] {corpus}: {n_docs} docs, {corpus.stat().st_size / 1e6:.1f} MB; "
          f"ngram={args.ngram} num_perm={args.num_perm} bands={args.bands}x{args.num_perm // args.bands} "
          f"threshold={args.threshold} seed={args.seed}", flush=True)

    results = {}
    failed = False
    if binary:
        print(f"[copydesk] {binary} (--no-rewrites)", flush=True)
        results["copydesk"] = run_copydesk(binary, corpus, work / "copydesk", args, rewrites=False)
        # The peers' pipeline exactly: LSH candidates verified by Jaccard, no
        # containment channel.
        print(f"[copydesk] {binary} (--no-rewrites --no-containment)", flush=True)
        results["copydesk-jaccard-only"] = run_copydesk(
            binary, corpus, work / "copydesk-jaccard-only", args, rewrites=False, extra=("--no-containment",))
        if args.with_rewrites:
            print("[copydesk] rewrites on", flush=True)
            results["copydesk+rewrites"] = run_copydesk(binary, corpus, work / "copydesk-rewrites", args, rewrites=True)
    for p in peers:
        print(f"[{p}] running", flush=True)
        results[p] = run_peer(p, venv_python(Path(args.venv)), corpus, work / p, args)
        if "error" not in results[p]:
            print(f"  {results[p]['wall_s']:.2f}s, {results[p]['peak_rss_mb']:.0f} MB; stages: "
                  + ", ".join(f"{k} {v:.2f}" for k, v in results[p]["timings"].items()), flush=True)
    for k, v in results.items():
        failed |= "error" in v

    ok = [k for k, v in results.items() if "error" not in v]
    if not ok:
        C.die("no tool produced a result", 1)
    ref = "copydesk" if "copydesk" in ok else ok[0]
    ids = [json.loads(l)["id"] for l in open(corpus, encoding="utf-8")]
    copies = copy_groups(ids)
    ref_lab = results[ref]["labels"]
    ref_t = results[ref]["wall_s"]
    rows = []
    for k in results:
        v = results[k]
        if "error" in v:
            rows.append([k, v["error"]] + [None] * 9)
            continue
        lab = v["labels"]
        agree = C.pair_scores(lab, ref_lab, ids)
        a, b = set(lab), set(ref_lab)
        sym = 100.0 * len(a ^ b) / len(a | b) if (a | b) else 0.0
        crec = C.pair_scores(lab, copies, ids)["recall"]
        v.update(clustered_docs=len(lab), clusters=len(set(lab.values())), agreement=agree, symdiff_pct=sym, copy_recall=crec,
                 speed_ratio=v["wall_s"] / ref_t if ref_t else None)
        rows.append([k, v["wall_s"], v["peak_rss_mb"], v["speed_ratio"], len(lab), len(set(lab.values())),
                     agree["precision"], agree["recall"], agree["f1"], sym, crec])

    hdr = ["tool", "wall s", "peak RSS MB", f"time / {ref}", "clustered docs", "clusters",
           f"P vs {ref}", f"R vs {ref}", f"F1 vs {ref}", "clustered-set symdiff %", "copy recall"]
    print()
    print(f"Corpus: {corpus.name}, {n_docs} docs; word {args.ngram}-grams, {args.num_perm} perms, "
          f"{args.bands} bands x {args.num_perm // args.bands} rows, threshold {args.threshold}, seed {args.seed}, "
          f"peer verification: {args.peer_verify}; machine: {os.cpu_count()} CPUs")
    print()
    print(C.md_table(hdr, rows))
    if any(results[k].get("wall_s_all") and len(results[k]["wall_s_all"]) > 1 for k in ok):
        for k in ok:
            if results[k].get("wall_s_all"):
                print(f"\n{k}: median of {len(results[k]['wall_s_all'])} runs; all: "
                      + ", ".join(f"{w:.2f}" for w in results[k]["wall_s_all"]))
    for k in ok:
        t = results[k].get("timings")
        if t:
            print(f"\n{k} stage timings (s): " + ", ".join(f"{a} {b:.2f}" if isinstance(b, (int, float)) else f"{a} {b}" for a, b in t.items()))

    like = "copydesk-jaccard-only"
    if like in ok and any(p in ok for p in peers):
        like_lab, like_t = results[like]["labels"], results[like]["wall_s"]
        rows = []
        for p in peers:
            if p not in ok:
                continue
            lab = results[p]["labels"]
            a, b = set(lab), set(like_lab)
            sym = 100.0 * len(a ^ b) / len(a | b) if (a | b) else 0.0
            agree = C.pair_scores(lab, like_lab, ids)
            ratio_default = results[p]["wall_s"] / ref_t if "copydesk" in ok and ref_t else None
            rows.append([p, results[p]["wall_s"] / like_t, ratio_default, sym, agree["f1"]])
            results[p].update(like_for_like={"speed_ratio": results[p]["wall_s"] / like_t, "symdiff_pct": sym,
                                             "f1_vs_jaccard_only": agree["f1"]})
        print(f"\nLike for like: {like} ({like_t:.2f}s) runs the peers' pipeline (LSH candidates verified by "
              "Jaccard, no containment channel); copydesk's default adds the containment channel.\n")
        print(C.md_table(["peer", f"time / {like}", "time / copydesk (default)",
                          f"clustered-set symdiff % vs {like}", f"pairwise F1 vs {like}"], rows))
        done = [p for p in peers if p in ok]
        if len(done) == 2:
            # Two MinHash implementations disagree as much with each other
            # when the copy pairs sit on the slope of the LSH S-curve.
            x, y = results[done[0]]["labels"], results[done[1]]["labels"]
            a, b = set(x), set(y)
            sym = 100.0 * len(a ^ b) / len(a | b) if (a | b) else 0.0
            print(f"\n{done[0]} vs {done[1]}: clustered docs {len(x)} vs {len(y)}, clustered-set symdiff {sym:.1f}%, "
                  f"pairwise F1 {C.fmt(C.pair_scores(x, y, ids)['f1'])}")

    exact = None
    if args.exact_reference:
        t0 = time.perf_counter()
        docs = list(C.read_jsonl(corpus))
        sets = [C.shingle_set(d.get("text") or "", args.ngram) for d in docs]
        uf = C.UnionFind(len(docs))
        npairs = 0
        for i, j, _ in C.all_pairs_jaccard(sets, args.threshold):
            uf.union(i, j)
            npairs += 1
        del sets
        ex_lab = {docs[m]["id"]: g for g, ms in enumerate(uf.groups(2)) for m in ms}
        del docs
        exact = {"seconds": time.perf_counter() - t0, "pairs": npairs, "clustered_docs": len(ex_lab),
                 "clusters": len(set(ex_lab.values())), "copy_recall": C.pair_scores(ex_lab, copies, ids)["recall"], "tools": {}}
        rows = []
        for k in ok:
            sc = C.pair_scores(results[k]["labels"], ex_lab, ids)
            exact["tools"][k] = sc
            rows.append([k, sc["precision"], sc["recall"], sc["f1"]])
        print(f"\nAgainst the exact clustering (components of the {npairs} pairs with exact Jaccard >= {args.threshold}: "
              f"{len(ex_lab)} clustered docs, copy recall {C.fmt(exact['copy_recall'])}; computed in {exact['seconds']:.0f}s):\n")
        print(C.md_table(["tool", "precision", "recall", "F1"], rows))

    if args.json:
        out = {
            "exact_reference": exact,
            "corpus": str(corpus), "documents": n_docs, "bytes": corpus.stat().st_size,
            "params": {k: getattr(args, k) for k in ("ngram", "num_perm", "bands", "threshold", "seed", "peer_verify", "threads", "repeat")},
            "reference": ref, "versions": versions, "python": platform.python_version(), "cpus": os.cpu_count(),
            "results": {k: {kk: vv for kk, vv in v.items() if kk not in ("labels", "ids")} for k, v in results.items()},
        }
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(C.json_clean(out), indent=2, default=str))
        print(f"\nresults saved to {args.json}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
