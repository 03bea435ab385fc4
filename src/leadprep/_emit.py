"""Stage 5, emit: request bodies, rejects.csv, warnings.csv, summary.json (SPEC section 4.3).

The output contract; it holds when the process is killed at any instant, SIGKILL included:

- Every output is written in full in a staging directory `.leadprep-tmp-<pid>-<host>-*` inside
  the output directory, then renamed into place: no final name ever holds a half-written file.
- summary.json is the commit mark. Publishing removes the old summary.json first, renames the
  new outputs into place (a directory is swapped whole; an old output the new run does not make,
  such as process/ after a --format leadloader run, is moved away) and renames the new
  summary.json in last. So at any instant either summary.json is present and every output it
  lists is complete and from the run that wrote it, or it is absent and the set is incomplete.
- Publishes into one directory hold an flock on it, so concurrent runs never interleave their
  renames: the last run to publish wins, whole.
- A killed run leaves its staging directory behind. Each run first removes the ones dead runs
  left: made on this host by a pid that is not running (or by this process's own pid, but not
  one of its live runs) and whose flock nobody holds (a run holds one on its staging directory
  while it lives). A live run's staging directory is never touched. Temporary files beside
  single outputs (--report, --rejects, --write-config) follow the same rule.
- The guarantee is against a killed process, not a power cut: nothing is fsynced.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import shutil
import socket
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from leadprep._config import Config
from leadprep._errors import ConfigError
from leadprep._fields import LEAD_FIELD_ORDER, MAPPING_COLUMNS
from leadprep._identity import transaction_id
from leadprep._read import ReadResult
from leadprep._rejects import rejected_rows
from leadprep._transform import Leads
from leadprep._validate import ValidatedFrame

if TYPE_CHECKING:
    from leadprep._targets import Target

BATCH_DIR = "batches"
_NESTED = ("extendedLeadData", "personaPhoneConfig")
PROCESS_DIR = "process"


@dataclass(frozen=True)
class EmitInfo:
    out_dir: str
    files: tuple[str, ...]
    batches: int

    def asdict(self) -> dict[str, Any]:
        return asdict(self)


def load_options(config: Config, description: str) -> dict[str, Any]:
    """The load options every request body carries, in the API's names."""
    load = config.load
    options: dict[str, Any] = {
        "description": load.description or description,
        "dialPriority": load.dial_priority,
        "duplicateHandling": load.duplicate_handling,
        "listState": load.list_state,
        "timeZoneOption": load.time_zone_option,
    }
    if load.dnc_tags is not None:
        options["dncTags"] = list(load.dnc_tags)
    return options


# JSON string escapes (RFC 8259): quote, backslash, and every control character.
_ESCAPED = ["\\", '"', *map(chr, range(0x20))]
_ESCAPES = ["\\\\", '\\"', *(
    {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}.get(chr(c), f"\\u{c:04x}")
    for c in range(0x20))]


def _json_key(key: str) -> str:
    return json.dumps(key, ensure_ascii=False) + ":"


def _member(key: str, text: pl.Expr) -> pl.Expr:
    """`"key":"text"`, or null when the text is null."""
    return pl.concat_str([pl.lit(_json_key(key) + '"'), text, pl.lit('"')])


def _json_member(frame: pl.DataFrame, key: str, value: pl.Expr) -> pl.Expr:
    """`"key":"value"` with the value JSON-escaped, or null when the value is null.

    One Aho-Corasick pass (str.replace_many) for a column that has something to escape;
    none for the many that do not (phones, IDs, zips)."""
    text = value.cast(pl.String)
    if frame.select(text.str.contains_any(_ESCAPED).any()).item():
        text = text.str.replace_many(_ESCAPED, _ESCAPES)
    return _member(key, text)


def _json_members(members: list[pl.Expr]) -> pl.Expr:
    """The non-null members joined by commas: an object's inside, without its braces."""
    return pl.concat_str(members, separator=",", ignore_nulls=True)


# Most files have a handful of null patterns (which optional fields a lead lacks); past this
# many, one concatenation per pattern stops paying.
MAX_NULL_PATTERNS = 64


@dataclass(frozen=True)
class _Leaf:
    """A value a lead can hold: `field`, its `key` inside a nested object (None at the top),
    `value` as text, and `text`, the value as a JSON string's inside (escaped where the column
    needs it)."""

    field: str
    key: str | None
    value: pl.Expr
    text: pl.Expr


