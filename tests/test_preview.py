"""preview: detection, suggested mapping, the API-shaped JSON, the forecast, --write-config."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import leadprep
from leadprep import parse_config

from .conftest import DATA, SAMPLE, validate_against

STRATEGIC = SAMPLE / "leadprep.toml"


def cli(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "leadprep", *map(str, args)],
                          capture_output=True, text=True, timeout=120, cwd=cwd)


def listing(directory: Path) -> list[str]:
    return sorted(str(p.relative_to(directory)) for p in directory.rglob("*"))


@pytest.mark.parametrize("config", [None, STRATEGIC], ids=["no-config", "strategic-config"])
def test_preview_json_of_the_sample_validates_against_its_schema(config: Path | None) -> None:
    document = leadprep.preview(SAMPLE / "leads.csv", config).as_dict()
    validate_against("preview", document)
    assert document["rows_read"] == 62 and len(document["rows"]) == 10


PREVIEWABLE = sorted(
    p for p in (DATA / "hostile").glob("*.csv")
    if json.loads(p.with_suffix(".expected.json").read_text()).get("file_error") is None
) + sorted((DATA / "encodings").glob("*.csv"))


@pytest.mark.parametrize("path", PREVIEWABLE, ids=lambda p: p.name)
def test_preview_json_of_every_readable_test_file_validates(path: Path) -> None:
    validate_against("preview", leadprep.preview(path).as_dict())


def test_the_transaction_id_depends_on_the_content_only(tmp_path: Path) -> None:
    a = tmp_path / "a.csv"
    b = tmp_path / "renamed.csv"
    c = tmp_path / "c.csv"
    a.write_bytes((SAMPLE / "leads.csv").read_bytes())
    b.write_bytes(a.read_bytes())
    c.write_bytes(a.read_bytes() + b"\r\n")
    ids = [leadprep.preview(p).transaction_id for p in (a, b, c)]
    assert ids[0] == ids[1] != ids[2]
    assert leadprep.preview(a).as_dict()["transactionId"] == ids[0]


def test_persona_phone_config_is_listed_only_for_strategic_campaigns(tmp_path: Path) -> None:
    strategic = leadprep.preview(SAMPLE / "leads.csv", STRATEGIC).as_dict()
    assert strategic["personaPhoneConfig"] == [
        {"phoneId": 2, "phoneLabel": "Mobile Phone"}, {"phoneId": 3, "phoneLabel": "Work Phone"}]
    simple = tmp_path / "simple.toml"
    simple.write_text('[campaign]\ncalling_configuration = "SIMPLE"\n')
    assert "personaPhoneConfig" not in leadprep.preview(SAMPLE / "leads.csv", simple).as_dict()


def test_suggested_indexes_honour_the_index_base(tmp_path: Path) -> None:
    one_based = tmp_path / "one.toml"
    one_based.write_text(STRATEGIC.read_text().replace("index_base = 0", "index_base = 1")
                         .split("[mapping.columns]")[0])
    zero = leadprep.preview(SAMPLE / "leads.csv", STRATEGIC).as_dict()
    one = leadprep.preview(SAMPLE / "leads.csv", one_based).as_dict()
    assert zero["suggestedAdditionalPhoneMappings"] == {"2": 4, "3": 5}
    assert one["suggestedAdditionalPhoneMappings"] == {"2": 5, "3": 6}
    assert one["suggestedPageColumnMappings"] == {
        k: v + 1 for k, v in zero["suggestedPageColumnMappings"].items()}
    assert [e["index"] for e in one["suggestedMapping"]] == list(range(11))  # always 0-based


def test_the_forecast_equals_what_convert_then_does(tmp_path: Path) -> None:
    forecast = leadprep.preview(SAMPLE / "leads.csv", STRATEGIC).as_dict()["forecast"]
    result = leadprep.convert(SAMPLE / "leads.csv", STRATEGIC, tmp_path / "out")
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert {k: forecast[k] for k in ("rows_read", "accepted", "rejected", "reasons", "warnings")} \
        == {k: summary[k] for k in ("rows_read", "accepted", "rejected", "reasons", "warnings")}
    rejected_rows = {e["row"] for examples in forecast["examples"].values() for e in examples}
    assert rejected_rows <= set(result.validated.rejected["_row"]) | set(
        result.read.rejects["_row"])


def test_the_forecast_gives_a_few_examples_per_reason(tmp_path: Path) -> None:
    src = tmp_path / "bad.csv"
    src.write_text("id,phone\n" + "".join(f"{i},555\n" for i in range(10)) + ",4155550100\n")
    forecast = leadprep.preview(src).as_dict()["forecast"]
    assert forecast["reasons"] == {"INVALID_PRIMARY_PHONE": 10, "MISSING_EXTERN_ID": 1}
    assert [e["row"] for e in forecast["examples"]["INVALID_PRIMARY_PHONE"]] == [1, 2, 3]
    assert forecast["examples"]["MISSING_EXTERN_ID"][0]["fields"] == ["", "4155550100"]


def test_no_forecast_without_a_phone_column_and_the_reason_says_why(tmp_path: Path) -> None:
    src = tmp_path / "names.csv"
    src.write_text("id,name\n1,Ada\n2,Bob\n")
    report = leadprep.preview(src).as_dict()
    assert report["forecast"] is None
    assert "LEAD_PHONE" in report["forecastError"]
    validate_against("preview", report)


def test_a_config_that_maps_a_missing_column_still_previews(tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text('[mapping.columns]\nEXTERN_ID = "Nope"\nLEAD_PHONE = "Phone"\n')
    report = leadprep.preview(SAMPLE / "leads.csv", cfg).as_dict()
    assert report["forecast"] is None and "'Nope'" in report["forecastError"]
    assert report["suggestedPageColumnMappings"]["EXTERN_ID"] == 0


def test_preview_writes_nothing(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_bytes((SAMPLE / "leads.csv").read_bytes())
    before = listing(tmp_path)
    done = cli("preview", src, "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    json.loads(done.stdout)
    assert listing(tmp_path) == before


def test_write_config_then_convert_matches_the_forecast(tmp_path: Path) -> None:
    """A new user's path: preview, --write-config, convert with that config."""
    cfg = tmp_path / "leadprep.toml"
    done = cli("preview", SAMPLE / "leads.csv", "--write-config", cfg)
    assert done.returncode == 0, done.stderr
    assert "leadprep convert" in done.stdout
    tomllib.loads(cfg.read_text())
    config = leadprep.load_config(cfg)
    assert config.campaign.calling_configuration == "STRATEGIC"
    assert {p.label for p in config.account.personas} == {"Mobile Phone", "Work Phone"}
    forecast = leadprep.preview(SAMPLE / "leads.csv").as_dict()["forecast"]
    result = leadprep.convert(SAMPLE / "leads.csv", cfg, tmp_path / "out")
    assert (result.accepted, result.rejected) == (forecast["accepted"], forecast["rejected"])
    assert result.summary["reasons"] == forecast["reasons"]
    lead = json.loads((tmp_path / "out/batches/leadloader-00001.json").read_text())[
        "uploadLeads"][0]
    assert set(lead["personaPhoneConfig"]) <= {"Mobile Phone", "Work Phone"}


