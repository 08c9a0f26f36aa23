#!/usr/bin/env python3
"""Build a scale corpus from the perf corpus: each of its documents ``--times``
times over (default 10: 907,650 documents, about 0.8 GB), every copy with
``--delete-frac`` (default 1%) of its whitespace-separated words deleted,
paragraph breaks kept, ids ``<perf id>-s<k>``.

The generator of each copy is ``random.Random(f"{seed}:{id}:{k}")``, so the
corpus is the same on every machine and a copy does not depend on the others.
Streams: memory stays flat whatever ``--times``.

Usage:
    python3 scripts/make_scale_corpus.py                      # target/perf/scale-10.jsonl
    python3 scripts/make_scale_corpus.py --times 100 --out target/perf/scale-100.jsonl

Builds the perf corpus first (scripts/make_perf_corpus.py) when it is missing.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def delete_words(text: str, fraction: float, rng: random.Random) -> str:
    paragraphs = text.split("\n\n")
    words = [p.split() for p in paragraphs]
    positions = [(i, j) for i, p in enumerate(words) for j in range(len(p))]
    drop = set(rng.sample(positions, round(fraction * len(positions))))
    return "\n\n".join(
        " ".join(w for j, w in enumerate(p) if (i, j) not in drop)
        for i, p in enumerate(words)
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--perf", default=str(ROOT / "target/perf/perf.jsonl"))
    ap.add_argument("--times", type=int, default=10)
    ap.add_argument("--delete-frac", type=float, default=0.01)
    ap.add_argument("--seed", default="scale")
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    perf = Path(args.perf)
    if not perf.exists():
        subprocess.run([sys.executable, str(ROOT / "scripts/make_perf_corpus.py"), "--out", str(perf)], check=True)
    out = Path(args.out or ROOT / f"target/perf/scale-{args.times}.jsonl")
    out.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with perf.open(encoding="utf-8") as src, out.open("w", encoding="utf-8") as dst:
        for line in src:
            record = json.loads(line)
            for k in range(1, args.times + 1):
                rng = random.Random(f"{args.seed}:{record['id']}:{k}")
                copy = {"id": f"{record['id']}-s{k}", "text": delete_words(record["text"], args.delete_frac, rng)}
                dst.write(json.dumps(copy, ensure_ascii=False) + "\n")
                count += 1
    print(f"{out}: {count} documents, {out.stat().st_size / 1e6:.0f} MB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