def lead_bodies(frame: pl.DataFrame, *, json_safe: bool = False) -> pl.Series:
    """Each lead's JSON object (keys in the API's order, null fields omitted).

    Leads are grouped by which fields they lack, and each group's objects are one string
    concatenation of literal keys and the values it has: no null to test per value. Every
    value is a JSON string; a column holding a character JSON escapes is escaped in one pass,
    the others not at all. `json_safe`: the caller knows no value holds one (the file had
    none: ReadResult.json_safe), so no column is searched. With too many patterns, members
    are joined field by field, nulls skipped."""
    frame = frame.select([f for f in LEAD_FIELD_ORDER if f in frame.columns])
    if frame.is_empty():
        return pl.Series("lead", [], dtype=pl.String)
    leaves = _leaves(frame, json_safe)
    mask = pl.sum_horizontal(
        [leaf.value.is_not_null().cast(pl.UInt64) * (1 << i) for i, leaf in enumerate(leaves)]
    ).alias("_mask") if leaves else pl.lit(0, pl.UInt64).alias("_mask")
    grouped = frame.with_row_index("_i").with_columns(mask)
    if grouped["_mask"].n_unique() > MAX_NULL_PATTERNS:
        return frame.select(_object_skipping_nulls(leaves).alias("lead"))["lead"]
    parts = [
        part.select("_i", _object_of_present(leaves, int(str(key[0]))).alias("lead"))
        for key, part in grouped.partition_by("_mask", as_dict=True).items()
    ]
    return pl.concat(parts).sort("_i")["lead"]


def _leaves(frame: pl.DataFrame, json_safe: bool) -> list[_Leaf]:
    """Every value a lead can hold, in order, with its JSON text."""
    found: list[tuple[str, str | None, pl.Expr]] = []
    for field in frame.columns:
        if field in _NESTED:
            keys = [f.name for f in frame.schema[field].fields]  # type: ignore[attr-defined]
            found += [(field, k, pl.col(field).struct.field(k).cast(pl.String)) for k in keys]
        else:
            found.append((field, None, pl.col(field).cast(pl.String)))
    if json_safe or not found:
        escape = [False] * len(found)
    else:  # one select: the columns are searched in parallel
        escape = list(frame.select(
            [value.str.contains_any(_ESCAPED).any().alias(str(i))
             for i, (_, _, value) in enumerate(found)]).row(0))
    return [_Leaf(field, key, value,
                  value.str.replace_many(_ESCAPED, _ESCAPES) if needed else value)
            for (field, key, value), needed in zip(found, escape, strict=True)]


def _object_of_present(leaves: list[_Leaf], mask: int) -> pl.Expr:
    """The JSON object of the leaves whose bit is set in `mask` (none of them null)."""
    present = [leaf for i, leaf in enumerate(leaves) if mask >> i & 1]
    pieces: list[pl.Expr] = []
    literal = "{"  # what goes before the next value, or closes the object
    for n, field in enumerate(dict.fromkeys(leaf.field for leaf in present)):
        members = [leaf for leaf in present if leaf.field == field]
        literal += ("," if n else "") + _json_key(field)
        if members[0].key is None:
            pieces += [pl.lit(literal + '"'), members[0].text]
            literal = '"'
        else:
            literal += "{"
            for m, leaf in enumerate(members):
                pieces += [pl.lit(literal + ("," if m else "") + _json_key(str(leaf.key)) + '"'),
                           leaf.text]
                literal = '"'
            literal += "}"
    if not pieces:
        return pl.lit("{}")
    return pl.concat_str([*pieces, pl.lit(literal + "}")])


def _object_skipping_nulls(leaves: list[_Leaf]) -> pl.Expr:
    """The JSON object of each row's non-null leaves, member by member."""
    members: list[pl.Expr] = []
    for field in dict.fromkeys(leaf.field for leaf in leaves):
        inner = [leaf for leaf in leaves if leaf.field == field]
        if inner[0].key is None:
            members.append(_member(field, inner[0].text))
            continue
        inside = _json_members([_member(str(leaf.key), leaf.text) for leaf in inner])
        members.append(pl.when(inside != "").then(
            pl.concat_str([pl.lit(_json_key(field) + "{"), inside, pl.lit("}")])))
    return pl.concat_str([pl.lit("{"), _json_members(members), pl.lit("}")])


