#!/usr/bin/env python3
"""Agreement of `copydesk check --heuristics datatrove` with datatrove's filters.

Runs datatrove's own GopherQualityFilter, GopherRepetitionFilter,
C4QualityFilter and FineWebQualityFilter at their published defaults
(English) on real news, and `copydesk check --heuristics datatrove
--no-corpus-stats` on the same documents, then prints, per filter, the share
of documents on which both decide the same (kept or dropped), and every
disagreeing document with datatrove's reason and copydesk's rules.

Each filter sees the original text (in a datatrove pipeline C4 would hand on
its kept lines; here every filter judges the document as given). copydesk
drops a document for a filter when it reports a document-level heuristic of
that filter; C4's `line-filter-*` flags are line removals, not drops.
"same reason" counts the documents both drop where copydesk's one rule for
that filter is datatrove's reason.

Documents: `--reuters N` articles of reuters21578.jsonl drawn at random
(seeded) and the 181 article bodies of article-extraction-benchmark. The
held-out part is every document with crc32(id) % 4 == 3: it was not looked at
while fixing disagreements and is reported apart from the tuning part.

Needs datatrove from PyPI in the running interpreter (see scripts/README.md:
`pip install datatrove spacy`); datatrove 0.10 tokenizes English with a blank
spaCy pipeline, which needs no downloaded model. Installs nothing itself.

`--write-exceptions PATH` writes spaCy's English tokenizer exceptions in the
form crates/quality/src/datatrove_exceptions.tsv has (text, tab, pieces separated by
spaces) and exits.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import zlib
from collections import Counter
from pathlib import Path

import _common as C

FILTER_RULES = {
    "gopher_quality": {
        "gopher_short_doc", "gopher_long_doc", "gopher_below_avg_threshold",
        "gopher_above_avg_threshold", "gopher_too_many_hashes", "gopher_too_many_ellipsis",
        "gopher_too_many_bullets", "gopher_too_many_end_ellipsis",
        "gopher_below_alpha_threshold", "gopher_enough_stop_words",
    },
    "gopher_repetition": {
        "dup_para_frac", "dup_para_char_frac", "dup_line_frac", "dup_line_char_frac",
        "top_2_gram", "top_3_gram", "top_4_gram",
        *(f"duplicated_{n}_n_grams" for n in range(5, 11)),
    },
    "c4": {"lorem_ipsum", "curly_bracket", "too_few_sentences"},
    "fineweb": {"line_punct_ratio", "short_line_ratio", "char_dup_ratio", "list_ratio"},
}


def write_exceptions(path: Path) -> None:
    import spacy

    rules = spacy.blank("en").tokenizer.rules
    lines = []
    orth = spacy.attrs.ORTH
    for key in sorted(rules):
        # Whitespace never reaches the affix rules: copydesk splits on it first.
        if any(c.isspace() for c in key):
            continue
        pieces = [piece[orth] for piece in rules[key]]
        assert "".join(pieces) == key, key
        lines.append(key + "\t" + " ".join(pieces))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} exceptions written to {path}")


def load_documents(corpora: Path, n_reuters: int, seed: int) -> list[dict]:
    reuters = list(C.read_jsonl(corpora / C.REUTERS_FILE))
    random.Random(seed).shuffle(reuters)
    docs = [{"id": f"reuters-{r['id']}", "text": r["text"]} for r in reuters[:n_reuters]]
    truth = corpora / "article-extraction-benchmark" / "ground-truth.json"
    if truth.is_file():
        pages = json.loads(truth.read_text(encoding="utf-8"))
        for sha, page in sorted(pages.items()):
            if page.get("articleBody", "").strip():
                docs.append({"id": f"aeb-{sha[:16]}", "text": page["articleBody"]})
    else:
        print(f"note: {truth} missing; Reuters only", file=sys.stderr)
    return docs


def is_heldout(doc_id: str) -> bool:
    return zlib.crc32(doc_id.encode()) % 4 == 3


def datatrove_decisions(docs: list[dict]) -> dict[str, dict[str, str | None]]:
    """id -> filter -> None (kept) or datatrove's reason."""
    from datatrove.data import Document
    from datatrove.pipeline.filters import (
        C4QualityFilter,
        FineWebQualityFilter,
        GopherQualityFilter,
        GopherRepetitionFilter,
    )

    filters = {
        "gopher_quality": GopherQualityFilter(),
        "gopher_repetition": GopherRepetitionFilter(),
        "c4": C4QualityFilter(),
        "fineweb": FineWebQualityFilter(),
    }
    out = {}
    for doc in docs:
        row = {}
        for name, filt in filters.items():
            result = filt.filter(Document(text=doc["text"], id=doc["id"]))
            row[name] = None if result is True else (result[1] if isinstance(result, tuple) else "dropped")
        out[doc["id"]] = row
    return out


