"""Days, times and business hours of a campaign (SPEC section 2; reference 000).

Times are minutes after midnight. The API writes window times as "HH:mm" and business hours as
"HHMMHHMM" per day (`monSched`..`sunSched`, "00000000" = closed); both ends are inclusive
minutes, which is why a day split in two reads 08:00-12:00 then 12:01-17:00.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

WEEKDAYS: tuple[str, ...] = (
    "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY",
)
SCHED_KEYS: tuple[str, ...] = (
    "monSched", "tueSched", "wedSched", "thuSched", "friSched", "satSched", "sunSched",
)
CLOSED = "00000000"
LAST_MINUTE = 23 * 60 + 59

_DAY_NAMES: dict[str, int] = {
    **{name: i for i, name in enumerate(WEEKDAYS)},
    **{name[:3]: i for i, name in enumerate(WEEKDAYS)},
    "TUES": 1, "WEDS": 2, "THUR": 3, "THURS": 3,
}
_DAY_GROUPS: dict[str, tuple[int, ...]] = {
    "WEEKDAYS": (0, 1, 2, 3, 4),
    "WEEKEND": (5, 6),
    "WEEKENDS": (5, 6),
    "ALL": tuple(range(7)),
    "DAILY": tuple(range(7)),
    "EVERYDAY": tuple(range(7)),
}
_API_TIME = re.compile(r"^([0-9]{2}):([0-9]{2})$")
_LOOSE_TIME = re.compile(r"^([0-9]{1,2}):?([0-9]{2})$")


class ScheduleSyntaxError(ValueError):
    """A day, time or hours spelling leadprep cannot read; the message says what is expected."""


def hhmm(minute: int) -> str:
    """540 -> "09:00"."""
    return f"{minute // 60:02d}:{minute % 60:02d}"


def api_time(value: object) -> int | None:
    """Minutes of an API "HH:mm" time (two digits each, a real time), else None."""
    if not isinstance(value, str):
        return None
    found = _API_TIME.match(value)
    if not found:
        return None
    hours, minutes = int(found[1]), int(found[2])
    if hours > 23 or minutes > 59:
        return None
    return hours * 60 + minutes


def parse_time(value: str, what: str) -> int:
    """A time as people write it in the config or on the command line: 08:00, 8:00, 0800."""
    found = _LOOSE_TIME.match(value.strip())
    if found:
        hours, minutes = int(found[1]), int(found[2])
        if hours <= 23 and minutes <= 59:
            return hours * 60 + minutes
    raise ScheduleSyntaxError(f"{what} {value!r} is not a time of day; write HH:MM, 00:00 to 23:59")


def parse_days(value: str | Iterable[str], what: str = "days") -> tuple[int, ...]:
    """Weekday indexes (0 = MONDAY) of a days spec: "MONDAY", "mon", "MON-FRI", "weekdays",
    "weekend", "all", or a comma-separated list or TOML array of those."""
    items = [value] if isinstance(value, str) else list(value)
    found: list[int] = []
    for item in items:
        if not isinstance(item, str):
            raise ScheduleSyntaxError(f"{what}: {item!r} is not a day name")
        for part in item.split(","):
            found.extend(_day_part(part.strip(), what))
    if not found:
        raise ScheduleSyntaxError(f"{what} is empty; name at least one day (MONDAY, MON-FRI, …)")
    return tuple(sorted(set(found)))


def _day_part(part: str, what: str) -> tuple[int, ...]:
    key = part.upper().replace(" ", "")
    if key in _DAY_GROUPS:
        return _DAY_GROUPS[key]
    if key in _DAY_NAMES:
        return (_DAY_NAMES[key],)
    for sep in ("..", "-", "\u2013"):
        if sep in key:
            first, _, last = key.partition(sep)
            if first in _DAY_NAMES and last in _DAY_NAMES:
                a, b = _DAY_NAMES[first], _DAY_NAMES[last]
                return tuple(range(a, b + 1)) if a <= b else (*range(a, 7), *range(0, b + 1))
    raise ScheduleSyntaxError(
        f"{what}: {part!r} is not a day; use MONDAY..SUNDAY, MON-FRI, weekdays, weekend or all"
    )


def parse_hours(value: str, what: str) -> tuple[int, int] | None:
    """Opening hours of one day: "08:00-17:00", "0800-1700", "08001700"; "closed" or
    "00000000" is None. Opening must come before closing."""
    text = value.strip().lower()
    if text in ("closed", "off", "none", CLOSED):
        return None
    if re.fullmatch(r"[0-9]{8}", text):
        start, end = text[:4], text[4:]
    else:
        parts = re.split(r"\s*(?:-|\u2013|to)\s*", text)
        if len(parts) != 2:
            raise ScheduleSyntaxError(
                f"{what} {value!r}: write opening-closing hours as 08:00-17:00 (or closed)"
            )
        start, end = parts
    opening = parse_time(start, f"{what} opening")
    closing = parse_time(end, f"{what} closing")
    if opening >= closing:
        raise ScheduleSyntaxError(
            f"{what} {value!r}: opening {hhmm(opening)} must be before closing {hhmm(closing)}"
        )
    return opening, closing


@dataclass(frozen=True)
class BusinessHours:
    """Opening and closing minute per weekday (index 0 = MONDAY); None = closed."""

    days: tuple[tuple[int, int] | None, ...] = (None,) * 7

    def __post_init__(self) -> None:
        if len(self.days) != 7:
            raise ValueError("BusinessHours needs seven days, MONDAY first")

    @classmethod
    def parse(cls, specs: Iterable[str] | Mapping[str, str],
              base: BusinessHours | None = None) -> BusinessHours:
        """Hours from specs such as "MON-FRI=08:00-17:00" or "sat 09:00-13:00" (or a mapping
        days -> hours, as in the config). Days not named keep `base` (closed without one)."""
        pairs = specs.items() if isinstance(specs, Mapping) else [_split_spec(s) for s in specs]
        days = list((base or cls()).days)
        for day_spec, hours in pairs:
            if not isinstance(hours, str):
                raise ScheduleSyntaxError(
                    f"business hours {day_spec}: {hours!r} must be a string like 08:00-17:00"
                )
            parsed = parse_hours(hours, f"business hours {day_spec}")
            for day in parse_days(day_spec, f"business hours {day_spec!r}"):
                days[day] = parsed
        return cls(tuple(days))

    @property
    def given(self) -> bool:
        return any(d is not None for d in self.days)

    def sched_fields(self) -> dict[str, str]:
        """`monSched`..`sunSched` as the campaign body writes them."""
        return {key: CLOSED if hours is None else
                f"{hhmm(hours[0]).replace(':', '')}{hhmm(hours[1]).replace(':', '')}"
                for key, hours in zip(SCHED_KEYS, self.days, strict=True)}

    def describe(self, day: int) -> str:
        hours = self.days[day]
        return "closed" if hours is None else f"{hhmm(hours[0])}-{hhmm(hours[1])}"


def _split_spec(spec: str) -> tuple[str, str]:
    text = spec.strip()
    if "=" in text:
        days, _, hours = text.partition("=")
    else:
        days, _, hours = text.partition(" ")
    if not days.strip() or not hours.strip():
        raise ScheduleSyntaxError(
            f"business hours {spec!r}: write DAYS=HOURS, e.g. MON-FRI=08:00-17:00 or SAT=closed"
        )
    return days.strip(), hours.strip()


def describe_days(days: Iterable[int]) -> str:
    """(0, 1, 2, 3, 4) -> "MONDAY-FRIDAY"; (0, 2) -> "MONDAY, WEDNESDAY"."""
    ordered = sorted(set(days))
    runs: list[list[int]] = []
    for day in ordered:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ", ".join(
        WEEKDAYS[r[0]] if len(r) == 1 else
        f"{WEEKDAYS[r[0]]}, {WEEKDAYS[r[1]]}" if len(r) == 2 else
        f"{WEEKDAYS[r[0]]}-{WEEKDAYS[r[-1]]}"
        for r in runs
    )
