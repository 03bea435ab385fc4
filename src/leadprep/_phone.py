"""Phone normalization: the same answers as phonenumbers (SPEC section 5).

`normalize` answers a column: the columnar engine (_phone_fast) settles the usual shapes and
phonenumbers itself the rest, once per distinct value in each slice; `normalize_one` is the
reference, a direct phonenumbers call, that the engine is tested against.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Literal

import phonenumbers
import polars as pl
from phonenumbers import NumberParseException, PhoneNumberFormat, ValidationResult

from leadprep._phone_fast import columnar_answers, put_rows

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


# A column is split across threads once it holds PART_SIZE values per thread, in equal slices
# of at most MAX_PART: each slice's fixed costs (a pass per region and calling code) favour few
# large slices, memory favours a bound on what the slices in flight hold.
PART_SIZE = 250_000
MAX_PART = 1_500_000


def normalize(values: pl.Series, region: str, policy: PhonePolicy = "valid") -> pl.DataFrame:
    """One row per input value (nulls stay null): the columns of PHONE_SCHEMA.

    The columnar engine answers the usual shapes; phonenumbers answers the rest, once per
    distinct value of each slice. A large column is answered in slices, as many at once as
    polars has threads: many of polars' string kernels run on one core, so two slices on two
    cores take about two thirds of the time; each slice puts its own answers in order."""
    values = values.cast(pl.String)
    workers = min(pl.thread_pool_size(), values.len() // PART_SIZE)
    if workers < 2:
        return _normalize_part(values, region, policy)
    rounds = -(-values.len() // (workers * MAX_PART))
    size = -(-values.len() // (workers * rounds))
    with ThreadPoolExecutor(workers) as pool:
        return pl.concat(pool.map(
            lambda start: _normalize_part(values.slice(start, size), region, policy),
            range(0, values.len(), size)))


def _normalize_part(values: pl.Series, region: str, policy: PhonePolicy) -> pl.DataFrame:
    """normalize for one slice: the engine's answers, phonenumbers' written into the rows
    the engine leaves, and the nulls put back. (Nulls are dropped first: polars' string
    kernels spend about as long on a null as on a value.)"""
    present = values.drop_nulls()
    answers, left = columnar_answers(present, region, policy)
    if not left.is_empty():
        rest = pl.DataFrame({"_i": left, "_value": present.gather(left)})
        distinct = rest["_value"].unique()
        found = [normalize_one(v, region, policy) for v in distinct.to_list()]
        slow = pl.DataFrame(
            {"_value": distinct,
             **{name: [a[i] for a in found] for i, name in enumerate(PHONE_SCHEMA)}},
            schema={"_value": pl.String(), **PHONE_SCHEMA},
        )
        answers = put_rows(answers, rest.join(slow, on="_value", how="left"))
    if present.len() == values.len():
        return answers
    # Row k of the input takes answer number (non-nulls before k).
    position = values.is_not_null().cast(pl.UInt32).cum_sum() - 1
    return answers[pl.Series("_at", position).set(values.is_null(), None)]
