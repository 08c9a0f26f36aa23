#!/usr/bin/env python3
"""Evaluate copydesk's rewrite linking (issue 3) on real news and spun copies.

Labelled set, built from ../shared/corpora/reuters21578.jsonl (never copied into
the repo; everything is written under target/eval-rewrite/):

* sources: articles of at least --min-words words, no two of them near
  duplicates (word 5-gram containment below 0.3 either way);
* one spun copy of each source, made by scripts/spinner.py at 15%, 30% or 50%
  of content words (a third of the sources each), with formal-name swaps and
  ~2% of small words dropped;
* one distractor per source: the most similar other article by shared rare
  words (same topic, often the same names and numbers), itself not a near
  duplicate of anything chosen; a third of the distractors get a spun copy too;
* background articles, also not near duplicates of anything chosen.

Then it runs the linker (the copydesk CLI, `copydesk dedup CORPUS --out DIR`,
or before the pipeline had rewrites, `--engine example`: the examples/rewrite.rs
harness) and reports:

* link recall per spin rate: share of (source, spun copy) pairs reported;
* pair precision: share of reported links (pairs other than `partial`, which
  copydesk reports as overlap that is not a copy) that are a document and a
  spun copy of it (or two copies of one source);
* edit-span F1: the reported edits of each found (source, copy) pair against
  the spinner's true replacements, exact spans (trimmed of punctuation) on
  both sides, and also as overlap of replaced bytes in the copy;
* direction accuracy: share of found pairs whose `source` is the true source;
* MSRP: AUC of the alignment similarity for paraphrase vs non-paraphrase.

Usage: scripts/eval_rewrite.py [--sources 600] [--engine cli|example] [--release]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))
import _common as C  # noqa: E402
import spinner  # noqa: E402

CORPORA = REPO.parent / "shared" / "corpora"
if not CORPORA.is_dir():
    CORPORA = Path("/work/shared/corpora")
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
OUT = TARGET / "eval-rewrite"
RATES = (0.15, 0.30, 0.50)
WORD_RE = re.compile(r"\w+(?:'\w+)*")


def words(text: str) -> list[str]:
    return [w.lower() for w in WORD_RE.findall(text)]


def shingles(text: str, n: int = 5) -> set[int]:
    w = words(text)
    return {hash(tuple(w[i: i + n])) for i in range(len(w) - n + 1)}


class NearDuplicateGuard:
    """Rejects a document whose 5-grams overlap any accepted document's by 0.3 or more."""

    def __init__(self) -> None:
        self.owner: dict[int, list[int]] = defaultdict(list)
        self.sizes: list[int] = []

    def admit(self, text: str) -> bool:
        grams = shingles(text)
        if not grams:
            return False
        shared: Counter = Counter()
        for g in grams:
            for doc in self.owner.get(g, ()):
                shared[doc] += 1
        for doc, count in shared.items():
            if count / len(grams) >= 0.3 or count / max(1, self.sizes[doc]) >= 0.3:
                return False
        index = len(self.sizes)
        self.sizes.append(len(grams))
        for g in grams:
            self.owner[g].append(index)
        return True


