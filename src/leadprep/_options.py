"""Checks of the reading options (delimiter, quote char, encoding), shared by the command-line
flags and the config's [input] table so that each error names where the value came from."""

from __future__ import annotations

import codecs

# How a tab is spelled on a command line or in TOML without a literal tab.
TAB_NAMES = ("\\t", "tab")


def delimiter_problem(delimiter: str | None) -> str | None:
    """What is wrong with a given delimiter (to follow its name and value), or None."""
    if delimiter is None or delimiter in TAB_NAMES:
        return None
    if len(delimiter) != 1 or delimiter in "\r\n":
        return "must be one character, not a line break: , ; | or tab"
    return None


def quote_char_problem(quote: str | None) -> str | None:
    """What is wrong with a given quote character (to follow its name and value), or None."""
    if quote is None or quote == "none":
        return None
    if len(quote) != 1 or quote in "\r\n":
        return "must be one character (usually \" or '), or 'none' to read quotes as text"
    return None


def encoding_problem(encoding: str | None) -> str | None:
    """What is wrong with a given encoding name (to follow its name and value), or None."""
    if encoding is None:
        return None
    try:
        info = codecs.lookup(encoding)
    except LookupError:
        return "is not an encoding Python knows (try utf-8, cp1252, latin-1, utf-16, cp932)"
    if not getattr(info, "_is_text_encoding", True):  # rot13, base64, zip: not text encodings
        return "is not a text encoding (try utf-8, cp1252, latin-1, utf-16, cp932)"
    return None
