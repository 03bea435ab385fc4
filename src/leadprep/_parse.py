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

# C0 controls but tab, LF and CR-before-LF: a CRLF inside a quoted field is text.
CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f]|\r[^\n]|\r$"
# Python's $ also matches before a final newline; the regex crate's, like \Z, does not.
_CONTROL_RE = re.compile(CONTROL.replace("$", r"\Z"))


@dataclass(frozen=True)
class Dialect:
    delimiter: str
    quote_char: str | None  # None: quotes are ordinary characters


@dataclass(frozen=True)
class ComplexRecord:
    line: int
    fields: list[str]
    malformed: bool
    last_line: int


def split_lines(data: bytes) -> pl.DataFrame:
    """One row per physical line: `line` (1-based) and `text` (with any trailing CR kept)."""
    text = pl.Series("text", [data], dtype=pl.Binary).cast(pl.String)
    lines = text.str.split("\n").explode()
    if len(lines) and lines[-1] == "":
        lines = lines.head(len(lines) - 1)
    return pl.DataFrame({"text": lines}).with_row_index("line", offset=1)


def parse_records(lines: pl.DataFrame, dialect: Dialect, path: str) -> pl.DataFrame:
    """Records in file order: `line`, `last_line`, `fields` (list of str), `malformed`,
    `control` (a field holds a control character) and `maybe_blank` (bool)."""
    d, q = dialect.delimiter, dialect.quote_char
    body = pl.col("text").str.strip_suffix("\r")
    if q is None:
        simple = pl.lit(True)
        quoted = pl.lit(False)
    else:
        quoted = pl.col("text").str.contains(q, literal=True)
        simple = ~quoted | body.str.contains(_strict_line_pattern(d, q))
    classified = lines.with_columns(_simple=simple, _quoted=quoted)
    complex_starts = classified.filter(~pl.col("_simple"))["line"].to_list()
    complex_records, consumed = _parse_complex(lines["text"], complex_starts, dialect, path)

    fast = classified.filter(pl.col("_simple"))
    if consumed:
        fast = fast.filter(~pl.col("line").is_in(list(consumed)))
    # Unquoted and quoted lines apart: the quoted split is a regex not worth running on all.
    parts = [
        _fast_records(fast.filter(~pl.col("_quoted")), body.str.split(d), body, d, q),
        _fast_records(fast.filter(pl.col("_quoted")), _split_quoted(body, d, q or '"'), body, d,
                      q),
    ]
    parts.append(pl.DataFrame(
        {
            "line": [r.line for r in complex_records],
            "last_line": [r.last_line for r in complex_records],
            "fields": [r.fields for r in complex_records],
            "malformed": [r.malformed for r in complex_records],
            "control": [any(_CONTROL_RE.search(f) for f in r.fields) for r in complex_records],
            "maybe_blank": [all(not f.strip() for f in r.fields) for r in complex_records],
        },
        schema=parts[0].schema,
    ))
    filled = [part for part in parts if part.height]
    if len(filled) <= 1:
        return filled[0] if filled else parts[0]
    return pl.concat(filled).sort("line")


def _fast_records(lines: pl.DataFrame, fields: pl.Expr, body: pl.Expr, d: str, q: str | None
                  ) -> pl.DataFrame:
    """One record per line. A single-line record holds a control character exactly when its
    line does, and can only be blank if the line is nothing but delimiters, quotes and
    spaces (`maybe_blank`, confirmed per field by the reader)."""
    filler = "[" + re.escape(d + (q or "")) + r"\s]"
    return lines.select(
        "line",
        pl.col("line").alias("last_line"),
        fields.alias("fields"),
        pl.lit(False).alias("malformed"),
        body.str.contains(CONTROL).alias("control"),
        body.str.contains(f"^{filler}*$").alias("maybe_blank"),
    )


def _field_pattern(d: str, q: str) -> str:
    de, qe = re.escape(d), re.escape(q)
    return f"{qe}(?:[^{qe}]|{qe}{qe})*{qe}|[^{de}{qe}]*"


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
    texts: pl.Series, starts: list[int], dialect: Dialect, path: str
) -> tuple[list[ComplexRecord], set[int]]:
    records: list[ComplexRecord] = []
    consumed: set[int] = set()
    for start in starts:
        if start in consumed:
            continue
        record = parse_one_record(texts, start, dialect, path)
        records.append(record)
        consumed.update(range(record.line, record.last_line + 1))
    return records, consumed


def parse_one_record(texts: pl.Series, start: int, dialect: Dialect, path: str) -> ComplexRecord:
    """Parse one record starting at physical line `start` (1-based), as Python's csv would."""
    d, q = dialect.delimiter, dialect.quote_char
    fields: list[str] = []
    field: list[str] = []
    state = _START
    malformed = False
    quote_opened_on = start
    line_no = start
    while True:
        text = texts[line_no - 1]
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
        if line_no > len(texts):
            raise InputFileError(
                FileErrorCode.UNTERMINATED_QUOTE,
                path,
                f"a quoted field opens on line {quote_opened_on} and is never closed; "
                "close the quote or pass --quote-char none if quotes are plain text here",
                line=quote_opened_on,
            )
