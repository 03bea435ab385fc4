"""`leadprep check`: the pre-upload gate. Same run as `convert` with nothing written unless asked,
judged against thresholds.

A rejected row counts against the thresholds unless every one of its reasons is allowed
(`allow`). `fail_on` codes fail the file on their first occurrence, whatever the thresholds; they
may name warning codes too (e.g. INVALID_PERSONA_PHONE).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import polars as pl

from leadprep._codes import RejectCode, WarningCode
from leadprep._config import Config
from leadprep._emit import atomic_path, refuse_unsafe_target, writable, write_rejects
from leadprep._errors import ConfigError
from leadprep._outcome import Outcome
from leadprep._pipeline import ConvertResult, ProgressCallback, convert
from leadprep._report_data import write_report

REJECT_CODES = frozenset(c.value for c in RejectCode)
WARNING_CODES = frozenset(c.value for c in WarningCode)


@dataclass(frozen=True)
class Thresholds:
    """`max_reject_rate` None and `max_rejects` None means no reject is tolerated."""

    max_reject_rate: float | None = None
    max_rejects: int | None = None
    fail_on: frozenset[str] = field(default_factory=frozenset)
    allow: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def build(
        cls,
        max_reject_rate: float | str | None = None,
        max_rejects: int | None = None,
        fail_on: Iterable[str] | str = (),
        allow: Iterable[str] | str = (),
    ) -> Thresholds:
        """Check every threshold before any work; errors name the flag that fixes them."""
        fail = frozenset(_codes("--fail-on", fail_on, REJECT_CODES | WARNING_CODES))
        allowed = frozenset(_codes("--allow", allow, REJECT_CODES))
        if fail & allowed:
            both = ", ".join(sorted(fail & allowed))
            raise ConfigError(f"{both} is given to both --fail-on and --allow; pick one")
        rate = parse_rate(max_reject_rate)
        if max_rejects is not None and (
            isinstance(max_rejects, bool) or not isinstance(max_rejects, int) or max_rejects < 0
        ):
            raise ConfigError(f"--max-rejects {max_rejects!r} must be a whole number, 0 or more")
        return cls(rate, max_rejects, fail, allowed)

    @property
    def effective_rate(self) -> float | None:
        if self.max_reject_rate is None and self.max_rejects is None:
            return 0.0
        return self.max_reject_rate

    def asdict(self) -> dict[str, Any]:
        return {
            "max_reject_rate": self.effective_rate,
            "max_rejects": self.max_rejects,
            "fail_on": sorted(self.fail_on),
            "allow": sorted(self.allow),
        }


def parse_rate(value: float | str | None) -> float | None:
    """0.02, "0.02" or "2%" → 0.02. Percentages are parsed as decimals, so "5.6%" is exactly
    0.056 and a file at exactly the limit passes."""
    if value is None:
        return None
    problem = (f"--max-reject-rate {value!r} must be a fraction from 0 to 1 (0.02) or a "
               "percentage (2%)")
    if isinstance(value, bool):
        raise ConfigError(problem)
    text = str(value).strip()
    try:
        number = Decimal(text[:-1]) / 100 if text.endswith("%") else Decimal(text)
    except InvalidOperation:
        raise ConfigError(problem) from None
    if not number.is_finite() or not 0 <= number <= 1:
        raise ConfigError(problem)
    return float(number)


def _codes(flag: str, given: Iterable[str] | str, known: frozenset[str]) -> list[str]:
    items = [given] if isinstance(given, str) else list(given)
    codes = [c.strip().upper() for item in items for c in str(item).split(",") if c.strip()]
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise ConfigError(
            f"{flag} {', '.join(unknown)}: not a reason code; known: {', '.join(sorted(known))}"
        )
    return codes


@dataclass(frozen=True)
class CheckReport:
    """The gate's verdict. `valid` is True when the file passes every threshold."""

    valid: bool
    failures: tuple[str, ...]
    thresholds: Thresholds
    counted_rejects: int
    outcome: Outcome
    written: dict[str, str]

    @property
    def result(self) -> ConvertResult:
        return self.outcome.result

    @property
    def reject_rate(self) -> float:
        rows = self.outcome.rows_read
        return self.counted_rejects / rows if rows else 0.0

    @property
    def headline(self) -> str:
        s = self.result.summary
        verdict = "PASS" if self.valid else "FAIL"
        if s["rows_read"] == 0:
            return f"{verdict}: the file has a header but no data rows"
        return (f"{verdict}: {s['rejected']:,} of {s['rows_read']:,} rows would be rejected "
                f"({self.counted_rejects:,} counted, {self.reject_rate:.2%})")

    @property
    def stats(self) -> dict[str, Any]:
        s = self.result.summary
        return {
            "rows_read": s["rows_read"],
            "accepted": s["accepted"],
            "rejected": s["rejected"],
            "counted_rejects": self.counted_rejects,
            "reject_rate": round(self.reject_rate, 6),
            "warnings": sum(s["warnings"].values()),
        }

    def verdict_facts(self) -> dict[str, Any]:
        return {"valid": self.valid, "headline": self.headline, "failures": list(self.failures)}

    def as_dict(self) -> dict[str, Any]:
        s = self.result.summary
        return {
            "valid": self.valid,
            "verdict": "pass" if self.valid else "fail",
            "headline": self.headline,
            "failures": list(self.failures),
            "input": s["input"],
            "encoding": s["encoding"],
            "delimiter": s["delimiter"],
            "stats": self.stats,
            "reasons": s["reasons"],
            "warnings": s["warnings"],
            "thresholds": self.thresholds.asdict(),
            "examples": self.outcome.examples_by_code(),
            **{k: s[k] for k in ("schedule_coverage",) if k in s},
            "written": dict(self.written),
            "elapsed_seconds": s["elapsed_seconds"],
        }


