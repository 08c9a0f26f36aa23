#!/usr/bin/env python3
"""Fit the line-by-line furniture model's weights (data/quality/furniture_weights.tsv).

Data: --reuters clean Reuters-21578 articles (from the crc32(id) % 2 == 0
half, all lines article text: wire briefs and tables are news too) and the
FIT half of the article-extraction benchmark pages (sha256 starting
with an even hex digit; ../shared/corpora/article-extraction-benchmark/, MIT
licence), made into test documents exactly as scripts/eval_furniture.py
makes them (ground-truth body paragraphs with the page's furniture blocks
put back, some glued in front of paragraphs). The REPORT half is never read.

Features: computed by copydesk itself, `cargo run --example
furniture_features` (quality::Checker::furniture_blocks), one vector per
line of text. Labels: a line that is a furniture block is 1; a line of an
article paragraph (glued prefix or not) is 0.

Model: two logistic regressions (scikit-learn, L2, C = --c). The first on
each line's own features; the second on the own features plus the first
stage's probabilities of the two lines before and after (0 where there is
none) and whether there is none. The first stage's probabilities the second
is fitted on are out-of-fold (5 folds by page), so the second stage learns
how much to trust neighbours it has not seen. The threshold is the lowest
whose out-of-fold false-positive rate is at most --max-article-fp on the
pages' article lines and at most --max-reuters-fp on the Reuters lines (figure rows and lines a furniture pattern mostly covers
are not judged, as in the checker).

Writes the weights file with its header (--out, default the repository's
data/quality/furniture_weights.tsv) and prints the out-of-fold figures.
Deterministic: the folds are by page sha256.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import zlib
from pathlib import Path

import _common as C
import eval_furniture as E

FEATURE_DOCS = {
    "bias": "1",
    "log_words": "ln(1 + words in the line)",
    "log_chars": "ln(1 + characters in the line)",
    "few_words": "1 when the line has at most 4 words",
    "stopword_share": "share of its words that are closed-class (data/quality/closed_class.tsv)",
    "capital_start": "1 when it starts with a capital letter",
    "terminal_punct": "1 when it ends in . ! ? or a closing quote (not an ellipsis)",
    "has_verb": "1 when a word is a finite verb, auxiliary or modal (closed_class.tsv), or a lower-case -ed word past the first",
    "title_share": "share of capitalized words among the alphabetic words past the first",
    "caps_share": "share of words in capitals (2+ letters)",
    "digit_share": "share of words with a digit",
    "date": "1 for a month name next to a figure, a d/m/y date, or a capitalized weekday followed by a comma or period",
    "time": "1 for h:mm or a figure followed by am, pm, GMT, UTC, ET ...",
    "symbol_share": "separators (| › » « © • · → > / @ # ® ™) per word, at most 1",
    "prompt_share": "share of its words that are web prompts or chrome (share, print, email, subscribe, sign, click, follow, comments, newsletter, facebook, privacy, related, video ...)",
    "ellipsis_end": "1 when it ends in ... or …",
    "colon_end": "1 when it ends in a colon",
    "pattern_any": "1 when a data/quality/furniture.tsv pattern matched inside the line",
    "pattern_cover": "share of the line's bytes such matches cover",
    "first_line": "1 for the document's first line",
    "last_line": "1 for its last line",
    "before_prose": "1 when no prose line (13+ words, 25%+ stop words, closing punctuation) comes before it",
    "after_prose": "1 when no prose line comes after it",
    "prev_prose": "1 when the line before is prose",
    "next_prose": "1 when the line after is prose",
    "log_prose_distance": "ln(1 + lines to the nearest other prose line)",
    "topic_share": "share of its topical words (not closed-class, no digit, 3+ letters) that the document's other prose lines use",
    "no_topic_words": "1 when it has no topical word",
    "prev_p": "first-stage probability of the line before (0 at the top)",
    "next_p": "first-stage probability of the line after (0 at the bottom)",
    "prev2_p": "the same two lines before",
    "next2_p": "the same two lines after",
    "no_prev": "1 for the first line",
    "no_next": "1 for the last line",
}


def features(docs, example: str):
    """Rust-computed feature rows of every line of `docs`."""
    src = "\n".join(json.dumps({"id": d["id"], "text": d["text"]}) for d in docs) + "\n"
    cmd = [str(Path(example).resolve())] if example else ["cargo", "run", "--quiet", "--example", "furniture_features"]
    proc = subprocess.run(cmd, input=src.encode(), capture_output=True, check=True, cwd=C.REPO_ROOT)
    rows = [json.loads(line) for line in proc.stdout.decode().splitlines() if line.strip()]
    names = json.loads(subprocess.run(cmd + ["--names"], capture_output=True, check=True, cwd=C.REPO_ROOT).stdout)
    return rows, names


def label(doc, row):
    s, e = row["start"], row["end"]
    for fs, fe, kind in doc["furniture"]:
        if kind == "block" and fs < e and s < fe:
            return 1
    return 0


def neighbours(X, doc_index):
    """Each row's own features, then the line before's and the line after's (0 where none)."""
    import numpy as np

    prev = np.zeros_like(X)
    nxt = np.zeros_like(X)
    same_prev = np.r_[False, doc_index[1:] == doc_index[:-1]]
    same_next = np.r_[doc_index[:-1] == doc_index[1:], False]
    prev[same_prev] = X[np.nonzero(same_prev)[0] - 1]
    nxt[same_next] = X[np.nonzero(same_next)[0] + 1]
    return np.hstack([X, prev, nxt])


