"""Contender 1: leadprep itself, through its library API, so each stage's time is visible.

    python bench/run_leadprep.py FILE --config bench/leadprep.toml --out OUT --result RESULT.json

Runs `leadprep.convert(FILE, CONFIG, OUT)` (exactly what `leadprep convert` runs, minus the
terminal output) and writes RESULT.json: counts, `stage_seconds` (read, map, validate,
transform, emit), the time to import leadprep, and the process's peak RSS as each stage began
(ru_maxrss is a high-water mark, so the growth between two marks is what a stage added to the
peak).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path


def peak_rss_mb() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--result", type=Path, required=True)
    args = parser.parse_args()

    t0 = time.perf_counter()
    import leadprep

    convert = leadprep.convert  # public names load on first use: count it as import time
    from leadprep._validate import import_pandera_lean

    import_pandera_lean()  # as the CLI does
    import_seconds = time.perf_counter() - t0
    rss_at_stage_start: dict[str, float] = {"start": peak_rss_mb()}

    def progress(stage: str) -> None:
        rss_at_stage_start[str(stage)] = peak_rss_mb()

    t1 = time.perf_counter()
    result = convert(args.file, args.config, args.out, progress=progress)
    convert_seconds = time.perf_counter() - t1
    rss_at_stage_start["end"] = peak_rss_mb()
    summary = result.summary
    args.result.write_text(json.dumps({
        "import_seconds": round(import_seconds, 4),
        "convert_seconds": round(convert_seconds, 4),
        "stage_seconds": dict(result.stage_seconds),
        "peak_rss_mb_at_stage_start": rss_at_stage_start,
        "rows_read": result.rows_read,
        "accepted": result.accepted,
        "rejected": result.rejected,
        "reasons": summary.get("reasons", {}),
        "warnings": summary.get("warnings", {}),
        "batches": summary.get("batches"),
        "leadprep_version": leadprep.__version__,
    }, indent=2))


if __name__ == "__main__":
    main()
