"""Property tests for the read stage.

1. Round trip: a random table (delimiters, quote chars, embedded LF and CRLF, unicode letters
   inside fields) written by Python's csv module, in every supported delimiter, encoding, line
   terminator and quoting style, comes back field for field, rows numbered 1..n, no rejects.
2. Robustness: a valid small file with a few random bytes inserted, deleted or replaced either
   raises InputFileError, or accounts for every record exactly once (as a row or a reject).
"""

from __future__ import annotations

import csv
import functools
import io
import re
from pathlib import Path

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leadprep import InputFileError
from leadprep._encoding import decode_file
from leadprep._read import ReadOptions, ReadResult, read

DELIMITERS = (",", "\t", ";", "|")
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "cp1252")
LINE_TERMINATORS = ("\n", "\r\n")
QUOTINGS = {"minimal": csv.QUOTE_MINIMAL, "all": csv.QUOTE_ALL}

# How read() tells a header from data: no header name may look like this.
_LOOKS_LIKE_DATA = re.compile(r"^\s*\+?[\d\s().\-/]{7,}\s*$|@|^\s*\d{5,}\s*$")
_ASCII_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

# One tmp_path for all examples of a test is fine: every example overwrites the file.
_FIXTURE_OK = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]


def _letters(*ranges: tuple[int, int], step: int = 1) -> str:
    return "".join(
        chr(c) for start, end in ranges for c in range(start, end + 1, step) if chr(c).isalpha()
    )


# Letters (isalpha: no control characters, no line separators) of several scripts, astral
# ones (surrogate pairs in UTF-16) among them; and the cp1252-encodable ones.
_UNICODE_LETTERS = _letters(
    (0xC0, 0x17F), (0x391, 0x3C9), (0x410, 0x44F), (0x5D0, 0x5EA), (0x627, 0x64A),
    (0x905, 0x939), (0x3041, 0x3096), (0x4E00, 0x4E40), (0xAC00, 0xAC20), (0x10400, 0x1044F),
    (0x1D400, 0x1D433), (0x20000, 0x20010), step=7,
)
_CP1252_LETTERS = _letters((0xC0, 0xFF)) + "ŠšŽžŸŒœƒ"
_CP1252_OTHERS = "€£¥©®°±µ¶·¿×÷–—‘’“”•…™"
_COMMON = "abcdeXYZ0123456789 -_.@+()/"


# Each field is one string draw (st.text over an alphabet of characters), which keeps 500
# examples affordable; a list of sampled characters costs a draw or two per character. The
# weights come from stand-ins: private-use characters, 16 per delimiter, quote char and line
# break (LF, CRLF), translated after the draw, so these are common, not one in a hundred.
_STAND_INS = 16


@functools.cache
def _field_strings(letters: str, punctuation: str) -> st.SearchStrategy[str]:
    pieces = [*punctuation, "\n", "\r\n"]
    table = {0xE000 + i: pieces[i % len(pieces)] for i in range(len(pieces) * _STAND_INS)}
    alphabet = letters + _COMMON + "".join(map(chr, table))
    return st.text(alphabet=alphabet, max_size=8).map(lambda text: text.translate(table))


@functools.cache
def _header_names(letters: str) -> st.SearchStrategy[str]:
    """Starts with a letter, no @: never phone- or email-like, never blank."""
    first = st.sampled_from(_ASCII_LETTERS + letters)
    rest = st.text(alphabet=_ASCII_LETTERS + "0123456789 _", max_size=10)
    return st.builds(lambda a, b: a + b.rstrip(), first, rest).filter(
        lambda name: not _LOOKS_LIKE_DATA.search(name)
    )


def _not_blank(fields: list[str]) -> bool:
    return any(field.strip() for field in fields)


@functools.cache
def _rows(width: int, letters: str, punctuation: str) -> st.SearchStrategy[list[list[str]]]:
    # Built once per shape: a strategy made afresh for every example costs more than drawing.
    row = st.lists(_field_strings(letters, punctuation), min_size=width, max_size=width)
    return st.lists(row.filter(_not_blank), min_size=1, max_size=10)


@st.composite
def tables(
    draw: st.DrawFn, *, cp1252: bool = False, punctuation: str = ",\t;|\"'"
) -> tuple[list[str], list[list[str]]]:
    """(header, rows): 2-5 unique non-empty names; 1-10 rows, none of them all blank."""
    letters = _CP1252_LETTERS + _CP1252_OTHERS if cp1252 else _UNICODE_LETTERS
    header = draw(st.lists(_header_names(letters), min_size=2, max_size=5, unique=True))
    # U+FEFF in a field (files glued after a BOM) is text, not a byte-order mark: weighted
    # like the punctuation, so that it often starts a row.
    pieces = punctuation if cp1252 else punctuation + "\ufeff"
    return header, draw(_rows(len(header), letters, pieces))