def emit(
    out_dir: str | Path,
    *,
    read: ReadResult,
    validated: ValidatedFrame,
    leads: Leads,
    config: Config,
    target: Target,
    summary: dict[str, Any],
    rejects_csv: Future[bytes] | None = None,
) -> EmitInfo:
    """Write `target`'s outputs, rejects.csv, warnings.csv and summary.json into `out_dir`,
    atomically (module docstring). `leads` are those target.prepare() returned;
    `rejects_csv`, rejects.csv as rendered_rejects made it, when it was begun earlier."""
    from leadprep._targets import EmitInput

    out = Path(out_dir)
    with writable("--out", out_dir):
        out.mkdir(parents=True, exist_ok=True)
        with _staging(out) as stage:
            data = EmitInput(read, validated, leads, config, Path(read.path).name)
            with ThreadPoolExecutor(1) as side:  # rejects and warnings beside the batches
                files = side.submit(_write_rejects_and_warnings, stage, read, validated, leads,
                                    rejects_csv)
                written = target.write(stage, data)
                files.result()
            names = [*written.files, "rejects.csv", "warnings.csv", *written.after]
            info = EmitInfo(str(out), tuple([*names, "summary.json"]), written.batches)
            summary = {**summary, "batches": written.batches, "outputs": list(info.files)}
            _write_json(stage / "summary.json", summary)
            _publish(stage, out, target.outputs)
        return info


@contextmanager
def staged_outputs(out_dir: str | Path, outputs: tuple[str, ...]) -> Iterator[Path]:
    """A staging directory in `out_dir` for a command's outputs, published when the block
    succeeds: `outputs` (top-level names), rejects.csv, warnings.csv, and summary.json last,
    which the block must write (module docstring: the contract)."""
    out = Path(out_dir)
    with writable("--out", out_dir):
        out.mkdir(parents=True, exist_ok=True)
        with _staging(out) as stage:
            yield stage
            _publish(stage, out, outputs)


def write_leadloader_batches(
    stage: Path, leads: Leads, config: Config, description: str, *, json_safe: bool = False
) -> list[str]:
    """DIR/batches/leadloader-NNNNN.json; returns the file names. `json_safe`: as
    lead_bodies takes it."""
    return _write_batches(stage, leads, load_options(config, description),
                          config.load.batch_size, json_safe)


@contextmanager
def writable(flag: str, target: str | Path) -> Iterator[None]:
    """A file system refusal (no such directory, no permission, disk full) is the user's to
    fix: a one-line error naming the option, not an internal error."""
    try:
        yield
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise ConfigError(
            f"{flag} {target}: cannot write there ({reason}); give a path you can write to"
        ) from exc


def refuse_file_as_directory(flag: str, target: str | Path) -> None:
    """Before any work: an output directory must not be an existing file."""
    if Path(target).exists() and not Path(target).is_dir():
        raise ConfigError(f"{flag} {target} is a file; give a directory (it is created if "
                          "missing)")


def refuse_unsafe_target(flag: str, target: str | Path | None, source: str | Path) -> None:
    """Before any work: an output must be a file path, and never the input file itself."""
    if target is None:
        return
    target = Path(target)
    if target.is_dir():
        raise ConfigError(f"{flag} {target} is a directory; give a file path")
    if target.exists() and Path(source).exists() and target.samefile(source):
        raise ConfigError(f"{flag} {target} is the input file; give another path")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary path beside `target`, renamed onto it only when the block succeeds.

    Its name carries the run's pid and host, like a staging directory's, so that the next write
    beside it removes what a killed run left (module docstring: the rule)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    prefix = f".{target.name}."
    remove_stale(target.parent, prefix)

    def make() -> tuple[Path, int]:
        fd, name = tempfile.mkstemp(prefix=prefix + _owner_tag(), suffix=".tmp",
                                    dir=target.parent)
        return Path(name), fd

    with _owned(make) as tmp:
        try:
            # mkstemp makes the file private; the final file gets the mode any new file gets.
            tmp.chmod(0o666 & ~_umask())
            yield tmp
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)


