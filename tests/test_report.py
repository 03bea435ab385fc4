"""The HTML run report: escaping, self-containment, test hooks, and what headless Chromium shows."""

from __future__ import annotations

import copy
import os
import re
import shutil
import struct
import subprocess
import sys
import uuid
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leadprep._report import render_html

from .conftest import SAMPLE

HOSTILE = "<script>alert(1)</script>\"quoted\" & 'single' \u00e9\u4e2d\U0001f600"


def sample_report() -> dict[str, Any]:
    """A realistic convert report: 12,345 rows, five reject reasons, two warnings."""
    return {
        "kind": "convert",
        "generated_by": "leadprep 0.1.0",
        "file": {
            "path": "/srv/imports/2024-03/Spring campaign leads (final v2).csv",
            "size_bytes": 2_345_678,
            "encoding": "windows-1252",
            "encoding_confidence": 0.87,
            "encoding_source": "chardet",
            "bom": False,
            "delimiter_name": "semicolon",
            "quote_char": '"',
            "line_ending": "CRLF",
            "header": True,
            "skipped_lines": [1, 2, 9001],
        },
        "campaign": "SIMPLE",
        "counts": {"rows_read": 12_345, "accepted": 11_120, "rejected": 1_225, "warnings": 318},
        "verdict": None,
        "reasons": [
            {
                "code": "INVALID_PRIMARY_PHONE",
                "count": 702,
                "description": "the primary phone is not a valid phone number",
            },
            {
                "code": "DUPLICATE_PRIMARY_IN_FILE",
                "count": 341,
                "description": "the same primary phone appeared on an earlier row",
            },
            {
                "code": "MISSING_PRIMARY_PHONE",
                "count": 120,
                "description": "the primary phone is empty",
            },
            {
                "code": "TOO_MANY_FIELDS",
                "count": 57,
                "description": "the record has more fields than the header",
            },
            {"code": "BLANK_ROW", "count": 5, "description": "every field is empty or whitespace"},
        ],
        "warnings": [
            {
                "code": "INVALID_EMAIL",
                "count": 301,
                "description": "the email address is malformed and was dropped",
            },
            {
                "code": "INVALID_PERSONA_PHONE",
                "count": 17,
                "description": "a persona phone is not valid and was dropped",
            },
        ],
        "mapping": [
            {"target": "EXTERN_ID", "column": "Customer ID", "index": 0},
            {"target": "FIRST_NAME", "column": "First Name", "index": 1},
            {"target": "LAST_NAME", "column": "Last Name", "index": 2},
            {"target": "LEAD_PHONE", "column": "Phone", "index": 3},
            {"target": "EMAIL", "column": "E-mail", "index": 4},
            {"target": "persona 2 \u00b7 Mobile Phone", "column": "Mobile", "index": 5},
            {"target": "STATE", "column": "State", "index": 6},
            {"target": "extendedLeadData.segment", "column": "Segment", "index": 8},
        ],
        "columns": [
            {
                "index": 0,
                "header": "Customer ID",
                "filled": 12_345,
                "fill_rate": 1.0,
                "mapped_to": "EXTERN_ID",
            },
            {
                "index": 1,
                "header": "First Name",
                "filled": 12_101,
                "fill_rate": 0.9802,
                "mapped_to": "FIRST_NAME",
            },
            {
                "index": 2,
                "header": "Last Name",
                "filled": 12_280,
                "fill_rate": 0.9947,
                "mapped_to": "LAST_NAME",
            },
            {
                "index": 3,
                "header": "Phone",
                "filled": 12_225,
                "fill_rate": 0.9903,
                "mapped_to": "LEAD_PHONE",
            },
            {
                "index": 4,
                "header": "E-mail",
                "filled": 8_002,
                "fill_rate": 0.6482,
                "mapped_to": "EMAIL",
            },
            {
                "index": 5,
                "header": "Mobile",
                "filled": 3_410,
                "fill_rate": 0.2762,
                "mapped_to": "persona 2 \u00b7 Mobile Phone",
            },
            {
                "index": 6,
                "header": "State",
                "filled": 11_990,
                "fill_rate": 0.9712,
                "mapped_to": "STATE",
            },
            {
                "index": 7,
                "header": "Notes",
                "filled": 1_204,
                "fill_rate": 0.0975,
                "mapped_to": None,
            },
            {
                "index": 8,
                "header": "Segment",
                "filled": 12_345,
                "fill_rate": 1.0,
                "mapped_to": "extendedLeadData.segment",
            },
        ],
        "phone_countries": [
            {
                "country_code": 1,
                "regions": "US, CA, PR, GU, AS, VI, MP, AG, AI, BB",
                "count": 14_850,
            },
            {"country_code": 44, "regions": "GB, GG, IM, JE", "count": 212},
            {"country_code": 52, "regions": "MX", "count": 31},
        ],
        "examples": [
            {
                "row": 17,
                "line": 19,
                "reasons": ["INVALID_PRIMARY_PHONE"],
                "message": "Phone '555-01' is too short to be a phone number",
                "fields": [
                    ["Customer ID", "C-00017"],
                    ["First Name", "Ana"],
                    ["Last Name", "N\u00fa\u00f1ez"],
                    ["Phone", "555-01"],
                    ["E-mail", ""],
                    ["Mobile", None],
                ],
            },
            {
                "row": 244,
                "line": 246,
                "reasons": ["DUPLICATE_PRIMARY_IN_FILE", "TOO_MANY_FIELDS"],
                "message": "the record has 11 fields, the header 9; phone +1 212 555 0142 "
                "was already on row 12",
                "fields": [
                    ["Customer ID", "C-00244"],
                    ["First Name", "Jean-Baptiste"],
                    ["Last Name", "O'Connor"],
                    ["Phone", "(212) 555-0142"],
                    ["E-mail", "jb@example.org"],
                    ["Mobile", "+1 646 555 0199"],
                ],
            },
        ],
        "examples_total": 40,
    }


