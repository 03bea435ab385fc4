"""The same eight leads in five encodings and dialects must convert to the same request bodies."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import leadprep

DATA = Path(__file__).parent / "data" / "encodings"
CONFIG = DATA / "config.toml"

# file -> (encodings accepted in summary["encoding"], delimiter, bom)
FILES: dict[str, tuple[set[str], str, bool]] = {
    "leads_utf8.csv": ({"utf-8"}, ",", False),
    # The spec names the codec utf-8-sig; leadprep may report it as utf-8 with bom=True.
    "leads_utf8_bom.csv": ({"utf-8", "utf-8-sig"}, ",", True),
    "leads_utf16le_tab.txt": ({"utf-16-le"}, "\t", True),
    "leads_cp1252.csv": ({"cp1252"}, ",", False),
    "leads_semicolon.csv": ({"utf-8"}, ";", False),
}

LEADS = 8


def upload_leads(out_dir: Path) -> list[dict[str, Any]]:
    batches = sorted((out_dir / "batches").glob("leadloader-*.json"))
    assert batches, f"no batch files in {out_dir}"
    leads: list[dict[str, Any]] = []
    for batch in batches:
        leads += json.loads(batch.read_text(encoding="utf-8"))["uploadLeads"]
    return leads


def read_fields(result: leadprep.ConvertResult) -> list[tuple[str, ...]]:
    rows = result.read.rows
    return [tuple(r) for r in rows.select(rows.columns[2:]).iter_rows()]


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in FILES:
        target = tmp_path_factory.mktemp("out") / name
        result = leadprep.convert(DATA / name, CONFIG, target)
        out[name] = (result, target)
    return out


@pytest.mark.parametrize("name", list(FILES))
def test_detection(name: str, converted: dict[str, Any]) -> None:
    result, _ = converted[name]
    encodings, delimiter, bom = FILES[name]
    assert result.summary["encoding"] in encodings
    assert result.summary["delimiter"] == delimiter
    assert result.read.detection.bom is bom
    assert result.summary["rows_read"] == LEADS
    assert result.summary["accepted"] == LEADS, result.summary["reasons"]
    assert result.summary["rejected"] == 0


@pytest.mark.parametrize("name", list(FILES))
def test_same_leads(name: str, converted: dict[str, Any]) -> None:
    reference = upload_leads(converted["leads_utf8.csv"][1])
    assert len(reference) == LEADS
    assert upload_leads(converted[name][1]) == reference


@pytest.mark.parametrize("name", list(FILES))
def test_same_text(name: str, converted: dict[str, Any]) -> None:
    """Every column, mapped or not (the notes hold “ ” € and a doubled quote), reads the same."""
    result, _ = converted[name]
    reference = converted["leads_utf8.csv"][0]
    assert result.read.header == reference.read.header
    assert read_fields(result) == read_fields(reference)


def test_reference_text(converted: dict[str, Any]) -> None:
    result, _ = converted["leads_utf8.csv"]
    leads = upload_leads(converted["leads_utf8.csv"][1])
    assert result.read.header[:3] == ("Customer ID", "First Name", "Last Name")
    first = leads[0]
    assert (first["externId"], first["firstName"], first["lastName"]) == ("C-0001", "José", "Núñez")
    assert [lead["city"] for lead in leads][:2] == ["San José", "Zürich"]
    notes = [row[5] for row in read_fields(result)]
    assert notes[0] == "Prefers “morning” calls"
    assert notes[1] == "Budget €1.200 – firm"
    assert notes[2] == 'Said "call back" later'
