"""leadprep actions: lead action request bodies from a file of ids (reference 002_*)."""

from __future__ import annotations

import copy
import csv
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import leadprep
from leadprep._actions import ACTIONS, parse_actions_section, parse_param_map
from leadprep._actions import body as action_body
from leadprep._config import parse_config
from leadprep._errors import ConfigError, InputFileError
from tests.conftest import DATA, SCHEMAS, bodies_in, validate_against

HERE = DATA / "actions"
MOVE_CONFIG = HERE / "move.toml"

# The reference's examples (002_*), with numbers where it has variables.
REFERENCE_MOVE: dict[str, Any] = {
    "campaignLeadSearchCriteria": {
        "campaignId": 1001,
        "listIds": [],
        "agentDispositions": [],
        "systemDispositions": [],
        "leadStates": [],
        "physicalStates": [],
        "leadTimezones": [],
        "campaignIds": [1001],
    },
    "leadActionParams": {
        "paramMap": {
            "CAMPAIGN_ID": 2002,
            "LIST_ID": "0",
            "LIST_NAME": "New Leads List",
            "CREATE_COPY_SETTING": "false",
            "DUPLICATE_ACTION_SETTING": "MOVE",
        }
    },
}
REFERENCE_DELETE: dict[str, Any] = {
    "campaignLeadSearchCriteria": {"externIds": ["100000", "100001"]}
}
REFERENCE_EMAIL: dict[str, Any] = {
    "campaignLeadSearchCriteria": {"campaignId": 123456},
    "leadActionParams": {"paramMap": {"EMAIL_TO": "a@example.com,b@example.com"}},
}


def _bodies(out: Path) -> list[dict[str, Any]]:
    return bodies_in(out / "actions", "*.json", "lead-actions-request")


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _summary(out: Path) -> dict[str, Any]:
    summary: dict[str, Any] = json.loads((out / "summary.json").read_text())
    validate_against("summary", summary)
    assert summary["rows_read"] == summary["accepted"] + summary["rejected"]
    return summary


@pytest.mark.parametrize("action", ACTIONS)
def test_each_actions_bodies_validate_against_the_schema(action: str, tmp_path: Path) -> None:
    config = MOVE_CONFIG if action == "MOVE_TO_CAMPAIGN" else None
    result = leadprep.actions(action, HERE / "extern_ids.csv", config, tmp_path)
    bodies = _bodies(tmp_path)
    assert bodies == list(result.bodies())
    name = action.lower()
    assert sorted(p.name for p in (tmp_path / "actions").iterdir()) == [
        f"{name}-{i:05d}.json" for i in range(1, len(bodies) + 1)
    ]
    summary = _summary(tmp_path)
    assert summary["action"] == action and summary["format"] == "actions"
    assert summary["endpoint"].endswith(f"/campaignLeads/actions?leadAction={action}")
    ids = [i for b in bodies for i in b["campaignLeadSearchCriteria"]["externIds"]]
    assert ids == ["100000", "100001"]
    if action == "MOVE_TO_CAMPAIGN":
        assert all(
            b
            == {
                **REFERENCE_MOVE,
                "campaignLeadSearchCriteria": {
                    "campaignId": 1001,
                    "campaignIds": [1001],
                    "externIds": b["campaignLeadSearchCriteria"]["externIds"],
                },
            }
            for b in bodies
        )
    else:
        assert bodies == [REFERENCE_DELETE]


