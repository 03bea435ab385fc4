"""Lead JSON is built by string concatenation in polars: it must be what a JSON encoder
writes, for any text, and the search for characters to escape may be skipped only when the
file can hold none."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import leadprep
import leadprep._emit as emit
from leadprep._parse import Dialect, fields_json_safe
from leadprep._sniff import LineBreaks

from .test_convert import config, run

_TEXT = st.one_of(st.none(), st.text(max_size=12))
_SAFE_TEXT = st.one_of(st.none(), st.text(
    st.characters(blacklist_characters='"\\', blacklist_categories=["Cc", "Cs"]), max_size=12))
_ROW = st.tuples(_TEXT, _TEXT, _TEXT, _TEXT, _TEXT)
_SAFE_ROW = st.tuples(_SAFE_TEXT, _SAFE_TEXT, _SAFE_TEXT, _SAFE_TEXT, _SAFE_TEXT)


def _frame(rows: list[tuple[str | None, ...]]) -> pl.DataFrame:
    """Leads with top-level fields and both nested objects, in an order lead_bodies must fix."""
    columns = list(zip(*rows, strict=True)) if rows else [()] * 5
    schema = {name: pl.String for name in ("a", "b", "c", "d", "e")}
    frame = pl.DataFrame(dict(zip(schema, columns, strict=True)), schema=schema)
    return frame.select(
        pl.struct(pl.col("d").alias("Mobile \"1\""), pl.col("e").alias("Work"))
        .alias("personaPhoneConfig"),
        pl.col("a").alias("firstName"),
        pl.col("b").alias("externId"),
        pl.struct(pl.col("c").alias("segment\n")).alias("extendedLeadData"),
    )


def _expected(row: tuple[str | None, ...]) -> dict[str, Any]:
    """The lead as a dict with null values left out, keys in the API's order."""
    first, extern, segment, mobile, work = row
    lead: dict[str, Any] = {k: v for k, v in (("externId", extern), ("firstName", first))
                            if v is not None}
    extended = {k: v for k, v in (("segment\n", segment),) if v is not None}
    personas = {k: v for k, v in (('Mobile "1"', mobile), ("Work", work)) if v is not None}
    if extended:
        lead["extendedLeadData"] = extended
    if personas:
        lead["personaPhoneConfig"] = personas
    return lead


@settings(max_examples=150, deadline=None)
@given(st.lists(_ROW, min_size=1, max_size=20))
def test_any_text_comes_out_as_json_a_decoder_reads_back(
    rows: list[tuple[str | None, ...]],
) -> None:
    # What json.dumps writes, byte for byte: the values, their escapes and the key order.
    assert emit.lead_bodies(_frame(rows)).to_list() == [
        json.dumps(_expected(row), ensure_ascii=False, separators=(",", ":")) for row in rows]


@settings(max_examples=60, deadline=None)
@given(st.lists(_ROW, min_size=1, max_size=20))
def test_bodies_are_the_same_when_there_are_too_many_null_patterns_to_group(
    rows: list[tuple[str | None, ...]],
) -> None:
    frame = _frame(rows)
    grouped = emit.lead_bodies(frame).to_list()
    original, emit.MAX_NULL_PATTERNS = emit.MAX_NULL_PATTERNS, 0
    try:
        assert emit.lead_bodies(frame).to_list() == grouped
    finally:
        emit.MAX_NULL_PATTERNS = original


@settings(max_examples=60, deadline=None)
@given(st.lists(_SAFE_ROW, min_size=1, max_size=20))
def test_skipping_the_escape_search_changes_nothing_for_text_that_needs_no_escape(
    rows: list[tuple[str | None, ...]],
) -> None:
    frame = _frame(rows)
    assert emit.lead_bodies(frame, json_safe=True).to_list() == \
        emit.lead_bodies(frame).to_list()


def test_a_lead_with_no_field_is_an_empty_object() -> None:
    assert emit.lead_bodies(_frame([(None,) * 5])).to_list() == ["{}"]


_COMMA = Dialect(",", '"')


@pytest.mark.parametrize(("data", "dialect", "safe"), [
    (b"id,name\n1,Ann\n", _COMMA, True),
    (b"id,name\r\n1,Ann\r\n", _COMMA, True),
    (b'id,name\n1,"Ann"\n', _COMMA, False),                  # a quote: a field may hold one
    (b"id,name\n1,O\\Brien\n", _COMMA, False),              # a backslash
    (b"id,name\n1,Ann\tMarie\n", _COMMA, False),            # a tab inside a field
    (b"id\tname\n1\tAnn\n", Dialect("\t", '"'), True),      # tabs that only delimit
    (b"id,name\n1,Ann\x01\n", _COMMA, False),               # a C0 control
    (b"id,name\n1,An\rn\n", _COMMA, False),                 # a lone CR inside a line
    (b"id;name\n1;'Ann\nMarie'\n", Dialect(";", "'"), False),  # quoted across lines
    (b"id;name\n1;O'Neil\n", Dialect(";", None), True),     # quotes are plain characters
])
def test_a_file_is_json_safe_only_when_no_field_can_hold_a_character_json_escapes(
    data: bytes, dialect: Dialect, safe: bool,
) -> None:
    assert fields_json_safe(data, dialect, LineBreaks.count(data)) is safe


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=40) | st.lists(st.sampled_from([
    b"a", b",", b"\n", b"\r", b"\r\n", b"\t", b'"', b"\\", b"\x00", b"\x1f", b"\x7f", b"\xc3\xa9",
]), max_size=30).map(b"".join))
def test_one_pass_over_the_data_counts_line_breaks_and_notes_the_bytes_json_escapes(
    data: bytes,
) -> None:
    breaks = LineBreaks.count(data)
    assert (breaks.lf, breaks.cr, breaks.crlf) == (
        data.count(b"\n"), data.count(b"\r"), data.count(b"\r\n"))
    assert breaks.control == any(b < 0x20 and b not in b"\t\n\r" for b in data)
    assert (breaks.tab, breaks.quote, breaks.backslash) == (
        b"\t" in data, b'"' in data, b"\\" in data)


def test_a_file_of_plain_fields_is_read_as_json_safe(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("id,phone\n1,4155550100\n")
    assert leadprep.read(src).json_safe


def test_quotes_backslashes_and_tabs_in_fields_reach_the_leads_exactly(tmp_path: Path) -> None:
    text = 'id,phone,name\n1,4155550100,"Ann ""Nan"" Lee"\n2,4155550101,C:\\x\ty\n'
    _, leads, _, _ = run(tmp_path, text, config(**{"mapping__columns": {
        "EXTERN_ID": "id", "LEAD_PHONE": "phone", "FIRST_NAME": "name"}}))
    assert not leadprep.read(tmp_path / "in.csv").json_safe
    assert [lead["firstName"] for lead in leads] == ['Ann "Nan" Lee', "C:\\x\ty"]
