"""Encoding detection and transcoding to UTF-8 (SPEC section 3, read).

Order: byte-order mark; BOM-less UTF-16 by its NUL pattern; strict UTF-8 over the whole file
(allowing a few bad lines, which become INVALID_ENCODING rejects); else chardet over the whole file,
restricted to the encodings lead files come in, and verified by decoding the whole file with the
answer. A sample is not enough: the first accent may sit past any sample.
"""

from __future__ import annotations

import codecs
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import chardet
import polars as pl

from leadprep._codes import FileErrorCode
from leadprep._errors import ConfigError, InputFileError
from leadprep._options import encoding_problem

EncodingSource = Literal["bom", "nul-pattern", "utf-8", "chardet", "option", "ascii"]

# What lead files come in: spreadsheets and CRMs on Windows, Macs and Japanese systems.
LIKELY_ENCODINGS = ("utf-8", "windows-1252", "iso-8859-1", "cp932", "shift_jis", "euc-jp")

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a zip archive (an Excel .xlsx workbook is one): save the sheet as CSV"),
    (b"\xd0\xcf\x11\xe0", "an old Excel .xls workbook: save the sheet as CSV"),
    (b"\x1f\x8b", "a gzip-compressed file: decompress it first (gunzip)"),
    (b"%PDF", "a PDF document, not a delimited text file: export the leads as CSV"),
    (b"\x89PNG", "a PNG image, not a delimited text file: pass the lead file itself"),
    (b"\xff\xd8\xff", "a JPEG image, not a delimited text file: pass the lead file itself"),
    (b"BZh", "a bzip2-compressed file: decompress it first (bunzip2)"),
    (b"\xfd7zXZ", "an xz-compressed file: decompress it first (unxz)"),
    (b"SQLite format 3", "an SQLite database, not a delimited text file: export a table as "
     "CSV"),
)

_CHUNK = 1 << 20
_UTF8_PIECE = 16 << 20
_C1_CONTROLS = re.compile(rb"\xc2[\x80-\x9f]")  # U+0080..U+009F in UTF-8


@dataclass(frozen=True)
class DecodedText:
    """The file as UTF-8 bytes, and how it was decoded."""

    data: bytes
    encoding: str
    confidence: float
    source: EncodingSource
    bom: bool
    # 1-based physical line numbers that were not valid in the encoding (shown decoded as cp1252).
    bad_lines: frozenset[int] = field(default_factory=frozenset)


def decode_file(path: Path, raw: bytes, encoding: str | None) -> DecodedText:
    """Detect the encoding of `raw` (unless given) and return its text as UTF-8 bytes."""
    bom_encoding, bom_length = _sniff_bom(raw)
    if encoding is not None:
        return _decode_with_option(path, raw, encoding, bom_encoding, bom_length)
    if bom_encoding is not None:
        body = raw[bom_length:]
        return DecodedText(
            _transcode(path, body, bom_encoding), bom_encoding, 1.0, "bom", True
        )
    utf16 = _sniff_utf16_nul_pattern(raw)
    if utf16 is not None:
        return DecodedText(_transcode(path, raw, utf16), utf16, 0.99, "nul-pattern", False)
    if raw.endswith(b"\x00\x00"):
        # A NUL-padded tail (preallocated or truncated copies) is not data.
        raw = raw.rstrip(b"\x00")
    _refuse_binary(path, raw)
    if raw.isascii():
        return DecodedText(raw, "utf-8", 1.0, "utf-8", False)
    if is_utf8(raw):
        return DecodedText(raw, "utf-8", 1.0, "utf-8", False)
    mostly = _utf8_with_few_bad_lines(raw)
    if mostly is not None:
        return mostly
    return _decode_with_chardet(path, raw)


def _sniff_bom(raw: bytes) -> tuple[str | None, int]:
    for bom, name in _BOMS:
        if raw.startswith(bom):
            return name, len(bom)
    return None, 0


def _sniff_utf16_nul_pattern(raw: bytes) -> str | None:
    """UTF-16 text of mostly Latin script has a NUL in every other byte."""
    sample = raw[:65536]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even_nuls = sample[0 : pairs * 2 : 2].count(0)
    odd_nuls = sample[1 : pairs * 2 : 2].count(0)
    if odd_nuls >= 0.4 * pairs and even_nuls <= 0.05 * pairs:
        return "utf-16-le"
    if even_nuls >= 0.4 * pairs and odd_nuls <= 0.05 * pairs:
        return "utf-16-be"
    return None


def _refuse_binary(path: Path, raw: bytes) -> None:
    for magic, what in _MAGIC:
        if raw.startswith(magic):
            raise InputFileError(FileErrorCode.BINARY_FILE, path, f"this is {what}")
    sample = raw[:65536]
    controls = sum(sample.count(bytes([b])) for b in range(32) if b not in (9, 10, 12, 13))
    if sample and controls / len(sample) > 0.05:
        raise InputFileError(
            FileErrorCode.BINARY_FILE,
            path,
            f"{controls} of the first {len(sample)} bytes are control bytes; this is not a "
            "text file (export the data as CSV)",
        )


def is_utf8(raw: bytes, piece: int = _UTF8_PIECE) -> bool:
    """Whether `raw` is valid UTF-8, as Python's strict codec judges it (no surrogates, no
    overlong forms), by polars' SIMD validator. The data goes over in pieces of about `piece`
    bytes, as many at once as polars has threads, each cut before a character's first byte:
    a valid text stays valid piece by piece, and a broken sequence stays broken in its piece
    (a cut never comes before a continuation byte unless four are in a row, which no
    character has)."""
    cuts = _piece_starts(raw, piece)
    if len(cuts) <= 2:
        return _valid_piece(raw)
    with ThreadPoolExecutor(pl.thread_pool_size()) as pool:
        return all(pool.map(lambda start, end: _valid_piece(raw[start:end]), cuts, cuts[1:]))


