"""Errors a person can act on (issue 5, item 3): every file error and config error is at most two
lines on stderr saying what is wrong, where, and the flag or config key that fixes it; no
traceback without --debug; an unexpected failure is wrapped once, naming its stage.

The command line runs in process (leadprep._cli.main, as the console script does), except for
the one test that needs a real interpreter's traceback.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from leadprep import FileErrorCode, StageError
from leadprep._cli import main
from tests.conftest import STRATEGIC_CONFIG

CONFIG = STRATEGIC_CONFIG
LEADS = "Customer ID,Phone,Mobile,Name\n1,4155550100,4155550101,Ada\n2,4155550102,,Bob\n"


def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        *args: str | Path) -> tuple[int, str]:
    """Run the console script in process: (exit code, stderr)."""
    monkeypatch.setattr(sys, "argv", ["leadprep", *map(str, args)])
    with pytest.raises(SystemExit) as exited:
        main()
    code = exited.value.code
    return code if isinstance(code, int) else 0, capsys.readouterr().err


def assert_nothing_written(out: Path) -> None:
    """Nothing under the output directory (which may have been created, empty)."""
    assert not out.exists() or list(out.iterdir()) == []


def assert_actionable(err: str, *names: str) -> None:
    lines = err.strip().splitlines()
    assert 1 <= len(lines) <= 2, err
    assert "Traceback" not in err
    assert lines[0].startswith("error: ")
    for name in names:
        assert name in err, (name, err)


# FileErrorCode -> (file bytes, config change, what the message must name besides code and path)
FILE_ERRORS: dict[FileErrorCode, tuple[bytes, tuple[str, str], list[str]]] = {
    FileErrorCode.EMPTY_FILE: (b"", ("", ""), ["export the file again"]),
    FileErrorCode.BINARY_FILE: (b"PK\x03\x04" + bytes(300), ("", ""),
                                ["xlsx", "save the sheet as CSV"]),
    FileErrorCode.UNDECIDABLE_ENCODING: (
        b"Customer ID,Phone,Mobile,Name\n1,4155550100,\x81 \x81\x8d\x90,x\n" * 3, ("", ""),
        ["--encoding"]),
    FileErrorCode.DELIMITER_UNDETECTED: (b"just one column\nno delimiters\n", ("", ""),
                                         ["--delimiter"]),
    FileErrorCode.UNTERMINATED_QUOTE: (
        b'Customer ID,Phone,Mobile,Name\n1,"4155550100,x,y\n2,4155550102,,Bob\n', ("", ""),
        ["line 2", "--quote-char none"]),
    FileErrorCode.AMBIGUOUS_HEADER: (b"Customer ID,Phone,Phone,Mobile\n1,2,3,4\n", ("", ""),
                                     ["line 1", "[mapping.columns] LEAD_PHONE", "by index"]),
    FileErrorCode.BLANK_HEADER: (
        b"Customer ID,,Mobile,Name\n1,4155550100,4155550101,Ada\n",
        ('LEAD_PHONE = "Phone"', "LEAD_PHONE = 1"), ["line 1", "[mapping.columns] LEAD_PHONE"]),
    FileErrorCode.FILE_NOT_FOUND: (b"", ("", ""), ["no such file", "check the path"]),
}


def test_every_file_error_code_has_a_case() -> None:
    assert set(FILE_ERRORS) == set(FileErrorCode)


@pytest.mark.parametrize("code", list(FILE_ERRORS), ids=str)
@pytest.mark.parametrize("command", ["convert", "check", "preview"])
def test_a_file_error_is_two_lines_at_most_with_code_place_and_remedy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    code: FileErrorCode, command: str,
) -> None:
    content, change, names = FILE_ERRORS[code]
    src = tmp_path / "leads.csv"
    if code is not FileErrorCode.FILE_NOT_FOUND:
        src.write_bytes(content)
    cfg = tmp_path / "leadprep.toml"
    cfg.write_text(CONFIG.replace(*change))
    args: list[str | Path] = [command, src, "--config", cfg]
    if command == "convert":
        args += ["--out", tmp_path / "out"]
    exit_code, err = cli(capsys, monkeypatch, *args)
    if command == "preview" and code in (FileErrorCode.AMBIGUOUS_HEADER,
                                         FileErrorCode.BLANK_HEADER):
        # preview reads the file whatever the mapping; the mapping's error is its forecast's.
        assert exit_code == 0 and err == ""
        return
    # SPEC 4.1: an unreadable input exits 3 (2 is a usage or config error).
    assert exit_code == 3, err
    assert_actionable(err, code.value, str(src), *names)
    assert_nothing_written(tmp_path / "out")


@pytest.mark.parametrize(
    ("change", "extra", "names"),
    [
        (None, [], ["missing.toml", "--config", "--write-config"]),
        (("[campaign]", "[campaign\n"), [], ["not valid TOML", "line 7, column 10"]),
        (("[campaign]", "[lod]\n[campaign]"), [], ["[lod]", "did you mean 'load'"]),
        (("[campaign]", '[load]\nbatch_size = "10"\n[campaign]'), [],
         ["[load] batch_size = '10'", "a whole number"]),
        (("[campaign]", '[input]\ndelimiter = ";;"\n[campaign]'), [],
         ["[input] delimiter = ';;'", "one character"]),
        (("[campaign]", '[input]\nencoding = "rot13"\n[campaign]'), [],
         ["[input] encoding = 'rot13'", "utf-8"]),
        (('2 = "Mobile"', '8 = "Mobile"'), [], ["[mapping.additional_phones] 8", "2..7"]),
        (('LEAD_PHONE = "Phone"', 'LEAD_PHONE = "Phnoe"'), [],
         ["[mapping.columns] LEAD_PHONE = 'Phnoe'", "closest: 'Phone'", "leads.csv"]),
        (('"STRATEGIC"', '"SIMPLE"'), [], ["[mapping.additional_phones]", "STRATEGIC"]),
        ((), ["--delimiter", ";;"], ["--delimiter ';;'"]),
        ((), ["--encoding", "base64"], ["--encoding 'base64'", "text encoding"]),
        ((), ["--delimiter", ",", "--quote-char", ","],
         ["leads.csv", "also the delimiter", "--quote-char"]),
        ((), ["--batch-size", "0"], ["--batch-size", "leadprep convert --help"]),
        ((), ["--format", "xml"], ["--format 'xml'", "leadloader, process"]),
        ((), ["--bogus"], ["--bogus"]),
    ],
)
def test_a_config_or_usage_error_is_two_lines_at_most_naming_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    change: tuple[str, ...] | None, extra: list[str], names: list[str],
) -> None:
    src = tmp_path / "leads.csv"
    src.write_text(LEADS)
    cfg = tmp_path / ("missing.toml" if change is None else "leadprep.toml")
    if change is not None:
        cfg.write_text(CONFIG.replace(*change) if change else CONFIG)
    exit_code, err = cli(capsys, monkeypatch, "convert", src, "--config", cfg,
                         "--out", tmp_path / "out", *extra)
    assert exit_code == 2, err
    assert_actionable(err, *names)
    if change:
        assert str(cfg) in err  # a config entry's error names the config file
    assert_nothing_written(tmp_path / "out")


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (["convert", "{src}", "--out", "{tmp}/out"], ["--config", "leadprep convert --help"]),
        (["convert", "{src}", "--config", "{cfg}", "--out", "{src}"], ["--out", "is a file"]),
        (["convert", "{src}", "--config", "{cfg}", "--out", "{tmp}/out", "--report", "{tmp}"],
         ["--report", "is a directory"]),
        (["check", "{src}", "--config", "{cfg}", "--max-reject-rate", "lots"],
         ["--max-reject-rate 'lots'", "2%"]),
        (["check", "{src}", "--config", "{cfg}", "--fail-on", "NOPE"], ["--fail-on NOPE"]),
        (["check", "{src}", "--config", "{cfg}", "--rejects", "{src}"],
         ["--rejects", "is the input file"]),
        (["preview", "{src}", "--write-config", "{cfg}"], ["--write-config", "--force"]),
        (["preview", "{src}", "--rows", "-1"], ["--rows"]),
        (["nonsense"], ["No such command", "leadprep --help"]),
    ],
)
def test_every_command_reports_option_errors_in_two_lines_at_most(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    args: list[str], names: list[str],
) -> None:
    src = tmp_path / "leads.csv"
    src.write_text(LEADS)
    cfg = tmp_path / "leadprep.toml"
    cfg.write_text(CONFIG)
    filled = [a.format(src=src, cfg=cfg, tmp=tmp_path) for a in args]
    exit_code, err = cli(capsys, monkeypatch, *filled)
    assert exit_code == 2, err
    assert_actionable(err, *names)


def test_a_transcoding_error_gives_line_offset_and_byte(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    src = tmp_path / "leads.csv"
    src.write_bytes(LEADS.encode() + "3,4155550104,,Zoë\n".encode("cp1252"))
    cfg = tmp_path / "leadprep.toml"
    cfg.write_text(CONFIG)
    exit_code, err = cli(capsys, monkeypatch, "check", src, "--config", cfg,
                         "--encoding", "utf-8")
    assert exit_code == 3
    assert_actionable(err, f"{src}, line 4", "UNDECIDABLE_ENCODING", "byte 0xEB",
                      "--encoding")


def test_a_truncated_utf16_file_says_so_on_its_last_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    src = tmp_path / "leads.csv"
    src.write_bytes(b"\xff\xfe" + LEADS.encode("utf-16-le") + b"3")
    cfg = tmp_path / "leadprep.toml"
    cfg.write_text(CONFIG)
    exit_code, err = cli(capsys, monkeypatch, "check", src, "--config", cfg)
    assert exit_code == 3
    assert_actionable(err, f"{src}, line 4", "ends inside a utf-16-le character", "complete")


def test_an_unreadable_input_is_a_file_error_not_an_internal_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    src = tmp_path / "leads.csv"
    src.write_text(LEADS)
    cfg = tmp_path / "leadprep.toml"
    cfg.write_text(CONFIG)

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    exit_code, err = cli(capsys, monkeypatch, "check", src, "--config", cfg)
    assert exit_code == 3
    assert_actionable(err, str(src), "FILE_NOT_FOUND", "Permission denied", "permissions")


# (command, module whose stage function is replaced, that function, the stage it runs in)
STAGES = [
    ("convert", "leadprep._pipeline", "validate", "validate"),
    ("check", "leadprep._pipeline", "transform", "transform"),
    ("preview", "leadprep._preview", "read", "read"),
]


def _boom(*_: object, **__: object) -> None:
    raise ValueError("boom\nResolved plan until failure: a second line nobody needs")


@pytest.mark.parametrize(("command", "module", "function", "stage"), STAGES)
def test_an_unexpected_error_is_wrapped_once_naming_its_stage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    command: str, module: str, function: str, stage: str,
) -> None:
    src = tmp_path / "leads.csv"
    src.write_text(LEADS)
    cfg = tmp_path / "leadprep.toml"
    cfg.write_text(CONFIG)
    monkeypatch.setattr(f"{module}.{function}", _boom)
    args: list[str | Path] = [command, src, "--config", cfg]
    if command == "convert":
        args += ["--out", tmp_path / "out"]
    exit_code, err = cli(capsys, monkeypatch, *args)
    assert exit_code == 4
    assert err.strip().splitlines() == [
        f"error: internal error in the {stage} stage: ValueError: boom (please report it "
        "with the input file; run with --debug for the traceback)"]

    # With --debug the error goes up whole: the stage's error, caused by the original.
    monkeypatch.setattr(sys, "argv", ["leadprep", *map(str, args), "--debug"])
    with pytest.raises(StageError) as raised:
        main()
    assert raised.value.stage == stage
    assert isinstance(raised.value.__cause__, ValueError)


def test_debug_shows_the_traceback_and_nothing_else_does(tmp_path: Path) -> None:
    src = tmp_path / "leads.csv"
    src.write_text(LEADS)
    cfg = tmp_path / "leadprep.toml"
    cfg.write_text(CONFIG)
    script = (
        "import sys, leadprep._pipeline as p\n"
        "def boom(*a, **k):\n    raise ValueError('boom')\n"
        "p.validate = boom\n"
        "from leadprep._cli import main\n"
        "sys.argv = ['leadprep', *sys.argv[1:]]\n"
        "main()\n"
    )
    args = [sys.executable, "-c", script, "convert", str(src), "--config", str(cfg),
            "--out", str(tmp_path / "out")]
    quiet = subprocess.run(args, capture_output=True, text=True, timeout=120)
    loud = subprocess.run([*args, "--debug"], capture_output=True, text=True, timeout=120)
    assert quiet.returncode == 4 and "Traceback" not in quiet.stderr
    assert len(quiet.stderr.strip().splitlines()) == 1
    assert loud.returncode == 1 and "Traceback (most recent call last)" in loud.stderr
    assert "ValueError: boom" in loud.stderr
    assert "StageError: internal error in the validate stage" in loud.stderr
