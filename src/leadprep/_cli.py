"""The command line: a thin layer over the library API."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, NoReturn, cast

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from leadprep._config import Config, load_config
from leadprep._emit import OutputFormat
from leadprep._errors import LeadprepError, Stage
from leadprep._pipeline import ConvertResult, convert

app = typer.Typer(
    name="leadprep",
    help="Turn lead files into RingCX / Engage Voice leadLoader request bodies, and say which "
    "rows would fail and why before anything is uploaded.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
STAGES: tuple[Stage, ...] = ("read", "map", "validate", "transform", "emit")


@app.callback()
def _root() -> None:
    """leadprep: lead files in, leadLoader batches and a reject file out."""


def _fail(error: LeadprepError, debug: bool) -> NoReturn:
    if debug:
        raise error
    Console(stderr=True).print(
        f"[bold red]error:[/] {escape(str(error))}", highlight=False, soft_wrap=True
    )
    raise typer.Exit(error.exit_code)


def _config_with_flags(
    config_path: Path, encoding: str | None, delimiter: str | None, quote_char: str | None,
    header: bool | None,
) -> Config:
    return load_config(config_path).with_overrides(
        encoding=encoding, delimiter=delimiter, quote_char=quote_char, header=header
    )


@app.command("convert")
def convert_command(
    file: Annotated[Path, typer.Argument(help="The lead file (CSV, TSV, pipe- or "
                                               "semicolon-delimited; any common encoding).")],
    config: Annotated[Path, typer.Option("--config", "-c", help="The leadprep TOML config "
                                         "(account, campaign, load options, mapping).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output directory; created if "
                                      "missing. Earlier outputs in it are replaced.")],
    batch_size: Annotated[int | None, typer.Option(help="Leads per request body; overrides "
                                                   "[load] batch_size.", min=1)] = None,
    output_format: Annotated[str, typer.Option("--format", help="leadloader: direct-load "
                             "request bodies; process: also the file-flow leads.csv and "
                             "process request.")] = "leadloader",
    encoding: Annotated[str | None, typer.Option(help="Input encoding (e.g. utf-8, cp1252, "
                                                 "utf-16); skips detection.")] = None,
    delimiter: Annotated[str | None, typer.Option(help="Field delimiter: , ; | or tab; "
                                                  "skips detection.")] = None,
    quote_char: Annotated[str | None, typer.Option(help="Quote character, or 'none'; skips "
                                                   "detection.")] = None,
    header: Annotated[bool | None, typer.Option("--header/--no-header", help="Whether the "
                      "first row is a header; skips detection.", show_default=False)] = None,
    debug: Annotated[bool, typer.Option(help="Show Python tracebacks on errors.")] = False,
) -> None:
    """Convert a lead file into leadLoader batches, rejects.csv, warnings.csv and summary.json."""
    # convert() checks the format, before any work, like every other option.
    fmt = cast(OutputFormat, output_format)
    try:
        cfg = _config_with_flags(config, encoding, delimiter, quote_char, header)
        result = _run_with_progress(file, cfg, out, fmt, batch_size)
    except LeadprepError as error:
        _fail(error, debug)
    _print_summary(result, out)


def _run_with_progress(
    file: Path, cfg: Config, out: Path, fmt: OutputFormat, batch_size: int | None
) -> ConvertResult:
    console = Console(stderr=True)
    if not console.is_terminal:
        return convert(file, cfg, out, output_format=fmt, batch_size=batch_size)
    columns = (TextColumn("{task.description:<10}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("read", total=len(STAGES))

        def advance(stage: Stage) -> None:
            progress.update(task, description=stage, completed=STAGES.index(stage))

        result = convert(file, cfg, out, output_format=fmt, batch_size=batch_size,
                         progress=advance)
        progress.update(task, completed=len(STAGES))
    return result


def _print_summary(result: ConvertResult, out: Path) -> None:
    console = Console()
    s = result.summary
    delimiter = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}.get(
        s["delimiter"], s["delimiter"]
    )
    console.print(
        f"[bold]{escape(s['input'])}[/]: {s['encoding']}, {delimiter}-delimited, "
        f"{'with' if s['header'] else 'no'} header, {s['line_ending']} line endings",
        highlight=False,
    )
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_row("rows read", f"{s['rows_read']:,}")
    table.add_row("[green]accepted[/]", f"{s['accepted']:,}")
    table.add_row("[red]rejected[/]", f"{s['rejected']:,}")
    for code, n in s["reasons"].items():
        table.add_row(f"  {code}", f"{n:,}")
    if s["warnings"]:
        table.add_row("[yellow]warnings[/]", f"{sum(s['warnings'].values()):,}")
        for code, n in s["warnings"].items():
            table.add_row(f"  {code}", f"{n:,}")
    console.print(table)
    console.print(
        escape(f"{s['batches']} request bodies in {out / 'batches'}; rejects in "
        f"{out / 'rejects.csv'}; summary in {out / 'summary.json'} "
        f"({s['elapsed_seconds']:.2f} s)"),
        highlight=False,
        soft_wrap=True,
    )


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(130)
