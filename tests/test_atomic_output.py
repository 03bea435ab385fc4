"""Atomic, re-runnable output (issue 5, item 4; the contract is in leadprep._emit's docstring).

At any instant either summary.json is present and every output it lists is complete and from
the run that wrote it, or it is absent (the set is incomplete). A run killed with SIGKILL at any
point leaves one of those states, its staging directory is swept by the next run, and a re-run
writes byte-identical outputs (summary.json compared without `elapsed_seconds`).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest

import leadprep
from leadprep import _emit

from .conftest import REPO

CONFIG = REPO / "bench" / "leadprep.toml"
STAGE = _emit.STAGE_PREFIX
BIG_LEADS = 60_000  # a run of a couple of seconds


def lead_file(path: Path, n: int, seed: int) -> Path:
    """`n` leads of every kind, deterministic by seed: clean, rejected for content and shape
    (missing, invalid and repeated phones, short and long rows), warned (bad persona phones,
    emails), non-ASCII, quoted commas and quotes."""
    i = pl.int_range(0, n, eager=True).alias("i")
    k = (i * 7919 + seed * 104729) % 1000
    sub = (i % 9000 + 1000).cast(pl.String)
    exchange = ((i // 9000 + seed * 37) % 700 + 200).cast(pl.String)
    phone = pl.format("(415) {}-{}", exchange, sub)
    frame = pl.DataFrame({"i": i, "k": k}).select(
        pl.format("C-{}-{}", pl.lit(seed), pl.col("i")).alias("Customer ID"),
        pl.when(pl.col("k") % 5 == 0).then(pl.lit("José")).otherwise(pl.lit("Ann"))
        .alias("First Name"),
        pl.when(pl.col("k") % 11 == 0).then(pl.lit('Smith, "Jr"'))
        .otherwise(pl.format("O'Brien{}", pl.col("k"))).alias("Last Name"),
        pl.when(pl.col("k") == 1).then(pl.lit(""))
        .when(pl.col("k") == 2).then(pl.lit("call me"))
        .when(pl.col("k") == 3).then(pl.lit("+44 20 7946 0958"))
        .when(pl.col("k") == 4).then(phone.shift(1))
        .otherwise(phone).alias("Phone"),
        pl.when(pl.col("k") % 3 == 0).then(pl.lit(""))
        .when(pl.col("k") % 17 == 0).then(pl.lit("123"))
        .otherwise(pl.format("+1 212 {} {}", exchange, sub)).alias("Mobile"),
        pl.when(pl.col("k") % 29 == 0).then(pl.lit("212 555 0100|646 555 0199"))
        .otherwise(pl.lit("")).alias("Work Phone"),
        pl.when(pl.col("k") % 13 == 0).then(pl.lit("not-an-email"))
        .otherwise(pl.format("a{}@example.com", pl.col("i"))).alias("Email"),
        pl.lit("Newark").alias("City"),
        pl.lit("NJ").alias("State"),
        pl.lit("07102").alias("Zip"),
        pl.when(pl.col("k") % 2 == 0).then(pl.lit("gold")).otherwise(pl.lit("silver"))
        .alias("Segment"),
    )
    lines = frame.write_csv().split("\n")
    for j in range(3, len(lines) - 1, 4999):
        lines[j] += ",extra"
    for j in range(5, len(lines) - 1, 5003):
        lines[j] = lines[j].rsplit(",", 2)[0]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def outputs(out: Path) -> dict[str, bytes]:
    """Every file under a final name (staging directories are hidden), by relative path;
    summary.json without its one run-dependent key, `elapsed_seconds`."""
    found = {}
    for path in sorted(out.rglob("*")):
        relative = path.relative_to(out).as_posix()
        if path.is_file() and not relative.startswith("."):
            found[relative] = path.read_bytes()
    if "summary.json" in found:
        summary = json.loads(found["summary.json"])
        del summary["elapsed_seconds"]
        found["summary.json"] = json.dumps(summary, indent=2, ensure_ascii=False).encode()
    return found


def staging_dirs(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.name.startswith(STAGE))


def assert_consistent(out: Path, old: dict[str, bytes], new: dict[str, bytes]) -> str:
    """The contract after a kill. Returns which state the directory is in."""
    now = outputs(out)
    if "summary.json" in now:
        run = old if now["summary.json"] == old["summary.json"] else new
        assert now["summary.json"] == run["summary.json"], "summary.json is from neither run"
        listed = json.loads(now["summary.json"])["outputs"]
        assert sorted(now) == sorted(listed), "outputs under final names != summary's list"
        assert now == run, "a listed output differs from its run's"
        return "old" if run is old else "new"
    # Incomplete set: still no half-written file, and each directory whole from one run.
    for name, data in now.items():
        assert data in (old.get(name), new.get(name)), f"{name} is from neither run"
    for directory in ("batches/", "process/"):
        part = {k: v for k, v in now.items() if k.startswith(directory)}
        if part:
            assert part in ({k: v for k, v in run.items() if k.startswith(directory)}
                            for run in (old, new)), f"{directory} is mixed"
    return "incomplete"


def convert_command(src: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "leadprep", "convert", str(src), "--config", str(CONFIG),
            "--out", str(out), "--format", "process", *extra]


def run(command: list[str], seed: str = "0", **env: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONHASHSEED": seed, **env})
    assert done.returncode == 0, done.stderr


Ready = Callable[[subprocess.Popen[bytes], float], bool]


def kill_when(command: list[str], ready: Ready) -> bool:
    """Start `command`, SIGKILL it once `ready(process, seconds since start)` says so; False
    if it finished first."""
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    started = time.monotonic()
    try:
        while proc.poll() is None and time.monotonic() < started + 120:
            if ready(proc, time.monotonic() - started):
                proc.send_signal(signal.SIGKILL)
                break
            time.sleep(0.003)
        return proc.wait(timeout=60) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def after(seconds: float) -> Ready:
    return lambda _, elapsed: elapsed >= seconds


def in_its_stage(out: Path, enough: Callable[[Path], bool]) -> Ready:
    """True once the process's own staging directory exists and `enough(stage)`."""
    def ready(proc: subprocess.Popen[bytes], _: float) -> bool:
        mine = [out / name for name in staging_dirs(out)
                if name.startswith(f"{STAGE}{proc.pid}-")]
        return any(enough(stage) for stage in mine)
    return ready


