"""Time zones (issue 7, item 4): the zone column each target takes, validated as that target's
API takes it, and `[mapping] infer_timezone = "phone"`, which fills an empty zone from the
phone number as phonenumbers' time-zone data gives it (several zones: left empty, warned)."""

from __future__ import annotations

import csv
import io
import json
import random
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import phonenumbers
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from phonenumbers import PhoneNumberType
from phonenumbers.phonenumberutil import COUNTRY_CODE_TO_REGION_CODE
from phonenumbers.timezone import time_zones_for_number
from phonenumbers.tzdata import TIMEZONE_DATA

import leadprep
from leadprep._config import parse_config
from leadprep._errors import ConfigError
from leadprep._targets._jaicp import gmt_zone_problem
from leadprep._timezone import iana_zones, phone_time_zones
from tests.conftest import convert_in, validate_against

PLAYBOOK = "123e4567-e89b-12d3-a456-426614174000"
NEW_YORK = "+12015550123"  # fixed line or mobile, area code 201: America/New_York
TOLL_FREE = "+18002345678"  # toll free: the country's 42 zones
UNKNOWN = "+80012345678"  # international freephone: no zone ("Etc/Unknown")
MONGOLIA = "+97688123456"  # Asia/Choibalsan, Asia/Hovd, Asia/Ulaanbaatar


# --- the phone -> zones replay --------------------------------------------------------------


def _reference(number: phonenumbers.PhoneNumber) -> list[str] | None:
    zones = list(time_zones_for_number(number))
    return None if zones == ["Etc/Unknown"] else zones


def _e164(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _example_numbers() -> list[phonenumbers.PhoneNumber]:
    types = [t for n, t in vars(PhoneNumberType).items() if n.isupper() and n != "UNKNOWN"]
    numbers = [
        number
        for region in sorted(phonenumbers.SUPPORTED_REGIONS)
        for kind in types
        if (number := phonenumbers.example_number_for_type(region, kind)) is not None
    ]
    for code in sorted(phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS):
        number = phonenumbers.example_number_for_non_geo_entity(code)
        if number is not None:
            numbers.append(number)
    return numbers


def _mismatches(numbers: list[phonenumbers.PhoneNumber]) -> list[tuple[str, Any, Any]]:
    e164 = [_e164(n) for n in numbers]
    got = phone_time_zones(pl.Series(e164, dtype=pl.String)).to_list()
    return [
        (e, _reference(n), g)
        for e, n, g in zip(e164, numbers, got, strict=True)
        if _reference(n) != g
    ]


def test_every_example_number_of_every_region_and_type_gets_phonenumbers_zones() -> None:
    numbers = _example_numbers()
    assert len(numbers) > 1300
    assert _mismatches(numbers) == []


def test_example_numbers_with_changed_digits_get_phonenumbers_zones() -> None:
    """Invalid numbers (no zone) and neighbours of valid ones, of every region."""
    rnd = random.Random(7)
    numbers = []
    for number in _example_numbers():
        digits = _e164(number)[1:]
        for _ in range(3):
            at = rnd.randrange(len(digits))
            changed = digits[:at] + str(rnd.randrange(10)) + digits[at + 1 :]
            try:
                numbers.append(phonenumbers.parse("+" + changed))
            except phonenumbers.NumberParseException:
                continue
    assert _mismatches(numbers) == []


_CODES = sorted(COUNTRY_CODE_TO_REGION_CODE)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(_CODES), st.text("0123456789", min_size=2, max_size=14)),
        min_size=1,
        max_size=40,
    )
)
def test_generated_numbers_get_phonenumbers_zones(drawn: list[tuple[int, str]]) -> None:
    numbers = []
    for code, rest in drawn:
        try:
            numbers.append(phonenumbers.parse(f"+{code}{rest}"))
        except phonenumbers.NumberParseException:
            continue
    assert _mismatches(numbers) == []


def test_nulls_and_values_that_are_not_e164_have_no_zone() -> None:
    got = phone_time_zones(pl.Series([None, "", "2015550123", "+", "+1x", NEW_YORK]))
    assert got.to_list() == [None, None, None, None, None, ["America/New_York"]]