def test_the_reference_examples_pass() -> None:
    for example in (REFERENCE_MOVE, REFERENCE_DELETE, REFERENCE_EMAIL):
        validate_against("lead-actions-request", example)
    params = REFERENCE_MOVE["leadActionParams"]["paramMap"]
    assert parse_param_map(params) == params
    settings = parse_actions_section(
        {"campaignId": 1001, "campaignIds": [1001], "paramMap": params}
    )
    assert settings.criteria == {"campaignId": 1001, "campaignIds": [1001]}
    # The example's own criteria, its empty "listIds": [] included, pass and are sent as given.
    criteria = REFERENCE_MOVE["campaignLeadSearchCriteria"]
    settings = parse_actions_section(
        {k: criteria[k] for k in ("campaignId", "listIds", "campaignIds")} | {"paramMap": params}
    )
    assert settings.criteria == {"campaignId": 1001, "listIds": [], "campaignIds": [1001]}
    sent = action_body(settings.criteria, "externIds", ["7"], params)
    validate_against("lead-actions-request", sent)
    # DELETE_LEADS: the body is the externIds alone, exactly the example's.
    assert action_body({}, "externIds", ["100000", "100001"], None) == REFERENCE_DELETE
    # TOML spellings: a boolean CREATE_COPY_SETTING, a number LIST_ID, TRANSITION, IGNORE,
    # an existing list without LIST_NAME.
    assert parse_param_map(
        {
            "CAMPAIGN_ID": "2002",
            "LIST_ID": 7,
            "CREATE_COPY_SETTING": True,
            "DUPLICATE_ACTION_SETTING": "IGNORE",
        }
    ) == {
        "CAMPAIGN_ID": 2002,
        "LIST_ID": "7",
        "CREATE_COPY_SETTING": "true",
        "DUPLICATE_ACTION_SETTING": "IGNORE",
    }
    assert (
        parse_param_map({**params, "CREATE_COPY_SETTING": "TRANSITION"})["CREATE_COPY_SETTING"]
        == "TRANSITION"
    )


PARAMS = REFERENCE_MOVE["leadActionParams"]["paramMap"]


def _without(key: str) -> dict[str, Any]:
    return {k: v for k, v in PARAMS.items() if k != key}


@pytest.mark.parametrize(
    ("table", "named"),
    [
        ({"paramMap": {**PARAMS, "CREATE_COPY_SETTING": "copy"}}, "CREATE_COPY_SETTING = 'copy'"),
        ({"paramMap": {**PARAMS, "CREATE_COPY_SETTING": "FALSE"}}, "CREATE_COPY_SETTING = 'FALSE'"),
        ({"paramMap": {**PARAMS, "CREATE_COPY_SETTING": "transition"}}, "CREATE_COPY_SETTING"),
        (
            {"paramMap": {**PARAMS, "DUPLICATE_ACTION_SETTING": "SKIP"}},
            "DUPLICATE_ACTION_SETTING = 'SKIP'",
        ),
        ({"paramMap": {**PARAMS, "DUPLICATE_ACTION_SETTING": "move"}}, "DUPLICATE_ACTION_SETTING"),
        ({"paramMap": _without("CAMPAIGN_ID")}, "CAMPAIGN_ID is missing"),
        ({"paramMap": _without("LIST_ID")}, "LIST_ID is missing"),
        ({"paramMap": _without("CREATE_COPY_SETTING")}, "CREATE_COPY_SETTING is missing"),
        ({"paramMap": _without("DUPLICATE_ACTION_SETTING")}, "DUPLICATE_ACTION_SETTING is missing"),
        ({"paramMap": _without("LIST_NAME")}, "LIST_NAME is missing"),
        ({"paramMap": {**PARAMS, "CAMPAIGN_ID": "abc"}}, "CAMPAIGN_ID = 'abc'"),
        ({"paramMap": {**PARAMS, "CAMPAIGN_ID": 0}}, "CAMPAIGN_ID = 0"),
        ({"paramMap": {**PARAMS, "CAMPAIGN_ID": 2**31}}, "CAMPAIGN_ID"),
        ({"paramMap": {**PARAMS, "CAMPAIGN_ID": 12.5}}, "CAMPAIGN_ID = 12.5"),
        ({"paramMap": {**PARAMS, "LIST_ID": "x1"}}, "LIST_ID = 'x1'"),
        ({"paramMap": {**PARAMS, "LIST_ID": -1}}, "LIST_ID = -1"),
        ({"paramMap": {**PARAMS, "LIST_NAME": " "}}, "LIST_NAME"),
        ({"paramMap": {**PARAMS, "LIST_NAMES": "x"}}, "did you mean 'LIST_NAME'"),
        ({"paramMap": "CAMPAIGN_ID=1"}, "[actions.paramMap] must be a table"),
        ({"campaignId": "x"}, "campaignId = 'x'"),
        ({"campaignIds": [1, "b"]}, "campaignIds"),
        ({"campaignIds": [0]}, "campaignIds"),
        ({"listIds": [2**31]}, "listIds"),
        ({"listIds": 5}, "listIds = 5"),
        ({"batch_size": 0}, "batch_size = 0"),
        ({"id_type": "leadId"}, "id_type = 'leadId'"),
        ({"id_column": True}, "id_column = True"),
        ({"batchsize": 5}, "did you mean 'batch_size'"),
    ],
)
def test_a_mutation_of_each_rule_fails_naming_it(table: dict[str, Any], named: str) -> None:
    with pytest.raises(ConfigError, match=r"\[actions") as info:
        parse_config({"actions": table})
    assert named in str(info.value)