def empty_report() -> dict[str, Any]:
    report = sample_report()
    report["counts"] = {"rows_read": 0, "accepted": 0, "rejected": 0, "warnings": 0}
    report["file"]["skipped_lines"] = []
    for key in ("reasons", "warnings", "mapping", "columns", "phone_countries", "examples"):
        report[key] = []
    report["examples_total"] = 0
    report["verdict"] = None
    return report


def failing_report() -> dict[str, Any]:
    report = sample_report()
    report["kind"] = "check"
    report["verdict"] = {
        "valid": False,
        "headline": "1,225 of 12,345 rows would be rejected",
        "failures": ["rejected rows: 9.9% > allowed 1%", "duplicate primary phones in file"],
    }
    return report


def hostile_report() -> dict[str, Any]:
    """Every string the user's file can influence holds markup, quotes and unicode."""
    report = sample_report()
    report["file"]["path"] = f"/tmp/{HOSTILE}.csv"
    report["file"]["quote_char"] = '"'
    report["verdict"] = {"valid": False, "headline": HOSTILE, "failures": [HOSTILE]}
    report["reasons"][0]["code"] = HOSTILE
    report["reasons"][0]["description"] = HOSTILE
    report["warnings"][0]["description"] = HOSTILE
    report["mapping"][0]["column"] = HOSTILE
    report["columns"][0]["header"] = HOSTILE
    report["columns"][1]["mapped_to"] = HOSTILE
    report["phone_countries"][0]["regions"] = HOSTILE
    report["examples"][0]["message"] = HOSTILE
    report["examples"][0]["reasons"] = [HOSTILE]
    report["examples"][0]["fields"] = [[HOSTILE, HOSTILE], ["x", "\x00\x1b\x7f\x85\ud800"]]
    return report


