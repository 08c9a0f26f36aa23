"""copydesk from Python: near-duplicates, rewrites and spin in news corpora.

``data`` is a ``pyarrow.Table`` or ``RecordBatch`` (or anything with
``__arrow_c_stream__``), a ``pandas.DataFrame``, a Hugging Face
``datasets.Dataset``, or an iterable of dicts; ``id_column`` and
``text_column`` name its fields (``date_column`` is optional). Arrow data is
read by the Rust side through the Arrow C stream interface, the strings
where Arrow holds them. Results are ``pyarrow.Table``s with the columns of
the files the CLI writes, and ``.write(out_dir)`` writes those files as the
CLI does.

Options are named as the CLI's flags: ``--num-perm 128`` is
``num_perm=128``, ``--no-rewrites`` is ``rewrites=False``,
``--no-corpus-stats`` is ``corpus_stats=False``, ``--no-containment`` is
``containment=False``.
"""

from __future__ import annotations

import functools
import io
import json
from typing import Any, Optional

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pa_json

from . import _native

__all__ = ["check", "dedup", "scan", "Checker", "CheckResult", "DedupResult", "ScanResult"]
__version__ = _native.__version__


def _arrow_table(data: Any) -> Optional[pa.Table]:
    """``data`` as a pyarrow Table when it is columnar, else None."""
    if isinstance(data, pa.Table):
        return data
    if isinstance(data, pa.RecordBatch):
        return pa.Table.from_batches([data])
    if type(data).__module__.startswith("pandas"):
        return pa.Table.from_pandas(data, preserve_index=False)
    inner = getattr(getattr(data, "data", None), "table", None)
    if isinstance(inner, pa.Table):
        # A datasets.Dataset keeps its rows in an Arrow table; a selection
        # or shuffle is an indices mapping over it.
        indices = getattr(data, "_indices", None)
        if indices is not None:
            return inner.take(indices.column(0))
        return inner
    return None


def _is_text_type(data_type: pa.DataType) -> bool:
    """A layout the native module reads strings from as they are."""
    return (
        pa.types.is_string(data_type)
        or pa.types.is_large_string(data_type)
        or (hasattr(pa.types, "is_string_view") and pa.types.is_string_view(data_type))
    )


def _as_string(column: pa.ChunkedArray, name: str, kind: str) -> pa.ChunkedArray:
    if _is_text_type(column.type):
        return column
    if pa.types.is_dictionary(column.type) and _is_text_type(column.type.value_type):
        # A categorical column: its strings, decoded.
        return pc.cast(column, column.type.value_type)
    if kind == "text":
        raise ValueError(f"column {name!r} is {column.type}, not a string column")
    return pc.cast(column, pa.string())


def _rows(data: Any, id_column: str, text_column: str, date_column: Optional[str]):
    """(rows, source): what the native module reads, and a name for errors
    (``<DataFrame>``: rows are numbered from 1 in errors and ``rejected``)."""
    table = _arrow_table(data)
    if table is not None:
        for name in (id_column, text_column):
            if name not in table.column_names:
                raise KeyError(f"no column {name!r}; columns are {table.column_names}")
        columns = [
            _as_string(table.column(id_column), id_column, "id"),
            _as_string(table.column(text_column), text_column, "text"),
        ]
        names = ["id", "text"]
        if date_column and date_column in table.column_names:
            columns.append(_as_string(table.column(date_column), date_column, "date"))
            names.append("date")
        return pa.table(columns, names=names), f"<{type(data).__name__}>"
    rows = [
        (row.get(id_column), row.get(text_column), row.get(date_column) if date_column else None)
        for row in data
    ]
    return rows, "<records>"


def _table(jsonl: bytes) -> pa.Table:
    if not jsonl:
        return pa.table({})
    return pa_json.read_json(io.BytesIO(jsonl))


def _lazy_table(getter: str, doc: str) -> functools.cached_property:
    """A result table read from the native JSON Lines rows on first use."""

    def table(self) -> pa.Table:
        return _table(getattr(self._native, getter)())

    table.__doc__ = doc
    return functools.cached_property(table)


class _Tables:
    """The result tables, each built on first use (``pairs`` of a big
    corpus is the largest output: a caller that only writes files never
    pays for it)."""

    documents = _lazy_table("documents_jsonl", "``documents.jsonl``: one row per accepted record.")
    pairs = _lazy_table("pairs_jsonl", "``pairs.jsonl``: the verified pairs and their relation.")
    clusters = _lazy_table("clusters_jsonl", "``clusters.jsonl``: members and representative.")
    substitutions = _lazy_table("substitutions_jsonl", "``substitutions.jsonl``: mined swaps.")
    rejected = _lazy_table("rejected_jsonl", "``rejected.jsonl``: records left out, and why.")


