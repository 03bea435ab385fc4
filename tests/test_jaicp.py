"""--format jaicp: JAICP addPhones request arrays (reference 003_*), and the target registry."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import leadprep
from leadprep._config import parse_config
from leadprep._errors import ConfigError
from leadprep._targets import TARGETS, EmitInput, Target, Written
from leadprep._targets._jaicp import gmt_zone_problem, parse_policy
from tests.conftest import convert_in, validate_against

ACCEPTED_ZONES = [
    # Z
    "Z",
    # +h, +hh, ±hhmm, ±hhmmss, with optional ':' separators
    "+0", "-0", "+5", "-9", "+05", "-05", "+18", "-18", "+0530", "-0330", "+05:30", "-03:30",
    "+1800", "-18:00", "+053000", "-053045", "+05:30:00", "-01:02:03", "+00:00", "-00:00:00",
    # UTC, GMT, UT prefixes (alone or before an offset)
    "UTC", "GMT", "UT", "UTC+5", "GMT-05:00", "UT+0100", "UTC-12", "GMT+05:30:15", "UTC+00",
    # IANA TZDB IDs
    "America/New_York", "Europe/Madrid", "Asia/Kolkata", "Australia/Lord_Howe",
    "America/Argentina/Buenos_Aires", "Etc/GMT+5", "Etc/UTC", "Pacific/Chatham", "EST5EDT",
]
REFUSED_ZONES = [
    "", "z", "utc", "gmt+5", "+19", "-18:01", "+05:60", "+123", "+05:3", "+0530:00", "+05:30:60",
    "05:00", "+ 05:00", "UTC+", "GMTZ", "UTCZ", "GMT 5", "america/new_york", "America/NewYork",
    "EST-5", "Mars/Olympus", "+5:30", "UTC-5:30", "Z+01:00", "+05 ", "CEST", "++05",
]


@pytest.mark.parametrize("zone", ACCEPTED_ZONES)
def test_gmt_zone_accepted(zone: str) -> None:
    assert gmt_zone_problem(zone) is None
    parse_policy({"gmtZone": zone})


@pytest.mark.parametrize("zone", REFUSED_ZONES)
def test_gmt_zone_refused(zone: str) -> None:
    assert gmt_zone_problem(zone) is not None
    with pytest.raises(ConfigError, match=r"\[jaicp\] gmtZone"):
        parse_policy({"gmtZone": zone})


def test_the_table_is_big_enough() -> None:
    assert len(set(ACCEPTED_ZONES)) >= 30 and len(set(REFUSED_ZONES)) >= 15


# The reference's example request, as a [jaicp] section.
REFERENCE_POLICY: dict[str, Any] = {
    "allowedTime": {
        "mon": [{"localTimeFrom": "10:00", "localTimeTo": "11:30"},
                {"localTimeFrom": "13:00", "localTimeTo": "14:30"}],
        "default": [{"localTimeFrom": "10:00", "localTimeTo": "18:00"}],
    },
    "retryIntervalInMinutes": 120,
    "maxAttempts": 0,
    "gmtZone": "-05:00",
}


def test_the_reference_examples_pass() -> None:
    policy = parse_policy({**REFERENCE_POLICY, "allowedDays": ["mon", "wed", "fri"],
                           "startDateTime": "2020-03-23T00:00:00Z",
                           "finishDateTime": "2020-03-23T00:00:00Z", "dialerPriority": 2})
    assert policy.fields["allowedTime"] == REFERENCE_POLICY["allowedTime"]
    assert list(policy.fields) == ["startDateTime", "finishDateTime", "allowedDays",
                                   "allowedTime", "retryIntervalInMinutes", "maxAttempts",
                                   "gmtZone", "dialerPriority"]
    # "Correct interval from 8 p.m. to 3 a.m."
    parse_policy({"allowedTime": {"default": [{"localTimeFrom": "20:00",
                                              "localTimeTo": "03:00"}]}})
    # touching intervals do not overlap; a wrapping one beside a daytime one
    parse_policy({"allowedTime": {"tue": [
        {"localTimeFrom": "10:00", "localTimeTo": "12:00"},
        {"localTimeFrom": "12:00", "localTimeTo": "14:00"},
        {"localTimeFrom": "22:00", "localTimeTo": "06:00"}]}})


@pytest.mark.parametrize("value", [
    "2020-03-23T00:00:00Z", "2020-03-23T00:00", "2020-03-23T00:00:00", "2020-03-23T10:00:00.5Z",
    "2020-03-23T10:00:00.123456789+05:30", "2020-03-23T10:00-03:00",
])
def test_start_and_finish_take_the_extended_iso_forms_and_the_schema_agrees(value: str) -> None:
    fields = parse_policy({"startDateTime": value, "finishDateTime": value}).fields
    assert fields["startDateTime"] == fields["finishDateTime"] == value
    validate_against("jaicp-add-phones-request", [{"phone": "16500000000", "dialerPriority": 5,
                                                   **fields}])


def test_toml_date_times_are_written_in_the_extended_form() -> None:
    policy = parse_config(tomllib.loads(
        "[jaicp]\nstartDateTime = 2020-03-23T00:00:00Z\nfinishDateTime = 2020-03-24T08:30:00"
        "+05:30\n")).targets["jaicp"]
    fields = parse_policy(policy).fields
    assert fields["startDateTime"] == "2020-03-23T00:00:00Z"
    assert fields["finishDateTime"] == "2020-03-24T08:30:00+05:30"


# The reference's example request body, as sent ("phone" a number there).
REFERENCE_BODY: list[dict[str, Any]] = [
    {"phone": 16500000000, "payload": {"name": "Alex", "age": 34}, **REFERENCE_POLICY}]


def test_the_reference_example_body_passes_the_schema_and_a_mutation_fails() -> None:
    validate_against("jaicp-add-phones-request", REFERENCE_BODY)
    validate_against("jaicp-add-phones-request", [{"phone": "16500000000"}])  # field table
    # No bound in the reference for the pause between attempts but its sign.
    validate_against("jaicp-add-phones-request",
                     [{"phone": "16500000000", "retryIntervalInMinutes": 0}])
    mutations: list[tuple[str, Any]] = [
        ("phone", "+16500000000"), ("phone", 0), ("dialerPriority", 7), ("dialerPriority", 0),
        ("allowedDays", ["Mon"]), ("allowedDays", []), ("maxAttempts", -1),
        ("retryIntervalInMinutes", -1), ("gmtZone", "05:00"), ("payload", "promo"),
        ("allowedTime", {"default": [{"localTimeFrom": "10:00"}]}),
        ("allowedTime", {"monday": [_t("10:00", "11:00")]}),
        ("allowedTime", {"mon": [_t("10:00", "24:00")]}),
        ("startDateTime", "2020-03-23"), ("finishDateTime", "20200323T000000Z"),
        ("phones", "16500000000"),
    ]
    for key, value in mutations:
        with pytest.raises(jsonschema.ValidationError):
            validate_against("jaicp-add-phones-request", [{**REFERENCE_BODY[0], key: value}])


def _t(a: str, b: str) -> dict[str, str]:
    return {"localTimeFrom": a, "localTimeTo": b}


@pytest.mark.parametrize(("table", "named"), [
    ({"allowedTime": {"default": [{"localTimeFrom": "10:00"}]}}, "has no localTimeTo"),
    ({"allowedTime": {"default": [{"localTimeTo": "10:00"}]}}, "has no localTimeFrom"),
    ({"allowedTime": {"mon": [_t("10:00", "13:30"), _t("13:00", "14:30")]}}, "overlap"),
    ({"allowedTime": {"mon": [_t("20:00", "03:00"), _t("02:00", "04:00")]}}, "overlap"),
    ({"allowedTime": {"mon": [_t("08:00", "18:00"), _t("09:00", "10:00")]}}, "overlap"),
    ({"allowedTime": {"mon": [_t("10:00", "10:00")]}}, "empty"),
    ({"allowedTime": {"mon": [_t("10:00", "24:00")]}}, "allowedTime.mon[1].localTimeTo"),
    ({"allowedTime": {"mon": [_t("9:00", "10:00")]}}, "HH:mm"),
    ({"allowedTime": {"monday": [_t("09:00", "10:00")]}}, "unknown key 'monday'"),
    ({"allowedTime": {"mon": []}}, "allowedTime.mon"),
    ({"allowedDays": ["mon", "Tue"]}, "allowedDays"),
    ({"allowedDays": ["mon", "mon"]}, "twice"),
    ({"allowedDays": []}, "allowedDays"),
    ({"dialerPriority": 7}, "dialerPriority = 7"),
    ({"dialerPriority": 0}, "dialerPriority = 0"),
    ({"dialerPriority": "2"}, "dialerPriority"),
    ({"retryIntervalInMinutes": -1}, "retryIntervalInMinutes"),
    ({"retryIntervalInMinutes": 1.5}, "retryIntervalInMinutes"),
    ({"maxAttempts": -1}, "maxAttempts"),
    ({"gmtZone": "-5:00"}, "gmtZone"),
    ({"startDateTime": "2020-03-23"}, "startDateTime"),
    # ISO 8601 forms datetime.fromisoformat takes but the schema (and the reference) do not
    ({"startDateTime": "20200323T000000Z"}, "startDateTime"),
    ({"startDateTime": "2020-W13-1T00:00"}, "startDateTime"),
    ({"startDateTime": "2020-03-23T00"}, "startDateTime"),
    ({"startDateTime": "2020-03-23t00:00:00Z"}, "startDateTime"),
    ({"finishDateTime": "2020-03-23T00:00:00+0000"}, "finishDateTime"),
    ({"finishDateTime": "2020-02-30T00:00:00Z"}, "finishDateTime"),
    ({"finishDateTime": "2020-03-23T24:00:00Z"}, "finishDateTime"),
    ({"startDateTime": "2020-03-23T00:00:00Z", "finishDateTime": "2020-03-24T00:00:00"},
     "both have a UTC offset"),
    ({"startDateTime": "2020-03-24T00:00:00Z", "finishDateTime": "2020-03-23T00:00:00Z"},
     "finishDateTime"),
    ({"maxAttemps": 1}, "did you mean 'maxAttempts'"),
    ({"columns": {"priority": "P"}}, "columns"),
])
def test_a_mutation_of_each_rule_fails_naming_it(table: dict[str, Any], named: str) -> None:
    with pytest.raises(ConfigError, match="jaicp") as info:
        parse_config({"jaicp": table})
    assert named in str(info.value)


HEADER = "id,phone,tz,prio,segment\n"
ROWS = [
    "A1,(415) 555-0100,America/Los_Angeles,1,gold",   # both overrides
    "A2,+44 20 7946 0958,,,silver",                    # section defaults
    "A3,212-555-0199,Mars/Base,7,gold",               # both invalid: dropped / set to 5
    "A4,(415) 555-0101,+05:30,x,gold",                # a non-number priority
    "A1,(415) 555-0100,America/Los_Angeles,1,gold",   # the same as row 1: dropped
    "A1,(415) 555-0100,America/Los_Angeles,2,gold",   # another priority: sent
    ",4155550102,,,gold",                              # rejected: no externId
]
CONFIG = """
[account]
e164 = true
[load]
duplicate_handling = "RETAIN_ALL"
batch_size = 2
[mapping.columns]
EXTERN_ID = "id"
LEAD_PHONE = "phone"
[mapping.extended]
segment = "segment"
[jaicp]
allowedDays = ["mon", "tue", "wed", "thu", "fri"]
retryIntervalInMinutes = 120
maxAttempts = 2
gmtZone = "-05:00"
[jaicp.allowedTime]
mon = [{localTimeFrom = "10:00", localTimeTo = "11:30"},
       {localTimeFrom = "13:00", localTimeTo = "14:30"}]