def test_write_config_keeps_the_given_configs_account_and_load(tmp_path: Path) -> None:
    base = tmp_path / "base.toml"
    base.write_text(
        '[account]\ne164 = false\ndefault_region = "GB"\n[load]\ndial_priority = "IMMEDIATE"\n'
        'dnc_tags = ["a", "b"]\n'
    )
    cfg = tmp_path / "out.toml"
    from leadprep._config_writer import write_config

    write_config(leadprep.preview(SAMPLE / "leads.csv", base), cfg)
    config = leadprep.load_config(cfg)
    assert (config.account.e164, config.account.default_region) == (False, "GB")
    assert config.load.dial_priority == "IMMEDIATE" and config.load.dnc_tags == ("a", "b")


def test_write_config_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    cfg = tmp_path / "leadprep.toml"
    cfg.write_text("# mine\n")
    done = cli("preview", SAMPLE / "leads.csv", "--write-config", cfg)
    assert done.returncode == 2 and "--force" in done.stderr
    assert cfg.read_text() == "# mine\n"
    done = cli("preview", SAMPLE / "leads.csv", "--write-config", cfg, "--force")
    assert done.returncode == 0, done.stderr
    assert "[mapping.columns]" in cfg.read_text()


@pytest.mark.parametrize(
    ("content", "why"),
    [
        ("1001,4155550100,Ada\n1002,4155550101,Bob\n1003,4155550102,Cy\n", "no header"),
        ("id,Phone,phone,name\n1,4155550100,4155550109,Ada\n2,4155550101,,Bob\n", "duplicate"),
        ("id,phone,,name\n1,4155550100,x,Ada\n2,4155550101,y,Bob\n", "blank header"),
    ],
)
def test_write_config_maps_by_index_when_names_cannot_identify_a_column(
    tmp_path: Path, content: str, why: str
) -> None:
    src = tmp_path / "in.csv"
    src.write_text(content)
    cfg = tmp_path / "leadprep.toml"
    from leadprep._config_writer import write_config

    report = leadprep.preview(src)
    write_config(report, cfg)
    columns = leadprep.load_config(cfg).mapping.columns
    assert all(isinstance(ref, int) for ref in columns.values()), (why, columns)
    result = leadprep.convert(src, cfg, None)
    assert result.rows_read == report.read.rows_read and result.accepted >= 2


