"""What a run found, in the shapes the preview, the gate and the HTML report share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from leadprep._pipeline import ConvertResult
from leadprep._rejects import rejected_rows


def _example(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "row": row["_row"],
        "line": row["_line"],
        "reasons": list(row["_reasons"]),
        "message": row["_message"],
        "fields": list(row["_fields"]),
    }


@dataclass(frozen=True)
class Outcome:
    """Counts and example rejected rows of one run, computed once from its result."""

    result: ConvertResult
    rejected: pl.DataFrame

    @classmethod
    def of(cls, result: ConvertResult) -> Outcome:
        return cls(result, rejected_rows(result.read, result.validated))

    @property
    def rows_read(self) -> int:
        return self.result.rows_read

    @property
    def reasons(self) -> dict[str, int]:
        return dict(self.result.summary["reasons"])

    @property
    def warnings(self) -> dict[str, int]:
        return dict(self.result.summary["warnings"])

    def examples_by_code(self, per_code: int = 3) -> dict[str, list[dict[str, Any]]]:
        """A few rejected rows per reason code, in row order."""
        picked = (
            self.rejected.with_columns(_code=pl.col("_reasons"))
            .explode("_code")
            .group_by("_code", maintain_order=True)
            .head(per_code)
        )
        examples: dict[str, list[dict[str, Any]]] = {code: [] for code in self.reasons}
        for row in picked.iter_rows(named=True):
            examples.setdefault(row["_code"], []).append(_example(row))
        return examples

    def examples(self, limit: int = 50) -> list[dict[str, Any]]:
        return [_example(row) for row in self.rejected.head(limit).iter_rows(named=True)]

    def forecast(self, per_code: int = 3) -> dict[str, Any]:
        return {
            "rows_read": self.rows_read,
            "accepted": self.result.accepted,
            "rejected": self.result.rejected,
            "reasons": self.reasons,
            "warnings": self.warnings,
            "examples": self.examples_by_code(per_code),
            **{k: v for k, v in self.result.summary.items() if k == "schedule_coverage"},
        }
