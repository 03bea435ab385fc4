"""The exception tree. Every error leadprep raises on purpose derives from LeadprepError.

    LeadprepError            exit_code 2 unless a subclass says otherwise
    ├── ConfigError          the config file or an option is wrong (exit 2)
    ├── InputFileError       the input file cannot be read as a lead file (exit 3), with a code
    ├── JsonFileError        a campaign body or persona list cannot be read as JSON (exit 2)
    └── StageError           an unexpected failure inside a stage, naming the stage (exit 4)
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from leadprep._codes import FileErrorCode

Stage = Literal["read", "map", "validate", "transform", "emit"]


class LeadprepError(Exception):
    """Base class of every error leadprep raises on purpose."""

    exit_code: int = 2


class ConfigError(LeadprepError):
    """A config entry or command-line option is wrong. The message names the entry."""

    exit_code = 2

    def __init__(self, message: str, *, source: str | Path | None = None) -> None:
        self.source = str(source) if source is not None else None
        super().__init__(f"{self.source}: {message}" if self.source else message)


class InputFileError(LeadprepError):
    """The input file as a whole cannot be used; nothing is written."""

    exit_code = 3

    def __init__(
        self,
        code: FileErrorCode,
        path: str | Path,
        message: str,
        *,
        line: int | None = None,
    ) -> None:
        self.code = code
        self.path = str(path)
        self.line = line
        where = f"{self.path}, line {line}" if line is not None else self.path
        self.detail = message
        super().__init__(f"{where}: {code.value}: {message}")


class JsonFileError(LeadprepError):
    """A campaign body or persona config file cannot be read as JSON of the expected shape
    (`campaign check` and `personas check` exit 2: unreadable, not invalid)."""

    exit_code = 2

    def __init__(self, path: str | Path, message: str) -> None:
        self.path = str(path)
        self.detail = message
        super().__init__(f"{self.path}: {message}")


class StageError(LeadprepError):
    """An unexpected failure inside one pipeline stage. The original error is the cause."""

    exit_code = 4

    def __init__(self, stage: Stage, cause: BaseException) -> None:
        self.stage: Stage = stage
        super().__init__(
            f"internal error in the {stage} stage: {describe(cause)} "
            "(please report it with the input file; run with --debug for the traceback)"
        )


def describe(cause: BaseException, limit: int = 300) -> str:
    """`Type: message` on one line: the first line of the message (a polars error goes on
    with its query plan), cut at `limit` characters."""
    lines = str(cause).strip().splitlines()
    text = lines[0] if lines else ""
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"{type(cause).__name__}: {text}" if text else type(cause).__name__
