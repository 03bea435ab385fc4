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

from typing import TYPE_CHECKING, Any

from leadprep._codes import FileErrorCode, RejectCode, WarningCode
from leadprep._errors import (
    ConfigError,
    InputFileError,
    JsonFileError,
    LeadprepError,
    Stage,
    StageError,
)
from leadprep._version import __version__

if TYPE_CHECKING:
    from leadprep._actions import ACTIONS, ActionsResult, actions
    from leadprep._campaign import CAMPAIGN_RULES, CampaignCheck, CampaignProblem, check_campaign
    from leadprep._campaign_build import CampaignBuild, build_campaign
    from leadprep._check import CheckReport, Thresholds, check
    from leadprep._config import CampaignWindow, Config, load_config, parse_config
    from leadprep._coverage import WindowCoverage, window_coverage
    from leadprep._personas import PERSONA_RULES, PersonaCheck, check_personas
    from leadprep._pipeline import ConvertResult, convert
    from leadprep._plan import Attempt, CampaignPlan, PlannedLead, plan_campaign
    from leadprep._preview import PreviewReport, preview
    from leadprep._read import Detection, ReadOptions, ReadResult, read
    from leadprep._report_data import write_report
    from leadprep._schedule import BusinessHours

# Each public name is imported from its module on first use (PEP 562): `leadprep convert` loads
# the pipeline, not the campaign planner, the report writer or the lead actions.
_LAZY = {
    "ACTIONS": "leadprep._actions",
    "ActionsResult": "leadprep._actions",
    "actions": "leadprep._actions",
    "CAMPAIGN_RULES": "leadprep._campaign",
    "CampaignCheck": "leadprep._campaign",
    "CampaignProblem": "leadprep._campaign",
    "check_campaign": "leadprep._campaign",
    "CampaignBuild": "leadprep._campaign_build",
    "build_campaign": "leadprep._campaign_build",
    "CheckReport": "leadprep._check",
    "Thresholds": "leadprep._check",
    "check": "leadprep._check",
    "CampaignWindow": "leadprep._config",
    "Config": "leadprep._config",
    "load_config": "leadprep._config",
    "parse_config": "leadprep._config",
    "WindowCoverage": "leadprep._coverage",
    "window_coverage": "leadprep._coverage",
    "PERSONA_RULES": "leadprep._personas",
    "PersonaCheck": "leadprep._personas",
    "check_personas": "leadprep._personas",
    "ConvertResult": "leadprep._pipeline",
    "convert": "leadprep._pipeline",
    "Attempt": "leadprep._plan",
    "CampaignPlan": "leadprep._plan",
    "PlannedLead": "leadprep._plan",
    "plan_campaign": "leadprep._plan",
    "PreviewReport": "leadprep._preview",
    "preview": "leadprep._preview",
    "Detection": "leadprep._read",
    "ReadOptions": "leadprep._read",
    "ReadResult": "leadprep._read",
    "read": "leadprep._read",
    "write_report": "leadprep._report_data",
    "BusinessHours": "leadprep._schedule",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'leadprep' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


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
