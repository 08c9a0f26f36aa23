#!/usr/bin/env python3
"""Labelled accuracy evaluation of `copydesk dedup` on generated syndication variants.

What it measures
----------------
Pairwise precision, recall and F1 of co-clustered document pairs, for copydesk
at its default settings and for two exact baselines, on a labelled corpus
generated from Reuters-21578; plus, per variant kind, how often each kind of
syndicated copy is linked to its story, and which false pairs appear.

How the labelled corpus is generated (all choices from ``--seed``)
------------------------------------------------------------------
Tokens/shingles/Jaccard/containment are as in _common.py (copydesk-style word
tokens, word 5-gram sets). "Near-duplicate test" below means: exact 5-gram
Jaccard >= 0.1 or containment (share of the smaller set in the other) >= 0.2:
Reuters holds updated stories that reuse a third of an earlier one; such a
pair is a partial copy, which copydesk reports, not a pair of distinct stories.

1. Sources: articles are visited in a seeded random order; an article of
   fewer than ``--min-words`` (80) whitespace words is skipped, and so is one
   that passes the near-duplicate test with any article already taken (real
   Reuters repeats stories and templates earnings reports). The first
   ``--sources`` (1500) survivors are the sources.
2. A share (``--variant-share``, 0.5) of the sources get 1-3 variants of
   distinct kinds, drawn at random from:
   * ``wire``: "CITY, Month D (Reuters) - " dateline prepended, "(Reporting by
     X; Editing by Y)" footer appended (made-up city/names lists in this
     file), straight quotes turned into “ ” ‘ ’, spaced hyphens into em
     dashes, digit-digit hyphens into en dashes;
   * ``trimmed``: the first paragraphs only, keeping 30-60% of the words (when
     no paragraph boundary falls in that range: a sentence boundary, then a
     word boundary);
   * ``excerpt``: a run of middle paragraphs (not the first) holding 25-50% of
     the words (same fallbacks), embedded between framing paragraphs taken
     from an unrelated article (one not chosen anywhere else and with exact
     Jaccard < 0.05 and containment < 0.1 against every article used), so the
     excerpt is 30-60% of the new document's words;
   * ``extended``: the full article plus 1-3 consecutive paragraphs of another
     source (one without variants, each used once) appended, the appended
     part being at most 40% of that other source's words; labelled with the
     first story. This checks that a composite does not merge two stories;
   * ``edited``: one sentence dropped, then ~5% of the words edited (each edit
     is a replacement, deletion or insertion, with words from a small
     fixed list in this file);
   * ``ocr``: ~2% of the characters hit by OCR noise: 70% of the edits are
     confusions (rn->m, m->rn, l->1, 1->l, O->0, 0->O, e->c, c->e), 15%
     dropped spaces, 15% spaces added inside words.
3. Distractors (``--distractors``, default sources/2): for sources in seeded
   order, the unused article whose title shares the most IDF-weighted content
   words with the source's title (score >= 0.3 of the source title's weight),
   that fails the near-duplicate test against every article already in the
   corpus: same topic (often the same company or commodity; for templated
   earnings reports, another company's report), not the same story.
4. Ground truth: each source with its variants is one cluster; sources
   without variants and distractors are singletons. Documents are shuffled
   and get opaque ids ``doc-NNNNN``.

Files in the work dir: ``corpus.jsonl`` (id, text), ``labels.jsonl`` (id,
cluster_label, kind, origin = Reuters id(s), detail), and ``copydesk-out/``.

Methods evaluated
-----------------
* copydesk: ``copydesk dedup corpus.jsonl --out copydesk-out --quiet`` plus
  ``--copydesk-args``; its ``documents.jsonl`` ``cluster`` field is the
  prediction (null = singleton).
* baselines: connected components of the pairs whose exact word 5-gram
  Jaccard is >= 0.5, and >= 0.3 (all such pairs found with an inverted index
  over shingle hashes; no sampling).

Metrics
-------
* overall: TP = co-clustered pairs with the same true label; precision =
  TP / predicted pairs, recall = TP / true pairs (from cluster-size
  contingency counts).
* per kind k: the same restricted to the pairs with at least one document of
  kind k (for a variant kind, its links to its own story's other documents),
  and "to source": the share of kind-k variants put in the same cluster as
  their source document.
* false pairs by kind pair, e.g. ``distractor+source`` or
  ``extended+source`` (a composite tying two stories).
* copydesk's ``relation`` per kind.

Usage
-----
    python3 scripts/eval_dedup.py                       # 1500 sources
    python3 scripts/eval_dedup.py --quick --no-copydesk # generator + baselines only
    python3 scripts/eval_dedup.py --copydesk-args "--threads 2" --json target/eval.json --keep-workdir

Exits with status 2 and a message when the corpora directory is absent.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import shlex
import shutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Dict, List, Optional, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as C  # noqa: E402

KINDS = ["wire", "trimmed", "excerpt", "extended", "edited", "ocr"]
NEAR_J, NEAR_C = 0.1, 0.2  # originals sharing more are partial copies, not distinct stories
UNREL_J, UNREL_C = 0.05, 0.1  # "unrelated" test for framing articles

# Made-up material for the generators (not taken from the corpus).
CITIES = ["LONDON", "NEW YORK", "TOKYO", "FRANKFURT", "PARIS", "WASHINGTON", "CHICAGO", "SYDNEY", "SINGAPORE",
          "HONG KONG", "ZURICH", "TORONTO", "BRUSSELS", "MADRID", "MILAN", "OSLO", "JOHANNESBURG", "MEXICO CITY"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
FIRST = ["Anna", "Ben", "Carla", "David", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kemi", "Luis",
         "Maya", "Nils", "Olga", "Pavel", "Rosa", "Sam", "Tariq", "Ulla", "Vera", "Wen", "Yusuf", "Zoe"]
LAST = ["Abbott", "Brandt", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Haddad", "Ivanova", "Jensen",
        "Kowalski", "Lindqvist", "Moreau", "Nakamura", "Okafor", "Petrov", "Quinn", "Rossi", "Schmidt", "Tanaka",
        "Urquhart", "Varga", "Weber", "Young"]
EDIT_WORDS = ["also", "further", "reportedly", "officials", "new", "major", "recently", "some", "several",
              "however", "still", "early", "later", "market", "sources", "about", "nearly", "expected", "meanwhile",
              "analysts", "statement", "agency", "week", "plans"]
TITLE_STOP = set("""a an and the of in on for to at by with from as is are be it its vs v says said say sees see
to up down over after before new u s says set sets""".split())

SENT_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[\"'(A-Z0-9])")


# --------------------------------------------------------------------------
# text helpers


def paragraphs(text: str) -> List[str]:
    return [p.strip() for p in text.split("\n\n") if p.strip()]


def wc(text: str) -> int:
    return len(text.split())


def join_paras(ps: List[str]) -> str:
    return "\n\n".join(p for p in ps if p.strip())


def sentences(para: str) -> List[str]:
    return [s for s in SENT_SPLIT.split(para) if s.strip()]


def _units(text: str, level: str) -> List[Tuple[str, int]]:
    """(unit text, paragraph number) for level 'paragraph' | 'sentence' | 'word'."""
    out = []
    for pi, p in enumerate(paragraphs(text)):
        if level == "paragraph":
            out.append((p, pi))
        elif level == "sentence":
            out.extend((s, pi) for s in sentences(p))
        else:
            out.extend((w, pi) for w in p.split())
    return out


def _render(units: List[Tuple[str, int]], level: str) -> str:
    paras: Dict[int, List[str]] = defaultdict(list)
    for u, pi in units:
        paras[pi].append(u)
    return join_paras([" ".join(paras[k]) for k in sorted(paras)])


def cut_run(text: str, lo: float, hi: float, rng: random.Random, prefix: bool, skip_first: bool) -> Tuple[str, str]:
    """A run of units holding lo..hi of the words: paragraphs, else sentences, else words.

    prefix: the run starts at the beginning (trimmed); else it is any run,
    not starting at unit 0 when skip_first (a middle excerpt).
    Returns (text, level used).
    """
    total = wc(text)
    for level in ("paragraph", "sentence", "word"):
        units = _units(text, level)
        n = len(units)
        if n < 2:
            continue
        counts = [wc(u) for u, _ in units]
        cum = [0]
        for c in counts:
            cum.append(cum[-1] + c)
        cands = []
        starts = [0] if prefix else range(1 if skip_first else 0, n)
        for i in starts:
            for j in range(i + 1, n + 1):
                if prefix and j == n:
                    break
                frac = (cum[j] - cum[i]) / total
                if frac > hi:
                    break
                if frac >= lo and not (i == 0 and j == n):
                    cands.append((i, j))
        if level == "word" and cands:
            # many word-level runs qualify: keep those that start at a unit after the first sentence-ish
            pass
        if cands:
            i, j = rng.choice(cands)
            return _render(units[i:j], level), level
    return text, "none"


# --------------------------------------------------------------------------
# variant generators


def make_wire(text: str, rng: random.Random) -> str:
    ps = paragraphs(text)
    dateline = f"{rng.choice(CITIES)}, {rng.choice(MONTHS)} {rng.randint(1, 28)} (Reuters) - "
    footer = (f"(Reporting by {rng.choice(FIRST)} {rng.choice(LAST)}; "
              f"Editing by {rng.choice(FIRST)} {rng.choice(LAST)})")
    body = typographic(join_paras(ps))
    return dateline + body + "\n\n" + footer


def typographic(t: str) -> str:
    t = re.sub(r"(?<=\d)-(?=\d)", "\u2013", t)           # 1986-87 -> 1986–87
    t = re.sub(r"\s+--?\s+", " \u2014 ", t)                # spaced hyphen / -- -> em dash
    t = re.sub(r"--", "\u2014", t)
    t = re.sub(r'(^|[\s(\[{])"', "\\1\u201c", t)          # opening double quote
    t = t.replace('"', "\u201d")                            # the rest close
    t = re.sub(r"(^|[\s(\[{])'", "\\1\u2018", t)           # opening single quote
    t = t.replace("'", "\u2019")                            # apostrophes and closing
    return t


def make_trimmed(text: str, rng: random.Random) -> Tuple[str, str]:
    return cut_run(text, 0.30, 0.60, rng, prefix=True, skip_first=False)


def make_excerpt(text: str, framing: str, rng: random.Random) -> Tuple[str, dict]:
    run, level = cut_run(text, 0.25, 0.50, rng, prefix=False, skip_first=True)
    ew = wc(run)
    share = rng.uniform(0.30, 0.60)
    need = int(round(ew * (1 - share) / share))
    # take framing words from the start of the unrelated article, by paragraph, cutting the last one
    fr: List[str] = []
    got = 0
    for p in paragraphs(framing):
        w = p.split()
        if got + len(w) > need:
            w = w[: need - got]
        if w:
            fr.append(" ".join(w))
            got += len(w)
        if got >= need:
            break
    k = max(1, len(fr) // 2) if len(fr) > 1 else 1
    before, after = fr[:k], fr[k:]
    doc = join_paras(before + paragraphs(run) + after)
    return doc, {"level": level, "excerpt_words": ew, "framing_words": got,
                 "excerpt_share": round(ew / max(1, ew + got), 3), "source_share": round(ew / wc(text), 3)}


def pick_extension(other: str, rng: random.Random, max_share: float = 0.40) -> Optional[str]:
    ps = paragraphs(other)
    total = wc(other)
    cands = []
    for i in range(len(ps)):
        for n in (1, 2, 3):
            if i + n > len(ps):
                break
            w = sum(wc(p) for p in ps[i : i + n])
            if w / total <= max_share:
                cands.append((i, n))
    if not cands:
        return None
    i, n = rng.choice(cands)
    return join_paras(ps[i : i + n])


def make_edited(text: str, rng: random.Random, frac: float = 0.05) -> Tuple[str, dict]:
    # drop one sentence (from the whole text; never the only one)
    units = _units(text, "sentence")
    dropped = 0
    if len(units) > 1:
        del units[rng.randrange(len(units))]
        dropped = 1
    ps = [p.split() for p in paragraphs(_render(units, "sentence"))]
    nwords = sum(len(p) for p in ps)
    nedits = max(1, int(round(frac * nwords)))
    ops = Counter()
    for _ in range(nedits):
        pi = rng.randrange(len(ps))
        p = ps[pi]
        op = rng.choice(("replace", "delete", "insert"))
        if not p:
            op = "insert"
        if op == "replace":
            p[rng.randrange(len(p))] = rng.choice(EDIT_WORDS)
        elif op == "delete" and len(p) > 1:
            del p[rng.randrange(len(p))]
        else:
            op = "insert"
            p.insert(rng.randrange(len(p) + 1), rng.choice(EDIT_WORDS))
        ops[op] += 1
    return join_paras([" ".join(p) for p in ps]), {"sentences_dropped": dropped, **ops}


OCR_SUB = {"m": "rn", "l": "1", "1": "l", "O": "0", "0": "O", "e": "c", "c": "e"}
OCR_CLASSES = (("confusion", 0.7), ("drop space", 0.15), ("add space", 0.15))


def make_ocr(text: str, rng: random.Random, frac: float = 0.02) -> Tuple[str, dict]:
    """Hit ~frac of the characters: 70% confusions (rn->m and OCR_SUB), 15% dropped spaces, 15% added spaces.

    The class of each edit is drawn first, then a random position where it
    applies (so confusions follow letter frequencies: e<->c dominate).
    """
    n = len(text)
    target = max(1, int(round(frac * n)))
    pos = {"confusion": [], "drop space": [], "add space": []}
    for i, ch in enumerate(text):
        if ch in OCR_SUB or (ch == "r" and i + 1 < n and text[i + 1] == "n"):
            pos["confusion"].append(i)
        elif ch == " ":
            pos["drop space"].append(i)
        if ch.isalpha() and i > 0 and text[i - 1].isalpha():
            pos["add space"].append(i)
    for v in pos.values():
        rng.shuffle(v)
    names = [c for c, _ in OCR_CLASSES]
    weights = [w for _, w in OCR_CLASSES]
    edits: Dict[int, Tuple[int, str]] = {}  # position -> (chars consumed, replacement)
    used = set()
    ops = Counter()
    while len(edits) < target and any(pos.values()):
        cls = rng.choices(names, weights)[0]
        while pos[cls]:
            i = pos[cls].pop()
            if i in used:
                continue
            ch = text[i]
            if cls == "confusion":
                if ch == "r":
                    if i + 1 in used:
                        continue
                    span, rep = 2, "m"
                else:
                    span, rep = 1, OCR_SUB[ch]
                name = f"{text[i:i + span]}->{rep}"
            elif cls == "drop space":
                span, rep, name = 1, "", cls
            else:
                span, rep, name = 1, " " + ch, cls
            edits[i] = (span, rep)
            used.update(range(i, i + span))
            ops[name] += 1
            break
    out = []
    i = 0
    while i < n:
        if i in edits:
            span, rep = edits[i]
            out.append(rep)
            i += span
        else:
            out.append(text[i])
            i += 1
    return "".join(out), {"char_edits": len(edits), "char_edit_share": round(len(edits) / n, 4), **dict(ops)}


# --------------------------------------------------------------------------
# corpus generation


def title_words(title: str) -> List[str]:
    return [w for w in set(C.tokenize(title)) if w not in TITLE_STOP and len(w) > 1]


def generate(articles: List[dict], args) -> Tuple[List[dict], List[dict], dict]:
    rng = random.Random(args.seed)
    t0 = time.perf_counter()
    N = len(articles)
    texts = [a["text"] for a in articles]
    sets = [C.shingle_set(t, 5) for t in texts]
    words = [wc(t) for t in texts]
    accepted = C.InvertedIndex()
    used = set()

    def is_near(i: int) -> bool:
        return bool(accepted.near_duplicates(sets[i], NEAR_J, NEAR_C))

    def accept(i: int) -> None:
        accepted.add(i, sets[i])
        used.add(i)

    # 1. sources
    order = list(range(N))
    rng.shuffle(order)
    sources: List[int] = []
    skipped_short = skipped_near = 0
    for i in order:
        if len(sources) >= args.sources:
            break
        if words[i] < args.min_words or not sets[i]:
            skipped_short += 1
            continue
        if is_near(i):
            skipped_near += 1
            continue
        accept(i)
        sources.append(i)
    if len(sources) < args.sources:
        print(f"warning: only {len(sources)} sources could be chosen", file=sys.stderr)

    # 2. variant plan
    n_var_src = int(round(args.variant_share * len(sources)))
    var_sources = rng.sample(sources, n_var_src)
    var_set = set(var_sources)
    plain_sources = [s for s in sources if s not in var_set]
    rng.shuffle(plain_sources)
    plan = {s: rng.sample(KINDS, rng.randint(1, 3)) for s in var_sources}

    # 3. distractors (title-word topic match, not a near-duplicate of anything in the corpus)
    tw = [title_words(a.get("title") or "") for a in articles]
    df = Counter(w for ws in tw for w in ws)
    idf = {w: math.log(N / c) for w, c in df.items()}
    by_word: Dict[str, List[int]] = defaultdict(list)
    for i, ws in enumerate(tw):
        for w in ws:
            by_word[w].append(i)
    distractors: List[Tuple[int, int, float]] = []
    dorder = sources[:]
    rng.shuffle(dorder)
    for s in dorder:
        if len(distractors) >= args.distractors:
            break
        ws = tw[s]
        tot = sum(idf[w] for w in ws)
        if not ws or tot <= 0:
            continue
        score: Dict[int, float] = defaultdict(float)
        for w in ws:
            if len(by_word[w]) > 2000:  # too common to identify a topic
                continue
            for j in by_word[w]:
                score[j] += idf[w]
        cands = sorted(((v / tot, j) for j, v in score.items() if j not in used and v / tot >= 0.3),
                       key=lambda x: (-x[0], x[1]))
        for sc, j in cands[:50]:
            if not sets[j] or is_near(j):
                continue
            accept(j)
            distractors.append((j, s, sc))
            break

    # 4. framing pool: unused, unrelated to everything accepted so far
    pool = [i for i in order if i not in used and words[i] >= 40]
    pool_pos = 0

    def take_framing(need_words: int) -> Optional[int]:
        nonlocal pool_pos
        tries = 0
        while pool_pos < len(pool) and tries < 5000:
            j = pool[pool_pos]
            pool_pos += 1
            tries += 1
            if j in used or words[j] < need_words:
                continue
            if accepted.near_duplicates(sets[j], UNREL_J, UNREL_C):
                continue
            accept(j)
            return j
        return None

    docs: List[dict] = []  # {text, cluster_label, kind, origin, detail}
    for s in sources:
        lab = f"story-{articles[s]['id']}"
        docs.append({"text": texts[s], "cluster_label": lab, "kind": "source", "origin": [articles[s]["id"]],
                     "detail": {"has_variants": s in var_set}})
    for j, s, sc in distractors:
        docs.append({"text": texts[j], "cluster_label": f"distractor-{articles[j]['id']}", "kind": "distractor",
                     "origin": [articles[j]["id"]], "detail": {"topic_of": articles[s]["id"], "title_score": round(sc, 3)}})

    ext_pool = plain_sources[:]
    skipped_kinds = Counter()
    for s in var_sources:
        lab = f"story-{articles[s]['id']}"
        src_id = articles[s]["id"]
        for kind in plan[s]:
            vrng = random.Random(f"{args.seed}:{src_id}:{kind}")
            origin = [src_id]
            if kind == "wire":
                text, detail = make_wire(texts[s], vrng), {}
            elif kind == "trimmed":
                text, level = make_trimmed(texts[s], vrng)
                detail = {"level": level, "share": round(wc(text) / words[s], 3)}
            elif kind == "excerpt":
                # framing must supply up to 70/30 of the excerpt's words (worst case)
                f = take_framing(int(words[s] * 0.5 * 0.7 / 0.3) + 1)
                if f is None:
                    skipped_kinds[kind] += 1
                    continue
                text, detail = make_excerpt(texts[s], texts[f], vrng)
                origin.append(articles[f]["id"])
            elif kind == "extended":
                text = None
                while ext_pool and text is None:
                    b = ext_pool.pop()
                    ext = pick_extension(texts[b], vrng)
                    if ext is not None:
                        text = join_paras(paragraphs(texts[s]) + paragraphs(ext))
                        origin.append(articles[b]["id"])
                        detail = {"appended_from": articles[b]["id"], "appended_words": wc(ext),
                                  "appended_share_of_other": round(wc(ext) / words[b], 3)}
                if text is None:
                    skipped_kinds[kind] += 1
                    continue
            elif kind == "edited":
                text, detail = make_edited(texts[s], vrng)
            elif kind == "ocr":
                text, detail = make_ocr(texts[s], vrng)
            else:
                raise AssertionError(kind)
            docs.append({"text": text, "cluster_label": lab, "kind": kind, "origin": origin, "detail": detail})

    # exact overlap of each variant with its source (and, for composites, with the other story)
    by_id = {articles[s]["id"]: s for s in sources}
    for d in docs:
        if d["kind"] in KINDS:
            v = C.shingle_set(d["text"], 5)
            src = sets[by_id[d["origin"][0]]]
            d["detail"]["jaccard_to_source"] = round(C.jaccard(v, src), 3)
            d["detail"]["max_containment_to_source"] = round(C.containment_max(v, src), 3)
            if d["kind"] == "extended":
                other = sets[by_id[d["origin"][1]]]
                inter = len(v & other)
                d["detail"]["other_in_doc"] = round(inter / len(other), 3) if other else 0.0
                d["detail"]["doc_in_other"] = round(inter / len(v), 3) if v else 0.0

    rng.shuffle(docs)
    corpus, labels = [], []
    for k, d in enumerate(docs):
        did = f"doc-{k:05d}"
        corpus.append({"id": did, "text": d["text"]})
        labels.append({"id": did, "cluster_label": d["cluster_label"], "kind": d["kind"], "origin": d["origin"],
                       "detail": d["detail"]})
    stats = {
        "articles": N,
        "sources": len(sources),
        "sources_with_variants": len(var_sources),
        "skipped_short": skipped_short,
        "skipped_near_duplicate": skipped_near,
        "distractors": len(distractors),
        "documents": len(corpus),
        "kinds": dict(Counter(l["kind"] for l in labels)),
        "skipped_variants": dict(skipped_kinds),
        "seconds": round(time.perf_counter() - t0, 2),
    }
    return corpus, labels, stats


# --------------------------------------------------------------------------
# metrics


def _pairs_with(cnt: Counter, k: str) -> int:
    n = sum(cnt.values())
    nk = cnt.get(k, 0)
    return nk * (n - nk) + C.comb2(nk)


def _kind_pairs(cnt: Counter) -> Counter:
    out: Counter = Counter()
    ks = sorted(cnt)
    for x, a in enumerate(ks):
        out[(a, a)] += C.comb2(cnt[a])
        for b in ks[x + 1 :]:
            out[(a, b)] += cnt[a] * cnt[b]
    return out


def evaluate(pred: Dict[str, object], labels: List[dict]) -> dict:
    """pred: id -> cluster (absent/None = singleton). Returns overall + per-kind metrics."""
    ids = [l["id"] for l in labels]
    kind = {l["id"]: l["kind"] for l in labels}
    truth_all = {l["id"]: l["cluster_label"] for l in labels}
    tsize = Counter(truth_all.values())
    truth = {d: t for d, t in truth_all.items() if tsize[t] >= 2}
    overall = C.pair_scores(pred, truth, ids)

    # group kind counts by predicted cluster, true cluster and cell
    P: Dict[object, Counter] = defaultdict(Counter)
    T: Dict[object, Counter] = defaultdict(Counter)
    X: Dict[object, Counter] = defaultdict(Counter)
    for d in ids:
        p, t = pred.get(d), truth.get(d)
        if p is not None:
            P[p][kind[d]] += 1
        if t is not None:
            T[t][kind[d]] += 1
        if p is not None and t is not None:
            X[(p, t)][kind[d]] += 1
    kinds = ["source"] + KINDS + ["distractor"]
    per_kind = {}
    for k in kinds:
        pp = sum(_pairs_with(c, k) for c in P.values())
        tp = sum(_pairs_with(c, k) for c in X.values())
        tt = sum(_pairs_with(c, k) for c in T.values())
        per_kind[k] = C.prf(tp, pp, tt)
        per_kind[k]["n"] = sum(1 for d in ids if kind[d] == k)
        per_kind[k]["clustered"] = sum(1 for d in ids if kind[d] == k and pred.get(d) is not None)

    # variant linked to its own source document
    src_doc = {l["cluster_label"]: l["id"] for l in labels if l["kind"] == "source"}
    to_src: Dict[str, List[int]] = defaultdict(lambda: [0, 0])
    for l in labels:
        if l["kind"] in KINDS:
            s = src_doc[l["cluster_label"]]
            pv, ps = pred.get(l["id"]), pred.get(s)
            to_src[l["kind"]][1] += 1
            if pv is not None and pv == ps:
                to_src[l["kind"]][0] += 1
    for k in KINDS:
        a, b = to_src[k]
        per_kind[k]["to_source"] = a / b if b else float("nan")

    # false (and missed) pairs by kind pair
    predk: Counter = Counter()
    tpk: Counter = Counter()
    truek: Counter = Counter()
    for c in P.values():
        predk.update(_kind_pairs(c))
    for c in X.values():
        tpk.update(_kind_pairs(c))
    for c in T.values():
        truek.update(_kind_pairs(c))
    false_pairs = {f"{a}+{b}": predk[(a, b)] - tpk[(a, b)] for (a, b) in predk if predk[(a, b)] - tpk[(a, b)] > 0}
    missed_pairs = {f"{a}+{b}": truek[(a, b)] - tpk[(a, b)] for (a, b) in truek if truek[(a, b)] - tpk[(a, b)] > 0}
    # predicted clusters holding more than one story, and how many of them hold a composite
    members: Dict[object, List[str]] = defaultdict(list)
    for d in ids:
        if pred.get(d) is not None:
            members[pred[d]].append(d)
    impure = [m for m in members.values() if len({truth_all[d] for d in m}) > 1]
    impure_ext = sum(1 for m in impure if any(kind[d] == "extended" for d in m))
    return {
        "impure_clusters": len(impure),
        "impure_clusters_with_extended": impure_ext,
        "overall": overall,
        "per_kind": per_kind,
        "false_pairs_by_kind": dict(sorted(false_pairs.items(), key=lambda x: -x[1])),
        "missed_pairs_by_kind": dict(sorted(missed_pairs.items(), key=lambda x: -x[1])),
        "clustered_docs": sum(1 for d in ids if pred.get(d) is not None),
        "clusters": len({pred[d] for d in ids if pred.get(d) is not None}),
    }


def baseline_predictions(corpus: List[dict], thresholds: List[float]) -> Tuple[Dict[float, Dict[str, int]], float]:
    t0 = time.perf_counter()
    sets = [C.shingle_set(d["text"], 5) for d in corpus]
    pairs = C.all_pairs_jaccard(sets, min(thresholds))
    out = {}
    for t in thresholds:
        uf = C.UnionFind(len(corpus))
        for i, j, jac in pairs:
            if jac >= t:
                uf.union(i, j)
        out[t] = {corpus[m]["id"]: g for g, members in enumerate(uf.groups(2)) for m in members}
    return out, time.perf_counter() - t0


def run_copydesk(binary: Path, corpus_path: Path, out_dir: Path, extra: List[str]) -> Tuple[Dict[str, int], Dict[str, Optional[str]], dict]:
    if out_dir.exists():
        shutil.rmtree(out_dir)
    cmd = [str(binary), "dedup", str(corpus_path), "--out", str(out_dir), "--quiet"] + extra
    print("[copydesk] " + " ".join(shlex.quote(c) for c in cmd), flush=True)
    r = C.run_measured(cmd, log_path=out_dir.parent / "copydesk.log")
    if r["returncode"] != 0:
        log = (out_dir.parent / "copydesk.log").read_text(errors="replace")[-2000:]
        C.die(f"copydesk exited with {r['returncode']}:\n{log}", 1)
    _ids, lab, rel = C.read_copydesk_documents(out_dir)
    return lab, rel, {"wall_s": r["wall_s"], "peak_rss_mb": r["peak_rss_mb"], "summary": C.read_summary(out_dir)}


# --------------------------------------------------------------------------


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    C.add_corpora_arg(ap)
    ap.add_argument("--copydesk", default=None, help="copydesk binary (default: <repo_root>/target/release/copydesk, built with cargo if missing)")
    ap.add_argument("--copydesk-args", default="", help='extra flags for copydesk dedup, e.g. "--threshold 0.4"')
    ap.add_argument("--no-copydesk", action="store_true", help="only generate the corpus and score the baselines")
    ap.add_argument("--sources", type=int, default=1500, help="number of source articles (default: %(default)s)")
    ap.add_argument("--min-words", type=int, default=80, help="skip source candidates shorter than this (default: %(default)s)")
    ap.add_argument("--variant-share", type=float, default=0.5, help="share of sources that get variants (default: %(default)s)")
    ap.add_argument("--distractors", type=int, default=None, help="number of same-topic distractors (default: sources/2)")
    ap.add_argument("--quick", action="store_true", help="small run: 300 sources, 150 distractors")
    ap.add_argument("--seed", type=int, default=42, help="generator seed (default: %(default)s)")
    ap.add_argument("--workdir", default=None, help="work dir (default: a fresh dir under target/, removed at the end unless --keep-workdir)")
    ap.add_argument("--keep-workdir", action="store_true", help="keep the generated corpus, labels and copydesk output")
    ap.add_argument("--json", default=None, metavar="OUT", help="save all metrics as JSON")
    args = ap.parse_args(argv)
    if args.quick:
        args.sources = min(args.sources, 300)
    if args.distractors is None:
        args.distractors = args.sources // 2

    reuters = C.resolve_reuters(args.corpora)
    binary = None if args.no_copydesk else C.ensure_copydesk(args.copydesk)

    if args.workdir:
        work = Path(args.workdir).resolve()
        work.mkdir(parents=True, exist_ok=True)
        keep = True
    else:
        (C.REPO_ROOT / "target").mkdir(exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix="eval-dedup-", dir=C.REPO_ROOT / "target"))
        keep = args.keep_workdir
    try:
        articles = C.load_reuters(reuters)
        corpus, labels, gstats = generate(articles, args)
        cpath, lpath = work / "corpus.jsonl", work / "labels.jsonl"
        C.write_jsonl(cpath, corpus)
        C.write_jsonl(lpath, labels)
        print(f"[generate] {gstats['documents']} docs in {cpath} ({gstats['seconds']}s): "
              + ", ".join(f"{k} {v}" for k, v in sorted(gstats["kinds"].items()))
              + f"; sources skipped: {gstats['skipped_short']} short, {gstats['skipped_near_duplicate']} near-duplicate",
              flush=True)

        diff_rows = []
        for k in KINDS:
            ds = [l["detail"] for l in labels if l["kind"] == k]
            if not ds:
                continue
            js = sorted(x["jaccard_to_source"] for x in ds)
            cs = sorted(x["max_containment_to_source"] for x in ds)
            row = [k, len(ds), js[len(js) // 2], sum(j >= 0.5 for j in js) / len(js), sum(j >= 0.3 for j in js) / len(js),
                   cs[len(cs) // 2], sum(c >= 0.5 for c in cs) / len(cs)]
            if k == "extended":
                oc = [max(x["other_in_doc"], x["doc_in_other"]) for x in ds]
                row.append(f"max containment with the other story >= 0.5: {sum(c >= 0.5 for c in oc)}/{len(oc)}")
            else:
                row.append("")
            diff_rows.append(row)
        gstats["difficulty"] = diff_rows

        methods: Dict[str, dict] = {}
        relations = None
        cd_run = None
        if binary:
            lab, rel, cd_run = run_copydesk(binary, cpath, work / "copydesk-out", shlex.split(args.copydesk_args))
            methods["copydesk"] = evaluate(lab, labels)
            rk: Dict[str, Counter] = defaultdict(Counter)
            for l in labels:
                rk[l["kind"]][rel.get(l["id"]) or "null"] += 1
            relations = {k: dict(v) for k, v in rk.items()}
        base, bsec = baseline_predictions(corpus, [0.5, 0.3])
        print(f"[baselines] exact all-pairs Jaccard in {bsec:.1f}s", flush=True)
        for t, lab in base.items():
            methods[f"jaccard>={t}"] = evaluate(lab, labels)

        # ---- report
        print()
        print(f"Labelled set: {gstats['documents']} docs from {gstats['sources']} sources "
              f"({gstats['sources_with_variants']} with variants), {gstats['distractors']} distractors, seed {args.seed}"
              + (f"; copydesk args: {args.copydesk_args!r}" if binary and args.copydesk_args else ""))
        print()
        print("Variant difficulty (exact word 5-gram overlap with the source; containment = share of the smaller set):")
        print()
        print(C.md_table(["kind", "n", "median J", "J >= 0.5", "J >= 0.3", "median max containment", "containment >= 0.5", "note"],
                         diff_rows))
        print()
        rows = [[m, r["overall"]["precision"], r["overall"]["recall"], r["overall"]["f1"], r["overall"]["pred_pairs"],
                 r["overall"]["true_pairs"], r["clustered_docs"], f"{r['impure_clusters']} ({r['impure_clusters_with_extended']})"]
                for m, r in methods.items()]
        print(C.md_table(["method", "precision", "recall", "F1", "predicted pairs", "true pairs", "clustered docs",
                          "clusters mixing stories (with a composite)"], rows))
        print()
        rows = []
        for k in ["source"] + KINDS + ["distractor"]:
            for m, r in methods.items():
                pk = r["per_kind"][k]
                rows.append([k, pk["n"], m, pk["precision"], pk["recall"], pk["f1"], pk.get("to_source"), pk["clustered"]])
        print(C.md_table(["kind", "n", "method", "precision", "recall", "F1", "to source", "clustered"], rows))
        print()
        rows = []
        for m, r in methods.items():
            fp = r["false_pairs_by_kind"]
            rows.append([m, sum(fp.values()), ", ".join(f"{k} {v}" for k, v in fp.items()) or "-"])
        print("False pairs (co-clustered, different stories) by kind pair:")
        print()
        print(C.md_table(["method", "false pairs", "by kind pair"], rows))
        if relations:
            print()
            print("copydesk relation per kind (documents.jsonl `relation`):")
            print()
            print(C.md_table(["kind", "relations"], [[k, ", ".join(f"{a} {b}" for a, b in sorted(v.items(), key=lambda x: -x[1]))]
                                                     for k, v in relations.items()]))
            print(f"\ncopydesk: {cd_run['wall_s']:.2f}s, peak RSS {cd_run['peak_rss_mb']:.0f} MB")

        if args.json:
            out = {"generator": gstats, "params": {k: v for k, v in vars(args).items()}, "methods": methods,
                   "copydesk_relations": relations, "copydesk_run": cd_run, "workdir": str(work) if keep else None}
            Path(args.json).parent.mkdir(parents=True, exist_ok=True)
            Path(args.json).write_text(json.dumps(C.json_clean(out), indent=2, default=str))
            print(f"\nresults saved to {args.json}")
    finally:
        if keep:
            print(f"\nwork dir kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
