"""Tests of the copydesk Python package on fixtures written for this project."""

import json
import os
import pathlib

import subprocess

import pyarrow as pa
import pyarrow.json as pa_json
import pytest

import copydesk

ROOT = pathlib.Path(__file__).resolve().parents[2]


def fixture_records():
    with open(ROOT / "fixtures" / "news.jsonl", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def cli_rows(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def copydesk_binary():
    """The CLI built by `cargo build` or `cargo test` (CI runs those first),
    or the one $COPYDESK_BIN names."""
    if os.environ.get("COPYDESK_BIN"):
        return pathlib.Path(os.environ["COPYDESK_BIN"])
    for profile in ("debug", "release"):
        path = ROOT / "target" / profile / "copydesk"
        if path.exists():
            return path
    raise AssertionError("build the CLI first (cargo build): the tests compare with it")


def test_dedup_writes_what_the_cli_writes_and_its_tables_hold_those_rows(tmp_path):
    result = copydesk.dedup(fixture_records())
    assert result.documents.num_rows == len(fixture_records())
    assert result.counts["clusters"] > 0
    # By default, each member with its representative and the partial pairs;
    # pairs="all" gives every verified pair, as --pairs all does.
    members = sum(1 for d in result.documents.to_pylist() if d["duplicate_of"])
    assert members <= result.pairs.num_rows < result.counts["pairs"]
    assert copydesk.dedup(fixture_records(), pairs="all").pairs.num_rows == result.counts["pairs"]
    result.write(tmp_path / "py")
    subprocess.run(
        [str(copydesk_binary()), "dedup", str(ROOT / "fixtures" / "news.jsonl"),
         "--out", str(tmp_path / "cli")],
        check=True, capture_output=True,
    )
    for name in ("documents", "pairs", "clusters", "substitutions", "rejected"):
        written = (tmp_path / "py" / f"{name}.jsonl").read_bytes()
        assert written == (tmp_path / "cli" / f"{name}.jsonl").read_bytes(), name
    assert result.documents.to_pylist() == pa_json.read_json(
        tmp_path / "cli" / "documents.jsonl").to_pylist()
    assert result.clusters.to_pylist() == cli_rows(tmp_path / "cli" / "clusters.jsonl")
    cli_summary = json.loads((tmp_path / "cli" / "summary.json").read_text())
    for key, value in result.counts.items():
        assert result.summary[key] == cli_summary[key] == value, key


def test_check_writes_what_the_cli_writes(tmp_path):
    result = copydesk.check(fixture_records())
    result.write(tmp_path / "py")
    subprocess.run(
        [str(copydesk_binary()), "check", str(ROOT / "fixtures" / "news.jsonl"),
         "--out", str(tmp_path / "cli")],
        check=True, capture_output=True,
    )
    written = (tmp_path / "py" / "documents.jsonl").read_bytes()
    assert written == (tmp_path / "cli" / "documents.jsonl").read_bytes()
    assert result.table.column_names == ["id", "flags", "scores"]
    cli_summary = json.loads((tmp_path / "cli" / "summary.json").read_text())
    for key in ("accepted", "flagged_documents", "flags_by_rule", "flags_by_category"):
        assert result.summary[key] == cli_summary[key], key
    flagged = sum(1 for row in result.table.to_pylist() if row["flags"])
    assert result.summary["flagged_documents"] == flagged


def test_data_frames_tables_and_dicts_give_the_same_result():
    import pandas as pd
    records = fixture_records()
    frame = pd.DataFrame(records)
    table = pa.Table.from_pylist(records)
    from_dicts = copydesk.dedup(records).clusters.to_pylist()
    assert copydesk.dedup(frame).clusters.to_pylist() == from_dicts
    assert copydesk.dedup(table).clusters.to_pylist() == from_dicts
    assert copydesk.dedup(table.to_batches()[0]).clusters.to_pylist() == from_dicts


def test_check_flags_a_spun_text_and_the_checker_agrees():
    text = (ROOT / "fixtures" / "quality" / "spin_content_farm.txt").read_text(encoding="utf-8")
    clean = (ROOT / "fixtures" / "quality" / "clean_ferry.txt").read_text(encoding="utf-8")
    records = [{"id": "farm", "text": text}, {"id": "clean", "text": clean}]
    result = copydesk.check(records, corpus_stats=False)
    rows = {row["id"]: row for row in result.table.to_pylist()}
    rules = {flag["rule"] for flag in rows["farm"]["flags"]}
    assert "wire_dateline" in rules and "formal_name_compound" in rules
    assert rows["farm"]["scores"]["spin"] > 0.5
    assert rows["clean"]["flags"] == []
    single = copydesk.Checker()(text)
    assert [f["rule"] for f in single["flags"]] == [f["rule"] for f in rows["farm"]["flags"]]
    for flag in single["flags"]:
        assert text.encode()[flag["start"]:flag["end"]].decode() == flag["text"]


def test_bad_rows_and_options_are_errors_that_name_them():
    with pytest.raises(ValueError, match="<records>:2: missing field"):
        copydesk.dedup([{"id": "a", "text": "x"}, {"id": "b"}])
    with pytest.raises(ValueError, match="duplicate id"):
        copydesk.dedup([{"id": "a", "text": "x"}, {"id": "a", "text": "y"}])
    with pytest.raises(TypeError, match="unknown option"):
        copydesk.dedup([{"id": "a", "text": "x"}], thresold=0.5)
    with pytest.raises(KeyError):
        copydesk.check(pa.table({"key": ["a"], "text": ["x"]}))


def test_a_hugging_face_dataset_is_read_like_its_rows():
    import datasets
    records = fixture_records()
    dataset = datasets.Dataset.from_list(records)
    assert (
        copydesk.dedup(dataset).documents.to_pylist()
        == copydesk.dedup(records).documents.to_pylist()
    )
    checker = copydesk.Checker()
    scored = dataset.map(lambda row: {"spin": checker(row["text"])["scores"]["spin"]})
    assert len(scored["spin"]) == len(records)


def test_scan_writes_what_the_cli_writes_and_clean_keeps_the_cli_keep_rows(tmp_path):
    import pandas as pd
    records = fixture_records()
    result = copydesk.scan(records, min_quality=0.6, num_perm=64)
    result.write(tmp_path / "py")
    subprocess.run(
        [str(copydesk_binary()), "scan", str(ROOT / "fixtures" / "news.jsonl"),
         "--out", str(tmp_path / "cli"), "--min-quality", "0.6", "--num-perm", "64",
         "--keep", str(tmp_path / "keep.jsonl")],
        check=True, capture_output=True,
    )
    for name in ("documents", "pairs", "clusters", "substitutions"):
        written = (tmp_path / "py" / f"{name}.jsonl").read_bytes()
        assert written == (tmp_path / "cli" / f"{name}.jsonl").read_bytes(), name
    assert (tmp_path / "py" / "report.html").stat().st_size > 0
    cli_summary = json.loads((tmp_path / "cli" / "summary.json").read_text())
    assert result.summary["quality"]["kept"] == cli_summary["quality"]["kept"]
    kept = [row["id"] for row in cli_rows(tmp_path / "keep.jsonl")]
    assert result.kept_ids == kept
    assert 0 < len(kept) < len(records)
    frame = pd.DataFrame(records)
    assert list(result.clean(frame)["id"]) == kept
    assert result.clean(pa.Table.from_pylist(records)).column("id").to_pylist() == kept
    assert [row["id"] for row in result.clean(records)] == kept


def test_options_mirror_the_cli_flags(tmp_path):
    result = copydesk.dedup(fixture_records(), num_perm=64, threshold=0.6, rewrites=False,
                            containment=False, threads=1)
    result.write(tmp_path / "py")
    subprocess.run(
        [str(copydesk_binary()), "dedup", str(ROOT / "fixtures" / "news.jsonl"),
         "--out", str(tmp_path / "cli"), "--num-perm", "64", "--threshold", "0.6",
         "--no-rewrites", "--no-containment"],
        check=True, capture_output=True,
    )
    for name in ("documents", "pairs", "clusters"):
        written = (tmp_path / "py" / f"{name}.jsonl").read_bytes()
        assert written == (tmp_path / "cli" / f"{name}.jsonl").read_bytes(), name
    with pytest.raises(ValueError, match="threshold"):
        copydesk.dedup(fixture_records(), threshold=1.5)
    with pytest.raises(TypeError, match="num_perm"):
        copydesk.dedup(fixture_records(), num_perm="many")
    with pytest.raises(TypeError, match="unknown option"):
        copydesk.check(fixture_records(), num_perm=64)


def test_bad_rows_follow_skip_invalid_from_dicts_and_from_arrow():
    good = {"id": "a", "text": "A ferry left the harbour at dawn with forty passengers."}
    for data in (
        [good, {"id": "b", "text": None}, {"id": "c", "text": 7}],
        pa.table({"id": ["a", "b", "c"], "text": [good["text"], None, None]}),
    ):
        with pytest.raises(ValueError, match=r">:2: missing field \"text\""):
            copydesk.check(data)
        result = copydesk.check(data, skip_invalid=True)
        assert result.table.column("id").to_pylist() == ["a"]
        rejected = result.rejected.to_pylist()
        assert [row["line"] for row in rejected] == [2, 3]
        assert {row["reason"] for row in rejected} <= {"missing_field", "wrong_type"}
    with pytest.raises(ValueError, match="not a string column"):
        copydesk.check(pa.table({"id": ["a"], "text": [1]}))


def test_arrow_ids_of_any_type_and_string_layouts_read_as_the_rows_do():
    records = fixture_records()
    expected = copydesk.dedup(records).clusters.to_pylist()
    table = pa.Table.from_pylist(records)
    large = table.cast(pa.schema([
        pa.field(f.name, pa.large_string() if f.type == pa.string() else f.type)
        for f in table.schema
    ]))
    assert copydesk.dedup(large).clusters.to_pylist() == expected
    view = table.cast(pa.schema([
        pa.field(f.name, pa.string_view() if f.type == pa.string() else f.type)
        for f in table.schema
    ]))
    assert copydesk.dedup(view).clusters.to_pylist() == expected
    import pandas as pd
    categorical = pd.DataFrame(records).astype({"text": "category"})
    assert copydesk.dedup(categorical).clusters.to_pylist() == expected
    numbered = pa.table({"id": list(range(3)), "text": [r["text"] for r in records[:3]]})
    documents = copydesk.dedup(numbered).documents.column("id").to_pylist()
    assert documents == ["0", "1", "2"]


def test_a_shuffled_dataset_is_read_in_its_own_order():
    import datasets
    records = fixture_records()
    shuffled = datasets.Dataset.from_list(records).shuffle(seed=3)
    ids = copydesk.dedup(shuffled).documents.column("id").to_pylist()
    assert ids == [str(i) for i in shuffled["id"]]


def test_write_parquet_writes_the_tables_the_cli_writes_with_format_parquet(tmp_path):
    import pyarrow.parquet as pq

    result = copydesk.scan(fixture_records())
    result.write(tmp_path / "py", format="parquet")
    subprocess.run(
        [str(copydesk_binary()), "scan", str(ROOT / "fixtures" / "news.jsonl"),
         "--out", str(tmp_path / "cli"), "--format", "parquet"],
        check=True, capture_output=True,
    )
    for name in ("documents", "pairs", "clusters"):
        assert not (tmp_path / "py" / f"{name}.jsonl").exists(), name
        written = pq.read_table(tmp_path / "py" / f"{name}.parquet")
        cli = pq.read_table(tmp_path / "cli" / f"{name}.parquet")
        assert written.schema == cli.schema, name
        assert written.to_pylist() == cli.to_pylist(), name
        assert written.num_rows == getattr(result, name).num_rows, name
    with pytest.raises(ValueError, match="format"):
        result.write(tmp_path / "bad", format="csv")