def context(p_own, doc_index):
    """The context features of each row from first-stage probabilities."""
    import numpy as np

    n = len(p_own)
    out = np.zeros((n, 6))
    for i in range(n):
        same = lambda j: 0 <= j < n and doc_index[j] == doc_index[i]  # noqa: E731
        out[i, 0] = p_own[i - 1] if same(i - 1) else 0.0
        out[i, 1] = p_own[i + 1] if same(i + 1) else 0.0
        out[i, 2] = p_own[i - 2] if same(i - 2) else 0.0
        out[i, 3] = p_own[i + 2] if same(i + 2) else 0.0
        out[i, 4] = 0.0 if same(i - 1) else 1.0
        out[i, 5] = 0.0 if same(i + 1) else 1.0
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    C.add_corpora_arg(ap)
    ap.add_argument("--example", help="the furniture_features example binary (default: cargo run --example furniture_features)")
    ap.add_argument("--seed", type=int, default=5, help="document construction seed (as eval_furniture.py)")
    ap.add_argument("--max-furniture", type=int, default=40)
    ap.add_argument("--reuters", type=int, default=100, help="clean Reuters articles added as article lines (from the crc32(id) %% 2 == 0 half; eval_furniture.py measures on the other)")
    ap.add_argument("--max-reuters-fp", type=float, default=0.005, help="out-of-fold false-positive rate on the Reuters lines the threshold allows")
    ap.add_argument("--c", type=float, default=1.0, help="inverse L2 strength")
    ap.add_argument("--max-article-fp", type=float, default=0.025, help="out-of-fold false-positive rate on article lines the threshold allows")
    ap.add_argument("--dump", help="write each FIT line's label, out-of-fold probability and text here (for error analysis; keep it out of the repository)")
    ap.add_argument("--out", default=str(C.REPO_ROOT / "data" / "quality" / "furniture_weights.tsv"))
    args = ap.parse_args()

    import numpy as np
    from sklearn.linear_model import LogisticRegression

    _, bench = E.resolve_benchmark(args.corpora)
    pages = [p for p in E.load_pages(bench) if E.half_of(p["sha"]) == "fit"]
    docs = E.build_documents(pages, "fit", args.seed, args.max_furniture)
    # Clean wire copy: briefs, tables and two-line items are article text too.
    reuters = E.reuters_half(C.resolve_reuters(args.corpora), fit=True)
    rng = random.Random(args.seed)
    for d in rng.sample(reuters, min(args.reuters, len(reuters))):
        docs.append({"id": "reuters:" + d["id"], "text": d["text"], "paragraphs": [], "furniture": []})
    rows, names = features(docs, args.example)
    own_names, ctx_names = names["own"], names["context"]
    by_id = {d["id"]: d for d in docs}
    doc_order = {d["id"]: i for i, d in enumerate(docs)}
    X = np.array([r["own"] for r in rows])
    y = np.array([label(by_id[r["id"]], r) for r in rows])
    doc_index = np.array([doc_order[r["id"]] for r in rows])
    judged = np.array([not r["figures_row"] and r["own"][own_names.index("pattern_cover")] < 0.5 for r in rows])
    is_reuters = np.array([str(r["id"]).startswith("reuters:") for r in rows])
    folds = np.array([zlib.crc32(str(r["id"]).encode()) % 5 for r in rows])
    print(
        f"FIT half: {len(docs)} documents ({int(sum(str(d['id']).startswith('reuters:') for d in docs))} Reuters), "
        f"{len(rows)} lines, {int(y.sum())} furniture, {int((1 - y).sum())} article"
    )

    def fit(Xs, ys):
        m = LogisticRegression(C=args.c, fit_intercept=False, max_iter=5000)
        m.fit(Xs, ys)
        return m

    # Out-of-fold first stage, for the second stage's context features.
    p1_oof = np.zeros(len(y))
    for k in range(5):
        tr, te = folds != k, folds == k
        p1_oof[te] = fit(X[tr], y[tr]).predict_proba(X[te])[:, 1]
    X2 = np.hstack([neighbours(X, doc_index), context(p1_oof, doc_index)])
    p2_oof = np.zeros(len(y))
    for k in range(5):
        tr, te = folds != k, folds == k
        p2_oof[te] = fit(X2[tr], y[tr]).predict_proba(X2[te])[:, 1]
    stage1 = fit(X, y)
    stage2 = fit(X2, y)

    art = (y == 0) & judged & ~is_reuters
    wire = judged & is_reuters
    candidates = sorted(set(np.round(p2_oof[art | wire], 3))) + [1.0]
    threshold = 1.0
    for t in candidates:
        if ((p2_oof >= t) & art).sum() <= args.max_article_fp * art.sum() and (
            (p2_oof >= t) & wire
        ).sum() <= args.max_reuters_fp * wire.sum():
            threshold = float(t)
            break
    threshold = max(threshold, 0.5)
    flagged = (p2_oof >= threshold) & judged
    furn = y == 1
    print(
        f"out of fold at threshold {threshold:.3f}: furniture lines flagged {flagged[furn].mean():.3f}, "
        f"precision {furn[flagged].mean():.3f}, article lines flagged {flagged[art].sum() / art.sum():.4f}, "
        f"Reuters lines flagged {flagged[wire].sum() / max(1, wire.sum()):.4f}; "
        f"first stage alone at 0.5: recall {((p1_oof >= 0.5) & judged)[furn].mean():.3f}"
    )

    if args.dump:
        with open(args.dump, "w", encoding="utf-8") as fh:
            for r, yy, pp, jj in zip(rows, y, p2_oof, judged):
                t = by_id[r["id"]]["text"].encode("utf-8")[r["start"] : r["end"]].decode("utf-8", "replace")
                fh.write(json.dumps({"y": int(yy), "p": round(float(pp), 3), "judged": bool(jj), "text": t}) + "\n")
    words = np.exp(X[:, own_names.index("log_words")]) - 1
    prose = art & (words >= 8)
    for t in (0.5, 0.6, 0.7, 0.8, 0.9, 0.95):
        f = (p2_oof >= t) & judged
        print(
            f"  at {t:.2f}: recall {f[furn].mean():.3f}, precision {furn[f].mean():.3f}, "
            f"article lines flagged {f[art].sum() / art.sum():.4f}, of 8+ words {f[prose].sum() / prose.sum():.4f}, "
            f"Reuters lines {f[wire].sum() / max(1, wire.sum()):.4f}"
        )
    w1 = stage1.coef_[0]
    w2 = stage2.coef_[0]
    lines = [
        "# Weights of copydesk's line-by-line page-furniture model (crates/quality/src/furniture.rs).",
        "#",
        "# Each line of a text is judged twice. First stage: p1 = logistic(sum of",
        "# FIRST STAGE weight x feature) over the line's own features. Second stage:",
        "# p = logistic(sum of SECOND STAGE weight x feature) over the line's own",
        "# features (NAME), those of the line before (prev:NAME) and after",
        "# (next:NAME), 0 where there is none, and the context features, which are",
        "# the first-stage p1 of the lines around it. A line with p >= threshold is",
        "# flagged `furniture_block` (figure rows, lines a furniture.tsv pattern",
        "# mostly covers and some prose lines are not judged: docs/quality.md).",
        "#",
        "# Fitted by scripts/fit_furniture.py (scikit-learn logistic regression, L2,",
        f"# C = {args.c}, no separate intercept: `bias` is the intercept; second stage on",
        "# out-of-fold first-stage probabilities; threshold: the lowest whose",
        f"# out-of-fold false-positive rate on article lines is <= {args.max_article_fp}) on the",
        "# FIT half (sha256 with an even first hex digit) of the Article Extraction",
        "# Benchmark's 181 real news pages (MIT licence, (c) 2020 Scrapinghub;",
        "# https://github.com/scrapinghub/article-extraction-benchmark), turned into",
        "# plain text by scripts/eval_furniture.py. Only these numbers come from the",
        "# pages: no page text is stored here.",
        f"# Also {args.reuters} clean Reuters-21578 articles (seeded sample of the crc32(id) % 2 == 0",
        "# half; research-use distribution by Reuters and D. Lewis), every line article text,",
        f"# with a threshold that flags at most {args.max_reuters_fp} of their lines out of fold.",
        f"# Out of fold: furniture lines flagged {flagged[furn].mean():.3f}, precision",
        f"# {furn[flagged].mean():.3f}, page article lines flagged {flagged[art].sum() / art.sum():.4f},",
        f"# Reuters lines flagged {flagged[wire].sum() / max(1, wire.sum()):.4f}.",
        "#",
        "# Features (the line's own, then context):",
    ]
    for n in own_names + ctx_names:
        lines.append(f"#   {n}: {FEATURE_DOCS[n]}")
    lines.append("#   prev:NAME, next:NAME: feature NAME of the line before / after")
    lines += [
        "#",
        "# Format: NAME<TAB>FIRST STAGE<TAB>SECOND STAGE (context features have 0 in",
        "# the first stage), and threshold<TAB>VALUE. A --lexicon file overrides any",
        "# entry with furniture_weight<TAB>NAME<TAB>FIRST<TAB>SECOND.",
    ]
    k = len(own_names)
    for i, n in enumerate(own_names):
        lines.append(f"{n}\t{w1[i]:.4f}\t{w2[i]:.4f}")
    for side, base in (("prev", k), ("next", 2 * k)):
        for i, n in enumerate(own_names):
            lines.append(f"{side}:{n}\t0\t{w2[base + i]:.4f}")
    for j, n in enumerate(ctx_names):
        lines.append(f"{n}\t0\t{w2[3 * k + j]:.4f}")
    lines.append(f"threshold\t{threshold:.3f}")
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    for i, n in enumerate(own_names):
        print(f"  {n:20s} {w1[i]:8.3f} {w2[i]:8.3f} prev {w2[k + i]:8.3f} next {w2[2 * k + i]:8.3f}")
    for j, n in enumerate(ctx_names):
        print(f"  {n:20s} {'':8s} {w2[3 * k + j]:8.3f}")


if __name__ == "__main__":
    main()
