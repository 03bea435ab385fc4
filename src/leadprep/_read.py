"""Stage 1, read: a lead file in, string records with row numbers and structural rejects out."""

from __future__ import annotations

import codecs
import os
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, BinaryIO

import polars as pl

from leadprep._codes import FileErrorCode, RejectCode
from leadprep._encoding import EncodingSource, decode_file, is_utf8, python_name
from leadprep._errors import ConfigError, InputFileError
from leadprep._exprs import format_text
from leadprep._options import TAB_NAMES, delimiter_problem, quote_char_problem
from leadprep._parse import (
    Dialect,
    InPlace,
    RecordRunsOn,
    column_name,
    fields_json_safe,
    parse_records,
    read_simple,
    record_fields,
    split_lines,
)
from leadprep._sniff import (
    DELIMITER_NAMES,
    LineBreaks,
    LineEnding,
    sample_lines,
    sniff_delimiter,
    sniff_line_ending,
    sniff_quote_char,
)

DEFAULT_MAX_FIELD_SIZE = 65_536
# Records looked at to find the header and the modal width.
_HEAD_RECORDS = 50
# The first block of a file read in blocks: the sniffers' sample (1 MiB) and the header's and
# width's records must lie in it.
HEAD_BLOCK_BYTES = 4 << 20
_MODAL_ROWS = 1000
_BOM = "\ufeff"
_LOOKS_LIKE_DATA = re.compile(r"^\s*\+?[\d\s().\-/]{7,}\s*$|@|^\s*\d{5,}\s*$")


@dataclass(frozen=True)
class ReadOptions:
    """Explicit options skip detection. None means detect."""

    encoding: str | None = None
    delimiter: str | None = None
    quote_char: str | None = None  # "none" turns quoting off
    header: bool | None = None
    max_field_size: int = DEFAULT_MAX_FIELD_SIZE


@dataclass(frozen=True)
class Detection:
    """What the reader found, and whether it was detected or given."""

    encoding: str
    encoding_confidence: float
    encoding_source: EncodingSource
    bom: bool
    delimiter: str
    delimiter_detected: bool
    quote_char: str | None
    line_ending: LineEnding
    header: bool
    skipped_lines: tuple[int, ...]
    invalid_encoding_lines: int

    def asdict(self) -> dict[str, Any]:
        data = asdict(self)
        data["skipped_lines"] = list(self.skipped_lines)
        data["delimiter_name"] = DELIMITER_NAMES.get(self.delimiter, self.delimiter)
        return data


@dataclass(frozen=True)
class ReadResult:
    """`rows`: `_row`, `_line`, then `_c0`.. one String column per header column.
    `rejects`: `_row`, `_line`, `_reasons` (list), `_message`, `_fields` (list, as read)."""

    path: str
    detection: Detection
    header: tuple[str, ...]
    rows: pl.DataFrame
    rejects: pl.DataFrame
    rows_read: int
    # No field can hold a character JSON escapes (_parse.fields_json_safe): emit need not
    # search the values for one.
    json_safe: bool = False

    @property
    def width(self) -> int:
        return len(self.header)

    def asdict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "detection": self.detection.asdict(),
            "header": list(self.header),
            "rows_read": self.rows_read,
            "structural_rejects": self.rejects.height,
        }


def detection_summary(path: str, detection: Detection) -> dict[str, Any]:
    """summary.json's first keys: the input and what the reader found in it."""
    return {
        "input": path,
        "encoding": detection.encoding,
        "encoding_confidence": detection.encoding_confidence,
        "encoding_source": detection.encoding_source,
        "delimiter": detection.delimiter,
        "quote_char": detection.quote_char,
        "line_ending": detection.line_ending,
        "header": detection.header,
        "skipped_lines": list(detection.skipped_lines),
    }


