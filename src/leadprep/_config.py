"""The TOML config file (SPEC section 4.2), parsed into frozen dataclasses.

Every problem is a ConfigError naming the entry (`[mapping.columns] LEAD_PHONE`), so the user
knows which line to edit.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, cast

import phonenumbers

from leadprep._errors import ConfigError
from leadprep._fields import MAPPING_COLUMNS, PERSONA_IDS
from leadprep._options import delimiter_problem, encoding_problem, quote_char_problem
from leadprep._schedule import (
    BusinessHours,
    ScheduleSyntaxError,
    describe_days,
    hhmm,
    parse_days,
    parse_time,
)

PhonePolicy = Literal["valid", "possible"]
CallingConfiguration = Literal["SIMPLE", "STRATEGIC"]
ColumnRef = str | int

DIAL_PRIORITIES = ("IMMEDIATE", "NORMAL")
DUPLICATE_HANDLINGS = ("REMOVE_ALL_EXISTING", "REMOVE_FROM_LIST", "RETAIN_ALL")
TIME_ZONE_OPTIONS = ("NPA_NXX", "ZIPCODE", "EXPLICIT", "NOT_APPLICABLE")
# [mapping] infer_timezone: where a row's empty time zone is filled from.
INFER_TIMEZONE = ("phone",)


@dataclass(frozen=True)
class Persona:
    phone_id: int
    label: str


@dataclass(frozen=True)
class AccountConfig:
    e164: bool = True
    default_region: str = "US"
    phone_policy: PhonePolicy = "valid"
    personas: tuple[Persona, ...] = ()

    def persona_label(self, phone_id: int) -> str | None:
        return next((p.label for p in self.personas if p.phone_id == phone_id), None)


@dataclass(frozen=True)
class CampaignWindow:
    """One `[[campaign.windows]]` entry: on `days` (0 = MONDAY), from `start` to `end`
    (minutes; None = from opening / to closing), dial `phones` (phone IDs) in that order."""

    entry: int
    days: tuple[int, ...]
    start: int | None
    end: int | None
    phones: tuple[int, ...]

    def describe(self) -> str:
        start = "opening" if self.start is None else hhmm(self.start)
        end = "closing" if self.end is None else hhmm(self.end)
        return f"{describe_days(self.days)} {start}-{end}"


@dataclass(frozen=True)
class CampaignConfig:
    calling_configuration: CallingConfiguration = "SIMPLE"
    # [campaign.business_hours]: None when the config gives none.
    business_hours: BusinessHours | None = None
    windows: tuple[CampaignWindow, ...] = ()


@dataclass(frozen=True)
class LoadConfig:
    description: str | None = None
    dial_priority: str = "NORMAL"
    duplicate_handling: str = "REMOVE_FROM_LIST"
    list_state: str = "ACTIVE"
    time_zone_option: str = "NOT_APPLICABLE"
    dnc_tags: tuple[str, ...] | None = None
    batch_size: int = 1000


@dataclass(frozen=True)
class InputConfig:
    """Overrides for detection; None means detect."""

    encoding: str | None = None
    delimiter: str | None = None
    quote_char: str | None = None
    header: bool | None = None


@dataclass(frozen=True)
class MappingConfig:
    index_base: int = 0
    columns: Mapping[str, ColumnRef] = field(default_factory=dict)
    additional_phones: Mapping[int, ColumnRef] = field(default_factory=dict)
    extended: Mapping[str, ColumnRef] = field(default_factory=dict)
    # "phone": an empty time zone (leadTimezone, JAICP gmtZone, contacts timezone) is filled
    # from the phone number when phonenumbers knows exactly one zone for it.
    infer_timezone: str | None = None


@dataclass(frozen=True)
class Config:
    account: AccountConfig = field(default_factory=AccountConfig)
    campaign: CampaignConfig = field(default_factory=CampaignConfig)
    load: LoadConfig = field(default_factory=LoadConfig)
    input: InputConfig = field(default_factory=InputConfig)
    mapping: MappingConfig = field(default_factory=MappingConfig)
    source: str | None = None
    # The sections emit targets read ([jaicp], …), as written; each target checks its own.
    targets: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    # [actions], as written: `leadprep actions` reads it (checked when the config loads).
    actions: Mapping[str, Any] = field(default_factory=dict)

    @property
    def persona_phones_mapped(self) -> bool:
        return bool(self.mapping.additional_phones)

    @property
    def single_primary_required(self) -> bool:
        """STRATEGIC campaigns, and any file with persona phones, need one primary number."""
        return self.campaign.calling_configuration == "STRATEGIC" or self.persona_phones_mapped

    def with_overrides(self, *, batch_size: int | None = None, **input_overrides: Any) -> Config:
        load = self.load if batch_size is None else replace(self.load, batch_size=batch_size)
        given = {k: v for k, v in input_overrides.items() if v is not None}
        return replace(self, load=load, input=replace(self.input, **given))


_SECTIONS: dict[str, tuple[str, ...]] = {
    "account": ("e164", "default_region", "phone_policy", "personas"),
    "campaign": ("calling_configuration", "business_hours", "windows"),
    "load": (
        "description",
        "dial_priority",
        "duplicate_handling",
        "list_state",
        "time_zone_option",
        "dnc_tags",
        "batch_size",
    ),
    "input": ("encoding", "delimiter", "quote_char", "header"),
    "mapping": ("index_base", "columns", "additional_phones", "extended", "infer_timezone"),
}


def load_config(path: str | Path) -> Config:
    """Read and check a leadprep TOML config file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(
            "config file not found; pass an existing file to --config (leadprep preview FILE "
            "--write-config leadprep.toml writes one)", source=path) from None
    except IsADirectoryError:
        raise ConfigError("is a directory; pass the config file to --config",
                          source=path) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"not UTF-8 text (byte 0x{exc.object[exc.start]:02X} at offset {exc.start}); save "
            "the config as UTF-8", source=path) from None
    except OSError as exc:
        raise ConfigError(f"cannot read the config file: {exc.strerror or exc}; check its "
                          "permissions", source=path) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML: {exc}; fix that line", source=path) from None
    return parse_config(data, source=str(path))