def check(
    path: str | Path,
    config: Config | str | Path,
    *,
    max_reject_rate: float | str | None = None,
    max_rejects: int | None = None,
    fail_on: Iterable[str] | str = (),
    allow: Iterable[str] | str = (),
    allow_empty: bool = False,
    rejects: str | Path | None = None,
    report: str | Path | None = None,
    progress: ProgressCallback | None = None,
) -> CheckReport:
    """Validate a lead file as `convert` would and judge it; write only `rejects`/`report`."""
    thresholds = Thresholds.build(max_reject_rate, max_rejects, fail_on, allow)
    for flag, target in (("--rejects", rejects), ("--report", report)):
        refuse_unsafe_target(flag, target, path)
    result = convert(path, config, None, progress=progress)
    outcome = Outcome.of(result)
    counted = _counted(outcome.rejected, thresholds.allow)
    failures = tuple(_failures(outcome, thresholds, counted))
    if outcome.rows_read == 0 and not allow_empty:
        failures += ("the file has a header but no data rows; pass --allow-empty if an "
                     "empty file is fine",)
    written: dict[str, str] = {}
    verdict = CheckReport(not failures, failures, thresholds, counted, outcome, written)
    if rejects is not None:
        with writable("--rejects", rejects), atomic_path(Path(rejects)) as tmp:
            write_rejects(tmp, result.read, outcome.rejected)
        written["rejects"] = str(rejects)
    if report is not None:
        with writable("--report", report):
            write_report(outcome, report, kind="check", verdict=verdict.verdict_facts())
        written["report"] = str(report)
    return verdict


def _counted(rejected: pl.DataFrame, allow: frozenset[str]) -> int:
    if not allow:
        return rejected.height
    counted = rejected.filter(
        pl.col("_reasons").list.eval(~pl.element().is_in(sorted(allow))).list.any()
    )
    return counted.height


def _blank_row_hint(outcome: Outcome, thresholds: Thresholds) -> str:
    blank = outcome.reasons.get(RejectCode.BLANK_ROW.value, 0)
    if not blank or RejectCode.BLANK_ROW.value in thresholds.allow:
        return ""
    return f" ({blank:,} of them blank lines; --allow BLANK_ROW does not count those)"


def _failures(outcome: Outcome, thresholds: Thresholds, counted: int) -> list[str]:
    failures = []
    rows = outcome.rows_read
    rate = counted / rows if rows else 0.0
    limit = thresholds.effective_rate
    if limit is not None and rate > limit:
        failures.append(
            f"reject rate {rate:.2%} ({counted:,} of {rows:,} rows) is above "
            f"--max-reject-rate {limit:g}{_blank_row_hint(outcome, thresholds)}"
        )
    if thresholds.max_rejects is not None and counted > thresholds.max_rejects:
        failures.append(f"{counted:,} rejected rows is more than --max-rejects "
                        f"{thresholds.max_rejects:,}{_blank_row_hint(outcome, thresholds)}")
    found = {**outcome.reasons, **outcome.warnings}
    for code in sorted(thresholds.fail_on):
        if found.get(code):
            kind = "row" if code in REJECT_CODES else "warning"
            failures.append(f"{found[code]:,} {kind}(s) with {code}, which --fail-on forbids")
    return failures
