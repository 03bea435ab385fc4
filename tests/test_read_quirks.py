"""One fixture per lead-file quirk in tests/data/hostile, each with a `<name>.expected.json`.

The sidecar keys are described in tests/data/hostile/make_fixtures.py, which made the files.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from leadprep import FileErrorCode, InputFileError
from leadprep._read import ReadOptions, ReadResult, read

HOSTILE = Path(__file__).parent / "data" / "hostile"
SIDECAR = ".expected.json"
EXPECTED = sorted(HOSTILE.glob(f"*{SIDECAR}"))


def fixture_for(sidecar: Path) -> Path:
    stem = sidecar.name.removesuffix(SIDECAR)
    found = [
        p for p in HOSTILE.iterdir()
        if p.name.split(".")[0] == stem and not p.name.endswith(SIDECAR) and p.suffix != ".py"
    ]
    assert len(found) == 1, f"{sidecar.name}: expected exactly one data file, found {found}"
    return found[0]


def test_enough_fixtures() -> None:
    assert len(EXPECTED) >= 25


def _rows(result: ReadResult) -> dict[int, list[str]]:
    columns = [f"_c{i}" for i in range(len(result.header))]
    return {
        row["_row"]: [row[c] for c in columns]
        for row in result.rows.select("_row", *columns).iter_rows(named=True)
    }


def _rejects(result: ReadResult) -> dict[int, dict[str, Any]]:
    return {row["_row"]: row for row in result.rejects.iter_rows(named=True)}


def _python_csv_count(raw: bytes, encoding: str, delimiter: str) -> list[list[str]]:
    """Records as Python's csv module reads the decoded text (blank lines are `[]` records)."""
    text = raw.decode(encoding, "replace").lstrip("\ufeff").rstrip("\x00")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


@pytest.mark.parametrize("sidecar", EXPECTED, ids=[p.name.removesuffix(SIDECAR) for p in EXPECTED])
def test_quirk(sidecar: Path) -> None:
    expected: dict[str, Any] = json.loads(sidecar.read_text(encoding="utf-8"))
    path = fixture_for(sidecar)
    if expected.get("python_csv") is False:
        assert expected.get("python_csv_why"), "say why csv.reader is no yardstick here"

    if "file_error" in expected:
        with pytest.raises(InputFileError) as caught:
            read(path, ReadOptions())
        error = caught.value
        assert error.code == FileErrorCode(expected["file_error"]), str(error)
        if "line" in expected:
            assert error.line == expected["line"], str(error)
        if "message_contains" in expected:
            assert expected["message_contains"].lower() in str(error).lower()
        return

    result = read(path, ReadOptions())
    detection = result.detection
    width = len(result.header)

    if "header" in expected:
        assert list(result.header) == expected["header"]
    for key, value in expected.get("detection", {}).items():
        got = getattr(detection, key)
        got = list(got) if isinstance(got, tuple) else got
        assert got == value, f"detection.{key}: {got!r}, expected {value!r}"
    if "encoding_one_of" in expected:
        assert detection.encoding in expected["encoding_one_of"]

    # Shape of the frames: every field a non-null String, one column per header column.
    assert result.rows.columns == ["_row", "_line", *(f"_c{i}" for i in range(width))]
    for i in range(width):
        assert result.rows.schema[f"_c{i}"] == pl.String
        assert result.rows[f"_c{i}"].null_count() == 0, f"_c{i} holds nulls"
    assert set(result.rejects.columns) >= {"_row", "_line", "_reasons", "_message", "_fields"}

    rows = _rows(result)
    rejects = _rejects(result)
    if "rows" in expected:
        assert [[n, fields] for n, fields in rows.items()] == expected["rows"]
    for n, fields in expected.get("some_rows", []):
        assert rows.get(n) == fields, f"row {n}"
    if "n_rows" in expected:
        assert result.rows.height == expected["n_rows"]
    if "rejects" in expected:
        got = {n: sorted(r["_reasons"]) for n, r in rejects.items()}
        assert got == {n: sorted(codes) for n, codes in expected["rejects"]}
    for n, fields in expected.get("reject_fields", []):
        assert rejects[n]["_fields"] == fields, f"reject {n}"
    if "rows_read" in expected:
        assert result.rows_read == expected["rows_read"]
    lines = {
        **dict(result.rows.select("_row", "_line").iter_rows()),
        **{n: r["_line"] for n, r in rejects.items()},
    }
    for n, physical in expected.get("lines", []):
        assert lines.get(n) == physical, f"_line of row {n}"

    # Every record is either a row or a reject, numbered 1..rows_read.
    assert result.rows.height + result.rejects.height == result.rows_read
    numbers = sorted([*rows, *rejects])
    assert numbers == list(range(1, result.rows_read + 1))

    if expected.get("python_csv", True):
        encoding = expected.get("detection", {}).get("encoding") or detection.encoding
        records = _python_csv_count(path.read_bytes(), encoding, detection.delimiter)
        header_records = len(detection.skipped_lines) + (1 if detection.header else 0)
        assert result.rows_read == len(records) - header_records, "rows_read vs csv module"


# The reader counts fields without splitting every line: polars refuses a long line and pads a
# short one with empty fields, so only lines whose last field comes out empty are counted.
# These files are built to slip past a count that forgot one of those.
def _codes_by_row(tmp_path: Path, text: str) -> dict[int, list[str]]:
    path = tmp_path / "leads.csv"
    path.write_text(text, encoding="utf-8", newline="")
    result = read(path)
    return {row: list(reasons) for row, reasons
            in result.rejects.select("_row", "_reasons").iter_rows()}


def test_a_short_row_is_caught_when_a_quoted_comma_evens_out_the_delimiter_count(
        tmp_path: Path) -> None:
    assert _codes_by_row(tmp_path, 'a,b,c\n"x,y",2,3\n4,5\n') == {2: ["TOO_FEW_FIELDS"]}


def test_a_short_and_a_long_row_that_even_out_are_both_caught(tmp_path: Path) -> None:
    text = "a,b,c\n1,2,3\n4,5\n6,7,8,9\n"
    assert _codes_by_row(tmp_path, text) == {2: ["TOO_FEW_FIELDS"], 3: ["TOO_MANY_FIELDS"]}


def test_a_short_row_is_caught_among_full_rows_whose_last_field_is_empty(
        tmp_path: Path) -> None:
    text = 'a,b,c\n1,2,\n3,"4,5",\n6,"7,8"\n9,,\nx,,\n10,""\n'
    assert _codes_by_row(tmp_path, text) == {3: ["TOO_FEW_FIELDS"], 6: ["TOO_FEW_FIELDS"]}


def test_a_short_row_deep_in_a_large_crlf_file_is_the_only_reject(tmp_path: Path) -> None:
    rows = [f"{i},name {i},555-{i:04d}" for i in range(50_000)]
    rows[41_234] = "41234,short"
    assert _codes_by_row(tmp_path, "id,name,phone\r\n" + "\r\n".join(rows) + "\r\n") == {
        41_235: ["TOO_FEW_FIELDS"]}


def test_rows_read_in_place_keep_their_line_numbers_after_a_title_row(tmp_path: Path) -> None:
    path = tmp_path / "leads.csv"
    path.write_text("Export of 2026-11-01\n\nid,name\n1,Ann\n2,\"Bob, Jr\"\n", encoding="utf-8")
    result = read(path)
    assert result.rows.select("_row", "_line", "_c0", "_c1").rows() == [
        (1, 4, "1", "Ann"), (2, 5, "2", "Bob, Jr")]
