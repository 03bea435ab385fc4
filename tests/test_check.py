"""`leadprep check`, the pre-upload gate: thresholds, what it writes, and that it judges exactly
the rows `convert` would reject.

Most tests use the Python API or typer's in-process runner (a real `python -m leadprep` costs
about a second); one runs the real process end to end: exit code, stdout, stderr, working
directory.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import leadprep
from leadprep._cli import app

from .conftest import DATA, SAMPLE, validate_against

SAMPLE_CSV = SAMPLE / "leads.csv"
SAMPLE_TOML = SAMPLE / "leadprep.toml"
MINIMAL = '[mapping.columns]\nEXTERN_ID = "id"\nLEAD_PHONE = "phone"\n'
STRATEGIC = '[campaign]\ncalling_configuration = "STRATEGIC"\n'
# Distinct valid US numbers: 415-555-0100 .. 415-555-0199, then 212-555-01xx, 617-555-01xx.
VALID = [f"{area}5550{i:03d}" for area in ("415", "212", "617") for i in range(100, 200)]
SAMPLE_REASONS = {
    "INVALID_PRIMARY_PHONE": 2, "TOO_FEW_FIELDS": 1, "BLANK_ROW": 1, "MISSING_EXTERN_ID": 1,
    "DUPLICATE_PRIMARY_IN_FILE": 1, "PIPE_DELIMITED_PRIMARY": 1, "MISSING_PRIMARY_PHONE": 1,
}
SAMPLE_WARNINGS = {"INVALID_PERSONA_PHONE": 1, "PIPE_DELIMITED_PERSONA": 1, "INVALID_EMAIL": 1}


# ---------------------------------------------------------------------------------------------
# helpers


def leads(tmp_path: Path, *rows: str, name: str = "leads.csv") -> Path:
    """An `id,phone` file with these data lines."""
    path = tmp_path / name
    path.write_text("id,phone\n" + "".join(f"{row}\n" for row in rows), encoding="utf-8")
    return path


def clean_rows(n: int) -> list[str]:
    return [f"C-{i},{VALID[i]}" for i in range(n)]


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "leadprep.toml"
    path.write_text(MINIMAL)
    return path


@pytest.fixture
def one_in_ten(tmp_path: Path) -> Path:
    """10 rows, one rejected (INVALID_PRIMARY_PHONE)."""
    return leads(tmp_path, *clean_rows(9), "C-9,555-0100")


@pytest.fixture
def three_in_five(tmp_path: Path) -> Path:
    """5 rows, 3 rejected: invalid phone, missing phone, missing id."""
    return leads(tmp_path, *clean_rows(2), "C-2,555-0100", "C-3,", f",{VALID[4]}")


def gate(*args: str | Path) -> Any:
    """`leadprep check ...` in process (typer's runner): exit_code, stdout, stderr."""
    return CliRunner().invoke(app, ["check", *map(str, args)])


def leadprep_process(
    *args: str | Path, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "leadprep", *map(str, args)],
                          capture_output=True, text=True, timeout=120, cwd=cwd)


