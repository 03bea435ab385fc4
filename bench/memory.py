"""Peak memory of `leadprep convert` against the size of the file.

    python bench/memory.py [--leads 1000000,10000000] [--keep DIR] [--compare]

For each size: generates the leads (bench/generate.py; kept and reused with --keep DIR), runs
`python -m leadprep convert FILE --config bench/leadprep.toml --out OUT` in its own process and
reports its wall time, CPU time and peak RSS (from its own rusage, os.wait4), with the file's
size and the summary's counts. A file over 128 MiB is converted block by block (48 MiB blocks up to 256 MiB, 16 MiB beyond);
smaller ones are read whole. --compare also converts each file whole
(`stream=False`, the library API) and checks that every output is byte for byte the same
(summary.json without elapsed_seconds) — a whole-file run of 10M leads needs about 12 GB.
The report is printed and written to bench/results/memory.txt.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402
from run import CONFIG, RESULTS, measure  # noqa: E402

LIMIT_MB = 1536  # issue 5: 10M leads under 1.5 GB peak

_WHOLE = """
import sys, leadprep
leadprep.convert(sys.argv[1], sys.argv[2], sys.argv[3], stream=False)
"""


def outputs(directory: Path) -> dict[str, bytes]:
    files = {str(p.relative_to(directory)): p.read_bytes()
             for p in sorted(directory.rglob("*")) if p.is_file()}
    summary = json.loads(files.pop("summary.json"))
    summary.pop("elapsed_seconds")
    files["summary.json"] = json.dumps(summary, sort_keys=True).encode()
    return files


def one_size(leads: int, work: Path, compare: bool) -> list[str]:
    csv = work / f"leads-{leads}.csv"
    if not csv.exists():
        generate.generate(csv, leads, seed=42)
    out = work / f"out-{leads}"
    shutil.rmtree(out, ignore_errors=True)
    run = measure("leadprep convert", [sys.executable, "-m", "leadprep", "convert", str(csv),
                                       "--config", str(CONFIG), "--out", str(out)])
    if run.returncode != 0:
        sys.stderr.write(run.stderr)
        raise SystemExit(f"leadprep convert failed on {csv} ({run.returncode})")
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    size_mb = csv.stat().st_size / 1e6
    verdict = "" if leads < 10_000_000 else (
        "  (under 1.5 GB)" if (run.rss_mb or 0) < LIMIT_MB else "  (OVER 1.5 GB)")
    lines = [
        f"{leads:>11,} leads  {size_mb:8.1f} MB of CSV  wall {run.wall:7.2f} s  "
        f"CPU {run.cpu or 0:7.2f} s  peak RSS {run.rss_mb or 0:7.0f} MB{verdict}",
        f"{'':13}read {summary['rows_read']:,} rows, accepted {summary['accepted']:,}, "
        f"rejected {summary['rejected']:,}, {summary['batches']:,} batches",
    ]
    if compare:
        whole = work / f"whole-{leads}"
        shutil.rmtree(whole, ignore_errors=True)
        ref = measure("whole", [sys.executable, "-c", _WHOLE, str(csv), str(CONFIG),
                                str(whole)])
        same = ref.returncode == 0 and outputs(whole) == outputs(out)
        lines.append(f"{'':13}read whole (stream=False): wall {ref.wall:.2f} s, peak RSS "
                     f"{ref.rss_mb or 0:.0f} MB; outputs byte-identical: "
                     f"{'yes' if same else 'NO'}")
        shutil.rmtree(whole, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--leads", default="1000000,10000000",
                        help="comma-separated file sizes in leads")
    parser.add_argument("--keep", type=Path, help="generate (and reuse) the files here")
    parser.add_argument("--compare", action="store_true",
                        help="also convert each file whole and compare the outputs")
    args = parser.parse_args()
    sizes = [int(n) for n in args.leads.split(",")]
    work = args.keep or Path(tempfile.mkdtemp(prefix="leadprep-memory-"))
    work.mkdir(parents=True, exist_ok=True)
    report = [f"leadprep convert, peak memory by file size ({platform.machine()}, "
              f"{os.cpu_count()} cores, Python {platform.python_version()})",
              f"command: python -m leadprep convert FILE --config {CONFIG.relative_to(HERE.parent)}"
              " --out OUT", ""]
    try:
        for leads in sizes:
            report += one_size(leads, work, args.compare)
            print("\n".join(report[-3:]), flush=True)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    text = "\n".join(report) + "\n"
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "memory.txt").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