class _Dom(HTMLParser):
    """Start tags in order, and the text inside each element that has an id."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.text_by_id: dict[str, str] = {}
        self._open: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        element_id = dict(attrs).get("id")
        if element_id is not None:
            self.text_by_id.setdefault(element_id, "")
        if tag not in {"meta", "br", "rect", "path", "link", "img", "input", "hr"}:
            self._open.append((tag, element_id))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        element_id = dict(attrs).get("id")
        if element_id is not None:
            self.text_by_id.setdefault(element_id, "")

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self._open) - 1, -1, -1):
            if self._open[depth][0] == tag:
                del self._open[depth:]
                break

    def handle_data(self, data: str) -> None:
        for _tag, element_id in self._open:
            if element_id is not None:
                self.text_by_id[element_id] += data


def parse(document: str) -> _Dom:
    dom = _Dom()
    dom.feed(document)
    dom.close()
    return dom


def assert_counts(dom: _Dom, report: dict[str, Any]) -> None:
    counts = report["counts"]
    expected = {
        "rows-read": counts["rows_read"],
        "accepted": counts["accepted"],
        "rejected": counts["rejected"],
        "warnings-count": counts["warnings"],
    }
    for element_id, value in expected.items():
        assert dom.text_by_id.get(element_id, "").strip() == f"{value:,}", element_id


# ------------------------------------------------------------------------- render_html itself


def test_counts_sit_in_the_id_elements_with_thousands_separators() -> None:
    report = sample_report()
    dom = parse(render_html(report))
    assert_counts(dom, report)
    assert dom.text_by_id["rows-read"].strip() == "12,345"
    assert dom.text_by_id["accepted"].strip() == "11,120"
    assert dom.text_by_id["rejected"].strip() == "1,225"
    assert dom.text_by_id["warnings-count"].strip() == "318"


def test_page_is_one_html5_document_with_the_sections_in_order() -> None:
    page = render_html(sample_report())
    assert page.startswith("<!DOCTYPE html>")
    assert page.count("<html") == 1
    assert '<meta charset="utf-8">' in page
    order = [
        'id="verdict"',
        'id="rows-read"',
        'id="sec-file"',
        'id="reasons-chart"',
        'id="sec-warnings"',
        'id="sec-mapping"',
        'id="sec-columns"',
        'id="sec-phones"',
        'id="sec-examples"',
    ]
    positions = [page.index(marker) for marker in order]
    assert positions == sorted(positions)


def test_file_facts_are_shown() -> None:
    text = parse_text(render_html(sample_report()))
    for fact in (
        "windows-1252",
        "87.0% confidence, detected by chardet",
        "semicolon",
        "CRLF (\\r\\n)",
        "2.2 MB",
        "2,345,678 bytes",
        "1, 2, 9,001",
        "+1",
        "(US, CA, PR, GU, AS, VI, \u2026)",
        "SIMPLE",
    ):
        assert fact in text, fact


def test_without_verdict_the_badge_says_converted() -> None:
    dom = parse(render_html(sample_report()))
    assert dom.text_by_id["verdict"] == "converted"
    assert "failures" not in dom.text_by_id


def test_failing_verdict_shows_fail_headline_and_failures() -> None:
    page = render_html(failing_report())
    dom = parse(page)
    assert dom.text_by_id["verdict"] == "FAIL"
    assert "1,225 of 12,345 rows would be rejected" in page
    assert "rejected rows: 9.9% &gt; allowed 1%" in page
    assert "duplicate primary phones in file" in dom.text_by_id["failures"]


def test_passing_verdict_shows_pass() -> None:
    report = failing_report()
    report["verdict"] = {"valid": True, "headline": "ready to load", "failures": []}
    dom = parse(render_html(report))
    assert dom.text_by_id["verdict"] == "PASS"
    assert "failures" not in dom.text_by_id


def test_every_user_value_is_escaped() -> None:
    page = render_html(hostile_report())
    assert "<script" not in page.lower()
    assert "alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&quot;quoted&quot;" in page
    assert "\u00e9\u4e2d\U0001f600" in page
    # Control characters are shown, not emitted; the page always encodes as UTF-8.
    assert "\x00" not in page and "\x1b" not in page and "\ud800" not in page
    assert "\u2400\u241b\u2421\\x85\ufffd" in page
    page.encode("utf-8")
    # The markup is the same as for a harmless report: nothing from the data became a tag.
    assert parse(page).tags == parse(render_html(_defused(hostile_report()))).tags


def _defused(report: Any) -> Any:
    """The same report with every string replaced by a harmless one of the same kind."""
    if isinstance(report, dict):
        return {key: _defused(value) for key, value in report.items()}
    if isinstance(report, list):
        return [_defused(value) for value in report]
    if isinstance(report, str) and report:
        return "x"
    return report


def test_no_external_references() -> None:
    for report in (sample_report(), empty_report(), failing_report(), hostile_report()):
        page = render_html(report)
        assert "http://" not in page
        assert "https://" not in page
        assert 'src="//' not in page
        assert "http" not in page.lower()
        assert "<script" not in page.lower()
        assert "<link" not in page.lower()
        assert "@import" not in page
        assert "url(" not in page


def test_empty_report_still_renders() -> None:
    report = empty_report()
    page = render_html(report)
    dom = parse(page)
    assert_counts(dom, report)
    assert dom.text_by_id["verdict"] == "converted"
    assert "No rejected rows" in page
    assert 'id="reasons-chart"' not in page
    assert "No warnings" in page
    assert "examples-note" not in dom.text_by_id


def test_examples_note_says_how_many_are_shown() -> None:
    dom = parse(render_html(sample_report()))
    assert dom.text_by_id["examples-note"].strip() == "showing 2 of 40 rejected rows"
    report = sample_report()
    report["examples_total"] = 2
    assert "examples-note" not in parse(render_html(report)).text_by_id


def test_example_fields_are_a_compact_header_value_list() -> None:
    text = parse_text(render_html(sample_report()))
    assert "Phone: 555-01" in text
    assert "E-mail: empty" in text
    assert "Mobile: missing" in text
    assert "Last Name: O'Connor" in text


def test_reasons_chart_scales_bars_to_the_largest_count() -> None:
    page = render_html(sample_report())
    chart = page[page.index('<svg id="reasons-chart"') : page.index("</svg>")]
    assert chart.count('class="rc-bar"') == 5
    assert "<title>INVALID_PRIMARY_PHONE: 702 \u2014 the primary phone is not a valid" in chart
    widths = [float(w) for w in re.findall(r'<rect class="rc-bar" [^>]*width="([0-9.]+)"', chart)]
    assert len(widths) == 5
    assert widths[0] == max(widths)
    assert widths == sorted(widths, reverse=True)
    assert widths[-1] >= 3.0  # a small count still shows


def test_missing_and_mistyped_values_do_not_raise() -> None:
    page = render_html({"kind": "check"})
    dom = parse(page)
    assert dom.text_by_id["rows-read"] == "0"
    assert dom.text_by_id["verdict"] == "converted"
    odd = sample_report()
    odd["counts"]["rows_read"] = None
    odd["columns"][0]["fill_rate"] = float("nan")
    odd["file"]["encoding_confidence"] = 7
    odd["examples"][0]["fields"] = [["only-one"], "not a pair", ["a", "b"]]
    render_html(odd)


def test_long_values_are_clipped() -> None:
    report = sample_report()
    report["examples"][0]["fields"] = [["Notes", "y" * 100_000]]
    page = render_html(report)
    assert "y" * 161 not in page
    assert "(+99,840 characters)" in page


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=st.text(min_size=1, max_size=40))
def test_no_string_changes_the_markup(value: str) -> None:
    report = hostile_report()
    report["file"]["path"] = value
    report["columns"][2]["header"] = value
    report["examples"][1]["fields"][0] = [value, value]
    report["examples"][1]["message"] = value
    report["reasons"][1]["code"] = value
    page = render_html(report)
    page.encode("utf-8")
    assert parse(page).tags == parse(render_html(_defused(report))).tags


def parse_text(page: str) -> str:
    """The page's visible text with whitespace collapsed (style content dropped)."""

    class _Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.parts: list[str] = []
            self._skip = 0

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self._skip += tag in ("style", "title")

        def handle_endtag(self, tag: str) -> None:
            self._skip -= tag in ("style", "title")

        def handle_data(self, data: str) -> None:
            if not self._skip:
                self.parts.append(data)

    parser = _Text()
    parser.feed(page)
    return " ".join("".join(parser.parts).split())