def rejects_csv(path: Path) -> set[tuple[int, tuple[str, ...]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {(int(r["_row"]), tuple(r["_reasons"].split(";"))) for r in csv.DictReader(handle)}


def check_rejects(report: leadprep.CheckReport) -> set[tuple[int, tuple[str, ...]]]:
    rejected = report.outcome.rejected
    return {(row, tuple(reasons)) for row, reasons in rejected.select("_row", "_reasons").rows()}


def one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


def listing(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


# ---------------------------------------------------------------------------------------------
# default thresholds: no reject is tolerated


def test_default_a_clean_file_passes(tmp_path: Path, config: Path) -> None:
    report = leadprep.check(leads(tmp_path, *clean_rows(5)), config)
    assert report.valid and report.failures == ()
    assert report.stats == {"rows_read": 5, "accepted": 5, "rejected": 0, "counted_rejects": 0,
                            "reject_rate": 0.0, "warnings": 0}
    assert report.as_dict()["thresholds"] == {"max_reject_rate": 0.0, "max_rejects": None,
                                              "fail_on": [], "allow": []}


def test_default_any_rejected_row_fails(one_in_ten: Path, config: Path) -> None:
    report = leadprep.check(one_in_ten, config)
    assert not report.valid
    assert report.counted_rejects == 1
    assert len(report.failures) == 1 and "--max-reject-rate" in report.failures[0]


def test_default_the_sample_fails_with_its_eight_rejects() -> None:
    report = leadprep.check(SAMPLE_CSV, SAMPLE_TOML)
    assert not report.valid
    assert report.stats["rows_read"] == 62
    assert report.stats["accepted"] == 54
    assert report.stats["rejected"] == report.counted_rejects == 8
    assert report.stats["warnings"] == 3
    assert report.as_dict()["reasons"] == SAMPLE_REASONS
    assert report.as_dict()["warnings"] == SAMPLE_WARNINGS


# ---------------------------------------------------------------------------------------------
# max_reject_rate


def test_rate_at_exactly_the_limit_passes(one_in_ten: Path, config: Path) -> None:
    report = leadprep.check(one_in_ten, config, max_reject_rate=0.1)
    assert report.valid, report.failures
    assert report.reject_rate == 0.1


def test_rate_just_above_the_limit_fails(one_in_ten: Path, config: Path) -> None:
    report = leadprep.check(one_in_ten, config, max_reject_rate=0.09)
    assert not report.valid
    assert len(report.failures) == 1
    assert "--max-reject-rate" in report.failures[0] and "10.00%" in report.failures[0]


def test_rate_is_counted_rejects_over_rows_read_on_the_sample() -> None:
    assert leadprep.check(SAMPLE_CSV, SAMPLE_TOML, max_reject_rate=8 / 62).valid
    assert not leadprep.check(SAMPLE_CSV, SAMPLE_TOML, max_reject_rate=0.129).valid


@pytest.mark.parametrize(("rate", "code"), [("10%", 0), ("0.1", 0), (" 10% ", 0), ("9%", 1),
                                            ("0.09", 1)])
def test_rate_cli_accepts_a_fraction_or_a_percentage(
    one_in_ten: Path, config: Path, rate: str, code: int
) -> None:
    done = gate(one_in_ten, "-c", config, "--max-reject-rate", rate)
    assert done.exit_code == code, done.stdout + done.stderr


@pytest.mark.parametrize("rate", ["abc", "150%", "1.5", "-1%", "-0.1", "nan", "inf", "%", ""])
def test_rate_cli_rejects_a_bad_rate_with_one_line_naming_the_flag(
    one_in_ten: Path, config: Path, rate: str
) -> None:
    done = gate(one_in_ten, "-c", config, "--max-reject-rate", rate)
    assert done.exit_code == 2, done.stdout + done.stderr
    assert "--max-reject-rate" in one_line(done.stderr)
    assert done.stdout == ""


@pytest.mark.parametrize(
    "rate",
    [
        "0.056",
        "5.6%",  # as a float, 5.6 / 100 is 0.055999…, and a file at the limit would fail
    ],
)
def test_rate_cli_a_percentage_at_exactly_the_limit_passes_like_the_fraction(
    tmp_path: Path, config: Path, rate: str
) -> None:
    # 7 of 125 rows rejected is exactly 5.6%.
    src = leads(tmp_path, *clean_rows(118), *[f"X-{i},555-0100" for i in range(7)])
    done = gate(src, "-c", config, "--max-reject-rate", rate)
    assert done.exit_code == 0, done.stdout


# ---------------------------------------------------------------------------------------------
# max_rejects


def test_max_rejects_alone_does_not_check_the_rate(three_in_five: Path, config: Path) -> None:
    report = leadprep.check(three_in_five, config, max_rejects=3)
    assert report.valid, report.failures
    assert report.reject_rate == 0.6
    assert report.as_dict()["thresholds"]["max_reject_rate"] is None


def test_max_rejects_alone_fails_above_the_count(three_in_five: Path, config: Path) -> None:
    report = leadprep.check(three_in_five, config, max_rejects=2)
    assert not report.valid
    assert len(report.failures) == 1 and "--max-rejects 2" in report.failures[0]


@pytest.mark.parametrize(("limit", "code"), [("3", 0), ("2", 1)])
def test_max_rejects_cli(three_in_five: Path, config: Path, limit: str, code: int) -> None:
    done = gate(three_in_five, "-c", config, "--max-rejects", limit)
    assert done.exit_code == code, done.stdout + done.stderr


@pytest.mark.parametrize(
    ("rate", "count", "failing"),
    [
        (0.6, 3, []),
        (0.6, 2, ["--max-rejects"]),
        (0.5, 3, ["--max-reject-rate"]),
        (0.5, 2, ["--max-reject-rate", "--max-rejects"]),
        (0.0, 10, ["--max-reject-rate"]),
    ],
)
def test_both_thresholds_given_both_apply(
    three_in_five: Path, config: Path, rate: float, count: int, failing: list[str]
) -> None:
    report = leadprep.check(three_in_five, config, max_reject_rate=rate, max_rejects=count)
    assert report.valid == (not failing)
    assert len(report.failures) == len(failing)
    for failure, flag in zip(report.failures, failing, strict=True):
        assert f"{flag} " in failure


# ---------------------------------------------------------------------------------------------
# allow


def test_allow_rows_whose_every_reason_is_allowed_do_not_count(
    tmp_path: Path, config: Path
) -> None:
    src = leads(tmp_path, *clean_rows(3), "C-3,", ",")  # MISSING_PRIMARY_PHONE, BLANK_ROW
    report = leadprep.check(src, config, allow=["MISSING_PRIMARY_PHONE", "BLANK_ROW"])
    assert report.valid, report.failures
    assert report.counted_rejects == 0
    assert report.stats["rejected"] == 2  # still reported, just not counted


def test_allow_a_row_with_an_allowed_and_a_non_allowed_reason_still_counts(
    tmp_path: Path, config: Path
) -> None:
    src = leads(tmp_path, *clean_rows(3), ",555-0100")
    [(_, reasons)] = check_rejects(leadprep.check(src, config, allow_empty=True))
    assert set(reasons) == {"MISSING_EXTERN_ID", "INVALID_PRIMARY_PHONE"}
    report = leadprep.check(src, config, allow=["MISSING_EXTERN_ID"])
    assert not report.valid and report.counted_rejects == 1
    both = leadprep.check(src, config, allow=["MISSING_EXTERN_ID", "INVALID_PRIMARY_PHONE"])
    assert both.valid and both.counted_rejects == 0


def test_allow_on_a_clean_file_passes(tmp_path: Path, config: Path) -> None:
    assert leadprep.check(leads(tmp_path, *clean_rows(3)), config, allow=["BLANK_ROW"]).valid


def test_allow_lowers_the_counted_rate_on_the_sample() -> None:
    allowed = ["INVALID_PRIMARY_PHONE", "TOO_FEW_FIELDS", "BLANK_ROW"]  # 4 of the 8 rows
    report = leadprep.check(SAMPLE_CSV, SAMPLE_TOML, allow=allowed, max_reject_rate=4 / 62)
    assert report.counted_rejects == 4 and report.valid
    assert not leadprep.check(SAMPLE_CSV, SAMPLE_TOML, allow=allowed, max_rejects=3).valid


def test_allow_cli_takes_comma_separated_and_repeated_codes() -> None:
    done = gate(SAMPLE_CSV, "-c", SAMPLE_TOML, "--json", "--allow",
                "INVALID_PRIMARY_PHONE, too_few_fields", "--allow", "BLANK_ROW")
    assert done.exit_code == 1
    doc = json.loads(done.stdout)
    assert doc["stats"]["counted_rejects"] == 4
    assert doc["thresholds"]["allow"] == ["BLANK_ROW", "INVALID_PRIMARY_PHONE", "TOO_FEW_FIELDS"]


# ---------------------------------------------------------------------------------------------
# fail_on


def test_fail_on_a_warning_code_fails_within_a_generous_rate() -> None:
    assert leadprep.check(SAMPLE_CSV, SAMPLE_TOML, max_reject_rate=0.5).valid
    report = leadprep.check(SAMPLE_CSV, SAMPLE_TOML, max_reject_rate=0.5,
                            fail_on=["INVALID_EMAIL"])
    assert not report.valid
    assert len(report.failures) == 1
    assert "INVALID_EMAIL" in report.failures[0] and "warning" in report.failures[0]


def test_fail_on_a_reject_code_fails_within_the_thresholds() -> None:
    report = leadprep.check(SAMPLE_CSV, SAMPLE_TOML, max_rejects=100,
                            fail_on=["blank_row", "NON_NANP_PRIMARY"])
    assert not report.valid
    assert report.failures == ("1 row(s) with BLANK_ROW, which --fail-on forbids",)


def test_fail_on_codes_that_do_not_occur_pass(tmp_path: Path, config: Path) -> None:
    report = leadprep.check(leads(tmp_path, *clean_rows(4)), config,
                            fail_on=["INVALID_EMAIL", "BLANK_ROW", "DUPLICATE_PRIMARY_IN_FILE"])
    assert report.valid, report.failures


@pytest.mark.parametrize(("args", "code"), [((), 0), (("--fail-on", "INVALID_EMAIL"), 1),
                                            (("--fail-on", "DROPPED_PIPE_PART,INVALID_EMAIL"), 1),
                                            (("--fail-on", "DROPPED_PIPE_PART"), 0)])
def test_fail_on_cli_with_a_generous_rate_on_the_sample(args: tuple[str, ...], code: int) -> None:
    done = gate(SAMPLE_CSV, "-c", SAMPLE_TOML, "--max-reject-rate", "50%", *args)
    assert done.exit_code == code, done.stdout + done.stderr


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (("--fail-on", "NOPE"), "--fail-on"),
        (("--fail-on", "INVALID_EMAIL,NOPE"), "--fail-on"),
        (("--allow", "NOPE"), "--allow"),
        (("--allow", "INVALID_EMAIL"), "--allow"),  # a warning code never rejects a row
        (("--allow", "FILE_NOT_FOUND"), "--allow"),
        (("--fail-on", "BLANK_ROW", "--allow", "blank_row"), "--fail-on"),
        (("--fail-on", "INVALID_EMAIL,BLANK_ROW", "--allow", "BLANK_ROW"), "--allow"),
    ],
)
def test_fail_on_and_allow_cli_refuse_bad_codes_naming_the_flag(
    args: tuple[str, ...], flag: str
) -> None:
    done = gate(SAMPLE_CSV, "-c", SAMPLE_TOML, *args)
    assert done.exit_code == 2, done.stdout + done.stderr
    assert flag in one_line(done.stderr)


def test_fail_on_and_allow_with_the_same_code_is_a_config_error() -> None:
    with pytest.raises(leadprep.ConfigError, match=r"BLANK_ROW.*--fail-on.*--allow"):
        leadprep.check(SAMPLE_CSV, SAMPLE_TOML, fail_on=["BLANK_ROW"], allow=["BLANK_ROW"])


# ---------------------------------------------------------------------------------------------
# header-only files


def test_a_header_only_file_fails(tmp_path: Path, config: Path) -> None:
    report = leadprep.check(leads(tmp_path), config)
    assert not report.valid
    assert report.stats["rows_read"] == 0 and report.stats["reject_rate"] == 0.0
    assert len(report.failures) == 1 and "--allow-empty" in report.failures[0]
    # Generous thresholds do not make an empty file pass.
    assert not leadprep.check(leads(tmp_path), config, max_reject_rate=1, max_rejects=10).valid


def test_a_header_only_file_passes_with_allow_empty(tmp_path: Path, config: Path) -> None:
    report = leadprep.check(leads(tmp_path), config, allow_empty=True)
    assert report.valid, report.failures


@pytest.mark.parametrize(("args", "code"), [((), 1), (("--allow-empty",), 0)])
def test_a_header_only_file_cli(
    tmp_path: Path, config: Path, args: tuple[str, ...], code: int
) -> None:
    done = gate(leads(tmp_path), "-c", config, *args)
    assert done.exit_code == code, done.stdout + done.stderr


# ---------------------------------------------------------------------------------------------
# writes nothing unless asked


def test_check_writes_nothing_unless_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "cwd").mkdir()
    src = Path(shutil.copy(SAMPLE_CSV, tmp_path / "in"))
    cfg = Path(shutil.copy(SAMPLE_TOML, tmp_path / "in"))
    monkeypatch.chdir(tmp_path / "cwd")
    before, original = listing(tmp_path), src.read_bytes()
    for args in [(), ("--json",), ("--max-rejects", "8"), ("--max-reject-rate", "1%")]:
        done = gate(src, "--config", cfg, *args)
        assert done.exit_code in (0, 1), done.stdout + done.stderr
    assert leadprep.check(src, cfg, max_rejects=8).valid
    assert listing(tmp_path) == before
    assert src.read_bytes() == original


