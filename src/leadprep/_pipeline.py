"""The library API: convert() runs read → map → validate → transform → emit."""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import polars as pl

from leadprep._codes import sorted_counts
from leadprep._config import Config, load_config
from leadprep._coverage import coverage_summary, phone_patterns
from leadprep._emit import EmitInfo, StreamedEmit, emit, rendered_rejects
from leadprep._errors import ConfigError, LeadprepError, Stage, StageError
from leadprep._map import MappedFrame, map_columns
from leadprep._read import (
    BlockReader,
    Detection,
    NotStreamable,
    ReadOptions,
    ReadResult,
    detection_summary,
    read,
)
from leadprep._sniff import LineEnding
from leadprep._targets import TARGETS, EmitInput, Target, get_target
from leadprep._transform import Leads, transform
from leadprep._validate import KeptPhones, ValidatedFrame, validate, warm_up

T = TypeVar("T")
ProgressCallback = Callable[[Stage], None]
# A --format name: a key of TARGETS.
OutputFormat = str
OUTPUT_FORMATS: tuple[str, ...] = tuple(TARGETS)
# UTF-8 files larger than STREAM_ABOVE_BYTES are converted in blocks (see convert): of
# MID_BLOCK_BYTES up to MID_FILE_BYTES, of BLOCK_BYTES beyond. Fewer blocks are faster (each
# pays fixed costs: a pass per region and calling code in the phone engine, say), but the peak
# grows with the block and, a little, with every block done. Measured on generated leads
# (bench/generate.py), peak RSS: 16 MiB blocks, 10M leads (1.14 GB): 0.85-0.86 GB; 48 MiB
# blocks (at 5857028, before the block path's duplicate lookup and emit chunks got faster),
# 2.25M leads (256 MB): 1.13 GB in 15.1 s (16 MiB: 0.89 GB in 17.9 s), 1.2M leads (136 MB):
# 1.04 GB in 7.2 s (16 MiB: 9.4 s), but 10M leads: 1.55 GB. A whole file of 128 MiB peaks near
# 1.5 GB and converts fastest.
BLOCK_BYTES = 16 << 20
MID_BLOCK_BYTES = 48 << 20
MID_FILE_BYTES = 256 << 20
STREAM_ABOVE_BYTES = 128 << 20


def block_bytes_for(size: int) -> int:
    """The block size a file of `size` bytes is converted in, when it is (module comment)."""
    return MID_BLOCK_BYTES if size <= MID_FILE_BYTES else BLOCK_BYTES


def _size(path: str | Path) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0  # the reader says what is wrong


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
    # Converted block by block: the frames above are the last block's; summary has the totals.
    streamed: bool = False

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
    stream: bool | None = None,
    block_bytes: int | None = None,
) -> ConvertResult:
    """Convert a lead file into leadLoader request bodies, rejects and warnings.

    With `out_dir=None` nothing is written (the gate's mode); the result holds everything.
    A UTF-8 file over STREAM_ABOVE_BYTES (128 MiB) written as leadloader bodies is converted
    in blocks of `block_bytes` (by default 48 MiB up to 256 MiB, 16 MiB beyond:
    block_bytes_for), so memory does not grow with the file; the outputs are the same,
    but the result's frames are the last block's only (`streamed` says so). `stream=True`
    converts in blocks whatever the size (a file smaller than a block is read whole anyway);
    `stream=False` reads whole.
    """
    target = get_target(output_format)
    cfg = _resolve_config(config).with_overrides(batch_size=batch_size)
    if cfg.load.batch_size < 1:
        raise ConfigError(f"--batch-size {cfg.load.batch_size} must be at least 1")
    target.check(cfg)
    clock = _Clock(progress)
    warm_up()
    size = _size(path)
    if out_dir is not None and target.streams and (
            stream or (stream is None and size > STREAM_ABOVE_BYTES)):
        streamed = _convert_in_blocks(path, cfg, out_dir, clock,
                                      block_bytes or block_bytes_for(size))
        if streamed is not None:
            return streamed
        clock = _Clock(progress)
    read_result = clock.timed("read", lambda: read(path, read_options(cfg)))
    return _after_read(read_result, cfg, out_dir, target, clock)