def test_every_zone_phonenumbers_can_infer_is_a_zone_every_target_takes() -> None:
    inferable = {zone for zones in TIMEZONE_DATA.values() for zone in zones}
    assert "Etc/Unknown" not in inferable
    assert inferable <= iana_zones()
    assert all(gmt_zone_problem(zone) is None for zone in inferable)


def test_the_zone_list_holds_tzdb_ids_only() -> None:
    zones = iana_zones()
    assert {"America/New_York", "Europe/Madrid", "Etc/UTC", "Asia/Kolkata"} <= zones
    assert not zones & {"Factory", "localtime", "posixrules", "Etc/Unknown"}
    assert not any(z.startswith(("posix/", "right/")) for z in zones)


# --- the three targets --------------------------------------------------------------------

HEADER = "id,phone,tz\n"


def _config(*, infer: bool, explicit: bool = False, column: bool = True, extra: str = "") -> str:
    lines = [
        '[campaign]\ncalling_configuration = "SIMPLE"',
        "[load]",
        'duplicate_handling = "RETAIN_ALL"',
    ]
    if explicit:
        lines.append('time_zone_option = "EXPLICIT"')
    lines.append("[mapping]")
    if infer:
        lines.append('infer_timezone = "phone"')
    lines += ["[mapping.columns]", 'EXTERN_ID = "id"', 'LEAD_PHONE = "phone"']
    if column and explicit:
        lines.append('LEAD_TIMEZONE = "tz"')
    lines += ["[jaicp]", 'gmtZone = "-05:00"']
    if column:
        lines += ["[jaicp.columns]", 'gmtZone = "tz"']
    lines += ["[contacts]", f'playbook_id = "{PLAYBOOK}"']
    if column:
        lines += ["[contacts.columns]", 'timezone = "tz"']
    return "\n".join(lines) + "\n" + extra


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _run(tmp_path: Path, rows: list[tuple[str, str]], target: str, config: str) -> dict[str, Any]:
    """Convert `rows` (phone, zone) with `target`; each row's zone as sent (None: omitted),
    the rejects' reasons and messages, and the warnings, by row."""
    text = HEADER + "".join(f"{i},{phone},{zone}\n" for i, (phone, zone) in enumerate(rows, 1))
    out = convert_in(tmp_path, text, config, target)
    sent: dict[int, Any] = {}
    if target == "leadloader":
        for path in sorted((out / "batches").glob("*.json")):
            body = json.loads(path.read_text(encoding="utf-8"))
            validate_against("leadloader-direct-request", body)
            for lead in body["uploadLeads"]:
                sent[int(lead["externId"])] = lead.get("leadTimezone")
    elif target == "jaicp":
        for path in sorted((out / "jaicp").glob("*.json")):
            body = json.loads(path.read_text(encoding="utf-8"))
            validate_against("jaicp-add-phones-request", body)
            for entry in body:
                sent[int(entry["payload"]["externId"])] = entry.get("gmtZone")
    else:
        phones = {
            phonenumbers.format_number(phonenumbers.parse(p, "US"), 0): i
            for i, (p, _) in enumerate(rows, 1)
        }
        for path in sorted((out / "contacts").glob("*.json")):
            body = json.loads(path.read_text(encoding="utf-8"))
            validate_against("contacts-campaign-request", body)
            for contact in body["contacts"]:
                sent[phones[contact["phone"]]] = contact.get("timezone")
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    validate_against("summary", summary)
    return {
        "sent": sent,
        "rejects": {
            int(r["_row"]): (r["_reasons"], r["_message"]) for r in _csv(out / "rejects.csv")
        },
        "warnings": {
            int(w["_row"]): (w["_code"], w["_field"], w["_value"], w["_message"])
            for w in _csv(out / "warnings.csv")
        },
    }


