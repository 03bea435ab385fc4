"""The columnar phone engine gives exactly `normalize_one`'s answers, value by value.

`normalize()` answers the usual shapes with polars expressions (`leadprep._phone_fast`) and
hands the rest to phonenumbers; `normalize_one` calls phonenumbers directly. All five fields
(e164, national, country_code, accepted, reason) must agree for every value, default region
and policy. The inputs are built to go through the columnar path (digits and punctuation, a
leading + or an international dialling prefix, national prefixes, common extensions), and the
tests check that they do, so a regression that silently falls back to phonenumbers everywhere
is caught too.

1. every example number of the metadata (every region and type, the non-geographic codes and
   the invalid examples), spelled some thirty ways, read from the regions of its own calling
   code and from a fixed set of other regions;
2. Hypothesis properties over free-form strings and structured numbers;
3. a seeded corpus of over a million values over all regions (marked slow).

The engine costs about 13 ms a call plus 6 ms per distinct calling code in it, so the default
suite reads each region once or twice and keeps the calling codes of a call few; the slow
tests read everything.
"""

from __future__ import annotations

import functools
import itertools
import random
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence

import phonenumbers
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from phonenumbers import PhoneMetadata, PhoneNumber, PhoneNumberFormat, PhoneNumberType
from phonenumbers.phonenumberutil import COUNTRY_CODE_TO_REGION_CODE

import leadprep._phone
from leadprep._phone import normalize, normalize_one
from leadprep._phone_fast import columnar_answers

POLICIES = ("valid", "possible")
REGIONS = tuple(sorted(phonenumbers.SUPPORTED_REGIONS))
CALLING_CODES = tuple(sorted(COUNTRY_CODE_TO_REGION_CODE))
# Default regions every example number is also read from: big markets, IDD and national-prefix
# oddities (RU/KZ "8" and "810", IT/SM/CI leading zeros, AU "0011", KR/BR/CO carrier IDDs,
# HU "06", BY "80", LT "8"), shared calling codes (CA, KZ, VA, GG, SJ) and regions with
# national-prefix transform rules (AR, BR, JP, SM, GA).
FIXED_REGIONS = (
    "US", "GB", "DE", "CA", "FR", "IN", "AU", "BR", "JP", "MX", "AR", "RU", "KZ", "IT", "CI",
    "SM", "CN", "HU", "BY", "KR", "NZ", "SG", "CO", "UZ", "VA", "GG", "SJ", "FI", "TW", "IL",
    "CL", "ID", "AT", "CH", "NL", "ES", "PL", "ZA", "NG", "EG", "PH", "VN", "LT", "GA", "LU",
)
# The default suite reads these under both policies, the other regions under one.
BOTH_POLICIES = ("US", "GB", "DE", "IN", "RU", "IT")
NUMBER_TYPES = tuple(sorted(
    value for name, value in vars(PhoneNumberType).items()
    if name.isupper() and isinstance(value, int)
))
EXTENSIONS = (" x12", " ext. 12", " extension 1234", "x7", " EXT 345", " ext:9", " x 12#",
              " Ext.-5", "\u00a0x99")
Row = tuple[str | None, str | None, int | None, bool | None, str | None]
Mismatch = tuple[str | None, str, str, Row, Row]


# --- comparing the engine with the reference ---------------------------------------------


def _reference(value: str | None, region: str, policy: str) -> Row:
    if value is None:
        return (None, None, None, None, None)
    return normalize_one(value, region, policy)  # type: ignore[arg-type]


def mismatches(values: Iterable[str | None], region: str, policy: str) -> list[Mismatch]:
    """Every value whose normalize() row differs from normalize_one's, one engine call for
    the lot (repeats and nulls included: normalize answers each distinct value once and
    joins the answers back)."""
    values = list(values)
    result = normalize(pl.Series("phone", values, dtype=pl.String), region, policy)  # type: ignore[arg-type]
    assert result.columns == ["e164", "national", "country_code", "accepted", "reason"]
    assert result.height == len(values)
    found: dict[str | None, Mismatch] = {}
    reference: dict[str | None, Row] = {}
    for value, got in zip(values, result.rows(), strict=True):
        if value not in reference:
            reference[value] = _reference(value, region, policy)
        if got != reference[value]:
            found.setdefault(value, (value, region, policy, got, reference[value]))
    return list(found.values())