def _write(
    path: Path,
    header: list[str],
    rows: list[list[str]],
    *,
    delimiter: str,
    encoding: str,
    lineterminator: str,
    quoting: int,
) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=lineterminator,
                        quoting=quoting)
    writer.writerow(header)
    writer.writerows(rows)
    raw = buffer.getvalue().encode(encoding)
    path.write_bytes(raw)
    return raw


def _assert_round_trip(
    result: ReadResult, header: list[str], rows: list[list[str]], raw: bytes
) -> None:
    n = len(rows)
    context = f"file bytes: {raw!r}"
    assert result.header == tuple(header), context
    assert result.rejects.height == 0, f"{result.rejects.to_dicts()}\n{context}"
    assert result.rows_read == n, context
    assert result.rows.columns == ["_row", "_line", *[f"_c{i}" for i in range(len(header))]]
    assert all(result.rows.schema[c] == pl.String for c in result.rows.columns[2:])
    assert result.rows["_row"].to_list() == list(range(1, n + 1)), context
    got = [list(r) for r in result.rows.select(result.rows.columns[2:]).rows()]
    for number, (wrote, back) in enumerate(zip(rows, got, strict=True), start=1):
        assert back == wrote, f"row {number}: wrote {wrote!r}, read {back!r}\n{context}"


# Issue 5: each property runs at least 500 examples in the default run. One example writes a
# small table to one reused file and reads it in process (about 20 ms).
EXAMPLES = 500


@st.composite
def written_tables(
    draw: st.DrawFn, *, encodings: tuple[str, ...], detection: bool
) -> tuple[str, str, str, int, tuple[list[str], list[list[str]]]]:
    """(encoding, delimiter, line terminator, quoting, table). For detection the only
    delimiter char in the text is the file's own and the only quote char is "."""
    encoding = draw(st.sampled_from(encodings))
    delimiter = draw(st.sampled_from(DELIMITERS))
    table = draw(tables(punctuation=delimiter + '"') if detection
                 else tables(cp1252=encoding == "cp1252"))
    return (encoding, delimiter, draw(st.sampled_from(LINE_TERMINATORS)),
            draw(st.sampled_from(list(QUOTINGS.values()))), table)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=_FIXTURE_OK)
@given(case=written_tables(encodings=ENCODINGS, detection=False))
def test_read_with_options_returns_exactly_what_csv_writer_wrote(
    tmp_path: Path, case: tuple[str, str, str, int, tuple[list[str], list[list[str]]]]
) -> None:
    # The quote char is given: an unquoted field such as 'x' may rightly make the sniffer
    # choose ' as the quote char. A BOM-less cp1252 file is a guess, so its encoding is given
    # too; utf-8, utf-8-sig and utf-16 (BOM) are left to detection.
    encoding, delimiter, lineterminator, quoting, (header, rows) = case
    options = ReadOptions(
        delimiter=delimiter,
        header=True,
        quote_char='"',
        encoding="cp1252" if encoding == "cp1252" else None,
    )
    path = tmp_path / "leads.csv"
    raw = _write(path, header, rows, delimiter=delimiter, encoding=encoding,
                 lineterminator=lineterminator, quoting=quoting)
    _assert_round_trip(read(path, options), header, rows, raw)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=_FIXTURE_OK)
@given(case=written_tables(encodings=("utf-8", "utf-8-sig", "utf-16"), detection=True))
def test_read_with_detection_returns_exactly_what_csv_writer_wrote(
    tmp_path: Path, case: tuple[str, str, str, int, tuple[list[str], list[list[str]]]]
) -> None:
    # Detection is a guess, so the data leaves it nothing to guess wrong: the only delimiter
    # char in the text is the file's own (quoted when it appears in a field), the only quote
    # char is ", and header names look like names.
    encoding, delimiter, lineterminator, quoting, (header, rows) = case
    path = tmp_path / "leads.csv"
    raw = _write(path, header, rows, delimiter=delimiter, encoding=encoding,
                 lineterminator=lineterminator, quoting=quoting)
    result = read(path)
    assert result.detection.delimiter == delimiter
    assert result.detection.header is True
    assert result.detection.quote_char == '"'
    _assert_round_trip(result, header, rows, raw)


