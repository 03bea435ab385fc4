"""--format contacts: campaign-from-contact-list request bodies (reference 004_*)."""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from leadprep._config import parse_config
from leadprep._errors import ConfigError
from leadprep._targets._contacts import parse_section
from tests.conftest import bodies_in, convert_in, validate_against

PLAYBOOK = "123e4567-e89b-12d3-a456-426614174000"
HEADER = "id,phone,first,last,mail,org,tz,src,note,seg\n"
ROWS = [
    "A1,(415) 555-0100,Ada,Lovelace,ada@example.com,Acme,Europe/Madrid,ads,call after 5,gold",
    "A2,+44 20 7946 0958,,,,,,,,",
    "A3,212-555-0199,Alan,Turing,not-an-email,Bletchley,Mars/Base,mail,,silver",
    ",4155550102,No,Id,,,,,,",                       # rejected: no externId
]
CONFIG = f"""
[load]
duplicate_handling = "RETAIN_ALL"
batch_size = 2
[mapping.columns]
EXTERN_ID = "id"
LEAD_PHONE = "phone"
FIRST_NAME = "first"
LAST_NAME = "last"
EMAIL = "mail"
[mapping.extended]
segment = "seg"
[contacts]
playbook_id = "{PLAYBOOK}"
launch_at = "2025-03-01T10:00:00"
recall = "[30,120]"
custom_fields = "unmapped"
[contacts.columns]
company = "org"
timezone = "tz"
utm_source = "src"
"""


def _convert(tmp_path: Path, config: str = CONFIG, rows: list[str] = ROWS) -> Path:
    return convert_in(tmp_path, HEADER + "\n".join(rows) + "\n", config, "contacts")


def _bodies(out: Path) -> list[dict[str, Any]]:
    return bodies_in(out / "contacts", "campaign-*.json", "contacts-campaign-request")


def test_round_trip_real_outputs_against_the_schema(tmp_path: Path) -> None:
    out = _convert(tmp_path)
    summary = json.loads((out / "summary.json").read_text())
    validate_against("summary", summary)
    assert summary["rows_read"] == summary["accepted"] + summary["rejected"] == 4
    bodies = _bodies(out)
    assert summary["batches"] == len(bodies) == 2
    assert [list(b) for b in bodies] == [["playbook_id", "contacts", "launch_at", "recall"]] * 2
    assert bodies[0]["recall"] == "[30,120]" and bodies[0]["playbook_id"] == PLAYBOOK
    contacts = [c for b in bodies for c in b["contacts"]]
    assert contacts == [
        {"phone": "+14155550100", "first_name": "Ada", "last_name": "Lovelace",
         "email": "ada@example.com", "company": "Acme", "timezone": "Europe/Madrid",
         "utm_source": "ads", "custom_fields": {"segment": "gold", "note": "call after 5"}},
        {"phone": "+442079460958"},
        {"phone": "+12125550199", "first_name": "Alan", "last_name": "Turing",
         "company": "Bletchley", "utm_source": "mail", "custom_fields": {"segment": "silver"}},
    ]
    with (out / "warnings.csv").open(encoding="utf-8") as handle:
        codes = [(r["_row"], r["_code"]) for r in csv.DictReader(handle)]
    assert codes == [("3", "INVALID_EMAIL"), ("3", "INVALID_CONTACT_TIMEZONE")]


def test_recall_as_an_array_and_no_launch_at(tmp_path: Path) -> None:
    config = CONFIG.replace('recall = "[30,120]"', "recall = [30, 120]").replace(
        'launch_at = "2025-03-01T10:00:00"\n', "")
    body = _bodies(_convert(tmp_path, config))[0]
    assert body["recall"] == [30, 120] and "launch_at" not in body


