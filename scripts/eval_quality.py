#!/usr/bin/env python3
"""Evaluate copydesk's quality pass on real news (issue 4 targets).

Over ../shared/corpora/reuters21578.jsonl (path with --corpus):

* Spin: test articles spun by scripts/spinner.py (the rewrite wing's seeded
  WordNet spinner) at 15/30/50% are checked without their source. Reports the
  document-level spin score AUC against the clean articles, per rate, and the
  share of replaced spans (synonym and formal-name swaps; dropped words are
  reported apart) covered by a `spin` or `grammar` flag. Three evidence modes:
  `none` (lexicon and rules only), `model` (a reference fitted with `fit` on
  the other half of the corpus, disjoint from the test articles) and `corpus`
  (counts of the checked set itself, each document left out of its own
  evidence; the checked set is the articles under test plus the test half of
  the corpus as background, as when checking a real corpus), and
  `subs` (the model plus a substitutions.jsonl mined, as the rewrite wing
  would, from spun copies of 1,000 articles of the fitting half).
* Incoherence: each test article gets one injection written by this script's
  generator: page furniture (datestamps and field labels, timestamps, bylines,
  editor credits, photo captions, read-more and related links, navigation
  trails, share prompts), a paragraph stitched in from another story, a
  truncated ending, or a repeated sentence. Reports the share of injections
  with a flag on them and the share of (span-level) flags that land on them.
* Clean: flags per 1,000 words on the clean test articles and on the whole
  test half of the corpus.

Splits (by crc32 of the id): the fitting half (`% 2 == 0`) is the reference
model; test articles come from the dev quarter (`% 4 == 1`, `--split dev`,
default seed 11), used to choose weights and thresholds, or from the
held-out quarter (`% 4 == 3`, `--split heldout`, default seed 7), used to
report. Articles sharing more than 20% of their 8-word shingles with a
fitting-half story are left out (Reuters repeats stories under new ids), and
in corpus mode the spun articles are checked without their clean originals
(or near copies of them) in the counts.

Runs the checker through `copydesk check` when given --binary, or the example
driver `target/release/examples/check` (`cargo build --release --example
check`, or `--driver PATH`; `--set NAME=VALUE` passes threshold overrides to
the driver). Deterministic for a seed.
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

import _common as C
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def load_spinner():
    candidates = [ROOT / "scripts", ROOT.parent / "wt-rewrite" / "scripts"]
    for c in candidates:
        if (c / "spinner.py").exists():
            sys.path.insert(0, str(c))
            from spinner import spin  # noqa: E402

            return spin
    sys.exit("scripts/spinner.py not found (it comes from the rewrite wing)")


def words(text):
    return len(text.split())


def shingles(text, size=8):
    ws = text.lower().split()
    return {hash(" ".join(ws[i:i + size])) for i in range(max(0, len(ws) - size + 1))}


def overlap_share(text, seen):
    own = shingles(text)
    return len(own & seen) / len(own) if own else 0.0


def write_jsonl(path, docs):
    with open(path, "w") as f:
        for d in docs:
            f.write(json.dumps({"id": d["id"], "text": d["text"]}) + "\n")


class Runner:
    def __init__(self, binary, workdir: Path, driver=None, settings=()):
        self.workdir = workdir
        self.settings = [a for s in settings for a in ("--set", s)]
        if binary:
            self.binary = binary
            self.cli = True
            if self.settings:
                sys.exit("--set needs the example driver, not --binary")
        else:
            example = Path(driver) if driver else ROOT / "target" / "release" / "examples" / "check"
            if not example.exists():
                subprocess.run(["cargo", "build", "--release", "--example", "check"], cwd=ROOT, check=True)
            self.binary = str(example)
            self.cli = False

    def fit(self, docs, model_path: Path):
        src = self.workdir / "fit.jsonl"
        write_jsonl(src, docs)
        if self.cli:
            subprocess.run([self.binary, "fit", str(src), "-o", str(model_path), "--quiet"], check=True)
        else:
            subprocess.run([self.binary, "--fit", str(model_path)], stdin=open(src), check=True)

    def check(self, docs, mode, model_path, extra=()):
        src = self.workdir / "in.jsonl"
        write_jsonl(src, docs)
        args = list(extra)
        if mode in ("model", "subs"):
            args += ["--model", str(model_path)]
        if mode == "subs":
            args += ["--substitutions", str(self.workdir / "substitutions.jsonl")]
        elif mode == "corpus" and not self.cli:
            args += ["--corpus-stats"]  # the CLI uses corpus statistics by default
        elif mode == "none" and self.cli:
            args += ["--no-corpus-stats"]
        if self.cli:
            out_dir = self.workdir / "out"
            subprocess.run([self.binary, "check", str(src), "--out", str(out_dir), "--quiet"] + args, check=True)
            lines = (out_dir / "documents.jsonl").read_text().splitlines()
        else:
            proc = subprocess.run([self.binary] + args + self.settings, stdin=open(src), capture_output=True, check=True)
            lines = proc.stdout.decode().splitlines()
        return {json.loads(line)["id"]: json.loads(line) for line in lines}


def overlaps(flag, start, end):
    if start == end:  # an empty span (a dropped word) is hit by a flag that covers its position
        return flag["start"] <= start <= flag["end"]
    return flag["start"] < end and start < flag["end"]


# ---------------------------------------------------------------- injections

FIRST = ["Jane", "Tomas", "Amina", "Rafael", "Ingrid", "Kenji", "Lucia", "Dmitri", "Priya", "Owen", "Marta", "Felix"]
LAST = ["Okafor", "Lindqvist", "Moreau", "Haddad", "Castellano", "Brennan", "Novak", "Takeda", "Ferreira", "Osei"]
ROLES = ["Staff Writer", "Senior Correspondent", "Markets Reporter", "Business Editor", "Chief Economics Correspondent"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
SECTIONS = ["Business", "Markets", "World", "Commodities", "Economy", "Companies", "Energy"]
AGENCIES = ["Agency", "Staff photo", "Pool", "Wire Photo", "Archive"]


def name(rng):
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def headline(title):
    return title.title() if title.isupper() else title


def furniture(rng, other_titles):
    """One piece of page furniture: (kind, text, glued to a sentence?)."""
    year = rng.randint(2009, 2023)
    month = rng.randint(1, 12)
    day = rng.randint(1, 28)
    hh, mm = rng.randint(0, 23), rng.randint(0, 59)
    kind = rng.choice(["field_label", "timestamp", "byline", "editor", "caption", "read_more", "related", "navigation", "share"])
    if kind == "field_label":
        label = rng.choice(["date", "Date:", "Published", "posted", "Last updated:"])
        value = rng.choice([f"{year}-{month:02d}-{day:02d}", f"{day} {MONTHS[month - 1]} {year}", f"{MONTHS[month - 1]} {day}, {year}", f"{year}-{month:02d}-{day:02d}T{hh:02d}:{mm:02d}Z"])
        return kind, f"{label} {value}", True
    if kind == "timestamp":
        zone = rng.choice(["GMT", "BST", "ET", "UTC"])
        return kind, rng.choice([
            f"Updated {hh:02d}:{mm:02d} {zone}, {day} {MONTHS[month - 1]}",
            f"Published {hh:02d}:{mm:02d} {zone} {day} {MONTHS[month - 1]} {year}",
            f"Last updated on {MONTHS[month - 1]} {day}, {year} {hh % 12 + 1}:{mm:02d} {rng.choice(['AM', 'PM'])}",
        ]), rng.random() < 0.3
    if kind == "byline":
        return kind, rng.choice([f"By {name(rng)}, {rng.choice(ROLES)}", f"By {name(rng)}", f"BY {name(rng).upper()}", f"Reporting by {name(rng)}; Writing by {name(rng)}"]), False
    if kind == "editor":
        return kind, rng.choice([f"Editor: {name(rng)}", f"(Editing by {name(rng)})", f"Edited by {name(rng)}", f"Additional reporting by {name(rng)}"]), False
    if kind == "caption":
        who = rng.choice(["Traders work on the floor", "Workers load sacks onto a truck", "A tanker is moored at the terminal", "Officials arrive for talks", "Shoppers walk past a store"])
        return kind, rng.choice([
            f"Photo: {who} in this file picture. ({name(rng)}/{rng.choice(AGENCIES)})",
            f"{who} on {MONTHS[month - 1]} {day}. (Photo: {name(rng)})",
            f"Image: {who}. {name(rng)}/{rng.choice(AGENCIES)}",
            f"FILE PHOTO: {who} in {year}.",
        ]), False
    title = headline(rng.choice(other_titles))
    if kind == "read_more":
        return kind, rng.choice([f"Read more: {title}", f"READ MORE: {title}", f"Also read: {title}", "Continue reading"]), False
    if kind == "related":
        t2 = headline(rng.choice(other_titles))
        return kind, rng.choice([f"Related: {title}", f"Related stories\n{title}\n{t2}", f"See also: {title}", f"More from {rng.choice(SECTIONS)}: {title}", f"Most read\n{title}"]), False
    if kind == "navigation":
        return kind, rng.choice([f"Home > {rng.choice(SECTIONS)} > {rng.choice(SECTIONS)}", f"Home | {rng.choice(SECTIONS)} | {rng.choice(SECTIONS)}", f"News › {rng.choice(SECTIONS)}"]), False
    return kind, rng.choice(["Share this article", "Share on Facebook", "Sign up for our daily newsletter", "Click here to subscribe", "Advertisement", "Follow us on Twitter"]), False


def paragraphs_of(text):
    """Paragraphs as (start, end) byte spans (split at blank lines)."""
    spans = []
    pos = 0
    b = text.encode()
    for m in re.finditer(rb"\n\s*\n", b):
        if m.start() > pos:
            spans.append((pos, m.start()))
        pos = m.end()
    if pos < len(b):
        spans.append((pos, len(b)))
    return spans


SENT_END = re.compile(rb"[.!?][\"')]?\s+(?=[A-Z\"])")


def sentences_of(text):
    b = text.encode()
    spans = []
    for ps, pe in paragraphs_of(text):
        pos = ps
        for m in SENT_END.finditer(b, ps, pe):
            spans.append((pos, m.start() + 1))
            pos = m.end()
        if pos < pe:
            spans.append((pos, pe))
    return spans


def inject(rng, doc, others, other_titles, kind):
    """Return (new_text, injected byte spans, subkind), or None when the article does not fit."""
    text = doc["text"]
    b = text.encode()
    paras = paragraphs_of(text)
    if kind == "furniture":
        sub, piece, glued = furniture(rng, other_titles)
        pb = piece.encode()
        if glued:
            ps = rng.choice(paras[:2])[0]
            new = b[:ps] + pb + b" " + b[ps:]
            return new.decode(), [(ps, ps + len(pb))], sub
        where = rng.random()
        if sub in ("byline", "timestamp", "navigation") or where < 0.25:
            return (pb + b"\n\n" + b).decode(), [(0, len(pb))], sub
        if (sub == "editor" and where < 0.7) or where > 0.8:
            start = len(b.rstrip()) + 2
            return (b.rstrip() + b"\n\n" + pb).decode(), [(start, start + len(pb))], sub
        at = rng.choice(paras[1:])[0]
        return (b[:at] + pb + b"\n\n" + b[at:]).decode(), [(at, at + len(pb))], sub
    if kind == "stitched":
        other = rng.choice(others)
        ob = other["text"].encode()
        candidates = [(s, e) for s, e in paragraphs_of(other["text"]) if len(ob[s:e].split()) >= 20]
        if not candidates:
            return None
        s, e = rng.choice(candidates)
        piece = ob[s:e]
        at = rng.choice(paras[1:])[0]
        return (b[:at] + piece + b"\n\n" + b[at:]).decode(), [(at, at + len(piece))], "stitched"
    if kind == "truncated":
        sents = [s for s in sentences_of(text) if s[0] > len(b) * 0.5 and len(b[s[0]:s[1]].split()) >= 8]
        if not sents:
            return None
        s, e = rng.choice(sents)
        ws = [m.start() for m in re.finditer(rb"\s+", b[s:e])]
        ws = [w for w in ws if 3 <= len(b[s:s + w].split()) <= len(b[s:e].split()) - 2]
        if not ws:
            return None
        cut = s + rng.choice(ws)
        return b[:cut].decode("utf-8", "ignore"), [(s, cut)], "truncated"
    if kind == "repeated":
        sents = [x for x in sentences_of(text) if len(b[x[0]:x[1]].split()) >= 8]
        if not sents:
            return None
        s, e = rng.choice(sents)
        piece = b[s:e]
        later = [p for p in paras if p[0] >= e]
        if later:
            at = rng.choice(later)[1]
            return (b[:at] + b" " + piece + b[at:]).decode(), [(at + 1, at + 1 + len(piece))], "repeated"
        start = len(b.rstrip()) + 2
        return (b.rstrip() + b"\n\n" + piece).decode(), [(start, start + len(piece))], "repeated"
    raise ValueError(kind)


# ---------------------------------------------------------------- main


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpora" / "reuters21578.jsonl"))
    ap.add_argument("--binary", help="copydesk binary (uses `copydesk check` and `copydesk fit`); default: the example driver")
    ap.add_argument("--docs", type=int, default=500, help="test articles per experiment")
    ap.add_argument("--seed", type=int, help="sample and spinner seed (default: 7 held-out, 11 dev)")
    ap.add_argument("--split", choices=["heldout", "dev"], default="heldout",
                    help="which quarter of the corpus the test articles come from: `dev` for choosing thresholds, `heldout` for reporting")
    ap.add_argument("--driver", help="example driver binary (default target/release/examples/check)")
    ap.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="threshold override passed to the example driver")
    ap.add_argument("--modes", default="none,model,corpus")
    ap.add_argument("--json", help="write all figures here")
    ap.add_argument("--examples", type=int, default=0, help="print this many missed injections / clean flags")
    args = ap.parse_args()
    figures = {}
    if not Path(args.corpus).exists():
        args.corpus = "/work/shared/corpora/reuters21578.jsonl"
    if args.seed is None:
        args.seed = 7 if args.split == "heldout" else 11
    spin = load_spinner()
    rng = random.Random(args.seed)
    docs = [json.loads(line) for line in open(args.corpus)]
    # Split by id hash: the model is fitted on one half (crc32 % 4 in {0, 2});
    # test articles come from the dev quarter (1), used to choose thresholds,
    # or the held-out quarter (3), used to report.
    train, test = [], []
    for d in docs:
        (train if zlib.crc32(d["id"].encode()) % 2 == 0 else test).append(d)
    quarter = 1 if args.split == "dev" else 3
    # Reuters repeats stories under new ids: an article whose text is (nearly)
    # in the fitting half would have its own word pairs in the model.
    in_train = set()
    for d in train:
        in_train.update(shingles(d["text"]))
    eligible = [
        d for d in test
        if zlib.crc32(d["id"].encode()) % 4 == quarter
        and words(d["text"]) >= 100 and len(paragraphs_of(d["text"])) >= 3
        and overlap_share(d["text"], in_train) <= 0.2
    ]
    rng.shuffle(eligible)
    sample = eligible[: args.docs]
    others = eligible[args.docs: args.docs * 3] or eligible
    # In corpus mode a spun article is checked inside the test half, but
    # without its own clean original (or a near copy of it) in the counts.
    in_sample = set()
    for d in sample:
        in_sample.update(shingles(d["text"]))
    background = [d for d in test if overlap_share(d["text"], in_sample) <= 0.2]
    figures["split"] = {"split": args.split, "seed": args.seed, "eligible": len(eligible), "background": len(background)}
    other_titles = [d.get("title") or "Markets close higher" for d in others]
    figures["docs"] = len(sample)
    modes = args.modes.split(",")

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        runner = Runner(args.binary, tmp, args.driver, args.set)
        model_path = tmp / "model.txt"
        runner.fit(train, model_path)
        if "subs" in modes:
            # What the rewrite wing mines from linked spun copies: replaced word -> spinner's word.
            mined = Counter()
            for i, d in enumerate(train[:1000]):
                for rate in (0.15, 0.30, 0.50):
                    _, reps = spin(d["text"], rate, 1000 + i)
                    for r in reps:
                        if r.kind == "synonym":
                            mined[r.old.lower(), r.new.lower()] += 1
            with open(tmp / "substitutions.jsonl", "w") as f:
                for (old, new), count in mined.most_common():
                    f.write(json.dumps({"from": old, "to": new, "count": count, "examples": []}) + "\n")

        def with_background(batch, mode):
            """In corpus mode, check the batch inside the test half (a realistic corpus)."""
            if mode != "corpus":
                return batch
            ids = {d["id"] for d in batch}
            return batch + [d for d in background if d["id"] not in ids]

        # ---- clean
        for mode in modes:
            res = runner.check(with_background(sample, mode), mode, model_path)
            n_words = sum(words(d["text"]) for d in sample)
            n_flags = sum(len(res[d["id"]]["flags"]) for d in sample)
            by_rule = Counter(f["rule"] for d in sample for f in res[d["id"]]["flags"])
            figures[f"clean_flags_per_1000_words[{mode}]"] = round(1000 * n_flags / n_words, 3)
            figures[f"clean_rules[{mode}]"] = dict(by_rule.most_common(12))
            print(f"clean [{mode}]: {n_flags} flags / {n_words} words = {1000 * n_flags / n_words:.3f} per 1000 words; {dict(by_rule.most_common(8))}")
            shown = 0
            for d in sample:
                for f in res[d["id"]]["flags"]:
                    if shown < args.examples and f["category"] != "heuristic":
                        shown += 1
                        b = d["text"].encode()
                        print("   FLAG", f["rule"], repr(b[max(0, f["start"] - 40):f["end"] + 30].decode("utf-8", "ignore"))[:200])
        whole_mode = "model" if "model" in modes else modes[0]
        # The whole test half, less the stories repeated from the fitting half.
        test_unique = [d for d in test if overlap_share(d["text"], in_train) <= 0.2]
        res = runner.check(test_unique, whole_mode, model_path)
        n_words = sum(words(d["text"]) for d in test_unique)
        n_flags = sum(len(r["flags"]) for r in res.values())
        by_rule = Counter(f["rule"] for r in res.values() for f in r["flags"])
        figures[f"clean_test_half_flags_per_1000_words[{whole_mode}]"] = round(1000 * n_flags / n_words, 3)
        figures[f"clean_test_half_rules[{whole_mode}]"] = dict(by_rule.most_common(15))
        print(f"clean, whole test half ({len(test_unique)} docs, {n_words} words) [{whole_mode}]: {1000 * n_flags / n_words:.3f} flags per 1000 words; {dict(by_rule.most_common(10))}")

        # ---- spin
        spun_sets = {}
        for rate in (0.15, 0.30, 0.50):
            spun_docs, reps = [], {}
            for i, d in enumerate(sample):
                text, r = spin(d["text"], rate, args.seed + i)
                sid = f"{d['id']}#spun{int(rate * 100)}"
                spun_docs.append({"id": sid, "text": text})
                reps[sid] = r
            spun_sets[rate] = (spun_docs, reps)
        for mode in modes:
            clean_res = runner.check(with_background(sample, mode), mode, model_path)
            for rate, (spun_docs, reps) in spun_sets.items():
                # In corpus mode the checked set is the spun articles inside the test half.
                batch = with_background(spun_docs, mode)
                res = runner.check(batch, mode, model_path)
                base = clean_res
                clean_scores = [base[d["id"]]["scores"]["spin"] for d in sample]
                spun_scores = [res[d["id"]]["scores"]["spin"] for d in spun_docs]
                a = C.auc(spun_scores, clean_scores)
                hit = total = drop_hit = drop_total = landing = flags_n = 0
                kinds = Counter()
                for d in spun_docs:
                    fl = [f for f in res[d["id"]]["flags"] if f["category"] in ("spin", "grammar")]
                    for r in reps[d["id"]]:
                        covered = any(overlaps(f, r.start, r.end) for f in fl)
                        if r.kind == "drop":
                            drop_total += 1
                            drop_hit += covered
                        else:
                            total += 1
                            hit += covered
                            kinds[r.kind, covered] += 1
                    for f in fl:
                        flags_n += 1
                        landing += any(overlaps(f, r.start, r.end) for r in reps[d["id"]])
                figures[f"spin{int(rate * 100)}[{mode}]"] = {
                    "auc": round(a, 4),
                    "replaced_spans_flagged": round(hit / max(1, total), 4),
                    "dropped_words_flagged": round(drop_hit / max(1, drop_total), 4),
                    "flags_on_replacements": round(landing / max(1, flags_n), 4),
                    "name_swaps_flagged": round(kinds["name", True] / max(1, kinds["name", True] + kinds["name", False]), 4),
                }
                print(f"spin {int(rate * 100)}% [{mode}]: AUC {a:.4f}, replaced spans flagged {hit}/{total} = {hit / max(1, total):.3f}, drops flagged {drop_hit}/{drop_total}, flags on replacements {landing}/{flags_n}")

        # ---- incoherence
        inj_docs, truth = [], {}
        kinds = ["furniture", "furniture", "stitched", "truncated", "repeated"]
        for i, d in enumerate(sample):
            kind = kinds[i % len(kinds)]
            out = inject(rng, d, [o for o in others if o["id"] != d["id"]], other_titles, kind)
            if out is None:
                continue
            text, spans, sub = out
            iid = f"{d['id']}#{sub}"
            inj_docs.append({"id": iid, "text": text})
            truth[iid] = (kind, sub, spans)
        for mode in dict.fromkeys([modes[0], whole_mode]):
            res = runner.check(inj_docs, mode, model_path)
            per_kind = defaultdict(lambda: [0, 0])
            landed = total_flags = 0
            misses = []
            for d in inj_docs:
                kind, sub, spans = truth[d["id"]]
                # Spin flags are not incoherence flags; document-level heuristics span everything.
                fl = [f for f in res[d["id"]]["flags"] if f["category"] not in ("heuristic", "spin")]
                hit = any(overlaps(f, s, e) for f in fl for s, e in spans)
                per_kind[sub][0] += hit
                per_kind[sub][1] += 1
                total_flags += len(fl)
                landed += sum(1 for f in fl if any(overlaps(f, s, e) for s, e in spans))
                if not hit:
                    misses.append((sub, d, spans))
            flagged = sum(v[0] for v in per_kind.values())
            count = sum(v[1] for v in per_kind.values())
            figures[f"incoherence[{mode}]"] = {
                "flagged": round(flagged / max(1, count), 4),
                "flags_landing": round(landed / max(1, total_flags), 4),
                "per_kind": {k: f"{v[0]}/{v[1]}" for k, v in sorted(per_kind.items())},
            }
            print(f"incoherence [{mode}]: injections flagged {flagged}/{count} = {flagged / max(1, count):.3f}; flags landing on them {landed}/{total_flags} = {landed / max(1, total_flags):.3f}")
            print("   per kind:", {k: f"{v[0]}/{v[1]}" for k, v in sorted(per_kind.items())})
            shown = Counter()
            for sub, d, spans in misses:
                if shown[sub] >= args.examples:
                    continue
                shown[sub] += 1
                b = d["text"].encode()
                s, e = spans[0]
                print("   MISS", d["id"], repr(b[max(0, s - 60):e + 40].decode("utf-8", "ignore"))[:400])
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