class CheckResult:
    """The quality pass over a corpus: ``table`` (``id``, ``flags``,
    ``scores``), ``rejected``, ``summary``."""

    def __init__(self, native):
        self._native = native
        self.summary = json.loads(native.summary_json())

    table = _lazy_table("documents_jsonl", "``documents.jsonl``: ``id``, ``flags``, ``scores``.")
    rejected = _lazy_table("rejected_jsonl", "``rejected.jsonl``: records left out, and why.")

    def write(self, out_dir: str, format: str = "jsonl") -> None:
        """Write ``documents.jsonl`` (``documents.parquet`` with
        ``format="parquet"``), ``summary.json`` ... as ``copydesk check --out``."""
        self._native.write(str(out_dir), format)


class DedupResult(_Tables):
    """Near-duplicate detection over a corpus: ``documents``, ``pairs``,
    ``clusters``, ``substitutions`` and ``rejected`` tables, ``counts`` and
    ``summary`` (what ``summary.json`` holds)."""

    def __init__(self, native):
        self._native = native
        self.counts = json.loads(native.counts_json())
        self.summary = json.loads(native.summary_json())

    def write(self, out_dir: str, format: str = "jsonl") -> None:
        """Write the files of ``copydesk dedup --out``; the tables as Parquet
        with ``format="parquet"`` (``--format parquet``)."""
        self._native.write(str(out_dir), format)


class ScanResult(_Tables):
    """Near-duplicates and quality together (``copydesk scan``): the tables
    of :class:`DedupResult` (``documents`` with each document's flags and
    scores as well), ``summary``, and the clean corpus (``kept_ids``,
    :meth:`clean`)."""

    def __init__(self, native, id_column: str):
        self._native = native
        self._id_column = id_column
        self.summary = json.loads(native.summary_json())
        self.kept_ids = native.kept_ids()

    def clean(self, data: Any) -> Any:
        """The rows of ``data`` (the input of :func:`scan`) that ``--keep``
        would write: one per cluster, quality at least ``min_quality``, in
        input order and of the input's type."""
        kept = pa.array(self.kept_ids, pa.string())
        table = _arrow_table(data)
        if table is None:
            keep = set(self.kept_ids)
            return [row for row in data if str(row.get(self._id_column)) in keep]
        ids = _as_string(table.column(self._id_column), self._id_column, "id")
        mask = pc.is_in(ids, value_set=kept)
        if hasattr(data, "filter") and hasattr(data, "select") and hasattr(data, "_indices"):
            # datasets.Dataset: keep its type, features and fingerprinting.
            return data.select([i for i, keep in enumerate(mask.to_pylist()) if keep])
        if type(data).__module__.startswith("pandas"):
            return data[mask.to_numpy(zero_copy_only=False)]
        return table.filter(mask)

    def write(self, out_dir: str, format: str = "jsonl") -> None:
        """Write the files of ``copydesk scan --out``, ``report.html``
        included; the tables as Parquet with ``format="parquet"``."""
        self._native.write(str(out_dir), format)


def check(
    data: Any,
    *,
    id_column: str = "id",
    text_column: str = "text",
    **options: Any,
) -> CheckResult:
    """The quality pass (``copydesk check``). Options: ``corpus_stats``,
    ``model``, ``lexicon``, ``substitutions``, ``min_substitution_count``,
    ``heuristics`` (``"news"`` or ``"datatrove"``), ``skip_invalid``,
    ``threads``."""
    rows, source = _rows(data, id_column, text_column, None)
    return CheckResult(_native.run_command("check", rows, source, (id_column, text_column), options))


def dedup(
    data: Any,
    *,
    id_column: str = "id",
    text_column: str = "text",
    date_column: Optional[str] = "date",
    **options: Any,
) -> DedupResult:
    """Near-duplicates and rewrites (``copydesk dedup``). Options:
    ``threshold``, ``containment`` (a number, or False), ``ngram``,
    ``shingle``, ``num_perm``, ``minhash``, ``seed``, ``bands``, ``prefer``,
    ``rewrites``, ``rewrite_similarity``, ``function_words``, ``reference``,
    ``all_substitutions``, ``skip_invalid``, ``threads``."""
    rows, source = _rows(data, id_column, text_column, date_column)
    return DedupResult(_native.run_command("dedup", rows, source, (id_column, text_column), options))


def scan(
    data: Any,
    *,
    id_column: str = "id",
    text_column: str = "text",
    date_column: Optional[str] = "date",
    **options: Any,
) -> ScanResult:
    """Near-duplicates, rewrites and the quality pass (``copydesk scan``):
    the options of :func:`dedup` and :func:`check`, and ``min_quality``,
    ``report_clusters``, ``report_flagged``."""
    rows, source = _rows(data, id_column, text_column, date_column)
    native = _native.run_command("scan", rows, source, (id_column, text_column), options)
    return ScanResult(native, id_column)


class Checker:
    """Checks one text at a time (no corpus statistics), e.g. in
    ``datasets.map``: ``Checker()(text)`` returns ``{"flags": [...],
    "scores": {...}}``."""

    def __init__(self):
        self._native = _native.Checker()

    def __call__(self, text: str) -> dict:
        return json.loads(self._native.check_json(text))

    check = __call__