@pytest.mark.parametrize(
    ("mutate", "path"),
    [
        (
            lambda b: b["leadActionParams"]["paramMap"].update(CREATE_COPY_SETTING="yes"),
            "CREATE_COPY_SETTING",
        ),
        (
            lambda b: b["leadActionParams"]["paramMap"].update(DUPLICATE_ACTION_SETTING="KEEP"),
            "DUPLICATE_ACTION_SETTING",
        ),
        (lambda b: b["leadActionParams"]["paramMap"].pop("CAMPAIGN_ID"), "CAMPAIGN_ID"),
        (lambda b: b["leadActionParams"]["paramMap"].update(CAMPAIGN_ID="abc"), "CAMPAIGN_ID"),
        (lambda b: b["leadActionParams"]["paramMap"].pop("LIST_NAME"), "LIST_NAME"),
        (lambda b: b["campaignLeadSearchCriteria"].update(externIds=[]), "externIds"),
        (lambda b: b["campaignLeadSearchCriteria"].update(externIds=["1", "1"]), "externIds"),
        (
            lambda b: b["campaignLeadSearchCriteria"].update(leadPhoneNumbers=["+1 415"]),
            "leadPhoneNumbers",
        ),
        (lambda b: b["campaignLeadSearchCriteria"].update(externId=["1"]), "externId"),
        (lambda b: b.update(campaignLeadSearchCriteria={}), "campaignLeadSearchCriteria"),
    ],
)
def test_a_mutated_body_fails_the_schema_naming_the_field(mutate: Any, path: str) -> None:
    body = copy.deepcopy(REFERENCE_MOVE)
    mutate(body)
    schema = json.loads((SCHEMAS / "lead-actions-request.schema.json").read_text())
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(body))
    assert errors
    assert any(
        path
        in json.dumps(
            [
                list(e.absolute_path),
                e.message,
                [(list(c.absolute_path), c.message) for c in e.context or []],
            ]
        )
        for e in errors
    )


def test_empty_and_malformed_ids_go_to_rejects_with_their_source_row(tmp_path: Path) -> None:
    leadprep.actions("DELETE_LEADS", HERE / "extern_ids.csv", None, tmp_path)
    rejects = _csv(tmp_path / "rejects.csv")
    assert [(r["_row"], r["_reasons"], r["externId"], r["name"]) for r in rejects] == [
        ("3", "MISSING_EXTERN_ID", "", "Cy"),
        ("5", "MALFORMED_EXTERN_ID", "1.23457E+11", "Excel"),
        ("6", "MALFORMED_EXTERN_ID", "A\nB", "broken"),
        ("7", "TOO_FEW_FIELDS", "C-7", ""),
    ]
    assert "scientific notation" in rejects[1]["_message"]
    summary = _summary(tmp_path)
    assert (summary["rows_read"], summary["accepted"], summary["rejected"]) == (7, 3, 4)
    assert summary["reasons"] == {
        "MALFORMED_EXTERN_ID": 2,
        "MISSING_EXTERN_ID": 1,
        "TOO_FEW_FIELDS": 1,
    }


def test_duplicates_are_sent_once_with_a_warning(tmp_path: Path) -> None:
    result = leadprep.actions("SUPPRESS_LEADS", HERE / "extern_ids.csv", None, tmp_path)
    assert result.ids["id"].to_list() == ["100000", "100001"]  # trimmed, first occurrences
    warnings = _csv(tmp_path / "warnings.csv")
    assert [(w["_row"], w["_code"], w["_field"], w["_value"]) for w in warnings] == [
        ("4", "DUPLICATE_ACTION_ID", "externIds", "100000")
    ]
    assert "row 1" in warnings[0]["_message"]
    summary = _summary(tmp_path)
    assert summary["warnings"] == {"DUPLICATE_ACTION_ID": 1} and summary["ids"] == 2