IANA = [
    "America/New_York",
    "Europe/Madrid",
    "Asia/Kolkata",
    "Etc/UTC",
    "Asia/Calcutta",
    "America/Argentina/Buenos_Aires",
    "Pacific/Chatham",
]
OFFSETS = ["-05:00", "Z", "+0530", "UTC+1", "GMT-05:00"]
NEITHER = [
    "america/new_york",
    "Mars/Base",
    "Eastern",
    "EST-5",
    "Factory",
    "localtime",
    "Etc/Unknown",
    "+25:00",
]


@pytest.mark.parametrize("zone", IANA)
def test_leadloader_explicit_takes_an_iana_zone(tmp_path: Path, zone: str) -> None:
    got = _run(tmp_path, [(NEW_YORK, zone)], "leadloader", _config(infer=False, explicit=True))
    assert got["sent"] == {1: zone} and got["rejects"] == {}


@pytest.mark.parametrize("zone", OFFSETS + NEITHER)
def test_leadloader_explicit_rejects_anything_else_naming_row_column_and_value(
    tmp_path: Path, zone: str
) -> None:
    got = _run(tmp_path, [(NEW_YORK, zone)], "leadloader", _config(infer=True, explicit=True))
    reasons, message = got["rejects"][1]
    assert reasons == "INVALID_LEAD_TIMEZONE"
    assert f"leadTimezone '{zone}' (column 'tz') is not an IANA time zone ID" in message
    assert got["sent"] == {}  # a given zone is never inferred over, even a wrong one


def test_leadloader_explicit_rejects_an_empty_zone(tmp_path: Path) -> None:
    got = _run(tmp_path, [(NEW_YORK, "")], "leadloader", _config(infer=False, explicit=True))
    assert got["rejects"][1][0] == "INVALID_LEAD_TIMEZONE"
    assert "leadTimezone (column 'tz') is empty" in got["rejects"][1][1]


@pytest.mark.parametrize("zone", IANA + OFFSETS)
def test_jaicp_takes_an_iana_zone_or_an_offset(tmp_path: Path, zone: str) -> None:
    got = _run(tmp_path, [(NEW_YORK, zone)], "jaicp", _config(infer=True))
    assert got["sent"] == {1: zone} and got["warnings"] == {}


@pytest.mark.parametrize("zone", NEITHER)
def test_jaicp_drops_anything_else_with_a_warning_and_the_section_zone_applies(
    tmp_path: Path, zone: str
) -> None:
    got = _run(tmp_path, [(NEW_YORK, zone)], "jaicp", _config(infer=True))
    assert got["sent"] == {1: "-05:00"}
    assert got["warnings"][1][:3] == ("INVALID_GMT_ZONE", "gmtZone", zone)


@pytest.mark.parametrize("zone", IANA)
def test_contacts_take_an_iana_zone(tmp_path: Path, zone: str) -> None:
    got = _run(tmp_path, [(NEW_YORK, zone)], "contacts", _config(infer=True))
    assert got["sent"] == {1: zone} and got["warnings"] == {}


@pytest.mark.parametrize("zone", OFFSETS + NEITHER)
def test_contacts_drop_anything_else_with_a_warning_and_keep_the_contact(
    tmp_path: Path, zone: str
) -> None:
    """The reference documents timezone as an IANA name ("Europe/Madrid") and lists no 400
    for it: the contact is still sent (its phone is what makes it valid), without timezone."""
    got = _run(tmp_path, [(NEW_YORK, zone)], "contacts", _config(infer=True))
    assert got["sent"] == {1: None}
    assert got["warnings"][1][:3] == ("INVALID_CONTACT_TIMEZONE", "timezone", zone)


def test_the_reference_examples_pass_the_zone_validators() -> None:
    # 003_*: "gmtZone": "-05:00"; 004_*: timezone "Europe/Madrid"; SPEC: America/New_York.
    assert gmt_zone_problem("-05:00") is None
    assert {"Europe/Madrid", "America/New_York"} <= iana_zones()


# --- infer_timezone = "phone" -------------------------------------------------------------

ROWS = [
    (NEW_YORK, ""),
    (TOLL_FREE, ""),
    (UNKNOWN, ""),
    (MONGOLIA, ""),
    ("(415) 555-0100", "Europe/Madrid"),
]