def test_a_written_config_with_no_id_column_fails_convert_with_a_named_entry(
    tmp_path: Path,
) -> None:
    src = tmp_path / "in.csv"
    src.write_text("phone,name\n4155550100,Ada\n4155550100,Bob\n")
    cfg = tmp_path / "leadprep.toml"
    from leadprep._config_writer import write_config

    write_config(leadprep.preview(src), cfg)
    assert "# EXTERN_ID" in cfg.read_text()
    with pytest.raises(leadprep.ConfigError, match="EXTERN_ID is required"):
        leadprep.convert(src, cfg, None)


def test_preview_prints_detection_rows_mapping_and_forecast() -> None:
    done = cli("preview", SAMPLE / "leads.csv", "--config", STRATEGIC, "--rows", "3")
    assert done.returncode == 0, done.stderr
    for text in ("utf-8", "comma", "first 3 rows", "suggested mapping", "LEAD_PHONE",
                 "persona 2", "forecast", "INVALID_PRIMARY_PHONE", "C-10000"):
        assert text in done.stdout, text


def test_preview_of_an_unreadable_file_exits_3_with_one_line(tmp_path: Path) -> None:
    src = tmp_path / "empty.csv"
    src.write_bytes(b"")
    done = cli("preview", src)
    assert done.returncode == 3
    assert len(done.stderr.strip().splitlines()) == 1 and "EMPTY_FILE" in done.stderr