STAGE_PREFIX = ".leadprep-tmp-"
# What follows a prefix: <pid>-<host>-<tempfile's random part>[.tmp]
_OWNER = re.compile(r"(?P<pid>\d+)-(?P<host>[A-Za-z0-9._]*)-[a-z0-9_]+(?:\.tmp)?")
# Staging directories and temporary files this process is using (a library user may convert
# on several threads): never stale, whatever the pid says. The lock covers creating an entry
# and registering it, against another thread's sweep in between.
_LIVE: set[str] = set()
_LIVE_LOCK = threading.Lock()


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9.]", "_", socket.gethostname())[:64]


def _owner_tag() -> str:
    return f"{os.getpid()}-{_host()}-"


@contextmanager
def _owned(make: Callable[[], tuple[Path, int]]) -> Iterator[Path]:
    """Create an entry (`make` returns it and an open descriptor) and hold it for the block:
    registered as live in this process and flocked, so other processes see it is in use (the
    kernel drops the lock when the process dies, however it dies)."""
    with _LIVE_LOCK:
        path, fd = make()
        _LIVE.add(str(path))
    try:
        _flock(fd, blocking=True)
        yield path
    finally:
        with _LIVE_LOCK:
            _LIVE.discard(str(path))
        os.close(fd)


def _open_dir(path: Path) -> int:
    if sys.platform == "win32":  # directories cannot be opened there, nor flocked
        return os.open(os.devnull, os.O_RDONLY)
    return os.open(path, os.O_RDONLY)


def _flock(fd: int, *, blocking: bool) -> bool:
    """An exclusive flock on `fd`; False when another holder has it (non-blocking only). Where
    the file system has no locks (some network mounts), the pid rule alone decides."""
    if sys.platform == "win32":
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    except OSError:  # ENOLCK, EOPNOTSUPP: no locking here
        return True
    return True


@contextmanager
def _dir_locked(directory: Path) -> Iterator[None]:
    """The output directory's flock: one publish at a time, across processes and threads."""
    if sys.platform == "win32":
        yield
        return
    fd = _open_dir(directory)
    try:
        _flock(fd, blocking=True)
        yield
    finally:
        os.close(fd)


def _pid_alive(pid: int) -> bool:
    if sys.platform == "win32":
        return True  # no harmless probe there: keep the entry
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: another user's live process
        return True
    try:  # killed but not yet reaped by its parent (a zombie) is dead too
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rpartition(")")[2].split()[:1] != ["Z"]


def _is_stale(path: Path, owner: str) -> bool:
    """Left by a dead run: made on this host, by a pid that is not running (or by this
    process's own pid, but not one of its live entries), and nobody holds its flock."""
    match = _OWNER.fullmatch(owner)
    if match is None or match["host"] != _host() or str(path) in _LIVE:
        return False
    pid = int(match["pid"])
    if pid != os.getpid() and _pid_alive(pid):
        return False
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        return _flock(fd, blocking=False)
    finally:
        os.close(fd)


def remove_stale(directory: Path, prefix: str = STAGE_PREFIX) -> list[Path]:
    """Remove the staging directories (or, with another prefix, temporary files) that dead runs
    left in `directory`; never a live run's. Returns what was removed."""
    removed = []
    with _LIVE_LOCK:
        try:
            with os.scandir(directory) as entries:
                found = [Path(e.path) for e in entries if e.name.startswith(prefix)]
        except OSError:
            return []
        for path in found:
            if not _is_stale(path, path.name[len(prefix):]):
                continue
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            removed.append(path)
    return removed


@contextmanager
def _staging(out: Path) -> Iterator[Path]:
    """A fresh staging directory in `out`, after removing the ones dead runs left there."""
    remove_stale(out)

    def make() -> tuple[Path, int]:
        stage = Path(tempfile.mkdtemp(prefix=STAGE_PREFIX + _owner_tag(), dir=out))
        return stage, _open_dir(stage)

    with _owned(make) as stage:
        try:
            yield stage
        finally:
            shutil.rmtree(stage, ignore_errors=True)


# Inside the staging directory: the old outputs moved out of the way, removed with it.
_REPLACED = ".replaced"


