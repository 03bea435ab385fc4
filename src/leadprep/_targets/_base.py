"""The interface every emit target implements."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from leadprep._config import Config
from leadprep._read import ReadResult
from leadprep._transform import Leads
from leadprep._validate import ValidatedFrame


@dataclass(frozen=True)
class EmitInput:
    """What a target writes from: the file as read, the validated rows, the accepted leads
    (after the target's prepare()), the config, and the description load options default to."""

    read: ReadResult
    validated: ValidatedFrame
    leads: Leads
    config: Config
    description: str


@dataclass(frozen=True)
class Written:
    """Paths relative to the output directory: `files` are listed in summary.json before
    rejects.csv and warnings.csv, `after` after them; `batches` is summary.json's count."""

    files: tuple[str, ...]
    batches: int
    after: tuple[str, ...] = ()


class Target:
    """One `--format`. Subclasses set the class attributes and implement write()."""

    name: ClassVar[str]
    # Top-level names under the output directory this target writes (directories are swapped
    # whole); an earlier run's outputs that other targets own are moved away on publish.
    outputs: ClassVar[tuple[str, ...]]
    # The config section ([name]) this target reads, if any: checked when the config loads.
    section: ClassVar[str | None] = None
    # Whether the block-by-block path (StreamedEmit) may write it; else the file is read whole.
    streams: ClassVar[bool] = False

    def check_section(self, table: Mapping[str, Any]) -> None:
        """Raise ConfigError naming the key for an invalid `[section]` table."""

    def check(self, config: Config) -> None:
        """Before any work: raise ConfigError when the config cannot feed this target."""

    def prepare(self, data: EmitInput) -> Leads:
        """Before the summary is counted: the leads, with any warnings this target adds."""
        return data.leads

    def write(self, stage: Path, data: EmitInput) -> Written:
        """Write the outputs into the staging directory `stage`."""
        raise NotImplementedError