def cp1252_semicolon(tmp_path: Path) -> tuple[Path, Path]:
    text = ("Kundennr;Vorname;Telefon;Ort\n"
            "K-1;José;(212) 555-0101;Zürich\n"
            "K-2;Zoë;555-0100;Málaga\n"
            "K-3;Françoise;212 555 0102;Besançon – Nord\n"
            ";Renée;212.555.0103;Québec\n"
            "K-5;Ángel;;Århus\n"
            "K-6;Bjørn;(212) 555-0101;Señor “VIP”\n"
            "K-7;Iñigo;2125550104\n"
            "K-8;Chloé;2125550105;Bogotá;extra\n"
            ";;;\n"
            "K-10;Müller;+1 212 555 0106;Köln\n")
    src = tmp_path / "kunden.csv"
    src.write_bytes(text.encode("cp1252"))
    cfg = tmp_path / "kunden.toml"
    cfg.write_text('[mapping.columns]\nEXTERN_ID = "Kundennr"\nLEAD_PHONE = "Telefon"\n'
                   'FIRST_NAME = "Vorname"\nCITY = "Ort"\n')
    return src, cfg


def ragged(tmp_path: Path) -> tuple[Path, Path]:
    src = tmp_path / "ragged.csv"
    src.write_text(
        "id,first,phone,city\n"
        "1,Ann,4155550100,Boston\n"
        "2,Bob,4155550101\n"
        "3,Cy,4155550102,Austin,TX,extra\n"
        "4,Dee,4155550103|4155550104,Denver\n"
        '5,"Eve ""E"" Smith",4155550105,"Salt Lake City, UT"\n'
        ",,,\n"
        "6,Fay\n"
        "7,Gus,555-0100,Reno,NV\n"
        "8,Hal,(415) 555-0100,Boise\n"
        "9,Ida,N/A,Tulsa\n"
        ",Jo,,Nowhere\n"
        '10,"Kim\nLee",4155550106,Omaha\n',
        encoding="utf-8",
    )
    cfg = tmp_path / "ragged.toml"
    cfg.write_text(STRATEGIC + '[mapping.columns]\nEXTERN_ID = "id"\nLEAD_PHONE = "phone"\n'
                   'FIRST_NAME = "first"\nCITY = "city"\n')
    return src, cfg