def test_batching_splits_at_the_size_across_the_whole_file(tmp_path: Path) -> None:
    src = tmp_path / "ids.csv"
    src.write_text("externId\n" + "".join(f"E{i}\n" for i in range(2500)) + "E7\n")
    out = tmp_path / "out"
    result = leadprep.actions("RESET_LEADS", src, None, out, batch_size=1000)
    bodies = _bodies(out)
    sizes = [len(b["campaignLeadSearchCriteria"]["externIds"]) for b in bodies]
    assert sizes == [1000, 1000, 500] and result.batches == 3
    assert [i for b in bodies for i in b["campaignLeadSearchCriteria"]["externIds"]] == [
        f"E{i}" for i in range(2500)
    ]
    assert _summary(out)["batches"] == 3
    # [actions] batch_size, and MOVE_TO_CAMPAIGN's bodies carry the paramMap in every batch
    moved = leadprep.actions("MOVE_TO_CAMPAIGN", src, MOVE_CONFIG, out)
    assert moved.batches == 1250 and len(list((out / "actions").iterdir())) == 1250
    assert all(b["leadActionParams"] == REFERENCE_MOVE["leadActionParams"] for b in moved.bodies())


def test_a_one_column_file_has_a_header_only_when_it_names_the_ids(tmp_path: Path) -> None:
    result = leadprep.actions("PAUSE_LEADS", HERE / "one_column.txt")
    assert not result.summary["header"]
    assert result.ids["id"].to_list() == ["100000", "100001", "A-17"]
    assert result.rejects["_reasons"].to_list() == [["BLANK_ROW"]]
    assert result.rejects["_row"].to_list() == [3]
    src = tmp_path / "ids.txt"
    src.write_text("A-1\nA-2\n")  # "A-1" looks like a name to the reader: still an id
    assert leadprep.actions("CANCEL_LEADS", src).ids["id"].to_list() == ["A-1", "A-2"]
    src.write_text("External ID\nA-1\nA-2\n")
    result = leadprep.actions("CANCEL_LEADS", src)
    assert result.ids["id"].to_list() == ["A-1", "A-2"] and result.summary["header"]


def test_the_id_column_comes_from_the_flag_the_config_or_the_header(tmp_path: Path) -> None:
    src = tmp_path / "ids.csv"
    src.write_text("name,Customer,phone\nAda,C1,4155550100\nBob,C2,4155550101\n")
    # a phone column is found by its name, when no externId column is there
    found = leadprep.actions("READY_LEADS", src)
    assert (found.id_field, found.ids["id"].to_list()) == (
        "leadPhoneNumbers",
        ["4155550100", "4155550101"],
    )
    flagged = leadprep.actions("READY_LEADS", src, id_column="Customer")
    assert (flagged.id_field, flagged.ids["id"].to_list()) == ("externIds", ["C1", "C2"])
    by_index = leadprep.actions("READY_LEADS", src, id_column=1)
    assert by_index.ids["id"].to_list() == ["C1", "C2"]
    config = parse_config({"actions": {"id_column": "Customer"}})
    assert leadprep.actions("READY_LEADS", src, config).ids["id"].to_list() == ["C1", "C2"]
    src.write_text("name,Customer\nAda,C1\n")
    with pytest.raises(ConfigError, match="--id-column") as info:
        leadprep.actions("READY_LEADS", src)
    assert "[actions] id_column" in str(info.value)
    with pytest.raises(ConfigError, match="--id-column = 'Custmer'"):
        leadprep.actions("READY_LEADS", src, id_column="Custmer")
    src.write_text("externId,extern_id\n1,2\n")
    with pytest.raises(InputFileError, match="--id-column"):
        leadprep.actions("READY_LEADS", src)


def test_phones_are_checked_as_primaries_and_sent_as_lead_phones(tmp_path: Path) -> None:
    result = leadprep.actions("DELETE_LEADS", HERE / "phones.csv", None, tmp_path)
    bodies = _bodies(tmp_path)
    assert bodies == [
        {"campaignLeadSearchCriteria": {"leadPhoneNumbers": ["4155550100", "2079460958"]}}
    ]
    assert result.summary["id_field"] == "leadPhoneNumbers"
    rejects = _csv(tmp_path / "rejects.csv")
    assert [(r["_row"], r["_reasons"]) for r in rejects] == [
        ("3", "INVALID_PRIMARY_PHONE"),
        ("4", "BLANK_ROW"),
        ("5", "PIPE_DELIMITED_PRIMARY"),
    ]
    warnings = _csv(tmp_path / "warnings.csv")
    assert [(w["_row"], w["_value"]) for w in warnings] == [("2", "4155550100")]
    no_e164 = parse_config({"account": {"e164": False}})
    result = leadprep.actions("DELETE_LEADS", HERE / "phones.csv", no_e164)
    assert "NON_NANP_PRIMARY" in result.summary["reasons"]
    # --id-type phone for a file whose column name says nothing
    src = tmp_path / "numbers.txt"
    src.write_text("(415) 555-0100\n415.555.0101\n")
    result = leadprep.actions("DELETE_LEADS", src, id_type="phone")
    assert result.ids["id"].to_list() == ["4155550100", "4155550101"]