# ------------------------------------------------------------------------- headless Chromium

_APT_ENV = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}


def _find_chromium() -> str | None:
    found = shutil.which("chromium")
    if found:
        return found
    return "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None


def _install_chromium() -> str:
    """Install Debian's chromium; return '' on success, else why it could not be done."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "chromium is not installed and the tests are not running as root to install it"
    apt_get = shutil.which("apt-get")
    if apt_get is None:
        return "chromium is not installed and there is no apt-get to install it"
    steps = (
        ([apt_get, "update"], 300),
        ([apt_get, "install", "-y", "--no-install-recommends", "chromium"], 900),
    )
    for command, timeout in steps:
        try:
            done = subprocess.run(
                command, env=_APT_ENV, capture_output=True, text=True, timeout=timeout, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            return f"{' '.join(command)} failed: {error}"
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip()[-800:]
            return f"{' '.join(command)} exited {done.returncode}: {tail}"
    return ""


@pytest.fixture(scope="session")
def chromium() -> str:
    """The path of Debian's chromium, installed with apt-get when missing and possible."""
    found = _find_chromium()
    if found is None:
        reason = _install_chromium()
        found = _find_chromium()
        if found is None:
            pytest.skip(f"headless Chromium unavailable: {reason or 'not found after install'}")
    return found


