"""Stage 2, map: resolve the [mapping] config against the header into a canonical lead frame.

The canonical frame has `_row`, `_line`, one String column per mapped lead field (named as in the
API: externId, leadPhone, …), `persona_<id>` per mapped persona phone, and `ext_<n>` per
extendedLeadData key.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from leadprep._codes import FileErrorCode
from leadprep._config import ColumnRef, Config
from leadprep._errors import ConfigError, InputFileError
from leadprep._fields import MAPPING_COLUMNS
from leadprep._parse import column_name
from leadprep._read import ReadResult

REQUIRED_COLUMNS = ("EXTERN_ID", "LEAD_PHONE")


@dataclass(frozen=True)
class PersonaColumn:
    phone_id: int
    label: str
    source: int
    column: str


@dataclass(frozen=True)
class MappedFrame:
    frame: pl.DataFrame
    header: tuple[str, ...]
    # lead field -> source column index (0-based)
    fields: dict[str, int]
    personas: tuple[PersonaColumn, ...]
    # extendedLeadData key -> (source column index, frame column)
    extended: dict[str, tuple[int, str]] = field(default_factory=dict)

    def asdict(self) -> dict[str, Any]:
        return {
            "fields": {k: self.header[v] for k, v in self.fields.items()},
            "personas": {p.label: self.header[p.source] for p in self.personas},
            "extended": {k: self.header[v[0]] for k, v in self.extended.items()},
            "rows": self.frame.height,
        }


def map_columns(read: ReadResult, config: Config) -> MappedFrame:
    """Resolve every mapping entry to a source column, then select and rename."""
    resolver = _Resolver(read, config)
    mapping = config.mapping
    for required in REQUIRED_COLUMNS:
        if required not in mapping.columns:
            raise ConfigError(
                f"[mapping.columns] {required} is required: name the column that holds it, "
                f"e.g. {required} = \"{_example_header(required)}\"",
                source=config.source,
            )
    if (config.load.time_zone_option == "EXPLICIT" and "LEAD_TIMEZONE" not in mapping.columns
            and mapping.infer_timezone is None):
        raise ConfigError(
            "[load] time_zone_option = \"EXPLICIT\" needs [mapping.columns] LEAD_TIMEZONE, the "
            "column holding each lead's IANA time zone, or [mapping] infer_timezone = "
            "\"phone\" to take it from the phone number",
            source=config.source,
        )
    fields = {
        MAPPING_COLUMNS[name]: resolver.resolve(f"[mapping.columns] {name}", ref)
        for name, ref in mapping.columns.items()
    }
    personas = tuple(
        PersonaColumn(
            phone_id=phone_id,
            label=config.account.persona_label(phone_id) or "",
            source=resolver.resolve(f"[mapping.additional_phones] {phone_id}", ref),
            column=f"persona_{phone_id}",
        )
        for phone_id, ref in sorted(mapping.additional_phones.items())
    )
    extended = {
        key: (resolver.resolve(f"[mapping.extended] {key}", ref), f"ext_{i}")
        for i, (key, ref) in enumerate(mapping.extended.items())
    }
    frame = read.rows.select(
        "_row",
        "_line",
        *[pl.col(column_name(src)).alias(name) for name, src in fields.items()],
        *[pl.col(column_name(p.source)).alias(p.column) for p in personas],
        *[pl.col(column_name(src)).alias(col) for src, col in extended.values()],
    )
    return MappedFrame(frame, read.header, fields, personas, extended)


def _example_header(name: str) -> str:
    return {"EXTERN_ID": "Customer ID", "LEAD_PHONE": "Phone"}.get(name, name.title())


class _Resolver:
    def __init__(self, read: ReadResult, config: Config) -> None:
        self.read = read
        self.config = config
        self.header = read.header
        self.has_header = read.detection.header

    def resolve(self, entry: str, ref: ColumnRef) -> int:
        if isinstance(ref, int):
            return self._by_index(entry, ref)
        return self._by_name(entry, ref)

    def _by_index(self, entry: str, ref: int) -> int:
        base = self.config.mapping.index_base
        index = ref - base
        if not 0 <= index < len(self.header):
            raise ConfigError(
                f"{entry} = {ref}: the file has {len(self.header)} columns, so indexes run "
                f"{base}..{len(self.header) - 1 + base} ([mapping] index_base = {base})",
                source=self.config.source,
            )
        if self.has_header and not self.header[index].strip():
            raise InputFileError(
                FileErrorCode.BLANK_HEADER,
                self.read.path,
                f"{entry} maps column {ref} (index_base {base}), whose header is blank; "
                "give the column a name in the file, or check the index",
                line=self._header_line(),
            )
        return index

    def _header_line(self) -> int:
        skipped = self.read.detection.skipped_lines
        return skipped[-1] + 1 if skipped else 1

    def _by_name(self, entry: str, name: str) -> int:
        if not self.has_header:
            raise ConfigError(
                f"{entry} = {name!r}: the file has no header row, so map columns by index "
                "(0-based, per [mapping] index_base), or pass --header if line 1 is a header",
                source=self.config.source,
            )
        wanted = _normal(name)
        if not wanted:
            raise ConfigError(f"{entry} = {name!r}: the header name is empty; give the column's "
                              "name, or its index as a number", source=self.config.source)
        matches = [i for i, h in enumerate(self.header) if _normal(h) == wanted]
        if len(matches) > 1:
            shown = ", ".join(f"column {i + 1} {self.header[i]!r}" for i in matches)
            raise InputFileError(
                FileErrorCode.AMBIGUOUS_HEADER,
                self.read.path,
                f"{entry} = {name!r} matches {len(matches)} header columns ({shown}); rename "
                "one in the file, or map the column by index",
                line=self._header_line(),
            )
        if not matches:
            names = [h for h in self.header if h.strip()]
            close = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
            by_case = [h for h in names if wanted in _normal(h) or _normal(h) in wanted]
            suggestions = list(dict.fromkeys(close + by_case))[:3]
            hint = (
                f"; closest: {', '.join(repr(s) for s in suggestions)}"
                if suggestions else f"; the header has: {', '.join(repr(h) for h in names)}"
            )
            raise ConfigError(
                f"{entry} = {name!r}: no such column in {self.read.path}{hint}",
                source=self.config.source,
            )
        return matches[0]


def _normal(name: str) -> str:
    return " ".join(name.split()).casefold()