def test_nothing_is_written_without_out_and_outputs_replace_other_runs(tmp_path: Path) -> None:
    out = tmp_path / "out"
    leadprep.actions("DELETE_LEADS", HERE / "extern_ids.csv")
    assert not out.exists()
    (out / "batches").mkdir(parents=True)  # an earlier convert's outputs
    leadprep.actions("DELETE_LEADS", HERE / "extern_ids.csv", None, out)
    assert not (out / "batches").exists()
    assert sorted(p.name for p in out.iterdir()) == [
        "actions",
        "rejects.csv",
        "summary.json",
        "warnings.csv",
    ]
    leadprep.actions("UNSUPPRESS_LEADS", HERE / "extern_ids.csv", None, out)
    assert [p.name for p in (out / "actions").iterdir()] == ["unsuppress_leads-00001.json"]
    assert _summary(out)["outputs"] == [
        "actions/unsuppress_leads-00001.json",
        "rejects.csv",
        "warnings.csv",
        "summary.json",
    ]


def test_unsupported_actions_and_a_move_without_its_params_are_config_errors() -> None:
    ids = HERE / "extern_ids.csv"
    with pytest.raises(ConfigError, match=r"EMAIL_LEADS.*DELETE_LEADS"):
        leadprep.actions("EMAIL_LEADS", ids)
    with pytest.raises(ConfigError, match="did you mean DELETE_LEADS"):
        leadprep.actions("DELETE_LEAD", ids)
    with pytest.raises(ConfigError, match=r"\[actions.paramMap\]"):
        leadprep.actions("MOVE_TO_CAMPAIGN", ids)
    assert leadprep.actions("delete-leads", ids).action == "DELETE_LEADS"


def _cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "leadprep", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_cli_writes_bodies_and_a_bad_param_exits_2_naming_the_key(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = _cli(
        "actions",
        "MOVE_TO_CAMPAIGN",
        HERE / "extern_ids.csv",
        "--config",
        MOVE_CONFIG,
        "--out",
        out,
    )
    assert done.returncode == 0, done.stderr
    assert "MOVE_TO_CAMPAIGN" in done.stdout and "externIds" in done.stdout
    assert len(_bodies(out)) == 1
    bad = tmp_path / "bad.toml"
    bad.write_text(MOVE_CONFIG.read_text().replace('"false"', '"maybe"'))
    done = _cli(
        "actions",
        "MOVE_TO_CAMPAIGN",
        HERE / "extern_ids.csv",
        "--config",
        bad,
        "--out",
        tmp_path / "bad-out",
    )
    assert done.returncode == 2
    assert "[actions.paramMap] CREATE_COPY_SETTING = 'maybe'" in done.stderr
    assert len(done.stderr.strip().splitlines()) <= 2
    assert not (tmp_path / "bad-out").exists()
    done = _cli("actions", "MOVE_TO_CAMPAIGN", HERE / "extern_ids.csv", "--json")
    assert done.returncode == 2 and "[actions.paramMap]" in done.stderr
    done = _cli("actions", "DELETE_LEADS", HERE / "extern_ids.csv", "--json", "--batch-size", "1")
    assert done.returncode == 0 and json.loads(done.stdout)["batches"] == 2
    done = _cli("actions", "DELETE_LEADS", tmp_path / "missing.csv")
    assert done.returncode == 3


def test_the_help_text_exists() -> None:
    done = _cli("actions", "--help")
    assert done.returncode == 0
    for text in (
        "MOVE_TO_CAMPAIGN",
        "--id-column",
        "--id-type",
        "--batch-size",
        "--out",
        "[actions]",
    ):
        assert text in done.stdout
    assert "actions" in _cli("--help").stdout
