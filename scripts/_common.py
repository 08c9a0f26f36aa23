"""Shared helpers for the copydesk benchmark and evaluation scripts.

Nothing here is a benchmark by itself; see bench_peers.py, eval_dedup.py and
make_perf_corpus.py. This module deliberately uses only the Python standard
library so that it can be imported both by the system interpreter and by the
benchmark virtualenv (which only adds rensa and datasketch).

Conventions shared by every script (and meant to match copydesk's defaults):

* tokens: like copydesk's tokenizer (crates/text/src/lib.rs): a token is a maximal run of
  Unicode alphanumerics, with an apostrophe (' ’ ‘ ʼ ′) allowed between two
  alphanumerics ("don't"); tokens are NFKC-normalized, lowercased, and every
  apostrophe variant becomes '. Everything else separates tokens. (Python's
  ``[^\\W_]`` stands in for Rust's ``char::is_alphanumeric``; they agree on
  the Reuters text.)
* shingles: word n-grams (default n = 5) of those tokens joined by one space;
  a document with fewer than n tokens (but at least one) has a single shingle
  made of all its tokens; a document with no token has no shingle.
* exact Jaccard |A & B| / |A | B| and containment |A & B| / |A| are computed on
  the *sets* of shingles (represented by 64-bit hashes; collisions are
  negligible at these sizes).
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path
from typing import Dict, Hashable, Iterable, Iterator, List, Optional, Sequence, Tuple

SCRIPTS_DIR = Path(__file__).resolve().parent
REPO_ROOT = SCRIPTS_DIR.parent
REUTERS_FILE = "reuters21578.jsonl"

_APOS = "'\u2019\u2018\u02bc\u2032"
_TOKEN_RE = re.compile(r"[^\W_]+(?:[" + _APOS + r"][^\W_]+)*")
_APOS_TABLE = str.maketrans({c: "'" for c in _APOS[1:]})


# --------------------------------------------------------------------------
# paths


def default_corpora_dir() -> Path:
    """``<repo_root>/../shared/corpora``."""
    return (REPO_ROOT / ".." / "shared" / "corpora").resolve()


def die(msg: str, code: int = 2) -> "NoReturn":  # type: ignore[name-defined]
    print(f"error: {msg}", file=sys.stderr)
    sys.exit(code)


def resolve_reuters(corpora: Optional[str]) -> Path:
    """Return the path of reuters21578.jsonl, or exit non-zero with a clear message."""
    d = Path(corpora).resolve() if corpora else default_corpora_dir()
    if not d.is_dir():
        die(
            f"corpora directory not found: {d}\n"
            "These scripts measure on the shared development corpora, which live "
            "outside the repository (<repo_root>/../shared/corpora). Pass "
            "--corpora DIR to point at a copy that contains reuters21578.jsonl."
        )
    f = d / REUTERS_FILE
    if not f.is_file():
        die(f"{REUTERS_FILE} not found in corpora directory {d} (use --corpora DIR)")
    return f


def add_corpora_arg(ap) -> None:
    ap.add_argument(
        "--corpora",
        metavar="DIR",
        default=None,
        help="directory holding reuters21578.jsonl (default: <repo_root>/../shared/corpora = %s)"
        % default_corpora_dir(),
    )


# --------------------------------------------------------------------------
# JSONL


def read_jsonl(path: Path) -> Iterator[dict]:
    with open(path, "r", encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if line:
                yield json.loads(line)


def write_jsonl(path: Path, rows: Iterable[dict]) -> int:
    n = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False))
            fh.write("\n")
            n += 1
    return n


def load_reuters(path: Path) -> List[dict]:
    return list(read_jsonl(path))


# --------------------------------------------------------------------------
# tokens and shingles


def tokenize(text: str) -> List[str]:
    """Word tokens, normalized as copydesk does (see the module docstring)."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).translate(_APOS_TABLE)
    return _TOKEN_RE.findall(text.lower())