def batch_count(stage: Path) -> int:
    try:
        return len(os.listdir(stage / "batches"))
    except OSError:
        return 0


# A convert that SIGKILLs itself in the middle of publishing: the old batches/ moved aside,
# the new one not yet in place.
_KILLED_MID_PUBLISH = """
import os, signal, sys
from leadprep import _emit
from leadprep._cli import main
real = _emit._move_aside
def move_aside(target, replaced):
    real(target, replaced)
    if target.name == "batches":
        os.kill(os.getpid(), signal.SIGKILL)
_emit._move_aside = move_aside
sys.argv = ["leadprep", *sys.argv[1:]]
main()
"""


def test_sigkill_at_any_point_leaves_old_or_incomplete_and_rerun_is_identical(
    tmp_path: Path,
) -> None:
    big = lead_file(tmp_path / "leads.csv", BIG_LEADS, seed=1)
    report = tmp_path / "report.html"
    # The outputs of a run never interrupted (the reference), and of an earlier complete run
    # with other input, the "previous output" each kill must leave alone or replace whole.
    reference = tmp_path / "reference"
    t0 = time.monotonic()
    run(convert_command(big, reference, "--report", str(report)), seed="1")
    duration = time.monotonic() - t0
    new, new_report = outputs(reference), report.read_bytes()
    out = tmp_path / "out"
    run(convert_command(lead_file(tmp_path / "old.csv", 3000, seed=2), out))
    old = outputs(out)
    assert old.keys() != new.keys() and old["rejects.csv"] != new["rejects.csv"]

    command = convert_command(big, out)
    # Before emit (startup, read, validate) nothing under a final name is touched; then in
    # emit, as soon as the staging directory exists.
    for ready in (after(0.3), after(0.45 * duration), in_its_stage(out, lambda _: True)):
        assert kill_when(command, ready)
        assert assert_consistent(out, old, new) == "old"
    left = staging_dirs(out)
    assert left, "a SIGKILL runs no cleanup"
    # With half the batches written (or later: a busy machine may poll late).
    half = len([n for n in new if n.startswith("batches/")]) // 2
    kill_when(command, in_its_stage(out, lambda stage: batch_count(stage) >= half))
    assert_consistent(out, old, new)
    assert not set(left) & set(staging_dirs(out)), "the next run sweeps dead runs' staging"

    # In publish: killed with the old batches/ moved aside and the new ones not yet in place.
    assert kill_when([sys.executable, "-c", _KILLED_MID_PUBLISH, *command[3:]], after(99))
    assert assert_consistent(out, old, new) == "incomplete"
    assert "summary.json" not in outputs(out) and "batches/leadloader-00001.json" not in outputs(
        out)
    # Around publish, from that incomplete state: whatever instant the kill lands on.
    kill_when(command, in_its_stage(out, lambda stage: (stage / "summary.json").exists()))
    assert assert_consistent(out, old, new) in ("incomplete", "new")

    # A re-run completes: the same bytes as the run never interrupted, no staging dir left.
    run([*command, "--report", str(report)], seed="2", POLARS_MAX_THREADS="1")
    assert outputs(out) == new
    assert report.read_bytes() == new_report
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []


class _Crash(BaseException):
    """Stands for the process dying: nothing catches it as an error."""


