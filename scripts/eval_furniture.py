#!/usr/bin/env python3
"""Evaluate copydesk's page-furniture flags on real scraped news pages.

Data: ../shared/corpora/article-extraction-benchmark/ (181 real news and blog
pages, html/<sha256>.html.gz, and ground-truth.json mapping each sha256 to
{url, articleBody}: the article body a person extracted; MIT licence, from
the public Article Extraction Benchmark). Nothing of it is written into the
repository: test documents go to a temporary directory.

Method:

* Naive extraction: every text block of the page's DOM in order (block-level
  elements p, div, li, h1-h6, td, figcaption, header, nav, ... and br; the
  text of inline elements joins the block around it; script, style, noscript,
  template, svg and the head are skipped), one paragraph each, whitespace
  collapsed.
* Labels: a block is article text when it is (fuzzily, after copydesk's
  token normalization) contained in the ground-truth body: for blocks of 4+
  words, at least 80% of its word 3-grams occur in the body; for shorter
  ones, its token sequence occurs in the body and it stands between long
  article blocks. Every other block is furniture. Blocks repeated on a page are kept once.
* Split: pages whose sha256 starts with an even hex digit are the FIT half
  (scripts/fit_furniture.py fits the classifier on them), odd ones the REPORT
  half (the figures; never tuned on).
* Test documents: per page, the ground-truth body paragraphs with up to
  --max-furniture of the page's furniture blocks (seeded sample, page order
  kept) put back where they stood relative to the article text. A furniture
  block of at most 12 words followed by an article paragraph is glued in
  front of that paragraph ("Updated 10:02 AM The minister said ..."), as a
  scraper that loses a line break makes it, with probability 1/2 (seeded)
  when it is metadata-shaped (a date, a clock time, or an opening byline,
  update or credit word: "by", "updated", "photo", "credit", "©", ...) and
  1/8 otherwise; the others stand as paragraphs of their own. The byte span
  of every inserted piece is recorded. Metadata-shaped glued pieces, the
  ones the prefix rules are for, are measured apart.
* copydesk: `copydesk check` (JSONL in, documents.jsonl out). A furniture
  block counts as flagged when a flag of category metadata or boilerplate
  overlaps it; precision is the share of those flags that overlap inserted
  furniture; a glued prefix counts as flagged at its span when one furniture
  flag covers at least half of it and reaches at most 3 words (or 15%) into
  the paragraph; article paragraphs wrongly flagged are the body paragraphs
  hit by a furniture flag (a glued paragraph's text from 24 bytes past its
  prefix: a prefix flag reaching a few words further is judged above).
* jusText (pip install justext lxml_html_clean) with its default English stoplist and
  settings, on the same documents, one <p> per paragraph: recall on
  standalone furniture blocks (classified bad), precision among the
  paragraphs it calls bad, article paragraphs it calls bad, and glued
  prefixes (it can only drop the whole paragraph, which never counts as
  "at the span").
* Clean news: flags per 1,000 words (all categories) of `copydesk check` on
  --reuters-docs seeded articles of the test half (crc32(id) % 2 == 1; the
  other half lends fit_furniture.py its clean lines) of
  ../shared/corpora/reuters21578.jsonl, with --no-corpus-stats and with
  default settings (corpus statistics, the whole test half checked).

Deterministic for a seed. Exits with status 2 and a clear message when the
corpora are missing.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import subprocess
import sys
import tempfile
import zlib
from collections import Counter
from pathlib import Path

import _common as C

BENCHMARK = "article-extraction-benchmark"

BLOCK_TAGS = set(
    "p div li ul ol dl dt dd h1 h2 h3 h4 h5 h6 td th tr table thead tbody tfoot caption figcaption "
    "figure header footer nav section article aside blockquote pre address main form fieldset legend "
    "br hr label button option select textarea details summary menu center".split()
)
SKIP_TAGS = set("script style noscript template svg head iframe object embed canvas math video audio".split())

GLUE_MAX_WORDS = 12
# The glued pieces the prefix rules are meant for (datelines, timestamps,
# bylines, credits, "Updated ..."): a date or a clock time, or a block that
# opens on a byline, update or credit word. They are glued more often than
# other short blocks (navigation words, "Commerce The company ..."), which no
# reader of plain text could tell from a sentence opening, and measured apart.
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
METADATA_SHAPE = re.compile(
    r"\b\d{1,2}\s+" + _MONTH + r"\s+\d{2,4}\b|\b" + _MONTH + r"\s+\d{1,2},?\s+\d{4}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b"
    r"|\b\d{1,2}:\d{2}\b|^\W*(?:by|updated|posted|published|last updated|modified|photo|photograph|image|picture|"
    r"credit|credits|courtesy|source|copyright|©)\b",
    re.I,
)
GLUE_METADATA = 0.5
GLUE_OTHER = 0.125


# --------------------------------------------------------------------------
# pages


def resolve_benchmark(corpora):
    d = Path(corpora).resolve() if corpora else C.default_corpora_dir()
    if not d.is_dir():
        C.die(
            f"corpora directory not found: {d}\n"
            "This script measures on the shared development corpora, which live outside the "
            "repository (<repo_root>/../shared/corpora). Pass --corpora DIR to point at a copy "
            f"that contains {BENCHMARK}/ and reuters21578.jsonl."
        )
    b = d / BENCHMARK
    if not (b / "ground-truth.json").is_file() or not (b / "html").is_dir():
        C.die(f"{BENCHMARK}/ground-truth.json or html/ not found in {d} (use --corpora DIR)")
    return d, b


def decode_html(raw: bytes) -> str:
    m = re.search(rb"<meta[^>]+charset=[\"']?([A-Za-z0-9_-]+)", raw[:4096], re.I)
    encodings = ["utf-8"]
    if m:
        encodings.insert(0, m.group(1).decode("ascii", "ignore"))
    for enc in encodings:
        try:
            return raw.decode(enc)
        except (LookupError, UnicodeDecodeError):
            continue
    return raw.decode("utf-8", errors="replace")


def extract_blocks(markup: str):
    """The DOM's text blocks in order, whitespace collapsed (see the module doc)."""
    from lxml import html as lxml_html

    try:
        doc = lxml_html.document_fromstring(markup)
    except Exception:  # noqa: BLE001 - an unparsable page has no blocks
        return []
    out, buf = [], []

    def flush():
        t = re.sub(r"\s+", " ", "".join(buf)).strip()
        buf.clear()
        if t and re.search(r"[^\W_]", t):
            out.append(t)

    def walk(el):
        if not isinstance(el.tag, str):  # comments, processing instructions
            if el.tail:
                buf.append(el.tail)
            return
        tag = el.tag.lower()
        if tag in SKIP_TAGS:
            if el.tail:
                buf.append(el.tail)
            return
        block = tag in BLOCK_TAGS
        if block:
            flush()
        if el.text:
            buf.append(el.text)
        for child in el:
            walk(child)
        if block:
            flush()
        if el.tail:
            buf.append(el.tail)

    body = doc.find("body")
    walk(body if body is not None else doc)
    flush()
    return out