def report(found: Sequence[Mismatch], compared: int) -> str:
    lines = [f"{len(found)} of {compared} (value, region, policy) differ:"]
    lines += [f"  {value!r} region={region} policy={policy}\n      engine    {got}\n"
              f"      reference {want}" for value, region, policy, got, want in found]
    return "\n".join(lines)


class ColumnarSpy:
    """Wraps the columnar_answers that normalize() calls, to see which values it settled."""

    def __init__(self) -> None:
        self.settled: dict[str, set[str]] = {}
        self.wrapped = columnar_answers

    def __call__(self, values: pl.Series, region: str, policy: str) -> tuple[pl.DataFrame,
                                                                            pl.Series]:
        settled, left = self.wrapped(values, region, policy)
        answered = values.filter(settled["accepted"].is_not_null())
        self.settled.setdefault(region, set()).update(answered.to_list())
        return settled, left


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> Iterator[ColumnarSpy]:
    watcher = ColumnarSpy()
    monkeypatch.setattr(leadprep._phone, "columnar_answers", watcher)
    yield watcher


def _transform_region(region: str) -> bool:
    meta = PhoneMetadata.metadata_for_region(region, None)
    return bool(meta and meta.national_prefix_transform_rule)


def _simple_shaped(value: str) -> bool:
    """Spellings meant for the columnar path: all but tel: URIs and tabs, which phonenumbers
    answers itself."""
    return not value.startswith(("tel:", "\t"))


def columnar_share(spy: ColumnarSpy, by_region: dict[str, Sequence[str]]) -> tuple[int, int]:
    """(settled by the columnar path, simple-shaped) over the values read outside the
    regions with transform rules, which the engine leaves to phonenumbers."""
    settled = simple = 0
    for region, values in by_region.items():
        if _transform_region(region):
            continue
        shaped = {v for v in values if _simple_shaped(v)}
        simple += len(shaped)
        settled += len(shaped & spy.settled.get(region, set()))
    return settled, simple


# --- example numbers and their spellings --------------------------------------------------


@functools.cache
def example_numbers() -> tuple[tuple[str, PhoneNumber], ...]:
    """(region of the example, number) for every example in the metadata, "001" for the
    non-geographic calling codes."""
    found: list[tuple[str, PhoneNumber]] = []
    for region in REGIONS:
        for number_type in NUMBER_TYPES:
            number = phonenumbers.example_number_for_type(region, number_type)
            if number is not None:
                found.append((region, number))
        invalid = phonenumbers.invalid_example_number(region)
        if invalid is not None:
            found.append((region, invalid))
    for code in sorted(phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS):
        number = phonenumbers.example_number_for_non_geo_entity(code)
        if number is not None:
            found.append(("001", number))
    unique: dict[tuple[str, int, str], tuple[str, PhoneNumber]] = {}
    for region, number in found:
        key = (region, number.country_code, phonenumbers.national_significant_number(number))
        unique.setdefault(key, (region, number))
    return tuple(unique.values())


@functools.cache
def example_nsns() -> dict[int, tuple[str, ...]]:
    """Calling code -> national significant numbers of its examples."""
    by_code: dict[int, dict[str, None]] = {}
    for _region, number in example_numbers():
        nsn = phonenumbers.national_significant_number(number)
        by_code.setdefault(number.country_code, {})[nsn] = None
    return {code: tuple(nsns) for code, nsns in by_code.items()}


@functools.cache
def dialling_prefix(region: str) -> str | None:
    """A prefix that region's international_prefix pattern accepts (its preferred one if any,
    else the first by length and value)."""
    meta = PhoneMetadata.metadata_for_region(region, None)
    if meta is None or not meta.international_prefix:
        return None
    preferred = (meta.preferred_international_prefix or "").replace("~", "")
    pattern = re.compile(meta.international_prefix)
    if preferred and pattern.fullmatch(preferred):
        return preferred
    for width in range(1, 7):
        for digits in itertools.product("0123456789", repeat=width):
            candidate = "".join(digits)
            if pattern.fullmatch(candidate):
                return candidate
    return None


