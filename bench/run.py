"""The leadprep benchmark: one command, one report.

    python bench/run.py [--leads N] [--seed S] [--keep DIR] [--skip-pandas] [--repeats R]

1. generates N leads (bench/generate.py) into a CSV, in a temporary directory unless --keep;
2. runs three contenders on it, each in its own process: leadprep (the `leadprep convert`
   CLI) and the floor, polars read_csv + write_ndjson (bench/floor_polars.py), R times each
   (default 3), taking turns, so that a drift in this machine's speed meets both alike; the
   report compares the best wall time of each, lists every run, and gives the highest peak
   RSS; then leadprep once through the library API (bench/run_leadprep.py, for the stage
   timings) and the per-row pandas + phonenumbers baseline (bench/baseline_pandas.py) once;
   wall time is taken around the process, peak RSS from that process's own rusage (os.wait4);
3. times leadprep's phone engine alone, in this process, on the three phone columns (best
   of three calls, each listed);
4. checks that leadprep and the baseline produced the same leads, in the same order;
5. prints the report and writes it to bench/results/latest.txt.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

CONFIG = HERE / "leadprep.toml"
RESULTS = HERE / "results"
STAGES = ("read", "map", "validate", "transform", "emit")
COMPARED = ("externId", "leadPhone", "leadPhoneE164", "personaPhoneConfig")
REFERENCE_SAMPLE = 20_000
# The engine is timed over this many calls on the same column; the report gives the best and
# lists every call (this machine's speed varies by a tenth from run to run).
ENGINE_CALLS = 3


@dataclass
class Run:
    name: str
    wall: float
    cpu: float | None
    rss_mb: float | None
    returncode: int
    stderr: str


def measure(name: str, cmd: list[str]) -> Run:
    """Run cmd to completion; wall clock around the process, peak RSS from its own rusage."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    rss_mb: float | None = None
    cpu: float | None = None
    if hasattr(os, "wait4"):
        # Drain stderr until the child closes it (so a chatty child never blocks on a full
        # pipe), then reap it with wait4, which returns that child's own rusage.
        stderr = proc.stderr.read() if proc.stderr else ""
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        scale = 1 / (1024 * 1024) if sys.platform == "darwin" else 1 / 1024  # bytes vs KiB
        rss_mb = usage.ru_maxrss * scale
        cpu = usage.ru_utime + usage.ru_stime
    else:  # no wait4 (Windows): time only
        _, stderr = proc.communicate()
        wall = time.perf_counter() - t0
    return Run(name, wall, cpu, rss_mb, proc.returncode, stderr)


def best_of(runs: list[Run]) -> Run:
    """The fastest run, with the highest peak RSS of them all (memory is not a best-of)."""
    fastest = min(runs, key=lambda run: run.wall)
    peaks = [run.rss_mb for run in runs if run.rss_mb is not None]
    return Run(fastest.name, fastest.wall, fastest.cpu, max(peaks) if peaks else None,
               fastest.returncode, fastest.stderr)


def check(run: Run) -> None:
    if run.returncode != 0:
        sys.stderr.write(run.stderr)
        raise SystemExit(f"{run.name} failed with exit code {run.returncode}")


def load_leads(batch_dir: Path) -> list[dict[str, Any]]:
    leads: list[dict[str, Any]] = []
    for path in sorted(batch_dir.glob("*.json")):
        leads.extend(json.loads(path.read_text(encoding="utf-8"))["uploadLeads"])
    return leads


def compare(ours: list[dict[str, Any]], theirs: list[dict[str, Any]],
            keys: tuple[str, ...] | None) -> tuple[int, list[str]]:
    """(number of differing positions, first 5 differences as text)."""
    def view(lead: dict[str, Any] | None) -> dict[str, Any] | None:
        if lead is None or keys is None:
            return lead
        return {k: lead.get(k, {} if k == "personaPhoneConfig" else None) for k in keys}

    diffs = 0
    examples: list[str] = []
    for i in range(max(len(ours), len(theirs))):
        a = view(ours[i] if i < len(ours) else None)
        b = view(theirs[i] if i < len(theirs) else None)
        if a != b:
            diffs += 1
            if len(examples) < 5:
                examples.append(f"    lead #{i + 1}:\n"
                                f"      leadprep: {json.dumps(a, ensure_ascii=False)}\n"
                                f"      baseline: {json.dumps(b, ensure_ascii=False)}")
    return diffs, examples