def _convert_in_blocks(
    path: str | Path, cfg: Config, out_dir: str | Path, clock: _Clock, block_bytes: int
) -> ConvertResult | None:
    """convert() of a large file one block at a time, so memory holds a block and not the
    file; None when the file must be read whole (see NotStreamable), before or after some
    blocks (what they wrote is discarded). Blocks go through the stages one after another:
    reading the next while one is validated (tried) saved little and held a third block."""
    blocks = BlockReader(path, read_options(cfg), block_bytes)
    kept = KeptPhones()
    totals = _Totals(bool(cfg.campaign.windows))
    last: tuple[ReadResult, MappedFrame, ValidatedFrame, Leads] | None = None
    with StreamedEmit(out_dir, cfg, Path(path).name) as emitter:
        results = iter(blocks)
        while not blocks.finished:
            last = None  # the previous block's frames go before the next are made
            read_result = clock.timed("read", lambda: _next_block(results))
            if read_result is None:  # the file must be read whole after all
                return None
            last = _block_stages(read_result, cfg, kept, clock)
            clock.timed("emit", partial(emitter.add, read_result, last[2], last[3]))
            totals.add(read_result, last[2], last[3])
        if last is None:
            return None
        summary = totals.summary(last[0], blocks.line_ending, cfg, "leadloader")
        summary["elapsed_seconds"] = clock.elapsed()
        emitted = clock.timed("emit", lambda: emitter.finish(summary))
    summary["batches"] = emitted.batches
    summary["outputs"] = list(emitted.files)
    summary["elapsed_seconds"] = clock.elapsed()
    return ConvertResult(summary, *last, emitted, clock.timings, cfg, streamed=True)


def convert_read(
    read_result: ReadResult, config: Config, progress: ProgressCallback | None = None
) -> ConvertResult:
    """Run map, validate and transform on a file already read; write nothing."""
    return _after_read(read_result, config, None, TARGETS["leadloader"], _Clock(progress))


def _next_block(results: Iterator[ReadResult]) -> ReadResult | None:
    """The next block, or None when the file must be read whole (NotStreamable is caught
    here: run_stage would take it for an internal error)."""
    try:
        return next(results)
    except NotStreamable:
        return None


def _block_stages(
    read_result: ReadResult, cfg: Config, kept: KeptPhones, clock: _Clock
) -> tuple[ReadResult, MappedFrame, ValidatedFrame, Leads]:
    mapped = clock.timed("map", lambda: map_columns(read_result, cfg))
    validated = clock.timed("validate", lambda: validate(mapped, cfg, kept))
    leads = clock.timed("transform", lambda: transform(validated, cfg))
    return read_result, mapped, validated, leads


class _Clock:
    def __init__(self, progress: ProgressCallback | None) -> None:
        self.progress = progress
        self.started = time.perf_counter()
        self.timings: dict[str, float] = {}

    def timed(self, stage: Stage, work: Callable[[], T]) -> T:
        t0 = time.perf_counter()
        value = run_stage(stage, work, self.progress)
        self.timings[stage] = round(self.timings.get(stage, 0.0) + time.perf_counter() - t0, 4)
        return value

    def elapsed(self) -> float:
        return round(time.perf_counter() - self.started, 3)


