"""Coverage-guided fuzzing of the read stage (`leadprep.read`) with atheris.

    pip install -e '.[fuzz]'
    python bench/fuzz/fuzz_reader.py -max_total_time=600

Each input is written to a temporary file and read, first with detection, then (when the first
read succeeds) with the options it detected given explicitly. A read may refuse the file with
InputFileError; anything else escaping is a crash. A read that returns must account for every
record exactly once (rows + rejects = rows_read, rows numbered 1..rows_read), every field a
string; and where Python's csv module is a fair yardstick (the decoded text has no lone CR and
no undecodable line), it must find the same number of records and the same fields in every
accepted row.

The fuzzer starts from the small files of tests/data/hostile (and tests/data/hostile/fuzz), plus
any corpus directory given on the command line, where it keeps what it learns (a temporary
directory when none is given; give one to resume a run). A crashing input is written to
bench/fuzz/crashes/ (or -artifact_prefix); copy it to tests/data/hostile/fuzz/, where
tests/test_fuzz_replay.py replays every file.
Any libFuzzer flag can be passed (-max_len, -timeout, -jobs, -runs, ...); files named on the
command line instead of directories are run once each (a crash replayed).
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import sys
import tempfile
from pathlib import Path

import atheris

# One polars thread: the fuzzer is single-threaded anyway, and the machine may be shared.
os.environ.setdefault("POLARS_MAX_THREADS", "1")

with atheris.instrument_imports(include=["leadprep"]):
    from leadprep._encoding import decode_file
    from leadprep._errors import InputFileError
    from leadprep._read import ReadOptions, ReadResult, read

REPO = Path(__file__).resolve().parents[2]
HOSTILE = REPO / "tests" / "data" / "hostile"
SEED_MAX_BYTES = 4096

_dir = Path(tempfile.mkdtemp(prefix="leadprep-fuzz-"))
_path = _dir / "input.csv"


def check_accounting(result: ReadResult) -> None:
    rows, rejects = result.rows, result.rejects
    assert rows.height + rejects.height == result.rows_read, "rows + rejects != rows_read"
    numbers = sorted(rows["_row"].to_list() + rejects["_row"].to_list())
    assert numbers == list(range(1, result.rows_read + 1)), "row numbers are not 1..rows_read"
    for i in range(result.width):
        assert rows[f"_c{i}"].null_count() == 0, f"_c{i} holds nulls"


def check_against_python_csv(data: bytes, result: ReadResult) -> None:
    """Same records as Python's csv module, on the same decoded text."""
    detection = result.detection
    if detection.invalid_encoding_lines or detection.line_ending == "CR":
        return
    decoded = decode_file(_path, data, None).data.decode("utf-8")
    if "\r" in decoded.replace("\r\n", ""):
        return  # a lone CR ends a record for csv, not for the spec
    quote = detection.quote_char
    reader = csv.reader(
        io.StringIO(decoded, newline=""), delimiter=detection.delimiter,
        quotechar=quote or '"', quoting=csv.QUOTE_MINIMAL if quote else csv.QUOTE_NONE,
    )
    try:
        records = list(reader)
    except csv.Error:
        return
    before = len(detection.skipped_lines) + (1 if detection.header else 0)
    body = records[before:]
    assert len(body) == result.rows_read, (
        f"python csv finds {len(body)} records, leadprep {result.rows_read}")
    columns = [f"_c{i}" for i in range(result.width)]
    for row in result.rows.select("_row", *columns).iter_rows():
        assert list(row[1:]) == body[row[0] - 1], f"row {row[0]}: {row[1:]!r} vs csv"


def test_one_input(data: bytes) -> None:
    _path.write_bytes(data)
    try:
        result = read(_path)
    except InputFileError:
        return
    check_accounting(result)
    check_against_python_csv(data, result)
    detection = result.detection
    given = ReadOptions(encoding=detection.encoding, delimiter=detection.delimiter,
                        quote_char=detection.quote_char or "none", header=detection.header)
    try:
        again = read(_path, given)
    except InputFileError:
        return
    check_accounting(again)


def _seed_corpus() -> Path:
    corpus = Path(tempfile.mkdtemp(prefix="leadprep-fuzz-seeds-"))
    for folder in (HOSTILE, HOSTILE / "fuzz"):
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            if (path.is_file() and path.suffix not in (".json", ".py")
                    and path.stat().st_size <= SEED_MAX_BYTES):
                shutil.copy(path, corpus / f"{folder.name}-{path.name}")
    return corpus


def main() -> None:
    argv = list(sys.argv)
    flags = [a for a in argv[1:] if a.startswith("-")]
    paths = [a for a in argv[1:] if not a.startswith("-")]
    if not paths:  # no corpus directory given: new inputs go to a temporary one
        argv.append(tempfile.mkdtemp(prefix="leadprep-fuzz-corpus-"))
    if all(Path(p).is_dir() for p in paths):  # fuzzing, not replaying files given by name
        argv.append(str(_seed_corpus()))  # read, never written to
    if not any(a.startswith("-artifact_prefix=") for a in flags):
        crashes = Path(__file__).parent / "crashes"
        crashes.mkdir(exist_ok=True)
        argv.insert(1, f"-artifact_prefix={crashes}/")
    if not any(a.startswith("-dict=") for a in flags):
        argv.insert(1, f"-dict={Path(__file__).parent / 'csv.dict'}")
    if not any(a.startswith("-max_len=") for a in flags):
        argv.insert(1, f"-max_len={SEED_MAX_BYTES}")
    atheris.Setup(argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
