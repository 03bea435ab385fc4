"""`campaign check`: every rule with a failing and a passing example, the reference document's
example body and its mutations, JSON paths and fixes, exit codes and the JSON output's schema."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from leadprep import (
    CAMPAIGN_RULES,
    CampaignCheck,
    JsonFileError,
    check_campaign,
    parse_config,
)
from leadprep._cli import app

from .conftest import DATA, REPO, validate_against

CAMPAIGN = DATA / "campaign"
REFERENCE_DOC = REPO.parent / "shared" / "reference" / "000_df50a3edcd85dc7b.txt"
PERSONAS = [{"phoneId": 1, "phoneLabel": "Leadphone"}, {"phoneId": 2, "phoneLabel": "Mobile Phone"}]
Body = dict[str, Any]


def reference() -> Body:
    return json.loads((CAMPAIGN / "reference_body.json").read_text())


def full_week() -> Body:
    """The reference body with its MONDAY windows on every open day: no warnings at all."""
    body = reference()
    monday = body["personaCallSchedules"]
    body["personaCallSchedules"] = [
        {**w, "day": day} for day in ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY")
        for w in copy.deepcopy(monday)
    ]
    return body


def run(body: Body, **kwargs: Any) -> CampaignCheck:
    kwargs.setdefault("personas", PERSONAS)
    return check_campaign(body, **kwargs)


def windows(body: Body) -> list[Body]:
    return list(body["personaCallSchedules"])


def mutated(change: Callable[[Body], object], base: Callable[[], Body] = full_week) -> Body:
    body = base()
    change(body)
    return body


def test_the_reference_documents_example_body_is_copied_exactly() -> None:
    if not REFERENCE_DOC.exists():
        pytest.skip("shared/reference is not beside the checkout")
    text = REFERENCE_DOC.read_text()
    start = text.index('{\n"campaignName"')
    body, _ = json.JSONDecoder().raw_decode(text[start:])
    assert body == reference()


def test_the_reference_example_passes() -> None:
    verdict = run(reference())
    assert verdict.valid, verdict.errors
    assert verdict.errors == ()
    # TUESDAY..FRIDAY are open with no window: warnings, which say what the dialer goes on.
    assert {p.rule for p in verdict.warnings} == {"day-without-windows"}
    assert [p.path for p in verdict.warnings] == ["tueSched", "wedSched", "thuSched", "friSched"]
    assert "business hours" in verdict.warnings[0].message
    validate_against("campaign-body", reference())
    validate_against("campaign-check", verdict.asdict())


def test_the_reference_example_passes_with_every_persona_source() -> None:
    config = parse_config({"account": {"personas": [{"phone_id": 2, "label": "Mobile Phone"}]}})
    for kwargs in ({"personas": CAMPAIGN / "personas.json"}, {"config": config},
                   {"personas": None}):
        assert check_campaign(reference(), **kwargs).valid
    assert check_campaign(reference()).notes  # without personas: says IDs were not checked


def set_window(i: int, key: str, value: object) -> Callable[[Body], None]:
    return lambda b: b["personaCallSchedules"][i].__setitem__(key, value)


def set_pref(i: int, j: int, key: str, value: object) -> Callable[[Body], None]:
    return lambda b: b["personaCallSchedules"][i]["callPreferences"][j].__setitem__(key, value)


SATURDAY = {"day": "SATURDAY", "start": "08:00", "end": "17:00",
            "callPreferences": [{"phoneId": 1, "priority": 1}]}

# The acceptance mutations of the reference body: (change, rule, JSON path).
MUTATIONS: dict[str, tuple[Callable[[Body], object], str, str]] = {
    "gap": (set_window(1, "start", "12:30"), "window-gap", "personaCallSchedules[1].start"),
    "overlap": (set_window(1, "start", "11:00"), "window-overlap",
                "personaCallSchedules[1].start"),
    "12:00->12:00 handoff": (set_window(1, "start", "12:00"), "window-handoff",
                             "personaCallSchedules[1].start"),
    "missing preference": (set_window(0, "callPreferences", []), "preferences-missing",
                           "personaCallSchedules[0].callPreferences"),
    "phone ID 8": (set_pref(0, 0, "phoneId", 8), "phone-id-invalid",
                   "personaCallSchedules[0].callPreferences[0].phoneId"),
    "window on closed Saturday": (lambda b: b["personaCallSchedules"].append(SATURDAY),
                                  "window-on-closed-day", "personaCallSchedules[2].day"),
}


@pytest.mark.parametrize("name", list(MUTATIONS))
def test_each_mutation_of_the_reference_fails_naming_the_rule(name: str) -> None:
    change, rule, path = MUTATIONS[name]
    verdict = run(mutated(change, reference))
    assert not verdict.valid
    assert [(p.rule, p.path) for p in verdict.errors] == [(rule, path)]
    validate_against("campaign-check", verdict.asdict())


def test_the_handoff_fix_says_what_the_start_should_be() -> None:
    verdict = run(mutated(set_window(1, "start", "12:00"), reference))
    problem = verdict.errors[0]
    assert problem.fix == ("start 12:00 should be 12:01: windows hand off one minute after the "
                           "previous end")
    assert str(problem).startswith("personaCallSchedules[1].start: window-handoff: ")


def test_every_problem_is_reported_at_once() -> None:
    def many(b: Body) -> None:
        set_window(1, "start", "12:00")(b)
        set_pref(0, 0, "phoneId", 8)(b)
        b["personaCallSchedules"].append(SATURDAY)
        b["wedSched"] = "0800170"

    verdict = run(mutated(many, reference))
    assert set(verdict.rules) >= {"window-handoff", "phone-id-invalid", "window-on-closed-day",
                                  "sched-format"}


# rule -> (a body that breaks it, the path named). Built from the warning-free full week.
FAILING: dict[str, tuple[Callable[[Body], object], str]] = {
    "wrong-type": (lambda b: b.__setitem__("personaCallSchedules", {"day": "MONDAY"}),
                   "personaCallSchedules"),
    "calling-configuration": (lambda b: b.__setitem__("callingConfiguration", "Strategic"),
                              "callingConfiguration"),
    "sched-missing": (lambda b: b.pop("sunSched"), "sunSched"),
    "sched-format": (lambda b: b.__setitem__("monSched", "08:00-17:00"), "monSched"),
    "sched-time": (lambda b: b.__setitem__("monSched", "08002400"), "monSched"),
    "sched-order": (lambda b: b.__setitem__("monSched", "17000800"), "monSched"),
    "schedules-missing": (lambda b: b.pop("personaCallSchedules"), "personaCallSchedules"),
    "schedules-on-simple": (lambda b: b.__setitem__("callingConfiguration", "SIMPLE"),
                            "personaCallSchedules"),
    "window-day": (set_window(0, "day", "Monday"), "personaCallSchedules[0].day"),
    "window-time-format": (set_window(0, "start", "8:00"), "personaCallSchedules[0].start"),
    "window-order": (set_window(0, "end", "07:00"), "personaCallSchedules[0].end"),
    "preferences-missing": (lambda b: b["personaCallSchedules"][0].pop("callPreferences"),
                            "personaCallSchedules[0].callPreferences"),
    "phone-id-invalid": (set_pref(0, 0, "phoneId", "2"),
                         "personaCallSchedules[0].callPreferences[0].phoneId"),
    "phone-id-not-configured": (set_pref(0, 0, "phoneId", 3),
                                "personaCallSchedules[0].callPreferences[0].phoneId"),
    "phone-id-duplicate": (set_pref(0, 1, "phoneId", 2),
                           "personaCallSchedules[0].callPreferences[1].phoneId"),
    "priority-invalid": (set_pref(0, 1, "priority", 0),
                         "personaCallSchedules[0].callPreferences[1].priority"),
    "priority-duplicate": (set_pref(0, 1, "priority", 1),
                           "personaCallSchedules[0].callPreferences[1].priority"),
    "window-on-closed-day": (lambda b: b["personaCallSchedules"].append(SATURDAY),
                             "personaCallSchedules[10].day"),
    "window-outside-hours": (set_window(1, "end", "18:00"), "personaCallSchedules[1].end"),
    "window-gap": (set_window(0, "start", "09:00"), "personaCallSchedules[0].start"),
    "window-overlap": (set_window(0, "end", "13:00"), "personaCallSchedules[1].start"),
    "window-handoff": (set_window(3, "start", "12:00"), "personaCallSchedules[3].start"),
    "day-without-windows": (lambda b: b.__setitem__("satSched", "09001200"), "satSched"),
    "unknown-field": (set_window(0, "startTime", "08:00"), "personaCallSchedules[0].startTime"),
}
WARNING_RULES = {"sched-missing", "day-without-windows", "unknown-field"}


def test_every_rule_has_a_failing_example() -> None:
    assert set(FAILING) == set(CAMPAIGN_RULES)


@pytest.mark.parametrize("rule", list(FAILING))
def test_each_rule_fails_its_example_with_path_and_fix(rule: str) -> None:
    change, path = FAILING[rule]
    verdict = run(mutated(change))
    found = [p for p in verdict.problems if p.rule == rule]
    assert found, verdict.problems
    assert path in [p.path for p in found]
    assert all(p.fix and p.message for p in found)
    if rule in WARNING_RULES:
        assert verdict.valid and found[0].severity == "warning"
    else:
        assert not verdict.valid and found[0].severity == "error"
    validate_against("campaign-check", verdict.asdict())


def split_day(b: Body, day: str, cuts: list[tuple[str, str]]) -> None:
    prefs = [{"phoneId": 1, "priority": 1}]
    b["personaCallSchedules"] = [w for w in b["personaCallSchedules"] if w["day"] != day] + [
        {"day": day, "start": s, "end": e, "callPreferences": prefs} for s, e in cuts]


# rule -> a body that exercises it and passes: every one has no problem at all.
PASSING: dict[str, Callable[[Body], object]] = {
    "wrong-type": lambda b: None,
    "calling-configuration": lambda b: b.__setitem__("callingConfiguration", "STRATEGIC"),
    "sched-missing": lambda b: b.__setitem__("sunSched", "00000000"),
    "sched-format": lambda b: b.__setitem__("monSched", "08001700"),
    "sched-time": lambda b: (b.__setitem__("monSched", "00002359"),
                             split_day(b, "MONDAY", [("00:00", "23:59")])),
    "sched-order": lambda b: b.__setitem__("satSched", "00000000"),
    "schedules-missing": lambda b: None,
    "schedules-on-simple": lambda b: (b.__setitem__("callingConfiguration", "SIMPLE"),
                                      b.pop("personaCallSchedules")),
    "window-day": lambda b: None,
    "window-time-format": set_window(0, "start", "08:00"),
    "window-order": lambda b: split_day(b, "MONDAY", [("08:00", "08:01"), ("08:02", "17:00")]),
    "preferences-missing": set_window(0, "callPreferences", [{"phoneId": 2, "priority": 1}]),
    "phone-id-invalid": set_window(0, "callPreferences", [{"phoneId": 1, "priority": 1},
                                                          {"phoneId": 2, "priority": 2}]),
    "phone-id-not-configured": set_pref(0, 0, "phoneId", 2),
    "phone-id-duplicate": lambda b: None,
    "priority-invalid": set_pref(0, 1, "priority", 7),
    "priority-duplicate": set_pref(0, 1, "priority", 10),
    "window-on-closed-day": lambda b: (b.__setitem__("satSched", "09001200"),
                                       split_day(b, "SATURDAY", [("09:00", "12:00")])),
    "window-outside-hours": lambda b: split_day(b, "FRIDAY", [("08:00", "17:00")]),
    "window-gap": lambda b: split_day(
        b, "TUESDAY", [("08:00", "09:59"), ("10:00", "12:00"), ("12:01", "17:00")]),
    "window-overlap": lambda b: split_day(b, "WEDNESDAY", [("12:01", "17:00"),
                                                           ("08:00", "12:00")]),
    "window-handoff": lambda b: split_day(b, "THURSDAY", [("08:00", "12:00"),
                                                          ("12:01", "12:02"),
                                                          ("12:03", "17:00")]),
    "day-without-windows": lambda b: b.__setitem__("friSched", "08001700"),
    "unknown-field": lambda b: None,
}


def test_every_rule_has_a_passing_example() -> None:
    assert set(PASSING) == set(CAMPAIGN_RULES)


@pytest.mark.parametrize("rule", list(PASSING))
def test_each_rule_passes_its_example(rule: str) -> None:
    verdict = run(mutated(PASSING[rule]))
    assert verdict.valid
    assert verdict.problems == (), verdict.problems


def test_a_missing_calling_configuration_is_a_simple_campaign() -> None:
    body = full_week()
    body.pop("callingConfiguration")
    verdict = run(body)
    assert verdict.rules == ("schedules-on-simple", "calling-configuration")
    body.pop("personaCallSchedules")
    assert run(body).valid


def test_a_nested_window_is_an_overlap_not_a_gap() -> None:
    body = mutated(lambda b: split_day(b, "MONDAY", [("08:00", "17:00"), ("09:00", "10:00")]))
    assert run(body).rules == ("window-overlap",)


def test_an_uncovered_end_of_day_names_the_last_window() -> None:
    verdict = run(mutated(set_window(1, "end", "16:00")))
    assert [(p.rule, p.path) for p in verdict.errors] == [
        ("window-gap", "personaCallSchedules[1].end")]
    assert "end 16:00 should be 17:00" in verdict.errors[0].fix


def test_phone_ids_are_configured_from_a_config_or_a_persona_list() -> None:
    body = mutated(set_pref(0, 0, "phoneId", 3))
    config = parse_config({"account": {"personas": [{"phone_id": 2, "label": "Mobile Phone"},
                                                    {"phone_id": 3, "label": "Work"}]}})
    assert check_campaign(body, config=config).valid
    assert not check_campaign(body, personas=PERSONAS).valid
    assert check_campaign(body).valid  # IDs only checked to be 1..7 without a source


def test_unreadable_bodies_raise_json_file_error(tmp_path: Path) -> None:
    for content in ("{", "[1, 2]", "\"text\""):
        path = tmp_path / "body.json"
        path.write_text(content)
        with pytest.raises(JsonFileError) as caught:
            check_campaign(path)
        assert caught.value.exit_code == 2
    with pytest.raises(JsonFileError, match="not found"):
        check_campaign(tmp_path / "missing.json")


# ---------------------------------------------------------------------------------------- CLI


def leadprep(*args: str | Path) -> Any:
    """The CLI run in-process (a subprocess per call costs a second of imports)."""
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


def test_the_module_entry_point_runs_campaign_check() -> None:
    done = subprocess.run([sys.executable, "-m", "leadprep", "campaign", "check",
                           str(CAMPAIGN / "reference_body.json")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_cli_exit_codes_and_output(tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps(reference()))
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(mutated(set_window(1, "start", "12:00"), reference)))
    broken = tmp_path / "broken.json"
    broken.write_text("{\"monSched\": ")

    done = leadprep("campaign", "check", good, "--personas", CAMPAIGN / "personas.json")
    assert done.exit_code == 0, done.stdout + done.stderr
    assert "valid" in done.stdout and "day-without-windows" in done.stdout

    done = leadprep("campaign", "check", bad, "--personas", CAMPAIGN / "personas.json")
    assert done.exit_code == 1
    assert "personaCallSchedules[1].start" in done.stdout
    assert "window-handoff" in done.stdout
    assert "start 12:00 should be 12:01" in done.stdout

    done = leadprep("campaign", "check", bad, "--json")
    assert done.exit_code == 1
    report = json.loads(done.stdout)
    validate_against("campaign-check", report)
    assert [p["rule"] for p in report["problems"] if p["severity"] == "error"] == [
        "window-handoff"]

    for path in (broken, tmp_path / "missing.json"):
        done = leadprep("campaign", "check", path)
        assert done.exit_code == 2
        assert str(path) in done.stderr
        done = leadprep("campaign", "check", path, "--json")
        assert done.exit_code == 2
        validate_against("campaign-check", json.loads(done.stdout))


def test_cli_refuses_personas_and_config_together(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text("")
    done = leadprep("campaign", "check", CAMPAIGN / "reference_body.json", "--personas",
                    CAMPAIGN / "personas.json", "--config", config)
    assert done.exit_code == 2
    assert "not both" in done.stderr


def test_every_command_and_option_has_help() -> None:
    for command in (["campaign"], ["campaign", "check"], ["campaign", "build"],
                    ["campaign", "plan"], ["personas"], ["personas", "check"]):
        done = leadprep(*command, "--help")
        assert done.exit_code == 0, done.stderr
        assert "[]" not in done.stdout  # rich markup never eats a [table] name


def test_a_window_partly_outside_the_hours_is_one_problem_not_a_gap_too() -> None:
    body = mutated(lambda b: split_day(b, "MONDAY", [("06:00", "07:00"), ("07:00", "12:00"),
                                                     ("12:01", "18:00")]))
    verdict = run(body)
    assert verdict.rules == ("window-outside-hours",)
    paths = [p.path for p in verdict.errors]
    assert paths == ["personaCallSchedules[8].start", "personaCallSchedules[9].start",
                     "personaCallSchedules[10].end"]
    assert "wholly outside" in verdict.errors[0].message


def test_an_open_day_whose_windows_all_lie_outside_its_hours_is_a_gap() -> None:
    body = mutated(lambda b: split_day(b, "MONDAY", [("18:00", "19:00")]))
    assert [(p.rule, p.path) for p in run(body).errors] == [
        ("window-outside-hours", "personaCallSchedules[8].start"), ("window-gap", "monSched")]


def test_the_readme_documents_every_rule() -> None:
    from leadprep import PERSONA_RULES

    readme = (REPO / "README.md").read_text()
    for rule in (*CAMPAIGN_RULES, *PERSONA_RULES):
        assert f"`{rule}`" in readme, rule


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 10) | st.floats(allow_nan=False)
    | st.sampled_from(["", "MONDAY", "monday", "08:00", "12:01", "24:00", "08001700", "00000000",
                       "STRATEGIC", "SIMPLE", "x"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["day", "start", "end", "callPreferences", "phoneId", "priority", "z"]),
        inner, max_size=4),
    max_leaves=12,
)
FIELDS = ["callingConfiguration", "monSched", "satSched", "personaCallSchedules"]


@settings(max_examples=120, deadline=None)
@given(changes=st.lists(st.tuples(st.sampled_from(FIELDS), JSON_VALUES), max_size=3),
       window=st.integers(0, 9), key=st.sampled_from(["day", "start", "end", "callPreferences"]),
       value=JSON_VALUES)
def test_any_shape_of_body_gets_a_verdict_never_a_crash(
    changes: list[tuple[str, Any]], window: int, key: str, value: Any
) -> None:
    body = full_week()
    body["personaCallSchedules"][window][key] = value
    for name, new in changes:
        body[name] = new
    verdict = run(body)
    for problem in verdict.problems:
        assert problem.rule in CAMPAIGN_RULES
    validate_against("campaign-check", verdict.asdict())
