"""Large files are converted block by block: the outputs must be byte for byte those of the
whole-file conversion, and a file that cannot be read in blocks falls back to the whole-file
reader without a trace in its outputs.

The head block is shrunk to 64 KiB and blocks to a few KiB, so that files of a few hundred
kilobytes cross dozens of block boundaries (inside quoted fields, CRLF pairs, repeated phones).
"""

from __future__ import annotations

import csv
import io
import json
import random
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

import leadprep
from leadprep import _pipeline, _read
from leadprep._errors import InputFileError
from leadprep._read import BlockReader, NotStreamable, ReadOptions, read

BENCH_CONFIG = Path(__file__).parents[1] / "bench" / "leadprep.toml"
BLOCK = 8_192
HEADER = ["Customer ID", "First Name", "Last Name", "Phone", "Mobile", "Work Phone", "Email",
          "City", "State", "Zip", "Segment"]
NOTES = ["plain", "with, comma", 'say "hi"', "two\nlines", "crlf\r\ninside", "", "é ü ñ 東京"]


@pytest.fixture(autouse=True)
def small_head(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_read, "HEAD_BLOCK_BYTES", 64 << 10)


def lead_file(path: Path, rows: int, seed: int, *, crlf: bool = False,
              ragged: bool = True) -> Path:
    """Leads with quoted multi-line fields, repeated phones (some far apart), bad phones,
    blank rows and, when `ragged`, short and long rows."""
    rnd = random.Random(seed)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n" if crlf else "\n")
    writer.writerow(HEADER)
    for i in range(rows):
        phone = f"212555{rnd.randrange(2000):04d}" if rnd.random() < 0.9 else "12345"
        note = rnd.choice(NOTES)
        row = [f"C{i}", rnd.choice(["Ann", "Bob", "Zoë"]), note, phone,
               f"(646) 555-{rnd.randrange(10000):04d}", rnd.choice(["", "+44 20 7946 0000"]),
               rnd.choice(["a@b.co", "not-an-email", ""]), "Austin", "TX", "07301", "gold"]
        shape = rnd.random()
        if shape < 0.01:
            row = [""] * len(HEADER)
        elif shape < 0.02:
            row = [row[0], row[1], "short"]
        elif shape < 0.03 and ragged:
            row = [*row[:2], "long", *row[3:], "extra"]
        writer.writerow(row)
    path.write_text(buf.getvalue(), encoding="utf-8", newline="")
    return path


def outputs(directory: Path) -> dict[str, bytes]:
    files = {str(p.relative_to(directory)): p.read_bytes()
             for p in sorted(directory.rglob("*")) if p.is_file()}
    summary = json.loads(files.pop("summary.json"))
    summary.pop("elapsed_seconds")
    files["summary.json"] = json.dumps(summary, sort_keys=True).encode()
    return files


def convert_both(source: Path, tmp_path: Path, config: object = BENCH_CONFIG) -> tuple[
        leadprep.ConvertResult, leadprep.ConvertResult]:
    whole = leadprep.convert(source, config, tmp_path / "whole", stream=False)  # type: ignore[arg-type]
    blocks = leadprep.convert(source, config, tmp_path / "blocks", stream=True,  # type: ignore[arg-type]
                              block_bytes=BLOCK)
    return whole, blocks


@pytest.mark.parametrize("crlf", [False, True])
def test_block_conversion_writes_the_bytes_of_the_whole_file_conversion(
    tmp_path: Path, crlf: bool
) -> None:
    source = lead_file(tmp_path / "leads.csv", 3000, seed=1, crlf=crlf)
    whole, blocks = convert_both(source, tmp_path)
    assert blocks.streamed and not whole.streamed
    assert outputs(tmp_path / "blocks") == outputs(tmp_path / "whole")
    assert whole.summary["reasons"]["DUPLICATE_PRIMARY_IN_FILE"] > 100
    assert whole.summary["batches"] > 1


