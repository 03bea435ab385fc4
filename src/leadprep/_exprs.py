"""Polars expressions shared by the stages."""

from __future__ import annotations

import polars as pl


def format_text(template: str, *values: pl.Expr) -> pl.Expr:
    """`pl.format(template, *values)`, built from concat_str: pl.format panics on some string
    columns (polars issues 25339 and 25525: "assertion failed: i < self.len()"), which a
    10M-lead file hit in one block. Null when any value is null, as pl.format."""
    pieces = template.split("{}")
    if len(pieces) != len(values) + 1:
        raise ValueError(f"{template!r} has {len(pieces) - 1} placeholders, not {len(values)}")
    parts: list[pl.Expr] = []
    for piece, value in zip(pieces, values, strict=False):
        if piece:
            parts.append(pl.lit(piece))
        parts.append(value)
    if pieces[-1]:
        parts.append(pl.lit(pieces[-1]))
    return pl.concat_str(parts)
