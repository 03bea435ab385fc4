"""Replays every input kept in tests/data/hostile/fuzz: seeds, and any input with which the
fuzzer (bench/fuzz/fuzz_reader.py) once crashed the reader. Each must read, or be refused with
InputFileError, and a read must account for every record exactly once; `leadprep check` must
answer without a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from leadprep import InputFileError
from leadprep._cli import app
from leadprep._read import ReadOptions, read

from .test_check import MINIMAL
from .test_read_quirks import HOSTILE
from .test_read_roundtrip import _assert_same_records_as_csv_module

FUZZ = HOSTILE / "fuzz"
INPUTS = sorted(p for p in FUZZ.iterdir() if p.is_file())


def test_the_fuzz_folder_holds_inputs() -> None:
    assert INPUTS, f"{FUZZ} holds no input"


@pytest.mark.parametrize("path", INPUTS, ids=[p.name for p in INPUTS])
def test_a_fuzz_input_reads_or_is_refused_with_a_file_error(path: Path, tmp_path: Path) -> None:
    try:
        result = read(path)
    except InputFileError:
        pass
    else:
        assert result.rows.height + result.rejects.height == result.rows_read
        numbers = result.rows["_row"].to_list() + result.rejects["_row"].to_list()
        assert sorted(numbers) == list(range(1, result.rows_read + 1))
        _assert_same_records_as_csv_module(path.read_bytes(), result)
        d = result.detection
        again = read(path, ReadOptions(encoding=d.encoding, delimiter=d.delimiter,
                                       quote_char=d.quote_char or "none", header=d.header))
        assert again.rows.height + again.rejects.height == again.rows_read

    config = tmp_path / "leadprep.toml"
    config.write_text(MINIMAL.replace('"id"', "0").replace('"phone"', "0"))
    done = CliRunner().invoke(app, ["check", str(path), "--config", str(config)])
    assert done.exception is None or isinstance(done.exception, SystemExit), done.exception
    assert done.exit_code in (0, 1, InputFileError.exit_code), done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