def test_read_options_override_detection(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("id;phone\n1;4155550100\n")
    report = leadprep.preview(src, options=leadprep.ReadOptions(delimiter=";", header=False))
    assert report.read.detection.header is False
    assert report.read.detection.delimiter_detected is False
    assert report.read.rows_read == 2


def test_a_strategic_config_maps_personas_by_their_labels() -> None:
    config = parse_config({
        "account": {"personas": [{"phone_id": 5, "label": "Cell"},
                                 {"phone_id": 6, "label": "Office Line"}]},
        "campaign": {"calling_configuration": "STRATEGIC"},
    })
    report = leadprep.preview(SAMPLE / "leads.csv", config).as_dict()
    assert report["suggestedAdditionalPhoneMappings"] == {"5": 4, "6": 5}


def test_a_file_of_numbers_from_another_region_gets_a_default_region_hint(tmp_path: Path) -> None:
    src = tmp_path / "uk.csv"
    src.write_text("id,phone\n1,020 7946 0958\n2,0161 496 0000\n3,0113 496 0000\n"
                   "4,0117 496 0000\n5,(415) 555-0100\n")
    report = leadprep.preview(src).as_dict()
    validate_against("preview", report)
    assert report["forecast"]["reasons"] == {"INVALID_PRIMARY_PHONE": 4}
    assert len(report["hints"]) == 1 and 'default_region = "GB"' in report["hints"][0]
    assert leadprep.preview(SAMPLE / "leads.csv").as_dict()["hints"] == []


def test_options_given_to_preview_are_pinned_in_the_written_config(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text('id,phone,company\n1,4155550100,"Acme\n2,4155550101,Globex\n')
    assert cli("preview", src).returncode == 3  # the open quote swallows the file
    cfg = tmp_path / "leadprep.toml"
    done = cli("preview", src, "--quote-char", "none", "--write-config", cfg)
    assert done.returncode == 0, done.stderr
    text = cfg.read_text()
    assert 'quote_char = "none"   # given to preview' in text
    assert '# delimiter = ","   # detected' in text
    result = leadprep.convert(src, cfg, None)
    assert (result.rows_read, result.accepted) == (2, 2)


def test_a_weak_guess_is_written_commented_out_for_the_user_to_confirm(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("Contact,Ref,Balance\n" + "".join(
        f"41555501{i:02d},R{i:04d},{1000 + i}.50\n" for i in range(20)))
    report = leadprep.preview(src)
    by_column = {e["column"]: e for e in report.as_dict()["suggestedMapping"]}
    assert by_column["Ref"]["target"] == "EXTERN_ID"
    assert by_column["Balance"]["target"] is None  # amounts are never IDs
    src.write_text("Contact,Code\n" + "".join(f"41555501{i:02d},K{i:04d}\n" for i in range(20)))
    cfg = tmp_path / "leadprep.toml"
    from leadprep._config_writer import write_config

    write_config(leadprep.preview(src), cfg)
    assert '# EXTERN_ID = "Code"' in cfg.read_text() and "a guess" in cfg.read_text()
    with pytest.raises(leadprep.ConfigError, match="EXTERN_ID is required"):
        leadprep.convert(src, cfg, None)


def test_files_written_on_request_get_the_usual_permissions(tmp_path: Path) -> None:
    cfg = tmp_path / "leadprep.toml"
    from leadprep._config_writer import write_config

    write_config(leadprep.preview(SAMPLE / "leads.csv"), cfg)
    made = tmp_path / "plain.txt"
    made.write_text("x")
    assert cfg.stat().st_mode & 0o777 == made.stat().st_mode & 0o777


def test_a_narrow_terminal_shows_every_column_of_a_wide_file(tmp_path: Path) -> None:
    from rich.console import Console

    from leadprep._cli_show import _sample_table

    report = leadprep.preview(SAMPLE / "leads.csv", rows=5)
    console = Console(width=80, record=True, force_terminal=False)
    console.print(_sample_table(report, 80))
    text = console.export_text()
    assert all(name in text for name in report.read.header)
    assert "C-10000" in text and "linus.dijkstra@example.com" in text
    assert max(len(line) for line in text.splitlines()) <= 80


def test_writing_a_config_without_a_confident_id_says_what_to_fill_in(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("Name,Contact\n" + "".join(f"N{i},41555501{i:02d}\n" for i in range(5)))
    done = cli("preview", src, "--write-config", tmp_path / "c.toml")
    assert done.returncode == 0, done.stderr
    assert "no confident EXTERN_ID yet" in done.stdout and "pinned" not in done.stdout
