"""Differential tests: leadprep's phone normalization gives phonenumbers' answers, value by value.

For each value, with `n = phonenumbers.parse(value, region)`:
e164 = format_number(n, E164), national = national_significant_number(n),
country_code = n.country_code, accepted = is_valid_number(n) (policy "valid") or
is_possible_number(n) (policy "possible"). A NumberParseException gives null e164, national and
country_code and accepted False. A null value gives an all-null row.
"""

from __future__ import annotations

import functools
import random
from typing import Any

import phonenumbers
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType

from leadprep._phone import normalize, normalize_one

REGIONS = ("US", "GB", "DE")
POLICIES = ("valid", "possible")
INTERNATIONAL_REGIONS = ("GB", "DE", "FR", "MX", "BR", "IN", "JP", "AU")
COLUMNS = ["e164", "national", "country_code", "accepted", "reason"]
COMPARED = ("e164", "national", "country_code", "accepted")

_FULL_WIDTH = str.maketrans("0123456789+", "０１２３４５６７８９＋")
_ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
_NUMBER_TYPES = (
    PhoneNumberType.FIXED_LINE,
    PhoneNumberType.MOBILE,
    PhoneNumberType.TOLL_FREE,
    PhoneNumberType.VOIP,
    PhoneNumberType.PREMIUM_RATE,
    PhoneNumberType.SHARED_COST,
    PhoneNumberType.PERSONAL_NUMBER,
    PhoneNumberType.UAN,
    PhoneNumberType.PAGER,
)
_FORMATS = (
    PhoneNumberFormat.NATIONAL,
    PhoneNumberFormat.INTERNATIONAL,
    PhoneNumberFormat.E164,
    PhoneNumberFormat.RFC3966,
)
_AREA_CODES = ("415", "212", "206", "973", "617", "512", "800", "888", "555", "123", "911", "201")
_JUNK = (
    "N/A", "", " ", "none", "None", "null", "#N/A", "-", "0", "12", "+", "++1", "+1",
    "tel:+14155550100", "tel:+1-415-555-0100;ext=12", "555-01OO", "555-0100", "unknown",
    "call me", "ann@example.com", "+44 (0) 20 7946 0958", "00 44 20 7946 0958",
    "011 44 20 7946 0958", "+1 (415) 555-0100 / 555-0101", "415 555 0100 or 415 555 0101",
    "0000000000", "1111111111", "+999 123 456", "+0 415 555 0100", "x123", "ext. 45",
    "1-800-FLOWERS", "1-800-GOT-JUNK", "(888) 555-CASH", "1 800 CALL ATT", "+1-800-MY-APPLE",
    "\u00a0415\u00a0555\u00a00100", "415\u2013555\u20130100", "(415)555-0100", "1.415.555.0100",
    "+１ ４１５ ５５５ ０１００", "４１５５５５０１００", "+49 (0)30 123456", "0049 30 123456",
    "+33 (0)1 23 45 67 89", "+" + "1" * 20, "9" * 30, "+1 415 555 0100" + " x" + "9" * 12,
)


def _us_number(rng: random.Random) -> str:
    area = rng.choice(_AREA_CODES)
    exchange = f"{rng.randint(0, 999):03d}" if rng.random() < 0.2 else str(rng.randint(200, 999))
    line = f"{rng.randint(0, 9999):04d}"
    style = rng.randrange(10)
    text = [
        f"({area}) {exchange}-{line}",
        f"{area}.{exchange}.{line}",
        f"+1 {area} {exchange} {line}",
        f"1-{area}-{exchange}-{line}",
        f"{area}{exchange}{line}",
        f"{area}-{exchange}-{line}",
        f"+1{area}{exchange}{line}",
        f"1 ({area}) {exchange}-{line}",
        f"{exchange}-{line}",
        f" {area} {exchange} {line} ",
    ][style]
    roll = rng.random()
    if roll < 0.15:
        text += f" x{rng.randint(1, 9999)}"
    elif roll < 0.25:
        text += f" ext. {rng.randint(1, 99)}"
    elif roll < 0.3:
        text += rng.choice([f" ext {rng.randint(1, 999)}", f"#{rng.randint(1, 99)}",
                            f";ext={rng.randint(1, 99)}", f" extension {rng.randint(1, 9)}"])
    return text


