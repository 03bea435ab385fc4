"""Time zones: the IANA TZDB IDs every target checks a zone against, and the time zones of a
phone number, as `phonenumbers.timezone.time_zones_for_number` gives them, for a whole column.

`iana_zones()` is the one list of valid zone IDs (leadTimezone under EXPLICIT, JAICP gmtZone's
IANA form, the contacts timezone): the IDs of the TZDB zoneinfo finds (the system's, or the
tzdata package's), exact case, without the files of a zoneinfo directory that are not zones.

`phone_zone_sets()` replays time_zones_for_number column-wise:
- the number's type decides which lookup answers (phonenumbers' number_type: the claiming
  region of a shared calling code, then the first of premium rate, toll free, shared cost, VoIP,
  personal number, pager, UAN, voicemail, fixed line, mobile whose description the national
  number fits);
- UNKNOWN (an invalid number) has no zone;
- fixed line (or fixed line or mobile), and mobile in the countries phonenumbers counts as
  geographic for mobiles, take the longest prefix of the E.164 digits in phonenumbers' tzdata;
- every other valid type takes the calling code's entry (phonenumbers' country-level lookup).
"Etc/Unknown" (no entry) counts as no answer. The prefix table is loaded once; each lookup
is a join of the numbers' prefixes of one length against it, longest first, and the number
types are polars regex matches per calling code: no Python call per number.
"""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass
from datetime import datetime
from functools import cache

import polars as pl
from phonenumbers import PhoneMetadata
from phonenumbers.phonenumberutil import _GEO_MOBILE_COUNTRIES, COUNTRY_CODE_TO_REGION_CODE
from phonenumbers.tzdata import TIMEZONE_DATA, TIMEZONE_LONGEST_PREFIX

from leadprep._phone_meta import NON_GEO, full, prefix

# Files in a zoneinfo directory that are not zone IDs.
_NOT_ZONES = frozenset({"Factory", "localtime", "posixrules"})
# _number_type_helper's order of the types before fixed line and mobile: a number fitting one
# of them is valid but not geographic.
_OTHER_TYPES = (
    "premium_rate",
    "toll_free",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
)
FIXED = "fixed"
MOBILE = "mobile"
OTHER = "other"
ZONE_SET = pl.List(pl.String)


@cache
def iana_zones() -> frozenset[str]:
    """The time zone IDs of the IANA TZDB, as every target takes them (exact case)."""
    return frozenset(
        z
        for z in zoneinfo.available_timezones()
        if z not in _NOT_ZONES and not z.startswith(("posix/", "right/"))
    )


@cache
def sorted_zones() -> list[str]:
    return sorted(iana_zones())


def is_iana_zone(expr: pl.Expr) -> pl.Expr:
    """True where `expr` is an IANA zone ID (null stays null)."""
    return expr.is_in(sorted_zones())


# --- phonenumbers' time-zone data, loaded once -------------------------------------------


@dataclass(frozen=True)
class ZoneTable:
    """phonenumbers' tzdata: `sets` are the distinct zone lists (id = position), `prefixes`
    maps each prefix to the id of its list."""

    sets: tuple[tuple[str, ...], ...]
    prefixes: pl.DataFrame  # _prefix (String), _set (UInt32)


@cache
def zone_table() -> ZoneTable:
    ids: dict[tuple[str, ...], int] = {}
    keys: list[str] = []
    values: list[int] = []
    for key, zones in TIMEZONE_DATA.items():
        keys.append(key)
        values.append(ids.setdefault(tuple(zones), len(ids)))
    prefixes = pl.DataFrame(
        {"_prefix": keys, "_set": values}, schema={"_prefix": pl.String, "_set": pl.UInt32}
    )
    return ZoneTable(tuple(ids), prefixes)


def _lookup(keys: pl.Series) -> pl.Series:
    """The set id of each key that is a prefix in the table, else null (a left join)."""
    table = zone_table().prefixes
    return (
        keys.rename("_prefix")
        .to_frame()
        .join(table, on="_prefix", how="left", maintain_order="left")["_set"]
    )


def _longest_prefix(digits: pl.Series, longest: int) -> pl.Series:
    """time_zones_for_geographical_number's loop: of `digits[:n]` for n = longest..1, the
    first in the table. A key shorter than n is looked up as it is, as the loop does."""
    found = pl.Series("_set", [None] * digits.len(), dtype=pl.UInt32)
    for length in range(longest, 0, -1):
        missing = found.is_null()
        if not missing.any():
            break
        found = found.zip_with(~missing, _lookup(digits.str.slice(0, length)))
    return found