def sample(tmp_path: Path) -> tuple[Path, Path]:
    return SAMPLE_CSV, SAMPLE_TOML


def quirk(name: str) -> Any:
    def make(tmp_path: Path) -> tuple[Path, Path]:
        cfg = tmp_path / "quirk.toml"
        cfg.write_text(MINIMAL)
        return DATA / "hostile" / name, cfg

    return make


FILES = {
    "sample": sample,
    "cp1252-semicolon": cp1252_semicolon,
    "ragged": ragged,
    **{name: quirk(f"{name}.csv") for name in (
        "short_row_later", "long_row_later", "malformed_quote", "control_char", "blank_rows")},
}


@pytest.mark.parametrize("name", ["sample", "cp1252-semicolon", "ragged"])
def test_rejects_file_equals_converts_rejects_csv_byte_for_byte(tmp_path: Path, name: str) -> None:
    src, cfg = FILES[name](tmp_path)
    target = tmp_path / "gate" / "rejects-from-check.csv"  # its directory is created
    report = leadprep.check(src, cfg, rejects=target, max_reject_rate=1)
    assert report.written == {"rejects": str(target)}
    assert report.as_dict()["written"] == {"rejects": str(target)}
    leadprep.convert(src, cfg, tmp_path / "out")
    assert target.read_bytes() == (tmp_path / "out" / "rejects.csv").read_bytes()
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]  # no temp files