def _publish(stage: Path, out: Path, outputs: tuple[str, ...]) -> None:
    """Rename the finished outputs into place, summary.json last, under the output directory's
    lock (the contract is in the module docstring). `outputs` are the target's names."""
    from leadprep._targets import owned_outputs

    names = [*outputs, "rejects.csv", "warnings.csv"]
    replaced = stage / _REPLACED
    replaced.mkdir()
    with _dir_locked(out):
        # From here until the new summary is in, the set is marked incomplete.
        (out / "summary.json").unlink(missing_ok=True)
        for other in sorted(owned_outputs() - set(outputs)):
            # Left by an earlier run of another format (process/ after a --format process
            # run, say): it would not match the new outputs.
            _move_aside(out / other, replaced)
        for name in names:
            if (stage / name).is_dir():
                _move_aside(out / name, replaced)  # a directory is not replaced in one step
            os.replace(stage / name, out / name)
        os.replace(stage / "summary.json", out / "summary.json")


def _move_aside(target: Path, replaced: Path) -> None:
    if target.exists() or target.is_symlink():
        target.rename(replaced / target.name)


# Leads turned into JSON at a time: bounds the memory emit adds, whatever the file's size.
# Two chunks are in flight; at 50 batches of 1000 leads the 1M-lead bench's emit peaks at
# 1.20 GB against 1.33 GB with 100, in the same time.
EMIT_CHUNK_BATCHES = 50


def _write_batches(
    stage: Path, leads: Leads, options: dict[str, Any], batch_size: int, json_safe: bool
) -> list[str]:
    directory = stage / BATCH_DIR
    directory.mkdir()
    count = write_batch_files(directory, leads.frame.drop("_row"), _batch_head(options),
                              batch_size, first=0, json_safe=json_safe)
    return [_batch_name(i) for i in range(count)]


def _batch_head(options: dict[str, Any]) -> str:
    return json.dumps(options, ensure_ascii=False)[:-1] + ',"uploadLeads":[\n'


