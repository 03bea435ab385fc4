"""Dialect detection on the decoded text: delimiter, quote char, line ending (SPEC section 3)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Literal

DELIMITERS = (",", "\t", ";", "|")
DELIMITER_NAMES = {",": "comma", "\t": "tab", ";": "semicolon", "|": "pipe"}
LineEnding = Literal["LF", "CRLF", "CR", "mixed", "none"]

_SAMPLE_LINES = 500


@dataclass(frozen=True)
class DelimiterGuess:
    delimiter: str | None
    consistency: float
    fields: int


# LineBreaks.count keeps these bytes of the data and drops the rest, in one pass (in C): every
# C0 control, line breaks and tabs among them, the double quote and the backslash. What is
# kept is about a byte a line, and is counted instead of the data.
_KEPT = bytes([*range(0x20), ord('"'), ord("\\")])
_DROPPED = bytes(b for b in range(256) if b not in _KEPT)


@dataclass(frozen=True)
class LineBreaks:
    """How many LF, CR and CR LF the data holds: counted once, used by every step that asks.
    count() also notes, in the same pass, whether the data holds a C0 control but tab, LF and
    CR (`control`), a tab, a double quote or a backslash; a sum of counts leaves them False."""

    lf: int
    cr: int
    crlf: int
    control: bool = False
    tab: bool = False
    quote: bool = False
    backslash: bool = False

    @classmethod
    def count(cls, data: bytes) -> LineBreaks:
        kept = data.translate(None, _DROPPED)
        cr = kept.count(b"\r")
        others = kept.translate(None, b"\n\r")
        return cls(
            kept.count(b"\n"), cr, data.count(b"\r\n") if cr else 0,
            control=bool(others.translate(None, b'\t"\\')), tab=b"\t" in others,
            quote=b'"' in others, backslash=b"\\" in others,
        )

    @property
    def lone_cr(self) -> int:
        return self.cr - self.crlf

    @property
    def uniform(self) -> bool:
        """Every line break is LF, or every one is CR LF."""
        return self.cr == 0 or self.cr == self.lf == self.crlf


def sniff_line_ending(breaks: LineBreaks) -> LineEnding:
    lf = breaks.lf - breaks.crlf
    if breaks.crlf == 0 and breaks.lone_cr > lf:
        # Mac spreadsheets write CR between records and LF inside quoted cells.
        return "CR"
    if lf == 0 and breaks.crlf == 0:
        return "none"
    if breaks.crlf and lf:
        return "mixed"
    return "CRLF" if breaks.crlf else "LF"


def sample_lines(text: str, quote_char: str | None) -> list[str]:
    """The first lines of the text, with quoted sections (which may hold newlines) blanked."""
    if quote_char:
        q = re.escape(quote_char)
        text = re.sub(f"{q}(?:[^{q}]|{q}{q})*{q}", "Q", text)
    lines = [line.rstrip("\r") for line in text.split("\n")[:_SAMPLE_LINES]]
    return [line for line in lines if line.strip()]


def sniff_quote_char(text: str) -> str:
    """`'` only when it, and not `"`, is seen opening and closing whole fields more often."""
    single = _quoted_fields(text, "'")
    return "'" if single and single > _quoted_fields(text, '"') else '"'


def _quoted_fields(text: str, q: str) -> int:
    if q not in text:  # most samples lack one of the two: no regex over a megabyte for it
        return 0
    qe = re.escape(q)
    pattern = re.compile(f"(?:^|[,\\t;|]){qe}[^{qe}\\n]*{qe}(?:[,\\t;|]|\\r?$)", re.M)
    return len(pattern.findall(text))


def sniff_delimiter(lines: list[str]) -> DelimiterGuess:
    """The candidate that splits the most lines into the same number (≥ 2) of fields.

    Among candidates that are consistent on at least 80% of the lines, the one giving more
    fields wins: a comma file whose rows all hold one "a;b" tag is still a comma file.
    """
    best: DelimiterGuess | None = None
    for delimiter in DELIMITERS:
        counts = Counter(line.count(delimiter) + 1 for line in lines)
        if not counts:
            break
        fields, seen = counts.most_common(1)[0]
        if fields < 2:
            continue
        guess = DelimiterGuess(delimiter, seen / len(lines), fields)
        if best is None or _rank(guess) > _rank(best):
            best = guess
    return best or DelimiterGuess(None, 0.0, 1)


def _rank(guess: DelimiterGuess) -> tuple[bool, float, float]:
    consistent = guess.consistency >= 0.8
    return consistent, float(guess.fields) if consistent else 0.0, guess.consistency
