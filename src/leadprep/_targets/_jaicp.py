"""JAICP `addPhones` request arrays: DIR/jaicp/add-phones-NNNNN.json (reference 003_*).

Each file is one request body: an array of `{phone, payload, startDateTime, finishDateTime,
allowedDays, allowedTime, retryIntervalInMinutes, maxAttempts, gmtZone, dialerPriority}`.
`phone` is the E.164 number's digits without '+'; `payload` is the lead's mapped fields (the
leadloader lead without its primary phone); the call policy comes from the `[jaicp]` config
section, whose keys are the API's field names, and `[jaicp.columns]` may name the columns that
override `gmtZone` and `dialerPriority` row by row.

The rules the API states are checked before anything is written:
- `allowedTime`: keys mon..sun or default; each interval has both `localTimeFrom` and
  `localTimeTo` (HH:mm); a from later than its to wraps past midnight; intervals of one key do
  not overlap (touching ends are fine), a wrapping one included, on the 24-hour clock.
- `allowedDays`: mon, tue, wed, thu, fri, sat, sun, each once.
- `gmtZone`: Z; +h, +hh, ±hhmm, ±hhmmss with optional ':' separators (within ±18:00); those
  offsets after a UTC, GMT or UT prefix (or the prefix alone); an IANA TZDB ID; exact case.
- `dialerPriority`: 1..5. A row with none gets the section's (else 5, the server's default); a
  row's value outside 1..5 becomes 5 with a warning, as the server does.
- A number repeated with the same settings and payload is sent once: the server ignores the
  repeats for 24 hours. Later ones are warnings, not sent.
An invalid value in `[jaicp]` is a config error naming the key; a row's invalid `gmtZone` is
dropped with a warning (the section's applies). With `[mapping] infer_timezone = "phone"` an
entry whose row gives no gmtZone takes its number's zone when phonenumbers knows exactly one
(several: AMBIGUOUS_PHONE_TIMEZONE, the section's applies).
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl

from leadprep._codes import WarningCode
from leadprep._config import ColumnRef, Config
from leadprep._errors import ConfigError
from leadprep._map import _Resolver
from leadprep._parse import column_name
from leadprep._targets._base import EmitInput, Target, Written
from leadprep._timezone import (
    ISO_DATE_TIME_FORM,
    iana_zones,
    iso_date_time,
    phone_time_zones,
    single_zone,
)
from leadprep._transform import WARNING_SCHEMA, Leads, ambiguous_zone_warnings

JAICP_DIR = "jaicp"
SECTION = "jaicp"
POLICY_KEYS = ("startDateTime", "finishDateTime", "allowedDays", "allowedTime",
               "retryIntervalInMinutes", "maxAttempts", "gmtZone", "dialerPriority")
COLUMN_KEYS = ("gmtZone", "dialerPriority")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_PRIORITY = 5
# What the payload leaves out: the number is `phone` already.
_NOT_PAYLOAD = ("leadPhone", "leadPhoneE164")


# --- gmtZone -----------------------------------------------------------------------------

_OFFSET = re.compile(
    r"[+-](?:(?P<h1>\d)|(?P<h2>\d\d)|(?P<h4>\d\d):?(?P<m4>\d\d)"
    r"|(?P<h6>\d\d)(?P<sep>:?)(?P<m6>\d\d)(?P=sep)(?P<s6>\d\d))"
)
_PREFIXES = ("UTC", "GMT", "UT")
MAX_OFFSET_SECONDS = 18 * 3600


def _offset_problem(text: str) -> str | None:
    match = _OFFSET.fullmatch(text)
    if match is None:
        return ("is not an offset of the form +h, +hh, +hhmm, +hh:mm, +hhmmss or +hh:mm:ss "
                "(sign + or -)")
    parts = match.groupdict()
    hours = int(parts["h1"] or parts["h2"] or parts["h4"] or parts["h6"])
    minutes = int(parts["m4"] or parts["m6"] or 0)
    seconds = int(parts["s6"] or 0)
    if minutes > 59 or seconds > 59:
        return "has minutes or seconds above 59"
    if hours * 3600 + minutes * 60 + seconds > MAX_OFFSET_SECONDS:
        return "is beyond ±18:00"
    return None


def gmt_zone_problem(value: str) -> str | None:
    """None when `value` is a gmtZone the API documents; else what is wrong with it."""
    if value == "Z" or value in iana_zones():
        return None
    if value[:1] in "+-" and value:
        return _offset_problem(value)
    for prefix in _PREFIXES:
        rest = value[len(prefix):]
        if value.startswith(prefix) and (rest == "" or rest[:1] in "+-"):
            if rest == "":
                return None
            return _offset_problem(rest)
    return ("is neither Z, an offset such as -05:00 or +0530 (optionally after UTC, GMT or "
            "UT), nor an IANA time zone ID such as America/New_York (exact case)")


# --- the [jaicp] section -----------------------------------------------------------------

@dataclass(frozen=True)
class JaicpPolicy:
    """The call policy of `[jaicp]`, already in the request's shape (absent keys omitted)."""

    fields: Mapping[str, Any] = field(default_factory=dict)
    columns: Mapping[str, ColumnRef] = field(default_factory=dict)

    @property
    def priority(self) -> int:
        return int(self.fields.get("dialerPriority", DEFAULT_PRIORITY))


