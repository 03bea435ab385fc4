"""Every file of tests/data/hostile through the real entry points, `leadprep convert FILE --out
DIR` and `leadprep check FILE` (typer's runner on the CLI app, in process; a few through a real
`python -m leadprep` process too).

Each must give the outcome its sidecar documents (tests/data/hostile/make_fixtures.py):
- a file error: exit 3, a one- or two-line message on stderr naming the file and the code, no
  traceback, nothing written;
- otherwise: the structural rejects in rejects.csv with the documented codes on the documented
  rows (the mapping may reject more rows for their content), rows_read = accepted + rejected,
  and rows_read equal to the number of records Python's csv module finds in the same text.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from leadprep import InputFileError
from leadprep._cli import app
from leadprep._codes import STRUCTURAL_CODES

from .test_check import MINIMAL
from .test_read_quirks import EXPECTED, HOSTILE, SIDECAR, fixture_for

RUNNER = CliRunner()
FILE_ERROR_EXIT = InputFileError.exit_code


def config_for(expected: dict[str, Any]) -> str:
    """The sidecar's cli_mapping; else id and phone by name (test_check's MINIMAL) when the
    header has them; else the first two columns by index."""
    mapping = expected.get("cli_mapping")
    if mapping is None:
        names = {name.strip().casefold() for name in expected.get("header", [])}
        if {"id", "phone"} <= names:
            return MINIMAL
        mapping = {"EXTERN_ID": 0, "LEAD_PHONE": 1}
    return "[mapping.columns]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in mapping.items())


def csv_module_records(raw: bytes, summary: dict[str, Any]) -> int:
    """Records below the header as Python's csv module counts them, in the text decoded with
    the encoding the reader reported (a BOM and a NUL-padded tail are not text)."""
    text = raw.decode(summary["encoding"], "replace").lstrip("\ufeff").rstrip("\x00")
    quote = summary["quote_char"]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=summary["delimiter"],
                        quotechar=quote or '"',
                        quoting=csv.QUOTE_MINIMAL if quote else csv.QUOTE_NONE)
    above = len(summary["skipped_lines"]) + (1 if summary["header"] else 0)
    return sum(1 for _ in reader) - above


def rejects_csv(path: Path) -> dict[int, set[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {int(row["_row"]): set(row["_reasons"].split(";"))
                for row in csv.DictReader(handle)}


def assert_no_traceback(result: Any) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{type(result.exception).__name__}: {result.exception}")
    assert "Traceback" not in result.stdout + result.stderr


def assert_clean_file_error(result: Any, code: str, path: Path) -> None:
    assert_no_traceback(result)
    assert result.exit_code == FILE_ERROR_EXIT, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert 1 <= len(lines) <= 2, result.stderr
    assert lines[0].startswith("error: "), result.stderr
    assert code in lines[0] and path.name in lines[0], result.stderr


@pytest.mark.parametrize("sidecar", EXPECTED, ids=[p.name.removesuffix(SIDECAR) for p in EXPECTED])
def test_convert_and_check_give_the_documented_outcome(tmp_path: Path, sidecar: Path) -> None:
    expected: dict[str, Any] = json.loads(sidecar.read_text(encoding="utf-8"))
    path = fixture_for(sidecar)
    config = tmp_path / "leadprep.toml"
    config.write_text(config_for(expected))
    out = tmp_path / "out"
    converted = RUNNER.invoke(app, ["convert", str(path), "--config", str(config),
                                    "--out", str(out)])
    checked = RUNNER.invoke(app, ["check", str(path), "--config", str(config)])

    code = expected.get("file_error") or expected.get("cli_file_error")
    if code is not None:
        assert_clean_file_error(converted, code, path)
        assert_clean_file_error(checked, code, path)
        assert not out.exists() or not any(out.iterdir()), "a file error writes nothing"
        as_json = RUNNER.invoke(app, ["check", str(path), "--config", str(config), "--json"])
        assert as_json.exit_code == FILE_ERROR_EXIT
        assert json.loads(as_json.stdout)["error"]["code"] == code
        return

    assert_no_traceback(converted)
    assert converted.exit_code == 0, converted.stdout + converted.stderr
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    rows_read = summary["rows_read"]
    assert summary["accepted"] + summary["rejected"] == rows_read
    rejects = rejects_csv(out / "rejects.csv")
    assert len(rejects) == summary["rejected"]
    assert set(rejects) <= set(range(1, rows_read + 1))
    if "rejects" in expected:
        structural = {n: codes & STRUCTURAL_CODES for n, codes in rejects.items()}
        assert {n: codes for n, codes in structural.items() if codes} == {
            n: set(codes) for n, codes in expected["rejects"]}
    for n, _ in expected.get("rows", []) + expected.get("some_rows", []):
        assert not rejects.get(n, set()) & STRUCTURAL_CODES, f"row {n}"
    if "rows_read" in expected:
        assert rows_read == expected["rows_read"]
    if expected.get("python_csv", True):
        assert rows_read == csv_module_records(path.read_bytes(), summary), "csv module count"

    assert_no_traceback(checked)
    assert checked.exit_code == (0 if summary["rejected"] == 0 and rows_read else 1), (
        checked.stdout + checked.stderr)


def test_every_hostile_file_has_a_sidecar() -> None:
    data = [p for p in HOSTILE.iterdir()
            if p.is_file() and not p.name.endswith(SIDECAR) and p.suffix != ".py"]
    assert sorted(p.name.split(".")[0] for p in data) == sorted(
        p.name.removesuffix(SIDECAR) for p in EXPECTED)


def _leadprep(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "leadprep", *map(str, args)],
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(("command", "name", "exit_code", "code"), [
    ("convert", "gzip.csv", FILE_ERROR_EXIT, "BINARY_FILE"),
    ("check", "duplicate_headers_variants.csv", FILE_ERROR_EXIT, "AMBIGUOUS_HEADER"),
    ("convert", "space_before_quote.csv", 0, None),
])
def test_the_real_command_answers_without_a_traceback(
        tmp_path: Path, command: str, name: str, exit_code: int, code: str | None) -> None:
    config = tmp_path / "leadprep.toml"
    config.write_text(MINIMAL)
    extra = ["--out", tmp_path / "out"] if command == "convert" else []
    done = _leadprep(command, HOSTILE / name, "--config", config, *extra)
    assert done.returncode == exit_code, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    if code is not None:
        assert len(done.stderr.strip().splitlines()) <= 2 and code in done.stderr
    else:
        assert rejects_csv(tmp_path / "out" / "rejects.csv") == {
            1: {"TOO_MANY_FIELDS"}, 4: {"TOO_MANY_FIELDS"}}