def shingle_strings(tokens: Sequence[str], n: int = 5) -> List[str]:
    """Word n-grams (may repeat; callers that need a set take set())."""
    if not tokens:
        return []
    if len(tokens) < n:
        return [" ".join(tokens)]
    return [" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]


def shingle_set(text: str, n: int = 5) -> frozenset:
    """Set of 64-bit hashes of the word n-grams of ``text``."""
    return frozenset(hash(s) for s in shingle_strings(tokenize(text), n))


def jaccard(a: frozenset, b: frozenset) -> float:
    if not a and not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def containment_max(a: frozenset, b: frozenset) -> float:
    """max(|A&B|/|A|, |A&B|/|B|)."""
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / min(len(a), len(b))


class InvertedIndex:
    """Shingle-hash -> list of document numbers, for exact overlap counting.

    ``overlaps(shingles)`` returns {doc: |shingles & doc|} for every indexed doc
    sharing at least one shingle; Jaccard/containment follow from set sizes.
    """

    def __init__(self) -> None:
        self.post: Dict[int, List[int]] = defaultdict(list)
        self.sizes: Dict[int, int] = {}

    def add(self, doc: int, shingles: Iterable[int]) -> None:
        n = 0
        for h in shingles:
            self.post[h].append(doc)
            n += 1
        self.sizes[doc] = n

    def overlaps(self, shingles: Iterable[int]) -> Counter:
        c: Counter = Counter()
        post = self.post
        for h in shingles:
            p = post.get(h)
            if p:
                c.update(p)
        return c

    def near_duplicates(self, shingles: frozenset, jac: float, cont: float) -> List[Tuple[int, float, float]]:
        """Indexed docs with exact Jaccard >= jac or max containment >= cont."""
        out = []
        na = len(shingles)
        if na == 0:
            return out
        for d, inter in self.overlaps(shingles).items():
            nb = self.sizes[d]
            j = inter / (na + nb - inter)
            c = inter / min(na, nb)
            if j >= jac or c >= cont:
                out.append((d, j, c))
        return out


def all_pairs_jaccard(sets: Sequence[frozenset], threshold: float) -> List[Tuple[int, int, float]]:
    """All pairs (i < j) with exact Jaccard >= threshold, via an inverted index.

    Uses a size filter (|B| >= t|A| is necessary) and counts intersections by
    walking postings of earlier documents only, so each pair is seen once.
    """
    post: Dict[int, List[int]] = defaultdict(list)
    sizes = [len(s) for s in sets]
    out = []
    for j, s in enumerate(sets):
        if s:
            c: Counter = Counter()
            for h in s:
                p = post.get(h)
                if p:
                    c.update(p)
            nj = sizes[j]
            for i, inter in c.items():
                ni = sizes[i]
                jac = inter / (ni + nj - inter)
                if jac >= threshold:
                    out.append((i, j, jac))
            for h in s:
                post[h].append(j)
    return out


# --------------------------------------------------------------------------
# clustering helpers


class UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))
        self.rank = [0] * n

    def find(self, x: int) -> int:
        p = self.parent
        root = x
        while p[root] != root:
            root = p[root]
        while p[x] != root:
            p[x], x = root, p[x]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if self.rank[ra] < self.rank[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        if self.rank[ra] == self.rank[rb]:
            self.rank[ra] += 1

    def groups(self, min_size: int = 2) -> List[List[int]]:
        g: Dict[int, List[int]] = defaultdict(list)
        for i in range(len(self.parent)):
            g[self.find(i)].append(i)
        out = [m for m in g.values() if len(m) >= min_size]
        out.sort(key=lambda m: m[0])
        return out


def clusters_to_labels(clusters: Iterable[Iterable[str]]) -> Dict[str, int]:
    """doc id -> cluster number, only for docs in clusters of 2+ members."""
    lab: Dict[str, int] = {}
    for k, members in enumerate(clusters):
        members = list(members)
        if len(members) < 2:
            continue
        for m in members:
            lab[m] = k
    return lab


def comb2(n: int) -> int:
    return n * (n - 1) // 2


def pair_scores(pred: Dict[str, Hashable], truth: Dict[str, Hashable], universe: Iterable[str]) -> dict:
    """Pairwise precision/recall/F1 of co-clustered document pairs.

    ``pred`` / ``truth`` map doc id -> cluster label; docs missing from a map
    (or mapped to None) are singletons there. Computed from the contingency
    table of cluster sizes (no pair enumeration):
      TP = sum_cells C(n_ij, 2), predicted pairs = sum_i C(a_i, 2),
      true pairs = sum_j C(b_j, 2).
    """
    cells: Counter = Counter()
    a: Counter = Counter()
    b: Counter = Counter()
    for d in universe:
        p = pred.get(d)
        t = truth.get(d)
        if p is None or t is None:
            # a singleton on either side contributes no pair to the cell
            if p is not None:
                a[p] += 1
            if t is not None:
                b[t] += 1
            continue
        a[p] += 1
        b[t] += 1
        cells[(p, t)] += 1
    tp = sum(comb2(v) for v in cells.values())
    pp = sum(comb2(v) for v in a.values())
    tpairs = sum(comb2(v) for v in b.values())
    return prf(tp, pp, tpairs)


def prf(tp: int, pred_pairs: int, true_pairs: int) -> dict:
    p = tp / pred_pairs if pred_pairs else float("nan")
    r = tp / true_pairs if true_pairs else float("nan")
    if pred_pairs and true_pairs and (p + r) > 0:
        f = 2 * p * r / (p + r)
    elif pred_pairs and true_pairs:
        f = 0.0
    else:
        f = float("nan")
    return {"tp": tp, "pred_pairs": pred_pairs, "true_pairs": true_pairs, "precision": p, "recall": r, "f1": f}


def auc(positives, negatives):
    """Mann-Whitney AUC with ties counted half."""
    ranked = sorted([(v, 1) for v in positives] + [(v, 0) for v in negatives])
    rank_sum = 0.0
    i = 0
    while i < len(ranked):
        j = i
        while j < len(ranked) and ranked[j][0] == ranked[i][0]:
            j += 1
        mean_rank = (i + j + 1) / 2
        rank_sum += mean_rank * sum(1 for k in range(i, j) if ranked[k][1] == 1)
        i = j
    n_pos, n_neg = len(positives), len(negatives)
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def fmt(x, digits: int = 3) -> str:
    if x is None:
        return "n/a"
    if isinstance(x, float):
        if math.isnan(x):
            return "n/a"
        return f"{x:.{digits}f}"
    return str(x)


def md_table(headers: Sequence[str], rows: Sequence[Sequence]) -> str:
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    for r in rows:
        out.append("| " + " | ".join(fmt(c) for c in r) + " |")
    return "\n".join(out)


def json_clean(o):
    """Replace NaN with None so json.dump writes valid JSON."""
    if isinstance(o, float) and math.isnan(o):
        return None
    if isinstance(o, dict):
        return {k: json_clean(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [json_clean(v) for v in o]
    return o


# --------------------------------------------------------------------------
# copydesk binary and its output


def default_copydesk() -> Path:
    return REPO_ROOT / "target" / "release" / "copydesk"


def ensure_copydesk(path: Optional[str], build: bool = True) -> Path:
    """Return the copydesk binary; build it with cargo if it is the default path and missing."""
    p = Path(path).resolve() if path else default_copydesk()
    if p.is_file() and os.access(p, os.X_OK):
        return p
    if build and p == default_copydesk().resolve():
        if not (REPO_ROOT / "Cargo.toml").is_file():
            die(f"copydesk binary {p} is missing and {REPO_ROOT} has no Cargo.toml to build it from")
        if shutil.which("cargo") is None:
            die(f"copydesk binary {p} is missing and cargo is not on PATH")
        print(f"[build] {p} missing: running cargo build --release in {REPO_ROOT}", file=sys.stderr)
        r = subprocess.run(["cargo", "build", "--release"], cwd=REPO_ROOT)
        if r.returncode != 0:
            die("cargo build --release failed", r.returncode or 1)
        if p.is_file():
            return p
    die(f"copydesk binary not found: {p} (build it with `cargo build --release` or pass --copydesk PATH)")


def read_copydesk_documents(out_dir: Path) -> Tuple[List[str], Dict[str, int], Dict[str, Optional[str]]]:
    """Read ``documents.jsonl`` of a copydesk output dir.

    Returns (ids in input order, id -> cluster for clustered docs, id -> relation).
    Docs with ``cluster: null`` are singletons and absent from the cluster map.
    """
    f = out_dir / "documents.jsonl"
    if not f.is_file():
        die(f"copydesk output has no documents.jsonl: {out_dir}")
    ids: List[str] = []
    lab: Dict[str, int] = {}
    rel: Dict[str, Optional[str]] = {}
    for r in read_jsonl(f):
        i = str(r["id"])
        ids.append(i)
        if r.get("cluster") is not None:
            lab[i] = r["cluster"]
        rel[i] = r.get("relation")
    # cluster ids given to a single doc are singletons for pair purposes
    sizes = Counter(lab.values())
    lab = {d: c for d, c in lab.items() if sizes[c] >= 2}
    return ids, lab, rel


def read_clusters_jsonl(path: Path) -> Dict[str, int]:
    """clusters.jsonl (copydesk contract; also written by the peer pipelines) -> id -> cluster."""
    return clusters_to_labels(r["members"] for r in read_jsonl(path))


def read_summary(out_dir: Path) -> dict:
    f = out_dir / "summary.json"
    if f.is_file():
        try:
            return json.loads(f.read_text(encoding="utf-8"))
        except json.JSONDecodeError:
            return {}
    return {}


# --------------------------------------------------------------------------
# measuring a subprocess


def run_measured(cmd: List[str], log_path: Optional[Path] = None, env=None, cwd=None) -> dict:
    """Run ``cmd``; return wall seconds, peak RSS (MB) and return code.

    Peak RSS comes from ``/usr/bin/time -v`` ("Maximum resident set size") when
    present, otherwise from resource.getrusage(RUSAGE_CHILDREN).ru_maxrss
    (which is the max over all children waited for so far, so it is only exact
    for the first/largest child).
    """
    time_bin = "/usr/bin/time"
    use_time = os.path.exists(time_bin) and os.access(time_bin, os.X_OK)
    tfile = None
    full = list(cmd)
    if use_time:
        import tempfile

        fd, tfile = tempfile.mkstemp(prefix="time-", suffix=".txt")
        os.close(fd)
        full = [time_bin, "-v", "-o", tfile] + full
    out = open(log_path, "w") if log_path else subprocess.DEVNULL
    try:
        t0 = time.perf_counter()
        r = subprocess.run(full, stdout=out, stderr=subprocess.STDOUT if log_path else None, env=env, cwd=cwd)
        wall = time.perf_counter() - t0
    finally:
        if log_path:
            out.close()
    rss_mb = None
    if use_time and tfile:
        try:
            txt = Path(tfile).read_text()
            m = re.search(r"Maximum resident set size \(kbytes\):\s*(\d+)", txt)
            if m:
                rss_mb = int(m.group(1)) / 1024.0
        finally:
            os.unlink(tfile)
    if rss_mb is None:
        import resource

        rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0
    return {"wall_s": wall, "peak_rss_mb": rss_mb, "returncode": r.returncode, "cmd": cmd}
