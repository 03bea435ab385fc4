"""Stage 1, read: a lead file in, string records with row numbers and structural rejects out."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import polars as pl

from leadprep._codes import FileErrorCode, RejectCode
from leadprep._encoding import EncodingSource, decode_file
from leadprep._errors import ConfigError, InputFileError
from leadprep._options import TAB_NAMES, delimiter_problem, quote_char_problem
from leadprep._parse import (
    Dialect,
    InPlace,
    column_name,
    has_control_bytes,
    line_starts,
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
# Lines whose byte offsets are kept, so a body starting among them can be read in place.
_HEAD_LINES = 1000
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


def read(path: str | Path, options: ReadOptions | None = None) -> ReadResult:
    """Read a delimited lead file: detect, decode, parse, and check every record's shape."""
    options = options or ReadOptions()
    _check_options(options)
    path = Path(path)
    raw = _read_bytes(path)
    decoded = decode_file(path, raw, options.encoding)
    data = decoded.data
    if not data or data.isspace():  # (data.strip() would copy the file)
        raise InputFileError(
            FileErrorCode.EMPTY_FILE, path,
            "the file is empty (no header, no rows); check the path, or export the file again",
        )
    breaks = LineBreaks.count(data)
    line_ending = sniff_line_ending(breaks)
    if line_ending == "CR":
        data = data.replace(b"\r", b"\n")
        breaks = LineBreaks.count(data)
    dialect, delimiter_detected = _dialect(path, data, options)
    # Lone CRs are control characters too; without them and C0 bytes no line needs a regex.
    control_bytes = has_control_bytes(data)
    controls = control_bytes or breaks.lone_cr > 0
    lines = split_lines(data, breaks, control_bytes=control_bytes)
    # Each copy of the file is let go as soon as the next exists: the peak is what matters.
    bad_lines, decoded = decoded.bad_lines, replace(decoded, data=b"")
    del raw
    starts = line_starts(lines.head(_HEAD_LINES))
    records = parse_records(lines, dialect, str(path), controls=controls)
    del lines
    records = records.with_columns(
        _bad_encoding=_any_line_in(sorted(bad_lines)) if bad_lines else pl.lit(False)
    )
    head_fields = record_fields(records.head(_HEAD_RECORDS), dialect)
    header_at, has_header, skipped = _find_header(records.head(_HEAD_RECORDS), head_fields,
                                                  options.header)
    header = tuple(head_fields[header_at]) if has_header else ()
    body = records.slice(header_at + 1 if has_header else header_at)
    width = len(header) if has_header else _modal_width(body, dialect)
    if not has_header:
        header = tuple(f"column {i + 1}" for i in range(width))
    _refuse_runaway_quotes(path, body, width)
    body = body.with_row_index("_row", offset=1).with_columns(pl.col("_row").cast(pl.Int64))
    del records
    first_line = int(body["line"][0]) if body.height else 0
    source = InPlace(data, starts[first_line], first_line - 1) if first_line in starts else None
    del data
    rows, rejects = _check_shapes(body, width, options.max_field_size, dialect, source)
    del source
    rows_read = body.height
    del body
    detection = Detection(
        encoding=decoded.encoding,
        encoding_confidence=round(decoded.confidence, 4),
        encoding_source=decoded.source,
        bom=decoded.bom,
        delimiter=dialect.delimiter,
        delimiter_detected=delimiter_detected,
        quote_char=dialect.quote_char,
        line_ending=line_ending,
        header=has_header,
        skipped_lines=skipped,
        invalid_encoding_lines=len(bad_lines),
    )
    return ReadResult(str(path), detection, header, rows, rejects, rows_read)


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
    counts = record_fields(body.head(1000), dialect).list.len().to_list()
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
    # state machine) are split into fields; the rest are read as columns by polars.
    unsure = (pl.col("maybe_blank") | pl.col("text").is_null()
              | (pl.col("text").str.len_bytes() > max_field_size))
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
    where = pl.format("line {}: ", pl.col("line"))
    return (
        pl.when(first == RejectCode.BLANK_ROW.value)
        .then(where + pl.lit("every field is empty"))
        .when(first.is_in([RejectCode.TOO_FEW_FIELDS.value, RejectCode.TOO_MANY_FIELDS.value]))
        .then(where + pl.format("{} fields, the header has {}", pl.col("count"), pl.lit(width)))
        .when(first == RejectCode.MALFORMED_QUOTING.value)
        .then(where + pl.lit("text after a closing quote (as in \"Smith\" Jr); quote the whole "
                             "field"))
        .when(first == RejectCode.INVALID_ENCODING.value)
        .then(where + pl.lit("not valid in the file's encoding (shown decoded as cp1252)"))
        .when(first == RejectCode.CONTROL_CHARACTER.value)
        .then(where + pl.lit("a field holds a control character (NUL, bare CR, …)"))
        .otherwise(where + pl.lit(f"a field is longer than {max_field_size} bytes"))
    )