default = [{localTimeFrom = "20:00", localTimeTo = "03:00"}]
[jaicp.columns]
gmtZone = "tz"
dialerPriority = "prio"
"""


def _convert(tmp_path: Path, config: str = CONFIG, rows: list[str] = ROWS) -> Path:
    return convert_in(tmp_path, HEADER + "\n".join(rows) + "\n", config, "jaicp")


def _entries(out: Path) -> list[dict[str, Any]]:
    files = sorted((out / "jaicp").glob("add-phones-*.json"))
    entries: list[dict[str, Any]] = []
    for path in files:
        body = json.loads(path.read_text(encoding="utf-8"))
        validate_against("jaicp-add-phones-request", body)
        entries += body
    return entries


def _warnings(out: Path) -> list[tuple[str, str, str]]:
    with (out / "warnings.csv").open(encoding="utf-8") as handle:
        return [(r["_row"], r["_code"], r["_value"]) for r in csv.DictReader(handle)]


def test_round_trip_real_outputs_against_the_schema(tmp_path: Path) -> None:
    out = _convert(tmp_path)
    summary = json.loads((out / "summary.json").read_text())
    validate_against("summary", summary)
    assert summary["format"] == "jaicp"
    assert summary["rows_read"] == summary["accepted"] + summary["rejected"] == 7
    assert summary["accepted"] == 6
    entries = _entries(out)
    assert summary["batches"] == 3 == len(list((out / "jaicp").iterdir()))
    assert summary["outputs"][:3] == [f"jaicp/add-phones-0000{i}.json" for i in (1, 2, 3)]
    assert not (out / "batches").exists()
    assert [e["phone"] for e in entries] == ["14155550100", "442079460958", "12125550199",
                                             "14155550101", "14155550100"]
    first = entries[0]
    assert list(first) == ["phone", "payload", "allowedDays", "allowedTime",
                           "retryIntervalInMinutes", "maxAttempts", "gmtZone", "dialerPriority"]
    assert first["payload"] == {"externId": "A1", "extendedLeadData": {"segment": "gold"}}
    assert first["allowedTime"]["default"] == [{"localTimeFrom": "20:00", "localTimeTo": "03:00"}]
    assert [(e["gmtZone"], e["dialerPriority"]) for e in entries] == [
        ("America/Los_Angeles", 1), ("-05:00", 5), ("-05:00", 5), ("+05:30", 5),
        ("America/Los_Angeles", 2)]
    assert _warnings(out) == [
        ("3", "INVALID_GMT_ZONE", "Mars/Base"),
        ("3", "INVALID_DIALER_PRIORITY", "7"),
        ("4", "INVALID_DIALER_PRIORITY", "x"),
        ("5", "DUPLICATE_JAICP_PHONE", "14155550100"),
    ]
    assert summary["warnings"] == {"INVALID_DIALER_PRIORITY": 2, "DUPLICATE_JAICP_PHONE": 1,
                                   "INVALID_GMT_ZONE": 1}


def test_the_section_priority_fills_missing_ones_and_no_section_means_5(tmp_path: Path) -> None:
    config = CONFIG.replace('gmtZone = "-05:00"', 'dialerPriority = 2')
    entries = _entries(_convert(tmp_path, config))
    assert [e["dialerPriority"] for e in entries] == [1, 2, 5, 5, 2]
    assert "gmtZone" not in entries[1]
    bare = tmp_path / "bare"
    bare.mkdir()
    entries = _entries(_convert(bare, CONFIG.split("[jaicp]")[0]))
    assert entries[0] == {"phone": "14155550100",
                          "payload": {"externId": "A1", "extendedLeadData": {"segment": "gold"}},
                          "dialerPriority": 5}


def test_a_simple_campaign_pipe_delimited_primary_gives_one_entry_per_number(
    tmp_path: Path,
) -> None:
    rows = ['B1,"(415) 555-0100|212-555-0199",,,gold']
    entries = _entries(_convert(tmp_path, CONFIG, rows))
    assert [e["phone"] for e in entries] == ["14155550100", "12125550199"]
    assert entries[0]["payload"] == entries[1]["payload"]


def test_an_account_without_e164_still_sends_e164_digits(tmp_path: Path) -> None:
    entries = _entries(_convert(tmp_path, CONFIG.replace("e164 = true", "e164 = false"),
                                ["C1,(415) 555-0100,,,gold"]))
    assert entries[0]["phone"] == "14155550100"
    assert entries[0]["payload"] == {"externId": "C1", "extendedLeadData": {"segment": "gold"}}


def test_a_jaicp_run_replaces_an_earlier_leadloader_runs_batches(tmp_path: Path) -> None:
    out = _convert(tmp_path)
    leadprep.convert(tmp_path / "leads.csv", tmp_path / "leadprep.toml", out)
    assert (out / "batches").exists() and not (out / "jaicp").exists()
    leadprep.convert(tmp_path / "leads.csv", tmp_path / "leadprep.toml", out,
                     output_format="jaicp")
    assert (out / "jaicp").exists() and not (out / "batches").exists()


def test_the_cli_writes_jaicp_and_a_bad_section_exits_2_naming_the_key(tmp_path: Path) -> None:
    out = _convert(tmp_path)
    cli = [sys.executable, "-m", "leadprep", "convert", str(tmp_path / "leads.csv"),
           "--config", str(tmp_path / "leadprep.toml"), "--out", str(out), "--format", "jaicp"]
    done = subprocess.run(cli, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "jaicp" in done.stdout
    (tmp_path / "leadprep.toml").write_text(CONFIG.replace("maxAttempts = 2", "maxAttempts = -2"))
    done = subprocess.run(cli, capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert "[jaicp] maxAttempts = -2" in done.stderr
    done = subprocess.run([*cli[:-1], "nope"], capture_output=True, text=True, check=False)
    assert done.returncode == 2 and "jaicp" in done.stderr


def test_the_cli_on_a_file_of_bad_rows_names_the_jaicp_directory_and_writes_no_body(
    tmp_path: Path,
) -> None:
    src = tmp_path / "leads.csv"
    src.write_text(HEADER + ",4155550102,,,gold\nB2,12,,,gold\n", encoding="utf-8")
    (tmp_path / "leadprep.toml").write_text(CONFIG, encoding="utf-8")
    out = tmp_path / "out"
    cli = [sys.executable, "-m", "leadprep", "convert", str(src), "--config",
           str(tmp_path / "leadprep.toml"), "--out", str(out), "--format", "jaicp"]
    done = subprocess.run(cli, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert f"0 request bodies in {out / 'jaicp'};" in done.stdout
    assert list((out / "jaicp").iterdir()) == []
    with (out / "rejects.csv").open(encoding="utf-8") as handle:
        assert [(r["_row"], r["_reasons"]) for r in csv.DictReader(handle)] == [
            ("1", "MISSING_EXTERN_ID"), ("2", "INVALID_PRIMARY_PHONE")]


def test_an_invalid_row_zone_without_a_section_zone_says_the_entry_goes_without(
    tmp_path: Path,
) -> None:
    out = _convert(tmp_path, CONFIG.replace('gmtZone = "-05:00"\n', ""),
                   ["A3,212-555-0199,Mars/Base,,gold"])
    assert "gmtZone" not in _entries(out)[0]
    with (out / "warnings.csv").open(encoding="utf-8") as handle:
        (warning,) = csv.DictReader(handle)
    assert warning["_code"] == "INVALID_GMT_ZONE"
    assert warning["_message"].endswith("dropped, the entry is sent without gmtZone")


def test_a_missing_override_column_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"\[jaicp.columns\] gmtZone = 'tzz'"):
        _convert(tmp_path, CONFIG.replace('gmtZone = "tz"', 'gmtZone = "tzz"'))


class _CountTarget(Target):
    """A target in a few lines: the number of accepted leads."""

    name = "count"
    outputs = ("count.json",)

    def write(self, stage: Path, data: EmitInput) -> Written:
        (stage / "count.json").write_text(json.dumps({"leads": data.leads.frame.height}))
        return Written(("count.json",), 1)


def test_adding_a_target_is_one_registry_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(TARGETS, "count", _CountTarget())
    out = _convert(tmp_path)
    leadprep.convert(tmp_path / "leads.csv", tmp_path / "leadprep.toml", out,
                     output_format="count")
    assert json.loads((out / "count.json").read_text()) == {"leads": 6}
    assert not (out / "jaicp").exists()  # another target's outputs are moved away
    assert json.loads((out / "summary.json").read_text())["outputs"] == [
        "count.json", "rejects.csv", "warnings.csv", "summary.json"]


def test_many_rows_keep_input_order_and_their_own_payload(tmp_path: Path) -> None:
    rows = [f"R{i},+1 415 555 {i:04d},,{1 + i % 5},gold" for i in range(3000)]
    entries = _entries(_convert(tmp_path, CONFIG.replace("batch_size = 2", "batch_size = 700"),
                                rows))
    assert [e["payload"]["externId"] for e in entries] == [f"R{i}" for i in range(3000)]
    assert all(e["phone"] == f"1415555{i:04d}" and e["dialerPriority"] == 1 + i % 5
               for i, e in enumerate(entries))
