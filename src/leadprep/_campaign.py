"""`leadprep campaign check`: the rules of a campaign-create body's calling configuration,
business hours and persona call schedules (SPEC section 2; reference 000).

Every problem is reported at once, each with the JSON path it is at, a stable rule slug and the
fix. Errors make the body invalid; warnings do not.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from leadprep._config import Config, Persona, load_config
from leadprep._errors import JsonFileError
from leadprep._schedule import CLOSED, SCHED_KEYS, WEEKDAYS, api_time, hhmm

Severity = Literal["error", "warning"]

# Rule slug -> what it checks. Stable: tests, scripts and the README name them.
CAMPAIGN_RULES: dict[str, str] = {
    "wrong-type": "a field of the calling configuration has the wrong JSON type",
    "calling-configuration": "callingConfiguration is SIMPLE or STRATEGIC (absent: a warning, "
                             "the campaign is SIMPLE)",
    "sched-missing": "monSched..sunSched are all given (absent: a warning, the day is closed)",
    "sched-format": 'monSched..sunSched are strings of eight digits, "HHMMHHMM"',
    "sched-time": "the two times of a *Sched are real times (00:00 to 23:59)",
    "sched-order": "a *Sched opens before it closes (\"00000000\" = closed)",
    "schedules-missing": "a STRATEGIC campaign has personaCallSchedules",
    "schedules-on-simple": "a SIMPLE campaign has no personaCallSchedules",
    "window-day": "a window's day is a weekday name, MONDAY..SUNDAY",
    "window-time-format": "a window's start and end are HH:mm times",
    "window-order": "a window starts before it ends",
    "preferences-missing": "a window has at least one callPreferences entry",
    "phone-id-invalid": "a phoneId is an integer from 1 to 7",
    "phone-id-not-configured": "a phoneId 2..7 is a configured persona phone",
    "phone-id-duplicate": "a phone ID appears once in a window",
    "priority-invalid": "a priority is a positive integer",
    "priority-duplicate": "the priorities of a window are distinct",
    "window-on-closed-day": "no window is on a closed day",
    "window-outside-hours": "windows lie inside the day's business hours",
    "window-gap": "a day's windows cover its business hours with no gap",
    "window-overlap": "a day's windows never overlap",
    "window-handoff": "each next window starts exactly one minute after the previous one ends",
    "day-without-windows": "an open day has windows (a warning: the day then has no phone order)",
    "unknown-field": "windows and preferences hold only the fields the API knows (a warning)",
}

_WINDOW_FIELDS = ("day", "start", "end", "callPreferences")
_PREFERENCE_FIELDS = ("phoneId", "priority")


@dataclass(frozen=True)
class CampaignProblem:
    """One broken rule: where (`path`, e.g. personaCallSchedules[1].start), which `rule`, what
    is wrong (`message`) and what to do (`fix`)."""

    severity: Severity
    rule: str
    path: str
    message: str
    fix: str

    def asdict(self) -> dict[str, str]:
        return {"severity": self.severity, "rule": self.rule, "path": self.path,
                "message": self.message, "fix": self.fix}

    def __str__(self) -> str:
        return f"{self.path}: {self.rule}: {self.message}; fix: {self.fix}"


class Verdict:
    """What a check's `problems` add up to; shared by the campaign and persona checks."""

    source: str | None
    problems: tuple[CampaignProblem, ...]

    @property
    def headline(self) -> str:
        raise NotImplementedError

    def verdict_dict(self) -> dict[str, Any]:
        """The keys every check's asdict() starts with."""
        return {"source": self.source, "valid": self.valid,
                "verdict": "valid" if self.valid else "invalid", "headline": self.headline}

    @property
    def errors(self) -> tuple[CampaignProblem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[CampaignProblem, ...]:
        return tuple(p for p in self.problems if p.severity == "warning")

    @property
    def valid(self) -> bool:
        return not self.errors

    @property
    def rules(self) -> tuple[str, ...]:
        """The rules broken, errors first, each once."""
        return tuple(dict.fromkeys(p.rule for p in (*self.errors, *self.warnings)))


@dataclass(frozen=True)
class CampaignCheck(Verdict):
    """The verdict on a campaign body. `valid` when no problem is an error."""

    source: str | None
    calling_configuration: str | None
    problems: tuple[CampaignProblem, ...]
    # The phone IDs windows may use, and where they were learnt; None = not checked (1..7).
    configured_phone_ids: tuple[int, ...] | None
    personas_source: str | None = None
    windows: int = 0

    @property
    def headline(self) -> str:
        name = self.source or "campaign body"
        verdict = "valid" if self.valid else "INVALID"
        counts = f"{_plural(len(self.errors), 'error')}, {_plural(len(self.warnings), 'warning')}"
        return f"{name}: {verdict} ({self.calling_configuration or 'SIMPLE'}, " \
               f"{_plural(self.windows, 'window')}; {counts})"

    @property
    def notes(self) -> tuple[str, ...]:
        if self.configured_phone_ids is None:
            return ("phone IDs were only checked to be 1..7; pass --personas (the account's "
                    "persona-phone-config list) or --config to check they are configured",)
        return ()

    def asdict(self) -> dict[str, Any]:
        return {
            **self.verdict_dict(),
            "calling_configuration": self.calling_configuration,
            "windows": self.windows,
            "configured_phone_ids": None if self.configured_phone_ids is None
            else list(self.configured_phone_ids),
            "personas_source": self.personas_source,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "rules": list(self.rules),
            "problems": [p.asdict() for p in self.problems],
            "notes": list(self.notes),
        }


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


PersonasArg = str | Path | Sequence[Mapping[str, Any]] | Sequence[Persona] | None


def check_campaign(
    body: Mapping[str, Any] | str | Path,
    *,
    personas: PersonasArg = None,
    config: Config | str | Path | None = None,
) -> CampaignCheck:
    """Check a campaign-create request body (a dict, or the path of its JSON file).

    The phone IDs windows may use are 1 plus the personas: from `personas` (the list the
    persona-phone-config API returns, as a path or parsed) or from `config`'s
    `[[account.personas]]`. With neither, phone IDs are only checked to be 1..7.
    Raises JsonFileError (exit 2) when a file cannot be read as JSON of the right shape.
    """
    source = None
    if isinstance(body, str | Path):
        source = str(body)
        body = read_json_object(body, "campaign body")
    ids, personas_source = _configured_ids(personas, config)
    checker = _Checker(ids)
    checker.run(body)
    return CampaignCheck(source, checker.calling, tuple(checker.problems),
                         None if ids is None else tuple(sorted(ids)), personas_source,
                         checker.window_count)


def read_json(path: str | Path, what: str) -> Any:
    """A JSON file's content; JsonFileError (exit 2) naming the file when it cannot be."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise JsonFileError(path, f"{what} file not found") from None
    except UnicodeDecodeError:
        raise JsonFileError(path, f"{what} is not UTF-8 text; save it as UTF-8 JSON") from None
    except OSError as exc:
        raise JsonFileError(path, f"cannot read the {what}: {exc.strerror or exc}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise JsonFileError(
            path, f"not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None


def read_json_object(path: str | Path, what: str) -> dict[str, Any]:
    data = read_json(path, what)
    if not isinstance(data, dict):
        raise JsonFileError(path, f"the {what} must be a JSON object, not {_json_type(data)}")
    return data


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def _configured_ids(
    personas: PersonasArg, config: Config | str | Path | None
) -> tuple[set[int] | None, str | None]:
    if personas is not None:
        from leadprep._personas import persona_ids  # _personas imports this module

        source = str(personas) if isinstance(personas, str | Path) else "personas"
        return {1, *persona_ids(personas)}, source
    if config is not None:
        cfg = config if isinstance(config, Config) else load_config(config)
        return {1, *(p.phone_id for p in cfg.account.personas)}, cfg.source or "config"
    return None, None


@dataclass
class _Window:
    index: int
    day: int | None
    start: int | None
    end: int | None

    @property
    def path(self) -> str:
        return f"personaCallSchedules[{self.index}]"

    @property
    def span(self) -> str:
        return f"{hhmm(self.start or 0)}-{hhmm(self.end or 0)}"


@dataclass
class _Checker:
    configured: set[int] | None
    problems: list[CampaignProblem] = field(default_factory=list)
    calling: str | None = None
    window_count: int = 0
    absent: set[int] = field(default_factory=set)

    def error(self, rule: str, path: str, message: str, fix: str) -> None:
        self.problems.append(CampaignProblem("error", rule, path, message, fix))

    def warn(self, rule: str, path: str, message: str, fix: str) -> None:
        self.problems.append(CampaignProblem("warning", rule, path, message, fix))

    def run(self, body: Mapping[str, Any]) -> None:
        calling = self._calling(body)
        hours = [self._sched(body, day) for day in range(7)]
        schedules = body.get("personaCallSchedules")
        if schedules is not None and not isinstance(schedules, list):
            self.error("wrong-type", "personaCallSchedules",
                       f"personaCallSchedules is {_json_type(schedules)}",
                       "make it an array of windows: [{\"day\", \"start\", \"end\", "
                       "\"callPreferences\"}, …]")
            return
        schedules = schedules or []
        self.window_count = len(schedules)
        if calling == "SIMPLE":
            if schedules:
                given = "SIMPLE" if "callingConfiguration" in body else "absent (SIMPLE)"
                self.error("schedules-on-simple", "personaCallSchedules",
                           f"callingConfiguration is {given} but the body has "
                           f"{_plural(len(schedules), 'persona call schedule window')}",
                           'set "callingConfiguration": "STRATEGIC", or remove '
                           "personaCallSchedules (SIMPLE campaigns dial leadPhone only)")
            return
        if calling != "STRATEGIC":
            return
        if not schedules:
            state = "empty" if "personaCallSchedules" in body else "missing"
            self.error("schedules-missing", "personaCallSchedules",
                       f"a STRATEGIC campaign needs personaCallSchedules, and it is {state}",
                       "add windows that cover each open day's business hours, e.g. with "
                       "`leadprep campaign build`")
            return
        windows = [self._window(i, w) for i, w in enumerate(schedules)]
        for day in range(7):
            self._day(day, hours[day], [w for w in windows if w is not None and w.day == day])

    def _calling(self, body: Mapping[str, Any]) -> str:
        value = body.get("callingConfiguration")
        if "callingConfiguration" not in body:
            self.warn("calling-configuration", "callingConfiguration",
                      "callingConfiguration is absent, so the campaign is created SIMPLE",
                      'set "callingConfiguration": "SIMPLE" or "STRATEGIC" (it cannot be '
                      "switched after the campaign is created)")
            self.calling = None
            return "SIMPLE"
        if value not in ("SIMPLE", "STRATEGIC"):
            close = str(value).strip().upper() if isinstance(value, str) else ""
            fix = (f'write "{close}" in capitals' if close in ("SIMPLE", "STRATEGIC")
                   else 'set it to "SIMPLE" or "STRATEGIC"')
            self.error("calling-configuration", "callingConfiguration",
                       f"callingConfiguration {json.dumps(value)} is not SIMPLE or STRATEGIC",
                       fix)
            self.calling = str(value)
            return "INVALID"
        self.calling = value
        return str(value)

    def _sched(self, body: Mapping[str, Any], day: int) -> tuple[int, int] | str | None:
        """(open, close) minutes; None closed; "unknown" when it cannot be read."""
        key = SCHED_KEYS[day]
        if key not in body:
            self.absent.add(day)
            self.warn("sched-missing", key, f"{key} is absent, so {WEEKDAYS[day]} is closed",
                      f'give {key} as "HHMMHHMM", e.g. "08001700", or "{CLOSED}" for closed')
            return None
        value = body[key]
        if not isinstance(value, str) or len(value) != 8 or not value.isdigit() \
                or not value.isascii():
            self.error("sched-format", key, f"{key} {json.dumps(value)} is not \"HHMMHHMM\"",
                       f'write {key} as eight digits, e.g. "08001700" for 08:00 to 17:00, '
                       f'or "{CLOSED}" for closed')
            return "unknown"
        if value == CLOSED:
            return None
        times = [api_time(f"{value[i:i + 2]}:{value[i + 2:i + 4]}") for i in (0, 4)]
        bad = [value[i:i + 4] for i, t in zip((0, 4), times, strict=True) if t is None]
        if bad:
            fix = ('use 2359 for the end of the day' if bad == ["2400"]
                   else "hours are 00..23 and minutes 00..59")
            self.error("sched-time", key, f"{key} {json.dumps(value)}: {', '.join(bad)} is "
                       "not a time of day", fix)
            return "unknown"
        opening, closing = times[0] or 0, times[1] or 0
        if opening >= closing:
            self.error("sched-order", key,
                       f"{key} {json.dumps(value)} opens at {hhmm(opening)}, not before it "
                       f"closes at {hhmm(closing)}",
                       f'write the opening time first, e.g. "{value[4:]}{value[:4]}", or '
                       f'"{CLOSED}" for a closed day')
            return "unknown"
        return opening, closing

    def _window(self, index: int, raw: Any) -> _Window | None:
        path = f"personaCallSchedules[{index}]"
        if not isinstance(raw, dict):
            self.error("wrong-type", path, f"window {index} is {_json_type(raw)}",
                       'make each window an object with "day", "start", "end" and '
                       '"callPreferences"')
            return None
        for key in raw:
            if key not in _WINDOW_FIELDS:
                self.warn("unknown-field", f"{path}.{key}",
                          f"{key!r} is not a field of a persona call schedule window",
                          f"remove it, or use one of {', '.join(_WINDOW_FIELDS)}")
        day = self._day_name(path, raw.get("day"))
        start = self._time(path, raw, "start")
        end = self._time(path, raw, "end")
        if start is not None and end is not None and start >= end:
            self.error("window-order", f"{path}.end",
                       f"the window ends at {hhmm(end)}, not after it starts at {hhmm(start)}",
                       "make end later than start; a window cannot run past midnight")
            start = end = None
        self._preferences(path, raw)
        return _Window(index, day, start, end)

    def _day_name(self, path: str, value: Any) -> int | None:
        if isinstance(value, str) and value in WEEKDAYS:
            return WEEKDAYS.index(value)
        where = f"{path}.day"
        if value is None:
            self.error("window-day", where, "the window has no day",
                       f'add "day": one of {", ".join(WEEKDAYS)}')
            return None
        guess = next((d for d in WEEKDAYS if isinstance(value, str)
                      and value.strip().upper() in (d, d[:3])), None)
        fix = f'write "{guess}"' if guess else f"use one of {', '.join(WEEKDAYS)}"
        self.error("window-day", where, f"day {json.dumps(value)} is not a weekday name", fix)
        return WEEKDAYS.index(guess) if guess else None

    def _time(self, path: str, raw: Mapping[str, Any], key: str) -> int | None:
        where = f"{path}.{key}"
        if key not in raw:
            self.error("window-time-format", where, f"the window has no {key}",
                       f'add "{key}": "HH:mm"')
            return None
        minute = api_time(raw[key])
        if minute is None:
            value = raw[key]
            self.error("window-time-format", where,
                       f"{key} {json.dumps(value)} is not an HH:mm time",
                       f"write {key} as two-digit hours 00..23, a colon and two-digit minutes, "
                       'e.g. "08:00"')
        return minute

    def _preferences(self, path: str, raw: Mapping[str, Any]) -> None:
        where = f"{path}.callPreferences"
        prefs = raw.get("callPreferences")
        if prefs is not None and not isinstance(prefs, list):
            self.error("wrong-type", where, f"callPreferences is {_json_type(prefs)}",
                       'make it an array of {"phoneId", "priority"} objects')
            return
        if not prefs:
            state = "empty" if "callPreferences" in raw else "missing"
            self.error("preferences-missing", where,
                       f"the window's callPreferences is {state}; every window needs at least "
                       "one phone to dial",
                       'add e.g. [{"phoneId": 1, "priority": 1}]')
            return
        seen_ids: dict[int, int] = {}
        seen_priorities: dict[int, int] = {}
        for i, pref in enumerate(prefs):
            at = f"{where}[{i}]"
            if not isinstance(pref, dict):
                self.error("wrong-type", at, f"preference {i} is {_json_type(pref)}",
                           'make it an object {"phoneId": …, "priority": …}')
                continue
            for key in pref:
                if key not in _PREFERENCE_FIELDS:
                    self.warn("unknown-field", f"{at}.{key}",
                              f"{key!r} is not a field of a call preference",
                              "remove it, or use phoneId and priority")
            phone_id = self._phone_id(at, pref)
            if phone_id is not None:
                if phone_id in seen_ids:
                    self.error("phone-id-duplicate", f"{at}.phoneId",
                               f"phone ID {phone_id} is already in this window at "
                               f"callPreferences[{seen_ids[phone_id]}]",
                               "list each phone once per window; remove this preference")
                seen_ids.setdefault(phone_id, i)
            priority = pref.get("priority")
            if isinstance(priority, bool) or not isinstance(priority, int) or priority < 1:
                state = "missing" if "priority" not in pref else f"{json.dumps(priority)}"
                self.error("priority-invalid", f"{at}.priority",
                           f"priority is {state}, not a positive integer",
                           f"give each preference a whole-number priority; 1 is dialled first "
                           f"(e.g. {i + 1})")
            elif priority in seen_priorities:
                self.error("priority-duplicate", f"{at}.priority",
                           f"priority {priority} is already used in this window by "
                           f"callPreferences[{seen_priorities[priority]}]",
                           f"give each phone its own priority, e.g. "
                           f"{max(seen_priorities) + 1} for this one")
            else:
                seen_priorities[priority] = i

    def _phone_id(self, at: str, pref: Mapping[str, Any]) -> int | None:
        value = pref.get("phoneId")
        where = f"{at}.phoneId"
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 7:
            state = "missing" if "phoneId" not in pref else json.dumps(value)
            hint = f" (write {int(value)} as a number, without quotes)" \
                if isinstance(value, str) and value.strip().isdigit() \
                and 1 <= int(value) <= 7 else ""
            self.error("phone-id-invalid", where,
                       f"phoneId is {state}; phone IDs are the integers 1..7",
                       f"use 1 for the lead's primary phone or a configured persona ID 2..7"
                       f"{hint}")
            return None
        if self.configured is not None and value not in self.configured:
            known = ", ".join(map(str, sorted(self.configured)))
            self.error("phone-id-not-configured", where,
                       f"phone ID {value} is not a configured persona phone "
                       f"(configured: {known})",
                       f"create persona phone ID {value} first (POST persona-phone-config, see "
                       "`leadprep personas check`), or use a configured ID")
        return value

    def _day(self, day: int, hours: tuple[int, int] | str | None,
             windows: list[_Window]) -> None:
        name, key = WEEKDAYS[day], SCHED_KEYS[day]
        if hours == "unknown":
            return
        if hours is None:
            why = f"{key} is absent" if day in self.absent else f'{key} "{CLOSED}"'
            for w in windows:
                self.error("window-on-closed-day", f"{w.path}.day",
                           f"{name} is closed ({why}) but window {w.index} is on it",
                           f"remove the window, or open the day by giving {key} its hours "
                           '("HHMMHHMM")')
            return
        assert not isinstance(hours, str)
        opening, closing = hours
        day_hours = f"{hhmm(opening)}-{hhmm(closing)}"
        if not windows:
            self.warn("day-without-windows", key,
                      f"{name} is open {day_hours} ({key}) but no window is on it: the "
                      "dialer then has only the business hours to go on, with no persona "
                      f"phone order for {name}",
                      f"add windows for {name} covering {day_hours}, or close it with "
                      f'{key} "{CLOSED}"')
            return
        timed = sorted((w for w in windows if w.start is not None and w.end is not None),
                       key=lambda w: (w.start or 0, w.end or 0))
        if not timed:
            return
        for w in timed:
            start, end = w.start or 0, w.end or 0
            if end < opening or start > closing:
                self.error("window-outside-hours", f"{w.path}.start",
                           f"the window {w.span} lies wholly outside {name}'s business hours "
                           f"{day_hours} ({key})",
                           f"remove it, or move it inside {day_hours}: windows lie inside the "
                           "day's business hours")
            elif start < opening:
                self.error("window-outside-hours", f"{w.path}.start",
                           f"the window starts at {hhmm(start)}, before {name} opens at "
                           f"{hhmm(opening)} ({key})",
                           f"start {hhmm(start)} should be {hhmm(max(opening, 0))} or later: "
                           "windows lie inside the day's business hours")
            if start <= closing < end and end >= opening:
                self.error("window-outside-hours", f"{w.path}.end",
                           f"the window ends at {hhmm(end)}, after {name} closes at "
                           f"{hhmm(closing)} ({key})",
                           f"end {hhmm(end)} should be {hhmm(closing)} or earlier: windows "
                           "lie inside the day's business hours")
        # Coverage is judged inside the hours: what lies outside is reported above, once.
        timed = [_Window(w.index, w.day, max(w.start or 0, opening), min(w.end or 0, closing))
                 for w in timed if (w.end or 0) >= opening and (w.start or 0) <= closing]
        if not timed:
            self.error("window-gap", f"{key}",
                       f"{name} is open {day_hours} but none of its windows lies inside those "
                       "hours",
                       f"add windows for {name} covering {day_hours}")
            return
        first = timed[0]
        if (first.start or 0) > opening:
            self.error("window-gap", f"{first.path}.start",
                       f"{name} opens at {hhmm(opening)} but its first window starts at "
                       f"{hhmm(first.start or 0)}: nothing covers "
                       f"{_span(opening, (first.start or 0) - 1)}",
                       f"start {hhmm(first.start or 0)} should be {hhmm(opening)}: windows "
                       "cover the day's business hours from opening")
        reach = first
        for w in timed[1:]:
            start, end, prev_end = w.start or 0, w.end or 0, reach.end or 0
            if start == prev_end:
                self.error("window-handoff", f"{w.path}.start",
                           f"the window starts at {hhmm(start)}, the minute "
                           f"{reach.path} ({name} {reach.span}) ends",
                           f"start {hhmm(start)} should be {hhmm(prev_end + 1)}: windows hand "
                           "off one minute after the previous end")
            elif start < prev_end:
                self.error("window-overlap", f"{w.path}.start",
                           f"{name} {w.span} overlaps {reach.path} ({reach.span}) from "
                           f"{hhmm(start)} to {hhmm(min(prev_end, end))}",
                           f"start {hhmm(start)} should be {hhmm(prev_end + 1)} (or end "
                           f"{reach.path} at {hhmm(max(start - 1, 0))}): windows never overlap")
            elif start > prev_end + 1:
                self.error("window-gap", f"{w.path}.start",
                           f"nothing covers {name} {_span(prev_end + 1, start - 1)}, between "
                           f"{reach.path} ({reach.span}) and this window ({w.span})",
                           f"start {hhmm(start)} should be {hhmm(prev_end + 1)}: windows hand "
                           "off one minute after the previous end (or add a window for the "
                           "gap)")
            if end > prev_end:
                reach = w
        if (reach.end or 0) < closing:
            self.error("window-gap", f"{reach.path}.end",
                       f"{name} closes at {hhmm(closing)} but its last window ends at "
                       f"{hhmm(reach.end or 0)}: nothing covers "
                       f"{_span((reach.end or 0) + 1, closing)}",
                       f"end {hhmm(reach.end or 0)} should be {hhmm(closing)}: windows cover "
                       "the day's business hours to closing")


def _span(first: int, last: int) -> str:
    return hhmm(first) if first == last else f"{hhmm(first)}-{hhmm(last)}"