@functools.cache
def _examples() -> tuple[phonenumbers.PhoneNumber, ...]:
    found = []
    for region in INTERNATIONAL_REGIONS:
        for number_type in _NUMBER_TYPES:
            number = phonenumbers.example_number_for_type(region, number_type)
            if number is not None:
                found.append(number)
    return tuple(found)


def _international_number(rng: random.Random) -> str:
    example = _examples()[rng.randrange(len(_examples()))]
    digits = str(example.national_number)
    # Keep the leading digits (area / mobile prefix), vary the rest; sometimes a digit
    # more or less, so that some numbers are the wrong length.
    keep = rng.randint(1, max(1, len(digits) - 2))
    tail = "".join(rng.choice("0123456789") for _ in range(len(digits) - keep))
    tail = tail + rng.choice("0123456789") if rng.random() < 0.1 else tail
    tail = tail[:-1] if rng.random() < 0.1 else tail
    number = phonenumbers.PhoneNumber(
        country_code=example.country_code, national_number=int(digits[:keep] + tail)
    )
    text = phonenumbers.format_number(number, rng.choice(_FORMATS))
    if rng.random() < 0.1:
        text = text.replace("+", "00", 1) if text.startswith("+") else text
    return text


def _vanity(rng: random.Random) -> str:
    word = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(rng.randint(3, 8)))
    prefix = rng.choice(["1-800-", "1 888 ", "+1 877 ", "(415) ", "800-", "1-800-555-"])
    return prefix + (word.lower() if rng.random() < 0.3 else word)


def _random_digits(rng: random.Random) -> str:
    digits = [rng.choice("0123456789") for _ in range(rng.randint(1, 17))]
    out = []
    for digit in digits:
        if rng.random() < 0.25:
            out.append(rng.choice(" -.()/+"))
        out.append(digit)
    text = "".join(out)
    return ("+" + text) if rng.random() < 0.2 else text


def _generate(count: int, seed: int = 20_240_611) -> list[str | None]:
    rng = random.Random(seed)
    values: list[str | None] = []
    while len(values) < count:
        kind = rng.random()
        value: str | None
        if kind < 0.3:
            value = _us_number(rng)
        elif kind < 0.55:
            value = _international_number(rng)
        elif kind < 0.75:
            value = _random_digits(rng)
        elif kind < 0.82:
            value = _vanity(rng)
        elif kind < 0.9:
            value = rng.choice(_JUNK)
        elif kind < 0.97 and values:
            value = rng.choice(values)  # repeats: normalize answers each distinct value once
        else:
            value = None
        if value is not None and rng.random() < 0.06:
            value = value.translate(_FULL_WIDTH)
        elif value is not None and rng.random() < 0.02:
            value = value.translate(_ARABIC_INDIC)
        values.append(value)
    return values


_VALUES = _generate(12_000)


def _expected(value: str | None, region: str, policy: str) -> dict[str, Any]:
    """What phonenumbers itself says, called directly."""
    if value is None:
        return dict.fromkeys(COMPARED)
    try:
        number = phonenumbers.parse(value, region)
    except NumberParseException:
        return {"e164": None, "national": None, "country_code": None, "accepted": False}
    check = phonenumbers.is_valid_number if policy == "valid" else phonenumbers.is_possible_number
    return {
        "e164": phonenumbers.format_number(number, PhoneNumberFormat.E164),
        "national": phonenumbers.national_significant_number(number),
        "country_code": number.country_code,
        "accepted": check(number),
    }


def _mismatches(values: list[str | None], region: str, policy: str) -> list[str]:
    result = normalize(pl.Series("phone", values, dtype=pl.String), region, policy)  # type: ignore[arg-type]
    assert result.columns == COLUMNS
    assert result.height == len(values)
    assert result.schema["country_code"] == pl.Int32
    assert result.schema["accepted"] == pl.Boolean
    problems = []
    for index, (value, got) in enumerate(zip(values, result.iter_rows(named=True), strict=True)):
        want = _expected(value, region, policy)
        actual = {name: got[name] for name in COMPARED}
        if actual != want:
            problems.append(f"[{index}] {value!r}: expected {want}, got {actual}")
        elif value is None and got["reason"] is not None:
            problems.append(f"[{index}] None: reason {got['reason']!r} for a null value")
        elif value is not None and (got["reason"] is None) != bool(got["accepted"]):
            problems.append(f"[{index}] {value!r}: accepted={got['accepted']} but "
                            f"reason={got['reason']!r}")
    return problems


