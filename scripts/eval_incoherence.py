#!/usr/bin/env python3
"""Evaluate copydesk's incoherence signals on real news (issue 11).

Over ../shared/corpora/reuters21578.jsonl (--corpora DIR to point elsewhere),
articles are split by crc32 of the id: `% 2 == 0` is the TUNE part (used to
choose features and thresholds), `% 2 == 1` the REPORT part (only reported).
Each part is evaluated on its own: hosts, donors and background all come from
that part.

Hosts are articles of 100+ words with 3+ prose paragraphs. Each host gets at
most one injection, inserted at a paragraph boundary after the first
paragraph (pronoun openings go first, where nothing precedes them):

* stitched paragraphs, from another article of the same part:
  `stitched_para_random` / `stitched_para_near` (a paragraph of 15+ words from
  a random article / from the article sharing most rare words with the host,
  a stand-in for "same topic", since the corpus file carries no topic labels),
  and `stitched_sent_random` / `stitched_sent_near` (one sentence of 8+ words
  from such an article, as its own paragraph);
* dangling references, three generators: `dangling_borrowed` (a paragraph of
  another article that opens with "The NOUN" whose noun the host never
  mentions before the insertion point), `dangling_template` (templates over
  many heads and clauses: "The spokesman, who asked not to be named, said
  ...", "The offer was ...", "The two men ..."), and `dangling_pronoun` (a
  paragraph of another article opening with He/She/They, put first);
* `clean`: hosts left unchanged.

The rest of the part's articles are checked with them as background (as when
checking a real corpus: corpus statistics and corpus-level boilerplate see
them), but are not scored. Runs `copydesk check JSONL --out DIR` (corpus
statistics, the default) and reports per kind the share of injections with an
`incoherence` flag overlapping the inserted span, the share of incoherence
flags in injected articles that land on the inserted span, and on clean hosts
the flags per 1,000 words (all categories) and incoherence flags per article.
Deterministic for a seed.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import tempfile
import zlib
from collections import Counter, defaultdict
from pathlib import Path

import _common as C

KINDS = [
    "stitched_para_random",
    "stitched_para_near",
    "stitched_sent_random",
    "stitched_sent_near",
    "dangling_borrowed",
    "dangling_template",
    "dangling_pronoun",
    "clean",
]

WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
SENT_END = re.compile(rb"[.!?][\"')]?\s+(?=[A-Z\"])")

# Words that say little about a topic (for the near-topic donor and the
# antecedent test); not exhaustive, only used by this script.
STOP = set(
    """the a an and or but of to in on at by for with from as is are was were be been being it its
    this that these those he she they his her their them him we our you i said says say would will
    could should may might can has have had not no than then there here which who whom whose what
    when where why how also more most some any all each other such only over under about after
    before into out up down new year years pct mln billion dlrs cts last first next one two three
    reuter told per week month""".split()
)


def paragraphs_of(b: bytes):
    spans, pos = [], 0
    for m in re.finditer(rb"\n\s*\n", b):
        if m.start() > pos:
            spans.append((pos, m.start()))
        pos = m.end()
    if pos < len(b.rstrip()):
        spans.append((pos, len(b.rstrip())))
    return spans


def sentences_of(b: bytes, s: int, e: int):
    out, pos = [], s
    for m in SENT_END.finditer(b, s, e):
        out.append((pos, m.start() + 1))
        pos = m.end()
    if pos < e:
        out.append((pos, e))
    return out


def is_prose(piece: bytes) -> bool:
    words = piece.split()
    digits = sum(1 for w in words if re.search(rb"\d", w))
    return len(words) >= 8 and digits * 5 <= len(words) and b"\n" not in piece.strip()


def content_words(text: str):
    return [w.lower() for w in WORD.findall(text) if len(w) > 2 and w.lower() not in STOP]


def word_count(text: str) -> int:
    return len(C.tokenize(text))


# ---------------------------------------------------------------- generators

HEADS = [
    ("spokesman", "who asked not to be named"),
    ("spokeswoman", "who declined to be identified"),
    ("official", "who spoke on condition of anonymity"),
    ("executive", "who joined the board last year"),
    ("analyst", "who follows the sector closely"),
    ("trader", "who deals mainly for overseas clients"),
    ("minister", "who returned from the talks on Sunday"),
    ("banker", "who advised on the earlier sale"),
    ("diplomat", "who attended the closed session"),
    ("source", "who is close to the negotiations"),
    ("chairman", "who took over in the spring"),
    ("lawyer", "who represents several of the creditors"),
    ("two men", "who met privately for an hour"),
    ("union leader", "who called the strike"),
    ("envoy", "who arrived late on Tuesday"),
]
THING_HEADS = ["offer", "proposal", "deal", "plan", "bid", "ruling", "move", "letter", "complaint", "merger",
               "settlement", "talks", "shipment", "accord", "measure", "sale", "inquiry", "loan"]
ORG_HEADS = ["company", "firm", "agency", "group", "ministry", "board", "bank", "committee"]
VERBS = ["said", "told reporters", "added", "stressed", "warned", "insisted"]
CLAUSES = [
    "the decision would be reviewed before the end of the month",
    "no further talks were planned for now",
    "the figures had been checked twice",
    "the matter was in the hands of the lawyers",
    "any agreement would need the approval of shareholders",
    "the timetable could slip by several weeks",
    "there had been no contact with the other side since Friday",
    "the earlier statement still stood",
    "it was too early to say what the outcome would be",
    "the terms were better than those offered in the spring",
    "the dispute had gone on long enough",
    "a final answer was expected within days",
]
THING_PREDICATES = [
    "was rejected by a majority of the members present",
    "will be put to a vote at a special meeting",
    "has been withdrawn pending further study",
    "drew sharp criticism from opposition groups",
    "is worth considerably more than the previous one",
    "expires at midnight on Friday unless it is extended",
    "was welcomed by most of those who took part",
    "came as a surprise to many in the industry",
]
ORG_PREDICATES = [
    "declined to comment on the report",
    "said it would study the matter carefully",
    "has not yet responded to the request",
    "denied any wrongdoing in a brief statement",
    "said it had no plans to change its position",
    "will announce its decision next week",
]


def template_paragraph(rng: random.Random):
    """A dangling paragraph and its head noun."""
    kind = rng.random()
    if kind < 0.45:
        head, relative = rng.choice(HEADS)
        clause = rng.choice(CLAUSES)
        if rng.random() < 0.6:
            text = f"The {head}, {relative}, {rng.choice(VERBS)} {clause}."
        else:
            text = f"The {head} {rng.choice(VERBS)} {clause}."
    elif kind < 0.75:
        head = rng.choice(THING_HEADS)
        text = f"The {head} {rng.choice(THING_PREDICATES)}."
    else:
        head = rng.choice(ORG_HEADS)
        text = f"The {head} {rng.choice(ORG_PREDICATES)}."
    if rng.random() < 0.5:
        text += " " + rng.choice(CLAUSES).capitalize() + ", " + rng.choice(["it said", "one person said", "according to a statement"]) + "."
    return text, head


OPENING = re.compile(r"^The ([a-z][a-z-]+)(?: ([a-z][a-z-]+))?\b")
PRONOUN = re.compile(r"^(He|She|They) [a-z]")


def borrowed_openings(docs):
    """(paragraph, head) pairs: paragraphs opening with "The NOUN" (lower case)."""
    out = []
    for d in docs:
        b = d["text"].encode()
        for s, e in paragraphs_of(b)[1:]:
            piece = b[s:e]
            if not is_prose(piece):
                continue
            m = OPENING.match(piece.decode("utf-8", "ignore"))
            if m and m.group(1) not in STOP:
                out.append((piece, m.group(1), d["id"]))
    return out


def pronoun_openings(docs):
    out = []
    for d in docs:
        b = d["text"].encode()
        for s, e in paragraphs_of(b)[1:]:
            piece = b[s:e]
            if is_prose(piece) and PRONOUN.match(piece.decode("utf-8", "ignore")):
                out.append((piece, d["id"]))
    return out


def mentions(before: bytes, head: str) -> bool:
    """Does the text before the insertion point name the head (or its plural/singular)?"""
    text = before.decode("utf-8", "ignore").lower()
    words = set(WORD.findall(text))
    last = head.split()[-1]
    forms = {last, last + "s", last.rstrip("s"), last + "es"}
    if head == "two men":
        forms |= {"men", "both"}
    return bool(forms & words)


def insert(b: bytes, at: int, piece: bytes):
    new = b[:at] + piece + b"\n\n" + b[at:]
    return new, (at, at + len(piece))


# ---------------------------------------------------------------- building


def build(part_docs, n, rng):
    eligible = []
    for d in part_docs:
        b = d["text"].encode()
        paras = [p for p in paragraphs_of(b) if is_prose(b[p[0]:p[1]])]
        if word_count(d["text"]) >= 100 and len(paras) >= 3:
            eligible.append(d)
    eligible.sort(key=lambda d: d["id"])
    rng.shuffle(eligible)
    hosts_needed = n * len(KINDS)
    hosts = eligible[:hosts_needed]
    donors = eligible[hosts_needed:] or eligible
    # Inverse document frequency over the part, for the near-topic donor.
    df = Counter()
    bags = {}
    for d in part_docs:
        bag = set(content_words(d["text"]))
        bags[d["id"]] = bag
        df.update(bag)
    total = len(part_docs)
    index = defaultdict(list)
    for d in donors:
        for w in bags[d["id"]]:
            if df[w] <= total // 50:
                index[w].append(d)

    def near_donor(host):
        scores = Counter()
        for w in bags[host["id"]]:
            postings = index.get(w, ())
            if 2 <= df[w] and len(postings) < 400:
                weight = 1.0 / df[w]
                for d in postings:
                    scores[d["id"]] += weight
        host_text = host["text"]
        by_id = {d["id"]: d for d in donors}
        for did, _ in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:20]:
            d = by_id[did]
            # A copy of the host is not another story.
            if C.jaccard(C.shingle_set(d["text"], 5), C.shingle_set(host_text, 5)) < 0.1:
                return d
        return None

    borrowed = borrowed_openings(donors)
    pronouns = pronoun_openings(donors)
    cases = []
    for k, kind in enumerate(KINDS):
        for host in hosts[k * n:(k + 1) * n]:
            b = host["text"].encode()
            paras = paragraphs_of(b)
            points = [p[0] for p in paras[1:]]
            case = {"id": host["id"], "kind": kind, "text": host["text"], "span": None}
            if kind.startswith("stitched"):
                donor = near_donor(host) if kind.endswith("near") else rng.choice(donors)
                if donor is None or donor["id"] == host["id"]:
                    continue
                ob = donor["text"].encode()
                if "para" in kind:
                    pieces = [ob[s:e] for s, e in paragraphs_of(ob)[1:] if is_prose(ob[s:e]) and len(ob[s:e].split()) >= 15]
                else:
                    pieces = [ob[s:e] for ps, pe in paragraphs_of(ob) for s, e in sentences_of(ob, ps, pe)
                              if is_prose(ob[s:e]) and ob[s:e].rstrip().endswith(b".")]
                if not pieces:
                    continue
                piece = rng.choice(pieces)
                new, span = insert(b, rng.choice(points), piece)
            elif kind == "dangling_borrowed":
                rng.shuffle(points)
                found = None
                for _ in range(30):
                    piece, head, donor_id = rng.choice(borrowed)
                    at = next((p for p in points if not mentions(b[:p], head)), None)
                    if donor_id != host["id"] and at is not None:
                        found = (piece, at)
                        break
                if found is None:
                    continue
                new, span = insert(b, found[1], found[0])
            elif kind == "dangling_template":
                rng.shuffle(points)
                found = None
                for _ in range(30):
                    piece, head = template_paragraph(rng)
                    at = next((p for p in points if not mentions(b[:p], head)), None)
                    if at is not None:
                        found = (piece.encode(), at)
                        break
                if found is None:
                    continue
                new, span = insert(b, found[1], found[0])
            elif kind == "dangling_pronoun":
                piece, donor_id = rng.choice(pronouns)
                new, span = insert(b, 0, piece)
            else:
                new, span = b, None
            case["text"] = new.decode("utf-8")
            case["span"] = span
            cases.append(case)
    used = {h["id"] for h in hosts}
    background = [d for d in part_docs if d["id"] not in used]
    return cases, background


def overlaps(flag, span):
    return flag["start"] < span[1] and span[0] < flag["end"]


def evaluate(cases, results):
    rows = {}
    by_kind = defaultdict(list)
    for case in cases:
        by_kind[case["kind"]].append(case)
    on_target = total_incoherence = 0
    for kind in KINDS:
        group = by_kind.get(kind, [])
        if kind == "clean":
            words = sum(word_count(c["text"]) for c in group)
            flags = sum(len(results[c["id"]]["flags"]) for c in group)
            inc = sum(1 for c in group for f in results[c["id"]]["flags"] if f["category"] == "incoherence")
            rows[kind] = {
                "n": len(group),
                "flags_per_1000_words": 1000 * flags / max(words, 1),
                "incoherence_flags": inc,
                "incoherence_per_article": inc / max(len(group), 1),
            }
            continue
        hit = 0
        for c in group:
            inc = [f for f in results[c["id"]]["flags"] if f["category"] == "incoherence"]
            on = sum(1 for f in inc if overlaps(f, c["span"]))
            hit += on > 0
            on_target += on
            total_incoherence += len(inc)
        rows[kind] = {"n": len(group), "flagged": hit / max(len(group), 1)}
    stitched = [c for c in cases if c["kind"].startswith("stitched")]
    dangling = [c for c in cases if c["kind"].startswith("dangling")]

    def share(group):
        hit = 0
        for c in group:
            hit += any(f["category"] == "incoherence" and overlaps(f, c["span"]) for f in results[c["id"]]["flags"])
        return hit / max(len(group), 1)

    rows["stitched (all)"] = {"n": len(stitched), "flagged": share(stitched)}
    rows["dangling (all)"] = {"n": len(dangling), "flagged": share(dangling)}
    rows["incoherence flags on target"] = {"n": total_incoherence, "share": on_target / max(total_incoherence, 1)}
    return rows


def misses(cases, results, limit):
    shown = 0
    for c in cases:
        if c["span"] is None or shown >= limit:
            continue
        b = c["text"].encode()
        if not any(f["category"] == "incoherence" and overlaps(f, c["span"]) for f in results[c["id"]]["flags"]):
            print(f"--- missed {c['kind']} {c['id']}: {b[c['span'][0]:c['span'][1]].decode()[:160]!r}")
            shown += 1


def false_alarms(cases, results, limit):
    shown = 0
    for c in cases:
        for f in results[c["id"]]["flags"]:
            if f["category"] == "incoherence" and (c["span"] is None or not overlaps(f, c["span"])) and shown < limit:
                print(f"--- off-target {f['rule']} in {c['kind']} {c['id']}: {f['text'][:120]!r} ({f['message'][:150]})")
                shown += 1


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    C.add_corpora_arg(ap)
    ap.add_argument("--binary", default=str(C.REPO_ROOT / "target" / "release" / "copydesk"),
                    help="copydesk binary (default target/release/copydesk)")
    ap.add_argument("--docs", type=int, default=150, help="hosts per kind and part (default 150)")
    ap.add_argument("--seed", type=int, default=11, help="sampling seed (default 11)")
    ap.add_argument("--parts", default="tune,report", help="parts to evaluate: tune, report or both")
    ap.add_argument("--no-background", action="store_true", help="check the cases alone, without the rest of the part")
    ap.add_argument("--examples", type=int, default=0, help="print this many misses and off-target flags")
    ap.add_argument("--json", help="write the figures here")
    args = ap.parse_args()
    corpus = C.resolve_reuters(args.corpora)
    binary = Path(args.binary)
    if not binary.exists():
        C.die(f"copydesk binary not found: {binary} (cargo build --release, or --binary PATH)")
    docs = [json.loads(line) for line in open(corpus)]
    parts = {"tune": [], "report": []}
    for d in docs:
        parts["tune" if zlib.crc32(d["id"].encode()) % 2 == 0 else "report"].append(d)
    figures = {}
    for part in args.parts.split(","):
        rng = random.Random(f"{args.seed}:{part}")
        cases, background = build(parts[part], args.docs, rng)
        if args.no_background:
            background = []
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / "in.jsonl"
            with open(src, "w") as f:
                for d in cases + background:
                    f.write(json.dumps({"id": d["id"], "text": d["text"]}) + "\n")
            out = Path(tmp) / "out"
            subprocess.run([str(binary), "check", str(src), "--out", str(out), "--quiet"], check=True)
            results = {}
            for line in (out / "documents.jsonl").read_text().splitlines():
                r = json.loads(line)
                results[r["id"]] = r
        figures[part] = evaluate(cases, results)
        if args.examples:
            misses(cases, results, args.examples)
            false_alarms(cases, results, args.examples)
    print(f"seed {args.seed}, {args.docs} hosts per kind, binary {binary}")
    print("| kind | " + " | ".join(f"{p.upper()} n | {p.upper()} figure" for p in figures) + " |")
    print("|---|" + "---|---|" * len(figures))
    for key in list(next(iter(figures.values())).keys()):
        cells = []
        for p in figures:
            row = figures[p][key]
            if "flagged" in row:
                value = f"{100 * row['flagged']:.1f}% flagged"
            elif "share" in row:
                value = f"{100 * row['share']:.1f}% of {row['n']}"
            else:
                value = f"{row['flags_per_1000_words']:.2f} flags/1k words, {row['incoherence_flags']} incoherence"
            cells += [str(row["n"]), value]
        print(f"| {key} | " + " | ".join(cells) + " |")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
