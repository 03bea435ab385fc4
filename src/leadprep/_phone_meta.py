"""libphonenumber's metadata, as shipped inside the installed phonenumbers package, compiled into
what the columnar phone engine needs: anchored byte-mode regexes and length sets per region.

Compiled at first use and cached, so it always matches the installed phonenumbers version.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from phonenumbers import PhoneMetadata
from phonenumbers.phonenumberutil import COUNTRY_CODE_TO_REGION_CODE

NON_GEO = "001"
# The number types is_valid_number tries, in phonenumbers' order (_number_type_helper).
TYPE_ATTRIBUTES = ("premium_rate", "toll_free", "shared_cost", "voip", "personal_number", "pager",
                   "uan", "voicemail", "fixed_line", "mobile")


def ascii_regex(pattern: str) -> str:
    """A metadata pattern for polars' regex engine: ASCII digits, byte mode.

    Unicode classes make the regex crate much slower, and every value reaching the patterns
    is made of ASCII digits by then."""
    return "(?-u)" + pattern.replace(r"\d", "[0-9]")


def full(pattern: str) -> str:
    return ascii_regex(f"^(?:{pattern})$")


def prefix(pattern: str) -> str:
    """Python's re.match: anchored at the start only. The regex crate, like re, prefers the
    leftmost alternative, so the match ends where re's would."""
    return ascii_regex(f"^(?:{pattern})")


@dataclass(frozen=True)
class Desc:
    """A number description: a number fits when its length is allowed and the pattern matches."""

    pattern: str | None
    lengths: tuple[int, ...]
    local_lengths: tuple[int, ...]


@dataclass(frozen=True)
class TypeGroup:
    """Number types sharing one length set, as one alternation."""

    pattern: str
    lengths: tuple[int, ...]


@dataclass(frozen=True)
class RegionMeta:
    key: str
    country_code: int
    general: Desc
    type_groups: tuple[TypeGroup, ...]
    international_prefix: str | None
    national_prefix_for_parsing: str | None
    has_transform_rule: bool
    leading_digits: str | None


def _desc(raw: object) -> Desc | None:
    if raw is None:
        return None
    pattern = getattr(raw, "national_number_pattern", None)
    return Desc(
        pattern or None,
        tuple(getattr(raw, "possible_length", ()) or ()),
        tuple(getattr(raw, "possible_length_local_only", ()) or ()),
    )


def _metadata(key: str) -> PhoneMetadata:
    if key.startswith(NON_GEO + ":"):
        found = PhoneMetadata.metadata_for_nongeo_region(int(key.split(":")[1]), None)
    else:
        found = PhoneMetadata.metadata_for_region(key, None)
    if found is None:
        raise LookupError(f"no phonenumbers metadata for {key}")
    return found


def _type_groups(meta: PhoneMetadata) -> tuple[TypeGroup, ...]:
    by_lengths: dict[tuple[int, ...], list[str]] = {}
    for attribute in TYPE_ATTRIBUTES:
        desc = _desc(getattr(meta, attribute))
        if desc is not None and desc.pattern:
            by_lengths.setdefault(desc.lengths, []).append(desc.pattern)
    return tuple(TypeGroup("|".join(f"(?:{p})" for p in patterns), lengths)
                 for lengths, patterns in by_lengths.items())


@cache
def region_meta(key: str) -> RegionMeta:
    meta = _metadata(key)
    general = _desc(meta.general_desc) or Desc(None, (), ())
    return RegionMeta(
        key=key,
        country_code=int(meta.country_code or 0),
        general=general,
        type_groups=_type_groups(meta),
        international_prefix=meta.international_prefix or None,
        national_prefix_for_parsing=meta.national_prefix_for_parsing or None,
        has_transform_rule=bool(meta.national_prefix_transform_rule),
        leading_digits=meta.leading_digits or None,
    )


def region_key(region: str, country_code: int) -> str:
    return f"{NON_GEO}:{country_code}" if region == NON_GEO else region


@cache
def regions_for_code(country_code: int) -> tuple[str, ...]:
    """The metadata keys of a calling code, in phonenumbers' lookup order (main region first)."""
    return tuple(region_key(r, country_code)
                 for r in COUNTRY_CODE_TO_REGION_CODE.get(country_code, ()))


@cache
def main_region(country_code: int) -> str:
    return regions_for_code(country_code)[0]


def country_codes() -> tuple[int, ...]:
    return tuple(sorted(COUNTRY_CODE_TO_REGION_CODE))