def build(args) -> tuple[list[dict], dict]:
    rng = random.Random(args.seed)
    articles = [json.loads(line) for line in open(CORPORA / "reuters21578.jsonl", encoding="utf-8")]
    articles = [a for a in articles if len(words(a["text"])) >= args.min_words]
    rng.shuffle(articles)
    df: Counter = Counter()
    vocab = []
    for a in articles:
        v = set(words(a["text"]))
        vocab.append(v)
        df.update(v)
    index: dict[str, list[int]] = defaultdict(list)
    for i, v in enumerate(vocab):
        for w in v:
            if 2 <= df[w] <= 60 and not w.isdigit():
                index[w].append(i)
    guard = NearDuplicateGuard()
    used: set[int] = set()
    sources, distractors = [], []
    for i, a in enumerate(articles):
        if len(sources) >= args.sources:
            break
        if i in used or not guard.admit(a["text"]):
            continue
        # The same-topic distractor: most shared rare words, not a near duplicate.
        score: Counter = Counter()
        for w in sorted(vocab[i]):
            for j in index.get(w, ()):
                if j != i:
                    score[j] += 1.0 / math.log(1 + df[w])
        distractor = None
        for j, _ in score.most_common(20):
            if j in used:
                continue
            if guard.admit(articles[j]["text"]):
                distractor = j
                break
        if distractor is None:
            continue
        used.update((i, distractor))
        sources.append(a)
        distractors.append(articles[distractor])
    background = []
    for i, a in enumerate(articles):
        if len(background) >= args.background:
            break
        if i not in used and guard.admit(a["text"]):
            used.add(i)
            background.append(a)

    docs: list[dict] = []
    truth = {"family": {}, "spun": {}, "distractor": {}}

    def add(doc_id: str, text: str, family: str | None) -> None:
        docs.append({"id": doc_id, "text": text})
        if family:
            truth["family"][doc_id] = family

    for k, (src, dis) in enumerate(zip(sources, distractors)):
        rate = RATES[k % 3]
        add(src["id"], src["text"], src["id"])
        spun, reps = spinner.spin(src["text"], rate, args.seed * 100_003 + k)
        spun_id = f"{src['id']}~spun{int(rate * 100)}"
        add(spun_id, spun, src["id"])
        truth["spun"][spun_id] = {"source": src["id"], "rate": rate,
                                  "replacements": [r._asdict() for r in reps]}
        add(dis["id"], dis["text"], dis["id"])
        truth["distractor"][dis["id"]] = src["id"]
        if k % 3 == 1:
            spun, reps = spinner.spin(dis["text"], 0.30, args.seed * 100_003 + k + 7)
            spun_id = f"{dis['id']}~spun30"
            add(spun_id, spun, dis["id"])
            truth["spun"][spun_id] = {"source": dis["id"], "rate": 0.30,
                                      "replacements": [r._asdict() for r in reps]}
    for b in background:
        add(b["id"], b["text"], b["id"])
    rng.shuffle(docs)
    return docs, truth


def run_engine(args, corpus: Path) -> list[dict]:
    profile = ["--release"] if args.release else []
    if args.engine == "example":
        cmd = ["cargo", "run", "-q", *profile, "--example", "rewrite", "--", "link", str(corpus),
               *args.extra]
        started = time.time()
        result = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, check=True)
        sys.stderr.write(result.stderr)
        print(f"engine: examples/rewrite.rs link, {time.time() - started:.1f} s")
        return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    out_dir = OUT / "dedup-out"
    cmd = ["cargo", "run", "-q", *profile, "--", "dedup", str(corpus), "--out", str(out_dir),
           *args.extra]
    started = time.time()
    result = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"copydesk dedup failed:\n{result.stderr}")
    print(f"engine: copydesk dedup, {time.time() - started:.1f} s")
    return [json.loads(line) for line in open(out_dir / "pairs.jsonl", encoding="utf-8")]


def trim(text: bytes, span: tuple[int, int]) -> tuple[int, int]:
    """Shrink a byte span to its first and last word characters."""
    s, e = span
    while s < e and not chr(text[s]).isalnum() and text[s] < 0x80:
        s += 1
    while e > s and not chr(text[e - 1]).isalnum() and text[e - 1] < 0x80:
        e -= 1
    return s, e


def score_edits(pair: dict, src_text: str, spun_text: str, replacements: list[dict],
                spun_is_b: bool, counts: Counter) -> None:
    src_b, spun_b = src_text.encode(), spun_text.encode()
    truth = set()
    true_bytes = set()
    for r in replacements:
        o = trim(src_b, (r["orig_start"], r["orig_end"]))
        s = trim(spun_b, (r["start"], r["end"])) if r["end"] > r["start"] else (r["start"], r["start"])
        truth.add((o, s))
        true_bytes.update(range(*s) if s[1] > s[0] else range(*o))
    predicted = set()
    predicted_bytes = set()
    for e in pair.get("edits", []):
        src_span, spun_span = (e["a"], e["b"]) if spun_is_b else (e["b"], e["a"])
        o = trim(src_b, tuple(src_span)) if src_span[1] > src_span[0] else tuple(src_span)
        s = trim(spun_b, tuple(spun_span)) if spun_span[1] > spun_span[0] else tuple(spun_span)
        predicted.add((o, s))
        predicted_bytes.update(range(*s) if s[1] > s[0] else range(*o))
    counts["span_tp"] += len(truth & predicted)
    counts["span_fp"] += len(predicted - truth)
    counts["span_fn"] += len(truth - predicted)
    # Byte overlap: spun-side bytes (source-side bytes for drops, which have none).
    counts["byte_tp"] += len(true_bytes & predicted_bytes)
    counts["byte_fp"] += len(predicted_bytes - true_bytes)
    counts["byte_fn"] += len(true_bytes - predicted_bytes)