def _report(problems: list[str], total: int) -> str:
    return f"{len(problems)} of {total} values differ; first ones:\n" + "\n".join(problems[:10])


def test_generated_values_cover_the_kinds_of_input_asked_for() -> None:
    texts = [v for v in _VALUES if v is not None]
    assert len(_VALUES) >= 10_000
    assert len(set(texts)) > 5_000
    assert None in _VALUES
    assert any(" x" in v for v in texts) and any(" ext. " in v for v in texts)
    assert any(v.startswith("+44") for v in texts) and any(v.startswith("+81") for v in texts)
    assert any("０" in v or "１" in v for v in texts)
    assert any("FLOWERS" in v for v in texts)
    assert "" in texts and "N/A" in texts and "tel:+14155550100" in texts


@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("region", REGIONS)
def test_normalize_equals_phonenumbers_for_generated_values(region: str, policy: str) -> None:
    problems = _mismatches(_VALUES, region, policy)
    assert not problems, _report(problems, len(_VALUES))


@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("region", REGIONS)
def test_normalize_one_equals_phonenumbers_for_generated_values(region: str, policy: str) -> None:
    problems = []
    for value in dict.fromkeys(v for v in _VALUES[:3000] if v is not None):
        e164, national, code, accepted, reason = normalize_one(value, region, policy)  # type: ignore[arg-type]
        got = {"e164": e164, "national": national, "country_code": code, "accepted": accepted}
        want = _expected(value, region, policy)
        if got != want or (reason is None) != accepted:
            problems.append(f"{value!r}: expected {want}, got {got}, reason {reason!r}")
    assert not problems, _report(problems, 3000)


@pytest.mark.parametrize("values", [[], [None], [None, None, None]], ids=["empty", "one-null",
                                                                           "all-null"])
def test_normalize_keeps_one_all_null_row_per_null_value(values: list[str | None]) -> None:
    result = normalize(pl.Series("phone", values, dtype=pl.String), "US", "valid")
    assert result.columns == COLUMNS
    assert result.height == len(values)
    assert all(all(cell is None for cell in row) for row in result.rows())


_ALPHABET = st.sampled_from(
    list("0123456789") * 3 + list(" +()-./x*#") * 2 + list("abcdefghijklmnopqrstuvwxyzEXT")
    + list("０１２３４５６７８９＋")
)


@settings(max_examples=150, deadline=None)
@given(
    values=st.lists(st.none() | st.text(alphabet=_ALPHABET, max_size=24), max_size=12),
    region=st.sampled_from(REGIONS),
    policy=st.sampled_from(POLICIES),
)
def test_normalize_equals_phonenumbers_for_random_strings(
    values: list[str | None], region: str, policy: str
) -> None:
    # A list per example (with repeats and nulls) exercises the per-distinct-value join too.
    values = values + values[: len(values) // 2]
    problems = _mismatches(values, region, policy)
    assert not problems, _report(problems, len(values))


def test_a_column_split_across_threads_answers_like_one_piece(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """normalize() slices large columns for threads; positions must come back in order."""
    import leadprep._phone as phone

    rng = random.Random(7)
    values = pl.Series([
        rng.choice(["(415) 555-01", "+44 20 7946 0", "N/A ", "1-800-FLOWERS "]) + f"{i % 100:02d}"
        if i % 9 else None
        for i in range(2_000)
    ])
    whole = normalize(values, "US", "valid")
    monkeypatch.setattr(phone, "PART_SIZE", 300)
    monkeypatch.setattr(phone, "MAX_PART", 400)  # six slices, three rounds on two threads
    assert normalize(values, "US", "valid").equals(whole)
