"""Hostile inputs too big to keep in tests/data/hostile (generated here), and the reader bugs
that the corpus, the properties and the fuzzer found, one test each."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from leadprep import FileErrorCode, InputFileError, _read
from leadprep._cli import app
from leadprep._read import BlockReader, ReadOptions, read

H4 = "id,first_name,last_name,phone"


def _rejects(path: Path, options: ReadOptions | None = None) -> dict[int, list[str]]:
    result = read(path, options)
    assert result.rows.height + result.rejects.height == result.rows_read
    return {row: sorted(reasons) for row, reasons
            in result.rejects.select("_row", "_reasons").iter_rows()}


# --- an undecodable byte is placed where it is -------------------------------------------------


def test_a_utf16_file_cut_in_the_middle_of_a_character_names_its_last_byte(
        tmp_path: Path) -> None:
    # A UTF-16 file with an odd number of bytes (a copy cut short). The error used to name
    # the first byte of the file ("byte 0x61 at offset 0", line 1).
    text = "a,b\n1,2\n3,4\n"
    path = tmp_path / "cut.csv"
    path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le") + b"5")
    with pytest.raises(InputFileError) as caught:
        read(path)
    error = caught.value
    assert error.code == FileErrorCode.UNDECIDABLE_ENCODING
    assert error.line == 4, str(error)
    assert f"ends inside a utf-16-le character (offset {2 * len(text)})" in str(error)
    assert "0x61" not in str(error)


def test_a_bad_byte_past_the_first_megabyte_is_placed_exactly(tmp_path: Path) -> None:
    # Decoding runs in 1 MiB chunks. A character split by a chunk boundary is carried over to
    # the next chunk, and the error offset used to leave that carried byte out.
    header = b"name,note\n"
    line = ("é" * 40 + ",x\n").encode("utf-8")  # 83 bytes
    assert ((1 << 20) - len(header)) % 83 == 27  # the boundary falls inside an é
    body = header + line * 20_000
    path = tmp_path / "late.csv"
    path.write_bytes(body + b"\xff,y\n")
    with pytest.raises(InputFileError) as caught:
        read(path, ReadOptions(encoding="utf-8"))
    error = caught.value
    assert error.code == FileErrorCode.UNDECIDABLE_ENCODING
    assert f"byte 0xFF at offset {len(body)}" in str(error), str(error)
    assert error.line == 20_002


# --- generated: too big to keep in the corpus ----------------------------------------------


def _people(first: int, last: int) -> list[str]:
    return [f"{i},Name{i},Last{i},{200 + i % 800}-555-{i % 10_000:04d}" for i in range(first, last)]


@pytest.fixture(scope="module")
def ragged_late(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """210,000 rows; row 200,003 is short and row 200,007 long (`Smith, Jr` unquoted)."""
    lines = _people(1, 210_001)
    lines[200_002] = "200003,Name200003,212-555-0001"
    lines[200_006] = "200007,Name200007,Smith, Jr,212-555-0002"
    path = tmp_path_factory.mktemp("late") / "late.csv"
    path.write_text(H4 + "\r\n" + "\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def test_a_short_and_a_long_row_past_row_200000_are_the_only_rejects(ragged_late: Path) -> None:
    result = read(ragged_late)
    assert result.rows_read == 210_000
    assert {row: list(reasons) for row, reasons
            in result.rejects.select("_row", "_reasons").iter_rows()} == {
        200_003: ["TOO_FEW_FIELDS"], 200_007: ["TOO_MANY_FIELDS"]}
    assert result.rejects["_fields"].to_list() == [
        ["200003", "Name200003", "212-555-0001"],
        ["200007", "Name200007", "Smith", " Jr", "212-555-0002"]]
    around = result.rows.filter(pl.col("_row").is_in([200_002, 200_004, 200_006, 200_008]))
    assert around.select("_row", "_line", "_c0", "_c3").rows() == [
        (200_002, 200_003, "200002", "202-555-0002"), (200_004, 200_005, "200004", "204-555-0004"),
        (200_006, 200_007, "200006", "206-555-0006"), (200_008, 200_009, "200008", "208-555-0008")]


def test_check_of_the_same_file_rejects_those_two_rows_for_their_shape(
        ragged_late: Path, tmp_path: Path) -> None:
    config = tmp_path / "leadprep.toml"
    config.write_text('[mapping.columns]\nEXTERN_ID = "id"\nLEAD_PHONE = "phone"\n')
    done = CliRunner().invoke(app, ["check", str(ragged_late), "--config", str(config),
                                    "--json"])
    report = json.loads(done.stdout)
    assert report["stats"]["rows_read"] == 210_000
    assert report["stats"]["accepted"] + report["stats"]["rejected"] == 210_000
    assert report["reasons"]["TOO_FEW_FIELDS"] == 1 and report["reasons"]["TOO_MANY_FIELDS"] == 1
    assert [e["row"] for e in report["examples"]["TOO_FEW_FIELDS"]] == [200_003]
    assert [e["row"] for e in report["examples"]["TOO_MANY_FIELDS"]] == [200_007]


@pytest.mark.slow
def test_a_100_mb_field_is_rejected_as_too_large_and_the_rows_around_it_kept(
        tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as handle:
        handle.write(b"id,first_name,last_name,phone\n1,Ann,Lee,212-555-0001\n2,Bob,")
        chunk = b"x" * (1 << 20)
        for _ in range(100):
            handle.write(chunk)
        handle.write(b",212-555-0002\n3,Cy,Day,212-555-0003\n")
    result = read(path)
    assert result.rows_read == 3
    assert result.rejects.select("_row", "_reasons").rows() == [(2, ["FIELD_TOO_LARGE"])]
    assert result.rows.select("_row", "_c1").rows() == [(1, "Ann"), (3, "Cy")]

    config = tmp_path / "leadprep.toml"
    config.write_text('[mapping.columns]\nEXTERN_ID = "id"\nLEAD_PHONE = "phone"\n')
    done = CliRunner().invoke(app, ["convert", str(path), "--config", str(config),
                                    "--out", str(tmp_path / "out")])
    assert done.exit_code == 0, done.stdout + done.stderr
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert (summary["rows_read"], summary["accepted"], summary["rejected"]) == (3, 2, 1)
    assert summary["reasons"] == {"FIELD_TOO_LARGE": 1}


@pytest.mark.parametrize("text", [
    "id,name\n\ufeff1,Ann\n2,Bob\n",          # every line plain: read in place
    "id,name\n\ufeff1,Ann\n2,\"Bob\nLee\"\n",  # a multi-line record: lines read joined
    "id,name\n\ufeff,Ann\n2,Bob\n",           # the BOM is the whole field
])
def test_a_byte_order_mark_starting_the_first_row_is_kept_like_any_other(
        tmp_path: Path, text: str) -> None:
    # Files glued together (a header file, then a data file saved with a BOM) carry U+FEFF
    # into the first data row. polars drops it when the buffer it reads starts with it, so the
    # first row lost it and later rows kept it: it is text, kept as csv.reader keeps it.
    path = tmp_path / "glued.csv"
    path.write_text(text, encoding="utf-8")
    result = read(path)
    assert result.rows.filter(pl.col("_row") == 1)["_c0"].to_list() == [
        text.split("\n")[1].split(",")[0]]


def test_blocks_keep_a_u_feff_that_starts_a_block(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A large UTF-8 file is read block by block; a block whose first line started with U+FEFF
    # lost it (polars drops it at the start of its buffer), so blocks and the whole file
    # disagreed on that row.
    monkeypatch.setattr(_read, "HEAD_BLOCK_BYTES", 64 << 10)
    ids = [("\ufeff" if i % 7 == 0 else "") + str(i) for i in range(1, 8001)]
    path = tmp_path / "glued.csv"
    path.write_text("id,name,phone\n" + "".join(
        f"{id_},Name {i},212-555-{i % 10_000:04d}\n" for i, id_ in enumerate(ids, start=1)),
        encoding="utf-8")
    parts = list(BlockReader(path, ReadOptions(), block_bytes=8_192))
    assert len(parts) > 5
    assert pl.concat([p.rows for p in parts])["_c0"].to_list() == ids
    assert read(path).rows["_c0"].to_list() == ids