def f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def run_pairs(args, pairs: list[tuple[str, str]]) -> list[dict]:
    payload = "".join(json.dumps({"a": a, "b": b}) + "\n" for a, b in pairs)
    profile = ["--release"] if args.release else []
    result = subprocess.run(
        ["cargo", "run", "-q", *profile, "--example", "rewrite", "--", "pairs", *args.extra_pairs],
        cwd=REPO, input=payload, capture_output=True, text=True, check=True,
    )
    return [json.loads(line) for line in result.stdout.splitlines()]


def quantiles(values: list[float]) -> str:
    v = sorted(values)
    pick = lambda q: v[min(len(v) - 1, int(q * len(v)))]  # noqa: E731
    return f"min {v[0]:.3f} p5 {pick(0.05):.3f} median {pick(0.5):.3f} p95 {pick(0.95):.3f} max {v[-1]:.3f}"


def separation(args, truth: dict, text_of: dict) -> None:
    """Alignment and spot similarity of true pairs vs same-topic distractors, candidates aside."""
    true_pairs = [(i["source"], s, i["rate"]) for s, i in truth["spun"].items()]
    spun_of = {i["source"]: s for s, i in truth["spun"].items()}
    false_pairs = []
    for dis, src in truth["distractor"].items():
        false_pairs.append((src, dis))
        if src in spun_of:
            false_pairs.append((spun_of[src], dis))
    rows = run_pairs(args, [(text_of[a], text_of[b]) for a, b, _ in true_pairs]
                     + [(text_of[a], text_of[b]) for a, b in false_pairs])
    true_rows, false_rows = rows[: len(true_pairs)], rows[len(true_pairs):]
    for key in ("similarity", "spot_jaccard", "word5_jaccard"):
        for rate in RATES:
            vals = [r[key] for r, (_, _, q) in zip(true_rows, true_pairs) if q == rate]
            print(f"  {key:14} spun {int(rate * 100)}%: {quantiles(vals)}")
        print(f"  {key:14} distractors: {quantiles([r[key] for r in false_rows])}")
    accepted_false = sum(r["accepted"] for r in false_rows)
    accepted_true = sum(r["accepted"] for r in true_rows)
    print(f"alignment verification alone: accepts {accepted_true}/{len(true_rows)} true pairs, "
          f"{accepted_false}/{len(false_rows)} same-topic distractor pairs")


