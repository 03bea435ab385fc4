"""Every rejected row in one frame, whichever stage rejected it, with its fields as read."""

from __future__ import annotations

import polars as pl

from leadprep._parse import column_name
from leadprep._read import ReadResult
from leadprep._validate import ValidatedFrame


def rejected_rows(read: ReadResult, validated: ValidatedFrame) -> pl.DataFrame:
    """`_row`, `_line`, `_reasons` (list), `_message`, `_fields` (list, as read), by row."""
    columns = ["_row", "_line", "_reasons", "_message"]
    structural = read.rejects.select(*columns, "_fields")
    # Content rejects get their fields back as read, from the reader's rows.
    content = validated.rejected.select(columns).join(
        read.rows.drop("_line"), on="_row", how="left"
    ).select(
        *columns,
        pl.concat_list([pl.col(column_name(i)) for i in range(read.width)]).alias("_fields"),
    )
    return pl.concat([structural, content]).sort("_row")
