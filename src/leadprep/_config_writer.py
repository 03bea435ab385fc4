"""`preview --write-config`: the suggested mapping as a commented TOML config to edit and pass
to `convert`. Columns are named by header (indexes when the file has no usable header)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from leadprep._config import DIAL_PRIORITIES, DUPLICATE_HANDLINGS, TIME_ZONE_OPTIONS, Config
from leadprep._emit import atomic_path
from leadprep._errors import ConfigError
from leadprep._map import REQUIRED_COLUMNS
from leadprep._preview import PreviewReport
from leadprep._suggest import PERSONA, ColumnSuggestion, words


def _q(value: str) -> str:
    """A TOML basic string: JSON's escapes are all valid TOML escapes."""
    return json.dumps(value, ensure_ascii=False)


def write_config(report: PreviewReport, target: str | Path, *, force: bool = False) -> Path:
    path = Path(target)
    if path.exists() and not force:
        raise ConfigError(f"{path} already exists; pass --force to replace it, or pick "
                          "another --write-config path")
    with atomic_path(path) as tmp:
        tmp.write_text(render_config(report), encoding="utf-8")
    return path


def render_config(report: PreviewReport) -> str:
    cfg = report.config
    lines = [
        f"# leadprep config suggested by `leadprep preview` for {Path(report.path).name}",
        "# Check every entry (confidence and reason are in the comments), then run:",
        f"#   leadprep convert {report.path} --config <this file> --out out",
        "",
        *_account(cfg),
        "",
        "[campaign]",
        f"calling_configuration = {_q(cfg.campaign.calling_configuration)}"
        "   # STRATEGIC dials persona phones; SIMPLE dials leadPhone only",
        "",
        *_load(cfg, Path(report.path).name),
        "",
        *_input(report),
        *_mapping(report),
    ]
    return "\n".join(lines) + "\n"


def _account(cfg: Config) -> list[str]:
    account = cfg.account
    lines = [
        "[account]",
        f"e164 = {str(account.e164).lower()}"
        "              # the account takes E.164 numbers: send leadPhoneE164",
        f"default_region = {_q(account.default_region)}"
        "   # region of numbers written without a country code",
        f"phone_policy = {_q(account.phone_policy)}"
        "   # \"valid\" (is_valid_number) or \"possible\" (is_possible_number)",
    ]
    if account.personas:
        lines += ["", "# Persona phones: each label must equal a persona phone label of your "
                      "account exactly."]
    for persona in account.personas:
        lines += ["[[account.personas]]", f"phone_id = {persona.phone_id}",
                  f"label = {_q(persona.label)}"]
    return lines


def _load(cfg: Config, file_name: str) -> list[str]:
    load = cfg.load
    lines = [
        "[load]",
        f"description = {_q(load.description or file_name)}",
        f"dial_priority = {_q(load.dial_priority)}   # {' | '.join(DIAL_PRIORITIES)}",
        f"duplicate_handling = {_q(load.duplicate_handling)}"
        f"   # {' | '.join(DUPLICATE_HANDLINGS)}",
        f"list_state = {_q(load.list_state)}",
        f"time_zone_option = {_q(load.time_zone_option)}   # {' | '.join(TIME_ZONE_OPTIONS)}",
        f"batch_size = {load.batch_size}",
    ]
    if load.dnc_tags is not None:
        lines.append(f"dnc_tags = [{', '.join(_q(t) for t in load.dnc_tags)}]")
    return lines


def _input(report: PreviewReport) -> list[str]:
    """Pin what detection found, commented out: detection re-runs unless the user pins it."""
    d = report.read.detection
    quote = "none" if d.quote_char is None else d.quote_char
    return [
        "[input]   # detected; uncomment a line to pin it and skip detection",
        f"# encoding = {_q(d.encoding)}",
        f"# delimiter = {_q(d.delimiter)}",
        f"# quote_char = {_q(quote)}",
        f"# header = {str(d.header).lower()}",
        "",
    ]


def _by_index(report: PreviewReport) -> bool:
    header = report.read.header
    if not report.read.detection.header:
        return True
    names = Counter(" ".join(h.split()).casefold() for h in header)
    return any(not h.strip() for h in header) or any(n > 1 for n in names.values())


def _ref(report: PreviewReport, column: ColumnSuggestion) -> str:
    if _by_index(report):
        return str(column.index + report.index_base)
    return _q(column.column)


def _why(column: ColumnSuggestion) -> str:
    return f"   # {column.confidence:.0%}: {column.reason}"


def _mapping(report: PreviewReport) -> list[str]:
    columns = report.suggestion.columns
    fields = {c.target: c for c in columns if c.target not in (None, PERSONA)}
    lines = ["[mapping]", f"index_base = {report.index_base}"
             "   # what integer column references count from", "", "[mapping.columns]"]
    for name in REQUIRED_COLUMNS:
        if name not in fields:
            lines.append(f"# {name} = \"…\"   # REQUIRED: no column looked like it; name it here")
    lines += [f"{target} = {_ref(report, c)}{_why(c)}" for target, c in fields.items()]
    personas = report.suggestion.personas
    if personas:
        lines += ["", "[mapping.additional_phones]   # persona phone ID = column"]
        lines += [f"{c.phone_id} = {_ref(report, c)}{_why(c)}" for c in personas]
    unmapped = [c for c in columns if c.target is None]
    if unmapped:
        lines += ["", "[mapping.extended]   # extendedLeadData: uncomment columns to send them"]
        lines += [f"# {_q(_key(c))} = {_ref(report, c)}   # {c.reason}" for c in unmapped]
    return lines


def _key(column: ColumnSuggestion) -> str:
    return words(column.column).replace(" ", "_") or f"column_{column.index + 1}"