@cache
def _key_spans() -> dict[int, int]:
    """For each calling code, the longest key a number of that code can match: a key that
    is a prefix of the number starts with the code or is a prefix of it (codes are
    prefix-free), so keys of other codes never match."""
    out: dict[int, int] = {}
    for code in COUNTRY_CODE_TO_REGION_CODE:
        cc = str(code)
        out[code] = max(
            (len(k) for k in TIMEZONE_DATA if k.startswith(cc) or cc.startswith(k)), default=0
        )
    return out


@cache
def _country_sets() -> dict[int, int | None]:
    """_country_level_time_zones_for_number for every calling code: the set id, or None
    (its loop looks up cc[:n + 1] for n = longest..1)."""
    table = dict(zone_table().prefixes.iter_rows())
    out: dict[int, int | None] = {}
    for code in COUNTRY_CODE_TO_REGION_CODE:
        cc = str(code)
        out[code] = next(
            (
                table[cc[: n + 1]]
                for n in range(TIMEZONE_LONGEST_PREFIX, 0, -1)
                if cc[: n + 1] in table
            ),
            None,
        )
    return out


# --- number types ------------------------------------------------------------------------


def _metadata(region: str, code: int) -> PhoneMetadata | None:
    if region == NON_GEO:
        return PhoneMetadata.metadata_for_nongeo_region(code, None)
    return PhoneMetadata.metadata_for_region(region.upper(), None)


def _fits(number: pl.Expr, desc: object) -> pl.Expr:
    """_is_number_matching_desc: the length is allowed (when lengths are given) and the
    whole number matches the pattern."""
    pattern = getattr(desc, "national_number_pattern", None) if desc is not None else None
    if not pattern:
        return pl.lit(False)
    matches = number.str.contains(full(pattern))
    lengths = list(getattr(desc, "possible_length", ()) or ())
    if lengths:
        return number.str.len_chars().is_in(lengths) & matches
    return matches


def _any_other_type(number: pl.Expr, meta: PhoneMetadata) -> pl.Expr:
    """Whether the number fits one of _OTHER_TYPES: their patterns joined into one regex per
    set of allowed lengths (an alternation matches when one of its patterns does)."""
    groups: dict[tuple[int, ...], list[str]] = {}
    for attribute in _OTHER_TYPES:
        desc = getattr(meta, attribute)
        pattern = getattr(desc, "national_number_pattern", None) if desc is not None else None
        if pattern:
            lengths = tuple(getattr(desc, "possible_length", ()) or ())
            groups.setdefault(lengths, []).append(f"(?:{pattern})")
    fits = []
    for lengths, patterns in groups.items():
        matches = number.str.contains(full("|".join(patterns)))
        fits.append(number.str.len_chars().is_in(list(lengths)) & matches if lengths else matches)
    return pl.any_horizontal(fits) if fits else pl.lit(False)


def _kind(number: pl.Expr, meta: PhoneMetadata) -> pl.Expr:
    """_number_type_helper, folded to what the time-zone lookup needs: FIXED (fixed line, or
    fixed line or mobile), MOBILE, OTHER (any other valid type) or null (UNKNOWN)."""
    same = bool(meta.same_mobile_and_fixed_line_pattern)
    mobile = pl.lit(False) if same else _fits(number, meta.mobile)
    return (
        pl.when(~_fits(number, meta.general_desc))
        .then(pl.lit(None, pl.String))
        .when(_any_other_type(number, meta))
        .then(pl.lit(OTHER))
        .when(_fits(number, meta.fixed_line))
        .then(pl.lit(FIXED))
        .when(mobile)
        .then(pl.lit(MOBILE))
        .otherwise(pl.lit(None, pl.String))
    )