def read(path: str | Path, options: ReadOptions | None = None) -> ReadResult:
    """Read a delimited lead file: detect, decode, parse, and check every record's shape."""
    options = options or ReadOptions()
    _check_options(options)
    path = Path(path)
    raw = _read_bytes(path)
    decoded = decode_file(path, raw, options.encoding)
    del raw
    data = decoded.data
    _refuse_empty(path, data)
    breaks = LineBreaks.count(data)
    line_ending = sniff_line_ending(breaks)
    if line_ending == "CR":
        data = data.replace(b"\r", b"\n")
        breaks = LineBreaks.count(data)
    dialect, delimiter_detected = _dialect(path, data, options)
    # Each copy of the file is let go as soon as the next exists: the peak is what matters.
    bad_lines, decoded = decoded.bad_lines, replace(decoded, data=b"")
    block = _Block.parse(data, breaks, dialect, path, first_line=1, bad_lines=bad_lines)
    del data
    layout = _layout(path, block.records, dialect, delimiter_detected, options)
    rows, rejects, rows_read = block.shaped(layout, options, path, rows_before=0)
    detection = _detection(decoded.encoding, decoded.confidence, decoded.source, decoded.bom,
                           layout, line_ending, len(bad_lines))
    return ReadResult(str(path), detection, layout.header, rows, rejects, rows_read,
                      block.json_safe)


class NotStreamable(Exception):
    """The file must be read whole: its encoding, line endings or size are decided only over
    all of it (a legacy or UTF-16 encoding, lone CRs, a NUL-padded tail, a small file)."""