def phone_engine(csv: Path) -> dict[str, Any]:
    """leadprep._phone.normalize on the three phone columns stacked (3N values), in-process;
    and phonenumbers' own per-value speed (the reference, normalize_one) on a sample."""
    import polars as pl

    from leadprep import _phone

    frame = pl.read_csv(csv, infer_schema=False, columns=["Phone", "Mobile", "Work Phone"])
    values = pl.concat([frame["Phone"], frame["Mobile"], frame["Work Phone"]]).alias("phone")
    non_null = values.drop_nulls()
    distinct = non_null.n_unique()
    calls = []  # (wall, CPU) of each call; the best stands for the engine, as timeit's min
    for _ in range(ENGINE_CALLS):
        t0, c0 = time.perf_counter(), time.process_time()
        answers = _phone.normalize(values, "US", "valid")
        calls.append((time.perf_counter() - t0, time.process_time() - c0))
    seconds, cpu = min(calls)
    sample = non_null.sample(min(REFERENCE_SAMPLE, len(non_null)), seed=0).to_list()
    t1 = time.perf_counter()
    for value in sample:
        _phone.normalize_one(value, "US", "valid")
    ref_seconds = time.perf_counter() - t1
    return {
        "values": len(values),
        "non_null": len(non_null),
        "distinct": distinct,
        "accepted": int(answers["accepted"].sum()),
        "seconds": seconds,
        "cpu": cpu,
        "calls": [wall for wall, _ in calls],
        "reference_values": len(sample),
        "reference_seconds": ref_seconds,
    }


def versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    parts = [f"Python {platform.python_version()}"]
    for package in ("leadprep", "polars", "pandas", "phonenumbers", "pandera"):
        with contextlib.suppress(PackageNotFoundError):
            parts.append(f"{package} {version(package)}")
    return ", ".join(parts)


