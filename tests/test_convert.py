"""End to end: a lead file in, request bodies, rejects, warnings and a summary out."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import phonenumbers
import polars as pl
import pytest

import leadprep
from leadprep import parse_config

from .conftest import SAMPLE, validate_against

BASE: dict[str, Any] = {
    "account": {"e164": True, "default_region": "US"},
    "campaign": {"calling_configuration": "SIMPLE"},
    "load": {"description": "test", "batch_size": 2},
    "mapping": {"columns": {"EXTERN_ID": "id", "LEAD_PHONE": "phone"}},
}


def config(**changes: Any) -> leadprep.Config:
    data = json.loads(json.dumps(BASE))
    for dotted, value in changes.items():
        section, key = dotted.split("__")
        data.setdefault(section, {})[key] = value
    return parse_config(data)


def run(tmp_path: Path, text: str, cfg: leadprep.Config, **kw: Any) -> tuple[
    leadprep.ConvertResult, list[dict[str, Any]], list[dict[str, str]], list[dict[str, str]]
]:
    src = tmp_path / "in.csv"
    src.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = leadprep.convert(src, cfg, out, **kw)
    leads = []
    for batch in sorted((out / "batches").glob("leadloader-*.json")):
        body = json.loads(batch.read_text(encoding="utf-8"))
        validate_against("leadloader-direct-request", body)
        leads += body["uploadLeads"]
    summary = json.loads((out / "summary.json").read_text())
    validate_against("summary", summary)
    with (out / "rejects.csv").open(encoding="utf-8", newline="") as f:
        rejects = list(csv.DictReader(f))
    with (out / "warnings.csv").open(encoding="utf-8", newline="") as f:
        warnings = list(csv.DictReader(f))
    assert summary["rows_read"] == summary["accepted"] + summary["rejected"]
    assert len(rejects) == summary["rejected"] and len(leads) == summary["accepted"]
    assert all(r["_row"] and r["_reasons"] for r in rejects)
    return result, leads, rejects, warnings


def reasons(rejects: list[dict[str, str]]) -> dict[int, str]:
    return {int(r["_row"]): r["_reasons"] for r in rejects}


def test_sample_converts_with_every_row_accounted_for(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = leadprep.convert(SAMPLE / "leads.csv", SAMPLE / "leadprep.toml", out)
    assert result.rows_read == 62
    assert result.accepted + result.rejected == result.rows_read
    assert result.summary["reasons"] == {
        "INVALID_PRIMARY_PHONE": 2, "TOO_FEW_FIELDS": 1, "BLANK_ROW": 1, "MISSING_EXTERN_ID": 1,
        "DUPLICATE_PRIMARY_IN_FILE": 1, "PIPE_DELIMITED_PRIMARY": 1, "MISSING_PRIMARY_PHONE": 1,
    }
    assert result.summary["warnings"] == {
        "INVALID_PERSONA_PHONE": 1, "PIPE_DELIMITED_PERSONA": 1, "INVALID_EMAIL": 1,
    }
    batches = sorted((out / "batches").iterdir())
    assert [b.name for b in batches] == [f"leadloader-0000{i}.json" for i in (1, 2, 3)]
    for batch in batches:
        validate_against("leadloader-direct-request", json.loads(batch.read_text()))


def test_primary_is_national_number_and_e164(tmp_path: Path) -> None:
    _, leads, _, _ = run(tmp_path, "id,phone\n1,(415) 555-0100\n2,+44 20 7946 0958\n", config())
    assert leads[0] == {"externId": "1", "leadPhone": "4155550100",
                        "leadPhoneE164": "+14155550100"}
    assert leads[1]["leadPhone"] == "2079460958"
    assert leads[1]["leadPhoneE164"] == "+442079460958"


def test_without_e164_only_nanp_primaries_are_accepted(tmp_path: Path) -> None:
    cfg = config(account__e164=False)
    _, leads, rejects, _ = run(tmp_path, "id,phone\n1,415-555-0100\n2,+44 20 7946 0958\n", cfg)
    assert leads == [{"externId": "1", "leadPhone": "4155550100"}]
    assert reasons(rejects) == {2: "NON_NANP_PRIMARY"}


def test_duplicates_are_judged_on_the_normalized_primary_across_batches(tmp_path: Path) -> None:
    text = "id,phone\n1,(415) 555-0100\n2,4155550101\n3,4155550102\n4,+1 415 555 0100\n"
    _, leads, rejects, _ = run(tmp_path, text, config())
    assert [lead["externId"] for lead in leads] == ["1", "2", "3"]
    assert reasons(rejects) == {4: "DUPLICATE_PRIMARY_IN_FILE"}
    assert "row 1" in rejects[0]["_message"]


def test_a_rejected_first_occurrence_does_not_make_a_later_row_a_duplicate(
    tmp_path: Path,
) -> None:
    text = "id,phone\n,4155550100\n2,415 555 0100\n"
    _, leads, rejects, _ = run(tmp_path, text, config())
    assert [lead["externId"] for lead in leads] == ["2"]
    assert reasons(rejects) == {1: "MISSING_EXTERN_ID"}


def test_retain_all_keeps_duplicates(tmp_path: Path) -> None:
    cfg = config(load__duplicate_handling="RETAIN_ALL")
    _, leads, _, _ = run(tmp_path, "id,phone\n1,4155550100\n2,4155550100\n", cfg)
    assert len(leads) == 2


def test_simple_campaign_splits_pipe_primaries_and_drops_invalid_parts(tmp_path: Path) -> None:
    text = 'id,phone\n1,"(415) 555-0100 | 12 | +1 415 555 0101"\n2,12|34\n'
    _, leads, rejects, warnings = run(tmp_path, text, config())
    assert leads[0]["leadPhone"] == "4155550100|4155550101"
    assert leads[0]["leadPhoneE164"] == "+14155550100|+14155550101"
    assert reasons(rejects) == {2: "INVALID_PRIMARY_PHONE"}
    assert [(w["_row"], w["_code"], w["_value"]) for w in warnings] == [
        ("1", "DROPPED_PIPE_PART", "12")
    ]


def test_strategic_campaign_rejects_pipe_primaries(tmp_path: Path) -> None:
    cfg = config(campaign__calling_configuration="STRATEGIC")
    _, leads, rejects, _ = run(tmp_path, "id,phone\n1,4155550100|4155550101\n", cfg)
    assert leads == []
    assert reasons(rejects) == {1: "PIPE_DELIMITED_PRIMARY"}


def test_persona_phones_go_under_their_labels_and_bad_ones_are_warnings(tmp_path: Path) -> None:
    data = json.loads(json.dumps(BASE))
    data["campaign"]["calling_configuration"] = "STRATEGIC"
    data["account"]["personas"] = [{"phone_id": 2, "label": "Mobile Phone"},
                                   {"phone_id": 3, "label": "Work Phone"}]
    data["mapping"]["additional_phones"] = {"2": "cell", "3": "work"}
    text = ("id,phone,cell,work\n1,4155550100,415 555 0101,\n2,4155550102,123,"
            "4155550103|4155550104\n")
    _, leads, rejects, warnings = run(tmp_path, text, parse_config(data))
    assert rejects == []
    assert leads[0]["personaPhoneConfig"] == {"Mobile Phone": "+14155550101"}
    assert "personaPhoneConfig" not in leads[1]
    assert sorted(w["_code"] for w in warnings) == [
        "INVALID_PERSONA_PHONE", "PIPE_DELIMITED_PERSONA"
    ]


def test_one_row_can_carry_several_reasons(tmp_path: Path) -> None:
    cfg = config(campaign__calling_configuration="STRATEGIC")
    _, _, rejects, _ = run(tmp_path, "id,phone\n ,1|2\n", cfg)
    assert reasons(rejects) == {1: "MISSING_EXTERN_ID;PIPE_DELIMITED_PRIMARY"}


def test_each_row_gets_its_own_combination_of_reasons(tmp_path: Path) -> None:
    text = "id,phone,x\n,123,\n1,123,\n,,x\n2,4155550100,\n,4155550101,\n3,,\n,1|2,\n"
    _, _, rejects, _ = run(tmp_path, text, config(campaign__calling_configuration="STRATEGIC"))
    assert reasons(rejects) == {
        1: "MISSING_EXTERN_ID;INVALID_PRIMARY_PHONE", 2: "INVALID_PRIMARY_PHONE",
        3: "MISSING_EXTERN_ID;MISSING_PRIMARY_PHONE", 5: "MISSING_EXTERN_ID",
        6: "MISSING_PRIMARY_PHONE", 7: "MISSING_EXTERN_ID;PIPE_DELIMITED_PRIMARY",
    }


def test_explicit_time_zones_must_be_iana_names(tmp_path: Path) -> None:
    data = json.loads(json.dumps(BASE))
    data["load"]["time_zone_option"] = "EXPLICIT"
    data["mapping"]["columns"]["LEAD_TIMEZONE"] = "tz"
    text = ("id,phone,tz\n1,4155550100,America/Los_Angeles\n2,4155550101,Pacific Time\n"
            "3,4155550102,\n")
    _, leads, rejects, _ = run(tmp_path, text, parse_config(data))
    assert leads[0]["leadTimezone"] == "America/Los_Angeles"
    assert reasons(rejects) == {2: "INVALID_LEAD_TIMEZONE", 3: "INVALID_LEAD_TIMEZONE"}


def test_aux_phone_caller_id_and_email_are_cleaned_with_warnings(tmp_path: Path) -> None:
    data = json.loads(json.dumps(BASE))
    data["mapping"]["columns"].update(AUX_PHONE="aux", CALLER_ID="cid", EMAIL="mail")
    text = ("id,phone,aux,cid,mail\n1,4155550100,(415) 555-0101,4155550102,a@b.co\n"
            "2,4155550103,1,2,not-mail\n")
    _, leads, _, warnings = run(tmp_path, text, parse_config(data))
    assert leads[0]["auxPhone"] == "+14155550101" and leads[0]["callerId"] == "+14155550102"
    assert leads[0]["email"] == "a@b.co"
    assert {"auxPhone", "callerId", "email"}.isdisjoint(leads[1])
    assert sorted(w["_code"] for w in warnings) == [
        "INVALID_AUX_PHONE", "INVALID_CALLER_ID", "INVALID_EMAIL"
    ]


def test_fields_are_trimmed_and_leading_zeros_kept(tmp_path: Path) -> None:
    data = json.loads(json.dumps(BASE))
    data["mapping"]["columns"].update(ZIP="zip", FIRST_NAME="name")
    data["mapping"]["extended"] = {"code": "code"}
    text = "id,phone,zip,name,code\n 007 ,4155550100,02110,  Ada ,0042\n"
    _, leads, _, _ = run(tmp_path, text, parse_config(data))
    assert leads == [{"externId": "007", "leadPhone": "4155550100",
                      "leadPhoneE164": "+14155550100", "firstName": "Ada", "zip": "02110",
                      "extendedLeadData": {"code": "0042"}}]


def test_structural_rejects_keep_the_record_as_read(tmp_path: Path) -> None:
    text = 'id,phone,name\n1,4155550100,"Smith, Jr"\n2,4155550101\n3,4155550102,a,b\n'
    _, leads, rejects, _ = run(tmp_path, text, config())
    assert len(leads) == 1
    assert reasons(rejects) == {2: "TOO_FEW_FIELDS", 3: "TOO_MANY_FIELDS"}
    assert rejects[1]["_extra_1"] == "b" and rejects[1]["name"] == "a"


def test_batches_hold_at_most_batch_size_leads_in_input_order(tmp_path: Path) -> None:
    rows = "".join(f"{i},415555{i:04d}\n" for i in range(1, 8))
    out = tmp_path / "out"
    src = tmp_path / "in.csv"
    src.write_text("id,phone\n" + rows)
    result = leadprep.convert(src, config(), out, batch_size=3)
    bodies = [json.loads(p.read_text()) for p in sorted((out / "batches").iterdir())]
    assert [len(b["uploadLeads"]) for b in bodies] == [3, 3, 1]
    ids = [lead["externId"] for b in bodies for lead in b["uploadLeads"]]
    assert ids == [str(i) for i in range(1, 8)]
    assert result.summary["batches"] == 3


def test_rerun_replaces_outputs_and_leaves_no_stale_batches(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    out = tmp_path / "out"
    src.write_text("id,phone\n" + "".join(f"{i},415555{i:04d}\n" for i in range(1, 6)))
    leadprep.convert(src, config(), out, batch_size=1)
    first = {p.name: p.read_bytes() for p in (out / "batches").iterdir()}
    src.write_text("id,phone\n1,4155550001\n")
    leadprep.convert(src, config(), out, batch_size=1)
    assert [p.name for p in (out / "batches").iterdir()] == ["leadloader-00001.json"]
    assert len(first) == 5
    assert not [p for p in out.iterdir() if p.name.startswith(".leadprep")]


@pytest.mark.parametrize("value", ["(415) 555-0100", "+1 415 555 0100", "1-800-FLOWERS",
                                   "415.555.0100 x12", "+44 20 7946 0958", "０４１５"])
def test_accepted_primary_equals_phonenumbers(tmp_path: Path, value: str) -> None:
    _, leads, rejects, _ = run(tmp_path, f'id,phone\n1,"{value}"\n', config())
    try:
        number = phonenumbers.parse(value, "US")
        valid = phonenumbers.is_valid_number(number)
    except phonenumbers.NumberParseException:
        valid = False
    if valid:
        assert leads[0]["leadPhoneE164"] == phonenumbers.format_number(
            number, phonenumbers.PhoneNumberFormat.E164)
    else:
        assert reasons(rejects) == {1: "INVALID_PRIMARY_PHONE"}


def test_without_an_out_dir_every_stage_runs_and_nothing_is_written(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("id,phone\n1,4155550100\n,4155550101\n")
    before = sorted(tmp_path.iterdir())
    result = leadprep.convert(src, config(), None)
    assert (result.rows_read, result.accepted, result.rejected) == (2, 1, 1)
    assert result.emitted is None
    assert sorted(tmp_path.iterdir()) == before


def test_a_leadloader_rerun_removes_the_process_output_of_an_earlier_run(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    leadprep.convert(SAMPLE / "leads.csv", SAMPLE / "leadprep.toml", out,
                     output_format="process")
    assert (out / "process" / "leads.csv").exists()
    leadprep.convert(SAMPLE / "leads.csv", SAMPLE / "leadprep.toml", out)
    assert not (out / "process").exists()
    assert "process/leads.csv" not in json.loads((out / "summary.json").read_text())["outputs"]


def test_batches_written_in_chunks_keep_every_lead_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import leadprep._emit as emit

    monkeypatch.setattr(emit, "EMIT_CHUNK_BATCHES", 2)  # 3-lead batches, 6 leads per chunk
    text = "id,phone\n" + "".join(f"{i},41555501{i:02d}\n" for i in range(20))
    _, leads, _, _ = run(tmp_path, text, config(), batch_size=3)
    assert [lead["externId"] for lead in leads] == [str(i) for i in range(20)]
    assert len(list((tmp_path / "out" / "batches").iterdir())) == 7


def test_lead_json_is_the_same_whichever_way_it_is_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Grouped by null pattern, or member by member."""
    import leadprep._emit as emit

    result = leadprep.convert(SAMPLE / "leads.csv", SAMPLE / "leadprep.toml", None)
    frame = result.leads.frame.drop("_row").with_columns(
        pl.Series("firstName", (['quo"te', "back\\slash", "new\nline", "\x01", "ünï 😀"] * 11)
                  [: result.accepted]))
    grouped = emit.lead_bodies(frame)
    monkeypatch.setattr(emit, "MAX_NULL_PATTERNS", 0)
    assert emit.lead_bodies(frame).to_list() == grouped.to_list()
    assert all(isinstance(json.loads(body), dict) for body in grouped)