class BlockReader:
    """A large UTF-8 file read block by block, so memory holds one block, not the file.

    Iterating yields one ReadResult per block (each block ends on a record boundary: a record
    whose quoted field is still open is carried to the next block). Rows and lines are
    numbered as in the whole file, the first block settles the dialect, header and width, and
    the records are exactly those `read` returns for the whole file; where that cannot be
    promised, NotStreamable is raised, before the first result or between two."""

    def __init__(
        self, path: str | Path, options: ReadOptions, block_bytes: int,
        head_bytes: int | None = None,
    ) -> None:
        _check_options(options)
        self.path = Path(path)
        self.options = options
        self.block_bytes = block_bytes
        self.head_bytes = max(HEAD_BLOCK_BYTES if head_bytes is None else head_bytes,
                              block_bytes)
        self.breaks = LineBreaks(0, 0, 0)
        self.finished = False  # the last block has been read

    @property
    def line_ending(self) -> LineEnding:
        """Over the blocks read so far."""
        return sniff_line_ending(self.breaks)

    def __iter__(self) -> Iterator[ReadResult]:
        options, path = self.options, self.path
        if options.encoding is not None and python_name(options.encoding) != "utf-8":
            raise NotStreamable
        try:
            handle = path.open("rb")
        except OSError:
            raise NotStreamable from None  # the whole-file reader says what is wrong
        with handle:
            size = os.fstat(handle.fileno()).st_size
            if size <= self.head_bytes or _nul_padded(handle, size):
                raise NotStreamable
            # Blocks of even size: a short last block would leave a core idle in its stages.
            even = -(-size // -(-size // self.block_bytes))
            blocks = _Blocks(handle, even)
            raw, final = blocks.next(max(self.head_bytes, even))
            if not _valid_utf8(raw.removeprefix(codecs.BOM_UTF8)):
                raise NotStreamable
            decoded = decode_file(path, raw, options.encoding)
            data = decoded.data
            del raw
            if decoded.encoding != "utf-8" or decoded.bad_lines or data.isspace():
                raise NotStreamable
            dialect, delimiter_detected = _dialect(path, data, options)
            block = self._block(blocks, data, dialect, 1, final)
            layout = _layout(path, block.records, dialect, delimiter_detected, options)
            if not layout.has_header and block.records.height < layout.header_at + _MODAL_ROWS:
                raise NotStreamable  # the width is the mode of the first rows of the file
            detection = _detection(decoded.encoding, decoded.confidence, decoded.source,
                                   decoded.bom, layout, self.line_ending, 0)
            rows_before, next_line = 0, block.next_line
            while True:
                skip = None if block.first_line == 1 else 0
                rows, rejects, body = block.shaped(layout, options, path,
                                                   rows_before=rows_before, skip_records=skip)
                yield ReadResult(str(path), detection, layout.header, rows, rejects, body,
                                 block.json_safe)
                rows_before += body
                if self.finished:
                    return
                data, final = blocks.next()
                if not _valid_utf8(data):
                    raise NotStreamable
                block = self._block(blocks, data, dialect, next_line, final)
                next_line = block.next_line

    def _block(
        self, blocks: _Blocks, data: bytes, dialect: Dialect, first_line: int, final: bool
    ) -> _Block:
        """The block's records; a record still open at its end goes back to `blocks`."""
        while True:
            breaks = LineBreaks.count(data)
            if breaks.lone_cr:
                raise NotStreamable
            try:
                block = _Block.parse(data, breaks, dialect, self.path, first_line=first_line,
                                     final=final)
            except RecordRunsOn as runs:
                cut = _offset_of_line(data, runs.line - first_line)
                blocks.push_back(data[cut:])
                if cut == 0:  # one record longer than the block: read on
                    data, final = blocks.next()
                else:
                    data = data[:cut]
                continue
            self.breaks = LineBreaks(self.breaks.lf + breaks.lf, self.breaks.cr + breaks.cr,
                                     self.breaks.crlf + breaks.crlf)
            block.next_line = first_line + breaks.lf + (0 if data.endswith(b"\n") else 1)
            self.finished = final
            return block


class _Blocks:
    """A file's bytes in blocks of whole lines (at least `size` bytes, unless at the end)."""

    def __init__(self, handle: BinaryIO, size: int) -> None:
        self.handle = handle
        self.size = size
        self.pending = b""
        self.eof = False

    def next(self, size: int | None = None) -> tuple[bytes, bool]:
        """The next block, and whether it is the last."""
        data, self.pending = self.pending, b""
        while not self.eof:
            wanted = size or self.size
            more = self.handle.read(wanted)
            self.eof = len(more) < wanted  # a file is read short only at its end
            data += more
            cut = data.rfind(b"\n") + 1
            if cut and not self.eof:
                self.pending = data[cut:]
                return data[:cut], False
        return data, True

    def push_back(self, data: bytes) -> None:
        self.pending = data + self.pending


def _offset_of_line(data: bytes, lines: int) -> int:
    """Where the line `lines` lines into the data starts."""
    offset = 0
    for _ in range(lines):
        offset = data.index(b"\n", offset) + 1
    return offset


def _nul_padded(handle: BinaryIO, size: int) -> bool:
    handle.seek(size - 2)
    padded = handle.read(2) == b"\x00\x00"
    handle.seek(0)
    return padded


def _valid_utf8(data: bytes) -> bool:
    return data.isascii() or is_utf8(data)


def _refuse_empty(path: Path, data: bytes) -> None:
    if not data or data.isspace():  # (data.strip() would copy the file)
        raise InputFileError(
            FileErrorCode.EMPTY_FILE, path,
            "the file is empty (no header, no rows); check the path, or export the file again",
        )


@dataclass(frozen=True)
class Layout:
    """What the head of a file settles for all of it: dialect, header and width."""

    dialect: Dialect
    delimiter_detected: bool
    header: tuple[str, ...]
    has_header: bool
    header_at: int  # records before the first body record (title rows, the header)
    skipped: tuple[int, ...]

    @property
    def width(self) -> int:
        return len(self.header)


def _layout(
    path: Path, records: pl.DataFrame, dialect: Dialect, delimiter_detected: bool,
    options: ReadOptions,
) -> Layout:
    head_fields = record_fields(records.head(_HEAD_RECORDS), dialect)
    header_at, has_header, skipped = _find_header(records.head(_HEAD_RECORDS), head_fields,
                                                  options.header)
    if has_header:
        header = tuple(head_fields[header_at])
        return Layout(dialect, delimiter_detected, header, True, header_at + 1, skipped)
    width = _modal_width(records.slice(header_at), dialect)
    header = tuple(f"column {i + 1}" for i in range(width))
    return Layout(dialect, delimiter_detected, header, False, header_at, skipped)


def _detection(
    encoding: str, confidence: float, source: EncodingSource, bom: bool, layout: Layout,
    line_ending: LineEnding, invalid_encoding_lines: int,
) -> Detection:
    return Detection(
        encoding=encoding,
        encoding_confidence=round(confidence, 4),
        encoding_source=source,
        bom=bom,
        delimiter=layout.dialect.delimiter,
        delimiter_detected=layout.delimiter_detected,
        quote_char=layout.dialect.quote_char,
        line_ending=line_ending,
        header=layout.has_header,
        skipped_lines=layout.skipped,
        invalid_encoding_lines=invalid_encoding_lines,
    )


@dataclass
class _Block:
    """Decoded UTF-8 data (a whole file, or a block of whole lines of one) as records."""

    data: bytes
    first_line: int
    records: pl.DataFrame
    json_safe: bool
    next_line: int = 0  # the first line of the next block

    @classmethod
    def parse(
        cls, data: bytes, breaks: LineBreaks, dialect: Dialect, path: Path, *, first_line: int,
        bad_lines: frozenset[int] = frozenset(), final: bool = True,
    ) -> _Block:
        # Lone CRs are control characters too; without them and C0 bytes no line needs a regex.
        controls = breaks.control or breaks.lone_cr > 0
        lines = split_lines(data, breaks, control_bytes=breaks.control, first_line=first_line)
        records = parse_records(lines, dialect, str(path), controls=controls, final=final)
        del lines
        records = records.with_columns(
            _bad_encoding=_any_line_in(sorted(bad_lines)) if bad_lines else pl.lit(False)
        )
        json_safe = fields_json_safe(data, dialect, breaks)
        return cls(data, first_line, records, json_safe)

    def shaped(
        self, layout: Layout, options: ReadOptions, path: Path, *, rows_before: int,
        skip_records: int | None = None,
    ) -> tuple[pl.DataFrame, pl.DataFrame, int]:
        """The body's good rows and rejects, rows numbered after `rows_before`, and how many
        records the body holds. The head records (title rows, header) are skipped unless
        `skip_records` says otherwise."""
        skip = layout.header_at if skip_records is None else skip_records
        body = self.records.slice(skip)
        self.records = self.records.clear()
        _refuse_runaway_quotes(path, body, layout.width)
        body = body.with_row_index("_row", offset=rows_before + 1).with_columns(
            pl.col("_row").cast(pl.Int64))
        first_line = int(body["line"][0]) if body.height else 0
        source = InPlace(self.data, first_line - self.first_line) if body.height else None
        self.data = b""
        rows, rejects = _check_shapes(body, layout.width, options.max_field_size,
                                      layout.dialect, source)
        return rows, rejects, body.height


def _check_options(options: ReadOptions) -> None:
    """Options given on the command line ([input] in a config is checked when it is loaded)."""
    for flag, value, problem in (
        ("--delimiter", options.delimiter, delimiter_problem(options.delimiter)),
        ("--quote-char", options.quote_char, quote_char_problem(options.quote_char)),
    ):
        if problem:
            raise ConfigError(f"{flag} {value!r} {problem}")
    if options.max_field_size < 1:
        raise ConfigError(f"ReadOptions.max_field_size = {options.max_field_size} must be at "
                          "least 1")


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputFileError(
            FileErrorCode.FILE_NOT_FOUND, path, "no such file; check the path"
        ) from None
    except IsADirectoryError:
        raise InputFileError(
            FileErrorCode.FILE_NOT_FOUND, path, "this is a directory; pass a lead file"
        ) from None
    except OSError as exc:  # no permission, a device error: still the user's to fix
        raise InputFileError(
            FileErrorCode.FILE_NOT_FOUND, path,
            f"cannot be read: {exc.strerror or exc}; check the path and its permissions",
        ) from None


def _dialect(path: Path, data: bytes, options: ReadOptions) -> tuple[Dialect, bool]:
    sample = data[: 1 << 20].decode("utf-8", "ignore")
    quote = (
        None if options.quote_char == "none" else options.quote_char or sniff_quote_char(sample)
    )
    if options.delimiter is not None:
        given = "\t" if options.delimiter in TAB_NAMES else options.delimiter
        _refuse_same(path, given, quote)
        return Dialect(given, quote), False
    guess = sniff_delimiter(sample_lines(sample, quote))
    if guess.delimiter is None:
        raise InputFileError(
            FileErrorCode.DELIMITER_UNDETECTED,
            path,
            "none of comma, tab, semicolon or pipe splits the first lines into columns; "
            "pass the delimiter with --delimiter",
        )
    _refuse_same(path, guess.delimiter, quote)
    return Dialect(guess.delimiter, quote), True


def _refuse_same(path: Path, delimiter: str, quote: str | None) -> None:
    if delimiter == quote:
        raise ConfigError(
            f"{path}: the quote character {quote!r} is also the delimiter; give another with "
            "--quote-char (or 'none'), or the right delimiter with --delimiter"
        )


def _any_line_in(bad: list[int]) -> pl.Expr:
    """A record is badly encoded when any of its physical lines is."""
    return pl.int_ranges(pl.col("line"), pl.col("last_line") + 1).list.eval(
        pl.element().is_in(bad)
    ).list.any()


def _is_blank(fields: pl.Expr) -> pl.Expr:
    return fields.list.eval(pl.element().str.strip_chars() == "").list.all()


def _find_header(
    head: pl.DataFrame, fields: pl.Series, header: bool | None
) -> tuple[int, bool, tuple[int, ...]]:
    """Index of the header (or first data) record, whether it is a header, lines skipped."""
    counted = pl.DataFrame({"fields": fields}).select(
        _width=pl.col("fields").list.len(),
        _filled=pl.col("fields").list.eval(pl.element().str.strip_chars() != "").list.sum(),
    )
    widths = counted["_width"].to_list()
    filled = counted["_filled"].to_list()
    modal = Counter(w for w, f in zip(widths, filled, strict=True) if f > 0).most_common(1)
    modal_width = modal[0][0] if modal else 1
    first = 0
    # Title rows and blank lines above the header: skipped and reported, never data.
    while first < min(len(widths) - 1, 10) and _is_title_row(
        widths[first], filled[first], modal_width
    ):
        first += 1
    skipped = tuple(head["line"][:first].to_list())
    if header is None:
        header = not any(_LOOKS_LIKE_DATA.search(f or "") for f in fields[first])
    return first, header, skipped


def _is_title_row(width: int, filled: int, modal_width: int) -> bool:
    if filled == 0:
        return True
    if width < modal_width and width <= max(2, modal_width // 2):
        return True
    return modal_width >= 3 and filled == 1 and width in (1, modal_width)


def _modal_width(body: pl.DataFrame, dialect: Dialect) -> int:
    counts = record_fields(body.head(_MODAL_ROWS), dialect).list.len().to_list()
    return Counter(counts).most_common(1)[0][0] if counts else 1


def _refuse_runaway_quotes(path: Path, body: pl.DataFrame, width: int) -> None:
    """A multi-line record of the wrong shape is a quote left open, swallowing later lines."""
    runaway = body.filter(
        (pl.col("last_line") > pl.col("line"))
        & (pl.col("malformed") | (pl.col("count") != width))
    )
    if runaway.height:
        line = int(runaway["line"][0])
        last = int(runaway["last_line"][0])
        raise InputFileError(
            FileErrorCode.UNTERMINATED_QUOTE,
            path,
            f"a quote opened on line {line} runs on to line {last} and breaks the columns; "
            "close the quote, or pass --quote-char none if quotes are plain text here",
            line=line,
        )


def _check_shapes(
    body: pl.DataFrame, width: int, max_field_size: int, dialect: Dialect,
    source: InPlace | None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Good records as columns, and the rejects with their reasons and fields as read.
    `source`: where the body's lines are in the file, or None."""
    # Records a line alone cannot settle (maybe blank, maybe a field too large, read by the
    # state machine) are split into fields; the rest are read as columns by polars. So is a
    # line starting with U+FEFF: polars drops it when its buffer starts with one.
    unsure = (pl.col("maybe_blank") | pl.col("text").is_null()
              | (pl.col("text").str.len_bytes() > max_field_size)
              | pl.col("text").str.starts_with(_BOM))
    maybe = body.filter(unsure)
    plain = body.filter(~unsure)
    readable = plain.filter(~pl.col("control") & ~pl.col("_bad_encoding"))
    # When every record is a plain line, polars reads the body's bytes where they are.
    whole = source if readable.height == body.height else None
    columns, counts = read_simple(readable["text"], width, dialect, whole)
    readable = readable.with_columns(count=counts)
    unreadable = plain.filter(pl.col("control") | pl.col("_bad_encoding"))
    parts = [readable.with_columns(_blank=pl.lit(False), _too_large=pl.lit(False)),
             unreadable.with_columns(
                 count=record_fields(unreadable, dialect).list.len().cast(pl.UInt32),
                 _blank=pl.lit(False), _too_large=pl.lit(False))]
    if maybe.height:
        fields = record_fields(maybe, dialect)
        parts.append(maybe.with_columns(fields=fields).with_columns(
            count=pl.col("fields").list.len().cast(pl.UInt32),
            _blank=pl.col("maybe_blank") & _is_blank(pl.col("fields")),
            _too_large=pl.col("fields").list.eval(
                pl.element().str.len_bytes() > max_field_size).list.any(),
        ))
    checked, reasons = _flagged(_in_row_order(parts), width)
    failed = pl.col("_failed")
    good_ids: list[pl.Expr] = [pl.col("_row"), pl.col("line").cast(pl.Int64).alias("_line")]
    good = [pl.concat([readable.filter(pl.col("count") == width).select(good_ids), columns],
                      how="horizontal")]
    others = checked.filter(~failed & unsure)
    if others.height:  # good records already split (multi-line or odd quotes, maybe blank)
        good.append(others.select(
            *good_ids, *[pl.col("fields").list.get(i).alias(column_name(i))
                         for i in range(width)]))
    rows = _in_row_order(good)
    bad = checked.filter(failed).with_columns(_reasons=reasons)
    rejects = bad.select(
        "_row",
        pl.col("line").cast(pl.Int64).alias("_line"),
        "_reasons",
        _structure_message(width, max_field_size).alias("_message"),
        record_fields(bad, dialect).alias("_fields"),
    )
    return rows, rejects


def _in_row_order(parts: list[pl.DataFrame]) -> pl.DataFrame:
    """The parts as one frame in `_row` order; a single part (the usual case) is not sorted
    again."""
    filled = [part for part in parts if part.height] or parts[:1]
    return filled[0] if len(filled) == 1 else pl.concat(filled).sort("_row")


def _flagged(body: pl.DataFrame, width: int) -> tuple[pl.DataFrame, pl.Expr]:
    """The records with `_failed`, and the expression of a failing record's reason list."""
    blank, count = pl.col("_blank"), pl.col("count")
    codes = [
        (blank, RejectCode.BLANK_ROW),
        (~blank & (count < width), RejectCode.TOO_FEW_FIELDS),
        (~blank & (count > width), RejectCode.TOO_MANY_FIELDS),
        (pl.col("malformed"), RejectCode.MALFORMED_QUOTING),
        (pl.col("_bad_encoding"), RejectCode.INVALID_ENCODING),
        (pl.col("control"), RejectCode.CONTROL_CHARACTER),
        (pl.col("_too_large"), RejectCode.FIELD_TOO_LARGE),
    ]
    checked = body.with_columns(*[cond.alias(code.value) for cond, code in codes])
    checked = checked.with_columns(_failed=pl.any_horizontal([code.value for _, code in codes]))
    # Reason lists only for the failing records: one list per record was most of the cost.
    reasons = pl.concat_list(
        [pl.when(pl.col(code.value)).then(pl.lit(code.value)) for _, code in codes]
    ).list.drop_nulls()
    return checked, reasons


def _structure_message(width: int, max_field_size: int) -> pl.Expr:
    first = pl.col("_reasons").list.first()
    where = format_text("line {}: ", pl.col("line"))
    return (
        pl.when(first == RejectCode.BLANK_ROW.value)
        .then(where + pl.lit("every field is empty"))
        .when(first.is_in([RejectCode.TOO_FEW_FIELDS.value, RejectCode.TOO_MANY_FIELDS.value]))
        .then(where + format_text("{} fields, the header has {}", pl.col("count"), pl.lit(width)))
        .when(first == RejectCode.MALFORMED_QUOTING.value)
        .then(where + pl.lit("text after a closing quote (as in \"Smith\" Jr); quote the whole "
                             "field"))
        .when(first == RejectCode.INVALID_ENCODING.value)
        .then(where + pl.lit("not valid in the file's encoding (shown decoded as cp1252)"))
        .when(first == RejectCode.CONTROL_CHARACTER.value)
        .then(where + pl.lit("a field holds a control character (NUL, bare CR, …)"))
        .otherwise(where + pl.lit(f"a field is longer than {max_field_size} bytes"))
    )