def git_state() -> str:
    try:
        head = subprocess.run(["git", "-C", str(HERE.parent), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(HERE.parent), "status", "--porcelain", "src"],
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{head}{' + uncommitted changes in src/' if dirty else ''}"


def install_state() -> str:
    """How leadprep is installed; exits when the installed package is not this checkout's."""
    import importlib.util

    spec = importlib.util.find_spec("leadprep")
    source = HERE.parent / "src" / "leadprep"
    if spec is None or not spec.submodule_search_locations:
        sys.exit("leadprep is not installed here: pip install '.[bench]'")
    installed = Path(next(iter(spec.submodule_search_locations))).resolve()
    if installed == source.resolve():
        return "editable (sources compiled on every run where PYTHONDONTWRITEBYTECODE is set)"
    files = [(f.relative_to(source), f.read_bytes()) for f in sorted(source.rglob("*.py"))]
    stale = [name for name, text in files
             if not (installed / name).is_file() or (installed / name).read_bytes() != text]
    if stale:
        sys.exit(f"the installed leadprep ({installed}) is not this checkout's src/ "
                 f"({stale[0]} differs); reinstall it: pip install '.[bench]'")
    return "regular, the same as src/"


def load_average() -> str:
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except (AttributeError, OSError):
        return "n/a"


def fmt_rss(mb: float | None) -> str:
    return "n/a" if mb is None else f"{mb:,.0f}"


def ratio(a: float | None, b: float | None) -> str:
    return "n/a" if not a or not b else f"{a / b:.1f}x"


def report(args: argparse.Namespace, csv: Path, gen_seconds: float, runs: dict[str, Run],
           turns: dict[str, list[Run]], lp: dict[str, Any], base: dict[str, Any] | None,
           phone: dict[str, Any], equality: list[str]) -> str:
    n = args.leads
    lines = [
        f"leadprep benchmark: {n:,} leads, seed {args.seed}, "
        f"{csv.stat().st_size / 1e6:.1f} MB CSV (generated in {gen_seconds:.1f} s)",
        f"machine: {platform.system()} {platform.machine()}, {os.cpu_count()} CPUs; {versions()}",
        f"leadprep source: {args.source_state}; installed: {args.install_state}",
        f"load average (1 min) before / after the run: {args.load_before} / {load_average()}"
        " (above 0 means other processes competed for the CPUs; compare wall with CPU s)",
        "",
        f"{'contender':<44}{'wall s':>9}{'CPU s':>9}{'peak RSS MB':>13}{'rows/s':>12}",
    ]
    labels = {
        "leadprep": "leadprep (the `leadprep convert` CLI)",
        "staged": "  same, via leadprep.convert() (stages)",
        "baseline": "baseline (pandas + per-row phonenumbers)",
        "floor": "floor (polars read_csv + write_ndjson)",
    }
    for key, run in runs.items():
        cpu = "n/a" if run.cpu is None else f"{run.cpu:.2f}"
        lines.append(f"{labels[key]:<44}{run.wall:>9.2f}{cpu:>9}{fmt_rss(run.rss_mb):>13}"
                     f"{n / run.wall:>12,.0f}")
    if "baseline" not in runs:
        lines.append(f"{labels['baseline']}: skipped (--skip-pandas)")
    lines.append(f"(leadprep CLI and floor: best wall of {args.repeats} runs each, taking "
                 "turns; peak RSS the highest of them)")
    for key in turns:
        walls = ", ".join(f"{run.wall:.2f}" for run in turns[key])
        lines.append(f"  {key} runs, wall s: {walls}")
    lead_run, floor_run = runs["leadprep"], runs["floor"]
    base_run = runs.get("baseline")
    lines += [
        "",
        f"speedup, baseline / leadprep (wall):     "
        f"{ratio(base_run and base_run.wall, lead_run.wall)}",
        f"cost,    leadprep / floor (wall):        {ratio(lead_run.wall, floor_run.wall)}",
        f"memory,  leadprep / floor (peak RSS):    {ratio(lead_run.rss_mb, floor_run.rss_mb)}",
        f"memory,  leadprep / baseline (peak RSS): "
        f"{ratio(lead_run.rss_mb, base_run and base_run.rss_mb)}",
        "",
        "leadprep stages (in-process seconds; peak RSS high-water mark when the stage ended):",
    ]
    stages = lp["stage_seconds"]
    slowest = max(stages, key=stages.get)
    marks = lp["peak_rss_mb_at_stage_start"]
    order = [s for s in STAGES if s in stages]
    for i, stage in enumerate(order):
        end_mark = marks.get(order[i + 1]) if i + 1 < len(order) else marks.get("end")
        share = stages[stage] / lp["convert_seconds"] * 100
        flag = "  <- slowest" if stage == slowest else ""
        lines.append(f"  {stage:<10}{stages[stage]:>8.2f} s {share:>5.1f}%   "
                     f"peak RSS {fmt_rss(end_mark):>6} MB{flag}")
    overhead = runs["staged"].wall - lp["convert_seconds"]
    lines += [
        f"  {'convert()':<10}{lp['convert_seconds']:>8.2f} s",
        f"  process overhead (interpreter, imports {lp['import_seconds']:.2f} s, exit): "
        f"{overhead:.2f} s",
        "",
        'phone engine alone: leadprep._phone.normalize(Phone + Mobile + Work Phone, "US", "valid")',
        f"  {phone['values']:,} values ({phone['non_null']:,} non-null, {phone['distinct']:,} "
        f"distinct): {phone['seconds']:.2f} s wall ({phone['cpu']:.2f} s CPU) = "
        f"{phone['values'] / phone['seconds']:,.0f} values/s (best of {len(phone['calls'])} "
        f"calls: {', '.join(f'{wall:.2f}' for wall in phone['calls'])} s)",
        f"  phonenumbers per value (normalize_one, {phone['reference_values']:,} sampled values): "
        f"{phone['reference_values'] / phone['reference_seconds']:,.0f} values/s",
        "",
        f"{'counts':<12}{'rows read':>12}{'accepted':>12}{'rejected':>12}",
        f"{'leadprep':<12}{lp['rows_read']:>12,}{lp['accepted']:>12,}{lp['rejected']:>12,}",
    ]
    if base is not None:
        lines.append(f"{'baseline':<12}{base['rows_read']:>12,}{base['accepted']:>12,}"
                     f"{base['rejected']:>12,}")
    codes = list(dict.fromkeys([*lp["reasons"], *(base["reasons"] if base else {})]))
    lines.append("  rejected by reason" + ("" if base else " (leadprep)"))
    for code in codes:
        theirs = f"{base['reasons'].get(code, 0):>12,}" if base else ""
        lines.append(f"  {code:<30}{lp['reasons'].get(code, 0):>12,}{theirs}")
    for code, count in lp.get("warnings", {}).items():
        lines.append(f"  leadprep warning {code}: {count:,}")
    lines += ["", *equality]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--keep", type=Path,
                        help="write the CSV and every output here, and keep them")
    parser.add_argument("--skip-pandas", action="store_true", help="skip the per-row baseline")
    parser.add_argument("--repeats", type=int, default=3,
                        help="runs of the CLI and of the floor, taking turns (best compared)")
    args = parser.parse_args()
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    args.load_before = load_average()
    args.source_state = git_state()  # before the contenders run: others may edit src meanwhile
    args.install_state = install_state()

    work = args.keep or Path(tempfile.mkdtemp(prefix="leadprep-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        csv = work / f"leads-{args.leads}-{args.seed}.csv"
        print(f"generating {args.leads:,} leads -> {csv}", file=sys.stderr)
        t0 = time.perf_counter()
        generate.generate(csv, args.leads, args.seed)
        gen_seconds = time.perf_counter() - t0

        py = sys.executable
        runs: dict[str, Run] = {}
        lp_out, base_out = work / "leadprep-out", work / "baseline-out"
        for stale in (lp_out, base_out, work / "staged-out",
                      *work.glob("leadprep-out-*")):
            shutil.rmtree(stale, ignore_errors=True)
        turns: dict[str, list[Run]] = {"leadprep": [], "floor": []}
        for turn in range(args.repeats):
            print(f"running leadprep convert and the polars floor ({turn + 1}/{args.repeats})",
                  file=sys.stderr)
            out = lp_out if turn == 0 else work / f"leadprep-out-{turn + 1}"
            turns["leadprep"].append(measure("leadprep", [
                py, "-m", "leadprep", "convert", str(csv), "--config", str(CONFIG),
                "--out", str(out)]))
            check(turns["leadprep"][-1])
            turns["floor"].append(measure("floor", [py, str(HERE / "floor_polars.py"),
                                                    str(csv), str(work / "floor.ndjson")]))
            check(turns["floor"][-1])
        runs["leadprep"] = best_of(turns["leadprep"])
        print("running leadprep through its library API, for the stage timings", file=sys.stderr)
        runs["staged"] = measure("staged", [
            py, str(HERE / "run_leadprep.py"), str(csv), "--config", str(CONFIG),
            "--out", str(work / "staged-out"), "--result", str(work / "leadprep.json")])
        check(runs["staged"])
        lp = json.loads((work / "leadprep.json").read_text())
        base = None
        if not args.skip_pandas:
            print("running the pandas baseline (minutes at 1M rows)", file=sys.stderr)
            runs["baseline"] = measure("baseline", [
                py, str(HERE / "baseline_pandas.py"), str(csv), "--out", str(base_out),
                "--result", str(work / "baseline.json")])
            check(runs["baseline"])
            base = json.loads((work / "baseline.json").read_text())
        runs["floor"] = best_of(turns["floor"])

        print("timing the phone engine", file=sys.stderr)
        phone = phone_engine(csv)

        if base is None:
            equality = ["leads identical: not checked (--skip-pandas)"]
        else:
            ours, theirs = load_leads(lp_out / "batches"), load_leads(base_out / "batches")
            diffs, examples = compare(ours, theirs, COMPARED)
            if diffs == 0:
                equality = [f"leads identical: yes ({len(ours):,}) "
                            f"[{', '.join(COMPARED)}, lead for lead in order]"]
            else:
                equality = [f"leads identical: NO, {diffs:,} differences "
                            f"(leadprep {len(ours):,} leads, baseline {len(theirs):,}); first 5:",
                            *examples]
            all_diffs, _ = compare(ours, theirs, None)
            equality.append(f"whole lead objects (every field) identical: "
                            f"{'yes' if all_diffs == 0 else f'no, {all_diffs:,} differ'}")

        text = report(args, csv, gen_seconds, runs, turns, lp, base, phone, equality)
        print(text, end="")
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "latest.txt").write_text(text, encoding="utf-8")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
