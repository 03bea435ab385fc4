"""Render a run report (convert or check) as one self-contained HTML page.

The page carries its own CSS and inline SVG charts and loads nothing from anywhere: no scripts,
no fonts, no images by URL. Every value taken from the report is escaped, because file names,
headers and field values come straight from user files.

The report dict is the JSON-serialisable one described in ``render_html``; every list in it may
be empty, ``verdict`` may be None, and a missing or mistyped value renders as empty or zero
rather than raising.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["render_html"]

# Characters that would be invisible, break the HTML, or not encode as UTF-8 are shown instead:
# C0 controls and DEL as Unicode control pictures, C1 controls as \xNN, lone surrogates as U+FFFD.
_VISIBLE: dict[int, str] = {
    **{code: chr(0x2400 + code) for code in range(0x20)},
    0x7F: "\u2421",
    **{code: f"\\x{code:02x}" for code in range(0x80, 0xA0)},
    **{code: "\ufffd" for code in range(0xD800, 0xE000)},
}
# Program-written text (messages, descriptions) keeps its tabs and line breaks as white space.
_VISIBLE_KEEP_SPACE: dict[int, str] = {
    code: text for code, text in _VISIBLE.items() if code not in (0x09, 0x0A, 0x0D)
}

_VALUE_LIMIT = 160  # characters of one field value shown in the examples table
_TEXT_LIMIT = 400  # characters of a message or description
_MAX_SKIPPED_SHOWN = 20
_MAX_REGIONS_SHOWN = 6

_KIND_TITLES = {"convert": "Conversion report", "check": "Check report"}
_LINE_ENDINGS = {
    "\r\n": "CRLF (\\r\\n)",
    "\n": "LF (\\n)",
    "\r": "CR (\\r)",
    "CRLF": "CRLF (\\r\\n)",
    "LF": "LF (\\n)",
    "CR": "CR (\\r)",
}
# How the encoding was decided (leadprep._encoding.EncodingSource); other values show as given.
_ENCODING_SOURCES = {
    "bom": "from the byte-order mark",
    "nul-pattern": "from the NUL-byte pattern",
    "utf-8": "the bytes are valid UTF-8",
    "ascii": "the bytes are plain ASCII",
    "chardet": "detected by chardet",
    "option": "as given (--encoding or config)",
}

_CSS = """
:root {
  --bg: #f4f5f7; --card: #ffffff; --line: #e1e4e9; --line-soft: #eef0f3;
  --text: #1c2430; --muted: #5d6878; --faint: #8b95a3;
  --green: #1b7f47; --green-bg: #e4f4ea; --red: #c23a30; --red-bg: #fcebea;
  --amber: #a86400; --amber-bg: #fff3dc; --accent: #34527d; --accent-bg: #e7edf6;
  --bar: #5877a8; --track: #edf0f4;
  --mono: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace;
}
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body {
  margin: 0; background: var(--bg); color: var(--text);
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
    "DejaVu Sans", sans-serif;
}
.wrap { max-width: 1180px; margin: 0 auto; padding: 24px 32px 32px; }
code, .mono { font-family: var(--mono); font-size: 0.92em; }
.muted { color: var(--muted); }
.faint { color: var(--faint); }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }

