"""`leadprep personas check`: the account's persona phone config (the list
`GET …/persona-phone-config` returns), and the request bodies that create the personas a
leadprep config maps but the account lacks (reference 000)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from leadprep._campaign import CampaignProblem, Verdict, _json_type, _plural, read_json
from leadprep._config import Config, Persona, load_config
from leadprep._errors import JsonFileError

PERSONA_RULES: dict[str, str] = {
    "persona-wrong-type": "each entry is an object with phoneId and phoneLabel",
    "persona-phone-id-invalid": "phoneId is an integer from 1 to 7",
    "persona-phone-id-duplicate": "each phone ID is configured once",
    "persona-id1-reserved": "phone ID 1 is the lead's primary phone (leadPhone), not a persona",
    "persona-label-empty": "phoneLabel is a non-empty string",
    "persona-label-duplicate": "labels are unique (ignoring case)",
    "persona-label-whitespace": "a label has no leading or trailing spaces (a warning: "
                                "personaPhoneConfig keys must match it exactly)",
    "persona-missing": "every persona the leadprep config maps exists in the account",
    "persona-label-mismatch": "a phone ID has the label the leadprep config gives it",
    "persona-id-mismatch": "a label has the phone ID the leadprep config gives it",
}
CREATE_PATH = "/api/v1/admin/accounts/{accountId}/persona-phone-config"


@dataclass(frozen=True)
class PersonaCheck(Verdict):
    """The verdict on a persona phone config list, and the requests that would fix what the
    leadprep config needs: `create_requests` (POST) for missing personas."""

    source: str | None
    personas: tuple[Persona, ...]
    problems: tuple[CampaignProblem, ...]
    create_requests: tuple[dict[str, Any], ...]
    compared_with_config: bool

    @property
    def headline(self) -> str:
        name = self.source or "persona config"
        verdict = "valid" if self.valid else "INVALID"
        return (f"{name}: {verdict} ({_plural(len(self.personas), 'persona')}; "
                f"{_plural(len(self.errors), 'error')}, "
                f"{_plural(len(self.warnings), 'warning')})")

    def asdict(self) -> dict[str, Any]:
        return {
            **self.verdict_dict(),
            "personas": [{"phoneId": p.phone_id, "phoneLabel": p.label} for p in self.personas],
            "compared_with_config": self.compared_with_config,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "rules": list(self.rules),
            "problems": [p.asdict() for p in self.problems],
            "create_requests": [dict(r) for r in self.create_requests],
        }


def _entries(data: Any, source: str | Path | None) -> list[Any]:
    """The list of a persona-phone-config response, or of a leadLoader/preview response's
    personaPhoneConfig."""
    if isinstance(data, Mapping) and isinstance(data.get("personaPhoneConfig"), list):
        return list(data["personaPhoneConfig"])
    if isinstance(data, list):
        return data
    raise JsonFileError(
        source or "personas",
        f"the persona config must be a JSON array of {{phoneId, phoneLabel}} (as GET "
        f"persona-phone-config returns), or an object with a personaPhoneConfig array; this "
        f"is {_json_type(data)}",
    )


PersonasInput = str | Path | Sequence[Mapping[str, Any]] | Sequence[Persona] | Mapping[str, Any]


def _load(personas: PersonasInput) -> tuple[str | None, list[Any]]:
    if isinstance(personas, str | Path):
        return str(personas), _entries(read_json(personas, "persona config"), personas)
    if isinstance(personas, Mapping):
        return None, _entries(personas, None)
    if personas and all(isinstance(p, Persona) for p in personas):
        return None, [{"phoneId": p.phone_id, "phoneLabel": p.label}
                      for p in personas if isinstance(p, Persona)]
    return None, _entries(list(personas), None)


def persona_ids(personas: PersonasInput) -> set[int]:
    """The phone IDs 1..7 a persona list configures (entries that cannot be read are skipped;
    `check_personas` reports them)."""
    _, entries = _load(personas)
    return {e["phoneId"] for e in entries if isinstance(e, Mapping)
            and isinstance(e.get("phoneId"), int) and not isinstance(e["phoneId"], bool)
            and 1 <= e["phoneId"] <= 7}


def _lead_phone_label(label: str) -> bool:
    return re.sub(r"[^a-z]", "", label.casefold()) in ("leadphone", "primary", "primaryphone")


def check_personas(
    personas: PersonasInput, *, config: Config | str | Path | None = None
) -> PersonaCheck:
    """Check an account's persona phone config list (a path or the parsed list) and, with a
    leadprep `config`, that it has every persona the config maps under the same ID and label;
    the POST bodies that create the missing ones are in `create_requests`."""
    source, entries = _load(personas)
    problems: list[CampaignProblem] = []

    def error(rule: str, path: str, message: str, fix: str) -> None:
        problems.append(CampaignProblem("error", rule, path, message, fix))

    found: list[Persona] = []
    ids: dict[int, int] = {}
    labels: dict[str, int] = {}
    account_id: str | None = None
    for i, entry in enumerate(entries):
        at = f"[{i}]"
        if not isinstance(entry, Mapping):
            error("persona-wrong-type", at, f"entry {i} is {_json_type(entry)}",
                  'make it an object {"phoneId": 2, "phoneLabel": "Mobile Phone"}')
            continue
        if account_id is None and entry.get("accountId") is not None:
            account_id = str(entry["accountId"])
        phone_id = entry.get("phoneId")
        label = entry.get("phoneLabel")
        id_ok = isinstance(phone_id, int) and not isinstance(phone_id, bool) \
            and 1 <= phone_id <= 7
        if not id_ok:
            state = "missing" if "phoneId" not in entry else json.dumps(phone_id)
            error("persona-phone-id-invalid", f"{at}.phoneId",
                  f"phoneId is {state}; phone IDs are the integers 1..7",
                  "use 2..7 for persona phones (1 is the lead's primary phone)")
        elif phone_id in ids:
            error("persona-phone-id-duplicate", f"{at}.phoneId",
                  f"phone ID {phone_id} is already configured by entry {ids[phone_id]}",
                  "configure each phone ID once; delete or renumber this entry")
        label_ok = isinstance(label, str) and bool(label.strip())
        if not label_ok:
            state = "missing" if "phoneLabel" not in entry else json.dumps(label)
            error("persona-label-empty", f"{at}.phoneLabel", f"phoneLabel is {state}",
                  "give the persona a non-empty label, e.g. \"Mobile Phone\"")
        elif isinstance(label, str):
            if label != label.strip():
                problems.append(CampaignProblem(
                    "warning", "persona-label-whitespace", f"{at}.phoneLabel",
                    f"label {json.dumps(label)} has leading or trailing spaces",
                    f"personaPhoneConfig keys must match it exactly, spaces included; "
                    f"rename it {json.dumps(label.strip())} (PUT persona-phone-config)"))
            key = label.strip().casefold()
            if key in labels:
                error("persona-label-duplicate", f"{at}.phoneLabel",
                      f"label {json.dumps(label)} is already used by entry {labels[key]}",
                      "give each persona its own label; personaPhoneConfig keys pick the "
                      "phone by label")
            labels.setdefault(key, i)
        if id_ok and isinstance(phone_id, int):
            if phone_id == 1 and label_ok and isinstance(label, str) \
                    and not _lead_phone_label(label):
                error("persona-id1-reserved", f"{at}.phoneId",
                      f"phone ID 1 is labelled {json.dumps(label)}, but ID 1 is the lead's "
                      "primary phone (leadPhone, labelled \"Leadphone\")",
                      f"give {json.dumps(label)} a free ID 2..7; leave ID 1 to the lead phone")
            ids.setdefault(phone_id, i)
            if label_ok and isinstance(label, str):
                found.append(Persona(phone_id, label))
    creates: list[dict[str, Any]] = []
    cfg = None if config is None else (config if isinstance(config, Config)
                                       else load_config(config))
    if cfg is not None:
        creates = _compare(cfg, found, error, account_id)
    return PersonaCheck(source, tuple(found), tuple(problems), tuple(creates), cfg is not None)


def _compare(cfg: Config, found: list[Persona], error: Any,
             account_id: str | None) -> list[dict[str, Any]]:
    by_id: dict[int, Persona] = {}
    by_label: dict[str, Persona] = {}
    for p in found:  # the first entry of a duplicated ID or label, as reported above
        by_id.setdefault(p.phone_id, p)
        by_label.setdefault(p.label, p)
    where = cfg.source or "config"
    creates = []
    for i, wanted in enumerate(cfg.account.personas):
        at = f"{where} [[account.personas]] entry {i + 1}"
        have = by_id.get(wanted.phone_id)
        same_label = by_label.get(wanted.label)
        if have is not None and have.label == wanted.label:
            continue
        if have is not None:
            error("persona-label-mismatch", at,
                  f"the config labels phone ID {wanted.phone_id} {json.dumps(wanted.label)} "
                  f"but the account labels it {json.dumps(have.label)}; personaPhoneConfig "
                  "keys would not match",
                  f"set label = {json.dumps(have.label)} in the config, or rename it in the "
                  f"account: PUT persona-phone-config {{\"phoneId\": {wanted.phone_id}, "
                  f"\"phoneLabel\": {json.dumps(wanted.label)}}}")
        elif same_label is not None:
            error("persona-id-mismatch", at,
                  f"the config gives {json.dumps(wanted.label)} phone ID {wanted.phone_id} but "
                  f"the account has it as phone ID {same_label.phone_id}",
                  f"set phone_id = {same_label.phone_id} for it in the config (and in "
                  "[mapping.additional_phones])")
        else:
            error("persona-missing", at,
                  f"phone ID {wanted.phone_id} {json.dumps(wanted.label)} is in the config but "
                  "not in the account",
                  "create it: POST persona-phone-config with the body in create_requests")
            path = CREATE_PATH.replace("{accountId}", account_id) if account_id else CREATE_PATH
            creates.append({"method": "POST", "path": path,
                            "body": {"phoneId": wanted.phone_id, "phoneLabel": wanted.label}})
    return creates
