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

from leadprep._actions import ACTIONS, ActionsResult, actions
from leadprep._campaign import CAMPAIGN_RULES, CampaignCheck, CampaignProblem, check_campaign
from leadprep._campaign_build import CampaignBuild, build_campaign
from leadprep._check import CheckReport, Thresholds, check
from leadprep._codes import FileErrorCode, RejectCode, WarningCode
from leadprep._config import CampaignWindow, Config, load_config, parse_config
from leadprep._coverage import WindowCoverage, window_coverage
from leadprep._errors import (
    ConfigError,
    InputFileError,
    JsonFileError,
    LeadprepError,
    Stage,
    StageError,
)
from leadprep._personas import PERSONA_RULES, PersonaCheck, check_personas
from leadprep._pipeline import ConvertResult, convert
from leadprep._plan import Attempt, CampaignPlan, PlannedLead, plan_campaign
from leadprep._preview import PreviewReport, preview
from leadprep._read import Detection, ReadOptions, ReadResult, read
from leadprep._report_data import write_report
from leadprep._schedule import BusinessHours
from leadprep._version import __version__

__all__ = [
    "ACTIONS",
    "CAMPAIGN_RULES",
    "PERSONA_RULES",
    "ActionsResult",
    "Attempt",
    "BusinessHours",
    "CampaignBuild",
    "CampaignCheck",
    "CampaignPlan",
    "CampaignProblem",
    "CampaignWindow",
    "CheckReport",
    "Config",
    "ConfigError",
    "ConvertResult",
    "Detection",
    "FileErrorCode",
    "InputFileError",
    "JsonFileError",
    "LeadprepError",
    "PersonaCheck",
    "PlannedLead",
    "PreviewReport",
    "ReadOptions",
    "ReadResult",
    "RejectCode",
    "Stage",
    "StageError",
    "Thresholds",
    "WarningCode",
    "WindowCoverage",
    "__version__",
    "actions",
    "build_campaign",
    "check",
    "check_campaign",
    "check_personas",
    "convert",
    "load_config",
    "parse_config",
    "plan_campaign",
    "preview",
    "read",
    "window_coverage",
    "write_report",
]