def test_read_detects_a_cp1252_file_and_returns_what_was_written(tmp_path: Path) -> None:
    header = ["Name", "Stadt", "Notiz"]
    rows = [
        ["Zoë Ñandú", "Köln", 'said "ça va", left'],
        ["Jürgen Groß", "München", "line one\r\nline two"],
        ["Renée O'Brien", "Besançon", "€ 5, £ 3, ¥ 2 – “quoted”"],
    ]
    path = tmp_path / "leads.csv"
    raw = _write(path, header, rows, delimiter=",", encoding="cp1252", lineterminator="\r\n",
                 quoting=csv.QUOTE_MINIMAL)
    result = read(path)
    assert result.detection.encoding == "cp1252"
    _assert_round_trip(result, header, rows, raw)


# --- robustness under byte mutations -------------------------------------------------------

_SEED_FILES = [
    b'first_name,last_name,phone\r\nAnn,Lee,415 555 0100\r\n"Bo, Jr",Ng,"+1 (415) 555-0101"\r\n',
    b'name;city;note\n"Zo\xc3\xab";K\xc3\xb6ln;"two\nlines"\nJo;Paris;""\n',
    b"a\tb\tc\n1\t2\t3\n4\t5\t6\n7\t8\t9\n",
    "id|name\n1|Jürgen\n2|Renée\n".encode("cp1252"),
    "name,phone\nAnn,4155550100\nBo,4155550101\n".encode("utf-16"),
    b'"email","phone"\n"a@b.com","555-0100"\n"c@d.com","555-0101"\n',
    b'Leads export\r\n\r\nname,note\r\n"Ann","a\r\nb"\r\n,\r\nBo,"x""y"\r\nCy,\'q\'\r\n',
    b"name,note\rAnn,one\rBo,two\r",
    b'id,name,note\r"1","Ann","two\nlines"\r2,Bo,x\r',
    "id,name,note\r\n1,Pe\u00f1a,\u201cVIP\u201d \u20ac5\r\n2,Bo,x\r\n".encode("cp1252"),
    "id\tname\n1\tZo\u00eb\n2\tBo\n".encode("utf-16-be"),
    b'id,first,last,phone\n1,Bob, "Smith, Jr",555\n2,Ann,Lee,556\n,,,\n',
]


@st.composite
def mutated_files(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(_SEED_FILES)))
    interesting = st.sampled_from(b'",;|\t\r\n\x00\xff\xfe\xef\xbb\xbf\x80\xc3 a1')
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["insert", "delete", "replace"]))
        byte = draw(interesting | st.integers(0, 255))
        if kind == "insert":
            data.insert(draw(st.integers(0, len(data))), byte)
        elif data:
            at = draw(st.integers(0, len(data) - 1))
            if kind == "delete":
                del data[at]
            else:
                data[at] = byte
    return bytes(data)


def _assert_same_records_as_csv_module(data: bytes, result: ReadResult) -> None:
    """Where Python's csv module is a fair yardstick (no lone CR, every line decodable), it
    finds as many records in the text the reader decoded, and the same fields in each
    accepted row."""
    detection = result.detection
    if detection.invalid_encoding_lines or detection.line_ending == "CR":
        return
    text = decode_file(Path("mutated.csv"), data, None).data.decode("utf-8")
    if "\r" in text.replace("\r\n", ""):
        return
    quote = detection.quote_char
    try:
        records = list(csv.reader(
            io.StringIO(text, newline=""), delimiter=detection.delimiter, quotechar=quote or '"',
            quoting=csv.QUOTE_MINIMAL if quote else csv.QUOTE_NONE))
    except csv.Error:
        return
    body = records[len(detection.skipped_lines) + (1 if detection.header else 0):]
    assert len(body) == result.rows_read, data
    columns = result.rows.columns[2:]
    for number, *fields in result.rows.select("_row", *columns).iter_rows():
        assert fields == body[number - 1], (number, data)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=_FIXTURE_OK)
@given(
    data=mutated_files(),
    options=st.sampled_from([None, ReadOptions(delimiter=",", header=True)]),
)
def test_read_of_mutated_file_raises_input_file_error_or_accounts_for_every_record(
    tmp_path: Path, data: bytes, options: ReadOptions | None
) -> None:
    path = tmp_path / "mutated.csv"
    path.write_bytes(data)
    try:
        result = read(path, options)
    except InputFileError as exc:
        assert exc.code is not None
        return
    assert result.rows.height + result.rejects.height == result.rows_read, data
    numbers = result.rows["_row"].to_list() + result.rejects["_row"].to_list()
    assert sorted(numbers) == list(range(1, result.rows_read + 1)), data
    if options is None:
        _assert_same_records_as_csv_module(data, result)
