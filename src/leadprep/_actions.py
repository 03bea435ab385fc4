"""Lead actions (reference 002_*): request bodies for `PUT …/campaignLeads/actions?leadAction=X`
from a file of externIds (or lead phones).

Each body is `{"campaignLeadSearchCriteria": {…, "externIds": [...]}}` (or `leadPhoneNumbers`
for phones), plus `"leadActionParams": {"paramMap": {…}}` for MOVE_TO_CAMPAIGN, with at most
`batch_size` ids. The `[actions]` config section gives the id column and type, the batch size,
the search criteria that narrow the action (`campaignId`, `campaignIds`, `listIds`, the API's
names) and `[actions.paramMap]`, MOVE_TO_CAMPAIGN's parameters under the API's names. Every
problem in the section is a ConfigError naming the key.

Ids are read as every lead file is (the read stage), trimmed, checked and deduplicated with
polars expressions; empty or malformed ids are rejects (rejects.csv, with their source row),
repeated ones are sent once with a DUPLICATE_ACTION_ID warning. Outputs are published into
`--out DIR` by the emit stage's staging and publishing, like convert's.
"""

from __future__ import annotations

import difflib
import json
import re
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, cast

import polars as pl

from leadprep._codes import FileErrorCode, RejectCode, WarningCode, sorted_counts
from leadprep._config import ColumnRef, Config, load_config
from leadprep._emit import staged_outputs, write_json, write_rejects, write_warnings
from leadprep._errors import ConfigError, InputFileError, LeadprepError, StageError
from leadprep._exprs import format_text
from leadprep._map import _Resolver
from leadprep._parse import column_name
from leadprep._phone import normalize
from leadprep._read import ReadOptions, ReadResult, detection_summary, read
from leadprep._transform import WARNING_SCHEMA

ACTIONS_DIR = "actions"
SECTION = "actions"
# The lead actions `leadprep actions` writes: those that take nothing but the leads to act on,
# and MOVE_TO_CAMPAIGN with its paramMap (reference 002_*, "List of Lead Actions").
ACTIONS = (
    "DELETE_LEADS",
    "SUPPRESS_LEADS",
    "UNSUPPRESS_LEADS",
    "CANCEL_LEADS",
    "PAUSE_LEADS",
    "READY_LEADS",
    "RESET_LEADS",
    "MOVE_TO_CAMPAIGN",
)
# Actions of the reference that need parameters leadprep does not build.
OTHER_ACTIONS = (
    "DIALER_REFRESH",
    "MANUAL_LEADS",
    "EMAIL_LEADS",
    "CALLBACK_LEADS",
    "AGENT_RESERVATION",
)
Action = str
IdType = Literal["externId", "phone"]
ID_TYPES: tuple[IdType, ...] = ("externId", "phone")
# The search criteria field each id type fills: externIds (reference 002_*), or
# leadPhoneNumbers (the API's CampaignLeadSearchCriteria model) for phones.
ID_FIELDS: dict[IdType, str] = {"externId": "externIds", "phone": "leadPhoneNumbers"}
# No maximum number of ids per request is published: the batch size of [load] is the default.
DEFAULT_BATCH_SIZE = 1000
SECTION_KEYS = (
    "id_column",
    "id_type",
    "batch_size",
    "campaignId",
    "campaignIds",
    "listIds",
    "paramMap",
)
# MOVE_TO_CAMPAIGN's parameters, in the reference's order.
PARAM_KEYS = (
    "CAMPAIGN_ID",
    "LIST_ID",
    "LIST_NAME",
    "CREATE_COPY_SETTING",
    "DUPLICATE_ACTION_SETTING",
)
CREATE_COPY_SETTINGS = ("true", "false", "TRANSITION")
DUPLICATE_ACTION_SETTINGS = ("MOVE", "IGNORE")
# The API's ids are 32-bit integers (campaignId, listIds).
MAX_ID = 2**31 - 1
# Header names (lower case, letters and digits only) that hold each kind of id, best first.
ID_HEADERS: dict[IdType, tuple[str, ...]] = {
    "externId": ("externid", "externids", "externalid", "externalids", "leadexternid", "id", "ids"),
    "phone": (
        "leadphone",
        "leadphones",
        "leadphonenumber",
        "leadphonenumbers",
        "phone",
        "phones",
        "phonenumber",
        "phonenumbers",
        "leadphonee164",
        "telephone",
    ),
}
# A spreadsheet's scientific notation of a long number ("1.23457E+11"): the id's digits are lost.
_SCIENTIFIC = r"^[0-9](\.[0-9]+)?E\+[0-9]+$"
ENDPOINT = "PUT /api/v1/admin/accounts/{accountId}/campaignLeads/actions?leadAction="


