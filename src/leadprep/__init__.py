"""leadprep: lead files in, RingCX / Engage Voice leadLoader request bodies out.

The public API is what `__all__` lists; modules with a leading underscore are private.
"""

import os

# polars' allocator (jemalloc) keeps freed pages for ten seconds before returning them; each
# stage frees what the previous one built, so a shorter decay lowers the peak (1.78 GB ->
# 1.41 GB on the 1M-lead bench; returning pages at once saves a little more but the page
# faults cost a second). Only effective when leadprep is imported before polars (always, for
# the CLI); a value the user set is kept.
os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:1000,muzzy_decay_ms:0")

from leadprep._check import CheckReport, Thresholds, check
from leadprep._codes import FileErrorCode, RejectCode, WarningCode
from leadprep._config import Config, load_config, parse_config
from leadprep._errors import ConfigError, InputFileError, LeadprepError, Stage, StageError
from leadprep._pipeline import ConvertResult, convert
from leadprep._preview import PreviewReport, preview
from leadprep._read import Detection, ReadOptions, ReadResult, read
from leadprep._report_data import write_report
from leadprep._version import __version__

__all__ = [
    "CheckReport",
    "Config",
    "ConfigError",
    "ConvertResult",
    "Detection",
    "FileErrorCode",
    "InputFileError",
    "LeadprepError",
    "PreviewReport",
    "ReadOptions",
    "ReadResult",
    "RejectCode",
    "Stage",
    "StageError",
    "Thresholds",
    "WarningCode",
    "__version__",
    "check",
    "convert",
    "load_config",
    "parse_config",
    "preview",
    "read",
    "write_report",
]
