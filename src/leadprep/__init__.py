"""leadprep: lead files in, RingCX / Engage Voice leadLoader request bodies out.

The public API is what `__all__` lists; modules with a leading underscore are private.
"""

from leadprep._codes import FileErrorCode, RejectCode, WarningCode
from leadprep._config import Config, load_config, parse_config
from leadprep._errors import ConfigError, InputFileError, LeadprepError, Stage, StageError
from leadprep._pipeline import ConvertResult, convert
from leadprep._read import Detection, ReadOptions, ReadResult, read

__version__ = "0.1.0"

__all__ = [
    "Config",
    "ConfigError",
    "ConvertResult",
    "Detection",
    "FileErrorCode",
    "InputFileError",
    "LeadprepError",
    "ReadOptions",
    "ReadResult",
    "RejectCode",
    "Stage",
    "StageError",
    "WarningCode",
    "__version__",
    "convert",
    "load_config",
    "parse_config",
    "read",
]