def msrp(args) -> None:
    pairs = []
    for name in ("msr_paraphrase_train.txt", "msr_paraphrase_test.txt"):
        with open(CORPORA / "msrp" / name, encoding="utf-8-sig") as f:
            next(f)
            for line in f:
                parts = line.rstrip("\n").split("\t")
                if len(parts) == 5:
                    pairs.append((int(parts[0]), parts[3], parts[4]))
    rows = run_pairs(args, [(a, b) for _, a, b in pairs])
    for key in ("similarity", "spot_jaccard", "word5_jaccard"):
        value = C.auc([r[key] for r, (label, _, _) in zip(rows, pairs) if label == 1],
                      [r[key] for r, (label, _, _) in zip(rows, pairs) if label == 0])
        print(f"MSRP ({len(pairs)} pairs) AUC of {key}: {value:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", type=int, default=600)
    parser.add_argument("--background", type=int, default=1500)
    parser.add_argument("--min-words", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--engine", choices=("cli", "example"), default="cli")
    parser.add_argument("--release", action="store_true", help="build the engine in release mode")
    parser.add_argument("--no-msrp", action="store_true")
    parser.add_argument("extra", nargs="*", help="extra arguments for the engine (after --)")
    args = parser.parse_args()
    # Parameters of the rewrite wing itself also apply to the `pairs` runs.
    args.extra_pairs = [x for x in args.extra if x != "--all"]

    OUT.mkdir(parents=True, exist_ok=True)
    docs, truth = build(args)
    corpus = OUT / "corpus.jsonl"
    with corpus.open("w", encoding="utf-8") as f:
        for d in docs:
            f.write(json.dumps(d, ensure_ascii=False) + "\n")
    (OUT / "truth.json").write_text(json.dumps(truth))
    text_of = {d["id"]: d["text"] for d in docs}
    print(f"corpus: {len(docs)} documents, {len(truth['spun'])} spun copies -> {corpus}")

    pairs = run_engine(args, corpus)
    if args.engine == "example" and "--all" in args.extra:
        candidates = {(p["a"], p["b"]) for p in pairs} | {(p["b"], p["a"]) for p in pairs}
        hit = sum((i["source"], s) in candidates for s, i in truth["spun"].items())
        print(f"candidate recall: {hit / len(truth['spun']):.3f}, candidates: {len(pairs)}")
        pairs = [p for p in pairs if p["accepted"]]
    separation(args, truth, text_of)
    family = truth["family"]
    found = {}
    tp = fp = 0
    false_pairs = []
    # `partial` pairs are real overlap that copydesk itself says is not a copy
    # (they never join clusters): they are not links.
    partial = [p for p in pairs if p.get("relation") == "partial"]
    pairs = [p for p in pairs if p.get("relation") != "partial"]
    print(f"pairs reported: {len(pairs) + len(partial)}, of which {len(partial)} partial (not links)")
    print("linked pairs by relation: " + ", ".join(
        f"{k} {v}" for k, v in sorted(Counter(p.get("relation", "rewrite") for p in pairs).items())))
    for p in pairs:
        a, b = p["a"], p["b"]
        if family.get(a) is not None and family.get(a) == family.get(b):
            tp += 1
        else:
            fp += 1
            false_pairs.append((a, b, p.get("similarity"), p.get("relation")))
        found[(a, b)] = p
        found[(b, a)] = p
    per_rate: dict[float, list[int]] = defaultdict(lambda: [0, 0])
    edit_counts: Counter = Counter()
    direction = Counter()
    for spun_id, info in truth["spun"].items():
        rate = info["rate"]
        per_rate[rate][1] += 1
        pair = found.get((info["source"], spun_id))
        if pair is None:
            continue
        per_rate[rate][0] += 1
        spun_is_b = pair["b"] == spun_id
        score_edits(pair, text_of[info["source"]], text_of[spun_id], info["replacements"],
                    spun_is_b, edit_counts)
        if pair.get("source") is not None:
            direction["right" if pair["source"] == info["source"] else "wrong"] += 1
        else:
            direction["unknown"] += 1
    total_found = sum(v[0] for v in per_rate.values())
    total = sum(v[1] for v in per_rate.values())
    print(f"link recall overall: {total_found / total:.3f} ({total_found}/{total})  [target >= 0.95]")
    for rate in sorted(per_rate):
        got, n = per_rate[rate]
        print(f"  at {int(rate * 100)}%: {got / n:.3f} ({got}/{n})" + ("  [target >= 0.85]" if rate == 0.5 else ""))
    precision = tp / (tp + fp) if tp + fp else 0.0
    print(f"pair precision: {precision:.4f} ({tp}/{tp + fp})  [target >= 0.98]")
    for a, b, sim, rel in false_pairs[:10]:
        print(f"    false pair: {a} {b} similarity={sim} relation={rel}")
    p, r, f = f1(edit_counts["span_tp"], edit_counts["span_fp"], edit_counts["span_fn"])
    print(f"edit-span F1 (exact spans): {f:.3f} (precision {p:.3f}, recall {r:.3f})  [target >= 0.85]")
    p, r, f = f1(edit_counts["byte_tp"], edit_counts["byte_fp"], edit_counts["byte_fn"])
    print(f"edit-byte F1 (overlap):     {f:.3f} (precision {p:.3f}, recall {r:.3f})")
    n = sum(direction.values())
    if n:
        print(f"direction: right {direction['right'] / n:.3f}, wrong {direction['wrong'] / n:.3f}, "
              f"unknown {direction['unknown'] / n:.3f} (no dates given)")
    if not args.no_msrp:
        msrp(args)


if __name__ == "__main__":
    main()
