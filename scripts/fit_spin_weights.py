#!/usr/bin/env python3
"""Fit the per-word spin model of copydesk's quality pass (`SpinWordWeights`).

The model says how likely a content word of an article is a thesaurus
spinner's synonym, from counts in a reference: the word's own count and its
pairs with the words before and after it. This script fits its weights by
logistic regression on the **dev quarter** of Reuters-21578 (the split of
scripts/eval_quality.py: reference = the fitting half, crc32(id) % 2 == 0;
articles = crc32(id) % 4 == 1, seed 11, none a near copy of a fitting-half
story), spun by scripts/spinner.py at 15, 30 and 50%. Positives are the
content words the spinner put in; negatives are the content words of the
clean articles and the words the spinner left alone. The held-out quarter
(crc32(id) % 4 == 3) is never read here.

Features, per judged word (lower-case, 3+ letters, not a closed-class word;
the same definitions as `stats::measure`):

    log_count          ln(count + 0.5)
    left_joined        1 when a left neighbour is in the same phrase
    left_log_pair      ln(pair count + 0.5), 0 without a neighbour
    left_association   ln((pair + 0.5) / (expected + 0.5)), expected = count(left) * count(word) / total
    right_*            the same on the right
    repeated           1 when the word occurs more than once in the article

Words are split here with a regular expression close to copydesk's tokenizer
(ASCII letters and digits, inner apostrophes), so the counts may differ from
the Rust ones on a few accented or curly-quoted words. Prints the weights
and the prior log-odds in the form of `SpinWordWeights::default()`.

    python3 scripts/fit_spin_weights.py [--corpus PATH] [--docs 500]

Pure Python (Newton's method, no numpy); about a minute.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import sys
import zlib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import eval_quality as E  # noqa: E402

WORD = re.compile(rb"[A-Za-z0-9]+(?:'[A-Za-z0-9]+)*")
BREAKS = set(b'.!?;:\n()",')
CLOSED_CLASSES = {"subject_pronoun", "anaphor", "article", "quantifier", "preposition",
                  "conjunction", "auxiliary", "modal", "function"}
NAMES = ["log_count", "left_joined", "left_log_pair", "left_association",
         "right_joined", "right_log_pair", "right_association", "repeated"]


def closed_words():
    words = set()
    for line in open(ROOT / "data" / "quality" / "closed_class.tsv", encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        cls, ws = line.rstrip("\n").split("\t", 1)
        if cls in CLOSED_CLASSES:
            words.update(ws.split())
    return words


def tokens(b: bytes):
    return [(m.start(), m.end(), m.group().lower().decode()) for m in WORD.finditer(b)]


def joins(b: bytes, start: int, end: int) -> bool:
    return not any(x in BREAKS for x in b[start:end])


class Reference:
    def __init__(self, docs):
        self.words, self.pairs, self.total = Counter(), Counter(), 0
        for d in docs:
            b = d["text"].encode()
            t = tokens(b)
            self.total += len(t)
            for i, (s, _, w) in enumerate(t):
                self.words[w] += 1
                if i > 0 and joins(b, t[i - 1][1], s):
                    self.pairs[t[i - 1][2], w] += 1


def rows_of(text: str, reference: Reference, closed, spans):
    b = text.encode()
    t = tokens(b)
    in_doc = Counter(w for _, _, w in t)
    rows = []
    for i, (s, e, w) in enumerate(t):
        original = b[s:e]
        if w in closed or not original.isalpha() or not original.islower() or len(w) < 3:
            continue
        count = reference.words[w]
        x = [math.log(count + 0.5)]
        for j in (i - 1, i + 1):
            if not (0 <= j < len(t)) or not (joins(b, t[j][1], s) if j < i else joins(b, e, t[j][0])):
                x += [0.0, 0.0, 0.0]
                continue
            pair = reference.pairs[(t[j][2], w) if j < i else (w, t[j][2])]
            expected = count * reference.words[t[j][2]] / reference.total
            x += [1.0, math.log(pair + 0.5), math.log((pair + 0.5) / (expected + 0.5))]
        x.append(1.0 if in_doc[w] > 1 else 0.0)
        label = 1 if any(s < end and start < e for start, end in spans) else 0
        rows.append((x, label))
    return rows


def solve(a, b):
    """Solve a x = b by Gaussian elimination with partial pivoting."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[p] = m[p], m[c]
        for r in range(n):
            if r != c and m[c][c] != 0:
                f = m[r][c] / m[c][c]
                for k in range(c, n + 1):
                    m[r][k] -= f * m[c][k]
    return [m[i][n] / m[i][i] for i in range(n)]


def logistic_regression(rows, ridge=1.0, iterations=10):
    """Newton's method for L2-regularized logistic regression (intercept first, not penalized)."""
    dim = len(rows[0][0]) + 1
    w = [0.0] * dim
    for _ in range(iterations):
        grad = [0.0] * dim
        hess = [[0.0] * dim for _ in range(dim)]
        for x, y in rows:
            z = w[0] + sum(wi * xi for wi, xi in zip(w[1:], x))
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
            xx = [1.0] + x
            g = p - y
            h = p * (1 - p)
            for i in range(dim):
                grad[i] += g * xx[i]
                hi = h * xx[i]
                row = hess[i]
                for j in range(i, dim):
                    row[j] += hi * xx[j]
        for i in range(dim):
            for j in range(i):
                hess[i][j] = hess[j][i]
            if i > 0:
                grad[i] += w[i] / ridge
                hess[i][i] += 1.0 / ridge
        step = solve(hess, grad)
        w = [wi - si for wi, si in zip(w, step)]
        if max(abs(s) for s in step) < 1e-6:
            break
    return w


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpora" / "reuters21578.jsonl"))
    ap.add_argument("--docs", type=int, default=500)
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args()
    if not Path(args.corpus).exists():
        args.corpus = "/work/shared/corpora/reuters21578.jsonl"
    spin = E.load_spinner()
    docs = [json.loads(line) for line in open(args.corpus)]
    train = [d for d in docs if zlib.crc32(d["id"].encode()) % 2 == 0]
    in_train = set()
    for d in train:
        in_train.update(E.shingles(d["text"]))
    eligible = [
        d for d in docs
        if zlib.crc32(d["id"].encode()) % 4 == 1
        and E.words(d["text"]) >= 100 and len(E.paragraphs_of(d["text"])) >= 3
        and E.overlap_share(d["text"], in_train) <= 0.2
    ]
    random.Random(args.seed).shuffle(eligible)
    sample = eligible[: args.docs]
    reference = Reference(train)
    closed = closed_words()
    rows = []
    for i, d in enumerate(sample):
        rows += rows_of(d["text"], reference, closed, [])
        for rate in (0.15, 0.30, 0.50):
            text, reps = spin(d["text"], rate, args.seed + i)
            spans = [(r.start, r.end) for r in reps if r.kind in ("synonym", "name")]
            rows += rows_of(text, reference, closed, spans)
    positives = sum(y for _, y in rows)
    prior = math.log(positives / (len(rows) - positives))
    w = logistic_regression(rows)
    print(f"// {len(rows)} words ({positives} spun) from {len(sample)} dev articles, reference {reference.total} words")
    print(f"intercept: {w[0]:.4f},")
    for name, value in zip(NAMES, w[1:]):
        print(f"{name}: {value:.4f},")
    print(f"prior_logit: {prior:.4f},")
    print(f"fitted_reference_words: {reference.total:.1f},")


if __name__ == "__main__":
    main()
