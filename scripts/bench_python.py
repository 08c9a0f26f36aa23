#!/usr/bin/env python3
"""Overhead of the Python package over the CLI, on the same data and parameters.

Times, each in its own process and alternating, ``copydesk dedup CORPUS
--out DIR`` (the CLI: reading JSON Lines included) against a Python process
that reads the same corpus into a ``pyarrow.Table`` (``pyarrow.json``; not
timed: a Python user has the table already), then runs ``copydesk.dedup``
on it, builds the result tables and writes the same files with
``result.write(DIR)`` (timed). Prints the median of each and the ratio. The
written files are compared byte for byte.

    python3 scripts/bench_python.py --binary target/release/copydesk [--repeat 5] [--quick]

Needs the package installed (``pip install .``) in the interpreter running
this script. The perf corpus is built with make_perf_corpus.py when missing.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import _common as C

FULL_CORPUS = C.REPO_ROOT / "target" / "perf" / "perf.jsonl"
QUICK_CORPUS = C.REPO_ROOT / "target" / "perf" / "perf-quick.jsonl"

PYTHON_RUN = r"""
import json, sys, time
import pyarrow.json as pa_json
import copydesk
table = pa_json.read_json(sys.argv[1])
started = time.perf_counter()
result = copydesk.dedup(table)
result.write(sys.argv[2])
print(json.dumps({"seconds": time.perf_counter() - started}))
"""

CLI_FILES = ("documents.jsonl", "pairs.jsonl", "clusters.jsonl", "substitutions.jsonl")


def time_cli(binary: Path, corpus: Path, out: Path) -> float:
    started = time.perf_counter()
    subprocess.run([str(binary), "dedup", str(corpus), "--out", str(out), "--quiet"],
                   check=True, capture_output=True)
    return time.perf_counter() - started


def time_python(corpus: Path, out: Path) -> float:
    done = subprocess.run([sys.executable, "-c", PYTHON_RUN, str(corpus), str(out)],
                          check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])["seconds"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default=str(C.REPO_ROOT / "target" / "release" / "copydesk"))
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="the first 10%% of the perf corpus")
    args = ap.parse_args()
    corpus = QUICK_CORPUS if args.quick else FULL_CORPUS
    if not corpus.exists():
        make = [sys.executable, str(C.SCRIPTS_DIR / "make_perf_corpus.py"), "--out", str(corpus)]
        if args.quick:
            make += ["--fraction", "0.1"]
        subprocess.run(make, check=True)
    binary = Path(args.binary)
    cli_times, python_times = [], []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for run in range(args.repeat):
            cli_times.append(time_cli(binary, corpus, tmp / f"cli{run}"))
            python_times.append(time_python(corpus, tmp / f"py{run}"))
        for name in CLI_FILES:
            if not filecmp.cmp(tmp / "cli0" / name, tmp / "py0" / name, shallow=False):
                C.die(f"{name} differs between the CLI and the Python package")
    cli, python = statistics.median(cli_times), statistics.median(python_times)
    print(f"corpus: {corpus.relative_to(C.REPO_ROOT)} ({corpus.stat().st_size / 1e6:.0f} MB)")
    print(f"{'run':<44} {'median s':>9}")
    print(f"{'copydesk dedup CORPUS --out DIR (CLI)':<44} {cli:>9.2f}")
    print(f"{'copydesk.dedup(table).write(DIR) (Python)':<44} {python:>9.2f}")
    print(f"Python / CLI: {python / cli:.2f}x ({100 * (python / cli - 1):+.0f}%); "
          f"outputs identical: {', '.join(CLI_FILES)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
