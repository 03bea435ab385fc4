"""`personas check`: each rule failing and passing, the create-request bodies for personas a
config maps but the account lacks, exit codes and the JSON schemas."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from leadprep import PERSONA_RULES, JsonFileError, check_personas, parse_config
from leadprep._cli import app

from .conftest import DATA, validate_against

PERSONAS_FILE = DATA / "campaign" / "personas.json"
Entries = list[dict[str, Any]]


def account() -> Entries:
    return [
        {"accountId": "15300002", "phoneId": 1, "phoneLabel": "Leadphone"},
        {"accountId": "15300002", "phoneId": 2, "phoneLabel": "Mobile Phone"},
        {"accountId": "15300002", "phoneId": 3, "phoneLabel": "Work Phone"},
    ]


CONFIG = parse_config({
    "account": {"personas": [{"phone_id": 2, "label": "Mobile Phone"},
                             {"phone_id": 3, "label": "Work Phone"}]},
    "campaign": {"calling_configuration": "STRATEGIC"},
    "mapping": {"additional_phones": {"2": "Mobile", "3": "Work"}},
})


def edit(i: int, key: str, value: object) -> Callable[[Entries], object]:
    return lambda e: e[i].__setitem__(key, value)


def config_with(*personas: tuple[int, str]) -> Any:
    return parse_config({"account": {"personas": [{"phone_id": i, "label": label}
                                                  for i, label in personas]}})


# rule -> (breaks it, path named, config or None)
FAILING: dict[str, tuple[Callable[[Entries], object], str, Any]] = {
    "persona-wrong-type": (lambda e: e.append("Home Phone"), "[3]", None),
    "persona-phone-id-invalid": (edit(2, "phoneId", 8), "[2].phoneId", None),
    "persona-phone-id-duplicate": (edit(2, "phoneId", 2), "[2].phoneId", None),
    "persona-id1-reserved": (edit(0, "phoneLabel", "Home Phone"), "[0].phoneId", None),
    "persona-label-empty": (edit(2, "phoneLabel", "  "), "[2].phoneLabel", None),
    "persona-label-duplicate": (edit(2, "phoneLabel", "mobile phone"), "[2].phoneLabel", None),
    "persona-label-whitespace": (edit(2, "phoneLabel", "Work Phone "), "[2].phoneLabel", None),
    "persona-missing": (lambda e: e.pop(2), "[[account.personas]] entry 2", CONFIG),
    "persona-label-mismatch": (edit(2, "phoneLabel", "Office"), "[[account.personas]] entry 2",
                               CONFIG),
    "persona-id-mismatch": (edit(2, "phoneId", 4), "[[account.personas]] entry 2", CONFIG),
}
PASSING: dict[str, tuple[Callable[[Entries], object], Any]] = {
    "persona-wrong-type": (lambda e: None, None),
    "persona-phone-id-invalid": (edit(2, "phoneId", 7), None),
    "persona-phone-id-duplicate": (lambda e: e.append({"phoneId": 4, "phoneLabel": "Home"}),
                                   None),
    "persona-id1-reserved": (edit(0, "phoneLabel", "Lead Phone"), None),
    "persona-label-empty": (edit(2, "phoneLabel", "W"), None),
    "persona-label-duplicate": (edit(2, "phoneLabel", "Mobile Phone 2"), None),
    "persona-label-whitespace": (lambda e: None, None),
    "persona-missing": (lambda e: e.pop(0), CONFIG),  # ID 1 need not be listed
    "persona-label-mismatch": (lambda e: None, CONFIG),
    "persona-id-mismatch": (lambda e: e.append({"phoneId": 4, "phoneLabel": "Home"}), CONFIG),
}


def test_every_rule_has_a_failing_and_a_passing_example() -> None:
    assert set(FAILING) == set(PERSONA_RULES) == set(PASSING)


@pytest.mark.parametrize("rule", list(FAILING))
def test_each_rule_fails_its_example(rule: str) -> None:
    change, path, config = FAILING[rule]
    entries = account()
    change(entries)
    verdict = check_personas(entries, config=config)
    found = [p for p in verdict.problems if p.rule == rule]
    assert found, verdict.problems
    assert any(p.path.endswith(path) for p in found), [p.path for p in found]
    assert verdict.valid == (rule == "persona-label-whitespace")
    validate_against("personas-check", verdict.asdict())


@pytest.mark.parametrize("rule", list(PASSING))
def test_each_rule_passes_its_example(rule: str) -> None:
    change, config = PASSING[rule]
    entries = account()
    change(entries)
    verdict = check_personas(entries, config=config)
    assert verdict.problems == (), verdict.problems
    validate_against("persona-phone-config", entries)


def test_missing_personas_get_create_request_bodies() -> None:
    config = config_with((2, "Mobile Phone"), (5, "Home Phone"), (6, "Assistant"))
    verdict = check_personas(account(), config=config)
    assert [p.rule for p in verdict.errors] == ["persona-missing", "persona-missing"]
    assert [r["body"] for r in verdict.create_requests] == [
        {"phoneId": 5, "phoneLabel": "Home Phone"}, {"phoneId": 6, "phoneLabel": "Assistant"}]
    assert verdict.create_requests[0]["path"] == (
        "/api/v1/admin/accounts/15300002/persona-phone-config")
    validate_against("personas-check", verdict.asdict())


def test_a_preview_response_is_read_too() -> None:
    preview = {"transactionId": "x", "personaPhoneConfig": account()[1:]}
    assert check_personas(preview, config=CONFIG).valid


def test_unreadable_persona_files_raise(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    for content in ("[", '{"phoneId": 2}', "7"):
        path.write_text(content)
        with pytest.raises(JsonFileError):
            check_personas(path)


def leadprep(*args: str | Path) -> Any:
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


def test_cli_exit_codes(tmp_path: Path) -> None:
    done = leadprep("personas", "check", PERSONAS_FILE)
    assert done.exit_code == 0, done.stdout
    assert "valid" in done.stdout

    cfg = tmp_path / "c.toml"
    cfg.write_text('[[account.personas]]\nphone_id = 3\nlabel = "Work Phone"\n')
    done = leadprep("personas", "check", PERSONAS_FILE, "--config", cfg)
    assert done.exit_code == 1
    assert "persona-missing" in done.stdout
    assert '{"phoneId": 3, "phoneLabel": "Work Phone"}' in done.stdout
    done = leadprep("personas", "check", PERSONAS_FILE, "--config", cfg, "--json")
    assert done.exit_code == 1
    validate_against("personas-check", json.loads(done.stdout))

    broken = tmp_path / "broken.json"
    broken.write_text("[{")
    done = leadprep("personas", "check", broken)
    assert done.exit_code == 2
    assert "broken.json" in done.stderr
    done = leadprep("personas", "check", broken, "--json")
    assert done.exit_code == 2
    validate_against("personas-check", json.loads(done.stdout))
