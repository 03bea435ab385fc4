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

# Suggestions below this confidence are written commented out.
CONFIRM_BELOW = 0.5


def _q(value: str) -> str:
    """A TOML basic string: JSON's escapes are all valid TOML escapes."""
    return json.dumps(value, ensure_ascii=False)


def refuse_existing(target: str | Path, force: bool) -> None:
    """A written config never replaces a file unless asked; checked before any work too."""
    if Path(target).exists() and not force:
        raise ConfigError(f"--write-config {target} already exists; pass --force to replace "
                          "it, or pick another path")


def write_config(report: PreviewReport, target: str | Path, *, force: bool = False) -> Path:
    path = Path(target)
    refuse_existing(path, force)
    with atomic_path(path) as tmp:
        tmp.write_text(render_config(report), encoding="utf-8")
    return path


def render_config(report: PreviewReport) -> str:
    cfg = report.config
    lines = [
        f"# leadprep config suggested by `leadprep preview` for {Path(report.path).name}",
        "# Check every entry (confidence and reason are in the comments), then run:",
        f"#   leadprep convert {report.path} --config <this file> --out out",
        "# Lines marked 'confirm' are guesses about your account and campaign.",
        "",
        *_account(cfg),
        "",
        "[campaign]",
        f"calling_configuration = {_q(cfg.campaign.calling_configuration)}"
        "   # confirm: your campaign's setting (STRATEGIC dials persona phones)",
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
    """Options the user gave are pinned; what detection found is there, commented out."""
    d = report.read.detection
    given = report.given
    detected: dict[str, str | bool] = {"encoding": d.encoding, "delimiter": d.delimiter,
                                       "quote_char": d.quote_char or "none",
                                       "header": d.header}
    lines = ["[input]   # lines without # are pinned; uncomment others to skip detection"]
    for key, found in detected.items():
        value = getattr(given, key)
        if value is not None:
            lines.append(f"{key} = {_toml_value(value)}   # given to preview")
        else:
            lines.append(f"# {key} = {_toml_value(found)}   # detected")
    return [*lines, ""]


def _toml_value(value: str | bool) -> str:
    return str(value).lower() if isinstance(value, bool) else _q(value)


def given_flags(report: PreviewReport) -> str:
    """The detection flags the user gave preview, to repeat in the next command."""
    given = report.given
    flags = [f"--{key.replace('_', '-')} {_shell(str(getattr(given, key)))}"
             for key in ("encoding", "delimiter", "quote_char")
             if getattr(given, key) is not None]
    if given.header is not None:
        flags.append("--header" if given.header else "--no-header")
    return " ".join(flags)


def _shell(value: str) -> str:
    return value if value.isalnum() or value in ("-", "utf-8") else "'" + value + "'"


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


def _entry(key: str, report: PreviewReport, column: ColumnSuggestion) -> str:
    """A confident guess is written as a mapping; a weak one is left for the user to confirm."""
    line = f"{key} = {_ref(report, column)}{_why(column)}"
    if column.confidence < CONFIRM_BELOW:
        return f"# {line}; a guess: uncomment if right"
    return line


def _why(column: ColumnSuggestion) -> str:
    return f"   # {column.confidence:.0%}: {column.reason}"


def unconfirmed_required(report: PreviewReport) -> list[str]:
    """Required mapping columns the written config leaves for the user to fill in."""
    confident = {c.target for c in report.suggestion.columns if c.confidence >= CONFIRM_BELOW}
    return [name for name in REQUIRED_COLUMNS if name not in confident]


def _mapping(report: PreviewReport) -> list[str]:
    columns = report.suggestion.columns
    fields = {c.target: c for c in columns if c.target not in (None, PERSONA)}
    lines = ["[mapping]", f"index_base = {report.index_base}"
             "   # what integer column references count from", "", "[mapping.columns]"]
    for name in REQUIRED_COLUMNS:
        if name not in fields:
            lines.append(f"# {name} = \"…\"   # REQUIRED: no column looked like it; name it here")
    lines += [_entry(target, report, c) for target, c in fields.items()]
    personas = report.suggestion.personas
    if personas:
        lines += ["", "[mapping.additional_phones]   # persona phone ID = column"]
        lines += [_entry(str(c.phone_id), report, c) for c in personas]
    unmapped = [c for c in columns if c.target is None]
    if unmapped:
        lines += ["", "[mapping.extended]   # extendedLeadData: uncomment columns to send them"]
        lines += [f"# {_q(_key(c))} = {_ref(report, c)}   # {c.reason}" for c in unmapped]
    return lines


def _key(column: ColumnSuggestion) -> str:
    return words(column.column).replace(" ", "_") or f"column_{column.index + 1}"