def ngrams(tokens, n=3):
    return {" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def label_blocks(blocks, body: str):
    """True for article text, False for furniture."""
    body_tokens = C.tokenize(body)
    body_joined = " " + " ".join(body_tokens) + " "
    body_grams = ngrams(body_tokens)
    tokens = [C.tokenize(b) for b in blocks]
    labels = [None] * len(blocks)
    for i, toks in enumerate(tokens):
        if len(toks) >= 4:
            grams = ngrams(toks)
            labels[i] = len(grams & body_grams) >= 0.8 * len(grams)
    # A short block ("Business", "Share") is found in most bodies by chance:
    # it is article text only inside the article, between long article blocks.
    long_before = None
    for i, toks in enumerate(tokens):
        if labels[i] is not None:
            long_before = labels[i]
            continue
        long_after = next((labels[j] for j in range(i + 1, len(blocks)) if labels[j] is not None), None)
        contained = bool(toks) and (" " + " ".join(toks) + " ") in body_joined
        labels[i] = bool(contained and long_before and long_after)
    return labels


def load_pages(bench: Path):
    truth = json.loads((bench / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for sha in sorted(truth):
        f = bench / "html" / f"{sha}.html.gz"
        if not f.is_file():
            continue
        body = truth[sha].get("articleBody") or ""
        blocks = extract_blocks(decode_html(gzip.decompress(f.read_bytes())))
        labels = label_blocks(blocks, body)
        pages.append({"sha": sha, "body": body, "blocks": blocks, "labels": labels})
    return pages


def half_of(sha: str) -> str:
    return "fit" if int(sha[0], 16) % 2 == 0 else "report"


def body_paragraphs(body: str):
    return [re.sub(r"\s+", " ", p).strip() for p in re.split(r"\n+", body) if p.strip()]


def build_document(page, rng: random.Random, max_furniture: int):
    """The body paragraphs with the page's furniture put back; spans recorded.

    Returns {id, text, paragraphs: [(start, end, prefix_end)], furniture:
    [(start, end, kind)]} where kind is "block" or "glued" and prefix_end is
    where a glued prefix ends inside its paragraph (= start when none).
    """
    paras = body_paragraphs(page["body"])
    blocks, labels = page["blocks"], page["labels"]
    n_article = sum(labels)
    seen, furniture = set(), []
    article_before = 0
    for b, is_article in zip(blocks, labels):
        if is_article:
            article_before += 1
            continue
        key = " ".join(C.tokenize(b))
        if not key or key in seen:
            continue
        seen.add(key)
        # Where the block stood relative to the article text, in body paragraphs.
        slot = round(article_before / n_article * len(paras)) if n_article else 0
        furniture.append((slot, b))
    if len(furniture) > max_furniture:
        keep = sorted(rng.sample(range(len(furniture)), max_furniture))
        furniture = [furniture[i] for i in keep]
    before = [[] for _ in range(len(paras) + 1)]  # standalone blocks before paragraph i
    glued = [None] * len(paras)
    for slot, b in furniture:
        slot = min(slot, len(paras))
        if (
            slot < len(paras)
            and glued[slot] is None
            and len(b.split()) <= GLUE_MAX_WORDS
            and rng.random() < (GLUE_METADATA if METADATA_SHAPE.search(b) else GLUE_OTHER)
        ):
            glued[slot] = b
        else:
            before[slot].append(b)
    pieces, para_spans, furn_spans = [], [], []
    pos = 0

    def add(s):
        nonlocal pos
        if pieces:
            pieces.append("\n\n")
            pos += 2
        start = pos
        pieces.append(s)
        pos += len(s.encode("utf-8"))
        return start

    for i in range(len(paras) + 1):
        for b in before[i]:
            start = add(b)
            furn_spans.append((start, pos, "block"))
        if i == len(paras):
            break
        if glued[i] is not None:
            start = add(glued[i] + " " + paras[i])
            prefix_end = start + len(glued[i].encode("utf-8"))
            kind = "glued_metadata" if METADATA_SHAPE.search(glued[i]) else "glued"
            furn_spans.append((start, prefix_end, kind))
            para_spans.append((start, pos, prefix_end + 1))
        else:
            start = add(paras[i])
            para_spans.append((start, pos, start))
    return {"id": page["sha"], "text": "".join(pieces), "paragraphs": para_spans, "furniture": furn_spans}


def build_documents(pages, half: str, seed: int, max_furniture: int):
    docs = []
    for page in pages:
        if half != "all" and half_of(page["sha"]) != half:
            continue
        if not body_paragraphs(page["body"]):
            continue
        rng = random.Random(f"{seed}:{page['sha']}")
        docs.append(build_document(page, rng, max_furniture))
    return docs


# --------------------------------------------------------------------------
# scoring


def overlap(a0, a1, b0, b1):
    return max(0, min(a1, b1) - max(a0, b0))


FURNITURE_CATEGORIES = ("metadata", "boilerplate")


def score_copydesk(docs, results, examples=0):
    blocks = blocks_hit = glued = glued_hit = glued_any = meta = meta_hit = 0
    fflags = fflags_on = paras = paras_hit = 0
    rules = Counter()
    missed, wrong = [], []
    for d in docs:
        text = d["text"].encode("utf-8")
        flags = [f for f in results[d["id"]]["flags"] if f["category"] in FURNITURE_CATEGORIES]
        for f in flags:
            fflags += 1
            rules[f["rule"]] += 1
            if any(overlap(f["start"], f["end"], s, e) for s, e, _ in d["furniture"]):
                fflags_on += 1
            elif len(wrong) < examples:
                wrong.append((f["rule"], text[f["start"] : f["end"]].decode("utf-8", "replace")[:120]))
        para_end = {s: e for s, e, _ in d["paragraphs"]}
        for s, e, kind in d["furniture"]:
            hits = [f for f in flags if overlap(f["start"], f["end"], s, e)]
            if kind == "block":
                blocks += 1
                blocks_hit += bool(hits)
                if not hits and len(missed) < examples:
                    missed.append(text[s:e].decode("utf-8", "replace")[:120])
            else:
                glued += 1
                glued_any += bool(hits)
                rest = para_end[s] - e - 1
                slack = max(3 * 8, int(0.15 * rest))
                # bytes: "3 words" taken as 24 bytes
                at_span = any(
                    overlap(f["start"], f["end"], s, e) >= 0.5 * (e - s) and f["end"] <= e + 1 + slack
                    for f in hits
                )
                glued_hit += at_span
                if kind == "glued_metadata":
                    meta += 1
                    meta_hit += at_span
        for s, e, body_start in d["paragraphs"]:
            # The paragraph's own text; a flag reaching from a glued prefix a
            # few bytes past it is judged by the glued measure above.
            paras += 1
            own_start = body_start if body_start == s else body_start + 24
            paras_hit += any(overlap(f["start"], f["end"], own_start, e) for f in flags)
    return {
        "furniture_blocks": blocks,
        "blocks_flagged": blocks_hit / blocks if blocks else float("nan"),
        "furniture_flags": fflags,
        "flags_on_furniture": fflags_on / fflags if fflags else float("nan"),
        "glued_prefixes": glued,
        "glued_flagged_at_span": glued_hit / glued if glued else float("nan"),
        "glued_touched": glued_any / glued if glued else float("nan"),
        "glued_metadata_prefixes": meta,
        "glued_metadata_flagged_at_span": meta_hit / meta if meta else float("nan"),
        "article_paragraphs": paras,
        "article_paragraphs_flagged": paras_hit / paras if paras else float("nan"),
        "rules": dict(rules.most_common(15)),
        "missed_examples": missed,
        "wrong_examples": wrong,
    }


def run_justext(docs):
    try:
        import justext
    except ImportError:
        C.die("jusText is not installed (pip install justext lxml_html_clean)")
    from html import escape

    stoplist = justext.get_stoplist("English")
    out = {}
    for d in docs:
        text = d["text"].encode("utf-8")
        spans = []
        pos = 0
        for part in d["text"].split("\n\n"):
            n = len(part.encode("utf-8"))
            spans.append((pos, pos + n))
            pos += n + 2
        markup = "<html><body>" + "".join(f"<p>{escape(text[s:e].decode('utf-8'))}</p>" for s, e in spans) + "</body></html>"
        paragraphs = justext.justext(markup.encode("utf-8"), stoplist, encoding="utf-8")
        # jusText keeps one paragraph per <p>, in order.
        bad = [p.is_boilerplate for p in paragraphs]
        if len(bad) != len(spans):
            C.die(f"jusText returned {len(bad)} paragraphs for {len(spans)} in {d['id']}")
        out[d["id"]] = [{"start": s, "end": e, "rule": "justext", "category": "boilerplate"} for (s, e), b in zip(spans, bad) if b]
    return {k: {"flags": v} for k, v in out.items()}


def run_check(binary, docs, workdir: Path, extra=()):
    src = workdir / "in.jsonl"
    C.write_jsonl(src, ({"id": d["id"], "text": d["text"]} for d in docs))
    out_dir = workdir / "out"
    subprocess.run([str(binary), "check", str(src), "--out", str(out_dir), "--quiet", *extra], check=True)
    return {r["id"]: r for r in C.read_jsonl(out_dir / "documents.jsonl")}


def reuters_half(path: Path, fit: bool):
    """Reuters articles of the fitting (crc32(id) % 2 == 0) or the test half."""
    return [d for d in C.load_reuters(path) if (zlib.crc32(d["id"].encode()) % 2 == 0) == fit]


def reuters_clean(binary, corpora: Path, n: int, seed: int, workdir: Path):
    path = corpora / C.REUTERS_FILE
    if not path.is_file():
        C.die(f"{C.REUTERS_FILE} not found in {corpora} (use --corpora DIR)")
    test = reuters_half(path, fit=False)
    rng = random.Random(seed)
    sample = rng.sample(test, min(n, len(test)))
    words = sum(len(d["text"].split()) for d in sample)
    figures = {}
    # With corpus statistics the sample is checked inside the whole test half,
    # as a real corpus would be: a small sample has too few counts.
    for name, docs, extra in (("corpus statistics", test, []), ("no statistics", sample, ["--no-corpus-stats"])):
        res = run_check(binary, docs, workdir, extra)
        flags = [f for d in sample for f in res[d["id"]]["flags"]]
        figures[name] = {
            "docs": len(sample),
            "words": words,
            "flags_per_1000_words": 1000 * len(flags) / words,
            "furniture_flags_per_1000_words": 1000 * sum(f["category"] in FURNITURE_CATEGORIES for f in flags) / words,
            "rules": dict(Counter(f["rule"] for f in flags).most_common(10)),
        }
    return figures


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    C.add_corpora_arg(ap)
    ap.add_argument("--binary", help="copydesk binary (default: target/release/copydesk, built when missing)")
    ap.add_argument("--half", choices=["report", "fit", "all"], default="report", help="which pages to measure on (default: report)")
    ap.add_argument("--seed", type=int, default=5, help="furniture sample and gluing seed")
    ap.add_argument("--max-furniture", type=int, default=40, help="furniture blocks put back per page")
    ap.add_argument("--reuters-docs", type=int, default=1000, help="Reuters articles for the clean-news figure (0: skip)")
    ap.add_argument("--reuters-seed", type=int, default=3)
    ap.add_argument("--no-justext", action="store_true", help="skip jusText")
    ap.add_argument("--examples", type=int, default=0, help="print this many missed blocks and wrong flags")
    ap.add_argument("--json", help="write all figures here")
    args = ap.parse_args()

    corpora, bench = resolve_benchmark(args.corpora)
    binary = C.ensure_copydesk(args.binary)
    pages = load_pages(bench)
    docs = build_documents(pages, args.half, args.seed, args.max_furniture)
    n_blocks = sum(len(p["blocks"]) for p in pages)
    n_furn = sum(len(p["labels"]) - sum(p["labels"]) for p in pages)
    print(f"pages: {len(pages)} ({n_blocks} DOM blocks, {n_furn} furniture); {args.half} half: {len(docs)} documents")
    figures = {"half": args.half, "seed": args.seed, "documents": len(docs)}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        cd = score_copydesk(docs, run_check(binary, docs, tmp), args.examples)
        figures["copydesk"] = cd
        rows = [
            ("furniture blocks flagged", cd["blocks_flagged"]),
            ("furniture flags on furniture (precision)", cd["flags_on_furniture"]),
            ("glued metadata prefixes flagged at their span", cd["glued_metadata_flagged_at_span"]),
            ("glued prefixes (all kinds) flagged at their span", cd["glued_flagged_at_span"]),
            ("glued prefixes touched by a flag", cd["glued_touched"]),
            ("article paragraphs wrongly flagged", cd["article_paragraphs_flagged"]),
        ]
        if not args.no_justext:
            jt = score_copydesk(docs, run_justext(docs))
            figures["justext"] = jt
            keys = ["blocks_flagged", "flags_on_furniture", "glued_metadata_flagged_at_span", "glued_flagged_at_span", "glued_touched", "article_paragraphs_flagged"]
            table = [(name, c, jt[k]) for (name, c), k in zip(rows, keys)]
            print(C.md_table(["measure", "copydesk", "jusText"], table))
        else:
            print(C.md_table(["measure", "copydesk"], rows))
        print(
            f"({cd['furniture_blocks']} furniture blocks, {cd['glued_prefixes']} glued prefixes "
            f"({cd['glued_metadata_prefixes']} metadata-shaped), "
            f"{cd['article_paragraphs']} article paragraphs, {cd['furniture_flags']} furniture flags)"
        )
        print("copydesk furniture flags by rule:", cd["rules"])
        for m in cd["missed_examples"]:
            print("  MISSED", repr(m))
        for r, w in cd["wrong_examples"]:
            print("  WRONG ", r, repr(w))
        if args.reuters_docs:
            rc = reuters_clean(binary, corpora, args.reuters_docs, args.reuters_seed, tmp)
            figures["reuters_clean"] = rc
            for name, f in rc.items():
                print(
                    f"clean Reuters ({f['docs']} articles, {f['words']} words, {name}): "
                    f"{f['flags_per_1000_words']:.2f} flags / 1,000 words "
                    f"({f['furniture_flags_per_1000_words']:.2f} furniture); {f['rules']}"
                )
    if args.json:
        Path(args.json).write_text(json.dumps(C.json_clean(figures), indent=1))


if __name__ == "__main__":
    main()