@pytest.mark.parametrize("target", ["leadloader", "jaicp", "contacts"])
def test_one_zone_is_filled_several_are_left_empty_with_a_warning_none_stays_empty(
    tmp_path: Path, target: str
) -> None:
    config = _config(infer=True, column=target != "leadloader")
    if target == "leadloader":  # NOT_APPLICABLE with a mapped column: filled, not checked
        config = config.replace(
            'LEAD_PHONE = "phone"', 'LEAD_PHONE = "phone"\nLEAD_TIMEZONE = "tz"'
        )
    got = _run(tmp_path, ROWS, target, config)
    empty = "-05:00" if target == "jaicp" else None
    assert got["sent"] == {1: "America/New_York", 2: empty, 3: empty, 4: empty, 5: "Europe/Madrid"}
    field = {"leadloader": "tz", "jaicp": "gmtZone", "contacts": "timezone"}[target]
    assert sorted(got["warnings"]) == [2, 4]
    code, where, value, message = got["warnings"][2]
    assert (code, where, value) == ("AMBIGUOUS_PHONE_TIMEZONE", field, TOLL_FREE)
    assert "42 time zones (America/Adak, America/Anchorage, America/Anguilla, …)" in message
    assert got["warnings"][4][3].count("Asia/") == 3


@pytest.mark.parametrize("target", ["leadloader", "jaicp", "contacts"])
def test_without_infer_timezone_nothing_is_inferred(tmp_path: Path, target: str) -> None:
    config = _config(infer=False, column=target != "leadloader")
    got = _run(tmp_path, [(NEW_YORK, "")], target, config)
    assert got["sent"] == {1: "-05:00" if target == "jaicp" else None}
    assert got["warnings"] == {}


def test_explicit_takes_the_inferred_zone_and_rejects_what_cannot_be_inferred(
    tmp_path: Path,
) -> None:
    got = _run(tmp_path, ROWS, "leadloader", _config(infer=True, explicit=True, column=False))
    assert got["sent"] == {1: "America/New_York", 5: "America/Los_Angeles"}
    assert {row: reasons for row, (reasons, _) in got["rejects"].items()} == {
        2: "INVALID_LEAD_TIMEZONE",
        3: "INVALID_LEAD_TIMEZONE",
        4: "INVALID_LEAD_TIMEZONE",
    }
    assert f"phone {TOLL_FREE} lies in 42 time zones" in got["rejects"][2][1]
    assert f"knows no time zone for phone {UNKNOWN}" in got["rejects"][3][1]
    assert got["warnings"] == {}


def test_the_process_file_carries_an_inferred_zone(tmp_path: Path) -> None:
    config = _config(infer=True, explicit=True, column=False)
    out = convert_in(tmp_path, HEADER + f"1,{NEW_YORK},\n", config, "process")
    request = json.loads((out / "process" / "process-request.json").read_text())
    validate_against("leadloader-process-request", request)
    leads = _csv(out / "process" / "leads.csv")
    assert leads[0]["LEAD_TIMEZONE"] == "America/New_York"
    assert "LEAD_TIMEZONE" in request["pageColumnMappings"]


@pytest.mark.parametrize("target", ["jaicp", "contacts"])
def test_each_number_of_a_pipe_list_gets_its_own_zone(tmp_path: Path, target: str) -> None:
    text = HEADER + f"1,{NEW_YORK}|+1 415 555 0100,\n"
    out = convert_in(tmp_path, text, _config(infer=True), target)
    if target == "jaicp":
        entries = json.loads((out / "jaicp" / "add-phones-00001.json").read_text())
    else:
        entries = json.loads((out / "contacts" / "campaign-00001.json").read_text())["contacts"]
    zones = [e.get("gmtZone", e.get("timezone")) for e in entries]
    assert zones == ["America/New_York", "America/Los_Angeles"]