def test_a_phone_first_seen_in_an_earlier_block_makes_a_later_row_a_duplicate(
    tmp_path: Path,
) -> None:
    source = lead_file(tmp_path / "leads.csv", 3000, seed=2)
    _, blocks = convert_both(source, tmp_path)
    with (tmp_path / "blocks" / "rejects.csv").open(encoding="utf-8", newline="") as handle:
        duplicates = [r for r in csv.DictReader(handle)
                      if r["_reasons"] == "DUPLICATE_PRIMARY_IN_FILE"]
    last_block_start = int(blocks.read.rows["_row"].min())  # type: ignore[arg-type]
    first_rows = [int(r["_message"].split("row ")[1].split(" ")[0]) for r in duplicates]
    assert any(int(r["_row"]) >= last_block_start > first
               for r, first in zip(duplicates, first_rows, strict=True))


@pytest.mark.parametrize("seed", range(4))
def test_blocks_read_the_records_the_whole_file_holds(tmp_path: Path, seed: int) -> None:
    source = lead_file(tmp_path / "leads.csv", 2000, seed=seed, crlf=bool(seed % 2))
    whole = read(source)
    parts = list(BlockReader(source, ReadOptions(), block_bytes=BLOCK // (seed + 1)))
    assert len(parts) > 5
    assert_frame_equal(pl.concat([p.rows for p in parts]), whole.rows)
    assert_frame_equal(pl.concat([p.rejects for p in parts]), whole.rejects)
    assert sum(p.rows_read for p in parts) == whole.rows_read
    assert parts[0].header == whole.header


def test_a_quoted_field_longer_than_a_block_is_carried_whole(tmp_path: Path) -> None:
    source = lead_file(tmp_path / "leads.csv", 600, seed=5)
    text = source.read_text(encoding="utf-8")
    essay = "\n".join(f"line {i} of a long note, with commas" for i in range(1000))  # 38 KB
    source.write_text(text + f'X1,Ann,"{essay}",2125550000,,,,,,,\n' + text.split("\n", 1)[1],
                      encoding="utf-8")
    whole = read(source)
    parts = list(BlockReader(source, ReadOptions(), block_bytes=BLOCK))
    assert_frame_equal(pl.concat([p.rows for p in parts]), whole.rows)
    assert essay in pl.concat([p.rows for p in parts])["_c2"].to_list()


def test_a_quote_left_open_mid_file_is_the_same_error_in_blocks(tmp_path: Path) -> None:
    source = lead_file(tmp_path / "leads.csv", 3000, seed=6, ragged=False)
    lines = source.read_text(encoding="utf-8").split("\n")
    lines[2500] = lines[2500].replace("Austin", '"Austin', 1)
    source.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(InputFileError) as whole:
        read(source)
    with pytest.raises(InputFileError) as blocks:
        list(BlockReader(source, ReadOptions(), block_bytes=BLOCK))
    assert (blocks.value.code, blocks.value.line) == (whole.value.code, whole.value.line)


def _cp1252_late(path: Path) -> Path:
    lead_file(path, 2000, seed=7)
    path.write_bytes(path.read_bytes() + "C9,Renée,Núñez,2125559999,,,,,,,\n".encode("cp1252"))
    return path


def _lone_cr_late(path: Path) -> Path:
    lead_file(path, 2000, seed=8)
    path.write_bytes(path.read_bytes() + b"C9,Ann,Lee\rMore,2125559999,,,,,,,\n")
    return path


def _nul_tail(path: Path) -> Path:
    lead_file(path, 2000, seed=9)
    path.write_bytes(path.read_bytes() + b"\x00" * 4096)
    return path


def _utf16(path: Path) -> Path:
    lead_file(path, 2000, seed=10)
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    return path


@pytest.mark.parametrize("make", [_cp1252_late, _lone_cr_late, _nul_tail, _utf16])
def test_a_file_the_blocks_cannot_promise_is_read_whole_with_the_same_outputs(
    tmp_path: Path, make: object
) -> None:
    source = make(tmp_path / "leads.csv")  # type: ignore[operator]
    with pytest.raises(NotStreamable):
        list(BlockReader(source, ReadOptions(), block_bytes=BLOCK))
    _, blocks = convert_both(source, tmp_path)
    assert not blocks.streamed
    assert outputs(tmp_path / "blocks") == outputs(tmp_path / "whole")


def test_a_file_under_the_streaming_size_is_converted_whole_unless_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = lead_file(tmp_path / "leads.csv", 3000, seed=11)
    auto = leadprep.convert(source, BENCH_CONFIG, tmp_path / "auto", block_bytes=BLOCK)
    monkeypatch.setattr(_pipeline, "STREAM_ABOVE_BYTES", source.stat().st_size - 1)
    over = leadprep.convert(source, BENCH_CONFIG, tmp_path / "over", block_bytes=BLOCK)
    tiny = lead_file(tmp_path / "tiny.csv", 50, seed=12)
    asked = leadprep.convert(tiny, BENCH_CONFIG, tmp_path / "tiny", stream=True)
    assert (auto.streamed, over.streamed, asked.streamed) == (False, True, False)
    assert outputs(tmp_path / "auto") == outputs(tmp_path / "over")


def test_the_default_block_size_follows_the_file_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = lead_file(tmp_path / "leads.csv", 300, seed=13)
    size = source.stat().st_size
    asked: list[int] = []

    def blocks(path: object, cfg: object, out: object, clock: object, block: int) -> None:
        asked.append(block)  # None: the file is read whole after all

    monkeypatch.setattr(_pipeline, "_convert_in_blocks", blocks)
    monkeypatch.setattr(_pipeline, "STREAM_ABOVE_BYTES", 0)
    for mid_limit in (size, size - 1):
        monkeypatch.setattr(_pipeline, "MID_FILE_BYTES", mid_limit)
        leadprep.convert(source, BENCH_CONFIG, tmp_path / "out")
    leadprep.convert(source, BENCH_CONFIG, tmp_path / "out", block_bytes=4096)
    assert asked == [_pipeline.MID_BLOCK_BYTES, _pipeline.BLOCK_BYTES, 4096]


SIMPLE_CONFIG = """
[account]
e164 = true
default_region = "US"

[campaign]
calling_configuration = "SIMPLE"

[load]
duplicate_handling = "REMOVE_FROM_LIST"
batch_size = 50

[mapping.columns]
EXTERN_ID = "Customer ID"
LEAD_PHONE = "Phone"
FIRST_NAME = "First Name"
"""


def test_pipe_lists_of_a_simple_campaign_repeat_across_blocks_as_in_the_whole_file(
    tmp_path: Path,
) -> None:
    """A SIMPLE campaign's primary may be a pipe list, which is its duplicate key as a whole:
    a list repeated blocks later is the same duplicate it is in the whole file."""
    rnd = random.Random(7)
    lines = ["Customer ID,Phone,First Name"]
    for i in range(4000):
        first = f"212555{rnd.randrange(300):04d}"
        phone = f"{first}|646555{rnd.randrange(3):04d}" if rnd.random() < 0.5 else first
        lines.append(f"C{i},{phone},Ann")
    source = tmp_path / "leads.csv"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    config = tmp_path / "simple.toml"
    config.write_text(SIMPLE_CONFIG, encoding="utf-8")
    _, blocks = convert_both(source, tmp_path, config)
    assert blocks.streamed
    assert outputs(tmp_path / "blocks") == outputs(tmp_path / "whole")
    rejects = (tmp_path / "whole" / "rejects.csv").read_text(encoding="utf-8")
    assert "|" in rejects.split("DUPLICATE_PRIMARY_IN_FILE")[1].splitlines()[0]