def parse_config(data: Mapping[str, Any], *, source: str | None = None) -> Config:
    """Build a Config from an already parsed TOML document."""
    try:
        return _parse(data, source)
    except ConfigError as exc:
        if source is None or exc.source is not None:
            raise
        raise ConfigError(str(exc), source=source) from None


def _target_sections() -> dict[str, Any]:
    from leadprep._targets import TARGETS

    return {t.section: t for t in TARGETS.values() if t.section is not None}


def _parse(data: Mapping[str, Any], source: str | None) -> Config:
    from leadprep._actions import SECTION as ACTIONS_SECTION
    from leadprep._actions import parse_actions_section

    targets = _target_sections()
    _check_keys("", data, (*_SECTIONS, *targets, ACTIONS_SECTION))
    actions = _table(data, ACTIONS_SECTION)
    parse_actions_section(actions)
    target_tables = {name: _table(data, name) for name in targets if name in data}
    for name, table in target_tables.items():
        targets[name].check_section(table)
    sections = {name: _table(data, name) for name in _SECTIONS}
    for name, keys in _SECTIONS.items():
        _check_keys(f"[{name}]", sections[name], keys)
    account = _parse_account(sections["account"])
    campaign = _parse_campaign(sections["campaign"], account)
    config = Config(
        account=account,
        campaign=campaign,
        load=_parse_load(sections["load"]),
        input=_parse_input(sections["input"]),
        mapping=_parse_mapping(sections["mapping"]),
        source=source,
        targets=target_tables,
        actions=actions,
    )
    _check_additional_phones(config)
    return config


