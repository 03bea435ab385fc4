"""is_utf8 judges as Python's strict UTF-8 codec does, wherever the pieces are cut."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadprep._encoding import is_utf8

# Bytes that make and break UTF-8: ASCII, lead bytes of 2-, 3- and 4-byte forms,
# continuation bytes, the surrogate and overlong leads, and bytes never valid.
_PARTS = st.sampled_from([b"a", b",", b"\n", "é".encode(), "€".encode(), "😀".encode(),
                          b"\xc3", b"\xe2\x82", b"\x80", b"\xbf", b"\xed\xa0\x80", b"\xc0\xaf",
                          b"\xf4\x90\x80\x80", b"\xff", b"\xfe"])


def _python_says(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@settings(max_examples=500)
@given(parts=st.lists(_PARTS, max_size=40), piece=st.integers(min_value=1, max_value=9))
def test_is_utf8_agrees_with_the_codec_for_any_piece_size(parts: list[bytes], piece: int) -> None:
    data = b"".join(parts)
    assert is_utf8(data, piece) == _python_says(data)


@pytest.mark.parametrize("data", [b"", "naïve café".encode(), "a€😀".encode() * 1000])
def test_valid_text_is_utf8(data: bytes) -> None:
    assert is_utf8(data)


@pytest.mark.parametrize("data", [b"caf\xe9", b"\xed\xa0\x80", b"\xc0\xaf", b"ok\xe2\x82"])
def test_latin1_surrogates_overlong_and_cut_short_forms_are_not(data: bytes) -> None:
    assert not is_utf8(data)
