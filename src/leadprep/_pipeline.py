"""The library API: convert() runs read → map → validate → transform → emit."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import polars as pl

from leadprep._config import Config, load_config
from leadprep._emit import EmitInfo, OutputFormat, emit
from leadprep._errors import ConfigError, LeadprepError, Stage, StageError
from leadprep._map import MappedFrame, map_columns
from leadprep._read import ReadOptions, ReadResult, read
from leadprep._transform import Leads, transform
from leadprep._validate import ValidatedFrame, validate, warm_up

T = TypeVar("T")
ProgressCallback = Callable[[Stage], None]
OUTPUT_FORMATS: tuple[OutputFormat, ...] = ("leadloader", "process")


@dataclass(frozen=True)
class ConvertResult:
    """What a conversion did: the counts of summary.json plus each stage's info."""

    summary: dict[str, Any]
    read: ReadResult
    mapped: MappedFrame
    validated: ValidatedFrame
    leads: Leads
    emitted: EmitInfo | None
    stage_seconds: dict[str, float] = field(default_factory=dict)
    config: Config = field(default_factory=Config)

    @property
    def rows_read(self) -> int:
        return int(self.summary["rows_read"])

    @property
    def accepted(self) -> int:
        return int(self.summary["accepted"])

    @property
    def rejected(self) -> int:
        return int(self.summary["rejected"])

    def asdict(self) -> dict[str, Any]:
        return dict(self.summary)


def run_stage(stage: Stage, work: Callable[[], T], progress: ProgressCallback | None) -> T:
    """Run one stage; anything unexpected is wrapped once, naming the stage."""
    if progress is not None:
        progress(stage)
    try:
        return work()
    except LeadprepError:
        raise
    except Exception as exc:
        raise StageError(stage, exc) from exc


def _resolve_config(config: Config | str | Path) -> Config:
    return config if isinstance(config, Config) else load_config(config)


def read_options(config: Config) -> ReadOptions:
    inp = config.input
    return ReadOptions(encoding=inp.encoding, delimiter=inp.delimiter,
                       quote_char=inp.quote_char, header=inp.header)


def convert(
    path: str | Path,
    config: Config | str | Path,
    out_dir: str | Path | None,
    *,
    output_format: OutputFormat = "leadloader",
    batch_size: int | None = None,
    progress: ProgressCallback | None = None,
) -> ConvertResult:
    """Convert a lead file into leadLoader request bodies, rejects and warnings.

    With `out_dir=None` nothing is written (the gate's mode); the result holds everything.
    """
    if output_format not in OUTPUT_FORMATS:
        raise ConfigError(f"--format {output_format!r} must be one of {', '.join(OUTPUT_FORMATS)}")
    cfg = _resolve_config(config).with_overrides(batch_size=batch_size)
    if cfg.load.batch_size < 1:
        raise ConfigError(f"--batch-size {cfg.load.batch_size} must be at least 1")
    clock = _Clock(progress)
    warm_up()
    read_result = clock.timed("read", lambda: read(path, read_options(cfg)))
    return _after_read(read_result, cfg, out_dir, output_format, clock)


def convert_read(
    read_result: ReadResult, config: Config, progress: ProgressCallback | None = None
) -> ConvertResult:
    """Run map, validate and transform on a file already read; write nothing."""
    return _after_read(read_result, config, None, "leadloader", _Clock(progress))


class _Clock:
    def __init__(self, progress: ProgressCallback | None) -> None:
        self.progress = progress
        self.started = time.perf_counter()
        self.timings: dict[str, float] = {}

    def timed(self, stage: Stage, work: Callable[[], T]) -> T:
        t0 = time.perf_counter()
        value = run_stage(stage, work, self.progress)
        self.timings[stage] = round(time.perf_counter() - t0, 4)
        return value

    def elapsed(self) -> float:
        return round(time.perf_counter() - self.started, 3)


def _after_read(
    read_result: ReadResult,
    cfg: Config,
    out_dir: str | Path | None,
    output_format: OutputFormat,
    clock: _Clock,
) -> ConvertResult:
    mapped = clock.timed("map", lambda: map_columns(read_result, cfg))
    validated = clock.timed("validate", lambda: validate(mapped, cfg))
    leads = clock.timed("transform", lambda: transform(validated, cfg))
    summary = _summary(read_result, validated, leads, cfg, output_format)
    emitted = None
    if out_dir is not None:
        summary["elapsed_seconds"] = clock.elapsed()
        emitted = clock.timed(
            "emit",
            lambda: emit(out_dir, read=read_result, validated=validated, leads=leads,
                         config=cfg, output_format=output_format, summary=summary),
        )
        summary["batches"] = emitted.batches
        summary["outputs"] = list(emitted.files)
    summary["elapsed_seconds"] = clock.elapsed()
    return ConvertResult(summary, read_result, mapped, validated, leads, emitted, clock.timings,
                         cfg)


def _counts(codes: pl.Series) -> dict[str, int]:
    if codes.is_empty():
        return {}
    # Most frequent first, ties by code: value_counts alone orders ties as its threads finish.
    table = codes.value_counts(name="n").sort(["n", codes.name], descending=[True, False])
    return {str(code): int(n) for code, n in table.iter_rows()}


def _summary(
    read_result: ReadResult,
    validated: ValidatedFrame,
    leads: Leads,
    config: Config,
    output_format: OutputFormat,
) -> dict[str, Any]:
    detection = read_result.detection
    reasons = pl.concat(
        [read_result.rejects["_reasons"].explode(), validated.rejected["_reasons"].explode()]
    ).drop_nulls()
    accepted = leads.frame.height
    rejected = read_result.rejects.height + validated.rejected.height
    return {
        "input": read_result.path,
        "encoding": detection.encoding,
        "encoding_confidence": detection.encoding_confidence,
        "encoding_source": detection.encoding_source,
        "delimiter": detection.delimiter,
        "quote_char": detection.quote_char,
        "line_ending": detection.line_ending,
        "header": detection.header,
        "skipped_lines": list(detection.skipped_lines),
        "rows_read": read_result.rows_read,
        "accepted": accepted,
        "rejected": rejected,
        "reasons": _counts(reasons),
        "warnings": _counts(leads.warnings["_code"]),
        "format": output_format,
        "batch_size": config.load.batch_size,
        "batches": 0,
        "campaign": config.campaign.calling_configuration,
        "elapsed_seconds": 0.0,
    }
