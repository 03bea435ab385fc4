"""The command line: a thin layer over the library API (rendering is in _cli_show)."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from leadprep._check import check
from leadprep._cli_show import show_check, show_preview, show_summary
from leadprep._config import Config, load_config
from leadprep._config_writer import refuse_existing, write_config
from leadprep._emit import (
    refuse_file_as_directory,
    refuse_unsafe_target,
    writable,
)
from leadprep._errors import ConfigError, InputFileError, LeadprepError, Stage, describe
from leadprep._pipeline import ProgressCallback, convert
from leadprep._preview import preview
from leadprep._read import ReadOptions
from leadprep._report_data import write_report
from leadprep._validate import import_pandera_lean

app = typer.Typer(
    name="leadprep",
    help="Turn lead files into RingCX / Engage Voice leadLoader request bodies, and say which "
    "rows would fail and why before anything is uploaded.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
STAGES: tuple[Stage, ...] = ("read", "map", "validate", "transform", "emit")
# click's exceptions, wherever this typer keeps click (its own copy, or the click package).
_CLICK_ERRORS = sys.modules[typer.BadParameter.__module__]
ClickException: type[Exception] = _CLICK_ERRORS.ClickException
NoArgsIsHelpError: type[Exception] = getattr(_CLICK_ERRORS, "NoArgsIsHelpError", ClickException)


def _add_campaign_commands() -> None:
    from leadprep._cli_campaign import campaign_app, personas_app

    app.add_typer(campaign_app)
    app.add_typer(personas_app)


_add_campaign_commands()


def _add_actions_command() -> None:
    from leadprep._cli_actions import actions_command

    app.command("actions")(actions_command)


_add_actions_command()
T = TypeVar("T")

FileArg = Annotated[Path, typer.Argument(help="The lead file (CSV, TSV, pipe- or "
                                         "semicolon-delimited; any common encoding).")]
ConfigOpt = Annotated[Path, typer.Option("--config", "-c", help="The leadprep TOML config "
                                         "(account, campaign, load options, mapping).")]
EncodingOpt = Annotated[str | None, typer.Option(help="Input encoding (e.g. utf-8, cp1252, "
                                                 "utf-16); skips detection.")]
DelimiterOpt = Annotated[str | None, typer.Option(help="Field delimiter: , ; | or tab; skips "
                                                  "detection.")]
QuoteOpt = Annotated[str | None, typer.Option(help="Quote character, or 'none'; skips "
                                              "detection.")]
HeaderOpt = Annotated[bool | None, typer.Option("--header/--no-header", help="Whether the first "
                      "row is a header; skips detection.", show_default=False)]
ReportOpt = Annotated[Path | None, typer.Option(help="Also write a self-contained HTML report "
                                                "to this file.")]
DebugOpt = Annotated[bool, typer.Option(help="Show Python tracebacks on errors.")]


@app.callback()
def _root() -> None:
    """leadprep: lead files in, leadLoader batches and a reject file out.

    Start with `leadprep preview FILE`, then `--write-config`, then `convert` or `check`.
    """


def _fail(error: LeadprepError, debug: bool) -> NoReturn:
    if debug:
        raise error
    Console(stderr=True).print(
        f"[bold red]error:[/] {escape(str(error))}", highlight=False, soft_wrap=True
    )
    raise typer.Exit(error.exit_code)


def _config_with_flags(config_path: Path | None, **flags: Any) -> Config:
    config = load_config(config_path) if config_path is not None else Config()
    return config.with_overrides(**flags)


@contextmanager
def _progress(total: int) -> Iterator[ProgressCallback | None]:
    """A progress bar on stderr when it is a terminal; nothing in pipes and logs."""
    console = Console(stderr=True)
    if not console.is_terminal:
        yield None
        return
    columns = (TextColumn("{task.description:<10}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("read", total=total)

        def advance(stage: Stage) -> None:
            progress.update(task, description=stage, completed=STAGES.index(stage))

        yield advance


def _guarded(debug: bool, work: Callable[[], T]) -> T:
    try:
        return work()
    except LeadprepError as error:
        _fail(error, debug)


@app.command("preview")
def preview_command(
    file: FileArg,
    config: Annotated[Path | None, typer.Option("--config", "-c", help="A leadprep config: "
                      "its mapping is used for the forecast, its personas for suggestions.")]
    = None,
    rows: Annotated[int, typer.Option("--rows", "-n", help="How many rows to show.", min=0)]
    = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object (shaped like "
                       "the API's preview response, plus detection, suggestions and the "
                       "reject forecast).")] = False,
    write_config_to: Annotated[Path | None, typer.Option("--write-config", help="Write the "
                               "suggested mapping as a config file to edit and pass to "
                               "convert.")] = None,
    force: Annotated[bool, typer.Option(help="Let --write-config replace an existing "
                                        "file.")] = False,
    encoding: EncodingOpt = None,
    delimiter: DelimiterOpt = None,
    quote_char: QuoteOpt = None,
    header: HeaderOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Show what is in a lead file: detection, first rows, a suggested mapping and a forecast
    of the rows that would be rejected. Writes nothing unless --write-config is given."""

    def work() -> None:
        refuse_unsafe_target("--write-config", write_config_to, file)
        if write_config_to is not None:
            refuse_existing(write_config_to, force)
        options = ReadOptions(encoding=encoding, delimiter=delimiter, quote_char=quote_char,
                              header=header)
        with _progress(len(STAGES) - 1) as progress:
            report = preview(file, config, rows=rows, options=options, progress=progress)
        written = None
        if write_config_to is not None:
            with writable("--write-config", write_config_to):
                written = write_config(report, write_config_to, force=force)
        if as_json:
            print(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
        else:
            show_preview(report, written)

    _guarded(debug, work)


@app.command("convert")
def convert_command(
    file: FileArg,
    config: ConfigOpt,
    out: Annotated[Path, typer.Option("--out", "-o", help="Output directory; created if "
                                      "missing. Earlier outputs in it are replaced.")],
    batch_size: Annotated[int | None, typer.Option(help="Leads per request body; overrides "
                                                   "[load] batch_size.", min=1)] = None,
    output_format: Annotated[str, typer.Option("--format", help="leadloader: direct-load "
                             "request bodies; process: also the file-flow leads.csv and "
                             "process request; jaicp: JAICP addPhones request arrays "
                             "([jaicp] config section); contacts: campaign-from-contact-list "
                             "bodies ([contacts] section).")] = "leadloader",
    report: ReportOpt = None,
    encoding: EncodingOpt = None,
    delimiter: DelimiterOpt = None,
    quote_char: QuoteOpt = None,
    header: HeaderOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Convert a lead file into leadLoader batches, rejects.csv, warnings.csv and summary.json."""
    # convert() checks the format, before any work, like every other option.
    fmt = output_format

    def work() -> None:
        cfg = _config_with_flags(config, encoding=encoding, delimiter=delimiter,
                                 quote_char=quote_char, header=header)
        refuse_unsafe_target("--report", report, file)
        refuse_file_as_directory("--out", out)
        with _progress(len(STAGES)) as progress:
            # The report looks at every row: it needs the file read whole, not in blocks.
            result = convert(file, cfg, out, output_format=fmt, batch_size=batch_size,
                             progress=progress, stream=False if report is not None else None)
        if report is not None:
            with writable("--report", report):
                write_report(result, report)
        show_summary(result, out, report)

    _guarded(debug, work)


@app.command("check")
def check_command(
    file: FileArg,
    config: ConfigOpt,
    max_reject_rate: Annotated[str | None, typer.Option(help="Share of rows that may be "
                               "rejected: 0.02 or 2%. Default 0, unless only --max-rejects is "
                               "given.", metavar="RATE", show_default=False)] = None,
    max_rejects: Annotated[int | None, typer.Option(help="Most rejected rows that still "
                           "pass.")] = None,
    fail_on: Annotated[list[str] | None, typer.Option(help="Reason or warning codes that fail "
                       "the file whenever they occur (comma-separated or repeated).")] = None,
    allow: Annotated[list[str] | None, typer.Option(help="Reason codes whose rows do not count "
                     "against the thresholds (comma-separated or repeated).")] = None,
    allow_empty: Annotated[bool, typer.Option(help="Pass a file with a header and no data "
                           "rows.")] = False,
    rejects: Annotated[Path | None, typer.Option(help="Also write the rejected rows "
                       "(rejects.csv format) to this file.")] = None,
    report: ReportOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the verdict as one JSON "
                       "object.")] = False,
    encoding: EncodingOpt = None,
    delimiter: DelimiterOpt = None,
    quote_char: QuoteOpt = None,
    header: HeaderOpt = None,
    debug: DebugOpt = False,
) -> None:
    """The pre-upload gate: validate as convert would, write nothing unless asked, and exit 1
    when the file fails the thresholds (0 when it passes; 2 usage/config error; 3 unreadable)."""
    try:
        cfg = _config_with_flags(config, encoding=encoding, delimiter=delimiter,
                                 quote_char=quote_char, header=header)
        with _progress(len(STAGES) - 1) as progress:
            verdict = check(
                file, cfg, max_reject_rate=max_reject_rate, max_rejects=max_rejects,
                fail_on=fail_on or (), allow=allow or (), allow_empty=allow_empty,
                rejects=rejects, report=report, progress=progress,
            )
    except LeadprepError as error:
        if as_json and not debug:
            print(json.dumps(_error_json(error), indent=2, ensure_ascii=False))
        _fail(error, debug)
    if as_json:
        print(json.dumps(verdict.as_dict(), indent=2, ensure_ascii=False))
    else:
        show_check(verdict)
    raise typer.Exit(int(not verdict.valid))


def _error_json(error: LeadprepError) -> dict[str, Any]:
    code = error.code.value if isinstance(error, InputFileError) else (
        "CONFIG_ERROR" if isinstance(error, ConfigError) else "INTERNAL_ERROR"
    )
    return {"valid": False, "verdict": "error",
            "error": {"code": code, "message": str(error), "exit_code": error.exit_code}}


def main() -> None:
    """The console script. Every way out is an exit code and at most two lines on stderr; a
    Python traceback only with --debug."""
    try:
        code = app(standalone_mode=False)
    except NoArgsIsHelpError as error:  # the help is printed already
        code = getattr(error, "exit_code", 2)
    except ClickException as error:  # usage: a missing option, a bad value, a typo
        _usage_error(error)
    except (KeyboardInterrupt, typer.Abort):
        code = 130
    except Exception as error:  # anything a stage did not wrap: exit 4, never 1 (a gate FAIL)
        if "--debug" in sys.argv:
            raise
        sys.stderr.write(
            f"error: internal error: {describe(error)} (please report it; run with --debug "
            "for the traceback)\n"
        )
        sys.exit(4)
    if code == 130:
        sys.stderr.write("interrupted\n")
    sys.exit(code if isinstance(code, int) else 0)


def run() -> NoReturn:
    """The console script and `python -m leadprep`: main(), then out at once. Every output is
    written and closed by then; Python's own teardown would only free, object by object, what
    the run built (a third of a second after a million-row file)."""
    import_pandera_lean()
    try:
        main()
        code = 0
    except SystemExit as done:
        code = _exit_code(done.code)
    for stream in (sys.stdout, sys.stderr):
        # A closed pipe (`| head`): nothing more can be said.
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


def _exit_code(code: object) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    sys.stderr.write(f"{code}\n")
    return 1


def _usage_error(error: Any) -> NoReturn:
    """click's usage error (a box of five lines, by typer) in two lines."""
    context = getattr(error, "ctx", None)
    command = context.command_path if context is not None else "leadprep"
    sys.stderr.write(f"error: {error.format_message()}\n(see {command} --help)\n")
    sys.exit(error.exit_code)
