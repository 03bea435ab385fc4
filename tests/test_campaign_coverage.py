"""Schedule coverage in convert, check and preview (summary, JSON, text and HTML report), and
`campaign plan`: which numbers a window would try, and for how many leads it has none."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import leadprep
from leadprep import _read, check, convert, plan_campaign, preview
from leadprep._cli import app

from .conftest import SAMPLE, validate_against

CONFIG = """
[[account.personas]]
phone_id = 2
label = "Mobile Phone"
[[account.personas]]
phone_id = 3
label = "Work Phone"
[[account.personas]]
phone_id = 4
label = "Home Phone"
[campaign]
calling_configuration = "STRATEGIC"
[campaign.business_hours]
mon-fri = "08:00-17:00"
[[campaign.windows]]
days = "MON-FRI"
end = "12:00"
phones = ["Mobile Phone"]
[[campaign.windows]]
days = "MON-FRI"
start = "12:00"
end = "15:00"
phones = ["Work Phone", "Mobile Phone"]
[[campaign.windows]]
days = "MON-FRI"
start = "15:00"
phones = [1, "Home Phone"]
[mapping.columns]
EXTERN_ID = "id"
LEAD_PHONE = "phone"
[mapping.additional_phones]
2 = "mobile"
3 = "work"
"""
# Row 4 is rejected (no valid primary); row 5's mobile is invalid, so it is dropped.
LEADS = """id,phone,mobile,work
A,9737460434,9736495304,
B,9735507882,,9736743369
C,2066911877,,
D,555,9736622519,
E,9732486530,12,
"""


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    config = tmp_path / "leadprep.toml"
    config.write_text(CONFIG)
    leads = tmp_path / "leads.csv"
    leads.write_text(LEADS)
    return leads, config


def coverage(summary: dict[str, Any]) -> list[tuple[int, int]]:
    return [(c["window"], c["without_phone"]) for c in summary["schedule_coverage"]]


def test_convert_counts_leads_with_nothing_to_dial_per_window(
    files: tuple[Path, Path], tmp_path: Path
) -> None:
    leads, config = files
    result = convert(leads, config, tmp_path / "out")
    assert result.accepted == 4
    # Mobile only: B, C, E. Work then mobile: C, E. Primary then home: nobody.
    assert coverage(result.summary) == [(1, 3), (2, 2), (3, 0)]
    first, _, third = result.summary["schedule_coverage"]
    assert first["warning"].startswith("window 1, MONDAY-FRIDAY opening-12:00, dials Mobile "
                                       "Phone only: 3 of 4 accepted leads have no Mobile Phone")
    assert third["warning"] is None
    assert third["unmapped"] == ["Home Phone"]
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["schedule_coverage"] == result.summary["schedule_coverage"]
    validate_against("summary", summary)


def test_an_unmapped_persona_is_named_in_the_warning(tmp_path: Path,
                                                     files: tuple[Path, Path]) -> None:
    leads, config = files
    config.write_text(CONFIG.replace('phones = [1, "Home Phone"]', 'phones = ["Home Phone"]'))
    result = convert(leads, config, None)
    warning = result.summary["schedule_coverage"][2]["warning"]
    assert "4 of 4" in warning and "the file maps no column to Home Phone" in warning


def test_without_windows_the_summary_has_no_coverage(tmp_path: Path) -> None:
    result = convert(SAMPLE / "leads.csv", SAMPLE / "leadprep.toml", None)
    assert "schedule_coverage" not in result.summary


def test_block_by_block_conversion_adds_up_to_the_same_coverage(
    files: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_read, "HEAD_BLOCK_BYTES", 16 << 10)  # small files stream too
    _, config = files
    rows = range(3000)
    leads = tmp_path / "many.csv"
    leads.write_text("id,phone,mobile,work\n" + "".join(
        f"L{i},973746{i:04d},{'' if i % 3 == 0 else f'973649{i:04d}'},"
        f"{f'973248{i:04d}' if i % 5 == 0 else ''}\n" for i in rows))
    whole = convert(leads, config, tmp_path / "whole", stream=False)
    blocks = convert(leads, config, tmp_path / "blocks", stream=True, block_bytes=8192)
    assert blocks.streamed and not whole.streamed
    no_mobile = sum(1 for i in rows if i % 3 == 0)
    neither = sum(1 for i in rows if i % 3 == 0 and i % 5 != 0)
    assert coverage(whole.summary) == coverage(blocks.summary) == [
        (1, no_mobile), (2, neither), (3, 0)]


def test_check_reports_coverage_in_json_text_and_html(
    files: tuple[Path, Path], tmp_path: Path
) -> None:
    leads, config = files
    verdict = check(leads, config, max_reject_rate=0.5, report=tmp_path / "r.html")
    data = verdict.as_dict()
    assert verdict.valid  # coverage warns; it never fails the gate
    assert [c["without_phone"] for c in data["schedule_coverage"]] == [3, 2, 0]
    validate_against("check-report", data)
    html = (tmp_path / "r.html").read_text()
    assert 'id="sec-coverage"' in html and "Leads with nothing to dial" in html

    done = CliRunner().invoke(app, ["check", str(leads), "--config", str(config),
                                    "--max-reject-rate", "50%"])
    assert done.exit_code == 0, done.stdout
    assert "warning: window 1, MONDAY-FRIDAY opening-12:00, dials Mobile Phone only" in \
        " ".join(done.stdout.split())


def test_preview_forecast_carries_coverage(files: tuple[Path, Path]) -> None:
    leads, config = files
    report = preview(leads, config)
    data = report.as_dict()
    assert [c["without_phone"] for c in data["forecast"]["schedule_coverage"]] == [3, 2, 0]
    validate_against("preview", data)


def test_window_coverage_api(files: tuple[Path, Path]) -> None:
    _, config = files
    cfg = leadprep.load_config(config)
    found = leadprep.window_coverage(cfg, {0b001: 10, 0b011: 5, 0b101: 2}, 17)
    assert [c.without_phone for c in found] == [12, 10, 0]
    assert found[0].asdict()["phone_ids"] == [2]


# -------------------------------------------------------------------------------------- plan


def test_plan_at_a_monday_morning_tries_the_mobile(files: tuple[Path, Path]) -> None:
    leads, config = files
    plan = plan_campaign(leads, config, at="2026-07-06T09:30", rows=3)
    assert (plan.day, plan.time, plan.window_index) == ("MONDAY", "09:30", 0)
    assert [[a.label for a in lead.attempts] for lead in plan.leads] == [
        ["Mobile Phone"], [], []]
    assert plan.leads[0].attempts[0].number == "+19736495304"
    assert (plan.accepted, plan.without_phone) == (4, 3)
    validate_against("campaign-plan", plan.asdict())


def test_plan_after_the_handoff_tries_work_then_mobile(files: tuple[Path, Path]) -> None:
    leads, config = files
    plan = plan_campaign(leads, config, at="2026-07-06T12:00", rows=5)
    assert plan.window_index == 0  # 12:00 is still the first window (it ends at 12:00)
    plan = plan_campaign(leads, config, at="2026-07-06T12:01", rows=5)
    assert plan.window is not None and plan.window["start"] == "12:01"
    assert [lead.extern_id for lead in plan.leads] == ["A", "B", "C", "E"]
    assert [[a.phone_id for a in lead.attempts] for lead in plan.leads] == [
        [2], [3], [], []]


@pytest.mark.parametrize(("at", "reason"), [("2026-07-11T10:00", "SATURDAY is closed"),
                                            ("2026-07-06T18:00", "outside MONDAY's business")])
def test_plan_outside_the_hours_says_why(files: tuple[Path, Path], at: str,
                                         reason: str) -> None:
    leads, config = files
    plan = plan_campaign(leads, config, at=at)
    assert plan.window is None and plan.reason is not None and reason in plan.reason
    assert all(lead.attempts == () for lead in plan.leads)
    validate_against("campaign-plan", plan.asdict())


def test_plan_cli(files: tuple[Path, Path]) -> None:
    leads, config = files
    runner = CliRunner()
    done = runner.invoke(app, ["campaign", "plan", str(leads), "--config", str(config),
                               "--at", "2026-07-06T09:30", "--rows", "3"])
    assert done.exit_code == 0, done.stdout + done.stderr
    assert "MONDAY 09:30" in done.stdout and "nothing to dial" in done.stdout
    done = runner.invoke(app, ["campaign", "plan", str(leads), "--config", str(config),
                               "--at", "2026-07-06T09:30", "--json"])
    assert done.exit_code == 0
    validate_against("campaign-plan", json.loads(done.stdout))
    done = runner.invoke(app, ["campaign", "plan", str(leads), "--config", str(config),
                               "--at", "monday"])
    assert done.exit_code == 2
    assert "--at" in done.stderr