def copydesk_decisions(binary: Path, docs: list[dict]) -> dict[str, dict[str, list[str]]]:
    """id -> filter -> the rules of that filter copydesk reported."""
    with tempfile.TemporaryDirectory(prefix="eval_datatrove.") as tmp:
        corpus = Path(tmp) / "docs.jsonl"
        C.write_jsonl(corpus, docs)
        out_dir = Path(tmp) / "out"
        cmd = [str(binary), "check", str(corpus), "--heuristics", "datatrove",
               "--no-corpus-stats", "--quiet", "--out", str(out_dir)]
        subprocess.run(cmd, check=True)
        out = {}
        for row in C.read_jsonl(out_dir / "documents.jsonl"):
            rules = {f["rule"] for f in row["flags"]}
            out[str(row["id"])] = {name: sorted(rules & names) for name, names in FILTER_RULES.items()}
    return out


def report(docs, dt, cd) -> dict:
    parts = {"tuning": [d for d in docs if not is_heldout(d["id"])],
             "held-out": [d for d in docs if is_heldout(d["id"])]}
    rows, figures, disagreements = [], {}, []
    for part, members in parts.items():
        for name in FILTER_RULES:
            agree = 0
            dropped = Counter()
            for doc in members:
                reason = dt[doc["id"]][name]
                rules = cd.get(doc["id"], {}).get(name, [])
                dropped["datatrove"] += reason is not None
                dropped["copydesk"] += bool(rules)
                dropped["same reason"] += reason is not None and rules == [reason]
                if (reason is not None) == bool(rules):
                    agree += 1
                else:
                    disagreements.append((part, name, doc["id"], reason, rules))
            share = agree / max(len(members), 1)
            figures[f"{part}/{name}"] = share
            rows.append([part, name, len(members), f"{share:.1%}", dropped["datatrove"],
                         dropped["copydesk"], dropped["same reason"], len(members) - agree])
    print(C.md_table(["part", "filter", "docs", "agreement", "datatrove drops",
                      "copydesk drops", "same reason", "disagree"], rows))
    print()
    for part, name, doc_id, reason, rules in disagreements:
        print(f"- {part} {name} {doc_id}: datatrove {reason or 'keeps'}, "
              f"copydesk {', '.join(rules) or 'keeps'}")
    return figures


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    C.add_corpora_arg(ap)
    ap.add_argument("--copydesk", metavar="PATH", help="copydesk binary (default target/release/copydesk)")
    ap.add_argument("--reuters", type=int, default=2000, metavar="N", help="Reuters articles to draw (default 2000)")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--json", metavar="PATH", help="also write the agreement figures as JSON")
    ap.add_argument("--write-exceptions", metavar="PATH", help="dump spaCy's English exceptions and exit")
    args = ap.parse_args()
    if args.write_exceptions:
        write_exceptions(Path(args.write_exceptions))
        return
    try:
        import datatrove  # noqa: F401
    except ImportError:
        C.die("datatrove is not installed in this interpreter (pip install datatrove spacy)")
    corpora = C.resolve_reuters(args.corpora).parent
    binary = C.ensure_copydesk(args.copydesk)
    docs = load_documents(corpora, args.reuters, args.seed)
    print(f"{len(docs)} documents ({sum(map(is_heldout, (d['id'] for d in docs)))} held out)\n")
    figures = report(docs, datatrove_decisions(docs), copydesk_decisions(binary, docs))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