@dataclass(frozen=True)
class ActionsSettings:
    """The `[actions]` section, checked. `criteria` and `param_map` are in the API's names and
    value types, ready for the body."""

    id_column: ColumnRef | None = None
    id_type: IdType | None = None
    batch_size: int = DEFAULT_BATCH_SIZE
    criteria: Mapping[str, Any] = field(default_factory=dict)
    param_map: Mapping[str, Any] | None = None


def _fail(key: str, value: Any, problem: str) -> ConfigError:
    return ConfigError(f"[{SECTION}] {key} = {value!r} {problem}")


def _unknown(where: str, key: str, known: tuple[str, ...]) -> ConfigError:
    close = difflib.get_close_matches(str(key), known, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else f"; known: {', '.join(known)}"
    return ConfigError(f"unknown config entry {where} {key}{hint}")


def _api_id(value: Any, *, zero: bool = False) -> int | None:
    """A positive (or, with `zero`, non-negative) 32-bit id, as a TOML integer or a string of
    digits; None for anything else."""
    if isinstance(value, str) and re.fullmatch(r"[0-9]+", value.strip()):
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if (0 if zero else 1) <= value <= MAX_ID else None


def parse_actions_section(table: Mapping[str, Any]) -> ActionsSettings:
    """Check `[actions]`; a ConfigError names the key."""
    for key in table:
        if key not in SECTION_KEYS:
            raise _unknown(f"[{SECTION}]", key, SECTION_KEYS)
    id_column = table.get("id_column")
    if id_column is not None and (
        isinstance(id_column, bool) or not isinstance(id_column, str | int)
    ):
        raise _fail("id_column", id_column, "must be a header name or a column index")
    id_type = table.get("id_type")
    if id_type is not None and id_type not in ID_TYPES:
        raise _fail("id_type", id_type, f"is not one of {', '.join(ID_TYPES)}")
    batch_size = table.get("batch_size", DEFAULT_BATCH_SIZE)
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise _fail("batch_size", batch_size, "must be a whole number, at least 1")
    criteria: dict[str, Any] = {}
    if "campaignId" in table:
        campaign = _api_id(table["campaignId"])
        if campaign is None:
            raise _fail(
                "campaignId", table["campaignId"], "must be a campaign ID (a positive whole number)"
            )
        criteria["campaignId"] = campaign
    for key in ("campaignIds", "listIds"):
        if key not in table:
            continue
        raw = table[key]
        ids = [_api_id(v) for v in raw] if isinstance(raw, list) else [None]
        # An empty list is sent as the reference's MOVE_TO_CAMPAIGN example sends
        # "listIds": []: no narrowing by it.
        if any(i is None for i in ids):
            raise _fail(key, raw, "must be a list of IDs (positive whole numbers), e.g. [1001]")
        criteria[key] = ids
    param_map = None
    if "paramMap" in table:
        param_map = parse_param_map(table["paramMap"])
    return ActionsSettings(
        id_column=id_column,
        id_type=cast(IdType | None, id_type),
        batch_size=batch_size,
        criteria=criteria,
        param_map=param_map,
    )


def parse_param_map(raw: Any) -> dict[str, Any]:
    """`[actions.paramMap]`: MOVE_TO_CAMPAIGN's parameters, checked, in the reference's order
    and types (CAMPAIGN_ID a number; the others strings, as the reference's example sends)."""
    where = f"[{SECTION}.paramMap]"
    if not isinstance(raw, Mapping):
        raise ConfigError(
            f"{where} must be a table: CAMPAIGN_ID, LIST_ID, LIST_NAME, "
            "CREATE_COPY_SETTING, DUPLICATE_ACTION_SETTING"
        )
    for key in raw:
        if key not in PARAM_KEYS:
            raise _unknown(where, key, PARAM_KEYS)
    for key, help_text in (
        ("CAMPAIGN_ID", "the ID of the campaign to move the leads to"),
        (
            "LIST_ID",
            "the ID of the list to move the leads to, or 0 to create a new list named LIST_NAME",
        ),
        (
            "CREATE_COPY_SETTING",
            'false to move the leads, true to copy them, "TRANSITION" to '
            "copy them in state TRANSITION",
        ),
        (
            "DUPLICATE_ACTION_SETTING",
            '"MOVE" to move leads the target list already has anyway, "IGNORE" to leave them',
        ),
    ):
        if key not in raw:
            raise ConfigError(f"{where} {key} is missing: MOVE_TO_CAMPAIGN needs it ({help_text})")
    params: dict[str, Any] = {}
    campaign = _api_id(raw["CAMPAIGN_ID"])
    if campaign is None:
        raise ConfigError(
            f"{where} CAMPAIGN_ID = {raw['CAMPAIGN_ID']!r} must be a campaign ID "
            "(a positive whole number)"
        )
    params["CAMPAIGN_ID"] = campaign
    list_id = _api_id(raw["LIST_ID"], zero=True)
    if list_id is None:
        raise ConfigError(
            f"{where} LIST_ID = {raw['LIST_ID']!r} must be a list ID (a whole "
            "number; 0 creates a new list named LIST_NAME)"
        )
    params["LIST_ID"] = str(list_id)
    name = raw.get("LIST_NAME")
    if name is not None and (not isinstance(name, str) or not name.strip()):
        raise ConfigError(f"{where} LIST_NAME = {name!r} must be a non-empty string")
    if list_id == 0 and name is None:
        raise ConfigError(
            f"{where} LIST_NAME is missing: LIST_ID = 0 creates a new list, and "
            "LIST_NAME names it (or give the LIST_ID of an existing list)"
        )
    if name is not None:
        params["LIST_NAME"] = name.strip()
    copy = raw["CREATE_COPY_SETTING"]
    copy_text = ("true" if copy else "false") if isinstance(copy, bool) else copy
    if copy_text not in CREATE_COPY_SETTINGS:
        raise ConfigError(
            f"{where} CREATE_COPY_SETTING = {copy!r} is not one of true, false, "
            '"TRANSITION" (false moves, true copies, TRANSITION copies in state '
            "TRANSITION)"
        )
    params["CREATE_COPY_SETTING"] = copy_text
    duplicate = raw["DUPLICATE_ACTION_SETTING"]
    if duplicate not in DUPLICATE_ACTION_SETTINGS:
        raise ConfigError(
            f'{where} DUPLICATE_ACTION_SETTING = {duplicate!r} is not one of "MOVE", "IGNORE"'
        )
    params["DUPLICATE_ACTION_SETTING"] = duplicate
    return params


def check_action(action: str) -> Action:
    """The action's API name; a ConfigError listing the supported ones for any other."""
    name = action.strip().upper().replace("-", "_")
    if name in ACTIONS:
        return name
    supported = ", ".join(ACTIONS)
    if name in OTHER_ACTIONS:
        raise ConfigError(
            f"ACTION {action!r} needs parameters leadprep does not build; "
            f"leadprep actions writes {supported}"
        )
    close = difflib.get_close_matches(name, ACTIONS, n=1)
    hint = f"did you mean {close[0]}? " if close else ""
    raise ConfigError(
        f"ACTION {action!r} is not a lead action leadprep writes; {hint}give one of {supported}"
    )


def settings_of(config: Config) -> ActionsSettings:
    return parse_actions_section(config.actions)


@dataclass(frozen=True)
class ActionsResult:
    """What `actions` did. `ids`: `_row` and `id`, the ids sent, in file order, each once;
    `batches` of them per body. `rejects` as in rejects.csv (`_row`, `_reasons` list,
    `_message`, `_fields`), `warnings` as in warnings.csv."""

    action: Action
    summary: dict[str, Any]
    read: ReadResult
    ids: pl.DataFrame
    rejects: pl.DataFrame
    warnings: pl.DataFrame
    id_field: str
    criteria: Mapping[str, Any]
    param_map: Mapping[str, Any] | None
    batch_size: int
    outputs: tuple[str, ...] = ()

    @property
    def batches(self) -> int:
        return -(-self.ids.height // self.batch_size)

    def bodies(self) -> Iterator[dict[str, Any]]:
        """The request bodies, one per batch."""
        for start in range(0, self.ids.height, self.batch_size):
            ids = self.ids["id"].slice(start, self.batch_size).to_list()
            yield body(self.criteria, self.id_field, ids, self.param_map)

    def asdict(self) -> dict[str, Any]:
        return dict(self.summary)


def body(
    criteria: Mapping[str, Any], id_field: str, ids: list[str], param_map: Mapping[str, Any] | None
) -> dict[str, Any]:
    """One request body: the search criteria with the ids, and MOVE_TO_CAMPAIGN's paramMap."""
    document: dict[str, Any] = {"campaignLeadSearchCriteria": {**criteria, id_field: ids}}
    if param_map is not None:
        document["leadActionParams"] = {"paramMap": dict(param_map)}
    return document


def _resolve_config(config: Config | str | Path | None) -> Config:
    if config is None:
        return Config()
    return config if isinstance(config, Config) else load_config(config)


def actions(
    action: str,
    path: str | Path,
    config: Config | str | Path | None = None,
    out: str | Path | None = None,
    *,
    batch_size: int | None = None,
    id_column: ColumnRef | None = None,
    id_type: str | None = None,
) -> ActionsResult:
    """Lead action request bodies for the ids in `path`.

    Writes `out/actions/<action>-NNNNN.json`, rejects.csv, warnings.csv and summary.json when
    `out` is given (published atomically, as convert's outputs); with `out=None` nothing is
    written. `batch_size`, `id_column` and `id_type` override `[actions]`."""
    started = time.perf_counter()
    name = check_action(action)
    cfg = _resolve_config(config)
    settings = settings_of(cfg)
    size = batch_size if batch_size is not None else settings.batch_size
    if size < 1:
        raise ConfigError(f"--batch-size {size} must be at least 1")
    if id_type is not None and id_type not in ID_TYPES:
        raise ConfigError(f"--id-type {id_type!r} is not one of {', '.join(ID_TYPES)}")
    param_map = settings.param_map if name == "MOVE_TO_CAMPAIGN" else None
    if name == "MOVE_TO_CAMPAIGN" and param_map is None:
        raise ConfigError(
            "MOVE_TO_CAMPAIGN needs [actions.paramMap] in the config: CAMPAIGN_ID, LIST_ID "
            "(0 for a new list, with LIST_NAME), CREATE_COPY_SETTING (true, false or "
            "TRANSITION) and DUPLICATE_ACTION_SETTING (MOVE or IGNORE)",
            source=cfg.source,
        )
    from leadprep._pipeline import read_options

    read_result = _read_ids(path, read_options(cfg))
    entry = "--id-column" if id_column is not None else f"[{SECTION}] id_column"
    column, kind, column_name_ = _id_column(
        read_result,
        cfg,
        id_column if id_column is not None else settings.id_column,
        id_type or settings.id_type,
        entry,
    )
    try:
        checked = _check_ids(read_result, column, kind, cfg)
        ids, warnings = _deduplicate(checked, ID_FIELDS[kind])
        rejects = _rejected(read_result, checked)
    except LeadprepError:
        raise
    except Exception as exc:  # pragma: no cover - a bug, named as the validate stage's
        raise StageError("validate", exc) from exc
    result = ActionsResult(
        action=name,
        summary={},
        read=read_result,
        ids=ids,
        rejects=rejects,
        warnings=warnings,
        id_field=ID_FIELDS[kind],
        criteria=settings.criteria,
        param_map=param_map,
        batch_size=size,
    )
    summary = _summary(result, column_name_)
    if out is not None:
        outputs = _emit(result, out, summary, started)
        summary = {**summary, "outputs": list(outputs)}
    summary["elapsed_seconds"] = round(time.perf_counter() - started, 3)
    return ActionsResult(**{**result.__dict__, "summary": summary})


def _read_ids(path: str | Path, options: ReadOptions) -> ReadResult:
    """The id file, read as any lead file. A file of one column has no delimiter to detect:
    it is read as one comma-separated column; and its first line is a header only when it
    names an id column (externId, phone, …), since an id such as "A-17" looks like a name."""
    try:
        result = read(path, options)
    except InputFileError as error:
        if error.code != FileErrorCode.DELIMITER_UNDETECTED or options.delimiter is not None:
            raise
        options = ReadOptions(
            encoding=options.encoding,
            delimiter=",",
            quote_char=options.quote_char,
            header=options.header,
        )
        result = read(path, options)
    if result.width != 1 or options.header is not None:
        return result
    first = result.header[0] if result.detection.header else _first_value(result)
    header = first is not None and _id_kind(first) is not None
    if header == result.detection.header:
        return result
    return read(
        path,
        ReadOptions(
            encoding=options.encoding,
            delimiter=result.detection.delimiter,
            quote_char=options.quote_char,
            header=header,
        ),
    )


def _first_value(result: ReadResult) -> str | None:
    rows = result.rows.filter(pl.col("_row") == 1)
    return None if rows.is_empty() else cast(str | None, rows[column_name(0)][0])


def _letters(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", name.casefold())


def _id_kind(header: str) -> IdType | None:
    letters = _letters(header)
    for kind, names in ID_HEADERS.items():
        if letters in names:
            return kind
    return None


def _id_column(
    read_result: ReadResult,
    config: Config,
    ref: ColumnRef | None,
    kind: IdType | None,
    entry: str,
) -> tuple[int, IdType, str]:
    """(index, id type, name shown) of the column holding the ids: the one --id-column or
    [actions] id_column names, else a header naming ids (externId first), else the only
    column. The type: --id-type / [actions] id_type, else the header's kind, else externId."""
    header = read_result.header
    if ref is not None:
        index = _Resolver(read_result, config).resolve(entry, ref)
        found = _id_kind(header[index]) if read_result.detection.header else None
        return index, kind or found or "externId", header[index]
    if read_result.detection.header:
        for found_kind in ("externId", "phone") if kind is None else (kind,):
            for wanted in ID_HEADERS[found_kind]:
                matches = [i for i, h in enumerate(header) if _letters(h) == wanted]
                if len(matches) > 1:
                    shown = ", ".join(f"column {i + 1} {header[i]!r}" for i in matches)
                    raise InputFileError(
                        FileErrorCode.AMBIGUOUS_HEADER,
                        read_result.path,
                        f"several columns could hold the ids ({shown}); name one with "
                        "--id-column or [actions] id_column",
                    )
                if matches:
                    return matches[0], found_kind, header[matches[0]]
    if read_result.width == 1:
        return 0, kind or "externId", header[0]
    raise ConfigError(
        f"{read_result.path}: no column of ids found among {', '.join(map(repr, header))}; name "
        "it with --id-column (header name or index) or [actions] id_column, and its kind with "
        "--id-type externId|phone"
    )


def _check_ids(read_result: ReadResult, column: int, kind: IdType, config: Config) -> pl.DataFrame:
    """`_row`, `id` (the value sent; null when rejected), `_reasons` (list), `_message`."""
    raw = pl.col(column_name(column))
    frame = read_result.rows.select("_row", _raw=raw, _value=raw.str.strip_chars())
    if kind == "externId":
        return frame.select("_row", *_extern_id_rules())
    return _phone_rules(frame, config)


def _extern_id_rules() -> list[pl.Expr]:
    value = pl.col("_value")
    empty = value.is_null() | (value == "")
    control = value.str.contains(r"[\t\r\n]")
    scientific = value.str.contains(_SCIENTIFIC)
    malformed = ~empty & (control | scientific)
    quoted = pl.lit("'") + value + pl.lit("'")
    reason = (
        pl.when(empty)
        .then(pl.lit(RejectCode.MISSING_EXTERN_ID.value))
        .when(malformed)
        .then(pl.lit(RejectCode.MALFORMED_EXTERN_ID.value))
    )
    message = (
        pl.when(empty)
        .then(pl.lit("externId is empty"))
        .when(control)
        .then(format_text("externId {} holds a tab or line break", quoted))
        .when(scientific)
        .then(
            format_text(
                "externId {} is a number in scientific notation, as spreadsheets write long "
                "numbers: its digits are lost; export the column as text",
                quoted,
            )
        )
    )
    return [
        pl.when(reason.is_null()).then(value).alias("id"),
        pl.concat_list(reason).list.drop_nulls().alias("_reasons"),
        message.alias("_message"),
    ]


def _phone_rules(frame: pl.DataFrame, config: Config) -> pl.DataFrame:
    """Phones as convert checks a primary: one number, valid under [account] phone_policy, and
    NANP unless the account has E.164. The value sent is the national number convert writes
    into leadPhone, the field the search matches."""
    account = config.account
    value = pl.col("_value")
    empty = value.is_null() | (value == "")
    piped = value.str.contains("|", literal=True)
    phones = normalize(frame["_value"], account.default_region, account.phone_policy)
    frame = pl.concat([frame, phones], how="horizontal")
    accepted = pl.col("accepted").fill_null(False)
    non_nanp = accepted & pl.lit(not account.e164) & (pl.col("country_code") != 1)
    invalid = ~accepted
    quoted = pl.lit("'") + value + pl.lit("'")
    code = (
        pl.when(empty)
        .then(pl.lit(RejectCode.MISSING_PRIMARY_PHONE.value))
        .when(piped)
        .then(pl.lit(RejectCode.PIPE_DELIMITED_PRIMARY.value))
        .when(invalid)
        .then(pl.lit(RejectCode.INVALID_PRIMARY_PHONE.value))
        .when(non_nanp)
        .then(pl.lit(RejectCode.NON_NANP_PRIMARY.value))
    )
    message = (
        pl.when(empty)
        .then(pl.lit("the phone is empty"))
        .when(piped)
        .then(format_text("phone {} holds several numbers; give one per row", quoted))
        .when(invalid)
        .then(
            format_text(
                "phone {} is not a {} phone number for region {} ({})",
                quoted,
                pl.lit(account.phone_policy),
                pl.lit(account.default_region),
                pl.col("reason").fill_null("invalid"),
            )
        )
        .when(non_nanp)
        .then(
            format_text(
                "phone {} is not a NANP (+1) number and the account is not enabled for E.164 "
                "([account] e164 = false)",
                quoted,
            )
        )
    )
    return frame.select(
        "_row",
        pl.when(code.is_null()).then(pl.col("national")).alias("id"),
        pl.concat_list(code).list.drop_nulls().alias("_reasons"),
        message.alias("_message"),
    )


def _deduplicate(checked: pl.DataFrame, id_field: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The ids sent (first occurrences, in file order) and a warning for each later one."""
    accepted = checked.filter(pl.col("id").is_not_null()).select("_row", "id")
    first = accepted.select(pl.col("id").is_first_distinct()).to_series()
    repeats = accepted.with_columns(_first=pl.col("_row").first().over("id")).filter(~first)
    warnings = repeats.select(
        pl.col("_row").cast(pl.Int64),
        _code=pl.lit(WarningCode.DUPLICATE_ACTION_ID.value),
        _field=pl.lit(id_field),
        _value=pl.col("id"),
        _message=format_text(
            "{} repeats the id of row {}; it is sent once",
            pl.col("id"),
            pl.col("_first").cast(pl.String),
        ),
    ).cast(WARNING_SCHEMA)  # type: ignore[arg-type]
    return accepted.filter(first), warnings


def _rejected(read_result: ReadResult, checked: pl.DataFrame) -> pl.DataFrame:
    """Structural rejects of the reader and the ids rejected here, by row, fields as read."""
    columns = ["_row", "_reasons", "_message"]
    mask = checked.select(pl.col("_reasons").list.len() > 0).to_series()
    content = pl.concat(
        [checked.select(columns).filter(mask), read_result.rows.drop("_row", "_line").filter(mask)],
        how="horizontal",
    ).select(
        *columns,
        pl.concat_list([pl.col(column_name(i)) for i in range(read_result.width)]).alias("_fields"),
    )
    structural = read_result.rejects.select(*columns, "_fields")
    return pl.concat([structural, content], how="vertical_relaxed").sort("_row")


def _counts(codes: pl.Series) -> dict[str, int]:
    table = codes.drop_nulls().value_counts(name="n")
    return sorted_counts({str(code): int(n) for code, n in table.iter_rows()})


def _summary(result: ActionsResult, id_column: str) -> dict[str, Any]:
    return {
        **detection_summary(result.read.path, result.read.detection),
        "rows_read": result.read.rows_read,
        "accepted": result.read.rows_read - result.rejects.height,
        "rejected": result.rejects.height,
        "reasons": _counts(result.rejects["_reasons"].explode()),
        "warnings": _counts(result.warnings["_code"]),
        "format": "actions",
        "action": result.action,
        "endpoint": ENDPOINT + result.action,
        "id_column": id_column,
        "id_field": result.id_field,
        "ids": result.ids.height,
        "batch_size": result.batch_size,
        "batches": result.batches,
        "elapsed_seconds": 0.0,
    }


def batch_name(action: Action, index: int) -> str:
    return f"{action.lower()}-{index + 1:05d}.json"


def _documents(result: ActionsResult) -> pl.Series:
    """One JSON document per batch, built by polars: the body around each batch's id array."""
    marker = "\x00IDS\x00"
    head, tail = json.dumps(
        body(result.criteria, result.id_field, [marker], result.param_map), ensure_ascii=False
    ).split(json.dumps([marker]))
    arrays = (
        result.ids.select("id")
        .with_row_index("_i")
        .group_by(pl.col("_i") // result.batch_size, maintain_order=True)
        .agg(pl.col("id"))
        # {"id":[...]} -> [...]: polars' JSON encoder escapes the ids.
        .select(
            pl.struct("id").struct.json_encode().str.slice(len('{"id":')).str.head(-1).alias("ids")
        )
    )
    return arrays.select(
        pl.concat_str([pl.lit(head), pl.col("ids"), pl.lit(tail + "\n")]).alias("document")
    )["document"]


def _emit(
    result: ActionsResult, out: str | Path, summary: dict[str, Any], started: float
) -> tuple[str, ...]:
    names = [f"{ACTIONS_DIR}/{batch_name(result.action, i)}" for i in range(result.batches)]
    outputs = (*names, "rejects.csv", "warnings.csv", "summary.json")
    with staged_outputs(out, (ACTIONS_DIR,)) as stage:
        directory = stage / ACTIONS_DIR
        directory.mkdir()
        for name, document in zip(names, _documents(result), strict=True):
            (stage / name).write_text(document, encoding="utf-8")
        write_rejects(stage / "rejects.csv", result.read, result.rejects)
        write_warnings(stage / "warnings.csv", result.warnings)
        final = {
            **summary,
            "outputs": list(outputs),
            "elapsed_seconds": round(time.perf_counter() - started, 3),
        }
        write_json(stage / "summary.json", final)
    return outputs
