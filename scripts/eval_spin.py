#!/usr/bin/env python3
"""Evaluate copydesk's spin detection against issue 12's targets, through `copydesk check`.

Articles: Reuters-21578 (``--corpus``, default ``../shared/corpora/reuters21578.jsonl``)
split by ``crc32(id) % 4``: ``== 3`` is the held-out quarter (``--split heldout``,
default seed 7, for reporting), ``== 1`` the dev quarter (``--split dev``,
default seed 11, for choosing thresholds). A *clean* article has 80-800
words (copydesk's tokens), at least three sentence ends, at most 20% of its
words holding a digit (no tables) and no line over half upper case; the
sample is ``--n`` (default 300) of them in seeded order, each sharing at most
20% of its 8-word shingles with an article taken before it (Reuters repeats
stories under new ids: a near copy of a spun article's source would put the
source's own words into the corpus statistics).

Evidence modes:

* ``none``: ``copydesk check --no-corpus-stats``. Without ``--model`` that flag
  turns the corpus counts off (crates/copydesk/src/pipeline.rs, ``check_corpus``), so each
  document is judged on its own text, lexicons and rules, and every
  document of every experiment goes into one ``check`` call (checked one
  call per batch instead, the results are byte-identical). The only
  corpus-level rule left is ``repeated_boilerplate`` (a short line in three
  unrelated documents); it finds nothing in these batches.
* ``corpus``: ``copydesk check`` without flags, so the statistics of the
  checked set apply (each document left out of its own counts, then a
  second pass without the documents that look spun). The sample is cut into
  thirds; for each spinner and rate one corpus is checked: the first third
  clean, the other two thirds spun (their sources absent). The AUC compares
  the spun two thirds with the clean third of the same corpus. The corpora
  are small (``--n`` articles, about 200 words each): the statistics are
  those of the checked set only.

Experiments (nine `check` calls in all: one for everything alone, six
spun corpora, the corpus of copies, the content-farm corpus):

* **Spun articles**: each article spun by ``scripts/spinner.py`` at 15 / 30 / 50%
  with both thesauri (``wordnet``, ``moby``; seed ``seed*100003 + index``),
  names swapped and 2% of small words dropped, checked without its source.
  Document spin AUC (``scores.spin`` of the spun against the clean articles,
  Mann-Whitney, ties half), the share of replaced spans (synonym and
  formal-name replacements; drops are reported apart) overlapped by a flag of
  category ``spin`` or ``grammar``, the share of spun articles scoring above
  0.5, and the share of those flags that land on a replacement.
* **Clean articles**: ``spin`` + ``grammar`` flags per 1,000 words, the most
  ``spin`` flags on one article, and the share of articles with spin score
  <= 0.2, in three conditions: alone (``none``); in a corpus two thirds spun
  (the clean third measured, per spinner and rate); and in a corpus of the
  sample plus two unspun copies of each article (each copy with ~3% of its
  words deleted and ~1% of its words given one OCR-like letter substitution,
  no synonym swaps; the originals measured, the copies reported apart).
* **Tortured phrases**: frequent collocations of the whole corpus (adjacent
  lower-case pairs of content words, in at least 25 articles, pointwise
  mutual information >= 4 bits, the 300 most frequent: "central bank",
  "interest rates", "trade deficit") are rewritten with each word replaced
  by a one-word synonym from the spinner's thesaurus (the first word read as
  an adjective or noun, the second as a noun, inflected like it: "interest
  rates" -> "involvement charges"), once with WordNet and once with Moby. Each article that holds an
  occurrence of one gets one such phrase in place of one occurrence (seeded
  choice), and is checked alone: the share of inserted phrases overlapped by
  a ``spin`` flag, and the share of the article's ``spin`` flags that land on
  the phrase.
* **Content-farm rewrite**: an article with a country name the spinner knows
  and an auxiliary (has, have, had, was, were, will, is, are) gets one formal
  name swap ("U.S." -> "United States of America", as the spinner writes it),
  one auxiliary dropped, and a leaked dateline line ("WASHINGTON, March 3
  (Reuters) -", city and date seeded) pasted at its start. The share
  scoring spin >= 0.5, alone and checked together as a corpus.

Targets (issue 12), printed next to each figure with whether it is met: tortured
phrases >= 60% flagged with >= 50% of the spin flags on them; AUC >= 0.90
(none) and >= 0.93 (corpus) at every rate; replaced spans flagged >= 40%
(none) and >= 50% (corpus) at every rate; clean articles <= 2 spin+grammar
flags per 1,000 words and none over 10 spin flags in every condition; 95% of
clean articles scoring <= 0.2 in every condition; a content-farm rewrite
scoring >= 0.5 (met when at least half do).

Output: a markdown table on standard output (figures at 15 / 30 / 50% where
there are rates), details above it, all figures as JSON with ``--json OUT``.
Deterministic for a seed. The copydesk binary is ``--binary`` (default
``<repo>/target/release/copydesk``, built when missing). Work files go to a
temporary directory (``--keep-workdir DIR`` keeps them).

    python3 scripts/eval_spin.py --n 300 --split heldout --binary target/release/copydesk
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import re
import subprocess
import sys
import tempfile
import time
import zlib
from collections import Counter
from pathlib import Path

import _common as C

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import spinner  # noqa: E402

RATES = (0.15, 0.30, 0.50)
SPINNERS = ("wordnet", "moby")
SPIN_CATEGORIES = ("spin", "grammar")
AUXILIARIES = ("has", "have", "had", "was", "were", "will", "is", "are")
CITIES = ["WASHINGTON", "NEW YORK", "LONDON", "TOKYO", "CHICAGO", "PARIS", "FRANKFURT", "OTTAWA",
          "SYDNEY", "HONG KONG", "BRUSSELS", "ZURICH", "TORONTO", "SINGAPORE", "MADRID", "ROME"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
# Letters OCR confuses (one letter for one).
OCR = {"e": "c", "c": "e", "l": "i", "i": "l", "o": "c", "h": "b", "b": "h", "n": "u", "u": "n",
       "m": "n", "a": "o", "t": "f", "f": "t", "s": "e", "r": "t", "d": "a", "g": "q"}
# Words left out of collocations besides the spinner's function words:
# reporting verbs and newswire units.
NOT_CONTENT = set("""said says told added would also last first next new dlr shr shrs mths stg yen
    francs marks billion million two three four five six seven eight nine ten net""".split())

TARGETS = {
    "auc": {"none": 0.90, "corpus": 0.93},
    "replaced": {"none": 0.40, "corpus": 0.50},
    "clean_per_1k": 2.0,
    "clean_max_spin_flags": 10,
    "clean_low_share": 0.95,
    "tortured_flagged": 0.60,
    "tortured_landing": 0.50,
    "content_farm": 0.5,
}


# ---------------------------------------------------------------- helpers


def n_words(text: str) -> int:
    return len(C.tokenize(text))


def shingles(text: str, size: int = 8) -> set:
    ws = text.lower().split()
    return {hash(" ".join(ws[i:i + size])) for i in range(max(0, len(ws) - size + 1))}


def is_clean(text: str) -> bool:
    toks = C.tokenize(text)
    if not 80 <= len(toks) <= 800:
        return False
    if len(re.findall(r"[a-z][.!?][\"')]?(?:\s|$)", text)) < 3:
        return False
    if sum(any(ch.isdigit() for ch in t) for t in toks) > 0.2 * len(toks):
        return False
    for line in text.splitlines():
        letters = [ch for ch in line if ch.isalpha()]
        if len(letters) >= 20 and sum(ch.isupper() for ch in letters) > 0.5 * len(letters):
            return False
    return True


def overlaps(flag: dict, start: int, end: int) -> bool:
    if start == end:  # an empty span (a dropped word): hit by a flag covering its position
        return flag["start"] <= start <= flag["end"]
    return flag["start"] < end and start < flag["end"]


def spin_flags(result: dict, categories=("spin",)) -> list:
    return [f for f in result["flags"] if f["category"] in categories]


class Checker:
    """Runs `copydesk check` on a batch of documents; one process per batch."""

    def __init__(self, binary: Path, workdir: Path):
        self.binary = str(binary)
        self.workdir = workdir
        self.calls = 0
        self.seconds = 0.0

    def check(self, name: str, docs: list, mode: str) -> dict:
        src = self.workdir / f"{name}.jsonl"
        out = self.workdir / f"{name}.out"
        C.write_jsonl(src, ({"id": d["id"], "text": d["text"]} for d in docs))
        cmd = [self.binary, "check", str(src), "--out", str(out), "--quiet"]
        if mode == "none":
            cmd.append("--no-corpus-stats")
        started = time.monotonic()
        subprocess.run(cmd, check=True)
        self.seconds += time.monotonic() - started
        self.calls += 1
        return {r["id"]: r for r in C.read_jsonl(out / "documents.jsonl")}


# ---------------------------------------------------------------- generators


def ocr_copy(text: str, rng: random.Random, delete: float = 0.03, typo: float = 0.01) -> str:
    """A copy with ~`delete` of its words deleted and ~`typo` given one OCR-like letter swap."""
    out = []
    for word in text.split(" "):
        if word and rng.random() < delete:
            # Keep the line break a deleted word carried.
            if "\n" in word:
                out.append("\n" * word.count("\n"))
            continue
        if rng.random() < typo:
            positions = [i for i, ch in enumerate(word) if ch in OCR]
            if positions:
                i = rng.choice(positions)
                word = word[:i] + OCR[word[i]] + word[i + 1:]
        out.append(word)
    return " ".join(out)


def collocations(docs: list, top: int = 300) -> list:
    """Frequent adjacent pairs of lower-case content words, most frequent first."""
    pair_re = re.compile(r"(?<![\w'.-])([a-z]{3,}) (?=([a-z]{3,})(?![\w'-]))")
    df, wc = Counter(), Counter()
    total = 0
    for d in docs:
        ws = re.findall(r"[a-z]+", d["text"])
        total += len(ws)
        wc.update(ws)
        df.update({(m.group(1), m.group(2)) for m in pair_re.finditer(d["text"])})
    stop = spinner.FUNCTION_WORDS | NOT_CONTENT
    found = []
    for (a, b), n in df.items():
        if n < 25 or a in stop or b in stop:
            continue
        if math.log2(n * total / (wc[a] * wc[b])) >= 4:
            found.append((-n, a, b))
    found.sort()
    return [(a, b) for _, a, b in found[:top]]


def tortured_word(word: str, uposes, which: str, rng: random.Random):
    """A single-word synonym of `word` read as one of `uposes` (in that order), inflected like it."""
    from lemminflect import getAllInflections, getAllLemmas

    book = spinner.thesaurus()
    lemmas = getAllLemmas(word)
    for upos in uposes:
        pos = spinner.UPOS_TO_WN[upos]
        for lemma in lemmas.get(upos, ()):
            if which == "wordnet":
                options = [o for o in book.synonyms.get((lemma, pos), ()) if " " not in o]
            else:
                entry = spinner.moby().get(lemma)
                options = [o for o in (entry[0] if entry else ()) if getAllInflections(o, upos=upos)]
            if not options:
                continue
            tag = {"NOUN": "NN", "ADJ": "JJ"}[upos]
            if word != lemma:
                tags = sorted(t for t, forms in getAllInflections(lemma, upos=upos).items() if word in forms)
                if not tags:
                    continue
                tag = tags[0]
            options = sorted(options)
            rng.shuffle(options)
            for option in options:
                inflected = spinner._inflect(option, upos, tag)
                if inflected and inflected.lower() != word:
                    return inflected
    return None


def tortured(pair, which: str, seed: int):
    """The pair with each word swapped for a one-word synonym, or None.

    The first word is read as an adjective or noun (the modifier of "central
    bank", "trade deficit"), the second as a noun.
    """
    rng = random.Random(f"{seed}:{which}:{pair[0]} {pair[1]}")
    first = tortured_word(pair[0], ("ADJ", "NOUN"), which, rng)
    second = tortured_word(pair[1], ("NOUN",), which, rng)
    if first is None or second is None:
        return None
    return f"{first} {second}"


def insert_tortured(doc, pairs, which, seed, cache):
    """Put one tortured collocation in place of an occurrence; (text, byte span, phrase) or None."""
    text = doc["text"]
    found = []
    for pair in pairs:
        key = (pair, which)
        if key not in cache:
            cache[key] = tortured(pair, which, seed)
        if cache[key] is None:
            continue
        for m in re.finditer(r"(?<![\w'-])" + re.escape(f"{pair[0]} {pair[1]}") + r"(?![\w'-])", text):
            found.append((m.start(), m.end(), cache[key], pair))
    if not found:
        return None
    rng = random.Random(f"{seed}:{which}:{doc['id']}")
    start, end, phrase, pair = rng.choice(found)
    new = text[:start] + phrase + text[end:]
    bstart = len(text[:start].encode())
    return new, (bstart, bstart + len(phrase.encode())), phrase, pair


def content_farm(doc, rng: random.Random):
    """Formal-name swap + one dropped auxiliary + a leaked dateline line, or None."""
    text = doc["text"]
    names = list(spinner.NAME_RE.finditer(text))
    auxes = [m for m in re.finditer(r"(?<=[a-z,] )(" + "|".join(AUXILIARIES) + r") (?=[a-z])", text)]
    if not names or not auxes:
        return None
    name = rng.choice(names)
    aux = rng.choice(auxes)
    start, end = name.span()
    formal = spinner.FORMAL_NAMES[name.group()]
    if name.group().endswith(".") and (end == len(text) or text[end] == "\n"):
        end -= 1
    edits = sorted([(start, end, formal), (aux.start(), aux.end(), "")])
    if edits[0][1] > edits[1][0]:
        return None
    out, cursor = [], 0
    for s, e, new in edits:
        out.append(text[cursor:s])
        out.append(new)
        cursor = e
    out.append(text[cursor:])
    dateline = f"{rng.choice(CITIES)}, {rng.choice(MONTHS)} {rng.randint(1, 28)} (Reuters) -"
    return dateline + "\n" + "".join(out), (name.group(), formal, aux.group(1), dateline)


# ---------------------------------------------------------------- measures


def clean_figures(docs, res):
    words = sum(n_words(d["text"]) for d in docs)
    sg = sum(len(spin_flags(res[d["id"]], SPIN_CATEGORIES)) for d in docs)
    max_spin = max(len(spin_flags(res[d["id"]])) for d in docs)
    low = sum(res[d["id"]]["scores"]["spin"] <= 0.2 for d in docs)
    rules = Counter(f["rule"] for d in docs for f in spin_flags(res[d["id"]], SPIN_CATEGORIES))
    return {
        "docs": len(docs),
        "words": words,
        "per_1k": round(1000 * sg / max(1, words), 3),
        "max_spin_flags": max_spin,
        "low_share": round(low / max(1, len(docs)), 4),
        "rules": dict(rules.most_common(8)),
    }


def spun_figures(spun_docs, reps, res, clean_scores):
    scores = [res[d["id"]]["scores"]["spin"] for d in spun_docs]
    hit = total = drop_hit = drop_total = landing = n_flags = 0
    for d in spun_docs:
        fl = spin_flags(res[d["id"]], SPIN_CATEGORIES)
        rs = reps[d["id"]]
        for r in rs:
            covered = any(overlaps(f, r.start, r.end) for f in fl)
            if r.kind == "drop":
                drop_total += 1
                drop_hit += covered
            else:
                total += 1
                hit += covered
        n_flags += len(fl)
        landing += sum(any(overlaps(f, r.start, r.end) for r in rs) for f in fl)
    return {
        "auc": round(C.auc(scores, clean_scores), 4),
        "replaced_flagged": round(hit / max(1, total), 4),
        "replaced": total,
        "drops_flagged": round(drop_hit / max(1, drop_total), 4),
        "above_half": round(sum(s > 0.5 for s in scores) / max(1, len(scores)), 4),
        "flags_on_replacements": round(landing / max(1, n_flags), 4),
    }


def fmt_rates(values, digits=3):
    return " / ".join(C.fmt(float(v), digits) if isinstance(v, float) else str(v) for v in values)


def met(ok: bool) -> str:
    return "yes" if ok else "**no**"


# ---------------------------------------------------------------- main


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpora" / "reuters21578.jsonl"))
    ap.add_argument("--binary", help="copydesk binary (default <repo>/target/release/copydesk)")
    ap.add_argument("--n", type=int, default=300, help="clean articles in the sample (default 300)")
    ap.add_argument("--split", choices=["heldout", "dev"], default="heldout")
    ap.add_argument("--seed", type=int, help="sample, spinner and generator seed (default 7 held-out, 11 dev)")
    ap.add_argument("--json", help="write all figures here")
    ap.add_argument("--keep-workdir", metavar="DIR", help="write the checked batches and outputs here")
    args = ap.parse_args()
    started = time.monotonic()
    corpus = Path(args.corpus)
    if not corpus.is_file():
        C.die(f"corpus not found: {corpus} (pass --corpus PATH to reuters21578.jsonl)")
    binary = C.ensure_copydesk(args.binary)
    seed = args.seed if args.seed is not None else (7 if args.split == "heldout" else 11)
    quarter = 3 if args.split == "heldout" else 1

    docs = list(C.read_jsonl(corpus))
    eligible = [d for d in docs if zlib.crc32(d["id"].encode()) % 4 == quarter and is_clean(d["text"])]
    rng = random.Random(seed)
    rng.shuffle(eligible)
    sample, seen = [], set()
    for d in eligible:
        if len(sample) >= args.n:
            break
        own = shingles(d["text"])
        if own and len(own & seen) > 0.2 * len(own):
            continue
        seen |= own
        sample.append({"id": d["id"], "text": d["text"]})
    if len(sample) < 30:
        C.die(f"only {len(sample)} clean articles in the {args.split} quarter")
    thirds = [sample[k::3] for k in range(3)]
    figures = {"split": args.split, "seed": seed, "eligible": len(eligible), "docs": len(sample),
               "words": sum(n_words(d["text"]) for d in sample), "binary": str(binary),
               "binary_sha256": hashlib.sha256(binary.read_bytes()).hexdigest()}
    print(f"sample: {len(sample)} clean {args.split} articles ({figures['words']} words) of "
          f"{len(eligible)} eligible, seed {seed}", file=sys.stderr)

    tmp = None
    if args.keep_workdir:
        workdir = Path(args.keep_workdir)
        workdir.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory()
        workdir = Path(tmp.name)
    run = Checker(binary, workdir)

    # ---- spin the sample
    spun = {}
    for which in SPINNERS:
        for rate in RATES:
            batch, reps = [], {}
            for i, d in enumerate(sample):
                text, r = spinner.spin(d["text"], rate, seed * 100003 + i, thesaurus=which)
                sid = f"{d['id']}#{which}{int(rate * 100)}"
                batch.append({"id": sid, "text": text, "source": d["id"]})
                reps[sid] = r
            spun[which, rate] = (batch, reps)
    print(f"spun in {time.monotonic() - started:.1f} s", file=sys.stderr)

    # ---- mode corpus: one third clean, two thirds spun (sources absent)
    clean_third = thirds[0]
    for (which, rate), (batch, reps) in spun.items():
        spun_of = {b["source"]: b for b in batch}
        spun_docs = [spun_of[d["id"]] for d in thirds[1] + thirds[2]]
        res = run.check(f"spun-corpus-{which}{int(rate * 100)}", clean_third + spun_docs, "corpus")
        clean_scores = [res[d["id"]]["scores"]["spin"] for d in clean_third]
        figures[f"spun[corpus,{which},{int(rate * 100)}]"] = spun_figures(spun_docs, reps, res, clean_scores)
        figures[f"clean[spun corpus,{which},{int(rate * 100)}]"] = clean_figures(clean_third, res)

    # ---- clean in a corpus of unspun copies
    copy_rng = random.Random(seed * 7919 + 1)
    copies = []
    for d in sample:
        for c in (1, 2):
            copies.append({"id": f"{d['id']}#copy{c}", "text": ocr_copy(d["text"], copy_rng)})
    res = run.check("copies-corpus", sample + copies, "corpus")
    figures["clean[copies corpus]"] = clean_figures(sample, res)
    figures["copies[copies corpus]"] = clean_figures(copies, res)

    # ---- tortured phrases and content-farm rewrites (generated here, checked alone below)
    pairs = collocations(docs)
    figures["collocations"] = len(pairs)
    tortured_sets = {}
    for which in SPINNERS:
        batch, truth, cache = [], {}, {}
        for d in sample:
            out = insert_tortured(d, pairs, which, seed, cache)
            if out is None:
                continue
            text, span, phrase, pair = out
            tid = f"{d['id']}#tortured-{which}"
            batch.append({"id": tid, "text": text})
            truth[tid] = (span, phrase, pair)
        tortured_sets[which] = (batch, truth)
    farm_rng = random.Random(seed * 104729 + 3)
    farm = []
    for d in sample:
        out = content_farm(d, farm_rng)
        if out is not None:
            farm.append({"id": f"{d['id']}#farm", "text": out[0]})

    # ---- mode none: every document judged alone, so all of them in one call
    alone = list(sample)
    for batch, _ in spun.values():
        alone += batch
    for batch, _ in tortured_sets.values():
        alone += batch
    alone += farm
    res_alone = run.check("alone", alone, "none")
    figures["clean[alone]"] = clean_figures(sample, res_alone)
    clean_none_scores = [res_alone[d["id"]]["scores"]["spin"] for d in sample]
    for (which, rate), (batch, reps) in spun.items():
        figures[f"spun[none,{which},{int(rate * 100)}]"] = spun_figures(batch, reps, res_alone, clean_none_scores)

    for which, (batch, truth) in tortured_sets.items():
        flagged = landing = n_flags = 0
        rules = Counter()
        examples = []
        for d in batch:
            (s, e), phrase, pair = truth[d["id"]]
            fl = spin_flags(res_alone[d["id"]])
            on = [f for f in fl if overlaps(f, s, e)]
            flagged += bool(on)
            rules.update(f["rule"] for f in on)
            n_flags += len(fl)
            landing += len(on)
            if len(examples) < 8:
                examples.append(f"{' '.join(pair)} -> {phrase}{' (flagged)' if on else ''}")
        figures[f"tortured[{which}]"] = {
            "docs": len(batch),
            "distinct_phrases": len({truth[t][1].lower() for t in truth}),
            "flagged": round(flagged / max(1, len(batch)), 4),
            "landing": round(landing / max(1, n_flags), 4),
            "rules_on_phrase": dict(rules.most_common(6)),
            "examples": examples,
        }

    res_farm_corpus = run.check("farm-corpus", farm, "corpus")
    for mode, res in (("none", res_alone), ("corpus", res_farm_corpus)):
        scores = [res[d["id"]]["scores"]["spin"] for d in farm]
        rules = Counter(f["rule"] for d in farm for f in spin_flags(res[d["id"]], SPIN_CATEGORIES))
        figures[f"content_farm[{mode}]"] = {
            "docs": len(farm),
            "share_ge_half": round(sum(s >= 0.5 for s in scores) / max(1, len(scores)), 4),
            "median_spin": round(sorted(scores)[len(scores) // 2], 4) if scores else None,
            "rules": dict(rules.most_common(8)),
        }
    figures["check_calls"] = run.calls
    figures["check_seconds"] = round(run.seconds, 2)
    figures["seconds"] = round(time.monotonic() - started, 2)

    report(figures)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(C.json_clean(figures), indent=2) + "\n")
    if tmp is not None:
        tmp.cleanup()


def report(fig: dict) -> None:
    rows = []
    rate_keys = [int(r * 100) for r in RATES]
    for mode in ("none", "corpus"):
        for which in SPINNERS:
            per = [fig[f"spun[{mode},{which},{r}]"] for r in rate_keys]
            t = TARGETS["auc"][mode]
            rows.append([f"spin AUC, {which}, {mode}", fmt_rates([p["auc"] for p in per]),
                         f">= {t:.2f} each rate", met(all(p["auc"] >= t for p in per))])
            t = TARGETS["replaced"][mode]
            rows.append([f"replaced spans flagged, {which}, {mode}", fmt_rates([p["replaced_flagged"] for p in per]),
                         f">= {t:.2f} each rate", met(all(p["replaced_flagged"] >= t for p in per))])
            rows.append([f"spun docs scoring > 0.5, {which}, {mode}", fmt_rates([p["above_half"] for p in per]), "-", "-"])
            rows.append([f"flags on replacements, {which}, {mode}", fmt_rates([p["flags_on_replacements"] for p in per]), "-", "-"])
    conditions = [("alone", ["clean[alone]"])]
    for which in SPINNERS:
        conditions.append((f"2/3 spun corpus, {which}", [f"clean[spun corpus,{which},{r}]" for r in rate_keys]))
    conditions.append(("corpus of unspun copies", ["clean[copies corpus]"]))
    for name, keys in conditions:
        per = [fig[k] for k in keys]
        rows.append([f"clean spin+grammar flags / 1k words, {name}", fmt_rates([p["per_1k"] for p in per]),
                     "<= 2", met(all(p["per_1k"] <= TARGETS["clean_per_1k"] for p in per))])
        rows.append([f"clean max spin flags on a doc, {name}", fmt_rates([p["max_spin_flags"] for p in per]),
                     "<= 10", met(all(p["max_spin_flags"] <= TARGETS["clean_max_spin_flags"] for p in per))])
        rows.append([f"clean docs with spin <= 0.2, {name}", fmt_rates([p["low_share"] for p in per]),
                     ">= 0.95", met(all(p["low_share"] >= TARGETS["clean_low_share"] for p in per))])
    cp = fig["copies[copies corpus]"]
    rows.append(["(copies themselves: flags / 1k, max spin flags, spin <= 0.2)",
                 f"{cp['per_1k']:.3f}, {cp['max_spin_flags']}, {cp['low_share']:.3f}", "-", "-"])
    for which in SPINNERS:
        t = fig[f"tortured[{which}]"]
        rows.append([f"tortured phrases flagged, {which} ({t['docs']} docs)", C.fmt(t["flagged"]),
                     ">= 0.60", met(t["flagged"] >= TARGETS["tortured_flagged"])])
        rows.append([f"spin flags on the tortured phrase, {which}", C.fmt(t["landing"]),
                     ">= 0.50", met(t["landing"] >= TARGETS["tortured_landing"])])
    for mode in ("none", "corpus"):
        f = fig[f"content_farm[{mode}]"]
        rows.append([f"content-farm rewrites scoring >= 0.5, {mode} ({f['docs']} docs)",
                     f"{f['share_ge_half']:.3f} (median {C.fmt(f['median_spin'])})",
                     ">= 0.5 (half of them)", met(f["share_ge_half"] >= TARGETS["content_farm"])])

    print(f"binary {fig['binary']} (sha256 {fig['binary_sha256'][:16]})")
    print(f"eval_spin: {fig['docs']} clean {fig['split']} articles ({fig['words']} words), seed {fig['seed']}, "
          f"{fig['collocations']} collocations; {fig['check_calls']} check calls in {fig['check_seconds']} s, "
          f"{fig['seconds']} s in all")
    print()
    print("Details:")
    for key in ("clean[alone]", "clean[copies corpus]", "copies[copies corpus]"):
        print(f"  {key}: rules {fig[key]['rules']}")
    for which in SPINNERS:
        t = fig[f"tortured[{which}]"]
        print(f"  tortured[{which}]: {t['distinct_phrases']} distinct phrases; rules on them {t['rules_on_phrase']}")
        for e in t["examples"]:
            print(f"      {e}")
    for mode in ("none", "corpus"):
        print(f"  content_farm[{mode}]: rules {fig[f'content_farm[{mode}]']['rules']}")
    for mode in ("none", "corpus"):
        for which in SPINNERS:
            drops = [fig[f"spun[{mode},{which},{r}]"]["drops_flagged"] for r in rate_keys]
            print(f"  dropped words flagged, {which}, {mode}: {fmt_rates(drops)}")
    print()
    print("Figures at 15 / 30 / 50% where there are rates.")
    print()
    print(C.md_table(["measure", "figure", "target", "met"], rows))


if __name__ == "__main__":
    main()