def _kinds_for_code(part: pl.DataFrame, code: int) -> pl.DataFrame:
    """`_kind` for rows of one calling code: number_type with the region
    region_code_for_number picks (the only one; else the first whose leading digits start
    the number or, without leading digits, that finds the number valid)."""
    number = pl.col("_nn")
    regions = COUNTRY_CODE_TO_REGION_CODE.get(code, ())
    if len(regions) == 1:
        meta = _metadata(regions[0], code)
        kind = pl.lit(None, pl.String) if meta is None else _kind(number, meta)
        return part.with_columns(_kind=kind)
    decided: list[pl.DataFrame] = []
    for region in regions:
        if part.is_empty():
            break
        meta = _metadata(region, code)
        if meta is None:
            continue
        if meta.leading_digits is not None:
            # Claimed by its leading digits alone: only those rows need the type.
            claims = number.str.contains(prefix(meta.leading_digits))
            part = part.with_columns(_claims=claims)
            decided.append(
                part.filter("_claims").drop("_claims").with_columns(_kind=_kind(number, meta))
            )
        else:
            part = part.with_columns(_kind=_kind(number, meta))
            part = part.with_columns(_claims=pl.col("_kind").is_not_null())
            decided.append(part.filter("_claims").drop("_claims"))
        part = part.filter(~pl.col("_claims")).drop("_claims", "_kind", strict=False)
    decided.append(part.with_columns(_kind=pl.lit(None, pl.String)))
    return pl.concat(decided, how="vertical_relaxed")


@cache
def _code_lengths() -> tuple[list[str], list[int]]:
    """Every string of 1..3 digits, with the length of the calling code it starts with
    (0 for none): codes are prefix-free, so a number's first three digits settle its code."""
    codes = {str(c) for c in COUNTRY_CODE_TO_REGION_CODE}
    heads = [f"{i:0{n}d}" for n in (1, 2, 3) for i in range(10**n)]
    lengths = [
        next((n for n in (1, 2, 3) if head[:n] in codes and len(head) >= n), 0) for head in heads
    ]
    return heads, lengths


# --- the column answer -------------------------------------------------------------------


def phone_zone_sets(e164: pl.Series) -> pl.Series:
    """For each E.164 number ("+14155550100"), the id (into zone_table().sets) of the zones
    time_zones_for_number gives it; null for no answer ("Etc/Unknown"), for a null, and for a
    value that is not + and digits."""
    frame = pl.DataFrame({"_e164": e164.cast(pl.String)}).with_row_index("_i")
    digits = pl.col("_e164").str.strip_prefix("+")
    frame = frame.filter(pl.col("_e164").str.contains(r"^\+[0-9]{2,}$")).with_columns(
        _digits=digits
    )
    starts, lengths = _code_lengths()
    frame = frame.with_columns(
        _cc_len=pl.col("_digits")
        .str.slice(0, 3)
        .replace_strict(starts, lengths, return_dtype=pl.UInt32)
    ).filter(pl.col("_cc_len") > 0)
    frame = frame.select(
        "_i",
        "_digits",
        _cc=pl.col("_digits").str.slice(0, pl.col("_cc_len")).cast(pl.Int32),
        _nn=pl.col("_digits").str.slice(pl.col("_cc_len")),
    )
    parts = frame.partition_by("_cc", as_dict=True, maintain_order=False)
    kinds = [_kinds_for_code(part, int(str(key[0]))) for key, part in parts.items()]
    frame = (
        pl.concat(kinds, how="vertical_relaxed")
        if kinds
        else frame.with_columns(_kind=pl.lit(None, pl.String))
    )
    geo_mobile = sorted(_GEO_MOBILE_COUNTRIES)
    geographic = (pl.col("_kind") == FIXED) | (
        (pl.col("_kind") == MOBILE) & pl.col("_cc").is_in(geo_mobile)
    )
    frame = frame.filter(pl.col("_kind").is_not_null()).with_columns(_geo=geographic)
    geo = frame.filter("_geo")
    # The answer depends on the digits a key of the number's calling code can span only:
    # looked up once per distinct such head (a few thousand area codes in a million numbers).
    spans = _key_spans()
    geo = geo.with_columns(
        _head=pl.col("_digits").str.slice(
            0,
            pl.col("_cc").replace_strict(
                list(spans), list(spans.values()), default=0, return_dtype=pl.UInt32
            ),
        )
    )
    heads = geo["_head"].unique()
    answers = pl.DataFrame([heads, _longest_prefix(heads, TIMEZONE_LONGEST_PREFIX)])
    geo = geo.join(answers, on="_head", how="left")
    country = frame.filter(~pl.col("_geo"))
    sets = _country_sets()
    country = country.with_columns(
        _set=pl.col("_cc").replace_strict(
            list(sets), list(sets.values()), default=None, return_dtype=pl.UInt32
        )
    )
    found = pl.concat([geo.select("_i", "_set"), country.select("_i", "_set")])
    out = pl.Series("_set", [None] * e164.len(), dtype=pl.UInt32)
    if found.height:
        out = out.scatter(found["_i"], found["_set"])
    return out


