#!/usr/bin/env python3
"""Evaluate substitution mining: does substitutions.jsonl hold a spinner's swaps
and not the noise of ordinary copies?

Two labelled corpora are built from ../shared/corpora/reuters21578.jsonl
(never copied into the repo; everything is written under
target/eval-substitutions/). Articles are split by id: ``crc32(id) % 2 == 0``
is the dev half (on which the filter was looked at), ``== 1`` the test half
(``--split test``, the default; the figures reported in README come from it).

(a) No spinner: ``--sources`` articles of 80+ words, each with two copies that
    an agency or a scanner would make: OCR noise on 3% of the words (rn→m,
    m→rn, l→1, e→c, i→l, h→b, o→0, cl→d, a dropped or doubled letter), 2% of
    the words deleted, and edits of the facts: a third of the numbers changed,
    words of the market's direction swapped for their opposites (rose→fell,
    higher→lower, up→down, gain→loss, buy→sell, ...) with probability 0.5,
    months and weekdays changed, and a few editorial rewordings from a fixed
    list ("said" → "stated", "about" → "around") so that not every mined swap
    is noise. Every change is logged with its kind (typo, value, edit).

(b) Spun: each source once through ``scripts/spinner.py`` (30%, WordNet's
    first three senses, inflected with lemminflect), and once through a second
    spinner of this script (25%): a word that is itself a lemma of a WordNet
    synset with other single-word lemmas is swapped for one of them, taken
    from any of its senses or from a synset WordNet links to it ("similar
    to", "verb group"), read from the shipped data/reference/english.tsv.gz.
    The two spinners' logs give the true swaps.

Each corpus is run through ``copydesk dedup --all-substitutions``, which keeps
every mined swap with its kind: "before" is all of them (what mining kept
before the filter), "after" the kinds that ``substitutions.jsonl`` keeps by
default (synonym, formal_name, unknown).

Reported:
* (a) the share of mined substitution counts that are typos or value swaps
  (by the generator's log), before and after; and the share of unlabelled
  counts (alignment artefacts: a swap merged with its neighbours);
* (b) mining recall per spinner: share of the spinner's swaps (normalized
  old → new, one-word swaps and swaps inside an equal-length mined entry)
  found among the mined substitutions, before and after.

Usage: python3 scripts/eval_substitutions.py [--split test|dev] [--sources 400]
       [--binary target/release/copydesk] [--seed 5] [--json OUT]
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import subprocess
import sys
import time
import zlib
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))
import _common as C  # noqa: E402
import spinner  # noqa: E402

OUT = spinner.TARGET / "eval-substitutions"
SPIN_KINDS = {"synonym", "formal_name", "unknown"}
WORD_RE = re.compile(r"[A-Za-z]+")

OPPOSITES = [
    ("rose", "fell"), ("rise", "fall"), ("rises", "falls"), ("rising", "falling"),
    ("higher", "lower"), ("up", "down"), ("gain", "loss"), ("gains", "losses"),
    ("gained", "lost"), ("increase", "decrease"), ("increased", "decreased"),
    ("buy", "sell"), ("bought", "sold"), ("profit", "loss"), ("surplus", "deficit"),
    ("strong", "weak"), ("stronger", "weaker"), ("above", "below"), ("more", "less"),
    ("imports", "exports"), ("before", "after"), ("early", "late"),
]
MONTHS = "January February March April June July August September October November December".split()
WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
EDITS = [("said", "stated"), ("about", "around"), ("big", "large"), ("buy", "purchase"),
         ("help", "aid"), ("begin", "start"), ("show", "indicate"), ("try", "attempt")]
OCR = [("rn", "m"), ("m", "rn"), ("l", "1"), ("e", "c"), ("i", "l"), ("h", "b"), ("o", "0"),
       ("cl", "d"), ("d", "cl"), ("n", "u"), ("t", "f")]


def split_of(doc_id: str) -> str:
    return "dev" if zlib.crc32(doc_id.encode()) % 2 == 0 else "test"


def norm(text: str) -> str:
    return " ".join(C.tokenize(text))


def ocr_word(word: str, rng: random.Random) -> str | None:
    options = [(a, b) for a, b in OCR if a in word]
    if rng.random() < 0.2 or not options:
        if len(word) < 4:
            return None
        i = rng.randrange(1, len(word) - 1)
        return word[:i] + word[i + 1:] if rng.random() < 0.5 else word[:i] + word[i] + word[i:]
    a, b = rng.choice(options)
    starts = [m.start() for m in re.finditer(re.escape(a), word)]
    i = rng.choice(starts)
    return word[:i] + b + word[i + len(a):]


def match_case(template: str, word: str) -> str:
    if template[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def noisy_copy(text: str, rng: random.Random) -> tuple[str, list[tuple[str, str, str]]]:
    """A copy with OCR noise, deletions and edits of the facts; log of (kind, old, new)."""
    log: list[tuple[str, str, str]] = []
    opposite = {a: b for a, b in OPPOSITES} | {b: a for a, b in OPPOSITES}
    edits = dict(EDITS)
    out: list[str] = []
    for token in re.split(r"(\s+)", text):
        if not token or token.isspace():
            out.append(token)
            continue
        m = re.match(r"^(\W*)(.*?)(\W*)$", token)
        lead, word, trail = m.group(1), m.group(2), m.group(3)
        lower = word.lower()
        new = None
        kind = None
        if word and rng.random() < 0.02:
            out.append(lead.strip() + trail.strip())
            continue
        if re.fullmatch(r"\d[\d.,]*", word) and rng.random() < 0.33:
            new, kind = str(int(re.sub(r"\D", "", word) or 0) + rng.randint(1, 9)), "value"
        elif lower in opposite and rng.random() < 0.5:
            new, kind = match_case(word, opposite[lower]), "value"
        elif word in MONTHS and rng.random() < 0.5:
            new, kind = rng.choice([x for x in MONTHS if x != word]), "value"
        elif word in WEEKDAYS and rng.random() < 0.5:
            new, kind = rng.choice([x for x in WEEKDAYS if x != word]), "value"
        elif lower in edits and rng.random() < 0.3:
            new, kind = match_case(word, edits[lower]), "edit"
        elif WORD_RE.fullmatch(word) and rng.random() < 0.03:
            new, kind = ocr_word(word, rng), "typo"
        if new and kind:
            log.append((kind, norm(word), norm(new)))
            word = new
        out.append(lead + word + trail)
    return "".join(out), log


class SecondSpinner:
    """Swaps lemmas for other lemmas of any of their synsets or of linked synsets."""

    def __init__(self, path: Path):
        synsets: list[list[str]] = []
        links: dict[int, list[int]] = defaultdict(list)
        for line in gzip.open(path, "rt", encoding="utf-8"):
            if line.startswith("s\t"):
                synsets.append(line.rstrip("\n")[2:].split("|"))
            elif line.startswith("l\t"):
                _, a, b = line.split("\t")
                links[int(a)].append(int(b))
                links[int(b)].append(int(a))
        self.options: dict[str, list[str]] = defaultdict(list)
        for number, lemmas in enumerate(synsets):
            related = list(lemmas)
            for other in links.get(number, ()):
                related.extend(synsets[other])
            for lemma in lemmas:
                if " " in lemma or not lemma.isalpha():
                    continue
                for option in related:
                    if option != lemma and option.isalpha() and option not in self.options[lemma]:
                        self.options[lemma].append(option)

    def spin(self, text: str, rate: float, rng: random.Random) -> tuple[str, list[tuple[str, str]]]:
        log = []
        out = []
        for token in re.split(r"(\W+)", text):
            lower = token.lower()
            if (
                token.isalpha() and token.islower() and len(token) >= 4
                and lower not in spinner.FUNCTION_WORDS and self.options.get(lower)
                and rng.random() < rate
            ):
                new = rng.choice(sorted(self.options[lower]))
                log.append((lower, new))
                out.append(new)
            else:
                out.append(token)
        return "".join(out), log


def run_dedup(binary: Path, docs: list[dict], name: str) -> list[dict]:
    corpus = OUT / f"{name}.jsonl"
    C.write_jsonl(corpus, docs)
    out_dir = OUT / f"{name}-out"
    started = time.time()
    result = subprocess.run(
        [str(binary), "dedup", str(corpus), "--out", str(out_dir), "--all-substitutions", "--quiet"],
        capture_output=True, text=True,
    )
    if result.returncode != 0:
        sys.exit(f"copydesk dedup failed:\n{result.stderr}")
    print(f"[{name}] copydesk dedup: {len(docs)} documents, {time.time() - started:.1f} s")
    return list(C.read_jsonl(out_dir / "substitutions.jsonl"))


def label(entry: dict, labels: dict[tuple[str, str], str]) -> str:
    pair = (entry["from"], entry["to"])
    if pair in labels:
        return labels[pair]
    a, b = entry["from"].split(" "), entry["to"].split(" ")
    if len(a) == len(b):
        kinds = {labels.get((x, y), "other") for x, y in zip(a, b) if x != y}
        for kind in ("typo", "value"):
            if kind in kinds:
                return kind
        if kinds == {"edit"}:
            return "edit"
        return "other"
    # Sides of different lengths: a swap merged with a deleted word.
    kinds = {labels.get((x, y), "other") for x in a for y in b if x != y}
    for kind in ("typo", "value", "edit"):
        if kind in kinds:
            return kind
    return "other"


def swaps_found(entries: list[dict]) -> set[tuple[str, str]]:
    found = set()
    for e in entries:
        a, b = e["from"].split(" "), e["to"].split(" ")
        found.add((e["from"], e["to"]))
        if len(a) == len(b):
            found.update((x, y) for x, y in zip(a, b) if x != y)
    return found


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", choices=("test", "dev"), default="test")
    ap.add_argument("--sources", type=int, default=400)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--binary", default=None, help="copydesk binary (default target/release/copydesk)")
    ap.add_argument("--json", type=Path, default=None)
    C.add_corpora_arg(ap)
    args = ap.parse_args()
    binary = C.ensure_copydesk(args.binary)
    rng = random.Random(args.seed)
    articles = [a for a in C.read_jsonl(C.resolve_reuters(args.corpora))
                if split_of(a["id"]) == args.split and len(C.tokenize(a["text"])) >= 80]
    articles.sort(key=lambda a: a["id"])
    rng.shuffle(articles)
    sources = articles[: args.sources]
    OUT.mkdir(parents=True, exist_ok=True)
    results: dict = {"split": args.split, "sources": len(sources), "seed": args.seed}

    # (a) copies without a spinner
    docs, labels_seen = [], defaultdict(Counter)
    for src in sources:
        docs.append({"id": src["id"], "text": src["text"]})
        for k in (1, 2):
            text, log = noisy_copy(src["text"], rng)
            docs.append({"id": f"{src['id']}~copy{k}", "text": text})
            for kind, old, new in log:
                # Both ways: two copies of one source are also a pair.
                labels_seen[(old, new)][kind] += 1
                labels_seen[(new, old)][kind] += 1
    labels = {pair: kinds.most_common(1)[0][0] for pair, kinds in labels_seen.items()}
    mined = run_dedup(binary, docs, "noisy")
    rows = []
    for name, entries in (("before", mined), ("after", [e for e in mined if e["kind"] in SPIN_KINDS])):
        counts: Counter = Counter()
        for e in entries:
            counts[label(e, labels)] += e["count"]
        total = sum(counts.values())
        noise = counts["typo"] + counts["value"]
        results[f"noisy_{name}"] = {"entries": len(entries), "counts": total, **counts,
                                    "noise_share": noise / total if total else 0.0}
        rows.append([name, len(entries), total, counts["typo"], counts["value"], counts["edit"],
                     counts["other"], C.fmt(noise / total if total else 0.0)])
    kinds_of_noise = Counter()
    for e in mined:
        kinds_of_noise[(label(e, labels), e["kind"])] += e["count"]
    results["noisy_kinds"] = {f"{a}/{b}": n for (a, b), n in sorted(kinds_of_noise.items())}
    print("\n(a) copies with OCR noise, deletions and value edits, no spinner")
    print(C.md_table(["mined", "entries", "counts", "typo", "value", "edit", "other",
                      "typo+value share"], rows))

    # (b) spun copies
    second = SecondSpinner(REPO / "data" / "reference" / "english.tsv.gz")
    docs, truths = [], {"spinner.py": [], "second": []}
    for k, src in enumerate(sources):
        docs.append({"id": src["id"], "text": src["text"]})
        text, reps = spinner.spin(src["text"], 0.30, args.seed * 100_003 + k)
        docs.append({"id": f"{src['id']}~spun", "text": text})
        truths["spinner.py"].extend((norm(r.old), norm(r.new)) for r in reps if r.kind == "synonym")
        text, log = second.spin(src["text"], 0.25, rng)
        docs.append({"id": f"{src['id']}~second", "text": text})
        truths["second"].extend(log)
    mined = run_dedup(binary, docs, "spun")
    rows = []
    for name, entries in (("before", mined), ("after", [e for e in mined if e["kind"] in SPIN_KINDS])):
        found = swaps_found(entries)
        row = [name, len(entries), sum(e["count"] for e in entries)]
        for spinner_name, swaps in truths.items():
            recall = sum(1 for s in swaps if s in found) / len(swaps) if swaps else 0.0
            results[f"recall_{spinner_name}_{name}"] = recall
            row.append(C.fmt(recall))
        rows.append(row)
    results["spun_kinds"] = dict(Counter(e["kind"] for e in mined))
    print("\n(b) spun copies: recall of the spinners' swaps among mined substitutions")
    print(C.md_table(["mined", "entries", "counts", "recall spinner.py (30%)",
                      "recall second spinner (25%)"], rows))
    print("\nkinds of mined entries (spun corpus):", json.dumps(results["spun_kinds"], sort_keys=True))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
