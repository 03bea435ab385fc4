"""Phone normalization: the same answers as phonenumbers, per distinct value (SPEC section 5).

phonenumbers is called once per distinct (value, region), never per row; the answers are joined
back onto the column. A later, faster engine must give identical results (tests/test_phone.py).
"""

from __future__ import annotations

from typing import Literal

import phonenumbers
import polars as pl
from phonenumbers import NumberParseException, PhoneNumberFormat, ValidationResult

PhonePolicy = Literal["valid", "possible"]

PHONE_SCHEMA: dict[str, pl.DataType] = {
    "e164": pl.String(),
    "national": pl.String(),
    "country_code": pl.Int32(),
    "accepted": pl.Boolean(),
    "reason": pl.String(),
}

_PARSE_REASONS = {
    NumberParseException.INVALID_COUNTRY_CODE: "invalid country code",
    NumberParseException.NOT_A_NUMBER: "not a number",
    NumberParseException.TOO_SHORT_AFTER_IDD: "too short after the international prefix",
    NumberParseException.TOO_SHORT_NSN: "too short",
    NumberParseException.TOO_LONG: "too long",
}
_POSSIBLE_REASONS = {
    ValidationResult.INVALID_COUNTRY_CODE: "invalid country code",
    ValidationResult.TOO_SHORT: "too short",
    ValidationResult.TOO_LONG: "too long",
    ValidationResult.INVALID_LENGTH: "invalid length",
}


def normalize_one(
    value: str, region: str, policy: PhonePolicy = "valid"
) -> tuple[str | None, str | None, int | None, bool, str | None]:
    """(e164, national significant number, country code, accepted, reason if not accepted)."""
    try:
        number = phonenumbers.parse(value, region)
    except NumberParseException as exc:
        return None, None, None, False, _PARSE_REASONS.get(exc.error_type, "not a phone number")
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    national = phonenumbers.national_significant_number(number)
    code = number.country_code
    if policy == "possible":
        accepted = phonenumbers.is_possible_number(number)
        reason = None if accepted else _invalid_reason(number)
    else:
        accepted = phonenumbers.is_valid_number(number)
        reason = None if accepted else _invalid_reason(number)
    return e164, national, code, accepted, reason


def _invalid_reason(number: phonenumbers.PhoneNumber) -> str:
    outcome = phonenumbers.is_possible_number_with_reason(number)
    if outcome in _POSSIBLE_REASONS:
        return _POSSIBLE_REASONS[outcome]
    return "not a valid number for its region"


def normalize(values: pl.Series, region: str, policy: PhonePolicy = "valid") -> pl.DataFrame:
    """One row per input value (nulls stay null): the columns of PHONE_SCHEMA."""
    distinct = values.drop_nulls().unique()
    answers = [normalize_one(v, region, policy) for v in distinct.to_list()]
    table = pl.DataFrame(
        {"_value": distinct, **{name: [a[i] for a in answers] for i, name in
                                enumerate(PHONE_SCHEMA)}},
        schema={"_value": pl.String(), **PHONE_SCHEMA},
    )
    frame = pl.DataFrame({"_value": values.cast(pl.String)}).with_row_index("_i")
    return (
        frame.join(table, on="_value", how="left")
        .sort("_i")
        .select(list(PHONE_SCHEMA))
    )
