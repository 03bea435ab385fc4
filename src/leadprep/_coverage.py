"""Schedule coverage: for each `[[campaign.windows]]` entry, how many accepted leads have none
of the phones that window dials, so the dialer has nothing to try for them then.

The pipeline counts accepted leads by which phones they carry (a bit mask per lead, grouped:
at most 2^7 patterns, so a file converted block by block adds its blocks' counts); the
windows' coverage is worked out from those counts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import polars as pl

from leadprep._config import CampaignWindow, Config
from leadprep._schedule import WEEKDAYS, describe_days, hhmm
from leadprep._transform import Leads
from leadprep._validate import ValidatedFrame

PRIMARY_LABEL = "leadPhone"


def _bit(phone_id: int) -> int:
    return 1 << (phone_id - 1)


def phone_patterns(validated: ValidatedFrame, leads: Leads) -> Counter[int]:
    """Accepted leads counted by the phones they carry: bit (ID - 1) is set when the lead has
    phone ID (1 = the primary, which every accepted lead has)."""
    frame = leads.frame
    if frame.height == 0:
        return Counter()
    personas = [p for p in validated.mapped.personas
                if "personaPhoneConfig" in frame.columns]
    if not personas:
        return Counter({_bit(1): frame.height})
    struct = pl.col("personaPhoneConfig").struct
    mask = pl.lit(_bit(1), dtype=pl.Int64)
    for p in personas:
        mask = mask + struct.field(p.label).is_not_null().cast(pl.Int64) * _bit(p.phone_id)
    counts = frame.select(mask.alias("mask"))["mask"].value_counts(name="n")
    return Counter({int(m): int(n) for m, n in counts.iter_rows()})


@dataclass(frozen=True)
class WindowCoverage:
    """One `[[campaign.windows]]` entry against a lead file: of `accepted` leads,
    `without_phone` have none of the phones it dials."""

    window: int
    days: tuple[str, ...]
    start: str | None
    end: str | None
    phone_ids: tuple[int, ...]
    labels: tuple[str, ...]
    unmapped: tuple[str, ...]
    accepted: int
    without_phone: int

    @property
    def describe(self) -> str:
        start, end = self.start or "opening", self.end or "closing"
        return f"{describe_days(WEEKDAYS.index(d) for d in self.days)} {start}-{end}"

    @property
    def warning(self) -> str | None:
        if not self.without_phone:
            return None
        only = " only" if len(self.labels) == 1 else ""
        which = " or ".join(self.labels)
        unmapped = (f" (the file maps no column to {' or '.join(self.unmapped)})"
                    if self.unmapped else "")
        return (f"window {self.window}, {self.describe}, dials {' then '.join(self.labels)}"
                f"{only}: {self.without_phone:,} of {self.accepted:,} accepted leads have no "
                f"{which} number, so there is nothing to dial for them in that window"
                f"{unmapped}")

    def asdict(self) -> dict[str, Any]:
        return {
            "window": self.window,
            "days": list(self.days),
            "start": self.start,
            "end": self.end,
            "phone_ids": list(self.phone_ids),
            "labels": list(self.labels),
            "unmapped": list(self.unmapped),
            "accepted": self.accepted,
            "without_phone": self.without_phone,
            "warning": self.warning,
        }


def phone_label(config: Config, phone_id: int) -> str:
    return PRIMARY_LABEL if phone_id == 1 else config.account.persona_label(phone_id) or \
        f"phone {phone_id}"


def window_coverage(
    config: Config, patterns: Mapping[int, int], accepted: int
) -> tuple[WindowCoverage, ...]:
    """Coverage of each of the config's windows, from the phone patterns of the leads."""
    mapped = {1, *config.mapping.additional_phones}
    return tuple(_one(config, w, patterns, accepted, mapped) for w in config.campaign.windows)


def _one(config: Config, w: CampaignWindow, patterns: Mapping[int, int], accepted: int,
         mapped: set[int]) -> WindowCoverage:
    mask = sum(_bit(p) for p in w.phones)
    without = sum(n for pattern, n in patterns.items() if not pattern & mask)
    return WindowCoverage(
        window=w.entry,
        days=tuple(WEEKDAYS[d] for d in w.days),
        start=None if w.start is None else hhmm(w.start),
        end=None if w.end is None else hhmm(w.end),
        phone_ids=w.phones,
        labels=tuple(phone_label(config, p) for p in w.phones),
        unmapped=tuple(phone_label(config, p) for p in w.phones if p not in mapped),
        accepted=accepted,
        without_phone=without,
    )


def coverage_summary(config: Config, patterns: Mapping[int, int], accepted: int
                     ) -> dict[str, Any]:
    """The summary's `schedule_coverage` entry; nothing when the config has no windows."""
    if not config.campaign.windows:
        return {}
    return {"schedule_coverage": [c.asdict() for c in
                                  window_coverage(config, patterns, accepted)]}


def coverage_warnings(summary: Mapping[str, Any]) -> list[str]:
    """The warning lines of a summary's schedule coverage."""
    return [c["warning"] for c in summary.get("schedule_coverage", ()) if c["warning"]]
