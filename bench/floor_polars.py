"""Contender 3, the floor: polars reads the file as text and writes it back as NDJSON.

    python bench/floor_polars.py FILE OUT.ndjson

No detection, no validation, no phone numbers: the least any CSV-to-JSON tool has to do.
"""

from __future__ import annotations

import sys

import polars as pl


def main() -> None:
    source, target = sys.argv[1], sys.argv[2]
    pl.read_csv(source, infer_schema=False).write_ndjson(target)


if __name__ == "__main__":
    main()
