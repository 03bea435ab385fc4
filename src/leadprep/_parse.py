"""Split decoded UTF-8 text into records of string fields, keeping every record's line number.

Most lines are complete records on their own: a line with no quote char is split on the
delimiter, and a line whose quoted fields all open and close on it is split by one regex, both in
polars. The rest (quoted fields holding newlines, quotes in odd places) go through a small state
machine with the semantics of Python's csv module, which also flags `"Smith" Jr` as malformed.
The field count of every record is kept as read: nothing is padded, truncated or dropped here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from leadprep._codes import FileErrorCode
from leadprep._errors import InputFileError
from leadprep._sniff import LineBreaks

# C0 controls but tab, LF and CR-before-LF: a CRLF inside a quoted field is text.
CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f]|\r[^\n]|\r$"
# Python's $ also matches before a final newline; the regex crate's, like \Z, does not.
_CONTROL_RE = re.compile(CONTROL.replace("$", r"\Z"))


@dataclass(frozen=True)
class Dialect:
    delimiter: str
    quote_char: str | None  # None: quotes are ordinary characters


@dataclass(frozen=True)
class InPlace:
    """Where a body of plain lines sits in the decoded file: it starts `lines_before` lines
    in, and runs to the end. Read there, the file is never copied."""

    data: bytes
    lines_before: int


@dataclass(frozen=True)
class ComplexRecord:
    line: int
    fields: list[str]
    malformed: bool
    last_line: int


# Appended as one more field to each line polars reads: a line whose last field is not this
# one had fewer fields than the header. A C0 control, so never in a line that gets that far.
_SENTINEL = "\x1f"
_UTF8_BOM = "\ufeff".encode()


def fields_json_safe(data: bytes, dialect: Dialect, breaks: LineBreaks) -> bool:
    """Whether no field of the data can hold a character JSON escapes (quote, backslash, C0
    control): there is no `"` or backslash, no C0 control but line breaks (and tabs, when
    they delimit), no lone CR, and no quote char, so no field spans lines. `breaks` (counted
    on the data) has seen all but an unusual quote char; it spares emit a search of every
    column."""
    if breaks.control or breaks.lone_cr or breaks.quote or breaks.backslash:
        return False
    if breaks.tab and dialect.delimiter != "\t":
        return False
    return dialect.quote_char is None or dialect.quote_char.encode() not in data


def split_lines(
    data: bytes, breaks: LineBreaks, *, control_bytes: bool, first_line: int = 1
) -> pl.DataFrame:
    """One row per physical line: `line` (numbered from `first_line`: the data may be a block
    of a larger file), `text` (without its line break) and `crlf` (the line ended in CR LF).
    `breaks` are the data's line breaks, `control_bytes` whether it holds any C0 control but
    tab, LF and CR.

    A file with uniform line breaks and no control bytes is split by polars' CSV reader, as
    one column with a separator that cannot occur (the sentinel, a control); the rest by a
    string split. So is a block of a larger file that starts with U+FEFF: polars would drop it
    there as a byte-order mark (a file's own BOM is gone before this)."""
    if breaks.uniform and not control_bytes and not (
            first_line > 1 and data.startswith(_UTF8_BOM)):
        text = pl.read_csv(
            data, has_header=False, separator=_SENTINEL, quote_char=None,
            schema={"text": pl.String}, empty_string_is_null=False, raise_if_empty=False,
        )["text"]
        return pl.DataFrame({"text": text}).with_row_index("line", offset=first_line) \
            .with_columns(crlf=pl.lit(breaks.crlf > 0))
    text = pl.Series("text", [data], dtype=pl.Binary).cast(pl.String)
    lines = text.str.split("\n").explode()
    if len(lines) and lines[-1] == "":
        lines = lines.head(len(lines) - 1)
    return pl.DataFrame({"text": lines}).with_row_index("line", offset=first_line).with_columns(
        text=pl.col("text").str.strip_suffix("\r"), crlf=pl.col("text").str.ends_with("\r"))


class RecordRunsOn(Exception):
    """A quoted field is still open at the end of a block that is not the file's last: the
    record from `line` on belongs with the next block."""

    def __init__(self, line: int) -> None:
        super().__init__(f"the record of line {line} runs on past the block")
        self.line = line


def parse_records(
    lines: pl.DataFrame, dialect: Dialect, path: str, *, controls: bool, final: bool = True
) -> pl.DataFrame:
    """Records in file order: `line`, `last_line`, `malformed`, `control` (a field holds a
    control character), `maybe_blank`, `quoted`, and either `text` (a simple single-line
    record) or `fields` and `count` (a record the state machine read).

    Simple records are not split here: `record_fields` splits the few that are needed as lists
    and `read_simple` reads the rest as columns. `controls=False` says the data holds no
    control character, which spares a regex over every line. `final=False` says more lines
    follow these: a quote still open at their end raises RecordRunsOn, not a file error."""
    d, q = dialect.delimiter, dialect.quote_char
    text = pl.col("text")
    if q is None:
        classified = lines.with_columns(_quoted=pl.lit(False), _simple=pl.lit(True))
    else:
        classified = lines.with_columns(_quoted=text.str.contains(q, literal=True))
        # Only lines with a quote char can be anything but simple: the regex runs on those.
        quoted = classified.filter("_quoted").select(
            "line", _simple=text.str.contains(_strict_line_pattern(d, q)))
        classified = classified.join(quoted, on="line", how="left", maintain_order="left") \
            .with_columns(pl.col("_simple").fill_null(True))
    complex_starts = classified.filter(~pl.col("_simple"))["line"].to_list()
    complex_records, consumed = _parse_complex(lines, complex_starts, dialect, path, final)

    fast = classified.filter(pl.col("_simple"))
    if consumed:
        fast = fast.filter(~pl.col("line").is_in(list(consumed)))
    filler = "[" + re.escape(d + (q or "")) + r"\s]"
    simple_records = fast.select(
        "line",
        pl.col("line").alias("last_line"),
        "text",
        pl.lit(None, dtype=pl.List(pl.String)).alias("fields"),
        pl.lit(None, dtype=pl.UInt32).alias("count"),
        pl.lit(False).alias("malformed"),
        (text.str.contains(CONTROL) if controls else pl.lit(False)).alias("control"),
        text.str.contains(f"^{filler}*$").alias("maybe_blank"),
        pl.col("_quoted").alias("quoted"),
    )
    complex_frame = pl.DataFrame(
        {
            "line": [r.line for r in complex_records],
            "last_line": [r.last_line for r in complex_records],
            "text": [None for _ in complex_records],
            "fields": [r.fields for r in complex_records],
            "count": [len(r.fields) for r in complex_records],
            "malformed": [r.malformed for r in complex_records],
            "control": [any(_CONTROL_RE.search(f) for f in r.fields) for r in complex_records],
            "maybe_blank": [all(not f.strip() for f in r.fields) for r in complex_records],
            "quoted": [True for _ in complex_records],
        },
        schema=simple_records.schema,
    )
    if not complex_frame.height:
        return simple_records
    if not simple_records.height:
        return complex_frame
    return pl.concat([simple_records, complex_frame]).sort("line")


def _split_simple(dialect: Dialect) -> pl.Expr:
    """The fields of a simple record (`text`), by the regex only when the line is `quoted`."""
    d, q = dialect.delimiter, dialect.quote_char
    split = pl.col("text").str.split(d)
    if q is None:
        return split
    return pl.when(pl.col("quoted")).then(_split_quoted(pl.col("text"), d, q)).otherwise(split)


def record_fields(records: pl.DataFrame, dialect: Dialect) -> pl.Series:
    """The fields of each record as a list; meant for a few records (headers, rejects)."""
    return records.select(
        pl.when(pl.col("fields").is_null()).then(_split_simple(dialect))
        .otherwise(pl.col("fields")).alias("fields"))["fields"]


def count_fields(texts: pl.Series, dialect: Dialect) -> pl.Series:
    """Fields on each simple line: delimiters outside quoted fields, plus one."""
    d, q = dialect.delimiter, dialect.quote_char
    text = pl.col("text")
    delimiters = text.str.count_matches(d, literal=True)
    if q is not None:
        outside = text.str.replace_all(_quoted_field_pattern(q), "")
        delimiters = pl.when(text.str.contains(q, literal=True)).then(
            outside.str.count_matches(d, literal=True)).otherwise(delimiters)
    return texts.to_frame("text").select((delimiters + 1).cast(pl.UInt32))["text"]


def read_simple(
    texts: pl.Series, width: int, dialect: Dialect, whole: InPlace | None = None
) -> tuple[pl.DataFrame, pl.Series]:
    """Simple lines (no control character) read as columns `_c0`..: the columns of the lines
    that hold exactly `width` fields, in order, and every line's field count. `whole`, when
    given, is where these lines are in the file.

    These lines are plain CSV (quoted fields open and close on the line, no quote char in an
    unquoted field), which polars' reader splits exactly as Python's csv module does. But it
    pads a short line, so the fields must be counted, without a pass over every line:
    - from `whole`: polars refuses a long line, and pads a short one with empty fields, so only
      the lines whose last field came out empty are counted;
    - otherwise polars reads each line with a sentinel field after it: only the lines that come
      out short, or a read refused for a long line, are counted."""
    if whole is not None:
        try:
            frame = _polars_read(whole.data, len(texts), width, dialect, whole.lines_before)
        except (pl.exceptions.PolarsError, RuntimeError):  # a long line; the counts will say
            frame = None
        if frame is not None and not _any_short(frame, texts, width, dialect):
            return frame, pl.Series("count", [width] * len(texts), dtype=pl.UInt32)
    try:
        marked = _polars_read(_joined(texts + dialect.delimiter + _SENTINEL), len(texts),
                              width + 1, dialect)
    except pl.exceptions.PolarsError:  # a line with more fields than the header
        counts = count_fields(texts, dialect)
        fitting = texts.filter(counts == width)
        return _polars_read(_joined(fitting), len(fitting), width, dialect), counts
    last = column_name(width)
    fits = marked[last] == _SENTINEL
    if fits.all():
        return marked.drop(last), pl.Series("count", [width] * len(texts), dtype=pl.UInt32)
    counts = count_fields(texts, dialect)
    if not ((counts == width) == fits).all():
        raise RuntimeError("polars and the field count disagree on a line's fields")
    return marked.filter(fits).drop(last), counts


def _any_short(frame: pl.DataFrame, texts: pl.Series, width: int, dialect: Dialect) -> bool:
    """Whether a line of `texts`, read as `frame`, holds fewer than `width` fields."""
    last = frame[column_name(width - 1)]
    maybe_short = (last == "").fill_null(True)  # padded: empty (or null, were polars to change)
    if not maybe_short.any():
        return False
    return bool((count_fields(texts.filter(maybe_short), dialect) < width).any())


def _joined(texts: pl.Series) -> bytes:
    if texts.is_empty():
        return b""
    return bytes(texts.str.join("\n").cast(pl.Binary).item()) + b"\n"


def column_name(index: int) -> str:
    return f"_c{index}"


def _polars_read(
    data: bytes, lines: int, width: int, dialect: Dialect, skip_lines: int = 0
) -> pl.DataFrame:
    schema = {column_name(i): pl.String for i in range(width)}
    if not lines:
        return pl.DataFrame(schema=schema)
    frame = pl.read_csv(
        data, has_header=False, separator=dialect.delimiter, quote_char=dialect.quote_char,
        schema=schema, infer_schema=False, empty_string_is_null=False,
        truncate_ragged_lines=False, raise_if_empty=False, skip_lines=skip_lines,
    )
    if frame.height != lines:
        raise RuntimeError(f"polars read {frame.height} records from {lines} lines")
    return frame


def _field_pattern(d: str, q: str) -> str:
    de, qe = re.escape(d), re.escape(q)
    return f"{qe}(?:[^{qe}]|{qe}{qe})*{qe}|[^{de}{qe}]*"


def _quoted_field_pattern(q: str) -> str:
    qe = re.escape(q)
    return f"{qe}(?:[^{qe}]|{qe}{qe})*{qe}"


def _strict_line_pattern(d: str, q: str) -> str:
    field = _field_pattern(d, q)
    return f"^(?:{field})(?:{re.escape(d)}(?:{field}))*$"


def _split_quoted(body: pl.Expr, d: str, q: str) -> pl.Expr:
    """Fields of a line whose quoted fields all open and close on it.

    Each field is taken with the delimiter in front of it (a delimiter is prefixed to the line),
    so no match is ever empty and empty fields are not skipped.
    """
    pieces = (pl.lit(d) + body).str.extract_all(f"{re.escape(d)}(?:{_field_pattern(d, q)})")
    element = pl.element().str.slice(1)
    unquoted = (
        pl.when(element.str.starts_with(q))
        .then(element.str.slice(1, element.str.len_chars() - 2).str.replace_all(q + q, q,
                                                                              literal=True))
        .otherwise(element)
    )
    return pieces.list.eval(unquoted)


_START, _IN_FIELD, _IN_QUOTED, _QUOTE_IN_QUOTED = range(4)


def _parse_complex(
    lines: pl.DataFrame, starts: list[int], dialect: Dialect, path: str, final: bool
) -> tuple[list[ComplexRecord], set[int]]:
    if not starts:
        return [], set()
    first_line = int(lines["line"][0])
    texts = lines.select(
        pl.when(pl.col("crlf")).then(pl.col("text") + "\r").otherwise(pl.col("text"))
    )["text"]
    records: list[ComplexRecord] = []
    consumed: set[int] = set()
    for start in starts:
        if start in consumed:
            continue
        record = parse_one_record(texts, start, dialect, path, first_line, final)
        records.append(record)
        consumed.update(range(record.line, record.last_line + 1))
    return records, consumed


def parse_one_record(
    texts: pl.Series, start: int, dialect: Dialect, path: str, first_line: int = 1,
    final: bool = True,
) -> ComplexRecord:
    """Parse one record starting at physical line `start`, as Python's csv would; `texts[0]`
    is line `first_line`."""
    d, q = dialect.delimiter, dialect.quote_char
    fields: list[str] = []
    field: list[str] = []
    state = _START
    malformed = False
    quote_opened_on = start
    line_no = start
    while True:
        text = texts[line_no - first_line]
        crlf = text.endswith("\r")
        if crlf:
            text = text[:-1]
        for ch in text:
            if state == _START:
                if ch == q:
                    state, quote_opened_on = _IN_QUOTED, line_no
                elif ch == d:
                    fields.append("")
                else:
                    field.append(ch)
                    state = _IN_FIELD
            elif state == _IN_FIELD:
                if ch == d:
                    fields.append("".join(field))
                    field, state = [], _START
                else:
                    field.append(ch)
            elif state == _IN_QUOTED:
                if ch == q:
                    state = _QUOTE_IN_QUOTED
                else:
                    field.append(ch)
            elif ch == q:
                field.append(ch)
                state = _IN_QUOTED
            elif ch == d:
                fields.append("".join(field))
                field, state = [], _START
            else:
                malformed = True
                field.append(ch)
                state = _IN_FIELD
        if state != _IN_QUOTED:
            fields.append("".join(field))
            return ComplexRecord(start, fields, malformed, line_no)
        field.append("\r\n" if crlf else "\n")
        line_no += 1
        if line_no - first_line >= len(texts):
            if not final:
                raise RecordRunsOn(start)
            raise InputFileError(
                FileErrorCode.UNTERMINATED_QUOTE,
                path,
                f"a quoted field opens on line {quote_opened_on} and is never closed; "
                "close the quote or pass --quote-char none if quotes are plain text here",
                line=quote_opened_on,
            )
