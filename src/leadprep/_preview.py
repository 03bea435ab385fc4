"""`leadprep preview`: what is in a file, how its columns map, and what would be rejected.

The forecast runs the same map → validate → transform code as `convert`, on the mapping of the
config when it maps the required columns, else on the suggested mapping.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import polars as pl

from leadprep._config import Config, MappingConfig, load_config
from leadprep._errors import LeadprepError
from leadprep._fields import MAPPING_COLUMNS
from leadprep._hints import region_hint
from leadprep._identity import file_digest, transaction_id_of_digest
from leadprep._map import REQUIRED_COLUMNS
from leadprep._outcome import Outcome
from leadprep._parse import column_name
from leadprep._pipeline import ProgressCallback, convert_read, read_options, run_stage
from leadprep._read import ReadOptions, ReadResult, read
from leadprep._suggest import MappingSuggestion, suggest_mapping
from leadprep._validate import warm_up

MappingSource = Literal["config", "suggested"]


@dataclass(frozen=True)
class PreviewReport:
    path: str
    size_bytes: int
    sha256: str
    read: ReadResult
    suggestion: MappingSuggestion
    config: Config
    mapping_source: MappingSource
    outcome: Outcome | None
    forecast_error: str | None
    sample_rows: int
    # What was given (config [input] or flags) rather than detected; None means detected.
    given: ReadOptions = field(default_factory=ReadOptions)
    hints: tuple[str, ...] = ()

    @property
    def transaction_id(self) -> str:
        return transaction_id_of_digest(self.sha256)

    @property
    def index_base(self) -> int:
        return self.config.mapping.index_base

    def sample(self) -> list[dict[str, Any]]:
        """The first rows as read, structurally rejected ones included."""
        good = self.read.rows.head(self.sample_rows).select(
            "_row", "_line",
            pl.concat_list([pl.col(column_name(i)) for i in range(self.read.width)])
            .alias("_fields"),
            pl.lit(False).alias("rejected"),
        )
        bad = self.read.rejects.head(self.sample_rows).select(
            "_row", "_line", "_fields", pl.lit(True).alias("rejected")
        )
        rows = pl.concat([good, bad]).sort("_row").head(self.sample_rows)
        return [
            {"row": r["_row"], "line": r["_line"], "fields": list(r["_fields"]),
             "rejected": r["rejected"]}
            for r in rows.iter_rows(named=True)
        ]

    def as_dict(self) -> dict[str, Any]:
        base = self.index_base
        data: dict[str, Any] = {
            "transactionId": self.transaction_id,
            "mappingColumns": list(MAPPING_COLUMNS),
        }
        if self.config.campaign.calling_configuration == "STRATEGIC":
            data["personaPhoneConfig"] = [
                {"phoneId": p.phone_id, "phoneLabel": p.label}
                for p in self.config.account.personas
            ]
        data.update({
            "file": {"path": self.path, "size_bytes": self.size_bytes, "sha256": self.sha256},
            "detection": self.read.detection.asdict(),
            "header": list(self.read.header),
            "rows_read": self.read.rows_read,
            "rows": self.sample(),
            "indexBase": base,
            "suggestedMapping": self.suggestion.asdict(),
            "suggestedPageColumnMappings": self.suggestion.page_column_mappings(base),
            "suggestedAdditionalPhoneMappings": self.suggestion.additional_phone_mappings(base),
            "mappingSource": self.mapping_source,
            "forecast": self.outcome.forecast() if self.outcome else None,
            "forecastError": self.forecast_error,
            "hints": list(self.hints),
        })
        return data


def preview(
    path: str | Path,
    config: Config | str | Path | None = None,
    *,
    rows: int = 10,
    options: ReadOptions | None = None,
    progress: ProgressCallback | None = None,
) -> PreviewReport:
    """Detect, suggest a mapping and forecast the rejects of a lead file; write nothing.

    `options` overrides the detection settings of the config's `[input]` section.
    """
    given = None if config is None else (
        config if isinstance(config, Config) else load_config(config)
    )
    base = given or Config()
    read_opts = _merge_options(read_options(base), options)
    warm_up()
    read_result = run_stage("read", lambda: read(path, read_opts), progress)
    suggestion = run_stage(
        "map", lambda: suggest_mapping(read_result.header, read_result.rows, given,
                                       has_header=read_result.detection.header), None
    )
    cfg, source = _forecast_config(base, given, suggestion)
    outcome, error = _forecast(read_result, cfg, progress)
    return PreviewReport(
        path=str(path),
        size_bytes=Path(path).stat().st_size,
        sha256=file_digest(path),
        read=read_result,
        suggestion=suggestion,
        config=cfg,
        mapping_source=source,
        outcome=outcome,
        forecast_error=error,
        sample_rows=rows,
        given=read_opts,
        hints=_hints(outcome),
    )


def _hints(outcome: Outcome | None) -> tuple[str, ...]:
    hint = region_hint(outcome) if outcome is not None else None
    return (hint,) if hint else ()


def _merge_options(base: ReadOptions, override: ReadOptions | None) -> ReadOptions:
    if override is None:
        return base
    given = {k: v for k, v in vars(override).items() if v is not None}
    return replace(base, **given)


def _maps_required(config: Config | None) -> bool:
    return config is not None and all(c in config.mapping.columns for c in REQUIRED_COLUMNS)


def suggested_config(base: Config, suggestion: MappingSuggestion) -> Config:
    """`base` with the suggested mapping (by column index) and, when it has none, personas."""
    index_base = base.mapping.index_base
    personas = base.account.personas or suggestion.persona_config
    campaign = base.campaign
    if suggestion.personas and not base.account.personas:
        campaign = replace(campaign, calling_configuration="STRATEGIC")
    mapping = MappingConfig(
        index_base=index_base,
        columns=suggestion.page_column_mappings(index_base),
        additional_phones={int(k): v for k, v in
                           suggestion.additional_phone_mappings(index_base).items()},
    )
    return replace(base, account=replace(base.account, personas=personas), campaign=campaign,
                   mapping=mapping)


def _forecast_config(
    base: Config, given: Config | None, suggestion: MappingSuggestion
) -> tuple[Config, MappingSource]:
    if given is not None and _maps_required(given):
        return given, "config"
    return suggested_config(base, suggestion), "suggested"


def _forecast(
    read_result: ReadResult, cfg: Config, progress: ProgressCallback | None
) -> tuple[Outcome | None, str | None]:
    missing = [c for c in REQUIRED_COLUMNS if c not in cfg.mapping.columns]
    if missing:
        return None, (
            f"no column looks like {' or '.join(missing)}, so no reject forecast; name it in "
            f"[mapping.columns] of a config and pass --config"
        )
    try:
        result = convert_read(read_result, cfg, progress)
    except LeadprepError as error:
        return None, str(error)
    return Outcome.of(result), None