def test_rejects_cli_writes_only_that_file(tmp_path: Path) -> None:
    before = listing(tmp_path)
    target = tmp_path / "rejects.csv"
    done = gate(SAMPLE_CSV, "-c", SAMPLE_TOML, "--rejects", target)
    assert done.exit_code == 1
    assert listing(tmp_path) == sorted([*before, "rejects.csv"])
    leadprep.convert(SAMPLE_CSV, SAMPLE_TOML, tmp_path / "out")
    assert target.read_bytes() == (tmp_path / "out" / "rejects.csv").read_bytes()
    assert f"rejects: {target}" in done.stdout


def test_rejects_of_a_clean_file_is_a_header_only_csv(tmp_path: Path, config: Path) -> None:
    src = leads(tmp_path, *clean_rows(3))
    report = leadprep.check(src, config, rejects=tmp_path / "r.csv")
    assert report.valid
    assert (tmp_path / "r.csv").read_text() == "_row,_reasons,_message,id,phone\n"


def test_report_cli_writes_an_html_file_with_the_counts(tmp_path: Path) -> None:
    target = tmp_path / "check.html"
    done = gate(SAMPLE_CSV, "-c", SAMPLE_TOML, "--report", target, "--json")
    assert done.exit_code == 1
    assert json.loads(done.stdout)["written"] == {"report": str(target)}
    assert listing(tmp_path) == ["check.html"]
    html = target.read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html")
    for fact in ('id="rows-read">62<', 'id="accepted">54<', 'id="rejected">8<',
                 'id="warnings-count">3<', 'id="verdict">FAIL<', "INVALID_PRIMARY_PHONE"):
        assert fact in html


def test_report_of_a_passing_file_says_pass(tmp_path: Path, config: Path) -> None:
    target = tmp_path / "r.html"
    report = leadprep.check(leads(tmp_path, *clean_rows(3)), config, report=target)
    assert report.valid and report.written == {"report": str(target)}
    assert 'id="verdict">PASS<' in target.read_text(encoding="utf-8")


@pytest.mark.parametrize("flag", ["--rejects", "--report"])
def test_rejects_or_report_pointing_at_a_directory_is_a_usage_error(
    tmp_path: Path, flag: str
) -> None:
    (tmp_path / "d").mkdir()
    done = gate(SAMPLE_CSV, "-c", SAMPLE_TOML, flag, tmp_path / "d")
    assert done.exit_code == 2, done.stdout + done.stderr
    assert flag in one_line(done.stderr) and "directory" in done.stderr
    assert listing(tmp_path) == ["d"]
    with pytest.raises(leadprep.ConfigError, match=flag):
        leadprep.check(SAMPLE_CSV, SAMPLE_TOML, **{flag[2:]: tmp_path / "d"})


# ---------------------------------------------------------------------------------------------
# the same code path as convert, row for row