def run_chromium(binary: str, workdir: Path, *args: str, timeout: float = 60) -> str:
    """Run headless chromium with a fresh profile; fail with its stderr if it does not work."""
    profile = workdir / f"chromium-profile-{uuid.uuid4().hex}"
    command = [
        binary,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        *args,
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as error:
        stderr = error.stderr.decode(errors="replace") if isinstance(error.stderr, bytes) else ""
        pytest.fail(f"chromium timed out after {timeout} s: {command}\nstderr:\n{stderr[-3000:]}")
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    if done.returncode != 0:
        pytest.fail(f"chromium exited {done.returncode}: {command}\nstderr:\n{done.stderr[-3000:]}")
    return done.stdout


@pytest.fixture
def report_file(tmp_path: Path) -> Path:
    return tmp_path / "report.html"


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def test_chromium_dom_shows_counts_and_chart(
    chromium: str, tmp_path: Path, report_file: Path
) -> None:
    report = hostile_report()
    report_file.write_text(render_html(report), encoding="utf-8")
    dom_text = run_chromium(chromium, tmp_path, "--dump-dom", report_file.as_uri())
    dom = parse(dom_text)
    assert_counts(dom, report)
    assert dom.text_by_id["verdict"] == "FAIL"
    assert "reasons-chart" in dom.text_by_id
    assert "svg" in dom.tags and dom.tags.count("rect") == 2 * len(report["reasons"])
    # The hostile values stayed text: no script element reached the DOM.
    assert "script" not in dom.tags
    assert "<script>alert(1)</script>" in parse_text(dom_text)


def test_chromium_screenshot(chromium: str, tmp_path: Path, report_file: Path) -> None:
    report = copy.deepcopy(sample_report())
    report_file.write_text(render_html(report), encoding="utf-8")
    png = tmp_path / "report.png"
    run_chromium(
        chromium,
        tmp_path,
        f"--screenshot={png}",
        "--window-size=1280,2200",
        "--hide-scrollbars",
        report_file.as_uri(),
    )
    assert png.is_file(), "chromium wrote no screenshot"
    assert _png_size(png) == (1280, 2200)
    assert png.stat().st_size > 30_000, "the screenshot is suspiciously small (blank page?)"
    target = os.environ.get("LEADPREP_REPORT_SCREENSHOT")
    if target:
        shutil.copyfile(png, target)


# ------------------------------------------------------------- the real commands' reports

def _cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "leadprep", *map(str, args)],
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize("command", ["convert", "check"])
def test_the_commands_report_renders_in_chromium_with_the_runs_counts(
    chromium: str, tmp_path: Path, command: str
) -> None:
    report = tmp_path / "report.html"
    extra = ["--out", tmp_path / "out"] if command == "convert" else []
    done = _cli(command, SAMPLE / "leads.csv", "--config", SAMPLE / "leadprep.toml",
                *extra, "--report", report)
    assert done.returncode == (0 if command == "convert" else 1), done.stderr
    page = report.read_text(encoding="utf-8")
    assert "http://" not in page and "https://" not in page
    dom = parse(run_chromium(chromium, tmp_path, "--dump-dom", report.as_uri()))
    assert dom.text_by_id["rows-read"] == "62"
    assert dom.text_by_id["accepted"] == "54"
    assert dom.text_by_id["rejected"] == "8"
    assert dom.text_by_id["warnings-count"] == "3"
    assert dom.text_by_id["verdict"] == ("FAIL" if command == "check" else "converted")
    assert "reasons-chart" in dom.text_by_id