header.top {
  display: flex; justify-content: space-between; align-items: flex-start; gap: 24px;
  background: var(--card); border: 1px solid var(--line); border-radius: 12px;
  padding: 18px 24px; border-top: 5px solid var(--accent);
}
header.top.pass { border-top-color: var(--green); }
header.top.fail { border-top-color: var(--red); }
.eyebrow {
  color: var(--muted); font-size: 12px; letter-spacing: 0.06em; text-transform: uppercase;
  font-weight: 600;
}
h1 { margin: 4px 0 2px; font-size: 26px; line-height: 1.25; overflow-wrap: anywhere; }
.path { color: var(--muted); font-family: var(--mono); font-size: 12.5px; overflow-wrap: anywhere; }
.meta { margin-top: 8px; color: var(--muted); font-size: 13px; }
.meta span + span::before { content: "\\00b7"; margin: 0 8px; color: var(--faint); }
.verdict-box { text-align: right; flex: 0 0 auto; max-width: 46%; }
.badge {
  display: inline-block; padding: 6px 16px; border-radius: 999px; font-weight: 700;
  font-size: 15px; letter-spacing: 0.08em; text-transform: uppercase;
  background: var(--accent-bg); color: var(--accent); border: 1px solid currentColor;
}
.badge.pass { background: var(--green-bg); color: var(--green); }
.badge.fail { background: var(--red-bg); color: var(--red); }
.headline { margin-top: 8px; font-weight: 600; overflow-wrap: anywhere; }
.failures {
  margin: 14px 0 0; padding: 12px 18px 12px 36px; background: var(--red-bg);
  border: 1px solid #f2c4c0; border-radius: 10px; color: #7c1d16;
}
.failures li { margin: 2px 0; overflow-wrap: anywhere; }

.stats { display: grid; grid-template-columns: repeat(4, 1fr); gap: 16px; margin: 16px 0; }
.stat {
  background: var(--card); border: 1px solid var(--line); border-radius: 12px;
  padding: 14px 20px; border-left: 5px solid var(--accent); break-inside: avoid;
}
.stat.ok { border-left-color: var(--green); }
.stat.bad { border-left-color: var(--red); }
.stat.warn { border-left-color: var(--amber); }
.stat .label {
  color: var(--muted); font-size: 12px; font-weight: 600; text-transform: uppercase;
  letter-spacing: 0.06em;
}
.stat .value {
  font-size: 34px; font-weight: 700; line-height: 1.15; margin-top: 4px;
  font-variant-numeric: tabular-nums;
}
.stat.ok .value { color: var(--green); }
.stat.bad .value { color: var(--red); }
.stat.warn .value { color: var(--amber); }
.stat .sub { color: var(--muted); font-size: 12.5px; margin-top: 2px; }

section.card {
  background: var(--card); border: 1px solid var(--line); border-radius: 12px;
  padding: 16px 22px 18px; margin: 0 0 16px;
}
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; align-items: start; }
h2 { margin: 0 0 10px; font-size: 17px; line-height: 1.3; }
h2 .count {
  font-size: 12px; font-weight: 600; color: var(--muted); background: var(--line-soft);
  border-radius: 999px; padding: 2px 9px; margin-left: 8px; vertical-align: 2px;
}
.note { margin: 0; color: var(--muted); }
.note.good {
  color: var(--green); background: var(--green-bg); padding: 10px 14px; border-radius: 8px;
  font-weight: 600;
}
.note.more { margin-top: 10px; font-size: 13px; }

.facts {
  display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 12px 24px; margin: 0;
}
.facts div { min-width: 0; }
.facts dt {
  color: var(--muted); font-size: 12px; font-weight: 600; text-transform: uppercase;
  letter-spacing: 0.05em;
}
.facts dd { margin: 2px 0 0; overflow-wrap: anywhere; }
.facts .span2 { grid-column: span 2; }