def test_a_leads_pipe_list_in_several_zones_is_ambiguous(tmp_path: Path) -> None:
    rows = [(f"{NEW_YORK}|+1 415 555 0100", ""), (f"{NEW_YORK}|+1 201 555 0124", "")]
    got = _run(tmp_path, rows, "leadloader", _config(infer=True, explicit=True, column=False))
    assert got["sent"] == {2: "America/New_York"}
    assert "lies in 2 time zones (America/New_York, America/Los_Angeles)" in got["rejects"][1][1]


# --- the config key -----------------------------------------------------------------------


@pytest.mark.parametrize("value", ["zip", "Phone", "", True, 1, ["phone"]])
def test_an_unknown_infer_timezone_is_a_config_error_naming_the_key(value: Any) -> None:
    with pytest.raises(ConfigError, match=r"\[mapping\] infer_timezone"):
        parse_config({"mapping": {"infer_timezone": value}})


def test_infer_timezone_phone_is_read_and_off_by_default() -> None:
    assert parse_config({"mapping": {"infer_timezone": "phone"}}).mapping.infer_timezone == "phone"
    assert parse_config({}).mapping.infer_timezone is None


def test_an_unknown_infer_timezone_exits_2_from_the_cli(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text(HEADER + f"1,{NEW_YORK},\n", encoding="utf-8")
    cfg = tmp_path / "c.toml"
    cfg.write_text(_config(infer=False).replace("[mapping]", '[mapping]\ninfer_timezone = "zip"'))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "leadprep",
            "convert",
            str(src),
            "--config",
            str(cfg),
            "--out",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "[mapping] infer_timezone = 'zip'" in done.stderr


def test_explicit_needs_a_zone_column_or_infer_timezone(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"LEAD_TIMEZONE.*infer_timezone"):
        _run(
            tmp_path,
            [(NEW_YORK, "")],
            "leadloader",
            _config(infer=False, explicit=True, column=False),
        )


# --- whole file and blocks ----------------------------------------------------------------


def _mixed_file(path: Path, rows: int) -> Path:
    rnd = random.Random(11)
    phones = [
        NEW_YORK,
        "(415) 555-0100",
        TOLL_FREE,
        UNKNOWN,
        MONGOLIA,
        "+44 20 7946 0958",
        "+1 246 250 1234",
        "12345",
    ]
    # No pipe lists: under REMOVE_FROM_LIST the block path cannot key them yet (KeptPhones
    # casts the E.164 digits to a number), a limit of the duplicate check, not of time zones.
    zones = ["", "", "", "America/Chicago", "Mars/Base", "-05:00"]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["id", "phone", "tz", "note"])
    for i in range(rows):
        writer.writerow(
            [
                f"C{i}",
                rnd.choice(phones),
                rnd.choice(zones),
                rnd.choice(["plain", "two\nlines", "with, comma"]),
            ]
        )
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


@pytest.mark.parametrize("explicit", [True, False])
def test_blocks_write_the_bytes_of_the_whole_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, explicit: bool
) -> None:
    from leadprep import _read

    from .test_convert_blocks import outputs

    monkeypatch.setattr(_read, "HEAD_BLOCK_BYTES", 16 << 10)
    source = _mixed_file(tmp_path / "leads.csv", 6000)
    text = _config(infer=True, explicit=explicit).replace('"RETAIN_ALL"', '"REMOVE_FROM_LIST"')
    if not explicit:
        text = text.replace('LEAD_PHONE = "phone"', 'LEAD_PHONE = "phone"\nLEAD_TIMEZONE = "tz"')
    config = parse_config(tomllib.loads(text))
    whole = leadprep.convert(source, config, tmp_path / "whole", stream=False)
    blocks = leadprep.convert(source, config, tmp_path / "blocks", stream=True, block_bytes=8192)
    assert blocks.streamed and not whole.streamed
    assert outputs(tmp_path / "blocks") == outputs(tmp_path / "whole")
    summary = whole.summary
    if explicit:
        assert summary["reasons"]["INVALID_LEAD_TIMEZONE"] > 0
    else:
        assert summary["warnings"]["AMBIGUOUS_PHONE_TIMEZONE"] > 0