@functools.cache
def _region_free_spellings(code: int, nsn: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(spellings with a +, spellings without) of a number, which do not depend on the region
    it is read from."""
    number = PhoneNumber(country_code=code, national_number=int(nsn))
    if len(nsn) > 1 and nsn.startswith("0"):
        number.italian_leading_zero = True
        number.number_of_leading_zeros = min(len(nsn) - len(nsn.lstrip("0")), len(nsn) - 1)
    assert phonenumbers.national_significant_number(number) == nsn
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    international = phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
    national = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    national_digits = re.sub(r"\D", "", national)
    rest = international.split(" ", 1)[1] if " " in international else nsn
    plus = [
        e164, international, phonenumbers.format_number(number, PhoneNumberFormat.RFC3966),
        f"+{code} (0){rest}", f"+{code}-{rest.replace(' ', '-')}",
        f"+{code}.{rest.replace(' ', '.')}", international.replace(" ", "\u00a0"),
        international.replace(" ", "\u2010"), international.replace(" ", " / "),
        f"+ {code} {rest}", f"\t{e164}", f"({e164})", f"+({code}) {rest}",
        e164 + " x12", international + " ext. 12", e164 + " EXT 345", international + " x 12#",
        international + "\u00a0x99",
    ]
    without = [
        national, national_digits, nsn, f"{code}{nsn}", f"{code} {rest}",
        f"({national_digits[:3]}) {national_digits[3:]}", national.replace(" ", "\u2013"),
        f" {national} ", national + " extension 1234", national_digits + "x7",
        national + " ext:9", f"{national_digits}-", national.replace(" ", "\u2015") + " Ext.-5",
    ]
    return tuple(dict.fromkeys(plus)), tuple(dict.fromkeys(without))


def spellings(code: int, nsn: str, default_region: str, plus: bool = True) -> list[str]:
    """The ways a lead file writes a number, as typed in `default_region` (with its
    international dialling prefix, and with 00); `plus=False` leaves out the spellings with
    a +, which read the same from every region."""
    with_plus, without = _region_free_spellings(code, nsn)
    out = [*(with_plus if plus else ()), *without]
    rest = with_plus[1].split(" ", 1)[1] if " " in with_plus[1] else nsn
    for idd in dict.fromkeys(p for p in (dialling_prefix(default_region), "00") if p):
        out += [f"{idd} {code} {rest}", f"{idd}{code}{nsn}", f"{idd}-{code}-{nsn} x55"]
    return out


# --- 1. every example number ---------------------------------------------------------------


def _regions_of_code(code: int) -> tuple[str, ...]:
    return tuple(r for r in COUNTRY_CODE_TO_REGION_CODE[code] if r != "001")


@functools.cache
def example_readings(full: bool) -> dict[str, tuple[str, ...]]:
    """Default region -> spellings of example numbers read there.

    Full: every spelling of every example from every region of its calling code and from
    every region of FIXED_REGIONS. Otherwise (the default suite, which must stay fast) a
    deterministic share of that: all spellings from the example's own region, every other
    one without a + from one more region of its calling code, and every other one from one
    region of FIXED_REGIONS, rotating with the calling code."""
    readings: dict[str, dict[str, None]] = {}
    for turn, (region, number) in enumerate(example_numbers(), 1):
        code = number.country_code
        nsn = phonenumbers.national_significant_number(number)
        own = _regions_of_code(code)
        # region -> (with the + spellings, every nth spelling)
        plan: dict[str, tuple[bool, int]]
        if full:
            plan = {r: (True, 1) for r in (*own, *FIXED_REGIONS)}
        else:
            home = region if region != "001" else FIXED_REGIONS[turn % 7]
            others = [r for r in own if r != home] * 2
            start = turn % max(1, len(others) // 2)
            rotating = FIXED_REGIONS[CALLING_CODES.index(code) % len(FIXED_REGIONS)]
            plan = {home: (True, 1), **dict.fromkeys(others[start:start + 1], (False, 2)),
                    rotating: (True, 2)}
        for default, (plus, step) in plan.items():
            texts = spellings(code, nsn, default, plus)[turn % step::step]
            readings.setdefault(default, {}).update(dict.fromkeys(texts))
    return {region: tuple(values) for region, values in readings.items()}


def _policies(region: str, full: bool) -> tuple[str, ...]:
    if full or region in BOTH_POLICIES:
        return POLICIES
    return (POLICIES[REGIONS.index(region) % 2],)


def _check_examples(full: bool, spy: ColumnarSpy) -> None:
    by_region = example_readings(full)
    found: list[Mismatch] = []
    compared = 0
    start = time.perf_counter()
    for region, texts in by_region.items():
        for policy in _policies(region, full):
            found += mismatches(texts, region, policy)
            compared += len(texts)
    settled, simple = columnar_share(spy, by_region)
    print(f"\n{compared} (example spelling, region, policy) from {len(by_region)} regions: "
          f"{len(found)} mismatches; {settled / simple:.1%} of {simple} simple-shaped values "
          f"(outside transform-rule regions) settled by the columnar path; "
          f"{time.perf_counter() - start:.1f} s")
    assert not found, report(found, compared)
    # What is left to phonenumbers is numbers of calling codes whose main region has a
    # national-prefix transform rule (JP, BR, AR, SM, MG, GA, NF, ...): under 1%.
    assert settled / simple >= 0.95, f"only {settled} of {simple} took the columnar path"


def test_every_example_number_in_every_spelling(spy: ColumnarSpy) -> None:
    _check_examples(False, spy)


@pytest.mark.slow
def test_every_example_number_from_every_fixed_region(spy: ColumnarSpy) -> None:
    readings = example_readings(True)
    _assert_readings_cover(readings)
    assert any(t.startswith("011 44 ") for t in readings["US"])
    assert any(t.startswith("00 1 ") for t in readings["GB"])
    assert sum(len(v) for v in readings.values()) > 1_000_000
    _check_examples(True, spy)


@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("region", ["US", "GB"])
def test_a_column_in_parts_matches_the_reference(monkeypatch: pytest.MonkeyPatch, region: str,
                                                 policy: str) -> None:
    """normalize() may split a long column into parts answered on threads; small parts here
    (the real ones are hundreds of thousands of values), with repeats and nulls at both ends
    and in between."""
    monkeypatch.setattr(leadprep._phone, "PART_SIZE", 97)
    monkeypatch.setattr(leadprep._phone, "MAX_PART", 150)
    texts = list(example_readings(False)[region])
    values: list[str | None] = [None, *texts[:700], None, None, *texts[:300], *texts[700:],
                                *texts[::-1][:200], None]
    _assert_same(values, region, policy)


def test_examples_cover_every_region_type_and_non_geo_code() -> None:
    numbers = example_numbers()
    assert {region for region, _ in numbers} >= set(REGIONS) | {"001"}
    codes = {number.country_code for _, number in numbers}
    assert codes >= set(phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS)
    assert codes == set(CALLING_CODES)
    assert len(numbers) > 1_300
    assert any(nsn.startswith("0") for nsn in example_nsns()[39])  # Italian leading zeros
    # The brute-forced dialling prefixes are real ones for their regions.
    assert dialling_prefix("US") == "011" and dialling_prefix("GB") == "00"
    assert dialling_prefix("AU") == "0011" and dialling_prefix("RU") == "810"
    assert all(dialling_prefix(region) for region in ("BR", "KR", "CO", "SG", "TW"))
    readings = example_readings(False)
    _assert_readings_cover(readings)
    assert sum(len(v) for v in readings.values()) > 50_000


def _assert_readings_cover(readings: dict[str, tuple[str, ...]]) -> None:
    assert set(readings) >= set(REGIONS)
    assert any(t.startswith("011 ") for t in readings["US"])
    assert any(t.startswith("00 ") for t in readings["GB"])
    assert any(t.startswith("810 ") for t in readings["RU"])
    us = readings["US"]
    assert any(" extension 1234" in t for t in us) and any("\u00a0" in t for t in us)


# --- 2. Hypothesis ---------------------------------------------------------------------------

DASHES = "".join(chr(c) for c in range(0x2010, 0x2016))
FULL_WIDTH = "０１２３４５６７８９"
# Every other character phonenumbers skips inside a number (soft hyphen, zero-width spaces,
# minus sign, katakana long mark, ideographic space, full-width - . / ( ) [ ], swung dashes),
# and the full-width plus and tilde.
RARE_PUNCTUATION = ("\u00ad\u200b\u2060\u2212\u30fc\u3000\uff0d\uff0e\uff0f\uff08\uff09[]"
                    "\uff3b\uff3d\u2053\u223c\uff0b\uff5e")
CHARS = (list("0123456789") * 6 + list(" -.()/+") * 2 + list("\u00a0" + DASHES + FULL_WIDTH)
         + list(RARE_PUNCTUATION) + list("abcxyzEXTxX#~*\t_,;:=")
         + ["ext", "ext. ", " x", "tel:", "+"])
IDD_PREFIXES = ("00", "011", "810", "0011", "8~10", "001", "010", "0", "000", "99")
NATIONAL_PREFIXES = ("0", "1", "8", "06", "80", "01", "00", "")
PUNCTUATION = (" ", "-", ".", "/", "(", ")", "\u00a0", "\u2013", "\u2010", "", "", "", " - ",
               ") ", " (", "\u2015", ". ", *RARE_PUNCTUATION[:-2])
JUNK = ("", "", "", " ", "tel:", "Tel: ", "phone ", "(", "*", "#", "x", ".", "+", "++", "\t",
        "_", "~", "N/A ", " - ", "\u00a0")
EXTENSION_TAILS = ("",) * 8 + EXTENSIONS + (
    " x", " #2", ",,3", ";ext=4", " ~5", "*2", " , 6", " xt 7", " extn 8", " x123456789",
    " x1234567890", " ext 12345678901234567890", " ext 123456789012345678901", " x12 ",
    "x 1#2", " ext.\u00a01", " EXTENSION:- 3", " \u00a0x4", " \uff58 5")
digit_text = st.text(alphabet="0123456789", max_size=20)


def _heads(code: int) -> list[str]:
    """What comes before the national digits: a + and the code, an IDD and the code, the code
    alone, a national prefix, or nothing."""
    return [f"+{code}", f"+{code} ", f"+ {code}", f"(+{code})", f"+({code})", f"+{code}-",
            *(f"{idd}{sep}{code}{sep}" for idd in IDD_PREFIXES for sep in ("", " ")),
            f"{code}", f"{code} ", *NATIONAL_PREFIXES, *(f"{p} " for p in NATIONAL_PREFIXES)]


@st.composite
def nsn_digits(draw: st.DrawFn, code: int) -> str:
    """National digits: an example of the code as is or one edit away, or random digits."""
    examples = example_nsns().get(code, ())
    if not examples or draw(st.integers(0, 3)) == 0:
        return draw(digit_text)
    nsn = draw(st.sampled_from(examples))
    edit = draw(st.sampled_from(("keep", "keep", "change", "add", "drop", "tail", "double")))
    at = draw(st.integers(0, max(0, len(nsn) - 1)))
    digit = draw(st.sampled_from("0123456789"))
    if edit == "change":
        return nsn[:at] + digit + nsn[at + 1:]
    if edit == "add":
        return nsn[:at] + digit + nsn[at:]
    if edit == "drop":
        return nsn[:at] + nsn[at + 1:]
    if edit == "tail":
        return nsn[:at] + draw(digit_text)
    return nsn + nsn if edit == "double" else nsn


@st.composite
def written_number(draw: st.DrawFn, code: int) -> str:
    """A number of `code` as a lead file writes it, grouped by random punctuation."""
    head = draw(st.sampled_from(_heads(code)))
    nsn = draw(nsn_digits(code))
    cuts = sorted(draw(st.lists(st.integers(0, len(nsn)), max_size=4)))
    pieces = [nsn[a:b] for a, b in itertools.pairwise([0, *cuts, len(nsn)])]
    separators = draw(st.lists(st.sampled_from(PUNCTUATION), min_size=len(pieces),
                               max_size=len(pieces)))
    body = "".join(s + p for s, p in zip(separators, pieces, strict=True))
    tail = draw(st.sampled_from(EXTENSION_TAILS))
    if draw(st.integers(0, 9)) == 0:
        return draw(st.sampled_from(JUNK)) + head + body + tail + draw(st.sampled_from(JUNK))
    return head + body + tail


freeform_text = st.lists(st.sampled_from(CHARS), max_size=25).map("".join)
decorated_text = st.builds(
    lambda junk1, idd, nat, body, ext, junk2: junk1 + idd + nat + body + ext + junk2,
    st.sampled_from(JUNK),
    st.sampled_from(("", "", "+", "tel:+", *IDD_PREFIXES)),
    st.sampled_from(NATIONAL_PREFIXES),
    st.text(alphabet=st.sampled_from(list("0123456789") * 4 + list(" -.()/\u00a0" + DASHES)),
            max_size=22),
    st.sampled_from(EXTENSION_TAILS),
    st.sampled_from(JUNK),
)
region_strategy = st.sampled_from(REGIONS)
policy_strategy = st.sampled_from(POLICIES)
# A code per example, not per value: each distinct calling code costs the engine a pass.
code_strategy = st.sampled_from(CALLING_CODES) | st.integers(0, 999)
_SETTINGS = settings(max_examples=200, deadline=None,
                     suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _assert_same(values: list[str | None], region: str, policy: str) -> None:
    found = mismatches(values, region, policy)
    assert not found, report(found, len(values))


def _padded(text: str, width: int, how: int) -> str:
    """text padded to around phonenumbers' 250-character input limit."""
    return (text.rjust(width), text.ljust(width, "\u00a0"), text.center(width, "\u2013"),
            (text + " ") * 20, text)[how]


@_SETTINGS
@given(values=st.lists(st.tuples(freeform_text | decorated_text,
                                 st.sampled_from((248, 249, 250, 251, 252, 300)),
                                 st.sampled_from((4,) * 12 + (0, 1, 2, 3))),
                       min_size=1, max_size=15),
       region=region_strategy, policy=policy_strategy)
def test_random_strings_match_the_reference(values: list[tuple[str, int, int]], region: str,
                                            policy: str) -> None:
    """Free-form strings, and decorated digit runs, some padded to around 250 characters."""
    texts = [_padded(*v) for v in values]
    _assert_same([None, *texts, None, *texts[: len(texts) // 2], None], region, policy)


@_SETTINGS
@given(data=st.data(), code=code_strategy, region=region_strategy, policy=policy_strategy)
def test_written_numbers_match_the_reference(data: st.DataObject, code: int, region: str,
                                             policy: str) -> None:
    """Numbers of one calling code (sometimes the region's own) written every which way."""
    if data.draw(st.booleans()):
        code = PhoneMetadata.metadata_for_region(region).country_code
    values = data.draw(st.lists(written_number(code), min_size=1, max_size=6))
    _assert_same(values, region, policy)


@_SETTINGS
@given(code=code_strategy, digits=digit_text,
       lead=st.sampled_from(("+", "", "00", "011", "810", "0011", "0", "8", "1", "+0", "+ ",
                             "+00", "(+", "tel:+")),
       separator=st.sampled_from(PUNCTUATION), region=region_strategy, policy=policy_strategy)
def test_code_and_digits_match_the_reference(code: int, digits: str, lead: str, separator: str,
                                             region: str, policy: str) -> None:
    half = len(digits) // 2
    values = [f"{lead}{code}{digits}",
              f"{lead}{code}{separator}{digits[:half]}{separator}{digits[half:]}",
              f"{lead}{digits}", digits, f"{code}{digits} x1", f"{lead}{code}{digits}" * 2]
    _assert_same(values, region, policy)


# --- 3. a seeded corpus of a million values --------------------------------------------------


def _grouped(digits: str, rng: random.Random) -> str:
    """digits with random punctuation between random-sized groups."""
    out: list[str] = []
    i = 0
    while i < len(digits):
        step = rng.randint(1, 5)
        out.append(digits[i:i + step])
        i += step
        if i < len(digits):
            out.append(rng.choice(PUNCTUATION))
    return "".join(out)


def _some_nsn(rng: random.Random, code: int) -> str:
    """An example's national number as is or one edit away, or random digits."""
    examples = example_nsns().get(code, ())
    if not examples or rng.random() < 0.25:
        return "".join(rng.choice("0123456789") for _ in range(rng.randint(0, 19)))
    nsn = rng.choice(examples)
    at = rng.randrange(len(nsn))
    edit = rng.random()
    if edit < 0.2:
        return nsn[:at] + rng.choice("0123456789") + nsn[at + 1:]
    if edit < 0.3:
        return nsn[:at] + rng.choice("0123456789") + nsn[at:]
    if edit < 0.4:
        return nsn[:at] + nsn[at + 1:]
    if edit < 0.5:
        return nsn[:at] + "".join(rng.choice("0123456789") for _ in range(rng.randint(0, 9)))
    return nsn


def corpus_value(rng: random.Random, region: str) -> str:
    """One value read in `region`: a number of the region's own calling code or another
    one's, written as lead files write them; or free-form characters; or a spelling of an
    example number."""
    own = PhoneMetadata.metadata_for_region(region).country_code
    roll = rng.random()
    if roll < 0.08:
        code = rng.choice(CALLING_CODES)
        nsn = rng.choice(example_nsns()[code])
        return rng.choice(spellings(code, nsn, region))
    if roll < 0.22:
        return "".join(rng.choice(CHARS) for _ in range(rng.randint(0, 25)))
    code = own if roll < 0.6 else rng.choice(CALLING_CODES) if roll < 0.97 else rng.randint(
        0, 999)
    text = rng.choice(_heads(code)) + rng.choice(PUNCTUATION) + _grouped(_some_nsn(rng, code),
                                                                         rng)
    text += rng.choice(EXTENSION_TAILS)
    if rng.random() < 0.08:
        text = rng.choice(JUNK) + text + rng.choice(JUNK)
    if rng.random() < 0.005:
        text = text.rjust(rng.choice((249, 250, 251, 300)))
    return text


def corpus(count: int, seed: int = 20_250_101) -> dict[str, list[str]]:
    """`count` values spread over every supported region (default region -> values)."""
    rng = random.Random(seed)
    share, extra = divmod(count, len(REGIONS))
    return {region: [corpus_value(rng, region) for _ in range(share + (i < extra))]
            for i, region in enumerate(REGIONS)}


def test_corpus_makes_the_shapes_asked_for() -> None:
    values = [v for vs in corpus(10_000, seed=7).values() for v in vs]
    assert len(values) == 10_000
    assert any(len(v) > 250 for v in values) and any(len(v) == 250 for v in values)
    assert any(v.startswith("+") for v in values) and any(v.startswith("00") for v in values)
    assert any(v.startswith("tel:") for v in values) and any("\u00a0" in v for v in values)
    assert any(" ext. 12" in v for v in values) and any(c in v for v in values for c in DASHES)
    assert any(c in v for v in values for c in FULL_WIDTH)
    assert any(v.startswith("810") for v in values) and any(v.startswith("0011") for v in values)
    assert len(set(values)) > 7_500


PLAIN = re.compile(r"^[ ().\-/\u00a0\u2010-\u2015]*\+?[0-9 ().\-/\u00a0\u2010-\u2015]*"
                   r"(?:(?:x|ext\.?|extension|EXT|Ext\.-|ext:) ?[0-9]{1,9})?$")


def _check_corpus(count: int, spy: ColumnarSpy, progress: Callable[[str], None]) -> None:
    start = time.perf_counter()
    by_region = corpus(count)
    built = time.perf_counter()
    found: list[Mismatch] = []
    compared = 0
    for index, (region, values) in enumerate(by_region.items()):
        policy = POLICIES[index % 2]
        found += mismatches(values, region, policy)
        compared += len(set(values))
        if index % 50 == 49:
            progress(f"{index + 1} regions, {compared} values, {len(found)} mismatches, "
                     f"{time.perf_counter() - start:.0f} s")
    total = sum(len(v) for v in by_region.values())
    settled = sum(len(spy.settled.get(region, ())) for region in by_region)
    plain = sum(len({v for v in vs if PLAIN.match(v)}) for vs in by_region.values())
    plain_settled = sum(len({v for v in vs if PLAIN.match(v)} & spy.settled.get(region, set()))
                        for region, vs in by_region.items())
    print(f"\n{total} values ({compared} distinct per region) over {len(by_region)} regions, "
          f"policies alternating by region: {len(found)} mismatches; the columnar path "
          f"settled {settled / compared:.1%} of them and {plain_settled / plain:.1%} of the "
          f"{plain} plain ones (digits, punctuation, a leading +, an x/ext extension); corpus "
          f"built in {built - start:.0f} s, compared in {time.perf_counter() - built:.0f} s")
    assert total >= count
    assert not found, report(found[:500], compared)
    assert plain_settled / plain >= 0.8, f"only {plain_settled} of {plain} took the columnar path"


@pytest.mark.slow
def test_a_million_generated_values_match_the_reference(spy: ColumnarSpy) -> None:
    _check_corpus(1_000_000, spy, lambda line: print(line, flush=True))


@pytest.mark.slow
@pytest.mark.parametrize(("region", "policy"), [("US", "valid"), ("DE", "possible")])
def test_one_long_column_matches_the_reference(region: str, policy: str) -> None:
    """600,000 values read in one region in one call, long enough for normalize() to split
    the column into parts on threads."""
    pooled = [v for values in corpus(600_000, seed=region == "US").values() for v in values]
    start = time.perf_counter()
    found = mismatches(pooled, region, policy)
    print(f"\n{len(pooled)} values in one column, {region} {policy}: {len(found)} mismatches, "
          f"{time.perf_counter() - start:.0f} s")
    assert not found, report(found[:500], len(pooled))


# --- the engine's shortcuts are taken, and agree with what they replace -------------------


def test_the_home_lane_answers_the_usual_spellings_of_home_numbers() -> None:
    """Every comparison above would still pass if the lane silently took nothing (the replay
    answers the same), only slower: the usual spellings of valid home numbers must be
    answered by the lane itself."""
    from leadprep._phone_fast import _split
    from leadprep._phone_meta import region_meta

    us = phonenumbers.national_significant_number(phonenumbers.example_number("US"))
    gb = phonenumbers.national_significant_number(phonenumbers.example_number_for_type(
        "GB", PhoneNumberType.MOBILE))
    spellings = {
        "US": [us, f"+1{us}", f"1{us}", f"({us[:3]}) {us[3:6]}-{us[6:]}",
               f"1-{us[:3]}-{us[3:6]}-{us[6:]}", f"+1 {us[:3]}.{us[3:6]}.{us[6:]}"],
        "GB": [f"+44{gb}", f"+44 {gb[:4]} {gb[4:]}"],
    }
    for region, values in spellings.items():
        answers, rest, others = _split(pl.Series(values), region_meta(region))
        assert answers["accepted"].to_list() == [True] * len(values), (region, rest)
        assert rest.is_empty() and others.is_empty()
        _assert_same(values, region, "valid")  # type: ignore[arg-type]


# The capturing pattern the engine used to split extensions with.
_CAPTURING_EXTENSION = (
    r"(?i)^(?P<number>[^xX#]*?[0-9])[ \u00a0]*"
    r"(?:x[:.]?[ \u00a0\-]*[0-9]{1,9}|ext(?:ension|n)?[:.]?[ \u00a0\-]*[0-9]{1,20})"
    r"#?[ \u00a0]*$")


@_SETTINGS
@given(values=st.lists(st.lists(st.sampled_from(
    [*"0123456789", *" \u00a0xXeEtTnsio#-.:+()\u017f", "ext", "extension", "extn", " x",
     " ext. ", "x1", "12", "555"]), max_size=14).map("".join), min_size=1, max_size=50))
def test_extensions_split_like_the_capturing_pattern(values: list[str]) -> None:
    """_shape_others splits an extension off with a contains and a replace; the number it
    leaves differs from the capturing pattern's only where it keeps an x or a #, which no
    simple value has."""
    from leadprep._phone_fast import _EXTENDED, _EXTENSION, _SIMPLE

    text = pl.col("v")
    found = pl.DataFrame({"v": values}, schema={"v": pl.String}).select(
        old=pl.coalesce(text.str.extract(_CAPTURING_EXTENSION, 1), text),
        new=pl.when(text.str.contains(_EXTENDED)).then(text.str.replace(_EXTENSION, ""))
        .otherwise(text),
    )
    for old, new in found.rows():
        if old != new:
            assert not re.fullmatch(_SIMPLE, old) and not re.fullmatch(_SIMPLE, new), (old, new)
