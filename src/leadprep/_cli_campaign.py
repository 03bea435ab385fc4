"""The `campaign` and `personas` commands: a thin layer over the library API (rendering is in
_cli_show_campaign).

Exit codes of the checks: 0 valid (warnings allowed), 1 invalid, 2 unreadable input, a usage
error or a config error.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from leadprep._campaign import check_campaign, read_json_object
from leadprep._campaign_build import build_campaign
from leadprep._cli_show_campaign import (
    show_build_notes,
    show_campaign_check,
    show_persona_check,
    show_plan,
)
from leadprep._emit import atomic_path, writable
from leadprep._errors import ConfigError, JsonFileError, LeadprepError
from leadprep._personas import check_personas
from leadprep._plan import plan_campaign

campaign_app = typer.Typer(
    name="campaign",
    help="STRATEGIC campaigns: check a campaign-create body's call schedules, build them from "
    "the config's [\\[campaign.windows]], and plan which numbers are dialled when.",
    no_args_is_help=True,
)
personas_app = typer.Typer(
    name="personas",
    help="The account's persona phone config (phone IDs 1..7 and their labels).",
    no_args_is_help=True,
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result as one JSON "
                    "object instead of text.")]
DebugOpt = Annotated[bool, typer.Option(help="Show Python tracebacks on errors.")]
HoursOpt = Annotated[list[str] | None, typer.Option(
    "--business-hours", "-H", metavar="DAYS=HOURS",
    help="Business hours of some days, e.g. MON-FRI=08:00-17:00 or SAT=closed; repeat for "
    "other days. Days named replace the config's \\[campaign.business_hours]; days named "
    "nowhere are closed.")]


def _error_exit(error: LeadprepError, as_json: bool, debug: bool) -> typer.Exit:
    if debug:
        raise error
    if as_json:
        code = "UNREADABLE_JSON" if isinstance(error, JsonFileError) else (
            "CONFIG_ERROR" if isinstance(error, ConfigError) else "INTERNAL_ERROR")
        _print_json({"valid": False, "verdict": "error",
                     "error": {"code": code, "message": str(error),
                               "exit_code": error.exit_code}})
    typer.echo(f"error: {error}", err=True)
    return typer.Exit(error.exit_code)


def _print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


@campaign_app.command("check")
def campaign_check_command(
    campaign_json: Annotated[Path, typer.Argument(
        metavar="CAMPAIGN_JSON", help="The campaign-create request body (JSON) to check.")],
    personas: Annotated[Path | None, typer.Option(
        help="The account's persona phone config, as GET persona-phone-config returns it (a "
        "JSON array of {phoneId, phoneLabel}); phone IDs must be configured there.")] = None,
    config: Annotated[Path | None, typer.Option(
        "--config", "-c", help="A leadprep config: phone IDs must be 1 or one of its "
        "[\\[account.personas]]. Use instead of --personas.")] = None,
    as_json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Check the calling configuration, business hours (monSched..sunSched) and
    personaCallSchedules of a campaign-create body. Every problem is listed with its JSON path,
    rule and fix. Exit 0 valid, 1 invalid, 2 unreadable."""
    try:
        if personas is not None and config is not None:
            raise ConfigError("give --personas or --config, not both")
        verdict = check_campaign(campaign_json, personas=personas, config=config)
    except LeadprepError as error:
        raise _error_exit(error, as_json, debug) from None
    if as_json:
        _print_json(verdict.asdict())
    else:
        show_campaign_check(verdict)
    raise typer.Exit(0 if verdict.valid else 1)


@campaign_app.command("build")
def campaign_build_command(
    config: Annotated[Path, typer.Option(
        "--config", "-c", help="The leadprep config with [\\[campaign.windows]] (and optionally "
        "\\[campaign.business_hours]).")],
    business_hours: HoursOpt = None,
    campaign: Annotated[Path | None, typer.Option(
        help="A campaign-create body to put the built fields into; without it only the built "
        "fields are printed.")] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Write the JSON to this file instead of printing it.")] = None,
    debug: DebugOpt = False,
) -> None:
    """Expand the config's [\\[campaign.windows]] into callingConfiguration, monSched..sunSched
    and a complete personaCallSchedules list, ready for the campaign-create body. What it
    writes passes `campaign check`; windows that cannot tile the business hours exit 2."""
    try:
        base = read_json_object(campaign, "campaign body") if campaign is not None else None
        built = build_campaign(config, business_hours=business_hours)
        text = json.dumps(built.body(base), indent=2, ensure_ascii=False) + "\n"
        if out is not None:
            with writable("--out", out), atomic_path(out) as tmp:
                tmp.write_text(text, encoding="utf-8")
    except LeadprepError as error:
        raise _error_exit(error, False, debug) from None
    show_build_notes(built, out)
    if out is None:
        print(text, end="")


@campaign_app.command("plan")
def campaign_plan_command(
    file: Annotated[Path, typer.Argument(help="The lead file.")],
    config: Annotated[Path, typer.Option(
        "--config", "-c", help="The leadprep config: mapping, personas and "
        "[\\[campaign.windows]].")],
    at: Annotated[str, typer.Option(
        help="A local date and time of the campaign, e.g. 2026-07-06T09:30; its weekday picks "
        "the day's windows.")],
    rows: Annotated[int, typer.Option("--rows", "-n", min=0,
                                      help="How many accepted leads to show.")] = 10,
    business_hours: HoursOpt = None,
    as_json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Show, for the first accepted leads, which numbers would be tried at --at and in which
    order, under the schedule `campaign build` writes from the config."""
    try:
        plan = plan_campaign(file, config, at=at, rows=rows, business_hours=business_hours)
    except LeadprepError as error:
        raise _error_exit(error, as_json, debug) from None
    if as_json:
        _print_json(plan.asdict())
    else:
        show_plan(plan)


@personas_app.command("check")
def personas_check_command(
    personas_json: Annotated[Path, typer.Argument(
        metavar="PERSONAS_JSON", help="The persona phone config: the JSON array GET "
        "persona-phone-config returns, or a leadLoader/preview response.")],
    config: Annotated[Path | None, typer.Option(
        "--config", "-c", help="A leadprep config: its [\\[account.personas]] must exist with "
        "the same IDs and labels; request bodies to create missing ones are printed.")] = None,
    as_json: JsonOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Check the persona phone config: phone IDs 1..7 unique, ID 1 the lead phone, labels
    unique and non-empty, and (with --config) the labels the leadprep config maps. Exit 0
    valid, 1 invalid, 2 unreadable."""
    try:
        verdict = check_personas(personas_json, config=config)
    except LeadprepError as error:
        raise _error_exit(error, as_json, debug) from None
    if as_json:
        _print_json(verdict.asdict())
    else:
        show_persona_check(verdict)
    raise typer.Exit(0 if verdict.valid else 1)
