"""Duplicate primaries (REMOVE_FROM_LIST): every row whose phone an earlier clean row has,
pointing at that first row, whatever order the frame is in."""

from __future__ import annotations

import random

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from leadprep._validate import _repeats


def naive_repeats(rows: list[int], keys: list[str]) -> dict[int, int]:
    first: dict[str, int] = {}
    found: dict[int, int] = {}
    for row, key in sorted(zip(rows, keys, strict=True)):
        if key in first:
            found[row] = first[key]
        else:
            first[key] = row
    return found


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([
    "+12025550100", "+12025550101", "+447700900123", "", "x",
    # kept as text: a pipe list, a leading 0 (its number would be +12025550100's), too long
    "+12025550100|+12025550101", "+012025550100", "+123456789012345678901"]),
    max_size=60), st.randoms())
def test_repeats_are_the_rows_whose_key_an_earlier_row_has(
        keys: list[str], rng: random.Random) -> None:
    rows = list(range(1, len(keys) + 1))
    rng.shuffle(rows)  # the frame's order is not the file's order
    keyed = pl.DataFrame({"_row": rows, "_key": keys},
                         schema={"_row": pl.Int64, "_key": pl.String})
    found = dict(_repeats(keyed).iter_rows())
    assert found == naive_repeats(rows, keys)

