"""`leadprep campaign plan`: at a given day and time, which of a lead's numbers the dialer
would try, in which order, under the schedule `campaign build` writes from the config."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl

from leadprep._campaign_build import HoursArg, build_campaign
from leadprep._config import Config, load_config
from leadprep._coverage import phone_label
from leadprep._errors import ConfigError
from leadprep._pipeline import convert
from leadprep._schedule import SCHED_KEYS, WEEKDAYS, api_time, hhmm


@dataclass(frozen=True)
class Attempt:
    priority: int
    phone_id: int
    label: str
    number: str

    def asdict(self) -> dict[str, Any]:
        return {"priority": self.priority, "phoneId": self.phone_id, "label": self.label,
                "number": self.number}


@dataclass(frozen=True)
class PlannedLead:
    row: int
    extern_id: str | None
    attempts: tuple[Attempt, ...]

    def asdict(self) -> dict[str, Any]:
        return {"row": self.row, "externId": self.extern_id,
                "attempts": [a.asdict() for a in self.attempts]}


@dataclass(frozen=True)
class CampaignPlan:
    """The window in force at `at` (None, with `reason`, when none is) and, for the first
    accepted leads, the numbers it would try in order."""

    input: str
    at: str
    day: str
    time: str
    window_index: int | None
    window: dict[str, Any] | None
    reason: str | None
    accepted: int
    without_phone: int
    leads: tuple[PlannedLead, ...]

    @property
    def headline(self) -> str:
        when = f"{self.day} {self.time}"
        if self.window is None:
            return f"{when}: no call window; {self.reason}"
        order = ", then ".join(f"{p['label']} (ID {p['phoneId']})"
                               for p in self.window["callPreferences"])
        return (f"{when} is in personaCallSchedules[{self.window_index}] ({self.day} "
                f"{self.window['start']}-{self.window['end']}): dials {order}; "
                f"{self.without_phone:,} of {self.accepted:,} accepted leads have nothing to "
                "dial then")

    def asdict(self) -> dict[str, Any]:
        return {
            "input": self.input,
            "at": self.at,
            "day": self.day,
            "time": self.time,
            "headline": self.headline,
            "window_index": self.window_index,
            "window": self.window,
            "reason": self.reason,
            "accepted": self.accepted,
            "without_phone": self.without_phone,
            "leads": [lead.asdict() for lead in self.leads],
        }


def _parse_at(at: datetime | str) -> datetime:
    if isinstance(at, datetime):
        return at
    try:
        return datetime.fromisoformat(at.strip())
    except ValueError:
        raise ConfigError(
            f"--at {at!r} is not a date and time; write it as 2026-07-06T09:30 (the campaign's "
            "local time)"
        ) from None


def plan_campaign(
    path: str | Path,
    config: Config | str | Path,
    *,
    at: datetime | str,
    rows: int = 10,
    business_hours: HoursArg = None,
) -> CampaignPlan:
    """For the first `rows` accepted leads of a lead file, the numbers the schedule built from
    `config` (see build_campaign) would try at `at`, a local date and time, in order."""
    cfg = config if isinstance(config, Config) else load_config(config)
    when = _parse_at(at)
    built = build_campaign(cfg, business_hours=business_hours)
    day = when.weekday()
    minute = when.hour * 60 + when.minute
    windows = built.fields["personaCallSchedules"]
    index, window = next(((i, w) for i, w in enumerate(windows)
                          if w["day"] == WEEKDAYS[day]
                          and (api_time(w["start"]) or 0) <= minute <= (api_time(w["end"]) or 0)),
                         (None, None))
    result = convert(path, cfg, None)
    frame = result.leads.frame
    reason = None if window is not None else _why_none(built.fields, day, minute)
    shown: dict[str, Any] | None = None
    prefs: list[tuple[int, int, str]] = []
    if window is not None:
        prefs = sorted((p["priority"], p["phoneId"], phone_label(cfg, p["phoneId"]))
                       for p in window["callPreferences"])
        shown = {**window, "callPreferences": [
            {"phoneId": pid, "priority": pr, "label": label} for pr, pid, label in prefs]}
    numbers = [_number(frame, pid, label).alias(f"_n{i}")
               for i, (_, pid, label) in enumerate(prefs)]
    any_number = pl.any_horizontal(pl.col(f"_n{i}").is_not_null() for i in range(len(prefs))) \
        if prefs else pl.lit(False)
    table = frame.select(
        "_row",
        (pl.col("externId") if "externId" in frame.columns else pl.lit(None, pl.String))
        .alias("_extern"),
        *numbers,
    )
    without = int(table.select((~any_number).sum()).item()) if table.height else 0
    leads = tuple(
        PlannedLead(int(r["_row"]), r["_extern"], tuple(
            Attempt(pr, pid, label, r[f"_n{i}"])
            for i, (pr, pid, label) in enumerate(prefs) if r[f"_n{i}"] is not None))
        for r in table.head(rows).iter_rows(named=True)
    )
    return CampaignPlan(str(path), when.isoformat(timespec="minutes"), WEEKDAYS[day],
                        hhmm(minute), index, shown, reason, frame.height, without, leads)


def _number(frame: pl.DataFrame, phone_id: int, label: str) -> pl.Expr:
    if phone_id == 1:
        column = "leadPhoneE164" if "leadPhoneE164" in frame.columns else "leadPhone"
        return pl.col(column)
    if "personaPhoneConfig" in frame.columns:
        fields = frame.schema["personaPhoneConfig"]
        names = [f.name for f in getattr(fields, "fields", ())]
        if label in names:
            return pl.col("personaPhoneConfig").struct.field(label)
    return pl.lit(None, pl.String)


def _why_none(fields: dict[str, Any], day: int, minute: int) -> str:
    name, key = WEEKDAYS[day], SCHED_KEYS[day]
    sched = fields[key]
    if sched == "00000000":
        return f"{name} is closed ({key} \"00000000\")"
    opening, closing = sched[:2] + ":" + sched[2:4], sched[4:6] + ":" + sched[6:]
    if not any(w["day"] == name for w in fields["personaCallSchedules"]):
        return f"{name} has no call windows"
    return f"{hhmm(minute)} is outside {name}'s business hours {opening}-{closing}"
