"""The command line as a user meets it: exit codes, one clear line per error, help text."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import SAMPLE, STRATEGIC_CONFIG

HEADER = "Customer ID,Phone,Mobile,Name\n1,4155550100,4155550101,Ada\n"
GOOD = STRATEGIC_CONFIG


def leadprep(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "leadprep", *map(str, args)],
                          capture_output=True, text=True, timeout=120)


def test_convert_on_the_sample_prints_a_summary_and_exits_0(tmp_path: Path) -> None:
    done = leadprep("convert", SAMPLE / "leads.csv", "--config", SAMPLE / "leadprep.toml",
                    "--out", tmp_path)
    assert done.returncode == 0, done.stderr
    assert "rows read" in done.stdout and "62" in done.stdout
    assert "accepted" in done.stdout and "54" in done.stdout
    assert json.loads((tmp_path / "summary.json").read_text())["accepted"] == 54


@pytest.mark.parametrize(
    ("change", "names"),
    [
        (('LEAD_PHONE = "Phone"', 'LEAD_PHONE = "Phne"'), ["LEAD_PHONE", "'Phone'"]),
        (('2 = "Mobile"', '1 = "Mobile"'), ["additional_phones", "1"]),
        (('2 = "Mobile"', '8 = "Mobile"'), ["additional_phones", "8", "2..7"]),
        (('2 = "Mobile"', '2 = "Mobile"\n3 = "Name"'), ["3", "persona label"]),
        (('"STRATEGIC"', '"SIMPLE"'), ["additional_phones", "STRATEGIC"]),
        (('EXTERN_ID =', 'EXTERNAL_ID ='), ["EXTERNAL_ID", "EXTERN_ID"]),
        (('default_region = "US"', 'default_region = "XX"'), ["default_region"]),
        (('[campaign]', 'colour = 1\n[campaign]'), ["colour"]),
    ],
)
def test_a_wrong_config_prints_one_line_naming_the_entry_and_exits_2(
    tmp_path: Path, change: tuple[str, str], names: list[str]
) -> None:
    src = tmp_path / "in.csv"
    src.write_text(HEADER)
    cfg = tmp_path / "bad.toml"
    cfg.write_text(GOOD.replace(*change))
    done = leadprep("convert", src, "--config", cfg, "--out", tmp_path / "out")
    assert done.returncode == 2, done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr
    for name in names:
        assert name in lines[0]
    assert not (tmp_path / "out" / "summary.json").exists()


def test_an_unknown_header_suggests_the_closest_names(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text(HEADER)
    cfg = tmp_path / "c.toml"
    cfg.write_text(GOOD.replace('"Customer ID"', '"CustomerID"'))
    done = leadprep("convert", src, "--config", cfg, "--out", tmp_path / "out")
    assert done.returncode == 2
    assert "'Customer ID'" in done.stderr and "EXTERN_ID" in done.stderr


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "EMPTY_FILE"),
        (b"\n", "EMPTY_FILE"),
        (b"\xef\xbb\xbf", "EMPTY_FILE"),
        (b"PK\x03\x04" + bytes(200), "BINARY_FILE"),
        (b"\x1f\x8b\x08\x00" + bytes(100), "BINARY_FILE"),
        (b"just one column\nno delimiters\n", "DELIMITER_UNDETECTED"),
        (b'Customer ID,Phone,Mobile,Name\n1,"4155550100,x,y\n', "UNTERMINATED_QUOTE"),
        (b"Customer ID,Phone,Phone,Mobile\n1,2,3,4\n", "AMBIGUOUS_HEADER"),
    ],
)
def test_an_unreadable_file_exits_3_with_its_code(
    tmp_path: Path, content: bytes, code: str
) -> None:
    src = tmp_path / "in.csv"
    src.write_bytes(content)
    cfg = tmp_path / "c.toml"
    cfg.write_text(GOOD)
    done = leadprep("convert", src, "--config", cfg, "--out", tmp_path / "out")
    assert done.returncode == 3, done.stdout + done.stderr
    assert code in done.stderr and str(src) in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "out" / "summary.json").exists()


def test_a_missing_input_file_is_named(tmp_path: Path) -> None:
    done = leadprep("convert", tmp_path / "nope.csv", "--config", SAMPLE / "leadprep.toml",
                    "--out", tmp_path / "out")
    assert done.returncode == 3
    assert "nope.csv" in done.stderr


@pytest.mark.parametrize("command", [[], ["convert"]])
def test_help_describes_every_option(command: list[str]) -> None:
    done = leadprep(*command, "--help")
    assert done.returncode == 0
    if command:
        for option in ("--config", "--out", "--batch-size", "--format", "--encoding",
                       "--delimiter", "--quote-char", "--header"):
            assert option in done.stdout


def test_module_and_console_script_are_the_same_program() -> None:
    import shutil

    script = shutil.which("leadprep", path=str(Path(sys.executable).parent))
    assert script is not None
    done = subprocess.run([script, "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "convert" in done.stdout


def test_an_unknown_format_is_a_usage_error_before_any_work(tmp_path: Path) -> None:
    done = leadprep("convert", SAMPLE / "leads.csv", "--config", SAMPLE / "leadprep.toml",
                    "--out", tmp_path / "out", "--format", "xml")
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and "--format 'xml'" in done.stderr
    assert not (tmp_path / "out").exists()


def test_an_unexpected_error_outside_the_stages_exits_4_with_one_line(tmp_path: Path) -> None:
    """Exit 1 means 'the gate failed'; a crash must never be mistaken for it."""
    script = (
        "import sys, leadprep._cli as cli\n"
        "def boom(*a, **k):\n    raise RuntimeError('printing broke')\n"
        "cli.show_check = boom\n"
        f"sys.argv = ['leadprep', 'check', {str(SAMPLE / 'leads.csv')!r}, '--config', "
        f"{str(SAMPLE / 'leadprep.toml')!r}, '--max-rejects', '100']\n"
        "cli.main()\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 4
    assert done.stderr.strip().splitlines() == [
        "error: internal error: RuntimeError: printing broke (please report it; run with "
        "--debug for the traceback)"]


def test_every_command_has_help_text() -> None:
    for command in ("preview", "convert", "check"):
        done = leadprep(command, "--help")
        assert done.returncode == 0 and "Usage" in done.stdout, command
        assert "--config" in done.stdout