def assert_same_as_convert(report: leadprep.CheckReport, result: leadprep.ConvertResult,
                           out: Path) -> None:
    summary = result.summary
    assert check_rejects(report) == rejects_csv(out / "rejects.csv")
    assert report.stats == {
        "rows_read": summary["rows_read"],
        "accepted": summary["accepted"],
        "rejected": summary["rejected"],
        "counted_rejects": summary["rejected"],
        "reject_rate": round(summary["rejected"] / summary["rows_read"], 6)
        if summary["rows_read"] else 0.0,
        "warnings": sum(summary["warnings"].values()),
    }
    doc = report.as_dict()
    assert doc["reasons"] == summary["reasons"]
    assert doc["warnings"] == summary["warnings"]
    exploded = Counter(code for _, reasons in check_rejects(report) for code in reasons)
    assert exploded == Counter(summary["reasons"])
    assert (doc["input"], doc["encoding"], doc["delimiter"]) == (
        summary["input"], summary["encoding"], summary["delimiter"])
    assert summary["rows_read"] == summary["accepted"] + summary["rejected"]


@pytest.mark.parametrize("name", list(FILES))
def test_check_judges_the_rows_convert_rejects(tmp_path: Path, name: str) -> None:
    src, cfg = FILES[name](tmp_path)
    report = leadprep.check(src, cfg)
    result = leadprep.convert(src, cfg, tmp_path / "out")
    assert_same_as_convert(report, result, tmp_path / "out")
    assert report.valid == (result.rejected == 0 and result.rows_read > 0)
    validate_against("check-report", report.as_dict())


def test_the_fixtures_exercise_what_they_claim(tmp_path: Path) -> None:
    report = leadprep.check(*cp1252_semicolon(tmp_path))
    assert (report.as_dict()["encoding"], report.as_dict()["delimiter"]) == ("cp1252", ";")
    assert {"TOO_FEW_FIELDS", "TOO_MANY_FIELDS", "BLANK_ROW", "DUPLICATE_PRIMARY_IN_FILE",
            "MISSING_EXTERN_ID"} <= set(report.as_dict()["reasons"])
    report = leadprep.check(*ragged(tmp_path))
    reasons = set(report.as_dict()["reasons"])
    assert {"TOO_FEW_FIELDS", "TOO_MANY_FIELDS", "PIPE_DELIMITED_PRIMARY",
            "DUPLICATE_PRIMARY_IN_FILE", "INVALID_PRIMARY_PHONE"} <= reasons
    assert any(len(r) > 1 for _, r in check_rejects(report))  # a row with two reasons


PHONES = [
    "4155550100", "(415) 555-0101", "+1 212 555 0102", "212.555.0103", "1-617-555-0104",
    "4155550100",  # a duplicate of the first, written another way below
    "415 555 0100", "+44 20 7946 0958",
    "555-0100", "N/A", "12", "abc", "0000000000",
    "4155550100|4155550101", "4155550105|junk", "|", "555-0100|12",
    "", "  ",
]
IDS = st.sampled_from(["", " "]) | st.from_regex(r"C-[0-9]{1,2}", fullmatch=True)
# Mostly two fields; now and then a short or a long row.
ROWS = st.tuples(st.integers(0, 9), IDS, st.sampled_from(PHONES)).map(
    lambda t: [t[1]] if t[0] == 0 else [t[1], t[2], "extra"] if t[0] == 1 else [t[1], t[2]]
)


def run(work: Any) -> tuple[Any, tuple[type, str] | None]:
    try:
        return work(), None
    except leadprep.LeadprepError as error:
        return None, (type(error), str(error))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(ROWS, min_size=1, max_size=12),
    campaign=st.sampled_from(["SIMPLE", "STRATEGIC"]),
    e164=st.booleans(),
)
def test_check_matches_convert_on_random_tables(
    rows: list[list[str]], campaign: str, e164: bool
) -> None:
    config = leadprep.parse_config({
        "account": {"e164": e164, "default_region": "US"},
        "campaign": {"calling_configuration": campaign},
        "input": {"encoding": "utf-8", "delimiter": ",", "header": True},
        "mapping": {"columns": {"EXTERN_ID": "id", "LEAD_PHONE": "phone"}},
    })
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows([["id", "phone"], *rows])
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "leads.csv", Path(tmp) / "out"
        src.write_text(text.getvalue(), encoding="utf-8")
        result, convert_error = run(lambda: leadprep.convert(src, config, out))
        report, check_error = run(lambda: leadprep.check(src, config))
        # A file convert cannot use (e.g. every row longer than the header, which makes the
        # header a title row) is an error to check too, the same one.
        assert check_error == convert_error
        if convert_error is not None:
            return
        assert_same_as_convert(report, result, out)
    # Default thresholds: valid exactly when nothing is rejected (and there is a data row).
    assert report.valid == (result.rejected == 0 and result.rows_read > 0)
    assert report.as_dict()["valid"] == report.valid


# ---------------------------------------------------------------------------------------------
# --json and the schema


def test_json_of_a_passing_file_validates(tmp_path: Path, config: Path) -> None:
    done = gate(leads(tmp_path, *clean_rows(3)), "-c", config, "--json")
    assert done.exit_code == 0, done.stdout + done.stderr
    doc = json.loads(done.stdout)
    validate_against("check-report", doc)
    assert (doc["valid"], doc["verdict"], doc["failures"]) == (True, "pass", [])
    assert doc["written"] == {} and doc["examples"] == {}