@pytest.mark.parametrize(("table", "named"), [
    ({}, "playbook_id is required"),
    ({"playbook_id": "not-a-uuid"}, "playbook_id"),
    ({"playbook_id": PLAYBOOK, "launch_at": "March 1st"}, "launch_at"),
    ({"playbook_id": PLAYBOOK, "launch_at": "2025-03-01"}, "launch_at"),
    # forms datetime.fromisoformat takes but the schema does not
    ({"playbook_id": PLAYBOOK, "launch_at": "20250301T100000"}, "launch_at"),
    ({"playbook_id": PLAYBOOK, "launch_at": "2025-W09-6T10:00"}, "launch_at"),
    ({"playbook_id": PLAYBOOK, "launch_at": "2025-03-01T10"}, "launch_at"),
    ({"playbook_id": PLAYBOOK, "launch_at": "2025-03-01 10:00:00"}, "launch_at"),
    ({"playbook_id": PLAYBOOK, "launch_at": "2025-02-29T10:00:00"}, "launch_at"),
    ({"playbook_id": PLAYBOOK, "launch_at": 20250301}, "launch_at"),
    ({"playbook_id": PLAYBOOK, "recall": "[30.5]"}, "recall"),
    ({"playbook_id": PLAYBOOK, "recall": "[true]"}, "recall"),
    ({"playbook_id": PLAYBOOK, "recall": "[]"}, "recall"),
    ({"playbook_id": PLAYBOOK, "recall": 30}, "recall"),
    ({"playbook_id": "123e4567e89b12d3a456426614174000"}, "playbook_id"),
    ({"playbook_id": "{123e4567-e89b-12d3-a456-426614174000}"}, "playbook_id"),
    ({"playbook_id": "123e4567-e89b-12d3-a456-42661417400g"}, "playbook_id"),
    ({"playbook_id": 123}, "playbook_id"),
    ({"playbook_id": PLAYBOOK, "recall": "[30,-5]"}, "recall"),
    ({"playbook_id": PLAYBOOK, "recall": "30,120"}, "recall"),
    ({"playbook_id": PLAYBOOK, "recall": []}, "recall"),
    ({"playbook_id": PLAYBOOK, "recall": [0]}, "recall"),
    ({"playbook_id": PLAYBOOK, "custom_fields": "all"}, "custom_fields"),
    ({"playbook_id": PLAYBOOK, "columns": {"company_name": "x"}}, "company_name"),
    ({"playbook_id": PLAYBOOK, "playbok": 1}, "did you mean 'playbook_id'"),
])
def test_a_mutation_of_each_rule_fails_naming_it(table: dict[str, Any], named: str) -> None:
    with pytest.raises(ConfigError, match="contacts") as info:
        parse_config({"contacts": table})
    assert named in str(info.value)


@pytest.mark.parametrize(("value", "sent"), [
    ("2025-03-01T10:00:00", "2025-03-01T10:00:00"),   # the reference's example
    ("2025-03-01T10:00", "2025-03-01T10:00"),
    ("2025-03-01T10:00:00Z", "2025-03-01T10:00:00Z"),
    ("2025-03-01T10:00:00.250+01:00", "2025-03-01T10:00:00.250+01:00"),
    (datetime(2025, 3, 1, 10, 0), "2025-03-01T10:00:00"),  # a TOML local date-time
])
def test_launch_at_takes_the_extended_iso_forms_and_the_schema_agrees(
    value: Any, sent: str
) -> None:
    body = parse_section({"playbook_id": PLAYBOOK, "launch_at": value})
    assert body["launch_at"] == sent
    validate_against("contacts-campaign-request", {**body, "contacts": [{"phone": "+1650"}]})


@pytest.mark.parametrize(("value", "sent"), [
    ("[30,120]", "[30,120]"),                 # the reference's string form, as it is
    (" [30, 120]\n", "[30,120]"),             # JSON takes it; sent as the reference writes it
    ("[5]", "[5]"),
    ([30, 120], [30, 120]),
])
def test_recall_is_sent_in_the_references_forms(value: Any, sent: Any) -> None:
    body = parse_section({"playbook_id": PLAYBOOK, "recall": value})
    assert body["recall"] == sent
    validate_against("contacts-campaign-request", {**body, "contacts": [{"phone": "+1650"}]})


def test_a_mutated_body_fails_the_schema() -> None:
    good = {"playbook_id": PLAYBOOK, "contacts": [{"phone": "+16505550100"}],
            "launch_at": "2025-03-01T10:00:00", "recall": "[30,120]"}
    validate_against("contacts-campaign-request", good)
    for bad in ({"playbook_id": "x"}, {"contacts": []}, {"contacts": [{"first_name": "A"}]},
                {"contacts": [{"phone": "16505550100"}]}, {"launch_at": "2025-03-01T10"},
                {"recall": " [30]"}, {"recall": [0]}, {"recall": "[]"}):
        with pytest.raises(jsonschema.ValidationError):
            validate_against("contacts-campaign-request", {**good, **bad})
    del good["playbook_id"]
    with pytest.raises(jsonschema.ValidationError, match="playbook_id"):
        validate_against("contacts-campaign-request", good)


def test_no_section_is_a_config_error_before_any_work(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"\[contacts\] section"):
        _convert(tmp_path, CONFIG.split("[contacts]")[0])
    assert not (tmp_path / "out").exists()


def test_a_file_with_no_accepted_lead_writes_no_empty_body(tmp_path: Path) -> None:
    out = _convert(tmp_path, rows=[",4155550102,No,Id,,,,,,"])
    assert list((out / "contacts").iterdir()) == []
    assert json.loads((out / "summary.json").read_text())["batches"] == 0