table { width: 100%; border-collapse: collapse; font-size: 13.5px; }
th {
  text-align: left; color: var(--muted); font-size: 12px; font-weight: 600;
  text-transform: uppercase; letter-spacing: 0.05em; padding: 6px 10px;
  border-bottom: 2px solid var(--line);
}
th.num { text-align: right; }
td {
  padding: 6px 10px; border-bottom: 1px solid var(--line-soft); vertical-align: baseline;
  overflow-wrap: anywhere;
}
tbody tr:last-child td { border-bottom: none; }
tbody tr:nth-child(even) td { background: #fafbfc; }
thead { display: table-header-group; }
tr { break-inside: avoid; }

.chart { width: 100%; height: auto; display: block; }
.chart .rc-code { font: 600 13px var(--mono); fill: var(--text); }
.chart .rc-count { font: 700 13px system-ui, "DejaVu Sans", sans-serif; fill: var(--text); }
.chart .rc-desc { font: 12px system-ui, "DejaVu Sans", sans-serif; fill: var(--muted); }
.chart .rc-track { fill: var(--track); }
.chart .rc-bar { fill: var(--red); opacity: 0.85; }

.meter {
  display: inline-block; width: 140px; height: 9px; background: var(--track);
  border-radius: 5px; overflow: hidden; vertical-align: middle; margin-right: 10px;
}
.meter > span { display: block; height: 100%; background: var(--bar); border-radius: 5px; }
.meter.low > span { background: var(--amber); }
.meter.full > span { background: var(--green); }
.rate { display: inline-block; min-width: 3.2em; text-align: right; }
td.fill { white-space: nowrap; }
.unmapped { color: var(--faint); font-style: italic; }
.target { font-family: var(--mono); font-size: 12.5px; color: var(--accent); }
.arrow { color: var(--faint); padding: 6px 0; width: 1.5em; text-align: center; }
.cc { font-weight: 700; font-variant-numeric: tabular-nums; }

.pill {
  display: inline-block; font: 600 11.5px var(--mono); padding: 1px 7px; border-radius: 5px;
  margin: 0 4px 3px 0; background: var(--red-bg); color: var(--red); white-space: nowrap;
}
.pill.warn { background: var(--amber-bg); color: var(--amber); }
.kv { list-style: none; margin: 0; padding: 0; font-size: 12.5px; line-height: 1.4; }
.kv li {
  display: inline-block; max-width: 100%; margin: 0 4px 4px 0; padding: 1px 7px;
  background: #f1f3f6; border-radius: 5px; overflow-wrap: anywhere;
}
.kv .k { color: var(--muted); }
.kv .v { font-family: var(--mono); font-size: 12px; }
.null { color: var(--faint); font-style: italic; }
table.examples td.msg { width: 26%; }
table.examples td.rc { width: 1%; }

footer { color: var(--faint); font-size: 12px; text-align: center; margin-top: 20px; }

@media screen and (max-width: 900px) {
  .stats { grid-template-columns: repeat(2, 1fr); }
  .facts { grid-template-columns: repeat(2, minmax(0, 1fr)); }
  .pair { grid-template-columns: 1fr; }
  header.top { flex-direction: column; }
  .verdict-box { text-align: left; max-width: none; }
}
@media print {
  @page { margin: 12mm; }
  body { background: #ffffff; font-size: 12px; }
  .wrap { max-width: none; padding: 0; }
  header.top, .stat, section.card { border-color: #cfd4db; }
  section.card { break-inside: auto; }
  h2 { break-after: avoid; }
  .pair { display: block; }
  .stat .value { font-size: 28px; }
  .chart .rc-code { font-size: 14.5px; }
  .chart .rc-count { font-size: 15px; }
  .chart .rc-desc { font-size: 14px; }
  footer { break-before: avoid; margin-top: 8px; }
}
"""


# --------------------------------------------------------------------------- value helpers


def _int(value: object) -> int:
    """An int from a JSON value; anything that is not a finite number counts as 0."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value == value and abs(value) != float("inf"):
        return int(value)
    return 0


def _rate(value: object) -> float:
    """A fraction clamped to 0..1 (NaN and non-numbers become 0)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        return 0.0
    return min(max(float(value), 0.0), 1.0)


def _str(value: object) -> str:
    return "" if value is None else str(value)


def _items(value: object) -> list[Mapping[str, Any]]:
    """The mappings in a JSON list; anything else is an empty list."""
    if not isinstance(value, list | tuple):
        return []
    return [item for item in value if isinstance(item, Mapping)]


def _section(report: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = report.get(key)
    return value if isinstance(value, Mapping) else {}


def _clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return f"{text[:limit]}\u2026 (+{len(text) - limit:,} characters)"


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else f"{text[: limit - 1]}\u2026"


def _esc(
    value: object, *, limit: int | None = None, keep_space: bool = False, short: bool = False
) -> str:
    """Escape a value for HTML text or a quoted attribute, showing control characters.

    Past ``limit`` characters the text is cut, with a count of what was left out (or just an
    ellipsis when ``short``).
    """
    text = _str(value)
    if limit is not None:
        text = _short(text, limit) if short else _clip(text, limit)
    text = text.translate(_VISIBLE_KEEP_SPACE if keep_space else _VISIBLE)
    return html.escape(text, quote=True)


def _num(value: object) -> str:
    return f"{_int(value):,}"


def _pct(fraction: float) -> str:
    """A percentage with one decimal when it matters (99.96% shows as 99.9%, not 100%)."""
    percent = fraction * 100
    if percent in (0.0, 100.0):
        return f"{percent:.0f}%"
    if 0 < percent < 0.1:
        return "<0.1%"
    return f"{min(percent, 99.9):.1f}%"


def _share(part: int, whole: int) -> str:
    return f"{_pct(part / whole)} of rows" if whole > 0 else "no rows read"


def _basename(path: str) -> str:
    tail = path.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    return tail or path


def _size(size: int) -> str:
    """'1.2 MB (1,234,567 bytes)' or '812 bytes'."""
    if size < 1024:
        return f"{size:,} bytes"
    amount = size / 1024
    unit = "KB"
    for bigger in ("MB", "GB"):
        if amount < 1024:
            break
        amount, unit = amount / 1024, bigger
    return f'{amount:.1f} {unit} <span class="muted">({size:,} bytes)</span>'


# --------------------------------------------------------------------------- page parts


def _verdict(report: Mapping[str, Any]) -> tuple[str, str, str]:
    """(css class, badge text, headline html) for the verdict badge."""
    verdict = report.get("verdict")
    if not isinstance(verdict, Mapping):
        return "", "converted", ""
    valid = verdict.get("valid") is True
    headline = _esc(verdict.get("headline"), limit=_TEXT_LIMIT)
    return ("pass", "PASS", headline) if valid else ("fail", "FAIL", headline)


def _failures(report: Mapping[str, Any]) -> str:
    verdict = report.get("verdict")
    if not isinstance(verdict, Mapping):
        return ""
    failures = verdict.get("failures")
    if not isinstance(failures, list | tuple) or not failures:
        return ""
    items = "".join(f"<li>{_esc(f, limit=_TEXT_LIMIT, keep_space=True)}</li>" for f in failures)
    return f'<ul class="failures" id="failures">{items}</ul>'


def _header(report: Mapping[str, Any]) -> str:
    file = _section(report, "file")
    path = _str(file.get("path"))
    kind = _str(report.get("kind"))
    css, badge, headline = _verdict(report)
    eyebrow = " \u00b7 ".join(
        part
        for part in (
            "leadprep",
            _KIND_TITLES.get(kind, f"{kind} report" if kind else "Report"),
            f"{_str(report.get('campaign'))} campaign" if report.get("campaign") else "",
        )
        if part
    )
    meta = "".join(
        f"<span>{text}</span>"
        for text in (
            f"kind: <strong>{_esc(kind or 'unknown')}</strong>",
            f"generated by {_esc(report.get('generated_by') or 'leadprep')}",
        )
    )
    headline_html = f'<div class="headline">{headline}</div>' if headline else ""
    return (
        f'<header class="top {css}">'
        f'<div class="title"><div class="eyebrow">{_esc(eyebrow)}</div>'
        f"<h1>{_esc(_basename(path) or 'unnamed file')}</h1>"
        f'<div class="path" title="{_esc(path)}">{_esc(path)}</div>'
        f'<div class="meta">{meta}</div></div>'
        f'<div class="verdict-box"><span class="badge {css}" id="verdict">{badge}</span>'
        f"{headline_html}</div>"
        f"</header>{_failures(report)}"
    )


def _stat(css: str, label: str, element_id: str, value: int, sub: str) -> str:
    return (
        f'<div class="stat {css}"><div class="label">{label}</div>'
        f'<div class="value" id="{element_id}">{value:,}</div>'
        f'<div class="sub">{sub}</div></div>'
    )


def _cards(report: Mapping[str, Any]) -> str:
    counts = _section(report, "counts")
    read = _int(counts.get("rows_read"))
    accepted = _int(counts.get("accepted"))
    rejected = _int(counts.get("rejected"))
    warnings = _int(counts.get("warnings"))
    return (
        '<div class="stats">'
        + _stat("", "Rows read", "rows-read", read, "data rows in the file")
        + _stat("ok", "Accepted", "accepted", accepted, _share(accepted, read))
        + _stat("bad", "Rejected", "rejected", rejected, _share(rejected, read))
        + _stat("warn", "Warnings", "warnings-count", warnings, "values changed or dropped")
        + "</div>"
    )


def _skipped(lines: object) -> str:
    if not isinstance(lines, list | tuple) or not lines:
        return '<span class="faint">none</span>'
    shown = ", ".join(_num(line) for line in lines[:_MAX_SKIPPED_SHOWN])
    more = len(lines) - _MAX_SKIPPED_SHOWN
    suffix = f' <span class="faint">\u2026 and {more:,} more</span>' if more > 0 else ""
    return f"{len(lines):,} \u2014 line{'s' if len(lines) != 1 else ''} {shown}{suffix}"


def _quote_char(value: object) -> str:
    if value is None or value == "":
        return '<span class="faint">none</span>'
    return f"<code>{_esc(value)}</code>"


def _line_ending(value: object) -> str:
    text = _str(value)
    return _esc(_LINE_ENDINGS.get(text, text)) or '<span class="faint">unknown</span>'


def _encoding(file: Mapping[str, Any]) -> str:
    confidence = _pct(_rate(file.get("encoding_confidence")))
    source = _str(file.get("encoding_source"))
    source_html = f", {_esc(_ENCODING_SOURCES.get(source, source))}" if source else ""
    return (
        f"<strong>{_esc(file.get('encoding') or 'unknown')}</strong>"
        f' <span class="muted">{confidence} confidence{source_html}</span>'
    )


def _fact(label: str, value_html: str, css: str = "") -> str:
    cls = f' class="{css}"' if css else ""
    return f"<div{cls}><dt>{label}</dt><dd>{value_html}</dd></div>"


def _file_facts(report: Mapping[str, Any]) -> str:
    file = _section(report, "file")
    size = _int(file.get("size_bytes"))
    facts = (
        _fact("Encoding", _encoding(file), "span2"),
        _fact("Size", _size(size)),
        _fact("Byte-order mark", "yes" if file.get("bom") is True else "no"),
        _fact("Delimiter", _esc(file.get("delimiter_name") or "unknown")),
        _fact("Quote character", _quote_char(file.get("quote_char"))),
        _fact("Line ending", _line_ending(file.get("line_ending"))),
        _fact("Header row", "yes" if file.get("header") is True else "no"),
        _fact("Skipped lines", _skipped(file.get("skipped_lines")), "span2"),
    )
    return _card("file", "File", f'<dl class="facts">{"".join(facts)}</dl>')


def _card(anchor: str, title: str, body: str, count: int | None = None) -> str:
    badge = f'<span class="count">{count:,}</span>' if count is not None else ""
    return f'<section class="card" id="sec-{anchor}"><h2>{title}{badge}</h2>{body}</section>'


# --------------------------------------------------------------------------- reasons chart

_CHART_WIDTH = 1000
_LABEL_RIGHT = 262  # right edge of the code labels
_BAR_X = 276
_COUNT_WIDTH = 84
_ROW_HEIGHT = 42
_BAR_HEIGHT = 16


def _chart_row(index: int, reason: Mapping[str, Any], largest: int) -> str:
    code = _str(reason.get("code"))
    count = _int(reason.get("count"))
    description = _str(reason.get("description"))
    span = _CHART_WIDTH - _BAR_X - _COUNT_WIDTH
    width = 0.0 if largest <= 0 else span * max(count, 0) / largest
    if count > 0:
        width = max(width, 3.0)
    top = index * _ROW_HEIGHT + 6
    tooltip = f"{code}: {count:,} \u2014 {description}" if description else f"{code}: {count:,}"
    return (
        f'<g class="rc-row"><title>{_esc(tooltip, limit=_TEXT_LIMIT)}</title>'
        f'<text class="rc-code" x="{_LABEL_RIGHT}" y="{top + 13}" text-anchor="end">'
        f"{_esc(code, limit=30, short=True)}</text>"
        f'<rect class="rc-track" x="{_BAR_X}" y="{top}" width="{span}" '
        f'height="{_BAR_HEIGHT}" rx="4"/>'
        f'<rect class="rc-bar" x="{_BAR_X}" y="{top}" width="{width:.1f}" '
        f'height="{_BAR_HEIGHT}" rx="4"/>'
        f'<text class="rc-count" x="{_CHART_WIDTH - 4}" y="{top + 13}" text-anchor="end">'
        f"{count:,}</text>"
        f'<text class="rc-desc" x="{_BAR_X}" y="{top + _BAR_HEIGHT + 15}">'
        f"{_esc(description, limit=110, short=True)}</text></g>"
    )


def _reasons(report: Mapping[str, Any]) -> str:
    reasons = _items(report.get("reasons"))
    if not reasons:
        body = '<p class="note good">No rejected rows \u2014 no row was turned away.</p>'
        return _card("reasons", "Rejects by reason", body)
    largest = max(_int(reason.get("count")) for reason in reasons)
    height = len(reasons) * _ROW_HEIGHT + 4
    rows = "".join(_chart_row(i, reason, largest) for i, reason in enumerate(reasons))
    total = sum(_int(reason.get("count")) for reason in reasons)
    svg = (
        f'<svg id="reasons-chart" class="chart" viewBox="0 0 {_CHART_WIDTH} {height}" '
        f'width="{_CHART_WIDTH}" height="{height}" role="img" '
        f'aria-label="Rejected rows by reason code">{rows}</svg>'
    )
    return _card("reasons", "Rejects by reason", svg, total)


# --------------------------------------------------------------------------- tables


def _table(headers: Iterable[tuple[str, str]], rows: Iterable[str], css: str = "") -> str:
    head = "".join(
        f'<th class="{cls}">{label}</th>' if cls else f"<th>{label}</th>" for label, cls in headers
    )
    cls = f' class="{css}"' if css else ""
    return f"<table{cls}><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _warnings(report: Mapping[str, Any]) -> str:
    warnings = _items(report.get("warnings"))
    if not warnings:
        return _card("warnings", "Warnings", '<p class="note">No warnings.</p>')
    rows = (
        f'<tr><td><span class="pill warn">{_esc(w.get("code"), limit=60)}</span></td>'
        f'<td class="num">{_num(w.get("count"))}</td>'
        f"<td>{_esc(w.get('description'), limit=_TEXT_LIMIT, keep_space=True)}</td></tr>"
        for w in warnings
    )
    table = _table((("Code", ""), ("Count", "num"), ("Description", "")), rows)
    return _card("warnings", "Warnings", table, sum(_int(w.get("count")) for w in warnings))


def _coverage(report: Mapping[str, Any]) -> str:
    """Per call window of the config, the accepted leads with no number to dial in it."""
    windows = _items(report.get("schedule_coverage"))
    if not windows:
        return ""
    rows = (
        f"<tr><td>{_num(w.get('window'))}</td>"
        f"<td>{_esc(', '.join(map(str, w.get('days') or [])), limit=120)} "
        f"{_esc(w.get('start') or 'opening')}\u2013{_esc(w.get('end') or 'closing')}</td>"
        f"<td>{_esc(' then '.join(map(str, w.get('labels') or [])), limit=120)}</td>"
        f'<td class="num">{_num(w.get("without_phone"))}</td>'
        f"<td>{_esc(w.get('warning') or 'every lead has a number to dial', limit=_TEXT_LIMIT)}"
        "</td></tr>"
        for w in windows
    )
    table = _table((("Window", ""), ("When", ""), ("Dials", ""),
                    ("Leads with nothing to dial", "num"), ("", "")), rows)
    return _card("coverage", "Call windows", table,
                 sum(1 for w in windows if _int(w.get("without_phone"))))


def _mapping(report: Mapping[str, Any]) -> str:
    mapping = _items(report.get("mapping"))
    if not mapping:
        return _card("mapping", "Mapping used", '<p class="note">No columns were mapped.</p>')
    rows = (
        f'<tr><td class="target">{_esc(m.get("target"), limit=120)}</td>'
        f'<td class="arrow">\u2190</td>'
        f"<td>{_esc(m.get('column'), limit=120)}</td>"
        f'<td class="num">{_num(m.get("index"))}</td></tr>'
        for m in mapping
    )
    table = _table((("Target field", ""), ("", ""), ("Source column", ""), ("Index", "num")), rows)
    return _card("mapping", "Mapping used", table, len(mapping))


def _meter(rate: float, *, toned: bool = True) -> str:
    """A small bar and percentage; toned bars go green when full and amber when under half."""
    rate = _rate(rate)
    css = ("full" if rate >= 0.999 else "low" if rate < 0.5 else "") if toned else ""
    cls = f"meter {css}".strip()
    return (
        f'<span class="{cls}"><span style="width:{rate * 100:.1f}%"></span></span>'
        f'<span class="rate">{_pct(rate)}</span>'
    )


def _columns(report: Mapping[str, Any]) -> str:
    columns = _items(report.get("columns"))
    if not columns:
        return _card("columns", "Columns and fill rates", '<p class="note">No columns.</p>')
    rows = (
        f'<tr><td class="num">{_num(c.get("index"))}</td>'
        f"<td>{_esc(c.get('header'), limit=120)}</td>"
        + (
            f'<td class="target">{_esc(c.get("mapped_to"), limit=120)}</td>'
            if c.get("mapped_to")
            else '<td class="unmapped">not used</td>'
        )
        + f'<td class="num">{_num(c.get("filled"))}</td>'
        f'<td class="fill">{_meter(_rate(c.get("fill_rate")))}</td></tr>'
        for c in columns
    )
    headers = (
        ("#", "num"),
        ("Header", ""),
        ("Mapped to", ""),
        ("Filled", "num"),
        ("Fill rate", ""),
    )
    return _card("columns", "Columns and fill rates", _table(headers, rows), len(columns))


def _regions(value: object) -> str:
    regions = [part.strip() for part in _str(value).split(",") if part.strip()]
    if not regions:
        return ""
    shown = ", ".join(regions[:_MAX_REGIONS_SHOWN])
    if len(regions) > _MAX_REGIONS_SHOWN:
        shown += ", \u2026"
    return f'<span class="muted" title="{_esc(", ".join(regions))}">({_esc(shown)})</span>'


def _phones(report: Mapping[str, Any]) -> str:
    countries = _items(report.get("phone_countries"))
    if not countries:
        body = '<p class="note">No valid phone numbers found.</p>'
        return _card("phones", "Phone countries", body)
    total = max(sum(_int(c.get("count")) for c in countries), 1)
    rows = (
        f'<tr><td><span class="cc">+{_int(c.get("country_code"))}</span> '
        f"{_regions(c.get('regions'))}</td>"
        f'<td class="num">{_num(c.get("count"))}</td>'
        f'<td class="fill">{_meter(_int(c.get("count")) / total, toned=False)}</td></tr>'
        for c in countries
    )
    headers = (("Country code", ""), ("Numbers", "num"), ("Share", ""))
    return _card("phones", "Phone countries", _table(headers, rows), len(countries))


# --------------------------------------------------------------------------- examples


def _field(pair: object) -> str:
    if not isinstance(pair, list | tuple) or len(pair) != 2:
        return ""
    header, value = pair
    if value is None:
        shown = '<span class="null">missing</span>'
    elif value == "":
        shown = '<span class="null">empty</span>'
    else:
        shown = f'<span class="v">{_esc(value, limit=_VALUE_LIMIT)}</span>'
    return f'<li><span class="k">{_esc(header, limit=60)}:</span> {shown}</li>'


def _fields(fields: object) -> str:
    if not isinstance(fields, list | tuple) or not fields:
        return '<span class="faint">\u2013</span>'
    return f'<ul class="kv">{"".join(_field(pair) for pair in fields)}</ul>'


def _example_row(example: Mapping[str, Any]) -> str:
    reasons = example.get("reasons")
    codes = reasons if isinstance(reasons, list | tuple) else []
    pills = "".join(f'<span class="pill">{_esc(code, limit=60)}</span>' for code in codes)
    return (
        f'<tr><td class="num">{_num(example.get("row"))}</td>'
        f'<td class="num">{_num(example.get("line"))}</td>'
        f'<td class="rc">{pills}</td>'
        f'<td class="msg">{_esc(example.get("message"), limit=_TEXT_LIMIT, keep_space=True)}</td>'
        f"<td>{_fields(example.get('fields'))}</td></tr>"
    )


def _examples(report: Mapping[str, Any]) -> str:
    examples = _items(report.get("examples"))
    total = max(_int(report.get("examples_total")), len(examples))
    if not examples:
        body = '<p class="note">No rejected rows to show.</p>'
        return _card("examples", "Example rejected rows", body)
    headers = (("Row", "num"), ("Line", "num"), ("Reasons", ""), ("Message", ""), ("Fields", ""))
    table = _table(headers, (_example_row(example) for example in examples), "examples")
    note = ""
    if total > len(examples):
        note = (
            f'<p class="note more" id="examples-note">showing {len(examples):,} of {total:,} '
            "rejected rows</p>"
        )
    return _card("examples", "Example rejected rows", table + note, total)


# --------------------------------------------------------------------------- page


def render_html(report: Mapping[str, Any]) -> str:
    """Render a run report as one self-contained HTML5 page (inline CSS and SVG, no URLs).

    ``report`` has the keys ``kind``, ``generated_by``, ``file``, ``campaign``, ``counts``,
    ``verdict`` (None or ``{"valid", "headline", "failures"}``), ``reasons``, ``warnings``,
    ``mapping``, ``columns``, ``phone_countries``, ``examples`` and ``examples_total``, and
    optionally ``schedule_coverage`` (the config's call windows against the accepted leads).

    Test hooks: the counts sit in elements with ids ``rows-read``, ``accepted``, ``rejected``
    and ``warnings-count`` (with thousands separators), the verdict badge has id ``verdict``
    and the rejects chart, when there are rejects, is ``<svg id="reasons-chart">``.
    """
    path = _str(_section(report, "file").get("path"))
    title = f"leadprep report \u00b7 {_basename(path)}" if path else "leadprep report"
    body = "".join(
        (
            _header(report),
            _cards(report),
            _file_facts(report),
            _reasons(report),
            f'<div class="pair">{_warnings(report)}{_mapping(report)}</div>',
            _coverage(report),
            _columns(report),
            _phones(report),
            _examples(report),
        )
    )
    footer = (
        f"<footer>{_esc(report.get('generated_by') or 'leadprep')} \u00b7 "
        "a self-contained report: nothing on this page is loaded from elsewhere</footer>"
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="color-scheme" content="light">'
        f'<meta name="generator" content="{_esc(report.get("generated_by") or "leadprep")}">'
        f"<title>{_esc(title)}</title><style>{_CSS}</style></head>"
        f'<body><main class="wrap">{body}{footer}</main></body></html>\n'
    )