def _after_read(
    read_result: ReadResult,
    cfg: Config,
    out_dir: str | Path | None,
    target: Target,
    clock: _Clock,
) -> ConvertResult:
    mapped = clock.timed("map", lambda: map_columns(read_result, cfg))
    validated = clock.timed("validate", lambda: validate(mapped, cfg))
    rejects_csv = None if out_dir is None else _beside(rendered_rejects, read_result, validated)
    leads = clock.timed("transform", lambda: transform(validated, cfg))
    description = Path(read_result.path).name
    leads = clock.timed("transform", lambda: target.prepare(
        EmitInput(read_result, validated, leads, cfg, description)))
    summary = _summary(read_result, validated, leads, cfg, target.name)
    emitted = None
    if out_dir is not None:
        summary["elapsed_seconds"] = clock.elapsed()
        emitted = clock.timed(
            "emit",
            lambda: emit(out_dir, read=read_result, validated=validated, leads=leads,
                         config=cfg, target=target, summary=summary, rejects_csv=rejects_csv),
        )
        summary["batches"] = emitted.batches
        summary["outputs"] = list(emitted.files)
    summary["elapsed_seconds"] = clock.elapsed()
    return ConvertResult(summary, read_result, mapped, validated, leads, emitted, clock.timings,
                         cfg)


def _beside(work: Callable[..., T], *args: Any) -> Future[T]:
    """`work(*args)` begun on another thread, for a stage that leaves a core idle (polars
    lets go of the GIL)."""
    pool = ThreadPoolExecutor(1, thread_name_prefix="leadprep-beside")
    try:
        return pool.submit(work, *args)
    finally:
        pool.shutdown(wait=False)


def _counts(codes: pl.Series) -> dict[str, int]:
    if codes.is_empty():
        return {}
    table = codes.value_counts(sort=True, name="n")
    return {str(code): int(n) for code, n in table.iter_rows()}


class _Totals:
    """The counts of summary.json, added up over the blocks of a file. Leads are counted by
    the phones they carry only for a config with call windows (`count_phones`)."""

    def __init__(self, count_phones: bool) -> None:
        self.count_phones = count_phones
        self.rows_read = self.accepted = self.rejected = 0
        self.reasons: Counter[str] = Counter()
        self.warnings: Counter[str] = Counter()
        self.phones: Counter[int] = Counter()  # accepted leads by the phones they carry

    def add(self, read_result: ReadResult, validated: ValidatedFrame, leads: Leads) -> None:
        self.rows_read += read_result.rows_read
        self.accepted += leads.frame.height
        self.rejected += read_result.rejects.height + validated.rejected.height
        self.reasons.update(_counts(_reason_codes(read_result, validated)))
        self.warnings.update(_counts(leads.warnings["_code"]))
        if self.count_phones:
            self.phones.update(phone_patterns(validated, leads))

    def summary(
        self, read_result: ReadResult, line_ending: LineEnding, config: Config,
        output_format: OutputFormat,
    ) -> dict[str, Any]:
        return _summary_of(read_result.path, replace(read_result.detection,
                                                     line_ending=line_ending),
                           self, config, output_format)


def _reason_codes(read_result: ReadResult, validated: ValidatedFrame) -> pl.Series:
    return pl.concat(
        [read_result.rejects["_reasons"].explode(), validated.rejected["_reasons"].explode()]
    ).drop_nulls()


def _summary(
    read_result: ReadResult,
    validated: ValidatedFrame,
    leads: Leads,
    config: Config,
    output_format: OutputFormat,
) -> dict[str, Any]:
    totals = _Totals(bool(config.campaign.windows))
    totals.add(read_result, validated, leads)
    return _summary_of(read_result.path, read_result.detection, totals, config, output_format)


def _summary_of(
    path: str, detection: Detection, totals: _Totals, config: Config,
    output_format: OutputFormat,
) -> dict[str, Any]:
    return {
        **detection_summary(path, detection),
        "rows_read": totals.rows_read,
        "accepted": totals.accepted,
        "rejected": totals.rejected,
        "reasons": sorted_counts(totals.reasons),
        "warnings": sorted_counts(totals.warnings),
        "format": output_format,
        "batch_size": config.load.batch_size,
        "batches": 0,
        "campaign": config.campaign.calling_configuration,
        **coverage_summary(config, totals.phones, totals.accepted),
        "elapsed_seconds": 0.0,
    }
