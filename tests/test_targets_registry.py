"""Adding a dialer is one module and one line in the TARGETS registry: nothing else changes."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import leadprep
from leadprep import _targets

SAMPLE = Path(__file__).parents[1] / "sample_data"

# The whole of a new target: NDJSON of the accepted leads.
MODULE = '''
from pathlib import Path

from leadprep._targets._base import EmitInput, Target, Written


class NdjsonTarget(Target):
    name = "ndjson"
    outputs = ("leads.ndjson",)

    def write(self, stage: Path, data: EmitInput) -> Written:
        data.leads.frame.drop("_row").write_ndjson(stage / "leads.ndjson")
        return Written(("leads.ndjson",), 1)
'''


@pytest.fixture
def ndjson_target(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    modules = tmp_path / "modules"
    modules.mkdir()
    (modules / "_ndjson_example.py").write_text(MODULE, encoding="utf-8")
    monkeypatch.setattr(_targets, "__path__", [*_targets.__path__, str(modules)])
    # The one registry line:
    monkeypatch.setitem(_targets.TARGETS, "ndjson",
                        _targets._target("_ndjson_example", "NdjsonTarget"))
    yield
    sys.modules.pop("leadprep._targets._ndjson_example", None)


@pytest.mark.usefixtures("ndjson_target")
def test_a_target_added_by_one_module_and_one_registry_line_converts(tmp_path: Path) -> None:
    result = leadprep.convert(SAMPLE / "leads.csv", SAMPLE / "leadprep.toml", tmp_path / "out",
                              output_format="ndjson")
    lines = (tmp_path / "out" / "leads.ndjson").read_text(encoding="utf-8").splitlines()
    assert len(lines) == result.summary["accepted"] > 0
    assert all("leadPhone" in json.loads(line) for line in lines)
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["outputs"][0] == "leads.ndjson"
    assert (tmp_path / "out" / "rejects.csv").exists()


def test_an_unknown_format_names_the_registered_ones(tmp_path: Path) -> None:
    with pytest.raises(leadprep.ConfigError, match="leadloader, process, jaicp, contacts"):
        leadprep.convert(SAMPLE / "leads.csv", SAMPLE / "leadprep.toml", tmp_path / "out",
                         output_format="ndjson")