def test_a_crash_before_each_publish_step_leaves_no_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every file-system step of a publish, in process: stopped just before step k, the
    directory has no summary.json and only whole outputs of either run."""
    old_src = lead_file(tmp_path / "old.csv", 200, seed=2)
    new_src = lead_file(tmp_path / "new.csv", 300, seed=1)
    pristine, reference = tmp_path / "pristine", tmp_path / "reference"
    leadprep.convert(old_src, CONFIG, pristine, output_format="process", batch_size=100)
    leadprep.convert(new_src, CONFIG, reference, output_format="process", batch_size=100)
    old, new = outputs(pristine), outputs(reference)
    out = tmp_path / "out"
    real_replace, real_rename, real_unlink = os.replace, Path.rename, Path.unlink
    steps: list[str] = []
    stop_at: list[int] = [0]

    def step(what: str, *paths: Any) -> None:
        if any(Path(p).parent == out for p in paths):  # a final name is touched
            steps.append(what)
            if len(steps) == stop_at[0]:
                raise _Crash

    def replace(src: Any, dst: Any) -> None:
        step(f"replace {Path(dst).name}", dst)
        real_replace(src, dst)

    def rename(self: Path, target: Any) -> Path:
        step(f"move aside {self.name}", self)
        return real_rename(self, target)

    def unlink(self: Path, missing_ok: bool = False) -> None:
        step(f"unlink {self.name}", self)
        real_unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(Path, "rename", rename)
    monkeypatch.setattr(Path, "unlink", unlink)
    for k in range(1, 20):
        shutil.rmtree(out, ignore_errors=True)
        shutil.copytree(pristine, out)
        steps.clear()
        stop_at[0] = k
        try:
            leadprep.convert(new_src, CONFIG, out, output_format="process", batch_size=100)
        except _Crash:
            assert assert_consistent(out, old, new) == ("old" if k == 1 else "incomplete"), steps
            continue
        assert outputs(out) == new
        break
    assert steps[0] == "unlink summary.json" and steps[-1] == "replace summary.json", steps
    assert k == len(steps) + 1 >= 8, steps


def test_a_leadloader_run_after_a_process_run_leaves_no_process_dir(tmp_path: Path) -> None:
    src = lead_file(tmp_path / "leads.csv", 300, seed=3)
    out = tmp_path / "out"
    leadprep.convert(src, CONFIG, out, output_format="process")
    assert (out / "process" / "leads.csv").exists()
    leadprep.convert(src, CONFIG, out)
    listed = json.loads((out / "summary.json").read_text())["outputs"]
    assert sorted(outputs(out)) == sorted(listed)
    assert not (out / "process").exists()


def test_concurrent_runs_into_one_directory_publish_whole(tmp_path: Path) -> None:
    src = lead_file(tmp_path / "leads.csv", 2000, seed=4)
    out = tmp_path / "out"
    errors: list[BaseException] = []

    def convert(batch_size: int) -> None:
        try:
            leadprep.convert(src, CONFIG, out, batch_size=batch_size)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=convert, args=(size,)) for size in (100, 300, 700)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    summary = json.loads((out / "summary.json").read_text())
    assert sorted(outputs(out)) == sorted(summary["outputs"])
    assert len(list((out / "batches").iterdir())) == summary["batches"]
    assert staging_dirs(out) == []


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_only_dead_runs_staging_dirs_are_swept(tmp_path: Path) -> None:
    host = _emit._host()
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        names = {
            "dead": f"{STAGE}{_dead_pid()}-{host}-abc_12",
            "live": f"{STAGE}{sleeper.pid}-{host}-abc_12",
            "other host": f"{STAGE}{_dead_pid()}-elsewhere.example-abc_12",
            "own pid, not a live run": f"{STAGE}{os.getpid()}-{host}-abc_12",
            "locked": f"{STAGE}{_dead_pid()}-{host}-locked",
            "not ours": f"{STAGE}someone-else",
        }
        for name in names.values():
            (tmp_path / name).mkdir()
            (tmp_path / name / "leadloader-00001.json").write_text("{}")
        lock = os.open(tmp_path / names["locked"], os.O_RDONLY)
        try:
            assert _emit._flock(lock, blocking=False)
            removed = {p.name for p in _emit.remove_stale(tmp_path)}
        finally:
            os.close(lock)
    finally:
        sleeper.kill()
        sleeper.wait()
    assert removed == {names["dead"], names["own pid, not a live run"]}
    left = {p.name for p in tmp_path.iterdir()}
    assert left == set(names.values()) - removed


def test_a_live_runs_own_staging_dir_is_not_swept(tmp_path: Path) -> None:
    with _emit._staging(tmp_path) as stage:
        assert _emit.remove_stale(tmp_path) == []
        assert stage.exists()
    assert not stage.exists()


def test_stale_temporary_files_beside_a_single_output_are_swept(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    stale = tmp_path / f".report.html.{_dead_pid()}-{_emit._host()}-x1y2z3.tmp"
    stale.write_text("half a report")
    other = tmp_path / ".report.html.swp"
    other.write_text("an editor's")
    with _emit.atomic_path(target) as tmp:
        tmp.write_text("report")
    assert target.read_text() == "report"
    assert not stale.exists() and other.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".report.html.swp", "report.html"]
