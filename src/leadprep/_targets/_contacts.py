"""Campaigns from a contact list: DIR/contacts/campaign-NNNNN.json (reference 004_*).

Each file is one request body `{playbook_id, contacts, launch_at, recall}` with at most
`batch_size` contacts. The `[contacts]` section gives `playbook_id` (a UUID, required),
`launch_at` (ISO 8601, optional) and `recall` (the string form "[30,120]" or an array of
positive minutes, optional), and `custom_fields = "unmapped"` to send the file's unmapped
columns as custom fields; `[contacts.columns]` maps the contact fields no lead field carries
(company, job_title, country, timezone, utm_*) to columns.

Each contact has `phone` (the primary's E.164 number; a SIMPLE campaign's pipe-delimited
primary gives one contact per number) and, when present, first_name, last_name, email, address,
city, state, postal_code from the mapped lead fields, the `[contacts.columns]` fields, and
custom_fields (extendedLeadData, then the unmapped columns when asked). The API's 400 rules are
checked before anything is written: playbook_id present, no empty contacts (no body is written
without contacts), every contact with a valid phone (rows without one are rejects).
A `timezone` that is not an IANA ID is dropped with an INVALID_CONTACT_TIMEZONE warning (the
reference lists no 400 for it, so the contact is still sent). With `[mapping] infer_timezone =
"phone"` a contact without one takes its number's zone when phonenumbers knows exactly one
(several: AMBIGUOUS_PHONE_TIMEZONE, sent without).
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl

from leadprep._codes import WarningCode
from leadprep._config import Config
from leadprep._emit import _json_member, _json_members
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

CONTACTS_DIR = "contacts"
SECTION = "contacts"
SECTION_KEYS = ("playbook_id", "launch_at", "recall", "custom_fields", "columns")
# Lead field -> contact field, in the reference's order of contact fields.
FROM_LEAD = {"firstName": "first_name", "lastName": "last_name", "email": "email",
             "address1": "address", "city": "city", "state": "state", "zip": "postal_code"}
CONTACT_FIELDS = ("first_name", "last_name", "email", "company", "job_title", "address", "city",
                  "state", "country", "postal_code", "timezone", "utm_source", "utm_medium",
                  "utm_campaign", "utm_term", "utm_content")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                   r"[0-9a-fA-F]{12}")


def _fail(key: str, value: Any, problem: str) -> ConfigError:
    return ConfigError(f"[{SECTION}] {key} = {value!r} {problem}")


def check_recall(value: Any) -> Any:
    """`recall`: "[30,120]" or [30, 120]: a non-empty array of positive whole minutes. The
    string form is sent as the reference writes it, "[30,120]" (JSON would also take
    " [30, 120]\n", which the schema's string form does not)."""
    minutes = value
    if isinstance(value, str):
        try:
            minutes = json.loads(value)
        except ValueError:
            raise _fail("recall", value, 'is not an array of minutes such as "[30,120]"'
                        ) from None
    if not isinstance(minutes, list) or not minutes or not all(
            isinstance(m, int) and not isinstance(m, bool) and m > 0 for m in minutes):
        raise _fail("recall", value, 'must be a non-empty array of positive minutes, as '
                    '"[30,120]" or [30, 120]')
    if isinstance(value, str):
        return "[" + ",".join(str(m) for m in minutes) + "]"
    return value


def parse_section(table: Mapping[str, Any]) -> dict[str, Any]:
    """The body's fields other than contacts, in the API's order; a ConfigError names the key."""
    for key in table:
        if key not in SECTION_KEYS:
            close = difflib.get_close_matches(str(key), SECTION_KEYS, n=1)
            known = ", ".join(SECTION_KEYS)
            hint = f"; did you mean {close[0]!r}?" if close else f"; known: {known}"
            raise ConfigError(f"unknown config entry [{SECTION}] {key}{hint}")
    if "playbook_id" not in table:
        raise ConfigError(f"[{SECTION}] playbook_id is required: the UUID of the playbook "
                          "(assistant) that makes the calls")
    playbook = table["playbook_id"]
    if not isinstance(playbook, str) or not _UUID.fullmatch(playbook):
        raise _fail("playbook_id", playbook, "must be a UUID such as "
                    '"123e4567-e89b-12d3-a456-426614174000"')
    body: dict[str, Any] = {"playbook_id": playbook}
    if "launch_at" in table:
        launch = table["launch_at"]
        if isinstance(launch, datetime):  # a TOML date-time
            launch = launch.isoformat()
        if not isinstance(launch, str) or iso_date_time(launch) is None:
            raise _fail("launch_at", table["launch_at"], "must be an ISO 8601 date-time such as "
                        f'"2025-03-01T10:00:00" ({ISO_DATE_TIME_FORM})')
        body["launch_at"] = launch
    if "recall" in table:
        body["recall"] = check_recall(table["recall"])
    custom = table.get("custom_fields")
    if custom is not None and custom != "unmapped":
        raise _fail("custom_fields", custom, 'may only be "unmapped" (send the columns no '
                    "mapping uses as custom_fields)")
    columns = table.get("columns", {})
    if not isinstance(columns, Mapping):
        raise _fail("columns", columns, "must be a table: contact field = a column")
    for key, ref in columns.items():
        if key not in CONTACT_FIELDS:
            close = difflib.get_close_matches(str(key), CONTACT_FIELDS, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ConfigError(f"[{SECTION}.columns] {key}: not a contact field{hint} (known: "
                              f"{', '.join(CONTACT_FIELDS)})")
        if isinstance(ref, bool) or not isinstance(ref, str | int):
            raise _fail(f"columns.{key}", ref, "must be a header name or a column index")
    return body


class ContactsTarget(Target):
    name = "contacts"
    outputs = (CONTACTS_DIR,)
    section = SECTION

    def check_section(self, table: Mapping[str, Any]) -> None:
        parse_section(table)

    def check(self, config: Config) -> None:
        if SECTION not in config.targets:
            raise ConfigError(f"--format contacts needs a [{SECTION}] section with playbook_id "
                              "(a UUID) in the config")

    def prepare(self, data: EmitInput) -> Leads:
        table = data.config.targets[SECTION]
        leads = data.leads
        frame = leads.frame
        phones = data.validated.frame.select("_row", "_primary_e164")
        extra, custom = _extra_columns(data, table)
        rows = (frame.join(phones, on="_row", how="left", maintain_order="left")
                .join(extra, on="_row", how="left", maintain_order="left"))
        warnings = pl.DataFrame(schema=WARNING_SCHEMA)
        infer = data.config.mapping.infer_timezone == "phone"
        if infer and "timezone" not in rows.columns:
            rows = rows.with_columns(timezone=pl.lit(None, pl.String))
        # A contact whose row gives no timezone is open to infer_timezone; an invalid one is not.
        open_zone = pl.col("timezone").is_null() if infer else pl.lit(False)
        rows = rows.with_columns(_zone_open=open_zone)
        if "timezone" in rows.columns:
            given = rows["timezone"].drop_nulls().unique().to_list()
            valid = [z for z in given if z in iana_zones()]
            bad = rows.filter(pl.col("timezone").is_not_null() & ~pl.col("timezone").is_in(valid))
            warnings = bad.select(
                "_row", _code=pl.lit(WarningCode.INVALID_CONTACT_TIMEZONE.value),
                _field=pl.lit("timezone"), _value=pl.col("timezone"),
                _message=pl.concat_str([pl.lit('timezone "'), pl.col("timezone"), pl.lit(
                    '": not an IANA time zone ID such as Europe/Madrid; dropped')]),
            ).cast(pl.Schema(WARNING_SCHEMA))
            rows = rows.with_columns(
                pl.when(pl.col("timezone").is_in(valid)).then(pl.col("timezone")))
        # One entry per number (a SIMPLE campaign's pipe list gives several), each its own
        # contact: an inferred timezone is its own number's.
        rows = rows.with_columns(_phone=pl.col("_primary_e164").str.split("|")).explode("_phone")
        if infer:
            rows, inferred = _infer_zones(rows)
            warnings = pl.concat([warnings, inferred])
        contact = _contact_expr(rows.drop("_phone", "_zone_open", "_tz_zones", strict=False),
                                custom)
        entries = rows.select("_row", "_phone", _contact=contact)
        entries = entries.select("_row", _contact=pl.concat_str([
            pl.lit('{"phone":"'), pl.col("_phone"), pl.lit('"'),
            pl.when(pl.col("_contact") != "").then(pl.concat_str([pl.lit(","),
                                                                  pl.col("_contact")]))
            .fill_null(""), pl.lit("}")]))
        kept = entries.group_by("_row", maintain_order=True).agg(
            pl.col("_contact").alias("_contacts"))
        frame = frame.join(kept, on="_row", how="left", maintain_order="left")
        all_warnings = pl.concat([leads.warnings, warnings], how="vertical_relaxed").sort(
            "_row", maintain_order=True)
        return Leads(frame, all_warnings)

    def write(self, stage: Path, data: EmitInput) -> Written:
        body = parse_section(data.config.targets[SECTION])
        head = '{"playbook_id":' + json.dumps(body["playbook_id"]) + ',"contacts":[\n'
        tail = "\n]" + "".join(
            f",{json.dumps(k)}:{json.dumps(body[k], separators=(',', ':'))}"
            for k in ("launch_at", "recall") if k in body) + "}\n"
        directory = stage / CONTACTS_DIR
        directory.mkdir()
        contacts = data.leads.frame.select(pl.col("_contacts").explode().drop_nulls())
        size = data.config.load.batch_size
        documents = contacts.with_row_index("_i").group_by(
            pl.col("_i") // size, maintain_order=True
        ).agg(pl.concat_str([pl.lit(head), pl.col("_contacts").str.join(",\n"), pl.lit(tail)])
              .alias("document"))["document"]
        # A body without contacts is a 400: none is written for a file with no accepted lead.
        names = [f"campaign-{i + 1:05d}.json" for i in range(len(documents))]
        for name, document in zip(names, documents, strict=True):
            (directory / name).write_bytes(document.encode("utf-8"))
        return Written(tuple(f"{CONTACTS_DIR}/{name}" for name in names), len(names))


def _infer_zones(rows: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """[mapping] infer_timezone = "phone": a contact without a timezone takes its number's
    zone when phonenumbers knows exactly one; the warnings of those with several."""
    rows = rows.with_row_index("_e")
    open_rows = rows.filter("_zone_open")
    found = open_rows.select("_e", _tz_zones=phone_time_zones(open_rows["_phone"]))
    rows = rows.join(found, on="_e", how="left", maintain_order="left").drop("_e")
    rows = rows.with_columns(
        timezone=pl.coalesce("timezone", single_zone(pl.col("_tz_zones"))))
    warned = ambiguous_zone_warnings(rows.filter("_zone_open"), "timezone", "timezone",
                                     pl.col("_phone"), "the contact is sent without one")
    return rows, warned


def _extra_columns(
    data: EmitInput, table: Mapping[str, Any]
) -> tuple[pl.DataFrame, dict[str, str]]:
    """`_row`, the `[contacts.columns]` fields, and `_custom_<i>` for unmapped columns; with
    the custom_fields key (the header name) of each `_custom_<i>`."""
    resolver = _Resolver(data.read, data.config)
    rows = data.read.rows
    out = rows.select("_row")
    used: set[int] = set(data.validated.mapped.fields.values())
    used |= {p.source for p in data.validated.mapped.personas}
    used |= {src for src, _ in data.validated.mapped.extended.values()}
    for key, ref in table.get("columns", {}).items():
        index = resolver.resolve(f"[{SECTION}.columns] {key}", ref)
        used.add(index)
        out = out.with_columns(_clean(rows[column_name(index)]).alias(key))
    custom: dict[str, str] = {}
    if table.get("custom_fields") == "unmapped":
        seen: set[str] = set(data.validated.mapped.extended)
        for index, name in enumerate(data.read.header):
            if index in used or not name.strip() or name in seen:
                continue
            seen.add(name)
            out = out.with_columns(_clean(rows[column_name(index)]).alias(f"_custom_{index}"))
            custom[f"_custom_{index}"] = name
    return out, custom


def _clean(values: pl.Series) -> pl.Series:
    return values.str.strip_chars().replace("", None)


def _contact_expr(rows: pl.DataFrame, extra_custom: dict[str, str]) -> pl.Expr:
    """A contact's members after `phone` (without braces), null values left out."""
    sources = {contact: lead for lead, contact in FROM_LEAD.items()}
    members = []
    for name in CONTACT_FIELDS:
        column = name if name in rows.columns else sources.get(name)
        if column is not None and column in rows.columns:
            members.append(_json_member(rows, name, pl.col(column)))
    custom = []
    if "extendedLeadData" in rows.columns:
        keys = [f.name for f in rows.schema["extendedLeadData"].fields]  # type: ignore[attr-defined]
        custom += [_json_member(rows, k, pl.col("extendedLeadData").struct.field(k)) for k in keys]
    custom += [_json_member(rows, key, pl.col(column)) for column, key in extra_custom.items()]
    if custom:
        inside = _json_members(custom)
        members.append(pl.when(inside != "").then(
            pl.concat_str([pl.lit('"custom_fields":{'), inside, pl.lit("}")])))
    if not members:
        return pl.lit("")
    return _json_members(members).fill_null("")
