"""`leadprep campaign build`: expand the config's compact `[[campaign.windows]]` into the
`personaCallSchedules` and `monSched`..`sunSched` fields of a campaign-create body.

Windows are written by their boundaries (08:00-12:00 then 12:00-17:00, or the API's own
12:01); start and end may be left out (from opening, to closing). Per open day, the windows
that name it are clipped to its business hours and must then tile them: no gap, no overlap.
The output hands off one minute after each end, so what build writes passes `campaign check`,
which build runs on its own output before returning it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from leadprep._campaign import CampaignCheck, check_campaign
from leadprep._config import CampaignWindow, Config, load_config
from leadprep._errors import ConfigError
from leadprep._schedule import (
    WEEKDAYS,
    BusinessHours,
    ScheduleSyntaxError,
    describe_days,
    hhmm,
)

HoursArg = BusinessHours | Iterable[str] | Mapping[str, str] | None


@dataclass(frozen=True)
class CampaignBuild:
    """The built fields (`callingConfiguration`, `monSched`..`sunSched`,
    `personaCallSchedules`), notes on what was left out, and the check of the result."""

    fields: dict[str, Any]
    business_hours: BusinessHours
    notes: tuple[str, ...]
    check: CampaignCheck

    def body(self, base: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """`base` (a campaign-create body) with the built fields put in (replacing its own)."""
        return {**(base or {}), **self.fields}

    def asdict(self) -> dict[str, Any]:
        return dict(self.fields)


@dataclass
class _Cut:
    window: CampaignWindow
    start: int
    end: int


def resolve_hours(config: Config, business_hours: HoursArg) -> BusinessHours:
    """The config's [campaign.business_hours], with the days `business_hours` names replaced."""
    base = config.campaign.business_hours
    if business_hours is None:
        hours = base
    elif isinstance(business_hours, BusinessHours):
        hours = business_hours
    else:
        specs = business_hours if isinstance(business_hours, Mapping) else list(business_hours)
        try:
            hours = BusinessHours.parse(specs, base) if specs else base
        except ScheduleSyntaxError as exc:
            raise ConfigError(f"--business-hours: {exc}") from None
    if hours is None or not hours.given:
        raise ConfigError(
            "no business hours: pass --business-hours MON-FRI=08:00-17:00 (repeat for other "
            "days) or add [campaign.business_hours] mon-fri = \"08:00-17:00\" to the config"
        )
    return hours


def build_campaign(
    config: Config | str | Path, *, business_hours: HoursArg = None
) -> CampaignBuild:
    """Expand `[[campaign.windows]]` over the business hours (the config's, with the days
    `business_hours` names replaced: BusinessHours, specs like "MON-FRI=08:00-17:00", or a
    mapping days -> hours). Raises ConfigError listing every window problem."""
    cfg = config if isinstance(config, Config) else load_config(config)
    if cfg.campaign.calling_configuration != "STRATEGIC" or not cfg.campaign.windows:
        raise ConfigError(
            "campaign build needs [campaign] calling_configuration = \"STRATEGIC\" and at least "
            "one [[campaign.windows]] entry, e.g. days = \"MON-FRI\", phones = "
            "[\"Mobile Phone\", 1]", source=cfg.source)
    hours = resolve_hours(cfg, business_hours)
    problems: dict[str, list[int]] = {}
    notes: dict[str, list[int]] = {}
    schedules: list[dict[str, Any]] = []
    for day in range(7):
        schedules += _day(cfg, hours, day, problems, notes)
    if problems:
        listed = "\n".join(f"  - {_on_days(text, days)}" for text, days in problems.items())
        raise ConfigError(
            f"[[campaign.windows]] do not tile the business hours "
            f"({_plural_problems(len(problems))}):\n{listed}", source=cfg.source)
    if not schedules:
        open_days = describe_days(d for d in range(7) if hours.days[d] is not None)
        raise ConfigError(
            f"no [[campaign.windows]] entry falls on an open day ({open_days}), so there is no "
            "schedule to write; name those days in a window's days", source=cfg.source)
    fields = {"callingConfiguration": "STRATEGIC", **hours.sched_fields(),
              "personaCallSchedules": schedules}
    verdict = check_campaign(fields, config=cfg)
    if not verdict.valid:  # a bug in build, never the user's config
        raise RuntimeError(f"campaign build wrote an invalid schedule: {verdict.errors[0]}")
    written = [_on_days(text, days) for text, days in notes.items()]
    written += [f"{w.path}: {w.rule}: {w.message}" for w in verdict.warnings]
    return CampaignBuild(fields, hours, tuple(written), verdict)


