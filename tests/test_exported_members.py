"""The public API is exactly what __all__ lists, and every listed name exists."""

from __future__ import annotations

import leadprep


def test_all_exports_exist() -> None:
    for name in leadprep.__all__:
        assert hasattr(leadprep, name), name


def test_public_names_are_all_listed() -> None:
    public = {
        name
        for name, value in vars(leadprep).items()
        if not name.startswith("_") and getattr(value, "__module__", "").startswith("leadprep")
    }
    assert public <= set(leadprep.__all__)


def test_modules_are_private() -> None:
    import pkgutil

    modules = [m.name for m in pkgutil.iter_modules(leadprep.__path__)]
    assert modules
    assert all(name.startswith("_") for name in modules), modules


def test_every_error_derives_from_the_base_class() -> None:
    for error in (leadprep.ConfigError, leadprep.InputFileError, leadprep.StageError,
                  leadprep.JsonFileError):
        assert issubclass(error, leadprep.LeadprepError)


def test_the_campaign_api_is_exported() -> None:
    names = {"check_campaign", "build_campaign", "check_personas", "plan_campaign",
             "window_coverage", "CampaignCheck", "CampaignProblem", "CampaignBuild",
             "CampaignPlan", "PlannedLead", "Attempt", "PersonaCheck", "WindowCoverage",
             "BusinessHours", "CampaignWindow", "CAMPAIGN_RULES", "PERSONA_RULES",
             "JsonFileError"}
    assert names <= set(leadprep.__all__)
