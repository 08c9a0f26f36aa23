"""copydesk from Python: near-duplicates, rewrites and spin in news corpora.

``data`` is a ``pyarrow.Table`` or ``RecordBatch``, a ``pandas.DataFrame``, a
Hugging Face ``datasets.Dataset``, or an iterable of dicts; ``id_column`` and
``text_column`` name its fields (``date_column`` is optional). Results are
``pyarrow.Table``s with the columns of the files the CLI writes, and
``.write(out_dir)`` writes those files as the CLI does.
"""

from __future__ import annotations

import io
import json
from typing import Any, Iterable, Optional

import pyarrow as pa
import pyarrow.json as pa_json

from . import _native

__all__ = ["check", "dedup", "Checker", "CheckResult", "DedupResult"]
__version__ = _native.__version__


def _column(table: pa.Table, name: str) -> list:
    if name not in table.column_names:
        raise KeyError(f"no column {name!r}; columns are {table.column_names}")
    return table.column(name).to_pylist()


def _records(data: Any, id_column: str, text_column: str, date_column: Optional[str]):
    """(records, source): rows as (id, text, date) and a name for errors."""
    table = None
    if isinstance(data, pa.RecordBatch):
        table = pa.Table.from_batches([data])
    elif isinstance(data, pa.Table):
        table = data
    elif type(data).__module__.startswith("pandas"):
        table = pa.Table.from_pandas(data, preserve_index=False)
    elif hasattr(data, "data") and hasattr(getattr(data, "data"), "table"):
        # datasets.Dataset keeps its rows in an Arrow table.
        table = data.data.table
    if table is not None:
        ids = _column(table, id_column)
        texts = _column(table, text_column)
        if date_column and date_column in table.column_names:
            dates = _column(table, date_column)
        else:
            dates = [None] * len(ids)
        source = f"<{type(data).__name__}>"
        rows = zip(ids, texts, dates)
    else:
        source = "<records>"
        rows = (
            (row.get(id_column), row.get(text_column), row.get(date_column) if date_column else None)
            for row in data
        )
    records = []
    for number, (id_, text, date) in enumerate(rows, start=1):
        if id_ is None or text is None:
            missing = id_column if id_ is None else text_column
            raise ValueError(f"{source} row {number}: no {missing!r} value")
        if not isinstance(text, str):
            raise ValueError(f"{source} row {number}: {text_column!r} is not a string")
        records.append((str(id_), text, None if date is None else str(date)))
    return records, source


def _table(jsonl: bytes) -> pa.Table:
    if not jsonl:
        return pa.table({})
    return pa_json.read_json(io.BytesIO(jsonl))


class CheckResult:
    """The quality pass over a corpus: ``table`` (``id``, ``flags``,
    ``scores``), ``rejected``, ``summary``."""

    def __init__(self, native):
        self._native = native
        self.table = _table(native.documents_jsonl())
        self.rejected = _table(native.rejected_jsonl())
        self.summary = json.loads(native.summary_json())

    def write(self, out_dir: str) -> None:
        """Write ``documents.jsonl``, ``summary.json`` ... as ``copydesk check --out``."""
        self._native.write(str(out_dir))


class DedupResult:
    """Near-duplicate detection over a corpus: ``documents``, ``pairs``,
    ``clusters``, ``substitutions`` and ``rejected`` tables, ``counts`` and
    ``summary`` (what ``summary.json`` holds)."""

    def __init__(self, native):
        self._native = native
        self.documents = _table(native.documents_jsonl())
        self.pairs = _table(native.pairs_jsonl())
        self.clusters = _table(native.clusters_jsonl())
        self.substitutions = _table(native.substitutions_jsonl())
        self.rejected = _table(native.rejected_jsonl())
        self.counts = json.loads(native.counts_json())
        self.summary = json.loads(native.summary_json())

    def write(self, out_dir: str) -> None:
        """Write the files of ``copydesk dedup --out``, report included."""
        self._native.write(str(out_dir))


def check(
    data: Any,
    *,
    id_column: str = "id",
    text_column: str = "text",
    date_column: Optional[str] = None,
    corpus_stats: bool = True,
    skip_invalid: bool = False,
) -> CheckResult:
    """The quality pass (``copydesk check``); ``corpus_stats=False`` is
    ``--no-corpus-stats``."""
    records, source = _records(data, id_column, text_column, date_column)
    return CheckResult(
        _native.check(records, source, corpus_stats=corpus_stats, skip_invalid=skip_invalid)
    )


def dedup(
    data: Any,
    *,
    id_column: str = "id",
    text_column: str = "text",
    date_column: Optional[str] = "date",
    rewrites: bool = True,
    skip_invalid: bool = False,
    **options: Any,
) -> DedupResult:
    """Near-duplicates and rewrites (``copydesk dedup``). Options:
    ``threshold``, ``containment``, ``num_perm``, ``ngram``, ``seed``;
    ``rewrites=False`` is ``--no-rewrites``."""
    known = {"threshold", "containment", "num_perm", "ngram", "seed"}
    unknown = set(options) - known
    if unknown:
        raise TypeError(f"unknown option(s) {sorted(unknown)}; known: {sorted(known)}")
    records, source = _records(data, id_column, text_column, date_column)
    return DedupResult(
        _native.dedup(records, source, rewrites=rewrites, skip_invalid=skip_invalid, **options)
    )


class Checker:
    """Checks one text at a time (no corpus statistics), e.g. in
    ``datasets.map``: ``Checker()(text)`` returns ``{"flags": [...],
    "scores": {...}}``."""

    def __init__(self):
        self._native = _native.Checker()

    def __call__(self, text: str) -> dict:
        return json.loads(self._native.check_json(text))

    check = __call__