def _fail(key: str, value: Any, problem: str) -> ConfigError:
    return ConfigError(f"[{SECTION}] {key} = {value!r} {problem}")


def _minutes(text: Any, where: str) -> int:
    if not isinstance(text, str) or not re.fullmatch(r"\d\d:\d\d", text):
        raise _fail(where, text, 'must be a time "HH:mm", e.g. "09:30"')
    hours, minutes = int(text[:2]), int(text[3:])
    if hours > 23 or minutes > 59:
        raise _fail(where, text, "is not a time of day (00:00..23:59)")
    return hours * 60 + minutes


def check_intervals(key: str, intervals: Any) -> list[dict[str, str]]:
    """One allowedTime key's intervals: both bounds, HH:mm, no overlap on the 24-hour clock
    (a from later than its to runs past midnight; touching ends do not overlap)."""
    where = f"allowedTime.{key}"
    if not isinstance(intervals, list) or not intervals:
        raise _fail(where, intervals, 'must be a non-empty array of {localTimeFrom = "HH:mm", '
                    'localTimeTo = "HH:mm"}')
    spans: list[tuple[int, int, int]] = []  # (start, end, interval number) in minutes
    for n, interval in enumerate(intervals, 1):
        at = f"{where}[{n}]"
        if not isinstance(interval, Mapping):
            raise _fail(at, interval, "must be a table with localTimeFrom and localTimeTo")
        _check_keys(at, interval, ("localTimeFrom", "localTimeTo"))
        for bound in ("localTimeFrom", "localTimeTo"):
            if bound not in interval:
                raise ConfigError(f"[{SECTION}] {at} has no {bound}: every interval needs both "
                                  "localTimeFrom and localTimeTo (the API refuses it)")
        start = _minutes(interval["localTimeFrom"], f"{at}.localTimeFrom")
        end = _minutes(interval["localTimeTo"], f"{at}.localTimeTo")
        if start == end:
            raise _fail(at, dict(interval), "is empty: localTimeFrom equals localTimeTo")
        if start < end:
            spans.append((start, end, n))
        else:  # past midnight: to the end of the day and from its start
            spans += [(start, 24 * 60, n), (0, end, n)]
    spans.sort()
    reach, a = -1, 0  # the latest end so far, and its interval
    for start_b, end_b, b in spans:
        if start_b < reach and a != b:
            raise ConfigError(
                f"[{SECTION}] {where}: intervals {min(a, b)} and {max(a, b)} overlap; the "
                "API refuses overlapping intervals (one may end when the next starts)")
        if end_b > reach:
            reach, a = end_b, b
    return [{"localTimeFrom": i["localTimeFrom"], "localTimeTo": i["localTimeTo"]}
            for i in intervals]


