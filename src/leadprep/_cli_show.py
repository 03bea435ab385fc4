"""What the commands print for people (the --json forms print the library's dicts instead)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from leadprep._check import CheckReport
from leadprep._config_writer import given_flags, unconfirmed_required
from leadprep._coverage import coverage_warnings
from leadprep._pipeline import ConvertResult
from leadprep._preview import PreviewReport
from leadprep._sniff import DELIMITER_NAMES

MAX_CELL = 28
# Piped output goes to logs and files: wide lines there beat truncated values.
PIPE_WIDTH = 200


def _console() -> Console:
    console = Console()
    if not console.is_terminal:
        console = Console(width=PIPE_WIDTH)
    return console


def _file_line(summary: dict[str, Any]) -> str:
    delimiter = DELIMITER_NAMES.get(summary["delimiter"], summary["delimiter"])
    return (f"[bold]{escape(summary['input'])}[/]: {summary['encoding']}, {delimiter}-delimited, "
            f"{'with' if summary['header'] else 'no'} header, {summary['line_ending']} line "
            "endings")


def _counts_table(summary: dict[str, Any]) -> Table:
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_row("rows read", f"{summary['rows_read']:,}")
    table.add_row("[green]accepted[/]", f"{summary['accepted']:,}")
    table.add_row("[red]rejected[/]", f"{summary['rejected']:,}")
    for code, n in summary["reasons"].items():
        table.add_row(f"  {code}", f"{n:,}")
    if summary["warnings"]:
        table.add_row("[yellow]warnings[/]", f"{sum(summary['warnings'].values()):,}")
        for code, n in summary["warnings"].items():
            table.add_row(f"  {code}", f"{n:,}")
    return table


def _bodies_dir(summary: dict[str, Any]) -> str:
    """Where the target's request bodies are: the directory its registry entry owns (a run
    with no body lists none under it, and must not be pointed at batches/)."""
    from leadprep._targets import TARGETS

    target = TARGETS.get(str(summary.get("format", "leadloader")))
    return target.outputs[0] if target is not None and target.outputs else "batches"


def show_summary(result: ConvertResult, out: Path, report: Path | None) -> None:
    console = _console()
    s = result.summary
    console.print(_file_line(s), highlight=False)
    console.print(_counts_table(s))
    console.print(
        escape(f"{s['batches']} request bodies in {out / _bodies_dir(s)}; rejects in "
               f"{out / 'rejects.csv'}; summary in {out / 'summary.json'} "
               f"({s['elapsed_seconds']:.2f} s)"),
        highlight=False, soft_wrap=True,
    )
    _show_coverage(console, s)
    if report is not None:
        console.print(escape(f"report: {report}"), highlight=False, soft_wrap=True)


def _show_coverage(console: Console, summary: dict[str, Any]) -> None:
    for warning in coverage_warnings(summary):
        console.print(f"[yellow]warning:[/] {escape(warning)}", highlight=False, soft_wrap=True)


def show_check(verdict: CheckReport) -> None:
    console = _console()
    s = verdict.result.summary
    colour = "green" if verdict.valid else "red"
    console.print(f"[bold {colour}]{escape(verdict.headline)}[/]", highlight=False)
    console.print(_file_line(s), highlight=False)
    for failure in verdict.failures:
        console.print(f"  [red]✗[/] {escape(failure)}", highlight=False, soft_wrap=True)
    console.print(_counts_table(s))
    _show_coverage(console, s)
    for name, path in verdict.written.items():
        console.print(escape(f"{name}: {path}"), highlight=False, soft_wrap=True)


def _cell(value: str | None) -> str:
    if value is None:
        return ""
    text = value if len(value) <= MAX_CELL else value[: MAX_CELL - 1] + "…"
    return escape(text)


def show_preview(report: PreviewReport, written: Path | None) -> None:
    console = _console()
    d = report.read.detection
    delimiter = DELIMITER_NAMES.get(d.delimiter, d.delimiter)
    console.print(f"[bold]{escape(report.path)}[/] · {report.size_bytes:,} bytes · "
                  f"{report.read.rows_read:,} rows", highlight=False)
    facts = Table(show_header=False, box=None, pad_edge=False)
    facts.add_row("encoding", _encoding_fact(report))
    facts.add_row("delimiter", f"{delimiter}{'' if d.delimiter_detected else ' (given)'}")
    facts.add_row("quote char", escape(d.quote_char or "none"))
    facts.add_row("line endings", d.line_ending)
    facts.add_row("header", "yes" if d.header else "no")
    if d.skipped_lines:
        facts.add_row("skipped lines", ", ".join(map(str, d.skipped_lines)))
    console.print(facts)
    console.print(_sample_table(report, console.width))
    console.print(_mapping_table(report))
    _show_forecast(console, report)
    for hint in report.hints:
        console.print(f"[yellow]hint:[/] {escape(hint)}", highlight=False, soft_wrap=True)
    _show_next_step(console, report, written)


_ENCODING_SOURCES = {
    "option": "given",
    "bom": "byte-order mark",
    "nul-pattern": "UTF-16 by its NUL pattern",
    "utf-8": "the whole file is valid UTF-8",
    "ascii": "the whole file is ASCII",
    "chardet": "chardet; the whole file decodes",
}


def _encoding_fact(report: PreviewReport) -> str:
    d = report.read.detection
    how = _ENCODING_SOURCES.get(d.encoding_source, d.encoding_source)
    if d.encoding_source != "option":
        how = f"{how}; confidence {d.encoding_confidence:.0%}"
    return f"{d.encoding} ({how})"


def _sample_table(report: PreviewReport, width: int) -> Table:
    """Rows across when they fit the terminal; else the columns down the side, as many rows
    as fit across (a wide file never loses columns to a narrow terminal)."""
    rows = report.sample()
    header = report.read.header
    cells = [[_cell(v) for v in _padded(row["fields"], len(header))] for row in rows]
    natural = [max([len(_cell(h)), *(len(c[i]) for c in cells)]) for i, h in enumerate(header)]
    if sum(w + 3 for w in natural) + 8 <= width:
        table = Table(title=_sample_title(len(rows), report), title_justify="left")
        table.add_column("row", justify="right", style="dim", no_wrap=True)
        for name in header:
            table.add_column(_cell(name), no_wrap=True)
        for row, values in zip(rows, cells, strict=True):
            table.add_row(str(row["row"]), *values, style="red" if row["rejected"] else None)
        return table
    name_width = max((len(_cell(h)) for h in header), default=6)
    fit = max(1, (width - name_width - 4) // (MAX_CELL + 3))
    shown = rows[:fit]
    title = _sample_title(len(shown), report) + (
        f" (of {len(rows)}; a wider terminal or --json shows more)" if len(shown) < len(rows)
        else "")
    table = Table(title=title, title_justify="left")
    table.add_column("column", style="bold", no_wrap=True)
    for row in shown:
        table.add_column(f"row {row['row']}", no_wrap=True, max_width=MAX_CELL,
                         style="red" if row["rejected"] else None)
    for i, name in enumerate(header):
        table.add_row(_cell(name), *(values[i] for values in cells[: len(shown)]))
    return table


def _padded(fields: list[str | None], width: int) -> list[str | None]:
    return [*fields[:width], *[None] * (width - len(fields))]


def _sample_title(count: int, report: PreviewReport) -> str:
    if report.read.rows_read == 0:
        return "no data rows"
    return f"first {count} row{'s' if count != 1 else ''}"


def _mapping_table(report: PreviewReport) -> Table:
    table = Table(title="suggested mapping", title_justify="left")
    for name in ("#", "column", "→ target", "confidence", "why"):
        table.add_column(name)
    base = report.index_base
    for c in report.suggestion.columns:
        target = c.target or "[dim]not mapped[/]"
        if c.target == "PERSONA":
            target = f"persona {c.phone_id} · {escape(c.phone_label or '')}"
        confidence = f"{c.confidence:.0%}" if c.target else ""
        table.add_row(str(c.index + base), _cell(c.column), target, confidence,
                      escape(c.reason))
    return table


def _show_forecast(console: Console, report: PreviewReport) -> None:
    if report.outcome is None:
        console.print(f"[yellow]no forecast:[/] {escape(report.forecast_error or '')}",
                      highlight=False, soft_wrap=True)
        return
    source = "the config's mapping" if report.mapping_source == "config" else \
        "the suggested mapping"
    console.print(f"[bold]forecast[/] with {source}:", highlight=False)
    console.print(_counts_table(report.outcome.result.summary))
    _show_coverage(console, report.outcome.result.summary)
    for code, examples in report.outcome.examples_by_code(1).items():
        for example in examples:
            console.print(f"  [dim]{code}, row {example['row']}:[/] "
                          f"{escape(example['message'])}", highlight=False, soft_wrap=True)


def _show_next_step(console: Console, report: PreviewReport, written: Path | None) -> None:
    flags = given_flags(report)
    if written is not None:
        pinned = " (the options you gave are pinned in its [input])" if flags else ""
        missing = unconfirmed_required(report)
        if missing:
            todo = (f"it has no confident {' or '.join(missing)} yet: name the column in "
                    "[mapping.columns] (or uncomment the guess), then run")
        else:
            todo = "check it, then run"
        console.print(escape(f"wrote {written}{pinned}; {todo}: leadprep convert {report.path} "
                             f"--config {written} --out out"), highlight=False, soft_wrap=True)
    else:
        command = " ".join(filter(None, ["leadprep preview", report.path, flags]))
        console.print(escape(f"next: {command} --write-config leadprep.toml, check it, then "
                             f"leadprep convert {report.path} --config leadprep.toml --out out"),
                      highlight=False, soft_wrap=True)
