"""Hostile inputs too big to keep in tests/data/hostile (generated here), and the reader bugs
that the corpus, the properties and the fuzzer found, one test each."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from leadprep import FileErrorCode, InputFileError
from leadprep._read import ReadOptions, read

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
    assert f"offset {2 + 2 * len(text)}" in str(error)
    assert "0x35" in str(error) and "0x61" not in str(error)


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
