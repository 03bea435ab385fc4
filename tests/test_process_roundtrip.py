"""The file flow: reading process/leads.csv back through the process request's indexes gives
back every lead of the direct-load batches, field for field."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import leadprep
from leadprep import parse_config
from leadprep._fields import MAPPING_COLUMNS

from .conftest import SAMPLE, validate_against

WIDE_CONFIG: dict[str, Any] = {
    "account": {"e164": False, "default_region": "US"},
    "campaign": {"calling_configuration": "SIMPLE"},
    "load": {"batch_size": 3},
    "mapping": {
        "index_base": 1,
        "columns": {"EXTERN_ID": "id", "LEAD_PHONE": "phone", "FIRST_NAME": "first",
                    "LAST_NAME": "last", "CITY": "city", "AUX_DATA1": "note",
                    "AUX_PHONE": "alt", "EMAIL": "email"},
        "extended": {"segment": "segment", "score": "score"},
    },
}
WIDE_FILE = (
    "id,phone,first,last,city,note,alt,email,segment,score\n"
    'A1,4155550100,Ada,Lovelace,"San Francisco, CA","said ""call me"" later",'
    "4155550199,ada@example.com,gold,7\n"
    "A2,4155550101|4155550102,Bob,,Oakland,,junk,not-an-email,,\n"
    'A3,(415) 555-0103,Chloé,Ng,"Line one\nline two",ünïcødé,,,silver,0012\n'
    "A4,555,Dan,Li,Nowhere,,,,,\n"
)


def direct_leads(out: Path) -> list[dict[str, Any]]:
    leads = []
    for batch in sorted((out / "batches").glob("leadloader-*.json")):
        leads += json.loads(batch.read_text(encoding="utf-8"))["uploadLeads"]
    return leads


def process_leads(out: Path, config: leadprep.Config) -> list[dict[str, Any]]:
    """Rebuild each lead from leads.csv the way the platform would, through the indexes."""
    request = json.loads((out / "process" / "process-request.json").read_text(encoding="utf-8"))
    validate_against("leadloader-process-request", request)
    assert request["fileType"] == "COMMA" and request["fileContainsHeaders"] is True
    assert request["pageNumber"] == 1
    base = config.mapping.index_base
    labels = {p.phone_id: p.label for p in config.account.personas}
    with (out / "process" / "leads.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))[1:]
    leads = []
    for row in rows:
        def cell(index: int, row: list[str] = row) -> str | None:
            return row[index - base] or None

        lead: dict[str, Any] = {MAPPING_COLUMNS[name]: cell(i)
                                for name, i in request["pageColumnMappings"].items()}
        personas = {labels[int(pid)]: cell(i)
                    for pid, i in request["additionalPhoneMappings"].items()}
        extended = {key: cell(i) for key, i in request["extendedLeadDataMappings"].items()}
        lead["personaPhoneConfig"] = {k: v for k, v in personas.items() if v is not None}
        lead["extendedLeadData"] = {k: v for k, v in extended.items() if v is not None}
        leads.append({k: v for k, v in lead.items() if v not in (None, {})})
    return leads


def as_file_flow(lead: dict[str, Any], e164: bool) -> dict[str, Any]:
    """A direct-load lead as the file flow carries it: one phone column, E.164 when enabled."""
    flat = dict(lead)
    e164_phone = flat.pop("leadPhoneE164", None)
    if e164:
        flat["leadPhone"] = e164_phone
    return flat


def assert_round_trip(src: Path, config: leadprep.Config, out: Path) -> int:
    result = leadprep.convert(src, config, out, output_format="process")
    direct = [as_file_flow(lead, config.account.e164) for lead in direct_leads(out)]
    assert len(direct) == result.accepted
    assert process_leads(out, config) == direct
    return result.accepted


def test_the_sample_round_trips_through_the_process_indexes(tmp_path: Path) -> None:
    config = leadprep.load_config(SAMPLE / "leadprep.toml")
    assert assert_round_trip(SAMPLE / "leads.csv", config, tmp_path / "out") == 54


def test_one_based_indexes_extended_data_and_awkward_text_round_trip(tmp_path: Path) -> None:
    src = tmp_path / "wide.csv"
    src.write_text(WIDE_FILE, encoding="utf-8")
    config = parse_config(WIDE_CONFIG)
    assert assert_round_trip(src, config, tmp_path / "out") == 3
    request = json.loads((tmp_path / "out/process/process-request.json").read_text())
    assert min(request["pageColumnMappings"].values()) == 1  # index_base 1


def test_an_e164_account_keeps_the_country_of_a_non_nanp_primary(tmp_path: Path) -> None:
    src = tmp_path / "intl.csv"
    src.write_text("id,phone\n1,+44 20 7946 0958\n2,(415) 555-0100\n", encoding="utf-8")
    config = parse_config({**WIDE_CONFIG, "account": {"e164": True},
                           "mapping": {"columns": {"EXTERN_ID": "id", "LEAD_PHONE": "phone"}}})
    assert_round_trip(src, config, tmp_path / "out")
    with (tmp_path / "out/process/leads.csv").open(encoding="utf-8") as handle:
        assert [row["LEAD_PHONE"] for row in csv.DictReader(handle)] == [
            "+442079460958", "+14155550100"]


def test_the_transaction_id_is_the_preview_id_of_leads_csv(tmp_path: Path) -> None:
    out = tmp_path / "out"
    leadprep.convert(SAMPLE / "leads.csv", SAMPLE / "leadprep.toml", out, output_format="process")
    request = json.loads((out / "process" / "process-request.json").read_text())
    preview = leadprep.preview(out / "process" / "leads.csv")
    assert request["transactionId"] == preview.transaction_id


# No bare CR: the reader rejects a field holding one as CONTROL_CHARACTER (SPEC 6).
texts = st.text(
    alphabet=st.characters(blacklist_categories=["Cs", "Cc"], blacklist_characters="\ufeff")
    | st.sampled_from([",", "'", "\n", ";", "|", "\t", '"']),
    max_size=12,
)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(texts, texts, texts), min_size=1, max_size=8))
def test_any_text_in_any_field_round_trips(tmp_path: Path, rows: list[tuple[str, ...]]) -> None:
    src = tmp_path / "any.csv"
    with src.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "phone", "first", "note", "segment"])
        for i, (first, note, segment) in enumerate(rows):
            writer.writerow([f"id{i}", f"41555501{i:02d}", first, note, segment])
    config = parse_config({
        "mapping": {"columns": {"EXTERN_ID": "id", "LEAD_PHONE": "phone", "FIRST_NAME": "first",
                                "AUX_DATA1": "note"},
                    "extended": {"segment": "segment"}},
    })
    out = tmp_path / "out"
    assert assert_round_trip(src, config, out) == len(rows)


def test_process_outputs_are_listed_in_the_summary(tmp_path: Path) -> None:
    out = tmp_path / "out"
    leadprep.convert(SAMPLE / "leads.csv", SAMPLE / "leadprep.toml", out, output_format="process")
    summary = json.loads((out / "summary.json").read_text())
    assert {"process/leads.csv", "process/process-request.json"} <= set(summary["outputs"])
