"""The `actions` command: a thin layer over leadprep.actions (reference 002_*)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from leadprep._actions import ACTIONS, ID_TYPES, ActionsResult, actions
from leadprep._cli_show import _console, _counts_table, _file_line
from leadprep._config import ColumnRef, Config, load_config
from leadprep._emit import refuse_file_as_directory
from leadprep._errors import LeadprepError


def _column_ref(value: str | None) -> ColumnRef | None:
    """--id-column: a header name, or a column index when it is a whole number."""
    if value is None:
        return None
    return int(value) if value.strip().isdigit() else value


def actions_command(
    action: Annotated[
        str, typer.Argument(metavar="ACTION", help=f"The lead action: {', '.join(ACTIONS)}.")
    ],
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE",
            help="The file of ids: one column of externIds (or "
            "phones), or a file with an externId/phone column.",
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Output directory; created if missing. Earlier outputs in it are "
            "replaced. Without it nothing is written and the summary is printed.",
        ),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            "-c",
            help="The leadprep TOML config: \\[actions] (id column, batch "
            "size, campaignId/campaignIds/listIds, \\[actions.paramMap] for MOVE_TO_CAMPAIGN), "
            "\\[account] for phones, \\[input].",
        ),
    ] = None,
    id_column: Annotated[
        str | None,
        typer.Option(
            help="The column of ids: header name or index (per \\[mapping] index_base); overrides "
            "\\[actions] id_column. Default: a column named externId (or phone), else the only "
            "column."
        ),
    ] = None,
    id_type: Annotated[
        str | None,
        typer.Option(
            help=f"What the ids are: {' or '.join(ID_TYPES)} (sent as externIds or "
            "leadPhoneNumbers); overrides \\[actions] id_type. Default: from the column's name, "
            "else externId."
        ),
    ] = None,
    batch_size: Annotated[
        int | None,
        typer.Option(
            help="Ids per request body; overrides \\[actions] batch_size (default 1000).", min=1
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print summary.json's content instead of text.")
    ] = False,
    encoding: Annotated[str | None, typer.Option(help="Input encoding; skips detection.")] = None,
    delimiter: Annotated[
        str | None, typer.Option(help="Field delimiter: , ; | or tab; skips detection.")
    ] = None,
    header: Annotated[
        bool | None,
        typer.Option(
            "--header/--no-header",
            help="Whether the first row is a header; skips detection (a "
            "one-column file has one only when it names the ids: externId, phone, …).",
            show_default=False,
        ),
    ] = None,
    debug: Annotated[bool, typer.Option(help="Show Python tracebacks on errors.")] = False,
) -> None:
    """Lead action request bodies (campaignLeadSearchCriteria, and leadActionParams for
    MOVE_TO_CAMPAIGN) for PUT …/campaignLeads/actions?leadAction=ACTION, from a file of
    externIds or phones: batched, each id once, empty or malformed ids in rejects.csv.
    Exit 0 done; 2 usage or config error; 3 unreadable file."""
    from leadprep._cli import _fail

    try:
        cfg = load_config(config) if config is not None else Config()
        cfg = cfg.with_overrides(encoding=encoding, delimiter=delimiter, header=header)
        if out is not None:
            refuse_file_as_directory("--out", out)
        result = actions(
            action,
            file,
            cfg,
            out,
            batch_size=batch_size,
            id_column=_column_ref(id_column),
            id_type=id_type,
        )
    except LeadprepError as error:
        _fail(error, debug)
    if as_json:
        print(json.dumps(result.summary, indent=2, ensure_ascii=False))
    else:
        _show(result, out)


def _show(result: ActionsResult, out: Path | None) -> None:
    console = _console()
    s = result.summary
    console.print(_file_line(s), highlight=False)
    console.print(
        escape(f"{s['action']}: ids from column {s['id_column']!r} as {s['id_field']}"),
        highlight=False,
        soft_wrap=True,
    )
    console.print(_counts_table(s))
    where = (
        f"in {out / 'actions'}; rejects in {out / 'rejects.csv'}; summary in {out / 'summary.json'}"
        if out is not None
        else "(nothing written: no --out)"
    )
    console.print(
        escape(f"{s['ids']:,} ids in {s['batches']} request bodies for {s['endpoint']} {where}"),
        highlight=False,
        soft_wrap=True,
    )