def test_json_of_a_failing_file_validates() -> None:
    done = gate(SAMPLE_CSV, "-c", SAMPLE_TOML, "--json", "--max-rejects", "7")
    assert done.exit_code == 1, done.stdout + done.stderr
    doc = json.loads(done.stdout)
    validate_against("check-report", doc)
    assert (doc["valid"], doc["verdict"]) == (False, "fail")
    assert doc["reasons"] == SAMPLE_REASONS and doc["warnings"] == SAMPLE_WARNINGS
    assert doc["stats"]["rows_read"] == 62 and doc["stats"]["counted_rejects"] == 8
    assert doc["thresholds"]["max_rejects"] == 7
    assert set(doc["examples"]) == set(SAMPLE_REASONS)
    assert [e["row"] for e in doc["examples"]["INVALID_PRIMARY_PHONE"]] == [4, 48]


def test_json_error_for_a_missing_file_exits_3_and_validates(tmp_path: Path) -> None:
    missing = tmp_path / "nope.csv"
    done = gate(missing, "--config", SAMPLE_TOML, "--json")
    assert done.exit_code == 3, done.stdout + done.stderr
    doc = json.loads(done.stdout)
    validate_against("check-report", doc)
    assert (doc["valid"], doc["verdict"]) == (False, "error")
    assert doc["error"]["code"] == "FILE_NOT_FOUND"
    assert doc["error"]["exit_code"] == done.exit_code
    assert str(missing) in one_line(done.stderr)


@pytest.mark.parametrize(
    ("source", "config_text", "args", "code", "exit_code"),
    [
        ("clean", MINIMAL, ("--max-reject-rate", "abc"), "CONFIG_ERROR", 2),
        ("clean", MINIMAL, ("--fail-on", "NOPE"), "CONFIG_ERROR", 2),
        ("clean", "[mapping.columns\n", (), "CONFIG_ERROR", 2),  # not TOML
        ("clean", MINIMAL + "colour = 1\n", (), "CONFIG_ERROR", 2),  # unknown entry
        ("clean", MINIMAL.replace('"phone"', '"Phone number"'), (), "CONFIG_ERROR", 2),
        ("empty", MINIMAL, (), "EMPTY_FILE", 3),
    ],
)
def test_json_error_for_a_bad_config_or_file_validates(
    tmp_path: Path, source: str, config_text: str, args: tuple[str, ...], code: str,
    exit_code: int,
) -> None:
    src = leads(tmp_path, *clean_rows(2)) if source == "clean" else tmp_path / "empty.csv"
    if source == "empty":
        src.write_bytes(b"")
    cfg = tmp_path / "config.toml"
    cfg.write_text(config_text)
    done = gate(src, "-c", cfg, "--json", *args)
    assert done.exit_code == exit_code, done.stdout + done.stderr
    doc = json.loads(done.stdout)
    validate_against("check-report", doc)
    assert doc["error"] == {"code": code, "message": doc["error"]["message"],
                            "exit_code": exit_code}
    assert doc["error"]["message"] in one_line(done.stderr)


def test_json_error_for_a_negative_max_rejects() -> None:
    done = gate(SAMPLE_CSV, "-c", SAMPLE_TOML, "--json", "--max-rejects", "-1")
    assert done.exit_code == 2
    validate_against("check-report", json.loads(done.stdout))
    assert "--max-rejects" in one_line(done.stderr)


# ---------------------------------------------------------------------------------------------
# exit codes, the headline, errors


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"max_reject_rate": 0.2},
        {"max_rejects": 8},
        {"max_rejects": 7},
        {"max_reject_rate": 0.5, "fail_on": ["INVALID_EMAIL"]},
        {"allow": ["INVALID_PRIMARY_PHONE", "TOO_FEW_FIELDS", "BLANK_ROW", "MISSING_EXTERN_ID",
                   "DUPLICATE_PRIMARY_IN_FILE", "PIPE_DELIMITED_PRIMARY",
                   "MISSING_PRIMARY_PHONE"]},
    ],
)
def test_exit_code_is_not_valid_and_stdout_starts_with_the_verdict(kwargs: dict[str, Any]) -> None:
    report = leadprep.check(SAMPLE_CSV, SAMPLE_TOML, **kwargs)
    args: list[str] = []
    for key, value in kwargs.items():
        flag = "--" + key.replace("_", "-")
        args += [flag, ",".join(value) if isinstance(value, list) else str(value)]
    done = gate(SAMPLE_CSV, "-c", SAMPLE_TOML, *args)
    assert done.exit_code == int(not report.valid)
    headline = done.stdout.splitlines()[0]
    assert headline.startswith("PASS" if report.valid else "FAIL")
    assert headline == report.headline
    for failure in report.failures:
        assert failure in done.stdout
    assert done.stderr == ""