def zone_lists(sets: pl.Series) -> pl.Series:
    """Set ids as the lists of zones they stand for (null stays null)."""
    table = zone_table().sets
    lists = pl.Series("_zones", [list(z) for z in table], dtype=ZONE_SET)
    ids = pl.DataFrame({"_set": sets.cast(pl.UInt32)})
    lookup = pl.DataFrame({"_set": pl.Series(range(len(table)), dtype=pl.UInt32), "_zones": lists})
    return ids.join(lookup, on="_set", how="left", maintain_order="left")["_zones"]


def phone_time_zones(e164: pl.Series) -> pl.Series:
    """time_zones_for_number for each E.164 number: its list of zones, or null when there is
    no answer ("Etc/Unknown")."""
    return zone_lists(phone_zone_sets(e164)).rename(e164.name)


# --- inference ---------------------------------------------------------------------------


def phone_zones(phones: pl.DataFrame) -> pl.DataFrame:
    """`_row` and `_tz_zones` (the zones of the row's numbers; null when none is known) for
    `phones`: `_row` and `_phone`, E.164 numbers, several joined by '|' in a SIMPLE
    campaign's pipe-delimited primary. A row's numbers count together: their zones, each
    once, in order; a number with no known zone adds none."""
    piped = pl.col("_phone").str.contains("|", literal=True)
    single = phones.filter(~piped)
    single = single.select("_row", _tz_zones=phone_time_zones(single["_phone"]))
    several = phones.filter(piped).select("_row", pl.col("_phone").str.split("|")).explode("_phone")
    zones = pl.col("_tz_zones").list.explode(keep_nulls=False, empty_as_null=False)
    several = (
        several.with_columns(_tz_zones=phone_time_zones(several["_phone"]))
        .group_by("_row", maintain_order=True)
        .agg(zones.drop_nulls().unique(maintain_order=True))
    )
    several = several.with_columns(
        pl.when(pl.col("_tz_zones").list.len() > 0).then(pl.col("_tz_zones"))
    )
    return pl.concat([single, several], how="vertical_relaxed")


def single_zone(zones: pl.Expr) -> pl.Expr:
    """The zone of a list of exactly one; null for none or several (never guessed)."""
    return pl.when(zones.list.len() == 1).then(zones.list.first())


def is_ambiguous(zones: pl.Expr) -> pl.Expr:
    return (zones.list.len() > 1).fill_null(False)


def zones_text(zones: pl.Expr, shown: int = 3) -> pl.Expr:
    """ "3 time zones (America/Adak, America/Anchorage, America/Anguilla, …)"."""
    head = zones.list.head(shown).list.join(", ")
    more = pl.when(zones.list.len() > shown).then(pl.lit(", …")).otherwise(pl.lit(""))
    return pl.concat_str(
        [zones.list.len().cast(pl.String), pl.lit(" time zones ("), head, more, pl.lit(")")]
    )


# --- date-times --------------------------------------------------------------------------

# The ISO 8601 date-times of the reference documents ("2020-03-23T00:00:00Z",
# "2025-03-01T10:00:00"): the extended calendar date, 'T', hh:mm[:ss[.fraction]], then Z, an
# offset ±hh:mm, or nothing. datetime.fromisoformat alone also takes week dates
# ("2025-W09-6T10:00"), the basic format ("20250301T100000"), an hour alone ("2025-03-01T10")
# and a lower-case 't', none of which the schemas (or a strict server) take.
_ISO_DATE_TIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,9})?)?"
    r"(?:Z|[+-][0-9]{2}:[0-9]{2})?"
)
ISO_DATE_TIME_FORM = "YYYY-MM-DDThh:mm[:ss[.fff]] with an optional Z or ±hh:mm"


def iso_date_time(value: str) -> datetime | None:
    """The date-time `value` spells in that form (checked for a real day and time of day);
    None for anything else."""
    if not _ISO_DATE_TIME.fullmatch(value):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:  # month 13, February 30, hour 24, ...
        return None