def write_batch_files(
    directory: Path, frame: pl.DataFrame, head: str, batch_size: int, *, first: int,
    json_safe: bool = False,
) -> int:
    """leadloader-NNNNN.json from the leads of `frame`, numbered from batch `first`; returns
    how many were written (`json_safe`: as lead_bodies takes it). Chunk by chunk on two
    threads: polars and the file writes both let go of the GIL, and one chunk's encoding
    hides the other's writing."""
    threads = max(1, min(2, pl.thread_pool_size()))
    step = batch_size * _batches_per_chunk(-(-frame.height // batch_size), threads)

    def write_chunk(start: int) -> None:
        bodies = lead_bodies(frame.slice(start, step), json_safe=json_safe) \
            .to_frame("lead").with_row_index("_i")
        # One document per batch, joined by polars: head + "{lead},\n{lead}…" + tail.
        documents = bodies.group_by(pl.col("_i") // batch_size, maintain_order=True).agg(
            pl.concat_str([pl.lit(head), pl.col("lead").str.join(",\n"), pl.lit("\n]}\n")])
            .alias("document")
        )["document"].cast(pl.Binary)
        for offset, document in enumerate(documents):
            (directory / _batch_name(first + start // batch_size + offset)).write_bytes(document)

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(write_chunk, range(0, frame.height, step)))
    return -(-frame.height // batch_size)


def _batches_per_chunk(batches: int, threads: int) -> int:
    """At most EMIT_CHUNK_BATCHES batches a chunk, in a number of chunks the threads share
    evenly: 133 batches (a block's) as 67 + 66, not 100 + 33 with one thread idle for most
    of the time."""
    chunks = max(threads, -(-batches // EMIT_CHUNK_BATCHES))
    chunks = -(-chunks // threads) * threads
    return max(1, -(-batches // chunks))


def _batch_name(index: int) -> str:
    return f"leadloader-{index + 1:05d}.json"


class StreamedEmit:
    """emit() for a file converted block by block (leadloader format): each block's full
    batches are written as it comes, the leads short of a batch wait for the next block, and
    the rejects wait in Arrow files until the widest rejected row is known. The outputs are
    byte for byte those emit() writes for the whole file."""

    def __init__(self, out_dir: str | Path, config: Config, description: str) -> None:
        self.out = Path(out_dir)
        self.batch_size = config.load.batch_size
        self.head = _batch_head(load_options(config, description))
        self.batches = 0
        self.waiting: pl.DataFrame | None = None
        self.reject_parts: list[Path] = []
        self.widest = 0
        self.header: tuple[str, ...] = ()
        self.json_safe = True  # every block so far (waiting leads may come from any of them)
        self._staging: contextlib.ExitStack | None = None

    def __enter__(self) -> StreamedEmit:
        with writable("--out", self.out):
            self.out.mkdir(parents=True, exist_ok=True)
            stack = contextlib.ExitStack()
            self.stage = stack.enter_context(_staging(self.out))
            self._staging = stack
            (self.stage / BATCH_DIR).mkdir()
            self.warnings = (self.stage / "warnings.csv").open("wb")
        return self

    def __exit__(self, *exc: object) -> None:
        self.warnings.close()
        if self._staging is not None:
            self._staging.close()

    def add(self, read: ReadResult, validated: ValidatedFrame, leads: Leads) -> None:
        with writable("--out", self.out), ThreadPoolExecutor(1) as side:
            # rejects and warnings beside the batches, as emit() writes them
            done = side.submit(self._add_rejects_and_warnings, read, validated, leads)
            self.json_safe = self.json_safe and read.json_safe
            self._add_leads(leads.frame.drop("_row"))
            done.result()

    def _add_rejects_and_warnings(
        self, read: ReadResult, validated: ValidatedFrame, leads: Leads
    ) -> None:
        self._add_rejects(read, rejected_rows(read, validated))
        if not self.header:
            self.header = read.header
            self.warnings.write(_csv_header(list(leads.warnings.columns)))
        self.warnings.write(_csv_body(leads.warnings))

    def _add_leads(self, frame: pl.DataFrame) -> None:
        if self.waiting is not None:
            frame = pl.concat([self.waiting, frame], how="diagonal_relaxed")
        whole = frame.height - frame.height % self.batch_size
        self.batches += write_batch_files(self.stage / BATCH_DIR, frame.head(whole), self.head,
                                          self.batch_size, first=self.batches,
                                          json_safe=self.json_safe)
        self.waiting = frame.slice(whole)

    def _add_rejects(self, read: ReadResult, rejected: pl.DataFrame) -> None:
        if rejected.is_empty():
            return
        longest: int = rejected.select(pl.col("_fields").list.len().max()).item() or 0
        self.widest = max(self.widest, read.width, longest)
        part = self.stage / f".rejects-{len(self.reject_parts):05d}.arrow"
        rejected.select("_row", "_reasons", "_message", "_fields").write_ipc(part)
        self.reject_parts.append(part)

    def finish(self, summary: dict[str, Any]) -> EmitInfo:
        """Write what waits, the summary, and publish the outputs."""
        with writable("--out", self.out):
            if self.waiting is not None and self.waiting.height:
                self.batches += write_batch_files(self.stage / BATCH_DIR, self.waiting,
                                                  self.head, self.batch_size,
                                                  first=self.batches, json_safe=self.json_safe)
            self.warnings.close()
            self._write_rejects()
            names = [f"{BATCH_DIR}/{_batch_name(i)}" for i in range(self.batches)]
            info = EmitInfo(str(self.out),
                            (*names, "rejects.csv", "warnings.csv", "summary.json"),
                            self.batches)
            summary = {**summary, "batches": self.batches, "outputs": list(info.files)}
            _write_json(self.stage / "summary.json", summary)
            _publish(self.stage, self.out, (BATCH_DIR,))
            return info

    def _write_rejects(self) -> None:
        width = max(self.widest, len(self.header))
        with (self.stage / "rejects.csv").open("wb") as handle:
            handle.write(_rejects_header(self.header, width))
            for part in self.reject_parts:
                rejected = pl.read_ipc(part)
                handle.write(_csv_body(_rejects_table(rejected, width)))
                part.unlink()


def _csv_header(header: list[str]) -> bytes:
    head = io.StringIO()
    csv.writer(head, lineterminator="\n").writerow(header)
    return head.getvalue().encode("utf-8")


def _csv_body(table: pl.DataFrame) -> bytes:
    return table.write_csv(include_header=False, line_terminator="\n").encode("utf-8")


def _field_columns(frame: pl.DataFrame, width: int) -> pl.DataFrame:
    return frame.select(
        [pl.col("_fields").list.get(i, null_on_oob=True).alias(f"f{i}") for i in range(width)]
    )


def _write_rejects_and_warnings(
    stage: Path, read: ReadResult, validated: ValidatedFrame, leads: Leads,
    rejects_csv: Future[bytes] | None,
) -> None:
    (stage / "rejects.csv").write_bytes(
        rendered_rejects(read, validated) if rejects_csv is None else rejects_csv.result())
    write_warnings(stage / "warnings.csv", leads.warnings)


def rendered_rejects(read: ReadResult, validated: ValidatedFrame) -> bytes:
    """rejects.csv of a file read whole, as bytes: it needs no leads, so a conversion can
    render it on another thread while it transforms."""
    return _rejects_csv(read, rejected_rows(read, validated))


def write_rejects(path: Path, read: ReadResult, rejected: pl.DataFrame) -> None:
    """rejects.csv: `_row`, `_reasons`, `_message`, the header, then `_extra_N` for long rows."""
    path.write_bytes(_rejects_csv(read, rejected))


def _rejects_csv(read: ReadResult, rejected: pl.DataFrame) -> bytes:
    longest: int = rejected.select(pl.col("_fields").list.len().max()).item() or 0
    width = max(read.width, longest)
    return _rejects_header(read.header, width) + _csv_body(_rejects_table(rejected, width))


def _rejects_header(header: Sequence[str], width: int) -> bytes:
    """`_row`, `_reasons`, `_message`, the file's header, then `_extra_N` up to `width`."""
    extras = [f"_extra_{i}" for i in range(1, width - len(header) + 1)]
    return _csv_header(["_row", "_reasons", "_message", *header, *extras])


def _rejects_table(rejected: pl.DataFrame, width: int) -> pl.DataFrame:
    return pl.concat(
        [rejected.select(pl.col("_row"), pl.col("_reasons").list.join(";"), "_message"),
         _field_columns(rejected, width)],
        how="horizontal",
    )


def _write_csv(path: Path, header: list[str], table: pl.DataFrame) -> None:
    """Header written with the csv module: names may repeat or be blank, which polars refuses."""
    path.write_bytes(_csv_header(header) + _csv_body(table))


def write_warnings(path: Path, warnings: pl.DataFrame) -> None:
    """warnings.csv: `_row`, `_code`, `_field`, `_value`, `_message`."""
    _write_csv(path, list(warnings.columns), warnings)


def write_json(path: Path, data: Any) -> None:
    """A JSON document, indented, UTF-8."""
    _write_json(path, data)


def _write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write_process(
    directory: Path, validated: ValidatedFrame, leads: Leads, config: Config, description: str
) -> None:
    """The file flow: cleaned leads.csv plus a process request whose indexes point into it."""
    directory.mkdir()
    mapped = validated.mapped
    field_to_column = {v: k for k, v in MAPPING_COLUMNS.items()}
    frame = leads.frame
    # An E.164 account dials leadPhoneE164; the file has no such column, so LEAD_PHONE carries
    # the E.164 number, which keeps the country of a non-NANP primary.
    e164 = config.account.e164
    columns: list[tuple[str, pl.Expr]] = [
        (field_to_column[f], pl.col("leadPhoneE164" if f == "leadPhone" and e164 else f))
        for f in MAPPING_COLUMNS.values()
        if f in mapped.fields or (f == "leadTimezone" and f in frame.columns)
    ]
    phones = [(p.phone_id, p.label) for p in mapped.personas]
    columns += [(label, pl.col("personaPhoneConfig").struct.field(label)) for _, label in phones]
    ext_keys = list(mapped.extended)
    columns += [(key, pl.col("extendedLeadData").struct.field(key)) for key in ext_keys]
    table = frame.select([expr.alias(f"c{i}") for i, (_, expr) in enumerate(columns)])
    _write_csv(directory / "leads.csv", [name for name, _ in columns], table)
    base = config.mapping.index_base
    n_fields = len(columns) - len(phones) - len(ext_keys)
    request: dict[str, Any] = {
        "transactionId": transaction_id(directory / "leads.csv"),
        **load_options(config, description),
        "fileType": "COMMA",
        "fileContainsHeaders": True,
        "pageNumber": 1,
        "quoteChar": '"',
        "pageColumnMappings": {name: i + base for i, (name, _) in enumerate(columns[:n_fields])},
        "additionalPhoneMappings": {
            str(pid): n_fields + i + base for i, (pid, _) in enumerate(phones)
        },
        "extendedLeadDataMappings": {
            key: n_fields + len(phones) + i + base for i, key in enumerate(ext_keys)
        },
    }
    _write_json(directory / "process-request.json", request)