def test_the_real_process_exits_1_on_fail_with_the_headline_first(
    tmp_path: Path, config: Path
) -> None:
    (tmp_path / "cwd").mkdir()
    src = leads(tmp_path, *clean_rows(9), "C-9,555-0100")
    before = listing(tmp_path)
    done = leadprep_process("check", src, "--config", config, "--max-reject-rate", "0.09",
                            cwd=tmp_path / "cwd")
    assert done.returncode == 1, done.stderr
    assert done.stdout.startswith("FAIL: 1 of 10 rows would be rejected (1 counted, 10.00%)")
    assert done.stderr == ""
    assert listing(tmp_path) == before  # nothing written, not even in the working directory


@pytest.mark.parametrize(
    ("args", "exit_code", "named"),
    [
        (("--max-reject-rate", "150%"), 2, "--max-reject-rate"),  # before the missing file
        ((), 3, "nope.csv"),
    ],
)
def test_errors_go_to_stderr_as_one_line_without_a_traceback(
    tmp_path: Path, args: tuple[str, ...], exit_code: int, named: str
) -> None:
    done = gate(tmp_path / "nope.csv", "--config", SAMPLE_TOML, *args)
    assert done.exit_code == exit_code
    assert done.stdout == ""
    line = one_line(done.stderr)
    assert line.startswith("error: ") and named in line


# ---------------------------------------------------------------------------------------------
# the Python API


@pytest.mark.parametrize("kwargs", [{}, {"max_rejects": 8}, {"allow_empty": True},
                                    {"max_reject_rate": 1, "fail_on": ["BLANK_ROW"]}])
def test_api_valid_agrees_with_as_dict(kwargs: dict[str, Any]) -> None:
    report = leadprep.check(SAMPLE_CSV, SAMPLE_TOML, **kwargs)
    doc = report.as_dict()
    assert doc["valid"] is report.valid
    assert doc["verdict"] == ("pass" if report.valid else "fail")
    assert doc["failures"] == list(report.failures)
    assert doc["stats"] == report.stats
    assert doc["headline"] == report.headline
    validate_against("check-report", doc)


@pytest.mark.parametrize(
    ("kwargs", "flag"),
    [
        ({"max_reject_rate": 1.5}, "--max-reject-rate"),
        ({"max_reject_rate": -0.01}, "--max-reject-rate"),
        ({"max_reject_rate": float("nan")}, "--max-reject-rate"),
        ({"max_reject_rate": float("inf")}, "--max-reject-rate"),
        ({"max_rejects": -1}, "--max-rejects"),
        ({"fail_on": ["NOPE"]}, "--fail-on"),
        ({"allow": ["INVALID_EMAIL"]}, "--allow"),
        ({"fail_on": ["BLANK_ROW"], "allow": ["BLANK_ROW"]}, "--fail-on"),
    ],
)
def test_api_bad_thresholds_raise_config_error_before_the_file_is_read(
    tmp_path: Path, kwargs: dict[str, Any], flag: str
) -> None:
    missing = tmp_path / "does-not-exist.csv"
    with pytest.raises(leadprep.ConfigError) as caught:
        leadprep.check(missing, SAMPLE_TOML, rejects=tmp_path / "r.csv", **kwargs)
    assert flag in str(caught.value)
    assert "does-not-exist" not in str(caught.value)
    assert listing(tmp_path) == []
    # The same file without the bad threshold is an input error, so the threshold came first.
    with pytest.raises(leadprep.InputFileError):
        leadprep.check(missing, SAMPLE_TOML)


def test_api_a_single_code_may_be_given_as_a_string() -> None:
    report = leadprep.check(SAMPLE_CSV, SAMPLE_TOML, max_reject_rate=0.5,
                            fail_on="INVALID_EMAIL")
    assert not report.valid


def test_outputs_never_overwrite_the_input_file(tmp_path: Path, config: Path) -> None:
    victim = tmp_path / "victim.csv"
    victim.write_bytes(SAMPLE_CSV.read_bytes())
    for flag in ("--rejects", "--report"):
        done = gate(victim, "-c", config, flag, victim)
        assert done.exit_code == 2 and "is the input file" in one_line(done.stderr)
    assert victim.read_bytes() == SAMPLE_CSV.read_bytes()


def test_the_api_takes_a_percentage_string_and_refuses_nonsense() -> None:
    assert leadprep.check(SAMPLE_CSV, SAMPLE_TOML, max_reject_rate="13%").valid
    for bad in ({"max_reject_rate": "2 percent"}, {"max_rejects": 1.5},
                {"max_rejects": True}, {"max_reject_rate": True}):
        with pytest.raises(leadprep.ConfigError):
            leadprep.check(SAMPLE_CSV, SAMPLE_TOML, **bad)  # type: ignore[arg-type]