def _check_keys(where: str, table: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    for key in table:
        if key not in allowed:
            close = difflib.get_close_matches(str(key), allowed, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; known: {', '.join(allowed)}"
            raise ConfigError(f"[{SECTION}] {where}: unknown key {key!r}{hint}"
                              if where else f"unknown config entry [{SECTION}] {key}{hint}")


def _date_time(key: str, value: Any) -> tuple[str, datetime]:
    if isinstance(value, datetime):  # a TOML date-time
        value = value.isoformat().replace("+00:00", "Z")
    parsed = iso_date_time(value) if isinstance(value, str) else None
    if parsed is None:
        raise _fail(key, value, 'is not an ISO 8601 date-time such as "2020-03-23T00:00:00Z" '
                    f"({ISO_DATE_TIME_FORM})")
    return value, parsed


def _count(key: str, value: Any, least: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise _fail(key, value, f"must be a whole number of at least {least}")
    return value


def parse_policy(table: Mapping[str, Any]) -> JaicpPolicy:
    """The `[jaicp]` table checked as the API would check the request; a ConfigError names
    the key of the first problem."""
    _check_keys("", table, (*POLICY_KEYS, "columns"))
    out: dict[str, Any] = {}
    times: dict[str, datetime] = {}
    for key in ("startDateTime", "finishDateTime"):
        if key in table:
            out[key], times[key] = _date_time(key, table[key])
    if len(times) == 2:
        start, finish = times["startDateTime"], times["finishDateTime"]
        try:
            later = start > finish
        except TypeError:
            raise _fail("finishDateTime", out["finishDateTime"], "and startDateTime must both "
                        "have a UTC offset (such as Z) or both have none") from None
        if later:
            raise _fail("finishDateTime", out["finishDateTime"],
                        f"is before startDateTime {out['startDateTime']!r}")
    if "allowedDays" in table:
        days = table["allowedDays"]
        if not isinstance(days, list) or not days:
            raise _fail("allowedDays", days, f"must be a non-empty array of {', '.join(DAYS)}")
        for day in days:
            if day not in DAYS:
                raise _fail("allowedDays", days, f"holds {day!r}; the days are "
                            f"{', '.join(DAYS)} (lower case)")
        if len(set(days)) != len(days):
            raise _fail("allowedDays", days, "names a day twice")
        out["allowedDays"] = list(days)
    if "allowedTime" in table:
        allowed = table["allowedTime"]
        if not isinstance(allowed, Mapping) or not allowed:
            raise _fail("allowedTime", allowed, 'must be a table of day = [intervals], e.g. '
                        'default = [{localTimeFrom = "10:00", localTimeTo = "18:00"}]')
        _check_keys("allowedTime", allowed, (*DAYS, "default"))
        out["allowedTime"] = {k: check_intervals(k, v) for k, v in allowed.items()}
    if "retryIntervalInMinutes" in table:
        # A pause: the reference gives no bound, and none below zero makes sense.
        out["retryIntervalInMinutes"] = _count("retryIntervalInMinutes",
                                               table["retryIntervalInMinutes"], 0)
    if "maxAttempts" in table:
        out["maxAttempts"] = _count("maxAttempts", table["maxAttempts"], 0)
    if "gmtZone" in table:
        zone = table["gmtZone"]
        problem = gmt_zone_problem(zone) if isinstance(zone, str) else "must be a string"
        if problem:
            raise _fail("gmtZone", zone, problem)
        out["gmtZone"] = zone
    if "dialerPriority" in table:
        priority = table["dialerPriority"]
        if isinstance(priority, bool) or not isinstance(priority, int) or not 1 <= priority <= 5:
            raise _fail("dialerPriority", priority, "must be 1..5 (1 is the highest priority)")
        out["dialerPriority"] = priority
    columns = table.get("columns", {})
    if not isinstance(columns, Mapping):
        raise _fail("columns", columns, "must be a table: gmtZone / dialerPriority = a column")
    _check_keys("columns", columns, COLUMN_KEYS)
    for key, ref in columns.items():
        if isinstance(ref, bool) or not isinstance(ref, str | int):
            raise _fail(f"columns.{key}", ref, "must be a header name or a column index")
    # The request's field order, whatever the config's.
    ordered = {key: out[key] for key in POLICY_KEYS if key in out}
    return JaicpPolicy(ordered, dict(columns))


def policy_of(config: Config) -> JaicpPolicy:
    return parse_policy(config.targets.get(SECTION, {}))


# --- the target --------------------------------------------------------------------------

class JaicpTarget(Target):
    name = "jaicp"
    outputs = (JAICP_DIR,)
    section = SECTION

    def check_section(self, table: Mapping[str, Any]) -> None:
        parse_policy(table)

    def prepare(self, data: EmitInput) -> Leads:
        """The leads with their request entries (`_jaicp_entries`, a list: a SIMPLE campaign's
        pipe-delimited primary gives one entry per number), and the warnings they cost."""
        policy = policy_of(data.config)
        leads = data.leads
        frame = leads.frame
        phones = data.validated.frame.select("_row", "_primary_e164")
        rows = frame.select("_row").join(phones, on="_row", how="left", maintain_order="left")
        overrides, warnings = _overrides(data, policy, rows.select("_row"))
        payload_fields = [c for c in frame.columns if c not in _NOT_PAYLOAD]
        from leadprep._emit import lead_bodies

        entries = (
            rows.with_columns(_payload=lead_bodies(frame.select(payload_fields)))
            .join(overrides, on="_row", how="left", maintain_order="left")
            .with_columns(_phone=pl.col("_primary_e164").str.split("|"))
            .explode("_phone")
            .with_columns(pl.col("_phone").str.strip_prefix("+"))
        )
        infer = data.config.mapping.infer_timezone == "phone"
        if infer:
            entries = _infer_zones(entries)
        entries = entries.with_columns(_entry=_entry_expr(policy))
        first = entries.select(pl.col("_entry").is_first_distinct().alias("_keep"))["_keep"]
        entries = entries.with_columns(_keep=first)
        if infer:
            then = (f"[{SECTION}] gmtZone {policy.fields['gmtZone']} applies"
                    if "gmtZone" in policy.fields else "the entry is sent without gmtZone")
            warnings = pl.concat([warnings, ambiguous_zone_warnings(
                entries.filter("_keep", "_zone_open"), "gmtZone", "gmtZone",
                pl.concat_str([pl.lit("+"), pl.col("_phone")]), then)])
        repeated = entries.filter(~pl.col("_keep")).select(
            "_row",
            _code=pl.lit(WarningCode.DUPLICATE_JAICP_PHONE.value),
            _field=pl.lit("phone"),
            _value=pl.col("_phone"),
            _message=pl.lit("this number, with the same settings and payload, is on an "
                            "earlier row; the server ignores repeats for 24 hours, so it is "
                            "not sent"),
        )
        kept = entries.filter("_keep").group_by("_row", maintain_order=True).agg(
            pl.col("_entry").alias("_jaicp_entries"))
        frame = frame.join(kept, on="_row", how="left", maintain_order="left")
        repeated = repeated.cast(pl.Schema(WARNING_SCHEMA))
        all_warnings = pl.concat([leads.warnings, warnings, repeated],
                                 how="vertical_relaxed").sort("_row", maintain_order=True)
        return Leads(frame, all_warnings)

    def write(self, stage: Path, data: EmitInput) -> Written:
        directory = stage / JAICP_DIR
        directory.mkdir()
        entries = data.leads.frame.select(pl.col("_jaicp_entries").explode().drop_nulls())
        size = data.config.load.batch_size
        documents = entries.with_row_index("_i").group_by(
            pl.col("_i") // size, maintain_order=True
        ).agg(pl.concat_str([pl.lit("[\n"), pl.col("_jaicp_entries").str.join(",\n"),
                             pl.lit("\n]\n")]).alias("document"))["document"]
        names = [f"add-phones-{i + 1:05d}.json" for i in range(len(documents))]
        for name, document in zip(names, documents, strict=True):
            (directory / name).write_bytes(document.encode("utf-8"))
        return Written(tuple(f"{JAICP_DIR}/{name}" for name in names), len(names))


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _entry_expr(policy: JaicpPolicy) -> pl.Expr:
    """One request object, its members in the API's order."""
    before = {k: v for k, v in policy.fields.items() if k not in COLUMN_KEYS}
    policy_json = "".join(f",{_json(k)}:{_json(v)}" for k, v in before.items())
    zone = pl.when(pl.col("_gmtZone").is_not_null()).then(
        # Checked zones hold letters, digits and + - _ / : only: no JSON escape needed.
        pl.concat_str([pl.lit(',"gmtZone":"'), pl.col("_gmtZone"), pl.lit('"')]))
    return pl.concat_str([
        pl.lit('{"phone":"'), pl.col("_phone"), pl.lit('","payload":'), pl.col("_payload"),
        pl.lit(policy_json), zone.fill_null(""), pl.lit(',"dialerPriority":'),
        pl.col("_dialerPriority").cast(pl.String), pl.lit("}"),
    ])


def _overrides(
    data: EmitInput, policy: JaicpPolicy, rows: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """`_row`, `_gmtZone`, `_dialerPriority` for each lead, and the warnings for the values a
    row gave that the API would not take."""
    resolver = _Resolver(data.read, data.config)
    source = data.read.rows.select("_row")
    for key, ref in policy.columns.items():
        index = resolver.resolve(f"[{SECTION}.columns] {key}", ref)
        source = source.with_columns(
            data.read.rows[column_name(index)].str.strip_chars().replace("", None).alias(key))
    values = rows.join(source, on="_row", how="left", maintain_order="left")
    warnings: list[pl.DataFrame] = []
    zone = pl.lit(policy.fields.get("gmtZone"), pl.String)
    if "gmtZone" in values.columns:
        given = values["gmtZone"].drop_nulls().unique()
        valid = [v for v in given.to_list() if gmt_zone_problem(v) is None]
        ok = pl.col("gmtZone").is_in(valid)
        bad = values.filter(pl.col("gmtZone").is_not_null() & ~ok)
        then = (f"[{SECTION}] gmtZone applies" if "gmtZone" in policy.fields
                else "the entry is sent without gmtZone")
        warnings.append(_warnings(bad, "gmtZone", WarningCode.INVALID_GMT_ZONE,
                                  "not a gmtZone the API takes (Z, an offset such as -05:00, or "
                                  f"an IANA ID such as America/New_York); dropped, {then}"))
        zone = pl.when(ok).then(pl.col("gmtZone")).otherwise(zone)
    priority = pl.lit(policy.priority, pl.Int64)
    if "dialerPriority" in values.columns:
        number = pl.col("dialerPriority").str.extract(r"^(\d{1,9})$").cast(pl.Int64)
        ok = number.is_between(1, 5)
        bad = values.filter(pl.col("dialerPriority").is_not_null() & ~ok.fill_null(False))
        warnings.append(_warnings(bad, "dialerPriority", WarningCode.INVALID_DIALER_PRIORITY,
                                  "dialerPriority must be 1..5; set to 5, as the server does"))
        priority = (pl.when(pl.col("dialerPriority").is_null()).then(priority)
                    .when(ok).then(number).otherwise(pl.lit(DEFAULT_PRIORITY, pl.Int64)))
    # A row that gives no gmtZone is open to [mapping] infer_timezone; an invalid one is not.
    zone_given = (pl.col("gmtZone").is_not_null() if "gmtZone" in values.columns
                  else pl.lit(False))
    overrides = values.select("_row", zone.alias("_gmtZone"), priority.alias("_dialerPriority"),
                              (~zone_given).alias("_zone_open"))
    empty = pl.DataFrame(schema=WARNING_SCHEMA)
    return overrides, pl.concat([empty, *warnings], how="vertical_relaxed")


def _warnings(bad: pl.DataFrame, column: str, code: WarningCode, message: str) -> pl.DataFrame:
    return bad.select(
        "_row", _code=pl.lit(code.value), _field=pl.lit(column), _value=pl.col(column),
        _message=pl.concat_str([pl.lit(f"{column} \""), pl.col(column),
                                pl.lit(f"\": {message}")]),
    ).cast(pl.Schema(WARNING_SCHEMA))


def _infer_zones(entries: pl.DataFrame) -> pl.DataFrame:
    """[mapping] infer_timezone = "phone": an entry whose row gave no gmtZone takes its
    number's zone when phonenumbers knows exactly one (an IANA ID, which gmtZone takes);
    `_tz_zones` keeps what was found, for the warning of the entries left as they were."""
    open_entries = entries.with_row_index("_e").filter("_zone_open")
    e164 = open_entries.select(pl.concat_str([pl.lit("+"), pl.col("_phone")]))
    found = open_entries.select("_e", _tz_zones=phone_time_zones(e164.to_series()))
    entries = entries.with_row_index("_e").join(found, on="_e", how="left",
                                                maintain_order="left").drop("_e")
    return entries.with_columns(
        _gmtZone=pl.coalesce(single_zone(pl.col("_tz_zones")), pl.col("_gmtZone")))