def _table(data: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = data.get(name, {})
    if not isinstance(value, Mapping):
        raise ConfigError(f"[{name}] must be a table")
    return value


def _check_keys(where: str, table: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    for key in table:
        if key not in allowed:
            close = difflib.get_close_matches(key, allowed, n=1)
            known = ", ".join(allowed)
            hint = f"; did you mean {close[0]!r}?" if close else f"; known keys: {known}"
            place = f"{where} {key}" if where else f"[{key}]"
            raise ConfigError(f"unknown config entry {place}{hint}")


_KINDS = {str: 'a string in quotes ("…")', int: "a whole number", bool: "true or false"}


def _typed(table: Mapping[str, Any], section: str, key: str, kind: type, default: Any) -> Any:
    value = table.get(key, default)
    if value is default:
        return value
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ConfigError(
            f"[{section}] {key} = {value!r} must be {_KINDS.get(kind, kind.__name__)}"
        )
    return value


def _choice(
    table: Mapping[str, Any], section: str, key: str, choices: tuple[str, ...], default: str
) -> str:
    value = _typed(table, section, key, str, default)
    if value not in choices:
        raise ConfigError(f"[{section}] {key} = {value!r} is not one of {', '.join(choices)}")
    return cast(str, value)


def _parse_account(table: Mapping[str, Any]) -> AccountConfig:
    region = _typed(table, "account", "default_region", str, "US").upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise ConfigError(
            f"[account] default_region = {region!r} is not a region phonenumbers knows "
            "(use a two-letter ISO code such as US, GB, DE)"
        )
    personas_raw = table.get("personas", [])
    if not isinstance(personas_raw, list):
        raise ConfigError("[[account.personas]] must be an array of tables")
    personas = tuple(_parse_persona(i, p) for i, p in enumerate(personas_raw))
    for attr in ("phone_id", "label"):
        seen: set[object] = set()
        for i, persona in enumerate(personas):
            value = getattr(persona, attr)
            if value in seen:
                raise ConfigError(f"[[account.personas]] entry {i + 1}: {attr} {value!r} twice")
            seen.add(value)
    return AccountConfig(
        e164=_typed(table, "account", "e164", bool, True),
        default_region=region,
        phone_policy=cast(
            PhonePolicy,
            _choice(table, "account", "phone_policy", ("valid", "possible"), "valid"),
        ),
        personas=personas,
    )


def _parse_persona(index: int, raw: Any) -> Persona:
    where = f"[[account.personas]] entry {index + 1}"
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{where} must be a table with phone_id and label")
    _check_keys(where, raw, ("phone_id", "label"))
    phone_id = raw.get("phone_id")
    label = raw.get("label")
    if not isinstance(phone_id, int) or isinstance(phone_id, bool) or phone_id not in PERSONA_IDS:
        raise ConfigError(
            f"{where}: phone_id = {phone_id!r}; persona phone IDs are 2..7 "
            "(ID 1 is the primary leadPhone)"
        )
    if not isinstance(label, str) or not label.strip():
        raise ConfigError(f"{where}: label must be a non-empty string")
    return Persona(phone_id=phone_id, label=label)


def _parse_campaign(table: Mapping[str, Any], account: AccountConfig) -> CampaignConfig:
    calling = cast(
        CallingConfiguration,
        _choice(table, "campaign", "calling_configuration", ("SIMPLE", "STRATEGIC"), "SIMPLE"),
    )
    hours_raw = table.get("business_hours")
    hours = None
    if hours_raw is not None:
        if not isinstance(hours_raw, Mapping):
            raise ConfigError(
                '[campaign.business_hours] must be a table of days = hours, e.g. '
                'mon-fri = "08:00-17:00"'
            )
        try:
            hours = BusinessHours.parse(hours_raw)
        except ScheduleSyntaxError as exc:
            raise ConfigError(f"[campaign.business_hours] {exc}") from None
    windows_raw = table.get("windows", [])
    if not isinstance(windows_raw, list):
        raise ConfigError("[[campaign.windows]] must be an array of tables")
    windows = tuple(_parse_window(i, w, account) for i, w in enumerate(windows_raw))
    if windows and calling != "STRATEGIC":
        raise ConfigError(
            "[[campaign.windows]] entry 1: call windows need a STRATEGIC campaign; set "
            '[campaign] calling_configuration = "STRATEGIC" or remove the windows'
        )
    return CampaignConfig(calling_configuration=calling, business_hours=hours, windows=windows)


_WINDOW_KEYS = ("days", "start", "end", "phones")
_PRIMARY_NAMES = ("leadphone", "primary", "lead phone", "lead_phone")


def _parse_window(index: int, raw: Any, account: AccountConfig) -> CampaignWindow:
    where = f"[[campaign.windows]] entry {index + 1}"
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{where} must be a table with days, start, end and phones")
    _check_keys(where, raw, _WINDOW_KEYS)
    for key in ("days", "phones"):
        if key not in raw:
            raise ConfigError(f"{where}: {key} is missing; {_WINDOW_HELP[key]}")
    try:
        days = parse_days(raw["days"], f"{where}: days")
        start, end = (
            None if raw.get(key) is None else parse_time(_text(raw[key], where, key),
                                                         f"{where}: {key}")
            for key in ("start", "end")
        )
    except ScheduleSyntaxError as exc:
        raise ConfigError(str(exc)) from None
    if start is not None and end is not None and start >= end:
        raise ConfigError(f"{where}: start {hhmm(start)} must be before end {hhmm(end)}")
    phones_raw = raw["phones"]
    if isinstance(phones_raw, str | int):
        phones_raw = [phones_raw]
    if not isinstance(phones_raw, list) or not phones_raw:
        raise ConfigError(f"{where}: phones is empty; {_WINDOW_HELP['phones']}")
    phones = tuple(_phone_id(where, ref, account) for ref in phones_raw)
    twice = sorted({p for p in phones if phones.count(p) > 1})
    if twice:
        raise ConfigError(f"{where}: phones names phone ID {twice[0]} twice; name each phone once")
    return CampaignWindow(index + 1, days, start, end, phones)


_WINDOW_HELP = {
    "days": 'e.g. days = "MON-FRI" or ["MONDAY", "WEDNESDAY"]',
    "phones": 'list the phones to dial in order, by ID or label, e.g. phones = ["Mobile Phone", 1]',
}


def _text(value: Any, where: str, key: str) -> str:
    if not isinstance(value, str):
        raise ConfigError(f'{where}: {key} = {value!r} must be a string like "08:00"')
    return value


def _phone_id(where: str, ref: Any, account: AccountConfig) -> int:
    """A phone named by ID (1..7) or by label: a configured persona label, or leadPhone /
    primary for ID 1."""
    labels = {p.label: p.phone_id for p in account.personas}
    if isinstance(ref, int) and not isinstance(ref, bool):
        if ref == 1 or ref in labels.values():
            return ref
        if ref in PERSONA_IDS:
            raise ConfigError(
                f"{where}: phones: phone ID {ref} has no configured persona; add "
                f'[[account.personas]] phone_id = {ref}, label = "…"'
            )
        raise ConfigError(f"{where}: phones: phone ID {ref} is outside 1..7")
    if not isinstance(ref, str) or not ref.strip():
        raise ConfigError(f"{where}: phones: {ref!r} is neither a phone ID nor a persona label")
    text = ref.strip()
    if text in labels:
        return labels[text]
    folded = {label.casefold(): phone_id for label, phone_id in labels.items()}
    if text.casefold() in folded:
        return folded[text.casefold()]
    if text.casefold() in _PRIMARY_NAMES:
        return 1
    if text.isdigit():
        return _phone_id(where, int(text), account)
    known = [*labels, "leadPhone"]
    close = difflib.get_close_matches(text, known, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else f"; known: {', '.join(map(repr, known))}"
    raise ConfigError(f"{where}: phones: {text!r} is not a configured persona label{hint}")


def _parse_load(table: Mapping[str, Any]) -> LoadConfig:
    batch_size = _typed(table, "load", "batch_size", int, 1000)
    if batch_size < 1:
        raise ConfigError(f"[load] batch_size = {batch_size} must be at least 1")
    tags = table.get("dnc_tags")
    if tags is not None and not (isinstance(tags, list) and all(isinstance(t, str) for t in tags)):
        raise ConfigError(f"[load] dnc_tags = {tags!r} must be a list of strings, e.g. "
                          'dnc_tags = ["DNC"]')
    return LoadConfig(
        description=_typed(table, "load", "description", str, None),
        dial_priority=_choice(table, "load", "dial_priority", DIAL_PRIORITIES, "NORMAL"),
        duplicate_handling=_choice(
            table, "load", "duplicate_handling", DUPLICATE_HANDLINGS, "REMOVE_FROM_LIST"
        ),
        list_state=_typed(table, "load", "list_state", str, "ACTIVE"),
        time_zone_option=_choice(
            table, "load", "time_zone_option", TIME_ZONE_OPTIONS, "NOT_APPLICABLE"
        ),
        dnc_tags=tuple(tags) if tags is not None else None,
        batch_size=batch_size,
    )


def _parse_input(table: Mapping[str, Any]) -> InputConfig:
    config = InputConfig(
        encoding=_typed(table, "input", "encoding", str, None),
        delimiter=_typed(table, "input", "delimiter", str, None),
        quote_char=_typed(table, "input", "quote_char", str, None),
        header=_typed(table, "input", "header", bool, None),
    )
    for key, problem in (("encoding", encoding_problem(config.encoding)),
                         ("delimiter", delimiter_problem(config.delimiter)),
                         ("quote_char", quote_char_problem(config.quote_char))):
        if problem:
            raise ConfigError(f"[input] {key} = {getattr(config, key)!r} {problem}")
    return config


def _parse_mapping(table: Mapping[str, Any]) -> MappingConfig:
    index_base = _typed(table, "mapping", "index_base", int, 0)
    if index_base not in (0, 1):
        raise ConfigError(f"[mapping] index_base = {index_base} must be 0 or 1")
    columns = _refs(table, "columns")
    for name in columns:
        if name not in MAPPING_COLUMNS:
            close = difflib.get_close_matches(name.upper(), list(MAPPING_COLUMNS), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise ConfigError(
                f"[mapping.columns] {name}: not a leadLoader mapping column{hint} "
                f"(known: {', '.join(MAPPING_COLUMNS)})"
            )
    phones: dict[int, ColumnRef] = {}
    for key, ref in _refs(table, "additional_phones").items():
        try:
            phone_id = int(key)
        except ValueError:
            raise ConfigError(
                f"[mapping.additional_phones] {key}: keys are persona phone IDs 2..7"
            ) from None
        if phone_id == 1:
            raise ConfigError(
                "[mapping.additional_phones] 1: phone ID 1 is the primary leadPhone; "
                "map it with LEAD_PHONE in [mapping.columns]"
            )
        if phone_id not in PERSONA_IDS:
            raise ConfigError(
                f"[mapping.additional_phones] {key}: phone ID {phone_id} is outside 2..7"
            )
        phones[phone_id] = ref
    return MappingConfig(
        index_base=index_base,
        columns=columns,
        additional_phones=phones,
        extended=_refs(table, "extended"),
        infer_timezone=_infer_timezone(table),
    )


def _infer_timezone(table: Mapping[str, Any]) -> str | None:
    if "infer_timezone" not in table:
        return None
    value = table["infer_timezone"]
    if value not in INFER_TIMEZONE or not isinstance(value, str):
        raise ConfigError(
            f"[mapping] infer_timezone = {value!r} must be \"phone\" (fill an empty time zone "
            "from the phone number) or be left out")
    return value


def _refs(table: Mapping[str, Any], name: str) -> dict[str, ColumnRef]:
    sub = table.get(name, {})
    if not isinstance(sub, Mapping):
        raise ConfigError(f"[mapping.{name}] must be a table")
    refs: dict[str, ColumnRef] = {}
    for key, ref in sub.items():
        if isinstance(ref, bool) or not isinstance(ref, str | int):
            raise ConfigError(
                f"[mapping.{name}] {key} = {ref!r}: give a header name (string) "
                "or a column index (integer)"
            )
        refs[str(key)] = ref
    return refs


def _check_additional_phones(config: Config) -> None:
    phones = config.mapping.additional_phones
    if not phones:
        return
    if config.campaign.calling_configuration == "SIMPLE":
        first = min(phones)
        raise ConfigError(
            f"[mapping.additional_phones] {first}: persona phones need a STRATEGIC campaign; "
            "set [campaign] calling_configuration = \"STRATEGIC\" or remove the entry"
        )
    for phone_id in sorted(phones):
        if config.account.persona_label(phone_id) is None:
            raise ConfigError(
                f"[mapping.additional_phones] {phone_id}: no persona label is configured for "
                f"phone ID {phone_id}; add [[account.personas]] phone_id = {phone_id}, "
                'label = "…"'
            )
