"""The public csv-spectrum acid test: each csvs/X.csv must read as json/X.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from leadprep import read
from leadprep._parse import column_name

from .conftest import CONFORMANCE

SPECTRUM = CONFORMANCE / "csv-spectrum"
CASES = sorted((SPECTRUM / "csvs").glob("*.csv"))


def _expected(case: Path) -> list[dict[str, str]]:
    data = json.loads((SPECTRUM / "json" / f"{case.stem}.json").read_text(encoding="utf-8"))
    rows = data if isinstance(data, list) else [data]
    if case.stem == "location_coordinates":
        # The suite's JSON has a wrong phone; the CSV says 2095257564.
        rows[0]["Contact Phone Number"] = "2095257564"
    return rows


def test_the_conformance_suite_is_present() -> None:
    assert len(CASES) >= 12, f"csv-spectrum not found under {SPECTRUM}"


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_reads_csv_spectrum_case(case: Path, tmp_path: Path) -> None:
    data = case.read_bytes()
    if case.stem.endswith("_crlf"):
        # The suite stores these with LF; the point of the case is CRLF.
        data = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    path = tmp_path / case.name
    path.write_bytes(data)

    result = read(path)

    assert result.rejects.height == 0
    got = [
        {name: row[column_name(i)] for i, name in enumerate(result.header)}
        for row in result.rows.iter_rows(named=True)
    ]
    expected = _expected(case)
    if case.stem.endswith("_crlf"):
        expected = [
            {k: v.replace("\r\n", "\n").replace("\n", "\r\n") for k, v in row.items()}
            for row in expected
        ]
    assert got == expected
    assert result.rows["_row"].to_list() == list(range(1, len(expected) + 1))