def _plural_problems(n: int) -> str:
    return f"{n} problem{'s' if n != 1 else ''}"


def _on_days(text: str, days: list[int]) -> str:
    return text.replace("{days}", describe_days(days))


def _entry(w: CampaignWindow) -> str:
    return f"[[campaign.windows]] entry {w.entry} ({w.describe()})"


def _day(cfg: Config, hours: BusinessHours, day: int, problems: dict[str, list[int]],
         notes: dict[str, list[int]]) -> list[dict[str, Any]]:
    windows = [w for w in cfg.campaign.windows if day in w.days]
    opening_closing = hours.days[day]
    if opening_closing is None:
        for w in windows:
            notes.setdefault(f"{_entry(w)}: {{days}} closed (business hours), so it is not "
                             "written for it", []).append(day)
        return []
    opening, closing = opening_closing
    cuts = _cuts(windows, opening, closing)
    kept = []
    for cut in cuts:
        start, end = max(cut.start, opening), min(cut.end, closing)
        if end <= start:
            notes.setdefault(f"{_entry(cut.window)}: outside {{days}} business hours "
                             f"{hours.describe(day)}, so it is not written for it", []
                             ).append(day)
            continue
        kept.append(_Cut(cut.window, start, end))
    if not kept:
        return []
    span = hours.describe(day)

    def problem(text: str) -> None:
        problems.setdefault(text, []).append(day)

    if kept[0].start > opening:
        problem(f"{{days}} opens {hhmm(opening)} but the first window, {_entry(kept[0].window)}"
                f", starts {hhmm(kept[0].start)}: nothing covers {hhmm(opening)}-"
                f"{hhmm(kept[0].start)}; start it at {hhmm(opening)} or leave start out")
    for prev, nxt in itertools.pairwise(kept):
        if nxt.start > prev.end:
            problem(f"{{days}}: nothing covers {hhmm(prev.end)}-{hhmm(nxt.start)} between "
                    f"{_entry(prev.window)} and {_entry(nxt.window)}; start the later one at "
                    f"{hhmm(prev.end)} or end the earlier one at {hhmm(nxt.start)}")
        elif nxt.start < prev.end:
            problem(f"{{days}}: {_entry(nxt.window)} overlaps {_entry(prev.window)} from "
                    f"{hhmm(nxt.start)} to {hhmm(min(prev.end, nxt.end))}; start the later "
                    f"one at {hhmm(prev.end)} (build writes the one-minute handoff)")
    if kept[-1].end < closing:
        problem(f"{{days}} closes {hhmm(closing)} (business hours {span}) but the last window, "
                f"{_entry(kept[-1].window)}, ends {hhmm(kept[-1].end)}; end it at "
                f"{hhmm(closing)} or leave end out")
    return _written(kept, day, notes)


def _cuts(windows: list[CampaignWindow], opening: int, closing: int) -> list[_Cut]:
    """Each window by its boundaries on the day, the API's handoff start (previous end + 1)
    read as the boundary it stands for, sorted by start."""
    cuts = [_Cut(w, opening if w.start is None else w.start,
                 closing if w.end is None else w.end) for w in windows]
    ends = {w.end for w in windows if w.end is not None}  # written ends, not closing
    for cut in cuts:
        if cut.start - 1 in ends and cut.start not in ends and cut.start > opening:
            cut.start -= 1
    return sorted(cuts, key=lambda c: (c.start, c.end, c.window.entry))


def _written(kept: list[_Cut], day: int, notes: dict[str, list[int]]) -> list[dict[str, Any]]:
    """The API windows: the first starts at opening, each next one minute after the previous
    end. A later window of a single minute cannot be written that way: the previous window
    takes its minute."""
    out: list[tuple[CampaignWindow, int, int]] = []
    for cut in kept:
        if not out:
            out.append((cut.window, cut.start, cut.end))
            continue
        start = out[-1][2] + 1
        if start >= cut.end:
            prev = out[-1]
            out[-1] = (prev[0], prev[1], cut.end)
            notes.setdefault(f"{_entry(cut.window)}: only one minute on {{days}} after the "
                             f"handoff, so {_entry(prev[0])} covers it there", []).append(day)
            continue
        out.append((cut.window, start, cut.end))
    return [
        {"day": WEEKDAYS[day], "start": hhmm(start), "end": hhmm(end),
         "callPreferences": [{"phoneId": p, "priority": i + 1}
                             for i, p in enumerate(w.phones)]}
        for w, start, end in out
    ]
