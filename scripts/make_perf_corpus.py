#!/usr/bin/env python3
"""Build the copydesk performance corpus from Reuters-21578.

What it builds
--------------
For every article of ``<corpora>/reuters21578.jsonl`` (18,153 articles, in file
order) it writes ``--copies`` (default 5) copies, ids ``<orig_id>-c1`` ..
``<orig_id>-c5``. In each copy, ``round(--delete-frac * W)`` (default 3%) of the
article's W whitespace-separated words are deleted, chosen uniformly at random
without replacement; paragraph breaks (blank lines) are kept. With the defaults
the result is ~90k documents and ~90 MB of JSONL (``{"id", "text"}`` per line)
in which every article forms a group of 5 near-duplicates (pairwise word
5-gram Jaccard around 0.7-0.8) on top of the real repeats already in Reuters.

Determinism
-----------
The random generator of each copy is ``random.Random(f"{seed}:{orig_id}:{k}")``,
so a copy does not depend on which other articles are included (``--fraction``
gives a prefix of the full corpus's documents, byte for byte).

Usage
-----
    python3 scripts/make_perf_corpus.py                   # target/perf/perf.jsonl
    python3 scripts/make_perf_corpus.py --fraction 0.1 --out target/perf/perf-quick.jsonl

Exits with status 2 and a message when the corpora directory is absent.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as C  # noqa: E402

DEFAULT_OUT = C.REPO_ROOT / "target" / "perf" / "perf.jsonl"


def delete_words(text: str, frac: float, rng: random.Random) -> str:
    paras = [p.split() for p in text.split("\n\n")]
    flat = [(pi, wi) for pi, p in enumerate(paras) for wi in range(len(p))]
    k = round(frac * len(flat))
    drop = set(rng.sample(flat, k)) if k else set()
    out = []
    for pi, p in enumerate(paras):
        kept = [w for wi, w in enumerate(p) if (pi, wi) not in drop]
        if kept:
            out.append(" ".join(kept))
    return "\n\n".join(out)


def build(src: Path, out: Path, copies: int, frac: float, seed: int, fraction: float) -> tuple:
    articles = C.load_reuters(src)
    if fraction < 1.0:
        articles = articles[: max(1, int(round(len(articles) * fraction)))]
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(out.suffix + ".tmp")
    n = 0
    with open(tmp, "w", encoding="utf-8") as fh:
        for a in articles:
            for k in range(1, copies + 1):
                rng = random.Random(f"{seed}:{a['id']}:{k}")
                fh.write(json.dumps({"id": f"{a['id']}-c{k}", "text": delete_words(a["text"], frac, rng)}, ensure_ascii=False))
                fh.write("\n")
                n += 1
    tmp.replace(out)
    return n, len(articles)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    C.add_corpora_arg(ap)
    ap.add_argument("--out", default=str(DEFAULT_OUT), help="output JSONL (default: %(default)s)")
    ap.add_argument("--copies", type=int, default=5, help="copies per article (default: %(default)s)")
    ap.add_argument("--delete-frac", type=float, default=0.03, help="share of words deleted per copy (default: %(default)s)")
    ap.add_argument("--fraction", type=float, default=1.0, help="use only the first FRACTION of the articles (default: %(default)s)")
    ap.add_argument("--seed", type=int, default=42, help="random seed (default: %(default)s)")
    args = ap.parse_args(argv)

    src = C.resolve_reuters(args.corpora)
    out = Path(args.out)
    if not out.is_absolute():
        out = (Path.cwd() / out).resolve()
    t0 = time.perf_counter()
    n, na = build(src, out, args.copies, args.delete_frac, args.seed, args.fraction)
    size = out.stat().st_size
    print(f"wrote {out}: {n} documents ({na} articles x {args.copies} copies), "
          f"{size / 1e6:.1f} MB ({size / 2**20:.1f} MiB) in {time.perf_counter() - t0:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