def _piece_starts(raw: bytes, piece: int) -> list[int]:
    """0, where each piece after the first starts, and len(raw)."""
    starts = [0]
    while starts[-1] < len(raw):
        end = min(starts[-1] + piece, len(raw))
        for _ in range(3):
            if end < len(raw) and raw[end] & 0xC0 == 0x80:
                end += 1
        starts.append(end)
    return starts


def _valid_piece(data: bytes) -> bool:
    try:
        pl.Series([data], dtype=pl.Binary).cast(pl.String)
    except pl.exceptions.ComputeError:
        return False
    return True


def _utf8_with_few_bad_lines(raw: bytes) -> DecodedText | None:
    """A UTF-8 file with a few lines in another encoding (a pasted cp1252 line, say).

    It is UTF-8 when most of its non-ASCII lines are valid UTF-8; the others become
    INVALID_ENCODING rejects. Otherwise the file is in some other encoding.
    """
    separator = b"\n" if b"\n" in raw else b"\r"
    lines = raw.split(separator)
    good_non_ascii = 0
    bad: list[int] = []
    for number, line in enumerate(lines, start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            bad.append(number)
        else:
            good_non_ascii += 1
    if good_non_ascii == 0 or len(bad) > good_non_ascii:
        return None
    for number in bad:
        lines[number - 1] = lines[number - 1].decode("cp1252", "replace").encode("utf-8")
    return DecodedText(
        separator.join(lines), "utf-8", good_non_ascii / (good_non_ascii + len(bad)), "utf-8",
        False, frozenset(bad)
    )


def _decode_with_chardet(path: Path, raw: bytes) -> DecodedText:
    result = chardet.detect(
        raw,
        max_bytes=len(raw),
        include_encodings=LIKELY_ENCODINGS,
        prefer_superset=True,
        no_match_encoding="utf-8",  # strict UTF-8 already failed: this answer means none
    )
    name = result.get("encoding")
    confidence = float(result.get("confidence") or 0.0)
    candidates = [name] if name and python_name(name) != "utf-8" else []
    # chardet's answer must decode the whole file; else try the usual suspects in order.
    candidates += ["windows-1252", "cp932"]
    for candidate in candidates:
        try:
            codec = codecs.lookup(candidate).name
            data = _transcode(path, raw, codec)
        except (LookupError, InputFileError):
            continue
        if codec == "iso8859-1" and _C1_CONTROLS.search(data):
            # Latin-1 decodes anything; C1 controls in the text mean it was the wrong answer.
            continue
        source: EncodingSource = "chardet"
        return DecodedText(data, codec, confidence if candidate == name else 0.0, source,
                           False)
    raise InputFileError(
        FileErrorCode.UNDECIDABLE_ENCODING,
        path,
        "the encoding could not be decided (not UTF-8, and no likely encoding decodes it); "
        "pass it with --encoding, e.g. --encoding cp1252",
    )


def python_name(name: str) -> str | None:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _decode_with_option(
    path: Path, raw: bytes, encoding: str, bom_encoding: str | None, bom_length: int
) -> DecodedText:
    problem = encoding_problem(encoding)
    if problem:
        raise ConfigError(f"--encoding {encoding!r} {problem}")
    name = codecs.lookup(encoding).name
    body = raw
    has_bom = False
    if bom_encoding is not None and codecs.lookup(bom_encoding).name.startswith(name[:6]):
        body, has_bom = raw[bom_length:], True
    elif name in ("utf-8", "utf-8-sig") and raw.startswith(codecs.BOM_UTF8):
        body, has_bom = raw[3:], True
    if name in ("utf-16", "utf-32") and not has_bom:
        name = name + "-le"
    return DecodedText(_transcode(path, body, name), name, 1.0, "option", has_bom)


def _transcode(path: Path, body: bytes, encoding: str) -> bytes:
    """Decode in chunks and re-encode as UTF-8: no whole-file Python string."""
    if encoding in ("utf-8", "ascii") and is_utf8(body):
        return body
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    out = bytearray()
    view = memoryview(body)
    end = 0  # bytes handed to the decoder so far
    try:
        for offset in range(0, len(body), _CHUNK):
            end = min(offset + _CHUNK, len(body))
            out += decoder.decode(view[offset:end]).encode("utf-8")
        out += decoder.decode(b"", final=True).encode("utf-8")
    except UnicodeDecodeError as exc:
        # exc.object is what the decoder held: bytes it kept from earlier chunks, then this one.
        position = end - len(exc.object) + exc.start
        before = body[end - len(exc.object) : position]
        line = out.count(b"\n") + before.decode(encoding, "ignore").count("\n") + 1
        if position >= len(body) or exc.reason == "truncated data":
            what = (f"the file ends inside a {encoding} character (offset {position}); check "
                    "that it is complete, or")
        else:
            what = f"byte 0x{body[position]:02X} at offset {position} is not valid {encoding};"
        raise InputFileError(
            FileErrorCode.UNDECIDABLE_ENCODING,
            path,
            f"{what} pass the file's encoding with --encoding (or [input] encoding)",
            line=line,
        ) from None
    return bytes(out)
