"""What the campaign and personas commands print for people (--json prints the library's dicts)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from leadprep._campaign import CampaignCheck, CampaignProblem, Verdict
from leadprep._campaign_build import CampaignBuild
from leadprep._cli_show import _console
from leadprep._personas import PersonaCheck
from leadprep._plan import CampaignPlan


def _problems(console: Console, problems: Iterable[CampaignProblem]) -> None:
    for p in problems:
        mark = "[red]✗ error[/]" if p.severity == "error" else "[yellow]! warning[/]"
        console.print(f"  {mark} [bold]{escape(p.path)}[/] [cyan]{escape(p.rule)}[/]",
                      highlight=False, soft_wrap=True)
        console.print(f"      {escape(p.message)}", highlight=False, soft_wrap=True)
        console.print(f"      fix: {escape(p.fix)}", highlight=False, soft_wrap=True)


def _show_verdict(verdict: Verdict) -> Console:
    """The headline and every problem, errors first; the console, for what follows."""
    console = _console()
    colour = "green" if verdict.valid else "red"
    console.print(f"[bold {colour}]{escape(verdict.headline)}[/]", highlight=False,
                  soft_wrap=True)
    _problems(console, (*verdict.errors, *verdict.warnings))
    return console


def show_campaign_check(verdict: CampaignCheck) -> None:
    console = _show_verdict(verdict)
    for note in verdict.notes:
        console.print(f"[dim]note: {escape(note)}[/]", highlight=False, soft_wrap=True)


def show_persona_check(verdict: PersonaCheck) -> None:
    console = _show_verdict(verdict)
    for request in verdict.create_requests:
        console.print(escape(f"create: {request['method']} {request['path']}"),
                      highlight=False, soft_wrap=True)
        console.print(escape(json.dumps(request["body"], ensure_ascii=False)),
                      highlight=False, soft_wrap=True)
    if not verdict.compared_with_config:
        console.print("[dim]note: pass --config to compare with the personas a leadprep "
                      "config maps (and get the requests that create missing ones)[/]",
                      highlight=False, soft_wrap=True)


def show_build_notes(built: CampaignBuild, out: Path | None) -> None:
    """Notes go to stderr, so that stdout is the JSON alone."""
    console = Console(stderr=True)
    windows = len(built.fields["personaCallSchedules"])
    where = f"; written to {out}" if out is not None else ""
    console.print(escape(f"built {windows} personaCallSchedules windows; campaign check: "
                         f"{'valid' if built.check.valid else 'INVALID'}{where}"),
                  highlight=False, soft_wrap=True)
    for note in built.notes:
        console.print(f"[yellow]note:[/] {escape(note)}", highlight=False, soft_wrap=True)


def show_plan(plan: CampaignPlan) -> None:
    console = _console()
    console.print(f"[bold]{escape(plan.headline)}[/]", highlight=False, soft_wrap=True)
    if plan.window is None:
        return
    table = Table(title=f"first {len(plan.leads)} accepted leads", title_justify="left")
    table.add_column("row", justify="right", style="dim")
    table.add_column("externId")
    order = [f"{p['priority']}. {p['label']}" for p in plan.window["callPreferences"]]
    table.add_column("tries, in order")
    for lead in plan.leads:
        tries = " → ".join(f"{a.label} {a.number}" for a in lead.attempts)
        table.add_row(str(lead.row), escape(lead.extern_id or ""),
                      escape(tries) if tries else "[red]nothing to dial[/]")
    console.print(table)
    console.print(escape(f"window order: {'; '.join(order)}"), highlight=False, soft_wrap=True)
