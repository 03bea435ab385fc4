"""The facts the HTML report shows, gathered from one run (rendering is in _report)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import phonenumbers
import polars as pl

from leadprep._codes import REJECT_DESCRIPTIONS, WARNING_DESCRIPTIONS, RejectCode, WarningCode
from leadprep._emit import atomic_path
from leadprep._fields import MAPPING_COLUMNS
from leadprep._outcome import Outcome
from leadprep._parse import column_name
from leadprep._pipeline import ConvertResult
from leadprep._read import ReadResult
from leadprep._report import render_html
from leadprep._version import __version__

ReportKind = Literal["convert", "check"]
MAX_EXAMPLES = 50
_FIELD_TO_COLUMN = {field: name for name, field in MAPPING_COLUMNS.items()}


def write_report(
    result: ConvertResult | Outcome,
    path: str | Path,
    *,
    kind: ReportKind = "convert",
    verdict: dict[str, Any] | None = None,
) -> Path:
    """Write the self-contained HTML report of a run (`leadprep convert/check --report`)."""
    outcome = result if isinstance(result, Outcome) else Outcome.of(result)
    target = Path(path)
    with atomic_path(target) as tmp:
        tmp.write_text(render_html(report_facts(outcome, kind, verdict)), encoding="utf-8")
    return target


def report_facts(
    outcome: Outcome, kind: ReportKind, verdict: dict[str, Any] | None
) -> dict[str, Any]:
    result = outcome.result
    summary = result.summary
    mapping = _mapping(outcome)
    return {
        "kind": kind,
        "generated_by": f"leadprep {__version__}",
        "file": _file_facts(result.read),
        "campaign": summary["campaign"],
        "counts": {
            "rows_read": summary["rows_read"],
            "accepted": summary["accepted"],
            "rejected": summary["rejected"],
            "warnings": sum(summary["warnings"].values()),
        },
        "verdict": verdict,
        "reasons": [
            {"code": code, "count": n, "description": REJECT_DESCRIPTIONS[RejectCode(code)]}
            for code, n in summary["reasons"].items()
        ],
        "warnings": [
            {"code": code, "count": n, "description": WARNING_DESCRIPTIONS[WarningCode(code)]}
            for code, n in summary["warnings"].items()
        ],
        "mapping": mapping,
        "columns": _fill_rates(result.read, {row["index"]: row["target"] for row in mapping}),
        "phone_countries": _countries(outcome),
        "examples": [_with_headers(result.read, e) for e in outcome.examples(MAX_EXAMPLES)],
        "examples_total": outcome.rejected.height,
        "schedule_coverage": list(summary.get("schedule_coverage", [])),
    }


def _file_facts(read: ReadResult) -> dict[str, Any]:
    detection = read.detection.asdict()
    keys = ("encoding", "encoding_confidence", "encoding_source", "bom", "delimiter_name",
            "quote_char", "line_ending", "header", "skipped_lines")
    return {"path": read.path, "size_bytes": Path(read.path).stat().st_size,
            **{k: detection[k] for k in keys}}


def _mapping(outcome: Outcome) -> list[dict[str, Any]]:
    mapped = outcome.result.mapped
    rows = [{"target": _FIELD_TO_COLUMN[f], "column": mapped.header[i], "index": i}
            for f, i in mapped.fields.items()]
    rows += [{"target": f"persona {p.phone_id} · {p.label}", "column": mapped.header[p.source],
              "index": p.source} for p in mapped.personas]
    rows += [{"target": f"extendedLeadData.{key}", "column": mapped.header[i], "index": i}
             for key, (i, _) in mapped.extended.items()]
    return rows


def _fill_rates(read: ReadResult, targets: dict[int, str]) -> list[dict[str, Any]]:
    rows = read.rows
    filled = rows.select(
        (pl.col(column_name(i)).str.strip_chars().fill_null("") != "").sum().alias(str(i))
        for i in range(read.width)
    ).row(0) if read.width else ()
    total = rows.height
    return [
        {"index": i, "header": name, "filled": int(filled[i]),
         "fill_rate": round(filled[i] / total, 4) if total else 0.0,
         "mapped_to": targets.get(i)}
        for i, name in enumerate(read.header)
    ]


def _countries(outcome: Outcome) -> list[dict[str, Any]]:
    frame = outcome.result.validated.accepted
    if "_country" not in frame.columns:
        return []
    counts = frame["_country"].drop_nulls().value_counts(name="n").sort(
        ["n", "_country"], descending=[True, False])  # ties in a fixed order
    found = []
    for code, n in counts.iter_rows():
        regions = phonenumbers.region_codes_for_country_code(int(code))
        main = phonenumbers.region_code_for_country_code(int(code))
        shown = ", ".join(regions) if len(regions) <= 4 else (
            f"{main} and {len(regions) - 1} more regions"
        )
        found.append({"country_code": int(code), "regions": shown, "count": int(n)})
    return found


def _with_headers(read: ReadResult, example: dict[str, Any]) -> dict[str, Any]:
    header = list(read.header)
    values = example["fields"]
    names = header + [f"_extra_{i}" for i in range(1, len(values) - len(header) + 1)]
    return {**example, "fields": [[names[i], v] for i, v in enumerate(values)]}
