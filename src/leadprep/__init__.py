"""leadprep: lead files in, RingCX / Engage Voice leadLoader request bodies out.

The public API is what `__all__` lists; modules with a leading underscore are private.
"""

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
